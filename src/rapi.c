/* The emulator's daemons, their start and stop, arming a cold start, the status, and the
 * dispatch of each request to the API that serves it (rapi_int.h says which file holds what). */
#include "rapi.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "output.h"
#include "rapi_int.h"
#include "rapi_proto.h"
#include "util.h"

#define DEFAULT_TIMEOUT_MS 3000u

void rapi_notify_locked(struct rapi *r)
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
void rapi_notify_later_locked(struct rapi *r)
{
	r->notify_due = true;
}

void rapi_notify_due_locked(struct rapi *r)
{
	if (r->notify_due)
		rapi_notify_locked(r);
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

void rapi_make_uuid(char out[37])
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

uint64_t rapi_epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

bool rapi_has_prefix(const char *s, const char *p, const char **rest)
{
	size_t n = strlen(p);

	if (strncmp(s, p, n))
		return false;
	*rest = s + n;
	return true;
}

static void classify(struct req *q, const char *url, const char *method)
{
	const char *rest;

	q->kind = REQ_NOT_FOUND;
	if (rapi_has_prefix(url, RAPI_PATH_PREFIX, &rest))
		rapi_runtime_classify(q, rest, method);
	else
		rapi_ext_classify(q, url, method);
}

void rapi_take_body(struct req *q, const char *data, size_t len, bool keep)
{
	if (keep && q->body_len < RAPI_MAX_ERROR_BODY) {
		size_t room = RAPI_MAX_ERROR_BODY - q->body_len;

		if (room > len)
			room = len;
		if (!q->body) {
			q->body = malloc(RAPI_MAX_ERROR_BODY + 1);
			q->body_cap = q->body ? RAPI_MAX_ERROR_BODY : 0;
		}
		if (q->body_cap)
			memcpy(q->body + q->body_len, data, room);
	}
	/* Everything else (and the tail of huge error bodies) is only counted. */
	q->body_len += len;
}

enum MHD_Result rapi_queue(struct MHD_Connection *c, unsigned code, const char *body,
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

enum MHD_Result rapi_queue_error(struct MHD_Connection *c, unsigned code, const char *type,
				 const char *msg, const char *allow, bool close)
{
	char body[512];

	snprintf(body, sizeof(body), "{\"errorMessage\":\"%s\",\"errorType\":\"%s\"}", msg, type);
	return rapi_queue(c, code, body, allow, close);
}

void rapi_suspend_locked(struct rapi *r, struct MHD_Connection *c, struct req *q)
{
	q->conn = c;
	q->waiting = true;
	q->wprev = NULL;
	q->wnext = r->waiters;
	if (r->waiters)
		r->waiters->wprev = q;
	r->waiters = q;
	MHD_suspend_connection(c);
}

void rapi_unlink_waiter_locked(struct rapi *r, struct req *q)
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

/* Whether the request's headers announce a body (Content-Length, chunked). */
static bool announces_body(struct MHD_Connection *c)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH) ||
	       MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

/* The first call of a request: what it is, whose connection it came on, what it announces. */
static enum MHD_Result begin(struct rapi *r, struct MHD_Connection *c, const char *url,
			     const char *method, void **con_cls)
{
	struct req *q = calloc(1, sizeof(*q));

	if (!q)
		return MHD_NO;
	q->ext = -1;
	classify(q, url, method);
	*con_cls = q;
	pthread_mutex_lock(&r->lock);
	if (r->own_connections && r->armed && !rapi_conn_own_locked(r, c)) {
		/* another cold start's connection, or one of none: not the tree's */
		q->kind = REQ_FOREIGN;
		r->st.foreign_requests++;
		rapi_notify_later_locked(r);
		pthread_mutex_unlock(&r->lock);
		return MHD_YES;
	}
	r->st.requests++;
	if (q->kind <= REQ_INIT_ERROR)
		rapi_runtime_begin(r, c, q);
	else
		rapi_ext_begin(r, c, q);
	/* Without a body the request is answered (or suspended) in this
	 * same pass of the daemon; a body may take its time to come. */
	if (announces_body(c))
		rapi_notify_locked(r);
	else
		rapi_notify_later_locked(r);
	pthread_mutex_unlock(&r->lock);
	return MHD_YES;
}

static enum MHD_Result answer_other(struct rapi *r, struct MHD_Connection *c, struct req *q)
{
	if (q->kind == REQ_FOREIGN)
		return rapi_queue_error(c, MHD_HTTP_FORBIDDEN, "ForeignConnection",
					"this connection belongs to no cold start in progress",
					NULL, true);
	pthread_mutex_lock(&r->lock);
	r->st.bad_requests++;
	rapi_notify_later_locked(r);
	pthread_mutex_unlock(&r->lock);
	if (q->kind == REQ_BAD_METHOD)
		return rapi_queue_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "MethodNotAllowed",
					"method not allowed on this path", q->allow, false);
	return rapi_queue_error(c, MHD_HTTP_NOT_FOUND, "NotFound", "unknown path", NULL, false);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload_data,
			       size_t *upload_data_size, void **con_cls)
{
	struct rapi *r = cls;
	struct req *q = *con_cls;

	(void)version;
	if (!q)
		return begin(r, c, url, method, con_cls);
	if (*upload_data_size) {
		if (q->kind == REQ_RESPONSE || q->kind == REQ_ERROR || q->kind == REQ_INIT_ERROR)
			rapi_runtime_body(r, q, upload_data, *upload_data_size);
		else
			rapi_take_body(q, upload_data, *upload_data_size, q->kind != REQ_FOREIGN);
		*upload_data_size = 0;
		return MHD_YES;
	}

	switch (q->kind) {
	case REQ_NEXT:
		return rapi_answer_next(r, c, q);
	case REQ_RESPONSE:
	case REQ_ERROR:
	case REQ_INIT_ERROR:
		return rapi_answer_post(r, c, q);
	case REQ_EXT_REGISTER:
	case REQ_EXT_NEXT:
	case REQ_EXT_INIT_ERROR:
	case REQ_EXT_EXIT_ERROR:
	case REQ_TELEMETRY:
		return rapi_ext_answer(r, c, q);
	case REQ_FOREIGN:
	case REQ_BAD_METHOD:
	case REQ_NOT_FOUND:
		break;
	}
	return answer_other(r, c, q);
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
		rapi_unlink_waiter_locked(r, q);
	if (q->ext >= 0 && q->ext < RAPI_MAX_EXT && r->ext[q->ext].waiting == q)
		r->ext[q->ext].waiting = NULL;
	rapi_notify_due_locked(r);
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

		rapi_unlink_waiter_locked(r, q);
		q->answer = code;
		MHD_resume_connection(q->conn);
	}
	rapi_ext_release_locked(r, code);
}

