/* Unit tests of src/svg.c: phase medians, the
 * distribution (dots, p50/p99), the median waterfall, the bars chart and the
 * standalone document, checked for well-formedness by a strict tag-balance
 * checker (no libxml2 here) and for their figures and escaping. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "results.h"
#include "svg.h"

#include "report_fixture.h"

/* ------------------------------------------------------------------------ */
/* tests                                                                      */

static void test_checker_catches_errors(void **state)
{
	struct xcheck x;

	(void)state;
	assert_int_equal(xml_check("<a><b/>t &amp; &#39;</a>", &x), 0);
	assert_int_equal(x.n_elements, 2);
	assert_int_not_equal(xml_check("<a><b></a>", &x), 0);
	assert_int_not_equal(xml_check("<a></a><b/>", &x), 0);
	assert_int_not_equal(xml_check("<a>x & y</a>", &x), 0);
	assert_int_not_equal(xml_check("<a>x <script> y</a>", &x), 0);
	assert_int_not_equal(xml_check("<a t=\"<\"/>", &x), 0);
	assert_int_not_equal(xml_check("<a t=x/>", &x), 0);
	assert_int_not_equal(xml_check("<a>", &x), 0);
	assert_int_not_equal(xml_check("<a>\xff</a>", &x), 0);
}

static void test_phase_median(void **state)
{
	struct results r;
	double m;

	(void)state;
	make_results(&r, "rt", true);
	/* successes only: the failure's total 99 is left out */
	assert_int_equal(svg_phase_median(&r, offsetof(struct invocation, total_ms), &m), 5);
	assert_true(fabs(m - 15.0) < 1e-12);
	assert_int_equal(svg_phase_median(&r, offsetof(struct invocation, exec_ms), &m), 5);
	assert_true(fabs(m - 0.7) < 1e-12);
	results_free(&r);
	make_results(&r, "rt", false);
	assert_int_equal(svg_phase_median(&r, offsetof(struct invocation, wait_ms), &m), 0);
	assert_true(isnan(m));
	results_free(&r);
}

static void test_distribution(void **state)
{
	struct strbuf b = { 0 };
	struct results r;
	struct report_input in = { "results.json", &r };
	char *s;
	int h;

	(void)state;
	make_results(&r, "rt", true);
	h = svg_chart_distribution(&b, &in, 1, 0);
	s = sb_take(&b);
	assert_non_null(s);
	assert_true(h > 100);
	assert_well_formed(s);
	assert_int_equal(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), 0);
	/* one dot per successful cold start */
	assert_int_equal(count(s, "class=\"dot\""), 5);
	/* totals 10, 12.5, 15, 17.5, 20: p50 15; p99 rank 3.96 -> 17.5 + 0.96 * 2.5 = 19.9 */
	assert_contains(s, "p50 15.000 ms");
	assert_contains(s, "p99 19.900 ms");
	assert_int_equal(count(s, "class=\"mark p50\""), 1);
	assert_int_equal(count(s, "class=\"mark p99\""), 1);
	assert_contains(s, "<title>12.500 ms</title>");
	assert_contains(s, "n = 5 ok, 1 failed");
	assert_contains(s, "close to its max");
	assert_contains(s, "#1: results.json (timing: ebpf)");
	assert_null(strstr(s, "99.000"));
	free(s);
	results_free(&r);
}

static void test_waterfall(void **state)
{
	struct strbuf b = { 0 };
	struct results r;
	struct report_input in = { "r.json", &r };
	char *s;

	(void)state;
	make_results(&r, "rt", true);
	assert_true(svg_chart_waterfall(&b, &in, 1, 0) > 0);
	s = sb_take(&b);
	assert_non_null(s);
	assert_well_formed(s);
	assert_int_equal(count(s, "class=\"bar phase-"), 5);
	/* medians: exec 0.7, connect 0.2, init 8, wait 0.5, handler 1.5, total 15 */
	assert_contains(s, "exec: median 0.700 ms (n=5)");
	assert_contains(s, "connect: median 0.200 ms (n=5)");
	assert_contains(s, "init: median 8.000 ms (n=5)");
	assert_contains(s, "wait: median 0.500 ms (n=5)");
	assert_contains(s, "handler: median 1.500 ms (n=5)");
	assert_contains(s, "median total 15.000 ms");
	assert_contains(s, "need not add up to the median total");
	assert_contains(s, "connect (in init)");
	/* the connect bar starts at the median connect offset, 3.5 ms: axis 0..15
	 * (step 5), plot 250..920 -> x = 250 + 3.5 / 15 * 670 = 406.3 */
	assert_contains(s, "class=\"bar phase-connect\" x=\"406.3\"");
	/* wait starts at the median init (8 ms: x = 607.3), handler at 8.5 (x = 629.7) */
	assert_contains(s, "class=\"bar phase-wait\" x=\"607.3\"");
	assert_contains(s, "class=\"bar phase-handler\" x=\"629.7\"");
	free(s);
	results_free(&r);

	/* userspace timing: exec, connect, wait not measured, and said so */
	make_results(&r, "rt", false);
	assert_true(svg_chart_waterfall(&b, &in, 1, 0) > 0);
	s = sb_take(&b);
	assert_non_null(s);
	assert_well_formed(s);
	assert_int_equal(count(s, "class=\"bar phase-"), 2);
	assert_int_equal(count(s, "not measured (timing: userspace)"), 3);
	assert_null(strstr(s, "phase-exec"));
	free(s);
	results_free(&r);
}

