/*
 * The emulator of Lambda's Runtime API (2018-06-01), Extensions API (2020-01-01) and the
 * Telemetry API's subscribe, on loopback, built on libmicrohttpd. With opts.isolate it listens
 * inside a network namespace of its own (netns.h) that only the processes it is handed to
 * join can reach.
 *
 * Connections: each belongs to the cold start (rapi_new_invocation) in progress when it was
 * accepted. A cold start holding more than RAPI_MAX_CONNS at once is marked (conn_limit) and
 * each connection over it is shut down at accept; with opts.own_connections a request on a
 * connection of another cold start (or of none) is answered 403 and counted (foreign_requests).
 * When the next cold start is armed, the connections of ended ones whose peer has gone are
 * closed at once.
 */
#ifndef RAPI_H
#define RAPI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rapi;

#define RAPI_MAX_CONNS	256	/* connections of one cold start at once (a runtime needs 1-2) */
#define RAPI_MAX_EXT	10	/* extensions of one function (Lambda's limit) */

/* What the emulator saw of one extension of the cold start (CLOCK_MONOTONIC ns, 0 = not seen). */
struct rapi_ext_status {
	char name[64];			/* Lambda-Extension-Name it registered with */
	uint64_t registered_ns;		/* its register arrived */
	uint64_t first_next_ns;		/* its first event/next arrived: its init is over */
	uint64_t last_next_ns;		/* its latest event/next arrived */
	unsigned nexts;			/* event/next calls */
	bool invoke, shutdown;		/* registered for INVOKE, SHUTDOWN */
	bool shutdown_sent;		/* SHUTDOWN handed to it */
	bool init_error, exit_error;	/* it posted init/error, exit/error */
	char error_type[128];		/* their Lambda-Extension-Function-Error-Type */
};

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
	/* connections of this cold start */
	unsigned connections;		/* accepted */
	unsigned connections_peak;	/* open at once, at most */
	bool conn_limit;		/* more than RAPI_MAX_CONNS were open at once */
	unsigned foreign_requests;	/* 403s to requests on connections not of this cold start */
	/* response streaming (Lambda-Runtime-Function-Response-Mode: streaming) */
	bool streamed;
	uint64_t response_first_ns;	/* first bytes of the response body arrived (any mode) */
	/* extensions: init is over when the runtime asked for its event and each started
	 * extension has registered and called event/next */
	unsigned ext_expected;		/* extension processes started (rapi_expect_extensions) */
	unsigned n_ext;
	struct rapi_ext_status ext[RAPI_MAX_EXT];
	uint64_t init_done_ns;		/* the runtime's event could go out: init is over */
	uint64_t post_runtime_done_ns;	/* after the response, every INVOKE extension called
					 * next again: the invocation is over */
	unsigned shutdown_sent;		/* SHUTDOWN events handed out */
};

struct rapi_opts {
	unsigned timeout_ms;	/* Lambda-Runtime-Deadline-Ms = now + this; 0 = 3000 */
	bool verbose;		/* libmicrohttpd's error log to stderr */
	bool isolate;		/* listen in a network namespace of its own (falls back to the
				 * host's loopback, with one warning line, when not permitted) */
	bool own_connections;	/* 403 to requests on connections of another cold start */
	const char *client_context;	/* Lambda-Runtime-Client-Context on /next (JSON), or NULL */
	const char *cognito_identity;	/* Lambda-Runtime-Cognito-Identity (JSON), or NULL */
	const char *function_name;	/* register's answer (NULL: profiler-bench) */
	const char *handler;		/* register's answer (NULL: "handler") */
};

/* Start listening on 127.0.0.1 (and ::1 on the same port when possible) on an
 * ephemeral port. event/event_len: payload of every invocation (copied).
 * Returns NULL with errbuf set on failure. */
struct rapi *rapi_start(const char *event, size_t event_len, char *errbuf, size_t errlen);
/* Same with options (opts may be NULL). */
struct rapi *rapi_start_opts(const char *event, size_t event_len, const struct rapi_opts *opts,
			     char *errbuf, size_t errlen);
/* The function register answers with (functionName, handler): AWS_LAMBDA_FUNCTION_NAME's and
 * _HANDLER's; NULL keeps what it was. */
void rapi_set_function(struct rapi *r, const char *name, const char *handler);
/* Deadline offset of the events sent from now on (0 = 3000 ms). */
void rapi_set_timeout_ms(struct rapi *r, unsigned ms);
uint16_t rapi_port(const struct rapi *r);
bool rapi_has_ipv6(const struct rapi *r);
/* The network namespace it listens in (an fd to setns() into), or -1 (not isolated). */
int rapi_netns_fd(const struct rapi *r);
/* "netns" or "none": the results' api_isolation. */
const char *rapi_isolation(const struct rapi *r);

/* n extension processes were started for the armed cold start: its init waits for each to
 * register and call event/next (call after rapi_new_invocation, before the runtime starts). */
void rapi_expect_extensions(struct rapi *r, unsigned n);
/* The end of the cold start: SHUTDOWN (deadlineMs = now + deadline_ms) to every extension
 * registered for it, now or at its next event/next. Returns how many get one. */
unsigned rapi_shutdown_extensions(struct rapi *r, unsigned deadline_ms);

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
