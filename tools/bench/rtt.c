/*
 * rtt_warm / rtt_cold: Runtime API clients for the emulator round-trip
 * benchmark. Both open one keep-alive connection and make every request with
 * ONE write(), so the tracer's wait phase (entry of the GET /next write to the
 * return of the read that brings the event) is one /next round trip.
 *   rtt_cold  GET /next is the first request on a just-accepted connection,
 *             as in every cold start;
 *   rtt_warm  first GET /2018-06-01/runtime/ping (the emulator answers 404
 *             and keeps the connection), then GET /next on that warm
 *             keep-alive connection.
 */
#include "rapi_client.h"
#include "bench_name.h"

#define PROG "rtt"

static int request(struct rapi_conn *c, const char *head, int len, struct rapi_response *r)
{
	return rapi_send_all(c->fd, head, (size_t)len, rapi_io_write) ||
	       rapi_read_response(PROG, c, r, true);
}

int main(int argc, char **argv)
{
	bool warm = strstr(bench_base(argc > 0 ? argv[0] : PROG), "warm") != NULL;
	struct rapi_endpoint ep;
	struct rapi_response r;
	struct rapi_conn c;
	char next[1024], ping[1024];
	int next_len, ping_len, fd;

	rapi_endpoint_from_env(PROG, &ep);
	next_len = rapi_format_head(next, sizeof(next), "GET", RAPI_PATH_NEXT, &ep, PROG, false, -1,
				    NULL);
	ping_len = rapi_format_head(ping, sizeof(ping), "GET", "/2018-06-01/runtime/ping", &ep, PROG,
				    false, -1, NULL);
	if (next_len < 0 || ping_len < 0)
		return 1;
	fd = rapi_connect(PROG, &ep);
	if (fd < 0)
		return 1;
	rapi_conn_init(&c, fd, rapi_io_read);
	if (warm) {
		if (request(&c, ping, ping_len, &r))
			return 1;
		rapi_response_free(&r);
		if (r.close) {
			fprintf(stderr, PROG ": the emulator closed the warm-up connection\n");
			return 1;
		}
	}
	for (;;) {
		static const char body[] = "{}";
		char path[256], post[1536];
		int post_len;

		if (request(&c, next, next_len, &r) || r.status != 200 || !r.request_id[0])
			return 1;
		snprintf(path, sizeof(path), RAPI_PATH_INVOCATION "%s/response", r.request_id);
		rapi_response_free(&r);
		post_len = rapi_format_head(post, sizeof(post) - sizeof(body), "POST", path, &ep, PROG,
					    false, (long long)sizeof(body) - 1,
					    "Content-Type: application/json\r\n");
		if (post_len < 0)
			return 1;
		memcpy(post + post_len, body, sizeof(body) - 1);
		post_len += (int)sizeof(body) - 1;
		if (request(&c, post, post_len, &r))
			return 1;
		rapi_response_free(&r);
		if (r.close)
			return 1;
	}
}
