/* \summary: helpers for tests against the OpenStack lab (tests/lab/openstack)
 */
#include "os_lab.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vx_str.h"
#include "vx_time.h"

extern char **environ;

static char *
env_dup(const char *name)
{
    const char *v = getenv(name); /* NOLINT(concurrency-mt-unsafe) */

    return v != NULL && v[0] != '\0' ? strdup(v) : NULL;
}

bool
os_lab_creds_from_env(struct vmtp_os_creds *c)
{
    vmtp_os_creds_init(c);
    c->auth_url = env_dup("OS_AUTH_URL");
    c->username = env_dup("OS_USERNAME");
    c->password = env_dup("OS_PASSWORD");
    c->project_name = env_dup("OS_PROJECT_NAME");
    c->user_domain_name = env_dup("OS_USER_DOMAIN_NAME");
    c->project_domain_name = env_dup("OS_PROJECT_DOMAIN_NAME");
    c->region_name = env_dup("OS_REGION_NAME");
    c->interface = env_dup("OS_INTERFACE");
    return c->auth_url != NULL;
}

static void
log_stderr(void *ud, enum vmtp_log_level lvl, const char *func, const char *msg)
{
    static uint64_t t0;
    uint64_t now = vx_now_us();

    (void)ud;
    if (t0 == 0) {
        t0 = now;
    }
    (void)fprintf(stderr, "%8.3f [%d] %s: %s\n", (double)(now - t0) / 1e6,
                  (int)lvl, func, msg);
}

struct vmtp_ctx *
os_lab_ctx_new(void)
{
    struct vmtp_ctx *ctx = vmtp_ctx_new();
    const char *lv = getenv("VMTP_TEST_LOG"); /* NOLINT */
    const char *e = NULL;
    long long level = VMTP_LOG_WARN;

    if (lv != NULL) {
        level = vx_strtonum(lv, 0, 4, &e);
        if (e != NULL) {
            level = VMTP_LOG_WARN;
        }
    }
    if (ctx != NULL) {
        vmtp_ctx_set_log(ctx, log_stderr, NULL, (enum vmtp_log_level)level);
    }
    return ctx;
}

int
os_lab_run(const char *const *argv, int timeout_s)
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int status = 0;
    time_t end = time(NULL) + timeout_s;

    (void)posix_spawn_file_actions_init(&fa);
    (void)posix_spawn_file_actions_adddup2(&fa, 2, 1);
    if (posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)(uintptr_t)argv,
                     environ) != 0) {
        (void)posix_spawn_file_actions_destroy(&fa);
        return -1;
    }
    (void)posix_spawn_file_actions_destroy(&fa);
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid) {
            break;
        }
        if (r < 0 && errno != EINTR) {
            return -1;
        }
        if (time(NULL) > end) {
            (void)kill(pid, SIGKILL);
            (void)waitpid(pid, &status, 0);
            return -1;
        }
        (void)usleep(50000);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

pid_t
os_lab_spawn_pipe(const char *const *argv, int *out_fd)
{
    posix_spawn_file_actions_t fa;
    int p[2];
    pid_t pid = -1;

    if (pipe(p) != 0) {
        return -1;
    }
    (void)posix_spawn_file_actions_init(&fa);
    (void)posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    (void)posix_spawn_file_actions_addclose(&fa, p[0]);
    if (posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)(uintptr_t)argv,
                     environ) != 0) {
        pid = -1;
    }
    (void)posix_spawn_file_actions_destroy(&fa);
    (void)close(p[1]);
    if (pid < 0) {
        (void)close(p[0]);
        return -1;
    }
    *out_fd = p[0];
    return pid;
}

char *
os_lab_tmpdir(void)
{
    char tmpl[] = "/tmp/vt-os-XXXXXX";

    if (mkdtemp(tmpl) == NULL) {
        return NULL;
    }
    return strdup(tmpl);
}

void
os_lab_rmrf(const char *dir)
{
    const char *argv[] = {"rm", "-rf", "--", dir, NULL};

    if (dir != NULL && strncmp(dir, "/tmp/vt-os-", 11) == 0) {
        (void)os_lab_run(argv, 30);
    }
}

void
os_lab_age_ledger(const char *state_dir, const char *run_id)
{
    char path[512];
    struct timespec t[2];

    if (clock_gettime(CLOCK_REALTIME, &t[0]) != 0) {
        return;
    }
    t[0].tv_sec -= 200;
    t[1] = t[0];
    (void)snprintf(path, sizeof(path), "%s/ledger/%s.log", state_dir, run_id);
    (void)utimensat(AT_FDCWD, path, t, 0);
}
