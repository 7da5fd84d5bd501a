// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* profiler benchmark: the run loop. N cold starts of each configuration, each a fresh
 * bootstrap process tree against the emulator, traced, ended, measured and classified. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <limits.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "chrome_trace.h"
#include "cmd.h"
#include "extensions.h"
#include "interrupt.h"
#include "output.h"
#include "rapi.h"
#include "textout.h"
#include "tracer.h"
#include "util.h"

#define KILL_WAIT_NS (5ull * 1000000000ull)

_Static_assert(sizeof(((struct spawn_opts *)0)->cg_fds) == CG_JOIN_FDS * sizeof(int),
	       "a spawn joins every cgroup.procs file cg_join_fds opens");

/* --- the log of a cold start ------------------------------------------------- */

/* stdout/stderr of one cold start: a pipe drained into a bounded log file */
struct log_sink {
	int rfd;		/* read end, non-blocking */
	int wfd;		/* write end, handed to the bootstrap */
	int fd;			/* the log file */
	uint64_t bytes, dropped, limit;
};

/*
 * The log is created in the log folder the run holds open (dfd), never through a link: the
 * folder is the profiler's and no one else can write in it (cmd_benchmark.c checks), and a
 * file of that name left by an earlier run (a link included: the link itself, not what it
 * points to) is removed first, so O_EXCL creates a new file of our own.
 */
static int sink_open(struct log_sink *s, int dfd, const char *name, const char *path,
		     uint64_t limit, char *err, size_t errlen)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int p[2];

	memset(s, 0, sizeof(*s));
	s->rfd = s->wfd = s->fd = -1;
	s->limit = limit;
	s->fd = openat(dfd, name, flags, 0600);
	if (s->fd < 0 && errno == EEXIST) {
		if (unlinkat(dfd, name, 0)) {
			snprintf(err, errlen, "cannot replace the log %s: %s", path, strerror(errno));
			return -1;
		}
		s->fd = openat(dfd, name, flags, 0600);
	}
	if (s->fd < 0 || pipe2(p, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot create the log %s: %s", path, strerror(errno));
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		return -1;
	}
	s->rfd = p[0];
	s->wfd = p[1];
	fcntl(s->rfd, F_SETFL, O_NONBLOCK);
	/* room for bursts between two drains, so a chatty bootstrap rarely blocks */
	fcntl(s->rfd, F_SETPIPE_SZ, 1 << 20);
	return 0;
}

/* Move what the tree wrote into the log; returns 1 at EOF (every writer gone). */
static int sink_drain(struct log_sink *s)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(s->rfd, buf, sizeof(buf));

		if (n < 0)
			return errno == EINTR ? 0 : (errno == EAGAIN ? 0 : 1);
		if (n == 0)
			return 1;
		s->bytes += (uint64_t)n;
		if (s->bytes - (uint64_t)n < s->limit) {
			uint64_t room = s->limit - (s->bytes - (uint64_t)n);
			size_t keep = (uint64_t)n < room ? (size_t)n : (size_t)room;

			if (write(s->fd, buf, keep) != (ssize_t)keep)
				s->dropped += keep;
			s->dropped += (uint64_t)n - keep;
		} else {
			s->dropped += (uint64_t)n;
		}
	}
}

static void sink_close(struct log_sink *s)
{
	if (s->rfd >= 0)
		close(s->rfd);
	if (s->wfd >= 0)
		close(s->wfd);
	if (s->fd >= 0)
		close(s->fd);
	s->rfd = s->wfd = s->fd = -1;
}

/* --- the process tree -------------------------------------------------------- */

static int arm(void *ctx, bool on)
{
	return tracer_arm_spawn(ctx, on);
}

