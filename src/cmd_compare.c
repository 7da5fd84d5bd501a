/* profiler compare: results against lambda-perf baselines, or two results (A/B). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "cmd.h"
#include "compare.h"
#include "lambda_perf.h"
#include "results.h"

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
"                          (default 8; one input only)\n"
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
"    measurement, not lambda-perf data, no matching runtime in the baseline)\n"
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
/* JSON helpers                                                               */

struct jb {
	bool oom;
};

static cJSON *jchk(struct jb *j, cJSON *it)
{
	if (!it)
		j->oom = true;
	return it;
}

static void jnum(struct jb *j, cJSON *o, const char *k, double v)
{
	if (!o)
		return;
	if (isfinite(v))
		jchk(j, cJSON_AddNumberToObject(o, k, v));
	else
		jchk(j, cJSON_AddNullToObject(o, k));
}

/* figures in ms or KiB: to the nanosecond / byte-ish, enough for anyone */
static void jfig(struct jb *j, cJSON *o, const char *k, double v)
{
	jnum(j, o, k, isfinite(v) ? round(v * 1e6) / 1e6 : v);
}

static void jstr(struct jb *j, cJSON *o, const char *k, const char *s)
{
	if (o)
		jchk(j, s ? cJSON_AddStringToObject(o, k, s) : cJSON_AddNullToObject(o, k));
}

static void jbool(struct jb *j, cJSON *o, const char *k, bool v)
{
	if (o)
		jchk(j, cJSON_AddBoolToObject(o, k, v));
}

static cJSON *jobj(struct jb *j, cJSON *o, const char *k)
{
	return o ? jchk(j, cJSON_AddObjectToObject(o, k)) : NULL;
}

static void jsummary(struct jb *j, cJSON *o, const char *k, const struct sample_summary *s)
{
	cJSON *x = jobj(j, o, k);

	if (!x)
		return;
	jnum(j, x, "n", (double)s->n);
	jfig(j, x, "mean", s->mean);
	jfig(j, x, "sd", s->sd);
}

static void jresults(struct jb *j, cJSON *o, const char *k, const char *path,
		     const struct results *r)
{
	cJSON *x = jobj(j, o, k);

	if (!x)
		return;
	jstr(j, x, "file", path);
	jstr(j, x, "runtime", r->runtime);
	jnum(j, x, "memory_mb", r->memory_mb);
	jstr(j, x, "arch", r->arch);
	jnum(j, x, "succeeded", (double)r->n_ok);
	jnum(j, x, "failed", (double)r->n_failed);
}

static int print_json(cJSON *root, struct jb *j)
{
	char *txt;

	if (j->oom) {
		cJSON_Delete(root);
		fprintf(stderr, "profiler: out of memory\n");
		return -1;
	}
	txt = cJSON_Print(root);
	cJSON_Delete(root);
	if (!txt) {
		fprintf(stderr, "profiler: out of memory\n");
		return -1;
	}
	printf("%s\n", txt);
	cJSON_free(txt);
	return 0;
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

static void describe(const char *path, const struct results *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s: %s, %u MB, %s, %zu successful cold start%s, %zu failed", path,
		 r->runtime[0] ? r->runtime : "(no runtime name)", r->memory_mb,
		 r->arch[0] ? r->arch : "(no arch)", r->n_ok, r->n_ok == 1 ? "" : "s",
		 r->n_failed);
}

