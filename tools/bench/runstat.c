/*
 * runstat OUT CMD [ARGS...]: run CMD and append one line to OUT:
 *   t0_ns=<CLOCK_MONOTONIC read in the child right before execvp>
 *   wall_ns=<from t0 to the parent's return from wait4>
 *   cpu_us=<user + system CPU of CMD and every descendant it waited for>
 *   utime_us=... stime_us=... status=<exit code, or 128+signal>
 *   maxrss_kb=<the largest peak RSS of CMD and of each descendant it waited for (ru_maxrss)>
 * CMD's stdin/stdout/stderr are inherited. Exits with CMD's status.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t tv_us(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000ull + (uint64_t)tv.tv_usec;
}

int main(int argc, char **argv)
{
	volatile uint64_t *t0;
	struct rusage ru;
	uint64_t end;
	FILE *out;
	pid_t pid;
	int status, code;

	if (argc < 3) {
		fprintf(stderr, "usage: runstat OUT CMD [ARGS...]\n");
		return 2;
	}
	t0 = mmap(NULL, sizeof(*t0), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t0 == MAP_FAILED) {
		perror("runstat: mmap");
		return 2;
	}
	*t0 = 0;
	pid = fork();
	if (pid < 0) {
		perror("runstat: fork");
		return 2;
	}
	if (pid == 0) {
		*t0 = now_ns();
		execvp(argv[2], argv + 2);
		fprintf(stderr, "runstat: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("runstat: wait4");
			return 2;
		}
	}
	end = now_ns();
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	out = fopen(argv[1], "a");
	if (!out) {
		fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	fprintf(out, "t0_ns=%llu wall_ns=%llu cpu_us=%llu utime_us=%llu stime_us=%llu status=%d "
		"maxrss_kb=%ld\n",
		(unsigned long long)*t0, (unsigned long long)(end - *t0),
		(unsigned long long)(tv_us(ru.ru_utime) + tv_us(ru.ru_stime)),
		(unsigned long long)tv_us(ru.ru_utime), (unsigned long long)tv_us(ru.ru_stime), code,
		ru.ru_maxrss);
	fclose(out);
	return code;
}
