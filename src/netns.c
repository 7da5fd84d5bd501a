#include "netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define LISTEN_BACKLOG 512

struct ns_job {
	struct netns_listen *out;
	char *err;
	size_t errlen;
	int rc;
};

static int lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (!ioctl(s, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return rc;
}

/* A listening TCP socket on addr (port 0: any), non-blocking as the daemon wants it. */
static int listen_on(const struct sockaddr *sa, socklen_t len)
{
	int one = 1, s = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (sa->sa_family == AF_INET6)
		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(s, sa, len) || listen(s, LISTEN_BACKLOG)) {
		int e = errno;

		close(s);
		errno = e;
		return -1;
	}
	return s;
}

static int make_listeners(struct netns_listen *o)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof(sin);

	o->fd4 = listen_on((struct sockaddr *)&sin, sizeof(sin));
	if (o->fd4 < 0 || getsockname(o->fd4, (struct sockaddr *)&sin, &len))
		return -1;
	o->port = ntohs(sin.sin_port);
	sin6.sin6_port = sin.sin_port;
	o->fd6 = listen_on((struct sockaddr *)&sin6, sizeof(sin6));	/* optional */
	return 0;
}

/* The thread that enters the new namespace: namespaces are per thread, so the profiler's
 * other threads (and the daemons' accepted sockets, made from the listeners) are untouched. */
static void *ns_thread(void *p)
{
	struct ns_job *j = p;
	struct netns_listen *o = j->out;
	const char *step = "unshare(CLONE_NEWNET)";

	j->rc = -1;
	if (unshare(CLONE_NEWNET))
		goto fail;
	step = "bringing up lo";
	if (lo_up())
		goto fail;
	step = "opening the namespace";
	o->ns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (o->ns_fd < 0)
		goto fail;
	step = "listening on its 127.0.0.1";
	if (make_listeners(o))
		goto fail;
	j->rc = 0;
	return NULL;
fail:
	snprintf(j->err, j->errlen, "%s: %s", step, strerror(errno));
	return NULL;
}

int netns_listen(struct netns_listen *out, char *err, size_t errlen)
{
	struct ns_job j = { .out = out, .err = err, .errlen = errlen, .rc = -1 };
	pthread_t th;
	int e;

	out->ns_fd = out->fd4 = out->fd6 = -1;
	out->port = 0;
	e = pthread_create(&th, NULL, ns_thread, &j);
	if (e) {
		snprintf(err, errlen, "cannot start a thread: %s", strerror(e));
		return -1;
	}
	pthread_join(th, NULL);
	if (j.rc) {
		if (out->fd4 >= 0)
			close(out->fd4);
		if (out->fd6 >= 0)
			close(out->fd6);
		if (out->ns_fd >= 0)
			close(out->ns_fd);
		out->ns_fd = out->fd4 = out->fd6 = -1;
	}
	return j.rc;
}
