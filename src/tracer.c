#include "tracer.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "elf_info.h"
#include "profiler.skel.h"
#include "profiler_maps.h"

#define MAX_ENTRY_LINKS 8

/* tracer_open copies the selection's comm whole into the BPF side's */
_Static_assert(sizeof(((struct profiler_bpf__rodata *)0)->sel_comm) ==
	       sizeof(((struct tracer_select *)0)->comm), "sel_comm and tracer_select.comm differ");

struct tracer {
	struct profiler_bpf *skel;
	struct ring_buffer *rb;
	tracer_event_fn on_event;
	void *ctx;
	int ncpus;
	struct bpf_link *entry_links[MAX_ENTRY_LINKS];
	size_t n_entry_links;
};

static bool g_verbose;

static uint64_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* a step of tracer_open done: its clock, when the caller asked for them */
#define STEP(o, field) do { if ((o)->times) (o)->times->field = mono_now(); } while (0)

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	if (!g_verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* Since 6.16 sched_process_exit fires before exit_mm(), so the peak RSS can be read from
 * the mm at exit (hiwater_rss is kept up to date at every unmap) and per-syscall sampling
 * is not needed. */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;

	if (size < sizeof(struct prof_event))
		return 0;
	return t->on_event ? t->on_event(t->ctx, data) : 0;
}

static void explain_failure(int err, char *buf, size_t len)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		snprintf(buf, len, "kernel has no BTF (/sys/kernel/btf/vmlinux missing): "
			 "CO-RE tracing needs CONFIG_DEBUG_INFO_BTF=y");
	else if (err == -EPERM || err == -EACCES)
		snprintf(buf, len, "BPF not permitted (%s): run as root, or grant CAP_BPF, CAP_PERFMON "
			 "and CAP_SYS_RESOURCE; check kernel.unprivileged_bpf_disabled and lockdown",
			 geteuid() ? "not root" : "root, but denied");
	else
		snprintf(buf, len, "cannot load the BPF tracer: %s (run with -v for libbpf's log)",
			 strerror(-err));
}

/* The host's syscall numbers: the BPF object is the same on every arch. */
void tracer_sys_kinds(__u8 *kinds)
{
	static const struct { long nr; __u8 kind; } k[] = {
		{ SYS_read, PROF_SYS_READ }, { SYS_readv, PROF_SYS_READ },
		{ SYS_recvfrom, PROF_SYS_READ }, { SYS_recvmsg, PROF_SYS_READ },
		{ SYS_write, PROF_SYS_WRITE }, { SYS_sendto, PROF_SYS_WRITE },
		{ SYS_writev, PROF_SYS_WRITEV }, { SYS_sendmsg, PROF_SYS_SENDMSG },
		{ SYS_execve, PROF_SYS_EXECVE }, { SYS_execveat, PROF_SYS_EXECVEAT },
		{ SYS_connect, PROF_SYS_CONNECT }, { SYS_close, PROF_SYS_CLOSE },
		{ SYS_io_uring_setup, PROF_SYS_IO_URING }, { SYS_io_uring_enter, PROF_SYS_IO_URING },
	};

	memset(kinds, 0, PROF_SYS_KINDS);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (k[i].nr >= 0 && k[i].nr < PROF_SYS_KINDS)
			kinds[k[i].nr] = k[i].kind;
}

/* The knobs and sizes of a run, before load. */
static void configure(struct tracer *t, const struct tracer_opts *o)
{
	struct profiler_bpf *s = t->skel;
	struct bpf_map *hashes[] = { s->maps.tracked, s->maps.api_addrs, s->maps.api_fds,
				     s->maps.pending, s->maps.watch };

	tracer_sys_kinds((__u8 *)s->rodata->sys_kinds);
	s->rodata->page_kb = (unsigned)sysconf(_SC_PAGESIZE) / 1024;
	s->rodata->sample_rss_on_syscalls = !kernel_at_least(6, 16);
	s->rodata->breakdown = o->breakdown;
	/* Allocating hash map entries as they come is safe from any context only since 6.1
	 * (bpf_mem_alloc): preallocate them before. */
	if (!kernel_at_least(6, 1))
		for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++)
			bpf_map__set_map_flags(hashes[i], bpf_map__map_flags(hashes[i]) & ~BPF_F_NO_PREALLOC);
	/* the scheduler programs run at every context switch of the host: only for --breakdown */
	bpf_program__set_autoload(s->progs.sched_switch, o->breakdown);
	bpf_program__set_autoload(s->progs.sched_wakeup, o->breakdown);
	bpf_program__set_autoload(s->progs.sched_wakeup_new, o->breakdown);
	bpf_program__set_autoload(s->progs.entry_point, o->breakdown);

	if (o->select) {
		const struct tracer_select *sel = o->select;

		s->rodata->trace_mode = true;
		s->rodata->any_api_addr = sel->any_addr;
		memcpy((char *)s->rodata->sel_comm, sel->comm, sizeof(sel->comm));
		s->rodata->sel_ino = sel->ino;
		s->rodata->sel_dev = sel->dev;
		s->rodata->sel_cgroup = sel->cgroup_id;
	} else {
		/* the trace mode's maps, which a benchmark never fills: the smallest */
		bpf_map__set_max_entries(s->maps.exec_start, (__u32)t->ncpus);
		bpf_map__set_max_entries(s->maps.watch, 1);
	}
}

