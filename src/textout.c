/* Text for people (textout.h): terminal-safe strings and figures with their unit. */
#include "textout.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "jsonw.h"

/* Length of the valid UTF-8 sequence at s (its code point in *cp), or 0 when the bytes
 * there are not one: a stray continuation byte, a lead byte without its continuations, an
 * overlong form, a surrogate, or a code point above U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, uint32_t *cp)
{
	size_t n, i;
	uint32_t c, min;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2, c = s[0] & 0x1f, min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3, c = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;	/* 0x80..0xc1 (continuation, overlong lead) or 0xf5..0xff */
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* the NUL at the end stops here too */
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Code points shown as \uNNNN though valid: C1 controls, line and paragraph separators,
 * bidirectional embeddings, overrides and isolates. */
static bool hidden_cp(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* The output unit for the input at s: its text in out (NUL-terminated, at most 6 bytes +
 * NUL) and how many input bytes it stands for in *adv. Returns the unit's length. */
static size_t unit_at(const unsigned char *s, char out[8], size_t *adv)
{
	uint32_t cp;
	size_t n;

	*adv = 1;
	if (s[0] < 0x80) {
		switch (s[0]) {
		case '\n': return (size_t)snprintf(out, 8, "\\n");
		case '\r': return (size_t)snprintf(out, 8, "\\r");
		case '\t': return (size_t)snprintf(out, 8, "\\t");
		case '\\': return (size_t)snprintf(out, 8, "\\\\");
		}
		if (s[0] < 0x20 || s[0] == 0x7f)
			return (size_t)snprintf(out, 8, "\\x%02x", s[0]);
		out[0] = (char)s[0];
		out[1] = '\0';
		return 1;
	}
	n = utf8_seq(s, &cp);
	if (!n)
		return (size_t)snprintf(out, 8, "\\x%02x", s[0]);
	*adv = n;
	if (hidden_cp(cp))
		return (size_t)snprintf(out, 8, "\\u%04x", (unsigned)cp);
	memcpy(out, s, n);
	out[n] = '\0';
	return n;
}

size_t tx_escape(char *dst, size_t cap, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t need = 0, pos = 0, room, adv, len, i;
	char u[8];

	for (i = 0; p[i]; i += adv)
		need += unit_at(p + i, u, &adv);
	if (!dst || !cap)
		return need;
	/* when it does not all fit, keep room for the "..." that says so */
	room = need < cap ? need : cap >= 4 ? cap - 4 : cap - 1;
	for (i = 0; p[i]; i += adv) {
		len = unit_at(p + i, u, &adv);
		if (pos + len > room)
			break;
		memcpy(dst + pos, u, len);
		pos += len;
	}
	if (need >= cap && cap >= 4) {
		memcpy(dst + pos, "...", 3);
		pos += 3;
	}
	dst[pos] = '\0';
	return need;
}

const char *tx_safe(char *dst, size_t cap, const char *s)
{
	tx_escape(dst, cap, s);
	return dst;
}

/* v with the format, or with "%.3e" when it would take more digits than anyone reads */
static const char *fig(char *dst, size_t cap, const char *fmt, double v, const char *unit)
{
	if (!dst || !cap)
		return dst;
	if (fabs(v) >= 1e15)
		snprintf(dst, cap, "%.3e%s", v, unit);
	else
		snprintf(dst, cap, fmt, v, unit);
	return dst;
}

const char *tx_ms(char *dst, size_t cap, double ms)
{
	if (!isfinite(ms) || ms < 0) {
		if (dst && cap)
			snprintf(dst, cap, "n/a");
		return dst;
	}
	return fig(dst, cap, "%.3f%s", jw_round3(ms), "");
}

const char *tx_mib(char *dst, size_t cap, double mib)
{
	return tx_ms(dst, cap, mib);	/* the same rule, another unit */
}

uint64_t tx_kb_up(uint64_t bytes)
{
	return bytes / 1024 + (bytes % 1024 ? 1 : 0);
}

const char *tx_size(char *dst, size_t cap, uint64_t bytes)
{
	if (dst && cap)
		snprintf(dst, cap, "%llu KB (%llu bytes)", (unsigned long long)tx_kb_up(bytes),
			 (unsigned long long)bytes);
	return dst;
}

const char *tx_pct(char *dst, size_t cap, double pct)
{
	if (!isfinite(pct)) {
		if (dst && cap)
			snprintf(dst, cap, "n/a");
		return dst;
	}
	return fig(dst, cap, "%.1f%s", pct, "%");
}

const char *tx_change(char *dst, size_t cap, double pct)
{
	if (!isfinite(pct)) {
		if (dst && cap)
			snprintf(dst, cap, "n/a");
		return dst;
	}
	return fig(dst, cap, "%+.1f%s", pct, "%");
}
