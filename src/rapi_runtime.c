/* The Runtime API (2018-06-01) as Lambda serves it: the event on next (after every extension's
 * init), the response (buffered or streamed), the invocation error, the init error. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rapi_int.h"
#include "rapi_proto.h"
#include "util.h"

#define STREAM_MODE_HEADER	"Lambda-Runtime-Function-Response-Mode"
#define ERROR_TYPE_HEADER	"Lambda-Runtime-Function-Error-Type"
#define ERROR_BODY_TRAILER	"Lambda-Runtime-Function-Error-Body"

bool rapi_runtime_classify(struct req *q, const char *rest, const char *method)
{
	const char *slash;
	bool get = !strcmp(method, MHD_HTTP_METHOD_GET);
	bool post = !strcmp(method, MHD_HTTP_METHOD_POST);

	q->kind = REQ_NOT_FOUND;
	if (!strcmp(rest, RAPI_PATH_NEXT)) {
		q->kind = get ? REQ_NEXT : REQ_BAD_METHOD;
		q->allow = "GET";
		return true;
	}
	if (!strcmp(rest, RAPI_PATH_INIT_ERROR)) {
		q->kind = post ? REQ_INIT_ERROR : REQ_BAD_METHOD;
		q->allow = "POST";
		return true;
	}
	if (!rapi_has_prefix(rest, RAPI_PATH_INVOCATION, &rest))
		return false;
	slash = strchr(rest, '/');
	if (!slash || slash == rest)
		return false;
	if (strcmp(slash + 1, RAPI_PATH_RESPONSE) && strcmp(slash + 1, RAPI_PATH_ERROR))
		return false;
	q->allow = "POST";
	if (!post) {
		q->kind = REQ_BAD_METHOD;
		return true;
	}
	q->kind = strcmp(slash + 1, RAPI_PATH_RESPONSE) ? REQ_ERROR : REQ_RESPONSE;
	if ((size_t)(slash - rest) >= sizeof(q->id)) {
		q->id_too_long = true;
		return true;
	}
	memcpy(q->id, rest, (size_t)(slash - rest));
	q->id[slash - rest] = '\0';
	return true;
}

/* First call of a Runtime API request, under the lock. */
void rapi_runtime_begin(struct rapi *r, struct MHD_Connection *c, struct req *q)
{
	const char *mode;

	if (q->kind == REQ_NEXT && r->armed && !r->st.next_received_ns)
		r->st.next_received_ns = mono_ns();
	if (q->kind == REQ_RESPONSE) {
		mode = MHD_lookup_connection_value(c, MHD_HEADER_KIND, STREAM_MODE_HEADER);
		q->streaming = mode && !strcasecmp(mode, "streaming");
	}
}

void rapi_runtime_body(struct rapi *r, struct req *q, const char *data, size_t len)
{
	(void)r;
	if (!q->first_byte_ns)
		q->first_byte_ns = mono_ns();
	rapi_take_body(q, data, len, q->kind != REQ_RESPONSE);
}

bool rapi_init_done_locked(const struct rapi *r)
{
	unsigned i, ready = 0;

	for (i = 0; i < r->n_ext; i++)
		if (r->ext[i].nexts || r->ext[i].init_error)
			ready++;
	return r->n_ext >= r->ext_expected && ready == r->n_ext;
}

void rapi_runtime_release_locked(struct rapi *r)
{
	struct req *q, *nq;

	if (!r->runtime_waiting_init || !rapi_init_done_locked(r))
		return;
	r->runtime_waiting_init = false;
	for (q = r->waiters; q; q = nq) {
		nq = q->wnext;
		rapi_unlink_waiter_locked(r, q);
		q->answer = 0;		/* its handler runs again and takes the event */
		MHD_resume_connection(q->conn);
	}
}

/* The headers of an event: Lambda's, and the client context when one is configured. */
static void event_headers(struct rapi *r, struct MHD_Response *resp, const char *id,
			  const char *deadline, const char *arn, const char *trace)
{
	MHD_add_response_header(resp, "Lambda-Runtime-Aws-Request-Id", id);
	MHD_add_response_header(resp, "Lambda-Runtime-Deadline-Ms", deadline);
	MHD_add_response_header(resp, "Lambda-Runtime-Invoked-Function-Arn", arn);
	MHD_add_response_header(resp, "Lambda-Runtime-Trace-Id", trace);
	if (r->client_context[0])
		MHD_add_response_header(resp, "Lambda-Runtime-Client-Context", r->client_context);
	if (r->cognito_identity[0])
		MHD_add_response_header(resp, "Lambda-Runtime-Cognito-Identity",
					r->cognito_identity);
	/* always: a client that reads the type unconditionally (a real one does) must find it */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
}

