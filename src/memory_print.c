/* profiler memory's output: the text and the JSON document. */
#include "memory_print.h"

#include <elf.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "jsonw.h"
#include "output.h"
#include "textout.h"

#define DEFLATE_DESC		"raw deflate stream at zlib level 9, as a zip entry holds it; zip headers not counted"

/* ------------------------------------------------------------------------ */
/* text output: every name and path comes from the file or the file system, and is printed
 * with TX_SAFE */

static void print_target(const char *label, uint64_t size, unsigned kb)
{
	uint64_t t = (uint64_t)kb * 1024;

	if (size <= t)
		printf("\u2713 Within %uKB %s (%llu KB under)\n", kb, label,
		       (unsigned long long)((t - size) / 1024));
	else
		printf("\u2717 Exceeds %uKB %s by %llu KB\n", kb, label,
		       (unsigned long long)tx_kb_up(size - t));
}

static const char *link_desc(const struct elf_facts *f)
{
	if (!f->is_static)
		return "dynamically linked";
	return f->has_dynamic ? "statically linked (static PIE: no interpreter, no libraries)"
			      : "statically linked (no interpreter, no libraries)";
}

static void print_elf_line(const char *label, const struct elf_facts *f)
{
	const char *mn = elf_machine_name(f->machine);

	printf("%s: %d-bit %s (e_machine %u), type %s%s, %s\n", label, f->elf_class,
	       mn ? mn : "unknown machine", f->machine, elf_type_name(f->elf_type),
	       f->elf_type == ET_DYN ? " (position-independent)" : "", link_desc(f));
}

static void print_stripped(const struct elf_facts *f)
{
	if (!f->has_section_headers) {
		printf("Stripped: yes (no section header table at all)\n");
		return;
	}
	printf("Stripped: %s (%s; ", f->stripped ? "yes" : "no",
	       f->has_symtab ? ".symtab present" : "no .symtab");
	if (f->debug_sections)
		printf("%u debug sections, %llu bytes)\n", f->debug_sections,
		       (unsigned long long)f->sections.debug);
	else
		printf("no debug sections)\n");
}

/* The PT_INTERP object loaded for objs[q], or -1. */
static int interp_of(const struct elf_loadset *ls, int q)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		if (ls->objs[i].kind == ELF_OBJ_INTERP && ls->objs[i].needed_by == q)
			return (int)i;
	return -1;
}

static void print_interp(const char *indent, const struct elf_loadset *ls, int q)
{
	int i = interp_of(ls, q);
	const struct elf_obj *o;

	if (i < 0)
		return;
	o = &ls->objs[i];
	if (!o->path)
		printf("%sInterpreter (PT_INTERP): %s not found: it cannot start on this host\n",
		       indent, TX_SAFE(o->name));
	else if (o->error)
		printf("%sInterpreter (PT_INTERP): %s (%llu bytes), unusable: %s\n", indent,
		       TX_SAFE(o->name), (unsigned long long)o->size_bytes, TX_SAFE(o->error));
	else
		printf("%sInterpreter (PT_INTERP): %s (%llu bytes)\n", indent, TX_SAFE(o->name),
		       (unsigned long long)o->size_bytes);
}

static const char *obj_label(const struct elf_obj *o)
{
	return o->kind == ELF_OBJ_NEEDED ? o->name : base_name(o->path ? o->path : o->name);
}

