/*
 * Bench bootstraps take their parameters from their own file name, since the
 * profiler hands a bootstrap Lambda's environment and no arguments:
 * "writes-1000000-t4" is the writes bootstrap with 1,000,000 writes from 4
 * threads. One binary, several hard links or copies.
 */
#ifndef BENCH_NAME_H
#define BENCH_NAME_H

#include <stdlib.h>
#include <string.h>

/* The base name of argv[0]. */
static __attribute__((unused)) const char *bench_base(const char *argv0)
{
	const char *s = strrchr(argv0, '/');

	return s ? s + 1 : argv0;
}

/* The number after "-<key>" in name ("-t4" with key "t"; key "" = the first
 * "-<digits>"), or def when absent. */
static __attribute__((unused)) long bench_param(const char *name, const char *key, long def)
{
	size_t kl = strlen(key);
	const char *p = name;

	while ((p = strchr(p, '-'))) {
		p++;
		if (!strncmp(p, key, kl) && p[kl] >= '0' && p[kl] <= '9')
			return strtol(p + kl, NULL, 10);
	}
	return def;
}

#endif
