#include "elf_info.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util.h"

#ifndef DF_1_NODEFLIB
#define DF_1_NODEFLIB 0x00000800
#endif

const char *host_arch(void)
{
	static char buf[65];
	struct utsname u;

	if (uname(&u) != 0)
		return "unknown";
	if (!strcmp(u.machine, "aarch64"))
		return "arm64";
	strlcpy0(buf, u.machine, sizeof(buf));
	return buf;
}

const char *elf_machine_name(unsigned machine)
{
	switch (machine) {
	case EM_X86_64: return "x86_64";
	case EM_AARCH64: return "aarch64";
	case EM_386: return "i386";
	case EM_ARM: return "arm";
	case EM_PPC64: return "ppc64";
	case EM_PPC: return "ppc";
	case EM_S390: return "s390";
	case EM_RISCV: return "riscv";
	case EM_MIPS: return "mips";
	case EM_SPARCV9: return "sparcv9";
	default: return NULL;
	}
}

const char *elf_type_name(unsigned e_type)
{
	switch (e_type) {
	case ET_EXEC: return "EXEC";
	case ET_DYN: return "DYN";
	case ET_REL: return "REL";
	case ET_CORE: return "CORE";
	default: return "OTHER";
	}
}

/* ------------------------------------------------------------------------ */
/* inspection                                                                 */

static int bad(char *err, size_t errlen, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bad(char *err, size_t errlen, const char *what, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* names come from the file: keep the message one printable line */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			*p = '?';
	snprintf(err, errlen, "%s: invalid or truncated ELF: %s", what, msg);
	return -1;
}

/* The kernel reads the #! line from the first 256 bytes (BINPRM_BUF_SIZE). */
static void parse_shebang(const char *buf, size_t n, struct elf_facts *f)
{
	char line[257];
	char *p, *e, *a;

	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return;
	f->is_script = true;
	if (n > sizeof(line) - 1)
		n = sizeof(line) - 1;
	memcpy(line, buf, n);
	line[n] = '\0';
	e = strpbrk(line, "\n");
	if (e)
		*e = '\0';
	p = line + 2;
	while (*p == ' ' || *p == '\t')
		p++;
	e = p;
	while (*e && *e != ' ' && *e != '\t' && *e != '\r')
		e++;
	a = e;
	if (*a) {
		*a++ = '\0';
		while (*a == ' ' || *a == '\t')
			a++;
	}
	/* trailing blanks and a DOS \r are not part of the argument */
	for (e = a + strlen(a); e > a && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r');)
		*--e = '\0';
	strlcpy0(f->interpreter, p, sizeof(f->interpreter));
	strlcpy0(f->shebang_arg, a, sizeof(f->shebang_arg));
}

/* libelf's last error, or fallback when it has none */
static const char *lerr(const char *fallback)
{
	int e = elf_errno();

	return e ? elf_errmsg(e) : fallback;
}

static bool range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static bool vaddr_to_off(Elf *elf, size_t nph, uint64_t va, uint64_t *off)
{
	size_t i;

	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (va >= ph.p_vaddr && va - ph.p_vaddr < ph.p_filesz) {
			*off = ph.p_offset + (va - ph.p_vaddr);
			return true;
		}
	}
	return false;
}

void elf_dyn_free(struct elf_dyn *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n_needed; i++)
		free(d->needed[i]);
	free(d->needed);
	free(d->rpath);
	free(d->runpath);
	free(d->soname);
	memset(d, 0, sizeof(*d));
}

static int dyn_str(const Elf_Data *strs, uint64_t idx, char **out)
{
	const char *s = strs->d_buf;

	if (idx >= strs->d_size || !memchr(s + idx, '\0', strs->d_size - idx))
		return -1;
	free(*out);
	*out = strdup(s + idx);
	return *out ? 0 : -2;
}

/* PT_DYNAMIC, read as the loader reads it (no section headers needed). */
static int read_dynamic(Elf *elf, uint64_t fsize, size_t nph, uint64_t off, uint64_t len,
			struct elf_dyn *d, const char *what, char *err, size_t errlen)
{
	size_t entsz = gelf_fsize(elf, ELF_T_DYN, 1, EV_CURRENT);
	uint64_t strtab = 0, strsz = 0, stroff, flags1 = 0;
	bool have_strtab = false, have_strsz = false, need_str = false;
	Elf_Data *data, *strs;
	size_t i, n, k = 0;
	int rc;

