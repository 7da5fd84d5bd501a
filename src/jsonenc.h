/* Building a JSON document with cJSON: one flag for any failed allocation, and integers
 * written exactly. Shared by the encoders (results, breakdown). */
#ifndef JSONENC_H
#define JSONENC_H
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

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

/* An unsigned integer as raw text: exact even above 2^53, where a double would round. */
static inline void put_u64(struct enc *e, cJSON *o, const char *k, uint64_t v)
{
	char b[32];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	chk(e, cJSON_AddRawToObject(o, k, b));
}

/* The document as text ending with a newline, as text files do (malloc'd); root is
 * deleted. Indented, or compact when !formatted. NULL when out of memory. */
static inline char *json_text_nl(cJSON *root, bool formatted)
{
	char *txt = formatted ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
	char *out = NULL;
	size_t len;

	cJSON_Delete(root);
	if (!txt)
		return NULL;
	len = strlen(txt);
	out = malloc(len + 2);
	if (out) {
		memcpy(out, txt, len);
		out[len] = '\n';
		out[len + 1] = '\0';
	}
	cJSON_free(txt);
	return out;
}
#endif
