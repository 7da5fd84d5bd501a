/* Unit tests of src/ldcache.c: the ld.so.cache reader against ldconfig -p on this host's cache,
 * and on a cache built by hand (ABI flags, hwcap entries, bad offsets, every truncation). */
#include <elf.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <cmocka.h>

#include "elf_fixture.h"
#include "ldcache.h"
#include "util.h"

/* a folder of its own: a cache file that is not there */
static int setup(void **state)
{
	(void)state;
	return fixture_setup("test_ldcache", 0);
}

static const char *host_cache_abi(void)
{
	struct utsname u;

	uname(&u);
	if (!strcmp(u.machine, "x86_64"))
		return "(libc6,x86-64)";
	if (!strcmp(u.machine, "aarch64"))
		return "(libc6,AArch64)";
	return NULL;
}

static void test_ld_cache_vs_ldconfig(void **state)
{
	const char *abi = host_cache_abi();
	unsigned machine = EM_X86_64;
	struct ld_cache *c;
	char err[256], *out, *line, *save = NULL;
	static char seen[1024][64];
	const char *l32, *l64;
	size_t nseen = 0, checked = 0;
	unsigned long total = 0;

	(void)state;
	if (!abi || access("/etc/ld.so.cache", R_OK) != 0) {
		print_message("no /etc/ld.so.cache or not x86_64/aarch64: skipped\n");
		skip();
	}
	if (strstr(abi, "AArch64"))
		machine = EM_AARCH64;
	c = ld_cache_load("/etc/ld.so.cache", err, sizeof(err));
	assert_non_null(c);
	out = capture("PATH=/usr/sbin:/sbin:$PATH ldconfig -p 2>/dev/null");
	assert_int_equal(sscanf(out, "%lu libs found", &total), 1);
	assert_int_equal(ld_cache_count(c), total);
	/* the first entry of each name for our ABI without hwcap: what ld.so takes */
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[256], path[PATH_MAX];
		const char *arrow = strstr(line, " => "), *got;
		size_t i;
		bool dup = false;

		if (!arrow || !strstr(line, abi) || strstr(line, "hwcap"))
			continue;
		if (sscanf(line, " %255s", name) != 1)
			continue;
		strlcpy0(path, arrow + 4, sizeof(path));
		for (i = 0; i < nseen; i++)
			dup |= !strcmp(seen[i], name);
		if (dup || strlen(name) >= 64 || nseen >= 1024)
			continue;
		strlcpy0(seen[nseen++], name, 64);
		got = ld_cache_lookup(c, name, machine, 64);
		assert_non_null(got);
		assert_string_equal(got, path);
		checked++;
	}
	assert_true(checked >= 10);
	/* another ABI's libc (if installed at all) is not ours */
	l64 = ld_cache_lookup(c, "libc.so.6", machine, 64);
	l32 = ld_cache_lookup(c, "libc.so.6", EM_386, 32);
	assert_non_null(l64);
	if (l32)
		assert_string_not_equal(l32, l64);
	assert_null(ld_cache_lookup(c, "libdoes-not-exist.so.9", machine, 64));
	free(out);
	ld_cache_free(c);
	ld_cache_free(NULL);
}

/* A cache built by hand: lookups, ABI flags, hwcap entries, bad offsets, truncation. */
static void test_ld_cache_synthetic(void **state)
{
	unsigned char b[512] = { 0 };
	const char *strs = "liba.so.1\0/x/liba.so.1\0/hw/liba.so.1\0/i386/liba.so.1\0";
	size_t strs_len = 53, strs_off = 48 + 5 * 24, n;
	uint32_t nlibs = 5, v;
	uint64_t hw;
	struct ld_cache *c;
	char err[256];
	int32_t fl;
	size_t i;
	static const struct {
		int32_t flags;
		uint32_t key, value;
		uint64_t hwcap;
	} ent[5] = {
		{ 0x0003, 0, 37, 0 },			/* i386 */
		{ 0x0303, 0, 23, (1ull << 62) | 1 },	/* x86-64, glibc-hwcaps: skipped */
		{ 0x0303, 0, 10, 0 },			/* x86-64 baseline: the answer */
		{ 0x0303, 0, 500, 0 },			/* a value outside the file */
		{ 0x0a03, 1000, 10, 0 },		/* aarch64 with a key outside the file */
	};

	(void)state;
	memcpy(b, "glibc-ld.so.cache1.1", 20);
	memcpy(b + 20, &nlibs, 4);
	v = (uint32_t)strs_len;
	memcpy(b + 24, &v, 4);
	b[28] = 2;	/* little endian */
	for (i = 0; i < 5; i++) {
		unsigned char *e = b + 48 + i * 24;
		uint32_t key = ent[i].key + (uint32_t)strs_off, val = ent[i].value + (uint32_t)strs_off;

		fl = ent[i].flags;
		hw = ent[i].hwcap;
		memcpy(e, &fl, 4);
		memcpy(e + 4, &key, 4);
		memcpy(e + 8, &val, 4);
		memcpy(e + 16, &hw, 8);
	}
	memcpy(b + strs_off, strs, strs_len);
	n = strs_off + strs_len;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	c = ld_cache_parse(b, n, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(ld_cache_count(c), 5);
	assert_string_equal(ld_cache_lookup(c, "liba.so.1", EM_X86_64, 64), "/x/liba.so.1");
	assert_string_equal(ld_cache_lookup(c, "liba.so.1", EM_386, 32), "/i386/liba.so.1");
	assert_null(ld_cache_lookup(c, "liba.so.1", EM_AARCH64, 64));
	assert_null(ld_cache_lookup(c, "libb.so.1", EM_X86_64, 64));
	assert_null(ld_cache_lookup(c, "liba.so.1", EM_MIPS, 32));	/* ABI we do not map */
	ld_cache_free(c);
#endif
	/* every truncation: rejected or safe to query */
	for (i = 0; i < n; i++) {
		c = ld_cache_parse(b, i, err, sizeof(err));
		if (c) {
			ld_cache_lookup(c, "liba.so.1", EM_X86_64, 64);
			ld_cache_free(c);
		} else {
			assert_non_null(strstr(err, "ld.so.cache"));
		}
	}
	/* entries that do not fit, the old format alone, the other byte order */
	nlibs = 1000;
	memcpy(b + 20, &nlibs, 4);
	assert_null(ld_cache_parse(b, n, err, sizeof(err)));
	assert_non_null(strstr(err, "entries"));
	assert_null(ld_cache_parse("ld.so-1.7.0\0\0\0\0\0", 16, err, sizeof(err)));
	nlibs = 5;
	memcpy(b + 20, &nlibs, 4);
	b[28] = 3;
	assert_null(ld_cache_parse(b, n, err, sizeof(err)));
	assert_null(ld_cache_load(tpath("no-such-cache"), err, sizeof(err)));
	assert_non_null(strstr(err, "cannot read"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ld_cache_vs_ldconfig),
		cmocka_unit_test(test_ld_cache_synthetic),
	};

	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
