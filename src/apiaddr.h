/*
 * The Runtime API's address as `profiler trace` knows it: given with --api
 * HOST:PORT or found in a bootstrap's AWS_LAMBDA_RUNTIME_API, then matched
 * against the sockaddr each CONNECT event captured, so that only the
 * connections to the Runtime API reach the timeline. Pure, but for
 * api_addr_from_environ, which reads a file.
 */
#ifndef APIADDR_H
#define APIADDR_H
#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>
#include "profiler_events.h"

struct api_addr {
	int family;		/* AF_INET or AF_INET6; 0: unknown */
	uint8_t addr[16];	/* network order: 4 bytes for AF_INET, 16 for AF_INET6 */
	uint16_t port;		/* host order */
};

/*
 * HOST:PORT, split at the last colon. HOST: a numeric IPv4 address, a numeric
 * IPv6 one (in brackets, [::1]:9001, or bare, ::1:9001) or localhost (taken as
 * 127.0.0.1; no name is resolved); PORT: 1 to 65535 in decimal, nothing after
 * it. Returns 0, or -1 for anything else (family is then 0).
 */
int api_addr_parse(const char *s, struct api_addr *a);

/*
 * AWS_LAMBDA_RUNTIME_API of an environment block read from path: NUL-separated
 * VAR=value entries, as /proc/PID/environ holds them (at most 1 MiB). The first
 * entry of that name decides. Returns 0, or -1 when the file cannot be read, has
 * no such entry or its value is not HOST:PORT as api_addr_parse takes it (*a
 * untouched when the file cannot be read).
 */
int api_addr_from_environ(const char *path, struct api_addr *a);

/*
 * Does the sockaddr a CONNECT event captured (data[]: a struct sockaddr_in or
 * sockaddr_in6, cap_len bytes of it) point at a? The same family, port and
 * address; an IPv4 address also matches as an IPv4-mapped IPv6 one
 * (::ffff:a.b.c.d). A capture too short for its family never matches.
 */
bool api_addr_connect_matches(const struct prof_event *e, const struct api_addr *a);
#endif
