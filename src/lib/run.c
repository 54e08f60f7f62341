/* \summary: vmtp_run(): native host flows, external host, controller probe */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vmtp/cloud.h>
#include <vmtp/run.h>

#include "exec.h"
#include "internal.h"
#include "measure.h"
#include "monitor_ganglia.h"
#include "probe.h"
#include "remote.h"
#include "result.h"
#include "run_int.h"
#include "store_mongo.h"
#include "tool.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_parse.h"
#include "vx_str.h"
#include "vx_time.h"

/* Native hosts may be down: a few attempts, not the VM boot budget. */
#define RUN_HOST_CONNECT_ATTEMPTS 3

/* Replace an owned string field with a copy of value (NULL clears it). */
static enum vmtp_status
set_str(struct vmtp_ctx *ctx, char **field, const char *value)
{
    char *copy = NULL;

    if (value != NULL && (copy = vx_strdup(value)) == NULL) {
        return vmtp_set_error(ctx, VMTP_E_NOMEM, "out of memory");
    }
    free(*field);
    *field = copy;
    return VMTP_OK;
}

enum vmtp_status
vmtp_run_set_args(struct vmtp_ctx *ctx, const char *args)
{
    return set_str(ctx, &ctx->args, args != NULL ? args : "");
}

enum vmtp_status
vmtp_run_set_state_dir(struct vmtp_ctx *ctx, const char *dir)
{
    return set_str(ctx, &ctx->state_dir, dir);
}

/* --cleanup: delete what interrupted runs left in the cloud. */
static enum vmtp_status
run_cleanup(struct vmtp_ctx *ctx)
{
    if (ctx->creds.auth_url == NULL) {
        return vmtp_set_error(ctx, VMTP_E_INVAL,
                              "--cleanup needs OpenStack credentials");
    }
    if (ctx->state_dir == NULL) {
        return vmtp_set_error(ctx, VMTP_E_INVAL,
                              "--cleanup: no state directory for the "
                              "cleanup ledgers");
    }
    VLOG(&ctx->log, VMTP_LOG_INFO, "cleaning up %s%s",
         ctx->cleanup_run_id != NULL ? "run " : "every unfinished run",
         ctx->cleanup_run_id != NULL ? ctx->cleanup_run_id : "");
    return vmtp_cleanup(ctx, ctx->state_dir, ctx->cleanup_run_id);
}

enum vmtp_status
vmtp_run_set_agent_path(struct vmtp_ctx *ctx, const char *path)
{
    return set_str(ctx, &ctx->agent_path, path);
}

struct vmtp_results *
vmtp_ctx_results(struct vmtp_ctx *ctx)
{
    return ctx->results;
}

static size_t
copy_sizes(long *dst, const struct vmtp_intlist *src)
{
    size_t n = src->n < RUN_MAX_SIZES ? src->n : RUN_MAX_SIZES;

    for (size_t i = 0; i < n; i++) {
        dst[i] = (long)src->v[i];
    }
    return n;
}

