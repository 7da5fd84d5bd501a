// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests for src/chrome_trace*.c (chrome_trace.h): hand-made event sequences -> (sorted
 * once) timeline_build -> Chrome Trace Event JSON, parsed back with cJSON and checked event by
 * event. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "chrome_trace.h"
#include "coldstart.h"
#include "timeline.h"
#include "test_helpers.h"

#define T0 5000000000ull	/* exec_enter of the first cold start */
#define MS 1000000ull
#define RT "/2018-06-01/runtime"
#define REQ_NEXT "GET " RT "/invocation/next HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n\r\n"
#define REQ_RESP_HDR "POST " RT "/invocation/r1/response HTTP/1.1\r\nContent-Length: 2\r\n\r\n"
#define STATUS_EXIT(c) ((uint64_t)(c) << 8)

struct seq {
	struct prof_event ev[64];
	size_t n;
	uint32_t root;
};

static struct prof_event *put(struct seq *s, uint32_t type, uint32_t tgid, uint32_t tid,
			      uint64_t ts, uint64_t end, int64_t ret, const char *comm)
{
	struct prof_event *e;

	assert_true(s->n < sizeof(s->ev) / sizeof(s->ev[0]));
	e = &s->ev[s->n++];
	*e = test_event(type, s->root, tgid, tid, ts, end, ret);
	e->fd = 3;
	strncpy(e->comm, comm, sizeof(e->comm) - 1);
	return e;
}

static void put_exec(struct seq *s, uint32_t tgid, uint64_t ts, uint64_t done, const char *file,
		     const char *comm_before, const char *comm_after)
{
	struct prof_event *e = put(s, PROF_EV_EXEC_ENTER, tgid, tgid, ts, 0, 0, comm_before);

	e->cap_len = (uint32_t)strlen(file) + 1;
	memcpy(e->data, file, e->cap_len);
	if (done)
		put(s, PROF_EV_EXEC_DONE, tgid, tgid, done, 0, 0, comm_after);
	else
		put(s, PROF_EV_EXEC_FAIL, tgid, tgid, ts + 1000, 0, -2, comm_before);
}

/* A write of the bytes b (len bytes, captured up to 128) on connection id. */
static struct prof_event *put_write(struct seq *s, uint32_t tgid, uint32_t tid, uint32_t id,
				    uint64_t ts, uint64_t end, const void *b, size_t len,
				    const char *comm)
{
	struct prof_event *e = put(s, PROF_EV_WRITE, tgid, tid, ts, end, (int64_t)len, comm);

	e->conn_id = id;
	e->arg = len;
	e->cap_len = (uint32_t)(len < PROF_CAPTURE_LEN ? len : PROF_CAPTURE_LEN);
	memcpy(e->data, b, e->cap_len);
	return e;
}

static void put_io(struct seq *s, uint32_t type, uint32_t tgid, uint32_t id, uint64_t ts,
		   uint64_t end, int64_t ret, const char *comm)
{
	struct prof_event *e = put(s, type, tgid, tgid, ts, end, ret, comm);

	e->conn_id = id;
	if (type == PROF_EV_READ)
		e->arg = 65536;
}

static void put_fork(struct seq *s, uint32_t parent, uint32_t child, uint64_t ts, bool thread,
		     const char *comm)
{
	struct prof_event *e = put(s, PROF_EV_FORK, parent, parent, ts, 0, 0, comm);

	e->arg = child;
	e->ppid = parent;
	e->flags = thread ? PROF_F_THREAD : 0;
}

static void put_exit(struct seq *s, uint32_t tgid, uint64_t ts, uint64_t status, uint64_t rss,
		     const char *comm)
{
	struct prof_event *e = put(s, PROF_EV_EXIT, tgid, tgid, ts, 0, 0, comm);

	e->arg = status;
	e->rss_peak_kb = rss;
	e->threads = 1;
	e->min_flt = 100;
}

/* A single-process bootstrap (root) starting at base: every phase present,
 * a thread created, the response sent in two writes. */
