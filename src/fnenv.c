/* The function's handler and environment variables, with Lambda's rules (fnenv.h). */
#include "fnenv.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "util.h"

#define ENV_FILE_MAX (1u << 20)
#define WHERE_MAX (PATH_MAX + 64)	/* "--env-file PATH line N" */

/* Lambda's documentation: the variables of the runtime environment that a function cannot
 * set (the AWS_LAMBDA_ and _X_AMZN_ ones the platform sets, the credentials, the region and
 * the runtime's own paths). TZ, LANG, PATH and LD_LIBRARY_PATH are not among them: a
 * function may set those, and its values replace the profiler's defaults. */
const char *const fnenv_reserved_keys[] = {
	"_HANDLER",
	"_X_AMZN_TRACE_ID",
	"AWS_DEFAULT_REGION",
	"AWS_REGION",
	"AWS_EXECUTION_ENV",
	"AWS_LAMBDA_FUNCTION_NAME",
	"AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
	"AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE",
	"AWS_LAMBDA_LOG_GROUP_NAME",
	"AWS_LAMBDA_LOG_STREAM_NAME",
	"AWS_ACCESS_KEY",
	"AWS_ACCESS_KEY_ID",
	"AWS_SECRET_ACCESS_KEY",
	"AWS_SESSION_TOKEN",
	"AWS_LAMBDA_RUNTIME_API",
	"LAMBDA_TASK_ROOT",
	"LAMBDA_RUNTIME_DIR",
	NULL,
};

bool fnenv_is_reserved(const char *key)
{
	for (size_t i = 0; fnenv_reserved_keys[i]; i++)
		if (!strcmp(key, fnenv_reserved_keys[i]))
			return true;
	return false;
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool fnenv_key_valid(const char *key)
{
	size_t i;

	if (!is_alpha(key[0]))
		return false;
	for (i = 1; key[i]; i++)
		if (!is_alpha(key[i]) && !(key[i] >= '0' && key[i] <= '9') && key[i] != '_')
			return false;
	return i >= 2;
}

int fnenv_set_handler(struct fnenv *e, const char *handler, char *err, size_t errlen)
{
	size_t n = strlen(handler);

	if (!n || n > FNENV_HANDLER_MAX) {
		snprintf(err, errlen, "--handler must be 1 to %d bytes, not %zu", FNENV_HANDLER_MAX, n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)handler[i];

		if (c <= ' ' || c == 0x7f) {
			snprintf(err, errlen, "--handler must not contain white space or control "
				 "characters (Lambda's pattern [^\\s]+)");
			return -1;
		}
	}
	e->handler = handler;
	return 0;
}

const char *fnenv_handler(const struct fnenv *e)
{
	return e->handler ? e->handler : FNENV_DEFAULT_HANDLER;
}

int fnenv_set(struct fnenv *e, const char *key, const char *value, const char *where, char *err,
	      size_t errlen)
{
	struct fnenv_var *v;
	char *k, *val;
	size_t i;

	if (fnenv_is_reserved(key)) {
		snprintf(err, errlen, "%s: %s is reserved by Lambda: a function cannot set it", where,
			 key);
		return -1;
	}
	if (!fnenv_key_valid(key)) {
		/* the key may be anything a file held: at most 64 bytes of it, quoted */
		snprintf(err, errlen, "%s: '%.64s%s' is not a valid variable name (Lambda's pattern "
			 "[a-zA-Z][a-zA-Z0-9_]+)", where, key, strlen(key) > 64 ? "..." : "");
		return -1;
	}
	val = strdup(value);
	if (!val)
		goto oom;
	for (i = 0; i < e->n; i++) {
		if (!strcmp(e->vars[i].key, key)) {
			free(e->vars[i].value);
			e->vars[i].value = val;
			return 0;
		}
	}
	if (e->n == e->cap) {
		size_t nc = e->cap ? e->cap * 2 : 8;

		v = realloc(e->vars, nc * sizeof(*v));
		if (!v)
			goto oom_val;
		e->vars = v;
		e->cap = nc;
	}
	k = strdup(key);
	if (!k)
		goto oom_val;
	e->vars[e->n++] = (struct fnenv_var){ .key = k, .value = val };
	return 0;
oom_val:
	free(val);
oom:
	snprintf(err, errlen, "%s: out of memory", where);
	return -1;
}

/* Set the pair KEY=VALUE of text[0..len-1] (no NUL in it). */
static int set_pair(struct fnenv *e, const char *s, size_t len, const char *where, char *err,
		    size_t errlen)
{
	const char *eq = memchr(s, '=', len);
	char *key;
	int rc;

	if (!eq || eq == s) {
		snprintf(err, errlen, "%s: expected KEY=VALUE%s", where,
			 eq ? " (the key is empty)" : " (no '=')");
		return -1;
	}
	key = strndup(s, (size_t)(eq - s));
	if (!key) {
		snprintf(err, errlen, "%s: out of memory", where);
		return -1;
	}
	{
		char *val = strndup(eq + 1, len - (size_t)(eq + 1 - s));

		rc = val ? fnenv_set(e, key, val, where, err, errlen) : -1;
		if (!val)
			snprintf(err, errlen, "%s: out of memory", where);
		free(val);
	}
	free(key);
	return rc;
}

int fnenv_add_arg(struct fnenv *e, const char *arg, char *err, size_t errlen)
{
	return set_pair(e, arg, strlen(arg), "--env", err, errlen);
}

static int parse_json(struct fnenv *e, const char *text, size_t len, const char *name, char *err,
		      size_t errlen)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false), *it;
	char where[WHERE_MAX];
	int rc = 0;

	if (!root || !cJSON_IsObject(root)) {
		size_t line = 1, col = 1;

		if (!root && end)
			text_line_col(text, (size_t)(end - text), &line, &col);
		snprintf(err, errlen, "--env-file %s: %s", name,
			 root ? "a JSON form must be one object {\"KEY\": \"VALUE\", ...}"
			      : "not valid JSON");
		if (!root && end)
			snprintf(err + strlen(err), errlen - strlen(err), " (line %zu, column %zu)",
				 line, col);
		cJSON_Delete(root);
		return -1;
	}
	/* what follows the object must be blank */
	for (const char *p = end; p && p < text + len; p++) {
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
			snprintf(err, errlen, "--env-file %s: text after the JSON object", name);
			cJSON_Delete(root);
			return -1;
		}
	}
	snprintf(where, sizeof(where), "--env-file %s", name);
	cJSON_ArrayForEach(it, root) {
		if (!cJSON_IsString(it)) {
			snprintf(err, errlen, "--env-file %s: the value of %.64s is not a string "
				 "(Lambda's variables are strings: quote it)", name, it->string);
			rc = -1;
			break;
		}
		if ((rc = fnenv_set(e, it->string, it->valuestring, where, err, errlen)))
			break;
	}
	cJSON_Delete(root);
	return rc;
}

