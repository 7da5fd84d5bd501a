/* Unit tests of src/compare.c: summaries, incomplete beta, Student t,
 * Welch's test, ratio error, A/B metrics, the regression gate, the
 * built-in baselines (against lambda-perf's 2024-12-31 file), the figure
 * the target is on, and reading results for the commands (error messages,
 * fuzzed results JSON). */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "compare.h"
#include "lambda_perf.h"
#include "results.h"
#include "util.h"
#include "test_helpers.h"

/* lambda-perf's own files, kept in the tree (tests/fixtures/lambda-perf/README.md);
 * the unit tests run from the top of the tree, as make unit runs them */
static const char *fixtures_dir(void)
{
	return "tests/fixtures/lambda-perf";
}

static void fixture_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", fixtures_dir(), name);
}

/* ------------------------------------------------------------------------ */
/* summaries                                                                  */

static void test_summary(void **state)
{
	static const double v[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	struct sample_summary s;

	(void)state;
	summary_of(v, 8, &s);
	assert_int_equal(s.n, 8);
	assert_near(s.mean, 5.0, 1e-15);
	/* sum of squares 32, n-1 = 7 */
	assert_near(s.sd, sqrt(32.0 / 7.0), 1e-15);
	summary_of(v, 1, &s);
	assert_int_equal(s.n, 1);
	assert_near(s.mean, 2.0, 0);
	assert_near(s.sd, 0.0, 0);
	summary_of(NULL, 0, &s);
	assert_int_equal(s.n, 0);
	assert_true(isnan(s.mean));
	assert_true(isnan(s.sd));
}

/* ------------------------------------------------------------------------ */
/* incomplete beta and Student t                                              */

static double binom(int n, int k)
{
	double r = 1;
	int i;

	for (i = 1; i <= k; i++)
		r = r * (n - k + i) / i;
	return r;
}

/* I_x(a,b) for integer a, b: P(Binomial(a+b-1, x) >= a) */
static double ibeta_int(int a, int b, double x)
{
	int n = a + b - 1, j;
	double s = 0;

	for (j = a; j <= n; j++)
		s += binom(n, j) * pow(x, j) * pow(1 - x, n - j);
	return s;
}

static void test_reg_inc_beta(void **state)
{
	static const int ab[][2] = { { 1, 1 }, { 2, 3 }, { 5, 2 }, { 7, 7 }, { 1, 9 }, { 12, 4 } };
	static const double xs[] = { 0.001, 0.1, 0.3, 0.5, 0.62, 0.9, 0.999 };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(ab) / sizeof(ab[0]); i++)
		for (j = 0; j < sizeof(xs) / sizeof(xs[0]); j++)
			assert_near(reg_inc_beta(ab[i][0], ab[i][1], xs[j]),
				    ibeta_int(ab[i][0], ab[i][1], xs[j]), 1e-12);
	/* symmetry of I_0.5(a, a) and half-integer a */
	assert_near(reg_inc_beta(3.5, 3.5, 0.5), 0.5, 1e-13);
	/* I_x(1/2, 1/2) = (2/pi) asin(sqrt(x)) */
	assert_near(reg_inc_beta(0.5, 0.5, 0.25), 2 / M_PI * asin(0.5), 1e-12);
	assert_near(reg_inc_beta(2, 3, 0), 0, 0);
	assert_near(reg_inc_beta(2, 3, 1), 1, 0);
	assert_true(isnan(reg_inc_beta(0, 3, 0.5)));
	assert_true(isnan(reg_inc_beta(2, -1, 0.5)));
	assert_true(isnan(reg_inc_beta(2, 3, 1.5)));
	assert_true(isnan(reg_inc_beta(2, 3, NAN)));
}

/* Two-sided p by Simpson's rule on the t density: an independent reference. */
static double t_density(double x, double v)
{
	double c = exp(lgamma((v + 1) / 2) - lgamma(v / 2)) / sqrt(v * M_PI);

	return c * pow(1 + x * x / v, -(v + 1) / 2);
}

