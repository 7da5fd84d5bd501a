/* Unit tests of src/lambda_perf.c: both lambda-perf formats read from the
 * fixtures, write -> read round trips, entries built from results
 * (the report's defaults), matching, bad input and a fuzz loop.
 *
 * The fixtures are lambda-perf's own files, complete, kept in
 * tests/fixtures/lambda-perf/ and read relative to the working directory
 * (the top of the tree, as 'make unit' runs the tests). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "jsonw.h"
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

static void read_fixture(const char *name, struct lp_data *d)
{
	char path[512], err[512];

	snprintf(path, sizeof(path), "%s/%s", fixtures_dir(), name);
	if (lp_read_file(path, d, err, sizeof(err))) {
		print_error("%s: %s (run from the top of the tree)\n", path, err);
		fail();
	}
}

static char *fixture_text(const char *name, size_t *len)
{
	char path[512];
	char *t;

	snprintf(path, sizeof(path), "%s/%s", fixtures_dir(), name);
	t = read_file_all(path, LP_MAX_FILE, len);
	if (!t) {
		print_error("%s: %s\n", path, strerror(errno));
		fail();
	}
	return t;
}

static size_t count_n_i(const struct lp_data *d, size_t n_i)
{
	size_t k, c = 0;

	for (k = 0; k < d->n; k++)
		c += d->rt[k].n_i == n_i;
	return c;
}

/* acd is published as the mean of i (to 0.001 ms): true of every entry. */
static void assert_acd_is_mean(const struct lp_data *d)
{
	size_t k, j;

	for (k = 0; k < d->n; k++) {
		double s = 0;

		assert_true(d->rt[k].n_i > 0);
		for (j = 0; j < d->rt[k].n_i; j++)
			s += d->rt[k].i[j];
		assert_near(d->rt[k].acd, s / (double)d->rt[k].n_i, 0.0005);
	}
}

/* ------------------------------------------------------------------------ */
/* the fixtures                                                               */

static void test_read_current_2024(void **state)
{
	struct lp_data d;
	const struct lp_runtime *rt;

	(void)state;
	read_fixture("2024-12-31.json", &d);
	assert_int_equal(d.format, LP_FORMAT_SHORT);
	assert_string_equal(d.generated_at, "2024-12-31T14:00:11.181Z");
	assert_int_equal(d.n, 480);
	assert_int_equal(count_n_i(&d, 10), 476);
	assert_int_equal(count_n_i(&d, 9), 3);
	assert_int_equal(count_n_i(&d, 8), 1);
	rt = &d.rt[0];
	assert_string_equal(rt->r, "lambda-perf-dotnet8_aot_on_provided_al2023-zip-512-x86_64");
	assert_string_equal(rt->p, "zip");
	assert_true(rt->p_given);
	assert_string_equal(rt->d, "dotnet8 aot (prov.al2023)");
	assert_int_equal(rt->n_i, 10);
	assert_near(rt->i[0], 73.55, 0);
	assert_near(rt->i[9], 82.39, 0);
	assert_int_equal(rt->m, 512);
	assert_string_equal(rt->a, "x86_64");
	assert_near(rt->mu, 21.3, 0);
	assert_near(rt->ad, 2.187, 0);
	assert_near(rt->acd, 82.752, 0);
	rt = &d.rt[407];
	assert_string_equal(rt->r, "lambda-perf-graalvm_java17_on_provided_al2-image-256-x86_64");
	assert_string_equal(rt->p, "image");
	assert_int_equal(rt->n_i, 8);
	assert_acd_is_mean(&d);
	lp_free(&d);
	assert_null(d.rt);
	assert_int_equal(d.n, 0);
}

