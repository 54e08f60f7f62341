/* \summary: SSH executor on libssh: auth, host keys, exec, kill, upload */
#include "remote.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "vx_alloc.h"
#include "vx_buf.h"
#include "vx_shquote.h"
#include "vx_str.h"
#include "vx_time.h"

/* clang-format off: vx_banned.h must stay the last include */
#include "vx_banned.h"
/* clang-format on */

/* This file is the only one that includes <libssh/libssh.h>. */

#define REMOTE_NAME_MAX     300
#define REMOTE_CMD_MAX      (256 * 1024)
#define REMOTE_SLICE_MS     100
#define REMOTE_CTL_TIMEOUT  15000 /* spawn, kill, mktemp, rm */
#define REMOTE_UPLOAD_CHUNK 32768

/* The wrapper that makes every command report its PID first. */
static const char run_wrapper[] = "sh -c 'echo $$; exec \"$@\"' sh ";
/* Start in the background, detached from the channel; print its PID. */
static const char spawn_wrapper[] =
        "sh -c '\"$@\" </dev/null >/dev/null 2>&1 & echo $!' sh ";
/* TERM every PID given, wait up to 2 s, then KILL the survivors. */
static const char kill_script[] =
        "for p in \"$@\"; do kill -TERM \"$p\" 2>/dev/null; done; i=0; "
        "while [ $i -lt 20 ]; do a=0; "
        "for p in \"$@\"; do kill -0 \"$p\" 2>/dev/null && a=1; done; "
        "[ $a = 0 ] && exit 0; sleep 0.1; i=$((i+1)); done; "
        "for p in \"$@\"; do kill -KILL \"$p\" 2>/dev/null; done; exit 0";

struct remote {
    struct vmtp_executor ex;
    char name[REMOTE_NAME_MAX];
    char *user;
    char *host;
    unsigned int port;
    char *password; /* secret: wiped on free */
    char *key_file;
    char *home_dir;
    char *known_hosts;
    bool use_agent;
    bool use_default_keys;
    bool accept_unknown;
    int connect_timeout_ms;
    int connect_attempts;
    int retry_delay_ms;
    const atomic_int *cancel;
    const struct vmtp_logger *log;
    ssh_session session;
    long *pids; /* processes spawned by this executor, still owned */
    size_t npids;
    char **dirs; /* private directories created by upload() */
    size_t ndirs;
};

/* What one command produced, filled while it runs. */
struct run_state {
    struct vx_buf out;
    struct vx_buf err;
    bool truncated;
    bool have_pid;
    long pid;
    char head[32]; /* the "PID\n" line before the command's own output */
    size_t headlen;
    int exit_signal; /* from the exit-signal request, else 0 */
};

static const struct vmtp_executor_ops remote_ops;

static bool
cancelled(const struct remote *r)
{
    return r->cancel != NULL && atomic_load(r->cancel) != 0;
}

void
vmtp_remote_opts_init(struct vmtp_remote_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->use_agent = true;
    o->use_default_keys = true;
    o->connect_timeout_ms = 10000;
    o->connect_attempts = 1;
    o->retry_delay_ms = 2000;
}

static void
disconnect(struct remote *r)
{
    if (r->session != NULL) {
        ssh_disconnect(r->session);
        ssh_free(r->session);
        r->session = NULL;
    }
}

static char *
fingerprint(ssh_session s)
{
    ssh_key key = NULL;
    unsigned char *hash = NULL;
    size_t hlen = 0;
    char *fp = NULL;

    if (ssh_get_server_publickey(s, &key) != SSH_OK) {
        return NULL;
    }
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) ==
        0) {
        fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
    }
    ssh_clean_pubkey_hash(&hash);
    ssh_key_free(key);
    return fp;
}

static enum vmtp_status
check_host_key(struct remote *r, struct vmtp_error *err)
{
    enum ssh_known_hosts_e st = ssh_session_is_known_server(r->session);
    const char *kh =
            r->known_hosts != NULL ? r->known_hosts : "~/.ssh/known_hosts";
    char *fp = fingerprint(r->session);
    const char *fps = fp != NULL ? fp : "?";
    enum vmtp_status rc = VMTP_OK;

    switch (st) {
    case SSH_KNOWN_HOSTS_OK:
        break;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
        rc = vmtp_error_set(err, VMTP_E_SSH,
                            "%s: host key CHANGED (now %s, differs from %s): "
                            "refusing to connect, possible "
                            "man-in-the-middle",
                            r->name, fps, kh);
        break;
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
        if (!r->accept_unknown) {
            rc = vmtp_error_set(err, VMTP_E_SSH,
                                "%s: host key unknown (%s, not in %s): "
                                "refusing to connect; add it to known_hosts "
                                "or allow accepting unknown host keys",
                                r->name, fps, kh);
            break;
        }
        if (ssh_session_update_known_hosts(r->session) != SSH_OK) {
            rc = vmtp_error_set(err, VMTP_E_SSH,
                                "%s: cannot add host key to %s: %s", r->name,
                                kh, ssh_get_error(r->session));
            break;
        }
        VLOG(r->log, VMTP_LOG_WARN, "%s: accepted unknown host key %s into %s",
             r->name, fps, kh);
        break;
    case SSH_KNOWN_HOSTS_ERROR:
    default:
        rc = vmtp_error_set(err, VMTP_E_SSH,
                            "%s: cannot check host key against %s: %s", r->name,
                            kh, ssh_get_error(r->session));
        break;
    }
    ssh_string_free_char(fp);
    return rc;
}

