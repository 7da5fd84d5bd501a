/*
 * u32 key -> dense index 0, 1, 2, ... in the order the keys were first seen:
 * for tables the caller keeps in its own array, one entry per key (threads by
 * tid, syscall types by number). Open addressing, a power-of-two table at
 * most half full. Zero-initialised it is empty. Pure.
 */
#ifndef IDMAP_H
#define IDMAP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct idmap {
	uint32_t *key;
	uint32_t *slot;		/* dense index + 1; 0 = empty */
	size_t cap;		/* power of two, or 0 */
	size_t n;		/* keys held: their indices are 0 .. n-1 */
};

/* Dense index of key; a new key gets index m->n (*added = true). -1: out of
 * memory (or more than UINT32_MAX - 1 keys); m is unchanged then. */
long idmap_index(struct idmap *m, uint32_t key, bool *added);

/* Room in the caller's table *tab (*cap entries of sz bytes, grown by doubling
 * from 16) for one entry more than m holds, so that the index of the next new
 * key fits. Returns 0, or -1 when out of memory (*tab and *cap unchanged). */
int idmap_reserve(const struct idmap *m, void **tab, size_t *cap, size_t sz);

void idmap_free(struct idmap *m);	/* the map is empty again after it */
#endif
