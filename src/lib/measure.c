/* \summary: one flow's measurement sequence over a tool and two executors */
#include "measure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "ping.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_str.h"

static const long default_tcp_sizes[] = {65536};
static const long default_udp_sizes[] = {128, 1024, 8192};
static const long default_icmp_sizes[] = {64, 391, 1500};

void
vmtp_measure_settings_init(struct vmtp_measure_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->tcp = true;
    s->udp = true;
    s->icmp = true;
    s->tcp_sizes = default_tcp_sizes;
    s->n_tcp_sizes = 1;
    s->tcp_loop_count = 3;
    s->udp_sizes = default_udp_sizes;
    s->n_udp_sizes = 3;
    s->icmp_sizes = default_icmp_sizes;
    s->n_icmp_sizes = 3;
    s->ping_count = 10;
    s->time_s = 10;
    vmtp_udp_search_params_init(&s->search);
    s->use_tcp_hint = true;
    s->udp_search_budget_s = 7.0;
}

/*
 * Fit the search to the tool's fixed per-trial cost (udp_trial_cost_s):
 * a wall-time budget, and no separate confirmation when it would cost as
 * much as two search trials (nuttcp: 4.4 s for a 2 s confirmation, when a
 * 1 s trial costs 3.4 s). The trial found in range is then the figure, as
 * in the original's 1-second probes.
 */
static void
fit_search(const struct vmtp_measure_settings *s,
           const struct vmtp_tool *tool,
           struct vmtp_udp_search_params *sp)
{
    double c = tool->ops->udp_trial_cost_s;
    double need;

    if (s->udp_search_budget_s <= 0 || sp->max_cost_s > 0) {
        return;
    }
    sp->trial_cost_s = c > 0 ? c : 0;
    if (sp->confirm_s > 0 && 2 * (sp->trial_s + sp->trial_cost_s) +
                                             sp->confirm_s + sp->trial_cost_s >
                                     s->udp_search_budget_s) {
        sp->confirm_s = 0;
    }
    need = sp->trial_s + sp->trial_cost_s +
           (sp->confirm_s > 0 ? sp->confirm_s + sp->trial_cost_s : 0);
    sp->max_cost_s =
            s->udp_search_budget_s > need ? s->udp_search_budget_s : need;
}

/* Everything one run of the sequence needs. */
struct run {
    const struct vmtp_measure_peer *peer;
    struct vmtp_tool *tool;
    const struct vmtp_measure_settings *s;
    struct vmtp_flow *flow;
    struct vmtp_error *err;
    double tcp_best_bps; /* best forward TCP goodput: the UDP hint */
};

static bool
cancelled(const struct vmtp_measure_settings *s)
{
    return s->cancel != NULL && atomic_load(s->cancel) != 0;
}

static void
hook_begin(const struct vmtp_measure_settings *s)
{
    if (s->run_begin != NULL) {
        s->run_begin(s->run_arg);
    }
}

static enum vmtp_status
hook_end(const struct vmtp_measure_settings *s, struct vmtp_result *res)
{
    return s->run_end != NULL ? s->run_end(s->run_arg, res) : VMTP_OK;
}

/* Start a result entry with the tool's name and the common fields. */
static struct vmtp_result *
new_entry(struct run *r, enum vmtp_proto proto, long size, bool reverse)
{
    struct vmtp_result *res = vmtp_flow_add_result(r->flow, proto);

    if (res == NULL) {
        return NULL;
    }
    res->tool = vx_strdup(r->tool->version);
    if (res->tool == NULL) {
        return NULL;
    }
    res->pkt_size = size;
    res->reverse = reverse;
    if (r->s->bandwidth_bps > 0) {
        res->bandwidth_limit_kbps = r->s->bandwidth_bps / 1000.0;
    }
    return res;
}

/* Record a failed trial in its entry; NOMEM when that fails too. */
static enum vmtp_status
entry_error(struct vmtp_result *res, const char *msg)
{
    VX_FREE(res->error);
    res->error = vx_strdup(msg != NULL && msg[0] != '\0' ? msg : "failed");
    return res->error == NULL ? VMTP_E_NOMEM : VMTP_OK;
}

