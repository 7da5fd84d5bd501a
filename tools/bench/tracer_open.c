/*
 * tracer_open: where the tracer's start-up goes. Runs the profiler's own tracer_open
 * (src/tracer.c, linked in) once, as `profiler benchmark` does (or as `profiler trace`
 * with -t, with --breakdown's programs with -b), and prints one line:
 *
 *   open_us=  skeleton open (the embedded object parsed)
 *   btf_us=   the kernel types prepared for CO-RE, before or after the open (0 when
 *             libbpf reads them itself in load)
 *   load_us=  bpf_object__load: maps, CO-RE relocations, the verifier
 *   attach_us= ring_us= total_us=
 *   prog_us= map_us= btf_load_us= other_bpf_us=   time inside bpf(2) by command, summed
 *   libbpf_us=  load_us minus the bpf(2) calls it made: libbpf's own work (reading and
 *               parsing kernel BTF, CO-RE relocation)
 *   hwm_kb=   VmHWM after tracer_open minus VmHWM before (the peak RSS it added)
 *   rss_kb=   VmRSS after minus before
 *
 * Every bpf(2) call is timed by interposing syscall(), through which libbpf makes them;
 * -v also prints each one (command, program or map name, µs, instructions or size, and
 * for a program still loaded the instructions its verification processed).
 *
 *   sudo .output/bench/tracer_open [-b] [-t] [-v]
 */
#include <dlfcn.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "tracer.h"

#define MAX_CALLS 512

struct call {
	int cmd;
	char name[BPF_OBJ_NAME_LEN];
	uint64_t ns;
	uint64_t size;		/* PROG_LOAD: instructions; MAP_CREATE: max_entries */
	long ret;
	uint32_t verified;	/* PROG_LOAD: instructions the verifier processed */
};

static struct call calls[MAX_CALLS];
static int ncalls;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* libbpf makes every bpf(2) call through syscall(): this definition comes first */
long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	long a[6], r;
	uint64_t t0;
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	if (nr != SYS_bpf || ncalls == MAX_CALLS)
		return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	t0 = now_ns();
	r = real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	struct call *c = &calls[ncalls++];
	const union bpf_attr *at = (const union bpf_attr *)a[1];

	c->ns = now_ns() - t0;
	c->cmd = (int)a[0];
	c->ret = r;
	c->name[0] = '\0';
	c->size = 0;
	if (c->cmd == BPF_PROG_LOAD) {
		memcpy(c->name, at->prog_name, sizeof(c->name));
		c->size = at->insn_cnt;
	} else if (c->cmd == BPF_MAP_CREATE) {
		memcpy(c->name, at->map_name, sizeof(c->name));
		c->size = at->max_entries;
	} else if (c->cmd == BPF_BTF_LOAD) {
		c->size = at->btf_size;
	}
	c->name[sizeof(c->name) - 1] = '\0';
	return r;
}

static long status_kb(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n))
			v = atol(line + n);
	fclose(f);
	return v;
}

static const char *cmd_name(int cmd)
{
	switch (cmd) {
	case BPF_PROG_LOAD: return "PROG_LOAD";
	case BPF_MAP_CREATE: return "MAP_CREATE";
	case BPF_BTF_LOAD: return "BTF_LOAD";
	case BPF_LINK_CREATE: return "LINK_CREATE";
	case BPF_RAW_TRACEPOINT_OPEN: return "RAW_TRACEPOINT_OPEN";
	case BPF_MAP_UPDATE_ELEM: return "MAP_UPDATE_ELEM";
	case BPF_OBJ_GET_INFO_BY_FD: return "OBJ_GET_INFO_BY_FD";
	case BPF_BTF_GET_FD_BY_ID: return "BTF_GET_FD_BY_ID";
	case BPF_BTF_GET_NEXT_ID: return "BTF_GET_NEXT_ID";
	case BPF_MAP_FREEZE: return "MAP_FREEZE";
	default: return "other";
	}
}

