// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: the ELF inspector (src/elf_info.h).
 *
 * elf_inspect_dyn() takes a path: each input is written to one memfd, created
 * once, and inspected through /proc/self/fd/N, dynamic entries included. The
 * same bytes go to elf_inspect_mem() (a copy: libelf may use it in place).
 * Checked: an error is one non-empty line; on success the facts are
 * consistent (size is the input's, not both ELF and script, strings
 * NUL-terminated, class 32 or 64, arch "x86_64", "arm64" or "" as the machine
 * says, DT_NEEDED names present); the file and the memory image give the
 * same result and the same facts.
 * A violated invariant aborts: libFuzzer reports it as a crash.
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf_info.h"

static int mfd = -1;
static char mpath[64];

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_elf: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	mfd = memfd_create("fuzz_elf", MFD_CLOEXEC);
	if (mfd < 0) {
		perror("fuzz_elf: memfd_create");
		exit(1);
	}
	snprintf(mpath, sizeof(mpath), "/proc/self/fd/%d", mfd);
	return 0;
}

static void put_input(const uint8_t *data, size_t size)
{
	size_t off = 0;

	if (ftruncate(mfd, 0) != 0) {
		perror("fuzz_elf: ftruncate");
		exit(1);
	}
	while (off < size) {
		ssize_t n = pwrite(mfd, data + off, size - off, (off_t)off);

		if (n <= 0) {
			perror("fuzz_elf: pwrite");
			exit(1);
		}
		off += (size_t)n;
	}
}

static void check_facts(const struct elf_facts *f, size_t size)
{
	if (f->size_bytes != size)
		die("size_bytes is not the file's size", NULL);
	if (f->is_elf && f->is_script)
		die("both ELF and script", NULL);
	if (!memchr(f->interpreter, '\0', sizeof(f->interpreter)) ||
	    !memchr(f->arch, '\0', sizeof(f->arch)) ||
	    !memchr(f->shebang_arg, '\0', sizeof(f->shebang_arg)))
		die("a string is not NUL-terminated", NULL);
	if (!f->is_elf) {
		if (f->elf_class || f->machine || f->arch[0])
			die("ELF facts set on a file that is not ELF", NULL);
		if (!f->is_script && f->interpreter[0])
			die("interpreter set on a file that is neither ELF nor script", NULL);
		return;
	}
	if (f->elf_class != 32 && f->elf_class != 64)
		die("ELF class is neither 32 nor 64", NULL);
	if (!strcmp(f->arch, "x86_64") ? f->machine != EM_X86_64
	    : !strcmp(f->arch, "arm64") ? f->machine != EM_AARCH64
	    : f->arch[0] != '\0')
		die("arch does not follow the machine", f->arch);
	if (f->is_static && f->interpreter[0])
		die("static ELF with an interpreter", f->interpreter);
}

static void check_err(const char *err)
{
	if (!err[0])
		die("failed without an error message", NULL);
	if (strchr(err, '\n'))
		die("error message is not one line", err);
}

static void check_dyn(const struct elf_dyn *d)
{
	size_t i;

	if (d->n_needed && !d->needed)
		die("DT_NEEDED counted but not allocated", NULL);
	for (i = 0; i < d->n_needed; i++)
		if (!d->needed[i])
			die("a DT_NEEDED name is NULL", NULL);
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* What the file and the memory image must agree on. */
static void compare(const struct elf_facts *a, const struct elf_dyn *da,
		    const struct elf_facts *b, const struct elf_dyn *db)
{
	size_t i;

	if (a->size_bytes != b->size_bytes || a->is_elf != b->is_elf ||
	    a->is_script != b->is_script || strcmp(a->interpreter, b->interpreter) ||
	    strcmp(a->shebang_arg, b->shebang_arg) || a->elf_class != b->elf_class ||
	    a->machine != b->machine || strcmp(a->arch, b->arch) ||
	    a->is_static != b->is_static || a->stripped != b->stripped ||
	    a->has_debug != b->has_debug || a->elf_type != b->elf_type ||
	    a->has_symtab != b->has_symtab || a->debug_sections != b->debug_sections ||
	    a->has_section_headers != b->has_section_headers ||
	    memcmp(&a->sections, &b->sections, sizeof(a->sections)) ||
	    a->has_dynamic != b->has_dynamic)
		die("file and memory image give different facts", NULL);
	if (da->n_needed != db->n_needed || !str_eq(da->rpath, db->rpath) ||
	    !str_eq(da->runpath, db->runpath) || !str_eq(da->soname, db->soname) ||
	    da->nodeflib != db->nodeflib)
		die("file and memory image give different dynamic entries", NULL);
	for (i = 0; i < da->n_needed; i++)
		if (strcmp(da->needed[i], db->needed[i]))
			die("file and memory image give different DT_NEEDED", da->needed[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_facts f, fm;
	struct elf_dyn d, dm;
	char err[512], errm[512];
	void *copy;
	int rc, rcm;

	put_input(data, size);
	err[0] = '\0';
	rc = elf_inspect_dyn(mpath, &f, &d, err, sizeof(err));
	if (rc != 0)
		check_err(err);
	else {
		check_facts(&f, size);
		check_dyn(&d);
	}

	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	errm[0] = '\0';
	rcm = elf_inspect_mem(copy, size, &fm, &dm, errm, sizeof(errm));
	if (rcm != 0)
		check_err(errm);
	else {
		check_facts(&fm, size);
		check_dyn(&dm);
	}
	if (rc != rcm) {
		fprintf(stderr, "fuzz_elf: file: %s\nfuzz_elf: memory: %s\n", rc ? err : "ok",
			rcm ? errm : "ok");
		die("file and memory image give different results", NULL);
	}
	if (rc == 0)
		compare(&f, &d, &fm, &dm);
	elf_dyn_free(&d);
	elf_dyn_free(&dm);
	free(copy);
	return 0;
}
