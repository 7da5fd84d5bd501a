/* profiler benchmark: N cold starts of a bootstrap, traced with eBPF. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "cgroup.h"
#include "coldcache.h"
#include "coldstart.h"
#include "cmd.h"
#include "elf_info.h"
#include "rapi.h"
#include "results.h"
#include "runner.h"
#include "stats.h"
#include "trace_event.h"
#include "tracer.h"
#include "util.h"

#define EVENT_MAX (6u << 20)
#define KILL_WAIT_NS (5ull * 1000000000ull)
#define MAX_CONFIGS 16

struct bench_opts {
	const char *bootstrap;
	unsigned n;
	unsigned memory_mb;		/* the configuration being run */
	unsigned mems[MAX_CONFIGS];	/* -m list: a sweep when more than one */
	unsigned n_mems;
	const char *arch;
	const char *output;
	const char *event_file;
	const char *runtime;
	const char *log_dir;
	double timeout_s;
	double init_timeout_s;
	unsigned log_limit_mb;
	const char *user;
	bool run_as_root;
	bool no_bpf;
	bool require_bpf;
	bool strict_limits;
	bool json;			/* --json: the results JSON on stdout */
	bool quiet;			/* -q */
	bool cold_cache;
	struct cold_cache cc;		/* the files --cold-cache evicts */
	const char *trace_out;		/* --trace-out FILE */
	struct trace_writer *tw;	/* the configuration being run's trace, or NULL */
	unsigned warm;			/* --warm N */
	unsigned freeze_ms;		/* --freeze MS */
	bool breakdown;			/* --breakdown */
	bool verbose;
};

/* stdout/stderr of one cold start: a pipe drained into a bounded log file */
struct log_sink {
	int rfd;		/* read end, non-blocking */
	int wfd;		/* write end, handed to the bootstrap */
	int fd;			/* the log file */
	uint64_t bytes, dropped, limit;
};

static volatile sig_atomic_t g_stop;
/* Where the human-readable report goes: stdout, or stderr with --json (stdout then
 * carries the JSON alone), or nowhere with -q. */
static FILE *g_txt;
static bool g_progress;		/* a progress line on the terminal */

static void on_signal(int sig)
{
	g_stop = sig;
}

static int on_event(void *ctx, const struct prof_event *e)
{
	coldstart_add(ctx, e);
	return 0;
}

static int sink_open(struct log_sink *s, const char *path, uint64_t limit, char *err, size_t errlen)
{
	int p[2];

	memset(s, 0, sizeof(*s));
	s->rfd = s->wfd = s->fd = -1;
	s->limit = limit;
	s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (s->fd < 0 || pipe2(p, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot create the log %s: %s", path, strerror(errno));
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		return -1;
	}
	s->rfd = p[0];
	s->wfd = p[1];
	fcntl(s->rfd, F_SETFL, O_NONBLOCK);
	/* room for bursts between two drains, so a chatty bootstrap rarely blocks */
	fcntl(s->rfd, F_SETPIPE_SZ, 1 << 20);
	return 0;
}

/* Move what the tree wrote into the log; returns 1 at EOF (every writer gone). */
static int sink_drain(struct log_sink *s)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(s->rfd, buf, sizeof(buf));

		if (n < 0)
			return errno == EINTR ? 0 : (errno == EAGAIN ? 0 : 1);
		if (n == 0)
			return 1;
		s->bytes += (uint64_t)n;
		if (s->bytes - (uint64_t)n < s->limit) {
			uint64_t room = s->limit - (s->bytes - (uint64_t)n);
			size_t keep = (uint64_t)n < room ? (size_t)n : (size_t)room;

			if (write(s->fd, buf, keep) != (ssize_t)keep)
				s->dropped += keep;
			s->dropped += (uint64_t)n - keep;
		} else {
			s->dropped += (uint64_t)n;
		}
	}
}

static void sink_close(struct log_sink *s)
{
	if (s->rfd >= 0)
		close(s->rfd);
	if (s->wfd >= 0)
		close(s->wfd);
	if (s->fd >= 0)
		close(s->fd);
	s->rfd = s->wfd = s->fd = -1;
}

