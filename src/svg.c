/* SVG charts of benchmark results: distribution, median waterfall, bars. Pure. */
#include "svg.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* ------------------------------------------------------------------------ */
/* figures                                                                    */

void report_input_label(const struct report_input *in, char *buf, size_t len)
{
	const struct results *r = in->res;

	snprintf(buf, len, "%s, %u MB, %s", r->runtime[0] ? r->runtime : "(unnamed)",
		 r->memory_mb, r->arch[0] ? r->arch : "?");
}

/* Values of the double at off of each successful invocation, >= 0 only. */
static size_t phase_values(const struct results *r, size_t off, double **out)
{
	double *v;
	size_t i, k = 0;

	*out = NULL;
	if (!r->n_inv)
		return 0;
	v = malloc(r->n_inv * sizeof(*v));
	if (!v)
		return 0;
	for (i = 0; i < r->n_inv; i++) {
		double x;

		if (r->inv[i].outcome != INV_OK)
			continue;
		memcpy(&x, (const char *)&r->inv[i] + off, sizeof(x));
		if (isfinite(x) && x >= 0)
			v[k++] = x;
	}
	if (!k) {
		free(v);
		return 0;
	}
	*out = v;
	return k;
}

size_t svg_phase_median(const struct results *r, size_t off, double *median)
{
	struct stats s;
	double *v;
	size_t k;

	*median = NAN;
	k = phase_values(r, off, &v);
	if (k && !stats_compute(v, k, &s))
		*median = s.p50;
	else
		k = 0;
	free(v);
	return k;
}

/* Median of connect_start - exec_enter (kernel marks), ms. */
static size_t connect_offset_median(const struct results *r, double *median)
{
	struct stats s;
	double *v;
	size_t i, k = 0;

	*median = NAN;
	if (!r->n_inv)
		return 0;
	v = malloc(r->n_inv * sizeof(*v));
	if (!v)
		return 0;
	for (i = 0; i < r->n_inv; i++) {
		const struct phase_marks *m = &r->inv[i].k;

		if (r->inv[i].outcome == INV_OK && m->exec_enter && m->connect_start &&
		    m->connect_start >= m->exec_enter)
			v[k++] = (double)(m->connect_start - m->exec_enter) / 1e6;
	}
	if (k && !stats_compute(v, k, &s))
		*median = s.p50;
	else
		k = 0;
	free(v);
	return k;
}

/* ------------------------------------------------------------------------ */
/* drawing helpers                                                            */

#define W	SVG_CHART_WIDTH
#define PL	250	/* plot area, left */
#define PR	(W - 40)	/* plot area, right */
#define FONT	"DejaVu Sans, Verdana, Arial, sans-serif"

#define C_EXEC		"#7b5ea7"
#define C_CONNECT	"#17a2b8"
#define C_INIT		"#2b6cb0"
#define C_WAIT		"#a0aec0"
#define C_HANDLER	"#dd8a2e"
#define C_TOTAL		"#4a5568"
#define C_P50		"#1a202c"
#define C_P99		"#c53030"
#define C_DOT		"#2b6cb0"

struct axis {
	double lo, hi, step;
};

/* 1, 2 or 5 times a power of ten, >= x */
static double nice_step(double x)
{
	double p, f;

	if (!(x > 0) || !isfinite(x))
		return 1;
	p = pow(10, floor(log10(x)));
	f = x / p;
	if (f <= 1)
		return p;
	if (f <= 2)
		return 2 * p;
	if (f <= 5)
		return 5 * p;
	return 10 * p;
}

static void axis_fit(struct axis *a, double lo, double hi, bool from_zero)
{
	if (from_zero || !isfinite(lo))
		lo = 0;
	if (!isfinite(hi) || hi < lo)
		hi = lo;
	if (hi - lo < 1e-9) {
		double pad = lo > 0 ? lo * 0.1 : 1;

		hi += pad;
		if (!from_zero)
			lo = lo - pad > 0 ? lo - pad : 0;
	}
	a->step = nice_step((hi - lo) / 6);
	a->lo = floor(lo / a->step) * a->step;
	a->hi = ceil(hi / a->step) * a->step;
	if (a->hi - a->lo < a->step)
		a->hi = a->lo + a->step;
	if (a->lo < 0)
		a->lo = 0;
}

