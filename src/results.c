#include "results.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "breakdown_json.h"
#include "breakdown_median.h"
#include "deployed.h"
#include "jsonenc.h"
#include "util.h"

#define RESULTS_MAX_FILE	(64u << 20)	/* 64 MiB */
/* More records than a 64 MiB file of ours can hold; bounds the allocation
 * (a record is about 1 KiB in memory, "{}," is 3 bytes of JSON). */
#define RESULTS_MAX_RECORDS	1000000u

/* ------------------------------------------------------------------------ */
/* statistics                                                                 */

static void stats_over(const struct invocation *inv, size_t n, size_t off,
		       double *buf, struct stats *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		double v;

		if (inv[i].outcome != INV_OK)
			continue;
		memcpy(&v, (const char *)&inv[i] + off, sizeof(v));
		if (!isfinite(v) || v < 0)	/* unavailable */
			continue;
		buf[k++] = v;
	}
	if (stats_compute(buf, k, out) < 0)
		memset(out, 0, sizeof(*out));
}

static void warm_stats(struct results *r)
{
	size_t i, n = 0;
	unsigned k;
	double *v;

	memset(&r->warm_handler, 0, sizeof(r->warm_handler));
	v = malloc((r->n_inv * TIMELINE_MAX_WARM + 1) * sizeof(*v));
	if (!v)
		return;
	for (i = 0; i < r->n_inv; i++) {
		const struct invocation *x = &r->inv[i];

		if (x->outcome != INV_OK)
			continue;
		for (k = 0; k < x->n_warm && k < TIMELINE_MAX_WARM; k++)
			if (x->warm_handler_ms[k] >= 0)
				v[n++] = x->warm_handler_ms[k];
	}
	if (n)
		stats_compute(v, n, &r->warm_handler);
	free(v);
}

static double median_of(double *v, size_t n)
{
	struct stats st;

	return stats_compute(v, n, &st) ? -1 : st.p50;
}

/* Median, in ms, of the tracing cost (which 0, over the breakdowns where it was measured)
 * or of the window (which 1); -1 when there is none. */
static double bd_median_of(const struct breakdown *const *bd, size_t n, double *v, int which)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (which == 0 && bd[i]->bpf_tree_measured)
			v[m++] = (double)bd[i]->bpf_tree_ns / 1e6;
		else if (which == 1)
			v[m++] = (double)(bd[i]->window_end_ns - bd[i]->window_start_ns) / 1e6;
	}
	return m ? median_of(v, m) : -1;
}

/* Median waterfall and tracing cost over the successful cold starts with a breakdown. */
static void breakdown_stats(struct results *r)
{
	const struct breakdown **bd;
	double *v, total;
	size_t i, n = 0;

	r->n_bd = 0;
	memset(&r->bd_median, 0, sizeof(r->bd_median));
	r->bd_cost = (struct bd_cost_summary){ -1, -1, -1, -1 };
	bd = calloc(r->n_inv ? r->n_inv : 1, sizeof(*bd));
	v = calloc(r->n_inv ? r->n_inv : 1, sizeof(*v));
	if (!bd || !v)
		goto out;
	for (i = 0; i < r->n_inv; i++)
		if (r->inv[i].outcome == INV_OK && r->inv[i].has_breakdown)
			bd[n++] = &r->inv[i].bd;
	if (!n || breakdown_median(bd, n, &r->bd_median))
		goto out;
	r->n_bd = n;
	r->bd_cost.tree_ms = bd_median_of(bd, n, v, 0);
	total = bd_median_of(bd, n, v, 1);
	if (r->bd_cost.tree_ms >= 0 && total > 0)
		r->bd_cost.pct_of_total = 100.0 * r->bd_cost.tree_ms / total;
	n = 0;
	for (i = 0; i < r->n_inv; i++)
		if (r->inv[i].outcome == INV_OK && r->inv[i].has_breakdown)
			v[n++] = (double)r->inv[i].events;
	r->bd_cost.events = median_of(v, n);
	n = 0;
	for (i = 0; i < r->n_inv; i++)
		if (r->inv[i].outcome == INV_OK && r->inv[i].has_breakdown)
			v[n++] = (double)r->inv[i].bd_events;
	r->bd_cost.bd_events = median_of(v, n);
out:
	free(bd);
	free(v);
}

void results_compute_stats(struct results *r)
{
	double *buf;
	size_t i;

	if (!r)
		return;
	r->n_ok = r->n_failed = 0;
	for (i = 0; i < r->n_inv; i++) {
		if (r->inv[i].outcome == INV_OK)
			r->n_ok++;
		else
			r->n_failed++;
	}
	memset(&r->total, 0, sizeof(r->total));
	memset(&r->init, 0, sizeof(r->init));
	memset(&r->handler, 0, sizeof(r->handler));
	if (!r->n_ok)
		return;
	buf = malloc(r->n_ok * sizeof(*buf));
	if (!buf)
		return;
	stats_over(r->inv, r->n_inv, offsetof(struct invocation, total_ms), buf, &r->total);
	stats_over(r->inv, r->n_inv, offsetof(struct invocation, init_ms), buf, &r->init);
	stats_over(r->inv, r->n_inv, offsetof(struct invocation, handler_ms), buf, &r->handler);
	free(buf);
	warm_stats(r);
	breakdown_stats(r);
}

/* ------------------------------------------------------------------------ */
/* encoding                                                                   */


static void put_i64(struct enc *e, cJSON *o, const char *k, int64_t v)
{
	char b[32];

	snprintf(b, sizeof(b), "%" PRId64, v);
	chk(e, cJSON_AddRawToObject(o, k, b));
}

/* 0 = unavailable -> null */
static void put_u64_or_null(struct enc *e, cJSON *o, const char *k, uint64_t v)
{
	if (v)
		put_u64(e, o, k, v);
	else
		chk(e, cJSON_AddNullToObject(o, k));
}

static double round3(double v)
{
	return round(v * 1000.0) / 1000.0;
}

