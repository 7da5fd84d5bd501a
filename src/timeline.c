// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Events of one cold start -> phase marks, counters and phases. Pure. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "httpclass.h"
#include "timeline.h"

#define EINPROGRESS_RET (-EINPROGRESS)	/* non-blocking connect started: success */

static double phase_ms(uint64_t from, uint64_t to)
{
	if (!from || !to || to < from)
		return -1.0;
	return (double)(to - from) / 1e6;
}

/* One HTTP request found in the write stream of a connection. */
struct request {
	uint32_t conn;
	enum rapi_req type;
	uint64_t first_ts;	/* entry of its first write */
	uint64_t last_ts;	/* entry of its last write */
	uint64_t last_end;	/* exit of its last write */
};

struct conn_state {
	uint32_t conn;
	long cur;		/* index of its current request, -1 none */
	struct httpclass_conn hc;
};

struct builder {
	struct request *req;
	size_t n_req, cap_req;
	struct conn_state *conns;
	size_t n_conns, cap_conns;
	size_t last_conn;	/* cache: writes come in runs per connection */
};

/* Grow *arr (element size sz) to hold at least need elements. */
static int grow(void **arr, size_t *cap, size_t need, size_t sz)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*arr, ncap * sz);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

static struct conn_state *conn_get(struct builder *b, uint32_t conn)
{
	struct conn_state *c;

	if (b->last_conn < b->n_conns && b->conns[b->last_conn].conn == conn)
		return &b->conns[b->last_conn];
	for (size_t i = 0; i < b->n_conns; i++) {
		if (b->conns[i].conn == conn) {
			b->last_conn = i;
			return &b->conns[i];
		}
	}
	if (grow((void **)&b->conns, &b->cap_conns, b->n_conns + 1, sizeof(*b->conns)))
		return NULL;
	c = &b->conns[b->n_conns];
	c->conn = conn;
	c->cur = -1;
	httpclass_init(&c->hc);
	b->last_conn = b->n_conns++;
	return c;
}

/* Feed one successful write to its connection's classifier. */
static int feed_write(struct builder *b, const struct prof_event *e)
{
	struct conn_state *c = conn_get(b, e->conn_id);
	size_t len = (size_t)e->ret;
	size_t cap = e->cap_len;
	struct request *r;
	enum rapi_req t;
	bool starts;

	if (!c)
		return -1;
	if (cap > PROF_CAPTURE_LEN)
		cap = PROF_CAPTURE_LEN;
	if (e->flags & PROF_F_CAPTURE_FAULT)
		cap = 0;
	t = httpclass_feed(&c->hc, e->data, cap, len, &starts);
	if (starts) {
		if (grow((void **)&b->req, &b->cap_req, b->n_req + 1, sizeof(*b->req)))
			return -1;
		c->cur = (long)b->n_req++;
		r = &b->req[c->cur];
		r->conn = e->conn_id;
		r->type = t;
		r->first_ts = e->ts_ns;
		r->last_ts = e->ts_ns;
		r->last_end = e->end_ns;
		return 0;
	}
	if (c->cur < 0)
		return 0;	/* bytes before any request line: not attributable */
	r = &b->req[c->cur];
	if (t != RAPI_REQ_NONE)
		r->type = t;	/* split request line completed */
	r->last_ts = e->ts_ns;
	r->last_end = e->end_ns;
	return 0;
}

static bool connect_ok(const struct prof_event *e)
{
	return e->ret == 0 || e->ret == EINPROGRESS_RET;
}

static void reset_outputs(struct invocation *inv, uint32_t root, size_t n)
{
	memset(&inv->k, 0, sizeof(inv->k));
	inv->root_pid = root;
	inv->function_error = false;
	inv->memory_kb = 0;
	inv->root_memory_kb = 0;
	inv->min_flt = 0;
	inv->maj_flt = 0;
	inv->read_bytes = 0;
	inv->bpf_tree_ns = 0;
	inv->processes = 1;
	inv->threads = 1;
	inv->connections = 0;
	inv->requests = 0;
	inv->bytes_sent = 0;
	inv->bytes_received = 0;
	inv->exit_code = -1;
	inv->exit_signal = 0;
	inv->io_uring = false;
	inv->capture_faults = 0;
	inv->events = n;
}

/* Counters, exit info, exec/connect/exit marks and the request list. */
static int first_pass(const struct prof_event *const *s, size_t n, uint32_t root,
		      struct invocation *inv, struct builder *b)
{
	struct phase_marks *k = &inv->k;
	bool root_exit_seen = false;

