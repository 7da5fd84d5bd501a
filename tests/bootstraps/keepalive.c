/*
 * keepalive: a Runtime API client that keeps ONE HTTP/1.1 connection for all
 * requests, as libcurl-based clients do (aws-lambda-cpp).
 *
 * Wire shape (fd = the single API socket):
 *   connect()                                  once (again only if the server
 *                                              answers "Connection: close")
 *   GET next      write("GET /2018-06-01/runtime/invo")
 *                 write("cation/next HTTP/1.1\r\n...headers...\r\n\r\n")
 *   its response  read() until complete (one or more)
 *   POST response send(head)  then  send(body)          (two calls)
 *   its response  read() until complete
 * Response body: {"bootstrap":"keepalive","event_bytes":N,"invocation":K}
 */
#include "rapi_client.h"

#define PROG "keepalive"
#define NEXT_PART1 "GET /2018-06-01/runtime/invo"

int main(void)
{
	struct rapi_endpoint ep;
	struct rapi_conn c;
	char next_rest[512];
	unsigned long invocation = 0;
	int rest_len;

	rapi_endpoint_from_env(PROG, &ep);
	rest_len = snprintf(next_rest, sizeof(next_rest),
			    "cation/next HTTP/1.1\r\nHost: %s\r\nUser-Agent: " PROG
			    "\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n", ep.host);
	if (rest_len < 0 || (size_t)rest_len >= sizeof(next_rest)) {
		fprintf(stderr, PROG ": host name too long\n");
		return 1;
	}
	rapi_conn_init(&c, -1, rapi_io_read);

	for (;;) {
		struct rapi_response ev, ack;
		char path[256], head[1024], body[256];
		int head_len, body_len;

		if (c.fd < 0) {
			int fd = rapi_connect(PROG, &ep);

			if (fd < 0)
				goto fail;
			rapi_conn_reset(&c, fd);
		}

		/* GET next, the request line split over two write() calls */
		if (rapi_send_all(c.fd, NEXT_PART1, sizeof(NEXT_PART1) - 1, rapi_io_write) ||
		    rapi_send_all(c.fd, next_rest, (size_t)rest_len, rapi_io_write)) {
			fprintf(stderr, PROG ": write GET next: %s\n", strerror(errno));
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

		/* the handler */
		invocation++;
		body_len = snprintf(body, sizeof(body),
				    "{\"bootstrap\":\"keepalive\",\"event_bytes\":%zu,\"invocation\":%lu}",
				    ev.body_len, invocation);
		snprintf(path, sizeof(path), RAPI_PATH_INVOCATION "%s/response", ev.request_id);
		bool close_after = ev.close;

		rapi_response_free(&ev);

		/* POST the response: head and body in two separate send() calls */
		head_len = rapi_format_head(head, sizeof(head), "POST", path, &ep, PROG, false,
					    body_len, "Content-Type: application/json\r\n");
		if (head_len < 0 || body_len < 0 || (size_t)body_len >= sizeof(body)) {
			fprintf(stderr, PROG ": request too long\n");
			goto fail;
		}
		if (close_after) {	/* server closed after /next: new connection */
			close(c.fd);
			c.fd = rapi_connect(PROG, &ep);
			if (c.fd < 0)
				goto fail;
			rapi_conn_reset(&c, c.fd);
		}
		if (rapi_send_all(c.fd, head, (size_t)head_len, rapi_io_send) ||
		    rapi_send_all(c.fd, body, (size_t)body_len, rapi_io_send)) {
			fprintf(stderr, PROG ": send POST response: %s\n", strerror(errno));
			goto fail;
		}
		if (rapi_read_response(PROG, &c, &ack, true))
			goto fail;
		if (ack.status != 202)
			fprintf(stderr, PROG ": POST response answered %d\n", ack.status);
		if (ack.close) {
			close(c.fd);
			c.fd = -1;
		}
		rapi_response_free(&ack);
	}
fail:
	rapi_conn_free(&c);
	return 1;
}