static void simple_cold_start(struct seq *s, uint32_t root, uint64_t base)
{
	memset(s, 0, sizeof(*s));
	s->root = root;
	put_exec(s, root, base, base + 1 * MS, "/var/task/bootstrap", "profiler", "bootstrap");
	put_fork(s, root, root + 1, base + 1500000, true, "bootstrap");
	put_io(s, PROF_EV_CONNECT, root, 1, base + 2 * MS, base + 2050000, 0, "bootstrap");
	put_write(s, root, root, 1, base + 3 * MS, base + 3020000, REQ_NEXT, strlen(REQ_NEXT),
		  "bootstrap");
	put_io(s, PROF_EV_READ, root, 1, base + 3030000, base + 5 * MS, 400, "bootstrap");
	put_write(s, root, root, 1, base + 6 * MS, base + 6010000, REQ_RESP_HDR,
		  strlen(REQ_RESP_HDR), "bootstrap");
	put_write(s, root, root, 1, base + 6020000, base + 6030000, "{}", 2, "bootstrap");
	put_io(s, PROF_EV_CLOSE, root, 1, base + 7 * MS, base + 7001000, 0, "bootstrap");
	put_exit(s, root, base + 8 * MS, STATUS_EXIT(0), 5120, "bootstrap");
}

static void build_inv(const struct seq *s, int index, struct invocation *inv)
{
	const struct prof_event **t;

	memset(inv, 0, sizeof(*inv));
	inv->index = index;
	assert_int_equal(events_by_time(s->ev, s->n, &t), 0);
	assert_int_equal(timeline_build(t, s->n, s->root, inv), 0);
	free(t);
}

/* ctrace_add_cold_start on the events in time order, as coldstart_export hands them over. */
static int add_cs(struct ctrace *w, int index, const struct seq *s, const struct invocation *inv)
{
	const struct prof_event **t;
	int ret, err;

	assert_int_equal(events_by_time(s->ev, s->n, &t), 0);
	ret = ctrace_add_cold_start(w, index, t, s->n, inv);
	err = errno;
	free(t);
	errno = err;
	return ret;
}

/* --- reading the output back ---------------------------------------------- */

static int64_t ns_of(const cJSON *ev, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ev, key);

	assert_non_null(v);
	assert_true(cJSON_IsNumber(v));
	return llround(v->valuedouble * 1000.0);
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static const cJSON *events_of(const cJSON *root)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "traceEvents");

	assert_true(cJSON_IsArray(a));
	return a;
}

/* the n-th (0-based) event with this ph and name on pid (pid < 0: any) */
static const cJSON *find_nth(const cJSON *root, char ph, const char *name, long pid, int nth)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, events_of(root)) {
		const char *p = str_of(e, "ph");

		if (p[0] != ph || strcmp(str_of(e, "name"), name))
			continue;
		if (pid >= 0 && cJSON_GetObjectItemCaseSensitive(e, "pid")->valuedouble != pid)
			continue;
		if (nth-- == 0)
			return e;
	}
	return NULL;
}

static const cJSON *find(const cJSON *root, char ph, const char *name, long pid)
{
	return find_nth(root, ph, name, pid, 0);
}

/* the first "X" event of this category and name */
static const cJSON *find_cat(const cJSON *root, const char *cat, const char *name)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, events_of(root)) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "cat");

		if (!strcmp(str_of(e, "ph"), "X") && cJSON_IsString(c) &&
		    !strcmp(c->valuestring, cat) && !strcmp(str_of(e, "name"), name))
			return e;
	}
	return NULL;
}

/* the name a metadata event gives to (pid, tid) */
static const char *meta_name(const cJSON *root, const char *what, long pid, long tid)
{
	const cJSON *e;
	const char *found = NULL;

	cJSON_ArrayForEach(e, events_of(root)) {
		if (strcmp(str_of(e, "ph"), "M") || strcmp(str_of(e, "name"), what))
			continue;
		if (cJSON_GetObjectItemCaseSensitive(e, "pid")->valuedouble != pid ||
		    cJSON_GetObjectItemCaseSensitive(e, "tid")->valuedouble != tid)
			continue;
		found = str_of(cJSON_GetObjectItemCaseSensitive(e, "args"), "name");
	}
	return found;
}

static void assert_inside(const cJSON *outer, const cJSON *inner)
{
	int64_t ot = ns_of(outer, "ts"), od = ns_of(outer, "dur");
	int64_t it = ns_of(inner, "ts"), id = ns_of(inner, "dur");

	if (it < ot || it + id > ot + od)
		fail_msg("%s [%lld +%lld] not inside %s [%lld +%lld]", str_of(inner, "name"),
			 (long long)it, (long long)id, str_of(outer, "name"), (long long)ot,
			 (long long)od);
}

