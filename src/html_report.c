/* One self-contained HTML report page (inline CSS and SVG, no script). Pure. */
#include "html_report.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "html_extensions.h"
#include "results_query.h"
#include "stats.h"
#include "textout.h"

#ifndef PROFILER_VERSION
#define PROFILER_VERSION "unknown"
#endif

static const char css[] =
	"body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;color:#1a202c;background:#f7fafc;"
	"margin:0;padding:24px;font-size:14px;line-height:1.45}"
	"main{max-width:1000px;margin:0 auto}"
	"h1{font-size:26px;margin:0 0 4px}"
	"h2{font-size:19px;margin:0 0 10px;border-bottom:2px solid #e2e8f0;padding-bottom:4px}"
	"section{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:16px 20px;"
	"margin:0 0 18px}"
	".meta{color:#4a5568;margin:0 0 18px}"
	".caveats{border-left:5px solid #dd8a2e;background:#fffaf0}"
	".caveats ul{margin:6px 0 0;padding-left:20px}"
	".source{color:#4a5568;font-size:12px;margin:8px 0 0}"
	"table{border-collapse:collapse;width:100%;font-size:13px}"
	"th,td{border-bottom:1px solid #e2e8f0;padding:5px 8px;text-align:left;vertical-align:top}"
	"th{background:#edf2f7;font-weight:bold}"
	"tbody tr:nth-child(even){background:#f7fafc}"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"td.path{word-break:break-all;font-family:'DejaVu Sans Mono',monospace;font-size:12px}"
	".na{color:#718096;font-style:italic}"
	".lower{color:#276749}.higher{color:#c53030}"
	"svg.chart{display:block;max-width:100%;height:auto;margin:0 0 4px}"
	"footer{color:#4a5568;font-size:12px;max-width:1000px;margin:0 auto}";

static void esc(struct strbuf *b, const char *s)
{
	sb_xml_escape(b, s ? s : "");
}

/* A number cell: the figure, or "not measured". */
static void num_cell(struct strbuf *b, bool have, double v, const char *fmt)
{
	if (!have || !isfinite(v)) {
		sb_puts(b, "<td class=\"num na\">not measured</td>");
		return;
	}
	sb_puts(b, "<td class=\"num\">");
	sb_printf(b, fmt, v);
	sb_puts(b, "</td>");
}

/* A cell of milliseconds: three decimals by the rule of the JSON (textout.h), or "not
 * measured". */
static void ms_cell(struct strbuf *b, bool have, double ms)
{
	if (!have || !isfinite(ms) || ms < 0) {
		sb_puts(b, "<td class=\"num na\">not measured</td>");
		return;
	}
	sb_printf(b, "<td class=\"num\">%s</td>", TX_MS(ms));
}

static void text_cell(struct strbuf *b, const char *cls, const char *s)
{
	if (cls)
		sb_printf(b, "<td class=\"%s\">", cls);
	else
		sb_puts(b, "<td>");
	esc(b, s);
	sb_puts(b, "</td>");
}

static void label_cell(struct strbuf *b, size_t k, const struct report_input *in)
{
	char lab[256];

	report_input_label(in, lab, sizeof(lab));
	sb_printf(b, "<td>#%zu ", k + 1);
	esc(b, lab);
	sb_puts(b, "</td>");
}

static void limits_text(const struct results *r, char *buf, size_t len)
{
	if (r->limits_applied)
		snprintf(buf, len, "%u MB memory (no swap), %.3f vCPU (CFS quota %llu us per %llu us), "
			 "cgroup %s, one per cold start", r->memory_mb, r->vcpus,
			 (unsigned long long)r->cpu_quota_us, (unsigned long long)r->cpu_period_us,
			 r->cgroup[0] ? r->cgroup : "?");
	else
		snprintf(buf, len, "not applied: ran without Lambda's memory and CPU limits "
			 "(no usable cgroup)");
}

