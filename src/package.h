/*
 * A function as it is deployed: a .zip package (and up to 5 layers), unpacked with libarchive
 * into a fresh folder the profiler makes for the run and removes at its end:
 *
 *   DIR/task   the task root (the function's zip): /var/task in the sandbox
 *   DIR/opt    the layer root (every layer merged, in order): /opt in the sandbox
 *
 * DIR is a new /tmp/profiler-task-PID-XXXXXX of mode 0755, owned by the profiler, so the user the
 * bootstrap runs as can reach it and no one else can write in it. Layers are merged as
 * Lambda merges them: extracted in the order given into one folder, a later layer's file
 * replacing an earlier one's. The runtime is the file "bootstrap" at the function's root, as
 * for Lambda's provided runtimes, else at the layers' root (/opt/bootstrap).
 *
 * An entry is refused (the whole package with it, one line naming the zip and the entry) when:
 *   - its name is absolute, has a ".." component, is empty or holds a NUL;
 *   - it is not a regular file, a folder or a symbolic link (devices, FIFOs, sockets, hard
 *     links);
 *   - it is a symbolic link whose target is absolute or, resolved from the link's folder,
 *     leaves the package's root (every ".." counted; a link into /opt from the function
 *     cannot be written, since it would have to leave the task root);
 *   - its path goes through a symbolic link already extracted (an earlier entry or layer);
 *   - the real bytes extracted so far, function and layers together, pass max_bytes
 *     (Lambda: 262144000, its "250 MB unzipped"), counted as they are written, whatever the
 *     headers claim; or the entries pass max_entries.
 * Those checks are the profiler's own; libarchive's secure-extraction flags
 * (ARCHIVE_EXTRACT_SECURE_NODOTDOT, _SECURE_SYMLINKS, _SECURE_NOABSOLUTEPATHS) are set as
 * well. Modes are kept (the executable bit with them) but for setuid, setgid and sticky bits
 * and the group's and others' write bits, which are dropped: the files are root's on the host
 * while the run lasts, and in the sandbox they are read-only anyway. Modification times are
 * kept; owners are not (the files are the profiler's).
 */
#ifndef PACKAGE_H
#define PACKAGE_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PKG_MAX_LAYERS 5			/* Lambda: 5 layers per function */
#define PKG_MAX_UNZIPPED_BYTES 262144000ull	/* Lambda: 250 MB unzipped, function + layers */
/* Lambda documents no bound on the number of files; this one keeps a package of empty files
 * (inodes, not bytes) from filling the host's /tmp. */
#define PKG_MAX_ENTRIES 100000ull

struct pkg_limits {
	uint64_t max_bytes;
	uint64_t max_entries;
};

/* What was extracted so far (function and layers together). */
struct pkg_count {
	uint64_t bytes;
	uint64_t entries;
};

/* Is the file a zip archive (its first four bytes "PK\3\4", or "PK\5\6" for an empty one)? */
bool pkg_is_zip(const char *path);

/* The rules on a name and on a link's target (pure): 0, or -1 with one line in err. */
int pkg_check_name(const char *name, char *err, size_t errlen);
int pkg_check_link(const char *name, const char *target, char *err, size_t errlen);

/* Extract zip into the folder root (which must exist), counting into *c against lim.
 * 0, or -1 with one line in err (what was extracted stays: the caller removes root). */
int pkg_extract(const char *zip, const char *root, const struct pkg_limits *lim,
		struct pkg_count *c, char *err, size_t errlen);

struct package {
	char dir[PATH_MAX];		/* the run's folder; "" when none was made */
	char task_root[PATH_MAX];	/* dir/task */
	char layer_root[PATH_MAX];	/* dir/opt */
	char bootstrap[PATH_MAX];	/* the runtime on the host: task_root/bootstrap, or
					 * layer_root/bootstrap */
	const char *bootstrap_in;	/* the same inside the sandbox: "/var/task/bootstrap"
					 * or "/opt/bootstrap" */
	struct pkg_count count;
};

/* Make the run's folder and unpack zip and its layers (n_layers at most PKG_MAX_LAYERS) into
 * it; tmpdir is where the folder is made (NULL: /tmp). zip NULL: the layers alone (for a
 * loose bootstrap in the sandbox; no bootstrap is looked for). 0, or -1 with one line in err
 * and nothing left behind. */
int package_open(struct package *p, const char *zip, const char *const *layers, unsigned n_layers,
		 const struct pkg_limits *lim, const char *tmpdir, char *err, size_t errlen);
/* Remove the run's folder and everything in it (links are removed, never followed). */
void package_remove(struct package *p);

/* Remove path and, when it is a folder, everything below it, following no link. 0 or -errno. */
int pkg_remove_tree(const char *path);

/*
 * The run's folders are named profiler-task-PID-XXXXXX and profiler-sandbox-PID-XXXXXX (PID:
 * the profiler's), so that those a SIGKILLed profiler left can be told and removed by the next
 * run. The pid of such a name: 0, or -1 for any other name (pure).
 */
int pkg_parse_dir_name(const char *name, pid_t *pid);
/* Remove the folders in tmpdir (NULL: /tmp) of that naming whose profiler no longer runs
 * (alive(pid) false; self's own pid is stale too: this process has made none yet), that are
 * real folders owned by this user. Their names go to out, space-separated. Returns how many
 * were removed. */
int pkg_sweep_stale(const char *tmpdir, pid_t self, bool (*alive)(pid_t pid), char *out,
		    size_t len);
#endif
