/*
 * The model of one cold start: its kernel marks, its phases, its outcome and the
 * invocation record every output is made from. Pure data and tables.
 *
 * The phase table inv_phases[] is the one definition of a phase: the timeline
 * (timeline_phases), the userspace-only path (--no-bpf), the text summary, the
 * results JSON, the SVG waterfall and the trace export all iterate it. A phase
 * runs from one mark to another (inv_marks[] names them, as in the results'
 * kernel_ns and the trace export's spans):
 *   exec    = exec_done      - exec_enter
 *   connect = connect_end    - connect_start
 *   init    = next_sent      - exec_enter   (Lambda's Init Duration)
 *   wait    = event_received - next_sent
 *   handler = response_sent  - event_received
 *   total   = response_sent  - exec_enter
 * in ms (ns / 1e6), -1.0 when either mark is 0 or the difference is negative.
 * Without BPF (--no-bpf) only init, handler and total are measured, from the
 * spawner's clock before execve and the emulator's readings (they include the
 * emulator's latency): init = next received - spawn, handler = response
 * received - event sent, total = response received - spawn; -1.0 unless both
 * readings are set and the difference is positive.
 */
#ifndef INVOCATION_H
#define INVOCATION_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "api_facts.h"
#include "breakdown.h"

#define TIMELINE_MAX_WARM 64	/* --warm N: at most this many warm invocations */

/* Kernel timestamps (CLOCK_MONOTONIC ns) of the phase boundaries; 0 = not seen.
 * timeline.h says how each is found. */
struct phase_marks {
	uint64_t exec_enter;	/* first execve entry of the root */
	uint64_t exec_done;	/* first sched_process_exec of the root: new image running */
	uint64_t entry;		/* --breakdown: the root reached its ELF entry point (uprobe) */
	uint64_t connect_start;	/* first connect() to the API: entry */
	uint64_t connect_end;	/* ... and its return */
	uint64_t next_sent;	/* last write of the first GET next: entry */
	uint64_t event_received;/* first read returning data after it, on that connection: return */
	uint64_t response_first;/* first write of the POST response/error: entry */
	uint64_t response_sent;	/* last write of the POST response/error: entry */
	uint64_t init_error_sent;/* last write of POST init/error: entry */
	uint64_t root_exit;	/* root process died */
};

/* The marks in the order of struct phase_marks (and of the results' kernel_ns). */
enum inv_mark {
	MARK_EXEC_ENTER = 0, MARK_EXEC_DONE, MARK_ENTRY, MARK_CONNECT_START, MARK_CONNECT_END,
	MARK_NEXT_SENT, MARK_EVENT_RECEIVED, MARK_RESPONSE_FIRST, MARK_RESPONSE_SENT,
	MARK_INIT_ERROR_SENT, MARK_ROOT_EXIT,
	INV_MARKS
};

struct inv_mark_def {
	const char *name;	/* "exec_enter": kernel_ns.NAME in the results, trace export spans */
	size_t off;		/* offsetof(struct phase_marks, ...) */
};

extern const struct inv_mark_def inv_marks[INV_MARKS];

static inline uint64_t inv_mark(const struct phase_marks *k, enum inv_mark m)
{
	return *(const uint64_t *)((const char *)k + inv_marks[m].off);
}

static inline void inv_set_mark(struct phase_marks *k, enum inv_mark m, uint64_t ns)
{
	*(uint64_t *)((char *)k + inv_marks[m].off) = ns;
}

enum inv_outcome {
	INV_OK = 0,		/* response posted */
	INV_FUNCTION_ERROR,	/* /error posted (a measured invocation that failed) */
	INV_INIT_ERROR,		/* /runtime/init/error posted */
	INV_EXITED,		/* exited before posting a response */
	INV_INIT_TIMEOUT,
	INV_TIMEOUT,
	INV_SPAWN_FAILED,
	INV_TRACE_INCOMPLETE,	/* response seen by the emulator but the trace misses a mark */
	INV_INTERRUPTED,	/* the run was interrupted (SIGINT/SIGTERM) during this cold start */
	INV_OUT_OF_MEMORY,	/* the kernel's OOM killer struck at the -m limit */
	INV_PROCESS_LIMIT,	/* a fork or clone was refused at Lambda's process limit */
	INV_TOO_MANY_CONNECTIONS,	/* more Runtime API connections at once than the limit */
	INV_EXTENSION_ERROR,	/* an extension crashed or posted an error during init */
	INV_OUTCOME_LAST = INV_EXTENSION_ERROR,
};

/* "ok", "function_error", ... (the results' outcome); "unknown" out of range. */
const char *inv_outcome_name(enum inv_outcome o);

