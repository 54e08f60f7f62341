/* \summary: the local executor: posix_spawn, bounded pipes, process groups */
#include "exec_local.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_buf.h"
#include "vx_str.h"
#include "vx_time.h"

extern char **environ;

/* How long kill() waits after SIGTERM before SIGKILL. */
#define KILL_GRACE_US ((uint64_t)2 * 1000 * 1000)
/* After the child exits, how long to drain pipes a grandchild holds. */
#define DRAIN_AFTER_EXIT_US ((uint64_t)200 * 1000)
#define POLL_TICK_MS        100
#define NETNS_MAX           64

struct local_impl {
    char netns[NETNS_MAX + 1];
    const atomic_int *cancel;
    const struct vmtp_logger *log;
    pid_t *pids;
    size_t n_pids;
    char **dirs;
    size_t n_dirs;
};

void
vmtp_exec_result_release(struct vmtp_exec_result *r)
{
    if (r == NULL) {
        return;
    }
    VX_FREE(r->out);
    VX_FREE(r->err);
    r->exit_status = 0;
    r->truncated = false;
}

static bool
valid_netns(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > NETNS_MAX || s[0] == '.') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')) {
            return false;
        }
    }
    return true;
}

/* argv with the netns prefix, or argv itself. Free the result with free(). */
static const char **
full_argv(const struct local_impl *li, const char *const *argv)
{
    size_t n = 0;
    size_t pre = li->netns[0] != '\0' ? 4 : 0;
    const char **v;

    while (argv[n] != NULL) {
        n++;
    }
    v = vx_calloc(n + pre + 1, sizeof(*v));
    if (v == NULL) {
        return NULL;
    }
    if (pre > 0) {
        v[0] = "ip";
        v[1] = "netns";
        v[2] = "exec";
        v[3] = li->netns;
    }
    for (size_t i = 0; i < n; i++) {
        v[pre + i] = argv[i];
    }
    return v;
}

static void
log_argv(const struct local_impl *li, const char *what, const char **argv)
{
    struct vx_buf b;

    if (li->log == NULL || li->log->fn == NULL ||
        li->log->max_level < VMTP_LOG_DEBUG) {
        return;
    }
    vx_buf_init(&b, 4096);
    for (size_t i = 0; argv[i] != NULL; i++) {
        if (vx_buf_addf(&b, i == 0 ? "%s" : " %s", argv[i]) != 0) {
            break;
        }
    }
    VLOG(li->log, VMTP_LOG_DEBUG, "%s: %s", what, vx_buf_str(&b));
    vx_buf_release(&b);
}

static int
exit_code(int status)
{
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return 255;
}

/*
 * Start argv with stdout/stderr on the given fds (-1: /dev/null) in a new
 * process group. Returns 0 or an errno value.
 */
static int
start(const char **argv, int out_fd, int err_fd, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none;
    sigset_t all;
    int rc;

    /*
     * Report a missing or non-executable path ourselves: posix_spawnp()
     * cannot when it falls back to fork (under valgrind, for one), and
     * the child then just exits with 127.
     */
    if (strchr(argv[0], '/') != NULL && access(argv[0], X_OK) != 0) {
        return errno;
    }
    rc = posix_spawn_file_actions_init(&fa);
    if (rc != 0) {
        return rc;
    }
    rc = posix_spawnattr_init(&attr);
    if (rc != 0) {
        (void)posix_spawn_file_actions_destroy(&fa);
        return rc;
    }
    (void)sigemptyset(&none);
    (void)sigfillset(&all);
    rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0) {
        rc = out_fd >= 0 ? posix_spawn_file_actions_adddup2(&fa, out_fd, 1)
                         : posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
                                                            O_WRONLY, 0);
    }
    if (rc == 0) {
        rc = err_fd >= 0 ? posix_spawn_file_actions_adddup2(&fa, err_fd, 2)
                         : posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
                                                            O_WRONLY, 0);
    }
    if (rc == 0) {
        rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
                                                     POSIX_SPAWN_SETSIGMASK |
                                                     POSIX_SPAWN_SETSIGDEF);
    }
    if (rc == 0) {
        rc = posix_spawnattr_setpgroup(&attr, 0);
    }
    if (rc == 0) {
        rc = posix_spawnattr_setsigmask(&attr, &none);
    }
    if (rc == 0) {
        rc = posix_spawnattr_setsigdefault(&attr, &all);
    }
    if (rc == 0) {
        char *const *cargv;
        /* posix_spawnp() does not modify argv; its prototype predates const */
        memcpy(&cargv, &argv, sizeof(cargv));
        rc = posix_spawnp(pid, argv[0], &fa, &attr, cargv, environ);
    }
    (void)posix_spawnattr_destroy(&attr);
    (void)posix_spawn_file_actions_destroy(&fa);
    return rc;
}

