/*
 * The emulator inside: what its files share. Not for the rest of the tool (rapi.h is).
 *   rapi.c          the daemons, start/stop, arming, the status, the request dispatch
 *   rapi_runtime.c  the Runtime API (2018-06-01): next, response, error, init/error, streaming
 *   rapi_ext.c      the Extensions API (2020-01-01) and the Telemetry API subscribe
 *   rapi_conn.c     the connections: which cold start accepted each, the limit, closing
 * Everything under struct rapi.lock unless said otherwise.
 */
#ifndef RAPI_INT_H
#define RAPI_INT_H
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rapi.h"

#define RAPI_DEFAULT_ARN	"arn:aws:lambda:us-east-1:000000000000:function:profiler-bench"
#define RAPI_MAX_RESPONSE	(6u * 1024 * 1024)	/* Lambda's synchronous payload limit */
#define RAPI_MAX_STREAM		(20u * 1024 * 1024)	/* and a streamed response's */
#define RAPI_MAX_ERROR_BODY	(64u * 1024)		/* error bodies kept for parsing */
#define RAPI_MAX_ID		64

enum req_kind {
	REQ_NEXT,
	REQ_RESPONSE,
	REQ_ERROR,
	REQ_INIT_ERROR,
	REQ_EXT_REGISTER,
	REQ_EXT_NEXT,
	REQ_EXT_INIT_ERROR,
	REQ_EXT_EXIT_ERROR,
	REQ_TELEMETRY,
	REQ_FOREIGN,		/* on a connection of no cold start in progress: 403 */
	REQ_NOT_FOUND,
	REQ_BAD_METHOD,
};

/* One HTTP request (MHD's per-request context). */
struct req {
	enum req_kind kind;
	const char *allow;		/* for 405 */
	char id[RAPI_MAX_ID];		/* request id of the path */
	bool id_too_long;
	size_t body_len;		/* bytes of body received */
	char *body;			/* error and extension bodies only, up to RAPI_MAX_ERROR_BODY */
	size_t body_cap;
	bool streaming;			/* Lambda-Runtime-Function-Response-Mode: streaming */
	uint64_t first_byte_ns;		/* its first body bytes arrived */
	int ext;			/* extension API: the extension's slot, -1 none */
	/* long poll (GET next while nothing is armed), under rapi.lock */
	struct MHD_Connection *conn;
	struct req *wnext, *wprev;
	bool waiting;			/* in the waiter list, suspended */
	unsigned answer;		/* set when resumed: status to answer */
};

/* One TCP connection (MHD's socket context), from accept to close. */
struct rconn {
	int fd;
	unsigned epoch;			/* the cold start in progress when it was accepted; 0 none */
	bool over_limit;		/* shut down at accept: one too many */
	struct rconn *next, *prev;
};

/* One extension registered in the cold start in progress. */
struct rext {
	char name[64];			/* Lambda-Extension-Name */
	char id[40];			/* Lambda-Extension-Identifier */
	bool invoke, shutdown;		/* the events it registered for */
	uint64_t registered_ns, first_next_ns, last_next_ns;
	unsigned nexts;			/* event/next calls */
	unsigned events;		/* events handed to it */
	bool shutdown_sent;
	char error_type[128];		/* its init/error or exit/error */
	bool init_error, exit_error;
	unsigned invoked;		/* the invocation serial of the last INVOKE it got */
	unsigned done;			/* ... of the last one it called next after */
	struct req *waiting;		/* its event/next long-polling, or NULL */
};

