/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Keys and values of the BPF maps that userspace reads or writes as well as
 * bpf/profiler.bpf.c (src/tracer.c): one definition for both sides.
 * Only __u8..__u64-style types and no includes, so both sides can use it.
 * Fields are ordered large to small so the layout has no hidden padding; the
 * sizes are asserted below.
 *
 * The maps with scalar keys and values:
 *   tracked   __u32 tgid             -> struct prof_track
 *   api_addrs struct prof_api_addr   -> __u8 1
 *   api_fds   struct prof_fd_key     -> __u32 conn_id
 *   pending   __u32 tid              -> __u8 1 (a thread of a tree not yet run)
 *   watch     __u32 tgid             -> __u8 1
 *   counters  __u32 enum prof_counter -> __u64 per CPU
 * and in .bss (the skeleton's mapped globals) the ones userspace writes: spawner, the
 * __u64 pid_tgid of the thread about to spawn a root; forget_gen and api_gen, the __u32
 * generations tracer_forget bumps (see struct prof_task in bpf/profiler.bpf.c).
 */
#ifndef PROFILER_MAPS_H
#define PROFILER_MAPS_H

#define PROF_MAX_API_ADDRS 16	/* entries of api_addrs */
#define PROF_SYS_KINDS 1024	/* syscall numbers the BPF side's sys_kinds[] table covers */

/* Value of the tracked map: a process of a traced tree. */
struct prof_track {
	__u64 rss_max_pages;	/* largest RSS sampled since the last exec */
	__u64 min_flt;		/* faults of threads that already exited */
	__u64 maj_flt;
	__u64 read_bytes;	/* storage reads of threads that already exited */
	__u64 bpf_ns;		/* --breakdown: time of our programs on its events */
	__u32 root;		/* tgid of its tree's root */
	__u16 io_uring_seen;
	__u16 entry_seen;	/* --breakdown: ENTRY reported */
};

/* Key of the api_fds map: a Runtime API socket of a tracked process. */
struct prof_fd_key {
	__u32 tgid;
	__s32 fd;
};

/* Key of the api_addrs map: an address the Runtime API listens on. */
struct prof_api_addr {
	__u8 addr[16];		/* IPv4 in the first 4 bytes, or IPv6 */
	__u16 port;		/* host byte order */
	__u16 family;		/* AF_INET or AF_INET6 */
	__u32 pad;
};

/* What the BPF side does with a system call, by its number (its sys_kinds[] table). */
enum prof_sys_kind {
	PROF_SYS_OTHER = 0,	/* nothing (but under --breakdown) */
	PROF_SYS_READ,		/* read, readv, recvfrom, recvmsg */
	PROF_SYS_WRITE,		/* write, sendto */
	PROF_SYS_WRITEV,
	PROF_SYS_SENDMSG,	/* the reads and writes: PROF_SYS_READ .. PROF_SYS_SENDMSG */
	PROF_SYS_EXECVE,
	PROF_SYS_EXECVEAT,
	PROF_SYS_CONNECT,
	PROF_SYS_CLOSE,
	PROF_SYS_IO_URING,	/* io_uring_setup, io_uring_enter */
};

/* Counters kept in a per-CPU array, index by enum prof_counter. */
enum prof_counter {
	PROF_CNT_EVENTS = 0,
	PROF_CNT_DROPPED,	/* ring buffer full: event lost */
	PROF_CNT_CAPTURE_FAULTS,
	PROF_CNT_TRACK_FULL,	/* tracked-process map full: a process was not followed */
	PROF_CNT_MAX,
};

_Static_assert(sizeof(struct prof_track) == 48, "struct prof_track: hidden padding");
_Static_assert(sizeof(struct prof_fd_key) == 8, "struct prof_fd_key: hidden padding");
_Static_assert(sizeof(struct prof_api_addr) == 24, "struct prof_api_addr: hidden padding");
#endif
