/* Where this host's dynamic loader finds the shared objects a program needs: the default
 * directories, $ORIGIN/$LIB/$PLATFORM expansion, and the load set built from them. */
#include "libsearch.h"

#include <elf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ldcache.h"
#include "util.h"

/* Objects followed in one load set: far above any real program, bounds a pathological tree. */
#define LOADSET_MAX	4096

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
