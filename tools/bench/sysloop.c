/*
 * sysloop: what one system call costs this process, in ns: getppid() (no work in the
 * kernel) or a 1-byte write() to /dev/null, N times in a tight loop, 5 rounds; prints
 * the median round's ns per call. Run it with nothing attached, with empty programs on
 * the raw_syscalls tracepoints (attach + empty.bpf.o) and with the profiler attached,
 * to see what the attach point itself costs every process on the host.
 *
 *   sysloop N getppid|write
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	double r[5];
	long n;
	int fd = -1;
	bool wr;

	if (argc != 3 || (n = atol(argv[1])) <= 0 ||
	    (strcmp(argv[2], "getppid") && strcmp(argv[2], "write"))) {
		fprintf(stderr, "usage: sysloop N getppid|write\n");
		return 2;
	}
	wr = !strcmp(argv[2], "write");
	if (wr && (fd = open("/dev/null", O_WRONLY)) < 0) {
		perror("sysloop: /dev/null");
		return 1;
	}
	for (int k = 0; k < 5; k++) {
		double t0 = now_ns();

		for (long i = 0; i < n; i++) {
			if (wr)
				(void)!write(fd, "x", 1);
			else
				syscall(SYS_getppid);
		}
		r[k] = (now_ns() - t0) / (double)n;
	}
	qsort(r, 5, sizeof(r[0]), cmp);
	printf("%.1f\n", r[2]);
	return 0;
}
