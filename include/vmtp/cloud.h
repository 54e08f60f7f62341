/* \summary: libvmtp OpenStack credentials: openrc, environment, clouds.yaml */
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
 * (skipped when home is NULL) and /etc/openstack/clouds.yaml. Fails with
 * VMTP_E_NOTFOUND when no file or no such cloud exists.
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

#ifdef __cplusplus
}
#endif

#endif
