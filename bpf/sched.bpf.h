/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --breakdown: the scheduler's view of the tree's threads, and the bootstrap's entry
 * point; a part of profiler.bpf.c. Userspace loads these programs only in that mode:
 * sched_switch runs at every context switch of the host.
 */
#ifndef SCHED_BPF_H
#define SCHED_BPF_H

/* A record about task, which need not be the current one: its fields are read with
 * BPF_CORE_READ (a raw_tp argument is not a typed pointer). */
static __always_inline struct prof_rec *sched_event(__u64 size, __u32 type, struct task_struct *task,
						    struct prof_track **tp)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct prof_track *t = bpf_map_lookup_elem(&tracked, &tgid);
	struct prof_rec *r;

	*tp = t;
	if (!t)
		return NULL;
	r = rec_reserve(size, type, t->root, ((__u64)tgid << 32) | (__u32)BPF_CORE_READ(task, pid));
	if (r)
		bpf_core_read(r->comm, sizeof(r->comm), &task->comm);
	return r;
}

SEC("raw_tp/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	/* prev is the current task: the typed pointer for its sample */
	struct task_struct *cur = bpf_get_current_task_btf();
	__u64 t0 = cost_start();
	struct prof_track *t;
	struct prof_rec *r;

	r = sched_event(PROF_REC_SAMPLE_SZ, PROF_EV_SWITCH_OUT, prev, &t);
	if (r) {
		/* preempted, or yielded still runnable: waiting for a CPU; else it sleeps */
		r->arg = preempt || task_state(cur) == 0;
		take_sample(cur, rec_tail(r));
		rec_submit(r, false);
	}
	cost_charge(t, t0);
	t0 = cost_start();
	r = sched_event(PROF_REC_SZ, PROF_EV_SWITCH_IN, next, &t);
	if (r)
		rec_submit(r, false);
	cost_charge(t, t0);
	return 0;
}

/* a new task's first wake-up (sched_wakeup_new) is reported as any other */
static __always_inline void wakeup(struct task_struct *p)
{
	__u64 t0 = cost_start();
	struct prof_track *t;
	struct prof_rec *r = sched_event(PROF_REC_SZ, PROF_EV_WAKEUP, p, &t);

	if (r)
		rec_submit(r, false);
	cost_charge(t, t0);
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	wakeup(p);
	return 0;
}

SEC("raw_tp/sched_wakeup_new")
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
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 t0 = cost_start();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct prof_track *t = bpf_map_lookup_elem(&tracked, &tgid);
	struct prof_rec *r;

	if (!t || t->root != tgid || t->entry_seen)
		return 0;
	t->entry_seen = 1;
	r = rec_current(PROF_REC_SAMPLE_SZ, PROF_EV_ENTRY, t->root, pid_tgid, task);
	if (r) {
		take_sample(task, rec_tail(r));
		rec_submit(r, false);
	}
	cost_charge(t, t0);
	return 0;
}

#endif
