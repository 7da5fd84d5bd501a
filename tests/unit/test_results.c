/* Unit tests of the results JSON: encode (results_encode.c), decode (results_decode.c), the
 * field table both iterate (results_fields.c) and the stats (results_stats.c). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "results.h"
#include "results_fields.h"
#include "util.h"
#include "test_helpers.h"

/* ------------------------------------------------------------------------ */
/* fixtures                                                                   */

static void fill_inv(struct invocation *v, int index, enum inv_outcome o, double base)
{
	memset(v, 0, sizeof(*v));
	v->index = index;
	v->outcome = o;
	v->timestamp = 1700000000 + index;
	v->root_pid = 4000 + (uint32_t)index;
	v->spawn_ns = 4999999990000ull + (uint64_t)index * 1000000007ull;
	v->api_next_received_ns = v->k.exec_enter + 500000;
	v->api_event_sent_ns = v->k.exec_enter + 510000;
	v->api_response_received_ns = v->k.exec_enter + 900000;
	v->read_bytes = 4096u * (uint64_t)index;
	v->n_warm = 2;
	v->warm_handler_ms[0] = 0.5 + index;
	v->warm_handler_ms[1] = -1;
	v->evicted_files = (uint32_t)index;
	v->evicted_pages = 100u * (uint64_t)index;
	v->still_cached_pages = (uint64_t)index;
	v->log_bytes = 1000u + (uint64_t)index;
	v->log_dropped = (uint64_t)index;
	v->k.exec_enter = 5000000000000ull + (uint64_t)index * 1000000007ull;
	v->k.exec_done = v->k.exec_enter + 100000;
	v->k.connect_start = v->k.exec_enter + 200000;
	v->k.connect_end = v->k.exec_enter + 210000;
	v->k.next_sent = v->k.exec_enter + 300000;
	v->k.event_received = v->k.exec_enter + 400000;
	v->k.response_sent = v->k.exec_enter + 500000;
	v->k.init_error_sent = 0;
	v->k.root_exit = v->k.exec_enter + 600000;
	v->exec_ms = 0.1;
	v->connect_ms = 0.01;
	v->init_ms = base;
	v->wait_ms = 0.125;
	v->handler_ms = base / 2;
	v->total_ms = base + base / 2;
	v->memory_kb = 4096 + (uint64_t)index;
	v->root_memory_kb = 2048 + (uint64_t)index;
	v->min_flt = 300 + (uint64_t)index;
	v->maj_flt = (uint64_t)index;
	v->processes = 1;
	v->threads = 2 + (unsigned)index;
	v->connections = 1;
	v->requests = 2;
	v->bytes_sent = 512;
	v->bytes_received = 1ull << 40;
	v->exit_code = 0;
	v->exit_signal = 0;
	v->killed_by_profiler = true;
	v->io_uring = false;
	v->capture_faults = 0;
	snprintf(v->log_path, sizeof(v->log_path), "/var/log/p/inv-%d.log", index);
}

/* 3 successes and 3 failures, interleaved by index. */
static struct results *make_results(void)
{
	struct results *r = calloc(1, sizeof(*r));
	struct invocation *v;

	assert_non_null(r);
	r->inv = calloc(6, sizeof(*r->inv));
	assert_non_null(r->inv);
	r->n_inv = 6;
	strlcpy0(r->runtime, "provided.al2023", sizeof(r->runtime));
	r->memory_mb = 128;
	strlcpy0(r->arch, "x86_64", sizeof(r->arch));
	strlcpy0(r->timing_source, "ebpf", sizeof(r->timing_source));
	strlcpy0(r->host, "host-1", sizeof(r->host));
	strlcpy0(r->kernel, "6.18.0", sizeof(r->kernel));
	strlcpy0(r->tool_version, "0.1.0", sizeof(r->tool_version));
	strlcpy0(r->bootstrap, "/opt/fn/bootstrap", sizeof(r->bootstrap));
	strlcpy0(r->log_dir, "/var/log/p", sizeof(r->log_dir));
	r->incomplete = true;
	strlcpy0(r->run_as_user, "nobody", sizeof(r->run_as_user));
	r->limits_applied = true;
	strlcpy0(r->cgroup, "v1", sizeof(r->cgroup));
	r->vcpus = 0.072;
	r->cpu_quota_us = 7236;
	r->cpu_period_us = 100000;
	strlcpy0(r->host_cpu, "Test CPU @ 2.0GHz", sizeof(r->host_cpu));
	r->cold_cache = true;
	r->warm = 2;
	r->freeze_ms = 50;
	r->run_as_uid = 65534;
	r->events_dropped = 7;
	r->capture_faults = 3;
	strlcpy0(r->binary.path, "/opt/fn/bootstrap", sizeof(r->binary.path));
	r->binary.size_bytes = 307201;
	r->binary.size_kb = 301;
	r->binary.stripped = true;

	fill_inv(&r->inv[0], 1, INV_OK, 2.0);
	fill_inv(&r->inv[1], 2, INV_FUNCTION_ERROR, 9.0);
	strlcpy0(r->inv[1].reason, "handler posted an error", sizeof(r->inv[1].reason));
	strlcpy0(r->inv[1].error_type, "Function.Boom", sizeof(r->inv[1].error_type));
	fill_inv(&r->inv[2], 3, INV_OK, 4.0);
	/* success with the optional values unavailable */
	v = &r->inv[3];
	fill_inv(v, 4, INV_OK, 6.0);
	v->exec_ms = v->connect_ms = v->wait_ms = -1;
	v->memory_kb = v->root_memory_kb = 0;
	v->k.exec_done = v->k.connect_start = v->k.connect_end = 0;
	v->exit_code = -1;
	v->exit_signal = SIGKILL;
	v->io_uring = true;
	v->capture_faults = 2;
	/* a child that crashed: a signal, no exit code, no phases */
	v = &r->inv[4];
	fill_inv(v, 5, INV_EXITED, 1.0);
	strlcpy0(v->reason, "exited before posting a response", sizeof(v->reason));
	v->init_ms = v->handler_ms = v->total_ms = -1;
	v->k.next_sent = v->k.event_received = v->k.response_sent = 0;
	v->exit_code = -1;
	v->exit_signal = SIGSEGV;
	v->killed_by_profiler = false;
	/* a real-time signal and an init error */
	v = &r->inv[5];
	fill_inv(v, 6, INV_INIT_ERROR, 1.5);
	strlcpy0(v->reason, "Runtime.ExitError: \"quoted\"\nsecond line", sizeof(v->reason));
	strlcpy0(v->error_type, "Runtime.ExitError", sizeof(v->error_type));
	v->k.init_error_sent = v->k.exec_enter + 700000;
	v->exit_code = 3;
	v->exit_signal = SIGRTMIN + 2;
	results_compute_stats(r);
	return r;
}

