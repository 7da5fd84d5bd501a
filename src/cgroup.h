/* A cgroup per cold start with Lambda's limits: memory = -m MB (no swap), CPU in
 * proportion (1769 MB = one vCPU). cgroup v2 where its controllers are
 * available, else v1 (memory and cpu hierarchies). */
#ifndef CGROUP_H
#define CGROUP_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LAMBDA_MB_PER_VCPU 1769.0
#define CG_CFS_PERIOD_US 100000u

enum cg_version { CG_NONE = 0, CG_V1, CG_V2 };

/* Where cold-start cgroups can be made on this host. */
struct cg_host {
	enum cg_version version;
	char mem_parent[PATH_MAX];	/* v1: memory hierarchy folder; v2: the one parent */
	char cpu_parent[PATH_MAX];	/* v1: cpu hierarchy folder; v2: same as mem_parent */
};

/* One cold start's cgroup(s). */
struct cg {
	enum cg_version version;
	char mem[PATH_MAX];
	char cpu[PATH_MAX];		/* v2: same as mem */
	uint64_t oom_kills_at_start;
};

/* Lambda's CPU share for a memory size, in vCPUs (pure). */
double cg_lambda_vcpus(unsigned memory_mb);
/* CFS quota in µs per CG_CFS_PERIOD_US for that share (pure). */
uint64_t cg_cfs_quota_us(unsigned memory_mb);

/* Parse "/proc/self/cgroup" text: the path of controller ctl (v1), or of the
 * unified hierarchy when ctl is NULL. Returns 0 or -1 (pure). */
int cg_parse_self(const char *text, const char *ctl, char *path, size_t len);
/* Read an "oom_kill N" line from memory.oom_control (v1) or memory.events (v2) text (pure). */
int cg_parse_oom_kills(const char *text, uint64_t *n);

/* Find where cgroups can be made and whether their controllers work here.
 * Returns 0, or -1 with one line in why. */
int cg_host_detect(struct cg_host *h, char *why, size_t whylen);

/* Make the cgroup(s) for one cold start, named name, with the limits of memory_mb. */
int cg_create(const struct cg_host *h, const char *name, unsigned memory_mb, struct cg *c,
	      char *err, size_t errlen);
/* Open the files a child writes "0" to in order to join (closed by the caller);
 * fds[1] is -1 on v2. Returns 0 or -1. */
int cg_join_fds(const struct cg *c, int fds[2]);
/* OOM kills in this cgroup since cg_create. */
uint64_t cg_oom_kills(const struct cg *c);
/* SIGKILL every process in it; returns how many were signalled. */
int cg_kill_all(const struct cg *c);
/* Remove the cgroup(s) (all processes must be gone); accepts a zeroed struct. */
void cg_destroy(struct cg *c);
#endif