static void print_needed(const struct mem_report *r)
{
	const struct elf_loadset *ls = &r->ls;
	size_t i, n = 0;

	for (i = 0; i < ls->n; i++)
		n += ls->objs[i].kind == ELF_OBJ_NEEDED;
	if (!n) {
		if (ls->n > 1 || r->f.is_elf)
			printf("Libraries (DT_NEEDED): none\n");
		return;
	}
	printf("Libraries (DT_NEEDED, transitively, in load order):\n");
	for (i = 0; i < ls->n; i++) {
		const struct elf_obj *o = &ls->objs[i];
		const struct elf_obj *by = o->needed_by >= 0 ? &ls->objs[o->needed_by] : NULL;
		bool direct = by && by->kind != ELF_OBJ_NEEDED && o->needed_by == 0;

		if (o->kind != ELF_OBJ_NEEDED)
			continue;
		if (!o->path)
			printf("  %s => not found", TX_SAFE(o->name));
		else
			printf("  %s => %s (%llu bytes%s)", TX_SAFE(o->name), TX_SAFE(o->path),
			       (unsigned long long)o->size_bytes,
			       o->dup_of >= 0 ? ", counted once above" : "");
		if (by && !direct)
			printf(", needed by %s", TX_SAFE(obj_label(by)));
		printf("%s\n", o->path ? "" : ": the bootstrap would fail to start");
	}
}

static void print_search(const struct mem_report *r)
{
	const struct elf_loadset *ls = &r->ls;
	const struct elf_obj *root = NULL;
	const char *const *dirs;
	size_t i;

	for (i = 0; i < ls->n; i++) {
		if (ls->objs[i].path && !ls->objs[i].error && ls->objs[i].facts.is_elf &&
		    !ls->objs[i].facts.is_static) {
			root = &ls->objs[i];
			break;
		}
	}
	if (!root)
		return;
	dirs = elf_default_dirs(root->facts.machine, root->facts.elf_class);
	printf("Search: DT_RPATH, DT_RUNPATH, %s%s, then", LD_CACHE,
	       ls->cache_err[0] ? " (unusable)" : "");
	for (i = 0; dirs[i]; i++)
		printf("%s%s", i ? ":" : " ", dirs[i]);
	printf("; LD_LIBRARY_PATH not used (Lambda sets its own)\n");
	if (ls->cache_err[0])
		printf("Note: %s\n", TX_SAFE(ls->cache_err));
}

static void print_total(const struct mem_report *r)
{
	const struct elf_loadset *ls = &r->ls;
	size_t i, k[4] = { 0 };
	static const char *const what[4][2] = {
		{ "binary", "binary" }, { "program", "programs" },
		{ "dynamic loader", "dynamic loaders" }, { "library", "libraries" },
	};
	const char *sep = "";

	for (i = 0; i < ls->n; i++)
		if (ls->objs[i].path && ls->objs[i].dup_of < 0)
			k[ls->objs[i].kind]++;
	printf("Loaded at start: %llu bytes (%llu KB) in %zu file%s: ",
	       (unsigned long long)ls->total_bytes, (unsigned long long)tx_kb_up(ls->total_bytes),
	       ls->n_files, ls->n_files == 1 ? "" : "s");
	for (i = 0; i < 4; i++) {
		const char *w = what[i][k[i] != 1];

		if (!k[i])
			continue;
		if (i == 0 && r->f.is_script)
			w = "script";
		else if (i == 1 && r->f.is_script && k[i] == 1)
			w = "interpreter";
		if (k[i] == 1 && i < 3)
			printf("%s%s", sep, w);
		else
			printf("%s%zu %s", sep, k[i], w);
		sep = " + ";
	}
	printf(" (file sizes, each file once)\n");
	if (ls->n_missing)
		printf("Missing: %zu (the bootstrap would fail to start)\n", ls->n_missing);
}

static void print_sections(const struct elf_facts *f)
{
	const struct elf_sections *s = &f->sections;
	uint64_t in_file;

	if (!f->has_section_headers) {
		printf("Sections: no section header table\n");
		return;
	}
	printf("Sections (bytes): text %llu, rodata %llu, data %llu, bss %llu (memory only), "
	       "debug %llu, other %llu",
	       (unsigned long long)s->text, (unsigned long long)s->rodata,
	       (unsigned long long)s->data, (unsigned long long)s->bss,
	       (unsigned long long)s->debug, (unsigned long long)s->other);
	in_file = s->text + s->rodata + s->data + s->debug + s->other;
	if (in_file <= f->size_bytes)
		printf("; headers and padding %llu", (unsigned long long)(f->size_bytes - in_file));
	printf("\n");
}

