// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --breakdown for people: the text waterfall. See breakdown_text.h. */
#include "breakdown_text.h"

#include <inttypes.h>

/* What the printer says of a phase whose end mark was not seen. */
static const char *const missing_mark[BD_PHASES] = {
	"exec done not seen", "entry point not seen", "connect not seen",
	"connect return not seen", "GET /next not seen", "event not seen",
	"response not seen", "",
};

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static void print_bar(FILE *f, const struct breakdown *bd, uint64_t start, uint64_t dur,
		      unsigned width)
{
	uint64_t total = bd->window_end_ns - bd->window_start_ns;
	unsigned off = 0, len = 0, i;

	if (!width)
		return;
	if (total && bd->window_end_ns >= bd->window_start_ns && start >= bd->window_start_ns) {
		/* both ends rounded to a column: adjacent phases tile the bar */
		double o = (double)(start - bd->window_start_ns) * width / (double)total;
		double e = o + (double)dur * width / (double)total;
		unsigned c0 = o + 0.5 >= width ? width : (unsigned)(o + 0.5);
		unsigned c1 = e + 0.5 >= width ? width : (unsigned)(e + 0.5);

		off = c0;
		len = c1 > c0 ? c1 - c0 : 0;
		if (dur && !len) {	/* at least one column for a non-zero phase */
			off = c0 < width ? c0 : width - 1;
			len = 1;
		}
	}
	fputs("|", f);
	for (i = 0; i < width; i++)
		fputc(i >= off && i < off + len ? '#' : ' ', f);
	fputs("|", f);
}

static void print_costs(FILE *f, const struct bd_costs *c)
{
	char flt[48], api[48];

	snprintf(flt, sizeof(flt), "%" PRIu64 "/%" PRIu64, c->min_flt, c->maj_flt);
	snprintf(api, sizeof(api), "%" PRIu64 "/%" PRIu64, c->api_bytes_sent,
		 c->api_bytes_received);
	fprintf(f, "  %8.3f %8.3f %8.3f %11s %8" PRIu64 " %12s\n", ms(c->on_cpu_ns),
		ms(c->runnable_ns), ms(c->blocked_ns), flt, c->syscalls, api);
}

/* The header, a line per phase and the window's total line. */
static void print_phases(FILE *f, const struct breakdown *bd, unsigned width)
{
	uint64_t total;
	int p;

	total = bd->window_end_ns >= bd->window_start_ns ? bd->window_end_ns - bd->window_start_ns : 0;
	fprintf(f, "  %-15s %8s %8s  ", "phase", "start ms", "dur ms");
	if (width)
		fprintf(f, "%-*s", (int)width + 2, "waterfall");
	fprintf(f, "  %8s %8s %8s %11s %8s %12s\n", "on-CPU", "runnable", "blocked",
		"min/maj flt", "syscalls", "API out/in B");
	for (p = 0; p < BD_PHASES; p++) {
		const struct bd_phase_rec *r = &bd->ph[p];

		if (!r->measured) {
			fprintf(f, "  %-15s %8s %8s  (%s)\n", bd_phase_name(p), "-", "-",
				missing_mark[p]);
			continue;
		}
		fprintf(f, "  %-15s %8.3f %8.3f  ", bd_phase_name(p),
			ms(r->start_ns - bd->window_start_ns), ms(r->dur_ns));
		print_bar(f, bd, r->start_ns, r->dur_ns, width);
		print_costs(f, &r->c);
	}
	fprintf(f, "  %-15s %8.3f %8.3f  ", "total", 0.0, ms(total));
	print_bar(f, bd, bd->window_start_ns, total, width);
	print_costs(f, &bd->tree);
}

/* The first `top` syscalls of the window (at most BD_TOP). */
static void print_top_syscalls(FILE *f, const struct breakdown *bd, unsigned top)
{
	unsigned shown = 0;

	if (top > BD_TOP)
		top = BD_TOP;
	fputs("  top syscalls:", f);
	for (unsigned j = 0; j < top; j++) {
		const struct bd_syscall *s = &bd->tree.top[j];
		const char *name;

		if (s->nr < 0)
			break;
		name = bd_syscall_name(s->nr);
		fprintf(f, "%s ", shown ? "," : "");
		if (name)
			fputs(name, f);
		else
			fprintf(f, "syscall_%d", (int)s->nr);
		fprintf(f, " %" PRIu32 " x %.3f ms", s->count, ms(s->ns));
		shown++;
	}
	if (!shown)
		fputs(" none recorded", f);
	fputc('\n', f);
}

/* Peak RSS, what the tree created and read, and the tracer's cost. */
static void print_tree(FILE *f, const struct breakdown *bd)
{
	if (bd->peak_rss_kb) {
		fprintf(f, "  peak RSS %" PRIu64 " KB", bd->peak_rss_kb);
		if (bd->peak_rss_at_ns >= bd->window_start_ns)
			fprintf(f, " at %.3f ms", ms(bd->peak_rss_at_ns - bd->window_start_ns));
		if (bd->peak_rss_phase >= 0 && bd->peak_rss_phase < BD_PHASES)
			fprintf(f, " (%s)", bd_phase_name(bd->peak_rss_phase));
	} else {
		fputs("  peak RSS - (no sample)", f);
	}
	fprintf(f, "; created %" PRIu32 " processes, %" PRIu32 " threads; %" PRIu32
		" threads seen; storage read %.1f KB\n", bd->tree.processes, bd->tree.threads,
		bd->threads_seen, (double)bd->tree.read_bytes / 1024.0);
	if (bd->bpf_tree_measured)
		fprintf(f, "  tracing cost: %.3f ms of BPF program time on this tree's events\n",
			ms(bd->bpf_tree_ns));
}

void breakdown_print(FILE *f, const struct breakdown *bd, unsigned width, unsigned top)
{
	if (!f || !bd)
		return;
	print_phases(f, bd, width);
	print_top_syscalls(f, bd, top);
	print_tree(f, bd);
}
