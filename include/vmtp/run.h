/* \summary: libvmtp: run the measurements the configuration asks for */
#ifndef VMTP_RUN_H
#define VMTP_RUN_H

#include <vmtp/result.h>
#include <vmtp/vmtp.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Record the command line for the results document's "args" field. Pass
 * it with every secret already masked (the CLI masks by parsed option).
 * The string is copied.
 */
VMTP_API enum vmtp_status vmtp_run_set_args(struct vmtp_ctx *ctx,
                                            const char *args);

/*
 * Path of a local vmtp-agent binary to copy onto hosts for
 * --tp-tool vmtp (and as a fallback when a host lacks a tool it needs).
 * The string is copied.
 */
VMTP_API enum vmtp_status vmtp_run_set_agent_path(struct vmtp_ctx *ctx,
                                                  const char *path);

/*
 * Directory of the cleanup ledgers (one file per run that creates cloud
 * resources). The CLI passes $XDG_STATE_HOME/vmtp, else
 * $HOME/.local/state/vmtp. The string is copied.
 */
VMTP_API enum vmtp_status vmtp_run_set_state_dir(struct vmtp_ctx *ctx,
                                                 const char *dir);

/* Longest run id vmtp_run_set_cleanup() accepts. */
#define VMTP_RUN_ID_MAX 64

/*
 * The --cleanup option: with `cleanup` true, the next vmtp_run() deletes
 * the cloud resources an earlier, interrupted run left behind instead of
 * measuring: every vmtp resource, or only run `run_id`'s when it is not
 * NULL (1..VMTP_RUN_ID_MAX characters from [A-Za-z0-9_-]). `run_id` is
 * copied. With `cleanup` false (the default) run_id must be NULL.
 * Errors: VMTP_E_INVAL (bad run id; the setting is then unchanged),
 * VMTP_E_NOMEM.
 */
VMTP_API enum vmtp_status
vmtp_run_set_cleanup(struct vmtp_ctx *ctx, bool cleanup, const char *run_id);

/*
 * Run every measurement the configuration asks for, in the original's
 * order: native host flows (config "hosts"), the external host flow
 * ("ext_host", toward the first host in native mode) and the controller
 * probe ("controller_node"). Progress goes to the log hook.
 *
 * Returns VMTP_OK when every flow was measured; VMTP_E_MEASURE when the
 * run finished but a flow or a measurement failed (the results say
 * which); VMTP_E_CANCELLED after vmtp_ctx_cancel(); other codes when the
 * run could not start (VMTP_E_INVAL, VMTP_E_SSH, VMTP_E_AUTH, ...). In
 * every case everything the run started on any host is stopped and its
 * files removed before it returns, and the results gathered so far are
 * available from vmtp_ctx_results().
 */
VMTP_API enum vmtp_status vmtp_run(struct vmtp_ctx *ctx);

/*
 * The results of the last vmtp_run(): borrowed, valid until the next
 * vmtp_run() or vmtp_ctx_free(); NULL before any run.
 */
VMTP_API struct vmtp_results *vmtp_ctx_results(struct vmtp_ctx *ctx);

/*
 * Write the last run's results to the configured JSON file ("json_file",
 * --json) safely (temporary file, fsync, rename). Does nothing (VMTP_OK)
 * when no file is configured. Errors: VMTP_E_SYS, VMTP_E_INVAL.
 */
VMTP_API enum vmtp_status vmtp_run_save_json(struct vmtp_ctx *ctx);

/*
 * Store the last run's results in MongoDB when the configuration names a
 * server ("vmtp_mongod_ip", --mongod-server), in "vmtp_db" /
 * "vmtp_collection". Does nothing (VMTP_OK) when no server is configured.
 * Write the JSON file first: a store error never loses the results.
 * Errors: VMTP_E_CONNECT, VMTP_E_TIMEOUT, VMTP_E_STORE, VMTP_E_INVAL.
 */
VMTP_API enum vmtp_status vmtp_run_store_mongo(struct vmtp_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif
