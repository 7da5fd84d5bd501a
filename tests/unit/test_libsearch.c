/* Unit tests of src/libsearch.c. Small programs are built at run time with cc (elf_fixture.h:
 * with DT_RPATH / DT_RUNPATH and $ORIGIN, a library named like a system one, one whose library
 * is not found) and the load set is checked against ldd (the real loader), the default
 * directories against ld.so --help. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "elf_fixture.h"
#include "elf_info.h"
#include "libsearch.h"

static int setup(void **state)
{
	(void)state;
	return fixture_setup("test_libsearch", FX_DYN | FX_LIBS | FX_STATIC);
}

/* ------------------------------------------------------------------------ */
/* scripts                                                                    */

/* the interpreter of a shell script is a dynamic ELF on this host: it and what it loads */
static void test_script_loadset(void **state)
{
	static const char text[] = "#!/bin/sh\necho hi\n";
	struct elf_loadset ls = { 0 };
	struct elf_search s = { .ld_cache = "/etc/ld.so.cache" };
	int k;

	(void)state;
	write_file(tpath("script"), text, strlen(text));
	assert_int_equal(elf_loadset_add(&ls, tpath("script"), -1, &s), 0);
	k = elf_loadset_add(&ls, "/bin/sh", 0, &s);
	assert_int_equal(k, 1);
	assert_int_equal(ls.objs[1].kind, ELF_OBJ_EXEC);
	assert_non_null(ls.objs[1].path);
	assert_true(ls.objs[1].facts.is_elf);
	assert_true(ls.objs[1].size_bytes > 0);
	assert_true(ls.n > 2);
	assert_int_equal(ls.n_missing, 0);
	assert_true(ls.total_bytes > ls.objs[0].size_bytes + ls.objs[1].size_bytes);
	/* a missing interpreter is listed as missing, not an error */
	k = elf_loadset_add(&ls, "/nonexistent/interp", 0, &s);
	assert_true(k > 1);
	assert_null(ls.objs[k].path);
	assert_int_equal(ls.n_missing, 1);
	elf_loadset_free(&ls);
	elf_loadset_free(NULL);
}

/* The default directories are the loader's own "system search path". */
static void test_default_dirs_vs_ld_so(void **state)
{
	struct elf_facts f;
	const char *const *dirs;
	char err[256], *out, *line, *save = NULL;
	size_t k = 0;

	(void)state;
	assert_int_equal(elf_inspect(tpath("dyn"), &f, err, sizeof(err)), 0);
	out = capture("'%s' --help 2>/dev/null", f.interpreter);
	if (!strstr(out, "(system search path)")) {
		free(out);
		print_message("%s --help does not list its search path (glibc < 2.33): skipped\n",
			      f.interpreter);
		skip();
	}
	dirs = elf_default_dirs(f.machine, f.elf_class);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char dir[PATH_MAX];

		if (!strstr(line, "(system search path)") || sscanf(line, " %4095s", dir) != 1)
			continue;
		assert_non_null(dirs[k]);
		assert_string_equal(dirs[k], dir);
		k++;
	}
	assert_true(k >= 2);
	assert_null(dirs[k]);
	free(out);
}

/* ------------------------------------------------------------------------ */
/* the load set against ldd (the real loader)                                 */

static void check_loadset_vs_ldd(const char *name, size_t expect_missing)
{
	const char *path = tpath(name);
	char *out = capture("env -i PATH=/usr/bin:/bin ldd '%s' 2>&1", path);
	struct elf_loadset ls = { 0 };
	struct elf_search s = { .ld_cache = "/etc/ld.so.cache" };
	char *line, *save = NULL;
	size_t i, k = 0, nlib = 0;
	uint64_t total;
	struct stat st;

	assert_int_equal(elf_loadset_add(&ls, path, -1, &s), 0);
	assert_string_equal(ls.cache_err, "");
	assert_int_equal(stat(path, &st), 0);
	total = (uint64_t)st.st_size;
	for (i = 0; i < ls.n; i++)
		nlib += ls.objs[i].kind == ELF_OBJ_NEEDED;
	/* ldd: "name => path (addr)", "name => not found", "/interp (addr)", "vdso (addr)";
	 * in load order */
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char lname[256], lpath[PATH_MAX];
		const struct elf_obj *o;

		if (sscanf(line, " %255s => %4095s", lname, lpath) != 2) {
			/* the interpreter: the same file as ours */
			if (sscanf(line, " %4095s (", lpath) == 1 && lpath[0] == '/') {
				struct stat a, b;

				for (i = 0; i < ls.n && ls.objs[i].kind != ELF_OBJ_INTERP; i++)
					;
				assert_true(i < ls.n);
				assert_int_equal(stat(lpath, &a), 0);
				assert_int_equal(stat(ls.objs[i].path, &b), 0);
				assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
				total += (uint64_t)a.st_size;
			}
			continue;
		}
		/* the k-th library we list is ldd's next one */
		while (k < ls.n && ls.objs[k].kind != ELF_OBJ_NEEDED)
			k++;
		assert_true(k < ls.n);
		o = &ls.objs[k++];
		assert_string_equal(o->name, lname);
		if (!strcmp(lpath, "not")) {
			assert_null(o->path);
		} else {
			char r1[PATH_MAX], r2[PATH_MAX];

			assert_non_null(o->path);
			assert_non_null(realpath(lpath, r1));
			assert_non_null(realpath(o->path, r2));
			assert_string_equal(r1, r2);
			assert_int_equal(stat(lpath, &st), 0);
			assert_int_equal(o->size_bytes, (uint64_t)st.st_size);
			total += (uint64_t)st.st_size;
		}
	}
	while (k < ls.n && ls.objs[k].kind != ELF_OBJ_NEEDED)
		k++;
	assert_int_equal(k, ls.n);	/* nothing we list that ldd does not */
	assert_true(nlib >= 1);
	assert_int_equal(ls.n_missing, expect_missing);
	assert_int_equal(ls.total_bytes, total);
	elf_loadset_free(&ls);
	free(out);
}