static int
try_key_file(struct remote *r, const char *path, bool must_exist)
{
    ssh_key key = NULL;
    int rc;

    if (!must_exist && access(path, R_OK) != 0) {
        return SSH_AUTH_DENIED;
    }
    if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) != SSH_OK) {
        VLOG(r->log, VMTP_LOG_DEBUG, "%s: cannot read private key %s", r->name,
             path);
        return SSH_AUTH_DENIED;
    }
    rc = ssh_userauth_publickey(r->session, NULL, key);
    ssh_key_free(key);
    return rc;
}

static int
try_default_keys(struct remote *r)
{
    static const char *const names[] = {"id_ed25519", "id_ecdsa", "id_rsa"};
    char home[512];
    char path[700];

    if (r->home_dir != NULL) {
        (void)vx_strlcpy(home, r->home_dir, sizeof(home));
    } else {
        struct passwd pw;
        struct passwd *res = NULL;
        char pwbuf[4096];

        if (getpwuid_r(getuid(), &pw, pwbuf, sizeof(pwbuf), &res) != 0 ||
            res == NULL) {
            return SSH_AUTH_DENIED;
        }
        (void)vx_strlcpy(home, pw.pw_dir, sizeof(home));
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        int rc;

        if (snprintf(path, sizeof(path), "%s/.ssh/%s", home, names[i]) >=
            (int)sizeof(path)) {
            continue;
        }
        rc = try_key_file(r, path, false);
        if (rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_ERROR) {
            return rc;
        }
    }
    return SSH_AUTH_DENIED;
}

static int
try_kbdint(struct remote *r)
{
    int rc = ssh_userauth_kbdint(r->session, NULL, NULL);

    for (int round = 0; rc == SSH_AUTH_INFO && round < 4; round++) {
        int n = ssh_userauth_kbdint_getnprompts(r->session);

        for (int i = 0; i < n; i++) {
            char echo = 0;

            (void)ssh_userauth_kbdint_getprompt(r->session, (unsigned)i, &echo);
            /* Answer hidden prompts with the password, others empty. */
            if (ssh_userauth_kbdint_setanswer(r->session, (unsigned)i,
                                              echo == 0 ? r->password : "") <
                0) {
                return SSH_AUTH_ERROR;
            }
        }
        rc = ssh_userauth_kbdint(r->session, NULL, NULL);
    }
    return rc;
}

static enum vmtp_status
authenticate(struct remote *r, struct vmtp_error *err)
{
    struct vx_buf tried;
    int rc = ssh_userauth_none(r->session, NULL);
    int methods;
    enum vmtp_status st = VMTP_OK;

    vx_buf_init(&tried, 256);
    if (rc == SSH_AUTH_SUCCESS) {
        goto out;
    }
    if (rc == SSH_AUTH_ERROR) {
        goto lost;
    }
    methods = ssh_userauth_list(r->session, NULL);
    if (r->key_file != NULL && (methods & SSH_AUTH_METHOD_PUBLICKEY) != 0) {
        (void)vx_buf_adds(&tried, " key file");
        rc = try_key_file(r, r->key_file, true);
        if (rc == SSH_AUTH_SUCCESS) {
            goto out;
        }
        if (rc == SSH_AUTH_ERROR) {
            goto lost;
        }
    }
    if (r->use_agent && (methods & SSH_AUTH_METHOD_PUBLICKEY) != 0) {
        (void)vx_buf_adds(&tried, " agent");
        rc = ssh_userauth_agent(r->session, NULL);
        if (rc == SSH_AUTH_SUCCESS) {
            goto out;
        }
        if (!ssh_is_connected(r->session)) {
            goto lost;
        }
    }
    if (r->use_default_keys && (methods & SSH_AUTH_METHOD_PUBLICKEY) != 0) {
        (void)vx_buf_adds(&tried, " default keys");
        rc = try_default_keys(r);
        if (rc == SSH_AUTH_SUCCESS) {
            goto out;
        }
        if (rc == SSH_AUTH_ERROR) {
            goto lost;
        }
    }
    if (r->password != NULL && (methods & SSH_AUTH_METHOD_PASSWORD) != 0) {
        (void)vx_buf_adds(&tried, " password");
        rc = ssh_userauth_password(r->session, NULL, r->password);
        if (rc == SSH_AUTH_SUCCESS) {
            goto out;
        }
        if (rc == SSH_AUTH_ERROR) {
            goto lost;
        }
    }
    if (r->password != NULL && (methods & SSH_AUTH_METHOD_INTERACTIVE) != 0) {
        (void)vx_buf_adds(&tried, " keyboard-interactive");
        rc = try_kbdint(r);
        if (rc == SSH_AUTH_SUCCESS) {
            goto out;
        }
        if (rc == SSH_AUTH_ERROR) {
            goto lost;
        }
    }
    st = vmtp_error_set(
            err, VMTP_E_AUTH, "%s: authentication failed (tried:%s)", r->name,
            vx_buf_len(&tried) > 0 ? vx_buf_str(&tried) : " nothing allowed");
    goto out;
lost:
    st = vmtp_error_set(err, VMTP_E_SSH,
                        "%s: connection lost during authentication: %s",
                        r->name, ssh_get_error(r->session));
out:
    vx_buf_release(&tried);
    return st;
}