static void free_results(struct results *r)
{
	results_free(r);
	free(r);
}

static void assert_ms_equal(double got, double want)
{
	if (want < 0)
		assert_true(got < 0);
	else
		assert_near(got, want, 1e-9);
}

static void assert_stats_equal(const struct stats *a, const struct stats *b)
{
	assert_int_equal(a->n, b->n);
	assert_near(a->avg, b->avg, 1e-9);
	assert_near(a->p50, b->p50, 1e-9);
	assert_near(a->p99, b->p99, 1e-9);
	assert_near(a->min, b->min, 1e-9);
	assert_near(a->max, b->max, 1e-9);
	assert_near(a->stddev, b->stddev, 1e-9);
}

/* Every field that the JSON carries ("events" and binary.is_elf do not). */
static void assert_inv_equal(const struct invocation *a, const struct invocation *b)
{
	assert_int_equal(a->index, b->index);
	assert_int_equal(a->outcome, b->outcome);
	assert_string_equal(a->reason, b->reason);
	assert_string_equal(a->error_type, b->error_type);
	assert_int_equal(a->timestamp, b->timestamp);
	assert_int_equal(a->root_pid, b->root_pid);
	assert_int_equal(a->spawn_ns, b->spawn_ns);
	assert_int_equal(a->api_next_received_ns, b->api_next_received_ns);
	assert_int_equal(a->api_event_sent_ns, b->api_event_sent_ns);
	assert_int_equal(a->api_response_received_ns, b->api_response_received_ns);
	assert_int_equal(a->read_bytes, b->read_bytes);
	assert_int_equal(a->n_warm, b->n_warm);
	for (unsigned k = 0; k < a->n_warm; k++)
		assert_true(fabs(a->warm_handler_ms[k] - b->warm_handler_ms[k]) < 1e-9);
	assert_int_equal(a->evicted_files, b->evicted_files);
	assert_int_equal(a->evicted_pages, b->evicted_pages);
	assert_int_equal(a->still_cached_pages, b->still_cached_pages);
	assert_int_equal(a->log_bytes, b->log_bytes);
	assert_int_equal(a->log_dropped, b->log_dropped);
	assert_memory_equal(&a->k, &b->k, sizeof(a->k));
	assert_ms_equal(a->exec_ms, b->exec_ms);
	assert_ms_equal(a->connect_ms, b->connect_ms);
	assert_ms_equal(a->init_ms, b->init_ms);
	assert_ms_equal(a->wait_ms, b->wait_ms);
	assert_ms_equal(a->handler_ms, b->handler_ms);
	assert_ms_equal(a->total_ms, b->total_ms);
	assert_int_equal(a->memory_kb, b->memory_kb);
	assert_int_equal(a->root_memory_kb, b->root_memory_kb);
	assert_int_equal(a->min_flt, b->min_flt);
	assert_int_equal(a->maj_flt, b->maj_flt);
	assert_int_equal(a->processes, b->processes);
	assert_int_equal(a->threads, b->threads);
	assert_int_equal(a->connections, b->connections);
	assert_int_equal(a->requests, b->requests);
	assert_int_equal(a->bytes_sent, b->bytes_sent);
	assert_int_equal(a->bytes_received, b->bytes_received);
	assert_int_equal(a->exit_code, b->exit_code);
	assert_int_equal(a->exit_signal, b->exit_signal);
	assert_int_equal(a->killed_by_profiler, b->killed_by_profiler);
	assert_int_equal(a->io_uring, b->io_uring);
	assert_int_equal(a->capture_faults, b->capture_faults);
	assert_string_equal(a->log_path, b->log_path);
}

static cJSON *parse_or_fail(const char *txt)
{
	cJSON *j = cJSON_Parse(txt);

	assert_non_null(j);
	return j;
}

static const cJSON *path_get(const cJSON *j, const char *a, const char *b, const char *c)
{
	j = cJSON_GetObjectItemCaseSensitive(j, a);
	if (j && b)
		j = cJSON_GetObjectItemCaseSensitive(j, b);
	if (j && c)
		j = cJSON_GetObjectItemCaseSensitive(j, c);
	assert_non_null(j);
	return j;
}

static double num(const cJSON *j)
{
	assert_true(cJSON_IsNumber(j));
	return j->valuedouble;
}

static const char *str(const cJSON *j)
{
	assert_true(cJSON_IsString(j));
	return j->valuestring;
}

static void assert_keys(const cJSON *o, const char *const *keys, size_t n)
{
	const cJSON *c = o->child;
	size_t i;

	for (i = 0; i < n; i++, c = c->next) {
		assert_non_null(c);
		assert_string_equal(c->string, keys[i]);
	}
	assert_null(c);
}

/* ------------------------------------------------------------------------ */
/* stats                                                                      */

/* successes: total 3, 6, 9 (inv 4's 9 too); failures' 13.5 etc. are left out.
 * total {3, 6, 9}: mean 6, p50 6, p99: h = 1.98 -> 6 + 0.98 * 3 = 8.94,
 * stddev sqrt((9 + 0 + 9) / 2) = 3. init {2, 4, 6}: mean 4, stddev 2. */
