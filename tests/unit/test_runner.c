/* Unit tests of src/runner.c: who the bootstrap runs as, and the fds it never gets. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
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

static int pick(uid_t euid, const char *su, const char *sg, const char *name, bool as_root,
		struct run_as *u, char *err)
{
	err[0] = '\0';
	return runner_pick_user_from(euid, su, sg, name, as_root, u, err, 256);
}

static void test_root_needs_run_as_root(void **state)
{
	struct run_as u;
	char err[256];

	(void)state;
	/* --user root alone: refused, saying how to mean it */
	assert_int_equal(pick(0, NULL, NULL, "root", false, &u, err), -1);
	assert_non_null(strstr(err, "--user root is uid 0"));
	assert_non_null(strstr(err, "add --run-as-root"));
	assert_null(strchr(err, '\n'));
	/* ... under sudo as well */
	assert_int_equal(pick(0, "1000", "1000", "root", false, &u, err), -1);
	/* with --run-as-root: root, and a drop to uid 0 (no supplementary groups) */
	assert_int_equal(pick(0, NULL, NULL, "root", true, &u, err), 0);
	assert_int_equal(u.uid, 0);
	assert_int_equal(u.gid, 0);
	assert_string_equal(u.name, "root");
	/* --run-as-root alone: no drop, the profiler's own user */
	assert_int_equal(pick(0, NULL, NULL, NULL, true, &u, err), 1);
	assert_int_equal(pick(0, "1000", "1000", NULL, true, &u, err), 1);
}

static void test_other_users(void **state)
{
	struct passwd *pw = getpwnam("nobody");
	struct run_as u;
	char err[256];

	(void)state;
	assert_non_null(pw);
	assert_int_equal(pick(0, NULL, NULL, "nobody", false, &u, err), 0);
	assert_int_equal(u.uid, pw->pw_uid);
	assert_int_equal(u.gid, pw->pw_gid);
	assert_string_equal(u.name, "nobody");
	/* another user and --run-as-root: a contradiction, not a choice of one */
	assert_int_equal(pick(0, NULL, NULL, "nobody", true, &u, err), -1);
	assert_non_null(strstr(err, "--user nobody is not root"));
	assert_non_null(strstr(err, "--run-as-root contradicts it"));
	assert_int_equal(pick(0, NULL, NULL, "no-such-user-xyz", false, &u, err), -1);
	assert_string_equal(err, "--user no-such-user-xyz: no such user");
}

static void test_defaults(void **state)
{
	struct passwd *pw = getpwnam("nobody");
	struct run_as u;
	char err[256];

	(void)state;
	assert_non_null(pw);
	/* root without a choice: the sudo caller */
	assert_int_equal(pick(0, "4321", "4322", NULL, false, &u, err), 0);
	assert_int_equal(u.uid, 4321);
	assert_int_equal(u.gid, 4322);
	/* ... never root, even when sudo says the caller was root */
	assert_int_equal(pick(0, "0", "0", NULL, false, &u, err), 0);
	assert_int_equal(u.uid, pw->pw_uid);
	assert_string_equal(u.name, "nobody");
	/* a SUDO_UID that is no number: nobody */
	assert_int_equal(pick(0, "12x", "0", NULL, false, &u, err), 0);
	assert_int_equal(u.uid, pw->pw_uid);
	assert_int_equal(pick(0, "", "", NULL, false, &u, err), 0);
	assert_int_equal(u.uid, pw->pw_uid);
	/* root without sudo: nobody */
	assert_int_equal(pick(0, NULL, NULL, NULL, false, &u, err), 0);
	assert_int_equal(u.uid, pw->pw_uid);
	/* a profiler that is not root cannot switch: no drop */
	assert_int_equal(pick(1000, "4321", "4322", NULL, false, &u, err), 1);
}

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

static const char *env_get(char **env, const char *key)
{
	size_t k = strlen(key);

	for (size_t i = 0; env[i]; i++)
		if (!strncmp(env[i], key, k) && env[i][k] == '=')
			return env[i] + k + 1;
	return NULL;
}

static size_t env_count(char **env, const char *key)
{
	size_t n = 0, k = strlen(key);

	for (size_t i = 0; env[i]; i++)
		n += !strncmp(env[i], key, k) && env[i][k] == '=';
	return n;
}

/* Lambda's variables, the handler, and the function's own on top of the defaults. */
static void test_build_env(void **state)
{
	char *extra[] = { "TABLE=t1", "TZ=Europe/Paris", "PATH=/opt/mine/bin", "TZX=kept", NULL };
	char **env;

	(void)state;
	env = runner_build_env("127.0.0.1:9001", "/var/task", "fn", 512, NULL, NULL);
	assert_non_null(env);
	assert_string_equal(env_get(env, "_HANDLER"), "handler");	/* the default */
	assert_string_equal(env_get(env, "AWS_LAMBDA_RUNTIME_API"), "127.0.0.1:9001");
	assert_string_equal(env_get(env, "LAMBDA_TASK_ROOT"), "/var/task");
	assert_string_equal(env_get(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), "512");
	assert_string_equal(env_get(env, "TZ"), ":UTC");
	assert_null(env_get(env, "TABLE"));
	runner_free_env(env);

	env = runner_build_env("127.0.0.1:9001", "/var/task", "fn", 512, "index.handler", extra);
	assert_non_null(env);
	assert_string_equal(env_get(env, "_HANDLER"), "index.handler");
	assert_string_equal(env_get(env, "TABLE"), "t1");
	/* a default the function sets is replaced, not doubled */
	assert_string_equal(env_get(env, "TZ"), "Europe/Paris");
	assert_int_equal(env_count(env, "TZ"), 1);
	assert_string_equal(env_get(env, "PATH"), "/opt/mine/bin");
	assert_int_equal(env_count(env, "PATH"), 1);
	/* a key that only starts like a default's is its own */
	assert_string_equal(env_get(env, "TZX"), "kept");
	assert_string_equal(env_get(env, "LANG"), "en_US.UTF-8");
	runner_free_env(env);
}

/* Lowering RLIMIT_NOFILE, soft and hard, is allowed to anyone: the probe says so. */
static void test_probe_nofile(void **state)
{
	(void)state;
	assert_int_equal(runner_probe_nofile(64), 0);
}

static bool zombie(pid_t pid)
{
	siginfo_t si = { 0 };

	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

/* A child another call reaped is still known to have exited, with its status. */
static void test_exited_kept(void **state)
{
	pid_t a, b;
	int st = 0;

	(void)state;
	a = fork();
	if (a == 0)
		_exit(7);
	b = fork();
	if (b == 0)
		_exit(0);
	assert_true(a > 0 && b > 0);
	/* wait for both to be zombies, then reap asking for b: a goes to the kept exits */
	while (!zombie(a) || !zombie(b))
		usleep(1000);
	assert_int_equal(runner_reap(b, &st), 1);
	assert_int_equal(runner_exited(a, &st), 1);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 7);
	assert_int_equal(runner_exited(getpid(), &st), 0);	/* not a child, never exited */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_needs_run_as_root),
		cmocka_unit_test(test_build_env),
		cmocka_unit_test(test_probe_nofile),
		cmocka_unit_test(test_other_users),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_close_fds),
		cmocka_unit_test(test_exited_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
