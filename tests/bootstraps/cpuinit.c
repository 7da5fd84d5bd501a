/*
 * cpuinit: a fixed amount of CPU work during init (not a fixed time), so the
 * CPU share the memory size buys shows in the init phase.
 */
#include <stdint.h>

#define main keepalive_main
#include "keepalive.c"
#undef main

#define ROUNDS 60000000ull

int main(void)
{
	volatile uint64_t x = 88172645463325252ull;
	uint64_t i;

	for (i = 0; i < ROUNDS; i++) {
		uint64_t v = x;

		v ^= v << 13;
		v ^= v >> 7;
		v ^= v << 17;
		x = v;
	}
	return keepalive_main();
}
