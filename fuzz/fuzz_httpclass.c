// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: request classification (src/httpclass.h).
 *
 * The input is read three ways:
 * 1. the whole input is one request line for rapi_classify_line();
 * 2. a stream of writes on one connection for httpclass_feed(). Each write is
 *    two header bytes, then its captured bytes:
 *      byte 0  cap: bytes captured (cut to what is left of the input)
 *      byte 1  extra: the write was cap + extra bytes long (extra > 0: the
 *              capture is truncated); with cap == 0 an odd extra passes NULL
 *    Checked after every write: the documented invariants of the stream
 *    state (see check_feed()).
 * 3. byte 0 picks a split point in the next (up to) 128 bytes: fed as one
 *    write and as two writes, a request line split across writes must be
 *    classified as the same line in one write.
 * A violated invariant aborts: libFuzzer reports it as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpclass.h"

#define CAPTURE_LEN 128	/* PROF_CAPTURE_LEN: what the BPF side captures */

static void die(const char *what, size_t at)
{
	fprintf(stderr, "fuzz_httpclass: %s (write at input offset %zu)\n", what, at);
	abort();
}

static void check_req(enum rapi_req r, size_t at)
{
	if (r > RAPI_REQ_OTHER || !strcmp(rapi_req_name(r), "unknown"))
		die("request type out of range", at);
}

/* One httpclass_feed() call and the invariants httpclass.h states for it. */
static void check_feed(struct httpclass_conn *c, const uint8_t *d, size_t cap, size_t len,
		       size_t at)
{
	unsigned before = c->requests;
	enum rapi_req r, whole;
	bool starts = true;

	r = httpclass_feed(c, d, cap, len, &starts);
	check_req(r, at);
	check_req(c->current, at);
	if (c->line_len > HTTPCLASS_LINE_MAX)
		die("line_len beyond HTTPCLASS_LINE_MAX", at);
	if (r != c->current)
		die("returned type differs from the connection's current request", at);
	if (c->requests != before + (starts ? 1u : 0u))
		die("request count does not follow *starts", at);
	/* NONE only while a request line is incomplete or before any request */
	if (r == RAPI_REQ_NONE && !c->in_line && c->requests != 0)
		die("NONE returned outside a request line after a request started", at);
	if (starts && (!d || cap == 0))
		die("a write with no captured bytes started a request", at);
	/* a write that starts a request and holds its whole line in the
	 * capture is classified as rapi_classify_line() classifies it */
	if (starts) {
		whole = rapi_classify_line((const char *)d, cap);
		if (whole != RAPI_REQ_NONE && whole != r)
			die("stream and line classification disagree", at);
	}
}

static void stream(const uint8_t *data, size_t size)
{
	struct httpclass_conn c;
	size_t off = 0;

	httpclass_init(&c);
	while (off + 2 <= size) {
		size_t cap = data[off], extra = data[off + 1], at = off;
		const uint8_t *d;

		off += 2;
		if (cap > size - off)
			cap = size - off;
		d = data + off;
		if (cap == 0 && (extra & 1))
			d = NULL;
		check_feed(&c, d, cap, cap + extra, at);
		off += cap;
	}
	/* the NULL-tolerant entry points */
	httpclass_init(NULL);
	if (httpclass_feed(NULL, data, size, size, NULL) != RAPI_REQ_NONE)
		die("httpclass_feed(NULL, ...) is not NONE", 0);
}

/* A line split over two writes is the same line as in one write. */
static void split(const uint8_t *data, size_t size)
{
	struct httpclass_conn one, two;
	size_t n, k;
	enum rapi_req r1, r2a, r2b;
	bool s1, s2;

	if (size < 2)
		return;
	n = size - 1 < CAPTURE_LEN ? size - 1 : CAPTURE_LEN;
	k = data[0] % (n + 1);
	data++;
	if (k == 0)
		return;
	httpclass_init(&one);
	httpclass_init(&two);
	r1 = httpclass_feed(&one, data, n, n, &s1);
	r2a = httpclass_feed(&two, data, k, k, &s2);
	if (!s1 || !s2 || r2a != RAPI_REQ_NONE)
		return;	/* not one request line split at k */
	r2b = httpclass_feed(&two, data + k, n - k, n - k, &s2);
	if (s2)
		die("the second part of a split line started a request", k);
	if (r1 != r2b)
		die("a line split over two writes is classified differently", k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_req(rapi_classify_line((const char *)data, size), 0);
	stream(data, size);
	split(data, size);
	return 0;
}
