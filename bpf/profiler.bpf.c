// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Cold-start tracer. Follows the process tree of each traced bootstrap (the
 * "root"), and reports its execs, forks, exits and its traffic on Runtime API
 * sockets to userspace through a ring buffer. Timestamps: bpf_ktime_get_ns()
 * (CLOCK_MONOTONIC).
 *
 * Attach points are raw tracepoints only (no tracefs, kprobes or fentry
 * needed): raw_syscalls sys_enter/sys_exit filtered on the tracked threads
 * first, and sched_process_{fork,exec,exit}. They are raw_tp programs, not
 * tp_btf: the kernel runs both alike, but libbpf loads the whole kernel BTF
 * (5.5 MB here, 11 ms and 11 MiB) to find a tp_btf program's attach point, and
 * raw_tp needs none. What the tp_btf arguments gave, typed kernel pointers,
 * comes from bpf_get_current_task_btf() (the task is the current one at every
 * attach point but the scheduler's) and bpf_task_pt_regs(); the other tasks'
 * fields are read with BPF_CORE_READ. CO-RE relocates against the running
 * kernel's types, which userspace hands libbpf as a reduced copy
 * (src/tracer.c).
 *
 * --breakdown adds (loaded only then): every syscall of the tree with its
 * entry and exit, sched_switch/sched_wakeup(_new) of the tree's threads, a
 * uprobe on the bootstrap's ELF entry point, and each thread's exit; the
 * events carry the thread's own fault and storage-read counters and its
 * process's RSS (struct prof_sample).
 *
 * The parts, one object: syscalls.bpf.h (sys_enter/sys_exit), process.bpf.h
 * (fork, exec, exit), sched.bpf.h (--breakdown's scheduler programs and entry
 * probe). Records: include/profiler_rec.h.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>
#include "profiler_events.h"
#include "profiler_maps.h"
#include "profiler_rec.h"
#include "core_fixes.bpf.h"

#define AF_INET 2
#define AF_INET6 10
#define EINPROGRESS 115
#define MAX_TRACKED 8192
#define MAX_PENDING 1024

/*
 * What the default mode does with each system call of the host architecture, by its
 * number (userspace fills it before load; 0: nothing). One load where a chain of
 * comparisons with each followed number ran before, and the verifier then explored the
 * program once per kind, not once per number: a third of sys_enter's verification.
 */
const volatile __u8 sys_kinds[PROF_SYS_KINDS] = {};	/* enum prof_sys_kind */
const volatile __u32 page_kb = 4;
/* Sample RSS at every traced system call: needed where sched_process_exit fires after the
 * mm is gone (before 6.16); set false by userspace where the mm is still there at exit. */
const volatile bool sample_rss_on_syscalls = true;
/* --breakdown: report every syscall of the tree (and the scheduler events, whose
 * programs userspace loads only then) */
const volatile bool breakdown = false;
/* Ring bytes waiting past which a submit wakes the consumer, and the bytes produced
 * between two such wake-ups (userspace: a quarter and a sixteenth of the ring) */
const volatile __u64 wake_bytes = 1 << 20;
const volatile __u64 wake_step = 1 << 18;

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

/* pid_tgid of the thread about to spawn a root: its next child process is tracked
 * (userspace writes it through the skeleton's mapped .bss) */
__u64 spawner = 0;
/* the last connection serial handed out */
__u32 conn_seq = 0;
/* threads in the pending map: while there are any, every syscall looks itself up there */
__u32 npending = 0;
/* Bumped when tracked entries go (userspace forgets a tree) and when api_fds changes:
 * what a thread remembers of them (struct prof_task) holds while these have not moved. */
__u32 forget_gen = 0;
__u32 api_gen = 0;

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

/* Hash maps are allocated as they fill where the kernel allows it from any context
 * (6.1+, userspace clears BPF_F_NO_PREALLOC before): preallocating them is most of
 * their creation time, for entries a run rarely uses. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TRACKED);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);		/* tgid */
	__type(value, struct prof_track);
} tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROF_MAX_API_ADDRS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct prof_api_addr);
	__type(value, __u8);
} api_addrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct prof_fd_key);
	__type(value, __u32);		/* conn_id */
} api_fds SEC(".maps");