struct rapi {
	pthread_mutex_t lock;
	struct MHD_Daemon *d4, *d6;
	uint16_t port;
	int efd;
	char *event;
	size_t event_len;
	bool verbose;
	bool own_connections;		/* opts.own_connections */
	int netns_fd;			/* the namespace it listens in, -1 none */
	char client_context[4096];	/* Lambda-Runtime-Client-Context, "" none */
	char cognito_identity[1024];	/* Lambda-Runtime-Cognito-Identity, "" none */
	char function_name[128], handler[128];
	/* under lock */
	bool stopping;
	bool armed;			/* an invocation exists */
	bool delivered;			/* its event was handed to a GET next */
	bool runtime_waiting_init;	/* the runtime's next waits for the extensions */
	unsigned timeout_ms;
	char arn[256];
	char trace_id[96];
	struct req *waiters;
	struct rapi_status st;
	bool notify_due;		/* a change of st not yet signalled on efd */
	/* connections */
	unsigned epoch;			/* the cold start in progress (0 before the first) */
	unsigned open_now;		/* connections of this epoch open now */
	struct rconn *conns;
	/* extensions of the cold start in progress */
	unsigned ext_expected;		/* extension processes started for it */
	struct rext ext[RAPI_MAX_EXT];
	unsigned n_ext;
	unsigned inv_serial;		/* invocations whose event the runtime got, this cold start */
	uint64_t shutdown_deadline_ms;	/* epoch ms of the SHUTDOWN events, 0 not sent */
};

/* rapi.c */
void rapi_notify_locked(struct rapi *r);
void rapi_notify_later_locked(struct rapi *r);
void rapi_notify_due_locked(struct rapi *r);
void rapi_make_uuid(char out[37]);
uint64_t rapi_epoch_ms(void);
bool rapi_has_prefix(const char *s, const char *p, const char **rest);
enum MHD_Result rapi_queue(struct MHD_Connection *c, unsigned code, const char *body,
			   const char *allow, bool close);
enum MHD_Result rapi_queue_error(struct MHD_Connection *c, unsigned code, const char *type,
				 const char *msg, const char *allow, bool close);
/* Add q to the long polls and suspend its connection. */
void rapi_suspend_locked(struct rapi *r, struct MHD_Connection *c, struct req *q);
void rapi_unlink_waiter_locked(struct rapi *r, struct req *q);
/* Keep a request body (error, extension ones) up to RAPI_MAX_ERROR_BODY; count the rest. */
void rapi_take_body(struct req *q, const char *data, size_t len, bool keep);

/* rapi_runtime.c */
bool rapi_runtime_classify(struct req *q, const char *rest, const char *method);
void rapi_runtime_begin(struct rapi *r, struct MHD_Connection *c, struct req *q);
void rapi_runtime_body(struct rapi *r, struct req *q, const char *data, size_t len);
enum MHD_Result rapi_answer_next(struct rapi *r, struct MHD_Connection *c, struct req *q);
enum MHD_Result rapi_answer_post(struct rapi *r, struct MHD_Connection *c, struct req *q);
/* Whether init is over: the runtime asked and every extension started has called next. */
bool rapi_init_done_locked(const struct rapi *r);
/* Resume the runtime's next that waited for the extensions, once init is over. */
void rapi_runtime_release_locked(struct rapi *r);

/* rapi_ext.c */
bool rapi_ext_classify(struct req *q, const char *url, const char *method);
void rapi_ext_begin(struct rapi *r, struct MHD_Connection *c, struct req *q);
enum MHD_Result rapi_ext_answer(struct rapi *r, struct MHD_Connection *c, struct req *q);
/* An INVOKE to every extension registered for it (the runtime got its event). */
void rapi_ext_invoke_locked(struct rapi *r);
/* The runtime answered: is every INVOKE extension done too (post_runtime_done_ns)? */
void rapi_ext_check_done_locked(struct rapi *r);
/* The extensions' part of the status; reset them for a new cold start. */
void rapi_ext_status_locked(const struct rapi *r, struct rapi_status *st);
void rapi_ext_reset_locked(struct rapi *r);
void rapi_ext_release_locked(struct rapi *r, unsigned code);
/* Resumed extension next: answer with its pending event. */
enum MHD_Result rapi_ext_answer_next(struct rapi *r, struct MHD_Connection *c, struct req *q);

/* rapi_conn.c */
void rapi_conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
		      enum MHD_ConnectionNotificationCode toe);
/* Whether a request on c may be served (its connection belongs to the cold start). */
bool rapi_conn_own_locked(const struct rapi *r, struct MHD_Connection *c);
/* A new cold start: its count starts at 0; the connections of ended ones whose peer is gone
 * are closed now. */
void rapi_conn_new_epoch_locked(struct rapi *r);
#endif
