/* profiler trace: attach to bootstraps that something else starts. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "apiaddr.h"
#include "breakdown_median.h"
#include "breakdown_text.h"
#include "chrome_trace.h"
#include "cmd.h"
#include "coldstart.h"
#include "httpclass.h"
#include "interrupt.h"
#include "output.h"
#include "results.h"
#include "runner.h"
#include "stats.h"
#include "textout.h"
#include "tracer.h"
#include "util.h"

#define MAX_ROOTS 256
#define MAX_CONNS 16
#define INIT_ERROR_GRACE_NS (1000ull * 1000000ull)

struct conn_class {
	uint32_t conn;
	struct httpclass_conn hc;
	unsigned counted;	/* requests already looked at */
};

/* One cold start being followed. */
struct root_trace {
	pid_t root;
	struct coldstart cs;		/* its events */
	struct api_addr api;
	struct conn_class conns[MAX_CONNS];
	size_t n_conns;
	bool responded, init_error, exited, done;
	uint64_t init_error_ns;
	int64_t start_epoch;
};

struct trace_opts {
	const char *exe, *comm, *cgroup, *api, *output, *trace_out;
	pid_t pid;
	unsigned count;
	double duration_s;
	bool verbose, quiet, json, breakdown;
};

/* A tracing session: its options, the cold starts followed, and where its output goes. */
struct trace_ctx {
	struct trace_opts o;
	FILE *txt;			/* the lines for people: stdout, or stderr when --json
					 * has stdout */
	struct tracer *t;
	struct api_addr api;		/* --api, or family 0 */
	struct root_trace *roots[MAX_ROOTS];
	size_t n_roots;
	unsigned completed;
	FILE *ndjson;
	char ndjson_tmp[PATH_MAX + 16];
	struct ctrace *ct;		/* --trace-out, or NULL */
	double *totals;
	size_t n_totals, cap_totals;
	uint64_t untracked_roots;	/* more cold starts at once than MAX_ROOTS */
	/* cold starts already handed over: events of theirs still in the ring are not
	 * a new cold start (a reused pid is: its events come after the hand-over) */
	struct { pid_t pid; uint64_t at; } finished[1024];
	size_t n_finished;
	struct breakdown *bds;		/* --breakdown: of the answered cold starts */
	size_t n_bds, cap_bds;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: profiler trace (--exe PATH | --comm NAME | --pid PID | --cgroup PATH) [--api HOST:PORT]\n"
"                      [--count N] [--duration SEC] [-o FILE.ndjson] [--trace-out FILE] [--breakdown] [-q] [-v]\n"
"\n"
"Attaches to bootstraps that something else starts (another Runtime API server, a test\n"
"harness, a Lambda-like host) and measures each cold start with the same phases as\n"
"'profiler benchmark'. New processes are selected at their execve:\n"
"  --exe PATH         by executable (the same file: inode and device)\n"
"  --comm NAME        by process name (comm, 15 characters at most)\n"
"  --pid PID          every process PID starts, and their descendants\n"
"  --cgroup PATH      every process in that cgroup v2 folder\n"
"\n"
"Options:\n"
"      --api HOST:PORT  the Runtime API's address (default: each bootstrap's own\n"
"                       AWS_LAMBDA_RUNTIME_API, read from /proc/PID/environ at its exec;\n"
"                       failing that, the connections that carry Runtime API requests)\n"
"      --count N        stop after N cold starts (default: no limit)\n"
"      --duration SEC   stop after SEC seconds (default: no limit)\n"
"  -o, --output FILE    one NDJSON record per cold start, in the shape of the results'\n"
"                       measurements[] (failures carry \"outcome\" and \"reason\"); written\n"
"                       atomically when tracing stops\n"
"      --trace-out FILE Chrome Trace Event Format JSON (Perfetto UI, chrome://tracing)\n"
"      --breakdown      where the time goes, per phase, as 'profiler benchmark --breakdown':\n"
"                       a waterfall per cold start, a median one at the end, and the\n"
"                       tracing's measured cost (dynamic loading is measured with --exe)\n"
"      --json           each cold start's NDJSON record on stdout as it completes (the\n"
"                       lines for people go to stderr)\n"
"  -q, --quiet          no line per cold start\n"
"  -v, --verbose        libbpf's own log on stderr\n"
"  -h, --help           this text\n"
"\n"
"A cold start is complete when its bootstrap asks for its next event after answering (or\n"
"exits); then it is printed and no longer followed. Ctrl-C stops tracing and writes what\n"
"was measured; cold starts still in progress are listed as interrupted.\n"
"\n"
"Exit status: 0 tracing ended (count, duration or Ctrl-C); 2 bad usage or input;\n"
"3 tracing unavailable (BPF not permitted, no BTF).\n"
"\n"
"Examples:\n"
"  sudo profiler trace --exe ./bootstrap --count 10 -o trace.ndjson\n"
"  jq -s '{runtime: \"mine\", memory_mb: 128, arch: \"x86_64\", measurements: map(select(.outcome == null))}' \\\n"
"     trace.ndjson > results.json && profiler compare -i results.json\n");
}

