// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests for src/timeline.c: recorded event sequences -> marks, counters
 * and phases. Times are written in ns so the expected ms are exact. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "coldstart.h"
#include "timeline.h"
#include "test_helpers.h"

#define ROOT 100u
#define API "/2018-06-01/runtime"
#define GET_NEXT "GET " API "/invocation/next HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n\r\n"
#define POST_RESP \
	"POST " API "/invocation/abc/response HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n"
#define POST_ERR "POST " API "/invocation/abc/error HTTP/1.1\r\nContent-Length: 2\r\n\r\n"
#define POST_INIT_ERR "POST " API "/init/error HTTP/1.1\r\nContent-Length: 2\r\n\r\n"
#define BODY "{\"ok\":true}"
#define EXITED(code) ((uint64_t)(code) << 8)	/* wait status of exit(code) */

/* Exact comparison of a phase: the inputs are chosen so that ns/1e6 is the
 * correctly rounded value of the decimal literal. */
#define assert_ms(actual, expected)                                             \
	do {                                                                    \
		double a_ = (actual), e_ = (expected);                          \
		if (a_ != e_)                                                   \
			fail_msg("%s = %.9f, expected %.9f", #actual, a_, e_);  \
	} while (0)

/* timeline_build on the events in time order, as coldstart_build hands them over. */
static int build(const struct prof_event *ev, size_t n, uint32_t root, struct invocation *inv)
{
	const struct prof_event **s;
	int ret, err;

	assert_int_equal(events_by_time(ev, n, &s), 0);
	ret = timeline_build(s, n, root, inv);
	err = errno;
	free(s);
	errno = err;
	return ret;
}

struct evs {
	struct prof_event ev[64];
	size_t n;
};

static struct prof_event *add(struct evs *b, uint32_t type, uint32_t tgid, uint32_t pid,
			      uint64_t ts, uint64_t end, int64_t ret)
{
	struct prof_event *e;

	assert_true(b->n < sizeof(b->ev) / sizeof(b->ev[0]));
	e = &b->ev[b->n++];
	*e = test_event(type, ROOT, tgid, pid, ts, end, ret);
	e->fd = -1;
	return e;
}

static void exec_enter(struct evs *b, uint32_t tgid, uint64_t ts)
{
	add(b, PROF_EV_EXEC_ENTER, tgid, tgid, ts, 0, 0);
}

static void exec_done(struct evs *b, uint32_t tgid, uint64_t ts)
{
	add(b, PROF_EV_EXEC_DONE, tgid, tgid, ts, 0, 0);
}

static void conn(struct evs *b, uint32_t tgid, uint32_t pid, uint32_t id, uint64_t ts,
		 uint64_t end, int64_t ret)
{
	add(b, PROF_EV_CONNECT, tgid, pid, ts, end, ret)->conn_id = id;
}

/* A write of ret bytes whose first bytes are s (captured up to 128). */
static struct prof_event *wr_n(struct evs *b, uint32_t tgid, uint32_t pid, uint32_t id,
			       uint64_t ts, uint64_t end, const char *s, int64_t ret)
{
	struct prof_event *e = add(b, PROF_EV_WRITE, tgid, pid, ts, end, ret);
	size_t l = strlen(s);

	e->conn_id = id;
	e->arg = ret > 0 ? (uint64_t)ret : l;
	e->cap_len = (uint32_t)(l < PROF_CAPTURE_LEN ? l : PROF_CAPTURE_LEN);
	memcpy(e->data, s, e->cap_len);
	return e;
}

static struct prof_event *wr(struct evs *b, uint32_t tgid, uint32_t pid, uint32_t id,
			     uint64_t ts, uint64_t end, const char *s)
{
	return wr_n(b, tgid, pid, id, ts, end, s, (int64_t)strlen(s));
}

static void rd(struct evs *b, uint32_t tgid, uint32_t pid, uint32_t id, uint64_t ts,
	       uint64_t end, int64_t ret)
{
	struct prof_event *e = add(b, PROF_EV_READ, tgid, pid, ts, end, ret);

	e->conn_id = id;
	e->arg = 65536;
}

static void fork_ev(struct evs *b, uint32_t parent, uint32_t child, uint64_t ts, bool thread)
{
	struct prof_event *e = add(b, PROF_EV_FORK, parent, parent, ts, 0, 0);

	e->arg = child;
	e->ppid = parent;
	e->flags = thread ? PROF_F_THREAD : 0;
}

static void exit_ev(struct evs *b, uint32_t tgid, uint64_t ts, uint64_t status, uint64_t rss,
		    uint64_t min_flt, uint64_t maj_flt)
{
	struct prof_event *e = add(b, PROF_EV_EXIT, tgid, tgid, ts, 0, 0);

	e->arg = status;
	e->rss_peak_kb = rss;
	e->min_flt = min_flt;
	e->maj_flt = maj_flt;
	e->read_bytes = maj_flt * 4096 + 512;	/* distinct per process, so sums show */
	e->threads = 1;
}

/* An invocation whose caller-owned fields hold sentinels. */
static void inv_init(struct invocation *inv)
{
	memset(inv, 0x5a, sizeof(*inv));
	inv->index = 7;
	inv->outcome = INV_TIMEOUT;
	strcpy(inv->reason, "caller reason");
	strcpy(inv->error_type, "Function.Caller");
	inv->timestamp = 1700000000;
	strcpy(inv->log_path, "/tmp/log-7");
	inv->killed_by_profiler = true;
}

static void assert_caller_fields(const struct invocation *inv)
{
	assert_int_equal(inv->index, 7);
	assert_int_equal(inv->outcome, INV_TIMEOUT);
	assert_string_equal(inv->reason, "caller reason");
	assert_string_equal(inv->error_type, "Function.Caller");
	assert_int_equal(inv->timestamp, 1700000000);
	assert_string_equal(inv->log_path, "/tmp/log-7");
	assert_true(inv->killed_by_profiler);
}

/* libcurl-like client: one keep-alive connection, head and body in separate
 * send() calls, a non-blocking connect, a read that would block first. */
static void keepalive(struct evs *b)
{
	b->n = 0;
	exec_enter(b, ROOT, 1000000);
	exec_done(b, ROOT, 1800000);
	add(b, PROF_EV_ENTRY, ROOT, ROOT, 1850000, 0, 0);	/* the entry point (uprobe) */
	add(b, PROF_EV_ENTRY, ROOT, ROOT, 1860000, 0, 0);	/* only the first counts */
	add(b, PROF_EV_IO_URING, ROOT, ROOT, 1900000, 1900100, 0);
	conn(b, ROOT, ROOT, 1, 2000000, 2100000, -EINPROGRESS);
	wr(b, ROOT, ROOT, 1, 3400000, 3500000, GET_NEXT);
	rd(b, ROOT, ROOT, 1, 3450000, 3460000, -EAGAIN);	/* ignored: no data */
	rd(b, ROOT, ROOT, 1, 3600000, 10000000, 400);
	wr(b, ROOT, ROOT, 1, 12000000, 12100000, POST_RESP);
	wr_n(b, ROOT, ROOT, 1, 12150000, 12160000, BODY, -EAGAIN);	/* failed: ignored */
	wr(b, ROOT, ROOT, 1, 12200000, 12250000, BODY);
	rd(b, ROOT, ROOT, 1, 12300000, 12900000, 100);
	wr(b, ROOT, ROOT, 1, 13000000, 13050000, GET_NEXT);
	exit_ev(b, ROOT, 20000000, EXITED(0), 5000, 100, 2);
}

static void assert_keepalive(const struct invocation *inv, size_t n)
{
	const struct phase_marks *k = &inv->k;

	assert_int_equal(k->exec_enter, 1000000);
	assert_int_equal(k->exec_done, 1800000);
	assert_int_equal(k->entry, 1850000);
	assert_int_equal(k->connect_start, 2000000);
	assert_int_equal(k->connect_end, 2100000);
	/* request marks are the ENTRY of the request's last write (GET: ts
	 * 3400000, end 3500000); event_received is the read's exit */
	assert_int_equal(k->next_sent, 3400000);
	assert_int_equal(k->event_received, 10000000);
	assert_int_equal(k->response_first, 12000000);	/* its head, sent first */
	assert_int_equal(k->response_sent, 12200000);
	assert_int_equal(k->init_error_sent, 0);
	assert_int_equal(k->root_exit, 20000000);
	assert_ms(inv->exec_ms, 0.8);
	assert_ms(inv->connect_ms, 0.1);
	assert_ms(inv->init_ms, 2.4);
	assert_ms(inv->wait_ms, 6.6);
	assert_ms(inv->handler_ms, 2.2);
	assert_ms(inv->total_ms, 11.2);
	assert_false(inv->function_error);
	assert_int_equal(inv->root_pid, ROOT);
	assert_int_equal(inv->connections, 1);
	assert_int_equal(inv->requests, 3);
	assert_int_equal(inv->bytes_sent, 2 * strlen(GET_NEXT) + strlen(POST_RESP) + strlen(BODY));
	assert_int_equal(inv->bytes_received, 500);
	assert_int_equal(inv->processes, 1);
	assert_int_equal(inv->threads, 1);
	assert_int_equal(inv->exit_code, 0);
	assert_int_equal(inv->exit_signal, 0);
	assert_int_equal(inv->memory_kb, 5000);
	assert_int_equal(inv->root_memory_kb, 5000);
	assert_int_equal(inv->min_flt, 100);
	assert_int_equal(inv->maj_flt, 2);
	assert_int_equal(inv->read_bytes, 2 * 4096 + 512);
	assert_true(inv->io_uring);
	assert_int_equal(inv->capture_faults, 0);
	assert_int_equal(inv->events, n);
}

static void test_keepalive_single_connection(void **state)
{
	struct evs b;
	struct invocation inv;

	(void)state;
	keepalive(&b);
	inv_init(&inv);
	assert_int_equal(build(b.ev, b.n, ROOT, &inv), 0);
	assert_keepalive(&inv, b.n);
	assert_caller_fields(&inv);

	/* building twice gives the same record (outputs are reset first) */
	assert_int_equal(build(b.ev, b.n, ROOT, &inv), 0);
	assert_keepalive(&inv, b.n);
}

static void test_out_of_order(void **state)
{
	struct evs b, s;
	struct invocation inv;

	(void)state;
	/* ring-buffer order of two CPUs: odd events first, then even ones */
	keepalive(&b);
	s.n = 0;
	for (size_t i = 1; i < b.n; i += 2)
		s.ev[s.n++] = b.ev[i];
	for (size_t i = 0; i < b.n; i += 2)
		s.ev[s.n++] = b.ev[i];
	assert_int_equal(s.n, b.n);
	/* the last odd event (13 ms) precedes the first even one (1 ms) */
	assert_true(s.ev[b.n / 2 - 1].ts_ns > s.ev[b.n / 2].ts_ns);
	inv_init(&inv);
	assert_int_equal(build(s.ev, s.n, ROOT, &inv), 0);
	assert_keepalive(&inv, s.n);

	/* reversed entirely */
	for (size_t i = 0; i < b.n; i++)
		s.ev[i] = b.ev[b.n - 1 - i];
	inv_init(&inv);
	assert_int_equal(build(s.ev, s.n, ROOT, &inv), 0);
	assert_keepalive(&inv, s.n);
}

/* Equal timestamps keep ring-buffer order: "PO" then "ST ..." is one request
 * line split in the method token. */
static void test_sort_is_stable(void **state)
{
	struct evs b;
	struct invocation inv;

	(void)state;
	b.n = 0;
	rd(&b, ROOT, ROOT, 1, 3000000, 4000000, 300);	/* listed before, happened later */
	exec_enter(&b, ROOT, 1000000);
	conn(&b, ROOT, ROOT, 1, 1100000, 1200000, 0);
	wr(&b, ROOT, ROOT, 1, 2000000, 2000100, "G");
	wr(&b, ROOT, ROOT, 1, 2000000, 2000200, "ET " API "/invoc");
	wr(&b, ROOT, ROOT, 1, 2000000, 2000300, "ation/next HTTP/1.1\r\n\r\n");
	wr(&b, ROOT, ROOT, 1, 5000000, 5000100, "PO");
	wr(&b, ROOT, ROOT, 1, 5000000, 5000200, "ST " API "/invocation/abc/response HTTP/1.1\r\n");
	inv_init(&inv);
	assert_int_equal(build(b.ev, b.n, ROOT, &inv), 0);
	assert_int_equal(inv.requests, 2);
	assert_int_equal(inv.k.next_sent, 2000000);
	assert_int_equal(inv.k.event_received, 4000000);
	assert_int_equal(inv.k.response_sent, 5000000);
	assert_int_equal(inv.k.exec_done, 0);
	assert_ms(inv.exec_ms, -1.0);
	assert_ms(inv.init_ms, 1.0);
	assert_ms(inv.handler_ms, 1.0);
	/* no EXIT event: exit status unknown, no memory */
	assert_int_equal(inv.k.root_exit, 0);
	assert_int_equal(inv.exit_code, -1);
	assert_int_equal(inv.exit_signal, 0);
	assert_int_equal(inv.memory_kb, 0);

	/* the GET's last piece entering later: next_sent is its entry, not
	 * the first piece's entry (2000000) nor its exit (2000300) */
	b.ev[5].ts_ns = 2000250;
	inv_init(&inv);
	assert_int_equal(build(b.ev, b.n, ROOT, &inv), 0);
	assert_int_equal(inv.requests, 2);
	assert_int_equal(inv.k.next_sent, 2000250);
	assert_ms(inv.init_ms, 1.00025);
}

/* A simple client: a new connection for every request; a refused connect
 * first; a read on another connection in between. */
static void test_connection_per_request(void **state)
{
	struct evs b;
	struct invocation inv;

	(void)state;
	b.n = 0;
	exec_enter(&b, ROOT, 1000000);
	exec_done(&b, ROOT, 1500000);
	conn(&b, ROOT, ROOT, 1, 1800000, 1850000, -111);	/* ECONNREFUSED */
	conn(&b, ROOT, ROOT, 2, 2000000, 2250000, 0);
	wr(&b, ROOT, ROOT, 2, 3000000, 3200000, GET_NEXT);
	rd(&b, ROOT, ROOT, 9, 3300000, 3400000, 50);	/* other socket */
	rd(&b, ROOT, ROOT, 2, 3300000, 7000000, 600);
	add(&b, PROF_EV_CLOSE, ROOT, ROOT, 7100000, 7100100, 0)->conn_id = 2;
	conn(&b, ROOT, ROOT, 3, 8000000, 8100000, 0);
	wr(&b, ROOT, ROOT, 3, 9000000, 9400000, POST_RESP BODY);
	rd(&b, ROOT, ROOT, 3, 9500000, 9600000, 120);
	add(&b, PROF_EV_CLOSE, ROOT, ROOT, 9700000, 9700100, 0)->conn_id = 3;
	conn(&b, ROOT, ROOT, 4, 10000000, 10100000, 0);
	wr(&b, ROOT, ROOT, 4, 10200000, 10300000, GET_NEXT);
	exit_ev(&b, ROOT, 11000000, SIGKILL, 4096, 10, 0);

	inv_init(&inv);
	assert_int_equal(build(b.ev, b.n, ROOT, &inv), 0);
	assert_int_equal(inv.connections, 3);
	assert_int_equal(inv.k.connect_start, 2000000);
	assert_int_equal(inv.k.connect_end, 2250000);
	assert_int_equal(inv.k.next_sent, 3000000);
	assert_int_equal(inv.k.event_received, 7000000);
	assert_int_equal(inv.k.response_sent, 9000000);
	assert_int_equal(inv.requests, 3);
	assert_int_equal(inv.bytes_received, 50 + 600 + 120);
	assert_ms(inv.connect_ms, 0.25);
	assert_ms(inv.init_ms, 2.0);
	assert_ms(inv.wait_ms, 4.0);
	assert_ms(inv.handler_ms, 2.0);
	assert_ms(inv.total_ms, 8.0);
	assert_int_equal(inv.exit_code, -1);
	assert_int_equal(inv.exit_signal, SIGKILL);
	assert_int_equal(inv.k.root_exit, 11000000);
}

/* The runtime loop runs in a second thread; a third thread posts the response. */
static void test_multithreaded(void **state)
{
	struct evs b;
	struct invocation inv;
	struct prof_event *e;

	(void)state;
	b.n = 0;
	exec_enter(&b, ROOT, 2000000);
	exec_done(&b, ROOT, 2600000);
	fork_ev(&b, ROOT, 101, 2700000, true);
	fork_ev(&b, ROOT, 102, 2710000, true);
	conn(&b, ROOT, 101, 1, 3000000, 3010000, 0);
	/* an earlier request and its reply on the same connection: not the event */
	wr(&b, ROOT, 101, 1, 3100000, 3150000, "GET /ping HTTP/1.1\r\n\r\n");
	rd(&b, ROOT, 101, 1, 3200000, 3300000, 40);
	wr(&b, ROOT, 101, 1, 4000000, 4125000, GET_NEXT);
	rd(&b, ROOT, 101, 1, 4300000, 6000000, 1000);
	wr(&b, ROOT, 102, 1, 6500000, 6600000, POST_RESP);
	/* the body's capture faulted: still the last write of the response */
	e = wr(&b, ROOT, 102, 1, 6700000, 6750000, BODY);
	e->cap_len = 0;
	e->flags = PROF_F_CAPTURE_FAULT;
	exit_ev(&b, ROOT, 8000000, EXITED(0), 12000, 300, 1);

	inv_init(&inv);
	assert_int_equal(build(b.ev, b.n, ROOT, &inv), 0);
	assert_int_equal(inv.processes, 1);
	assert_int_equal(inv.threads, 3);
	assert_int_equal(inv.capture_faults, 1);
	assert_false(inv.io_uring);
	assert_int_equal(inv.k.next_sent, 4000000);
	assert_int_equal(inv.k.event_received, 6000000);
	assert_int_equal(inv.k.response_sent, 6700000);
	assert_ms(inv.exec_ms, 0.6);
	assert_ms(inv.init_ms, 2.0);
	assert_ms(inv.wait_ms, 2.0);
	assert_ms(inv.handler_ms, 0.7);
	assert_ms(inv.total_ms, 4.7);
	assert_int_equal(inv.requests, 3);
	assert_int_equal(inv.bytes_received, 1040);
}

/* A shell runtime: every call is a child curl process. */
static void test_shell_script(void **state)
{
	struct evs b;
	struct invocation inv;

	(void)state;
	b.n = 0;
	exec_enter(&b, ROOT, 1000000);
	exec_done(&b, ROOT, 3000000);
	fork_ev(&b, ROOT, 200, 4000000, false);
	exec_enter(&b, 200, 4100000);
	exec_done(&b, 200, 4600000);
	conn(&b, 200, 200, 1, 5000000, 5100000, 0);
	wr(&b, 200, 200, 1, 5200000, 5300000, GET_NEXT);
	rd(&b, 200, 200, 1, 5350000, 9000000, 700);
	exit_ev(&b, 200, 9500000, EXITED(0), 8000, 1000, 3);
	fork_ev(&b, ROOT, 201, 10000000, false);
	exec_enter(&b, 201, 10100000);
	exec_done(&b, 201, 10500000);
	conn(&b, 201, 201, 2, 11000000, 11100000, 0);
	wr(&b, 201, 201, 2, 11200000, 11250000, POST_RESP);
	wr(&b, 201, 201, 2, 11300000, 11500000, BODY);
	rd(&b, 201, 201, 2, 11600000, 11700000, 150);
	exit_ev(&b, 201, 12000000, EXITED(0), 7000, 900, 0);
	exit_ev(&b, ROOT, 30000000, EXITED(3), 3000, 200, 1);

	inv_init(&inv);
	assert_int_equal(build(b.ev, b.n, ROOT, &inv), 0);
	assert_int_equal(inv.k.exec_enter, 1000000);
	assert_int_equal(inv.k.exec_done, 3000000);
	assert_int_equal(inv.k.connect_start, 5000000);
	assert_int_equal(inv.k.next_sent, 5200000);
	assert_int_equal(inv.k.event_received, 9000000);
	assert_int_equal(inv.k.response_sent, 11300000);
	assert_int_equal(inv.k.root_exit, 30000000);
	assert_ms(inv.exec_ms, 2.0);
	assert_ms(inv.init_ms, 4.2);
	assert_ms(inv.wait_ms, 3.8);
	assert_ms(inv.handler_ms, 2.3);
	assert_ms(inv.total_ms, 10.3);
	assert_int_equal(inv.processes, 3);
	assert_int_equal(inv.threads, 3);
	assert_int_equal(inv.connections, 2);
	assert_int_equal(inv.requests, 2);
	assert_int_equal(inv.memory_kb, 8000);
	assert_int_equal(inv.root_memory_kb, 3000);
	assert_int_equal(inv.min_flt, 2100);
	assert_int_equal(inv.maj_flt, 4);
	assert_int_equal(inv.read_bytes, 4 * 4096 + 3 * 512);	/* summed over the 3 processes */
	assert_int_equal(inv.exit_code, 3);
	assert_int_equal(inv.exit_signal, 0);
}

/* /error instead of /response; an /error posted before the event arrived
 * (not a valid invocation result) does not count. */
static void test_function_error(void **state)
{
	struct evs b;
	struct invocation inv;

	(void)state;
	b.n = 0;
	exec_enter(&b, ROOT, 1000000);
	conn(&b, ROOT, ROOT, 1, 1500000, 1600000, 0);
	wr(&b, ROOT, ROOT, 1, 2000000, 2100000, GET_NEXT);
	conn(&b, ROOT, ROOT, 2, 2200000, 2300000, 0);
	wr(&b, ROOT, ROOT, 2, 2400000, 2500000, POST_ERR "{}");
	rd(&b, ROOT, ROOT, 1, 2150000, 5000000, 200);
	wr(&b, ROOT, ROOT, 1, 6000000, 6100000, POST_ERR);
	wr(&b, ROOT, ROOT, 1, 6200000, 6300000, "{}");
	inv_init(&inv);
	assert_int_equal(build(b.ev, b.n, ROOT, &inv), 0);
	assert_true(inv.function_error);
	assert_int_equal(inv.k.response_sent, 6200000);
	assert_ms(inv.handler_ms, 1.2);
	assert_ms(inv.total_ms, 5.2);
	assert_int_equal(inv.outcome, INV_TIMEOUT);	/* the caller decides */

	/* a response after an error request that preceded the event */
	b.ev[b.n - 2].cap_len = (uint32_t)strlen(POST_RESP);
	memcpy(b.ev[b.n - 2].data, POST_RESP, strlen(POST_RESP));
	b.ev[b.n - 2].ret = (int64_t)strlen(POST_RESP);
	inv_init(&inv);
	assert_int_equal(build(b.ev, b.n, ROOT, &inv), 0);
	assert_false(inv.function_error);
	assert_int_equal(inv.k.response_sent, 6200000);
}

static void test_init_error(void **state)
{
	struct evs b;
	struct invocation inv;

	(void)state;
	b.n = 0;
	exec_enter(&b, ROOT, 1000000);
	exec_done(&b, ROOT, 1200000);
	conn(&b, ROOT, ROOT, 1, 1500000, 1600000, 0);
	wr(&b, ROOT, ROOT, 1, 2000000, 2100000, POST_INIT_ERR);
	wr(&b, ROOT, ROOT, 1, 2200000, 2400000, "{}");
	rd(&b, ROOT, ROOT, 1, 2500000, 2600000, 80);
	exit_ev(&b, ROOT, 3000000, EXITED(1), 2000, 50, 0);
	inv_init(&inv);
	assert_int_equal(build(b.ev, b.n, ROOT, &inv), 0);
	assert_int_equal(inv.k.init_error_sent, 2200000);
	assert_int_equal(inv.k.next_sent, 0);
	assert_int_equal(inv.k.event_received, 0);
	assert_int_equal(inv.k.response_sent, 0);
	assert_false(inv.function_error);
	assert_ms(inv.exec_ms, 0.2);
	assert_ms(inv.connect_ms, 0.1);
	assert_ms(inv.init_ms, -1.0);
	assert_ms(inv.wait_ms, -1.0);
	assert_ms(inv.handler_ms, -1.0);
	assert_ms(inv.total_ms, -1.0);
	assert_int_equal(inv.exit_code, 1);
	assert_int_equal(inv.requests, 1);
}

/* The bootstrap crashes in the handler: no response. */
static void test_no_response_exited(void **state)
{
	struct evs b;
	struct invocation inv;

	(void)state;
	b.n = 0;
	exec_enter(&b, ROOT, 1000000);
	exec_done(&b, ROOT, 1100000);
	conn(&b, ROOT, ROOT, 1, 1200000, 1300000, 0);
	wr(&b, ROOT, ROOT, 1, 1400000, 1500000, GET_NEXT);
	rd(&b, ROOT, ROOT, 1, 1600000, 4000000, 300);
	exit_ev(&b, ROOT, 5000000, SIGSEGV | 0x80, 6000, 70, 1);	/* core dumped */
	inv_init(&inv);
	assert_int_equal(build(b.ev, b.n, ROOT, &inv), 0);
	assert_int_equal(inv.k.response_sent, 0);
	assert_int_equal(inv.k.root_exit, 5000000);
	assert_ms(inv.init_ms, 0.4);
	assert_ms(inv.wait_ms, 2.6);
	assert_ms(inv.handler_ms, -1.0);
	assert_ms(inv.total_ms, -1.0);
	assert_int_equal(inv.exit_code, -1);
	assert_int_equal(inv.exit_signal, SIGSEGV);
	assert_caller_fields(&inv);
}

static void test_missing_exec(void **state)
{
	struct evs b;
	struct invocation inv;

	(void)state;
	keepalive(&b);
	b.ev[0].tgid = 555;	/* the only EXEC_ENTER is another process's */
	inv_init(&inv);
	errno = 0;
	assert_int_equal(build(b.ev, b.n, ROOT, &inv), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(inv.k.exec_enter, 0);
	assert_int_equal(inv.k.exec_done, 0);
	assert_int_equal(inv.k.connect_start, 0);
	assert_int_equal(inv.k.next_sent, 0);
	assert_int_equal(inv.k.event_received, 0);
	assert_int_equal(inv.k.response_sent, 0);
	assert_int_equal(inv.k.root_exit, 0);
	assert_ms(inv.exec_ms, -1.0);
	assert_ms(inv.connect_ms, -1.0);
	assert_ms(inv.init_ms, -1.0);
	assert_ms(inv.total_ms, -1.0);
	/* the counters are still filled */
	assert_int_equal(inv.events, b.n);
	assert_int_equal(inv.requests, 3);
	assert_caller_fields(&inv);

	inv_init(&inv);
	assert_int_equal(build(b.ev, 0, ROOT, &inv), -1);
	assert_int_equal(inv.events, 0);
	assert_int_equal(inv.k.exec_enter, 0);
	errno = 0;
	assert_int_equal(build(b.ev, b.n, ROOT, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(timeline_build(NULL, 3, ROOT, &inv), -1);
}

/* --warm: two more invocations on the same process and connection. */
static void test_warm(void **state)
{
	struct invocation inv;
	struct evs b;

	(void)state;
	keepalive(&b);
	b.n--;	/* drop the exit: the process lives on */
	rd(&b, ROOT, ROOT, 1, 13100000, 14000000, 300);		/* warm event 1 */
	wr(&b, ROOT, ROOT, 1, 15000000, 15010000, POST_RESP);
	wr(&b, ROOT, ROOT, 1, 15100000, 15150000, BODY);	/* its last write */
	rd(&b, ROOT, ROOT, 1, 15200000, 15300000, 100);
	wr(&b, ROOT, ROOT, 1, 16000000, 16010000, GET_NEXT);
	rd(&b, ROOT, ROOT, 1, 16100000, 17000000, 300);		/* warm event 2 */
	wr(&b, ROOT, ROOT, 1, 17600000, 17700000, POST_RESP);
	wr(&b, ROOT, ROOT, 1, 18000000, 18010000, GET_NEXT);	/* warm 3: never served */
	memset(&inv, 0, sizeof(inv));
	inv.n_warm = 3;
	assert_int_equal(build(b.ev, b.n, ROOT, &inv), 0);
	assert_ms(inv.handler_ms, 2.2);			/* the cold one is unchanged */
	assert_ms(inv.warm_handler_ms[0], 1.1);		/* 15.1 - 14.0 */
	assert_ms(inv.warm_handler_ms[1], 0.6);		/* 17.6 - 17.0 */
	assert_true(inv.warm_handler_ms[2] < 0);	/* no event read: not measured */
	assert_int_equal(inv.n_warm, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keepalive_single_connection),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_sort_is_stable),
		cmocka_unit_test(test_connection_per_request),
		cmocka_unit_test(test_multithreaded),
		cmocka_unit_test(test_shell_script),
		cmocka_unit_test(test_warm),
		cmocka_unit_test(test_function_error),
		cmocka_unit_test(test_init_error),
		cmocka_unit_test(test_no_response_exited),
		cmocka_unit_test(test_missing_exec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
