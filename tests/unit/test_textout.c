/* Unit tests of src/textout.c: untrusted text made safe for a terminal (escape sequences,
 * newlines that fake report lines, C1 controls, bidirectional controls, invalid UTF-8 kept
 * visible, valid UTF-8 kept as it is, cutting), and figures in ms, KB and percent. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "jsonw.h"
#include "textout.h"

static void expect_escape(const char *in, const char *want)
{
	char buf[256];
	size_t n = tx_escape(buf, sizeof(buf), in);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

/* No byte a terminal acts on may come out: controls, DEL, lone C1 bytes. */
static void assert_inert(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		assert_false(*p < 0x20 || *p == 0x7f);
	/* UTF-8-encoded C1 (U+0080..U+009F is 0xc2 0x80..0x9f) */
	assert_null(strstr(s, "\xc2\x9b"));
	assert_null(strstr(s, "\xc2\x85"));
}

static void test_plain_and_utf8_kept(void **state)
{
	(void)state;
	expect_escape("", "");
	expect_escape(NULL, "");
	expect_escape("sample_on_provided_al2023 (x86_64)", "sample_on_provided_al2023 (x86_64)");
	expect_escape("/tmp/r\xc3\xa9sultats/caf\xc3\xa9.json",
		      "/tmp/r\xc3\xa9sultats/caf\xc3\xa9.json");
	expect_escape("\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89",
		      "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89");
	/* U+00A0 and U+FFFD are not controls */
	expect_escape("a\xc2\xa0" "b\xef\xbf\xbd", "a\xc2\xa0" "b\xef\xbf\xbd");
}

/* A runtime name that would recolour the terminal and clear the screen. */
static void test_escape_sequences(void **state)
{
	char buf[256];

	(void)state;
	expect_escape("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
	expect_escape("x\x1b]0;title\x07", "x\\x1b]0;title\\x07");
	expect_escape("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H");
	tx_escape(buf, sizeof(buf), "go\x1b[1A\x1b[2Kfaked\x08\x7f");
	assert_inert(buf);
	assert_string_equal(buf, "go\\x1b[1A\\x1b[2Kfaked\\x08\\x7f");
}

/* A newline in a name would print a line of its own that reads like the report's. */
static void test_newline_fakes_a_line(void **state)
{
	const char *evil = "sample\nTarget: <8.000 ms avg cold start (stats.avg_ms): met (0.001 ms)";
	char line[512];

	(void)state;
	snprintf(line, sizeof(line), "Results:   %s, 128 MB\n", TX_SAFE(evil));
	/* one line: the only newline is the report's own, at the end */
	assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);
	assert_string_equal(line, "Results:   sample\\nTarget: <8.000 ms avg cold start "
			    "(stats.avg_ms): met (0.001 ms), 128 MB\n");
	expect_escape("a\r\nb\tc", "a\\r\\nb\\tc");
	expect_escape("\x01\x1f", "\\x01\\x1f");
}

/* The backslash is escaped too: "\x1b" in the output always stands for the byte. */
static void test_backslash(void **state)
{
	(void)state;
	expect_escape("C:\\x1b", "C:\\\\x1b");
	expect_escape("\\", "\\\\");
}

static void test_c1_and_bidi(void **state)
{
	(void)state;
	/* lone C1 bytes are not UTF-8: escaped as bytes (0x9b is CSI to an 8-bit terminal) */
	expect_escape("a\x9b" "31mb", "a\\x9b31mb");
	expect_escape("\x85", "\\x85");
	/* C1 written in UTF-8 */
	expect_escape("a\xc2\x9b" "31m", "a\\u009b31m");
	expect_escape("\xc2\x80\xc2\x9f", "\\u0080\\u009f");
	/* U+2028/2029 separate lines; U+202E and U+2066..2069 reorder the text shown */
	expect_escape("a\xe2\x80\xa8" "b\xe2\x80\xa9", "a\\u2028b\\u2029");
	expect_escape("\xe2\x80\xae" "gnp.exe", "\\u202egnp.exe");
	expect_escape("\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069");
	/* neighbours that are not controls stay */
	expect_escape("\xe2\x80\xa7\xe2\x80\xaf", "\xe2\x80\xa7\xe2\x80\xaf");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	expect_escape("\xff\xfe", "\\xff\\xfe");
	expect_escape("ab\xe6\x97", "ab\\xe6\\x97");		/* cut short at the end */
	expect_escape("\xe6\x97z", "\\xe6\\x97z");		/* cut short before ASCII */
	expect_escape("\xc0\xaf", "\\xc0\\xaf");		/* overlong '/' */
	expect_escape("\xe0\x80\xaf", "\\xe0\\x80\\xaf");	/* overlong, 3 bytes */
	expect_escape("\xed\xa0\x80", "\\xed\\xa0\\x80");	/* a UTF-16 surrogate */
	expect_escape("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");	/* above U+10FFFF */
	expect_escape("\x80x", "\\x80x");			/* a stray continuation */
	/* a valid character right after an invalid byte is kept */
	expect_escape("\xff\xc3\xa9", "\\xff\xc3\xa9");
}

