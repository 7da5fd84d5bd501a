/*
 * The function's configuration as Lambda takes it: its handler (_HANDLER) and its own
 * environment variables (--env KEY=VALUE, --env-file FILE), with the rules Lambda applies:
 *
 *   - a key is [a-zA-Z][a-zA-Z0-9_]+ (Lambda's pattern: two characters at least);
 *   - Lambda's reserved keys (fnenv_reserved_keys[], the one table; the man page lists it)
 *     cannot be set: Lambda rejects a function that sets one;
 *   - all the variables together take at most FNENV_MAX_BYTES, measured as Lambda's own
 *     error message shows it measuring them ("String measured: {...}"): the compact JSON
 *     object {"KEY":"VALUE",...}, in bytes, keys, values, quotes, colons, commas and braces
 *     included, with JSON's escapes (a quote in a value counts 2);
 *   - the handler is 1..128 bytes with no white space or control character (Lambda's
 *     Handler pattern [^\s]+, at most 128).
 *
 * A key set twice keeps its last value (command-line order, files included), as a later
 * entry of Lambda's Variables map would. Nothing here is printed: each function that can
 * fail writes one line into err.
 */
#ifndef FNENV_H
#define FNENV_H
#include <stdbool.h>
#include <stddef.h>

#define FNENV_MAX_BYTES 4096	/* Lambda: 4 KB for all the function's variables together */
#define FNENV_HANDLER_MAX 128
#define FNENV_DEFAULT_HANDLER "handler"	/* _HANDLER when --handler is not given */

struct fnenv_var {
	char *key;
	char *value;
};

struct fnenv {
	const char *handler;		/* --handler; NULL: FNENV_DEFAULT_HANDLER */
	struct fnenv_var *vars;		/* in the order first set */
	size_t n, cap;
};

/* Lambda's reserved keys, NULL-terminated. */
extern const char *const fnenv_reserved_keys[];

/* Is key one of them? */
bool fnenv_is_reserved(const char *key);
/* Does key match [a-zA-Z][a-zA-Z0-9_]+ ? */
bool fnenv_key_valid(const char *key);

/* Check and set the handler (not copied: it must outlive e). 0, or -1 with err. */
int fnenv_set_handler(struct fnenv *e, const char *handler, char *err, size_t errlen);
/* The handler _HANDLER gets. */
const char *fnenv_handler(const struct fnenv *e);

/* Set key to value (both copied; a key set before gets the new value). The key's rules are
 * checked: reserved first, then its syntax; where says where it came from in err ("--env",
 * "vars.env line 3"). 0, or -1 with err. */
int fnenv_set(struct fnenv *e, const char *key, const char *value, const char *where, char *err,
	      size_t errlen);
/* --env KEY=VALUE: the value is everything after the first '=', as it is. */
int fnenv_add_arg(struct fnenv *e, const char *arg, char *err, size_t errlen);
/*
 * The text of an --env-file named name: a JSON object of string values when its first
 * non-blank byte is '{', else KEY=VALUE lines. In lines, blank lines and lines whose first
 * non-blank byte is '#' are skipped, blanks before the key are skipped, and the value is the
 * rest of the line after the first '=' as it is (a final "\r" of a CRLF line dropped): no
 * quoting, no escapes, no expansion, no "export". A NUL byte is refused in both forms.
 */
int fnenv_parse_text(struct fnenv *e, const char *text, size_t len, const char *name, char *err,
		     size_t errlen);
/* --env-file FILE (at most 1 MiB): fnenv_parse_text of its content. */
int fnenv_read_file(struct fnenv *e, const char *path, char *err, size_t errlen);

/* The size Lambda's limit is checked against (see above). */
size_t fnenv_size(const struct fnenv *e);
/* 0 when fnenv_size is within FNENV_MAX_BYTES, else -1 with err. */
int fnenv_check_size(const struct fnenv *e, char *err, size_t errlen);

/* The variables as "KEY=VALUE" strings, NULL-terminated (malloc'd; free with
 * fnenv_free_strv). NULL when out of memory. */
char **fnenv_strv(const struct fnenv *e);
void fnenv_free_strv(char **v);

void fnenv_free(struct fnenv *e);	/* the variables; e is empty again */
#endif