static const char *timing_text(const char *ts)
{
	if (!strcmp(ts, "ebpf"))
		return "eBPF kernel timestamps";
	if (!strcmp(ts, "userspace"))
		return "userspace clocks (include the emulator's own latency)";
	return "unknown";
}

/* ------------------------------------------------------------------------ */

static void caveats(struct strbuf *b, const struct report_input *in, size_t n)
{
	bool userspace = false, warm = false, nolimits = false, few = false;
	size_t k;

	for (k = 0; k < n; k++) {
		const struct results *r = in[k].res;

		userspace |= strcmp(r->timing_source, "ebpf") != 0;
		warm |= !r->cold_cache;
		nolimits |= !r->limits_applied;
		few |= r->total.n < 100;
	}
	sb_puts(b, "<section id=\"caveats\" class=\"caveats\"><h2>Measurement caveats</h2><ul>"
		    "<li><strong>Local host, not AWS Lambda.</strong> Every figure here was measured "
		    "on the host named in the Runs table, with the profiler's Runtime API emulator on "
		    "loopback.</li>"
		    "<li><strong>No platform overhead.</strong> Lambda's own work before the bootstrap "
		    "runs (sandbox creation, code download, its Runtime API service) is not in these "
		    "figures; lambda-perf's Init Duration is measured by Lambda itself.</li>"
		    "<li><strong>Indicative only.</strong> The comparison with lambda-perf's baselines "
		    "puts local figures next to figures measured on Lambda's hardware: a ratio shows "
		    "an order of magnitude, not a verdict.</li>");
	if (warm)
		sb_puts(b, "<li>Page cache warm (the default): files read by earlier cold starts "
			    "stay cached, which a fresh Lambda sandbox does not enjoy "
			    "(<code>--cold-cache</code> evicts them).</li>");
	if (nolimits)
		sb_puts(b, "<li>At least one run had no memory/CPU limits applied (see Limits in "
			    "the Runs table).</li>");
	else
		sb_puts(b, "<li>CPU limits emulate Lambda's share of a vCPU, but on this host's "
			    "CPU, not Lambda's.</li>");
	if (userspace)
		sb_puts(b, "<li>At least one run was timed from userspace: its exec, connect and "
			    "wait phases are not measured, and its init, handler and total include the "
			    "emulator's own latency.</li>");
	sb_puts(b, "<li>Statistics over the successful cold starts only: mean, percentiles by "
		    "linear interpolation between closest ranks (numpy's default), sample standard "
		    "deviation (n&#8722;1).");
	if (few)
		sb_puts(b, " With fewer than 100 cold starts, p99 is close to the max.");
	sb_puts(b, "</li></ul></section>\n");
}

static void runs_table(struct strbuf *b, const struct report_input *in, size_t n)
{
	size_t k;

	sb_puts(b, "<section id=\"runs\"><h2>Runs</h2><table id=\"runs-table\"><thead><tr>"
		    "<th>input</th><th>runtime</th><th class=\"num\">memory (MB)</th><th>arch</th>"
		    "<th class=\"num\">ok</th><th class=\"num\">failed</th><th>timing_source</th>"
		    "<th>limits</th><th>page cache</th><th>host</th><th>results file</th>"
		    "</tr></thead><tbody>");
	for (k = 0; k < n; k++) {
		const struct results *r = in[k].res;
		char lim[256], host[512];

		limits_text(r, lim, sizeof(lim));
		snprintf(host, sizeof(host), "%s; %s; kernel %s; profiler %s%s",
			 r->host[0] ? r->host : "unknown host",
			 r->host_cpu[0] ? r->host_cpu : "CPU unknown",
			 r->kernel[0] ? r->kernel : "unknown", r->tool_version[0] ? r->tool_version : "?",
			 r->incomplete ? "; run interrupted (incomplete)" : "");
		sb_printf(b, "<tr><td>#%zu</td>", k + 1);
		text_cell(b, NULL, r->runtime[0] ? r->runtime : "(unnamed)");
		sb_printf(b, "<td class=\"num\">%u</td>", r->memory_mb);
		text_cell(b, NULL, r->arch);
		sb_printf(b, "<td class=\"num\">%zu</td><td class=\"num\">%zu</td>", r->n_ok,
			      r->n_failed);
		sb_puts(b, "<td>");
		esc(b, r->timing_source[0] ? r->timing_source : "unknown");
		sb_puts(b, " (");
		esc(b, timing_text(r->timing_source));
		sb_puts(b, ")</td>");
		text_cell(b, NULL, lim);
		text_cell(b, NULL, r->cold_cache ? "cold (--cold-cache)" : "warm");
		text_cell(b, NULL, host);
		text_cell(b, "path", in[k].path ? in[k].path : "");
		sb_puts(b, "</tr>");
	}
	sb_puts(b, "</tbody></table><p class=\"source\">Source: each results file's runtime, "
		    "memory_mb, arch, measurements[] and failures[] (counts), timing_source, "
		    "limits_applied and limits, page_cache, host, host_cpu, kernel, tool_version."
		    "</p></section>\n");
}

