/* --cold-cache: evict what a cold start reads from the page cache, so it reads from disk as a
 * fresh sandbox does. */
#ifndef COLDCACHE_H
#define COLDCACHE_H
#include <stddef.h>
#include <stdint.h>

struct cold_cache {
	char **paths;		/* the files to evict, each once */
	size_t n, cap;
};

struct cold_cache_result {
	size_t files;		/* files evicted */
	uint64_t pages;		/* their pages */
	uint64_t resident_before;	/* of which were cached before */
	uint64_t resident_after;	/* still cached after: mapped by a running process */
};

/* The bootstrap, its interpreter (PT_INTERP, or a script's #! program), every DT_NEEDED
 * library it loads (transitively, resolved as ld.so does), and the regular files under the
 * bootstrap's folder (at most max_files). Returns 0, or -1 with one line in err. */
int cold_cache_plan(const char *bootstrap, size_t max_files, struct cold_cache *cc, char *err,
		    size_t errlen);

/* fsync then posix_fadvise(POSIX_FADV_DONTNEED) each file, with its residency measured
 * (mincore) before and after. */
void cold_cache_evict(const struct cold_cache *cc, struct cold_cache_result *r);

void cold_cache_free(struct cold_cache *cc);	/* accepts a zeroed struct */
#endif
