/* Unit tests of src/deployed.c: what the results say of the function as deployed, and that a
 * variable's value never reaches them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "deployed.h"
#include "results.h"

static char *encode(const struct deployed *d, struct invocation *inv)
{
	struct results r = { 0 };

	strcpy(r.runtime, "fn");
	r.deployed = d;
	r.inv = inv;
	r.n_inv = inv ? 1 : 0;
	results_compute_stats(&r);
	return results_to_json(&r);
}

static cJSON *get(cJSON *o, const char *a, const char *b)
{
	cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);

	return b ? cJSON_GetObjectItemCaseSensitive(x, b) : x;
}

static void test_function_and_secrets(void **state)
{
	struct fnenv fn = { 0 };
	struct deployed d = { .fn = &fn, .nofile = 1024, .pids_max = 1024, .pids_applied = true };
	char err[256], *txt;
	cJSON *j, *env;

	(void)state;
	assert_int_equal(fnenv_set_handler(&fn, "index.handler", err, sizeof(err)), 0);
	assert_int_equal(fnenv_add_arg(&fn, "DB_PASSWORD=s3cr3t-value", err, sizeof(err)), 0);
	assert_int_equal(fnenv_add_arg(&fn, "TABLE=orders", err, sizeof(err)), 0);
	txt = encode(&d, NULL);
	assert_non_null(txt);
	/* the names, never the values */
	assert_null(strstr(txt, "s3cr3t-value"));
	assert_null(strstr(txt, "orders"));
	j = cJSON_Parse(txt);
	assert_non_null(j);
	assert_string_equal(get(j, "function", "handler")->valuestring, "index.handler");
	assert_true(cJSON_IsFalse(get(j, "function", "handler_default")));
	env = get(j, "function", "env");
	assert_int_equal(cJSON_GetArraySize(env), 2);
	assert_string_equal(cJSON_GetArrayItem(env, 0)->valuestring, "DB_PASSWORD");
	assert_string_equal(cJSON_GetArrayItem(env, 1)->valuestring, "TABLE");
	assert_int_equal(get(j, "function", "env_bytes")->valuedouble, fnenv_size(&fn));
	assert_non_null(strstr(get(j, "function", "env_values")->valuestring, "not recorded"));
	/* a loose executable, no sandbox */
	assert_true(cJSON_IsNull(get(j, "package", NULL)));
	assert_true(cJSON_IsFalse(get(j, "sandbox", "used")));
	assert_null(get(j, "sandbox", "task_root"));
	assert_int_equal(get(j, "process_limits", "nofile")->valuedouble, 1024);
	assert_true(cJSON_IsTrue(get(j, "process_limits", "nofile_hard")));
	assert_int_equal(get(j, "process_limits", "pids_max")->valuedouble, 1024);
	assert_true(cJSON_IsTrue(get(j, "process_limits", "pids_applied")));
	assert_true(cJSON_IsNull(get(j, "process_limits", "pids_not_applied")));
	cJSON_Delete(j);
	free(txt);
	/* where the hard limit could not be lowered, the results say so */
	d.nofile_soft_only = true;
	txt = encode(&d, NULL);
	j = cJSON_Parse(txt);
	assert_non_null(j);
	assert_int_equal(get(j, "process_limits", "nofile")->valuedouble, 1024);
	assert_true(cJSON_IsFalse(get(j, "process_limits", "nofile_hard")));
	cJSON_Delete(j);
	free(txt);
	fnenv_free(&fn);
}

static void test_package_sandbox_limits(void **state)
{
	struct deployed d = {
		.zip = "function.zip", .layers = { "a.zip", "b.zip" }, .n_layers = 2,
		.bootstrap_in = "/var/task/bootstrap", .unzipped_bytes = 12345, .entries = 7,
		.max_unzipped_bytes = 262144000, .max_entries = 20000, .sandbox = true,
		.ephemeral_mb = 1024, .system_dirs = "/usr /etc", .pids_max = 1024,
		.pids_why = "no pids controller here",
	};
	struct invocation inv = { .index = 1, .outcome = INV_PROCESS_LIMIT, .pids_measured = true,
				  .pids_max_events = 17 };
	char *txt = encode(&d, &inv);
	cJSON *j, *f;

	(void)state;
	assert_non_null(txt);
	j = cJSON_Parse(txt);
	assert_non_null(j);
	/* no fnenv: the defaults */
	assert_string_equal(get(j, "function", "handler")->valuestring, "handler");
	assert_true(cJSON_IsTrue(get(j, "function", "handler_default")));
	assert_int_equal(cJSON_GetArraySize(get(j, "function", "env")), 0);
	assert_string_equal(get(j, "package", "zip")->valuestring, "function.zip");
	assert_string_equal(cJSON_GetArrayItem(get(j, "package", "layers"), 1)->valuestring, "b.zip");
	assert_string_equal(get(j, "package", "bootstrap")->valuestring, "/var/task/bootstrap");
	assert_int_equal(get(j, "package", "unzipped_bytes")->valuedouble, 12345);
	assert_int_equal(get(j, "package", "entries")->valuedouble, 7);
	assert_int_equal(get(j, "package", "max_unzipped_bytes")->valuedouble, 262144000);
	assert_true(cJSON_IsTrue(get(j, "sandbox", "used")));
	assert_string_equal(get(j, "sandbox", "task_root")->valuestring, "/var/task");
	assert_string_equal(get(j, "sandbox", "layer_root")->valuestring, "/opt");
	assert_int_equal(get(j, "sandbox", "ephemeral_storage_mb")->valuedouble, 1024);
	assert_string_equal(get(j, "sandbox", "system_dirs")->valuestring, "/usr /etc");
	assert_true(cJSON_IsNull(get(j, "process_limits", "nofile")));
	assert_true(cJSON_IsFalse(get(j, "process_limits", "nofile_hard")));
	assert_true(cJSON_IsFalse(get(j, "process_limits", "pids_applied")));
	assert_string_equal(get(j, "process_limits", "pids_not_applied")->valuestring,
			    "no pids controller here");
	f = cJSON_GetArrayItem(get(j, "failures", NULL), 0);
	assert_non_null(f);
	assert_string_equal(get(f, "outcome", NULL)->valuestring, "process_limit");
	assert_int_equal(get(f, "process_limit_hits", NULL)->valuedouble, 17);
	cJSON_Delete(j);
	free(txt);
}

/* A file read back has no deployment: nothing is made up for it. */
static void test_read_back(void **state)
{
	struct results r = { 0 };
	char *txt;

	(void)state;
	strcpy(r.runtime, "fn");
	txt = results_to_json(&r);
	assert_non_null(txt);
	assert_null(strstr(txt, "\"function\""));
	assert_null(strstr(txt, "\"sandbox\""));
	free(txt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_function_and_secrets),
		cmocka_unit_test(test_package_sandbox_limits),
		cmocka_unit_test(test_read_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
