/* Unit tests of src/results_query.c: the samples of one metric, what a results file recorded
 * of itself (its stats.avg_ms, read as written, once the file is read), and the check of that
 * figure against the measurements. Files are written to a fresh folder under /tmp. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "jsonw.h"
#include "results.h"
#include "results_query.h"
#include "util.h"
#include "test_helpers.h"

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

static void test_results_samples(void **state)
{
	struct results r;
	double *v;
	long n;

	(void)state;
	make_results(&r, 4, 1.0, 0.5);
	n = results_samples(&r, METRIC_INIT_MS, &v);
	assert_int_equal(n, 4);	/* the failed one is left out */
	assert_near(v[0], 1.0, 0);
	assert_near(v[3], 2.5, 0);
	free(v);
	n = results_samples(&r, METRIC_TOTAL_MS, &v);
	assert_int_equal(n, 4);
	assert_near(v[0], 1.2, 1e-12);
	free(v);
	n = results_samples(&r, METRIC_MEMORY_KB, &v);
	assert_int_equal(n, 3);	/* memory_kb 0 = not measured */
	assert_near(v[0], 1000, 0);
	assert_near(v[1], 1020, 0);
	free(v);
	r.inv[0].handler_ms = -1;	/* not available */
	n = results_samples(&r, METRIC_HANDLER_MS, &v);
	assert_int_equal(n, 3);
	free(v);
	assert_string_equal(results_metric_name(METRIC_INIT_MS), "init_ms");
	assert_string_equal(results_metric_name(METRIC_HANDLER_MS), "handler_ms");
	assert_string_equal(results_metric_name(METRIC_TOTAL_MS), "total_ms");
	assert_string_equal(results_metric_name(METRIC_MEMORY_KB), "memory_kb");
	assert_null(results_metric_name(METRIC_COUNT));
	assert_int_equal(results_samples(NULL, METRIC_INIT_MS, &v), 0);
	assert_null(v);
	results_free(&r);
}

static void test_recorded_from_json(void **state)
{
	struct results_recorded rec;

	(void)state;
	assert_int_equal(results_recorded_from_json("{\"stats\":{\"avg_ms\":2.044}}", &rec), 0);
	assert_true(rec.avg_ms == 2.044);
	assert_int_equal(results_recorded_from_json("{\"measurements\":[]}", &rec), 0);
	assert_true(isnan(rec.avg_ms));
	assert_int_equal(results_recorded_from_json("{\"stats\":{\"avg_ms\":null}}", &rec), 0);
	assert_true(isnan(rec.avg_ms));
	assert_int_equal(results_recorded_from_json("{\"stats\":[1]}", &rec), 0);
	assert_true(isnan(rec.avg_ms));
	assert_int_equal(results_recorded_from_json("{\"stats\":", &rec), -1);
	assert_true(isnan(rec.avg_ms));
	assert_int_equal(results_recorded_from_json(NULL, &rec), -1);
}

static char tmpdir[64];

static int setup_tmp(void **state)
{
	(void)state;
	return test_tmpdir_make(tmpdir, sizeof(tmpdir), "test_results_query");
}

static int teardown_tmp(void **state)
{
	(void)state;
	return test_tmpdir_remove(tmpdir);
}

/*
 * The figures of the report that found the two rules: five totals whose mean is 2.0443 ms,
 * written by the benchmark as stats.avg_ms 2.044, each total rounded to the microsecond on
 * its own (2.044, 2.045, 2.045, 2.045, 2.044), whose mean, recomputed on reading, is 2.0446.
 * The file's own figure is what a command quoting stats.avg_ms must print.
 */
static void test_file_records_its_own_mean(void **state)
{
	static const double totals[] = { 2.0436, 2.0448, 2.0446, 2.0449, 2.0436 };
	struct results src, back;
	struct results_recorded rec;
	char path[128], err[512], *json;
	size_t k;

	(void)state;
	make_results(&src, 5, 1.0, 0);
	for (k = 0; k < 5; k++)
		src.inv[k].total_ms = totals[k];
	results_compute_stats(&src);
	assert_near(src.total.avg, 2.0443, 1e-12);
	json = results_to_json(&src);
	assert_non_null(json);
	snprintf(path, sizeof(path), "%s/r.json", tmpdir);
	assert_int_equal(write_file_atomic(path, json, strlen(json)), 0);
	assert_non_null(strstr(json, "\"avg_ms\":\t2.044,"));

	assert_int_equal(results_read_file_recorded(path, &back, &rec, err, sizeof(err)), 0);
	assert_true(rec.avg_ms == 2.044);		/* the file's */
	assert_near(back.total.avg, 2.0446, 1e-12);	/* recomputed from rounded totals */
	assert_true(jw_round3(back.total.avg) == 2.045);	/* which rounds elsewhere */
	assert_int_equal(back.n_ok, 5);
	assert_int_equal(results_recorded_check(&back, &rec, err, sizeof(err)), 0);
	results_free(&back);

	/* without rec it is results_read_file() */
	assert_int_equal(results_read_file_recorded(path, &back, NULL, err, sizeof(err)), 0);
	assert_int_equal(back.n_ok, 5);
	results_free(&back);
	results_free(&src);
	free(json);
}