	for (size_t i = 0; i < n; i++) {
		const struct prof_event *e = s[i];

		if (e->flags & PROF_F_CAPTURE_FAULT)
			inv->capture_faults++;
		switch (e->type) {
		case PROF_EV_EXEC_ENTER:
			if (e->tgid == root && !k->exec_enter)
				k->exec_enter = e->ts_ns;
			break;
		case PROF_EV_EXEC_DONE:
			/* sorted: once exec_enter is set, later ones are at/after it */
			if (e->tgid == root && k->exec_enter && !k->exec_done)
				k->exec_done = e->ts_ns;
			break;
		case PROF_EV_ENTRY:
			if (e->tgid == root && k->exec_done && !k->entry)
				k->entry = e->ts_ns;
			break;
		case PROF_EV_FORK:
			inv->threads++;
			if (!(e->flags & PROF_F_THREAD))
				inv->processes++;
			break;
		case PROF_EV_EXIT:
			if (e->rss_peak_kb > inv->memory_kb)
				inv->memory_kb = e->rss_peak_kb;
			inv->min_flt += e->min_flt;
			inv->maj_flt += e->maj_flt;
			inv->read_bytes += e->read_bytes;
			inv->bpf_tree_ns += e->bpf_ns;
			if (e->tgid == root && !root_exit_seen) {
				int st = (int)e->arg;

				root_exit_seen = true;
				k->root_exit = e->ts_ns;
				inv->root_memory_kb = e->rss_peak_kb;
				inv->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
				inv->exit_signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
			}
			break;
		case PROF_EV_CONNECT:
			if (!connect_ok(e))
				break;
			if (!inv->connections++) {
				k->connect_start = e->ts_ns;
				k->connect_end = e->end_ns;
			}
			break;
		case PROF_EV_WRITE:
			if (e->ret <= 0)
				break;
			inv->bytes_sent += (uint64_t)e->ret;
			if (feed_write(b, e))
				return -1;
			break;
		case PROF_EV_READ:
			if (e->ret > 0)
				inv->bytes_received += (uint64_t)e->ret;
			break;
		case PROF_EV_IO_URING:
			inv->io_uring = true;
			break;
		default:
			break;
		}
	}
	inv->requests = (unsigned)b->n_req;
	return 0;
}

/* next_sent, event_received, response_sent, init_error_sent. */
static void request_marks(const struct prof_event *const *s, size_t n, struct invocation *inv,
			  const struct builder *b)
{
	struct phase_marks *k = &inv->k;
	const struct request *next = NULL;

	for (size_t i = 0; i < b->n_req; i++) {
		const struct request *r = &b->req[i];

		if (r->type == RAPI_REQ_NEXT && !next)
			next = r;
		if (r->type == RAPI_REQ_INIT_ERROR && !k->init_error_sent)
			k->init_error_sent = r->last_ts;
	}
	if (!next)
		return;
	k->next_sent = next->last_ts;

	for (size_t i = 0; i < n; i++) {
		const struct prof_event *e = s[i];

		if (e->type == PROF_EV_READ && e->ret > 0 && e->conn_id == next->conn &&
		    e->ts_ns >= next->last_ts) {
			k->event_received = e->end_ns;
			break;
		}
	}
	for (size_t i = 0; i < b->n_req; i++) {
		const struct request *r = &b->req[i];

		if ((r->type == RAPI_REQ_RESPONSE || r->type == RAPI_REQ_ERROR) &&
		    r->first_ts >= k->event_received) {
			k->response_first = r->first_ts;
			k->response_sent = r->last_ts;
			inv->function_error = r->type == RAPI_REQ_ERROR;
			break;
		}
	}
}

static void warm_marks(const struct prof_event *const *s, size_t n, struct invocation *inv,
		       const struct builder *b)
{
	unsigned k = 0, want = inv->n_warm > TIMELINE_MAX_WARM ? TIMELINE_MAX_WARM : inv->n_warm;
	bool first = true;

	for (unsigned i = 0; i < want; i++)
		inv->warm_handler_ms[i] = -1;
	for (size_t i = 0; i < b->n_req && k < want; i++) {
		const struct request *next = &b->req[i];
		uint64_t got = 0;

		if (next->type != RAPI_REQ_NEXT)
			continue;
		if (first) {		/* the cold invocation's */
			first = false;
			continue;
		}
		for (size_t j = 0; j < n; j++) {
			const struct prof_event *e = s[j];

			if (e->type == PROF_EV_READ && e->ret > 0 && e->conn_id == next->conn &&
			    e->ts_ns >= next->last_ts) {
				got = e->end_ns;
				break;
			}
		}
		for (size_t j = i + 1; got && j < b->n_req; j++) {
			const struct request *r = &b->req[j];

			if ((r->type == RAPI_REQ_RESPONSE || r->type == RAPI_REQ_ERROR) &&
			    r->first_ts >= got) {
				inv->warm_handler_ms[k] = phase_ms(got, r->last_ts);
				break;
			}
		}
		k++;
	}
}

int timeline_build(const struct prof_event *const *ev, size_t n, uint32_t root,
		   struct invocation *inv)
{
	struct builder b = { 0 };
	int ret = -1, err = 0;

	if (!inv || (n && !ev)) {
		errno = EINVAL;
		return -1;
	}
	reset_outputs(inv, root, n);
	if (first_pass(ev, n, root, inv, &b)) {
		err = ENOMEM;
		goto cleanup;
	}
	if (!inv->k.exec_enter) {
		err = ENOENT;
		goto cleanup;
	}
	request_marks(ev, n, inv, &b);
	warm_marks(ev, n, inv, &b);
	ret = 0;
cleanup:
	if (ret)
		memset(&inv->k, 0, sizeof(inv->k));
	inv_phases_from_marks(inv);
	free(b.req);
	free(b.conns);
	if (ret)
		errno = err;
	return ret;
}
