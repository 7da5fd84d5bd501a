// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unit tests for src/breakdown_build.c: synthetic event sequences of one cold start
 * -> per-phase costs, with every expected figure worked out by hand in ns. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <cmocka.h>
#include "breakdown_fixture.h"
#include "breakdown_build.h"

/* all marks, one thread: exact durations and thread states. */
static void test_single_thread(void **state)
{
	struct evs b = { .n = 0 };
	struct phase_marks k = marks();
	struct breakdown bd;
	uint64_t sum = 0;

	(void)state;
	single_thread(&b);
	wakeup(&b, ROOT, 1200000);	/* woken while on CPU: no change */
	assert_int_equal(build(b.ev, b.n, ROOT, &k, &bd), 0);
	assert_int_equal(bd.window_start_ns, B0);
	assert_int_equal(bd.window_end_ns, B8);
	for (int p = 0; p < BD_PHASES; p++) {
		assert_true(bd.ph[p].measured);
		assert_int_equal(bd.ph[p].start_ns, bnd[p]);
		assert_int_equal(bd.ph[p].dur_ns, bnd[p + 1] - bnd[p]);
		assert_int_equal(state_sum(&bd.ph[p].c), bd.ph[p].dur_ns);
		sum += bd.ph[p].dur_ns;
		if (p != BD_WAIT_EVENT) {
			assert_int_equal(bd.ph[p].c.on_cpu_ns, bd.ph[p].dur_ns);
			assert_int_equal(bd.ph[p].c.blocked_ns, 0);
		}
	}
	assert_int_equal(sum, B8 - B0);
	/* wait_event [1.8, 2.8) ms: on CPU to 2.0, blocked to 2.5, runnable to 2.6 */
	assert_int_equal(bd.ph[BD_WAIT_EVENT].c.on_cpu_ns, 200000 + 200000);
	assert_int_equal(bd.ph[BD_WAIT_EVENT].c.blocked_ns, 500000);
	assert_int_equal(bd.ph[BD_WAIT_EVENT].c.runnable_ns, 100000);
	assert_int_equal(bd.tree.blocked_ns, 500000);
	assert_int_equal(bd.tree.runnable_ns, 100000);
	assert_int_equal(bd.tree.on_cpu_ns, B8 - B0 - 600000);
	assert_tree_is_sum(&bd);
	assert_int_equal(bd.threads_seen, 1);
	/* the write at B8 is in write_response, its time after B8 is not counted */
	assert_int_equal(bd.ph[BD_WRITE_RESPONSE].c.syscalls, 2);
	assert_int_equal(bd.ph[BD_WRITE_RESPONSE].c.syscall_ns, 10000);
	assert_int_equal(bd.tree.syscalls, 6);
	/* execve 150000 (split 100000 / 50000), connect 100000, write 10000 x2, read 900000 */
	assert_int_equal(bd.ph[BD_EXEC].c.syscall_ns, 100000);
	assert_int_equal(bd.ph[BD_DYNLOAD].c.syscall_ns, 50000);
	assert_int_equal(bd.tree.syscall_ns, 150000 + 100000 + 10000 + 900000 + 10000);
	assert_int_equal(bd.tree.top[0].nr, SYS_read);
	assert_int_equal(bd.tree.top[1].nr, SYS_execve);
	assert_int_equal(bd.tree.top[2].nr, SYS_connect);
	assert_int_equal(bd.tree.top[3].nr, SYS_write);
	assert_int_equal(bd.tree.top[3].count, 3);
	assert_int_equal(bd.tree.top[3].ns, 20000);
	assert_int_equal(bd.tree.top[4].nr, -1);
	assert_false(bd.bpf_tree_measured);
}

