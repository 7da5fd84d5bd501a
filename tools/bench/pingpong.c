/*
 * pingpong: the floor under the emulator's /next round trip on this machine.
 *
 * A server thread waits in epoll_wait on an accepted loopback TCP connection, reads a
 * request and answers it; the client thread writes a request of the size of a GET /next
 * (129 bytes) with one write() and reads the answer (the size of the sample's event
 * response, 422 bytes) with one blocking read(), N times, 1 ms apart (the server sleeps
 * between requests, as the emulator does between cold starts). The round trip is timed
 * with CLOCK_MONOTONIC from just before the write to just after the read: what loopback
 * TCP and two thread wake-ups cost here, with no HTTP and no emulator.
 *
 *   pingpong N same|cross|free
 *     same   both threads pinned to CPU 0
 *     cross  client on CPU 0, server on CPU 1
 *     free   no pinning (where the scheduler puts them)
 * Prints one round trip in ns per line.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define REQ 129
#define RESP 422

static int listen_fd;
static int server_cpu = -1;

static void die(const char *what)
{
	fprintf(stderr, "pingpong: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static size_t io_full(int fd, char *buf, size_t len, int rd)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = rd ? read(fd, buf + done, len - done) : write(fd, buf + done, len - done);

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return done;
		}
		done += (size_t)n;
	}
	return done;
}

static void *server(void *arg)
{
	char req[REQ], resp[RESP];
	struct epoll_event ev = { .events = EPOLLIN };
	int one = 1, fd, ep;

	(void)arg;
	pin(server_cpu);
	memset(resp, 'r', sizeof(resp));
	fd = accept(listen_fd, NULL, NULL);
	if (fd < 0)
		die("accept");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ep = epoll_create1(0);
	ev.data.fd = fd;
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		die("epoll");
	for (;;) {
		if (epoll_wait(ep, &ev, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		if (io_full(fd, req, sizeof(req), 1) != sizeof(req))
			break;	/* the client closed */
		if (io_full(fd, resp, sizeof(resp), 0) != sizeof(resp))
			break;
	}
	close(fd);
	return NULL;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	char req[REQ], resp[RESP];
	struct timespec gap = { 0, 1000000 };
	int n, client_cpu = -1, one = 1, fd;
	pthread_t th;

	if (argc != 3 || (n = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: pingpong N same|cross|free\n");
		return 2;
	}
	if (!strcmp(argv[2], "same")) {
		client_cpu = server_cpu = 0;
	} else if (!strcmp(argv[2], "cross")) {
		client_cpu = 0;
		server_cpu = 1;
	} else if (strcmp(argv[2], "free")) {
		fprintf(stderr, "pingpong: placement must be same, cross or free\n");
		return 2;
	}
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(listen_fd, 1) || getsockname(listen_fd, (struct sockaddr *)&a, &alen))
		die("listen");
	if (pthread_create(&th, NULL, server, NULL))
		die("pthread_create");
	pin(client_cpu);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		die("connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	memset(req, 'q', sizeof(req));
	for (int i = 0; i < n + 10; i++) {
		unsigned long long t0, t1;

		nanosleep(&gap, NULL);
		t0 = now_ns();
		if (io_full(fd, req, sizeof(req), 0) != sizeof(req) ||
		    io_full(fd, resp, sizeof(resp), 1) != sizeof(resp))
			die("round trip");
		t1 = now_ns();
		if (i >= 10)	/* the first ones warm the connection up */
			printf("%llu\n", t1 - t0);
	}
	close(fd);
	pthread_join(th, NULL);
	return 0;
}
