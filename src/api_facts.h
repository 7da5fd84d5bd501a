/*
 * What a cold start's Runtime API side showed beyond its phases: the connections it held, the
 * requests refused as foreign, a streamed response's first and last byte, and its extensions
 * (each one's init next to the runtime's, its part after the response, its shutdown). Its
 * record in struct invocation, its JSON in the results and its lines in the text report.
 */
#ifndef API_FACTS_H
#define API_FACTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cjson/cJSON.h>

#define API_FACTS_MAX_EXT 10	/* Lambda's limit of extensions per function */

/* How an extension's cold start went (the results' extensions[].outcome). */
enum ext_outcome {
	EXT_OK = 0,		/* registered, called next, and exited at SHUTDOWN (or was ended
				 * with the tree, not registered for SHUTDOWN) */
	EXT_CRASHED,		/* it exited before its init was over */
	EXT_INIT_ERROR,		/* it posted init/error */
	EXT_EXIT_ERROR,		/* it posted exit/error */
	EXT_NEVER_READY,	/* still no event/next when the cold start ended */
	EXT_KILLED_AT_SHUTDOWN,	/* it ignored SHUTDOWN and was killed at the deadline */
	EXT_SPAWN_FAILED,
	EXT_OUTCOME_LAST = EXT_SPAWN_FAILED,
};

const char *ext_outcome_name(enum ext_outcome o);

struct ext_record {
	char name[64];		/* the name it registered with, else its file's */
	char path[256];
	uint32_t pid;
	enum ext_outcome outcome;
	char reason[160];	/* "" when ok */
	char error_type[128];	/* init/error, exit/error's Lambda-Extension-Function-Error-Type */
	bool registered, invoke, shutdown;	/* registered, for INVOKE, for SHUTDOWN */
	double init_ms;		/* its start (spawner's clock before execve) -> its first event/next
				 * arrived (the emulator's clock); -1 not measured */
	double shutdown_ms;	/* SHUTDOWN sent -> it exited; -1 not measured */
	int exit_code, exit_signal;	/* -1 / 0 when unknown or none */
	uint64_t memory_kb;	/* its peak RSS (VmHWM) read before it ended; 0 unknown */
	/* CLOCK_MONOTONIC ns, for the trace export (not in the results): its start, its first
	 * event/next, SHUTDOWN sent, its end seen; 0 not seen */
	uint64_t start_ns, ready_ns, shutdown_ns, end_ns;
};

struct api_facts {
	unsigned connections_peak;	/* Runtime API connections open at once, at most */
	bool conn_limit;		/* more than the limit were open at once */
	unsigned foreign_requests;	/* requests refused (403): not of this cold start */
	/* a response sent with Lambda-Runtime-Function-Response-Mode: streaming */
	bool streamed;
	double ttfb_ms, last_byte_ms;		/* kernel: event read -> first / last write of the
						 * response; -1 not measured */
	double api_ttfb_ms, api_last_byte_ms;	/* the emulator: event sent -> first body bytes /
						 * body complete; -1 not measured */
	/* extensions: n_ext records (malloc'd, NULL without: most cold starts have none, and a
	 * run holds every record in memory) */
	unsigned n_ext;
	struct ext_record *ext;
	double runtime_init_ms;		/* the runtime's own: its start -> its GET next arrived
					 * (emulator), next to each extension's; -1 */
	double post_runtime_ms;		/* response received -> every INVOKE extension called next
					 * again (emulator); -1 not measured or no such extension */
};

struct invocation;
struct rapi_status;

/* n zeroed extension records in f (what it held is freed first). 0, or -1 out of memory. */
int api_facts_set_ext(struct api_facts *f, unsigned n);
void api_facts_free(struct api_facts *f);	/* its records; f stays usable (none) */

/* The connections, foreign requests and streaming of inv->api from the emulator's status and
 * inv's kernel marks (response_first, response_sent, event_received). */
void api_facts_fill(struct invocation *inv, const struct rapi_status *st);

/* Its fields in the results object o of one cold start (measurement or failure). */
void api_facts_json(cJSON *o, const struct api_facts *f, bool *oom);
/* Read back what api_facts_json wrote (absent fields stay zero / unmeasured). 0, or -1 with
 * one line in err when a field is present with the wrong type. */
int api_facts_from_json(const cJSON *o, const char *pfx, struct api_facts *f, char *err,
			size_t errlen);
/* Its lines in the text report of one cold start (nothing when there is nothing to say). */
void api_facts_text(FILE *txt, const struct api_facts *f);
/* The run's lines: each extension over the cold starts that ran it (its mean init, the
 * runtime's, the post-runtime phase, its outcomes), the foreign requests and the connection
 * limit's failures; nothing when there is nothing to say. */
void api_facts_summary(FILE *txt, const struct invocation *inv, size_t n);
#endif
