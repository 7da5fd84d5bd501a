/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The system calls of the tracked threads (raw_syscalls sys_enter/sys_exit), a part of
 * profiler.bpf.c: Runtime API connects, reads, writes and closes, execs, io_uring, and
 * under --breakdown every syscall of the tree.
 */
#ifndef SYSCALLS_BPF_H
#define SYSCALLS_BPF_H

/* The syscall's arguments, from the task's user registers (bpf_task_pt_regs: a typed
 * pointer, so direct loads on x86; elsewhere through the architecture's CO-RE read). */
#if defined(__TARGET_ARCH_x86)
#define SYS_ARG1(r) PT_REGS_PARM1_SYSCALL(r)
#define SYS_ARG2(r) PT_REGS_PARM2_SYSCALL(r)
#define SYS_ARG3(r) PT_REGS_PARM3_SYSCALL(r)
#else
#define SYS_ARG1(r) PT_REGS_PARM1_CORE_SYSCALL(r)
#define SYS_ARG2(r) PT_REGS_PARM2_CORE_SYSCALL(r)
#define SYS_ARG3(r) PT_REGS_PARM3_CORE_SYSCALL(r)
#endif

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

/* The connection of a Runtime API socket (0: fd is not one), remembered by the thread
 * until api_fds changes. */
static __always_inline __u32 api_conn(struct prof_task *ts, __u32 tgid, long fd)
{
	struct prof_fd_key k = { .tgid = tgid, .fd = (__s32)fd };
	__u32 gen = api_gen + 1, *conn;	/* read before the lookup: a change after it moves it */

	if (ts->api_gen_seen == gen && ts->api_fd == (__s32)fd)
		return ts->api_conn;
	conn = bpf_map_lookup_elem(&api_fds, &k);
	ts->api_fd = (__s32)fd;
	ts->api_conn = conn ? *conn : 0;
	ts->api_gen_seen = gen;
	return ts->api_conn;
}

/* api_fds changed: what threads remember of it no longer holds */
static __always_inline void api_fds_changed(void)
{
	__sync_fetch_and_add(&api_gen, 1);
}

/* The syscall in flight, for its exit. now: the program's start time when it has one
 * (--breakdown), else 0. --breakdown's sample at entry is taken by sys_enter. */
static __always_inline void stash(__u64 now, struct prof_task *ts, __u32 kind, long fd,
				  __u32 conn, __u64 buf, __u64 len, __u32 flags, long nr)
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
	ts->busy = 1;
}

static __always_inline __u32 sys_kind(long id)
{
	return (unsigned long)id < PROF_SYS_KINDS ? sys_kinds[id] : PROF_SYS_OTHER;
}

/* the inflight kind of a read or a write (PROF_SYS_READ .. PROF_SYS_SENDMSG) */
static __always_inline __u32 rw_inflight(__u32 sk)
{
	if (sk == PROF_SYS_READ)
		return K_READ;
	if (sk == PROF_SYS_WRITE)
		return K_WRITE;
	return sk == PROF_SYS_WRITEV ? K_WRITEV : K_SENDMSG;
}

/* A syscall entry of a thread of a tracked process (ts: its task storage; sk: the
 * syscall's kind). */