/* Append what fits under the cap; the rest is read and dropped. */
static void
keep(struct vx_buf *b, const char *data, size_t n, bool *truncated)
{
    size_t room = b->max > b->len ? b->max - b->len : 0;

    if (n > room) {
        *truncated = true;
        n = room;
    }
    if (n > 0 && vx_buf_add(b, data, n) != 0) {
        *truncated = true;
    }
}

/* Kill the group of pid and reap pid. */
static int
kill_and_reap(pid_t pid)
{
    int status = 0;

    (void)kill(-pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

struct run_state {
    int fds[2];
    struct vx_buf bufs[2];
    bool truncated;
};

/* Read whatever is ready on the open pipes; closes a pipe at EOF. */
static void
pump(struct run_state *st, int wait_ms)
{
    struct pollfd p[2];
    nfds_t n = 0;
    int map[2];
    char chunk[16384];

    for (int i = 0; i < 2; i++) {
        if (st->fds[i] >= 0) {
            p[n].fd = st->fds[i];
            p[n].events = POLLIN;
            p[n].revents = 0;
            map[n] = i;
            n++;
        }
    }
    if (n == 0) {
        if (wait_ms > 0) {
            vx_sleep_us((uint64_t)wait_ms * 1000u);
        }
        return;
    }
    if (poll(p, n, wait_ms) <= 0) {
        return;
    }
    for (nfds_t k = 0; k < n; k++) {
        int i = map[k];
        ssize_t got;

        if ((p[k].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
            continue;
        }
        got = read(st->fds[i], chunk, sizeof(chunk));
        if (got > 0) {
            keep(&st->bufs[i], chunk, (size_t)got, &st->truncated);
        } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
            (void)close(st->fds[i]);
            st->fds[i] = -1;
        }
    }
}

static bool
is_cancelled(const struct local_impl *li)
{
    return li->cancel != NULL && atomic_load(li->cancel) != 0;
}

/*
 * Wait for the child while reading its output, until it exits (and its
 * pipes close, or a grandchild keeps them open for DRAIN_AFTER_EXIT_US),
 * the deadline passes or the run is cancelled. Reaps the child and kills
 * what is left of its process group. Sets *status.
 */
static enum vmtp_status
wait_child(const struct local_impl *li,
           struct run_state *st,
           pid_t pid,
           const char *what,
           int timeout_ms,
           int *status,
           struct vmtp_error *err)
{
    uint64_t deadline = vx_now_us() + (uint64_t)timeout_ms * 1000u;
    uint64_t exit_at = 0;
    bool exited = false;
    enum vmtp_status rc = VMTP_OK;

    for (;;) {
        uint64_t now = vx_now_us();
        uint64_t left_ms;
        int tick;

        if (!exited && waitpid(pid, status, WNOHANG) == pid) {
            exited = true;
            exit_at = now;
        }
        if (exited && ((st->fds[0] < 0 && st->fds[1] < 0) ||
                       now - exit_at > DRAIN_AFTER_EXIT_US)) {
            break;
        }
        if (is_cancelled(li)) {
            rc = vmtp_error_set(err, VMTP_E_CANCELLED, "'%s' cancelled", what);
            break;
        }
        if (now >= deadline) {
            rc = vmtp_error_set(err, VMTP_E_TIMEOUT,
                                "'%s' timed out after %d ms", what, timeout_ms);
            break;
        }
        left_ms = (deadline - now) / 1000u + 1u;
        tick = exited ? 20 : POLL_TICK_MS;
        if (left_ms < (uint64_t)tick) {
            tick = (int)left_ms;
        }
        pump(st, tick);
    }
    if (!exited) {
        *status = kill_and_reap(pid);
    } else {
        /* Stop helpers the tool left behind in its group. */
        (void)kill(-pid, SIGKILL);
    }
    return rc;
}

/* Move the captured output into *res ("" when empty). */
static enum vmtp_status
take_output(struct run_state *st,
            struct vmtp_exec_result *res,
            struct vmtp_error *err)
{
    res->truncated = st->truncated;
    res->out = vx_buf_take(&st->bufs[0]);
    res->err = vx_buf_take(&st->bufs[1]);
    if (res->out == NULL) {
        res->out = vx_strdup("");
    }
    if (res->err == NULL) {
        res->err = vx_strdup("");
    }
    if (res->out == NULL || res->err == NULL) {
        vmtp_exec_result_release(res);
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    return VMTP_OK;
}

/*
 * On VMTP_OK, VMTP_E_TIMEOUT and VMTP_E_CANCELLED, *res holds what the
 * command wrote (the caller releases it in every case).
 */
static enum vmtp_status
local_run(struct vmtp_executor *ex,
          const char *const *argv,
          int timeout_ms,
          struct vmtp_exec_result *res,
          struct vmtp_error *err)
{
    struct local_impl *li = ex->impl;
    struct run_state st = {.fds = {-1, -1}, .truncated = false};
    int po[2] = {-1, -1};
    int pe[2] = {-1, -1};
    const char **av = NULL;
    pid_t pid = -1;
    int status = 0;
    enum vmtp_status rc = VMTP_OK;
    enum vmtp_status rc2;
    char eb[128];
    int e;

    memset(res, 0, sizeof(*res));
    vx_buf_init(&st.bufs[0], (size_t)VMTP_EXEC_MAX_OUTPUT);
    vx_buf_init(&st.bufs[1], (size_t)VMTP_EXEC_MAX_OUTPUT);
    if (argv == NULL || argv[0] == NULL || timeout_ms <= 0) {
        rc = vmtp_error_set(err, VMTP_E_INVAL, "empty command or timeout");
        goto out;
    }
    av = full_argv(li, argv);
    if (av == NULL) {
        rc = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        goto out;
    }
    log_argv(li, "run", av);
    if (pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) {
        rc = vmtp_error_set_sys(err, VMTP_E_SYS, errno, "pipe: %s",
                                vx_strerror(errno, eb, sizeof(eb)));
        goto out;
    }
    e = start(av, po[1], pe[1], &pid);
    if (e != 0) {
        rc = vmtp_error_set_sys(err, VMTP_E_SYS, e, "cannot run '%s': %s",
                                av[0], vx_strerror(e, eb, sizeof(eb)));
        goto out;
    }
    (void)close(po[1]);
    (void)close(pe[1]);
    po[1] = pe[1] = -1;
    st.fds[0] = po[0];
    st.fds[1] = pe[0];
    po[0] = pe[0] = -1;
    rc = wait_child(li, &st, pid, argv[0], timeout_ms, &status, err);
    res->exit_status = exit_code(status);
    rc2 = take_output(&st, res, err);
    if (rc2 != VMTP_OK) {
        rc = rc2;
    } else if (rc == VMTP_OK) {
        VLOG(li->log, VMTP_LOG_DEBUG, "'%s' exited with %d", argv[0],
             res->exit_status);
    }
out:
    for (int i = 0; i < 2; i++) {
        if (st.fds[i] >= 0) {
            (void)close(st.fds[i]);
        }
        vx_buf_release(&st.bufs[i]);
        if (po[i] >= 0) {
            (void)close(po[i]);
        }
        if (pe[i] >= 0) {
            (void)close(pe[i]);
        }
    }
    free((void *)av);
    return rc;
}

static enum vmtp_status
local_spawn(struct vmtp_executor *ex,
            const char *const *argv,
            long *pid_out,
            struct vmtp_error *err)
{
    struct local_impl *li = ex->impl;
    const char **av = NULL;
    pid_t *grown;
    pid_t pid = -1;
    enum vmtp_status rc = VMTP_OK;
    char eb[128];
    int e;

    if (argv == NULL || argv[0] == NULL) {
        return vmtp_error_set(err, VMTP_E_INVAL, "empty command");
    }
    grown = vx_reallocarray(li->pids, li->n_pids + 1, sizeof(*li->pids));
    if (grown == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    li->pids = grown;
    av = full_argv(li, argv);
    if (av == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    log_argv(li, "spawn", av);
    e = start(av, -1, -1, &pid);
    if (e != 0) {
        rc = vmtp_error_set_sys(err, VMTP_E_SYS, e, "cannot run '%s': %s",
                                av[0], vx_strerror(e, eb, sizeof(eb)));
        goto out;
    }
    li->pids[li->n_pids++] = pid;
    *pid_out = (long)pid;
    VLOG(li->log, VMTP_LOG_DEBUG, "'%s' started with pid %ld", argv[0],
         (long)pid);
out:
    free((void *)av);
    return rc;
}

/* TERM the group, wait up to the grace period, then KILL. Reaps pid. */
static void
stop_pid(pid_t pid)
{
    uint64_t until;
    int status;

    (void)kill(-pid, SIGTERM);
    until = vx_now_us() + KILL_GRACE_US;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno == ECHILD)) {
            (void)kill(-pid, SIGKILL); /* leftovers of the group */
            return;
        }
        if (vx_now_us() >= until) {
            break;
        }
        vx_sleep_us(10000);
    }
    (void)kill_and_reap(pid);
}

static enum vmtp_status
local_kill(struct vmtp_executor *ex, long pid, struct vmtp_error *err)
{
    struct local_impl *li = ex->impl;

    for (size_t i = 0; i < li->n_pids; i++) {
        if ((long)li->pids[i] == pid) {
            stop_pid(li->pids[i]);
            li->pids[i] = li->pids[li->n_pids - 1];
            li->n_pids--;
            return VMTP_OK;
        }
    }
    return vmtp_error_set(err, VMTP_E_INVAL,
                          "pid %ld was not started by this executor", pid);
}

/* Remove an upload directory: it holds only files we copied there. */
static void
remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (d != NULL) {
        /* the stream is private to this call */
        while ((de = readdir(d)) != NULL) { // NOLINT(concurrency-mt-unsafe)
            if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
                (void)unlinkat(dirfd(d), de->d_name, 0);
            }
        }
        (void)closedir(d);
    }
    (void)rmdir(dir);
}

