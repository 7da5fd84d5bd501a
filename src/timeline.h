/* Events of one cold start -> one invocation record with its phases. Pure. */
#ifndef TIMELINE_H
#define TIMELINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "profiler_events.h"

/* Kernel timestamps (CLOCK_MONOTONIC ns) of the phase boundaries; 0 = not seen. */
struct phase_marks {
	uint64_t exec_enter;	/* first execve entry of the root */
	uint64_t exec_done;	/* first sched_process_exec of the root: new image running */
	uint64_t connect_start;	/* first connect() to the API: entry */
	uint64_t connect_end;	/* ... and its return */
	uint64_t next_sent;	/* last write of the first GET next returned */
	uint64_t event_received;/* first read returning data after it, on that connection: return */
	uint64_t response_sent;	/* last write of the POST response/error returned */
	uint64_t init_error_sent;/* last write of POST init/error returned */
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
};

const char *inv_outcome_name(enum inv_outcome o);

struct invocation {
	int index;			/* 1-based */
	enum inv_outcome outcome;
	char reason[256];		/* human-readable failure reason, "" when OK */
	char error_type[128];		/* Lambda-Runtime-Function-Error-Type, if any */
	int64_t timestamp;		/* unix epoch seconds at start */
	uint32_t root_pid;
	struct phase_marks k;		/* kernel marks */
	/* phases in ms; negative = not available */
	double exec_ms, connect_ms, init_ms, wait_ms, handler_ms, total_ms;
	/* memory: peak RSS of the largest process of the tree (KiB), 0 = unavailable */
	uint64_t memory_kb;
	uint64_t root_memory_kb;	/* peak RSS of the bootstrap process itself */
	uint64_t min_flt, maj_flt;	/* summed over the tree */
	unsigned processes, threads;	/* created by the tree, root included */
	unsigned connections, requests;
	uint64_t bytes_sent, bytes_received;	/* on Runtime API sockets */
	int exit_code;			/* root's exit status; -1 if killed/unknown */
	int exit_signal;		/* signal that ended the root, 0 if none */
	bool killed_by_profiler;	/* tree ended by the profiler after the response */
	bool io_uring;			/* tree used io_uring: traffic may be invisible */
	uint32_t capture_faults;	/* payload reads that faulted */
	uint64_t events;		/* events consumed for this invocation */
	char log_path[512];
};

/* Fill inv->k and the derived fields from the events of one cold start, in
 * ring-buffer order. Does not touch index/timestamp/outcome of timeouts etc.:
 * the caller sets those; this sets outcome from what the trace shows when the
 * caller left it INV_OK. Returns 0, or -1 when the events lack the exec entry. */
int timeline_build(const struct prof_event *ev, size_t n, uint32_t root, struct invocation *inv);

/* Derive the *_ms fields from inv->k (negative where a mark is missing). */
void timeline_phases(struct invocation *inv);
#endif