static double p2_simpson(double t, double v)
{
	const int n = 20000;
	double h = fabs(t) / n, s;
	int k;

	s = t_density(0, v) + t_density(fabs(t), v);
	for (k = 1; k < n; k++)
		s += (k % 2 ? 4 : 2) * t_density(k * h, v);
	return 1 - 2 * s * h / 3;
}

static void test_student_t_closed_forms(void **state)
{
	static const double ts[] = { 0.1, 0.5, 1, 2, 3.7, 12 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		double t = ts[i];

		/* df = 1: Cauchy */
		assert_near(student_t_p2(t, 1), 1 - 2 / M_PI * atan(t), 1e-12);
		/* df = 2 */
		assert_near(student_t_p2(-t, 2), 1 - t / sqrt(2 + t * t), 1e-12);
	}
	assert_near(student_t_p2(0, 5), 1, 0);
	assert_near(student_t_p2(INFINITY, 5), 0, 0);
	assert_near(student_t_p2(-INFINITY, 5), 0, 0);
	assert_true(isnan(student_t_p2(1, 0)));
	assert_true(isnan(student_t_p2(1, -3)));
	assert_true(isnan(student_t_p2(NAN, 3)));
	/* the normal limit */
	assert_near(student_t_p2(1.959963984540054, INFINITY), 0.05, 1e-12);
	assert_near(student_t_p2(1.959963984540054, 1e9), 0.05, 1e-7);
}

static void test_student_t_table(void **state)
{
	(void)state;
	/* printed tables: t = 2.228 is the two-sided 5% point for df = 10 */
	assert_near(student_t_p2(2.0, 10), 0.0734, 5e-5);
	assert_near(student_t_p2(2.228, 10), 0.05, 2e-5);
	assert_near(student_t_p2(2.228139, 10), 0.05, 1e-7);
	assert_near(student_t_p2(2.306004, 8), 0.05, 1e-7);
	assert_near(student_t_p2(2.570582, 5), 0.05, 1e-7);
	assert_near(student_t_p2(3.169273, 10), 0.01, 1e-7);
	/* values derived by Simpson integration of the density (see p2_simpson) */
	assert_near(student_t_p2(2.0, 10), 0.07338803477074551, 1e-10);
	assert_near(student_t_p2(2.0, 8), 0.08051623795728802, 1e-10);
	assert_near(student_t_p2(1.7, 7.3), 0.13116536835309967, 1e-10);
	assert_near(student_t_p2(3.5, 4.2), 0.02299374245549579, 1e-10);
}

static void test_student_t_vs_integration(void **state)
{
	static const double ts[] = { 0.3, 1.1, 2.5, 4.0 };
	static const double dfs[] = { 1.5, 3, 5.09, 17.25, 60 };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++)
		for (j = 0; j < sizeof(dfs) / sizeof(dfs[0]); j++)
			assert_near(student_t_p2(ts[i], dfs[j]), p2_simpson(ts[i], dfs[j]), 1e-9);
}

/* ------------------------------------------------------------------------ */
/* Welch's t-test and the ratio                                               */

static void summarize(const double *v, size_t n, struct sample_summary *s)
{
	summary_of(v, n, s);
}

static void test_welch_equal_variances(void **state)
{
	static const double a[] = { 1, 2, 3, 4, 5 }, b[] = { 3, 4, 5, 6, 7 };
	struct sample_summary sa, sb;
	struct welch w;

	(void)state;
	summarize(a, 5, &sa);
	summarize(b, 5, &sb);
	assert_int_equal(welch_test(&sa, &sb, &w), 0);
	assert_true(w.valid);
	/* var 2.5 each: se = sqrt(0.5 + 0.5) = 1, t = 2, df = 2(n-1) = 8 */
	assert_near(w.t, 2.0, 1e-12);
	assert_near(w.df, 8.0, 1e-12);
	assert_near(w.p, 0.08051623795728802, 1e-10);
	/* B vs A the other way round: t changes sign, p does not */
	assert_int_equal(welch_test(&sb, &sa, &w), 0);
	assert_near(w.t, -2.0, 1e-12);
	assert_near(w.p, 0.08051623795728802, 1e-10);
}

