/*
 * --breakdown, the model: where the milliseconds of one cold start go, phase
 * by phase, and what each phase cost the tree (thread states, faults, storage
 * reads, syscalls, Runtime API bytes, processes and threads created). Pure.
 *
 *   breakdown.c         the names, the empty record, the top syscalls' ranking
 *   breakdown_build.c   one cold start's events -> its breakdown (the attribution rules)
 *   breakdown_median.c  the median waterfall of a run
 *   breakdown_text.c    the text waterfall
 *   breakdown_json.c    its JSON
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
 */
#ifndef BREAKDOWN_H
#define BREAKDOWN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BD_PHASES 8
#define BD_TOP 10	/* syscall types kept per phase and per tree */

enum bd_phase {
	BD_EXEC = 0, BD_DYNLOAD, BD_RUNTIME_INIT, BD_CONNECT, BD_REQUEST_NEXT,
	BD_WAIT_EVENT, BD_HANDLER, BD_WRITE_RESPONSE,
};

const char *bd_phase_name(enum bd_phase p);	/* "exec", "dynamic_loading", ...; else "unknown" */

/* Syscall name of the host architecture ("openat"), or NULL when unknown. */
const char *bd_syscall_name(int nr);

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
#endif
