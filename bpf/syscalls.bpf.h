/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The system calls of the tracked threads (raw_syscalls sys_enter/sys_exit), a part of
 * profiler.bpf.c: Runtime API connects, reads, writes and closes, execs, io_uring, and
 * under --breakdown every syscall of the tree.
 */
#ifndef SYSCALLS_BPF_H
#define SYSCALLS_BPF_H

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

#endif
