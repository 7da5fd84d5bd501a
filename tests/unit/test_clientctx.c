/* --client-context FILE: what it accepts, what the headers carry, what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "clientctx.h"

static void test_objects(void **state)
{
	struct client_ctx c;
	char err[256] = "";

	(void)state;
	assert_int_equal(client_ctx_parse("{\"client_context\": {\"client\": {\"app_title\": \"a\"},\n"
					  "  \"custom\": {\"k\": 1}},\n \"cognito_identity\": "
					  "{\"cognitoIdentityId\": \"i\"}}", &c, err, sizeof(err)), 0);
	/* compact JSON, one header line each */
	assert_string_equal(c.client_context, "{\"client\":{\"app_title\":\"a\"},\"custom\":{\"k\":1}}");
	assert_string_equal(c.cognito_identity, "{\"cognitoIdentityId\":\"i\"}");
	assert_int_equal(client_ctx_parse("{\"cognito_identity\": {}}", &c, err, sizeof(err)), 0);
	assert_string_equal(c.client_context, "");
	assert_string_equal(c.cognito_identity, "{}");
}

/* The client context as the Invoke API takes it: base64 of the JSON. */
static void test_base64(void **state)
{
	struct client_ctx c;
	char err[256] = "";

	(void)state;
	/* base64 of {"custom":{"a":"b"}} */
	assert_int_equal(client_ctx_parse("{\"client_context\": \"eyJjdXN0b20iOnsiYSI6ImIifX0=\"}", &c,
					  err, sizeof(err)), 0);
	assert_string_equal(c.client_context, "{\"custom\":{\"a\":\"b\"}}");
	assert_int_equal(client_ctx_parse("{\"client_context\": \"bm90IGpzb24=\"}", &c, err,
					  sizeof(err)), -1);	/* "not json" */
	assert_non_null(strstr(err, "not base64 of a JSON object"));
}

static void test_refused(void **state)
{
	struct client_ctx c;
	char err[256], big[8192];
	size_t n;

	(void)state;
	assert_int_equal(client_ctx_parse("[]", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "not a JSON object");
	assert_int_equal(client_ctx_parse("{\"client_ctx\": {}}", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown key \"client_ctx\""));
	assert_int_equal(client_ctx_parse("{}", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "neither"));
	assert_int_equal(client_ctx_parse("{\"cognito_identity\": \"x\"}", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "must be a JSON object"));
	/* over Lambda's 3583 bytes once base64-encoded */
	n = (size_t)snprintf(big, sizeof(big), "{\"client_context\": {\"custom\": {\"k\": \"");
	memset(big + n, 'x', 2800);
	strcpy(big + n + 2800, "\"}}}");
	assert_int_equal(client_ctx_parse(big, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too large"));
}

static void test_read(void **state)
{
	char path[] = "/tmp/test_clientctx.XXXXXX", err[256];
	struct client_ctx c;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"cognito_identity\": {\"a\": 1}}\n", 31), 31);
	close(fd);
	assert_int_equal(client_ctx_read(path, &c, err, sizeof(err)), 0);
	assert_string_equal(c.cognito_identity, "{\"a\":1}");
	unlink(path);
	assert_int_equal(client_ctx_read(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