static void
plan_init(struct run_plan *p, const struct vmtp_ctx *ctx)
{
    const struct vmtp_config *c = &ctx->cfg;
    const char *protos = c->protocols != NULL ? c->protocols : "TUI";
    struct vmtp_measure_settings *s = &p->s;

    vmtp_measure_settings_init(s);
    s->tcp = strchr(protos, 'T') != NULL;
    s->udp = strchr(protos, 'U') != NULL;
    s->icmp = strchr(protos, 'I') != NULL;
    s->multicast = strchr(protos, 'M') != NULL || c->multicast_addr != NULL;
    s->multicast_addr =
            c->multicast_addr != NULL ? c->multicast_addr : "231.1.1.1";
    s->tcp_sizes = p->tcp;
    s->n_tcp_sizes = copy_sizes(p->tcp, &c->tcp_pkt_sizes);
    s->udp_sizes = p->udp;
    s->n_udp_sizes = copy_sizes(p->udp, &c->udp_pkt_sizes);
    s->icmp_sizes = p->icmp;
    s->n_icmp_sizes = copy_sizes(p->icmp, &c->icmp_pkt_sizes);
    s->tcp_loop_count =
            c->tcp_tp_loop_count > 0 ? (int)c->tcp_tp_loop_count : 1;
    s->ping_count = c->ping_count > 0 ? (int)c->ping_count : 10;
    s->time_s = c->time_s > 0 ? (int)c->time_s : 10;
    s->bandwidth_bps = (double)c->vm_bandwidth_kbps * 1000.0;
    if (c->udp_loss_rate_range.n == 2) {
        s->search.loss_lo_pct = (double)c->udp_loss_rate_range.v[0];
        s->search.loss_hi_pct = (double)c->udp_loss_rate_range.v[1];
    }
    s->use_tcp_hint = true;
    s->cancel = &ctx->cancelled;
    s->log = &ctx->log;
    p->tool_name = c->tp_tool != NULL ? c->tp_tool : "nuttcp";
}

/* Look for a local copy of a tool to upload to a host that lacks it. */
static bool
find_local_binary(const char *name, char *path, size_t size)
{
    static const char *const dirs[] = {"/usr/bin", "/usr/local/bin",
                                       "/usr/sbin", "/bin", "/sbin"};

    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        int n = snprintf(path, size, "%s/%s", dirs[i], name);

        if (n > 0 && (size_t)n < size && access(path, X_OK) == 0) {
            return true;
        }
    }
    return false;
}

static enum vmtp_status
upload_binary(struct vmtp_ctx *ctx,
              struct run_host *h,
              const char *local,
              struct vmtp_tool *t)
{
    char *remote = NULL;
    enum vmtp_status st;

    VLOG(&ctx->log, VMTP_LOG_INFO, "[%s] installing %s", h->ex->name, local);
    st = h->ex->ops->upload(h->ex, local, &remote, &ctx->err);
    if (st != VMTP_OK) {
        return st;
    }
    (void)vx_strlcpy(t->client_bin, remote, sizeof(t->client_bin));
    free(remote);
    return VMTP_OK;
}

/*
 * Record h's distribution for the flows it runs as client. Only a cancel
 * stops the run: a host whose probe fails reports "Unknown".
 */
static enum vmtp_status
probe_distro(struct vmtp_ctx *ctx, struct run_host *h)
{
    struct vmtp_error err;
    enum vmtp_status st;

    vmtp_error_clear(&err);
    st = vmtp_probe_distro(h->ex, h->distro_id, sizeof(h->distro_id),
                           h->distro_version, sizeof(h->distro_version), &err);
    if (st == VMTP_E_CANCELLED) {
        ctx->err = err;
        return st;
    }
    if (st != VMTP_OK) {
        VLOG(&ctx->log, VMTP_LOG_DEBUG, "[%s] distribution unknown: %s",
             h->ex->name, err.msg);
    }
    return VMTP_OK;
}

/*
 * Make the tool runnable on h: the host's own binary when it has one,
 * else a copy of ours (the agent is always ours: its protocol version
 * must match). Records the path and the probed version in h.
 */
