/*
 * A Runtime API client for the throughput and scaling benchmarks: N system
 * calls on the API socket in the handler, each one an event for the tracer.
 * It takes the event with one GET /next, then, by its file name:
 *   writes-<N>[-t<K>]  posts a response of N bytes whose body goes out ONE
 *                      BYTE PER write() (the shape of tests/bootstraps/
 *                      many_writes.c);
 *   polls-<N>[-t<K>]   makes N recv(MSG_DONTWAIT) calls on the socket, each
 *                      returning EAGAIN (nothing is pending once the event
 *                      is read): the cheapest traced call, to find the event
 *                      rate where the tracer starts to drop; then posts a
 *                      small response in one write().
 * With -t<K>, K threads share the N calls and make them at the same time on
 * the same socket (for writes, any interleaving of 'x' bytes is the same
 * body). After the 202 it waits to be killed, as a runtime waits for /next.
 */
#include "rapi_client.h"
#include "bench_name.h"

#include <pthread.h>

#define PROG "writes"
#define MAX_THREADS 64

struct part {
	int fd;
	bool poll;
	long n;
	int err;
};

static void *writer(void *arg)
{
	struct part *p = arg;
	long i;
	char b;

	for (i = 0; i < p->n; i++) {
		if (p->poll) {
			ssize_t r = recv(p->fd, &b, 1, MSG_DONTWAIT);

			if (r >= 0 || (errno != EAGAIN && errno != EINTR)) {
				p->err = r >= 0 ? EPROTO : errno;
				break;
			}
		} else if (rapi_send_all(p->fd, "x", 1, rapi_io_write)) {
			p->err = errno;
			break;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *name = bench_base(argc > 0 ? argv[0] : PROG);
	long n = bench_param(name, "", 1000), k = bench_param(name, "t", 1), i;
	bool poll = !strncmp(name, "polls", 5);
	struct part parts[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	struct rapi_endpoint ep;
	struct rapi_response ev, ack;
	struct rapi_conn c;
	char head[1024], path[256];
	int len, fd;

	if (n < 1 || k < 1 || k > MAX_THREADS) {
		fprintf(stderr, PROG ": bad name '%s' (writes-N[-tK] or polls-N[-tK], K 1..%d)\n",
			name, MAX_THREADS);
		return 1;
	}
	rapi_endpoint_from_env(PROG, &ep);
	fd = rapi_connect(PROG, &ep);
	if (fd < 0)
		return 1;
	rapi_conn_init(&c, fd, rapi_io_read);
	len = rapi_format_head(head, sizeof(head), "GET", RAPI_PATH_NEXT, &ep, PROG, false, -1, NULL);
	if (len < 0 || rapi_send_all(fd, head, (size_t)len, rapi_io_write) ||
	    rapi_read_response(PROG, &c, &ev, true) || ev.status != 200)
		return 1;
	snprintf(path, sizeof(path), RAPI_PATH_INVOCATION "%s/response", ev.request_id);
	rapi_response_free(&ev);
	len = rapi_format_head(head, sizeof(head), "POST", path, &ep, PROG, false, poll ? 2 : n,
			       "Content-Type: text/plain\r\n");
	if (len < 0 || (size_t)len + 2 >= sizeof(head))
		return 1;
	if (poll) {		/* the whole request in one write, after the calls */
		memcpy(head + len, "{}", 2);
		len += 2;
	} else if (rapi_send_all(fd, head, (size_t)len, rapi_io_write)) {
		return 1;
	}
	for (i = 0; i < k; i++) {
		parts[i].fd = fd;
		parts[i].poll = poll;
		parts[i].n = n / k + (i < n % k ? 1 : 0);
		parts[i].err = 0;
	}
	for (i = 1; i < k; i++)
		if (pthread_create(&th[i], NULL, writer, &parts[i])) {
			fprintf(stderr, PROG ": cannot start thread %ld\n", i);
			return 1;
		}
	writer(&parts[0]);
	for (i = 1; i < k; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < k; i++)
		if (parts[i].err) {
			fprintf(stderr, PROG ": %s: %s\n", poll ? "recv" : "write",
				strerror(parts[i].err));
			return 1;
		}
	if (poll && rapi_send_all(fd, head, (size_t)len, rapi_io_write))
		return 1;
	if (rapi_read_response(PROG, &c, &ack, true))
		return 1;
	rapi_response_free(&ack);
	pause();
	return 0;
}
