// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* One cold start: its events collected, sorted once, built, classified, exported. Pure. */
#include "coldstart.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "breakdown_build.h"
#include "chrome_trace.h"
#include "timeline.h"

/* --- collecting ------------------------------------------------------------ */

void coldstart_begin(struct coldstart *c, uint32_t root)
{
	free(c->by_time);
	c->by_time = NULL;
	c->n = 0;
	c->oom = false;
	c->root = root;
}

int coldstart_add(struct coldstart *c, const struct prof_event *e)
{
	if (!c->root || e->root != c->root)
		return 0;	/* a previous cold start's straggler */
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 256;
		struct prof_event *nev = ncap <= SIZE_MAX / sizeof(*nev) ?
					 realloc(c->ev, ncap * sizeof(*nev)) : NULL;

		if (!nev) {
			c->oom = true;
			return -1;
		}
		c->ev = nev;
		c->cap = ncap;
	}
	c->ev[c->n++] = *e;
	return 1;
}

void coldstart_end(struct coldstart *c)
{
	free(c->by_time);
	c->by_time = NULL;
	c->root = 0;
	c->oom = false;
}

void coldstart_free(struct coldstart *c)
{
	if (!c)
		return;
	free(c->by_time);
	free(c->ev);
	memset(c, 0, sizeof(*c));
}

/* --- sorting once ------------------------------------------------------------ */

/* Stable order by ts_ns: ties keep ring-buffer order (pointer order). */
static int cmp_time(const void *a, const void *b)
{
	const struct prof_event *x = *(const struct prof_event *const *)a;
	const struct prof_event *y = *(const struct prof_event *const *)b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x < y ? -1 : (x > y ? 1 : 0);
}

