/* Lambda's filesystem for a cold start: the plan (parent) and its steps (child) (sandbox.h). */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442	/* the same number on every architecture */
#endif

/* The host folders a runtime's programs and libraries come from, bound read-only. */
static const char *const system_dirs[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/sys", NULL,
};

/* The device nodes of Lambda's /dev, bound from the host's. */
static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty", NULL };

static const struct { const char *name, *target; } dev_links[] = {
	{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" }, { NULL, NULL },
};

/* A string kept in sb->buf, or NULL when it is full. */
static const char *keep(struct sandbox *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *keep(struct sandbox *sb, const char *fmt, ...)
{
	char *at = sb->buf + sb->used;
	size_t room = sizeof(sb->buf) - sb->used;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(at, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return NULL;
	sb->used += (size_t)n + 1;
	return at;
}

/* Append a step; false when the plan is full (sb->n_ops is then SB_MAX_OPS + 1). */
static bool add(struct sandbox *sb, struct sb_op op)
{
	if (sb->n_ops >= SB_MAX_OPS || !op.dst) {
		sb->n_ops = SB_MAX_OPS + 1;
		return false;
	}
	sb->ops[sb->n_ops++] = op;
	return true;
}

#define IN_ROOT(sb, path) keep(sb, "%s%s", (sb)->root, path)

static void add_mkdir(struct sandbox *sb, const char *path, unsigned mode)
{
	add(sb, (struct sb_op){ .kind = SB_MKDIR, .dst = IN_ROOT(sb, path), .mode = mode });
}

static void add_bind_ro(struct sandbox *sb, const char *src, const char *path, bool rec)
{
	add(sb, (struct sb_op){ .kind = SB_BIND_RO, .src = keep(sb, "%s", src),
				.dst = IN_ROOT(sb, path), .rec = rec });
}

static void add_tmpfs(struct sandbox *sb, const char *path, const char *data, unsigned long flags)
{
	add(sb, (struct sb_op){ .kind = SB_MOUNT, .src = "tmpfs", .dst = IN_ROOT(sb, path),
				.fstype = "tmpfs", .data = keep(sb, "%s", data),
				.flags = flags });
}

/* The host's system folders: bound when folders, made again when links. */
static int plan_system(struct sandbox *sb, char *err, size_t errlen)
{
	size_t n = 0;

	for (size_t i = 0; system_dirs[i]; i++) {
		const char *d = system_dirs[i];
		struct stat st;
		char target[PATH_MAX];
		ssize_t len;

		if (lstat(d, &st))
			continue;
		if (S_ISLNK(st.st_mode)) {
			len = readlink(d, target, sizeof(target) - 1);
			if (len <= 0)
				continue;
			target[len] = '\0';
			add(sb, (struct sb_op){ .kind = SB_SYMLINK, .src = keep(sb, "%s", target),
						.dst = IN_ROOT(sb, d) });
		} else if (S_ISDIR(st.st_mode)) {
			add_mkdir(sb, d, 0755);
			/* recursive: /etc's and /sys's own mounts (a container's /etc/hosts, the
			 * cgroup hierarchies) come along, all read-only */
			add_bind_ro(sb, d, d, true);
		} else {
			continue;
		}
		n += (size_t)snprintf(sb->system_dirs + n, sizeof(sb->system_dirs) - n, "%s%s",
				      n ? " " : "", d);
		if (n >= sizeof(sb->system_dirs))
			n = sizeof(sb->system_dirs) - 1;
	}
	if (!strstr(sb->system_dirs, "/usr")) {
		snprintf(err, errlen, "the sandbox needs the host's /usr (its programs and libraries)");
		return -1;
	}
	return 0;
}

static void plan_dev(struct sandbox *sb)
{
	add_mkdir(sb, "/dev", 0755);
	add_tmpfs(sb, "/dev", "mode=0755,size=64k", MS_NOSUID | MS_NOEXEC);
	for (size_t i = 0; dev_nodes[i]; i++) {
		char host[64], in[64];
		struct stat st;

		snprintf(host, sizeof(host), "/dev/%s", dev_nodes[i]);
		if (stat(host, &st) || !S_ISCHR(st.st_mode))
			continue;
		snprintf(in, sizeof(in), "/dev/%s", dev_nodes[i]);
		add(sb, (struct sb_op){ .kind = SB_MKFILE, .dst = IN_ROOT(sb, in), .mode = 0666 });
		/* the node's own mount, not read-only: /dev/null is written to */
		add(sb, (struct sb_op){ .kind = SB_MOUNT, .src = keep(sb, "%s", host),
					.dst = IN_ROOT(sb, in), .flags = MS_BIND });
	}
	for (size_t i = 0; dev_links[i].name; i++) {
		char in[64];

		snprintf(in, sizeof(in), "/dev/%s", dev_links[i].name);
		add(sb, (struct sb_op){ .kind = SB_SYMLINK, .src = dev_links[i].target,
					.dst = IN_ROOT(sb, in) });
	}
	add(sb, (struct sb_op){ .kind = SB_REMOUNT_RO, .dst = IN_ROOT(sb, "/dev") });
}

int sandbox_plan(struct sandbox *sb, const char *task_root, const char *layer_root,
		 const char *bootstrap_in, unsigned ephemeral_mb, const char *workdir, char *err,
		 size_t errlen)
{
	char tmp_opts[64];

	memset(sb, 0, sizeof(*sb));
	sb->ephemeral_mb = ephemeral_mb;
	strlcpy0(sb->exec_path, bootstrap_in, sizeof(sb->exec_path));
	if (workdir) {
		snprintf(sb->root, sizeof(sb->root), "%s/root", workdir);
	} else {
		snprintf(sb->dir, sizeof(sb->dir), "/tmp/profiler-sandbox-%d-XXXXXX", (int)getpid());
		if (!mkdtemp(sb->dir)) {
			snprintf(err, errlen, "cannot create the sandbox's folder: %s", strerror(errno));
			sb->dir[0] = '\0';
			return -1;
		}
		snprintf(sb->root, sizeof(sb->root), "%s/root", sb->dir);
	}
	if (mkdir(sb->root, 0700)) {
		snprintf(err, errlen, "cannot create the sandbox's mount point %s: %s", sb->root,
			 strerror(errno));
		sb->root[0] = '\0';
		sandbox_remove(sb);
		return -1;
	}
	/* the new root: read-only once every mount point is in it (the last step) */
	add_tmpfs(sb, "", "mode=0755,size=1m", MS_NOSUID | MS_NODEV);
	if (plan_system(sb, err, errlen))
		goto fail;
	add_mkdir(sb, "/proc", 0555);
	add(sb, (struct sb_op){ .kind = SB_MOUNT, .src = "proc", .dst = IN_ROOT(sb, "/proc"),
				.fstype = "proc", .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC });
	plan_dev(sb);
	add_mkdir(sb, "/tmp", 01777);
	snprintf(tmp_opts, sizeof(tmp_opts), "mode=1777,size=%um", ephemeral_mb);
	add_tmpfs(sb, "/tmp", tmp_opts, MS_NOSUID | MS_NODEV);
	add_mkdir(sb, "/var", 0755);
	add_mkdir(sb, SB_TASK_ROOT, 0755);
	add_bind_ro(sb, task_root, SB_TASK_ROOT, false);
	add_mkdir(sb, SB_LAYER_ROOT, 0755);
	if (layer_root)
		add_bind_ro(sb, layer_root, SB_LAYER_ROOT, false);
	add(sb, (struct sb_op){ .kind = SB_REMOUNT_RO, .dst = keep(sb, "%s", sb->root) });
	if (sb->n_ops > SB_MAX_OPS) {
		snprintf(err, errlen, "the sandbox's plan does not fit (paths too long?)");
		goto fail;
	}
	return 0;
fail:
	sandbox_remove(sb);
	return -1;
}

/* --- the child's side: system calls only ------------------------------------ */

static int make_ro(const char *dst, bool rec)
{
	if (rec) {
		struct mount_attr attr = {
			.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
		};

		/* Linux 5.12+: the whole tree at once; before it, the top mount alone */
		if (syscall(SYS_mount_setattr, AT_FDCWD, dst, AT_RECURSIVE, &attr, sizeof(attr)) == 0)
			return 0;
		if (errno != ENOSYS)
			return -1;
	}
	return mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
}

static int do_op(const struct sb_op *o)
{
	int fd;

	switch (o->kind) {
	case SB_MOUNT:
		return mount(o->src, o->dst, o->fstype, o->flags, o->data);
	case SB_BIND_RO:
		if (mount(o->src, o->dst, NULL, MS_BIND | (o->rec ? MS_REC : 0), NULL))
			return -1;
		return make_ro(o->dst, o->rec);
	case SB_REMOUNT_RO:
		return make_ro(o->dst, false);
	case SB_MKDIR:
		return mkdir(o->dst, o->mode) && errno != EEXIST ? -1 : 0;
	case SB_MKFILE:
		fd = open(o->dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, o->mode);
		if (fd < 0)
			return -1;
		close(fd);
		return 0;
	case SB_SYMLINK:
		return symlink(o->src, o->dst);
	}
	errno = EINVAL;
	return -1;
}

int sandbox_enter(const struct sandbox *sb, size_t *failed)
{
	size_t i;

	/* nothing mounted from here on reaches the host's namespace, nor the other way */
	*failed = 0;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	for (i = 0; i < sb->n_ops; i++) {
		if (do_op(&sb->ops[i])) {
			*failed = i;
			return -1;
		}
	}
	/* the new root, the old one stacked under it and detached (pivot_root(2)'s "." "."
	 * form: no folder for the old root is needed) */
	*failed = sb->n_ops;
	if (chdir(sb->root) || syscall(SYS_pivot_root, ".", ".") ||
	    umount2(".", MNT_DETACH) || chdir("/"))
		return -1;
	return 0;
}

/* --- the parent's side ------------------------------------------------------ */

void sandbox_describe(const struct sandbox *sb, size_t i, char *out, size_t len)
{
	const struct sb_op *o;
	const char *in;
	size_t rl = strlen(sb->root);

	if (i >= sb->n_ops) {
		snprintf(out, len, "pivot_root into the new root %s", sb->root);
		return;
	}
	o = &sb->ops[i];
	/* the path as the sandbox sees it */
	in = !strncmp(o->dst, sb->root, rl) ? (o->dst[rl] ? o->dst + rl : "/") : o->dst;
	switch (o->kind) {
	case SB_MOUNT:
		snprintf(out, len, "mount %s on %s%s%s%s", o->fstype ? o->fstype : o->src, in,
			 o->data ? " (" : "", o->data ? o->data : "", o->data ? ")" : "");
		break;
	case SB_BIND_RO:
		snprintf(out, len, "bind %s read-only on %s", o->src, in);
		break;
	case SB_REMOUNT_RO:
		snprintf(out, len, "make %s read-only", in);
		break;
	case SB_MKDIR:
		snprintf(out, len, "create the folder %s", in);
		break;
	case SB_MKFILE:
		snprintf(out, len, "create the file %s", in);
		break;
	case SB_SYMLINK:
		snprintf(out, len, "create the link %s -> %s", in, o->src);
		break;
	}
}

int sandbox_probe(const struct sandbox *sb, char *err, size_t errlen)
{
	int p[2], status;
	struct { int e; size_t step; } r = { 0, 0 };
	pid_t pid;

	if (geteuid() != 0) {
		snprintf(err, errlen, "the sandbox needs root (a mount namespace and its mounts)");
		return -1;
	}
	if (pipe2(p, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot try the sandbox: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot try the sandbox: fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNS))
			r.e = errno, r.step = (size_t)-1;
		else if (sandbox_enter(sb, &r.step))
			r.e = errno;
		if (write(p[1], &r, sizeof(r)) != sizeof(r))
			_exit(2);
		_exit(r.e ? 1 : 0);
	}
	close(p[1]);
	if (read(p[0], &r, sizeof(r)) != sizeof(r))
		r.e = ECHILD, r.step = (size_t)-2;
	close(p[0]);
	waitpid(pid, &status, 0);
	if (!r.e)
		return 0;
	if (r.step == (size_t)-1) {
		snprintf(err, errlen, "the sandbox cannot be set up: unshare(CLONE_NEWNS): %s",
			 strerror(r.e));
	} else if (r.step == (size_t)-2) {
		snprintf(err, errlen, "the sandbox cannot be set up: its probe died");
	} else {
		char what[PATH_MAX + 64];

		sandbox_describe(sb, r.step, what, sizeof(what));
		snprintf(err, errlen, "the sandbox cannot be set up: %s: %s", what, strerror(r.e));
	}
	return -1;
}

int sandbox_ns_open(pid_t pid)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/%d/ns/mnt", (int)pid);
	return open(p, O_RDONLY | O_CLOEXEC);
}

void sandbox_remove(struct sandbox *sb)
{
	if (sb->root[0])
		rmdir(sb->root);
	if (sb->dir[0])
		rmdir(sb->dir);
	sb->root[0] = sb->dir[0] = '\0';
}