/* no ENTRY mark: dynamic_loading unmeasured, its time in runtime_init. */
static void test_missing_entry(void **state)
{
	struct evs b = { .n = 0 };
	struct phase_marks k = marks();
	struct breakdown bd;

	(void)state;
	k.entry = 0;
	single_thread(&b);
	assert_int_equal(build(b.ev, b.n, ROOT, &k, &bd), 0);
	assert_false(bd.ph[BD_DYNLOAD].measured);
	assert_int_equal(bd.ph[BD_DYNLOAD].dur_ns, 0);
	assert_int_equal(bd.ph[BD_DYNLOAD].start_ns, B1);
	assert_int_equal(state_sum(&bd.ph[BD_DYNLOAD].c), 0);
	assert_int_equal(bd.ph[BD_DYNLOAD].c.syscall_ns, 0);
	assert_int_equal(bd.ph[BD_DYNLOAD].c.min_flt, 0);
	assert_true(bd.ph[BD_RUNTIME_INIT].measured);
	assert_int_equal(bd.ph[BD_RUNTIME_INIT].start_ns, B1);
	assert_int_equal(bd.ph[BD_RUNTIME_INIT].dur_ns, B3 - B1);
	/* execve's tail after exec_done now lands in runtime_init */
	assert_int_equal(bd.ph[BD_RUNTIME_INIT].c.syscall_ns, 50000);
	assert_true(bd.ph[BD_EXEC].measured);
	assert_int_equal(bd.ph[BD_EXEC].dur_ns, B1 - B0);
	assert_tree_is_sum(&bd);
}

/* a mark before the one before it, or after response_sent, is replaced. */
static void test_out_of_order_marks(void **state)
{
	struct phase_marks k = marks();
	struct breakdown bd;
	uint64_t sum = 0;

	(void)state;
	k.connect_start = 1200000;	/* before entry (B2) */
	k.response_first = B8 + 1;	/* after response_sent */
	assert_int_equal(breakdown_build(NULL, 0, ROOT, &k, &bd), 0);
	assert_false(bd.ph[BD_RUNTIME_INIT].measured);
	assert_int_equal(bd.ph[BD_RUNTIME_INIT].dur_ns, 0);
	assert_true(bd.ph[BD_CONNECT].measured);
	assert_int_equal(bd.ph[BD_CONNECT].start_ns, B2);
	assert_int_equal(bd.ph[BD_CONNECT].dur_ns, B4 - B2);
	assert_false(bd.ph[BD_HANDLER].measured);
	assert_int_equal(bd.ph[BD_HANDLER].dur_ns, 0);
	assert_int_equal(bd.ph[BD_WRITE_RESPONSE].start_ns, B6);
	assert_int_equal(bd.ph[BD_WRITE_RESPONSE].dur_ns, B8 - B6);
	assert_true(bd.ph[BD_WRITE_RESPONSE].measured);
	for (int p = 0; p < BD_PHASES; p++)
		sum += bd.ph[p].dur_ns;
	assert_int_equal(sum, B8 - B0);
	/* no events: the root alone is on CPU through the window */
	assert_int_equal(bd.tree.on_cpu_ns, B8 - B0);
	assert_int_equal(bd.ph[BD_CONNECT].c.on_cpu_ns, B4 - B2);
	assert_int_equal(bd.threads_seen, 1);

	/* a chain: every mark 0 but the ends -> write_response holds all */
	memset(&k, 0, sizeof(k));
	k.exec_enter = B0;
	k.response_sent = B8;
	assert_int_equal(breakdown_build(NULL, 0, ROOT, &k, &bd), 0);
	for (int p = 0; p < BD_WRITE_RESPONSE; p++) {
		assert_false(bd.ph[p].measured);
		assert_int_equal(bd.ph[p].dur_ns, 0);
		assert_int_equal(bd.ph[p].start_ns, B0);
	}
	assert_int_equal(bd.ph[BD_WRITE_RESPONSE].dur_ns, B8 - B0);
	assert_int_equal(bd.ph[BD_WRITE_RESPONSE].c.on_cpu_ns, B8 - B0);

	/* a mark equal to the one before is kept: measured, duration 0 */
	k = marks();
	k.connect_end = B3;
	assert_int_equal(breakdown_build(NULL, 0, ROOT, &k, &bd), 0);
	assert_true(bd.ph[BD_CONNECT].measured);
	assert_int_equal(bd.ph[BD_CONNECT].dur_ns, 0);
	assert_int_equal(bd.ph[BD_REQUEST_NEXT].dur_ns, B5 - B3);
}