/* One connection attempt: TCP + key exchange. Sets *retry when transient. */
static enum vmtp_status
connect_once(struct remote *r, bool *retry, struct vmtp_error *err)
{
    long timeout_us = (long)r->connect_timeout_ms * 1000L;
    long timeout_s = 0;
    int off = 0;
    uint64_t t0 = vx_now_us();
    enum vmtp_status st;
    const char *why;

    *retry = false;
    disconnect(r);
    r->session = ssh_new();
    if (r->session == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "%s: cannot create session",
                              r->name);
    }
    if (ssh_options_set(r->session, SSH_OPTIONS_PROCESS_CONFIG, &off) < 0 ||
        ssh_options_set(r->session, SSH_OPTIONS_HOST, r->host) < 0 ||
        ssh_options_set(r->session, SSH_OPTIONS_USER, r->user) < 0 ||
        ssh_options_set(r->session, SSH_OPTIONS_PORT, &r->port) < 0 ||
        ssh_options_set(r->session, SSH_OPTIONS_TIMEOUT, &timeout_s) < 0 ||
        ssh_options_set(r->session, SSH_OPTIONS_TIMEOUT_USEC, &timeout_us) <
                0 ||
        (r->known_hosts != NULL &&
         ssh_options_set(r->session, SSH_OPTIONS_KNOWNHOSTS, r->known_hosts) <
                 0)) {
        return vmtp_error_set(err, VMTP_E_INVAL, "%s: bad SSH option: %s",
                              r->name, ssh_get_error(r->session));
    }
    if (ssh_connect(r->session) == SSH_OK) {
        return VMTP_OK;
    }
    why = ssh_get_error(r->session);
    *retry = true;
    if (strstr(why, "refused") != NULL) {
        st = vmtp_error_set(err, VMTP_E_CONNECT, "%s: connection refused",
                            r->name);
    } else if (strstr(why, "imeout") != NULL ||
               vx_now_us() - t0 >= (uint64_t)timeout_us) {
        st = vmtp_error_set(err, VMTP_E_TIMEOUT,
                            "%s: connect timed out after %d ms (%s)", r->name,
                            r->connect_timeout_ms, why);
    } else if (strstr(why, "unreachable") != NULL ||
               strstr(why, "No route") != NULL) {
        st = vmtp_error_set(err, VMTP_E_CONNECT, "%s: host unreachable (%s)",
                            r->name, why);
    } else {
        st = vmtp_error_set(err, VMTP_E_CONNECT, "%s: cannot connect: %s",
                            r->name, why);
    }
    return st;
}

static enum vmtp_status
session_open(struct remote *r, int attempts, struct vmtp_error *err)
{
    enum vmtp_status st = VMTP_E_CONNECT;

    for (int i = 1; i <= attempts; i++) {
        bool retry = false;

        st = connect_once(r, &retry, err);
        if (st == VMTP_OK) {
            break;
        }
        if (!retry || i == attempts) {
            goto fail;
        }
        VLOG(r->log, VMTP_LOG_INFO, "%s: attempt %d of %d failed, retrying",
             r->name, i, attempts);
        for (int waited = 0; waited < r->retry_delay_ms;
             waited += REMOTE_SLICE_MS) {
            if (cancelled(r)) {
                st = vmtp_error_set(err, VMTP_E_CANCELLED,
                                    "%s: connect cancelled", r->name);
                goto fail;
            }
            vx_sleep_us(REMOTE_SLICE_MS * 1000);
        }
    }
    st = check_host_key(r, err);
    if (st != VMTP_OK) {
        goto fail;
    }
    st = authenticate(r, err);
    if (st != VMTP_OK) {
        goto fail;
    }
    VLOG(r->log, VMTP_LOG_DEBUG, "%s: SSH connected", r->name);
    return VMTP_OK;
fail:
    disconnect(r);
    return st;
}

/* Reconnect once if the session was lost (used by cleanup paths). */
static enum vmtp_status
ensure_session(struct remote *r, struct vmtp_error *err)
{
    if (r->session != NULL && ssh_is_connected(r->session)) {
        return VMTP_OK;
    }
    VLOG(r->log, VMTP_LOG_INFO, "%s: session lost, reconnecting", r->name);
    return session_open(r, 1, err);
}