	if (!entsz || !len)
		return 0;
	data = elf_getdata_rawchunk(elf, (int64_t)off, len, ELF_T_DYN);
	if (!data)
		return bad(err, errlen, what, "PT_DYNAMIC unreadable: %s", lerr("invalid"));
	n = len / entsz;
	for (i = 0; i < n; i++) {
		GElf_Dyn dy;

		if (!gelf_getdyn(data, (int)i, &dy) || dy.d_tag == DT_NULL)
			break;
		switch (dy.d_tag) {
		case DT_STRTAB: strtab = dy.d_un.d_ptr; have_strtab = true; break;
		case DT_STRSZ: strsz = dy.d_un.d_val; have_strsz = true; break;
		case DT_FLAGS_1: flags1 = dy.d_un.d_val; break;
		case DT_NEEDED: k++; need_str = true; break;
		case DT_RPATH: case DT_RUNPATH: case DT_SONAME: need_str = true; break;
		default: break;
		}
	}
	n = i;
	d->nodeflib = (flags1 & DF_1_NODEFLIB) != 0;
	if (!need_str)
		return 0;
	if (!have_strtab || !have_strsz)
		return bad(err, errlen, what, "dynamic section without DT_STRTAB/DT_STRSZ");
	if (!vaddr_to_off(elf, nph, strtab, &stroff) || !range_ok(stroff, strsz, fsize) || !strsz)
		return bad(err, errlen, what, "DT_STRTAB outside the file");
	strs = elf_getdata_rawchunk(elf, (int64_t)stroff, strsz, ELF_T_BYTE);
	if (!strs || !strs->d_buf)
		return bad(err, errlen, what, "DT_STRTAB unreadable: %s", lerr("invalid"));
	d->needed = calloc(k ? k : 1, sizeof(*d->needed));
	if (!d->needed)
		goto oom;
	for (i = 0; i < n; i++) {
		GElf_Dyn dy;
		char **dst;

		if (!gelf_getdyn(data, (int)i, &dy))
			break;
		switch (dy.d_tag) {
		case DT_NEEDED:
			if (d->n_needed >= k)
				continue;
			dst = &d->needed[d->n_needed++];
			break;
		case DT_RPATH: dst = &d->rpath; break;
		case DT_RUNPATH: dst = &d->runpath; break;
		case DT_SONAME: dst = &d->soname; break;
		default: continue;
		}
		rc = dyn_str(strs, dy.d_un.d_val, dst);
		if (rc == -2)
			goto oom;
		if (rc)
			return bad(err, errlen, what, "dynamic entry %zu: string offset %llu outside DT_STRTAB",
				   i, (unsigned long long)dy.d_un.d_val);
		if (dy.d_tag == DT_NEEDED && !**dst)
			return bad(err, errlen, what, "empty DT_NEEDED name");
	}
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", what);
	return -1;
}

static bool is_debug_name(const char *name)
{
	return name && (!strncmp(name, ".debug", 6) || !strncmp(name, ".zdebug", 7));
}

static void add_sat(uint64_t *acc, uint64_t v)
{
	*acc = *acc + v < *acc ? UINT64_MAX : *acc + v;
}