static void test_welch_unequal(void **state)
{
	static const double a[] = { 10, 12, 11, 13, 9, 11 }, b[] = { 14, 18, 11, 20, 16 };
	struct sample_summary sa, sb;
	struct welch w;

	(void)state;
	summarize(a, 6, &sa);
	summarize(b, 5, &sb);
	/* by hand: A mean 11, var 2; B mean 15.8, var 12.2; va = 1/3, vb = 2.44 */
	assert_near(sa.mean, 11.0, 1e-12);
	assert_near(sa.sd * sa.sd, 2.0, 1e-12);
	assert_near(sb.mean, 15.8, 1e-12);
	assert_near(sb.sd * sb.sd, 12.2, 1e-12);
	assert_int_equal(welch_test(&sa, &sb, &w), 0);
	/* t = 4.8 / sqrt(1/3 + 2.44) */
	assert_near(w.t, 4.8 / sqrt(1.0 / 3 + 2.44), 1e-12);
	assert_near(w.t, 2.882306768491569, 1e-12);
	/* (va+vb)^2 / (va^2/5 + vb^2/4) */
	assert_near(w.df, pow(1.0 / 3 + 2.44, 2) / (1.0 / 9 / 5 + 2.44 * 2.44 / 4), 1e-12);
	assert_near(w.df, 5.091529612521699, 1e-12);
	assert_near(w.p, 0.03377346997682196, 1e-9);
}

static void test_welch_degenerate(void **state)
{
	struct sample_summary one = { 1, 5, 0 }, a = { 4, 5, 0 }, b = { 4, 6, 0 }, c = { 4, 5, 1 };
	struct welch w;

	(void)state;
	/* fewer than 2 samples: no test */
	assert_int_equal(welch_test(&one, &a, &w), -1);
	assert_false(w.valid);
	assert_true(isnan(w.p));
	assert_int_equal(welch_test(&a, &one, &w), -1);
	assert_false(w.valid);
	/* no variance at all: equal means p = 1, different means p = 0 */
	assert_int_equal(welch_test(&a, &a, &w), 0);
	assert_true(w.valid);
	assert_near(w.p, 1, 0);
	assert_int_equal(welch_test(&a, &b, &w), 0);
	assert_near(w.p, 0, 0);
	assert_true(isinf(w.t) && w.t > 0);
	assert_true(isnan(w.df));
	/* variance on one side only: df = n-1 of that side */
	assert_int_equal(welch_test(&a, &c, &w), 0);
	assert_near(w.t, 0, 0);
	assert_near(w.df, 3, 1e-12);
	assert_near(w.p, 1, 1e-12);
}

static void test_ratio_error(void **state)
{
	struct sample_summary a = { 4, 10, 2 }, b = { 9, 20, 6 }, z = { 4, 0, 1 }, e = { 0, NAN, NAN };
	double r, s;

	(void)state;
	/* se: 2/2 = 1 (rel 0.1) and 6/3 = 2 (rel 0.1): sigma = 2 sqrt(0.02) */
	assert_int_equal(ratio_with_error(&a, &b, &r, &s), 0);
	assert_near(r, 2.0, 1e-15);
	assert_near(s, 2.0 * sqrt(0.02), 1e-15);
	assert_near(s, 0.28284271247461906, 1e-15);
	assert_int_equal(ratio_with_error(&b, &a, &r, &s), 0);
	assert_near(r, 0.5, 1e-15);
	assert_near(s, 0.5 * sqrt(0.02), 1e-15);
	assert_int_equal(ratio_with_error(&z, &a, &r, &s), -1);
	assert_true(isnan(r) && isnan(s));
	assert_int_equal(ratio_with_error(&a, &e, &r, &s), -1);
}