static void
on_exit_signal(ssh_session s,
               ssh_channel ch,
               const char *signal,
               int core,
               const char *errmsg,
               const char *lang,
               void *userdata)
{
    static const struct {
        const char *name;
        int num;
    } sigs[] = {{"HUP", 1},   {"INT", 2},   {"QUIT", 3},  {"ILL", 4},
                {"ABRT", 6},  {"FPE", 8},   {"KILL", 9},  {"USR1", 10},
                {"SEGV", 11}, {"USR2", 12}, {"PIPE", 13}, {"ALRM", 14},
                {"TERM", 15}};
    struct run_state *rs = userdata;

    (void)s;
    (void)ch;
    (void)core;
    (void)errmsg;
    (void)lang;
    rs->exit_signal = 127; /* unknown signal name */
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        if (signal != NULL && strcmp(signal, sigs[i].name) == 0) {
            rs->exit_signal = sigs[i].num;
        }
    }
}

/* Append up to the cap; the rest is dropped and marked truncated. */
static int
capture(struct run_state *rs, struct vx_buf *b, const char *p, size_t n)
{
    size_t room = VMTP_EXEC_MAX_OUTPUT - vx_buf_len(b);

    if (n > room) {
        rs->truncated = true;
        n = room;
    }
    if (n == 0) {
        return 0;
    }
    return vx_buf_add(b, p, n);
}

/* Stdout starts with the wrapper's "PID\n" line: take it off first. */
static int
capture_stdout(struct run_state *rs, const char *p, size_t n)
{
    while (!rs->have_pid && n > 0) {
        char c = *p++;

        n--;
        if (c == '\n') {
            const char *errstr = NULL;

            rs->head[rs->headlen] = '\0';
            rs->pid = (long)vx_strtonum(rs->head, 2, INT32_MAX, &errstr);
            rs->have_pid = errstr == NULL;
            if (!rs->have_pid) {
                return -1;
            }
        } else if (rs->headlen + 1 < sizeof(rs->head)) {
            rs->head[rs->headlen++] = c;
        } else {
            return -1;
        }
    }
    return capture(rs, &rs->out, p, n);
}

/* Read what is available on one stream without blocking. */
static int
drain(ssh_channel ch, struct run_state *rs, int is_stderr)
{
    char buf[16384];

    for (;;) {
        int n = ssh_channel_read_nonblocking(ch, buf, sizeof(buf), is_stderr);

        if (n == SSH_ERROR) {
            return -1;
        }
        if (n <= 0) {
            return 0;
        }
        if ((is_stderr ? capture(rs, &rs->err, buf, (size_t)n)
                       : capture_stdout(rs, buf, (size_t)n)) != 0) {
            return -1;
        }
    }
}

static enum vmtp_status
kill_pids(struct remote *r, const long *pids, size_t n, struct vmtp_error *err);

/*
 * Run an already quoted command line `cmd` (the wrapper included) and wait
 * for it. Fills *rs. On timeout or cancel, kills the remote PID.
 */
static enum vmtp_status
exec_wait(struct remote *r,
          const char *cmd,
          const char *what,
          int timeout_ms,
          bool honour_cancel,
          struct run_state *rs,
          int *exit_status,
          struct vmtp_error *err)
{
    struct ssh_channel_callbacks_struct cb;
    ssh_channel ch = NULL;
    uint64_t deadline = vx_now_us() + (uint64_t)timeout_ms * 1000u;
    enum vmtp_status st = VMTP_OK;
    bool eof = false;
    int status;

    memset(&cb, 0, sizeof(cb));
    cb.userdata = rs;
    cb.channel_exit_signal_function = on_exit_signal;
    ssh_callbacks_init(&cb);
    ch = ssh_channel_new(r->session);
    if (ch == NULL || ssh_channel_open_session(ch) != SSH_OK) {
        st = vmtp_error_set(err, VMTP_E_SSH, "%s: cannot open channel: %s",
                            r->name, ssh_get_error(r->session));
        goto out;
    }
    if (ssh_set_channel_callbacks(ch, &cb) != SSH_OK ||
        ssh_channel_request_exec(ch, cmd) != SSH_OK) {
        st = vmtp_error_set(err, VMTP_E_SSH, "%s: cannot run '%s': %s", r->name,
                            what, ssh_get_error(r->session));
        goto out;
    }
    (void)ssh_channel_send_eof(ch); /* no stdin */
    while (!eof) {
        int n;

        if (honour_cancel && cancelled(r)) {
            st = vmtp_error_set(err, VMTP_E_CANCELLED, "%s: '%s' cancelled",
                                r->name, what);
            break;
        }
        if (vx_now_us() >= deadline) {
            st = vmtp_error_set(err, VMTP_E_TIMEOUT,
                                "%s: '%s' timed out after %d ms", r->name, what,
                                timeout_ms);
            break;
        }
        n = ssh_channel_poll_timeout(ch, REMOTE_SLICE_MS, 0);
        if (n == SSH_ERROR) {
            st = vmtp_error_set(err, VMTP_E_SSH,
                                "%s: session lost while running '%s': %s",
                                r->name, what, ssh_get_error(r->session));
            goto out;
        }
        eof = n == SSH_EOF;
        if (drain(ch, rs, 0) != 0 || drain(ch, rs, 1) != 0) {
            st = vmtp_error_set(err, VMTP_E_SSH,
                                "%s: cannot read output of '%s'", r->name,
                                what);
            break;
        }
    }
    if (st != VMTP_OK) {
        /* Stop the remote process too: closing the channel does not. */
        if (rs->have_pid) {
            struct vmtp_error kerr;

            if (kill_pids(r, &rs->pid, 1, &kerr) != VMTP_OK) {
                VLOG(r->log, VMTP_LOG_WARN, "%s", kerr.msg);
            }
        } else {
            VLOG(r->log, VMTP_LOG_WARN,
                 "%s: '%s' stopped before its PID was known", r->name, what);
        }
        goto out;
    }
    status = ssh_channel_get_exit_status(ch);
    if (rs->exit_signal != 0) {
        *exit_status = 128 + rs->exit_signal;
    } else if (status < 0) {
        *exit_status = 255;
    } else {
        *exit_status = status;
    }
out:
    if (ch != NULL) {
        /*
         * cb and rs live on this stack: unhook them first. A channel freed
         * before the peer closed it stays in the session, and its late
         * exit-signal (a killed command after a timeout) would otherwise
         * write through a dangling pointer during a later exec.
         */
        (void)ssh_remove_channel_callbacks(ch, &cb);
        (void)ssh_channel_close(ch);
        ssh_channel_free(ch);
    }
    return st;
}

