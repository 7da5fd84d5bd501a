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
 *
 * The parts, one object: syscalls.bpf.h (sys_enter/sys_exit), process.bpf.h
 * (fork, exec, exit), sched.bpf.h (--breakdown's scheduler programs and entry
 * probe).
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

static __always_inline void mark_task(struct task_struct *task)
{
	bpf_task_storage_get(&tasks, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/* now: the program's start time when it has one (--breakdown), else 0 */

#include "syscalls.bpf.h"
#include "process.bpf.h"
#include "sched.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

