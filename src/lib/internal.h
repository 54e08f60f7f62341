/* \summary: libvmtp private definitions: the context layout and helpers */
#ifndef VMTP_LIB_INTERNAL_H
#define VMTP_LIB_INTERNAL_H

#include "config.h"

#include <stdatomic.h>

#include <vmtp/vmtp.h>

#include "creds.h"
#include "error.h"
#include "log.h"

/*
 * The context: everything a run needs hangs off it; the library has no
 * global mutable state. Created by vmtp_ctx_new(), freed by vmtp_ctx_free().
 */
struct vmtp_ctx {
    struct vmtp_logger log;
    struct vmtp_error err;
    atomic_int cancelled;   /* set by vmtp_ctx_cancel(), async-signal-safe */
    struct vmtp_config cfg; /* effective configuration (config.c) */
    struct vmtp_os_creds creds;   /* OpenStack credentials (creds.c) */
    char *args;                   /* masked command line for results (run.c) */
    char *agent_path;             /* local vmtp-agent to deploy (run.c) */
    struct vmtp_results *results; /* last run's results (run.c) */
    struct vmtp_os_session
            *os_session;  /* made from creds on first use (os_auth.c) */
    bool cleanup;         /* --cleanup: delete, do not measure */
    char *state_dir;      /* cleanup ledgers (run.c) */
    char *cleanup_run_id; /* only this run's resources, or NULL */
};

/* Record an error on the context (see vmtp_error_set()). Returns code. */
#define vmtp_set_error(ctx, code, ...) \
    vmtp_error_set_at(&(ctx)->err, (code), 0, 0, __func__, __VA_ARGS__)

#endif
