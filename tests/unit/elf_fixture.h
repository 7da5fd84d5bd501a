/* Shared by the unit tests of the ELF inspector, the library search and the deflated size: a
 * folder of the test's own under /tmp, small programs built in it at run time with cc (static,
 * dynamic, stripped, with debug info, with DT_RPATH / DT_RUNPATH and $ORIGIN), and helpers to
 * run a command and to write and read files. Include after cmocka.h. */
#ifndef ELF_FIXTURE_H
#define ELF_FIXTURE_H
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "util.h"

static char tmpdir[PATH_MAX];
static bool have_static, have_tmpdir;

/* ------------------------------------------------------------------------ */
/* helpers                                                                    */

static __attribute__((unused)) char *tpath(const char *name)
{
	static char buf[8][PATH_MAX];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
	return buf[k];
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static __attribute__((unused)) int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return rc == -1 ? -1 : WEXITSTATUS(rc);
}

/* Output of a shell command (malloc'd, NUL-terminated). */
static char *capture(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static __attribute__((unused)) char *capture(const char *fmt, ...)
{
	char cmd[4096];
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	va_list ap;
	FILE *p;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_non_null(buf);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (len + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	pclose(p);
	buf[len] = '\0';
	return buf;
}

static __attribute__((unused)) void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static __attribute__((unused)) unsigned char *slurp(const char *path, size_t *len)
{
	char *b = read_file_all(path, 256u << 20, len);

	assert_non_null(b);
	return (unsigned char *)b;
}

static __attribute__((unused)) uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* ------------------------------------------------------------------------ */
/* fixtures: programs built for the tests                                     */

static const char main_c[] =
	"#include <stdio.h>\n"
	"int counter = 3;\n"
	"static char big[4096];\n"
	"int main(int argc, char **argv) { big[argc] = 1; printf(\"%d %s\\n\", counter + big[1], argv[0]); return 0; }\n";
static const char foo_c[] = "int foo(void) { return 7; }\n";
static const char usefoo_c[] = "int foo(void);\nint main(void) { return foo() == 7 ? 0 : 1; }\n";
/* a library named like a system one: RPATH / RUNPATH must win over the cache */
static const char fakez_c[] = "int zlibVersion_fake(void) { return 1; }\n";
static const char usefakez_c[] = "int zlibVersion_fake(void);\nint main(void) { return zlibVersion_fake(); }\n";

/* What fixture_setup builds in the folder (paths relative to it). */
#define FX_DYN		(1u << 0)	/* dyn: a small dynamic program (main.c) */
#define FX_DEBUG	(1u << 1)	/* dyn_g (built with -g) and dyn_stripped; needs FX_DYN */
#define FX_LIBS		(1u << 2)	/* lib/libfoo.so.1, lib2/libz.so.1 and the programs that
					 * need them: rpath, runpath, norpath, sub/upfoo, shadowz */
#define FX_STATIC	(1u << 3)	/* static, static_stripped: only where the static libc is
					 * installed (have_static) */

/* Make /tmp/NAME-XXXXXX and build what is asked there. 0, or -1 (the group setup fails). */
static __attribute__((unused)) int fixture_setup(const char *name, unsigned what)
{
	char cmd[3072] = "";
	char *libc_a;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/%s-XXXXXX", name);
	if (!mkdtemp(tmpdir))
		return -1;
	have_tmpdir = true;
	write_file(tpath("main.c"), main_c, strlen(main_c));
	write_file(tpath("foo.c"), foo_c, strlen(foo_c));
	write_file(tpath("usefoo.c"), usefoo_c, strlen(usefoo_c));
	write_file(tpath("fakez.c"), fakez_c, strlen(fakez_c));
	write_file(tpath("usefakez.c"), usefakez_c, strlen(usefakez_c));
	strcat(cmd, "mkdir -p lib lib2 sub");
	if (what & FX_DYN)
		strcat(cmd, " && cc -O1 -o dyn main.c");
	if (what & FX_DEBUG)
		strcat(cmd, " && cc -O1 -g -o dyn_g main.c && strip -o dyn_stripped dyn");
	if (what & FX_LIBS)
		strcat(cmd, " && "
		       "cc -shared -fPIC -Wl,-soname,libfoo.so.1 -o lib/libfoo.so.1 foo.c && "
		       "cc -shared -fPIC -Wl,-soname,libz.so.1 -o lib2/libz.so.1 fakez.c && "
		       "cc -o rpath usefoo.c lib/libfoo.so.1 -Wl,--disable-new-dtags '-Wl,-rpath,$ORIGIN/lib' && "
		       "cc -o runpath usefoo.c lib/libfoo.so.1 -Wl,--enable-new-dtags '-Wl,-rpath,${ORIGIN}/lib' && "
		       "cc -o norpath usefoo.c lib/libfoo.so.1 && "
		       "cc -o sub/upfoo usefoo.c lib/libfoo.so.1 -Wl,--disable-new-dtags '-Wl,-rpath,/nonexistent:$ORIGIN/../lib' && "
		       "cc -o shadowz usefakez.c lib2/libz.so.1 -Wl,--enable-new-dtags '-Wl,-rpath,$ORIGIN/lib2'");
	if (sh("(cd %s && %s) >/dev/null 2>&1", tmpdir, cmd) != 0)
		return -1;
	if (!(what & FX_STATIC))
		return 0;
	/* static only where the static libc is installed */
	libc_a = capture("cc -print-file-name=libc.a 2>/dev/null");
	have_static = libc_a[0] == '/';
	free(libc_a);
	if (have_static && sh("cd %s && cc -O1 -static -o static main.c >/dev/null 2>&1 && "
			      "strip -o static_stripped static", tmpdir) != 0)
		return -1;
	return 0;
}

static __attribute__((unused)) int fixture_teardown(void **state)
{
	(void)state;
	if (have_tmpdir)
		sh("rm -rf '%s'", tmpdir);
	return 0;
}
#endif
