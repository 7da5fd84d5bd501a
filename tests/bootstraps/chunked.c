/*
 * chunked: posts its response with "Transfer-Encoding: chunked" (two chunks
 * and a trailer header) and "Expect: 100-continue", as Go's client (chunked
 * bodies with trailers) and curl (100-continue) do. One keep-alive connection.
 *
 * Wire shape (fd = the API socket):
 *   connect()                                  once (again only if the server
 *                                              closes)
 *   GET next      sendto(head)
 *   its response  recvfrom() until complete (one or more)
 *   POST response sendto(head with Expect: 100-continue, Transfer-Encoding: chunked)
 *                 poll(fd, POLLIN, 1 s) then recvfrom() until "HTTP/1.1 100 Continue"
 *                 sendto("<hex>\r\n<chunk 1>\r\n")
 *                 sendto("<hex>\r\n<chunk 2>\r\n")
 *                 sendto("0\r\nX-Body-Bytes: <N>\r\n\r\n")      (last chunk + trailer)
 *   its response  recvfrom() until complete
 * If no 100 arrives within 1 s the chunks are sent anyway (as curl does); if
 * a final status arrives instead, no body is sent and the connection is closed.
 * Response body: {"bootstrap":"chunked","event_bytes":N,"invocation":K}
 * (chunk 1 = its first half, chunk 2 = the rest).
 */
#include "rapi_client.h"

#include <poll.h>

#define PROG "chunked"
#define CONTINUE_WAIT_MS 1000

static int send_str(int fd, const char *s, size_t len)
{
	return rapi_send_all(fd, s, len, rapi_io_sendto);
}

/* POST body as two chunks plus a trailer, after waiting for 100 Continue. */
static int post_chunked(struct rapi_conn *c, const struct rapi_endpoint *ep, const char *path,
			const char *body, size_t body_len, struct rapi_response *ack)
{
	char head[1024], buf[512], trailer[64];
	int head_len, n;
	size_t half = body_len / 2;
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

	head_len = rapi_format_head(head, sizeof(head), "POST", path, ep, PROG, false, -1,
				    "Content-Type: application/json\r\n"
				    "Transfer-Encoding: chunked\r\n"
				    "Trailer: X-Body-Bytes\r\n"
				    "Expect: 100-continue\r\n");
	if (head_len < 0 || body_len + 64 > sizeof(buf)) {
		fprintf(stderr, PROG ": request too long\n");
		return -1;
	}
	if (send_str(c->fd, head, (size_t)head_len)) {
		fprintf(stderr, PROG ": sendto POST head: %s\n", strerror(errno));
		return -1;
	}

	/* Wait (bounded) for the interim response before sending the body. */
	int pr;

	do
		pr = c->len ? 1 : poll(&pfd, 1, CONTINUE_WAIT_MS);
	while (pr < 0 && errno == EINTR);
	if (pr < 0) {
		fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
		return -1;
	}
	if (pr > 0) {
		if (rapi_read_response(PROG, c, ack, false))
			return -1;
		if (ack->status >= 200) {
			/* Final answer without 100: the body is not wanted. The
			 * server may still expect it, so drop the connection. */
			close(c->fd);
			c->fd = -1;
			return 0;
		}
		rapi_response_free(ack);	/* the 100 Continue */
	}

	n = snprintf(buf, sizeof(buf), "%zx\r\n%.*s\r\n", half, (int)half, body);
	if (send_str(c->fd, buf, (size_t)n))
		goto send_err;
	n = snprintf(buf, sizeof(buf), "%zx\r\n%.*s\r\n", body_len - half,
		     (int)(body_len - half), body + half);
	if (send_str(c->fd, buf, (size_t)n))
		goto send_err;
	n = snprintf(trailer, sizeof(trailer), "0\r\nX-Body-Bytes: %zu\r\n\r\n", body_len);
	if (send_str(c->fd, trailer, (size_t)n))
		goto send_err;
	return rapi_read_response(PROG, c, ack, true);
send_err:
	fprintf(stderr, PROG ": sendto POST body: %s\n", strerror(errno));
	return -1;
}

int main(void)
{
	struct rapi_endpoint ep;
	struct rapi_conn c;
	char next_head[1024];
	unsigned long invocation = 0;
	int next_len;

	rapi_endpoint_from_env(PROG, &ep);
	next_len = rapi_format_head(next_head, sizeof(next_head), "GET", RAPI_PATH_NEXT, &ep, PROG,
				    false, -1, NULL);
	if (next_len < 0) {
		fprintf(stderr, PROG ": host name too long\n");
		return 1;
	}
	rapi_conn_init(&c, -1, rapi_io_recvfrom);

	for (;;) {
		struct rapi_response ev, ack;
		char path[256], body[256];
		int body_len;

		if (c.fd < 0) {
			int fd = rapi_connect(PROG, &ep);

			if (fd < 0)
				goto fail;
			rapi_conn_reset(&c, fd);
		}
		if (send_str(c.fd, next_head, (size_t)next_len)) {
			fprintf(stderr, PROG ": sendto GET next: %s\n", strerror(errno));
			goto fail;
		}
		if (rapi_read_response(PROG, &c, &ev, true))
			goto fail;
		if (ev.status != 200 || !ev.request_id[0]) {
			fprintf(stderr, PROG ": GET next answered %d%s\n", ev.status,
				ev.request_id[0] ? "" : " without a request id");
			rapi_response_free(&ev);
			goto fail;
		}
		if (ev.close) {
			close(c.fd);
			c.fd = rapi_connect(PROG, &ep);
			if (c.fd < 0) {
				rapi_response_free(&ev);
				goto fail;
			}
			rapi_conn_reset(&c, c.fd);
		}

		/* the handler */
		invocation++;
		body_len = snprintf(body, sizeof(body),
				    "{\"bootstrap\":\"chunked\",\"event_bytes\":%zu,\"invocation\":%lu}",
				    ev.body_len, invocation);
		snprintf(path, sizeof(path), RAPI_PATH_INVOCATION "%s/response", ev.request_id);
		rapi_response_free(&ev);
		if (body_len < 0 || (size_t)body_len >= sizeof(body))
			goto fail;

		if (post_chunked(&c, &ep, path, body, (size_t)body_len, &ack))
			goto fail;
		if (ack.status != 202)
			fprintf(stderr, PROG ": POST response answered %d\n", ack.status);
		if (ack.close && c.fd >= 0) {
			close(c.fd);
			c.fd = -1;
		}
		rapi_response_free(&ack);
	}
fail:
	rapi_conn_free(&c);
	return 1;
}
