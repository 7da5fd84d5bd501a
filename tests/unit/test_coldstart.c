// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests for src/coldstart.c: the collector, the sort, the build and export steps,
 * and the outcome classifier with the facts benchmark and trace each have. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "chrome_trace.h"
#include "coldstart.h"
#include "test_helpers.h"

#define ROOT 100u
#define MS 1000000ull
#define API "/2018-06-01/runtime"
#define GET_NEXT "GET " API "/invocation/next HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n\r\n"
#define POST_RESP "POST " API "/invocation/abc/response HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"
#define EXITED(code) ((uint64_t)(code) << 8)	/* wait status of exit(code) */

static struct prof_event event(uint32_t type, uint32_t root, uint64_t ts)
{
	return test_event(type, root, root, root, ts, ts, 0);
}

static struct prof_event io(uint32_t type, uint64_t ts, uint64_t end, const char *data, int64_t ret)
{
	struct prof_event e = event(type, ROOT, ts);

	e.end_ns = end;
	e.conn_id = 1;
	e.ret = ret;
	if (data) {
		e.cap_len = (uint32_t)strlen(data);
		memcpy(e.data, data, e.cap_len);
	}
	return e;
}

/* A cold start that answers, delivered out of time order (two CPUs): exec at 1 ms, GET
 * next written at 3 ms, the event read back at 4 ms, the response written at 6 ms. */
static void feed_cold_start(struct coldstart *c)
{
	struct prof_event ev[] = {
		event(PROF_EV_EXEC_ENTER, ROOT, 1 * MS),
		io(PROF_EV_CONNECT, 2 * MS, 2 * MS + 50000, NULL, 0),
		io(PROF_EV_READ, 3 * MS + 100000, 4 * MS, NULL, 300),
		io(PROF_EV_WRITE, 3 * MS, 3 * MS + 10000, GET_NEXT, (int64_t)strlen(GET_NEXT)),
		event(PROF_EV_EXEC_DONE, ROOT, 1 * MS + 500000),
		io(PROF_EV_WRITE, 6 * MS, 6 * MS + 10000, POST_RESP, (int64_t)strlen(POST_RESP)),
		event(PROF_EV_EXIT, ROOT, 7 * MS),
	};

	ev[6].arg = EXITED(0);
	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		assert_int_equal(coldstart_add(c, &ev[i]), 1);
}

/* --- collecting ------------------------------------------------------------ */

static void test_collect_grows_and_keeps_order(void **state)
{
	struct coldstart c = { 0 };
	struct prof_event e = event(PROF_EV_FORK, ROOT, 0);

	(void)state;
	assert_int_equal(coldstart_add(&c, &e), 0);	/* no root yet: nothing kept */
	assert_int_equal(c.n, 0);
	coldstart_begin(&c, ROOT);
	for (unsigned i = 0; i < 1000; i++) {
		e.ts_ns = 1000 + i;
		assert_int_equal(coldstart_add(&c, &e), 1);
	}
	assert_int_equal(c.n, 1000);
	assert_true(c.cap >= 1000);
	assert_int_equal(c.cap, 1024);		/* 256 doubled twice */
	for (unsigned i = 0; i < 1000; i++)
		assert_int_equal(c.ev[i].ts_ns, 1000 + i);
	assert_false(c.oom);

	/* the next cold start starts empty, in the same buffer */
	coldstart_end(&c);
	assert_int_equal(coldstart_add(&c, &e), 0);
	coldstart_begin(&c, ROOT + 1);
	assert_int_equal(c.n, 0);
	assert_int_equal(c.cap, 1024);
	coldstart_free(&c);
	assert_null(c.ev);
	coldstart_free(NULL);
}

static void test_collect_ignores_stragglers(void **state)
{
	struct coldstart c = { 0 };
	struct prof_event mine = event(PROF_EV_WRITE, ROOT, 10), old = event(PROF_EV_EXIT, ROOT - 1, 11);

	(void)state;
	coldstart_begin(&c, ROOT);
	assert_int_equal(coldstart_add(&c, &old), 0);	/* a previous cold start's */
	assert_int_equal(coldstart_add(&c, &mine), 1);
	old.tgid = old.pid = ROOT;	/* root, not tgid, says whose it is */
	assert_int_equal(coldstart_add(&c, &old), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ev[0].ts_ns, 10);
	coldstart_free(&c);
}

