/* Classifies the HTTP requests a bootstrap writes to the Runtime API. Pure. */
#ifndef HTTPCLASS_H
#define HTTPCLASS_H
#include <stddef.h>
#include <stdbool.h>

enum rapi_req {
	RAPI_REQ_NONE = 0,	/* not (yet) a recognised request start */
	RAPI_REQ_NEXT,		/* GET  /2018-06-01/runtime/invocation/next */
	RAPI_REQ_RESPONSE,	/* POST /2018-06-01/runtime/invocation/{id}/response */
	RAPI_REQ_ERROR,		/* POST /2018-06-01/runtime/invocation/{id}/error */
	RAPI_REQ_INIT_ERROR,	/* POST /2018-06-01/runtime/init/error */
	RAPI_REQ_OTHER,		/* some other HTTP request */
};

const char *rapi_req_name(enum rapi_req r);

/* Classify a complete request line prefix ("METHOD SP PATH SP ...").
 * Returns RAPI_REQ_NONE if buf does not start with an HTTP method and path,
 * or the path is not complete yet (no space or CR after it within len). */
enum rapi_req rapi_classify_line(const char *buf, size_t len);

/* Per-connection stream state: feeds the captured prefixes of successive
 * writes on one connection and says which writes start a new request. */
#define HTTPCLASS_LINE_MAX 256
struct httpclass_conn {
	char line[HTTPCLASS_LINE_MAX];	/* request line being assembled */
	size_t line_len;
	bool in_line;			/* collecting a request line split over writes */
	enum rapi_req current;		/* request the last write belonged to */
	unsigned requests;		/* requests started on this connection */
};

void httpclass_init(struct httpclass_conn *c);

/* Feed one write: data is the captured prefix (cap bytes of total len).
 * Returns the request this write belongs to; *starts is set when this write
 * begins (or completes the line of) a new request. */
enum rapi_req httpclass_feed(struct httpclass_conn *c, const void *data, size_t cap,
			     size_t len, bool *starts);
#endif
