/* \summary: vmtp command line: option table, parser, masking, usage */
#include "opts.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <vmtp/config.h>
#include <vmtp/vmtp.h>

#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_buf.h"
#include "vx_parse.h"
#include "vx_str.h"

enum arg_kind {
    ARG_NONE,
    ARG_REQUIRED,
    ARG_OPTIONAL,
};

enum secret_kind {
    SECRET_NO,
    SECRET_WHOLE,     /* the whole value is a password */
    SECRET_ACCESS,    /* user@host:PASSWORD */
    SECRET_ACCESS_IF, /* user@host:PASSWORD:ifname */
};

enum opt_id {
    OPT_HELP,
    OPT_CONFIG,
    OPT_SHOW_CONFIG,
    OPT_RC,
    OPT_MONITOR,
    OPT_PASSWORD,
    OPT_TIME,
    OPT_HOST,
    OPT_EXT_HOST,
    OPT_CONTROLLER,
    OPT_MONGOD,
    OPT_JSON,
    OPT_TP_TOOL,
    OPT_AZ,
    OPT_HYPERVISOR,
    OPT_INTER_NODE,
    OPT_SAME_NET,
    OPT_PROTOCOLS,
    OPT_BANDWIDTH,
    OPT_TCPBUF,
    OPT_UDPBUF,
    OPT_REUSE_NET,
    OPT_DATAPLANE,
    OPT_DELETE_IMAGE,
    OPT_NO_ENV,
    OPT_DRY_RUN,
    OPT_VNIC,
    OPT_DEBUG,
    OPT_VERSION,
    OPT_STOP_ON_ERROR,
    OPT_IMAGE_URL,
    OPT_DESCRIPTION,
    OPT_MCAST,
    OPT_ICMP_SIZES,
    OPT_NO_DHCP,
    OPT_NO_FIP,
    OPT_CONFIG_DRIVE,
    OPT_KEEP_FIRST,
    OPT_LOG_FILE,
    OPT_OS_CLOUD,
    OPT_INSECURE,
    OPT_CLEANUP,
    OPT_ACCEPT_KEYS,
    OPT_QUIET,
};

struct opt {
    enum opt_id id;
    const char *shortname; /* "-c", "-sc" or NULL */
    const char *longname;  /* "--config" */
    const char *alt;       /* another long spelling or NULL */
    enum arg_kind arg;
    enum secret_kind secret;
    const char *key;  /* configuration key set by the option, or NULL */
    const char *form; /* accepted form of the value, for messages */
};

#define FORM_ACCESS_IF                                                      \
    "<user>@<host>[:<password>[:<ifname>]] where host is an IPv4 address, " \
    "a host name or a bracketed IPv6 address such as [2001:db8::5]"
#define FORM_ACCESS                                                          \
    "<user>@<host>[:<password>] where host is an IPv4 address, a host name " \
    "or a bracketed IPv6 address"
#define FORM_HOSTPORT "<ip>[:<port>] (IPv4, host name or [IPv6]; port 1..65535)"
static const char FORM_NAME[] = "a non-empty name without white space";
#define FORM_FILE "a file name"

