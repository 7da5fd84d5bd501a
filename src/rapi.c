#include "rapi.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rapi_proto.h"
#include "util.h"

#define DEFAULT_ARN	"arn:aws:lambda:us-east-1:000000000000:function:profiler-bench"
#define DEFAULT_TIMEOUT_MS 3000u
#define MAX_RESPONSE	(6u * 1024 * 1024)	/* Lambda's synchronous payload limit */
#define MAX_ERROR_BODY	(64u * 1024)		/* error bodies kept for parsing */
#define MAX_ID		64

enum req_kind {
	REQ_NEXT,
	REQ_RESPONSE,
	REQ_ERROR,
	REQ_INIT_ERROR,
	REQ_NOT_FOUND,
	REQ_BAD_METHOD,
};

/* One HTTP request (MHD's per-request context). */
struct req {
	enum req_kind kind;
	const char *allow;		/* for 405 */
	char id[MAX_ID];		/* request id of the path */
	bool id_too_long;
	size_t body_len;		/* bytes of body received */
	char *body;			/* error bodies only, up to MAX_ERROR_BODY */
	size_t body_cap;
	/* long poll (GET next while nothing is armed), under rapi.lock */
	struct MHD_Connection *conn;
	struct req *wnext, *wprev;
	bool waiting;			/* in the waiter list, suspended */
	unsigned answer;		/* set when resumed: status to answer */
};

struct rapi {
	pthread_mutex_t lock;
	struct MHD_Daemon *d4, *d6;
	uint16_t port;
	int efd;
	char *event;
	size_t event_len;
	bool verbose;
	/* under lock */
	bool stopping;
	bool armed;			/* an invocation exists */
	bool delivered;			/* its event was handed to a GET next */
	unsigned timeout_ms;
	char arn[256];
	char trace_id[96];
	struct req *waiters;
	struct rapi_status st;
	bool notify_due;		/* a change of st not yet signalled on efd */
};

static void notify_locked(struct rapi *r)
{
	uint64_t one = 1;
	ssize_t n;

	/* Non-blocking: a full counter (2^64-2 unread writes) only drops a wake-up. */
	n = write(r->efd, &one, sizeof(one));
	(void)n;
	r->notify_due = false;
}

/*
 * The changes the daemon thread makes while a request is being answered are
 * signalled once, when the request completes (completed(): right after its
 * response went out), or when it starts a long poll. Writing the eventfd
 * wakes the profiler's main thread; doing it in the middle of GET next (once
 * at its arrival, once for the event, as before) put that wake-up, and the
 * main thread competing for the lock and a CPU, inside the bootstrap's /next
 * round trip: 12-20 us of the handler's time on a 2-vCPU guest.
 */
static void notify_later_locked(struct rapi *r)
{
	r->notify_due = true;
}

static void notify_due_locked(struct rapi *r)
{
	if (r->notify_due)
		notify_locked(r);
}

static void fill_random(void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = getrandom(p + got, len - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)n;
	}
	if (got < len) {
		/* getrandom unavailable: ids need only be unique, not secret. */
		uint64_t x = mono_ns() ^ ((uint64_t)getpid() << 32);

		for (; got < len; got++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			p[got] = (unsigned char)x;
		}
	}
}