/* Kill the whole tree of root and wait until the kernel reports every process gone. */
static void end_tree(struct tracer *t, const struct cg *cg, pid_t root, bool *root_reaped, int *status)
{
	uint64_t deadline = mono_ns() + KILL_WAIT_NS;
	pid_t pids[512];
	size_t n, i;
	int left;

	for (;;) {
		kill(-root, SIGKILL);
		if (!*root_reaped)
			kill(root, SIGKILL);
		n = tracer_tree(t, root, pids, 512);
		for (i = 0; i < n && i < 512; i++)
			kill(pids[i], SIGKILL);
		/* orphans (daemons) re-parent to us, the subreaper: the net without BPF */
		left = runner_kill_children() + cg_kill_all(cg);
		if (!*root_reaped && runner_reap(root, status))
			*root_reaped = true;
		else
			runner_reap(root, status);
		tracer_poll(t, 10);
		if (*root_reaped && tracer_tree(t, root, pids, 0) == 0 && !left)
			break;
		if (mono_ns() > deadline) {
			if (!*root_reaped && waitpid(root, status, WNOHANG) == root)
				*root_reaped = true;
			break;
		}
	}
	tracer_drain(t);
}

/* Send sig to the whole tree: its process group, what the tracer follows, its cgroup. */
static void signal_tree(struct tracer *t, pid_t root, int sig)
{
	pid_t pids[512];
	size_t n, i;

	kill(-root, sig);
	n = tracer_tree(t, root, pids, 512);
	for (i = 0; i < n && i < 512; i++)
		kill(pids[i], sig);
}

/* --- one cold start ---------------------------------------------------------- */

/* One cold start in progress: what run_one's steps hand each other. */
struct cold_run {
	struct invocation *inv;
	struct log_sink log;
	struct cg cg;
	struct spawned sp;
	struct rapi_status st;		/* the emulator's status once the wait is over */
	struct tracer_counters before, after;
	bool reaped;			/* the root was waited for: status is its end */
	int status;
	int stop_sig;			/* CS_WAIT_INTERRUPTED: the signal */
	char err[256];			/* why it could not start */
	struct ext_run ext;		/* its extensions */
};

static bool answered(const struct rapi_status *st)
{
	return st->state == RAPI_RESPONDED || st->state == RAPI_ERRORED ||
	       st->state == RAPI_INIT_ERRORED;
}

/* One turn of the waits: sleep until something happens (20 ms at most), then move the
 * log, the events and the emulator's status along. */
static void wait_step(const struct bench_env *env, struct log_sink *log, struct rapi_status *st)
{
	struct pollfd pfd[3] = {
		{ .fd = tracer_fd(env->t), .events = POLLIN },
		{ .fd = rapi_notify_fd(env->api), .events = POLLIN },
		{ .fd = log->rfd, .events = POLLIN },
	};

	poll(pfd, 3, 20);
	sink_drain(log);
	tracer_poll(env->t, 0);
	rapi_status(env->api, st);
}

/* Wait until the emulator has the answer of the armed invocation, the root dies, the
 * deadline passes or the run is interrupted, draining the log and the ring meanwhile. */
static void wait_answer(const struct bench_env *env, struct cold_run *run, uint64_t deadline,
			struct rapi_status *st)
{
	for (;;) {
		wait_step(env, &run->log, st);
		if (answered(st))
			return;
		if (runner_reap(run->sp.pid, &run->status)) {
			run->reaped = true;
			return;
		}
		if (interrupt_signal() || mono_ns() > deadline)
			return;
	}
}

/* The invocation is over once every extension registered for INVOKE called next again
 * (Lambda's post-runtime phase): wait for that, within the invocation timeout. */
static void wait_extensions_of(const struct bench_env *env, struct cold_run *run,
			       struct rapi_status *st)
{
	uint64_t deadline = mono_ns() + (uint64_t)(env->o.timeout_s * 1e9);

	while (!ext_invocation_done(&run->ext, st) && mono_ns() < deadline &&
	       !interrupt_signal() && answered(st))
		wait_step(env, &run->log, st);
}

static void wait_extensions(const struct bench_env *env, struct cold_run *run)
{
	wait_extensions_of(env, run, &run->st);
}

