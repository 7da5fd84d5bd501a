/* What a cold start's Runtime API side showed: filled from the emulator, its JSON read back,
 * its text lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "api_facts.h"
#include "invocation.h"
#include "rapi.h"

static struct api_facts sample(void)
{
	struct api_facts f = { 0 };

	f.connections_peak = 3;
	f.foreign_requests = 2;
	f.streamed = true;
	f.ttfb_ms = 1.5;
	f.last_byte_ms = 301.25;
	f.api_ttfb_ms = 1.625;
	f.api_last_byte_ms = 301.5;
	f.runtime_init_ms = 10.125;
	f.post_runtime_ms = -1;
	assert_int_equal(api_facts_set_ext(&f, 1), 0);
	strcpy(f.ext[0].name, "ext\x1b[2J");
	strcpy(f.ext[0].path, "/opt/extensions/ext");
	f.ext[0].pid = 77;
	f.ext[0].outcome = EXT_KILLED_AT_SHUTDOWN;
	strcpy(f.ext[0].reason, "still running 2000 ms after SHUTDOWN: killed");
	f.ext[0].registered = f.ext[0].invoke = f.ext[0].shutdown = true;
	f.ext[0].init_ms = 300.5;
	f.ext[0].shutdown_ms = -1;
	f.ext[0].exit_code = -1;
	f.ext[0].exit_signal = 9;
	f.ext[0].memory_kb = 1024;
	return f;
}

static void test_round_trip(void **state)
{
	struct api_facts f = sample(), g;
	cJSON *o = cJSON_CreateObject();
	char err[128] = "", *a, *b;
	bool oom = false;

	(void)state;
	api_facts_json(o, &f, &oom);
	assert_false(oom);
	a = cJSON_PrintUnformatted(o);
	assert_non_null(strstr(a, "\"foreign_requests\":2,"));
	free(a);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "post_runtime_ms")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(
		cJSON_GetObjectItem(o, "extensions"), 0), "shutdown_ms")));
	/* read back from the text, as a results file is */
	a = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	o = cJSON_Parse(a);
	free(a);
	assert_int_equal(api_facts_from_json(o, "measurements[0]", &g, err, sizeof(err)), 0);
	assert_int_equal(g.connections_peak, 3);
	assert_int_equal(g.foreign_requests, 2);
	assert_true(g.streamed);
	assert_float_equal(g.last_byte_ms, 301.25, 0);
	assert_float_equal(g.post_runtime_ms, -1, 0);
	assert_int_equal(g.n_ext, 1);
	assert_string_equal(g.ext[0].name, f.ext[0].name);
	assert_int_equal(g.ext[0].outcome, EXT_KILLED_AT_SHUTDOWN);
	assert_int_equal(g.ext[0].exit_code, -1);
	assert_int_equal(g.ext[0].exit_signal, 9);
	assert_true(g.ext[0].invoke && g.ext[0].shutdown && g.ext[0].registered);
	/* and written again, the same text */
	a = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	o = cJSON_CreateObject();
	api_facts_json(o, &g, &oom);
	b = cJSON_PrintUnformatted(o);
	assert_string_equal(a, b);
	free(a);
	free(b);
	cJSON_Delete(o);
	api_facts_free(&f);
	api_facts_free(&g);
	assert_null(g.ext);
	assert_int_equal(g.n_ext, 0);
}

