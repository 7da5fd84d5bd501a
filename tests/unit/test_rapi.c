/* Runtime API emulator: raw HTTP/1.1 over loopback TCP against rapi.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rapi.h"

#define EVENT		"{\"hello\":\"world\"}"
#define NEXT_PATH	"/2018-06-01/runtime/invocation/next"
#define SIX_MIB		6291456u
#define RCV_TIMEOUT_S	5

/* --- a tiny HTTP/1.1 client ---------------------------------------------- */

struct hc {
	int fd;
	char buf[16384];	/* bytes read but not consumed yet */
	size_t len;
};

struct hresp {
	int status;
	char head[4096];	/* header lines, NUL-terminated */
	char body[8192];
	size_t body_len;
};

static int hc_open(struct hc *h, int family, uint16_t port)
{
	struct timeval rcv = { .tv_sec = RCV_TIMEOUT_S }, snd = { .tv_sec = 20 };
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int one = 1;

	memset(h, 0, sizeof(*h));
	h->fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (h->fd < 0)
		return -1;
	setsockopt(h->fd, SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof(rcv));
	setsockopt(h->fd, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd));
	setsockopt(h->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		s->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		s->sin6_addr = in6addr_loopback;
		len = sizeof(*s);
	}
	if (connect(h->fd, (struct sockaddr *)&ss, len)) {
		close(h->fd);
		h->fd = -1;
		return -1;
	}
	return 0;
}

