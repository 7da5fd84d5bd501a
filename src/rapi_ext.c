/*
 * The Extensions API (2020-01-01) as Lambda serves it, and the Telemetry API's subscribe:
 *
 *   POST /2020-01-01/extension/register     Lambda-Extension-Name, {"events": [...]}
 *                                           -> 200, Lambda-Extension-Identifier, the function
 *   GET  /2020-01-01/extension/event/next   -> 200 an INVOKE or SHUTDOWN event (long poll)
 *   POST /2020-01-01/extension/init/error   -> 202 (403 once init is over)
 *   POST /2020-01-01/extension/exit/error   -> 202
 *   PUT  /2022-07-01/telemetry, /2020-08-15/logs   -> 200 (accepted; nothing is sent)
 *
 * Init is over when the runtime asked for its event and every extension started has
 * registered and called event/next: the runtime's next waits until then. An invocation is
 * over when the runtime answered and every extension registered for INVOKE called event/next
 * after its INVOKE (Lambda's post-runtime phase).
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rapi_int.h"
#include "util.h"

#define EXT_PREFIX	"/2020-01-01/extension/"
#define NAME_HEADER	"Lambda-Extension-Name"
#define ID_HEADER	"Lambda-Extension-Identifier"
#define ERR_HEADER	"Lambda-Extension-Function-Error-Type"

static void set_kind(struct req *q, enum req_kind k, bool ok, const char *allow)
{
	q->kind = ok ? k : REQ_BAD_METHOD;
	q->allow = allow;
}

bool rapi_ext_classify(struct req *q, const char *url, const char *method)
{
	const char *rest;
	bool get = !strcmp(method, MHD_HTTP_METHOD_GET);
	bool post = !strcmp(method, MHD_HTTP_METHOD_POST);
	bool put = !strcmp(method, MHD_HTTP_METHOD_PUT);

	q->kind = REQ_NOT_FOUND;
	if (!strcmp(url, "/2022-07-01/telemetry") || !strcmp(url, "/2020-08-15/logs")) {
		set_kind(q, REQ_TELEMETRY, put, "PUT");
		return true;
	}
	if (!rapi_has_prefix(url, EXT_PREFIX, &rest))
		return false;
	if (!strcmp(rest, "register"))
		set_kind(q, REQ_EXT_REGISTER, post, "POST");
	else if (!strcmp(rest, "event/next"))
		set_kind(q, REQ_EXT_NEXT, get, "GET");
	else if (!strcmp(rest, "init/error"))
		set_kind(q, REQ_EXT_INIT_ERROR, post, "POST");
	else if (!strcmp(rest, "exit/error"))
		set_kind(q, REQ_EXT_EXIT_ERROR, post, "POST");
	else
		return false;
	return true;
}

static int find_ext_locked(const struct rapi *r, struct MHD_Connection *c)
{
	const char *id = MHD_lookup_connection_value(c, MHD_HEADER_KIND, ID_HEADER);

	for (unsigned i = 0; id && i < r->n_ext; i++)
		if (!strcmp(r->ext[i].id, id))
			return (int)i;
	return -1;
}

void rapi_ext_check_done_locked(struct rapi *r)
{
	struct rapi_status *st = &r->st;
	uint64_t now;

	if (st->post_runtime_done_ns || (st->state != RAPI_RESPONDED && st->state != RAPI_ERRORED))
		return;
	for (unsigned i = 0; i < r->n_ext; i++)
		if (r->ext[i].invoke && r->ext[i].done != r->inv_serial)
			return;
	now = mono_ns();
	st->post_runtime_done_ns = now > st->response_received_ns ? now : st->response_received_ns;
	rapi_notify_later_locked(r);
}

/* An extension's event/next arrived (first call, under the lock): its init, its part of the
 * invocation, and perhaps the end of init for everyone. */