static int inspect_sections(Elf *elf, uint64_t fsize, const GElf_Ehdr *eh, struct elf_facts *f,
			    const char *what, char *err, size_t errlen)
{
	size_t shnum, shstrndx, idx = 0;
	Elf_Scn *scn = NULL;

	if (elf_getshdrnum(elf, &shnum) != 0)
		return bad(err, errlen, what, "section headers: %s", lerr("invalid"));
	/* libelf reports no sections when the table does not fit in the file */
	if (eh->e_shoff && !range_ok(eh->e_shoff, (uint64_t)(eh->e_shnum ? eh->e_shnum : 1) *
				     eh->e_shentsize, fsize))
		return bad(err, errlen, what, "section header table beyond the end of the file");
	if (eh->e_shnum && !shnum)
		return bad(err, errlen, what, "section header table unreadable");
	if (!shnum)
		return 0;
	if (eh->e_shentsize != gelf_fsize(elf, ELF_T_SHDR, 1, EV_CURRENT))
		return bad(err, errlen, what, "e_shentsize %u", eh->e_shentsize);
	if (!range_ok(eh->e_shoff, (uint64_t)shnum * eh->e_shentsize, fsize))
		return bad(err, errlen, what, "section header table beyond the end of the file");
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		shstrndx = 0;
	f->has_section_headers = true;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		struct elf_sections *g = &f->sections;

		idx++;
		if (!gelf_getshdr(scn, &sh))
			return bad(err, errlen, what, "section header %zu: %s", idx, lerr("invalid"));
		if (sh.sh_type == SHT_NULL)
			continue;
		name = shstrndx ? elf_strptr(elf, shstrndx, sh.sh_name) : NULL;
		if (sh.sh_type != SHT_NOBITS && !range_ok(sh.sh_offset, sh.sh_size, fsize))
			return bad(err, errlen, what, "section %s extends beyond the end of the file",
				   name ? name : "(unnamed)");
		if (sh.sh_type == SHT_SYMTAB)
			f->has_symtab = true;
		if (is_debug_name(name)) {
			f->debug_sections++;
			add_sat(&g->debug, sh.sh_size);
		} else if (sh.sh_flags & SHF_ALLOC) {
			if (sh.sh_type == SHT_NOBITS)
				add_sat(&g->bss, sh.sh_size);
			else if (sh.sh_flags & SHF_EXECINSTR)
				add_sat(&g->text, sh.sh_size);
			else if (sh.sh_flags & SHF_WRITE)
				add_sat(&g->data, sh.sh_size);
			else
				add_sat(&g->rodata, sh.sh_size);
		} else if (sh.sh_type != SHT_NOBITS) {
			add_sat(&g->other, sh.sh_size);
		}
	}
	return 0;
}

static int inspect_elf(Elf *elf, uint64_t fsize, struct elf_facts *f, struct elf_dyn *d,
		       const char *what, char *err, size_t errlen)
{
	const char *id = elf ? elf_getident(elf, NULL) : NULL;
	uint64_t dyn_off = 0, dyn_len = 0;
	size_t i, nph;
	GElf_Ehdr eh;
	int cls;

	if (fsize < (id && id[EI_CLASS] == ELFCLASS32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr)))
		return bad(err, errlen, what, "the file is shorter than an ELF header");
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		return bad(err, errlen, what, "ELF header: %s", lerr("not a valid ELF header"));
	cls = gelf_getclass(elf);
	if (cls != ELFCLASS32 && cls != ELFCLASS64)
		return bad(err, errlen, what, "unknown ELF class %d", cls);
	f->elf_class = cls == ELFCLASS32 ? 32 : 64;
	f->machine = eh.e_machine;
	f->elf_type = eh.e_type;
	if (eh.e_machine == EM_X86_64)
		strlcpy0(f->arch, "x86_64", sizeof(f->arch));
	else if (eh.e_machine == EM_AARCH64)
		strlcpy0(f->arch, "arm64", sizeof(f->arch));
	if (elf_getphdrnum(elf, &nph) != 0)
		return bad(err, errlen, what, "program headers: %s", lerr("invalid"));
	/* libelf reports no program headers when the table does not fit in the file */
	if (eh.e_phnum && eh.e_phnum != PN_XNUM &&
	    !range_ok(eh.e_phoff, (uint64_t)eh.e_phnum * eh.e_phentsize, fsize))
		return bad(err, errlen, what, "program headers beyond the end of the file");
	if (eh.e_phnum && !nph)
		return bad(err, errlen, what, "program header table unreadable");
	if (nph && eh.e_phentsize != gelf_fsize(elf, ELF_T_PHDR, 1, EV_CURRENT))
		return bad(err, errlen, what, "e_phentsize %u", eh.e_phentsize);
	if (nph && !range_ok(eh.e_phoff, (uint64_t)nph * eh.e_phentsize, fsize))
		return bad(err, errlen, what, "program headers beyond the end of the file");
	f->is_static = true;
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph))
			return bad(err, errlen, what, "program header %zu: %s", i, lerr("invalid"));
		if (ph.p_type != PT_LOAD && ph.p_type != PT_INTERP && ph.p_type != PT_DYNAMIC)
			continue;
		if (!range_ok(ph.p_offset, ph.p_filesz, fsize))
			return bad(err, errlen, what, "segment %zu extends beyond the end of the file", i);
		if (ph.p_type == PT_INTERP && !f->interpreter[0]) {
			Elf_Data *s = ph.p_filesz ? elf_getdata_rawchunk(elf, (int64_t)ph.p_offset,
									 ph.p_filesz, ELF_T_BYTE) : NULL;
			size_t len;

			if (!s || !s->d_buf || !s->d_size)
				return bad(err, errlen, what, "PT_INTERP unreadable");
			len = strnlen(s->d_buf, s->d_size);
			if (!len || len >= sizeof(f->interpreter))
				return bad(err, errlen, what, "PT_INTERP of length %zu", len);
			memcpy(f->interpreter, s->d_buf, len);
			f->interpreter[len] = '\0';
			f->is_static = false;
		} else if (ph.p_type == PT_DYNAMIC) {
			f->has_dynamic = true;
			dyn_off = ph.p_offset;
			dyn_len = ph.p_filesz;
		}
	}
	if (inspect_sections(elf, fsize, &eh, f, what, err, errlen))
		return -1;
	f->stripped = !f->has_symtab;
	f->has_debug = f->debug_sections > 0;
	if (d && f->has_dynamic &&
	    read_dynamic(elf, fsize, nph, dyn_off, dyn_len, d, what, err, errlen))
		return -1;
	return 0;
}

