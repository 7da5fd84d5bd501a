/*
 * per_request: a Runtime API client that opens a NEW connection for every
 * request ("Connection: close"), as simple clients do.
 *
 * Wire shape, per request (fd = a fresh socket each time):
 *   socket() + connect()
 *   writev(fd, iov, 2)    iov[0] = request head, iov[1] = body
 *                         (for GET next iov[1] is empty: iov_len 0)
 *   recv() until the response is complete (one or more)
 *   close()
 * So one invocation = two connections: GET next, then POST response.
 * Response body: {"bootstrap":"per_request","event_bytes":N,"invocation":K}
 * ("ipv6" instead of "per_request" when built with USE_IPV6.)
 *
 * With -DUSE_IPV6 (see ipv6.c) it connects to [::1] on the port of
 * AWS_LAMBDA_RUNTIME_API instead of the address given there.
 */
#include "rapi_client.h"

#ifdef USE_IPV6
#define PROG "ipv6"
#else
#define PROG "per_request"
#endif

/* One request on a new connection: writev(head, body), recv() the response. */
static int request(const struct rapi_endpoint *ep, const char *method, const char *path,
		   const char *body, size_t body_len, struct rapi_response *resp)
{
	struct rapi_conn c;
	char head[1024];
	int head_len, fd, rc = -1;

	head_len = rapi_format_head(head, sizeof(head), method, path, ep, PROG, true,
				    body ? (long long)body_len : -1,
				    body ? "Content-Type: application/json\r\n" : NULL);
	if (head_len < 0) {
		fprintf(stderr, PROG ": request head too long\n");
		return -1;
	}
	fd = rapi_connect(PROG, ep);
	if (fd < 0)
		return -1;
	rapi_conn_init(&c, fd, rapi_io_recv);

	struct iovec iov[2] = {
		{ .iov_base = head, .iov_len = (size_t)head_len },
		{ .iov_base = (void *)(body ? body : ""), .iov_len = body ? body_len : 0 },
	};

	if (rapi_sendv_all(fd, iov, 2, rapi_io_writev)) {
		fprintf(stderr, PROG ": writev %s: %s\n", method, strerror(errno));
		goto out;
	}
	if (rapi_read_response(PROG, &c, resp, true))
		goto out;
	rc = 0;
out:
	rapi_conn_free(&c);
	return rc;
}

int main(void)
{
	struct rapi_endpoint ep;
	unsigned long invocation = 0;

	rapi_endpoint_from_env(PROG, &ep);
#ifdef USE_IPV6
	{
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ep.addr;

		memset(&ep.addr, 0, sizeof(ep.addr));
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
		in6->sin6_port = htons(ep.port);
		ep.addrlen = sizeof(*in6);
		snprintf(ep.host, sizeof(ep.host), "[::1]:%u", (unsigned)ep.port);
	}
#endif

	for (;;) {
		struct rapi_response ev, ack;
		char path[256], body[256];
		int body_len;

		if (request(&ep, "GET", RAPI_PATH_NEXT, NULL, 0, &ev))
			return 1;
		if (ev.status != 200 || !ev.request_id[0]) {
			fprintf(stderr, PROG ": GET next answered %d%s\n", ev.status,
				ev.request_id[0] ? "" : " without a request id");
			rapi_response_free(&ev);
			return 1;
		}

		/* the handler */
		invocation++;
		body_len = snprintf(body, sizeof(body),
				    "{\"bootstrap\":\"" PROG "\",\"event_bytes\":%zu,\"invocation\":%lu}",
				    ev.body_len, invocation);
		snprintf(path, sizeof(path), RAPI_PATH_INVOCATION "%s/response", ev.request_id);
		rapi_response_free(&ev);
		if (body_len < 0 || (size_t)body_len >= sizeof(body))
			return 1;

		if (request(&ep, "POST", path, body, (size_t)body_len, &ack))
			return 1;
		if (ack.status != 202)
			fprintf(stderr, PROG ": POST response answered %d\n", ack.status);
		rapi_response_free(&ack);
	}
}
