/* Unit tests of src/runner.c: the fds the bootstrap never gets. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "runner.h"

/* In a child: fds 5, 9 and 700 open without O_CLOEXEC; after runner_close_fds only 0..2. */
static int closes_all(bool use_close_range)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDONLY);

		if (fd < 0 || dup2(fd, 5) != 5 || dup2(fd, 9) != 9 || dup2(fd, 700) != 700)
			_exit(10);
		runner_close_fds(use_close_range);
		for (int i = 3; i < 1024; i++)
			if (fcntl(i, F_GETFD) != -1 || errno != EBADF)
				_exit(11);
		for (int i = 0; i < 3; i++)
			if (fcntl(i, F_GETFD) == -1)
				_exit(12);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void test_close_fds(void **state)
{
	(void)state;
	assert_int_equal(closes_all(true), 0);
	/* the fallback of kernels without close_range: /proc/self/fd */
	assert_int_equal(closes_all(false), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_close_fds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
