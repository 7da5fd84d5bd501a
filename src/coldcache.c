#include "coldcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libsearch.h"
#include "util.h"

static int add_path(struct cold_cache *cc, const char *path)
{
	char real[PATH_MAX];
	size_t i;

	if (!realpath(path, real))
		return 0;	/* gone: nothing to evict */
	for (i = 0; i < cc->n; i++)
		if (!strcmp(cc->paths[i], real))
			return 0;
	if (cc->n == cc->cap) {
		size_t ncap = cc->cap ? cc->cap * 2 : 64;
		char **np = realloc(cc->paths, ncap * sizeof(*np));

		if (!np)
			return -1;
		cc->paths = np;
		cc->cap = ncap;
	}
	cc->paths[cc->n] = strdup(real);
	if (!cc->paths[cc->n])
		return -1;
	cc->n++;
	return 0;
}

/* Regular files under dir, depth-first, up to *budget of them. */
static int add_tree(struct cold_cache *cc, const char *dir, size_t *budget, int depth)
{
	struct dirent *d;
	DIR *dp;
	int ret = 0;

	if (depth > 16)
		return 0;
	dp = opendir(dir);
	if (!dp)
		return 0;
	while (ret == 0 && *budget && (d = readdir(dp))) {
		char path[PATH_MAX];
		struct stat st;

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, d->d_name) >= (int)sizeof(path))
			continue;
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			ret = add_tree(cc, path, budget, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			ret = add_path(cc, path);
			(*budget)--;
		}
	}
	closedir(dp);
	return ret;
}

int cold_cache_plan(const char *bootstrap, size_t max_files, struct cold_cache *cc, char *err,
		    size_t errlen)
{
	struct elf_search search = { .ld_cache = "/etc/ld.so.cache" };
	struct elf_loadset ls = { 0 };
	char real[PATH_MAX], dir[PATH_MAX];
	size_t i, budget = max_files;
	int main_idx;

	memset(cc, 0, sizeof(*cc));
	if (!realpath(bootstrap, real)) {
		snprintf(err, errlen, "cannot resolve %s: %s", bootstrap, strerror(errno));
		return -1;
	}
	main_idx = elf_loadset_add(&ls, real, -1, &search);
	if (main_idx >= 0 && ls.objs[main_idx].facts.is_script && ls.objs[main_idx].facts.interpreter[0])
		elf_loadset_add(&ls, ls.objs[main_idx].facts.interpreter, main_idx, &search);
	for (i = 0; i < ls.n; i++)
		if (ls.objs[i].path && add_path(cc, ls.objs[i].path))
			goto oom;
	elf_loadset_free(&ls);
	strlcpy0(dir, real, sizeof(dir));
	if (add_tree(cc, dirname(dir), &budget, 0))
		goto oom_nols;
	return 0;
oom:
	elf_loadset_free(&ls);
oom_nols:
	snprintf(err, errlen, "out of memory listing the files to evict");
	cold_cache_free(cc);
	return -1;
}

/* Pages of fd's file in the page cache now, of npages; -1 if unknown. */
static int64_t resident(int fd, size_t len, uint64_t *npages)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), n = (len + pg - 1) / pg, i;
	unsigned char *vec;
	int64_t res = 0;
	void *m;

	*npages = n;
	if (!len)
		return 0;
	m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return -1;
	vec = malloc(n);
	if (!vec || mincore(m, len, vec) != 0) {
		free(vec);
		munmap(m, len);
		return -1;
	}
	for (i = 0; i < n; i++)
		res += vec[i] & 1;
	free(vec);
	munmap(m, len);
	return res;
}

void cold_cache_evict(const struct cold_cache *cc, struct cold_cache_result *r)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < cc->n; i++) {
		struct stat st;
		uint64_t np = 0;
		int64_t before, after;
		int fd = open(cc->paths[i], O_RDONLY | O_CLOEXEC | O_NOATIME);

		if (fd < 0)
			fd = open(cc->paths[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			continue;
		}
		before = resident(fd, (size_t)st.st_size, &np);
		/* dirty pages cannot be dropped: write them out first */
		fsync(fd);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		after = resident(fd, (size_t)st.st_size, &np);
		r->files++;
		r->pages += np;
		if (before > 0)
			r->resident_before += (uint64_t)before;
		if (after > 0)
			r->resident_after += (uint64_t)after;
		close(fd);
	}
}

void cold_cache_free(struct cold_cache *cc)
{
	size_t i;

	if (!cc)
		return;
	for (i = 0; i < cc->n; i++)
		free(cc->paths[i]);
	free(cc->paths);
	memset(cc, 0, sizeof(*cc));
}