#define MAX_TRACKS 64
/* Checks every event of the file against the format's rules; returns the count. */
static int validate(const cJSON *root)
{
	struct {
		long pid, tid;
		int64_t last;
	} tr[MAX_TRACKS];
	int ntr = 0, count = 0;
	const cJSON *e;
	bool meta_done = false;

	assert_string_equal(str_of(root, "displayTimeUnit"), "ns");
	assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "otherData")));
	cJSON_ArrayForEach(e, events_of(root)) {
		const char *ph = str_of(e, "ph");
		const cJSON *pid = cJSON_GetObjectItemCaseSensitive(e, "pid");
		const cJSON *tid = cJSON_GetObjectItemCaseSensitive(e, "tid");
		const cJSON *args = cJSON_GetObjectItemCaseSensitive(e, "args");
		int64_t ts;
		int k;

		count++;
		assert_true(strlen(str_of(e, "name")) > 0);
		assert_int_equal(strlen(ph), 1);
		assert_non_null(strchr("MXiC", ph[0]));
		assert_true(cJSON_IsNumber(pid) && pid->valuedouble >= 0);
		assert_true(cJSON_IsNumber(tid) && tid->valuedouble >= 0);
		if (ph[0] == 'M') {
			assert_false(meta_done);	/* metadata first */
			assert_null(cJSON_GetObjectItemCaseSensitive(e, "ts"));
			assert_true(cJSON_IsObject(args));
			continue;
		}
		meta_done = true;
		ts = ns_of(e, "ts");
		assert_true(ts >= 0);
		if (ph[0] == 'X')
			assert_true(ns_of(e, "dur") >= 0);
		else
			assert_null(cJSON_GetObjectItemCaseSensitive(e, "dur"));
		if (ph[0] == 'i')
			assert_string_equal(str_of(e, "s"), "t");
		if (ph[0] == 'C') {
			const cJSON *v;

			assert_true(cJSON_IsObject(args) && args->child);
			cJSON_ArrayForEach(v, args)
				assert_true(cJSON_IsNumber(v));
		}
		/* every track is named */
		assert_non_null(meta_name(root, "process_name", (long)pid->valuedouble,
					  (long)pid->valuedouble));
		if (ph[0] != 'C')
			assert_non_null(meta_name(root, "thread_name", (long)pid->valuedouble,
						  (long)tid->valuedouble));
		/* ts never goes back within a track */
		for (k = 0; k < ntr; k++)
			if (tr[k].pid == (long)pid->valuedouble && tr[k].tid == (long)tid->valuedouble)
				break;
		if (k == ntr) {
			assert_true(ntr < MAX_TRACKS);
			tr[ntr].pid = (long)pid->valuedouble;
			tr[ntr].tid = (long)tid->valuedouble;
			tr[ntr].last = ts;
			ntr++;
		} else {
			if (ts < tr[k].last)
				fail_msg("ts %lld < %lld on %ld/%ld (%s)", (long long)ts,
					 (long long)tr[k].last, tr[k].pid, tr[k].tid,
					 str_of(e, "name"));
			tr[k].last = ts;
		}
	}
	return count;
}

/* The JSON of a writer, checked to be valid UTF-8 and parsed. */
static cJSON *render(struct ctrace *w, char **text)
{
	char *s = ctrace_to_json(w);
	char *copy;
	cJSON *root;
	size_t l;

	assert_non_null(s);
	l = strlen(s);
	copy = malloc(l + 1);
	assert_non_null(copy);
	assert_int_equal(ctrace_sanitize((const unsigned char *)s, l, copy), l);
	assert_memory_equal(copy, s, l);	/* unchanged: already valid UTF-8 */
	free(copy);
	root = cJSON_Parse(s);
	assert_non_null(root);
	if (text)
		*text = s;
	else
		free(s);
	return root;
}

/* --- tests ------------------------------------------------------------------- */

