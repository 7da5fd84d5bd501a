/* profiler benchmark: N cold starts of a bootstrap, traced with eBPF. Options, --help,
 * the checks and set-up before the run, and the run of every configuration (bench.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "bench.h"
#include "chrome_trace.h"
#include "clientctx.h"
#include "cmd.h"
#include "interrupt.h"
#include "output.h"
#include "rapi.h"
#include "tracer.h"
#include "util.h"

#define EVENT_MAX (6u << 20)

static void usage(FILE *f)
{
	fprintf(f,
"Usage: profiler benchmark [-b PATH] [-n N] [-m MB] [-a ARCH] [-o FILE] [--event FILE] [--breakdown]\n"
"                          [--runtime NAME] [-t SEC] [--init-timeout SEC] [--log-dir DIR] [-v]\n"
"                          [--extension PATH]... [--client-context FILE]\n"
"\n"
"Runs N cold starts of a Lambda custom-runtime bootstrap against a local Runtime API\n"
"emulator and measures each with eBPF kernel timestamps.\n"
"\n"
"Options:\n"
"  -b, --bootstrap PATH   bootstrap executable (default ./bootstrap, then\n"
"                         target/release-ultra/bootstrap), or a function's .zip package\n"
"                         (told by its content): its root's bootstrap is the runtime, and\n"
"                         it runs in Lambda's sandbox\n"
"      --layer ZIP        a layer, unpacked under /opt (repeatable, at most 5, merged in\n"
"                         order: a later layer's file replaces an earlier one's)\n"
"      --sandbox          run each cold start in Lambda's filesystem: /var/task (the\n"
"                         package, or the bootstrap's folder) and /opt read-only, a private\n"
"                         /tmp, the host's system folders read-only and nothing else\n"
"                         (default for a .zip; needs root)\n"
"      --no-sandbox       run a .zip's bootstrap from its unpacked folder on the host\n"
"      --ephemeral-storage MB  the size of /tmp in the sandbox, 512..10240 (default 512)\n"
"  -n, --count N          cold starts (default 10, as lambda-perf)\n"
"  -m, --memory MB[,MB..] memory size, 128..10240 (default 128): each cold start runs in a\n"
"                         cgroup of its own limited to MB (no swap) and to Lambda's CPU\n"
"                         share (1769 MB = 1 vCPU), and gets AWS_LAMBDA_FUNCTION_MEMORY_SIZE\n"
"                         A list runs every size in one command (a sweep): one results\n"
"                         file each and a summary table\n"
"                         Each also gets Lambda's process limits: at most 1024 processes and\n"
"                         threads (pids cgroup) and 1024 descriptors (RLIMIT_NOFILE)\n"
"      --strict-limits    refuse to run (exit 3) when those limits cannot be applied\n"
"      --cold-cache       before each cold start, evict the bootstrap, its interpreter, its\n"
"                         libraries and the files of its folder from the page cache (fsync +\n"
"                         POSIX_FADV_DONTNEED), so it reads from disk as a fresh sandbox does;\n"
"                         default: warm (cached by earlier runs)\n"
"      --trace-out FILE   Chrome Trace Event Format JSON of every cold start (Perfetto UI,\n"
"                         chrome://tracing); {mem} as in -o\n"
"      --breakdown        where the time goes, per phase (exec, dynamic loading, runtime\n"
"                         init, connect, request /next, wait, handler, write response): on-CPU,\n"
"                         runnable and blocked time, page faults, syscalls by type, API bytes,\n"
"                         storage reads, peak RSS and when, processes and threads; a waterfall\n"
"                         per cold start and a median one; its tracing cost is measured and\n"
"                         printed (needs the eBPF tracer; default: off)\n"
"      --warm N           after each cold invocation, N warm ones on the same process\n"
"                         (0..64); their handler times get statistics of their own\n"
"      --freeze MS        with --warm: stop the process tree (SIGSTOP) for MS ms between\n"
"                         invocations, then continue it (SIGCONT), as Lambda freezes it\n"
"  -a, --arch ARCH        x86_64 or arm64 (default: the host's); must match the host\n"
"  -o, --output FILE      write the results JSON there (atomically); {mem} and {arch} are\n"
"                         replaced; in a sweep, FILE without {mem} becomes NAME-{mem}mb.EXT\n"
"      --event FILE       event payload delivered by /next (default {})\n"
"      --extension PATH   a Lambda extension (repeatable, at most 10): started before the\n"
"                         runtime of each cold start, served the Extensions API; init waits\n"
"                         for it, and it gets SHUTDOWN (2000 ms) at the end\n"
"      --client-context FILE  JSON {\"client_context\": {...}, \"cognito_identity\": {...}}: sent\n"
"                         on /next as Lambda-Runtime-Client-Context / -Cognito-Identity\n"
"      --runtime NAME     runtime name in the results (default: the bootstrap's folder)\n"
"      --handler NAME     the function's handler, _HANDLER (default: handler)\n"
"      --env KEY=VALUE    a function environment variable (repeatable); Lambda's reserved\n"
"                         keys are refused, and 4 KB for all of them together\n"
"      --env-file FILE    function variables from FILE: KEY=VALUE lines (# comments, no\n"
"                         quoting or expansion) or a JSON object {\"KEY\": \"VALUE\"}\n"
"  -t, --timeout SEC      invocation timeout after the event is delivered (default 3)\n"
"      --init-timeout SEC time allowed until the first GET /next (default 10)\n"
"      --log-dir DIR      where bootstrap logs go (default: a new /tmp/profiler-logs-*); a link,\n"
"                         or a folder another user owns or can write, is refused\n"
"      --log-limit MB     keep at most this much of each cold start's output (default 16);\n"
"                         the rest is counted (log_dropped_bytes); the pipe is drained as it fills\n"
"      --user NAME        run the bootstrap as this user (default: the sudo caller,\n"
"                         else nobody when run as root); root needs --run-as-root too\n"
"      --run-as-root      run the bootstrap as root (it is untrusted code: think twice)\n"
"      --no-bpf           measure from userspace only: emulator timestamps and /proc\n"
"                         (\"timing_source\": \"userspace\"; exec, connect, wait unavailable)\n"
"      --require-bpf      fail (exit 3) instead of falling back to userspace timing\n"
"                         when BPF cannot be used\n"
"      --json             print the results JSON on stdout (the report goes to stderr);\n"
"                         a sweep prints {\"configurations\": [...]}\n"
"  -q, --quiet            no report, no progress: only errors, warnings and --json\n"
"  -v, --verbose          libbpf's own log on stderr\n"
"  -h, --help             this text\n"
"\n"
"Phases (kernel timestamps, CLOCK_MONOTONIC):\n");
	for (int p = 0; p < INV_PHASES; p++)
		if (inv_phases[p].help)
			fprintf(f, "  %-8s %s\n", inv_phases[p].name, inv_phases[p].help);
	fprintf(f,
"Statistics over the total of successful cold starts: mean; P50/P99 by linear\n"
"interpolation between closest ranks (numpy's default); StdDev is the sample\n"
"standard deviation (n-1). With fewer than 100 samples P99 is close to Max.\n"
"\n"
"Exit status: 0 every cold start succeeded; 1 at least one failed (see failures[]);\n"
"2 bad usage or input; 3 tracing unavailable (BPF not permitted, no BTF);\n"
"130 interrupted (partial results written, marked incomplete).\n"
"\n"
"Examples:\n"
"  sudo profiler benchmark -b ./bootstrap -n 10 -o results.json\n"
"  jq '.stats.avg_ms' results.json\n"
"  sudo profiler benchmark -b ./bootstrap -n 5 --breakdown\n"
"  sudo profiler benchmark -m 128,256,512,1024 -o 'results-{mem}mb.json'\n");
}

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_secs(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v > lo) || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* "128,256,512": each 128..10240, no duplicates */
static int parse_mem_list(const char *s, struct bench_opts *o)
{
	char buf[256], *tok, *save = NULL;
	unsigned i;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strlcpy0(buf, s, sizeof(buf));
	o->n_mems = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned v;

		if (o->n_mems == MAX_CONFIGS || parse_uint(tok, 128, 10240, &v))
			return -1;
		for (i = 0; i < o->n_mems; i++)
			if (o->mems[i] == v)
				return -1;
		o->mems[o->n_mems++] = v;
	}
	return o->n_mems ? 0 : -1;
}

