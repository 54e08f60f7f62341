/* \summary: vmtp-agent: the measurement agent copied onto test hosts */
#include <sys/socket.h>

#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "build_config.h"
#include "engine_tcp.h"
#include "engine_udp.h"
#include "log.h"
#include "vx_str.h"

static const char usage_text[] =
        "usage: vmtp-agent -s [-1] [-4 | -6] [-B addr] [-p port] [-I idle_s]\n"
        "                  [-T ctl_timeout_ms] [-v]\n"
        "       vmtp-agent -c host [-4 | -6] [-B addr] [-p port] [-m mode] "
        "[-u]\n"
        "                  [-t seconds] [-l bytes] [-b rate] [-P streams] "
        "[-w bytes]\n"
        "                  [-S tos] [-M group] [--ttl n] [-L]\n"
        "                  [--latency-interval-ms n] [-T ctl_timeout_ms] [-v]\n"
        "       vmtp-agent -V\n"
        "       vmtp-agent -h\n";

/*
 * The option list of --help: the same set of options as the man page's
 * list (tools/check-docs.sh compares them both ways).
 */
static const char options_text[] =
        "\noptions:\n"
        "  -s, --server          run the server\n"
        "  -c, --client host     run one test against the server on host\n"
        "  -1, --one-off         server: serve one test, then exit\n"
        "  -4, -6                IPv4 or IPv6 only\n"
        "  -B, --bind addr       server: listen on addr; client: send from "
        "it\n"
        "  -p, --port port       control and data port (default 5301)\n"
        "  -I, --idle-timeout idle_s\n"
        "                        server: exit after idle_s s without a "
        "client\n"
        "  -T, --ctl-timeout ms  control read time limit (default 10000)\n"
        "  -m, --mode mode       tcp (default), udp, tcp_rr or udp_rr\n"
        "  -u, --udp             the same as -m udp\n"
        "  -t, --time seconds    test duration (default 10)\n"
        "  -l, --len bytes       write, datagram or request size\n"
        "  -b, --rate rate       offered rate in bit/s, suffix k, M or G\n"
        "  -P, --parallel streams\n"
        "                        TCP streams, 1 to 128 (default 1)\n"
        "  -w, --window bytes    socket buffer size of the data sockets\n"
        "  -S, --tos tos         IP TOS or IPv6 traffic class\n"
        "  -M, --mcast group     UDP: send to this multicast group\n"
        "  --ttl n               multicast TTL or hop limit (default 1)\n"
        "  -L, --latency         also measure round trips under load\n"
        "  --latency-interval-ms n\n"
        "                        probe interval of -L (default 10)\n"
        "  -v, --verbose         log more on standard error\n"
        "  -V, --version         print the version and exit\n"
        "  -h, --help            print this help and exit\n"
        "\nSee vmtp-agent(1).\n";

static void
log_stderr(void *userdata,
           enum vmtp_log_level level,
           const char *func,
           const char *msg)
{
    static const char *const names[] = {"error", "warning", "info", "debug",
                                        "trace"};

    (void)userdata;
    (void)func;
    (void)fprintf(stderr, "vmtp-agent: %s: %s\n",
                  (unsigned)level < 5 ? names[level] : "log", msg);
}

static int
usage(const char *why)
{
    if (why != NULL) {
        (void)fprintf(stderr, "vmtp-agent: %s\n", why);
    }
    (void)fputs(usage_text, stderr);
    return 2;
}

/* "100M", "1.5G", "64k", "0": SI bits per second. */
static int
parse_rate(const char *s, uint64_t *out)
{
    char num[64];
    size_t n = strlen(s);
    double mult = 1;
    double v = 0;

    if (n == 0 || n >= sizeof(num)) {
        return -1;
    }
    (void)vx_strlcpy(num, s, sizeof(num));
    switch (num[n - 1]) {
    case 'k':
    case 'K':
        mult = 1e3;
        break;
    case 'm':
    case 'M':
        mult = 1e6;
        break;
    case 'g':
    case 'G':
        mult = 1e9;
        break;
    default:
        break;
    }
    if (mult > 1) {
        num[n - 1] = '\0';
    }
    if (vx_strtod(num, &v) != 0 || v < 0 || v * mult > 1e12) {
        return -1;
    }
    *out = (uint64_t)llround(v * mult);
    return 0;
}

