/*
 * clockcheck: an accuracy probe for the tracer. It reads CLOCK_MONOTONIC (the
 * clock of bpf_ktime_get_ns) around its own Runtime API syscalls and prints
 * the values, so a test can compare them with what the tracer recorded.
 *
 *   init          busy-spin 20 ms measured from main()'s first clock read,
 *                 then connect (one keep-alive connection)
 *   GET next      next_write_begin = clock right before ONE write(head);
 *                 next_write_end = clock right after it returns
 *   its response  read();  event_read_end = clock right after the read that
 *                 returned the first bytes of the response returns;
 *                 then read() until the response is complete
 *   handler       busy-spin on clock_gettime until event_read_end + 30 ms (no
 *                 sleep), with the POST request (head + body) already built
 *   handler_end   clock, right before the POST response's ONE write(head + body)
 *
 * The readings go to a file mapped in memory, /tmp/clockcheck-<pid>.probe:
 *   "CLOCKCHECK next_write_begin=<ns> next_write_end=<ns> event_read_end=<ns> handler_end=<ns>\n"
 * Everything but handler_end's digits is stored before the handler spin, and
 * those digits are plain memory stores, so no system call stands between
 * handler_end and the response write (a write to stdout there took ~40 us,
 * measured). The page cache keeps the file after the process is killed.
 *   its response  read() until complete
 * Response body: {"bootstrap":"clockcheck","event_bytes":N,"invocation":K}
 */
#include "rapi_client.h"

#include <fcntl.h>
#include <sys/mman.h>

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

#define PROBE_SIZE 4096

/* The probe file, mapped: readings are stored into it without system calls. */
static char *open_probe(void)
{
	char path[64];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/tmp/clockcheck-%d.probe", (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, PROBE_SIZE) != 0) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return NULL;
	}
	p = mmap(NULL, PROBE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, PROG ": mmap %s: %s\n", path, strerror(errno));
		return NULL;
	}
	memset(p, 0, PROBE_SIZE);	/* fault the page in now, not after handler_end */
	return p;
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

	char *probe = open_probe();

	if (!probe)
		return 1;
	/* init: 20 ms of busy CPU from the first clock read of main() */
	while (rapi_now_ns() - t0 < INIT_SPIN_NS)
		;

	rapi_conn_init(&c, rapi_connect(PROG, &ep), rapi_io_read);
	if (c.fd < 0)
		return 1;

	for (;;) {
		struct rapi_response ev, ack;
		uint64_t next_write_begin, next_write_end, event_read_end, handler_end;
		char path[256], body[256], post[1536];
		int body_len, post_len, line_len;
		ssize_t n;

		if (c.fd < 0) {
			c.fd = rapi_connect(PROG, &ep);
			if (c.fd < 0)
				goto fail;
			rapi_conn_reset(&c, c.fd);
		}

		/* GET next in one write() */
		next_write_begin = rapi_now_ns();
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
		line_len = snprintf(probe, PROBE_SIZE - 32,
				    "CLOCKCHECK next_write_begin=%llu next_write_end=%llu "
				    "event_read_end=%llu handler_end=",
				    (unsigned long long)next_write_begin,
				    (unsigned long long)next_write_end,
				    (unsigned long long)event_read_end);

		while (rapi_now_ns() - event_read_end < HANDLER_SPIN_NS)
			;

		handler_end = rapi_now_ns();
		line_len += (int)rapi_u64_dec(probe + line_len, handler_end);
		probe[line_len] = '\n';

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