static double xpos(const struct axis *a, double v)
{
	return PL + (v - a->lo) / (a->hi - a->lo) * (PR - PL);
}

/* %g-like tick label without exponent noise */
static void tick_label(char *buf, size_t len, double v, double step)
{
	int dec = 0;

	while (dec < 6 && fabs(step * pow(10, dec) - round(step * pow(10, dec))) > 1e-6)
		dec++;
	snprintf(buf, len, "%.*f", dec, v);
}

static void draw_axis(struct strbuf *b, const struct axis *a, int ytop, int ybot, const char *title)
{
	char lab[32];
	int i, nt = (int)lround((a->hi - a->lo) / a->step);

	sb_printf(b, "<g class=\"axis\">");
	for (i = 0; i <= nt; i++) {
		double v = a->lo + i * a->step, x = xpos(a, v);

		tick_label(lab, sizeof(lab), v, a->step);
		sb_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e2e8f0\"/>",
			      x, ytop, x, ybot);
		sb_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#4a5568\"/>",
			      x, ybot, x, ybot + 5);
		sb_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" "
			      "fill=\"#4a5568\">%s</text>", x, ybot + 18, lab);
	}
	sb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#4a5568\"/>",
		      PL, ybot, PR, ybot);
	sb_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\" "
		      "fill=\"#2d3748\">", (PL + PR) / 2, ybot + 36);
	sb_xml_escape(b, title);
	sb_puts(b, "</text></g>");
}

/* Escaped text, cut at max bytes (on a UTF-8 boundary) with an ellipsis. */
static void escape_cut(struct strbuf *b, const char *s, size_t max)
{
	char tmp[256];
	size_t n = strlen(s);

	if (n <= max || max >= sizeof(tmp) - 4) {
		sb_xml_escape(b, s);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	memcpy(tmp, s, max);
	memcpy(tmp + max, "\xe2\x80\xa6", 4);	/* … */
	sb_xml_escape(b, tmp);
}

static void svg_open(struct strbuf *b, int y, int h, const char *cls, const char *label)
{
	sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart %s\" x=\"0\" "
		      "y=\"%d\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		      "aria-label=\"", cls, y, W, h, W, h);
	sb_xml_escape(b, label);
	sb_printf(b, "\" font-family=\"%s\" font-size=\"12\">"
		      "<rect class=\"background\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
		      "fill=\"#ffffff\"/>", FONT, W, h);
}

static void text_at(struct strbuf *b, int x, int y, const char *attrs, const char *s)
{
	sb_printf(b, "<text x=\"%d\" y=\"%d\" %s>", x, y, attrs);
	sb_xml_escape(b, s);
	sb_puts(b, "</text>");
}

/* Row label on the left: "#k label" on one line, detail under it. */
static void row_label(struct strbuf *b, size_t k, const struct report_input *in, int y,
		      const char *detail)
{
	char lab[256];

	report_input_label(in, lab, sizeof(lab));
	sb_printf(b, "<text class=\"row-label\" x=\"%d\" y=\"%d\" text-anchor=\"end\" "
		      "font-weight=\"bold\" fill=\"#1a202c\"><title>", PL - 12, y);
	sb_xml_escape(b, lab);
	sb_puts(b, " (");
	sb_xml_escape(b, in->path ? in->path : "");
	sb_printf(b, ")</title>#%zu ", k + 1);
	escape_cut(b, lab, 30);
	sb_puts(b, "</text>");
	if (detail)
		text_at(b, PL - 12, y + 15, "text-anchor=\"end\" font-size=\"11\" fill=\"#4a5568\"",
			detail);
}

/* Source lines at the bottom: one per input. Returns the y after them. */
static int sources(struct strbuf *b, const char *what, const struct report_input *in, size_t n,
		   int y)
{
	char line[1024];
	size_t k;

	text_at(b, 12, y, "font-size=\"11\" fill=\"#4a5568\"", what);
	for (k = 0; k < n; k++) {
		y += 14;
		snprintf(line, sizeof(line), "#%zu: %s (timing: %s)", k + 1,
			 in[k].path ? in[k].path : "(unnamed)",
			 in[k].res->timing_source[0] ? in[k].res->timing_source : "unknown");
		sb_printf(b, "<text class=\"source\" x=\"24\" y=\"%d\" font-size=\"11\" "
			      "fill=\"#4a5568\">", y);
		escape_cut(b, line, 150);
		sb_puts(b, "</text>");
	}
	return y;
}

