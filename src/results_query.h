/*
 * Questions asked of a benchmark's results beyond decoding them (results.h): the values of one
 * figure over the successful cold starts, and what a results file recorded of itself.
 *
 * A results file's stats block is checked but not trusted by results_from_json: every figure
 * is recomputed from the measurements, which the file holds rounded to the microsecond. So a
 * recomputed mean can differ from the file's stats.avg_ms (the mean of the unrounded totals,
 * then rounded) by up to 0.001 ms. A command that quotes the file's own stats.avg_ms takes it
 * from results_recorded, after results_recorded_check() has found it to be the measurements'
 * mean to within that rounding.
 */
#ifndef RESULTS_QUERY_H
#define RESULTS_QUERY_H
#include <stdbool.h>
#include <stddef.h>

#include "results.h"

/* The per-cold-start figures a query can ask for. */
enum results_metric {
	METRIC_INIT_MS = 0,	/* init_ms */
	METRIC_HANDLER_MS,	/* handler_ms */
	METRIC_TOTAL_MS,	/* total_ms */
	METRIC_MEMORY_KB,	/* memory_kb (peak RSS) */
	METRIC_COUNT,
};

const char *results_metric_name(enum results_metric m);	/* "init_ms", ...; NULL if none */

/* Values of one metric over the successful cold starts that have it (a negative ms or a
 * memory_kb of 0 means "not measured" and is skipped). Returns the count and a malloc'd
 * array in *out (NULL when 0), -1 on allocation failure. */
long results_samples(const struct results *r, enum results_metric m, double **out);

/* What the file's stats block says, as written. */
struct results_recorded {
	double avg_ms;		/* stats.avg_ms; NAN when the file has none (no stats, or null) */
};

/* The stats block of results JSON text; all NAN when it is not there or not a number.
 * Returns 0, or -1 when text is not JSON. */
int results_recorded_from_json(const char *text, struct results_recorded *rec);

/* results_read_file(), reading the file once, that also gives what the file recorded of
 * itself in *rec (may be NULL). Same messages and limits. */
int results_read_file_recorded(const char *path, struct results *r, struct results_recorded *rec,
			       char *err, size_t errlen);

/* Whether the recorded stats.avg_ms is the mean of the measurements' total_ms (r->total.avg)
 * to within the file's rounding (0.001 ms). A file without one passes (nothing to check).
 * Returns 0, or -1 with the reason in err ("stats.avg_ms is 5.000 ms, but ..."). */
int results_recorded_check(const struct results *r, const struct results_recorded *rec,
			   char *err, size_t errlen);
#endif
