// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests for src/httpclass.c: request line classification and the
 * per-connection write stream. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "httpclass.h"

#define API "/2018-06-01/runtime"
#define ID "8476a536-e9f4-11e8-9739-2dfe598c3fcd"

static enum rapi_req cls(const char *s)
{
	return rapi_classify_line(s, strlen(s));
}

/* Feed a whole write whose capture is complete (cap == len). */
static enum rapi_req feed(struct httpclass_conn *c, const char *s, bool *starts)
{
	return httpclass_feed(c, s, strlen(s), strlen(s), starts);
}

/* Feed and check both the returned type and the start flag. */
#define FEED(c, s, want, want_start)                                   \
	do {                                                           \
		bool st_ = !(want_start);                              \
		assert_int_equal(feed((c), (s), &st_), (want));        \
		assert_int_equal(st_, (want_start));                   \
	} while (0)

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(rapi_req_name(RAPI_REQ_NONE), "none");
	assert_string_equal(rapi_req_name(RAPI_REQ_NEXT), "next");
	assert_string_equal(rapi_req_name(RAPI_REQ_RESPONSE), "response");
	assert_string_equal(rapi_req_name(RAPI_REQ_ERROR), "error");
	assert_string_equal(rapi_req_name(RAPI_REQ_INIT_ERROR), "init_error");
	assert_string_equal(rapi_req_name(RAPI_REQ_OTHER), "other");
	assert_string_equal(rapi_req_name((enum rapi_req)42), "unknown");
}

/* The paths rapi_proto.h gives the emulator and the classifier are Lambda's own, and the
 * classifier knows each of them as its kind. */
static void test_proto_paths(void **state)
{
	static const struct {
		const char *line;
		enum rapi_req want;
	} t[] = {
		{ "GET " RAPI_PATH_PREFIX RAPI_PATH_NEXT " HTTP/1.1\r\n", RAPI_REQ_NEXT },
		{ "POST " RAPI_PATH_PREFIX RAPI_PATH_INVOCATION "id-1/" RAPI_PATH_RESPONSE
		  " HTTP/1.1\r\n", RAPI_REQ_RESPONSE },
		{ "POST " RAPI_PATH_PREFIX RAPI_PATH_INVOCATION "id-1/" RAPI_PATH_ERROR
		  " HTTP/1.1\r\n", RAPI_REQ_ERROR },
		{ "POST " RAPI_PATH_PREFIX RAPI_PATH_INIT_ERROR " HTTP/1.1\r\n", RAPI_REQ_INIT_ERROR },
	};
	size_t k;

	(void)state;
	assert_string_equal(RAPI_PATH_PREFIX RAPI_PATH_NEXT, API "/invocation/next");
	assert_string_equal(RAPI_PATH_PREFIX RAPI_PATH_INIT_ERROR, API "/init/error");
	assert_string_equal(RAPI_PATH_PREFIX RAPI_PATH_INVOCATION "x/" RAPI_PATH_RESPONSE,
			    API "/invocation/x/response");
	assert_string_equal(RAPI_PATH_PREFIX RAPI_PATH_INVOCATION "x/" RAPI_PATH_ERROR,
			    API "/invocation/x/error");
	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++)
		assert_int_equal(rapi_classify_line(t[k].line, strlen(t[k].line)), t[k].want);
}

static void test_classify_kinds(void **state)
{
	(void)state;
	assert_int_equal(cls("GET " API "/invocation/next HTTP/1.1\r\n"), RAPI_REQ_NEXT);
	assert_int_equal(cls("POST " API "/invocation/" ID "/response HTTP/1.1\r\n"),
			 RAPI_REQ_RESPONSE);
	assert_int_equal(cls("POST " API "/invocation/" ID "/error HTTP/1.1\r\n"),
			 RAPI_REQ_ERROR);
	assert_int_equal(cls("POST " API "/init/error HTTP/1.1\r\n"), RAPI_REQ_INIT_ERROR);
	/* the target may end at CR or LF too (no version) */
	assert_int_equal(cls("GET " API "/invocation/next\r\n"), RAPI_REQ_NEXT);
	assert_int_equal(cls("POST " API "/invocation/x/response\n"), RAPI_REQ_RESPONSE);
	/* absolute-form target */
	assert_int_equal(cls("GET http://127.0.0.1:9001" API "/invocation/next HTTP/1.1"),
			 RAPI_REQ_NEXT);
	assert_int_equal(cls("GET http://127.0.0.1:9001 HTTP/1.1"), RAPI_REQ_OTHER);
}

