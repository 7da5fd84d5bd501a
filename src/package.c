/* A function's .zip and its layers, unpacked for the run (package.h). */
#include "package.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define NAME_SHOWN 200		/* at most this much of an entry's name in a message */

bool pkg_is_zip(const char *path)
{
	unsigned char m[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, m, sizeof(m));
	close(fd);
	return n == 4 && m[0] == 'P' && m[1] == 'K' &&
	       ((m[2] == 3 && m[3] == 4) || (m[2] == 5 && m[3] == 6));
}

/* The next component of a path at *p (skipping slashes): its start, length in *len; NULL at
 * the end. */
static const char *next_comp(const char **p, size_t *len)
{
	const char *s = *p;

	while (*s == '/')
		s++;
	if (!*s)
		return NULL;
	*len = strcspn(s, "/");
	*p = s + *len;
	return s;
}

static bool is_dotdot(const char *c, size_t len)
{
	return len == 2 && c[0] == '.' && c[1] == '.';
}

static bool is_dot(const char *c, size_t len)
{
	return len == 1 && c[0] == '.';
}

/* 0 (a name to extract), 1 (the root itself: "./", nothing to extract) or -1 */
int pkg_check_name(const char *name, char *err, size_t errlen)
{
	const char *p = name, *c;
	size_t len, real = 0;

	if (!*name) {
		snprintf(err, errlen, "an entry has an empty name");
		return -1;
	}
	if (name[0] == '/') {
		snprintf(err, errlen, "entry '%.*s' has an absolute name", NAME_SHOWN, name);
		return -1;
	}
	while ((c = next_comp(&p, &len))) {
		if (is_dotdot(c, len)) {
			snprintf(err, errlen, "entry '%.*s' has a '..' component: it would leave the "
				 "package's root", NAME_SHOWN, name);
			return -1;
		}
		real += !is_dot(c, len);
	}
	return real ? 0 : 1;
}

int pkg_check_link(const char *name, const char *target, char *err, size_t errlen)
{
	const char *p = name, *c;
	size_t len;
	long depth = 0;

	if (!*target) {
		snprintf(err, errlen, "symbolic link '%.*s' has an empty target", NAME_SHOWN, name);
		return -1;
	}
	if (target[0] == '/') {
		snprintf(err, errlen, "symbolic link '%.*s' points to the absolute path '%.*s': "
			 "only links inside the package are allowed", NAME_SHOWN, name, NAME_SHOWN,
			 target);
		return -1;
	}
	/* the link's folder: every component of its name but the last (names have no "..") */
	while ((c = next_comp(&p, &len)))
		if (!is_dot(c, len))
			depth++;
	depth--;
	for (p = target; (c = next_comp(&p, &len));) {
		if (is_dot(c, len))
			continue;
		depth += is_dotdot(c, len) ? -1 : 1;
		if (depth < 0) {
			snprintf(err, errlen, "symbolic link '%.*s' points to '%.*s', outside the "
				 "package's root", NAME_SHOWN, name, NAME_SHOWN, target);
			return -1;
		}
	}
	return 0;
}

/*
 * Is any folder on the way to name (relative to rootfd) a symbolic link already on disk?
 * dir_entry: name is a folder, which may not land on a link either. 0, or -1 with err.
 */
static int check_no_link_on_path(int rootfd, const char *name, bool dir_entry, char *err,
				 size_t errlen)
{
	char path[PATH_MAX];
	const char *p = name, *c;
	size_t len, n = 0;
	struct stat st;

	while ((c = next_comp(&p, &len))) {
		bool last = !next_comp(&(const char *){ p }, &(size_t){ 0 });

		if (n + len + 2 > sizeof(path)) {
			snprintf(err, errlen, "entry '%.*s' has too long a name", NAME_SHOWN, name);
			return -1;
		}
		if (n)
			path[n++] = '/';
		memcpy(path + n, c, len);
		n += len;
		path[n] = '\0';
		if (last && !dir_entry)
			return 0;	/* a file or link replaces a link there (a later layer's) */
		if (fstatat(rootfd, path, &st, AT_SYMLINK_NOFOLLOW))
			return 0;	/* not there yet: nothing below it either */
		if (S_ISLNK(st.st_mode)) {
			snprintf(err, errlen, "entry '%.*s' goes through the symbolic link '%s' "
				 "extracted before it", NAME_SHOWN, name, path);
			return -1;
		}
	}
	return 0;
}

