// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Cold starts -> Chrome Trace Event Format JSON. See chrome_trace.h. */
#include "chrome_trace.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "breakdown.h"
#include "httpclass.h"

#define PROFILER_PID 0u
#define PROFILER_TID 0u
#define RSS_SERIES "peak (sampled once, at exit)"
#define RSS_NOW_SERIES "resident now (--breakdown samples)"

/* One trace event, kept compact until ctrace_to_json prints it. */
struct rec {
	uint64_t ts;		/* absolute CLOCK_MONOTONIC ns (not for 'M') */
	uint64_t dur;		/* ns, 'X' only */
	uint32_t pid, tid;
	uint32_t seq;		/* insertion order: ties keep it */
	char ph;		/* 'M', 'X', 'i', 'C' */
	const char *cat;	/* static string or NULL */
	char *name;		/* malloc'd */
	char *args;		/* malloc'd JSON object text, or NULL */
};

struct ctrace {
	struct rec *r;
	size_t n, cap;
	uint32_t seq;
	int cold_starts;
	bool have_origin;	/* origin: exec_enter of the first cold start */
	uint64_t origin;
	bool have_min;
	uint64_t min_ts;	/* earliest ts of any timed event */
	uint64_t skipped;	/* events with ts_ns == 0 */
	uint64_t pid_reuses;
	uint32_t *pids;		/* tgids named so far (all cold starts) */
	size_t npids, cappids;
};

/* --- small helpers ------------------------------------------------------ */

size_t ctrace_sanitize(const unsigned char *in, size_t n, char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned char c = in[i];
		size_t need = 0;
		unsigned char lo = 0x80, hi = 0xbf;	/* range of the 2nd byte */

		if (c < 0x80) {
			bool ok = c >= 0x20 ? c != 0x7f : (c == '\t' || c == '\n' || c == '\r');

			out[o++] = ok ? (char)c : '?';
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;	/* no overlong forms */
			else if (c == 0xed)
				hi = 0x9f;	/* no surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;	/* <= U+10FFFF */
		}
		if (need && i + need < n) {	/* the whole sequence was captured */
			bool ok = in[i + 1] >= lo && in[i + 1] <= hi;

			for (size_t k = 2; ok && k <= need; k++)
				ok = in[i + k] >= 0x80 && in[i + k] <= 0xbf;
			if (ok) {
				memcpy(out + o, in + i, need + 1);
				o += need + 1;
				i += need + 1;
				continue;
			}
		}
		out[o++] = '?';
		i++;
	}
	out[o] = '\0';
	return o;
}

static char *xstrdup(const char *s)
{
	size_t l = strlen(s) + 1;
	char *p = malloc(l);

	if (p)
		memcpy(p, s, l);
	return p;
}

/* Print an args object (consumed) to compact JSON text; NULL on ENOMEM. */
/* The args object as JSON text; o is consumed. NULL with errno ENOMEM when o is NULL, ok is
 * false (building it ran out of memory) or printing it does. */
static char *args_text_ok(cJSON *o, bool ok)
{
	char *s = NULL;

	if (o && ok)
		s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!s)
		errno = ENOMEM;
	return s;
}

static char *args_text(cJSON *o)
{
	return args_text_ok(o, true);
}

/* Add a record; name is copied, args (JSON text, may be NULL) is taken over. */
static int push(struct ctrace *w, char ph, const char *cat, const char *name, uint32_t pid,
		uint32_t tid, uint64_t ts, uint64_t dur, char *args)
{
	struct rec *r;

	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		struct rec *p = realloc(w->r, cap * sizeof(*p));

		if (!p)
			goto nomem;
		w->r = p;
		w->cap = cap;
	}
	r = &w->r[w->n];
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(name);
	if (!r->name)
		goto nomem;
	r->ph = ph;
	r->cat = cat;
	r->pid = pid;
	r->tid = tid;
	r->ts = ts;
	r->dur = dur;
	r->args = args;
	r->seq = w->seq++;
	w->n++;
	if (ph != 'M' && (!w->have_min || ts < w->min_ts)) {
		w->min_ts = ts;
		w->have_min = true;
	}
	return 0;
nomem:
	free(args);
	errno = ENOMEM;
	return -1;
}