static void
local_kill_all(struct vmtp_executor *ex)
{
    struct local_impl *li = ex->impl;

    for (size_t i = 0; i < li->n_pids; i++) {
        stop_pid(li->pids[i]);
    }
    li->n_pids = 0;
    for (size_t i = 0; i < li->n_dirs; i++) {
        remove_dir(li->dirs[i]);
        VX_FREE(li->dirs[i]);
    }
    li->n_dirs = 0;
}

static int
copy_file(const char *src, const char *dst)
{
    char chunk[65536];
    int in = -1;
    int outfd = -1;
    int rc = -1;
    int saved = 0;

    in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        return -1;
    }
    outfd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
    if (outfd < 0) {
        goto out;
    }
    for (;;) {
        ssize_t n = read(in, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            goto out;
        }
        if (n == 0) {
            break;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(outfd, chunk + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR) {
                continue;
            }
            if (w <= 0) {
                goto out;
            }
            off += w;
        }
    }
    if (fchmod(outfd, 0755) != 0) {
        goto out;
    }
    rc = 0;
out:
    saved = errno;
    if (in >= 0) {
        (void)close(in);
    }
    if (outfd >= 0 && close(outfd) != 0 && rc == 0) {
        saved = errno;
        rc = -1;
    }
    errno = saved;
    return rc;
}

