// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests for src/breakdown_json.c: the JSON of a breakdown built from the single-threaded
 * cold start of breakdown_fixture.h, printed and parsed back, figure by figure. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "breakdown_fixture.h"
#include "breakdown_json.h"

static const cJSON *get(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!v)
		fail_msg("no key %s", k);
	return v;
}

static double num(const cJSON *o, const char *k)
{
	const cJSON *v = get(o, k);

	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

/* JSON text of bd, parsed back. */
static cJSON *round_trip(const struct breakdown *bd)
{
	cJSON *o = breakdown_to_json(bd), *back;
	char *txt;

	assert_non_null(o);
	txt = cJSON_PrintUnformatted(o);
	assert_non_null(txt);
	back = cJSON_Parse(txt);
	assert_non_null(back);
	free(txt);
	cJSON_Delete(o);
	return back;
}

/* The JSON shape and its figures. */
static void test_json(void **state)
{
	struct evs b = { .n = 0 };
	struct phase_marks k = marks();
	struct breakdown bd;
	const cJSON *ph, *w, *tree, *top;
	cJSON *o;

	(void)state;
	single_thread(&b);
	k.entry = 0;
	assert_int_equal(build(b.ev, b.n, ROOT, &k, &bd), 0);
	o = round_trip(&bd);
	assert_true(num(o, "window_ms") == 2.1);
	ph = get(o, "phases");
	assert_int_equal(cJSON_GetArraySize(ph), BD_PHASES);
	w = cJSON_GetArrayItem(ph, BD_WAIT_EVENT);
	assert_string_equal(get(w, "name")->valuestring, "wait_event");
	assert_true(num(w, "start_ms") == 0.8);
	assert_true(num(w, "duration_ms") == 1.0);
	assert_true(cJSON_IsTrue(get(w, "measured")));
	assert_true(num(w, "on_cpu_ms") == 0.4);
	assert_true(num(w, "runnable_ms") == 0.1);
	assert_true(num(w, "blocked_ms") == 0.5);
	assert_true(num(w, "syscall_ms") == 0.91);
	assert_true(num(w, "syscalls") == 2);
	assert_true(num(w, "api_bytes_sent") == 80);
	/* the read that returns at event_received is the handler's (point rule) */
	assert_true(num(w, "api_bytes_received") == 0);
	assert_true(num(cJSON_GetArrayItem(ph, BD_HANDLER), "api_bytes_received") == 300);
	assert_true(num(w, "min_flt") == 5);
	top = get(w, "top_syscalls");
	assert_int_equal(cJSON_GetArraySize(top), 2);
	assert_string_equal(get(cJSON_GetArrayItem(top, 1), "name")->valuestring, "write");
	assert_string_equal(get(cJSON_GetArrayItem(top, 0), "name")->valuestring, "read");
	assert_true(num(cJSON_GetArrayItem(top, 0), "nr") == SYS_read);
	assert_true(num(cJSON_GetArrayItem(top, 0), "count") == 1);
	assert_true(num(cJSON_GetArrayItem(top, 0), "time_ms") == 0.9);
	w = cJSON_GetArrayItem(ph, BD_DYNLOAD);
	assert_true(cJSON_IsFalse(get(w, "measured")));
	assert_true(num(w, "duration_ms") == 0);
	assert_true(num(cJSON_GetArrayItem(ph, BD_RUNTIME_INIT), "start_ms") == 0.1);
	tree = get(o, "tree");
	assert_true(num(tree, "syscalls") == 6);
	assert_true(num(tree, "on_cpu_ms") == 1.5);
	assert_true(num(tree, "api_bytes_sent") == 191);
	assert_true(num(tree, "processes_created") == 0);
	assert_int_equal(cJSON_GetArraySize(get(tree, "top_syscalls")), 4);
	assert_true(num(o, "peak_rss_kb") == 1500);
	assert_true(num(o, "peak_rss_at_ms") == 0.6);
	assert_string_equal(get(o, "peak_rss_phase")->valuestring, "connect");
	assert_true(num(o, "threads_seen") == 1);
	assert_true(cJSON_IsNull(get(o, "bpf_cost")));
	cJSON_Delete(o);

	/* nulls without samples; the tracer cost when measured; ms rounded */
	assert_int_equal(breakdown_build(NULL, 0, ROOT, &k, &bd), 0);
	bd.bpf_tree_measured = true;
	bd.bpf_tree_ns = 1234567;
	bd.ph[BD_HANDLER].c.on_cpu_ns = 1499;	/* 0.001499 ms -> 0.001 */
	bd.ph[BD_CONNECT].c.on_cpu_ns = 1500;	/* -> 0.002 */
	o = round_trip(&bd);
	assert_true(cJSON_IsNull(get(o, "peak_rss_kb")));
	assert_true(cJSON_IsNull(get(o, "peak_rss_at_ms")));
	assert_true(cJSON_IsNull(get(o, "peak_rss_phase")));
	assert_true(num(get(o, "bpf_cost"), "tree_run_time_ms") == 1.235);
	ph = get(o, "phases");
	assert_true(num(cJSON_GetArrayItem(ph, BD_HANDLER), "on_cpu_ms") == 0.001);
	assert_true(num(cJSON_GetArrayItem(ph, BD_CONNECT), "on_cpu_ms") == 0.002);
	assert_int_equal(cJSON_GetArraySize(get(get(o, "tree"), "top_syscalls")), 0);
	cJSON_Delete(o);
	assert_null(breakdown_to_json(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
