/* Unit tests of src/html_report.c: the page is well-formed XHTML (a strict
 * tag-balance checker; no libxml2 here), self-contained (no script, no
 * external resource), has its tables with the right row counts and figures,
 * the baselines with our ratio, the caveats and sources, and escapes every
 * string from the results. */
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

#include "compare.h"
#include "html_report.h"
#include "results.h"

#include "report_fixture.h"

/* ------------------------------------------------------------------------ */
/* tests                                                                      */

/* The text of the table with this id, up to its </table> (malloc'd). */
static char *table_text(const char *doc, const char *id)
{
	char key[96];
	const char *a, *e;
	char *t;

	snprintf(key, sizeof(key), "<table id=\"%s\">", id);
	a = strstr(doc, key);
	if (!a)
		return NULL;
	e = strstr(a, "</table>");
	assert_non_null(e);
	t = strndup(a, (size_t)(e - a));
	assert_non_null(t);
	return t;
}

static size_t body_rows(const char *doc, const char *id)
{
	char *t = table_text(doc, id), *body;
	size_t n;

	if (!t)
		return (size_t)-1;
	body = strstr(t, "<tbody>");
	assert_non_null(body);
	n = count(body, "<tr>");
	free(t);
	return n;
}

static void test_page_structure(void **state)
{
	struct results r[2];
	struct report_input in[2] = { { "a.json", &r[0] }, { "b.json", &r[1] } };
	char *s;

	(void)state;
	make_results(&r[0], "one", true);
	make_results(&r[1], "two", false);
	r[1].memory_mb = 512;
	s = html_report(in, 2, "2025-01-02T03:04:05.678Z");
	assert_non_null(s);
	assert_int_equal(strncmp(s, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"", 58), 0);
	assert_well_formed(s);
	assert_contains(s, "<meta charset=\"utf-8\"/>");
	assert_contains(s, "2025-01-02T03:04:05.678Z");
	/* tables and their row counts */
	assert_int_equal(body_rows(s, "runs-table"), 2);
	assert_int_equal(body_rows(s, "phase-table"), 6);
	assert_int_equal(body_rows(s, "memory-table"), 2);
	assert_int_equal(body_rows(s, "baseline-table"), n_builtin_baselines);
	assert_int_equal(body_rows(s, "failure-table"), 2);
	/* three charts per page, inline */
	assert_int_equal(count(s, "<svg xmlns=\"http://www.w3.org/2000/svg\""), 3);
	assert_int_equal(count(s, "class=\"chart bars\""), 1);
	assert_int_equal(count(s, "class=\"chart distribution\""), 1);
	assert_int_equal(count(s, "class=\"chart waterfall\""), 1);
	assert_int_equal(count(s, "class=\"dot\""), 10);
	/* sections */
	assert_contains(s, "<section id=\"caveats\"");
	assert_contains(s, "<section id=\"waterfall\"");
	free(s);
	results_free(&r[0]);
	results_free(&r[1]);
}

static void test_figures(void **state)
{
	struct results r[2];
	struct report_input in[2] = { { "a.json", &r[0] }, { "b.json", &r[1] } };
	char *s, *t, want[256];
	size_t j;

	(void)state;
	make_results(&r[0], "one", true);
	make_results(&r[1], "two", false);
	r[1].memory_mb = 512;
	r[0].limits_applied = true;
	r[0].vcpus = 0.072;
	r[0].cpu_quota_us = 7236;
	r[0].cpu_period_us = 100000;
	snprintf(r[0].cgroup, sizeof(r[0].cgroup), "v2");
	r[1].cold_cache = true;
	r[0].binary.size_bytes = 30352;
	r[0].binary.size_kb = 30;
	r[0].binary.stripped = true;
	snprintf(r[0].binary.path, sizeof(r[0].binary.path), "/x/bootstrap");
	s = html_report(in, 2, NULL);
	assert_non_null(s);

	t = table_text(s, "runs-table");
	assert_non_null(t);
	assert_contains(t, "<td class=\"num\">128</td>");
	assert_contains(t, "<td class=\"num\">512</td>");
	assert_contains(t, "<td class=\"num\">5</td><td class=\"num\">1</td>");
	assert_contains(t, "ebpf (eBPF kernel timestamps)");
	assert_contains(t, "userspace (userspace clocks");
	assert_contains(t, "128 MB memory (no swap), 0.072 vCPU (CFS quota 7236 us per 100000 us), "
			   "cgroup v2");
	assert_contains(t, "not applied");
	assert_contains(t, "<td>warm</td>");
	assert_contains(t, "<td>cold (--cold-cache)</td>");
	free(t);

	/* init 6..10: avg 8, p50 8, p99 9.96, min 6, max 10, sd sqrt(2.5) */
	t = table_text(s, "phase-table");
	assert_non_null(t);
	assert_contains(t, "<td>init</td><td class=\"num\">5</td><td class=\"num\">8.000</td>"
			   "<td class=\"num\">8.000</td><td class=\"num\">9.960</td>"
			   "<td class=\"num\">6.000</td><td class=\"num\">10.000</td>"
			   "<td class=\"num\">1.581</td>");
	/* total 10..20: the failure's 99 is not in */
	assert_contains(t, "<td>total</td><td class=\"num\">5</td><td class=\"num\">15.000</td>");
	assert_null(strstr(t, "99.000"));
	free(t);

	/* peak RSS 1000..1400: mean 1200, p50 1200, max 1400 */
	t = table_text(s, "memory-table");
	assert_non_null(t);
	assert_contains(t, "<td class=\"num\">5</td><td class=\"num\">1200</td>"
			   "<td class=\"num\">1200</td><td class=\"num\">1400</td>"
			   "<td class=\"num\">30352</td><td class=\"num\">30</td>"
			   "<td>yes (no .symtab)</td><td class=\"path\">/x/bootstrap</td>");
	assert_contains(t, "<td class=\"num na\">not measured</td>");
	free(t);

	/* every built-in baseline with its label, acd and our mean init (8 ms) / acd */
	t = table_text(s, "baseline-table");
	assert_non_null(t);
	for (j = 0; j < n_builtin_baselines; j++) {
		const struct builtin_baseline *b = &builtin_baselines[j];
		double factor;
		bool lower;

		snprintf(want, sizeof(want), "<td>%s</td>", b->display);
		assert_contains(t, want);
		snprintf(want, sizeof(want), "<td class=\"num\">%.3f</td><td class=\"num\">%u</td>",
			 b->acd, b->n);
		assert_contains(t, want);
		assert_int_equal(speed_factor(8.0, b->acd, &factor, &lower), 0);
		snprintf(want, sizeof(want), "%.4f<br/>(ours %.2fx %s)", 8.0 / b->acd, factor,
			 lower ? "lower" : "higher");
		assert_int_equal(count(t, want), 2);	/* both inputs have init mean 8 */
	}
	assert_contains(t, "13.539");
	free(t);
	assert_contains(s, "Not like for like");	/* input 2 ran at 512 MB */
	assert_contains(s, "lambda-perf 2024-12-31");

	/* caveats and sources */
	assert_contains(s, "Local host, not AWS Lambda.");
	assert_contains(s, "No platform overhead.");
	assert_contains(s, "Indicative only.");
	assert_contains(s, "p99 is close to the max");
	assert_contains(s, "timed from userspace");
	assert_int_equal(count(s, "<p class=\"source\">Source: "), 5);
	assert_contains(s, "exited with code 3");
	free(s);
	results_free(&r[0]);
	results_free(&r[1]);
}