static int sources_height(size_t n)
{
	return 14 * (int)n + 20;
}

/* ------------------------------------------------------------------------ */
/* distribution                                                               */

#define DIST_TOP	74
#define DIST_ROW	72

int svg_chart_distribution(struct strbuf *b, const struct report_input *in, size_t n, int y)
{
	double lo = INFINITY, hi = -INFINITY;
	bool few = false;
	struct axis ax;
	size_t k, i;
	int h, ybot;

	if (!n || !in)
		return -1;
	for (k = 0; k < n; k++) {
		const struct results *r = in[k].res;
		size_t cnt = 0;

		for (i = 0; i < r->n_inv; i++)
			if (r->inv[i].outcome == INV_OK && r->inv[i].total_ms >= 0) {
				lo = fmin(lo, r->inv[i].total_ms);
				hi = fmax(hi, r->inv[i].total_ms);
				cnt++;
			}
		if (cnt < 100)
			few = true;
	}
	axis_fit(&ax, lo, hi, false);
	ybot = DIST_TOP + (int)n * DIST_ROW + 8;
	h = ybot + 50 + sources_height(n);

	svg_open(b, y, h, "distribution", "Distribution of cold-start total_ms with p50 and p99");
	text_at(b, 12, 22, "font-size=\"15\" font-weight=\"bold\" fill=\"#1a202c\"",
		"Cold-start distribution: total_ms of each successful cold start");
	text_at(b, 12, 42, "font-size=\"11\" fill=\"#4a5568\"",
		"One dot per cold start (spread vertically only for legibility). Lines: p50 (black) "
		"and p99 (red, dashed), linear interpolation between closest ranks.");
	if (few)
		text_at(b, 12, 56, "font-size=\"11\" fill=\"#4a5568\"",
			"With fewer than 100 cold starts in a row, its p99 is close to its max.");
	for (k = 0; k < n; k++) {
		const struct results *r = in[k].res;
		int top = DIST_TOP + (int)k * DIST_ROW;
		double *v;
		size_t nv = phase_values(r, offsetof(struct invocation, total_ms), &v);
		struct stats s;
		char det[96];

		snprintf(det, sizeof(det), "n = %zu ok, %zu failed", nv, r->n_failed);
		sb_printf(b, "<g class=\"row\" data-n=\"%zu\">", nv);
		sb_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>",
			      PL, top, PR - PL, DIST_ROW - 8, k % 2 ? "#f7fafc" : "#edf2f7");
		row_label(b, k, &in[k], top + 28, det);
		if (!nv || stats_compute(v, nv, &s)) {
			text_at(b, PL + 10, top + 36, "fill=\"#c53030\"",
				"no successful cold start with a total_ms");
			sb_puts(b, "</g>");
			free(v);
			continue;
		}
		for (i = 0; i < nv; i++) {
			/* golden-ratio spread: deterministic, even */
			double f = fmod((double)i * 0.6180339887, 1.0);

			sb_printf(b, "<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
				      "fill=\"%s\" fill-opacity=\"0.65\"><title>%.3f ms</title></circle>",
				      xpos(&ax, v[i]), top + 18 + f * (DIST_ROW - 34), C_DOT, v[i]);
		}
		sb_printf(b, "<line class=\"mark p50\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
			      "stroke=\"%s\" stroke-width=\"2\"/>", xpos(&ax, s.p50), top + 12,
			      xpos(&ax, s.p50), top + DIST_ROW - 8, C_P50);
		sb_printf(b, "<text class=\"label p50\" x=\"%.1f\" y=\"%d\" text-anchor=\"end\" "
			      "font-size=\"11\" fill=\"%s\">p50 %.3f ms</text>",
			      xpos(&ax, s.p50) - 4, top + 11, C_P50, s.p50);
		sb_printf(b, "<line class=\"mark p99\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
			      "stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>",
			      xpos(&ax, s.p99), top + 12, xpos(&ax, s.p99), top + DIST_ROW - 8, C_P99);
		sb_printf(b, "<text class=\"label p99\" x=\"%.1f\" y=\"%d\" font-size=\"11\" "
			      "fill=\"%s\">p99 %.3f ms</text>", xpos(&ax, s.p99) + 4, top + 11,
			      C_P99, s.p99);
		sb_puts(b, "</g>");
		free(v);
	}
	draw_axis(b, &ax, DIST_TOP, ybot, "total_ms (ms): execve entry to the last write of the response");
	sources(b, "Source: measurements[].total_ms of each results file (successful cold starts only):",
		in, n, ybot + 60);
	sb_puts(b, "</svg>");
	return h;
}

