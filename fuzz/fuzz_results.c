// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: the results JSON reader (results_from_json in src/results.h).
 *
 * The input is the JSON text (a NUL is appended; text after an embedded NUL
 * is not seen, as with any C string). Checked:
 * - an error is one non-empty line and leaves the struct zeroed;
 * - what was read encodes (results_to_json) and the encoding reads back;
 * - encode/decode reaches a fixed point after one pass: the first encoding
 *   rounds measurements to the microsecond and cuts strings to their fields,
 *   and the stats it holds are those of the unrounded values, so only from
 *   the second encoding on must decode + encode give the same text.
 * A violated invariant aborts: libFuzzer reports it as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_results: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
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

static void check_error(const struct results *r, const char *err)
{
	if (!err[0])
		die("failed without an error message", NULL);
	if (strchr(err, '\n'))
		die("error message is not one line", err);
	if (!all_zero(r, sizeof(*r)))
		die("failed but left the results non-zero", err);
}

static void check_counts(const struct results *r)
{
	if (r->n_inv == 0 || !r->inv)
		die("read without error but holds no invocation", NULL);
	if (r->n_ok + r->n_failed != r->n_inv)
		die("n_ok + n_failed != n_inv", NULL);
	if (r->total.n > r->n_ok || r->init.n > r->n_ok || r->handler.n > r->n_ok)
		die("stats over more samples than successful cold starts", NULL);
}

/* Decode text (must succeed), check it, encode it again; malloc'd. */
static char *reencode(const char *text)
{
	struct results r;
	char err[256], *enc;

	if (results_from_json(text, &r, err, sizeof(err)) != 0) {
		fprintf(stderr, "--- encoding\n%s", text);
		die("an encoding does not read back", err);
	}
	check_counts(&r);
	enc = results_to_json(&r);
	results_free(&r);
	if (!enc)
		die("results_to_json failed on the re-read results", NULL);
	return enc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct results r;
	char err[256];
	char *text, *enc1, *enc2, *enc3;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(err, 'x', sizeof(err));
	if (results_from_json(text, &r, err, sizeof(err)) != 0) {
		check_error(&r, err);
		results_free(&r);
		free(text);
		return 0;
	}
	free(text);
	check_counts(&r);

	enc1 = results_to_json(&r);
	results_free(&r);
	if (!enc1)
		die("results_to_json failed on what was read", NULL);
	enc2 = reencode(enc1);
	enc3 = reencode(enc2);
	if (strcmp(enc2, enc3)) {
		fprintf(stderr, "--- second encoding\n%s--- third encoding\n%s", enc2, enc3);
		die("encode/decode is not a fixed point after one pass", NULL);
	}
	free(enc1);
	free(enc2);
	free(enc3);

	/* the NULL-tolerant entry points */
	results_free(NULL);
	if (results_from_json(NULL, &r, err, sizeof(err)) == 0)
		die("results_from_json(NULL) succeeded", NULL);
	return 0;
}
