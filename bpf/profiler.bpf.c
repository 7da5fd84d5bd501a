// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Cold-start tracer. Follows the process tree of each traced bootstrap (the
 * "root"), and reports its execs, forks, exits and its traffic on Runtime API
 * sockets to userspace through a ring buffer. Timestamps: bpf_ktime_get_ns()
 * (CLOCK_MONOTONIC).
 *
 * Attach points are BTF-typed raw tracepoints only (no tracefs, kprobes or
 * fentry needed): raw_syscalls sys_enter/sys_exit filtered on the tracked
 * tgid set first, and sched_process_{fork,exec,exit}.
 *
 * --breakdown adds (loaded only then): every syscall of the tree with its
 * entry and exit, sched_switch/sched_wakeup(_new) of the tree's threads, a
 * uprobe on the bootstrap's ELF entry point, and each thread's exit; the
 * events carry the thread's own fault and storage-read counters and its
 * process's RSS (struct prof_sample).
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>
#include "profiler_events.h"
#include "profiler_maps.h"
#include "core_fixes.bpf.h"

#define AF_INET 2
#define AF_INET6 10
#define EINPROGRESS 115
#define MAX_TRACKED 8192

/* Syscall numbers of the host architecture, set by userspace before load. */
const volatile long nr_execve = -1, nr_execveat = -1, nr_connect = -1;
const volatile long nr_write = -1, nr_writev = -1, nr_sendto = -1, nr_sendmsg = -1;
const volatile long nr_read = -1, nr_readv = -1, nr_recvfrom = -1, nr_recvmsg = -1;
const volatile long nr_close = -1, nr_io_uring_setup = -1, nr_io_uring_enter = -1;
const volatile __u32 page_kb = 4;
/* Sample RSS at every traced system call: needed where sched_process_exit fires after the
 * mm is gone (before 6.16); set false by userspace where the mm is still there at exit. */
const volatile bool sample_rss_on_syscalls = true;
/* --breakdown: report every syscall of the tree (and the scheduler events, whose
 * programs userspace loads only then) */
const volatile bool breakdown = false;

/*
 * Attach mode (profiler trace): new processes are selected at their exec by
 * comm, by the inode of the executable, by cgroup (v2 id) or by descent from a
 * watched pid (the watch map), and become roots of their own.
 */
const volatile bool trace_mode = false;
const volatile bool any_api_addr = false;	/* follow every TCP connect of a tree */
const volatile char sel_comm[PROF_COMM_LEN] = {};
const volatile __u64 sel_ino = 0, sel_dev = 0;	/* executable: inode and st_dev */
const volatile __u64 sel_cgroup = 0;		/* cgroup v2 id */

/* K_NONE: a syscall stashed only for --breakdown */
enum inflight_kind { K_NONE = 0, K_EXEC, K_CONNECT, K_WRITE, K_WRITEV, K_SENDMSG, K_READ };

struct prof_inflight {
	__u64 ts;
	__u64 buf;		/* user pointer: buffer, iovec array or msghdr */
	__u64 len;		/* bytes requested or iovec count */
	__u32 kind;
	__s32 fd;
	__u32 conn;
	__u32 flags;
	__s64 nr;		/* --breakdown: the syscall, with the sample at its entry */
	struct prof_sample at_entry;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TRACKED);
	__type(key, __u32);		/* tgid */
	__type(value, struct prof_track);
} tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROF_MAX_API_ADDRS);
	__type(key, struct prof_api_addr);
	__type(value, __u8);
} api_addrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct prof_fd_key);
	__type(value, __u32);		/* conn_id */
} api_fds SEC(".maps");

/*
 * Every thread of a tracked process carries one of these (task-local storage, created
 * when the thread is: at its fork, or at its exec when trace mode adopts it). Looking it
 * up is the syscall programs' first filter, cheaper than a hash lookup on the tgid, and
 * it holds the thread's syscall in flight between entry and exit.
 */
struct prof_task {
	__u32 busy;		/* f holds a syscall in flight */
	__u32 pad;
	struct prof_inflight f;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct prof_task);
} tasks SEC(".maps");

/* pid_tgid of the thread about to spawn a root: its next child process is tracked */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} spawner SEC(".maps");

