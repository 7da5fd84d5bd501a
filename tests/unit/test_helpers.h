/*
 * Helpers the unit tests share (include after <cmocka.h>):
 *   assert_near(a, b, eps)   |a - b| <= eps, both printed in full when not
 *   test_rng_next(&s)        xorshift64*: the same sequence from the same seed, on any host
 *   json_mutate(...)         one random edit of a JSON text (a byte, a cut, a token, a copied
 *                            chunk, a damaged number): the bad inputs of the readers' fuzz tests
 *   test_tmpdir_make/_remove a fresh folder under /tmp for a test's own files, and its removal
 *   test_event(...)          a kernel event record (profiler_events.h) with the fields every
 *                            sequence sets, the rest zero: the files' own builders add theirs
 * Each is static (unused ones cost nothing): a test file includes this header instead of a copy.
 */
#ifndef TEST_HELPERS_H
#define TEST_HELPERS_H
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>
#include "profiler_events.h"

#define assert_near(a, b, eps)							\
	do {									\
		double a_ = (a), b_ = (b);					\
		if (!(fabs(a_ - b_) <= (eps))) {				\
			print_error("%s = %.17g, expected %.17g (+-%g)\n",	\
				    #a, a_, b_, (double)(eps));			\
			fail();							\
		}								\
	} while (0)

static __attribute__((unused)) uint64_t test_rng_next(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/* One random edit of the JSON text buf (*len bytes in and out, room for cap), inserting one of
 * the n tokens when it inserts. */
static __attribute__((unused)) void json_mutate(char *buf, size_t *len, size_t cap, uint64_t *s,
						const char *const *tokens, size_t n_tokens)
{
	size_t n = *len, pos = n ? test_rng_next(s) % n : 0, k;
	const char *tok;

	switch (test_rng_next(s) % 6) {
	case 0:	/* any byte, NUL included */
		if (n)
			buf[pos] = (char)(test_rng_next(s) & 0xff);
		break;
	case 1:	/* delete a range */
		k = test_rng_next(s) % 16 + 1;
		if (pos + k > n)
			k = n - pos;
		memmove(buf + pos, buf + pos + k, n - pos - k);
		*len = n - k;
		break;
	case 2:	/* truncate */
		*len = pos;
		break;
	case 3:	/* insert a JSON token */
		tok = tokens[test_rng_next(s) % n_tokens];
		k = strlen(tok);
		if (n + k <= cap) {
			memmove(buf + pos + k, buf + pos, n - pos);
			memcpy(buf + pos, tok, k);
			*len = n + k;
		}
		break;
	case 4:	/* duplicate a chunk */
		k = test_rng_next(s) % 64 + 1;
		if (pos + k <= n && n + k <= cap) {
			memmove(buf + pos + k, buf + pos, n - pos);
			*len = n + k;
		}
		break;
	default:	/* damage a number */
		for (k = 0; k < n; k++) {
			size_t q = (pos + k) % n;

			if (buf[q] >= '0' && buf[q] <= '9') {
				buf[q] = "9-.eE+x\""[test_rng_next(s) % 8];
				break;
			}
		}
		break;
	}
}

/* mkdtemp of "/tmp/NAME-XXXXXX" into dir (at least 64 bytes); 0 or -1. */
static __attribute__((unused)) int test_tmpdir_make(char *dir, size_t len, const char *name)
{
	if ((size_t)snprintf(dir, len, "/tmp/%s-XXXXXX", name) >= len)
		return -1;
	return mkdtemp(dir) ? 0 : -1;
}

/* rm -rf dir (a folder test_tmpdir_make made); 0 or -1. */
static __attribute__((unused)) int test_tmpdir_remove(const char *dir)
{
	char cmd[4200];

	if (!dir[0] || strncmp(dir, "/tmp/", 5) || strchr(dir, '\''))
		return -1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* An event of type on thread pid of process tgid, in root's tree, at ts (end_ns end, ret). */
static __attribute__((unused)) struct prof_event test_event(uint32_t type, uint32_t root,
							    uint32_t tgid, uint32_t pid,
							    uint64_t ts, uint64_t end, int64_t ret)
{
	struct prof_event e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.root = root;
	e.tgid = tgid;
	e.pid = pid;
	e.ts_ns = ts;
	e.end_ns = end;
	e.ret = ret;
	return e;
}
#endif
