/* Unit tests of the pure parts of src/cgroup.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_share),
		cmocka_unit_test(test_parse_self_v1),
		cmocka_unit_test(test_parse_self_v2),
		cmocka_unit_test(test_parse_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
