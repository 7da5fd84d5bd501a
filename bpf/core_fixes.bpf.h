/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Kernel-version flavours of the types the tracer reads, resolved by CO-RE at load time. */
#ifndef CORE_FIXES_BPF_H
#define CORE_FIXES_BPF_H

#include <vmlinux.h>
#include <bpf/bpf_core_read.h>

/*
 * mm RSS counters. Linux 6.2, commit f1a7941243c1 ("mm: convert mm's rss stats
 * into percpu_counter"), turned mm->rss_stat from a struct mm_rss_stat of
 * atomic_long_t into an array of struct percpu_counter. Reading percpu_counter.count
 * gives the same approximate value the kernel itself uses for ru_maxrss
 * (get_mm_counter -> percpu_counter_read_positive).
 */
struct mm_rss_stat___pre62 {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___pre62 {
	struct mm_rss_stat___pre62 rss_stat;
} __attribute__((preserve_access_index));

/* enum mm_counter: MM_FILEPAGES 0, MM_ANONPAGES 1, MM_SWAPENTS 2, MM_SHMEMPAGES 3 */
static __always_inline long mm_counter_pages(struct mm_struct *mm, int member)
{
	long v = 0;

	if (bpf_core_type_exists(struct mm_rss_stat___pre62)) {
		struct mm_struct___pre62 *old = (void *)mm;

		if (member == 0)
			v = BPF_CORE_READ(old, rss_stat.count[0].counter);
		else if (member == 1)
			v = BPF_CORE_READ(old, rss_stat.count[1].counter);
		else
			v = BPF_CORE_READ(old, rss_stat.count[3].counter);
	} else {
		if (member == 0)
			v = BPF_CORE_READ(mm, rss_stat[0].count);
		else if (member == 1)
			v = BPF_CORE_READ(mm, rss_stat[1].count);
		else
			v = BPF_CORE_READ(mm, rss_stat[3].count);
	}
	return v < 0 ? 0 : v;
}

/* Resident pages now: file + anon + shmem, as get_mm_rss(). */
static __always_inline __u64 mm_rss_pages(struct mm_struct *mm)
{
	return mm_counter_pages(mm, 0) + mm_counter_pages(mm, 1) + mm_counter_pages(mm, 3);
}

/*
 * Task state. Linux 5.14, commit 2f064a59a11f ("sched: Change task_struct::state"),
 * renamed task_struct.state (long) to __state (unsigned int).
 */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___pre514 *)t, state);
}

#endif
