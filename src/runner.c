#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"

#ifndef SYS_close_range
#define SYS_close_range 436	/* the same number on every architecture */
#endif

int runner_probe_nofile(unsigned n)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0) {
		struct rlimit rl = { n, n };

		_exit(setrlimit(RLIMIT_NOFILE, &rl) ? (errno & 0xff) : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return ECHILD;
	return WEXITSTATUS(status);
}

int runner_init(void)
{
	/* Daemons a bootstrap forks re-parent to us, so they can be reaped. */
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

static int env_add(char **env, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int env_add(char **env, size_t *n, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	env[(*n)++] = s;
	return 0;
}

/* Does the "KEY=VALUE" string s have the key of the "KEY=VALUE" string kv? */
static bool same_key(const char *s, const char *kv)
{
	size_t k = strcspn(kv, "=");

	return !strncmp(s, kv, k) && s[k] == '=';
}

char **runner_build_env(const char *api, const char *task_root, const char *function_name,
			unsigned memory_mb, const char *handler, char *const *extra)
{
	size_t n_extra = 0;
	char **env;
	char stream[64], day[16];
	unsigned char rnd[16];
	size_t n = 0, i;
	time_t now = time(NULL);
	struct tm tm;
	int fail = 0;

	while (extra && extra[n_extra])
		n_extra++;
	env = calloc(24 + n_extra, sizeof(*env));
	if (!env)
		return NULL;
	gmtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y/%m/%d", &tm);
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memset(rnd, 0, sizeof(rnd));
	snprintf(stream, sizeof(stream), "%s/[$LATEST]", day);
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(stream + strlen(stream), sizeof(stream) - strlen(stream), "%02x", rnd[i]);

	fail |= env_add(env, &n, "AWS_LAMBDA_RUNTIME_API=%s", api);
	fail |= env_add(env, &n, "_HANDLER=%s", handler ? handler : "handler");
	fail |= env_add(env, &n, "LAMBDA_TASK_ROOT=%s", task_root);
	fail |= env_add(env, &n, "LAMBDA_RUNTIME_DIR=%s", task_root);
	fail |= env_add(env, &n, "AWS_LAMBDA_FUNCTION_NAME=%s", function_name);
	fail |= env_add(env, &n, "AWS_LAMBDA_FUNCTION_VERSION=%s", "$LATEST");
	fail |= env_add(env, &n, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=%u", memory_mb);
	fail |= env_add(env, &n, "AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/%s", function_name);
	fail |= env_add(env, &n, "AWS_LAMBDA_LOG_STREAM_NAME=%s", stream);
	fail |= env_add(env, &n, "AWS_REGION=%s", "us-east-1");
	fail |= env_add(env, &n, "AWS_DEFAULT_REGION=%s", "us-east-1");
	fail |= env_add(env, &n, "AWS_EXECUTION_ENV=%s", "AWS_Lambda_provided.al2023");
	fail |= env_add(env, &n, "AWS_LAMBDA_INITIALIZATION_TYPE=%s", "on-demand");
	fail |= env_add(env, &n, "TZ=%s", ":UTC");
	fail |= env_add(env, &n, "LANG=%s", "en_US.UTF-8");
	fail |= env_add(env, &n, "PATH=%s", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
	fail |= env_add(env, &n, "LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:"
			"/var/runtime/lib:%s:%s/lib:/opt/lib", task_root, task_root);
	/* the function's own variables (fnenv.h: never a reserved one) replace a default of the
	 * same key (TZ, LANG, PATH, LD_LIBRARY_PATH), as Lambda lets them */
	for (size_t k = 0; !fail && k < n_extra; k++) {
		char *kv = strdup(extra[k]);
		size_t j;

		if (!kv) {
			fail = -1;
			break;
		}
		for (j = 0; j < n && !same_key(env[j], extra[k]); j++)
			;
		if (j == n)
			n++;
		else
			free(env[j]);
		env[j] = kv;
	}
	if (fail) {
		runner_free_env(env);
		return NULL;
	}
	return env;
}

void runner_free_env(char **env)
{
	size_t i;

	if (!env)
		return;
	for (i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

struct child_args {
	const char *path;
	char *const *argv;
	char *const *env;
	const char *dir;
	int out_fd;
	const struct run_as *user;
	const int *cg_fds;
	unsigned nofile;
	bool nofile_soft_only;
	const struct sandbox *sb;	/* in a new mount namespace (CLONE_NEWNS) */
	int mntns_fd;			/* >= 0: join this one (setns) */
	int netns_fd;
	pid_t parent;			/* the profiler, read before clone */
	/* written by the child in the memory it shares with us until its execve: no
	 * system call (and so no wake-up of the parent) between the clock read and execve */
	volatile uint64_t spawn_ns;
	volatile int exec_errno;
	volatile bool sb_failed;
	volatile size_t sb_step;
};

/*
 * Raw system calls on purpose: glibc's setuid() family broadcasts the change
 * to every thread of the process, and a CLONE_VM child shares memory with
 * the profiler's threads.
 */
static int drop_to(const struct run_as *u)
{
	gid_t g = u->gid;

	if (syscall(SYS_setgroups, 1, &g) || syscall(SYS_setresgid, g, g, g) ||
	    syscall(SYS_setresuid, u->uid, u->uid, u->uid))
		return -1;
	return 0;
}

int runner_pick_user_from(uid_t euid, const char *sudo_uid, const char *sudo_gid, const char *name,
			  bool as_root, struct run_as *out, char *err, size_t errlen)
{
	struct passwd *pw;
	char *end;

	memset(out, 0, sizeof(*out));
	if (name) {
		pw = getpwnam(name);
		if (!pw) {
			snprintf(err, errlen, "--user %s: no such user", name);
			return -1;
		}
		/* root by another name is root: the same explicit --run-as-root as root */
		if (pw->pw_uid == 0 && !as_root) {
			snprintf(err, errlen, "--user %s is uid 0: the untrusted bootstrap would run as "
				 "root; add --run-as-root to mean it", name);
			return -1;
		}
		if (pw->pw_uid != 0 && as_root) {
			snprintf(err, errlen, "--user %s is not root (uid %u): --run-as-root contradicts "
				 "it", name, (unsigned)pw->pw_uid);
			return -1;
		}
		out->uid = pw->pw_uid;
		out->gid = pw->pw_gid;
		strlcpy0(out->name, pw->pw_name, sizeof(out->name));
		return 0;
	}
	if (as_root || euid != 0)
		return 1;	/* as root when asked; a non-root profiler cannot switch */
	if (sudo_uid && sudo_gid && *sudo_uid && *sudo_gid) {
		unsigned long uid = strtoul(sudo_uid, &end, 10), gid;

		/* (uid 0: sudo run by root, which is no caller to run as) */
		if (!*end && uid) {
			gid = strtoul(sudo_gid, &end, 10);
			if (!*end) {
				out->uid = (uid_t)uid;
				out->gid = (gid_t)gid;
				pw = getpwuid(out->uid);
				if (pw)
					strlcpy0(out->name, pw->pw_name, sizeof(out->name));
				else
					snprintf(out->name, sizeof(out->name), "%lu", uid);
				return 0;
			}
		}
	}
	pw = getpwnam("nobody");
	out->uid = pw ? pw->pw_uid : 65534;
	out->gid = pw ? pw->pw_gid : 65534;
	strlcpy0(out->name, "nobody", sizeof(out->name));
	return 0;
}

int runner_pick_user(const char *name, bool as_root, struct run_as *out, char *err, size_t errlen)
{
	return runner_pick_user_from(geteuid(), getenv("SUDO_UID"), getenv("SUDO_GID"), name, as_root,
				     out, err, errlen);
}

int runner_user_can_exec(const struct run_as *u, const char *path)
{
	int status, e = 0;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0) {
		if (drop_to(u))
			_exit(errno & 0xff);
		_exit(access(path, X_OK) == 0 ? 0 : (errno & 0xff));
	}
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		e = WEXITSTATUS(status);
	else
		e = ECHILD;
	return e;
}

/* getdents64's record (linux/dirent.h, which glibc does not export) */
struct dirent64_rec {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Only system calls, on the stack: this runs in the CLONE_VM child too. */
void runner_close_fds(bool use_close_range)
{
	char buf[2048];
	struct rlimit rl;
	long n = -1;
	int dfd, closed;
	unsigned long fd, top;

	if (use_close_range && syscall(SYS_close_range, 3U, ~0U, 0) == 0)
		return;
	/* before Linux 5.9: every fd /proc lists, read again until a pass closes nothing */
	dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		do {
			closed = 0;
			if (lseek(dfd, 0, SEEK_SET) != 0)
				break;
			while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
				for (long off = 0; off < n;) {
					struct dirent64_rec *d = (struct dirent64_rec *)(buf + off);
					const char *c = d->d_name;

					off += d->d_reclen;
					for (fd = 0; *c >= '0' && *c <= '9'; c++)
						fd = fd * 10 + (unsigned long)(*c - '0');
					if (*c || c == d->d_name || fd < 3 || fd == (unsigned long)dfd)
						continue;
					close((int)fd);
					closed++;
				}
			}
		} while (n == 0 && closed);
		close(dfd);
		if (n == 0)
			return;
	}
	/* no /proc either: every fd below the limit */
	top = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	      rl.rlim_cur < (1ul << 20) ? (unsigned long)rl.rlim_cur : 65536;
	for (fd = 3; fd < top; fd++)
		close((int)fd);
}

/*
 * The child of a CLONE_VM|CLONE_VFORK spawn, as glibc's posix_spawn does and as
 * Lambda's own init starts a runtime: it shares our memory until execve, so it
 * only makes system calls (no malloc, no stdio) and the exec does not pay for
 * tearing down a copy of the profiler's address space.
 */
static int child_fn(void *p)
{
	struct child_args *a = p;
	struct sigaction dfl;
	int fd, sig;

	setsid();
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	/* stdin is /dev/null, never the profiler's (a terminal, a file of root's) */
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || (fd != 0 && dup2(fd, 0) < 0))
		goto fail;
	if (fd != 0)
		close(fd);
	if (dup2(a->out_fd, 1) < 0 || dup2(a->out_fd, 2) < 0)
		goto fail;
	/* into the cold start's cgroup(s) before the image exists: "0" is "me" */
	for (int i = 0; i < 3; i++)
		if (a->cg_fds[i] >= 0 && write(a->cg_fds[i], "0", 1) != 1)
			goto fail;
	/* into the Runtime API's network namespace while still privileged: its loopback is
	 * the only one the tree sees, and nothing outside can reach it */
	if (a->netns_fd > 0 && syscall(SYS_setns, a->netns_fd, CLONE_NEWNET))
		goto fail;
	/* Lambda's descriptor limit, soft and hard: the bootstrap cannot raise it again */
	if (a->nofile) {
		struct rlimit rl = { a->nofile, a->nofile };

		if (a->nofile_soft_only && getrlimit(RLIMIT_NOFILE, &rl) == 0)
			rl.rlim_cur = a->nofile < rl.rlim_max ? a->nofile : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			goto fail;
	}
	/* Lambda's filesystem, while still privileged: its mounts need CAP_SYS_ADMIN */
	if (a->sb || a->mntns_fd >= 0) {
		size_t step = 0;

		if (a->mntns_fd >= 0 ? setns(a->mntns_fd, CLONE_NEWNS) : sandbox_enter(a->sb, &step)) {
			a->sb_step = step;
			a->sb_failed = true;
			goto fail;
		}
	}
	/* nothing but 0, 1 and 2 reaches the bootstrap: not the fds the profiler was started
	 * with (root's files), nor its own that lack O_CLOEXEC */
	runner_close_fds(true);
	if (a->user && drop_to(a->user))
		goto fail;
	if (chdir(a->dir) != 0)
		goto fail;
	/* the bootstrap dies with the profiler, a SIGKILLed one too. After the drop: a change
	 * of credentials clears it. A parent that died before this line is seen in getppid(). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) || getppid() != a->parent)
		goto fail;
	a->spawn_ns = mono_ns();
	execve(a->path, a->argv, a->env);
fail:
	a->exec_errno = errno ? errno : EINVAL;
	_exit(127);
}

#define CHILD_STACK (256 * 1024)

static void forget_exit(pid_t pid);

int runner_spawn(const struct spawn_opts *o, struct spawned *out, char *err, size_t errlen)
{
	char task_root[PATH_MAX], abs_path[PATH_MAX];
	char *argv[2] = { abs_path, NULL };
	struct child_args a;
	char **env = NULL;
	sigset_t all, old;
	char *stack = NULL;
	pid_t pid;
	int e, ret = -1;

	memset(out, 0, sizeof(*out));
	if (o->sandbox || o->join_mntns) {
		/* the path as the sandbox sees it; the task root is Lambda's */
		strlcpy0(abs_path, o->exec_in ? o->exec_in : o->sandbox ? o->sandbox->exec_path :
			 o->path, sizeof(abs_path));
		strlcpy0(task_root, SB_TASK_ROOT, sizeof(task_root));
	} else {
		if (!realpath(o->path, abs_path)) {
			snprintf(err, errlen, "cannot resolve %s: %s", o->path, strerror(errno));
			return -1;
		}
		strlcpy0(task_root, abs_path, sizeof(task_root));
		strlcpy0(task_root, dirname(task_root), sizeof(task_root));
	}
	env = runner_build_env(o->api, task_root, o->function_name, o->memory_mb, o->handler,
			       o->fn_env);
	stack = malloc(CHILD_STACK);
	if (!env || !stack) {
		snprintf(err, errlen, "cannot prepare the bootstrap: %s", strerror(errno));
		goto out;
	}
	a = (struct child_args){ .path = abs_path, .argv = argv, .env = env, .dir = task_root,
				 .out_fd = o->out_fd, .user = o->user, .cg_fds = o->cg_fds,
				 .nofile = o->nofile, .nofile_soft_only = o->nofile_soft_only, .sb = o->join_mntns ? NULL : o->sandbox,
				 .mntns_fd = o->join_mntns ? o->mntns_fd : -1,
				 .netns_fd = o->netns_fd, .parent = getpid() };
	if (o->arm && o->arm(o->ctx, true)) {
		snprintf(err, errlen, "cannot start tracing the bootstrap");
		goto out;
	}
	/* no signal handler of ours may run in the child while it shares our memory */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	/* CLONE_NEWNS goes with CLONE_VM (not with CLONE_FS): the child's mounts are its own */
	pid = clone(child_fn, stack + CHILD_STACK,
		    CLONE_VM | CLONE_VFORK | SIGCHLD | (a.sb ? CLONE_NEWNS : 0), &a);
	e = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (o->arm)
		o->arm(o->ctx, false);
	if (pid < 0) {
		snprintf(err, errlen, "cannot start the bootstrap: clone: %s", strerror(e));
		goto out;
	}
	out->pid = pid;
	forget_exit(pid);
	/* CLONE_VFORK: we run again only once the child has exec'd or exited, so
	 * what it stored is final (spawn_ns 0: it failed before reading the clock) */
	out->spawn_ns = a.spawn_ns;
	out->exec_errno = a.exec_errno;
	out->sandbox_failed = a.sb_failed;
	out->sandbox_step = a.sb_step;
	ret = 0;
out:
	free(stack);
	runner_free_env(env);
	return ret;
}

int runner_kill_children(void)
{
	pid_t self = getpid();
	struct dirent *d;
	int n = 0;
	DIR *dir = opendir("/proc");

	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		char path[64], buf[512], *p;
		long ppid;
		pid_t pid;
		FILE *f;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		pid = (pid_t)atoi(d->d_name);
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		f = fopen(path, "re");
		if (!f)
			continue;
		p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		/* after "pid (comm)": state, then ppid */
		if (p && sscanf(p + 1, " %*c %ld", &ppid) == 1 && ppid == self) {
			kill(pid, SIGKILL);
			n++;
		}
	}
	closedir(dir);
	return n;
}

int runner_proc_sample(pid_t pid, uint64_t *hwm_kb, uint64_t *minflt, uint64_t *majflt)
{
	char path[64], line[512], *p;
	unsigned long long mn, mj;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long kb;

		if (sscanf(line, "VmHWM: %llu kB", &kb) == 1) {
			*hwm_kb = kb;
			found = 1;
		}
	}
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	p = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
	fclose(f);
	/* fields after comm: state ppid pgrp session tty tpgid flags minflt cminflt majflt */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %llu %*u %llu", &mn, &mj) != 2)
		return -1;
	*minflt = mn;
	*majflt = mj;
	return found ? 0 : -1;
}

/* the other children runner_reap reaped: a ring of the last RUNNER_EXITS */
static struct { pid_t pid; int status; } exits[RUNNER_EXITS];
static unsigned n_exits;

int runner_reap(pid_t pid, int *status)
{
	int st, found = 0;
	pid_t p;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		if (p == pid) {
			*status = st;
			found = 1;
		} else {
			exits[n_exits % RUNNER_EXITS].pid = p;
			exits[n_exits % RUNNER_EXITS].status = st;
			n_exits++;
		}
	}
	return found;
}

int runner_exited(pid_t pid, int *status)
{
	if (waitpid(pid, status, WNOHANG) == pid)
		return 1;
	for (unsigned i = 0; i < RUNNER_EXITS && i < n_exits; i++)
		if (exits[i].pid == pid) {
			*status = exits[i].status;
			return 1;
		}
	return 0;
}

/* A new child took pid: what an earlier one of that number left is not its. */
static void forget_exit(pid_t pid)
{
	for (unsigned i = 0; i < RUNNER_EXITS; i++)
		if (exits[i].pid == pid)
			exits[i].pid = 0;
}
