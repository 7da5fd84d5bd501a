/* Unit tests of src/jsonw.c: the rounding rules of each unit, exact integers, null for what is
 * unavailable, arrays and objects, the one out-of-memory flag (cJSON's allocator made to fail)
 * and the document's text. */
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

/* The compact text of root (deleted), which must be complete. */
static char *compact(struct jw *w, cJSON *root)
{
	char *t = jw_text(w, root, false);

	assert_non_null(t);
	return t;
}

static void expect_doc(struct jw *w, cJSON *root, const char *want)
{
	char *t = compact(w, root);

	assert_false(w->oom);
	assert_string_equal(t, want);
	free(t);
}

static void test_round3(void **state)
{
	(void)state;
	/* the figure: a mean of 2.0446 ms is 2.045 ms, never 2.0446 */
	assert_true(jw_round3(2.0446) == 2.045);
	assert_true(jw_round3(2.044) == 2.044);
	assert_true(jw_round3(0.0004) == 0);
	/* 0.0625 and 1/32 are exact in binary: halves go away from zero */
	assert_true(jw_round3(0.0625) == 0.063);
	assert_true(jw_round3(-0.0625) == -0.063);
	assert_true(jw_round3(0.03125) == 0.031);	/* 31.25: not a half */
	/* too large to scale: kept, not turned into infinity */
	assert_true(jw_round3(1e306) == 1e306);
	assert_true(jw_round3(-1e306) == -1e306);
	assert_true(isnan(jw_round3(NAN)));
	assert_true(isinf(jw_round3(INFINITY)));
}

static void test_ms_rule(void **state)
{
	struct jw w = { 0 };
	cJSON *o = jw_root(&w);

	(void)state;
	jw_ms(&w, o, "mean", 2.0446);
	jw_ms(&w, o, "file", 2.044);
	jw_ms(&w, o, "zero", 0);
	jw_ms(&w, o, "tiny", 0.0004);
	jw_ms(&w, o, "negative", -1);
	jw_ms(&w, o, "nan", NAN);
	jw_ms(&w, o, "inf", INFINITY);
	jw_ms(&w, o, "huge", 1e306);
	expect_doc(&w, o, "{\"mean\":2.045,\"file\":2.044,\"zero\":0,\"tiny\":0,\"negative\":null,"
			  "\"nan\":null,\"inf\":null,\"huge\":1e+306}\n");
}

/* Kernel intervals in ns: to the microsecond, halves up, as jw_ms rounds the same figure. */
static void test_ms_from_ns(void **state)
{
	static const uint64_t ns[] = { 0, 499, 500, 1500, 2044500, 2044499, 123456789012345ull };
	struct jw w = { 0 };
	cJSON *a = cJSON_CreateArray();
	char *t;
	size_t k;

	(void)state;
	assert_non_null(a);
	for (k = 0; k < sizeof(ns) / sizeof(ns[0]); k++)
		jw_ms_ns(&w, a, NULL, ns[k]);
	t = compact(&w, a);
	assert_string_equal(t, "[0,0,0.001,0.002,2.045,2.044,123456789.012]\n");
	free(t);
	/* the same as jw_ms of the figure in ms, where that is exact in binary */
	assert_true(jw_round3(2044500 / 1e6) == 2045 / 1000.0);
	assert_true(jw_round3(62500 / 1e6) == 63 / 1000.0);
}

static void test_other_units(void **state)
{
	struct jw w = { 0 };
	cJSON *o = jw_root(&w);

	(void)state;
	jw_kib(&w, o, "kib", 2047.66666);
	jw_kib(&w, o, "kib_unavailable", -3);
	jw_mib(&w, o, "mib", 2.0004);
	jw_mib(&w, o, "mib_unavailable", NAN);
	jw_pct(&w, o, "pct", 12.34567);
	jw_pct(&w, o, "change", -0.0625);	/* a change may be negative */
	jw_pct(&w, o, "pct_unavailable", NAN);
	jw_ratio(&w, o, "ratio", 0.1);
	jw_ratio(&w, o, "p", 1e-30);		/* would be 0 at any fixed number of decimals */
	jw_ratio(&w, o, "t", -INFINITY);
	expect_doc(&w, o, "{\"kib\":2047.667,\"kib_unavailable\":null,\"mib\":2,\"mib_unavailable\":null,"
			  "\"pct\":12.346,\"change\":-0.063,\"pct_unavailable\":null,\"ratio\":0.1,"
			  "\"p\":1e-30,\"t\":null}\n");
}