/* A metadata event whose args are {"name": name} or {"sort_index": idx}. */
static int push_meta(struct ctrace *w, const char *what, uint32_t pid, uint32_t tid,
		     const char *name, int sort_index)
{
	cJSON *a = cJSON_CreateObject();
	char *txt;

	if (!a)
		goto nomem;
	if (name ? !cJSON_AddStringToObject(a, "name", name)
		 : !cJSON_AddNumberToObject(a, "sort_index", sort_index)) {
		cJSON_Delete(a);
		goto nomem;
	}
	txt = args_text(a);
	if (!txt)
		goto nomem;
	return push(w, 'M', NULL, what, pid, tid, 0, 0, txt);
nomem:
	errno = ENOMEM;
	return -1;
}

/* A number, or null when negative (a phase that was not measured). */
static bool add_ms(cJSON *o, const char *key, double ms)
{
	return ms >= 0 ? cJSON_AddNumberToObject(o, key, ms) != NULL
		       : cJSON_AddNullToObject(o, key) != NULL;
}

/* --- per cold start tables ---------------------------------------------- */

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

struct cs_state {
	struct proc_info *p;
	size_t np, capp;
	struct thread_info *t;
	size_t nt, capt;
	struct conn_info *c;
	size_t nc, capc;
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

/* --- events of a cold start --------------------------------------------- */

static const char *syscall_name(uint32_t type)
{
	switch (type) {
	case PROF_EV_CONNECT:
		return "connect";
	case PROF_EV_WRITE:
		return "write";
	case PROF_EV_READ:
		return "read";
	case PROF_EV_CLOSE:
		return "close";
	default:
		return NULL;
	}
}

static int add_syscall(struct ctrace *w, struct cs_state *s, const struct prof_event *e)
{
	const char *name = syscall_name(e->type);
	cJSON *a = cJSON_CreateObject();
	bool ok = a != NULL;
	char buf[PROF_CAPTURE_LEN + 1];
	char iname[64];
	char *txt;

	ok = ok && cJSON_AddNumberToObject(a, "fd", e->fd);
	ok = ok && cJSON_AddNumberToObject(a, "conn_id", e->conn_id);
	ok = ok && cJSON_AddNumberToObject(a, "ret", (double)e->ret);
	if (e->type == PROF_EV_WRITE || e->type == PROF_EV_READ)
		ok = ok && cJSON_AddNumberToObject(a, "bytes", (double)e->arg);
	if (e->type == PROF_EV_CONNECT)
		ok = ok && cJSON_AddStringToObject(a, "family",
						   e->flags & PROF_F_IPV6 ? "ipv6" : "ipv4");
	if (e->type == PROF_EV_WRITE) {
		size_t cap = e->cap_len < PROF_CAPTURE_LEN ? e->cap_len : PROF_CAPTURE_LEN;

		if (e->ret > 0) {
			struct httpclass_conn *hc = conn_get(s, e->conn_id);
			enum rapi_req req;
			bool starts = false;

			if (!hc) {
				cJSON_Delete(a);
				return -1;
			}
			req = httpclass_feed(hc, e->data, cap, (size_t)e->ret, &starts);
			if (req != RAPI_REQ_NONE)
				ok = ok && cJSON_AddStringToObject(a, "request", rapi_req_name(req));
			ok = ok && cJSON_AddBoolToObject(a, "starts_request", starts);
		}
		ctrace_sanitize(e->data, cap, buf);
		ok = ok && cJSON_AddStringToObject(a, "data", buf);
		ok = ok && cJSON_AddBoolToObject(a, "capture_truncated", (uint64_t)cap < e->arg);
		if (e->flags & PROF_F_CAPTURE_FAULT)
			ok = ok && cJSON_AddTrueToObject(a, "capture_fault");
	}
	txt = args_text_ok(a, ok);
	if (!txt)
		return -1;
	if (e->end_ns && e->end_ns >= e->ts_ns)
		return push(w, 'X', "syscall", name, e->tgid, e->pid, e->ts_ns,
			    e->end_ns - e->ts_ns, txt);
	snprintf(iname, sizeof(iname), "%s (no return seen)", name);
	return push(w, 'i', "syscall", iname, e->tgid, e->pid, e->ts_ns, 0, txt);
}

static int add_instant(struct ctrace *w, const struct prof_event *e)
{
	cJSON *a = cJSON_CreateObject();
	const char *name;
	bool ok = a != NULL;
	char buf[PROF_CAPTURE_LEN + 1];
	char *txt;

	switch (e->type) {
	case PROF_EV_EXEC_ENTER: {
		size_t cap = e->cap_len < PROF_CAPTURE_LEN ? e->cap_len : PROF_CAPTURE_LEN;

		name = "exec_enter";
		ctrace_sanitize(e->data, strnlen((const char *)e->data, cap), buf);
		ok = ok && cJSON_AddStringToObject(a, "filename", buf);
		if (e->flags & PROF_F_CAPTURE_FAULT)
			ok = ok && cJSON_AddTrueToObject(a, "capture_fault");
		break;
	}
	case PROF_EV_EXEC_DONE:
		name = "exec_done";
		ctrace_sanitize((const unsigned char *)e->comm, strnlen(e->comm, PROF_COMM_LEN), buf);
		ok = ok && cJSON_AddStringToObject(a, "comm", buf);
		break;
	case PROF_EV_EXEC_FAIL:
		name = "exec_fail";
		ok = ok && cJSON_AddNumberToObject(a, "ret", (double)e->ret);
		break;
	case PROF_EV_FORK:
		name = "fork";
		ok = ok && cJSON_AddNumberToObject(a, "child", (double)e->arg);
		ok = ok && cJSON_AddStringToObject(a, "kind",
						   e->flags & PROF_F_THREAD ? "thread" : "process");
		break;
	case PROF_EV_EXIT: {
		int st = (int)e->arg;

		name = "exit";
		ok = ok && cJSON_AddNumberToObject(a, "status", st);
		if (WIFEXITED(st))
			ok = ok && cJSON_AddNumberToObject(a, "exit_code", WEXITSTATUS(st));
		else if (WIFSIGNALED(st))
			ok = ok && cJSON_AddNumberToObject(a, "signal", WTERMSIG(st));
		ok = ok && cJSON_AddNumberToObject(a, "threads", e->threads);
		if (e->rss_peak_kb)
			ok = ok && cJSON_AddNumberToObject(a, "rss_peak_kb", (double)e->rss_peak_kb);
		else
			ok = ok && cJSON_AddNullToObject(a, "rss_peak_kb");
		ok = ok && cJSON_AddNumberToObject(a, "min_flt", (double)e->min_flt);
		ok = ok && cJSON_AddNumberToObject(a, "maj_flt", (double)e->maj_flt);
		ok = ok && cJSON_AddNumberToObject(a, "read_bytes", (double)e->read_bytes);
		break;
	}
	case PROF_EV_IO_URING:
		name = "io_uring";
		ok = ok && cJSON_AddStringToObject(a, "note",
						   "io_uring traffic bypasses the syscall tracepoints");
		break;
	default:
		cJSON_Delete(a);
		return 0;	/* unknown type: nothing to show */
	}
	txt = args_text_ok(a, ok);
	if (!txt)
		return -1;
	return push(w, 'i', "process", name, e->tgid, e->pid, e->ts_ns, 0, txt);
}

/* An RSS counter sample of process tgid: series is the args key, name the counter's. */
static int add_rss(struct ctrace *w, const char *name, const char *series, uint32_t tgid,
		   uint64_t ts, uint64_t kb)
{
	cJSON *a = cJSON_CreateObject();
	char *txt = args_text_ok(a, cJSON_AddNumberToObject(a, series, (double)kb) != NULL);

	if (!txt)
		return -1;
	return push(w, 'C', "memory", name, tgid, tgid, ts, 0, txt);
}

static int add_rss_counter(struct ctrace *w, const struct prof_event *e)
{
	if (!e->rss_peak_kb)
		return 0;
	return add_rss(w, "rss_kb", RSS_SERIES, e->tgid, e->ts_ns, e->rss_peak_kb);
}

/* --breakdown: a syscall that is not one of the Runtime API's (those have their slice). */
static int add_bd_syscall(struct ctrace *w, const struct prof_event *e)
{
	const char *nm = bd_syscall_name((int)e->arg);
	cJSON *a = cJSON_CreateObject();
	char name[32], *txt;

	txt = args_text_ok(a, cJSON_AddNumberToObject(a, "nr", (double)e->arg) &&
				 cJSON_AddNumberToObject(a, "ret", (double)e->ret));
	if (!txt)
		return -1;
	if (nm)
		snprintf(name, sizeof(name), "%s", nm);
	else
		snprintf(name, sizeof(name), "syscall_%llu", (unsigned long long)e->arg);
	return push(w, 'X', "syscall", name, e->tgid, e->pid, e->ts_ns,
		    e->end_ns >= e->ts_ns ? e->end_ns - e->ts_ns : 0, txt);
}

/* Does an API event of the same thread start at the same ns (the same syscall)? */
static bool api_twin(const struct prof_event *const *ix, size_t m, size_t i)
{
	const struct prof_event *e = ix[i];

	for (size_t j = i; j-- > 0 && ix[j]->ts_ns == e->ts_ns;)
		if (ix[j]->pid == e->pid && syscall_name(ix[j]->type))
			return true;
	for (size_t j = i + 1; j < m && ix[j]->ts_ns == e->ts_ns; j++)
		if (ix[j]->pid == e->pid && syscall_name(ix[j]->type))
			return true;
	return false;
}

/* The slice of phase p on the root's main thread; none when a mark is missing. */
static int add_phase(struct ctrace *w, uint32_t root, const struct invocation *inv, int p)
{
	const struct inv_phase_def *d = &inv_phases[p];
	uint64_t from = inv_mark(&inv->k, d->from), to = inv_mark(&inv->k, d->to);
	char span[64];
	cJSON *a;
	char *txt;

	if (!from || !to || to < from)
		return 0;
	snprintf(span, sizeof(span), "%s -> %s", inv_marks[d->from].name, inv_marks[d->to].name);
	a = cJSON_CreateObject();
	txt = args_text_ok(a, a && add_ms(a, "ms", inv_phase_ms(inv, p)) &&
					cJSON_AddStringToObject(a, "span", span));
	if (!txt)
		return -1;
	return push(w, 'X', "phase", d->name, root, root, from, to - from, txt);
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
	cJSON *a = cJSON_CreateObject();
	bool ok = a != NULL;
	char name[48];
	char *txt;

	ok = ok && cJSON_AddNumberToObject(a, "index", index);
	ok = ok && cJSON_AddNumberToObject(a, "root_pid", root);
	ok = ok && cJSON_AddStringToObject(a, "outcome", inv_outcome_name(inv->outcome));
	if (inv->reason[0])
		ok = ok && cJSON_AddStringToObject(a, "reason", inv->reason);
	for (int p = 0; p < INV_PHASES; p++) {
		char key[32];

		snprintf(key, sizeof(key), "%s_ms", inv_phases[p].name);
		ok = ok && add_ms(a, key, inv_phase_ms(inv, p));
	}
	if (inv->memory_kb)
		ok = ok && cJSON_AddNumberToObject(a, "memory_kb", (double)inv->memory_kb);
	else
		ok = ok && cJSON_AddNullToObject(a, "memory_kb");
	ok = ok && cJSON_AddNumberToObject(a, "events", (double)inv->events);
	ok = ok && cJSON_AddStringToObject(a, "span",
					   "min(exec_enter, first event) -> max(root_exit, last event end)");
	txt = args_text_ok(a, ok);
	if (!txt)
		return -1;
	snprintf(name, sizeof(name), "cold start %d", index);
	return push(w, 'X', "cold_start", name, PROFILER_PID, PROFILER_TID, first, last - first, txt);
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
		if (push_meta(w, "process_name", p->tgid, p->tgid, name, 0) ||
		    push_meta(w, "process_sort_index", p->tgid, p->tgid, NULL, index))
			return -1;
	}
	for (size_t i = 0; i < s->nt; i++) {
		const struct thread_info *t = &s->t[i];
		const char *name = t->comm;

		if (!name[0]) {
			snprintf(buf, sizeof(buf), "tid %" PRIu32, t->tid);
			name = buf;
		}
		if (push_meta(w, "thread_name", t->tgid, t->tid, name, 0))
			return -1;
	}
	return 0;
}

