/*
 * lambda_limits: probes Lambda's filesystem and process limits from inside a cold start, then
 * answers its invocation. What it probes is the function variable PROBE (benchmark --env):
 *
 *   rofs      writes /var/task, /opt and / (each must fail with EROFS) and /tmp (must work);
 *             that the host's MARKER file (a path in --env MARKER=...), /root and /home are
 *             not there; the working folder and LAMBDA_TASK_ROOT
 *   tmpfull   writes /tmp/fill in 1 MiB pieces until a write fails (ENOSPC at the size of
 *             --ephemeral-storage), then removes it
 *   fds       opens /dev/null until open fails (EMFILE: the 1025th descriptor), reads its
 *             RLIMIT_NOFILE and tries to raise it
 *   threads   starts threads (64 KiB stacks) until pthread_create fails (EAGAIN: the pids
 *             controller's 1024 tasks, the main thread included)
 *   forkbomb  forks without end, every child too; never asks for an event
 *
 * Each finding is one line "probe: ..." on stdout (the cold start's log). When every finding
 * is the expected one it POSTs a response whose body repeats them; otherwise it POSTs an
 * invocation error of type Probe.Unexpected, so the outcome says whether Lambda's rules held.
 */
#include <dirent.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "rapi_client.h"

#define PROG "lambda_limits"

static char report[8192];
static bool unexpected;

static void finding(bool expected, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void finding(bool expected, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("probe: %s%s\n", line, expected ? "" : " (UNEXPECTED)");
	fflush(stdout);
	snprintf(report + strlen(report), sizeof(report) - strlen(report), "%s%s",
		 report[0] ? "; " : "", line);
	unexpected |= !expected;
}

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "?";
}

/* Try to create and write path: 0 or the errno. */
static int try_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return errno;
	if (write(fd, "x", 1) != 1) {
		int e = errno;

		close(fd);
		return e;
	}
	close(fd);
	unlink(path);
	return 0;
}

static void probe_rofs(void)
{
	static const char *const ro[] = { "/var/task/probe", "/opt/probe", "/probe", "/etc/probe" };
	const char *marker = getenv("MARKER"), *task = getenv("LAMBDA_TASK_ROOT");
	char cwd[PATH_MAX] = "";
	struct stat st;
	int e;

	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		e = try_write(ro[i]);
		finding(e == EROFS, "write %s: %s", ro[i], e ? errname(e) : "written");
	}
	e = try_write("/tmp/probe");
	finding(e == 0, "write /tmp/probe: %s", e ? errname(e) : "written");
	if (marker) {
		e = stat(marker, &st) ? errno : 0;
		finding(e == ENOENT, "host file %s: %s", marker, e ? errname(e) : "visible");
	}
	e = stat("/root", &st) ? errno : 0;
	finding(e == ENOENT, "/root: %s", e ? errname(e) : "visible");
	e = stat("/home", &st) ? errno : 0;
	finding(e == ENOENT, "/home: %s", e ? errname(e) : "visible");
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "?");
	finding(!strcmp(cwd, "/var/task"), "cwd %s", cwd);
	finding(task && !strcmp(task, "/var/task"), "LAMBDA_TASK_ROOT %s", task ? task : "(unset)");
}

static void probe_tmpfull(void)
{
	static char chunk[1 << 20];
	unsigned long long bytes = 0;
	int fd = open("/tmp/fill", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), e = 0;

	if (fd < 0) {
		finding(false, "open /tmp/fill: %s", errname(errno));
		return;
	}
	memset(chunk, 'x', sizeof(chunk));
	for (;;) {
		ssize_t n = write(fd, chunk, sizeof(chunk));

		if (n < 0) {
			e = errno;
			break;
		}
		bytes += (unsigned long long)n;
		if (bytes > (20ull << 30))
			break;	/* no limit at all: say so */
	}
	close(fd);
	unlink("/tmp/fill");
	finding(e == ENOSPC, "/tmp full after %llu bytes: %s", bytes, e ? errname(e) : "no error");
}

