/*
 * --breakdown: one cold start's events -> its breakdown (breakdown.h). Pure.
 *
 * Input: the events of ONE cold start in time order, as timeline_build takes
 * them (pointers sorted by ts_ns, equal ts_ns in ring-buffer order, which is
 * their address order: events_by_time in coldstart.h), and the marks that
 * timeline_build found. The breakdown events (PROF_EV_SYSCALL, SWITCH_IN,
 * SWITCH_OUT, WAKEUP, ENTRY, THREAD_EXIT; see profiler_events.h) are only
 * there when the tracer ran with breakdown on.
 *
 * The window is [boundary 0, boundary 8] (breakdown.h says how the
 * boundaries come from the marks).
 *
 * Attribution:
 *  - Time in a state, syscall time: intervals are split over the phases
 *    they overlap, to the ns; what lies outside the window is not counted.
 *  - Point events (a syscall's count by its entry ts, FORK, bytes of WRITE
 *    by entry ts and of READ by exit ts): the phase i with
 *    b_i <= ts < b_{i+1}; ts == boundary 8 counts in phase 7; outside the
 *    window not counted.
 *  - Faults and storage reads come from the per-thread cumulative counters
 *    in the samples (struct prof_sample) of that thread's events: SYSCALL
 *    carries one at entry (ts_ns) and one at exit (end_ns); SWITCH_OUT,
 *    ENTRY and THREAD_EXIT one at ts_ns. The increase between two
 *    consecutive samples of a thread (t_prev, t] goes to the phase i with
 *    b_i < t <= b_{i+1} (a sample on a boundary closes the phase before it,
 *    so the thread that makes the boundary syscall is attributed exactly);
 *    t <= boundary 0 or t > boundary 8: not counted. A thread's first
 *    sample is its baseline, except a thread created by a FORK event in the
 *    window, whose baseline is 0 at the fork's ts (a new task's counters
 *    start at zero).
 *  - Thread states: each thread (by pid = tid) is on_cpu, runnable, blocked
 *    or gone. SWITCH_IN -> on_cpu; SWITCH_OUT -> runnable if arg == 1
 *    (preempted, still TASK_RUNNING) else blocked; WAKEUP -> runnable if
 *    blocked or unknown; FORK creates the child thread (arg = its tid; for
 *    a process, its tgid = tid of its main thread) as runnable at ts;
 *    THREAD_EXIT and EXIT (pid) -> gone; nothing after gone counts. The
 *    root's main thread (pid == root) is on_cpu at boundary 0 (it is
 *    running execve). A thread whose state is unknown takes, back to the
 *    window's start or its creation, the state its first event implies:
 *    SWITCH_IN -> it was runnable, SWITCH_OUT/SYSCALL/ENTRY -> on_cpu,
 *    WAKEUP -> blocked. So for a single-threaded tree every phase has
 *    on_cpu + runnable + blocked == duration.
 *  - Peak RSS: over the rss_kb of all samples in the window (the largest
 *    process's resident set, as memory_kb); at = ts of the first sample
 *    with the largest value, and the phase holding it (point rule).
 */
#ifndef BREAKDOWN_BUILD_H
#define BREAKDOWN_BUILD_H
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "profiler_events.h"
#include "breakdown.h"
#include "invocation.h"

/* Build the breakdown of one cold start. Returns 0; -1 with errno EINVAL for
 * NULL arguments, ENOENT when boundary 0 or 8 is missing (out empty, as
 * breakdown_clear leaves it), ENOMEM (out empty). */
int breakdown_build(const struct prof_event *const *ev, size_t n, uint32_t root,
		    const struct phase_marks *k, struct breakdown *out);

/* How many of these events only --breakdown produces. */
static inline uint64_t breakdown_events(const struct prof_event *ev, size_t n)
{
	uint64_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += ev[i].type >= PROF_EV_SYSCALL && ev[i].type <= PROF_EV_THREAD_EXIT;
	return k;
}
#endif
