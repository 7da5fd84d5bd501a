// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests for src/breakdown_text.c: the text waterfall of a breakdown built from the
 * single-threaded cold start of breakdown_fixture.h, column by column. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "breakdown_fixture.h"
#include "breakdown_text.h"

/* Text of breakdown_print. */
static char *printed(const struct breakdown *bd, unsigned width, unsigned top)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	breakdown_print(f, bd, width, top);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	return buf;
}

/* The line of txt that starts with "  " name " ". */
static const char *line_of(const char *txt, const char *name)
{
	char key[64];
	const char *l;

	snprintf(key, sizeof(key), "\n  %s ", name);
	l = strstr(txt, key);
	if (!l)
		fail_msg("no line for %s in:\n%s", name, txt);
	return l + 1;
}

static bool line_has(const char *line, const char *s)
{
	const char *end = strchr(line, '\n');
	const char *hit = strstr(line, s);

	return hit && (!end || hit < end);
}

/* The text table. */
static void test_print(void **state)
{
	struct evs b = { .n = 0 };
	struct phase_marks k = marks();
	struct breakdown bd;
	const char *l;
	char *txt;

	(void)state;
	single_thread(&b);
	k.entry = 0;
	assert_int_equal(build(b.ev, b.n, ROOT, &k, &bd), 0);
	txt = printed(&bd, 21, 2);
	assert_non_null(strstr(txt, "phase"));
	for (int p = 0; p < BD_PHASES; p++)
		(void)line_of(txt, bd_phase_name(p));
	l = line_of(txt, "dynamic_loading");
	assert_true(line_has(l, "(entry point not seen)"));
	assert_false(line_has(l, "|"));
	l = line_of(txt, "wait_event");
	/* start 0.800, duration 1.000, bar columns 8..17 of 21, 0.4/0.1/0.5 ms, 5/0 faults */
	assert_true(line_has(l, "   0.800    1.000  |        ##########   |"));
	assert_true(line_has(l, "   0.400    0.100    0.500         5/0        2         80/0"));
	l = line_of(txt, "exec");
	assert_true(line_has(l, "|#                    |"));	/* 0.1 of 2.1 ms: 1 column */
	l = line_of(txt, "total");
	assert_true(line_has(l, "2.100  |#####################|"));
	assert_non_null(strstr(txt, "top syscalls: read 1 x 0.900 ms, execve 1 x 0.150 ms\n"));
	assert_non_null(strstr(txt, "peak RSS 1500 KB at 0.600 ms (connect)"));
	assert_non_null(strstr(txt, "created 0 processes, 0 threads"));
	assert_non_null(strstr(txt, "storage read 8.0 KB"));
	assert_null(strstr(txt, "tracing cost"));
	for (const char *s = txt; *s;) {
		const char *e = strchr(s, '\n');

		assert_non_null(e);
		assert_true(e - s <= 101 + 21);
		s = e + 1;
	}
	free(txt);

	/* bars of a width that does not divide the window tile it: 18 columns in all */
	txt = printed(&bd, 18, 0);
	{
		unsigned hashes = 0;

		for (int p = 0; p < BD_PHASES; p++)
			for (l = line_of(txt, bd_phase_name(p)); *l && *l != '\n'; l++)
				hashes += *l == '#';
		assert_int_equal(hashes, 18);
	}
	assert_true(line_has(line_of(txt, "runtime_init"), "| ####             |"));
	assert_true(line_has(line_of(txt, "wait_event"), "|       ########   |"));
	assert_non_null(strstr(txt, "top syscalls: none recorded"));	/* top 0 */
	free(txt);

	/* no bar, no syscalls, no RSS; the tracer's cost */
	assert_int_equal(breakdown_build(NULL, 0, ROOT, &k, &bd), 0);
	txt = printed(&bd, 0, 5);
	assert_null(strstr(txt, "|"));
	assert_non_null(strstr(txt, "top syscalls: none recorded"));
	assert_non_null(strstr(txt, "peak RSS - (no sample)"));
	assert_null(strstr(txt, "tracing cost"));
	free(txt);
	bd.bpf_tree_measured = true;
	bd.bpf_tree_ns = 300000;
	txt = printed(&bd, 0, 5);
	assert_non_null(strstr(txt, "tracing cost: 0.300 ms of BPF program time on this tree's events\n"));
	free(txt);
	breakdown_print(NULL, &bd, 10, 10);	/* no crash */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_print),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