/* The checks of one entry; 1: skip it (the root itself), 0: extract it, -1: refuse. */
static int check_entry(int rootfd, struct archive_entry *ent, char *err, size_t errlen)
{
	const char *name = archive_entry_pathname(ent);
	mode_t type = archive_entry_filetype(ent);
	int rc;

	if (!name) {
		snprintf(err, errlen, "an entry's name cannot be read in this locale's encoding");
		return -1;
	}
	if ((rc = pkg_check_name(name, err, errlen)))
		return rc;
	if (archive_entry_hardlink(ent)) {
		snprintf(err, errlen, "entry '%.*s' is a hard link", NAME_SHOWN, name);
		return -1;
	}
	if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
		snprintf(err, errlen, "entry '%.*s' is not a file, a folder or a symbolic link (mode "
			 "%06o)", NAME_SHOWN, name, (unsigned)archive_entry_mode(ent));
		return -1;
	}
	if (type == AE_IFLNK) {
		const char *target = archive_entry_symlink(ent);

		if (!target) {
			snprintf(err, errlen, "symbolic link '%.*s' has no target", NAME_SHOWN, name);
			return -1;
		}
		if (pkg_check_link(name, target, err, errlen))
			return -1;
	}
	if (check_no_link_on_path(rootfd, name, type == AE_IFDIR, err, errlen))
		return -1;
	/* the executable bits kept; no setuid/setgid/sticky, no write for group and others */
	archive_entry_set_perm(ent, archive_entry_perm(ent) & 0755);
	/* the size a header claims is not trusted: the disk writer would cut the data to it,
	 * or extend the file to it; what is written is what the data holds, and is counted */
	archive_entry_unset_size(ent);
	return 0;
}

/* The data of the current entry, counted against the limit as it is written. */
static int copy_data(struct archive *a, struct archive *w, const char *name,
		     const struct pkg_limits *lim, struct pkg_count *c, char *err, size_t errlen)
{
	for (;;) {
		const void *buf;
		size_t size;
		la_int64_t off;
		int r = archive_read_data_block(a, &buf, &size, &off);

		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN) {
			snprintf(err, errlen, "entry '%.*s': %s", NAME_SHOWN, name, archive_error_string(a));
			return -1;
		}
		c->bytes += size;
		if (c->bytes > lim->max_bytes) {
			snprintf(err, errlen, "unzipped, the function and its layers pass Lambda's limit "
				 "of %llu bytes (at entry '%.*s'): a zip bomb, or too large a package",
				 (unsigned long long)lim->max_bytes, NAME_SHOWN, name);
			return -1;
		}
		if (archive_write_data_block(w, buf, size, off) < ARCHIVE_WARN) {
			snprintf(err, errlen, "cannot write '%.*s': %s", NAME_SHOWN, name,
				 archive_error_string(w));
			return -1;
		}
	}
}

static int extract_all(struct archive *a, struct archive *w, int rootfd,
		       const struct pkg_limits *lim, struct pkg_count *c, char *err, size_t errlen)
{
	struct archive_entry *ent;
	int r;

	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name;
		int rc;

		if (++c->entries > lim->max_entries) {
			snprintf(err, errlen, "the function and its layers hold more than %llu entries",
				 (unsigned long long)lim->max_entries);
			return -1;
		}
		rc = check_entry(rootfd, ent, err, errlen);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
		name = archive_entry_pathname(ent);
		if (archive_entry_filetype(ent) == AE_IFLNK)
			c->bytes += strlen(archive_entry_symlink(ent));
		if (archive_write_header(w, ent) < ARCHIVE_WARN) {
			snprintf(err, errlen, "cannot extract '%.*s': %s", NAME_SHOWN, name,
				 archive_error_string(w));
			return -1;
		}
		if (archive_entry_filetype(ent) == AE_IFREG &&
		    copy_data(a, w, name, lim, c, err, errlen))
			return -1;
		if (archive_write_finish_entry(w) < ARCHIVE_WARN) {
			snprintf(err, errlen, "cannot extract '%.*s': %s", NAME_SHOWN, name,
				 archive_error_string(w));
			return -1;
		}
	}
	if (r != ARCHIVE_EOF) {
		snprintf(err, errlen, "%s", archive_error_string(a) ? archive_error_string(a)
								   : "not a readable zip");
		return -1;
	}
	if (archive_write_close(w) < ARCHIVE_WARN) {
		snprintf(err, errlen, "%s", archive_error_string(w));
		return -1;
	}
	return 0;
}

