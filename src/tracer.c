#include "tracer.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "elf_info.h"
#include "profiler.skel.h"
#include "profiler_maps.h"
#include "profiler_rec.h"
#include "util.h"

#define MAX_ENTRY_LINKS 8

/*
 * The ring buffer. A record is 80 bytes in the ring for a read, 208 for a write with
 * its capture (profiler_rec.h); the tracer reaches about 1.5 M events/s on this kind of
 * machine (tools/bench/throughput.sh), some 120 MB/s of reads. The consumer drains the
 * ring at each of its polls (every 10 to 20 ms), and a submit wakes it once the ring is
 * a quarter full (profiler.bpf.c, rec_submit). 4 MiB: the three quarters left hold 25
 * ms of events at that rate while the consumer gets a CPU, which with 4 and 8 writer
 * threads on this 2-CPU machine took long enough, with a 2 MiB ring, to drop events in
 * some runs; at 4 MiB none dropped in 20 runs at 1 to 8 threads. A fixed 16 MiB ring
 * was mapped before (twice, by libbpf: 32 MiB of the profiler's RSS); this one is
 * mapped once. --breakdown adds a 144-byte record to every syscall of the tree, and
 * scheduler events: twice the room. A drop is never silent: it is counted
 * (PROF_CNT_DROPPED) and the cold start flagged.
 */
#define RING_BYTES		(4u << 20)
#define RING_BYTES_BREAKDOWN	(8u << 20)
/* the largest record the BPF side sends (profiler_rec.h), and a bound on what we read */
#define REC_MAX			PROF_REC_DATA_SZ
/* the consumer position is published every this many bytes within a drain, not after
 * every record: each store is a cache line the producers read on every reserve */
#define RING_PUBLISH_BYTES	(64u << 10)

/* tracer_open copies the selection's comm whole into the BPF side's */
_Static_assert(sizeof(((struct profiler_bpf__rodata *)0)->sel_comm) ==
	       sizeof(((struct tracer_select *)0)->comm), "sel_comm and tracer_select.comm differ");

/* The consumer side of the BPF ring buffer, mapped once (libbpf maps the data twice,
 * so a record that wraps around is contiguous: we copy every record out anyway). */
struct ring {
	int epfd;
	size_t size;			/* data bytes, a power of 2 */
	void *cons_page;		/* read-write: the consumer position */
	void *prod_map;			/* read-only: the producer position, then the data */
	size_t prod_len;
	uint64_t pos;			/* our consumer position */
};

struct tracer {
	struct profiler_bpf *skel;
	struct ring ring;
	tracer_event_fn on_event;
	void *ctx;
	int ncpus;
	struct bpf_link *entry_links[MAX_ENTRY_LINKS];
	size_t n_entry_links;
};

static bool g_verbose;