static const struct opt opts[] = {
        {OPT_HELP, "-h", "--help", NULL, ARG_NONE, SECRET_NO, NULL, NULL},
        {OPT_CONFIG, "-c", "--config", NULL, ARG_REQUIRED, SECRET_NO, NULL,
         FORM_FILE},
        {OPT_SHOW_CONFIG, "-sc", "--show-config", NULL, ARG_NONE, SECRET_NO,
         NULL, NULL},
        {OPT_RC, "-r", "--rc", NULL, ARG_REQUIRED, SECRET_NO, NULL, FORM_FILE},
        {OPT_MONITOR, "-m", "--monitor", NULL, ARG_REQUIRED, SECRET_NO, NULL,
         "<gmond_ip>[:<port>] (IPv4, host name or [IPv6]; port 1..65535)"},
        {OPT_PASSWORD, "-p", "--password", NULL, ARG_REQUIRED, SECRET_WHOLE,
         NULL, "a non-empty password"},
        {OPT_TIME, "-t", "--time", NULL, ARG_REQUIRED, SECRET_NO, "time",
         "an integer number of seconds in 1..3600"},
        {OPT_HOST, NULL, "--host", NULL, ARG_REQUIRED, SECRET_ACCESS_IF,
         "hosts+", FORM_ACCESS_IF},
        {OPT_EXT_HOST, NULL, "--external-host", NULL, ARG_REQUIRED,
         SECRET_ACCESS, "ext_host", FORM_ACCESS},
        {OPT_CONTROLLER, NULL, "--controller-node", NULL, ARG_REQUIRED,
         SECRET_ACCESS, "controller_node", FORM_ACCESS},
        {OPT_MONGOD, NULL, "--mongod-server", NULL, ARG_REQUIRED, SECRET_NO,
         NULL, FORM_HOSTPORT},
        {OPT_JSON, NULL, "--json", NULL, ARG_REQUIRED, SECRET_NO, "json_file",
         FORM_FILE},
        {OPT_TP_TOOL, NULL, "--tp-tool", NULL, ARG_REQUIRED, SECRET_NO,
         "tp_tool", "nuttcp, iperf, iperf3 or vmtp"},
        {OPT_AZ, NULL, "--availability_zone", NULL, ARG_REQUIRED, SECRET_NO,
         "availability_zone", FORM_NAME},
        {OPT_HYPERVISOR, NULL, "--hypervisor", NULL, ARG_REQUIRED, SECRET_NO,
         "hypervisors+", "[<az>:]<hostname>, at most twice"},
        {OPT_INTER_NODE, NULL, "--inter-node-only", NULL, ARG_NONE, SECRET_NO,
         "inter_node_only", NULL},
        {OPT_SAME_NET, NULL, "--same-network-only", NULL, ARG_NONE, SECRET_NO,
         "same_network_only", NULL},
        {OPT_PROTOCOLS, NULL, "--protocols", NULL, ARG_REQUIRED, SECRET_NO,
         "protocols",
         "letters from T (TCP), U (UDP), I (ICMP) and M (multicast), e.g. "
         "TUI"},
        {OPT_BANDWIDTH, NULL, "--bandwidth", NULL, ARG_REQUIRED, SECRET_NO,
         "vm_bandwidth",
         "a positive integer with a K, M or G suffix (kbit/s, Mbit/s, "
         "Gbit/s), e.g. 128K, 32M, 5G"},
        {OPT_TCPBUF, NULL, "--tcpbuf", NULL, ARG_REQUIRED, SECRET_NO,
         "tcp_pkt_sizes",
         "1 to 16 comma-separated integers in 1..16777216, e.g. 8192,65536"},
        {OPT_UDPBUF, NULL, "--udpbuf", NULL, ARG_REQUIRED, SECRET_NO,
         "udp_pkt_sizes",
         "1 to 16 comma-separated integers in 1..65507 (the largest UDP "
         "payload), e.g. 128,2048"},
        {OPT_REUSE_NET, NULL, "--reuse_network_name", NULL, ARG_REQUIRED,
         SECRET_NO, "reuse_network_name", FORM_NAME},
        {OPT_DATAPLANE, NULL, "--os-dataplane-network", NULL, ARG_REQUIRED,
         SECRET_NO, "os_dataplane_network", FORM_NAME},
        {OPT_DELETE_IMAGE, NULL, "--delete-image-after-run", NULL, ARG_NONE,
         SECRET_NO, "delete_image_after_run", NULL},
        {OPT_NO_ENV, NULL, "--no-env", NULL, ARG_NONE, SECRET_NO, NULL, NULL},
        {OPT_DRY_RUN, NULL, "--dry-run", NULL, ARG_NONE, SECRET_NO, NULL, NULL},
        {OPT_VNIC, NULL, "--vnic-type", NULL, ARG_REQUIRED, SECRET_NO,
         "vnic_type", "direct, macvtap or normal"},
        {OPT_DEBUG, "-d", "--debug", NULL, ARG_NONE, SECRET_NO, "debug", NULL},
        {OPT_VERSION, "-v", "--version", NULL, ARG_NONE, SECRET_NO, NULL, NULL},
        {OPT_STOP_ON_ERROR, NULL, "--stop-on-error", NULL, ARG_NONE, SECRET_NO,
         "stop_on_error", NULL},
        {OPT_IMAGE_URL, NULL, "--vm-image-url", NULL, ARG_REQUIRED, SECRET_NO,
         "vm_image_url", "file://<path>, http://<url> or https://<url>"},
        {OPT_DESCRIPTION, NULL, "--test-description", NULL, ARG_REQUIRED,
         SECRET_NO, "test_description", "a text"},
        {OPT_MCAST, NULL, "--multicast_addr", NULL, ARG_REQUIRED, SECRET_NO,
         "multicast_addr",
         "an IPv4 (224.0.0.0/4) or IPv6 (ff00::/8) multicast address"},
        {OPT_ICMP_SIZES, NULL, "--icmp_pkt_sizes", NULL, ARG_REQUIRED,
         SECRET_NO, "icmp_pkt_sizes",
         "1 to 16 comma-separated integers in 0..65507, e.g. 64,391,1500"},
        {OPT_NO_DHCP, NULL, "--no-dhcp", NULL, ARG_NONE, SECRET_NO, "no_dhcp",
         NULL},
        {OPT_NO_FIP, NULL, "--no-floatingip", NULL, ARG_NONE, SECRET_NO,
         "no_floatingip", NULL},
        {OPT_CONFIG_DRIVE, NULL, "--use-config-drive", NULL, ARG_NONE,
         SECRET_NO, "config_drive", NULL},
        {OPT_KEEP_FIRST, NULL, "--keep-first-flow-and-exit", NULL, ARG_NONE,
         SECRET_NO, "keep_first_flow_and_exit", NULL},
        {OPT_LOG_FILE, NULL, "--log-file", "--logfile", ARG_REQUIRED, SECRET_NO,
         "log_file", FORM_FILE},
        {OPT_OS_CLOUD, NULL, "--os-cloud", NULL, ARG_REQUIRED, SECRET_NO, NULL,
         FORM_NAME},
        {OPT_INSECURE, NULL, "--insecure", NULL, ARG_NONE, SECRET_NO,
         "insecure", NULL},
        {OPT_CLEANUP, NULL, "--cleanup", NULL, ARG_OPTIONAL, SECRET_NO, NULL,
         "a run id of 1..64 characters from [A-Za-z0-9_-]"},
        {OPT_ACCEPT_KEYS, NULL, "--accept-unknown-host-keys", NULL, ARG_NONE,
         SECRET_NO, "accept_unknown_host_keys", NULL},
        {OPT_QUIET, "-q", "--quiet", NULL, ARG_NONE, SECRET_NO, NULL, NULL},
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static const char try_help[] = "Try 'vmtp -h' for more information.\n";

/* ------------------------------------------------------------ tokens -- */

struct token {
    const struct opt *opt;
    char spell[48];    /* the option as typed, without "=value" */
    const char *value; /* NULL when none */
    int vidx;          /* argv index holding the value */
    size_t voff;       /* offset of the value in argv[vidx] */
};

static const struct opt *
find_exact(const char *s, size_t len)
{
    for (size_t i = 0; i < NOPTS; i++) {
        const char *names[3] = {opts[i].shortname, opts[i].longname,
                                opts[i].alt};

        for (size_t j = 0; j < 3; j++) {
            if (names[j] != NULL && strlen(names[j]) == len &&
                strncmp(names[j], s, len) == 0) {
                return &opts[i];
            }
        }
    }
    return NULL;
}

static bool
looks_like_option(const char *s)
{
    if (s[0] != '-' || s[1] == '\0') {
        return false;
    }
    return find_exact(s, strcspn(s, "=")) != NULL;
}

/* Levenshtein distance of a[0..al) and b, capped for long strings. */
static size_t
distance(const char *a, size_t al, const char *b)
{
    size_t bl = strlen(b);
    size_t row[64];

    if (al >= 63 || bl >= 63) {
        return 99;
    }
    for (size_t j = 0; j <= bl; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= al; i++) {
        size_t diag = row[0];

        row[0] = i;
        for (size_t j = 1; j <= bl; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] == b[j - 1] ? 0 : 1);

            if (up + 1 < best) {
                best = up + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            row[j] = best;
            diag = up;
        }
    }
    return row[bl];
}

