/*
 * Text for people: figures with their unit, and untrusted strings made safe for a terminal.
 *
 * Untrusted text is anything the profiler did not write itself: names and paths from results
 * and baseline files, what a bootstrap sends (its error types and messages), strings inside an
 * inspected ELF file or #! line, paths. Printed raw, such text could recolour or clear the
 * terminal, move the cursor, or start a new line that looks like one of the report's own.
 * tx_escape() writes it with every character a terminal acts on made visible:
 *   \n \r \t   newline, carriage return, tab
 *   \\         the backslash itself, so that an escape in the output always stands for a byte
 *   \xNN       the other C0 controls (ESC is \x1b), DEL (\x7f), and each byte that is not part
 *              of valid UTF-8 (a lone C1 byte such as 0x9b, a CSI to 8-bit terminals, is one)
 *   \uNNNN     C1 controls written in UTF-8 (U+0080..U+009F), the line and paragraph
 *              separators (U+2028, U+2029) and the bidirectional controls (U+202A..U+202E,
 *              U+2066..U+2069), which reorder what is shown
 * Everything else of valid UTF-8 is kept as it is (a name in any script). Overlong forms,
 * UTF-16 surrogates and code points above U+10FFFF are not valid UTF-8: their bytes are escaped.
 *
 * Figures: milliseconds with three decimals, rounded by the rule of jsonw.h (jw_round3), so
 * the text and the JSON of one figure agree; "n/a" when a figure is unavailable (negative or
 * non-finite), as in JSON's null.
 *
 * Each function writing into dst (cap bytes) returns dst, always NUL-terminated when cap > 0.
 * The TX_* macros give each call a buffer of its own (a compound literal, which lives until
 * the end of the enclosing block), for use as printf arguments:
 *   printf("%s: %s ms\n", TX_SAFE(name), TX_MS(mean));
 */
#ifndef TEXTOUT_H
#define TEXTOUT_H
#include <stddef.h>
#include <stdint.h>

/* Room for the escape of an n-byte string: a byte becomes at most 4 ("\x1b"). */
#define TX_ESC_SIZE(n)	(4 * (size_t)(n) + 1)

/* s escaped into dst. When the escape does not fit, dst holds the whole characters and
 * escapes that fit followed by "..." (cap >= 4), never part of one. Returns the length of the
 * whole escape (as snprintf does): cap or more means dst was cut. NULL s is "". */
size_t tx_escape(char *dst, size_t cap, const char *s);
const char *tx_safe(char *dst, size_t cap, const char *s);

/* "2.045" (ms, three decimals: jw_round3's value), or "n/a". A figure of 1e15 ms or more
 * (thirty thousand years) is written as "%.3e", not as hundreds of digits. */
const char *tx_ms(char *dst, size_t cap, double ms);
/* MiB (lambda-perf's mu, "MB") the same way: three decimals, or "n/a". */
const char *tx_mib(char *dst, size_t cap, double mib);
/* Bytes in whole KB (1024 bytes), rounded up: a file of 1 byte takes 1 KB. */
uint64_t tx_kb_up(uint64_t bytes);
/* "12 KB (12288 bytes)": tx_kb_up's KB and the exact count. */
const char *tx_size(char *dst, size_t cap, uint64_t bytes);
/* "12.3%", or "n/a" when not finite. */
const char *tx_pct(char *dst, size_t cap, double pct);
/* A change: "+12.3%", "-0.4%", or "n/a" when not finite. */
const char *tx_change(char *dst, size_t cap, double pct);

#define TX_SAFE_CAP	4096
#define TX_SAFE(s)	tx_safe((char[TX_SAFE_CAP]){ 0 }, TX_SAFE_CAP, (s))
#define TX_MS(v)	tx_ms((char[48]){ 0 }, 48, (v))
#define TX_MIB(v)	tx_mib((char[48]){ 0 }, 48, (v))
#define TX_SIZE(b)	tx_size((char[64]){ 0 }, 64, (b))
#define TX_PCT(v)	tx_pct((char[48]){ 0 }, 48, (v))
#define TX_CHANGE(v)	tx_change((char[48]){ 0 }, 48, (v))
#endif