static void hc_close(struct hc *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

static void hc_send(struct hc *h, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = send(h->fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
}

static void hc_sendf(struct hc *h, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	hc_send(h, buf, (size_t)n);
}

/* Read more bytes into h->buf. 0 = EOF, -1 = error/timeout. */
static ssize_t hc_fill(struct hc *h)
{
	ssize_t n;

	if (h->len >= sizeof(h->buf))
		return -1;
	do
		n = recv(h->fd, h->buf + h->len, sizeof(h->buf) - h->len, 0);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		h->len += (size_t)n;
	return n;
}

static void hc_consume(struct hc *h, size_t n)
{
	memmove(h->buf, h->buf + n, h->len - n);
	h->len -= n;
}

static bool hget(const struct hresp *r, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *p = r->head;

	while (*p) {
		const char *eol = strstr(p, "\r\n");
		size_t llen = eol ? (size_t)(eol - p) : strlen(p);

		if (llen > nlen && !strncasecmp(p, name, nlen) && p[nlen] == ':') {
			const char *v = p + nlen + 1;
			size_t vlen;

			while (*v == ' ')
				v++;
			vlen = (size_t)(p + llen - v);
			if (vlen >= outlen)
				vlen = outlen - 1;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			return true;
		}
		p += llen + (eol ? 2 : 0);
	}
	return false;
}

/* Read one response (status line, headers, Content-Length body).
 * Returns 0, or -1 on EOF / timeout before a complete response. */
static int hc_read(struct hc *h, struct hresp *r)
{
	char *end, *eol, cl[32];
	size_t hlen, off, n, blen = 0;

	memset(r, 0, sizeof(*r));
	while (!(end = memmem(h->buf, h->len, "\r\n\r\n", 4)))
		if (hc_fill(h) <= 0)
			return -1;
	hlen = (size_t)(end - h->buf) + 4;
	if (sscanf(h->buf, "HTTP/1.%*d %d", &r->status) != 1)
		return -1;
	/* Header lines: from after the status line to the blank line. */
	eol = memmem(h->buf, hlen, "\r\n", 2);
	off = (size_t)(eol - h->buf) + 2;
	n = hlen - off - 2;
	if (n >= sizeof(r->head))
		n = sizeof(r->head) - 1;
	memcpy(r->head, h->buf + off, n);
	r->head[n] = '\0';
	hc_consume(h, hlen);
	if (hget(r, "Content-Length", cl, sizeof(cl)))
		blen = strtoul(cl, NULL, 10);
	if (blen >= sizeof(r->body))
		return -1;
	while (h->len < blen)
		if (hc_fill(h) <= 0)
			return -1;
	memcpy(r->body, h->buf, blen);
	r->body[blen] = '\0';
	r->body_len = blen;
	hc_consume(h, blen);
	return 0;
}

/* True when the peer closed the connection (EOF within the receive timeout). */
static bool hc_eof(struct hc *h)
{
	return h->len == 0 && hc_fill(h) == 0;
}

static void post(struct hc *h, const char *path, const char *extra, const void *body, size_t len)
{
	hc_sendf(h, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %zu\r\n%s\r\n", path,
		 len, extra ? extra : "");
	if (len)
		hc_send(h, body, len);
}

static void resp_path(char *out, size_t n, const char *id, const char *what)
{
	snprintf(out, n, "/2018-06-01/runtime/invocation/%s/%s", id, what);
}

/* GET next on h; asserts 200 and returns the request id. */
static void get_next(struct hc *h, struct hresp *r, char *id, size_t idlen)
{
	hc_sendf(h, "GET " NEXT_PATH " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
	assert_int_equal(hc_read(h, r), 0);
	assert_int_equal(r->status, 200);
	assert_true(hget(r, "Lambda-Runtime-Aws-Request-Id", id, idlen));
}

static uint64_t now_epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool fd_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

static bool is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* --- fixture -------------------------------------------------------------- */

static int setup(void **state)
{
	char err[256] = "";
	struct rapi *r = rapi_start(EVENT, strlen(EVENT), err, sizeof(err));

	if (!r) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	rapi_stop(*state);
	return 0;
}

/* --- tests ---------------------------------------------------------------- */

static void test_start_port(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;

	assert_true(rapi_port(r) > 0);
	assert_true(rapi_notify_fd(r) >= 0);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_WAITING);
	assert_string_equal(st.request_id, "");
	assert_int_equal(st.requests, 0);
}

static void test_next_headers(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char id[64], v[256], hroot[32], hparent[32];
	unsigned long long deadline;
	unsigned epoch;
	uint64_t before, after;

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	before = now_epoch_ms();
	get_next(&h, &resp, id, sizeof(id));
	after = now_epoch_ms();
	assert_int_equal(resp.body_len, strlen(EVENT));
	assert_string_equal(resp.body, EVENT);

	/* UUID v4 */
	assert_int_equal(strlen(id), 36);
	assert_int_equal(id[8], '-');
	assert_int_equal(id[13], '-');
	assert_int_equal(id[18], '-');
	assert_int_equal(id[23], '-');
	assert_int_equal(id[14], '4');
	assert_non_null(strchr("89ab", id[19]));
	assert_true(is_hex(id, 8) && is_hex(id + 9, 4) && is_hex(id + 24, 12));

	assert_true(hget(&resp, "Lambda-Runtime-Deadline-Ms", v, sizeof(v)));
	deadline = strtoull(v, NULL, 10);
	assert_true(deadline >= before + 3000 && deadline <= after + 3000);
	assert_true(hget(&resp, "Lambda-Runtime-Invoked-Function-Arn", v, sizeof(v)));
	assert_string_equal(v, "arn:aws:lambda:us-east-1:000000000000:function:profiler-bench");
	assert_true(hget(&resp, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "application/json");
	assert_true(hget(&resp, "Lambda-Runtime-Trace-Id", v, sizeof(v)));
	assert_int_equal(strlen(v), strlen("Root=1-") + 8 + 1 + 24 + strlen(";Parent=") + 16 +
			 strlen(";Sampled=0"));
	assert_int_equal(sscanf(v, "Root=1-%8x-%24[0-9a-f];Parent=%16[0-9a-f];Sampled=0", &epoch,
				hroot, hparent), 3);
	assert_int_equal(strlen(hroot), 24);
	assert_int_equal(strlen(hparent), 16);
	assert_true(epoch >= before / 1000 - 1 && epoch <= after / 1000 + 1);

	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_EVENT_SENT);
	assert_string_equal(st.request_id, id);
	assert_int_equal(st.requests, 1);
	assert_int_equal(st.bad_requests, 0);
	assert_true(st.next_received_ns > 0);
	assert_true(st.event_sent_ns >= st.next_received_ns);
	assert_int_equal(st.response_received_ns, 0);

	/* A custom ARN and timeout on the next invocation; a fresh id. */
	rapi_set_timeout_ms(r, 10000);
	rapi_new_invocation(r, "arn:aws:lambda:eu-west-1:123456789012:function:x");
	before = now_epoch_ms();
	get_next(&h, &resp, v, sizeof(v));
	after = now_epoch_ms();
	assert_string_not_equal(v, id);
	assert_true(hget(&resp, "Lambda-Runtime-Invoked-Function-Arn", v, sizeof(v)));
	assert_string_equal(v, "arn:aws:lambda:eu-west-1:123456789012:function:x");
	assert_true(hget(&resp, "Lambda-Runtime-Deadline-Ms", v, sizeof(v)));
	deadline = strtoull(v, NULL, 10);
	assert_true(deadline >= before + 10000 && deadline <= after + 10000);
	hc_close(&h);
}

static void test_keepalive(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char id[64], path[160];

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	resp_path(path, sizeof(path), id, "response");
	post(&h, path, NULL, "\"ok\"", 4);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	assert_string_equal(resp.body, "{\"status\":\"OK\"}");
	assert_false(hget(&resp, "Connection", path, sizeof(path)) && !strcasecmp(path, "close"));

	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_RESPONDED);
	assert_string_equal(st.request_id, id);
	assert_int_equal(st.response_len, 4);
	assert_int_equal(st.requests, 2);
	assert_int_equal(st.bad_requests, 0);
	assert_true(st.next_received_ns > 0);
	assert_true(st.next_received_ns <= st.event_sent_ns);
	assert_true(st.event_sent_ns <= st.response_received_ns);
	hc_close(&h);
}

static void test_connection_per_request(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char id[64], path[160];

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	hc_sendf(&h, "GET " NEXT_PATH " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_true(hget(&resp, "Lambda-Runtime-Aws-Request-Id", id, sizeof(id)));
	assert_true(hc_eof(&h));
	hc_close(&h);

	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	resp_path(path, sizeof(path), id, "response");
	post(&h, path, "Connection: close\r\n", "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	assert_true(hc_eof(&h));
	hc_close(&h);

	/* HTTP/1.0 without keep-alive, as the simplest clients do. */
	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	hc_sendf(&h, "GET " NEXT_PATH " HTTP/1.0\r\n\r\n");
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, EVENT);
	assert_true(hc_eof(&h));
	hc_close(&h);

	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_EVENT_SENT);
	assert_int_equal(st.requests, 1);
}

static void test_ipv6(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char id[64], path[160];

	if (!rapi_has_ipv6(r)) {
		fprintf(stderr, "[ SKIP     ] no IPv6 loopback here\n");
		skip();
	}
	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET6, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	assert_string_equal(resp.body, EVENT);
	resp_path(path, sizeof(path), id, "response");
	post(&h, path, NULL, "v6", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	hc_close(&h);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_RESPONDED);
	assert_int_equal(st.response_len, 2);
}

static void test_split_writes(void **state)
{
	struct rapi *r = *state;
	struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char id[64], path[160];
	const char *parts[] = { "{\"res", "ult\":", "\"split\"}" };
	size_t i, total = 0;

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	resp_path(path, sizeof(path), id, "response");
	for (i = 0; i < 3; i++)
		total += strlen(parts[i]);
	/* Request line and headers themselves split, then the body in pieces. */
	hc_sendf(&h, "POST %s HTT", path);
	nanosleep(&pause, NULL);
	hc_sendf(&h, "P/1.1\r\nHost: x\r\nContent-Length: %zu\r\n\r\n", total);
	for (i = 0; i < 3; i++) {
		nanosleep(&pause, NULL);
		hc_send(&h, parts[i], strlen(parts[i]));
	}
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	hc_close(&h);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_RESPONDED);
	assert_int_equal(st.response_len, total);
}

static void test_chunked_trailer(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char id[64], path[160];
	const char *body = "{\"errorMessage\":\"late\",\"errorType\":\"Go\"}";

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	resp_path(path, sizeof(path), id, "response");
	hc_sendf(&h, "POST %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
		 "Trailer: X-Checksum\r\n\r\n", path);
	hc_sendf(&h, "5\r\nhello\r\n");
	hc_sendf(&h, "6\r\n world\r\n0\r\nX-Checksum: 1234\r\n\r\n");
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_RESPONDED);
	assert_int_equal(st.response_len, 11);

	/* Error type sent as a trailer, as Go's client can do; same connection. */
	rapi_new_invocation(r, NULL);
	get_next(&h, &resp, id, sizeof(id));
	resp_path(path, sizeof(path), id, "error");
	hc_sendf(&h, "POST %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
		 "Trailer: Lambda-Runtime-Function-Error-Type\r\n\r\n%zx\r\n%s\r\n0\r\n"
		 "Lambda-Runtime-Function-Error-Type: Function.Trailer\r\n\r\n", path,
		 strlen(body), body);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_ERRORED);
	assert_string_equal(st.error_type, "Function.Trailer");
	assert_string_equal(st.error_message, "late");
	assert_string_equal(st.error_json_type, "Go");
	assert_int_equal(st.response_len, strlen(body));
	hc_close(&h);
}