static int check_arch_list(const char *s)
{
	char buf[128], *tok, *save = NULL;
	int n = 0;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strlcpy0(buf, s, sizeof(buf));
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), n++)
		if (strcmp(tok, "x86_64") && strcmp(tok, "arm64"))
			return -1;
	return n ? 0 : -1;
}

/* The first architecture of an -a list that is not the host's, or NULL. */
static const char *foreign_arch(const char *list, char *buf, size_t len)
{
	char *tok, *save = NULL;

	strlcpy0(buf, list, len);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (strcmp(tok, host_arch()))
			return tok;
	return NULL;
}

void bench_output_path(const char *pattern, unsigned mem, const char *arch, bool sweep,
		       char *out, size_t len)
{
	char pat[PATH_MAX + 16];
	const char *p;
	size_t n = 0;

	if (sweep && !strstr(pattern, "{mem}")) {
		const char *slash = strrchr(pattern, '/'), *dot = strrchr(pattern, '.');

		if (dot && (!slash || dot > slash) && dot != pattern && (!slash || dot > slash + 1))
			snprintf(pat, sizeof(pat), "%.*s-{mem}mb%s", (int)(dot - pattern), pattern, dot);
		else
			snprintf(pat, sizeof(pat), "%s-{mem}mb", pattern);
	} else {
		strlcpy0(pat, pattern, sizeof(pat));
	}
	for (p = pat; *p && n + 1 < len;) {
		if (!strncmp(p, "{mem}", 5)) {
			n += (size_t)snprintf(out + n, len - n, "%u", mem);
			p += 5;
		} else if (!strncmp(p, "{arch}", 6)) {
			n += (size_t)snprintf(out + n, len - n, "%s", arch);
			p += 6;
		} else {
			out[n++] = *p++;
		}
		if (n >= len)
			n = len - 1;
	}
	out[n] = '\0';
}

/* options with no short form */
enum { OPT_HANDLER = 0x100, OPT_ENV, OPT_ENV_FILE, OPT_LAYER, OPT_SANDBOX, OPT_NO_SANDBOX,
       OPT_EPHEMERAL };

