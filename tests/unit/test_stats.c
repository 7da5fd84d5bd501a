/* Unit tests of src/stats.c against reference values worked out by hand
 * (the numpy calls that give the same values are named in the comments). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "stats.h"
#include "test_helpers.h"

#define EPS 1e-12

/* v = 1..10
 * mean = 55 / 10 = 5.5
 * p50: h = 9 * 0.50 = 4.5  -> s[4] + 0.5  * (s[5] - s[4]) = 5 + 0.5  = 5.5
 * p99: h = 9 * 0.99 = 8.91 -> s[8] + 0.91 * (s[9] - s[8]) = 9 + 0.91 = 9.91
 * stddev: squared deviations 2 * (0.25 + 2.25 + 6.25 + 12.25 + 20.25) = 82.5,
 *         82.5 / 9 = 9.1666..., sqrt = 3.0276503540974917 (np.std(v, ddof=1)) */
static void test_one_to_ten(void **state)
{
	const double v[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct stats s;

	(void)state;
	assert_int_equal(stats_compute(v, 10, &s), 0);
	assert_int_equal(s.n, 10);
	assert_near(s.avg, 5.5, EPS);
	assert_near(s.p50, 5.5, EPS);
	assert_near(s.p99, 9.91, EPS);
	assert_near(s.stddev, 3.0276503540974917, EPS);
	assert_near(s.min, 1, 0);
	assert_near(s.max, 10, 0);
}

/* Other ranks of 1..10: p25: h = 2.25 -> 3 + 0.25 = 3.25; p90: h = 8.1 -> 9.1;
 * p0 -> s[0] = 1, p100 -> s[9] = 10; outside [0,100] clamps to those. */
static void test_percentile_ranks(void **state)
{
	const double s[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

	(void)state;
	assert_near(stats_percentile_sorted(s, 10, 0), 1, 0);
	assert_near(stats_percentile_sorted(s, 10, 100), 10, 0);
	assert_near(stats_percentile_sorted(s, 10, 25), 3.25, EPS);
	assert_near(stats_percentile_sorted(s, 10, 90), 9.1, EPS);
	assert_near(stats_percentile_sorted(s, 10, -5), 1, 0);
	assert_near(stats_percentile_sorted(s, 10, 250), 10, 0);
	assert_near(stats_percentile_sorted(s, 10, NAN), 1, 0);
	assert_true(isnan(stats_percentile_sorted(s, 0, 50)));
	assert_true(isnan(stats_percentile_sorted(NULL, 3, 50)));
}

/* n = 1: every statistic is the value itself, stddev 0 (n < 2). */
static void test_single(void **state)
{
	const double v[] = { 42.125 };
	struct stats s;

	(void)state;
	assert_int_equal(stats_compute(v, 1, &s), 0);
	assert_int_equal(s.n, 1);
	assert_near(s.avg, 42.125, 0);
	assert_near(s.p50, 42.125, 0);
	assert_near(s.p99, 42.125, 0);
	assert_near(s.min, 42.125, 0);
	assert_near(s.max, 42.125, 0);
	assert_near(s.stddev, 0, 0);
	assert_near(stats_percentile_sorted(v, 1, 0), 42.125, 0);
	assert_near(stats_percentile_sorted(v, 1, 100), 42.125, 0);
}

/* v = {3, 1}: sorted {1, 3}; mean 2; p50: h = 0.5 -> 1 + 0.5 * 2 = 2;
 * p99: h = 0.99 -> 1 + 0.99 * 2 = 2.98; stddev: (1 + 1) / 1 = 2 -> sqrt(2). */
static void test_two(void **state)
{
	const double v[] = { 3, 1 };
	struct stats s;

	(void)state;
	assert_int_equal(stats_compute(v, 2, &s), 0);
	assert_int_equal(s.n, 2);
	assert_near(s.avg, 2, EPS);
	assert_near(s.p50, 2, EPS);
	assert_near(s.p99, 2.98, EPS);
	assert_near(s.stddev, 1.4142135623730951, EPS);
	assert_near(s.min, 1, 0);
	assert_near(s.max, 3, 0);
}

/* v = {5, 3, 9, 1, 7}: sorted {1, 3, 5, 7, 9}; mean 5; p50: h = 2 -> 5;
 * p99: h = 3.96 -> 7 + 0.96 * 2 = 8.92; stddev: (16 + 4 + 0 + 4 + 16) / 4
 * = 10 -> sqrt(10) = 3.1622776601683795. The input keeps its order. */
static void test_unsorted_not_modified(void **state)
{
	double v[] = { 5, 3, 9, 1, 7 };
	const double orig[] = { 5, 3, 9, 1, 7 };
	struct stats s;

	(void)state;
	assert_int_equal(stats_compute(v, 5, &s), 0);
	assert_memory_equal(v, orig, sizeof(v));
	assert_near(s.avg, 5, EPS);
	assert_near(s.p50, 5, EPS);
	assert_near(s.p99, 8.92, EPS);
	assert_near(s.stddev, 3.1622776601683795, EPS);
	assert_near(s.min, 1, 0);
	assert_near(s.max, 9, 0);
}

/* {2, 2, 2, 2}: everything 2, stddev 0.
 * {1, 5, 1, 1}: sorted {1, 1, 1, 5}; mean 2; p50: h = 1.5 -> 1 + 0.5 * 0 = 1;
 * p99: h = 2.97 -> 1 + 0.97 * 4 = 4.88; stddev: (1 + 1 + 1 + 9) / 3 = 4 -> 2. */
static void test_duplicates(void **state)
{
	const double same[] = { 2, 2, 2, 2 };
	const double v[] = { 1, 5, 1, 1 };
	struct stats s;

	(void)state;
	assert_int_equal(stats_compute(same, 4, &s), 0);
	assert_near(s.avg, 2, 0);
	assert_near(s.p50, 2, 0);
	assert_near(s.p99, 2, 0);
	assert_near(s.stddev, 0, 0);

	assert_int_equal(stats_compute(v, 4, &s), 0);
	assert_near(s.avg, 2, EPS);
	assert_near(s.p50, 1, EPS);
	assert_near(s.p99, 4.88, EPS);
	assert_near(s.stddev, 2, EPS);
	assert_near(s.min, 1, 0);
	assert_near(s.max, 5, 0);
}

/* 1..1000 in a scrambled order ((i * 7919) mod 1000 + 1 is a permutation as
 * gcd(7919, 1000) = 1). mean = 1001 / 2 = 500.5; p50: h = 499.5 -> 500.5;
 * p99: h = 989.01 -> s[989] + 0.01 = 990.01;
 * stddev of 1..N with n-1: sqrt(N (N + 1) / 12) = sqrt(83416.666...)
 * = 288.8194360957494. */
static void test_large(void **state)
{
	double v[1000];
	struct stats s;
	size_t i;

	(void)state;
	for (i = 0; i < 1000; i++)
		v[i] = (double)((i * 7919) % 1000 + 1);
	assert_int_equal(stats_compute(v, 1000, &s), 0);
	assert_int_equal(s.n, 1000);
	assert_near(s.avg, 500.5, 1e-9);
	assert_near(s.p50, 500.5, 1e-9);
	assert_near(s.p99, 990.01, 1e-9);
	assert_near(s.stddev, 288.8194360957494, 1e-9);
	assert_near(s.min, 1, 0);
	assert_near(s.max, 1000, 0);
	/* the scrambled order is kept */
	assert_near(v[1], 920, 0);
}

/* Values far from zero: {1e9+1, 1e9+2, 1e9+3} have mean 1e9+2 and stddev
 * exactly 1 ((1 + 0 + 1) / 2); summing squares of 1e18 would lose it. */
static void test_offset_precision(void **state)
{
	const double v[] = { 1e9 + 1, 1e9 + 2, 1e9 + 3 };
	struct stats s;

	(void)state;
	assert_int_equal(stats_compute(v, 3, &s), 0);
	assert_near(s.avg, 1e9 + 2, 0);
	assert_near(s.stddev, 1, 1e-9);
	assert_near(s.p50, 1e9 + 2, 0);
}

static void test_empty(void **state)
{
	const double v[] = { 1 };
	struct stats s;

	(void)state;
	memset(&s, 0xff, sizeof(s));
	assert_int_equal(stats_compute(v, 0, &s), -1);
	assert_int_equal(s.n, 0);
	assert_int_equal(stats_compute(NULL, 3, &s), -1);
	assert_int_equal(stats_compute(v, 1, NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_to_ten),
		cmocka_unit_test(test_percentile_ranks),
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_two),
		cmocka_unit_test(test_unsorted_not_modified),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_offset_precision),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
