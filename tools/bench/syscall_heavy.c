/*
 * syscall_heavy[-<N>]: a bootstrap whose init makes many system calls that
 * are NOT Runtime API traffic, as an interpreter loading its modules does:
 * N/2 one-byte write()s to /dev/null and N/2 stat()s of its own folder
 * (N = 20000 by default). Then one keep-alive connection, GET /next and the
 * POST response each in one write(), and the loop of a Lambda runtime.
 * For the observer-overhead benchmark: a tracer that stops every system call
 * (ptrace) pays on each of them, one that filters in the kernel does not.
 */
#include "rapi_client.h"
#include "bench_name.h"

#include <fcntl.h>
#include <sys/stat.h>

#define PROG "syscall_heavy"

int main(int argc, char **argv)
{
	const char *name = bench_base(argc > 0 ? argv[0] : PROG);
	long n = bench_param(name, "", 20000), i;
	struct rapi_endpoint ep;
	struct rapi_conn c;
	char next[1024];
	struct stat sb;
	int next_len, devnull;

	rapi_endpoint_from_env(PROG, &ep);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0) {
		fprintf(stderr, PROG ": /dev/null: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < n / 2; i++) {
		if (write(devnull, "x", 1) != 1 || stat(".", &sb) != 0) {
			fprintf(stderr, PROG ": init syscalls: %s\n", strerror(errno));
			return 1;
		}
	}
	close(devnull);
	next_len = rapi_format_head(next, sizeof(next), "GET", RAPI_PATH_NEXT, &ep, PROG, false, -1,
				    NULL);
	if (next_len < 0)
		return 1;
	rapi_conn_init(&c, -1, rapi_io_read);
	for (;;) {
		struct rapi_response ev, ack;
		char path[256], post[1536];
		int post_len;
		static const char body[] = "{\"bootstrap\":\"syscall_heavy\"}";

		if (c.fd < 0) {
			int fd = rapi_connect(PROG, &ep);

			if (fd < 0)
				break;
			rapi_conn_reset(&c, fd);
		}
		if (rapi_send_all(c.fd, next, (size_t)next_len, rapi_io_write) ||
		    rapi_read_response(PROG, &c, &ev, true))
			break;
		if (ev.status != 200 || !ev.request_id[0]) {
			rapi_response_free(&ev);
			break;
		}
		snprintf(path, sizeof(path), RAPI_PATH_INVOCATION "%s/response", ev.request_id);
		rapi_response_free(&ev);
		post_len = rapi_format_head(post, sizeof(post) - sizeof(body), "POST", path, &ep, PROG,
					    false, (long long)sizeof(body) - 1,
					    "Content-Type: application/json\r\n");
		if (post_len < 0)
			break;
		memcpy(post + post_len, body, sizeof(body) - 1);
		post_len += (int)sizeof(body) - 1;
		if (rapi_send_all(c.fd, post, (size_t)post_len, rapi_io_write) ||
		    rapi_read_response(PROG, &c, &ack, true))
			break;
		bool close_it = ack.close;

		rapi_response_free(&ack);
		if (close_it) {
			close(c.fd);
			c.fd = -1;
		}
	}
	rapi_conn_free(&c);
	return 1;
}