static const struct option longopts[] = {
	{ "bootstrap", required_argument, NULL, 'b' },
	{ "count", required_argument, NULL, 'n' },
	{ "memory", required_argument, NULL, 'm' },
	{ "arch", required_argument, NULL, 'a' },
	{ "output", required_argument, NULL, 'o' },
	{ "event", required_argument, NULL, 'E' },
	{ "runtime", required_argument, NULL, 'R' },
	{ "timeout", required_argument, NULL, 't' },
	{ "init-timeout", required_argument, NULL, 'I' },
	{ "log-dir", required_argument, NULL, 'L' },
	{ "log-limit", required_argument, NULL, 'G' },
	{ "user", required_argument, NULL, 'U' },
	{ "run-as-root", no_argument, NULL, 'r' },
	{ "no-bpf", no_argument, NULL, 'N' },
	{ "strict-limits", no_argument, NULL, 'S' },
	{ "cold-cache", no_argument, NULL, 'C' },
	{ "warm", required_argument, NULL, 'W' },
	{ "trace-out", required_argument, NULL, 'X' },
	{ "breakdown", no_argument, NULL, 'D' },
	{ "freeze", required_argument, NULL, 'F' },
	{ "require-bpf", no_argument, NULL, 'Q' },
	{ "extension", required_argument, NULL, 'x' },
	{ "client-context", required_argument, NULL, 'c' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "json", no_argument, NULL, 'J' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "handler", required_argument, NULL, OPT_HANDLER },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "env-file", required_argument, NULL, OPT_ENV_FILE },
	{ "layer", required_argument, NULL, OPT_LAYER },
	{ "sandbox", no_argument, NULL, OPT_SANDBOX },
	{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
	{ "ephemeral-storage", required_argument, NULL, OPT_EPHEMERAL },
	{ 0 },
};

/* One option of the command line: 0, or the exit status of bad usage. */
static int parse_opt(int c, char **argv, struct bench_opts *o)
{
	char err[PATH_MAX + 256];

	switch (c) {
	case OPT_HANDLER:
		if (fnenv_set_handler(&o->fn, optarg, err, sizeof(err)))
			return err_usage("%s", err);
		break;
	case OPT_ENV:
		if (fnenv_add_arg(&o->fn, optarg, err, sizeof(err)))
			return err_usage("%s", err);
		break;
	case OPT_ENV_FILE:
		if (fnenv_read_file(&o->fn, optarg, err, sizeof(err)))
			return err_usage("%s", err);
		break;
	case OPT_LAYER:
		if (o->n_layers == PKG_MAX_LAYERS)
			return err_usage("--layer: Lambda allows at most %d layers per function",
					 PKG_MAX_LAYERS);
		o->layers[o->n_layers++] = optarg;
		break;
	case OPT_SANDBOX: o->sandbox = true; break;
	case OPT_NO_SANDBOX: o->no_sandbox = true; break;
	case OPT_EPHEMERAL:
		if (parse_uint(optarg, SB_EPHEMERAL_MIN, SB_EPHEMERAL_MAX, &o->ephemeral_mb))
			return err_usage("--ephemeral-storage must be MB from %u to %u, not '%s'",
					 SB_EPHEMERAL_MIN, SB_EPHEMERAL_MAX, optarg);
		break;
	case 'b': o->bootstrap = optarg; break;
	case 'n':
		if (parse_uint(optarg, 1, 1000000, &o->n))
			return err_usage("-n must be a whole number from 1 to 1000000, not '%s'", optarg);
		break;
	case 'm':
		if (parse_mem_list(optarg, o))
			return err_usage("-m must be memory sizes in MB from 128 to 10240, comma-separated "
					 "(at most %d), not '%s'", MAX_CONFIGS, optarg);
		break;
	case 'a':
		if (check_arch_list(optarg))
			return err_usage("-a must be x86_64 or arm64 (or a comma-separated list), not '%s'",
					 optarg);
		o->arch = optarg;
		break;
	case 'o': o->output = optarg; break;
	case 'E': o->event_file = optarg; break;
	case 'R': o->runtime = optarg; break;
	case 'L': o->log_dir = optarg; break;
	case 'G':
		if (parse_uint(optarg, 1, 4096, &o->log_limit_mb))
			return err_usage("--log-limit must be MB from 1 to 4096, not '%s'", optarg);
		break;
	case 't':
		if (parse_secs(optarg, 0, 900, &o->timeout_s))
			return err_usage("-t must be a number of seconds above 0 and at most 900, not '%s'", optarg);
		break;
	case 'I':
		if (parse_secs(optarg, 0, 600, &o->init_timeout_s))
			return err_usage("--init-timeout must be seconds above 0 and at most 600, not '%s'", optarg);
		break;
	case 'U': o->user = optarg; break;
	case 'r': o->run_as_root = true; break;
	case 'N': o->no_bpf = true; break;
	case 'S': o->strict_limits = true; break;
	case 'C': o->cold_cache = true; break;
	case 'X': o->trace_out = optarg; break;
	case 'D': o->breakdown = true; break;
	case 'W':
		if (parse_uint(optarg, 0, TIMELINE_MAX_WARM, &o->warm))
			return err_usage("--warm must be a whole number from 0 to %d, not '%s'",
					 TIMELINE_MAX_WARM, optarg);
		break;
	case 'F':
		if (parse_uint(optarg, 1, 60000, &o->freeze_ms))
			return err_usage("--freeze must be milliseconds from 1 to 60000, not '%s'", optarg);
		break;
	case 'Q': o->require_bpf = true; break;
	case 'x': {
		char err[PATH_MAX + 128];

		if (ext_list_add(&o->exts, optarg, err, sizeof(err)))
			return err_usage("--%s", err);
		break;
	}
	case 'c': o->client_context = optarg; break;
	case 'v': o->verbose = true; break;
	case 'J': o->json = true; break;
	case 'q': o->quiet = true; break;
	case 'h': usage(stdout); exit(0);
	case ':': return err_usage("option '%s' needs a value", argv[optind - 1]);
	default: return err_unknown_option("benchmark", argv[optind - 1], longopts);
	}
	return 0;
}