/* ------------------------------------------------------------------------ */
/* A/B over results                                                           */

static void set_inv(struct invocation *v, int index, enum inv_outcome o, double init,
		    double handler, uint64_t mem)
{
	memset(v, 0, sizeof(*v));
	v->index = index;
	v->outcome = o;
	v->init_ms = init;
	v->wait_ms = 0.1;
	v->handler_ms = handler;
	v->total_ms = init < 0 || handler < 0 ? -1 : init + 0.1 + handler;
	v->exec_ms = v->connect_ms = -1;
	v->memory_kb = mem;
}

/* n successful cold starts: init = base + k*step, handler = base/10, memory
 * 1000 + 10k KiB (0 for k == 1: not measured), plus one failed one. */
static void make_results(struct results *r, size_t n, double base, double step)
{
	size_t k;

	memset(r, 0, sizeof(*r));
	strcpy(r->runtime, "test");
	strcpy(r->arch, "x86_64");
	r->memory_mb = 128;
	r->inv = calloc(n + 1, sizeof(*r->inv));
	assert_non_null(r->inv);
	for (k = 0; k < n; k++)
		set_inv(&r->inv[k], (int)k + 1, INV_OK, base + (double)k * step, base / 10,
			k == 1 ? 0 : 1000 + 10 * k);
	set_inv(&r->inv[n], (int)n + 1, INV_TIMEOUT, 1000, 1000, 99999);
	r->n_inv = n + 1;
	results_compute_stats(r);
}

static void test_ab_compare_and_gate(void **state)
{
	struct results a, b;
	struct ab_metric m;
	double mean_a, mean_b;

	(void)state;
	/* A: init 1.0..1.9 (10), B: init 1.2..2.1: +0.2 ms on init and total */
	make_results(&a, 10, 1.0, 0.1);
	make_results(&b, 10, 1.2, 0.1);
	assert_int_equal(ab_compare(&a, &b, METRIC_TOTAL_MS, &m), 0);
	mean_a = 1.0 + 0.45 + 0.1 + 0.1;	/* init mean + wait + handler (base/10) */
	mean_b = 1.2 + 0.45 + 0.1 + 0.12;
	assert_int_equal(m.a.n, 10);
	assert_int_equal(m.b.n, 10);
	assert_near(m.a.mean, mean_a, 1e-12);
	assert_near(m.b.mean, mean_b, 1e-12);
	assert_true(m.has_ratio);
	assert_near(m.ratio, mean_b / mean_a, 1e-12);
	assert_near(m.change_pct, (mean_b / mean_a - 1) * 100, 1e-9);
	/* same spread both sides: sd of 0..0.9 step 0.1 */
	assert_near(m.a.sd, sqrt(0.0916666666666667), 1e-9);
	assert_near(m.ratio_err, m.ratio * sqrt(pow(m.a.sd / sqrt(10) / mean_a, 2) +
						pow(m.b.sd / sqrt(10) / mean_b, 2)), 1e-12);
	assert_true(m.w.valid);
	/* t = 0.22 / sqrt(2 * var/10), df = 18 */
	assert_near(m.w.t, 0.22 / sqrt(2 * 0.0916666666666667 / 10), 1e-9);
	assert_near(m.w.df, 18, 1e-9);
	assert_near(m.w.p, student_t_p2(m.w.t, 18), 1e-12);
	assert_false(m.significant);	/* t ~ 1.62 */
	assert_false(ab_regressed(&m, 5));

	/* a bigger shift (+2 ms on ~1.65) is significant and beyond 5% */
	results_free(&b);
	make_results(&b, 10, 3.0, 0.1);
	assert_int_equal(ab_compare(&a, &b, METRIC_TOTAL_MS, &m), 0);
	assert_true(m.significant);
	assert_true(m.w.p < 1e-10);
	assert_true(ab_regressed(&m, 5));
	assert_false(ab_regressed(&m, m.change_pct + 1));	/* within the allowance */
	/* B faster: never a regression */
	assert_int_equal(ab_compare(&b, &a, METRIC_TOTAL_MS, &m), 0);
	assert_true(m.significant);
	assert_false(ab_regressed(&m, 0));

	/* memory: 9 samples a side (one unmeasured), identical -> p = 1 */
	assert_int_equal(ab_compare(&a, &a, METRIC_MEMORY_KB, &m), 0);
	assert_int_equal(m.a.n, 9);
	assert_near(m.ratio, 1, 1e-15);
	assert_near(m.w.p, 1, 1e-12);
	assert_false(m.significant);
	results_free(&a);
	results_free(&b);

	/* one sample a side: a ratio but no test, and no gate */
	make_results(&a, 1, 1.0, 0);
	make_results(&b, 1, 9.0, 0);
	assert_int_equal(ab_compare(&a, &b, METRIC_INIT_MS, &m), 0);
	assert_true(m.has_ratio);
	assert_near(m.ratio, 9, 1e-15);
	assert_false(m.w.valid);
	assert_false(m.significant);
	assert_false(ab_regressed(&m, 5));
	results_free(&a);
	results_free(&b);
}

