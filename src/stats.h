/* Descriptive statistics. Pure. */
#ifndef STATS_H
#define STATS_H
#include <stddef.h>

struct stats {
	size_t n;
	double avg, p50, p99, min, max, stddev;
};

/* Percentile p in [0,100] of sorted[0..n-1], linear interpolation between
 * closest ranks (numpy's default "linear" method). n must be > 0. */
double stats_percentile_sorted(const double *sorted, size_t n, double p);

/* Compute all fields over v[0..n-1] (v is not modified). stddev is the
 * sample standard deviation (n-1); 0 when n < 2. Returns -1 if n == 0. */
int stats_compute(const double *v, size_t n, struct stats *out);
#endif