static void test_one_cold_start(void **state)
{
	struct seq s;
	struct invocation inv;
	struct ctrace *w = ctrace_open();
	const cJSON *total, *init, *ph, *cs, *e, *a;
	const char *names[] = { "exec", "connect", "init", "wait", "handler" };
	cJSON *root;
	int n_sys = 0;

	(void)state;
	assert_non_null(w);
	simple_cold_start(&s, 100, T0);
	build_inv(&s, 1, &inv);
	assert_int_equal(inv.k.response_sent, T0 + 6020000);	/* sanity of the input */
	assert_int_equal(add_cs(w, 1, &s, &inv), 0);
	root = render(w, NULL);
	assert_true(validate(root) > 20);

	/* origin = exec_enter: the exec phase starts at 0 */
	a = cJSON_GetObjectItemCaseSensitive(root, "otherData");
	assert_string_equal(str_of(a, "ts_origin_ns"), "5000000000");
	assert_non_null(strstr(str_of(a, "ts_origin"), "exec_enter"));
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "cold_starts")->valueint, 1);

	/* phases on the root's main thread, exact, nested */
	total = find(root, 'X', "total", 100);
	init = find(root, 'X', "init", 100);
	assert_non_null(total);
	assert_non_null(init);
	assert_int_equal(ns_of(total, "ts"), 0);
	assert_int_equal(ns_of(total, "dur"), 6020000);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(total, "tid")->valueint, 100);
	assert_string_equal(str_of(total, "cat"), "phase");
	assert_int_equal(ns_of(init, "dur"), 3 * MS);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ph = find_cat(root, "phase", names[i]);
		assert_non_null(ph);
		assert_int_equal(cJSON_GetObjectItemCaseSensitive(ph, "pid")->valueint, 100);
		assert_int_equal(cJSON_GetObjectItemCaseSensitive(ph, "tid")->valueint, 100);
		assert_string_equal(str_of(ph, "cat"), "phase");
		assert_inside(total, ph);
		if (i < 2)
			assert_inside(init, ph);
	}
	ph = find(root, 'X', "handler", 100);
	assert_int_equal(ns_of(ph, "ts"), 5 * MS);
	assert_int_equal(ns_of(ph, "dur"), 1020000);
	assert_true(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ph, "args"),
						     "ms")->valuedouble == inv.handler_ms);
	ph = find(root, 'X', "exec", 100);
	assert_int_equal(ns_of(ph, "ts"), 0);
	assert_int_equal(ns_of(ph, "dur"), 1 * MS);
	/* parents precede children with the same ts */
	{
		int it = -1, ii = -1, ie = -1, k = 0;

		cJSON_ArrayForEach(e, events_of(root)) {
			if (!strcmp(str_of(e, "ph"), "X")) {
				if (!strcmp(str_of(e, "name"), "total"))
					it = k;
				if (!strcmp(str_of(e, "name"), "init"))
					ii = k;
				if (!strcmp(str_of(e, "name"), "exec"))
					ie = k;
			}
			k++;
		}
		assert_true(it < ii && ii < ie);
	}

	/* syscall slices inside the cold start slice, with their args */
	cs = find(root, 'X', "cold start 1", 0);
	assert_non_null(cs);
	assert_int_equal(ns_of(cs, "ts"), 0);
	assert_int_equal(ns_of(cs, "dur"), 8 * MS);	/* exec_enter .. root exit */
	assert_string_equal(str_of(cJSON_GetObjectItemCaseSensitive(cs, "args"), "outcome"), "ok");
	cJSON_ArrayForEach(e, events_of(root)) {
		if (strcmp(str_of(e, "ph"), "X") || !cJSON_GetObjectItemCaseSensitive(e, "cat") ||
		    strcmp(str_of(e, "cat"), "syscall"))
			continue;
		n_sys++;
		assert_inside(cs, e);
	}
	assert_int_equal(n_sys, 6);
	e = find(root, 'X', "write", 100);
	assert_int_equal(ns_of(e, "ts"), 3 * MS);
	assert_int_equal(ns_of(e, "dur"), 20000);
	a = cJSON_GetObjectItemCaseSensitive(e, "args");
	assert_string_equal(str_of(a, "request"), "next");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "starts_request")));
	assert_string_equal(str_of(a, "data"), REQ_NEXT);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "fd")->valueint, 3);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "conn_id")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "ret")->valueint,
			 (int)strlen(REQ_NEXT));
	e = find_nth(root, 'X', "write", 100, 2);	/* the body: continues the response */
	a = cJSON_GetObjectItemCaseSensitive(e, "args");
	assert_string_equal(str_of(a, "request"), "response");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(a, "starts_request")));
	e = find(root, 'X', "read", 100);
	assert_int_equal(ns_of(e, "dur"), 5 * MS - 3030000);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e, "args"),
							  "bytes")->valueint, 65536);

	/* names, instants, counter */
	assert_string_equal(meta_name(root, "process_name", 100, 100), "/var/task/bootstrap");
	assert_string_equal(meta_name(root, "thread_name", 100, 100), "bootstrap");
	assert_string_equal(meta_name(root, "thread_name", 100, 101), "bootstrap");
	assert_string_equal(meta_name(root, "process_name", 0, 0), "profiler");
	assert_string_equal(meta_name(root, "thread_name", 0, 0), "cold starts");
	e = find(root, 'i', "exec_enter", 100);
	assert_string_equal(str_of(cJSON_GetObjectItemCaseSensitive(e, "args"), "filename"),
			    "/var/task/bootstrap");
	e = find(root, 'i', "fork", 100);
	a = cJSON_GetObjectItemCaseSensitive(e, "args");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "child")->valueint, 101);
	assert_string_equal(str_of(a, "kind"), "thread");
	e = find(root, 'i', "exit", 100);
	a = cJSON_GetObjectItemCaseSensitive(e, "args");
	assert_int_equal(ns_of(e, "ts"), 8 * MS);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "exit_code")->valueint, 0);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "rss_peak_kb")->valueint, 5120);
	e = find(root, 'C', "rss_kb", 100);
	assert_non_null(e);
	assert_int_equal(ns_of(e, "ts"), 8 * MS);
	a = cJSON_GetObjectItemCaseSensitive(e, "args");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "peak (sampled once, at exit)")->valueint,
			 5120);
	cJSON_Delete(root);
	ctrace_free(w);
}