static void hex(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static void make_uuid(char out[37])
{
	unsigned char b[16];
	char h[33];

	fill_random(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	hex(h, b, sizeof(b));
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

static void make_trace_id(char *out, size_t len)
{
	unsigned char root[12], parent[8];
	char hroot[25], hparent[17];

	fill_random(root, sizeof(root));
	fill_random(parent, sizeof(parent));
	hex(hroot, root, sizeof(root));
	hex(hparent, parent, sizeof(parent));
	snprintf(out, len, "Root=1-%08" PRIx32 "-%s;Parent=%s;Sampled=0",
		 (uint32_t)epoch_s(), hroot, hparent);
}

static uint64_t epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool has_prefix(const char *s, const char *p, const char **rest)
{
	size_t n = strlen(p);

	if (strncmp(s, p, n))
		return false;
	*rest = s + n;
	return true;
}

static void classify(struct req *q, const char *url, const char *method)
{
	const char *rest, *slash;
	bool get = !strcmp(method, MHD_HTTP_METHOD_GET);
	bool post = !strcmp(method, MHD_HTTP_METHOD_POST);

	q->kind = REQ_NOT_FOUND;
	if (!has_prefix(url, RAPI_PATH_PREFIX, &rest))
		return;
	if (!strcmp(rest, RAPI_PATH_NEXT)) {
		q->kind = get ? REQ_NEXT : REQ_BAD_METHOD;
		q->allow = "GET";
		return;
	}
	if (!strcmp(rest, RAPI_PATH_INIT_ERROR)) {
		q->kind = post ? REQ_INIT_ERROR : REQ_BAD_METHOD;
		q->allow = "POST";
		return;
	}
	if (!has_prefix(rest, RAPI_PATH_INVOCATION, &rest))
		return;
	slash = strchr(rest, '/');
	if (!slash || slash == rest)
		return;
	if (strcmp(slash + 1, RAPI_PATH_RESPONSE) && strcmp(slash + 1, RAPI_PATH_ERROR))
		return;
	q->allow = "POST";
	if (!post) {
		q->kind = REQ_BAD_METHOD;
		return;
	}
	q->kind = strcmp(slash + 1, RAPI_PATH_RESPONSE) ? REQ_ERROR : REQ_RESPONSE;
	if ((size_t)(slash - rest) >= sizeof(q->id)) {
		q->id_too_long = true;
		return;
	}
	memcpy(q->id, rest, (size_t)(slash - rest));
	q->id[slash - rest] = '\0';
}

static void take_body(struct req *q, const char *data, size_t len)
{
	if ((q->kind == REQ_ERROR || q->kind == REQ_INIT_ERROR) && q->body_len < MAX_ERROR_BODY) {
		size_t keep = MAX_ERROR_BODY - q->body_len;

		if (keep > len)
			keep = len;
		if (!q->body) {
			q->body = malloc(MAX_ERROR_BODY);
			q->body_cap = q->body ? MAX_ERROR_BODY : 0;
		}
		if (q->body_cap)
			memcpy(q->body + q->body_len, data, keep);
	}
	/* Everything else (and the tail of huge error bodies) is only counted. */
	q->body_len += len;
}

static enum MHD_Result queue(struct MHD_Connection *c, unsigned code, const char *body,
			     const char *allow, bool close)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	if (close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(c, code, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result queue_error(struct MHD_Connection *c, unsigned code, const char *type,
				   const char *msg, const char *allow, bool close)
{
	char body[512];

	snprintf(body, sizeof(body), "{\"errorMessage\":\"%s\",\"errorType\":\"%s\"}", msg, type);
	return queue(c, code, body, allow, close);
}

/* GET next, final call: hand out the event, or long-poll. */
static enum MHD_Result answer_next(struct rapi *r, struct MHD_Connection *c, struct req *q)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char deadline[24], id[40], arn[256], trace[96];
	unsigned answer;

	pthread_mutex_lock(&r->lock);
	answer = q->answer;
	if (!answer && r->stopping)
		answer = MHD_HTTP_SERVICE_UNAVAILABLE;
	if (answer) {
		pthread_mutex_unlock(&r->lock);
		if (answer == MHD_HTTP_GONE)
			return queue_error(c, answer, "InvocationGone",
					   "a newer invocation replaced this one", NULL, true);
		return queue_error(c, answer, "ServiceUnavailable", "emulator stopping", NULL, true);
	}
	if (!r->armed || r->delivered) {
		/* Long poll, as Lambda does between invocations. Suspended under
		 * the lock, so rapi_new_invocation() resumes it only afterwards. */
		q->conn = c;
		q->waiting = true;
		q->wprev = NULL;
		q->wnext = r->waiters;
		if (r->waiters)
			r->waiters->wprev = q;
		r->waiters = q;
		MHD_suspend_connection(c);
		notify_due_locked(r);	/* its arrival: it may wait for long */
		pthread_mutex_unlock(&r->lock);
		return MHD_YES;
	}
	r->delivered = true;
	snprintf(deadline, sizeof(deadline), "%" PRIu64, epoch_ms() + r->timeout_ms);
	strlcpy0(id, r->st.request_id, sizeof(id));
	strlcpy0(arn, r->arn, sizeof(arn));
	strlcpy0(trace, r->trace_id, sizeof(trace));
	pthread_mutex_unlock(&r->lock);

	resp = MHD_create_response_from_buffer(r->event_len, r->event, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		goto undeliver;
	MHD_add_response_header(resp, "Lambda-Runtime-Aws-Request-Id", id);
	MHD_add_response_header(resp, "Lambda-Runtime-Deadline-Ms", deadline);
	MHD_add_response_header(resp, "Lambda-Runtime-Invoked-Function-Arn", arn);
	MHD_add_response_header(resp, "Lambda-Runtime-Trace-Id", trace);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	if (ret != MHD_YES)
		goto undeliver;

	pthread_mutex_lock(&r->lock);
	/* Unless rapi_new_invocation() replaced the invocation meanwhile. */
	if (!strcmp(r->st.request_id, id) && r->st.state == RAPI_WAITING) {
		r->st.state = RAPI_EVENT_SENT;
		r->st.event_sent_ns = mono_ns();
		notify_later_locked(r);
	}
	pthread_mutex_unlock(&r->lock);
	return MHD_YES;
undeliver:
	/* The event never went out: the next GET next gets it. */
	pthread_mutex_lock(&r->lock);
	if (!strcmp(r->st.request_id, id) && r->st.state == RAPI_WAITING)
		r->delivered = false;
	pthread_mutex_unlock(&r->lock);
	return MHD_NO;
}

static void record_error_body(struct rapi_status *st, struct MHD_Connection *c, struct req *q)
{
	const char *type;
	cJSON *root = NULL, *it;
	size_t kept = q->body_len < q->body_cap ? q->body_len : q->body_cap;

	type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Lambda-Runtime-Function-Error-Type");
	if (!type)	/* Go's client may send it as a trailer */
		type = MHD_lookup_connection_value(c, MHD_FOOTER_KIND,
						   "Lambda-Runtime-Function-Error-Type");
	strlcpy0(st->error_type, type, sizeof(st->error_type));
	st->error_message[0] = '\0';
	st->error_json_type[0] = '\0';
	if (q->body && q->body_len <= q->body_cap)
		root = cJSON_ParseWithLength(q->body, kept);
	if (!cJSON_IsObject(root)) {
		st->error_body_invalid = true;
		cJSON_Delete(root);
		return;
	}
	st->error_body_invalid = false;
	it = cJSON_GetObjectItemCaseSensitive(root, "errorMessage");
	if (cJSON_IsString(it))
		strlcpy0(st->error_message, it->valuestring, sizeof(st->error_message));
	it = cJSON_GetObjectItemCaseSensitive(root, "errorType");
	if (cJSON_IsString(it))
		strlcpy0(st->error_json_type, it->valuestring, sizeof(st->error_json_type));
	cJSON_Delete(root);
}

/* POST response / error / init error, final call (body complete). */
static enum MHD_Result answer_post(struct rapi *r, struct MHD_Connection *c, struct req *q)
{
	uint64_t now = mono_ns();
	struct rapi_status *st = &r->st;
	unsigned code;
	const char *type = NULL, *msg = NULL;

	pthread_mutex_lock(&r->lock);
	if (q->kind == REQ_INIT_ERROR) {
		if (r->delivered || st->state != RAPI_WAITING) {
			code = MHD_HTTP_FORBIDDEN;
			type = "InvalidStateTransition";
			msg = "init error after init finished";
		} else {
			code = MHD_HTTP_ACCEPTED;
			st->state = RAPI_INIT_ERRORED;
			st->response_received_ns = now;
			st->response_len = q->body_len;
			record_error_body(st, c, q);
		}
	} else if (q->id_too_long || !r->delivered || strcmp(q->id, st->request_id)) {
		code = MHD_HTTP_BAD_REQUEST;
		type = "InvalidRequestID";
		msg = "unknown request id";
	} else if (st->state != RAPI_EVENT_SENT) {
		code = MHD_HTTP_FORBIDDEN;
		type = "InvalidStateTransition";
		msg = "invocation already answered";
	} else if (q->kind == REQ_RESPONSE && q->body_len > MAX_RESPONSE) {
		code = MHD_HTTP_CONTENT_TOO_LARGE;
		type = "RequestEntityTooLarge";
		msg = "response payload larger than 6291456 bytes";
		st->state = RAPI_ERRORED;
		st->response_received_ns = now;
		st->response_len = q->body_len;
		strlcpy0(st->error_type, "Function.ResponseSizeTooLarge", sizeof(st->error_type));
	} else if (q->kind == REQ_RESPONSE) {
		code = MHD_HTTP_ACCEPTED;
		st->state = RAPI_RESPONDED;
		st->response_received_ns = now;
		st->response_len = q->body_len;
	} else {
		code = MHD_HTTP_ACCEPTED;
		st->state = RAPI_ERRORED;
		st->response_received_ns = now;
		st->response_len = q->body_len;
		record_error_body(st, c, q);
	}
	if (code >= 400)
		st->bad_requests++;
	notify_later_locked(r);
	pthread_mutex_unlock(&r->lock);

	if (code == MHD_HTTP_ACCEPTED)
		return queue(c, code, "{\"status\":\"OK\"}", NULL, false);
	return queue_error(c, code, type, msg, NULL, false);
}

/* Whether the request's headers announce a body (Content-Length, chunked). */
static bool announces_body(struct MHD_Connection *c)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH) ||
	       MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload_data,
			       size_t *upload_data_size, void **con_cls)
{
	struct rapi *r = cls;
	struct req *q = *con_cls;

	(void)version;
	if (!q) {
		q = calloc(1, sizeof(*q));
		if (!q)
			return MHD_NO;
		classify(q, url, method);
		*con_cls = q;
		pthread_mutex_lock(&r->lock);
		r->st.requests++;
		if (q->kind == REQ_NEXT && r->armed && !r->st.next_received_ns)
			r->st.next_received_ns = mono_ns();
		/* Without a body the request is answered (or suspended) in this
		 * same pass of the daemon; a body may take its time to come. */
		if (announces_body(c))
			notify_locked(r);
		else
			notify_later_locked(r);
		pthread_mutex_unlock(&r->lock);
		return MHD_YES;
	}
	if (*upload_data_size) {
		take_body(q, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}

	switch (q->kind) {
	case REQ_NEXT:
		return answer_next(r, c, q);
	case REQ_RESPONSE:
	case REQ_ERROR:
	case REQ_INIT_ERROR:
		return answer_post(r, c, q);
	case REQ_BAD_METHOD:
	case REQ_NOT_FOUND:
		break;
	}
	pthread_mutex_lock(&r->lock);
	r->st.bad_requests++;
	notify_later_locked(r);
	pthread_mutex_unlock(&r->lock);
	if (q->kind == REQ_BAD_METHOD)
		return queue_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "MethodNotAllowed",
				   "method not allowed on this path", q->allow, false);
	return queue_error(c, MHD_HTTP_NOT_FOUND, "NotFound", "unknown path", NULL, false);
}

static void unlink_waiter_locked(struct rapi *r, struct req *q)
{
	if (q->wprev)
		q->wprev->wnext = q->wnext;
	else
		r->waiters = q->wnext;
	if (q->wnext)
		q->wnext->wprev = q->wprev;
	q->wnext = q->wprev = NULL;
	q->waiting = false;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct rapi *r = cls;
	struct req *q = *con_cls;

	(void)c;
	(void)toe;
	if (!q)
		return;
	pthread_mutex_lock(&r->lock);
	if (q->waiting)		/* not expected: suspended requests end only once resumed */
		unlink_waiter_locked(r, q);
	notify_due_locked(r);
	pthread_mutex_unlock(&r->lock);
	free(q->body);
	free(q);
	*con_cls = NULL;
}

/* Resume every long poll with status code. */
static void release_waiters_locked(struct rapi *r, unsigned code)
{
	while (r->waiters) {
		struct req *q = r->waiters;

		unlink_waiter_locked(r, q);
		q->answer = code;
		MHD_resume_connection(q->conn);
	}
}

#define RAPI_IDLE_TIMEOUT_S 120

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("rapi: ", stderr);
	vfprintf(stderr, fmt, ap);
}

static struct MHD_Daemon *start_daemon(struct rapi *r, const struct sockaddr *sa, bool v6)
{
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;

	if (v6)
		flags |= MHD_USE_IPv6;
	if (r->verbose)
		flags |= MHD_USE_ERROR_LOG;
	/* The logger must come first to catch every message. */
	return MHD_start_daemon(flags, 0, NULL, NULL, handler, r,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_SOCK_ADDR, sa,
				MHD_OPTION_NOTIFY_COMPLETED, completed, r,
				/* a client that goes silent mid-request must not hold a
				 * connection (and a descriptor) forever; longer than any
				 * --freeze, and suspended long polls are not timed out */
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)RAPI_IDLE_TIMEOUT_S,
				MHD_OPTION_END);
}

static uint16_t daemon_port(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (info && info->port)
		return info->port;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
	if (!info || getsockname(info->listen_fd, (struct sockaddr *)&ss, &len))
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

struct rapi *rapi_start_opts(const char *event, size_t event_len, const struct rapi_opts *opts,
			     char *errbuf, size_t errlen)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct rapi *r;
	int saved;

	if (!event && event_len) {
		snprintf(errbuf, errlen, "rapi: event is NULL");
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(errbuf, errlen, "rapi: out of memory");
		return NULL;
	}
	pthread_mutex_init(&r->lock, NULL);
	r->efd = -1;
	r->verbose = opts && opts->verbose;
	r->timeout_ms = opts && opts->timeout_ms ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	r->event = malloc(event_len + 1);
	if (!r->event) {
		snprintf(errbuf, errlen, "rapi: out of memory");
		goto fail;
	}
	if (event_len)
		memcpy(r->event, event, event_len);
	r->event[event_len] = '\0';
	r->event_len = event_len;
	r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->efd < 0) {
		snprintf(errbuf, errlen, "rapi: eventfd: %s", strerror(errno));
		goto fail;
	}

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	errno = 0;
	r->d4 = start_daemon(r, (const struct sockaddr *)&sin, false);
	if (!r->d4) {
		saved = errno;
		snprintf(errbuf, errlen, "rapi: cannot listen on 127.0.0.1: %s",
			 saved ? strerror(saved) : "libmicrohttpd failed to start");
		goto fail;
	}
	r->port = daemon_port(r->d4);
	if (!r->port) {
		snprintf(errbuf, errlen, "rapi: cannot read the port bound on 127.0.0.1");
		goto fail;
	}
	sin6.sin6_addr = in6addr_loopback;
	sin6.sin6_port = htons(r->port);
	r->d6 = start_daemon(r, (const struct sockaddr *)&sin6, true);	/* optional */
	return r;
fail:
	rapi_stop(r);
	return NULL;
}