static int inspect_common(Elf *elf, uint64_t fsize, struct elf_facts *f, struct elf_dyn *d,
			  const char *what, char *err, size_t errlen)
{
	int rc;

	f->is_elf = true;
	rc = inspect_elf(elf, fsize, f, d, what, err, errlen);
	if (rc && d)
		elf_dyn_free(d);
	return rc;
}

static bool libelf_ready(char *err, size_t errlen)
{
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(err, errlen, "libelf: %s", lerr("invalid"));
		return false;
	}
	return true;
}

int elf_inspect_mem(void *buf, size_t len, struct elf_facts *f, struct elf_dyn *d, char *err,
		    size_t errlen)
{
	Elf *elf;
	int rc;

	memset(f, 0, sizeof(*f));
	if (d)
		memset(d, 0, sizeof(*d));
	f->size_bytes = len;
	if (len < SELFMAG || memcmp(buf, ELFMAG, SELFMAG) != 0) {
		parse_shebang(buf, len, f);
		return 0;
	}
	if (!libelf_ready(err, errlen))
		return -1;
	elf = elf_memory(buf, len);
	rc = inspect_common(elf, len, f, d, "image", err, errlen);
	elf_end(elf);
	return rc;
}

int elf_inspect_dyn(const char *path, struct elf_facts *f, struct elf_dyn *d, char *err,
		    size_t errlen)
{
	char head[256];
	Elf *elf = NULL;
	struct stat st;
	ssize_t n;
	int fd, ret = -1;

	memset(f, 0, sizeof(*f));
	if (d)
		memset(d, 0, sizeof(*d));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		goto out;
	}
	f->size_bytes = (uint64_t)st.st_size;
	n = pread(fd, head, sizeof(head), 0);
	if (n < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if ((size_t)n < SELFMAG || memcmp(head, ELFMAG, SELFMAG) != 0) {
		parse_shebang(head, (size_t)n, f);
		ret = 0;
		goto out;
	}
	if (!libelf_ready(err, errlen))
		goto out;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	ret = inspect_common(elf, f->size_bytes, f, d, path, err, errlen);
out:
	elf_end(elf);
	close(fd);
	return ret;
}

int elf_inspect(const char *path, struct elf_facts *f, char *err, size_t errlen)
{
	return elf_inspect_dyn(path, f, NULL, err, errlen);
}

