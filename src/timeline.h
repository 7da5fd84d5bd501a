/*
 * Events of one cold start -> one invocation record with its phases. Pure.
 *
 * Input: the events of ONE cold start (the root process and its descendants),
 * in ring-buffer order. Events from different CPUs are not strictly time
 * ordered, so timeline_build sorts a copy stably by ts_ns first. All marks
 * are CLOCK_MONOTONIC ns (bpf_ktime_get_ns); 0 means "not seen".
 *
 * Requests: the writes with ret > 0 of each connection (conn_id) are fed, in
 * time order, to httpclass_feed (see httpclass.h for the stream rule and its
 * limits: 128-byte prefix capture, a body starting with "GET /..." is
 * misread). Each request is {conn_id, type, entry ts of its first write,
 * entry ts of its last write, exit (end_ns) of its last write}. A request's
 * writes are the write that begins it and every later write on the same
 * connection up to the next request. Writes with ret <= 0 are ignored.
 *
 * Marks:
 *   exec_enter      ts of the first EXEC_ENTER with tgid == root
 *   exec_done       ts of the first EXEC_DONE with tgid == root at/after exec_enter
 *   entry           ts of the first ENTRY (uprobe at the ELF entry point, --breakdown)
 *                   with tgid == root once exec_done is set
 *   connect_start   entry ts of the first successful CONNECT (ret 0 or -EINPROGRESS)
 *   connect_end     exit (end_ns) of that CONNECT
 *   next_sent       ENTRY ts of the last write of the FIRST "GET .../invocation/next"
 *                   request: the bootstrap hands over its last bytes of it
 *   event_received  EXIT of the first READ with ret > 0 on that request's
 *                   connection whose entry ts >= the entry ts of the request's
 *                   last write: first bytes of the event returned to the bootstrap
 *                   (a blocking read returns when the data arrived)
 *   response_sent   ENTRY ts of the last write of the first POST .../response or
 *                   .../error request whose first write entered at/after
 *                   event_received (function_error = it was /error);
 *   response_first  ENTRY ts of that request's first write
 *   init_error_sent ENTRY ts of the last write of the first POST .../init/error
 * The request marks use the write's entry, not its exit: a write to a
 * loopback socket wakes the Runtime API server, which can preempt the writer
 * inside the syscall, so the exit includes the server's processing.
 *   root_exit       ts of the EXIT event with tgid == root
 *
 * Phases (ms = ns / 1e6, -1.0 when either mark is 0 or the difference is
 * negative), computed by timeline_phases:
 *   exec    = exec_done      - exec_enter
 *   connect = connect_end    - connect_start
 *   init    = next_sent      - exec_enter   (Lambda's Init Duration)
 *   wait    = event_received - next_sent
 *   handler = response_sent  - event_received
 *   total   = response_sent  - exec_enter
 *
 * Counters: exit_code = WEXITSTATUS of the root's EXIT status if it exited,
 * else -1 (also -1 with no root EXIT); exit_signal = WTERMSIG if killed by a
 * signal, else 0. memory_kb = max rss_peak_kb over the EXIT events of the
 * tree, root_memory_kb = the root's; min_flt/maj_flt summed over them.
 * processes = 1 + FORK events without PROF_F_THREAD; threads = 1 + all FORK
 * events (every new process has a thread). connections = successful
 * CONNECTs; requests = requests found as above; bytes_sent/bytes_received =
 * sums of ret > 0 of WRITE/READ; io_uring = any IO_URING event;
 * bpf_tree_ns = sum of bpf_ns of the EXIT events;
 * capture_faults = events flagged PROF_F_CAPTURE_FAULT; events = n.
 */
#ifndef TIMELINE_H
#define TIMELINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "profiler_events.h"
#include "breakdown.h"

#define TIMELINE_MAX_WARM 64

/* Kernel timestamps (CLOCK_MONOTONIC ns) of the phase boundaries; 0 = not seen. */
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
	INV_OUTCOME_LAST = INV_OUT_OF_MEMORY,
};

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
	/* phases in ms; negative = not available */
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
	char log_path[512];
	uint64_t log_bytes;		/* bytes the tree wrote to stdout/stderr */
	uint64_t log_dropped;		/* of which not kept: over the log limit */
};

/* Fill inv->k, root_pid, function_error, the counters, exit_code/exit_signal
 * and (via timeline_phases) the *_ms fields from the events of one cold
 * start, in ring-buffer order (ev is not modified). Does not touch index,
 * timestamp, outcome, reason, error_type, log_path or killed_by_profiler:
 * the caller decides the outcome from the marks. Returns 0; or -1 with errno
 * ENOENT when there is no EXEC_ENTER of root (marks are then all zero and the
 * phases -1, counters still filled), EINVAL for a NULL inv, ENOMEM. */
int timeline_build(const struct prof_event *ev, size_t n, uint32_t root, struct invocation *inv);

/*
 * Warm invocations (inv->n_warm of them, set by the caller before timeline_build): the k-th
 * warm one is the (k+1)-th GET next request; its handler runs from the exit of the first read
 * returning data on that request's connection (entered at/after the request's last write) to
 * the entry of the last write of the first response/error request that starts after it.
 * timeline_build fills warm_handler_ms[0..n_warm-1] (-1 where a mark is missing).
 */

/* Derive the *_ms fields from inv->k (-1.0 where a mark is missing or the
 * difference would be negative). Touches nothing else. */
void timeline_phases(struct invocation *inv);
#endif
