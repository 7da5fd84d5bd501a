/*
 * many_writes: posts a 1,000,000-byte response one byte per write(): a million
 * write events on the Runtime API socket in one cold start. The tracer must
 * either keep every event or count what it dropped and flag the cold start.
 */
#include "rapi_client.h"

#define PROG "many_writes"
#define BODY_BYTES 1000000

int main(void)
{
	struct rapi_endpoint ep;
	struct rapi_response ev, ack;
	struct rapi_conn c;
	char head[1024], path[256];
	int len, fd;
	long i;

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
	len = rapi_format_head(head, sizeof(head), "POST", path, &ep, PROG, false, BODY_BYTES,
			       "Content-Type: text/plain\r\n");
	if (len < 0 || rapi_send_all(fd, head, (size_t)len, rapi_io_write))
		return 1;
	for (i = 0; i < BODY_BYTES; i++)
		if (rapi_send_all(fd, "x", 1, rapi_io_write))
			return 1;
	if (rapi_read_response(PROG, &c, &ack, true))
		return 1;
	rapi_response_free(&ack);
	pause();
	return 0;
}
