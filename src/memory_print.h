/* profiler memory's output: what was found about a bootstrap (struct mem_report), printed as
 * text or as one JSON document. */
#ifndef MEMORY_PRINT_H
#define MEMORY_PRINT_H
#include <stdint.h>
#include <string.h>

#include "elf_info.h"
#include "libsearch.h"

#define STRETCH_KB		50u		/* the guide's stretch goal */
#define LD_CACHE		"/etc/ld.so.cache"
#define LAMBDA_PATH		"/usr/local/bin:/usr/bin/:/bin:/opt/bin"

/* What was found about the file, for either output. */
struct mem_report {
	const char *path;
	struct elf_facts f;
	unsigned target_kb;
	uint64_t deflated;
	struct elf_loadset ls;
	struct elf_search search;
	int interp;		/* script: index of the #! interpreter in ls, or -1 */
	int program;		/* script through env: index of env's program, or -1 */
	char program_name[256];	/* env's program as written, "" if none */
	const char *program_note; /* why env's program is not known, or NULL */
};

void memory_print_text(const struct mem_report *r);
/* The JSON document on stdout (output.h): 0, or -1 with the error said (out of memory). */
int memory_print_json(const struct mem_report *r);

/* The last part of a path ("env" of "/usr/bin/env"). */
static inline const char *base_name(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;

	return s && s[1] ? s + 1 : p;
}
#endif
