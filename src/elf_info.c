#include "elf_info.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util.h"

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

static void read_shebang(int fd, struct elf_facts *f)
{
	char line[300];
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
	char *p, *e;

	if (n < 2 || line[0] != '#' || line[1] != '!')
		return;
	f->is_script = true;
	line[n] = '\0';
	p = line + 2;
	while (*p == ' ' || *p == '\t')
		p++;
	e = p;
	while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r')
		e++;
	*e = '\0';
	strlcpy0(f->interpreter, p, sizeof(f->interpreter));
}

int elf_inspect(const char *path, struct elf_facts *f, char *err, size_t errlen)
{
	unsigned char ident[EI_NIDENT];
	Elf *elf = NULL;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	struct stat st;
	size_t shstrndx, i, nph;
	int fd, ret = -1;

	memset(f, 0, sizeof(*f));
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
	if (pread(fd, ident, sizeof(ident), 0) != (ssize_t)sizeof(ident) ||
	    memcmp(ident, ELFMAG, SELFMAG) != 0) {
		read_shebang(fd, f);
		ret = 0;
		goto out;
	}
	f->is_elf = true;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(err, errlen, "libelf: %s", elf_errmsg(-1));
		goto out;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		snprintf(err, errlen, "%s: invalid or truncated ELF: %s", path, elf_errmsg(-1));
		goto out;
	}
	f->elf_class = gelf_getclass(elf) == ELFCLASS32 ? 32 : 64;
	f->machine = eh.e_machine;
	if (eh.e_machine == EM_X86_64)
		strlcpy0(f->arch, "x86_64", sizeof(f->arch));
	else if (eh.e_machine == EM_AARCH64)
		strlcpy0(f->arch, "arm64", sizeof(f->arch));
	if (elf_getphdrnum(elf, &nph) != 0) {
		snprintf(err, errlen, "%s: invalid or truncated ELF: %s", path, elf_errmsg(-1));
		goto out;
	}
	f->is_static = true;
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_INTERP && ph.p_offset < f->size_bytes) {
			size_t len = ph.p_filesz < sizeof(f->interpreter) - 1 ? ph.p_filesz
									: sizeof(f->interpreter) - 1;
			ssize_t r = pread(fd, f->interpreter, len, (off_t)ph.p_offset);

			f->interpreter[r > 0 ? (size_t)r : 0] = '\0';
			f->is_static = false;
		}
	}
	f->stripped = true;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		shstrndx = 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			f->stripped = false;
		name = shstrndx ? elf_strptr(elf, shstrndx, sh.sh_name) : NULL;
		if (name && !strncmp(name, ".debug_", 7))
			f->has_debug = true;
	}
	ret = 0;
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}