static void test_classify_other(void **state)
{
	(void)state;
	assert_int_equal(cls("PUT /foo HTTP/1.1\r\n"), RAPI_REQ_OTHER);
	assert_int_equal(cls("HEAD / HTTP/1.1\r\n"), RAPI_REQ_OTHER);
	assert_int_equal(cls("DELETE /x HTTP/1.1\r\n"), RAPI_REQ_OTHER);
	assert_int_equal(cls("PATCH /x HTTP/1.1\r\n"), RAPI_REQ_OTHER);
	assert_int_equal(cls("OPTIONS * HTTP/1.1\r\n"), RAPI_REQ_OTHER);
	/* known paths with the wrong method */
	assert_int_equal(cls("POST " API "/invocation/next HTTP/1.1"), RAPI_REQ_OTHER);
	assert_int_equal(cls("GET " API "/invocation/" ID "/response HTTP/1.1"),
			 RAPI_REQ_OTHER);
	assert_int_equal(cls("GET " API "/init/error HTTP/1.1"), RAPI_REQ_OTHER);
	/* id must be one non-empty segment */
	assert_int_equal(cls("POST " API "/invocation//response HTTP/1.1"), RAPI_REQ_OTHER);
	assert_int_equal(cls("POST " API "/invocation/a/b/response HTTP/1.1"), RAPI_REQ_OTHER);
	assert_int_equal(cls("POST " API "/invocation/a/responses HTTP/1.1"), RAPI_REQ_OTHER);
	assert_int_equal(cls("POST " API "/invocation/a HTTP/1.1"), RAPI_REQ_OTHER);
	assert_int_equal(cls("GET " API "/invocation/nextx HTTP/1.1"), RAPI_REQ_OTHER);
	assert_int_equal(cls("GET /2018-06-01/runtime/invocation/next/ HTTP/1.1"),
			 RAPI_REQ_OTHER);
}

static void test_classify_not_requests(void **state)
{
	(void)state;
	assert_int_equal(cls(""), RAPI_REQ_NONE);
	assert_int_equal(rapi_classify_line(NULL, 10), RAPI_REQ_NONE);
	assert_int_equal(cls("FOO /x HTTP/1.1\r\n"), RAPI_REQ_NONE);
	assert_int_equal(cls("get /x HTTP/1.1\r\n"), RAPI_REQ_NONE);	/* case-sensitive */
	assert_int_equal(cls("GET/x HTTP/1.1\r\n"), RAPI_REQ_NONE);
	assert_int_equal(cls("{\"ok\":true}"), RAPI_REQ_NONE);
	assert_int_equal(cls("HTTP/1.1 200 OK\r\n"), RAPI_REQ_NONE);
}

static void test_classify_query(void **state)
{
	(void)state;
	assert_int_equal(cls("GET " API "/invocation/next?x=1 HTTP/1.1"), RAPI_REQ_NEXT);
	assert_int_equal(cls("GET " API "/invocation/next? HTTP/1.1"), RAPI_REQ_NEXT);
	assert_int_equal(cls("POST " API "/invocation/abc/response?a=b&c=/d HTTP/1.1"),
			 RAPI_REQ_RESPONSE);
	assert_int_equal(cls("POST " API "/invocation/abc/error?q HTTP/1.1"), RAPI_REQ_ERROR);
	assert_int_equal(cls("POST " API "/init/error?x HTTP/1.1"), RAPI_REQ_INIT_ERROR);
	/* the query does not hide a wrong path */
	assert_int_equal(cls("GET " API "/invocation?next HTTP/1.1"), RAPI_REQ_OTHER);
}

static void test_classify_incomplete(void **state)
{
	const char *full = "GET " API "/invocation/next HTTP/1.1\r\n";

	(void)state;
	assert_int_equal(cls("GET " API "/invocation/next"), RAPI_REQ_NONE);
	assert_int_equal(cls("GET "), RAPI_REQ_NONE);
	assert_int_equal(cls("POST"), RAPI_REQ_NONE);
	assert_int_equal(cls("POST " API "/invocation/abc/resp"), RAPI_REQ_NONE);
	/* len, not the NUL, bounds the line */
	assert_int_equal(rapi_classify_line(full, strlen("GET " API "/invocation/next")),
			 RAPI_REQ_NONE);
	assert_int_equal(rapi_classify_line(full, strlen("GET " API "/invocation/next ")),
			 RAPI_REQ_NEXT);
}

static void test_feed_single_writes(void **state)
{
	struct httpclass_conn c;

	(void)state;
	httpclass_init(&c);
	FEED(&c, "GET " API "/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n", RAPI_REQ_NEXT, true);
	assert_int_equal(c.requests, 1);
	assert_false(c.in_line);
	FEED(&c, "POST " API "/init/error HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
	     RAPI_REQ_INIT_ERROR, true);
	assert_int_equal(c.requests, 2);
}