/* a step of tracer_open done: its clock, when the caller asked for them */
#define STEP(o, field) do { if ((o)->times) (o)->times->field = mono_ns(); } while (0)

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	if (!g_verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* -v: what the tracer itself did, on the same stream as libbpf's log */
static void vlog(const char *fmt, ...)
{
	va_list ap;

	if (!g_verbose)
		return;
	va_start(ap, fmt);
	fputs("tracer: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Since 6.16 sched_process_exit fires before exit_mm(), so the peak RSS can be read from
 * the mm at exit (hiwater_rss is kept up to date at every unmap) and per-syscall sampling
 * is not needed. */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/* ------------------------------------------------------------------------------------
 * Kernel types for CO-RE. libbpf relocates the programs against the running kernel's
 * BTF, which it reads whole from /sys/kernel/btf/vmlinux in 4 KiB reads and indexes
 * (5.5 MB here: 11 ms and 11 MiB of RSS), then searches type by type for each local
 * type a relocation names. We hand it instead, through btf_custom_path, a copy of the
 * few types the relocations name, taken from the same kernel BTF at every start (so it
 * is this kernel's layout, whatever kernel it is): each type whose name is that of a
 * relocation's local type (less any ___flavour suffix, as libbpf matches them), with
 * every type it holds by value, recursively (members, array elements, typedefs,
 * modifiers), so field offsets, sizes and existence resolve exactly as against the whole
 * BTF. A pointer member becomes a pointer to void: libbpf's field checks ask only that
 * a pointer be a pointer, and a dereference is a relocation of its own, on its own
 * (named) type. The kernel BTF is mapped (6.16+: no copy, no RSS) or read at once.
 * Anything unexpected and tracer_open lets libbpf read the kernel BTF itself, as before.
 * ------------------------------------------------------------------------------------ */

#define KBTF_PATH "/sys/kernel/btf/vmlinux"
#define MAX_ROOTS 128

struct kbtf {
	const uint8_t *types;		/* the type section */
	uint32_t types_len;
	const char *strs;		/* the string section */
	uint32_t strs_len;
	uint32_t *off;			/* type id -> offset in types (id 1..n) */
	uint32_t n;
	void *map;			/* the mapping, or */
	size_t map_len;
	uint8_t *buf;			/* the copy read */
};

/* Per kind: the bytes a record has after struct btf_type, fixed and per vlen entry
 * (0 and 0 for a kind this code does not know: a record of 12 bytes is then refused). */
static const uint8_t kind_fixed[NR_BTF_KINDS] = {
	[BTF_KIND_INT] = 4, [BTF_KIND_ARRAY] = sizeof(struct btf_array), [BTF_KIND_VAR] = 4,
	[BTF_KIND_DECL_TAG] = 4,
};
static const uint8_t kind_per_vlen[NR_BTF_KINDS] = {
	[BTF_KIND_STRUCT] = sizeof(struct btf_member), [BTF_KIND_UNION] = sizeof(struct btf_member),
	[BTF_KIND_ENUM] = sizeof(struct btf_enum), [BTF_KIND_FUNC_PROTO] = sizeof(struct btf_param),
	[BTF_KIND_DATASEC] = sizeof(struct btf_var_secinfo), [BTF_KIND_ENUM64] = sizeof(struct btf_enum64),
};

/* the bytes of the record of type t (at most avail), or 0 if it does not fit or is of
 * a kind this code does not know */
static inline uint32_t btf_rec_len(const struct btf_type *t, uint32_t avail)
{
	uint32_t kind = BTF_INFO_KIND(t->info), len;

	if (avail < sizeof(*t) || kind == BTF_KIND_UNKN || kind >= NR_BTF_KINDS)
		return 0;
	len = (uint32_t)sizeof(*t) + kind_fixed[kind] + BTF_INFO_VLEN(t->info) * kind_per_vlen[kind];
	return len <= avail ? len : 0;
}

static void kbtf_close(struct kbtf *k)
{
	if (k->map)
		munmap(k->map, k->map_len);
	free(k->buf);
	free(k->off);
	memset(k, 0, sizeof(*k));
}

/* Map (or read) the running kernel's BTF and check its header; the caller indexes its
 * types into k->off. 0 or -1. */
static int kbtf_open(struct kbtf *k)
{
	const struct btf_header *h;
	const uint8_t *base;
	struct stat st;
	size_t size;
	int fd;

	memset(k, 0, sizeof(*k));
	fd = open(KBTF_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || st.st_size < (off_t)sizeof(*h) || st.st_size > (256 << 20))
		goto fail;
	size = (size_t)st.st_size;
	k->map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (k->map == MAP_FAILED) {
		size_t got = 0;

		/* before 6.16 the file cannot be mapped: read it whole (sysfs gives a page
		 * per read) */
		k->map = NULL;
		k->buf = malloc(size);
		if (!k->buf)
			goto fail;
		while (got < size) {
			ssize_t r = read(fd, k->buf + got, size - got);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				goto fail;
			got += (size_t)r;
		}
		base = k->buf;
	} else {
		k->map_len = size;
		base = k->map;
	}
	close(fd);
	fd = -1;
	h = (const struct btf_header *)base;
	if (h->magic != BTF_MAGIC || h->version != BTF_VERSION || h->hdr_len < sizeof(*h) ||
	    h->hdr_len > size || h->type_off % 4 ||
	    (uint64_t)h->hdr_len + h->type_off + h->type_len > size ||
	    (uint64_t)h->hdr_len + h->str_off + h->str_len > size || h->str_len == 0)
		goto fail;
	k->types = base + h->hdr_len + h->type_off;
	k->types_len = h->type_len;
	k->strs = (const char *)base + h->hdr_len + h->str_off;
	k->strs_len = h->str_len;
	if (k->strs[k->strs_len - 1] != '\0')
		goto fail;
	/* every record is at least 12 bytes: an upper bound on the number of types */
	k->off = malloc((k->types_len / sizeof(struct btf_type) + 2) * sizeof(*k->off));
	if (!k->off)
		goto fail;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	kbtf_close(k);
	return -1;
}

static const struct btf_type *kbtf_type(const struct kbtf *k, uint32_t id)
{
	return (const struct btf_type *)(k->types + k->off[id]);
}

static const char *kbtf_str(const struct kbtf *k, uint32_t off)
{
	return off < k->strs_len ? k->strs + off : NULL;
}

/* libbpf's essential name: without a ___flavour suffix (X___Y, X and Y not '_') */
static size_t essential_len(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;)
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' && name[i + 3] == '_' &&
		    name[i + 4] != '_')
			return i + 1;
	return n;
}

/* ---- the local types the object's CO-RE relocations name (its .BTF and .BTF.ext) ---- */

struct roots {
	const char *name[MAX_ROOTS];	/* point into the local BTF's strings */
	size_t len[MAX_ROOTS];		/* essential length */
	size_t n;
};

/* .BTF.ext's header, as libbpf writes and reads it (libbpf_internal.h) */
struct btf_ext_hdr {
	__u16 magic;
	__u8 version;
	__u8 flags;
	__u32 hdr_len;
	__u32 func_info_off, func_info_len;
	__u32 line_info_off, line_info_len;
	__u32 core_relo_off, core_relo_len;
};

/* Section name of an ELF64 object in memory (our own, built with the profiler). */
static const void *elf_section(const uint8_t *elf, size_t size, const char *name, size_t *len)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)elf;
	const Elf64_Shdr *sh, *strsh;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(*sh) ||
	    eh->e_shoff > size || eh->e_shnum > (size - eh->e_shoff) / sizeof(*sh) ||
	    eh->e_shstrndx >= eh->e_shnum)
		return NULL;
	sh = (const Elf64_Shdr *)(elf + eh->e_shoff);
	strsh = &sh[eh->e_shstrndx];
	if (strsh->sh_offset > size || strsh->sh_size > size - strsh->sh_offset)
		return NULL;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		const char *sn = (const char *)elf + strsh->sh_offset + sh[i].sh_name;

		if (sh[i].sh_name >= strsh->sh_size || strnlen(sn, strsh->sh_size - sh[i].sh_name) ==
		    strsh->sh_size - sh[i].sh_name || strcmp(sn, name))
			continue;
		if (sh[i].sh_type == SHT_NOBITS || sh[i].sh_offset > size ||
		    sh[i].sh_size > size - sh[i].sh_offset)
			return NULL;
		*len = sh[i].sh_size;
		return elf + sh[i].sh_offset;
	}
	return NULL;
}

