/* What a file costs in a zip package: the size of its deflated stream. */
#ifndef ZIPSIZE_H
#define ZIPSIZE_H
#include <stddef.h>
#include <stdint.h>

/* Size of the raw deflate stream (zlib, level 9, 32 KiB window, memLevel 8) of the data: what a
 * zip entry compressed with method 8 holds, without zip's headers. */
int deflated_size_mem(const void *buf, size_t len, uint64_t *out);
int deflated_size_file(const char *path, uint64_t *out, char *err, size_t errlen);
#endif
