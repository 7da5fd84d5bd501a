// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests for src/breakdown_median.c: the median waterfall of three (two, one) hand-made
 * breakdowns, every expected figure worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>
#include "breakdown_median.h"

static void blank(struct breakdown *b)
{
	memset(b, 0, sizeof(*b));
	for (int p = 0; p < BD_PHASES; p++)
		for (int j = 0; j < BD_TOP; j++)
			b->ph[p].c.top[j].nr = -1;
	for (int j = 0; j < BD_TOP; j++)
		b->tree.top[j].nr = -1;
	b->peak_rss_phase = -1;
}

/* Three breakdowns whose phase p lasts (p + 1) * x ns. */
static void three(struct breakdown a[3])
{
	const uint64_t x[3] = { 100, 300, 200 };

	for (int i = 0; i < 3; i++) {
		uint64_t s = 1000000000ull * (i + 1);

		blank(&a[i]);
		a[i].window_start_ns = s;
		for (int p = 0; p < BD_PHASES; p++) {
			a[i].ph[p].start_ns = s;
			a[i].ph[p].dur_ns = (p + 1) * x[i];
			a[i].ph[p].measured = true;
			s += a[i].ph[p].dur_ns;
		}
		a[i].window_end_ns = s;
	}
	a[1].ph[BD_DYNLOAD].measured = false;
	a[2].ph[BD_DYNLOAD].measured = false;
	a[2].ph[BD_EXEC].measured = false;
	a[0].tree.on_cpu_ns = 5;
	a[1].tree.on_cpu_ns = 1;
	a[2].tree.on_cpu_ns = 3;
	a[0].ph[BD_WAIT_EVENT].c.blocked_ns = 10;
	a[1].ph[BD_WAIT_EVENT].c.blocked_ns = 30;
	a[2].ph[BD_WAIT_EVENT].c.blocked_ns = 20;
	a[0].ph[BD_RUNTIME_INIT].c.threads = 1;
	a[1].ph[BD_RUNTIME_INIT].c.threads = 2;
	a[2].ph[BD_RUNTIME_INIT].c.threads = 0;
	a[0].tree.top[0] = (struct bd_syscall){ .nr = 0, .count = 3, .ns = 300 };
	a[1].tree.top[0] = (struct bd_syscall){ .nr = 0, .count = 4, .ns = 400 };
	a[2].tree.top[0] = (struct bd_syscall){ .nr = 1, .count = 1, .ns = 1000 };
	a[2].tree.top[1] = (struct bd_syscall){ .nr = 0, .count = 5, .ns = 500 };
	a[0].peak_rss_kb = 1000;
	a[0].peak_rss_at_ns = a[0].window_start_ns + 500;
	a[0].peak_rss_phase = BD_RUNTIME_INIT;
	a[2].peak_rss_kb = 3000;
	a[2].peak_rss_at_ns = a[2].window_start_ns + 700;
	a[2].peak_rss_phase = BD_RUNTIME_INIT;
	a[0].threads_seen = 1;
	a[1].threads_seen = 2;
	a[2].threads_seen = 3;
	a[1].bpf_tree_measured = true;
	a[1].bpf_tree_ns = 40;
	a[2].bpf_tree_measured = true;
	a[2].bpf_tree_ns = 20;
}

/* The median waterfall of a run. */
static void test_median(void **state)
{
	struct breakdown a[3], m;
	const struct breakdown *const v[3] = { &a[0], &a[1], &a[2] };
	uint64_t start = 0;

	(void)state;
	three(a);
	assert_int_equal(breakdown_median(v, 3, &m), 0);
	for (int p = 0; p < BD_PHASES; p++) {
		assert_int_equal(m.ph[p].dur_ns, (p + 1) * 200);
		assert_int_equal(m.ph[p].start_ns, start);
		start += (p + 1) * 200;
	}
	assert_int_equal(m.window_start_ns, 0);
	assert_int_equal(m.window_end_ns, 7200);
	assert_true(m.ph[BD_EXEC].measured);		/* 2 of 3 */
	assert_false(m.ph[BD_DYNLOAD].measured);	/* 1 of 3 */
	assert_true(m.ph[BD_HANDLER].measured);
	assert_int_equal(m.tree.on_cpu_ns, 3);
	assert_int_equal(m.ph[BD_WAIT_EVENT].c.blocked_ns, 20);
	assert_int_equal(m.ph[BD_RUNTIME_INIT].c.threads, 1);
	/* read: (3+4+5)/3 calls, 1200/3 ns; write 1/3 -> 0 calls, 1000/3 -> 333 ns */
	assert_int_equal(m.tree.top[0].nr, 0);
	assert_int_equal(m.tree.top[0].count, 4);
	assert_int_equal(m.tree.top[0].ns, 400);
	assert_int_equal(m.tree.top[1].nr, 1);
	assert_int_equal(m.tree.top[1].count, 0);
	assert_int_equal(m.tree.top[1].ns, 333);
	assert_int_equal(m.tree.top[2].nr, -1);
	assert_int_equal(m.ph[BD_EXEC].c.top[0].nr, -1);
	assert_int_equal(m.peak_rss_kb, 2000);
	assert_int_equal(m.peak_rss_at_ns, 600);
	assert_int_equal(m.peak_rss_phase, BD_RUNTIME_INIT);
	assert_int_equal(m.threads_seen, 2);
	assert_true(m.bpf_tree_measured);
	assert_int_equal(m.bpf_tree_ns, 30);	/* median of the two measured: their mean */

	/* two: the mean of the middle pair, rounded half up */
	assert_int_equal(breakdown_median(v, 2, &m), 0);
	assert_int_equal(m.ph[BD_EXEC].dur_ns, 200);
	assert_int_equal(m.tree.on_cpu_ns, 3);
	assert_int_equal(m.threads_seen, 2);	/* 1.5 */
	assert_false(m.ph[BD_DYNLOAD].measured);	/* 1 of 2 is not more than half */
	assert_true(m.ph[BD_EXEC].measured);
	assert_int_equal(m.peak_rss_kb, 1000);
	assert_int_equal(m.tree.top[0].count, 4);	/* (3+4)/2 = 3.5 */
	assert_int_equal(m.tree.top[0].ns, 350);

	/* one without a peak RSS or a tracer cost */
	assert_int_equal(breakdown_median(&v[0], 1, &m), 0);
	assert_false(m.bpf_tree_measured);
	assert_int_equal(breakdown_median(&v[1], 1, &m), 0);
	assert_int_equal(m.peak_rss_kb, 0);
	assert_int_equal(m.peak_rss_phase, -1);

	errno = 0;
	assert_int_equal(breakdown_median(v, 0, &m), -1);
	assert_int_equal(errno, EINVAL);
	{
		const struct breakdown *const w[2] = { &a[0], NULL };

		errno = 0;
		assert_int_equal(breakdown_median(w, 2, &m), -1);
		assert_int_equal(errno, EINVAL);
	}
	errno = 0;
	assert_int_equal(breakdown_median(v, 3, NULL), -1);
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
