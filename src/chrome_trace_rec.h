/*
 * Inside the Chrome trace writer (chrome_trace.h): what its three files share.
 *   chrome_trace.c            the records held in memory, sorted and printed as the JSON file
 *   chrome_trace_events.c     one kernel event -> its trace event: the syscall slices, the
 *                             process instants, the RSS counters
 *   chrome_trace_coldstart.c  one cold start -> its records: its events in time order, the
 *                             phase slices, the cold start's slice, the names of its tracks
 * The callers include chrome_trace.h alone.
 */
#ifndef CHROME_TRACE_REC_H
#define CHROME_TRACE_REC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "chrome_trace.h"
#include "httpclass.h"
#include "jsonw.h"

/* The profiler's pseudo-process, whose thread holds the cold starts' slices. */
#define CTRACE_PROFILER_PID 0u
#define CTRACE_PROFILER_TID 0u

/* One trace event, kept compact until ctrace_to_json prints it. */
struct ctrace_rec {
	uint64_t ts;		/* absolute CLOCK_MONOTONIC ns (not for 'M') */
	uint64_t dur;		/* ns, 'X' only */
	uint32_t pid, tid;
	uint32_t seq;		/* insertion order: ties keep it */
	char ph;		/* 'M', 'X', 'i', 'C' */
	const char *cat;	/* static string or NULL */
	char *name;		/* malloc'd */
	char *args;		/* malloc'd JSON object text, or NULL */
};

/* The trace being built: every record of every cold start added so far. */
struct ctrace {
	struct ctrace_rec *r;
	size_t n, cap;
	uint32_t seq;
	int cold_starts;
	bool have_origin;	/* origin: exec_enter of the first cold start */
	uint64_t origin;
	bool have_min;
	uint64_t min_ts;	/* earliest ts of any timed event */
	uint64_t skipped;	/* events with ts_ns == 0 */
	uint64_t pid_reuses;
	uint32_t *pids;		/* tgids named so far (all cold starts) */
	size_t npids, cappids;
};

/* chrome_trace.c */

/* Add a record; name is copied, args (JSON text, may be NULL) is taken over (freed when the
 * record cannot be added). Returns 0, or -1 with errno ENOMEM. */
int ctrace_push(struct ctrace *w, char ph, const char *cat, const char *name, uint32_t pid,
		uint32_t tid, uint64_t ts, uint64_t dur, char *args);

/* A metadata event ("M") what of (pid, tid) whose args are {"name": name}, or
 * {"sort_index": sort_index} when name is NULL. Returns 0, or -1 with errno ENOMEM. */
int ctrace_push_meta(struct ctrace *w, const char *what, uint32_t pid, uint32_t tid,
		     const char *name, int sort_index);

/* The args object o, made with w (jsonw.h), as compact JSON text; o is consumed. NULL with
 * errno ENOMEM when o is NULL, w->oom is set (building it ran out of memory) or printing it
 * does. */
char *ctrace_args_text(struct jw *w, cJSON *o);

/* chrome_trace_events.c */

/* "connect", "write", "read", "close" for the Runtime API syscall events; NULL for others. */
const char *ctrace_api_syscall(uint32_t type);

/* The slice of a Runtime API syscall event (ctrace_api_syscall names it) on its thread, or an
 * instant "<name> (no return seen)" when its exit was not seen. hc: the classifier of the
 * write's connection, fed with it (a WRITE with ret > 0; NULL otherwise). */
int ctrace_add_api_syscall(struct ctrace *w, struct httpclass_conn *hc,
			   const struct prof_event *e);

/* The instant of a process event (exec, fork, exit, io_uring); other types: nothing. */
int ctrace_add_instant(struct ctrace *w, const struct prof_event *e);

/* --breakdown: the slice of a syscall that is not one of the Runtime API's. */
int ctrace_add_bd_syscall(struct ctrace *w, const struct prof_event *e);

/* A counter sample ("C") of process tgid's RSS: name is the counter's, series its args key. */
int ctrace_add_rss(struct ctrace *w, const char *name, const char *series, uint32_t tgid,
		   uint64_t ts, uint64_t kb);

/* The rss_kb counter of an EXIT event: the process's peak RSS; none when it is unknown. */
int ctrace_add_exit_rss(struct ctrace *w, const struct prof_event *e);
#endif
