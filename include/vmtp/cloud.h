/* \summary: libvmtp OpenStack: credentials (openrc, environment, clouds.yaml)
 * and cleanup */
#ifndef VMTP_CLOUD_H
#define VMTP_CLOUD_H

#include <vmtp/vmtp.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Credentials live in the context. Each loader below merges the values it
 * finds over what the context already holds, so a caller applies its
 * sources from the weakest to the strongest. The vmtp CLI uses:
 *   -r FILE          openrc only (plus OS_PASSWORD from the environment
 *                    when the file has none and --no-env is not given);
 *   --os-cloud NAME  (or OS_CLOUD) a clouds.yaml entry, same password rule;
 *   otherwise        OS_* environment variables unless --no-env;
 *   -p PASSWORD      always last.
 * Passwords, application credential secrets and tokens are secrets: they
 * are never logged, never put in results, and wiped when the context is
 * freed. The library never reads the environment itself and never
 * prompts; the CLI prompts (without echo) when a cloud run needs a
 * password, none was given and stdin is a terminal.
 */

/*
 * Parse an openrc file WITHOUT running a shell: only `export OS_X=value`
 * (or `OS_X=value`) and `unset OS_X` lines count; values may be quoted
 * with '...' or "..."; comments and every other line (echo, read, if ...,
 * the Dashboard's password prompt) are ignored. A value that needs shell
 * expansion ($VAR, $(...), backticks) is skipped, never evaluated.
 * Errors (VMTP_E_INVAL, VMTP_E_PARSE): unreadable file, unterminated
 * quote (naming the line), Keystone v2 credentials (v2 was removed from
 * OpenStack; use a v3 openrc).
 */
VMTP_API enum vmtp_status vmtp_creds_load_openrc(struct vmtp_ctx *ctx,
                                                 const char *path);

/* Flag for vmtp_creds_load_env(): take only OS_PASSWORD, if none is set. */
#define VMTP_CREDS_ENV_PASSWORD_ONLY 1u

/*
 * Take the OS_* variables from `envp` (a NULL-terminated "NAME=value"
 * array, e.g. the CLI's `environ`). Values are taken literally.
 */
VMTP_API enum vmtp_status vmtp_creds_load_env(struct vmtp_ctx *ctx,
                                              const char *const *envp,
                                              unsigned flags);

/* Set the password (the -p option or a prompt); copied, wiped on free. */
VMTP_API enum vmtp_status vmtp_creds_set_password(struct vmtp_ctx *ctx,
                                                  const char *password);

/*
 * Load cloud `cloud` from a clouds.yaml: `path` when not NULL, else the
 * first that exists of ./clouds.yaml, HOME/.config/openstack/clouds.yaml
 * (skipped when home is NULL) and /etc/openstack/clouds.yaml. Then the
 * cloud's entry in a secure.yaml (the first that exists in the directory
 * of that clouds.yaml, ./, HOME/.config/openstack/ and /etc/openstack/)
 * overrides its keys, as openstacksdk does. Fails with VMTP_E_NOTFOUND
 * when no file or no such cloud exists.
 */
VMTP_API enum vmtp_status vmtp_creds_load_clouds_yaml(struct vmtp_ctx *ctx,
                                                      const char *cloud,
                                                      const char *path,
                                                      const char *home);

/* True once an auth URL is known: a cloud run is possible. */
VMTP_API bool vmtp_creds_have_cloud(const struct vmtp_ctx *ctx);

/* True when password authentication is configured but no password given. */
VMTP_API bool vmtp_creds_need_password(const struct vmtp_ctx *ctx);

/*
 * Check that the credentials are complete Keystone v3 credentials; the
 * error names the missing OS_* variable. VMTP_OK when no auth URL is set.
 */
VMTP_API enum vmtp_status vmtp_creds_check(struct vmtp_ctx *ctx);

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
 * Every resource named "<name>-<run_id>" (run ids without '-', 6 or more
 * characters) or whose description holds "vmtp-run:<run_id>" in the
 * credentials' project is deleted too, even without a ledger entry;
 * shared and external networks never are.
 *
 * Uses the OpenStack credentials held by ctx. Errors: VMTP_E_INVAL (bad
 * run id, no credentials), VMTP_E_NOTFOUND (no ledger for run_id and
 * nothing carrying its tag in the cloud),
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