/* ------------------------------------------------------------------------ */
/* median waterfall                                                           */

#define WF_TOP		78
#define WF_ROW		22
#define WF_HEAD		24
#define WF_GROUP	(WF_HEAD + WF_N * WF_ROW + 14)

/* The waterfall's bars: every phase but total (drawn as a mark), in inv_phases[] order, one
 * row each; the colour of each. */
static const char *const wf_color[INV_PHASES] = {
	[PHASE_EXEC] = C_EXEC,
	[PHASE_CONNECT] = C_CONNECT,
	[PHASE_INIT] = C_INIT,
	[PHASE_WAIT] = C_WAIT,
	[PHASE_HANDLER] = C_HANDLER,
};

#define WF_N PHASE_TOTAL	/* the bars: the phases before total */

struct wf_row {
	double med[WF_N], start[WF_N];
	size_t n[WF_N];
	double total;
	size_t n_total;
	double conn_off;
	size_t n_conn_off;
};

static void wf_compute(const struct results *r, struct wf_row *w)
{
	size_t p;
	double init, wait;

	for (p = 0; p < WF_N; p++)
		w->n[p] = svg_phase_median(r, inv_phases[p].ms_off, &w->med[p]);
	w->n_total = svg_phase_median(r, inv_phases[PHASE_TOTAL].ms_off, &w->total);
	w->n_conn_off = connect_offset_median(r, &w->conn_off);
	init = w->n[PHASE_INIT] ? w->med[PHASE_INIT] : 0;
	wait = w->n[PHASE_WAIT] ? w->med[PHASE_WAIT] : 0;
	w->start[PHASE_EXEC] = 0;
	/* connect: where it starts (kernel marks); else right after exec */
	w->start[PHASE_CONNECT] = w->n_conn_off ? w->conn_off
						: (w->n[PHASE_EXEC] ? w->med[PHASE_EXEC] : 0);
	w->start[PHASE_INIT] = 0;
	w->start[PHASE_WAIT] = init;
	w->start[PHASE_HANDLER] = init + wait;
}

/* The title, and how to read the chart. */
static void wf_head(struct strbuf *b)
{
	text_at(b, 12, 22, "font-size=\"15\" font-weight=\"bold\" fill=\"#1a202c\"",
		"Median phase waterfall (ms from execve entry)");
	text_at(b, 12, 42, "font-size=\"11\" fill=\"#4a5568\"",
		"Each bar is the median of that phase taken on its own over the successful cold "
		"starts, so the bars need not add up to the median total (the black mark).");
	text_at(b, 12, 57, "font-size=\"11\" fill=\"#4a5568\"",
		"exec and init start at execve entry (init = Lambda's Init Duration, up to GET /next); "
		"connect lies inside init; wait follows init, handler follows wait.");
}

