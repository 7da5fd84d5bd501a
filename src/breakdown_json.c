// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --breakdown in the results JSON, through jsonw.h. See breakdown_json.h. */
#include "breakdown_json.h"

#include <cjson/cJSON.h>
#include "jsonw.h"

static void put_costs(struct jw *w, cJSON *o, const struct bd_costs *c)
{
	cJSON *arr, *it;

	jw_ms_ns(w, o, "on_cpu_ms", c->on_cpu_ns);
	jw_ms_ns(w, o, "runnable_ms", c->runnable_ns);
	jw_ms_ns(w, o, "blocked_ms", c->blocked_ns);
	jw_uint(w, o, "min_flt", c->min_flt);
	jw_uint(w, o, "maj_flt", c->maj_flt);
	jw_uint(w, o, "read_bytes", c->read_bytes);
	jw_uint(w, o, "syscalls", c->syscalls);
	jw_ms_ns(w, o, "syscall_ms", c->syscall_ns);
	arr = jw_arr(w, o, "top_syscalls");
	for (int j = 0; arr && j < BD_TOP; j++) {
		const struct bd_syscall *s = &c->top[j];

		if (s->nr < 0)
			break;
		it = jw_obj(w, arr, NULL);
		if (!it)
			break;
		jw_str(w, it, "name", bd_syscall_name(s->nr));	/* NULL: null */
		jw_uint(w, it, "nr", (uint64_t)s->nr);
		jw_uint(w, it, "count", s->count);
		jw_ms_ns(w, it, "time_ms", s->ns);
	}
	jw_uint(w, o, "api_bytes_sent", c->api_bytes_sent);
	jw_uint(w, o, "api_bytes_received", c->api_bytes_received);
	jw_uint(w, o, "processes_created", c->processes);
	jw_uint(w, o, "threads_created", c->threads);
}

/* phases[]: one object per phase, in order. */
static void put_phases(struct jw *w, cJSON *o, const struct breakdown *bd)
{
	cJSON *arr = jw_arr(w, o, "phases"), *ph;
	uint64_t ws = bd->window_start_ns;

	for (int p = 0; arr && p < BD_PHASES; p++) {
		const struct bd_phase_rec *r = &bd->ph[p];

		ph = jw_obj(w, arr, NULL);
		if (!ph)
			break;
		jw_str(w, ph, "name", bd_phase_name(p));
		jw_ms_ns(w, ph, "start_ms", r->start_ns >= ws ? r->start_ns - ws : 0);
		jw_ms_ns(w, ph, "duration_ms", r->dur_ns);
		jw_bool(w, ph, "measured", r->measured);
		put_costs(w, ph, &r->c);
	}
}

/* peak_rss_kb, peak_rss_at_ms (from the window's start), peak_rss_phase. */
static void put_peak_rss(struct jw *w, cJSON *o, const struct breakdown *bd)
{
	uint64_t ws = bd->window_start_ns;

	if (bd->peak_rss_kb) {
		jw_uint(w, o, "peak_rss_kb", bd->peak_rss_kb);
		if (bd->peak_rss_at_ns >= ws)
			jw_ms_ns(w, o, "peak_rss_at_ms", bd->peak_rss_at_ns - ws);
		else
			jw_null(w, o, "peak_rss_at_ms");
	} else {
		jw_null(w, o, "peak_rss_kb");
		jw_null(w, o, "peak_rss_at_ms");
	}
	if (bd->peak_rss_phase >= 0 && bd->peak_rss_phase < BD_PHASES)
		jw_str(w, o, "peak_rss_phase", bd_phase_name(bd->peak_rss_phase));
	else
		jw_null(w, o, "peak_rss_phase");
}

void *breakdown_to_json(const struct breakdown *bd)
{
	struct jw w = { 0 };
	cJSON *o, *b;
	uint64_t ws;

	if (!bd)
		return NULL;
	o = jw_root(&w);
	if (!o)
		return NULL;
	ws = bd->window_start_ns;
	jw_ms_ns(&w, o, "window_ms", bd->window_end_ns >= ws ? bd->window_end_ns - ws : 0);
	put_phases(&w, o, bd);
	put_costs(&w, jw_obj(&w, o, "tree"), &bd->tree);
	put_peak_rss(&w, o, bd);
	jw_uint(&w, o, "threads_seen", bd->threads_seen);
	if (bd->bpf_tree_measured) {
		b = jw_obj(&w, o, "bpf_cost");
		jw_ms_ns(&w, b, "tree_run_time_ms", bd->bpf_tree_ns);
	} else {
		jw_null(&w, o, "bpf_cost");
	}
	if (w.oom) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}
