// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The tables of the cold-start model (invocation.h) and the phases they define. Pure. */
#include "invocation.h"

#define MARK(m) { #m, offsetof(struct phase_marks, m) }

const struct inv_mark_def inv_marks[INV_MARKS] = {
	[MARK_EXEC_ENTER] = MARK(exec_enter),
	[MARK_EXEC_DONE] = MARK(exec_done),
	[MARK_ENTRY] = MARK(entry),
	[MARK_CONNECT_START] = MARK(connect_start),
	[MARK_CONNECT_END] = MARK(connect_end),
	[MARK_NEXT_SENT] = MARK(next_sent),
	[MARK_EVENT_RECEIVED] = MARK(event_received),
	[MARK_RESPONSE_FIRST] = MARK(response_first),
	[MARK_RESPONSE_SENT] = MARK(response_sent),
	[MARK_INIT_ERROR_SENT] = MARK(init_error_sent),
	[MARK_ROOT_EXIT] = MARK(root_exit),
};

#define MS_OFF(f) offsetof(struct invocation, f)
#define KERNEL_ONLY false, 0, 0

const struct inv_phase_def inv_phases[INV_PHASES] = {
	[PHASE_EXEC] = { "exec", MARK_EXEC_ENTER, MARK_EXEC_DONE, MS_OFF(exec_ms), PHASE_INIT,
			 false, KERNEL_ONLY,
			 "execve entry -> the new image runs (sched_process_exec)" },
	/* not in --help: it lies inside init */
	[PHASE_CONNECT] = { "connect", MARK_CONNECT_START, MARK_CONNECT_END, MS_OFF(connect_ms),
			    PHASE_INIT, false, KERNEL_ONLY, NULL },
	[PHASE_INIT] = { "init", MARK_EXEC_ENTER, MARK_NEXT_SENT, MS_OFF(init_ms), PHASE_TOTAL,
			 true, true, MS_OFF(spawn_ns), MS_OFF(api_next_received_ns),
			 "execve entry -> GET /next fully written (Lambda's Init Duration)" },
	[PHASE_WAIT] = { "wait", MARK_NEXT_SENT, MARK_EVENT_RECEIVED, MS_OFF(wait_ms), PHASE_TOTAL,
			 false, KERNEL_ONLY,
			 "GET /next written -> first bytes of the event returned by read/recv" },
	[PHASE_HANDLER] = { "handler", MARK_EVENT_RECEIVED, MARK_RESPONSE_SENT, MS_OFF(handler_ms),
			    PHASE_TOTAL, true, true, MS_OFF(api_event_sent_ns),
			    MS_OFF(api_response_received_ns),
			    "event returned -> POST response (or error) fully written" },
	[PHASE_TOTAL] = { "total", MARK_EXEC_ENTER, MARK_RESPONSE_SENT, MS_OFF(total_ms), PHASE_NONE,
			  true, true, MS_OFF(spawn_ns), MS_OFF(api_response_received_ns),
			  "execve entry -> POST response fully written" },
};

const char *inv_outcome_name(enum inv_outcome o)
{
	static const char *const names[] = {
		[INV_OK] = "ok",
		[INV_FUNCTION_ERROR] = "function_error",
		[INV_INIT_ERROR] = "init_error",
		[INV_EXITED] = "exited",
		[INV_INIT_TIMEOUT] = "init_timeout",
		[INV_TIMEOUT] = "timeout",
		[INV_SPAWN_FAILED] = "spawn_failed",
		[INV_TRACE_INCOMPLETE] = "trace_incomplete",
		[INV_INTERRUPTED] = "interrupted",
		[INV_OUT_OF_MEMORY] = "out_of_memory",
		[INV_PROCESS_LIMIT] = "process_limit",
		[INV_TOO_MANY_CONNECTIONS] = "too_many_connections",
		[INV_EXTENSION_ERROR] = "extension_error",
	};

	if ((unsigned)o > INV_OUTCOME_LAST)
		return "unknown";
	return names[o];
}

void inv_phases_from_marks(struct invocation *inv)
{
	if (!inv)
		return;
	for (int p = 0; p < INV_PHASES; p++) {
		uint64_t from = inv_mark(&inv->k, inv_phases[p].from);
		uint64_t to = inv_mark(&inv->k, inv_phases[p].to);

		inv_set_phase_ms(inv, p, !from || !to || to < from ? -1.0 : (double)(to - from) / 1e6);
	}
}

static uint64_t reading(const struct invocation *inv, size_t off)
{
	return *(const uint64_t *)((const char *)inv + off);
}

void inv_phases_from_userspace(struct invocation *inv)
{
	if (!inv)
		return;
	for (int p = 0; p < INV_PHASES; p++) {
		const struct inv_phase_def *d = &inv_phases[p];
		uint64_t from = d->userspace ? reading(inv, d->us_from) : 0;
		uint64_t to = d->userspace ? reading(inv, d->us_to) : 0;

		inv_set_phase_ms(inv, p, from && to > from ? (double)(to - from) / 1e6 : -1.0);
	}
}