static void test_expect_continue(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char id[64], path[160], body[2000];

	memset(body, 'x', sizeof(body));
	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	resp_path(path, sizeof(path), id, "response");
	hc_sendf(&h, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n"
		 "Expect: 100-continue\r\n\r\n", path, sizeof(body));
	/* Like curl: the body only goes out after the interim response. */
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 100);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_EVENT_SENT);
	hc_send(&h, body, sizeof(body));
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	hc_close(&h);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_RESPONDED);
	assert_int_equal(st.response_len, sizeof(body));
}

static void test_unknown_id(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char id[64], path[160], v[64];

	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	/* Before any invocation: every id is unknown. */
	post(&h, "/2018-06-01/runtime/invocation/nope/response", NULL, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 400);

	rapi_new_invocation(r, NULL);
	get_next(&h, &resp, id, sizeof(id));
	resp_path(path, sizeof(path), "00000000-0000-4000-8000-000000000000", "response");
	post(&h, path, NULL, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 400);
	assert_non_null(strstr(resp.body, "\"errorType\":\"InvalidRequestID\""));
	assert_non_null(strstr(resp.body, "\"errorMessage\":\""));
	assert_true(hget(&resp, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "application/json");
	/* An over-long id is unknown too. */
	memset(v, 'a', sizeof(v) - 1);
	v[sizeof(v) - 1] = '\0';
	resp_path(path, sizeof(path), v, "error");
	post(&h, path, NULL, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 400);

	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_EVENT_SENT);
	assert_int_equal(st.bad_requests, 2);
	assert_int_equal(st.requests, 3);
	assert_int_equal(st.response_received_ns, 0);

	/* The real id still works after the bad ones, on the same connection. */
	resp_path(path, sizeof(path), id, "response");
	post(&h, path, NULL, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	hc_close(&h);
}

static void test_second_response(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char id[64], path[160];

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	resp_path(path, sizeof(path), id, "response");
	post(&h, path, NULL, "1", 1);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	post(&h, path, NULL, "22", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 403);
	assert_non_null(strstr(resp.body, "\"errorType\":\"InvalidStateTransition\""));
	resp_path(path, sizeof(path), id, "error");
	post(&h, path, "Lambda-Runtime-Function-Error-Type: Runtime.X\r\n", "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 403);
	/* init/error after the event went out is a state violation too. */
	post(&h, "/2018-06-01/runtime/init/error", NULL, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 403);
	hc_close(&h);

	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_RESPONDED);
	assert_int_equal(st.response_len, 1);
	assert_string_equal(st.error_type, "");
	assert_int_equal(st.bad_requests, 3);
	assert_int_equal(st.requests, 5);
}

static void post_big(struct rapi *r, size_t len, struct hresp *resp, struct rapi_status *st)
{
	struct hresp r404;
	struct hc h;
	char id[64], path[160];
	char *body = malloc(len);

	assert_non_null(body);
	memset(body, 'z', len);
	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, resp, id, sizeof(id));
	resp_path(path, sizeof(path), id, "response");
	post(&h, path, NULL, body, len);
	free(body);
	assert_int_equal(hc_read(&h, resp), 0);
	/* The connection stays usable: the emulator read the whole body. */
	hc_sendf(&h, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(hc_read(&h, &r404), 0);
	assert_int_equal(r404.status, 404);
	hc_close(&h);
	rapi_status(r, st);
}

static void test_too_large(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;

	post_big(r, SIX_MIB + 100, &resp, &st);
	assert_int_equal(resp.status, 413);
	assert_non_null(strstr(resp.body, "\"errorType\":\"RequestEntityTooLarge\""));
	assert_int_equal(st.state, RAPI_ERRORED);
	assert_string_equal(st.error_type, "Function.ResponseSizeTooLarge");
	assert_int_equal(st.response_len, SIX_MIB + 100);
	assert_true(st.response_received_ns >= st.event_sent_ns);
	assert_int_equal(st.bad_requests, 2);	/* the 413 and the 404 */

	post_big(r, SIX_MIB, &resp, &st);
	assert_int_equal(resp.status, 202);
	assert_int_equal(st.state, RAPI_RESPONDED);
	assert_int_equal(st.response_len, SIX_MIB);
	assert_string_equal(st.error_type, "");
}

static void test_error(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char id[64], path[160];
	const char *body = "{\"errorMessage\":\"boom\",\"errorType\":\"ValueError\","
			   "\"stackTrace\":[]}";

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	resp_path(path, sizeof(path), id, "error");
	post(&h, path, "Lambda-Runtime-Function-Error-Type: Function.Unhandled\r\n"
	     "Content-Type: application/json\r\n", body, strlen(body));
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_ERRORED);
	assert_string_equal(st.error_type, "Function.Unhandled");
	assert_string_equal(st.error_message, "boom");
	assert_string_equal(st.error_json_type, "ValueError");
	assert_false(st.error_body_invalid);
	assert_int_equal(st.response_len, strlen(body));
	assert_true(st.event_sent_ns <= st.response_received_ns);

	/* An invalid body is accepted and recorded as such. */
	rapi_new_invocation(r, NULL);
	get_next(&h, &resp, id, sizeof(id));
	resp_path(path, sizeof(path), id, "error");
	post(&h, path, "Lambda-Runtime-Function-Error-Type: Runtime.Broken\r\n", "not json{", 9);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_ERRORED);
	assert_string_equal(st.error_type, "Runtime.Broken");
	assert_string_equal(st.error_message, "");
	assert_true(st.error_body_invalid);
	assert_int_equal(st.bad_requests, 0);
	hc_close(&h);
}

static void test_init_error(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	const char *body = "{\"errorMessage\":\"no handler\",\"errorType\":\"InitFail\"}";

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	post(&h, "/2018-06-01/runtime/init/error",
	     "Lambda-Runtime-Function-Error-Type: Runtime.InitError\r\n", body, strlen(body));
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_INIT_ERRORED);
	assert_string_equal(st.error_type, "Runtime.InitError");
	assert_string_equal(st.error_message, "no handler");
	assert_string_equal(st.error_json_type, "InitFail");
	assert_int_equal(st.next_received_ns, 0);
	assert_int_equal(st.event_sent_ns, 0);
	assert_true(st.response_received_ns > 0);

	post(&h, "/2018-06-01/runtime/init/error", NULL, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 403);
	hc_close(&h);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_INIT_ERRORED);
	assert_int_equal(st.bad_requests, 1);
}