struct rapi *rapi_start(const char *event, size_t event_len, char *errbuf, size_t errlen)
{
	return rapi_start_opts(event, event_len, NULL, errbuf, errlen);
}

void rapi_set_timeout_ms(struct rapi *r, unsigned ms)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->timeout_ms = ms ? ms : DEFAULT_TIMEOUT_MS;
	pthread_mutex_unlock(&r->lock);
}

uint16_t rapi_port(const struct rapi *r)
{
	return r ? r->port : 0;
}

bool rapi_has_ipv6(const struct rapi *r)
{
	return r && r->d6;
}

/* A fresh invocation: new request id and trace id, status reset, not delivered yet. */
static void arm_locked(struct rapi *r, const char *function_arn)
{
	memset(&r->st, 0, sizeof(r->st));
	r->st.state = RAPI_WAITING;
	make_uuid(r->st.request_id);
	make_trace_id(r->trace_id, sizeof(r->trace_id));
	strlcpy0(r->arn, function_arn ? function_arn : DEFAULT_ARN, sizeof(r->arn));
	r->armed = true;
	r->delivered = false;
}

void rapi_new_invocation(struct rapi *r, const char *function_arn)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	/* Long polls still open belong to bootstraps of earlier invocations. */
	release_waiters_locked(r, MHD_HTTP_GONE);
	arm_locked(r, function_arn);
	notify_locked(r);
	pthread_mutex_unlock(&r->lock);
}

