/* Unit tests of src/fnenv.c: the handler, --env, --env-file in both forms, and every rule
 * Lambda applies to the function's variables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fnenv.h"

static char err[1024];

static const char *value_of(const struct fnenv *e, const char *key)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->vars[i].key, key))
			return e->vars[i].value;
	return NULL;
}

static int parse(struct fnenv *e, const char *text)
{
	err[0] = '\0';
	return fnenv_parse_text(e, text, strlen(text), "vars.env", err, sizeof(err));
}

static void test_key_syntax(void **state)
{
	(void)state;
	assert_true(fnenv_key_valid("AB"));
	assert_true(fnenv_key_valid("a_1"));
	assert_true(fnenv_key_valid("Table_NAME_2"));
	assert_false(fnenv_key_valid("A"));		/* two characters at least */
	assert_false(fnenv_key_valid(""));
	assert_false(fnenv_key_valid("1AB"));
	assert_false(fnenv_key_valid("_AB"));
	assert_false(fnenv_key_valid("A-B"));
	assert_false(fnenv_key_valid("A B"));
	assert_false(fnenv_key_valid("A.B"));
	assert_false(fnenv_key_valid("\xc3\xa9t\xc3\xa9"));
}

/* Every reserved key is refused, named, as reserved (even those the syntax refuses too). */
static void test_reserved(void **state)
{
	struct fnenv e = { 0 };
	size_t n = 0;

	(void)state;
	for (size_t i = 0; fnenv_reserved_keys[i]; i++, n++) {
		char arg[128], want[128];

		snprintf(arg, sizeof(arg), "%s=x", fnenv_reserved_keys[i]);
		assert_int_equal(fnenv_add_arg(&e, arg, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "--env: %s is reserved by Lambda", fnenv_reserved_keys[i]);
		assert_non_null(strstr(err, want));
		assert_null(strchr(err, '\n'));
		assert_true(fnenv_is_reserved(fnenv_reserved_keys[i]));
	}
	assert_int_equal(n, 18);
	assert_int_equal(e.n, 0);
	/* the ones a function may set: not reserved */
	assert_false(fnenv_is_reserved("PATH"));
	assert_false(fnenv_is_reserved("TZ"));
	assert_false(fnenv_is_reserved("LD_LIBRARY_PATH"));
	assert_false(fnenv_is_reserved("AWS_LAMBDA_EXEC_WRAPPER"));
	assert_false(fnenv_is_reserved("aws_region"));	/* keys are case-sensitive */
	/* ... in a file too, with its line */
	assert_int_equal(parse(&e, "A1=ok\n\nAWS_REGION=eu-west-1\n"), -1);
	assert_non_null(strstr(err, "--env-file vars.env line 3: AWS_REGION is reserved by Lambda"));
	assert_int_equal(parse(&e, "{\"LAMBDA_TASK_ROOT\": \"/x\"}"), -1);
	assert_non_null(strstr(err, "LAMBDA_TASK_ROOT is reserved by Lambda"));
	fnenv_free(&e);
}

static void test_env_arg(void **state)
{
	struct fnenv e = { 0 };

	(void)state;
	assert_int_equal(fnenv_add_arg(&e, "TABLE=a=b", err, sizeof(err)), 0);
	assert_string_equal(value_of(&e, "TABLE"), "a=b");	/* split at the first '=' */
	assert_int_equal(fnenv_add_arg(&e, "EMPTY=", err, sizeof(err)), 0);
	assert_string_equal(value_of(&e, "EMPTY"), "");
	assert_int_equal(fnenv_add_arg(&e, "SP= two  words ", err, sizeof(err)), 0);
	assert_string_equal(value_of(&e, "SP"), " two  words ");
	/* a key set again keeps its place and takes the last value */
	assert_int_equal(fnenv_add_arg(&e, "TABLE=second", err, sizeof(err)), 0);
	assert_int_equal(e.n, 3);
	assert_string_equal(e.vars[0].key, "TABLE");
	assert_string_equal(value_of(&e, "TABLE"), "second");
	assert_int_equal(fnenv_add_arg(&e, "NOEQUALS", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--env: expected KEY=VALUE (no '=')"));
	assert_int_equal(fnenv_add_arg(&e, "=v", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "the key is empty"));
	assert_int_equal(fnenv_add_arg(&e, "9LIVES=v", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'9LIVES' is not a valid variable name"));
	assert_int_equal(e.n, 3);
	fnenv_free(&e);
	assert_int_equal(e.n, 0);
}

static void test_env_file_lines(void **state)
{
	struct fnenv e = { 0 };

	(void)state;
	assert_int_equal(parse(&e, "# a comment\n\n   \n  # indented comment\nA1=one\r\n"
			       "  B2=\"quoted\" stays\nC3=$HOME/${X}\nD4=# not a comment\nE5=tab\there"),
			 0);
	assert_int_equal(e.n, 5);
	assert_string_equal(value_of(&e, "A1"), "one");		/* CRLF: the \r dropped */
	assert_string_equal(value_of(&e, "B2"), "\"quoted\" stays");	/* no quoting */
	assert_string_equal(value_of(&e, "C3"), "$HOME/${X}");		/* no expansion */
	assert_string_equal(value_of(&e, "D4"), "# not a comment");
	assert_string_equal(value_of(&e, "E5"), "tab\there");		/* last line, no newline */
	/* shell forms are not this format: said with the line */
	assert_int_equal(parse(&e, "OK1=1\nexport F6=1\n"), -1);
	assert_non_null(strstr(err, "--env-file vars.env line 2: 'export F6' is not a valid variable name"));
	assert_int_equal(parse(&e, "G7 = 1\n"), -1);
	assert_non_null(strstr(err, "line 1: 'G7 ' is not a valid"));
	assert_int_equal(parse(&e, "just words\n"), -1);
	assert_non_null(strstr(err, "line 1: expected KEY=VALUE"));
	fnenv_free(&e);
	/* an empty file and one of comments set nothing */
	assert_int_equal(parse(&e, ""), 0);
	assert_int_equal(parse(&e, "#x\n\n"), 0);
	assert_int_equal(e.n, 0);
}

static void test_env_file_json(void **state)
{
	struct fnenv e = { 0 };

	(void)state;
	assert_int_equal(parse(&e, "\n  {\"TABLE\": \"t1\", \"MULTI\": \"a\\nb\", \"Q\\u0031\": \"x\"}\n"), 0);
	assert_int_equal(e.n, 3);
	assert_string_equal(value_of(&e, "TABLE"), "t1");
	assert_string_equal(value_of(&e, "MULTI"), "a\nb");
	assert_string_equal(value_of(&e, "Q1"), "x");
	assert_int_equal(parse(&e, "{\"N1\": 3}"), -1);
	assert_non_null(strstr(err, "the value of N1 is not a string"));
	assert_int_equal(parse(&e, "{\"N1\": null}"), -1);
	assert_int_equal(parse(&e, "{\"N1\": \"x\",\n \"N2\": }"), -1);
	assert_non_null(strstr(err, "--env-file vars.env: not valid JSON (line 2"));
	assert_int_equal(parse(&e, "{\"N1\": \"x\"} {\"N2\": \"y\"}"), -1);
	assert_non_null(strstr(err, "text after the JSON object"));
	assert_int_equal(parse(&e, "{\"bad key\": \"x\"}"), -1);
	assert_non_null(strstr(err, "'bad key' is not a valid variable name"));
	/* told apart by the first non-blank byte: an array is the lines form's bad line */
	assert_int_equal(parse(&e, "[\"A1=x\"]"), -1);
	assert_non_null(strstr(err, "line 1: '[\"A1' is not a valid variable name"));
	assert_int_equal(e.n, 3);
	fnenv_free(&e);
}

static void test_nul_refused(void **state)
{
	struct fnenv e = { 0 };
	static const char text[] = "A1=x\0y\n";

	(void)state;
	assert_int_equal(fnenv_parse_text(&e, text, sizeof(text) - 1, "f", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "contains a NUL byte"));
	assert_int_equal(fnenv_parse_text(&e, "{\"A1\":\"x\"}\0", 11, "f", err, sizeof(err)), -1);
	assert_int_equal(e.n, 0);
}

/* The size, counted as Lambda's message shows it: the compact JSON object. */
static void test_size(void **state)
{
	struct fnenv e = { 0 };
	char *big;

	(void)state;
	assert_int_equal(fnenv_size(&e), 0);
	assert_int_equal(fnenv_add_arg(&e, "AB=cd", err, sizeof(err)), 0);
	assert_int_equal(fnenv_size(&e), strlen("{\"AB\":\"cd\"}"));
	assert_int_equal(fnenv_add_arg(&e, "EF=", err, sizeof(err)), 0);
	assert_int_equal(fnenv_size(&e), strlen("{\"AB\":\"cd\",\"EF\":\"\"}"));
	/* JSON's escapes count: a quote and a backslash 2 bytes each, a control byte 6 */
	assert_int_equal(fnenv_set(&e, "EF", "\"\\\x01", "t", err, sizeof(err)), 0);
	assert_int_equal(fnenv_size(&e), strlen("{\"AB\":\"cd\",\"EF\":\"\\\"\\\\\\u0001\"}"));
	fnenv_free(&e);

	/* {"AB":"..."} is 9 bytes besides the value: 4087 of it make exactly 4096 */
	big = malloc(5000);
	assert_non_null(big);
	memset(big, 'v', 4087);
	big[4087] = '\0';
	assert_int_equal(fnenv_set(&e, "AB", big, "t", err, sizeof(err)), 0);
	assert_int_equal(fnenv_size(&e), 4096);
	assert_int_equal(fnenv_check_size(&e, err, sizeof(err)), 0);
	big[4087] = 'v';
	big[4088] = '\0';
	assert_int_equal(fnenv_set(&e, "AB", big, "t", err, sizeof(err)), 0);
	assert_int_equal(fnenv_check_size(&e, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "take 4097 bytes, over Lambda's limit of 4096"));
	free(big);
	fnenv_free(&e);
}

static void test_handler(void **state)
{
	struct fnenv e = { 0 };
	char h[FNENV_HANDLER_MAX + 1], h2[FNENV_HANDLER_MAX + 2];

	(void)state;
	assert_string_equal(fnenv_handler(&e), "handler");	/* the documented default */
	assert_int_equal(fnenv_set_handler(&e, "index.handler", err, sizeof(err)), 0);
	assert_string_equal(fnenv_handler(&e), "index.handler");
	assert_int_equal(fnenv_set_handler(&e, "", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--handler must be 1 to 128 bytes, not 0"));
	memset(h, 'h', FNENV_HANDLER_MAX);
	h[FNENV_HANDLER_MAX] = '\0';
	assert_int_equal(fnenv_set_handler(&e, h, err, sizeof(err)), 0);
	memset(h2, 'h', FNENV_HANDLER_MAX + 1);
	h2[FNENV_HANDLER_MAX + 1] = '\0';
	assert_int_equal(fnenv_set_handler(&e, h2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not 129"));
	assert_int_equal(fnenv_set_handler(&e, "index handler", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "white space"));
	assert_int_equal(fnenv_set_handler(&e, "a\tb", err, sizeof(err)), -1);
	assert_int_equal(fnenv_set_handler(&e, "a\x1b[2Jb", err, sizeof(err)), -1);
	/* a refused one changes nothing: the last accepted stays */
	assert_int_equal(strlen(fnenv_handler(&e)), FNENV_HANDLER_MAX);
}

static void test_strv_and_file(void **state)
{
	char path[] = "/tmp/test_fnenv.XXXXXX";
	struct fnenv e = { 0 };
	char **v;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("# settings\nTABLE=t1\nURL=http://x/?a=1&b=2\n", f);
	fclose(f);
	assert_int_equal(fnenv_read_file(&e, path, err, sizeof(err)), 0);
	unlink(path);
	v = fnenv_strv(&e);
	assert_non_null(v);
	assert_string_equal(v[0], "TABLE=t1");
	assert_string_equal(v[1], "URL=http://x/?a=1&b=2");
	assert_null(v[2]);
	fnenv_free_strv(v);
	assert_int_equal(fnenv_read_file(&e, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read --env-file /tmp/test_fnenv."));
	assert_non_null(strstr(err, "No such file or directory"));
	fnenv_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_syntax),
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_env_arg),
		cmocka_unit_test(test_env_file_lines),
		cmocka_unit_test(test_env_file_json),
		cmocka_unit_test(test_nul_refused),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_handler),
		cmocka_unit_test(test_strv_and_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