/* An event that cannot be kept says so, sets oom, and the next cold start clears it. */
static void test_collect_out_of_memory(void **state)
{
	struct coldstart c = { 0 };
	struct prof_event e = event(PROF_EV_READ, ROOT, 5), full;
	size_t huge = SIZE_MAX / sizeof(struct prof_event) / 2 + 1;

	(void)state;
	coldstart_begin(&c, ROOT);
	/* full, and twice its size cannot be allocated: no realloc is attempted */
	c.ev = &full;
	c.n = c.cap = huge;
	assert_int_equal(coldstart_add(&c, &e), -1);
	assert_true(c.oom);
	assert_int_equal(c.n, huge);
	c.ev = NULL;
	c.n = c.cap = 0;
	coldstart_end(&c);
	assert_false(c.oom);
	coldstart_begin(&c, ROOT);
	assert_false(c.oom);
	assert_int_equal(coldstart_add(&c, &e), 1);
	coldstart_free(&c);
}

/* --- sorting once ------------------------------------------------------------ */

static void test_events_by_time(void **state)
{
	struct prof_event ev[5];
	const struct prof_event **s;

	(void)state;
	ev[0] = event(PROF_EV_WRITE, ROOT, 30);
	ev[1] = event(PROF_EV_READ, ROOT, 10);
	ev[2] = event(PROF_EV_FORK, ROOT, 30);	/* ties keep ring-buffer order */
	ev[3] = event(PROF_EV_EXIT, ROOT, 20);
	ev[4] = event(PROF_EV_CLOSE, ROOT, 30);
	assert_int_equal(events_by_time(ev, 5, &s), 0);
	assert_ptr_equal(s[0], &ev[1]);
	assert_ptr_equal(s[1], &ev[3]);
	assert_ptr_equal(s[2], &ev[0]);
	assert_ptr_equal(s[3], &ev[2]);
	assert_ptr_equal(s[4], &ev[4]);
	assert_int_equal(ev[0].ts_ns, 30);	/* the events themselves stay put */
	free(s);
	s = (const struct prof_event **)ev;
	assert_int_equal(events_by_time(ev, 0, &s), 0);
	assert_null(s);
}

/* --- building and exporting -------------------------------------------------- */