static void ext_next_arrived(struct rapi *r, struct rext *e)
{
	uint64_t now = mono_ns();

	if (!e->nexts)
		e->first_next_ns = now;
	e->last_next_ns = now;
	e->nexts++;
	if (e->invoked == r->inv_serial && r->inv_serial && e->done != r->inv_serial) {
		e->done = r->inv_serial;
		rapi_ext_check_done_locked(r);
	}
	if (r->st.next_received_ns && !r->st.init_done_ns && rapi_init_done_locked(r))
		r->st.init_done_ns = now;
	rapi_runtime_release_locked(r);
}

void rapi_ext_begin(struct rapi *r, struct MHD_Connection *c, struct req *q)
{
	if (q->kind == REQ_EXT_NEXT || q->kind == REQ_EXT_INIT_ERROR ||
	    q->kind == REQ_EXT_EXIT_ERROR)
		q->ext = find_ext_locked(r, c);
	if (q->kind == REQ_EXT_NEXT && q->ext >= 0)
		ext_next_arrived(r, &r->ext[q->ext]);
}

/* The events of a register body; false when it is not {"events": [INVOKE|SHUTDOWN...]}. */
static bool parse_events(const struct req *q, bool *invoke, bool *shutdown)
{
	cJSON *root, *ev, *it;
	bool ok;

	*invoke = *shutdown = false;
	if (!q->body || q->body_len > q->body_cap)
		return false;
	root = cJSON_ParseWithLength(q->body, q->body_len);
	ev = cJSON_GetObjectItemCaseSensitive(root, "events");
	ok = cJSON_IsArray(ev);
	if (!ok)
		ev = NULL;
	cJSON_ArrayForEach(it, ev) {
		if (cJSON_IsString(it) && !strcmp(it->valuestring, "INVOKE"))
			*invoke = true;
		else if (cJSON_IsString(it) && !strcmp(it->valuestring, "SHUTDOWN"))
			*shutdown = true;
		else
			ok = false;
	}
	cJSON_Delete(root);
	return ok;
}

/* register's answer, the function as Lambda describes it (JSON-escaped by cJSON), malloc'd. */
static char *register_body(const struct rapi *r)
{
	cJSON *o = cJSON_CreateObject();
	char *txt = NULL;

	if (o && cJSON_AddStringToObject(o, "functionName", r->function_name) &&
	    cJSON_AddStringToObject(o, "functionVersion", "$LATEST") &&
	    cJSON_AddStringToObject(o, "handler", r->handler))
		txt = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return txt;
}

static enum MHD_Result answer_register(struct rapi *r, struct MHD_Connection *c, struct req *q)
{
	const char *name = MHD_lookup_connection_value(c, MHD_HEADER_KIND, NAME_HEADER);
	struct MHD_Response *resp;
	struct rext *e;
	enum MHD_Result ret;
	char id[40], *answer;
	bool invoke, shutdown;

