/* The HTML report's rows of the extensions: each extension of each input, its init next to
 * the runtime's, its part after the response, how its cold starts ended. */
#ifndef HTML_EXTENSIONS_H
#define HTML_EXTENSIONS_H
#include <stddef.h>
#include "svg.h"

/* Append the "Extensions" section; nothing when no input ran one. */
void html_extensions_table(struct strbuf *b, const struct report_input *in, size_t n);
#endif