/*
 * Status of a trial for the sequence: cancellation and NOMEM stop it,
 * anything else is recorded in the entry and the sequence goes on.
 */
static enum vmtp_status
after_trial(struct run *r,
            struct vmtp_result *res,
            enum vmtp_status rc,
            const struct vmtp_error *terr)
{
    if (rc == VMTP_OK) {
        return VMTP_OK;
    }
    if (rc == VMTP_E_CANCELLED || rc == VMTP_E_NOMEM) {
        (void)vmtp_error_set(r->err, rc, "%s", terr->msg);
        if (rc == VMTP_E_CANCELLED) {
            (void)entry_error(res, "cancelled");
        }
        return rc;
    }
    VLOG(r->s->log, VMTP_LOG_WARN, "%s: %s", r->tool->ops->name, terr->msg);
    if (entry_error(res, terr->msg) != VMTP_OK) {
        return vmtp_error_set(r->err, VMTP_E_NOMEM, "out of memory");
    }
    return VMTP_OK;
}

/*
 * One TCP trial into a new entry. `swapped`: the tool runs from the server
 * host toward the client host (reverse direction of a tool without a
 * reverse option); else `reverse` asks the tool's own reverse mode.
 */
static enum vmtp_status
tcp_trial(struct run *r,
          struct vmtp_tool *tool,
          struct vmtp_executor *ex,
          const char *target,
          long size,
          bool reverse,
          bool swapped)
{
    const struct vmtp_measure_settings *s = r->s;
    struct vmtp_trial tr = {
            .protocol = VMTP_PROTO_TCP,
            .target = target,
            .ipv6 = s->ipv6,
            .reverse = reverse && !swapped,
            .pkt_size = size,
            .duration_s = s->time_s,
            .rate_bps = s->bandwidth_bps,
    };
    struct vmtp_tool_report rep;
    struct vmtp_error terr = {0};
    struct vmtp_result *res;
    enum vmtp_status rc;

    if (cancelled(s)) {
        return vmtp_error_set(r->err, VMTP_E_CANCELLED, "cancelled");
    }
    res = new_entry(r, VMTP_PROTO_TCP, size, reverse);
    if (res == NULL) {
        return vmtp_error_set(r->err, VMTP_E_NOMEM, "out of memory");
    }
    hook_begin(s);
    rc = vmtp_tool_run(tool, ex, &tr, &rep, &terr);
    if (rc == VMTP_E_TIMEOUT && !cancelled(s)) {
        /* A client that hangs past its time (a stalled connection) is
         * killed; one more try before the entry becomes an error. */
        VLOG(s->log, VMTP_LOG_WARN, "%s: %s; trying once more", tool->ops->name,
             terr.msg);
        vmtp_error_clear(&terr);
        rc = vmtp_tool_run(tool, ex, &tr, &rep, &terr);
    }
    if (hook_end(s, res) != VMTP_OK) {
        return vmtp_error_set(r->err, VMTP_E_NOMEM, "out of memory");
    }
    if (rc == VMTP_OK) {
        if (vmtp_tool_report_to_result(&rep, res) != VMTP_OK) {
            return vmtp_error_set(r->err, VMTP_E_NOMEM, "out of memory");
        }
        if (!reverse && rep.rx_bps > r->tcp_best_bps) {
            r->tcp_best_bps = rep.rx_bps;
        }
    }
    return after_trial(r, res, rc, &terr);
}

/* TCP: every size, forward (and reverse when the tool has a reverse
 * option), tcp_loop_count times each. */
static enum vmtp_status
run_tcp(struct run *r)
{
    const struct vmtp_measure_settings *s = r->s;
    int dirs = s->bidirectional && r->tool->ops->reverse_tcp ? 2 : 1;

    for (size_t i = 0; i < s->n_tcp_sizes; i++) {
        VLOG(s->log, VMTP_LOG_INFO,
             "[%s] Measuring TCP Throughput (packet size=%ld)...",
             r->peer->client_ex->name, s->tcp_sizes[i]);
        for (int d = 0; d < dirs; d++) {
            for (int k = 0; k < s->tcp_loop_count; k++) {
                enum vmtp_status rc = tcp_trial(r, r->tool, r->peer->client_ex,
                                                r->peer->server_addr,
                                                s->tcp_sizes[i], d == 1, false);
                if (rc != VMTP_OK) {
                    return rc;
                }
            }
        }
    }
    return VMTP_OK;
}