int events_by_time(const struct prof_event *ev, size_t n, const struct prof_event ***out)
{
	const struct prof_event **s;

	*out = NULL;
	if (!n)
		return 0;
	s = malloc(n * sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		s[i] = &ev[i];
	qsort(s, n, sizeof(*s), cmp_time);
	*out = s;
	return 0;
}

/* --- building ---------------------------------------------------------------- */

int coldstart_build(struct coldstart *c, const struct coldstart_build_opts *o,
		    struct invocation *inv)
{
	int ret;

	if (!o->traced) {
		inv_phases_from_userspace(inv);
		inv->exit_code = -1;
		inv->processes = inv->threads = 0;
		return 0;
	}
	free(c->by_time);
	if (events_by_time(c->ev, c->n, &c->by_time)) {
		/* the record as timeline_build leaves it when it fails */
		timeline_build(NULL, 0, c->root, inv);
		inv->events = c->n;
		errno = ENOMEM;
		return -1;
	}
	ret = timeline_build(c->by_time, c->n, c->root, inv);
	if (o->breakdown) {
		int err = errno;

		inv->has_breakdown = breakdown_build(c->by_time, c->n, c->root, &inv->k,
						     &inv->bd) == 0;
		inv->bd_events = breakdown_events(c->ev, c->n);
		errno = err;
	}
	return ret;
}

int coldstart_export(const struct coldstart *c, struct ctrace *ct,
		     const struct invocation *inv)
{
	if (!ct)
		return 0;
	return ctrace_add_cold_start(ct, inv->index, c->by_time, c->n, inv);
}

/* --- classifying --------------------------------------------------------------- */

static void set_outcome(struct invocation *inv, enum inv_outcome o, const char *reason)
{
	inv->outcome = o;
	snprintf(inv->reason, sizeof(inv->reason), "%s", reason);
}

/* trace: no emulator; what the bootstrap wrote, as the kernel saw it. */
static void classify_attached(const struct coldstart_facts *f, struct invocation *inv)
{
	if (f->unfinished) {
		set_outcome(inv, INV_INTERRUPTED, "tracing stopped before the cold start ended");
	} else if (f->collect_oom) {
		set_outcome(inv, INV_TRACE_INCOMPLETE, "out of memory while collecting events");
	} else if (inv->k.response_sent && !inv->function_error) {
		set_outcome(inv, INV_OK, "");
	} else if (inv->k.response_sent) {
		set_outcome(inv, INV_FUNCTION_ERROR, "posted an invocation error");
	} else if (inv->k.init_error_sent) {
		set_outcome(inv, INV_INIT_ERROR, "posted an init error");
	} else {
		inv->outcome = INV_EXITED;
		if (inv->exit_signal)
			snprintf(inv->reason, sizeof(inv->reason), "killed by signal %d before answering",
				 inv->exit_signal);
		else
			snprintf(inv->reason, sizeof(inv->reason), "exited%s before answering",
				 inv->exit_code >= 0 ? " (see exit.code)" : "");
	}
}

/* The first mark of the answer that the trace misses, or NULL. */
static const char *mark_missing(const struct phase_marks *k)
{
	if (!k->exec_enter)
		return "execve entry";
	if (!k->next_sent)
		return "GET /next write";
	if (!k->event_received)
		return "event read";
	if (!k->response_sent)
		return "response write";
	return NULL;
}

static void wait_outcome(const struct coldstart_facts *f, struct invocation *inv)
{
	switch (f->wait) {
	case CS_WAIT_ANSWERED:
		break;
	case CS_WAIT_EXITED:
		inv->outcome = INV_EXITED;	/* the reason comes once it is known how */
		break;
	case CS_WAIT_INTERRUPTED:
		inv->outcome = INV_INTERRUPTED;
		snprintf(inv->reason, sizeof(inv->reason), "the run was interrupted (%s)",
			 f->stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
		break;
	case CS_WAIT_INIT_TIMEOUT:
		inv->outcome = INV_INIT_TIMEOUT;
		if (f->extension_failure)
			snprintf(inv->reason, sizeof(inv->reason), "init not over within the init "
				 "timeout of %g s: %s", f->init_timeout_s, f->extension_failure);
		else
			snprintf(inv->reason, sizeof(inv->reason),
				 "no GET /next within the init timeout of %g s", f->init_timeout_s);
		break;
	case CS_WAIT_CONN_LIMIT:
		inv->outcome = INV_TOO_MANY_CONNECTIONS;
		snprintf(inv->reason, sizeof(inv->reason), "opened more than %d connections to the "
			 "Runtime API at once", RAPI_MAX_CONNS);
		break;
	case CS_WAIT_EXTENSION:
		inv->outcome = INV_EXTENSION_ERROR;
		snprintf(inv->reason, sizeof(inv->reason), "%s",
			 f->extension_failure ? f->extension_failure : "an extension failed");
		snprintf(inv->error_type, sizeof(inv->error_type), "%s",
			 f->extension_error_type ? f->extension_error_type : "Extension.Crash");
		break;
	case CS_WAIT_TIMEOUT:
		inv->outcome = INV_TIMEOUT;
		snprintf(inv->reason, sizeof(inv->reason),
			 "no response within the invocation timeout of %g s", f->timeout_s);
		break;
	}
}

/* What the emulator got, for a cold start no other rule has failed. */
static void answer_outcome(const struct coldstart_facts *f, struct invocation *inv)
{
	const struct rapi_status *st = f->api;
	const char *missing;

	switch (st->state) {
	case RAPI_RESPONDED:
		missing = f->traced ? mark_missing(&inv->k) : NULL;
		if (missing) {
			inv->outcome = INV_TRACE_INCOMPLETE;
			snprintf(inv->reason, sizeof(inv->reason),
				 "the emulator got the response but the trace has no %s%s", missing,
				 inv->io_uring ? " (the bootstrap uses io_uring, which syscall tracing cannot see)" : "");
		}
		break;
	case RAPI_ERRORED:
		inv->outcome = INV_FUNCTION_ERROR;
		snprintf(inv->error_type, sizeof(inv->error_type), "%s", st->error_type);
		snprintf(inv->reason, sizeof(inv->reason), "posted an invocation error: %s%s%s",
			 st->error_type[0] ? st->error_type : "(no error type)",
			 st->error_message[0] ? ": " : "", st->error_message);
		break;
	case RAPI_INIT_ERRORED:
		inv->outcome = INV_INIT_ERROR;
		snprintf(inv->error_type, sizeof(inv->error_type), "%s", st->error_type);
		snprintf(inv->reason, sizeof(inv->reason), "posted an init error: %s%s%s",
			 st->error_type[0] ? st->error_type : "(no error type)",
			 st->error_message[0] ? ": " : "", st->error_message);
		break;
	default:
		inv->outcome = INV_EXITED;
		break;
	}
}

static void exit_reason(const struct coldstart_facts *f, struct invocation *inv)
{
	char how[128];

	if (inv->exit_signal)
		snprintf(how, sizeof(how), "killed by signal %d (%s)", inv->exit_signal,
			 strsignal(inv->exit_signal));
	else if (inv->exit_code >= 0)
		snprintf(how, sizeof(how), "exited with code %d", inv->exit_code);
	else
		snprintf(how, sizeof(how), "ended");
	snprintf(inv->reason, sizeof(inv->reason), "%s before posting a response%s", how,
		 f->api && f->api->state == RAPI_WAITING ? " (it never called GET /next)" : "");
}

/* benchmark: the emulator is the authority on the answer, the trace on the phases. */
static void classify_run(const struct coldstart_facts *f, struct invocation *inv)
{
	if (f->spawn_error)
		set_outcome(inv, INV_SPAWN_FAILED, f->spawn_error);
	else
		wait_outcome(f, inv);
	if (inv->outcome == INV_OK && f->traced && f->build_failed)
		set_outcome(inv, INV_TRACE_INCOMPLETE, "the trace has no execve of the bootstrap");
	if (inv->outcome == INV_OK && f->api)
		answer_outcome(f, inv);
	if (inv->outcome == INV_EXITED && !inv->reason[0])
		exit_reason(f, inv);
	if (inv->outcome == INV_OK && f->events_dropped) {
		inv->outcome = INV_TRACE_INCOMPLETE;
		snprintf(inv->reason, sizeof(inv->reason),
			 "%llu events were dropped (ring buffer full): phases may be wrong",
			 (unsigned long long)f->events_dropped);
	}
	if (inv->outcome == INV_OK && f->collect_oom)
		set_outcome(inv, INV_TRACE_INCOMPLETE, "out of memory while collecting events");
	if (f->oom_kills && inv->outcome != INV_OK && inv->outcome != INV_INTERRUPTED) {
		inv->outcome = INV_OUT_OF_MEMORY;
		snprintf(inv->error_type, sizeof(inv->error_type), "Runtime.OutOfMemory");
		snprintf(inv->reason, sizeof(inv->reason),
			 "Runtime.OutOfMemory: the kernel's OOM killer ended %llu process%s at the "
			 "%u MB memory limit", (unsigned long long)f->oom_kills,
			 f->oom_kills > 1 ? "es" : "", f->memory_mb);
	}
	if (f->pids_max_events && inv->outcome != INV_OK && inv->outcome != INV_INTERRUPTED) {
		char oom[96] = "";

		if (f->oom_kills)
			snprintf(oom, sizeof(oom), "; the OOM killer also ended %llu process%s",
				 (unsigned long long)f->oom_kills, f->oom_kills > 1 ? "es" : "");
		inv->outcome = INV_PROCESS_LIMIT;
		inv->error_type[0] = '\0';
		snprintf(inv->reason, sizeof(inv->reason),
			 "the process limit of %u processes and threads was reached: %llu fork%s or "
			 "clone%s refused (pids cgroup)%s", f->pids_max,
			 (unsigned long long)f->pids_max_events, f->pids_max_events > 1 ? "s" : "",
			 f->pids_max_events > 1 ? "s" : "", oom);
	}
}

void coldstart_classify(const struct coldstart_facts *f, struct invocation *inv)
{
	inv->outcome = INV_OK;
	inv->reason[0] = '\0';
	inv->error_type[0] = '\0';
	if (f->attached)
		classify_attached(f, inv);
	else
		classify_run(f, inv);
}