static void test_self_contained(void **state)
{
	struct results r;
	struct report_input in = { "a.json", &r };
	const char *p;
	char *s;

	(void)state;
	make_results(&r, "one", true);
	r.n_inv = 5;	/* drop the failure (calloc'd, freed as one block) */
	results_compute_stats(&r);
	s = html_report(&in, 1, "now");
	assert_non_null(s);
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "<link"));
	assert_null(strstr(s, "<img"));
	assert_null(strstr(s, "src="));
	assert_null(strstr(s, "url("));
	assert_null(strstr(s, "@import"));
	assert_null(strstr(s, "href="));
	/* the only URLs are the XML namespaces */
	for (p = s; (p = strstr(p, "http")); p++)
		assert_true(!strncmp(p, "http://www.w3.org/1999/xhtml\"", 29) ||
			    !strncmp(p, "http://www.w3.org/2000/svg\"", 27));
	/* no failure: no failure table */
	assert_null(strstr(s, "failure-table"));
	free(s);
	results_free(&r);
}

static void test_escapes_untrusted(void **state)
{
	struct results r;
	struct report_input in = { "/tmp/<b>&amp;\"'.json", &r };
	char *s;

	(void)state;
	make_results(&r, "<script>alert(1)</script>", true);
	snprintf(r.inv[5].reason, sizeof(r.inv[5].reason), "<img src=x onerror=alert(2)>");
	snprintf(r.inv[5].error_type, sizeof(r.inv[5].error_type), "A&B</td>");
	snprintf(r.host, sizeof(r.host), "<h1>host</h1>");
	snprintf(r.host_cpu, sizeof(r.host_cpu), "cpu \"quoted\"");
	snprintf(r.binary.path, sizeof(r.binary.path), "/x/<bootstrap>");
	snprintf(r.timing_source, sizeof(r.timing_source), "<i>");
	s = html_report(&in, 1, "<now>");
	assert_non_null(s);
	assert_well_formed(s);
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "<img"));
	assert_null(strstr(s, "<h1>host"));
	assert_null(strstr(s, "<i>"));
	assert_null(strstr(s, "<bootstrap>"));
	assert_contains(s, "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_contains(s, "&lt;img src=x onerror=alert(2)&gt;");
	assert_contains(s, "A&amp;B&lt;/td&gt;");
	assert_contains(s, "/tmp/&lt;b&gt;&amp;amp;&quot;&#39;.json");
	assert_contains(s, "cpu &quot;quoted&quot;");
	assert_contains(s, "&lt;now&gt;");
	assert_contains(s, "&lt;i&gt; (unknown)");
	free(s);
	results_free(&r);
}

static void test_nothing_measured(void **state)
{
	struct results r;
	struct report_input in = { "a.json", &r };
	char *s;
	size_t i;

	(void)state;
	make_results(&r, "one", false);
	for (i = 0; i < r.n_inv; i++) {
		r.inv[i].handler_ms = -1;
		r.inv[i].memory_kb = 0;
	}
	results_compute_stats(&r);
	s = html_report(&in, 1, NULL);
	assert_non_null(s);
	assert_well_formed(s);
	/* handler: n 0, six "not measured" cells; peak RSS: three; binary: three */
	assert_contains(s, "<td>handler</td><td class=\"num\">0</td><td class=\"num na\">not measured</td>");
	assert_null(strstr(s, "nan"));
	assert_null(strstr(s, "inf"));
	free(s);
	results_free(&r);
}

static void test_bad_arguments(void **state)
{
	struct report_input in = { "a.json", NULL };

	(void)state;
	assert_null(html_report(NULL, 1, NULL));
	assert_null(html_report(&in, 0, NULL));
	assert_null(html_report(&in, 1, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_structure),
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_self_contained),
		cmocka_unit_test(test_escapes_untrusted),
		cmocka_unit_test(test_nothing_measured),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
