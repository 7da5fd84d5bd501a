/*
 * --breakdown: where the milliseconds of one cold start go. Pure (no I/O but
 * the text renderer's FILE *).
 *
 * Input: the events of ONE cold start in time order, as timeline_build takes
 * them (pointers sorted by ts_ns, equal ts_ns in ring-buffer order, which is
 * their address order: events_by_time in coldstart.h), and the marks that
 * timeline_build found. The breakdown events (PROF_EV_SYSCALL, SWITCH_IN,
 * SWITCH_OUT, WAKEUP, ENTRY, THREAD_EXIT; see profiler_events.h) are only
 * there when the tracer ran with breakdown on.
 *
 * Phases, in order, each [boundary i, boundary i+1):
 *   0 exec             exec_enter      -> exec_done       the kernel's execve
 *   1 dynamic_loading  exec_done       -> entry           ld.so, until the ELF entry point runs
 *   2 runtime_init     entry           -> connect_start   the program's own start-up
 *   3 connect          connect_start   -> connect_end     connect() to the Runtime API
 *   4 request_next     connect_end     -> next_sent       until the GET /next is handed over
 *   5 wait_event       next_sent       -> event_received
 *   6 handler          event_received  -> response_first  until the response's first write
 *   7 write_response   response_first  -> response_sent   until its last write is handed over
 * Boundary 0 is exec_enter and boundary 8 is response_sent; both must be
 * non-zero with response_sent >= exec_enter, or there is no breakdown.
 * A boundary 1..7 that is 0, or earlier than the boundary before it (after
 * replacement), or later than response_sent, is replaced by the boundary
 * before it: the phase that ends there gets duration 0 and measured = false,
 * and its time goes to the next phase. So the durations always sum to
 * response_sent - exec_enter (= total_ms) exactly.
 *
 * Attribution (window = [boundary 0, boundary 8]):
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
#ifndef BREAKDOWN_H
#define BREAKDOWN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>
#include "profiler_events.h"

/* invocation.h includes this header (struct invocation holds a breakdown), so
 * struct phase_marks is only declared here: breakdown.c includes invocation.h. */
struct phase_marks;

#define BD_PHASES 8
#define BD_TOP 10	/* syscall types kept per phase and per tree */

enum bd_phase {
	BD_EXEC = 0, BD_DYNLOAD, BD_RUNTIME_INIT, BD_CONNECT, BD_REQUEST_NEXT,
	BD_WAIT_EVENT, BD_HANDLER, BD_WRITE_RESPONSE,
};

const char *bd_phase_name(enum bd_phase p);	/* "exec", "dynamic_loading", ... */

struct bd_syscall {
	int32_t nr;		/* syscall number of the host, -1 unused slot */
	uint32_t count;
	uint64_t ns;		/* time inside it */
};

/* What one phase (or the whole window) cost. */
struct bd_costs {
	uint64_t on_cpu_ns, runnable_ns, blocked_ns;	/* summed over the tree's threads */
	uint64_t min_flt, maj_flt;
	uint64_t read_bytes;		/* storage reads (task I/O accounting) */
	uint64_t syscalls, syscall_ns;	/* all syscalls of the tree */
	struct bd_syscall top[BD_TOP];	/* by time, then count, then nr; unused: nr -1 */
	uint64_t api_bytes_sent, api_bytes_received;
	uint32_t processes, threads;	/* created (FORK events); a process counts as a thread too */
};

struct bd_phase_rec {
	uint64_t start_ns;		/* boundary, CLOCK_MONOTONIC */
	uint64_t dur_ns;
	bool measured;			/* its end mark was seen (see above) */
	struct bd_costs c;
};

struct breakdown {
	uint64_t window_start_ns, window_end_ns;	/* boundaries 0 and 8 */
	struct bd_phase_rec ph[BD_PHASES];
	struct bd_costs tree;			/* the whole window */
	uint64_t peak_rss_kb;			/* 0 = no sample */
	uint64_t peak_rss_at_ns;		/* absolute ts */
	int peak_rss_phase;			/* enum bd_phase, -1 unknown */
	uint32_t threads_seen;			/* distinct threads with a state */
	/* tracer cost, filled by the caller: the programs' own timing of their runs on this
	 * tree's events (bpf_tree_measured) */
	uint64_t bpf_tree_ns;
	bool bpf_tree_measured;
};

/* The slots of the costs: a phase (0 .. BD_PHASES - 1), or BD_TREE for the whole window.
 * BD_SLOT_COSTS(bd, slot) is bd's struct bd_costs of that slot (const when bd is). */
#define BD_TREE BD_PHASES
#define BD_SLOTS (BD_PHASES + 1)
#define BD_SLOT_COSTS(bd, slot) ((slot) == BD_TREE ? &(bd)->tree : &(bd)->ph[slot].c)

/* An empty breakdown: all zero, every top syscall slot unused (nr -1), the
 * peak RSS phase unknown (-1). */
void breakdown_clear(struct breakdown *bd);

/* Rank cand[0..n-1] (in place: by time, then count, then nr) and keep the
 * first BD_TOP in top; the slots left over are unused (nr -1, 0, 0). */
void bd_top_rank(struct bd_syscall top[BD_TOP], struct bd_syscall *cand, size_t n);

/* Build the breakdown of one cold start. Returns 0; -1 with errno EINVAL for
 * NULL arguments, ENOENT when boundary 0 or 8 is missing (out zeroed),
 * ENOMEM. */
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

/* Syscall name of the host architecture ("openat"), or NULL when unknown. */
const char *bd_syscall_name(int nr);

#endif
