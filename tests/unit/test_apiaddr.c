// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests for src/apiaddr.c: HOST:PORT as --api and AWS_LAMBDA_RUNTIME_API give it, the
 * environment block of a process (a file in a folder of the test's own), and the match against
 * the sockaddr a CONNECT event captured. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "apiaddr.h"

static void assert_v4(const char *s, const char *dotted, uint16_t port)
{
	struct api_addr a;
	uint8_t want[4];

	assert_int_equal(inet_pton(AF_INET, dotted, want), 1);
	if (api_addr_parse(s, &a) != 0)
		fail_msg("'%s' did not parse", s);
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(a.addr, want, 4);
	assert_int_equal(a.port, port);
}

static void assert_v6(const char *s, const char *text, uint16_t port)
{
	struct api_addr a;
	uint8_t want[16];

	assert_int_equal(inet_pton(AF_INET6, text, want), 1);
	if (api_addr_parse(s, &a) != 0)
		fail_msg("'%s' did not parse", s);
	assert_int_equal(a.family, AF_INET6);
	assert_memory_equal(a.addr, want, 16);
	assert_int_equal(a.port, port);
}

static void assert_refused(const char *s)
{
	struct api_addr a;

	memset(&a, 0x5a, sizeof(a));
	if (api_addr_parse(s, &a) != -1)
		fail_msg("'%s' was taken", s);
	assert_int_equal(a.family, 0);
}

static void test_ipv4(void **state)
{
	(void)state;
	assert_v4("127.0.0.1:9001", "127.0.0.1", 9001);
	assert_v4("10.1.2.3:1", "10.1.2.3", 1);
	assert_v4("192.168.255.254:65535", "192.168.255.254", 65535);
	assert_v4("0.0.0.0:80", "0.0.0.0", 80);
}

static void test_ipv6(void **state)
{
	(void)state;
	assert_v6("[::1]:9001", "::1", 9001);
	assert_v6("[2001:db8::5]:8080", "2001:db8::5", 8080);
	assert_v6("[::ffff:127.0.0.1]:9001", "::ffff:127.0.0.1", 9001);
	/* bare: the last colon separates the port */
	assert_v6("::1:9001", "::1", 9001);
	assert_v6("fe80::1:2:80", "fe80::1:2", 80);
}

static void test_localhost(void **state)
{
	(void)state;
	assert_v4("localhost:9001", "127.0.0.1", 9001);
	assert_v4("[localhost]:9001", "127.0.0.1", 9001);
	/* no name is resolved: only localhost, spelt so */
	assert_refused("LOCALHOST:9001");
	assert_refused("localhost.localdomain:9001");
	assert_refused("example.com:9001");
}

static void test_bad_ports(void **state)
{
	(void)state;
	assert_refused("127.0.0.1:0");
	assert_refused("127.0.0.1:65536");
	assert_refused("127.0.0.1:4294967297");		/* 2^32 + 1: no wrap-around */
	assert_refused("127.0.0.1:-1");
	assert_refused("127.0.0.1:");
	assert_refused("127.0.0.1:http");
	assert_refused("127.0.0.1");			/* no port */
	assert_refused("[::1]");
	assert_refused(":9001");			/* no host */
	assert_refused("");
}

static void test_trailing_garbage(void **state)
{
	char longhost[300];

	(void)state;
	assert_refused("127.0.0.1:9001x");
	assert_refused("127.0.0.1:9001 ");
	assert_refused("127.0.0.1:90 01");
	assert_refused("127.0.0.1x:9001");
	assert_refused("127.0.0.1.5:9001");
	assert_refused("127.0.0.1 :9001");
	assert_refused("[::1]x:9001");
	assert_refused("[::1:9001");
	assert_refused("[]:9001");
	assert_refused("[:::9001");
	/* a host longer than any address */
	memset(longhost, '1', sizeof(longhost));
	strcpy(longhost + sizeof(longhost) - 6, ":9001");
	assert_refused(longhost);
}

/* The sockaddr a CONNECT event captured, as the tracer copies it (struct sockaddr_in[6]). */
static struct prof_event connect_v4(const char *dotted, uint16_t port)
{
	struct prof_event e;
	struct sockaddr_in sa;

	memset(&e, 0, sizeof(e));
	memset(&sa, 0, sizeof(sa));
	e.type = PROF_EV_CONNECT;
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, dotted, &sa.sin_addr), 1);
	memcpy(e.data, &sa, sizeof(sa));
	e.cap_len = sizeof(sa);
	return e;
}

static struct prof_event connect_v6(const char *text, uint16_t port)
{
	struct prof_event e;
	struct sockaddr_in6 sa;

	memset(&e, 0, sizeof(e));
	memset(&sa, 0, sizeof(sa));
	e.type = PROF_EV_CONNECT;
	e.flags = PROF_F_IPV6;
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons(port);
	assert_int_equal(inet_pton(AF_INET6, text, &sa.sin6_addr), 1);
	memcpy(e.data, &sa, sizeof(sa));
	e.cap_len = sizeof(sa);
	return e;
}

