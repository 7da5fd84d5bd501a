/*
 * Lambda extensions around a cold start: which executables (--extension PATH, and a layer
 * root's extensions/ folder: one function lists a folder, so either source plugs in), starting
 * each before the runtime as Lambda does (same environment, user, cgroup and namespace; each
 * its own traced process tree), following them, their SHUTDOWN with Lambda's deadline for
 * external extensions (2000 ms), and what the cold start's record says of them.
 */
#ifndef EXTENSIONS_H
#define EXTENSIONS_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "coldstart.h"
#include "invocation.h"
#include "rapi.h"
#include "runner.h"

#define EXT_MAX			API_FACTS_MAX_EXT
#define EXT_SHUTDOWN_MS		2000u	/* Lambda's Shutdown phase with external extensions */

struct ext_list {
	unsigned n;
	char path[EXT_MAX][PATH_MAX];	/* on the host */
	char in[EXT_MAX][PATH_MAX];	/* inside the sandbox (/opt/extensions/NAME); "": none
					 * (--extension PATH, which the sandbox cannot see) */
};

/* Add one executable. 0, or -1 with one line in err (missing, not executable, too many). */
int ext_list_add(struct ext_list *l, const char *path, char *err, size_t errlen);
/* Add the executables of the folder dir in name order (as Lambda starts them); a missing
 * folder adds nothing. inside (NULL: none) is the folder as the sandbox sees it (a layer
 * root's extensions/ is /opt/extensions). 0, or -1 with one line in err. */
int ext_list_folder(struct ext_list *l, const char *dir, const char *inside, char *err,
		    size_t errlen);

/* The extension processes of one cold start. */
struct ext_proc {
	pid_t pid;
	uint64_t spawn_ns;		/* the spawner's clock right before execve */
	int exec_errno;
	char spawn_err[160];
	bool exited;
	int status;			/* its wait status once exited */
	uint64_t exited_ns;		/* when that was seen */
	bool killed_at_shutdown;
	uint64_t hwm_kb;		/* VmHWM read before it ended */
};

struct ext_run {
	unsigned n;
	struct ext_proc p[EXT_MAX];
	const struct ext_list *list;
	uint64_t shutdown_ns;		/* SHUTDOWN sent, 0 never */
	int mntns_fd;			/* the sandbox the first one started (the runtime joins
					 * it), -1 none */
	char failure[200];		/* why the cold start failed because of an extension */
	char failure_type[64];
	char pending[200];		/* which extension init still waits for */
};

/* Start every extension of l with the runtime's spawn options (so->path replaced), each armed
 * for tracing by so->arm. In a sandbox (so->sandbox) the first starts it and the others join
 * its mount namespace, each executing its path inside; then so is changed so that the runtime
 * joins it too (er->mntns_fd, closed by ext_close). Returns how many were started; each
 * failure is kept in er. */
unsigned ext_start(struct ext_run *er, const struct ext_list *l, struct spawn_opts *so);
/* Close what ext_start kept open for the runtime's spawn. */
void ext_close(struct ext_run *er);

/* During the wait for the cold invocation: whether an extension made the cold start fail
 * (crashed or posted init/error before init was over); *w is then CS_WAIT_EXTENSION. Also
 * fills er->pending for an init timeout. */
bool ext_wait_failed(struct ext_run *er, const struct rapi_status *st, enum coldstart_wait *w);

/* Whether the invocation is over for the extensions too (or there is none to wait for). */
bool ext_invocation_done(const struct ext_run *er, const struct rapi_status *st);

/* The end of the cold start: SHUTDOWN to the extensions registered for it, wait for each to
 * exit until the deadline (calling idle(ctx) every millisecond or so), then kill those left. */
void ext_shutdown(struct ext_run *er, struct rapi *api, void (*idle)(void *ctx), void *ctx);

/* The runtime could not start: end the extensions started for it. */
void ext_kill(struct ext_run *er);

/* The extensions' part of the record: inv->api.ext[], runtime_init_ms, post_runtime_ms; and,
 * with extensions, init (and total, wait) measured from the first start to the end of init
 * (the runtime and every extension called next), as Lambda's Init Duration counts it. */
void ext_conclude(const struct ext_run *er, const struct rapi_status *st, struct invocation *inv);
#endif
