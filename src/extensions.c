#include "extensions.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"

int ext_list_add(struct ext_list *l, const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if (l->n >= EXT_MAX) {
		snprintf(err, errlen, "extension %s: at most %d extensions (Lambda's limit)", path,
			 EXT_MAX);
		return -1;
	}
	if (stat(path, &sb) || !S_ISREG(sb.st_mode) || access(path, X_OK)) {
		snprintf(err, errlen, "extension %s: %s", path,
			 errno && !S_ISREG(sb.st_mode) ? strerror(errno) : "not an executable file");
		if (!stat(path, &sb) && (!S_ISREG(sb.st_mode) || access(path, X_OK)))
			snprintf(err, errlen, "extension %s: not an executable file (chmod +x?)", path);
		return -1;
	}
	if (strlen(path) >= sizeof(l->path[0])) {
		snprintf(err, errlen, "extension %s: path too long", path);
		return -1;
	}
	strlcpy0(l->path[l->n++], path, sizeof(l->path[0]));
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int ext_list_folder(struct ext_list *l, const char *dir, const char *inside, char *err,
		    size_t errlen)
{
	struct dirent **names = NULL;
	char path[PATH_MAX];
	int n, i, rc = 0;

	n = scandir(dir, &names, NULL, by_name);
	if (n < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "extensions folder %s: %s", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!rc && names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			rc = ext_list_add(l, path, err, errlen);
			if (!rc && inside)
				snprintf(l->in[l->n - 1], sizeof(l->in[0]), "%s/%s", inside,
					 names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The spawn options of extension i: in the sandbox, the first starts it, the others join it. */
static void ext_opts(const struct ext_run *er, const struct ext_list *l, unsigned i,
		     const struct spawn_opts *so, struct spawn_opts *o)
{
	*o = *so;
	o->path = l->path[i];
	if (!so->sandbox)
		return;
	o->exec_in = l->in[i][0] ? l->in[i] : NULL;
	if (er->mntns_fd >= 0) {
		o->sandbox = NULL;
		o->join_mntns = true;
		o->mntns_fd = er->mntns_fd;
	}
}

unsigned ext_start(struct ext_run *er, const struct ext_list *l, struct spawn_opts *so)
{
	unsigned started = 0;

	memset(er, 0, sizeof(*er));
	er->list = l;
	er->mntns_fd = -1;
	if (!l)
		return 0;
	for (unsigned i = 0; i < l->n; i++) {
		struct ext_proc *p = &er->p[er->n++];
		struct spawn_opts o;
		struct spawned sp;

		ext_opts(er, l, i, so, &o);
		if (runner_spawn(&o, &sp, p->spawn_err, sizeof(p->spawn_err)))
			continue;
		p->pid = sp.pid;
		p->spawn_ns = sp.spawn_ns;
		p->exec_errno = sp.exec_errno;
		if (sp.sandbox_failed)
			snprintf(p->spawn_err, sizeof(p->spawn_err), "cannot set up the sandbox for %s",
				 l->path[i]);
		else if (sp.exec_errno)
			snprintf(p->spawn_err, sizeof(p->spawn_err), "cannot execute %s: %s",
				 o.exec_in ? o.exec_in : l->path[i], strerror(sp.exec_errno));
		else
			started++;
		if (so->sandbox && er->mntns_fd < 0 && !sp.exec_errno)
			er->mntns_fd = sandbox_ns_open(sp.pid);	/* while it lives: it execs, it is in */
	}
	if (er->mntns_fd >= 0) {
		so->join_mntns = true;
		so->mntns_fd = er->mntns_fd;
	}
	return started;
}

void ext_close(struct ext_run *er)
{
	if (er->mntns_fd >= 0)
		close(er->mntns_fd);
	er->mntns_fd = -1;
}

/* The emulator's record of extension i of the list (by its registered name), or NULL. */
static const struct rapi_ext_status *registration(const struct ext_run *er,
						  const struct rapi_status *st, unsigned i)
{
	const char *name = base_name(er->list->path[i]);

	for (unsigned k = 0; k < st->n_ext && k < RAPI_MAX_EXT; k++)
		if (!strcmp(st->ext[k].name, name))
			return &st->ext[k];
	return NULL;
}

static void exit_how(int status, char *out, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(out, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(out, len, "exited with code %d", WEXITSTATUS(status));
}

/* Note the exits of the extension processes. */
static void poll_exits(struct ext_run *er)
{
	for (unsigned i = 0; i < er->n; i++) {
		struct ext_proc *p = &er->p[i];

		if (p->pid > 0 && !p->exited && runner_exited(p->pid, &p->status)) {
			p->exited = true;
			p->exited_ns = mono_ns();
		}
	}
}

bool ext_wait_failed(struct ext_run *er, const struct rapi_status *st, enum coldstart_wait *w)
{
	char how[96];

	if (!er->n)
		return false;
	poll_exits(er);
	er->pending[0] = '\0';
	for (unsigned i = 0; i < er->n; i++) {
		const struct ext_proc *p = &er->p[i];
		const struct rapi_ext_status *x = registration(er, st, i);
		const char *name = base_name(er->list->path[i]);

		if (p->pid <= 0 || p->exec_errno) {
			snprintf(er->failure, sizeof(er->failure), "extension %s could not start: %s",
				 name, p->spawn_err);
			strlcpy0(er->failure_type, "Extension.LaunchError", sizeof(er->failure_type));
			*w = CS_WAIT_EXTENSION;
			return true;
		}
		if (x && x->init_error) {
			snprintf(er->failure, sizeof(er->failure), "extension %s posted an init "
				 "error: %s", name, x->error_type);
			strlcpy0(er->failure_type, x->error_type, sizeof(er->failure_type));
			*w = CS_WAIT_EXTENSION;
			return true;
		}
		if (p->exited && !(x && x->nexts)) {
			exit_how(p->status, how, sizeof(how));
			snprintf(er->failure, sizeof(er->failure), "extension %s %s before its init "
				 "was over (%s)", name, how, x ? "registered, no event/next" :
				 "it never registered");
			strlcpy0(er->failure_type, "Extension.Crash", sizeof(er->failure_type));
			*w = CS_WAIT_EXTENSION;
			return true;
		}
		if (!er->pending[0] && p->pid > 0 && !(x && x->nexts))
			snprintf(er->pending, sizeof(er->pending), "extension %s never called "
				 "event/next%s", name, x ? "" : " (it never registered)");
	}
	return false;
}

bool ext_invocation_done(const struct ext_run *er, const struct rapi_status *st)
{
	bool any = false;

	for (unsigned k = 0; k < st->n_ext && k < RAPI_MAX_EXT; k++)
		any |= st->ext[k].invoke;
	return !er->n || !any || st->post_runtime_done_ns;
}

void ext_shutdown(struct ext_run *er, struct rapi *api, void (*idle)(void *ctx), void *ctx)
{
	uint64_t deadline;
	bool left;

	if (!er->n)
		return;
	/* their peak RSS while they live (a tree's processes are ended with SIGKILL) */
	for (unsigned i = 0; i < er->n; i++) {
		uint64_t mn, mj;

		if (er->p[i].pid > 0 && !er->p[i].exited)
			runner_proc_sample(er->p[i].pid, &er->p[i].hwm_kb, &mn, &mj);
	}
	if (rapi_shutdown_extensions(api, EXT_SHUTDOWN_MS))
		er->shutdown_ns = mono_ns();
	deadline = mono_ns() + (uint64_t)EXT_SHUTDOWN_MS * 1000000ull;
	do {
		poll_exits(er);
		left = false;
		for (unsigned i = 0; i < er->n; i++)
			left |= er->p[i].pid > 0 && !er->p[i].exited;
		if (!left || !er->shutdown_ns)
			break;
		idle(ctx);
	} while (mono_ns() < deadline);
	for (unsigned i = 0; i < er->n; i++) {
		struct ext_proc *p = &er->p[i];

		if (p->pid <= 0 || p->exited)
			continue;
		p->killed_at_shutdown = er->shutdown_ns != 0;
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
	}
	/* and their ends seen: a SIGKILL takes effect at once, but is not instantaneous */
	deadline = mono_ns() + 500000000ull;
	do {
		poll_exits(er);
		left = false;
		for (unsigned i = 0; i < er->n; i++)
			left |= er->p[i].pid > 0 && !er->p[i].exited;
		if (left)
			idle(ctx);
	} while (left && mono_ns() < deadline);
}

static double ms_between(uint64_t from, uint64_t to)
{
	return from && to >= from ? (double)(to - from) / 1e6 : -1;
}

/* One extension's record. */
static void ext_record(const struct ext_run *er, const struct rapi_status *st, unsigned i,
		       struct ext_record *r)
{
	const struct ext_proc *p = &er->p[i];
	const struct rapi_ext_status *x = registration(er, st, i);
	char how[96];

	memset(r, 0, sizeof(*r));
	strlcpy0(r->path, er->list->path[i], sizeof(r->path));
	strlcpy0(r->name, x ? x->name : base_name(r->path), sizeof(r->name));
	r->pid = p->pid > 0 ? (uint32_t)p->pid : 0;
	r->exit_code = -1;
	r->init_ms = x ? ms_between(p->spawn_ns, x->first_next_ns) : -1;
	r->shutdown_ms = -1;
	r->memory_kb = p->hwm_kb;
	r->registered = x != NULL;
	r->start_ns = p->spawn_ns;
	r->ready_ns = x ? x->first_next_ns : 0;
	r->shutdown_ns = x && x->shutdown_sent ? er->shutdown_ns : 0;
	r->end_ns = p->exited ? p->exited_ns : 0;
	r->invoke = x && x->invoke;
	r->shutdown = x && x->shutdown;
	if (x)
		strlcpy0(r->error_type, x->error_type, sizeof(r->error_type));
	if (p->exited) {
		r->exit_code = WIFEXITED(p->status) ? WEXITSTATUS(p->status) : -1;
		r->exit_signal = WIFSIGNALED(p->status) ? WTERMSIG(p->status) : 0;
		if (er->shutdown_ns && p->exited_ns > er->shutdown_ns && x && x->shutdown_sent)
			r->shutdown_ms = ms_between(er->shutdown_ns, p->exited_ns);
	}
	exit_how(p->status, how, sizeof(how));
	if (p->pid <= 0 || p->exec_errno) {
		r->outcome = EXT_SPAWN_FAILED;
		strlcpy0(r->reason, p->spawn_err, sizeof(r->reason));
	} else if (x && x->init_error) {
		r->outcome = EXT_INIT_ERROR;
		snprintf(r->reason, sizeof(r->reason), "posted init/error: %s", x->error_type);
	} else if (p->exited && !(x && x->nexts) &&
		   (!er->shutdown_ns || p->exited_ns < er->shutdown_ns)) {
		r->outcome = EXT_CRASHED;
		snprintf(r->reason, sizeof(r->reason), "%s before its init was over", how);
	} else if (!(x && x->nexts)) {
		r->outcome = EXT_NEVER_READY;
		snprintf(r->reason, sizeof(r->reason), "%s", x ? "registered but never called "
			 "event/next" : "never registered");
	} else if (x->exit_error) {
		r->outcome = EXT_EXIT_ERROR;
		snprintf(r->reason, sizeof(r->reason), "posted exit/error: %s", x->error_type);
	} else if (p->killed_at_shutdown) {
		r->outcome = EXT_KILLED_AT_SHUTDOWN;
		snprintf(r->reason, sizeof(r->reason), "still running %u ms after SHUTDOWN: killed",
			 EXT_SHUTDOWN_MS);
	}
}

void ext_conclude(const struct ext_run *er, const struct rapi_status *st, struct invocation *inv)
{
	struct api_facts *f = &inv->api;
	uint64_t origin = inv->spawn_ns, end;

	f->runtime_init_ms = f->post_runtime_ms = -1;
	if (api_facts_set_ext(f, er->n) || !er->n)
		return;		/* out of memory: the extensions are not recorded */
	for (unsigned i = 0; i < er->n; i++) {
		ext_record(er, st, i, &f->ext[i]);
		if (er->p[i].spawn_ns && er->p[i].spawn_ns < origin)
			origin = er->p[i].spawn_ns;
	}
	f->runtime_init_ms = ms_between(inv->spawn_ns, st->next_received_ns);
	if (st->post_runtime_done_ns)
		f->post_runtime_ms = ms_between(st->response_received_ns, st->post_runtime_done_ns);
	if (!st->init_done_ns || !origin)
		return;
	/* Lambda's Init Duration: from the first start to the end of init, the runtime's next
	 * sent and every extension's next arrived (one CLOCK_MONOTONIC for all three clocks) */
	end = inv->k.next_sent > st->init_done_ns ? inv->k.next_sent : st->init_done_ns;
	if (!inv->k.next_sent)		/* --no-bpf: the emulator's readings alone */
		end = st->init_done_ns;
	inv->init_ms = ms_between(origin, end);
	if (inv->k.event_received)
		inv->wait_ms = ms_between(end, inv->k.event_received);
	if (inv->k.response_sent)
		inv->total_ms = ms_between(origin, inv->k.response_sent);
	else if (st->response_received_ns)
		inv->total_ms = ms_between(origin, st->response_received_ns);
}

void ext_kill(struct ext_run *er)
{
	for (unsigned i = 0; i < er->n; i++) {
		struct ext_proc *p = &er->p[i];

		if (p->pid <= 0)
			continue;
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
		if (!p->exited && waitpid(p->pid, &p->status, 0) == p->pid)
			p->exited = true;
	}
}
