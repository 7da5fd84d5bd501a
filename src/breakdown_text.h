/*
 * --breakdown for people: the text waterfall of one breakdown (breakdown.h).
 *
 * After a header line, one line per phase with its start and duration in ms
 * (3 decimals), a bar of `width` columns scaled to the window (none when
 * width is 0), on-CPU / runnable / blocked ms, minor/major faults, syscalls,
 * API bytes out/in; a "total" line for the window; then the top `top`
 * syscalls of the window (at most BD_TOP) with count and ms, peak RSS with
 * when (ms from exec) and in which phase, processes/threads created, threads
 * seen, storage read, and the tracer's cost when it was measured. Unmeasured
 * phases show "-" for their figures and say which mark was not seen. The
 * title line above it is the caller's.
 */
#ifndef BREAKDOWN_TEXT_H
#define BREAKDOWN_TEXT_H
#include <stdio.h>
#include "breakdown.h"

/* f or bd NULL: nothing. */
void breakdown_print(FILE *f, const struct breakdown *bd, unsigned width, unsigned top);
#endif
