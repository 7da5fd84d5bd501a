/*
 * The first time it runs, opens about 1100 idle connections to the Runtime API (as many as
 * its descriptor limit allows) and holds them; every later time it is the keepalive bootstrap
 * of the same folder. The first cold start must fail with its own reason (too many
 * connections at once) and the next one must start clean. Its state: a file "flooded" in the
 * folder "state" next to it (which the bootstrap's user can write).
 */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sys/resource.h>

#include "rapi_client.h"

#define PROG "conn_flood"
#define WANT 1100

int main(int argc, char **argv)
{
	char dir[PATH_MAX], mark[PATH_MAX + 16], next[PATH_MAX + 16];
	struct rapi_endpoint ep;
	struct rlimit rl;
	int fd, n = 0, want = WANT;

	(void)argc;
	snprintf(dir, sizeof(dir), "%s", argv[0]);
	snprintf(mark, sizeof(mark), "%s/state/flooded", dirname(dir));
	snprintf(next, sizeof(next), "%s/keepalive", dir);
	fd = open(mark, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		execv(next, (char *[]){ next, NULL });
		fprintf(stderr, PROG ": exec %s: %s\n", next, strerror(errno));
		return 1;
	}
	close(fd);
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)WANT + 16)
		want = (int)rl.rlim_cur - 16;
	rapi_endpoint_from_env(PROG, &ep);
	for (n = 0; n < want; n++) {
		fd = socket(ep.addr.ss_family, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&ep.addr, ep.addrlen))
			break;
	}
	fprintf(stderr, PROG ": holding %d idle connections\n", n);
	for (;;)
		pause();
}
