/* The fields of an invocation record in the results JSON (results_fields.h), and signal names. */
#include "results_fields.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#define SIZE(field)	sizeof(((struct invocation *)0)->field)
#define FIELD(name, kind, in, null, field)						\
	{ name, kind, in, null, false, offsetof(struct invocation, field), SIZE(field), NULL, 0 }
#define OBJ(name, in, null, field, sub)							\
	{ name, RF_OBJ, in, null, false, offsetof(struct invocation, field), SIZE(field),	\
	  sub, sizeof(sub) / sizeof(sub[0]) }
#define PHASES(in, headline)	{ NULL, RF_PHASES, in, RF_NULL_NEVER, headline, 0, 0, NULL, 0 }

static const struct rf_field page_faults[] = {
	FIELD("minor", RF_UINT, RF_BOTH, RF_NULL_NEVER, min_flt),
	FIELD("major", RF_UINT, RF_BOTH, RF_NULL_NEVER, maj_flt),
};

/* --cold-cache: null when nothing was asked to be evicted (files 0) */
static const struct rf_field cold_cache[] = {
	FIELD("files", RF_UINT, RF_BOTH, RF_NULL_NEVER, evicted_files),
	FIELD("pages", RF_UINT, RF_BOTH, RF_NULL_NEVER, evicted_pages),
	FIELD("still_cached_pages", RF_UINT, RF_BOTH, RF_NULL_NEVER, still_cached_pages),
};

static const struct rf_field exit_fields[] = {
	FIELD("code", RF_INT, RF_BOTH, RF_NULL_MINUS1, exit_code),
	FIELD("signal", RF_SIGNAL, RF_BOTH, RF_NULL_ZERO, exit_signal),
	FIELD("killed_by_profiler", RF_BOOL, RF_BOTH, RF_NULL_NEVER, killed_by_profiler),
};

/* the emulator's own clock (userspace), 0: not seen */
static const struct rf_field emulator_ns[] = {
	FIELD("next_received", RF_UINT, RF_BOTH, RF_NULL_ZERO, api_next_received_ns),
	FIELD("event_sent", RF_UINT, RF_BOTH, RF_NULL_ZERO, api_event_sent_ns),
	FIELD("response_received", RF_UINT, RF_BOTH, RF_NULL_ZERO, api_response_received_ns),
};

/* A measurement: invocation, the headline phases, memory_kb, timestamp, the rest. A failure
 * says what failed first (outcome, reason, error_type, timestamp, log), then the same. */
