/* The older names of the JSON writer's helpers, kept for the encoders that still use them
 * (results, breakdown) until they move to jsonw.h: a shim over it, adding nothing. New code
 * uses jsonw.h. */
#ifndef JSONENC_H
#define JSONENC_H
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "jsonw.h"

struct enc {
	bool oom;		/* an item could not be created: the document is incomplete */
};

/* Pass item through, noting a NULL (out of memory). */
static inline cJSON *chk(struct enc *e, cJSON *item)
{
	if (!item)
		e->oom = true;
	return item;
}

/* jw_uint: an unsigned integer, exact even above 2^53. */
static inline void put_u64(struct enc *e, cJSON *o, const char *k, uint64_t v)
{
	struct jw w = { 0 };

	jw_uint(&w, o, k, v);
	if (w.oom || !o)
		e->oom = true;
}

/* jw_text with no flag of its own to check: the caller checks e->oom. */
static inline char *json_text_nl(cJSON *root, bool formatted)
{
	return jw_text(NULL, root, formatted);
}
#endif