static void test_loadset_vs_ldd(void **state)
{
	(void)state;
	check_loadset_vs_ldd("dyn", 0);
	check_loadset_vs_ldd("rpath", 0);	/* DT_RPATH $ORIGIN/lib */
	check_loadset_vs_ldd("runpath", 0);	/* DT_RUNPATH ${ORIGIN}/lib */
	check_loadset_vs_ldd("sub/upfoo", 0);	/* a missing dir first, then $ORIGIN/../lib */
	check_loadset_vs_ldd("shadowz", 0);	/* RUNPATH before ld.so.cache */
	check_loadset_vs_ldd("norpath", 1);	/* libfoo.so.1: not found */
}

static void test_loadset_details(void **state)
{
	struct elf_loadset ls = { 0 };
	struct elf_search s = { .ld_cache = "/etc/ld.so.cache" };
	static const char *const nodirs[] = { NULL };
	char want[PATH_MAX];
	size_t i;
	int found_foo = 0;

	(void)state;
	/* rpath: libfoo.so.1 from $ORIGIN/lib; the interpreter counted once though libc needs it */
	assert_int_equal(elf_loadset_add(&ls, tpath("rpath"), -1, &s), 0);
	snprintf(want, sizeof(want), "%s/lib/libfoo.so.1", tmpdir);
	for (i = 0; i < ls.n; i++) {
		if (ls.objs[i].kind == ELF_OBJ_NEEDED && !strcmp(ls.objs[i].name, "libfoo.so.1")) {
			assert_string_equal(ls.objs[i].path, want);
			assert_int_equal(ls.objs[i].needed_by, 0);
			found_foo++;
		}
		assert_int_equal(ls.objs[i].dup_of, -1);
	}
	assert_int_equal(found_foo, 1);
	assert_int_equal(ls.n_files, ls.n);
	/* the same program again, as a second process: listed again, counted once */
	{
		size_t n1 = ls.n_files;
		uint64_t t1 = ls.total_bytes;

		assert_true(elf_loadset_add(&ls, tpath("rpath"), 0, &s) > 0);
		assert_int_equal(ls.n, 2 * n1);
		assert_int_equal(ls.n_files, n1);
		assert_int_equal(ls.total_bytes, t1);
		for (i = n1; i < ls.n; i++)
			assert_true(ls.objs[i].dup_of >= 0 && (size_t)ls.objs[i].dup_of < n1);
	}
	elf_loadset_free(&ls);
	/* no cache, no default dirs: only the RPATH library is found */
	s.ld_cache = NULL;
	s.dirs = nodirs;
	assert_int_equal(elf_loadset_add(&ls, tpath("rpath"), -1, &s), 0);
	for (i = 0; i < ls.n; i++)
		if (ls.objs[i].kind == ELF_OBJ_NEEDED)
			assert_int_equal(ls.objs[i].path != NULL,
					 !strcmp(ls.objs[i].name, "libfoo.so.1"));
	assert_int_equal(ls.n_missing, 1);	/* libc.so.6 */
	elf_loadset_free(&ls);
	/* LD_LIBRARY_PATH, when asked for, finds what RPATH-less norpath needs */
	s.ld_cache = "/etc/ld.so.cache";
	s.dirs = NULL;
	snprintf(want, sizeof(want), "%s/lib", tmpdir);
	s.ld_library_path = want;
	assert_int_equal(elf_loadset_add(&ls, tpath("norpath"), -1, &s), 0);
	assert_int_equal(ls.n_missing, 0);
	elf_loadset_free(&ls);
	/* a static binary is one file */
	if (have_static) {
		struct stat st;

		assert_int_equal(elf_loadset_add(&ls, tpath("static"), -1, &s), 0);
		assert_int_equal(ls.n, 1);
		assert_int_equal(stat(tpath("static"), &st), 0);
		assert_int_equal(ls.total_bytes, (uint64_t)st.st_size);
		elf_loadset_free(&ls);
	}
	/* a corrupt program: recorded with its error, not followed */
	{
		unsigned char *img;
		size_t len;

		img = slurp(tpath("dyn"), &len);
		write_file(tpath("cut"), img, len / 2);
		free(img);
		assert_int_equal(elf_loadset_add(&ls, tpath("cut"), -1, &s), 0);
		assert_non_null(ls.objs[0].error);
		assert_non_null(strstr(ls.objs[0].error, "invalid or truncated ELF"));
		assert_int_equal(ls.n, 1);
		elf_loadset_free(&ls);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_script_loadset),
		cmocka_unit_test(test_default_dirs_vs_ld_so),
		cmocka_unit_test(test_loadset_vs_ldd),
		cmocka_unit_test(test_loadset_details),
	};

	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