struct invocation {
	int index;			/* 1-based */
	enum inv_outcome outcome;
	char reason[256];		/* human-readable failure reason, "" when OK */
	char error_type[128];		/* Lambda-Runtime-Function-Error-Type, if any */
	int64_t timestamp;		/* unix epoch seconds at start */
	uint32_t root_pid;
	uint64_t spawn_ns;		/* spawner's CLOCK_MONOTONIC right before execve (userspace) */
	/* the emulator's own CLOCK_MONOTONIC readings (userspace), 0 = not seen */
	uint64_t api_next_received_ns, api_event_sent_ns, api_response_received_ns;
	struct phase_marks k;		/* kernel marks */
	/* phases in ms (inv_phases[]); negative = not available */
	double exec_ms, connect_ms, init_ms, wait_ms, handler_ms, total_ms;
	/* memory: peak RSS of the largest process of the tree (KiB), 0 = unavailable */
	uint64_t memory_kb;
	uint64_t root_memory_kb;	/* peak RSS of the bootstrap process itself */
	uint64_t min_flt, maj_flt;	/* summed over the tree */
	uint64_t read_bytes;		/* storage reads the tree caused (task I/O accounting) */
	/* --cold-cache: what was evicted before this cold start (files 0 = not asked) */
	uint32_t evicted_files;
	uint64_t evicted_pages, still_cached_pages;
	unsigned processes, threads;	/* created by the tree, root included */
	unsigned connections, requests;
	uint64_t bytes_sent, bytes_received;	/* on Runtime API sockets */
	int exit_code;			/* root's exit status; -1 if killed/unknown */
	int exit_signal;		/* signal that ended the root, 0 if none */
	bool killed_by_profiler;	/* tree ended by the profiler after the response */
	bool function_error;		/* the response_sent mark is a POST .../error */
	bool io_uring;			/* tree used io_uring: traffic may be invisible */
	uint32_t capture_faults;	/* payload reads that faulted */
	uint64_t events;		/* events consumed for this invocation */
	/* --warm: invocations of the same process after the cold one; handler phase of each
	 * (kernel marks, or the emulator's clock without BPF), -1 = not measured */
	unsigned n_warm;
	double warm_handler_ms[TIMELINE_MAX_WARM];
	bool has_breakdown;		/* --breakdown: bd is filled */
	struct breakdown bd;
	uint64_t bd_events;		/* events of the breakdown-only types among events */
	uint64_t bpf_tree_ns;		/* --breakdown: the tracer's program time on the tree's
					 * events, summed over its EXIT events (bpf_ns) */
	bool pids_measured;		/* the pids controller limited it (cgroup.h) */
	uint64_t pids_max_events;	/* ... and refused this many forks/clones at its limit */
	char log_path[512];
	uint64_t log_bytes;		/* bytes the tree wrote to stdout/stderr */
	uint64_t log_dropped;		/* of which not kept: over the log limit */
	struct api_facts api;		/* connections, foreign requests, streaming, extensions */
};

/* The phases, in the order of their *_ms fields (and of the text summary). */
enum inv_phase {
	PHASE_EXEC = 0, PHASE_CONNECT, PHASE_INIT, PHASE_WAIT, PHASE_HANDLER, PHASE_TOTAL,
	INV_PHASES
};

#define PHASE_NONE (-1)

struct inv_phase_def {
	const char *name;	/* "exec": NAME_ms in the results, the text, the SVG, the trace */
	enum inv_mark from, to;	/* kernel marks it runs between */
	size_t ms_off;		/* offsetof(struct invocation, NAME_ms) */
	int parent;		/* the phase it lies within (trace export nesting), PHASE_NONE */
	bool headline;		/* one of the guide's fields (init, handler, total): first in a
				 * results measurement, before the timestamp */
	bool userspace;		/* --no-bpf measures it, from these uint64_t ns readings of
				 * struct invocation (offsetof): */
	size_t us_from, us_to;
	const char *help;	/* its line in benchmark --help; NULL: not listed there */
};

extern const struct inv_phase_def inv_phases[INV_PHASES];

static inline double inv_phase_ms(const struct invocation *inv, enum inv_phase p)
{
	return *(const double *)((const char *)inv + inv_phases[p].ms_off);
}

static inline void inv_set_phase_ms(struct invocation *inv, enum inv_phase p, double ms)
{
	*(double *)((char *)inv + inv_phases[p].ms_off) = ms;
}

/* The *_ms fields from inv->k (the kernel rule above). Touches nothing else. */
void inv_phases_from_marks(struct invocation *inv);

/* The *_ms fields from spawn_ns and the emulator's readings (the --no-bpf rule
 * above); the phases it cannot measure are -1. Touches nothing else. */
void inv_phases_from_userspace(struct invocation *inv);
#endif
