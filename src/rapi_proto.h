/*
 * The Lambda Runtime API as the profiler knows it: the paths of its requests and the kinds of
 * request a bootstrap makes. The emulator (rapi.c) serves these paths; the classifier of
 * captured writes (httpclass.c) recognises them in what a bootstrap sends; the timeline and
 * the trace export name the kinds.
 *
 *   GET  RAPI_PATH_PREFIX RAPI_PATH_NEXT                                      RAPI_REQ_NEXT
 *   POST RAPI_PATH_PREFIX RAPI_PATH_INVOCATION {id} "/" RAPI_PATH_RESPONSE    RAPI_REQ_RESPONSE
 *   POST RAPI_PATH_PREFIX RAPI_PATH_INVOCATION {id} "/" RAPI_PATH_ERROR       RAPI_REQ_ERROR
 *   POST RAPI_PATH_PREFIX RAPI_PATH_INIT_ERROR                                RAPI_REQ_INIT_ERROR
 */
#ifndef RAPI_PROTO_H
#define RAPI_PROTO_H

#define RAPI_PATH_PREFIX	"/2018-06-01/runtime/"
#define RAPI_PATH_NEXT		"invocation/next"
#define RAPI_PATH_INVOCATION	"invocation/"	/* followed by {id}/response or {id}/error */
#define RAPI_PATH_RESPONSE	"response"
#define RAPI_PATH_ERROR		"error"
#define RAPI_PATH_INIT_ERROR	"init/error"

/* The Runtime API request a bootstrap's write begins (or belongs to). */
enum rapi_req {
	RAPI_REQ_NONE = 0,	/* not (yet) a recognised request start */
	RAPI_REQ_NEXT,		/* GET  /2018-06-01/runtime/invocation/next */
	RAPI_REQ_RESPONSE,	/* POST /2018-06-01/runtime/invocation/{id}/response */
	RAPI_REQ_ERROR,		/* POST /2018-06-01/runtime/invocation/{id}/error */
	RAPI_REQ_INIT_ERROR,	/* POST /2018-06-01/runtime/init/error */
	RAPI_REQ_OTHER,		/* some other HTTP request */
};

/* "none","next","response","error","init_error","other"; "unknown" if out of range. */
static inline const char *rapi_req_name(enum rapi_req r)
{
	switch (r) {
	case RAPI_REQ_NONE: return "none";
	case RAPI_REQ_NEXT: return "next";
	case RAPI_REQ_RESPONSE: return "response";
	case RAPI_REQ_ERROR: return "error";
	case RAPI_REQ_INIT_ERROR: return "init_error";
	case RAPI_REQ_OTHER: return "other";
	}
	return "unknown";
}
#endif