/* Cut: whole characters and escapes only, then "..."; the return says how long it was. */
static void test_cut(void **state)
{
	char buf[16];
	size_t n;

	(void)state;
	n = tx_escape(buf, 8, "abcdefgh");		/* 8 bytes do not fit in 8 */
	assert_int_equal(n, 8);
	assert_string_equal(buf, "abcd...");
	n = tx_escape(buf, 9, "abcdefgh");		/* they fit in 9 */
	assert_int_equal(n, 8);
	assert_string_equal(buf, "abcdefgh");
	n = tx_escape(buf, 10, "ab\x1b\x1b\x1b");	/* "ab\x1b\x1b\x1b" is 14 */
	assert_int_equal(n, 14);
	assert_string_equal(buf, "ab\\x1b...");
	n = tx_escape(buf, 8, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");	/* never half a character */
	assert_string_equal(buf, "\xe6\x97\xa5...");
	n = tx_escape(buf, 3, "abcdef");		/* no room for the marker */
	assert_string_equal(buf, "ab");
	n = tx_escape(buf, 1, "abc");
	assert_string_equal(buf, "");
	assert_int_equal(tx_escape(NULL, 0, "\n"), 2);	/* the length alone */
	/* the worst case fits in TX_ESC_SIZE */
	{
		char in[5] = "\x01\x02\x03\x04", out[TX_ESC_SIZE(4)];

		assert_int_equal(tx_escape(out, sizeof(out), in), 16);
		assert_string_equal(out, "\\x01\\x02\\x03\\x04");
	}
}

/* Every one of the 256 bytes, alone and after a lead byte, comes out inert. */
static void test_all_bytes_inert(void **state)
{
	unsigned b, lead;
	char in[4], out[64];

	(void)state;
	for (lead = 0; lead < 2; lead++) {
		for (b = 1; b < 256; b++) {
			size_t k = 0;

			if (lead)
				in[k++] = (char)0xc2;
			in[k++] = (char)b;
			in[k] = '\0';
			tx_escape(out, sizeof(out), in);
			assert_inert(out);
		}
	}
}

static void test_ms(void **state)
{
	(void)state;
	assert_string_equal(TX_MS(2.0446), "2.045");
	assert_string_equal(TX_MS(2.044), "2.044");
	assert_string_equal(TX_MS(0), "0.000");
	assert_string_equal(TX_MS(-1), "n/a");
	assert_string_equal(TX_MS(NAN), "n/a");
	assert_string_equal(TX_MS(INFINITY), "n/a");
	/* 0.0625 is exact in binary: printf alone says 0.062, the JSON rule 0.063; text and
	 * JSON of one figure must agree */
	assert_string_equal(TX_MS(0.0625), "0.063");
	assert_true(jw_round3(0.0625) == 0.063);
	assert_string_equal(TX_MS(1e308), "1.000e+308");
	assert_string_equal(TX_MIB(2.0625), "2.063");
	assert_string_equal(TX_MIB(NAN), "n/a");
}

static void test_sizes_and_pct(void **state)
{
	(void)state;
	assert_int_equal(tx_kb_up(0), 0);
	assert_int_equal(tx_kb_up(1), 1);
	assert_int_equal(tx_kb_up(1024), 1);
	assert_int_equal(tx_kb_up(1025), 2);
	assert_int_equal(tx_kb_up(UINT64_MAX), (UINT64_MAX >> 10) + 1);
	assert_string_equal(TX_SIZE(0), "0 KB (0 bytes)");
	assert_string_equal(TX_SIZE(12289), "13 KB (12289 bytes)");
	assert_string_equal(TX_PCT(43.21), "43.2%");
	assert_string_equal(TX_PCT(NAN), "n/a");
	assert_string_equal(TX_CHANGE(12.34), "+12.3%");
	assert_string_equal(TX_CHANGE(-0.44), "-0.4%");
	assert_string_equal(TX_CHANGE(INFINITY), "n/a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_utf8_kept),
		cmocka_unit_test(test_escape_sequences),
		cmocka_unit_test(test_newline_fakes_a_line),
		cmocka_unit_test(test_backslash),
		cmocka_unit_test(test_c1_and_bidi),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_all_bytes_inert),
		cmocka_unit_test(test_ms),
		cmocka_unit_test(test_sizes_and_pct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
