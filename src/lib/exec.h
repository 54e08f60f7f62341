/* \summary: executor interface: run tool commands locally or on a remote host
 */
#ifndef VMTP_LIB_EXEC_H
#define VMTP_LIB_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include <vmtp/vmtp.h>

/*
 * Tool drivers (nuttcp, iperf, iperf3, ping, vmtp-agent) never build shell
 * strings: they pass argv arrays to an executor. The local executor runs
 * them with fork/exec; the SSH executor (remote.c) quotes every argument
 * strictly before the remote shell sees it, so a value like "eth0;touch x"
 * stays one literal argument.
 *
 * Outputs are captured up to VMTP_EXEC_MAX_OUTPUT bytes each (the rest is
 * dropped and `truncated` set). Every call has a timeout; on timeout the
 * process (local or remote) is killed and VMTP_E_TIMEOUT returned.
 */

#define VMTP_EXEC_MAX_OUTPUT (1024 * 1024)

struct vmtp_exec_result {
    int exit_status; /* exit code, or 128 + signal number */
    char *out;       /* captured stdout, NUL-terminated; owned */
    char *err;       /* captured stderr, NUL-terminated; owned */
    bool truncated;
};

void vmtp_exec_result_release(struct vmtp_exec_result *r);

struct vmtp_executor;

struct vmtp_executor_ops {
    /*
     * Run argv[0] with arguments argv (NULL-terminated) to completion or
     * until timeout_ms passes. A non-zero exit status is not an error of
     * this call: it is reported in res->exit_status. Errors: VMTP_E_TIMEOUT,
     * VMTP_E_SYS (cannot start), VMTP_E_SSH (session lost), VMTP_E_CANCELLED.
     */
    enum vmtp_status (*run)(struct vmtp_executor *ex,
                            const char *const *argv,
                            int timeout_ms,
                            struct vmtp_exec_result *res,
                            struct vmtp_error *err);

    /*
     * Start argv in the background (a server) and return its process id on
     * the target in *pid. Output goes to /dev/null. The executor records the
     * pid and kill_all() stops it.
     */
    enum vmtp_status (*spawn)(struct vmtp_executor *ex,
                              const char *const *argv,
                              long *pid,
                              struct vmtp_error *err);

    /* Stop one process this executor started (TERM, then KILL after 2 s). */
    enum vmtp_status (*kill)(struct vmtp_executor *ex,
                             long pid,
                             struct vmtp_error *err);

    /* Stop every process this executor started and remove its files. */
    void (*kill_all)(struct vmtp_executor *ex);

    /*
     * Copy the local file `local_path` to a fresh private directory on the
     * target (created with mkdtemp, mode 0700) and return the remote path in
     * *remote_path (owned by the caller, free()). Mode 0755.
     */
    enum vmtp_status (*upload)(struct vmtp_executor *ex,
                               const char *local_path,
                               char **remote_path,
                               struct vmtp_error *err);

    /* Free the executor (after kill_all()). */
    void (*free)(struct vmtp_executor *ex);
};

struct vmtp_executor {
    const struct vmtp_executor_ops *ops;
    const char *name; /* for logs: "local", "root@198.18.1.2" */
    void *impl;
};

#endif
