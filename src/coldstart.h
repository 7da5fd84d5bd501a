/*
 * One cold start, from its events to its record: collected as they arrive,
 * sorted once, built into the invocation record (timeline, breakdown), its
 * outcome classified, and handed to the trace export. `benchmark` (which runs
 * the bootstrap against its own Runtime API emulator) and `trace` (which
 * attaches to bootstraps something else starts) both go through here:
 *
 *   coldstart_begin(&cs, root);          keep the events of root's tree
 *   coldstart_add(&cs, e);               for each event the tracer delivers
 *   coldstart_build(&cs, &opts, &inv);   sort once; timeline (+ breakdown)
 *   coldstart_classify(&facts, &inv);    outcome, reason, error type (pure)
 *   coldstart_export(&cs, ct, &inv);     its entry in the trace export
 *   coldstart_end(&cs);                  stop keeping; the buffer is reused
 *   coldstart_free(&cs);
 *
 * Nothing here does I/O: the callers gather the facts (the emulator's status,
 * waitpid, the cgroup's OOM kills, the ring buffer's drops) and pass them in.
 */
#ifndef COLDSTART_H
#define COLDSTART_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "profiler_events.h"
#include "invocation.h"
#include "rapi.h"

struct ctrace;

/* The events of one cold start. Zero-initialised it is empty and keeps nothing. */
struct coldstart {
	uint32_t root;			/* whose events are kept (prof_event.root); 0: none */
	struct prof_event *ev;		/* ring-buffer order */
	size_t n, cap;
	bool oom;			/* an event could not be kept: out of memory */
	const struct prof_event **by_time;	/* coldstart_build: ev in time order */
};

/* Keep the events of root from now on; drops what was kept before. */
void coldstart_begin(struct coldstart *c, uint32_t root);

/* Keep e (copied) when it belongs to the root being followed. Returns 1 when
 * kept, 0 when it is not ours (another cold start's straggler, or no root),
 * -1 when it could not be kept (out of memory: c->oom is set). The array
 * doubles as it fills, from 256 events. */
int coldstart_add(struct coldstart *c, const struct prof_event *e);

/* Stop keeping events (root 0, oom cleared); the buffer stays for the next one. */
void coldstart_end(struct coldstart *c);

void coldstart_free(struct coldstart *c);	/* accepts NULL and a zeroed one */

/*
 * ev[0..n-1] (ring-buffer order) in time order: *out = malloc'd pointers into
 * ev sorted by ts_ns, equal ts_ns in ring-buffer order, which is their address
 * order. This is the order timeline_build, breakdown_build and
 * ctrace_add_cold_start take. Returns 0 (*out NULL when n is 0), or -1 with
 * errno ENOMEM.
 */
int events_by_time(const struct prof_event *ev, size_t n, const struct prof_event ***out);

struct coldstart_build_opts {
	bool traced;		/* the events come from the eBPF tracer; false (--no-bpf): the
				 * phases come from inv's userspace readings instead */
	bool breakdown;		/* --breakdown: build inv->bd as well (traced only) */
};

/*
 * Sort the events once (c->by_time) and build the record from them:
 * timeline_build (marks, counters, phases; see timeline.h) and, with
 * breakdown, breakdown_build (has_breakdown, bd) and bd_events; the caller
 * fills bd.bpf_tree_*. Untraced: the phases from spawn_ns and the emulator's
 * readings (inv_phases_from_userspace), exit_code -1, processes and threads
 * 0. Returns 0, or -1 with errno as timeline_build (ENOENT: no execve of the
 * root; ENOMEM).
 */
int coldstart_build(struct coldstart *c, const struct coldstart_build_opts *o,
		    struct invocation *inv);

/* Add the cold start to the trace export (chrome_trace.h) from the sorted
 * events; ct NULL: nothing. Call coldstart_build first. Returns 0 or -1. */
int coldstart_export(const struct coldstart *c, struct ctrace *ct,
		     const struct invocation *inv);

