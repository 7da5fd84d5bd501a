/*
 * clockcheck: an accuracy probe for the tracer. It reads CLOCK_MONOTONIC (the
 * clock of bpf_ktime_get_ns) around its own Runtime API syscalls and prints
 * the values, so a test can compare them with what the tracer recorded.
 *
 *   init          busy-spin 20 ms measured from main()'s first clock read,
 *                 then connect (one keep-alive connection)
 *   GET next      ONE write(head);  next_write_end = clock right after it returns
 *   its response  read();  event_read_end = clock right after the read that
 *                 returned the first bytes of the response returns;
 *                 then read() until the response is complete
 *   handler       busy-spin on clock_gettime until event_read_end + 30 ms (no
 *                 sleep), with the POST request (head + body) already built
 *   handler_end   clock; then immediately ONE write(1, line) of
 *                 "CLOCKCHECK next_write_end=<ns> event_read_end=<ns> handler_end=<ns>\n"
 *                 (the line is preformatted except handler_end's digits, which
 *                 are appended by a few integer divisions, no stdio)
 *   POST response ONE write(head + body)
 *   its response  read() until complete
 * Response body: {"bootstrap":"clockcheck","event_bytes":N,"invocation":K}
 */
#include "rapi_client.h"

#define PROG "clockcheck"
#define INIT_SPIN_NS (20 * 1000000ull)
#define HANDLER_SPIN_NS (30 * 1000000ull)

/* Write a buffer with exactly one write() when the kernel takes it all
 * (always, for these sizes on a fresh socket); loop only on a short write. */
static int write_once(int fd, const char *buf, size_t len)
{
	ssize_t n;

	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n < len)
		return rapi_send_all(fd, buf + n, len - (size_t)n, rapi_io_write);
	return 0;
}

int main(void)
{
	uint64_t t0 = rapi_now_ns();
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

	/* init: 20 ms of busy CPU from the first clock read of main() */
	while (rapi_now_ns() - t0 < INIT_SPIN_NS)
		;

	rapi_conn_init(&c, rapi_connect(PROG, &ep), rapi_io_read);
	if (c.fd < 0)
		return 1;

	for (;;) {
		struct rapi_response ev, ack;
		uint64_t next_write_end, event_read_end, handler_end;
		char path[256], body[256], post[1536], line[160];
		int body_len, post_len, line_len;
		ssize_t n;

		if (c.fd < 0) {
			c.fd = rapi_connect(PROG, &ep);
			if (c.fd < 0)
				goto fail;
			rapi_conn_reset(&c, c.fd);
		}

		/* GET next in one write() */
		if (write_once(c.fd, next_head, (size_t)next_len)) {
			fprintf(stderr, PROG ": write GET next: %s\n", strerror(errno));
			goto fail;
		}
		next_write_end = rapi_now_ns();

		/* the read that returns the first bytes of the response */
		if (c.len == 0) {
			n = rapi_conn_fill(&c);
			event_read_end = rapi_now_ns();
			if (n <= 0) {
				fprintf(stderr, PROG ": read /next response: %s\n",
					n ? strerror(errno) : "connection closed");
				goto fail;
			}
		} else {
			event_read_end = rapi_now_ns();	/* already buffered (not expected) */
		}
		/* ... and the rest of it */
		if (rapi_read_response(PROG, &c, &ev, true))
			goto fail;
		if (ev.status != 200 || !ev.request_id[0]) {
			fprintf(stderr, PROG ": GET next answered %d%s\n", ev.status,
				ev.request_id[0] ? "" : " without a request id");
			rapi_response_free(&ev);
			goto fail;
		}

		/* the handler: build everything that must be written, then spin */
		invocation++;
		body_len = snprintf(body, sizeof(body),
				    "{\"bootstrap\":\"clockcheck\",\"event_bytes\":%zu,\"invocation\":%lu}",
				    ev.body_len, invocation);
		snprintf(path, sizeof(path), RAPI_PATH_INVOCATION "%s/response", ev.request_id);
		bool close_after = ev.close;

		rapi_response_free(&ev);
		post_len = rapi_format_head(post, sizeof(post), "POST", path, &ep, PROG, false,
					    body_len, "Content-Type: application/json\r\n");
		if (body_len < 0 || (size_t)body_len >= sizeof(body) || post_len < 0 ||
		    (size_t)post_len + (size_t)body_len > sizeof(post)) {
			fprintf(stderr, PROG ": request too long\n");
			goto fail;
		}
		memcpy(post + post_len, body, (size_t)body_len);
		post_len += body_len;
		if (close_after) {
			close(c.fd);
			c.fd = rapi_connect(PROG, &ep);
			if (c.fd < 0)
				goto fail;
			rapi_conn_reset(&c, c.fd);
		}
		line_len = snprintf(line, sizeof(line),
				    "CLOCKCHECK next_write_end=%llu event_read_end=%llu handler_end=",
				    (unsigned long long)next_write_end,
				    (unsigned long long)event_read_end);

		while (rapi_now_ns() - event_read_end < HANDLER_SPIN_NS)
			;

		handler_end = rapi_now_ns();
		line_len += (int)rapi_u64_dec(line + line_len, handler_end);
		line[line_len++] = '\n';
		if (write(1, line, (size_t)line_len) != line_len) {
			/* stdout is the probe's report: without it the run is useless */
			fprintf(stderr, PROG ": write stdout: %s\n", strerror(errno));
			goto fail;
		}

		/* POST response in one write() */
		if (write_once(c.fd, post, (size_t)post_len)) {
			fprintf(stderr, PROG ": write POST response: %s\n", strerror(errno));
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