/* What the options ask of each other. */
static int check_opts(int argc, char **argv, struct bench_opts *o)
{
	if (optind < argc)
		return err_usage("unexpected argument '%s'", argv[optind]);
	if (o->freeze_ms && !o->warm)
		return err_usage("--freeze needs --warm N: it freezes the process between invocations");
	if (o->no_bpf && o->require_bpf)
		return err_usage("--no-bpf and --require-bpf exclude each other");
	if (o->no_bpf && o->breakdown)
		return err_usage("--breakdown needs the eBPF tracer: it excludes --no-bpf");
	if (o->sandbox && o->no_sandbox)
		return err_usage("--sandbox and --no-sandbox exclude each other");
	if (o->n_layers && o->no_sandbox)
		return err_usage("--layer needs the sandbox: layers are reached at /opt, which "
				 "--no-sandbox leaves out");
	/* a breakdown cannot come from userspace timing: no fallback */
	if (o->breakdown)
		o->require_bpf = true;
	{
		char err[256];

		/* the total of every --env and --env-file, as Lambda checks it */
		if (fnenv_check_size(&o->fn, err, sizeof(err)))
			return err_usage("%s", err);
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct bench_opts *o)
{
	int c, rc;

	o->n = 10;
	o->mems[0] = 128;
	o->n_mems = 1;
	o->timeout_s = 3;
	o->init_timeout_s = 10;
	o->log_limit_mb = 16;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:n:m:a:o:t:vqh", longopts, NULL)) != -1)
		if ((rc = parse_opt(c, argv, o)) != 0)
			return rc;
	return check_opts(argc, argv, o);
}

static int find_bootstrap(struct bench_opts *o)
{
	static const char *defaults[] = { "./bootstrap", "target/release-ultra/bootstrap" };
	struct stat st;
	size_t i;

	if (!o->bootstrap) {
		for (i = 0; i < 2; i++) {
			if (stat(defaults[i], &st) == 0) {
				o->bootstrap = defaults[i];
				break;
			}
		}
		if (!o->bootstrap) {
			return out_error_bare(2, "Binary not found: %s (nor %s); use -b PATH",
					      defaults[0], defaults[1]);
		}
	}
	if (stat(o->bootstrap, &st) != 0) {
		return out_error_bare(2, "Binary not found: %s", o->bootstrap);
	}
	if (S_ISDIR(st.st_mode)) {
		return out_error(2, "%s is a directory, not a bootstrap executable", o->bootstrap);
	}
	if (!S_ISREG(st.st_mode) || access(o->bootstrap, X_OK) != 0) {
		return out_error(2, "%s is not an executable file (chmod +x?)", o->bootstrap);
	}
	return 0;
}

static void host_cpu_model(char *out, size_t len)
{
	char *t = read_file_all("/proc/cpuinfo", 4 << 20, NULL), *p, *e;

	out[0] = '\0';
	if (!t)
		return;
	p = strstr(t, "model name");
	if (p && (p = strchr(p, ':'))) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		e = strchr(p, '\n');
		if (e)
			*e = '\0';
		strlcpy0(out, p, len);
	}
	free(t);
}

/* Where the report goes (stdout; stderr with --json; nowhere with -q) and whether a
 * progress line is drawn. */
static int setup_report(struct bench_env *env)
{
	const char *term = getenv("TERM");

	if (env->o.json)
		env->txt = stderr;
	if (env->o.quiet) {
		env->txt = fopen("/dev/null", "we");
		if (!env->txt) {
			return out_error(EXIT_USAGE, "cannot open /dev/null: %s", strerror(errno));
		}
	}
	env->progress = !env->o.quiet && isatty(STDERR_FILENO) && !(term && !strcmp(term, "dumb"));
	return 0;
}

/* Can the bootstrap's user execute its interpreter (#! or dynamic loader)? A relative one is
 * opened from the bootstrap's folder. 0 or an errno. */
static int user_can_exec_interp(const struct bench_env *env, const char *interp)
{
	char real[PATH_MAX], path[2 * PATH_MAX], *slash;

	if (interp[0] == '/' || !realpath(env->o.bootstrap, real))
		return runner_user_can_exec(&env->user, interp);
	slash = strrchr(real, '/');
	*(slash == real ? slash + 1 : slash) = '\0';
	snprintf(path, sizeof(path), "%s/%s", real, interp);
	return runner_user_can_exec(&env->user, path);
}

/* An interpreter the sandbox provides (/opt, /var/task): not on the host to be checked. */
static bool interp_in_sandbox(const struct bench_env *env, const char *interp)
{
	return env->sandboxed && (!strncmp(interp, SB_LAYER_ROOT "/", 4) ||
				  !strncmp(interp, SB_TASK_ROOT "/", 9));
}

/* The bootstrap: there, executable by whom it runs as, runnable here (elf_check_runnable). */
static int check_bootstrap(struct bench_env *env)
{
	struct bench_opts *o = &env->o;
	char err[512], abuf[128];
	const char *bad;
	int rc, drop;

	rc = find_bootstrap(o);
	if (rc)
		return rc;
	drop = runner_pick_user(o->user, o->run_as_root, &env->user, err, sizeof(err));
	if (drop < 0)
		return err_usage("%s", err);
	env->drop = drop == 0;
	if (env->drop && (rc = runner_user_can_exec(&env->user, o->bootstrap)) != 0)
		return err_usage("user %s cannot execute %s (%s): make it and its folders accessible, "
				 "or choose --user NAME or --run-as-root", env->user.name, o->bootstrap,
				 strerror(rc));
	/* what execve would refuse, said once instead of failing every cold start */
	if (elf_inspect(o->bootstrap, &env->ef, err, sizeof(err)) ||
	    elf_check_runnable(o->bootstrap, !interp_in_sandbox(env, env->ef.interpreter), err,
			       sizeof(err)))
		return err_usage("%s", err);
	if (env->drop && env->ef.interpreter[0] && !interp_in_sandbox(env, env->ef.interpreter) &&
	    (rc = user_can_exec_interp(env, env->ef.interpreter)) != 0)
		return err_usage("user %s cannot execute %s's interpreter %s (%s): make it and its "
				 "folders accessible, or choose --user NAME", env->user.name, o->bootstrap,
				 env->ef.interpreter, strerror(rc));
	if (o->arch && (bad = foreign_arch(o->arch, abuf, sizeof(abuf)))) {
		return out_error(EXIT_USAGE, "-a %s does not match this host (%s): cold starts run "
				 "natively", bad, host_arch());
	}
	return 0;
}