static void roots_add(struct roots *r, const char *name)
{
	size_t len = essential_len(name);

	for (size_t i = 0; i < r->n; i++)
		if (r->len[i] == len && !strncmp(r->name[i], name, len))
			return;
	if (r->n < MAX_ROOTS) {
		r->name[r->n] = name;
		r->len[r->n++] = len;
	}
}

/* The local BTF of the object (parsed into *local) and the names its CO-RE relocations
 * are about. 0 or -1. */
static int core_roots(const uint8_t *elf, size_t size, struct btf **local, struct roots *r)
{
	const struct btf_ext_hdr *xh;
	const uint8_t *btf_sec, *ext, *p, *end;
	size_t btf_len, ext_len;
	uint32_t rec_size;

	memset(r, 0, sizeof(*r));
	btf_sec = elf_section(elf, size, ".BTF", &btf_len);
	ext = elf_section(elf, size, ".BTF.ext", &ext_len);
	if (!btf_sec || !ext || ext_len < sizeof(*xh))
		return -1;
	*local = btf__new(btf_sec, (__u32)btf_len);
	if (libbpf_get_error(*local)) {
		*local = NULL;
		return -1;
	}
	xh = (const struct btf_ext_hdr *)ext;
	if (xh->magic != BTF_MAGIC || xh->hdr_len < sizeof(*xh) || xh->hdr_len > ext_len ||
	    (uint64_t)xh->hdr_len + xh->core_relo_off + xh->core_relo_len > ext_len ||
	    xh->core_relo_len < sizeof(rec_size))
		return -1;
	p = ext + xh->hdr_len + xh->core_relo_off;
	end = p + xh->core_relo_len;
	memcpy(&rec_size, p, sizeof(rec_size));
	p += sizeof(rec_size);
	if (rec_size < sizeof(struct bpf_core_relo))
		return -1;
	while (p < end) {
		__u32 sec[2];	/* section name offset, records */

		if ((size_t)(end - p) < sizeof(sec))
			return -1;
		memcpy(sec, p, sizeof(sec));
		p += sizeof(sec);
		if (sec[1] > (size_t)(end - p) / rec_size)
			return -1;
		for (__u32 i = 0; i < sec[1]; i++, p += rec_size) {
			struct bpf_core_relo cr;
			const struct btf_type *t;
			const char *name;

			memcpy(&cr, p, sizeof(cr));
			if (cr.kind == BPF_CORE_TYPE_ID_LOCAL)
				continue;	/* resolved in the object itself */
			t = btf__type_by_id(*local, cr.type_id);
			name = t ? btf__name_by_offset(*local, t->name_off) : NULL;
			if (!name || !name[0])
				return -1;	/* libbpf refuses these too */
			roots_add(r, name);
		}
	}
	return r->n < MAX_ROOTS ? 0 : -1;
}

/* ---- the copy ---- */

struct kbtf_out {
	uint32_t *newid;		/* kernel id -> id in the copy (0: not in it) */
	uint32_t *order;		/* kernel ids in the copy, in its order */
	uint32_t n, cap;
	char *strs;			/* the copy's strings */
	size_t strs_len, strs_cap;
	uint8_t *types;
	size_t types_len, types_cap;
};

static int out_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 256;
	void *np;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * elem);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

/* take kernel type id into the copy (and so, later, what it holds by value) */
static int out_take(struct kbtf_out *o, uint32_t id)
{
	size_t cap = o->cap;

	if (!id || o->newid[id])
		return 0;
	if (out_grow((void **)&o->order, &cap, (size_t)o->n + 1, sizeof(*o->order)))
		return -1;
	o->cap = (uint32_t)cap;
	o->order[o->n++] = id;
	o->newid[id] = o->n;
	return 0;
}

/* a kernel string into the copy: its offset there (strings are not shared: the copy is
 * small, and BTF does not ask for it) */
static int out_str(struct kbtf_out *o, const struct kbtf *k, uint32_t off, uint32_t *noff)
{
	const char *s = kbtf_str(k, off);
	size_t len;

	if (!s)
		return -1;
	if (!s[0]) {
		*noff = 0;
		return 0;
	}
	len = strlen(s) + 1;
	if (out_grow((void **)&o->strs, &o->strs_cap, o->strs_len + len, 1))
		return -1;
	memcpy(o->strs + o->strs_len, s, len);
	*noff = (uint32_t)o->strs_len;
	o->strs_len += len;
	return 0;
}

/* Append kernel type id to the copy, its references renumbered, taking what it holds
 * by value. 0 or -1. */
