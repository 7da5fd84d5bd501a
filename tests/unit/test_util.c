/* Unit tests of src/util.c: the clocks, strlcpy0, text_line_col, read_file_all and
 * write_file_atomic (on files of the test's own in a fresh folder under /tmp). */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "util.h"
#include "test_helpers.h"

static char tmpdir[64];
static bool have_tmpdir;

static const char *tpath(const char *name)
{
	static char buf[4][PATH_MAX];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
	return buf[k];
}

/* A file of len bytes: byte i is (i * 7 + 1) & 0xff, so a NUL now and then too. */
static const char *make_file(const char *name, size_t len)
{
	const char *path = tpath(name);
	FILE *f = fopen(path, "wb");
	size_t i;

	assert_non_null(f);
	for (i = 0; i < len; i++)
		assert_int_not_equal(fputc((int)((i * 7 + 1) & 0xff), f), EOF);
	assert_int_equal(fclose(f), 0);
	return path;
}

static int setup(void **state)
{
	(void)state;
	if (test_tmpdir_make(tmpdir, sizeof(tmpdir), "test_util"))
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
/* clocks                                                                     */

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	assert_int_equal(clock_gettime(id, &ts), 0);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void test_mono_ns(void **state)
{
	struct timespec two_ms = { 0, 2000000 };
	uint64_t a, m, b, prev;
	int i;

	(void)state;
	/* CLOCK_MONOTONIC itself: read between two direct readings of it */
	a = clock_ns(CLOCK_MONOTONIC);
	m = mono_ns();
	b = clock_ns(CLOCK_MONOTONIC);
	assert_true(a <= m && m <= b);
	/* never goes back */
	prev = mono_ns();
	for (i = 0; i < 100000; i++) {
		uint64_t now = mono_ns();

		assert_true(now >= prev);
		prev = now;
	}
	/* and moves on by at least a sleep's length (nanosleep sleeps at least that long) */
	a = mono_ns();
	assert_int_equal(nanosleep(&two_ms, NULL), 0);
	b = mono_ns();
	assert_true(b - a >= 2000000);
}

/* Bracketed by CLOCK_REALTIME itself: time() may read the coarse clock, a tick behind, and
 * then sees a second boundary later than epoch_s does. */
static void test_epoch_s(void **state)
{
	struct timespec a, b;
	int64_t s;

	(void)state;
	clock_gettime(CLOCK_REALTIME, &a);
	s = epoch_s();
	clock_gettime(CLOCK_REALTIME, &b);
	assert_true((int64_t)a.tv_sec <= s && s <= (int64_t)b.tv_sec);
}

/* ------------------------------------------------------------------------ */
/* strlcpy0                                                                   */

static void test_strlcpy0(void **state)
{
	char buf[16];

	(void)state;
	/* fits: copied whole, nothing written past the NUL */
	memset(buf, 'X', sizeof(buf));
	strlcpy0(buf, "hello", sizeof(buf));
	assert_string_equal(buf, "hello");
	assert_int_equal(buf[6], 'X');
	/* exactly fits: n = length + 1 */
	memset(buf, 'X', sizeof(buf));
	strlcpy0(buf, "hello", 6);
	assert_string_equal(buf, "hello");
	assert_int_equal(buf[6], 'X');
	/* truncated to n - 1 bytes and NUL-terminated, nothing written at dst[n] or after */
	memset(buf, 'X', sizeof(buf));
	strlcpy0(buf, "hello", 5);
	assert_string_equal(buf, "hell");
	assert_int_equal(buf[5], 'X');
	memset(buf, 'X', sizeof(buf));
	strlcpy0(buf, "hello", 3);
	assert_string_equal(buf, "he");
	assert_int_equal(buf[3], 'X');
	/* n == 1: room for the NUL only */
	memset(buf, 'X', sizeof(buf));
	strlcpy0(buf, "hello", 1);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'X');
	/* n == 0: nothing written at all */
	memset(buf, 'X', sizeof(buf));
	strlcpy0(buf, "hello", 0);
	assert_int_equal(buf[0], 'X');
	/* empty and NULL sources give "" */
	memset(buf, 'X', sizeof(buf));
	strlcpy0(buf, "", sizeof(buf));
	assert_string_equal(buf, "");
	memset(buf, 'X', sizeof(buf));
	strlcpy0(buf, NULL, sizeof(buf));
	assert_string_equal(buf, "");
	assert_int_equal(buf[1], 'X');
	/* a source without a NUL within n - 1 bytes is read no further */
	{
		const char src[4] = { 'a', 'b', 'c', 'd' };

		strlcpy0(buf, src, 4);
		assert_string_equal(buf, "abc");
	}
}

