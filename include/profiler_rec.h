/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ring buffer's records: what bpf/profiler.bpf.c sends, and src/tracer.c expands
 * into the struct prof_event (profiler_events.h) that the tracer's callers see. A record
 * carries the bytes its type needs, not the 256 of struct prof_event: the fixed header
 * below, then by type
 *
 *   EXEC_ENTER, EXEC_DONE, WRITE   cap_len bytes of data (at most PROF_CAPTURE_LEN)
 *   CONNECT                        cap_len bytes of the destination sockaddr (at most 28)
 *   FORK                           struct prof_rec_fork
 *   EXIT                           struct prof_rec_exit
 *   SYSCALL                        two struct prof_sample: at its exit, at its entry
 *   SWITCH_OUT, ENTRY, THREAD_EXIT one struct prof_sample
 *   the others                     nothing
 *
 * so a READ is 72 bytes (80 in the ring with its header) where a prof_event is 264: the
 * ring holds three times the events, and each costs the producer and the consumer
 * fewer cache lines. Only __u8..__u64-style types and no includes but
 * profiler_events.h, so both sides can use it; sizes asserted below.
 */
#ifndef PROFILER_REC_H
#define PROFILER_REC_H

#include "profiler_events.h"

struct prof_rec {
	__u64 ts_ns;		/* as struct prof_event */
	__u64 end_ns;
	__s64 ret;
	__u64 arg;
	__u32 root;
	__u32 tgid;
	__u32 pid;
	__s32 fd;
	__u32 conn_id;
	__u8 type;		/* enum prof_event_type */
	__u8 flags;		/* PROF_F_* */
	__u16 cap_len;		/* bytes of data after the header */
	char comm[PROF_COMM_LEN];
};

struct prof_rec_fork {
	__u32 ppid;		/* the parent's tgid */
	__u32 pad;
};

struct prof_rec_exit {
	__u64 rss_peak_kb;
	__u64 min_flt;
	__u64 maj_flt;
	__u64 read_bytes;
	__u64 bpf_ns;
	__u32 threads;
	__u32 pad;
};

/* what each record type takes in the ring (bpf_ringbuf_reserve needs a constant) */
#define PROF_REC_SZ		sizeof(struct prof_rec)
#define PROF_REC_CONNECT_LEN	32	/* a sockaddr_in6 (28 bytes), rounded up */
#define PROF_REC_DATA_SZ	(PROF_REC_SZ + PROF_CAPTURE_LEN)
#define PROF_REC_CONNECT_SZ	(PROF_REC_SZ + PROF_REC_CONNECT_LEN)
#define PROF_REC_FORK_SZ	(PROF_REC_SZ + sizeof(struct prof_rec_fork))
#define PROF_REC_EXIT_SZ	(PROF_REC_SZ + sizeof(struct prof_rec_exit))
#define PROF_REC_SAMPLE_SZ	(PROF_REC_SZ + sizeof(struct prof_sample))
#define PROF_REC_SYSCALL_SZ	(PROF_REC_SZ + 2 * sizeof(struct prof_sample))

_Static_assert(sizeof(struct prof_rec) == 72, "struct prof_rec: hidden padding");
_Static_assert(sizeof(struct prof_rec_fork) == 8, "struct prof_rec_fork: hidden padding");
_Static_assert(sizeof(struct prof_rec_exit) == 48, "struct prof_rec_exit: hidden padding");
_Static_assert(PROF_F_IPV6 <= 0xff, "PROF_F_* must fit prof_rec.flags");
_Static_assert(PROF_EV_THREAD_EXIT <= 0xff, "enum prof_event_type must fit prof_rec.type");
_Static_assert(PROF_CAPTURE_LEN <= 0xffff, "cap_len must fit prof_rec.cap_len");
#endif
