/* The statistics of a results struct (results.h): over the successful cold starts, their warm
 * invocations, and with --breakdown the median waterfall and what tracing cost. */
#include "results.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "breakdown_median.h"

static void stats_over(const struct invocation *inv, size_t n, size_t off,
		       double *buf, struct stats *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		double v;

		if (inv[i].outcome != INV_OK)
			continue;
		memcpy(&v, (const char *)&inv[i] + off, sizeof(v));
		if (!isfinite(v) || v < 0)	/* unavailable */
			continue;
		buf[k++] = v;
	}
	if (stats_compute(buf, k, out) < 0)
		memset(out, 0, sizeof(*out));
}

static void warm_stats(struct results *r)
{
	size_t i, n = 0;
	unsigned k;
	double *v;

	memset(&r->warm_handler, 0, sizeof(r->warm_handler));
	v = malloc((r->n_inv * TIMELINE_MAX_WARM + 1) * sizeof(*v));
	if (!v)
		return;
	for (i = 0; i < r->n_inv; i++) {
		const struct invocation *x = &r->inv[i];

		if (x->outcome != INV_OK)
			continue;
		for (k = 0; k < x->n_warm && k < TIMELINE_MAX_WARM; k++)
			if (x->warm_handler_ms[k] >= 0)
				v[n++] = x->warm_handler_ms[k];
	}
	if (n)
		stats_compute(v, n, &r->warm_handler);
	free(v);
}

static double median_of(double *v, size_t n)
{
	struct stats st;

	return stats_compute(v, n, &st) ? -1 : st.p50;
}

/* Median, in ms, of the tracing cost (which 0, over the breakdowns where it was measured)
 * or of the window (which 1); -1 when there is none. */
static double bd_median_of(const struct breakdown *const *bd, size_t n, double *v, int which)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (which == 0 && bd[i]->bpf_tree_measured)
			v[m++] = (double)bd[i]->bpf_tree_ns / 1e6;
		else if (which == 1)
			v[m++] = (double)(bd[i]->window_end_ns - bd[i]->window_start_ns) / 1e6;
	}
	return m ? median_of(v, m) : -1;
}

/* Median waterfall and tracing cost over the successful cold starts with a breakdown. */
static void breakdown_stats(struct results *r)
{
	const struct breakdown **bd;
	double *v, total;
	size_t i, n = 0;

	r->n_bd = 0;
	memset(&r->bd_median, 0, sizeof(r->bd_median));
	r->bd_cost = (struct bd_cost_summary){ -1, -1, -1, -1 };
	bd = calloc(r->n_inv ? r->n_inv : 1, sizeof(*bd));
	v = calloc(r->n_inv ? r->n_inv : 1, sizeof(*v));
	if (!bd || !v)
		goto out;
	for (i = 0; i < r->n_inv; i++)
		if (r->inv[i].outcome == INV_OK && r->inv[i].has_breakdown)
			bd[n++] = &r->inv[i].bd;
	if (!n || breakdown_median(bd, n, &r->bd_median))
		goto out;
	r->n_bd = n;
	r->bd_cost.tree_ms = bd_median_of(bd, n, v, 0);
	total = bd_median_of(bd, n, v, 1);
	if (r->bd_cost.tree_ms >= 0 && total > 0)
		r->bd_cost.pct_of_total = 100.0 * r->bd_cost.tree_ms / total;
	n = 0;
	for (i = 0; i < r->n_inv; i++)
		if (r->inv[i].outcome == INV_OK && r->inv[i].has_breakdown)
			v[n++] = (double)r->inv[i].events;
	r->bd_cost.events = median_of(v, n);
	n = 0;
	for (i = 0; i < r->n_inv; i++)
		if (r->inv[i].outcome == INV_OK && r->inv[i].has_breakdown)
			v[n++] = (double)r->inv[i].bd_events;
	r->bd_cost.bd_events = median_of(v, n);
out:
	free(bd);
	free(v);
}

void results_compute_stats(struct results *r)
{
	double *buf;
	size_t i;

	if (!r)
		return;
	r->n_ok = r->n_failed = 0;
	for (i = 0; i < r->n_inv; i++) {
		if (r->inv[i].outcome == INV_OK)
			r->n_ok++;
		else
			r->n_failed++;
	}
	memset(&r->total, 0, sizeof(r->total));
	memset(&r->init, 0, sizeof(r->init));
	memset(&r->handler, 0, sizeof(r->handler));
	if (!r->n_ok)
		return;
	buf = malloc(r->n_ok * sizeof(*buf));
	if (!buf)
		return;
	stats_over(r->inv, r->n_inv, offsetof(struct invocation, total_ms), buf, &r->total);
	stats_over(r->inv, r->n_inv, offsetof(struct invocation, init_ms), buf, &r->init);
	stats_over(r->inv, r->n_inv, offsetof(struct invocation, handler_ms), buf, &r->handler);
	free(buf);
	warm_stats(r);
	breakdown_stats(r);
}