static double us(uint64_t a, uint64_t b)
{
	return a && b ? (double)(b - a) / 1000.0 : 0.0;
}

int main(int argc, char **argv)
{
	struct tracer_select sel = { .comm = "no-such-comm-x" };
	struct tracer_opts o = { 0 };
	struct tracer_open_times tm;
	uint64_t prog = 0, map = 0, btf = 0, other = 0, in_load = 0;
	bool verbose = false;
	long hwm0, rss0, hwm1, rss1;
	struct tracer *t;
	char err[512];
	int c, i;

	while ((c = getopt(argc, argv, "btv")) != -1) {
		switch (c) {
		case 'b': o.breakdown = true; break;
		case 't': o.select = &sel; break;
		case 'v': verbose = true; break;
		default:
			fprintf(stderr, "usage: tracer_open [-b] [-t] [-v]\n");
			return 2;
		}
	}
	o.times = &tm;
	hwm0 = status_kb("VmHWM:");
	rss0 = status_kb("VmRSS:");
	t = tracer_open(&o, err, sizeof(err));
	hwm1 = status_kb("VmHWM:");
	rss1 = status_kb("VmRSS:");
	if (!t) {
		fprintf(stderr, "tracer_open: %s\n", err);
		return 3;
	}
	for (i = 0; i < ncalls; i++) {
		const struct call *k = &calls[i];

		if (k->cmd == BPF_PROG_LOAD)
			prog += k->ns;
		else if (k->cmd == BPF_MAP_CREATE)
			map += k->ns;
		else if (k->cmd == BPF_BTF_LOAD)
			btf += k->ns;
		else
			other += k->ns;
		if (verbose && k->cmd == BPF_PROG_LOAD && k->ret >= 0) {
			struct bpf_prog_info info;
			__u32 len = sizeof(info);

			memset(&info, 0, sizeof(info));
			if (bpf_obj_get_info_by_fd((int)k->ret, &info, &len) == 0)
				calls[i].verified = info.verified_insns;
		}
		if (verbose)
			printf("  %-20s %-16s %8.1f us  size %llu  ret %ld%s%.0u\n", cmd_name(k->cmd),
			       k->name, k->ns / 1000.0, (unsigned long long)k->size, k->ret,
			       k->verified ? "  verified " : "", k->verified);
	}
	/* the bpf(2) calls made inside load: everything but attach's link creation */
	in_load = prog + map + btf;
	for (i = 0; i < ncalls; i++)
		if (calls[i].cmd != BPF_PROG_LOAD && calls[i].cmd != BPF_MAP_CREATE &&
		    calls[i].cmd != BPF_BTF_LOAD && calls[i].cmd != BPF_LINK_CREATE &&
		    calls[i].cmd != BPF_RAW_TRACEPOINT_OPEN)
			in_load += calls[i].ns;
	/* the kernel types are prepared before the open, or (libbpf alone) after it */
	uint64_t btf_from = tm.btf < tm.opened ? tm.start : tm.opened;
	uint64_t open_from = tm.btf < tm.opened ? tm.btf : tm.start;
	uint64_t load_from = tm.btf < tm.opened ? tm.opened : tm.btf;

	printf("open_us=%.1f btf_us=%.1f load_us=%.1f attach_us=%.1f ring_us=%.1f total_us=%.1f "
	       "prog_us=%.1f map_us=%.1f btf_load_us=%.1f other_bpf_us=%.1f libbpf_us=%.1f "
	       "hwm_kb=%ld rss_kb=%ld\n",
	       us(open_from, tm.opened), us(btf_from, tm.btf), us(load_from, tm.loaded),
	       us(tm.loaded, tm.attached), us(tm.attached, tm.ring), us(tm.start, tm.ring),
	       prog / 1000.0, map / 1000.0, btf / 1000.0, other / 1000.0,
	       us(load_from, tm.loaded) - in_load / 1000.0, hwm1 - hwm0, rss1 - rss0);
	tracer_close(t);
	return 0;
}