/* The UDP search's view of the tool. */
struct udp_ctx {
    struct run *r;
    struct vmtp_executor *ex;
    struct vmtp_tool *tool;
    struct vmtp_trial tr;
    struct vmtp_tool_report last;
};

static enum vmtp_status
udp_trial(void *ud,
          double rate_bps,
          int duration_s,
          struct vmtp_udp_sample *out,
          struct vmtp_error *err)
{
    struct udp_ctx *u = ud;
    enum vmtp_status rc;

    if (cancelled(u->r->s)) {
        return vmtp_error_set(err, VMTP_E_CANCELLED, "cancelled");
    }
    u->tr.rate_bps = rate_bps;
    u->tr.duration_s = duration_s;
    rc = vmtp_tool_run(u->tool, u->ex, &u->tr, &u->last, err);
    if (rc == VMTP_E_TIMEOUT) {
        /*
         * The receiver never answered (iperf3 waits forever for its UDP
         * handshake when UDP is dropped; iperf 2 gets no server report):
         * nothing arrived. What the sender reported, if anything, is kept.
         */
        VLOG(u->r->s->log, VMTP_LOG_DEBUG,
             "UDP trial: %s: counted as 100%% "
             "loss",
             err != NULL ? err->msg : "timeout");
        out->tx_bps = u->last.tx_bps > 0 ? u->last.tx_bps : NAN;
        out->rx_bps = 0;
        out->loss_pct = 100;
        out->rx_pps = 0;
        out->jitter_ms = NAN;
        return VMTP_OK;
    }
    if (rc != VMTP_OK) {
        return rc;
    }
    out->tx_bps = u->last.tx_bps;
    out->rx_bps = u->last.rx_bps;
    out->loss_pct = u->last.loss_pct;
    out->rx_pps = u->last.rx_pps;
    out->jitter_ms = u->last.jitter_ms;
    VLOG(u->r->s->log, VMTP_LOG_DEBUG,
         "pkt-size=%ld offered=%.0f sent=%.0f received=%.0f bit/s "
         "loss=%.3f%%",
         u->tr.pkt_size, rate_bps, out->tx_bps, out->rx_bps, out->loss_pct);
    return VMTP_OK;
}

/* The search's trials and outcome as result["udp_search"]. */
static enum vmtp_status
search_json(const struct vmtp_udp_search_result *sr, struct vmtp_result *res)
{
    json_t *o = json_object();
    json_t *trials = json_array();
    int bad = 0;

    if (o == NULL || trials == NULL) {
        json_decref(o);
        json_decref(trials);
        return VMTP_E_NOMEM;
    }
    for (int i = 0; i < sr->trials; i++) {
        const struct vmtp_udp_sample *t = &sr->log[i];
        json_t *j = json_pack("{s:f,s:f,s:f,s:i}", "offered_kbps",
                              t->offered_bps / 1000.0, "throughput_kbps",
                              t->rx_bps / 1000.0, "loss_rate", t->loss_pct,
                              "duration_s", t->duration_s);
        if (j != NULL && !isnan(t->tx_bps)) {
            bad |= json_object_set_new(j, "sent_kbps",
                                       json_real(t->tx_bps / 1000.0));
        }
        bad |= j == NULL ? -1 : json_array_append_new(trials, j);
    }
    bad |= json_object_set_new(o, "outcome",
                               json_string(vmtp_udp_outcome_name(sr->outcome)));
    bad |= json_object_set_new(o, "message", json_string(sr->message));
    bad |= json_object_set_new(o, "offered_kbps",
                               json_real(sr->rate_bps / 1000.0));
    bad |= json_object_set_new(o, "total_s", json_integer(sr->total_s));
    bad |= json_object_set_new(o, "unstable", json_boolean(sr->unstable));
    if (!isnan(sr->zero_loss_rate_bps)) {
        bad |= json_object_set_new(o, "zero_loss_kbps",
                                   json_real(sr->zero_loss_rate_bps / 1000.0));
    }
    bad |= json_object_set_new(o, "trials", trials);
    if (res->extra == NULL) {
        res->extra = json_object();
    }
    if (bad != 0 || res->extra == NULL ||
        json_object_set_new(res->extra, "udp_search", o) != 0) {
        return VMTP_E_NOMEM;
    }
    return VMTP_OK;
}