/*
 * libarchive's disk writer resolves names against the working folder, and its secure flags
 * refuse absolute names: so the extraction runs from inside root (fchdir there and back).
 * It runs before any thread of the profiler is started, so no one else sees the change.
 */
int pkg_extract(const char *zip, const char *root, const struct pkg_limits *lim,
		struct pkg_count *c, char *err, size_t errlen)
{
	const int flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
			  ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
			  ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
	char msg[1024] = "";
	struct archive *a = archive_read_new(), *w = archive_write_disk_new();
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int rc = -1;

	if (!a || !w || cwd < 0 || rootfd < 0) {
		snprintf(msg, sizeof(msg), "%s", strerror(errno ? errno : ENOMEM));
		goto out;
	}
	archive_read_support_format_zip(a);
	archive_write_disk_set_options(w, flags);
	if (archive_read_open_filename(a, zip, 1 << 16) != ARCHIVE_OK) {
		snprintf(msg, sizeof(msg), "%s", archive_error_string(a));
		goto out;
	}
	if (fchdir(rootfd)) {
		snprintf(msg, sizeof(msg), "cannot enter %s: %s", root, strerror(errno));
		goto out;
	}
	rc = extract_all(a, w, rootfd, lim, c, msg, sizeof(msg));
	if (fchdir(cwd) && !rc) {
		snprintf(msg, sizeof(msg), "cannot return to the working folder: %s", strerror(errno));
		rc = -1;
	}
out:
	if (rc)
		snprintf(err, errlen, "%s: %s", zip, msg);
	archive_read_free(a);
	archive_write_free(w);
	if (cwd >= 0)
		close(cwd);
	if (rootfd >= 0)
		close(rootfd);
	return rc;
}

/* Remove what is in the folder fd (which it closes), depth first, following no link. */
static int remove_in(int fd)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		close(fd);
		return -errno;
	}
	/* a folder of mode 0555 in the package: its entries can go only once it is writable */
	fchmod(fd, 0700);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(fd, e->d_name, 0) == 0)
			continue;
		if (errno == EISDIR || errno == EPERM || errno == ENOTEMPTY || errno == EEXIST) {
			int sub = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0) {
				int r = remove_in(sub);

				if (r && !rc)
					rc = r;
				if (unlinkat(fd, e->d_name, AT_REMOVEDIR) && !rc)
					rc = -errno;
				continue;
			}
		}
		if (!rc)
			rc = -errno;
	}
	closedir(d);
	return rc;
}

int pkg_remove_tree(const char *path)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) ? -errno : 0;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = remove_in(fd);
	if (rmdir(path) && !rc)
		rc = -errno;
	return rc;
}

