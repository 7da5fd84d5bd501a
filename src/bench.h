/*
 * profiler benchmark, inside: what its three files share.
 *   cmd_benchmark.c  options, --help, checks and set-up, the subcommand
 *   bench_run.c      the run loop: N cold starts of each configuration
 *   bench_text.c     the report for people (the lines, the progress line)
 */
#ifndef BENCH_H
#define BENCH_H
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cgroup.h"
#include "clientctx.h"
#include "coldcache.h"
#include "coldstart.h"
#include "deployed.h"
#include "elf_info.h"
#include "fnenv.h"
#include "package.h"
#include "extensions.h"
#include "results.h"
#include "runner.h"
#include "sandbox.h"
#include "stats.h"

#define MAX_CONFIGS 16

struct bench_opts {
	const char *bootstrap;
	unsigned n;
	unsigned mems[MAX_CONFIGS];	/* -m list: a sweep when more than one */
	unsigned n_mems;
	const char *arch;
	const char *output;
	const char *event_file;
	const char *runtime;
	const char *log_dir;
	double timeout_s;
	double init_timeout_s;
	unsigned log_limit_mb;
	const char *user;
	bool run_as_root;
	bool no_bpf;
	bool require_bpf;
	bool strict_limits;
	bool json;			/* --json: the results JSON on stdout */
	bool quiet;			/* -q */
	bool cold_cache;
	struct cold_cache cc;		/* the files --cold-cache evicts */
	const char *trace_out;		/* --trace-out FILE */
	unsigned warm;			/* --warm N */
	unsigned freeze_ms;		/* --freeze MS */
	bool breakdown;			/* --breakdown */
	bool verbose;
	struct fnenv fn;		/* --handler, --env, --env-file */
	const char *layers[PKG_MAX_LAYERS];	/* --layer ZIP, in order */
	unsigned n_layers;
	bool sandbox, no_sandbox;	/* --sandbox, --no-sandbox */
	unsigned ephemeral_mb;		/* --ephemeral-storage MB; 0: not given */
	struct ext_list exts;		/* --extension PATH (and a layer root's extensions/) */
	const char *client_context;	/* --client-context FILE */
};

/* A run: its options, what was set up for it, and where its report goes. */
struct bench_env {
	struct bench_opts o;
	/* Where the human-readable report goes: stdout, or stderr with --json (stdout then
	 * carries the JSON alone), or /dev/null with -q. */
	FILE *txt;
	bool progress;			/* a progress line on the terminal (stderr) */
	struct tracer *t;		/* NULL: userspace timing (--no-bpf or no BPF here) */
	struct rapi *api;
	struct coldstart cs;		/* the events of the cold start in progress */
	unsigned memory_mb;		/* the configuration being run */
	struct ctrace *ct;		/* its --trace-out, or NULL */
	struct elf_facts ef;
	struct run_as user;
	struct cg_host cgh;
	bool drop, limits_ok;
	char limits_why[512];		/* !limits_ok: why */
	char api_str[64];
	char log_dir[PATH_MAX];
	/* The log folder and, in a sweep, each size's folder in it (config_log_dfd[k] for
	 * o.mems[k], else -1): opened once, checked (a real folder, ours, writable by no one
	 * else) and held for the run, so every log is created relative to them (openat) */
	int log_dfd;
	int config_log_dfd[MAX_CONFIGS];
	char host_cpu[128];
	char entry_probe[640];		/* --breakdown: the entry-point probe, or why there is none */
	bool entry_probed;
	char **fn_env;			/* o.fn's variables as "KEY=VALUE" strings */
	struct deployed dep;		/* what the results say of the function as deployed */
	const char *zip;		/* -b was a .zip: its path (o.bootstrap is then the
					 * runtime unpacked from it) */
	struct package pkg;		/* the unpacked function and layers */
	bool sandboxed;			/* each cold start runs in sb */
	struct sandbox *sb;
	struct client_ctx cctx;		/* --client-context */
	char **json;			/* --json: each configuration's results */
	size_t n_json;
};

/* One row of a sweep's summary. */
struct config_summary {
	unsigned memory_mb;
	size_t n_ok, n_failed;
	struct stats total;
	double init_avg, handler_avg;
	uint64_t rss_max;
	char output[PATH_MAX];
};

/* cmd_benchmark.c: the results file of one configuration: {mem} and {arch} in
 * -o replaced; in a sweep, a pattern without {mem} gets "-{mem}mb" before its
 * extension. */
void bench_output_path(const char *pattern, unsigned mem, const char *arch, bool sweep,
		       char *out, size_t len);

/* bench_run.c: N cold starts of one configuration; fills res, prints the
 * report and writes its files. Returns 0, or -1 when something could not be
 * written (said on stderr). */
int bench_run_config(struct bench_env *env, unsigned memory_mb, bool sweep, const char *out_path,
		     struct results *res);

/* bench_text.c */
void bench_print_config(const struct bench_env *env, const struct results *res);
void bench_print_invocation(FILE *txt, const struct invocation *inv);
void bench_progress(const struct bench_env *env, unsigned done, double avg_ms, double per_s);
void bench_progress_clear(const struct bench_env *env);
void bench_print_summary(FILE *txt, const struct results *r);
void bench_print_breakdown_summary(FILE *txt, const struct results *r);
void bench_print_sweep(FILE *txt, const struct config_summary *cs, size_t n);
/* Mean of phase p over the successful cold starts that measured it; -1 when none did. */
double bench_mean_phase(const struct results *r, enum inv_phase p);
#endif