/* a syscall across a boundary: time split, counted once in its entry phase. */
static void test_syscall_split(void **state)
{
	struct evs b = { .n = 0 };
	struct phase_marks k = marks();
	struct breakdown bd;

	(void)state;
	sys(&b, ROOT, SYS_poll, 1750000, 1850000);	/* request_next -> wait_event */
	sys(&b, ROOT, SYS_futex, B0 - 40000, B0 + 30000);	/* entered before the window */
	sys(&b, ROOT, SYS_nanosleep, B8 - 20000, B8 + 50000);	/* ends after it */
	sys(&b, ROOT, SYS_getpid, B8 + 1, B8 + 10);	/* outside */
	assert_int_equal(build(b.ev, b.n, ROOT, &k, &bd), 0);
	assert_int_equal(bd.ph[BD_REQUEST_NEXT].c.syscalls, 1);
	assert_int_equal(bd.ph[BD_REQUEST_NEXT].c.syscall_ns, 50000);
	assert_int_equal(bd.ph[BD_WAIT_EVENT].c.syscalls, 0);
	assert_int_equal(bd.ph[BD_WAIT_EVENT].c.syscall_ns, 50000);
	/* the wait_event part of poll is in its top list with count 0 */
	assert_int_equal(bd.ph[BD_WAIT_EVENT].c.top[0].nr, SYS_poll);
	assert_int_equal(bd.ph[BD_WAIT_EVENT].c.top[0].count, 0);
	assert_int_equal(bd.ph[BD_WAIT_EVENT].c.top[0].ns, 50000);
	assert_int_equal(bd.ph[BD_WAIT_EVENT].c.top[1].nr, -1);
	assert_int_equal(bd.ph[BD_EXEC].c.syscalls, 0);
	assert_int_equal(bd.ph[BD_EXEC].c.syscall_ns, 30000);
	assert_int_equal(bd.ph[BD_WRITE_RESPONSE].c.syscalls, 1);
	assert_int_equal(bd.ph[BD_WRITE_RESPONSE].c.syscall_ns, 20000);
	assert_int_equal(bd.tree.syscalls, 2);
	assert_int_equal(bd.tree.syscall_ns, 100000 + 30000 + 20000);
	assert_int_equal(bd.tree.top[0].nr, SYS_poll);
	assert_int_equal(bd.tree.top[0].count, 1);
	assert_int_equal(bd.tree.top[0].ns, 100000);
	assert_int_equal(bd.tree.top[1].nr, SYS_futex);
	assert_int_equal(bd.tree.top[1].count, 0);
	assert_int_equal(bd.tree.top[2].nr, SYS_nanosleep);
	assert_int_equal(bd.tree.top[3].nr, -1);
	assert_tree_is_sum(&bd);
}