static void test_bad_fields(void **state)
{
	struct api_facts g;
	char err[160];
	cJSON *o;

	(void)state;
	o = cJSON_Parse("{\"foreign_requests\": -1}");
	assert_int_equal(api_facts_from_json(o, "failures[1]", &g, err, sizeof(err)), -1);
	assert_string_equal(err, "failures[1].foreign_requests: must be a non-negative number");
	cJSON_Delete(o);
	o = cJSON_Parse("{\"extensions\": [{\"outcome\": \"fine\"}]}");
	assert_int_equal(api_facts_from_json(o, "m", &g, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown outcome"));
	cJSON_Delete(o);
	/* absent: nothing measured, nothing refused (files from before these fields) */
	o = cJSON_Parse("{}");
	assert_int_equal(api_facts_from_json(o, "m", &g, err, sizeof(err)), 0);
	assert_int_equal(g.n_ext, 0);
	assert_false(g.streamed);
	assert_float_equal(g.runtime_init_ms, -1, 0);
	cJSON_Delete(o);
}

static void test_fill(void **state)
{
	struct rapi_status st = { 0 };
	struct invocation inv = { 0 };

	(void)state;
	st.connections_peak = 4;
	st.foreign_requests = 1;
	st.streamed = true;
	st.event_sent_ns = 1000;
	st.response_first_ns = 3000;
	st.response_received_ns = 9000;
	inv.k.event_received = 2000;
	inv.k.response_first = 4000;
	inv.k.response_sent = 8000;
	api_facts_fill(&inv, &st);
	assert_int_equal(inv.api.connections_peak, 4);
	assert_int_equal(inv.api.foreign_requests, 1);
	assert_float_equal(inv.api.ttfb_ms, 0.002, 1e-12);
	assert_float_equal(inv.api.last_byte_ms, 0.006, 1e-12);
	assert_float_equal(inv.api.api_ttfb_ms, 0.002, 1e-12);
	assert_float_equal(inv.api.api_last_byte_ms, 0.008, 1e-12);
	/* without the kernel's marks (--no-bpf) the kernel's figures are not measured */
	inv.k.event_received = 0;
	api_facts_fill(&inv, &st);
	assert_float_equal(inv.api.ttfb_ms, -1, 0);
}

static void test_text(void **state)
{
	struct api_facts f = sample();
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	(void)state;
	api_facts_text(m, &f);
	fclose(m);
	assert_non_null(strstr(buf, "foreign requests refused (403): 2"));
	assert_non_null(strstr(buf, "streamed response: first byte 1.500 ms, last byte 301.250 ms"));
	assert_non_null(strstr(buf, "runtime init 10.125 ms"));
	assert_null(strstr(buf, "post-runtime"));
	assert_non_null(strstr(buf, "init 300.500 ms, killed_at_shutdown: still running"));
	assert_null(strchr(buf, '\x1b'));	/* a name from the bootstrap, made terminal-safe */
	free(buf);
	api_facts_free(&f);
	/* nothing to say: nothing said */
	memset(&f, 0, sizeof(f));
	buf = NULL;
	m = open_memstream(&buf, &len);
	api_facts_text(m, &f);
	fclose(m);
	assert_int_equal(len, 0);
	free(buf);
}

static void test_summary(void **state)
{
	struct invocation inv[3] = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	(void)state;
	for (int i = 0; i < 2; i++) {
		inv[i].api = sample();
		inv[i].api.ext[0].init_ms = 100 + 100 * i;	/* mean 150 */
		inv[i].api.post_runtime_ms = 2 * i;		/* mean 1 */
		inv[i].api.ext[0].outcome = i ? EXT_OK : EXT_KILLED_AT_SHUTDOWN;
	}
	inv[2].outcome = INV_TOO_MANY_CONNECTIONS;
	m = open_memstream(&buf, &len);
	api_facts_summary(m, inv, 3);
	fclose(m);
	assert_non_null(strstr(buf, "Extensions (means over the cold starts that ran them):\n"));
	assert_non_null(strstr(buf, ": init 150.000 ms (runtime's 10.125 ms), post-runtime 1.000 ms; "
			       "ok 1, killed_at_shutdown 1\n"));
	assert_non_null(strstr(buf, "Foreign requests refused (403): 4,"));
	assert_non_null(strstr(buf, "Too many connections: 1 cold start opened"));
	free(buf);
	api_facts_free(&inv[0].api);
	api_facts_free(&inv[1].api);
	/* a plain run: not a word */
	buf = NULL;
	m = open_memstream(&buf, &len);
	api_facts_summary(m, inv + 2, 0);
	fclose(m);
	assert_int_equal(len, 0);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_fill),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