static void test_feed_split_two(void **state)
{
	struct httpclass_conn c;

	(void)state;
	httpclass_init(&c);
	FEED(&c, "GET " API "/inv", RAPI_REQ_NONE, true);
	assert_true(c.in_line);
	FEED(&c, "ocation/next HTTP/1.1\r\nHost: x\r\n\r\n", RAPI_REQ_NEXT, false);
	assert_false(c.in_line);
	assert_int_equal(c.current, RAPI_REQ_NEXT);
	assert_int_equal(c.requests, 1);
}

static void test_feed_split_three_in_method(void **state)
{
	struct httpclass_conn c;

	(void)state;
	httpclass_init(&c);
	FEED(&c, "PO", RAPI_REQ_NONE, true);
	FEED(&c, "ST " API "/invocation/" ID, RAPI_REQ_NONE, false);
	FEED(&c, "/response HTTP/1.1\r\nContent-Length: 2\r\n\r\n", RAPI_REQ_RESPONSE, false);
	FEED(&c, "{}", RAPI_REQ_RESPONSE, false);
	assert_int_equal(c.requests, 1);

	/* method complete but no SP yet, then the rest */
	httpclass_init(&c);
	FEED(&c, "POST", RAPI_REQ_NONE, true);
	FEED(&c, " " API "/init/error HTTP/1.1\r\n\r\n", RAPI_REQ_INIT_ERROR, false);
	assert_int_equal(c.requests, 1);
}

static void test_feed_headers_body_separate(void **state)
{
	struct httpclass_conn c;

	(void)state;
	httpclass_init(&c);
	FEED(&c, "POST " API "/invocation/abc/error HTTP/1.1\r\n", RAPI_REQ_ERROR, true);
	FEED(&c, "Host: 127.0.0.1:9001\r\nLambda-Runtime-Function-Error-Type: Function.X\r\n",
	     RAPI_REQ_ERROR, false);
	FEED(&c, "Content-Length: 40\r\n\r\n", RAPI_REQ_ERROR, false);
	FEED(&c, "{\"errorMessage\":\"boom\",\"errorType\":\"X\"}", RAPI_REQ_ERROR, false);
	assert_int_equal(c.requests, 1);
}

static void test_feed_pipelined_keepalive(void **state)
{
	struct httpclass_conn c;

	(void)state;
	httpclass_init(&c);
	FEED(&c, "GET " API "/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n", RAPI_REQ_NEXT, true);
	FEED(&c, "POST " API "/invocation/abc/response HTTP/1.1\r\nContent-Length: 5\r\n\r\n",
	     RAPI_REQ_RESPONSE, true);
	FEED(&c, "hello", RAPI_REQ_RESPONSE, false);
	FEED(&c, "GET " API "/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n", RAPI_REQ_NEXT, true);
	assert_int_equal(c.requests, 3);
}

static void test_feed_100_continue(void **state)
{
	struct httpclass_conn c;
	char body[4096];
	bool st = true;

	(void)state;
	memset(body, 'x', sizeof(body));
	body[0] = '{';
	httpclass_init(&c);
	FEED(&c, "POST " API "/invocation/abc/response HTTP/1.1\r\nHost: x\r\n"
		 "Expect: 100-continue\r\nContent-Length: 4096\r\n\r\n",
	     RAPI_REQ_RESPONSE, true);
	/* the body goes after the server's "100 Continue"; capture is 128 bytes */
	assert_int_equal(httpclass_feed(&c, body, 128, sizeof(body), &st), RAPI_REQ_RESPONSE);
	assert_false(st);
	assert_int_equal(c.requests, 1);
}

static void test_feed_chunked(void **state)
{
	struct httpclass_conn c;

	(void)state;
	httpclass_init(&c);
	FEED(&c, "POST " API "/invocation/abc/response HTTP/1.1\r\nHost: x\r\n"
		 "Transfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n",
	     RAPI_REQ_RESPONSE, true);
	FEED(&c, "5\r\nhello\r\n", RAPI_REQ_RESPONSE, false);
	FEED(&c, "1a\r\nabcdefghijklmnopqrstuvwxyz\r\n", RAPI_REQ_RESPONSE, false);
	FEED(&c, "0\r\nX-T: 1\r\n\r\n", RAPI_REQ_RESPONSE, false);
	FEED(&c, "GET " API "/invocation/next HTTP/1.1\r\n\r\n", RAPI_REQ_NEXT, true);
	assert_int_equal(c.requests, 2);
}