static int out_type(struct kbtf_out *o, const struct kbtf *k, uint32_t id)
{
	const struct btf_type *src = kbtf_type(k, id);
	uint32_t len = btf_rec_len(src, k->types_len - k->off[id]), vlen = BTF_INFO_VLEN(src->info);
	struct btf_type *t;
	uint8_t *rest;

	if (out_grow((void **)&o->types, &o->types_cap, o->types_len + len, 1))
		return -1;
	t = (struct btf_type *)(o->types + o->types_len);
	memcpy(t, src, len);
	o->types_len += len;
	rest = (uint8_t *)(t + 1);
	if (out_str(o, k, src->name_off, &t->name_off))
		return -1;
	switch (BTF_INFO_KIND(src->info)) {
	case BTF_KIND_PTR:
		t->type = 0;	/* to void: see above */
		break;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		if (out_take(o, src->type))
			return -1;
		t->type = src->type ? o->newid[src->type] : 0;
		break;
	case BTF_KIND_ARRAY: {
		struct btf_array *a = (struct btf_array *)rest;

		if (out_take(o, a->type) || out_take(o, a->index_type))
			return -1;
		a->type = a->type ? o->newid[a->type] : 0;
		a->index_type = a->index_type ? o->newid[a->index_type] : 0;
		break;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		struct btf_member *m = (struct btf_member *)rest;

		for (uint32_t i = 0; i < vlen; i++) {
			if (out_str(o, k, m[i].name_off, &m[i].name_off) || out_take(o, m[i].type))
				return -1;
			m[i].type = m[i].type ? o->newid[m[i].type] : 0;
		}
		break;
	}
	case BTF_KIND_FUNC_PROTO: {
		struct btf_param *pa = (struct btf_param *)rest;

		if (out_take(o, src->type))
			return -1;
		t->type = src->type ? o->newid[src->type] : 0;
		for (uint32_t i = 0; i < vlen; i++) {
			if (out_str(o, k, pa[i].name_off, &pa[i].name_off) || out_take(o, pa[i].type))
				return -1;
			pa[i].type = pa[i].type ? o->newid[pa[i].type] : 0;
		}
		break;
	}
	case BTF_KIND_ENUM: {
		struct btf_enum *e = (struct btf_enum *)rest;

		for (uint32_t i = 0; i < vlen; i++)
			if (out_str(o, k, e[i].name_off, &e[i].name_off))
				return -1;
		break;
	}
	case BTF_KIND_ENUM64: {
		struct btf_enum64 *e = (struct btf_enum64 *)rest;

		for (uint32_t i = 0; i < vlen; i++)
			if (out_str(o, k, e[i].name_off, &e[i].name_off))
				return -1;
		break;
	}
	case BTF_KIND_INT:
	case BTF_KIND_FWD:
	case BTF_KIND_FLOAT:
		break;
	default:
		return -1;	/* not held by value by a type: unexpected here */
	}
	return 0;
}

static bool root_kind(uint32_t kind)
{
	return kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION || kind == BTF_KIND_ENUM ||
	       kind == BTF_KIND_ENUM64 || kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_FWD ||
	       kind == BTF_KIND_INT || kind == BTF_KIND_FLOAT;
}

/*
 * The reduced kernel BTF for the relocations of the object elf (size bytes), in a memfd
 * whose path (/proc/self/fd/N) is written to path: its descriptor, or -1 when it cannot
 * be built (libbpf then reads the kernel's BTF itself). *ntypes: the types copied.
 */