int ctrace_add_cold_start(struct ctrace *w, int index, const struct prof_event *const *ev,
			 size_t n, const struct invocation *inv)
{
	struct cs_state s = { 0 };
	const struct prof_event **ix = NULL;
	uint32_t root;
	uint64_t first = 0, last = 0, last_rss = 0;
	uint32_t last_tgid = 0;
	size_t m = 0;
	int err = -1;

	if (!w || !inv || (!ev && n)) {
		errno = EINVAL;
		return -1;
	}
	root = inv->root_pid ? inv->root_pid : (n ? ev[0]->root : 0);
	if (n) {
		ix = malloc(n * sizeof(*ix));
		if (!ix) {
			errno = ENOMEM;
			return -1;
		}
	}
	/* the events without a timestamp are left out (they sort first) */
	for (size_t i = 0; i < n; i++) {
		if (!ev[i]->ts_ns) {
			w->skipped++;
			continue;
		}
		ix[m++] = ev[i];
	}

	/* the root's tracks exist even when it left no event of its own */
	if (root && (!proc_get(&s, root) || !thread_get(&s, root, root)))
		goto out;
	/* phases first: a phase and a syscall slice with the same bounds (connect)
	 * keep the phase as the parent */
	if (add_phases(w, inv, root, PHASE_NONE))
		goto out;
	for (size_t i = 0; i < m; i++) {
		const struct prof_event *e = ix[i];
		uint64_t end = e->end_ns > e->ts_ns ? e->end_ns : e->ts_ns;

		if (!first || e->ts_ns < first)
			first = e->ts_ns;
		if (end > last)
			last = end;
		if (note_names(&s, e))
			goto out;
		if (syscall_name(e->type)) {
			if (add_syscall(w, &s, e))
				goto out;
		} else if (e->type == PROF_EV_SYSCALL) {
			if (!api_twin(ix, m, i) && add_bd_syscall(w, e))
				goto out;
		} else if (add_instant(w, e)) {
			goto out;
		}
		/* the root's samples before its exec are of the spawner's memory (vfork) */
		if ((e->type == PROF_EV_SYSCALL || e->type == PROF_EV_SWITCH_OUT ||
		     e->type == PROF_EV_ENTRY || e->type == PROF_EV_THREAD_EXIT) && e->bd.at.rss_kb &&
		    (e->bd.at.rss_kb != last_rss || e->tgid != last_tgid) &&
		    !(e->tgid == root && end < inv->k.exec_done)) {
			last_rss = e->bd.at.rss_kb;
			last_tgid = e->tgid;
			if (add_rss(w, "rss_now_kb", RSS_NOW_SERIES, e->tgid, end, e->bd.at.rss_kb))
				goto out;
		}
		if (e->type == PROF_EV_EXIT && add_rss_counter(w, e))
			goto out;
	}
	if (inv->k.exec_enter && (!first || inv->k.exec_enter < first))
		first = inv->k.exec_enter;
	if (inv->k.root_exit > last)
		last = inv->k.root_exit;
	if (first && last < first)
		last = first;
	if (first && add_cold_start_slice(w, index, inv, root, first, last))
		goto out;
	if (add_metadata(w, &s, index))
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

/* --- writer lifecycle and output ---------------------------------------- */

struct ctrace *ctrace_open(void)
{
	struct ctrace *w = calloc(1, sizeof(*w));

	if (!w) {
		errno = ENOMEM;
		return NULL;
	}
	if (push_meta(w, "process_name", PROFILER_PID, PROFILER_TID, "profiler", 0) ||
	    push_meta(w, "process_sort_index", PROFILER_PID, PROFILER_TID, NULL, 0) ||
	    push_meta(w, "thread_name", PROFILER_PID, PROFILER_TID, "cold starts", 0)) {
		ctrace_free(w);
		errno = ENOMEM;
		return NULL;
	}
	return w;
}

void ctrace_free(struct ctrace *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++) {
		free(w->r[i].name);
		free(w->r[i].args);
	}
	free(w->r);
	free(w->pids);
	free(w);
}

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = *(const struct rec *const *)a, *y = *(const struct rec *const *)b;
	bool mx = x->ph == 'M', my = y->ph == 'M';

	if (mx != my)
		return mx ? -1 : 1;
	if (!mx) {
		if (x->ts != y->ts)
			return x->ts < y->ts ? -1 : 1;
		if (x->dur != y->dur)
			return x->dur > y->dur ? -1 : 1;	/* parents first */
	}
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_put(struct sbuf *b, const char *s)
{
	size_t l = strlen(s);

	if (b->oom)
		return;
	if (b->len + l + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + l + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, l + 1);
	b->len += l;
}