/* Microseconds from ns: three decimals, exact digits (no double in between). */
static void test_us_from_ns(void **state)
{
	struct jw w = { 0 };
	cJSON *o = jw_root(&w);

	(void)state;
	jw_us_ns(&w, o, "zero", 0);
	jw_us_ns(&w, o, "ns", 7);
	jw_us_ns(&w, o, "us", 12345678);
	jw_us_ns(&w, o, "hours", 18446744073709551615ull);	/* a double would lose the 5 */
	expect_doc(&w, o, "{\"zero\":0.000,\"ns\":0.007,\"us\":12345.678,"
			  "\"hours\":18446744073709551.615}\n");
}

/* A CPU share to 3 decimals; a median of counts exactly, its half kept, never rounded. */
static void test_vcpus_and_median_counts(void **state)
{
	struct jw w = { 0 };
	cJSON *o = jw_root(&w);

	(void)state;
	jw_vcpus(&w, o, "vcpus", 128.0 / 1769);
	jw_vcpus(&w, o, "vcpus_unavailable", -1);
	jw_median_count(&w, o, "whole", 1234);
	jw_median_count(&w, o, "half", 1234.5);
	jw_median_count(&w, o, "large_half", 4503599627370495.5);	/* 2^52 - 0.5: exact */
	jw_median_count(&w, o, "none", -1);
	jw_median_count(&w, o, "nan", NAN);
	expect_doc(&w, o, "{\"vcpus\":0.072,\"vcpus_unavailable\":null,\"whole\":1234,"
			  "\"half\":1234.5,\"large_half\":4503599627370495.5,\"none\":null,"
			  "\"nan\":null}\n");
}

/* A ratio is written in full: its text reads back as the same double. */
static void test_ratio_reads_back(void **state)
{
	static const double v[] = { 1.0 / 3, 2.0 / 3, 1e-300, 123456.789012345678, 0.05 };
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		struct jw w = { 0 };
		cJSON *a = cJSON_CreateArray();
		char *t;

		assert_non_null(a);
		jw_ratio(&w, a, NULL, v[k]);
		t = compact(&w, a);
		assert_true(t[0] == '[');
		assert_true(strtod(t + 1, NULL) == v[k]);
		free(t);
	}
}

static void test_exact_integers(void **state)
{
	struct jw w = { 0 };
	cJSON *o = jw_root(&w);

	(void)state;
	jw_uint(&w, o, "max", UINT64_MAX);
	jw_uint(&w, o, "above_2_53", (1ull << 53) + 1);	/* a double would say ...992 */
	jw_uint(&w, o, "zero", 0);
	jw_int(&w, o, "min", INT64_MIN);
	jw_int(&w, o, "margin", -4096);
	expect_doc(&w, o, "{\"max\":18446744073709551615,\"above_2_53\":9007199254740993,\"zero\":0,"
			  "\"min\":-9223372036854775808,\"margin\":-4096}\n");
}

static void test_strings_bools_null(void **state)
{
	struct jw w = { 0 };
	cJSON *o = jw_root(&w);
	char full[4] = { 'a', 'b', 'c', 'd' };	/* no NUL: a fixed field filled up */

	(void)state;
	jw_str(&w, o, "s", "line\n\"quoted\"\x1b[31m");
	jw_str(&w, o, "none", NULL);
	jw_strn(&w, o, "bounded", full, sizeof(full));
	jw_strn(&w, o, "short", "xy", 8);
	jw_strn(&w, o, "none2", NULL, 8);
	jw_bool(&w, o, "yes", true);
	jw_bool(&w, o, "no", false);
	jw_null(&w, o, "nothing");
	expect_doc(&w, o, "{\"s\":\"line\\n\\\"quoted\\\"\\u001b[31m\",\"none\":null,\"bounded\":\"abcd\","
			  "\"short\":\"xy\",\"none2\":null,\"yes\":true,\"no\":false,\"nothing\":null}\n");
}