	if (!name || !*name || strlen(name) >= sizeof(e->name))
		return rapi_queue_error(c, MHD_HTTP_BAD_REQUEST, "InvalidRequest",
					"Lambda-Extension-Name missing or too long", NULL, false);
	if (!parse_events(q, &invoke, &shutdown))
		return rapi_queue_error(c, MHD_HTTP_BAD_REQUEST, "InvalidRequest",
					"the body must be an object whose events are INVOKE, SHUTDOWN",
					NULL, false);
	pthread_mutex_lock(&r->lock);
	if (r->delivered || r->n_ext >= RAPI_MAX_EXT) {
		r->st.bad_requests++;
		rapi_notify_later_locked(r);
		pthread_mutex_unlock(&r->lock);
		return rapi_queue_error(c, MHD_HTTP_FORBIDDEN, "Extension.InvalidStateTransition",
					r->delivered ? "register after init finished"
						     : "more than 10 extensions", NULL, false);
	}
	e = &r->ext[r->n_ext++];
	memset(e, 0, sizeof(*e));
	strlcpy0(e->name, name, sizeof(e->name));
	rapi_make_uuid(e->id);
	e->invoke = invoke;
	e->shutdown = shutdown;
	e->registered_ns = mono_ns();
	strlcpy0(id, e->id, sizeof(id));
	answer = register_body(r);
	rapi_notify_later_locked(r);
	pthread_mutex_unlock(&r->lock);
	if (!answer)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(strlen(answer), answer, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(answer);
		return MHD_NO;
	}
	MHD_add_response_header(resp, ID_HEADER, id);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The event for e now, into body; false when none is due (it long-polls). */
static bool due_event_locked(struct rapi *r, struct rext *e, char *body, size_t len)
{
	if (e->invoke && r->inv_serial && e->invoked != r->inv_serial &&
	    r->st.state != RAPI_WAITING) {
		e->invoked = r->inv_serial;
		e->events++;
		snprintf(body, len, "{\"eventType\":\"INVOKE\",\"deadlineMs\":%" PRIu64 ","
			 "\"requestId\":\"%s\",\"invokedFunctionArn\":\"%s\",\"tracing\":"
			 "{\"type\":\"X-Amzn-Trace-Id\",\"value\":\"%s\"}}",
			 rapi_epoch_ms() + r->timeout_ms, r->st.request_id, r->arn, r->trace_id);
		return true;
	}
	if (e->shutdown && r->shutdown_deadline_ms && !e->shutdown_sent) {
		e->shutdown_sent = true;
		e->events++;
		snprintf(body, len, "{\"eventType\":\"SHUTDOWN\",\"shutdownReason\":\"spindown\","
			 "\"deadlineMs\":%" PRIu64 "}", r->shutdown_deadline_ms);
		return true;
	}
	return false;
}

enum MHD_Result rapi_ext_answer_next(struct rapi *r, struct MHD_Connection *c, struct req *q)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char body[1024], evid[40];
	unsigned answer;

	pthread_mutex_lock(&r->lock);
	answer = q->answer ? q->answer : r->stopping ? MHD_HTTP_SERVICE_UNAVAILABLE : 0;
	if (!answer && q->ext < 0) {
		r->st.bad_requests++;
		rapi_notify_later_locked(r);
		pthread_mutex_unlock(&r->lock);
		return rapi_queue_error(c, MHD_HTTP_FORBIDDEN,
					"Extension.UnknownExtensionIdentifier",
					"unknown Lambda-Extension-Identifier", NULL, false);
	}
	if (answer) {
		pthread_mutex_unlock(&r->lock);
		return rapi_queue_error(c, answer, answer == MHD_HTTP_GONE ? "InvocationGone" :
					"ServiceUnavailable", "the cold start ended", NULL, true);
	}
	if (!due_event_locked(r, &r->ext[q->ext], body, sizeof(body))) {
		q->conn = c;
		r->ext[q->ext].waiting = q;
		MHD_suspend_connection(c);
		rapi_notify_due_locked(r);
		pthread_mutex_unlock(&r->lock);
		return MHD_YES;
	}
	rapi_notify_later_locked(r);
	pthread_mutex_unlock(&r->lock);
	resp = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	rapi_make_uuid(evid);
	MHD_add_response_header(resp, "Lambda-Extension-Event-Identifier", evid);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* init/error, exit/error: recorded against the extension that posts it. */
static enum MHD_Result answer_error(struct rapi *r, struct MHD_Connection *c, struct req *q)
{
	const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, ERR_HEADER);
	struct rext *e;

	pthread_mutex_lock(&r->lock);
	if (q->ext < 0 || (q->kind == REQ_EXT_INIT_ERROR && r->delivered)) {
		bool unknown = q->ext < 0;

		r->st.bad_requests++;
		rapi_notify_later_locked(r);
		pthread_mutex_unlock(&r->lock);
		return rapi_queue_error(c, MHD_HTTP_FORBIDDEN, unknown ?
					"Extension.UnknownExtensionIdentifier" :
					"Extension.InvalidStateTransition", unknown ?
					"unknown Lambda-Extension-Identifier" :
					"init error after init finished", NULL, false);
	}
	e = &r->ext[q->ext];
	strlcpy0(e->error_type, type ? type : "Extension.Unknown", sizeof(e->error_type));
	if (q->kind == REQ_EXT_INIT_ERROR)
		e->init_error = true;
	else
		e->exit_error = true;
	rapi_runtime_release_locked(r);
	rapi_notify_later_locked(r);
	pthread_mutex_unlock(&r->lock);
	return rapi_queue(c, MHD_HTTP_ACCEPTED, "{\"status\":\"OK\"}", NULL, false);
}