/* --warm: more invocations on the process of a cold start that answered. */
static void warm_run(const struct bench_env *env, struct cold_run *run)
{
	const struct bench_opts *o = &env->o;
	struct invocation *inv = run->inv;
	unsigned k;

	inv->n_warm = o->warm;
	for (k = 0; k < o->warm; k++)
		inv->warm_handler_ms[k] = -1;
	for (k = 0; k < o->warm && !interrupt_signal() && !run->reaped; k++) {
		struct rapi_status wst;

		if (o->freeze_ms) {
			uint64_t thaw = mono_ns() + (uint64_t)o->freeze_ms * 1000000ull;

			signal_tree(env->t, run->sp.pid, SIGSTOP);
			while (mono_ns() < thaw && !interrupt_signal()) {
				poll(NULL, 0, 5);
				sink_drain(&run->log);
				tracer_poll(env->t, 0);
			}
			signal_tree(env->t, run->sp.pid, SIGCONT);
		}
		if (k) {	/* the one before is over once its extensions are done too */
			rapi_status(env->api, &wst);
			wait_extensions_of(env, run, &wst);
		}
		rapi_warm_invocation(env->api, NULL);
		wait_answer(env, run, mono_ns() + (uint64_t)(o->timeout_s * 1e9), &wst);
		if (wst.state == RAPI_RESPONDED && !env->t && wst.event_sent_ns &&
		    wst.response_received_ns > wst.event_sent_ns)
			inv->warm_handler_ms[k] = (double)(wst.response_received_ns - wst.event_sent_ns) / 1e6;
		if (wst.state != RAPI_RESPONDED) {
			out_warn("cold start %d: warm invocation %u got no response (%s); its series "
				 "ends there", inv->index, k + 1,
				 wst.state == RAPI_ERRORED ? "it posted an error" :
				 run->reaped ? "the process ended" : "timeout");
			break;
		}
	}
}

/* Its log and its cgroup; on failure run->err says why and nothing is left open. */
static int prepare(const struct bench_env *env, struct cold_run *run, const char *log_dir,
		   int log_dfd, struct spawn_opts *so)
{
	struct invocation *inv = run->inv;
	char name[32];

	snprintf(name, sizeof(name), "invocation-%d.log", inv->index);
	snprintf(inv->log_path, sizeof(inv->log_path), "%s/%s", log_dir, name);
	inv->timestamp = epoch_s();
	if (sink_open(&run->log, log_dfd, name, inv->log_path, (uint64_t)env->o.log_limit_mb << 20,
		      run->err, sizeof(run->err)))
		return -1;
	so->out_fd = run->log.wfd;
	so->cg_fds[0] = so->cg_fds[1] = so->cg_fds[2] = -1;
	if (env->limits_ok) {
		char name[64];

		snprintf(name, sizeof(name), "profiler-%d-%d", (int)getpid(), inv->index);
		if (cg_create(&env->cgh, name, env->memory_mb, &run->cg, run->err, sizeof(run->err)) ||
		    cg_join_fds(&run->cg, so->cg_fds)) {
			if (!run->err[0] || run->cg.version != CG_NONE)
				snprintf(run->err, sizeof(run->err),
					 "cannot join the cold start's cgroup: %s", strerror(errno));
			cg_destroy(&run->cg);
			sink_close(&run->log);
			return -1;
		}
	}
	return 0;
}

/* The tracer forgets the extensions' trees. */
static void forget_extensions(const struct bench_env *env, const struct cold_run *run)
{
	for (unsigned k = 0; k < run->ext.n; k++)
		if (run->ext.p[k].pid > 0)
			tracer_forget(env->t, run->ext.p[k].pid);
}

/* Arm the emulator, empty the page cache if asked and start the bootstrap; on failure
 * run->err says why and nothing is left open. */
