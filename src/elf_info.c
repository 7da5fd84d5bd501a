#include "elf_info.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "util.h"

#ifndef DF_1_NODEFLIB
#define DF_1_NODEFLIB 0x00000800
#endif

/* Objects followed in one load set: far above any real program, bounds a pathological tree. */
#define LOADSET_MAX	4096

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
/* /etc/ld.so.cache                                                           */

#define LDC_OLD_MAGIC	"ld.so-1.7.0"		/* 11 bytes, then uint32 nlibs (header 16) */
#define LDC_NEW_MAGIC	"glibc-ld.so.cache1.1"	/* 17 + 3 bytes */
#define LDC_NEW_HDR	48	/* magic+version 20, nlibs 4, len_strings 4, flags 1+3, ext 4, 12 */
#define LDC_NEW_ENT	24	/* int32 flags, uint32 key, uint32 value, uint32 osversion, uint64 hwcap */
#define LDC_OLD_ENT	12
#define LDC_LIBC6	0x0003	/* FLAG_ELF_LIBC6 */
#define LDC_ELF		0x0001	/* FLAG_ELF */

struct ld_cache {
	unsigned char *buf;
	size_t len;
	size_t base;		/* offset of the new-format header: string offsets start there */
	uint32_t nlibs;
};

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

struct ld_cache *ld_cache_parse(const void *data, size_t len, char *err, size_t errlen)
{
	const unsigned char *b = data;
	struct ld_cache *c;
	size_t base = 0;
	uint32_t nlibs;
	uint8_t endian;

