/*
 * Minimal HTTP/1.1 client pieces shared by the test bootstraps (Lambda
 * custom runtimes speaking the Runtime API on AWS_LAMBDA_RUNTIME_API).
 *
 * Every function is static and marked unused so an includer only pays for
 * what it calls. Each bootstrap picks the syscalls that carry its HTTP by
 * passing one of the rapi_io_* wrappers (read/recv/recvmsg/recvfrom and
 * write/send/sendto, writev/sendmsg), so the tracer's tests see exactly the
 * shape the bootstrap documents.
 *
 * Responses are parsed properly: status line, headers (case-insensitive),
 * a Content-Length, chunked or read-until-close body, any number of reads per
 * response, and interim 1xx responses ("100 Continue") skipped on request.
 */
#ifndef RAPI_CLIENT_H
#define RAPI_CLIENT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define RAPI_FN static __attribute__((unused))

#define RAPI_PATH_NEXT "/2018-06-01/runtime/invocation/next"
#define RAPI_PATH_INVOCATION "/2018-06-01/runtime/invocation/"
#define RAPI_HEAD_MAX (64 * 1024)		/* largest response head accepted */
#define RAPI_BODY_MAX (16 * 1024 * 1024)	/* largest response body accepted */

/* Where the Runtime API listens, from AWS_LAMBDA_RUNTIME_API. */
struct rapi_endpoint {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char host[300];		/* value for the Host header, as given ("127.0.0.1:9001") */
	unsigned short port;
};

/* One read-side syscall: returns like read(2). */
typedef ssize_t (*rapi_recv_fn)(int fd, void *buf, size_t len);
/* One write-side syscall on a flat buffer: returns like write(2). */
typedef ssize_t (*rapi_send_fn)(int fd, const void *buf, size_t len);
/* One write-side syscall on a vector: returns like writev(2). */
typedef ssize_t (*rapi_sendv_fn)(int fd, const struct iovec *iov, int cnt);

/* A connection with its receive buffer (bytes read but not yet consumed). */
struct rapi_conn {
	int fd;
	rapi_recv_fn recv;
	char *buf;
	size_t len;		/* bytes valid in buf */
	size_t cap;		/* allocated, one more kept for a NUL */
};

struct rapi_response {
	int status;
	char request_id[128];	/* Lambda-Runtime-Aws-Request-Id, "" if absent */
	bool close;		/* the server will close the connection after this */
	char *body;		/* malloc'd, NUL-terminated (NULL when body_len is 0) */
	size_t body_len;
};

/* ---- the syscalls ------------------------------------------------------- */

RAPI_FN ssize_t rapi_io_read(int fd, void *buf, size_t len)
{
	return read(fd, buf, len);
}

RAPI_FN ssize_t rapi_io_recv(int fd, void *buf, size_t len)
{
	return recv(fd, buf, len, 0);
}

RAPI_FN ssize_t rapi_io_recvfrom(int fd, void *buf, size_t len)
{
	return recvfrom(fd, buf, len, 0, NULL, NULL);
}

RAPI_FN ssize_t rapi_io_recvmsg(int fd, void *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	return recvmsg(fd, &mh, 0);
}

RAPI_FN ssize_t rapi_io_write(int fd, const void *buf, size_t len)
{
	return write(fd, buf, len);
}

RAPI_FN ssize_t rapi_io_send(int fd, const void *buf, size_t len)
{
	return send(fd, buf, len, MSG_NOSIGNAL);
}

RAPI_FN ssize_t rapi_io_sendto(int fd, const void *buf, size_t len)
{
	return sendto(fd, buf, len, MSG_NOSIGNAL, NULL, 0);
}

RAPI_FN ssize_t rapi_io_writev(int fd, const struct iovec *iov, int cnt)
{
	return writev(fd, iov, cnt);
}

RAPI_FN ssize_t rapi_io_sendmsg(int fd, const struct iovec *iov, int cnt)
{
	struct msghdr mh = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)cnt };

	return sendmsg(fd, &mh, MSG_NOSIGNAL);
}

/* ---- small helpers ------------------------------------------------------ */

