/* profiler compare: results against lambda-perf baselines, or two results (A/B). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "compare.h"
#include "jsonw.h"
#include "lambda_perf.h"
#include "output.h"
#include "results.h"
#include "results_query.h"
#include "textout.h"

#define DEFAULT_TARGET_MS 8.0
#define DEFAULT_MAX_REGRESSION_PCT 5.0

static const char INDICATIVE[] =
	"A local host measurement leaves out the platform's own overhead (sandbox creation, "
	"code download), so this comparison is indicative.";
static const char TEST_NAME[] = "Welch's t-test (unequal variances), two-sided";
static const char RATIO_ERR[] =
	"1 sigma, propagated from the standard errors of the means (sd/sqrt(n))";

struct cmp_opts {
	const char *input[2];
	int n_input;
	const char *baseline;
	double target_ms;
	double max_regression;
	bool target_set, regression_set;
	bool json;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: profiler compare -i RESULTS [--baseline FILE] [--target MS] [--json]\n"
"       profiler compare -i A.json -i B.json [--max-regression PCT] [--json]\n"
"\n"
"One input: compares the results' init (mean) with lambda-perf's published\n"
"average Init Duration (acd) of other runtimes, and checks the average cold\n"
"start (stats.avg_ms, the mean total) against a target.\n"
"Two inputs: A vs B for init_ms, handler_ms, total_ms and memory_kb (peak RSS),\n"
"with the ratio B/A, its error and a significance test, and a regression gate.\n"
"\n"
"Options:\n"
"  -i, --input FILE        results JSON of 'profiler benchmark' (once or twice)\n"
"      --baseline FILE     lambda-perf data file (current short-key format or the\n"
"                          older long-key one); compares with every runtime of the\n"
"                          results' memory size and architecture, package zip,\n"
"                          sorted by acd (default: the built-in baselines)\n"
"      --target MS         average cold start target, met when stats.avg_ms < MS\n"
"                          (the file's own figure, which must be the mean of its\n"
"                          measurements' total_ms; for a file without stats, that\n"
"                          mean; default 8; one input only)\n"
"      --max-regression PCT  B may be slower than A by this much, in percent of\n"
"                          A's mean total_ms (default 5; two inputs only)\n"
"      --json              one JSON document on stdout instead of text\n"
"  -h, --help              this text\n"
"\n"
"Built-in baselines (" BUILTIN_BASELINE_SOURCE ", 128 MB, x86_64; acd in ms):\n");
	for (size_t k = 0; k < n_builtin_baselines; k++)
		fprintf(f, "  %-10s %7.3f  %s, %s\n", builtin_baselines[k].name,
			builtin_baselines[k].acd, builtin_baselines[k].display,
			builtin_baselines[k].package);
	fprintf(f,
"\n"
"Like for like: lambda-perf's figure is Lambda's Init Duration, so it is compared\n"
"with our init phase (execve to the first GET /next written). Our total is shown\n"
"too. A local host leaves out Lambda's own overhead (sandbox, code download): the\n"
"comparison is indicative. Factors are ratios of means (\"ours is 3.21x lower\").\n"
"\n"
"A/B statistics: mean and sample standard deviation (n-1) over the successful\n"
"cold starts; B/A +- 1 sigma propagated from the standard errors of the means,\n"
"sigma = r * sqrt((sdA/(sqrt(nA)*meanA))^2 + (sdB/(sqrt(nB)*meanB))^2);\n"
"Welch's t-test: t = (meanB - meanA) / sqrt(sdA^2/nA + sdB^2/nB), Welch-Satterthwaite\n"
"degrees of freedom, two-sided p from Student's t; significant when p < 0.05.\n"
"No test with fewer than 2 samples on a side.\n"
"\n"
"Exit status:\n"
"  one input:  0 target met; 1 target not met\n"
"  two inputs: 0 no regression; 1 B's mean total_ms is larger than A's by more\n"
"              than --max-regression percent and the difference is significant\n"
"  2 bad usage or input (missing file, invalid JSON, wrong types, no successful\n"
"    measurement, a stats.avg_ms that is not the measurements' mean, not\n"
"    lambda-perf data, no matching runtime in the baseline)\n"
"\n"
"Examples:\n"
"  profiler compare -i results.json\n"
"  profiler compare -i results.json --target 5 --json | jq '.target.met'\n"
"  profiler compare -i results.json --baseline lambda-perf/data/2024-12-31.json\n"
"  profiler compare -i main.json -i branch.json --max-regression 10\n");
}

static int parse_num(const char *s, double lo, bool lo_open, double hi, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v > hi || v < lo || (lo_open && v == lo))
		return -1;
	*out = v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct cmp_opts *o)
{
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "baseline", required_argument, NULL, 'B' },
		{ "target", required_argument, NULL, 'T' },
		{ "max-regression", required_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	o->target_ms = DEFAULT_TARGET_MS;
	o->max_regression = DEFAULT_MAX_REGRESSION_PCT;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (o->n_input == 2)
				return err_usage("compare takes one or two -i inputs, not more");
			o->input[o->n_input++] = optarg;
			break;
		case 'B': o->baseline = optarg; break;
		case 'T':
			if (parse_num(optarg, 0, true, 1e9, &o->target_ms))
				return err_usage("--target must be a number of ms above 0, not '%s'", optarg);
			o->target_set = true;
			break;
		case 'M':
			if (parse_num(optarg, 0, false, 1e9, &o->max_regression))
				return err_usage("--max-regression must be a percentage >= 0, not '%s'",
						 optarg);
			o->regression_set = true;
			break;
		case 'J': o->json = true; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case ':': return err_usage("option '%s' needs a value", argv[optind - 1]);
		default:
			return err_unknown_option("compare", argv[optind - 1], longopts);
		}
	}
	if (optind < argc)
		return err_usage("unexpected argument '%s'", argv[optind]);
	if (!o->n_input)
		return err_usage("compare needs -i RESULTS (see 'profiler compare --help')");
	if (o->n_input == 2 && o->baseline)
		return err_usage("--baseline compares one input; with two inputs A and B are compared");
	if (o->n_input == 2 && o->target_set)
		return err_usage("--target checks one input; with two inputs the gate is --max-regression");
	if (o->n_input == 1 && o->regression_set)
		return err_usage("--max-regression needs two inputs (-i A.json -i B.json)");
	return 0;
}

/* ------------------------------------------------------------------------ */
/* shared by both modes                                                       */

