#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "util.h"

double cg_lambda_vcpus(unsigned memory_mb)
{
	return (double)memory_mb / LAMBDA_MB_PER_VCPU;
}

uint64_t cg_cfs_quota_us(unsigned memory_mb)
{
	/* rounded to the nearest µs, at least 1 ms so the kernel accepts it */
	uint64_t q = (uint64_t)((double)memory_mb * CG_CFS_PERIOD_US / LAMBDA_MB_PER_VCPU + 0.5);

	return q < 1000 ? 1000 : q;
}

static bool has_controller(const char *list, size_t len, const char *ctl)
{
	size_t cl = strlen(ctl);
	const char *p = list, *end = list + len;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t n = comma ? (size_t)(comma - p) : (size_t)(end - p);

		if (n == cl && !memcmp(p, ctl, cl))
			return true;
		p += n + 1;
	}
	return false;
}

int cg_parse_self(const char *text, const char *ctl, char *path, size_t len)
{
	const char *line = text;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		const char *end = nl ? nl : line + strlen(line);
		const char *c1 = memchr(line, ':', (size_t)(end - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;

		if (c2) {
			bool match = ctl ? has_controller(c1 + 1, (size_t)(c2 - c1 - 1), ctl)
					 : (c2 == c1 + 1 && c1 - line == 1 && line[0] == '0');
			size_t n = (size_t)(end - c2 - 1);

			if (match && n && n < len) {
				memcpy(path, c2 + 1, n);
				path[n] = '\0';
				return 0;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return -1;
}

int cg_parse_oom_kills(const char *text, uint64_t *n)
{
	const char *p = text;

	while (p && *p) {
		unsigned long long v;

		if (sscanf(p, "oom_kill %llu", &v) == 1) {
			*n = v;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

int cg_parse_pids_max_events(const char *text, uint64_t *n)
{
	const char *p = text;

	while (p && *p) {
		/* "max N", not "max.imposed N" (pids.events of later kernels) */
		if (!strncmp(p, "max ", 4) && p[4] >= '0' && p[4] <= '9') {
			char *end;
			unsigned long long v;

			errno = 0;
			v = strtoull(p + 4, &end, 10);
			if (!errno && (*end == '\n' || !*end)) {
				*n = v;
				return 0;
			}
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

static char *slurp(const char *path)
{
	return read_file_all(path, 1 << 20, NULL);
}

static int write_str(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	close(fd);
	return 0;
}

/*
 * The mount point of a cgroup hierarchy from /proc/self/mountinfo: the cgroup2
 * mount when ctl is NULL, else the v1 mount whose super options name ctl.
 */
static int find_mount(const char *ctl, char *out, size_t len)
{
	char *text = slurp("/proc/self/mountinfo"), *line, *save = NULL;
	int ret = -1;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char mnt[PATH_MAX], fstype[64], super[512];
		const char *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s %*s %511s", fstype, super) != 2)
			continue;
		if (ctl ? (strcmp(fstype, "cgroup") || !has_controller(super, strlen(super), ctl))
			: strcmp(fstype, "cgroup2"))
			continue;
		strlcpy0(out, mnt, len);
		ret = 0;
		break;
	}
	free(text);
	return ret;
}

/* Can we make a child cgroup in dir? (mkdir + rmdir of a probe) */
static bool can_mkdir(const char *dir)
{
	char probe[PATH_MAX + 64];

	snprintf(probe, sizeof(probe), "%s/profiler-probe-%d", dir, (int)getpid());
	if (mkdir(probe, 0755) != 0)
		return false;
	rmdir(probe);
	return true;
}

/* Is word one of the space-separated words of list? */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

/* v2's pids controller, handed down to the children of mem_parent when it can be. */
static void detect_v2_pids(struct cg_host *h, const char *ctls)
{
	char p[PATH_MAX + 32], *sub;

	if (!has_word(ctls, "pids")) {
		snprintf(h->pids_why, sizeof(h->pids_why), "the pids controller is not available "
			 "in %s (cgroup v2)", h->mem_parent);
		return;
	}
	snprintf(p, sizeof(p), "%s/cgroup.subtree_control", h->mem_parent);
	sub = slurp(p);
	if (!(sub && has_word(sub, "pids"))) {
		write_str(h->mem_parent, "cgroup.subtree_control", "+pids");
		free(sub);
		sub = slurp(p);
	}
	if (sub && has_word(sub, "pids"))
		strlcpy0(h->pids_parent, h->mem_parent, sizeof(h->pids_parent));
	else
		snprintf(h->pids_why, sizeof(h->pids_why), "cannot enable the pids controller for "
			 "the children of %s (cgroup v2)", h->mem_parent);
	free(sub);
}

static int detect_v2(struct cg_host *h)
{
	char mnt[PATH_MAX], rel[PATH_MAX], *self, *ctls, *sub;
	int ok = 0;

	self = slurp("/proc/self/cgroup");
	if (!self)
		return -1;
	if (find_mount(NULL, mnt, sizeof(mnt)) || cg_parse_self(self, NULL, rel, sizeof(rel))) {
		free(self);
		return -1;
	}
	free(self);
	snprintf(h->mem_parent, sizeof(h->mem_parent), "%s%s", mnt, strcmp(rel, "/") ? rel : "");
	{
		char p[PATH_MAX + 32];

		snprintf(p, sizeof(p), "%s/cgroup.controllers", h->mem_parent);
		ctls = slurp(p);
		snprintf(p, sizeof(p), "%s/cgroup.subtree_control", h->mem_parent);
		sub = slurp(p);
	}
	if (ctls && strstr(ctls, "memory") && strstr(ctls, "cpu")) {
		/* children get the controllers only if the parent hands them down */
		if (!(sub && strstr(sub, "memory") && strstr(sub, "cpu")))
			write_str(h->mem_parent, "cgroup.subtree_control", "+memory +cpu");
		free(sub);
		sub = NULL;
		{
			char p[PATH_MAX + 32];

			snprintf(p, sizeof(p), "%s/cgroup.subtree_control", h->mem_parent);
			sub = slurp(p);
		}
		ok = sub && strstr(sub, "memory") && strstr(sub, "cpu") && can_mkdir(h->mem_parent);
	}
	free(sub);
	sub = NULL;
	if (ok)
		detect_v2_pids(h, ctls);
	free(ctls);
	if (!ok)
		return -1;
	strlcpy0(h->cpu_parent, h->mem_parent, sizeof(h->cpu_parent));
	h->version = CG_V2;
	return 0;
}

/* v1's pids hierarchy, when mounted and usable. */
static void detect_v1_pids(struct cg_host *h)
{
	char mnt[PATH_MAX], rel[PATH_MAX], *self = slurp("/proc/self/cgroup");

	if (find_mount("pids", mnt, sizeof(mnt)) || !self ||
	    cg_parse_self(self, "pids", rel, sizeof(rel))) {
		snprintf(h->pids_why, sizeof(h->pids_why), "no cgroup v1 pids hierarchy mounted");
	} else {
		snprintf(h->pids_parent, sizeof(h->pids_parent), "%s%s", mnt,
			 strcmp(rel, "/") ? rel : "");
		if (!can_mkdir(h->pids_parent)) {
			snprintf(h->pids_why, sizeof(h->pids_why), "cannot create cgroups under %s: "
				 "%s", h->pids_parent, strerror(errno));
			h->pids_parent[0] = '\0';
		}
	}
	free(self);
}

static int detect_v1(struct cg_host *h, char *why, size_t whylen)
{
	char mmnt[PATH_MAX], cmnt[PATH_MAX], mrel[PATH_MAX], crel[PATH_MAX], *self;

	self = slurp("/proc/self/cgroup");
	if (!self) {
		snprintf(why, whylen, "cannot read /proc/self/cgroup: %s", strerror(errno));
		return -1;
	}
	if (find_mount("memory", mmnt, sizeof(mmnt)) || find_mount("cpu", cmnt, sizeof(cmnt)) ||
	    cg_parse_self(self, "memory", mrel, sizeof(mrel)) ||
	    cg_parse_self(self, "cpu", crel, sizeof(crel))) {
		free(self);
		snprintf(why, whylen, "no cgroup v2 with the memory and cpu controllers, and no "
			 "cgroup v1 memory and cpu hierarchies mounted");
		return -1;
	}
	free(self);
	snprintf(h->mem_parent, sizeof(h->mem_parent), "%s%s", mmnt, strcmp(mrel, "/") ? mrel : "");
	snprintf(h->cpu_parent, sizeof(h->cpu_parent), "%s%s", cmnt, strcmp(crel, "/") ? crel : "");
	if (!can_mkdir(h->mem_parent) || !can_mkdir(h->cpu_parent)) {
		snprintf(why, whylen, "cannot create cgroups under %s and %s: %s", h->mem_parent,
			 h->cpu_parent, strerror(errno));
		return -1;
	}
	detect_v1_pids(h);
	h->version = CG_V1;
	return 0;
}

int cg_host_detect(struct cg_host *h, char *why, size_t whylen)
{
	memset(h, 0, sizeof(*h));
	if (detect_v2(h) == 0)
		return 0;
	memset(h, 0, sizeof(*h));
	return detect_v1(h, why, whylen);
}

static uint64_t read_oom(const struct cg *c)
{
	char p[PATH_MAX + 32], *t;
	uint64_t n = 0;

	snprintf(p, sizeof(p), "%s/%s", c->mem, c->version == CG_V2 ? "memory.events" : "memory.oom_control");
	t = slurp(p);
	if (t)
		cg_parse_oom_kills(t, &n);
	free(t);
	return n;
}

static uint64_t read_pids_max(const struct cg *c)
{
	char p[PATH_MAX + 32], *t;
	uint64_t n = 0;

	if (!c->pids[0])
		return 0;
	snprintf(p, sizeof(p), "%s/pids.events", c->pids);
	t = slurp(p);
	if (t)
		cg_parse_pids_max_events(t, &n);
	free(t);
	return n;
}

int cg_create(const struct cg_host *h, const char *name, unsigned memory_mb, struct cg *c,
	      char *err, size_t errlen)
{
	char val[64];
	uint64_t bytes = (uint64_t)memory_mb << 20;
	int e;

	memset(c, 0, sizeof(*c));
	c->version = h->version;
	snprintf(c->mem, sizeof(c->mem), "%s/%s", h->mem_parent, name);
	snprintf(c->cpu, sizeof(c->cpu), "%s/%s", h->cpu_parent, name);
	if (mkdir(c->mem, 0755) && errno != EEXIST)
		goto fail_errno;
	if (h->version == CG_V1 && mkdir(c->cpu, 0755) && errno != EEXIST)
		goto fail_errno;
	if (h->pids_parent[0]) {
		snprintf(c->pids, sizeof(c->pids), "%s/%s", h->pids_parent, name);
		if (h->version == CG_V1 && mkdir(c->pids, 0755) && errno != EEXIST)
			goto fail_errno;
		snprintf(val, sizeof(val), "%u", CG_PIDS_MAX);
		if ((e = write_str(c->pids, "pids.max", val)))
			goto fail_e;
	}

	snprintf(val, sizeof(val), "%llu", (unsigned long long)bytes);
	if (h->version == CG_V2) {
		if ((e = write_str(c->mem, "memory.max", val)))
			goto fail_e;
		write_str(c->mem, "memory.swap.max", "0");	/* absent without swap accounting */
		snprintf(val, sizeof(val), "%llu %u", (unsigned long long)cg_cfs_quota_us(memory_mb),
			 CG_CFS_PERIOD_US);
		if ((e = write_str(c->cpu, "cpu.max", val)))
			goto fail_e;
	} else {
		if ((e = write_str(c->mem, "memory.limit_in_bytes", val)))
			goto fail_e;
		/* no swap: memory+swap limited to the same figure (absent without swap accounting) */
		write_str(c->mem, "memory.memsw.limit_in_bytes", val);
		write_str(c->mem, "memory.swappiness", "0");
		snprintf(val, sizeof(val), "%u", CG_CFS_PERIOD_US);
		if ((e = write_str(c->cpu, "cpu.cfs_period_us", val)))
			goto fail_e;
		snprintf(val, sizeof(val), "%llu", (unsigned long long)cg_cfs_quota_us(memory_mb));
		if ((e = write_str(c->cpu, "cpu.cfs_quota_us", val)))
			goto fail_e;
	}
	c->oom_kills_at_start = read_oom(c);
	c->pids_max_at_start = read_pids_max(c);
	return 0;
fail_errno:
	e = -errno;
fail_e:
	snprintf(err, errlen, "cannot set up the cgroup %s: %s", c->mem, strerror(-e));
	cg_destroy(c);
	return -1;
}

int cg_join_fds(const struct cg *c, int fds[CG_JOIN_FDS])
{
	char p[PATH_MAX + 32];

	fds[0] = fds[1] = fds[2] = -1;
	snprintf(p, sizeof(p), "%s/cgroup.procs", c->mem);
	fds[0] = open(p, O_WRONLY | O_CLOEXEC);
	if (fds[0] < 0)
		return -1;
	if (c->version == CG_V1) {
		snprintf(p, sizeof(p), "%s/cgroup.procs", c->cpu);
		fds[1] = open(p, O_WRONLY | O_CLOEXEC);
		if (fds[1] < 0)
			goto fail;
		if (c->pids[0]) {
			snprintf(p, sizeof(p), "%s/cgroup.procs", c->pids);
			fds[2] = open(p, O_WRONLY | O_CLOEXEC);
			if (fds[2] < 0)
				goto fail;
		}
	}
	return 0;
fail:
	for (int i = 0; i < CG_JOIN_FDS; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
	return -1;
}

uint64_t cg_pids_max_events(const struct cg *c)
{
	uint64_t n;

	if (c->version == CG_NONE)
		return 0;
	n = read_pids_max(c);
	return n > c->pids_max_at_start ? n - c->pids_max_at_start : 0;
}

uint64_t cg_oom_kills(const struct cg *c)
{
	uint64_t n;

	if (c->version == CG_NONE)
		return 0;
	n = read_oom(c);
	return n > c->oom_kills_at_start ? n - c->oom_kills_at_start : 0;
}

static int kill_listed(const char *dir)
{
	char p[PATH_MAX + 32], *t, *s;
	int n = 0;

	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	t = slurp(p);
	for (s = t; s && *s;) {
		long pid = strtol(s, &s, 10);

		if (pid > 0 && kill((pid_t)pid, SIGKILL) == 0)
			n++;
		while (*s == '\n')
			s++;
		if (*s && (*s < '0' || *s > '9'))
			break;
	}
	free(t);
	return n;
}

int cg_kill_all(const struct cg *c)
{
	int n;

	if (c->version == CG_NONE)
		return 0;
	n = kill_listed(c->mem);
	if (c->version == CG_V1)
		n += kill_listed(c->cpu);
	if (c->version == CG_V1 && c->pids[0])
		n += kill_listed(c->pids);
	return n;
}

/* rmdir the cgroup(s), killing what is left between tries: 0, or the errno of the last try */
static int remove_cg(const struct cg *c)
{
	int e = 0;

	/* a dying task leaves its cgroup a moment after it is reaped */
	for (int i = 0; i < 200; i++) {
		bool mem_gone, cpu_gone, pids_gone;

		e = 0;
		mem_gone = rmdir(c->mem) == 0 || errno == ENOENT;
		if (!mem_gone)
			e = errno;
		cpu_gone = c->version == CG_V2 || rmdir(c->cpu) == 0 || errno == ENOENT;
		if (!cpu_gone)
			e = errno;
		pids_gone = c->version == CG_V2 || !c->pids[0] || rmdir(c->pids) == 0 ||
			    errno == ENOENT;
		if (!pids_gone)
			e = errno;
		if (mem_gone && cpu_gone && pids_gone)
			return 0;
		cg_kill_all(c);
		usleep(1000);
	}
	return e;
}

void cg_destroy(struct cg *c)
{
	if (!c || c->version == CG_NONE)
		return;
	remove_cg(c);
	c->version = CG_NONE;
}

int cg_parse_name(const char *name, pid_t *pid, unsigned *n)
{
	static const char prefix[] = "profiler-";
	unsigned long long p = 0, k = 0;
	const char *s = name;
	size_t digits;

	if (strncmp(s, prefix, sizeof(prefix) - 1))
		return -1;
	s += sizeof(prefix) - 1;
	for (digits = 0; *s >= '0' && *s <= '9'; s++, digits++) {
		p = p * 10 + (unsigned)(*s - '0');
		if (p > INT32_MAX)
			return -1;
	}
	if (!digits || *s != '-' || !p || (s[-digits] == '0'))
		return -1;
	for (s++, digits = 0; *s >= '0' && *s <= '9'; s++, digits++) {
		k = k * 10 + (unsigned)(*s - '0');
		if (k > UINT32_MAX)
			return -1;
	}
	if (!digits || *s || !k || s[-digits] == '0')
		return -1;
	*pid = (pid_t)p;
	*n = (unsigned)k;
	return 0;
}

bool cg_is_stale(const char *name, pid_t self, bool (*alive)(pid_t pid))
{
	unsigned n;
	pid_t pid;

	if (cg_parse_name(name, &pid, &n))
		return false;
	return pid == self || !alive(pid);
}

bool cg_pid_alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

/* The stale cgroups of one parent folder into *v (each name once). */
static int find_stale(const char *parent, struct cg_stale **v, size_t *n, size_t *cap)
{
	DIR *d = opendir(parent);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct cg_stale *s;
		size_t i;

		if ((e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) ||
		    strlen(e->d_name) >= sizeof(s->name) ||
		    !cg_is_stale(e->d_name, getpid(), cg_pid_alive))
			continue;
		for (i = 0; i < *n && strcmp((*v)[i].name, e->d_name); i++)
			;
		if (i < *n)
			continue;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 8;

			s = realloc(*v, nc * sizeof(*s));
			if (!s) {
				ret = -1;
				break;
			}
			*v = s;
			*cap = nc;
		}
		s = &(*v)[(*n)++];
		memset(s, 0, sizeof(*s));
		strlcpy0(s->name, e->d_name, sizeof(s->name));
		cg_parse_name(s->name, &s->pid, &s->cold_start);
	}
	closedir(d);
	return ret;
}

static int by_pid_then_n(const void *a, const void *b)
{
	const struct cg_stale *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->cold_start < y->cold_start ? -1 : x->cold_start > y->cold_start;
}

int cg_sweep_stale(const struct cg_host *h, struct cg_stale **out, size_t *n)
{
	size_t cap = 0;
	int ret;

	*out = NULL;
	*n = 0;
	if (h->version == CG_NONE)
		return 0;
	ret = find_stale(h->mem_parent, out, n, &cap);
	if (!ret && h->version == CG_V1)
		ret = find_stale(h->cpu_parent, out, n, &cap);
	if (!ret && h->version == CG_V1 && h->pids_parent[0])
		ret = find_stale(h->pids_parent, out, n, &cap);
	if (*n)
		qsort(*out, *n, sizeof(**out), by_pid_then_n);
	for (size_t i = 0; i < *n; i++) {
		struct cg c = { .version = h->version };

		snprintf(c.mem, sizeof(c.mem), "%s/%s", h->mem_parent, (*out)[i].name);
		snprintf(c.cpu, sizeof(c.cpu), "%s/%s", h->cpu_parent, (*out)[i].name);
		if (h->pids_parent[0])
			snprintf(c.pids, sizeof(c.pids), "%s/%s", h->pids_parent, (*out)[i].name);
		/* v2 (Linux 5.14+): the whole cgroup at once, forks in flight included */
		if (h->version == CG_V2)
			write_str(c.mem, "cgroup.kill", "1");
		cg_kill_all(&c);
		(*out)[i].error = remove_cg(&c);
	}
	return ret;
}