static void test_read_current_2026(void **state)
{
	struct lp_data d;

	(void)state;
	read_fixture("2026-08-22.json", &d);
	assert_int_equal(d.format, LP_FORMAT_SHORT);
	assert_string_equal(d.generated_at, "2026-08-22T14:00:43.227Z");
	assert_int_equal(d.n, 620);
	assert_int_equal(count_n_i(&d, 10), 617);
	assert_int_equal(count_n_i(&d, 9), 3);
	assert_string_equal(d.rt[0].r, "lambda-perf-cpp11_on_provided_al2023-zip-512-x86_64");
	assert_string_equal(d.rt[0].d, "c++ 11 (prov.al2023)");
	assert_near(d.rt[0].i[4], 69.31, 0);
	assert_near(d.rt[0].acd, 64.454, 0);
	assert_near(d.rt[0].ad, 1.13, 0);
	assert_near(d.rt[0].mu, 22, 0);
	assert_string_equal(d.rt[1].r, "lambda-perf-graalvm_java17_on_provided_al2-zip-512-x86_64");
	assert_near(d.rt[1].acd, 138.503, 0);
	assert_acd_is_mean(&d);
	lp_free(&d);
}

static void test_read_old_format(void **state)
{
	struct lp_data d;
	const struct lp_runtime *rt;
	size_t k;

	(void)state;
	read_fixture("2023-11-20-old-format.json", &d);
	assert_int_equal(d.format, LP_FORMAT_LONG);
	assert_string_equal(d.generated_at, "2023-11-20T14:00:09.391Z");
	assert_int_equal(d.n, 220);
	assert_int_equal(count_n_i(&d, 10), 219);
	assert_int_equal(count_n_i(&d, 9), 1);
	rt = &d.rt[0];
	assert_string_equal(rt->r, "lambda-perf-graalvm_java17_on_provided_al2-1024-x86_64");
	assert_string_equal(rt->d, "graalvm java17 (prov.al2)");
	assert_int_equal(rt->n_i, 10);
	assert_near(rt->i[0], 122.42, 0);
	assert_near(rt->i[3], 137, 0);
	assert_int_equal(rt->m, 1024);
	assert_string_equal(rt->a, "x86_64");
	assert_near(rt->mu, 28.7, 0);
	assert_near(rt->ad, 8.186, 0);
	assert_near(rt->acd, 129.464, 0);
	rt = &d.rt[2];
	assert_string_equal(rt->r, "lambda-perf-rust_on_provided_al2023-1024-arm64");
	assert_string_equal(rt->a, "arm64");
	assert_near(rt->acd, 19.323, 0);
	assert_near(d.rt[134].acd, 128.672, 0);
	assert_int_equal(d.rt[134].n_i, 9);
	/* no package type in the old format: every entry reads as zip */
	for (k = 0; k < d.n; k++) {
		assert_string_equal(d.rt[k].p, "zip");
		assert_false(d.rt[k].p_given);
	}
	assert_acd_is_mean(&d);
	lp_free(&d);
}

/* ------------------------------------------------------------------------ */
/* matching                                                                   */