static int start(struct bench_env *env, struct cold_run *run, struct spawn_opts *so)
{
	struct invocation *inv = run->inv;
	int rc;

	rapi_new_invocation(env->api, NULL);
	tracer_counters(env->t, &run->before);
	if (env->o.cold_cache) {
		struct cold_cache_result ccr;

		cold_cache_evict(&env->o.cc, &ccr);
		inv->evicted_files = (uint32_t)ccr.files;
		inv->evicted_pages = ccr.pages;
		inv->still_cached_pages = ccr.resident_after;
	}
	/* the extensions first, as Lambda starts them; init waits for each */
	rapi_expect_extensions(env->api, ext_start(&run->ext, &env->o.exts, so));
	rc = runner_spawn(so, &run->sp, run->err, sizeof(run->err));
	ext_close(&run->ext);		/* the runtime is in their sandbox, or not started */
	close(run->log.wfd);		/* only the tree holds the write end now */
	run->log.wfd = -1;
	for (int k = 0; k < CG_JOIN_FDS; k++)
		if (so->cg_fds[k] >= 0)
			close(so->cg_fds[k]);
	if (rc) {
		if (run->sp.pid > 0)
			tracer_forget(env->t, run->sp.pid);
		ext_kill(&run->ext);
		forget_extensions(env, run);
		sink_close(&run->log);
		cg_destroy(&run->cg);
		return -1;
	}
	inv->root_pid = (uint32_t)run->sp.pid;
	inv->spawn_ns = run->sp.spawn_ns;
	coldstart_begin(&env->cs, (uint32_t)run->sp.pid);
	return 0;
}

/* Until the emulator has the cold invocation's answer, the root exits, a limit
 * passes or the run is interrupted. */
static enum coldstart_wait wait_cold(const struct bench_env *env, struct cold_run *run)
{
	const struct bench_opts *o = &env->o;
	uint64_t init_deadline = mono_ns() + (uint64_t)(o->init_timeout_s * 1e9);
	struct rapi_status *st = &run->st;
	enum coldstart_wait w;

	for (;;) {
		uint64_t now;

		wait_step(env, &run->log, st);
		if (st->conn_limit)
			return CS_WAIT_CONN_LIMIT;
		if (ext_wait_failed(&run->ext, st, &w))
			return w;
		if (answered(st))
			return CS_WAIT_ANSWERED;
		if (!run->reaped && runner_reap(run->sp.pid, &run->status)) {
			run->reaped = true;
			/* the emulator may still be reading a response it sent before exiting */
			poll(NULL, 0, 20);
			rapi_status(env->api, st);
			return answered(st) ? CS_WAIT_ANSWERED : CS_WAIT_EXITED;
		}
		if ((run->stop_sig = interrupt_signal()))
			return CS_WAIT_INTERRUPTED;
		now = mono_ns();
		if (st->state == RAPI_WAITING && now > init_deadline)
			return CS_WAIT_INIT_TIMEOUT;
		if (st->state == RAPI_EVENT_SENT && st->event_sent_ns &&
		    now > st->event_sent_ns + (uint64_t)(o->timeout_s * 1e9))
			return CS_WAIT_TIMEOUT;
	}
}

/* Between a cold start's end and its extensions' exits: keep the log and the ring moving. */
static void shutdown_idle(void *ctx)
{
	struct cold_run *run = ctx;

	poll(NULL, 0, 1);
	sink_drain(&run->log);
}

/* After the cold invocation: its emulator readings, the warm ones, and (without BPF)
 * what /proc says of the root while it still lives. */
static void after_answer(const struct bench_env *env, struct cold_run *run)
{
	struct invocation *inv = run->inv;

	rapi_status(env->api, &run->st);
	wait_extensions(env, run);
	inv->killed_by_profiler = !run->reaped;
	inv->api_next_received_ns = run->st.next_received_ns;
	inv->api_event_sent_ns = run->st.event_sent_ns;
	inv->api_response_received_ns = run->st.response_received_ns;
	if (env->o.warm && run->st.state == RAPI_RESPONDED && !run->reaped && !interrupt_signal())
		warm_run(env, run);
	if (!env->t && !run->reaped) {
		uint64_t hwm = 0;

		if (runner_proc_sample(run->sp.pid, &hwm, &inv->min_flt, &inv->maj_flt) == 0)
			inv->memory_kb = inv->root_memory_kb = hwm;
	}
}

