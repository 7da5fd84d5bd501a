/* Unit tests of src/coldcache.c. Planning runs on folders of the test's own under /tmp: a copy
 * of this test program as the bootstrap (a dynamic ELF), #! scripts, nested folders, symbolic
 * links; the plan is checked against the load set libsearch gives and the files the test made.
 * Eviction runs on the test's own files only, never on a system library: evicting those would
 * slow every other process on the host and could turn another run's warm page cache cold. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <cmocka.h>

#include "coldcache.h"
#include "libsearch.h"
#include "test_helpers.h"

static char tmpdir[64];
static bool have_tmpdir;

static const char *tpath(const char *name)
{
	static char buf[8][PATH_MAX];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
	return buf[k];
}

static void write_file(const char *name, const void *data, size_t len)
{
	FILE *f = fopen(tpath(name), "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void make_dir(const char *name)
{
	assert_int_equal(mkdir(tpath(name), 0755), 0);
}

/* This test program, copied: a dynamic ELF with libraries to find. */
static void copy_self(const char *name)
{
	char cmd[2 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), "cp /proc/self/exe '%s'", tpath(name));
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	if (test_tmpdir_make(tmpdir, sizeof(tmpdir), "test_coldcache"))
		return -1;
	have_tmpdir = true;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return have_tmpdir ? test_tmpdir_remove(tmpdir) : 0;
}

/* ------------------------------------------------------------------------ */
/* the expected plan                                                          */

struct want {
	char *paths[512];
	size_t n;
};

static void want_add(struct want *w, const char *path)
{
	char real[PATH_MAX];
	size_t i;

	assert_non_null(realpath(path, real));
	for (i = 0; i < w->n; i++)
		if (!strcmp(w->paths[i], real))
			return;
	assert_true(w->n < sizeof(w->paths) / sizeof(w->paths[0]));
	w->paths[w->n] = strdup(real);
	assert_non_null(w->paths[w->n]);
	w->n++;
}

/* Every file of bootstrap's load set found, as libsearch gives it (and its #! interpreter's). */
static void want_loadset(struct want *w, const char *bootstrap)
{
	struct elf_search s = { .ld_cache = "/etc/ld.so.cache" };
	struct elf_loadset ls = { 0 };
	char real[PATH_MAX];
	size_t i;

	assert_non_null(realpath(bootstrap, real));
	assert_int_equal(elf_loadset_add(&ls, real, -1, &s), 0);
	if (ls.objs[0].facts.is_script && ls.objs[0].facts.interpreter[0])
		assert_true(elf_loadset_add(&ls, ls.objs[0].facts.interpreter, 0, &s) > 0);
	for (i = 0; i < ls.n; i++)
		if (ls.objs[i].path)
			want_add(w, ls.objs[i].path);
	elf_loadset_free(&ls);
}

static void want_free(struct want *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->paths[i]);
	w->n = 0;
}

static bool plan_has(const struct cold_cache *cc, const char *path)
{
	char real[PATH_MAX];
	size_t i;

	assert_non_null(realpath(path, real));
	for (i = 0; i < cc->n; i++)
		if (!strcmp(cc->paths[i], real))
			return true;
	return false;
}

/* The plan is exactly w: the same files, each once (in any order). */
static void check_plan(const struct cold_cache *cc, const struct want *w)
{
	size_t i, j;

	for (i = 0; i < cc->n; i++) {
		bool found = false;

		assert_non_null(cc->paths[i]);
		assert_true(cc->paths[i][0] == '/');
		for (j = 0; j < i; j++)
			assert_string_not_equal(cc->paths[i], cc->paths[j]);
		for (j = 0; j < w->n && !found; j++)
			found = !strcmp(cc->paths[i], w->paths[j]);
		if (!found)
			fail_msg("unexpected in the plan: %s", cc->paths[i]);
	}
	for (j = 0; j < w->n; j++)
		if (!plan_has(cc, w->paths[j]))
			fail_msg("missing from the plan: %s", w->paths[j]);
	assert_int_equal(cc->n, w->n);
}

