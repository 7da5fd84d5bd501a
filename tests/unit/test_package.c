/* Unit tests of src/package.c: zips the tests write themselves (libarchive's writer, and bytes
 * patched by hand where a zip must lie), unpacked with every rule: modes, links, traversal,
 * absolute names, links that leave the root or are gone through, bombs, entry counts, layers
 * merged in order, too many layers, no bootstrap. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "package.h"

static char tmpdir[] = "/tmp/test_package.XXXXXX";
static char err[2048];
static const struct pkg_limits lambda = { PKG_MAX_UNZIPPED_BYTES, PKG_MAX_ENTRIES };

/* One entry of a zip the test writes: a file (data), a folder (dir) or a link (target). */
struct ent {
	const char *name;
	unsigned mode;			/* permission bits */
	const char *data;		/* a file's content */
	size_t zeros;			/* ... or this many zero bytes */
	bool dir;
	const char *target;		/* a link's target */
};

/* Write the entries to tmpdir/zipname; returns its path (static buffer of the call). */
static const char *write_zip(const char *zipname, const struct ent *e, size_t n)
{
	static char path[8][512];
	static int k;
	char *p = path[k++ % 8];
	struct archive *a = archive_write_new();

	snprintf(p, 512, "%s/%s", tmpdir, zipname);
	assert_non_null(a);
	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, p), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *ae = archive_entry_new();
		size_t len = e[i].data ? strlen(e[i].data) : e[i].zeros;

		archive_entry_set_pathname(ae, e[i].name);
		if (e[i].target) {
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_symlink(ae, e[i].target);
		} else {
			archive_entry_set_filetype(ae, e[i].dir ? AE_IFDIR : AE_IFREG);
			archive_entry_set_size(ae, e[i].dir ? 0 : (la_int64_t)len);
		}
		archive_entry_set_perm(ae, e[i].mode ? e[i].mode : (e[i].dir ? 0755 : 0644));
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		if (e[i].data) {
			assert_int_equal(archive_write_data(a, e[i].data, len), (la_ssize_t)len);
		} else if (e[i].zeros) {
			static char z[65536];

			for (size_t left = len; left;) {
				size_t m = left < sizeof(z) ? left : sizeof(z);

				assert_int_equal(archive_write_data(a, z, m), (la_ssize_t)m);
				left -= m;
			}
		}
		archive_entry_free(ae);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return p;
}

/* A fresh folder to extract into. */
static const char *fresh_root(const char *name)
{
	static char p[512];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	assert_int_equal(pkg_remove_tree(p), 0);
	assert_int_equal(mkdir(p, 0755), 0);
	return p;
}

static int extract(const char *zip, const char *root, const struct pkg_limits *lim,
		   struct pkg_count *c)
{
	err[0] = '\0';
	return pkg_extract(zip, root, lim, c, err, sizeof(err));
}

static mode_t mode_of(const char *root, const char *name)
{
	char p[1024];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", root, name);
	assert_int_equal(lstat(p, &st), 0);
	return st.st_mode;
}

static void assert_content(const char *root, const char *name, const char *want)
{
	char p[1024], buf[256] = "";
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, name);
	fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return pkg_remove_tree(tmpdir);
}