int elf_entry_offset(const char *path, uint64_t *vaddr, uint64_t *off, char *err, size_t errlen)
{
	Elf *elf = NULL;
	GElf_Ehdr eh;
	size_t nph = 0;
	int fd, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (!libelf_ready(err, errlen))
		goto out;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    elf_getphdrnum(elf, &nph) != 0) {
		snprintf(err, errlen, "%s is not a readable ELF file", path);
		goto out;
	}
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_filesz) {
			*vaddr = eh.e_entry;
			*off = eh.e_entry - ph.p_vaddr + ph.p_offset;
			ret = 0;
			goto out;
		}
	}
	snprintf(err, errlen, "%s: its entry point 0x%llx is in no executable segment", path,
		 (unsigned long long)eh.e_entry);
out:
	elf_end(elf);
	close(fd);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* can execve run it?                                                       */

#define BINPRM_BUF 256		/* what Linux reads of a file to choose how to run it */
#define MAX_REWRITES 5		/* #! levels it follows (fs/exec.c: depth > 5 is ELOOP) */

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

static char *next_non_spacetab(char *first, const char *last)
{
	for (; first <= last; first++)
		if (!spacetab(*first))
			return first;
	return NULL;
}

static char *next_terminator(char *first, const char *last)
{
	for (; first <= last; first++)
		if (spacetab(*first) || !*first)
			return first;
	return NULL;
}

enum hashbang { HB_NONE, HB_OK, HB_NO_INTERP, HB_CUT };

/*
 * The #! line of a file's first bytes, parsed as Linux's binfmt_script does (since 5.0): the
 * interpreter ends at a blank or NUL, the argument is the rest of the line less trailing
 * blanks (a \r stays in either), a line without a newline in the 256 bytes read is refused
 * when the interpreter's name may be cut off. *interp and *arg point into b.
 */
static enum hashbang parse_hashbang(char b[BINPRM_BUF + 1], const char **interp, const char **arg)
{
	char *buf_end = b + BINPRM_BUF - 1, *i_end, *i_name, *i_sep, *i_arg = NULL;

	if (b[0] != '#' || b[1] != '!')
		return HB_NONE;
	i_end = memchr(b, '\n', strnlen(b, BINPRM_BUF));
	if (!i_end) {
		i_end = next_non_spacetab(b + 2, buf_end);
		if (!i_end)
			return HB_NO_INTERP;
		if (!next_terminator(i_end, buf_end))
			return HB_CUT;
		i_end = buf_end;
	}
	while (spacetab(i_end[-1]))
		i_end--;
	i_name = next_non_spacetab(b + 2, i_end);
	if (!i_name || i_name == i_end)
		return HB_NO_INTERP;
	i_sep = next_terminator(i_name, i_end);
	if (i_sep && *i_sep)
		i_arg = next_non_spacetab(i_sep, i_end);
	*i_end = '\0';
	if (i_arg)
		*i_sep = '\0';
	if (!*i_name)
		return HB_NO_INTERP;	/* "#!" then NUL: the kernel would open "" */
	*interp = i_name;
	*arg = i_arg;
	return HB_OK;
}

static bool ends_in_cr(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n && s[n - 1] == '\r';
}

/* A file execve opens: there, a regular file, executable, not on a noexec mount. The
 * message is about subject itself (what NULL), or about its what ("interpreter") name. */
static int check_exec_file(const char *subject, const char *what, const char *name,
			   const char *path, char *err, size_t errlen)
{
	char label[2 * PATH_MAX + 64];
	struct statvfs vfs;
	struct stat st;

	if (what)
		snprintf(label, sizeof(label), "%s: %s '%s'", subject, what, name);
	else
		strlcpy0(label, subject, sizeof(label));
	if (stat(path, &st)) {
		if (errno == ENOENT || errno == ENOTDIR)
			snprintf(err, errlen, "%s not found", label);
		else
			snprintf(err, errlen, "%s: %s", label, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		snprintf(err, errlen, "%s is not a regular file", label);
	else if (access(path, X_OK))
		snprintf(err, errlen, "%s is not executable", label);
	else if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC))
		snprintf(err, errlen, "%s is on a file system mounted noexec", label);
	else
		return 0;
	return -1;
}

