/*
 * --breakdown over a run: the median waterfall of several breakdowns
 * (breakdown.h), as the results' median_breakdown and the text at the end of
 * a run show it.
 *
 * Per phase, the median of each figure over the breakdowns given, each taken
 * on its own (an even count takes the mean of the middle two, rounded half
 * up); measured: measured in more than half of them; start_ns: the sum of the
 * median durations of the phases before it (relative, from 0); the tree:
 * medians likewise. Top syscalls: summed over all, count and ns divided by n
 * (the mean per cold start, rounded half up), then ranked. peak_rss_kb and
 * peak_rss_at_ns (from the window's start): medians over the breakdowns that
 * have a sample; peak_rss_phase: the most frequent phase among them (the
 * earlier one on a tie). The tracer's cost: the median over the breakdowns
 * where it was measured. window_start_ns = 0, window_end_ns = the sum of the
 * median durations.
 */
#ifndef BREAKDOWN_MEDIAN_H
#define BREAKDOWN_MEDIAN_H
#include <stddef.h>
#include "breakdown.h"

/* Returns 0; -1 with errno EINVAL (bd or out NULL, n == 0, a NULL bd[i]) or
 * ENOMEM (out is then empty, as breakdown_clear leaves it). */
int breakdown_median(const struct breakdown *const *bd, size_t n, struct breakdown *out);
#endif