/* The runtime: bootstrap at the function's root, else at the layers' root. */
static int find_bootstrap(struct package *p, const char *zip, unsigned n_layers, char *err,
			  size_t errlen)
{
	struct stat st;

	snprintf(p->bootstrap, sizeof(p->bootstrap), "%s/bootstrap", p->task_root);
	p->bootstrap_in = "/var/task/bootstrap";
	if (lstat(p->bootstrap, &st) && n_layers) {
		snprintf(p->bootstrap, sizeof(p->bootstrap), "%s/bootstrap", p->layer_root);
		p->bootstrap_in = "/opt/bootstrap";
	}
	if (lstat(p->bootstrap, &st)) {
		snprintf(err, errlen, "%s has no bootstrap at its root%s: a provided runtime starts "
			 "the executable file 'bootstrap' there", zip,
			 n_layers ? " (nor have its layers, for /opt/bootstrap)" : "");
		return -1;
	}
	/* a link is followed (inside the package, as the checks made sure) */
	if (stat(p->bootstrap, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s is not a regular file", zip, p->bootstrap_in);
		return -1;
	}
	if (!(st.st_mode & 0111)) {
		snprintf(err, errlen, "%s: %s is not executable (mode %04o in the zip: chmod +x it "
			 "before zipping)", zip, p->bootstrap_in, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

int package_open(struct package *p, const char *zip, const char *const *layers, unsigned n_layers,
		 const struct pkg_limits *lim, const char *tmpdir, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (n_layers > PKG_MAX_LAYERS) {
		snprintf(err, errlen, "%u layers: Lambda allows at most %d per function", n_layers,
			 PKG_MAX_LAYERS);
		return -1;
	}
	snprintf(p->dir, sizeof(p->dir), "%s/profiler-task-%d-XXXXXX", tmpdir ? tmpdir : "/tmp",
		 (int)getpid());
	if (!mkdtemp(p->dir)) {
		snprintf(err, errlen, "cannot create a folder for the package in %s: %s",
			 tmpdir ? tmpdir : "/tmp", strerror(errno));
		p->dir[0] = '\0';
		return -1;
	}
	snprintf(p->task_root, sizeof(p->task_root), "%s/task", p->dir);
	snprintf(p->layer_root, sizeof(p->layer_root), "%s/opt", p->dir);
	/* reachable by the user the bootstrap runs as; writable by the profiler alone */
	if (chmod(p->dir, 0755) || mkdir(p->task_root, 0755) || mkdir(p->layer_root, 0755) ||
	    chmod(p->task_root, 0755) || chmod(p->layer_root, 0755)) {
		snprintf(err, errlen, "cannot prepare %s: %s", p->dir, strerror(errno));
		goto fail;
	}
	if (zip && pkg_extract(zip, p->task_root, lim, &p->count, err, errlen))
		goto fail;
	for (unsigned i = 0; i < n_layers; i++)
		if (pkg_extract(layers[i], p->layer_root, lim, &p->count, err, errlen))
			goto fail;
	/* an entry "./" of a zip may have changed the roots' modes: they are the profiler's */
	if (chmod(p->task_root, 0755) || chmod(p->layer_root, 0755)) {
		snprintf(err, errlen, "cannot prepare %s: %s", p->dir, strerror(errno));
		goto fail;
	}
	if (zip && find_bootstrap(p, zip, n_layers, err, errlen))
		goto fail;
	return 0;
fail:
	package_remove(p);
	return -1;
}

void package_remove(struct package *p)
{
	if (!p->dir[0])
		return;
	pkg_remove_tree(p->dir);
	p->dir[0] = '\0';
}

int pkg_parse_dir_name(const char *name, pid_t *pid)
{
	static const char *const prefixes[] = { "profiler-task-", "profiler-sandbox-" };
	const char *s = NULL;
	unsigned long long p = 0;
	size_t digits = 0, i;

	for (i = 0; i < 2 && !s; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			s = name + strlen(prefixes[i]);
	if (!s)
		return -1;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		p = p * 10 + (unsigned)(*s - '0');
		if (p > INT32_MAX)
			return -1;
	}
	/* PID, '-', and mkdtemp's six characters */
	if (!digits || !p || s[-(long)digits] == '0' || *s != '-' || strlen(s + 1) != 6)
		return -1;
	*pid = (pid_t)p;
	return 0;
}

int pkg_sweep_stale(const char *tmpdir, pid_t self, bool (*alive)(pid_t pid), char *out,
		    size_t len)
{
	const char *dir = tmpdir ? tmpdir : "/tmp";
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;
	int removed = 0;

	if (len)
		out[0] = '\0';
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;
		pid_t pid;

		if (pkg_parse_dir_name(e->d_name, &pid) || (pid != self && alive(pid)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		if (pkg_remove_tree(path))
			continue;
		removed++;
		if (n < len)
			n += (size_t)snprintf(out + n, len - n, "%s%s", n ? " " : "", e->d_name);
	}
	closedir(d);
	return removed;
}
