/* Lambda Runtime API (2018-06-01) emulator on loopback, built on libmicrohttpd. */
#ifndef RAPI_H
#define RAPI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rapi;

/* What the emulator saw of the current invocation. Timestamps are
 * CLOCK_MONOTONIC ns taken in the emulator (userspace), 0 = not seen. */
enum rapi_state { RAPI_WAITING = 0, RAPI_EVENT_SENT, RAPI_RESPONDED, RAPI_ERRORED, RAPI_INIT_ERRORED };

struct rapi_status {
	enum rapi_state state;
	char request_id[40];
	uint64_t next_received_ns;	/* first GET next of this invocation arrived */
	uint64_t event_sent_ns;		/* its 200 queued */
	uint64_t response_received_ns;	/* response / error / init error body complete */
	size_t response_len;
	char error_type[128];		/* Lambda-Runtime-Function-Error-Type */
	char error_message[256];	/* errorMessage of the JSON body, if any */
	unsigned requests;		/* requests served for this invocation */
	unsigned bad_requests;		/* 4xx answered (not the 410s to stale long polls) */
	char error_json_type[128];	/* errorType of the JSON body, if any */
	bool error_body_invalid;	/* error body was not a JSON object */
};

struct rapi_opts {
	unsigned timeout_ms;	/* Lambda-Runtime-Deadline-Ms = now + this; 0 = 3000 */
	bool verbose;		/* libmicrohttpd's error log to stderr */
};

/* Start listening on 127.0.0.1 (and ::1 on the same port when possible) on an
 * ephemeral port. event/event_len: payload of every invocation (copied).
 * Returns NULL with errbuf set on failure. */
struct rapi *rapi_start(const char *event, size_t event_len, char *errbuf, size_t errlen);
/* Same with options (opts may be NULL). */
struct rapi *rapi_start_opts(const char *event, size_t event_len, const struct rapi_opts *opts,
			     char *errbuf, size_t errlen);
/* Deadline offset of the events sent from now on (0 = 3000 ms). */
void rapi_set_timeout_ms(struct rapi *r, unsigned ms);
uint16_t rapi_port(const struct rapi *r);
bool rapi_has_ipv6(const struct rapi *r);

/* Arm a new invocation (new request id); resets the status. Every GET next
 * still long-polling (it belongs to an earlier invocation) is answered 410
 * and its connection closed. Call it before starting the bootstrap: a GET
 * next that arrives while nothing is armed long-polls. function_arn NULL:
 * arn:aws:lambda:us-east-1:000000000000:function:profiler-bench. */
void rapi_new_invocation(struct rapi *r, const char *function_arn);

/* Arm the next invocation for the SAME process (--warm): like rapi_new_invocation,
 * but a /next already waiting (long poll) receives the new event instead of a 410. */
void rapi_warm_invocation(struct rapi *r, const char *function_arn);

/* eventfd that becomes readable whenever the status changes (a request
 * arrived, the event was sent, a response/error/init error arrived, a 4xx was
 * answered); rapi_status() reads and clears it. */
int rapi_notify_fd(const struct rapi *r);
void rapi_status(struct rapi *r, struct rapi_status *out);

void rapi_stop(struct rapi *r);	/* accepts NULL */
#endif