static void print_script(const struct mem_report *r)
{
	const struct elf_loadset *ls = &r->ls;
	const struct elf_obj *o;

	printf("Script: #!%s%s%s\n", TX_SAFE(r->f.interpreter), r->f.shebang_arg[0] ? " " : "",
	       TX_SAFE(r->f.shebang_arg));
	if (r->interp < 0) {
		printf("Interpreter: none on the #! line: the kernel cannot run it\n");
		return;
	}
	o = &ls->objs[r->interp];
	if (!o->path) {
		printf("Interpreter: %s not found: the bootstrap would fail to start\n",
		       TX_SAFE(o->name));
		return;
	}
	printf("Interpreter: %s", TX_SAFE(o->name));
	if (strcmp(o->name, o->path))
		printf(" (%s)", TX_SAFE(o->path));
	{
		char real[PATH_MAX];

		if (realpath(o->path, real) && strcmp(real, o->path))
			printf(" -> %s", TX_SAFE(real));
	}
	printf(", %s\n", TX_SIZE(o->size_bytes));
	if (o->error)
		printf("  unusable: %s\n", TX_SAFE(o->error));
	else if (o->facts.is_elf) {
		print_elf_line("  ELF", &o->facts);
		print_interp("  ", ls, r->interp);
	} else if (o->facts.is_script)
		printf("  itself a #! script (#!%s)\n", TX_SAFE(o->facts.interpreter));
	if (r->program_note)
		printf("Program run by env: unknown (%s)\n", r->program_note);
	else if (r->program_name[0] && r->program < 0)
		printf("Program run by env: %s not found on Lambda's PATH (%s): the bootstrap "
		       "would fail to start%s\n", TX_SAFE(r->program_name), LAMBDA_PATH,
		       strpbrk(r->program_name, " \t") ? " (Linux passes the rest of the #! line "
		       "to env as one argument: use env -S to split it)" : "");
	else if (r->program >= 0) {
		o = &ls->objs[r->program];
		printf("Program run by env: %s => %s, %s\n", TX_SAFE(r->program_name),
		       TX_SAFE(o->name), TX_SIZE(o->size_bytes));
		if (!o->path)
			printf("  not found: the bootstrap would fail to start\n");
		else if (o->error)
			printf("  unusable: %s\n", TX_SAFE(o->error));
		else if (o->facts.is_elf) {
			print_elf_line("  ELF", &o->facts);
			print_interp("  ", ls, r->program);
		}
	}
}

