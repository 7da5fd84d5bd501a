#include "lambda_perf.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "util.h"

/* Larger than any Lambda memory size (10240 MB); bounds a bogus value. */
#define LP_MAX_MEMORY_MB	1048576u

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ------------------------------------------------------------------------ */
/* decoding                                                                   */

/* Field names of one format, in the order of struct lp_runtime. */
struct lp_keys {
	const char *r, *d, *p, *a, *m, *i, *acd, *ad, *mu;
};

static const struct lp_keys short_keys = {
	.r = "r", .d = "d", .p = "p", .a = "a", .m = "m", .i = "i",
	.acd = "acd", .ad = "ad", .mu = "mu",
};

static const struct lp_keys long_keys = {
	.r = "runtime", .d = "displayName", .p = NULL, .a = "architecture", .m = "memorySize",
	.i = "initDurations", .acd = "averageColdStartDuration", .ad = "averageDuration",
	.mu = "averageMemoryUsed",
};

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static int get_str(const cJSON *o, size_t k, const char *key, char *dst, size_t cap,
		   char *err, size_t errlen)
{
	const cJSON *it = get(o, key);

	if (!it)
		return fail(err, errlen, "runtimeData[%zu].%s is missing", k, key);
	if (!cJSON_IsString(it) || !it->valuestring)
		return fail(err, errlen, "runtimeData[%zu].%s must be a string", k, key);
	if (strlen(it->valuestring) >= cap)
		return fail(err, errlen, "runtimeData[%zu].%s is too long (at most %zu bytes)",
			    k, key, cap - 1);
	strlcpy0(dst, it->valuestring, cap);
	return 0;
}

/* A finite non-negative number; optional ones may be missing or null (NAN). */
static int get_num(const cJSON *o, size_t k, const char *key, bool optional, double *out,
		   char *err, size_t errlen)
{
	const cJSON *it = get(o, key);

	*out = NAN;
	if (!it || cJSON_IsNull(it)) {
		if (optional)
			return 0;
		return fail(err, errlen, "runtimeData[%zu].%s is missing", k, key);
	}
	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble < 0)
		return fail(err, errlen, "runtimeData[%zu].%s must be a non-negative number", k, key);
	*out = it->valuedouble;
	return 0;
}

static int decode_entry(const cJSON *o, size_t k, struct lp_runtime *rt, enum lp_format *fmt,
			char *err, size_t errlen)
{
	const struct lp_keys *K;
	const cJSON *arr, *c;
	double m;
	size_t j;

	if (!cJSON_IsObject(o))
		return fail(err, errlen, "runtimeData[%zu] must be an object", k);
	if (get(o, "r") || get(o, "i") || get(o, "acd")) {
		K = &short_keys;
		*fmt = LP_FORMAT_SHORT;
	} else if (get(o, "runtime") || get(o, "initDurations") ||
		   get(o, "averageColdStartDuration")) {
		K = &long_keys;
		*fmt = LP_FORMAT_LONG;
	} else {
		return fail(err, errlen, "runtimeData[%zu] is not a lambda-perf entry "
			    "(neither r/i/acd nor runtime/initDurations/averageColdStartDuration)", k);
	}

	if (get_str(o, k, K->r, rt->r, sizeof(rt->r), err, errlen) ||
	    get_str(o, k, K->d, rt->d, sizeof(rt->d), err, errlen) ||
	    get_str(o, k, K->a, rt->a, sizeof(rt->a), err, errlen))
		return -1;
	if (K->p) {
		if (get_str(o, k, K->p, rt->p, sizeof(rt->p), err, errlen))
			return -1;
		rt->p_given = true;
	} else {
		/* the old format predates image packaging in lambda-perf: all zip */
		strlcpy0(rt->p, "zip", sizeof(rt->p));
		rt->p_given = false;
	}

	if (get_num(o, k, K->m, false, &m, err, errlen))
		return -1;
	if (m != floor(m) || m < 1 || m > LP_MAX_MEMORY_MB)
		return fail(err, errlen, "runtimeData[%zu].%s must be a memory size in MB (1 to %u)",
			    k, K->m, LP_MAX_MEMORY_MB);
	rt->m = (unsigned)m;

	if (get_num(o, k, K->acd, false, &rt->acd, err, errlen) ||
	    get_num(o, k, K->ad, true, &rt->ad, err, errlen) ||
	    get_num(o, k, K->mu, true, &rt->mu, err, errlen))
		return -1;

	arr = get(o, K->i);
	if (!arr)
		return fail(err, errlen, "runtimeData[%zu].%s is missing", k, K->i);
	if (!cJSON_IsArray(arr))
		return fail(err, errlen, "runtimeData[%zu].%s must be an array of numbers", k, K->i);
	rt->n_i = 0;
	for (c = arr->child; c; c = c->next)
		rt->n_i++;
	if (rt->n_i) {
		rt->i = calloc(rt->n_i, sizeof(*rt->i));
		if (!rt->i)
			return fail(err, errlen, "out of memory");
	}
	for (c = arr->child, j = 0; c; c = c->next, j++) {
		if (!cJSON_IsNumber(c) || !isfinite(c->valuedouble) || c->valuedouble < 0)
			return fail(err, errlen, "runtimeData[%zu].%s[%zu] must be a non-negative number",
				    k, K->i, j);
		rt->i[j] = c->valuedouble;
	}
	return 0;
}

