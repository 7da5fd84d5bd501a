/* The results JSON, read (results.h): checked field by field, each error one line that names
 * the field; the invocation records through the one field table (results_fields.h). */
#include "results.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results_fields.h"
#include "util.h"

#define RESULTS_MAX_FILE	(64u << 20)	/* 64 MiB */
/* More records than a 64 MiB file of ours can hold; bounds the allocation
 * (a record is about 1 KiB in memory, "{}," is 3 bytes of JSON). */
#define RESULTS_MAX_RECORDS	1000000u

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

static int get_signal(struct dec *d, const cJSON *o, const char *pfx, const char *key, int *out)
{
	const cJSON *it = item(o, key);
	char f[FNAME_LEN];
	double v;

	*out = 0;
	if (!it)
		return 0;
	if (cJSON_IsString(it) && it->valuestring && rf_signal_from_name(it->valuestring, out) == 0)
		return 0;
	v = it->valuedouble;
	if (cJSON_IsNumber(it) && isfinite(v) && v == floor(v) && v >= 0 && v < NSIG) {
		*out = (int)v;
		return 0;
	}
	return fail(d, "field '%s' must be a signal name", fname(f, sizeof(f), pfx, key));
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

/* Store x in the uint32_t or uint64_t at off in v. */
static void set_uint(struct invocation *v, size_t off, size_t size, uint64_t x)
{
	uint32_t u32 = (uint32_t)x;

	if (size == sizeof(u32))
		memcpy((char *)v + off, &u32, sizeof(u32));
	else
		memcpy((char *)v + off, &x, sizeof(x));
}

/* Store x in the int or int64_t at off in v. */
static void set_int(struct invocation *v, size_t off, size_t size, int64_t x)
{
	int32_t i32 = (int32_t)x;

	if (size == sizeof(i32))
		memcpy((char *)v + off, &i32, sizeof(i32));
	else
		memcpy((char *)v + off, &x, sizeof(x));
}

/* NAME_ms of the headline phases, or of the others */
static int get_phases(struct dec *d, const cJSON *o, const char *pfx, struct invocation *v,
		      bool headline)
{
	char key[32];
	double ms;

	for (int p = 0; p < INV_PHASES; p++) {
		if (inv_phases[p].headline != headline)
			continue;
		snprintf(key, sizeof(key), "%s_ms", inv_phases[p].name);
		if (get_ms(d, o, pfx, key, &ms))
			return -1;
		inv_set_phase_ms(v, (enum inv_phase)p, ms);
	}
	return 0;
}

static int get_warm(struct dec *d, const cJSON *o, const char *pfx, const char *key,
		    struct invocation *v)
{
	const cJSON *wa = item(o, key), *x;
	char f[FNAME_LEN];

	v->n_warm = 0;
	if (wa && !cJSON_IsArray(wa))
		return fail(d, "field '%s' must be an array", fname(f, sizeof(f), pfx, key));
	cJSON_ArrayForEach(x, wa) {
		if (v->n_warm == TIMELINE_MAX_WARM)
			return fail(d, "field '%s' has more than %d entries",
				    fname(f, sizeof(f), pfx, key), TIMELINE_MAX_WARM);
		if (cJSON_IsNull(x))
			v->warm_handler_ms[v->n_warm++] = -1;
		else if (cJSON_IsNumber(x) && isfinite(x->valuedouble) && x->valuedouble >= 0)
			v->warm_handler_ms[v->n_warm++] = x->valuedouble;
		else
			return fail(d, "field '%s' must hold numbers or null",
				    fname(f, sizeof(f), pfx, key));
	}
	return 0;
}

static int get_marks(struct dec *d, const cJSON *o, const char *pfx, const char *key,
		     struct invocation *v)
{
	const cJSON *kn;
	char sub[FNAME_LEN];
	uint64_t ns;

	if (get_obj(d, o, pfx, key, &kn))
		return -1;
	if (!kn)
		return 0;
	fname(sub, sizeof(sub), pfx, key);
	for (int i = 0; i < INV_MARKS; i++) {
		if (get_u64(d, kn, sub, inv_marks[i].name, UINT64_MAX, &ns))
			return -1;
		inv_set_mark(&v->k, (enum inv_mark)i, ns);
	}
	return 0;
}

static int decode_fields(struct dec *d, const cJSON *o, const char *pfx, const struct rf_field *t,
			 size_t n, struct invocation *v, unsigned in, int pos);

/* One field of the table into v; pos is the record's position, the default index. */
static int decode_field(struct dec *d, const cJSON *o, const char *pfx, const struct rf_field *f,
			struct invocation *v, int pos)
{
	char *p = (char *)v + f->off, sub[FNAME_LEN];
	bool small = f->size == sizeof(uint32_t);
	const cJSON *c;
	uint64_t u;
	int64_t i;

	switch (f->kind) {
	case RF_INDEX:
		return get_index(d, o, pfx, pos, &v->index);
	case RF_OUTCOME:
		return decode_outcome(d, o, pfx, &v->outcome);
	case RF_STR:
		return get_str(d, o, pfx, f->name, p, f->size);
	case RF_PHASES:
		return get_phases(d, o, pfx, v, f->headline);
	case RF_INT:
		if (get_i64(d, o, pfx, f->name, small ? INT_MIN : INT64_MIN,
			    small ? INT_MAX : INT64_MAX, f->null == RF_NULL_MINUS1 ? -1 : 0, &i))
			return -1;
		set_int(v, f->off, f->size, i);
		return 0;
	case RF_UINT:
		if (get_u64(d, o, pfx, f->name, small ? UINT32_MAX : UINT64_MAX, &u))
			return -1;
		set_uint(v, f->off, f->size, u);
		return 0;
	case RF_BOOL:
		return get_bool(d, o, pfx, f->name, (bool *)p);
	case RF_SIGNAL:
		return get_signal(d, o, pfx, f->name, (int *)p);
	case RF_WARM:
		return get_warm(d, o, pfx, f->name, v);
	case RF_OBJ:
		/* a missing object reads as one with every field missing: their defaults */
		if (get_obj(d, o, pfx, f->name, &c))
			return -1;
		fname(sub, sizeof(sub), pfx, f->name);
		return decode_fields(d, c, sub, f->sub, f->n_sub, v, RF_BOTH, pos);
	case RF_MARKS:
		return get_marks(d, o, pfx, f->name, v);
	case RF_BREAKDOWN:
	case RF_DEPLOYED:
		return 0;	/* written only: not read back */
	case RF_API:
		return api_facts_from_json(o, pfx, &v->api, d->err, d->errlen);
	}
	return 0;
}

/* The fields of t that records of kind in hold. */
static int decode_fields(struct dec *d, const cJSON *o, const char *pfx, const struct rf_field *t,
			 size_t n, struct invocation *v, unsigned in, int pos)
{
	for (size_t i = 0; i < n; i++)
		if ((t[i].in & in) && decode_field(d, o, pfx, &t[i], v, pos))
			return -1;
	return 0;
}

/* The run's own fields: what ran, where, how. */
static int decode_head(struct dec *d, const cJSON *root, struct results *r)
{
	unsigned mem;
	char pc[16];

	if (GET_STR(d, root, NULL, "runtime", r->runtime) ||
	    get_u32(d, root, NULL, "memory_mb", &mem) ||
	    GET_STR(d, root, NULL, "arch", r->arch) ||
	    GET_STR(d, root, NULL, "timing_source", r->timing_source) ||
	    GET_STR(d, root, NULL, "api_isolation", r->api_isolation) ||
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
	if (GET_STR(d, root, NULL, "host_cpu", r->host_cpu) ||
	    GET_STR(d, root, NULL, "page_cache", pc))
		return -1;
	r->cold_cache = !strcmp(pc, "cold");
	return 0;
}

/* limits, warm, run_as, binary */
static int decode_conditions(struct dec *d, const cJSON *root, struct results *r)
{
	const cJSON *c;
	double v;

	if (get_obj(d, root, NULL, "limits", &c))
		return -1;
	if (c) {
		if (GET_STR(d, c, "limits", "cgroup", r->cgroup) ||
		    get_ms(d, c, "limits", "vcpus", &v) ||
		    get_u64(d, c, "limits", "cpu_quota_us", UINT64_MAX, &r->cpu_quota_us) ||
		    get_u64(d, c, "limits", "cpu_period_us", UINT64_MAX, &r->cpu_period_us))
			return -1;
		r->vcpus = v > 0 ? v : 0;
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
	if (get_obj(d, root, NULL, "binary", &c))
		return -1;
	if (c && (get_u64(d, c, "binary", "size_kb", UINT64_MAX, &r->binary.size_kb) ||
		  get_u64(d, c, "binary", "size_bytes", UINT64_MAX, &r->binary.size_bytes) ||
		  GET_STR(d, c, "binary", "path", r->binary.path) ||
		  get_bool(d, c, "binary", "stripped", &r->binary.stripped)))
		return -1;
	return 0;
}

/* The records of arr (measurements[] or failures[], as in says) into r->inv from r->n_inv on. */
static int decode_array(struct dec *d, const cJSON *arr, const char *name, unsigned in,
			struct results *r)
{
	char pfx[FNAME_LEN];
	const cJSON *c;
	size_t j = 0;

	for (c = arr ? arr->child : NULL; c; c = c->next, j++) {
		struct invocation *v = &r->inv[r->n_inv];
		size_t k = r->n_inv;

		snprintf(pfx, sizeof(pfx), "%s[%zu]", name, j);
		if (!cJSON_IsObject(c))
			return fail(d, "field '%s' must be an object", pfx);
		v->outcome = INV_OK;	/* a failure's is read from the record */
		if (decode_fields(d, c, pfx, rf_inv_fields, rf_n_inv_fields, v, in,
				  k + 1 > INT_MAX ? INT_MAX : (int)(k + 1)))
			return -1;
		r->n_inv = k + 1;
	}
	return 0;
}

static int decode_records(struct dec *d, const cJSON *root, struct results *r)
{
	const cJSON *meas, *fails;
	size_t n_meas, n_fail;

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
	return decode_array(d, meas, "measurements", RF_MEAS, r) ||
	       decode_array(d, fails, "failures", RF_FAIL, r);
}

static int decode_root(struct dec *d, const cJSON *root, struct results *r)
{
	if (!cJSON_IsObject(root))
		return fail(d, "results must be a JSON object");
	if (decode_head(d, root, r) || decode_conditions(d, root, r) ||
	    check_stats(d, root) || check_invocations(d, root) || decode_records(d, root, r))
		return -1;
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
	for (size_t i = 0; r->inv && i < r->n_inv; i++)
		api_facts_free(&r->inv[i].api);
	free(r->inv);
	r->inv = NULL;
	r->n_inv = 0;
}