static void test_build_traced(void **state)
{
	const struct coldstart_build_opts bo = { .traced = true, .breakdown = true };
	struct coldstart c = { 0 };
	struct invocation inv;

	(void)state;
	memset(&inv, 0, sizeof(inv));
	coldstart_begin(&c, ROOT);
	feed_cold_start(&c);
	assert_int_equal(coldstart_build(&c, &bo, &inv), 0);
	/* the marks come from the events in time order, not ring-buffer order */
	assert_int_equal(inv.k.exec_enter, 1 * MS);
	assert_int_equal(inv.k.exec_done, 1 * MS + 500000);
	assert_int_equal(inv.k.next_sent, 3 * MS);
	assert_int_equal(inv.k.event_received, 4 * MS);
	assert_int_equal(inv.k.response_sent, 6 * MS);
	assert_true(inv.init_ms == 2.0);
	assert_true(inv.handler_ms == 2.0);
	assert_true(inv.total_ms == 5.0);
	assert_int_equal(inv.exit_code, 0);
	assert_int_equal(inv.events, 7);
	assert_true(inv.has_breakdown);
	assert_int_equal(inv.bd.window_start_ns, 1 * MS);
	assert_int_equal(inv.bd.window_end_ns, 6 * MS);
	assert_int_equal(inv.bd_events, 0);
	assert_non_null(c.by_time);
	assert_ptr_equal(c.by_time[0], &c.ev[0]);
	assert_ptr_equal(c.by_time[1], &c.ev[4]);	/* exec done, delivered late */

	/* no execve of the root: the timeline fails, and says why */
	coldstart_begin(&c, ROOT);
	assert_null(c.by_time);
	feed_cold_start(&c);
	c.ev[0].tgid = 555;
	memset(&inv, 0, sizeof(inv));
	errno = 0;
	assert_int_equal(coldstart_build(&c, &bo, &inv), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(inv.k.exec_enter, 0);
	assert_false(inv.has_breakdown);
	assert_true(inv.total_ms < 0);
	coldstart_free(&c);
}

static void test_build_userspace(void **state)
{
	const struct coldstart_build_opts bo = { .traced = false, .breakdown = true };
	struct coldstart c = { 0 };
	struct invocation inv;

	(void)state;
	memset(&inv, 0, sizeof(inv));
	inv.spawn_ns = 1 * MS;
	inv.api_next_received_ns = 3 * MS;
	inv.api_event_sent_ns = 3 * MS + 500000;
	inv.api_response_received_ns = 4 * MS;
	inv.processes = inv.threads = 3;
	inv.exit_code = 9;
	inv.memory_kb = 777;	/* sampled from /proc by the caller: kept */
	assert_int_equal(coldstart_build(&c, &bo, &inv), 0);
	assert_true(inv.init_ms == 2.0);
	assert_true(inv.handler_ms == 0.5);
	assert_true(inv.total_ms == 3.0);
	assert_true(inv.exec_ms < 0 && inv.connect_ms < 0 && inv.wait_ms < 0);
	assert_int_equal(inv.exit_code, -1);
	assert_int_equal(inv.processes, 0);
	assert_int_equal(inv.threads, 0);
	assert_int_equal(inv.memory_kb, 777);
	assert_false(inv.has_breakdown);
	assert_null(c.by_time);
}

static void test_export(void **state)
{
	const struct coldstart_build_opts bo = { .traced = true };
	struct ctrace *w = ctrace_open();
	struct coldstart c = { 0 };
	struct invocation inv;
	char *json;

	(void)state;
	assert_non_null(w);
	memset(&inv, 0, sizeof(inv));
	inv.index = 4;
	coldstart_begin(&c, ROOT);
	feed_cold_start(&c);
	assert_int_equal(coldstart_build(&c, &bo, &inv), 0);
	assert_int_equal(coldstart_export(&c, NULL, &inv), 0);	/* no --trace-out */
	assert_int_equal(coldstart_export(&c, w, &inv), 0);
	json = ctrace_to_json(w);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"cold start 4\""));
	assert_non_null(strstr(json, "\"span\":\"exec_enter -> next_sent\""));
	free(json);
	ctrace_free(w);
	coldstart_free(&c);
}

/* --- classifying: trace's facts ------------------------------------------------- */

static void answered(struct invocation *inv)
{
	memset(inv, 0, sizeof(*inv));
	inv->exit_code = -1;
	inv->k.exec_enter = 1 * MS;
	inv->k.next_sent = 2 * MS;
	inv->k.event_received = 3 * MS;
	inv->k.response_sent = 4 * MS;
}

static void check(const struct invocation *inv, enum inv_outcome o, const char *reason)
{
	if (inv->outcome != o)
		fail_msg("outcome %s, expected %s (%s)", inv_outcome_name(inv->outcome),
			 inv_outcome_name(o), inv->reason);
	assert_string_equal(inv->reason, reason);
}

static void test_attached(void **state)
{
	struct coldstart_facts f = { .attached = true };
	struct invocation inv;

	(void)state;
	answered(&inv);
	coldstart_classify(&f, &inv);
	check(&inv, INV_OK, "");
	assert_string_equal(inv.error_type, "");

	inv.function_error = true;
	coldstart_classify(&f, &inv);
	check(&inv, INV_FUNCTION_ERROR, "posted an invocation error");

	answered(&inv);
	inv.k.response_sent = 0;
	inv.k.init_error_sent = 2 * MS;
	coldstart_classify(&f, &inv);
	check(&inv, INV_INIT_ERROR, "posted an init error");

	answered(&inv);
	inv.k.response_sent = 0;
	coldstart_classify(&f, &inv);
	check(&inv, INV_EXITED, "exited before answering");
	inv.exit_code = 3;
	coldstart_classify(&f, &inv);
	check(&inv, INV_EXITED, "exited (see exit.code) before answering");
	inv.exit_signal = SIGSEGV;
	coldstart_classify(&f, &inv);
	check(&inv, INV_EXITED, "killed by signal 11 before answering");
}