/*
 * One UDP or multicast entry of one size: a search, or one run at the
 * bandwidth limit. `ex`/`tool`/`target` are swapped for reverse runs.
 */
static enum vmtp_status
run_udp_size(struct run *r,
             enum vmtp_proto proto,
             long size,
             bool reverse,
             struct vmtp_executor *ex,
             struct vmtp_tool *tool,
             const char *target)
{
    const struct vmtp_measure_settings *s = r->s;
    struct udp_ctx u = {.r = r, .ex = ex, .tool = tool};
    struct vmtp_error terr = {0};
    struct vmtp_result *res;
    enum vmtp_status rc;

    if (cancelled(s)) {
        return vmtp_error_set(r->err, VMTP_E_CANCELLED, "cancelled");
    }
    VLOG(s->log, VMTP_LOG_INFO,
         "[%s] Measuring %s Throughput (packet size=%ld)%s...", ex->name,
         vmtp_proto_name(proto), size, reverse ? " (reverse direction)" : "");
    res = new_entry(r, proto, size, reverse);
    if (res == NULL) {
        return vmtp_error_set(r->err, VMTP_E_NOMEM, "out of memory");
    }
    u.tr = (struct vmtp_trial){
            .protocol = proto,
            .target = target,
            .ipv6 = s->ipv6,
            .pkt_size = size,
            .duration_s = s->time_s,
            .rate_bps = s->bandwidth_bps,
            .mcast_addr = s->multicast_addr,
    };
    if (s->bandwidth_bps > 0) {
        hook_begin(s);
        rc = vmtp_tool_run(tool, ex, &u.tr, &u.last, &terr);
        if (hook_end(s, res) != VMTP_OK) {
            return vmtp_error_set(r->err, VMTP_E_NOMEM, "out of memory");
        }
        if (rc == VMTP_OK &&
            vmtp_tool_report_to_result(&u.last, res) != VMTP_OK) {
            return vmtp_error_set(r->err, VMTP_E_NOMEM, "out of memory");
        }
        return after_trial(r, res, rc, &terr);
    }
    {
        struct vmtp_udp_search_params sp = s->search;
        struct vmtp_udp_search_result *sr = vx_calloc(1, sizeof(*sr));

        if (sr == NULL) {
            return vmtp_error_set(r->err, VMTP_E_NOMEM, "out of memory");
        }
        if (s->use_tcp_hint && r->tcp_best_bps > 0 && sp.hint_bps <= 0) {
            sp.hint_bps = r->tcp_best_bps;
        }
        fit_search(s, tool, &sp);
        hook_begin(s);
        rc = vmtp_udp_search(&sp, udp_trial, &u, sr, &terr);
        if (hook_end(s, res) != VMTP_OK) {
            free(sr);
            return vmtp_error_set(r->err, VMTP_E_NOMEM, "out of memory");
        }
        if (rc == VMTP_OK) {
            res->throughput_kbps = sr->final.rx_bps / 1000.0;
            res->loss_rate = sr->final.loss_pct;
            res->pkt_rate_pps = sr->final.rx_pps;
            if (!isnan(sr->final.jitter_ms)) {
                res->jitter_ms = sr->final.jitter_ms;
            }
            if (sr->outcome == VMTP_UDP_NO_TRAFFIC) {
                res->throughput_kbps = 0;
                if (entry_error(res, sr->message) != VMTP_OK) {
                    rc = VMTP_E_NOMEM;
                }
            }
            VLOG(s->log, VMTP_LOG_INFO, "[%s] UDP search %s", ex->name,
                 sr->message);
        }
        if (sr->trials > 0 && search_json(sr, res) != VMTP_OK) {
            rc = VMTP_E_NOMEM;
            (void)vmtp_error_set(&terr, rc, "out of memory");
        }
        free(sr);
        return after_trial(r, res, rc, &terr);
    }
}

