/* \summary: unit tests of the local executor with real child processes */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec_local.h"
#include "vmtp_test.h"

static int
setup(void **state)
{
    struct vmtp_executor *ex = NULL;

    if (vmtp_exec_local_new(NULL, &ex, NULL) != VMTP_OK) {
        return -1;
    }
    *state = ex;
    return 0;
}

static int
teardown(void **state)
{
    struct vmtp_executor *ex = *state;

    ex->ops->kill_all(ex);
    ex->ops->free(ex);
    return 0;
}

static void
test_exec_local_captures_stdout_stderr_and_status(void **state)
{
    struct vmtp_executor *ex = *state;
    const char *argv[] = {"sh", "-c", "echo out; echo err >&2; exit 3", NULL};
    struct vmtp_exec_result r;

    assert_int_equal(ex->ops->run(ex, argv, 10000, &r, NULL), VMTP_OK);
    assert_string_equal(r.out, "out\n");
    assert_string_equal(r.err, "err\n");
    assert_int_equal(r.exit_status, 3);
    assert_false(r.truncated);
    vmtp_exec_result_release(&r);
}

static void
test_exec_local_arguments_are_not_shell_parsed(void **state)
{
    struct vmtp_executor *ex = *state;
    const char *argv[] = {"printf",       "%s|",   "a b",
                          "eth0;touch x", "$HOME", NULL};
    struct vmtp_exec_result r;

    assert_int_equal(ex->ops->run(ex, argv, 10000, &r, NULL), VMTP_OK);
    assert_string_equal(r.out, "a b|eth0;touch x|$HOME|");
    vmtp_exec_result_release(&r);
}

static void
test_exec_local_signal_exit_is_128_plus_signal(void **state)
{
    struct vmtp_executor *ex = *state;
    const char *argv[] = {"sh", "-c", "kill -9 $$", NULL};
    struct vmtp_exec_result r;

    assert_int_equal(ex->ops->run(ex, argv, 10000, &r, NULL), VMTP_OK);
    assert_int_equal(r.exit_status, 128 + SIGKILL);
    vmtp_exec_result_release(&r);
}

static void
test_exec_local_missing_binary_is_sys_error(void **state)
{
    struct vmtp_executor *ex = *state;
    const char *argv[] = {"/nonexistent/vt-drv-tool", NULL};
    struct vmtp_exec_result r;
    struct vmtp_error e = {0};

    assert_int_equal(ex->ops->run(ex, argv, 10000, &r, &e), VMTP_E_SYS);
    assert_int_equal(e.sys_errno, ENOENT);
    assert_non_null(strstr(e.msg, "vt-drv-tool"));
}

static bool
gone(long pid)
{
    char path[64];
    char buf[512];
    FILE *f;
    bool zombie = false;

    (void)snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    f = fopen(path, "r");
    if (f == NULL) {
        return true;
    }
    if (fgets(buf, sizeof(buf), f) != NULL) {
        const char *p = strrchr(buf, ')');
        zombie = p != NULL && (p[2] == 'Z' || p[2] == 'X');
    }
    (void)fclose(f);
    return zombie;
}

static void
test_exec_local_timeout_kills_the_process_group(void **state)
{
    struct vmtp_executor *ex = *state;
    const char *argv[] = {"sh", "-c", "sleep 30 & echo $!; wait", NULL};
    struct vmtp_exec_result r = {0};
    struct vmtp_error e = {0};
    long bg;
    int tries;

    assert_int_equal(ex->ops->run(ex, argv, 500, &r, &e), VMTP_E_TIMEOUT);
    assert_non_null(strstr(e.msg, "timed out"));
    /* the output read before the timeout is kept */
    assert_non_null(r.out);
    bg = strtol(r.out, NULL, 10);
    assert_true(bg > 1);
    vmtp_exec_result_release(&r);
    for (tries = 0; tries < 100 && !gone(bg); tries++) {
        usleep(20000);
    }
    assert_true(gone(bg));
}

static void
test_exec_local_leftover_children_are_stopped(void **state)
{
    struct vmtp_executor *ex = *state;
    const char *argv[] = {"sh", "-c", "sleep 30 & echo $!", NULL};
    struct vmtp_exec_result r = {0};
    long bg;
    int tries;

    assert_int_equal(ex->ops->run(ex, argv, 10000, &r, NULL), VMTP_OK);
    assert_int_equal(r.exit_status, 0);
    bg = strtol(r.out, NULL, 10);
    assert_true(bg > 1);
    vmtp_exec_result_release(&r);
    for (tries = 0; tries < 100 && !gone(bg); tries++) {
        usleep(20000);
    }
    assert_true(gone(bg));
}

static void
test_exec_local_output_is_capped(void **state)
{
    struct vmtp_executor *ex = *state;
    const char *argv[] = {"head", "-c", "3000000", "/dev/zero", NULL};
    struct vmtp_exec_result r;

    assert_int_equal(ex->ops->run(ex, argv, 20000, &r, NULL), VMTP_OK);
    assert_true(r.truncated);
    assert_int_equal(r.exit_status, 0);
    vmtp_exec_result_release(&r);
}

