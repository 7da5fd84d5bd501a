// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests for src/breakdown.c: the phase and syscall names, the empty record, the ranking
 * of the top syscalls. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <sys/syscall.h>
#include <cmocka.h>
#include "breakdown.h"

/* Host syscall names and phase names. */
static void test_syscall_name(void **state)
{
	(void)state;
	assert_string_equal(bd_syscall_name(SYS_openat), "openat");
	assert_string_equal(bd_syscall_name(SYS_read), "read");
	assert_string_equal(bd_syscall_name(SYS_mmap), "mmap");
	assert_string_equal(bd_syscall_name(SYS_execve), "execve");
	assert_string_equal(bd_syscall_name(SYS_clone3), "clone3");
	assert_null(bd_syscall_name(-1));
	assert_null(bd_syscall_name(100000));
	assert_string_equal(bd_phase_name(BD_EXEC), "exec");
	assert_string_equal(bd_phase_name(BD_WRITE_RESPONSE), "write_response");
	assert_string_equal(bd_phase_name((enum bd_phase)BD_PHASES), "unknown");
}

/* The empty record: nothing measured, no syscall in any slot, no peak RSS phase. */
static void test_clear(void **state)
{
	struct breakdown bd;

	(void)state;
	memset(&bd, 0x5a, sizeof(bd));
	breakdown_clear(&bd);
	assert_int_equal(bd.window_start_ns, 0);
	assert_int_equal(bd.window_end_ns, 0);
	for (int s = 0; s < BD_SLOTS; s++) {
		const struct bd_costs *c = BD_SLOT_COSTS(&bd, s);

		assert_int_equal(c->on_cpu_ns + c->runnable_ns + c->blocked_ns, 0);
		assert_int_equal(c->syscalls, 0);
		assert_int_equal(c->processes + c->threads, 0);
		for (int j = 0; j < BD_TOP; j++) {
			assert_int_equal(c->top[j].nr, -1);
			assert_int_equal(c->top[j].count, 0);
			assert_int_equal(c->top[j].ns, 0);
		}
		if (s < BD_PHASES) {
			assert_false(bd.ph[s].measured);
			assert_int_equal(bd.ph[s].dur_ns, 0);
		}
	}
	assert_ptr_equal(BD_SLOT_COSTS(&bd, BD_TREE), &bd.tree);
	assert_ptr_equal(BD_SLOT_COSTS(&bd, BD_HANDLER), &bd.ph[BD_HANDLER].c);
	assert_int_equal(bd.peak_rss_kb, 0);
	assert_int_equal(bd.peak_rss_phase, -1);
	assert_int_equal(bd.threads_seen, 0);
	assert_false(bd.bpf_tree_measured);
}

/* Top syscalls: by time, then count, then nr; BD_TOP kept, the rest of the slots unused. */
static void test_top_rank(void **state)
{
	struct bd_syscall cand[BD_TOP + 3], top[BD_TOP];

	(void)state;
	for (int i = 0; i < BD_TOP + 3; i++)
		cand[i] = (struct bd_syscall){ .nr = 100 + i, .count = 1, .ns = 10 };
	cand[5].ns = 50;			/* the longest first */
	cand[7].ns = 20;
	cand[7].count = 1;
	cand[2].ns = 20;			/* as long as 7, more calls: before it */
	cand[2].count = 3;
	cand[11] = (struct bd_syscall){ .nr = 3, .count = 1, .ns = 10 };	/* ties: by nr */
	memset(top, 0x5a, sizeof(top));
	bd_top_rank(top, cand, BD_TOP + 3);
	assert_int_equal(top[0].nr, 105);
	assert_int_equal(top[1].nr, 102);
	assert_int_equal(top[1].count, 3);
	assert_int_equal(top[2].nr, 107);
	assert_int_equal(top[3].nr, 3);
	assert_int_equal(top[4].nr, 100);
	assert_int_equal(top[BD_TOP - 1].nr, 108);	/* 100, 101, 103, 104, 106, 108 after 3 */
	assert_int_equal(top[BD_TOP - 1].ns, 10);

	/* ranked in place: cand begins with 105 and 102 now */
	assert_int_equal(cand[0].nr, 105);
	assert_int_equal(cand[1].nr, 102);
	/* fewer than BD_TOP: the slots after them are unused */
	memset(top, 0x5a, sizeof(top));
	bd_top_rank(top, cand + 1, 2);
	assert_int_equal(top[0].nr, 102);
	assert_int_equal(top[1].nr, 107);
	for (int j = 2; j < BD_TOP; j++) {
		assert_int_equal(top[j].nr, -1);
		assert_int_equal(top[j].count, 0);
		assert_int_equal(top[j].ns, 0);
	}
	bd_top_rank(top, NULL, 0);
	assert_int_equal(top[0].nr, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syscall_name),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_top_rank),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