static void test_not_found_bad_method(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char v[64];

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	hc_sendf(&h, "GET /2018-06-01/runtime/invocation/x/status HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 404);
	assert_non_null(strstr(resp.body, "\"errorType\":"));
	post(&h, "/2019-01-01/runtime/invocation/next", NULL, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 404);

	post(&h, NEXT_PATH, NULL, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 405);
	assert_true(hget(&resp, "Allow", v, sizeof(v)));
	assert_string_equal(v, "GET");
	assert_true(hget(&resp, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "application/json");

	hc_sendf(&h, "GET /2018-06-01/runtime/invocation/abc/response HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 405);
	assert_true(hget(&resp, "Allow", v, sizeof(v)));
	assert_string_equal(v, "POST");
	hc_sendf(&h, "PUT /2018-06-01/runtime/init/error HTTP/1.1\r\nHost: x\r\n"
		 "Content-Length: 0\r\n\r\n");
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 405);
	hc_close(&h);

	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_WAITING);
	assert_int_equal(st.requests, 5);
	assert_int_equal(st.bad_requests, 5);
	assert_int_equal(st.next_received_ns, 0);
}

static void test_long_poll_gone(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc a, b, c;
	char id1[64], id2[64], path[160];

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&a, AF_INET, rapi_port(r)), 0);
	get_next(&a, &resp, id1, sizeof(id1));
	resp_path(path, sizeof(path), id1, "response");
	post(&a, path, NULL, "{}", 2);
	assert_int_equal(hc_read(&a, &resp), 0);
	assert_int_equal(resp.status, 202);
	/* The bootstrap asks for its next event on the same connection, and
	 * another waits on a second one: both long-poll. */
	hc_sendf(&a, "GET " NEXT_PATH " HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(hc_open(&b, AF_INET, rapi_port(r)), 0);
	hc_sendf(&b, "GET " NEXT_PATH " HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_false(fd_readable(a.fd, 300));
	assert_false(fd_readable(b.fd, 0));
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_RESPONDED);
	assert_int_equal(st.requests, 4);

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_read(&a, &resp), 0);
	assert_int_equal(resp.status, 410);
	assert_true(hc_eof(&a));
	assert_int_equal(hc_read(&b, &resp), 0);
	assert_int_equal(resp.status, 410);
	assert_true(hc_eof(&b));
	hc_close(&a);
	hc_close(&b);

	/* A GET next after the new invocation was armed gets the new event. */
	assert_int_equal(hc_open(&c, AF_INET, rapi_port(r)), 0);
	get_next(&c, &resp, id2, sizeof(id2));
	assert_string_not_equal(id1, id2);
	assert_string_equal(resp.body, EVENT);
	hc_close(&c);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_EVENT_SENT);
	assert_string_equal(st.request_id, id2);
	assert_int_equal(st.requests, 1);
	assert_int_equal(st.bad_requests, 0);
}

/* --warm: the same process's waiting /next gets the next event, not a 410. */
static void test_warm_invocation(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc a;
	char id1[64], path[160];

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&a, AF_INET, rapi_port(r)), 0);
	get_next(&a, &resp, id1, sizeof(id1));
	resp_path(path, sizeof(path), id1, "response");
	post(&a, path, NULL, "{}", 2);
	assert_int_equal(hc_read(&a, &resp), 0);
	assert_int_equal(resp.status, 202);
	hc_sendf(&a, "GET " NEXT_PATH " HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_false(fd_readable(a.fd, 200));	/* long poll */

	rapi_warm_invocation(r, NULL);
	assert_int_equal(hc_read(&a, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, EVENT);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_EVENT_SENT);
	assert_string_not_equal(st.request_id, id1);
	assert_true(st.next_received_ns > 0 && st.next_received_ns <= st.event_sent_ns);
	/* the old id is now unknown; the new one takes its response */
	post(&a, path, NULL, "{}", 2);
	assert_int_equal(hc_read(&a, &resp), 0);
	assert_int_equal(resp.status, 400);
	resp_path(path, sizeof(path), st.request_id, "response");
	post(&a, path, NULL, "{}", 2);
	assert_int_equal(hc_read(&a, &resp), 0);
	assert_int_equal(resp.status, 202);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_RESPONDED);
	hc_close(&a);
}

static void test_next_before_arm(void **state)
{
	struct rapi *r = *state;
	struct hresp resp;
	struct hc h;
	char id[64];

	/* Nothing armed yet: the GET next waits, then is told it is stale. */
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	hc_sendf(&h, "GET " NEXT_PATH " HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_false(fd_readable(h.fd, 200));
	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 410);
	hc_close(&h);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	hc_close(&h);
}

static void test_notify_fd(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char id[64], path[160];
	int fd = rapi_notify_fd(r);

	rapi_new_invocation(r, NULL);
	assert_true(fd_readable(fd, 0));
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	rapi_status(r, &st);
	assert_false(fd_readable(fd, 0));
	assert_int_equal(st.state, RAPI_EVENT_SENT);

	/* Headers first (100-continue), drain, then the body alone must wake us. */
	resp_path(path, sizeof(path), id, "response");
	hc_sendf(&h, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
		 "Expect: 100-continue\r\n\r\n", path);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 100);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_EVENT_SENT);
	assert_int_equal(st.requests, 2);
	assert_false(fd_readable(fd, 0));
	hc_send(&h, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	assert_true(fd_readable(fd, 2000));
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_RESPONDED);
	assert_false(fd_readable(fd, 0));
	hc_close(&h);
}

/* The emulator signals a request's changes once its answer went out, a long
 * poll as it starts waiting, and a request announcing a body as it arrives. */
