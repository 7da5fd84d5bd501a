/* Questions asked of a benchmark's results (results_query.h). */
#include "results_query.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* the limit of results_read_file(): more than any results file of ours */
#define RESULTS_QUERY_MAX_FILE	(64u << 20)

const char *results_metric_name(enum results_metric m)
{
	switch (m) {
	case METRIC_INIT_MS: return "init_ms";
	case METRIC_HANDLER_MS: return "handler_ms";
	case METRIC_TOTAL_MS: return "total_ms";
	case METRIC_MEMORY_KB: return "memory_kb";
	default: return NULL;
	}
}

static bool sample_of(const struct invocation *v, enum results_metric m, double *out)
{
	double x;

	switch (m) {
	case METRIC_INIT_MS: x = v->init_ms; break;
	case METRIC_HANDLER_MS: x = v->handler_ms; break;
	case METRIC_TOTAL_MS: x = v->total_ms; break;
	case METRIC_MEMORY_KB:
		if (!v->memory_kb)
			return false;
		*out = (double)v->memory_kb;
		return true;
	default: return false;
	}
	if (!isfinite(x) || x < 0)
		return false;
	*out = x;
	return true;
}

long results_samples(const struct results *r, enum results_metric m, double **out)
{
	size_t k, n = 0;
	double x, *v;

	*out = NULL;
	if (!r)
		return 0;
	for (k = 0; k < r->n_inv; k++)
		if (r->inv[k].outcome == INV_OK && sample_of(&r->inv[k], m, &x))
			n++;
	if (!n)
		return 0;
	v = calloc(n, sizeof(*v));
	if (!v)
		return -1;
	n = 0;
	for (k = 0; k < r->n_inv; k++)
		if (r->inv[k].outcome == INV_OK && sample_of(&r->inv[k], m, &x))
			v[n++] = x;
	*out = v;
	return (long)n;
}

int results_recorded_from_json(const char *text, struct results_recorded *rec)
{
	const cJSON *stats, *avg;
	cJSON *root;

	rec->avg_ms = NAN;
	root = text ? cJSON_Parse(text) : NULL;
	if (!root)
		return -1;
	stats = cJSON_GetObjectItemCaseSensitive(root, "stats");
	avg = cJSON_IsObject(stats) ? cJSON_GetObjectItemCaseSensitive(stats, "avg_ms") : NULL;
	if (cJSON_IsNumber(avg) && isfinite(avg->valuedouble))
		rec->avg_ms = avg->valuedouble;
	cJSON_Delete(root);
	return 0;
}

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

int results_read_file_recorded(const char *path, struct results *r, struct results_recorded *rec,
			       char *err, size_t errlen)
{
	const char *nul;
	size_t len = 0;
	char *buf;
	int ret;

	if (rec)
		rec->avg_ms = NAN;
	if (r)
		memset(r, 0, sizeof(*r));
	if (!path)
		return fail(err, errlen, "no results file given");
	buf = read_file_all(path, RESULTS_QUERY_MAX_FILE, &len);
	if (!buf)
		return fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
	/* a NUL byte would silently end the text early: JSON never has one */
	nul = memchr(buf, '\0', len);
	if (nul) {
		size_t line, col;

		text_line_col(buf, (size_t)(nul - buf), &line, &col);
		free(buf);
		return fail(err, errlen, "invalid JSON at line %zu, column %zu", line, col);
	}
	ret = results_from_json(buf, r, err, errlen);
	if (!ret && rec && results_recorded_from_json(buf, rec)) {
		results_free(r);
		ret = fail(err, errlen, "out of memory");
	}
	free(buf);
	return ret;
}

int results_recorded_check(const struct results *r, const struct results_recorded *rec,
			   char *err, size_t errlen)
{
	double mean;

	if (!rec || !isfinite(rec->avg_ms))
		return 0;
	if (!r || !r->total.n)
		return fail(err, errlen, "stats.avg_ms is %.3f ms, but no successful cold start has "
			    "a total_ms in measurements[]", rec->avg_ms);
	mean = r->total.avg;
	/* each total was rounded to 0.001 ms, and the file's mean of the unrounded ones too:
	 * 0.0005 + 0.0005 apart at most, and a little more for the sums' own rounding */
	if (fabs(rec->avg_ms - mean) > 0.001 + 1e-9 * fabs(mean))
		return fail(err, errlen, "stats.avg_ms is %.3f ms, but the mean of "
			    "measurements[].total_ms is %.3f ms: the stats do not match the "
			    "measurements", rec->avg_ms, mean);
	return 0;
}