/* A phase's ms in args, on its slice and on the cold start's, are written by the tool's one
 * rule for milliseconds (jsonw.h: to the microsecond), not as the unrounded ns / 1e6; ts and
 * dur keep the nanosecond. */
static void test_phase_ms_rounding(void **state)
{
	struct seq s;
	struct invocation inv;
	struct ctrace *w = ctrace_open();
	const cJSON *ph, *cs, *a;
	cJSON *root;

	(void)state;
	assert_non_null(w);
	simple_cold_start(&s, 100, T0);
	s.ev[7].ts_ns += 1456;		/* the response's last write: handler 1.021456 ms */
	build_inv(&s, 1, &inv);
	assert_true(inv.handler_ms == 1021456 / 1e6);
	assert_int_equal(add_cs(w, 1, &s, &inv), 0);
	root = render(w, NULL);
	ph = find(root, 'X', "handler", 100);
	assert_non_null(ph);
	assert_int_equal(ns_of(ph, "dur"), 1021456);	/* the slice keeps the ns */
	a = cJSON_GetObjectItemCaseSensitive(ph, "args");
	assert_true(cJSON_GetObjectItemCaseSensitive(a, "ms")->valuedouble == 1.021);
	cs = find(root, 'X', "cold start 1", 0);
	assert_non_null(cs);
	a = cJSON_GetObjectItemCaseSensitive(cs, "args");
	assert_true(cJSON_GetObjectItemCaseSensitive(a, "handler_ms")->valuedouble == 1.021);
	assert_true(cJSON_GetObjectItemCaseSensitive(a, "total_ms")->valuedouble == 6.021);
	cJSON_Delete(root);
	ctrace_free(w);
}

static void test_escaping(void **state)
{
	static const unsigned char payload[] = "POST /x HTTP/1.1\r\nX: \"q\\\"\n\xff\x01\x7f"
					       "\xc3\xa9\x00z\xe2\x82";
	struct seq s;
	struct invocation inv;
	struct ctrace *w = ctrace_open();
	const cJSON *e;
	cJSON *root;
	char *text;

	(void)state;
	simple_cold_start(&s, 100, T0);
	put_write(&s, 100, 100, 2, T0 + 7500000, T0 + 7600000, payload, sizeof(payload) - 1,
		  "bootstrap");
	strcpy(s.ev[s.n - 2].comm, "boot\"strap\n");	/* the exit: the last comm seen */
	build_inv(&s, 1, &inv);
	assert_int_equal(add_cs(w, 1, &s, &inv), 0);
	root = render(w, &text);
	validate(root);
	/* the raw bytes never reach the file; quote and newline are escaped */
	assert_null(memchr(text, 0xff, strlen(text)));
	assert_non_null(strstr(text, "X: \\\"q\\\\\\\"\\n?"));
	e = find(root, 'X', "write", 100);
	for (int k = 1; e && cJSON_GetObjectItemCaseSensitive(e, "args") &&
			cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e, "args"),
							 "conn_id")->valueint != 2; k++)
		e = find_nth(root, 'X', "write", 100, k);
	assert_non_null(e);
	assert_string_equal(str_of(cJSON_GetObjectItemCaseSensitive(e, "args"), "data"),
			    "POST /x HTTP/1.1\r\nX: \"q\\\"\n???\xc3\xa9?z??");
	assert_string_equal(str_of(cJSON_GetObjectItemCaseSensitive(e, "args"), "request"), "other");
	/* the comm of the last event names the thread, escaped */
	assert_string_equal(meta_name(root, "thread_name", 100, 100), "boot\"strap\n");
	free(text);
	cJSON_Delete(root);
	ctrace_free(w);
}