/* AWS_LAMBDA_RUNTIME_API of a running process, from /proc/PID/environ. */
static void api_of_process(pid_t pid, struct api_addr *a)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	api_addr_from_environ(path, a);
}

static struct root_trace *find_root(struct trace_ctx *x, pid_t root, bool create)
{
	size_t i;

	for (i = 0; i < x->n_roots; i++)
		if (x->roots[i]->root == root)
			return x->roots[i];
	if (!create)
		return NULL;
	if (x->n_roots == MAX_ROOTS) {
		x->untracked_roots++;
		return NULL;
	}
	x->roots[x->n_roots] = calloc(1, sizeof(struct root_trace));
	if (!x->roots[x->n_roots])
		return NULL;
	x->roots[x->n_roots]->root = root;
	coldstart_begin(&x->roots[x->n_roots]->cs, (uint32_t)root);
	x->roots[x->n_roots]->start_epoch = epoch_s();
	return x->roots[x->n_roots++];
}

static struct conn_class *conn_of(struct root_trace *r, uint32_t conn)
{
	size_t i;

	for (i = 0; i < r->n_conns; i++)
		if (r->conns[i].conn == conn)
			return &r->conns[i];
	if (r->n_conns == MAX_CONNS)
		return NULL;
	r->conns[r->n_conns].conn = conn;
	httpclass_init(&r->conns[r->n_conns].hc);
	r->conns[r->n_conns].counted = 0;
	return &r->conns[r->n_conns++];
}

/* Watch the request stream for the end of the cold start: a new GET next after
 * an answer (the runtime is ready for its next event). */
static void follow_requests(struct root_trace *r, const struct prof_event *e)
{
	struct conn_class *c = conn_of(r, e->conn_id);
	enum rapi_req q;
	bool starts = false;

	if (!c || e->ret <= 0)
		return;
	q = httpclass_feed(&c->hc, e->data, e->cap_len, (size_t)e->ret, &starts);
	if (q == RAPI_REQ_NONE)
		return;
	if (c->counted == c->hc.requests)
		return;		/* this request was looked at already */
	c->counted = c->hc.requests;
	if (q == RAPI_REQ_RESPONSE || q == RAPI_REQ_ERROR)
		r->responded = true;
	else if (q == RAPI_REQ_INIT_ERROR && !r->init_error) {
		r->init_error = true;
		r->init_error_ns = e->ts_ns;
	} else if (q == RAPI_REQ_NEXT && r->responded)
		r->done = true;
}

static bool finished_before(const struct trace_ctx *x, pid_t root, uint64_t ts)
{
	size_t i, n = x->n_finished < 1024 ? x->n_finished : 1024;

	for (i = 0; i < n; i++)
		if (x->finished[i].pid == root && ts <= x->finished[i].at)
			return true;
	return false;
}