/* Regular files under the folder rel of the test's folder, as the test made them. */
static size_t count_under(const struct cold_cache *cc, const char *rel)
{
	char dir[PATH_MAX];
	size_t i, n = 0, l;

	assert_non_null(realpath(tpath(rel), dir));
	l = strlen(dir);
	for (i = 0; i < cc->n; i++)
		n += !strncmp(cc->paths[i], dir, l) && cc->paths[i][l] == '/';
	return n;
}

/* ------------------------------------------------------------------------ */
/* planning                                                                   */

/* A dynamic ELF: itself, its dynamic loader and libraries (the load set), and every regular
 * file under its folder, nested folders too; each file once. */
static void test_plan_elf(void **state)
{
	struct cold_cache cc;
	struct want w = { 0 };
	char err[256] = "";

	(void)state;
	make_dir("app");
	copy_self("app/bootstrap");
	write_file("app/config.json", "{}", 2);
	make_dir("app/lib");
	write_file("app/lib/data.bin", "x", 1);
	write_file("app/lib/empty", "", 0);
	assert_int_equal(cold_cache_plan(tpath("app/bootstrap"), 10000, &cc, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	want_loadset(&w, tpath("app/bootstrap"));
	assert_true(w.n >= 3);		/* the program, ld.so and libc at least */
	want_add(&w, tpath("app/config.json"));
	want_add(&w, tpath("app/lib/data.bin"));
	want_add(&w, tpath("app/lib/empty"));
	check_plan(&cc, &w);
	/* the load set comes first, the program at its head */
	assert_true(plan_has(&cc, tpath("app/bootstrap")));
	assert_int_equal(strcmp(cc.paths[0], w.paths[0]), 0);
	cold_cache_free(&cc);
	assert_int_equal(cc.n, 0);
	assert_null(cc.paths);
	cold_cache_free(&cc);		/* twice: a zeroed struct is accepted */
	cold_cache_free(NULL);
	want_free(&w);
}

/* A #! script: the script, its interpreter and what that loads, the folder's files. A missing
 * interpreter is not an error: there is nothing of it to evict. */
static void test_plan_script(void **state)
{
	static const char sh_script[] = "#!/bin/sh\necho hi\n";
	static const char lost[] = "#!/nonexistent/interp\n";
	struct cold_cache cc;
	struct want w = { 0 };
	char err[256];

	(void)state;
	make_dir("script");
	write_file("script/bootstrap", sh_script, strlen(sh_script));
	write_file("script/handler.sh", "true\n", 5);
	assert_int_equal(cold_cache_plan(tpath("script/bootstrap"), 10000, &cc, err, sizeof(err)), 0);
	assert_true(plan_has(&cc, "/bin/sh"));
	want_loadset(&w, tpath("script/bootstrap"));
	assert_true(w.n >= 3);		/* the script, the shell, its libc at least */
	want_add(&w, tpath("script/handler.sh"));
	check_plan(&cc, &w);
	cold_cache_free(&cc);
	want_free(&w);

	make_dir("lost");
	write_file("lost/bootstrap", lost, strlen(lost));
	assert_int_equal(cold_cache_plan(tpath("lost/bootstrap"), 10000, &cc, err, sizeof(err)), 0);
	want_add(&w, tpath("lost/bootstrap"));
	check_plan(&cc, &w);
	cold_cache_free(&cc);
	want_free(&w);
}

/* Links are not followed in the folder (a link to a file outside it adds nothing, a dangling one
 * is no error); a bootstrap given through a link plans its real folder. */
static void test_plan_links(void **state)
{
	struct cold_cache cc;
	struct want w = { 0 };
	char err[256];

	(void)state;
	make_dir("linked");
	make_dir("linked/real");
	write_file("linked/outside.txt", "out", 3);
	write_file("linked/real/bootstrap", "not a program\n", 14);
	write_file("linked/real/kept", "k", 1);
	assert_int_equal(symlink(tpath("linked/outside.txt"), tpath("linked/real/to-outside")), 0);
	assert_int_equal(symlink(tpath("linked/none"), tpath("linked/real/dangling")), 0);
	assert_int_equal(symlink(tpath("linked/real/bootstrap"), tpath("linked/boot")), 0);
	assert_int_equal(cold_cache_plan(tpath("linked/boot"), 10000, &cc, err, sizeof(err)), 0);
	want_add(&w, tpath("linked/real/bootstrap"));	/* neither ELF nor script: itself only */
	want_add(&w, tpath("linked/real/kept"));
	check_plan(&cc, &w);
	assert_false(plan_has(&cc, tpath("linked/outside.txt")));
	cold_cache_free(&cc);
	want_free(&w);
}

/* Folders are followed 16 levels down, no further. */
static void test_plan_depth(void **state)
{
	struct cold_cache cc;
	struct want w = { 0 };
	char rel[PATH_MAX] = "deep", file[PATH_MAX + 8], err[256];
	int d;

	(void)state;
	make_dir("deep");
	write_file("deep/bootstrap", "data\n", 5);
	want_add(&w, tpath("deep/bootstrap"));
	for (d = 1; d <= 18; d++) {
		size_t l = strlen(rel);

		snprintf(rel + l, sizeof(rel) - l, "/d%d", d);
		make_dir(rel);
		snprintf(file, sizeof(file), "%s/f", rel);
		write_file(file, "f", 1);
		if (d <= 16)
			want_add(&w, tpath(file));
	}
	assert_int_equal(cold_cache_plan(tpath("deep/bootstrap"), 10000, &cc, err, sizeof(err)), 0);
	check_plan(&cc, &w);
	cold_cache_free(&cc);
	want_free(&w);
}

/* max_files bounds the folder's files, never the load set. */
static void test_plan_budget(void **state)
{
	struct cold_cache cc;
	struct want w = { 0 };
	char name[64], err[256];
	size_t n;
	int i;

	(void)state;
	make_dir("many");
	copy_self("many/bootstrap");
	make_dir("many/data");
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "many/data/f%d", i);
		write_file(name, "d", 1);
	}
	/* 0: the load set alone */
	assert_int_equal(cold_cache_plan(tpath("many/bootstrap"), 0, &cc, err, sizeof(err)), 0);
	want_loadset(&w, tpath("many/bootstrap"));
	check_plan(&cc, &w);
	assert_int_equal(count_under(&cc, "many/data"), 0);
	cold_cache_free(&cc);
	/* 3: three files of the folder are visited; the bootstrap (already in the load set) is one
	 * of them when the folder lists it before data/, so 2 or 3 data files */
	assert_int_equal(cold_cache_plan(tpath("many/bootstrap"), 3, &cc, err, sizeof(err)), 0);
	n = count_under(&cc, "many/data");
	assert_true(n == 2 || n == 3);
	assert_int_equal(cc.n, w.n + n);
	cold_cache_free(&cc);
	/* enough for all */
	assert_int_equal(cold_cache_plan(tpath("many/bootstrap"), 11, &cc, err, sizeof(err)), 0);
	assert_int_equal(count_under(&cc, "many/data"), 10);
	assert_int_equal(cc.n, w.n + 10);
	cold_cache_free(&cc);
	want_free(&w);
}