static int
parse_int(const char *s, long long lo, long long hi, long long *out)
{
    const char *errstr = NULL;
    long long v = vx_strtonum(s, lo, hi, &errstr);

    if (errstr != NULL) {
        return -1;
    }
    *out = v;
    return 0;
}

enum {
    OPT_TTL = 256,
    OPT_LAT_INTERVAL,
};

static const struct option long_opts[] = {
        {"server", no_argument, NULL, 's'},
        {"client", required_argument, NULL, 'c'},
        {"port", required_argument, NULL, 'p'},
        {"bind", required_argument, NULL, 'B'},
        {"idle-timeout", required_argument, NULL, 'I'},
        {"one-off", no_argument, NULL, '1'},
        {"ctl-timeout", required_argument, NULL, 'T'},
        {"mode", required_argument, NULL, 'm'},
        {"udp", no_argument, NULL, 'u'},
        {"time", required_argument, NULL, 't'},
        {"len", required_argument, NULL, 'l'},
        {"rate", required_argument, NULL, 'b'},
        {"parallel", required_argument, NULL, 'P'},
        {"window", required_argument, NULL, 'w'},
        {"tos", required_argument, NULL, 'S'},
        {"mcast", required_argument, NULL, 'M'},
        {"ttl", required_argument, NULL, OPT_TTL},
        {"latency", no_argument, NULL, 'L'},
        {"latency-interval-ms", required_argument, NULL, OPT_LAT_INTERVAL},
        {"verbose", no_argument, NULL, 'v'},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
};

/* One option into o; 0, or an exit status. */
static int
apply(struct agent_opts *o, int ch, const char *arg)
{
    long long v = 0;

    switch (ch) {
    case 's':
        o->server = true;
        return 0;
    case 'c':
        o->host = arg;
        return 0;
    case 'B':
        o->bind = arg;
        return 0;
    case '4':
        o->family = AF_INET;
        return 0;
    case '6':
        o->family = AF_INET6;
        return 0;
    case '1':
        o->one_off = true;
        return 0;
    case 'u':
        o->mode = AGENT_UDP;
        return 0;
    case 'L':
        o->latency = true;
        return 0;
    case 'M':
        o->mcast_group = arg;
        return 0;
    case 'v':
        o->log.max_level = o->log.max_level < VMTP_LOG_TRACE
                                   ? o->log.max_level + 1
                                   : VMTP_LOG_TRACE;
        return 0;
    case 'm':
        return agent_mode_parse(arg, &o->mode) == 0
                       ? 0
                       : usage("-m: mode must be tcp, udp, tcp_rr or udp_rr");
    case 'b':
        o->rate_set = true;
        return parse_rate(arg, &o->rate_bps) == 0
                       ? 0
                       : usage("-b: rate must be like 100M, 1.5G or 0");
    case 't':
        if (vx_strtod(arg, &o->duration_s) != 0 || o->duration_s < 0.1 ||
            o->duration_s > 86400) {
            return usage("-t: seconds must be in [0.1, 86400]");
        }
        return 0;
    default:
        break;
    }
    /* Integer options. */
    switch (ch) {
    case 'p':
        if (parse_int(arg, 0, 65535, &v) != 0) {
            return usage("-p: port must be in [0, 65535]");
        }
        o->port = (int)v;
        return 0;
    case 'I':
        if (parse_int(arg, 0, 2000000, &v) != 0) {
            return usage("-I: bad idle timeout");
        }
        o->idle_timeout_s = (int)v;
        return 0;
    case 'T':
        if (parse_int(arg, 100, 3600000, &v) != 0) {
            return usage("-T: timeout must be in [100, 3600000] ms");
        }
        o->ctl_timeout_ms = (int)v;
        return 0;
    case 'l':
        if (parse_int(arg, 1, VMTP_TCP_MAX_LEN, &v) != 0) {
            return usage("-l: bad length");
        }
        o->len_bytes = (long)v;
        return 0;
    case 'P':
        if (parse_int(arg, 1, VMTP_TCP_MAX_STREAMS, &v) != 0) {
            return usage("-P: streams must be in [1, 128]");
        }
        o->parallel = (int)v;
        return 0;
    case 'w':
        if (parse_int(arg, 1024, 1 << 30, &v) != 0) {
            return usage("-w: bad buffer size");
        }
        o->window_bytes = (int)v;
        return 0;
    case 'S':
        if (parse_int(arg, 0, 255, &v) != 0) {
            return usage("-S: tos must be in [0, 255]");
        }
        o->tos = (int)v;
        return 0;
    case OPT_TTL:
        if (parse_int(arg, 0, 255, &v) != 0) {
            return usage("--ttl: must be in [0, 255]");
        }
        o->ttl = (int)v;
        return 0;
    case OPT_LAT_INTERVAL:
        if (parse_int(arg, 1, 60000, &v) != 0) {
            return usage("--latency-interval-ms: must be in [1, 60000]");
        }
        o->latency_interval_ms = (int)v;
        return 0;
    default:
        return usage(NULL);
    }
}

