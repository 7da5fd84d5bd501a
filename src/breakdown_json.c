// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --breakdown in the results JSON. See breakdown_json.h. */
#include "breakdown_json.h"

#include <cjson/cJSON.h>
#include "jsonenc.h"

/* ns -> ms rounded to the microsecond (half up), as the nearest double */
static void put_ms(struct enc *e, cJSON *o, const char *k, uint64_t ns)
{
	chk(e, cJSON_AddNumberToObject(o, k, (double)(ns / 1000 + (ns % 1000 >= 500)) / 1000.0));
}

static void put_costs(struct enc *e, cJSON *o, const struct bd_costs *c)
{
	cJSON *arr;

	put_ms(e, o, "on_cpu_ms", c->on_cpu_ns);
	put_ms(e, o, "runnable_ms", c->runnable_ns);
	put_ms(e, o, "blocked_ms", c->blocked_ns);
	put_u64(e, o, "min_flt", c->min_flt);
	put_u64(e, o, "maj_flt", c->maj_flt);
	put_u64(e, o, "read_bytes", c->read_bytes);
	put_u64(e, o, "syscalls", c->syscalls);
	put_ms(e, o, "syscall_ms", c->syscall_ns);
	arr = chk(e, cJSON_AddArrayToObject(o, "top_syscalls"));
	for (int j = 0; arr && j < BD_TOP; j++) {
		const struct bd_syscall *s = &c->top[j];
		const char *name;
		cJSON *it;

		if (s->nr < 0)
			break;
		it = chk(e, cJSON_CreateObject());
		if (!it)
			break;
		if (!cJSON_AddItemToArray(arr, it)) {
			cJSON_Delete(it);
			e->oom = true;
			break;
		}
		name = bd_syscall_name(s->nr);
		if (name)
			chk(e, cJSON_AddStringToObject(it, "name", name));
		else
			chk(e, cJSON_AddNullToObject(it, "name"));
		put_u64(e, it, "nr", (uint64_t)s->nr);
		put_u64(e, it, "count", s->count);
		put_ms(e, it, "time_ms", s->ns);
	}
	put_u64(e, o, "api_bytes_sent", c->api_bytes_sent);
	put_u64(e, o, "api_bytes_received", c->api_bytes_received);
	put_u64(e, o, "processes_created", c->processes);
	put_u64(e, o, "threads_created", c->threads);
}

/* phases[]: one object per phase, in order. */
static void put_phases(struct enc *e, cJSON *o, const struct breakdown *bd)
{
	cJSON *arr = chk(e, cJSON_AddArrayToObject(o, "phases"));
	uint64_t ws = bd->window_start_ns;

	for (int p = 0; arr && p < BD_PHASES; p++) {
		const struct bd_phase_rec *r = &bd->ph[p];
		cJSON *ph = chk(e, cJSON_CreateObject());

		if (!ph)
			break;
		if (!cJSON_AddItemToArray(arr, ph)) {
			cJSON_Delete(ph);
			e->oom = true;
			break;
		}
		chk(e, cJSON_AddStringToObject(ph, "name", bd_phase_name(p)));
		put_ms(e, ph, "start_ms", r->start_ns >= ws ? r->start_ns - ws : 0);
		put_ms(e, ph, "duration_ms", r->dur_ns);
		chk(e, cJSON_AddBoolToObject(ph, "measured", r->measured));
		put_costs(e, ph, &r->c);
	}
}

/* peak_rss_kb, peak_rss_at_ms (from the window's start), peak_rss_phase. */
static void put_peak_rss(struct enc *e, cJSON *o, const struct breakdown *bd)
{
	uint64_t ws = bd->window_start_ns;

	if (bd->peak_rss_kb) {
		put_u64(e, o, "peak_rss_kb", bd->peak_rss_kb);
		if (bd->peak_rss_at_ns >= ws)
			put_ms(e, o, "peak_rss_at_ms", bd->peak_rss_at_ns - ws);
		else
			chk(e, cJSON_AddNullToObject(o, "peak_rss_at_ms"));
	} else {
		chk(e, cJSON_AddNullToObject(o, "peak_rss_kb"));
		chk(e, cJSON_AddNullToObject(o, "peak_rss_at_ms"));
	}
	if (bd->peak_rss_phase >= 0 && bd->peak_rss_phase < BD_PHASES)
		chk(e, cJSON_AddStringToObject(o, "peak_rss_phase",
					       bd_phase_name(bd->peak_rss_phase)));
	else
		chk(e, cJSON_AddNullToObject(o, "peak_rss_phase"));
}

void *breakdown_to_json(const struct breakdown *bd)
{
	struct enc e = { 0 };
	cJSON *o, *t;
	uint64_t ws;

	if (!bd)
		return NULL;
	o = cJSON_CreateObject();
	if (!o)
		return NULL;
	ws = bd->window_start_ns;
	put_ms(&e, o, "window_ms", bd->window_end_ns >= ws ? bd->window_end_ns - ws : 0);
	put_phases(&e, o, bd);
	t = chk(&e, cJSON_AddObjectToObject(o, "tree"));
	if (t)
		put_costs(&e, t, &bd->tree);
	put_peak_rss(&e, o, bd);
	put_u64(&e, o, "threads_seen", bd->threads_seen);
	if (bd->bpf_tree_measured) {
		cJSON *b = chk(&e, cJSON_AddObjectToObject(o, "bpf_cost"));

		if (b)
			put_ms(&e, b, "tree_run_time_ms", bd->bpf_tree_ns);
	} else {
		chk(&e, cJSON_AddNullToObject(o, "bpf_cost"));
	}
	if (e.oom) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}