static void test_match_sorted(void **state)
{
	struct lp_data d;
	size_t *idx, k;
	long n;

	(void)state;
	read_fixture("2024-12-31.json", &d);
	n = lp_match(&d, 128, "x86_64", "zip", &idx);
	assert_int_equal(n, 34);
	assert_string_equal(d.rt[idx[0]].r, "lambda-perf-cpp11_on_provided_al2-zip-128-x86_64");
	assert_near(d.rt[idx[0]].acd, 13.539, 0);
	assert_string_equal(d.rt[idx[1]].r, "lambda-perf-rust_on_provided_al2023-zip-128-x86_64");
	assert_near(d.rt[idx[1]].acd, 16.983, 0);
	assert_string_equal(d.rt[idx[n - 1]].r, "lambda-perf-java21_snapstart-zip-128-x86_64");
	for (k = 0; k < (size_t)n; k++) {
		assert_int_equal(d.rt[idx[k]].m, 128);
		assert_string_equal(d.rt[idx[k]].a, "x86_64");
		assert_string_equal(d.rt[idx[k]].p, "zip");
		if (k)
			assert_true(d.rt[idx[k - 1]].acd <= d.rt[idx[k]].acd);
	}
	free(idx);
	n = lp_match(&d, 128, "x86_64", "image", &idx);
	assert_int_equal(n, 29);
	free(idx);
	n = lp_match(&d, 192, "x86_64", "zip", &idx);
	assert_int_equal(n, 0);
	assert_null(idx);
	n = lp_match(&d, 128, "riscv64", "zip", &idx);
	assert_int_equal(n, 0);
	lp_free(&d);

	/* old format: matched as zip */
	read_fixture("2023-11-20-old-format.json", &d);
	n = lp_match(&d, 128, "x86_64", "zip", &idx);
	assert_int_equal(n, 31);
	assert_string_equal(d.rt[idx[0]].r, "lambda-perf-cpp11_on_provided_al2-128-x86_64");
	assert_near(d.rt[idx[0]].acd, 13.105, 0);
	assert_string_equal(d.rt[idx[1]].r, "lambda-perf-rust_on_provided_al2-128-x86_64");
	free(idx);
	lp_free(&d);
}

static void test_match_ties_keep_order(void **state)
{
	static const char text[] =
		"{\"runtimeData\":["
		"{\"r\":\"b\",\"p\":\"zip\",\"d\":\"B\",\"i\":[2],\"m\":128,\"a\":\"arm64\",\"acd\":2},"
		"{\"r\":\"a\",\"p\":\"zip\",\"d\":\"A\",\"i\":[1],\"m\":128,\"a\":\"arm64\",\"acd\":1},"
		"{\"r\":\"c\",\"p\":\"zip\",\"d\":\"C\",\"i\":[2],\"m\":128,\"a\":\"arm64\",\"acd\":2},"
		"{\"r\":\"x\",\"p\":\"zip\",\"d\":\"X\",\"i\":[0],\"m\":256,\"a\":\"arm64\",\"acd\":0}]}";
	struct lp_data d;
	char err[256];
	size_t *idx;

	(void)state;
	assert_int_equal(lp_from_json(text, strlen(text), &d, err, sizeof(err)), 0);
	assert_string_equal(d.generated_at, "");	/* no metadata: fine */
	assert_true(isnan(d.rt[0].mu));			/* mu, ad optional */
	assert_true(isnan(d.rt[0].ad));
	assert_int_equal(lp_match(&d, 128, "arm64", "zip", &idx), 3);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 0);
	assert_int_equal(idx[2], 2);
	free(idx);
	lp_free(&d);
}

/* ------------------------------------------------------------------------ */
/* writing                                                                    */

static void assert_same_entry(const struct lp_runtime *a, const struct lp_runtime *b)
{
	size_t j;

	assert_string_equal(a->r, b->r);
	assert_string_equal(a->d, b->d);
	assert_string_equal(a->p, b->p);
	assert_string_equal(a->a, b->a);
	assert_int_equal(a->m, b->m);
	assert_int_equal(a->n_i, b->n_i);
	for (j = 0; j < a->n_i; j++)
		assert_near(a->i[j], b->i[j], 0);
	assert_near(a->acd, b->acd, 0);
	if (isnan(a->ad))
		assert_true(isnan(b->ad));
	else
		assert_near(a->ad, b->ad, 0);
	if (isnan(a->mu))
		assert_true(isnan(b->mu));
	else
		assert_near(a->mu, b->mu, 0);
}

