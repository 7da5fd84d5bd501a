/*
 * --breakdown in the results JSON: one breakdown (breakdown.h) as a JSON
 * object, the "breakdown" of a measurement and the run's median one:
 *   window_ms, phases[] {name, start_ms, duration_ms, measured, and the
 *   costs}, tree {the costs}, peak_rss_kb, peak_rss_at_ms, peak_rss_phase,
 *   threads_seen, bpf_cost {tree_run_time_ms} or null.
 * The costs: on_cpu_ms, runnable_ms, blocked_ms, min_flt, maj_flt,
 * read_bytes, syscalls, syscall_ms, top_syscalls[] {name (null when the
 * host's table has none), nr, count, time_ms}, api_bytes_sent,
 * api_bytes_received, processes_created, threads_created.
 * Times are ms relative to the window's start, rounded to the microsecond
 * (half up); counts are exact integers. No peak RSS sample: peak_rss_kb and
 * peak_rss_at_ms are null; its phase unknown: peak_rss_phase is null.
 */
#ifndef BREAKDOWN_JSON_H
#define BREAKDOWN_JSON_H
#include "breakdown.h"

/* The object (cJSON *; the caller deletes it), or NULL when bd is NULL or out
 * of memory. Declared with void * so that this header does not need cJSON's. */
void *breakdown_to_json(const struct breakdown *bd);
#endif