static void test_sanitize(void **state)
{
	unsigned char *in;
	char out[32];

	(void)state;
	assert_int_equal(ctrace_sanitize((const unsigned char *)"a\tb\r\n", 5, out), 5);
	assert_string_equal(out, "a\tb\r\n");
	ctrace_sanitize((const unsigned char *)"\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80", 11, out);
	assert_string_equal(out, "??|???|????");	/* overlong, surrogate, > U+10FFFF */
	ctrace_sanitize((const unsigned char *)"\xf0\x9f\x98\x80\xe2\x82\xac", 7, out);
	assert_string_equal(out, "\xf0\x9f\x98\x80\xe2\x82\xac");	/* valid 4- and 3-byte */
	/* cut by the capture; an exact-size heap copy so ASan sees any over-read */
	in = malloc(3);
	assert_non_null(in);
	memcpy(in, "\xf0\x9f\x98", 3);
	ctrace_sanitize(in, 3, out);
	assert_string_equal(out, "???");
	free(in);
	assert_int_equal(ctrace_sanitize((const unsigned char *)"", 0, out), 0);
	assert_string_equal(out, "");
}

static void test_two_cold_starts(void **state)
{
	struct seq s1, s2;
	struct invocation i1, i2;
	struct ctrace *w = ctrace_open();
	const cJSON *c1, *c2, *t2, *a;
	cJSON *root;

	(void)state;
	simple_cold_start(&s1, 100, T0);
	simple_cold_start(&s2, 200, T0 + 1000 * MS);
	build_inv(&s1, 1, &i1);
	build_inv(&s2, 2, &i2);
	assert_int_equal(add_cs(w, 1, &s1, &i1), 0);
	assert_int_equal(add_cs(w, 2, &s2, &i2), 0);
	root = render(w, NULL);
	validate(root);
	c1 = find(root, 'X', "cold start 1", 0);
	c2 = find(root, 'X', "cold start 2", 0);
	assert_non_null(c1);
	assert_non_null(c2);
	assert_int_equal(ns_of(c1, "ts"), 0);
	assert_int_equal(ns_of(c2, "ts"), 1000 * MS);	/* relative to the FIRST exec_enter */
	assert_true(ns_of(c1, "ts") + ns_of(c1, "dur") <= ns_of(c2, "ts"));
	t2 = find(root, 'X', "total", 200);
	assert_non_null(t2);
	assert_int_equal(ns_of(t2, "ts"), 1000 * MS);
	assert_inside(c2, t2);
	assert_non_null(find(root, 'X', "total", 100));
	assert_null(find_nth(root, 'X', "total", 100, 1));
	assert_string_equal(meta_name(root, "process_name", 200, 200), "/var/task/bootstrap");
	assert_non_null(find(root, 'C', "rss_kb", 200));
	a = cJSON_GetObjectItemCaseSensitive(root, "otherData");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "cold_starts")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "pid_reuses")->valueint, 0);
	assert_string_equal(str_of(a, "ts_origin_ns"), "5000000000");
	cJSON_Delete(root);

	/* the same pid again in a third cold start is counted */
	assert_int_equal(add_cs(w, 3, &s1, &i1), 0);
	root = render(w, NULL);
	a = cJSON_GetObjectItemCaseSensitive(root, "otherData");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "pid_reuses")->valueint, 1);
	cJSON_Delete(root);
	ctrace_free(w);
}