/* faults and storage reads from the per-thread samples. */
static void test_faults(void **state)
{
	struct evs b = { .n = 0 };
	struct phase_marks k = marks();
	struct breakdown bd;

	(void)state;
	/* execve: baseline 10 at B0 (not counted), exit sample ON exec_done -> exec */
	sys_s(&b, ROOT, SYS_execve, B0, B1, smp(10, 0, 0, 0), smp(30, 1, 4096, 0));
	/* a syscall across B2 with a switch inside: samples in time order */
	sys_s(&b, ROOT, SYS_openat, 1250000, 1350000, smp(35, 1, 4096, 0), smp(42, 1, 12288, 0));
	sw_out(&b, ROOT, 1280000, 1, smp(40, 1, 8192, 0));
	sw_in(&b, ROOT, 1290000);
	/* a thread forked in runtime_init: its counters start at 0 */
	fork_ev(&b, ROOT, 101, 1400000, true);
	sw_in(&b, 101, 1410000);
	sw_out(&b, 101, 1500000, 0, smp(7, 0, 0, 0));
	/* a thread not forked in the window: first sample is its baseline */
	sw_out(&b, 102, 1450000, 0, smp(1000, 5, 0, 0));
	sw_in(&b, 102, 1460000);
	sw_out(&b, 102, 1900000, 0, smp(1003, 5, 0, 0));	/* wait_event */
	/* a sample exactly at response_sent is write_response's */
	sw_out(&b, ROOT, B8, 1, smp(50, 1, 12288, 0));
	/* after the window: not counted */
	sw_in(&b, ROOT, B8 + 100);
	sw_out(&b, ROOT, B8 + 200, 1, smp(500, 9, 99999, 0));
	assert_int_equal(build(b.ev, b.n, ROOT, &k, &bd), 0);
	assert_int_equal(bd.ph[BD_EXEC].c.min_flt, 20);
	assert_int_equal(bd.ph[BD_EXEC].c.maj_flt, 1);
	assert_int_equal(bd.ph[BD_EXEC].c.read_bytes, 4096);
	/* 30 -> 35 (entry at 1.25) and 35 -> 40 (switch at 1.28): dynamic_loading */
	assert_int_equal(bd.ph[BD_DYNLOAD].c.min_flt, 10);
	assert_int_equal(bd.ph[BD_DYNLOAD].c.read_bytes, 4096);
	/* 40 -> 42 at the exit (1.35) and the thread's 7: runtime_init */
	assert_int_equal(bd.ph[BD_RUNTIME_INIT].c.min_flt, 2 + 7);
	assert_int_equal(bd.ph[BD_RUNTIME_INIT].c.read_bytes, 4096);
	assert_int_equal(bd.ph[BD_RUNTIME_INIT].c.maj_flt, 0);
	assert_int_equal(bd.ph[BD_WAIT_EVENT].c.min_flt, 3);
	assert_int_equal(bd.ph[BD_WRITE_RESPONSE].c.min_flt, 8);
	assert_int_equal(bd.ph[BD_WRITE_RESPONSE].c.read_bytes, 0);
	assert_int_equal(bd.tree.min_flt, 20 + 10 + 9 + 3 + 8);
	assert_int_equal(bd.tree.maj_flt, 1);
	assert_int_equal(bd.tree.read_bytes, 12288);
	assert_int_equal(bd.tree.threads, 1);
	assert_int_equal(bd.tree.processes, 0);
	assert_int_equal(bd.ph[BD_RUNTIME_INIT].c.threads, 1);
	assert_int_equal(bd.peak_rss_kb, 0);
	assert_int_equal(bd.peak_rss_phase, -1);
}

/* top syscalls: by time, then count, then nr; BD_TOP kept. */
static void test_top_syscalls(void **state)
{
	struct evs b = { .n = 0 };
	struct phase_marks k = marks();
	struct breakdown bd;
	uint64_t t = 1310000;

	(void)state;
	/* nr 200..211 in runtime_init, nr i takes (i - 199) * 100 ns: 12 types */
	for (int i = 200; i < 212; i++, t += 10000)
		sys(&b, ROOT, i, t, t + (uint64_t)(i - 199) * 100);
	/* ties with nr 205 (600 ns): nr 150 twice 300 ns (more calls), nr 151 600 ns */
	sys(&b, ROOT, 150, t, t + 300);
	sys(&b, ROOT, 150, t + 1000, t + 1300);
	sys(&b, ROOT, 151, t + 2000, t + 2600);
	assert_int_equal(build(b.ev, b.n, ROOT, &k, &bd), 0);
	{
		const struct bd_syscall *top = bd.ph[BD_RUNTIME_INIT].c.top;
		const int32_t want[BD_TOP] = { 211, 210, 209, 208, 207, 206, 150, 151, 205, 204 };

		for (int j = 0; j < BD_TOP; j++)
			assert_int_equal(top[j].nr, want[j]);
		assert_int_equal(top[0].ns, 1200);
		assert_int_equal(top[0].count, 1);
		assert_int_equal(top[6].count, 2);
		assert_int_equal(top[6].ns, 600);
		assert_int_equal(top[9].ns, 500);
	}
	assert_int_equal(bd.ph[BD_RUNTIME_INIT].c.syscalls, 15);
	assert_int_equal(bd.tree.syscalls, 15);
	assert_int_equal(bd.ph[BD_EXEC].c.top[0].nr, -1);
	assert_int_equal(bd.ph[BD_EXEC].c.top[BD_TOP - 1].nr, -1);
}

