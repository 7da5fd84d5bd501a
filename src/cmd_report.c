/* profiler report: results in lambda-perf's own data format, an SVG, an HTML page. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "compare.h"
#include "html_report.h"
#include "lambda_perf.h"
#include "output.h"
#include "results.h"
#include "svg.h"
#include "textout.h"
#include "util.h"

struct report_opts {
	const char **input;
	int n_input;
	const char *output;
	const char *svg;
	const char *html;
	const char *runtime;
	const char *display;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: profiler report -i RESULTS [-i RESULTS ...] [-o FILE] [--svg FILE] [--html FILE]\n"
"                       [--runtime NAME] [--display NAME]\n"
"\n"
"At least one of -o, --svg and --html. -o writes the results in lambda-perf's\n"
"data format, one runtimeData entry per input:\n"
"  {\"metadata\":{\"generatedAt\":\"<now, ISO-8601 UTC, ms>\"},\n"
"   \"runtimeData\":[{\"r\":..,\"p\":\"zip\",\"d\":..,\"i\":[..],\"m\":..,\"a\":..,\"mu\":..,\"ad\":..,\"acd\":..}]}\n"
"  i    init_ms of each successful cold start (Lambda's Init Duration), ms\n"
"  acd  mean of i, ms             ad  mean handler_ms, ms\n"
"  mu   mean peak RSS (memory_kb / 1024), MB; null when none was measured\n"
"  m    memory_mb                  a   arch (x86_64 or arm64)\n"
"  p    zip                        r, d  function and display names\n"
"Only successful cold starts count. Figures are rounded to 0.001.\n"
"\n"
"--svg writes one self-contained SVG: a strip plot of total_ms (one dot per\n"
"successful cold start, one row per input, p50 and p99 marked) and the median\n"
"phase waterfall (exec, connect inside init, init, wait, handler; each bar is\n"
"the median of that phase on its own, so the bars need not add up to the\n"
"median total, which is marked). --html writes one self-contained page (inline\n"
"CSS and SVG, no script, nothing loaded from the network): per input the mean\n"
"init, handler and total with p50/p99 marks, the distribution, the waterfall,\n"
"tables of the runs (memory, arch, n ok/failed, timing_source, limits, page\n"
"cache), phase statistics (avg, p50, p99, min, max), peak RSS and binary size,\n"
"the built-in lambda-perf baselines with our mean init / their acd, and the\n"
"measurement caveats (local host, no platform overhead: indicative).\n"
"Percentiles: linear interpolation between closest ranks; with fewer than 100\n"
"cold starts p99 is close to the max.\n"
"\n"
"Options:\n"
"  -i, --input FILE     results JSON of 'profiler benchmark' (repeatable)\n"
"  -o, --output FILE    where to write (atomically: temp file, fsync, rename);\n"
"                       '-' writes to stdout\n"
"      --svg FILE       the SVG charts (atomically; '-' writes to stdout)\n"
"      --html FILE      the HTML report (atomically; '-' writes to stdout)\n"
"      --runtime NAME   r for every entry (default: <runtime>_on_provided_al2023,\n"
"                       <runtime> being the results' runtime name)\n"
"      --display NAME   d for every entry (default: <runtime> (prov.al2023))\n"
"      --json           the lambda-perf JSON on stdout (the same as -o -)\n"
"  -h, --help           this text\n"
"\n"
"The -o file is readable by anything that reads lambda-perf's files, including\n"
"'profiler compare --baseline FILE'. At most one output may be '-'.\n"
"\n"
"Exit status: 0 written; 1 a file could not be written; 2 bad usage or input\n"
"(missing file, invalid JSON, wrong types, no successful measurement).\n"
"\n"
"Examples:\n"
"  profiler report -i results.json -o lambda-perf.json\n"
"  profiler report -i results-128.json -i results-512.json -o lambda-perf.json\n"
"  profiler report -i results.json -o - --runtime ruchy_on_provided_al2023 | jq '.runtimeData[0].acd'\n"
"  profiler report -i r-128.json -i r-512.json --html report.html --svg coldstarts.svg\n");
}

static int parse_opts(int argc, char **argv, struct report_opts *o)
{
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "svg", required_argument, NULL, 'S' },
		{ "html", required_argument, NULL, 'H' },
		{ "runtime", required_argument, NULL, 'R' },
		{ "display", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			/* argc bounds the count: o->input has room for every argument */
			o->input[o->n_input++] = optarg;
			break;
		case 'o': o->output = optarg; break;
		case 'S':
			if (!*optarg)
				return err_usage("--svg needs a file name");
			o->svg = optarg;
			break;
		case 'H':
			if (!*optarg)
				return err_usage("--html needs a file name");
			o->html = optarg;
			break;
		case 'R':
			if (!*optarg)
				return err_usage("--runtime must not be empty");
			o->runtime = optarg;
			break;
		case 'D':
			if (!*optarg)
				return err_usage("--display must not be empty");
			o->display = optarg;
			break;
		case 'J':
			/* the machine-readable result, lambda-perf's JSON, on stdout */
			if (o->output && strcmp(o->output, "-"))
				return err_usage("--json and -o FILE exclude each other (--json is -o -)");
			o->output = "-";
			break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case ':': return err_usage("option '%s' needs a value", argv[optind - 1]);
		default:
			return err_unknown_option("report", argv[optind - 1], longopts);
		}
	}
	if (optind < argc)
		return err_usage("unexpected argument '%s'", argv[optind]);
	if (!o->n_input)
		return err_usage("report needs -i RESULTS (see 'profiler report --help')");
	if (o->output && !*o->output)
		return err_usage("-o needs a file name (or - for stdout)");
	if (!o->output && !o->svg && !o->html)
		return err_usage("report needs -o FILE, --svg FILE or --html FILE "
				 "(see 'profiler report --help')");
	if ((o->output && !strcmp(o->output, "-")) + (o->svg && !strcmp(o->svg, "-")) +
	    (o->html && !strcmp(o->html, "-")) > 1)
		return err_usage("only one of -o, --svg and --html can write to stdout ('-')");
	return 0;
}