static int core_btf_memfd(const uint8_t *elf, size_t size, char *path, size_t pathlen,
			  uint32_t *ntypes)
{
	struct btf *local = NULL;
	struct btf_header h;
	struct kbtf_out o;
	struct roots r;
	struct kbtf k;
	uint8_t prefix[65536 / 8];
	int fd = -1;

	memset(&o, 0, sizeof(o));
	memset(prefix, 0, sizeof(prefix));
	if (core_roots(elf, size, &local, &r) || kbtf_open(&k)) {
		btf__free(local);
		return -1;
	}
	o.newid = calloc(k.types_len / sizeof(struct btf_type) + 2, sizeof(*o.newid));
	if (!o.newid || out_grow((void **)&o.strs, &o.strs_cap, 1, 1))
		goto out;
	o.strs[o.strs_len++] = '\0';
	/*
	 * One pass over the kernel's types: index them (id -> offset) and take those named
	 * as a root (their essential name, as libbpf compares). A name's first two bytes
	 * rule out nearly every type before any string comparison.
	 */
	for (size_t i = 0; i < r.n; i++) {
		uint16_t p2 = (uint8_t)r.name[i][0] | (uint16_t)((uint8_t)r.name[i][1] << 8);

		prefix[p2 >> 3] |= (uint8_t)(1u << (p2 & 7));
	}
	for (uint32_t pos = 0; pos < k.types_len;) {
		const struct btf_type *t = (const struct btf_type *)(k.types + pos);
		uint32_t len = btf_rec_len(t, k.types_len - pos), id;
		const char *name;
		uint16_t p2;

		if (!len)
			goto out;
		id = ++k.n;
		k.off[id] = pos;
		pos += len;
		if (!t->name_off || t->name_off >= k.strs_len - 1 || !root_kind(BTF_INFO_KIND(t->info)))
			continue;
		name = k.strs + t->name_off;
		p2 = (uint8_t)name[0] | (uint16_t)((uint8_t)name[1] << 8);
		if (!(prefix[p2 >> 3] & (1u << (p2 & 7))))
			continue;
		for (size_t i = 0; i < r.n; i++) {
			size_t rl = r.len[i];

			if (strncmp(name, r.name[i], rl) || (name[rl] && essential_len(name) != rl))
				continue;
			if (out_take(&o, id))
				goto out;
			break;
		}
	}
	/* and what they hold by value: out_type takes more as it goes */
	for (uint32_t i = 0; i < o.n; i++)
		if (out_type(&o, &k, o.order[i]))
			goto out;
	memset(&h, 0, sizeof(h));
	h.magic = BTF_MAGIC;
	h.version = BTF_VERSION;
	h.hdr_len = sizeof(h);
	h.type_off = 0;
	h.type_len = (uint32_t)o.types_len;
	h.str_off = (uint32_t)o.types_len;
	h.str_len = (uint32_t)o.strs_len;
	fd = memfd_create("profiler-core-btf", MFD_CLOEXEC);
	if (fd < 0)
		goto out;
	if (write(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    write(fd, o.types, o.types_len) != (ssize_t)o.types_len ||
	    write(fd, o.strs, o.strs_len) != (ssize_t)o.strs_len) {
		close(fd);
		fd = -1;
		goto out;
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	*ntypes = o.n;
	vlog("CO-RE against %u of the kernel's %u types (%zu names relocated, %zu bytes of BTF)",
	     o.n, k.n, r.n, sizeof(h) + o.types_len + o.strs_len);
out:
	free(o.newid);
	free(o.order);
	free(o.strs);
	free(o.types);
	kbtf_close(&k);
	btf__free(local);
	return fd;
}

int tracer_core_btf(char *path, size_t len)
{
	size_t elf_len;
	const uint8_t *elf = profiler_bpf__elf_bytes(&elf_len);
	uint32_t n;

	return core_btf_memfd(elf, elf_len, path, len, &n);
}

/* ---------------------------------------------------------------- the ring buffer --- */

static void ring_close(struct ring *r)
{
	if (r->epfd >= 0)
		close(r->epfd);
	if (r->cons_page)
		munmap(r->cons_page, (size_t)sysconf(_SC_PAGESIZE));
	if (r->prod_map)
		munmap(r->prod_map, r->prod_len);
	memset(r, 0, sizeof(*r));
}

static int ring_open(struct ring *r, int map_fd, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct epoll_event ev = { .events = EPOLLIN };

	memset(r, 0, sizeof(*r));
	r->epfd = -1;
	r->size = size;
	r->cons_page = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (r->cons_page == MAP_FAILED) {
		r->cons_page = NULL;
		return -1;
	}
	r->prod_len = page + size;
	r->prod_map = mmap(NULL, r->prod_len, PROT_READ, MAP_SHARED, map_fd, (off_t)page);
	if (r->prod_map == MAP_FAILED) {
		r->prod_map = NULL;
		return -1;
	}
	r->pos = __atomic_load_n((unsigned long *)r->cons_page, __ATOMIC_ACQUIRE);
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0 || epoll_ctl(r->epfd, EPOLL_CTL_ADD, map_fd, &ev))
		return -1;
	return 0;
}

/* A record as the callers see it: struct prof_event. false if it is malformed. */
static bool rec_expand(const uint8_t *b, uint32_t len, struct prof_event *e)
{
	const struct prof_rec *r = (const struct prof_rec *)b;
	const uint8_t *tail = b + sizeof(*r);
	uint32_t tlen = len - (uint32_t)sizeof(*r);
	struct prof_sample s[2];

	if (len < sizeof(*r))
		return false;
	memset(e, 0, sizeof(*e));
	e->ts_ns = r->ts_ns;
	e->end_ns = r->end_ns;
	e->ret = r->ret;
	e->arg = r->arg;
	e->type = r->type;
	e->root = r->root;
	e->tgid = r->tgid;
	e->pid = r->pid;
	e->fd = r->fd;
	e->conn_id = r->conn_id;
	e->flags = r->flags;
	memcpy(e->comm, r->comm, sizeof(e->comm));
	switch (r->type) {
	case PROF_EV_EXEC_ENTER:
	case PROF_EV_EXEC_DONE:
	case PROF_EV_WRITE:
	case PROF_EV_CONNECT:
		if (r->cap_len > tlen || r->cap_len > PROF_CAPTURE_LEN)
			return false;
		memcpy(e->data, tail, r->cap_len);
		e->cap_len = r->cap_len;
		break;
	case PROF_EV_FORK: {
		struct prof_rec_fork f;

		if (tlen < sizeof(f))
			return false;
		memcpy(&f, tail, sizeof(f));
		e->ppid = f.ppid;
		break;
	}
	case PROF_EV_EXIT: {
		struct prof_rec_exit x;

		if (tlen < sizeof(x))
			return false;
		memcpy(&x, tail, sizeof(x));
		e->rss_peak_kb = x.rss_peak_kb;
		e->min_flt = x.min_flt;
		e->maj_flt = x.maj_flt;
		e->read_bytes = x.read_bytes;
		e->bpf_ns = x.bpf_ns;
		e->threads = x.threads;
		break;
	}
	case PROF_EV_SYSCALL:
		if (tlen < sizeof(s))
			return false;
		memcpy(s, tail, sizeof(s));
		e->bd.at = s[0];
		e->bd.at_entry = s[1];
		break;
	case PROF_EV_SWITCH_OUT:
	case PROF_EV_ENTRY:
	case PROF_EV_THREAD_EXIT:
		if (tlen < sizeof(s[0]))
			return false;
		memcpy(&s[0], tail, sizeof(s[0]));
		e->bd.at = s[0];
		break;
	default:
		break;
	}
	return true;
}

/* Hand every committed record to the callback: how many, or the callback's negative
 * return that stopped it. */
static int ring_consume(struct tracer *t)
{
	struct ring *r = &t->ring;
	const volatile unsigned long *prod_pos = r->prod_map;
	unsigned long *cons_pos = r->cons_page;
	const uint8_t *data = (const uint8_t *)r->prod_map + (size_t)sysconf(_SC_PAGESIZE);
	uint64_t mask = r->size - 1, cons = r->pos, published = cons;
	uint8_t buf[REC_MAX];
	struct prof_event e;
	int n = 0, ret = 0;

	for (;;) {
		uint64_t prod = __atomic_load_n(prod_pos, __ATOMIC_ACQUIRE);

		if (cons >= prod)
			break;
		while (cons < prod) {
			const uint32_t *hdr = (const uint32_t *)(data + (cons & mask));
			uint32_t word = __atomic_load_n(hdr, __ATOMIC_ACQUIRE), len, at, first;

			if (word & BPF_RINGBUF_BUSY_BIT)
				goto done;	/* reserved, not yet submitted: the rest waits */
			len = word & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
			if (!(word & BPF_RINGBUF_DISCARD_BIT) && len <= sizeof(buf)) {
				/* the body, in two pieces if it wraps around the end */
				at = (uint32_t)((cons + BPF_RINGBUF_HDR_SZ) & mask);
				first = len < r->size - at ? len : (uint32_t)(r->size - at);
				memcpy(buf, data + at, first);
				memcpy(buf + first, data, len - first);
				if (rec_expand(buf, len, &e) && t->on_event) {
					n += n < INT32_MAX;
					ret = t->on_event(t->ctx, &e);
				}
			}
			cons += (BPF_RINGBUF_HDR_SZ + len + 7) & ~7ull;
			if (ret)
				goto done;
			if (cons - published >= RING_PUBLISH_BYTES) {
				__atomic_store_n(cons_pos, cons, __ATOMIC_RELEASE);
				published = cons;
			}
		}
	}
done:
	r->pos = cons;
	__atomic_store_n(cons_pos, cons, __ATOMIC_RELEASE);
	return ret < 0 ? ret : n;
}

/* ------------------------------------------------------------------------ set-up --- */

static void explain_failure(int err, char *buf, size_t len)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		snprintf(buf, len, "kernel has no BTF (/sys/kernel/btf/vmlinux missing): "
			 "CO-RE tracing needs CONFIG_DEBUG_INFO_BTF=y");
	else if (err == -EPERM || err == -EACCES)
		snprintf(buf, len, "BPF not permitted (%s): run as root, or grant CAP_BPF, CAP_PERFMON "
			 "and CAP_SYS_RESOURCE; check kernel.unprivileged_bpf_disabled and lockdown",
			 geteuid() ? "not root" : "root, but denied");
	else
		snprintf(buf, len, "cannot load the BPF tracer: %s (run with -v for libbpf's log)",
			 strerror(-err));
}

