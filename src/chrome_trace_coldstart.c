// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Chrome trace: one cold start -> its records. See chrome_trace.h and chrome_trace_rec.h. */
#include "chrome_trace_rec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RSS_NOW_SERIES "resident now (--breakdown samples)"

/* --- the cold start's processes, threads and connections ---------------- */

struct proc_info {
	uint32_t tgid;
	char comm[PROF_COMM_LEN + 1];		/* comm of its main thread, else any thread */
	bool main_comm;
	char pending[PROF_CAPTURE_LEN + 1];	/* filename of an exec not yet done */
	char exe[PROF_CAPTURE_LEN + 1];		/* filename of the last exec done */
};

struct thread_info {
	uint32_t tgid, tid;
	char comm[PROF_COMM_LEN + 1];
};

struct conn_info {
	uint32_t conn_id;
	struct httpclass_conn hc;
};

/* One cold start being added: its processes, threads and connections, and its walk. */
struct cs_state {
	struct proc_info *p;
	size_t np, capp;
	struct thread_info *t;
	size_t nt, capt;
	struct conn_info *c;
	size_t nc, capc;
	uint32_t root;
	uint64_t exec_done;	/* the root's: its samples before it are of its spawner's memory */
	uint64_t first, last;	/* the span of its events */
	uint64_t last_rss;	/* the last rss_now sample added, and of which process */
	uint32_t last_tgid;
};

static void cs_free(struct cs_state *s)
{
	free(s->p);
	free(s->t);
	free(s->c);
}

static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	p = realloc(*arr, nc * size);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	*arr = p;
	*cap = nc;
	return 0;
}

static void comm_copy(char dst[PROF_COMM_LEN + 1], const char *comm)
{
	size_t l = strnlen(comm, PROF_COMM_LEN);

	ctrace_sanitize((const unsigned char *)comm, l, dst);
}

static struct proc_info *proc_get(struct cs_state *s, uint32_t tgid)
{
	for (size_t i = 0; i < s->np; i++)
		if (s->p[i].tgid == tgid)
			return &s->p[i];
	if (grow((void **)&s->p, &s->capp, s->np, sizeof(*s->p)))
		return NULL;
	memset(&s->p[s->np], 0, sizeof(s->p[0]));
	s->p[s->np].tgid = tgid;
	return &s->p[s->np++];
}

static struct thread_info *thread_get(struct cs_state *s, uint32_t tgid, uint32_t tid)
{
	for (size_t i = 0; i < s->nt; i++)
		if (s->t[i].tgid == tgid && s->t[i].tid == tid)
			return &s->t[i];
	if (grow((void **)&s->t, &s->capt, s->nt, sizeof(*s->t)))
		return NULL;
	memset(&s->t[s->nt], 0, sizeof(s->t[0]));
	s->t[s->nt].tgid = tgid;
	s->t[s->nt].tid = tid;
	return &s->t[s->nt++];
}

static struct httpclass_conn *conn_get(struct cs_state *s, uint32_t conn_id)
{
	for (size_t i = 0; i < s->nc; i++)
		if (s->c[i].conn_id == conn_id)
			return &s->c[i].hc;
	if (grow((void **)&s->c, &s->capc, s->nc, sizeof(*s->c)))
		return NULL;
	s->c[s->nc].conn_id = conn_id;
	httpclass_init(&s->c[s->nc].hc);
	return &s->c[s->nc++].hc;
}