/* trace: stopping beats everything, losing events beats what the marks say. */
static void test_attached_precedence(void **state)
{
	struct coldstart_facts f = { .attached = true, .unfinished = true, .collect_oom = true };
	struct invocation inv;

	(void)state;
	answered(&inv);
	coldstart_classify(&f, &inv);
	check(&inv, INV_INTERRUPTED, "tracing stopped before the cold start ended");
	f.unfinished = false;
	coldstart_classify(&f, &inv);
	check(&inv, INV_TRACE_INCOMPLETE, "out of memory while collecting events");
	/* benchmark's facts do not apply to an attached cold start */
	f.collect_oom = false;
	f.oom_kills = 2;
	f.events_dropped = 5;
	f.spawn_error = "not used";
	inv.k.response_sent = 0;
	coldstart_classify(&f, &inv);
	check(&inv, INV_EXITED, "exited before answering");
}

/* --- classifying: benchmark's facts ---------------------------------------------- */

static struct rapi_status api_state(enum rapi_state s)
{
	struct rapi_status st;

	memset(&st, 0, sizeof(st));
	st.state = s;
	return st;
}

static struct coldstart_facts run_facts(const struct rapi_status *st)
{
	struct coldstart_facts f = {
		.api = st, .traced = true, .init_timeout_s = 10, .timeout_s = 2.5, .memory_mb = 128,
	};

	return f;
}

static void test_run_answered(void **state)
{
	struct rapi_status st = api_state(RAPI_RESPONDED);
	struct coldstart_facts f = run_facts(&st);
	struct invocation inv;

	(void)state;
	answered(&inv);
	strcpy(inv.reason, "left over");
	inv.outcome = INV_TIMEOUT;
	coldstart_classify(&f, &inv);
	check(&inv, INV_OK, "");

	st = api_state(RAPI_ERRORED);
	strcpy(st.error_type, "Function.Boom");
	strcpy(st.error_message, "it broke");
	coldstart_classify(&f, &inv);
	check(&inv, INV_FUNCTION_ERROR, "posted an invocation error: Function.Boom: it broke");
	assert_string_equal(inv.error_type, "Function.Boom");
	st.error_type[0] = st.error_message[0] = '\0';
	coldstart_classify(&f, &inv);
	check(&inv, INV_FUNCTION_ERROR, "posted an invocation error: (no error type)");
	assert_string_equal(inv.error_type, "");

	st = api_state(RAPI_INIT_ERRORED);
	strcpy(st.error_type, "Runtime.NoHandler");
	coldstart_classify(&f, &inv);
	check(&inv, INV_INIT_ERROR, "posted an init error: Runtime.NoHandler");
	assert_string_equal(inv.error_type, "Runtime.NoHandler");

	/* answered, then the emulator's state moved on: it exited before its response */
	st = api_state(RAPI_EVENT_SENT);
	coldstart_classify(&f, &inv);
	check(&inv, INV_EXITED, "ended before posting a response");
}

/* The emulator got the response; the trace must have every mark of it. */
static void test_run_missing_marks(void **state)
{
	struct rapi_status st = api_state(RAPI_RESPONDED);
	struct coldstart_facts f = run_facts(&st);
	struct invocation inv;

	(void)state;
	answered(&inv);
	inv.k.response_sent = 0;
	coldstart_classify(&f, &inv);
	check(&inv, INV_TRACE_INCOMPLETE, "the emulator got the response but the trace has no response write");
	inv.k.event_received = 0;
	coldstart_classify(&f, &inv);
	check(&inv, INV_TRACE_INCOMPLETE, "the emulator got the response but the trace has no event read");
	inv.k.next_sent = 0;
	inv.io_uring = true;
	coldstart_classify(&f, &inv);
	check(&inv, INV_TRACE_INCOMPLETE, "the emulator got the response but the trace has no GET /next "
	      "write (the bootstrap uses io_uring, which syscall tracing cannot see)");
	inv.io_uring = false;
	inv.k.exec_enter = 0;
	coldstart_classify(&f, &inv);
	check(&inv, INV_TRACE_INCOMPLETE, "the emulator got the response but the trace has no execve entry");
	/* without BPF no mark is expected */
	f.traced = false;
	coldstart_classify(&f, &inv);
	check(&inv, INV_OK, "");
	/* no execve at all in the trace: said before the marks are looked at */
	f.traced = true;
	f.build_failed = true;
	coldstart_classify(&f, &inv);
	check(&inv, INV_TRACE_INCOMPLETE, "the trace has no execve of the bootstrap");
	st = api_state(RAPI_ERRORED);
	coldstart_classify(&f, &inv);
	check(&inv, INV_TRACE_INCOMPLETE, "the trace has no execve of the bootstrap");
	f.traced = false;	/* --no-bpf never builds a timeline */
	coldstart_classify(&f, &inv);
	check(&inv, INV_FUNCTION_ERROR, "posted an invocation error: (no error type)");
}