/* --event FILE: read and checked to be JSON; *event stays NULL without it. */
static int read_event(const char *path, char **event, size_t *len)
{
	cJSON *probe;

	if (!path)
		return 0;
	*event = read_file_all(path, EVENT_MAX, len);
	if (!*event) {
		return out_error(EXIT_USAGE, "cannot read --event %s: %s", path,
				 errno == EFBIG ? "larger than 6 MiB" : strerror(errno));
	}
	probe = cJSON_ParseWithLength(*event, *len);
	if (!probe) {
		return out_error(EXIT_USAGE, "--event %s is not valid JSON", path);
	}
	cJSON_Delete(probe);
	return 0;
}

/* Results files we cannot write are found out before the run, not after. */
static int probe_outputs(const struct bench_opts *o)
{
	bool sweep = o->n_mems > 1;

	for (unsigned k = 0; o->output && k < o->n_mems; k++) {
		char path[PATH_MAX], tmp[PATH_MAX + 16];
		int fd;

		bench_output_path(o->output, o->mems[k], host_arch(), sweep, path, sizeof(path));
		snprintf(tmp, sizeof(tmp), "%s.probe-XXXXXX", path);
		fd = mkstemp(tmp);
		if (fd < 0) {
			return out_error(EXIT_USAGE, "cannot write %s: %s", path, strerror(errno));
		}
		close(fd);
		unlink(tmp);
	}
	return 0;
}

/*
 * -b function.zip (and --layer): unpacked into the run's folder, its bootstrap the one run;
 * and whether the cold starts are sandboxed (a .zip's are unless --no-sandbox; a loose
 * executable's with --sandbox), the sandbox planned and tried once.
 */
static int prepare_function(struct bench_env *env)
{
	struct bench_opts *o = &env->o;
	const struct pkg_limits lim = { PKG_MAX_UNZIPPED_BYTES, PKG_MAX_ENTRIES };
	char err[PATH_MAX + 512], real[PATH_MAX], *base;
	const char *task_root = NULL, *layer_root = NULL, *inside;
	struct stat st;

	/* what a SIGKILLed profiler left: its unpacked package, its sandbox's mount point */
	if (pkg_sweep_stale(NULL, getpid(), cg_pid_alive, err, sizeof(err)) > 0)
		fprintf(stderr, "profiler: removed the folders of profilers that no longer run: %s\n",
			err);
	if (o->bootstrap && stat(o->bootstrap, &st) == 0 && S_ISREG(st.st_mode) &&
	    pkg_is_zip(o->bootstrap)) {
		env->zip = o->bootstrap;
		if (package_open(&env->pkg, env->zip, o->layers, o->n_layers, &lim, NULL, err,
				 sizeof(err)))
			return err_usage("%s", err);
		o->bootstrap = env->pkg.bootstrap;
		env->sandboxed = !o->no_sandbox;
		task_root = env->pkg.task_root;
		layer_root = env->pkg.layer_root;
		inside = env->pkg.bootstrap_in;
		env->dep.zip = env->zip;
		for (unsigned i = 0; i < o->n_layers; i++)
			env->dep.layers[i] = o->layers[i];
		env->dep.n_layers = o->n_layers;
		env->dep.bootstrap_in = inside;
		env->dep.unzipped_bytes = env->pkg.count.bytes;
		env->dep.entries = env->pkg.count.entries;
		env->dep.max_unzipped_bytes = lim.max_bytes;
		env->dep.max_entries = lim.max_entries;
	} else {
		if (o->n_layers && !o->sandbox)
			return err_usage("--layer needs the sandbox: with a loose executable, add "
					 "--sandbox (layers are reached at /opt)");
		if (o->n_layers) {
			if (package_open(&env->pkg, NULL, o->layers, o->n_layers, &lim, NULL, err,
					 sizeof(err)))
				return err_usage("%s", err);
			layer_root = env->pkg.layer_root;
			for (unsigned i = 0; i < o->n_layers; i++)
				env->dep.layers[i] = o->layers[i];
			env->dep.n_layers = o->n_layers;
		}
		env->sandboxed = o->sandbox;
		if (!env->sandboxed)
			goto no_sandbox;
		if (!o->bootstrap || !realpath(o->bootstrap, real))
			return 0;	/* check_bootstrap says what is wrong with it */
		base = strrchr(real, '/');
		*base++ = '\0';
		task_root = real[0] ? real : "/";
		snprintf(env->pkg.bootstrap, sizeof(env->pkg.bootstrap), "%s/%s", SB_TASK_ROOT, base);
		inside = env->pkg.bootstrap;
	}
	if (!env->sandboxed)
		goto no_sandbox;
	env->sb = calloc(1, sizeof(*env->sb));
	if (!env->sb)
		return out_error(EXIT_USAGE, "out of memory");
	if (sandbox_plan(env->sb, task_root, layer_root, inside,
			 o->ephemeral_mb ? o->ephemeral_mb : SB_EPHEMERAL_DEFAULT,
			 env->pkg.dir[0] ? env->pkg.dir : NULL, err, sizeof(err)))
		return out_error(EXIT_USAGE, "%s", err);
	if (sandbox_probe(env->sb, err, sizeof(err)))
		return out_error(EXIT_ENV, "%s%s", err, env->zip ? " (--no-sandbox runs the package "
				 "on the host)" : "");
	env->dep.sandbox = true;
	env->dep.ephemeral_mb = env->sb->ephemeral_mb;
	env->dep.system_dirs = env->sb->system_dirs;
	return 0;
no_sandbox:
	if (o->ephemeral_mb)
		return err_usage("--ephemeral-storage is the sandbox's /tmp: it needs the sandbox "
				 "(--sandbox, or -b function.zip without --no-sandbox)");
	return 0;
}

