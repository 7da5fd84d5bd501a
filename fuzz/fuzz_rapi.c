// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: the Runtime API emulator's request handling (src/rapi.h).
 *
 * The emulator is started once, in LLVMFuzzerInitialize(). Each input is the
 * raw bytes a client sends on one connection: connect to 127.0.0.1:port over
 * TCP, send them, shut the write side down, read the reply until the server
 * closes or REPLY_IDLE_MS pass without data, close. Every "@ID@" in the input
 * is replaced by the current invocation's request id first, so inputs can
 * reach the response/error paths of a live invocation.
 *
 * libmicrohttpd keeps a keep-alive connection open after the client's
 * half-close, so a last request with "Connection: close" (END_REQUEST) follows
 * the input: once the input's own requests are answered, the server closes
 * and the next input starts without waiting out the timeout. (When the input
 * ends inside a request, those bytes continue it.)
 *
 * A new invocation is armed every ARM_EVERY inputs (none before the first
 * ARM_EVERY), and also when the reply stalls: a GET next that long-polls
 * (nothing armed, or the event already out) holds the connection until an
 * invocation is armed, which answers it 410. So inputs meet the unarmed
 * emulator, an armed one (GET next gets the event) and one whose event is
 * out (responses, errors, long polls). The emulator's state carries over
 * between inputs, so a crash may need the inputs before it.
 *
 * The emulator is also restarted every RESTART_EVERY inputs: libmicrohttpd
 * keeps some connections that the client half-closed (a request with an
 * unknown Transfer-Encoding, for one), and the emulator sets no connection
 * timeout, so they would pile up to libmicrohttpd's connection limit, after
 * which nothing is answered and the fuzzing would test nothing.
 *
 * The emulator runs in libmicrohttpd's thread in this process, so ASan/UBSan
 * catch memory errors in rapi.c's callbacks. After each input the status is
 * read and checked (state in range, strings NUL-terminated, the times of the
 * state's steps recorded).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rapi.h"

#define ARM_EVERY		16
#define RESTART_EVERY		1024
#define REPLY_IDLE_MS		10
#define ID_TOKEN		"@ID@"
#define EVENT			"{\"fuzz\":true}"
#define END_REQUEST		"GET /fuzz-end HTTP/1.1\r\nConnection: close\r\n\r\n"

static struct rapi *api;
static uint16_t port;
static unsigned long inputs;

static void die(const char *what)
{
	fprintf(stderr, "fuzz_rapi: %s (input %lu)\n", what, inputs);
	abort();
}

static void stop_api(void)
{
	rapi_stop(api);
	api = NULL;
}

static void start_api(void)
{
	char err[256];

	api = rapi_start(EVENT, strlen(EVENT), err, sizeof(err));
	if (!api) {
		fprintf(stderr, "fuzz_rapi: %s\n", err);
		exit(1);
	}
	port = rapi_port(api);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	start_api();
	atexit(stop_api);
	return 0;
}

/* data with every ID_TOKEN replaced by id, then END_REQUEST; malloc'd,
 * length in *out_len. */
static char *substitute(const uint8_t *data, size_t size, const char *id, size_t *out_len)
{
	size_t tl = strlen(ID_TOKEN), il = strlen(id), n = 0, i = 0;
	char *out;

	out = malloc(size / tl * il + size + sizeof(END_REQUEST));
	if (!out)
		return NULL;
	while (i < size) {
		if (size - i >= tl && !memcmp(data + i, ID_TOKEN, tl)) {
			memcpy(out + n, id, il);
			n += il;
			i += tl;
		} else {
			out[n++] = (char)data[i++];
		}
	}
	memcpy(out + n, END_REQUEST, strlen(END_REQUEST));
	*out_len = n + strlen(END_REQUEST);
	return out;
}

/* connect() failed: true if only a signal (libFuzzer's timer) interrupted it
 * and the connection then completed. */
static bool connecting(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = 0, pr;

	if (errno != EINTR && errno != EINPROGRESS)
		return false;
	do
		pr = poll(&pfd, 1, 5000);
	while (pr < 0 && errno == EINTR);
	if (pr <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		return false;
	if (err)
		errno = err;
	return err == 0;
}

static int connect_api(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, one = 1;

	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 && !connecting(fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send everything that the server takes; it may close early (bad request). */
static void send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* Read until EOF or an error (true), or REPLY_IDLE_MS without data (false). */
static bool drain(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[4096];

	for (;;) {
		ssize_t n;
		int pr = poll(&pfd, 1, REPLY_IDLE_MS);

		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0)
			return false;
		if (pr < 0)
			return true;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return true;
	}
}

static void check_status(const struct rapi_status *st)
{
	if (st->state > RAPI_INIT_ERRORED)
		die("state out of range");
	if (!memchr(st->request_id, '\0', sizeof(st->request_id)) ||
	    !memchr(st->error_type, '\0', sizeof(st->error_type)) ||
	    !memchr(st->error_message, '\0', sizeof(st->error_message)) ||
	    !memchr(st->error_json_type, '\0', sizeof(st->error_json_type)))
		die("a status string is not NUL-terminated");
	if (st->state >= RAPI_RESPONDED && !st->response_received_ns)
		die("answered without a response time");
	if (st->state != RAPI_WAITING && st->state != RAPI_INIT_ERRORED && !st->event_sent_ns)
		die("event out or answered but never sent");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rapi_status st;
	size_t len = 0;
	char *req;
	int fd;

	inputs++;
	if (inputs % RESTART_EVERY == 0) {
		stop_api();
		start_api();
	}
	if (inputs % ARM_EVERY == 0)
		rapi_new_invocation(api, NULL);
	rapi_status(api, &st);
	check_status(&st);

	req = substitute(data, size, st.request_id, &len);
	if (!req)
		return 0;
	fd = connect_api();
	if (fd < 0) {
		perror("fuzz_rapi: connect");
		exit(1);
	}
	send_all(fd, req, len);
	shutdown(fd, SHUT_WR);
	if (!drain(fd)) {
		/* stalled, most likely a long poll: arming answers it 410 */
		rapi_new_invocation(api, NULL);
		drain(fd);
	}
	close(fd);
	free(req);

	rapi_status(api, &st);
	check_status(&st);
	return 0;
}