/* milliseconds rounded to the microsecond (any figure to 3 decimals); negative/non-finite -> null */
static void put_ms(struct enc *e, cJSON *o, const char *k, double v)
{
	if (isfinite(v) && v >= 0 && isfinite(v * 1000.0))
		chk(e, cJSON_AddNumberToObject(o, k, round3(v)));
	else
		chk(e, cJSON_AddNullToObject(o, k));
}

static void put_str(struct enc *e, cJSON *o, const char *k, const char *s, size_t cap)
{
	char *tmp = strndup(s, cap);

	if (!tmp) {
		e->oom = true;
		return;
	}
	chk(e, cJSON_AddStringToObject(o, k, tmp));
	free(tmp);
}

#define PUT_STR(e, o, k, field) put_str(e, o, k, field, sizeof(field))

static void put_str_or_null(struct enc *e, cJSON *o, const char *k, const char *s, size_t cap)
{
	if (s[0])
		put_str(e, o, k, s, cap);
	else
		chk(e, cJSON_AddNullToObject(o, k));
}

static void put_bool(struct enc *e, cJSON *o, const char *k, bool v)
{
	chk(e, cJSON_AddBoolToObject(o, k, v));
}

/* "SIGKILL"; real-time signals as "SIGRTMIN+n"; anything else "SIG<n>" */
static void signal_name(int sig, char *buf, size_t len)
{
	const char *abbr = sig > 0 && sig < SIGRTMIN ? sigabbrev_np(sig) : NULL;

	if (abbr)
		snprintf(buf, len, "SIG%s", abbr);
	else if (sig == SIGRTMIN)
		snprintf(buf, len, "SIGRTMIN");
	else if (sig > SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, len, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, len, "SIG%d", sig);
}

static int parse_small_uint(const char *s, int *out)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > 1000)
			return -1;
	}
	*out = (int)v;
	return 0;
}

/* Inverse of signal_name(); also accepts "SIGRTMAX-n". 0 on success. */
static int signal_from_name(const char *name, int *sig)
{
	int i, n;

	if (strncmp(name, "SIG", 3) != 0)
		return -1;
	name += 3;
	for (i = 1; i < SIGRTMIN; i++) {
		const char *abbr = sigabbrev_np(i);

		if (abbr && strcmp(abbr, name) == 0) {
			*sig = i;
			return 0;
		}
	}
	if (strcmp(name, "RTMIN") == 0) {
		*sig = SIGRTMIN;
		return 0;
	}
	if (strcmp(name, "RTMAX") == 0) {
		*sig = SIGRTMAX;
		return 0;
	}
	if (strncmp(name, "RTMIN+", 6) == 0 && parse_small_uint(name + 6, &n) == 0 &&
	    SIGRTMIN + n <= SIGRTMAX) {
		*sig = SIGRTMIN + n;
		return 0;
	}
	if (strncmp(name, "RTMAX-", 6) == 0 && parse_small_uint(name + 6, &n) == 0 &&
	    SIGRTMAX - n >= SIGRTMIN) {
		*sig = SIGRTMAX - n;
		return 0;
	}
	if (parse_small_uint(name, &n) == 0 && n > 0 && n < NSIG) {
		*sig = n;
		return 0;
	}
	return -1;
}

/* A breakdown object (null when bd is NULL). */
static void put_breakdown(struct enc *e, cJSON *o, const char *k, const struct breakdown *bd)
{
	cJSON *j;

	if (!bd) {
		chk(e, cJSON_AddNullToObject(o, k));
		return;
	}
	j = breakdown_to_json(bd);
	if (!chk(e, j))
		return;
	if (!cJSON_AddItemToObject(o, k, j)) {
		cJSON_Delete(j);
		e->oom = true;
	}
}

/* The run's breakdown summary: null without --breakdown. */
static void put_breakdown_summary(struct enc *e, cJSON *root, const struct results *r)
{
	cJSON *o, *c;

	if (!r->breakdown) {
		chk(e, cJSON_AddNullToObject(root, "breakdown"));
		return;
	}
	o = chk(e, cJSON_AddObjectToObject(root, "breakdown"));
	if (!o)
		return;
	PUT_STR(e, o, "entry_point", r->entry_probe);
	chk(e, cJSON_AddBoolToObject(o, "entry_point_probed", r->entry_probed));
	put_u64(e, o, "cold_starts", r->n_bd);
	put_breakdown(e, o, "median", r->n_bd ? &r->bd_median : NULL);
	if (!r->n_bd) {
		chk(e, cJSON_AddNullToObject(o, "tracing_cost"));
		return;
	}
	c = chk(e, cJSON_AddObjectToObject(o, "tracing_cost"));
	if (!c)
		return;
	chk(e, cJSON_AddStringToObject(c, "source",
		"medians per cold start: the tracer's programs timing their own runs on the tree's "
		"syscall, scheduler and entry events (fork, exec and exit programs not included); "
		"what attaching costs every other process's system calls: make bench"));
	put_ms(e, c, "tree_bpf_run_time_ms", r->bd_cost.tree_ms);
	put_ms(e, c, "pct_of_median_total", r->bd_cost.pct_of_total);
	put_ms(e, c, "median_events", r->bd_cost.events);
	put_ms(e, c, "median_breakdown_events", r->bd_cost.bd_events);
}

/* NAME_ms of the phases (inv_phases[]) that are headline ones, or the others, in table order */
static void put_phases(struct enc *e, cJSON *o, const struct invocation *v, bool headline)
{
	char key[32];

	for (int p = 0; p < INV_PHASES; p++) {
		if (inv_phases[p].headline != headline)
			continue;
		snprintf(key, sizeof(key), "%s_ms", inv_phases[p].name);
		put_ms(e, o, key, inv_phase_ms(v, p));
	}
}

/* The fields shared by measurements and failures, after the head fields;
 * "log" goes here for a measurement, earlier for a failure. */