/* End the tree and collect the rest of its log. */
static void end_run(const struct bench_env *env, struct cold_run *run)
{
	if (run->ext.n) {
		struct rapi_status now;

		ext_shutdown(&run->ext, env->api, shutdown_idle, run);
		/* the extensions' part only: the rest stays the cold invocation's */
		rapi_status(env->api, &now);
		memcpy(run->st.ext, now.ext, sizeof(now.ext));
		run->st.n_ext = now.n_ext;
		run->st.shutdown_sent = now.shutdown_sent;
	}
	end_tree(env->t, &run->cg, run->sp.pid, &run->reaped, &run->status);
	tracer_counters(env->t, &run->after);
	/* every writer is dead: what is left in the pipe ends with EOF */
	while (!sink_drain(&run->log))
		poll(NULL, 0, 1);
	run->inv->log_bytes = run->log.bytes;
	run->inv->log_dropped = run->log.dropped;
	sink_close(&run->log);
}

/* Build the record from the events (or the emulator's clock), classify it, export it. */
static void conclude(struct bench_env *env, struct cold_run *run, enum coldstart_wait wait,
		     const char *exec_error)
{
	const struct bench_opts *o = &env->o;
	const struct coldstart_build_opts bo = { .traced = env->t != NULL, .breakdown = o->breakdown };
	struct invocation *inv = run->inv;
	struct coldstart_facts f = {
		.spawn_error = exec_error, .api = &run->st, .wait = wait,
		.stop_signal = run->stop_sig, .init_timeout_s = o->init_timeout_s,
		.timeout_s = o->timeout_s, .traced = env->t != NULL, .collect_oom = env->cs.oom,
		.memory_mb = env->memory_mb,
		.extension_failure = run->ext.failure[0] ? run->ext.failure :
				     run->ext.pending[0] ? run->ext.pending : NULL,
		.extension_error_type = run->ext.failure_type,
	};

	f.build_failed = coldstart_build(&env->cs, &bo, inv) != 0;
	api_facts_fill(inv, &run->st);
	ext_conclude(&run->ext, &run->st, inv);
	if (env->t && o->breakdown) {
		/* every process of the tree reports its programs' time when it exits; the tree
		 * is gone by now, the root last */
		inv->bd.bpf_tree_measured = inv->k.root_exit != 0;
		inv->bd.bpf_tree_ns = inv->bpf_tree_ns;
	}
	if (run->reaped) {
		/* waitpid is the authority on how the root ended */
		inv->exit_code = WIFEXITED(run->status) ? WEXITSTATUS(run->status) : -1;
		inv->exit_signal = WIFSIGNALED(run->status) ? WTERMSIG(run->status) : 0;
	}
	if (run->after.dropped > run->before.dropped)
		f.events_dropped = run->after.dropped - run->before.dropped;
	if (env->limits_ok) {
		f.oom_kills = cg_oom_kills(&run->cg);
		inv->pids_measured = run->cg.pids[0] != '\0';
		f.pids_max_events = inv->pids_max_events = cg_pids_max_events(&run->cg);
		f.pids_max = CG_PIDS_MAX;
	}
	coldstart_classify(&f, inv);
	inv->capture_faults = (uint32_t)(run->after.capture_faults - run->before.capture_faults);
	if (env->t && !coldstart_export(&env->cs, env->ct, inv))
		ctrace_add_extensions(env->ct, inv);
	cg_destroy(&run->cg);
	tracer_forget(env->t, run->sp.pid);
	forget_extensions(env, run);
	coldstart_end(&env->cs);
}