/* How benchmark's wait for the answer of its cold start ended. */
enum coldstart_wait {
	CS_WAIT_ANSWERED = 0,	/* the emulator has a response, an error or an init error */
	CS_WAIT_EXITED,		/* the root exited first */
	CS_WAIT_INTERRUPTED,	/* the run was interrupted: stop_signal */
	CS_WAIT_INIT_TIMEOUT,	/* no GET /next within init_timeout_s */
	CS_WAIT_TIMEOUT,	/* no answer within timeout_s of the event */
	CS_WAIT_CONN_LIMIT,	/* more Runtime API connections at once than RAPI_MAX_CONNS */
	CS_WAIT_EXTENSION,	/* an extension failed its init: extension_failure says how */
};

/*
 * What is known about how one cold start ended. Each caller fills what it
 * has and leaves the rest zero.
 */
struct coldstart_facts {
	/* trace: the bootstrap was started by something else; there is no
	 * emulator, the kernel marks alone tell what it answered */
	bool attached;
	bool unfinished;		/* attached: handed over because tracing stopped */

	/* benchmark: the profiler started it against its emulator */
	const char *spawn_error;	/* it could not be started or exec'd: why */
	const struct rapi_status *api;	/* the emulator's final status (NULL only with
					 * spawn_error) */
	enum coldstart_wait wait;
	int stop_signal;		/* CS_WAIT_INTERRUPTED: SIGINT or SIGTERM */
	double init_timeout_s, timeout_s;	/* the limits, for the reasons */
	bool traced;			/* eBPF timing (not --no-bpf) */
	bool build_failed;		/* traced, and coldstart_build failed (no execve) */
	uint64_t events_dropped;	/* by the ring buffer while it ran */
	uint64_t oom_kills;		/* by the kernel in its cgroup; 0 without one */
	unsigned memory_mb;		/* that cgroup's limit */
	uint64_t pids_max_events;	/* forks/clones its pids controller refused; 0 without */
	unsigned pids_max;		/* that controller's limit */
	const char *extension_failure;	/* CS_WAIT_EXTENSION: why; CS_WAIT_INIT_TIMEOUT: which
					 * extension init still waited for (NULL: the runtime) */
	const char *extension_error_type;	/* CS_WAIT_EXTENSION: its error type, or NULL */

	/* both */
	bool collect_oom;		/* an event could not be kept (coldstart.oom) */
};

/*
 * Set inv->outcome, reason and error_type (reset first) from the facts and
 * what coldstart_build measured (inv->k, function_error, io_uring,
 * exit_code, exit_signal). Pure. The first rule that applies decides:
 *
 * attached (trace):
 *   unfinished                      interrupted
 *   collect_oom                     trace_incomplete
 *   response_sent mark, not /error  ok
 *   response_sent mark, /error      function_error
 *   init_error_sent mark            init_error
 *   otherwise                       exited (how, from exit_signal/exit_code)
 * run (benchmark), in this order, each on what the rules before left:
 *   spawn_error                     spawn_failed
 *   how the wait ended              exited / interrupted / init_timeout / timeout /
 *                                   too_many_connections / extension_error
 *   ok, traced, build_failed        trace_incomplete (no execve)
 *   ok: the emulator's state        responded: ok, or trace_incomplete when a
 *                                   mark is missing from the trace (traced);
 *                                   errored: function_error; init errored:
 *                                   init_error (error_type from the emulator);
 *                                   else exited
 *   exited without a reason         how it ended, and whether it ever asked
 *   ok, events_dropped              trace_incomplete
 *   ok, collect_oom                 trace_incomplete
 *   oom_kills, not ok/interrupted   out_of_memory (Runtime.OutOfMemory)
 *   pids_max_events, not ok/interrupted   process_limit: the process limit was hit and
 *                                   the cold start failed; it wins over out_of_memory (a
 *                                   fork bomb is what fills memory then), whose kills the
 *                                   reason still names. A success that met the limit (a
 *                                   refused thread it handled) stays ok.
 */
void coldstart_classify(const struct coldstart_facts *f, struct invocation *inv);
#endif
