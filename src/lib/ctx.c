/* \summary: the libvmtp context: creation, logging hook, errors, cancel */
#include <stdlib.h>

#include <vmtp/result.h>

#include "build_config.h" /* meson-generated: VMTP_VERSION */
#include "creds.h"
#include "internal.h"
#include "os_auth.h"
#include "vx_alloc.h"
#include "vx_banned.h"

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