struct tracer *tracer_open(const struct tracer_opts *o, char *err, size_t errlen)
{
	struct tracer *t;
	int e;

	if (o->times)
		memset(o->times, 0, sizeof(*o->times));
	STEP(o, start);
	g_verbose = o->verbose;
	libbpf_set_print(libbpf_print);
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->on_event = o->on_event;
	t->ctx = o->ctx;
	t->ncpus = libbpf_num_possible_cpus();
	if (t->ncpus <= 0) {
		snprintf(err, errlen, "cannot count CPUs: %s", strerror(-t->ncpus));
		goto fail;
	}

	t->skel = profiler_bpf__open();
	if (!t->skel) {
		explain_failure(-errno, err, errlen);
		goto fail;
	}
	STEP(o, opened);
	configure(t, o);
	STEP(o, btf);
	e = profiler_bpf__load(t->skel);
	if (e) {
		explain_failure(e, err, errlen);
		goto fail;
	}
	STEP(o, loaded);
	e = profiler_bpf__attach(t->skel);
	if (e) {
		explain_failure(e, err, errlen);
		goto fail;
	}
	STEP(o, attached);
	if (o->select && o->select->watch_pid > 0) {
		__u32 k = (__u32)o->select->watch_pid;
		__u8 one = 1;

		if (bpf_map__update_elem(t->skel->maps.watch, &k, sizeof(k), &one, sizeof(one), BPF_ANY)) {
			snprintf(err, errlen, "cannot watch pid %d: %s", (int)k, strerror(errno));
			goto fail;
		}
	}
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.rb), handle_event, t, NULL);
	if (!t->rb) {
		snprintf(err, errlen, "cannot open the BPF ring buffer: %s", strerror(errno));
		goto fail;
	}
	STEP(o, ring);
	return t;
fail:
	tracer_close(t);
	return NULL;
}

int tracer_add_api_addr(struct tracer *t, int family, const void *addr, uint16_t port)
{
	struct prof_api_addr k;
	__u8 one = 1;

	memset(&k, 0, sizeof(k));
	k.family = family;
	k.port = port;
	memcpy(k.addr, addr, family == AF_INET6 ? 16 : 4);
	if (bpf_map__update_elem(t->skel->maps.api_addrs, &k, sizeof(k), &one, sizeof(one), BPF_ANY))
		return -errno;
	return 0;
}

int tracer_attach_entry(struct tracer *t, const char *path, uint64_t file_off)
{
	struct bpf_link *l;

	if (!t || !bpf_program__autoload(t->skel->progs.entry_point))
		return -EINVAL;
	if (t->n_entry_links == MAX_ENTRY_LINKS)
		return -ENOSPC;
	l = bpf_program__attach_uprobe(t->skel->progs.entry_point, false, -1, path, (size_t)file_off);
	if (!l)
		return -errno;
	t->entry_links[t->n_entry_links++] = l;
	return 0;
}

int tracer_probe_entry(struct tracer *t, const char *bootstrap, char *desc, size_t len)
{
	struct elf_facts f;
	const char *target = bootstrap;
	uint64_t vaddr, off;
	char err[384];
	int e;

	if (elf_inspect(bootstrap, &f, err, sizeof(err))) {
		snprintf(desc, len, "not measured: %s", err);
		return -1;
	}
	if (f.is_script) {
		/* the kernel runs the #! interpreter: its entry point is the first user code */
		if (f.interpreter[0] != '/') {
			snprintf(desc, len, "not measured: the script's interpreter '%s' is not an "
				 "absolute path", f.interpreter);
			return -1;
		}
		target = f.interpreter;
	} else if (!f.is_elf) {
		snprintf(desc, len, "not measured: %s is neither ELF nor a #! script", bootstrap);
		return -1;
	}
	if (elf_entry_offset(target, &vaddr, &off, err, sizeof(err))) {
		snprintf(desc, len, "not measured: %s", err);
		return -1;
	}
	e = tracer_attach_entry(t, target, off);
	if (e) {
		snprintf(desc, len, "not measured: cannot attach a uprobe to %s: %s", target, strerror(-e));
		return -1;
	}
	snprintf(desc, len, "uprobe on the ELF entry point of %s%s (e_entry 0x%llx, file offset 0x%llx)%s",
		 target, target == bootstrap ? "" : " (the script's interpreter)",
		 (unsigned long long)vaddr, (unsigned long long)off,
		 f.is_static && !f.is_script ? "; a static executable has no dynamic loader, so the "
		 "phase is the kernel's return to user space" : "");
	return 0;
}

