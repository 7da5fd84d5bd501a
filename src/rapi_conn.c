/*
 * The emulator's connections: which cold start each belongs to, the limit of one cold start,
 * and closing what an ended one left.
 *
 * A connection belongs to the cold start in progress when it was accepted (rapi's epoch, one
 * per rapi_new_invocation). When more than RAPI_MAX_CONNS of one cold start are open at once,
 * the cold start is marked (st.conn_limit: it fails with its own outcome) and every connection
 * over the limit is shut down as it is accepted, so no bootstrap can exhaust the daemon's own
 * limit (and the profiler's descriptors) and starve the cold starts after it. When the next
 * cold start is armed, the connections of earlier ones whose peer has gone (the tree is dead
 * by then) are shut down at once rather than when the daemon gets to them; one still
 * established is held by a process outside that tree, and a request on it is foreign.
 *
 * shutdown(2), not close(2): the descriptor stays the daemon's, which sees the end of the
 * stream and closes it itself. MHD reports a connection closed before it closes its socket,
 * and both run under rapi.lock, so a descriptor in the list is always the connection's own.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "rapi_int.h"

static void unlink_conn_locked(struct rapi *r, struct rconn *k)
{
	if (k->prev)
		k->prev->next = k->next;
	else
		r->conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	k->next = k->prev = NULL;
}

static void accepted_locked(struct rapi *r, struct rconn *k)
{
	k->epoch = r->epoch;
	k->next = r->conns;
	if (r->conns)
		r->conns->prev = k;
	r->conns = k;
	if (!r->armed)
		return;
	r->st.connections++;
	if (r->open_now >= RAPI_MAX_CONNS) {
		/* one too many: refused by closing it, and the cold start fails for it */
		k->over_limit = true;
		if (!r->st.conn_limit)
			rapi_notify_locked(r);
		r->st.conn_limit = true;
		shutdown(k->fd, SHUT_RDWR);
		return;
	}
	r->open_now++;
	if (r->open_now > r->st.connections_peak)
		r->st.connections_peak = r->open_now;
}

void rapi_conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
		      enum MHD_ConnectionNotificationCode toe)
{
	struct rapi *r = cls;
	struct rconn *k = *socket_context;
	const union MHD_ConnectionInfo *info;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		k = calloc(1, sizeof(*k));
		info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!k)
			return;		/* untracked: it counts for no cold start */
		k->fd = info ? info->connect_fd : -1;
		pthread_mutex_lock(&r->lock);
		accepted_locked(r, k);
		pthread_mutex_unlock(&r->lock);
		*socket_context = k;
		return;
	}
	if (!k)
		return;
	pthread_mutex_lock(&r->lock);
	if (k->epoch == r->epoch && !k->over_limit && r->armed && r->open_now)
		r->open_now--;
	unlink_conn_locked(r, k);
	pthread_mutex_unlock(&r->lock);
	free(k);
	*socket_context = NULL;
}

bool rapi_conn_own_locked(const struct rapi *r, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *info;
	const struct rconn *k;

	info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	k = info ? info->socket_context : NULL;
	return k && k->epoch == r->epoch;
}

/* Whether the other end of the TCP connection is gone (or the state cannot be read). */
static bool peer_gone(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		return true;
	return ti.tcpi_state != TCP_ESTABLISHED;
}

void rapi_conn_new_epoch_locked(struct rapi *r)
{
	/* the ended cold start's only: an earlier one's were looked at when it ended (one
	 * getsockopt each, about 0.6 us: 2 us in all for a runtime's one or two, 160 us at the
	 * limit of 256) */
	for (struct rconn *k = r->conns; k; k = k->next)
		if (k->fd >= 0 && k->epoch == r->epoch && peer_gone(k->fd))
			shutdown(k->fd, SHUT_RDWR);
	r->epoch++;
	r->open_now = 0;
}
