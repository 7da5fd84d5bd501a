/*
 * A network namespace of the run's own for the Runtime API: created once (unshare(CLONE_NEWNET)
 * in a short-lived thread, so the profiler itself stays in the host's), `lo` brought up in it,
 * the emulator's listening sockets made there, and an fd kept open on it. Each cold start's
 * processes join it (setns) before they drop privileges: from the host nothing can connect,
 * and inside it only what the profiler puts there (or root, with nsenter) can.
 */
#ifndef NETNS_H
#define NETNS_H
#include <stddef.h>
#include <stdint.h>

struct netns_listen {
	int ns_fd;		/* the namespace (O_CLOEXEC): setns(ns_fd, CLONE_NEWNET) */
	int fd4, fd6;		/* listening on 127.0.0.1:port and [::1]:port (fd6 -1: no IPv6) */
	uint16_t port;
};

/* Make the namespace and its listeners. Returns 0, or -1 with why in err (not permitted:
 * the caller falls back to the host's loopback) and nothing left open. */
int netns_listen(struct netns_listen *out, char *err, size_t errlen);
#endif