static void
test_exec_local_cancel_stops_a_run(void **state)
{
    atomic_int cancel = 1;
    struct vmtp_exec_local_opts o = {.cancel = &cancel};
    struct vmtp_executor *ex = NULL;
    const char *argv[] = {"sleep", "30", NULL};
    struct vmtp_exec_result r = {0};

    (void)state;
    assert_int_equal(vmtp_exec_local_new(&o, &ex, NULL), VMTP_OK);
    assert_int_equal(ex->ops->run(ex, argv, 60000, &r, NULL), VMTP_E_CANCELLED);
    vmtp_exec_result_release(&r);
    ex->ops->free(ex);
}

static void
test_exec_local_spawn_and_kill_by_pid(void **state)
{
    struct vmtp_executor *ex = *state;
    const char *argv[] = {"sleep", "30", NULL};
    long pid = 0;
    long pid2 = 0;
    struct vmtp_error e = {0};

    assert_int_equal(ex->ops->spawn(ex, argv, &pid, NULL), VMTP_OK);
    assert_int_equal(ex->ops->spawn(ex, argv, &pid2, NULL), VMTP_OK);
    assert_true(pid > 1 && pid2 > 1 && pid != pid2);
    assert_false(gone(pid));
    assert_int_equal(ex->ops->kill(ex, pid, NULL), VMTP_OK);
    assert_true(gone(pid));
    assert_false(gone(pid2));
    /* a pid this executor did not start is refused, not killed */
    assert_int_equal(ex->ops->kill(ex, (long)getpid(), &e), VMTP_E_INVAL);
    ex->ops->kill_all(ex);
    assert_true(gone(pid2));
}

static void
test_exec_local_upload_copies_into_private_dir(void **state)
{
    struct vmtp_executor *ex = *state;
    char src[] = "/tmp/vt-drv-upXXXXXX";
    char *dst = NULL;
    struct stat sb;
    char dir[512];
    int fd = mkstemp(src);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, "#!/bin/sh\necho hi\n", 18), 18);
    assert_int_equal(close(fd), 0);
    assert_int_equal(ex->ops->upload(ex, src, &dst, NULL), VMTP_OK);
    assert_non_null(dst);
    assert_int_equal(stat(dst, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0755);
    assert_int_equal(sb.st_size, 18);
    (void)snprintf(dir, sizeof(dir), "%s", dst);
    *strrchr(dir, '/') = '\0';
    assert_int_equal(stat(dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    {
        const char *argv[] = {dst, NULL};
        struct vmtp_exec_result r;
        assert_int_equal(ex->ops->run(ex, argv, 10000, &r, NULL), VMTP_OK);
        assert_string_equal(r.out, "hi\n");
        vmtp_exec_result_release(&r);
    }
    ex->ops->kill_all(ex);
    assert_int_equal(stat(dir, &sb), -1);
    free(dst);
    (void)unlink(src);
}

static void
test_exec_local_rejects_bad_netns_name(void **state)
{
    struct vmtp_exec_local_opts o = {.netns = "a;b"};
    struct vmtp_executor *ex = NULL;
    struct vmtp_error e = {0};

    (void)state;
    assert_int_equal(vmtp_exec_local_new(&o, &ex, &e), VMTP_E_INVAL);
    assert_null(ex);
    o.netns = "../x";
    assert_int_equal(vmtp_exec_local_new(&o, &ex, &e), VMTP_E_INVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(
                    test_exec_local_captures_stdout_stderr_and_status, setup,
                    teardown),
            cmocka_unit_test_setup_teardown(
                    test_exec_local_arguments_are_not_shell_parsed, setup,
                    teardown),
            cmocka_unit_test_setup_teardown(
                    test_exec_local_signal_exit_is_128_plus_signal, setup,
                    teardown),
            cmocka_unit_test_setup_teardown(
                    test_exec_local_missing_binary_is_sys_error, setup,
                    teardown),
            cmocka_unit_test_setup_teardown(
                    test_exec_local_timeout_kills_the_process_group, setup,
                    teardown),
            cmocka_unit_test_setup_teardown(
                    test_exec_local_leftover_children_are_stopped, setup,
                    teardown),
            cmocka_unit_test_setup_teardown(test_exec_local_output_is_capped,
                                            setup, teardown),
            cmocka_unit_test(test_exec_local_cancel_stops_a_run),
            cmocka_unit_test_setup_teardown(
                    test_exec_local_spawn_and_kill_by_pid, setup, teardown),
            cmocka_unit_test_setup_teardown(
                    test_exec_local_upload_copies_into_private_dir, setup,
                    teardown),
            cmocka_unit_test(test_exec_local_rejects_bad_netns_name),
    };
    return cmocka_run_group_tests_name("exec_local", tests, NULL, NULL);
}
