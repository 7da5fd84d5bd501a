// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Cold starts -> Chrome Trace Event Format JSON: the records held in memory and the file they
 * make. See chrome_trace.h. */
#include "chrome_trace_rec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static char *xstrdup(const char *s)
{
	size_t l = strlen(s) + 1;
	char *p = malloc(l);

	if (p)
		memcpy(p, s, l);
	return p;
}

char *ctrace_args_text(struct jw *w, cJSON *o)
{
	char *s = NULL;

	if (o && !w->oom)
		s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!s)
		errno = ENOMEM;
	return s;
}

int ctrace_push(struct ctrace *w, char ph, const char *cat, const char *name, uint32_t pid,
		uint32_t tid, uint64_t ts, uint64_t dur, char *args)
{
	struct ctrace_rec *r;

	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		struct ctrace_rec *p = realloc(w->r, cap * sizeof(*p));

		if (!p)
			goto nomem;
		w->r = p;
		w->cap = cap;
	}
	r = &w->r[w->n];
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(name);
	if (!r->name)
		goto nomem;
	r->ph = ph;
	r->cat = cat;
	r->pid = pid;
	r->tid = tid;
	r->ts = ts;
	r->dur = dur;
	r->args = args;
	r->seq = w->seq++;
	w->n++;
	if (ph != 'M' && (!w->have_min || ts < w->min_ts)) {
		w->min_ts = ts;
		w->have_min = true;
	}
	return 0;
nomem:
	free(args);
	errno = ENOMEM;
	return -1;
}

int ctrace_push_meta(struct ctrace *w, const char *what, uint32_t pid, uint32_t tid,
		     const char *name, int sort_index)
{
	struct jw jw = { 0 };
	cJSON *a = jw_root(&jw);
	char *txt;

	if (name)
		jw_str(&jw, a, "name", name);
	else
		jw_int(&jw, a, "sort_index", sort_index);
	txt = ctrace_args_text(&jw, a);
	if (!txt)
		return -1;
	return ctrace_push(w, 'M', NULL, what, pid, tid, 0, 0, txt);
}

struct ctrace *ctrace_open(void)
{
	struct ctrace *w = calloc(1, sizeof(*w));

	if (!w) {
		errno = ENOMEM;
		return NULL;
	}
	if (ctrace_push_meta(w, "process_name", CTRACE_PROFILER_PID, CTRACE_PROFILER_TID,
			     "profiler", 0) ||
	    ctrace_push_meta(w, "process_sort_index", CTRACE_PROFILER_PID, CTRACE_PROFILER_TID,
			     NULL, 0) ||
	    ctrace_push_meta(w, "thread_name", CTRACE_PROFILER_PID, CTRACE_PROFILER_TID,
			     "cold starts", 0)) {
		ctrace_free(w);
		errno = ENOMEM;
		return NULL;
	}
	return w;
}

void ctrace_free(struct ctrace *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++) {
		free(w->r[i].name);
		free(w->r[i].args);
	}
	free(w->r);
	free(w->pids);
	free(w);
}

static int cmp_rec(const void *a, const void *b)
{
	const struct ctrace_rec *x = *(const struct ctrace_rec *const *)a;
	const struct ctrace_rec *y = *(const struct ctrace_rec *const *)b;
	bool mx = x->ph == 'M', my = y->ph == 'M';

	if (mx != my)
		return mx ? -1 : 1;
	if (!mx) {
		if (x->ts != y->ts)
			return x->ts < y->ts ? -1 : 1;
		if (x->dur != y->dur)
			return x->dur > y->dur ? -1 : 1;	/* parents first */
	}
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ts and dur in microseconds with three decimals (jw_us_ns): exact, and parsed exactly by
 * Perfetto. */
static char *event_text(const struct ctrace_rec *r, uint64_t origin)
{
	struct jw w = { 0 };
	cJSON *o = jw_root(&w);
	char ph[2] = { r->ph, '\0' };

	jw_str(&w, o, "name", r->name);
	if (r->cat)
		jw_str(&w, o, "cat", r->cat);
	jw_str(&w, o, "ph", ph);
	if (r->ph != 'M')
		jw_us_ns(&w, o, "ts", r->ts - origin);
	if (r->ph == 'X')
		jw_us_ns(&w, o, "dur", r->dur);
	if (r->ph == 'i')
		jw_str(&w, o, "s", "t");
	jw_uint(&w, o, "pid", r->pid);
	jw_uint(&w, o, "tid", r->tid);
	if (r->args && o)	/* already JSON, made by ctrace_args_text */
		jw_chk(&w, cJSON_AddRawToObject(o, "args", r->args));
	return ctrace_args_text(&w, o);
}

static char *header_text(const struct ctrace *w, uint64_t origin, bool at_exec)
{
	struct jw jw = { 0 };
	cJSON *o = jw_root(&jw), *od;
	char num[32];

	snprintf(num, sizeof(num), "%" PRIu64, origin);
	jw_str(&jw, o, "displayTimeUnit", "ns");
	od = jw_obj(&jw, o, "otherData");
	jw_str(&jw, od, "producer", "profiler " PROFILER_VERSION);
	jw_str(&jw, od, "clock", "CLOCK_MONOTONIC (bpf_ktime_get_ns)");
	jw_str(&jw, od, "ts_origin_ns", num);
	jw_str(&jw, od, "ts_origin", at_exec ? "exec_enter of the first cold start: ts 0"
					     : "the earliest event of the trace: ts 0");
	jw_str(&jw, od, "units", "ts and dur in microseconds with ns precision");
	jw_uint(&jw, od, "cold_starts", w->cold_starts);
	jw_uint(&jw, od, "skipped_events", w->skipped);
	jw_uint(&jw, od, "pid_reuses", w->pid_reuses);
	jw_str(&jw, od, "rss_kb", "peak RSS of each process, KiB, recorded once at its exit: "
				  "the only RSS sample the tracer takes");
	jw_str(&jw, od, "pids", "pid = kernel tgid, tid = kernel thread id; pid 0 is the "
				"profiler's pseudo-process grouping the cold starts");
	return ctrace_args_text(&jw, o);
}

char *ctrace_to_json(const struct ctrace *w)
{
	struct strbuf b = { 0 };
	const struct ctrace_rec **order;
	uint64_t origin = 0;
	bool at_exec = false;
	char *head;

	if (!w) {
		errno = EINVAL;
		return NULL;
	}
	if (w->have_origin && (!w->have_min || w->origin <= w->min_ts)) {
		origin = w->origin;
		at_exec = true;
	} else if (w->have_min) {
		origin = w->min_ts;
	}
	order = malloc((w->n ? w->n : 1) * sizeof(*order));
	head = header_text(w, origin, at_exec);
	if (!order || !head)
		goto nomem;
	for (size_t i = 0; i < w->n; i++)
		order[i] = &w->r[i];
	qsort(order, w->n, sizeof(*order), cmp_rec);

	/* the header object without its closing brace, then the events */
	head[strlen(head) - 1] = '\0';
	sb_puts(&b, head);
	sb_puts(&b, ",\"traceEvents\":[\n");
	for (size_t i = 0; i < w->n && !b.oom; i++) {
		char *e = event_text(order[i], origin);

		if (!e)
			goto nomem;
		sb_puts(&b, e);
		sb_puts(&b, i + 1 < w->n ? ",\n" : "\n");
		free(e);
	}
	sb_puts(&b, "]}\n");
	if (b.oom)
		goto nomem;
	free(order);
	free(head);
	return sb_take(&b);
nomem:
	free(order);
	free(head);
	sb_free(&b);
	errno = ENOMEM;
	return NULL;
}