/*
 * Every thread of a tracked process carries one of these (task-local storage, created
 * when the thread first runs: at its first system call after its fork, see pending, or
 * at its exec when trace mode adopts it). Looking it up is the syscall programs' first
 * filter, cheaper than a hash lookup on the tgid, and it holds the thread's syscall in
 * flight between entry and exit. It also remembers its tree's root and the last socket
 * it asked about, so that a read or a write, at a million a second, costs no hash
 * lookup at all while nothing was forgotten and no API socket came or went since
 * (the generations; 0 in a new storage: nothing remembered).
 */
struct prof_task {
	__u32 busy;		/* f holds a syscall in flight */
	__u32 root;		/* its tree's root, read from tracked at generation root_gen */
	__u32 root_gen;		/* forget_gen + 1 then */
	__s32 api_fd;		/* the last fd looked up in api_fds, at generation api_gen_seen */
	__u32 api_conn;		/* its conn_id there; 0: not an API socket */
	__u32 api_gen_seen;	/* api_gen + 1 then */
	struct prof_inflight f;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct prof_task);
} tasks SEC(".maps");

/*
 * Threads a tracked process created that have not run yet (tid -> 1). A raw_tp
 * program has no typed pointer to the new task at its fork, only to the current
 * one, so the child marks itself: at its first system call (sys_enter, while
 * npending is not 0), which comes before anything it does in user space, or at
 * its exit if it makes none.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PENDING);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, __u8);
} pending SEC(".maps");

/* trace mode: execve entry times of every process, for a root selected at its exec
 * (userspace shrinks it to one entry in benchmark mode) */
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
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, __u8);
} watch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PROF_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* sized by userspace before load (bpf_map__set_max_entries): see src/tracer.c */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
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

/*
 * A record of size bytes (a constant: PROF_REC_*_SZ) with its header filled in,
 * comm aside (rec_comm). Every header field is written: ring memory is not zeroed.
 */
static __always_inline struct prof_rec *rec_reserve(__u64 size, __u32 type, __u32 root,
						    __u64 pid_tgid)
{
	struct prof_rec *r;

	count(PROF_CNT_EVENTS);
	r = bpf_ringbuf_reserve(&rb, size, 0);
	if (!r) {
		count(PROF_CNT_DROPPED);
		return NULL;
	}
	r->ts_ns = bpf_ktime_get_ns();
	r->end_ns = 0;
	r->ret = 0;
	r->arg = 0;
	r->root = root;
	r->tgid = pid_tgid >> 32;
	r->pid = (__u32)pid_tgid;
	r->fd = 0;
	r->conn_id = 0;
	r->type = type;
	r->flags = 0;
	r->cap_len = 0;
	return r;
}

/* the comm of a task the program holds a typed pointer to (the current one): two loads,
 * where bpf_get_current_comm() copies it byte by byte */
static __always_inline void rec_comm(struct prof_rec *r, struct task_struct *task)
{
	__builtin_memcpy(r->comm, task->comm, sizeof(r->comm));
}

static __always_inline struct prof_rec *rec_current(__u64 size, __u32 type, __u32 root,
						    __u64 pid_tgid, struct task_struct *task)
{
	struct prof_rec *r = rec_reserve(size, type, root, pid_tgid);

	if (r)
		rec_comm(r, task);
	return r;
}

/* the bytes after the header */
static __always_inline void *rec_tail(struct prof_rec *r)
{
	return (void *)(r + 1);
}