static int on_event(void *ctx, const struct prof_event *e)
{
	struct trace_ctx *x = ctx;
	struct root_trace *r;

	if (finished_before(x, (pid_t)e->root, e->ts_ns))
		return 0;
	r = find_root(x, (pid_t)e->root, true);

	if (!r || r->done || coldstart_add(&r->cs, e) < 0)
		return 0;
	switch (e->type) {
	case PROF_EV_EXEC_DONE:
		if ((pid_t)e->tgid == r->root && !r->api.family) {
			if (x->api.family)
				r->api = x->api;
			else
				api_of_process(r->root, &r->api);
		}
		break;
	case PROF_EV_WRITE:
		follow_requests(r, e);
		break;
	case PROF_EV_EXIT:
		if ((pid_t)e->tgid == r->root)
			r->exited = r->done = true;
		break;
	default:
		break;
	}
	return 0;
}

/*
 * The Runtime API connections of a cold start: those to its API address when it is
 * known, else those that carry a Runtime API request. Events of other connections
 * are dropped before the timeline sees them.
 */
static size_t keep_api_events(struct root_trace *r)
{
	struct prof_event *ev = r->cs.ev;
	uint32_t api[64];
	size_t n_api = 0, i, k = 0;

	if (r->api.family) {
		for (i = 0; i < r->cs.n && n_api < 64; i++)
			if (ev[i].type == PROF_EV_CONNECT &&
			    api_addr_connect_matches(&ev[i], &r->api))
				api[n_api++] = ev[i].conn_id;
	} else {
		for (i = 0; i < r->n_conns && n_api < 64; i++) {
			/* a connection whose requests the classifier saw as Runtime API ones */
			if (r->conns[i].hc.requests && r->conns[i].hc.current != RAPI_REQ_OTHER)
				api[n_api++] = r->conns[i].conn;
		}
	}
	for (i = 0; i < r->cs.n; i++) {
		const struct prof_event *e = &ev[i];
		bool conn_ev = e->type == PROF_EV_CONNECT || e->type == PROF_EV_WRITE ||
			       e->type == PROF_EV_READ || e->type == PROF_EV_CLOSE;
		bool keep = !conn_ev;

		for (size_t j = 0; !keep && j < n_api; j++)
			keep = e->conn_id == api[j];
		if (keep)
			ev[k++] = *e;
	}
	return k;
}

/*
 * A cold start that ends with its bootstrap still alive (waiting for its next
 * event) has no exit event: read its tree's peak RSS (VmHWM, the same kernel
 * high-water mark) and its faults from /proc.
 */
static void sample_live_tree(struct tracer *t, pid_t root, struct invocation *inv)
{
	pid_t pids[256];
	size_t n = tracer_tree(t, root, pids, 256), i;

	inv->memory_kb = inv->root_memory_kb = 0;
	inv->min_flt = inv->maj_flt = 0;
	for (i = 0; i < n && i < 256; i++) {
		uint64_t hwm = 0, mn = 0, mj = 0;

		if (runner_proc_sample(pids[i], &hwm, &mn, &mj) != 0)
			continue;
		if (hwm > inv->memory_kb)
			inv->memory_kb = hwm;
		if (pids[i] == root)
			inv->root_memory_kb = hwm;
		inv->min_flt += mn;
		inv->maj_flt += mj;
	}
}

/* Its line (and waterfall) for people. */
static void print_cold_start(const struct trace_ctx *x, const struct invocation *inv, pid_t root)
{
	if (x->o.quiet)
		return;
	if (inv->outcome == INV_OK)
		fprintf(x->txt, "  Cold start %d: pid %d: %sms (init: %sms, handler: %sms)\n",
			inv->index, (int)root, TX_MS(inv->total_ms), TX_MS(inv->init_ms),
			TX_MS(inv->handler_ms));
	else	/* the reason may quote the bootstrap's error type and message */
		fprintf(x->txt, "  Cold start %d: pid %d: FAILED (%s: %s)\n", inv->index, (int)root,
			inv_outcome_name(inv->outcome), TX_SAFE(inv->reason));
	if (inv->outcome == INV_OK && inv->has_breakdown) {
		breakdown_print(x->txt, &inv->bd, 40, 5);
		fputc('\n', x->txt);
	}
	fflush(x->txt);
}