enum vmtp_status
vmtp_run_deploy_tool(struct vmtp_ctx *ctx,
                     struct run_host *h,
                     const char *tool_name)
{
    struct vmtp_tool *t = NULL;
    struct vmtp_error probe_err;
    char local[512];
    enum vmtp_status st = vmtp_tool_new(tool_name, &t, &ctx->err);

    if (st != VMTP_OK) {
        return st;
    }
    t->log = &ctx->log;
    if (strcmp(tool_name, "vmtp") == 0) {
        if (ctx->agent_path == NULL) {
            st = vmtp_set_error(ctx, VMTP_E_INVAL,
                                "--tp-tool vmtp: no local vmtp-agent to "
                                "install on %s",
                                h->ex->name);
            goto out;
        }
        st = upload_binary(ctx, h, ctx->agent_path, t);
        if (st != VMTP_OK) {
            goto out;
        }
    }
    vmtp_error_clear(&probe_err);
    st = t->ops->probe(t, h->ex, &probe_err);
    if (st != VMTP_OK && st != VMTP_E_CANCELLED &&
        strcmp(tool_name, "vmtp") != 0) {
        if (!find_local_binary(t->client_bin, local, sizeof(local))) {
            st = vmtp_set_error(ctx, VMTP_E_MEASURE,
                                "%s lacks %s (%s) and there is no local "
                                "copy to install",
                                h->ex->name, tool_name, probe_err.msg);
            goto out;
        }
        st = upload_binary(ctx, h, local, t);
        if (st == VMTP_OK) {
            st = t->ops->probe(t, h->ex, &ctx->err);
        }
    } else if (st != VMTP_OK) {
        ctx->err = probe_err;
    }
    if (st == VMTP_OK) {
        (void)vx_strlcpy(h->tool_bin, t->client_bin, sizeof(h->tool_bin));
        (void)vx_strlcpy(h->tool_ver, t->version, sizeof(h->tool_ver));
        VLOG(&ctx->log, VMTP_LOG_DEBUG, "[%s] %s is %s", h->ex->name,
             h->tool_ver, h->tool_bin);
        st = probe_distro(ctx, h);
    }
out:
    vmtp_tool_free(t);
    return st;
}

static enum vmtp_status
connect_host(struct vmtp_ctx *ctx,
             const char *access_str,
             bool with_ifname,
             const char *opt,
             struct run_host *h)
{
    const struct vmtp_config *c = &ctx->cfg;
    struct vmtp_remote_opts o;
    const char *errstr = NULL;

    if (vx_parse_access(access_str, with_ifname, &h->acc, &errstr) != 0) {
        return vmtp_set_error(ctx, VMTP_E_INVAL, "%s: %s", opt, errstr);
    }
    vmtp_remote_opts_init(&o);
    o.user = h->acc.user;
    o.host = h->acc.host;
    o.password = h->acc.has_password && h->acc.password[0] != '\0'
                         ? h->acc.password
                         : NULL;
    o.key_file = c->private_key_file;
    o.known_hosts = c->known_hosts_file;
    o.accept_unknown_host_key = c->accept_unknown_host_keys;
    o.connect_attempts = c->ssh_retry_count < RUN_HOST_CONNECT_ATTEMPTS
                                 ? (int)c->ssh_retry_count
                                 : RUN_HOST_CONNECT_ATTEMPTS;
    if (o.connect_attempts < 1) {
        o.connect_attempts = 1;
    }
    o.cancel = &ctx->cancelled;
    o.log = &ctx->log;
    VLOG(&ctx->log, VMTP_LOG_INFO, "connecting to %s@%s", h->acc.user,
         h->acc.host);
    return vmtp_remote_new(&o, &h->ex, &ctx->err);
}

void
vmtp_run_disconnect(struct run_host *h)
{
    if (h->ex != NULL) {
        h->ex->ops->kill_all(h->ex);
        h->ex->ops->free(h->ex);
        h->ex = NULL;
    }
    vx_access_clear(&h->acc);
}

static bool
flow_failed(const struct vmtp_flow *f)
{
    if (f->error != NULL) {
        return true;
    }
    for (size_t i = 0; i < f->n_results; i++) {
        /* also ICMP with no reply at all: the report says FAILED */
        if (vmtp_result_failure(&f->results[i]) != NULL) {
            return true;
        }
    }
    return false;
}

/* Ganglia polling around each full-length run (-m, behaviour §9.4). */
struct run_monitor {
    struct vmtp_ctx *ctx;
    struct vmtp_ganglia *poller; /* NULL between runs */
};