/* trace mode: execve entry times of every process, for a root selected at its exec */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);		/* pid_tgid */
	__type(value, __u64);		/* ts */
} exec_start SEC(".maps");

/* trace mode, --pid: the watched process and its descendants (tgid -> 1) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TRACKED);
	__type(key, __u32);
	__type(value, __u8);
} watch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PROF_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} conn_seq SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} rb SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		*v += 1;
}

/* --breakdown: what a program run spent on a tracked process's events */
static __always_inline __u64 cost_start(void)
{
	return breakdown ? bpf_ktime_get_ns() : 0;
}

static __always_inline void cost_charge(struct prof_track *t, __u64 t0)
{
	if (breakdown && t)
		__sync_fetch_and_add(&t->bpf_ns, bpf_ktime_get_ns() - t0);
}

static __always_inline struct prof_event *ev_reserve(__u32 type, __u32 root, __u64 pid_tgid)
{
	struct prof_event *e;

	count(PROF_CNT_EVENTS);
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		count(PROF_CNT_DROPPED);
		return NULL;
	}
	/* zero the fixed fields; data[] is read only up to cap_len */
	__builtin_memset(e, 0, offsetof(struct prof_event, data));
	e->type = type;
	e->root = root;
	e->tgid = pid_tgid >> 32;
	e->pid = (__u32)pid_tgid;
	e->ts_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	return e;
}

/*
 * Submit without waking the consumer: a wake-up is an irq_work that schedules
 * the profiler, which would then compete with the traced bootstrap for the
 * CPU and distort what is measured. Userspace polls on a timer; only a ring
 * filling up (over a quarter) forces a wake-up so nothing is dropped.
 */
static __always_inline void ev_submit(struct prof_event *e)
{
	__u64 flags = BPF_RB_NO_WAKEUP;

	if (bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) > (4u << 20))
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(e, flags);
}

static __always_inline void sample_rss(struct prof_track *t)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mm_struct *mm = task->mm;
	__u64 rss;

	if (!mm)
		return;
	rss = mm_rss_pages(mm);
	if (rss > t->rss_max_pages)
		t->rss_max_pages = rss;
}

/* --breakdown: a thread's own counters and its process's RSS, now. */
static __always_inline void take_sample(struct task_struct *task, struct prof_sample *s)
{
	/* task is a BTF pointer (tracepoint argument or the current task): direct loads,
	 * no helper call per field; this runs twice per syscall of the tree */
	struct mm_struct *mm = task->mm;

	s->min_flt = task->min_flt;
	s->maj_flt = task->maj_flt;
	s->read_bytes = 0;
	if (bpf_core_field_exists(task->ioac))	/* CONFIG_TASK_IO_ACCOUNTING */
		s->read_bytes = task->ioac.read_bytes;
	s->rss_kb = mm ? mm_rss_pages_fast(mm) * page_kb : 0;
}

/* Is this user sockaddr a Runtime API address? Sets *v6 for AF_INET6. */
static __always_inline bool is_api_addr(const void *uaddr, int alen, __u32 *v6)
{
	struct prof_api_addr key = {};
	struct sockaddr_in6 sa6 = {};
	__u16 family = 0;

	if (!uaddr || alen < (int)sizeof(struct sockaddr_in))
		return false;
	if (bpf_probe_read_user(&family, sizeof(family), uaddr))
		return false;
	if (family == AF_INET) {
		struct sockaddr_in sa = {};

		if (bpf_probe_read_user(&sa, sizeof(sa), uaddr))
			return false;
		key.family = AF_INET;
		key.port = bpf_ntohs(sa.sin_port);
		__builtin_memcpy(key.addr, &sa.sin_addr.s_addr, 4);
		*v6 = 0;
	} else if (family == AF_INET6 && alen >= (int)sizeof(sa6)) {
		if (bpf_probe_read_user(&sa6, sizeof(sa6), uaddr))
			return false;
		key.port = bpf_ntohs(sa6.sin6_port);
		*v6 = 1;
		/* ::ffff:a.b.c.d reaches the IPv4 listener */
		if (sa6.sin6_addr.in6_u.u6_addr32[0] == 0 && sa6.sin6_addr.in6_u.u6_addr32[1] == 0 &&
		    sa6.sin6_addr.in6_u.u6_addr32[2] == bpf_htonl(0xffff)) {
			key.family = AF_INET;
			__builtin_memcpy(key.addr, &sa6.sin6_addr.in6_u.u6_addr32[3], 4);
		} else {
			key.family = AF_INET6;
			__builtin_memcpy(key.addr, &sa6.sin6_addr, 16);
		}
	} else {
		return false;
	}
	return any_api_addr || bpf_map_lookup_elem(&api_addrs, &key) != NULL;
}