static int compare_one(const struct cmp_opts *o)
{
	struct results res;
	struct lp_data lp = { 0 };
	struct sample_summary init, total;
	struct base_row *rows = NULL;
	size_t n_rows = 0, k, *idx = NULL;
	double *v = NULL;
	char err[768], desc[1024], label[256];
	bool met, mismatch = false;
	long n;
	int rc = EXIT_USAGE;

	if (compare_read_results(o->input[0], &res, err, sizeof(err))) {
		fprintf(stderr, "profiler: %s\n", err);
		return EXIT_USAGE;
	}
	n = results_samples(&res, METRIC_INIT_MS, &v);
	if (n < 0)
		goto oom;
	summary_of(v, (size_t)n, &init);
	free(v);
	n = results_samples(&res, METRIC_TOTAL_MS, &v);
	if (n < 0)
		goto oom;
	summary_of(v, (size_t)n, &total);
	free(v);
	v = NULL;
	if (!init.n) {
		fprintf(stderr, "profiler: %s: No measurements found in results file "
			"(no successful cold start has an init figure)\n", o->input[0]);
		goto out;
	}

	if (o->baseline) {
		long m;

		if (lp_read_file(o->baseline, &lp, err, sizeof(err))) {
			if (strstr(err, o->baseline))
				fprintf(stderr, "profiler: %s\n", err);
			else
				fprintf(stderr, "profiler: %s: %s\n", o->baseline, err);
			goto out;
		}
		m = lp_match(&lp, res.memory_mb, res.arch, "zip", &idx);
		if (m < 0)
			goto oom;
		if (m == 0) {
			fprintf(stderr, "profiler: %s: no runtime matches the results' memory size "
				"%u MB, architecture '%s' and package type zip (%zu runtimes in the file)\n",
				o->baseline, res.memory_mb, res.arch, lp.n);
			goto out;
		}
		n_rows = (size_t)m;
		rows = calloc(n_rows, sizeof(*rows));
		if (!rows)
			goto oom;
		for (k = 0; k < n_rows; k++) {
			const struct lp_runtime *rt = &lp.rt[idx[k]];

			rows[k] = (struct base_row){ .name = rt->d, .display = rt->d, .function = rt->r,
						     .package = rt->p, .acd = rt->acd, .n = rt->n_i };
		}
		snprintf(label, sizeof(label), "lambda-perf %.10s, %u MB, %s, zip (%s)",
			 lp.generated_at[0] ? lp.generated_at : "(no date)", res.memory_mb,
			 res.arch, o->baseline);
	} else {
		n_rows = n_builtin_baselines;
		rows = calloc(n_rows, sizeof(*rows));
		if (!rows)
			goto oom;
		for (k = 0; k < n_rows; k++) {
			const struct builtin_baseline *b = &builtin_baselines[k];

			rows[k] = (struct base_row){ .name = b->name, .display = b->display,
						     .function = b->function, .package = b->package,
						     .acd = b->acd, .n = b->n };
		}
		snprintf(label, sizeof(label), "%s, %d MB, %s (built-in)", BUILTIN_BASELINE_SOURCE,
			 BUILTIN_BASELINE_MEMORY_MB, BUILTIN_BASELINE_ARCH);
		mismatch = res.memory_mb != BUILTIN_BASELINE_MEMORY_MB ||
			   strcmp(res.arch, BUILTIN_BASELINE_ARCH) != 0;
	}
	for (k = 0; k < n_rows; k++)
		rows[k].has_factor = speed_factor(init.mean, rows[k].acd, &rows[k].factor,
						  &rows[k].lower) == 0;

	/* the target is on stats.avg_ms: the mean total, as the results file has it */
	met = res.total.n > 0 && res.total.avg < o->target_ms;
	rc = met ? EXIT_OK : EXIT_FAILED;

	if (o->json) {
		struct jb j = { 0 };
		cJSON *root = cJSON_CreateObject(), *x, *arr;

		if (!root)
			goto oom;
		jstr(&j, root, "mode", "baseline");
		jresults(&j, root, "results", o->input[0], &res);
		x = jobj(&j, root, "ours");
		jsummary(&j, x, "init_ms", &init);
		jsummary(&j, x, "total_ms", &total);
		x = jobj(&j, root, "baseline");
		jstr(&j, x, "source", o->baseline ? o->baseline : "built-in");
		jstr(&j, x, "label", label);
		jstr(&j, x, "generated_at", o->baseline ? lp.generated_at : BUILTIN_BASELINE_DATE);
		jstr(&j, x, "metric", "acd: mean Init Duration (ms), compared with our init_ms mean");
		jnum(&j, x, "memory_mb", o->baseline ? res.memory_mb : BUILTIN_BASELINE_MEMORY_MB);
		jstr(&j, x, "arch", o->baseline ? res.arch : BUILTIN_BASELINE_ARCH);
		if (o->baseline)
			jstr(&j, x, "package", "zip");
		jbool(&j, x, "matches_results", !mismatch);
		arr = jchk(&j, cJSON_AddArrayToObject(root, "comparisons"));
		for (k = 0; arr && k < n_rows; k++) {
			cJSON *e = cJSON_CreateObject();

			if (!e || !cJSON_AddItemToArray(arr, e)) {
				cJSON_Delete(e);
				j.oom = true;
				break;
			}
			jstr(&j, e, "name", rows[k].name);
			jstr(&j, e, "display", rows[k].display);
			jstr(&j, e, "function", rows[k].function);
			jstr(&j, e, "package", rows[k].package);
			jnum(&j, e, "acd_ms", rows[k].acd);
			if (rows[k].n)
				jnum(&j, e, "n", (double)rows[k].n);
			else
				jchk(&j, cJSON_AddNullToObject(e, "n"));
			jnum(&j, e, "ours_over_baseline", init.mean / rows[k].acd);
			jnum(&j, e, "factor", rows[k].has_factor ? rows[k].factor : NAN);
			jstr(&j, e, "ours_is", !rows[k].has_factor ? NULL :
			     rows[k].factor == 1.0 ? "equal" : rows[k].lower ? "lower" : "higher");
		}
		jstr(&j, root, "note", INDICATIVE);
		x = jobj(&j, root, "target");
		jnum(&j, x, "ms", o->target_ms);
		jstr(&j, x, "metric", "stats.avg_ms");
		jfig(&j, x, "avg_ms", res.total.n ? res.total.avg : NAN);
		jbool(&j, x, "met", met);
		jnum(&j, root, "exit_status", rc);
		if (print_json(root, &j))
			rc = EXIT_USAGE;
		goto out;
	}

	describe(o->input[0], &res, desc, sizeof(desc));
	printf("=== Comparison with lambda-perf ===\n");
	printf("Results:   %s\n", desc);
	printf("Baselines: %s\n", label);
	if (mismatch)
		printf("Note: the built-in baselines are 128 MB x86_64 figures; these results are "
		       "%u MB %s (use --baseline FILE for matching ones)\n", res.memory_mb, res.arch);
	printf("Ours:      init  %.3f ms (mean of %zu, sd %.3f)  compared with acd, the mean Init Duration\n",
	       init.mean, init.n, init.sd);
	printf("           total %.3f ms (mean of %zu, sd %.3f)  init + wait + handler\n",
	       total.mean, total.n, total.sd);
	printf("\nacd vs our init:\n");
	for (k = 0; k < n_rows; k++) {
		char what[64];

		if (!rows[k].has_factor)
			snprintf(what, sizeof(what), "no ratio (a figure is 0)");
		else if (rows[k].factor < 1.005)	/* prints as 1.00x */
			snprintf(what, sizeof(what), "ours is about the same");
		else
			snprintf(what, sizeof(what), "ours is %.2fx %s", rows[k].factor,
				 rows[k].lower ? "lower" : "higher");
		if (o->baseline)
			printf("  %-28s %9.3f ms  %s\n", rows[k].name, rows[k].acd, what);
		else	/* built-in: say which lambda-perf entry it is */
			printf("  %-28s %9.3f ms  %-24s  %s, %s\n", rows[k].name, rows[k].acd, what,
			       rows[k].display, rows[k].package);
	}
	printf("\n%s\n\n", INDICATIVE);
	if (res.total.n)
		printf("Target: <%.3f ms avg cold start (stats.avg_ms): %s (%.3f ms)\n", o->target_ms,
		       met ? "met" : "not met", res.total.avg);
	else
		printf("Target: <%.3f ms avg cold start (stats.avg_ms): not met (no total measured)\n",
		       o->target_ms);
	goto out;
oom:
	fprintf(stderr, "profiler: out of memory\n");
	rc = EXIT_USAGE;
out:
	free(v);
	free(idx);
	free(rows);
	lp_free(&lp);
	results_free(&res);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* two inputs: A vs B                                                         */

static void fmt_ms_or_kb(char *buf, size_t len, enum results_metric id, const struct sample_summary *s)
{
	if (!s->n)
		snprintf(buf, len, "-");
	else if (id == METRIC_MEMORY_KB)
		snprintf(buf, len, "%.0f +- %.0f (%zu)", s->mean, s->sd, s->n);
	else
		snprintf(buf, len, "%.3f +- %.3f (%zu)", s->mean, s->sd, s->n);
}

static int compare_two(const struct cmp_opts *o)
{
	struct results a, b;
	struct ab_metric m[METRIC_COUNT];
	char err[768], desc[1024];
	bool regressed;
	int rc, k;

	if (compare_read_results(o->input[0], &a, err, sizeof(err))) {
		fprintf(stderr, "profiler: %s\n", err);
		return EXIT_USAGE;
	}
	if (compare_read_results(o->input[1], &b, err, sizeof(err))) {
		fprintf(stderr, "profiler: %s\n", err);
		results_free(&a);
		return EXIT_USAGE;
	}
	for (k = 0; k < METRIC_COUNT; k++) {
		if (ab_compare(&a, &b, (enum results_metric)k, &m[k])) {
			fprintf(stderr, "profiler: out of memory\n");
			results_free(&a);
			results_free(&b);
			return EXIT_USAGE;
		}
	}
	regressed = ab_regressed(&m[METRIC_TOTAL_MS], o->max_regression);
	rc = regressed ? EXIT_FAILED : EXIT_OK;

	if (o->json) {
		struct jb j = { 0 };
		cJSON *root = cJSON_CreateObject(), *arr, *x;

		if (!root) {
			fprintf(stderr, "profiler: out of memory\n");
			rc = EXIT_USAGE;
			goto out;
		}
		jstr(&j, root, "mode", "ab");
		jresults(&j, root, "a", o->input[0], &a);
		jresults(&j, root, "b", o->input[1], &b);
		jstr(&j, root, "test", TEST_NAME);
		jnum(&j, root, "alpha", COMPARE_ALPHA);
		jstr(&j, root, "ratio", "B/A of the means");
		jstr(&j, root, "ratio_error", RATIO_ERR);
		arr = jchk(&j, cJSON_AddArrayToObject(root, "metrics"));
		for (k = 0; arr && k < METRIC_COUNT; k++) {
			cJSON *e = cJSON_CreateObject();

			if (!e || !cJSON_AddItemToArray(arr, e)) {
				cJSON_Delete(e);
				j.oom = true;
				break;
			}
			jstr(&j, e, "metric", results_metric_name(m[k].id));
			jsummary(&j, e, "a", &m[k].a);
			jsummary(&j, e, "b", &m[k].b);
			jnum(&j, e, "ratio", m[k].ratio);
			jnum(&j, e, "ratio_err", m[k].ratio_err);
			jnum(&j, e, "change_pct", m[k].change_pct);
			jbool(&j, e, "tested", m[k].w.valid);
			jnum(&j, e, "t", m[k].w.t);
			jnum(&j, e, "df", m[k].w.df);
			jnum(&j, e, "p", m[k].w.p);
			jbool(&j, e, "significant", m[k].significant);
			if (!m[k].w.valid)
				jstr(&j, e, "no_test", "fewer than 2 samples on a side");
		}
		x = jobj(&j, root, "gate");
		jstr(&j, x, "metric", "total_ms");
		jnum(&j, x, "max_regression_pct", o->max_regression);
		jbool(&j, x, "regressed", regressed);
		jnum(&j, root, "exit_status", rc);
		if (print_json(root, &j))
			rc = EXIT_USAGE;
		goto out;
	}

	printf("=== A/B comparison ===\n");
	describe(o->input[0], &a, desc, sizeof(desc));
	printf("A: %s\n", desc);
	describe(o->input[1], &b, desc, sizeof(desc));
	printf("B: %s\n", desc);
	if (a.memory_mb != b.memory_mb || strcmp(a.arch, b.arch))
		printf("Note: A and B were measured with different settings (%u MB %s vs %u MB %s)\n",
		       a.memory_mb, a.arch, b.memory_mb, b.arch);
	printf("Test: %s; significant when p < %.2f\n", TEST_NAME, COMPARE_ALPHA);
	printf("B/A: ratio of the means, +- %s\n\n", RATIO_ERR);
	printf("%-11s %-24s %-24s %-16s %8s %8s %7s %-10s\n", "metric", "A mean +- sd (n)",
	       "B mean +- sd (n)", "B/A", "change", "t", "df", "p");
	for (k = 0; k < METRIC_COUNT; k++) {
		char sa[64], sb[64], r[48], ch[24], t[24], df[24], p[64];

		fmt_ms_or_kb(sa, sizeof(sa), m[k].id, &m[k].a);
		fmt_ms_or_kb(sb, sizeof(sb), m[k].id, &m[k].b);
		if (m[k].has_ratio) {
			snprintf(r, sizeof(r), "%.3f +- %.3f", m[k].ratio, m[k].ratio_err);
			snprintf(ch, sizeof(ch), "%+.1f%%", m[k].change_pct);
		} else {
			snprintf(r, sizeof(r), "-");
			snprintf(ch, sizeof(ch), "-");
		}
		if (!m[k].w.valid) {
			snprintf(t, sizeof(t), "-");
			snprintf(df, sizeof(df), "-");
			snprintf(p, sizeof(p), "no test (fewer than 2 samples)");
		} else {
			if (isfinite(m[k].w.t))
				snprintf(t, sizeof(t), "%.2f", m[k].w.t);
			else
				snprintf(t, sizeof(t), "%s", m[k].w.t > 0 ? "+inf" : "-inf");
			if (isfinite(m[k].w.df))
				snprintf(df, sizeof(df), "%.1f", m[k].w.df);
			else
				snprintf(df, sizeof(df), "-");
			snprintf(p, sizeof(p), "%.3g %s%s", m[k].w.p,
				 m[k].significant ? "significant" : "not significant",
				 isfinite(m[k].w.df) ? "" : " (no variance)");
		}
		printf("%-11s %-24s %-24s %-16s %8s %8s %7s %s\n", results_metric_name(m[k].id), sa, sb,
		       r, ch, t, df, p);
	}
	printf("\nRegression gate: total_ms of B vs A, fails above +%.1f%% when significant: ",
	       o->max_regression);
	if (regressed)
		printf("FAILED (B is %+.1f%%, p = %.3g)\n", m[METRIC_TOTAL_MS].change_pct, m[METRIC_TOTAL_MS].w.p);
	else if (!m[METRIC_TOTAL_MS].w.valid)
		printf("passed (no test: fewer than 2 samples on a side)\n");
	else if (m[METRIC_TOTAL_MS].has_ratio)
		printf("passed (B is %+.1f%%, p = %.3g, %s)\n", m[METRIC_TOTAL_MS].change_pct,
		       m[METRIC_TOTAL_MS].w.p, m[METRIC_TOTAL_MS].significant ? "significant" : "not significant");
	else
		printf("passed (no ratio)\n");
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
