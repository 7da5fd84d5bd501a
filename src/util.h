/* Small helpers shared by the modules. */
#ifndef UTIL_H
#define UTIL_H
#include <stddef.h>
#include <stdint.h>

uint64_t mono_ns(void);		/* CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns() */
int64_t epoch_s(void);		/* CLOCK_REALTIME seconds */
/* Copy src into dst (size n), always NUL-terminated, truncating. */
void strlcpy0(char *dst, const char *src, size_t n);
/* 1-based line and column of byte offset off in text (for "line L, column C" errors). */
void text_line_col(const char *text, size_t off, size_t *line, size_t *col);
/* Read a whole file of at most max bytes into a malloc'd NUL-terminated buffer; its
 * length goes to *len (when len is not NULL). Returns NULL with errno set: EFBIG when
 * the file holds more than max bytes, EISDIR for a folder, or open/read's errno. */
char *read_file_all(const char *path, size_t max, size_t *len);
/* Write data to path atomically: a temporary file beside it (mode 0644, whatever the umask),
 * written in full and fsync'd, renamed over path, then the folder fsync'd so that the rename
 * itself is on disk. On failure path is as it was (the old file, or none) and the temporary
 * file is removed. Returns 0 or -errno (the system-wrapper convention). */
int write_file_atomic(const char *path, const char *data, size_t len);
#endif