/* The target is on the file's own stats.avg_ms: with the measurements as the file holds
 * them (to the microsecond), their mean is 2.0446 ms where the benchmark recorded 2.044. */
static void test_target_check(void **state)
{
	static const double totals[] = { 2.044, 2.045, 2.045, 2.045, 2.044 };
	struct results_recorded rec = { .avg_ms = 2.044 };
	struct target_check t;
	struct results r;
	char err[512];
	size_t k;

	(void)state;
	make_results(&r, 5, 1.0, 0);
	for (k = 0; k < 5; k++)
		r.inv[k].total_ms = totals[k];
	results_compute_stats(&r);
	assert_near(r.total.avg, 2.0446, 1e-12);
	assert_int_equal(target_check(&r, &rec, 8, &t, err, sizeof(err)), 0);
	assert_string_equal(t.metric, "stats.avg_ms");
	assert_true(t.avg_ms == 2.044);		/* the file's figure, not 2.0446 */
	assert_true(t.met);
	/* the gate is on that figure too: met below 2.0441, which 2.0446 is not */
	assert_int_equal(target_check(&r, &rec, 2.0441, &t, err, sizeof(err)), 0);
	assert_true(t.met);
	assert_int_equal(target_check(&r, &rec, 2.044, &t, err, sizeof(err)), 0);
	assert_false(t.met);			/* below, not equal */
	/* a file without stats: the measurements' mean, under its own name */
	rec.avg_ms = NAN;
	assert_int_equal(target_check(&r, &rec, 8, &t, err, sizeof(err)), 0);
	assert_string_equal(t.metric, "mean of measurements[].total_ms");
	assert_near(t.avg_ms, 2.0446, 1e-12);
	assert_true(t.met);
	assert_int_equal(target_check(&r, NULL, 2.0441, &t, err, sizeof(err)), 0);
	assert_false(t.met);
	/* stats that are not the measurements' mean are refused, not gated on */
	rec.avg_ms = 1.5;
	assert_int_equal(target_check(&r, &rec, 8, &t, err, sizeof(err)), -1);
	assert_false(t.met);
	assert_non_null(strstr(err, "stats.avg_ms is 1.500 ms"));
	/* no total measured: not met */
	for (k = 0; k < 5; k++)
		r.inv[k].total_ms = -1;
	results_compute_stats(&r);
	rec.avg_ms = NAN;
	assert_int_equal(target_check(&r, &rec, 8, &t, err, sizeof(err)), 0);
	assert_true(isnan(t.avg_ms));
	assert_false(t.met);
	results_free(&r);
}

