// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --breakdown: the events of one cold start -> where its milliseconds went,
 * phase by phase. The rules are in breakdown.h.
 *
 * One walk over the events in time order (the caller sorted them). A SYSCALL
 * event carries two samples, one at its entry (ts_ns) and one at its exit
 * (end_ns); the exit sample is walked as an item of its own at end_ns so that
 * every thread's samples are seen in time order (a SWITCH_OUT inside the
 * syscall comes between them). Only those exit samples are sorted here (by
 * end_ns), then merged into the sorted events.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "breakdown.h"
#include "idmap.h"
#include "invocation.h"

#define NB (BD_PHASES + 1)	/* accumulator slots: the phases, then the window (tree) */
#define TREE BD_PHASES

static const char *const phase_names[BD_PHASES] = {
	"exec", "dynamic_loading", "runtime_init", "connect",
	"request_next", "wait_event", "handler", "write_response",
};

const char *bd_phase_name(enum bd_phase p)
{
	if ((unsigned)p >= BD_PHASES)
		return "unknown";
	return phase_names[p];
}

static const char *const syscall_names[] = {
#include "syscall_table.h"
};

const char *bd_syscall_name(int nr)
{
	if (nr < 0 || (size_t)nr >= sizeof(syscall_names) / sizeof(syscall_names[0]))
		return NULL;
	return syscall_names[nr];
}

/* --- build ------------------------------------------------------------------ */

enum thr_state { TS_UNKNOWN = 0, TS_ON_CPU, TS_RUNNABLE, TS_BLOCKED, TS_GONE };

struct thr {
	uint64_t since;			/* start of the current state */
	struct prof_sample last;	/* previous sample (valid when have_sample) */
	uint8_t state;			/* enum thr_state */
	bool have_sample;
	bool seen;			/* had a state inside the window */
};

struct sc_row {
	int32_t nr;
	uint32_t count[NB];
	uint64_t ns[NB];
};

struct item {
	const struct prof_event *e;
	uint64_t t;
	bool exit_sample;	/* SYSCALL: its exit sample, at end_ns */
};

struct ctx {
	uint64_t b[NB];		/* boundaries 0..8 */
	struct breakdown *out;
	struct idmap tmap;
	struct thr *thr;
	size_t thr_cap;
	struct idmap smap;
	struct sc_row *sc;
	size_t sc_cap;
	uint64_t st[3][NB];	/* on_cpu, runnable, blocked */
	uint64_t sys_ns[NB];
	uint32_t root;
	uint64_t exec_done;	/* the root's new image runs from here */
};

/* Time, then ring-buffer order (the events' address order), an event's entry before its exit. */
static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->e != y->e)
		return x->e < y->e ? -1 : 1;
	return (int)x->exit_sample - (int)y->exit_sample;
}

/* Point rule: phase i with b_i <= ts < b_{i+1}; ts == b_8 -> 7; outside -1. */
static int point_phase(const uint64_t *b, uint64_t ts)
{
	int i;

	if (ts < b[0] || ts > b[BD_PHASES])
		return -1;
	for (i = BD_PHASES - 1; i > 0 && b[i] > ts; i--)
		;
	return i;
}

/* Sample rule: phase i with b_i < t <= b_{i+1}; outside -1. */
static int sample_phase(const uint64_t *b, uint64_t t)
{
	int i;

	if (t <= b[0] || t > b[BD_PHASES])
		return -1;
	for (i = 0; t > b[i + 1]; i++)
		;
	return i;
}

/* Add [s, e) clipped to each phase [b_i, b_{i+1}) to acc[i], and the part
 * inside the window to acc[TREE] (the same sum: the phases tile it). */
static void add_split(const uint64_t *b, uint64_t s, uint64_t e, uint64_t acc[NB])
{
	int i;

	for (i = 0; i < BD_PHASES; i++) {
		uint64_t lo = s > b[i] ? s : b[i];
		uint64_t hi = e < b[i + 1] ? e : b[i + 1];

		if (hi > lo) {
			acc[i] += hi - lo;
			acc[TREE] += hi - lo;
		}
	}
}

static struct bd_costs *costs(struct ctx *c, int p)
{
	return p == TREE ? &c->out->tree : &c->out->ph[p].c;
}

static struct thr *thread(struct ctx *c, uint32_t pid)
{
	bool added;
	long i;

	/* room for a new one first: the map and the array stay the same length */
	if (idmap_reserve(&c->tmap, (void **)&c->thr, &c->thr_cap, sizeof(*c->thr)))
		return NULL;
	i = idmap_index(&c->tmap, pid, &added);
	if (i < 0)
		return NULL;
	if (added)
		memset(&c->thr[i], 0, sizeof(c->thr[i]));
	return &c->thr[i];
}