static __always_inline __u32 *api_conn(__u32 tgid, long fd)
{
	struct prof_fd_key k = { .tgid = tgid, .fd = (__s32)fd };

	return bpf_map_lookup_elem(&api_fds, &k);
}

/* Mark a thread as one of the tree's (task-local storage; see struct prof_task). */
static __always_inline void mark_task(struct task_struct *task)
{
	bpf_task_storage_get(&tasks, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/* now: the program's start time when it has one (--breakdown), else 0 */
static __always_inline void stash(__u64 now, struct prof_task *ts, __u32 kind, long fd, __u32 conn,
				  __u64 buf, __u64 len, __u32 flags, long nr)
{
	struct prof_inflight *f = &ts->f;

	f->ts = now ? now : bpf_ktime_get_ns();
	f->buf = buf;
	f->len = len;
	f->kind = kind;
	f->fd = (__s32)fd;
	f->conn = conn;
	f->flags = flags;
	f->nr = nr;
	if (breakdown)
		take_sample(bpf_get_current_task_btf(), &f->at_entry);
	ts->busy = 1;
}

/* A syscall entry of a thread of a tracked process (ts: its task storage). */
static __always_inline int handle_enter(struct pt_regs *regs, long id, struct prof_task *ts,
					struct prof_track **tp, __u64 now)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct prof_track *t;
	__u32 *conn;
	long fd;

	t = bpf_map_lookup_elem(&tracked, &tgid);
	if (!t)
		return 0;
	*tp = t;
	if (sample_rss_on_syscalls)
		sample_rss(t);

	if (id == nr_execve || id == nr_execveat) {
		const char *fname = (const char *)(id == nr_execve ? PT_REGS_PARM1_CORE_SYSCALL(regs)
								    : PT_REGS_PARM2_CORE_SYSCALL(regs));
		struct prof_event *e = ev_reserve(PROF_EV_EXEC_ENTER, t->root, pid_tgid);
		long n;

		if (!e)
			return 0;
		if (now)	/* the same instant as the syscall's entry below */
			e->ts_ns = now;
		n = bpf_probe_read_user_str(e->data, sizeof(e->data), fname);
		if (n < 0) {
			e->flags |= PROF_F_CAPTURE_FAULT;
			count(PROF_CNT_CAPTURE_FAULTS);
		} else {
			e->cap_len = n;
		}
		ev_submit(e);
		stash(now, ts, K_EXEC, -1, 0, 0, 0, 0, id);
		return 0;
	}
	if (id == nr_connect) {
		__u32 v6 = 0;

		fd = PT_REGS_PARM1_CORE_SYSCALL(regs);
		if (is_api_addr((const void *)PT_REGS_PARM2_CORE_SYSCALL(regs),
				(int)PT_REGS_PARM3_CORE_SYSCALL(regs), &v6))
			stash(now, ts, K_CONNECT, fd, 0, PT_REGS_PARM2_CORE_SYSCALL(regs),
			      PT_REGS_PARM3_CORE_SYSCALL(regs), v6 ? PROF_F_IPV6 : 0, id);
		else if (breakdown)
			stash(now, ts, K_NONE, fd, 0, 0, 0, 0, id);
		return 0;
	}
	if (id == nr_close) {
		struct prof_fd_key k = { .tgid = tgid };
		struct prof_event *e;

		k.fd = (__s32)PT_REGS_PARM1_CORE_SYSCALL(regs);
		if (breakdown)
			stash(now, ts, K_NONE, k.fd, 0, 0, 0, 0, id);
		conn = bpf_map_lookup_elem(&api_fds, &k);
		if (!conn)
			return 0;
		e = ev_reserve(PROF_EV_CLOSE, t->root, pid_tgid);
		if (e) {
			e->fd = k.fd;
			e->conn_id = *conn;
			ev_submit(e);
		}
		bpf_map_delete_elem(&api_fds, &k);
		return 0;
	}
	if (id == nr_io_uring_setup || id == nr_io_uring_enter) {
		struct prof_event *e;

		if (breakdown)
			stash(now, ts, K_NONE, -1, 0, 0, 0, 0, id);
		if (t->io_uring_seen)
			return 0;
		t->io_uring_seen = 1;
		e = ev_reserve(PROF_EV_IO_URING, t->root, pid_tgid);
		if (e)
			ev_submit(e);
		return 0;
	}

	__u32 kind;

	if (id == nr_write || id == nr_sendto)
		kind = K_WRITE;
	else if (id == nr_writev)
		kind = K_WRITEV;
	else if (id == nr_sendmsg)
		kind = K_SENDMSG;
	else if (id == nr_read || id == nr_readv || id == nr_recvfrom || id == nr_recvmsg)
		kind = K_READ;
	else
		kind = K_NONE;
	if (kind == K_NONE) {
		if (breakdown)
			stash(now, ts, K_NONE, -1, 0, 0, 0, 0, id);
		return 0;
	}

	fd = PT_REGS_PARM1_CORE_SYSCALL(regs);
	conn = api_conn(tgid, fd);
	if (!conn) {
		if (breakdown)
			stash(now, ts, K_NONE, fd, 0, 0, 0, 0, id);
		return 0;
	}
	stash(now, ts, kind, fd, *conn, PT_REGS_PARM2_CORE_SYSCALL(regs),
	      PT_REGS_PARM3_CORE_SYSCALL(regs), 0, id);
	return 0;
}

/*
 * The system calls the default mode acts on. Compared before anything else: the
 * raw_syscalls tracepoints run for every system call of every task on the host, and
 * most of them (the traced tree's too) are none of these, so they cost no helper call
 * and no map lookup. --breakdown and the per-syscall RSS sampling (before 6.16) need
 * every call of the tree and skip this filter.
 */
static __always_inline bool followed(long id)
{
	return id == nr_read || id == nr_write || id == nr_close || id == nr_readv ||
	       id == nr_writev || id == nr_connect || id == nr_sendto || id == nr_recvfrom ||
	       id == nr_sendmsg || id == nr_recvmsg || id == nr_execve || id == nr_execveat ||
	       id == nr_io_uring_setup || id == nr_io_uring_enter;
}

/* sys_exit has no id argument: the number its entry saw (syscall_get_nr()) */
static __always_inline long exit_nr(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return regs->orig_ax;
#elif defined(__TARGET_ARCH_arm64)
	return regs->syscallno;
#else
	return nr_read;		/* unknown here: no filter */
#endif
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	struct prof_track *t = NULL;
	struct prof_task *ts;
	__u64 t0;

	if (!breakdown && !sample_rss_on_syscalls && !followed(id))
		return 0;
	if (trace_mode && (id == nr_execve || id == nr_execveat)) {
		__u64 pid_tgid = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();

		bpf_map_update_elem(&exec_start, &pid_tgid, &now, BPF_ANY);
	}
	ts = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0, 0);
	if (!ts)
		return 0;	/* not a thread of a tracked process */
	t0 = cost_start();
	handle_enter(regs, id, ts, &t, t0);
	cost_charge(t, t0);
	return 0;
}

