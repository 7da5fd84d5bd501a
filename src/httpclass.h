/*
 * Classifies the HTTP requests a bootstrap writes to the Runtime API. Pure.
 *
 * Input is what the BPF programs capture of each write-type syscall on an
 * API socket: the first cap bytes (at most PROF_CAPTURE_LEN = 128) of the
 * len bytes the syscall wrote. From that prefix alone we decide which writes
 * begin a request and what the request is.
 *
 * Request line: "METHOD SP request-target SP HTTP/1.x CRLF". The method is
 * one of GET POST PUT HEAD DELETE PATCH OPTIONS (case-sensitive, as in HTTP).
 * The target ends at SP, CR or LF; a query string ("?...") is ignored; an
 * absolute-form target ("http://host:port/path") is reduced to its path.
 * The paths and the kinds are the Runtime API's (rapi_proto.h):
 *   GET  /2018-06-01/runtime/invocation/next           -> RAPI_REQ_NEXT
 *   POST /2018-06-01/runtime/invocation/{id}/response  -> RAPI_REQ_RESPONSE
 *   POST /2018-06-01/runtime/invocation/{id}/error     -> RAPI_REQ_ERROR
 *   POST /2018-06-01/runtime/init/error                -> RAPI_REQ_INIT_ERROR
 *   any other method + target                          -> RAPI_REQ_OTHER
 * {id} is one non-empty path segment (no '/'). A known path with another
 * method (e.g. POST .../next) is RAPI_REQ_OTHER.
 *
 * Stream rule (httpclass_feed): a write begins a new request when its bytes
 * begin with a method token followed by SP, or are a strict prefix of one
 * ("PO", "POST"): the request line is then split across writes. Any other
 * write continues the current request (headers, body, body after a
 * "100 Continue", chunks of a chunked body, trailers).
 *
 * Limits, by construction of a prefix-only classifier:
 * - A body (or header) write whose bytes themselves begin with "GET /..." or
 *   another method token + SP, or are a short strict prefix of one (a write of
 *   exactly "P" or "GE"), is taken for a new request.
 * - Only the first 128 bytes of each write are captured. A request line must
 *   end within the captured part of the writes that carry it (it is
 *   reassembled across writes up to HTTPCLASS_LINE_MAX bytes); when a write's
 *   capture is truncated (cap < len) before the line ends, or the line
 *   overflows HTTPCLASS_LINE_MAX, the request is classified RAPI_REQ_OTHER.
 *   Runtime API lines are well under 128 bytes unless the request id is huge.
 * - A write whose capture faulted (cap == 0) can not be read: it continues the
 *   current request. If it was the first write of a request, that request is
 *   missed (the caller counts capture faults).
 * - Only HTTP/1.x over plain TCP; no HTTP/2, no TLS (the Runtime API is
 *   plain HTTP/1.1).
 */
#ifndef HTTPCLASS_H
#define HTTPCLASS_H
#include <stddef.h>
#include <stdbool.h>

#include "rapi_proto.h"	/* enum rapi_req, the paths */

/* Classify a request line prefix ("METHOD SP TARGET SP ...").
 * Returns RAPI_REQ_NONE if buf does not start with an HTTP method and SP,
 * or the target has not ended (no SP, CR or LF after it) within len. */
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

/* Feed one successful write: data is the captured prefix (cap bytes; cap is
 * clamped to len) of the len bytes written. Returns the request (type) this
 * write belongs to: RAPI_REQ_NONE while its request line is still incomplete
 * (wait for the next write) or before any request started on the stream.
 * *starts (may be NULL) is set true on the write that begins a new request,
 * false on every other write, including the one that completes a split line. */
enum rapi_req httpclass_feed(struct httpclass_conn *c, const void *data, size_t cap,
			     size_t len, bool *starts);
#endif