/* ------------------------------------------------------------------------ */
/* text_line_col                                                              */

static void check_pos(const char *text, size_t off, size_t want_line, size_t want_col)
{
	size_t line = 0, col = 0;

	text_line_col(text, off, &line, &col);
	assert_int_equal(line, want_line);
	assert_int_equal(col, want_col);
}

static void test_text_line_col(void **state)
{
	/* a b \n c d \n \n e f */
	static const char t[] = "ab\ncd\n\nef";

	(void)state;
	check_pos(t, 0, 1, 1);			/* the start */
	check_pos(t, 1, 1, 2);			/* the middle of line 1 */
	check_pos(t, 2, 1, 3);			/* its newline belongs to it */
	check_pos(t, 3, 2, 1);			/* just after a newline */
	check_pos(t, 4, 2, 2);
	check_pos(t, 6, 3, 1);			/* an empty line */
	check_pos(t, 7, 4, 1);			/* after two newlines in a row */
	check_pos(t, strlen(t), 4, 3);		/* the end: just past the last byte */
	check_pos("", 0, 1, 1);			/* empty text */
	check_pos("abc\n", 4, 2, 1);		/* the end, just after a final newline */
}

/* ------------------------------------------------------------------------ */
/* read_file_all                                                              */

/* buf holds exactly the len bytes make_file wrote, then a NUL. */
static void check_content(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		assert_int_equal((unsigned char)buf[i], (i * 7 + 1) & 0xff);
	assert_int_equal(buf[len], '\0');
}

static void test_read_whole_file(void **state)
{
	static const size_t sizes[] = { 0, 1, 100, 4095, 4096, 4097, 100000 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		const char *path = make_file("whole", sizes[i]);
		size_t len = 12345;
		char *buf;

		/* well under the limit: read whole, through every buffer growth */
		buf = read_file_all(path, 1u << 20, &len);
		assert_non_null(buf);
		assert_int_equal(len, sizes[i]);
		check_content(buf, len);
		free(buf);
		/* the length out-parameter may be NULL */
		buf = read_file_all(path, 1u << 20, NULL);
		assert_non_null(buf);
		check_content(buf, sizes[i]);
		free(buf);
	}
}

/* The limit: a file of at most max bytes is read, one byte more gives EFBIG, at every
 * size around the buffer's growth steps. */
static void test_read_max(void **state)
{
	static const size_t sizes[] = { 1, 10, 4095, 4096, 4097, 10000 };
	size_t i, len;
	char *buf;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i], len = 12345;
		const char *path = make_file("max", n);
		char *buf;

		buf = read_file_all(path, n, &len);		/* max == the file's size: read */
		assert_non_null(buf);
		assert_int_equal(len, n);
		check_content(buf, n);
		free(buf);
		buf = read_file_all(path, n + 1, &len);		/* room to spare */
		assert_non_null(buf);
		assert_int_equal(len, n);
		free(buf);
		len = 12345;
		errno = 0;
		assert_null(read_file_all(path, n - 1, &len));	/* one byte over */
		assert_int_equal(errno, EFBIG);
		assert_int_equal(len, 12345);			/* untouched on failure */
		errno = 0;
		assert_null(read_file_all(path, n / 2, &len));	/* well over */
		assert_int_equal(errno, EFBIG);
	}
	/* max 0: an empty file is read, a byte is too much */
	buf = read_file_all(make_file("empty", 0), 0, &len);
	assert_non_null(buf);
	assert_int_equal(len, 0);
	assert_int_equal(buf[0], '\0');
	free(buf);
	errno = 0;
	assert_null(read_file_all(make_file("one", 1), 0, NULL));
	assert_int_equal(errno, EFBIG);
}

static void test_read_errors(void **state)
{
	size_t len = 12345;

	(void)state;
	errno = 0;
	assert_null(read_file_all(tpath("no-such-file"), 1u << 20, &len));
	assert_int_equal(errno, ENOENT);
	assert_int_equal(len, 12345);
	errno = 0;
	assert_null(read_file_all(tpath("no-such-dir/file"), 1u << 20, &len));
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_null(read_file_all(tmpdir, 1u << 20, &len));
	assert_int_equal(errno, EISDIR);
	assert_int_equal(len, 12345);
}