static void test_write_read_fixture(void **state)
{
	static const char *const names[] = { "2024-12-31.json", "2026-08-22.json",
					     "2023-11-20-old-format.json" };
	struct lp_data d, back;
	char err[512], *json;
	size_t f, k;

	(void)state;
	for (f = 0; f < 3; f++) {
		read_fixture(names[f], &d);
		json = lp_to_json(&d);
		assert_non_null(json);
		assert_int_equal(json[strlen(json) - 1], '\n');
		assert_int_equal(lp_from_json(json, strlen(json), &back, err, sizeof(err)), 0);
		/* always written in the current format, old files included */
		assert_int_equal(back.format, LP_FORMAT_SHORT);
		assert_string_equal(back.generated_at, d.generated_at);
		assert_int_equal(back.n, d.n);
		for (k = 0; k < d.n; k++) {
			assert_same_entry(&d.rt[k], &back.rt[k]);
			assert_true(back.rt[k].p_given);
		}
		free(json);
		lp_free(&back);
		lp_free(&d);
	}
}

static void test_write_layout(void **state)
{
	double i[] = { 1.0004, 2.25, 3.1234567 };
	struct lp_runtime rt = {
		.r = "ruchy_on_provided_al2023", .d = "ruchy (prov.al2023)", .p = "zip",
		.a = "arm64", .m = 256, .i = i, .n_i = 3, .acd = 2.1246189,
		.ad = 0.0504, .mu = NAN, .p_given = true,
	};
	struct lp_data d = { .generated_at = "2025-01-02T03:04:05.006Z", .rt = &rt, .n = 1 };
	struct lp_data back;
	char *json, err[256];

	(void)state;
	json = lp_to_json(&d);
	assert_non_null(json);
	/* lambda-perf's key order, compact, rounded to 0.001, NAN -> null */
	assert_string_equal(json,
		"{\"metadata\":{\"generatedAt\":\"2025-01-02T03:04:05.006Z\"},\"runtimeData\":["
		"{\"r\":\"ruchy_on_provided_al2023\",\"p\":\"zip\",\"d\":\"ruchy (prov.al2023)\","
		"\"i\":[1,2.25,3.123],\"m\":256,\"a\":\"arm64\",\"mu\":null,\"ad\":0.05,"
		"\"acd\":2.125}]}\n");
	assert_int_equal(lp_from_json(json, strlen(json), &back, err, sizeof(err)), 0);
	assert_int_equal(back.n, 1);
	assert_near(back.rt[0].i[2], 3.123, 0);
	assert_true(isnan(back.rt[0].mu));
	assert_near(back.rt[0].ad, 0.05, 0);
	lp_free(&back);
	free(json);
}

/* The one rule of jsonw.h: a half goes away from zero (0.0625 ms is 0.063, where printf
 * would say 0.062), the figure compare and report print for the same value; a negative
 * (unmeasured) figure is null; a value too large to scale is kept. */
static void test_write_rounding_rule(void **state)
{
	double i[] = { 0.0625, 2.0446, 1e306 };
	struct lp_runtime rt = {
		.r = "r", .d = "d", .p = "zip", .a = "x86_64", .m = 128, .i = i, .n_i = 3,
		.acd = 0.0625, .ad = -1, .mu = 2.0625, .p_given = true,
	};
	struct lp_data d = { .generated_at = "2025-01-02T03:04:05.006Z", .rt = &rt, .n = 1 };
	char *json;

	(void)state;
	json = lp_to_json(&d);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"i\":[0.063,2.045,1e+306],"));
	assert_non_null(strstr(json, "\"mu\":2.063,\"ad\":null,\"acd\":0.063}"));
	assert_true(jw_round3(0.0625) == 0.063);
	free(json);
}

/* ------------------------------------------------------------------------ */
/* from our results: the report's defaults                                    */

static void set_inv(struct invocation *v, int index, enum inv_outcome o, double init,
		    double handler, uint64_t mem)
{
	memset(v, 0, sizeof(*v));
	v->index = index;
	v->outcome = o;
	v->init_ms = init;
	v->handler_ms = handler;
	v->total_ms = init + handler + 0.1;
	v->memory_kb = mem;
}

