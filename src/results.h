/* The results JSON of a benchmark: its model (struct results), encoded (results_encode.c),
 * decoded (results_decode.c) and its statistics (results_stats.c). The fields of one
 * invocation record are one table both ends iterate (results_fields.h). Written to a file
 * with write_file_atomic() (util.h). */
#ifndef RESULTS_H
#define RESULTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "stats.h"
#include "invocation.h"

struct deployed;

struct binary_info {
	char path[512];
	uint64_t size_bytes;
	uint64_t size_kb;	/* rounded up */
	bool stripped;		/* no .symtab */
	bool is_elf;
};

struct results {
	char runtime[64];
	unsigned memory_mb;
	char arch[16];
	char timing_source[16];	/* "ebpf" or "userspace" */
	char api_isolation[8];	/* "netns": the Runtime API in a namespace of its own; "none" */
	char host[64];
	char kernel[128];
	char tool_version[32];
	char bootstrap[512];
	char log_dir[512];
	bool incomplete;	/* run interrupted */
	bool limits_applied;	/* memory/CPU limits of -m enforced (cgroup) */
	char cgroup[8];		/* "v1", "v2" or "" when no limits */
	double vcpus;		/* CPU share applied (Lambda: memory / 1769 MB) */
	uint64_t cpu_quota_us, cpu_period_us;
	char host_cpu[128];	/* model name */
	bool cold_cache;	/* --cold-cache: page cache emptied of the bootstrap's files */
	unsigned warm;		/* --warm: invocations after each cold one (0: none) */
	unsigned freeze_ms;	/* --freeze: the tree stopped this long between them */
	struct stats warm_handler;	/* over every measured warm handler of the successes */
	char run_as_user[64];	/* who the bootstrap ran as */
	uint32_t run_as_uid;
	uint64_t events_dropped;
	uint64_t capture_faults;
	struct binary_info binary;
	/* --breakdown */
	bool breakdown;
	char entry_probe[640];		/* what ends dynamic loading, or why nothing is probed */
	bool entry_probed;
	size_t n_bd;			/* successful cold starts with a breakdown */
	struct breakdown bd_median;	/* their median waterfall, when n_bd > 0 */
	struct bd_cost_summary {	/* medians per cold start; -1 = not measured */
		double tree_ms;		/* BPF program time on the tree's events (own timing) */
		double pct_of_total;	/* tree_ms / the median total, in % */
		double events, bd_events;	/* events, and the breakdown-only ones */
	} bd_cost;
	const struct deployed *deployed;	/* the function as deployed (deployed.h), not
					 * owned; NULL when read back from a file */
	struct invocation *inv;	/* all invocations, failed ones included */
	size_t n_inv;
	/* stats over successful invocations: total, init, handler */
	struct stats total, init, handler;
	size_t n_ok, n_failed;
};

/* Recompute n_ok/n_failed and the stats from inv[] (and, with breakdowns, n_bd,
 * bd_median and bd_cost). */
void results_compute_stats(struct results *r);

/* Encode as JSON text (malloc'd, caller frees). Fields: the guide's
 * runtime, memory_mb, arch, measurements[] {init_ms, handler_ms, total_ms,
 * memory_kb, timestamp}, stats {avg_ms,...}, binary {size_kb, path, stripped}
 * plus the extended ones (see README). */
char *results_to_json(const struct results *r);

/* Decode; on error returns -1 and writes a one-line message to err. Only
 * successful measurements go to inv[]; failures are kept too when present. */
int results_from_json(const char *text, struct results *r, char *err, size_t errlen);
int results_read_file(const char *path, struct results *r, char *err, size_t errlen);

/* One invocation as the JSON object results_to_json puts in measurements[] (or, when it
 * failed, in failures[]), on one line: an NDJSON record. malloc'd; NULL when out of memory. */
char *results_invocation_json(const struct invocation *v);

void results_free(struct results *r);	/* frees inv; accepts zeroed struct */
#endif
