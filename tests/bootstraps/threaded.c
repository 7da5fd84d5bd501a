/*
 * threaded: a multi-threaded runtime. main() starts 3 worker threads that do
 * a little CPU work and exit, and one API thread that makes every Runtime
 * API call; main joins the workers, then the API thread.
 *
 * Wire shape (all in the API thread, fd = one keep-alive socket):
 *   connect()                                  once (again only if the server
 *                                              answers "Connection: close")
 *   GET next      sendmsg(fd, {iov[0] = head}, 1 iov)
 *   its response  recvmsg() until complete (one or more)
 *   POST response sendmsg(fd, {iov[0] = head, iov[1] = body}, 2 iovs)
 *   its response  recvmsg() until complete
 * Response body: {"bootstrap":"threaded","event_bytes":N,"invocation":K}
 */
#include "rapi_client.h"

#include <pthread.h>

#define PROG "threaded"
#define WORKERS 3
#define WORK_ROUNDS 4000000u	/* a few ms of integer work per worker */

static void *worker(void *arg)
{
	uint64_t x = 0x9e3779b97f4a7c15ull ^ (uintptr_t)arg;
	unsigned i;

	for (i = 0; i < WORK_ROUNDS; i++) {	/* xorshift64: cannot be folded away */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return (void *)(uintptr_t)x;
}

static int api_request(struct rapi_conn *c, const struct rapi_endpoint *ep,
		       const char *method, const char *path, const char *body,
		       size_t body_len, struct rapi_response *resp)
{
	char head[1024];
	int head_len = rapi_format_head(head, sizeof(head), method, path, ep, PROG, false,
					body ? (long long)body_len : -1,
					body ? "Content-Type: application/json\r\n" : NULL);
	struct iovec iov[2] = {
		{ .iov_base = head, .iov_len = head_len > 0 ? (size_t)head_len : 0 },
		{ .iov_base = (void *)body, .iov_len = body_len },
	};

	if (head_len < 0) {
		fprintf(stderr, PROG ": request head too long\n");
		return -1;
	}
	if (c->fd < 0) {
		int fd = rapi_connect(PROG, ep);

		if (fd < 0)
			return -1;
		rapi_conn_reset(c, fd);
	}
	if (rapi_sendv_all(c->fd, iov, body ? 2 : 1, rapi_io_sendmsg)) {
		fprintf(stderr, PROG ": sendmsg %s: %s\n", method, strerror(errno));
		return -1;
	}
	if (rapi_read_response(PROG, c, resp, true))
		return -1;
	if (resp->close) {	/* the server closes: reconnect for the next request */
		close(c->fd);
		c->fd = -1;
	}
	return 0;
}

/* The API thread: the runtime loop. Returns only on failure. */
static void *api_thread(void *arg)
{
	const struct rapi_endpoint *ep = arg;
	struct rapi_conn c;
	unsigned long invocation = 0;

	rapi_conn_init(&c, -1, rapi_io_recvmsg);
	for (;;) {
		struct rapi_response ev, ack;
		char path[256], body[256];
		int body_len;

		if (api_request(&c, ep, "GET", RAPI_PATH_NEXT, NULL, 0, &ev))
			break;
		if (ev.status != 200 || !ev.request_id[0]) {
			fprintf(stderr, PROG ": GET next answered %d%s\n", ev.status,
				ev.request_id[0] ? "" : " without a request id");
			rapi_response_free(&ev);
			break;
		}

		/* the handler */
		invocation++;
		body_len = snprintf(body, sizeof(body),
				    "{\"bootstrap\":\"threaded\",\"event_bytes\":%zu,\"invocation\":%lu}",
				    ev.body_len, invocation);
		snprintf(path, sizeof(path), RAPI_PATH_INVOCATION "%s/response", ev.request_id);
		rapi_response_free(&ev);
		if (body_len < 0 || (size_t)body_len >= sizeof(body))
			break;

		if (api_request(&c, ep, "POST", path, body, (size_t)body_len, &ack))
			break;
		if (ack.status != 202)
			fprintf(stderr, PROG ": POST response answered %d\n", ack.status);
		rapi_response_free(&ack);
	}
	rapi_conn_free(&c);
	return NULL;
}

int main(void)
{
	static struct rapi_endpoint ep;
	pthread_t workers[WORKERS], api;
	uint64_t sum = 0;
	int i, err;

	rapi_endpoint_from_env(PROG, &ep);
	for (i = 0; i < WORKERS; i++) {
		err = pthread_create(&workers[i], NULL, worker, (void *)(uintptr_t)(i + 1));
		if (err) {
			fprintf(stderr, PROG ": pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	err = pthread_create(&api, NULL, api_thread, &ep);
	if (err) {
		fprintf(stderr, PROG ": pthread_create: %s\n", strerror(err));
		return 1;
	}
	for (i = 0; i < WORKERS; i++) {
		void *ret;

		pthread_join(workers[i], &ret);
		sum ^= (uintptr_t)ret;
	}
	pthread_join(api, NULL);
	/* The API thread only returns on failure (the loop never ends otherwise). */
	fprintf(stderr, PROG ": runtime loop ended (workers' checksum %016llx)\n",
		(unsigned long long)sum);
	return 1;
}