static void make_results(struct results *r)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->runtime, "ruchy");
	strcpy(r->arch, "x86_64");
	r->memory_mb = 512;
	r->inv = calloc(5, sizeof(*r->inv));
	assert_non_null(r->inv);
	set_inv(&r->inv[0], 1, INV_OK, 1.5, 0.25, 2048);
	set_inv(&r->inv[1], 2, INV_INIT_TIMEOUT, 99, 99, 99999);	/* does not count */
	set_inv(&r->inv[2], 3, INV_OK, 2.5, 0.75, 0);			/* no memory figure */
	set_inv(&r->inv[3], 4, INV_FUNCTION_ERROR, 77, 77, 77777);	/* does not count */
	set_inv(&r->inv[4], 5, INV_OK, 2.0, 0.5, 3072);
	r->n_inv = 5;
	results_compute_stats(r);
}

static void test_default_names(void **state)
{
	char r[64], d[64];

	(void)state;
	lp_default_names("ruchy", r, sizeof(r), d, sizeof(d));
	assert_string_equal(r, "ruchy_on_provided_al2023");
	assert_string_equal(d, "ruchy (prov.al2023)");
	lp_default_names("keepalive", r, sizeof(r), d, sizeof(d));
	assert_string_equal(r, "keepalive_on_provided_al2023");
	assert_string_equal(d, "keepalive (prov.al2023)");
}

static void test_entry_from_results(void **state)
{
	struct results res;
	struct lp_runtime rt;
	char err[256];

	(void)state;
	make_results(&res);
	assert_int_equal(lp_entry_from_results(&res, "ruchy_on_provided_al2023",
					       "ruchy (prov.al2023)", &rt, err, sizeof(err)), 0);
	assert_string_equal(rt.r, "ruchy_on_provided_al2023");
	assert_string_equal(rt.d, "ruchy (prov.al2023)");
	assert_string_equal(rt.p, "zip");
	assert_string_equal(rt.a, "x86_64");
	assert_int_equal(rt.m, 512);
	/* the successful cold starts only, in order */
	assert_int_equal(rt.n_i, 3);
	assert_near(rt.i[0], 1.5, 0);
	assert_near(rt.i[1], 2.5, 0);
	assert_near(rt.i[2], 2.0, 0);
	assert_near(rt.acd, 2.0, 1e-15);
	assert_near(rt.ad, 0.5, 1e-15);
	/* (2048 + 3072) / 2 KiB = 2.5 MiB; the unmeasured one is left out */
	assert_near(rt.mu, 2.5, 1e-15);
	lp_runtime_free(&rt);
	assert_null(rt.i);

	/* no memory figure at all: mu is null, not a made-up number */
	res.inv[0].memory_kb = res.inv[4].memory_kb = 0;
	assert_int_equal(lp_entry_from_results(&res, "r", "d", &rt, err, sizeof(err)), 0);
	assert_true(isnan(rt.mu));
	lp_runtime_free(&rt);

	strcpy(res.arch, "riscv64");
	assert_int_equal(lp_entry_from_results(&res, "r", "d", &rt, err, sizeof(err)), -1);
	assert_string_equal(err, "architecture 'riscv64' is not one of lambda-perf's (x86_64, arm64)");
	strcpy(res.arch, "arm64");
	res.memory_mb = 0;
	assert_int_equal(lp_entry_from_results(&res, "r", "d", &rt, err, sizeof(err)), -1);
	assert_string_equal(err, "the results have no memory_mb");
	res.memory_mb = 128;
	res.inv[0].outcome = res.inv[2].outcome = res.inv[4].outcome = INV_TIMEOUT;
	assert_int_equal(lp_entry_from_results(&res, "r", "d", &rt, err, sizeof(err)), -1);
	assert_string_equal(err, "No measurements found in results file "
			    "(no successful cold start; 5 failed)");
	assert_null(rt.i);
	results_free(&res);
}

