// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* profiler benchmark: the report for people, and the progress line on the terminal. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "rapi.h"
#include "breakdown_text.h"
#include "textout.h"
#include "util.h"

void bench_print_config(const struct bench_env *env, const struct results *res)
{
	const struct bench_opts *o = &env->o;
	FILE *txt = env->txt;

	fprintf(txt, "Running benchmark: %uMB memory, %s arch\n", res->memory_mb, res->arch);
	fprintf(txt, "Bootstrap: %s (%s%s%s)\n", TX_SAFE(o->bootstrap),
	       env->ef.is_elf ? (env->ef.is_static ? "static ELF" : "dynamic ELF")
			      : (env->ef.is_script ? "script: " : "not ELF"),
	       TX_SAFE(env->ef.is_script ? env->ef.interpreter : ""),
	       env->ef.is_elf ? (env->ef.stripped ? ", stripped" : ", not stripped") : "");
	fprintf(txt, "Runtime API emulator: %s%s\n", env->api_str, rapi_netns_fd(env->api) >= 0 ?
		" (in a network namespace of its own: only the cold starts reach it)" : "");
	if (env->drop)
		fprintf(txt, "Bootstrap runs as: %s (uid %u, gid %u)\n", TX_SAFE(env->user.name),
			(unsigned)env->user.uid, (unsigned)env->user.gid);
	else
		fprintf(txt, "Bootstrap runs as: %s (uid %u, the profiler's own user)\n",
		       geteuid() ? "the invoking user" : "root", (unsigned)geteuid());
	if (o->breakdown)
		fprintf(txt, "Breakdown: on; end of dynamic loading: %s\n", TX_SAFE(env->entry_probe));
	fprintf(txt, "Collecting %u cold start measurements...\n\n", o->n);
	fflush(txt);
}

/* Its line, and its waterfall when it has one. */
void bench_print_invocation(FILE *txt, const struct invocation *inv)
{
	if (inv->outcome == INV_OK)
		fprintf(txt, "  Invocation %d: %.3fms (init: %.3fms, handler: %.3fms)\n", inv->index,
		       inv->total_ms, inv->init_ms, inv->handler_ms);
	else
		fprintf(txt, "  Invocation %d: FAILED (%s: %s)\n", inv->index,
			inv_outcome_name(inv->outcome), TX_SAFE(inv->reason));	/* the bootstrap's words */
	api_facts_text(txt, &inv->api);
	fflush(txt);
	if (inv->has_breakdown && inv->outcome == INV_OK) {
		breakdown_print(txt, &inv->bd, 40, 5);
		fputc('\n', txt);
	}
}

/* "  3 of 10 cold starts, running average ..." on stderr, rewritten in place; none after the
 * last one. avg_ms < 0: no success yet. */
void bench_progress(const struct bench_env *env, unsigned done, double avg_ms, double per_s)
{
	char avg[32] = "n/a";

	if (!env->progress || done >= env->o.n)
		return;
	if (avg_ms >= 0)
		snprintf(avg, sizeof(avg), "%.3f ms", avg_ms);
	fprintf(stderr, "  %u of %u cold starts, running average %s, about %.0f s left", done,
		env->o.n, avg, per_s * (double)(env->o.n - done));
}

void bench_progress_clear(const struct bench_env *env)
{
	if (env->progress)
		fputs("\r\033[K", stderr);
}

static double mean_of(const struct results *r, size_t off, size_t *n_out)
{
	double sum = 0;
	size_t i, n = 0;

	for (i = 0; i < r->n_inv; i++) {
		const double *v = (const double *)((const char *)&r->inv[i] + off);

		if (r->inv[i].outcome != INV_OK || *v < 0)
			continue;
		sum += *v;
		n++;
	}
	*n_out = n;
	return n ? sum / (double)n : -1;
}

double bench_mean_phase(const struct results *r, enum inv_phase p)
{
	size_t n;
	double m = mean_of(r, inv_phases[p].ms_off, &n);

	return n ? m : -1;
}

static void print_total_stats(FILE *txt, const struct results *r)
{
	if (!r->n_ok) {
		fprintf(txt, "No successful cold start: no statistics (see the failures above).\n");
		return;
	}
	fprintf(txt, "Average:  %.3fms\n", r->total.avg);
	fprintf(txt, "P50:      %.3fms\n", r->total.p50);
	fprintf(txt, "P99:      %.3fms%s\n", r->total.p99,
	       r->n_ok < 100 ? "  (fewer than 100 samples: close to Max)" : "");
	fprintf(txt, "Min:      %.3fms\n", r->total.min);
	fprintf(txt, "Max:      %.3fms\n", r->total.max);
	fprintf(txt, "StdDev:   %.3fms\n", r->total.stddev);
}

