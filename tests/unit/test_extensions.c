/* Where extensions come from: one path at a time, or a layer root's extensions/ folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "extensions.h"

static void make_file(const char *dir, const char *name, mode_t mode)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\n", f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_folder(void **state)
{
	char dir[] = "/tmp/test_extensions.XXXXXX", path[512], err[256] = "";
	struct ext_list l = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	make_file(dir, "b-ext", 0755);
	make_file(dir, "a-ext", 0755);
	make_file(dir, ".hidden", 0755);
	assert_int_equal(ext_list_folder(&l, dir, "/opt/extensions", err, sizeof(err)), 0);
	/* in name order, as Lambda starts them; dot files left out */
	assert_int_equal(l.n, 2);
	snprintf(path, sizeof(path), "%s/a-ext", dir);
	assert_string_equal(l.path[0], path);
	snprintf(path, sizeof(path), "%s/b-ext", dir);
	assert_string_equal(l.path[1], path);
	/* and where the sandbox sees them */
	assert_string_equal(l.in[0], "/opt/extensions/a-ext");
	assert_string_equal(l.in[1], "/opt/extensions/b-ext");
	/* one that cannot run is refused, named */
	make_file(dir, "c-ext", 0644);
	memset(&l, 0, sizeof(l));
	assert_int_equal(ext_list_folder(&l, dir, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "c-ext: not an executable file"));
	/* no folder: no extension (a layer without one) */
	snprintf(path, sizeof(path), "%s/nothing", dir);
	memset(&l, 0, sizeof(l));
	assert_int_equal(ext_list_folder(&l, path, NULL, err, sizeof(err)), 0);
	assert_int_equal(l.n, 0);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