/* A shell bootstrap: curl children make the calls, one exec fails. */
static void test_process_tree(void **state)
{
	struct seq s;
	struct invocation inv;
	struct ctrace *w = ctrace_open();
	const cJSON *e, *a, *cs;
	cJSON *root;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.root = 300;
	put_exec(&s, 300, T0, T0 + 1 * MS, "/var/task/bootstrap", "profiler", "bootstrap");
	put_fork(&s, 300, 303, T0 + 1500000, false, "bootstrap");
	put_exec(&s, 303, T0 + 1600000, 0, "/nonexistent/curl", "bootstrap", "bootstrap");
	put_exit(&s, 303, T0 + 1700000, STATUS_EXIT(127), 0, "bootstrap");
	put_fork(&s, 300, 301, T0 + 2 * MS, false, "bootstrap");
	put_exec(&s, 301, T0 + 2100000, T0 + 2500000, "/usr/bin/curl", "bootstrap", "curl");
	put_io(&s, PROF_EV_CONNECT, 301, 7, T0 + 3 * MS, T0 + 3100000, 0, "curl");
	put_write(&s, 301, 301, 7, T0 + 4 * MS, T0 + 4010000, REQ_NEXT, strlen(REQ_NEXT), "curl");
	put_io(&s, PROF_EV_READ, 301, 7, T0 + 4020000, T0 + 9 * MS, 300, "curl");
	put_exit(&s, 301, T0 + 10 * MS, STATUS_EXIT(0), 4000, "curl");
	put_fork(&s, 300, 302, T0 + 11 * MS, false, "bootstrap");
	put_exec(&s, 302, T0 + 11100000, T0 + 11500000, "/usr/bin/curl", "bootstrap", "curl");
	put_io(&s, PROF_EV_CONNECT, 302, 8, T0 + 12 * MS, T0 + 12100000, 0, "curl");
	put_write(&s, 302, 302, 8, T0 + 13 * MS, T0 + 13010000, REQ_RESP_HDR "{}",
		  strlen(REQ_RESP_HDR) + 2, "curl");
	put_io(&s, PROF_EV_READ, 302, 8, T0 + 13020000, 0, 0, "curl");	/* never returned */
	put_exit(&s, 302, T0 + 14 * MS, 9, 3900, "curl");			/* SIGKILL */
	put_exit(&s, 300, T0 + 15 * MS, STATUS_EXIT(0), 1800, "bootstrap");
	build_inv(&s, 1, &inv);
	assert_int_equal(inv.k.next_sent, T0 + 4 * MS);
	assert_int_equal(add_cs(w, 1, &s, &inv), 0);
	root = render(w, NULL);
	validate(root);

	assert_string_equal(meta_name(root, "process_name", 300, 300), "/var/task/bootstrap");
	assert_string_equal(meta_name(root, "process_name", 301, 301), "/usr/bin/curl");
	assert_string_equal(meta_name(root, "thread_name", 301, 301), "curl");
	assert_string_equal(meta_name(root, "process_name", 303, 303), "bootstrap");	/* exec failed */
	e = find(root, 'i', "exec_fail", 303);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e, "args"),
							  "ret")->valueint, -2);
	e = find_nth(root, 'i', "fork", 300, 1);
	a = cJSON_GetObjectItemCaseSensitive(e, "args");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "child")->valueint, 301);
	assert_string_equal(str_of(a, "kind"), "process");
	e = find(root, 'X', "write", 301);
	assert_string_equal(str_of(cJSON_GetObjectItemCaseSensitive(e, "args"), "request"), "next");
	e = find(root, 'X', "write", 302);
	assert_string_equal(str_of(cJSON_GetObjectItemCaseSensitive(e, "args"), "request"),
			    "response");
	/* the read that never returned is an instant, not a slice */
	assert_null(find(root, 'X', "read", 302));
	e = find(root, 'i', "read (no return seen)", 302);
	assert_non_null(e);
	assert_int_equal(ns_of(e, "ts"), 13020000);
	e = find(root, 'i', "exit", 302);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e, "args"),
							  "signal")->valueint, 9);
	/* a counter per process whose peak is known, none for 303 (unknown) */
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(
				 cJSON_GetObjectItemCaseSensitive(find(root, 'C', "rss_kb", 301), "args"),
				 "peak (sampled once, at exit)")->valueint, 4000);
	assert_non_null(find(root, 'C', "rss_kb", 300));
	assert_non_null(find(root, 'C', "rss_kb", 302));
	assert_null(find(root, 'C', "rss_kb", 303));
	/* phases on the root, which made no call itself */
	e = find(root, 'X', "init", 300);
	assert_int_equal(ns_of(e, "dur"), 4 * MS);
	e = find_cat(root, "phase", "connect");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(e, "pid")->valueint, 300);
	assert_int_equal(ns_of(e, "ts"), 3 * MS);
	assert_string_equal(str_of(find(root, 'X', "connect", 301), "cat"), "syscall");
	cs = find(root, 'X', "cold start 1", 0);
	assert_int_equal(ns_of(cs, "dur"), 15 * MS);
	cJSON_ArrayForEach(e, events_of(root))
		if (!strcmp(str_of(e, "ph"), "X") && strcmp(str_of(e, "name"), "cold start 1"))
			assert_inside(cs, e);
	cJSON_Delete(root);
	ctrace_free(w);
}

