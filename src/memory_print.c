/* profiler memory's output: the text and the JSON document. */
#include "memory_print.h"

#include <cjson/cJSON.h>
#include <elf.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFLATE_DESC		"raw deflate stream at zlib level 9, as a zip entry holds it; zip headers not counted"

static uint64_t kb_up(uint64_t b)
{
	return b / 1024 + (b % 1024 ? 1 : 0);
}

/* ------------------------------------------------------------------------ */
/* text output                                                                */

static void print_target(const char *label, uint64_t size, unsigned kb)
{
	uint64_t t = (uint64_t)kb * 1024;

	if (size <= t)
		printf("\u2713 Within %uKB %s (%llu KB under)\n", kb, label,
		       (unsigned long long)((t - size) / 1024));
	else
		printf("\u2717 Exceeds %uKB %s by %llu KB\n", kb, label,
		       (unsigned long long)kb_up(size - t));
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
		       indent, o->name);
	else if (o->error)
		printf("%sInterpreter (PT_INTERP): %s (%llu bytes), unusable: %s\n", indent,
		       o->name, (unsigned long long)o->size_bytes, o->error);
	else
		printf("%sInterpreter (PT_INTERP): %s (%llu bytes)\n", indent, o->name,
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
			printf("  %s => not found", o->name);
		else
			printf("  %s => %s (%llu bytes%s)", o->name, o->path,
			       (unsigned long long)o->size_bytes,
			       o->dup_of >= 0 ? ", counted once above" : "");
		if (by && !direct)
			printf(", needed by %s", obj_label(by));
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
		printf("Note: %s\n", ls->cache_err);
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
	       (unsigned long long)ls->total_bytes, (unsigned long long)kb_up(ls->total_bytes),
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

	printf("Script: #!%s%s%s\n", r->f.interpreter, r->f.shebang_arg[0] ? " " : "",
	       r->f.shebang_arg);
	if (r->interp < 0) {
		printf("Interpreter: none on the #! line: the kernel cannot run it\n");
		return;
	}
	o = &ls->objs[r->interp];
	if (!o->path) {
		printf("Interpreter: %s not found: the bootstrap would fail to start\n", o->name);
		return;
	}
	printf("Interpreter: %s", o->name);
	if (strcmp(o->name, o->path))
		printf(" (%s)", o->path);
	{
		char real[PATH_MAX];

		if (realpath(o->path, real) && strcmp(real, o->path))
			printf(" -> %s", real);
	}
	printf(", %llu KB (%llu bytes)\n", (unsigned long long)kb_up(o->size_bytes),
	       (unsigned long long)o->size_bytes);
	if (o->error)
		printf("  unusable: %s\n", o->error);
	else if (o->facts.is_elf) {
		print_elf_line("  ELF", &o->facts);
		print_interp("  ", ls, r->interp);
	} else if (o->facts.is_script)
		printf("  itself a #! script (#!%s)\n", o->facts.interpreter);
	if (r->program_note)
		printf("Program run by env: unknown (%s)\n", r->program_note);
	else if (r->program_name[0] && r->program < 0)
		printf("Program run by env: %s not found on Lambda's PATH (%s): the bootstrap "
		       "would fail to start%s\n", r->program_name, LAMBDA_PATH,
		       strpbrk(r->program_name, " \t") ? " (Linux passes the rest of the #! line "
		       "to env as one argument: use env -S to split it)" : "");
	else if (r->program >= 0) {
		o = &ls->objs[r->program];
		printf("Program run by env: %s => %s, %llu KB (%llu bytes)\n", r->program_name,
		       o->name, (unsigned long long)kb_up(o->size_bytes),
		       (unsigned long long)o->size_bytes);
		if (!o->path)
			printf("  not found: the bootstrap would fail to start\n");
		else if (o->error)
			printf("  unusable: %s\n", o->error);
		else if (o->facts.is_elf) {
			print_elf_line("  ELF", &o->facts);
			print_interp("  ", ls, r->program);
		}
	}
}