RAPI_FN uint64_t rapi_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Send all of buf with repeated calls of fn (partial writes, EINTR). */
RAPI_FN int rapi_send_all(int fd, const void *buf, size_t len, rapi_send_fn fn)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = fn(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Send all of an iovec array (at most 8 entries) with repeated calls of fn. */
RAPI_FN int rapi_sendv_all(int fd, const struct iovec *in, int cnt, rapi_sendv_fn fn)
{
	struct iovec iov[8];
	int i = 0;

	if (cnt < 0 || cnt > 8)
		return -1;
	memcpy(iov, in, sizeof(*in) * (size_t)cnt);
	for (;;) {
		ssize_t n;

		while (i < cnt && iov[i].iov_len == 0)
			i++;
		if (i == cnt)
			return 0;
		n = fn(fd, iov + i, cnt - i);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		while (n > 0) {
			size_t take = (size_t)n < iov[i].iov_len ? (size_t)n : iov[i].iov_len;

			iov[i].iov_base = (char *)iov[i].iov_base + take;
			iov[i].iov_len -= take;
			n -= (ssize_t)take;
			if (iov[i].iov_len == 0)
				i++;
		}
	}
}

/* ---- endpoint ----------------------------------------------------------- */

/* Parse "host:port", "[v6addr]:port" (or a resolvable name:port).
 * Returns 0, or -1 with a reason in err. */
RAPI_FN int rapi_parse_endpoint(const char *s, struct rapi_endpoint *ep, char *err, size_t errlen)
{
	char host[256];
	const char *colon, *hs, *he;
	unsigned long port;
	char *end;

	memset(ep, 0, sizeof(*ep));
	if (s[0] == '[') {
		he = strchr(s, ']');
		if (!he || he[1] != ':') {
			snprintf(err, errlen, "'%s': expected [address]:port", s);
			return -1;
		}
		hs = s + 1;
		colon = he + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || colon == s || memchr(s, ':', (size_t)(colon - s))) {
			snprintf(err, errlen, "'%s': expected host:port", s);
			return -1;
		}
		hs = s;
		he = colon;
	}
	if ((size_t)(he - hs) >= sizeof(host) || strlen(s) >= sizeof(ep->host)) {
		snprintf(err, errlen, "'%s': host too long", s);
		return -1;
	}
	memcpy(host, hs, (size_t)(he - hs));
	host[he - hs] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end || errno || port == 0 || port > 65535) {
		snprintf(err, errlen, "'%s': bad port", s);
		return -1;
	}
	ep->port = (unsigned short)port;
	strcpy(ep->host, s);

	struct sockaddr_in *in4 = (struct sockaddr_in *)&ep->addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ep->addr;

	if (s[0] != '[' && (inet_pton(AF_INET, host, &in4->sin_addr) == 1 ||
			    (!strcmp(host, "localhost") &&
			     inet_pton(AF_INET, "127.0.0.1", &in4->sin_addr) == 1))) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(ep->port);
		ep->addrlen = sizeof(*in4);
		return 0;
	}
	if (s[0] == '[') {
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1) {
			snprintf(err, errlen, "'%s': bad IPv6 address", s);
			return -1;
		}
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(ep->port);
		ep->addrlen = sizeof(*in6);
		return 0;
	}

	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(host, NULL, &hints, &res);

	if (rc || !res || res->ai_addrlen > sizeof(ep->addr)) {
		snprintf(err, errlen, "'%s': cannot resolve host: %s", s,
			 rc ? gai_strerror(rc) : "no address");
		if (res)
			freeaddrinfo(res);
		return -1;
	}
	memcpy(&ep->addr, res->ai_addr, res->ai_addrlen);
	ep->addrlen = (socklen_t)res->ai_addrlen;
	if (ep->addr.ss_family == AF_INET)
		in4->sin_port = htons(ep->port);
	else
		in6->sin6_port = htons(ep->port);
	freeaddrinfo(res);
	return 0;
}

/* Read AWS_LAMBDA_RUNTIME_API; on a missing or bad value print one line and
 * exit 1. Also ignores SIGPIPE (a closed socket must be an error, not death). */
