/* \summary: vmtp: the command-line program (thin main over libvmtp) */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <vmtp/cloud.h>
#include <vmtp/config.h>
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
    return cli_apply(ctx, o, stderr);
}

static int
load_creds(struct vmtp_ctx *ctx, const struct cli_opts *o)
{
    const char *const *envp = (const char *const *)environ;
    const char *cloud = o->os_cloud;
    enum vmtp_status st = VMTP_OK;

    if (cloud == NULL && !o->no_env && o->rc_file == NULL) {
        cloud = getenv("OS_CLOUD");
    }
    if (o->rc_file != NULL) {
        st = vmtp_creds_load_openrc(ctx, o->rc_file);
    } else if (cloud != NULL && *cloud != '\0') {
        st = vmtp_creds_load_clouds_yaml(
                ctx, cloud, o->no_env ? NULL : getenv("OS_CLIENT_CONFIG_FILE"),
                getenv("HOME"));
    } else if (!o->no_env) {
        st = vmtp_creds_load_env(ctx, envp, 0);
    }
    if (st == VMTP_OK && !o->no_env && (o->rc_file != NULL || cloud != NULL)) {
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

static bool
have_hosts(struct vmtp_ctx *ctx)
{
    char *v = vmtp_config_get(ctx, "hosts");
    bool yes = v != NULL && strcmp(v, "[]") != 0;

    free(v);
    return yes;
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
    if (!vmtp_creds_have_cloud(ctx) && !have_hosts(ctx)) {
        (void)fprintf(stderr,
                      "vmtp: nothing to run: give --host for a native host "
                      "test, or OpenStack credentials (-r <openrc_file>, "
                      "--os-cloud <cloud> or OS_* variables)\n");
        return CLI_EXIT_USAGE;
    }
    if (vmtp_creds_need_password(ctx)) {
        rc = prompt_password(ctx);
        if (rc != 0) {
            return rc;
        }
    }
    (void)fprintf(stderr, "vmtp: measurement engine not linked yet\n");
    return CLI_EXIT_INTERNAL;
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