/* The host's syscall numbers: the BPF object is the same on every arch. */
void tracer_sys_kinds(__u8 *kinds)
{
	static const struct { long nr; __u8 kind; } k[] = {
		{ SYS_read, PROF_SYS_READ }, { SYS_readv, PROF_SYS_READ },
		{ SYS_recvfrom, PROF_SYS_READ }, { SYS_recvmsg, PROF_SYS_READ },
		{ SYS_write, PROF_SYS_WRITE }, { SYS_sendto, PROF_SYS_WRITE },
		{ SYS_writev, PROF_SYS_WRITEV }, { SYS_sendmsg, PROF_SYS_SENDMSG },
		{ SYS_execve, PROF_SYS_EXECVE }, { SYS_execveat, PROF_SYS_EXECVEAT },
		{ SYS_connect, PROF_SYS_CONNECT }, { SYS_close, PROF_SYS_CLOSE },
		{ SYS_io_uring_setup, PROF_SYS_IO_URING }, { SYS_io_uring_enter, PROF_SYS_IO_URING },
	};

	memset(kinds, 0, PROF_SYS_KINDS);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (k[i].nr >= 0 && k[i].nr < PROF_SYS_KINDS)
			kinds[k[i].nr] = k[i].kind;
}

/* The knobs and sizes of a run, before load. */
static void configure(struct tracer *t, const struct tracer_opts *o, size_t ring_bytes)
{
	struct profiler_bpf *s = t->skel;
	struct bpf_map *hashes[] = { s->maps.tracked, s->maps.api_addrs, s->maps.api_fds,
				     s->maps.pending, s->maps.watch };

	tracer_sys_kinds((__u8 *)s->rodata->sys_kinds);
	s->rodata->page_kb = (unsigned)sysconf(_SC_PAGESIZE) / 1024;
	s->rodata->sample_rss_on_syscalls = !kernel_at_least(6, 16);
	s->rodata->breakdown = o->breakdown;
	s->rodata->wake_bytes = ring_bytes / 4;
	s->rodata->wake_step = ring_bytes / 16;
	bpf_map__set_max_entries(s->maps.rb, (__u32)ring_bytes);
	/* Allocating hash map entries as they come is safe from any context only since 6.1
	 * (bpf_mem_alloc): preallocate them before. */
	if (!kernel_at_least(6, 1))
		for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++)
			bpf_map__set_map_flags(hashes[i], bpf_map__map_flags(hashes[i]) & ~BPF_F_NO_PREALLOC);
	/* the scheduler programs run at every context switch of the host: only for --breakdown */
	bpf_program__set_autoload(s->progs.sched_switch, o->breakdown);
	bpf_program__set_autoload(s->progs.sched_wakeup, o->breakdown);
	bpf_program__set_autoload(s->progs.sched_wakeup_new, o->breakdown);
	bpf_program__set_autoload(s->progs.entry_point, o->breakdown);

	if (o->select) {
		const struct tracer_select *sel = o->select;

		s->rodata->trace_mode = true;
		s->rodata->any_api_addr = sel->any_addr;
		memcpy((char *)s->rodata->sel_comm, sel->comm, sizeof(sel->comm));
		s->rodata->sel_ino = sel->ino;
		s->rodata->sel_dev = sel->dev;
		s->rodata->sel_cgroup = sel->cgroup_id;
	} else {
		/* the trace mode's maps, which a benchmark never fills: the smallest */
		bpf_map__set_max_entries(s->maps.exec_start, (__u32)t->ncpus);
		bpf_map__set_max_entries(s->maps.watch, 1);
	}
}