	if (len >= 16 && !memcmp(b, LDC_OLD_MAGIC, strlen(LDC_OLD_MAGIC))) {
		uint64_t end = 16 + (uint64_t)rd32(b + 12) * LDC_OLD_ENT;

		end = (end + 7) & ~(uint64_t)7;		/* the new part is 8-aligned */
		if (end > len) {
			snprintf(err, errlen, "ld.so.cache: old-format part beyond the end of the file");
			return NULL;
		}
		base = (size_t)end;
	}
	if (len - base < LDC_NEW_HDR || memcmp(b + base, LDC_NEW_MAGIC, strlen(LDC_NEW_MAGIC))) {
		snprintf(err, errlen, "ld.so.cache: not in the glibc-ld.so.cache1.1 format");
		return NULL;
	}
	nlibs = rd32(b + base + 20);
	endian = b[base + 28];
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (endian != 0 && endian != 2) {
#else
	if (endian != 0 && endian != 3) {
#endif
		snprintf(err, errlen, "ld.so.cache: written for the other byte order");
		return NULL;
	}
	if ((uint64_t)nlibs * LDC_NEW_ENT > len - base - LDC_NEW_HDR) {
		snprintf(err, errlen, "ld.so.cache: %u entries do not fit in the file", nlibs);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (c)
		c->buf = malloc(len ? len : 1);
	if (!c || !c->buf) {
		free(c);
		snprintf(err, errlen, "ld.so.cache: out of memory");
		return NULL;
	}
	memcpy(c->buf, b, len);
	c->len = len;
	c->base = base;
	c->nlibs = nlibs;
	return c;
}

struct ld_cache *ld_cache_load(const char *path, char *err, size_t errlen)
{
	struct ld_cache *c;
	size_t len;
	char *buf = read_file_all(path, 64u << 20, &len);

	if (!buf) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	c = ld_cache_parse(buf, len, err, errlen);
	free(buf);
	return c;
}

size_t ld_cache_count(const struct ld_cache *c)
{
	return c ? c->nlibs : 0;
}

void ld_cache_free(struct ld_cache *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c);
}

/* The cache flags glibc's ld.so accepts for objects of this ABI (ldconfig.h FLAG_*), or -1. */
static int cache_flags_for(unsigned machine, int elf_class)
{
	switch (machine) {
	case EM_X86_64: return elf_class == 64 ? 0x0303 : 0x0803;	/* x86-64, x32 */
	case EM_AARCH64: return 0x0a03;
	case EM_386: return LDC_LIBC6;
	case EM_S390: return elf_class == 64 ? 0x0403 : LDC_LIBC6;
	case EM_PPC64: return 0x0503;
	case EM_PPC: return LDC_LIBC6;
	default: return -1;
	}
}

static const char *cache_str(const struct ld_cache *c, uint32_t off)
{
	size_t at = c->base + off;

	if (off >= c->len - c->base || !memchr(c->buf + at, '\0', c->len - at))
		return NULL;
	return (const char *)c->buf + at;
}

const char *ld_cache_lookup(const struct ld_cache *c, const char *name, unsigned machine,
			    int elf_class)
{
	int want = cache_flags_for(machine, elf_class);
	uint32_t i;

	if (!c || !name || want < 0)
		return NULL;
	for (i = 0; i < c->nlibs; i++) {
		const unsigned char *e = c->buf + c->base + LDC_NEW_HDR + (size_t)i * LDC_NEW_ENT;
		int32_t flags = (int32_t)rd32(e);
		const char *key, *val;

		if (flags != want && !(want == LDC_LIBC6 && flags == LDC_ELF))
			continue;
		if (rd64(e + 16) != 0)		/* glibc-hwcaps / legacy hwcap entry */
			continue;
		key = cache_str(c, rd32(e + 4));
		if (!key || strcmp(key, name))
			continue;
		val = cache_str(c, rd32(e + 8));
		if (val && *val)
			return val;
	}
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* default directories                                                        */

#define MA_DIRS(t) { "/lib/" t, "/usr/lib/" t, "/lib", "/usr/lib", NULL }
static const char *const dirs_x86_64[] = MA_DIRS("x86_64-linux-gnu");
static const char *const dirs_x32[] = MA_DIRS("x86_64-linux-gnux32");
static const char *const dirs_i386[] = MA_DIRS("i386-linux-gnu");
static const char *const dirs_aarch64[] = MA_DIRS("aarch64-linux-gnu");
static const char *const dirs_armhf[] = MA_DIRS("arm-linux-gnueabihf");
static const char *const dirs_ppc64le[] = MA_DIRS("powerpc64le-linux-gnu");
static const char *const dirs_s390x[] = MA_DIRS("s390x-linux-gnu");
static const char *const dirs_riscv64[] = MA_DIRS("riscv64-linux-gnu");
static const char *const dirs_lib64[] = { "/lib64", "/usr/lib64", NULL };
static const char *const dirs_lib[] = { "/lib", "/usr/lib", NULL };

static const char *const *multiarch_dirs(unsigned machine, int elf_class)
{
	switch (machine) {
	case EM_X86_64: return elf_class == 64 ? dirs_x86_64 : dirs_x32;
	case EM_386: return dirs_i386;
	case EM_AARCH64: return dirs_aarch64;
	case EM_ARM: return dirs_armhf;
	case EM_PPC64: return dirs_ppc64le;
	case EM_S390: return dirs_s390x;
	case EM_RISCV: return dirs_riscv64;
	default: return NULL;
	}
}

/* A Debian-style multiarch host has /lib/<triplet>; otherwise 64-bit libraries live in
 * /lib64 and /usr/lib64 (Fedora, Amazon Linux: Lambda's images). */
const char *const *elf_default_dirs(unsigned machine, int elf_class)
{
	const char *const *ma = multiarch_dirs(machine, elf_class);
	struct stat st;

	if (ma && stat(ma[0], &st) == 0 && S_ISDIR(st.st_mode))
		return ma;
	return elf_class == 64 ? dirs_lib64 : dirs_lib;
}

/* $LIB as this host's ld.so expands it: the first default directory, without its '/'. */
static const char *lib_token(unsigned machine, int elf_class)
{
	return elf_default_dirs(machine, elf_class)[0] + 1;
}

static const char *platform_token(unsigned machine)
{
	switch (machine) {
	case EM_386: return "i686";
	case EM_ARM: return "v7l";
	case EM_PPC64: return "powerpc64le";
	default: return elf_machine_name(machine) ? elf_machine_name(machine) : "";
	}
}

/* ------------------------------------------------------------------------ */
/* the load set                                                               */

static void obj_free(struct elf_obj *o)
{
	free(o->name);
	free(o->path);
	free(o->error);
	free(o->origin);
	elf_dyn_free(&o->dyn);
}

void elf_loadset_free(struct elf_loadset *ls)
{
	size_t i;

	if (!ls)
		return;
	for (i = 0; i < ls->n; i++)
		obj_free(&ls->objs[i]);
	free(ls->objs);
	ld_cache_free(ls->cache);
	memset(ls, 0, sizeof(*ls));
}

static int new_obj(struct elf_loadset *ls, enum elf_obj_kind kind, const char *name, int needed_by,
		   int root)
{
	struct elf_obj *o;

	if (ls->n >= LOADSET_MAX)
		return -1;
	if (ls->n == ls->cap) {
		size_t ncap = ls->cap ? ls->cap * 2 : 16;
		struct elf_obj *no = realloc(ls->objs, ncap * sizeof(*no));

		if (!no)
			return -1;
		ls->objs = no;
		ls->cap = ncap;
	}
	o = &ls->objs[ls->n];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->needed_by = needed_by;
	o->root = root < 0 ? (int)ls->n : root;
	o->dup_of = -1;
	o->name = strdup(name);
	if (!o->name)
		return -1;
	return (int)ls->n++;
}

/* Join dir and name; relative results are made absolute from cwd. */
static void join_path(char *out, size_t n, const char *cwd, const char *dir, const char *name)
{
	char tmp[PATH_MAX];

	if (dir && *dir)
		snprintf(tmp, sizeof(tmp), "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	else
		snprintf(tmp, sizeof(tmp), "%s", name);
	if (tmp[0] == '/' || !cwd)
		snprintf(out, n, "%s", tmp);
	else
		snprintf(out, n, "%s/%s", cwd, tmp);
}

static char *dir_of(const char *path)
{
	char *d = strdup(path);
	char *slash;

	if (!d)
		return NULL;
	slash = strrchr(d, '/');
	if (!slash)
		strcpy(d, ".");
	else if (slash == d)
		d[1] = '\0';
	else
		*slash = '\0';
	return d;
}

/* Candidate for a DT_NEEDED name: a regular file, ELF of the root's class and machine. On
 * success the facts and the dynamic entries are in *f and *d (to be owned by the caller). */
static bool candidate_ok(const char *path, const struct elf_obj *root, struct stat *st,
			 struct elf_facts *f, struct elf_dyn *d)
{
	char err[256];

	if (stat(path, st) != 0 || !S_ISREG(st->st_mode))
		return false;
	if (elf_inspect_dyn(path, f, d, err, sizeof(err)) != 0)
		return false;
	if (!f->is_elf || f->elf_class != root->facts.elf_class ||
	    f->machine != root->facts.machine) {
		elf_dyn_free(d);
		return false;
	}
	return true;
}

/* Length of the token at s (just after a '$': "ORIGIN" or "{ORIGIN}") if it is tok, else 0. */
static size_t dst_match(const char *s, size_t len, const char *tok)
{
	size_t tl = strlen(tok);
	char c;

	if (len >= tl + 2 && s[0] == '{' && !strncmp(s + 1, tok, tl) && s[tl + 1] == '}')
		return tl + 2;
	if (len < tl || strncmp(s, tok, tl))
		return 0;
	c = len > tl ? s[tl] : '\0';
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
		return 0;
	return tl;
}

/* Expand $ORIGIN, $LIB, $PLATFORM (also ${...}) in one search-path element of length len. */
static bool expand_dst(const char *in, size_t len, const char *origin, const struct elf_obj *root,
		       char *out, size_t outlen)
{
	size_t o = 0, i = 0;

	while (i < len) {
		const char *rep = NULL;
		size_t skip = 0;

		if (in[i] == '$') {
			if ((skip = dst_match(in + i + 1, len - i - 1, "ORIGIN"))) {
				rep = origin;
				if (!rep)
					return false;
			} else if ((skip = dst_match(in + i + 1, len - i - 1, "LIB"))) {
				rep = lib_token(root->facts.machine, root->facts.elf_class);
			} else if ((skip = dst_match(in + i + 1, len - i - 1, "PLATFORM"))) {
				rep = platform_token(root->facts.machine);
			}
		}
		if (rep) {
			size_t rl = strlen(rep);

			if (o + rl >= outlen)
				return false;
			memcpy(out + o, rep, rl);
			o += rl;
			i += skip + 1;
		} else {
			if (o + 1 >= outlen)
				return false;
			out[o++] = in[i++];
		}
	}
	out[o] = '\0';
	return true;
}

struct found {
	char path[PATH_MAX];
	struct stat st;
	struct elf_facts f;
	struct elf_dyn d;
};

/* Try every element of a colon-separated path list. An empty element is the current dir. */
static bool search_list(const char *list, const char *origin, const struct elf_obj *root,
			const char *name, const char *cwd, struct found *fd)
{
	const char *p = list;

	for (;;) {
		const char *e = strchr(p, ':');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char dir[PATH_MAX];

		if (expand_dst(p, len, origin, root, dir, sizeof(dir))) {
			join_path(fd->path, sizeof(fd->path), cwd, dir[0] ? dir : ".", name);
			if (candidate_ok(fd->path, root, &fd->st, &fd->f, &fd->d))
				return true;
		}
		if (!e)
			return false;
		p = e + 1;
	}
}

static bool search_dirs(const char *const *dirs, const struct elf_obj *root, const char *name,
			struct found *fd)
{
	size_t i;

	for (i = 0; dirs && dirs[i]; i++) {
		join_path(fd->path, sizeof(fd->path), NULL, dirs[i], name);
		if (candidate_ok(fd->path, root, &fd->st, &fd->f, &fd->d))
			return true;
	}
	return false;
}

static bool resolve(struct elf_loadset *ls, int q, const char *name, const struct elf_search *s,
		    struct found *fd)
{
	const struct elf_obj *ld = &ls->objs[q];
	const struct elf_obj *root = &ls->objs[ld->root];
	const char *hit;
	int l;

	if (strchr(name, '/')) {
		join_path(fd->path, sizeof(fd->path), s->cwd, NULL, name);
		return candidate_ok(fd->path, root, &fd->st, &fd->f, &fd->d);
	}
	/* DT_RPATH of the needing object, of its loader and so on up to the program,
	 * unless the needing object has DT_RUNPATH (then each one with DT_RUNPATH is skipped) */
	if (!ld->dyn.runpath) {
		for (l = q; l >= 0; l = ls->objs[l].needed_by) {
			const struct elf_obj *o = &ls->objs[l];

			if (o->dyn.rpath && !o->dyn.runpath &&
			    search_list(o->dyn.rpath, o->origin, root, name, s->cwd, fd))
				return true;
			if (l == ld->root)
				break;
		}
	}
	if (s->ld_library_path &&
	    search_list(s->ld_library_path, root->origin, root, name, s->cwd, fd))
		return true;
	if (ld->dyn.runpath && search_list(ld->dyn.runpath, ld->origin, root, name, s->cwd, fd))
		return true;
	if (ld->dyn.nodeflib)
		return false;
	if (s->ld_cache && !ls->cache_tried) {
		char err[256];

		ls->cache_tried = true;
		ls->cache = ld_cache_load(s->ld_cache, err, sizeof(err));
		if (!ls->cache)
			strlcpy0(ls->cache_err, err, sizeof(ls->cache_err));
	}
	hit = ld_cache_lookup(ls->cache, name, root->facts.machine, root->facts.elf_class);
	if (hit) {
		strlcpy0(fd->path, hit, sizeof(fd->path));
		if (candidate_ok(fd->path, root, &fd->st, &fd->f, &fd->d))
			return true;
	}
	return search_dirs(s->dirs ? s->dirs : elf_default_dirs(root->facts.machine,
								root->facts.elf_class),
			   root, name, fd);
}

/* The object already loaded (or already missing) in this process under that name or soname,
 * or -1. */
static int loaded_as(const struct elf_loadset *ls, int root, const char *name)
{
	size_t i;

	for (i = (size_t)root; i < ls->n; i++) {
		const struct elf_obj *o = &ls->objs[i];

		if (o->root != root)
			continue;
		if (!strcmp(o->name, name) || (o->dyn.soname && !strcmp(o->dyn.soname, name)))
			return (int)i;
	}
	return -1;
}

static int same_file(const struct elf_loadset *ls, int root, dev_t dev, ino_t ino, int *other)
{
	size_t i;

	*other = -1;
	for (i = 0; i < ls->n; i++) {
		const struct elf_obj *o = &ls->objs[i];

		if (!o->path || o->dev != dev || o->ino != ino)
			continue;
		if (o->root == root)
			return (int)i;
		if (*other < 0)
			*other = (int)i;
	}
	return -1;
}

/* Record a found file in objs[i]: path, size, facts, identity, byte count. Takes fd's dyn. */
static int obj_set_found(struct elf_loadset *ls, int i, const char *path, const struct stat *st,
			 const struct elf_facts *f, struct elf_dyn *d, const char *origin_of)
{
	struct elf_obj *o = &ls->objs[i];
	int other;

	o->path = strdup(path);
	o->origin = dir_of(origin_of);
	if (!o->path || !o->origin) {
		elf_dyn_free(d);
		return -1;
	}
	o->size_bytes = (uint64_t)st->st_size;
	o->dev = st->st_dev;
	o->ino = st->st_ino;
	if (f)
		o->facts = *f;
	if (d)
		o->dyn = *d;
	same_file(ls, -2, o->dev, o->ino, &other);
	if (other >= 0 && other != i) {
		o->dup_of = other;
	} else {
		ls->total_bytes += o->size_bytes;
		ls->n_files++;
	}
	return 0;
}

static int add_interp(struct elf_loadset *ls, int q, const char *interp,
		      const struct elf_search *s)
{
	int root = ls->objs[q].root, i;
	struct found *fd;

	if (loaded_as(ls, root, interp) >= 0)
		return 0;
	i = new_obj(ls, ELF_OBJ_INTERP, interp, q, root);
	if (i < 0)
		return -1;
	fd = calloc(1, sizeof(*fd));
	if (!fd)
		return -1;
	join_path(fd->path, sizeof(fd->path), s->cwd, NULL, interp);
	if (stat(fd->path, &fd->st) == 0 && S_ISREG(fd->st.st_mode)) {
		char err[512];
		int rc;

		if (elf_inspect_dyn(fd->path, &fd->f, &fd->d, err, sizeof(err)) != 0) {
			ls->objs[i].error = strdup(err);
			rc = obj_set_found(ls, i, fd->path, &fd->st, NULL, NULL, fd->path);
		} else {
			rc = obj_set_found(ls, i, fd->path, &fd->st, &fd->f, &fd->d, fd->path);
		}
		free(fd);
		return rc;
	}
	ls->n_missing++;
	free(fd);
	return 0;
}

/* Follow DT_NEEDED breadth-first (the loader's order) from objs[start] within its process. */
static int walk_needed(struct elf_loadset *ls, int start, const struct elf_search *s)
{
	int root = ls->objs[start].root;
	struct found *fd = malloc(sizeof(*fd));
	size_t q;

	if (!fd)
		return -1;
	for (q = (size_t)start; q < ls->n; q++) {
		size_t k;

		if (ls->objs[q].root != root || !ls->objs[q].path)
			continue;
		for (k = 0; k < ls->objs[q].dyn.n_needed; k++) {
			const char *name = ls->objs[q].dyn.needed[k];
			int i, other;

			if (loaded_as(ls, root, name) >= 0)
				continue;
			memset(&fd->f, 0, sizeof(fd->f));
			memset(&fd->d, 0, sizeof(fd->d));
			if (!resolve(ls, (int)q, name, s, fd)) {
				i = new_obj(ls, ELF_OBJ_NEEDED, name, (int)q, root);
				if (i < 0)
					goto fail;
				ls->n_missing++;
				continue;
			}
			/* a file already loaded under another name (ld.so via libc's DT_NEEDED) */
			if (same_file(ls, root, fd->st.st_dev, fd->st.st_ino, &other) >= 0) {
				elf_dyn_free(&fd->d);
				continue;
			}
			i = new_obj(ls, ELF_OBJ_NEEDED, name, (int)q, root);
			if (i < 0) {
				elf_dyn_free(&fd->d);
				goto fail;
			}
			if (obj_set_found(ls, i, fd->path, &fd->st, &fd->f, &fd->d, fd->path))
				goto fail;
		}
	}
	free(fd);
	return 0;
fail:
	free(fd);
	return -1;
}

int elf_loadset_add(struct elf_loadset *ls, const char *path, int parent,
		    const struct elf_search *s)
{
	static const struct elf_search none;
	struct elf_facts *f;
	struct elf_dyn d = { 0 };
	struct stat st;
	char err[512], real[PATH_MAX], full[PATH_MAX];
	int i, rc = -1;

	if (!s)
		s = &none;
	i = new_obj(ls, parent < 0 ? ELF_OBJ_MAIN : ELF_OBJ_EXEC, path, parent, -1);
	if (i < 0)
		return -1;
	join_path(full, sizeof(full), s->cwd, NULL, path);
	if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
		ls->n_missing++;
		return i;
	}
	f = malloc(sizeof(*f));
	if (!f)
		return -1;
	if (elf_inspect_dyn(full, f, &d, err, sizeof(err)) != 0) {
		ls->objs[i].error = strdup(err);
		rc = obj_set_found(ls, i, full, &st, NULL, NULL, full) ? -1 : i;
		free(f);
		return rc;
	}
	/* $ORIGIN of the program: the kernel's view of it, symlinks resolved */
	if (obj_set_found(ls, i, full, &st, f, &d, realpath(full, real) ? real : full))
		goto out;
	if (f->is_elf && f->interpreter[0] && add_interp(ls, i, f->interpreter, s))
		goto out;
	if (f->is_elf && walk_needed(ls, i, s))
		goto out;
	rc = i;
out:
	free(f);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* deflated size                                                              */

struct deflater {
	z_stream zs;
	unsigned char out[65536];
	uint64_t total;
};

static int deflater_init(struct deflater *z)
{
	memset(&z->zs, 0, sizeof(z->zs));
	z->total = 0;
	/* raw deflate (negative window bits): zip's method 8 holds exactly this stream */
	return deflateInit2(&z->zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK ? 0 : -1;
}

static int deflater_feed(struct deflater *z, const void *buf, size_t len, bool last)
{
	int rc;

	z->zs.next_in = (Bytef *)buf;
	z->zs.avail_in = (uInt)len;
	do {
		z->zs.next_out = z->out;
		z->zs.avail_out = sizeof(z->out);
		rc = deflate(&z->zs, last ? Z_FINISH : Z_NO_FLUSH);
		if (rc == Z_STREAM_ERROR)
			return -1;
		z->total += sizeof(z->out) - z->zs.avail_out;
	} while (z->zs.avail_out == 0 || (last && rc != Z_STREAM_END));
	return 0;
}

int deflated_size_mem(const void *buf, size_t len, uint64_t *out)
{
	struct deflater *z = malloc(sizeof(*z));
	const unsigned char *p = buf;
	int rc = -1;

	if (!z || deflater_init(z)) {
		free(z);
		return -1;
	}
	/* uInt is 32 bits: feed in pieces */
	while (len > (1u << 30)) {
		if (deflater_feed(z, p, 1u << 30, false))
			goto out;
		p += 1u << 30;
		len -= 1u << 30;
	}
	if (deflater_feed(z, p, len, true))
		goto out;
	*out = z->total;
	rc = 0;
out:
	deflateEnd(&z->zs);
	free(z);
	return rc;
}

int deflated_size_file(const char *path, uint64_t *out, char *err, size_t errlen)
{
	struct deflater *z = malloc(sizeof(*z));
	unsigned char *in = malloc(65536);
	int fd = -1, rc = -1;

	if (!z || !in || deflater_init(z)) {
		snprintf(err, errlen, "deflate: out of memory");
		free(z);
		free(in);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, in, 65536);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		if (deflater_feed(z, in, (size_t)n, n == 0)) {
			snprintf(err, errlen, "deflate failed on %s", path);
			goto out;
		}
		if (n == 0)
			break;
	}
	*out = z->total;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	deflateEnd(&z->zs);
	free(z);
	free(in);
	return rc;
}
