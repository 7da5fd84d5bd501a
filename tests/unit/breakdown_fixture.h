/*
 * What the breakdown's unit tests share (test_breakdown*.c): the marks of a standard cold
 * start, builders of the events the tracer sends with --breakdown, breakdown_build on
 * them in time order as coldstart_build calls it, and the single-threaded cold start
 * whose every figure the tests work out by hand in ns. Include after cmocka.h.
 */
#ifndef BREAKDOWN_FIXTURE_H
#define BREAKDOWN_FIXTURE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include "breakdown_build.h"
#include "coldstart.h"
#include "test_helpers.h"

#define ROOT 100u

/* Boundaries 0..8 of the standard cold start (ns). */
#define B0 1000000u	/* exec_enter */
#define B1 1100000u	/* exec_done */
#define B2 1300000u	/* entry */
#define B3 1600000u	/* connect_start */
#define B4 1700000u	/* connect_end */
#define B5 1800000u	/* next_sent */
#define B6 2800000u	/* event_received */
#define B7 3000000u	/* response_first */
#define B8 3100000u	/* response_sent */

static __attribute__((unused)) const uint64_t bnd[BD_PHASES + 1] = {
	B0, B1, B2, B3, B4, B5, B6, B7, B8,
};

struct evs {
	struct prof_event ev[128];
	size_t n;
};

/* breakdown_build on the events in time order, as coldstart_build hands them over. */
static __attribute__((unused)) int build(const struct prof_event *ev, size_t n, uint32_t root,
					 const struct phase_marks *k, struct breakdown *out)
{
	const struct prof_event **s;
	int ret;

	assert_int_equal(events_by_time(ev, n, &s), 0);
	ret = breakdown_build(s, n, root, k, out);
	free(s);
	return ret;
}

static __attribute__((unused)) struct phase_marks marks(void)
{
	struct phase_marks k;

	memset(&k, 0, sizeof(k));
	k.exec_enter = B0;
	k.exec_done = B1;
	k.entry = B2;
	k.connect_start = B3;
	k.connect_end = B4;
	k.next_sent = B5;
	k.event_received = B6;
	k.response_first = B7;
	k.response_sent = B8;
	return k;
}

static __attribute__((unused)) struct prof_sample smp(uint64_t min, uint64_t maj, uint64_t rd,
						       uint64_t rss)
{
	struct prof_sample s = { .min_flt = min, .maj_flt = maj, .read_bytes = rd, .rss_kb = rss };

	return s;
}

static __attribute__((unused)) struct prof_event *add(struct evs *b, uint32_t type, uint32_t pid,
						       uint64_t ts)
{
	struct prof_event *e;

	assert_true(b->n < sizeof(b->ev) / sizeof(b->ev[0]));
	e = &b->ev[b->n++];
	*e = test_event(type, ROOT, ROOT, pid, ts, 0, 0);
	e->fd = -1;
	return e;
}

static __attribute__((unused)) struct prof_event *sys(struct evs *b, uint32_t pid, long nr,
						       uint64_t ts, uint64_t end)
{
	struct prof_event *e = add(b, PROF_EV_SYSCALL, pid, ts);

	e->end_ns = end;
	e->arg = (uint64_t)nr;
	return e;
}

static __attribute__((unused)) void sys_s(struct evs *b, uint32_t pid, long nr, uint64_t ts,
					   uint64_t end, struct prof_sample at_entry,
					   struct prof_sample at)
{
	struct prof_event *e = sys(b, pid, nr, ts, end);

	e->bd.at_entry = at_entry;
	e->bd.at = at;
}

static __attribute__((unused)) void sw_in(struct evs *b, uint32_t pid, uint64_t ts)
{
	add(b, PROF_EV_SWITCH_IN, pid, ts);
}

static __attribute__((unused)) void sw_out(struct evs *b, uint32_t pid, uint64_t ts, int preempted,
					    struct prof_sample s)
{
	struct prof_event *e = add(b, PROF_EV_SWITCH_OUT, pid, ts);