static void test_speed_factor(void **state)
{
	double f;
	bool lower;

	(void)state;
	assert_int_equal(speed_factor(1.0, 13.539, &f, &lower), 0);
	assert_true(lower);
	assert_near(f, 13.539, 1e-12);
	assert_int_equal(speed_factor(20, 16.983, &f, &lower), 0);
	assert_false(lower);
	assert_near(f, 20 / 16.983, 1e-12);
	assert_int_equal(speed_factor(0, 1, &f, &lower), -1);
	assert_int_equal(speed_factor(1, NAN, &f, &lower), -1);
}

/* ------------------------------------------------------------------------ */
/* built-in baselines                                                         */

static void test_builtin_baselines_in_fixture(void **state)
{
	/* the user's guide's table, rounded to 0.01 ms */
	static const double guide[] = { 13.54, 16.98, 45.77, 86.33 };
	struct lp_data d;
	char path[512], err[256];
	size_t k, j;

	(void)state;
	assert_int_equal(n_builtin_baselines, 4);
	fixture_path(path, sizeof(path), "2024-12-31.json");
	assert_int_equal(lp_read_file(path, &d, err, sizeof(err)), 0);
	assert_string_equal(d.generated_at, BUILTIN_BASELINE_DATE);
	assert_memory_equal(d.generated_at, BUILTIN_BASELINE_SOURCE + strlen("lambda-perf "), 10);
	for (k = 0; k < n_builtin_baselines; k++) {
		const struct builtin_baseline *b = &builtin_baselines[k];
		const struct lp_runtime *rt = NULL;

		for (j = 0; j < d.n; j++)
			if (!strcmp(d.rt[j].r, b->function))
				rt = &d.rt[j];
		if (!rt) {
			print_error("%s not in %s\n", b->function, path);
			fail();
		}
		assert_string_equal(rt->d, b->display);
		assert_string_equal(rt->p, b->package);
		assert_int_equal(rt->m, BUILTIN_BASELINE_MEMORY_MB);
		assert_string_equal(rt->a, BUILTIN_BASELINE_ARCH);
		assert_true(rt->acd == b->acd);
		assert_int_equal(rt->n_i, b->n);
		assert_near(round(b->acd * 100) / 100, guide[k], 1e-9);
	}
	/* the first two are the fastest zip entries of that configuration */
	{
		size_t *idx;
		long n = lp_match(&d, 128, "x86_64", "zip", &idx);

		assert_true(n >= 2);
		assert_string_equal(d.rt[idx[0]].r, builtin_baselines[0].function);
		assert_string_equal(d.rt[idx[1]].r, builtin_baselines[1].function);
		free(idx);
	}
	lp_free(&d);
}

/* ------------------------------------------------------------------------ */
/* reading results for the commands                                           */

static char tmpdir[64];

static int setup_tmp(void **state)
{
	(void)state;
	return test_tmpdir_make(tmpdir, sizeof(tmpdir), "test_compare");
}

static int teardown_tmp(void **state)
{
	(void)state;
	return test_tmpdir_remove(tmpdir);
}

static void write_tmp(const char *name, const char *text, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", tmpdir, name);
	assert_int_equal(write_file_atomic(path, text, strlen(text)), 0);
}

