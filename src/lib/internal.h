/* \summary: libvmtp private definitions: the context layout and helpers */
#ifndef VMTP_LIB_INTERNAL_H
#define VMTP_LIB_INTERNAL_H

#include <stdatomic.h>

#include <vmtp/vmtp.h>

#include "error.h"
#include "log.h"

/*
 * The context: everything a run needs hangs off it; the library has no
 * global mutable state. Created by vmtp_ctx_new(), freed by vmtp_ctx_free().
 */
struct vmtp_ctx {
    struct vmtp_logger log;
    struct vmtp_error err;
    atomic_int cancelled; /* set by vmtp_ctx_cancel(), async-signal-safe */
    /* OpenStack (os_auth.c): credentials (owned, heap, released and freed
     * by vmtp_ctx_free()) and the session made from them on first use. */
    struct vmtp_os_creds *os_creds;
    struct vmtp_os_session *os_session;
};

/* Record an error on the context (see vmtp_error_set()). Returns code. */
#define vmtp_set_error(ctx, code, ...) \
    vmtp_error_set_at(&(ctx)->err, (code), 0, 0, __func__, __VA_ARGS__)

#endif
