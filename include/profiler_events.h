/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Event records shared by the BPF programs (bpf/profiler.bpf.c) and userspace.
 * Only __u32/__u64-style types and no includes, so both sides can use it.
 * Fields are ordered large to small so the layout has no hidden padding.
 */
#ifndef PROFILER_EVENTS_H
#define PROFILER_EVENTS_H

#define PROF_COMM_LEN 16
#define PROF_CAPTURE_LEN 128	/* bytes of each Runtime API write captured */

enum prof_event_type {
	PROF_EV_EXEC_ENTER = 1,	/* execve/execveat entered by a tracked thread */
	PROF_EV_EXEC_DONE,	/* sched_process_exec: the new image is running */
	PROF_EV_EXEC_FAIL,	/* execve returned an error (ret) */
	PROF_EV_FORK,		/* new process (arg = child tgid) or thread (arg = child tid) */
	PROF_EV_EXIT,		/* a process of the tree died (whole thread group) */
	PROF_EV_CONNECT,	/* connect() to a Runtime API address; ts = entry, end = exit */
	PROF_EV_WRITE,		/* write/writev/send/sendto/sendmsg on an API socket */
	PROF_EV_READ,		/* read/readv/recv/recvfrom/recvmsg on an API socket */
	PROF_EV_CLOSE,		/* close() of an API socket */
	PROF_EV_IO_URING,	/* io_uring_setup/enter: traffic may bypass syscalls */
	/* --breakdown only: */
	PROF_EV_SYSCALL,	/* any syscall that returned: ts = entry, end = exit, arg = nr;
				 * bd.at = sample at exit, bd.at_entry = sample at entry */
	PROF_EV_SWITCH_IN,	/* the thread (pid/tgid) got a CPU */
	PROF_EV_SWITCH_OUT,	/* it left the CPU: arg 1 = still runnable (preempted), 0 = blocked;
				 * bd.at = sample */
	PROF_EV_WAKEUP,		/* the thread was woken (made runnable) */
	PROF_EV_ENTRY,		/* the root reached its ELF entry point (uprobe); bd.at = sample */
	PROF_EV_THREAD_EXIT,	/* a thread of the tree ended; bd.at = its final sample */
};

/* flags */
#define PROF_F_CAPTURE_FAULT	(1u << 0)	/* bpf_probe_read_user of the payload failed */
#define PROF_F_THREAD		(1u << 1)	/* PROF_EV_FORK: a thread, not a process */
#define PROF_F_RSS_FROM_MM	(1u << 2)	/* PROF_EV_EXIT: peak RSS read from the mm at exit */
#define PROF_F_IPV6		(1u << 3)	/* PROF_EV_CONNECT: AF_INET6 address */

/* A thread's own cumulative counters at one moment (breakdown events). */
struct prof_sample {
	__u64 min_flt;		/* minor page faults of this thread so far */
	__u64 maj_flt;		/* major page faults */
	__u64 read_bytes;	/* bytes it caused to be read from storage */
	__u64 rss_kb;		/* resident set of its process now, KiB (0 = no mm) */
};

struct prof_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns (CLOCK_MONOTONIC): syscall entry or tracepoint */
	__u64 end_ns;		/* syscall exit, for syscall events; else 0 */
	__s64 ret;		/* syscall return value */
	__u64 arg;		/* WRITE/READ: bytes requested; FORK: child id; EXIT: wait status */
	__u64 rss_peak_kb;	/* EXIT: peak resident set of that process, KiB (0 = unknown) */
	__u64 min_flt;		/* EXIT: minor faults summed over all threads of the process */
	__u64 maj_flt;		/* EXIT: major faults, likewise */
	__u64 read_bytes;	/* EXIT: bytes its threads caused to be read from storage */
	__u64 bpf_ns;		/* EXIT, --breakdown: run time of the tracer's programs on this
				 * process's syscall, scheduler and entry events */
	__u32 type;		/* enum prof_event_type */
	__u32 root;		/* tgid of the cold start's root process (the bootstrap) */
	__u32 tgid;
	__u32 pid;		/* thread id */
	__u32 ppid;		/* FORK: parent tgid */
	__s32 fd;
	__u32 conn_id;		/* CONNECT/WRITE/READ/CLOSE: connection serial, unique per tracer */
	__u32 cap_len;		/* bytes valid in data[] */
	__u32 flags;		/* PROF_F_* */
	__u32 threads;		/* EXIT: threads the process had */
	char comm[PROF_COMM_LEN];
	union {
		__u8 data[PROF_CAPTURE_LEN];	/* WRITE: first bytes written; EXEC_*: filename */
		struct {
			struct prof_sample at;		/* see the event types */
			struct prof_sample at_entry;	/* SYSCALL: at its entry */
		} bd;
	};
};

_Static_assert(sizeof(struct prof_sample) == 32, "struct prof_sample: hidden padding");
_Static_assert(sizeof(struct prof_event) == 256, "struct prof_event: hidden padding");
#endif
