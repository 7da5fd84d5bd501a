/* Facts about a bootstrap file: ELF class/machine, static or dynamic, stripped, section sizes; or
 * a script and its interpreter. The shared objects a dynamic executable needs and where this host's
 * dynamic loader would find them (the "load set"), /etc/ld.so.cache, and the deflated size a zip
 * package would hold. */
#ifndef ELF_INFO_H
#define ELF_INFO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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

/* Lambda's name of the host architecture: "x86_64", "arm64", or uname's. */
const char *host_arch(void);
/* "x86_64", "aarch64", "i386", ... for an e_machine, or NULL if not one we name. */
const char *elf_machine_name(unsigned machine);
/* "EXEC", "DYN", "REL", "CORE", or "OTHER". */
const char *elf_type_name(unsigned e_type);

/* --- /etc/ld.so.cache ("glibc-ld.so.cache1.1", alone or after the old "ld.so-1.7.0" part) --- */
struct ld_cache;
struct ld_cache *ld_cache_parse(const void *buf, size_t len, char *err, size_t errlen);
struct ld_cache *ld_cache_load(const char *path, char *err, size_t errlen);
/* The path ld.so would take from the cache for name, for objects of this class and machine
 * (entries for other ABIs and glibc-hwcaps entries are skipped); NULL if none. Points into c. */
const char *ld_cache_lookup(const struct ld_cache *c, const char *name, unsigned machine,
			    int elf_class);
size_t ld_cache_count(const struct ld_cache *c);
void ld_cache_free(struct ld_cache *c);

/* --- the load set: every file mapped when the program starts -------------------------------- */
enum elf_obj_kind {
	ELF_OBJ_MAIN,		/* the file given */
	ELF_OBJ_EXEC,		/* exec'd on the way: a script's interpreter, env's target */
	ELF_OBJ_INTERP,		/* PT_INTERP, the dynamic loader */
	ELF_OBJ_NEEDED,		/* a DT_NEEDED shared object */
};

struct elf_obj {
	enum elf_obj_kind kind;
	char *name;		/* the DT_NEEDED name, or the path as given */
	char *path;		/* where it was found; NULL: not found */
	uint64_t size_bytes;	/* 0 if not found */
	int needed_by;		/* index of the object that needs / runs it; -1 for MAIN */
	int root;		/* index of the MAIN/EXEC object of its process */
	int dup_of;		/* same file as objs[dup_of] (counted once); -1 if first */
	char *error;		/* found but unreadable or invalid (not followed), or NULL */
	struct elf_facts facts;	/* valid when path && !error */
	/* the loader's view of it */
	struct elf_dyn dyn;
	char *origin;		/* $ORIGIN */
	dev_t dev;
	ino_t ino;
};

struct elf_search {
	const char *ld_cache;		/* e.g. "/etc/ld.so.cache"; NULL: no cache */
	const char *const *dirs;	/* default dirs, NULL-terminated; NULL: this host's */
	const char *ld_library_path;	/* NULL: not used */
	const char *cwd;		/* relative paths start here; NULL: the process's cwd */
};

/* Zero-initialise before the first add. */
struct elf_loadset {
	struct elf_obj *objs;
	size_t n, cap;
	uint64_t total_bytes;	/* every file found, each counted once */
	size_t n_files;		/* files counted in total_bytes */
	size_t n_missing;	/* DT_NEEDED (or programs) not found */
	struct ld_cache *cache;
	bool cache_tried;
	char cache_err[256];	/* why the cache was not used, or "" */
};

/* Add path (run by objs[parent], or -1 for the file given) and, if it is a dynamic ELF, its
 * interpreter and every DT_NEEDED object, transitively, searched as glibc's ld.so does:
 * DT_RPATH of the loader chain (if the needing object has no DT_RUNPATH), LD_LIBRARY_PATH (only
 * if s->ld_library_path), DT_RUNPATH, ld.so.cache, default directories; $ORIGIN, $LIB and
 * $PLATFORM expanded. Returns the new object's index, or -1 (out of memory). */
int elf_loadset_add(struct elf_loadset *ls, const char *path, int parent,
		    const struct elf_search *s);
void elf_loadset_free(struct elf_loadset *ls);
/* This host's default library directories for an ELF class and machine (NULL-terminated,
 * static storage). */
const char *const *elf_default_dirs(unsigned machine, int elf_class);

/* Size of the raw deflate stream (zlib, level 9, 32 KiB window, memLevel 8) of the data: what a
 * zip entry compressed with method 8 holds, without zip's headers. */
int deflated_size_mem(const void *buf, size_t len, uint64_t *out);
int deflated_size_file(const char *path, uint64_t *out, char *err, size_t errlen);
#endif