static void
run_state_init(struct run_state *rs)
{
    memset(rs, 0, sizeof(*rs));
    vx_buf_init(&rs->out, VMTP_EXEC_MAX_OUTPUT);
    vx_buf_init(&rs->err, VMTP_EXEC_MAX_OUTPUT);
}

static void
run_state_release(struct run_state *rs)
{
    vx_buf_release(&rs->out);
    vx_buf_release(&rs->err);
}

/* Quote argv behind `wrapper` into *cmd (released by the caller). */
static enum vmtp_status
build_cmd(struct remote *r,
          const char *wrapper,
          const char *const *argv,
          struct vx_buf *cmd,
          struct vmtp_error *err)
{
    vx_buf_init(cmd, REMOTE_CMD_MAX);
    if (argv == NULL || argv[0] == NULL) {
        return vmtp_error_set(err, VMTP_E_INVAL, "%s: empty command", r->name);
    }
    if (vx_buf_adds(cmd, wrapper) != 0 || vx_shquote_argv(cmd, argv) != 0) {
        return vmtp_error_set(err, VMTP_E_INVAL, "%s: command '%s' too long",
                              r->name, argv[0]);
    }
    return VMTP_OK;
}

static char *
dup_buf(struct vx_buf *b)
{
    char *s = vx_buf_take(b);

    return s != NULL ? s : vx_strdup("");
}

static enum vmtp_status
remote_run(struct vmtp_executor *ex,
           const char *const *argv,
           int timeout_ms,
           struct vmtp_exec_result *res,
           struct vmtp_error *err)
{
    struct remote *r = ex->impl;
    struct vx_buf cmd;
    struct run_state rs;
    enum vmtp_status st;

    memset(res, 0, sizeof(*res));
    run_state_init(&rs);
    st = build_cmd(r, run_wrapper, argv, &cmd, err);
    if (st != VMTP_OK) {
        goto out;
    }
    if (r->session == NULL) {
        st = vmtp_error_set(err, VMTP_E_SSH, "%s: not connected", r->name);
        goto out;
    }
    VLOG(r->log, VMTP_LOG_DEBUG, "%s: run %s", r->name, vx_buf_str(&cmd));
    st = exec_wait(r, vx_buf_str(&cmd), argv[0], timeout_ms, true, &rs,
                   &res->exit_status, err);
    res->truncated = rs.truncated;
    res->out = dup_buf(&rs.out);
    res->err = dup_buf(&rs.err);
    if (res->out == NULL || res->err == NULL) {
        VX_FREE(res->out);
        VX_FREE(res->err);
        if (st == VMTP_OK) {
            st = vmtp_error_set(err, VMTP_E_NOMEM, "%s: out of memory",
                                r->name);
        }
    }
out:
    vx_buf_release(&cmd);
    run_state_release(&rs);
    return st;
}

/* Run a short control command (wrapper added) and return its stdout. */
static enum vmtp_status
control(struct remote *r,
        const char *wrapper,
        const char *const *argv,
        struct run_state *rs,
        struct vmtp_error *err)
{
    struct vx_buf cmd;
    int status = 0;
    enum vmtp_status st = build_cmd(r, wrapper, argv, &cmd, err);

    if (st == VMTP_OK) {
        st = exec_wait(r, vx_buf_str(&cmd), argv[0], REMOTE_CTL_TIMEOUT, false,
                       rs, &status, err);
    }
    if (st == VMTP_OK && status != 0) {
        st = vmtp_error_set(err, VMTP_E_SSH, "%s: '%s' failed (status %d): %s",
                            r->name, argv[0], status, vx_buf_str(&rs->err));
    }
    vx_buf_release(&cmd);
    return st;
}

