/* profiler: command table, as bpftool's. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "cmd.h"
#include "gitrev.h"

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "benchmark", cmd_benchmark, "run N cold starts of a bootstrap and measure them with eBPF" },
	{ "compare", cmd_compare, "compare results with lambda-perf baselines, or two results (A/B)" },
	{ "report", cmd_report, "write results in lambda-perf's data format" },
	{ "memory", cmd_memory, "binary size, ELF facts and what loads at a cold start" },
};

int err_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("profiler: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: profiler COMMAND [OPTIONS]\n\n"
		"Measures the cold start of AWS Lambda custom-runtime bootstraps with CO-RE eBPF.\n\n"
		"Commands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n  profiler COMMAND --help   options of one command\n"
		"  profiler --version        version, git revision, libbpf version\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("profiler %s (git %s), libbpf %s\n", PROFILER_VERSION, PROFILER_GITREV,
		       libbpf_version_string());
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	return err_usage("unknown command '%s' (see 'profiler --help')", argv[1]);
}
