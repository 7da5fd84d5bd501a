// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Programs that do nothing, on the tracer's syscall attach points: what attaching there
 * costs every system call of the host, before any work of the tracer's own. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("tp_btf/sys_enter")
int BPF_PROG(empty_enter, struct pt_regs *regs, long id)
{
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(empty_exit, struct pt_regs *regs, long ret)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