static enum vmtp_status
kill_pids(struct remote *r, const long *pids, size_t n, struct vmtp_error *err)
{
    char **argv = NULL;
    struct run_state rs;
    enum vmtp_status st;

    if (n == 0) {
        return VMTP_OK;
    }
    run_state_init(&rs);
    argv = vx_calloc(n + 5, sizeof(*argv));
    if (argv == NULL) {
        st = vmtp_error_set(err, VMTP_E_NOMEM, "%s: out of memory", r->name);
        goto out;
    }
    argv[0] = vx_strdup("sh");
    argv[1] = vx_strdup("-c");
    argv[2] = vx_strdup(kill_script);
    argv[3] = vx_strdup("sh");
    for (size_t i = 0; i < n; i++) {
        char num[32];

        /* Never 0, 1 or negative: kill(-1) would hit every process. */
        if (pids[i] <= 1) {
            st = vmtp_error_set(err, VMTP_E_INTERNAL, "%s: bad pid %ld",
                                r->name, pids[i]);
            goto out;
        }
        (void)snprintf(num, sizeof(num), "%ld", pids[i]);
        argv[4 + i] = vx_strdup(num);
    }
    for (size_t i = 0; i < n + 4; i++) {
        if (argv[i] == NULL) {
            st = vmtp_error_set(err, VMTP_E_NOMEM, "%s: out of memory",
                                r->name);
            goto out;
        }
    }
    st = ensure_session(r, err);
    if (st == VMTP_OK) {
        st = control(r, run_wrapper, (const char *const *)argv, &rs, err);
    }
out:
    if (argv != NULL) {
        for (size_t i = 0; i < n + 4; i++) {
            free(argv[i]);
        }
    }
    free(argv);
    run_state_release(&rs);
    return st;
}

static enum vmtp_status
remote_spawn(struct vmtp_executor *ex,
             const char *const *argv,
             long *pid,
             struct vmtp_error *err)
{
    struct remote *r = ex->impl;
    struct run_state rs;
    long *grown;
    enum vmtp_status st;

    run_state_init(&rs);
    if (r->session == NULL) {
        st = vmtp_error_set(err, VMTP_E_SSH, "%s: not connected", r->name);
        goto out;
    }
    grown = vx_reallocarray(r->pids, r->npids + 1, sizeof(*r->pids));
    if (grown == NULL) {
        st = vmtp_error_set(err, VMTP_E_NOMEM, "%s: out of memory", r->name);
        goto out;
    }
    r->pids = grown;
    st = control(r, spawn_wrapper, argv, &rs, err);
    if (st != VMTP_OK) {
        goto out;
    }
    /* The spawn wrapper prints only "$!\n": the server's PID. */
    if (!rs.have_pid) {
        st = vmtp_error_set(err, VMTP_E_SSH,
                            "%s: cannot start '%s': no process id", r->name,
                            argv[0]);
        goto out;
    }
    *pid = rs.pid;
    r->pids[r->npids++] = *pid;
    VLOG(r->log, VMTP_LOG_DEBUG, "%s: started '%s' as pid %ld", r->name,
         argv[0], *pid);
out:
    run_state_release(&rs);
    return st;
}

static enum vmtp_status
remote_kill(struct vmtp_executor *ex, long pid, struct vmtp_error *err)
{
    struct remote *r = ex->impl;
    size_t i;
    enum vmtp_status st;

    for (i = 0; i < r->npids; i++) {
        if (r->pids[i] == pid) {
            break;
        }
    }
    if (i == r->npids) {
        return vmtp_error_set(err, VMTP_E_INVAL,
                              "%s: pid %ld was not started here", r->name, pid);
    }
    st = kill_pids(r, &pid, 1, err);
    if (st == VMTP_OK) {
        r->pids[i] = r->pids[--r->npids];
    }
    return st;
}

static void
remote_kill_all(struct vmtp_executor *ex)
{
    struct remote *r = ex->impl;
    struct vmtp_error err;

    if (r->npids > 0) {
        if (kill_pids(r, r->pids, r->npids, &err) == VMTP_OK) {
            r->npids = 0;
        } else {
            VLOG(r->log, VMTP_LOG_WARN, "%s", err.msg);
        }
    }
    if (r->ndirs > 0) {
        const char **argv = vx_calloc(r->ndirs + 4, sizeof(*argv));
        struct run_state rs;

        if (argv == NULL) {
            return;
        }
        argv[0] = "rm";
        argv[1] = "-rf";
        argv[2] = "--";
        for (size_t i = 0; i < r->ndirs; i++) {
            argv[3 + i] = r->dirs[i];
        }
        run_state_init(&rs);
        if (ensure_session(r, &err) == VMTP_OK &&
            control(r, run_wrapper, argv, &rs, &err) == VMTP_OK) {
            for (size_t i = 0; i < r->ndirs; i++) {
                VX_FREE(r->dirs[i]);
            }
            r->ndirs = 0;
        } else {
            VLOG(r->log, VMTP_LOG_WARN, "%s", err.msg);
        }
        run_state_release(&rs);
        free(argv);
    }
}

