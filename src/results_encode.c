/* The results JSON, written (results.h): the invocation records from the one field table
 * (results_fields.h), the stats and the run's own fields, all through jsonw.h. */
#include "results.h"

#include <stdio.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "breakdown_json.h"
#include "deployed.h"
#include "jsonw.h"
#include "results_fields.h"

/* The uint32_t or uint64_t at off in v. */
static uint64_t get_uint(const struct invocation *v, size_t off, size_t size)
{
	const char *p = (const char *)v + off;
	uint32_t u32;
	uint64_t u64;

	if (size == sizeof(u32)) {
		memcpy(&u32, p, sizeof(u32));
		return u32;
	}
	memcpy(&u64, p, sizeof(u64));
	return u64;
}

/* The int or int64_t at off in v. */
static int64_t get_int(const struct invocation *v, size_t off, size_t size)
{
	const char *p = (const char *)v + off;
	int32_t i32;
	int64_t i64;

	if (size == sizeof(i32)) {
		memcpy(&i32, p, sizeof(i32));
		return i32;
	}
	memcpy(&i64, p, sizeof(i64));
	return i64;
}

/* A breakdown object, or null when bd is NULL. */
static void put_breakdown(struct jw *w, cJSON *o, const char *key, const struct breakdown *bd)
{
	cJSON *j;

	if (!o)
		return;
	if (!bd) {
		jw_null(w, o, key);
		return;
	}
	j = jw_chk(w, breakdown_to_json(bd));
	if (j && !cJSON_AddItemToObject(o, key, j)) {
		cJSON_Delete(j);
		jw_chk(w, NULL);
	}
}

/* NAME_ms of the phases that are headline ones, or the others, in table order */
static void put_phases(struct jw *w, cJSON *o, const struct invocation *v, bool headline)
{
	char key[32];

	for (int p = 0; p < INV_PHASES; p++) {
		if (inv_phases[p].headline != headline)
			continue;
		snprintf(key, sizeof(key), "%s_ms", inv_phases[p].name);
		jw_ms(w, o, key, inv_phase_ms(v, (enum inv_phase)p));
	}
}

static void put_warm(struct jw *w, cJSON *o, const char *key, const struct invocation *v)
{
	cJSON *a = jw_arr(w, o, key);

	for (unsigned k = 0; a && k < v->n_warm && k < TIMELINE_MAX_WARM; k++)
		jw_ms(w, a, NULL, v->warm_handler_ms[k]);
}

static void put_marks(struct jw *w, cJSON *o, const char *key, const struct invocation *v)
{
	cJSON *kn = jw_obj(w, o, key);
	uint64_t ns;

	for (int i = 0; kn && i < INV_MARKS; i++) {
		ns = inv_mark(&v->k, (enum inv_mark)i);
		if (ns)
			jw_uint(w, kn, inv_marks[i].name, ns);
		else
			jw_null(w, kn, inv_marks[i].name);
	}
}

static void put_fields(struct jw *w, cJSON *o, const struct rf_field *t, size_t n,
		       const struct invocation *v, unsigned in);

static void put_field(struct jw *w, cJSON *o, const struct rf_field *f, const struct invocation *v)
{
	const char *s = (const char *)v + f->off;
	char sig[32];
	int64_t i;

	switch (f->kind) {
	case RF_INDEX:
		jw_int(w, o, f->name, v->index);
		break;
	case RF_OUTCOME:
		jw_str(w, o, f->name, inv_outcome_name(v->outcome));
		break;
	case RF_STR:
		if (f->null == RF_NULL_ZERO && !s[0])
			jw_null(w, o, f->name);
		else
			jw_strn(w, o, f->name, s, f->size);
		break;
	case RF_PHASES:
		put_phases(w, o, v, f->headline);
		break;
	case RF_INT:
		i = get_int(v, f->off, f->size);
		if (f->null == RF_NULL_MINUS1 && i == -1)
			jw_null(w, o, f->name);
		else
			jw_int(w, o, f->name, i);
		break;
	case RF_UINT:
		if (f->null == RF_NULL_ZERO && !get_uint(v, f->off, f->size))
			jw_null(w, o, f->name);
		else
			jw_uint(w, o, f->name, get_uint(v, f->off, f->size));
		break;
	case RF_BOOL:
		jw_bool(w, o, f->name, *(const bool *)s);
		break;
	case RF_SIGNAL:
		if (get_int(v, f->off, f->size) > 0) {
			rf_signal_name((int)get_int(v, f->off, f->size), sig, sizeof(sig));
			jw_str(w, o, f->name, sig);
		} else {
			jw_null(w, o, f->name);
		}
		break;
	case RF_WARM:
		put_warm(w, o, f->name, v);
		break;
	case RF_OBJ:
		if (f->null == RF_NULL_ZERO && !get_uint(v, f->off, f->size))
			jw_null(w, o, f->name);
		else
			put_fields(w, jw_obj(w, o, f->name), f->sub, f->n_sub, v, RF_BOTH);
		break;
	case RF_MARKS:
		put_marks(w, o, f->name, v);
		break;
	case RF_BREAKDOWN:
		put_breakdown(w, o, f->name, v->has_breakdown ? &v->bd : NULL);
		break;
	case RF_DEPLOYED:	/* deployed.h writes its own (it names the field) */
		if (deployed_inv_json(o, v))
			jw_chk(w, NULL);
		break;
	case RF_API:		/* api_facts.h writes its own */
		api_facts_json(o, &v->api, &w->oom);
		break;
	}
}

