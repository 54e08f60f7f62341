/* \summary: vmtp: the command-line program (thin main over libvmtp) */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <vmtp/cloud.h>
#include <vmtp/config.h>
#include <vmtp/result.h>
#include <vmtp/run.h>
#include <vmtp/vmtp.h>

#include "opts.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_str.h"
#include "vx_time.h"

extern char **environ;

struct cli_log {
    FILE *file;  /* --log-file, or NULL */
    bool stamps; /* timestamps (with -d) */
};

static const char *const level_names[] = {"ERROR", "WARNING", "INFO", "DEBUG",
                                          "TRACE"};

static void
log_line(FILE *f, bool stamps, const char *level, const char *msg)
{
    if (stamps) {
        struct timespec ts;
        char when[32];

        (void)clock_gettime(CLOCK_REALTIME, &ts);
        (void)fprintf(f, "%s.%03ld %s %s\n",
                      vx_format_localtime(ts.tv_sec, when, sizeof(when)),
                      ts.tv_nsec / 1000000L, level, msg);
    } else {
        (void)fprintf(f, "%s %s\n", level, msg);
    }
}

/* The library's log hook: `LEVEL message` on stderr (and the log file). */
static void
cli_log_fn(void *ud,
           enum vmtp_log_level level,
           const char *func,
           const char *msg)
{
    const struct cli_log *lg = ud;
    const char *name = (unsigned)level < 5 ? level_names[level] : "LOG";

    (void)func;
    log_line(stderr, lg->stamps, name, msg);
    if (lg->file != NULL) {
        log_line(lg->file, true, name, msg);
    }
}

static int
config_error(struct vmtp_ctx *ctx)
{
    (void)fprintf(stderr, "vmtp: %s\n", vmtp_ctx_error(ctx)->msg);
    return CLI_EXIT_USAGE;
}

static bool
option_given(const struct cli_opts *o, const char *key)
{
    for (size_t i = 0; i < o->nsets; i++) {
        if (o->sets[i].key != NULL && strcmp(o->sets[i].key, key) == 0) {
            return true;
        }
    }
    return false;
}

/*
 * With -m the original forces every full run to 30 s, even over -t (its
 * bug, vmtp-behaviour.md §14.12). Here 30 s only replaces the default
 * 10 s: an explicit -t, or a configured time other than 10, wins.
 */
static int
monitor_time(struct vmtp_ctx *ctx, const struct cli_opts *o)
{
    char *mon = vmtp_config_get(ctx, "gmond_svr_ip");
    char *t = vmtp_config_get(ctx, "time");
    int rc = 0;

    if (mon != NULL && t != NULL && strcmp(mon, "null") != 0 &&
        strcmp(t, "10") == 0 && !option_given(o, "time")) {
        if (vmtp_config_set(ctx, "time", "30") != VMTP_OK) {
            rc = config_error(ctx);
        }
    }
    free(mon);
    free(t);
    return rc;
}

/* defaults < $HOME/.vmtp.yaml < -c FILE < options. */
static int
load_config(struct vmtp_ctx *ctx, const struct cli_opts *o)
{
    const char *home = getenv("HOME");
    char path[4096];
    struct stat st;

    if (home != NULL && *home != '\0' &&
        snprintf(path, sizeof(path), "%s/.vmtp.yaml", home) <
                (int)sizeof(path) &&
        stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
        vmtp_config_load_file(ctx, path) != VMTP_OK) {
        return config_error(ctx);
    }
    if (o->config_file != NULL &&
        vmtp_config_load_file(ctx, o->config_file) != VMTP_OK) {
        return config_error(ctx);
    }
    if (cli_apply(ctx, o, stderr) != 0) {
        return CLI_EXIT_USAGE;
    }
    return monitor_time(ctx, o);
}

static bool
have_hosts(struct vmtp_ctx *ctx)
{
    char *v = vmtp_config_get(ctx, "hosts");
    bool yes = v != NULL && strcmp(v, "[]") != 0;

    free(v);
    return yes;
}