/* Create a private directory with mktemp -d and record it. */
static enum vmtp_status
make_private_dir(struct remote *r, char **dir, struct vmtp_error *err)
{
    static const char *const argv[] = {"mktemp", "-d", "-t", "vmtp.XXXXXXXXXX",
                                       NULL};
    struct run_state rs;
    char **grown;
    char *nl;
    const char *s;
    enum vmtp_status st;

    *dir = NULL;
    run_state_init(&rs);
    grown = vx_reallocarray(r->dirs, r->ndirs + 1, sizeof(*r->dirs));
    if (grown == NULL) {
        st = vmtp_error_set(err, VMTP_E_NOMEM, "%s: out of memory", r->name);
        goto out;
    }
    r->dirs = grown;
    st = control(r, run_wrapper, argv, &rs, err);
    if (st != VMTP_OK) {
        goto out;
    }
    nl = strchr(vx_buf_str(&rs.out), '\n');
    if (nl != NULL) {
        *nl = '\0';
    }
    s = vx_buf_str(&rs.out);
    if (s[0] != '/' || strstr(s, "/vmtp.") == NULL) {
        st = vmtp_error_set(err, VMTP_E_SSH,
                            "%s: mktemp -d gave no usable directory", r->name);
        goto out;
    }
    *dir = vx_strdup(s);
    r->dirs[r->ndirs] = vx_strdup(s);
    if (*dir == NULL || r->dirs[r->ndirs] == NULL) {
        VX_FREE(*dir);
        st = vmtp_error_set(err, VMTP_E_NOMEM, "%s: out of memory", r->name);
        goto out;
    }
    r->ndirs++;
out:
    run_state_release(&rs);
    return st;
}

static enum vmtp_status
upload_sftp(struct remote *r,
            sftp_session sftp,
            int fd,
            const char *path,
            struct vmtp_error *err)
{
    sftp_file f = sftp_open(sftp, path, O_WRONLY | O_CREAT | O_EXCL, 0700);
    char buf[REMOTE_UPLOAD_CHUNK];
    enum vmtp_status st = VMTP_OK;

    if (f == NULL) {
        return vmtp_error_set(err, VMTP_E_SSH, "%s: sftp cannot create %s: %s",
                              r->name, path, ssh_get_error(r->session));
    }
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            st = vmtp_error_set_sys(err, VMTP_E_SYS, errno,
                                    "%s: cannot read local file", r->name);
            break;
        }
        if (n == 0) {
            break;
        }
        if (sftp_write(f, buf, (size_t)n) != n) {
            st = vmtp_error_set(err, VMTP_E_SSH,
                                "%s: sftp write to %s failed: %s", r->name,
                                path, ssh_get_error(r->session));
            break;
        }
    }
    if (sftp_close(f) != SSH_NO_ERROR && st == VMTP_OK) {
        st = vmtp_error_set(err, VMTP_E_SSH, "%s: sftp close of %s failed",
                            r->name, path);
    }
    if (st == VMTP_OK && sftp_chmod(sftp, path, 0755) != 0) {
        st = vmtp_error_set(err, VMTP_E_SSH, "%s: sftp chmod of %s failed",
                            r->name, path);
    }
    return st;
}