/*
 * Submit without waking the consumer: a wake-up is an irq_work that schedules
 * the profiler, which would then compete with the traced bootstrap for the
 * CPU and distort what is measured. Userspace polls on a timer; a ring filling
 * up (past wake_bytes) wakes it so nothing is dropped, and so does a process's
 * exit (wake), after which the profiler has work at once.
 *
 * A forced wake-up costs the submitting CPU an interrupt to itself, and a virtual
 * machine an exit to its host for each: past wake_bytes the BPF_RB_FORCE_WAKEUP of
 * every submit, while the consumer was still waking, took a fifth of a writer's
 * time at 4 threads here. So a filling ring wakes it once per wake_step bytes
 * produced (last_wake: the producer position of the last one), not at every submit.
 */
__u64 last_wake = 0;

/* a record of a kind that comes a few times per process (fork, exec, close...): never
 * the one that fills the ring, so it submits without looking at it */
static __always_inline void rec_submit_rare(struct prof_rec *r)
{
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
}

static __always_inline void rec_submit(struct prof_rec *r, bool wake)
{
	__u64 flags = BPF_RB_NO_WAKEUP, prod, avail;

	avail = bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA);
	if (!wake && avail > wake_bytes) {
		prod = bpf_ringbuf_query(&rb, BPF_RB_PROD_POS);
		if (avail > 2 * wake_bytes || prod - last_wake >= wake_step) {
			last_wake = prod;
			wake = true;
		}
	}
	if (wake)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(r, flags);
}

/*
 * A pointer field read from a typed pointer to the current task (task->mm) costs the
 * verifier, each time a path reaches it, up to four linear searches of the kernel's
 * BTF by name (is the field one it trusts?): a millisecond each on this kernel. So mm is
 * read with BPF_CORE_READ, like its counters; a field that is not a pointer (task->comm,
 * task->min_flt) is a plain load.
 */
static __always_inline struct mm_struct *task_mm(struct task_struct *task)
{
	return BPF_CORE_READ(task, mm);
}

static __always_inline void sample_rss(struct task_struct *task, struct prof_track *t)
{
	struct mm_struct *mm = task_mm(task);
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
	struct mm_struct *mm = task_mm(task);

	/* task is a typed pointer (the current task): its counters are plain loads */
	s->min_flt = task->min_flt;
	s->maj_flt = task->maj_flt;
	s->read_bytes = 0;
	if (bpf_core_field_exists(task->ioac))	/* CONFIG_TASK_IO_ACCOUNTING */
		s->read_bytes = task->ioac.read_bytes;
	s->rss_kb = mm ? mm_rss_pages(mm) * page_kb : 0;
}

/* bpf_get_current_pid_tgid() for a task the program holds a typed pointer to: two
 * loads, where the helper is a call (and each return a costly one with this CPU's
 * Speculative Return Stack Overflow mitigation) */
static __always_inline __u64 task_pid_tgid(struct task_struct *task)
{
	return ((__u64)task->tgid << 32) | (__u32)task->pid;
}

/* Mark a thread as one of the tree's (task-local storage; see struct prof_task). */
static __always_inline void mark_task(struct task_struct *task)
{
	bpf_task_storage_get(&tasks, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/* A thread of a tree created since: it marks itself (see pending). */
static __always_inline void note_pending(__u32 tid)
{
	__u8 one = 1;

	if (bpf_map_update_elem(&pending, &tid, &one, BPF_NOEXIST))
		count(PROF_CNT_TRACK_FULL);
	else
		__sync_fetch_and_add(&npending, 1);
}

/* The current thread leaves the pending map; true if it was there. Only the caller
 * whose delete succeeds counts it off, so a thread is counted off once. */
static __always_inline bool take_pending(__u32 tid)
{
	if (!bpf_map_lookup_elem(&pending, &tid) || bpf_map_delete_elem(&pending, &tid))
		return false;
	__sync_fetch_and_sub(&npending, 1);
	return true;
}

#include "syscalls.bpf.h"
#include "process.bpf.h"
#include "sched.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