/* Remember the names an event tells about its process and thread. */
static int note_names(struct cs_state *s, const struct prof_event *e)
{
	struct proc_info *p = proc_get(s, e->tgid);
	struct thread_info *t = thread_get(s, e->tgid, e->pid);

	if (!p || !t)
		return -1;
	if (e->comm[0]) {
		comm_copy(t->comm, e->comm);
		if (e->pid == e->tgid || !p->main_comm) {
			memcpy(p->comm, t->comm, sizeof(p->comm));
			p->main_comm = e->pid == e->tgid;
		}
	}
	switch (e->type) {
	case PROF_EV_EXEC_ENTER: {
		size_t cap = e->cap_len < PROF_CAPTURE_LEN ? e->cap_len : PROF_CAPTURE_LEN;

		cap = strnlen((const char *)e->data, cap);
		ctrace_sanitize(e->data, cap, p->pending);
		break;
	}
	case PROF_EV_EXEC_DONE:
		if (p->pending[0])
			memcpy(p->exe, p->pending, sizeof(p->exe));
		p->pending[0] = '\0';
		break;
	case PROF_EV_EXEC_FAIL:
		p->pending[0] = '\0';
		break;
	case PROF_EV_FORK: {
		/* the child starts with the parent's comm; its own events may rename it */
		bool thr = e->flags & PROF_F_THREAD;
		uint32_t ctgid = thr ? e->tgid : (uint32_t)e->arg;
		struct proc_info *cp = proc_get(s, ctgid);
		struct thread_info *ct;

		if (!cp)
			return -1;
		ct = thread_get(s, ctgid, (uint32_t)e->arg);
		if (!ct)
			return -1;
		if (e->comm[0] && !ct->comm[0])
			comm_copy(ct->comm, e->comm);
		if (e->comm[0] && !cp->comm[0])
			comm_copy(cp->comm, e->comm);
		break;
	}
	default:
		break;
	}
	return 0;
}

/* --- its records -------------------------------------------------------- */

/* Does an API event of the same thread start at the same ns (the same syscall)? */
static bool api_twin(const struct prof_event *const *ix, size_t m, size_t i)
{
	const struct prof_event *e = ix[i];

	for (size_t j = i; j-- > 0 && ix[j]->ts_ns == e->ts_ns;)
		if (ix[j]->pid == e->pid && ctrace_api_syscall(ix[j]->type))
			return true;
	for (size_t j = i + 1; j < m && ix[j]->ts_ns == e->ts_ns; j++)
		if (ix[j]->pid == e->pid && ctrace_api_syscall(ix[j]->type))
			return true;
	return false;
}

/* The slice of phase p on the root's main thread; none when a mark is missing. */
static int add_phase(struct ctrace *w, uint32_t root, const struct invocation *inv, int p)
{
	const struct inv_phase_def *d = &inv_phases[p];
	uint64_t from = inv_mark(&inv->k, d->from), to = inv_mark(&inv->k, d->to);
	struct jw jw = { 0 };
	char span[64];
	cJSON *a;
	char *txt;

	if (!from || !to || to < from)
		return 0;
	snprintf(span, sizeof(span), "%s -> %s", inv_marks[d->from].name, inv_marks[d->to].name);
	a = jw_root(&jw);
	jw_ms(&jw, a, "ms", inv_phase_ms(inv, p));	/* null: not measured */
	jw_str(&jw, a, "span", span);
	txt = ctrace_args_text(&jw, a);
	if (!txt)
		return -1;
	return ctrace_push(w, 'X', "phase", d->name, root, root, from, to - from, txt);
}

/* The phases within parent (PHASE_NONE: the outermost), each before the phases within it:
 * on equal ts and dur the earlier slice is the parent. */
static int add_phases(struct ctrace *w, const struct invocation *inv, uint32_t root,
		      int parent)
{
	for (int p = 0; p < INV_PHASES; p++) {
		if (inv_phases[p].parent != parent)
			continue;
		if (add_phase(w, root, inv, p) || add_phases(w, inv, root, p))
			return -1;
	}
	return 0;
}