static void test_notify_deferred(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc a, b;
	char id[64], path[160];
	int fd = rapi_notify_fd(r);

	rapi_new_invocation(r, NULL);
	rapi_status(r, &st);
	assert_false(fd_readable(fd, 0));

	/* GET next answered: signalled without anyone reading the status first. */
	assert_int_equal(hc_open(&a, AF_INET, rapi_port(r)), 0);
	get_next(&a, &resp, id, sizeof(id));
	assert_true(fd_readable(fd, 2000));
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_EVENT_SENT);
	assert_int_equal(st.requests, 1);
	assert_true(st.event_sent_ns >= st.next_received_ns && st.next_received_ns > 0);
	assert_false(fd_readable(fd, 0));

	/* A second GET next long-polls: its arrival is signalled while it waits. */
	hc_sendf(&a, "GET " NEXT_PATH " HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_true(fd_readable(fd, 2000));
	assert_false(fd_readable(a.fd, 0));
	rapi_status(r, &st);
	assert_int_equal(st.requests, 2);
	assert_int_equal(st.state, RAPI_EVENT_SENT);
	assert_false(fd_readable(fd, 0));

	/* Headers announcing a body that has not come: signalled on arrival. */
	resp_path(path, sizeof(path), id, "response");
	assert_int_equal(hc_open(&b, AF_INET, rapi_port(r)), 0);
	hc_sendf(&b, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n", path);
	assert_true(fd_readable(fd, 2000));
	rapi_status(r, &st);
	assert_int_equal(st.requests, 3);
	assert_int_equal(st.state, RAPI_EVENT_SENT);
	assert_false(fd_readable(fd, 0));
	hc_send(&b, "{}", 2);
	assert_int_equal(hc_read(&b, &resp), 0);
	assert_int_equal(resp.status, 202);
	assert_true(fd_readable(fd, 2000));
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_RESPONDED);
	assert_int_equal(st.response_len, 2);
	assert_false(fd_readable(fd, 0));

	/* A 404 (no body) is signalled too, with its count. */
	hc_sendf(&b, "GET /2018-06-01/runtime/ping HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(hc_read(&b, &resp), 0);
	assert_int_equal(resp.status, 404);
	assert_true(fd_readable(fd, 2000));
	rapi_status(r, &st);
	assert_int_equal(st.requests, 4);
	assert_int_equal(st.bad_requests, 1);
	hc_close(&b);
	hc_close(&a);
}

static void test_stop_with_long_poll(void **state)
{
	struct rapi *r = *state;
	struct hresp resp;
	struct hc h;
	char id[64];
	int rc;

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	hc_sendf(&h, "GET " NEXT_PATH " HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_false(fd_readable(h.fd, 100));
	rapi_stop(r);
	*state = NULL;
	/* Answered 503 or just closed, never left hanging. */
	rc = hc_read(&h, &resp);
	if (rc == 0)
		assert_int_equal(resp.status, 503);
	else
		assert_true(hc_eof(&h));
	hc_close(&h);
}

static void test_null_and_opts(void **state)
{
	struct rapi_status st;
	struct rapi_opts o = { .timeout_ms = 1234 };
	struct hresp resp;
	struct hc h;
	char err[128] = "", id[64], v[64];
	struct rapi *r;
	uint64_t before;

	(void)state;
	rapi_stop(NULL);
	rapi_new_invocation(NULL, NULL);
	rapi_set_timeout_ms(NULL, 5);
	assert_int_equal(rapi_port(NULL), 0);
	assert_false(rapi_has_ipv6(NULL));
	assert_int_equal(rapi_notify_fd(NULL), -1);
	memset(&st, 0xff, sizeof(st));
	rapi_status(NULL, &st);
	assert_int_equal(st.requests, 0);

	assert_null(rapi_start(NULL, 3, err, sizeof(err)));
	assert_non_null(strstr(err, "rapi:"));

	/* Empty event payload, custom timeout. */
	r = rapi_start_opts("", 0, &o, err, sizeof(err));
	assert_non_null(r);
	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	before = (uint64_t)time(NULL) * 1000;
	get_next(&h, &resp, id, sizeof(id));
	assert_int_equal(resp.body_len, 0);
	assert_true(hget(&resp, "Lambda-Runtime-Deadline-Ms", v, sizeof(v)));
	assert_true(strtoull(v, NULL, 10) >= before + 1234);
	assert_true(strtoull(v, NULL, 10) <= (uint64_t)time(NULL) * 1000 + 1000 + 1234);
	hc_close(&h);
	rapi_stop(r);
}


/* --- the Extensions API ---------------------------------------------------- */

#define EXT_REGISTER	"/2020-01-01/extension/register"
#define EXT_NEXT	"/2020-01-01/extension/event/next"
#define EVENTS_BODY	"{\"events\": [\"INVOKE\", \"SHUTDOWN\"]}"

/* Register NAME on h; asserts 200 and returns its identifier. */
static void ext_register(struct hc *h, const char *name, const char *body, char *id, size_t idlen)
{
	struct hresp resp;
	char extra[128];

	snprintf(extra, sizeof(extra), "Lambda-Extension-Name: %s\r\n", name);
	post(h, EXT_REGISTER, extra, body, strlen(body));
	assert_int_equal(hc_read(h, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_true(hget(&resp, "Lambda-Extension-Identifier", id, idlen));
	assert_int_equal(strlen(id), 36);
	assert_non_null(strstr(resp.body, "\"functionName\":\"profiler-bench\""));
	assert_non_null(strstr(resp.body, "\"functionVersion\":\"$LATEST\""));
	assert_non_null(strstr(resp.body, "\"handler\":\"handler\""));
}

static void ext_next_send(struct hc *h, const char *id)
{
	hc_sendf(h, "GET " EXT_NEXT " HTTP/1.1\r\nHost: x\r\nLambda-Extension-Identifier: %s\r\n\r\n",
		 id);
}

static void test_ext_register_errors(void **state)
{
	struct rapi *r = *state;
	struct hresp resp;
	struct hc h;
	char id[64];

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	/* no name */
	post(&h, EXT_REGISTER, NULL, EVENTS_BODY, strlen(EVENTS_BODY));
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 400);
	assert_non_null(strstr(resp.body, "\"errorType\":\"InvalidRequest\""));
	/* an event Lambda does not have, a body that is no JSON */
	post(&h, EXT_REGISTER, "Lambda-Extension-Name: e\r\n", "{\"events\":[\"BOOT\"]}", 19);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 400);
	post(&h, EXT_REGISTER, "Lambda-Extension-Name: e\r\n", "nope", 4);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 400);
	/* GET on register, next with an unknown identifier */
	hc_sendf(&h, "GET " EXT_REGISTER " HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 405);
	ext_next_send(&h, "not-an-id");
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 403);
	assert_non_null(strstr(resp.body, "Extension.UnknownExtensionIdentifier"));
	/* once the runtime has its event, registering is too late */
	get_next(&h, &resp, id, sizeof(id));
	post(&h, EXT_REGISTER, "Lambda-Extension-Name: late\r\n", EVENTS_BODY, strlen(EVENTS_BODY));
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 403);
	assert_non_null(strstr(resp.body, "Extension.InvalidStateTransition"));
	hc_close(&h);
}

/* Init ends when the runtime and the extension have called next; INVOKE goes to the
 * extension; the invocation ends at its next after the response; SHUTDOWN at the end. */
