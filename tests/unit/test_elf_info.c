/* Unit tests of src/elf_info.c. Small programs are built at run time with cc (static, dynamic,
 * stripped, with debug info, with DT_RPATH / DT_RUNPATH and $ORIGIN) and the facts elf_info
 * reads are checked against readelf's output, the library resolution against ldd (the real
 * loader), the ld.so.cache reader against ldconfig -p, the default directories against
 * ld.so --help and the deflated size against zlib's compress2. Truncated and mutated (fuzzed)
 * ELF images must give an error or facts, never a crash. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "elf_info.h"
#include "ldcache.h"
#include "libsearch.h"
#include "util.h"
#include "zipsize.h"

static char tmpdir[] = "/tmp/test_elf_info-XXXXXX";
static bool have_static, have_tmpdir;

/* ------------------------------------------------------------------------ */
/* helpers                                                                    */

static char *tpath(const char *name)
{
	static char buf[8][PATH_MAX];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
	return buf[k];
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
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
static char *capture(const char *fmt, ...)
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

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	char *b = read_file_all(path, 256u << 20, len);

	assert_non_null(b);
	return (unsigned char *)b;
}

/* The text between the first "[" and the last "]" of the first line containing key (without
 * a leading "key: "), or NULL. */
static char *bracket_after(const char *text, const char *key, const char **next)
{
	const char *p = strstr(text, key), *o, *c, *eol, *bol;
	char *r;

	if (!p)
		return NULL;
	eol = strchr(p, '\n');
	if (!eol)
		eol = p + strlen(p);
	for (bol = p; bol > text && bol[-1] != '\n'; bol--)
		;
	o = memchr(bol, '[', (size_t)(eol - bol));
	if (o && !strncmp(o + 1, key, strlen(key)) && o[1 + strlen(key)] == ':')
		o += strlen(key) + 2;
	c = eol;
	while (c > p && *c != ']')
		c--;
	if (!o || c <= o)
		return NULL;
	r = strndup(o + 1, (size_t)(c - o - 1));
	assert_non_null(r);
	if (next)
		*next = eol;
	return r;
}

static unsigned machine_from_readelf(const char *m)
{
	if (strstr(m, "X86-64"))
		return EM_X86_64;
	if (strstr(m, "AArch64"))
		return EM_AARCH64;
	if (strstr(m, "80386"))
		return EM_386;
	if (strstr(m, "RISC-V"))
		return EM_RISCV;
	return 0;
}