static void test_nesting_and_arrays(void **state)
{
	struct jw w = { 0 };
	cJSON *o = jw_root(&w), *a, *e;

	(void)state;
	a = jw_arr(&w, o, "list");
	jw_ms(&w, a, "ignored", 1.5);	/* appended: the key is not used in an array */
	jw_ms(&w, a, NULL, -1);
	jw_uint(&w, a, NULL, 7);
	e = jw_obj(&w, a, NULL);
	jw_str(&w, e, "k", "v");
	e = jw_obj(&w, o, "sub");
	jw_arr(&w, e, "empty");
	expect_doc(&w, o, "{\"list\":[1.5,null,7,{\"k\":\"v\"}],\"sub\":{\"empty\":[]}}\n");
}

/* A parent that could not be made adds nothing and does not crash. */
static void test_null_parent(void **state)
{
	struct jw w = { 0 };

	(void)state;
	jw_ms(&w, NULL, "a", 1);
	jw_ms_ns(&w, NULL, "a", 1);
	jw_uint(&w, NULL, "a", 1);
	jw_int(&w, NULL, "a", 1);
	jw_str(&w, NULL, "a", "x");
	jw_strn(&w, NULL, "a", "x", 1);
	jw_bool(&w, NULL, "a", true);
	jw_null(&w, NULL, "a");
	jw_pct(&w, NULL, "a", 1);
	jw_ratio(&w, NULL, "a", 1);
	assert_null(jw_obj(&w, NULL, "a"));
	assert_null(jw_arr(&w, NULL, "a"));
	assert_false(w.oom);	/* the parent's own failure is what sets it */
}

static void test_text_forms(void **state)
{
	struct jw w = { 0 };
	cJSON *o = jw_root(&w);
	char *t;

	(void)state;
	jw_ms(&w, o, "a", 1);
	jw_arr(&w, o, "b");
	t = jw_text(&w, o, true);
	assert_non_null(t);
	assert_string_equal(t, "{\n\t\"a\":\t1,\n\t\"b\":\t[]\n}\n");
	free(t);
	assert_null(jw_text(&w, NULL, true));
	assert_null(jw_text(NULL, NULL, false));
}

/* cJSON's allocator fails after a number of allocations */
static int allow;

static void *failing_malloc(size_t n)
{
	if (allow <= 0)
		return NULL;
	allow--;
	return malloc(n);
}

/* Out of memory anywhere sets the one flag, and no text comes out: an incomplete document is
 * never written. Every allocation count up to a complete document is tried. */
static void test_oom_flag(void **state)
{
	cJSON_Hooks hooks = { failing_malloc, free };
	int limit;
	bool completed = false;

	(void)state;
	for (limit = 0; limit < 200 && !completed; limit++) {
		struct jw w = { 0 };
		cJSON *o, *a;
		char *t;

		allow = limit;
		cJSON_InitHooks(&hooks);
		o = jw_root(&w);
		jw_ms(&w, o, "ms", 1.25);
		jw_uint(&w, o, "n", 3);
		a = jw_arr(&w, o, "list");
		jw_str(&w, a, NULL, "x");
		jw_bool(&w, jw_obj(&w, o, "sub"), "b", true);
		allow = 1 << 20;	/* printing is not what is tested */
		t = jw_text(&w, o, false);
		cJSON_InitHooks(NULL);
		if (w.oom) {
			assert_null(t);
		} else {
			assert_non_null(t);
			assert_string_equal(t, "{\"ms\":1.25,\"n\":3,\"list\":[\"x\"],"
					    "\"sub\":{\"b\":true}}\n");
			completed = true;
		}
		free(t);
	}
	assert_true(completed);
	assert_true(limit > 5);		/* the failures before it were seen */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round3),
		cmocka_unit_test(test_ms_rule),
		cmocka_unit_test(test_ms_from_ns),
		cmocka_unit_test(test_other_units),
		cmocka_unit_test(test_us_from_ns),
		cmocka_unit_test(test_vcpus_and_median_counts),
		cmocka_unit_test(test_ratio_reads_back),
		cmocka_unit_test(test_exact_integers),
		cmocka_unit_test(test_strings_bools_null),
		cmocka_unit_test(test_nesting_and_arrays),
		cmocka_unit_test(test_null_parent),
		cmocka_unit_test(test_text_forms),
		cmocka_unit_test(test_oom_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