/* Phase p's row of one input, at ry: its name, and its bar with its figure or "not measured". */
static void wf_bar(struct strbuf *b, const struct axis *ax, const struct wf_row *w,
		   const struct report_input *in, size_t p, int ry)
{
	double x0, x1;
	char lab[160];

	sb_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\" "
		      "fill=\"#2d3748\">%s</text>", PL - 82, ry + 13,
		      p == PHASE_CONNECT ? "connect (in init)" : inv_phases[p].name);
	if (!w->n[p]) {
		sb_printf(b, "<text class=\"not-measured\" x=\"%d\" y=\"%d\" "
			      "font-size=\"11\" fill=\"#718096\" font-style=\"italic\">"
			      "not measured (timing: ", PL + 6, ry + 13);
		sb_xml_escape(b, in->res->timing_source);
		sb_puts(b, ")</text>");
		return;
	}
	x0 = xpos(ax, w->start[p]);
	x1 = xpos(ax, w->start[p] + w->med[p]);
	if (x1 - x0 < 1)	/* visible even when tiny */
		x1 = x0 + 1;
	sb_printf(b, "<rect class=\"bar phase-%s\" x=\"%.1f\" y=\"%d\" "
		      "width=\"%.1f\" height=\"%d\" fill=\"%s\" rx=\"2\">"
		      "<title>%s: median %.3f ms (n=%zu)</title></rect>",
		      inv_phases[p].name, x0, ry + 2, x1 - x0, WF_ROW - 6,
		      wf_color[p], inv_phases[p].name, w->med[p], w->n[p]);
	snprintf(lab, sizeof(lab), "%.3f ms", w->med[p]);
	sb_printf(b, "<text class=\"value\" x=\"%d\" y=\"%d\" "
		      "text-anchor=\"end\" font-size=\"11\" font-weight=\"bold\" "
		      "fill=\"#2d3748\">%s</text>", PL - 12, ry + 13, lab);
	if (p == PHASE_CONNECT && !w->n_conn_off)
		sb_printf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" "
			      "fill=\"#718096\">start not measured: drawn after "
			      "exec</text>", x1 + 6, ry + 13);
}

/* The median total's mark across the group at top, with its figure. */
static void wf_total(struct strbuf *b, const struct axis *ax, const struct wf_row *w, int top)
{
	double x = xpos(ax, w->total);

	sb_printf(b, "<line class=\"mark total\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
		      "y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>", x, top + 4, x,
		      top + WF_GROUP - 12, C_P50);
	sb_printf(b, "<text class=\"label total\" x=\"%.1f\" y=\"%d\" "
		      "text-anchor=\"%s\" font-size=\"11\" font-weight=\"bold\" "
		      "fill=\"%s\">median total %.3f ms</text>",
		      x > PR - 170 ? x - 5 : x + 5, top + 15,
		      x > PR - 170 ? "end" : "start", C_P50, w->total);
}

/* Input k's group: its band, its label and count, a row per phase, the total's mark. */
static void wf_group(struct strbuf *b, const struct axis *ax, const struct wf_row *w,
		     const struct report_input *in, size_t k)
{
	int top = WF_TOP + (int)k * WF_GROUP;
	char det[96];

	snprintf(det, sizeof(det), "%zu successful cold starts", in->res->n_ok);
	sb_printf(b, "<g class=\"group\">");
	sb_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>",
		      PL, top, PR - PL, WF_GROUP - 10, k % 2 ? "#f7fafc" : "#edf2f7");
	row_label(b, k, in, top + 16, NULL);
	text_at(b, PL + 6, top + 16, "font-size=\"11\" fill=\"#4a5568\"", det);
	for (size_t p = 0; p < WF_N; p++)
		wf_bar(b, ax, w, in, p, top + WF_HEAD + (int)p * WF_ROW);
	if (w->n_total)
		wf_total(b, ax, w, top);
	sb_puts(b, "</g>");
}

int svg_chart_waterfall(struct strbuf *b, const struct report_input *in, size_t n, int y)
{
	struct wf_row *rows;
	double hi = 0;
	struct axis ax;
	size_t k, p;
	int h, ybot;

	if (!n || !in)
		return -1;
	rows = calloc(n, sizeof(*rows));
	if (!rows) {
		b->oom = true;
		return -1;
	}
	for (k = 0; k < n; k++) {
		wf_compute(in[k].res, &rows[k]);
		for (p = 0; p < WF_N; p++)
			if (rows[k].n[p])
				hi = fmax(hi, rows[k].start[p] + rows[k].med[p]);
		if (rows[k].n_total)
			hi = fmax(hi, rows[k].total);
	}
	axis_fit(&ax, 0, hi, true);
	ybot = WF_TOP + (int)n * WF_GROUP;
	h = ybot + 50 + sources_height(n);

	svg_open(b, y, h, "waterfall", "Median phase waterfall");
	wf_head(b);
	for (k = 0; k < n; k++)
		wf_group(b, &ax, &rows[k], &in[k], k);
	draw_axis(b, &ax, WF_TOP, ybot, "ms from execve entry (median of each phase)");
	sources(b, "Source: measurements[] exec_ms, connect_ms, init_ms, wait_ms, handler_ms, total_ms "
		"and kernel_ns.connect_start of each results file:", in, n, ybot + 60);
	sb_puts(b, "</svg>");
	free(rows);
	return h;
}

