/* Subcommands (one file each) and what they share. */
#ifndef CMD_H
#define CMD_H
#include <getopt.h>
#include <stdio.h>

/* Exit statuses shared by every subcommand. */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* the run completed but something measured failed / a gate was missed */
	EXIT_USAGE = 2,		/* bad usage or bad input; nothing was started */
	EXIT_ENV = 3,		/* tracing unavailable here (privileges, BTF) */
	EXIT_INTERRUPTED = 130,
};

int cmd_benchmark(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_memory(int argc, char **argv);
int cmd_trace(int argc, char **argv);

/* "unknown option 'X' for CMD (did you mean '--Y'?)": the closest long option by edit
 * distance, when one is close. Returns EXIT_USAGE. */
int err_unknown_option(const char *cmd, const char *arg, const struct option *longopts);
/* The closest of names[] (n of them) to word, or NULL if none is close (pure). */
const char *closest_name(const char *word, const char *const *names, size_t n);

/* out_error(EXIT_USAGE, ...) (output.h): "profiler: MSG" on stderr, and the error object on
 * stdout under --json. Returns EXIT_USAGE. */
int err_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
