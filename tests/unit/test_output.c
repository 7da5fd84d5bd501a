/* Unit tests of src/output.c: the JSON mode found among a command's arguments, errors as one
 * line on stderr and (under --json) one JSON object on stdout, one document at most on stdout.
 * Standard output and error are swapped for memory streams around each call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "output.h"

struct captured {
	char *out, *err;
	size_t out_len, err_len;
	FILE *fo, *fe, *saved_out, *saved_err;
};

static void capture(struct captured *c)
{
	memset(c, 0, sizeof(*c));
	c->fo = open_memstream(&c->out, &c->out_len);
	c->fe = open_memstream(&c->err, &c->err_len);
	assert_non_null(c->fo);
	assert_non_null(c->fe);
	fflush(stdout);
	c->saved_out = stdout;
	c->saved_err = stderr;
	stdout = c->fo;
	stderr = c->fe;
}

static void release(struct captured *c)
{
	stdout = c->saved_out;
	stderr = c->saved_err;
	fclose(c->fo);
	fclose(c->fe);
}

static void done(struct captured *c)
{
	free(c->out);
	free(c->err);
}

static void test_scan_args(void **state)
{
	char *a[] = { "-i", "r.json", "--bogus", "--json", NULL };
	char *b[] = { "-i", "r.json", "--", "--json", NULL };
	char *c[] = { "--jsonx", "-json", "json", NULL };

	(void)state;
	out_set_json(false);
	out_scan_args(4, a);
	assert_true(out_json());		/* after a bad option too */
	out_set_json(false);
	out_scan_args(4, b);
	assert_false(out_json());		/* after "--" it is an argument */
	out_scan_args(3, c);
	assert_false(out_json());
	out_scan_args(0, NULL);
	assert_false(out_json());
}

static void test_error_json_text(void **state)
{
	char *t = out_error_json("cannot read x: \"No such file\"\n", 2);
	cJSON *j, *e;

	(void)state;
	assert_non_null(t);
	assert_true(t[strlen(t) - 1] == '\n');
	j = cJSON_Parse(t);
	assert_non_null(j);
	e = cJSON_GetObjectItemCaseSensitive(j, "error");
	assert_true(cJSON_IsObject(e));
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "message")->valuestring,
			    "cannot read x: \"No such file\"\n");
	assert_true(cJSON_GetObjectItemCaseSensitive(e, "exit_status")->valuedouble == 2);
	assert_int_equal(cJSON_GetArraySize(j), 1);
	assert_int_equal(cJSON_GetArraySize(e), 2);
	cJSON_Delete(j);
	free(t);
}

/* Without --json: the line on stderr, nothing on stdout. */
static void test_error_text_mode(void **state)
{
	struct captured c;
	int rc;

	(void)state;
	out_set_json(false);
	capture(&c);
	rc = out_error(2, "unknown option '%s' for %s", "--x", "compare");
	release(&c);
	assert_int_equal(rc, 2);
	assert_string_equal(c.err, "profiler: unknown option '--x' for compare\n");
	assert_int_equal(c.out_len, 0);
	done(&c);

	capture(&c);
	rc = out_error_bare(2, "Binary not found: %s", "/no/such");
	release(&c);
	assert_int_equal(rc, 2);
	assert_string_equal(c.err, "Binary not found: /no/such\n");
	done(&c);
}

/* With --json: the same line, and the object on stdout with the status the command exits
 * with. */
static void test_error_json_mode(void **state)
{
	struct captured c;
	cJSON *j, *e;
	int rc;

	(void)state;
	out_set_json(true);
	capture(&c);
	rc = out_error(3, "BPF not permitted (%s)", "not root");
	release(&c);
	assert_int_equal(rc, 3);
	assert_string_equal(c.err, "profiler: BPF not permitted (not root)\n");
	j = cJSON_Parse(c.out);
	assert_non_null(j);
	e = cJSON_GetObjectItemCaseSensitive(j, "error");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "message")->valuestring,
			    "BPF not permitted (not root)");
	assert_true(cJSON_GetObjectItemCaseSensitive(e, "exit_status")->valuedouble == 3);
	cJSON_Delete(j);
	done(&c);
	out_set_json(false);
}