	e->arg = (uint64_t)preempted;
	e->bd.at = s;
}

static __attribute__((unused)) void wakeup(struct evs *b, uint32_t pid, uint64_t ts)
{
	add(b, PROF_EV_WAKEUP, pid, ts);
}

static __attribute__((unused)) void fork_ev(struct evs *b, uint32_t parent, uint32_t child,
					     uint64_t ts, bool thread)
{
	struct prof_event *e = add(b, PROF_EV_FORK, parent, ts);

	e->arg = child;
	e->ppid = ROOT;
	e->flags = thread ? PROF_F_THREAD : 0;
}

static __attribute__((unused)) void thread_exit(struct evs *b, uint32_t pid, uint64_t ts,
						 struct prof_sample s)
{
	add(b, PROF_EV_THREAD_EXIT, pid, ts)->bd.at = s;
}

static __attribute__((unused)) void api(struct evs *b, uint32_t type, uint64_t ts, uint64_t end,
					 int64_t ret)
{
	struct prof_event *e = add(b, type, ROOT, ts);

	e->end_ns = end;
	e->ret = ret;
	e->arg = ret > 0 ? (uint64_t)ret : 10;
	e->conn_id = 1;
	e->fd = 3;
}

static __attribute__((unused)) uint64_t state_sum(const struct bd_costs *c)
{
	return c->on_cpu_ns + c->runnable_ns + c->blocked_ns;
}

/* Sums of the per-phase figures equal the window's. */
static __attribute__((unused)) void assert_tree_is_sum(const struct breakdown *bd)
{
	uint64_t on = 0, run = 0, blk = 0, sys_ns = 0, dur = 0;

	for (int p = 0; p < BD_PHASES; p++) {
		on += bd->ph[p].c.on_cpu_ns;
		run += bd->ph[p].c.runnable_ns;
		blk += bd->ph[p].c.blocked_ns;
		sys_ns += bd->ph[p].c.syscall_ns;
		dur += bd->ph[p].dur_ns;
	}
	assert_int_equal(on, bd->tree.on_cpu_ns);
	assert_int_equal(run, bd->tree.runnable_ns);
	assert_int_equal(blk, bd->tree.blocked_ns);
	assert_int_equal(sys_ns, bd->tree.syscall_ns);
	assert_int_equal(dur, bd->window_end_ns - bd->window_start_ns);
}

/* The single-threaded cold start of the build, JSON and text tests. */
static __attribute__((unused)) void single_thread(struct evs *b)
{
	const struct prof_sample s1 = smp(90, 2, 8192, 1500), s2 = smp(95, 2, 8192, 1500);

	sys_s(b, ROOT, SYS_execve, B0, 1150000, smp(0, 0, 0, 0), smp(50, 2, 8192, 900));
	add(b, PROF_EV_EXEC_DONE, ROOT, B1);
	add(b, PROF_EV_ENTRY, ROOT, B2)->bd.at = smp(80, 2, 8192, 1200);
	sys_s(b, ROOT, SYS_connect, B3, B4, s1, s1);
	/* the last (only) write of GET next enters at next_sent: wait_event's */
	api(b, PROF_EV_WRITE, B5, 1810000, 80);
	sys_s(b, ROOT, SYS_write, B5, 1810000, s1, s1);
	/* the read of the event blocks in wait_event */
	api(b, PROF_EV_READ, 1900000, B6, 300);
	sys_s(b, ROOT, SYS_read, 1900000, B6, s1, s2);
	sw_out(b, ROOT, 2000000, 0, s2);
	wakeup(b, ROOT, 2500000);
	sw_in(b, ROOT, 2600000);
	api(b, PROF_EV_WRITE, B7, 3010000, 100);
	sys_s(b, ROOT, SYS_write, B7, 3010000, s2, s2);
	api(b, PROF_EV_WRITE, B8, 3110000, 11);
	sys_s(b, ROOT, SYS_write, B8, 3110000, s2, s2);
}
#endif