static void test_add(void **state)
{
	char dir[] = "/tmp/test_extensions.XXXXXX", path[512], err[256] = "";
	struct ext_list l = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	make_file(dir, "e", 0755);
	snprintf(path, sizeof(path), "%s/e", dir);
	for (int i = 0; i < EXT_MAX; i++)
		assert_int_equal(ext_list_add(&l, path, err, sizeof(err)), 0);
	/* Lambda's limit: 10 */
	assert_int_equal(ext_list_add(&l, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "at most 10 extensions"));
	memset(&l, 0, sizeof(l));
	assert_int_equal(ext_list_add(&l, dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not an executable file"));
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(ext_list_add(&l, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

/* Init measured from the first start to the end of init, the runtime's own apart. */
static void test_conclude_init(void **state)
{
	struct ext_list l = { .n = 1, .path = { "/opt/extensions/slow" } };
	struct ext_run er = { .n = 1, .list = &l };
	struct rapi_status st = { 0 };
	struct invocation inv = { 0 };

	(void)state;
	er.p[0] = (struct ext_proc){ .pid = 42, .spawn_ns = 1000000000, .exited = true,
				     .status = 0, .exited_ns = 1900000000 };
	er.shutdown_ns = 1800000000;
	inv.spawn_ns = 1001000000;
	inv.k.exec_enter = 1001100000;
	inv.k.next_sent = 1011000000;		/* the runtime asked 10 ms in */
	inv.k.event_received = 1301000000;
	inv.k.response_sent = 1302000000;
	st.next_received_ns = 1011010000;
	st.init_done_ns = 1300000000;		/* the extension was ready 300 ms in */
	st.response_received_ns = 1302010000;
	st.post_runtime_done_ns = 1303010000;
	st.n_ext = 1;
	strcpy(st.ext[0].name, "slow");
	st.ext[0].registered_ns = 1200000000;
	st.ext[0].first_next_ns = 1300000000;
	st.ext[0].nexts = 2;
	st.ext[0].invoke = st.ext[0].shutdown = st.ext[0].shutdown_sent = true;
	inv.handler_ms = 1.0;
	ext_conclude(&er, &st, &inv);
	assert_int_equal(inv.api.n_ext, 1);
	assert_string_equal(inv.api.ext[0].name, "slow");
	assert_int_equal(inv.api.ext[0].outcome, EXT_OK);
	assert_float_equal(inv.api.ext[0].init_ms, 300.0, 1e-9);
	assert_float_equal(inv.api.ext[0].shutdown_ms, 100.0, 1e-9);
	assert_int_equal(inv.api.ext[0].exit_code, 0);
	assert_float_equal(inv.api.runtime_init_ms, 10.01, 1e-9);
	assert_float_equal(inv.api.post_runtime_ms, 1.0, 1e-9);
	assert_float_equal(inv.init_ms, 300.0, 1e-9);
	assert_float_equal(inv.wait_ms, 1.0, 1e-9);
	assert_float_equal(inv.total_ms, 302.0, 1e-9);
	api_facts_free(&inv.api);
}

/* How each way of failing is named. */
static void test_conclude_outcomes(void **state)
{
	struct ext_list l = { .n = 3, .path = { "/x/crash", "/x/never", "/x/stubborn" } };
	struct ext_run er = { .n = 3, .list = &l, .shutdown_ns = 5000 };
	struct rapi_status st = { 0 };
	struct invocation inv = { 0 };

	(void)state;
	er.p[0] = (struct ext_proc){ .pid = 1, .spawn_ns = 1, .exited = true, .status = 3 << 8,
				     .exited_ns = 10 };
	er.p[1] = (struct ext_proc){ .pid = 2, .spawn_ns = 1 };
	er.p[2] = (struct ext_proc){ .pid = 3, .spawn_ns = 1, .exited = true, .status = 9,
				     .exited_ns = 9000, .killed_at_shutdown = true };
	st.n_ext = 2;
	strcpy(st.ext[0].name, "never");
	strcpy(st.ext[1].name, "stubborn");
	st.ext[1].nexts = 3;
	st.ext[1].first_next_ns = 100;
	st.ext[1].shutdown = st.ext[1].shutdown_sent = true;
	ext_conclude(&er, &st, &inv);
	assert_int_equal(inv.api.n_ext, 3);
	assert_int_equal(inv.api.ext[0].outcome, EXT_CRASHED);
	assert_string_equal(inv.api.ext[0].reason, "exited with code 3 before its init was over");
	assert_false(inv.api.ext[0].registered);
	assert_int_equal(inv.api.ext[1].outcome, EXT_NEVER_READY);
	assert_string_equal(inv.api.ext[1].reason, "registered but never called event/next");
	assert_int_equal(inv.api.ext[2].outcome, EXT_KILLED_AT_SHUTDOWN);
	assert_int_equal(inv.api.ext[2].exit_signal, 9);
	assert_string_equal(ext_outcome_name(EXT_KILLED_AT_SHUTDOWN), "killed_at_shutdown");
	assert_string_equal(ext_outcome_name((enum ext_outcome)99), "unknown");
	api_facts_free(&inv.api);
}

/* The wait's verdicts: a crash before init is over fails the cold start, and says so. */
static void test_wait_failed(void **state)
{
	struct ext_list l = { .n = 1, .path = { "/x/e" } };
	struct ext_run er = { .n = 1, .list = &l };
	struct rapi_status st = { 0 };
	enum coldstart_wait w = CS_WAIT_ANSWERED;

	(void)state;
	er.p[0] = (struct ext_proc){ .pid = 999999999, .spawn_ns = 1 };	/* no such child */
	assert_false(ext_wait_failed(&er, &st, &w));
	assert_string_equal(er.pending, "extension e never called event/next (it never registered)");
	er.p[0].exited = true;
	er.p[0].status = 3 << 8;
	assert_true(ext_wait_failed(&er, &st, &w));
	assert_int_equal(w, CS_WAIT_EXTENSION);
	assert_string_equal(er.failure_type, "Extension.Crash");
	assert_non_null(strstr(er.failure, "extension e exited with code 3 before its init was over"));
	/* init/error says its type */
	er.p[0].exited = false;
	st.n_ext = 1;
	strcpy(st.ext[0].name, "e");
	st.ext[0].init_error = true;
	strcpy(st.ext[0].error_type, "Extension.Bad");
	assert_true(ext_wait_failed(&er, &st, &w));
	assert_string_equal(er.failure_type, "Extension.Bad");
	/* none: nothing to say, and the invocation needs nothing of them */
	er.n = 0;
	assert_false(ext_wait_failed(&er, &st, &w));
	assert_true(ext_invocation_done(&er, &st));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folder),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_conclude_init),
		cmocka_unit_test(test_conclude_outcomes),
		cmocka_unit_test(test_wait_failed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
