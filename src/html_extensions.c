#include "html_extensions.h"

#include <string.h>

#include "results.h"
#include "textout.h"

/* Mean of the figures >= 0, or -1 when there is none. */
struct mean {
	double sum;
	size_t n;
};

static void add(struct mean *m, double v)
{
	if (v >= 0) {
		m->sum += v;
		m->n++;
	}
}

static void ms_cell(struct strbuf *b, const struct mean *m)
{
	if (!m->n)
		sb_puts(b, "<td class=\"num na\">not measured</td>");
	else
		sb_printf(b, "<td class=\"num\">%s</td>", TX_MS(m->sum / (double)m->n));
}

/* One row: extension `name` over every cold start of r. */
static void ext_row(struct strbuf *b, size_t k, const struct report_input *in, const char *name)
{
	const struct results *r = in->res;
	struct mean init = { 0 }, runtime = { 0 }, post = { 0 };
	unsigned count[EXT_OUTCOME_LAST + 1] = { 0 };
	char lab[256];
	bool first = true;

	for (size_t i = 0; i < r->n_inv; i++) {
		const struct api_facts *f = &r->inv[i].api;

		for (unsigned e = 0; f->ext && e < f->n_ext; e++) {
			if (strcmp(f->ext[e].name, name))
				continue;
			add(&init, f->ext[e].init_ms);
			add(&runtime, f->runtime_init_ms);
			add(&post, f->post_runtime_ms);
			if ((unsigned)f->ext[e].outcome <= EXT_OUTCOME_LAST)
				count[f->ext[e].outcome]++;
		}
	}
	report_input_label(in, lab, sizeof(lab));
	sb_printf(b, "<tr><td>#%zu ", k + 1);
	sb_xml_escape(b, lab);
	sb_puts(b, "</td><td>");
	sb_xml_escape(b, name);
	sb_puts(b, "</td>");
	ms_cell(b, &init);
	ms_cell(b, &runtime);
	ms_cell(b, &post);
	sb_puts(b, "<td>");
	for (unsigned o = 0; o <= EXT_OUTCOME_LAST; o++) {
		if (!count[o])
			continue;
		sb_printf(b, "%s%s %u", first ? "" : ", ", ext_outcome_name(o), count[o]);
		first = false;
	}
	sb_puts(b, "</td></tr>");
}

/* Whether extension `name` already has a row for r (its first cold start that ran it). */
static bool seen_before(const struct results *r, size_t upto, unsigned upto_e, const char *name)
{
	for (size_t i = 0; i <= upto && i < r->n_inv; i++) {
		const struct api_facts *f = &r->inv[i].api;

		for (unsigned e = 0; f->ext && e < f->n_ext && (i < upto || e < upto_e); e++)
			if (!strcmp(f->ext[e].name, name))
				return true;
	}
	return false;
}

void html_extensions_table(struct strbuf *b, const struct report_input *in, size_t n)
{
	bool any = false;

	for (size_t k = 0; k < n && !any; k++)
		for (size_t i = 0; i < in[k].res->n_inv && !any; i++)
			any = in[k].res->inv[i].api.n_ext > 0;
	if (!any)
		return;
	sb_puts(b, "<section id=\"extensions\"><h2>Extensions</h2>"
		    "<table id=\"extension-table\"><thead><tr><th>input</th><th>extension</th>"
		    "<th class=\"num\">its init (ms)</th><th class=\"num\">runtime's init (ms)</th>"
		    "<th class=\"num\">post-runtime (ms)</th><th>outcomes</th></tr></thead><tbody>");
	for (size_t k = 0; k < n; k++) {
		const struct results *r = in[k].res;

		for (size_t i = 0; i < r->n_inv; i++)
			for (unsigned e = 0; r->inv[i].api.ext && e < r->inv[i].api.n_ext; e++)
				if (!seen_before(r, i, e, r->inv[i].api.ext[e].name))
					ext_row(b, k, &in[k], r->inv[i].api.ext[e].name);
	}
	sb_puts(b, "</tbody></table><p class=\"source\">Source: extensions[], runtime_init_ms "
		    "and post_runtime_ms of every cold start (failed ones included) of each results "
		    "file: means of the measured figures; an extension's init runs from its start to "
		    "its first event/next, the runtime's to its first GET /next.</p></section>\n");
}