/* API bytes: writes by entry ts, reads by exit ts. */
static void test_api_bytes(void **state)
{
	struct evs b = { .n = 0 };
	struct phase_marks k = marks();
	struct breakdown bd;

	(void)state;
	api(&b, PROF_EV_WRITE, 1750000, 1850000, 70);	/* request_next */
	api(&b, PROF_EV_READ, 2700000, 2900000, 500);	/* exits in handler */
	api(&b, PROF_EV_READ, 2000000, 2100000, -11);	/* EAGAIN */
	api(&b, PROF_EV_WRITE, 1760000, 1770000, 0);
	api(&b, PROF_EV_WRITE, B8, B8 + 5, 9);		/* on boundary 8: write_response */
	api(&b, PROF_EV_WRITE, B8 + 1, B8 + 5, 1000);	/* after */
	api(&b, PROF_EV_READ, B0 - 100, B0 - 10, 1000);	/* before */
	assert_int_equal(build(b.ev, b.n, ROOT, &k, &bd), 0);
	assert_int_equal(bd.ph[BD_REQUEST_NEXT].c.api_bytes_sent, 70);
	assert_int_equal(bd.ph[BD_WAIT_EVENT].c.api_bytes_sent, 0);
	assert_int_equal(bd.ph[BD_WAIT_EVENT].c.api_bytes_received, 0);
	assert_int_equal(bd.ph[BD_HANDLER].c.api_bytes_received, 500);
	assert_int_equal(bd.ph[BD_WRITE_RESPONSE].c.api_bytes_sent, 9);
	assert_int_equal(bd.tree.api_bytes_sent, 79);
	assert_int_equal(bd.tree.api_bytes_received, 500);
}

/* peak RSS: the first sample with the largest value in the window. */
static void test_peak_rss(void **state)
{
	struct evs b = { .n = 0 };
	struct phase_marks k = marks();
	struct breakdown bd;

	(void)state;
	sw_out(&b, ROOT, B0 - 10, 1, smp(0, 0, 0, 90000));	/* before: ignored */
	sw_out(&b, ROOT, 1200000, 1, smp(0, 0, 0, 1000));
	sw_out(&b, 101, 1650000, 1, smp(0, 0, 0, 5000));	/* connect */
	sw_out(&b, ROOT, 2000000, 1, smp(0, 0, 0, 5000));	/* same: not the first */
	sw_out(&b, ROOT, 2100000, 1, smp(0, 0, 0, 0));		/* no mm */
	sw_out(&b, ROOT, B8 + 1, 1, smp(0, 0, 0, 9000));	/* after: ignored */
	assert_int_equal(build(b.ev, b.n, ROOT, &k, &bd), 0);
	assert_int_equal(bd.peak_rss_kb, 5000);
	assert_int_equal(bd.peak_rss_at_ns, 1650000);
	assert_int_equal(bd.peak_rss_phase, BD_CONNECT);

	/* a sample on a boundary: the point rule puts it in the phase it starts */
	b.n = 0;
	sys_s(&b, ROOT, SYS_mmap, 1500000, B3, smp(0, 0, 0, 10), smp(0, 0, 0, 700));
	assert_int_equal(build(b.ev, b.n, ROOT, &k, &bd), 0);
	assert_int_equal(bd.peak_rss_kb, 700);
	assert_int_equal(bd.peak_rss_at_ns, B3);
	assert_int_equal(bd.peak_rss_phase, BD_CONNECT);

	/* the root before exec_done runs in its spawner's memory (vfork): not its RSS;
	 * another process at the same moment is */
	b.n = 0;
	sw_out(&b, ROOT, 1050000, 1, smp(0, 0, 0, 40000));
	sw_out(&b, 101, 1060000, 1, smp(0, 0, 0, 300));
	b.ev[b.n - 1].tgid = 101;	/* a process of its own */
	sw_out(&b, ROOT, B1, 1, smp(0, 0, 0, 200));
	assert_int_equal(build(b.ev, b.n, ROOT, &k, &bd), 0);
	assert_int_equal(bd.peak_rss_kb, 300);
	assert_int_equal(bd.peak_rss_at_ns, 1060000);
	assert_int_equal(bd.peak_rss_phase, BD_EXEC);
}