static void test_compute_stats(void **state)
{
	struct results *r = make_results();

	(void)state;
	assert_int_equal(r->n_ok, 3);
	assert_int_equal(r->n_failed, 3);
	assert_int_equal(r->total.n, 3);
	assert_near(r->total.avg, 6, 1e-12);
	assert_near(r->total.p50, 6, 1e-12);
	assert_near(r->total.p99, 8.94, 1e-12);
	assert_near(r->total.min, 3, 0);
	assert_near(r->total.max, 9, 0);
	assert_near(r->total.stddev, 3, 1e-12);
	assert_int_equal(r->init.n, 3);
	assert_near(r->init.avg, 4, 1e-12);
	assert_near(r->init.stddev, 2, 1e-12);
	assert_int_equal(r->handler.n, 3);
	assert_near(r->handler.avg, 2, 1e-12);
	assert_near(r->handler.max, 3, 0);

	/* an unavailable value of a success is skipped, not counted as 0 */
	r->inv[0].init_ms = -1;
	results_compute_stats(r);
	assert_int_equal(r->init.n, 2);
	assert_near(r->init.avg, 5, 1e-12);
	assert_int_equal(r->total.n, 3);
	free_results(r);
}

/* ------------------------------------------------------------------------ */
/* encode                                                                     */

static void test_json_shape(void **state)
{
	static const char *const top[] = {
		"runtime", "memory_mb", "arch", "measurements", "failures", "stats",
		"binary", "invocations", "timing_source", "api_isolation", "host", "kernel",
		"tool_version", "bootstrap", "log_dir", "incomplete", "limits_applied",
		"limits", "host_cpu", "page_cache", "warm", "run_as", "events_dropped", "capture_faults",
		"breakdown",
	};
	static const char *const meas[] = {
		"invocation", "init_ms", "handler_ms", "total_ms", "memory_kb",
		"timestamp", "exec_ms", "connect_ms", "wait_ms", "root_memory_kb",
		"page_faults", "block_read_bytes", "warm_handler_ms", "cold_cache", "processes", "threads", "connections", "requests",
		"bytes_sent", "bytes_received", "exit", "io_uring", "capture_faults",
		"root_pid", "spawn_ns", "emulator_ns", "log_bytes", "log_dropped_bytes", "log", "kernel_ns",
		"breakdown", "process_limit_hits", "connections_peak", "foreign_requests", "streaming",
		"runtime_init_ms", "post_runtime_ms", "extensions",
	};
	static const char *const stats[] = {
		"avg_ms", "p50_ms", "p99_ms", "min_ms", "max_ms", "stddev_ms", "n",
		"of", "init", "handler",
	};
	static const char *const kns[] = {
		"exec_enter", "exec_done", "entry", "connect_start", "connect_end", "next_sent",
		"event_received", "response_first", "response_sent", "init_error_sent", "root_exit",
	};
	static const char *const ex[] = { "code", "signal", "killed_by_profiler" };
	struct results *r = make_results();
	const cJSON *m, *f, *a;
	char *txt = results_to_json(r);
	cJSON *j;

	(void)state;
	assert_non_null(txt);
	assert_int_equal(txt[strlen(txt) - 1], '\n');
	j = parse_or_fail(txt);
	assert_keys(j, top, sizeof(top) / sizeof(top[0]));
	assert_string_equal(str(path_get(j, "runtime", NULL, NULL)), "provided.al2023");
	assert_near(num(path_get(j, "memory_mb", NULL, NULL)), 128, 0);
	assert_string_equal(str(path_get(j, "arch", NULL, NULL)), "x86_64");

	a = path_get(j, "measurements", NULL, NULL);
	assert_int_equal(cJSON_GetArraySize(a), 3);
	m = cJSON_GetArrayItem(a, 0);
	assert_keys(m, meas, sizeof(meas) / sizeof(meas[0]));
	assert_keys(path_get(m, "kernel_ns", NULL, NULL), kns, 11);
	assert_keys(path_get(m, "exit", NULL, NULL), ex, 3);
	assert_near(num(path_get(m, "invocation", NULL, NULL)), 1, 0);
	assert_near(num(path_get(m, "total_ms", NULL, NULL)), 3, 0);
	assert_near(num(path_get(m, "memory_kb", NULL, NULL)), 4097, 0);
	assert_near(num(path_get(m, "timestamp", NULL, NULL)), 1700000001, 0);
	assert_near(num(path_get(m, "page_faults", "minor", NULL)), 301, 0);
	assert_near(num(path_get(m, "exit", "code", NULL)), 0, 0);
	assert_true(cJSON_IsNull(path_get(m, "exit", "signal", NULL)));
	assert_true(cJSON_IsTrue(path_get(m, "exit", "killed_by_profiler", NULL)));
	assert_true(cJSON_IsNull(path_get(m, "kernel_ns", "init_error_sent", NULL)));
	assert_true(cJSON_IsNull(path_get(m, "process_limit_hits", NULL, NULL)));	/* no pids cgroup */
	assert_non_null(strstr(txt, "\"exec_enter\":\t5001000000007,"));
	assert_non_null(strstr(txt, "\"bytes_received\":\t1099511627776,"));
	cJSON_Delete(j);
	free(txt);
	/* 64-bit integers are written exactly, even where a double cannot
	 * hold them (2^53 + 1) */
	r->inv[0].k.exec_enter = 9007199254740993ull;
	r->inv[0].bytes_sent = UINT64_MAX;
	txt = results_to_json(r);
	assert_non_null(txt);
	assert_non_null(strstr(txt, "\"exec_enter\":\t9007199254740993,"));
	assert_non_null(strstr(txt, "\"bytes_sent\":\t18446744073709551615,"));
	j = parse_or_fail(txt);

	/* the success with unavailable values: nulls */
	a = path_get(j, "measurements", NULL, NULL);
	m = cJSON_GetArrayItem(a, 2);
	assert_near(num(path_get(m, "invocation", NULL, NULL)), 4, 0);
	assert_true(cJSON_IsNull(path_get(m, "memory_kb", NULL, NULL)));
	assert_true(cJSON_IsNull(path_get(m, "root_memory_kb", NULL, NULL)));
	assert_true(cJSON_IsNull(path_get(m, "exec_ms", NULL, NULL)));
	assert_true(cJSON_IsNull(path_get(m, "connect_ms", NULL, NULL)));
	assert_true(cJSON_IsNull(path_get(m, "wait_ms", NULL, NULL)));
	assert_true(cJSON_IsNull(path_get(m, "exit", "code", NULL)));
	assert_string_equal(str(path_get(m, "exit", "signal", NULL)), "SIGKILL");
	assert_true(cJSON_IsTrue(path_get(m, "io_uring", NULL, NULL)));
	assert_true(cJSON_IsNull(path_get(m, "kernel_ns", "exec_done", NULL)));

	a = path_get(j, "failures", NULL, NULL);
	assert_int_equal(cJSON_GetArraySize(a), 3);
	f = cJSON_GetArrayItem(a, 0);
	assert_string_equal(f->child->string, "invocation");
	assert_string_equal(f->child->next->string, "outcome");
	assert_near(num(path_get(f, "invocation", NULL, NULL)), 2, 0);
	assert_string_equal(str(path_get(f, "outcome", NULL, NULL)),
			    inv_outcome_name(INV_FUNCTION_ERROR));
	assert_string_equal(str(path_get(f, "reason", NULL, NULL)), "handler posted an error");
	assert_string_equal(str(path_get(f, "error_type", NULL, NULL)), "Function.Boom");
	assert_string_equal(str(path_get(f, "log", NULL, NULL)), "/var/log/p/inv-2.log");
	assert_near(num(path_get(f, "total_ms", NULL, NULL)), 13.5, 0);
	f = cJSON_GetArrayItem(a, 1);
	assert_string_equal(str(path_get(f, "outcome", NULL, NULL)), inv_outcome_name(INV_EXITED));
	assert_true(cJSON_IsNull(path_get(f, "error_type", NULL, NULL)));
	assert_true(cJSON_IsNull(path_get(f, "total_ms", NULL, NULL)));
	assert_true(cJSON_IsNull(path_get(f, "init_ms", NULL, NULL)));
	assert_string_equal(str(path_get(f, "exit", "signal", NULL)), "SIGSEGV");
	assert_true(cJSON_IsNull(path_get(f, "kernel_ns", "response_sent", NULL)));
	f = cJSON_GetArrayItem(a, 2);
	assert_string_equal(str(path_get(f, "exit", "signal", NULL)), "SIGRTMIN+2");
	assert_near(num(path_get(f, "exit", "code", NULL)), 3, 0);

	m = path_get(j, "stats", NULL, NULL);
	assert_keys(m, stats, sizeof(stats) / sizeof(stats[0]));
	assert_near(num(path_get(m, "avg_ms", NULL, NULL)), 6, 0);
	assert_near(num(path_get(m, "p99_ms", NULL, NULL)), 8.94, 0);
	assert_near(num(path_get(m, "stddev_ms", NULL, NULL)), 3, 0);
	assert_near(num(path_get(m, "n", NULL, NULL)), 3, 0);
	assert_string_equal(str(path_get(m, "of", NULL, NULL)), "total_ms");
	assert_keys(path_get(m, "init", NULL, NULL), stats, 6);
	assert_keys(path_get(m, "handler", NULL, NULL), stats, 6);
	assert_near(num(path_get(m, "init", "avg_ms", NULL)), 4, 0);
	assert_near(num(path_get(m, "handler", "max_ms", NULL)), 3, 0);

	assert_near(num(path_get(j, "binary", "size_kb", NULL)), 301, 0);
	assert_near(num(path_get(j, "binary", "size_bytes", NULL)), 307201, 0);
	assert_string_equal(str(path_get(j, "binary", "path", NULL)), "/opt/fn/bootstrap");
	assert_true(cJSON_IsTrue(path_get(j, "binary", "stripped", NULL)));
	assert_near(num(path_get(j, "invocations", "requested", NULL)), 6, 0);
	assert_near(num(path_get(j, "invocations", "succeeded", NULL)), 3, 0);
	assert_near(num(path_get(j, "invocations", "failed", NULL)), 3, 0);
	assert_string_equal(str(path_get(j, "timing_source", NULL, NULL)), "ebpf");
	assert_string_equal(str(path_get(j, "log_dir", NULL, NULL)), "/var/log/p");
	assert_true(cJSON_IsTrue(path_get(j, "incomplete", NULL, NULL)));
	assert_near(num(path_get(j, "events_dropped", NULL, NULL)), 7, 0);
	assert_near(num(path_get(j, "capture_faults", NULL, NULL)), 3, 0);

	cJSON_Delete(j);
	free(txt);
	free_results(r);
}

