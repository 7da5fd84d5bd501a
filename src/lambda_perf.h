/*
 * lambda-perf's data format (https://github.com/maxday/lambda-perf): read,
 * write, build an entry from our results, match entries. Pure.
 *
 * Current format (from 2023-11-21 on), short keys:
 *   {"metadata":{"generatedAt":"2024-12-31T14:00:11.181Z"},
 *    "runtimeData":[{"r":..,"p":..,"d":..,"i":[..],"m":..,"a":..,"mu":..,"ad":..,"acd":..}]}
 *   i   init durations of the cold starts (ms; Lambda's Init Duration)
 *   acd mean of i (ms)             ad  mean invoke duration (ms)
 *   mu  mean max memory used (MB)  m   memory size (MB)
 *   a   x86_64 | arm64             p   zip | image
 *   r   function name              d   display name
 *
 * Older format (files before 2023-11-21), long keys: runtime, displayName,
 * initDurations, memorySize, architecture, averageMemoryUsed,
 * averageDuration, averageColdStartDuration. It has no package type: every
 * function was deployed as a zip then, so such entries read as p = "zip"
 * (struct lp_runtime.p_given tells them apart).
 *
 * The reader checks every field it uses (type, range); any other key is
 * ignored. Errors are one line ("runtimeData[3].i[2] must be a number").
 */
#ifndef LAMBDA_PERF_H
#define LAMBDA_PERF_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "results.h"

#define LP_MAX_FILE	(64u << 20)	/* 64 MiB: the real files are ~100 KiB */

enum lp_format {
	LP_FORMAT_SHORT = 0,	/* r, p, d, i, m, a, mu, ad, acd */
	LP_FORMAT_LONG,		/* runtime, displayName, initDurations, ... */
};

struct lp_runtime {
	char r[256];		/* function name */
	char d[256];		/* display name */
	char p[16];		/* package type: zip | image */
	char a[16];		/* architecture: x86_64 | arm64 */
	unsigned m;		/* memory size, MB */
	double *i;		/* init durations, ms (malloc'd) */
	size_t n_i;
	double acd;		/* mean of i, ms (as published) */
	double ad;		/* mean invoke duration, ms; NAN when null */
	double mu;		/* mean max memory used, MB; NAN when null */
	bool p_given;		/* false: old format, p defaulted to "zip" */
};

struct lp_data {
	char generated_at[64];	/* metadata.generatedAt, "" when absent */
	enum lp_format format;	/* of the first entry */
	struct lp_runtime *rt;
	size_t n;
};

/* Decode text[0..len-1] (need not be NUL-terminated). On error: -1, a
 * one-line message in err (invalid JSON with line/column, wrong types,
 * "not lambda-perf data") and d zeroed. */
int lp_from_json(const char *text, size_t len, struct lp_data *d, char *err, size_t errlen);
int lp_read_file(const char *path, struct lp_data *d, char *err, size_t errlen);

/* Encode in the current (short-key) format, keys in lambda-perf's order;
 * malloc'd text ending with a newline, NULL on allocation failure. Numbers
 * follow jsonw.h's rules: ms fields to the microsecond, mu to 0.001 MB; a
 * NAN (or negative) figure is null. */
char *lp_to_json(const struct lp_data *d);

void lp_runtime_free(struct lp_runtime *rt);	/* frees rt->i; accepts NULL */
void lp_free(struct lp_data *d);		/* frees everything; accepts NULL */

/* The report's defaults, as in the user's guide: r = "<runtime>_on_provided_al2023",
 * d = "<runtime> (prov.al2023)". */
void lp_default_names(const char *runtime, char *r, size_t rlen, char *dname, size_t dlen);

/* One entry from a benchmark's results. Only successful cold starts count:
 * i = their init_ms (in invocation order), acd = mean of i, ad = mean
 * handler_ms, mu = mean peak RSS (memory_kb) / 1024, in MiB as Lambda's "Max
 * Memory Used" (NAN when no cold start has a memory figure), m = memory_mb,
 * a = arch, p = "zip". r_name/d_name must be given (see lp_default_names).
 * Returns 0, or -1 with a one-line message (no successful cold start,
 * unknown architecture, no memory size, ...). */
int lp_entry_from_results(const struct results *res, const char *r_name, const char *d_name,
			  struct lp_runtime *out, char *err, size_t errlen);

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC) into buf (at least 25 bytes). -1 on error. */
int lp_iso8601_utc(const struct timespec *ts, char *buf, size_t len);

/* Indices of the entries with memory size m, architecture a and package
 * type p, sorted by acd (ascending; ties keep file order). Returns the count
 * and a malloc'd array in *idx (NULL when the count is 0), or -1 on
 * allocation failure. */
long lp_match(const struct lp_data *d, unsigned m, const char *a, const char *p, size_t **idx);
#endif