static void probe_fds(void)
{
	struct rlimit rl = { 0, 0 }, up;
	int fd, last = -1, e = 0, n = 0;

	getrlimit(RLIMIT_NOFILE, &rl);
	finding(rl.rlim_cur == 1024 && rl.rlim_max == 1024, "RLIMIT_NOFILE soft %llu hard %llu",
		(unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
	up = (struct rlimit){ 4096, 4096 };
	e = setrlimit(RLIMIT_NOFILE, &up) ? errno : 0;
	finding(e == EPERM, "raising it to 4096: %s", e ? errname(e) : "raised");
	for (;;) {
		fd = open("/dev/null", O_RDONLY);
		if (fd < 0) {
			e = errno;
			break;
		}
		last = fd;
		n++;
	}
	/* descriptors 0..1023 are the 1024: the one numbered 1024 is the 1025th */
	finding(e == EMFILE && last == 1023, "descriptor %d opened, the next open: %s", last,
		errname(e));
	for (fd = 3; fd <= last; fd++)
		close(fd);
	(void)n;
}

static pthread_mutex_t hold = PTHREAD_MUTEX_INITIALIZER;

static void *held(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&hold);
	pthread_mutex_unlock(&hold);
	return NULL;
}

static void probe_threads(void)
{
	static pthread_t t[4096];
	pthread_attr_t attr;
	int n = 0, e = 0;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	pthread_mutex_lock(&hold);
	while (n < 4096 && !(e = pthread_create(&t[n], &attr, held, NULL)))
		n++;
	pthread_mutex_unlock(&hold);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	/* 1024 tasks: the main thread and 1023 more */
	finding(e == EAGAIN && n == 1023, "%d threads started, the next: %s", n,
		e ? errname(e) : "no error");
}

static void forkbomb(void)
{
	printf("probe: fork bomb\n");
	fflush(stdout);
	for (;;)
		fork();
}

/* One request on a new connection (as per_request does). */
static int request(const struct rapi_endpoint *ep, const char *method, const char *path,
		   const char *body, const char *extra, struct rapi_response *resp)
{
	struct rapi_conn c;
	char head[1024];
	size_t len = body ? strlen(body) : 0;
	int head_len, fd, rc = -1;

	head_len = rapi_format_head(head, sizeof(head), method, path, ep, PROG, true,
				    body ? (long long)len : -1, extra);
	fd = head_len < 0 ? -1 : rapi_connect(PROG, ep);
	if (fd < 0)
		return -1;
	rapi_conn_init(&c, fd, rapi_io_recv);
	if (rapi_send_all(fd, head, (size_t)head_len, rapi_io_write) ||
	    (len && rapi_send_all(fd, body, len, rapi_io_write)))
		goto out;
	if (rapi_read_response(PROG, &c, resp, true))
		goto out;
	rc = 0;
out:
	rapi_conn_free(&c);
	return rc;
}

int main(void)
{
	const char *probe = getenv("PROBE");
	struct rapi_endpoint ep;
	struct rapi_response r;
	char path[512], body[9000], *q;

	if (!probe) {
		fprintf(stderr, PROG ": PROBE is not set (benchmark --env PROBE=...)\n");
		return 2;
	}
	if (!strcmp(probe, "forkbomb"))
		forkbomb();
	rapi_endpoint_from_env(PROG, &ep);
	if (request(&ep, "GET", RAPI_PATH_NEXT, NULL, NULL, &r) || !r.request_id[0])
		return 1;
	rapi_response_free(&r);
	if (!strcmp(probe, "rofs"))
		probe_rofs();
	else if (!strcmp(probe, "tmpfull"))
		probe_tmpfull();
	else if (!strcmp(probe, "fds"))
		probe_fds();
	else if (!strcmp(probe, "threads"))
		probe_threads();
	else
		finding(false, "unknown PROBE %s", probe);
	/* the report as a JSON string: it holds no quote or backslash but what a path may */
	for (q = report; *q; q++)
		if (*q == '"' || *q == '\\')
			*q = '_';
	snprintf(body, sizeof(body), unexpected ? "{\"errorType\":\"Probe.Unexpected\","
		 "\"errorMessage\":\"%s\"}" : "{\"probe\":\"%s\"}", report);
	snprintf(path, sizeof(path), RAPI_PATH_INVOCATION "%s/%s", r.request_id,
		 unexpected ? "error" : "response");
	if (request(&ep, "POST", path, body, unexpected ? "Content-Type: application/json\r\n"
		    "Lambda-Runtime-Function-Error-Type: Probe.Unexpected\r\n"
		    : "Content-Type: application/json\r\n", &r))
		return 1;
	rapi_response_free(&r);
	pause();
	return 0;
}