/* ------------------------------------------------------------------------ */
/* bars: mean init, handler, total with p50 and p99 marks                      */

#define BAR_TOP		76
#define BAR_ROW		24
#define BAR_HEAD	24
#define BAR_GROUP	(BAR_HEAD + 3 * BAR_ROW + 12)

/* The bars of each input, in the order of its stats init, handler, total. */
static const char *const bar_names[] = { "init", "handler", "total" };
static const char *const bar_colors[] = { C_INIT, C_HANDLER, C_TOTAL };

/* The title, how to read the chart, and the legend. */
static void bars_head(struct strbuf *b)
{
	text_at(b, 12, 22, "font-size=\"15\" font-weight=\"bold\" fill=\"#1a202c\"",
		"Cold start per runtime: init, handler, total (ms)");
	text_at(b, 12, 42, "font-size=\"11\" fill=\"#4a5568\"",
		"Bars: mean over the successful cold starts (as lambda-perf shows). Marks: p50 "
		"(black) and p99 (red); with fewer than 100 cold starts p99 is close to the max.");
	sb_printf(b, "<g class=\"legend\" font-size=\"11\" fill=\"#2d3748\">");
	for (int p = 0; p < 3; p++) {
		sb_printf(b, "<rect x=\"%d\" y=\"52\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			      "<text x=\"%d\" y=\"62\">%s</text>", 12 + p * 90, bar_colors[p],
			      28 + p * 90, bar_names[p]);
	}
	sb_printf(b, "<line x1=\"290\" y1=\"51\" x2=\"290\" y2=\"65\" stroke=\"%s\" "
		      "stroke-width=\"3\"/><text x=\"296\" y=\"62\">p50</text>", C_P50);
	sb_printf(b, "<line x1=\"340\" y1=\"51\" x2=\"340\" y2=\"65\" stroke=\"%s\" "
		      "stroke-width=\"3\"/><text x=\"346\" y=\"62\">p99</text></g>", C_P99);
}

/* Metric p's row at ry: its name, and its bar with the p50 and p99 marks and the figures, or
 * "not measured". */
static void bars_row(struct strbuf *b, const struct axis *ax, const struct stats *st, size_t p,
		     int ry)
{
	double x0 = xpos(ax, 0), x1, x50, x99, xl;
	char lab[160];

	sb_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\" "
		      "fill=\"#2d3748\">%s</text>", PL - 12, ry + 14, bar_names[p]);
	if (!st->n) {
		sb_printf(b, "<text class=\"not-measured\" x=\"%d\" y=\"%d\" "
			      "font-size=\"11\" fill=\"#718096\" font-style=\"italic\">"
			      "not measured</text>", PL + 6, ry + 14);
		return;
	}
	x1 = fmax(xpos(ax, st->avg), x0 + 1);
	x50 = xpos(ax, st->p50);
	x99 = xpos(ax, st->p99);
	sb_printf(b, "<rect class=\"bar metric-%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
		      "height=\"%d\" fill=\"%s\" rx=\"2\"><title>%s: mean %.3f ms "
		      "(n=%zu)</title></rect>", bar_names[p], x0, ry + 3, x1 - x0,
		      BAR_ROW - 6, bar_colors[p], bar_names[p], st->avg, st->n);
	sb_printf(b, "<line class=\"mark p50\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
		      "y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>", x50, ry, x50,
		      ry + BAR_ROW, C_P50);
	sb_printf(b, "<line class=\"mark p99\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
		      "y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>", x99, ry, x99,
		      ry + BAR_ROW, C_P99);
	snprintf(lab, sizeof(lab), "mean %.3f, p50 %.3f, p99 %.3f ms", st->avg, st->p50, st->p99);
	/* the figures right of the bar, or inside it (white) when they would not fit */
	xl = fmax(x1, x99) + 8;
	if (xl + 6.5 * (double)strlen(lab) < PR + 30)
		sb_printf(b, "<text class=\"value\" x=\"%.1f\" y=\"%d\" "
			      "font-size=\"11\" fill=\"#2d3748\">", xl, ry + 14);
	else
		sb_printf(b, "<text class=\"value\" x=\"%.1f\" y=\"%d\" "
			      "text-anchor=\"end\" font-size=\"11\" "
			      "fill=\"#ffffff\">", fmin(x1, x50) - 8, ry + 14);
	sb_xml_escape(b, lab);
	sb_puts(b, "</text>");
}