/* ns as microseconds with three decimals: exact, and parsed exactly by Perfetto. */
static void us_text(char *buf, size_t sz, uint64_t ns)
{
	snprintf(buf, sz, "%" PRIu64 ".%03u", ns / 1000, (unsigned)(ns % 1000));
}

static char *event_text(const struct rec *r, uint64_t origin)
{
	cJSON *o = cJSON_CreateObject();
	char num[48];
	bool ok = o != NULL;
	char *s;

	ok = ok && cJSON_AddStringToObject(o, "name", r->name);
	if (r->cat)
		ok = ok && cJSON_AddStringToObject(o, "cat", r->cat);
	num[0] = r->ph;
	num[1] = '\0';
	ok = ok && cJSON_AddStringToObject(o, "ph", num);
	if (r->ph != 'M') {
		us_text(num, sizeof(num), r->ts - origin);
		ok = ok && cJSON_AddRawToObject(o, "ts", num);
	}
	if (r->ph == 'X') {
		us_text(num, sizeof(num), r->dur);
		ok = ok && cJSON_AddRawToObject(o, "dur", num);
	}
	if (r->ph == 'i')
		ok = ok && cJSON_AddStringToObject(o, "s", "t");
	ok = ok && cJSON_AddNumberToObject(o, "pid", r->pid);
	ok = ok && cJSON_AddNumberToObject(o, "tid", r->tid);
	if (r->args)
		ok = ok && cJSON_AddRawToObject(o, "args", r->args);
	s = ok ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return s;
}

