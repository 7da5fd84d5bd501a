/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The processes of the trees (sched_process_fork, _exec, _exit), a part of
 * profiler.bpf.c. Each tracepoint runs in the task it is about (the forking parent,
 * the exec'ing and the exiting task), so bpf_get_current_task_btf() is that task.
 */
#ifndef PROCESS_BPF_H
#define PROCESS_BPF_H

SEC("raw_tp/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 ptgid = pid_tgid >> 32;	/* the parent is the current task */
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	__u32 cpid = BPF_CORE_READ(child, pid);
	struct prof_rec_fork *fk;
	struct prof_track *t;
	struct prof_rec *r;

	t = bpf_map_lookup_elem(&tracked, &ptgid);
	if (!t) {
		/* the runner's own clone of a new root: track it from its first instruction */
		if (spawner && spawner == pid_tgid && ctgid != ptgid) {
			struct prof_track nt = { .root = ctgid };

			if (bpf_map_update_elem(&tracked, &ctgid, &nt, BPF_ANY))
				count(PROF_CNT_TRACK_FULL);
			else
				note_pending(cpid);
		}
		if (trace_mode && ctgid != ptgid && bpf_map_lookup_elem(&watch, &ptgid)) {
			__u8 one = 1;

			bpf_map_update_elem(&watch, &ctgid, &one, BPF_ANY);
		}
		return 0;
	}
	if (ctgid != ptgid) {
		struct prof_track nt = { .root = t->root, .rss_max_pages = t->rss_max_pages };

		if (bpf_map_update_elem(&tracked, &ctgid, &nt, BPF_NOEXIST) &&
		    bpf_map_lookup_elem(&tracked, &ctgid) == NULL)
			count(PROF_CNT_TRACK_FULL);
	}
	note_pending(cpid);	/* a thread or a process of the tree */
	r = rec_current(PROF_REC_FORK_SZ, PROF_EV_FORK, t->root, pid_tgid, bpf_get_current_task_btf());
	if (!r)
		return 0;
	fk = rec_tail(r);
	fk->ppid = ptgid;
	fk->pad = 0;
	r->arg = ctgid != ptgid ? ctgid : cpid;
	if (ctgid == ptgid)
		r->flags |= PROF_F_THREAD;
	rec_submit_rare(r);
	return 0;
}

static __always_inline bool selected(struct task_struct *task, struct linux_binprm *bprm, __u32 tgid)
{
	if (sel_comm[0]) {
		char comm[16];

		__builtin_memcpy(comm, task->comm, sizeof(comm));
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

/* the executable's path, as exec saw it */
static __always_inline void rec_filename(struct prof_rec *r, struct linux_binprm *bprm)
{
	long n = bpf_probe_read_kernel_str(rec_tail(r), PROF_CAPTURE_LEN, BPF_CORE_READ(bprm, filename));

	r->cap_len = n > 0 ? n : 0;
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(sched_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct prof_track *t;
	struct prof_rec *r;

	t = bpf_map_lookup_elem(&tracked, &tgid);
	if (!t && trace_mode && selected(task, bprm, tgid)) {
		struct prof_track nt = { .root = tgid };
		__u64 *st = bpf_map_lookup_elem(&exec_start, &pid_tgid);

		if (bpf_map_update_elem(&tracked, &tgid, &nt, BPF_NOEXIST)) {
			count(PROF_CNT_TRACK_FULL);
			return 0;
		}
		t = bpf_map_lookup_elem(&tracked, &tgid);
		if (!t)
			return 0;
		mark_task(task);
		r = rec_current(PROF_REC_DATA_SZ, PROF_EV_EXEC_ENTER, tgid, pid_tgid, task);
		if (r) {
			/* its execve entry, recorded before we knew it was one of ours */
			if (st)
				r->ts_ns = *st;
			else
				r->flags |= PROF_F_CAPTURE_FAULT;
			rec_filename(r, bprm);
			rec_submit_rare(r);
		}
		bpf_map_delete_elem(&watch, &tgid);
	}
	if (!t)
		return 0;
	/* a new image: what was resident before the exec was not its memory */
	t->rss_max_pages = 0;
	r = rec_current(PROF_REC_DATA_SZ, PROF_EV_EXEC_DONE, t->root, pid_tgid, task);
	if (!r)
		return 0;
	rec_filename(r, bprm);
	r->arg = (__u32)old_pid;
	rec_submit_rare(r);
	return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(sched_process_exit, struct task_struct *p)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct prof_rec_exit *x;
	struct mm_struct *mm;
	struct prof_track *t;
	struct prof_rec *r;
	__u64 peak;

	if (npending)	/* a thread that exits before its first system call */
		take_pending((__u32)pid_tgid);
	t = bpf_map_lookup_elem(&tracked, &tgid);
	if (!t)
		return 0;
	if (breakdown) {
		r = rec_current(PROF_REC_SAMPLE_SZ, PROF_EV_THREAD_EXIT, t->root, pid_tgid, task);
		if (r) {
			take_sample(task, rec_tail(r));
			rec_submit_rare(r);
		}
	}
	__sync_fetch_and_add(&t->min_flt, task->min_flt);
	__sync_fetch_and_add(&t->maj_flt, task->maj_flt);
	if (bpf_core_field_exists(task->ioac))	/* CONFIG_TASK_IO_ACCOUNTING */
		__sync_fetch_and_add(&t->read_bytes, task->ioac.read_bytes);
	/* signal->live has been decremented before this tracepoint: 0 = last thread */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;

	r = rec_current(PROF_REC_EXIT_SZ, PROF_EV_EXIT, t->root, pid_tgid, task);
	if (r) {
		x = rec_tail(r);
		peak = t->rss_max_pages;
		/* since 6.16 the mm is still attached here; before, it is NULL */
		mm = task_mm(task);
		if (mm) {
			__u64 hw = BPF_CORE_READ(mm, hiwater_rss), cur = mm_rss_pages(mm);

			if (hw > peak)
				peak = hw;
			if (cur > peak)
				peak = cur;
			r->flags |= PROF_F_RSS_FROM_MM;
		}
		x->rss_peak_kb = peak * page_kb;
		x->min_flt = t->min_flt;
		x->maj_flt = t->maj_flt;
		x->read_bytes = t->read_bytes;
		x->bpf_ns = t->bpf_ns;
		x->threads = BPF_CORE_READ(task, signal, nr_threads);
		x->pad = 0;
		r->arg = (__u32)BPF_CORE_READ(task, exit_code);
		/* the tree's processes ending: the consumer has work at once */
		rec_submit(r, true);
	}
	bpf_map_delete_elem(&tracked, &tgid);
	return 0;
}

#endif