/* How the wait ended, with the reasons benchmark prints. */
static void test_run_wait_endings(void **state)
{
	struct rapi_status st = api_state(RAPI_WAITING);
	struct coldstart_facts f = run_facts(&st);
	struct invocation inv;

	(void)state;
	answered(&inv);
	f.wait = CS_WAIT_INIT_TIMEOUT;
	coldstart_classify(&f, &inv);
	check(&inv, INV_INIT_TIMEOUT, "no GET /next within the init timeout of 10 s");
	f.wait = CS_WAIT_TIMEOUT;
	st = api_state(RAPI_EVENT_SENT);
	coldstart_classify(&f, &inv);
	check(&inv, INV_TIMEOUT, "no response within the invocation timeout of 2.5 s");
	f.wait = CS_WAIT_INTERRUPTED;
	f.stop_signal = SIGINT;
	coldstart_classify(&f, &inv);
	check(&inv, INV_INTERRUPTED, "the run was interrupted (SIGINT)");
	f.stop_signal = SIGTERM;
	coldstart_classify(&f, &inv);
	check(&inv, INV_INTERRUPTED, "the run was interrupted (SIGTERM)");

	f.wait = CS_WAIT_EXITED;
	st = api_state(RAPI_WAITING);
	inv.exit_code = 2;
	coldstart_classify(&f, &inv);
	check(&inv, INV_EXITED, "exited with code 2 before posting a response (it never called GET /next)");
	st = api_state(RAPI_EVENT_SENT);
	inv.exit_signal = SIGKILL;
	coldstart_classify(&f, &inv);
	check(&inv, INV_EXITED, "killed by signal 9 (Killed) before posting a response");
	inv.exit_signal = 0;
	inv.exit_code = -1;
	coldstart_classify(&f, &inv);
	check(&inv, INV_EXITED, "ended before posting a response");

	coldstart_classify(&(struct coldstart_facts){ .spawn_error = "cannot create the log /x: EACCES" },
			   &inv);
	check(&inv, INV_SPAWN_FAILED, "cannot create the log /x: EACCES");
	f.spawn_error = "cannot execute ./b: Exec format error";
	coldstart_classify(&f, &inv);
	check(&inv, INV_SPAWN_FAILED, "cannot execute ./b: Exec format error");
}

/* After the answer: dropped events, then lost events, then the OOM killer. */
static void test_run_precedence(void **state)
{
	struct rapi_status st = api_state(RAPI_RESPONDED);
	struct coldstart_facts f = run_facts(&st);
	struct invocation inv;

	(void)state;
	answered(&inv);
	f.events_dropped = 42;
	f.collect_oom = true;
	coldstart_classify(&f, &inv);
	check(&inv, INV_TRACE_INCOMPLETE, "42 events were dropped (ring buffer full): phases may be wrong");
	f.events_dropped = 0;
	coldstart_classify(&f, &inv);
	check(&inv, INV_TRACE_INCOMPLETE, "out of memory while collecting events");
	f.collect_oom = false;

	/* the OOM killer explains a failure, never a success or an interruption */
	f.oom_kills = 1;
	coldstart_classify(&f, &inv);
	check(&inv, INV_OK, "");
	assert_string_equal(inv.error_type, "");
	f.wait = CS_WAIT_INTERRUPTED;
	f.stop_signal = SIGINT;
	coldstart_classify(&f, &inv);
	check(&inv, INV_INTERRUPTED, "the run was interrupted (SIGINT)");
	f.wait = CS_WAIT_EXITED;
	inv.exit_signal = SIGKILL;
	coldstart_classify(&f, &inv);
	check(&inv, INV_OUT_OF_MEMORY, "Runtime.OutOfMemory: the kernel's OOM killer ended 1 process "
	      "at the 128 MB memory limit");
	assert_string_equal(inv.error_type, "Runtime.OutOfMemory");
	f.oom_kills = 3;
	f.memory_mb = 256;
	f.wait = CS_WAIT_ANSWERED;
	f.events_dropped = 1;	/* a trace_incomplete is a failure too */
	coldstart_classify(&f, &inv);
	check(&inv, INV_OUT_OF_MEMORY, "Runtime.OutOfMemory: the kernel's OOM killer ended 3 processes "
	      "at the 256 MB memory limit");
	f.events_dropped = 0;
	f.spawn_error = "cannot execute ./b: Permission denied";
	coldstart_classify(&f, &inv);
	check(&inv, INV_OUT_OF_MEMORY, "Runtime.OutOfMemory: the kernel's OOM killer ended 3 processes "
	      "at the 256 MB memory limit");
	/* an init error the OOM killer caused keeps the OOM's error type */
	f.spawn_error = NULL;
	st = api_state(RAPI_INIT_ERRORED);
	strcpy(st.error_type, "Runtime.Crash");
	coldstart_classify(&f, &inv);
	assert_int_equal(inv.outcome, INV_OUT_OF_MEMORY);
	assert_string_equal(inv.error_type, "Runtime.OutOfMemory");
}

