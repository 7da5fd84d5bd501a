// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --breakdown over a run: the median waterfall. See breakdown_median.h. */
#include "breakdown_median.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "idmap.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/* Median of v[0..n-1] (sorted in place), n > 0; an even n takes the mean of
 * the two middle values, rounded half up. */
static uint64_t median_u64(uint64_t *v, size_t n)
{
	uint64_t lo, hi;

	qsort(v, n, sizeof(*v), cmp_u64);
	if (n % 2)
		return v[n / 2];
	lo = v[n / 2 - 1];
	hi = v[n / 2];
	return lo + (hi - lo) / 2 + (hi - lo) % 2;
}

/* The median of expr over the n breakdowns bd[i], in v (room for n). */
#define MED(expr) ({ for (i = 0; i < n; i++) v[i] = (expr); median_u64(v, n); })
/* Over the breakdowns where cond holds (m of them; 0 when none). */
#define MED_IF(cond, expr) \
	({ for (i = 0, m = 0; i < n; i++) if (cond) v[m++] = (expr); m ? median_u64(v, m) : 0; })

/* The figures of struct bd_costs that take a median. */
#define COST_U64_FIELDS(X) X(on_cpu_ns) X(runnable_ns) X(blocked_ns) X(min_flt) X(maj_flt) \
	X(read_bytes) X(syscalls) X(syscall_ns) X(api_bytes_sent) X(api_bytes_received)
#define COST_U32_FIELDS(X) X(processes) X(threads)

/* Mean top syscalls of slot p over the n breakdowns. */
static int median_top(const struct breakdown *const *bd, size_t n, int p,
		      struct bd_syscall top[BD_TOP])
{
	struct idmap m = { 0 };
	struct bd_syscall *cand = NULL;
	size_t cap = 0, i;
	int ret = -1;

	for (i = 0; i < n; i++) {
		const struct bd_costs *q = BD_SLOT_COSTS(bd[i], p);

		for (int j = 0; j < BD_TOP; j++) {
			const struct bd_syscall *s = &q->top[j];
			bool added;
			long x;

			if (s->nr < 0)
				continue;
			if (idmap_reserve(&m, (void **)&cand, &cap, sizeof(*cand)))
				goto out;
			x = idmap_index(&m, (uint32_t)s->nr, &added);
			if (x < 0)
				goto out;
			if (added)
				cand[x] = (struct bd_syscall){ .nr = s->nr };
			/* sums (saturated): ranked before dividing */
			cand[x].count = s->count > UINT32_MAX - cand[x].count ? UINT32_MAX
									: cand[x].count + s->count;
			cand[x].ns = s->ns > UINT64_MAX - cand[x].ns ? UINT64_MAX : cand[x].ns + s->ns;
		}
	}
	bd_top_rank(top, cand, m.n);
	for (int j = 0; j < BD_TOP; j++) {
		if (top[j].nr < 0)
			continue;
		top[j].count = (uint32_t)(((uint64_t)top[j].count + n / 2) / n);
		top[j].ns = top[j].ns / n + ((top[j].ns % n) * 2 >= n ? 1 : 0);
	}
	ret = 0;
out:
	free(cand);
	idmap_free(&m);
	return ret;
}

/* The costs of slot p (a phase, or BD_TREE), figure by figure, and its top syscalls. */
static int median_costs(const struct breakdown *const *bd, size_t n, int p, uint64_t *v,
			struct bd_costs *q)
{
	size_t i;

#define X(f) q->f = MED(BD_SLOT_COSTS(bd[i], p)->f);
	COST_U64_FIELDS(X)
#undef X
#define X(f) q->f = (uint32_t)MED(BD_SLOT_COSTS(bd[i], p)->f);
	COST_U32_FIELDS(X)
#undef X
	return median_top(bd, n, p, q->top);
}

/* The phases' durations, end to end from 0, and whether each was measured. */
static void median_phases(const struct breakdown *const *bd, size_t n, uint64_t *v,
			  struct breakdown *out)
{
	uint64_t start = 0;
	size_t i, m;

	for (int p = 0; p < BD_PHASES; p++) {
		out->ph[p].dur_ns = MED(bd[i]->ph[p].dur_ns);
		out->ph[p].start_ns = start;
		start += out->ph[p].dur_ns;
		for (i = 0, m = 0; i < n; i++)
			m += bd[i]->ph[p].measured;
		out->ph[p].measured = m * 2 > n;
	}
	out->window_start_ns = 0;
	out->window_end_ns = start;
}

/* Peak RSS over the breakdowns that have one; its phase by vote. */
static void median_peak_rss(const struct breakdown *const *bd, size_t n, uint64_t *v,
			    struct breakdown *out)
{
	unsigned votes[BD_PHASES] = { 0 };
	int best = -1;
	size_t i, m;

	out->peak_rss_kb = MED_IF(bd[i]->peak_rss_kb, bd[i]->peak_rss_kb);
	if (!out->peak_rss_kb)
		return;
	out->peak_rss_at_ns = MED_IF(bd[i]->peak_rss_kb &&
				     bd[i]->peak_rss_at_ns >= bd[i]->window_start_ns,
				     bd[i]->peak_rss_at_ns - bd[i]->window_start_ns);
	for (i = 0; i < n; i++) {
		int ph = bd[i]->peak_rss_phase;

		if (bd[i]->peak_rss_kb && ph >= 0 && ph < BD_PHASES)
			votes[ph]++;
	}
	for (int p = 0; p < BD_PHASES; p++)
		if (votes[p] && (best < 0 || votes[p] > votes[best]))
			best = p;
	out->peak_rss_phase = best;
}

int breakdown_median(const struct breakdown *const *bd, size_t n, struct breakdown *out)
{
	uint64_t *v;
	size_t i, m;

	if (!bd || !n || !out) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!bd[i]) {
			errno = EINVAL;
			return -1;
		}
	}
	breakdown_clear(out);
	v = calloc(n, sizeof(*v));
	if (!v) {
		errno = ENOMEM;
		return -1;
	}
	for (int p = 0; p < BD_SLOTS; p++) {
		if (median_costs(bd, n, p, v, BD_SLOT_COSTS(out, p))) {
			free(v);
			breakdown_clear(out);
			errno = ENOMEM;
			return -1;
		}
	}
	median_phases(bd, n, v, out);
	out->threads_seen = (uint32_t)MED(bd[i]->threads_seen);
	median_peak_rss(bd, n, v, out);
	/* tracer cost: over the breakdowns where it was measured */
	out->bpf_tree_ns = MED_IF(bd[i]->bpf_tree_measured, bd[i]->bpf_tree_ns);
	out->bpf_tree_measured = m > 0;
	free(v);
	return 0;
}