/* The fields of t that records of kind in (RF_MEAS, RF_FAIL) hold, in table order. */
static void put_fields(struct jw *w, cJSON *o, const struct rf_field *t, size_t n,
		       const struct invocation *v, unsigned in)
{
	for (size_t i = 0; o && i < n; i++)
		if (t[i].in & in)
			put_field(w, o, &t[i], v);
}

/* One record, appended to arr: a measurement when v succeeded, else a failure. */
static void put_record(struct jw *w, cJSON *arr, const struct invocation *v)
{
	put_fields(w, jw_obj(w, arr, NULL), rf_inv_fields, rf_n_inv_fields, v,
		   v->outcome == INV_OK ? RF_MEAS : RF_FAIL);
}

char *results_invocation_json(const struct invocation *v)
{
	struct jw w = { 0 };
	cJSON *arr = jw_chk(&w, cJSON_CreateArray());
	char *txt = NULL;

	if (!arr)
		return NULL;
	put_record(&w, arr, v);
	if (!w.oom && cJSON_GetArraySize(arr) == 1)
		txt = cJSON_PrintUnformatted(cJSON_GetArrayItem(arr, 0));
	cJSON_Delete(arr);
	return txt;
}

/* avg_ms .. stddev_ms of s; all null when it holds no sample */
static void put_stats6(struct jw *w, cJSON *o, const struct stats *s)
{
	jw_ms(w, o, "avg_ms", s->n ? s->avg : -1);
	jw_ms(w, o, "p50_ms", s->n ? s->p50 : -1);
	jw_ms(w, o, "p99_ms", s->n ? s->p99 : -1);
	jw_ms(w, o, "min_ms", s->n ? s->min : -1);
	jw_ms(w, o, "max_ms", s->n ? s->max : -1);
	jw_ms(w, o, "stddev_ms", s->n ? s->stddev : -1);
}

/* measurements[], failures[], stats (of the successes; recomputed when read back) */
static void put_records(struct jw *w, cJSON *root, const struct results *r)
{
	cJSON *arr, *o;
	size_t i;

	arr = jw_arr(w, root, "measurements");
	for (i = 0; arr && i < r->n_inv; i++)
		if (r->inv[i].outcome == INV_OK)
			put_record(w, arr, &r->inv[i]);
	arr = jw_arr(w, root, "failures");
	for (i = 0; arr && i < r->n_inv; i++)
		if (r->inv[i].outcome != INV_OK)
			put_record(w, arr, &r->inv[i]);
	o = jw_obj(w, root, "stats");
	if (!o)
		return;
	put_stats6(w, o, &r->total);
	jw_uint(w, o, "n", r->total.n);
	jw_str(w, o, "of", "total_ms");
	put_stats6(w, jw_obj(w, o, "init"), &r->init);
	put_stats6(w, jw_obj(w, o, "handler"), &r->handler);
}

#define PUT_STR(w, o, k, field) jw_strn(w, o, k, field, sizeof(field))

