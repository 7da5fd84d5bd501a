/* Unit tests of src/strbuf.c: appending, growing, XML escaping, the out-of-memory state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "strbuf.h"

static void test_escape(void **state)
{
	struct strbuf b = { 0 };
	char *s;

	(void)state;
	sb_xml_escape(&b, "<a href=\"x\">'&'</a>\x01\tend");
	s = sb_take(&b);
	assert_non_null(s);
	assert_string_equal(s, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;?\tend");
	free(s);
	sb_free(NULL);
	sb_free(&b);
}

static void test_buffer_grows(void **state)
{
	struct strbuf b = { 0 };
	char *s;
	int i;

	(void)state;
	for (i = 0; i < 3000; i++)
		sb_printf(&b, "%04d", i % 10000);
	s = sb_take(&b);
	assert_non_null(s);
	assert_int_equal(strlen(s), 12000);
	assert_memory_equal(s + 4 * 2999, "2999", 4);
	free(s);
}

/* Appends after an allocation failure do nothing; sb_take then gives NULL and frees. */
static void test_oom_state(void **state)
{
	struct strbuf b = { 0 };

	(void)state;
	sb_puts(&b, "kept until the failure");
	assert_non_null(b.s);
	b.oom = true;			/* as a failed realloc leaves it */
	sb_puts(&b, " lost");
	sb_printf(&b, "%d", 42);
	assert_string_equal(b.s, "kept until the failure");
	assert_null(sb_take(&b));
	assert_null(b.s);
	assert_int_equal(b.len, 0);
}

/* An empty buffer's text is "", and the buffer can be used again after sb_take. */
static void test_empty_and_reuse(void **state)
{
	struct strbuf b = { 0 };
	char *s = sb_take(&b);

	(void)state;
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	sb_printf(&b, "%s=%u", "n", 3u);
	sb_puts(&b, ";");
	s = sb_take(&b);
	assert_string_equal(s, "n=3;");
	free(s);
	assert_null(b.s);
	sb_xml_escape(&b, NULL);	/* nothing */
	s = sb_take(&b);
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_buffer_grows),
		cmocka_unit_test(test_oom_state),
		cmocka_unit_test(test_empty_and_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