/*
 * libssh marks its SCP API deprecated in favour of SFTP; it is exactly the
 * fallback we need for hosts whose sshd has no sftp subsystem.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static enum vmtp_status
upload_scp(struct remote *r,
           int fd,
           off_t size,
           const char *dir,
           const char *base,
           struct vmtp_error *err)
{
    ssh_scp scp = ssh_scp_new(r->session, SSH_SCP_WRITE, dir);
    char buf[REMOTE_UPLOAD_CHUNK];
    enum vmtp_status st = VMTP_OK;

    if (scp == NULL || ssh_scp_init(scp) != SSH_OK ||
        ssh_scp_push_file(scp, base, (size_t)size, 0755) != SSH_OK) {
        st = vmtp_error_set(err, VMTP_E_SSH,
                            "%s: neither sftp nor scp can write to %s: %s",
                            r->name, dir, ssh_get_error(r->session));
        goto out;
    }
    for (off_t done = 0; done < size;) {
        ssize_t n = read(fd, buf, sizeof(buf));

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            st = vmtp_error_set_sys(err, VMTP_E_SYS, n < 0 ? errno : 0,
                                    "%s: cannot read local file", r->name);
            goto out;
        }
        if (ssh_scp_write(scp, buf, (size_t)n) != SSH_OK) {
            st = vmtp_error_set(err, VMTP_E_SSH, "%s: scp write failed: %s",
                                r->name, ssh_get_error(r->session));
            goto out;
        }
        done += n;
    }
out:
    if (scp != NULL) {
        (void)ssh_scp_close(scp);
        ssh_scp_free(scp);
    }
    return st;
}
#pragma GCC diagnostic pop

static enum vmtp_status
remote_upload(struct vmtp_executor *ex,
              const char *local_path,
              char **remote_path,
              struct vmtp_error *err)
{
    struct remote *r = ex->impl;
    struct stat sb;
    struct vx_buf path;
    sftp_session sftp = NULL;
    const char *base = strrchr(local_path, '/');
    char *dir = NULL;
    int fd = -1;
    enum vmtp_status st;

    *remote_path = NULL;
    vx_buf_init(&path, 4096);
    base = base != NULL ? base + 1 : local_path;
    for (const char *p = base; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            st = vmtp_error_set(err, VMTP_E_INVAL,
                                "%s: bad file name to upload", r->name);
            goto out;
        }
    }
    fd = open(local_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        base[0] == '\0') {
        st = vmtp_error_set_sys(err, VMTP_E_SYS, errno,
                                "%s: cannot read '%s' to upload", r->name,
                                local_path);
        goto out;
    }
    if (r->session == NULL) {
        st = vmtp_error_set(err, VMTP_E_SSH, "%s: not connected", r->name);
        goto out;
    }
    st = make_private_dir(r, &dir, err);
    if (st != VMTP_OK) {
        goto out;
    }
    if (vx_buf_addf(&path, "%s/%s", dir, base) != 0) {
        st = vmtp_error_set(err, VMTP_E_INVAL, "%s: path too long", r->name);
        goto out;
    }
    sftp = sftp_new(r->session);
    if (sftp != NULL && sftp_init(sftp) == SSH_OK) {
        st = upload_sftp(r, sftp, fd, vx_buf_str(&path), err);
    } else {
        VLOG(r->log, VMTP_LOG_DEBUG, "%s: no sftp, uploading with scp",
             r->name);
        st = upload_scp(r, fd, sb.st_size, dir, base, err);
    }
    if (st == VMTP_OK) {
        *remote_path = vx_buf_take(&path);
        if (*remote_path == NULL) {
            st = vmtp_error_set(err, VMTP_E_NOMEM, "%s: out of memory",
                                r->name);
        }
    }
out:
    if (sftp != NULL) {
        sftp_free(sftp);
    }
    if (fd >= 0) {
        (void)close(fd);
    }
    free(dir);
    vx_buf_release(&path);
    return st;
}

static void
remote_free(struct vmtp_executor *ex)
{
    struct remote *r;

    if (ex == NULL) {
        return;
    }
    r = ex->impl;
    disconnect(r);
    for (size_t i = 0; i < r->ndirs; i++) {
        free(r->dirs[i]);
    }
    free(r->dirs);
    free(r->pids);
    free(r->user);
    free(r->host);
    if (r->password != NULL) {
        vx_burn_free(r->password);
    }
    free(r->key_file);
    free(r->home_dir);
    free(r->known_hosts);
    free(r);
}

void
vmtp_remote_owned(const struct vmtp_executor *ex, size_t *npids, size_t *ndirs)
{
    const struct remote *r = ex->impl;

    *npids = r->npids;
    *ndirs = r->ndirs;
}

static const struct vmtp_executor_ops remote_ops = {
        .run = remote_run,
        .spawn = remote_spawn,
        .kill = remote_kill,
        .kill_all = remote_kill_all,
        .upload = remote_upload,
        .free = remote_free,
};

static int
dup_opt(char **dst, const char *src)
{
    if (src == NULL) {
        *dst = NULL;
        return 0;
    }
    *dst = vx_strdup(src);
    return *dst != NULL ? 0 : -1;
}

enum vmtp_status
vmtp_remote_new(const struct vmtp_remote_opts *opts,
                struct vmtp_executor **out,
                struct vmtp_error *err)
{
    struct remote *r = NULL;
    enum vmtp_status st;
    int n;

    *out = NULL;
    if (opts->user == NULL || opts->user[0] == '\0' || opts->host == NULL ||
        opts->host[0] == '\0' || opts->port > 65535) {
        return vmtp_error_set(err, VMTP_E_INVAL,
                              "SSH target needs a user, a host and a port");
    }
    r = vx_calloc(1, sizeof(*r));
    if (r == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    r->ex.ops = &remote_ops;
    r->ex.name = r->name;
    r->ex.impl = r;
    r->port = opts->port != 0 ? opts->port : 22;
    if (r->port == 22) {
        n = snprintf(r->name, sizeof(r->name), "%s@%s", opts->user, opts->host);
    } else {
        n = snprintf(r->name, sizeof(r->name), "%s@[%s]:%u", opts->user,
                     opts->host, r->port);
    }
    if (n < 0 || (size_t)n >= sizeof(r->name)) {
        st = vmtp_error_set(err, VMTP_E_INVAL, "SSH user or host too long");
        goto fail;
    }
    if (dup_opt(&r->user, opts->user) != 0 ||
        dup_opt(&r->host, opts->host) != 0 ||
        dup_opt(&r->password, opts->password) != 0 ||
        dup_opt(&r->key_file, opts->key_file) != 0 ||
        dup_opt(&r->home_dir, opts->home_dir) != 0 ||
        dup_opt(&r->known_hosts, opts->known_hosts) != 0) {
        st = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        goto fail;
    }
    r->use_agent = opts->use_agent;
    r->use_default_keys = opts->use_default_keys;
    r->accept_unknown = opts->accept_unknown_host_key;
    r->connect_timeout_ms =
            opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 10000;
    r->connect_attempts =
            opts->connect_attempts > 0 ? opts->connect_attempts : 1;
    r->retry_delay_ms = opts->retry_delay_ms >= 0 ? opts->retry_delay_ms : 0;
    r->cancel = opts->cancel;
    r->log = opts->log;
    st = session_open(r, r->connect_attempts, err);
    if (st != VMTP_OK) {
        goto fail;
    }
    *out = &r->ex;
    return VMTP_OK;
fail:
    remote_free(&r->ex);
    return st;
}
