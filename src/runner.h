/* Starts one bootstrap as a fresh process with Lambda's environment, and ends its tree. */
#ifndef RUNNER_H
#define RUNNER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct spawn_opts {
	const char *path;		/* bootstrap executable */
	const char *api;		/* "127.0.0.1:PORT" for AWS_LAMBDA_RUNTIME_API */
	const char *function_name;
	unsigned memory_mb;
	int out_fd;			/* the child's stdout and stderr (a pipe the caller drains) */
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
};

/* Make this process the reaper of orphaned descendants (call once). */
int runner_init(void);

/* Returns 0 and fills out, or -1 with one line in err. */
int runner_spawn(const struct spawn_opts *o, struct spawned *out, char *err, size_t errlen);

/* Build Lambda's environment for a bootstrap (exposed for tests).
 * Returns a NULL-terminated malloc'd array; free with runner_free_env. */
char **runner_build_env(const char *api, const char *task_root, const char *function_name,
			unsigned memory_mb);
void runner_free_env(char **env);

/* Reap every exited child without blocking; records the status of `pid` in
 * *status and returns 1 once it has been reaped, else 0. */
int runner_reap(pid_t pid, int *status);
#endif
