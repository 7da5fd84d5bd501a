/*
 * --client-context FILE: what /next carries in Lambda-Runtime-Client-Context and
 * Lambda-Runtime-Cognito-Identity. FILE is a JSON object with either or both of
 *   "client_context": {...}     the mobile SDK's ClientContext ({"client", "custom", "env"}),
 *                               or that JSON base64-encoded, as the Invoke API takes it
 *   "cognito_identity": {...}   {"cognitoIdentityId", "cognitoIdentityPoolId"}
 * Each header carries its object as compact JSON text: what Lambda hands the runtime (the
 * runtime clients parse the header as JSON; the base64 is the Invoke API's, decoded by Lambda).
 */
#ifndef CLIENTCTX_H
#define CLIENTCTX_H
#include <stddef.h>

#define CLIENTCTX_MAX_B64 3583	/* Lambda's limit on the client context, base64-encoded */

struct client_ctx {
	char client_context[4096];	/* "" when not given */
	char cognito_identity[1024];
};

/* Read FILE's text (NUL-terminated). 0, or -1 with one line in err. */
int client_ctx_parse(const char *text, struct client_ctx *out, char *err, size_t errlen);
int client_ctx_read(const char *path, struct client_ctx *out, char *err, size_t errlen);
#endif