/* n, mean and sd of one metric, each in its unit */
static void json_summary(struct jw *w, cJSON *parent, const char *key, enum results_metric id,
			 const struct sample_summary *s)
{
	cJSON *x = jw_obj(w, parent, key);

	jw_uint(w, x, "n", s->n);
	if (id == METRIC_MEMORY_KB) {
		jw_kib(w, x, "mean", s->mean);
		jw_kib(w, x, "sd", s->sd);
	} else {
		jw_ms(w, x, "mean", s->mean);
		jw_ms(w, x, "sd", s->sd);
	}
}

/* what a results file is: its own fields, and the cold starts compare counted */
static void json_results(struct jw *w, cJSON *parent, const char *key, const char *path,
			 const struct results *r)
{
	cJSON *x = jw_obj(w, parent, key);

	jw_str(w, x, "file", path);
	jw_str(w, x, "runtime", r->runtime);
	jw_uint(w, x, "memory_mb", r->memory_mb);
	jw_str(w, x, "arch", r->arch);
	jw_uint(w, x, "succeeded", r->n_ok);
	jw_uint(w, x, "failed", r->n_failed);
}

/* "PATH: RUNTIME, N MB, ARCH, ..." for the text report (untrusted: print it with TX_SAFE) */
static void describe(const char *path, const struct results *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s: %s, %u MB, %s, %zu successful cold start%s, %zu failed", path,
		 r->runtime[0] ? r->runtime : "(no runtime name)", r->memory_mb,
		 r->arch[0] ? r->arch : "(no arch)", r->n_ok, r->n_ok == 1 ? "" : "s",
		 r->n_failed);
}

/* ------------------------------------------------------------------------ */
/* one input: baselines                                                       */

struct base_row {
	const char *name;	/* what the user reads */
	const char *display;	/* lambda-perf's d */
	const char *function;	/* lambda-perf's r */
	const char *package;
	double acd;
	size_t n;		/* cold starts behind acd; 0 = not known (built-in) */
	bool has_factor, lower;
	double factor;
};

/* Everything compare_one works with. */
struct one {
	struct results res;
	struct results_recorded rec;	/* what the file says of itself */
	struct sample_summary init, total;	/* compare's own, over the measurements */
	struct lp_data lp;
	size_t *idx;
	struct base_row *rows;
	size_t n_rows;
	char label[256];
	bool mismatch;			/* the built-in baselines are not the results' setting */
	struct target_check target;
};

