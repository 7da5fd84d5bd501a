/* Facts about a bootstrap file: ELF class/machine, static or dynamic, stripped, section sizes,
 * the dynamic entries the loader reads; or a script and its interpreter. Where the loader finds
 * the libraries is libsearch.h; /etc/ld.so.cache is ldcache.h. */
#ifndef ELF_INFO_H
#define ELF_INFO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Section bytes by group (sh_size summed):
 *   text    SHF_ALLOC + SHF_EXECINSTR: .text, .plt, .init, ...
 *   rodata  other SHF_ALLOC, read-only: .rodata, .eh_frame, .dynsym, notes, ...
 *   data    SHF_ALLOC + SHF_WRITE with file bytes: .data, .got, .dynamic, ...
 *   bss     SHF_ALLOC + SHT_NOBITS: .bss, .tbss (memory only, no file bytes)
 *   debug   .debug* and .zdebug* sections
 *   other   the rest with file bytes: .symtab, .strtab, .comment, ... */
struct elf_sections {
	uint64_t text;
	uint64_t rodata;
	uint64_t data;
	uint64_t bss;
	uint64_t debug;
	uint64_t other;
};

struct elf_facts {
	uint64_t size_bytes;
	bool is_elf;
	bool is_script;		/* starts with #! */
	char interpreter[256];	/* PT_INTERP, or the shebang's program */
	int elf_class;		/* 32 or 64 */
	unsigned machine;	/* e_machine */
	char arch[16];		/* "x86_64", "arm64", or "" for others */
	bool is_static;		/* ELF without PT_INTERP */
	bool stripped;		/* ELF without .symtab */
	bool has_debug;		/* .debug_* sections */
	/* added for 'profiler memory' */
	char shebang_arg[256];	/* script: the rest of the #! line, trimmed */
	unsigned elf_type;	/* e_type: ET_EXEC, ET_DYN, ... */
	bool has_symtab;	/* a SHT_SYMTAB section (the opposite of stripped) */
	unsigned debug_sections; /* number of .debug* / .zdebug* sections */
	bool has_section_headers; /* a section header table: sections below are meaningful */
	struct elf_sections sections;
	bool has_dynamic;	/* PT_DYNAMIC */
};

/* What the dynamic loader reads from PT_DYNAMIC (strings are malloc'd). */
struct elf_dyn {
	char **needed;		/* DT_NEEDED, in order */
	size_t n_needed;
	char *rpath;		/* DT_RPATH, or NULL */
	char *runpath;		/* DT_RUNPATH, or NULL */
	char *soname;		/* DT_SONAME, or NULL */
	bool nodeflib;		/* DF_1_NODEFLIB: no ld.so.cache, no default directories */
};

/* Inspect path. Returns 0, or -1 with one line in err (unreadable, truncated ELF, ...).
 * A file that is neither ELF nor #! script gives 0 with is_elf and is_script false. */
int elf_inspect(const char *path, struct elf_facts *f, char *err, size_t errlen);
/* The same, and the dynamic entries into d (may be NULL); free d with elf_dyn_free(). */
int elf_inspect_dyn(const char *path, struct elf_facts *f, struct elf_dyn *d, char *err,
		    size_t errlen);
/* The same on a file image in memory (libelf may use buf in place: it must stay valid and
 * unchanged during the call). size_bytes is len. */
int elf_inspect_mem(void *buf, size_t len, struct elf_facts *f, struct elf_dyn *d, char *err,
		    size_t errlen);
void elf_dyn_free(struct elf_dyn *d);

/* The ELF entry point (e_entry) of path and where its bytes are in the file (through the
 * executable PT_LOAD segment holding it): where a uprobe marks "the program's own code starts".
 * Returns 0, or -1 with one line in err. */
int elf_entry_offset(const char *path, uint64_t *vaddr, uint64_t *off, char *err, size_t errlen);

/*
 * Can execve run path? The kernel's own rules, checked before anything runs so that a
 * bootstrap that cannot start gets one line saying why instead of N cold starts that fail
 * with "No such file or directory" or "Exec format error":
 *   an empty file; a file that is neither ELF nor starts with #! (ENOEXEC); a #! line (the
 *   first 256 bytes, as Linux reads it) that names no interpreter or is cut off; a #! line
 *   ending in \r (CRLF line endings: the interpreter would be "/bin/sh\r").
 * here: also what running it on this host takes: an ELF executable (ET_EXEC or ET_DYN) for
 *   this host's architecture whose dynamic loader (PT_INTERP) exists; a #! interpreter that
 *   exists, is a regular file and executable, and is itself runnable (checked the same way,
 *   as many levels as the kernel follows). A relative interpreter is looked up from the
 *   folder of path, where the bootstrap is started.
 * Returns 0, or -1 with one line in err. Names are in it as they are (a \r stays a
 * carriage return): out_error makes the line safe for a terminal when it prints it.
 */
int elf_check_runnable(const char *path, bool here, char *err, size_t errlen);

/* Lambda's name of the host architecture: "x86_64", "arm64", or uname's. */
const char *host_arch(void);
/* "x86_64", "aarch64", "i386", ... for an e_machine, or NULL if not one we name. */
const char *elf_machine_name(unsigned machine);
/* "EXEC", "DYN", "REL", "CORE", or "OTHER". */
const char *elf_type_name(unsigned e_type);
#endif
