/* Unit tests of src/elf_info.c. Small programs are built at run time with cc (elf_fixture.h)
 * and the facts elf_info reads are checked against readelf's output. Truncated and mutated
 * (fuzzed) ELF images must give an error or facts, never a crash. */
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
#include <unistd.h>
#include <cmocka.h>

#include "elf_fixture.h"
#include "elf_info.h"
#include "textout.h"

/* ------------------------------------------------------------------------ */
/* readelf's output                                                           */

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

static int setup(void **state)
{
	(void)state;
	return fixture_setup("test_elf_info", FX_DYN | FX_DEBUG | FX_LIBS | FX_STATIC);
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
	struct elf_facts f;
	char err[512];
	size_t i;

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

/* ------------------------------------------------------------------------ */
/* can execve run it?                                                         */

/* name in the test folder with text (len 0: strlen), mode 0755 */
static char *script(const char *name, const char *text, size_t len)
{
	char *p = tpath(name);

	write_file(p, text, len ? len : strlen(text));
	assert_int_equal(chmod(p, 0755), 0);
	return p;
}

/* elf_check_runnable(path, here) fails with exactly msg (path for its %s) as a terminal shows
 * it through out_error (tx_escape: a \r is \\r), in one line; NULL msg: it passes. */
static void runnable(const char *path, bool here, const char *msg)
{
	char err[4096] = "", want[4096], shown[TX_ESC_SIZE(4096)];
	int rc = elf_check_runnable(path, here, err, sizeof(err));

	if (!msg) {
		if (rc != 0)
			fail_msg("%s (here %d): refused: %s", path, here, err);
		return;
	}
	snprintf(want, sizeof(want), msg, path);
	if (rc != -1)
		fail_msg("%s (here %d): accepted, wanted \"%s\"", path, here, want);
	/* err holds the names as they are; the line as out_error shows it is compared */
	tx_escape(shown, sizeof(shown), err);
	assert_string_equal(shown, want);
	assert_null(strchr(shown, '\n'));
	assert_null(strchr(shown, '\r'));
}

/* What no host can run: refused in both modes, with the reason. */
static void test_runnable_file_defects(void **state)
{
	static const struct {
		const char *name, *text;
		size_t len;
		const char *msg;
	} cases[] = {
		{ "crlf", "#!/bin/sh\r\necho hi\r\n", 0,
		  "%s: interpreter '/bin/sh\\r' not found: the script has CRLF line endings" },
		{ "crlf-noeol", "#!/bin/sh\r", 0,
		  "%s: interpreter '/bin/sh\\r' not found: the script has CRLF line endings" },
		{ "crlf-env", "#!/usr/bin/env bash\r\necho hi\r\n", 0,
		  "%s: its #! line ends in \\r: the script has CRLF line endings (interpreter "
		  "'/usr/bin/env' would get the argument 'bash\\r')" },
		{ "crlf-blank", "#!/bin/sh \r\n", 0,
		  "%s: its #! line ends in \\r: the script has CRLF line endings (interpreter "
		  "'/bin/sh' would get the argument '\\r')" },
		{ "empty", "", 0, "%s is empty: nothing to execute (no ELF header, no #! line)" },
		{ "text", "echo hi\n", 0,
		  "%s: not an ELF executable and no #! line (execve would fail: Exec format error)" },
		{ "blank-first", "\n#!/bin/sh\n", 0,
		  "%s: not an ELF executable and no #! line (execve would fail: Exec format error)" },
		{ "one-byte", "#", 0,
		  "%s: not an ELF executable and no #! line (execve would fail: Exec format error)" },
		{ "bang-only", "#!", 0, "%s: its #! line names no interpreter" },
		{ "bang-nl", "#!\necho\n", 0, "%s: its #! line names no interpreter" },
		{ "bang-blanks", "#! \t \n", 0, "%s: its #! line names no interpreter" },
		{ "bang-nul", "#!\0/bin/sh\n", 11, "%s: its #! line names no interpreter" },
		{ "magic-only", "\177ELF", 4, NULL },	/* elf_inspect's own message */
	};
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *p = script(cases[i].name, cases[i].text, cases[i].len);

		if (!cases[i].msg) {
			assert_int_equal(elf_check_runnable(p, true, err, sizeof(err)), -1);
			assert_non_null(strstr(err, "invalid or truncated ELF"));
			assert_int_equal(elf_check_runnable(p, false, err, sizeof(err)), -1);
			continue;
		}
		runnable(p, true, cases[i].msg);
		runnable(p, false, cases[i].msg);
	}
}

