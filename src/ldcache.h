/* /etc/ld.so.cache ("glibc-ld.so.cache1.1", alone or after the old "ld.so-1.7.0" part): the
 * paths glibc's ld.so takes from it. Parse or load, then look names up. */
#ifndef LDCACHE_H
#define LDCACHE_H
#include <stddef.h>

/* A parsed cache: a copy of the file's bytes, checked to hold its header and entries. */
struct ld_cache;
/* NULL with one line in err when the bytes are not a cache this host's ld.so would read. */
struct ld_cache *ld_cache_parse(const void *buf, size_t len, char *err, size_t errlen);
struct ld_cache *ld_cache_load(const char *path, char *err, size_t errlen);
/* The path ld.so would take from the cache for name, for objects of this class and machine
 * (entries for other ABIs and glibc-hwcaps entries are skipped); NULL if none. Points into c. */
const char *ld_cache_lookup(const struct ld_cache *c, const char *name, unsigned machine,
			    int elf_class);
size_t ld_cache_count(const struct ld_cache *c);
void ld_cache_free(struct ld_cache *c);
#endif
