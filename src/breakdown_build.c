// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --breakdown: the events of one cold start -> where its milliseconds went,
 * phase by phase. The rules are in breakdown_build.h.
 *
 * One walk over the events in time order (the caller sorted them). A SYSCALL
 * event carries two samples, one at its entry (ts_ns) and one at its exit
 * (end_ns); the exit sample is walked as an item of its own at end_ns so that
 * every thread's samples are seen in time order (a SWITCH_OUT inside the
 * syscall comes between them). Only those exit samples are sorted here (by
 * end_ns), then merged into the sorted events.
 */
#include "breakdown_build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "idmap.h"

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
	uint32_t count[BD_SLOTS];
	uint64_t ns[BD_SLOTS];
};

struct item {
	const struct prof_event *e;
	uint64_t t;
	bool exit_sample;	/* SYSCALL: its exit sample, at end_ns */
};

struct ctx {
	uint64_t b[BD_PHASES + 1];	/* boundaries 0..8 */
	struct breakdown *out;
	struct idmap tmap;
	struct thr *thr;
	size_t thr_cap;
	struct idmap smap;
	struct sc_row *sc;
	size_t sc_cap;
	uint64_t st[3][BD_SLOTS];	/* on_cpu, runnable, blocked */
	uint64_t sys_ns[BD_SLOTS];
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
 * inside the window to acc[BD_TREE] (the same sum: the phases tile it). */
static void add_split(const uint64_t *b, uint64_t s, uint64_t e, uint64_t acc[BD_SLOTS])
{
	int i;

	for (i = 0; i < BD_PHASES; i++) {
		uint64_t lo = s > b[i] ? s : b[i];
		uint64_t hi = e < b[i + 1] ? e : b[i + 1];

		if (hi > lo) {
			acc[i] += hi - lo;
			acc[BD_TREE] += hi - lo;
		}
	}
}

static struct bd_costs *costs(struct ctx *c, int p)
{
	return BD_SLOT_COSTS(c->out, p);
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
		int q[2] = { p, BD_TREE };

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
			r->count[BD_TREE]++;
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
	int q[2] = { p, BD_TREE };

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

static int rank_syscalls(struct ctx *c)
{
	size_t nrows = c->smap.n, i, m;
	struct bd_syscall *cand = calloc(nrows ? nrows : 1, sizeof(*cand));

	if (!cand)
		return -1;
	for (int p = 0; p < BD_SLOTS; p++) {
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

/* Boundaries 0..8 from the marks (breakdown.h: a missing or out-of-order mark is replaced by
 * the boundary before it), and the phases' starts, durations and measured flags. */
static void set_boundaries(struct ctx *c, const struct phase_marks *k)
{
	const uint64_t raw[BD_PHASES - 1] = {
		k->exec_done, k->entry, k->connect_start, k->connect_end, k->next_sent,
		k->event_received, k->response_first,
	};
	struct breakdown *out = c->out;
	int p;

	c->b[0] = k->exec_enter;
	c->b[BD_PHASES] = k->response_sent;
	for (p = 1; p < BD_PHASES; p++) {
		uint64_t v = raw[p - 1];
		bool ok = v && v >= c->b[p - 1] && v <= c->b[BD_PHASES];

		c->b[p] = ok ? v : c->b[p - 1];
		out->ph[p - 1].measured = ok;
	}
	out->ph[BD_PHASES - 1].measured = true;
	out->window_start_ns = c->b[0];
	out->window_end_ns = c->b[BD_PHASES];
	for (p = 0; p < BD_PHASES; p++) {
		out->ph[p].start_ns = c->b[p];
		out->ph[p].dur_ns = c->b[p + 1] - c->b[p];
	}
}

/* The exit samples of the SYSCALL events, sorted by end_ns (malloc'd; *nx of them), or NULL
 * when out of memory. */
static struct item *exit_samples(const struct prof_event *const *ev, size_t n, size_t *nx)
{
	struct item *exits;

	*nx = 0;
	if (n > SIZE_MAX / sizeof(*exits))
		return NULL;
	exits = malloc((n ? n : 1) * sizeof(*exits));
	if (!exits)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (ev[i]->type == PROF_EV_SYSCALL && ev[i]->end_ns >= ev[i]->ts_ns)
			exits[(*nx)++] = (struct item){ .e = ev[i], .t = ev[i]->end_ns,
							.exit_sample = true };
	if (*nx > 1)
		qsort(exits, *nx, sizeof(*exits), cmp_item);
	return exits;
}

/* After the walk: every thread's state ends at boundary 8; the sums go to the costs. */
static void close_window(struct ctx *c)
{
	for (size_t i = 0; i < c->tmap.n; i++) {
		close_state(c, &c->thr[i], c->b[BD_PHASES]);
		if (c->thr[i].seen)
			c->out->threads_seen++;
	}
	for (int p = 0; p < BD_SLOTS; p++) {
		struct bd_costs *q = costs(c, p);

		q->on_cpu_ns = c->st[0][p];
		q->runnable_ns = c->st[1][p];
		q->blocked_ns = c->st[2][p];
		q->syscall_ns = c->sys_ns[p];
	}
}

int breakdown_build(const struct prof_event *const *ev, size_t n, uint32_t root,
		    const struct phase_marks *k, struct breakdown *out)
{
	struct ctx c = { .out = out, .root = root };
	struct item *exits = NULL;
	size_t nx = 0;
	int err = ENOMEM;

	if ((!ev && n) || !k || !out) {
		errno = EINVAL;
		return -1;
	}
	breakdown_clear(out);
	if (!k->exec_enter || !k->response_sent || k->response_sent < k->exec_enter) {
		errno = ENOENT;
		return -1;
	}
	c.exec_done = k->exec_done ? k->exec_done : k->exec_enter;
	set_boundaries(&c, k);
	exits = exit_samples(ev, n, &nx);
	if (!exits || walk(&c, ev, n, exits, nx, root))
		goto cleanup;
	close_window(&c);
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