static void
monitor_begin(void *arg)
{
    struct run_monitor *m = arg;
    const struct vmtp_config *c = &m->ctx->cfg;
    struct vmtp_error err;
    int port = c->gmond_svr_port > 0 ? (int)c->gmond_svr_port
                                     : VMTP_GMOND_DEFAULT_PORT;

    vmtp_error_clear(&err);
    if (vmtp_ganglia_start(c->gmond_svr_ip, port, &m->ctx->log, NULL,
                           &m->poller, &err) != VMTP_OK) {
        VLOG(&m->ctx->log, VMTP_LOG_WARN,
             "Ganglia monitoring of %s:%d not started: %s", c->gmond_svr_ip,
             port, err.msg);
        m->poller = NULL;
    }
}

/* Stop the poller and attach its {"<host IP>": [loads]} as cpu_load. */
static enum vmtp_status
monitor_end(void *arg, struct vmtp_result *res)
{
    struct run_monitor *m = arg;
    json_t *load;

    if (m->poller == NULL) {
        return VMTP_OK;
    }
    load = vmtp_ganglia_stop(m->poller, NULL);
    m->poller = NULL;
    if (load == NULL) {
        return VMTP_OK;
    }
    if (res->extra == NULL && (res->extra = json_object()) == NULL) {
        json_decref(load);
        return VMTP_E_NOMEM;
    }
    return json_object_set_new(res->extra, "cpu_load", load) == 0
                   ? VMTP_OK
                   : VMTP_E_NOMEM;
}

/*
 * Measure one flow from `cli` toward `server_addr` on `srv` and append it
 * to the results. A failed measurement is recorded in the flow and sets
 * *failed; only cancellation and out-of-memory stop the run.
 */
enum vmtp_status
vmtp_run_flow(struct vmtp_ctx *ctx,
              const struct run_plan *p,
              struct run_host *srv,
              const char *server_addr,
              struct run_host *cli,
              const char *desc,
              bool bidirectional,
              bool *failed)
{
    struct vmtp_measure_settings s = p->s;
    struct run_monitor mon = {.ctx = ctx, .poller = NULL};
    struct vmtp_measure_peer peer = {
            .server_ex = srv->ex,
            .client_ex = cli->ex,
            .server_addr = server_addr,
            .client_addr = bidirectional ? cli->acc.host : NULL,
    };
    struct vmtp_tool *t = NULL;
    struct vmtp_flow *flow = vmtp_results_add_flow(ctx->results);
    struct vmtp_error err;
    enum vmtp_status st;

    if (flow == NULL || set_str(ctx, &flow->desc, desc) != VMTP_OK ||
        set_str(ctx, &flow->ip_from, cli->acc.host) != VMTP_OK ||
        set_str(ctx, &flow->ip_to, server_addr) != VMTP_OK ||
        (cli->distro_id[0] != '\0' &&
         (set_str(ctx, &flow->distro_id, cli->distro_id) != VMTP_OK ||
          set_str(ctx, &flow->distro_version, cli->distro_version) !=
                  VMTP_OK))) {
        return vmtp_set_error(ctx, VMTP_E_NOMEM, "out of memory");
    }
    st = vmtp_tool_new(p->tool_name, &t, &ctx->err);
    if (st != VMTP_OK) {
        return st;
    }
    t->log = &ctx->log;
    (void)vx_strlcpy(t->server_bin, srv->tool_bin, sizeof(t->server_bin));
    (void)vx_strlcpy(t->client_bin, cli->tool_bin, sizeof(t->client_bin));
    (void)vx_strlcpy(t->version, cli->tool_ver, sizeof(t->version));
    s.ipv6 = strchr(server_addr, ':') != NULL;
    s.bidirectional = bidirectional;
    if (ctx->cfg.gmond_svr_ip != NULL && ctx->cfg.gmond_svr_ip[0] != '\0') {
        s.run_begin = monitor_begin;
        s.run_end = monitor_end;
        s.run_arg = &mon;
    }
    if (s.multicast && !t->ops->multicast) {
        VLOG(&ctx->log, VMTP_LOG_WARN,
             "%s cannot measure multicast: skipped (use --tp-tool nuttcp)",
             p->tool_name);
        s.multicast = false;
    }
    VLOG(&ctx->log, VMTP_LOG_INFO, "flow %zu: %s (%s -> %s)",
         ctx->results->n_flows, desc, cli->acc.host, server_addr);
    vmtp_error_clear(&err);
    st = vmtp_measure_flow(&peer, t, &s, flow, &err);
    json_decref(vmtp_ganglia_stop(mon.poller, NULL)); /* cancelled mid-run */
    vmtp_tool_free(t);
    if (st == VMTP_E_MEASURE && flow->error == NULL) {
        (void)set_str(ctx, &flow->error, err.msg);
    }
    if (st == VMTP_E_CANCELLED || st == VMTP_E_NOMEM) {
        ctx->err = err;
        return st;
    }
    if (st != VMTP_OK || flow_failed(flow)) {
        *failed = true;
        VLOG(&ctx->log, VMTP_LOG_WARN, "flow %zu (%s) had failures%s%s",
             ctx->results->n_flows, desc, err.msg[0] ? ": " : "", err.msg);
    }
    return VMTP_OK;
}