static enum vmtp_status
run_udp_family(struct run *r, enum vmtp_proto proto)
{
    const struct vmtp_measure_settings *s = r->s;

    for (size_t i = 0; i < s->n_udp_sizes; i++) {
        enum vmtp_status rc =
                run_udp_size(r, proto, s->udp_sizes[i], false,
                             r->peer->client_ex, r->tool, r->peer->server_addr);
        if (rc != VMTP_OK) {
            return rc;
        }
    }
    return VMTP_OK;
}

/*
 * The reverse direction by swapping roles (the original's External-VM
 * download): a server on the client host, the tool's client on the server
 * host toward peer->client_addr. Used for UDP and multicast, and for TCP
 * with a tool that has no reverse option (vmtp-agent).
 */
static enum vmtp_status
run_swapped(struct run *r, enum vmtp_proto proto)
{
    const struct vmtp_measure_settings *s = r->s;
    const struct vmtp_measure_peer *p = r->peer;
    struct vmtp_tool swapped = *r->tool;
    struct vmtp_tool_server srv = {.n_pids = 0};
    struct vmtp_tool_server_opts so = {.ipv6 = s->ipv6,
                                       .udp = proto != VMTP_PROTO_TCP};
    struct vmtp_error terr = {0};
    enum vmtp_status rc;
    const long *sizes = proto == VMTP_PROTO_TCP ? s->tcp_sizes : s->udp_sizes;
    size_t n = proto == VMTP_PROTO_TCP ? s->n_tcp_sizes : s->n_udp_sizes;

    (void)vx_strlcpy(swapped.client_bin, r->tool->server_bin,
                     sizeof(swapped.client_bin));
    (void)vx_strlcpy(swapped.server_bin, r->tool->client_bin,
                     sizeof(swapped.server_bin));
    VLOG(s->log, VMTP_LOG_INFO, "Start %s server for reverse dir",
         vmtp_proto_name(proto));
    rc = vmtp_tool_server_start(&swapped, p->client_ex, &so, &srv, &terr);
    if (rc != VMTP_OK) {
        struct vmtp_result *res = new_entry(r, proto, -1, true);
        VLOG(s->log, VMTP_LOG_WARN,
             "Failed to start %s server for reverse dir: %s",
             vmtp_proto_name(proto), terr.msg);
        if (res == NULL) {
            return vmtp_error_set(r->err, VMTP_E_NOMEM, "out of memory");
        }
        return after_trial(r, res, VMTP_E_MEASURE, &terr);
    }
    for (size_t i = 0; i < n && rc == VMTP_OK; i++) {
        if (proto != VMTP_PROTO_TCP) {
            rc = run_udp_size(r, proto, sizes[i], true, p->server_ex, &swapped,
                              p->client_addr);
            continue;
        }
        for (int k = 0; k < s->tcp_loop_count && rc == VMTP_OK; k++) {
            rc = tcp_trial(r, &swapped, p->server_ex, p->client_addr, sizes[i],
                           true, true);
        }
    }
    vmtp_tool_server_stop(&swapped, p->client_ex, &srv);
    return rc;
}

static enum vmtp_status
validate(const struct vmtp_measure_peer *p,
         const struct vmtp_tool *tool,
         const struct vmtp_measure_settings *s,
         struct vmtp_error *err)
{
    if (p == NULL || p->client_ex == NULL || p->server_ex == NULL ||
        p->server_addr == NULL || tool == NULL) {
        return vmtp_error_set(err, VMTP_E_INVAL, "incomplete flow peers");
    }
    if ((s->tcp && (s->n_tcp_sizes == 0 || s->tcp_loop_count < 1)) ||
        ((s->udp || s->multicast) && s->n_udp_sizes == 0) ||
        (s->icmp && (s->n_icmp_sizes == 0 || s->ping_count < 1)) ||
        s->time_s < 1 || !(s->bandwidth_bps >= 0)) {
        return vmtp_error_set(err, VMTP_E_INVAL, "bad measurement settings");
    }
    if (s->multicast && s->multicast_addr == NULL) {
        return vmtp_error_set(err, VMTP_E_INVAL,
                              "multicast needs a multicast address");
    }
    return VMTP_OK;
}

