// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The Runtime API's address: parsed, read from an environment, matched. See apiaddr.h. */
#include "apiaddr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "util.h"

int api_addr_parse(const char *s, struct api_addr *a)
{
	char host[256];
	const char *colon = strrchr(s, ':');
	unsigned long port;
	char *end;

	memset(a, 0, sizeof(*a));
	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtoul(colon + 1, &end, 10);
	if (*end || !port || port > 65535)
		return -1;
	a->port = (uint16_t)port;
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		memmove(host, host + 1, strlen(host));
	}
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, a->addr) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, host, a->addr) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

int api_addr_from_environ(const char *path, struct api_addr *a)
{
	static const char key[] = "AWS_LAMBDA_RUNTIME_API=";
	char *buf, *p;
	size_t len;
	int ret = -1;

	buf = read_file_all(path, 1 << 20, &len);
	if (!buf)
		return -1;
	for (p = buf; p < buf + len; p += strlen(p) + 1) {
		if (!strncmp(p, key, sizeof(key) - 1)) {
			ret = api_addr_parse(p + sizeof(key) - 1, a);
			break;
		}
	}
	free(buf);
	return ret;
}

bool api_addr_connect_matches(const struct prof_event *e, const struct api_addr *a)
{
	uint16_t fam, port;

	if (e->cap_len < 8)
		return false;
	memcpy(&fam, e->data, 2);
	memcpy(&port, e->data + 2, 2);
	if (ntohs(port) != a->port)
		return false;
	if (fam == AF_INET)
		return a->family == AF_INET && !memcmp(e->data + 4, a->addr, 4);
	if (fam == AF_INET6 && e->cap_len >= 24) {
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

		if (a->family == AF_INET6)
			return !memcmp(e->data + 8, a->addr, 16);
		return !memcmp(e->data + 8, mapped, 12) && !memcmp(e->data + 20, a->addr, 4);
	}
	return false;
}
