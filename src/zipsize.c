/* The deflated size of a file, as a zip package would hold it. */
#include "zipsize.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

struct deflater {
	z_stream zs;
	unsigned char out[65536];
	uint64_t total;
};

static int deflater_init(struct deflater *z)
{
	memset(&z->zs, 0, sizeof(z->zs));
	z->total = 0;
	/* raw deflate (negative window bits): zip's method 8 holds exactly this stream */
	return deflateInit2(&z->zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK ? 0 : -1;
}

static int deflater_feed(struct deflater *z, const void *buf, size_t len, bool last)
{
	int rc;

	z->zs.next_in = (Bytef *)buf;
	z->zs.avail_in = (uInt)len;
	do {
		z->zs.next_out = z->out;
		z->zs.avail_out = sizeof(z->out);
		rc = deflate(&z->zs, last ? Z_FINISH : Z_NO_FLUSH);
		if (rc == Z_STREAM_ERROR)
			return -1;
		z->total += sizeof(z->out) - z->zs.avail_out;
	} while (z->zs.avail_out == 0 || (last && rc != Z_STREAM_END));
	return 0;
}

int deflated_size_mem(const void *buf, size_t len, uint64_t *out)
{
	struct deflater *z = malloc(sizeof(*z));
	const unsigned char *p = buf;
	int rc = -1;

	if (!z || deflater_init(z)) {
		free(z);
		return -1;
	}
	/* uInt is 32 bits: feed in pieces */
	while (len > (1u << 30)) {
		if (deflater_feed(z, p, 1u << 30, false))
			goto out;
		p += 1u << 30;
		len -= 1u << 30;
	}
	if (deflater_feed(z, p, len, true))
		goto out;
	*out = z->total;
	rc = 0;
out:
	deflateEnd(&z->zs);
	free(z);
	return rc;
}

int deflated_size_file(const char *path, uint64_t *out, char *err, size_t errlen)
{
	struct deflater *z = malloc(sizeof(*z));
	unsigned char *in = malloc(65536);
	int fd = -1, rc = -1;

	if (!z || !in || deflater_init(z)) {
		snprintf(err, errlen, "deflate: out of memory");
		free(z);
		free(in);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, in, 65536);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		if (deflater_feed(z, in, (size_t)n, n == 0)) {
			snprintf(err, errlen, "deflate failed on %s", path);
			goto out;
		}
		if (n == 0)
			break;
	}
	*out = z->total;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	deflateEnd(&z->zs);
	free(z);
	free(in);
	return rc;
}
