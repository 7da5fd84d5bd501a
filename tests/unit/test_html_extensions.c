/* The HTML report's extensions section. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "html_extensions.h"
#include "results.h"

static void test_section(void **state)
{
	struct invocation inv[2] = { 0 };
	struct results r = { .runtime = "rt", .memory_mb = 128, .arch = "x86_64", .inv = inv,
			     .n_inv = 2 };
	struct report_input in = { .path = "r.json", .res = &r };
	struct strbuf b = { 0 };
	char *html;

	(void)state;
	sb_puts(&b, "");
	html_extensions_table(&b, &in, 1);
	html = sb_take(&b);
	assert_string_equal(html, "");	/* no extension: no section */
	free(html);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(api_facts_set_ext(&inv[i].api, 1), 0);
		strcpy(inv[i].api.ext[0].name, "<ext>");
		inv[i].api.ext[0].init_ms = 100 + 200 * i;	/* mean 200 */
		inv[i].api.ext[0].outcome = i ? EXT_KILLED_AT_SHUTDOWN : EXT_OK;
		inv[i].api.runtime_init_ms = 10;
		inv[i].api.post_runtime_ms = -1;
	}
	memset(&b, 0, sizeof(b));
	html_extensions_table(&b, &in, 1);
	html = sb_take(&b);
	assert_non_null(strstr(html, "<section id=\"extensions\">"));
	assert_non_null(strstr(html, "<td>&lt;ext&gt;</td>"));	/* one row, escaped */
	assert_null(strstr(strstr(html, "&lt;ext&gt;") + 1, "&lt;ext&gt;"));
	assert_non_null(strstr(html, "<td class=\"num\">200.000</td><td class=\"num\">10.000</td>"
			       "<td class=\"num na\">not measured</td>"));
	assert_non_null(strstr(html, "<td>ok 1, killed_at_shutdown 1</td>"));
	free(html);
	api_facts_free(&inv[0].api);
	api_facts_free(&inv[1].api);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_section),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
