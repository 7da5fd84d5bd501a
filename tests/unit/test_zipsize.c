/* Unit tests of src/zipsize.c: the deflated size against zlib's compress2, from memory and
 * from a file read in pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "elf_fixture.h"
#include "zipsize.h"

/* a real program (dyn) to compress */
static int setup(void **state)
{
	(void)state;
	return fixture_setup("test_zipsize", FX_DYN);
}

static void check_deflate_vs_compress2(const unsigned char *buf, size_t len)
{
	uLongf zlen = compressBound((uLong)len);
	unsigned char *z = malloc(zlen);
	uint64_t got = 0;

	assert_non_null(z);
	assert_int_equal(compress2(z, &zlen, buf, (uLong)len, 9), Z_OK);
	assert_int_equal(deflated_size_mem(buf, len, &got), 0);
	/* a zlib stream is the raw deflate stream plus a 2-byte header and a 4-byte Adler-32 */
	assert_int_equal(got, (uint64_t)zlen - 6);
	free(z);
}

static void test_deflate(void **state)
{
	unsigned char *img, *rnd;
	uint64_t from_file = 0, from_mem = 0, zeros = 0;
	char err[256];
	size_t len, i;
	uint64_t rng = 42;

	(void)state;
	img = slurp(tpath("dyn"), &len);
	check_deflate_vs_compress2(img, len);
	check_deflate_vs_compress2((const unsigned char *)"", 0);
	rnd = malloc(300000);
	assert_non_null(rnd);
	for (i = 0; i < 300000; i++)
		rnd[i] = (unsigned char)rng_next(&rng);
	check_deflate_vs_compress2(rnd, 300000);
	/* random bytes do not compress; zeros do */
	assert_int_equal(deflated_size_mem(rnd, 300000, &from_mem), 0);
	assert_true(from_mem > 300000);
	memset(rnd, 0, 300000);
	assert_int_equal(deflated_size_mem(rnd, 300000, &zeros), 0);
	assert_true(zeros < 1000);
	/* the file is read in pieces: the same stream as in one piece */
	write_file(tpath("rnd"), img, len);
	assert_int_equal(deflated_size_file(tpath("rnd"), &from_file, err, sizeof(err)), 0);
	assert_int_equal(deflated_size_mem(img, len, &from_mem), 0);
	assert_int_equal(from_file, from_mem);
	assert_true(from_file < len);
	assert_int_equal(deflated_size_file(tpath("no-such"), &from_file, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open"));
	free(rnd);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deflate),
	};

	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