static void test_ext_lifecycle(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc rt, ex;
	char eid[64], rid[64], path[160], v[64];
	uint64_t before = now_epoch_ms();

	rapi_new_invocation(r, NULL);
	rapi_expect_extensions(r, 1);
	assert_int_equal(hc_open(&ex, AF_INET, rapi_port(r)), 0);
	assert_int_equal(hc_open(&rt, AF_INET, rapi_port(r)), 0);
	/* the runtime asks before the extension is even registered: it waits */
	hc_sendf(&rt, "GET " NEXT_PATH " HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_false(fd_readable(rt.fd, 200));
	ext_register(&ex, "ext-a", EVENTS_BODY, eid, sizeof(eid));
	assert_false(fd_readable(rt.fd, 100));
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_WAITING);
	assert_int_equal(st.n_ext, 1);
	assert_int_equal(st.ext_expected, 1);
	assert_string_equal(st.ext[0].name, "ext-a");
	assert_true(st.ext[0].registered_ns > 0 && st.ext[0].invoke && st.ext[0].shutdown);
	assert_int_equal(st.init_done_ns, 0);
	/* its first next ends init: the runtime gets its event, the extension its INVOKE */
	ext_next_send(&ex, eid);
	assert_int_equal(hc_read(&rt, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_true(hget(&resp, "Lambda-Runtime-Aws-Request-Id", rid, sizeof(rid)));
	assert_int_equal(hc_read(&ex, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_true(hget(&resp, "Lambda-Extension-Event-Identifier", v, sizeof(v)));
	assert_non_null(strstr(resp.body, "\"eventType\":\"INVOKE\""));
	assert_non_null(strstr(resp.body, rid));
	assert_non_null(strstr(resp.body, "\"invokedFunctionArn\":\"arn:aws:lambda:"));
	assert_non_null(strstr(resp.body, "\"tracing\":{\"type\":\"X-Amzn-Trace-Id\""));
	assert_true(strtoull(strstr(resp.body, "\"deadlineMs\":") + 13, NULL, 10) >= before + 3000);
	rapi_status(r, &st);
	assert_true(st.init_done_ns >= st.ext[0].first_next_ns && st.ext[0].first_next_ns > 0);
	assert_true(st.next_received_ns > 0 && st.init_done_ns >= st.next_received_ns);
	/* the runtime responds; the invocation is over only at the extension's next */
	resp_path(path, sizeof(path), rid, "response");
	post(&rt, path, NULL, "{}", 2);
	assert_int_equal(hc_read(&rt, &resp), 0);
	assert_int_equal(resp.status, 202);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_RESPONDED);
	assert_int_equal(st.post_runtime_done_ns, 0);
	ext_next_send(&ex, eid);
	assert_false(fd_readable(ex.fd, 100));	/* nothing due: it long-polls */
	rapi_status(r, &st);
	assert_true(st.post_runtime_done_ns >= st.response_received_ns);
	assert_int_equal(st.ext[0].nexts, 2);
	/* the end: SHUTDOWN with Lambda's deadline */
	before = now_epoch_ms();
	assert_int_equal(rapi_shutdown_extensions(r, 2000), 1);
	assert_int_equal(hc_read(&ex, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.body, "\"eventType\":\"SHUTDOWN\""));
	assert_non_null(strstr(resp.body, "\"shutdownReason\":\"spindown\""));
	assert_true(strtoull(strstr(resp.body, "\"deadlineMs\":") + 13, NULL, 10) >= before + 2000);
	rapi_status(r, &st);
	assert_true(st.ext[0].shutdown_sent);
	assert_int_equal(st.shutdown_sent, 1);
	hc_close(&ex);
	hc_close(&rt);
}

static void test_ext_errors_and_telemetry(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char eid[64], rid[64], extra[160];

	rapi_new_invocation(r, NULL);
	rapi_expect_extensions(r, 1);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	ext_register(&h, "ext-b", "{\"events\": [\"SHUTDOWN\"]}", eid, sizeof(eid));
	/* the Telemetry API subscription is accepted; without an identifier it is not */
	hc_sendf(&h, "PUT /2022-07-01/telemetry HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
		 "Lambda-Extension-Identifier: %s\r\n\r\n{}", eid);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 200);
	hc_sendf(&h, "PUT /2022-07-01/telemetry HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 403);
	hc_sendf(&h, "GET /2022-07-01/telemetry HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 405);
	/* init/error: accepted, recorded, and it ends the extension's part of init */
	snprintf(extra, sizeof(extra), "Lambda-Extension-Identifier: %s\r\n"
		 "Lambda-Extension-Function-Error-Type: Extension.ConfigInvalid\r\n", eid);
	post(&h, "/2020-01-01/extension/init/error", extra, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	rapi_status(r, &st);
	assert_true(st.ext[0].init_error);
	assert_string_equal(st.ext[0].error_type, "Extension.ConfigInvalid");
	/* not INVOKE-registered: the runtime's event is not held for it, nor the end */
	get_next(&h, &resp, rid, sizeof(rid));
	post(&h, "/2020-01-01/extension/init/error", extra, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 403);
	snprintf(extra, sizeof(extra), "Lambda-Extension-Identifier: %s\r\n"
		 "Lambda-Extension-Function-Error-Type: Extension.Panic\r\n", eid);
	post(&h, "/2020-01-01/extension/exit/error", extra, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	post(&h, "/2020-01-01/extension/exit/error", NULL, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 403);
	rapi_status(r, &st);
	assert_true(st.ext[0].exit_error);
	assert_string_equal(st.ext[0].error_type, "Extension.Panic");
	assert_false(st.ext[0].invoke);
	hc_close(&h);
	/* a new cold start forgets them */
	rapi_new_invocation(r, NULL);
	rapi_status(r, &st);
	assert_int_equal(st.n_ext, 0);
	assert_int_equal(st.ext_expected, 0);
}

/* An extension's next still long-polling when the next cold start is armed: 410. */
static void test_ext_long_poll_gone(void **state)
{
	struct rapi *r = *state;
	struct hresp resp;
	struct hc h;
	char eid[64];

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	ext_register(&h, "ext-c", EVENTS_BODY, eid, sizeof(eid));
	ext_next_send(&h, eid);
	assert_false(fd_readable(h.fd, 100));
	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 410);
	hc_close(&h);
}

/* --- streaming --------------------------------------------------------------- */

static void test_streaming(void **state)
{
	struct rapi *r = *state;
	struct timespec pause = { .tv_nsec = 50 * 1000 * 1000 };
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char id[64], path[160];
	/* base64 of {"errorMessage":"half way","errorType":"StreamBroke"} */
	const char *b64 = "eyJlcnJvck1lc3NhZ2UiOiJoYWxmIHdheSIsImVycm9yVHlwZSI6IlN0cmVhbUJyb2tlIn0=";

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	resp_path(path, sizeof(path), id, "response");
	hc_sendf(&h, "POST %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
		 "Lambda-Runtime-Function-Response-Mode: streaming\r\n\r\n5\r\nfirst\r\n", path);
	nanosleep(&pause, NULL);
	hc_sendf(&h, "4\r\nlast\r\n0\r\n\r\n");
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_RESPONDED);
	assert_true(st.streamed);
	assert_int_equal(st.response_len, 9);
	/* first bytes at once, the last 50 ms later */
	assert_true(st.response_first_ns >= st.event_sent_ns);
	assert_true(st.response_received_ns - st.response_first_ns >= 40 * 1000 * 1000ull);

	/* an error mid-stream: the trailers, the body base64 */
	rapi_new_invocation(r, NULL);
	hc_close(&h);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	resp_path(path, sizeof(path), id, "response");
	hc_sendf(&h, "POST %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
		 "Lambda-Runtime-Function-Response-Mode: streaming\r\n"
		 "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n"
		 "\r\n3\r\nabc\r\n0\r\nLambda-Runtime-Function-Error-Type: Function.Stream\r\n"
		 "Lambda-Runtime-Function-Error-Body: %s\r\n\r\n", path, b64);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_ERRORED);
	assert_true(st.streamed);
	assert_string_equal(st.error_type, "Function.Stream");
	assert_string_equal(st.error_message, "half way");
	assert_string_equal(st.error_json_type, "StreamBroke");
	assert_false(st.error_body_invalid);

	/* a trailer body that is not base64: recorded as invalid */
	rapi_new_invocation(r, NULL);
	hc_close(&h);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	resp_path(path, sizeof(path), id, "response");
	hc_sendf(&h, "POST %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
		 "Lambda-Runtime-Function-Response-Mode: streaming\r\n\r\n0\r\n"
		 "Lambda-Runtime-Function-Error-Type: X\r\n"
		 "Lambda-Runtime-Function-Error-Body: ***\r\n\r\n", path);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	rapi_status(r, &st);
	assert_int_equal(st.state, RAPI_ERRORED);
	assert_true(st.error_body_invalid);
	hc_close(&h);
}

/* A buffered response is not streamed; its first byte is still recorded. */
static void test_buffered_not_streamed(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc h;
	char id[64], path[160];

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	resp_path(path, sizeof(path), id, "response");
	post(&h, path, NULL, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	rapi_status(r, &st);
	assert_false(st.streamed);
	assert_true(st.response_first_ns > 0 && st.response_first_ns <= st.response_received_ns);
	hc_close(&h);
}

/* --- the headers of /next, the status codes' bodies --------------------------- */

static void test_client_context(void **state)
{
	struct rapi_opts o = {
		.client_context = "{\"client\":{\"app_title\":\"t\"}}",
		.cognito_identity = "{\"cognitoIdentityId\":\"i\",\"cognitoIdentityPoolId\":\"p\"}",
		.function_name = "fn", .handler = "index.handler",
	};
	char err[128], id[64], v[256];
	struct hresp resp;
	struct hc h;
	struct rapi *r;

	(void)state;
	r = rapi_start_opts(EVENT, strlen(EVENT), &o, err, sizeof(err));
	assert_non_null(r);
	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	assert_true(hget(&resp, "Lambda-Runtime-Client-Context", v, sizeof(v)));
	assert_string_equal(v, o.client_context);
	assert_true(hget(&resp, "Lambda-Runtime-Cognito-Identity", v, sizeof(v)));
	assert_string_equal(v, o.cognito_identity);
	assert_true(hget(&resp, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "application/json");
	/* register answers with the function's name and handler */
	post(&h, EXT_REGISTER, "Lambda-Extension-Name: e\r\n", EVENTS_BODY, strlen(EVENTS_BODY));
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 403);	/* init is over: the runtime has its event */
	hc_close(&h);
	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	post(&h, EXT_REGISTER, "Lambda-Extension-Name: e\r\n", EVENTS_BODY, strlen(EVENTS_BODY));
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.body, "\"functionName\":\"fn\""));
	assert_non_null(strstr(resp.body, "\"handler\":\"index.handler\""));
	/* the run's function, set later; a name is JSON-escaped; NULL keeps the handler */
	rapi_set_function(r, "my\"fn", NULL);
	post(&h, EXT_REGISTER, "Lambda-Extension-Name: e2\r\n", EVENTS_BODY, strlen(EVENTS_BODY));
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.body, "\"functionName\":\"my\\\"fn\""));
	assert_non_null(strstr(resp.body, "\"handler\":\"index.handler\""));
	rapi_set_function(NULL, "x", "y");
	hc_close(&h);
	rapi_stop(r);
}

