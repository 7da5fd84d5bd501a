/* The extensions' tracks in the trace export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chrome_trace.h"

static void test_tracks(void **state)
{
	struct ctrace *w = ctrace_open();
	struct invocation inv = { .index = 2 };
	struct ext_record *x;
	cJSON *j, *ev, *e;
	char *txt;
	int slices = 0, named = 0;

	(void)state;
	assert_non_null(w);
	assert_int_equal(api_facts_set_ext(&inv.api, 2), 0);
	x = &inv.api.ext[0];
	strcpy(x->name, "ext-a");
	x->pid = 4242;
	x->outcome = EXT_OK;
	x->start_ns = 1000000;
	x->ready_ns = 301000000;	/* init: 300 ms */
	x->shutdown_ns = 401000000;
	x->end_ns = 402000000;
	inv.api.ext[1].pid = 4343;	/* never started: no track */
	assert_int_equal(ctrace_add_extensions(w, &inv), 0);
	txt = ctrace_to_json(w);
	assert_non_null(txt);
	j = cJSON_Parse(txt);
	assert_non_null(j);
	ev = cJSON_GetObjectItem(j, "traceEvents");
	cJSON_ArrayForEach(e, ev) {
		const char *ph = cJSON_GetObjectItem(e, "ph")->valuestring;
		const char *name = cJSON_GetObjectItem(e, "name")->valuestring;

		if (cJSON_GetObjectItem(e, "pid")->valueint == 0)
			continue;	/* the writer's own pseudo-process */
		assert_int_equal(cJSON_GetObjectItem(e, "pid")->valueint, 4242);
		if (!strcmp(ph, "M") && !strcmp(name, "process_name")) {
			assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "args"),
								"name")->valuestring, "extension ext-a");
			named++;
		}
		if (!strcmp(ph, "X")) {
			assert_string_equal(cJSON_GetObjectItem(e, "cat")->valuestring, "extension");
			if (!strcmp(name, "init"))
				assert_float_equal(cJSON_GetObjectItem(e, "dur")->valuedouble, 300000, 0);
			if (!strcmp(name, "running"))
				assert_float_equal(cJSON_GetObjectItem(e, "dur")->valuedouble, 100000, 0);
			if (!strcmp(name, "shutdown"))
				assert_float_equal(cJSON_GetObjectItem(e, "dur")->valuedouble, 1000, 0);
			slices++;
		}
	}
	assert_int_equal(named, 1);
	assert_int_equal(slices, 3);
	cJSON_Delete(j);
	free(txt);
	ctrace_free(w);
	assert_int_equal(ctrace_add_extensions(NULL, &inv), 0);
	api_facts_free(&inv.api);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tracks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
