/* The JSON writer (jsonw.h): the rounding rules and the helpers. */
#include "jsonw.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double jw_round3(double v)
{
	double s = v * 1000.0;

	/* a value too large to scale is kept as it is (rounding would overflow to inf) */
	if (!isfinite(s))
		return v;
	return round(s) / 1000.0;
}

cJSON *jw_chk(struct jw *w, cJSON *item)
{
	if (!item && w)
		w->oom = true;
	return item;
}

/* Add item to parent (under key, or appended to an array). The item is deleted when it
 * cannot be added; NULL item or failure sets w->oom. Returns the item, or NULL. */
static cJSON *add(struct jw *w, cJSON *parent, const char *key, cJSON *item)
{
	if (!parent) {
		cJSON_Delete(item);
		return NULL;
	}
	if (!jw_chk(w, item))
		return NULL;
	if (cJSON_IsArray(parent) ? !cJSON_AddItemToArray(parent, item)
				  : !key || !cJSON_AddItemToObject(parent, key, item)) {
		cJSON_Delete(item);
		jw_chk(w, NULL);
		return NULL;
	}
	return item;
}

cJSON *jw_root(struct jw *w)
{
	return jw_chk(w, cJSON_CreateObject());
}

cJSON *jw_obj(struct jw *w, cJSON *parent, const char *key)
{
	return parent ? add(w, parent, key, cJSON_CreateObject()) : NULL;
}

cJSON *jw_arr(struct jw *w, cJSON *parent, const char *key)
{
	return parent ? add(w, parent, key, cJSON_CreateArray()) : NULL;
}

void jw_null(struct jw *w, cJSON *parent, const char *key)
{
	if (parent)
		add(w, parent, key, cJSON_CreateNull());
}

/* A measured figure to 3 decimals; negative or non-finite is "unavailable": null. */
static void measured3(struct jw *w, cJSON *parent, const char *key, double v)
{
	if (!parent)
		return;
	if (!isfinite(v) || v < 0)
		add(w, parent, key, cJSON_CreateNull());
	else
		add(w, parent, key, cJSON_CreateNumber(jw_round3(v)));
}

void jw_ms(struct jw *w, cJSON *parent, const char *key, double ms)
{
	measured3(w, parent, key, ms);
}

void jw_ms_ns(struct jw *w, cJSON *parent, const char *key, uint64_t ns)
{
	/* whole microseconds first: (double)ns / 1e6 * 1000 can land a hair either side of a
	 * half, which round() would then take the wrong way */
	uint64_t us = ns / 1000 + (ns % 1000 >= 500);

	if (parent)
		add(w, parent, key, cJSON_CreateNumber((double)us / 1000.0));
}

void jw_us_ns(struct jw *w, cJSON *parent, const char *key, uint64_t ns)
{
	char b[32];

	if (!parent)
		return;
	/* digits, not a double: a ts of hours in ns keeps its last digit */
	snprintf(b, sizeof(b), "%" PRIu64 ".%03u", ns / 1000, (unsigned)(ns % 1000));
	add(w, parent, key, cJSON_CreateRaw(b));
}

void jw_kib(struct jw *w, cJSON *parent, const char *key, double kib)
{
	measured3(w, parent, key, kib);
}

void jw_mib(struct jw *w, cJSON *parent, const char *key, double mib)
{
	measured3(w, parent, key, mib);
}

void jw_vcpus(struct jw *w, cJSON *parent, const char *key, double vcpus)
{
	measured3(w, parent, key, vcpus);
}

void jw_median_count(struct jw *w, cJSON *parent, const char *key, double median)
{
	if (!parent)
		return;
	/* the median of whole counts is one of them or the mean of two: n or n.5, exact */
	if (!isfinite(median) || median < 0)
		add(w, parent, key, cJSON_CreateNull());
	else
		add(w, parent, key, cJSON_CreateNumber(median));
}

void jw_pct(struct jw *w, cJSON *parent, const char *key, double pct)
{
	if (parent)
		add(w, parent, key, isfinite(pct) ? cJSON_CreateNumber(jw_round3(pct))
						  : cJSON_CreateNull());
}

void jw_ratio(struct jw *w, cJSON *parent, const char *key, double v)
{
	/* cJSON writes the shortest of %.15g and %.17g that reads back as v */
	if (parent)
		add(w, parent, key, isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
}

void jw_uint(struct jw *w, cJSON *parent, const char *key, uint64_t v)
{
	char b[24];

	if (!parent)
		return;
	snprintf(b, sizeof(b), "%" PRIu64, v);
	add(w, parent, key, cJSON_CreateRaw(b));
}

void jw_int(struct jw *w, cJSON *parent, const char *key, int64_t v)
{
	char b[24];

	if (!parent)
		return;
	snprintf(b, sizeof(b), "%" PRId64, v);
	add(w, parent, key, cJSON_CreateRaw(b));
}

void jw_str(struct jw *w, cJSON *parent, const char *key, const char *s)
{
	if (parent)
		add(w, parent, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

void jw_strn(struct jw *w, cJSON *parent, const char *key, const char *s, size_t cap)
{
	char *tmp;

	if (!parent)
		return;
	if (!s) {
		add(w, parent, key, cJSON_CreateNull());
		return;
	}
	tmp = strndup(s, cap);
	if (!tmp) {
		w->oom = true;
		return;
	}
	add(w, parent, key, cJSON_CreateString(tmp));
	free(tmp);
}

void jw_bool(struct jw *w, cJSON *parent, const char *key, bool v)
{
	if (parent)
		add(w, parent, key, cJSON_CreateBool(v));
}

char *jw_text(struct jw *w, cJSON *root, bool formatted)
{
	char *txt, *out;
	size_t len;

	if (!root || (w && w->oom)) {
		cJSON_Delete(root);
		return NULL;
	}
	txt = formatted ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
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