/* A message quoting a file's content is made safe on the terminal; JSON keeps it exact. */
static void test_error_untrusted_message(void **state)
{
	struct captured c;
	cJSON *j;

	(void)state;
	out_set_json(true);
	capture(&c);
	out_error(2, "%s: interpreter '%s' not found", "b.sh", "/bin/sh\r\x1b[2J");
	release(&c);
	assert_string_equal(c.err, "profiler: b.sh: interpreter '/bin/sh\\r\\x1b[2J' not found\n");
	j = cJSON_Parse(c.out);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(
				    cJSON_GetObjectItemCaseSensitive(j, "error"), "message")->valuestring,
			    "b.sh: interpreter '/bin/sh\r\x1b[2J' not found");
	cJSON_Delete(j);
	done(&c);
	out_set_json(false);
}

/* One document on stdout: after the command's own, an error goes to stderr only; and a
 * second error does not add a second object. */
static void test_one_document(void **state)
{
	struct captured c;
	struct jw w = { 0 };
	cJSON *root, *j;

	(void)state;
	out_set_json(true);
	capture(&c);
	root = jw_root(&w);
	jw_uint(&w, root, "n", 1);
	assert_int_equal(out_document(&w, root, 2), 0);
	out_error(1, "cannot write %s: %s", "report.svg", "No space left on device");
	release(&c);
	assert_string_equal(c.out, "{\n\t\"n\":\t1\n}\n");
	assert_string_equal(c.err, "profiler: cannot write report.svg: No space left on device\n");
	done(&c);

	out_set_json(true);
	capture(&c);
	out_error(2, "first");
	out_error(2, "second");
	release(&c);
	j = cJSON_Parse(c.out);	/* one object, which parses alone */
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(
				    cJSON_GetObjectItemCaseSensitive(j, "error"), "message")->valuestring,
			    "first");
	cJSON_Delete(j);
	assert_string_equal(c.err, "profiler: first\nprofiler: second\n");
	done(&c);
	out_set_json(false);
}

/* A document that could not be made is not written; the error says why. */
static void test_document_oom(void **state)
{
	struct captured c;
	struct jw w = { .oom = true };
	cJSON *root = cJSON_CreateObject();

	(void)state;
	out_set_json(false);
	capture(&c);
	assert_int_equal(out_document(&w, root, 2), -1);
	release(&c);
	assert_int_equal(c.out_len, 0);
	assert_string_equal(c.err, "profiler: out of memory\n");
	done(&c);
}

/* A warning is a line on stderr, made safe, in either mode; never JSON on stdout. */
static void test_warning(void **state)
{
	struct captured c;

	(void)state;
	for (int json = 0; json < 2; json++) {
		out_set_json(json);
		capture(&c);
		out_warn("limits not applied: %s", "cgroup \x1b[2J\nfake");
		release(&c);
		assert_int_equal(c.out_len, 0);
		assert_string_equal(c.err, "profiler: warning: limits not applied: cgroup "
					   "\\x1b[2J\\nfake\n");
		done(&c);
	}
	/* the command's error after a warning is still its one JSON document */
	out_set_json(true);
	capture(&c);
	out_warn("w");
	assert_int_equal(out_error(3, "e"), 3);
	release(&c);
	assert_non_null(strstr(c.out, "\"exit_status\":\t3"));
	done(&c);
	out_set_json(false);
}

/* Once a stream of records has begun on stdout, an error goes to stderr only. */
static void test_error_after_records(void **state)
{
	struct captured c;

	(void)state;
	out_set_json(true);
	capture(&c);
	fputs("{\"invocation\":1}\n", stdout);
	out_records_started();
	assert_int_equal(out_error(1, "cannot write r.ndjson: No space left on device"), 1);
	release(&c);
	assert_string_equal(c.out, "{\"invocation\":1}\n");
	assert_string_equal(c.err, "profiler: cannot write r.ndjson: No space left on device\n");
	done(&c);
	out_set_json(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_args),
		cmocka_unit_test(test_error_json_text),
		cmocka_unit_test(test_error_text_mode),
		cmocka_unit_test(test_error_json_mode),
		cmocka_unit_test(test_error_untrusted_message),
		cmocka_unit_test(test_one_document),
		cmocka_unit_test(test_document_oom),
		cmocka_unit_test(test_warning),
		cmocka_unit_test(test_error_after_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