static int decode_root(const cJSON *root, struct lp_data *d, char *err, size_t errlen)
{
	const cJSON *meta, *arr, *c;
	size_t k;

	if (!cJSON_IsObject(root))
		return fail(err, errlen, "not lambda-perf data: the top level is not a JSON object");
	arr = get(root, "runtimeData");
	if (!arr)
		return fail(err, errlen, "not lambda-perf data: no \"runtimeData\" array");
	if (!cJSON_IsArray(arr))
		return fail(err, errlen, "not lambda-perf data: \"runtimeData\" is not an array");

	meta = get(root, "metadata");
	if (meta && !cJSON_IsNull(meta)) {
		const cJSON *g;

		if (!cJSON_IsObject(meta))
			return fail(err, errlen, "metadata must be an object");
		g = get(meta, "generatedAt");
		if (g && !cJSON_IsNull(g)) {
			if (!cJSON_IsString(g) || !g->valuestring)
				return fail(err, errlen, "metadata.generatedAt must be a string");
			if (strlen(g->valuestring) >= sizeof(d->generated_at))
				return fail(err, errlen, "metadata.generatedAt is too long");
			strlcpy0(d->generated_at, g->valuestring, sizeof(d->generated_at));
		}
	}

	for (c = arr->child; c; c = c->next)
		d->n++;
	if (d->n) {
		d->rt = calloc(d->n, sizeof(*d->rt));
		if (!d->rt)
			return fail(err, errlen, "out of memory");
	}
	for (c = arr->child, k = 0; c; c = c->next, k++) {
		enum lp_format f = LP_FORMAT_SHORT;

		if (decode_entry(c, k, &d->rt[k], &f, err, errlen))
			return -1;
		if (k == 0)
			d->format = f;
	}
	return 0;
}

int lp_from_json(const char *text, size_t len, struct lp_data *d, char *err, size_t errlen)
{
	const char *end = NULL;
	const char *nul;
	cJSON *root;
	char *copy;
	size_t line, col;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (!d)
		return fail(err, errlen, "no lambda-perf data to decode into");
	memset(d, 0, sizeof(*d));
	if (!text)
		return fail(err, errlen, "no JSON text");
	/* a NUL byte would end the text early: JSON never has one */
	nul = memchr(text, '\0', len);
	if (nul) {
		text_line_col(text, (size_t)(nul - text), &line, &col);
		return fail(err, errlen, "invalid JSON at line %zu, column %zu", line, col);
	}
	copy = malloc(len + 1);
	if (!copy)
		return fail(err, errlen, "out of memory");
	memcpy(copy, text, len);
	copy[len] = '\0';

	root = cJSON_ParseWithOpts(copy, &end, 1);
	if (!root) {
		size_t off = end && end >= copy ? (size_t)(end - copy) : 0;

		if (off > len)
			off = len;
		text_line_col(copy, off, &line, &col);
		free(copy);
		return fail(err, errlen, "invalid JSON at line %zu, column %zu", line, col);
	}
	free(copy);
	ret = decode_root(root, d, err, errlen);
	cJSON_Delete(root);
	if (ret)
		lp_free(d);
	return ret;
}