static void put_inv_body(struct enc *e, cJSON *o, const struct invocation *v, bool with_log)
{
	cJSON *pf, *ex, *kn, *em;
	char sig[32];
	size_t i;

	put_phases(e, o, v, false);
	put_u64_or_null(e, o, "root_memory_kb", v->root_memory_kb);
	pf = chk(e, cJSON_AddObjectToObject(o, "page_faults"));
	if (pf) {
		put_u64(e, pf, "minor", v->min_flt);
		put_u64(e, pf, "major", v->maj_flt);
	}
	put_u64(e, o, "block_read_bytes", v->read_bytes);
	{
		cJSON *wa = chk(e, cJSON_AddArrayToObject(o, "warm_handler_ms"));

		for (unsigned k = 0; wa && k < v->n_warm && k < TIMELINE_MAX_WARM; k++) {
			double ms = v->warm_handler_ms[k];

			chk(e, cJSON_AddItemToArray(wa, ms < 0 ? cJSON_CreateNull()
							      : cJSON_CreateNumber(round(ms * 1000) / 1000))
				? wa : NULL);
		}
	}
	if (v->evicted_files) {
		cJSON *cc = chk(e, cJSON_AddObjectToObject(o, "cold_cache"));

		if (cc) {
			put_u64(e, cc, "files", v->evicted_files);
			put_u64(e, cc, "pages", v->evicted_pages);
			put_u64(e, cc, "still_cached_pages", v->still_cached_pages);
		}
	} else {
		chk(e, cJSON_AddNullToObject(o, "cold_cache"));
	}
	put_u64(e, o, "processes", v->processes);
	put_u64(e, o, "threads", v->threads);
	put_u64(e, o, "connections", v->connections);
	put_u64(e, o, "requests", v->requests);
	put_u64(e, o, "bytes_sent", v->bytes_sent);
	put_u64(e, o, "bytes_received", v->bytes_received);
	ex = chk(e, cJSON_AddObjectToObject(o, "exit"));
	if (ex) {
		if (v->exit_code == -1)
			chk(e, cJSON_AddNullToObject(ex, "code"));
		else
			put_i64(e, ex, "code", v->exit_code);
		if (v->exit_signal > 0) {
			signal_name(v->exit_signal, sig, sizeof(sig));
			chk(e, cJSON_AddStringToObject(ex, "signal", sig));
		} else {
			chk(e, cJSON_AddNullToObject(ex, "signal"));
		}
		put_bool(e, ex, "killed_by_profiler", v->killed_by_profiler);
	}
	put_bool(e, o, "io_uring", v->io_uring);
	put_u64(e, o, "capture_faults", v->capture_faults);
	put_u64(e, o, "root_pid", v->root_pid);
	put_u64_or_null(e, o, "spawn_ns", v->spawn_ns);
	em = chk(e, cJSON_AddObjectToObject(o, "emulator_ns"));
	if (em) {
		put_u64_or_null(e, em, "next_received", v->api_next_received_ns);
		put_u64_or_null(e, em, "event_sent", v->api_event_sent_ns);
		put_u64_or_null(e, em, "response_received", v->api_response_received_ns);
	}
	put_u64(e, o, "log_bytes", v->log_bytes);
	put_u64(e, o, "log_dropped_bytes", v->log_dropped);
	if (with_log)
		PUT_STR(e, o, "log", v->log_path);
	kn = chk(e, cJSON_AddObjectToObject(o, "kernel_ns"));
	if (kn) {
		for (i = 0; i < INV_MARKS; i++)
			put_u64_or_null(e, kn, inv_marks[i].name, inv_mark(&v->k, i));
	}
	put_breakdown(e, o, "breakdown", v->has_breakdown ? &v->bd : NULL);
	e->oom |= deployed_inv_json(o, v);
}

static void put_measurement(struct enc *e, cJSON *arr, const struct invocation *v)
{
	cJSON *o = cJSON_CreateObject();

	if (!o || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		e->oom = true;
		return;
	}
	put_i64(e, o, "invocation", v->index);
	put_phases(e, o, v, true);
	put_u64_or_null(e, o, "memory_kb", v->memory_kb);
	put_i64(e, o, "timestamp", v->timestamp);
	put_inv_body(e, o, v, true);
}

static void put_failure(struct enc *e, cJSON *arr, const struct invocation *v)
{
	cJSON *o = cJSON_CreateObject();
	const char *name = inv_outcome_name(v->outcome);

	if (!o || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		e->oom = true;
		return;
	}
	put_i64(e, o, "invocation", v->index);
	chk(e, cJSON_AddStringToObject(o, "outcome", name ? name : "unknown"));
	PUT_STR(e, o, "reason", v->reason);
	put_str_or_null(e, o, "error_type", v->error_type, sizeof(v->error_type));
	put_i64(e, o, "timestamp", v->timestamp);
	PUT_STR(e, o, "log", v->log_path);
	put_phases(e, o, v, true);
	put_u64_or_null(e, o, "memory_kb", v->memory_kb);
	put_inv_body(e, o, v, false);
}

static void put_stats6(struct enc *e, cJSON *o, const struct stats *s)
{
	if (s->n) {
		put_ms(e, o, "avg_ms", s->avg);
		put_ms(e, o, "p50_ms", s->p50);
		put_ms(e, o, "p99_ms", s->p99);
		put_ms(e, o, "min_ms", s->min);
		put_ms(e, o, "max_ms", s->max);
		put_ms(e, o, "stddev_ms", s->stddev);
	} else {
		static const char *const k[] = { "avg_ms", "p50_ms", "p99_ms",
						 "min_ms", "max_ms", "stddev_ms" };
		size_t i;

		for (i = 0; i < 6; i++)
			chk(e, cJSON_AddNullToObject(o, k[i]));
	}
}