/* One cold start. Returns 0, or -1 when the run must stop (interrupted). */
static int run_one(struct bench_env *env, const char *fn_name, const char *log_dir, int log_dfd,
		   struct invocation *inv)
{
	struct spawn_opts so = {
		.path = env->o.bootstrap, .api = env->api_str, .function_name = fn_name,
		.memory_mb = env->memory_mb, .arm = arm, .ctx = env->t,
		.handler = fnenv_handler(&env->o.fn), .fn_env = env->fn_env,
		.nofile = env->dep.nofile, .nofile_soft_only = env->dep.nofile_soft_only,
		.sandbox = env->sandboxed ? env->sb : NULL,
		.user = env->drop ? &env->user : NULL, .netns_fd = rapi_netns_fd(env->api),
	};
	struct cold_run run = { .inv = inv };
	char exec_error[256] = "";
	enum coldstart_wait wait = CS_WAIT_ANSWERED;

	if (prepare(env, &run, log_dir, log_dfd, &so) || start(env, &run, &so)) {
		coldstart_classify(&(struct coldstart_facts){ .spawn_error = run.err }, inv);
		return 0;
	}
	if (run.sp.sandbox_failed) {
		char what[PATH_MAX + 64];

		sandbox_describe(env->sb, run.sp.sandbox_step, what, sizeof(what));
		snprintf(exec_error, sizeof(exec_error), "cannot set up the sandbox: %s: %s", what,
			 strerror(run.sp.exec_errno));
	} else if (run.sp.exec_errno) {
		snprintf(exec_error, sizeof(exec_error), "cannot execute %s: %s",
			 env->sandboxed ? env->sb->exec_path : env->o.bootstrap,
			 strerror(run.sp.exec_errno));
	}
	else
		wait = wait_cold(env, &run);
	after_answer(env, &run);
	end_run(env, &run);
	conclude(env, &run, wait, exec_error[0] ? exec_error : NULL);
	return interrupt_signal() ? -1 : 0;
}

/* --- one configuration ------------------------------------------------------- */

static void default_runtime(const char *path, char *out, size_t len)
{
	char buf[PATH_MAX], *base, *slash;

	if (!realpath(path, buf))
		strlcpy0(buf, path, sizeof(buf));
	slash = strrchr(buf, '/');
	base = slash ? slash + 1 : buf;
	if (strcmp(base, "bootstrap") || !slash || slash == buf) {
		strlcpy0(out, base, len);
		return;
	}
	*slash = '\0';
	slash = strrchr(buf, '/');
	strlcpy0(out, slash ? slash + 1 : buf, len);
}

static int fill_binary(const char *path, struct binary_info *b, char *err, size_t errlen)
{
	struct elf_facts f;

	if (elf_inspect(path, &f, err, errlen))
		return -1;
	strlcpy0(b->path, path, sizeof(b->path));
	b->size_bytes = f.size_bytes;
	b->size_kb = (f.size_bytes + 1023) / 1024;
	b->is_elf = f.is_elf;
	b->stripped = f.is_elf && f.stripped;
	return 0;
}

/* What the results say of the run besides its measurements. */
static void describe_run(const struct bench_env *env, unsigned memory_mb, const char *log_dir,
			 struct results *res)
{
	const struct bench_opts *o = &env->o;
	struct utsname u;