static void test_recorded_check(void **state)
{
	struct results r;
	struct results_recorded rec;
	char err[512];

	(void)state;
	make_results(&r, 4, 1.0, 0.5);	/* totals 1.2, 1.7, 2.2, 2.7: mean 1.95 */
	assert_near(r.total.avg, 1.95, 1e-12);
	rec.avg_ms = 1.95;
	assert_int_equal(results_recorded_check(&r, &rec, err, sizeof(err)), 0);
	rec.avg_ms = 1.951;		/* the most rounding can move it */
	assert_int_equal(results_recorded_check(&r, &rec, err, sizeof(err)), 0);
	rec.avg_ms = 1.949;
	assert_int_equal(results_recorded_check(&r, &rec, err, sizeof(err)), 0);
	rec.avg_ms = 1.952;		/* more: not the mean of these measurements */
	assert_int_equal(results_recorded_check(&r, &rec, err, sizeof(err)), -1);
	assert_string_equal(err, "stats.avg_ms is 1.952 ms, but the mean of measurements[].total_ms "
			    "is 1.950 ms: the stats do not match the measurements");
	rec.avg_ms = 0.001;		/* an edited file would pass any target */
	assert_int_equal(results_recorded_check(&r, &rec, err, sizeof(err)), -1);
	rec.avg_ms = NAN;		/* nothing recorded: nothing to check */
	assert_int_equal(results_recorded_check(&r, &rec, err, sizeof(err)), 0);
	assert_int_equal(results_recorded_check(&r, NULL, err, sizeof(err)), 0);
	/* a mean recorded where no total was measured */
	r.inv[0].total_ms = r.inv[1].total_ms = r.inv[2].total_ms = r.inv[3].total_ms = -1;
	results_compute_stats(&r);
	rec.avg_ms = 1.95;
	assert_int_equal(results_recorded_check(&r, &rec, err, sizeof(err)), -1);
	assert_string_equal(err, "stats.avg_ms is 1.950 ms, but no successful cold start has a "
			    "total_ms in measurements[]");
	results_free(&r);
}

static void test_read_errors(void **state)
{
	struct results r;
	struct results_recorded rec;
	char path[128], err[512];
	FILE *f;

	(void)state;
	assert_int_equal(results_read_file_recorded("/nonexistent/r.json", &r, &rec, err,
						    sizeof(err)), -1);
	assert_string_equal(err, "cannot read /nonexistent/r.json: No such file or directory");
	assert_true(isnan(rec.avg_ms));
	assert_int_equal(results_read_file_recorded(NULL, &r, &rec, err, sizeof(err)), -1);
	assert_string_equal(err, "no results file given");
	/* a NUL inside the text is not JSON, whatever comes before it */
	snprintf(path, sizeof(path), "%s/nul.json", tmpdir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite("{\"measurements\":[{}]}\n\0", 1, 23, f);
	fclose(f);
	assert_int_equal(results_read_file_recorded(path, &r, &rec, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid JSON at line 2, column 1");
	assert_null(r.inv);
	/* the decoder's messages come through */
	snprintf(path, sizeof(path), "%s/type.json", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"memory_mb\":\"128\",\"measurements\":[{}]}", f);
	fclose(f);
	assert_int_equal(results_read_file_recorded(path, &r, &rec, err, sizeof(err)), -1);
	assert_string_equal(err, "field 'memory_mb' must be a non-negative integer");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_results_samples),
		cmocka_unit_test(test_recorded_from_json),
		cmocka_unit_test(test_file_records_its_own_mean),
		cmocka_unit_test(test_recorded_check),
		cmocka_unit_test(test_read_errors),
	};

	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