static int
load_creds(struct vmtp_ctx *ctx, const struct cli_opts *o)
{
    const char *const *envp = (const char *const *)environ;
    const char *cloud = o->os_cloud;
    bool no_env = o->no_env;
    enum vmtp_status st = VMTP_OK;

    /* With --host, OS_* variables alone do not start a cloud run as well
     * (the original's surprise); -r or --os-cloud does. */
    if (!no_env && have_hosts(ctx) && o->rc_file == NULL && cloud == NULL) {
        no_env = true;
        if (getenv("OS_AUTH_URL") != NULL || getenv("OS_CLOUD") != NULL) {
            (void)fprintf(stderr,
                          "vmtp: --host given: OS_* variables ignored (give "
                          "-r or --os-cloud to run the cloud flows too)\n");
        }
    }
    if (cloud == NULL && !no_env && o->rc_file == NULL) {
        cloud = getenv("OS_CLOUD");
    }
    if (o->rc_file != NULL) {
        st = vmtp_creds_load_openrc(ctx, o->rc_file);
    } else if (cloud != NULL && *cloud != '\0') {
        st = vmtp_creds_load_clouds_yaml(
                ctx, cloud, no_env ? NULL : getenv("OS_CLIENT_CONFIG_FILE"),
                getenv("HOME"));
    } else if (!no_env) {
        st = vmtp_creds_load_env(ctx, envp, 0);
    }
    if (st == VMTP_OK && !no_env && (o->rc_file != NULL || cloud != NULL)) {
        st = vmtp_creds_load_env(ctx, envp, VMTP_CREDS_ENV_PASSWORD_ONLY);
    }
    if (st == VMTP_OK && o->password != NULL) {
        st = vmtp_creds_set_password(ctx, o->password);
    }
    if (st == VMTP_OK) {
        st = vmtp_creds_check(ctx);
    }
    return st == VMTP_OK ? 0 : config_error(ctx);
}