static struct sc_row *sc_row(struct ctx *c, int32_t nr)
{
	bool added;
	long i;

	if (idmap_reserve(&c->smap, (void **)&c->sc, &c->sc_cap, sizeof(*c->sc)))
		return NULL;
	i = idmap_index(&c->smap, (uint32_t)nr, &added);
	if (i < 0)
		return NULL;
	if (added) {
		memset(&c->sc[i], 0, sizeof(c->sc[i]));
		c->sc[i].nr = nr;
	}
	return &c->sc[i];
}

/* End the thread's current state at ts, adding its time. */
static void close_state(struct ctx *c, struct thr *t, uint64_t ts)
{
	if (t->state < TS_ON_CPU || t->state > TS_BLOCKED)
		return;
	if (ts > t->since)
		add_split(c->b, t->since, ts, c->st[t->state - TS_ON_CPU]);
	if (t->since <= c->b[BD_PHASES] && ts >= c->b[0])
		t->seen = true;
}

static void set_state(struct ctx *c, struct thr *t, enum thr_state s, uint64_t ts)
{
	if (t->state == TS_GONE)
		return;
	close_state(c, t, ts);
	t->state = s;
	t->since = ts;
}

/* An unknown thread was in state s since the window's start (clipped). */
static void backfill(struct thr *t, enum thr_state s)
{
	if (t->state == TS_UNKNOWN) {
		t->state = s;
		t->since = 0;
	}
}

static void add_delta(uint64_t *dst, uint64_t cur, uint64_t prev)
{
	if (cur > prev)
		*dst += cur - prev;
}

static void sample(struct ctx *c, struct thr *t, uint32_t tgid, uint64_t ts,
		   const struct prof_sample *s)
{
	struct breakdown *o = c->out;
	int p;

	if (t->state == TS_GONE)
		return;
	p = point_phase(c->b, ts);
	/* before its exec the root runs in its spawner's memory (vfork): not its RSS */
	if (tgid == c->root && ts < c->exec_done)
		p = -1;
	if (p >= 0 && s->rss_kb > o->peak_rss_kb) {
		o->peak_rss_kb = s->rss_kb;
		o->peak_rss_at_ns = ts;
		o->peak_rss_phase = p;
	}
	p = sample_phase(c->b, ts);
	if (t->have_sample && p >= 0) {
		int q[2] = { p, TREE };

		for (int j = 0; j < 2; j++) {
			struct bd_costs *k = costs(c, q[j]);

			add_delta(&k->min_flt, s->min_flt, t->last.min_flt);
			add_delta(&k->maj_flt, s->maj_flt, t->last.maj_flt);
			add_delta(&k->read_bytes, s->read_bytes, t->last.read_bytes);
		}
	}
	t->last = *s;
	t->have_sample = true;
}

static int on_syscall(struct ctx *c, const struct prof_event *e)
{
	int p = point_phase(c->b, e->ts_ns);
	struct sc_row *r = NULL;

	if (e->arg <= INT32_MAX) {
		r = sc_row(c, (int32_t)e->arg);
		if (!r)
			return -1;
	}
	if (p >= 0) {
		c->out->ph[p].c.syscalls++;
		c->out->tree.syscalls++;
		if (r) {
			r->count[p]++;
			r->count[TREE]++;
		}
	}
	if (e->end_ns > e->ts_ns) {
		add_split(c->b, e->ts_ns, e->end_ns, c->sys_ns);
		if (r)
			add_split(c->b, e->ts_ns, e->end_ns, r->ns);
	}
	return 0;
}

static int on_fork(struct ctx *c, const struct prof_event *e)
{
	int p = point_phase(c->b, e->ts_ns);
	struct thr *ch;
	int q[2] = { p, TREE };

	for (int j = 0; p >= 0 && j < 2; j++) {
		costs(c, q[j])->threads++;
		if (!(e->flags & PROF_F_THREAD))
			costs(c, q[j])->processes++;
	}
	if (e->arg > UINT32_MAX)
		return 0;
	ch = thread(c, (uint32_t)e->arg);
	if (!ch)
		return -1;
	if (ch->state != TS_UNKNOWN || ch->have_sample)
		return 0;	/* already seen: events out of order, keep what they said */
	ch->state = TS_RUNNABLE;
	ch->since = e->ts_ns;
	if (p >= 0) {
		memset(&ch->last, 0, sizeof(ch->last));
		ch->have_sample = true;
	}
	return 0;
}