	if (env->limits_ok) {
		res->limits_applied = true;
		strlcpy0(res->cgroup, env->cgh.version == CG_V2 ? "v2" : "v1", sizeof(res->cgroup));
		res->vcpus = cg_lambda_vcpus(memory_mb);
		res->cpu_quota_us = cg_cfs_quota_us(memory_mb);
		res->cpu_period_us = CG_CFS_PERIOD_US;
	}
	strlcpy0(res->host_cpu, env->host_cpu, sizeof(res->host_cpu));
	res->cold_cache = o->cold_cache;
	res->breakdown = o->breakdown;
	strlcpy0(res->entry_probe, env->entry_probe, sizeof(res->entry_probe));
	res->entry_probed = env->entry_probed;
	res->warm = o->warm;
	res->freeze_ms = o->freeze_ms;
	if (o->runtime) {
		strlcpy0(res->runtime, o->runtime, sizeof(res->runtime));
	} else if (env->zip) {
		/* function.zip: "function" */
		const char *base = strrchr(env->zip, '/') ? strrchr(env->zip, '/') + 1 : env->zip;
		size_t n = strlen(base);

		if (n > 4 && !strcmp(base + n - 4, ".zip"))
			n -= 4;
		snprintf(res->runtime, sizeof(res->runtime), "%.*s", (int)n, base);
	} else {
		default_runtime(o->bootstrap, res->runtime, sizeof(res->runtime));
	}
	res->memory_mb = memory_mb;
	strlcpy0(res->arch, host_arch(), sizeof(res->arch));
	strlcpy0(res->timing_source, env->t ? "ebpf" : "userspace", sizeof(res->timing_source));
	strlcpy0(res->api_isolation, rapi_isolation(env->api), sizeof(res->api_isolation));
	if (uname(&u) == 0) {
		strlcpy0(res->host, u.nodename, sizeof(res->host));
		snprintf(res->kernel, sizeof(res->kernel), "%s %s", u.sysname, u.release);
	}
	strlcpy0(res->tool_version, PROFILER_VERSION, sizeof(res->tool_version));
	strlcpy0(res->bootstrap, env->zip ? env->zip : o->bootstrap, sizeof(res->bootstrap));
	strlcpy0(res->log_dir, log_dir, sizeof(res->log_dir));
	res->deployed = &env->dep;
	if (env->drop) {
		strlcpy0(res->run_as_user, env->user.name, sizeof(res->run_as_user));
		res->run_as_uid = env->user.uid;
	} else {
		strlcpy0(res->run_as_user, geteuid() ? "" : "root", sizeof(res->run_as_user));
		res->run_as_uid = geteuid();
	}
}

/* The folder of this configuration's logs: the run's, or in a sweep its MEMmb one inside
 * (both opened and checked before the run). Returns its fd. */
static int config_log_dir(const struct bench_env *env, unsigned memory_mb, bool sweep, char *out,
			  size_t len)
{
	if (!sweep) {
		strlcpy0(out, env->log_dir, len);
		return env->log_dfd;
	}
	snprintf(out, len, "%s/%umb", env->log_dir, memory_mb);
	for (unsigned k = 0; k < env->o.n_mems; k++)
		if (env->o.mems[k] == memory_mb)
			return env->config_log_dfd[k];
	return -1;
}

/* The cold starts, each reported as it ends, with the progress line between them. */
static void run_cold_starts(struct bench_env *env, const char *log_dir, int log_dfd,
			    struct results *res)
{
	const struct bench_opts *o = &env->o;
	double sum_total = 0;
	uint64_t start = mono_ns();
	unsigned i, n_ok = 0;

	for (i = 0; i < o->n; i++) {
		struct invocation *inv = &res->inv[i];
		int stop;

		inv->index = (int)i + 1;
		stop = run_one(env, res->runtime, log_dir, log_dfd, inv);
		res->n_inv = i + 1;
		if (inv->outcome == INV_OK) {
			sum_total += inv->total_ms;
			n_ok++;
		}
		bench_progress_clear(env);
		bench_print_invocation(env->txt, inv);
		bench_progress(env, i + 1, n_ok ? sum_total / (double)n_ok : -1,
			       (double)(mono_ns() - start) / 1e9 / (double)(i + 1));
		if (stop)
			break;
	}
	bench_progress_clear(env);
}