int lp_read_file(const char *path, struct lp_data *d, char *err, size_t errlen)
{
	size_t len = 0;
	char *buf;
	int ret;

	if (d)
		memset(d, 0, sizeof(*d));
	if (!path)
		return fail(err, errlen, "no lambda-perf file given");
	buf = read_file_all(path, LP_MAX_FILE, &len);
	if (!buf)
		return fail(err, errlen, "cannot read %s: %s", path,
			    errno == EFBIG ? "larger than 64 MiB" : strerror(errno));
	ret = lp_from_json(buf, len, d, err, errlen);
	free(buf);
	return ret;
}

void lp_runtime_free(struct lp_runtime *rt)
{
	if (!rt)
		return;
	free(rt->i);
	rt->i = NULL;
	rt->n_i = 0;
}

void lp_free(struct lp_data *d)
{
	size_t k;

	if (!d)
		return;
	for (k = 0; k < d->n && d->rt; k++)
		lp_runtime_free(&d->rt[k]);
	free(d->rt);
	memset(d, 0, sizeof(*d));
}

/* ------------------------------------------------------------------------ */
/* encoding                                                                   */

/* One entry, keys in lambda-perf's order: ms to the microsecond, mu to 0.001 MiB (jsonw.h),
 * an unmeasured ad or mu null. */
static void encode_entry(struct jw *w, cJSON *arr, const struct lp_runtime *rt)
{
	cJSON *o = jw_obj(w, arr, NULL), *i;
	size_t j;

	/* the fixed buffers may be full: what a NUL-terminated copy of them holds */
	jw_strn(w, o, "r", rt->r, sizeof(rt->r) - 1);
	jw_strn(w, o, "p", rt->p, sizeof(rt->p) - 1);
	jw_strn(w, o, "d", rt->d, sizeof(rt->d) - 1);
	i = jw_arr(w, o, "i");
	for (j = 0; i && j < rt->n_i; j++)
		jw_ms(w, i, NULL, rt->i[j]);
	jw_uint(w, o, "m", rt->m);
	jw_strn(w, o, "a", rt->a, sizeof(rt->a) - 1);
	jw_mib(w, o, "mu", rt->mu);
	jw_ms(w, o, "ad", rt->ad);
	jw_ms(w, o, "acd", rt->acd);
}

char *lp_to_json(const struct lp_data *d)
{
	struct jw w = { 0 };
	cJSON *root, *meta, *arr;
	size_t k;

	if (!d)
		return NULL;
	root = jw_root(&w);
	meta = jw_obj(&w, root, "metadata");
	jw_strn(&w, meta, "generatedAt", d->generated_at, sizeof(d->generated_at) - 1);
	arr = jw_arr(&w, root, "runtimeData");
	for (k = 0; arr && k < d->n; k++)
		encode_entry(&w, arr, &d->rt[k]);
	/* compact, as lambda-perf publishes its files */
	return jw_text(&w, root, false);
}

/* ------------------------------------------------------------------------ */
/* from our results                                                           */

void lp_default_names(const char *runtime, char *r, size_t rlen, char *dname, size_t dlen)
{
	if (!runtime)
		runtime = "";
	if (r && rlen)
		snprintf(r, rlen, "%s_on_provided_al2023", runtime);
	if (dname && dlen)
		snprintf(dname, dlen, "%s (prov.al2023)", runtime);
}

int lp_entry_from_results(const struct results *res, const char *r_name, const char *d_name,
			  struct lp_runtime *out, char *err, size_t errlen)
{
	double sum_i = 0, sum_h = 0, sum_m = 0;
	size_t k, n_ok = 0, n_h = 0, n_m = 0;

