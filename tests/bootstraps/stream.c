/*
 * Streams its response as Lambda's response streaming does: POST .../response with
 * Lambda-Runtime-Function-Response-Mode: streaming and a chunked body, its first part written
 * at once and its last 300 ms later, each chunk a write of its own. Then waits for the next
 * event, as a runtime does.
 */
#include "rapi_client.h"

#define PROG "stream"
#define PAUSE_MS 300

static int chunk(int fd, const char *s)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "%zx\r\n%s\r\n", strlen(s), s);

	return rapi_send_all(fd, buf, (size_t)n, rapi_io_write);
}

int main(void)
{
	struct timespec pause = { .tv_nsec = PAUSE_MS * 1000000L };
	struct rapi_endpoint ep;
	struct rapi_response ev, ack;
	struct rapi_conn c;
	char head[1024], path[256];
	int fd, n;

	rapi_endpoint_from_env(PROG, &ep);
	if ((fd = rapi_connect(PROG, &ep)) < 0)
		return 1;
	rapi_conn_init(&c, fd, rapi_io_read);
	n = rapi_format_head(head, sizeof(head), "GET", RAPI_PATH_NEXT, &ep, PROG, false, -1, NULL);
	if (n < 0 || rapi_send_all(fd, head, (size_t)n, rapi_io_write) ||
	    rapi_read_response(PROG, &c, &ev, true) || ev.status != 200)
		return 1;
	snprintf(path, sizeof(path), RAPI_PATH_INVOCATION "%s/response", ev.request_id);
	rapi_response_free(&ev);
	n = rapi_format_head(head, sizeof(head), "POST", path, &ep, PROG, false, -1,
			     "Lambda-Runtime-Function-Response-Mode: streaming\r\n"
			     "Transfer-Encoding: chunked\r\n"
			     "Trailer: Lambda-Runtime-Function-Error-Type, "
			     "Lambda-Runtime-Function-Error-Body\r\n");
	if (n < 0 || rapi_send_all(fd, head, (size_t)n, rapi_io_write) ||
	    chunk(fd, "{\"part\": 1}\n"))
		return 1;
	nanosleep(&pause, NULL);
	if (chunk(fd, "{\"part\": 2}\n") || rapi_send_all(fd, "0\r\n\r\n", 5, rapi_io_write) ||
	    rapi_read_response(PROG, &c, &ack, true))
		return 1;
	if (ack.status != 202)
		fprintf(stderr, PROG ": POST response answered %d\n", ack.status);
	rapi_response_free(&ack);
	/* the next event, as a runtime asks for it */
	n = rapi_format_head(head, sizeof(head), "GET", RAPI_PATH_NEXT, &ep, PROG, false, -1, NULL);
	if (n >= 0 && !rapi_send_all(fd, head, (size_t)n, rapi_io_write))
		rapi_read_response(PROG, &c, &ev, true);
	rapi_conn_free(&c);
	return 0;
}