/* Room for one more of n elements of sz bytes in *arr (first capacity: first). */
static bool room_for_one(void **arr, size_t *cap, size_t n, size_t sz, size_t first)
{
	size_t nc = *cap ? *cap * 2 : first;
	void *p;

	if (n < *cap)
		return true;
	p = realloc(*arr, nc * sz);
	if (!p)
		return false;
	*arr = p;
	*cap = nc;
	return true;
}

/* An answered cold start's total and breakdown, for the session's statistics (what does
 * not fit in memory is left out of them). */
static void keep_for_stats(struct trace_ctx *x, const struct invocation *inv)
{
	if (inv->outcome != INV_OK)
		return;
	if (inv->has_breakdown &&
	    room_for_one((void **)&x->bds, &x->cap_bds, x->n_bds, sizeof(*x->bds), 16))
		x->bds[x->n_bds++] = inv->bd;
	if (x->n_totals < 1000000 &&
	    room_for_one((void **)&x->totals, &x->cap_totals, x->n_totals, sizeof(*x->totals), 64))
		x->totals[x->n_totals++] = inv->total_ms;
}

/* Its NDJSON record: to -o's file, and with --json to stdout. */
static void emit_record(const struct trace_ctx *x, const struct invocation *inv)
{
	char *line;

	if (!x->ndjson && !x->o.json)
		return;
	line = results_invocation_json(inv);
	if (line && x->ndjson)
		fprintf(x->ndjson, "%s\n", line);
	if (line && x->o.json) {
		printf("%s\n", line);
		fflush(stdout);
		out_records_started();	/* stdout is NDJSON now: errors go to stderr only */
	}
	free(line);
}

/* A cold start handed over: measured, classified from its kernel marks, reported. */
static void finish(struct trace_ctx *x, struct root_trace *r, bool interrupted)
{
	const struct coldstart_build_opts bo = { .traced = true, .breakdown = x->o.breakdown };
	const struct coldstart_facts f = {
		.attached = true, .unfinished = interrupted && !r->done, .collect_oom = r->cs.oom,
	};
	struct invocation inv;

	r->cs.n = keep_api_events(r);
	memset(&inv, 0, sizeof(inv));
	inv.index = (int)++x->completed;
	inv.timestamp = r->start_epoch;
	inv.root_pid = (uint32_t)r->root;
	coldstart_build(&r->cs, &bo, &inv);
	if (x->o.breakdown) {
		/* the processes that exited reported theirs; the live ones have it in the map */
		inv.bd.bpf_tree_measured = true;
		inv.bd.bpf_tree_ns = inv.bpf_tree_ns + tracer_tree_bpf_ns(x->t, r->root);
	}
	if (!r->exited)
		sample_live_tree(x->t, r->root, &inv);
	coldstart_classify(&f, &inv);
	print_cold_start(x, &inv, r->root);
	keep_for_stats(x, &inv);
	emit_record(x, &inv);
	coldstart_export(&r->cs, x->ct, &inv);
	tracer_forget(x->t, r->root);
	x->finished[x->n_finished % 1024].pid = r->root;
	x->finished[x->n_finished % 1024].at = mono_ns();
	x->n_finished++;
}

/* Hand over finished cold starts, oldest first, and drop them. */
static void reap_done(struct trace_ctx *x, bool interrupted)
{
	size_t i = 0;

	while (i < x->n_roots) {
		struct root_trace *r = x->roots[i];
		bool init_err_over = r->init_error && !r->responded &&
				     mono_ns() > r->init_error_ns + INIT_ERROR_GRACE_NS;

		if (!(r->done || init_err_over || interrupted) ||
		    (x->o.count && x->completed >= x->o.count)) {
			i++;
			continue;
		}
		finish(x, r, interrupted);
		coldstart_free(&r->cs);
		free(r);
		memmove(&x->roots[i], &x->roots[i + 1], (x->n_roots - i - 1) * sizeof(x->roots[0]));
		x->n_roots--;
	}
}