/* --trace-out of this configuration, then the writer is closed. */
static int write_trace(struct bench_env *env, unsigned memory_mb, bool sweep)
{
	char path[PATH_MAX];
	char *tj = ctrace_to_json(env->ct);
	int rc;

	bench_output_path(env->o.trace_out, memory_mb, host_arch(), sweep, path, sizeof(path));
	rc = tj ? write_file_atomic(path, tj, strlen(tj)) : -ENOMEM;
	free(tj);
	ctrace_free(env->ct);
	env->ct = NULL;
	if (rc) {
		out_error(EXIT_USAGE, "cannot write %s: %s", path, strerror(-rc));
		return -1;
	}
	fprintf(env->txt, "Trace saved to: %s\n", TX_SAFE(path));
	return 0;
}

/* The results JSON: kept for --json's one document, written to out_path. */
static int save_results(struct bench_env *env, const struct results *res, const char *out_path)
{
	char *json;
	int rc;

	if (!out_path && !env->o.json)
		return 0;
	json = results_to_json(res);
	if (!json) {
		out_error(EXIT_USAGE, "cannot encode the results");
		return -1;
	}
	if (env->o.json) {
		/* gathered and printed once the run is over: one document on stdout */
		char **nj = realloc(env->json, (env->n_json + 1) * sizeof(*nj));

		if (!nj) {
			free(json);
			out_error(EXIT_USAGE, "out of memory");
			return -1;
		}
		env->json = nj;
		env->json[env->n_json++] = strdup(json);
	}
	if (!out_path) {
		free(json);
		return 0;
	}
	rc = write_file_atomic(out_path, json, strlen(json));
	free(json);
	if (rc) {
		out_error(EXIT_USAGE, "cannot write %s: %s", out_path, strerror(-rc));
		return -1;
	}
	fprintf(env->txt, "\nResults saved to: %s\n", TX_SAFE(out_path));
	return 0;
}

int bench_run_config(struct bench_env *env, unsigned memory_mb, bool sweep, const char *out_path,
		     struct results *res)
{
	const struct bench_opts *o = &env->o;
	struct tracer_counters before, after;
	char log_dir[PATH_MAX + 16], err[256];
	int log_dfd;

	env->memory_mb = memory_mb;
	memset(res, 0, sizeof(*res));
	log_dfd = config_log_dir(env, memory_mb, sweep, log_dir, sizeof(log_dir));
	if (log_dfd < 0) {
		out_error(EXIT_USAGE, "no log folder for %u MB", memory_mb);
		return -1;
	}
	describe_run(env, memory_mb, log_dir, res);
	rapi_set_function(env->api, res->runtime, fnenv_handler(&o->fn));	/* register's answer */
	if (fill_binary(o->bootstrap, &res->binary, err, sizeof(err))) {
		out_error(EXIT_USAGE, "%s", err);
		return -1;
	}
	/* the unpacked copy is gone after the run: the path the runtime had in the sandbox */
	if (env->zip)
		strlcpy0(res->binary.path, env->dep.bootstrap_in, sizeof(res->binary.path));
	res->inv = calloc(o->n, sizeof(*res->inv));
	if (!res->inv) {
		out_error(EXIT_USAGE, "out of memory");
		return -1;
	}
	bench_print_config(env, res);
	if (o->trace_out && env->t && !(env->ct = ctrace_open())) {
		out_error(EXIT_USAGE, "out of memory");
		return -1;
	}
	tracer_counters(env->t, &before);
	run_cold_starts(env, log_dir, log_dfd, res);
	tracer_counters(env->t, &after);
	res->events_dropped = after.dropped - before.dropped;
	res->capture_faults = after.capture_faults - before.capture_faults;
	res->incomplete = interrupt_signal() != 0;
	results_compute_stats(res);
	bench_print_summary(env->txt, res);
	if (o->breakdown)
		bench_print_breakdown_summary(env->txt, res);
	if (env->ct) {
		if (write_trace(env, memory_mb, sweep))
			return -1;
	} else if (o->trace_out) {
		fprintf(env->txt, "Trace: not written (--trace-out needs the eBPF tracer)\n");
	}
	return save_results(env, res, out_path);
}
