/* \summary: cancel a live vmtp_run() from another thread (public API only) */
/*
 *   api_cancel_thread KEY=VALUE ...
 *
 * Applies the settings with vmtp_config_set(), runs vmtp_run() on this
 * thread and, once the log hook reports that a flow has started, cancels
 * it from a second thread with vmtp_ctx_cancel(). Exit 0 when vmtp_run()
 * returned VMTP_E_CANCELLED, 1 when it returned anything else, 2 on a
 * usage or configuration error. Run by example_installed.sh in its lab,
 * which then checks that nothing was left on the host.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep() */

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <vmtp/vmtp.h>

struct shared {
    struct vmtp_ctx *ctx;
    atomic_int flow_started; /* set by the log hook */
    atomic_int run_over;     /* set by main when vmtp_run() returned */
    atomic_int cancelled;    /* set by the canceller after the call */
};

/* "flow N:" at the start of a run's per-flow log lines. */
static int
names_a_flow(const char *msg)
{
    const char *p = strstr(msg, "flow ");

    if (p == NULL) {
        return 0;
    }
    p += 5;
    if (*p < '0' || *p > '9') {
        return 0;
    }
    while (*p >= '0' && *p <= '9') {
        p++;
    }
    return *p == ':';
}

static void
log_hook(void *userdata,
         enum vmtp_log_level level,
         const char *func,
         const char *msg)
{
    struct shared *sh = userdata;

    (void)level;
    (void)func;
    (void)fprintf(stderr, "api_cancel_thread: %s\n", msg);
    if (names_a_flow(msg)) {
        atomic_store(&sh->flow_started, 1);
    }
}

/* Wait (at most 120 s) for a flow to start, then cancel the run. */
static void *
canceller(void *arg)
{
    struct shared *sh = arg;
    struct timespec ts = {0, 20 * 1000 * 1000};

    for (int i = 0; i < 6000; i++) {
        if (atomic_load(&sh->flow_started) || atomic_load(&sh->run_over)) {
            break;
        }
        (void)nanosleep(&ts, NULL);
    }
    if (atomic_load(&sh->flow_started) && !atomic_load(&sh->run_over)) {
        vmtp_ctx_cancel(sh->ctx);
        atomic_store(&sh->cancelled, 1);
    }
    return NULL;
}

int
main(int argc, char **argv)
{
    struct shared sh;
    pthread_t th;
    enum vmtp_status st;
    int rc = 2;

    memset(&sh, 0, sizeof(sh));
    sh.ctx = vmtp_ctx_new();
    if (sh.ctx == NULL) {
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');

        if (eq == NULL || eq == argv[i]) {
            (void)fprintf(stderr, "usage: %s KEY=VALUE ...\n", argv[0]);
            goto out;
        }
        *eq = '\0';
        st = vmtp_config_set(sh.ctx, argv[i], eq + 1);
        *eq = '=';
        if (st != VMTP_OK) {
            (void)fprintf(stderr, "%s: %s\n", argv[0],
                          vmtp_ctx_error(sh.ctx)->msg);
            goto out;
        }
    }
    vmtp_ctx_set_log(sh.ctx, log_hook, &sh, VMTP_LOG_INFO);
    if (pthread_create(&th, NULL, canceller, &sh) != 0) {
        goto out;
    }
    st = vmtp_run(sh.ctx);
    atomic_store(&sh.run_over, 1);
    (void)pthread_join(th, NULL);
    (void)printf("flow_started=%d cancelled=%d status=%s (%s)\n",
                 atomic_load(&sh.flow_started), atomic_load(&sh.cancelled),
                 vmtp_strerror(st), vmtp_ctx_error(sh.ctx)->msg);
    rc = st == VMTP_E_CANCELLED && atomic_load(&sh.cancelled) ? 0 : 1;
out:
    vmtp_ctx_free(sh.ctx);
    return rc;
}
