/*
 * A growing NUL-terminated string buffer, for documents made piece by piece (the SVG charts,
 * the HTML report, the trace export's file). A zeroed struct strbuf is an empty buffer. On an
 * allocation failure oom is set, later appends do nothing and sb_take returns NULL, so the
 * writer checks once, at the end.
 */
#ifndef STRBUF_H
#define STRBUF_H
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_puts(struct strbuf *b, const char *s);
/* s with & < > " ' replaced by entities (valid in XML and HTML text and attribute values);
 * bytes below 0x20 other than tab and newline, and DEL, become '?' (XML 1.0 allows none). */
void sb_xml_escape(struct strbuf *b, const char *s);
/* The text (the caller frees it; "" when nothing was appended), or NULL after an allocation
 * failure (the buffer is freed then). The buffer is empty again after. */
char *sb_take(struct strbuf *b);
void sb_free(struct strbuf *b);	/* accepts NULL */
#endif