/* binary, invocations, where and how it ran, the limits applied */
static void put_run(struct jw *w, cJSON *root, const struct results *r)
{
	cJSON *o;

	o = jw_obj(w, root, "binary");
	jw_uint(w, o, "size_kb", r->binary.size_kb);
	jw_uint(w, o, "size_bytes", r->binary.size_bytes);
	PUT_STR(w, o, "path", r->binary.path);
	jw_bool(w, o, "stripped", r->binary.stripped);
	o = jw_obj(w, root, "invocations");
	jw_uint(w, o, "requested", r->n_inv);
	jw_uint(w, o, "succeeded", r->n_ok);
	jw_uint(w, o, "failed", r->n_failed);
	PUT_STR(w, root, "timing_source", r->timing_source);
	PUT_STR(w, root, "api_isolation", r->api_isolation);
	PUT_STR(w, root, "host", r->host);
	PUT_STR(w, root, "kernel", r->kernel);
	PUT_STR(w, root, "tool_version", r->tool_version);
	PUT_STR(w, root, "bootstrap", r->bootstrap);
	PUT_STR(w, root, "log_dir", r->log_dir);
	jw_bool(w, root, "incomplete", r->incomplete);
	jw_bool(w, root, "limits_applied", r->limits_applied);
	o = jw_obj(w, root, "limits");
	if (r->limits_applied) {
		PUT_STR(w, o, "cgroup", r->cgroup);
		jw_uint(w, o, "memory_mb", r->memory_mb);
		jw_vcpus(w, o, "vcpus", r->vcpus);
		jw_uint(w, o, "cpu_quota_us", r->cpu_quota_us);
		jw_uint(w, o, "cpu_period_us", r->cpu_period_us);
	} else {
		jw_null(w, o, "cgroup");
	}
}

/* host_cpu, page_cache, warm, run_as, the tracer's losses */
static void put_conditions(struct jw *w, cJSON *root, const struct results *r)
{
	cJSON *o, *h;

	PUT_STR(w, root, "host_cpu", r->host_cpu);
	jw_str(w, root, "page_cache", r->cold_cache ? "cold" : "warm");
	if (r->warm) {
		o = jw_obj(w, root, "warm");
		jw_uint(w, o, "per_cold_start", r->warm);
		jw_uint(w, o, "freeze_ms", r->freeze_ms);
		h = jw_obj(w, o, "handler");
		put_stats6(w, h, &r->warm_handler);
		jw_uint(w, h, "n", r->warm_handler.n);
	} else {
		jw_null(w, root, "warm");
	}
	o = jw_obj(w, root, "run_as");
	PUT_STR(w, o, "user", r->run_as_user);
	jw_uint(w, o, "uid", r->run_as_uid);
	jw_uint(w, root, "events_dropped", r->events_dropped);
	jw_uint(w, root, "capture_faults", r->capture_faults);
}

/* The run's breakdown summary: null without --breakdown. */
static void put_breakdown_summary(struct jw *w, cJSON *root, const struct results *r)
{
	const struct bd_cost_summary *bc = &r->bd_cost;
	cJSON *o, *c;

	if (!r->breakdown) {
		jw_null(w, root, "breakdown");
		return;
	}
	o = jw_obj(w, root, "breakdown");
	PUT_STR(w, o, "entry_point", r->entry_probe);
	jw_bool(w, o, "entry_point_probed", r->entry_probed);
	jw_uint(w, o, "cold_starts", r->n_bd);
	put_breakdown(w, o, "median", r->n_bd ? &r->bd_median : NULL);
	if (!r->n_bd) {
		jw_null(w, o, "tracing_cost");
		return;
	}
	c = jw_obj(w, o, "tracing_cost");
	jw_str(w, c, "source",
	       "medians per cold start: the tracer's programs timing their own runs on the tree's "
	       "syscall, scheduler and entry events (fork, exec and exit programs not included); "
	       "what attaching costs every other process's system calls: make bench");
	jw_ms(w, c, "tree_bpf_run_time_ms", bc->tree_ms);
	/* -1: not measured (jw_pct keeps a negative figure) */
	if (bc->pct_of_total < 0)
		jw_null(w, c, "pct_of_median_total");
	else
		jw_pct(w, c, "pct_of_median_total", bc->pct_of_total);
	jw_median_count(w, c, "median_events", bc->events);
	jw_median_count(w, c, "median_breakdown_events", bc->bd_events);
}

char *results_to_json(const struct results *r)
{
	struct jw w = { 0 };
	cJSON *root;

	if (!r)
		return NULL;
	root = jw_root(&w);
	PUT_STR(&w, root, "runtime", r->runtime);
	jw_uint(&w, root, "memory_mb", r->memory_mb);
	PUT_STR(&w, root, "arch", r->arch);
	put_records(&w, root, r);
	put_run(&w, root, r);
	put_conditions(&w, root, r);
	put_breakdown_summary(&w, root, r);
	if (root && deployed_json(root, r->deployed))
		jw_chk(&w, NULL);
	return jw_text(&w, root, true);
}
