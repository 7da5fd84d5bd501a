/*
 * Lambda's filesystem for one cold start: a private mount namespace whose root is a new,
 * read-only tmpfs holding
 *
 *   /var/task   the task root (the package's, or a loose bootstrap's folder), read-only
 *   /opt        the layer root (the merged layers; empty without), read-only
 *   /tmp        a private tmpfs of --ephemeral-storage MB (Lambda: 512..10240)
 *   /usr /etc /bin /sbin /lib /lib32 /lib64 /libx32 /sys   the host's, bound read-only
 *               (a host link such as /bin -> usr/bin is made as the same link)
 *   /proc       a proc of the host's pid namespace (pids are not namespaced: the tracer
 *               sees the same ones)
 *   /dev        a tmpfs with null, zero, full, random, urandom and tty bound from the host,
 *               and the fd, stdin, stdout and stderr links
 *
 * and nothing else of the host: not /root, /home, /run, the host's /tmp, /var or the
 * profiler's own files. That is bubblewrap's layout (a new root on a tmpfs with read-only
 * binds of the system folders) rather than a read-only view of the whole host, so the
 * runtime finds its libraries where the host keeps them and reaches nothing a Lambda sandbox
 * would not have. Every mount is nosuid and nodev but /dev's nodes.
 *
 * The parent plans every step (sandbox_plan: paths and options made here, with malloc);
 * the child of a CLONE_VM|CLONE_VFORK|CLONE_NEWNS spawn carries them out with system calls
 * only (sandbox_enter), before it drops privileges and execs. The namespace, and with it
 * every mount, ends with the last process in it: nothing is mounted on the host, and the
 * only host path made is the empty mount point of the new root, removed by sandbox_remove.
 *
 * Another process tree can be started in the same sandbox (Lambda's extensions, started
 * before the runtime): spawn it with the first one's mount namespace (sandbox_ns_open of
 * its pid) to join instead of a new plan.
 */
#ifndef SANDBOX_H
#define SANDBOX_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SB_EPHEMERAL_MIN 512u		/* Lambda's ephemeral storage, MB */
#define SB_EPHEMERAL_MAX 10240u
#define SB_EPHEMERAL_DEFAULT 512u
#define SB_TASK_ROOT "/var/task"
#define SB_LAYER_ROOT "/opt"
#define SB_MAX_OPS 96

enum sb_kind {
	SB_MOUNT,	/* mount(src, dst, fstype, flags, data) */
	SB_BIND_RO,	/* bind src on dst (recursive when rec), then read-only, nosuid, nodev */
	SB_REMOUNT_RO,	/* dst's own mount read-only (nosuid, nodev) */
	SB_MKDIR,	/* mkdir(dst, mode) */
	SB_MKFILE,	/* an empty file dst (a mount point for a device node) */
	SB_SYMLINK,	/* symlink(src, dst) */
};

struct sb_op {
	enum sb_kind kind;
	const char *src, *dst, *fstype, *data;
	unsigned long flags;
	unsigned mode;
	bool rec;
};

struct sandbox {
	char dir[PATH_MAX];		/* a folder of its own for the mount point ("": in the
					 * caller's work folder) */
	char root[PATH_MAX];		/* the new root's mount point on the host */
	char exec_path[PATH_MAX];	/* the bootstrap inside: /var/task/NAME, /opt/bootstrap */
	unsigned ephemeral_mb;
	char system_dirs[256];		/* the host folders bound, space-separated */
	struct sb_op ops[SB_MAX_OPS];	/* their strings point into buf: the struct is not moved */
	size_t n_ops;
	char buf[16384];
	size_t used;
};

/*
 * Plan the sandbox: task_root and layer_root (NULL: an empty /opt) are host folders;
 * bootstrap_in is the runtime's path inside (under /var/task or /opt). The mount point is made
 * in workdir (NULL: a new /tmp/profiler-sandbox-PID-XXXXXX, package.h's naming). Returns 0, or -1 with one line in err.
 */
int sandbox_plan(struct sandbox *sb, const char *task_root, const char *layer_root,
		 const char *bootstrap_in, unsigned ephemeral_mb, const char *workdir, char *err,
		 size_t errlen);

/*
 * In the child, in its new mount namespace: every step of the plan, then the new root taken
 * (pivot_root) and the host's left behind. System calls only, no allocation: safe in a
 * CLONE_VM child. Returns 0, or -1 with errno set and *failed the step that failed (n_ops:
 * the pivot).
 */
int sandbox_enter(const struct sandbox *sb, size_t *failed);

/* One line saying what step i does ("mount tmpfs on /tmp (size=512m)"), for an error. */
void sandbox_describe(const struct sandbox *sb, size_t i, char *out, size_t len);

/*
 * Try the plan once in a child of its own (fork, unshare, sandbox_enter), so that a host where
 * it cannot work is told once, before any cold start. Returns 0, or -1 with one line in err.
 */
int sandbox_probe(const struct sandbox *sb, char *err, size_t errlen);

/* The mount namespace of a process in the sandbox, to start another process tree in it
 * (spawn_opts.join_mntns). Returns an fd (O_CLOEXEC), or -1 with errno. */
int sandbox_ns_open(pid_t pid);

/* Remove the mount point (and the folder made for it). */
void sandbox_remove(struct sandbox *sb);
#endif