static void phase_table(struct strbuf *b, const struct report_input *in, size_t n)
{
	static const char *const names[] = { "init", "handler", "total" };
	size_t k, p;

	sb_puts(b, "<section id=\"phases\"><h2>Phase statistics (ms)</h2>"
		    "<table id=\"phase-table\"><thead><tr><th>input</th><th>phase</th>"
		    "<th class=\"num\">n</th><th class=\"num\">avg</th><th class=\"num\">p50</th>"
		    "<th class=\"num\">p99</th><th class=\"num\">min</th><th class=\"num\">max</th>"
		    "<th class=\"num\">stddev</th></tr></thead><tbody>");
	for (k = 0; k < n; k++) {
		const struct results *r = in[k].res;
		const struct stats *st[3] = { &r->init, &r->handler, &r->total };

		for (p = 0; p < 3; p++) {
			bool have = st[p]->n > 0;

			sb_puts(b, "<tr>");
			label_cell(b, k, &in[k]);
			sb_printf(b, "<td>%s</td><td class=\"num\">%zu</td>", names[p], st[p]->n);
			ms_cell(b, have, st[p]->avg);
			ms_cell(b, have, st[p]->p50);
			ms_cell(b, have, st[p]->p99);
			ms_cell(b, have, st[p]->min);
			ms_cell(b, have, st[p]->max);
			ms_cell(b, have, st[p]->stddev);
			sb_puts(b, "</tr>");
		}
	}
	sb_puts(b, "</tbody></table><p class=\"source\">Source: measurements[].init_ms "
		    "(execve entry to the last write of the first GET /next: Lambda's Init Duration), "
		    "handler_ms (event received to the last write of the response) and total_ms "
		    "(execve entry to that write) of the successful cold starts of each results file."
		    "</p></section>\n");
}

static void memory_table(struct strbuf *b, const struct report_input *in, size_t n)
{
	size_t k;

	sb_puts(b, "<section id=\"memory\"><h2>Memory and binary</h2>"
		    "<table id=\"memory-table\"><thead><tr><th>input</th>"
		    "<th class=\"num\">peak RSS n</th><th class=\"num\">mean (KB)</th>"
		    "<th class=\"num\">p50 (KB)</th><th class=\"num\">max (KB)</th>"
		    "<th class=\"num\">binary (bytes)</th><th class=\"num\">binary (KB)</th>"
		    "<th>stripped</th><th>binary path</th></tr></thead><tbody>");
	for (k = 0; k < n; k++) {
		const struct results *r = in[k].res;
		struct stats s = { 0 };
		double *v = NULL;
		long nv = results_samples(r, METRIC_MEMORY_KB, &v);
		bool have = nv > 0 && !stats_compute(v, (size_t)nv, &s);
		bool bin = r->binary.size_bytes || r->binary.path[0];

		free(v);
		sb_puts(b, "<tr>");
		label_cell(b, k, &in[k]);
		sb_printf(b, "<td class=\"num\">%zu</td>", have ? s.n : 0);
		num_cell(b, have, s.avg, "%.0f");
		num_cell(b, have, s.p50, "%.0f");
		num_cell(b, have, s.max, "%.0f");
		num_cell(b, bin, (double)r->binary.size_bytes, "%.0f");
		num_cell(b, bin, (double)r->binary.size_kb, "%.0f");
		if (bin)
			text_cell(b, NULL, r->binary.stripped ? "yes (no .symtab)" : "no (.symtab present)");
		else
			sb_puts(b, "<td class=\"na\">not measured</td>");
		text_cell(b, "path", r->binary.path[0] ? r->binary.path : r->bootstrap);
		sb_puts(b, "</tr>");
	}
	sb_puts(b, "</tbody></table><p class=\"source\">Source: measurements[].memory_kb (peak "
		    "RSS of the largest process of the tree; KB = 1024 bytes) of the successful cold "
		    "starts, and binary.size_bytes, size_kb (rounded up) and stripped of each results "
		    "file.</p></section>\n");
}