/* --breakdown, at the end: the median waterfall and what the tracing cost. */
static void print_session_breakdown(struct trace_ctx *x)
{
	const struct breakdown **v = calloc(x->n_bds ? x->n_bds : 1, sizeof(*v));
	struct breakdown med;

	for (size_t i = 0; v && i < x->n_bds; i++)
		v[i] = &x->bds[i];
	if (!v || !x->n_bds || breakdown_median(v, x->n_bds, &med) != 0) {
		free(v);
		return;
	}
	free(v);
	fprintf(x->txt, "\nMedian waterfall over %zu cold start%s (each figure is its own median; "
		"starts are the sums of the median durations before them):\n", x->n_bds,
		x->n_bds > 1 ? "s" : "");
	breakdown_print(x->txt, &med, 40, 10);
}

static int parse_opts(int argc, char **argv, struct trace_opts *o)
{
	static const struct option longopts[] = {
		{ "exe", required_argument, NULL, 'e' },
		{ "comm", required_argument, NULL, 'c' },
		{ "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'g' },
		{ "api", required_argument, NULL, 'a' },
		{ "count", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "trace-out", required_argument, NULL, 'T' },
		{ "breakdown", no_argument, NULL, 'B' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'J' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, selectors = 0;
	char *end;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': o->exe = optarg; selectors++; break;
		case 'c':
			if (!*optarg || strlen(optarg) > 15)
				return err_usage("--comm must be a process name of 1 to 15 characters, not '%s'",
						 optarg);
			o->comm = optarg;
			selectors++;
			break;
		case 'p': {
			long v = strtol(optarg, &end, 10);

			if (*end || v <= 0 || v > INT_MAX)
				return err_usage("--pid must be a process id, not '%s'", optarg);
			o->pid = (pid_t)v;
			selectors++;
			break;
		}
		case 'g': o->cgroup = optarg; selectors++; break;
		case 'a': o->api = optarg; break;
		case 'n': {
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end || !*optarg || *optarg == '-' || v == 0 || v > 10000000)
				return err_usage("--count must be a whole number from 1 to 10000000, not '%s'",
						 optarg);
			o->count = (unsigned)v;
			break;
		}
		case 'd':
			o->duration_s = strtod(optarg, &end);
			if (*end || !(o->duration_s > 0) || o->duration_s > 86400 * 365)
				return err_usage("--duration must be seconds above 0, not '%s'", optarg);
			break;
		case 'o': o->output = optarg; break;
		case 'T': o->trace_out = optarg; break;
		case 'B': o->breakdown = true; break;
		case 'q': o->quiet = true; break;
		case 'J': o->json = true; break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case ':': return err_usage("option '%s' needs a value", argv[optind - 1]);
		default: return err_unknown_option("trace", argv[optind - 1], longopts);
		}
	}
	if (optind < argc)
		return err_usage("unexpected argument '%s'", argv[optind]);
	if (selectors != 1)
		return err_usage("trace needs exactly one of --exe, --comm, --pid, --cgroup "
				 "(see 'profiler trace --help')");
	return 0;
}

/* Resolve the selector into what the BPF side compares. */
static int make_select(const struct trace_opts *o, struct tracer_select *s)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->any_addr = !o->api;
	if (o->comm) {
		strlcpy0(s->comm, o->comm, sizeof(s->comm));
	} else if (o->exe) {
		if (stat(o->exe, &st) != 0)
			return err_usage("--exe %s: %s", o->exe, strerror(errno));
		if (!S_ISREG(st.st_mode))
			return err_usage("--exe %s is not a regular file", o->exe);
		s->ino = st.st_ino;
		/* the kernel's dev_t: major << 20 | minor */
		s->dev = ((uint64_t)major(st.st_dev) << 20) | minor(st.st_dev);
	} else if (o->cgroup) {
		if (stat(o->cgroup, &st) != 0 || !S_ISDIR(st.st_mode))
			return err_usage("--cgroup %s: not a cgroup folder (%s)", o->cgroup,
					 errno ? strerror(errno) : "not a directory");
		/* a cgroup v2 folder's inode number is its cgroup id */
		s->cgroup_id = st.st_ino;
	} else {
		if (kill(o->pid, 0) != 0 && errno == ESRCH)
			return err_usage("--pid %d: no such process", (int)o->pid);
		s->watch_pid = o->pid;
	}
	return 0;
}