/* ms are written rounded to the microsecond; stats too. */
static void test_rounding(void **state)
{
	struct results r;
	struct invocation v[2];
	cJSON *j;
	const cJSON *m;
	char *txt;

	(void)state;
	memset(&r, 0, sizeof(r));
	fill_inv(&v[0], 1, INV_OK, 0);
	fill_inv(&v[1], 2, INV_OK, 0);
	v[0].init_ms = 1.23456789;	/* -> 1.235 */
	v[0].handler_ms = 0.0004;	/* -> 0 */
	v[0].total_ms = 1.2344;		/* -> 1.234 */
	v[0].exec_ms = 12345.67891;	/* -> 12345.679 */
	v[1].init_ms = 1;
	v[1].handler_ms = 2;
	v[1].total_ms = 2;
	r.inv = v;
	r.n_inv = 2;
	results_compute_stats(&r);
	txt = results_to_json(&r);
	assert_non_null(txt);
	assert_non_null(strstr(txt, "\"init_ms\":\t1.235,"));
	assert_non_null(strstr(txt, "\"handler_ms\":\t0,"));
	assert_non_null(strstr(txt, "\"total_ms\":\t1.234,"));
	assert_non_null(strstr(txt, "\"exec_ms\":\t12345.679,"));
	j = parse_or_fail(txt);
	m = path_get(j, "stats", NULL, NULL);
	/* total {1.2344, 2}: mean 1.6172 -> 1.617; stddev |2 - 1.2344| / sqrt 2
	 * = 0.54136... -> 0.541; p99: 1.2344 + 0.99 * 0.7656 = 1.992344 -> 1.992 */
	assert_near(num(path_get(m, "avg_ms", NULL, NULL)), 1.617, 0);
	assert_near(num(path_get(m, "stddev_ms", NULL, NULL)), 0.541, 0);
	assert_near(num(path_get(m, "p99_ms", NULL, NULL)), 1.992, 0);
	assert_near(num(path_get(m, "min_ms", NULL, NULL)), 1.234, 0);
	assert_non_null(strstr(txt, "\"avg_ms\":\t1.617,"));
	cJSON_Delete(j);
	free(txt);
}