static void baseline_table(struct strbuf *b, const struct report_input *in, size_t n)
{
	size_t k, j;
	bool unlike = false;

	sb_puts(b, "<section id=\"baselines\"><h2>Comparison with lambda-perf baselines</h2>"
		    "<table id=\"baseline-table\"><thead><tr><th>baseline</th>"
		    "<th>label (lambda-perf d)</th><th>function (r)</th><th>package</th>"
		    "<th class=\"num\">acd (ms)</th><th class=\"num\">n</th>");
	for (k = 0; k < n; k++) {
		sb_printf(b, "<th class=\"num\">#%zu init / acd</th>", k + 1);
		if (in[k].res->memory_mb != BUILTIN_BASELINE_MEMORY_MB ||
		    strcmp(in[k].res->arch, BUILTIN_BASELINE_ARCH))
			unlike = true;
	}
	sb_puts(b, "</tr></thead><tbody>");
	for (j = 0; j < n_builtin_baselines; j++) {
		const struct builtin_baseline *bl = &builtin_baselines[j];

		sb_puts(b, "<tr>");
		text_cell(b, NULL, bl->name);
		text_cell(b, NULL, bl->display);
		text_cell(b, "path", bl->function);
		text_cell(b, NULL, bl->package);
		sb_printf(b, "<td class=\"num\">%s</td><td class=\"num\">%u</td>",
			      TX_MS(bl->acd), bl->n);
		for (k = 0; k < n; k++) {
			const struct results *r = in[k].res;
			double factor;
			bool lower;

			if (!r->init.n ||
			    speed_factor(r->init.avg, bl->acd, &factor, &lower)) {
				sb_puts(b, "<td class=\"num na\">not measured</td>");
				continue;
			}
			sb_printf(b, "<td class=\"num %s\">%.4f<br/>(ours %.2fx %s)</td>",
				      lower ? "lower" : "higher", r->init.avg / bl->acd, factor,
				      lower ? "lower" : "higher");
		}
		sb_puts(b, "</tr>");
	}
	sb_puts(b, "</tbody></table>");
	sb_printf(b, "<p class=\"source\">Source: the built-in baselines, published lambda-perf "
		      "figures (%s, generatedAt %s), %u MB, %s: acd is the mean "
		      "Init Duration of the entry's n cold starts, measured by Lambda. The Go and "
		      "Swift entries are that file's container-image (p = image) entries. Ours: the "
		      "mean init_ms of each input's successful cold starts (see Phase statistics); "
		      "the ratio is ours / acd, a ratio of means.",
		      BUILTIN_BASELINE_SOURCE, BUILTIN_BASELINE_DATE, BUILTIN_BASELINE_MEMORY_MB,
		      BUILTIN_BASELINE_ARCH);
	if (unlike)
		sb_printf(b, " Not like for like: at least one input ran with another memory "
			      "size or architecture than the baselines' %u MB %s.",
			      BUILTIN_BASELINE_MEMORY_MB, BUILTIN_BASELINE_ARCH);
	sb_puts(b, " Local figures leave out Lambda's platform overhead: indicative only.</p>"
		    "</section>\n");
}

