/*
 * fds: reports the file descriptors it was started with (each one open in /proc/self/fd and
 * what it points to), tries to read fd 9 and to write fd 8 (where a caller's redirections
 * "9<secret 8>>file" would be, were they inherited), then answers as per_request does.
 *   fds: 0 1 2
 *   fd 0 -> /dev/null
 *   fd 9: Bad file descriptor
 *   fd 8: Bad file descriptor
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void report_fds(void)
{
	static const char note[] = "written through an inherited fd\n";
	char list[4096] = "", path[64], target[PATH_MAX], buf[256];
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	ssize_t n;

	if (!d) {
		printf("fds: cannot open /proc/self/fd: %s\n", strerror(errno));
	} else {
		/* readdir's order is the fd table's: ascending */
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
				continue;
			snprintf(list + strlen(list), sizeof(list) - strlen(list), " %s", e->d_name);
			snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
			n = readlink(path, target, sizeof(target) - 1);
			target[n > 0 ? n : 0] = '\0';
			printf("fd %s -> %s\n", e->d_name, target);
		}
		closedir(d);
		printf("fds:%s\n", list);
	}
	n = read(9, buf, sizeof(buf) - 1);
	if (n >= 0)
		printf("fd 9: read %zd bytes: %.*s\n", n, (int)n, buf);
	else
		printf("fd 9: %s\n", strerror(errno));
	n = write(8, note, sizeof(note) - 1);
	printf("fd 8: %s\n", n >= 0 ? "written" : strerror(errno));
	fflush(stdout);
}

#include "per_request.c"
