/* /etc/ld.so.cache, read as glibc's ld.so reads it: the path it takes for a library name. */
#include "ldcache.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define LDC_OLD_MAGIC	"ld.so-1.7.0"		/* 11 bytes, then uint32 nlibs (header 16) */
#define LDC_NEW_MAGIC	"glibc-ld.so.cache1.1"	/* 17 + 3 bytes */
#define LDC_NEW_HDR	48	/* magic+version 20, nlibs 4, len_strings 4, flags 1+3, ext 4, 12 */
#define LDC_NEW_ENT	24	/* int32 flags, uint32 key, uint32 value, uint32 osversion, uint64 hwcap */
#define LDC_OLD_ENT	12
#define LDC_LIBC6	0x0003	/* FLAG_ELF_LIBC6 */
#define LDC_ELF		0x0001	/* FLAG_ELF */

struct ld_cache {
	unsigned char *buf;
	size_t len;
	size_t base;		/* offset of the new-format header: string offsets start there */
	uint32_t nlibs;
};

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

struct ld_cache *ld_cache_parse(const void *data, size_t len, char *err, size_t errlen)
{
	const unsigned char *b = data;
	struct ld_cache *c;
	size_t base = 0;
	uint32_t nlibs;
	uint8_t endian;

	if (len >= 16 && !memcmp(b, LDC_OLD_MAGIC, strlen(LDC_OLD_MAGIC))) {
		uint64_t end = 16 + (uint64_t)rd32(b + 12) * LDC_OLD_ENT;

		end = (end + 7) & ~(uint64_t)7;		/* the new part is 8-aligned */
		if (end > len) {
			snprintf(err, errlen, "ld.so.cache: old-format part beyond the end of the file");
			return NULL;
		}
		base = (size_t)end;
	}
	if (len - base < LDC_NEW_HDR || memcmp(b + base, LDC_NEW_MAGIC, strlen(LDC_NEW_MAGIC))) {
		snprintf(err, errlen, "ld.so.cache: not in the glibc-ld.so.cache1.1 format");
		return NULL;
	}
	nlibs = rd32(b + base + 20);
	endian = b[base + 28];
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (endian != 0 && endian != 2) {
#else
	if (endian != 0 && endian != 3) {
#endif
		snprintf(err, errlen, "ld.so.cache: written for the other byte order");
		return NULL;
	}
	if ((uint64_t)nlibs * LDC_NEW_ENT > len - base - LDC_NEW_HDR) {
		snprintf(err, errlen, "ld.so.cache: %u entries do not fit in the file", nlibs);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (c)
		c->buf = malloc(len ? len : 1);
	if (!c || !c->buf) {
		free(c);
		snprintf(err, errlen, "ld.so.cache: out of memory");
		return NULL;
	}
	memcpy(c->buf, b, len);
	c->len = len;
	c->base = base;
	c->nlibs = nlibs;
	return c;
}

struct ld_cache *ld_cache_load(const char *path, char *err, size_t errlen)
{
	struct ld_cache *c;
	size_t len;
	char *buf = read_file_all(path, 64u << 20, &len);

	if (!buf) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	c = ld_cache_parse(buf, len, err, errlen);
	free(buf);
	return c;
}

size_t ld_cache_count(const struct ld_cache *c)
{
	return c ? c->nlibs : 0;
}

void ld_cache_free(struct ld_cache *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c);
}

/* The cache flags glibc's ld.so accepts for objects of this ABI (ldconfig.h FLAG_*), or -1. */
static int cache_flags_for(unsigned machine, int elf_class)
{
	switch (machine) {
	case EM_X86_64: return elf_class == 64 ? 0x0303 : 0x0803;	/* x86-64, x32 */
	case EM_AARCH64: return 0x0a03;
	case EM_386: return LDC_LIBC6;
	case EM_S390: return elf_class == 64 ? 0x0403 : LDC_LIBC6;
	case EM_PPC64: return 0x0503;
	case EM_PPC: return LDC_LIBC6;
	default: return -1;
	}
}

static const char *cache_str(const struct ld_cache *c, uint32_t off)
{
	size_t at = c->base + off;

	if (off >= c->len - c->base || !memchr(c->buf + at, '\0', c->len - at))
		return NULL;
	return (const char *)c->buf + at;
}

const char *ld_cache_lookup(const struct ld_cache *c, const char *name, unsigned machine,
			    int elf_class)
{
	int want = cache_flags_for(machine, elf_class);
	uint32_t i;

	if (!c || !name || want < 0)
		return NULL;
	for (i = 0; i < c->nlibs; i++) {
		const unsigned char *e = c->buf + c->base + LDC_NEW_HDR + (size_t)i * LDC_NEW_ENT;
		int32_t flags = (int32_t)rd32(e);
		const char *key, *val;

		if (flags != want && !(want == LDC_LIBC6 && flags == LDC_ELF))
			continue;
		if (rd64(e + 16) != 0)		/* glibc-hwcaps / legacy hwcap entry */
			continue;
		key = cache_str(c, rd32(e + 4));
		if (!key || strcmp(key, name))
			continue;
		val = cache_str(c, rd32(e + 8));
		if (val && *val)
			return val;
	}
	return NULL;
}