static int add_cold_start_slice(struct ctrace *w, int index, const struct invocation *inv,
				uint32_t root, uint64_t first, uint64_t last)
{
	struct jw jw = { 0 };
	cJSON *a = jw_root(&jw);
	char name[48], key[32];
	char *txt;

	jw_int(&jw, a, "index", index);
	jw_uint(&jw, a, "root_pid", root);
	jw_str(&jw, a, "outcome", inv_outcome_name(inv->outcome));
	if (inv->reason[0])
		jw_strn(&jw, a, "reason", inv->reason, sizeof(inv->reason));
	for (int p = 0; p < INV_PHASES; p++) {
		snprintf(key, sizeof(key), "%s_ms", inv_phases[p].name);
		jw_ms(&jw, a, key, inv_phase_ms(inv, p));
	}
	if (inv->memory_kb)
		jw_uint(&jw, a, "memory_kb", inv->memory_kb);
	else
		jw_null(&jw, a, "memory_kb");
	jw_uint(&jw, a, "events", inv->events);
	jw_str(&jw, a, "span", "min(exec_enter, first event) -> max(root_exit, last event end)");
	txt = ctrace_args_text(&jw, a);
	if (!txt)
		return -1;
	snprintf(name, sizeof(name), "cold start %d", index);
	return ctrace_push(w, 'X', "cold_start", name, CTRACE_PROFILER_PID, CTRACE_PROFILER_TID,
			   first, last - first, txt);
}

static bool pid_seen(struct ctrace *w, uint32_t pid, bool *seen)
{
	for (size_t i = 0; i < w->npids; i++) {
		if (w->pids[i] == pid) {
			*seen = true;
			return true;
		}
	}
	*seen = false;
	if (grow((void **)&w->pids, &w->cappids, w->npids, sizeof(*w->pids)))
		return false;
	w->pids[w->npids++] = pid;
	return true;
}

static int add_metadata(struct ctrace *w, struct cs_state *s, int index)
{
	char buf[64];

	for (size_t i = 0; i < s->np; i++) {
		const struct proc_info *p = &s->p[i];
		const char *name = p->exe[0] ? p->exe : p->comm;
		bool seen;

		if (!name[0]) {
			snprintf(buf, sizeof(buf), "pid %" PRIu32, p->tgid);
			name = buf;
		}
		if (!pid_seen(w, p->tgid, &seen))
			return -1;
		if (seen)
			w->pid_reuses++;
		if (ctrace_push_meta(w, "process_name", p->tgid, p->tgid, name, 0) ||
		    ctrace_push_meta(w, "process_sort_index", p->tgid, p->tgid, NULL, index))
			return -1;
	}
	for (size_t i = 0; i < s->nt; i++) {
		const struct thread_info *t = &s->t[i];
		const char *name = t->comm;

		if (!name[0]) {
			snprintf(buf, sizeof(buf), "tid %" PRIu32, t->tid);
			name = buf;
		}
		if (ctrace_push_meta(w, "thread_name", t->tgid, t->tid, name, 0))
			return -1;
	}
	return 0;
}

/* The resident set of a --breakdown sample, when it changed since the last one added. */
static int add_rss_now(struct ctrace *w, struct cs_state *s, const struct prof_event *e,
		       uint64_t end)
{
	if (!(e->type == PROF_EV_SYSCALL || e->type == PROF_EV_SWITCH_OUT ||
	      e->type == PROF_EV_ENTRY || e->type == PROF_EV_THREAD_EXIT) || !e->bd.at.rss_kb)
		return 0;
	if (e->bd.at.rss_kb == s->last_rss && e->tgid == s->last_tgid)
		return 0;
	/* the root's samples before its exec are of the spawner's memory (vfork) */
	if (e->tgid == s->root && end < s->exec_done)
		return 0;
	s->last_rss = e->bd.at.rss_kb;
	s->last_tgid = e->tgid;
	return ctrace_add_rss(w, "rss_now_kb", RSS_NOW_SERIES, e->tgid, end, e->bd.at.rss_kb);
}

