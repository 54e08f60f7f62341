/* \summary: helpers for tests against the OpenStack lab (tests/lab/openstack)
 */
#ifndef VMTP_TEST_OS_LAB_H
#define VMTP_TEST_OS_LAB_H

#include <sys/types.h>

#include <stdbool.h>

#include "creds.h"
#include "internal.h"

/*
 * Fill *c from the OS_* environment that tests/lab/openstack/admin-openrc
 * sets (the run-cloud-tests.sh wrapper sources it). Returns false when
 * OS_AUTH_URL is missing: the caller must FAIL, never skip.
 */
bool os_lab_creds_from_env(struct vmtp_os_creds *c);

/* A context that logs to stderr at VMTP_TEST_LOG level (default WARN). */
struct vmtp_ctx *os_lab_ctx_new(void);

/* Run argv (NULL-terminated) and wait at most timeout_s; exit status or
 * -1. Output goes to stderr. */
int os_lab_run(const char *const *argv, int timeout_s);

/* Spawn argv with stdout on a pipe; the child's pid and the read end. */
pid_t os_lab_spawn_pipe(const char *const *argv, int *out_fd);

/* Make a fresh directory /tmp/vt-os-XXXXXX; owned string. */
char *os_lab_tmpdir(void);

/* rm -rf dir. */
void os_lab_rmrf(const char *dir);

/*
 * Date the ledger of run_id in state_dir 200 s back: past the cleanup's
 * wait for create calls that may be in flight (ledger.c). For a test whose
 * intents were written between calls, never inside one.
 */
void os_lab_age_ledger(const char *state_dir, const char *run_id);

#endif
