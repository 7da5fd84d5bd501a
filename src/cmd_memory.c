/* profiler memory: what a bootstrap costs in bytes at a cold start. Nothing is run. */
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
#include "memory_print.h"
#include "output.h"
#include "util.h"
#include "zipsize.h"

#define DEFAULT_TARGET_KB	100u
#define MAX_TARGET_KB		10485760u	/* 10 GiB: Lambda's largest image */

struct mem_opts {
	const char *path;
	unsigned target_kb;
	bool json;
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

static int check_file(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return out_error_bare(EXIT_USAGE, "Binary not found: %s", path);
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
	if (!rc && elf_check_runnable(o.path, false, err, sizeof(err)))
		rc = err_usage("%s", err);
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
	if (o.json ? memory_print_json(r) : (memory_print_text(r), 0)) {
		rc = EXIT_USAGE;
		goto out;
	}
	rc = r->f.size_bytes <= (uint64_t)o.target_kb * 1024 ? EXIT_OK : EXIT_FAILED;
out:
	elf_loadset_free(&r->ls);
	free(r);
	return rc;
}
