/*
 * ticker [SECONDS]: call getppid() every 100 us for SECONDS (default 30), as
 * a process named "ticker". bpftrace scripts in tools/bench/ end with a probe
 * on it that tells when all their probes are attached (see trace.bt).
 */
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 30;
	struct timespec d = { .tv_sec = 0, .tv_nsec = 100000 };
	long i, n = (long)(secs * 10000);

	for (i = 0; i < n; i++) {
		syscall(SYS_getppid);
		nanosleep(&d, NULL);
	}
	return 0;
}