/* An early answer to a GET next (resumed with a status, or stopping). */
static enum MHD_Result next_refused(struct MHD_Connection *c, unsigned answer)
{
	if (answer == MHD_HTTP_GONE)
		return rapi_queue_error(c, answer, "InvocationGone",
					"a newer invocation replaced this one", NULL, true);
	return rapi_queue_error(c, answer, "ServiceUnavailable", "emulator stopping", NULL, true);
}

/* GET next, final call: hand out the event, or long-poll. */
enum MHD_Result rapi_answer_next(struct rapi *r, struct MHD_Connection *c, struct req *q)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char deadline[24], id[40], arn[256], trace[96];
	unsigned answer;

	pthread_mutex_lock(&r->lock);
	answer = q->answer;
	if (!answer && r->stopping)
		answer = MHD_HTTP_SERVICE_UNAVAILABLE;
	if (answer) {
		pthread_mutex_unlock(&r->lock);
		return next_refused(c, answer);
	}
	if (r->armed && !r->delivered && !rapi_init_done_locked(r))
		r->runtime_waiting_init = true;
	if (!r->armed || r->delivered || r->runtime_waiting_init) {
		/* Long poll, as Lambda does between invocations (a second next before the
		 * response too) and until the extensions are ready. Suspended under the
		 * lock, so rapi_new_invocation() resumes it only afterwards. */
		rapi_suspend_locked(r, c, q);
		rapi_notify_due_locked(r);	/* its arrival: it may wait for long */
		pthread_mutex_unlock(&r->lock);
		return MHD_YES;
	}
	r->delivered = true;
	if (!r->st.init_done_ns)
		r->st.init_done_ns = mono_ns();
	snprintf(deadline, sizeof(deadline), "%" PRIu64, rapi_epoch_ms() + r->timeout_ms);
	strlcpy0(id, r->st.request_id, sizeof(id));
	strlcpy0(arn, r->arn, sizeof(arn));
	strlcpy0(trace, r->trace_id, sizeof(trace));
	pthread_mutex_unlock(&r->lock);

	resp = MHD_create_response_from_buffer(r->event_len, r->event, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		goto undeliver;
	event_headers(r, resp, id, deadline, arn, trace);
	ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	if (ret != MHD_YES)
		goto undeliver;

	pthread_mutex_lock(&r->lock);
	/* Unless rapi_new_invocation() replaced the invocation meanwhile. */
	if (!strcmp(r->st.request_id, id) && r->st.state == RAPI_WAITING) {
		r->st.state = RAPI_EVENT_SENT;
		r->st.event_sent_ns = mono_ns();
		rapi_ext_invoke_locked(r);
		rapi_notify_later_locked(r);
	}
	pthread_mutex_unlock(&r->lock);
	return MHD_YES;
undeliver:
	/* The event never went out: the next GET next gets it. */
	pthread_mutex_lock(&r->lock);
	if (!strcmp(r->st.request_id, id) && r->st.state == RAPI_WAITING)
		r->delivered = false;
	pthread_mutex_unlock(&r->lock);
	return MHD_NO;
}

/* base64 (RFC 4648, padding optional) into out; returns the length, or -1 if not base64. */
static long unbase64(const char *in, char *out, size_t cap)
{
	unsigned acc = 0, bits = 0;
	size_t n = 0;

	for (; *in && *in != '='; in++) {
		static const char abc[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		const char *p = strchr(abc, *in);

		if (!p || !*in)
			return -1;
		acc = (acc << 6) | (unsigned)(p - abc);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n + 1 >= cap)
				return -1;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[n] = '\0';
	return (long)n;
}

/* errorMessage and errorType of an error body (JSON). */
static void parse_error_json(struct rapi_status *st, const char *body, size_t len)
{
	cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL, *it;

	st->error_message[0] = '\0';
	st->error_json_type[0] = '\0';
	if (!cJSON_IsObject(root)) {
		st->error_body_invalid = true;
		cJSON_Delete(root);
		return;
	}
	st->error_body_invalid = false;
	it = cJSON_GetObjectItemCaseSensitive(root, "errorMessage");
	if (cJSON_IsString(it))
		strlcpy0(st->error_message, it->valuestring, sizeof(st->error_message));
	it = cJSON_GetObjectItemCaseSensitive(root, "errorType");
	if (cJSON_IsString(it))
		strlcpy0(st->error_json_type, it->valuestring, sizeof(st->error_json_type));
	cJSON_Delete(root);
}

static void record_error_body(struct rapi_status *st, struct MHD_Connection *c, struct req *q)
{
	const char *type;
	size_t kept = q->body_len < q->body_cap ? q->body_len : q->body_cap;

	type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, ERROR_TYPE_HEADER);
	if (!type)	/* Go's client may send it as a trailer */
		type = MHD_lookup_connection_value(c, MHD_FOOTER_KIND, ERROR_TYPE_HEADER);
	strlcpy0(st->error_type, type, sizeof(st->error_type));
	parse_error_json(st, q->body && q->body_len <= q->body_cap ? q->body : NULL, kept);
}

