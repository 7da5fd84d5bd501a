// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Runtime API request classification from captured write prefixes. Pure. */
#include <string.h>
#include <strings.h>
#include "httpclass.h"

static const struct {
	const char *name;
	size_t len;
} methods[] = {
	{ "GET", 3 }, { "POST", 4 }, { "PUT", 3 }, { "HEAD", 4 },
	{ "DELETE", 6 }, { "PATCH", 5 }, { "OPTIONS", 7 },
};

#define N_METHODS (sizeof(methods) / sizeof(methods[0]))

/* Index of the method that buf starts with, followed by SP; -1 if none. */
static int method_index(const char *buf, size_t len)
{
	for (size_t i = 0; i < N_METHODS; i++) {
		size_t ml = methods[i].len;

		if (len > ml && buf[ml] == ' ' && memcmp(buf, methods[i].name, ml) == 0)
			return (int)i;
	}
	return -1;
}

/* buf (len > 0) is a strict prefix of "METHOD " for some method. */
static bool method_prefix(const char *buf, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < N_METHODS; i++) {
		size_t ml = methods[i].len;

		if (len <= ml && memcmp(buf, methods[i].name, len) == 0)
			return true;
	}
	return false;
}

/* buf begins a request: method + SP, or a strict prefix of that. */
static bool begins_request(const char *buf, size_t len)
{
	return method_index(buf, len) >= 0 || method_prefix(buf, len);
}

/* path (not NUL-terminated) equals the C string s. */
static bool path_is(const char *path, size_t len, const char *s)
{
	size_t sl = strlen(s);

	return len == sl && memcmp(path, s, sl) == 0;
}

static bool path_starts(const char *path, size_t len, const char *s)
{
	size_t sl = strlen(s);

	return len >= sl && memcmp(path, s, sl) == 0;
}

static enum rapi_req classify_path(const char *method, const char *p, size_t len)
{
	bool get = strcmp(method, "GET") == 0;
	bool post = strcmp(method, "POST") == 0;
	const char *inv = RAPI_PATH_PREFIX RAPI_PATH_INVOCATION;
	const char *id, *slash, *end = p + len;

	if (path_is(p, len, RAPI_PATH_PREFIX RAPI_PATH_NEXT))
		return get ? RAPI_REQ_NEXT : RAPI_REQ_OTHER;
	if (path_is(p, len, RAPI_PATH_PREFIX RAPI_PATH_INIT_ERROR))
		return post ? RAPI_REQ_INIT_ERROR : RAPI_REQ_OTHER;
	if (!post || !path_starts(p, len, inv))
		return RAPI_REQ_OTHER;
	id = p + strlen(inv);
	slash = memchr(id, '/', (size_t)(end - id));
	if (!slash || slash == id)
		return RAPI_REQ_OTHER;	/* no id, or empty id */
	if (path_is(slash, (size_t)(end - slash), "/" RAPI_PATH_RESPONSE))
		return RAPI_REQ_RESPONSE;
	if (path_is(slash, (size_t)(end - slash), "/" RAPI_PATH_ERROR))
		return RAPI_REQ_ERROR;
	return RAPI_REQ_OTHER;
}

enum rapi_req rapi_classify_line(const char *buf, size_t len)
{
	const char *t, *p;
	size_t tl, pl, rest;
	int m;

	if (!buf)
		return RAPI_REQ_NONE;
	m = method_index(buf, len);
	if (m < 0)
		return RAPI_REQ_NONE;
	t = buf + methods[m].len + 1;
	rest = len - methods[m].len - 1;
	for (tl = 0; tl < rest; tl++) {
		if (t[tl] == ' ' || t[tl] == '\r' || t[tl] == '\n')
			break;
	}
	if (tl == rest)
		return RAPI_REQ_NONE;	/* target not ended yet */

	/* absolute-form "http://host:port/path": keep the path */
	p = t;
	pl = tl;
	if ((pl >= 7 && strncasecmp(p, "http://", 7) == 0) ||
	    (pl >= 8 && strncasecmp(p, "https://", 8) == 0)) {
		size_t skip = p[4] == ':' ? 7 : 8;	/* "http://" or "https://" */
		const char *slash = memchr(p + skip, '/', pl - skip);

		if (!slash)
			return RAPI_REQ_OTHER;
		pl -= (size_t)(slash - p);
		p = slash;
	}
	/* drop query string and fragment */
	for (size_t i = 0; i < pl; i++) {
		if (p[i] == '?' || p[i] == '#') {
			pl = i;
			break;
		}
	}
	return classify_path(methods[m].name, p, pl);
}

void httpclass_init(struct httpclass_conn *c)
{
	if (c)
		memset(c, 0, sizeof(*c));
}

/* Append a write to the request line being assembled and try to classify it. */
static enum rapi_req continue_line(struct httpclass_conn *c, const char *data, size_t cap,
				   size_t len)
{
	size_t room = HTTPCLASS_LINE_MAX - c->line_len;
	size_t take = cap < room ? cap : room;
	enum rapi_req r;

	if (take)
		memcpy(c->line + c->line_len, data, take);
	c->line_len += take;
	r = rapi_classify_line(c->line, c->line_len);
	/* The line can never complete: it overflowed, the rest of this write
	 * was not captured, or the "method" turned out not to be one. */
	if (r == RAPI_REQ_NONE &&
	    (take < cap || c->line_len == HTTPCLASS_LINE_MAX || cap < len ||
	     !begins_request(c->line, c->line_len)))
		r = RAPI_REQ_OTHER;
	if (r != RAPI_REQ_NONE)
		c->in_line = false;
	c->current = r;
	return r;
}

enum rapi_req httpclass_feed(struct httpclass_conn *c, const void *data, size_t cap,
			     size_t len, bool *starts)
{
	const char *d = data;

	if (starts)
		*starts = false;
	if (!c)
		return RAPI_REQ_NONE;
	if (!d)
		cap = 0;
	if (cap > len)
		cap = len;
	if (c->in_line)
		return continue_line(c, d, cap, len);
	if (cap == 0 || !begins_request(d, cap))
		return c->current;	/* headers, body, chunks of the current request */

	c->requests++;
	if (starts)
		*starts = true;
	c->line_len = 0;
	c->in_line = true;
	c->current = RAPI_REQ_NONE;
	return continue_line(c, d, cap, len);
}