static enum vmtp_status
server_address(struct vmtp_ctx *ctx,
               struct run_host *srv,
               char *addr,
               size_t size)
{
    struct vmtp_host_addr ha;
    enum vmtp_status st;

    if (srv->acc.ifname[0] == '\0') {
        (void)vx_strlcpy(addr, srv->acc.host, size);
        return VMTP_OK;
    }
    memset(&ha, 0, sizeof(ha));
    st = vmtp_probe_ifaddr(srv->ex, srv->acc.ifname, &ha, &ctx->err);
    if (st != VMTP_OK) {
        return st;
    }
    /* Same family as the SSH address when the interface has both. */
    if (ha.ipv4[0] != '\0' &&
        (strchr(srv->acc.host, ':') == NULL || ha.ipv6[0] == '\0')) {
        (void)vx_strlcpy(addr, ha.ipv4, size);
    } else {
        (void)vx_strlcpy(addr, ha.ipv6, size);
    }
    VLOG(&ctx->log, VMTP_LOG_INFO, "clients will use server address %s (%s)",
         addr, srv->acc.ifname);
    return VMTP_OK;
}

/*
 * Native flows (intra-host, inter-host), then the external host flow unless
 * the cloud run that follows measures it against a VM (with_external false).
 */
static enum vmtp_status
run_native(struct vmtp_ctx *ctx,
           const struct run_plan *p,
           bool with_external,
           bool *failed)
{
    const struct vmtp_config *c = &ctx->cfg;
    struct run_host hosts[3];
    struct run_host *srv = &hosts[0];
    char addr[VX_HOST_MAX];
    size_t nhosts = c->hosts.n;
    enum vmtp_status st = VMTP_OK;

    memset(hosts, 0, sizeof(hosts));
    for (size_t i = 0; i < nhosts && i < 2 && st == VMTP_OK; i++) {
        st = connect_host(ctx, c->hosts.v[i], true, "--host", &hosts[i]);
        if (st == VMTP_OK) {
            st = vmtp_run_deploy_tool(ctx, &hosts[i], p->tool_name);
        }
    }
    if (st == VMTP_OK && with_external && c->ext_host != NULL) {
        st = connect_host(ctx, c->ext_host, false, "--external-host",
                          &hosts[2]);
        if (st == VMTP_OK) {
            st = vmtp_run_deploy_tool(ctx, &hosts[2], p->tool_name);
        }
    }
    if (st == VMTP_OK) {
        st = server_address(ctx, srv, addr, sizeof(addr));
    }
    if (st == VMTP_OK && (nhosts == 1 || !c->inter_node_only)) {
        st = vmtp_run_flow(ctx, p, srv, addr, srv, "Native intra-host", false,
                           failed);
    }
    if (st == VMTP_OK && nhosts == 2) {
        st = vmtp_run_flow(ctx, p, srv, addr, &hosts[1], "Native inter-host",
                           false, failed);
    }
    if (st == VMTP_OK && hosts[2].ex != NULL) {
        st = vmtp_run_flow(ctx, p, srv, addr, &hosts[2], "External-VM", true,
                           failed);
    }
    for (size_t i = 0; i < 3; i++) {
        vmtp_run_disconnect(&hosts[i]);
    }
    return st;
}