struct tracer *tracer_open(const struct tracer_opts *o, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	size_t ring_bytes = o->breakdown ? RING_BYTES_BREAKDOWN : RING_BYTES;
	const uint8_t *elf;
	char btf_path[64];
	uint32_t ntypes = 0;
	struct tracer *t;
	size_t elf_len;
	int btf_fd, e;

	if (o->times)
		memset(o->times, 0, sizeof(*o->times));
	STEP(o, start);
	g_verbose = o->verbose;
	libbpf_set_print(libbpf_print);
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->ring.epfd = -1;
	t->on_event = o->on_event;
	t->ctx = o->ctx;
	t->ncpus = libbpf_num_possible_cpus();
	if (t->ncpus <= 0) {
		snprintf(err, errlen, "cannot count CPUs: %s", strerror(-t->ncpus));
		goto fail;
	}

	elf = profiler_bpf__elf_bytes(&elf_len);
	btf_fd = core_btf_memfd(elf, elf_len, btf_path, sizeof(btf_path), &ntypes);
	if (btf_fd >= 0)
		oo.btf_custom_path = btf_path;
	else
		vlog("no reduced copy of the kernel's types: libbpf reads them all");
	STEP(o, btf);
	t->skel = profiler_bpf__open_opts(&oo);
	if (!t->skel) {
		if (btf_fd >= 0)
			close(btf_fd);
		explain_failure(-errno, err, errlen);
		goto fail;
	}
	STEP(o, opened);
	configure(t, o, ring_bytes);
	e = profiler_bpf__load(t->skel);
	if (btf_fd >= 0)
		close(btf_fd);		/* libbpf has read it */
	if (e) {
		explain_failure(e, err, errlen);
		goto fail;
	}
	STEP(o, loaded);
	e = profiler_bpf__attach(t->skel);
	if (e) {
		explain_failure(e, err, errlen);
		goto fail;
	}
	STEP(o, attached);
	if (o->select && o->select->watch_pid > 0) {
		__u32 k = (__u32)o->select->watch_pid;
		__u8 one = 1;

		if (bpf_map__update_elem(t->skel->maps.watch, &k, sizeof(k), &one, sizeof(one), BPF_ANY)) {
			snprintf(err, errlen, "cannot watch pid %d: %s", (int)k, strerror(errno));
			goto fail;
		}
	}
	if (ring_open(&t->ring, bpf_map__fd(t->skel->maps.rb), ring_bytes)) {
		snprintf(err, errlen, "cannot open the BPF ring buffer: %s", strerror(errno));
		goto fail;
	}
	STEP(o, ring);
	return t;
fail:
	tracer_close(t);
	return NULL;
}

int tracer_add_api_addr(struct tracer *t, int family, const void *addr, uint16_t port)
{
	struct prof_api_addr k;
	__u8 one = 1;

	memset(&k, 0, sizeof(k));
	k.family = family;
	k.port = port;
	memcpy(k.addr, addr, family == AF_INET6 ? 16 : 4);
	if (bpf_map__update_elem(t->skel->maps.api_addrs, &k, sizeof(k), &one, sizeof(one), BPF_ANY))
		return -errno;
	return 0;
}

int tracer_attach_entry(struct tracer *t, const char *path, uint64_t file_off)
{
	struct bpf_link *l;

	if (!t || !bpf_program__autoload(t->skel->progs.entry_point))
		return -EINVAL;
	if (t->n_entry_links == MAX_ENTRY_LINKS)
		return -ENOSPC;
	l = bpf_program__attach_uprobe(t->skel->progs.entry_point, false, -1, path, (size_t)file_off);
	if (!l)
		return -errno;
	t->entry_links[t->n_entry_links++] = l;
	return 0;
}

int tracer_probe_entry(struct tracer *t, const char *bootstrap, char *desc, size_t len)
{
	struct elf_facts f;
	const char *target = bootstrap;
	uint64_t vaddr, off;
	char err[384];
	int e;

	if (elf_inspect(bootstrap, &f, err, sizeof(err))) {
		snprintf(desc, len, "not measured: %s", err);
		return -1;
	}
	if (f.is_script) {
		/* the kernel runs the #! interpreter: its entry point is the first user code */
		if (f.interpreter[0] != '/') {
			snprintf(desc, len, "not measured: the script's interpreter '%s' is not an "
				 "absolute path", f.interpreter);
			return -1;
		}
		target = f.interpreter;
	} else if (!f.is_elf) {
		snprintf(desc, len, "not measured: %s is neither ELF nor a #! script", bootstrap);
		return -1;
	}
	if (elf_entry_offset(target, &vaddr, &off, err, sizeof(err))) {
		snprintf(desc, len, "not measured: %s", err);
		return -1;
	}
	e = tracer_attach_entry(t, target, off);
	if (e) {
		snprintf(desc, len, "not measured: cannot attach a uprobe to %s: %s", target, strerror(-e));
		return -1;
	}
	snprintf(desc, len, "uprobe on the ELF entry point of %s%s (e_entry 0x%llx, file offset 0x%llx)%s",
		 target, target == bootstrap ? "" : " (the script's interpreter)",
		 (unsigned long long)vaddr, (unsigned long long)off,
		 f.is_static && !f.is_script ? "; a static executable has no dynamic loader, so the "
		 "phase is the kernel's return to user space" : "");
	return 0;
}