static void
unknown_option(const char *arg, FILE *errf)
{
    size_t len = strcspn(arg, "=");
    const char *best = NULL;
    size_t bestd = 3;
    char dashed[64];

    if (errf == NULL) {
        return;
    }
    /* "-config" means "--config"; "--proto" is a prefix of "--protocols". */
    (void)snprintf(dashed, sizeof(dashed), "-%.*s", (int)len, arg);
    for (size_t i = 0; i < NOPTS; i++) {
        const char *names[2] = {opts[i].longname, opts[i].alt};

        for (size_t j = 0; j < 2; j++) {
            size_t d;

            if (names[j] == NULL) {
                continue;
            }
            d = distance(arg, len, names[j]);
            if (arg[1] != '-' && strcmp(dashed, names[j]) == 0) {
                d = 0;
            } else if (len > 3 && strncmp(names[j], arg, len) == 0) {
                d = 1;
            }
            if (d < bestd) {
                bestd = d;
                best = names[j];
            }
        }
    }
    (void)fprintf(errf, "vmtp: unknown option '%.*s'", (int)len, arg);
    if (best != NULL) {
        (void)fprintf(errf, "; did you mean '%s'?", best);
    }
    (void)fprintf(errf, "\n%s", try_help);
}

static void
set_spell(struct token *t, const char *s, size_t len)
{
    if (len >= sizeof(t->spell)) {
        len = sizeof(t->spell) - 1;
    }
    memcpy(t->spell, s, len);
    t->spell[len] = '\0';
}