/* Capture up to PROF_CAPTURE_LEN bytes of what a write-type syscall sent. */
static __always_inline void capture(struct prof_event *e, struct prof_inflight *f, long ret)
{
	__u64 base = f->buf, avail = (__u64)ret;
	__u32 n;

	if (f->kind == K_SENDMSG) {
		struct user_msghdr msg = {};

		if (bpf_probe_read_user(&msg, sizeof(msg), (void *)f->buf))
			goto fault;
		base = (__u64)msg.msg_iov;
	}
	if (f->kind == K_SENDMSG || f->kind == K_WRITEV) {
		struct iovec iov = {};

		if (bpf_probe_read_user(&iov, sizeof(iov), (void *)base))
			goto fault;
		base = (__u64)iov.iov_base;
		if (iov.iov_len < avail)
			avail = iov.iov_len;
	}
	n = avail > PROF_CAPTURE_LEN ? PROF_CAPTURE_LEN : (__u32)avail;
	if (bpf_probe_read_user(e->data, n, (void *)base))
		goto fault;
	e->cap_len = n;
	return;
fault:
	e->flags |= PROF_F_CAPTURE_FAULT;
	count(PROF_CNT_CAPTURE_FAULTS);
}

/* A syscall exit of a thread with a syscall in flight (ts: its task storage). */
static __always_inline int handle_exit(long ret, struct prof_task *ts, struct prof_track **tp)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct prof_event *e;
	struct prof_inflight *f;
	struct prof_track *t;
	__u32 type;

	f = &ts->f;
	t = bpf_map_lookup_elem(&tracked, &tgid);
	if (!t) {
		ts->busy = 0;
		return 0;
	}
	*tp = t;
	if (breakdown) {
		e = ev_reserve(PROF_EV_SYSCALL, t->root, pid_tgid);
		if (e) {
			e->end_ns = e->ts_ns;
			e->ts_ns = f->ts;
			e->ret = ret;
			e->arg = (__u64)f->nr;
			e->fd = f->fd;
			e->bd.at_entry = f->at_entry;
			take_sample(bpf_get_current_task_btf(), &e->bd.at);
			ev_submit(e);
		}
	}
	switch (f->kind) {
	case K_NONE:
		goto out;
	case K_EXEC:
		/* a successful exec is reported by sched_process_exec */
		if (ret >= 0)
			goto out;
		type = PROF_EV_EXEC_FAIL;
		break;
	case K_CONNECT:
		type = PROF_EV_CONNECT;
		if (ret == 0 || ret == -EINPROGRESS) {
			struct prof_fd_key k = { .tgid = tgid, .fd = f->fd };
			__u32 zero = 0, *seq = bpf_map_lookup_elem(&conn_seq, &zero);

			if (!seq)
				goto out;
			f->conn = __sync_fetch_and_add(seq, 1) + 1;
			bpf_map_update_elem(&api_fds, &k, &f->conn, BPF_ANY);
		}
		break;
	case K_READ:
		type = PROF_EV_READ;
		break;
	default:
		type = PROF_EV_WRITE;
		break;
	}
	e = ev_reserve(type, t->root, pid_tgid);
	if (!e)
		goto out;
	e->end_ns = e->ts_ns;
	e->ts_ns = f->ts;
	e->ret = ret;
	e->fd = f->fd;
	e->conn_id = f->conn;
	e->flags |= f->flags;
	e->arg = f->len;
	if (type == PROF_EV_WRITE && ret > 0)
		capture(e, f, ret);
	if (type == PROF_EV_CONNECT && f->buf) {
		/* the destination, so userspace can tell which connection is the API's */
		__u32 n = f->len > 28 ? 28 : (__u32)f->len;

		if (bpf_probe_read_user(e->data, n & 31, (void *)f->buf) == 0)
			e->cap_len = n & 31;
	}
	ev_submit(e);
