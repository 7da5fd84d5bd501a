/*
 * bigmem: the keepalive client after it has touched 64 MiB during init, so the
 * peak RSS the tracer reports has a known lower bound.
 */
#include <stdlib.h>
#include <string.h>

#define main keepalive_main
#include "keepalive.c"
#undef main

#ifndef BIGMEM_BYTES
#define BIGMEM_BYTES (64u << 20)
#endif

int main(void)
{
	volatile char *p = malloc(BIGMEM_BYTES);
	size_t i;

	if (!p)
		return 1;
	for (i = 0; i < BIGMEM_BYTES; i += 4096)
		p[i] = (char)i;
	return keepalive_main();
}