int tracer_arm_spawn(struct tracer *t, bool on)
{
	if (!t)
		return 0;
	/* read by the fork tracepoint of this same thread: a store in program order */
	__atomic_store_n(&t->skel->bss->spawner, on ? ((__u64)getpid() << 32 | (__u32)gettid()) : 0,
			 __ATOMIC_RELEASE);
	return 0;
}

/* The tracked processes of root: up to max pids, and the sum of their bpf_ns. */
static size_t tree_walk(struct tracer *t, pid_t root, pid_t *pids, size_t max, uint64_t *bpf_ns)
{
	__u32 key, next, *prev = NULL;
	struct prof_track v;
	size_t n = 0;
	int fd;

	*bpf_ns = 0;
	if (!t)
		return 0;
	fd = bpf_map__fd(t->skel->maps.tracked);
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(fd, &next, &v) == 0 && v.root == (__u32)root) {
			if (n < max)
				pids[n] = (pid_t)next;
			n++;
			*bpf_ns += v.bpf_ns;
		}
		key = next;
		prev = &key;
	}
	return n;
}

size_t tracer_tree(struct tracer *t, pid_t root, pid_t *pids, size_t max)
{
	uint64_t ns;

	return tree_walk(t, root, pids, max, &ns);
}

uint64_t tracer_tree_bpf_ns(struct tracer *t, pid_t root)
{
	uint64_t ns;

	tree_walk(t, root, NULL, 0, &ns);
	return ns;
}

void tracer_forget(struct tracer *t, pid_t root)
{
	struct prof_fd_key fk, fnext, *fprev = NULL;
	pid_t pids[256];
	int tfd, ffd;
	size_t n, i;

	if (!t)
		return;
	tfd = bpf_map__fd(t->skel->maps.tracked);
	ffd = bpf_map__fd(t->skel->maps.api_fds);
	n = tracer_tree(t, root, pids, 256);
	for (i = 0; i < n && i < 256; i++) {
		__u32 k = (__u32)pids[i];

		bpf_map_delete_elem(tfd, &k);
	}
	/* sockets of processes no longer tracked can never be matched again */
	while (bpf_map_get_next_key(ffd, fprev, &fnext) == 0) {
		__u32 tg = fnext.tgid;
		struct prof_track v;

		if (bpf_map_lookup_elem(tfd, &tg, &v) != 0) {
			bpf_map_delete_elem(ffd, &fnext);
			fprev = NULL;	/* restart: the iteration order changed */
			continue;
		}
		fk = fnext;
		fprev = &fk;
	}
	/* what the tree's threads remember of both no longer holds (profiler.bpf.c) */
	__atomic_fetch_add(&t->skel->bss->forget_gen, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&t->skel->bss->api_gen, 1, __ATOMIC_SEQ_CST);
}

int tracer_fd(const struct tracer *t)
{
	return t ? t->ring.epfd : -1;
}

/* Unlike libbpf's ring_buffer__poll, which reads only a ring that woke it (the BPF side
 * submits without waking, but for a filling ring or an exit), every poll drains what is
 * there: the ring is sized for the events between two polls. */
int tracer_poll(struct tracer *t, int timeout_ms)
{
	struct epoll_event ev;

	if (!t) {
		if (timeout_ms > 0)
			poll(NULL, 0, timeout_ms);
		return 0;
	}
	if (epoll_wait(t->ring.epfd, &ev, 1, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	return ring_consume(t);
}

int tracer_drain(struct tracer *t)
{
	return t ? ring_consume(t) : 0;
}

void tracer_counters(const struct tracer *t, struct tracer_counters *c)
{
	__u64 *vals;
	__u32 i;

	memset(c, 0, sizeof(*c));
	if (!t)
		return;
	vals = calloc(t->ncpus, sizeof(*vals));
	if (!vals)
		return;
	for (i = 0; i < PROF_CNT_MAX; i++) {
		uint64_t sum = 0;
		int cpu;

		if (bpf_map__lookup_elem(t->skel->maps.counters, &i, sizeof(i), vals,
					 sizeof(*vals) * t->ncpus, 0))
			continue;
		for (cpu = 0; cpu < t->ncpus; cpu++)
			sum += vals[cpu];
		switch (i) {
		case PROF_CNT_EVENTS: c->events = sum; break;
		case PROF_CNT_DROPPED: c->dropped = sum; break;
		case PROF_CNT_CAPTURE_FAULTS: c->capture_faults = sum; break;
		case PROF_CNT_TRACK_FULL: c->track_full = sum; break;
		}
	}
	free(vals);
}

void tracer_close(struct tracer *t)
{
	if (!t)
		return;
	ring_close(&t->ring);
	for (size_t i = 0; i < t->n_entry_links; i++)
		bpf_link__destroy(t->entry_links[i]);
	profiler_bpf__destroy(t->skel);

	free(t);
}