/* ------------------------------------------------------------------------ */
/* atomic write                                                               */

/* Entries of dir other than . and .. */
static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* A fresh empty folder below the test's own; malloc'd path. */
static char *fresh_dir(const char *name)
{
	char *dir = strdup(tpath(name));

	assert_non_null(dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	return dir;
}

static void assert_file_is(const char *path, const char *want)
{
	size_t len;
	char *back = read_file_all(path, 1 << 20, &len);

	assert_non_null(back);
	assert_int_equal(len, strlen(want));
	assert_string_equal(back, want);
	free(back);
}

/* It writes, it replaces, mode 0644, nothing left beside the file. */
static void test_write_file_atomic(void **state)
{
	char *dir = fresh_dir("atomic"), path[PATH_MAX], missing[PATH_MAX];
	const char *data = "{\"a\": 1}\n";
	struct stat st;
	mode_t old;

	(void)state;
	snprintf(path, sizeof(path), "%s/out.json", dir);
	assert_int_equal(write_file_atomic(path, data, strlen(data)), 0);
	assert_file_is(path, data);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(count_entries(dir), 1);	/* no temp file left */

	/* replacing an existing file, with something shorter; whatever the umask, and whatever
	 * the mode of the file it replaces, the new one is 0644 */
	assert_int_equal(chmod(path, 0600), 0);
	old = umask(077);
	assert_int_equal(write_file_atomic(path, "x", 1), 0);
	umask(old);
	assert_file_is(path, "x");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(write_file_atomic(path, NULL, 0), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(count_entries(dir), 1);

	/* a missing directory */
	snprintf(missing, sizeof(missing), "%s/nope/out.json", dir);
	assert_int_equal(write_file_atomic(missing, data, strlen(data)), -ENOENT);
	assert_int_equal(count_entries(dir), 1);

	/* the target is a directory: rename fails, the temp file goes away */
	snprintf(missing, sizeof(missing), "%s/sub", dir);
	assert_int_equal(mkdir(missing, 0755), 0);
	assert_true(write_file_atomic(missing, data, strlen(data)) < 0);
	assert_int_equal(count_entries(dir), 2);
	assert_int_equal(rmdir(missing), 0);

	assert_int_equal(write_file_atomic(NULL, data, 1), -EINVAL);
	assert_int_equal(write_file_atomic("", data, 1), -EINVAL);
	assert_int_equal(write_file_atomic(path, NULL, 1), -EINVAL);
	free(dir);
}

/* A write that fails half-way (the file size limit: EFBIG) leaves the old file as it was and
 * no temporary file. */
static void test_write_file_atomic_failed_write(void **state)
{
	char *dir = fresh_dir("atomic-fail"), path[PATH_MAX], big[8192];
	struct rlimit saved, lim;
	void (*prev)(int);
	int ret;

	(void)state;
	snprintf(path, sizeof(path), "%s/keep.json", dir);
	assert_int_equal(write_file_atomic(path, "old\n", 4), 0);
	memset(big, 'n', sizeof(big));
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	lim = saved;
	lim.rlim_cur = 1024;
	prev = signal(SIGXFSZ, SIG_IGN);	/* the write then fails with EFBIG */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	ret = write_file_atomic(path, big, sizeof(big));
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, prev);
	assert_int_equal(ret, -EFBIG);
	assert_file_is(path, "old\n");
	assert_int_equal(count_entries(dir), 1);
	free(dir);
}

/* A path with no folder in it is written in the current one, and that folder (".") is the one
 * synced: the call succeeds there as anywhere. */
static void test_write_file_atomic_relative(void **state)
{
	char *dir = fresh_dir("atomic-rel"), cwd[PATH_MAX], path[PATH_MAX];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(write_file_atomic("rel.json", "r\n", 2), 0);
	assert_int_equal(chdir(cwd), 0);
	snprintf(path, sizeof(path), "%s/rel.json", dir);
	assert_file_is(path, "r\n");
	assert_int_equal(count_entries(dir), 1);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mono_ns),
		cmocka_unit_test(test_epoch_s),
		cmocka_unit_test(test_strlcpy0),
		cmocka_unit_test(test_text_line_col),
		cmocka_unit_test(test_read_whole_file),
		cmocka_unit_test(test_read_max),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_write_file_atomic),
		cmocka_unit_test(test_write_file_atomic_failed_write),
		cmocka_unit_test(test_write_file_atomic_relative),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