static int arm(void *ctx, bool on)
{
	return tracer_arm_spawn(ctx, on);
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: profiler benchmark [-b PATH] [-n N] [-m MB] [-a ARCH] [-o FILE] [--event FILE] [--breakdown]\n"
"                          [--runtime NAME] [-t SEC] [--init-timeout SEC] [--log-dir DIR] [-v]\n"
"\n"
"Runs N cold starts of a Lambda custom-runtime bootstrap against a local Runtime API\n"
"emulator and measures each with eBPF kernel timestamps.\n"
"\n"
"Options:\n"
"  -b, --bootstrap PATH   bootstrap executable (default ./bootstrap, then\n"
"                         target/release-ultra/bootstrap)\n"
"  -n, --count N          cold starts (default 10, as lambda-perf)\n"
"  -m, --memory MB[,MB..] memory size, 128..10240 (default 128): each cold start runs in a\n"
"                         cgroup of its own limited to MB (no swap) and to Lambda's CPU\n"
"                         share (1769 MB = 1 vCPU), and gets AWS_LAMBDA_FUNCTION_MEMORY_SIZE\n"
"                         A list runs every size in one command (a sweep): one results\n"
"                         file each and a summary table\n"
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
"      --runtime NAME     runtime name in the results (default: the bootstrap's folder)\n"
"  -t, --timeout SEC      invocation timeout after the event is delivered (default 3)\n"
"      --init-timeout SEC time allowed until the first GET /next (default 10)\n"
"      --log-dir DIR      where bootstrap logs go (default: a new /tmp/profiler-logs-*)\n"
"      --log-limit MB     keep at most this much of each cold start's output (default 16);\n"
"                         the rest is counted (log_dropped_bytes); the pipe is drained as it fills\n"
"      --user NAME        run the bootstrap as this user (default: the sudo caller,\n"
"                         else nobody when run as root)\n"
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

/*
 * The results file of one configuration: {mem} and {arch} in -o are replaced;
 * in a sweep, an -o without {mem} gets "-{mem}mb" before its extension.
 */
static void output_path(const char *pattern, unsigned mem, const char *arch, bool sweep, char *out,
			size_t len)
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

static int parse_opts(int argc, char **argv, struct bench_opts *o)
{
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
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'J' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	o->n = 10;
	o->memory_mb = 128;
	o->mems[0] = 128;
	o->n_mems = 1;
	o->timeout_s = 3;
	o->init_timeout_s = 10;
	o->log_limit_mb = 16;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:n:m:a:o:t:vqh", longopts, NULL)) != -1) {
		switch (c) {
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
		case 'v': o->verbose = true; break;
		case 'J': o->json = true; break;
		case 'q': o->quiet = true; break;
		case 'h': usage(stdout); exit(0);
		case ':': return err_usage("option '%s' needs a value", argv[optind - 1]);
		default: return err_unknown_option("benchmark", argv[optind - 1], longopts);
		}
	}
	if (optind < argc)
		return err_usage("unexpected argument '%s'", argv[optind]);
	if (o->user && o->run_as_root)
		return err_usage("--user and --run-as-root exclude each other");
	if (o->freeze_ms && !o->warm)
		return err_usage("--freeze needs --warm N: it freezes the process between invocations");
	if (o->no_bpf && o->require_bpf)
		return err_usage("--no-bpf and --require-bpf exclude each other");
	if (o->no_bpf && o->breakdown)
		return err_usage("--breakdown needs the eBPF tracer: it excludes --no-bpf");
	/* a breakdown cannot come from userspace timing: no fallback */
	if (o->breakdown)
		o->require_bpf = true;
	return 0;
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
			fprintf(stderr, "Binary not found: %s (nor %s); use -b PATH\n", defaults[0], defaults[1]);
			return 2;
		}
	}
	if (stat(o->bootstrap, &st) != 0) {
		fprintf(stderr, "Binary not found: %s\n", o->bootstrap);
		return 2;
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "profiler: %s is a directory, not a bootstrap executable\n", o->bootstrap);
		return 2;
	}
	if (!S_ISREG(st.st_mode) || access(o->bootstrap, X_OK) != 0) {
		fprintf(stderr, "profiler: %s is not an executable file (chmod +x?)\n", o->bootstrap);
		return 2;
	}
	return 0;
}

static void default_runtime(const char *path, char *out, size_t len)
{
	char buf[PATH_MAX], *base, *slash;

	if (!realpath(path, buf))
		strlcpy0(buf, path, sizeof(buf));
	slash = strrchr(buf, '/');
	base = slash ? slash + 1 : buf;
	if (strcmp(base, "bootstrap") || !slash || slash == buf) {
		strlcpy0(out, base, len);
		return;
	}
	*slash = '\0';
	slash = strrchr(buf, '/');
	strlcpy0(out, slash ? slash + 1 : buf, len);
}

/* Kill the whole tree of root and wait until the kernel reports every process gone. */
static void end_tree(struct tracer *t, const struct cg *cg, pid_t root, bool *root_reaped, int *status)
{
	uint64_t deadline = mono_ns() + KILL_WAIT_NS;
	pid_t pids[512];
	size_t n, i;
	int left;

	for (;;) {
		kill(-root, SIGKILL);
		if (!*root_reaped)
			kill(root, SIGKILL);
		n = tracer_tree(t, root, pids, 512);
		for (i = 0; i < n && i < 512; i++)
			kill(pids[i], SIGKILL);
		/* orphans (daemons) re-parent to us, the subreaper: the net without BPF */
		left = runner_kill_children() + cg_kill_all(cg);
		if (!*root_reaped && runner_reap(root, status))
			*root_reaped = true;
		else
			runner_reap(root, status);
		tracer_poll(t, 10);
		if (*root_reaped && tracer_tree(t, root, pids, 0) == 0 && !left)
			break;
		if (mono_ns() > deadline) {
			if (!*root_reaped && waitpid(root, status, WNOHANG) == root)
				*root_reaped = true;
			break;
		}
	}
	tracer_drain(t);
}

/* Send sig to the whole tree: its process group, what the tracer follows, its cgroup. */
static void signal_tree(struct tracer *t, pid_t root, int sig)
{
	pid_t pids[512];
	size_t n, i;

	kill(-root, sig);
	n = tracer_tree(t, root, pids, 512);
	for (i = 0; i < n && i < 512; i++)
		kill(pids[i], sig);
}

/* Wait until the emulator has the answer of the armed invocation, the root dies, the
 * deadline passes or the run is interrupted, draining the log and the ring meanwhile. */
static void wait_answer(struct rapi *api, struct tracer *t, struct log_sink *log, pid_t pid,
			bool *reaped, int *status, uint64_t deadline, struct rapi_status *st)
{
	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = tracer_fd(t), .events = POLLIN },
			{ .fd = rapi_notify_fd(api), .events = POLLIN },
			{ .fd = log->rfd, .events = POLLIN },
		};

		poll(pfd, 3, 20);
		sink_drain(log);
		tracer_poll(t, 0);
		rapi_status(api, st);
		if (st->state == RAPI_RESPONDED || st->state == RAPI_ERRORED || st->state == RAPI_INIT_ERRORED)
			return;
		if (runner_reap(pid, status)) {
			*reaped = true;
			return;
		}
		if (g_stop || mono_ns() > deadline)
			return;
	}
}

/* --warm: more invocations on the process of a cold start that answered. */
static void warm_run(const struct bench_opts *o, struct rapi *api, struct tracer *t,
		     struct log_sink *log, pid_t pid, bool *reaped, int *status, struct invocation *inv)
{
	unsigned k;

