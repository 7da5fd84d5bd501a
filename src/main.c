/* profiler: command table, as bpftool's. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "cmd.h"
#include "gitrev.h"
#include "output.h"

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "benchmark", cmd_benchmark, "run N cold starts of a bootstrap and measure them with eBPF" },
	{ "compare", cmd_compare, "compare results with lambda-perf baselines, or two results (A/B)" },
	{ "report", cmd_report, "write results in lambda-perf's data format" },
	{ "memory", cmd_memory, "binary size, ELF facts and what loads at a cold start" },
	{ "trace", cmd_trace, "attach to bootstraps that something else starts, and measure them" },
};

static void strlcpy_trunc(char *dst, const char *src, size_t n)
{
	size_t l = strnlen(src, n - 1);

	memcpy(dst, src, l);
	dst[l] = '\0';
}

int err_usage(const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = out_verror(EXIT_USAGE, fmt, ap);
	va_end(ap);
	return rc;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(prev[0]));
	}
	return prev[lb];
}

const char *closest_name(const char *word, const char *const *names, size_t n)
{
	size_t best = (size_t)-1, i, len = strlen(word);
	const char *pick = NULL;

	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, names[i]);

		/* a prefix of a longer name is close too ("--time" for "--timeout") */
		if (!strncmp(names[i], word, len) && len >= 3)
			d = d < 1 ? d : 1;
		if (d < best) {
			best = d;
			pick = names[i];
		}
	}
	/* close: at most a third of the word changed */
	return pick && best <= (len + 2) / 3 ? pick : NULL;
}

int err_unknown_option(const char *cmd, const char *arg, const struct option *longopts)
{
	const char *names[64], *word = arg, *near;
	char buf[128];
	size_t n = 0;

	while (*word == '-')
		word++;
	strlcpy_trunc(buf, word, sizeof(buf));
	if (strchr(buf, '='))
		*strchr(buf, '=') = '\0';
	for (; longopts && longopts->name && n < 64; longopts++)
		names[n++] = longopts->name;
	near = closest_name(buf, names, n);
	if (near)
		return err_usage("unknown option '%s' for %s (did you mean '--%s'?); see 'profiler %s --help'",
				 arg, cmd, near, cmd);
	return err_usage("unknown option '%s' for %s; see 'profiler %s --help'", arg, cmd, cmd);
}

/* What a bug report needs: versions, and whether this kernel and this user can trace. */
static void print_version(void)
{
	struct utsname u;
	int probe;

	printf("profiler %s (git %s), libbpf %s\n", PROFILER_VERSION, PROFILER_GITREV,
	       libbpf_version_string());
	if (uname(&u) == 0)
		printf("kernel: %s %s %s\n", u.sysname, u.release, u.machine);
	printf("BTF: %s\n", access("/sys/kernel/btf/vmlinux", R_OK) == 0
				? "yes (/sys/kernel/btf/vmlinux)"
				: "no (/sys/kernel/btf/vmlinux missing: the tracer cannot load)");
	/* a real attempt: load the smallest program of the type the tracer uses */
	libbpf_set_print(NULL);
	probe = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL);
	if (probe == 1)
		printf("BPF: permitted (a raw tracepoint program loads)\n");
	else
		printf("BPF: not permitted here (%s): the benchmark falls back to userspace timing\n",
		       geteuid() ? "not root, and no CAP_BPF/CAP_PERFMON"
		       : probe < 0 ? strerror(-probe) : "refused: lockdown, or no raw tracepoint support");
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
		"  profiler --version        version, git revision, libbpf version, and whether this\n"
		"                            kernel (BTF) and this user (BPF) can trace\n"
		"\nExamples:\n"
		"  sudo profiler benchmark -b ./bootstrap -n 10 -o results.json\n"
		"  profiler compare -i results.json --target 8\n"
		"  profiler report -i results.json -o lambda-perf.json --html report.html\n"
		"  profiler memory -b ./bootstrap\n"
		"  sudo profiler trace --exe ./bootstrap --count 10 -o trace.ndjson\n"
		"\nSee profiler(1) for the phases, the statistics and the exit statuses.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* before any option is parsed: a bad option ahead of --json is reported in JSON too */
	out_scan_args(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		print_version();
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	return err_usage("unknown command '%s' (see 'profiler --help')", argv[1]);
}