int tracer_arm_spawn(struct tracer *t, bool on)
{
	if (!t)
		return 0;
	/* read by the fork tracepoint of this same thread: a store in program order */
	__atomic_store_n(&t->skel->bss->spawner, on ? ((__u64)getpid() << 32 | (__u32)gettid()) : 0,
			 __ATOMIC_RELEASE);
	return 0;
}

/* The tracked processes of root: up to max pids, and the sum of their bpf_ns. */
static size_t tree_walk(struct tracer *t, pid_t root, pid_t *pids, size_t max, uint64_t *bpf_ns)
{
	__u32 key, next, *prev = NULL;
	struct prof_track v;
	size_t n = 0;
	int fd;

	*bpf_ns = 0;
	if (!t)
		return 0;
	fd = bpf_map__fd(t->skel->maps.tracked);
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(fd, &next, &v) == 0 && v.root == (__u32)root) {
			if (n < max)
				pids[n] = (pid_t)next;
			n++;
			*bpf_ns += v.bpf_ns;
		}
		key = next;
		prev = &key;
	}
	return n;
}

size_t tracer_tree(struct tracer *t, pid_t root, pid_t *pids, size_t max)
{
	uint64_t ns;

	return tree_walk(t, root, pids, max, &ns);
}

uint64_t tracer_tree_bpf_ns(struct tracer *t, pid_t root)
{
	uint64_t ns;

	tree_walk(t, root, NULL, 0, &ns);
	return ns;
}

void tracer_forget(struct tracer *t, pid_t root)
{
	struct prof_fd_key fk, fnext, *fprev = NULL;
	pid_t pids[256];
	int tfd, ffd;
	size_t n, i;

	if (!t)
		return;
	tfd = bpf_map__fd(t->skel->maps.tracked);
	ffd = bpf_map__fd(t->skel->maps.api_fds);
	n = tracer_tree(t, root, pids, 256);
	for (i = 0; i < n && i < 256; i++) {
		__u32 k = (__u32)pids[i];

		bpf_map_delete_elem(tfd, &k);
	}
	/* sockets of processes no longer tracked can never be matched again */
	while (bpf_map_get_next_key(ffd, fprev, &fnext) == 0) {
		__u32 tg = fnext.tgid;
		struct prof_track v;

		if (bpf_map_lookup_elem(tfd, &tg, &v) != 0) {
			bpf_map_delete_elem(ffd, &fnext);
			fprev = NULL;	/* restart: the iteration order changed */
			continue;
		}
		fk = fnext;
		fprev = &fk;
	}
}

int tracer_fd(const struct tracer *t)
{
	return t ? ring_buffer__epoll_fd(t->rb) : -1;
}

int tracer_poll(struct tracer *t, int timeout_ms)
{
	int n;

	if (!t) {
		if (timeout_ms > 0)
			poll(NULL, 0, timeout_ms);
		return 0;
	}
	n = ring_buffer__poll(t->rb, timeout_ms);
	return n == -EINTR ? 0 : n;
}

int tracer_drain(struct tracer *t)
{
	return t ? ring_buffer__consume(t->rb) : 0;
}

void tracer_counters(const struct tracer *t, struct tracer_counters *c)
{
	__u64 *vals;
	__u32 i;

	memset(c, 0, sizeof(*c));
	if (!t)
		return;
	vals = calloc(t->ncpus, sizeof(*vals));
	if (!vals)
		return;
	for (i = 0; i < PROF_CNT_MAX; i++) {
		uint64_t sum = 0;
		int cpu;

		if (bpf_map__lookup_elem(t->skel->maps.counters, &i, sizeof(i), vals,
					 sizeof(*vals) * t->ncpus, 0))
			continue;
		for (cpu = 0; cpu < t->ncpus; cpu++)
			sum += vals[cpu];
		switch (i) {
		case PROF_CNT_EVENTS: c->events = sum; break;
		case PROF_CNT_DROPPED: c->dropped = sum; break;
		case PROF_CNT_CAPTURE_FAULTS: c->capture_faults = sum; break;
		case PROF_CNT_TRACK_FULL: c->track_full = sum; break;
		}
	}
	free(vals);
}

void tracer_close(struct tracer *t)
{
	if (!t)
		return;
	ring_buffer__free(t->rb);
	for (size_t i = 0; i < t->n_entry_links; i++)
		bpf_link__destroy(t->entry_links[i]);
	profiler_bpf__destroy(t->skel);

	free(t);
}
