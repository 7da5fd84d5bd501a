/*
 * The fields of one invocation record in the results JSON, a measurement or a failure: one
 * table, rf_inv_fields[], in the order the records hold them, that the encoder
 * (results_encode.c) and the decoder (results_decode.c) both iterate. A field is added here,
 * once: its JSON name, its kind (which jsonw.h helper writes it and which check reads it),
 * where it lives in struct invocation, which records hold it and when it is null.
 *
 *   kind          written as (jsonw.h)              read as
 *   RF_INDEX      jw_int                            an integer 1..INT_MAX; missing: the
 *                                                   record's position (1-based)
 *   RF_OUTCOME    jw_str, the outcome's name        a known failure outcome (required)
 *   RF_STR        jw_strn, at most size bytes       a string, cut to size - 1 bytes
 *   RF_PHASES     NAME_ms of inv_phases[] whose     numbers or null (-1, not measured)
 *                 headline flag is .headline: jw_ms
 *   RF_INT        jw_int (int or int64_t by size)   an integer in the type's range
 *   RF_UINT       jw_uint (uint32_t or uint64_t)    a non-negative integer in range
 *   RF_BOOL       jw_bool                           a boolean
 *   RF_SIGNAL     jw_str, "SIGKILL", "SIGRTMIN+3"   a signal name or number
 *   RF_WARM       an array of jw_ms (null: -1)      at most TIMELINE_MAX_WARM numbers or null
 *   RF_OBJ        an object of sub[]                an object, its fields as sub[] says
 *   RF_MARKS      an object of inv_marks[], each    non-negative integers or null
 *                 jw_uint, null when 0
 *   RF_BREAKDOWN  breakdown_json.h, null without    not read back (written only)
 *   RF_DEPLOYED   deployed.h's fields of a cold     not read back (written only)
 *                 start (process_limit_hits)
 *   RF_API        api_facts.h's fields of a cold    api_facts_from_json
 *                 start (connections_peak, foreign_requests, streaming, runtime_init_ms,
 *                 post_runtime_ms, extensions[]): api_facts_json
 *
 * Null when unavailable (.null): RF_NULL_ZERO, the value 0 ("" for RF_STR; for RF_OBJ the
 * uint32_t at .off) is written as null, and null or a missing field reads back as 0;
 * RF_NULL_MINUS1, -1 is null and null reads back as -1. RF_NULL_NEVER: always a value (null
 * or missing reads back as 0). Stats and the run's own fields are in results_encode.c and
 * results_decode.c: they are not per-invocation.
 */
#ifndef RESULTS_FIELDS_H
#define RESULTS_FIELDS_H
#include <stdbool.h>
#include <stddef.h>

#include "invocation.h"

enum rf_kind {
	RF_INDEX, RF_OUTCOME, RF_STR, RF_PHASES, RF_INT, RF_UINT, RF_BOOL, RF_SIGNAL, RF_WARM,
	RF_OBJ, RF_MARKS, RF_BREAKDOWN, RF_DEPLOYED, RF_API,
};

enum rf_null { RF_NULL_NEVER, RF_NULL_ZERO, RF_NULL_MINUS1 };

/* Which records hold the field. */
#define RF_MEAS	1u	/* measurements[] */
#define RF_FAIL	2u	/* failures[] */
#define RF_BOTH	(RF_MEAS | RF_FAIL)

struct rf_field {
	const char *name;	/* the JSON key (unused for RF_PHASES) */
	enum rf_kind kind;
	unsigned in;		/* RF_MEAS, RF_FAIL or RF_BOTH */
	enum rf_null null;
	bool headline;		/* RF_PHASES: the guide's phases, or the others */
	size_t off, size;	/* offsetof, sizeof in struct invocation (RF_OBJ: its presence
				 * field, with RF_NULL_ZERO) */
	const struct rf_field *sub;	/* RF_OBJ */
	size_t n_sub;
};

extern const struct rf_field rf_inv_fields[];
extern const size_t rf_n_inv_fields;

/* "SIGKILL"; real-time signals as "SIGRTMIN+n"; anything else "SIG<n>". */
void rf_signal_name(int sig, char *buf, size_t len);
/* The inverse of rf_signal_name(); also "SIGRTMAX-n". 0, or -1 for no signal's name. */
int rf_signal_from_name(const char *name, int *sig);
#endif