/* The value after "key:" on its line in readelf -h output (trimmed, malloc'd). */
static char *header_field(const char *text, const char *key)
{
	const char *p = strstr(text, key), *e;

	assert_non_null(p);
	p += strlen(key);
	while (*p == ' ' || *p == ':')
		p++;
	e = strchr(p, '\n');
	return strndup(p, e ? (size_t)(e - p) : strlen(p));
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

static int setup(void **state)
{
	char *libc_a;

	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	have_tmpdir = true;
	write_file(tpath("main.c"), main_c, strlen(main_c));
	write_file(tpath("foo.c"), foo_c, strlen(foo_c));
	write_file(tpath("usefoo.c"), usefoo_c, strlen(usefoo_c));
	write_file(tpath("fakez.c"), fakez_c, strlen(fakez_c));
	write_file(tpath("usefakez.c"), usefakez_c, strlen(usefakez_c));
	if (sh("(cd %s && mkdir -p lib lib2 sub && "
	       "cc -O1 -o dyn main.c && "
	       "cc -O1 -g -o dyn_g main.c && "
	       "strip -o dyn_stripped dyn && "
	       "cc -shared -fPIC -Wl,-soname,libfoo.so.1 -o lib/libfoo.so.1 foo.c && "
	       "cc -shared -fPIC -Wl,-soname,libz.so.1 -o lib2/libz.so.1 fakez.c && "
	       "cc -o rpath usefoo.c lib/libfoo.so.1 -Wl,--disable-new-dtags '-Wl,-rpath,$ORIGIN/lib' && "
	       "cc -o runpath usefoo.c lib/libfoo.so.1 -Wl,--enable-new-dtags '-Wl,-rpath,${ORIGIN}/lib' && "
	       "cc -o norpath usefoo.c lib/libfoo.so.1 && "
	       "cc -o sub/upfoo usefoo.c lib/libfoo.so.1 -Wl,--disable-new-dtags '-Wl,-rpath,/nonexistent:$ORIGIN/../lib' && "
	       "cc -o shadowz usefakez.c lib2/libz.so.1 -Wl,--enable-new-dtags '-Wl,-rpath,$ORIGIN/lib2'"
	       ") >/dev/null 2>&1", tmpdir) != 0)
		return -1;
	/* static only where the static libc is installed */
	libc_a = capture("cc -print-file-name=libc.a 2>/dev/null");
	have_static = libc_a[0] == '/';
	free(libc_a);
	if (have_static && sh("cd %s && cc -O1 -static -o static main.c >/dev/null 2>&1 && "
			      "strip -o static_stripped static", tmpdir) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (have_tmpdir)
		sh("rm -rf '%s'", tmpdir);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* ELF facts against readelf                                                  */

static void check_against_readelf(const char *name)
{
	const char *path = tpath(name);
	char *h = capture("LC_ALL=C readelf -h -W '%s'", path);
	char *l = capture("LC_ALL=C readelf -l -W '%s'", path);
	char *s = capture("LC_ALL=C readelf -S -W '%s'", path);
	char *d = capture("LC_ALL=C readelf -d -W '%s'", path);
	char *cls = header_field(h, "Class"), *mach = header_field(h, "Machine");
	char *type = header_field(h, "Type"), *interp, *v;
	const char *p;
	struct elf_facts f;
	struct elf_dyn dy;
	struct stat st;
	char err[512];
	unsigned dbg = 0;
	size_t k = 0;

	assert_int_equal(elf_inspect_dyn(path, &f, &dy, err, sizeof(err)), 0);
	assert_true(f.is_elf);
	assert_false(f.is_script);
	/* class, machine, type */
	assert_int_equal(f.elf_class, !strcmp(cls, "ELF64") ? 64 : 32);
	assert_int_not_equal(machine_from_readelf(mach), 0);
	assert_int_equal(f.machine, machine_from_readelf(mach));
	assert_int_equal(strncmp(type, elf_type_name(f.elf_type), strlen(elf_type_name(f.elf_type))), 0);
	/* interpreter: static iff readelf shows none */
	interp = bracket_after(l, "Requesting program interpreter", NULL);
	if (interp) {
		assert_false(f.is_static);
		assert_string_equal(f.interpreter, interp);
	} else {
		assert_true(f.is_static);
		assert_string_equal(f.interpreter, "");
	}
	/* symbol table and debug sections */
	assert_int_equal(f.has_symtab, strstr(s, " .symtab ") != NULL);
	assert_int_equal(f.stripped, strstr(s, " .symtab ") == NULL);
	for (p = s; (p = strstr(p, " .debug")); p++)
		dbg++;
	assert_int_equal(f.debug_sections, dbg);
	assert_int_equal(f.has_debug, dbg > 0);
	/* DT_NEEDED in order, and the path strings */
	for (p = d; (v = bracket_after(p, "(NEEDED)", &p)); k++) {
		assert_true(k < dy.n_needed);
		assert_string_equal(dy.needed[k], v);
		free(v);
	}
	assert_int_equal(dy.n_needed, k);
	v = bracket_after(d, "(RPATH)", NULL);
	if (v)
		assert_string_equal(dy.rpath, v);
	else
		assert_null(dy.rpath);
	free(v);
	v = bracket_after(d, "(RUNPATH)", NULL);
	if (v)
		assert_string_equal(dy.runpath, v);
	else
		assert_null(dy.runpath);
	free(v);
	v = bracket_after(d, "(SONAME)", NULL);
	if (v)
		assert_string_equal(dy.soname, v);
	else
		assert_null(dy.soname);
	free(v);
	assert_int_equal(f.has_dynamic, strstr(l, "DYNAMIC") != NULL);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(f.size_bytes, (uint64_t)st.st_size);
	elf_dyn_free(&dy);
	free(interp);
	free(cls);
	free(mach);
	free(type);
	free(h);
	free(l);
	free(s);
	free(d);
}

/* Section groups recomputed from readelf -S -W (type, size, flags) with the same rules. */
static void check_sections_against_readelf(const char *name)
{
	const char *path = tpath(name);
	char *s = capture("LC_ALL=C readelf -S -W '%s'", path);
	struct elf_sections g = { 0 };
	struct elf_facts f;
	char err[512], *line, *save = NULL;
	unsigned n = 0;

	assert_int_equal(elf_inspect(path, &f, err, sizeof(err)), 0);
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *br = strchr(line, ']'), *tok[12], *save2 = NULL, *t;
		const char *flags = "";
		unsigned long long size;
		int nt = 0;

		if (!strstr(line, "  [") || !br || strstr(line, "[Nr]"))
			continue;
		for (t = strtok_r(br + 1, " ", &save2); t && nt < 12; t = strtok_r(NULL, " ", &save2))
			tok[nt++] = t;
		if (nt >= 2 && !strcmp(tok[0], "NULL"))
			continue;
		/* name type addr off size es [flags] lk inf al */
		assert_true(nt == 9 || nt == 10);
		if (nt == 10)
			flags = tok[6];
		size = strtoull(tok[4], NULL, 16);
		n++;
		if (!strncmp(tok[0], ".debug", 6) || !strncmp(tok[0], ".zdebug", 7))
			g.debug += size;
		else if (strchr(flags, 'A')) {
			if (!strcmp(tok[1], "NOBITS"))
				g.bss += size;
			else if (strchr(flags, 'X'))
				g.text += size;
			else if (strchr(flags, 'W'))
				g.data += size;
			else
				g.rodata += size;
		} else if (strcmp(tok[1], "NOBITS")) {
			g.other += size;
		}
	}
	assert_true(n > 10);
	assert_true(f.has_section_headers);
	assert_int_equal(f.sections.text, g.text);
	assert_int_equal(f.sections.rodata, g.rodata);
	assert_int_equal(f.sections.data, g.data);
	assert_int_equal(f.sections.bss, g.bss);
	assert_int_equal(f.sections.debug, g.debug);
	assert_int_equal(f.sections.other, g.other);
	assert_true(f.sections.text > 0 && f.sections.rodata > 0 && f.sections.bss >= 4096);
	free(s);
}

static void test_dynamic_vs_readelf(void **state)
{
	(void)state;
	check_against_readelf("dyn");
	check_against_readelf("dyn_g");
	check_against_readelf("dyn_stripped");
	check_against_readelf("rpath");
	check_against_readelf("runpath");
	check_against_readelf("lib/libfoo.so.1");
}

static void test_dynamic_facts(void **state)
{
	struct elf_facts f, fs, fg;
	char err[512];

	(void)state;
	assert_int_equal(elf_inspect(tpath("dyn"), &f, err, sizeof(err)), 0);
	assert_int_equal(elf_inspect(tpath("dyn_stripped"), &fs, err, sizeof(err)), 0);
	assert_int_equal(elf_inspect(tpath("dyn_g"), &fg, err, sizeof(err)), 0);
	assert_false(f.is_static);
	assert_false(f.stripped);
	assert_true(f.has_symtab);
	assert_true(fs.stripped);
	assert_false(fs.has_symtab);
	assert_int_equal(fs.debug_sections, 0);
	assert_true(fs.size_bytes < f.size_bytes);
	assert_true(fg.debug_sections > 0);
	assert_true(fg.sections.debug > 0);
	assert_int_equal(f.sections.debug, 0);
	/* strip keeps what is loaded */
	assert_int_equal(fs.sections.text, f.sections.text);
	assert_int_equal(fs.sections.data, f.sections.data);
	assert_int_equal(fs.sections.bss, f.sections.bss);
	assert_true(fs.sections.other < f.sections.other);
	assert_string_equal(f.arch, host_arch());
}

static void test_static_vs_readelf(void **state)
{
	struct elf_facts f;
	struct elf_dyn d;
	char err[512];

	(void)state;
	if (!have_static) {
		print_message("no static libc here (cc -print-file-name=libc.a): static case skipped\n");
		skip();
	}
	check_against_readelf("static");
	check_against_readelf("static_stripped");
	assert_int_equal(elf_inspect_dyn(tpath("static"), &f, &d, err, sizeof(err)), 0);
	assert_true(f.is_static);
	assert_false(f.stripped);
	assert_int_equal(d.n_needed, 0);
	elf_dyn_free(&d);
	assert_int_equal(elf_inspect(tpath("static_stripped"), &f, err, sizeof(err)), 0);
	assert_true(f.is_static);
	assert_true(f.stripped);
}

static void test_sections_vs_readelf(void **state)
{
	(void)state;
	check_sections_against_readelf("dyn");
	check_sections_against_readelf("dyn_g");
	check_sections_against_readelf("dyn_stripped");
	if (have_static)
		check_sections_against_readelf("static");
}

/* ------------------------------------------------------------------------ */
/* scripts and bad input                                                      */

/* The entry point found in this test program's file holds the bytes the kernel started it at:
 * AT_ENTRY is where the entry point was mapped (load base + e_entry). */
static void test_entry_offset_self(void **state)
{
	unsigned char file_bytes[16];
	uint64_t vaddr = 0, off = 0;
	char err[256] = "";
	int fd;

	(void)state;
	assert_int_equal(elf_entry_offset("/proc/self/exe", &vaddr, &off, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_true(off > 0);
	fd = open("/proc/self/exe", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, file_bytes, sizeof(file_bytes), (off_t)off), sizeof(file_bytes));
	close(fd);
	assert_memory_equal(file_bytes, (const void *)getauxval(AT_ENTRY), sizeof(file_bytes));
	/* AT_ENTRY - e_entry is the load base: page aligned */
	assert_int_equal((getauxval(AT_ENTRY) - vaddr) % (uint64_t)sysconf(_SC_PAGESIZE), 0);
}

static void test_entry_offset_errors(void **state)
{
	uint64_t vaddr, off;
	char err[256];
	char path[] = "/tmp/test_elf_entry.XXXXXX";
	int fd;

	(void)state;
	assert_int_equal(elf_entry_offset("/nonexistent/x", &vaddr, &off, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open /nonexistent/x"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\necho\n", 15), 15);
	close(fd);
	assert_int_equal(elf_entry_offset(path, &vaddr, &off, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a readable ELF file"));
	unlink(path);
}

static void test_scripts(void **state)
{
	static const struct {
		const char *text, *interp, *arg;
	} cases[] = {
		{ "#!/bin/sh\necho hi\n", "/bin/sh", "" },
		{ "#! /bin/bash -eu\n", "/bin/bash", "-eu" },
		{ "#!/usr/bin/env  python3 \r\nprint(1)\n", "/usr/bin/env", "python3" },
		{ "#!/usr/bin/env -S node --flag\n", "/usr/bin/env", "-S node --flag" },
		{ "#!", "", "" },
	};
	struct elf_loadset ls = { 0 };
	struct elf_search s = { .ld_cache = "/etc/ld.so.cache" };
	struct elf_facts f;
	char err[512];
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(tpath("script"), cases[i].text, strlen(cases[i].text));
		assert_int_equal(elf_inspect(tpath("script"), &f, err, sizeof(err)), 0);
		assert_false(f.is_elf);
		assert_true(f.is_script);
		assert_string_equal(f.interpreter, cases[i].interp);
		assert_string_equal(f.shebang_arg, cases[i].arg);
		assert_int_equal(f.size_bytes, strlen(cases[i].text));
	}
	/* the interpreter of a shell script is a dynamic ELF on this host: it and what it loads */
	write_file(tpath("script"), cases[0].text, strlen(cases[0].text));
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

static void test_bad_input(void **state)
{
	static const char text[] = "just some text\n";
	struct elf_facts f;
	char err[512];
	unsigned char *img;
	size_t len;

	(void)state;
	/* not ELF, not a script: facts with neither flag */
	write_file(tpath("text"), text, strlen(text));
	assert_int_equal(elf_inspect(tpath("text"), &f, err, sizeof(err)), 0);
	assert_false(f.is_elf);
	assert_false(f.is_script);
	write_file(tpath("empty"), "", 0);
	assert_int_equal(elf_inspect(tpath("empty"), &f, err, sizeof(err)), 0);
	assert_false(f.is_elf);
	assert_false(f.is_script);
	assert_int_equal(f.size_bytes, 0);
	/* missing, a directory */
	assert_int_equal(elf_inspect(tpath("missing"), &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open"));
	assert_int_equal(elf_inspect(tmpdir, &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	/* the first 100 bytes of a real ELF */
	img = slurp(tpath("dyn"), &len);
	write_file(tpath("trunc100"), img, 100);
	err[0] = '\0';
	assert_int_equal(elf_inspect(tpath("trunc100"), &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid or truncated ELF"));
	assert_null(strchr(err, '\n'));
	/* ELF magic only */
	write_file(tpath("magic"), "\177ELF", 4);
	assert_int_equal(elf_inspect(tpath("magic"), &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid or truncated ELF"));
	free(img);
}

/* Every proper prefix of an ELF (the section header table is at its end) is an error. */
static void test_truncations(void **state)
{
	unsigned char *img, *cut;
	struct elf_facts f;
	struct elf_dyn d;
	char err[512];
	size_t len, n, errors = 0;

	(void)state;
	img = slurp(tpath("dyn"), &len);
	for (n = 0; n < len; n += n < 512 ? 1 : 37) {
		int rc;

		cut = malloc(n ? n : 1);
		assert_non_null(cut);
		memcpy(cut, img, n);
		rc = elf_inspect_mem(cut, n, &f, &d, err, sizeof(err));
		if (n < 4) {
			assert_int_equal(rc, 0);
			assert_false(f.is_elf);
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, "invalid or truncated ELF"));
			assert_null(d.needed);
			errors++;
		}
		elf_dyn_free(&d);
		free(cut);
	}
	assert_true(errors > 500);
	/* the whole image is fine */
	assert_int_equal(elf_inspect_mem(img, len, &f, &d, err, sizeof(err)), 0);
	assert_true(f.is_elf);
	assert_true(d.n_needed >= 1);
	elf_dyn_free(&d);
	free(img);
}

/* ------------------------------------------------------------------------ */
/* mutation fuzzing                                                           */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* Where the interesting bytes are: headers, the section header table, .dynamic, .dynstr. */
struct hot {
	size_t off, len;
};

static size_t hot_regions(const unsigned char *img, size_t len, struct hot *h)
{
	const Elf64_Ehdr *eh = (const void *)img;
	size_t n = 0, i;

	h[n++] = (struct hot){ 0, 64 + (size_t)eh->e_phnum * eh->e_phentsize };
	if (eh->e_shoff < len)
		h[n++] = (struct hot){ eh->e_shoff, len - eh->e_shoff };
	for (i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const void *)(img + eh->e_phoff + i * eh->e_phentsize);

		if ((ph->p_type == PT_DYNAMIC || ph->p_type == PT_INTERP) && ph->p_offset < len)
			h[n++] = (struct hot){ ph->p_offset, ph->p_filesz };
	}
	for (i = 0; i < eh->e_shnum && n < 8; i++) {
		const Elf64_Shdr *sh = (const void *)(img + eh->e_shoff + i * eh->e_shentsize);

		if (sh->sh_type == SHT_STRTAB && sh->sh_flags & SHF_ALLOC)
			h[n++] = (struct hot){ sh->sh_offset, sh->sh_size };	/* .dynstr */
	}
	return n;
}

static void mutate(unsigned char *m, size_t len, const struct hot *h, size_t nh, uint64_t *rng)
{
	unsigned k, nmut = 1 + rng_next(rng) % 8;

	for (k = 0; k < nmut; k++) {
		uint64_t r = rng_next(rng);
		size_t at;

		if (r % 4 == 0) {
			at = (size_t)(r >> 8) % len;
		} else {
			const struct hot *z = &h[(r >> 4) % nh];

			at = z->off + (size_t)(r >> 16) % (z->len ? z->len : 1);
			if (at >= len)
				at = len - 1;
		}
		switch ((r >> 40) % 4) {
		case 0: m[at] ^= (unsigned char)(1u << ((r >> 48) % 8)); break;
		case 1: m[at] = (unsigned char)(r >> 52); break;
		case 2: m[at] = 0xff; break;
		default: m[at] = 0; break;
		}
	}
}

static void test_fuzz_mutations(void **state)
{
	unsigned char *img, *m;
	struct hot h[8];
	struct elf_facts f;
	struct elf_dyn d;
	char err[512];
	uint64_t rng = 0x9e3779b97f4a7c15ull;	/* fixed seed: the same inputs every run */
	size_t len, nh, it, ok = 0, bad = 0, files_ok = 0, files_bad = 0;

	(void)state;
	img = slurp(tpath("dyn"), &len);
	assert_true(len > 4096);
	nh = hot_regions(img, len, h);
	assert_true(nh >= 3);
	m = malloc(len);
	assert_non_null(m);
	for (it = 0; it < 20000; it++) {
		size_t n = len;
		int rc;

		memcpy(m, img, len);
		mutate(m, len, h, nh, &rng);
		if (rng_next(&rng) % 8 == 0)		/* and sometimes cut short too */
			n = 4 + rng_next(&rng) % (len - 4);
		err[0] = '\0';
		rc = elf_inspect_mem(m, n, &f, &d, err, sizeof(err));
		if (rc == 0) {
			size_t k;

			ok++;
			assert_int_equal(f.size_bytes, n);
			for (k = 0; k < d.n_needed; k++)
				assert_true(d.needed[k] && d.needed[k][0]);
			if (f.is_elf)
				assert_true(f.elf_class == 32 || f.elf_class == 64);
		} else {
			bad++;
			assert_int_equal(rc, -1);
			assert_true(err[0] != '\0');
			assert_null(strchr(err, '\n'));
			assert_null(d.needed);
		}
		elf_dyn_free(&d);
	}
	/* the file path (libelf reading with pread, not from memory) on some of them */
	for (it = 0; it < 300; it++) {
		memcpy(m, img, len);
		mutate(m, len, h, nh, &rng);
		write_file(tpath("fuzz"), m, len);
		if (elf_inspect_dyn(tpath("fuzz"), &f, &d, err, sizeof(err)) == 0)
			files_ok++;
		else
			files_bad++;
		elf_dyn_free(&d);
	}
	print_message("fuzz: %zu images read, %zu rejected; files: %zu read, %zu rejected\n",
		      ok, bad, files_ok, files_bad);
	/* both outcomes were reached: the mutations hit checked fields and harmless bytes */
	assert_true(ok > 100 && bad > 100);
	assert_true(files_ok > 0 && files_bad > 0);
	free(m);
	free(img);
}

/* ------------------------------------------------------------------------ */
/* ld.so.cache                                                                */

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

/* ------------------------------------------------------------------------ */
/* deflated size                                                              */

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

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(elf_machine_name(EM_X86_64), "x86_64");
	assert_string_equal(elf_machine_name(EM_AARCH64), "aarch64");
	assert_null(elf_machine_name(0xfffe));
	assert_string_equal(elf_type_name(ET_EXEC), "EXEC");
	assert_string_equal(elf_type_name(ET_DYN), "DYN");
	assert_string_equal(elf_type_name(0x1234), "OTHER");
}

/* Found by fuzzing: a section name with a newline made a two-line error message. */
static void test_regress_multiline_error(void **state)
{
	struct elf_facts f;
	char err[512];

	(void)state;
	assert_int_equal(elf_inspect("fuzz/corpus/elf/regress-multiline-error", &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid or truncated ELF"));
	assert_null(strchr(err, '\n'));
	assert_null(strchr(err, '\r'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regress_multiline_error),
		cmocka_unit_test(test_dynamic_vs_readelf),
		cmocka_unit_test(test_dynamic_facts),
		cmocka_unit_test(test_static_vs_readelf),
		cmocka_unit_test(test_sections_vs_readelf),
		cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_entry_offset_self),
		cmocka_unit_test(test_entry_offset_errors),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_fuzz_mutations),
		cmocka_unit_test(test_ld_cache_vs_ldconfig),
		cmocka_unit_test(test_ld_cache_synthetic),
		cmocka_unit_test(test_default_dirs_vs_ld_so),
		cmocka_unit_test(test_loadset_vs_ldd),
		cmocka_unit_test(test_loadset_details),
		cmocka_unit_test(test_deflate),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