/* The mean of every phase, then memory, faults and storage reads of the successes. */
static void print_phases(FILE *txt, const struct results *r)
{
	uint64_t mem_max = 0, mem_sum = 0, minf = 0, majf = 0, rdb = 0;
	size_t i, n_mem = 0;

	fprintf(txt, "\nPhases (mean of %zu successful cold starts, ms):\n", r->n_ok);
	for (i = 0; i < INV_PHASES; i++) {
		size_t n;
		double m = mean_of(r, inv_phases[i].ms_off, &n);

		if (n)
			fprintf(txt, "  %-8s %9.3f\n", inv_phases[i].name, m);
		else
			fprintf(txt, "  %-8s %9s\n", inv_phases[i].name, "n/a");
	}
	for (i = 0; i < r->n_inv; i++) {
		if (r->inv[i].outcome != INV_OK)
			continue;
		minf += r->inv[i].min_flt;
		majf += r->inv[i].maj_flt;
		rdb += r->inv[i].read_bytes;
		if (r->inv[i].memory_kb) {
			mem_sum += r->inv[i].memory_kb;
			n_mem++;
			if (r->inv[i].memory_kb > mem_max)
				mem_max = r->inv[i].memory_kb;
		}
	}
	if (n_mem)
		fprintf(txt, "Peak RSS: mean %llu KB, max %llu KB (%s)\n",
		       (unsigned long long)(mem_sum / n_mem), (unsigned long long)mem_max,
		       strcmp(r->timing_source, "ebpf") ? "the bootstrap process, VmHWM"
							: "largest process of the tree");
	else
		fprintf(txt, "Peak RSS: unavailable\n");
	fprintf(txt, "Page faults (mean per cold start): minor %llu, major %llu; storage read: %llu KB\n",
	       (unsigned long long)(minf / r->n_ok), (unsigned long long)(majf / r->n_ok),
	       (unsigned long long)(rdb / r->n_ok / 1024));
}

static void print_warm(FILE *txt, const struct results *r)
{
	if (r->warm_handler.n)
		fprintf(txt, "\nWarm invocations (%u after each cold start%s), handler ms over %zu: "
		       "Average %.3f, P50 %.3f, P99 %.3f, Min %.3f, Max %.3f, StdDev %.3f\n",
		       r->warm, r->freeze_ms ? ", frozen between" : "", r->warm_handler.n,
		       r->warm_handler.avg, r->warm_handler.p50, r->warm_handler.p99,
		       r->warm_handler.min, r->warm_handler.max, r->warm_handler.stddev);
	else
		fprintf(txt, "\nWarm invocations: none measured\n");
}

static void print_page_cache(FILE *txt, const struct results *r)
{
	uint64_t files = 0, pages = 0, kept = 0;

	if (!r->cold_cache) {
		fprintf(txt, "Page cache: warm (the default): files read by earlier runs stay cached; "
		       "--cold-cache evicts them\n");
		return;
	}
	for (size_t i = 0; i < r->n_inv; i++) {
		files += r->inv[i].evicted_files;
		pages += r->inv[i].evicted_pages;
		kept += r->inv[i].still_cached_pages;
	}
	fprintf(txt, "Page cache: cold (--cold-cache): %llu files, %llu pages evicted before each cold "
	       "start; %llu pages stayed cached (mapped by running processes)\n",
	       (unsigned long long)(r->n_inv ? files / r->n_inv : 0),
	       (unsigned long long)(r->n_inv ? pages / r->n_inv : 0),
	       (unsigned long long)(r->n_inv ? kept / r->n_inv : 0));
}

