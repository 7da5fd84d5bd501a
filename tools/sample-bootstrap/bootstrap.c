/*
 * A complete AWS Lambda custom runtime ("bootstrap") in plain C, using only
 * libc and one TCP socket. It is the profiler demo's default bootstrap and a
 * readable example of the Runtime API (version 2018-06-01).
 *
 * How a custom runtime works:
 *   1. Lambda starts the executable named "bootstrap" with, among others,
 *      AWS_LAMBDA_RUNTIME_API=host:port in its environment.
 *   2. The runtime initialises, then loops forever:
 *        GET  /2018-06-01/runtime/invocation/next
 *             blocks until there is an event; the response body is the event
 *             and the header Lambda-Runtime-Aws-Request-Id names it;
 *        run the handler on the event;
 *        POST /2018-06-01/runtime/invocation/<request id>/response
 *             with the handler's result (the API answers 202 Accepted), or
 *        POST /2018-06-01/runtime/invocation/<request id>/error
 *             if the handler failed.
 *   3. If initialisation fails, it reports that once with
 *        POST /2018-06-01/runtime/init/error
 *      and exits.
 *   Error reports carry a Lambda-Runtime-Function-Error-Type header and a
 *   JSON body {"errorMessage": "...", "errorType": "..."}.
 *
 * The handler here answers {"echo": <event>, "length": <event bytes>}.
 *
 * Configuration (environment):
 *   AWS_LAMBDA_RUNTIME_API   required; without it nothing can be reported, so
 *                            the bootstrap prints one line and exits 1.
 *   SAMPLE_MAX_EVENT_BYTES   optional, the handler's event buffer in bytes
 *                            (1 .. 6291456, default 6291456 = 6 MiB, Lambda's
 *                            synchronous payload limit). A value that is not
 *                            such a number is reported as an init error
 *                            (Runtime.ConfigError). An event larger than the
 *                            buffer makes the handler fail: it is reported
 *                            with /invocation/<id>/error.
 *
 * HTTP: one keep-alive HTTP/1.1 connection is reused for every request (as
 * libcurl-based runtimes do); a new one is opened only if the server says
 * "Connection: close". Each request is sent as its head, then its body
 * (two send() calls; TCP_NODELAY keeps the second from waiting on Nagle).
 * Responses are read header by header: the code never assumes a response
 * arrives in one read, and reads exactly Content-Length body bytes.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define API_PREFIX "/2018-06-01/runtime"
#define LAMBDA_MAX_PAYLOAD (6 * 1024 * 1024)
#define HEAD_MAX 8192		/* largest response head we accept */

/* --------------------------------------------------------------------------
 * The connection to the Runtime API
 * ------------------------------------------------------------------------ */

struct api {
	struct sockaddr_storage addr;	/* where the Runtime API listens */
	socklen_t addrlen;
	char host[128];			/* the Host header: AWS_LAMBDA_RUNTIME_API */
	int fd;				/* the keep-alive connection, -1 if none */
	char buf[HEAD_MAX];		/* bytes received but not yet used */
	size_t len;
};

/* What we keep of one HTTP response. */
struct response {
	int status;			/* 200, 202, ... */
	char request_id[128];		/* Lambda-Runtime-Aws-Request-Id */
	char trace_id[512];		/* Lambda-Runtime-Trace-Id */
	size_t body_len;		/* Content-Length: full size of the body */
	bool truncated;			/* body_len > the buffer: the rest was discarded */
	bool close;			/* the server closes the connection after this */
};

/* Parse "127.0.0.1:9001" or "[::1]:9001" (the API is always a local address). */
static int parse_api_address(const char *s, struct api *api)
{
	char host[64];
	const char *colon;
	size_t hlen;
	char *end;
	long port;

	if (s[0] == '[') {		/* IPv6 literal in brackets */
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return -1;
		colon = close + 1;
		s++;
		hlen = (size_t)(close - s);
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';

	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end || errno || port < 1 || port > 65535)
		return -1;

	struct sockaddr_in *v4 = (struct sockaddr_in *)&api->addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&api->addr;

	memset(&api->addr, 0, sizeof(api->addr));
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((unsigned short)port);
		api->addrlen = sizeof(*v4);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((unsigned short)port);
		api->addrlen = sizeof(*v6);
	} else {
		return -1;
	}
	return 0;
}