/* Input k's group: its band, its label and counts, a row per metric. */
static void bars_group(struct strbuf *b, const struct axis *ax, const struct report_input *in,
		       size_t k)
{
	const struct results *r = in->res;
	const struct stats *st[3] = { &r->init, &r->handler, &r->total };
	int top = BAR_TOP + (int)k * BAR_GROUP;
	char det[96];

	snprintf(det, sizeof(det), "%zu successful, %zu failed cold starts", r->n_ok, r->n_failed);
	sb_printf(b, "<g class=\"group\">");
	sb_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>",
		      PL, top, PR - PL, BAR_GROUP - 8, k % 2 ? "#f7fafc" : "#edf2f7");
	row_label(b, k, in, top + 16, NULL);
	text_at(b, PL + 6, top + 16, "font-size=\"11\" fill=\"#4a5568\"", det);
	for (size_t p = 0; p < 3; p++)
		bars_row(b, ax, st[p], p, top + BAR_HEAD + (int)p * BAR_ROW - 4);
	sb_puts(b, "</g>");
}

int svg_chart_bars(struct strbuf *b, const struct report_input *in, size_t n, int y)
{
	double hi = 0;
	struct axis ax;
	size_t k, p;
	int h, ybot;

	if (!n || !in)
		return -1;
	for (k = 0; k < n; k++) {
		const struct results *r = in[k].res;
		const struct stats *st[3] = { &r->init, &r->handler, &r->total };

		for (p = 0; p < 3; p++)
			if (st[p]->n)
				hi = fmax(hi, fmax(st[p]->avg, st[p]->p99));
	}
	/* room on the right for the figures next to the bars */
	axis_fit(&ax, 0, hi * 1.6, true);
	ybot = BAR_TOP + (int)n * BAR_GROUP;
	h = ybot + 50 + sources_height(n);

	svg_open(b, y, h, "bars", "Cold start per runtime: mean init, handler and total");
	bars_head(b);
	for (k = 0; k < n; k++)
		bars_group(b, &ax, &in[k], k);
	draw_axis(b, &ax, BAR_TOP, ybot, "ms");
	sources(b, "Source: stats of measurements[] init_ms, handler_ms, total_ms (successful cold "
		"starts) of each results file:", in, n, ybot + 60);
	sb_puts(b, "</svg>");
	return h;
}

/* ------------------------------------------------------------------------ */
/* standalone document                                                        */

char *svg_report(const struct report_input *in, size_t n)
{
	struct strbuf body = { 0 }, doc = { 0 };
	int h1, h2;

	if (!in || !n)
		return NULL;
	h1 = svg_chart_distribution(&body, in, n, 40);
	h2 = svg_chart_waterfall(&body, in, n, 40 + (h1 > 0 ? h1 : 0) + 16);
	if (h1 < 0 || h2 < 0 || body.oom) {
		sb_free(&body);
		return NULL;
	}
	sb_printf(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
		      "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"%s\">\n"
		      "<title>profiler: cold-start distribution and median phase waterfall</title>\n"
		      "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
		      "<text x=\"12\" y=\"26\" font-size=\"18\" font-weight=\"bold\" fill=\"#1a202c\">"
		      "profiler: cold starts measured on a local host (indicative; no Lambda platform "
		      "overhead)</text>\n", W, 40 + h1 + 16 + h2, W, 40 + h1 + 16 + h2, FONT, W,
		      40 + h1 + 16 + h2);
	sb_puts(&doc, body.s ? body.s : "");
	sb_puts(&doc, "\n</svg>\n");
	sb_free(&body);
	return sb_take(&doc);
}
