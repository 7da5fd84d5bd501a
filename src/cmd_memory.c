/* profiler memory: what a bootstrap costs in bytes at a cold start. Nothing is run. */
#include <cjson/cJSON.h>
#include <elf.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "elf_info.h"
#include "libsearch.h"
#include "util.h"
#include "zipsize.h"

#define DEFAULT_TARGET_KB	100u
#define STRETCH_KB		50u		/* the guide's stretch goal */
#define MAX_TARGET_KB		10485760u	/* 10 GiB: Lambda's largest image */
#define LD_CACHE		"/etc/ld.so.cache"
#define LAMBDA_PATH		"/usr/local/bin:/usr/bin/:/bin:/opt/bin"
#define DEFLATE_DESC		"raw deflate stream at zlib level 9, as a zip entry holds it; zip headers not counted"

struct mem_opts {
	const char *path;
	unsigned target_kb;
	bool json;
};

/* What was found about the file, for either output. */
struct mem_report {
	const char *path;
	struct elf_facts f;
	unsigned target_kb;
	uint64_t deflated;
	struct elf_loadset ls;
	struct elf_search search;
	int interp;		/* script: index of the #! interpreter in ls, or -1 */
	int program;		/* script through env: index of env's program, or -1 */
	char program_name[256];	/* env's program as written, "" if none */
	const char *program_note; /* why env's program is not known, or NULL */
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: profiler memory -b PATH [--target-kb KB] [--json]\n"
"\n"
"Reports what a bootstrap costs in bytes at a cold start: its file size against a size\n"
"target, its ELF facts, every shared object the dynamic loader maps with it, its sections\n"
"and its deflated size in a zip package. Nothing is run.\n"
"\n"
"Options:\n"
"  -b, --binary PATH    the bootstrap: an ELF executable or a #! script (required;\n"
"                       --bootstrap is the same)\n"
"      --target-kb KB   size target in KB, a whole number from 1 to %u (default %u);\n"
"                       the stretch goal is %u KB\n"
"      --json           one JSON document on stdout instead of the text\n"
"  -h, --help           this text\n"
"\n"
"Sizes: KB = 1024 bytes. A size is rounded up to whole KB, the room left under a target\n"
"down, an excess over a target up; exact byte counts are printed next to them.\n"
"Libraries: DT_NEEDED entries, followed transitively and searched as glibc's ld.so on this\n"
"host would: DT_RPATH (when there is no DT_RUNPATH), DT_RUNPATH, " LD_CACHE ",\n"
"then the default directories; $ORIGIN, $LIB and $PLATFORM are expanded; relative paths\n"
"start in the bootstrap's folder (Lambda's working directory). LD_LIBRARY_PATH is not used:\n"
"on Lambda the bootstrap gets Lambda's own. glibc-hwcaps subdirectories are not searched.\n"
"\"Loaded at start\" adds the file sizes of the binary, its dynamic loader and libraries,\n"
"each file once: the bytes mapped, not the pages actually read.\n"
"Deflated: the raw deflate stream at zlib level 9, as a zip entry (method 8) holds it;\n"
"zip's own headers are not counted.\n"
"Scripts: the #! interpreter and what it loads; '#!/usr/bin/env X' looks X up on Lambda's\n"
"PATH (" LAMBDA_PATH ").\n"
"\n"
"Exit status: 0 the file is within the target; 1 it exceeds the target; 2 bad usage or\n"
"input (missing file, a directory, not an ELF executable or script, an invalid or\n"
"truncated ELF).\n"
"\n"
"Examples:\n"
"  profiler memory -b target/release-ultra/bootstrap\n"
"  profiler memory -b ./bootstrap --target-kb 50\n"
"  profiler memory -b ./bootstrap --json | jq '.load_bytes_total'\n",
		MAX_TARGET_KB, DEFAULT_TARGET_KB, STRETCH_KB);
}

static int parse_kb(const char *s, unsigned *out)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > MAX_TARGET_KB)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct mem_opts *o)
{
	static const struct option longopts[] = {
		{ "binary", required_argument, NULL, 'b' },
		{ "bootstrap", required_argument, NULL, 'b' },
		{ "target-kb", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	o->target_kb = DEFAULT_TARGET_KB;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o->path = optarg; break;
		case 'T':
			if (parse_kb(optarg, &o->target_kb))
				return err_usage("--target-kb must be a whole number of KB from 1 to %u, not '%s'",
						 MAX_TARGET_KB, optarg);
			break;
		case 'J': o->json = true; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case ':': return err_usage("option '%s' needs a value", argv[optind - 1]);
		default: return err_unknown_option("memory", argv[optind - 1], longopts);
		}
	}
	if (optind < argc)
		return err_usage("unexpected argument '%s' (the file is given with -b)", argv[optind]);
	if (!o->path)
		return err_usage("memory needs the bootstrap: -b PATH (see 'profiler memory --help')");
	return 0;
}

static uint64_t kb_up(uint64_t b)
{
	return b / 1024 + (b % 1024 ? 1 : 0);
}

static const char *base_name(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;

	return s && s[1] ? s + 1 : p;
}

/* ------------------------------------------------------------------------ */
/* scripts: the #! interpreter, and env's program on Lambda's PATH            */