out:
	ts->busy = 0;
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	struct prof_track *t = NULL;
	struct prof_task *ts;
	__u64 t0;

	/* only a followed call's entry left an inflight record */
	if (!breakdown && !followed(exit_nr(regs)))
		return 0;
	ts = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0, 0);
	if (!ts || !ts->busy)
		return 0;
	t0 = cost_start();
	handle_exit(ret, ts, &t);
	cost_charge(t, t0);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	struct prof_event *e;
	struct prof_track *t;

	t = bpf_map_lookup_elem(&tracked, &ptgid);
	if (!t) {
		__u32 zero = 0;
		__u64 *sp = bpf_map_lookup_elem(&spawner, &zero);

		/* the runner's own clone of a new root: track it from its first instruction */
		if (sp && *sp && *sp == bpf_get_current_pid_tgid() && ctgid != ptgid) {
			struct prof_track nt = { .root = ctgid };

			if (bpf_map_update_elem(&tracked, &ctgid, &nt, BPF_ANY))
				count(PROF_CNT_TRACK_FULL);
			else
				mark_task(child);
		}
		if (trace_mode && ctgid != ptgid && bpf_map_lookup_elem(&watch, &ptgid)) {
			__u8 one = 1;

			bpf_map_update_elem(&watch, &ctgid, &one, BPF_ANY);
		}
		return 0;
	}
	if (ctgid != ptgid) {
		struct prof_track nt = { .root = t->root, .rss_max_pages = t->rss_max_pages };

		if (bpf_map_update_elem(&tracked, &ctgid, &nt, BPF_NOEXIST) && bpf_map_lookup_elem(&tracked, &ctgid) == NULL)
			count(PROF_CNT_TRACK_FULL);
	}
	mark_task(child);	/* a thread or a process of the tree */
	e = ev_reserve(PROF_EV_FORK, t->root, bpf_get_current_pid_tgid());
	if (!e)
		return 0;
	e->ppid = ptgid;
	e->arg = ctgid != ptgid ? ctgid : (__u32)BPF_CORE_READ(child, pid);
	if (ctgid == ptgid)
		e->flags |= PROF_F_THREAD;
	ev_submit(e);
	return 0;
}

