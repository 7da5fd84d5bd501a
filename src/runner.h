/* Starts one bootstrap as a fresh process with Lambda's environment, and ends its tree. */
#ifndef RUNNER_H
#define RUNNER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sandbox;

#define RUNNER_LAMBDA_NOFILE 1024u	/* Lambda's RLIMIT_NOFILE, soft and hard */

/* Who the bootstrap runs as: it is untrusted code, never root unless asked. */
struct run_as {
	uid_t uid;
	gid_t gid;
	char name[64];
};

/* Choose the user: --user NAME, else --run-as-root (returns 1: no drop), else
 * the sudo caller (SUDO_UID/SUDO_GID), else "nobody" when we are root.
 * Root is never a default nor implied: --user naming a uid 0 user needs --run-as-root too
 * (and --run-as-root with --user naming another user is a contradiction).
 * Returns 0 (drop to *out), 1 (no drop), or -1 with one line in err. */
int runner_pick_user(const char *name, bool as_root, struct run_as *out, char *err, size_t errlen);
/* The same rule with what it reads from the process given: the effective uid and the sudo
 * caller's SUDO_UID/SUDO_GID (NULL: not set). Pure but for the user database. */
int runner_pick_user_from(uid_t euid, const char *sudo_uid, const char *sudo_gid, const char *name,
			  bool as_root, struct run_as *out, char *err, size_t errlen);

/* Can that user execute path (search permission on every folder included)?
 * Checked in a child that really drops to the user. Returns 0 or an errno. */
int runner_user_can_exec(const struct run_as *u, const char *path);

struct spawn_opts {
	const char *path;		/* bootstrap executable */
	const char *api;		/* "127.0.0.1:PORT" for AWS_LAMBDA_RUNTIME_API */
	const char *function_name;
	unsigned memory_mb;
	const char *handler;		/* _HANDLER; NULL: "handler" */
	char *const *fn_env;		/* the function's own "KEY=VALUE" variables (fnenv.h),
					 * NULL-terminated; NULL: none */
	int out_fd;			/* the child's stdout and stderr (a pipe the caller drains) */
	const struct run_as *user;	/* drop to this user before execve; NULL: stay */
	int cg_fds[3];			/* cgroup.procs files the child joins (-1: none;
					 * cgroup.h's CG_JOIN_FDS) */
	unsigned nofile;		/* RLIMIT_NOFILE (soft and hard) in the child; 0: as ours */
	bool nofile_soft_only;		/* ... the soft limit only (runner_probe_nofile failed) */
	/* Lambda's filesystem (sandbox.h): the child enters a new mount namespace set up by
	 * this plan and execs sandbox->exec_path from /var/task; NULL: the host's, as is.
	 * With join_mntns, it joins the mount namespace of that fd instead (another process
	 * tree of the same sandbox: sandbox_ns_open), and execs path as seen in there. */
	const struct sandbox *sandbox;
	const char *exec_in;		/* with sandbox or join_mntns: exec this path inside
					 * (an extension's) instead; NULL: as said above */
	bool join_mntns;
	int mntns_fd;
	int netns_fd;			/* network namespace the child joins (setns) before it
					 * drops privileges; -1 (or 0 in a zeroed struct): none */
	/* called with true right before the child is created and false right
	 * after: the place to arm tracing of the new process (tracer_arm_spawn).
	 * Non-zero return aborts the spawn. */
	int (*arm)(void *ctx, bool on);
	void *ctx;
};

struct spawned {
	pid_t pid;
	uint64_t spawn_ns;		/* CLOCK_MONOTONIC read by the child right before execve */
	int exec_errno;			/* non-zero: execve failed with this errno */
	bool sandbox_failed;		/* ... or, before it, the sandbox's step sandbox_step did
					 * (sandbox_describe says which) */
	size_t sandbox_step;
};

/* Close every fd from 3 up (close_range; false: the fallback of kernels before 5.9, which
 * reads /proc/self/fd, exposed for tests). System calls only: safe in a CLONE_VM child. */
void runner_close_fds(bool use_close_range);

/* Can a child set RLIMIT_NOFILE to n, soft and hard? Tried in a child of its own. 0, or the
 * errno (lowering a hard limit is always allowed, but a tool the profiler runs under may
 * refuse it, as valgrind does). */
int runner_probe_nofile(unsigned n);

/* Make this process the reaper of orphaned descendants (call once). */
int runner_init(void);

/* Returns 0 and fills out, or -1 with one line in err. */
int runner_spawn(const struct spawn_opts *o, struct spawned *out, char *err, size_t errlen);

/* Build Lambda's environment for a bootstrap (exposed for tests): Lambda's own variables,
 * _HANDLER=handler (NULL: "handler"), then the function's variables extra ("KEY=VALUE",
 * NULL-terminated, none reserved; NULL: none), each replacing a default of the same key (TZ,
 * LANG, PATH, LD_LIBRARY_PATH) or added after them.
 * Returns a NULL-terminated malloc'd array; free with runner_free_env. */
char **runner_build_env(const char *api, const char *task_root, const char *function_name,
			unsigned memory_mb, const char *handler, char *const *extra);
void runner_free_env(char **env);

/* SIGKILL every child of this process (orphans re-parented to us included).
 * Returns how many were signalled; 0 means none is left. */
int runner_kill_children(void);

/* Userspace readings of a live process: peak RSS (VmHWM, KiB) and its own
 * minor/major faults. Returns 0, or -1 if it is gone. */
int runner_proc_sample(pid_t pid, uint64_t *hwm_kb, uint64_t *minflt, uint64_t *majflt);

/* Reap every exited child without blocking; records the status of `pid` in
 * *status and returns 1 once it has been reaped, else 0. The statuses of the
 * other children it reaps are kept (the last RUNNER_EXITS) for runner_exited. */
int runner_reap(pid_t pid, int *status);

#define RUNNER_EXITS 32
/* Whether pid (a child) has exited: reaped now, or by an earlier runner_reap. Returns 1
 * with its wait status in *status, else 0. */
int runner_exited(pid_t pid, int *status);
#endif
