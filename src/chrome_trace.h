/*
 * Cold starts -> Chrome Trace Event Format JSON (the "JSON Object Format"),
 * for Perfetto UI (ui.perfetto.dev) and chrome://tracing. Pure: takes events
 * and invocation records, returns a string; the caller writes the file.
 * (chrome_trace_rec.h says which of chrome_trace*.c does what.)
 *
 * Usage:
 *   struct ctrace *w = ctrace_open();
 *   for each cold start: ctrace_add_cold_start(w, inv.index, ev, n, &inv);
 *                        (ev in time order, after timeline_build filled inv from
 *                        the same ev; ev may be freed after)
 *   char *json = ctrace_to_json(w);   ... write it ...   free(json);
 *   ctrace_free(w);
 *
 * What the file holds:
 *   {"displayTimeUnit":"ns","otherData":{...},"traceEvents":[...]}
 * - ts and dur are in microseconds (the format's unit), printed with exactly
 *   three decimals, so they keep nanosecond precision. ts is relative to an
 *   origin: the exec_enter mark of the FIRST cold start added, or the earliest
 *   event of the file if some event came before it (so every ts is >= 0).
 *   otherData gives the origin as absolute CLOCK_MONOTONIC ns (a string) and
 *   says which of the two it is.
 * - Tracks: pid = the kernel tgid, tid = the kernel thread id (the real ids,
 *   so the processes of different cold starts are different tracks). "M"
 *   events name them: process_name = the filename the process last exec'd
 *   successfully (EXEC_ENTER followed by EXEC_DONE), else its comm, else
 *   "pid N"; thread_name = the thread's comm; process_sort_index = the cold
 *   start's index. pid 0 is a pseudo-process "profiler" whose thread 0
 *   ("cold starts") holds one "X" slice "cold start N" per cold start, from
 *   min(exec_enter, its first event) to max(root_exit, its last event end),
 *   with the invocation's outcome and phases (ms to the microsecond, jw_ms:
 *   null = not measured) in args.
 * - cat "phase": "X" slices on the root process's main thread (pid = tid =
 *   root): total, init, exec, connect, wait, handler, from the kernel marks of
 *   struct invocation (invocation.h); a phase whose marks are missing is left
 *   out; args {ms (to the microsecond, jw_ms), span}. They nest: total
 *   contains init, wait and handler; init contains exec and connect.
 * - cat "syscall": an "X" slice for every CONNECT, WRITE, READ and CLOSE
 *   (ts = entry, dur = exit - entry) on its thread, args {fd, conn_id, ret,
 *   bytes (requested), and for writes: request (rapi_req_name of the request
 *   the write belongs to, classified with httpclass as timeline does; absent
 *   when unknown), starts_request, data (the captured prefix, sanitised:
 *   invalid UTF-8 and control bytes other than \t \r \n become '?'),
 *   capture_truncated}. A syscall whose exit was not seen (end_ns 0 or before
 *   its entry) is an instant "<name> (no return seen)" instead.
 * - cat "process": instants ("i", scope "t") for EXEC_ENTER (filename),
 *   EXEC_DONE (comm), EXEC_FAIL (ret), FORK (child, kind), EXIT (status,
 *   exit_code or signal, threads, faults, rss_peak_kb) and IO_URING.
 * - cat "memory": a counter ("C") "rss_kb" on each process at its EXIT with
 *   its peak RSS in KiB, series "peak (sampled once, at exit)": the only RSS
 *   figure the tracer records. No counter when the peak is unknown (0).
 * - Events are sorted: metadata first, then by ts (equal ts: longer slice
 *   first, so parents precede children). Events with ts_ns == 0 are skipped
 *   and counted in otherData.skipped_events.
 *
 * Limits: a pid reused by a later cold start (pid wrap-around) shares the
 * earlier one's track (counted in otherData.pid_reuses). Phase slices are
 * bounded by syscall marks that may come from other threads; on the main
 * thread they nest with its own syscall slices when the main thread makes
 * the Runtime API calls (the usual case).
 */
#ifndef CHROME_TRACE_H
#define CHROME_TRACE_H
#include <stddef.h>
#include <linux/types.h>
#include "profiler_events.h"
#include "invocation.h"

struct ctrace;

/* A new, empty writer (holds everything in memory). NULL with errno ENOMEM. */
struct ctrace *ctrace_open(void);

/*
 * Add one cold start: its 1-based index, its events in time order as
 * timeline_build takes them (pointers sorted by ts_ns, equal ts_ns in
 * ring-buffer order: events_by_time in coldstart.h; not kept, copied as
 * needed; a root_pid of 0 is read from ev[0], every event of a cold start has
 * the same root) and its invocation record as filled by timeline_build
 * (root_pid, k.*, *_ms, outcome). Returns 0, or -1 with errno
 * EINVAL (w or inv NULL, ev NULL with n > 0) or ENOMEM (the writer is then
 * unchanged except for what was already added of this cold start).
 */
int ctrace_add_cold_start(struct ctrace *w, int index, const struct prof_event *const *ev,
			  size_t n, const struct invocation *inv);

/* The whole trace as a NUL-terminated JSON string (malloc'd; free() it).
 * Does not consume the writer. NULL with errno EINVAL (w NULL) or ENOMEM. */
char *ctrace_to_json(const struct ctrace *w);

/* Accepts NULL. */
void ctrace_free(struct ctrace *w);

/*
 * Copy n bytes of captured data to out (at least n + 1 bytes) as valid UTF-8:
 * well-formed UTF-8 sequences are kept, every other byte (invalid or truncated
 * sequences, NUL and control bytes other than \t \n \r, DEL) becomes '?'.
 * The output is never longer than the input. Returns its length.
 */
size_t ctrace_sanitize(const unsigned char *in, size_t n, char *out);
/* Add the extensions of a cold start (inv->api.ext[]) as their own tracks (chrome_trace_ext.c
 * says what they hold). Returns 0, or -1 with errno ENOMEM. */
int ctrace_add_extensions(struct ctrace *w, const struct invocation *inv);
#endif
