/* \summary: the local executor: tools run as child processes on this host */
#ifndef VMTP_LIB_EXEC_LOCAL_H
#define VMTP_LIB_EXEC_LOCAL_H

#include <stdatomic.h>

#include "exec.h"
#include "log.h"

/*
 * Options of a local executor. All fields may be zero/NULL.
 *
 * netns: run every command inside the named network namespace
 *   (/run/netns/NAME) by prefixing argv with `ip netns exec NAME`; the
 *   namespace name must match [A-Za-z0-9_.-]{1,64}. Tests use it to run a
 *   tool "on" a namespace host. `ip netns exec` replaces itself with the
 *   tool, so the recorded pid is the tool's.
 * cancel: when it becomes non-zero, run() kills its child and returns
 *   VMTP_E_CANCELLED (checked at least every 100 ms).
 * log: debug lines for each command (argv is logged; pass no secrets).
 */
struct vmtp_exec_local_opts {
    const char *netns;
    const atomic_int *cancel;
    const struct vmtp_logger *log;
};

/*
 * Create a local executor in *out. Children run with stdin from /dev/null
 * in their own process group, so a timeout or kill() stops the whole group.
 * Errors: VMTP_E_INVAL (bad netns name), VMTP_E_NOMEM. Free with
 * ex->ops->kill_all(ex) then ex->ops->free(ex). Not thread-safe: use one
 * executor per thread.
 */
enum vmtp_status vmtp_exec_local_new(const struct vmtp_exec_local_opts *opts,
                                     struct vmtp_executor **out,
                                     struct vmtp_error *err);

#endif