/* With no success the stats are nulls (n 0), and such a file decodes. */
static void test_no_success(void **state)
{
	static const char *const six[] = { "avg_ms", "p50_ms", "p99_ms",
					   "min_ms", "max_ms", "stddev_ms" };
	struct results r, back;
	struct invocation v;
	const cJSON *s;
	char err[256];
	char *txt;
	cJSON *j;
	size_t i;

	(void)state;
	memset(&r, 0, sizeof(r));
	fill_inv(&v, 1, INV_INIT_TIMEOUT, 5);
	strlcpy0(v.reason, "no /next within 10 s", sizeof(v.reason));
	r.inv = &v;
	r.n_inv = 1;
	results_compute_stats(&r);
	assert_int_equal(r.n_ok, 0);
	assert_int_equal(r.n_failed, 1);
	assert_int_equal(r.total.n, 0);
	txt = results_to_json(&r);
	assert_non_null(txt);
	j = parse_or_fail(txt);
	s = path_get(j, "stats", NULL, NULL);
	for (i = 0; i < 6; i++) {
		assert_true(cJSON_IsNull(path_get(s, six[i], NULL, NULL)));
		assert_true(cJSON_IsNull(path_get(s, "init", six[i], NULL)));
		assert_true(cJSON_IsNull(path_get(s, "handler", six[i], NULL)));
	}
	assert_near(num(path_get(s, "n", NULL, NULL)), 0, 0);
	assert_int_equal(cJSON_GetArraySize(path_get(j, "measurements", NULL, NULL)), 0);
	cJSON_Delete(j);

	assert_int_equal(results_from_json(txt, &back, err, sizeof(err)), 0);
	assert_int_equal(back.n_inv, 1);
	assert_int_equal(back.n_ok, 0);
	assert_int_equal(back.n_failed, 1);
	assert_int_equal(back.total.n, 0);
	assert_inv_equal(&back.inv[0], &v);
	results_free(&back);
	free(txt);
}

/* ------------------------------------------------------------------------ */
/* decode                                                                     */

static void test_round_trip(void **state)
{
	struct results *r = make_results(), back;
	char err[256] = "untouched";
	char *txt, *txt2;
	size_t i;

	(void)state;
	txt = results_to_json(r);
	assert_non_null(txt);
	assert_int_equal(results_from_json(txt, &back, err, sizeof(err)), 0);
	assert_string_equal(err, "");

	assert_string_equal(back.runtime, r->runtime);
	assert_int_equal(back.memory_mb, r->memory_mb);
	assert_string_equal(back.arch, r->arch);
	assert_string_equal(back.timing_source, r->timing_source);
	assert_string_equal(back.host, r->host);
	assert_string_equal(back.kernel, r->kernel);
	assert_string_equal(back.tool_version, r->tool_version);
	assert_string_equal(back.bootstrap, r->bootstrap);
	assert_string_equal(back.log_dir, r->log_dir);
	assert_int_equal(back.incomplete, r->incomplete);
	assert_int_equal(back.limits_applied, r->limits_applied);
	assert_string_equal(back.run_as_user, r->run_as_user);
	assert_string_equal(back.cgroup, r->cgroup);
	assert_true(fabs(back.vcpus - r->vcpus) < 1e-9);
	assert_int_equal(back.cpu_quota_us, r->cpu_quota_us);
	assert_int_equal(back.cpu_period_us, r->cpu_period_us);
	assert_string_equal(back.host_cpu, r->host_cpu);
	assert_int_equal(back.cold_cache, r->cold_cache);
	assert_int_equal(back.warm, r->warm);
	assert_int_equal(back.freeze_ms, r->freeze_ms);
	assert_int_equal(back.run_as_uid, r->run_as_uid);
	assert_int_equal(back.events_dropped, r->events_dropped);
	assert_int_equal(back.capture_faults, r->capture_faults);
	assert_string_equal(back.binary.path, r->binary.path);
	assert_int_equal(back.binary.size_bytes, r->binary.size_bytes);
	assert_int_equal(back.binary.size_kb, r->binary.size_kb);
	assert_int_equal(back.binary.stripped, r->binary.stripped);
	assert_int_equal(back.n_inv, r->n_inv);
	assert_int_equal(back.n_ok, r->n_ok);
	assert_int_equal(back.n_failed, r->n_failed);
	/* back in run order, failures included */
	for (i = 0; i < r->n_inv; i++)
		assert_inv_equal(&back.inv[i], &r->inv[i]);
	assert_stats_equal(&back.total, &r->total);
	assert_stats_equal(&back.init, &r->init);
	assert_stats_equal(&back.handler, &r->handler);

	/* and encoding it again gives the same text */
	txt2 = results_to_json(&back);
	assert_non_null(txt2);
	assert_string_equal(txt2, txt);
	free(txt2);
	results_free(&back);
	free(txt);
	free_results(r);
}