/* The results, compare's summaries of them and the figure the target is on. Returns 0 or an
 * exit status (the error said). */
static int read_one(const struct cmp_opts *o, struct one *c)
{
	char err[768];
	double *v = NULL;
	long n;

	if (compare_read_results_recorded(o->input[0], &c->res, &c->rec, err, sizeof(err)))
		return out_error(EXIT_USAGE, "%s", err);
	n = results_samples(&c->res, METRIC_INIT_MS, &v);
	if (n < 0)
		return out_error(EXIT_USAGE, "out of memory");
	summary_of(v, (size_t)n, &c->init);
	free(v);
	n = results_samples(&c->res, METRIC_TOTAL_MS, &v);
	if (n < 0)
		return out_error(EXIT_USAGE, "out of memory");
	summary_of(v, (size_t)n, &c->total);
	free(v);
	if (!c->init.n)
		return out_error(EXIT_USAGE, "%s: No measurements found in results file "
				 "(no successful cold start has an init figure)", o->input[0]);
	if (target_check(&c->res, &c->rec, o->target_ms, &c->target, err, sizeof(err)))
		return out_error(EXIT_USAGE, "%s: %s", o->input[0], err);
	return 0;
}

/* The baselines to set our init against: the entries of --baseline FILE matching the
 * results' setting, or the built-in ones. Returns 0 or an exit status (the error said). */
static int load_baselines(const struct cmp_opts *o, struct one *c)
{
	const struct results *r = &c->res;
	char err[768];
	size_t k;

	if (!o->baseline) {
		c->n_rows = n_builtin_baselines;
		c->rows = calloc(c->n_rows, sizeof(*c->rows));
		if (!c->rows)
			return out_error(EXIT_USAGE, "out of memory");
		for (k = 0; k < c->n_rows; k++) {
			const struct builtin_baseline *b = &builtin_baselines[k];

			c->rows[k] = (struct base_row){ .name = b->name, .display = b->display,
							.function = b->function,
							.package = b->package, .acd = b->acd,
							.n = b->n };
		}
		snprintf(c->label, sizeof(c->label), "%s, %d MB, %s (built-in)",
			 BUILTIN_BASELINE_SOURCE, BUILTIN_BASELINE_MEMORY_MB, BUILTIN_BASELINE_ARCH);
		c->mismatch = r->memory_mb != BUILTIN_BASELINE_MEMORY_MB ||
			      strcmp(r->arch, BUILTIN_BASELINE_ARCH) != 0;
		return 0;
	}
	if (lp_read_file(o->baseline, &c->lp, err, sizeof(err))) {
		if (strstr(err, o->baseline))
			return out_error(EXIT_USAGE, "%s", err);
		return out_error(EXIT_USAGE, "%s: %s", o->baseline, err);
	}
	{
		long m = lp_match(&c->lp, r->memory_mb, r->arch, "zip", &c->idx);

		if (m < 0)
			return out_error(EXIT_USAGE, "out of memory");
		if (m == 0)
			return out_error(EXIT_USAGE, "%s: no runtime matches the results' memory "
					 "size %u MB, architecture '%s' and package type zip (%zu "
					 "runtimes in the file)", o->baseline, r->memory_mb, r->arch,
					 c->lp.n);
		c->n_rows = (size_t)m;
	}
	c->rows = calloc(c->n_rows, sizeof(*c->rows));
	if (!c->rows)
		return out_error(EXIT_USAGE, "out of memory");
	for (k = 0; k < c->n_rows; k++) {
		const struct lp_runtime *rt = &c->lp.rt[c->idx[k]];

		c->rows[k] = (struct base_row){ .name = rt->d, .display = rt->d, .function = rt->r,
						.package = rt->p, .acd = rt->acd, .n = rt->n_i };
	}
	snprintf(c->label, sizeof(c->label), "lambda-perf %.10s, %u MB, %s, zip (%s)",
		 c->lp.generated_at[0] ? c->lp.generated_at : "(no date)", r->memory_mb, r->arch,
		 o->baseline);
	return 0;
}

