/*
 * exec_wrap: a bootstrap that runs another bootstrap of the same folder, so
 * that the observer-overhead benchmark can put a userspace tracer around a
 * cold start (the profiler starts a bootstrap by path, without arguments).
 * What to do comes from its own file name:
 *   exec-REAL          execv(REAL): the wrapper's own cost, as a control
 *   strace-REAL        strace -f -e trace=network,process -o /dev/null REAL
 *   straceseccomp-REAL the same with --seccomp-bpf (only those syscalls stop)
 * REAL is looked up in the folder of /proc/self/exe.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define STRACE "/usr/bin/strace"

int main(void)
{
	char self[PATH_MAX], real[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *base, *dash;

	if (n <= 0) {
		perror("exec_wrap: /proc/self/exe");
		return 127;
	}
	self[n] = '\0';
	base = strrchr(self, '/');
	dash = base ? strchr(base, '-') : NULL;
	if (!base || !dash || !dash[1]) {
		fprintf(stderr, "exec_wrap: name '%s' is not MODE-REAL\n", self);
		return 127;
	}
	*base = '\0';
	if ((size_t)snprintf(real, sizeof(real), "%s/%s", self, dash + 1) >= sizeof(real))
		return 127;
	*dash = '\0';
	if (!strcmp(base + 1, "exec")) {
		char *const argv[] = { real, NULL };

		execv(real, argv);
	} else if (!strcmp(base + 1, "strace")) {
		char *const argv[] = { "strace", "-f", "-e", "trace=network,process", "-o",
				       "/dev/null", real, NULL };

		execv(STRACE, argv);
	} else if (!strcmp(base + 1, "straceseccomp")) {
		char *const argv[] = { "strace", "-f", "--seccomp-bpf", "-e", "trace=network,process",
				       "-o", "/dev/null", real, NULL };

		execv(STRACE, argv);
	} else {
		fprintf(stderr, "exec_wrap: unknown mode '%s'\n", base + 1);
		return 127;
	}
	fprintf(stderr, "exec_wrap: exec: %s\n", strerror(errno));
	return 127;
}