/* The guide's minimal format (another tool's output) decodes. */
static void test_guide_format(void **state)
{
	static const char guide[] =
		"{\n"
		"  \"runtime\": \"ruchy\",\n"
		"  \"memory_mb\": 128,\n"
		"  \"arch\": \"x86_64\",\n"
		"  \"measurements\": [\n"
		"    {\n"
		"      \"init_ms\": 0.155,\n"
		"      \"handler_ms\": 0.101,\n"
		"      \"total_ms\": 0.256,\n"
		"      \"memory_kb\": 4096,\n"
		"      \"timestamp\": 1699123456\n"
		"    },\n"
		"    {\n"
		"      \"init_ms\": 0.160,\n"
		"      \"handler_ms\": 0.100,\n"
		"      \"total_ms\": 0.260,\n"
		"      \"memory_kb\": 4100,\n"
		"      \"timestamp\": 1699123457\n"
		"    }\n"
		"  ],\n"
		"  \"stats\": {\n"
		"    \"avg_ms\": 0.257,\n"
		"    \"p50_ms\": 0.256,\n"
		"    \"p99_ms\": 0.258,\n"
		"    \"min_ms\": 0.254,\n"
		"    \"max_ms\": 0.260,\n"
		"    \"stddev_ms\": 0.002\n"
		"  },\n"
		"  \"binary\": {\n"
		"    \"size_kb\": 300,\n"
		"    \"path\": \"target/release-ultra/bootstrap\",\n"
		"    \"stripped\": true\n"
		"  }\n"
		"}\n";
	struct results r;
	char err[256];

	(void)state;
	assert_int_equal(results_from_json(guide, &r, err, sizeof(err)), 0);
	assert_string_equal(r.runtime, "ruchy");
	assert_int_equal(r.memory_mb, 128);
	assert_string_equal(r.arch, "x86_64");
	assert_int_equal(r.n_inv, 2);
	assert_int_equal(r.n_ok, 2);
	assert_int_equal(r.n_failed, 0);
	assert_int_equal(r.inv[0].outcome, INV_OK);
	assert_int_equal(r.inv[0].index, 1);
	assert_int_equal(r.inv[1].index, 2);
	assert_near(r.inv[0].init_ms, 0.155, 0);
	assert_near(r.inv[0].handler_ms, 0.101, 0);
	assert_near(r.inv[0].total_ms, 0.256, 0);
	assert_int_equal(r.inv[0].memory_kb, 4096);
	assert_int_equal(r.inv[0].timestamp, 1699123456);
	assert_int_equal(r.inv[1].memory_kb, 4100);
	/* missing -> unavailable */
	assert_true(r.inv[0].exec_ms < 0);
	assert_true(r.inv[0].connect_ms < 0);
	assert_true(r.inv[0].wait_ms < 0);
	assert_int_equal(r.inv[0].root_memory_kb, 0);
	assert_int_equal(r.inv[0].exit_code, -1);
	assert_int_equal(r.inv[0].exit_signal, 0);
	assert_int_equal(r.inv[0].k.exec_enter, 0);
	assert_string_equal(r.inv[0].log_path, "");
	assert_int_equal(r.binary.size_kb, 300);
	assert_int_equal(r.binary.size_bytes, 0);
	assert_string_equal(r.binary.path, "target/release-ultra/bootstrap");
	assert_true(r.binary.stripped);
	assert_string_equal(r.timing_source, "");
	/* stats follow this tool's definitions over the measurements:
	 * total {0.256, 0.26}: mean 0.258, p50 0.258, stddev 0.004 / sqrt 2 */
	assert_int_equal(r.total.n, 2);
	assert_near(r.total.avg, 0.258, 1e-12);
	assert_near(r.total.p50, 0.258, 1e-12);
	assert_near(r.total.stddev, 0.0028284271247461905, 1e-12);
	assert_near(r.init.avg, 0.1575, 1e-12);
	results_free(&r);
}

static void expect_error(const char *json, const char *msg)
{
	struct results r;
	char err[256] = "";

	memset(&r, 0x5a, sizeof(r));
	if (results_from_json(json, &r, err, sizeof(err)) != -1) {
		print_error("accepted: %s\n", json);
		fail();
	}
	assert_string_equal(err, msg);
	assert_null(strchr(err, '\n'));
	/* nothing to free, safe to free */
	assert_null(r.inv);
	assert_int_equal(r.n_inv, 0);
	results_free(&r);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("", "invalid JSON at line 1, column 1");
	/* the position is cJSON's error pointer: on a bad object key it is
	 * one past the key's first character */
	expect_error("{\n  \"runtime\": \"x\",\n  oops: 1\n}",
		     "invalid JSON at line 3, column 4");
	expect_error("{\"measurements\": [{\"total_ms\": 1,}]}",
		     "invalid JSON at line 1, column 35");
	expect_error("{\n\t\"memory_mb\": tru\n}", "invalid JSON at line 2, column 15");
	expect_error("{\"a\" 1}", "invalid JSON at line 1, column 6");
	expect_error("{} x", "invalid JSON at line 1, column 4");
	expect_error("[1, 2]", "results must be a JSON object");
	expect_error("{}", "No measurements found in results file");
	expect_error("{\"runtime\": \"x\", \"measurements\": []}",
		     "No measurements found in results file");
	expect_error("{\"measurements\": [], \"failures\": []}",
		     "No measurements found in results file");
	expect_error("{\"measurements\": null}", "No measurements found in results file");
	expect_error("{\"measurements\": {}}", "field 'measurements' must be an array");
	expect_error("{\"failures\": 3}", "field 'failures' must be an array");
	expect_error("{\"measurements\": [{\"total_ms\": 1}, {\"total_ms\": 2},"
		     " {\"total_ms\": \"3\"}]}",
		     "field 'measurements[2].total_ms' must be a number");
	expect_error("{\"measurements\": [{}, 7]}", "field 'measurements[1]' must be an object");
	expect_error("{\"measurements\": [{\"memory_kb\": -4}]}",
		     "field 'measurements[0].memory_kb' must be a non-negative integer");
	expect_error("{\"measurements\": [{\"memory_kb\": 1.5}]}",
		     "field 'measurements[0].memory_kb' must be a non-negative integer");
	expect_error("{\"measurements\": [{\"memory_kb\": 1e30}]}",
		     "field 'measurements[0].memory_kb' is out of range");
	expect_error("{\"measurements\": [{\"threads\": 4294967296}]}",
		     "field 'measurements[0].threads' is out of range");
	expect_error("{\"measurements\": [{\"timestamp\": true}]}",
		     "field 'measurements[0].timestamp' must be an integer");
	expect_error("{\"measurements\": [{\"invocation\": 0}]}",
		     "field 'measurements[0].invocation' is out of range");
	expect_error("{\"measurements\": [{\"exit\": {\"code\": \"0\"}}]}",
		     "field 'measurements[0].exit.code' must be an integer");
	expect_error("{\"measurements\": [{\"exit\": {\"signal\": \"SIGNOPE\"}}]}",
		     "field 'measurements[0].exit.signal' must be a signal name");
	expect_error("{\"measurements\": [{\"exit\": {\"killed_by_profiler\": 1}}]}",
		     "field 'measurements[0].exit.killed_by_profiler' must be a boolean");
	expect_error("{\"measurements\": [{\"exit\": []}]}",
		     "field 'measurements[0].exit' must be an object");
	expect_error("{\"measurements\": [{\"kernel_ns\": {\"root_exit\": -1}}]}",
		     "field 'measurements[0].kernel_ns.root_exit' must be a non-negative integer");
	expect_error("{\"measurements\": [{\"page_faults\": {\"major\": \"x\"}}]}",
		     "field 'measurements[0].page_faults.major' must be a non-negative integer");
	expect_error("{\"measurements\": [{\"log\": 1}]}",
		     "field 'measurements[0].log' must be a string");
	expect_error("{\"runtime\": 5, \"measurements\": [{}]}", "field 'runtime' must be a string");
	expect_error("{\"memory_mb\": \"128\", \"measurements\": [{}]}",
		     "field 'memory_mb' must be a non-negative integer");
	expect_error("{\"incomplete\": \"no\", \"measurements\": [{}]}",
		     "field 'incomplete' must be a boolean");
	expect_error("{\"binary\": {\"stripped\": \"yes\"}, \"measurements\": [{}]}",
		     "field 'binary.stripped' must be a boolean");
	expect_error("{\"binary\": \"a.out\", \"measurements\": [{}]}",
		     "field 'binary' must be an object");
	expect_error("{\"stats\": {\"avg_ms\": \"fast\"}, \"measurements\": [{}]}",
		     "field 'stats.avg_ms' must be a number");
	expect_error("{\"stats\": {\"init\": {\"p99_ms\": []}}, \"measurements\": [{}]}",
		     "field 'stats.init.p99_ms' must be a number");
	expect_error("{\"invocations\": {\"failed\": -1}, \"measurements\": [{}]}",
		     "field 'invocations.failed' must be a non-negative integer");
	expect_error("{\"failures\": [{\"reason\": \"x\"}]}", "field 'failures[0].outcome' is missing");
	expect_error("{\"failures\": [{\"outcome\": \"exploded\"}]}",
		     "field 'failures[0].outcome' is not a known failure outcome");
	expect_error("{\"failures\": [{\"outcome\": \"ok\"}]}",
		     "field 'failures[0].outcome' is not a known failure outcome");
	expect_error("{\"failures\": [{\"outcome\": \"timeout\", \"reason\": 1}]}",
		     "field 'failures[0].reason' must be a string");
	expect_error("{\"failures\": [{\"outcome\": \"timeout\", \"error_type\": {}}]}",
		     "field 'failures[0].error_type' must be a string");
}

