#include "clientctx.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CLIENTCTX_FILE_MAX (64u * 1024)

/* base64 (RFC 4648) into a malloc'd NUL-terminated string, or NULL if it is not base64. */
static char *unbase64(const char *in)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = 0, len = strlen(in);
	unsigned acc = 0, bits = 0;
	char *out = malloc(len + 1);

	for (size_t i = 0; out && i < len && in[i] != '='; i++) {
		const char *p = in[i] ? strchr(abc, in[i]) : NULL;

		if (!p) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)(p - abc);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (out)
		out[n] = '\0';
	return out;
}

/* The compact JSON text of one member (an object, or for client_context its base64). */
static int member(const cJSON *it, const char *key, bool b64_ok, char *out, size_t cap,
		  char *err, size_t errlen)
{
	cJSON *obj = NULL;
	char *txt, *dec;

	if (b64_ok && cJSON_IsString(it)) {
		dec = unbase64(it->valuestring);
		obj = dec ? cJSON_Parse(dec) : NULL;
		free(dec);
		if (!cJSON_IsObject(obj)) {
			cJSON_Delete(obj);
			snprintf(err, errlen, "\"%s\" is a string that is not base64 of a JSON object",
				 key);
			return -1;
		}
		it = obj;
	} else if (!cJSON_IsObject(it)) {
		snprintf(err, errlen, "\"%s\" must be a JSON object%s", key,
			 b64_ok ? " (or its base64)" : "");
		return -1;
	}
	txt = cJSON_PrintUnformatted(it);
	cJSON_Delete(obj);
	if (!txt) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (strlen(txt) >= cap || (b64_ok && (strlen(txt) + 2) / 3 * 4 > CLIENTCTX_MAX_B64)) {
		snprintf(err, errlen, "\"%s\" is too large (Lambda's limit: %d bytes base64-encoded)",
			 key, CLIENTCTX_MAX_B64);
		free(txt);
		return -1;
	}
	strlcpy0(out, txt, cap);
	free(txt);
	return 0;
}

int client_ctx_parse(const char *text, struct client_ctx *out, char *err, size_t errlen)
{
	cJSON *root = cJSON_Parse(text), *it;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(root)) {
		snprintf(err, errlen, "not a JSON object");
		cJSON_Delete(root);
		return -1;
	}
	cJSON_ArrayForEach(it, root) {
		if (!strcmp(it->string, "client_context"))
			rc = member(it, it->string, true, out->client_context,
				    sizeof(out->client_context), err, errlen);
		else if (!strcmp(it->string, "cognito_identity"))
			rc = member(it, it->string, false, out->cognito_identity,
				    sizeof(out->cognito_identity), err, errlen);
		else {
			snprintf(err, errlen, "unknown key \"%.64s\" (client_context, "
				 "cognito_identity)", it->string);
			rc = -1;
		}
		if (rc)
			break;
	}
	if (!rc && !out->client_context[0] && !out->cognito_identity[0]) {
		snprintf(err, errlen, "has neither \"client_context\" nor \"cognito_identity\"");
		rc = -1;
	}
	cJSON_Delete(root);
	return rc;
}

int client_ctx_read(const char *path, struct client_ctx *out, char *err, size_t errlen)
{
	char *text = read_file_all(path, CLIENTCTX_FILE_MAX, NULL);
	int rc;

	if (!text) {
		snprintf(err, errlen, "%s", errno == EFBIG ? "larger than 64 KiB" : strerror(errno));
		return -1;
	}
	rc = client_ctx_parse(text, out, err, errlen);
	free(text);
	return rc;
}
