/*
 * What a command writes for whoever runs it: its document on standard output, and its errors.
 * Every command reports an error with out_error(), in one of two modes:
 *
 *   text (default)  one line "profiler: MSG" on standard error;
 *   JSON (--json)   the same line on standard error, and on standard output the object
 *                     {"error": {"message": "MSG", "exit_status": N}}
 *                   so that `profiler CMD --json | jq` always reads JSON, an error included.
 *
 * Standard output holds at most one JSON document: when the command's own document was
 * already written (out_document), a failure after it (a file that could not be written) is
 * said on standard error and by the exit status only.
 *
 * The mode is decided before any option is parsed (out_scan_args, from main()), so a bad
 * option given before --json is reported in JSON too: --json anywhere among the command's
 * arguments, before a "--", is the JSON mode. The line on standard error is made safe for a
 * terminal (textout.h: a message may quote a file's content); in JSON, cJSON escapes it.
 */
#ifndef OUTPUT_H
#define OUTPUT_H
#include <stdarg.h>
#include <stdbool.h>

#include "jsonw.h"

/* The JSON mode: on when "--json" is one of argv[0..argc-1] before a "--". */
void out_scan_args(int argc, char **argv);
void out_set_json(bool on);
bool out_json(void);

/* Report an error (see above) and return status, for "return out_error(EXIT_USAGE, ...)". */
int out_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int out_verror(int status, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The same for the few lines the user's guide words without the "profiler: " prefix
 * ("Binary not found: PATH"): the line on standard error is MSG alone. */
int out_error_bare(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A warning: "profiler: warning: MSG" on standard error, made safe for a terminal like an
 * error's line; never JSON and never on standard output, in either mode (the command goes on
 * and its document, if any, is still the one on standard output). */
void out_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A command whose output is a stream of records (trace --json: NDJSON lines) says it has begun
 * writing them: from then on an error is said on standard error and by the exit status only,
 * as after a document, so that standard output stays one record a line. */
void out_records_started(void);

/* The error object's text, {"error": {"message": msg, "exit_status": status}} and a newline
 * (malloc'd; NULL when out of memory). */
char *out_error_json(const char *msg, int status);

/* The command's JSON document, indented, on standard output; root is deleted. Returns 0, or
 * -1 when it could not be made (out of memory) or written, said with out_error(fail_status):
 * the exit status the command then gives. */
int out_document(struct jw *w, cJSON *root, int fail_status);
/* A document already made as text (lambda-perf's compact JSON), the same way. */
int out_document_text(const char *text, int fail_status);
#endif
