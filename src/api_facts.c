#include "api_facts.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "invocation.h"
#include "jsonw.h"
#include "rapi.h"
#include "textout.h"
#include "util.h"

const char *ext_outcome_name(enum ext_outcome o)
{
	static const char *const names[] = {
		[EXT_OK] = "ok",
		[EXT_CRASHED] = "crashed",
		[EXT_INIT_ERROR] = "init_error",
		[EXT_EXIT_ERROR] = "exit_error",
		[EXT_NEVER_READY] = "never_ready",
		[EXT_KILLED_AT_SHUTDOWN] = "killed_at_shutdown",
		[EXT_SPAWN_FAILED] = "spawn_failed",
	};

	return (unsigned)o > EXT_OUTCOME_LAST ? "unknown" : names[o];
}

int api_facts_set_ext(struct api_facts *f, unsigned n)
{
	api_facts_free(f);
	if (!n)
		return 0;
	f->ext = calloc(n, sizeof(*f->ext));
	if (!f->ext)
		return -1;
	f->n_ext = n;
	return 0;
}

void api_facts_free(struct api_facts *f)
{
	free(f->ext);
	f->ext = NULL;
	f->n_ext = 0;
}

static double span_ms(uint64_t from, uint64_t to)
{
	return from && to >= from ? (double)(to - from) / 1e6 : -1;
}

void api_facts_fill(struct invocation *inv, const struct rapi_status *st)
{
	struct api_facts *f = &inv->api;

	f->connections_peak = st->connections_peak;
	f->conn_limit = st->conn_limit;
	f->foreign_requests = st->foreign_requests;
	f->streamed = st->streamed;
	f->ttfb_ms = f->last_byte_ms = f->api_ttfb_ms = f->api_last_byte_ms = -1;
	if (!st->streamed)
		return;
	/* the kernel's: the bootstrap read its event -> its first / last write of the response */
	f->ttfb_ms = span_ms(inv->k.event_received, inv->k.response_first);
	f->last_byte_ms = span_ms(inv->k.event_received, inv->k.response_sent);
	/* the emulator's: the event went out -> the first body bytes / the whole body arrived */
	f->api_ttfb_ms = span_ms(st->event_sent_ns, st->response_first_ns);
	f->api_last_byte_ms = span_ms(st->event_sent_ns, st->response_received_ns);
}

static void ext_json(struct jw *w, cJSON *arr, const struct ext_record *x)
{
	cJSON *o = jw_obj(w, arr, NULL), *ev, *ex;

	jw_strn(w, o, "name", x->name, sizeof(x->name));
	jw_strn(w, o, "path", x->path, sizeof(x->path));
	jw_uint(w, o, "pid", x->pid);
	jw_str(w, o, "outcome", ext_outcome_name(x->outcome));
	jw_strn(w, o, "reason", x->reason, sizeof(x->reason));
	if (x->error_type[0])
		jw_strn(w, o, "error_type", x->error_type, sizeof(x->error_type));
	else
		jw_null(w, o, "error_type");
	jw_bool(w, o, "registered", x->registered);
	ev = jw_arr(w, o, "events");
	if (x->invoke)
		jw_str(w, ev, NULL, "INVOKE");
	if (x->shutdown)
		jw_str(w, ev, NULL, "SHUTDOWN");
	jw_ms(w, o, "init_ms", x->init_ms);
	jw_ms(w, o, "shutdown_ms", x->shutdown_ms);
	ex = jw_obj(w, o, "exit");
	if (x->exit_code >= 0)
		jw_int(w, ex, "code", x->exit_code);
	else
		jw_null(w, ex, "code");
	if (x->exit_signal > 0)
		jw_int(w, ex, "signal", x->exit_signal);
	else
		jw_null(w, ex, "signal");
	if (x->memory_kb)
		jw_uint(w, o, "memory_kb", x->memory_kb);
	else
		jw_null(w, o, "memory_kb");
}

void api_facts_json(cJSON *o, const struct api_facts *f, bool *oom)
{
	struct jw w = { 0 };
	cJSON *s, *arr;

	jw_uint(&w, o, "connections_peak", f->connections_peak);
	jw_uint(&w, o, "foreign_requests", f->foreign_requests);
	if (f->streamed) {
		s = jw_obj(&w, o, "streaming");
		jw_ms(&w, s, "ttfb_ms", f->ttfb_ms);
		jw_ms(&w, s, "last_byte_ms", f->last_byte_ms);
		jw_ms(&w, s, "emulator_ttfb_ms", f->api_ttfb_ms);
		jw_ms(&w, s, "emulator_last_byte_ms", f->api_last_byte_ms);
	} else {
		jw_null(&w, o, "streaming");
	}
	jw_ms(&w, o, "runtime_init_ms", f->runtime_init_ms);
	jw_ms(&w, o, "post_runtime_ms", f->post_runtime_ms);
	arr = jw_arr(&w, o, "extensions");
	for (unsigned i = 0; f->ext && i < f->n_ext; i++)
		ext_json(&w, arr, &f->ext[i]);
	if (w.oom || !o)
		*oom = true;
}

/* --- reading back ------------------------------------------------------------ */