/* -o: a temporary file next to it, renamed into place when tracing stops. */
static int open_records(struct trace_ctx *x)
{
	int fd, rc;

	if (!x->o.output)
		return 0;
	snprintf(x->ndjson_tmp, sizeof(x->ndjson_tmp), "%s.tmp.XXXXXX", x->o.output);
	fd = mkstemp(x->ndjson_tmp);
	if (fd < 0 || !(x->ndjson = fdopen(fd, "w"))) {
		rc = out_error(EXIT_USAGE, "cannot write %s: %s", x->o.output, strerror(errno));
		if (fd >= 0)
			close(fd);
		x->ndjson_tmp[0] = '\0';
		return rc;
	}
	fchmod(fd, 0644);
	return 0;
}

/* The tracer, selecting new processes as the options say. */
static int open_tracer(struct trace_ctx *x, const struct tracer_select *sel)
{
	struct tracer_opts to = { 0 };
	char err[512];

	to.select = sel;
	to.verbose = x->o.verbose;
	to.breakdown = x->o.breakdown;
	to.on_event = on_event;
	to.ctx = x;
	x->t = tracer_open(&to, err, sizeof(err));
	if (!x->t)
		return out_error(EXIT_ENV, "%s", err);
	if (x->api.family && tracer_add_api_addr(x->t, x->api.family, x->api.addr, x->api.port))
		return out_error(EXIT_USAGE, "cannot configure the tracer: %s", strerror(errno));
	if (x->o.breakdown) {
		char desc[640];

		if (x->o.exe)
			tracer_probe_entry(x->t, x->o.exe, desc, sizeof(desc));
		else
			strlcpy0(desc, "not measured: the entry point is probed only with --exe (the "
				 "executable must be known before it starts)", sizeof(desc));
		fprintf(stderr, "Breakdown: on; end of dynamic loading: %s\n", TX_SAFE(desc));
	}
	return 0;
}

/* Everything before tracing starts: options, selector, output files, tracer. */
static int set_up(struct trace_ctx *x, int argc, char **argv)
{
	struct tracer_select sel;
	int rc;

	rc = parse_opts(argc, argv, &x->o);
	if (rc)
		return rc;
	x->txt = x->o.json ? stderr : stdout;
	if (x->o.api && api_addr_parse(x->o.api, &x->api))
		return err_usage("--api must be HOST:PORT with a numeric IPv4/IPv6 address or localhost, "
				 "not '%s'", x->o.api);
	if ((rc = make_select(&x->o, &sel)) || (rc = open_records(x)))
		return rc;
	if (x->o.trace_out && !(x->ct = ctrace_open()))
		return out_error(EXIT_USAGE, "out of memory");
	return open_tracer(x, &sel);
}

static bool count_reached(const struct trace_ctx *x)
{
	return x->o.count && x->completed >= x->o.count;
}