static __always_inline int handle_enter(struct task_struct *task, __u32 sk, long id,
					struct prof_task *ts, struct prof_track **tp, __u64 now)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	__u64 pid_tgid = task_pid_tgid(task);
	__u32 tgid = pid_tgid >> 32;
	bool rw = sk >= PROF_SYS_READ && sk <= PROF_SYS_SENDMSG;
	struct prof_track *t = NULL;
	__u32 conn, *c;
	long fd;

	/*
	 * The process's record is looked up where it is needed at entry: for the RSS
	 * sample, --breakdown's cost, and the calls whose events are sent here. A read
	 * or a write needs it only at its exit, which looks it up anyway (and drops a
	 * thread whose process is no longer tracked): one hash lookup per call, not two.
	 */
	if (sample_rss_on_syscalls || breakdown || !rw) {
		t = bpf_map_lookup_elem(&tracked, &tgid);
		if (!t)
			return 0;
		*tp = t;
		if (sample_rss_on_syscalls)
			sample_rss(task, t);
	}

	if (rw) {
		fd = SYS_ARG1(regs);
		conn = api_conn(ts, tgid, fd);
		if (conn)
			stash(now, ts, rw_inflight(sk), fd, conn, SYS_ARG2(regs), SYS_ARG3(regs), 0, id);
		else if (breakdown)
			stash(now, ts, K_NONE, fd, 0, 0, 0, 0, id);
		return 0;
	}
	if (!t)
		return 0;
	if (sk == PROF_SYS_EXECVE || sk == PROF_SYS_EXECVEAT) {
		const char *fname = (const char *)(sk == PROF_SYS_EXECVE ? SYS_ARG1(regs) : SYS_ARG2(regs));
		struct prof_rec *r = rec_current(PROF_REC_DATA_SZ, PROF_EV_EXEC_ENTER, t->root,
						 pid_tgid, task);
		long n;

		if (r) {
			if (now)	/* the same instant as the syscall's entry below */
				r->ts_ns = now;
			n = bpf_probe_read_user_str(rec_tail(r), PROF_CAPTURE_LEN, fname);
			if (n < 0) {
				r->flags |= PROF_F_CAPTURE_FAULT;
				count(PROF_CNT_CAPTURE_FAULTS);
			} else {
				r->cap_len = n;
			}
			rec_submit_rare(r);
		}
		stash(now, ts, K_EXEC, -1, 0, 0, 0, 0, id);
		return 0;
	}
	if (sk == PROF_SYS_CONNECT) {
		__u64 addr = SYS_ARG2(regs), alen = SYS_ARG3(regs);
		__u32 v6 = 0;

		fd = SYS_ARG1(regs);
		if (is_api_addr((const void *)addr, (int)alen, &v6))
			stash(now, ts, K_CONNECT, fd, 0, addr, alen, v6 ? PROF_F_IPV6 : 0, id);
		else if (breakdown)
			stash(now, ts, K_NONE, fd, 0, 0, 0, 0, id);
		return 0;
	}
	if (sk == PROF_SYS_CLOSE) {
		struct prof_fd_key k = { .tgid = tgid };
		struct prof_rec *r;

		k.fd = (__s32)SYS_ARG1(regs);
		if (breakdown)
			stash(now, ts, K_NONE, k.fd, 0, 0, 0, 0, id);
		c = bpf_map_lookup_elem(&api_fds, &k);
		if (!c)
			return 0;
		r = rec_current(PROF_REC_SZ, PROF_EV_CLOSE, t->root, pid_tgid, task);
		if (r) {
			r->fd = k.fd;
			r->conn_id = *c;
			rec_submit_rare(r);
		}
		bpf_map_delete_elem(&api_fds, &k);
		api_fds_changed();
		return 0;
	}
	if (sk == PROF_SYS_IO_URING && !t->io_uring_seen) {
		struct prof_rec *r;

		t->io_uring_seen = 1;
		r = rec_current(PROF_REC_SZ, PROF_EV_IO_URING, t->root, pid_tgid, task);
		if (r)
			rec_submit_rare(r);
	}
	if (breakdown)
		stash(now, ts, K_NONE, -1, 0, 0, 0, 0, id);
	return 0;
}

/* A thread created by a tracked process, at its first system call (see pending). */
static __always_inline void adopt_pending(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (take_pending((__u32)task->pid))
		mark_task(task);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	struct prof_track *t = NULL;
	struct task_struct *task;
	struct prof_task *ts;
	__u32 sk;
	__u64 t0;

	if (npending)
		adopt_pending();
	/*
	 * The raw_syscalls tracepoints run for every system call of every task on the
	 * host, and most of them (the traced tree's too) are none the default mode acts
	 * on: those return here, after one table load, with no helper call and no map
	 * lookup. --breakdown and the per-syscall RSS sampling (before 6.16) need every
	 * call of the tree.
	 */
	sk = sys_kind(id);
	if (!breakdown && !sample_rss_on_syscalls && sk == PROF_SYS_OTHER)
		return 0;
	if (trace_mode && (sk == PROF_SYS_EXECVE || sk == PROF_SYS_EXECVEAT)) {
		__u64 pid_tgid = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();

		bpf_map_update_elem(&exec_start, &pid_tgid, &now, BPF_ANY);
	}
	task = bpf_get_current_task_btf();
	ts = bpf_task_storage_get(&tasks, task, 0, 0);
	if (!ts)
		return 0;	/* not a thread of a tracked process */
	t0 = cost_start();
	/* taken here, once: each load of a pointer field (task->mm) costs the verifier a
	 * search of the kernel's BTF, on each path that reaches it */
	if (breakdown)
		take_sample(task, &ts->f.at_entry);
	handle_enter(task, sk, id, ts, &t, t0);
	cost_charge(t, t0);
	return 0;
}

/* Capture up to PROF_CAPTURE_LEN bytes of what a write-type syscall sent. */
static __always_inline void capture(struct prof_rec *r, struct prof_inflight *f, long ret)
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
	if (bpf_probe_read_user(rec_tail(r), n, (void *)base))
		goto fault;
	r->cap_len = n;
	return;
fault:
	r->flags |= PROF_F_CAPTURE_FAULT;
	count(PROF_CNT_CAPTURE_FAULTS);
}

