// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: the lambda-perf reader (lp_from_json in src/lambda_perf.h).
 *
 * The input is the file's bytes, passed with their length (no NUL added: the
 * reader takes text[0..len-1]). Checked:
 * - an error is one non-empty line and leaves the data zeroed;
 * - every entry read holds what the header promises (NUL-terminated names,
 *   p "zip" when not given, n_i values in i, finite non-negative numbers);
 * - what was read encodes (lp_to_json), the encoding reads back with the
 *   same entries, and encoding that again gives the same text;
 * - lp_match() returns indices of matching entries in acd order.
 * A violated invariant aborts: libFuzzer reports it as a crash.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lambda_perf.h"

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_lambda_perf: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	abort();
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static bool terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static bool ok_num(double v, bool optional)
{
	if (isnan(v))
		return optional;
	return isfinite(v) && v >= 0;
}

static void check_data(const struct lp_data *d)
{
	size_t k, j;

	if (!terminated(d->generated_at, sizeof(d->generated_at)))
		die("generated_at is not NUL-terminated", NULL);
	if (d->n && !d->rt)
		die("entries counted but none allocated", NULL);
	if (d->format != LP_FORMAT_SHORT && d->format != LP_FORMAT_LONG)
		die("format out of range", NULL);
	for (k = 0; k < d->n; k++) {
		const struct lp_runtime *rt = &d->rt[k];

		if (!terminated(rt->r, sizeof(rt->r)) || !terminated(rt->d, sizeof(rt->d)) ||
		    !terminated(rt->p, sizeof(rt->p)) || !terminated(rt->a, sizeof(rt->a)))
			die("a name is not NUL-terminated", NULL);
		if (!rt->p_given && strcmp(rt->p, "zip"))
			die("package type not given but not \"zip\"", rt->p);
		if (rt->n_i && !rt->i)
			die("init durations counted but not allocated", NULL);
		for (j = 0; j < rt->n_i; j++)
			if (!ok_num(rt->i[j], false))
				die("an init duration is not a finite non-negative number", NULL);
		if (!ok_num(rt->acd, false) || !ok_num(rt->ad, true) || !ok_num(rt->mu, true))
			die("acd/ad/mu out of range", NULL);
		if (rt->m == 0)
			die("memory size 0 read without error", NULL);
	}
}

static void check_match(const struct lp_data *d)
{
	size_t *idx = NULL, j;
	long n;

	if (!d->n)
		return;
	/* the first entry's own key matches at least that entry */
	n = lp_match(d, d->rt[0].m, d->rt[0].a, d->rt[0].p, &idx);
	if (n < 1 || !idx)
		die("lp_match does not find the entry it was given", NULL);
	for (j = 0; j < (size_t)n; j++) {
		const struct lp_runtime *rt;

		if (idx[j] >= d->n)
			die("lp_match index out of range", NULL);
		rt = &d->rt[idx[j]];
		if (rt->m != d->rt[0].m || strcmp(rt->a, d->rt[0].a) || strcmp(rt->p, d->rt[0].p))
			die("lp_match returned an entry that does not match", NULL);
		if (j && d->rt[idx[j - 1]].acd > rt->acd)
			die("lp_match result is not sorted by acd", NULL);
	}
	free(idx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lp_data d, d2;
	char err[256], err2[256];
	char *enc1, *enc2;

	if (lp_from_json((const char *)data, size, &d, err, sizeof(err)) != 0) {
		if (!err[0])
			die("failed without an error message", NULL);
		if (strchr(err, '\n'))
			die("error message is not one line", err);
		if (!all_zero(&d, sizeof(d)))
			die("failed but left the data non-zero", err);
		lp_free(&d);
		return 0;
	}
	check_data(&d);
	check_match(&d);

	enc1 = lp_to_json(&d);
	if (!enc1)
		die("lp_to_json failed on what was read", NULL);
	if (lp_from_json(enc1, strlen(enc1), &d2, err2, sizeof(err2)) != 0) {
		fprintf(stderr, "--- encoding\n%s", enc1);
		die("the encoding of what was read does not read back", err2);
	}
	check_data(&d2);
	if (d2.n != d.n)
		die("the re-read data has another number of entries", NULL);
	enc2 = lp_to_json(&d2);
	if (!enc2)
		die("lp_to_json failed on the re-read data", NULL);
	if (strcmp(enc1, enc2)) {
		fprintf(stderr, "--- first encoding\n%s--- second encoding\n%s", enc1, enc2);
		die("encode(decode(encode(x))) differs from encode(x)", NULL);
	}
	free(enc1);
	free(enc2);
	lp_free(&d2);
	lp_free(&d);
	lp_free(NULL);
	return 0;
}
