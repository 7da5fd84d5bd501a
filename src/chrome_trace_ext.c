/* One cold start's extensions -> their tracks in the trace export (chrome_trace.h): a process
 * track per extension (its pid, named "extension NAME") with "X" slices of cat "extension":
 * "init" (its start -> its first event/next), "running" (-> SHUTDOWN, or its end) and
 * "shutdown" (SHUTDOWN -> its end), from the spawner's and the emulator's CLOCK_MONOTONIC
 * readings; args {outcome, reason}. The tracer's own events of an extension's tree are not
 * part of the cold start's (it keeps the runtime's tree), so these slices are its record. */
#include <stdio.h>

#include "chrome_trace_rec.h"

static int slice(struct ctrace *w, const struct ext_record *x, const char *name, uint64_t from,
		 uint64_t to)
{
	struct jw jw = { 0 };
	cJSON *a;

	if (!from || to <= from)
		return 0;
	a = jw_root(&jw);
	jw_str(&jw, a, "outcome", ext_outcome_name(x->outcome));
	jw_strn(&jw, a, "reason", x->reason, sizeof(x->reason));
	return ctrace_push(w, 'X', "extension", name, x->pid, x->pid, from, to - from,
			   ctrace_args_text(&jw, a));
}

int ctrace_add_extensions(struct ctrace *w, const struct invocation *inv)
{
	char name[96];

	if (!w || !inv)
		return 0;
	for (unsigned i = 0; inv->api.ext && i < inv->api.n_ext; i++) {
		const struct ext_record *x = &inv->api.ext[i];
		uint64_t stop = x->shutdown_ns ? x->shutdown_ns : x->end_ns;

		if (!x->pid || !x->start_ns)
			continue;
		snprintf(name, sizeof(name), "extension %s", x->name);
		if (ctrace_push_meta(w, "process_name", x->pid, 0, name, 0) ||
		    ctrace_push_meta(w, "process_sort_index", x->pid, 0, NULL, inv->index) ||
		    slice(w, x, "init", x->start_ns, x->ready_ns) ||
		    slice(w, x, "running", x->ready_ns, stop) ||
		    slice(w, x, "shutdown", x->shutdown_ns, x->end_ns))
			return -1;
	}
	return 0;
}
