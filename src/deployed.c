/* The function as deployed, in the results JSON (deployed.h). */
#include "deployed.h"

bool deployed_json(cJSON *root, const struct deployed *d)
{
	struct jw jw = { 0 }, *w = &jw;
	cJSON *o, *a;

	if (!d)
		return false;
	o = jw_obj(w, root, "function");
	jw_str(w, o, "handler", d->fn ? fnenv_handler(d->fn) : FNENV_DEFAULT_HANDLER);
	jw_bool(w, o, "handler_default", !d->fn || !d->fn->handler);
	a = jw_arr(w, o, "env");
	for (size_t i = 0; d->fn && i < d->fn->n; i++)
		jw_str(w, a, NULL, d->fn->vars[i].key);
	jw_uint(w, o, "env_bytes", d->fn ? fnenv_size(d->fn) : 0);
	jw_str(w, o, "env_values", "not recorded: they may be secrets");

	if (!d->zip) {
		jw_null(w, root, "package");
	} else {
		o = jw_obj(w, root, "package");
		jw_str(w, o, "zip", d->zip);
		a = jw_arr(w, o, "layers");
		for (unsigned i = 0; i < d->n_layers; i++)
			jw_str(w, a, NULL, d->layers[i]);
		jw_str(w, o, "bootstrap", d->bootstrap_in);
		jw_uint(w, o, "unzipped_bytes", d->unzipped_bytes);
		jw_uint(w, o, "entries", d->entries);
		jw_uint(w, o, "max_unzipped_bytes", d->max_unzipped_bytes);
		jw_uint(w, o, "max_entries", d->max_entries);
	}

	o = jw_obj(w, root, "sandbox");
	jw_bool(w, o, "used", d->sandbox);
	if (d->sandbox) {
		jw_str(w, o, "task_root", "/var/task");
		jw_str(w, o, "layer_root", "/opt");
		jw_uint(w, o, "ephemeral_storage_mb", d->ephemeral_mb);
		jw_str(w, o, "tmp", "tmpfs: memory-backed, its pages count towards memory_mb");
		jw_str(w, o, "root", "tmpfs, read-only: the host's system folders bound read-only, "
		       "nothing else of the host");
		jw_str(w, o, "system_dirs", d->system_dirs);
	}

	o = jw_obj(w, root, "process_limits");
	if (d->nofile)
		jw_uint(w, o, "nofile", d->nofile);
	else
		jw_null(w, o, "nofile");
	jw_bool(w, o, "nofile_hard", d->nofile && !d->nofile_soft_only);
	jw_uint(w, o, "pids_max", d->pids_max);
	jw_bool(w, o, "pids_applied", d->pids_applied);
	jw_str(w, o, "pids_not_applied", d->pids_applied ? NULL : d->pids_why);
	return jw.oom;
}

bool deployed_inv_json(cJSON *o, const struct invocation *v)
{
	struct jw w = { 0 };

	if (v->pids_measured)
		jw_uint(&w, o, "process_limit_hits", v->pids_max_events);
	else
		jw_null(&w, o, "process_limit_hits");
	return w.oom;
}