/* The record count is bounded: 1000001 empty measurements are refused. */
static void test_too_many(void **state)
{
	const size_t n = 1000001;
	char *json = malloc(3 * n + 32), *p;
	struct results r;
	char err[256];
	size_t i;

	(void)state;
	assert_non_null(json);
	p = json + sprintf(json, "{\"measurements\": [");
	for (i = 0; i < n; i++) {
		memcpy(p, i ? ",{}" : "{}", i ? 3 : 2);
		p += i ? 3 : 2;
	}
	strcpy(p, "]}");
	assert_int_equal(results_from_json(json, &r, err, sizeof(err)), -1);
	assert_string_equal(err, "too many measurements and failures (1000001, at most 1000000)");
	assert_null(r.inv);
	free(json);
}

/* Failures only, out of order, and signals given in the accepted spellings. */
static void test_decode_variants(void **state)
{
	static const char json[] =
		"{\"failures\": [\n"
		" {\"invocation\": 3, \"outcome\": \"timeout\", \"reason\": \"slow\","
		"  \"exit\": {\"code\": null, \"signal\": \"SIGRTMAX-1\"}},\n"
		" {\"invocation\": 1, \"outcome\": \"spawn_failed\", \"reason\": \"ENOENT\","
		"  \"exit\": {\"signal\": 9}}\n"
		"], \"measurements\": [{\"invocation\": 2, \"total_ms\": 1.5, \"memory_kb\": null,"
		"  \"exit\": {\"code\": 0, \"signal\": \"SIGRTMIN\"}}]}";
	struct results r;
	char err[256];

	(void)state;
	assert_int_equal(results_from_json(json, &r, err, sizeof(err)), 0);
	assert_int_equal(r.n_inv, 3);
	assert_int_equal(r.n_ok, 1);
	assert_int_equal(r.n_failed, 2);
	assert_int_equal(r.inv[0].index, 1);
	assert_int_equal(r.inv[0].outcome, INV_SPAWN_FAILED);
	assert_string_equal(r.inv[0].reason, "ENOENT");
	assert_int_equal(r.inv[0].exit_signal, SIGKILL);
	assert_int_equal(r.inv[0].exit_code, -1);
	assert_int_equal(r.inv[1].index, 2);
	assert_int_equal(r.inv[1].outcome, INV_OK);
	assert_int_equal(r.inv[1].exit_signal, SIGRTMIN);
	assert_int_equal(r.inv[1].exit_code, 0);
	assert_int_equal(r.inv[1].memory_kb, 0);
	assert_int_equal(r.inv[2].index, 3);
	assert_int_equal(r.inv[2].outcome, INV_TIMEOUT);
	assert_int_equal(r.inv[2].exit_signal, SIGRTMAX - 1);
	assert_int_equal(r.total.n, 1);
	assert_near(r.total.avg, 1.5, 0);
	results_free(&r);
}

/* Never crash: every prefix of a valid document and byte substitutions
 * either decode or fail with one line. Run under ASan/UBSan too. */
static void test_malformed_inputs(void **state)
{
	static const char subst[] = { '"', '{', '}', '[', ']', ',', ':', '-', '9', 'n', '\\', ' ' };
	struct results *src = make_results(), r;
	char err[256], *txt, *buf;
	size_t len, i, s;
	int ok = 0, bad = 0;

	(void)state;
	txt = results_to_json(src);
	assert_non_null(txt);
	len = strlen(txt);
	buf = malloc(len + 1);
	assert_non_null(buf);
	for (i = 0; i < len; i++) {
		memcpy(buf, txt, i);
		buf[i] = '\0';
		err[0] = '\0';
		if (results_from_json(buf, &r, err, sizeof(err)) == 0) {
			ok++;
		} else {
			bad++;
			assert_true(err[0] != '\0');
			assert_null(strchr(err, '\n'));
		}
		results_free(&r);
	}
	assert_int_equal(ok, 1);	/* only the text without its final newline */
	for (i = 0; i < len; i += 3) {
		for (s = 0; s < sizeof(subst); s++) {
			memcpy(buf, txt, len + 1);
			buf[i] = subst[s];
			err[0] = '\0';
			if (results_from_json(buf, &r, err, sizeof(err)) == 0) {
				ok++;
			} else {
				assert_true(err[0] != '\0');
				assert_null(strchr(err, '\n'));
			}
			results_free(&r);
		}
	}
	assert_true(ok > 0);
	assert_true(bad > 0);
	free(buf);
	free(txt);
	free_results(src);
}