/* The value of a long option: "--opt=value" or the next argument. */
static int
long_value(int argc, char *const *argv, int *i, struct token *t, FILE *errf)
{
    const char *a = argv[*i];
    const char *eq = strchr(a, '=');

    if (eq != NULL) {
        if (t->opt->arg == ARG_NONE) {
            if (errf != NULL) {
                (void)fprintf(errf, "vmtp: option '%s' takes no value\n%s",
                              t->spell, try_help);
            }
            return -1;
        }
        t->value = eq + 1;
        t->vidx = *i;
        t->voff = (size_t)(eq + 1 - a);
        return 1;
    }
    if (t->opt->arg == ARG_NONE) {
        return 1;
    }
    if (*i + 1 < argc && !looks_like_option(argv[*i + 1]) &&
        (t->opt->arg == ARG_REQUIRED || argv[*i + 1][0] != '-')) {
        *i += 1;
        t->value = argv[*i];
        t->vidx = *i;
        t->voff = 0;
        return 1;
    }
    if (t->opt->arg == ARG_OPTIONAL) {
        return 1;
    }
    if (errf != NULL) {
        (void)fprintf(errf, "vmtp: option '%s' needs a value: %s\n%s", t->spell,
                      t->opt->form, try_help);
    }
    return -1;
}

/* A short option with its value attached: -px, -t20, -cFILE. */
static const struct opt *
attached_short(const char *a)
{
    for (size_t i = 0; i < NOPTS; i++) {
        const char *s = opts[i].shortname;

        if (s != NULL && strlen(s) == 2 && opts[i].arg == ARG_REQUIRED &&
            strncmp(a, s, 2) == 0 && a[2] != '\0') {
            return &opts[i];
        }
    }
    return NULL;
}

static bool
single_dash_long(const char *a)
{
    char dashed[64];
    int n = snprintf(dashed, sizeof(dashed), "-%s", a);

    return n > 0 && (size_t)n < sizeof(dashed) &&
           find_exact(dashed, strcspn(dashed, "=")) != NULL;
}

/*
 * Read the option at argv[*i] (and its value) into t, advancing *i past
 * it. Returns 1, 0 at the end of argv, -1 on error (printed to errf
 * when not NULL).
 */