/* Follow cold starts until --count, --duration or Ctrl-C; then hand over the rest. */
static void trace_loop(struct trace_ctx *x)
{
	uint64_t deadline = 0;

	interrupt_catch();
	if (x->o.duration_s > 0)
		deadline = mono_ns() + (uint64_t)(x->o.duration_s * 1e9);
	fprintf(stderr, "Tracing cold starts (%s%s); Ctrl-C to stop.\n",
		x->o.exe ? "--exe " : x->o.comm ? "--comm " : x->o.cgroup ? "--cgroup " : "--pid ",
		TX_SAFE(x->o.exe ? x->o.exe : x->o.comm ? x->o.comm : x->o.cgroup ? x->o.cgroup : ""));
	while (!interrupt_signal() && !count_reached(x) && !(deadline && mono_ns() > deadline)) {
		tracer_poll(x->t, 20);
		tracer_drain(x->t);
		reap_done(x, false);
	}
	tracer_drain(x->t);
	reap_done(x, false);
	if (!count_reached(x))
		reap_done(x, true);	/* still in progress: interrupted */
}

/* The session's statistics for people. */
static void print_session(struct trace_ctx *x)
{
	struct stats s;

	if (x->o.quiet)
		return;
	if (x->n_totals && stats_compute(x->totals, x->n_totals, &s) == 0)
		fprintf(x->txt, "\n%u cold starts traced, %zu answered: total Average %sms, P50 %sms, "
			"P99 %sms, Min %sms, Max %sms\n", x->completed, x->n_totals, TX_MS(s.avg),
			TX_MS(s.p50), TX_MS(s.p99), TX_MS(s.min), TX_MS(s.max));
	else
		fprintf(x->txt, "\n%u cold starts traced, none answered\n", x->completed);
	if (x->untracked_roots)
		fprintf(x->txt, "%llu more cold starts ran at once than can be followed (%d)\n",
		       (unsigned long long)x->untracked_roots, MAX_ROOTS);
	if (x->o.breakdown)
		print_session_breakdown(x);
}

/* -o's records into place. Returns the exit status. */
static int save_records(struct trace_ctx *x)
{
	bool ok;

	if (!x->ndjson)
		return EXIT_OK;
	ok = fflush(x->ndjson) == 0 && fsync(fileno(x->ndjson)) == 0;
	ok = fclose(x->ndjson) == 0 && ok;
	x->ndjson = NULL;
	if (!ok || rename(x->ndjson_tmp, x->o.output) != 0)
		return out_error(EXIT_USAGE, "cannot write %s: %s", x->o.output, strerror(errno));
	x->ndjson_tmp[0] = '\0';
	if (!x->o.quiet)
		fprintf(x->txt, "Records saved to: %s\n", TX_SAFE(x->o.output));
	return EXIT_OK;
}

/* --trace-out. Returns the exit status. */
static int save_trace(struct trace_ctx *x)
{
	char *json;
	int rc = 0;

	if (!x->ct)
		return EXIT_OK;
	json = ctrace_to_json(x->ct);
	if (!json || (rc = write_file_atomic(x->o.trace_out, json, strlen(json))) != 0) {
		out_error(EXIT_USAGE, "cannot write %s: %s", x->o.trace_out,
			  json ? strerror(-rc) : "out of memory");
		free(json);
		return EXIT_USAGE;
	}
	if (!x->o.quiet)
		fprintf(x->txt, "Trace saved to: %s\n", TX_SAFE(x->o.trace_out));
	free(json);
	return EXIT_OK;
}

static void clean_up(struct trace_ctx *x)
{
	if (x->ndjson)
		fclose(x->ndjson);
	if (x->ndjson_tmp[0])
		unlink(x->ndjson_tmp);
	ctrace_free(x->ct);
	tracer_close(x->t);
	for (size_t i = 0; i < x->n_roots; i++) {
		coldstart_free(&x->roots[i]->cs);
		free(x->roots[i]);
	}
	free(x->totals);
	free(x->bds);
	free(x);
}

int cmd_trace(int argc, char **argv)
{
	struct trace_ctx *x = calloc(1, sizeof(*x));
	int rc, rc2;

	if (!x)
		return out_error(EXIT_USAGE, "out of memory");
	rc = set_up(x, argc, argv);
	if (!rc) {
		trace_loop(x);
		print_session(x);
		rc = save_records(x);
		rc2 = save_trace(x);
		if (!rc)
			rc = rc2;
	}
	clean_up(x);
	return rc;
}