/* Everything that can be refused before anything is started. */
/* The extensions: --extension PATH and a layer root's extensions/ folder (/opt/extensions in
 * the sandbox), each runnable by the bootstrap's user; --client-context readable. */
static int check_extensions(struct bench_env *env)
{
	struct bench_opts *o = &env->o;
	char err[PATH_MAX + 256], dir[PATH_MAX + 16];
	int rc;

	if (env->sandboxed && o->exts.n)
		return err_usage("--extension %s runs outside the sandbox, which cannot see it: put "
				 "it in a layer's extensions/ folder (/opt/extensions), as Lambda does",
				 o->exts.path[0]);
	if (env->pkg.layer_root[0]) {
		snprintf(dir, sizeof(dir), "%s/extensions", env->pkg.layer_root);
		if (ext_list_folder(&o->exts, dir, env->sandboxed ? SB_LAYER_ROOT "/extensions" : NULL,
				    err, sizeof(err)))
			return err_usage("%s", err);
	}
	for (unsigned i = 0; env->drop && i < o->exts.n; i++)
		if ((rc = runner_user_can_exec(&env->user, o->exts.path[i])) != 0)
			return err_usage("user %s cannot execute the extension %s (%s)", env->user.name,
					 o->exts.path[i], strerror(rc));
	if (o->client_context && client_ctx_read(o->client_context, &env->cctx, err, sizeof(err)))
		return err_usage("--client-context %s: %s", o->client_context, err);
	return 0;
}

static int check_inputs(struct bench_env *env, char **event, size_t *event_len)
{
	struct bench_opts *o = &env->o;
	char err[512];
	int rc;

	if ((rc = prepare_function(env)) || (rc = check_bootstrap(env)) ||
	    (rc = read_event(o->event_file, event, event_len)))
		return rc;
	if (o->cold_cache && cold_cache_plan(o->bootstrap, 10000, &o->cc, err, sizeof(err))) {
		return out_error(EXIT_USAGE, "--cold-cache: %s", err);
	}
	if ((rc = probe_outputs(o)) || (rc = check_extensions(env)))
		return rc;
	env->fn_env = fnenv_strv(&o->fn);
	if (!env->fn_env)
		return out_error(EXIT_USAGE, "out of memory");
	env->dep.fn = &o->fn;
	/* root is only ever asked for (runner_pick_user): then said, once all is accepted */
	if (env->drop ? env->user.uid == 0 : geteuid() == 0)
		out_warn("the bootstrap runs as root (--run-as-root): it is untrusted code and can "
			 "read and change anything on this host");
	return 0;
}

static int on_event(void *ctx, const struct prof_event *e)
{
	coldstart_add(ctx, e);
	return 0;
}

/* The eBPF tracer, or userspace timing when it cannot be had and that is allowed. */
static int open_tracer(struct bench_env *env)
{
	const struct bench_opts *o = &env->o;
	struct tracer_opts to = { 0 };
	char err[512];

	to.verbose = o->verbose;
	to.breakdown = o->breakdown;
	to.on_event = on_event;
	to.ctx = &env->cs;
	if (!o->no_bpf) {
		env->t = tracer_open(&to, err, sizeof(err));
		if (!env->t && o->require_bpf) {
			return out_error(EXIT_ENV, "%s", err);
		}
		if (!env->t)
			out_warn("%s; measuring from userspace instead (--require-bpf refuses)", err);
	}
	if (env->t && o->breakdown)
		env->entry_probed = tracer_probe_entry(env->t, o->bootstrap, env->entry_probe,
						       sizeof(env->entry_probe)) == 0;
	return 0;
}

/*
 * A log folder (name, relative to the folder at; shown as path), made 0700 when absent. The
 * profiler is root and the bootstrap untrusted: a link it could plant in the folder would
 * turn root's log writes against any file. So the folder must be a real folder (not a link),
 * the profiler's own (its euid) and writable by no one else, or it is refused.
 * Returns its fd (O_DIRECTORY, held for the run), or -1 with one line on stderr.
 */
static int open_log_folder(int at, const char *name, const char *path)
{
	struct stat st;
	int fd;

	if (mkdirat(at, name, 0700) && errno != EEXIST) {
		out_error(EXIT_USAGE, "cannot create the log folder %s: %s", path, strerror(errno));
		return -1;
	}
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			out_error(EXIT_USAGE, "log folder %s is a symbolic link: give the folder "
				  "itself", path);
		else if (e == ENOTDIR)
			out_error(EXIT_USAGE, "log folder %s is not a directory", path);
		else
			out_error(EXIT_USAGE, "cannot open the log folder %s: %s", path, strerror(e));
		return -1;
	}
	if (fstat(fd, &st)) {
		out_error(EXIT_USAGE, "cannot stat the log folder %s: %s", path, strerror(errno));
	} else if (st.st_uid != geteuid()) {
		struct passwd *pw = getpwuid(st.st_uid);

		out_error(EXIT_USAGE, "log folder %s is owned by uid %u%s%s%s, not by the profiler's "
			  "user (uid %u): its owner could plant links in it", path, (unsigned)st.st_uid,
			  pw ? " (" : "", pw ? pw->pw_name : "", pw ? ")" : "", (unsigned)geteuid());
	} else if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		out_error(EXIT_USAGE, "log folder %s is writable by group or others (mode %04o): the "
			  "bootstrap could plant links in it; give a folder only its owner can write",
			  path, (unsigned)(st.st_mode & 07777));
	} else {
		return fd;
	}
	close(fd);
	return -1;
}