/* Ask for the password on the terminal without echo. */
static int
prompt_password(struct vmtp_ctx *ctx)
{
    struct termios old;
    struct termios quiet;
    char buf[256];
    char *nl;
    int rc = CLI_EXIT_USAGE;

    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &old) != 0) {
        (void)fprintf(stderr,
                      "vmtp: no OpenStack password: give -p, set "
                      "OS_PASSWORD, or run on a terminal to be asked\n");
        return CLI_EXIT_USAGE;
    }
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    (void)fputs("Please enter your OpenStack Password: ", stderr);
    (void)fflush(stderr);
    (void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    if (fgets(buf, sizeof(buf), stdin) != NULL) {
        nl = strchr(buf, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        rc = vmtp_creds_set_password(ctx, buf) == VMTP_OK ? 0
                                                          : CLI_EXIT_INTERNAL;
    }
    (void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    (void)fputs("\n", stderr);
    explicit_bzero(buf, sizeof(buf));
    return rc;
}

static int
show_config(struct vmtp_ctx *ctx)
{
    char *text = vmtp_config_dump_yaml(ctx);

    if (text == NULL) {
        (void)fprintf(stderr, "vmtp: out of memory\n");
        return CLI_EXIT_INTERNAL;
    }
    (void)fputs(text, stdout);
    free(text);
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
}

/* Validate the options once on a scratch context, before any file I/O. */
static int
check_options(const struct cli_opts *o)
{
    struct vmtp_ctx *scratch = vmtp_ctx_new();
    int rc;

    if (scratch == NULL) {
        (void)fprintf(stderr, "vmtp: out of memory\n");
        return CLI_EXIT_INTERNAL;
    }
    rc = cli_apply(scratch, o, stderr);
    vmtp_ctx_free(scratch);
    return rc;
}

static int
open_log(struct cli_log *lg, const struct cli_opts *o)
{
    char ebuf[128];

    if (o->log_file == NULL) {
        return 0;
    }
    lg->file = fopen(o->log_file, "w");
    if (lg->file == NULL) {
        (void)fprintf(stderr, "vmtp: cannot open log file '%s': %s\n",
                      o->log_file, vx_strerror(errno, ebuf, sizeof(ebuf)));
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* The context a signal cancels; the handler only sets flags. */
static struct vmtp_ctx *volatile signal_ctx;
static volatile sig_atomic_t signal_caught;

static void
on_signal(int sig)
{
    int saved = errno;

    signal_caught = sig;
    if (signal_ctx != NULL) {
        vmtp_ctx_cancel(signal_ctx);
    }
    errno = saved;
}

static void
catch_signals(struct vmtp_ctx *ctx)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    (void)sigemptyset(&sa.sa_mask);
    signal_ctx = ctx;
    (void)sigaction(SIGINT, &sa, NULL);
    (void)sigaction(SIGTERM, &sa, NULL);
    (void)sigaction(SIGHUP, &sa, NULL);
}

/* Map a library status to the documented exit codes (vmtp(1)). */
static int
exit_code(enum vmtp_status st)
{
    switch (st) {
    case VMTP_OK:
        return CLI_EXIT_OK;
    case VMTP_E_MEASURE:
        return CLI_EXIT_MEASURE;
    case VMTP_E_CANCELLED:
        return signal_caught != 0 ? 128 + signal_caught : CLI_EXIT_MEASURE;
    case VMTP_E_INVAL:
        return CLI_EXIT_USAGE;
    case VMTP_E_HTTP:
    case VMTP_E_AUTH:
    case VMTP_E_NOTFOUND:
    case VMTP_E_QUOTA:
        return CLI_EXIT_CLOUD;
    case VMTP_E_SSH:
    case VMTP_E_CONNECT:
    case VMTP_E_RESOLVE:
    case VMTP_E_TIMEOUT:
    case VMTP_E_PROTO:
        return CLI_EXIT_SSH;
    default:
        return CLI_EXIT_INTERNAL;
    }
}

/* The vmtp-agent beside this program (installed) or in the build tree. */
static void
find_agent(struct vmtp_ctx *ctx)
{
    static const char *const rel[] = {"vmtp-agent", "../agent/vmtp-agent",
                                      "../lib/vmtp/vmtp-agent"};
    char self[4096];
    char path[4096 + 64];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    char *slash;

    if (n <= 0) {
        return;
    }
    self[n] = '\0';
    slash = strrchr(self, '/');
    if (slash == NULL) {
        return;
    }
    *slash = '\0';
    for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
        if (snprintf(path, sizeof(path), "%s/%s", self, rel[i]) <
                    (int)sizeof(path) &&
            access(path, X_OK) == 0) {
            (void)vmtp_run_set_agent_path(ctx, path);
            return;
        }
    }
}

/* Print the table, write the JSON file, then store in MongoDB. */
static int
report(struct vmtp_ctx *ctx, int rc)
{
    struct vmtp_results *doc = vmtp_ctx_results(ctx);
    struct vmtp_error err;
    char *table = NULL;

    memset(&err, 0, sizeof(err));
    if (doc == NULL) {
        return rc;
    }
    if (vmtp_results_report_table(doc,
                                  isatty(STDOUT_FILENO) ? VMTP_REPORT_COLOR : 0,
                                  &table, &err) == VMTP_OK) {
        (void)fputs(table, stdout);
        (void)fflush(stdout);
    }
    free(table);
    if (vmtp_run_save_json(ctx) != VMTP_OK) {
        (void)fprintf(stderr, "vmtp: %s\n", vmtp_ctx_error(ctx)->msg);
        return rc != 0 ? rc : CLI_EXIT_INTERNAL;
    }
    if (vmtp_run_store_mongo(ctx) != VMTP_OK) {
        (void)fprintf(stderr, "vmtp: %s\n", vmtp_ctx_error(ctx)->msg);
        rc = rc != 0 ? rc : CLI_EXIT_MEASURE;
    }
    return rc;
}

static int
measure(struct vmtp_ctx *ctx)
{
    enum vmtp_status st;
    int rc;

    find_agent(ctx);
    catch_signals(ctx);
    st = vmtp_run(ctx);
    rc = exit_code(st);
    if (!vmtp_creds_have_cloud(ctx)) {
        /* A native run: SSH refused us, not Keystone; a name the user gave
         * (an interface) is not on the host. */
        if (st == VMTP_E_AUTH) {
            rc = CLI_EXIT_SSH;
        } else if (st == VMTP_E_NOTFOUND) {
            rc = CLI_EXIT_USAGE;
        }
    }
    if (st != VMTP_OK) {
        (void)fprintf(stderr, "vmtp: %s\n", vmtp_ctx_error(ctx)->msg);
    }
    if (st == VMTP_E_CANCELLED && signal_caught != 0) {
        (void)fprintf(stderr,
                      "vmtp: interrupted by %s: remote processes stopped, "
                      "the results so far are kept\n",
                      signal_caught == SIGINT    ? "SIGINT"
                      : signal_caught == SIGTERM ? "SIGTERM"
                                                 : "a signal");
    }
    rc = report(ctx, rc);
    signal_ctx = NULL;
    return rc;
}

/* Cleanup ledgers live in $XDG_STATE_HOME/vmtp or ~/.local/state/vmtp. */
static int
set_state_dir(struct vmtp_ctx *ctx)
{
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    char dir[4096];
    int n;

    if (xdg != NULL && *xdg == '/') {
        n = snprintf(dir, sizeof(dir), "%s/vmtp", xdg);
    } else if (home != NULL && *home != '\0') {
        n = snprintf(dir, sizeof(dir), "%s/.local/state/vmtp", home);
    } else {
        return 0;
    }
    if (n < 0 || (size_t)n >= sizeof(dir)) {
        return 0;
    }
    return vmtp_run_set_state_dir(ctx, dir) == VMTP_OK ? 0 : CLI_EXIT_INTERNAL;
}

/* --dry-run: everything is valid; say what would run and stop. */
static int
dry_run(struct vmtp_ctx *ctx)
{
    char *hosts = vmtp_config_get(ctx, "hosts");
    char *tool = vmtp_config_get(ctx, "tp_tool");
    char *protocols = vmtp_config_get(ctx, "protocols");

    (void)printf(
            "dry run: options, configuration and credentials are valid\n"
            "native hosts: %s\n"
            "tool: %s, protocols: %s\n"
            "OpenStack: %s%s\n",
            hosts != NULL ? hosts : "?", tool != NULL ? tool : "?",
            protocols != NULL ? protocols : "?",
            vmtp_creds_have_cloud(ctx) ? "credentials found" : "no credentials",
            vmtp_creds_need_password(ctx) ? " (password to be asked)" : "");
    free(hosts);
    free(tool);
    free(protocols);
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
}

static int
run(struct vmtp_ctx *ctx, const struct cli_opts *o)
{
    int rc = load_config(ctx, o);

    if (rc != 0) {
        return rc;
    }
    if (o->show_config) {
        return show_config(ctx);
    }
    rc = load_creds(ctx, o);
    if (rc != 0) {
        return rc;
    }
    if (o->cleanup && !vmtp_creds_have_cloud(ctx)) {
        (void)fprintf(stderr, "vmtp: --cleanup needs OpenStack credentials "
                              "(-r, --os-cloud or OS_* variables)\n");
        return CLI_EXIT_USAGE;
    }
    if (o->cleanup &&
        vmtp_run_set_cleanup(ctx, true, o->cleanup_run_id) != VMTP_OK) {
        return config_error(ctx);
    }
    rc = set_state_dir(ctx);
    if (rc != 0) {
        return rc;
    }
    if (!vmtp_creds_have_cloud(ctx) && !have_hosts(ctx)) {
        (void)fprintf(stderr,
                      "vmtp: nothing to run: give --host for a native host "
                      "test, or OpenStack credentials (-r <openrc_file>, "
                      "--os-cloud <cloud> or OS_* variables)\n");
        return CLI_EXIT_USAGE;
    }
    if (o->dry_run) {
        return dry_run(ctx);
    }
    if (vmtp_creds_need_password(ctx)) {
        rc = prompt_password(ctx);
        if (rc != 0) {
            return rc;
        }
    }
    return measure(ctx);
}

int
main(int argc, char **argv)
{
    struct cli_opts o;
    struct cli_log lg = {NULL, false};
    struct vmtp_ctx *ctx = NULL;
    char *args = NULL;
    int rc = cli_parse(argc, argv, &o, stderr);

    if (rc != 0 || o.help || o.version) {
        if (rc == 0 && o.help) {
            cli_usage(stdout);
        } else if (rc == 0) {
            (void)printf("%s\n", vmtp_version());
        }
        goto out;
    }
    args = cli_masked_args(argc, argv);
    cli_scrub_argv(argc, argv);
    rc = check_options(&o);
    if (rc == 0) {
        rc = open_log(&lg, &o);
    }
    if (rc != 0) {
        goto out;
    }
    ctx = vmtp_ctx_new();
    if (ctx == NULL || args == NULL) {
        (void)fprintf(stderr, "vmtp: out of memory\n");
        rc = CLI_EXIT_INTERNAL;
        goto out;
    }
    lg.stamps = o.debug;
    vmtp_ctx_set_log(ctx, cli_log_fn, &lg,
                     o.debug   ? VMTP_LOG_DEBUG
                     : o.quiet ? VMTP_LOG_WARN
                               : VMTP_LOG_INFO);
    if (o.debug) {
        cli_log_fn(&lg, VMTP_LOG_DEBUG, __func__, args);
    }
    if (vmtp_run_set_args(ctx, args) != VMTP_OK) {
        rc = CLI_EXIT_INTERNAL;
        goto out;
    }
    rc = run(ctx, &o);
out:
    vmtp_ctx_free(ctx);
    free(args);
    cli_opts_release(&o);
    if (lg.file != NULL && fclose(lg.file) != 0 && rc == 0) {
        rc = CLI_EXIT_INTERNAL;
    }
    return rc;
}