char *results_invocation_json(const struct invocation *v)
{
	struct enc e = { 0 };
	cJSON *arr = cJSON_CreateArray();
	char *txt = NULL;

	if (!arr)
		return NULL;
	if (v->outcome == INV_OK)
		put_measurement(&e, arr, v);
	else
		put_failure(&e, arr, v);
	if (!e.oom && cJSON_GetArraySize(arr) == 1)
		txt = cJSON_PrintUnformatted(cJSON_GetArrayItem(arr, 0));
	cJSON_Delete(arr);
	return txt;
}

char *results_to_json(const struct results *r)
{
	struct enc e = { 0 };
	cJSON *root, *arr, *o;
	size_t i;

	if (!r)
		return NULL;
	root = cJSON_CreateObject();
	if (!root)
		return NULL;
	PUT_STR(&e, root, "runtime", r->runtime);
	put_u64(&e, root, "memory_mb", r->memory_mb);
	PUT_STR(&e, root, "arch", r->arch);

	arr = chk(&e, cJSON_AddArrayToObject(root, "measurements"));
	for (i = 0; arr && i < r->n_inv; i++)
		if (r->inv[i].outcome == INV_OK)
			put_measurement(&e, arr, &r->inv[i]);
	arr = chk(&e, cJSON_AddArrayToObject(root, "failures"));
	for (i = 0; arr && i < r->n_inv; i++)
		if (r->inv[i].outcome != INV_OK)
			put_failure(&e, arr, &r->inv[i]);

	o = chk(&e, cJSON_AddObjectToObject(root, "stats"));
	if (o) {
		cJSON *sub;

		put_stats6(&e, o, &r->total);
		put_u64(&e, o, "n", r->total.n);
		chk(&e, cJSON_AddStringToObject(o, "of", "total_ms"));
		sub = chk(&e, cJSON_AddObjectToObject(o, "init"));
		if (sub)
			put_stats6(&e, sub, &r->init);
		sub = chk(&e, cJSON_AddObjectToObject(o, "handler"));
		if (sub)
			put_stats6(&e, sub, &r->handler);
	}

	o = chk(&e, cJSON_AddObjectToObject(root, "binary"));
	if (o) {
		put_u64(&e, o, "size_kb", r->binary.size_kb);
		put_u64(&e, o, "size_bytes", r->binary.size_bytes);
		PUT_STR(&e, o, "path", r->binary.path);
		put_bool(&e, o, "stripped", r->binary.stripped);
	}
	o = chk(&e, cJSON_AddObjectToObject(root, "invocations"));
	if (o) {
		put_u64(&e, o, "requested", r->n_inv);
		put_u64(&e, o, "succeeded", r->n_ok);
		put_u64(&e, o, "failed", r->n_failed);
	}
	PUT_STR(&e, root, "timing_source", r->timing_source);
	PUT_STR(&e, root, "host", r->host);
	PUT_STR(&e, root, "kernel", r->kernel);
	PUT_STR(&e, root, "tool_version", r->tool_version);
	PUT_STR(&e, root, "bootstrap", r->bootstrap);
	PUT_STR(&e, root, "log_dir", r->log_dir);
	put_bool(&e, root, "incomplete", r->incomplete);
	put_bool(&e, root, "limits_applied", r->limits_applied);
	o = chk(&e, cJSON_AddObjectToObject(root, "limits"));
	if (o) {
		if (r->limits_applied) {
			PUT_STR(&e, o, "cgroup", r->cgroup);
			put_u64(&e, o, "memory_mb", r->memory_mb);
			chk(&e, cJSON_AddNumberToObject(o, "vcpus", round(r->vcpus * 1000) / 1000));
			put_u64(&e, o, "cpu_quota_us", r->cpu_quota_us);
			put_u64(&e, o, "cpu_period_us", r->cpu_period_us);
		} else {
			chk(&e, cJSON_AddNullToObject(o, "cgroup"));
		}
	}
	PUT_STR(&e, root, "host_cpu", r->host_cpu);
	chk(&e, cJSON_AddStringToObject(root, "page_cache", r->cold_cache ? "cold" : "warm"));
	if (r->warm) {
		o = chk(&e, cJSON_AddObjectToObject(root, "warm"));
		if (o) {
			cJSON *h;

			put_u64(&e, o, "per_cold_start", r->warm);
			put_u64(&e, o, "freeze_ms", r->freeze_ms);
			h = chk(&e, cJSON_AddObjectToObject(o, "handler"));
			if (h) {
				put_stats6(&e, h, &r->warm_handler);
				put_u64(&e, h, "n", r->warm_handler.n);
			}
		}
	} else {
		chk(&e, cJSON_AddNullToObject(root, "warm"));
	}
	o = chk(&e, cJSON_AddObjectToObject(root, "run_as"));
	if (o) {
		PUT_STR(&e, o, "user", r->run_as_user);
		put_u64(&e, o, "uid", r->run_as_uid);
	}
	put_u64(&e, root, "events_dropped", r->events_dropped);
	put_u64(&e, root, "capture_faults", r->capture_faults);
	put_breakdown_summary(&e, root, r);
	e.oom |= deployed_json(root, r->deployed);

	if (e.oom) {
		cJSON_Delete(root);
		return NULL;
	}
	return json_text_nl(root, true);
}

/* ------------------------------------------------------------------------ */
/* decoding                                                                   */

struct dec {
	char *err;
	size_t errlen;
};