void memory_print_text(const struct mem_report *r)
{
	const struct elf_facts *f = &r->f;

	printf("Binary: %s\n", r->path);
	printf("Size: %llu KB (%llu bytes)\n", (unsigned long long)kb_up(f->size_bytes),
	       (unsigned long long)f->size_bytes);
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
	printf("Deflated: %llu KB (%llu bytes), %.1f%% of the file (%s)\n",
	       (unsigned long long)kb_up(r->deflated), (unsigned long long)r->deflated,
	       f->size_bytes ? 100.0 * (double)r->deflated / (double)f->size_bytes : 0.0,
	       DEFLATE_DESC);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                       */

static bool add_str_or_null(cJSON *o, const char *k, const char *v)
{
	return v ? cJSON_AddStringToObject(o, k, v) != NULL : cJSON_AddNullToObject(o, k) != NULL;
}

static bool add_num(cJSON *o, const char *k, double v)
{
	return cJSON_AddNumberToObject(o, k, v) != NULL;
}

static cJSON *json_elf(const struct elf_loadset *ls, int q, const struct elf_facts *f)
{
	cJSON *e = cJSON_CreateObject();
	int ii = q >= 0 ? interp_of(ls, q) : -1;
	const struct elf_obj *io = ii >= 0 ? &ls->objs[ii] : NULL;
	const struct elf_dyn *d = q >= 0 ? &ls->objs[q].dyn : NULL;
	bool ok;

	if (!e)
		return NULL;
	ok = add_num(e, "class", f->elf_class) &&
	     add_num(e, "machine", f->machine) &&
	     add_str_or_null(e, "machine_name", elf_machine_name(f->machine)) &&
	     add_str_or_null(e, "arch", f->arch[0] ? f->arch : NULL) &&
	     cJSON_AddStringToObject(e, "elf_type", elf_type_name(f->elf_type)) &&
	     cJSON_AddStringToObject(e, "type", f->is_static ? "static" : "dynamic") &&
	     add_str_or_null(e, "interpreter", f->is_static ? NULL : f->interpreter) &&
	     add_str_or_null(e, "interpreter_path", io ? io->path : NULL) &&
	     (io && io->path ? add_num(e, "interpreter_size_bytes", (double)io->size_bytes)
			     : cJSON_AddNullToObject(e, "interpreter_size_bytes") != NULL) &&
	     cJSON_AddBoolToObject(e, "stripped", f->stripped) &&
	     cJSON_AddBoolToObject(e, "has_symtab", f->has_symtab) &&
	     add_num(e, "debug_sections", f->debug_sections) &&
	     cJSON_AddBoolToObject(e, "has_section_headers", f->has_section_headers) &&
	     add_str_or_null(e, "soname", d ? d->soname : NULL) &&
	     add_str_or_null(e, "rpath", d ? d->rpath : NULL) &&
	     add_str_or_null(e, "runpath", d ? d->runpath : NULL);
	if (!ok) {
		cJSON_Delete(e);
		return NULL;
	}
	return e;
}

/* A file of the load set: {path, size_bytes, elf|null, error} */
static cJSON *json_obj(const struct elf_loadset *ls, int i)
{
	const struct elf_obj *o = &ls->objs[i];
	cJSON *j = cJSON_CreateObject(), *e = NULL;
	bool ok;

	if (!j)
		return NULL;
	if (o->path && !o->error && o->facts.is_elf && !(e = json_elf(ls, i, &o->facts)))
		goto fail;
	ok = cJSON_AddStringToObject(j, "name", o->name) &&
	     add_str_or_null(j, "path", o->path) &&
	     (o->path ? add_num(j, "size_bytes", (double)o->size_bytes)
		      : cJSON_AddNullToObject(j, "size_bytes") != NULL) &&
	     add_str_or_null(j, "error", o->error);
	if (!ok)
		goto fail;
	if (e)
		cJSON_AddItemToObject(j, "elf", e);
	else if (!cJSON_AddNullToObject(j, "elf"))
		goto fail;
	return j;
fail:
	cJSON_Delete(e);
	cJSON_Delete(j);
	return NULL;
}

static cJSON *json_script(const struct mem_report *r)
{
	cJSON *s = cJSON_CreateObject(), *x;

	if (!s)
		return NULL;
	if (!cJSON_AddStringToObject(s, "interpreter", r->f.interpreter) ||
	    !cJSON_AddStringToObject(s, "argument", r->f.shebang_arg))
		goto fail;
	if (r->interp >= 0) {
		const struct elf_obj *o = &r->ls.objs[r->interp];

		if (!add_str_or_null(s, "interpreter_path", o->path) ||
		    !(o->path ? add_num(s, "interpreter_size_bytes", (double)o->size_bytes)
			      : cJSON_AddNullToObject(s, "interpreter_size_bytes") != NULL))
			goto fail;
		x = o->path && !o->error && o->facts.is_elf ? json_elf(&r->ls, r->interp, &o->facts)
							     : cJSON_CreateNull();
		if (!x)
			goto fail;
		cJSON_AddItemToObject(s, "interpreter_elf", x);
	} else if (!cJSON_AddNullToObject(s, "interpreter_path") ||
		   !cJSON_AddNullToObject(s, "interpreter_size_bytes") ||
		   !cJSON_AddNullToObject(s, "interpreter_elf")) {
		goto fail;
	}
	if (!add_str_or_null(s, "env_program", r->program_name[0] ? r->program_name : NULL) ||
	    !add_str_or_null(s, "env_program_note", r->program_note))
		goto fail;
	x = r->program >= 0 ? json_obj(&r->ls, r->program) : cJSON_CreateNull();
	if (!x)
		goto fail;
	cJSON_AddItemToObject(s, "env_program_file", x);
	return s;
fail:
	cJSON_Delete(s);
	return NULL;
}

static cJSON *json_needed(const struct elf_loadset *ls)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	if (!a)
		return NULL;
	for (i = 0; i < ls->n; i++) {
		const struct elf_obj *o = &ls->objs[i];
		const struct elf_obj *by = o->needed_by >= 0 ? &ls->objs[o->needed_by] : NULL;
		cJSON *j;

		if (o->kind != ELF_OBJ_NEEDED)
			continue;
		j = cJSON_CreateObject();
		if (!j)
			goto fail;
		cJSON_AddItemToArray(a, j);
		if (!cJSON_AddStringToObject(j, "name", o->name) ||
		    !add_str_or_null(j, "path", o->path) ||
		    !(o->path ? add_num(j, "size_bytes", (double)o->size_bytes)
			      : cJSON_AddNullToObject(j, "size_bytes") != NULL) ||
		    !add_str_or_null(j, "needed_by", by ? (by->path ? by->path : by->name) : NULL) ||
		    !cJSON_AddBoolToObject(j, "direct", by && by->kind != ELF_OBJ_NEEDED) ||
		    !cJSON_AddBoolToObject(j, "counted", o->path && o->dup_of < 0))
			goto fail;
	}
	return a;
fail:
	cJSON_Delete(a);
	return NULL;
}