/* The 256 bytes Linux reads of a #! line: an interpreter cut off by them is refused, a long
 * argument is not (the interpreter reads the file again). */
static void test_runnable_long_line(void **state)
{
	char text[600];

	(void)state;
	memset(text, 'a', sizeof(text));
	memcpy(text, "#!/", 3);
	text[sizeof(text) - 1] = '\n';
	runnable(script("long-interp", text, sizeof(text)), false,
		 "%s: its #! line has no end in the 256 bytes Linux reads: the interpreter's name "
		 "would be cut off");
	memcpy(text, "#!/bin/sh ", 10);
	runnable(script("long-arg", text, sizeof(text)), true, NULL);
}

/* What this host lacks: refused only when it is to run here (memory reports it as missing). */
static void test_runnable_interpreters(void **state)
{
	char text[PATH_MAX + 16], msg[PATH_MAX + 256];

	(void)state;
	runnable(script("sh", "#!/bin/sh\necho hi\n", 0), true, NULL);
	runnable(script("sh-arg", "#! /bin/sh -eu\n", 0), true, NULL);
	runnable(script("env", "#!/usr/bin/env sh\n", 0), true, NULL);
	runnable(script("missing", "#!/nonexistent/python9\n", 0), true,
		 "%s: interpreter '/nonexistent/python9' not found");
	runnable(tpath("missing"), false, NULL);
	write_file(tpath("plain"), "#!/bin/sh\n", 10);
	assert_int_equal(chmod(tpath("plain"), 0644), 0);
	snprintf(text, sizeof(text), "#!%s\n", tpath("plain"));
	snprintf(msg, sizeof(msg), "%%s: interpreter '%s' is not executable", tpath("plain"));
	runnable(script("noexec-interp", text, strlen(text)), true, msg);
	runnable(script("dir-interp", "#!/tmp\n", 0), true, "%s: interpreter '/tmp' is not a regular file");
	/* control characters in a name never reach the message raw */
	runnable(script("esc", "#!/bin/s\033[2Jh\n", 0), true,
		 "%s: interpreter '/bin/s\\x1b[2Jh' not found");
	/* an interpreter that cannot run itself */
	snprintf(text, sizeof(text), "#!%s\n", tpath("text"));
	script("text", "echo hi\n", 8);
	snprintf(msg, sizeof(msg), "interpreter %s of %%s: not an ELF executable and no #! line "
		 "(execve would fail: Exec format error)", tpath("text"));
	runnable(script("via-text", text, strlen(text)), true, msg);
	/* a relative interpreter is opened from the script's folder, not from ours */
	script("helper", "#!/bin/sh\n", 10);
	runnable(script("relative", "#!./helper\n", 0), true, NULL);
	runnable(script("relative-missing", "#!./nothere\n", 0), true,
		 "%s: interpreter './nothere' not found");
}