/* Ring-buffer order is not time order: the output is the same. */
static void test_unsorted_input(void **state)
{
	struct seq s, r;
	struct invocation inv;
	struct ctrace *w1 = ctrace_open(), *w2 = ctrace_open();
	char *a, *b;
	cJSON *root;

	(void)state;
	simple_cold_start(&s, 100, T0);
	r = s;
	for (size_t i = 0; i < s.n; i++)
		r.ev[i] = s.ev[s.n - 1 - i];
	build_inv(&s, 1, &inv);
	assert_int_equal(add_cs(w1, 1, &s, &inv), 0);
	assert_int_equal(add_cs(w2, 1, &r, &inv), 0);
	a = ctrace_to_json(w1);
	b = ctrace_to_json(w2);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	root = cJSON_Parse(b);
	assert_non_null(root);
	validate(root);
	cJSON_Delete(root);
	free(a);
	free(b);
	ctrace_free(w1);
	ctrace_free(w2);
}

/* An event before exec_enter moves the origin there (no negative ts); ts 0 events are dropped. */
static void test_origin_and_skipped(void **state)
{
	struct seq s;
	struct invocation inv;
	struct ctrace *w = ctrace_open();
	const cJSON *a, *e;
	cJSON *root;

	(void)state;
	simple_cold_start(&s, 100, T0);
	put_io(&s, PROF_EV_CLOSE, 100, 9, T0 - 500000, T0 - 499000, 0, "profiler");
	put_io(&s, PROF_EV_CLOSE, 100, 9, 0, 10, 0, "bootstrap");
	build_inv(&s, 1, &inv);
	assert_int_equal(add_cs(w, 1, &s, &inv), 0);
	root = render(w, NULL);
	validate(root);
	a = cJSON_GetObjectItemCaseSensitive(root, "otherData");
	assert_string_equal(str_of(a, "ts_origin_ns"), "4999500000");
	assert_non_null(strstr(str_of(a, "ts_origin"), "earliest"));
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "skipped_events")->valueint, 1);
	e = find(root, 'X', "exec", 100);
	assert_int_equal(ns_of(e, "ts"), 500000);
	e = find(root, 'X', "cold start 1", 0);
	assert_int_equal(ns_of(e, "ts"), 0);
	assert_int_equal(ns_of(e, "dur"), 8500000);
	assert_inside(e, find(root, 'X', "close", 100));
	cJSON_Delete(root);
	ctrace_free(w);
}

static void test_bad_input_and_empty(void **state)
{
	struct seq s;
	struct invocation inv;
	struct ctrace *w = ctrace_open();
	const cJSON *a;
	cJSON *root;

	(void)state;
	simple_cold_start(&s, 100, T0);
	build_inv(&s, 1, &inv);
	errno = 0;
	assert_int_equal(add_cs(NULL, 1, &s, &inv), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(ctrace_add_cold_start(w, 1, NULL, 3, &inv), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(add_cs(w, 1, &s, NULL), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ctrace_to_json(NULL));
	assert_int_equal(errno, EINVAL);
	ctrace_free(NULL);

	/* nothing added: a valid file with the profiler's track only */
	root = render(w, NULL);
	assert_int_equal(validate(root), 3);
	a = cJSON_GetObjectItemCaseSensitive(root, "otherData");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "cold_starts")->valueint, 0);
	cJSON_Delete(root);

	/* a cold start without events (spawn failed): counted, no slice */
	memset(&inv, 0, sizeof(inv));
	inv.root_pid = 400;
	inv.outcome = INV_SPAWN_FAILED;
	assert_int_equal(ctrace_add_cold_start(w, 1, NULL, 0, &inv), 0);
	root = render(w, NULL);
	validate(root);
	assert_null(find(root, 'X', "cold start 1", 0));
	a = cJSON_GetObjectItemCaseSensitive(root, "otherData");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(a, "cold_starts")->valueint, 1);
	cJSON_Delete(root);
	ctrace_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_cold_start),
		cmocka_unit_test(test_phase_ms_rounding),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_two_cold_starts),
		cmocka_unit_test(test_process_tree),
		cmocka_unit_test(test_unsorted_input),
		cmocka_unit_test(test_origin_and_skipped),
		cmocka_unit_test(test_bad_input_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