static int
next_token(int argc, char *const *argv, int *i, struct token *t, FILE *errf)
{
    const char *a;
    size_t len;

    memset(t, 0, sizeof(*t));
    if (*i >= argc) {
        return 0;
    }
    a = argv[*i];
    len = strcspn(a, "=");
    if (a[0] != '-' || a[1] == '\0' || strcmp(a, "--") == 0) {
        if (errf != NULL) {
            (void)fprintf(errf,
                          "vmtp: unexpected argument '%s': vmtp takes "
                          "options only\n%s",
                          a, try_help);
        }
        return -1;
    }
    t->opt = a[1] == '-' ? find_exact(a, len) : find_exact(a, strlen(a));
    if (t->opt != NULL) {
        set_spell(t, a, a[1] == '-' ? len : strlen(a));
        if (long_value(argc, argv, i, t, errf) < 0) {
            return -1;
        }
        ++*i;
        return 1;
    }
    /* "-config" is "--config" mistyped, not "-c onfig". */
    t->opt = a[1] != '-' && !single_dash_long(a) ? attached_short(a) : NULL;
    if (t->opt != NULL) {
        set_spell(t, a, 2);
        t->value = a + 2;
        t->vidx = *i;
        t->voff = 2;
        ++*i;
        return 1;
    }
    unknown_option(a, errf);
    return -1;
}

/* ------------------------------------------------------------ values -- */

static int
bad(FILE *errf, const struct token *t, const char *why)
{
    if (t->opt->secret != SECRET_NO || t->value == NULL) {
        (void)fprintf(errf,
                      "vmtp: option '%s': invalid value: %s; expected "
                      "%s\n%s",
                      t->spell, why, t->opt->form, try_help);
    } else {
        (void)fprintf(errf,
                      "vmtp: option '%s': invalid value '%s': %s; expected "
                      "%s\n%s",
                      t->spell, t->value, why, t->opt->form, try_help);
    }
    return CLI_EXIT_USAGE;
}

static int
add_set(struct cli_opts *o,
        const struct token *t,
        const char *key,
        const char *value,
        FILE *errf)
{
    struct cli_set *s;

    if (o->nsets >= CLI_MAX_SETS) {
        (void)fprintf(errf, "vmtp: too many options\n%s", try_help);
        return CLI_EXIT_USAGE;
    }
    s = &o->sets[o->nsets];
    s->value = NULL;
    if (value != NULL) {
        s->value = vx_strdup(value);
        if (s->value == NULL) {
            (void)fprintf(errf, "vmtp: out of memory\n");
            return CLI_EXIT_INTERNAL;
        }
    }
    s->option = t->opt->longname;
    s->short_option = t->opt->shortname;
    s->form = t->opt->form;
    s->key = key;
    s->secret = t->opt->secret != SECRET_NO;
    o->nsets++;
    return 0;
}

static bool
has_space(const char *s)
{
    for (; *s != '\0'; s++) {
        if (isspace((unsigned char)*s) || iscntrl((unsigned char)*s)) {
            return true;
        }
    }
    return false;
}

static int
value_hostport(struct cli_opts *o,
               const struct token *t,
               const char *hostkey,
               const char *portkey,
               FILE *errf)
{
    char host[VX_HOST_MAX];
    char port[8];
    int p = 0;
    bool has_port = false;
    const char *why = NULL;
    int rc;

    if (vx_parse_hostport(t->value, host, sizeof(host), &p, &has_port, &why) !=
        0) {
        return bad(errf, t, why);
    }
    rc = add_set(o, t, hostkey, host, errf);
    if (rc == 0 && has_port) {
        (void)snprintf(port, sizeof(port), "%d", p);
        rc = add_set(o, t, portkey, port, errf);
    }
    return rc;
}