static void test_report_reads_back(void **state)
{
	struct results res;
	struct lp_data d = { 0 }, back;
	struct timespec ts = { .tv_sec = 1735653611, .tv_nsec = 181999999 };
	char r[256], dn[256], err[256], *json;
	size_t *idx;

	(void)state;
	make_results(&res);
	lp_default_names(res.runtime, r, sizeof(r), dn, sizeof(dn));
	d.rt = calloc(1, sizeof(*d.rt));
	assert_non_null(d.rt);
	assert_int_equal(lp_entry_from_results(&res, r, dn, &d.rt[0], err, sizeof(err)), 0);
	d.n = 1;
	assert_int_equal(lp_iso8601_utc(&ts, d.generated_at, sizeof(d.generated_at)), 0);
	assert_string_equal(d.generated_at, "2024-12-31T14:00:11.181Z");
	json = lp_to_json(&d);
	assert_non_null(json);
	/* what compare --baseline does with it */
	assert_int_equal(lp_from_json(json, strlen(json), &back, err, sizeof(err)), 0);
	assert_int_equal(lp_match(&back, 512, "x86_64", "zip", &idx), 1);
	assert_string_equal(back.rt[idx[0]].r, "ruchy_on_provided_al2023");
	assert_near(back.rt[idx[0]].acd, 2.0, 0);
	assert_near(back.rt[idx[0]].mu, 2.5, 0);
	free(idx);
	lp_free(&back);
	lp_free(&d);
	free(json);
	results_free(&res);
}

