/*
 * One self-contained HTML page from benchmark results. Pure: text in memory.
 *
 * The page is well-formed XHTML served as HTML (<!DOCTYPE html>, every
 * element closed, void elements self-closed), with inline CSS and the inline
 * SVG charts of svg.h; no JavaScript, no external resource. Sections (ids):
 *   caveats        local host, no platform overhead, indicative
 *   chart          per input: mean init, handler, total with p50/p99 marks
 *   distribution   strip plot of total_ms with p50/p99
 *   waterfall      median phase waterfall
 *   runs           table#runs-table: runtime, memory, arch, n ok/failed,
 *                  timing_source, limits, page cache, host, results file
 *   phases         table#phase-table: n, avg, p50, p99, min, max, stddev of
 *                  init, handler and total per input
 *   memory         table#memory-table: peak RSS (mean, p50, max), binary
 *                  size (bytes, KB), stripped, path
 *   baselines      table#baseline-table: the built-in lambda-perf baselines
 *                  (compare.h) with their labels, and per input our mean init
 *                  over their acd
 *   failures       table#failure-table (only when a cold start failed)
 * Every string from the results is HTML-escaped; every table and chart names
 * its source. A figure that was not measured reads "not measured".
 */
#ifndef HTML_REPORT_H
#define HTML_REPORT_H
#include <stddef.h>

#include "svg.h"

/* The page (malloc'd, caller frees), or NULL when n == 0 or on allocation
 * failure. generated_at (e.g. "2025-01-01T00:00:00.000Z") may be NULL. */
char *html_report(const struct report_input *in, size_t n, const char *generated_at);
#endif