/* A streamed response that ended with the error trailers: the function failed mid-stream. */
static bool stream_error(struct rapi_status *st, struct MHD_Connection *c)
{
	const char *type = MHD_lookup_connection_value(c, MHD_FOOTER_KIND, ERROR_TYPE_HEADER);
	const char *b64 = MHD_lookup_connection_value(c, MHD_FOOTER_KIND, ERROR_BODY_TRAILER);
	char *body;
	long n;

	if (!type && !b64)
		return false;
	strlcpy0(st->error_type, type ? type : "", sizeof(st->error_type));
	st->error_message[0] = st->error_json_type[0] = '\0';
	st->error_body_invalid = false;
	if (!b64)
		return true;
	body = malloc(strlen(b64) + 1);
	n = body ? unbase64(b64, body, strlen(b64) + 1) : -1;
	if (n < 0)
		st->error_body_invalid = true;
	else
		parse_error_json(st, body, (size_t)n);
	free(body);
	return true;
}

/* The answer to an init/error, under the lock: 202, or 403 once init is over. */
static unsigned init_error_locked(struct rapi *r, struct MHD_Connection *c, struct req *q,
				  uint64_t now)
{
	struct rapi_status *st = &r->st;

	if (r->delivered || st->state != RAPI_WAITING)
		return MHD_HTTP_FORBIDDEN;
	st->state = RAPI_INIT_ERRORED;
	st->response_received_ns = now;
	st->response_len = q->body_len;
	record_error_body(st, c, q);
	return MHD_HTTP_ACCEPTED;
}

/* A response or an error for the invocation: the status it is answered with. */
static unsigned invocation_post_locked(struct rapi *r, struct MHD_Connection *c, struct req *q,
				       uint64_t now, const char **type, const char **msg)
{
	struct rapi_status *st = &r->st;
	size_t limit = q->streaming ? RAPI_MAX_STREAM : RAPI_MAX_RESPONSE;

	if (q->id_too_long || !r->delivered || strcmp(q->id, st->request_id)) {
		*type = "InvalidRequestID";
		*msg = "Invalid request ID";
		return MHD_HTTP_BAD_REQUEST;
	}
	if (st->state != RAPI_EVENT_SENT) {
		*type = "InvalidStateTransition";
		*msg = "State transition from RuntimeResponseSent to RuntimeResponseSent failed: "
		       "the invocation was already answered";
		return MHD_HTTP_FORBIDDEN;
	}
	st->response_received_ns = now;
	st->response_first_ns = q->first_byte_ns ? q->first_byte_ns : now;
	st->response_len = q->body_len;
	st->streamed = q->streaming;
	if (q->kind == REQ_RESPONSE && q->body_len > limit) {
		st->state = RAPI_ERRORED;
		strlcpy0(st->error_type, "Function.ResponseSizeTooLarge", sizeof(st->error_type));
		*type = "RequestEntityTooLarge";
		*msg = q->streaming ? "Exceeded maximum allowed payload size (20971520 bytes)."
				    : "Exceeded maximum allowed payload size (6291456 bytes).";
		return MHD_HTTP_CONTENT_TOO_LARGE;
	}
	if (q->kind == REQ_RESPONSE) {
		st->state = q->streaming && stream_error(st, c) ? RAPI_ERRORED : RAPI_RESPONDED;
		return MHD_HTTP_ACCEPTED;
	}
	st->state = RAPI_ERRORED;
	record_error_body(st, c, q);
	return MHD_HTTP_ACCEPTED;
}

/* POST response / error / init error, final call (body complete). */
enum MHD_Result rapi_answer_post(struct rapi *r, struct MHD_Connection *c, struct req *q)
{
	uint64_t now = mono_ns();
	unsigned code;
	const char *type = "InvalidStateTransition", *msg = "init error after init finished";

	pthread_mutex_lock(&r->lock);
	if (q->kind == REQ_INIT_ERROR)
		code = init_error_locked(r, c, q, now);
	else
		code = invocation_post_locked(r, c, q, now, &type, &msg);
	if (code >= 400)
		r->st.bad_requests++;
	else
		rapi_ext_check_done_locked(r);	/* the extensions may be done already */
	rapi_notify_later_locked(r);
	pthread_mutex_unlock(&r->lock);

	if (code == MHD_HTTP_ACCEPTED)
		return rapi_queue(c, code, "{\"status\":\"OK\"}", NULL, false);
	return rapi_queue_error(c, code, type, msg, NULL, false);
}