/* One lambda-perf entry from one results file; messages name the file. */
static int entry_for(const struct report_opts *o, const char *path, const struct results *res,
		     struct lp_runtime *rt)
{
	char err[768], r[256], d[256];
	int ret;

	if (!res->runtime[0] && (!o->runtime || !o->display)) {
		out_error(EXIT_USAGE, "%s has no runtime name: give --runtime NAME and --display NAME",
			  path);
		return -1;
	}
	lp_default_names(res->runtime, r, sizeof(r), d, sizeof(d));
	ret = lp_entry_from_results(res, o->runtime ? o->runtime : r, o->display ? o->display : d,
				    rt, err, sizeof(err));
	if (ret)
		out_error(EXIT_USAGE, "%s: %s", path, err);
	return ret;
}

/* Write text to path atomically, or to stdout for "-" (the command's document there).
 * Returns an exit status. */
static int emit(const char *path, const char *text)
{
	int ret;

	if (!strcmp(path, "-"))
		return out_document_text(text, EXIT_FAILED) ? EXIT_FAILED : EXIT_OK;
	ret = write_file_atomic(path, text, strlen(text));
	if (ret)
		return out_error(EXIT_FAILED, "cannot write %s: %s", path, strerror(-ret));
	return EXIT_OK;
}

/* The lambda-perf file. Returns an exit status. */
static int write_lambda_perf(const struct report_opts *o, const struct results *res,
			     const char *now, FILE *msg)
{
	struct lp_data out = { 0 };
	struct lp_data check;
	char err[512];
	char *json = NULL;
	int rc = EXIT_USAGE, k;

	out.rt = calloc((size_t)o->n_input, sizeof(*out.rt));
	if (!out.rt) {
		out_error(rc, "out of memory");
		goto out;
	}
	for (k = 0; k < o->n_input; k++) {
		if (entry_for(o, o->input[k], &res[k], &out.rt[k]))
			goto out;
		out.n++;
	}
	snprintf(out.generated_at, sizeof(out.generated_at), "%s", now);
	json = lp_to_json(&out);
	if (!json) {
		out_error(rc, "out of memory");
		goto out;
	}
	/* what is written must read back as lambda-perf data */
	if (lp_from_json(json, strlen(json), &check, err, sizeof(err))) {
		out_error(rc, "internal error: the report does not read back: %s", err);
		goto out;
	}
	lp_free(&check);
	rc = emit(o->output, json);
	if (rc || !strcmp(o->output, "-"))
		goto out;
	for (k = 0; k < o->n_input; k++) {
		const struct lp_runtime *rt = &out.rt[k];

		/* the names are the results' or the command line's: printed terminal-safe */
		fprintf(msg, "%s: %s, %u MB, %s, %s: acd %s ms over %zu cold starts, ",
			TX_SAFE(o->input[k]), TX_SAFE(rt->r), rt->m, TX_SAFE(rt->a), TX_SAFE(rt->p),
			TX_MS(rt->acd), rt->n_i);
		if (isfinite(rt->ad))
			fprintf(msg, "ad %s ms, ", TX_MS(rt->ad));
		else
			fprintf(msg, "ad null (no handler measured), ");
		if (isfinite(rt->mu))
			fprintf(msg, "mu %s MB\n", TX_MIB(rt->mu));
		else
			fprintf(msg, "mu null (no peak RSS measured)\n");
	}
	fprintf(msg, "lambda-perf data (%zu entr%s) written to %s\n", out.n,
		out.n == 1 ? "y" : "ies", TX_SAFE(o->output));
out:
	free(json);
	lp_free(&out);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o = { 0 };
	struct results *res = NULL;
	struct report_input *in = NULL;
	struct timespec now;
	char err[768], stamp[64];
	FILE *msg = stdout;
	char *text;
	int rc, k, n_read = 0;

	o.input = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*o.input));
	if (!o.input)
		return out_error(EXIT_USAGE, "out of memory");
	rc = parse_opts(argc, argv, &o);
	if (rc)
		goto out;
	rc = EXIT_USAGE;
	res = calloc((size_t)o.n_input, sizeof(*res));
	in = calloc((size_t)o.n_input, sizeof(*in));
	if (!res || !in) {
		out_error(rc, "out of memory");
		goto out;
	}
	for (k = 0; k < o.n_input; k++) {
		if (compare_read_results(o.input[k], &res[k], err, sizeof(err))) {
			out_error(rc, "%s", err);
			goto out;
		}
		n_read++;
		in[k].path = o.input[k];
		in[k].res = &res[k];
	}
	clock_gettime(CLOCK_REALTIME, &now);
	if (lp_iso8601_utc(&now, stamp, sizeof(stamp))) {
		out_error(rc, "cannot format the current time");
		goto out;
	}
	/* progress lines must not mix with a document on stdout */
	if ((o.output && !strcmp(o.output, "-")) || (o.svg && !strcmp(o.svg, "-")) ||
	    (o.html && !strcmp(o.html, "-")))
		msg = stderr;

	if (o.output) {
		rc = write_lambda_perf(&o, res, stamp, msg);
		if (rc)
			goto out;
	}
	if (o.svg) {
		text = svg_report(in, (size_t)o.n_input);
		if (!text) {
			rc = out_error(EXIT_USAGE, "out of memory");
			goto out;
		}
		rc = emit(o.svg, text);
		free(text);
		if (rc)
			goto out;
		if (strcmp(o.svg, "-"))
			fprintf(msg, "SVG (cold-start distribution, median phase waterfall; %d input%s) "
				"written to %s\n", o.n_input, o.n_input == 1 ? "" : "s", TX_SAFE(o.svg));
	}
	if (o.html) {
		text = html_report(in, (size_t)o.n_input, stamp);
		if (!text) {
			rc = out_error(EXIT_USAGE, "out of memory");
			goto out;
		}
		rc = emit(o.html, text);
		free(text);
		if (rc)
			goto out;
		if (strcmp(o.html, "-"))
			fprintf(msg, "HTML report (%d input%s) written to %s\n", o.n_input,
				o.n_input == 1 ? "" : "s", TX_SAFE(o.html));
	}
	rc = EXIT_OK;
out:
	for (k = 0; k < n_read; k++)
		results_free(&res[k]);
	free(res);
	free(in);
	free(o.input);
	return rc;
}