/* Open the connection if there is none. */
static int api_connect(struct api *api)
{
	int one = 1;

	if (api->fd >= 0)
		return 0;
	api->fd = socket(api->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (api->fd < 0) {
		perror("bootstrap: socket");
		return -1;
	}
	if (connect(api->fd, (struct sockaddr *)&api->addr, api->addrlen) < 0) {
		fprintf(stderr, "bootstrap: cannot connect to the Runtime API at %s: %s\n",
			api->host, strerror(errno));
		close(api->fd);
		api->fd = -1;
		return -1;
	}
	setsockopt(api->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	api->len = 0;
	return 0;
}

static void api_disconnect(struct api *api)
{
	if (api->fd >= 0)
		close(api->fd);
	api->fd = -1;
	api->len = 0;
}

/* send() until every byte is out: the kernel may take less than asked. */
static int send_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One receive into dst; returns bytes, 0 when the server closed, -1 on error. */
static ssize_t recv_some(int fd, char *dst, size_t cap)
{
	ssize_t n;

	do
		n = recv(fd, dst, cap, 0);
	while (n < 0 && errno == EINTR);
	return n;
}

/* Send one request: its head, then its body (body NULL: a request without
 * one, like GET). */
static int send_request(struct api *api, const char *method, const char *path,
			const char *extra_headers, const char *body, size_t body_len)
{
	char head[1024], length[48] = "";
	int n;

	if (api_connect(api))
		return -1;
	if (body)
		snprintf(length, sizeof(length), "Content-Length: %zu\r\n", body_len);
	n = snprintf(head, sizeof(head),
		     "%s %s HTTP/1.1\r\n"
		     "Host: %s\r\n"
		     "User-Agent: sample-c-runtime/1.0\r\n"
		     "%s%s"
		     "\r\n",
		     method, path, api->host, extra_headers, length);
	if (n < 0 || (size_t)n >= sizeof(head)) {
		fprintf(stderr, "bootstrap: request head too long\n");
		return -1;
	}
	if (send_all(api->fd, head, (size_t)n) || (body && send_all(api->fd, body, body_len))) {
		fprintf(stderr, "bootstrap: %s %s: %s\n", method, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Copy a header value (trimmed) into dst if it fits. */
static void copy_value(char *dst, size_t size, const char *v, size_t len)
{
	if (len < size) {
		memcpy(dst, v, len);
		dst[len] = '\0';
	}
}

/* Read one response. The body goes into body[0..cap); bytes beyond cap are
 * read and dropped (so the connection stays usable) and r->truncated is set.
 * body may be NULL when cap is 0. Returns 0, or -1 after printing why. */
static int read_response(struct api *api, struct response *r, char *body, size_t cap)
{
	char *end_of_head;
	bool have_length = false;

	memset(r, 0, sizeof(*r));

	/* 1. Receive until the blank line that ends the head. */
	while (!(end_of_head = memmem(api->buf, api->len, "\r\n\r\n", 4))) {
		ssize_t n;

		if (api->len == sizeof(api->buf)) {
			fprintf(stderr, "bootstrap: response head too large\n");
			return -1;
		}
		n = recv_some(api->fd, api->buf + api->len, sizeof(api->buf) - api->len);
		if (n <= 0) {
			fprintf(stderr, "bootstrap: Runtime API connection %s\n",
				n ? strerror(errno) : "closed");
			return -1;
		}
		api->len += (size_t)n;
	}
	size_t head_len = (size_t)(end_of_head - api->buf) + 4;

	/* 2. The status line: "HTTP/1.1 200 OK". */
	const char *b = api->buf;

	if (head_len < 16 || strncmp(b, "HTTP/1.", 7) || b[8] != ' ' ||
	    b[9] < '1' || b[9] > '5' || b[10] < '0' || b[10] > '9' || b[11] < '0' || b[11] > '9') {
		fprintf(stderr, "bootstrap: malformed HTTP response\n");
		return -1;
	}
	r->status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
	r->close = b[7] == '0';		/* HTTP/1.0 closes by default */

	/* 3. Header lines "Name: value" up to the blank line. Names are
	 *    case-insensitive in HTTP. */
	char *line = (char *)memchr(api->buf, '\n', head_len) + 1;

	while (line < end_of_head + 2) {
		char *eol = memchr(line, '\r', (size_t)(end_of_head + 2 - line));
		char *colon = memchr(line, ':', (size_t)(eol - line));
		const char *v;
		size_t vlen;

		if (!colon) {
			fprintf(stderr, "bootstrap: malformed HTTP header\n");
			return -1;
		}
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (vlen = (size_t)(eol - v); vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t');)
			vlen--;
		*colon = '\0';	/* terminate the name for strcasecmp */
		if (!strcasecmp(line, "Content-Length")) {
			char *e;

			errno = 0;
			r->body_len = strtoul(v, &e, 10);
			if (e != v + vlen || errno || v[0] == '-') {
				fprintf(stderr, "bootstrap: bad Content-Length\n");
				return -1;
			}
			have_length = true;
		} else if (!strcasecmp(line, "Transfer-Encoding")) {
			/* The Runtime API always sends a Content-Length. */
			fprintf(stderr, "bootstrap: unexpected Transfer-Encoding\n");
			return -1;
		} else if (!strcasecmp(line, "Connection")) {
			r->close = vlen == 5 && !strncasecmp(v, "close", 5);
		} else if (!strcasecmp(line, "Lambda-Runtime-Aws-Request-Id")) {
			copy_value(r->request_id, sizeof(r->request_id), v, vlen);
		} else if (!strcasecmp(line, "Lambda-Runtime-Trace-Id")) {
			copy_value(r->trace_id, sizeof(r->trace_id), v, vlen);
		}
		line = eol + 2;
	}
	if (!have_length && r->status != 204 && r->status != 304) {
		fprintf(stderr, "bootstrap: response without Content-Length\n");
		return -1;
	}

	/* 4. The body: first what is already buffered after the head, then
	 *    further reads until Content-Length bytes have arrived. */
	size_t got = api->len - head_len;

	if (got > r->body_len)
		got = r->body_len;
	if (got > 0 && cap > 0)
		memcpy(body, api->buf + head_len, got < cap ? got : cap);
	/* keep anything after this response for the next one */
	memmove(api->buf, api->buf + head_len + got, api->len - head_len - got);
	api->len -= head_len + got;

	while (got < r->body_len) {
		char scratch[4096];
		size_t want = r->body_len - got;
		char *dst = got < cap ? body + got : scratch;
		size_t room = got < cap ? cap - got : sizeof(scratch);
		ssize_t n = recv_some(api->fd, dst, want < room ? want : room);

		if (n <= 0) {
			fprintf(stderr, "bootstrap: Runtime API connection %s inside a body\n",
				n ? strerror(errno) : "closed");
			return -1;
		}
		got += (size_t)n;
	}
	r->truncated = r->body_len > cap;
	return 0;
}

/* Send a request and read its answer, keeping the connection healthy. */
static int exchange(struct api *api, const char *method, const char *path, const char *headers,
		    const char *body, size_t body_len, struct response *r, char *rbody, size_t rcap)
{
	if (send_request(api, method, path, headers, body, body_len) ||
	    read_response(api, r, rbody, rcap)) {
		api_disconnect(api);
		return -1;
	}
	if (r->close)
		api_disconnect(api);	/* reconnect on the next request */
	return 0;
}

/* --------------------------------------------------------------------------
 * Reporting errors
 * ------------------------------------------------------------------------ */

/* Write s as the inside of a JSON string (quotes, backslashes, controls). */
static size_t json_escape(char *out, size_t size, const char *s)
{
	size_t o = 0;

	for (; *s && o + 7 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(out + o, size - o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return o;
}

/* POST an error report to path (init/error or invocation/<id>/error). */
static void post_error(struct api *api, const char *path, const char *error_type,
		       const char *message)
{
	char headers[256], msg[512], body[768];
	struct response r;
	int n;

	snprintf(headers, sizeof(headers),
		 "Content-Type: application/json\r\n"
		 "Lambda-Runtime-Function-Error-Type: %s\r\n", error_type);
	json_escape(msg, sizeof(msg), message);
	/* errorType: the part after "Runtime." / "Function." */
	const char *short_type = strchr(error_type, '.') ? strchr(error_type, '.') + 1 : error_type;

	n = snprintf(body, sizeof(body), "{\"errorMessage\":\"%s\",\"errorType\":\"%s\"}",
		     msg, short_type);
	if (n < 0 || (size_t)n >= sizeof(body))
		n = snprintf(body, sizeof(body), "{\"errorMessage\":\"(too long)\",\"errorType\":\"%s\"}",
			     short_type);
	fprintf(stderr, "bootstrap: %s: %s\n", error_type, message);
	if (exchange(api, "POST", path, headers, body, (size_t)n, &r, NULL, 0) == 0 &&
	    r.status != 202)
		fprintf(stderr, "bootstrap: error report answered %d\n", r.status);
}

/* --------------------------------------------------------------------------
 * The handler
 * ------------------------------------------------------------------------ */

/* Build {"echo": <event>, "length": N} into out. The event is JSON already
 * (Lambda only accepts JSON payloads), so it is embedded as is. */
static size_t handle(const char *event, size_t len, char *out, size_t size)
{
	int head = snprintf(out, size, "{\"echo\":");
	const char *value = len ? event : "null";
	size_t vlen = len ? len : 4;

	memcpy(out + head, value, vlen);
	return (size_t)head + vlen +
	       (size_t)snprintf(out + head + vlen, size - (size_t)head - vlen,
				",\"length\":%zu}", len);
}

/* --------------------------------------------------------------------------
 * main: init, then the invocation loop
 * ------------------------------------------------------------------------ */

int main(void)
{
	static struct api api = { .fd = -1 };
	const char *address = getenv("AWS_LAMBDA_RUNTIME_API");
	const char *max_env = getenv("SAMPLE_MAX_EVENT_BYTES");
	size_t max_event = LAMBDA_MAX_PAYLOAD;
	char *event, *result;

	/* Without the API address there is nobody to report to. */
	if (!address || !*address) {
		fprintf(stderr, "bootstrap: AWS_LAMBDA_RUNTIME_API is not set\n");
		return 1;
	}
	if (strlen(address) >= sizeof(api.host) || parse_api_address(address, &api)) {
		fprintf(stderr, "bootstrap: AWS_LAMBDA_RUNTIME_API '%s' is not host:port\n",
			address);
		return 1;
	}
	strcpy(api.host, address);

	/* Init: read the configuration; report a bad one as an init error. */
	if (max_env) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(max_env, &end, 10);
		if (!*max_env || *end || errno || max_env[0] == '-' || v < 1 ||
		    v > LAMBDA_MAX_PAYLOAD) {
			char msg[300];

			snprintf(msg, sizeof(msg),
				 "SAMPLE_MAX_EVENT_BYTES='%.200s' is not a number of bytes in 1..%d",
				 max_env, LAMBDA_MAX_PAYLOAD);
			post_error(&api, API_PREFIX "/init/error", "Runtime.ConfigError", msg);
			return 1;
		}
		max_event = v;
	}
	/* Pages of these buffers only become resident when an event fills them. */
	event = malloc(max_event);
	result = malloc(max_event + 64);
	if (!event || !result) {
		post_error(&api, API_PREFIX "/init/error", "Runtime.OutOfMemory",
			   "cannot allocate the event buffers");
		goto out;
	}

	/* The invocation loop: runs until the environment is shut down. */
	for (;;) {
		struct response next, ack;
		char path[256];

		if (exchange(&api, "GET", API_PREFIX "/invocation/next", "", NULL, 0, &next,
			     event, max_event))
			break;
		if (next.status != 200 || !next.request_id[0]) {
			fprintf(stderr, "bootstrap: /invocation/next answered %d%s\n",
				next.status, next.request_id[0] ? "" : " without a request id");
			break;
		}
		/* Official runtimes hand the X-Ray trace id to the function this way. */
		if (next.trace_id[0])
			setenv("_X_AMZN_TRACE_ID", next.trace_id, 1);
		else
			unsetenv("_X_AMZN_TRACE_ID");

		if (next.truncated) {
			/* The handler cannot take this event: report the failure. */
			char msg[160];

			snprintf(msg, sizeof(msg), "event of %zu bytes exceeds the handler's "
				 "%zu-byte buffer (SAMPLE_MAX_EVENT_BYTES)", next.body_len, max_event);
			snprintf(path, sizeof(path), API_PREFIX "/invocation/%s/error",
				 next.request_id);
			post_error(&api, path, "Function.EventTooLarge", msg);
			continue;
		}

		size_t result_len = handle(event, next.body_len, result, max_event + 64);

		snprintf(path, sizeof(path), API_PREFIX "/invocation/%s/response", next.request_id);
		if (exchange(&api, "POST", path, "Content-Type: application/json\r\n", result,
			     result_len, &ack, NULL, 0))
			break;
		if (ack.status != 202)
			fprintf(stderr, "bootstrap: response for %s answered %d\n",
				next.request_id, ack.status);
	}
	/* Only a broken Runtime API connection ends the loop. */
out:
	free(event);
	free(result);
	api_disconnect(&api);
	return 1;
}