static void test_read_results_errors(void **state)
{
	struct results r;
	char path[256], err[1024], want[512];

	(void)state;
	assert_int_equal(compare_read_results("/nonexistent/r.json", &r, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot read /nonexistent/r.json: No such file or directory");

	write_tmp("bad.json", "{\n  \"runtime\": \"x\",\n  \"measurements\": [1,]\n}\n", path,
		  sizeof(path));
	assert_int_equal(compare_read_results(path, &r, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: invalid JSON at line 3, column 22", path);
	assert_string_equal(err, want);

	write_tmp("empty.json", "{\"runtime\":\"x\",\"measurements\":[]}", path, sizeof(path));
	assert_int_equal(compare_read_results(path, &r, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: No measurements found in results file", path);
	assert_string_equal(err, want);

	write_tmp("type.json", "{\"runtime\":\"x\",\"memory_mb\":\"128\",\"measurements\":[{}]}",
		  path, sizeof(path));
	assert_int_equal(compare_read_results(path, &r, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: field 'memory_mb' must be a non-negative integer", path);
	assert_string_equal(err, want);

	write_tmp("failed.json", "{\"runtime\":\"x\",\"measurements\":[],\"failures\":["
		  "{\"outcome\":\"timeout\",\"reason\":\"r\"},{\"outcome\":\"exited\",\"reason\":\"r\"}]}",
		  path, sizeof(path));
	assert_int_equal(compare_read_results(path, &r, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "%s: No measurements found in results file (all 2 cold starts failed)", path);
	assert_string_equal(err, want);
	assert_null(r.inv);

	write_tmp("ok.json", "{\"runtime\":\"x\",\"memory_mb\":128,\"arch\":\"x86_64\","
		  "\"measurements\":[{\"init_ms\":1.5,\"handler_ms\":0.5,\"total_ms\":2.1,"
		  "\"memory_kb\":2048}]}", path, sizeof(path));
	assert_int_equal(compare_read_results(path, &r, err, sizeof(err)), 0);
	assert_int_equal(r.n_ok, 1);
	assert_near(r.init.avg, 1.5, 0);
	results_free(&r);
}

/* ------------------------------------------------------------------------ */
/* fuzz: results_from_json must not crash on mutated input                    */

static const char *const tokens[] = {
	"null", "[", "]", "{", "}", "\"", ",", ":", "-1", "1e999", "0.5", "\"x\"", "true",
	"4294967296", "-9223372036854775809", "\\u0000", "[]", "{}",
};

static void test_fuzz_results_json(void **state)
{
	struct results r, src;
	char *base, *buf, err[512];
	size_t base_len, cap, len;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned it, ok = 0, bad = 0, m;

	(void)state;
	make_results(&src, 3, 1.0, 0.25);
	strcpy(src.inv[3].reason, "no response within 3 s");
	base = results_to_json(&src);
	assert_non_null(base);
	results_free(&src);
	base_len = strlen(base);
	cap = base_len * 2 + 1024;
	buf = malloc(cap + 1);
	assert_non_null(buf);
	for (it = 0; it < 4000; it++) {
		unsigned n_mut = 1 + (unsigned)(test_rng_next(&seed) % 4);

		memcpy(buf, base, base_len);
		len = base_len;
		for (m = 0; m < n_mut; m++)
			json_mutate(buf, &len, cap, &seed, tokens, sizeof(tokens) / sizeof(tokens[0]));
		buf[len] = '\0';
		err[0] = '\0';
		if (results_from_json(buf, &r, err, sizeof(err)) == 0) {
			assert_true(r.n_inv > 0);
			assert_non_null(r.inv);
			assert_int_equal(r.n_ok + r.n_failed, r.n_inv);
			ok++;
		} else {
			assert_true(err[0] != '\0');
			assert_null(strchr(err, '\n'));
			assert_null(r.inv);
			bad++;
		}
		results_free(&r);
	}
	/* both outcomes happen: the mutations are neither all fatal nor all benign */
	assert_true(ok > 100);
	assert_true(bad > 100);
	free(buf);
	free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_reg_inc_beta),
		cmocka_unit_test(test_student_t_closed_forms),
		cmocka_unit_test(test_student_t_table),
		cmocka_unit_test(test_student_t_vs_integration),
		cmocka_unit_test(test_welch_equal_variances),
		cmocka_unit_test(test_welch_unequal),
		cmocka_unit_test(test_welch_degenerate),
		cmocka_unit_test(test_ratio_error),
		cmocka_unit_test(test_ab_compare_and_gate),
		cmocka_unit_test(test_target_check),
		cmocka_unit_test(test_speed_factor),
		cmocka_unit_test(test_builtin_baselines_in_fixture),
		cmocka_unit_test(test_read_results_errors),
		cmocka_unit_test(test_fuzz_results_json),
	};

	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