const struct rf_field rf_inv_fields[] = {
	FIELD("invocation", RF_INDEX, RF_BOTH, RF_NULL_NEVER, index),
	FIELD("outcome", RF_OUTCOME, RF_FAIL, RF_NULL_NEVER, outcome),
	FIELD("reason", RF_STR, RF_FAIL, RF_NULL_NEVER, reason),
	FIELD("error_type", RF_STR, RF_FAIL, RF_NULL_ZERO, error_type),
	FIELD("timestamp", RF_INT, RF_FAIL, RF_NULL_NEVER, timestamp),
	FIELD("log", RF_STR, RF_FAIL, RF_NULL_NEVER, log_path),
	PHASES(RF_BOTH, true),
	FIELD("memory_kb", RF_UINT, RF_BOTH, RF_NULL_ZERO, memory_kb),
	FIELD("timestamp", RF_INT, RF_MEAS, RF_NULL_NEVER, timestamp),
	PHASES(RF_BOTH, false),
	FIELD("root_memory_kb", RF_UINT, RF_BOTH, RF_NULL_ZERO, root_memory_kb),
	OBJ("page_faults", RF_BOTH, RF_NULL_NEVER, min_flt, page_faults),
	FIELD("block_read_bytes", RF_UINT, RF_BOTH, RF_NULL_NEVER, read_bytes),
	FIELD("warm_handler_ms", RF_WARM, RF_BOTH, RF_NULL_NEVER, warm_handler_ms),
	OBJ("cold_cache", RF_BOTH, RF_NULL_ZERO, evicted_files, cold_cache),
	FIELD("processes", RF_UINT, RF_BOTH, RF_NULL_NEVER, processes),
	FIELD("threads", RF_UINT, RF_BOTH, RF_NULL_NEVER, threads),
	FIELD("connections", RF_UINT, RF_BOTH, RF_NULL_NEVER, connections),
	FIELD("requests", RF_UINT, RF_BOTH, RF_NULL_NEVER, requests),
	FIELD("bytes_sent", RF_UINT, RF_BOTH, RF_NULL_NEVER, bytes_sent),
	FIELD("bytes_received", RF_UINT, RF_BOTH, RF_NULL_NEVER, bytes_received),
	OBJ("exit", RF_BOTH, RF_NULL_NEVER, exit_code, exit_fields),
	FIELD("io_uring", RF_BOOL, RF_BOTH, RF_NULL_NEVER, io_uring),
	FIELD("capture_faults", RF_UINT, RF_BOTH, RF_NULL_NEVER, capture_faults),
	FIELD("root_pid", RF_UINT, RF_BOTH, RF_NULL_NEVER, root_pid),
	FIELD("spawn_ns", RF_UINT, RF_BOTH, RF_NULL_ZERO, spawn_ns),
	OBJ("emulator_ns", RF_BOTH, RF_NULL_NEVER, api_next_received_ns, emulator_ns),
	FIELD("log_bytes", RF_UINT, RF_BOTH, RF_NULL_NEVER, log_bytes),
	FIELD("log_dropped_bytes", RF_UINT, RF_BOTH, RF_NULL_NEVER, log_dropped),
	FIELD("log", RF_STR, RF_MEAS, RF_NULL_NEVER, log_path),
	FIELD("kernel_ns", RF_MARKS, RF_BOTH, RF_NULL_ZERO, k),
	FIELD("breakdown", RF_BREAKDOWN, RF_BOTH, RF_NULL_ZERO, bd),
	FIELD("process_limit_hits", RF_DEPLOYED, RF_BOTH, RF_NULL_ZERO, pids_max_events),
	FIELD("api", RF_API, RF_BOTH, RF_NULL_NEVER, api),	/* flat: api_facts.h names them */
};

const size_t rf_n_inv_fields = sizeof(rf_inv_fields) / sizeof(rf_inv_fields[0]);

void rf_signal_name(int sig, char *buf, size_t len)
{
	const char *abbr = sig > 0 && sig < SIGRTMIN ? sigabbrev_np(sig) : NULL;

	if (abbr)
		snprintf(buf, len, "SIG%s", abbr);
	else if (sig == SIGRTMIN)
		snprintf(buf, len, "SIGRTMIN");
	else if (sig > SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, len, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, len, "SIG%d", sig);
}

static int parse_small_uint(const char *s, int *out)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > 1000)
			return -1;
	}
	*out = (int)v;
	return 0;
}

int rf_signal_from_name(const char *name, int *sig)
{
	int i, n;

	if (strncmp(name, "SIG", 3) != 0)
		return -1;
	name += 3;
	for (i = 1; i < SIGRTMIN; i++) {
		const char *abbr = sigabbrev_np(i);

		if (abbr && strcmp(abbr, name) == 0) {
			*sig = i;
			return 0;
		}
	}
	if (strcmp(name, "RTMIN") == 0) {
		*sig = SIGRTMIN;
		return 0;
	}
	if (strcmp(name, "RTMAX") == 0) {
		*sig = SIGRTMAX;
		return 0;
	}
	if (strncmp(name, "RTMIN+", 6) == 0 && parse_small_uint(name + 6, &n) == 0 &&
	    SIGRTMIN + n <= SIGRTMAX) {
		*sig = SIGRTMIN + n;
		return 0;
	}
	if (strncmp(name, "RTMAX-", 6) == 0 && parse_small_uint(name + 6, &n) == 0 &&
	    SIGRTMAX - n >= SIGRTMIN) {
		*sig = SIGRTMAX - n;
		return 0;
	}
	if (parse_small_uint(name, &n) == 0 && n > 0 && n < NSIG) {
		*sig = n;
		return 0;
	}
	return -1;
}