	inv->n_warm = o->warm;
	for (k = 0; k < o->warm; k++)
		inv->warm_handler_ms[k] = -1;
	for (k = 0; k < o->warm && !g_stop && !*reaped; k++) {
		struct rapi_status wst;

		if (o->freeze_ms) {
			uint64_t thaw = mono_ns() + (uint64_t)o->freeze_ms * 1000000ull;

			signal_tree(t, pid, SIGSTOP);
			while (mono_ns() < thaw && !g_stop) {
				poll(NULL, 0, 5);
				sink_drain(log);
				tracer_poll(t, 0);
			}
			signal_tree(t, pid, SIGCONT);
		}
		rapi_warm_invocation(api, NULL);
		wait_answer(api, t, log, pid, reaped, status,
			    mono_ns() + (uint64_t)(o->timeout_s * 1e9), &wst);
		if (wst.state == RAPI_RESPONDED && !t && wst.event_sent_ns &&
		    wst.response_received_ns > wst.event_sent_ns)
			inv->warm_handler_ms[k] = (double)(wst.response_received_ns - wst.event_sent_ns) / 1e6;
		if (wst.state != RAPI_RESPONDED) {
			fprintf(stderr, "profiler: cold start %d: warm invocation %u got no response (%s); "
				"its series ends there\n", inv->index, k + 1,
				wst.state == RAPI_ERRORED ? "it posted an error" :
				*reaped ? "the process ended" : "timeout");
			break;
		}
	}
}