struct rd {
	const char *pfx;
	char *err;
	size_t errlen;
};

static int bad(struct rd *d, const char *key, const char *what)
{
	snprintf(d->err, d->errlen, "%s%s%s: %s", d->pfx && *d->pfx ? d->pfx : "",
		 d->pfx && *d->pfx ? "." : "", key, what);
	return -1;
}

/* A non-negative number (ms; null: -1 when ms, else 0) */
static int num(struct rd *d, const cJSON *o, const char *key, bool ms, double max, double *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = ms ? -1 : 0;
	if (!it || cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble < 0 ||
	    it->valuedouble > max)
		return bad(d, key, "must be a non-negative number");
	*out = it->valuedouble;
	if (!ms && *out != floor(*out))
		return bad(d, key, "must be a whole number");
	return 0;
}

static int str(struct rd *d, const cJSON *o, const char *key, char *out, size_t cap)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	out[0] = '\0';
	if (!it || cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsString(it))
		return bad(d, key, "must be a string");
	strlcpy0(out, it->valuestring, cap);
	return 0;
}

static int ext_from_json(struct rd *d, const cJSON *o, struct ext_record *x)
{
	const cJSON *ev, *ex, *it;
	char outcome[32];
	double v;

	memset(x, 0, sizeof(*x));
	if (!cJSON_IsObject(o))
		return bad(d, "extensions[]", "must be an object");
	if (str(d, o, "name", x->name, sizeof(x->name)) ||
	    str(d, o, "path", x->path, sizeof(x->path)) ||
	    str(d, o, "reason", x->reason, sizeof(x->reason)) ||
	    str(d, o, "error_type", x->error_type, sizeof(x->error_type)) ||
	    str(d, o, "outcome", outcome, sizeof(outcome)) ||
	    num(d, o, "init_ms", true, 1e12, &x->init_ms) ||
	    num(d, o, "shutdown_ms", true, 1e12, &x->shutdown_ms))
		return -1;
	if (num(d, o, "pid", false, 4294967295.0, &v))
		return -1;
	x->pid = (uint32_t)v;
	if (num(d, o, "memory_kb", false, 1e15, &v))
		return -1;
	x->memory_kb = (uint64_t)v;
	for (x->outcome = EXT_OK; x->outcome < EXT_OUTCOME_LAST; x->outcome++)
		if (!strcmp(ext_outcome_name(x->outcome), outcome))
			break;
	if (strcmp(ext_outcome_name(x->outcome), outcome))
		return bad(d, "extensions[].outcome", "unknown outcome");
	it = cJSON_GetObjectItemCaseSensitive(o, "registered");
	x->registered = cJSON_IsTrue(it);
	ev = cJSON_GetObjectItemCaseSensitive(o, "events");
	if (!cJSON_IsArray(ev))
		ev = NULL;
	cJSON_ArrayForEach(it, ev) {
		x->invoke |= cJSON_IsString(it) && !strcmp(it->valuestring, "INVOKE");
		x->shutdown |= cJSON_IsString(it) && !strcmp(it->valuestring, "SHUTDOWN");
	}
	x->exit_code = -1;
	ex = cJSON_GetObjectItemCaseSensitive(o, "exit");
	if (cJSON_IsObject(ex)) {
		if (num(d, ex, "code", false, 255, &v))
			return -1;
		it = cJSON_GetObjectItemCaseSensitive(ex, "code");
		x->exit_code = cJSON_IsNumber(it) ? (int)v : -1;
		if (num(d, ex, "signal", false, 128, &v))
			return -1;
		x->exit_signal = (int)v;
	}
	return 0;
}

int api_facts_from_json(const cJSON *o, const char *pfx, struct api_facts *f, char *err,
			size_t errlen)
{
	struct rd d = { .pfx = pfx, .err = err, .errlen = errlen };
	struct ext_record ext[API_FACTS_MAX_EXT];
	const cJSON *s, *arr, *it;
	unsigned n = 0;
	double v;

	memset(f, 0, sizeof(*f));
	f->ttfb_ms = f->last_byte_ms = f->api_ttfb_ms = f->api_last_byte_ms = -1;
	if (num(&d, o, "connections_peak", false, 4294967295.0, &v))
		return -1;
	f->connections_peak = (unsigned)v;
	if (num(&d, o, "foreign_requests", false, 4294967295.0, &v))
		return -1;
	f->foreign_requests = (unsigned)v;
	if (num(&d, o, "runtime_init_ms", true, 1e12, &f->runtime_init_ms) ||
	    num(&d, o, "post_runtime_ms", true, 1e12, &f->post_runtime_ms))
		return -1;
	s = cJSON_GetObjectItemCaseSensitive(o, "streaming");
	if (cJSON_IsObject(s)) {
		f->streamed = true;
		if (num(&d, s, "ttfb_ms", true, 1e12, &f->ttfb_ms) ||
		    num(&d, s, "last_byte_ms", true, 1e12, &f->last_byte_ms) ||
		    num(&d, s, "emulator_ttfb_ms", true, 1e12, &f->api_ttfb_ms) ||
		    num(&d, s, "emulator_last_byte_ms", true, 1e12, &f->api_last_byte_ms))
			return -1;
	}
	arr = cJSON_GetObjectItemCaseSensitive(o, "extensions");
	if (!cJSON_IsArray(arr))
		arr = NULL;
	cJSON_ArrayForEach(it, arr) {
		if (n >= API_FACTS_MAX_EXT)
			return bad(&d, "extensions", "more than 10");
		if (ext_from_json(&d, it, &ext[n++]))
			return -1;
	}
	/* allocated once all is read: a record that fails leaves nothing to free */
	if (api_facts_set_ext(f, n))
		return bad(&d, "extensions", "out of memory");
	if (n)
		memcpy(f->ext, ext, n * sizeof(ext[0]));
	return 0;
}

