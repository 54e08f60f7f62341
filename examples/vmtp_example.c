/* \summary: libvmtp example: configure, run a native measurement, read it */
/*
 * Uses only the installed public API (<vmtp/vmtp.h>). Build it against an
 * installed libvmtp with:
 *
 *   cc -o vmtp_example vmtp_example.c $(pkg-config --cflags --libs libvmtp)
 *
 * Usage: vmtp_example [-c FILE] [-v] KEY=VALUE ...
 *
 *   -c FILE     merge a YAML configuration file first (vmtp.conf(5))
 *   -v          log at debug level (the default logs progress: info)
 *   KEY=VALUE   set one configuration key, as vmtp_config_set() takes it:
 *               hosts+=user@198.18.0.11 protocols=TI time=1
 *               private_key_file=/path/key known_hosts_file=/path/known
 *
 * It runs the measurements (vmtp_run()), prints one line of figures per
 * result entry, then the results document's size as JSON and the exit
 * status of the run. SIGINT or SIGTERM cancel the run through
 * vmtp_ctx_cancel(), which is async-signal-safe; the run then stops every
 * process it started on the hosts and returns VMTP_E_CANCELLED.
 *
 * Exit status: 0 every flow measured, 1 a measurement failed, 2 usage or
 * configuration error, 3 other failure, 130 cancelled.
 */
#define _POSIX_C_SOURCE 200809L /* sigaction() */

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmtp/vmtp.h>

/* The one piece of global state a signal handler needs: the context. */
static struct vmtp_ctx *volatile running_ctx;

static void
on_signal(int sig)
{
    struct vmtp_ctx *ctx = running_ctx;

    (void)sig;
    if (ctx != NULL) {
        vmtp_ctx_cancel(ctx); /* only sets an atomic flag */
    }
}

static void
log_to_stderr(void *userdata,
              enum vmtp_log_level level,
              const char *func,
              const char *msg)
{
    static const char *const names[] = {"ERROR", "WARN", "INFO", "DEBUG",
                                        "TRACE"};
    const char *prog = userdata;

    (void)func;
    (void)fprintf(stderr, "%s: %s %s\n", prog,
                  (unsigned)level < 5 ? names[level] : "LOG", msg);
}

/* Print a number, or "-" when the document does not hold it. */
static void
print_figure(const char *name, double v)
{
    if (isnan(v)) {
        (void)printf(" %s=-", name);
    } else {
        (void)printf(" %s=%.3f", name, v);
    }
}

static void
print_results(const struct vmtp_results *doc)
{
    size_t nflows = vmtp_results_flow_count(doc);

    (void)printf("run_id=%s flows=%zu\n",
                 vmtp_results_get(doc, "run_id") != NULL
                         ? vmtp_results_get(doc, "run_id")
                         : "-",
                 nflows);
    for (size_t f = 0; f < nflows; f++) {
        const char *desc = vmtp_results_flow_get(doc, f, "desc");

        for (size_t r = 0; r < vmtp_results_result_count(doc, f); r++) {
            const char *proto = vmtp_results_result_protocol(doc, f, r);
            const char *why = vmtp_results_result_error(doc, f, r);

            (void)printf("flow=%zu desc=\"%s\" proto=%s", f,
                         desc != NULL ? desc : "?",
                         proto != NULL ? proto : "?");
            if (why != NULL) {
                (void)printf(" error=\"%s\"\n", why);
                continue;
            }
            if (proto != NULL && strcmp(proto, "ICMP") == 0) {
                for (size_t k = 0; k < vmtp_results_icmp_count(doc, f, r);
                     k++) {
                    print_figure("packet_size",
                                 vmtp_results_icmp_number(doc, f, r, k,
                                                          "packet_size"));
                    print_figure("rtt_avg_ms",
                                 vmtp_results_icmp_number(doc, f, r, k,
                                                          "rtt_avg_ms"));
                }
            } else {
                print_figure("pkt_size",
                             vmtp_results_result_pkt_size(doc, f, r));
                print_figure("throughput_kbps",
                             vmtp_results_result_throughput_kbps(doc, f, r));
                print_figure("rtt_ms", vmtp_results_result_rtt_ms(doc, f, r));
                print_figure("loss_rate",
                             vmtp_results_result_loss_rate(doc, f, r));
            }
            (void)printf("\n");
        }
    }
}