/* Without a client context configured, /next carries neither header. */
static void test_no_client_context(void **state)
{
	struct rapi *r = *state;
	struct hresp resp;
	struct hc h;
	char id[64], v[64];

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	assert_false(hget(&resp, "Lambda-Runtime-Client-Context", v, sizeof(v)));
	assert_false(hget(&resp, "Lambda-Runtime-Cognito-Identity", v, sizeof(v)));
	hc_close(&h);
}

static void test_status_bodies(void **state)
{
	struct rapi *r = *state;
	struct hresp resp;
	struct hc h;
	char id[64], path[160];

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	/* wrong id: 400 InvalidRequestID */
	resp_path(path, sizeof(path), "no-such-id", "response");
	post(&h, path, NULL, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 400);
	assert_string_equal(resp.body, "{\"errorMessage\":\"Invalid request ID\","
			    "\"errorType\":\"InvalidRequestID\"}");
	/* the response, then a second one: 403 InvalidStateTransition */
	resp_path(path, sizeof(path), id, "response");
	post(&h, path, NULL, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 202);
	assert_string_equal(resp.body, "{\"status\":\"OK\"}");
	post(&h, path, NULL, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 403);
	assert_non_null(strstr(resp.body, "\"errorType\":\"InvalidStateTransition\""));
	/* init/error after init: 403 */
	post(&h, "/2018-06-01/runtime/init/error", NULL, "{}", 2);
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 403);
	assert_non_null(strstr(resp.body, "\"errorType\":\"InvalidStateTransition\""));
	/* an unknown path outside both APIs: 404 with a JSON body */
	hc_sendf(&h, "GET /2020-01-01/extension/nothing HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(hc_read(&h, &resp), 0);
	assert_int_equal(resp.status, 404);
	assert_string_equal(resp.body, "{\"errorMessage\":\"unknown path\",\"errorType\":\"NotFound\"}");
	hc_close(&h);
}