/* several threads: states per thread, creation, backfill, gone. */
static void test_multi_thread(void **state)
{
	struct evs b = { .n = 0 };
	struct phase_marks k = marks();
	struct breakdown bd;
	/* expected per phase, worked out by hand from the sequence below */
	const uint64_t on[BD_PHASES] = { 100000, 200000, 350000, 100000, 150000, 2150000, 300000,
					 100000 };
	const uint64_t run[BD_PHASES] = { 100000, 200000, 350000, 100000, 50000, 150000, 100000,
					  130000 };
	const uint64_t blk[BD_PHASES] = { 100000, 200000, 400000, 200000, 200000, 500000, 0, 0 };
	/* threads alive: root and 102 all along, 103 to 2.4 ms, 101 from 1.4 to 2.0, 104 30 us */
	const uint64_t alive_extra[BD_PHASES] = { 0, 0, 200000, 100000, 100000, 200000, 0, 30000 };

	(void)state;
	/* 101: a thread forked in runtime_init, exits in wait_event */
	fork_ev(&b, ROOT, 101, 1400000, true);
	sw_in(&b, 101, 1450000);
	sw_out(&b, 101, 1500000, 0, smp(0, 0, 0, 0));
	wakeup(&b, 101, 1900000);
	sw_in(&b, 101, 1950000);
	thread_exit(&b, 101, 2000000, smp(0, 0, 0, 0));
	/* 102: unknown until it gets the CPU at 1.75 ms (so it was runnable) */
	sw_in(&b, 102, 1750000);
	sw_out(&b, 102, 2900000, 1, smp(0, 0, 0, 0));
	/* 103: first seen woken at 2.2 ms (so it was blocked), its process exits at 2.4 */
	wakeup(&b, 103, 2200000);
	sw_in(&b, 103, 2300000);
	add(&b, PROF_EV_EXIT, 103, 2400000);
	sw_in(&b, 103, 2500000);		/* after gone: ignored */
	sw_out(&b, 103, 2600000, 1, smp(0, 0, 0, 0));
	/* 104: a process forked in write_response that ends before the CPU */
	fork_ev(&b, ROOT, 104, 3050000, false);
	thread_exit(&b, 104, 3080000, smp(0, 0, 0, 0));
	assert_int_equal(build(b.ev, b.n, ROOT, &k, &bd), 0);
	for (int p = 0; p < BD_PHASES; p++) {
		const struct bd_costs *c = &bd.ph[p].c;

		assert_int_equal(c->on_cpu_ns, on[p]);
		assert_int_equal(c->runnable_ns, run[p]);
		assert_int_equal(c->blocked_ns, blk[p]);
		/* root, 102 and 103 alive through phases 0..4 */
		assert_int_equal(state_sum(c), bd.ph[p].dur_ns * (p <= BD_REQUEST_NEXT ? 3 : 2) +
							 alive_extra[p] +
							 (p == BD_WAIT_EVENT ? 600000 : 0));
	}
	assert_tree_is_sum(&bd);
	assert_int_equal(bd.threads_seen, 5);
	assert_int_equal(bd.tree.threads, 2);
	assert_int_equal(bd.tree.processes, 1);
	assert_int_equal(bd.ph[BD_RUNTIME_INIT].c.threads, 1);
	assert_int_equal(bd.ph[BD_RUNTIME_INIT].c.processes, 0);
	assert_int_equal(bd.ph[BD_WRITE_RESPONSE].c.threads, 1);
	assert_int_equal(bd.ph[BD_WRITE_RESPONSE].c.processes, 1);
}

