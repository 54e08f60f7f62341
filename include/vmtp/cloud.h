/* \summary: libvmtp public API: OpenStack cloud operations */
#ifndef VMTP_CLOUD_H
#define VMTP_CLOUD_H

#include <vmtp/vmtp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- cleanup of crashed runs (cleanup ledger) ------------------------ */

/*
 * Delete the cloud resources that a crashed or killed run left behind.
 * Every resource vmtp creates is recorded in a ledger file under
 * `state_dir` (the CLI passes $XDG_STATE_HOME/vmtp or ~/.local/state/vmtp)
 * before it is created; this function reads the ledger of `run_id` (NULL:
 * every unfinished run), deletes what is still there in dependency order
 * (servers, floating IPs, router interfaces, ports, routers, subnets,
 * networks, security groups, keypairs, flavors, images), also finding by
 * name (which carries the run id) resources whose id was never recorded,
 * and marks the run finished. Resources vmtp found and only reused are
 * never deleted. Idempotent: a second call does nothing.
 *
 * Uses the OpenStack credentials held by ctx. Errors: VMTP_E_INVAL (bad
 * run id, no credentials), VMTP_E_NOTFOUND (no ledger for run_id),
 * VMTP_E_SYS (state directory), VMTP_E_AUTH / VMTP_E_CONNECT / VMTP_E_HTTP
 * (cloud); details in vmtp_ctx_error(ctx). Not thread-safe for one ctx.
 */
VMTP_API enum vmtp_status
vmtp_cleanup(struct vmtp_ctx *ctx, const char *state_dir, const char *run_id);

/* ---- end of cleanup ledger block -------------------------------------- */

#ifdef __cplusplus
}
#endif

#endif
