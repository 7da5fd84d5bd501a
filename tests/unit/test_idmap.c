// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests for src/idmap.c: dense indices in first-seen order, growth, the caller's table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "idmap.h"

/* Indices are 0, 1, 2, ... in the order keys are first seen; a key seen again keeps its own. */
static void test_dense_first_seen(void **state)
{
	static const uint32_t keys[] = { 42, 0, UINT32_MAX, 7, 42, 0, 100000, UINT32_MAX, 7 };
	static const long want[] = { 0, 1, 2, 3, 0, 1, 4, 2, 3 };
	static const bool fresh[] = { true, true, true, true, false, false, true, false, false };
	struct idmap m = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		bool added = !fresh[i];

		assert_int_equal(idmap_index(&m, keys[i], &added), want[i]);
		assert_int_equal(added, fresh[i]);
	}
	assert_int_equal(m.n, 5);
	idmap_free(&m);
	assert_int_equal(m.n, 0);
	assert_null(m.key);
}

/* Many keys, among them runs that collide in a small table: every index stays right while
 * the table doubles, and it never gets more than half full. */
static void test_growth(void **state)
{
	enum { N = 20000 };
	struct idmap m = { 0 };
	bool added;

	(void)state;
	for (uint32_t i = 0; i < N; i++) {
		/* multiples of 64 first, then the numbers between them */
		uint32_t k = i < N / 2 ? i * 64 : (i - N / 2) * 64 + 1;

		assert_int_equal(idmap_index(&m, k, &added), (long)i);
		assert_true(added);
		assert_true(m.n * 2 <= m.cap);
		assert_int_equal(m.cap & (m.cap - 1), 0);
	}
	for (uint32_t i = 0; i < N; i++) {
		uint32_t k = i < N / 2 ? i * 64 : (i - N / 2) * 64 + 1;

		assert_int_equal(idmap_index(&m, k, &added), (long)i);
		assert_false(added);
	}
	assert_int_equal(m.n, N);
	idmap_free(&m);

	/* empty again: usable from scratch */
	assert_int_equal(idmap_index(&m, 5, &added), 0);
	assert_true(added);
	idmap_free(&m);
	idmap_free(&m);		/* twice: nothing left to free */
}

/* The caller's table: room for one more entry than the map holds, from 16 by doubling,
 * its contents kept. */
static void test_reserve(void **state)
{
	struct idmap m = { 0 };
	uint64_t *tab = NULL;
	size_t cap = 0;
	bool added;

	(void)state;
	assert_int_equal(idmap_reserve(&m, (void **)&tab, &cap, sizeof(*tab)), 0);
	assert_int_equal(cap, 16);
	assert_non_null(tab);
	for (uint32_t i = 0; i < 100; i++) {
		long x;

		assert_int_equal(idmap_reserve(&m, (void **)&tab, &cap, sizeof(*tab)), 0);
		assert_true(cap > m.n);
		x = idmap_index(&m, 1000 - i, &added);
		assert_int_equal(x, (long)i);
		tab[x] = 1000 - i;
	}
	assert_int_equal(cap, 128);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(tab[i], 1000 - i);
	/* enough room already: nothing changes */
	{
		uint64_t *before = tab;

		assert_int_equal(idmap_reserve(&m, (void **)&tab, &cap, sizeof(*tab)), 0);
		assert_ptr_equal(tab, before);
		assert_int_equal(cap, 128);
	}
	free(tab);
	idmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dense_first_seen),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_reserve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