enum MHD_Result rapi_ext_answer(struct rapi *r, struct MHD_Connection *c, struct req *q)
{
	switch (q->kind) {
	case REQ_EXT_REGISTER:
		return answer_register(r, c, q);
	case REQ_EXT_NEXT:
		return rapi_ext_answer_next(r, c, q);
	case REQ_EXT_INIT_ERROR:
	case REQ_EXT_EXIT_ERROR:
		return answer_error(r, c, q);
	default:
		break;
	}
	/* the Telemetry (and Logs) API subscription: accepted, nothing is ever sent */
	if (!MHD_lookup_connection_value(c, MHD_HEADER_KIND, ID_HEADER))
		return rapi_queue_error(c, MHD_HTTP_FORBIDDEN,
					"Extension.UnknownExtensionIdentifier",
					"Lambda-Extension-Identifier missing", NULL, false);
	return rapi_queue(c, MHD_HTTP_OK, "\"OK\"", NULL, false);
}

/* Resume e's long poll, if any, with answer (0: it takes its due event). */
static void resume_ext_locked(struct rext *e, unsigned answer)
{
	struct req *q = e->waiting;

	if (!q)
		return;
	e->waiting = NULL;
	q->answer = answer;
	MHD_resume_connection(q->conn);
}

void rapi_ext_invoke_locked(struct rapi *r)
{
	r->inv_serial++;
	for (unsigned i = 0; i < r->n_ext; i++)
		if (r->ext[i].invoke)
			resume_ext_locked(&r->ext[i], 0);
}

void rapi_ext_release_locked(struct rapi *r, unsigned code)
{
	for (unsigned i = 0; i < r->n_ext; i++)
		resume_ext_locked(&r->ext[i], code);
}

void rapi_ext_reset_locked(struct rapi *r)
{
	memset(r->ext, 0, sizeof(r->ext));
	r->n_ext = 0;
	r->ext_expected = 0;
	r->inv_serial = 0;
	r->shutdown_deadline_ms = 0;
	r->runtime_waiting_init = false;
}

void rapi_ext_status_locked(const struct rapi *r, struct rapi_status *st)
{
	st->ext_expected = r->ext_expected;
	st->n_ext = r->n_ext;
	st->shutdown_sent = 0;
	for (unsigned i = 0; i < r->n_ext; i++) {
		const struct rext *e = &r->ext[i];
		struct rapi_ext_status *o = &st->ext[i];

		strlcpy0(o->name, e->name, sizeof(o->name));
		o->registered_ns = e->registered_ns;
		o->first_next_ns = e->first_next_ns;
		o->last_next_ns = e->last_next_ns;
		o->nexts = e->nexts;
		o->invoke = e->invoke;
		o->shutdown = e->shutdown;
		o->shutdown_sent = e->shutdown_sent;
		o->init_error = e->init_error;
		o->exit_error = e->exit_error;
		strlcpy0(o->error_type, e->error_type, sizeof(o->error_type));
		st->shutdown_sent += e->shutdown_sent;
	}
}

void rapi_expect_extensions(struct rapi *r, unsigned n)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->ext_expected = n;
	pthread_mutex_unlock(&r->lock);
}

unsigned rapi_shutdown_extensions(struct rapi *r, unsigned deadline_ms)
{
	unsigned n = 0;

	if (!r)
		return 0;
	pthread_mutex_lock(&r->lock);
	r->shutdown_deadline_ms = rapi_epoch_ms() + deadline_ms;
	for (unsigned i = 0; i < r->n_ext; i++) {
		if (!r->ext[i].shutdown)
			continue;
		n++;
		resume_ext_locked(&r->ext[i], 0);
	}
	pthread_mutex_unlock(&r->lock);
	return n;
}