	if (err && errlen)
		err[0] = '\0';
	if (!out)
		return fail(err, errlen, "nothing to write into");
	memset(out, 0, sizeof(*out));
	if (!res || !r_name || !d_name)
		return fail(err, errlen, "no results or names given");
	if (strlen(r_name) >= sizeof(out->r))
		return fail(err, errlen, "runtime name is too long (at most %zu bytes)",
			    sizeof(out->r) - 1);
	if (strlen(d_name) >= sizeof(out->d))
		return fail(err, errlen, "display name is too long (at most %zu bytes)",
			    sizeof(out->d) - 1);
	if (strcmp(res->arch, "x86_64") && strcmp(res->arch, "arm64"))
		return fail(err, errlen, "architecture '%.*s' is not one of lambda-perf's (x86_64, arm64)",
			    (int)sizeof(res->arch), res->arch);
	if (!res->memory_mb)
		return fail(err, errlen, "the results have no memory_mb");

	for (k = 0; k < res->n_inv; k++)
		if (res->inv[k].outcome == INV_OK)
			n_ok++;
	if (!n_ok)
		return fail(err, errlen, "No measurements found in results file "
			    "(no successful cold start; %zu failed)", res->n_inv);
	out->i = calloc(n_ok, sizeof(*out->i));
	if (!out->i)
		return fail(err, errlen, "out of memory");

	for (k = 0; k < res->n_inv; k++) {
		const struct invocation *v = &res->inv[k];

		if (v->outcome != INV_OK)
			continue;
		if (isfinite(v->init_ms) && v->init_ms >= 0) {
			out->i[out->n_i++] = v->init_ms;
			sum_i += v->init_ms;
		}
		if (isfinite(v->handler_ms) && v->handler_ms >= 0) {
			sum_h += v->handler_ms;
			n_h++;
		}
		if (v->memory_kb) {
			sum_m += (double)v->memory_kb / 1024.0;
			n_m++;
		}
	}
	if (!out->n_i) {
		lp_runtime_free(out);
		return fail(err, errlen, "No measurements found in results file "
			    "(no successful cold start has an init duration)");
	}
	strlcpy0(out->r, r_name, sizeof(out->r));
	strlcpy0(out->d, d_name, sizeof(out->d));
	strlcpy0(out->p, "zip", sizeof(out->p));
	strlcpy0(out->a, res->arch, sizeof(out->a));
	out->p_given = true;
	out->m = res->memory_mb;
	out->acd = sum_i / (double)out->n_i;
	out->ad = n_h ? sum_h / (double)n_h : NAN;
	out->mu = n_m ? sum_m / (double)n_m : NAN;
	return 0;
}

int lp_iso8601_utc(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;
	char day[32];
	int n;

	if (!ts || !buf || !len || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return -1;
	if (!gmtime_r(&ts->tv_sec, &tm))
		return -1;
	if (!strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm))
		return -1;
	n = snprintf(buf, len, "%s.%03ldZ", day, ts->tv_nsec / 1000000L);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* matching                                                                   */

struct acd_key {
	double acd;
	size_t idx;
};

static int cmp_acd(const void *a, const void *b)
{
	const struct acd_key *x = a, *y = b;

	if (x->acd != y->acd)
		return x->acd < y->acd ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

long lp_match(const struct lp_data *d, unsigned m, const char *a, const char *p, size_t **idx)
{
	struct acd_key *keys;
	size_t k, n = 0;

	if (idx)
		*idx = NULL;
	if (!d || !a || !p || !idx)
		return 0;
	for (k = 0; k < d->n; k++)
		if (d->rt[k].m == m && !strcmp(d->rt[k].a, a) && !strcmp(d->rt[k].p, p))
			n++;
	if (!n)
		return 0;
	keys = calloc(n, sizeof(*keys));
	*idx = calloc(n, sizeof(**idx));
	if (!keys || !*idx) {
		free(keys);
		free(*idx);
		*idx = NULL;
		return -1;
	}
	n = 0;
	for (k = 0; k < d->n; k++) {
		if (d->rt[k].m == m && !strcmp(d->rt[k].a, a) && !strcmp(d->rt[k].p, p)) {
			keys[n].acd = d->rt[k].acd;
			keys[n].idx = k;
			n++;
		}
	}
	qsort(keys, n, sizeof(*keys), cmp_acd);
	for (k = 0; k < n; k++)
		(*idx)[k] = keys[k].idx;
	free(keys);
	return (long)n;
}