static void json_comparisons(struct jw *w, cJSON *root, const struct one *c)
{
	cJSON *arr = jw_arr(w, root, "comparisons");
	size_t k;

	for (k = 0; arr && k < c->n_rows; k++) {
		const struct base_row *b = &c->rows[k];
		cJSON *e = jw_obj(w, arr, NULL);

		jw_str(w, e, "name", b->name);
		jw_str(w, e, "display", b->display);
		jw_str(w, e, "function", b->function);
		jw_str(w, e, "package", b->package);
		jw_ms(w, e, "acd_ms", b->acd);
		if (b->n)
			jw_uint(w, e, "n", b->n);
		else
			jw_null(w, e, "n");
		jw_ratio(w, e, "ours_over_baseline", c->init.mean / b->acd);
		jw_ratio(w, e, "factor", b->has_factor ? b->factor : NAN);
		jw_str(w, e, "ours_is", !b->has_factor ? NULL :
		       b->factor == 1.0 ? "equal" : b->lower ? "lower" : "higher");
	}
}

static int json_one(const struct cmp_opts *o, const struct one *c, int rc)
{
	struct jw w = { 0 };
	cJSON *root = jw_root(&w), *x;

	jw_str(&w, root, "mode", "baseline");
	json_results(&w, root, "results", o->input[0], &c->res);
	x = jw_obj(&w, root, "ours");
	json_summary(&w, x, "init_ms", METRIC_INIT_MS, &c->init);
	json_summary(&w, x, "total_ms", METRIC_TOTAL_MS, &c->total);
	x = jw_obj(&w, root, "baseline");
	jw_str(&w, x, "source", o->baseline ? o->baseline : "built-in");
	jw_str(&w, x, "label", c->label);
	jw_str(&w, x, "generated_at", o->baseline ? c->lp.generated_at : BUILTIN_BASELINE_DATE);
	jw_str(&w, x, "metric", "acd: mean Init Duration (ms), compared with our init_ms mean");
	jw_uint(&w, x, "memory_mb", o->baseline ? c->res.memory_mb : BUILTIN_BASELINE_MEMORY_MB);
	jw_str(&w, x, "arch", o->baseline ? c->res.arch : BUILTIN_BASELINE_ARCH);
	if (o->baseline)
		jw_str(&w, x, "package", "zip");
	jw_bool(&w, x, "matches_results", !c->mismatch);
	json_comparisons(&w, root, c);
	jw_str(&w, root, "note", INDICATIVE);
	x = jw_obj(&w, root, "target");
	jw_ms(&w, x, "ms", o->target_ms);
	jw_str(&w, x, "metric", c->target.metric);
	jw_ms(&w, x, "avg_ms", c->target.avg_ms);
	jw_bool(&w, x, "met", c->target.met);
	jw_int(&w, root, "exit_status", rc);
	return out_document(&w, root, EXIT_USAGE) ? EXIT_USAGE : rc;
}

static void text_one(const struct cmp_opts *o, const struct one *c)
{
	char desc[1024];
	size_t k;

	describe(o->input[0], &c->res, desc, sizeof(desc));
	printf("=== Comparison with lambda-perf ===\n");
	printf("Results:   %s\n", TX_SAFE(desc));
	printf("Baselines: %s\n", TX_SAFE(c->label));
	if (c->mismatch)
		printf("Note: the built-in baselines are 128 MB x86_64 figures; these results are "
		       "%u MB %s (use --baseline FILE for matching ones)\n", c->res.memory_mb,
		       TX_SAFE(c->res.arch));
	printf("Ours:      init  %s ms (mean of %zu, sd %s)  compared with acd, the mean Init "
	       "Duration\n", TX_MS(c->init.mean), c->init.n, TX_MS(c->init.sd));
	printf("           total %s ms (mean of %zu, sd %s)  init + wait + handler\n",
	       TX_MS(c->total.mean), c->total.n, TX_MS(c->total.sd));
	printf("\nacd vs our init:\n");
	for (k = 0; k < c->n_rows; k++) {
		const struct base_row *b = &c->rows[k];
		char what[64];

		if (!b->has_factor)
			snprintf(what, sizeof(what), "no ratio (a figure is 0)");
		else if (b->factor < 1.005)	/* prints as 1.00x */
			snprintf(what, sizeof(what), "ours is about the same");
		else
			snprintf(what, sizeof(what), "ours is %.2fx %s", b->factor,
				 b->lower ? "lower" : "higher");
		if (o->baseline)
			printf("  %-28s %9s ms  %s\n", TX_SAFE(b->name), TX_MS(b->acd), what);
		else	/* built-in: say which lambda-perf entry it is */
			printf("  %-28s %9s ms  %-24s  %s, %s\n", b->name, TX_MS(b->acd), what,
			       b->display, b->package);
	}
	printf("\n%s\n\n", INDICATIVE);
	if (isfinite(c->target.avg_ms))
		printf("Target: <%s ms avg cold start (%s): %s (%s ms)\n", TX_MS(o->target_ms),
		       c->target.metric, c->target.met ? "met" : "not met", TX_MS(c->target.avg_ms));
	else
		printf("Target: <%s ms avg cold start (%s): not met (no total measured)\n",
		       TX_MS(o->target_ms), c->target.metric);
}