static void test_is_zip(void **state)
{
	static const struct ent one[] = { { .name = "a", .data = "x" } };
	char p[600];
	FILE *f;

	(void)state;
	assert_true(pkg_is_zip(write_zip("one.zip", one, 1)));
	assert_true(pkg_is_zip(write_zip("empty.zip", NULL, 0)));	/* PK\5\6 */
	snprintf(p, sizeof(p), "%s/script", tmpdir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\necho PK\n", f);
	fclose(f);
	assert_false(pkg_is_zip(p));
	assert_false(pkg_is_zip("/nonexistent/x.zip"));
}

/* Names and link targets, the pure rules. */
static void test_rules(void **state)
{
	(void)state;
	assert_int_equal(pkg_check_name("bootstrap", err, sizeof(err)), 0);
	assert_int_equal(pkg_check_name("lib/./x.so", err, sizeof(err)), 0);
	assert_int_equal(pkg_check_name("a..b/c..", err, sizeof(err)), 0);	/* not ".." */
	assert_int_equal(pkg_check_name("./", err, sizeof(err)), 1);		/* the root: skipped */
	assert_int_equal(pkg_check_name("../evil", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'..' component"));
	assert_int_equal(pkg_check_name("a/../../evil", err, sizeof(err)), -1);
	assert_int_equal(pkg_check_name("a/..", err, sizeof(err)), -1);
	assert_int_equal(pkg_check_name("/etc/passwd", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "absolute name"));
	assert_int_equal(pkg_check_name("", err, sizeof(err)), -1);

	assert_int_equal(pkg_check_link("lib/libx.so", "libx.so.1", err, sizeof(err)), 0);
	assert_int_equal(pkg_check_link("lib/a/l", "../../bin/b", err, sizeof(err)), 0);
	assert_int_equal(pkg_check_link("bootstrap", "./bin/app", err, sizeof(err)), 0);
	assert_int_equal(pkg_check_link("bootstrap", "..", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "outside the package's root"));
	assert_int_equal(pkg_check_link("lib/a/l", "../../../x", err, sizeof(err)), -1);
	/* out and back in still leaves the root on the way */
	assert_int_equal(pkg_check_link("l", "../task/x", err, sizeof(err)), -1);
	assert_int_equal(pkg_check_link("a/l", "b/../../../a", err, sizeof(err)), -1);
	assert_int_equal(pkg_check_link("a/l", "b/../../a", err, sizeof(err)), 0);
	assert_int_equal(pkg_check_link("l", "/etc/shadow", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "absolute path '/etc/shadow'"));
	assert_int_equal(pkg_check_link("l", "", err, sizeof(err)), -1);
}

/* Modes (executable bits), folders, links and content survive; dangerous bits do not. */
static void test_modes_and_links(void **state)
{
	static const struct ent e[] = {
		{ .name = "bootstrap", .mode = 0755, .data = "#!/bin/sh\n" },
		{ .name = "lib/", .dir = true, .mode = 0750 },
		{ .name = "lib/libx.so.1", .mode = 0644, .data = "elf" },
		{ .name = "lib/libx.so", .target = "libx.so.1" },
		{ .name = "bin/app", .mode = 0700, .data = "app" },
		{ .name = "run", .target = "bin/app" },
		{ .name = "suid", .mode = 04755, .data = "s" },
		{ .name = "shared", .mode = 0777, .data = "w" },
		{ .name = "./", .dir = true, .mode = 0700 },
	};
	const char *root = fresh_root("modes");
	struct pkg_count c = { 0 };
	char p[1024], t[64];
	ssize_t n;

	(void)state;
	assert_int_equal(extract(write_zip("modes.zip", e, 9), root, &lambda, &c), 0);
	assert_int_equal(mode_of(root, "bootstrap") & 07777, 0755);
	assert_true(S_ISDIR(mode_of(root, "lib")));
	assert_int_equal(mode_of(root, "lib") & 07777, 0750);
	assert_int_equal(mode_of(root, "bin/app") & 07777, 0700);
	assert_int_equal(mode_of(root, "suid") & 07777, 0755);	/* no setuid */
	assert_int_equal(mode_of(root, "shared") & 07777, 0755);	/* no write for others */
	assert_true(S_ISLNK(mode_of(root, "lib/libx.so")));
	snprintf(p, sizeof(p), "%s/lib/libx.so", root);
	n = readlink(p, t, sizeof(t) - 1);
	assert_int_equal(n, 9);
	t[n] = '\0';
	assert_string_equal(t, "libx.so.1");
	assert_content(root, "run", "app");	/* through the link, inside the root */
	assert_content(root, "lib/libx.so", "elf");
	/* counted: the bytes written (contents and link targets), every entry */
	assert_int_equal(c.bytes, strlen("#!/bin/sh\n") + 3 + 9 + 3 + 7 + 1 + 1);
	assert_int_equal(c.entries, 9);
}

static void expect_refused(const char *zipname, const struct ent *e, size_t n, const char *msg)
{
	const char *root = fresh_root("refused");
	struct pkg_count c = { 0 };

	assert_int_equal(extract(write_zip(zipname, e, n), root, &lambda, &c), -1);
	if (!strstr(err, msg))
		fail_msg("'%s' does not say '%s'", err, msg);
	assert_null(strchr(err, '\n'));
	assert_non_null(strstr(err, zipname));		/* the zip is named */
}

static void test_traversal(void **state)
{
	static const struct ent dotdot[] = {
		{ .name = "bootstrap", .data = "x" },
		{ .name = "../escaped", .data = "gotcha" },
	};
	static const struct ent deep[] = { { .name = "a/b/../../../escaped2", .data = "gotcha" } };
	static const struct ent absolute[] = { { .name = "/tmp/escaped3", .data = "gotcha" } };
	char p[600];

	(void)state;
	expect_refused("dotdot.zip", dotdot, 2, "entry '../escaped' has a '..' component");
	snprintf(p, sizeof(p), "%s/escaped", tmpdir);
	assert_false(exists(p));
	expect_refused("deep.zip", deep, 1, "'..' component");
	expect_refused("absolute.zip", absolute, 1, "entry '/tmp/escaped3' has an absolute name");
	assert_false(exists("/tmp/escaped3"));
}

static void test_link_escapes(void **state)
{
	static const struct ent abs[] = { { .name = "passwd", .target = "/etc/passwd" } };
	static const struct ent rel[] = { { .name = "up", .target = "../.." } };
	/* a link inside the root, then an entry through it: refused all the same */
	static const struct ent through[] = {
		{ .name = "real/", .dir = true },
		{ .name = "alias", .target = "real" },
		{ .name = "alias/file", .data = "x" },
	};
	/* a link out (were it allowed) and a write through it */
	static const struct ent out_and_through[] = {
		{ .name = "lnk", .target = "../../../../../../tmp" },
		{ .name = "lnk/escaped4", .data = "gotcha" },
	};

	(void)state;
	expect_refused("abslink.zip", abs, 1, "points to the absolute path '/etc/passwd'");
	expect_refused("rellink.zip", rel, 1, "points to '../..', outside the package's root");
	expect_refused("through.zip", through, 3,
		       "entry 'alias/file' goes through the symbolic link 'alias'");
	expect_refused("outthrough.zip", out_and_through, 2, "outside the package's root");
	assert_false(exists("/tmp/escaped4"));
}

/* Rewrite the unix mode of every entry in the central directory (the high half of the
 * external attributes) to mode. */
static void patch_modes(const char *zip, unsigned mode)
{
	unsigned char *z;
	struct stat st;
	size_t n = 0;
	FILE *f;

	assert_int_equal(stat(zip, &st), 0);
	z = malloc((size_t)st.st_size);
	assert_non_null(z);
	f = fopen(zip, "r+b");
	assert_non_null(f);
	assert_int_equal(fread(z, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	for (size_t i = 0; i + 46 <= (size_t)st.st_size; i++) {
		if (memcmp(z + i, "PK\1\2", 4))
			continue;
		assert_int_equal(z[i + 5], 3);		/* "made by" unix: the mode is read */
		z[i + 40] = (unsigned char)(mode & 0xff);
		z[i + 41] = (unsigned char)(mode >> 8);
		n++;
	}
	assert_int_equal(n, 1);
	rewind(f);
	assert_int_equal(fwrite(z, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	free(z);
}

/* Devices and sockets (as a zip's unix mode can say) are never made; a FIFO's mode is read
 * as a regular file's (libarchive's reading of Info-ZIP's zip -FI), and made as one. */
static void test_other_types(void **state)
{
	static const struct ent one[] = { { .name = "node", .data = "" } };
	static const unsigned modes[] = { S_IFCHR | 0666, S_IFBLK | 0660, S_IFSOCK | 0644 };
	struct pkg_count c = { 0 };
	const char *zip, *root;
	char p[600];

	(void)state;
	zip = write_zip("node.zip", one, 1);
	root = fresh_root("types");
	patch_modes(zip, S_IFIFO | 0644);
	assert_int_equal(extract(zip, root, &lambda, &c), 0);
	assert_true(S_ISREG(mode_of(root, "node")));
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		zip = write_zip("node.zip", one, 1);
		root = fresh_root("types");
		patch_modes(zip, modes[i]);
		assert_int_equal(extract(zip, root, &lambda, &c), -1);
		assert_non_null(strstr(err, "entry 'node' is not a file, a folder or a symbolic link"));
		snprintf(p, sizeof(p), "%s/node", root);
		assert_false(exists(p));
	}
}

/* Bytes are counted as they are written; the limit is the total of function and layers. */
static void test_bomb(void **state)
{
	static const struct ent bomb[] = {
		{ .name = "bootstrap", .data = "x" },
		{ .name = "zeros", .zeros = 3u << 20 },		/* 3 MiB deflates to a few KiB */
	};
	const struct pkg_limits lim = { 2u << 20, 100 };
	const char *zip = write_zip("bomb.zip", bomb, 2), *root = fresh_root("bomb");
	struct pkg_count c = { 0 };
	struct stat st, zst;
	char p[600];

	(void)state;
	assert_int_equal(stat(zip, &zst), 0);
	assert_true(zst.st_size < (1 << 20));
	assert_int_equal(extract(zip, root, &lim, &c), -1);
	assert_non_null(strstr(err, "pass Lambda's limit of 2097152 bytes (at entry 'zeros'): a zip "
				    "bomb"));
	/* it stopped at the limit: what reached the disk is below it */
	snprintf(p, sizeof(p), "%s/zeros", root);
	assert_int_equal(stat(p, &st), 0);
	assert_true(st.st_size <= (2 << 20));
	/* the same zip within a larger limit, then a second one over the running total */
	root = fresh_root("bomb");
	c = (struct pkg_count){ 0 };
	{
		const struct pkg_limits big = { 5u << 20, 100 };

		assert_int_equal(extract(zip, root, &big, &c), 0);
		assert_int_equal(c.bytes, 1 + (3u << 20));
		assert_int_equal(extract(zip, fresh_root("bomb2"), &big, &c), -1);
		assert_non_null(strstr(err, "the function and its layers pass Lambda's limit"));
	}
}

/* A zip whose headers claim 100 bytes for 3 MiB of data: the real bytes are what count. */
static void test_lying_headers(void **state)
{
	static const struct ent bomb[] = { { .name = "liar", .zeros = 3u << 20 } };
	const char *zip = write_zip("liar.zip", bomb, 1), *root = fresh_root("liar");
	const struct pkg_limits lim = { 1u << 20, 100 };
	struct pkg_count c = { 0 };
	unsigned char *z;
	struct stat st;
	size_t patched = 0;
	FILE *f;

	(void)state;
	assert_int_equal(stat(zip, &st), 0);
	z = malloc((size_t)st.st_size);
	assert_non_null(z);
	f = fopen(zip, "r+b");
	assert_non_null(f);
	assert_int_equal(fread(z, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	/* the uncompressed size: local header at 22, data descriptor at 8, central at 24 */
	for (size_t i = 0; i + 46 <= (size_t)st.st_size; i++) {
		static const unsigned char claim[4] = { 100, 0, 0, 0 };
		size_t at = 0;

		if (!memcmp(z + i, "PK\3\4", 4))
			at = i + 22;
		else if (!memcmp(z + i, "PK\7\10", 4))
			at = i + 12;
		else if (!memcmp(z + i, "PK\1\2", 4))
			at = i + 24;
		if (at && z[at] == 0 && z[at + 1] == 0 && z[at + 2] == 0x30 && z[at + 3] == 0) {
			memcpy(z + at, claim, 4);
			patched++;
		}
	}
	assert_true(patched >= 2);	/* the local and the central header at least */
	rewind(f);
	assert_int_equal(fwrite(z, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	free(z);
	/* the data is read past the claim, and its real bytes stop it at the 1 MiB limit */
	assert_int_equal(extract(zip, root, &lim, &c), -1);
	assert_non_null(strstr(err, "pass Lambda's limit of 1048576 bytes (at entry 'liar')"));
	assert_true(c.bytes > lim.max_bytes);
	/* within a limit above the real size, the whole data is written, not the claimed 100 */
	root = fresh_root("liar");
	c = (struct pkg_count){ 0 };
	{
		const struct pkg_limits big = { 4u << 20, 100 };
		char p[600];

		assert_int_equal(extract(zip, root, &big, &c), 0);
		assert_int_equal(c.bytes, 3u << 20);
		snprintf(p, sizeof(p), "%s/liar", root);
		assert_int_equal(stat(p, &st), 0);
		assert_int_equal(st.st_size, 3u << 20);
	}
}

static void test_too_many_entries(void **state)
{
	struct ent e[12];
	char names[12][8];
	const struct pkg_limits lim = { 1u << 20, 11 };
	struct pkg_count c = { 0 };

	(void)state;
	for (int i = 0; i < 12; i++) {
		snprintf(names[i], sizeof(names[i]), "f%d", i);
		e[i] = (struct ent){ .name = names[i] };
	}
	assert_int_equal(extract(write_zip("eleven.zip", e, 11), fresh_root("many"), &lim, &c), 0);
	c = (struct pkg_count){ 0 };
	assert_int_equal(extract(write_zip("twelve.zip", e, 12), fresh_root("many"), &lim, &c), -1);
	assert_non_null(strstr(err, "hold more than 11 entries"));
}

/* Layers merge in order into /opt, a later one's file replacing an earlier one's. */
static void test_package_layers(void **state)
{
	static const struct ent fn[] = {
		{ .name = "bootstrap", .mode = 0755, .data = "#!/bin/sh\n" },
		{ .name = "handler.sh", .data = "echo hi\n" },
	};
	static const struct ent l1[] = {
		{ .name = "lib/", .dir = true },
		{ .name = "lib/one", .data = "layer1" },
		{ .name = "common", .data = "from layer 1" },
		{ .name = "link", .target = "common" },
	};
	static const struct ent l2[] = {
		{ .name = "lib/two", .data = "layer2" },
		{ .name = "common", .data = "from layer 2" },
		{ .name = "link", .data = "a file now" },
	};
	const char *layers[2];
	struct package p;
	char dir[PATH_MAX];
	struct stat st;

	(void)state;
	layers[0] = write_zip("l1.zip", l1, 4);
	layers[1] = write_zip("l2.zip", l2, 3);
	assert_int_equal(package_open(&p, write_zip("fn.zip", fn, 2), layers, 2, &lambda, tmpdir, err,
				      sizeof(err)), 0);
	assert_string_equal(p.bootstrap_in, "/var/task/bootstrap");
	assert_int_equal(stat(p.dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(mode_of(p.task_root, "bootstrap") & 07777, 0755);
	assert_content(p.task_root, "handler.sh", "echo hi\n");
	assert_content(p.layer_root, "lib/one", "layer1");
	assert_content(p.layer_root, "lib/two", "layer2");
	assert_content(p.layer_root, "common", "from layer 2");
	assert_true(S_ISREG(mode_of(p.layer_root, "link")));
	assert_content(p.layer_root, "link", "a file now");
	assert_int_equal(p.count.entries, 2 + 4 + 3);
	strcpy(dir, p.dir);
	package_remove(&p);
	assert_false(exists(dir));	/* nothing left */
}

static void test_package_refusals(void **state)
{
	static const struct ent nobs[] = { { .name = "index.js", .data = "x" } };
	static const struct ent notexec[] = { { .name = "bootstrap", .mode = 0644, .data = "x" } };
	static const struct ent bsdir[] = { { .name = "bootstrap/", .dir = true } };
	static const struct ent inlayer[] = { { .name = "bootstrap", .mode = 0755, .data = "x" } };
	const char *six[6], *lay[1];
	struct package p;
	char left[PATH_MAX + 32];

	(void)state;
	assert_int_equal(package_open(&p, write_zip("nobs.zip", nobs, 1), NULL, 0, &lambda, tmpdir,
				      err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nobs.zip has no bootstrap at its root"));
	assert_int_equal(package_open(&p, write_zip("notexec.zip", notexec, 1), NULL, 0, &lambda,
				      tmpdir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/var/task/bootstrap is not executable"));
	assert_int_equal(package_open(&p, write_zip("bsdir.zip", bsdir, 1), NULL, 0, &lambda, tmpdir,
				      err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a regular file"));
	/* a runtime in a layer is /opt/bootstrap, as Lambda finds it */
	lay[0] = write_zip("rt-layer.zip", inlayer, 1);
	assert_int_equal(package_open(&p, write_zip("nobs.zip", nobs, 1), lay, 1, &lambda, tmpdir,
				      err, sizeof(err)), 0);
	assert_string_equal(p.bootstrap_in, "/opt/bootstrap");
	package_remove(&p);
	for (int i = 0; i < 6; i++)
		six[i] = lay[0];
	assert_int_equal(package_open(&p, write_zip("nobs.zip", nobs, 1), six, 6, &lambda, tmpdir,
				      err, sizeof(err)), -1);
	assert_string_equal(err, "6 layers: Lambda allows at most 5 per function");
	/* a refusal leaves no folder behind */
	snprintf(left, sizeof(left), "ls -d %s/profiler-task-* >/dev/null 2>&1", tmpdir);
	/* (named for this process: profiler-task-PID-XXXXXX) */
	assert_int_not_equal(system(left), 0);
}

static void test_not_a_zip(void **state)
{
	struct pkg_count c = { 0 };
	char p[600];
	FILE *f;

	(void)state;
	snprintf(p, sizeof(p), "%s/trunc.zip", tmpdir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("PK\3\4 truncated", f);
	fclose(f);
	assert_int_equal(extract(p, fresh_root("trunc"), &lambda, &c), -1);
	assert_non_null(strstr(err, "trunc.zip: "));
	assert_int_equal(extract("/nonexistent.zip", fresh_root("trunc"), &lambda, &c), -1);
	assert_non_null(strstr(err, "/nonexistent.zip: "));
}

static bool fake_alive(pid_t pid)
{
	return pid == 100;	/* only profiler 100 runs */
}

/* The folders a SIGKILLed profiler left, told by their names and removed; no other. */
static void test_sweep_stale(void **state)
{
	static const char *const made[] = {
		"profiler-task-200-abcdef", "profiler-sandbox-200-ABC123",	/* stale */
		"profiler-task-100-abcdef",					/* its profiler runs */
		"profiler-task-300-abcdef",					/* self: stale too */
		"profiler-task-200-abc", "profiler-task-0200-abcdef",		/* not our names */
		"profiler-logs-abcdef", "profiler-task-x-abcdef",
	};
	char dir[PATH_MAX], p[PATH_MAX + 64], out[512];
	pid_t pid;

	(void)state;
	assert_int_equal(pkg_parse_dir_name("profiler-task-1234-a1B2c3", &pid), 0);
	assert_int_equal(pid, 1234);
	assert_int_equal(pkg_parse_dir_name("profiler-sandbox-7-zzzzzz", &pid), 0);
	assert_int_equal(pid, 7);
	assert_int_equal(pkg_parse_dir_name("profiler-task--abcdef", &pid), -1);
	assert_int_equal(pkg_parse_dir_name("profiler-task-0-abcdef", &pid), -1);
	assert_int_equal(pkg_parse_dir_name("profiler-task-99999999999-abcdef", &pid), -1);
	snprintf(dir, sizeof(dir), "%s/sweep", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, made[i]);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	/* with content, a read-only folder and a link out among it */
	snprintf(p, sizeof(p), "%s/profiler-task-200-abcdef/ro", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/profiler-task-200-abcdef/ro/f", dir);
	fclose(fopen(p, "w"));
	snprintf(p, sizeof(p), "%s/profiler-task-200-abcdef/ro", dir);
	chmod(p, 0555);
	snprintf(p, sizeof(p), "%s/profiler-task-200-abcdef/out", dir);
	assert_int_equal(symlink(tmpdir, p), 0);
	/* a file of the name is not a folder: left */
	snprintf(p, sizeof(p), "%s/profiler-sandbox-400-fffff1", dir);
	fclose(fopen(p, "w"));

	assert_int_equal(pkg_sweep_stale(dir, 300, fake_alive, out, sizeof(out)), 3);
	assert_non_null(strstr(out, "profiler-task-200-abcdef"));
	assert_non_null(strstr(out, "profiler-sandbox-200-ABC123"));
	assert_non_null(strstr(out, "profiler-task-300-abcdef"));
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, made[i]);
		assert_int_equal(exists(p), i >= 2 && i != 3);
	}
	snprintf(p, sizeof(p), "%s/profiler-sandbox-400-fffff1", dir);
	assert_true(exists(p));
	assert_true(exists(tmpdir));	/* the link was not followed */
	assert_int_equal(pkg_remove_tree(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_zip),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_modes_and_links),
		cmocka_unit_test(test_traversal),
		cmocka_unit_test(test_link_escapes),
		cmocka_unit_test(test_other_types),
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_lying_headers),
		cmocka_unit_test(test_too_many_entries),
		cmocka_unit_test(test_package_layers),
		cmocka_unit_test(test_package_refusals),
		cmocka_unit_test(test_not_a_zip),
		cmocka_unit_test(test_sweep_stale),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