/* The records of event ix[i] of the m in time order, and what it says of its tracks. */
static int add_event(struct ctrace *w, struct cs_state *s, const struct prof_event *const *ix,
		     size_t m, size_t i)
{
	const struct prof_event *e = ix[i];
	uint64_t end = e->end_ns > e->ts_ns ? e->end_ns : e->ts_ns;

	if (!s->first || e->ts_ns < s->first)
		s->first = e->ts_ns;
	if (end > s->last)
		s->last = end;
	if (note_names(s, e))
		return -1;
	if (ctrace_api_syscall(e->type)) {
		struct httpclass_conn *hc = NULL;

		/* a write of data goes through its connection's request classifier */
		if (e->type == PROF_EV_WRITE && e->ret > 0 && !(hc = conn_get(s, e->conn_id)))
			return -1;
		if (ctrace_add_api_syscall(w, hc, e))
			return -1;
	} else if (e->type == PROF_EV_SYSCALL) {
		if (!api_twin(ix, m, i) && ctrace_add_bd_syscall(w, e))
			return -1;
	} else if (ctrace_add_instant(w, e)) {
		return -1;
	}
	if (add_rss_now(w, s, e, end))
		return -1;
	if (e->type == PROF_EV_EXIT && ctrace_add_exit_rss(w, e))
		return -1;
	return 0;
}

/* The events that have a timestamp, in their order: malloc'd, *m of them (NULL when n is 0).
 * Those without one sort first; they are left out and counted in w->skipped. */
static const struct prof_event **timed_events(struct ctrace *w, const struct prof_event *const *ev,
					      size_t n, size_t *m)
{
	const struct prof_event **ix;

	*m = 0;
	if (!n)
		return NULL;
	ix = malloc(n * sizeof(*ix));
	if (!ix) {
		errno = ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!ev[i]->ts_ns) {
			w->skipped++;
			continue;
		}
		ix[(*m)++] = ev[i];
	}
	return ix;
}

/* The cold start's slice on the profiler's track: from min(exec_enter, its first event) to
 * max(root_exit, its last event's end); none when it has neither. */
static int add_span(struct ctrace *w, struct cs_state *s, int index, const struct invocation *inv)
{
	uint64_t first = s->first, last = s->last;

	if (inv->k.exec_enter && (!first || inv->k.exec_enter < first))
		first = inv->k.exec_enter;
	if (inv->k.root_exit > last)
		last = inv->k.root_exit;
	if (first && last < first)
		last = first;
	if (!first)
		return 0;
	return add_cold_start_slice(w, index, inv, s->root, first, last);
}

int ctrace_add_cold_start(struct ctrace *w, int index, const struct prof_event *const *ev,
			  size_t n, const struct invocation *inv)
{
	struct cs_state s = { 0 };
	const struct prof_event **ix;
	size_t m;
	int err = -1;

	if (!w || !inv || (!ev && n)) {
		errno = EINVAL;
		return -1;
	}
	s.root = inv->root_pid ? inv->root_pid : (n ? ev[0]->root : 0);
	s.exec_done = inv->k.exec_done;
	ix = timed_events(w, ev, n, &m);
	if (n && !ix)
		return -1;
	/* the root's tracks exist even when it left no event of its own */
	if (s.root && (!proc_get(&s, s.root) || !thread_get(&s, s.root, s.root)))
		goto out;
	/* phases first: a phase and a syscall slice with the same bounds (connect)
	 * keep the phase as the parent */
	if (add_phases(w, inv, s.root, PHASE_NONE))
		goto out;
	for (size_t i = 0; i < m; i++)
		if (add_event(w, &s, ix, m, i))
			goto out;
	if (add_span(w, &s, index, inv) || add_metadata(w, &s, index))
		goto out;
	if (!w->cold_starts && inv->k.exec_enter) {
		w->origin = inv->k.exec_enter;
		w->have_origin = true;
	}
	w->cold_starts++;
	err = 0;
out:
	free(ix);
	cs_free(&s);
	return err;
}