/* --- connections ----------------------------------------------------------------- */

static void test_foreign_connection(void **state)
{
	struct rapi_opts o = { .own_connections = true };
	struct rapi_status st;
	struct hresp resp;
	struct hc old, h;
	char err[128], id[64], v[32];
	struct rapi *r;

	(void)state;
	r = rapi_start_opts(EVENT, strlen(EVENT), &o, err, sizeof(err));
	assert_non_null(r);
	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&old, AF_INET, rapi_port(r)), 0);
	get_next(&old, &resp, id, sizeof(id));	/* its own cold start: served */
	/* the next cold start: the connection of the one before is not its */
	rapi_new_invocation(r, NULL);
	hc_sendf(&old, "GET " NEXT_PATH " HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(hc_read(&old, &resp), 0);
	assert_int_equal(resp.status, 403);
	assert_non_null(strstr(resp.body, "\"errorType\":\"ForeignConnection\""));
	assert_true(hget(&resp, "Connection", v, sizeof(v)) && !strcasecmp(v, "close"));
	assert_true(hc_eof(&old));
	hc_close(&old);
	rapi_status(r, &st);
	assert_int_equal(st.foreign_requests, 1);
	assert_int_equal(st.requests, 0);
	assert_int_equal(st.state, RAPI_WAITING);
	assert_int_equal(st.next_received_ns, 0);	/* it did not count as the runtime's */
	/* a connection of this cold start is served */
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	hc_close(&h);
	rapi_status(r, &st);
	assert_int_equal(st.foreign_requests, 1);
	assert_int_equal(st.connections, 1);
	assert_int_equal(st.connections_peak, 1);
	rapi_stop(r);
}

#define N_CONNS (RAPI_MAX_CONNS + 1)

static void test_connection_limit(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hresp resp;
	struct hc *c = calloc(N_CONNS, sizeof(*c)), h;
	char id[64];
	int i, closed = 0;

	assert_non_null(c);
	rapi_new_invocation(r, NULL);
	for (i = 0; i < N_CONNS; i++)
		assert_int_equal(hc_open(&c[i], AF_INET, rapi_port(r)), 0);
	/* the one over the limit is closed at once, and the cold start is marked */
	for (i = 0; i < 100; i++) {
		rapi_status(r, &st);
		if (st.conn_limit)
			break;
		poll(NULL, 0, 10);
	}
	assert_true(st.conn_limit);
	assert_int_equal(st.connections_peak, RAPI_MAX_CONNS);
	assert_int_equal(st.connections, N_CONNS);
	for (i = 0; i < N_CONNS; i++)
		if (fd_readable(c[i].fd, i == N_CONNS - 1 ? 1000 : 0) && hc_eof(&c[i]))
			closed++;
	assert_int_equal(closed, 1);
	/* the next cold start starts clean, its count from zero, while these stay open */
	rapi_new_invocation(r, NULL);
	rapi_status(r, &st);
	assert_false(st.conn_limit);
	assert_int_equal(st.connections, 0);
	assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	get_next(&h, &resp, id, sizeof(id));
	rapi_status(r, &st);
	assert_int_equal(st.connections, 1);
	assert_int_equal(st.connections_peak, 1);
	assert_false(st.conn_limit);
	hc_close(&h);
	for (i = 0; i < N_CONNS; i++)
		hc_close(&c[i]);
	free(c);
}

/* Connections whose peer went away are closed when the next cold start is armed; open and
 * closed ones are counted as they come and go. */
static void test_connections_closed(void **state)
{
	struct rapi *r = *state;
	struct rapi_status st;
	struct hc a, b;
	int i;

	rapi_new_invocation(r, NULL);
	assert_int_equal(hc_open(&a, AF_INET, rapi_port(r)), 0);
	assert_int_equal(hc_open(&b, AF_INET, rapi_port(r)), 0);
	for (i = 0; i < 100; i++) {
		rapi_status(r, &st);
		if (st.connections == 2)
			break;
		poll(NULL, 0, 10);
	}
	assert_int_equal(st.connections_peak, 2);
	hc_close(&a);
	/* b's half-close: its peer is gone though it still reads */
	shutdown(b.fd, SHUT_WR);
	poll(NULL, 0, 50);
	rapi_new_invocation(r, NULL);
	assert_true(hc_eof(&b));
	hc_close(&b);
	rapi_status(r, &st);
	assert_int_equal(st.connections, 0);
}

/* Isolated or not, what it says of itself agrees with what it has. */
static void test_isolation_said(void **state)
{
	struct rapi_opts o = { .isolate = true };
	char err[128];
	struct rapi *r;
	struct hc h;

	(void)state;
	assert_string_equal(rapi_isolation(*state), "none");
	assert_int_equal(rapi_netns_fd(*state), -1);
	assert_string_equal(rapi_isolation(NULL), "none");
	r = rapi_start_opts(EVENT, strlen(EVENT), &o, err, sizeof(err));
	assert_non_null(r);
	assert_true(rapi_port(r) > 0);
	if (rapi_netns_fd(r) >= 0) {
		/* in a namespace of its own: nothing listens on the host's loopback */
		assert_string_equal(rapi_isolation(r), "netns");
		assert_int_not_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
	} else {
		/* not permitted here (no CAP_SYS_ADMIN): the host's loopback, said */
		assert_string_equal(rapi_isolation(r), "none");
		assert_int_equal(hc_open(&h, AF_INET, rapi_port(r)), 0);
		hc_close(&h);
	}
	rapi_stop(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keepalive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connection_per_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chunked_trailer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expect_continue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_response, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found_bad_method, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_poll_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warm_invocation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_before_arm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_deferred, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_with_long_poll, setup, teardown),
		cmocka_unit_test(test_null_and_opts),
		cmocka_unit_test_setup_teardown(test_ext_register_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ext_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ext_errors_and_telemetry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ext_long_poll_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_streaming, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buffered_not_streamed, setup, teardown),
		cmocka_unit_test(test_client_context),
		cmocka_unit_test_setup_teardown(test_no_client_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_bodies, setup, teardown),
		cmocka_unit_test(test_foreign_connection),
		cmocka_unit_test_setup_teardown(test_connection_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connections_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_isolation_said, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