/* The checks of an ELF file here: an executable, for this host, its loader present. */
static int check_elf_here(const char *subject, const char *dir, const struct elf_facts *f,
			  char *err, size_t errlen)
{
	char loader[PATH_MAX];

	if (f->elf_type != ET_EXEC && f->elf_type != ET_DYN) {
		snprintf(err, errlen, "%s is an ELF %s file, not an executable", subject,
			 elf_type_name(f->elf_type));
		return -1;
	}
	if (strcmp(f->arch, host_arch())) {
		snprintf(err, errlen, "%s is built for %s (ELF machine %u) but this host is %s", subject,
			 f->arch[0] ? f->arch : "another architecture", f->machine, host_arch());
		return -1;
	}
	if (f->is_static)
		return 0;
	/* a relative PT_INTERP is opened from the working directory: the bootstrap's folder */
	if (f->interpreter[0] == '/')
		strlcpy0(loader, f->interpreter, sizeof(loader));
	else
		snprintf(loader, sizeof(loader), "%s/%s", dir, f->interpreter);
	return check_exec_file(subject, "dynamic loader (PT_INTERP)", f->interpreter, loader, err,
			       errlen);
}

/* path, called subject in messages, depth #! levels below top (the bootstrap) */
static int check_runnable(const char *path, const char *subject, const char *top, const char *dir,
			  int depth, bool here, char *err, size_t errlen)
{
	char b[BINPRM_BUF + 1] = { 0 };
	char ipath[PATH_MAX], isubject[2 * PATH_MAX + 32];
	const char *interp = NULL, *arg = NULL;
	struct elf_facts f;
	ssize_t n;
	int fd;

	if (depth > MAX_REWRITES) {
		snprintf(err, errlen, "%s: too many levels of #! interpreters (Linux follows %d)",
			 top, MAX_REWRITES);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", subject, strerror(errno));
		return -1;
	}
	n = pread(fd, b, BINPRM_BUF, 0);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "cannot read %s: %s", subject, strerror(errno));
		return -1;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s is empty: nothing to execute (no ELF header, no #! line)",
			 subject);
		return -1;
	}
	if ((size_t)n >= SELFMAG && !memcmp(b, ELFMAG, SELFMAG)) {
		if (elf_inspect(path, &f, err, errlen))
			return -1;
		return here ? check_elf_here(subject, dir, &f, err, errlen) : 0;
	}
	switch (parse_hashbang(b, &interp, &arg)) {
	case HB_NONE:
		snprintf(err, errlen, "%s: not an ELF executable and no #! line (execve would fail: "
			 "Exec format error)", subject);
		return -1;
	case HB_NO_INTERP:
		snprintf(err, errlen, "%s: its #! line names no interpreter", subject);
		return -1;
	case HB_CUT:
		snprintf(err, errlen, "%s: its #! line has no end in the %d bytes Linux reads: the "
			 "interpreter's name would be cut off", subject, BINPRM_BUF);
		return -1;
	case HB_OK:
		break;
	}
	/* a relative interpreter is opened from the working directory: the bootstrap's folder */
	if (interp[0] == '/')
		strlcpy0(ipath, interp, sizeof(ipath));
	else
		snprintf(ipath, sizeof(ipath), "%s/%s", dir, interp);
	if (ends_in_cr(interp) && access(ipath, F_OK)) {
		snprintf(err, errlen, "%s: interpreter '%s' not found: the script has CRLF line endings",
			 subject, interp);
		return -1;
	}
	if (ends_in_cr(arg)) {
		snprintf(err, errlen, "%s: its #! line ends in \r: the script has CRLF line endings "
			 "(interpreter '%s' would get the argument '%s')", subject,
			 interp, arg);
		return -1;
	}
	if (!here)
		return 0;
	if (check_exec_file(subject, "interpreter", interp, ipath, err, errlen))
		return -1;
	snprintf(isubject, sizeof(isubject), "interpreter %s of %s", interp,
		 top);
	return check_runnable(ipath, isubject, top, dir, depth + 1, here, err, errlen);
}

int elf_check_runnable(const char *path, bool here, char *err, size_t errlen)
{
	char real[PATH_MAX], dir[PATH_MAX], *slash;

	if (!realpath(path, real)) {
		snprintf(err, errlen, "cannot resolve %s: %s", path, strerror(errno));
		return -1;
	}
	strlcpy0(dir, real, sizeof(dir));
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (here && check_exec_file(path, NULL, NULL, path, err, errlen))
		return -1;
	return check_runnable(path, path, path, dir, 0, here, err, errlen);
}