/* The WRITE (with the bytes sent) and CONNECT records, which carry data. */
static __always_inline void send_data_event(struct task_struct *task, __u32 type, __u32 root,
					    __u64 pid_tgid, struct prof_inflight *f, long ret)
{
	struct prof_rec *r;

	if (type == PROF_EV_WRITE)
		r = rec_current(PROF_REC_DATA_SZ, type, root, pid_tgid, task);
	else
		r = rec_current(PROF_REC_CONNECT_SZ, type, root, pid_tgid, task);
	if (!r)
		return;
	r->end_ns = r->ts_ns;
	r->ts_ns = f->ts;
	r->ret = ret;
	r->fd = f->fd;
	r->conn_id = f->conn;
	r->flags = f->flags;
	r->arg = f->len;
	if (type == PROF_EV_WRITE && ret > 0)
		capture(r, f, ret);
	if (type == PROF_EV_CONNECT && f->buf) {
		/* the destination, so userspace can tell which connection is the API's */
		__u32 n = f->len > 28 ? 28 : (__u32)f->len;

		if (bpf_probe_read_user(rec_tail(r), n & 31, (void *)f->buf) == 0)
			r->cap_len = n & 31;
	}
	rec_submit(r, false);
}

/* A syscall exit of a thread with a syscall in flight (ts: its task storage). */
static __always_inline int handle_exit(struct task_struct *task, long ret, struct prof_task *ts,
				       struct prof_track **tp)
{
	__u64 pid_tgid = task_pid_tgid(task);
	__u32 tgid = pid_tgid >> 32;
	struct prof_inflight *f;
	struct prof_track *t;
	struct prof_rec *r;
	__u32 type;

	__u32 gen = forget_gen + 1, root;

	f = &ts->f;
	ts->busy = 0;
	/* the process's record, unless the thread remembers its root from a lookup made
	 * since the last forget (--breakdown charges its cost to the record) */
	if (breakdown || ts->root_gen != gen) {
		t = bpf_map_lookup_elem(&tracked, &tgid);
		if (!t) {
			/* its process is no longer followed (forgotten, or the map was full):
			 * its threads stop at the first filter from now on */
			bpf_task_storage_delete(&tasks, task);
			return 0;
		}
		if (breakdown)	/* for cost_charge; else the two ways here verify as one */
			*tp = t;
		ts->root = t->root;
		ts->root_gen = gen;
	}
	root = ts->root;
	if (breakdown) {
		r = rec_current(PROF_REC_SYSCALL_SZ, PROF_EV_SYSCALL, root, pid_tgid, task);
		if (r) {
			struct prof_sample *s = rec_tail(r);

			r->end_ns = r->ts_ns;
			r->ts_ns = f->ts;
			r->ret = ret;
			r->arg = (__u64)f->nr;
			r->fd = f->fd;
			take_sample(task, &s[0]);
			s[1] = f->at_entry;
			rec_submit(r, false);
		}
	}
	switch (f->kind) {
	case K_NONE:
		return 0;
	case K_EXEC:
		/* a successful exec is reported by sched_process_exec */
		if (ret >= 0)
			return 0;
		type = PROF_EV_EXEC_FAIL;
		break;
	case K_CONNECT:
		if (ret == 0 || ret == -EINPROGRESS) {
			struct prof_fd_key k = { .tgid = tgid, .fd = f->fd };

			f->conn = __sync_fetch_and_add(&conn_seq, 1) + 1;
			bpf_map_update_elem(&api_fds, &k, &f->conn, BPF_ANY);
			api_fds_changed();
		}
		send_data_event(task, PROF_EV_CONNECT, root, pid_tgid, f, ret);
		return 0;
	case K_READ:
		type = PROF_EV_READ;
		break;
	default:
		send_data_event(task, PROF_EV_WRITE, root, pid_tgid, f, ret);
		return 0;
	}
	r = rec_current(PROF_REC_SZ, type, root, pid_tgid, task);
	if (!r)
		return 0;
	r->end_ns = r->ts_ns;
	r->ts_ns = f->ts;
	r->ret = ret;
	r->fd = f->fd;
	r->conn_id = f->conn;
	r->flags = f->flags;
	r->arg = f->len;
	rec_submit(r, false);
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct prof_track *t = NULL;
	struct prof_task *ts;
	__u64 t0;

	/* only a followed call's entry (or any, under --breakdown) left a syscall in flight:
	 * the task storage lookup is the filter, as cheap as reading the syscall number
	 * would be from here */
	ts = bpf_task_storage_get(&tasks, task, 0, 0);
	if (!ts || !ts->busy)
		return 0;
	t0 = cost_start();
	handle_exit(task, ret, ts, &t);
	cost_charge(t, t0);
	return 0;
}

#endif