void memory_print_text(const struct mem_report *r)
{
	const struct elf_facts *f = &r->f;

	printf("Binary: %s\n", TX_SAFE(r->path));
	printf("Size: %s\n", TX_SIZE(f->size_bytes));
	print_target("target", f->size_bytes, r->target_kb);
	if (STRETCH_KB < r->target_kb)		/* a stretch goal only while it is stricter */
		print_target("stretch goal", f->size_bytes, STRETCH_KB);
	if (f->is_elf) {
		print_elf_line("ELF", f);
		print_interp("", &r->ls, 0);
		print_stripped(f);
	} else {
		print_script(r);
	}
	print_needed(r);
	print_search(r);
	print_total(r);
	if (f->is_elf)
		print_sections(f);
	printf("Deflated: %s, %s of the file (%s)\n", TX_SIZE(r->deflated),
	       TX_PCT(f->size_bytes ? 100.0 * (double)r->deflated / (double)f->size_bytes : 0.0),
	       DEFLATE_DESC);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                       */

/* size_bytes of a file found, null for one not found */
static void json_size(struct jw *w, cJSON *o, const char *key, const char *path, uint64_t bytes)
{
	if (path)
		jw_uint(w, o, key, bytes);
	else
		jw_null(w, o, key);
}

/* The ELF facts of objs[q] (q < 0: of f alone, no loader view). */
static void json_elf(struct jw *w, cJSON *parent, const char *key, const struct elf_loadset *ls,
		     int q, const struct elf_facts *f)
{
	cJSON *e = jw_obj(w, parent, key);
	int ii = q >= 0 ? interp_of(ls, q) : -1;
	const struct elf_obj *io = ii >= 0 ? &ls->objs[ii] : NULL;
	const struct elf_dyn *d = q >= 0 ? &ls->objs[q].dyn : NULL;

	jw_int(w, e, "class", f->elf_class);
	jw_uint(w, e, "machine", f->machine);
	jw_str(w, e, "machine_name", elf_machine_name(f->machine));
	jw_str(w, e, "arch", f->arch[0] ? f->arch : NULL);
	jw_str(w, e, "elf_type", elf_type_name(f->elf_type));
	jw_str(w, e, "type", f->is_static ? "static" : "dynamic");
	jw_str(w, e, "interpreter", f->is_static ? NULL : f->interpreter);
	jw_str(w, e, "interpreter_path", io ? io->path : NULL);
	json_size(w, e, "interpreter_size_bytes", io ? io->path : NULL, io ? io->size_bytes : 0);
	jw_bool(w, e, "stripped", f->stripped);
	jw_bool(w, e, "has_symtab", f->has_symtab);
	jw_uint(w, e, "debug_sections", f->debug_sections);
	jw_bool(w, e, "has_section_headers", f->has_section_headers);
	jw_str(w, e, "soname", d ? d->soname : NULL);
	jw_str(w, e, "rpath", d ? d->rpath : NULL);
	jw_str(w, e, "runpath", d ? d->runpath : NULL);
}

/* A file of the load set: {name, path, size_bytes, error, elf|null} */
static void json_file(struct jw *w, cJSON *parent, const char *key, const struct elf_loadset *ls,
		      int i)
{
	const struct elf_obj *o = &ls->objs[i];
	cJSON *j = jw_obj(w, parent, key);

	jw_str(w, j, "name", o->name);
	jw_str(w, j, "path", o->path);
	json_size(w, j, "size_bytes", o->path, o->size_bytes);
	jw_str(w, j, "error", o->error);
	if (o->path && !o->error && o->facts.is_elf)
		json_elf(w, j, "elf", ls, i, &o->facts);
	else
		jw_null(w, j, "elf");
}

static void json_script(struct jw *w, cJSON *parent, const char *key, const struct mem_report *r)
{
	cJSON *s = jw_obj(w, parent, key);

	jw_str(w, s, "interpreter", r->f.interpreter);
	jw_str(w, s, "argument", r->f.shebang_arg);
	if (r->interp >= 0) {
		const struct elf_obj *o = &r->ls.objs[r->interp];

		jw_str(w, s, "interpreter_path", o->path);
		json_size(w, s, "interpreter_size_bytes", o->path, o->size_bytes);
		if (o->path && !o->error && o->facts.is_elf)
			json_elf(w, s, "interpreter_elf", &r->ls, r->interp, &o->facts);
		else
			jw_null(w, s, "interpreter_elf");
	} else {
		jw_null(w, s, "interpreter_path");
		jw_null(w, s, "interpreter_size_bytes");
		jw_null(w, s, "interpreter_elf");
	}
	jw_str(w, s, "env_program", r->program_name[0] ? r->program_name : NULL);
	jw_str(w, s, "env_program_note", r->program_note);
	if (r->program >= 0)
		json_file(w, s, "env_program_file", &r->ls, r->program);
	else
		jw_null(w, s, "env_program_file");
}

static void json_needed(struct jw *w, cJSON *parent, const char *key, const struct elf_loadset *ls)
{
	cJSON *a = jw_arr(w, parent, key);
	size_t i;

	for (i = 0; a && i < ls->n; i++) {
		const struct elf_obj *o = &ls->objs[i];
		const struct elf_obj *by = o->needed_by >= 0 ? &ls->objs[o->needed_by] : NULL;
		cJSON *j;

		if (o->kind != ELF_OBJ_NEEDED)
			continue;
		j = jw_obj(w, a, NULL);
		jw_str(w, j, "name", o->name);
		jw_str(w, j, "path", o->path);
		json_size(w, j, "size_bytes", o->path, o->size_bytes);
		jw_str(w, j, "needed_by", by ? (by->path ? by->path : by->name) : NULL);
		jw_bool(w, j, "direct", by && by->kind != ELF_OBJ_NEEDED);
		jw_bool(w, j, "counted", o->path && o->dup_of < 0);
	}
}

static void json_search(struct jw *w, cJSON *parent, const char *key, const struct mem_report *r)
{
	const struct elf_loadset *ls = &r->ls;
	const struct elf_facts *rf = NULL;
	cJSON *s = jw_obj(w, parent, key), *dirs;
	size_t i;

	for (i = 0; i < ls->n && !rf; i++)
		if (ls->objs[i].path && !ls->objs[i].error && ls->objs[i].facts.is_elf)
			rf = &ls->objs[i].facts;
	dirs = jw_arr(w, s, "default_dirs");
	jw_null(w, s, "ld_library_path");
	jw_str(w, s, "ld_cache", LD_CACHE);
	jw_str(w, s, "ld_cache_error", ls->cache_err[0] ? ls->cache_err : NULL);
	if (rf) {
		const char *const *d = elf_default_dirs(rf->machine, rf->elf_class);

		for (i = 0; d[i]; i++)
			jw_str(w, dirs, NULL, d[i]);
	}
}

int memory_print_json(const struct mem_report *r)
{
	const struct elf_facts *f = &r->f;
	uint64_t t = (uint64_t)r->target_kb * 1024, st = (uint64_t)STRETCH_KB * 1024;
	struct jw w = { 0 };
	cJSON *root = jw_root(&w), *x;

	jw_str(&w, root, "path", r->path);
	jw_str(&w, root, "kind", f->is_elf ? "elf" : "script");
	jw_uint(&w, root, "size_bytes", f->size_bytes);
	jw_uint(&w, root, "size_kb", tx_kb_up(f->size_bytes));
	jw_uint(&w, root, "target_kb", r->target_kb);
	jw_uint(&w, root, "target_bytes", t);
	jw_bool(&w, root, "within_target", f->size_bytes <= t);
	jw_int(&w, root, "margin_bytes", (int64_t)t - (int64_t)f->size_bytes);
	jw_uint(&w, root, "stretch_kb", STRETCH_KB);
	jw_bool(&w, root, "within_stretch", f->size_bytes <= st);
	if (f->is_elf)
		json_elf(&w, root, "elf", &r->ls, 0, f);
	else
		jw_null(&w, root, "elf");
	if (f->is_script)
		json_script(&w, root, "script", r);
	else
		jw_null(&w, root, "script");
	json_needed(&w, root, "needed", &r->ls);
	jw_uint(&w, root, "missing", r->ls.n_missing);
	jw_uint(&w, root, "load_bytes_total", r->ls.total_bytes);
	jw_uint(&w, root, "load_files", r->ls.n_files);
	json_search(&w, root, "library_search", r);
	if (f->is_elf && f->has_section_headers) {
		const struct elf_sections *s = &f->sections;

		x = jw_obj(&w, root, "sections");
		jw_uint(&w, x, "text", s->text);
		jw_uint(&w, x, "rodata", s->rodata);
		jw_uint(&w, x, "data", s->data);
		jw_uint(&w, x, "bss", s->bss);
		jw_uint(&w, x, "debug", s->debug);
		jw_uint(&w, x, "other", s->other);
	} else {
		jw_null(&w, root, "sections");
	}
	jw_uint(&w, root, "deflated_bytes", r->deflated);
	jw_ratio(&w, root, "deflated_ratio",
		 f->size_bytes ? (double)r->deflated / (double)f->size_bytes : 0);
	jw_str(&w, root, "deflate", DEFLATE_DESC);
	return out_document(&w, root, EXIT_USAGE);
}