static char *header_text(const struct ctrace *w, uint64_t origin, bool at_exec)
{
	cJSON *o = cJSON_CreateObject(), *od;
	char num[32];
	bool ok = o != NULL;
	char *s;

	snprintf(num, sizeof(num), "%" PRIu64, origin);
	ok = ok && cJSON_AddStringToObject(o, "displayTimeUnit", "ns");
	od = ok ? cJSON_AddObjectToObject(o, "otherData") : NULL;
	ok = od != NULL;
	ok = ok && cJSON_AddStringToObject(od, "producer", "profiler " PROFILER_VERSION);
	ok = ok && cJSON_AddStringToObject(od, "clock", "CLOCK_MONOTONIC (bpf_ktime_get_ns)");
	ok = ok && cJSON_AddStringToObject(od, "ts_origin_ns", num);
	ok = ok && cJSON_AddStringToObject(od, "ts_origin",
					   at_exec ? "exec_enter of the first cold start: ts 0"
						   : "the earliest event of the trace: ts 0");
	ok = ok && cJSON_AddStringToObject(od, "units",
					   "ts and dur in microseconds with ns precision");
	ok = ok && cJSON_AddNumberToObject(od, "cold_starts", w->cold_starts);
	ok = ok && cJSON_AddNumberToObject(od, "skipped_events", (double)w->skipped);
	ok = ok && cJSON_AddNumberToObject(od, "pid_reuses", (double)w->pid_reuses);
	ok = ok && cJSON_AddStringToObject(od, "rss_kb",
					   "peak RSS of each process, KiB, recorded once at its exit: "
					   "the only RSS sample the tracer takes");
	ok = ok && cJSON_AddStringToObject(od, "pids",
					   "pid = kernel tgid, tid = kernel thread id; pid 0 is the "
					   "profiler's pseudo-process grouping the cold starts");
	s = ok ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return s;
}