static void test_iso8601(void **state)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 5000000 };
	char buf[32];

	(void)state;
	assert_int_equal(lp_iso8601_utc(&ts, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1970-01-01T00:00:00.005Z");
	ts.tv_sec = 1700482809;
	ts.tv_nsec = 391000000;
	assert_int_equal(lp_iso8601_utc(&ts, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2023-11-20T12:20:09.391Z");
	assert_int_equal(lp_iso8601_utc(&ts, buf, 10), -1);	/* too small */
	ts.tv_nsec = 1000000000;
	assert_int_equal(lp_iso8601_utc(&ts, buf, sizeof(buf)), -1);
}

/* ------------------------------------------------------------------------ */
/* bad input                                                                  */

static void expect_error(const char *text, const char *msg)
{
	struct lp_data d;
	char err[512];

	memset(&d, 0xa5, sizeof(d));
	assert_int_equal(lp_from_json(text, strlen(text), &d, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_null(d.rt);
	assert_int_equal(d.n, 0);
}

#define E(entry) "{\"runtimeData\":[" entry "]}"
#define OK_FIELDS "\"p\":\"zip\",\"d\":\"D\",\"m\":128,\"a\":\"x86_64\",\"acd\":1"

static void test_bad_input(void **state)
{
	struct lp_data d;
	char err[512];

	(void)state;
	expect_error("", "invalid JSON at line 1, column 1");
	expect_error("{\n  \"runtimeData\": [\n    {\"r\": }\n  ]\n}",
		     "invalid JSON at line 3, column 11");
	expect_error("{\"runtimeData\":[]} x", "invalid JSON at line 1, column 20");
	expect_error("[1,2]", "not lambda-perf data: the top level is not a JSON object");
	expect_error("{\"runtime\":\"x\",\"measurements\":[]}",
		     "not lambda-perf data: no \"runtimeData\" array");
	expect_error("{\"runtimeData\":{}}", "not lambda-perf data: \"runtimeData\" is not an array");
	expect_error("{\"metadata\":3,\"runtimeData\":[]}", "metadata must be an object");
	expect_error("{\"metadata\":{\"generatedAt\":1},\"runtimeData\":[]}",
		     "metadata.generatedAt must be a string");
	expect_error(E("7"), "runtimeData[0] must be an object");
	expect_error(E("{\"x\":1}"), "runtimeData[0] is not a lambda-perf entry "
		     "(neither r/i/acd nor runtime/initDurations/averageColdStartDuration)");
	expect_error(E("{\"i\":[1]," OK_FIELDS "}"), "runtimeData[0].r is missing");
	expect_error(E("{\"r\":5,\"i\":[1]," OK_FIELDS "}"), "runtimeData[0].r must be a string");
	expect_error(E("{\"r\":\"x\",\"i\":\"1\"," OK_FIELDS "}"),
		     "runtimeData[0].i must be an array of numbers");
	expect_error(E("{\"r\":\"x\",\"i\":[1,\"2\"]," OK_FIELDS "}"),
		     "runtimeData[0].i[1] must be a non-negative number");
	expect_error(E("{\"r\":\"x\",\"i\":[1,-2]," OK_FIELDS "}"),
		     "runtimeData[0].i[1] must be a non-negative number");
	expect_error(E("{\"r\":\"x\",\"i\":[1],\"p\":\"zip\",\"d\":\"D\",\"m\":0.5,"
		       "\"a\":\"x86_64\",\"acd\":1}"),
		     "runtimeData[0].m must be a memory size in MB (1 to 1048576)");
	expect_error(E("{\"r\":\"x\",\"i\":[1],\"p\":\"zip\",\"d\":\"D\",\"m\":128,"
		       "\"a\":\"x86_64\"}"), "runtimeData[0].acd is missing");
	expect_error(E("{\"r\":\"x\",\"i\":[1],\"d\":\"D\",\"m\":128,\"a\":\"x86_64\",\"acd\":1}"),
		     "runtimeData[0].p is missing");
	expect_error(E("{\"r\":\"x\",\"i\":[1]," OK_FIELDS ",\"mu\":\"big\"}"),
		     "runtimeData[0].mu must be a non-negative number");
	/* the long keys name the field as the file does */
	expect_error(E("{\"runtime\":\"x\",\"displayName\":\"D\",\"initDurations\":[1],"
		       "\"memorySize\":128,\"architecture\":\"x86_64\","
		       "\"averageColdStartDuration\":\"1\"}"),
		     "runtimeData[0].averageColdStartDuration must be a non-negative number");
	/* the second entry is checked too */
	expect_error(E("{\"r\":\"x\",\"i\":[1]," OK_FIELDS "},{\"r\":\"y\"," OK_FIELDS "}"),
		     "runtimeData[1].i is missing");

	/* a NUL byte inside the text */
	assert_int_equal(lp_from_json("{\"runtimeData\"\0:[]}", 19, &d, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid JSON at line 1, column 15");
	/* files */
	assert_int_equal(lp_read_file("/nonexistent/lp.json", &d, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot read /nonexistent/lp.json: No such file or directory");
	assert_int_equal(lp_read_file("/", &d, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot read /: Is a directory");
	/* NULLs */
	assert_int_equal(lp_from_json(NULL, 0, &d, err, sizeof(err)), -1);
	assert_int_equal(lp_from_json("{}", 2, NULL, err, sizeof(err)), -1);
	lp_free(NULL);
	lp_runtime_free(NULL);
	assert_null(lp_to_json(NULL));
}

/* ------------------------------------------------------------------------ */
/* fuzz                                                                       */

static const char *const tokens[] = {
	"null", "[", "]", "{", "}", "\"", ",", ":", "-1", "1e999", "0.5", "\"x\"", "true",
	"4294967296", "\\u0000", "[]", "{}", "\"r\":", "\"i\":[", "\"runtime\":",
};

/* The first n entries of a fixture, re-printed as they came (either format). */
static char *fixture_head(const char *name, int n)
{
	cJSON *root, *arr;
	size_t len;
	char *text, *out;

	text = fixture_text(name, &len);
	root = cJSON_Parse(text);
	free(text);
	assert_non_null(root);
	arr = cJSON_GetObjectItemCaseSensitive(root, "runtimeData");
	assert_non_null(arr);
	while (cJSON_GetArraySize(arr) > n)
		cJSON_DeleteItemFromArray(arr, n);
	out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	assert_non_null(out);
	return out;
}

static void fuzz_one(const char *base, uint64_t seed, unsigned iterations)
{
	size_t base_len = strlen(base), cap = base_len * 2 + 1024, len, k, j;
	char *buf = malloc(cap), err[512];
	unsigned it, m, ok = 0, bad = 0;
	struct lp_data d;

	assert_non_null(buf);
	for (it = 0; it < iterations; it++) {
		unsigned n_mut = 1 + (unsigned)(test_rng_next(&seed) % 4);

		memcpy(buf, base, base_len);
		len = base_len;
		for (m = 0; m < n_mut; m++)
			json_mutate(buf, &len, cap, &seed, tokens, sizeof(tokens) / sizeof(tokens[0]));
		err[0] = '\0';
		/* not NUL-terminated on purpose: the reader takes a length */
		if (lp_from_json(buf, len, &d, err, sizeof(err)) == 0) {
			for (k = 0; k < d.n; k++) {
				assert_true(isfinite(d.rt[k].acd) && d.rt[k].acd >= 0);
				assert_true(d.rt[k].m >= 1);
				assert_true(d.rt[k].n_i == 0 || d.rt[k].i);
				for (j = 0; j < d.rt[k].n_i; j++)
					assert_true(isfinite(d.rt[k].i[j]));
			}
			ok++;
		} else {
			assert_true(err[0] != '\0');
			assert_null(strchr(err, '\n'));
			assert_null(d.rt);
			bad++;
		}
		lp_free(&d);
	}
	assert_true(ok > iterations / 20);
	assert_true(bad > iterations / 20);
	free(buf);
}

static void test_fuzz_reader(void **state)
{
	char *cur = fixture_head("2024-12-31.json", 4);
	char *old = fixture_head("2023-11-20-old-format.json", 4);

	(void)state;
	fuzz_one(cur, 0x243f6a8885a308d3ull, 4000);
	fuzz_one(old, 0x13198a2e03707344ull, 4000);
	cJSON_free(cur);
	cJSON_free(old);
}

/* Found by fuzzing: values too large to round (x1000 overflows) were written as null,
 * which the reader then refused: lambda-perf files we write must read back. */
static void test_regress_huge_values(void **state)
{
	static const char *const files[] = { "fuzz/corpus/lambda_perf/regress-huge-i.json",
					     "fuzz/corpus/lambda_perf/regress-huge-acd.json" };
	char err[256];
	size_t k;

	(void)state;
	for (k = 0; k < 2; k++) {
		struct lp_data d = { 0 }, back = { 0 };
		char *txt;

		assert_int_equal(lp_read_file(files[k], &d, err, sizeof(err)), 0);
		txt = lp_to_json(&d);
		assert_non_null(txt);
		assert_int_equal(lp_from_json(txt, strlen(txt), &back, err, sizeof(err)), 0);
		assert_int_equal(back.n, d.n);
		assert_true(back.rt[0].acd == d.rt[0].acd);
		assert_true(back.rt[0].i[0] == d.rt[0].i[0]);
		free(txt);
		lp_free(&d);
		lp_free(&back);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regress_huge_values),
		cmocka_unit_test(test_read_current_2024),
		cmocka_unit_test(test_read_current_2026),
		cmocka_unit_test(test_read_old_format),
		cmocka_unit_test(test_match_sorted),
		cmocka_unit_test(test_match_ties_keep_order),
		cmocka_unit_test(test_write_read_fixture),
		cmocka_unit_test(test_write_layout),
		cmocka_unit_test(test_write_rounding_rule),
		cmocka_unit_test(test_default_names),
		cmocka_unit_test(test_entry_from_results),
		cmocka_unit_test(test_report_reads_back),
		cmocka_unit_test(test_iso8601),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_fuzz_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