/* The program '#!/usr/bin/env ARG' runs. Linux passes ARG as one argument: without -S, env
 * takes it whole as the program's name. */
static void env_program(const char *arg, char *out, size_t n, const char **note)
{
	char buf[256], *tok, *save = NULL;

	out[0] = '\0';
	if (!arg[0]) {
		*note = "env without a program prints the environment";
		return;
	}
	if (!strncmp(arg, "-S", 2) || !strncmp(arg, "--split-string", 14)) {
		strlcpy0(buf, arg + (arg[1] == 'S' ? 2 : 14), sizeof(buf));
		for (tok = strtok_r(buf, " \t=", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
			if (tok[0] == '-' || strchr(tok, '='))
				continue;
			strlcpy0(out, tok, n);
			return;
		}
		*note = "no program after env -S";
		return;
	}
	if (arg[0] == '-' || strchr(arg, '=')) {
		*note = "env options or assignments without -S: the program cannot be told";
		return;
	}
	strlcpy0(out, arg, n);
}

/* Look prog up on Lambda's PATH as env (execvp) does; "" if not found. */
static void lambda_path_lookup(const char *prog, const char *cwd, char *out, size_t n)
{
	char list[] = LAMBDA_PATH, *dir, *save = NULL;
	struct stat st;

	out[0] = '\0';
	if (strchr(prog, '/')) {
		if (prog[0] == '/' || !cwd)
			snprintf(out, n, "%s", prog);
		else
			snprintf(out, n, "%s/%s", cwd, prog);
		return;
	}
	for (dir = strtok_r(list, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char cand[PATH_MAX];
		size_t l = strlen(dir);

		snprintf(cand, sizeof(cand), "%s%s%s", dir, l && dir[l - 1] == '/' ? "" : "/", prog);
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
			strlcpy0(out, cand, n);
			return;
		}
	}
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

static void print_text(const struct mem_report *r)
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

static int print_json(const struct mem_report *r)
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

/* ------------------------------------------------------------------------ */

static int check_file(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			fprintf(stderr, "Binary not found: %s\n", path);
			return EXIT_USAGE;
		}
		return err_usage("cannot access %s: %s", path, strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return err_usage("%s is a directory, not a bootstrap", path);
	if (!S_ISREG(st.st_mode))
		return err_usage("%s is not a regular file", path);
	return 0;
}

/* The script's interpreter, and env's program, into the load set. */
static int add_script(struct mem_report *r)
{
	char found[PATH_MAX];

	if (!r->f.interpreter[0])
		return 0;
	r->interp = elf_loadset_add(&r->ls, r->f.interpreter, 0, &r->search);
	if (r->interp < 0)
		return -1;
	if (strcmp(base_name(r->f.interpreter), "env"))
		return 0;
	env_program(r->f.shebang_arg, r->program_name, sizeof(r->program_name), &r->program_note);
	if (!r->program_name[0])
		return 0;
	lambda_path_lookup(r->program_name, r->search.cwd, found, sizeof(found));
	if (!found[0]) {
		r->ls.n_missing++;
		return 0;
	}
	r->program = elf_loadset_add(&r->ls, found, r->interp, &r->search);
	return r->program < 0 ? -1 : 0;
}

int cmd_memory(int argc, char **argv)
{
	struct mem_opts o = { 0 };
	struct mem_report *r;
	char err[768], real[PATH_MAX], dir[PATH_MAX], *cwd = NULL;
	int rc;

	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc;
	rc = check_file(o.path);
	if (rc)
		return rc;
	r = calloc(1, sizeof(*r));
	if (!r)
		return err_usage("out of memory");
	r->path = o.path;
	r->target_kb = o.target_kb;
	r->interp = r->program = -1;
	rc = EXIT_USAGE;
	if (elf_inspect(o.path, &r->f, err, sizeof(err))) {
		err_usage("%s", err);
		goto out;
	}
	if (!r->f.is_elf && !r->f.is_script) {
		err_usage("%s: not an ELF executable or script", o.path);
		goto out;
	}
	if (deflated_size_file(o.path, &r->deflated, err, sizeof(err))) {
		err_usage("%s", err);
		goto out;
	}
	/* relative paths (RPATH entries, a relative #!) start where Lambda starts the bootstrap:
	 * its own folder */
	if (realpath(o.path, real)) {
		char *slash;

		strlcpy0(dir, real, sizeof(dir));
		slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		cwd = dir;
	} else {
		strlcpy0(real, o.path, sizeof(real));
	}
	r->search.ld_cache = LD_CACHE;
	r->search.cwd = cwd;
	if (elf_loadset_add(&r->ls, real, -1, &r->search) != 0 ||
	    (r->f.is_script && add_script(r))) {
		err_usage("out of memory (or more than 4096 shared objects) following the libraries");
		goto out;
	}
	if (r->ls.objs[0].error) {
		err_usage("%s", r->ls.objs[0].error);
		goto out;
	}
	if (o.json ? print_json(r) : (print_text(r), 0)) {
		rc = EXIT_USAGE;
		goto out;
	}
	rc = r->f.size_bytes <= (uint64_t)o.target_kb * 1024 ? EXIT_OK : EXIT_FAILED;
out:
	elf_loadset_free(&r->ls);
	free(r);
	return rc;
}