static cJSON *json_search(const struct mem_report *r)
{
	const struct elf_loadset *ls = &r->ls;
	const struct elf_facts *rf = NULL;
	cJSON *s = cJSON_CreateObject(), *dirs;
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < ls->n && !rf; i++)
		if (ls->objs[i].path && !ls->objs[i].error && ls->objs[i].facts.is_elf)
			rf = &ls->objs[i].facts;
	dirs = cJSON_AddArrayToObject(s, "default_dirs");
	if (!dirs || !cJSON_AddNullToObject(s, "ld_library_path") ||
	    !cJSON_AddStringToObject(s, "ld_cache", LD_CACHE) ||
	    !add_str_or_null(s, "ld_cache_error", ls->cache_err[0] ? ls->cache_err : NULL))
		goto fail;
	if (rf) {
		const char *const *d = elf_default_dirs(rf->machine, rf->elf_class);

		for (i = 0; d[i]; i++) {
			cJSON *x = cJSON_CreateString(d[i]);

			if (!x)
				goto fail;
			cJSON_AddItemToArray(dirs, x);
		}
	}
	return s;
fail:
	cJSON_Delete(s);
	return NULL;
}

int memory_print_json(const struct mem_report *r)
{
	const struct elf_facts *f = &r->f;
	uint64_t t = (uint64_t)r->target_kb * 1024, st = (uint64_t)STRETCH_KB * 1024;
	cJSON *root = cJSON_CreateObject(), *x;
	char *txt = NULL;
	bool ok;

	if (!root)
		goto oom;
	ok = cJSON_AddStringToObject(root, "path", r->path) &&
	     cJSON_AddStringToObject(root, "kind", f->is_elf ? "elf" : "script") &&
	     add_num(root, "size_bytes", (double)f->size_bytes) &&
	     add_num(root, "size_kb", (double)kb_up(f->size_bytes)) &&
	     add_num(root, "target_kb", r->target_kb) &&
	     add_num(root, "target_bytes", (double)t) &&
	     cJSON_AddBoolToObject(root, "within_target", f->size_bytes <= t) &&
	     add_num(root, "margin_bytes", (double)t - (double)f->size_bytes) &&
	     add_num(root, "stretch_kb", STRETCH_KB) &&
	     cJSON_AddBoolToObject(root, "within_stretch", f->size_bytes <= st);
	if (!ok)
		goto oom;
	x = f->is_elf ? json_elf(&r->ls, 0, f) : cJSON_CreateNull();
	if (!x)
		goto oom;
	cJSON_AddItemToObject(root, "elf", x);
	x = f->is_script ? json_script(r) : cJSON_CreateNull();
	if (!x)
		goto oom;
	cJSON_AddItemToObject(root, "script", x);
	if (!(x = json_needed(&r->ls)))
		goto oom;
	cJSON_AddItemToObject(root, "needed", x);
	if (!add_num(root, "missing", (double)r->ls.n_missing) ||
	    !add_num(root, "load_bytes_total", (double)r->ls.total_bytes) ||
	    !add_num(root, "load_files", (double)r->ls.n_files))
		goto oom;
	if (!(x = json_search(r)))
		goto oom;
	cJSON_AddItemToObject(root, "library_search", x);
	if (f->is_elf && f->has_section_headers) {
		const struct elf_sections *s = &f->sections;

		x = cJSON_AddObjectToObject(root, "sections");
		if (!x || !add_num(x, "text", (double)s->text) ||
		    !add_num(x, "rodata", (double)s->rodata) || !add_num(x, "data", (double)s->data) ||
		    !add_num(x, "bss", (double)s->bss) || !add_num(x, "debug", (double)s->debug) ||
		    !add_num(x, "other", (double)s->other))
			goto oom;
	} else if (!cJSON_AddNullToObject(root, "sections")) {
		goto oom;
	}
	if (!add_num(root, "deflated_bytes", (double)r->deflated) ||
	    !add_num(root, "deflated_ratio",
		     f->size_bytes ? (double)r->deflated / (double)f->size_bytes : 0) ||
	    !cJSON_AddStringToObject(root, "deflate", DEFLATE_DESC))
		goto oom;
	txt = cJSON_Print(root);
	if (!txt)
		goto oom;
	printf("%s\n", txt);
	free(txt);
	cJSON_Delete(root);
	return 0;
oom:
	cJSON_Delete(root);
	fprintf(stderr, "profiler: out of memory building the JSON\n");
	return -1;
}
