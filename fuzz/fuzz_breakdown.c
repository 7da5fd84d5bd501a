// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: the breakdown of a cold start (breakdown_build, breakdown_median,
 * breakdown_to_json, breakdown_print in src/breakdown_*.h), on the events sorted by time as
 * the profiler sorts them (events_by_time in src/coldstart.h).
 *
 * The input describes the marks and the events compactly, so that most inputs are near
 * what the tracer sends: 8 bytes of mark offsets (each adds up to 255 us to the one
 * before; 0 = mark not seen), then 16-byte records, one event each:
 *   type (mod the event types), thread (mod 6: threads 100..105 of process 100, or of
 *   processes 200.. for odd bytes), flags, arg byte, ts offset (u16 ns * 64, from the
 *   previous event, wrapping back 1/8 of the time), duration (u16 * 32 ns), and the
 *   sample's growth: minor faults, major faults, read KiB, RSS KiB (u16 * 4).
 * Checked when the build succeeds:
 * - the phases follow one another and their durations sum to the window;
 * - no phase has more state time than threads_seen x its duration;
 * - the window's counts are the sums of the phases';
 * - the median of the breakdown with itself is the breakdown's own durations;
 * - JSON and text come out (no allocation fails here).
 * A violated invariant aborts: libFuzzer reports it as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "breakdown_build.h"
#include "breakdown_json.h"
#include "breakdown_median.h"
#include "breakdown_text.h"
#include "coldstart.h"
#include "timeline.h"

#define MAX_EV 512
#define REC 16

static void die(const char *what)
{
	fprintf(stderr, "fuzz_breakdown: %s\n", what);
	abort();
}

static uint16_t u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void check(const struct breakdown *bd)
{
	uint64_t sum = 0, calls = 0, forks = 0;

	for (int p = 0; p < BD_PHASES; p++) {
		const struct bd_phase_rec *ph = &bd->ph[p];
		uint64_t st = ph->c.on_cpu_ns + ph->c.runnable_ns + ph->c.blocked_ns;

		if (ph->start_ns != bd->window_start_ns + sum)
			die("phases do not follow one another");
		sum += ph->dur_ns;
		if (st > (uint64_t)bd->threads_seen * ph->dur_ns)
			die("more state time than threads x duration");
		calls += ph->c.syscalls;
		forks += ph->c.processes + ph->c.threads;
	}
	if (sum != bd->window_end_ns - bd->window_start_ns)
		die("durations do not sum to the window");
	if (calls != bd->tree.syscalls || forks != bd->tree.processes + bd->tree.threads)
		die("the window's counts are not the phases' sums");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct prof_event ev[MAX_EV];
	struct prof_sample acc[6] = { 0 };
	const struct breakdown *two[2];
	struct phase_marks k = { 0 };
	uint64_t *mk[] = { &k.exec_done, &k.entry, &k.connect_start, &k.connect_end,
			   &k.next_sent, &k.event_received, &k.response_first, &k.response_sent };
	uint64_t t = 1000000, ts;
	const struct prof_event **by_time;
	struct breakdown bd, med;
	size_t n = 0;
	int rc;
	FILE *null;
	cJSON *j;

	if (size < 8)
		return 0;
	k.exec_enter = t;
	for (int i = 0; i < 8; i++) {
		t += (uint64_t)data[i] * 1000;
		*mk[i] = data[i] || i == 7 ? t : 0;
	}
	ts = k.exec_enter - 5000;
	for (size_t off = 8; off + REC <= size && n < MAX_EV; off += REC, n++) {
		const uint8_t *r = data + off;
		struct prof_event *e = &ev[n];
		unsigned th = r[1] % 6;

		memset(e, 0, sizeof(*e));
		e->type = PROF_EV_EXEC_ENTER + r[0] % PROF_EV_THREAD_EXIT;
		e->root = 100;
		e->pid = 100 + th;
		e->tgid = r[1] & 0x80 ? 200 + th : 100;
		e->flags = r[2];
		e->arg = r[3] % 8;
		e->ret = r[3] & 0x80 ? -11 : r[3];
		ts = u16(r + 4) & 0x8000 ? ts - (ts - k.exec_enter + 5000) / 8 : ts + u16(r + 4) * 64ull;
		e->ts_ns = ts;
		e->end_ns = ts + u16(r + 6) * 32ull;
		e->conn_id = 1;
		acc[th].min_flt += r[8];
		acc[th].maj_flt += r[9] & 3;
		acc[th].read_bytes += r[10] * 1024ull;
		acc[th].rss_kb = u16(r + 12) * 4ull;
		e->bd.at_entry = acc[th];
		acc[th].min_flt += r[11] & 7;
		e->bd.at = acc[th];
		if (e->type == PROF_EV_FORK)
			e->arg = 100 + (r[3] % 6);
	}
	if (events_by_time(ev, n, &by_time))
		die("cannot sort the events");
	rc = breakdown_build(by_time, n, 100, &k, &bd);
	free(by_time);
	if (rc != 0)
		return 0;
	check(&bd);
	two[0] = two[1] = &bd;
	if (breakdown_median(two, 2, &med) != 0)
		die("median of two failed");
	for (int p = 0; p < BD_PHASES; p++)
		if (med.ph[p].dur_ns != bd.ph[p].dur_ns)
			die("the median of a breakdown with itself differs from it");
	j = breakdown_to_json(&bd);
	if (!j)
		die("no JSON");
	cJSON_Delete(j);
	null = fopen("/dev/null", "w");
	if (!null)
		die("cannot open /dev/null");
	breakdown_print(null, &bd, 40, 10);
	fclose(null);
	return 0;
}
