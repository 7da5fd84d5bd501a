/*
 * Events of one cold start -> one invocation record with its phases. Pure.
 *
 * Input: the events of ONE cold start (the root process and its descendants)
 * in time order: pointers sorted by ts_ns, equal ts_ns in ring-buffer order
 * (events from different CPUs reach the ring buffer out of time order;
 * events_by_time in coldstart.h sorts them, once for every consumer). All
 * marks are CLOCK_MONOTONIC ns (bpf_ktime_get_ns); 0 means "not seen".
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
 * Phases: inv_phases_from_marks (invocation.h) turns the marks into the *_ms fields.
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
#include "invocation.h"

/* Fill inv->k, root_pid, function_error, the counters, exit_code/exit_signal
 * and (via inv_phases_from_marks) the *_ms fields from the events of one cold
 * start, in time order (see above; not modified). Does not touch index,
 * timestamp, outcome, reason, error_type, log_path or killed_by_profiler:
 * the caller decides the outcome from the marks. Returns 0; or -1 with errno
 * ENOENT when there is no EXEC_ENTER of root (marks are then all zero and the
 * phases -1, counters still filled), EINVAL for a NULL inv, ENOMEM. */
int timeline_build(const struct prof_event *const *ev, size_t n, uint32_t root,
		   struct invocation *inv);

/*
 * Warm invocations (inv->n_warm of them, set by the caller before timeline_build): the k-th
 * warm one is the (k+1)-th GET next request; its handler runs from the exit of the first read
 * returning data on that request's connection (entered at/after the request's last write) to
 * the entry of the last write of the first response/error request that starts after it.
 * timeline_build fills warm_handler_ms[0..n_warm-1] (-1 where a mark is missing).
 */

#endif