/* How the figures were taken: counts, timing source, limits, logs. */
static void print_conditions(FILE *txt, const struct results *r)
{
	fprintf(txt, "Cold starts: %zu succeeded, %zu failed of %zu\n", r->n_ok, r->n_failed, r->n_inv);
	if (!strcmp(r->timing_source, "ebpf"))
		fprintf(txt, "Timing: eBPF kernel timestamps; events dropped: %llu\n",
		       (unsigned long long)r->events_dropped);
	else
		fprintf(txt, "Timing: userspace only (no BPF): the emulator's timestamps, so init and total\n"
		       "        include its latency; exec, connect and wait are not measured; peak RSS\n"
		       "        and page faults are the bootstrap process's own (/proc), not its tree's\n");
	if (r->limits_applied)
		fprintf(txt, "Limits: %u MB memory (no swap), %.3f vCPU (CFS quota %llu us per %llu us), "
		       "cgroup %s, one per cold start\n", r->memory_mb, r->vcpus,
		       (unsigned long long)r->cpu_quota_us, (unsigned long long)r->cpu_period_us, r->cgroup);
	else
		fprintf(txt, "Limits: none applied; %u MB is only passed as AWS_LAMBDA_FUNCTION_MEMORY_SIZE\n",
		       r->memory_mb);
	fprintf(txt, "Logs: %s\n", TX_SAFE(r->log_dir));
}

void bench_print_summary(FILE *txt, const struct results *r)
{
	fprintf(txt, "\n=== Benchmark Results ===\n");
	print_total_stats(txt, r);
	fprintf(txt, "Binary:   %lluKB (%s)\n", (unsigned long long)r->binary.size_kb,
		TX_SAFE(r->binary.path));
	if (r->n_ok)
		print_phases(txt, r);
	if (r->warm)
		print_warm(txt, r);
	print_page_cache(txt, r);
	print_conditions(txt, r);
	api_facts_summary(txt, r->inv, r->n_inv);
}

/* The median waterfall of the run and what the breakdown's tracing cost. */
void bench_print_breakdown_summary(FILE *txt, const struct results *r)
{
	const struct bd_cost_summary *c = &r->bd_cost;
	struct breakdown med;

	if (!r->n_bd) {
		fprintf(txt, "\nBreakdown: no successful cold start with a complete trace\n");
		return;
	}
	fprintf(txt, "\nMedian waterfall over %zu cold start%s (each figure is its own median; starts are\n"
		"the sums of the median durations before them):\n", r->n_bd, r->n_bd > 1 ? "s" : "");
	med = r->bd_median;
	med.bpf_tree_measured = false;	/* said below, in full */
	breakdown_print(txt, &med, 40, 10);
	fprintf(txt, "Tracing cost of --breakdown (medians per cold start): ");
	if (c->tree_ms >= 0)
		fprintf(txt, "%.3f ms of BPF program time on the tree's own events (%.1f %% of the "
			"median total; the programs' own timing)", c->tree_ms, c->pct_of_total);
	else
		fprintf(txt, "BPF time on the tree's events not measured (a root exit was not seen)");
	fprintf(txt, "; %.0f events, %.0f of them breakdown-only. Its effect on the cold start "
		"itself: make bench (BENCHMARKS.md).\n", c->events, c->bd_events);
}

void bench_print_sweep(FILE *txt, const struct config_summary *cs, size_t n)
{
	size_t i;

	fprintf(txt, "\n=== Sweep summary (cold start total, ms; init and handler means) ===\n");
	fprintf(txt, "%-8s %4s %4s %9s %9s %9s %9s %9s %9s  %s\n", "Memory", "ok", "fail", "Average", "P50",
	       "P99", "Init", "Handler", "PeakRSS", "Results");
	for (i = 0; i < n; i++) {
		char rss[32], mem[16];

		if (cs[i].rss_max)
			snprintf(rss, sizeof(rss), "%lluKB", (unsigned long long)cs[i].rss_max);
		else
			snprintf(rss, sizeof(rss), "n/a");
		snprintf(mem, sizeof(mem), "%uMB", cs[i].memory_mb);
		if (cs[i].n_ok)
			fprintf(txt, "%-8s %4zu %4zu %9.3f %9.3f %9.3f %9.3f %9.3f %9s  %s\n", mem,
			       cs[i].n_ok, cs[i].n_failed, cs[i].total.avg, cs[i].total.p50, cs[i].total.p99,
			       cs[i].init_avg, cs[i].handler_avg, rss,
			       TX_SAFE(cs[i].output[0] ? cs[i].output : "-"));
		else
			fprintf(txt, "%-8s %4zu %4zu %9s %9s %9s %9s %9s %9s  %s\n", mem, cs[i].n_ok,
			       cs[i].n_failed, "n/a", "n/a", "n/a", "n/a", "n/a", rss,
			       TX_SAFE(cs[i].output[0] ? cs[i].output : "-"));
	}
}
