/* \summary: the libvmtp context: creation, logging hook, errors, cancel */
#include <stdlib.h>
#include <string.h>

#include <vmtp/result.h>

#include "build_config.h" /* meson-generated: VMTP_VERSION */
#include "creds.h"
#include "internal.h"
#include "os_auth.h"
#include "vx_alloc.h"
#include "vx_banned.h"

/*
 * vmtp_ctx_cancel() promises async-signal safety: that holds only when the
 * flag's atomic store needs no lock.
 */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free");

const char *
vmtp_version(void)
{
    return VMTP_VERSION;
}

struct vmtp_ctx *
vmtp_ctx_new(void)
{
    struct vmtp_ctx *ctx = vx_calloc(1, sizeof(*ctx));

    if (ctx == NULL) {
        return NULL;
    }
    ctx->log.max_level = VMTP_LOG_INFO;
    atomic_init(&ctx->cancelled, 0);
    vmtp_os_creds_init(&ctx->creds);
    if (vmtp_config_init(&ctx->cfg, &ctx->err) != VMTP_OK) {
        /* Only out of memory: the embedded defaults are tested. */
        free(ctx);
        return NULL;
    }
    return ctx;
}

void
vmtp_ctx_free(struct vmtp_ctx *ctx)
{
    if (ctx == NULL) {
        return;
    }
    vmtp_os_session_free(ctx->os_session);
    vmtp_config_release(&ctx->cfg);
    vmtp_os_creds_release(&ctx->creds);
    free(ctx->args);
    free(ctx->agent_path);
    free(ctx->state_dir);
    free(ctx->cleanup_run_id);
    vmtp_results_free(ctx->results);
    free(ctx);
}

void
vmtp_ctx_set_log(struct vmtp_ctx *ctx,
                 vmtp_log_fn *fn,
                 void *userdata,
                 enum vmtp_log_level max_level)
{
    ctx->log.fn = fn;
    ctx->log.userdata = userdata;
    ctx->log.max_level = max_level;
}

const struct vmtp_error *
vmtp_ctx_error(const struct vmtp_ctx *ctx)
{
    return &ctx->err;
}

void
vmtp_ctx_cancel(struct vmtp_ctx *ctx)
{
    atomic_store(&ctx->cancelled, 1);
}

bool
vmtp_ctx_cancelled(const struct vmtp_ctx *ctx)
{
    return atomic_load(&ctx->cancelled) != 0;
}

enum vmtp_status
vmtp_run_set_cleanup(struct vmtp_ctx *ctx, bool cleanup, const char *run_id)
{
    static const char run_id_chars[] = "abcdefghijklmnopqrstuvwxyz"
                                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
    char *copy = NULL;

    if (run_id != NULL) {
        size_t len = strlen(run_id);

        if (!cleanup || len == 0 || len > VMTP_RUN_ID_MAX ||
            strspn(run_id, run_id_chars) != len) {
            return vmtp_set_error(ctx, VMTP_E_INVAL,
                                  "cleanup run id '%s': not 1..%d characters "
                                  "from [A-Za-z0-9_-]",
                                  run_id, VMTP_RUN_ID_MAX);
        }
        copy = vx_strdup(run_id);
        if (copy == NULL) {
            return vmtp_set_error(ctx, VMTP_E_NOMEM, "out of memory");
        }
    }
    free(ctx->cleanup_run_id);
    ctx->cleanup_run_id = copy;
    ctx->cleanup = cleanup;
    return VMTP_OK;
}