static int
value_access(struct cli_opts *o, const struct token *t, FILE *errf)
{
    struct vx_access a;
    const char *why = NULL;
    bool with_if = t->opt->id == OPT_HOST;
    int rc;

    rc = vx_parse_access(t->value, with_if, &a, &why);
    vx_access_clear(&a);
    if (rc != 0) {
        return bad(errf, t, why);
    }
    if (t->opt->id != OPT_HOST) {
        return add_set(o, t, t->opt->key, t->value, errf);
    }
    for (size_t i = 0; i < o->nsets; i++) {
        if (strcmp(o->sets[i].key, "hosts+") == 0 &&
            strcmp(o->sets[i].value, t->value) == 0) {
            return 0; /* an exact duplicate: drop it, keep the order */
        }
    }
    if (++o->nhosts > 2) {
        return bad(errf, t, "given more than twice");
    }
    if (o->nhosts == 1 && add_set(o, t, "hosts", NULL, errf) != 0) {
        return CLI_EXIT_INTERNAL;
    }
    return add_set(o, t, "hosts+", t->value, errf);
}

static int
value_rate(struct cli_opts *o, const struct token *t, FILE *errf)
{
    long long kbps = 0;
    const char *why = NULL;
    char num[32];

    if (vx_parse_rate_kbps(t->value, &kbps, &why) != 0) {
        return bad(errf, t, why);
    }
    (void)snprintf(num, sizeof(num), "%lld", kbps);
    return add_set(o, t, "vm_bandwidth", num, errf);
}

static int
value_list(struct cli_opts *o,
           const struct token *t,
           long long lo,
           long long hi,
           FILE *errf)
{
    long long v[16];
    size_t n = 0;
    const char *why = NULL;

    if (vx_parse_int_list(t->value, lo, hi, v, 16, &n, &why) != 0) {
        return bad(errf, t, why);
    }
    return add_set(o, t, t->opt->key, t->value, errf);
}

static int
value_hypervisor(struct cli_opts *o, const struct token *t, FILE *errf)
{
    if (++o->nhypervisors > 2) {
        return bad(errf, t, "given more than twice");
    }
    if (o->nhypervisors == 1 && add_set(o, t, "hypervisors", NULL, errf) != 0) {
        return CLI_EXIT_INTERNAL;
    }
    return add_set(o, t, "hypervisors+", t->value, errf);
}