static void test_connect_matches(void **state)
{
	struct api_addr v4, v6;
	struct prof_event e;

	(void)state;
	assert_int_equal(api_addr_parse("127.0.0.1:9001", &v4), 0);
	assert_int_equal(api_addr_parse("[::1]:9001", &v6), 0);

	e = connect_v4("127.0.0.1", 9001);
	assert_true(api_addr_connect_matches(&e, &v4));
	assert_false(api_addr_connect_matches(&e, &v6));
	e = connect_v4("127.0.0.1", 9002);
	assert_false(api_addr_connect_matches(&e, &v4));
	e = connect_v4("127.0.0.2", 9001);
	assert_false(api_addr_connect_matches(&e, &v4));

	e = connect_v6("::1", 9001);
	assert_true(api_addr_connect_matches(&e, &v6));
	assert_false(api_addr_connect_matches(&e, &v4));
	e = connect_v6("::2", 9001);
	assert_false(api_addr_connect_matches(&e, &v6));
	e = connect_v6("::1", 80);
	assert_false(api_addr_connect_matches(&e, &v6));

	/* an IPv4 API address reached through an IPv6 socket: ::ffff:127.0.0.1 */
	e = connect_v6("::ffff:127.0.0.1", 9001);
	assert_true(api_addr_connect_matches(&e, &v4));
	assert_false(api_addr_connect_matches(&e, &v6));
	e = connect_v6("::ffff:127.0.0.2", 9001);
	assert_false(api_addr_connect_matches(&e, &v4));
	e = connect_v6("::127.0.0.1", 9001);	/* IPv4-compatible, not mapped */
	assert_false(api_addr_connect_matches(&e, &v4));
	e = connect_v6("::ffff:127.0.0.1", 9002);
	assert_false(api_addr_connect_matches(&e, &v4));

	/* captures too short for their family, and other families */
	e = connect_v6("::1", 9001);
	e.cap_len = 23;
	assert_false(api_addr_connect_matches(&e, &v6));
	e = connect_v4("127.0.0.1", 9001);
	e.cap_len = 7;
	assert_false(api_addr_connect_matches(&e, &v4));
	e.cap_len = 8;
	assert_true(api_addr_connect_matches(&e, &v4));
	e = connect_v4("127.0.0.1", 9001);
	{
		uint16_t unix_family = AF_UNIX;

		memcpy(e.data, &unix_family, sizeof(unix_family));
	}
	assert_false(api_addr_connect_matches(&e, &v4));
}

/* --- the environment block, from files in a folder of the test's own ------------ */

static char tmpdir[PATH_MAX];

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/profiler-test-apiaddr.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A file in the folder holding the len bytes of env; its path. */
static const char *environ_file(const char *name, const char *env, size_t len)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(env, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

#define ENV(s) s, sizeof(s) - 1	/* the bytes of a literal, its NULs included */

static void test_environ(void **state)
{
	struct api_addr a;
	const char *p;

	(void)state;
	p = environ_file("ok", ENV("PATH=/usr/bin:/bin\0AWS_LAMBDA_RUNTIME_API=127.0.0.1:9009\0"
				   "HOME=/\0"));
	assert_int_equal(api_addr_from_environ(p, &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.port, 9009);

	/* the last entry without its NUL; an IPv6 address */
	p = environ_file("last", ENV("A=1\0AWS_LAMBDA_RUNTIME_API=[::1]:7000"));
	assert_int_equal(api_addr_from_environ(p, &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.port, 7000);

	/* the first entry of the name decides */
	p = environ_file("first", ENV("AWS_LAMBDA_RUNTIME_API=nowhere:1\0"
				      "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001\0"));
	assert_int_equal(api_addr_from_environ(p, &a), -1);
	assert_int_equal(a.family, 0);

	/* names that only look like it */
	p = environ_file("like", ENV("AWS_LAMBDA_RUNTIME_API_X=127.0.0.1:1\0"
				     "XAWS_LAMBDA_RUNTIME_API=127.0.0.1:2\0"
				     "aws_lambda_runtime_api=127.0.0.1:3\0"
				     "V=AWS_LAMBDA_RUNTIME_API=127.0.0.1:4\0"));
	assert_int_equal(api_addr_from_environ(p, &a), -1);

	p = environ_file("bad", ENV("AWS_LAMBDA_RUNTIME_API=127.0.0.1:0\0"));
	assert_int_equal(api_addr_from_environ(p, &a), -1);
	p = environ_file("empty_value", ENV("AWS_LAMBDA_RUNTIME_API=\0"));
	assert_int_equal(api_addr_from_environ(p, &a), -1);
	p = environ_file("empty", ENV(""));
	assert_int_equal(api_addr_from_environ(p, &a), -1);

	/* a file that cannot be read leaves *a as it was */
	memset(&a, 0x5a, sizeof(a));
	assert_int_equal(api_addr_from_environ("/nonexistent/environ", &a), -1);
	assert_int_equal(a.port, 0x5a5a);
	assert_int_equal(api_addr_from_environ(tmpdir, &a), -1);	/* a folder */
	assert_int_equal(a.port, 0x5a5a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_localhost),
		cmocka_unit_test(test_bad_ports),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_connect_matches),
		cmocka_unit_test(test_environ),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