/* --- text ------------------------------------------------------------------- */

void api_facts_text(FILE *txt, const struct api_facts *f)
{
	if (f->foreign_requests)
		fprintf(txt, "      foreign requests refused (403): %u (connections not of this "
			"cold start)\n", f->foreign_requests);
	if (f->streamed)
		fprintf(txt, "      streamed response: first byte %s ms, last byte %s ms after the event "
			"(emulator: %s ms, %s ms)\n", TX_MS(f->ttfb_ms), TX_MS(f->last_byte_ms),
			TX_MS(f->api_ttfb_ms), TX_MS(f->api_last_byte_ms));
	if (!f->n_ext || !f->ext)
		return;
	fprintf(txt, "      runtime init %s ms", TX_MS(f->runtime_init_ms));
	if (f->post_runtime_ms >= 0)
		fprintf(txt, ", post-runtime (extensions after the response) %s ms",
			TX_MS(f->post_runtime_ms));
	fputc('\n', txt);
	for (unsigned i = 0; i < f->n_ext; i++) {
		const struct ext_record *x = &f->ext[i];

		fprintf(txt, "      extension %s: init %s ms, %s%s%s\n", TX_SAFE(x->name),
			TX_MS(x->init_ms), ext_outcome_name(x->outcome), x->reason[0] ? ": " : "",
			TX_SAFE(x->reason));
	}
}

struct ext_sum {
	const char *name;
	double init, post, runtime;
	unsigned n_init, n_post, n_runtime, n, count[EXT_OUTCOME_LAST + 1];
};

static void ext_sum_add(struct ext_sum *e, const struct api_facts *f, const struct ext_record *x)
{
	e->n++;
	if (x->init_ms >= 0) {
		e->init += x->init_ms;
		e->n_init++;
	}
	if (f->post_runtime_ms >= 0) {
		e->post += f->post_runtime_ms;
		e->n_post++;
	}
	if (f->runtime_init_ms >= 0) {
		e->runtime += f->runtime_init_ms;
		e->n_runtime++;
	}
	if ((unsigned)x->outcome <= EXT_OUTCOME_LAST)
		e->count[x->outcome]++;
}

static void ext_sum_print(FILE *txt, const struct ext_sum *e)
{
	bool first = true;

	fprintf(txt, "  %s: init %s ms (runtime's %s ms), post-runtime %s ms; ", TX_SAFE(e->name),
		TX_MS(e->n_init ? e->init / e->n_init : -1),
		TX_MS(e->n_runtime ? e->runtime / e->n_runtime : -1),
		TX_MS(e->n_post ? e->post / e->n_post : -1));
	for (unsigned o = 0; o <= EXT_OUTCOME_LAST; o++) {
		if (!e->count[o])
			continue;
		fprintf(txt, "%s%s %u", first ? "" : ", ", ext_outcome_name(o), e->count[o]);
		first = false;
	}
	fputc('\n', txt);
}

void api_facts_summary(FILE *txt, const struct invocation *inv, size_t n)
{
	struct ext_sum sums[API_FACTS_MAX_EXT * 2];
	unsigned n_sums = 0, foreign = 0, limit = 0;

	memset(sums, 0, sizeof(sums));
	for (size_t i = 0; i < n; i++) {
		const struct api_facts *f = &inv[i].api;

		foreign += f->foreign_requests;
		limit += inv[i].outcome == INV_TOO_MANY_CONNECTIONS;
		for (unsigned e = 0; f->ext && e < f->n_ext; e++) {
			unsigned k;

			for (k = 0; k < n_sums && strcmp(sums[k].name, f->ext[e].name); k++)
				;
			if (k == n_sums && n_sums < API_FACTS_MAX_EXT * 2)
				sums[n_sums++].name = f->ext[e].name;
			if (k < n_sums)
				ext_sum_add(&sums[k], f, &f->ext[e]);
		}
	}
	if (n_sums) {
		fprintf(txt, "Extensions (means over the cold starts that ran them):\n");
		for (unsigned k = 0; k < n_sums; k++)
			ext_sum_print(txt, &sums[k]);
	}
	if (foreign)
		fprintf(txt, "Foreign requests refused (403): %u, on connections of no cold start in "
			"progress\n", foreign);
	if (limit)
		fprintf(txt, "Too many connections: %u cold start%s opened more than the limit at once\n",
			limit, limit > 1 ? "s" : "");
}
