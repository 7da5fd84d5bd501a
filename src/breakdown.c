// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --breakdown, the model: names, the empty record, the top syscalls' ranking. See breakdown.h. */
#include "breakdown.h"

#include <stdlib.h>
#include <string.h>

static const char *const phase_names[BD_PHASES] = {
	"exec", "dynamic_loading", "runtime_init", "connect",
	"request_next", "wait_event", "handler", "write_response",
};

const char *bd_phase_name(enum bd_phase p)
{
	if ((unsigned)p >= BD_PHASES)
		return "unknown";
	return phase_names[p];
}

static const char *const syscall_names[] = {
#include "syscall_table.h"
};

const char *bd_syscall_name(int nr)
{
	if (nr < 0 || (size_t)nr >= sizeof(syscall_names) / sizeof(syscall_names[0]))
		return NULL;
	return syscall_names[nr];
}

void breakdown_clear(struct breakdown *bd)
{
	memset(bd, 0, sizeof(*bd));
	for (int p = 0; p < BD_PHASES; p++)
		for (int j = 0; j < BD_TOP; j++)
			bd->ph[p].c.top[j].nr = -1;
	for (int j = 0; j < BD_TOP; j++)
		bd->tree.top[j].nr = -1;
	bd->peak_rss_phase = -1;
}

static int cmp_top(const void *a, const void *b)
{
	const struct bd_syscall *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns > y->ns ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->nr < y->nr ? -1 : (x->nr > y->nr ? 1 : 0);
}

void bd_top_rank(struct bd_syscall top[BD_TOP], struct bd_syscall *cand, size_t n)
{
	size_t i;

	if (n > 1)
		qsort(cand, n, sizeof(*cand), cmp_top);
	for (i = 0; i < BD_TOP; i++) {
		if (i < n) {
			top[i] = cand[i];
		} else {
			top[i].nr = -1;
			top[i].count = 0;
			top[i].ns = 0;
		}
	}
}
