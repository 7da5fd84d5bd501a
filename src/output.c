/* What a command writes for whoever runs it (output.h): the JSON mode, documents, errors. */
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textout.h"

static bool json_mode;
static bool document_written;	/* standard output holds the command's document */

void out_scan_args(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc && argv[i]; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--json")) {
			json_mode = true;
			return;
		}
	}
}

void out_set_json(bool on)
{
	json_mode = on;
	document_written = false;
}

bool out_json(void)
{
	return json_mode;
}

char *out_error_json(const char *msg, int status)
{
	struct jw w = { 0 };
	cJSON *root = jw_root(&w), *e;

	e = jw_obj(&w, root, "error");
	jw_str(&w, e, "message", msg ? msg : "");
	jw_int(&w, e, "exit_status", status);
	return jw_text(&w, root, true);
}

/* The line on standard error, terminal-safe; returns the message (malloc'd) or NULL. */
static char *say(const char *prefix, const char *fmt, va_list ap)
{
	char *msg = NULL, *safe = NULL;
	size_t len;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	len = msg ? strlen(msg) : 0;
	safe = msg ? malloc(TX_ESC_SIZE(len)) : NULL;
	if (safe)
		tx_escape(safe, TX_ESC_SIZE(len), msg);
	fprintf(stderr, "%s%s\n", prefix, safe ? safe : "out of memory (reporting an error)");
	fflush(stderr);
	free(safe);
	return msg;
}

static int report(int status, const char *prefix, const char *fmt, va_list ap)
{
	char *msg = say(prefix, fmt, ap), *doc;

	if (json_mode && !document_written && msg) {
		doc = out_error_json(msg, status);
		if (doc) {
			fputs(doc, stdout);
			fflush(stdout);
			document_written = true;
			free(doc);
		}
	}
	free(msg);
	return status;
}

void out_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(say("profiler: warning: ", fmt, ap));
	va_end(ap);
}

void out_records_started(void)
{
	document_written = true;
}

int out_verror(int status, const char *fmt, va_list ap)
{
	return report(status, "profiler: ", fmt, ap);
}

int out_error(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	status = report(status, "profiler: ", fmt, ap);
	va_end(ap);
	return status;
}

int out_error_bare(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	status = report(status, "", fmt, ap);
	va_end(ap);
	return status;
}

int out_document_text(const char *text, int fail_status)
{
	int err = 0;

	if (fputs(text, stdout) == EOF)
		err = errno;
	if (fflush(stdout) == EOF && !err)
		err = errno;
	/* even cut short, what went out is the command's document: no second one after it */
	document_written = true;
	if (err) {
		out_error(fail_status, "cannot write to standard output: %s", strerror(err));
		return -1;
	}
	return 0;
}

int out_document(struct jw *w, cJSON *root, int fail_status)
{
	char *text = jw_text(w, root, true);
	int ret;

	if (!text) {
		out_error(fail_status, "out of memory");
		return -1;
	}
	ret = out_document_text(text, fail_status);
	free(text);
	return ret;
}