static void on_api(struct ctx *c, const struct prof_event *e)
{
	uint64_t ts = e->type == PROF_EV_WRITE ? e->ts_ns : e->end_ns;
	int p = point_phase(c->b, ts);

	if (e->ret <= 0 || p < 0)
		return;
	if (e->type == PROF_EV_WRITE) {
		c->out->ph[p].c.api_bytes_sent += (uint64_t)e->ret;
		c->out->tree.api_bytes_sent += (uint64_t)e->ret;
	} else {
		c->out->ph[p].c.api_bytes_received += (uint64_t)e->ret;
		c->out->tree.api_bytes_received += (uint64_t)e->ret;
	}
}

static int walk_item(struct ctx *c, const struct item *it)
{
	const struct prof_event *e = it->e;
	struct thr *t = NULL;

	switch (e->type) {
	case PROF_EV_SYSCALL:
	case PROF_EV_SWITCH_IN:
	case PROF_EV_SWITCH_OUT:
	case PROF_EV_WAKEUP:
	case PROF_EV_ENTRY:
	case PROF_EV_THREAD_EXIT:
	case PROF_EV_EXIT:
		t = thread(c, e->pid);
		if (!t)
			return -1;
		break;
	default:
		break;
	}
	if (it->exit_sample) {
		sample(c, t, e->tgid, e->end_ns, &e->bd.at);
		return 0;
	}
	switch (e->type) {
	case PROF_EV_SYSCALL:
		sample(c, t, e->tgid, e->ts_ns, &e->bd.at_entry);
		backfill(t, TS_ON_CPU);
		return on_syscall(c, e);
	case PROF_EV_SWITCH_IN:
		backfill(t, TS_RUNNABLE);
		set_state(c, t, TS_ON_CPU, e->ts_ns);
		break;
	case PROF_EV_SWITCH_OUT:
		sample(c, t, e->tgid, e->ts_ns, &e->bd.at);
		backfill(t, TS_ON_CPU);
		set_state(c, t, e->arg == 1 ? TS_RUNNABLE : TS_BLOCKED, e->ts_ns);
		break;
	case PROF_EV_WAKEUP:
		backfill(t, TS_BLOCKED);
		if (t->state == TS_BLOCKED)
			set_state(c, t, TS_RUNNABLE, e->ts_ns);
		break;
	case PROF_EV_ENTRY:
		sample(c, t, e->tgid, e->ts_ns, &e->bd.at);
		backfill(t, TS_ON_CPU);
		break;
	case PROF_EV_THREAD_EXIT:
		sample(c, t, e->tgid, e->ts_ns, &e->bd.at);
		set_state(c, t, TS_GONE, e->ts_ns);
		break;
	case PROF_EV_EXIT:
		set_state(c, t, TS_GONE, e->ts_ns);
		break;
	case PROF_EV_FORK:
		return on_fork(c, e);
	case PROF_EV_WRITE:
	case PROF_EV_READ:
		on_api(c, e);
		break;
	default:
		break;
	}
	return 0;
}

/* The root's main thread runs execve at boundary 0. */
static int root_at_start(struct ctx *c, uint32_t root)
{
	struct thr *t = thread(c, root);

	if (!t)
		return -1;
	if (t->state != TS_GONE)
		set_state(c, t, TS_ON_CPU, c->b[0]);
	return 0;
}

static int cmp_top(const void *a, const void *b)
{
	const struct bd_syscall *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns > y->ns ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->nr < y->nr ? -1 : (x->nr > y->nr ? 1 : 0);
}

void bd_top_rank(struct bd_syscall top[BD_TOP], struct bd_syscall *cand, size_t n)
{
	size_t i;

	if (n > 1)
		qsort(cand, n, sizeof(*cand), cmp_top);
	for (i = 0; i < BD_TOP; i++) {
		if (i < n) {
			top[i] = cand[i];
		} else {
			top[i].nr = -1;
			top[i].count = 0;
			top[i].ns = 0;
		}
	}
}

static int rank_syscalls(struct ctx *c)
{
	size_t nrows = c->smap.n, i, m;
	struct bd_syscall *cand = calloc(nrows ? nrows : 1, sizeof(*cand));

	if (!cand)
		return -1;
	for (int p = 0; p < NB; p++) {
		for (i = 0, m = 0; i < nrows; i++) {
			const struct sc_row *r = &c->sc[i];

			if (!r->count[p] && !r->ns[p])
				continue;
			cand[m].nr = r->nr;
			cand[m].count = r->count[p];
			cand[m].ns = r->ns[p];
			m++;
		}
		bd_top_rank(costs(c, p)->top, cand, m);
	}
	free(cand);
	return 0;
}