static int parse_lines(struct fnenv *e, const char *text, size_t len, const char *name, char *err,
		       size_t errlen)
{
	const char *p = text, *end = text + len;
	char where[WHERE_MAX];
	size_t line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		line++;
		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		if (le > p && le[-1] == '\r')
			le--;
		if (p < le && *p != '#') {
			snprintf(where, sizeof(where), "--env-file %s line %zu", name, line);
			if (set_pair(e, p, (size_t)(le - p), where, err, errlen))
				return -1;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int fnenv_parse_text(struct fnenv *e, const char *text, size_t len, const char *name, char *err,
		     size_t errlen)
{
	size_t i;

	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "--env-file %s: contains a NUL byte (not a text file?)", name);
		return -1;
	}
	for (i = 0; i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' ||
				text[i] == '\r'); i++)
		;
	if (i < len && text[i] == '{')
		return parse_json(e, text, len, name, err, errlen);
	return parse_lines(e, text, len, name, err, errlen);
}

int fnenv_read_file(struct fnenv *e, const char *path, char *err, size_t errlen)
{
	size_t len = 0;
	char *text = read_file_all(path, ENV_FILE_MAX, &len);
	int rc;

	if (!text) {
		snprintf(err, errlen, "cannot read --env-file %s: %s", path,
			 errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
		return -1;
	}
	rc = fnenv_parse_text(e, text, len, path, err, errlen);
	free(text);
	return rc;
}

/* The length of s as a JSON string's content (the quotes not included). */
static size_t json_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' ||
		    c == '\t')
			n += 2;
		else if (c < 0x20)
			n += 6;		/* \u00XX */
		else
			n++;
	}
	return n;
}

size_t fnenv_size(const struct fnenv *e)
{
	size_t n = 2, i;	/* { } */

	if (!e->n)
		return 0;
	for (i = 0; i < e->n; i++)
		n += json_len(e->vars[i].key) + json_len(e->vars[i].value) + 5 + (i > 0);
	return n;
}

int fnenv_check_size(const struct fnenv *e, char *err, size_t errlen)
{
	size_t n = fnenv_size(e);

	if (n <= FNENV_MAX_BYTES)
		return 0;
	snprintf(err, errlen, "the function's environment variables take %zu bytes, over Lambda's "
		 "limit of %d (measured as Lambda does: the JSON object {\"KEY\":\"VALUE\",...})", n,
		 FNENV_MAX_BYTES);
	return -1;
}

char **fnenv_strv(const struct fnenv *e)
{
	char **v = calloc(e->n + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < e->n; i++) {
		if (asprintf(&v[i], "%s=%s", e->vars[i].key, e->vars[i].value) < 0) {
			v[i] = NULL;
			fnenv_free_strv(v);
			return NULL;
		}
	}
	return v;
}

void fnenv_free_strv(char **v)
{
	if (!v)
		return;
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

void fnenv_free(struct fnenv *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->vars[i].key);
		free(e->vars[i].value);
	}
	free(e->vars);
	e->vars = NULL;
	e->n = e->cap = 0;
}