static __always_inline bool selected(struct task_struct *p, struct linux_binprm *bprm, __u32 tgid)
{
	if (sel_comm[0]) {
		char comm[16];

		bpf_probe_read_kernel_str(comm, sizeof(comm), p->comm);
		for (int i = 0; i < 16; i++) {
			if (comm[i] != sel_comm[i])
				return false;
			if (!comm[i])
				break;
		}
		return true;
	}
	if (sel_ino) {
		struct inode *ino = BPF_CORE_READ(bprm, file, f_inode);

		return BPF_CORE_READ(ino, i_ino) == sel_ino &&
		       (__u64)BPF_CORE_READ(ino, i_sb, s_dev) == sel_dev;
	}
	if (sel_cgroup)
		return bpf_get_current_cgroup_id() == sel_cgroup;
	return bpf_map_lookup_elem(&watch, &tgid) != NULL;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct prof_event *e;
	struct prof_track *t;
	long n;

	t = bpf_map_lookup_elem(&tracked, &tgid);
	if (!t && trace_mode && selected(p, bprm, tgid)) {
		struct prof_track nt = { .root = tgid };
		__u64 *st = bpf_map_lookup_elem(&exec_start, &pid_tgid);

		if (bpf_map_update_elem(&tracked, &tgid, &nt, BPF_NOEXIST)) {
			count(PROF_CNT_TRACK_FULL);
			return 0;
		}
		t = bpf_map_lookup_elem(&tracked, &tgid);
		if (!t)
			return 0;
		mark_task(p);
		e = ev_reserve(PROF_EV_EXEC_ENTER, tgid, pid_tgid);
		if (e) {
			/* its execve entry, recorded before we knew it was one of ours */
			if (st)
				e->ts_ns = *st;
			else
				e->flags |= PROF_F_CAPTURE_FAULT;
			n = bpf_probe_read_kernel_str(e->data, sizeof(e->data), BPF_CORE_READ(bprm, filename));
			e->cap_len = n > 0 ? n : 0;
			ev_submit(e);
		}
		bpf_map_delete_elem(&watch, &tgid);
	}
	if (!t)
		return 0;
	/* a new image: what was resident before the exec was not its memory */
	t->rss_max_pages = 0;
	e = ev_reserve(PROF_EV_EXEC_DONE, t->root, pid_tgid);
	if (!e)
		return 0;
	n = bpf_probe_read_kernel_str(e->data, sizeof(e->data), BPF_CORE_READ(bprm, filename));
	e->cap_len = n > 0 ? n : 0;
	e->arg = (__u32)old_pid;
	ev_submit(e);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit, struct task_struct *p)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct prof_event *e;
	struct mm_struct *mm;
	struct prof_track *t;
	__u64 peak;

	t = bpf_map_lookup_elem(&tracked, &tgid);
	if (!t)
		return 0;
	if (breakdown) {
		e = ev_reserve(PROF_EV_THREAD_EXIT, t->root, pid_tgid);
		if (e) {
			take_sample(p, &e->bd.at);
			ev_submit(e);
		}
	}
	__sync_fetch_and_add(&t->min_flt, BPF_CORE_READ(p, min_flt));
	__sync_fetch_and_add(&t->maj_flt, BPF_CORE_READ(p, maj_flt));
	if (bpf_core_field_exists(p->ioac))	/* CONFIG_TASK_IO_ACCOUNTING */
		__sync_fetch_and_add(&t->read_bytes, BPF_CORE_READ(p, ioac.read_bytes));
	/* signal->live has been decremented before this tracepoint: 0 = last thread */
	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;

	e = ev_reserve(PROF_EV_EXIT, t->root, pid_tgid);
	if (e) {
		peak = t->rss_max_pages;
		/* since 6.16 the mm is still attached here; before, it is NULL */
		mm = BPF_CORE_READ(p, mm);
		if (mm) {
			__u64 hw = BPF_CORE_READ(mm, hiwater_rss), cur = mm_rss_pages(mm);

			if (hw > peak)
				peak = hw;
			if (cur > peak)
				peak = cur;
			e->flags |= PROF_F_RSS_FROM_MM;
		}
		e->rss_peak_kb = peak * page_kb;
		e->min_flt = t->min_flt;
		e->maj_flt = t->maj_flt;
		e->read_bytes = t->read_bytes;
		e->bpf_ns = t->bpf_ns;
		e->arg = (__u32)BPF_CORE_READ(p, exit_code);
		e->threads = BPF_CORE_READ(p, signal, nr_threads);
		ev_submit(e);
	}
	bpf_map_delete_elem(&tracked, &tgid);
	return 0;
}

