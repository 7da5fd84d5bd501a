/* The load set: every file mapped when a program starts (the program, its dynamic loader and
 * its DT_NEEDED shared objects, transitively), found where this host's dynamic loader would
 * find them. */
#ifndef LIBSEARCH_H
#define LIBSEARCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "elf_info.h"

struct ld_cache;

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
#endif