static int compare_one(const struct cmp_opts *o)
{
	struct one c = { 0 };
	size_t k;
	int rc;

	rc = read_one(o, &c);
	if (!rc)
		rc = load_baselines(o, &c);
	if (rc)
		goto out;
	for (k = 0; k < c.n_rows; k++)
		c.rows[k].has_factor = speed_factor(c.init.mean, c.rows[k].acd, &c.rows[k].factor,
						    &c.rows[k].lower) == 0;
	rc = c.target.met ? EXIT_OK : EXIT_FAILED;
	if (o->json)
		rc = json_one(o, &c, rc);
	else
		text_one(o, &c);
out:
	free(c.idx);
	free(c.rows);
	lp_free(&c.lp);
	results_free(&c.res);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* two inputs: A vs B                                                         */

static void fmt_summary(char *buf, size_t len, enum results_metric id,
			const struct sample_summary *s)
{
	if (!s->n)
		snprintf(buf, len, "-");
	else if (id == METRIC_MEMORY_KB)
		snprintf(buf, len, "%.0f +- %.0f (%zu)", s->mean, s->sd, s->n);
	else
		snprintf(buf, len, "%s +- %s (%zu)", TX_MS(s->mean), TX_MS(s->sd), s->n);
}

static int json_two(const struct cmp_opts *o, const struct results *a, const struct results *b,
		    const struct ab_metric *m, bool regressed, int rc)
{
	struct jw w = { 0 };
	cJSON *root = jw_root(&w), *arr, *x;
	int k;

	jw_str(&w, root, "mode", "ab");
	json_results(&w, root, "a", o->input[0], a);
	json_results(&w, root, "b", o->input[1], b);
	jw_str(&w, root, "test", TEST_NAME);
	jw_ratio(&w, root, "alpha", COMPARE_ALPHA);
	jw_str(&w, root, "ratio", "B/A of the means");
	jw_str(&w, root, "ratio_error", RATIO_ERR);
	arr = jw_arr(&w, root, "metrics");
	for (k = 0; arr && k < METRIC_COUNT; k++) {
		cJSON *e = jw_obj(&w, arr, NULL);

		jw_str(&w, e, "metric", results_metric_name(m[k].id));
		json_summary(&w, e, "a", m[k].id, &m[k].a);
		json_summary(&w, e, "b", m[k].id, &m[k].b);
		jw_ratio(&w, e, "ratio", m[k].ratio);
		jw_ratio(&w, e, "ratio_err", m[k].ratio_err);
		jw_pct(&w, e, "change_pct", m[k].change_pct);
		jw_bool(&w, e, "tested", m[k].w.valid);
		jw_ratio(&w, e, "t", m[k].w.t);
		jw_ratio(&w, e, "df", m[k].w.df);
		jw_ratio(&w, e, "p", m[k].w.p);
		jw_bool(&w, e, "significant", m[k].significant);
		if (!m[k].w.valid)
			jw_str(&w, e, "no_test", "fewer than 2 samples on a side");
	}
	x = jw_obj(&w, root, "gate");
	jw_str(&w, x, "metric", "total_ms");
	jw_pct(&w, x, "max_regression_pct", o->max_regression);
	jw_bool(&w, x, "regressed", regressed);
	jw_int(&w, root, "exit_status", rc);
	return out_document(&w, root, EXIT_USAGE) ? EXIT_USAGE : rc;
}

/* One row of the A/B table. */
static void text_metric_row(const struct ab_metric *m)
{
	char sa[64], sb[64], r[48], ch[48], t[24], df[24], p[64];

	fmt_summary(sa, sizeof(sa), m->id, &m->a);
	fmt_summary(sb, sizeof(sb), m->id, &m->b);
	if (m->has_ratio) {
		snprintf(r, sizeof(r), "%.3f +- %.3f", m->ratio, m->ratio_err);
		tx_change(ch, sizeof(ch), m->change_pct);
	} else {
		snprintf(r, sizeof(r), "-");
		snprintf(ch, sizeof(ch), "-");
	}
	if (!m->w.valid) {
		snprintf(t, sizeof(t), "-");
		snprintf(df, sizeof(df), "-");
		snprintf(p, sizeof(p), "no test (fewer than 2 samples)");
	} else {
		if (isfinite(m->w.t))
			snprintf(t, sizeof(t), "%.2f", m->w.t);
		else
			snprintf(t, sizeof(t), "%s", m->w.t > 0 ? "+inf" : "-inf");
		if (isfinite(m->w.df))
			snprintf(df, sizeof(df), "%.1f", m->w.df);
		else
			snprintf(df, sizeof(df), "-");
		snprintf(p, sizeof(p), "%.3g %s%s", m->w.p,
			 m->significant ? "significant" : "not significant",
			 isfinite(m->w.df) ? "" : " (no variance)");
	}
	printf("%-11s %-24s %-24s %-16s %8s %8s %7s %s\n", results_metric_name(m->id), sa, sb, r,
	       ch, t, df, p);
}

static void text_two(const struct cmp_opts *o, const struct results *a, const struct results *b,
		     const struct ab_metric *m, bool regressed)
{
	const struct ab_metric *tot = &m[METRIC_TOTAL_MS];
	char desc[1024];
	int k;

	printf("=== A/B comparison ===\n");
	describe(o->input[0], a, desc, sizeof(desc));
	printf("A: %s\n", TX_SAFE(desc));
	describe(o->input[1], b, desc, sizeof(desc));
	printf("B: %s\n", TX_SAFE(desc));
	if (a->memory_mb != b->memory_mb || strcmp(a->arch, b->arch))
		printf("Note: A and B were measured with different settings (%u MB %s vs %u MB %s)\n",
		       a->memory_mb, TX_SAFE(a->arch), b->memory_mb, TX_SAFE(b->arch));
	printf("Test: %s; significant when p < %.2f\n", TEST_NAME, COMPARE_ALPHA);
	printf("B/A: ratio of the means, +- %s\n\n", RATIO_ERR);
	printf("%-11s %-24s %-24s %-16s %8s %8s %7s %-10s\n", "metric", "A mean +- sd (n)",
	       "B mean +- sd (n)", "B/A", "change", "t", "df", "p");
	for (k = 0; k < METRIC_COUNT; k++)
		text_metric_row(&m[k]);
	printf("\nRegression gate: total_ms of B vs A, fails above +%.1f%% when significant: ",
	       o->max_regression);
	if (regressed)
		printf("FAILED (B is %s, p = %.3g)\n", TX_CHANGE(tot->change_pct), tot->w.p);
	else if (!tot->w.valid)
		printf("passed (no test: fewer than 2 samples on a side)\n");
	else if (tot->has_ratio)
		printf("passed (B is %s, p = %.3g, %s)\n", TX_CHANGE(tot->change_pct), tot->w.p,
		       tot->significant ? "significant" : "not significant");
	else
		printf("passed (no ratio)\n");
}

static int compare_two(const struct cmp_opts *o)
{
	struct results a = { 0 }, b = { 0 };
	struct ab_metric m[METRIC_COUNT];
	char err[768];
	bool regressed;
	int rc, k;

	if (compare_read_results(o->input[0], &a, err, sizeof(err)))
		return out_error(EXIT_USAGE, "%s", err);
	if (compare_read_results(o->input[1], &b, err, sizeof(err))) {
		rc = out_error(EXIT_USAGE, "%s", err);
		goto out;
	}
	for (k = 0; k < METRIC_COUNT; k++) {
		if (ab_compare(&a, &b, (enum results_metric)k, &m[k])) {
			rc = out_error(EXIT_USAGE, "out of memory");
			goto out;
		}
	}
	regressed = ab_regressed(&m[METRIC_TOTAL_MS], o->max_regression);
	rc = regressed ? EXIT_FAILED : EXIT_OK;
	if (o->json)
		rc = json_two(o, &a, &b, m, regressed, rc);
	else
		text_two(o, &a, &b, m, regressed);
out:
	results_free(&a);
	results_free(&b);
	return rc;
}

int cmd_compare(int argc, char **argv)
{
	struct cmp_opts o = { 0 };
	int rc;

	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc;
	return o.n_input == 2 ? compare_two(&o) : compare_one(&o);
}
