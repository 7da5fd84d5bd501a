/*
 * The JSON writer: one set of helpers, on cJSON, for every JSON document the tool writes.
 * Each helper's name says the unit of the figure it writes, and so its rounding rule:
 *
 *   jw_ms     milliseconds, to the microsecond: 3 decimals
 *   jw_ms_ns  nanoseconds (a kernel interval) written as milliseconds to the microsecond: the
 *             same rule in integer arithmetic (ns / 1000, halves up), exact for any count
 *   jw_us_ns  nanoseconds written as microseconds with exactly three decimals ("12.345"): the
 *             trace export's ts and dur, exact for any count
 *   jw_kib    KiB that need not be whole (a mean of peak RSS figures): 3 decimals
 *   jw_mib    MiB (lambda-perf's mu): 3 decimals
 *   jw_pct    a percentage (a change, a share): 3 decimals, negative kept
 *   jw_vcpus  a CPU share in vCPUs (Lambda's memory / 1769 MB): 3 decimals
 *   jw_median_count  a median of whole counts: a whole number, or one halfway between two
 *             (n.5), both exact in a double: written as it is, never rounded
 *   jw_ratio  a dimensionless figure (ratio, factor, t, df, p, alpha): as computed, the
 *             shortest text that reads back as the same double (a p of 1e-30 stays 1e-30)
 *   jw_uint   a whole count, bytes, whole KiB, MB, an id: the exact integer, even above
 *   jw_int    2^53 where a double would round (written as its decimal digits)
 *
 * "3 decimals" is jw_round3(): to the nearest 0.001, halves away from zero (C's round() of
 * v * 1000); a figure too large to scale (above about 1.8e305) is written as it is, not
 * turned into infinity. Every millisecond figure the tool writes, in JSON or as text
 * (textout.h prints jw_round3's value with "%.3f"), goes through this one rule, so a figure
 * read from a file and written again is the file's own.
 *
 * Unavailable: jw_ms, jw_kib, jw_mib, jw_vcpus and jw_median_count write null for a negative
 * or non-finite figure (the convention for "not measured"); jw_pct and jw_ratio write null for a non-finite one;
 * jw_str writes null for a NULL string.
 *
 * Every helper takes the document's struct jw, a parent and a key. The parent may be an
 * object (the value is added under key) or an array (the value is appended; key is not
 * used). A NULL parent (one that could not be made) adds nothing: the failure was already
 * noted. A failed allocation sets w->oom, one flag for the whole document; jw_text() then
 * gives NULL, so an incomplete document is never written.
 */
#ifndef JSONW_H
#define JSONW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

struct jw {
	bool oom;	/* an item could not be made: the document is incomplete */
};

/* To the nearest 0.001, halves away from zero; a value that cannot be scaled (non-finite,
 * or v * 1000 overflows) is returned as it is. */
double jw_round3(double v);

/* Pass item through, noting a NULL (out of memory) in w. */
cJSON *jw_chk(struct jw *w, cJSON *item);

/* A new empty object for a document's root, or NULL (w->oom set). */
cJSON *jw_root(struct jw *w);
/* A new object or array added to parent under key (appended when parent is an array);
 * NULL when parent is NULL or out of memory. */
cJSON *jw_obj(struct jw *w, cJSON *parent, const char *key);
cJSON *jw_arr(struct jw *w, cJSON *parent, const char *key);

void jw_ms(struct jw *w, cJSON *parent, const char *key, double ms);
void jw_ms_ns(struct jw *w, cJSON *parent, const char *key, uint64_t ns);
void jw_us_ns(struct jw *w, cJSON *parent, const char *key, uint64_t ns);
void jw_kib(struct jw *w, cJSON *parent, const char *key, double kib);
void jw_mib(struct jw *w, cJSON *parent, const char *key, double mib);
void jw_pct(struct jw *w, cJSON *parent, const char *key, double pct);
void jw_vcpus(struct jw *w, cJSON *parent, const char *key, double vcpus);
void jw_median_count(struct jw *w, cJSON *parent, const char *key, double median);
void jw_ratio(struct jw *w, cJSON *parent, const char *key, double v);
void jw_uint(struct jw *w, cJSON *parent, const char *key, uint64_t v);
void jw_int(struct jw *w, cJSON *parent, const char *key, int64_t v);
/* s as a JSON string (cJSON escapes what JSON needs); NULL gives null. */
void jw_str(struct jw *w, cJSON *parent, const char *key, const char *s);
/* At most cap bytes of s: for a fixed-size field that may be full, without its NUL. */
void jw_strn(struct jw *w, cJSON *parent, const char *key, const char *s, size_t cap);
void jw_bool(struct jw *w, cJSON *parent, const char *key, bool v);
void jw_null(struct jw *w, cJSON *parent, const char *key);

/* The document as text ending with a newline, as text files do (malloc'd): indented, or
 * compact when !formatted. root is deleted. NULL when w->oom is set (w may be NULL) or
 * when out of memory. */
char *jw_text(struct jw *w, cJSON *root, bool formatted);
#endif
