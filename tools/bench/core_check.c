/*
 * core_check: does the reduced copy of the kernel's types that tracer_open hands libbpf
 * (tracer_core_btf, src/tracer.c) relocate the tracer's programs exactly as the whole
 * kernel BTF does? Loads the tracer's object twice on this kernel, every program on (the
 * --breakdown ones too), once with libbpf reading /sys/kernel/btf/vmlinux itself and once
 * with the reduced copy, and compares the final instructions of each program (map
 * references aside: their descriptors differ). Prints one line per program and a verdict;
 * exits 0 when every instruction is the same, 1 when one differs, 2 when it cannot run.
 *
 *   sudo .output/bench/core_check [-t]     (-t: with trace mode's knobs on)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "profiler.skel.h"
#include "tracer.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static struct profiler_bpf *load(const char *btf_path, bool trace)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = btf_path);
	struct profiler_bpf *s = profiler_bpf__open_opts(&oo);
	int e;

	if (!s)
		return NULL;
	/* as tracer_open sets them: the knobs decide which code the verifier keeps, not
	 * what CO-RE relocates, but the same values keep the two loads alike */
	tracer_sys_kinds((__u8 *)s->rodata->sys_kinds);
	s->rodata->breakdown = true;
	s->rodata->sample_rss_on_syscalls = true;
	s->rodata->trace_mode = trace;
	e = profiler_bpf__load(s);
	if (e) {
		fprintf(stderr, "core_check: load %s: %s\n", btf_path ? "with the reduced BTF" :
			"with the kernel's BTF", strerror(-e));
		profiler_bpf__destroy(s);
		return NULL;
	}
	return s;
}

static bool map_ref(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       (in->src_reg == BPF_PSEUDO_MAP_FD || in->src_reg == BPF_PSEUDO_MAP_VALUE);
}

int main(int argc, char **argv)
{
	bool trace = argc > 1 && !strcmp(argv[1], "-t");
	struct profiler_bpf *full, *reduced;
	struct bpf_program *p, *q;
	size_t total = 0, diff = 0;
	char path[64];
	int fd;

	libbpf_set_print(quiet);
	fd = tracer_core_btf(path, sizeof(path));
	if (fd < 0) {
		fprintf(stderr, "core_check: no reduced BTF could be built on this kernel\n");
		return 2;
	}
	full = load(NULL, trace);
	reduced = load(path, trace);
	close(fd);
	if (!full || !reduced)
		return 2;
	q = bpf_object__next_program(reduced->obj, NULL);
	bpf_object__for_each_program(p, full->obj) {
		size_t n = bpf_program__insn_cnt(p), m = bpf_program__insn_cnt(q), d = 0;
		const struct bpf_insn *a = bpf_program__insns(p), *b = bpf_program__insns(q);

		if (strcmp(bpf_program__name(p), bpf_program__name(q)) || n != m) {
			printf("%-20s %zu vs %zu instructions\n", bpf_program__name(p), n, m);
			diff++;
		} else {
			for (size_t i = 0; i < n; i++) {
				struct bpf_insn x = a[i], y = b[i];

				if (map_ref(&x) && map_ref(&y)) {
					x.imm = y.imm = 0;	/* map descriptors */
				} else if (i > 0 && map_ref(&a[i - 1]) && map_ref(&b[i - 1])) {
					if (a[i - 1].src_reg == BPF_PSEUDO_MAP_FD)
						x.imm = y.imm = 0;	/* second half of a map's address */
				}
				if (memcmp(&x, &y, sizeof(x)))
					d++;
			}
			printf("%-20s %5zu instructions, %zu differ\n", bpf_program__name(p), n, d);
			diff += d;
		}
		total += n;
		q = bpf_object__next_program(reduced->obj, q);
	}
	printf("%s: %zu instructions in all, %zu differ\n",
	       diff ? "DIFFERENT" : "same relocations", total, diff);
	profiler_bpf__destroy(full);
	profiler_bpf__destroy(reduced);
	return diff ? 1 : 0;
}