/* bad arguments and missing window ends. */
static void test_errors(void **state)
{
	struct phase_marks k = marks();
	struct breakdown bd;
	struct prof_event e;
	const struct prof_event *one[] = { &e };

	(void)state;
	memset(&e, 0, sizeof(e));
	errno = 0;
	assert_int_equal(breakdown_build(NULL, 1, ROOT, &k, &bd), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(breakdown_build(one, 1, ROOT, NULL, &bd), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(breakdown_build(one, 1, ROOT, &k, NULL), -1);
	assert_int_equal(errno, EINVAL);

	k.exec_enter = 0;
	memset(&bd, 0x5a, sizeof(bd));
	errno = 0;
	assert_int_equal(breakdown_build(one, 1, ROOT, &k, &bd), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(bd.window_start_ns, 0);
	assert_int_equal(bd.window_end_ns, 0);
	assert_int_equal(bd.ph[BD_HANDLER].dur_ns, 0);
	assert_false(bd.ph[BD_HANDLER].measured);
	assert_int_equal(bd.tree.on_cpu_ns, 0);
	assert_int_equal(bd.tree.top[0].nr, -1);
	assert_int_equal(bd.peak_rss_phase, -1);

	k = marks();
	k.response_sent = 0;
	errno = 0;
	assert_int_equal(breakdown_build(NULL, 0, ROOT, &k, &bd), -1);
	assert_int_equal(errno, ENOENT);
	k.response_sent = B0 - 1;
	errno = 0;
	assert_int_equal(breakdown_build(NULL, 0, ROOT, &k, &bd), -1);
	assert_int_equal(errno, ENOENT);

	/* an empty window is a breakdown: all durations 0 */
	k.response_sent = B0;
	assert_int_equal(breakdown_build(NULL, 0, ROOT, &k, &bd), 0);
	assert_int_equal(bd.ph[BD_WRITE_RESPONSE].dur_ns, 0);
	assert_int_equal(bd.tree.on_cpu_ns, 0);
	assert_false(bd.ph[BD_EXEC].measured);	/* exec_done is after response_sent */
}

/* Many threads and syscall types: the tables grow; totals stay exact. */
static void test_many_threads(void **state)
{
	static struct prof_event ev[3000];
	struct phase_marks k = marks();
	struct breakdown bd;
	size_t n = 0;

	(void)state;
	memset(ev, 0, sizeof(ev));
	for (uint32_t i = 0; i < 1000; i++) {
		struct prof_event *e = &ev[n++];

		e->type = PROF_EV_FORK;
		e->pid = ROOT;
		e->ts_ns = B2 + i;
		e->arg = 1000 + i;
		e->flags = PROF_F_THREAD;
		e = &ev[n++];
		e->type = PROF_EV_SYSCALL;
		e->pid = 1000 + i;
		e->ts_ns = B3 + i;
		e->end_ns = B3 + i + 10;
		e->arg = i % 300;
		e = &ev[n++];
		e->type = PROF_EV_THREAD_EXIT;
		e->pid = 1000 + i;
		e->ts_ns = B4;
	}
	assert_int_equal(build(ev, n, ROOT, &k, &bd), 0);
	assert_int_equal(bd.threads_seen, 1001);
	assert_int_equal(bd.tree.threads, 1000);
	assert_int_equal(bd.tree.syscalls, 1000);
	assert_int_equal(bd.tree.syscall_ns, 10000);
	/* 300 types of 10 ns x 3 or 4: the 100 with 4 calls first, by nr */
	assert_int_equal(bd.ph[BD_CONNECT].c.top[0].nr, 0);
	assert_int_equal(bd.ph[BD_CONNECT].c.top[0].count, 4);
	assert_int_equal(bd.ph[BD_CONNECT].c.top[0].ns, 40);
	assert_int_equal(bd.ph[BD_CONNECT].c.top[9].nr, 9);
	/* each thread: runnable from its fork (B2 + i) to its exit at B4 (a SYSCALL
	 * does not change a known state) */
	assert_int_equal(bd.ph[BD_RUNTIME_INIT].c.runnable_ns, 1000ull * (B3 - B2) - 499500);
	assert_int_equal(bd.ph[BD_RUNTIME_INIT].c.threads, 1000);
	assert_int_equal(bd.ph[BD_CONNECT].c.runnable_ns + bd.ph[BD_CONNECT].c.on_cpu_ns,
			 (B4 - B3) * 1001);
	assert_tree_is_sum(&bd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_thread),
		cmocka_unit_test(test_missing_entry),
		cmocka_unit_test(test_out_of_order_marks),
		cmocka_unit_test(test_syscall_split),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_top_syscalls),
		cmocka_unit_test(test_api_bytes),
		cmocka_unit_test(test_peak_rss),
		cmocka_unit_test(test_multi_thread),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_many_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