/*
 * --breakdown: the scheduler's view of the tree's threads. Userspace loads
 * these programs only in that mode: sched_switch runs at every context
 * switch of the host.
 */
static __always_inline struct prof_event *sched_event(__u32 type, struct task_struct *task,
						     struct prof_track **tp)
{
	__u32 tgid = task->tgid;
	struct prof_track *t = bpf_map_lookup_elem(&tracked, &tgid);
	struct prof_event *e;

	*tp = t;
	if (!t)
		return NULL;
	e = ev_reserve(type, t->root, ((__u64)tgid << 32) | (__u32)task->pid);
	if (e)
		__builtin_memcpy(e->comm, task->comm, sizeof(e->comm));
	return e;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 t0 = cost_start();
	struct prof_track *t;
	struct prof_event *e;

	e = sched_event(PROF_EV_SWITCH_OUT, prev, &t);
	if (e) {
		/* preempted, or yielded still runnable: waiting for a CPU; else it sleeps */
		e->arg = preempt || task_state(prev) == 0;
		take_sample(prev, &e->bd.at);
		ev_submit(e);
	}
	cost_charge(t, t0);
	t0 = cost_start();
	e = sched_event(PROF_EV_SWITCH_IN, next, &t);
	if (e)
		ev_submit(e);
	cost_charge(t, t0);
	return 0;
}

/* a new task's first wake-up (sched_wakeup_new) is reported as any other */
static __always_inline void wakeup(struct task_struct *p)
{
	__u64 t0 = cost_start();
	struct prof_track *t;
	struct prof_event *e = sched_event(PROF_EV_WAKEUP, p, &t);

	if (e)
		ev_submit(e);
	cost_charge(t, t0);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	wakeup(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	wakeup(p);
	return 0;
}

/*
 * The ELF entry point of the bootstrap (attached by userspace to its file,
 * for every process that runs it): the end of dynamic loading, the first
 * instruction of the program's own code. Reported once per root.
 */
SEC("uprobe")
int entry_point(struct pt_regs *ctx)
{
	__u64 t0 = cost_start();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct prof_track *t = bpf_map_lookup_elem(&tracked, &tgid);
	struct prof_event *e;

	if (!t || t->root != tgid || t->entry_seen)
		return 0;
	t->entry_seen = 1;
	e = ev_reserve(PROF_EV_ENTRY, t->root, pid_tgid);
	if (e) {
		take_sample(bpf_get_current_task_btf(), &e->bd.at);
		ev_submit(e);
	}
	cost_charge(t, t0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