void breakdown_clear(struct breakdown *out)
{
	memset(out, 0, sizeof(*out));
	for (int p = 0; p < BD_PHASES; p++)
		for (int j = 0; j < BD_TOP; j++)
			out->ph[p].c.top[j].nr = -1;
	for (int j = 0; j < BD_TOP; j++)
		out->tree.top[j].nr = -1;
	out->peak_rss_phase = -1;
}

/* The walk over the events (in time order) and the exit samples merged in. */
static int walk(struct ctx *c, const struct prof_event *const *ev, size_t n,
		const struct item *exits, size_t nx, uint32_t root)
{
	size_t i = 0, j = 0;
	bool started = false;

	while (i < n || j < nx) {
		struct item cur = { 0 };
		const struct item *it;

		if (i < n)
			cur = (struct item){ .e = ev[i], .t = ev[i]->ts_ns };
		if (i < n && (j == nx || cmp_item(&cur, &exits[j]) < 0)) {
			it = &cur;
			i++;
		} else {
			it = &exits[j++];
		}
		if (!started && it->t >= c->b[0]) {
			if (root_at_start(c, root))
				return -1;
			started = true;
		}
		if (walk_item(c, it))
			return -1;
	}
	if (!started && root_at_start(c, root))
		return -1;
	return 0;
}

int breakdown_build(const struct prof_event *const *ev, size_t n, uint32_t root,
		    const struct phase_marks *k, struct breakdown *out)
{
	const uint64_t raw[BD_PHASES - 1] = {
		k ? k->exec_done : 0, k ? k->entry : 0, k ? k->connect_start : 0,
		k ? k->connect_end : 0, k ? k->next_sent : 0, k ? k->event_received : 0,
		k ? k->response_first : 0,
	};
	struct ctx c = { .out = out };
	struct item *exits = NULL;
	size_t nx = 0, i;
	int err = ENOMEM, p;

	if ((!ev && n) || !k || !out) {
		errno = EINVAL;
		return -1;
	}
	breakdown_clear(out);
	if (!k->exec_enter || !k->response_sent || k->response_sent < k->exec_enter) {
		errno = ENOENT;
		return -1;
	}
	c.b[0] = k->exec_enter;
	c.b[BD_PHASES] = k->response_sent;
	c.root = root;
	c.exec_done = k->exec_done ? k->exec_done : k->exec_enter;
	for (p = 1; p < BD_PHASES; p++) {
		uint64_t v = raw[p - 1];
		bool ok = v && v >= c.b[p - 1] && v <= c.b[BD_PHASES];

		c.b[p] = ok ? v : c.b[p - 1];
		out->ph[p - 1].measured = ok;
	}
	out->ph[BD_PHASES - 1].measured = true;
	out->window_start_ns = c.b[0];
	out->window_end_ns = c.b[BD_PHASES];
	for (p = 0; p < BD_PHASES; p++) {
		out->ph[p].start_ns = c.b[p];
		out->ph[p].dur_ns = c.b[p + 1] - c.b[p];
	}

	if (n > SIZE_MAX / sizeof(*exits))
		goto cleanup;
	exits = malloc((n ? n : 1) * sizeof(*exits));
	if (!exits)
		goto cleanup;
	for (i = 0; i < n; i++)
		if (ev[i]->type == PROF_EV_SYSCALL && ev[i]->end_ns >= ev[i]->ts_ns)
			exits[nx++] = (struct item){ .e = ev[i], .t = ev[i]->end_ns,
						     .exit_sample = true };
	if (nx > 1)
		qsort(exits, nx, sizeof(*exits), cmp_item);
	if (walk(&c, ev, n, exits, nx, root))
		goto cleanup;
	for (i = 0; i < c.tmap.n; i++) {
		close_state(&c, &c.thr[i], c.b[BD_PHASES]);
		if (c.thr[i].seen)
			out->threads_seen++;
	}
	for (p = 0; p < NB; p++) {
		struct bd_costs *q = costs(&c, p);

		q->on_cpu_ns = c.st[0][p];
		q->runnable_ns = c.st[1][p];
		q->blocked_ns = c.st[2][p];
		q->syscall_ns = c.sys_ns[p];
	}
	if (rank_syscalls(&c))
		goto cleanup;
	err = 0;
cleanup:
	free(exits);
	free(c.thr);
	free(c.sc);
	idmap_free(&c.tmap);
	idmap_free(&c.smap);
	if (err) {
		breakdown_clear(out);
		errno = err;
		return -1;
	}
	return 0;
}