static enum vmtp_status
local_upload(struct vmtp_executor *ex,
             const char *local_path,
             char **remote_path,
             struct vmtp_error *err)
{
    struct local_impl *li = ex->impl;
    char tmpl[] = "/tmp/vmtp-XXXXXX";
    const char *base;
    char **grown;
    char *dir = NULL;
    struct vx_buf dst;
    enum vmtp_status rc = VMTP_OK;
    char eb[128];

    *remote_path = NULL;
    vx_buf_init(&dst, 4096);
    base = strrchr(local_path, '/');
    base = base != NULL ? base + 1 : local_path;
    if (base[0] == '\0') {
        rc = vmtp_error_set(err, VMTP_E_INVAL, "'%s' names no file",
                            local_path);
        goto out;
    }
    grown = vx_reallocarray(li->dirs, li->n_dirs + 1, sizeof(*li->dirs));
    if (grown == NULL) {
        rc = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        goto out;
    }
    li->dirs = grown;
    if (mkdtemp(tmpl) == NULL) {
        rc = vmtp_error_set_sys(err, VMTP_E_SYS, errno, "mkdtemp: %s",
                                vx_strerror(errno, eb, sizeof(eb)));
        goto out;
    }
    dir = vx_strdup(tmpl);
    if (dir == NULL) {
        (void)rmdir(tmpl);
        rc = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        goto out;
    }
    li->dirs[li->n_dirs++] = dir;
    if (vx_buf_addf(&dst, "%s/%s", dir, base) != 0) {
        rc = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        goto out;
    }
    if (copy_file(local_path, vx_buf_str(&dst)) != 0) {
        rc = vmtp_error_set_sys(err, VMTP_E_SYS, errno,
                                "cannot copy '%s' to '%s': %s", local_path,
                                vx_buf_str(&dst),
                                vx_strerror(errno, eb, sizeof(eb)));
        (void)unlink(vx_buf_str(&dst));
        goto out;
    }
    *remote_path = vx_buf_take(&dst);
    if (*remote_path == NULL) {
        rc = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
out:
    vx_buf_release(&dst);
    return rc;
}

static void
local_free(struct vmtp_executor *ex)
{
    struct local_impl *li;

    if (ex == NULL) {
        return;
    }
    li = ex->impl;
    if (li != NULL) {
        local_kill_all(ex);
        free(li->pids);
        free(li->dirs);
        free(li);
    }
    free(ex);
}

static const struct vmtp_executor_ops local_ops = {
        .run = local_run,
        .spawn = local_spawn,
        .kill = local_kill,
        .kill_all = local_kill_all,
        .upload = local_upload,
        .free = local_free,
};

enum vmtp_status
vmtp_exec_local_new(const struct vmtp_exec_local_opts *opts,
                    struct vmtp_executor **out,
                    struct vmtp_error *err)
{
    struct vmtp_executor *ex = NULL;
    struct local_impl *li = NULL;

    *out = NULL;
    if (opts != NULL && opts->netns != NULL && !valid_netns(opts->netns)) {
        return vmtp_error_set(err, VMTP_E_INVAL,
                              "invalid network namespace name '%s'",
                              opts->netns);
    }
    ex = vx_calloc(1, sizeof(*ex));
    li = vx_calloc(1, sizeof(*li));
    if (ex == NULL || li == NULL) {
        free(ex);
        free(li);
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    if (opts != NULL) {
        if (opts->netns != NULL) {
            (void)vx_strlcpy(li->netns, opts->netns, sizeof(li->netns));
        }
        li->cancel = opts->cancel;
        li->log = opts->log;
    }
    ex->ops = &local_ops;
    ex->name = li->netns[0] != '\0' ? li->netns : "local";
    ex->impl = li;
    *out = ex;
    return VMTP_OK;
}