static void test_feed_truncated_capture(void **state)
{
	const char *w = "POST " API "/invocation/" ID "/response HTTP/1.1\r\n";
	struct httpclass_conn c;
	bool st = false;

	(void)state;
	/* only 10 of the bytes were captured: the line can never complete */
	httpclass_init(&c);
	assert_int_equal(httpclass_feed(&c, w, 10, strlen(w), &st), RAPI_REQ_OTHER);
	assert_true(st);
	assert_false(c.in_line);
	FEED(&c, "{}", RAPI_REQ_OTHER, false);

	/* split line whose second write's capture is truncated */
	httpclass_init(&c);
	FEED(&c, "POST " API "/invoc", RAPI_REQ_NONE, true);
	assert_int_equal(httpclass_feed(&c, "ation/abc", 9, 500, &st), RAPI_REQ_OTHER);
	assert_false(st);
	assert_false(c.in_line);

	/* truncated, but the line ended within the capture: still classified */
	httpclass_init(&c);
	assert_int_equal(httpclass_feed(&c, w, strlen(w) - 4, 300, &st), RAPI_REQ_RESPONSE);
	assert_true(st);

	/* cap larger than len is clamped to len */
	httpclass_init(&c);
	assert_int_equal(httpclass_feed(&c, "GET /x HTTP/1.1", 15, 6, &st), RAPI_REQ_NONE);
	assert_true(st);
	assert_true(c.in_line);
	assert_int_equal(c.line_len, 6);
}

static void test_feed_overflow(void **state)
{
	struct httpclass_conn c;
	char chunk[100];
	bool st = true;

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	httpclass_init(&c);
	FEED(&c, "GET /", RAPI_REQ_NONE, true);
	/* 5 + 100 + 100 = 205 <= 256: still waiting for the end of the path */
	assert_int_equal(httpclass_feed(&c, chunk, sizeof(chunk), sizeof(chunk), &st),
			 RAPI_REQ_NONE);
	assert_int_equal(httpclass_feed(&c, chunk, sizeof(chunk), sizeof(chunk), &st),
			 RAPI_REQ_NONE);
	assert_false(st);
	assert_int_equal(c.line_len, 205);
	/* this one does not fit */
	assert_int_equal(httpclass_feed(&c, chunk, sizeof(chunk), sizeof(chunk), &st),
			 RAPI_REQ_OTHER);
	assert_false(st);
	assert_false(c.in_line);
	FEED(&c, " HTTP/1.1\r\n\r\n", RAPI_REQ_OTHER, false);
	assert_int_equal(c.requests, 1);
}

static void test_feed_continuations_and_limits(void **state)
{
	struct httpclass_conn c;
	bool st = true;

	(void)state;
	/* bytes before any request line: nothing to attribute them to */
	httpclass_init(&c);
	FEED(&c, "hello", RAPI_REQ_NONE, false);
	assert_int_equal(c.requests, 0);

	/* a capture fault (cap 0) continues the current request */
	FEED(&c, "GET " API "/invocation/next HTTP/1.1\r\n\r\n", RAPI_REQ_NEXT, true);
	assert_int_equal(httpclass_feed(&c, NULL, 0, 77, &st), RAPI_REQ_NEXT);
	assert_false(st);

	/* a "method prefix" that turns out not to be one */
	httpclass_init(&c);
	FEED(&c, "P", RAPI_REQ_NONE, true);
	FEED(&c, "ing\r\n", RAPI_REQ_OTHER, false);

	/* documented limit: a body write that begins with a request line is
	 * taken for a new request */
	httpclass_init(&c);
	FEED(&c, "POST " API "/invocation/abc/response HTTP/1.1\r\n\r\n",
	     RAPI_REQ_RESPONSE, true);
	FEED(&c, "GET /not-a-request HTTP/1.1", RAPI_REQ_OTHER, true);
	assert_int_equal(c.requests, 2);

	/* NULL state and NULL starts are accepted */
	assert_int_equal(httpclass_feed(NULL, "GET / ", 6, 6, &st), RAPI_REQ_NONE);
	assert_false(st);
	httpclass_init(&c);
	assert_int_equal(httpclass_feed(&c, "GET / ", 6, 6, NULL), RAPI_REQ_OTHER);
	httpclass_init(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_proto_paths),
		cmocka_unit_test(test_classify_kinds),
		cmocka_unit_test(test_classify_other),
		cmocka_unit_test(test_classify_not_requests),
		cmocka_unit_test(test_classify_query),
		cmocka_unit_test(test_classify_incomplete),
		cmocka_unit_test(test_feed_single_writes),
		cmocka_unit_test(test_feed_split_two),
		cmocka_unit_test(test_feed_split_three_in_method),
		cmocka_unit_test(test_feed_headers_body_separate),
		cmocka_unit_test(test_feed_pipelined_keepalive),
		cmocka_unit_test(test_feed_100_continue),
		cmocka_unit_test(test_feed_chunked),
		cmocka_unit_test(test_feed_truncated_capture),
		cmocka_unit_test(test_feed_overflow),
		cmocka_unit_test(test_feed_continuations_and_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
