/* A cgroup per cold start with Lambda's limits: memory = -m MB (no swap), CPU in
 * proportion (1769 MB = one vCPU), and at most CG_PIDS_MAX processes and threads (the pids
 * controller, where the host has it: without it the run goes on and says so). cgroup v2
 * where its memory and cpu controllers are available, else v1 (memory, cpu and pids
 * hierarchies). */
#ifndef CGROUP_H
#define CGROUP_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LAMBDA_MB_PER_VCPU 1769.0
#define CG_CFS_PERIOD_US 100000u
#define CG_PIDS_MAX 1024u	/* Lambda: 1024 processes and threads per execution environment */
#define CG_JOIN_FDS 3		/* the cgroup.procs files a child joins (v1: one per hierarchy) */

enum cg_version { CG_NONE = 0, CG_V1, CG_V2 };

/* Where cold-start cgroups can be made on this host. */
struct cg_host {
	enum cg_version version;
	char mem_parent[PATH_MAX];	/* v1: memory hierarchy folder; v2: the one parent */
	char cpu_parent[PATH_MAX];	/* v1: cpu hierarchy folder; v2: same as mem_parent */
	char pids_parent[PATH_MAX];	/* v1: pids hierarchy folder; v2: same as mem_parent;
					 * "" when the pids controller cannot be used here */
	char pids_why[256];		/* pids_parent "": why (for the results) */
};

/* One cold start's cgroup(s). */
struct cg {
	enum cg_version version;
	char mem[PATH_MAX];
	char cpu[PATH_MAX];		/* v2: same as mem */
	char pids[PATH_MAX];		/* v1: in the pids hierarchy; v2: same as mem; "": none */
	uint64_t oom_kills_at_start;
	uint64_t pids_max_at_start;	/* pids.events "max" when made */
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
/* Read the "max N" line of pids.events text (v1 and v2): how many forks and clones were
 * refused at pids.max (pure). */
int cg_parse_pids_max_events(const char *text, uint64_t *n);

/* Find where cgroups can be made and whether their controllers work here.
 * Returns 0, or -1 with one line in why. */
int cg_host_detect(struct cg_host *h, char *why, size_t whylen);

/* Make the cgroup(s) for one cold start, named name, with the limits of memory_mb, and
 * pids.max CG_PIDS_MAX where h has the pids controller. */
int cg_create(const struct cg_host *h, const char *name, unsigned memory_mb, struct cg *c,
	      char *err, size_t errlen);
/* Open the files a child writes "0" to in order to join (closed by the caller); the
 * unused ones are -1 (v2: fds[1] and fds[2]; v1 without pids: fds[2]). Returns 0 or -1. */
int cg_join_fds(const struct cg *c, int fds[CG_JOIN_FDS]);
/* OOM kills in this cgroup since cg_create. */
uint64_t cg_oom_kills(const struct cg *c);
/* Forks and clones its pids controller refused since cg_create (0 without one). */
uint64_t cg_pids_max_events(const struct cg *c);
/* SIGKILL every process in it; returns how many were signalled. */
int cg_kill_all(const struct cg *c);
/* Remove the cgroup(s) (all processes must be gone); accepts a zeroed struct. */
void cg_destroy(struct cg *c);

/*
 * Cold-start cgroups are named "profiler-<pid>-<n>" (pid: the profiler's, n: the cold start).
 * A profiler that was SIGKILLed leaves its last one behind, with what still runs in it (a
 * daemon the bootstrap forked), so each benchmark sweeps such stale ones first.
 */
/* The pid and cold start of a cgroup name: 0, or -1 for any other name (pure). */
int cg_parse_name(const char *name, pid_t *pid, unsigned *n);
/* Is the cgroup called name a stale one: ours by its name, and left by a profiler that no
 * longer runs (alive(pid) false)? A name with self's own pid is stale too: this process has
 * made none yet when it sweeps (an earlier process had that pid). Pure but for alive. */
bool cg_is_stale(const char *name, pid_t self, bool (*alive)(pid_t pid));
/* Does a process of that pid run (kill(pid, 0))? */
bool cg_pid_alive(pid_t pid);

struct cg_stale {
	char name[64];
	pid_t pid;			/* the profiler that made it */
	unsigned cold_start;		/* its n */
	int error;			/* 0: removed; else why not (errno) */
};

/* Remove the stale cgroups of h's parent(s) (every v1 hierarchy): kill what is left in
 * them (cgroup.kill on v2 when the kernel has it, SIGKILL to each pid of cgroup.procs) and
 * rmdir. *out (malloc'd, the caller frees) gets one entry per name, by pid and cold start,
 * *n their number.
 * Returns 0, or -1 (out of memory; what was found so far is in *out). */
int cg_sweep_stale(const struct cg_host *h, struct cg_stale **out, size_t *n);
#endif
