/*
 * What a results file records of the function as it was deployed for the run: its handler
 * and the names of its variables, the package and layers it came from, the sandbox it ran
 * in and Lambda's process limits. The results encoder writes it with one call each:
 *
 *   "function":       {"handler", "handler_default", "env", "env_bytes", "env_values"}
 *   "package":        null (a loose executable), or {"zip", "layers", "bootstrap",
 *                     "unzipped_bytes", "entries", "max_unzipped_bytes", "max_entries"}
 *   "sandbox":        {"used", and when used: "task_root", "layer_root",
 *                     "ephemeral_storage_mb", "tmp", "root", "system_dirs"}
 *   "process_limits": {"nofile", "nofile_hard", "pids_max", "pids_applied",
 *                     "pids_not_applied"}
 * and per cold start (measurements and failures) "process_limit_hits": the pids
 * controller's "max" events (fork or clone refused at pids_max), null without it.
 *
 * Only the variables' names are written, never their values: they may be secrets (a token,
 * a password), and results files are shared ("env_values": "not recorded" says so).
 */
#ifndef DEPLOYED_H
#define DEPLOYED_H
#include <stdbool.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "fnenv.h"
#include "invocation.h"
#include "jsonw.h"

#define DEPLOYED_MAX_LAYERS 5		/* Lambda: at most 5 layers per function */

struct deployed {
	const struct fnenv *fn;		/* handler and variables; NULL: defaults */
	/* package input; zip NULL: a loose executable */
	const char *zip;
	const char *layers[DEPLOYED_MAX_LAYERS];
	unsigned n_layers;
	const char *bootstrap_in;	/* where the runtime is inside: "/var/task/bootstrap" */
	uint64_t unzipped_bytes, entries;	/* counted as extracted, function and layers */
	uint64_t max_unzipped_bytes, max_entries;
	/* the sandbox */
	bool sandbox;
	unsigned ephemeral_mb;		/* /tmp's size */
	const char *system_dirs;	/* the host folders bound read-only ("/usr /etc ...") */
	/* Lambda's process limits */
	unsigned nofile;		/* RLIMIT_NOFILE, soft and hard; 0: not set */
	bool nofile_soft_only;		/* ... the hard limit could not be lowered (said why) */
	unsigned pids_max;		/* the pids controller's limit per cold start */
	bool pids_applied;
	const char *pids_why;		/* !pids_applied: why not */
};

/* The run's fields above into root (nothing when d is NULL: a file read back). Returns true
 * when something could not be added (out of memory): the document is then incomplete. */
bool deployed_json(cJSON *root, const struct deployed *d);
/* A cold start's field into its object o; true when out of memory. */
bool deployed_inv_json(cJSON *o, const struct invocation *v);
#endif
