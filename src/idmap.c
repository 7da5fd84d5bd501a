// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* u32 key -> dense index, for tables kept in the caller's array. See idmap.h. */
#include "idmap.h"

#include <stdlib.h>
#include <string.h>

static size_t idmap_hash(uint32_t k, size_t cap)
{
	k ^= k >> 16;
	k *= 0x45d9f3bu;
	k ^= k >> 16;
	return k & (cap - 1);
}

static int idmap_grow(struct idmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i, h;
	uint32_t *key = calloc(cap, sizeof(*key));
	uint32_t *slot = calloc(cap, sizeof(*slot));

	if (!key || !slot) {
		free(key);
		free(slot);
		return -1;
	}
	for (i = 0; i < m->cap; i++) {
		if (!m->slot[i])
			continue;
		for (h = idmap_hash(m->key[i], cap); slot[h]; h = (h + 1) & (cap - 1))
			;
		key[h] = m->key[i];
		slot[h] = m->slot[i];
	}
	free(m->key);
	free(m->slot);
	m->key = key;
	m->slot = slot;
	m->cap = cap;
	return 0;
}

long idmap_index(struct idmap *m, uint32_t key, bool *added)
{
	size_t h;

	*added = false;
	if ((m->n + 1) * 2 > m->cap && idmap_grow(m))
		return -1;
	for (h = idmap_hash(key, m->cap); m->slot[h]; h = (h + 1) & (m->cap - 1))
		if (m->key[h] == key)
			return (long)m->slot[h] - 1;
	if (m->n >= UINT32_MAX - 1)
		return -1;
	m->key[h] = key;
	m->slot[h] = (uint32_t)++m->n;
	*added = true;
	return (long)m->n - 1;
}

int idmap_reserve(const struct idmap *m, void **tab, size_t *cap, size_t sz)
{
	size_t need = m->n + 1, c = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	q = realloc(*tab, c * sz);
	if (!q)
		return -1;
	*tab = q;
	*cap = c;
	return 0;
}

void idmap_free(struct idmap *m)
{
	free(m->key);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}
