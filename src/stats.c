#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Definitions (the same as numpy's defaults):
 *   mean:       sum / n
 *   percentile: sort, rank h = (n - 1) * p / 100, then interpolate linearly
 *               between s[floor(h)] and s[floor(h) + 1] (np.percentile's
 *               "linear" method)
 *   stddev:     sample standard deviation, sqrt(sum((x - mean)^2) / (n - 1)),
 *               0 when n < 2 (np.std(v, ddof=1) for n >= 2)
 */

double stats_percentile_sorted(const double *sorted, size_t n, double p)
{
	double h, lo_w;
	size_t lo;

	if (!sorted || n == 0)
		return NAN;
	if (!(p > 0))		/* also catches NaN */
		p = 0;
	if (p > 100)
		p = 100;
	h = (double)(n - 1) * p / 100.0;
	lo = (size_t)floor(h);
	if (lo >= n - 1)
		return sorted[n - 1];
	lo_w = h - (double)lo;
	if (lo_w == 0)
		return sorted[lo];
	return sorted[lo] + lo_w * (sorted[lo + 1] - sorted[lo]);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int stats_compute(const double *v, size_t n, struct stats *out)
{
	double *s, sum = 0, ss = 0, mean;
	size_t i;

	if (!out)
		return -1;
	memset(out, 0, sizeof(*out));
	if (!v || n == 0)
		return -1;
	s = malloc(n * sizeof(*s));
	if (!s)
		return -1;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);

	for (i = 0; i < n; i++)
		sum += s[i];
	mean = sum / (double)n;
	/* two passes: numerically stable for values far from zero */
	for (i = 0; i < n; i++)
		ss += (s[i] - mean) * (s[i] - mean);

	out->n = n;
	out->avg = mean;
	out->min = s[0];
	out->max = s[n - 1];
	out->p50 = stats_percentile_sorted(s, n, 50);
	out->p99 = stats_percentile_sorted(s, n, 99);
	out->stddev = n < 2 ? 0 : sqrt(ss / (double)(n - 1));
	free(s);
	return 0;
}