static int
check(const struct agent_opts *o)
{
    if (o->server == (o->host != NULL)) {
        return usage("give exactly one of -s and -c host");
    }
    if (o->server) {
        return 0;
    }
    if (o->mcast_group != NULL && o->mode != AGENT_UDP) {
        return usage("-M needs udp mode");
    }
    if (o->latency && o->mode != AGENT_TCP && o->mode != AGENT_UDP) {
        return usage("-L applies to tcp and udp modes");
    }
    if (o->len_bytes > 0 && (o->mode == AGENT_UDP || o->mode == AGENT_UDP_RR) &&
        (o->len_bytes < VMTP_UDP_HDR_LEN || o->len_bytes > VMTP_UDP_MAX_LEN)) {
        return usage("-l: udp sizes must be in [24, 65507]");
    }
    return 0;
}

int
main(int argc, char **argv)
{
    struct agent_opts o = {
            .family = AF_UNSPEC,
            .port = AGENT_DEFAULT_PORT,
            .idle_timeout_s = 300,
            .ctl_timeout_ms = 10000,
            .mode = AGENT_TCP,
            .duration_s = 10,
            .parallel = 1,
            .ttl = 1,
            .latency_interval_ms = 10,
            .log = {.fn = log_stderr, .max_level = VMTP_LOG_WARN},
    };
    int ch;
    int rc;

    while ((ch = getopt_long(argc, argv, "sc:p:B:I:1T:m:ut:l:b:P:w:S:M:L46vVh",
                             long_opts, NULL)) != -1) {
        if (ch == 'V') {
            (void)printf("vmtp-agent %s (protocol %d)\n", VMTP_VERSION, 1);
            return 0;
        }
        if (ch == 'h') {
            (void)fputs(usage_text, stdout);
            (void)fputs(options_text, stdout);
            return 0;
        }
        if (ch == '?') {
            return usage(NULL);
        }
        rc = apply(&o, ch, optarg);
        if (rc != 0) {
            return rc;
        }
    }
    if (optind != argc) {
        return usage("unexpected argument");
    }
    rc = check(&o);
    if (rc != 0) {
        return rc;
    }
    (void)signal(SIGPIPE, SIG_IGN);
    return o.server ? agent_serve(&o) : agent_client(&o);
}
