/*
 * SVG charts of benchmark results. Pure: text in memory, no I/O.
 *
 * Charts (each one complete <svg> element with its xmlns, usable inline in
 * HTML or nested in another SVG):
 *   distribution  strip plot of total_ms, one dot per successful cold start
 *                 (one row per input, deterministic vertical spread), with
 *                 the p50 and p99 of the row as labelled lines
 *   waterfall     median phase waterfall per input: exec, connect (inside
 *                 init), init, wait, handler, and the median total as a mark.
 *                 Each bar is the median of that phase taken on its own (over
 *                 the successful cold starts that have it), so the bars need
 *                 not add up to the median total; the chart says so. Bars
 *                 start where the phase starts: exec and init at 0, connect at
 *                 the median of connect_start - exec_enter (kernel marks),
 *                 wait at the median init, handler at median init + median wait.
 *   bars          per input, bars of the mean init, handler and total, with the
 *                 p50 and p99 of each as marks (in the manner of lambda-perf's
 *                 site, which shows means)
 * Every string taken from the results is XML-escaped. Figures are ms as in the
 * results; a phase that was not measured (-1) is left out and said so.
 */
#ifndef SVG_H
#define SVG_H
#include <stdbool.h>
#include <stddef.h>

#include "results.h"
#include "strbuf.h"

/* One input of a report: a results file and the results read from it. */
struct report_input {
	const char *path;		/* named as the figures' source */
	const struct results *res;
};

/* "runtime, 128 MB, x86_64" of an input (not escaped), into buf. */
void report_input_label(const struct report_input *in, char *buf, size_t len);

/* Append one chart as an <svg> element placed at (0, y) (y matters only when
 * nested in another SVG). Return the chart's height in px, or -1 when there
 * is nothing to draw (no input) — nothing is appended then. */
int svg_chart_distribution(struct strbuf *b, const struct report_input *in, size_t n, int y);
int svg_chart_waterfall(struct strbuf *b, const struct report_input *in, size_t n, int y);
int svg_chart_bars(struct strbuf *b, const struct report_input *in, size_t n, int y);

#define SVG_CHART_WIDTH 960

/* A standalone SVG document (XML declaration, one root <svg>) with a title,
 * the distribution and the median waterfall. NULL when n == 0 or on
 * allocation failure. Caller frees. */
char *svg_report(const struct report_input *in, size_t n);

/* The median of the values of one phase (offset of the double in struct
 * invocation, e.g. offsetof(struct invocation, init_ms)) over the successful
 * cold starts that have it (>= 0). Returns the count (0: *median NAN). */
size_t svg_phase_median(const struct results *r, size_t off, double *median);
#endif
