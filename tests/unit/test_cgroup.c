/* Unit tests of the pure parts of src/cgroup.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cgroup.h"

static void test_cpu_share(void **state)
{
	(void)state;
	/* 1769 MB buys one vCPU; linear below and above */
	assert_true(cg_lambda_vcpus(1769) == 1.0);
	assert_true(cg_lambda_vcpus(3538) == 2.0);
	assert_in_range((uint64_t)(cg_lambda_vcpus(128) * 1e6), 72357, 72358);	/* 0.0723572... */
	/* quota per 100 ms period, rounded to the µs */
	assert_int_equal(cg_cfs_quota_us(128), 7236);		/* 12800000 / 1769 = 7235.7 */
	assert_int_equal(cg_cfs_quota_us(1769), 100000);
	assert_int_equal(cg_cfs_quota_us(10240), 578858);	/* 1024000000 / 1769 = 578858.1 */
	assert_int_equal(cg_cfs_quota_us(1), 1000);		/* floor the kernel accepts */
}

static void test_parse_self_v1(void **state)
{
	const char *t = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/6dc4\n"
			"2:cpu,cpuacct:/svc\n1:cpuset:/\n0::/\n";
	char p[256];

	(void)state;
	assert_int_equal(cg_parse_self(t, "memory", p, sizeof(p)), 0);
	assert_string_equal(p, "/process_api/6dc4");
	assert_int_equal(cg_parse_self(t, "cpu", p, sizeof(p)), 0);
	assert_string_equal(p, "/svc");
	assert_int_equal(cg_parse_self(t, "cpuacct", p, sizeof(p)), 0);
	assert_string_equal(p, "/svc");
	assert_int_equal(cg_parse_self(t, NULL, p, sizeof(p)), 0);	/* the unified line */
	assert_string_equal(p, "/");
	assert_int_equal(cg_parse_self(t, "blkio", p, sizeof(p)), -1);
	assert_int_equal(cg_parse_self(t, "cpus", p, sizeof(p)), -1);	/* no prefix match */
}

static void test_parse_self_v2(void **state)
{
	char p[256];

	(void)state;
	assert_int_equal(cg_parse_self("0::/user.slice/session-1.scope\n", NULL, p, sizeof(p)), 0);
	assert_string_equal(p, "/user.slice/session-1.scope");
	assert_int_equal(cg_parse_self("0::/a\n", "memory", p, sizeof(p)), -1);
	assert_int_equal(cg_parse_self("", NULL, p, sizeof(p)), -1);
	assert_int_equal(cg_parse_self("garbage without colons\n", NULL, p, sizeof(p)), -1);
	assert_int_equal(cg_parse_self("0::/abcdef\n", NULL, p, 4), -1);	/* does not fit */
}

static void test_parse_oom(void **state)
{
	uint64_t n = 99;

	(void)state;
	/* v1 memory.oom_control */
	assert_int_equal(cg_parse_oom_kills("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", &n), 0);
	assert_int_equal(n, 3);
	/* v2 memory.events */
	assert_int_equal(cg_parse_oom_kills("low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n",
					    &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(cg_parse_oom_kills("oom_kill_disable 0\nunder_oom 0\n", &n), -1);
}

static void test_parse_pids_events(void **state)
{
	uint64_t n = 99;

	(void)state;
	/* v1 and v2 pids.events */
	assert_int_equal(cg_parse_pids_max_events("max 0\n", &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(cg_parse_pids_max_events("max 1234\n", &n), 0);
	assert_int_equal(n, 1234);
	/* later kernels: max.imposed beside it, in either order; no newline at the end */
	assert_int_equal(cg_parse_pids_max_events("max.imposed 7\nmax 3", &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(cg_parse_pids_max_events("max 5\nmax.imposed 7\n", &n), 0);
	assert_int_equal(n, 5);
	n = 99;
	assert_int_equal(cg_parse_pids_max_events("max.imposed 7\n", &n), -1);
	assert_int_equal(cg_parse_pids_max_events("", &n), -1);
	assert_int_equal(cg_parse_pids_max_events("max x\n", &n), -1);
	assert_int_equal(cg_parse_pids_max_events("max 3x\n", &n), -1);
	assert_int_equal(cg_parse_pids_max_events("maximum 3\n", &n), -1);
	assert_int_equal(n, 99);
}

static void test_parse_name(void **state)
{
	unsigned n = 0;
	pid_t pid = 0;

	(void)state;
	assert_int_equal(cg_parse_name("profiler-1234-2", &pid, &n), 0);
	assert_int_equal(pid, 1234);
	assert_int_equal(n, 2);
	assert_int_equal(cg_parse_name("profiler-2147483647-4294967295", &pid, &n), 0);
	assert_int_equal(pid, 2147483647);
	assert_int_equal(n, 4294967295u);
	/* anything else is not ours: never touched */
	static const char *const others[] = {
		"profiler-probe-1234",		/* cg_host_detect's probe */
		"profiler-1234", "profiler-1234-", "profiler--2", "profiler-1234-2x",
		"profiler-1234-2-3", "profiler-x-2", "xprofiler-1234-2", "Profiler-1234-2",
		"profiler-0-1", "profiler-1234-0",	/* no pid 0, cold starts count from 1 */
		"profiler-01234-2", "profiler-1234-02",	/* one spelling per number */
		"profiler-2147483648-1",		/* no such pid */
		"profiler-1-4294967296", "profiler-99999999999999999999-1",
		"profiler- 12-1", "profiler-+12-1", "profiler-12-+1", "",
	};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		pid = 77;
		n = 77;
		if (cg_parse_name(others[i], &pid, &n) != -1)
			fail_msg("'%s' parsed as a profiler cgroup", others[i]);
		assert_int_equal(pid, 77);
		assert_int_equal(n, 77);
	}
}

/* a host where pids 100 and 200 run, and no other */
static bool fake_alive(pid_t pid)
{
	return pid == 100 || pid == 200;
}

static void test_is_stale(void **state)
{
	(void)state;
	/* a profiler that runs: never touched */
	assert_false(cg_is_stale("profiler-100-1", 300, fake_alive));
	assert_false(cg_is_stale("profiler-200-7", 300, fake_alive));
	/* one that does not: stale */
	assert_true(cg_is_stale("profiler-150-1", 300, fake_alive));
	assert_true(cg_is_stale("profiler-150-2", 100, fake_alive));
	/* our own pid before we made any: an earlier process's */
	assert_true(cg_is_stale("profiler-100-3", 100, fake_alive));
	/* not ours by its name, whoever runs */
	assert_false(cg_is_stale("profiler-probe-150", 300, fake_alive));
	assert_false(cg_is_stale("session-150-1", 300, fake_alive));
	assert_false(cg_is_stale("profiler-0-1", 300, fake_alive));
}

static void test_pid_alive(void **state)
{
	(void)state;
	assert_true(cg_pid_alive(getpid()));
	assert_true(cg_pid_alive(1));		/* init: alive, even when we may not signal it */
	assert_false(cg_pid_alive(2147483647));	/* above pid_max */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_share),
		cmocka_unit_test(test_parse_self_v1),
		cmocka_unit_test(test_parse_self_v2),
		cmocka_unit_test(test_parse_oom),
		cmocka_unit_test(test_parse_pids_events),
		cmocka_unit_test(test_parse_name),
		cmocka_unit_test(test_is_stale),
		cmocka_unit_test(test_pid_alive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
