// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests for src/invocation.c: the mark and phase tables, the two ways phases are
 * derived (kernel marks, userspace readings) and the outcome names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "invocation.h"

/* Exact comparison of a phase: the inputs are chosen so that ns/1e6 is the
 * correctly rounded value of the decimal literal. */
#define assert_ms(actual, expected)                                             \
	do {                                                                    \
		double a_ = (actual), e_ = (expected);                          \
		if (a_ != e_)                                                   \
			fail_msg("%s = %.9f, expected %.9f", #actual, a_, e_);  \
	} while (0)

static void test_phases(void **state)
{
	struct invocation inv;

	(void)state;
	memset(&inv, 0, sizeof(inv));
	inv.k.exec_enter = 1000000;
	inv.k.exec_done = 1000000;	/* zero length is a valid phase */
	inv.k.connect_start = 2000000;
	inv.k.connect_end = 1999999;	/* negative: not available */
	inv.k.next_sent = 3500000;
	inv.k.event_received = 0;	/* missing */
	inv.k.response_sent = 4000001;
	inv_phases_from_marks(&inv);
	assert_ms(inv.exec_ms, 0.0);
	assert_ms(inv.connect_ms, -1.0);
	assert_ms(inv.init_ms, 2.5);
	assert_ms(inv.wait_ms, -1.0);
	assert_ms(inv.handler_ms, -1.0);
	assert_ms(inv.total_ms, 3.000001);
	inv_phases_from_marks(NULL);
}

/* --no-bpf: init, handler and total from the spawner's and the emulator's clocks. */
static void test_userspace_phases(void **state)
{
	struct invocation inv;

	(void)state;
	memset(&inv, 0, sizeof(inv));
	inv.exec_ms = inv.connect_ms = inv.wait_ms = 7;	/* overwritten: not measured */
	inv.k.exec_enter = 1;				/* kernel marks are not looked at */
	inv.k.response_sent = 9000000;
	inv.spawn_ns = 1000000;
	inv.api_next_received_ns = 3500000;
	inv.api_event_sent_ns = 3600000;
	inv.api_response_received_ns = 5100000;
	inv_phases_from_userspace(&inv);
	assert_ms(inv.exec_ms, -1.0);
	assert_ms(inv.connect_ms, -1.0);
	assert_ms(inv.wait_ms, -1.0);
	assert_ms(inv.init_ms, 2.5);
	assert_ms(inv.handler_ms, 1.5);
	assert_ms(inv.total_ms, 4.1);

	/* a reading missing, or no time between two: not measured (unlike kernel marks,
	 * where an equal pair is a valid 0) */
	inv.spawn_ns = 0;
	inv.api_response_received_ns = inv.api_event_sent_ns;
	inv_phases_from_userspace(&inv);
	assert_ms(inv.init_ms, -1.0);
	assert_ms(inv.handler_ms, -1.0);
	assert_ms(inv.total_ms, -1.0);
	inv_phases_from_userspace(NULL);
}

/* The tables say what the struct holds: names, offsets, nesting, the guide's fields. */
static void test_tables(void **state)
{
	static const char *const mark_names[INV_MARKS] = {
		"exec_enter", "exec_done", "entry", "connect_start", "connect_end", "next_sent",
		"event_received", "response_first", "response_sent", "init_error_sent", "root_exit",
	};
	struct phase_marks k;
	struct invocation inv;
	int p, m;

	(void)state;
	memset(&k, 0, sizeof(k));
	for (m = 0; m < INV_MARKS; m++) {
		assert_string_equal(inv_marks[m].name, mark_names[m]);
		assert_int_equal(inv_marks[m].off, (size_t)m * sizeof(uint64_t));
		inv_set_mark(&k, m, 1000u + (unsigned)m);
	}
	assert_int_equal(sizeof(k), INV_MARKS * sizeof(uint64_t));
	assert_int_equal(k.exec_enter, 1000);
	assert_int_equal(k.response_sent, 1000 + MARK_RESPONSE_SENT);
	assert_int_equal(k.root_exit, 1000 + MARK_ROOT_EXIT);

	memset(&inv, 0, sizeof(inv));
	for (p = 0; p < INV_PHASES; p++)
		inv_set_phase_ms(&inv, p, 10.0 + p);
	assert_ms(inv.exec_ms, 10.0);
	assert_ms(inv.connect_ms, 11.0);
	assert_ms(inv.init_ms, 12.0);
	assert_ms(inv.wait_ms, 13.0);
	assert_ms(inv.handler_ms, 14.0);
	assert_ms(inv.total_ms, 15.0);
	assert_string_equal(inv_phases[PHASE_EXEC].name, "exec");
	assert_string_equal(inv_phases[PHASE_CONNECT].name, "connect");
	assert_string_equal(inv_phases[PHASE_INIT].name, "init");
	assert_string_equal(inv_phases[PHASE_WAIT].name, "wait");
	assert_string_equal(inv_phases[PHASE_HANDLER].name, "handler");
	assert_string_equal(inv_phases[PHASE_TOTAL].name, "total");

	for (p = 0; p < INV_PHASES; p++) {
		const struct inv_phase_def *d = &inv_phases[p];
		int depth = 0;

		/* every phase nests in total, which nests in nothing */
		for (int q = d->parent; q != PHASE_NONE; q = inv_phases[q].parent)
			assert_true(++depth < INV_PHASES);
		assert_int_equal(p == PHASE_TOTAL, d->parent == PHASE_NONE);
		/* a phase lies within its parent: same or later start, same or earlier end */
		if (d->parent != PHASE_NONE) {
			const struct inv_phase_def *up = &inv_phases[d->parent];

			assert_true(d->from >= up->from);
			assert_true(d->to <= up->to);
		}
		assert_true(d->from < d->to);
		/* the guide's fields are the ones userspace timing measures */
		assert_int_equal(d->headline, p == PHASE_INIT || p == PHASE_HANDLER ||
					      p == PHASE_TOTAL);
		assert_int_equal(d->userspace, d->headline);
		assert_int_equal(d->help == NULL, p == PHASE_CONNECT);
	}
}

static void test_outcome_names(void **state)
{
	(void)state;
	assert_string_equal(inv_outcome_name(INV_OK), "ok");
	assert_string_equal(inv_outcome_name(INV_FUNCTION_ERROR), "function_error");
	assert_string_equal(inv_outcome_name(INV_INIT_ERROR), "init_error");
	assert_string_equal(inv_outcome_name(INV_EXITED), "exited");
	assert_string_equal(inv_outcome_name(INV_INIT_TIMEOUT), "init_timeout");
	assert_string_equal(inv_outcome_name(INV_TIMEOUT), "timeout");
	assert_string_equal(inv_outcome_name(INV_SPAWN_FAILED), "spawn_failed");
	assert_string_equal(inv_outcome_name(INV_TRACE_INCOMPLETE), "trace_incomplete");
	assert_string_equal(inv_outcome_name(INV_INTERRUPTED), "interrupted");
	assert_string_equal(inv_outcome_name(INV_OUT_OF_MEMORY), "out_of_memory");
	assert_string_equal(inv_outcome_name((enum inv_outcome)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phases),
		cmocka_unit_test(test_userspace_phases),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_outcome_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