static enum vmtp_status
flow_error(struct vmtp_flow *flow,
           struct vmtp_error *err,
           const char *what,
           const struct vmtp_error *cause)
{
    char msg[sizeof(cause->msg) + 128];

    (void)snprintf(msg, sizeof(msg), "%s: %s", what, cause->msg);
    VX_FREE(flow->error);
    flow->error = vx_strdup(msg);
    if (flow->error == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    return vmtp_error_set(err,
                          cause->code == VMTP_E_CANCELLED ? VMTP_E_CANCELLED
                                                          : VMTP_E_MEASURE,
                          "%s", msg);
}

/* Move a finished ICMP entry to the end of the flow's results. */
static enum vmtp_status
append_icmp(struct vmtp_flow *flow, struct vmtp_result *icmp)
{
    struct vmtp_result *dst = vmtp_flow_add_result(flow, VMTP_PROTO_ICMP);

    if (dst == NULL) {
        return VMTP_E_NOMEM;
    }
    vmtp_result_release(dst);
    *dst = *icmp;
    vmtp_result_init(icmp, VMTP_PROTO_ICMP); /* ownership moved */
    return VMTP_OK;
}

/* Ping every ICMP size into icmp; a failure is recorded in the entry. */
static enum vmtp_status
run_ping(struct run *r, struct vmtp_result *icmp)
{
    const struct vmtp_measure_settings *s = r->s;
    struct vmtp_ping_opts po = {
            .target = r->peer->server_addr,
            .ipv6 = s->ipv6,
            .sizes = s->icmp_sizes,
            .n_sizes = s->n_icmp_sizes,
            .count = s->ping_count,
            .interval_s = s->ping_interval_s,
            .log = s->log,
    };
    struct vmtp_error terr = {0};
    enum vmtp_status rc;

    rc = vmtp_ping_run(r->peer->client_ex, &po, icmp, &terr);
    if (rc == VMTP_E_CANCELLED || rc == VMTP_E_NOMEM) {
        return vmtp_error_set(r->err, rc, "%s", terr.msg);
    }
    if (rc != VMTP_OK && entry_error(icmp, terr.msg) != VMTP_OK) {
        return vmtp_error_set(r->err, VMTP_E_NOMEM, "out of memory");
    }
    return VMTP_OK;
}

/* Multicast entries, or one entry saying the tool cannot do it. */
static enum vmtp_status
run_multicast(struct run *r)
{
    struct vmtp_result *res;
    char msg[120];

    if (r->tool->ops->multicast) {
        return run_udp_family(r, VMTP_PROTO_MULTICAST);
    }
    res = new_entry(r, VMTP_PROTO_MULTICAST, -1, false);
    (void)snprintf(msg, sizeof(msg), "%s cannot measure multicast (use nuttcp)",
                   r->tool->ops->name);
    if (res == NULL || entry_error(res, msg) != VMTP_OK) {
        return vmtp_error_set(r->err, VMTP_E_NOMEM, "out of memory");
    }
    return VMTP_OK;
}

static bool
wants_throughput(const struct vmtp_measure_settings *s)
{
    return s->tcp || s->udp || s->multicast;
}

/*
 * Probe the tool and launch its server once (without waiting for it: the
 * pings run meanwhile). A tool that cannot run is a flow error.
 */
static enum vmtp_status
launch_server(struct run *r, struct vmtp_tool_server *srv)
{
    const struct vmtp_measure_settings *s = r->s;
    struct vmtp_tool *tool = r->tool;
    struct vmtp_tool_server_opts so = {.ipv6 = s->ipv6,
                                       .udp = s->udp || s->multicast};
    struct vmtp_error terr = {0};

    if (cancelled(s)) {
        return vmtp_error_set(r->err, VMTP_E_CANCELLED, "cancelled");
    }
    if (strcmp(tool->version, tool->ops->name) == 0 &&
        tool->ops->probe(tool, r->peer->client_ex, &terr) != VMTP_OK) {
        return flow_error(r->flow, r->err, "cannot run the throughput tool",
                          &terr);
    }
    if (s->tcp || s->udp || (s->multicast && tool->ops->multicast)) {
        if (vmtp_tool_server_launch(tool, r->peer->server_ex, &so, srv,
                                    &terr) != VMTP_OK) {
            return flow_error(r->flow, r->err, "cannot start the tool server",
                              &terr);
        }
    }
    return VMTP_OK;
}

/* Every throughput entry over the launched server, which it then stops. */
static enum vmtp_status
run_throughput(struct run *r, struct vmtp_tool_server *srv)
{
    const struct vmtp_measure_settings *s = r->s;
    struct vmtp_tool *tool = r->tool;
    enum vmtp_status rc = VMTP_OK;

    if (srv->n_pids > 0) {
        vmtp_tool_server_settle(tool, r->peer->server_ex, srv);
    }
    if (cancelled(s)) {
        rc = vmtp_error_set(r->err, VMTP_E_CANCELLED, "cancelled");
    }
    if (rc == VMTP_OK && s->tcp) {
        rc = run_tcp(r);
    }
    if (rc == VMTP_OK && s->udp) {
        rc = run_udp_family(r, VMTP_PROTO_UDP);
    }
    if (rc == VMTP_OK && s->multicast) {
        rc = run_multicast(r);
    }
    vmtp_tool_server_stop(tool, r->peer->server_ex, srv);
    if (rc == VMTP_OK && s->bidirectional && r->peer->client_addr != NULL) {
        if (s->tcp && !tool->ops->reverse_tcp) {
            rc = run_swapped(r, VMTP_PROTO_TCP);
        }
        if (rc == VMTP_OK && s->udp) {
            rc = run_swapped(r, VMTP_PROTO_UDP);
        }
        if (rc == VMTP_OK && s->multicast && tool->ops->multicast) {
            rc = run_swapped(r, VMTP_PROTO_MULTICAST);
        }
    }
    return rc;
}

enum vmtp_status
vmtp_measure_flow(const struct vmtp_measure_peer *peer,
                  struct vmtp_tool *tool,
                  const struct vmtp_measure_settings *s,
                  struct vmtp_flow *flow,
                  struct vmtp_error *err)
{
    struct run r = {
            .peer = peer, .tool = tool, .s = s, .flow = flow, .err = err};
    struct vmtp_tool_server srv = {.n_pids = 0};
    struct vmtp_result icmp;
    enum vmtp_status rc;
    enum vmtp_status tp = VMTP_OK;

    rc = validate(peer, tool, s, err);
    if (rc != VMTP_OK) {
        return rc;
    }
    if (cancelled(s)) {
        return vmtp_error_set(err, VMTP_E_CANCELLED, "cancelled");
    }
    vmtp_result_init(&icmp, VMTP_PROTO_ICMP);
    if (s->log != NULL) {
        tool->log = s->log;
    }
    /*
     * The server starts first and gets ready while the pings run (a
     * failed start is a flow error; the pings still run).
     */
    if (wants_throughput(s)) {
        tp = launch_server(&r, &srv);
    }
    if (s->icmp && tp != VMTP_E_CANCELLED) {
        rc = run_ping(&r, &icmp);
    }
    if (rc == VMTP_OK && tp == VMTP_OK && wants_throughput(s)) {
        rc = run_throughput(&r, &srv);
    }
    vmtp_tool_server_stop(tool, peer->server_ex, &srv); /* if still up */
    if (rc == VMTP_OK) {
        rc = tp;
    }
    if (s->icmp && append_icmp(flow, &icmp) != VMTP_OK && rc == VMTP_OK) {
        rc = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    vmtp_result_release(&icmp);
    return rc;
}