/* --log-dir, or a new /tmp/profiler-logs-*; in a sweep a MEMmb folder in it per size too. */
static int make_log_dir(struct bench_env *env)
{
	const struct bench_opts *o = &env->o;
	char tmpl[] = "/tmp/profiler-logs-XXXXXX";

	if (o->log_dir) {
		strlcpy0(env->log_dir, o->log_dir, sizeof(env->log_dir));
	} else {
		if (!mkdtemp(tmpl)) {
			return out_error(EXIT_USAGE, "cannot create a log directory: %s", strerror(errno));
		}
		strlcpy0(env->log_dir, tmpl, sizeof(env->log_dir));
	}
	env->log_dfd = open_log_folder(AT_FDCWD, env->log_dir, env->log_dir);
	if (env->log_dfd < 0)
		return EXIT_USAGE;
	for (unsigned k = 0; o->n_mems > 1 && k < o->n_mems; k++) {
		char name[32], path[PATH_MAX + 32];

		snprintf(name, sizeof(name), "%umb", o->mems[k]);
		snprintf(path, sizeof(path), "%s/%s", env->log_dir, name);
		env->config_log_dfd[k] = open_log_folder(env->log_dfd, name, path);
		if (env->config_log_dfd[k] < 0)
			return EXIT_USAGE;
	}
	return 0;
}

/* The cgroups a SIGKILLed profiler left (cgroup.h), removed and said: one line per profiler. */
static void sweep_stale_cgroups(const struct cg_host *h)
{
	struct cg_stale *v;
	size_t n, i, j;

	if (cg_sweep_stale(h, &v, &n))
		out_warn("out of memory while looking for stale cgroups");
	for (i = 0; i < n; i++) {
		pid_t pid = v[i].pid;
		size_t removed = 0;
		bool first = true;

		if (pid <= 0)
			continue;	/* said with an earlier one of its profiler */
		for (j = i; j < n; j++)
			removed += v[j].pid == pid && !v[j].error;
		if (removed) {
			fprintf(stderr, "profiler: removed %zu stale cgroup%s of profiler %d (no longer "
				"running):", removed, removed > 1 ? "s" : "", (int)pid);
			for (j = i; j < n; j++) {
				if (v[j].pid != pid || v[j].error)
					continue;
				fprintf(stderr, "%s %s", first ? "" : ",", v[j].name);
				first = false;
			}
			fputc('\n', stderr);
		}
		for (j = i; j < n; j++) {
			if (v[j].pid != pid)
				continue;
			if (v[j].error)
				out_warn("cannot remove the stale cgroup %s of profiler %d (no longer "
					 "running): %s", v[j].name, (int)pid, strerror(v[j].error));
			v[j].pid = 0;
		}
	}
	free(v);
}

/* Lambda's memory, CPU and process limits (cgroups), or a warning (--strict-limits: a
 * refusal). The descriptor limit needs no cgroup: it is always set. */
static int detect_limits(struct bench_env *env)
{
	char *err = env->limits_why;
	size_t errlen = sizeof(env->limits_why);
	int rc;

	env->dep.nofile = RUNNER_LAMBDA_NOFILE;
	env->dep.pids_max = CG_PIDS_MAX;
	if ((rc = runner_probe_nofile(RUNNER_LAMBDA_NOFILE))) {
		/* the soft limit is what the 1025th open meets; without the hard one the bootstrap
		 * could raise it again */
		env->dep.nofile_soft_only = true;
		out_warn("Lambda's descriptor limit (%u) is set as the soft limit only: lowering the "
			 "hard limit is refused here (%s)", RUNNER_LAMBDA_NOFILE, strerror(rc));
	}
	if (cg_host_detect(&env->cgh, err, errlen) == 0) {
		env->limits_ok = true;
		sweep_stale_cgroups(&env->cgh);
	} else if (env->o.strict_limits) {
		return out_error(EXIT_ENV, "cannot apply Lambda's limits (--strict-limits): %s", err);
	} else {
		out_warn("Lambda's memory and CPU limits not applied: %s", err);
		env->dep.pids_why = err;
		return 0;
	}
	env->dep.pids_applied = env->cgh.pids_parent[0] != '\0';
	env->dep.pids_why = env->cgh.pids_why;
	if (env->dep.pids_applied)
		return 0;
	if (env->o.strict_limits) {
		return out_error(EXIT_ENV, "cannot apply Lambda's process limit (--strict-limits): %s",
				 env->cgh.pids_why);
	}
	out_warn("Lambda's process limit (%u processes and threads) not applied: %s", CG_PIDS_MAX,
		 env->cgh.pids_why);
	return 0;
}

/* The Runtime API emulator, and the tracer told its address. */
static int start_emulator(struct bench_env *env, const char *event, size_t event_len)
{
	struct in_addr lo4 = { htonl(INADDR_LOOPBACK) };
	char err[512];

	struct rapi_opts ro = {
		.isolate = true, .own_connections = true,
		.client_context = env->cctx.client_context[0] ? env->cctx.client_context : NULL,
		.cognito_identity = env->cctx.cognito_identity[0] ? env->cctx.cognito_identity : NULL,
	};

	env->api = rapi_start_opts(event ? event : "{}", event ? event_len : 2, &ro, err, sizeof(err));
	if (!env->api) {
		return out_error(EXIT_USAGE, "cannot start the Runtime API emulator: %s", err);
	}
	rapi_set_timeout_ms(env->api, (unsigned)(env->o.timeout_s * 1000));
	if (env->t && (tracer_add_api_addr(env->t, AF_INET, &lo4, rapi_port(env->api)) ||
		       (rapi_has_ipv6(env->api) &&
			tracer_add_api_addr(env->t, AF_INET6, &in6addr_loopback, rapi_port(env->api))))) {
		return out_error(EXIT_USAGE, "cannot configure the tracer: %s", strerror(errno));
	}
	snprintf(env->api_str, sizeof(env->api_str), "127.0.0.1:%u", rapi_port(env->api));
	return 0;
}

static int set_up(struct bench_env *env, const char *event, size_t event_len)
{
	int rc;

	/* Before anything slow: a SIGINT from then on stops the run. Until the handler is
	 * set, a shell that started us in the background without job control has SIGINT
	 * ignored, and a Ctrl-C sent during set-up would be lost. */
	interrupt_catch();
	/* the log folder first: a refusal is then the only line */
	if ((rc = make_log_dir(env)) || (rc = open_tracer(env)) || (rc = detect_limits(env)))
		return rc;
	host_cpu_model(env->host_cpu, sizeof(env->host_cpu));
	if ((rc = start_emulator(env, event, event_len)))
		return rc;
	if (runner_init())
		out_warn("cannot become a child subreaper: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* A sweep's row of one configuration. */
static void summarize(struct config_summary *cs, unsigned memory_mb, const struct results *res,
		      const char *path)
{
	memset(cs, 0, sizeof(*cs));
	cs->memory_mb = memory_mb;
	cs->n_ok = res->n_ok;
	cs->n_failed = res->n_failed;
	cs->total = res->total;
	cs->init_avg = bench_mean_phase(res, PHASE_INIT);
	cs->handler_avg = bench_mean_phase(res, PHASE_HANDLER);
	for (size_t i = 0; i < res->n_inv; i++)
		if (res->inv[i].outcome == INV_OK && res->inv[i].memory_kb > cs->rss_max)
			cs->rss_max = res->inv[i].memory_kb;
	strlcpy0(cs->output, path, sizeof(cs->output));
}

/* --json: one document on stdout, once everything ran. */
static void print_json(const struct bench_env *env, bool sweep)
{
	if (!env->o.json || !env->n_json)
		return;
	if (!sweep) {
		fputs(env->json[0], stdout);
	} else {
		fputs("{\"configurations\": [\n", stdout);
		for (size_t k = 0; k < env->n_json; k++)
			printf("%s%s", env->json[k], k + 1 < env->n_json ? ",\n" : "");
		fputs("]}\n", stdout);
	}
	fflush(stdout);
}

/* Every configuration of -m, the sweep's table, --json. Returns the exit status. */
static int run_all(struct bench_env *env)
{
	const struct bench_opts *o = &env->o;
	struct config_summary cs[MAX_CONFIGS];
	bool any_failed = false, sweep = o->n_mems > 1;
	size_t k, n_done = 0;

	for (k = 0; k < o->n_mems && !interrupt_signal(); k++) {
		struct results res;
		char path[PATH_MAX];
		int rc;

		path[0] = '\0';
		if (o->output)
			bench_output_path(o->output, o->mems[k], host_arch(), sweep, path, sizeof(path));
		if (sweep && k)
			fprintf(env->txt, "\n");
		rc = bench_run_config(env, o->mems[k], sweep, o->output ? path : NULL, &res);
		summarize(&cs[k], o->mems[k], &res, path);
		any_failed |= res.n_failed > 0;
		results_free(&res);
		n_done = k + 1;
		if (rc)
			return EXIT_USAGE;
	}
	if (sweep)
		bench_print_sweep(env->txt, cs, n_done);
	print_json(env, sweep);
	if (interrupt_signal())
		return EXIT_INTERRUPTED;
	return any_failed ? EXIT_FAILED : EXIT_OK;
}

static void clean_up(struct bench_env *env)
{
	for (size_t k = 0; k < MAX_CONFIGS; k++)
		if (env->config_log_dfd[k] >= 0)
			close(env->config_log_dfd[k]);
	if (env->log_dfd >= 0)
		close(env->log_dfd);
	for (size_t k = 0; k < env->n_json; k++)
		free(env->json[k]);
	free(env->json);
	if (env->txt && env->txt != stdout && env->txt != stderr)
		fclose(env->txt);
	cold_cache_free(&env->o.cc);
	if (env->sb)
		sandbox_remove(env->sb);
	free(env->sb);
	package_remove(&env->pkg);
	fnenv_free_strv(env->fn_env);
	fnenv_free(&env->o.fn);
	ctrace_free(env->ct);
	rapi_stop(env->api);
	tracer_close(env->t);
	coldstart_free(&env->cs);
	free(env);
}

int cmd_benchmark(int argc, char **argv)
{
	struct bench_env *env = calloc(1, sizeof(*env));
	size_t event_len = 2;
	char *event = NULL;
	int rc;

	if (!env) {
		return out_error(EXIT_USAGE, "out of memory");
	}
	env->txt = stdout;
	env->log_dfd = -1;
	for (size_t k = 0; k < MAX_CONFIGS; k++)
		env->config_log_dfd[k] = -1;
	rc = parse_opts(argc, argv, &env->o);
	if (!rc)
		rc = setup_report(env);
	if (!rc)
		rc = check_inputs(env, &event, &event_len);
	if (!rc)
		rc = set_up(env, event, event_len);
	if (!rc)
		rc = run_all(env);
	clean_up(env);
	free(event);
	return rc;
}