/* An interpreter that is a script: as many levels as Linux follows (5), and no more. */
static void test_runnable_levels(void **state)
{
	char name[32], text[PATH_MAX + 16], msg[PATH_MAX + 128];

	(void)state;
	for (int k = 5; k <= 6; k++) {
		/* c1 -> c2 -> ... -> ck -> /bin/sh */
		for (int i = k; i >= 1; i--) {
			if (i == k)
				snprintf(text, sizeof(text), "#!/bin/sh\n");
			else
				snprintf(text, sizeof(text), "#!%s/c%d-%d\n", tmpdir, k, i + 1);
			snprintf(name, sizeof(name), "c%d-%d", k, i);
			script(name, text, strlen(text));
		}
		snprintf(name, sizeof(name), "c%d-1", k);
		runnable(tpath(name), true, k == 5 ? NULL :
			 "%s: too many levels of #! interpreters (Linux follows 5)");
	}
	snprintf(text, sizeof(text), "#!%s\n", tpath("loop"));
	snprintf(msg, sizeof(msg), "%%s: too many levels of #! interpreters (Linux follows 5)");
	runnable(script("loop", text, strlen(text)), true, msg);
}

/* An ELF: for this host, an executable, its dynamic loader present. */
static void test_runnable_elf(void **state)
{
	struct elf_facts f;
	unsigned char *img;
	char err[512], want[PATH_MAX + 256], *at;
	uint16_t v;
	size_t len;

	(void)state;
	runnable(tpath("dyn"), true, NULL);
	if (have_static)
		runnable(tpath("static"), true, NULL);
	img = slurp(tpath("dyn"), &len);
	assert_int_equal(elf_inspect(tpath("dyn"), &f, err, sizeof(err)), 0);
	assert_true(f.interpreter[0] == '/');

	/* another architecture: e_machine (at 18) of arm64, or of x86_64 on an arm64 host */
	v = strcmp(host_arch(), "arm64") ? EM_AARCH64 : EM_X86_64;
	memcpy(img + 18, &v, 2);
	write_file(tpath("foreign"), img, len);
	assert_int_equal(chmod(tpath("foreign"), 0755), 0);
	snprintf(want, sizeof(want), "%%s is built for %s (ELF machine %u) but this host is %s",
		 v == EM_AARCH64 ? "arm64" : "x86_64", v, host_arch());
	runnable(tpath("foreign"), true, want);
	runnable(tpath("foreign"), false, NULL);	/* memory reports on it */
	memcpy(img + 18, &(uint16_t){ f.machine }, 2);

	/* a relocatable object: e_type (at 16) ET_REL */
	v = ET_REL;
	memcpy(img + 16, &v, 2);
	write_file(tpath("rel"), img, len);
	assert_int_equal(chmod(tpath("rel"), 0755), 0);
	runnable(tpath("rel"), true, "%s is an ELF REL file, not an executable");
	memcpy(img + 16, &(uint16_t){ f.elf_type }, 2);

	/* a dynamic loader that is not on this host (as a binary linked against another libc) */
	at = memmem(img, len, f.interpreter, strlen(f.interpreter) + 1);
	assert_non_null(at);
	at[strlen(f.interpreter) - 1] = 'X';
	write_file(tpath("noloader"), img, len);
	assert_int_equal(chmod(tpath("noloader"), 0755), 0);
	at[strlen(f.interpreter) - 1] = '\0';
	snprintf(want, sizeof(want), "%%s: dynamic loader (PT_INTERP) '%sX' not found", (char *)at);
	runnable(tpath("noloader"), true, want);
	runnable(tpath("noloader"), false, NULL);
	free(img);

	/* the bootstrap itself must be executable to run here */
	write_file(tpath("sh-644"), "#!/bin/sh\n", 10);
	assert_int_equal(chmod(tpath("sh-644"), 0644), 0);
	runnable(tpath("sh-644"), true, "%s is not executable");
	runnable(tpath("sh-644"), false, NULL);
	assert_int_equal(elf_check_runnable(tpath("nope"), true, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot resolve"));
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
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_runnable_file_defects),
		cmocka_unit_test(test_runnable_long_line),
		cmocka_unit_test(test_runnable_interpreters),
		cmocka_unit_test(test_runnable_levels),
		cmocka_unit_test(test_runnable_elf),
	};

	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
