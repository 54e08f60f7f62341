/* \summary: tool drivers: nuttcp, iperf 2 and iperf3 command lines and runs */
#include "tool.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_buf.h"
#include "vx_str.h"
#include "vx_time.h"

/* Executor timeout of a trial: its duration plus this margin. */
#define TRIAL_MARGIN_S      20
#define PROBE_TIMEOUT_MS    10000
#define IPERF3_UDP_MARGIN_S 8
/* How long a freshly spawned server gets before the first client. */
#define SERVER_SETTLE_US ((uint64_t)500 * 1000)
/* iperf 2.1.8's UDP server needs a pause between tests (see docs). */
#define IPERF2_UDP_GAP_US ((uint64_t)500 * 1000)

/* An argv under construction: pointers into a private string pool. */
struct argvb {
    const char *v[48];
    size_t n;
    char pool[2048];
    size_t used;
    bool overflow;
};

static void
add(struct argvb *b, const char *s)
{
    if (b->n + 1 >= sizeof(b->v) / sizeof(b->v[0])) {
        b->overflow = true;
        return;
    }
    b->v[b->n++] = s;
    b->v[b->n] = NULL;
}

static void addf(struct argvb *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void
addf(struct argvb *b, const char *fmt, ...)
{
    va_list ap;
    int w;
    size_t room = sizeof(b->pool) - b->used;

    va_start(ap, fmt);
    w = vsnprintf(b->pool + b->used, room, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= room) {
        b->overflow = true;
        return;
    }
    add(b, b->pool + b->used);
    b->used += (size_t)w + 1;
}

void
vmtp_tool_free(struct vmtp_tool *t)
{
    free(t);
}

enum vmtp_status
vmtp_tool_new(const char *name, struct vmtp_tool **out, struct vmtp_error *err)
{
    const struct vmtp_tool_ops *ops = NULL;
    struct vmtp_tool *t;

    *out = NULL;
    if (name == NULL) {
        return vmtp_error_set(err, VMTP_E_INVAL, "no tool name");
    }
    if (strcmp(name, "nuttcp") == 0) {
        ops = &vmtp_tool_nuttcp_ops;
    } else if (strcmp(name, "iperf") == 0) {
        ops = &vmtp_tool_iperf2_ops;
    } else if (strcmp(name, "iperf3") == 0) {
        ops = &vmtp_tool_iperf3_ops;
    } else if (strcmp(name, "vmtp") == 0) {
        ops = &vmtp_tool_agent_ops;
    } else {
        return vmtp_error_set(err, VMTP_E_INVAL,
                              "unknown tool '%s' (nuttcp, iperf, iperf3, "
                              "vmtp)",
                              name);
    }
    t = vx_calloc(1, sizeof(*t));
    if (t == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    t->ops = ops;
    {
        const char *bin =
                ops == &vmtp_tool_agent_ops ? "vmtp-agent" : ops->name;
        (void)vx_strlcpy(t->client_bin, bin, sizeof(t->client_bin));
        (void)vx_strlcpy(t->server_bin, bin, sizeof(t->server_bin));
    }
    (void)vx_strlcpy(t->version, ops->name, sizeof(t->version));
    t->data_port = ops == &vmtp_tool_iperf3_ops  ? VMTP_TOOL_IPERF3_PORT
                   : ops == &vmtp_tool_agent_ops ? VMTP_TOOL_AGENT_PORT
                                                 : VMTP_TOOL_DATA_PORT;
    t->control_port = VMTP_TOOL_CONTROL_PORT;
    *out = t;
    return VMTP_OK;
}

enum vmtp_status
vmtp_tool_report_to_result(const struct vmtp_tool_report *rep,
                           struct vmtp_result *res)
{
    res->throughput_kbps = rep->rx_bps / 1000.0;
    res->loss_rate = rep->loss_pct;
    res->jitter_ms = rep->jitter_ms;
    res->rtt_ms = rep->rtt_ms;
    res->retrans = rep->retrans;
    res->pkt_rate_pps = rep->rx_pps;
    if (!isnan(rep->cpu_tx_pct) || !isnan(rep->cpu_rx_pct) ||
        !isnan(rep->owd_ms)) {
        if (res->extra == NULL) {
            res->extra = json_object();
            if (res->extra == NULL) {
                return VMTP_E_NOMEM;
            }
        }
        if (!isnan(rep->cpu_tx_pct) || !isnan(rep->cpu_rx_pct)) {
            json_t *cpu = json_object();
            if (cpu == NULL) {
                return VMTP_E_NOMEM;
            }
            if (!isnan(rep->cpu_tx_pct)) {
                (void)json_object_set_new(cpu, "tx_cpu_pct",
                                          json_real(rep->cpu_tx_pct));
            }
            if (!isnan(rep->cpu_rx_pct)) {
                (void)json_object_set_new(cpu, "rx_cpu_pct",
                                          json_real(rep->cpu_rx_pct));
            }
            if (json_object_set_new(res->extra, "tool_cpu_pct", cpu) != 0) {
                return VMTP_E_NOMEM;
            }
        }
        if (!isnan(rep->owd_ms) &&
            json_object_set_new(res->extra, "owd_ms", json_real(rep->owd_ms)) !=
                    0) {
            return VMTP_E_NOMEM;
        }
    }
    return VMTP_OK;
}

/* A one-line, bounded excerpt of text for an error message. */
static void
oneline(const char *s, char *buf, size_t buflen)
{
    size_t j = 0;

    if (s == NULL) {
        s = "";
    }
    while (*s == ' ' || *s == '\n') {
        s++;
    }
    for (; *s != '\0' && j + 1 < buflen; s++) {
        if (*s == '\n' || *s == '\r' || *s == '\t') {
            buf[j++] = ' ';
        } else {
            buf[j++] = *s;
        }
    }
    while (j > 0 && buf[j - 1] == ' ') {
        j--;
    }
    buf[j] = '\0';
}

/* Run argv and return its result; executor errors pass through. */
static enum vmtp_status
run_argv(struct vmtp_tool *t,
         struct vmtp_executor *ex,
         const struct argvb *b,
         int timeout_ms,
         struct vmtp_exec_result *res,
         struct vmtp_error *err)
{
    if (b->overflow) {
        return vmtp_error_set(err, VMTP_E_INVAL, "%s: command line too long",
                              t->ops->name);
    }
    return ex->ops->run(ex, b->v, timeout_ms, res, err);
}

/* Turn a failed tool run into VMTP_E_MEASURE with the tool's own words. */
static enum vmtp_status
tool_failed(const struct vmtp_tool *t,
            const struct vmtp_exec_result *res,
            const struct vmtp_error *perr,
            struct vmtp_error *err)
{
    char say[200];
    const char *src =
            res->err != NULL && res->err[0] != '\0' ? res->err : res->out;

    if (res->exit_status == 0 && perr != NULL) {
        return vmtp_error_set(err, VMTP_E_MEASURE, "%s", perr->msg);
    }
    oneline(src, say, sizeof(say));
    return vmtp_error_set(err, VMTP_E_MEASURE, "%s exited with status %d: %s",
                          t->ops->name, res->exit_status, say);
}

static enum vmtp_status
probe(struct vmtp_tool *t,
      struct vmtp_executor *ex,
      const char *opt,
      struct vmtp_error *err)
{
    struct argvb b = {.n = 0};
    struct vmtp_exec_result res = {0};
    struct vx_buf all;
    enum vmtp_status rc;

    add(&b, t->client_bin);
    add(&b, opt);
    rc = run_argv(t, ex, &b, PROBE_TIMEOUT_MS, &res, err);
    if (rc != VMTP_OK) {
        vmtp_exec_result_release(&res);
        return rc;
    }
    /* iperf 2 answers -v with status 1; 126/127: cannot execute / not found */
    if (res.exit_status >= 126 || (res.out[0] == '\0' && res.err[0] == '\0')) {
        char say[200];
        oneline(res.err[0] != '\0' ? res.err : res.out, say, sizeof(say));
        rc = vmtp_error_set(err, VMTP_E_MEASURE,
                            "cannot run '%s' (status %d): %s", t->client_bin,
                            res.exit_status, say);
        vmtp_exec_result_release(&res);
        return rc;
    }
    vx_buf_init(&all, 2 * VMTP_EXEC_MAX_OUTPUT + 2);
    if (vx_buf_adds(&all, res.out) != 0 || vx_buf_adds(&all, "\n") != 0 ||
        vx_buf_adds(&all, res.err) != 0) {
        rc = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    } else {
        struct vmtp_error perr = {0};
        rc = vmtp_parse_tool_version(t->ops->name, vx_buf_str(&all), t->version,
                                     sizeof(t->version), &perr);
        if (rc != VMTP_OK) {
            char say[200];
            oneline(vx_buf_str(&all), say, sizeof(say));
            rc = vmtp_error_set(err, VMTP_E_MEASURE,
                                "cannot run '%s' (status %d): %s",
                                t->client_bin, res.exit_status, say);
        }
    }
    vx_buf_release(&all);
    vmtp_exec_result_release(&res);
    return rc;
}

static long long
rate_kbps(double bps)
{
    double k = floor(bps / 1000.0 + 0.5);
    return k < 1 ? 1 : (long long)k;
}

static long long
rate_bps_int(double bps)
{
    double r = floor(bps + 0.5);
    return r < 1000 ? 1000 : (long long)r;
}

static int
trial_timeout_ms(const struct vmtp_trial *tr)
{
    return (tr->duration_s + TRIAL_MARGIN_S) * 1000;
}

/* ---- nuttcp ---------------------------------------------------------- */

static enum vmtp_status
nuttcp_probe(struct vmtp_tool *t,
             struct vmtp_executor *ex,
             struct vmtp_error *err)
{
    return probe(t, ex, "-V", err);
}

/* Major version from "nuttcp-6.1.2"; 0 when unknown. */
static long
nuttcp_major(const struct vmtp_tool *t)
{
    const char *p = strchr(t->version, '-');
    long major = 0;

    if (p == NULL) {
        return 0;
    }
    for (p++; *p >= '0' && *p <= '9' && major < 1000; p++) {
        major = major * 10 + (*p - '0');
    }
    return major;
}

static enum vmtp_status
nuttcp_server_start(struct vmtp_tool *t,
                    struct vmtp_executor *ex,
                    const struct vmtp_tool_server_opts *o,
                    struct vmtp_tool_server *srv,
                    struct vmtp_error *err)
{
    struct argvb b = {.n = 0};

    add(&b, t->server_bin);
    add(&b, "-S");
    addf(&b, "-P%d", t->control_port);
    add(&b, "--single-threaded");
    add(&b, "--nofork");
    if (o->ipv6) {
        add(&b, "-6");
    }
    if (b.overflow) {
        return vmtp_error_set(err, VMTP_E_INVAL, "command line too long");
    }
    srv->n_pids = 0;
    if (ex->ops->spawn(ex, b.v, &srv->pids[0], err) != VMTP_OK) {
        return err != NULL ? err->code : VMTP_E_SYS;
    }
    srv->n_pids = 1;
    return VMTP_OK;
}

static enum vmtp_status
nuttcp_run(struct vmtp_tool *t,
           struct vmtp_executor *ex,
           const struct vmtp_trial *tr,
           struct vmtp_tool_report *rep,
           struct vmtp_error *err)
{
    struct argvb b = {.n = 0};
    struct vmtp_exec_result res = {0};
    struct vmtp_error perr = {0};
    bool udp = tr->protocol != VMTP_PROTO_TCP;
    enum vmtp_status rc;

    add(&b, t->client_bin);
    add(&b, "-a");
    addf(&b, "-T%d", tr->duration_s);
    if (tr->reverse && !udp) {
        add(&b, "-F");
        add(&b, "-r");
    }
    addf(&b, "-l%ld", tr->pkt_size);
    if (tr->ipv6) {
        add(&b, "-6");
    }
    if (tr->protocol == VMTP_PROTO_MULTICAST) {
        add(&b, "-m32");
        /* -o (one-way delay), -j (jitter), -g (group) exist from 7.x */
        if (nuttcp_major(t) >= 7) {
            add(&b, "-o");
            add(&b, "-j");
            if (tr->mcast_addr != NULL) {
                addf(&b, "-g%s", tr->mcast_addr);
            }
        }
    }
    if (udp) {
        add(&b, "-u");
    }
    if (tr->rate_bps > 0) {
        addf(&b, "-R%lld", rate_kbps(tr->rate_bps));
    }
    addf(&b, "-p%d", t->data_port);
    addf(&b, "-P%d", t->control_port);
    add(&b, "-fparse");
    add(&b, tr->target);
    rc = run_argv(t, ex, &b, trial_timeout_ms(tr), &res, err);
    if (rc != VMTP_OK) {
        goto out;
    }
    if (res.exit_status != 0 ||
        vmtp_parse_nuttcp(res.out, udp, tr->pkt_size, rep, &perr) != VMTP_OK) {
        rc = tool_failed(t, &res, &perr, err);
    }
out:
    vmtp_exec_result_release(&res);
    return rc;
}

const struct vmtp_tool_ops vmtp_tool_nuttcp_ops = {
        .name = "nuttcp",
        .multicast = true,
        .reverse_tcp = true,
        .probe = nuttcp_probe,
        .server_start = nuttcp_server_start,
        .run = nuttcp_run,
        /* 0.25 s before, 4 x 0.5 s after each UDP transfer (strace) */
        .udp_trial_cost_s = 2.4,
};

/* ---- iperf 2 ----------------------------------------------------------- */

static enum vmtp_status
iperf2_probe(struct vmtp_tool *t,
             struct vmtp_executor *ex,
             struct vmtp_error *err)
{
    return probe(t, ex, "-v", err);
}

static enum vmtp_status
iperf2_server_start(struct vmtp_tool *t,
                    struct vmtp_executor *ex,
                    const struct vmtp_tool_server_opts *o,
                    struct vmtp_tool_server *srv,
                    struct vmtp_error *err)
{
    srv->n_pids = 0;
    for (int udp = 0; udp < 2; udp++) {
        struct argvb b = {.n = 0};

        add(&b, t->server_bin);
        add(&b, "-s");
        if (udp) {
            add(&b, "-u");
        }
        addf(&b, "-p%d", t->data_port);
        if (o->ipv6) {
            add(&b, "-V");
        }
        if (b.overflow) {
            return vmtp_error_set(err, VMTP_E_INVAL, "command line too long");
        }
        if (ex->ops->spawn(ex, b.v, &srv->pids[srv->n_pids], err) != VMTP_OK) {
            return err != NULL ? err->code : VMTP_E_SYS;
        }
        srv->n_pids++;
    }
    return VMTP_OK;
}

static enum vmtp_status
iperf2_run_once(struct vmtp_tool *t,
                struct vmtp_executor *ex,
                const struct vmtp_trial *tr,
                struct vmtp_tool_report *rep,
                struct vmtp_error *err)
{
    struct argvb b = {.n = 0};
    struct vmtp_exec_result res = {0};
    struct vmtp_error perr = {0};
    bool udp = tr->protocol != VMTP_PROTO_TCP;
    enum vmtp_status rc;

    add(&b, t->client_bin);
    add(&b, "-c");
    add(&b, tr->target);
    addf(&b, "-p%d", t->data_port);
    add(&b, "-t");
    addf(&b, "%d", tr->duration_s);
    addf(&b, "-l%ld", tr->pkt_size);
    if (tr->ipv6) {
        add(&b, "-V");
    }
    if (tr->reverse && !udp) {
        add(&b, "-R");
    }
    if (udp) {
        add(&b, "-u");
    }
    if (tr->rate_bps > 0) {
        /* plain bit/s: iperf 2 reads a 'K' suffix as 1024 */
        addf(&b, "-b%lld", rate_bps_int(tr->rate_bps));
    }
    add(&b, "-e");
    add(&b, "-f");
    add(&b, "k");
    rc = run_argv(t, ex, &b, trial_timeout_ms(tr), &res, err);
    if (rc != VMTP_OK) {
        goto out;
    }
    if (vmtp_parse_iperf2(res.out, udp, tr->pkt_size, rep, &perr) != VMTP_OK) {
        rc = res.exit_status == 0
                     ? vmtp_error_set(err, perr.code, "%s", perr.msg)
                     : tool_failed(t, &res, &perr, err);
    }
out:
    vmtp_exec_result_release(&res);
    return rc;
}

static enum vmtp_status
iperf2_run(struct vmtp_tool *t,
           struct vmtp_executor *ex,
           const struct vmtp_trial *tr,
           struct vmtp_tool_report *rep,
           struct vmtp_error *err)
{
    enum vmtp_status rc;

    if (tr->protocol == VMTP_PROTO_TCP) {
        return iperf2_run_once(t, ex, tr, rep, err);
    }
    /*
     * iperf 2.1.8's UDP server drops the report of a test that starts
     * right after the previous one ends: pause, and retry once.
     */
    vx_sleep_us(IPERF2_UDP_GAP_US);
    rc = iperf2_run_once(t, ex, tr, rep, err);
    if (rc == VMTP_E_MEASURE && err != NULL &&
        strstr(err->msg, "no server report") != NULL) {
        vx_sleep_us(2 * IPERF2_UDP_GAP_US);
        rc = iperf2_run_once(t, ex, tr, rep, err);
        /*
         * Twice no report: the server did not answer (iperf 2 prints "did
         * not receive ack of last datagram"), which is what a path that
         * drops UDP looks like. Report it as a receiver that never
         * answered, as iperf3's timed-out UDP handshake is, so the UDP
         * search counts it as nothing received (and ends with rate 0)
         * instead of failing on it.
         */
        if (rc == VMTP_E_MEASURE &&
            strstr(err->msg, "no server report") != NULL) {
            rc = vmtp_error_set(err, VMTP_E_TIMEOUT,
                                "iperf: no server report in two tries (the "
                                "UDP server did not answer)");
        }
    }
    return rc;
}

const struct vmtp_tool_ops vmtp_tool_iperf2_ops = {
        .name = "iperf",
        .multicast = false,
        .reverse_tcp = true,
        .probe = iperf2_probe,
        .server_start = iperf2_server_start,
        .run = iperf2_run,
        /* IPERF2_UDP_GAP_US and the server report */
        .udp_trial_cost_s = 0.7,
};

/* ---- iperf3 ------------------------------------------------------------ */

static enum vmtp_status
iperf3_probe(struct vmtp_tool *t,
             struct vmtp_executor *ex,
             struct vmtp_error *err)
{
    return probe(t, ex, "-v", err);
}

static enum vmtp_status
iperf3_server_start(struct vmtp_tool *t,
                    struct vmtp_executor *ex,
                    const struct vmtp_tool_server_opts *o,
                    struct vmtp_tool_server *srv,
                    struct vmtp_error *err)
{
    struct argvb b = {.n = 0};

    (void)o; /* iperf3 listens on IPv4 and IPv6 */
    add(&b, t->server_bin);
    add(&b, "-s");
    add(&b, "-p");
    addf(&b, "%d", t->data_port);
    srv->n_pids = 0;
    if (ex->ops->spawn(ex, b.v, &srv->pids[0], err) != VMTP_OK) {
        return err != NULL ? err->code : VMTP_E_SYS;
    }
    srv->n_pids = 1;
    return VMTP_OK;
}

static enum vmtp_status
iperf3_run(struct vmtp_tool *t,
           struct vmtp_executor *ex,
           const struct vmtp_trial *tr,
           struct vmtp_tool_report *rep,
           struct vmtp_error *err)
{
    struct argvb b = {.n = 0};
    struct vmtp_exec_result res = {0};
    struct vmtp_error perr = {0};
    bool udp = tr->protocol != VMTP_PROTO_TCP;
    enum vmtp_status rc;

    add(&b, t->client_bin);
    add(&b, "-c");
    add(&b, tr->target);
    add(&b, "-p");
    addf(&b, "%d", t->data_port);
    add(&b, "-t");
    addf(&b, "%d", tr->duration_s);
    add(&b, "-l");
    addf(&b, "%ld", tr->pkt_size);
    if (tr->ipv6) {
        add(&b, "-6");
    }
    if (tr->reverse) {
        add(&b, "-R");
    }
    if (udp) {
        add(&b, "-u");
    }
    if (tr->rate_bps > 0) {
        add(&b, "-b");
        addf(&b, "%lld", rate_bps_int(tr->rate_bps));
    }
    add(&b, "-J");
    /*
     * An iperf3 UDP client waits forever for the server's answer to its
     * UDP "connect" datagram when UDP is blocked: keep the wait short.
     */
    rc = run_argv(t, ex, &b,
                  udp ? (tr->duration_s + IPERF3_UDP_MARGIN_S) * 1000
                      : trial_timeout_ms(tr),
                  &res, err);
    if (rc != VMTP_OK) {
        goto out;
    }
    if (vmtp_parse_iperf3(res.out, udp, tr->reverse, rep, &perr) != VMTP_OK) {
        /* iperf3 -J reports its own errors inside the JSON */
        rc = perr.code == VMTP_E_MEASURE || res.exit_status == 0
                     ? vmtp_error_set(err, VMTP_E_MEASURE, "%s", perr.msg)
                     : tool_failed(t, &res, &perr, err);
    }
out:
    vmtp_exec_result_release(&res);
    return rc;
}

const struct vmtp_tool_ops vmtp_tool_iperf3_ops = {
        .name = "iperf3",
        .multicast = false,
        .reverse_tcp = true,
        .probe = iperf3_probe,
        .server_start = iperf3_server_start,
        .run = iperf3_run,
        .udp_trial_cost_s = 0.15,
};

/* ---- vmtp-agent (docs/agent.md) ---------------------------------------- */

static enum vmtp_status
agent_probe(struct vmtp_tool *t,
            struct vmtp_executor *ex,
            struct vmtp_error *err)
{
    return probe(t, ex, "--version", err);
}

static enum vmtp_status
agent_server_start(struct vmtp_tool *t,
                   struct vmtp_executor *ex,
                   const struct vmtp_tool_server_opts *o,
                   struct vmtp_tool_server *srv,
                   struct vmtp_error *err)
{
    struct argvb b = {.n = 0};

    add(&b, t->server_bin);
    add(&b, "-s");
    add(&b, o->ipv6 ? "-6" : "-4");
    add(&b, "-p");
    addf(&b, "%d", t->data_port);
    srv->n_pids = 0;
    if (ex->ops->spawn(ex, b.v, &srv->pids[0], err) != VMTP_OK) {
        return err != NULL ? err->code : VMTP_E_SYS;
    }
    srv->n_pids = 1;
    return VMTP_OK;
}

static enum vmtp_status
agent_run(struct vmtp_tool *t,
          struct vmtp_executor *ex,
          const struct vmtp_trial *tr,
          struct vmtp_tool_report *rep,
          struct vmtp_error *err)
{
    struct argvb b = {.n = 0};
    struct vmtp_exec_result res = {0};
    struct vmtp_error perr = {0};
    bool udp = tr->protocol != VMTP_PROTO_TCP;
    enum vmtp_status rc;

    if (tr->reverse) {
        return vmtp_error_set(err, VMTP_E_MEASURE,
                              "vmtp-agent has no reverse mode (run the "
                              "server on the other host)");
    }
    add(&b, t->client_bin);
    add(&b, "-c");
    add(&b, tr->target);
    add(&b, tr->ipv6 ? "-6" : "-4");
    add(&b, "-p");
    addf(&b, "%d", t->data_port);
    add(&b, "-m");
    add(&b, udp ? "udp" : "tcp");
    add(&b, "-t");
    addf(&b, "%d", tr->duration_s);
    add(&b, "-l");
    addf(&b, "%ld", tr->pkt_size);
    if (tr->rate_bps > 0) {
        add(&b, "-b");
        addf(&b, "%lld", rate_bps_int(tr->rate_bps));
    }
    if (tr->protocol == VMTP_PROTO_MULTICAST && tr->mcast_addr != NULL) {
        add(&b, "-M");
        add(&b, tr->mcast_addr);
        add(&b, "--ttl");
        add(&b, "32");
    }
    rc = run_argv(t, ex, &b, trial_timeout_ms(tr), &res, err);
    if (rc != VMTP_OK) {
        goto out;
    }
    if (vmtp_parse_agent(res.out, udp, rep, &perr) != VMTP_OK) {
        rc = perr.code == VMTP_E_MEASURE || res.exit_status == 0
                     ? vmtp_error_set(err, VMTP_E_MEASURE, "%s", perr.msg)
                     : tool_failed(t, &res, &perr, err);
    }
out:
    vmtp_exec_result_release(&res);
    return rc;
}

const struct vmtp_tool_ops vmtp_tool_agent_ops = {
        .name = "vmtp",
        .multicast = true,
        .reverse_tcp = false,
        .probe = agent_probe,
        .server_start = agent_server_start,
        .run = agent_run,
        .udp_trial_cost_s = 0.35,
};

/* ---- common ------------------------------------------------------------ */

enum vmtp_status
vmtp_tool_server_launch(struct vmtp_tool *t,
                        struct vmtp_executor *ex,
                        const struct vmtp_tool_server_opts *o,
                        struct vmtp_tool_server *srv,
                        struct vmtp_error *err)
{
    enum vmtp_status rc;

    srv->n_pids = 0;
    srv->started_us = 0;
    rc = t->ops->server_start(t, ex, o, srv, err);
    if (rc != VMTP_OK) {
        vmtp_tool_server_stop(t, ex, srv);
        return rc;
    }
    srv->started_us = vx_now_us();
    return VMTP_OK;
}

void
vmtp_tool_server_settle(struct vmtp_tool *t,
                        struct vmtp_executor *ex,
                        const struct vmtp_tool_server *srv)
{
    uint64_t now = vx_now_us();

    if (srv->n_pids > 0 && now < srv->started_us + SERVER_SETTLE_US) {
        vx_sleep_us(srv->started_us + SERVER_SETTLE_US - now);
    }
    VLOG(t->log, VMTP_LOG_DEBUG, "%s server started on %s", t->ops->name,
         ex->name != NULL ? ex->name : "?");
}

enum vmtp_status
vmtp_tool_server_start(struct vmtp_tool *t,
                       struct vmtp_executor *ex,
                       const struct vmtp_tool_server_opts *o,
                       struct vmtp_tool_server *srv,
                       struct vmtp_error *err)
{
    enum vmtp_status rc = vmtp_tool_server_launch(t, ex, o, srv, err);

    if (rc == VMTP_OK) {
        vmtp_tool_server_settle(t, ex, srv);
    }
    return rc;
}

void
vmtp_tool_server_stop(struct vmtp_tool *t,
                      struct vmtp_executor *ex,
                      struct vmtp_tool_server *srv)
{
    if (t == NULL || ex == NULL || srv == NULL) {
        return;
    }
    for (int i = 0; i < srv->n_pids; i++) {
        (void)ex->ops->kill(ex, srv->pids[i], NULL);
    }
    srv->n_pids = 0;
}

enum vmtp_status
vmtp_tool_run(struct vmtp_tool *t,
              struct vmtp_executor *ex,
              const struct vmtp_trial *trial,
              struct vmtp_tool_report *rep,
              struct vmtp_error *err)
{
    vmtp_tool_report_init(rep);
    if (trial->target == NULL || trial->duration_s < 1 ||
        trial->duration_s > 86400 || trial->pkt_size < 1 ||
        trial->pkt_size > 1024L * 1024L || !(trial->rate_bps >= 0)) {
        return vmtp_error_set(err, VMTP_E_INVAL, "%s: bad trial parameters",
                              t->ops->name);
    }
    if (trial->protocol == VMTP_PROTO_MULTICAST && !t->ops->multicast) {
        return vmtp_error_set(err, VMTP_E_MEASURE,
                              "%s cannot measure multicast (use nuttcp)",
                              t->ops->name);
    }
    if (trial->protocol != VMTP_PROTO_TCP && !(trial->rate_bps > 0)) {
        return vmtp_error_set(err, VMTP_E_INVAL, "%s: a UDP trial needs a rate",
                              t->ops->name);
    }
    return t->ops->run(t, ex, trial, rep, err);
}