#define RAPI_IDLE_TIMEOUT_S 120

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("rapi: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* A daemon on the socket address sa, or on the listening socket lfd (>= 0) made for it. */
static struct MHD_Daemon *start_daemon(struct rapi *r, const struct sockaddr *sa, int lfd, bool v6)
{
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;

	if (v6)
		flags |= MHD_USE_IPv6;
	if (r->verbose)
		flags |= MHD_USE_ERROR_LOG;
	/* The logger must come first to catch every message. A client that goes silent
	 * mid-request must not hold a connection (and a descriptor) forever: the idle timeout
	 * is longer than any --freeze, and suspended long polls are not timed out. */
	if (lfd >= 0)
		return MHD_start_daemon(flags, 0, NULL, NULL, handler, r,
					MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
					MHD_OPTION_LISTEN_SOCKET, (MHD_socket)lfd,
					MHD_OPTION_NOTIFY_COMPLETED, completed, r,
					MHD_OPTION_NOTIFY_CONNECTION, rapi_conn_notify, r,
					MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)RAPI_IDLE_TIMEOUT_S,
					MHD_OPTION_END);
	return MHD_start_daemon(flags, 0, NULL, NULL, handler, r,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_SOCK_ADDR, sa,
				MHD_OPTION_NOTIFY_COMPLETED, completed, r,
				MHD_OPTION_NOTIFY_CONNECTION, rapi_conn_notify, r,
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

/* In the namespace of the run's own: its two listening sockets, each handed to a daemon. */
static int listen_isolated(struct rapi *r, char *errbuf, size_t errlen)
{
	struct netns_listen nl;
	char err[256];

	if (netns_listen(&nl, err, sizeof(err))) {
		out_warn("the Runtime API is not isolated (%s): it listens on the host's loopback, "
			 "where any local process can reach it", err);
		return 1;
	}
	r->netns_fd = nl.ns_fd;
	r->port = nl.port;
	r->d4 = start_daemon(r, NULL, nl.fd4, false);
	if (!r->d4) {
		close(nl.fd4);
		if (nl.fd6 >= 0)
			close(nl.fd6);
		snprintf(errbuf, errlen, "rapi: libmicrohttpd failed to start on the namespace's "
			 "127.0.0.1");
		return -1;
	}
	if (nl.fd6 >= 0 && !(r->d6 = start_daemon(r, NULL, nl.fd6, true)))
		close(nl.fd6);		/* optional */
	return 0;
}

/* On the host's loopback: 127.0.0.1 on an ephemeral port, and ::1 on the same port. */
static int listen_loopback(struct rapi *r, char *errbuf, size_t errlen)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	int saved;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	errno = 0;
	r->d4 = start_daemon(r, (const struct sockaddr *)&sin, -1, false);
	if (!r->d4) {
		saved = errno;
		snprintf(errbuf, errlen, "rapi: cannot listen on 127.0.0.1: %s",
			 saved ? strerror(saved) : "libmicrohttpd failed to start");
		return -1;
	}
	r->port = daemon_port(r->d4);
	if (!r->port) {
		snprintf(errbuf, errlen, "rapi: cannot read the port bound on 127.0.0.1");
		return -1;
	}
	sin6.sin6_addr = in6addr_loopback;
	sin6.sin6_port = htons(r->port);
	r->d6 = start_daemon(r, (const struct sockaddr *)&sin6, -1, true);	/* optional */
	return 0;
}

static void copy_opts(struct rapi *r, const struct rapi_opts *o)
{
	r->verbose = o && o->verbose;
	r->own_connections = o && o->own_connections;
	r->timeout_ms = o && o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	strlcpy0(r->function_name, o && o->function_name ? o->function_name : "profiler-bench",
		 sizeof(r->function_name));
	strlcpy0(r->handler, o && o->handler ? o->handler : "handler", sizeof(r->handler));
	if (o && o->client_context)
		strlcpy0(r->client_context, o->client_context, sizeof(r->client_context));
	if (o && o->cognito_identity)
		strlcpy0(r->cognito_identity, o->cognito_identity, sizeof(r->cognito_identity));
}

struct rapi *rapi_start_opts(const char *event, size_t event_len, const struct rapi_opts *opts,
			     char *errbuf, size_t errlen)
{
	struct rapi *r;
	int rc = 1;

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
	r->netns_fd = -1;
	copy_opts(r, opts);
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
	if (opts && opts->isolate)
		rc = listen_isolated(r, errbuf, errlen);
	if (rc > 0)
		rc = listen_loopback(r, errbuf, errlen);
	if (rc)
		goto fail;
	return r;
fail:
	rapi_stop(r);
	return NULL;
}

struct rapi *rapi_start(const char *event, size_t event_len, char *errbuf, size_t errlen)
{
	return rapi_start_opts(event, event_len, NULL, errbuf, errlen);
}

void rapi_set_function(struct rapi *r, const char *name, const char *handler)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	if (name)
		strlcpy0(r->function_name, name, sizeof(r->function_name));
	if (handler)
		strlcpy0(r->handler, handler, sizeof(r->handler));
	pthread_mutex_unlock(&r->lock);
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

int rapi_netns_fd(const struct rapi *r)
{
	return r ? r->netns_fd : -1;
}

const char *rapi_isolation(const struct rapi *r)
{
	return r && r->netns_fd >= 0 ? "netns" : "none";
}

/* A fresh invocation: new request id and trace id, status reset, not delivered yet. */
static void arm_locked(struct rapi *r, const char *function_arn)
{
	memset(&r->st, 0, sizeof(r->st));
	r->st.state = RAPI_WAITING;
	rapi_make_uuid(r->st.request_id);
	make_trace_id(r->trace_id, sizeof(r->trace_id));
	strlcpy0(r->arn, function_arn ? function_arn : RAPI_DEFAULT_ARN, sizeof(r->arn));
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
	rapi_ext_reset_locked(r);
	rapi_conn_new_epoch_locked(r);
	rapi_notify_locked(r);
	pthread_mutex_unlock(&r->lock);
}

void rapi_warm_invocation(struct rapi *r, const char *function_arn)
{
	struct rapi_status keep;

	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	keep = r->st;
	arm_locked(r, function_arn);
	/* the same cold start: its connections and extensions stay */
	r->st.connections = keep.connections;
	r->st.connections_peak = keep.connections_peak;
	r->st.conn_limit = keep.conn_limit;
	r->st.ext_expected = keep.ext_expected;
	r->st.init_done_ns = keep.init_done_ns;
	if (r->waiters)
		r->st.next_received_ns = mono_ns();	/* it has been waiting: the event is due now */
	/* resumed with no answer set, a waiter's handler runs again and takes the event */
	while (r->waiters) {
		struct req *q = r->waiters;

		rapi_unlink_waiter_locked(r, q);
		q->answer = 0;
		MHD_resume_connection(q->conn);
	}
	rapi_notify_locked(r);
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
	rapi_ext_status_locked(r, out);
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
	if (r->netns_fd >= 0)
		close(r->netns_fd);
	free(r->event);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