char *ctrace_to_json(const struct ctrace *w)
{
	struct sbuf b = { 0 };
	const struct rec **order;
	uint64_t origin = 0;
	bool at_exec = false;
	char *head;

	if (!w) {
		errno = EINVAL;
		return NULL;
	}
	if (w->have_origin && (!w->have_min || w->origin <= w->min_ts)) {
		origin = w->origin;
		at_exec = true;
	} else if (w->have_min) {
		origin = w->min_ts;
	}
	order = malloc((w->n ? w->n : 1) * sizeof(*order));
	head = header_text(w, origin, at_exec);
	if (!order || !head)
		goto nomem;
	for (size_t i = 0; i < w->n; i++)
		order[i] = &w->r[i];
	qsort(order, w->n, sizeof(*order), cmp_rec);

	/* the header object without its closing brace, then the events */
	head[strlen(head) - 1] = '\0';
	sb_put(&b, head);
	sb_put(&b, ",\"traceEvents\":[\n");
	for (size_t i = 0; i < w->n && !b.oom; i++) {
		char *e = event_text(order[i], origin);

		if (!e)
			goto nomem;
		sb_put(&b, e);
		sb_put(&b, i + 1 < w->n ? ",\n" : "\n");
		free(e);
	}
	sb_put(&b, "]}\n");
	if (b.oom)
		goto nomem;
	free(order);
	free(head);
	return b.p;
nomem:
	free(order);
	free(head);
	free(b.p);
	errno = ENOMEM;
	return NULL;
}