static void test_bars(void **state)
{
	struct strbuf b = { 0 };
	struct results r[2];
	struct report_input in[2] = { { "a.json", &r[0] }, { "b.json", &r[1] } };
	char *s;

	(void)state;
	make_results(&r[0], "one", true);
	make_results(&r[1], "two", false);
	assert_true(svg_chart_bars(&b, in, 2, 0) > 0);
	s = sb_take(&b);
	assert_non_null(s);
	assert_well_formed(s);
	assert_int_equal(count(s, "class=\"bar metric-"), 6);
	/* init 6..10: mean 8, p50 8, p99 9.96 */
	assert_contains(s, "mean 8.000, p50 8.000, p99 9.960 ms");
	assert_contains(s, "#2 two, 128 MB, x86_64");
	assert_int_equal(count(s, "class=\"mark p99\""), 6);
	free(s);
	results_free(&r[0]);
	results_free(&r[1]);
}

static void test_report_escapes_untrusted(void **state)
{
	struct results r[2];
	struct report_input in[2] = { { "/tmp/<x>&\"y\".json", &r[0] }, { "b.json", &r[1] } };
	struct xcheck x;
	char *s;

	(void)state;
	make_results(&r[0], "<script>alert(1)</script>", true);
	/* long multibyte name: cut on a character boundary */
	make_results(&r[1], "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
			    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
			    "\xc3\xa9\xc3\xa9\xc3\xa9", true);
	s = svg_report(in, 2);
	assert_non_null(s);
	assert_int_equal(strncmp(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44), 0);
	assert_int_equal(xml_check(s, &x), 0);
	assert_null(strstr(s, "<script"));
	assert_contains(s, "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_contains(s, "/tmp/&lt;x&gt;&amp;&quot;y&quot;.json");
	assert_contains(s, "\xe2\x80\xa6");	/* the ellipsis of a cut label */
	/* both charts, 10 dots, 10 phase bars */
	assert_int_equal(count(s, "class=\"chart distribution\""), 1);
	assert_int_equal(count(s, "class=\"chart waterfall\""), 1);
	assert_int_equal(count(s, "class=\"dot\""), 10);
	assert_int_equal(count(s, "class=\"bar phase-"), 10);
	assert_contains(s, "no Lambda platform overhead");
	free(s);
	results_free(&r[0]);
	results_free(&r[1]);
}

static void test_no_success(void **state)
{
	struct strbuf b = { 0 };
	struct results r;
	struct report_input in = { "r.json", &r };
	char *s;
	size_t i;

	(void)state;
	make_results(&r, "rt", true);
	for (i = 0; i < r.n_inv; i++)
		r.inv[i].outcome = INV_TIMEOUT;
	results_compute_stats(&r);
	assert_true(svg_chart_distribution(&b, &in, 1, 0) > 0);
	assert_true(svg_chart_waterfall(&b, &in, 1, 20) > 0);
	assert_true(svg_chart_bars(&b, &in, 1, 40) > 0);
	sb_puts(&b, "</x>");
	s = sb_take(&b);
	assert_non_null(s);
	/* three sibling charts: wrap them to check them as one document */
	{
		size_t len = strlen(s);
		char *doc = malloc(len + 4);

		assert_non_null(doc);
		memcpy(doc, "<x>", 3);
		memcpy(doc + 3, s, len + 1);
		assert_well_formed(doc);
		free(doc);
	}
	assert_contains(s, "no successful cold start with a total_ms");
	assert_int_equal(count(s, "class=\"dot\""), 0);
	assert_int_equal(count(s, "class=\"bar "), 0);
	free(s);
	results_free(&r);
}

static void test_bad_arguments(void **state)
{
	struct strbuf b = { 0 };

	(void)state;
	assert_null(svg_report(NULL, 1));
	assert_int_equal(svg_chart_distribution(&b, NULL, 0, 0), -1);
	assert_int_equal(svg_chart_waterfall(&b, NULL, 0, 0), -1);
	assert_int_equal(svg_chart_bars(&b, NULL, 0, 0), -1);
	assert_int_equal(b.len, 0);
	sb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checker_catches_errors),
		cmocka_unit_test(test_phase_median),
		cmocka_unit_test(test_distribution),
		cmocka_unit_test(test_waterfall),
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_report_escapes_untrusted),
		cmocka_unit_test(test_no_success),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