static void failure_table(struct strbuf *b, const struct report_input *in, size_t n)
{
	size_t k, i, nf = 0;

	for (k = 0; k < n; k++)
		nf += in[k].res->n_failed;
	if (!nf)
		return;
	sb_puts(b, "<section id=\"failures\"><h2>Failed cold starts</h2>"
		    "<table id=\"failure-table\"><thead><tr><th>input</th><th class=\"num\">"
		    "invocation</th><th>outcome</th><th>error_type</th><th>reason</th></tr></thead>"
		    "<tbody>");
	for (k = 0; k < n; k++) {
		const struct results *r = in[k].res;

		for (i = 0; i < r->n_inv; i++) {
			const struct invocation *v = &r->inv[i];

			if (v->outcome == INV_OK)
				continue;
			sb_puts(b, "<tr>");
			label_cell(b, k, &in[k]);
			sb_printf(b, "<td class=\"num\">%d</td>", v->index);
			text_cell(b, NULL, inv_outcome_name(v->outcome) ? inv_outcome_name(v->outcome)
									: "unknown");
			text_cell(b, NULL, v->error_type);
			text_cell(b, NULL, v->reason);
			sb_puts(b, "</tr>");
		}
	}
	sb_puts(b, "</tbody></table><p class=\"source\">Source: failures[] of each results file "
		    "(outcome, error_type, reason); failed cold starts are left out of every "
		    "statistic above.</p></section>\n");
}

static void chart_section(struct strbuf *b, const char *id, const char *title,
			  int (*chart)(struct strbuf *, const struct report_input *, size_t, int),
			  const struct report_input *in, size_t n)
{
	sb_printf(b, "<section id=\"%s\"><h2>%s</h2>\n", id, title);
	chart(b, in, n, 0);
	sb_puts(b, "\n</section>\n");
}

char *html_report(const struct report_input *in, size_t n, const char *generated_at)
{
	struct strbuf b = { 0 };
	size_t k;

	if (!in || !n)
		return NULL;
	for (k = 0; k < n; k++)
		if (!in[k].res)
			return NULL;
	sb_printf(&b, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
		      "lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
		      "<title>profiler: cold-start report</title>\n<style>%s</style>\n</head>\n"
		      "<body>\n<main>\n<h1>Cold-start report</h1>\n<p class=\"meta\">", css);
	sb_printf(&b, "%zu results file%s, made by profiler %s", n, n == 1 ? "" : "s",
		      PROFILER_VERSION);
	if (generated_at && *generated_at) {
		sb_puts(&b, " at ");
		esc(&b, generated_at);
	}
	sb_puts(&b, ". Inputs:");
	for (k = 0; k < n; k++) {
		char lab[256];

		report_input_label(&in[k], lab, sizeof(lab));
		sb_printf(&b, "%s #%zu ", k ? ";" : "", k + 1);
		esc(&b, lab);
		sb_puts(&b, " (");
		esc(&b, in[k].path);
		sb_puts(&b, ")");
	}
	sb_puts(&b, ".</p>\n");
	caveats(&b, in, n);
	chart_section(&b, "chart", "Cold start per runtime", svg_chart_bars, in, n);
	chart_section(&b, "distribution", "Distribution of cold starts", svg_chart_distribution,
		      in, n);
	chart_section(&b, "waterfall", "Median phase waterfall", svg_chart_waterfall, in, n);
	runs_table(&b, in, n);
	phase_table(&b, in, n);
	memory_table(&b, in, n);
	baseline_table(&b, in, n);
	failure_table(&b, in, n);
	html_extensions_table(&b, in, n);
	sb_puts(&b, "</main>\n<footer><p>Every figure above names its source. Generated without "
		    "network access: this page loads no script, font, style or image from "
		    "elsewhere.</p></footer>\n</body>\n</html>\n");
	return sb_take(&b);
}
