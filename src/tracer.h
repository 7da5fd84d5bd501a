/* The BPF side of a run: skeleton lifecycle, tracked roots, ring buffer. */
#ifndef TRACER_H
#define TRACER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/types.h>
#include "profiler_events.h"

struct tracer;

/* Called for every event, in ring-buffer order. Return non-zero to stop polling. */
typedef int (*tracer_event_fn)(void *ctx, const struct prof_event *e);

/* profiler trace: which new processes become roots (at their exec). One of them. */
struct tracer_select {
	char comm[PROF_COMM_LEN];	/* the comm after exec */
	uint64_t ino, dev;	/* the executable's inode and device (kernel encoding) */
	uint64_t cgroup_id;	/* a cgroup v2 id */
	pid_t watch_pid;	/* this process's descendants */
	bool any_addr;		/* follow every TCP connection (the API address is found later) */
};

/* CLOCK_MONOTONIC (ns) at the end of each step of tracer_open, for the start-up
 * benchmark (tools/bench/tracer_open.c). */
struct tracer_open_times {
	uint64_t start;		/* tracer_open entered */
	uint64_t btf;		/* the kernel types for CO-RE prepared */
	uint64_t opened;	/* skeleton opened (the embedded object parsed) */
	uint64_t loaded;	/* maps created, programs relocated and verified */
	uint64_t attached;	/* programs attached */
	uint64_t ring;		/* ring buffer mapped: ready */
};

struct tracer_opts {
	const struct tracer_select *select;	/* NULL: benchmark mode */
	bool verbose;		/* route libbpf's own log to stderr */
	bool breakdown;		/* --breakdown: every syscall, the scheduler, the entry point */
	tracer_event_fn on_event;
	void *ctx;
	struct tracer_open_times *times;	/* filled when not NULL */
};

/* Every function below but tracer_open and tracer_add_api_addr accepts a NULL
 * tracer and then does nothing (the userspace-only mode). */

/* Open, configure, load and attach. On failure returns NULL and writes one
 * line saying what is missing (privileges, BTF, ...) to err. */
struct tracer *tracer_open(const struct tracer_opts *o, char *err, size_t errlen);

/* Traffic to this address counts as Runtime API traffic. family AF_INET/AF_INET6,
 * addr 4 or 16 bytes in network order, port in host order. */
int tracer_add_api_addr(struct tracer *t, int family, const void *addr, uint16_t port);

/* While armed, the next process the calling thread creates becomes a tracked
 * root from its first instruction (so a vfork-style spawn is traced from the
 * execve on). Disarm right after the spawn. */
int tracer_arm_spawn(struct tracer *t, bool on);

/* Processes still tracked for root (alive as far as the kernel has reported).
 * Fills up to max pids; returns how many there are. */
size_t tracer_tree(struct tracer *t, pid_t root, pid_t *pids, size_t max);

/* --breakdown: the tracer's program time on the events of root's processes still tracked
 * (those that exited reported theirs in their EXIT event). */
uint64_t tracer_tree_bpf_ns(struct tracer *t, pid_t root);

/* Forget every trace of root: tracked processes and their API sockets. */
void tracer_forget(struct tracer *t, pid_t root);

/* --breakdown: report when a root first runs the instruction at file offset file_off of
 * path (its ELF entry point; the uprobe fires for every process that runs path, the BPF
 * side keeps tracked roots only). 0 or -errno. */
int tracer_attach_entry(struct tracer *t, const char *path, uint64_t file_off);

/* --breakdown: find where bootstrap's own code starts (its ELF entry point; for a #!
 * script, its interpreter's) and attach the entry probe there. Writes what is probed,
 * or why nothing is ("not measured: ..."), to desc. 0 when attached, else -1. */
int tracer_probe_entry(struct tracer *t, const char *bootstrap, char *desc, size_t len);

int tracer_fd(const struct tracer *t);		/* pollable: readable when events wait */
int tracer_poll(struct tracer *t, int timeout_ms);	/* >=0 events handled, or -errno */
int tracer_drain(struct tracer *t);		/* handle everything queued now */

struct tracer_counters {
	uint64_t events, dropped, capture_faults, track_full;
};
void tracer_counters(const struct tracer *t, struct tracer_counters *c);

void tracer_close(struct tracer *t);		/* accepts NULL */

/* The reduced copy of the running kernel's types that tracer_open hands libbpf for CO-RE,
 * in a memfd whose /proc/self/fd path is written to path: its descriptor, or -1 when it
 * cannot be built. For tools/bench/core_check.c, which checks it relocates as the whole. */
int tracer_core_btf(char *path, size_t len);

/* The BPF side's table of what it does with each system call of this architecture
 * (enum prof_sys_kind by syscall number, PROF_SYS_KINDS entries); for the same tools. */
void tracer_sys_kinds(__u8 *kinds);
#endif