static enum vmtp_status
run_controller(struct vmtp_ctx *ctx)
{
    struct run_host h;
    struct vmtp_host_info info;
    struct vmtp_results *doc = ctx->results;
    enum vmtp_status st;

    memset(&h, 0, sizeof(h));
    vmtp_host_info_init(&info);
    VLOG(&ctx->log, VMTP_LOG_INFO, "fetching OpenStack deployment details");
    st = connect_host(ctx, ctx->cfg.controller_node, false, "--controller-node",
                      &h);
    if (st == VMTP_OK) {
        st = vmtp_probe_controller(h.ex, &info, &ctx->err);
    }
    if (st == VMTP_OK) {
        st = vmtp_results_set(doc, "distro", info.distro);
    }
    if (st == VMTP_OK) {
        st = vmtp_results_set(doc, "openstack_version", info.openstack_version);
    }
    if (st == VMTP_OK && doc->l2agent_type == NULL) {
        st = vmtp_results_set(doc, "l2agent_type", info.l2agent_type);
    }
    if (st == VMTP_OK && doc->encapsulation == NULL) {
        st = vmtp_results_set(doc, "encapsulation", info.encapsulation);
    }
    if (st == VMTP_OK) {
        st = vmtp_results_set(doc, "cpu_info", info.cpu_info);
    }
    vmtp_host_info_release(&info);
    vmtp_run_disconnect(&h);
    return st;
}

static enum vmtp_status
start_results(struct vmtp_ctx *ctx)
{
    char date[32];
    struct vmtp_results *doc = vmtp_results_new();
    enum vmtp_status st;

    if (doc == NULL) {
        return vmtp_set_error(ctx, VMTP_E_NOMEM, "out of memory");
    }
    vmtp_results_free(ctx->results);
    ctx->results = doc;
    (void)vx_format_localtime((int64_t)time(NULL), date, sizeof(date));
    st = vmtp_results_set(doc, "date", date);
    if (st == VMTP_OK) {
        st = vmtp_results_set(doc, "args", ctx->args != NULL ? ctx->args : "");
    }
    if (st == VMTP_OK) {
        st = vmtp_results_set(doc, "version", vmtp_version());
    }
    if (st == VMTP_OK && ctx->cfg.test_description != NULL) {
        st = vmtp_results_set(doc, "test_description",
                              ctx->cfg.test_description);
    }
    if (st == VMTP_OK) {
        st = vmtp_results_update_run_id(doc);
    }
    if (st != VMTP_OK) {
        return vmtp_set_error(ctx, st, "cannot start the results document");
    }
    return VMTP_OK;
}