/* The process limit: a failure that met it is process_limit, a success stays ok. */
static void test_run_process_limit(void **state)
{
	struct rapi_status st = api_state(RAPI_RESPONDED);
	struct coldstart_facts f = { .api = &st, .traced = true, .memory_mb = 128,
				     .pids_max = 1024 };
	struct invocation inv;

	(void)state;
	answered(&inv);
	f.pids_max_events = 3;
	coldstart_classify(&f, &inv);
	check(&inv, INV_OK, "");	/* a refused thread it handled, then a response */
	/* a fork bomb: no response within the timeout */
	f.wait = CS_WAIT_TIMEOUT;
	f.timeout_s = 3;
	coldstart_classify(&f, &inv);
	check(&inv, INV_PROCESS_LIMIT, "the process limit of 1024 processes and threads was "
	      "reached: 3 forks or clones refused (pids cgroup)");
	assert_string_equal(inv.error_type, "");
	/* ... or it exited; one refusal */
	f.wait = CS_WAIT_EXITED;
	f.pids_max_events = 1;
	coldstart_classify(&f, &inv);
	check(&inv, INV_PROCESS_LIMIT, "the process limit of 1024 processes and threads was "
	      "reached: 1 fork or clone refused (pids cgroup)");
	/* not an OOM even when the OOM killer struck as well: both are said */
	f.oom_kills = 2;
	coldstart_classify(&f, &inv);
	check(&inv, INV_PROCESS_LIMIT, "the process limit of 1024 processes and threads was "
	      "reached: 1 fork or clone refused (pids cgroup); the OOM killer also ended 2 processes");
	assert_string_equal(inv.error_type, "");
	/* without a refusal it is the OOM it was */
	f.pids_max_events = 0;
	coldstart_classify(&f, &inv);
	assert_int_equal(inv.outcome, INV_OUT_OF_MEMORY);
	/* an interruption stays one */
	f.pids_max_events = 5;
	f.wait = CS_WAIT_INTERRUPTED;
	f.stop_signal = SIGTERM;
	coldstart_classify(&f, &inv);
	check(&inv, INV_INTERRUPTED, "the run was interrupted (SIGTERM)");
	assert_string_equal(inv_outcome_name(INV_PROCESS_LIMIT), "process_limit");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collect_grows_and_keeps_order),
		cmocka_unit_test(test_collect_ignores_stragglers),
		cmocka_unit_test(test_collect_out_of_memory),
		cmocka_unit_test(test_events_by_time),
		cmocka_unit_test(test_build_traced),
		cmocka_unit_test(test_build_userspace),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_attached),
		cmocka_unit_test(test_attached_precedence),
		cmocka_unit_test(test_run_answered),
		cmocka_unit_test(test_run_missing_marks),
		cmocka_unit_test(test_run_wait_endings),
		cmocka_unit_test(test_run_precedence),
		cmocka_unit_test(test_run_process_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
