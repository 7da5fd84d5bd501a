/* profiler report: results in lambda-perf's own data format. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "compare.h"
#include "lambda_perf.h"
#include "results.h"

struct report_opts {
	const char **input;
	int n_input;
	const char *output;
	const char *runtime;
	const char *display;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: profiler report -i RESULTS [-i RESULTS ...] -o FILE [--runtime NAME] [--display NAME]\n"
"\n"
"Writes benchmark results in lambda-perf's data format, one runtimeData entry\n"
"per input:\n"
"  {\"metadata\":{\"generatedAt\":\"<now, ISO-8601 UTC, ms>\"},\n"
"   \"runtimeData\":[{\"r\":..,\"p\":\"zip\",\"d\":..,\"i\":[..],\"m\":..,\"a\":..,\"mu\":..,\"ad\":..,\"acd\":..}]}\n"
"  i    init_ms of each successful cold start (Lambda's Init Duration), ms\n"
"  acd  mean of i, ms             ad  mean handler_ms, ms\n"
"  mu   mean peak RSS (memory_kb / 1024), MB; null when none was measured\n"
"  m    memory_mb                  a   arch (x86_64 or arm64)\n"
"  p    zip                        r, d  function and display names\n"
"Only successful cold starts count. Figures are rounded to 0.001.\n"
"\n"
"Options:\n"
"  -i, --input FILE     results JSON of 'profiler benchmark' (repeatable)\n"
"  -o, --output FILE    where to write (atomically: temp file, fsync, rename);\n"
"                       '-' writes to stdout\n"
"      --runtime NAME   r for every entry (default: <runtime>_on_provided_al2023,\n"
"                       <runtime> being the results' runtime name)\n"
"      --display NAME   d for every entry (default: <runtime> (prov.al2023))\n"
"  -h, --help           this text\n"
"\n"
"The file is readable by anything that reads lambda-perf's files, including\n"
"'profiler compare --baseline FILE'.\n"
"\n"
"Exit status: 0 written; 1 the file could not be written; 2 bad usage or input\n"
"(missing file, invalid JSON, wrong types, no successful measurement).\n"
"\n"
"Examples:\n"
"  profiler report -i results.json -o lambda-perf.json\n"
"  profiler report -i results-128.json -i results-512.json -o lambda-perf.json\n"
"  profiler report -i results.json -o - --runtime ruchy_on_provided_al2023 | jq '.runtimeData[0].acd'\n");
}

static int parse_opts(int argc, char **argv, struct report_opts *o)
{
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "runtime", required_argument, NULL, 'R' },
		{ "display", required_argument, NULL, 'D' },
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
		case 'h': usage(stdout); exit(EXIT_OK);
		case ':': return err_usage("option '%s' needs a value", argv[optind - 1]);
		default:
			return err_usage("unknown option '%s' (see 'profiler report --help')",
					 argv[optind - 1]);
		}
	}
	if (optind < argc)
		return err_usage("unexpected argument '%s'", argv[optind]);
	if (!o->n_input)
		return err_usage("report needs -i RESULTS (see 'profiler report --help')");
	if (!o->output || !*o->output)
		return err_usage("report needs -o FILE (or -o - for stdout)");
	return 0;
}

/* One entry from one results file; messages name the file. */
static int entry_for(const struct report_opts *o, const char *path, struct lp_runtime *rt)
{
	struct results res;
	char err[768], r[256], d[256];
	int ret;

	if (compare_read_results(path, &res, err, sizeof(err))) {
		fprintf(stderr, "profiler: %s\n", err);
		return -1;
	}
	if (!res.runtime[0] && (!o->runtime || !o->display)) {
		fprintf(stderr, "profiler: %s has no runtime name: give --runtime NAME and "
			"--display NAME\n", path);
		results_free(&res);
		return -1;
	}
	lp_default_names(res.runtime, r, sizeof(r), d, sizeof(d));
	ret = lp_entry_from_results(&res, o->runtime ? o->runtime : r, o->display ? o->display : d,
				    rt, err, sizeof(err));
	if (ret)
		fprintf(stderr, "profiler: %s: %s\n", path, err);
	results_free(&res);
	return ret;
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o = { 0 };
	struct lp_data out = { 0 };
	struct lp_data check;
	struct timespec now;
	char err[512];
	char *json = NULL;
	int rc, k;

	o.input = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*o.input));
	if (!o.input) {
		fprintf(stderr, "profiler: out of memory\n");
		return EXIT_USAGE;
	}
	rc = parse_opts(argc, argv, &o);
	if (rc)
		goto out;
	rc = EXIT_USAGE;
	out.rt = calloc((size_t)o.n_input, sizeof(*out.rt));
	if (!out.rt) {
		fprintf(stderr, "profiler: out of memory\n");
		goto out;
	}
	for (k = 0; k < o.n_input; k++) {
		if (entry_for(&o, o.input[k], &out.rt[k]))
			goto out;
		out.n++;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	if (lp_iso8601_utc(&now, out.generated_at, sizeof(out.generated_at))) {
		fprintf(stderr, "profiler: cannot format the current time\n");
		goto out;
	}
	json = lp_to_json(&out);
	if (!json) {
		fprintf(stderr, "profiler: out of memory\n");
		goto out;
	}
	/* what is written must read back as lambda-perf data */
	if (lp_from_json(json, strlen(json), &check, err, sizeof(err))) {
		fprintf(stderr, "profiler: internal error: the report does not read back: %s\n", err);
		goto out;
	}
	lp_free(&check);

	if (!strcmp(o.output, "-")) {
		fputs(json, stdout);
		rc = fflush(stdout) ? EXIT_FAILED : EXIT_OK;
		goto out;
	}
	rc = write_file_atomic(o.output, json, strlen(json));
	if (rc) {
		fprintf(stderr, "profiler: cannot write %s: %s\n", o.output, strerror(-rc));
		rc = EXIT_FAILED;
		goto out;
	}
	for (k = 0; k < o.n_input; k++) {
		const struct lp_runtime *rt = &out.rt[k];

		printf("%s: %s, %u MB, %s, %s: acd %.3f ms over %zu cold starts, ",
		       o.input[k], rt->r, rt->m, rt->a, rt->p, rt->acd, rt->n_i);
		if (isfinite(rt->ad))
			printf("ad %.3f ms, ", rt->ad);
		else
			printf("ad null (no handler measured), ");
		if (isfinite(rt->mu))
			printf("mu %.3f MB\n", rt->mu);
		else
			printf("mu null (no peak RSS measured)\n");
	}
	printf("lambda-perf data (%zu entr%s) written to %s\n", out.n, out.n == 1 ? "y" : "ies",
	       o.output);
	rc = EXIT_OK;
out:
	free(json);
	lp_free(&out);
	free(o.input);
	return rc;
}