enum vmtp_status
vmtp_run(struct vmtp_ctx *ctx)
{
    struct run_plan plan;
    bool failed = false;
    bool cloud;
    uint64_t t0 = vx_now_us();
    enum vmtp_status st = VMTP_OK;

    vmtp_error_clear(&ctx->err);
    if (vmtp_ctx_cancelled(ctx)) {
        return vmtp_set_error(ctx, VMTP_E_CANCELLED, "run cancelled");
    }
    if (ctx->cleanup) {
        return run_cleanup(ctx);
    }
    st = start_results(ctx);
    if (st != VMTP_OK) {
        return st;
    }
    if (ctx->cfg.hosts.n == 0 && ctx->creds.auth_url == NULL) {
        return vmtp_set_error(ctx, VMTP_E_INVAL,
                              "nothing to run: no --host given and no "
                              "OpenStack credentials");
    }
    plan_init(&plan, ctx);
    if (ctx->cfg.gmond_svr_ip != NULL && ctx->cfg.gmond_svr_ip[0] != '\0') {
        VLOG(&ctx->log, VMTP_LOG_INFO, "Ganglia monitoring enabled (%s:%lld)",
             ctx->cfg.gmond_svr_ip,
             ctx->cfg.gmond_svr_port > 0 ? ctx->cfg.gmond_svr_port
                                         : (long long)VMTP_GMOND_DEFAULT_PORT);
    }
    VLOG(&ctx->log, VMTP_LOG_INFO, "run %s: tool %s, protocols %s, %d s",
         ctx->results->run_id, plan.tool_name,
         ctx->cfg.protocols != NULL ? ctx->cfg.protocols : "TUI",
         plan.s.time_s);
    /* native flows first, then the cloud's, as the original orders them */
    cloud = ctx->creds.auth_url != NULL;
    if (ctx->cfg.hosts.n > 0) {
        st = run_native(ctx, &plan, !cloud, &failed);
    }
    if (st == VMTP_OK && cloud && !(failed && ctx->cfg.stop_on_error)) {
        st = vmtp_cloud_run(ctx, &plan, &failed);
    }
    if (st == VMTP_OK && ctx->cfg.controller_node != NULL) {
        st = run_controller(ctx);
    }
    if (st == VMTP_OK && vmtp_ctx_cancelled(ctx)) {
        st = vmtp_set_error(ctx, VMTP_E_CANCELLED, "run cancelled");
    }
    VLOG(&ctx->log, VMTP_LOG_INFO, "run %s finished in %.1f s",
         ctx->results->run_id, (double)(vx_now_us() - t0) / 1e6);
    if (st == VMTP_OK && failed) {
        return vmtp_set_error(ctx, VMTP_E_MEASURE,
                              "a flow or a measurement failed (see the "
                              "results)");
    }
    return st;
}

enum vmtp_status
vmtp_run_store_mongo(struct vmtp_ctx *ctx)
{
    const struct vmtp_config *c = &ctx->cfg;
    char host[256];
    int port = 0;
    char *json = NULL;
    enum vmtp_status st;

    if (c->vmtp_mongod_ip == NULL) {
        return VMTP_OK;
    }
    if (ctx->results == NULL) {
        return vmtp_set_error(ctx, VMTP_E_INVAL, "no results to store");
    }
    st = vmtp_mongo_parse_server(c->vmtp_mongod_ip,
                                 c->vmtp_mongod_port > 0
                                         ? (int)c->vmtp_mongod_port
                                         : VMTP_MONGO_DEFAULT_PORT,
                                 host, sizeof(host), &port, &ctx->err);
    if (st == VMTP_OK) {
        st = vmtp_results_to_json(ctx->results, &json, &ctx->err);
    }
    if (st == VMTP_OK) {
        st = vmtp_store_mongo(&ctx->log, host, port, c->vmtp_db,
                              c->vmtp_collection, json, 0, &ctx->err);
    }
    free(json);
    return st;
}

enum vmtp_status
vmtp_run_save_json(struct vmtp_ctx *ctx)
{
    const char *path = ctx->cfg.json_file;
    enum vmtp_status st;

    if (path == NULL || *path == '\0') {
        return VMTP_OK;
    }
    if (ctx->results == NULL) {
        return vmtp_set_error(ctx, VMTP_E_INVAL, "no results to save");
    }
    st = vmtp_results_save_file(ctx->results, path, &ctx->err);
    if (st == VMTP_OK) {
        VLOG(&ctx->log, VMTP_LOG_INFO, "results saved in %s", path);
    }
    return st;
}