RAPI_FN void rapi_endpoint_from_env(const char *prog, struct rapi_endpoint *ep)
{
	const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
	char err[512];

	if (!api || !*api) {
		fprintf(stderr, "%s: AWS_LAMBDA_RUNTIME_API is not set\n", prog);
		exit(1);
	}
	if (rapi_parse_endpoint(api, ep, err, sizeof(err))) {
		fprintf(stderr, "%s: AWS_LAMBDA_RUNTIME_API %s\n", prog, err);
		exit(1);
	}
	signal(SIGPIPE, SIG_IGN);
}

/* Connect a TCP socket (IPv4 or IPv6). TCP_NODELAY as libcurl sets it, so a
 * request written in several calls is not held back by Nagle. Returns the fd
 * or -1 after printing one line. */
RAPI_FN int rapi_connect(const char *prog, const struct rapi_endpoint *ep)
{
	int one = 1;
	int fd = socket(ep->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
		return -1;
	}
	while (connect(fd, (const struct sockaddr *)&ep->addr, ep->addrlen) < 0) {
		if (errno == EINTR)
			continue;
		fprintf(stderr, "%s: connect to %s: %s\n", prog, ep->host, strerror(errno));
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* ---- request heads ------------------------------------------------------ */

/* Format a request head into buf. content_length < 0 = no Content-Length
 * header; extra = further header lines, each ending in "\r\n" (or NULL).
 * Returns the length, or -1 if it does not fit. */
RAPI_FN int rapi_format_head(char *buf, size_t size, const char *method, const char *path,
			     const struct rapi_endpoint *ep, const char *agent, bool close,
			     long long content_length, const char *extra)
{
	char cl[64] = "";
	int n;

	if (content_length >= 0)
		snprintf(cl, sizeof(cl), "Content-Length: %lld\r\n", content_length);
	n = snprintf(buf, size,
		     "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\n"
		     "Connection: %s\r\n%s%s\r\n",
		     method, path, ep->host, agent, close ? "close" : "keep-alive", cl,
		     extra ? extra : "");
	if (n < 0 || (size_t)n >= size)
		return -1;
	return n;
}

/* ---- responses ---------------------------------------------------------- */

RAPI_FN void rapi_conn_init(struct rapi_conn *c, int fd, rapi_recv_fn fn)
{
	c->fd = fd;
	c->recv = fn;
	c->buf = NULL;
	c->len = 0;
	c->cap = 0;
}

/* Drop buffered bytes (e.g. when the connection is replaced). */
RAPI_FN void rapi_conn_reset(struct rapi_conn *c, int fd)
{
	c->fd = fd;
	c->len = 0;
}

RAPI_FN void rapi_conn_free(struct rapi_conn *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}

RAPI_FN void rapi_response_free(struct rapi_response *r)
{
	if (!r)
		return;
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
}

/* Exactly one receive syscall appending to the buffer (retried on EINTR).
 * Returns bytes read, 0 at end of stream, -1 on error. */
RAPI_FN ssize_t rapi_conn_fill(struct rapi_conn *c)
{
	ssize_t n;

	if (c->cap - c->len < 4096) {
		size_t ncap = c->cap ? c->cap * 2 : 16384;
		char *nb = realloc(c->buf, ncap + 1);

		if (!nb)
			return -1;
		c->buf = nb;
		c->cap = ncap;
	}
	do
		n = c->recv(c->fd, c->buf + c->len, c->cap - c->len);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		c->len += (size_t)n;
		c->buf[c->len] = '\0';
	}
	return n;
}

/* Drop the first n buffered bytes (a consumed response). */
RAPI_FN void rapi_conn_consume(struct rapi_conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
	c->buf[c->len] = '\0';
}

/* Does the comma-separated header value contain token (case-insensitive)? */
RAPI_FN bool rapi_has_token(const char *v, size_t vlen, const char *token)
{
	size_t tl = strlen(token);

	while (vlen > 0) {
		while (vlen > 0 && (*v == ' ' || *v == '\t' || *v == ',')) {
			v++;
			vlen--;
		}
		size_t i = 0;

		while (i < vlen && v[i] != ',')
			i++;
		size_t e = i;

		while (e > 0 && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e == tl && !strncasecmp(v, token, tl))
			return true;
		v += i;
		vlen -= i;
	}
	return false;
}

/* Walk a chunked body in p[0..n). Returns 1 when complete (decoded size in
 * *out_len, bytes used in *used; decoded into out when out != NULL), 0 when
 * more bytes are needed, -1 when malformed. Trailers are skipped. */
RAPI_FN int rapi_dechunk(const char *p, size_t n, char *out, size_t *out_len, size_t *used)
{
	size_t i = 0, o = 0;

	for (;;) {
		const char *eol = memmem(p + i, n - i, "\r\n", 2);
		unsigned long long sz = 0;
		size_t j = i, digits = 0;

		if (!eol)
			return n - i > 1024 ? -1 : 0;
		for (; p + j < eol; j++, digits++) {
			int d = p[j];

			if (d >= '0' && d <= '9')
				d -= '0';
			else if (d >= 'a' && d <= 'f')
				d -= 'a' - 10;
			else if (d >= 'A' && d <= 'F')
				d -= 'A' - 10;
			else
				break;
			sz = sz * 16 + (unsigned)d;
			if (sz > RAPI_BODY_MAX)
				return -1;
		}
		/* after the size: end of line or a chunk extension */
		if (!digits || (p + j < eol && p[j] != ';' && p[j] != ' ' && p[j] != '\t'))
			return -1;
		i = (size_t)(eol - p) + 2;
		if (sz == 0) {
			for (;;) {	/* trailer section up to an empty line */
				eol = memmem(p + i, n - i, "\r\n", 2);
				if (!eol)
					return n - i > RAPI_HEAD_MAX ? -1 : 0;
				size_t ll = (size_t)(eol - (p + i));

				i += ll + 2;
				if (ll == 0) {
					*out_len = o;
					*used = i;
					return 1;
				}
			}
		}
		if (o + sz > RAPI_BODY_MAX)
			return -1;
		if (n - i < sz + 2)
			return 0;
		if (out)
			memcpy(out + o, p + i, sz);
		o += sz;
		i += sz;
		if (p[i] != '\r' || p[i + 1] != '\n')
			return -1;
		i += 2;
	}
}

/* Read one HTTP response from c into r. With skip_interim, 1xx interim
 * responses (except 101) are read and dropped; without it a 1xx is returned
 * as is (no body). Returns 0, or -1 after printing one line. */
RAPI_FN int rapi_read_response(const char *prog, struct rapi_conn *c, struct rapi_response *r,
			       bool skip_interim)
{
	memset(r, 0, sizeof(*r));
again:;
	char *eoh = NULL;
	ssize_t n;

	/* 1. the head: everything up to the empty line */
	while (!c->buf || !(eoh = memmem(c->buf, c->len, "\r\n\r\n", 4))) {
		if (c->len > RAPI_HEAD_MAX) {
			fprintf(stderr, "%s: response head larger than %d bytes\n", prog, RAPI_HEAD_MAX);
			return -1;
		}
		n = rapi_conn_fill(c);
		if (n < 0) {
			fprintf(stderr, "%s: receive: %s\n", prog, strerror(errno));
			return -1;
		}
		if (n == 0) {
			fprintf(stderr, "%s: connection closed %s\n", prog,
				c->len ? "inside a response head" : "before a response");
			return -1;
		}
	}
	size_t head_len = (size_t)(eoh - c->buf) + 4;

	/* 2. status line: "HTTP/1.x SSS reason" (the reason may be empty) */
	const char *b = c->buf;
	int status;

	if (head_len < 16 || strncmp(b, "HTTP/1.", 7) || (b[7] != '0' && b[7] != '1') ||
	    b[8] != ' ' || b[9] < '1' || b[9] > '5' || b[10] < '0' || b[10] > '9' ||
	    b[11] < '0' || b[11] > '9' || (b[12] != ' ' && b[12] != '\r')) {
		fprintf(stderr, "%s: malformed status line\n", prog);
		return -1;
	}
	status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
	r->status = status;
	r->close = b[7] == '0';	/* HTTP/1.0 closes unless it says keep-alive */

	/* 3. headers */
	long long content_length = -1;
	bool chunked = false;
	const char *line = strstr(c->buf, "\r\n") + 2;

	while (line < eoh + 2) {
		const char *le = memmem(line, (size_t)(eoh + 2 - line), "\r\n", 2);
		const char *colon = memchr(line, ':', (size_t)(le - line));

		if (!colon) {
			fprintf(stderr, "%s: malformed header line\n", prog);
			return -1;
		}
		size_t nl = (size_t)(colon - line);
		const char *v = colon + 1;

		while (v < le && (*v == ' ' || *v == '\t'))
			v++;
		size_t vl = (size_t)(le - v);

		while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			vl--;
#define RAPI_HDR(name) (nl == sizeof(name) - 1 && !strncasecmp(line, name, nl))
		if (RAPI_HDR("Content-Length")) {
			char *end;

			errno = 0;
			content_length = strtoll(v, &end, 10);
			if (v == end || end != v + vl || errno || content_length < 0) {
				fprintf(stderr, "%s: bad Content-Length\n", prog);
				return -1;
			}
		} else if (RAPI_HDR("Transfer-Encoding")) {
			chunked = rapi_has_token(v, vl, "chunked");
		} else if (RAPI_HDR("Connection")) {
			if (rapi_has_token(v, vl, "close"))
				r->close = true;
			else if (rapi_has_token(v, vl, "keep-alive"))
				r->close = false;
		} else if (RAPI_HDR("Lambda-Runtime-Aws-Request-Id")) {
			if (vl >= sizeof(r->request_id)) {
				fprintf(stderr, "%s: request id too long\n", prog);
				return -1;
			}
			memcpy(r->request_id, v, vl);
			r->request_id[vl] = '\0';
		}
#undef RAPI_HDR
		line = le + 2;
	}

	/* 4. the body */
	if (status < 200 || status == 204 || status == 304) {
		rapi_conn_consume(c, head_len);
		if (status < 200 && status != 101 && skip_interim) {
			r->request_id[0] = '\0';
			goto again;
		}
		return 0;
	}
	if (chunked) {
		size_t dlen, used;
		int rc;

		while ((rc = rapi_dechunk(c->buf + head_len, c->len - head_len, NULL, &dlen,
					  &used)) == 0) {
			n = rapi_conn_fill(c);
			if (n <= 0) {
				fprintf(stderr, "%s: connection %s inside a chunked body\n", prog,
					n ? "error" : "closed");
				return -1;
			}
		}
		if (rc < 0) {
			fprintf(stderr, "%s: malformed chunked body\n", prog);
			return -1;
		}
		r->body = malloc(dlen + 1);
		if (!r->body) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return -1;
		}
		rapi_dechunk(c->buf + head_len, c->len - head_len, r->body, &dlen, &used);
		r->body[dlen] = '\0';
		r->body_len = dlen;
		rapi_conn_consume(c, head_len + used);
		return 0;
	}
	if (content_length < 0)
		r->close = true;	/* body runs to the end of the stream */
	if (content_length > RAPI_BODY_MAX) {
		fprintf(stderr, "%s: body of %lld bytes too large\n", prog, content_length);
		return -1;
	}
	while (content_length < 0 || c->len - head_len < (size_t)content_length) {
		if (content_length < 0 && c->len - head_len > RAPI_BODY_MAX) {
			fprintf(stderr, "%s: body too large\n", prog);
			return -1;
		}
		n = rapi_conn_fill(c);
		if (n < 0) {
			fprintf(stderr, "%s: receive: %s\n", prog, strerror(errno));
			return -1;
		}
		if (n == 0) {
			if (content_length < 0)
				break;
			fprintf(stderr, "%s: connection closed after %zu of %lld body bytes\n",
				prog, c->len - head_len, content_length);
			return -1;
		}
	}
	size_t blen = content_length < 0 ? c->len - head_len : (size_t)content_length;

	if (blen) {
		r->body = malloc(blen + 1);
		if (!r->body) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return -1;
		}
		memcpy(r->body, c->buf + head_len, blen);
		r->body[blen] = '\0';
	}
	r->body_len = blen;
	rapi_conn_consume(c, head_len + blen);
	return 0;
}

/* Format a u64 as decimal into out (no stdio); returns the digit count. */
RAPI_FN size_t rapi_u64_dec(char *out, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

#endif