static int fail(struct dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct dec *d, const char *fmt, ...)
{
	va_list ap;

	if (d->err && d->errlen) {
		va_start(ap, fmt);
		vsnprintf(d->err, d->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* "prefix.key", or "key" at the top level */
static const char *fname(char *buf, size_t len, const char *prefix, const char *key)
{
	int n;

	/* a field name longer than the buffer is cut: it only names the field */
	if (prefix && *prefix)
		n = snprintf(buf, len, "%s.%s", prefix, key);
	else
		n = snprintf(buf, len, "%s", key);
	if (n < 0)
		buf[0] = '\0';
	return buf;
}

#define FNAME_LEN 160

/* The item at key, or NULL when missing or null. */
static const cJSON *item(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNull(it) ? NULL : it;
}

static int get_ms(struct dec *d, const cJSON *o, const char *pfx, const char *key, double *out)
{
	const cJSON *it = item(o, key);
	char f[FNAME_LEN];

	*out = -1;
	if (!it)
		return 0;
	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
		return fail(d, "field '%s' must be a number", fname(f, sizeof(f), pfx, key));
	*out = it->valuedouble;
	return 0;
}

/* A number or null; only checked (stats are recomputed from the data). */
static int check_num(struct dec *d, const cJSON *o, const char *pfx, const char *key)
{
	double dummy;

	return get_ms(d, o, pfx, key, &dummy);
}

static int get_u64(struct dec *d, const cJSON *o, const char *pfx, const char *key,
		   uint64_t max, uint64_t *out)
{
	const cJSON *it = item(o, key);
	char f[FNAME_LEN];
	double v;

	*out = 0;
	if (!it)
		return 0;
	v = it->valuedouble;
	if (!cJSON_IsNumber(it) || !isfinite(v) || v < 0 || v != floor(v))
		return fail(d, "field '%s' must be a non-negative integer",
			    fname(f, sizeof(f), pfx, key));
	/* 2^64 is the first double above UINT64_MAX */
	if (v >= 18446744073709551616.0 || (max != UINT64_MAX && v > (double)max))
		return fail(d, "field '%s' is out of range", fname(f, sizeof(f), pfx, key));
	*out = (uint64_t)v;
	return 0;
}

static int get_u32(struct dec *d, const cJSON *o, const char *pfx, const char *key,
		   unsigned *out)
{
	uint64_t v;

	if (get_u64(d, o, pfx, key, UINT32_MAX, &v) < 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Signed integer in [lo, hi]; missing/null -> dflt. */
static int get_i64(struct dec *d, const cJSON *o, const char *pfx, const char *key,
		   int64_t lo, int64_t hi, int64_t dflt, int64_t *out)
{
	const cJSON *it = item(o, key);
	char f[FNAME_LEN];
	double v;

	*out = dflt;
	if (!it)
		return 0;
	v = it->valuedouble;
	if (!cJSON_IsNumber(it) || !isfinite(v) || v != floor(v))
		return fail(d, "field '%s' must be an integer", fname(f, sizeof(f), pfx, key));
	/* +-2^63 bound the int64 range exactly as doubles */
	if (v < -9223372036854775808.0 || v >= 9223372036854775808.0 ||
	    (int64_t)v < lo || (int64_t)v > hi)
		return fail(d, "field '%s' is out of range", fname(f, sizeof(f), pfx, key));
	*out = (int64_t)v;
	return 0;
}

static int get_bool(struct dec *d, const cJSON *o, const char *pfx, const char *key, bool *out)
{
	const cJSON *it = item(o, key);
	char f[FNAME_LEN];

	*out = false;
	if (!it)
		return 0;
	if (!cJSON_IsBool(it))
		return fail(d, "field '%s' must be a boolean", fname(f, sizeof(f), pfx, key));
	*out = cJSON_IsTrue(it);
	return 0;
}

static int get_str(struct dec *d, const cJSON *o, const char *pfx, const char *key,
		   char *dst, size_t cap)
{
	const cJSON *it = item(o, key);
	char f[FNAME_LEN];

	dst[0] = '\0';
	if (!it)
		return 0;
	if (!cJSON_IsString(it) || !it->valuestring)
		return fail(d, "field '%s' must be a string", fname(f, sizeof(f), pfx, key));
	strlcpy0(dst, it->valuestring, cap);
	return 0;
}

#define GET_STR(d, o, pfx, key, field) get_str(d, o, pfx, key, field, sizeof(field))

/* An object or missing/null (-> *out = NULL). */
static int get_obj(struct dec *d, const cJSON *o, const char *pfx, const char *key,
		   const cJSON **out)
{
	const cJSON *it = item(o, key);
	char f[FNAME_LEN];

	*out = NULL;
	if (!it)
		return 0;
	if (!cJSON_IsObject(it))
		return fail(d, "field '%s' must be an object", fname(f, sizeof(f), pfx, key));
	*out = it;
	return 0;
}

static int get_arr(struct dec *d, const cJSON *o, const char *key, const cJSON **out)
{
	const cJSON *it = item(o, key);

	*out = NULL;
	if (!it)
		return 0;
	if (!cJSON_IsArray(it))
		return fail(d, "field '%s' must be an array", key);
	*out = it;
	return 0;
}

static int get_signal(struct dec *d, const cJSON *o, const char *pfx, int *out)
{
	const cJSON *it = item(o, "signal");
	char f[FNAME_LEN];
	double v;

	*out = 0;
	if (!it)
		return 0;
	if (cJSON_IsString(it) && it->valuestring && signal_from_name(it->valuestring, out) == 0)
		return 0;
	v = it->valuedouble;
	if (cJSON_IsNumber(it) && isfinite(v) && v == floor(v) && v >= 0 && v < NSIG) {
		*out = (int)v;
		return 0;
	}
	return fail(d, "field '%s' must be a signal name", fname(f, sizeof(f), pfx, "signal"));
}

/* NAME_ms of every phase: the headline ones first, as a measurement has them */
static int get_phases(struct dec *d, const cJSON *o, const char *pfx, struct invocation *v)
{
	char key[32];

	for (int pass = 0; pass < 2; pass++) {
		for (int p = 0; p < INV_PHASES; p++) {
			double ms;

			if (inv_phases[p].headline != !pass)
				continue;
			snprintf(key, sizeof(key), "%s_ms", inv_phases[p].name);
			if (get_ms(d, o, pfx, key, &ms))
				return -1;
			inv_set_phase_ms(v, p, ms);
		}
	}
	return 0;
}

/* Everything of one measurement or failure except the outcome fields. */
static int decode_inv(struct dec *d, const cJSON *o, const char *pfx, struct invocation *v)
{
	const cJSON *pf, *ex, *kn, *em;
	char sub[FNAME_LEN];
	int64_t i64;
	uint64_t u64;
	size_t i;

	if (get_phases(d, o, pfx, v) ||
	    get_u64(d, o, pfx, "memory_kb", UINT64_MAX, &v->memory_kb) ||
	    get_u64(d, o, pfx, "root_memory_kb", UINT64_MAX, &v->root_memory_kb) ||
	    get_i64(d, o, pfx, "timestamp", INT64_MIN, INT64_MAX, 0, &v->timestamp) ||
	    get_u32(d, o, pfx, "processes", &v->processes) ||
	    get_u32(d, o, pfx, "threads", &v->threads) ||
	    get_u32(d, o, pfx, "connections", &v->connections) ||
	    get_u32(d, o, pfx, "requests", &v->requests) ||
	    get_u64(d, o, pfx, "bytes_sent", UINT64_MAX, &v->bytes_sent) ||
	    get_u64(d, o, pfx, "bytes_received", UINT64_MAX, &v->bytes_received) ||
	    get_bool(d, o, pfx, "io_uring", &v->io_uring) ||
	    get_u64(d, o, pfx, "capture_faults", UINT32_MAX, &u64))
		return -1;
	v->capture_faults = (uint32_t)u64;
	if (get_u64(d, o, pfx, "root_pid", UINT32_MAX, &u64))
		return -1;
	v->root_pid = (uint32_t)u64;
	if (get_u64(d, o, pfx, "spawn_ns", UINT64_MAX, &v->spawn_ns))
		return -1;
	if (get_obj(d, o, pfx, "emulator_ns", &em))
		return -1;
	if (em) {
		fname(sub, sizeof(sub), pfx, "emulator_ns");
		if (get_u64(d, em, sub, "next_received", UINT64_MAX, &v->api_next_received_ns) ||
		    get_u64(d, em, sub, "event_sent", UINT64_MAX, &v->api_event_sent_ns) ||
		    get_u64(d, em, sub, "response_received", UINT64_MAX, &v->api_response_received_ns))
			return -1;
	}
	if (GET_STR(d, o, pfx, "log", v->log_path) ||
	    get_u64(d, o, pfx, "log_bytes", UINT64_MAX, &v->log_bytes) ||
	    get_u64(d, o, pfx, "log_dropped_bytes", UINT64_MAX, &v->log_dropped))
		return -1;

	if (get_obj(d, o, pfx, "page_faults", &pf))
		return -1;
	if (pf) {
		fname(sub, sizeof(sub), pfx, "page_faults");
		if (get_u64(d, pf, sub, "minor", UINT64_MAX, &v->min_flt) ||
		    get_u64(d, pf, sub, "major", UINT64_MAX, &v->maj_flt))
			return -1;
	}
	if (get_u64(d, o, pfx, "block_read_bytes", UINT64_MAX, &v->read_bytes))
		return -1;
	{
		const cJSON *wa = item(o, "warm_handler_ms"), *x;

		v->n_warm = 0;
		if (wa && !cJSON_IsArray(wa))
			return fail(d, "field '%s' must be an array", fname(sub, sizeof(sub), pfx, "warm_handler_ms"));
		cJSON_ArrayForEach(x, wa) {
			if (v->n_warm == TIMELINE_MAX_WARM)
				return fail(d, "field '%s' has more than %d entries",
					    fname(sub, sizeof(sub), pfx, "warm_handler_ms"), TIMELINE_MAX_WARM);
			if (cJSON_IsNull(x))
				v->warm_handler_ms[v->n_warm++] = -1;
			else if (cJSON_IsNumber(x) && isfinite(x->valuedouble) && x->valuedouble >= 0)
				v->warm_handler_ms[v->n_warm++] = x->valuedouble;
			else
				return fail(d, "field '%s' must hold numbers or null",
					    fname(sub, sizeof(sub), pfx, "warm_handler_ms"));
		}
	}
	{
		const cJSON *cc;
		uint64_t files = 0;

		if (get_obj(d, o, pfx, "cold_cache", &cc))
			return -1;
		if (cc) {
			fname(sub, sizeof(sub), pfx, "cold_cache");
			if (get_u64(d, cc, sub, "files", UINT32_MAX, &files) ||
			    get_u64(d, cc, sub, "pages", UINT64_MAX, &v->evicted_pages) ||
			    get_u64(d, cc, sub, "still_cached_pages", UINT64_MAX, &v->still_cached_pages))
				return -1;
			v->evicted_files = (uint32_t)files;
		}
	}

	v->exit_code = -1;
	if (get_obj(d, o, pfx, "exit", &ex))
		return -1;
	if (ex) {
		fname(sub, sizeof(sub), pfx, "exit");
		if (get_i64(d, ex, sub, "code", INT_MIN, INT_MAX, -1, &i64) ||
		    get_signal(d, ex, sub, &v->exit_signal) ||
		    get_bool(d, ex, sub, "killed_by_profiler", &v->killed_by_profiler))
			return -1;
		v->exit_code = (int)i64;
	}

	if (get_obj(d, o, pfx, "kernel_ns", &kn))
		return -1;
	if (kn) {
		fname(sub, sizeof(sub), pfx, "kernel_ns");
		for (i = 0; i < INV_MARKS; i++) {
			if (get_u64(d, kn, sub, inv_marks[i].name, UINT64_MAX, &u64))
				return -1;
			inv_set_mark(&v->k, i, u64);
		}
	}
	return 0;
}

static int get_index(struct dec *d, const cJSON *o, const char *pfx, int dflt, int *out)
{
	int64_t v;

	if (get_i64(d, o, pfx, "invocation", 1, INT_MAX, dflt, &v))
		return -1;
	*out = (int)v;
	return 0;
}

static int decode_outcome(struct dec *d, const cJSON *o, const char *pfx, enum inv_outcome *out)
{
	const cJSON *it = item(o, "outcome");
	char f[FNAME_LEN];
	int i;

	fname(f, sizeof(f), pfx, "outcome");
	if (!it)
		return fail(d, "field '%s' is missing", f);
	if (!cJSON_IsString(it) || !it->valuestring)
		return fail(d, "field '%s' must be a string", f);
	/* INV_OK is not a failure: start after it */
	for (i = INV_OK + 1; i <= INV_OUTCOME_LAST; i++) {
		const char *name = inv_outcome_name((enum inv_outcome)i);

		if (name && strcmp(name, it->valuestring) == 0) {
			*out = (enum inv_outcome)i;
			return 0;
		}
	}
	return fail(d, "field '%s' is not a known failure outcome", f);
}

static int check_stats6(struct dec *d, const cJSON *o, const char *pfx)
{
	return check_num(d, o, pfx, "avg_ms") || check_num(d, o, pfx, "p50_ms") ||
	       check_num(d, o, pfx, "p99_ms") || check_num(d, o, pfx, "min_ms") ||
	       check_num(d, o, pfx, "max_ms") || check_num(d, o, pfx, "stddev_ms");
}

/* The stats in the file are checked, not trusted: they are recomputed. */
static int check_stats(struct dec *d, const cJSON *root)
{
	const cJSON *s, *sub;
	uint64_t n;

	if (get_obj(d, root, NULL, "stats", &s))
		return -1;
	if (!s)
		return 0;
	if (check_stats6(d, s, "stats") || get_u64(d, s, "stats", "n", UINT64_MAX, &n))
		return -1;
	if (item(s, "of") && !cJSON_IsString(item(s, "of")))
		return fail(d, "field 'stats.of' must be a string");
	if (get_obj(d, s, "stats", "init", &sub) || (sub && check_stats6(d, sub, "stats.init")))
		return -1;
	if (get_obj(d, s, "stats", "handler", &sub) ||
	    (sub && check_stats6(d, sub, "stats.handler")))
		return -1;
	return 0;
}

static int check_invocations(struct dec *d, const cJSON *root)
{
	const cJSON *o;
	uint64_t n;

	if (get_obj(d, root, NULL, "invocations", &o))
		return -1;
	if (!o)
		return 0;
	return get_u64(d, o, "invocations", "requested", UINT64_MAX, &n) ||
	       get_u64(d, o, "invocations", "succeeded", UINT64_MAX, &n) ||
	       get_u64(d, o, "invocations", "failed", UINT64_MAX, &n);
}

static size_t count_children(const cJSON *arr)
{
	const cJSON *c;
	size_t n = 0;

	if (!arr)
		return 0;
	for (c = arr->child; c; c = c->next)
		n++;
	return n;
}

struct sort_key {
	int index;
	size_t pos;
};

static int cmp_key(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Order inv[] by invocation index (stable), as the run produced them. */
static int sort_invocations(struct results *r)
{
	struct sort_key *keys;
	struct invocation *sorted;
	size_t i;

	if (r->n_inv < 2)
		return 0;
	keys = calloc(r->n_inv, sizeof(*keys));
	sorted = calloc(r->n_inv, sizeof(*sorted));
	if (!keys || !sorted) {
		free(keys);
		free(sorted);
		return -1;
	}
	for (i = 0; i < r->n_inv; i++) {
		keys[i].index = r->inv[i].index;
		keys[i].pos = i;
	}
	qsort(keys, r->n_inv, sizeof(*keys), cmp_key);
	for (i = 0; i < r->n_inv; i++)
		sorted[i] = r->inv[keys[i].pos];
	free(keys);
	free(r->inv);
	r->inv = sorted;
	return 0;
}

static int decode_root(struct dec *d, const cJSON *root, struct results *r)
{
	const cJSON *meas, *fails, *bin, *c;
	size_t n_meas, n_fail, k = 0;
	char pfx[FNAME_LEN];
	unsigned mem;

	if (!cJSON_IsObject(root))
		return fail(d, "results must be a JSON object");
	if (GET_STR(d, root, NULL, "runtime", r->runtime) ||
	    get_u32(d, root, NULL, "memory_mb", &mem) ||
	    GET_STR(d, root, NULL, "arch", r->arch) ||
	    GET_STR(d, root, NULL, "timing_source", r->timing_source) ||
	    GET_STR(d, root, NULL, "host", r->host) ||
	    GET_STR(d, root, NULL, "kernel", r->kernel) ||
	    GET_STR(d, root, NULL, "tool_version", r->tool_version) ||
	    GET_STR(d, root, NULL, "bootstrap", r->bootstrap) ||
	    GET_STR(d, root, NULL, "log_dir", r->log_dir) ||
	    get_bool(d, root, NULL, "incomplete", &r->incomplete) ||
	    get_bool(d, root, NULL, "limits_applied", &r->limits_applied) ||
	    get_u64(d, root, NULL, "events_dropped", UINT64_MAX, &r->events_dropped) ||
	    get_u64(d, root, NULL, "capture_faults", UINT64_MAX, &r->capture_faults))
		return -1;
	r->memory_mb = mem;

	if (get_obj(d, root, NULL, "limits", &c))
		return -1;
	if (c) {
		double v;

		if (GET_STR(d, c, "limits", "cgroup", r->cgroup) ||
		    get_ms(d, c, "limits", "vcpus", &v) ||
		    get_u64(d, c, "limits", "cpu_quota_us", UINT64_MAX, &r->cpu_quota_us) ||
		    get_u64(d, c, "limits", "cpu_period_us", UINT64_MAX, &r->cpu_period_us))
			return -1;
		r->vcpus = v > 0 ? v : 0;
	}
	if (GET_STR(d, root, NULL, "host_cpu", r->host_cpu))
		return -1;
	{
		char pc[16];

		if (GET_STR(d, root, NULL, "page_cache", pc))
			return -1;
		r->cold_cache = !strcmp(pc, "cold");
	}
	if (get_obj(d, root, NULL, "warm", &c))
		return -1;
	if (c && (get_u32(d, c, "warm", "per_cold_start", &r->warm) ||
		  get_u32(d, c, "warm", "freeze_ms", &r->freeze_ms)))
		return -1;
	if (get_obj(d, root, NULL, "run_as", &c))
		return -1;
	if (c && (GET_STR(d, c, "run_as", "user", r->run_as_user) ||
		  get_u32(d, c, "run_as", "uid", &r->run_as_uid)))
		return -1;
	if (get_obj(d, root, NULL, "binary", &bin))
		return -1;
	if (bin && (get_u64(d, bin, "binary", "size_kb", UINT64_MAX, &r->binary.size_kb) ||
		    get_u64(d, bin, "binary", "size_bytes", UINT64_MAX, &r->binary.size_bytes) ||
		    GET_STR(d, bin, "binary", "path", r->binary.path) ||
		    get_bool(d, bin, "binary", "stripped", &r->binary.stripped)))
		return -1;
	if (check_stats(d, root) || check_invocations(d, root))
		return -1;

	if (get_arr(d, root, "measurements", &meas) || get_arr(d, root, "failures", &fails))
		return -1;
	n_meas = count_children(meas);
	n_fail = count_children(fails);
	if (n_meas == 0 && n_fail == 0)
		return fail(d, "No measurements found in results file");
	if (n_meas + n_fail > RESULTS_MAX_RECORDS)
		return fail(d, "too many measurements and failures (%zu, at most %u)",
			    n_meas + n_fail, RESULTS_MAX_RECORDS);

	r->inv = calloc(n_meas + n_fail, sizeof(*r->inv));
	if (!r->inv)
		return fail(d, "out of memory");

	for (c = meas ? meas->child : NULL; c; c = c->next, k++) {
		struct invocation *v = &r->inv[k];

		snprintf(pfx, sizeof(pfx), "measurements[%zu]", k);
		if (!cJSON_IsObject(c))
			return fail(d, "field '%s' must be an object", pfx);
		v->outcome = INV_OK;
		if (get_index(d, c, pfx, k + 1 > INT_MAX ? INT_MAX : (int)(k + 1), &v->index) ||
		    decode_inv(d, c, pfx, v))
			return -1;
		r->n_inv = k + 1;
	}
	for (c = fails ? fails->child : NULL; c; c = c->next, k++) {
		struct invocation *v = &r->inv[k];
		size_t j = k - n_meas;

		snprintf(pfx, sizeof(pfx), "failures[%zu]", j);
		if (!cJSON_IsObject(c))
			return fail(d, "field '%s' must be an object", pfx);
		if (get_index(d, c, pfx, k + 1 > INT_MAX ? INT_MAX : (int)(k + 1), &v->index) ||
		    decode_outcome(d, c, pfx, &v->outcome) ||
		    GET_STR(d, c, pfx, "reason", v->reason) ||
		    GET_STR(d, c, pfx, "error_type", v->error_type) ||
		    decode_inv(d, c, pfx, v))
			return -1;
		r->n_inv = k + 1;
	}
	if (sort_invocations(r))
		return fail(d, "out of memory");
	results_compute_stats(r);
	return 0;
}

int results_from_json(const char *text, struct results *r, char *err, size_t errlen)
{
	struct dec d = { .err = err, .errlen = errlen };
	const char *end = NULL;
	cJSON *root;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (!r)
		return fail(&d, "no results to decode into");
	memset(r, 0, sizeof(*r));
	if (!text)
		return fail(&d, "no JSON text");
	/* the parse end (unlike cJSON_GetErrorPtr()) is not shared between threads */
	root = cJSON_ParseWithOpts(text, &end, 1);
	if (!root) {
		size_t len = strlen(text), off, line, col;

		off = end && end >= text ? (size_t)(end - text) : 0;
		if (off > len)
			off = len;
		text_line_col(text, off, &line, &col);
		return fail(&d, "invalid JSON at line %zu, column %zu", line, col);
	}
	ret = decode_root(&d, root, r);
	cJSON_Delete(root);
	if (ret) {
		results_free(r);
		memset(r, 0, sizeof(*r));
	}
	return ret;
}

int results_read_file(const char *path, struct results *r, char *err, size_t errlen)
{
	struct dec d = { .err = err, .errlen = errlen };
	size_t len = 0;
	char *buf;
	const char *nul;
	int ret;

	if (r)
		memset(r, 0, sizeof(*r));
	if (!path)
		return fail(&d, "no results file given");
	buf = read_file_all(path, RESULTS_MAX_FILE, &len);
	if (!buf)
		return fail(&d, "cannot read %s: %s", path, strerror(errno));
	/* a NUL byte would silently end the text early: JSON never has one */
	nul = memchr(buf, '\0', len);
	if (nul) {
		size_t line, col;

		text_line_col(buf, (size_t)(nul - buf), &line, &col);
		free(buf);
		return fail(&d, "invalid JSON at line %zu, column %zu", line, col);
	}
	ret = results_from_json(buf, r, err, errlen);
	free(buf);
	return ret;
}

void results_free(struct results *r)
{
	if (!r)
		return;
	free(r->inv);
	r->inv = NULL;
	r->n_inv = 0;
}

/* ------------------------------------------------------------------------ */
/* atomic write                                                               */

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, ret = 0;

	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return -ENOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -errno;
	/* some file systems cannot sync a directory: nothing more to do there */
	if (fsync(fd) < 0 && errno != EINVAL)
		ret = -errno;
	close(fd);
	return ret;
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
	static const char suffix[] = ".tmp.XXXXXX";
	size_t plen;
	char *tmp;
	int fd, ret;

	if (!path || !*path || (!data && len))
		return -EINVAL;
	plen = strlen(path);
	tmp = malloc(plen + sizeof(suffix));
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, suffix, sizeof(suffix));

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		free(tmp);
		return ret;
	}
	ret = fchmod(fd, 0644) < 0 ? -errno : 0;
	if (!ret)
		ret = write_all(fd, data, len);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret) {
		unlink(tmp);
		free(tmp);
		return ret;
	}
	free(tmp);
	return fsync_parent(path);
}