/* Apply -c FILE, -v and KEY=VALUE arguments. Returns 0 or exit status 2. */
static int
configure(struct vmtp_ctx *ctx, int argc, char **argv)
{
    enum vmtp_log_level level = VMTP_LOG_INFO;

    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        enum vmtp_status st;

        if (strcmp(argv[i], "-v") == 0) {
            level = VMTP_LOG_DEBUG;
            continue;
        }
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            st = vmtp_config_load_file(ctx, argv[++i]);
        } else if (eq != NULL && eq != argv[i]) {
            *eq = '\0'; /* split KEY=VALUE in place */
            st = vmtp_config_set(ctx, argv[i], eq + 1);
            *eq = '=';
        } else {
            (void)fprintf(stderr, "usage: %s [-c FILE] [-v] KEY=VALUE ...\n",
                          argv[0]);
            return 2;
        }
        if (st != VMTP_OK) {
            (void)fprintf(stderr, "%s: %s\n", argv[0],
                          vmtp_ctx_error(ctx)->msg);
            return 2;
        }
    }
    vmtp_ctx_set_log(ctx, log_to_stderr, argv[0], level);
    return 0;
}

static int
exit_status(enum vmtp_status st)
{
    switch (st) {
    case VMTP_OK:
        return 0;
    case VMTP_E_MEASURE:
        return 1;
    case VMTP_E_INVAL:
        return 2;
    case VMTP_E_CANCELLED:
        return 130;
    default:
        return 3;
    }
}

int
main(int argc, char **argv)
{
    struct vmtp_ctx *ctx = vmtp_ctx_new();
    struct sigaction sa;
    struct vmtp_error err;
    char *json = NULL;
    enum vmtp_status st;
    int rc;

    if (ctx == NULL) {
        (void)fprintf(stderr, "%s: out of memory\n", argv[0]);
        return 3;
    }
    rc = configure(ctx, argc, argv);
    if (rc != 0) {
        goto out;
    }
    /* The args field of the results: this program's name is enough. */
    if (vmtp_run_set_args(ctx, argv[0]) != VMTP_OK) {
        rc = 3;
        goto out;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    (void)sigemptyset(&sa.sa_mask);
    running_ctx = ctx;
    (void)sigaction(SIGINT, &sa, NULL);
    (void)sigaction(SIGTERM, &sa, NULL);

    st = vmtp_run(ctx);

    running_ctx = NULL;
    rc = exit_status(st);
    if (st != VMTP_OK) {
        (void)fprintf(stderr, "%s: run: %s: %s\n", argv[0], vmtp_strerror(st),
                      vmtp_ctx_error(ctx)->msg);
    }
    /* Results exist even after a failed or cancelled run (maybe empty). */
    if (vmtp_ctx_results(ctx) != NULL) {
        print_results(vmtp_ctx_results(ctx));
        if (vmtp_results_to_json(vmtp_ctx_results(ctx), &json, &err) ==
            VMTP_OK) {
            (void)printf("json_bytes=%zu\n", strlen(json));
        } else {
            (void)fprintf(stderr, "%s: %s\n", argv[0], err.msg);
            rc = 3;
        }
    }
    /* Writes the "json_file" key's file, when set. */
    if (vmtp_run_save_json(ctx) != VMTP_OK) {
        (void)fprintf(stderr, "%s: %s\n", argv[0], vmtp_ctx_error(ctx)->msg);
        rc = 3;
    }
    (void)printf("status=%s\n", vmtp_strerror(st));
out:
    free(json);
    vmtp_ctx_free(ctx);
    return rc;
}