/* ------------------------------------------------------------------------ */
/* files                                                                      */

static char *make_tmpdir(void)
{
	char tmpl[] = "/tmp/test_results.XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	d = strdup(d);
	assert_non_null(d);
	return d;
}

static void test_read_file(void **state)
{
	struct results *src = make_results(), r;
	char *dir = make_tmpdir(), path[512], err[512], want[600];
	char *txt = results_to_json(src);
	static const char with_nul[] = "{\"measurements\": [{}]}\n\0{}";

	(void)state;
	assert_non_null(txt);
	snprintf(path, sizeof(path), "%s/r.json", dir);
	assert_int_equal(write_file_atomic(path, txt, strlen(txt)), 0);
	assert_int_equal(results_read_file(path, &r, err, sizeof(err)), 0);
	assert_int_equal(r.n_inv, 6);
	assert_int_equal(r.n_ok, 3);
	assert_inv_equal(&r.inv[5], &src->inv[5]);
	results_free(&r);
	assert_int_equal(unlink(path), 0);

	/* missing file */
	assert_int_equal(results_read_file(path, &r, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "cannot read %s: No such file or directory", path);
	assert_string_equal(err, want);
	assert_null(r.inv);
	/* a directory */
	assert_int_equal(results_read_file(dir, &r, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "cannot read %s: Is a directory", dir);
	assert_string_equal(err, want);
	/* a NUL byte inside: line 2, column 1 */
	assert_int_equal(write_file_atomic(path, with_nul, sizeof(with_nul) - 1), 0);
	assert_int_equal(results_read_file(path, &r, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid JSON at line 2, column 1");
	assert_int_equal(unlink(path), 0);

	assert_int_equal(rmdir(dir), 0);
	free(dir);
	free(txt);
	free_results(src);
}

static void test_free_null(void **state)
{
	struct results r;

	(void)state;
	results_free(NULL);
	memset(&r, 0, sizeof(r));
	results_free(&r);
	results_compute_stats(NULL);
	assert_null(results_to_json(NULL));
	assert_int_equal(results_from_json(NULL, &r, NULL, 0), -1);
	assert_int_equal(results_from_json("{}", NULL, NULL, 0), -1);
}

/* Every scalar field of the table, given a value of its own that is not its default, is
 * written and read back to that value, in a measurement and in a failure: the encoder and
 * the decoder agree on each row's name, place and width. */
static void set_leaf(struct invocation *v, const struct rf_field *f, unsigned k)
{
	char *p = (char *)v + f->off;
	uint32_t u32 = 1000u + k;
	uint64_t u64 = (1ull << 40) + k;
	int32_t i32 = -1000 - (int32_t)k;
	int64_t i64 = -(1ll << 40) - (int64_t)k;

	switch (f->kind) {
	case RF_UINT:
		if (f->size == sizeof(u32))
			memcpy(p, &u32, sizeof(u32));
		else
			memcpy(p, &u64, sizeof(u64));
		break;
	case RF_INT:
		if (f->size == sizeof(i32))
			memcpy(p, &i32, sizeof(i32));
		else
			memcpy(p, &i64, sizeof(i64));
		break;
	case RF_BOOL:
		*(bool *)p = true;
		break;
	case RF_STR:
		snprintf(p, f->size, "%s-%u", f->name, k);
		break;
	case RF_SIGNAL:
		*(int *)p = SIGTERM;
		break;
	default:
		break;
	}
}

static void set_leaves(struct invocation *v, const struct rf_field *t, size_t n, unsigned *k)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].kind == RF_OBJ)
			set_leaves(v, t[i].sub, t[i].n_sub, k);
		else
			set_leaf(v, &t[i], (*k)++);
	}
}

static void assert_leaves(const struct invocation *a, const struct invocation *b,
			  const struct rf_field *t, size_t n, unsigned in)
{
	for (size_t i = 0; i < n; i++) {
		if (!(t[i].in & in))
			continue;
		if (t[i].kind == RF_OBJ) {
			assert_leaves(a, b, t[i].sub, t[i].n_sub, RF_BOTH);
			continue;
		}
		if (t[i].kind != RF_UINT && t[i].kind != RF_INT && t[i].kind != RF_BOOL &&
		    t[i].kind != RF_STR && t[i].kind != RF_SIGNAL)
			continue;
		if (t[i].kind == RF_STR ? strncmp((const char *)a + t[i].off,
						  (const char *)b + t[i].off, t[i].size)
					: memcmp((const char *)a + t[i].off, (const char *)b + t[i].off,
						 t[i].size))
			fail_msg("field '%s' did not read back", t[i].name);
	}
}

static void test_field_table_round_trip(void **state)
{
	struct results *r = make_results(), back;
	char err[256];
	unsigned k = 0;
	char *txt;

	(void)state;
	for (size_t i = 0; i < r->n_inv; i++) {
		enum inv_outcome o = r->inv[i].outcome;
		int index = r->inv[i].index;

		set_leaves(&r->inv[i], rf_inv_fields, rf_n_inv_fields, &k);
		r->inv[i].outcome = o;
		r->inv[i].index = index;
	}
	txt = results_to_json(r);
	assert_non_null(txt);
	assert_int_equal(results_from_json(txt, &back, err, sizeof(err)), 0);
	assert_int_equal(back.n_inv, r->n_inv);
	for (size_t i = 0; i < r->n_inv; i++)
		assert_leaves(&r->inv[i], &back.inv[i], rf_inv_fields, rf_n_inv_fields,
			      r->inv[i].outcome == INV_OK ? RF_MEAS : RF_FAIL);
	results_free(&back);
	free(txt);
	free_results(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compute_stats),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_no_success),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_field_table_round_trip),
		cmocka_unit_test(test_guide_format),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_decode_variants),
		cmocka_unit_test(test_malformed_inputs),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_free_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