static void test_plan_errors(void **state)
{
	struct cold_cache cc;
	char err[512], want[PATH_MAX + 64];

	(void)state;
	memset(&cc, 0xa5, sizeof(cc));
	err[0] = '\0';
	assert_int_equal(cold_cache_plan(tpath("no-such-bootstrap"), 10, &cc, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "cannot resolve %s: %s", tpath("no-such-bootstrap"),
		 strerror(ENOENT));
	assert_string_equal(err, want);
	assert_int_equal(cc.n, 0);		/* left zeroed: safe to free */
	assert_null(cc.paths);
	cold_cache_free(&cc);
}

/* ------------------------------------------------------------------------ */
/* eviction                                                                   */

/* Whether fadvise(DONTNEED) drops this folder's clean, unmapped pages: on a block filesystem
 * yes; on tmpfs (or ramfs, ...) the page cache is where the file lives and nothing is dropped.
 * Only the block filesystems named here are asserted on. */
static bool drops_clean_pages(const char *dir, const char **fs)
{
	struct statfs sf;

	*fs = "unknown";
	if (statfs(dir, &sf) != 0)
		return false;
	switch ((unsigned long)sf.f_type) {
	case EXT4_SUPER_MAGIC: *fs = "ext4"; return true;
	case XFS_SUPER_MAGIC: *fs = "xfs"; return true;
	case BTRFS_SUPER_MAGIC: *fs = "btrfs"; return true;
	case TMPFS_MAGIC: *fs = "tmpfs"; return false;
	default: return false;
	}
}

static void test_evict(void **state)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *big = calloc(1, 3 * pg + 1);
	struct cold_cache cc = { 0 };
	struct cold_cache_result r;
	const char *fs;
	void *m = MAP_FAILED;
	bool locked = false;
	int fd;

	(void)state;
	assert_non_null(big);
	make_dir("evict");
	write_file("evict/four-pages", big, 3 * pg + 1);	/* 3 pages and 1 byte: 4 pages */
	write_file("evict/one-page", big, pg);
	write_file("evict/empty", "", 0);
	write_file("evict/mapped", big, 2 * pg);
	free(big);
	/* mapped and locked by us: its pages stay, whatever eviction or memory pressure does */
	fd = open(tpath("evict/mapped"), O_RDONLY);
	assert_true(fd >= 0);
	m = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0);
	assert_true(m != MAP_FAILED);
	close(fd);
	/* the system call itself: AddressSanitizer makes mlock() a no-op that returns 0 */
	locked = syscall(SYS_mlock, m, 2 * pg) == 0;	/* RLIMIT_MEMLOCK may forbid it */
	if (!locked)
		print_message("mlock: %s: the mapped file's residency is not asserted\n",
			      strerror(errno));

	cc.cap = 8;
	cc.paths = calloc(cc.cap, sizeof(*cc.paths));
	assert_non_null(cc.paths);
	cc.paths[cc.n++] = strdup(tpath("evict/four-pages"));
	cc.paths[cc.n++] = strdup(tpath("evict/one-page"));
	cc.paths[cc.n++] = strdup(tpath("evict/empty"));
	cc.paths[cc.n++] = strdup(tpath("evict/mapped"));
	cc.paths[cc.n++] = strdup(tpath("evict/gone"));		/* vanished since the plan */
	cc.paths[cc.n++] = strdup(tpath("evict"));		/* not a regular file */
	for (size_t i = 0; i < cc.n; i++)
		assert_non_null(cc.paths[i]);

	memset(&r, 0xa5, sizeof(r));
	cold_cache_evict(&cc, &r);
	assert_int_equal(r.files, 4);			/* the gone one and the folder skipped */
	assert_int_equal(r.pages, 4 + 1 + 0 + 2);
	assert_true(r.resident_before <= r.pages);
	assert_true(r.resident_after <= r.resident_before);
	if (locked) {
		assert_true(r.resident_before >= 2);
		assert_true(r.resident_after >= 2);
	}
	if (drops_clean_pages(tmpdir, &fs)) {
		/* written out by its fsync, then dropped: only what is mapped stays */
		assert_int_equal(r.resident_after, locked ? 2 : 0);
	} else {
		print_message("%s on %s: pages dropped not asserted\n", tmpdir, fs);
	}
	/* nothing to do is no error */
	{
		struct cold_cache none = { 0 };

		cold_cache_evict(&none, &r);
		assert_int_equal(r.files, 0);
		assert_int_equal(r.pages, 0);
		assert_int_equal(r.resident_before, 0);
		assert_int_equal(r.resident_after, 0);
	}
	if (locked)
		syscall(SYS_munlock, m, 2 * pg);
	munmap(m, 2 * pg);
	cold_cache_free(&cc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_elf),
		cmocka_unit_test(test_plan_script),
		cmocka_unit_test(test_plan_links),
		cmocka_unit_test(test_plan_depth),
		cmocka_unit_test(test_plan_budget),
		cmocka_unit_test(test_plan_errors),
		cmocka_unit_test(test_evict),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