void rapi_warm_invocation(struct rapi *r, const char *function_arn)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	arm_locked(r, function_arn);
	if (r->waiters)
		r->st.next_received_ns = mono_ns();	/* it has been waiting: the event is due now */
	/* resumed with no answer set, a waiter's handler runs again and takes the event */
	while (r->waiters) {
		struct req *q = r->waiters;

		unlink_waiter_locked(r, q);
		q->answer = 0;
		MHD_resume_connection(q->conn);
	}
	notify_locked(r);
	pthread_mutex_unlock(&r->lock);
}

int rapi_notify_fd(const struct rapi *r)
{
	return r ? r->efd : -1;
}

void rapi_status(struct rapi *r, struct rapi_status *out)
{
	uint64_t v;
	ssize_t n;

	if (!r) {
		memset(out, 0, sizeof(*out));
		return;
	}
	pthread_mutex_lock(&r->lock);
	*out = r->st;
	n = read(r->efd, &v, sizeof(v));	/* drain; EAGAIN when nothing new */
	(void)n;
	r->notify_due = false;		/* the caller has seen these changes */
	pthread_mutex_unlock(&r->lock);
}

void rapi_stop(struct rapi *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	/* MHD refuses to stop with suspended connections: resume them first;
	 * stopping keeps new GET next from suspending meanwhile. */
	r->stopping = true;
	release_waiters_locked(r, MHD_HTTP_SERVICE_UNAVAILABLE);
	pthread_mutex_unlock(&r->lock);
	if (r->d6)
		MHD_stop_daemon(r->d6);
	if (r->d4)
		MHD_stop_daemon(r->d4);
	if (r->efd >= 0)
		close(r->efd);
	free(r->event);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
