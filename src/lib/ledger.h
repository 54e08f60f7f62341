/* \summary: crash-safe ledger of the cloud resources a run creates */
#ifndef VMTP_LIB_LEDGER_H
#define VMTP_LIB_LEDGER_H

#include <stdbool.h>
#include <stddef.h>

#include <vmtp/vmtp.h>

#include "os_auth.h"

/*
 * Every cloud resource vmtp creates goes through three steps, each one a
 * line appended to <state_dir>/ledger/<run_id>.log and fsync'ed before
 * the call returns:
 *
 *   intent  <seq> <type> <name>   before the create request is sent
 *   created <seq> <id>            once the cloud returned the id
 *   gone    <seq>                 after it was deleted (or found absent)
 *   done                          the run finished and nothing is left
 *
 * A run killed at any point leaves a file from which vmtp_cleanup() finds
 * what may exist: by id when it was recorded, else by the name (which
 * always carries the run id). Resources that were found and only reused
 * are never written to the ledger, so cleanup never deletes them.
 *
 * Fields are percent-encoded (no blanks or newlines in a field). Types
 * are listed in deletion order: servers first, images last.
 */
enum vmtp_res_type {
    VMTP_RES_SERVER = 0,
    VMTP_RES_FIP = 1,
    VMTP_RES_ROUTER_IF = 2, /* name and id: "<router_id>/<subnet_id>" */
    VMTP_RES_PORT = 3,
    VMTP_RES_ROUTER = 4,
    VMTP_RES_SUBNET = 5,
    VMTP_RES_NETWORK = 6,
    VMTP_RES_SECGROUP = 7,
    VMTP_RES_KEYPAIR = 8, /* id = name */
    VMTP_RES_FLAVOR = 9,
    VMTP_RES_IMAGE = 10,
    VMTP_RES_NTYPES = 11,
};

/* "server", "fip", ... (static); NULL for an invalid type. */
const char *vmtp_res_type_name(enum vmtp_res_type t);

/* True if run_id is 1-64 characters of [A-Za-z0-9_.-] (not "." or ".."). */
bool vmtp_run_id_valid(const char *run_id);

/*
 * The run's tag. Every resource vmtp creates is named
 *
 *   <base>-<run_id>          e.g. "pns-internal-net-1a2b3c4"
 *
 * (base: the configured name), or carries the token "vmtp-run:<run_id>"
 * in its description. The cleanup sweep deletes what matches these rules
 * for the run being cleaned up, nothing else. A name belongs to the run
 * id after its last '-', so only run ids without '-' and at least
 * VMTP_RUN_ID_SWEEP_MIN characters long are matched by name (vmtp's own
 * run ids are 7 hex digits); the description token works for any run id.
 */
#define VMTP_RES_DESC_TAG     "vmtp-run:"
#define VMTP_RUN_ID_SWEEP_MIN 6

/* True if names can be matched to run_id (see above). */
bool vmtp_run_id_sweepable(const char *run_id);
/* "<base>-<run_id>" (owned), or NULL for a bad run id, an empty base, a
 * base over 128 bytes or with control characters. */
char *vmtp_res_name(const char *run_id, const char *base);
/* "vmtp-run:<run_id>" (owned), or NULL for a bad run id. */
char *vmtp_res_desc(const char *run_id);
/* True if `name` is "<base>-<run_id>" (base non-empty) and run_id is
 * sweepable. */
bool vmtp_res_name_of_run(const char *name, const char *run_id);
/*
 * True if `desc` holds the token "vmtp-run:<run_id>" (at the start or
 * after a blank, and not followed by a run-id character), or is itself a
 * name of the run (floating IPs carry their name in the description).
 */
bool vmtp_res_desc_of_run(const char *desc, const char *run_id);

struct vmtp_ledger;

/*
 * Open (create) the ledger of run_id under state_dir, creating the
 * directories (mode 0700). Errors: VMTP_E_INVAL (bad run id), VMTP_E_SYS.
 * Close with vmtp_ledger_close().
 */
enum vmtp_status vmtp_ledger_open(struct vmtp_ctx *ctx,
                                  const char *state_dir,
                                  const char *run_id,
                                  struct vmtp_ledger **out);
/*
 * The same for a new run: the ledger must not exist yet. Two runs with the
 * same id (md5 of args, date and version: the same command twice in one
 * second) would otherwise share a ledger, and the first run's teardown
 * would mark the second one's resources done. Taken: VMTP_E_SYS with
 * sys_errno EEXIST.
 */
enum vmtp_status vmtp_ledger_create(struct vmtp_ctx *ctx,
                                    const char *state_dir,
                                    const char *run_id,
                                    struct vmtp_ledger **out);
void vmtp_ledger_close(struct vmtp_ledger *l);

/* Record the intent to create `name` of type t; *seq identifies it. */
enum vmtp_status vmtp_ledger_intent(struct vmtp_ledger *l,
                                    enum vmtp_res_type t,
                                    const char *name,
                                    unsigned *seq);
enum vmtp_status
vmtp_ledger_created(struct vmtp_ledger *l, unsigned seq, const char *id);
enum vmtp_status vmtp_ledger_gone(struct vmtp_ledger *l, unsigned seq);
/* The run ended cleanly: cleanup will skip this ledger. */
enum vmtp_status vmtp_ledger_done(struct vmtp_ledger *l);

/* One resource as read back from a ledger file. */
struct vmtp_ledger_entry {
    unsigned seq;
    enum vmtp_res_type type;
    char *name;
    char *id; /* NULL when never recorded */
    bool gone;
};

struct vmtp_ledger_run {
    struct vmtp_ledger_entry *items;
    size_t n;
    bool done;
};

/*
 * Parse ledger text (len bytes). A torn last line (a crash while
 * appending) is ignored; any other malformed line is VMTP_E_PARSE naming
 * the line. Free with vmtp_ledger_run_release().
 */
enum vmtp_status vmtp_ledger_parse(const char *text,
                                   size_t len,
                                   struct vmtp_ledger_run *out,
                                   struct vmtp_error *err);
void vmtp_ledger_run_release(struct vmtp_ledger_run *r);

/*
 * Delete what run run_id (NULL: every unfinished run under state_dir)
 * left behind, through session s, in dependency order; record each
 * deletion in the ledger and mark the run done when nothing is left.
 * Besides the ledger's entries, each type is swept: every resource of
 * the session's project that carries the run's tag (see vmtp_res_name)
 * is deleted too, never a shared or external network; a tagged subnet is
 * first detached from any router. A run id without
 * a ledger (another machine, a lost state directory) is swept only.
 * Idempotent. *left (may be NULL) receives the number of resources that
 * could not be deleted. Errors: VMTP_E_NOTFOUND (no ledger for run_id
 * and nothing tagged with it in the cloud), VMTP_E_SYS, and API errors
 * other than "not found".
 */
enum vmtp_status vmtp_ledger_cleanup(struct vmtp_os_session *s,
                                     const char *state_dir,
                                     const char *run_id,
                                     size_t *left);

/*
 * The end of a run that is still alive: delete what run_id's ledger
 * names, as vmtp_ledger_cleanup() does, without the sweep by tag (every
 * create call returned, so the ledger knows all; saves a list call per
 * resource type).
 */
enum vmtp_status vmtp_ledger_teardown(struct vmtp_os_session *s,
                                      const char *state_dir,
                                      const char *run_id,
                                      size_t *left);

#endif