/* One cold start. Returns 0, or -1 when the run must stop (interrupted). */
static int run_one(const struct bench_opts *o, struct rapi *api, struct tracer *t, struct coldstart *c,
		   const char *api_str, const char *fn_name, const char *log_dir,
		   const struct run_as *user, const struct cg_host *cgh, struct invocation *inv)
{
	struct spawn_opts so = {
		.path = o->bootstrap, .api = api_str, .function_name = fn_name,
		.memory_mb = o->memory_mb, .arm = arm, .ctx = t, .user = user,
	};
	const struct coldstart_build_opts bo = { .traced = t != NULL, .breakdown = o->breakdown };
	struct coldstart_facts f = {
		.init_timeout_s = o->init_timeout_s, .timeout_s = o->timeout_s, .traced = t != NULL,
		.memory_mb = o->memory_mb,
	};
	struct tracer_counters before, after;
	struct cg cg = { 0 };
	struct log_sink log;
	struct rapi_status st;
	struct spawned sp;
	char err[256] = "";
	bool reaped = false, done = false;
	uint64_t start, init_deadline;
	int status = 0, rc;

	snprintf(inv->log_path, sizeof(inv->log_path), "%s/invocation-%d.log", log_dir, inv->index);
	inv->timestamp = epoch_s();
	if (sink_open(&log, inv->log_path, (uint64_t)o->log_limit_mb << 20, err, sizeof(err))) {
		coldstart_classify(&(struct coldstart_facts){ .spawn_error = err }, inv);
		return 0;
	}
	so.out_fd = log.wfd;
	so.cg_fds[0] = so.cg_fds[1] = -1;
	if (cgh) {
		char name[64];

		snprintf(name, sizeof(name), "profiler-%d-%d", (int)getpid(), inv->index);
		if (cg_create(cgh, name, o->memory_mb, &cg, err, sizeof(err)) ||
		    cg_join_fds(&cg, so.cg_fds)) {
			if (!err[0] || cg.version != CG_NONE)
				snprintf(err, sizeof(err), "cannot join the cold start's cgroup: %s",
					 strerror(errno));
			cg_destroy(&cg);
			coldstart_classify(&(struct coldstart_facts){ .spawn_error = err }, inv);
			sink_close(&log);
			return 0;
		}
	}
	rapi_new_invocation(api, NULL);
	tracer_counters(t, &before);

	if (o->cold_cache) {
		struct cold_cache_result ccr;

		cold_cache_evict(&o->cc, &ccr);
		inv->evicted_files = (uint32_t)ccr.files;
		inv->evicted_pages = ccr.pages;
		inv->still_cached_pages = ccr.resident_after;
	}
	rc = runner_spawn(&so, &sp, err, sizeof(err));
	close(log.wfd);		/* only the tree holds the write end now */
	log.wfd = -1;
	for (int k = 0; k < 2; k++)
		if (so.cg_fds[k] >= 0)
			close(so.cg_fds[k]);
	if (rc) {
		coldstart_classify(&(struct coldstart_facts){ .spawn_error = err }, inv);
		if (sp.pid > 0)
			tracer_forget(t, sp.pid);
		sink_close(&log);
		cg_destroy(&cg);
		return 0;
	}
	inv->root_pid = (uint32_t)sp.pid;
	inv->spawn_ns = sp.spawn_ns;
	coldstart_begin(c, (uint32_t)sp.pid);
	start = mono_ns();
	init_deadline = start + (uint64_t)(o->init_timeout_s * 1e9);
	if (sp.exec_errno) {
		snprintf(err, sizeof(err), "cannot execute %s: %s", o->bootstrap, strerror(sp.exec_errno));
		f.spawn_error = err;
		done = true;
	}
	while (!done) {
		struct pollfd pfd[3] = {
			{ .fd = tracer_fd(t), .events = POLLIN },
			{ .fd = rapi_notify_fd(api), .events = POLLIN },
			{ .fd = log.rfd, .events = POLLIN },
		};
		uint64_t now;

		poll(pfd, 3, 20);
		sink_drain(&log);
		tracer_poll(t, 0);
		rapi_status(api, &st);
		if (st.state == RAPI_RESPONDED || st.state == RAPI_ERRORED || st.state == RAPI_INIT_ERRORED)
			break;
		if (!reaped && runner_reap(sp.pid, &status)) {
			reaped = true;
			/* the emulator may still be reading a response it sent before exiting */
			poll(NULL, 0, 20);
			rapi_status(api, &st);
			if (st.state == RAPI_RESPONDED || st.state == RAPI_ERRORED ||
			    st.state == RAPI_INIT_ERRORED)
				break;
			f.wait = CS_WAIT_EXITED;
			break;
		}
		if (g_stop) {
			f.wait = CS_WAIT_INTERRUPTED;
			f.stop_signal = g_stop;
			break;
		}
		now = mono_ns();
		if (st.state == RAPI_WAITING && now > init_deadline) {
			f.wait = CS_WAIT_INIT_TIMEOUT;
			break;
		}
		if (st.state == RAPI_EVENT_SENT && st.event_sent_ns &&
		    now > st.event_sent_ns + (uint64_t)(o->timeout_s * 1e9)) {
			f.wait = CS_WAIT_TIMEOUT;
			break;
		}
	}
	rapi_status(api, &st);
	f.api = &st;
	inv->killed_by_profiler = !reaped;
	inv->api_next_received_ns = st.next_received_ns;
	inv->api_event_sent_ns = st.event_sent_ns;
	inv->api_response_received_ns = st.response_received_ns;
	if (o->warm && st.state == RAPI_RESPONDED && !reaped && !g_stop)
		warm_run(o, api, t, &log, sp.pid, &reaped, &status, inv);
	if (!t && !reaped) {
		uint64_t hwm = 0;

		if (runner_proc_sample(sp.pid, &hwm, &inv->min_flt, &inv->maj_flt) == 0)
			inv->memory_kb = inv->root_memory_kb = hwm;
	}
	end_tree(t, &cg, sp.pid, &reaped, &status);
	tracer_counters(t, &after);
	/* every writer is dead: what is left in the pipe ends with EOF */
	while (!sink_drain(&log))
		poll(NULL, 0, 1);
	inv->log_bytes = log.bytes;
	inv->log_dropped = log.dropped;
	sink_close(&log);

	f.build_failed = coldstart_build(c, &bo, inv) != 0;
	if (t && o->breakdown) {
		/* every process of the tree reports its programs' time when it exits; the tree
		 * is gone by now, the root last */
		inv->bd.bpf_tree_measured = inv->k.root_exit != 0;
		inv->bd.bpf_tree_ns = inv->bpf_tree_ns;
	}
	if (reaped) {
		/* waitpid is the authority on how the root ended */
		inv->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		inv->exit_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	if (after.dropped > before.dropped)
		f.events_dropped = after.dropped - before.dropped;
	f.collect_oom = c->oom;
	if (cgh)
		f.oom_kills = cg_oom_kills(&cg);
	coldstart_classify(&f, inv);
	inv->capture_faults = (uint32_t)(after.capture_faults - before.capture_faults);
	if (o->tw && t)
		coldstart_export(c, o->tw, inv);
	cg_destroy(&cg);
	tracer_forget(t, sp.pid);
	coldstart_end(c);
	return g_stop ? -1 : 0;
}

static void print_invocation(const struct invocation *inv)
{
	if (inv->outcome == INV_OK)
		fprintf(g_txt, "  Invocation %d: %.3fms (init: %.3fms, handler: %.3fms)\n", inv->index,
		       inv->total_ms, inv->init_ms, inv->handler_ms);
	else
		fprintf(g_txt, "  Invocation %d: FAILED (%s: %s)\n", inv->index, inv_outcome_name(inv->outcome),
		       inv->reason);
	fflush(g_txt);
}

static double mean_of(const struct results *r, size_t off, size_t *n_out)
{
	double sum = 0;
	size_t i, n = 0;

	for (i = 0; i < r->n_inv; i++) {
		const double *v = (const double *)((const char *)&r->inv[i] + off);

		if (r->inv[i].outcome != INV_OK || *v < 0)
			continue;
		sum += *v;
		n++;
	}
	*n_out = n;
	return n ? sum / (double)n : -1;
}

static void print_summary(const struct results *r)
{
	uint64_t mem_max = 0, mem_sum = 0, minf = 0, majf = 0, rdb = 0;
	size_t i, n_mem = 0;

	fprintf(g_txt, "\n=== Benchmark Results ===\n");
	if (!r->n_ok) {
		fprintf(g_txt, "No successful cold start: no statistics (see the failures above).\n");
	} else {
		fprintf(g_txt, "Average:  %.3fms\n", r->total.avg);
		fprintf(g_txt, "P50:      %.3fms\n", r->total.p50);
		fprintf(g_txt, "P99:      %.3fms%s\n", r->total.p99,
		       r->n_ok < 100 ? "  (fewer than 100 samples: close to Max)" : "");
		fprintf(g_txt, "Min:      %.3fms\n", r->total.min);
		fprintf(g_txt, "Max:      %.3fms\n", r->total.max);
		fprintf(g_txt, "StdDev:   %.3fms\n", r->total.stddev);
	}
	fprintf(g_txt, "Binary:   %lluKB (%s)\n", (unsigned long long)r->binary.size_kb, r->binary.path);

	if (r->n_ok) {
		fprintf(g_txt, "\nPhases (mean of %zu successful cold starts, ms):\n", r->n_ok);
		for (i = 0; i < INV_PHASES; i++) {
			size_t n;
			double m = mean_of(r, inv_phases[i].ms_off, &n);

			if (n)
				fprintf(g_txt, "  %-8s %9.3f\n", inv_phases[i].name, m);
			else
				fprintf(g_txt, "  %-8s %9s\n", inv_phases[i].name, "n/a");
		}
		for (i = 0; i < r->n_inv; i++) {
			if (r->inv[i].outcome != INV_OK)
				continue;
			minf += r->inv[i].min_flt;
			majf += r->inv[i].maj_flt;
			rdb += r->inv[i].read_bytes;
			if (r->inv[i].memory_kb) {
				mem_sum += r->inv[i].memory_kb;
				n_mem++;
				if (r->inv[i].memory_kb > mem_max)
					mem_max = r->inv[i].memory_kb;
			}
		}
		if (n_mem)
			fprintf(g_txt, "Peak RSS: mean %llu KB, max %llu KB (%s)\n",
			       (unsigned long long)(mem_sum / n_mem), (unsigned long long)mem_max,
			       strcmp(r->timing_source, "ebpf") ? "the bootstrap process, VmHWM"
								: "largest process of the tree");
		else
			fprintf(g_txt, "Peak RSS: unavailable\n");
		fprintf(g_txt, "Page faults (mean per cold start): minor %llu, major %llu; storage read: %llu KB\n",
		       (unsigned long long)(minf / r->n_ok), (unsigned long long)(majf / r->n_ok),
		       (unsigned long long)(rdb / r->n_ok / 1024));
	}
	if (r->warm) {
		if (r->warm_handler.n)
			fprintf(g_txt, "\nWarm invocations (%u after each cold start%s), handler ms over %zu: "
			       "Average %.3f, P50 %.3f, P99 %.3f, Min %.3f, Max %.3f, StdDev %.3f\n",
			       r->warm, r->freeze_ms ? ", frozen between" : "", r->warm_handler.n,
			       r->warm_handler.avg, r->warm_handler.p50, r->warm_handler.p99,
			       r->warm_handler.min, r->warm_handler.max, r->warm_handler.stddev);
		else
			fprintf(g_txt, "\nWarm invocations: none measured\n");
	}
	if (r->cold_cache) {
		uint64_t files = 0, pages = 0, kept = 0;

		for (i = 0; i < r->n_inv; i++) {
			files += r->inv[i].evicted_files;
			pages += r->inv[i].evicted_pages;
			kept += r->inv[i].still_cached_pages;
		}
		fprintf(g_txt, "Page cache: cold (--cold-cache): %llu files, %llu pages evicted before each cold "
		       "start; %llu pages stayed cached (mapped by running processes)\n",
		       (unsigned long long)(r->n_inv ? files / r->n_inv : 0),
		       (unsigned long long)(r->n_inv ? pages / r->n_inv : 0),
		       (unsigned long long)(r->n_inv ? kept / r->n_inv : 0));
	} else {
		fprintf(g_txt, "Page cache: warm (the default): files read by earlier runs stay cached; "
		       "--cold-cache evicts them\n");
	}
	fprintf(g_txt, "Cold starts: %zu succeeded, %zu failed of %zu\n", r->n_ok, r->n_failed, r->n_inv);
	if (!strcmp(r->timing_source, "ebpf"))
		fprintf(g_txt, "Timing: eBPF kernel timestamps; events dropped: %llu\n",
		       (unsigned long long)r->events_dropped);
	else
		fprintf(g_txt, "Timing: userspace only (no BPF): the emulator's timestamps, so init and total\n"
		       "        include its latency; exec, connect and wait are not measured; peak RSS\n"
		       "        and page faults are the bootstrap process's own (/proc), not its tree's\n");
	if (r->limits_applied)
		fprintf(g_txt, "Limits: %u MB memory (no swap), %.3f vCPU (CFS quota %llu us per %llu us), "
		       "cgroup %s, one per cold start\n", r->memory_mb, r->vcpus,
		       (unsigned long long)r->cpu_quota_us, (unsigned long long)r->cpu_period_us, r->cgroup);
	else
		fprintf(g_txt, "Limits: none applied; %u MB is only passed as AWS_LAMBDA_FUNCTION_MEMORY_SIZE\n",
		       r->memory_mb);
	fprintf(g_txt, "Logs: %s\n", r->log_dir);
}

/* The median waterfall of the run and what the breakdown's tracing cost. */
static void print_breakdown_summary(const struct results *r)
{
	const struct bd_cost_summary *c = &r->bd_cost;
	struct breakdown med;

	if (!r->n_bd) {
		fprintf(g_txt, "\nBreakdown: no successful cold start with a complete trace\n");
		return;
	}
	fprintf(g_txt, "\nMedian waterfall over %zu cold start%s (each figure is its own median; starts are\n"
		"the sums of the median durations before them):\n", r->n_bd, r->n_bd > 1 ? "s" : "");
	med = r->bd_median;
	med.bpf_tree_measured = false;	/* said below, in full */
	breakdown_print(g_txt, &med, 40, 10);
	fprintf(g_txt, "Tracing cost of --breakdown (medians per cold start): ");
	if (c->tree_ms >= 0)
		fprintf(g_txt, "%.3f ms of BPF program time on the tree's own events (%.1f %% of the "
			"median total; the programs' own timing)", c->tree_ms, c->pct_of_total);
	else
		fprintf(g_txt, "BPF time on the tree's events not measured (a root exit was not seen)");
	fprintf(g_txt, "; %.0f events, %.0f of them breakdown-only. Its effect on the cold start "
		"itself: make bench (BENCHMARKS.md).\n", c->events, c->bd_events);
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

static int fill_binary(const char *path, struct binary_info *b, char *err, size_t errlen)
{
	struct elf_facts f;

	if (elf_inspect(path, &f, err, errlen))
		return -1;
	strlcpy0(b->path, path, sizeof(b->path));
	b->size_bytes = f.size_bytes;
	b->size_kb = (f.size_bytes + 1023) / 1024;
	b->is_elf = f.is_elf;
	b->stripped = f.is_elf && f.stripped;
	return 0;
}

/* What every configuration of a run shares. */
struct bench_env {
	struct bench_opts o;
	struct tracer *t;
	struct rapi *api;
	struct coldstart cs;		/* the events of the cold start in progress */
	struct elf_facts ef;
	struct run_as user;
	struct cg_host cgh;
	bool drop, limits_ok;
	char api_str[64];
	char log_dir[PATH_MAX];
	char host_cpu[128];
	char entry_probe[640];		/* --breakdown: the entry-point probe, or why there is none */
	bool entry_probed;
	char **json;			/* --json: each configuration's results */
	size_t n_json;
};

/* One row of a sweep's summary. */
struct config_summary {
	unsigned memory_mb;
	size_t n_ok, n_failed;
	struct stats total;
	double init_avg, handler_avg;
	uint64_t rss_max;
	char output[PATH_MAX];
};

static double mean_phase(const struct results *r, size_t off)
{
	size_t n;
	double m = mean_of(r, off, &n);

	return n ? m : -1;
}

/* N cold starts of one configuration; fills res and writes its file. Returns
 * 0, or -1 when the results could not be written. */
static int run_config(struct bench_env *env, unsigned memory_mb, bool sweep, const char *out_path,
		      struct results *res)
{
	struct bench_opts *o = &env->o;
	struct tracer_counters before, after;
	char log_dir[PATH_MAX + 16], err[256];
	struct utsname u;
	double sum_total = 0;
	uint64_t start;
	unsigned i, n_ok = 0;
	char *json;
	int rc;

	o->memory_mb = memory_mb;
	memset(res, 0, sizeof(*res));
	if (sweep) {
		snprintf(log_dir, sizeof(log_dir), "%s/%umb", env->log_dir, memory_mb);
		if (mkdir(log_dir, 0700) && errno != EEXIST) {
			fprintf(stderr, "profiler: cannot create %s: %s\n", log_dir, strerror(errno));
			return -1;
		}
	} else {
		strlcpy0(log_dir, env->log_dir, sizeof(log_dir));
	}
	if (env->limits_ok) {
		res->limits_applied = true;
		strlcpy0(res->cgroup, env->cgh.version == CG_V2 ? "v2" : "v1", sizeof(res->cgroup));
		res->vcpus = cg_lambda_vcpus(memory_mb);
		res->cpu_quota_us = cg_cfs_quota_us(memory_mb);
		res->cpu_period_us = CG_CFS_PERIOD_US;
	}
	strlcpy0(res->host_cpu, env->host_cpu, sizeof(res->host_cpu));
	res->cold_cache = o->cold_cache;
	res->breakdown = o->breakdown;
	strlcpy0(res->entry_probe, env->entry_probe, sizeof(res->entry_probe));
	res->entry_probed = env->entry_probed;
	res->warm = o->warm;
	res->freeze_ms = o->freeze_ms;
	if (o->runtime)
		strlcpy0(res->runtime, o->runtime, sizeof(res->runtime));
	else
		default_runtime(o->bootstrap, res->runtime, sizeof(res->runtime));
	res->memory_mb = memory_mb;
	strlcpy0(res->arch, host_arch(), sizeof(res->arch));
	strlcpy0(res->timing_source, env->t ? "ebpf" : "userspace", sizeof(res->timing_source));
	if (uname(&u) == 0) {
		strlcpy0(res->host, u.nodename, sizeof(res->host));
		snprintf(res->kernel, sizeof(res->kernel), "%s %s", u.sysname, u.release);
	}
	strlcpy0(res->tool_version, PROFILER_VERSION, sizeof(res->tool_version));
	strlcpy0(res->bootstrap, o->bootstrap, sizeof(res->bootstrap));
	strlcpy0(res->log_dir, log_dir, sizeof(res->log_dir));
	if (env->drop) {
		strlcpy0(res->run_as_user, env->user.name, sizeof(res->run_as_user));
		res->run_as_uid = env->user.uid;
	} else {
		strlcpy0(res->run_as_user, geteuid() ? "" : "root", sizeof(res->run_as_user));
		res->run_as_uid = geteuid();
	}
	if (fill_binary(o->bootstrap, &res->binary, err, sizeof(err))) {
		fprintf(stderr, "profiler: %s\n", err);
		return -1;
	}
	res->inv = calloc(o->n, sizeof(*res->inv));
	if (!res->inv) {
		fprintf(stderr, "profiler: out of memory\n");
		return -1;
	}

	fprintf(g_txt, "Running benchmark: %uMB memory, %s arch\n", memory_mb, res->arch);
	fprintf(g_txt, "Bootstrap: %s (%s%s%s)\n", o->bootstrap,
	       env->ef.is_elf ? (env->ef.is_static ? "static ELF" : "dynamic ELF")
			      : (env->ef.is_script ? "script: " : "not ELF"),
	       env->ef.is_script ? env->ef.interpreter : "",
	       env->ef.is_elf ? (env->ef.stripped ? ", stripped" : ", not stripped") : "");
	fprintf(g_txt, "Runtime API emulator: %s\n", env->api_str);
	if (env->drop)
		fprintf(g_txt, "Bootstrap runs as: %s (uid %u, gid %u)\n", env->user.name, (unsigned)env->user.uid,
		       (unsigned)env->user.gid);
	else
		fprintf(g_txt, "Bootstrap runs as: %s (uid %u, the profiler's own user)\n",
		       geteuid() ? "the invoking user" : "root", (unsigned)geteuid());
	if (o->breakdown)
		fprintf(g_txt, "Breakdown: on; end of dynamic loading: %s\n", env->entry_probe);
	fprintf(g_txt, "Collecting %u cold start measurements...\n\n", o->n);
	fflush(g_txt);

	if (o->trace_out && env->t && !(o->tw = trace_open())) {
		fprintf(stderr, "profiler: out of memory\n");
		return -1;
	}
	tracer_counters(env->t, &before);
	start = mono_ns();
	for (i = 0; i < o->n; i++) {
		struct invocation *inv = &res->inv[i];
		int stop;

		inv->index = (int)i + 1;
		stop = run_one(o, env->api, env->t, &env->cs, env->api_str, res->runtime, log_dir,
			       env->drop ? &env->user : NULL, env->limits_ok ? &env->cgh : NULL, inv);
		res->n_inv = i + 1;
		if (inv->outcome == INV_OK) {
			sum_total += inv->total_ms;
			n_ok++;
		}
		if (g_progress)
			fputs("\r\033[K", stderr);
		print_invocation(inv);
		if (inv->has_breakdown && inv->outcome == INV_OK && g_txt) {
			breakdown_print(g_txt, &inv->bd, 40, 5);
			fputc('\n', g_txt);
		}
		if (g_progress && i + 1 < o->n) {
			double per = (double)(mono_ns() - start) / 1e9 / (double)(i + 1);
			char avg[32] = "n/a";

			if (n_ok)
				snprintf(avg, sizeof(avg), "%.3f ms", sum_total / (double)n_ok);
			fprintf(stderr, "  %u of %u cold starts, running average %s, about %.0f s left",
				i + 1, o->n, avg, per * (double)(o->n - i - 1));
		}
		if (stop)
			break;
	}
	if (g_progress)
		fputs("\r\033[K", stderr);
	tracer_counters(env->t, &after);
	res->events_dropped = after.dropped - before.dropped;
	res->capture_faults = after.capture_faults - before.capture_faults;
	res->incomplete = g_stop != 0;
	results_compute_stats(res);
	print_summary(res);
	if (o->breakdown)
		print_breakdown_summary(res);
	if (o->tw) {
		char path[PATH_MAX];
		char *tj = trace_to_json(o->tw);

		output_path(o->trace_out, memory_mb, host_arch(), sweep, path, sizeof(path));
		rc = tj ? write_file_atomic(path, tj, strlen(tj)) : -ENOMEM;
		free(tj);
		trace_free(o->tw);
		o->tw = NULL;
		if (rc) {
			fprintf(stderr, "profiler: cannot write %s: %s\n", path, strerror(-rc));
			return -1;
		}
		fprintf(g_txt, "Trace saved to: %s\n", path);
	} else if (o->trace_out) {
		fprintf(g_txt, "Trace: not written (--trace-out needs the eBPF tracer)\n");
	}

	if (!out_path && !o->json)
		return 0;
	json = results_to_json(res);
	if (!json) {
		fprintf(stderr, "profiler: cannot encode the results\n");
		return -1;
	}
	if (o->json) {
		/* gathered and printed once the run is over: one document on stdout */
		char **nj = realloc(env->json, (env->n_json + 1) * sizeof(*nj));

		if (!nj) {
			free(json);
			fprintf(stderr, "profiler: out of memory\n");
			return -1;
		}
		env->json = nj;
		env->json[env->n_json++] = strdup(json);
	}
	if (!out_path) {
		free(json);
		return 0;
	}
	rc = write_file_atomic(out_path, json, strlen(json));
	free(json);
	if (rc) {
		fprintf(stderr, "profiler: cannot write %s: %s\n", out_path, strerror(-rc));
		return -1;
	}
	fprintf(g_txt, "\nResults saved to: %s\n", out_path);
	return 0;
}

static void print_sweep(const struct config_summary *cs, size_t n)
{
	size_t i;

	fprintf(g_txt, "\n=== Sweep summary (cold start total, ms; init and handler means) ===\n");
	fprintf(g_txt, "%-8s %4s %4s %9s %9s %9s %9s %9s %9s  %s\n", "Memory", "ok", "fail", "Average", "P50",
	       "P99", "Init", "Handler", "PeakRSS", "Results");
	for (i = 0; i < n; i++) {
		char rss[32], mem[16];

		if (cs[i].rss_max)
			snprintf(rss, sizeof(rss), "%lluKB", (unsigned long long)cs[i].rss_max);
		else
			snprintf(rss, sizeof(rss), "n/a");
		snprintf(mem, sizeof(mem), "%uMB", cs[i].memory_mb);
		if (cs[i].n_ok)
			fprintf(g_txt, "%-8s %4zu %4zu %9.3f %9.3f %9.3f %9.3f %9.3f %9s  %s\n", mem,
			       cs[i].n_ok, cs[i].n_failed, cs[i].total.avg, cs[i].total.p50, cs[i].total.p99,
			       cs[i].init_avg, cs[i].handler_avg, rss, cs[i].output[0] ? cs[i].output : "-");
		else
			fprintf(g_txt, "%-8s %4zu %4zu %9s %9s %9s %9s %9s %9s  %s\n", mem, cs[i].n_ok,
			       cs[i].n_failed, "n/a", "n/a", "n/a", "n/a", "n/a", rss,
			       cs[i].output[0] ? cs[i].output : "-");
	}
}

int cmd_benchmark(int argc, char **argv)
{
	struct bench_env *env = calloc(1, sizeof(*env));
	struct config_summary cs[MAX_CONFIGS];
	struct tracer_opts to = { 0 };
	struct sigaction sa;
	char err[512], log_tmpl[] = "/tmp/profiler-logs-XXXXXX", abuf[128];
	char *event = NULL;
	size_t event_len = 2, k, n_done = 0;
	const char *bad;
	int ret = 2, rc, drop;
	bool any_failed = false, sweep;
	struct in_addr lo4 = { htonl(INADDR_LOOPBACK) };
	struct bench_opts *o;

	if (!env) {
		fprintf(stderr, "profiler: out of memory\n");
		return 2;
	}
	o = &env->o;
	g_txt = stdout;
	rc = parse_opts(argc, argv, o);
	if (rc)
		goto early;
	if (o->json)
		g_txt = stderr;
	if (o->quiet) {
		g_txt = fopen("/dev/null", "we");
		if (!g_txt) {
			fprintf(stderr, "profiler: cannot open /dev/null: %s\n", strerror(errno));
			goto early;
		}
	}
	g_progress = !o->quiet && isatty(STDERR_FILENO) && !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
	sweep = o->n_mems > 1;
	rc = find_bootstrap(o);
	if (rc)
		goto early;
	drop = runner_pick_user(o->user, o->run_as_root, &env->user, err, sizeof(err));
	if (drop < 0) {
		rc = err_usage("%s", err);
		goto early;
	}
	env->drop = drop == 0;
	if (env->drop && (rc = runner_user_can_exec(&env->user, o->bootstrap)) != 0) {
		rc = err_usage("user %s cannot execute %s (%s): make it and its folders accessible, "
			       "or choose --user NAME or --run-as-root", env->user.name, o->bootstrap,
			       strerror(rc));
		goto early;
	}
	rc = 2;
	if (elf_inspect(o->bootstrap, &env->ef, err, sizeof(err))) {
		fprintf(stderr, "profiler: %s\n", err);
		goto early;
	}
	if (env->ef.is_elf && strcmp(env->ef.arch, host_arch())) {
		fprintf(stderr, "profiler: %s is built for %s (ELF machine %u) but this host is %s\n",
			o->bootstrap, env->ef.arch[0] ? env->ef.arch : "another architecture",
			env->ef.machine, host_arch());
		goto early;
	}
	if (o->arch && (bad = foreign_arch(o->arch, abuf, sizeof(abuf)))) {
		fprintf(stderr, "profiler: -a %s does not match this host (%s): cold starts run natively\n",
			bad, host_arch());
		goto early;
	}
	if (o->event_file) {
		cJSON *probe;

		event = read_file_all(o->event_file, EVENT_MAX, &event_len);
		if (!event) {
			fprintf(stderr, "profiler: cannot read --event %s: %s\n", o->event_file,
				errno == EFBIG ? "larger than 6 MiB" : strerror(errno));
			goto early;
		}
		probe = cJSON_ParseWithLength(event, event_len);
		if (!probe) {
			fprintf(stderr, "profiler: --event %s is not valid JSON\n", o->event_file);
			goto early;
		}
		cJSON_Delete(probe);
	}

	if (o->cold_cache && cold_cache_plan(o->bootstrap, 10000, &o->cc, err, sizeof(err))) {
		fprintf(stderr, "profiler: --cold-cache: %s\n", err);
		goto early;
	}

	/* results files we cannot write are found out before the run, not after */
	for (k = 0; o->output && k < o->n_mems; k++) {
		char path[PATH_MAX], tmp[PATH_MAX + 16];

		output_path(o->output, o->mems[k], host_arch(), sweep, path, sizeof(path));
		snprintf(tmp, sizeof(tmp), "%s.probe-XXXXXX", path);
		rc = mkstemp(tmp);
		if (rc < 0) {
			fprintf(stderr, "profiler: cannot write %s: %s\n", path, strerror(errno));
			rc = 2;
			goto early;
		}
		close(rc);
		unlink(tmp);
		rc = 2;
	}
	to.verbose = o->verbose;
	to.breakdown = o->breakdown;
	to.on_event = on_event;
	to.ctx = &env->cs;
	if (!o->no_bpf) {
		env->t = tracer_open(&to, err, sizeof(err));
		if (!env->t && o->require_bpf) {
			fprintf(stderr, "profiler: %s\n", err);
			ret = 3;
			goto out;
		}
		if (!env->t)
			fprintf(stderr, "profiler: warning: %s; measuring from userspace instead "
				"(--require-bpf refuses)\n", err);
	}
	if (env->t && o->breakdown)
		env->entry_probed = tracer_probe_entry(env->t, o->bootstrap, env->entry_probe,
						       sizeof(env->entry_probe)) == 0;
	if (o->log_dir) {
		if (mkdir(o->log_dir, 0700) && errno != EEXIST) {
			fprintf(stderr, "profiler: cannot create --log-dir %s: %s\n", o->log_dir, strerror(errno));
			goto out;
		}
		strlcpy0(env->log_dir, o->log_dir, sizeof(env->log_dir));
	} else {
		if (!mkdtemp(log_tmpl)) {
			fprintf(stderr, "profiler: cannot create a log directory: %s\n", strerror(errno));
			goto out;
		}
		strlcpy0(env->log_dir, log_tmpl, sizeof(env->log_dir));
	}
	if (cg_host_detect(&env->cgh, err, sizeof(err)) == 0) {
		env->limits_ok = true;
	} else if (o->strict_limits) {
		fprintf(stderr, "profiler: cannot apply Lambda's limits (--strict-limits): %s\n", err);
		ret = 3;
		goto out;
	} else {
		fprintf(stderr, "profiler: warning: Lambda's memory and CPU limits not applied: %s\n", err);
	}
	host_cpu_model(env->host_cpu, sizeof(env->host_cpu));

	env->api = rapi_start(event ? event : "{}", event ? event_len : 2, err, sizeof(err));
	if (!env->api) {
		fprintf(stderr, "profiler: cannot start the Runtime API emulator: %s\n", err);
		goto out;
	}
	rapi_set_timeout_ms(env->api, (unsigned)(o->timeout_s * 1000));
	if (env->t && (tracer_add_api_addr(env->t, AF_INET, &lo4, rapi_port(env->api)) ||
		       (rapi_has_ipv6(env->api) &&
			tracer_add_api_addr(env->t, AF_INET6, &in6addr_loopback, rapi_port(env->api))))) {
		fprintf(stderr, "profiler: cannot configure the tracer: %s\n", strerror(errno));
		goto out;
	}
	snprintf(env->api_str, sizeof(env->api_str), "127.0.0.1:%u", rapi_port(env->api));
	if (runner_init())
		fprintf(stderr, "profiler: warning: cannot become a child subreaper: %s\n", strerror(errno));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	for (k = 0; k < o->n_mems && !g_stop; k++) {
		struct results res;
		char path[PATH_MAX];

		path[0] = '\0';
		if (o->output)
			output_path(o->output, o->mems[k], host_arch(), sweep, path, sizeof(path));
		if (sweep && k)
			fprintf(g_txt, "\n");
		rc = run_config(env, o->mems[k], sweep, o->output ? path : NULL, &res);
		memset(&cs[k], 0, sizeof(cs[k]));
		cs[k].memory_mb = o->mems[k];
		cs[k].n_ok = res.n_ok;
		cs[k].n_failed = res.n_failed;
		cs[k].total = res.total;
		cs[k].init_avg = mean_phase(&res, inv_phases[PHASE_INIT].ms_off);
		cs[k].handler_avg = mean_phase(&res, inv_phases[PHASE_HANDLER].ms_off);
		for (size_t i = 0; i < res.n_inv; i++)
			if (res.inv[i].outcome == INV_OK && res.inv[i].memory_kb > cs[k].rss_max)
				cs[k].rss_max = res.inv[i].memory_kb;
		strlcpy0(cs[k].output, path, sizeof(cs[k].output));
		any_failed |= res.n_failed > 0;
		results_free(&res);
		n_done = k + 1;
		if (rc) {
			ret = 2;
			goto out;
		}
	}
	if (sweep)
		print_sweep(cs, n_done);
	if (o->json && env->n_json) {
		if (!sweep) {
			fputs(env->json[0], stdout);
		} else {
			fputs("{\"configurations\": [\n", stdout);
			for (k = 0; k < env->n_json; k++)
				printf("%s%s", env->json[k], k + 1 < env->n_json ? ",\n" : "");
			fputs("]}\n", stdout);
		}
		fflush(stdout);
	}
	if (g_stop)
		ret = 130;
	else
		ret = any_failed ? 1 : 0;
out:
	for (k = 0; k < env->n_json; k++)
		free(env->json[k]);
	free(env->json);
	if (g_txt && g_txt != stdout && g_txt != stderr)
		fclose(g_txt);
	cold_cache_free(&o->cc);
	rapi_stop(env->api);
	tracer_close(env->t);
	coldstart_free(&env->cs);
	free(event);
	free(env);
	return ret;
early:
	if (g_txt && g_txt != stdout && g_txt != stderr)
		fclose(g_txt);
	cold_cache_free(&env->o.cc);
	free(event);
	free(env);
	return rc;
}
