/* \summary: SSH executor (libssh): run, spawn, kill and upload on a host */
#ifndef VMTP_LIB_REMOTE_H
#define VMTP_LIB_REMOTE_H

#include <stdatomic.h>
#include <stdbool.h>

#include <vmtp/vmtp.h>

#include "exec.h"
#include "log.h"

/*
 * How to reach one host. Strings are borrowed for the duration of
 * vmtp_remote_new() only (it copies them; the password copy is wiped when
 * the executor is freed). Fill with vmtp_remote_opts_init() first.
 *
 * Authentication is tried in this order, each only if enabled: the
 * explicit key file, the ssh-agent (SSH_AUTH_SOCK), the user's default
 * keys (home_dir/.ssh/id_ed25519, id_ecdsa, id_rsa; unencrypted), then the
 * password (SSH "password", then "keyboard-interactive"). The password is
 * sent inside the encrypted session only; it never appears on a command
 * line or in a log.
 *
 * Host keys are checked against `known_hosts`. An unknown host is refused
 * unless accept_unknown_host_key is set, in which case its key is added to
 * that file (OpenSSH's StrictHostKeyChecking=accept-new). A key that
 * differs from the recorded one is always refused.
 */
struct vmtp_remote_opts {
    const char *user;              /* required */
    const char *host;              /* IPv4/IPv6 literal or name, no brackets */
    unsigned int port;             /* 0: 22 */
    const char *password;          /* NULL: no password authentication */
    const char *key_file;          /* explicit private key file, or NULL */
    bool use_agent;                /* default true */
    bool use_default_keys;         /* default true */
    const char *home_dir;          /* for default keys; NULL: from passwd */
    const char *known_hosts;       /* NULL: libssh's ~/.ssh/known_hosts */
    bool accept_unknown_host_key;  /* default false */
    int connect_timeout_ms;        /* per attempt; default 10000 */
    int connect_attempts;          /* default 1; refused/timeout retried */
    int retry_delay_ms;            /* between attempts; default 2000 */
    const atomic_int *cancel;      /* optional: non-zero stops waits */
    const struct vmtp_logger *log; /* optional; borrowed for the lifetime */
};

/* Fill *o with the defaults above (all strings NULL). */
void vmtp_remote_opts_init(struct vmtp_remote_opts *o);

/*
 * Connect to opts->host, check its host key and authenticate, retrying
 * connection failures (refused, unreachable, timeout) up to
 * connect_attempts times; authentication and host-key failures are not
 * retried. On success *out is an executor (see exec.h) named "user@host";
 * free it with ex->ops->free() after ex->ops->kill_all().
 *
 * Errors (message names user@host and what failed): VMTP_E_INVAL,
 * VMTP_E_NOMEM, VMTP_E_CONNECT (refused, unreachable), VMTP_E_TIMEOUT,
 * VMTP_E_AUTH (every method denied), VMTP_E_SSH (host key unknown or
 * changed, protocol error), VMTP_E_CANCELLED.
 *
 * Remote commands are run as `sh -c 'echo $$; exec "$@"' sh ARGV...`
 * with every element single-quoted (vx_shquote), so the remote login
 * shell must be a POSIX shell. The executor is not thread-safe: use it
 * from one thread at a time.
 *
 * Cleanup after a signal: let the handler only set the cancel flag; a
 * run() in progress then stops its remote process and returns
 * VMTP_E_CANCELLED. Then call ex->ops->kill_all(ex) from the main thread:
 * it ignores the cancel flag, reconnects once if the session was lost,
 * and finishes in bounded time (at most about connect_timeout_ms + 60 s:
 * one 30 s budget to stop the processes, one to remove the files).
 */
enum vmtp_status vmtp_remote_new(const struct vmtp_remote_opts *opts,
                                 struct vmtp_executor **out,
                                 struct vmtp_error *err);

/*
 * The number of remote processes and private directories the executor
 * currently owns (what kill_all() would clean). For tests and logs.
 */
void
vmtp_remote_owned(const struct vmtp_executor *ex, size_t *npids, size_t *ndirs);

#endif