static int
value_run_id(struct cli_opts *o, const struct token *t, FILE *errf)
{
    size_t len = t->value != NULL ? strlen(t->value) : 0;

    o->cleanup = true;
    if (t->value == NULL) {
        return 0;
    }
    if (len == 0 || len > 64 ||
        strspn(t->value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789_-") != len) {
        return bad(errf, t, "not a run id");
    }
    o->cleanup_run_id = t->value;
    return 0;
}

static int
value_url(struct cli_opts *o, const struct token *t, FILE *errf)
{
    const char *v = t->value;

    if ((!vx_startswith(v, "file://") && !vx_startswith(v, "http://") &&
         !vx_startswith(v, "https://")) ||
        strlen(strstr(v, "://")) <= 3 || has_space(v)) {
        return bad(errf, t, "not a file:// or http(s):// URL");
    }
    return add_set(o, t, t->opt->key, v, errf);
}

static int
value_simple(struct cli_opts *o, const struct token *t, FILE *errf)
{
    const struct opt *op = t->opt;

    if (op->arg == ARG_NONE) {
        return add_set(o, t, op->key, "true", errf);
    }
    if (op->id != OPT_DESCRIPTION && t->value[0] == '\0') {
        return bad(errf, t, "empty value");
    }
    if (op->form == FORM_NAME && has_space(t->value)) {
        return bad(errf, t, "contains white space");
    }
    return add_set(o, t, op->key, t->value, errf);
}

static int
value_password(struct cli_opts *o, const struct token *t, FILE *errf)
{
    if (t->value[0] == '\0') {
        return bad(errf, t, "empty value");
    }
    vx_burn_free(o->password);
    o->password = vx_strdup(t->value);
    if (o->password == NULL) {
        (void)fprintf(errf, "vmtp: out of memory\n");
        return CLI_EXIT_INTERNAL;
    }
    return 0;
}

static int
value_file(const struct token *t, const char **slot, FILE *errf)
{
    if (t->value[0] == '\0') {
        return bad(errf, t, "empty file name");
    }
    *slot = t->value;
    return 0;
}

static int
apply_token(struct cli_opts *o, const struct token *t, FILE *errf)
{
    switch (t->opt->id) {
    case OPT_HELP:
        o->help = true;
        return 0;
    case OPT_VERSION:
        o->version = true;
        return 0;
    case OPT_SHOW_CONFIG:
        o->show_config = true;
        return 0;
    case OPT_NO_ENV:
        o->no_env = true;
        return 0;
    case OPT_DRY_RUN:
        o->dry_run = true;
        return 0;
    case OPT_QUIET:
        o->quiet = true;
        return 0;
    case OPT_DEBUG:
        o->debug = true;
        return value_simple(o, t, errf);
    case OPT_CONFIG:
        return value_file(t, &o->config_file, errf);
    case OPT_RC:
        return value_file(t, &o->rc_file, errf);
    case OPT_OS_CLOUD:
        if (has_space(t->value) || t->value[0] == '\0') {
            return bad(errf, t, "empty or contains white space");
        }
        o->os_cloud = t->value;
        return 0;
    case OPT_LOG_FILE:
        if (value_file(t, &o->log_file, errf) != 0) {
            return CLI_EXIT_USAGE;
        }
        return value_simple(o, t, errf);
    case OPT_PASSWORD:
        return value_password(o, t, errf);
    case OPT_MONITOR:
        return value_hostport(o, t, "gmond_svr_ip", "gmond_svr_port", errf);
    case OPT_MONGOD:
        return value_hostport(o, t, "vmtp_mongod_ip", "vmtp_mongod_port", errf);
    case OPT_HOST:
    case OPT_EXT_HOST:
    case OPT_CONTROLLER:
        return value_access(o, t, errf);
    case OPT_BANDWIDTH:
        return value_rate(o, t, errf);
    case OPT_TCPBUF:
        return value_list(o, t, 1, 16777216, errf);
    case OPT_UDPBUF:
        return value_list(o, t, 1, VX_UDP_PAYLOAD_MAX, errf);
    case OPT_ICMP_SIZES:
        return value_list(o, t, 0, VX_UDP_PAYLOAD_MAX, errf);
    case OPT_HYPERVISOR:
        return value_hypervisor(o, t, errf);
    case OPT_CLEANUP:
        return value_run_id(o, t, errf);
    case OPT_IMAGE_URL:
        return value_url(o, t, errf);
    default:
        return value_simple(o, t, errf);
    }
}

int
cli_parse(int argc, char *const *argv, struct cli_opts *o, FILE *errf)
{
    struct token t;
    int i = 1;
    int rc;

    memset(o, 0, sizeof(*o));
    while ((rc = next_token(argc, argv, &i, &t, errf)) == 1) {
        rc = apply_token(o, &t, errf);
        if (rc != 0) {
            return rc;
        }
        if (o->help) {
            return 0;
        }
    }
    if (rc < 0) {
        return CLI_EXIT_USAGE;
    }
    if (o->debug && o->quiet) {
        (void)fprintf(errf, "vmtp: options '-d' and '-q' conflict\n%s",
                      try_help);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

void
cli_opts_release(struct cli_opts *o)
{
    for (size_t i = 0; i < o->nsets; i++) {
        if (o->sets[i].secret) {
            vx_burn_free(o->sets[i].value);
        } else {
            free(o->sets[i].value);
        }
    }
    vx_burn_free(o->password);
    memset(o, 0, sizeof(*o));
}

/* The reason inside "...key 'x': WHY; expected ..." from the library. */
static void
reason(const char *msg, char *out, size_t size)
{
    const char *p = strstr(msg, "': ");
    const char *end;

    p = p != NULL ? p + 3 : msg;
    end = strstr(p, "; expected");
    if (end == NULL) {
        end = p + strlen(p);
    }
    (void)snprintf(out, size, "%.*s", (int)(end - p), p);
}

int
cli_apply(struct vmtp_ctx *ctx, const struct cli_opts *o, FILE *errf)
{
    char why[256];
    char name[64];

    for (size_t i = 0; i < o->nsets; i++) {
        const struct cli_set *s = &o->sets[i];

        if (vmtp_config_set(ctx, s->key, s->value) == VMTP_OK) {
            continue;
        }
        reason(vmtp_ctx_error(ctx)->msg, why, sizeof(why));
        (void)snprintf(name, sizeof(name), "%s%s%s",
                       s->short_option != NULL ? s->short_option : "",
                       s->short_option != NULL ? "/" : "", s->option);
        if (s->secret || s->value == NULL) {
            (void)fprintf(errf,
                          "vmtp: option '%s': invalid value: %s; expected "
                          "%s\n%s",
                          name, why, s->form, try_help);
        } else {
            (void)fprintf(errf,
                          "vmtp: option '%s': invalid value '%s': %s; "
                          "expected %s\n%s",
                          name, s->value, why, s->form, try_help);
        }
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* ----------------------------------------------------------- masking -- */

/* The password inside an access value: [*start, *end). */
static bool
access_pw_span(const char *v, bool with_if, size_t *start, size_t *end)
{
    const char *at = strchr(v, '@');
    const char *p;
    const char *last;

    if (at == NULL) {
        return false;
    }
    p = at + 1;
    if (*p == '[') {
        p = strchr(p, ']');
        if (p == NULL) {
            return false;
        }
    }
    p = strchr(p, ':');
    if (p == NULL) {
        return false;
    }
    *start = (size_t)(p + 1 - v);
    last = with_if ? strrchr(p + 1, ':') : NULL;
    *end = last != NULL ? (size_t)(last - v) : strlen(v);
    return *end > *start;
}

/* The secret span of token t inside argv[t->vidx], if any. */
static bool
secret_span(const struct token *t, size_t *start, size_t *end)
{
    if (t->value == NULL) {
        return false;
    }
    switch (t->opt->secret) {
    case SECRET_WHOLE:
        *start = t->voff;
        *end = t->voff + strlen(t->value);
        return *end > *start;
    case SECRET_ACCESS:
    case SECRET_ACCESS_IF:
        if (!access_pw_span(t->value, t->opt->secret == SECRET_ACCESS_IF, start,
                            end)) {
            return false;
        }
        *start += t->voff;
        *end += t->voff;
        return true;
    case SECRET_NO:
        break;
    }
    return false;
}

char *
cli_masked_args(int argc, char *const *argv)
{
    struct vx_buf b;
    size_t *from = vx_calloc((size_t)argc + 1, sizeof(*from));
    size_t *to = vx_calloc((size_t)argc + 1, sizeof(*to));
    struct token t;
    int i = 1;
    int rc = 0;

    vx_buf_init(&b, 1 << 20);
    if (from == NULL || to == NULL) {
        free(from);
        free(to);
        return NULL;
    }
    while (next_token(argc, argv, &i, &t, NULL) == 1) {
        size_t s = 0;
        size_t e = 0;

        if (secret_span(&t, &s, &e)) {
            from[t.vidx] = s;
            to[t.vidx] = e;
        }
    }
    for (int k = 0; k < argc && rc == 0; k++) {
        const char *a = argv[k];

        rc = k > 0 ? vx_buf_adds(&b, " ") : 0;
        if (rc == 0 && to[k] > from[k]) {
            rc = vx_buf_add(&b, a, from[k]);
            rc = rc == 0 ? vx_buf_adds(&b, "<MASKED>") : rc;
            rc = rc == 0 ? vx_buf_adds(&b, a + to[k]) : rc;
        } else if (rc == 0) {
            rc = vx_buf_adds(&b, a);
        }
    }
    free(from);
    free(to);
    return rc == 0 ? vx_buf_take(&b) : NULL;
}

void
cli_scrub_argv(int argc, char **argv)
{
    struct token t;
    int i = 1;

    while (next_token(argc, argv, &i, &t, NULL) == 1) {
        size_t s = 0;
        size_t e = 0;

        if (secret_span(&t, &s, &e)) {
            memset(argv[t.vidx] + s, '*', e - s);
        }
    }
}
