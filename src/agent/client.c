/* \summary: vmtp-agent client: run one test against a server and print one
 * JSON object */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "build_config.h"
#include "cpu.h"
#include "engine_rr.h"
#include "engine_tcp.h"
#include "engine_udp.h"
#include "error.h"
#include "jsonw.h"
#include "net.h"
#include "proto.h"
#include "vx_buf.h"
#include "vx_str.h"

#define RESULT_EXTRA_MS 40000 /* the server may drain TCP for up to 30 s */
#define OUT_MAX         (1u << 20)

struct client {
    const struct agent_opts *o;
    struct vmtp_error err;
    int exit_code;
    int ctl;
    struct vmtp_sockaddr server;
    struct vmtp_sockaddr local;
    size_t len;
    uint64_t rate_bps;
    uint32_t session;
    /* results */
    uint64_t bytes_sent;
    uint64_t packets_sent;
    uint64_t elapsed_us;
    struct vmtp_tcp_stream *streams;
    int nstreams;
    struct vmtp_rr_result *rr; /* rr modes */
    struct vmtp_rr_probe *probe;
    bool have_probe;
    struct vmtp_cpu_snap c0;
    struct vmtp_cpu_snap c1;
    struct vmtp_proto_msg msg;    /* scratch */
    struct vmtp_proto_msg result; /* the server's result frame */
};

static size_t
default_len(enum agent_mode m)
{
    switch (m) {
    case AGENT_TCP:
        return 131072;
    case AGENT_UDP:
        return 1024;
    case AGENT_TCP_RR:
    case AGENT_UDP_RR:
        return 64;
    }
    return 1024;
}

/* Send a frame built by the caller in b. */
static enum vmtp_status
send_frame(struct client *c, struct vmtp_jw *w, struct vx_buf *b)
{
    if (vmtp_jw_finish(w) != 0) {
        return vmtp_error_set(&c->err, VMTP_E_INTERNAL,
                              "cannot build a control frame");
    }
    return vmtp_proto_send(c->ctl, vx_buf_str(b), vx_buf_len(b),
                           c->o->ctl_timeout_ms, &c->err);
}

/* Receive a frame of `type`; an error frame becomes the error message. */
static enum vmtp_status
expect(struct client *c,
       const char *type,
       int timeout_ms,
       struct vmtp_proto_msg *msg)
{
    enum vmtp_status st = vmtp_proto_recv(c->ctl, timeout_ms, msg, &c->err);
    const char *t;

    if (st != VMTP_OK) {
        return st;
    }
    t = vmtp_proto_get_str(msg, "type");
    if (vx_streq(t, "error")) {
        const char *m = vmtp_proto_get_str(msg, "message");
        const char *code = vmtp_proto_get_str(msg, "code");

        return vmtp_error_set(&c->err, VMTP_E_PROTO, "server: %s: %s",
                              code != NULL ? code : "error",
                              m != NULL ? m : "no message");
    }
    if (!vx_streq(t, type)) {
        return vmtp_error_set(&c->err, VMTP_E_PROTO,
                              "expected a %s frame from the server", type);
    }
    return VMTP_OK;
}

static enum vmtp_status
handshake(struct client *c)
{
    const struct agent_opts *o = c->o;
    struct vx_buf b;
    struct vmtp_jw w;
    enum vmtp_status st;
    int64_t v = 0;

    vx_buf_init(&b, 4096);
    vmtp_jw_init(&w, &b);
    vmtp_jw_obj_begin(&w, NULL);
    vmtp_jw_str(&w, "type", "hello");
    vmtp_jw_int(&w, "version", VMTP_PROTO_VERSION);
    vmtp_jw_str(&w, "agent_version", VMTP_VERSION);
    vmtp_jw_obj_end(&w);
    st = send_frame(c, &w, &b);
    if (st == VMTP_OK) {
        st = expect(c, "hello", o->ctl_timeout_ms, &c->msg);
    }
    if (st != VMTP_OK) {
        goto out;
    }
    vx_buf_reset(&b);
    vmtp_jw_init(&w, &b);
    vmtp_jw_obj_begin(&w, NULL);
    vmtp_jw_str(&w, "type", "test");
    vmtp_jw_str(&w, "mode", agent_mode_name(o->mode));
    vmtp_jw_uint(&w, "len_bytes", c->len);
    vmtp_jw_uint(&w, "rate_bps", c->rate_bps);
    vmtp_jw_int(&w, "duration_ms", (int64_t)(o->duration_s * 1000.0 + 0.5));
    vmtp_jw_int(&w, "parallel", o->parallel);
    vmtp_jw_int(&w, "window_bytes", o->window_bytes);
    vmtp_jw_int(&w, "tos", o->tos);
    if (o->mcast_group != NULL) {
        vmtp_jw_str(&w, "mcast_group", o->mcast_group);
    }
    vmtp_jw_bool(&w, "latency", o->latency);
    vmtp_jw_obj_end(&w);
    st = send_frame(c, &w, &b);
    if (st == VMTP_OK) {
        st = expect(c, "ready", o->ctl_timeout_ms, &c->msg);
    }
    if (st == VMTP_OK) {
        if (vmtp_proto_get_int(&c->msg, "session_id", 0, UINT32_MAX, &v) != 0) {
            st = vmtp_error_set(&c->err, VMTP_E_PROTO,
                                "ready frame without session_id");
        }
        c->session = (uint32_t)v;
    }
out:
    vx_buf_release(&b);
    return st;
}

/* Our address of the control connection with port 0: data sockets bind to
 * it so they leave through the same interface. */
static struct vmtp_sockaddr
local_any_port(const struct client *c)
{
    struct vmtp_sockaddr sa = c->local;

    vmtp_net_set_port(&sa, 0);
    return sa;
}

static int
open_data_tcp(struct client *c)
{
    struct vmtp_sockaddr from = local_any_port(c);
    uint8_t hello[8] = {'V', 'T', 'D', '1'};
    int fd;

    hello[4] = (uint8_t)(c->session >> 24);
    hello[5] = (uint8_t)(c->session >> 16);
    hello[6] = (uint8_t)(c->session >> 8);
    hello[7] = (uint8_t)c->session;
    fd = vmtp_net_connect(&c->server, &from, SOCK_STREAM, c->o->ctl_timeout_ms,
                          &c->err);
    if (fd < 0) {
        return -1;
    }
    (void)vmtp_net_set_bufsize(fd, c->o->window_bytes);
    (void)vmtp_net_set_tos(fd, c->server.ss.ss_family, c->o->tos);
    if (vmtp_net_write_full(fd, hello, sizeof(hello), c->o->ctl_timeout_ms,
                            &c->err) != VMTP_OK) {
        (void)close(fd);
        return -1;
    }
    return fd;
}

static int
set_mcast(struct client *c, int fd)
{
    int ttl = c->o->ttl;

    if (c->local.ss.ss_family == AF_INET) {
        struct ip_mreqn mr;

        memset(&mr, 0, sizeof(mr));
        mr.imr_address = ((const struct sockaddr_in *)&c->local.ss)->sin_addr;
        mr.imr_ifindex = (int)vmtp_net_ifindex_of(&c->local);
        if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) !=
                    0 ||
            setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) != 0) {
            return -1;
        }
        return 0;
    }
    {
        int ifindex = (int)vmtp_net_ifindex_of(&c->local);

        if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl,
                       sizeof(ttl)) != 0 ||
            setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex,
                       sizeof(ifindex)) != 0) {
            return -1;
        }
    }
    return 0;
}

/* A UDP socket bound to our address, connected to the server's port on
 * the server (or on the multicast group). */
static int
open_data_udp(struct client *c, bool mcast)
{
    struct vmtp_sockaddr from = local_any_port(c);
    struct vmtp_sockaddr to = c->server;
    int sndbuf = c->o->window_bytes > 0 ? c->o->window_bytes : (4 << 20);
    int fd;

    if (mcast) {
        if (vmtp_net_resolve(c->o->mcast_group, vmtp_net_port(&c->server),
                             c->server.ss.ss_family, false, &to,
                             &c->err) != VMTP_OK) {
            return -1;
        }
        vmtp_net_unmap(&to);
        if (to.ss.ss_family != c->local.ss.ss_family) {
            (void)vmtp_error_set(&c->err, VMTP_E_INVAL,
                                 "group %s is not of the server's family",
                                 c->o->mcast_group);
            return -1;
        }
    }
    fd = vmtp_net_connect(&to, &from, SOCK_DGRAM, 0, &c->err);
    if (fd < 0) {
        return -1;
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
    (void)vmtp_net_set_tos(fd, to.ss.ss_family, c->o->tos);
    if (mcast && set_mcast(c, fd) != 0) {
        (void)vmtp_error_set_sys(&c->err, VMTP_E_SYS, errno,
                                 "cannot set multicast options");
        (void)close(fd);
        return -1;
    }
    return fd;
}

static enum vmtp_status
run_tcp(struct client *c)
{
    const struct agent_opts *o = c->o;
    struct vmtp_tcp_send_params p = {
            .len = c->len,
            .rate_bps = c->rate_bps / (uint64_t)o->parallel,
            .duration_us = (uint64_t)(o->duration_s * 1e6),
    };
    enum vmtp_status st;

    c->streams = calloc((size_t)o->parallel, sizeof(*c->streams));
    if (c->streams == NULL) {
        return vmtp_error_set(&c->err, VMTP_E_NOMEM, "out of memory");
    }
    for (int i = 0; i < o->parallel; i++) {
        c->streams[i].fd = open_data_tcp(c);
        if (c->streams[i].fd < 0) {
            return c->err.code;
        }
        c->nstreams++;
    }
    st = vmtp_tcp_send_streams(c->streams, (size_t)c->nstreams, &p,
                               &c->elapsed_us, &c->err);
    for (int i = 0; i < c->nstreams; i++) {
        c->bytes_sent += c->streams[i].bytes_sent;
    }
    return st;
}

static enum vmtp_status
run_udp(struct client *c)
{
    struct vmtp_udp_send_params p = {
            .len = c->len,
            .rate_bps = c->rate_bps,
            .duration_us = (uint64_t)(c->o->duration_s * 1e6),
            .session = c->session,
    };
    struct vmtp_udp_send_result r;
    enum vmtp_status st;
    int fd = open_data_udp(c, c->o->mcast_group != NULL);

    if (fd < 0) {
        return c->err.code;
    }
    st = vmtp_udp_send_run(fd, &p, NULL, &r, &c->err);
    c->bytes_sent = r.bytes;
    c->packets_sent = r.packets;
    c->elapsed_us = r.elapsed_us;
    (void)close(fd);
    return st;
}

static enum vmtp_status
run_rr(struct client *c)
{
    struct vmtp_rr_params p = {
            .len = c->len,
            .duration_us = (uint64_t)(c->o->duration_s * 1e6),
            .interval_us = 0,
            .session = c->session,
    };
    enum vmtp_status st;
    bool tcp = c->o->mode == AGENT_TCP_RR;
    int fd;

    c->rr = calloc(1, sizeof(*c->rr));
    if (c->rr == NULL) {
        return vmtp_error_set(&c->err, VMTP_E_NOMEM, "out of memory");
    }
    fd = tcp ? open_data_tcp(c) : open_data_udp(c, false);
    if (fd < 0) {
        return c->err.code;
    }
    if (tcp) {
        st = vmtp_rr_tcp_run(fd, &p, NULL, c->rr, &c->err);
        (void)shutdown(fd, SHUT_WR);
    } else {
        st = vmtp_rr_udp_run(fd, &p, NULL, c->rr, &c->err);
    }
    c->elapsed_us = c->rr->elapsed_us;
    c->bytes_sent = c->rr->histo.count * c->len;
    (void)close(fd);
    return st;
}

static enum vmtp_status
start_probe(struct client *c)
{
    c->probe = calloc(1, sizeof(*c->probe));
    if (c->probe == NULL) {
        return vmtp_error_set(&c->err, VMTP_E_NOMEM, "out of memory");
    }
    c->probe->fd = open_data_udp(c, false);
    if (c->probe->fd < 0) {
        return c->err.code;
    }
    c->probe->params.len = 64;
    c->probe->params.duration_us =
            (uint64_t)(c->o->duration_s * 1e6) + 5000000u;
    c->probe->params.interval_us = (uint64_t)c->o->latency_interval_ms * 1000u;
    c->probe->params.session = c->session;
    if (vmtp_rr_probe_start(c->probe) != 0) {
        return vmtp_error_set(&c->err, VMTP_E_SYS,
                              "cannot start the latency probe");
    }
    c->have_probe = true;
    return VMTP_OK;
}

static enum vmtp_status
finish(struct client *c)
{
    struct vx_buf b;
    struct vmtp_jw w;
    enum vmtp_status st;

    vx_buf_init(&b, 1024);
    vmtp_jw_init(&w, &b);
    vmtp_jw_obj_begin(&w, NULL);
    vmtp_jw_str(&w, "type", "done");
    vmtp_jw_uint(&w, "bytes_sent", c->bytes_sent);
    vmtp_jw_uint(&w, "packets_sent", c->packets_sent);
    vmtp_jw_obj_end(&w);
    st = send_frame(c, &w, &b);
    vx_buf_release(&b);
    if (st == VMTP_OK) {
        st = expect(c, "result", c->o->ctl_timeout_ms + RESULT_EXTRA_MS,
                    &c->result);
    }
    return st;
}

static void
write_latency(struct vmtp_jw *w, const struct vmtp_rr_result *r, bool with_tps)
{
    const struct vmtp_histo *h = &r->histo;

    vmtp_jw_obj_begin(w, "latency");
    vmtp_jw_uint(w, "samples", h->count);
    vmtp_jw_uint(w, "lost", r->lost);
    vmtp_jw_num(w, "min_us", (double)h->min_ns / 1000.0);
    vmtp_jw_num(w, "avg_us", h->mean_ns / 1000.0);
    vmtp_jw_num(w, "stddev_us", vmtp_histo_stddev_ns(h) / 1000.0);
    vmtp_jw_num(w, "p50_us", vmtp_histo_percentile_ns(h, 50) / 1000.0);
    vmtp_jw_num(w, "p90_us", vmtp_histo_percentile_ns(h, 90) / 1000.0);
    vmtp_jw_num(w, "p99_us", vmtp_histo_percentile_ns(h, 99) / 1000.0);
    vmtp_jw_num(w, "p999_us", vmtp_histo_percentile_ns(h, 99.9) / 1000.0);
    vmtp_jw_num(w, "max_us", (double)h->max_ns / 1000.0);
    if (with_tps && r->elapsed_us > 0) {
        vmtp_jw_num(w, "transactions_per_s",
                    (double)h->count * 1e6 / (double)r->elapsed_us);
    }
    vmtp_jw_obj_end(w);
}

static double
rnd(double v, double unit)
{
    return (double)(int64_t)(v / unit + 0.5) * unit;
}

static void
write_tcp(struct client *c, struct vmtp_jw *w)
{
    uint64_t rtt = 0;
    uint64_t rttvar = 0;
    uint64_t retrans = 0;
    uint64_t cwnd = 0;

    for (int i = 0; i < c->nstreams; i++) {
        rtt += c->streams[i].info.rtt_us;
        rttvar += c->streams[i].info.rttvar_us;
        retrans += c->streams[i].info.retrans;
        cwnd += c->streams[i].info.cwnd;
    }
    if (c->nstreams == 0) {
        return;
    }
    vmtp_jw_obj_begin(w, "tcp_info");
    vmtp_jw_uint(w, "rtt_us", rtt / (uint64_t)c->nstreams);
    vmtp_jw_uint(w, "rttvar_us", rttvar / (uint64_t)c->nstreams);
    vmtp_jw_uint(w, "retrans", retrans);
    vmtp_jw_uint(w, "cwnd", cwnd);
    vmtp_jw_uint(w, "mss_bytes", c->streams[0].info.mss_bytes);
    vmtp_jw_obj_end(w);
    vmtp_jw_arr_begin(w, "streams");
    for (int i = 0; i < c->nstreams; i++) {
        vmtp_jw_obj_begin(w, NULL);
        vmtp_jw_uint(w, "bytes_sent", c->streams[i].bytes_sent);
        vmtp_jw_uint(w, "rtt_us", c->streams[i].info.rtt_us);
        vmtp_jw_uint(w, "retrans", c->streams[i].info.retrans);
        vmtp_jw_uint(w, "cwnd", c->streams[i].info.cwnd);
        vmtp_jw_obj_end(w);
    }
    vmtp_jw_arr_end(w);
}

static void
write_udp(struct client *c, struct vmtp_jw *w, double recv_s)
{
    int64_t rx = 0;
    int64_t dup = 0;
    int64_t reord = 0;
    double jitter = 0;
    uint64_t lost;
    double sent_s = (double)c->elapsed_us / 1e6;

    (void)vmtp_proto_get_int(&c->result, "packets_received", 0, INT64_MAX, &rx);
    (void)vmtp_proto_get_int(&c->result, "packets_dup", 0, INT64_MAX, &dup);
    (void)vmtp_proto_get_int(&c->result, "packets_reordered", 0, INT64_MAX,
                             &reord);
    (void)vmtp_proto_get_num(&c->result, "jitter_us", &jitter);
    lost = (uint64_t)rx < c->packets_sent ? c->packets_sent - (uint64_t)rx : 0;
    vmtp_jw_obj_begin(w, "udp");
    vmtp_jw_uint(w, "packets_sent", c->packets_sent);
    vmtp_jw_int(w, "packets_received", rx);
    vmtp_jw_uint(w, "packets_lost", lost);
    vmtp_jw_num(w, "loss_pct",
                c->packets_sent > 0
                        ? rnd(100.0 * (double)lost / (double)c->packets_sent,
                              0.0001)
                        : 0.0);
    vmtp_jw_int(w, "packets_dup", dup);
    vmtp_jw_int(w, "packets_reordered", reord);
    vmtp_jw_num(w, "jitter_us", rnd(jitter, 0.01));
    vmtp_jw_num(w, "send_pps",
                sent_s > 0 ? rnd((double)c->packets_sent / sent_s, 0.1) : 0);
    vmtp_jw_num(w, "recv_pps", recv_s > 0 ? rnd((double)rx / recv_s, 0.1) : 0);
    vmtp_jw_obj_end(w);
}

/* Print the one JSON object. */
static void
output(struct client *c, enum vmtp_status st)
{
    const struct agent_opts *o = c->o;
    struct vx_buf b;
    struct vmtp_jw w;
    char la[INET6_ADDRSTRLEN];
    char ra[INET6_ADDRSTRLEN];
    bool thr = o->mode == AGENT_TCP || o->mode == AGENT_UDP;
    bool ok = st == VMTP_OK;
    double sent_s = (double)c->elapsed_us / 1e6;

    vx_buf_init(&b, OUT_MAX);
    vmtp_jw_init(&w, &b);
    vmtp_jw_obj_begin(&w, NULL);
    vmtp_jw_str(&w, "status", ok ? "ok" : "error");
    if (!ok) {
        char e[128];
        char m[sizeof(c->err.msg) + sizeof(e) + 2];

        if (c->err.sys_errno != 0) {
            (void)snprintf(m, sizeof(m), "%s: %s", c->err.msg,
                           vx_strerror(c->err.sys_errno, e, sizeof(e)));
        } else {
            (void)vx_strlcpy(
                    m, c->err.msg[0] != '\0' ? c->err.msg : vmtp_strerror(st),
                    sizeof(m));
        }
        vmtp_jw_str(&w, "error", m);
    }
    vmtp_jw_str(&w, "tool", "vmtp-agent");
    vmtp_jw_str(&w, "agent_version", VMTP_VERSION);
    vmtp_jw_int(&w, "protocol_version", VMTP_PROTO_VERSION);
    vmtp_jw_str(&w, "mode", agent_mode_name(o->mode));
    if (c->server.len > 0) {
        vmtp_jw_int(&w, "ip_version",
                    c->server.ss.ss_family == AF_INET6 ? 6 : 4);
        vmtp_jw_str(&w, "local_addr",
                    c->local.len > 0 ? vmtp_net_ntop(&c->local, la, sizeof(la))
                                     : "");
        vmtp_jw_str(&w, "remote_addr",
                    vmtp_net_ntop(&c->server, ra, sizeof(ra)));
    }
    vmtp_jw_int(&w, "port", o->port);
    if (o->mcast_group != NULL) {
        vmtp_jw_str(&w, "multicast_group", o->mcast_group);
    }
    vmtp_jw_num(&w, "duration_s", o->duration_s);
    vmtp_jw_num(&w, "elapsed_s", rnd(sent_s, 1e-6));
    vmtp_jw_uint(&w, "len_bytes", c->len);
    vmtp_jw_uint(&w, "rate_bps", c->rate_bps);
    vmtp_jw_int(&w, "parallel", o->parallel);
    vmtp_jw_uint(&w, "bytes_sent", c->bytes_sent);
    if (ok && thr) {
        int64_t rx_bytes = 0;
        int64_t rx_us = 0;
        double recv_s;

        (void)vmtp_proto_get_int(&c->result, "bytes_received", 0, INT64_MAX,
                                 &rx_bytes);
        (void)vmtp_proto_get_int(&c->result, "elapsed_us", 0, INT64_MAX,
                                 &rx_us);
        recv_s = (double)rx_us / 1e6;
        if (recv_s < sent_s) {
            recv_s = sent_s;
        }
        vmtp_jw_int(&w, "bytes_received", rx_bytes);
        vmtp_jw_num(&w, "send_rate_bps",
                    sent_s > 0 ? rnd((double)c->bytes_sent * 8 / sent_s, 1)
                               : 0);
        vmtp_jw_num(&w, "throughput_bps",
                    recv_s > 0 ? rnd((double)rx_bytes * 8 / recv_s, 1) : 0);
        if (o->mode == AGENT_TCP) {
            write_tcp(c, &w);
        } else {
            write_udp(c, &w, recv_s);
        }
    }
    if (ok && c->rr != NULL) {
        write_latency(&w, c->rr, true);
    } else if (ok && c->have_probe) {
        write_latency(&w, &c->probe->res, false);
    }
    if (ok) {
        double cu = 0;
        double cs = 0;
        double su = 0;
        double ss = 0;

        vmtp_cpu_pct(&c->c0, &c->c1, &cu, &cs);
        (void)vmtp_proto_get_num(&c->result, "cpu_user_pct", &su);
        (void)vmtp_proto_get_num(&c->result, "cpu_sys_pct", &ss);
        vmtp_jw_obj_begin(&w, "cpu");
        vmtp_jw_num(&w, "client_user_pct", rnd(cu, 0.01));
        vmtp_jw_num(&w, "client_sys_pct", rnd(cs, 0.01));
        vmtp_jw_num(&w, "server_user_pct", rnd(su, 0.01));
        vmtp_jw_num(&w, "server_sys_pct", rnd(ss, 0.01));
        vmtp_jw_obj_end(&w);
    }
    vmtp_jw_obj_end(&w);
    if (vmtp_jw_finish(&w) == 0) {
        (void)printf("%s\n", vx_buf_str(&b));
    } else {
        (void)printf("{\"status\":\"error\",\"error\":\"result too large\"}\n");
    }
    (void)fflush(stdout);
    vx_buf_release(&b);
}

static enum vmtp_status
run(struct client *c)
{
    const struct agent_opts *o = c->o;
    struct vmtp_sockaddr from;
    enum vmtp_status st;

    c->exit_code = 4;
    st = vmtp_net_resolve(o->host, o->port, o->family, false, &c->server,
                          &c->err);
    if (st != VMTP_OK) {
        return st;
    }
    if (o->bind != NULL) {
        st = vmtp_net_resolve(o->bind, 0, c->server.ss.ss_family, true, &from,
                              &c->err);
        if (st != VMTP_OK) {
            return st;
        }
    }
    c->ctl = vmtp_net_connect(&c->server, o->bind != NULL ? &from : NULL,
                              SOCK_STREAM, o->ctl_timeout_ms, &c->err);
    if (c->ctl < 0) {
        return c->err.code;
    }
    c->local.len = sizeof(c->local.ss);
    if (getsockname(c->ctl, (struct sockaddr *)&c->local.ss, &c->local.len) !=
        0) {
        return vmtp_error_set_sys(&c->err, VMTP_E_SYS, errno, "getsockname");
    }
    st = handshake(c);
    if (st != VMTP_OK) {
        return st;
    }
    c->exit_code = 1;
    vmtp_cpu_snap(&c->c0);
    if (o->latency && (o->mode == AGENT_TCP || o->mode == AGENT_UDP)) {
        st = start_probe(c);
        if (st != VMTP_OK) {
            return st;
        }
    }
    switch (o->mode) {
    case AGENT_TCP:
        st = run_tcp(c);
        break;
    case AGENT_UDP:
        st = run_udp(c);
        break;
    case AGENT_TCP_RR:
    case AGENT_UDP_RR:
        st = run_rr(c);
        break;
    }
    if (c->have_probe) {
        vmtp_rr_probe_stop(c->probe);
    }
    vmtp_cpu_snap(&c->c1);
    if (st != VMTP_OK) {
        return st;
    }
    st = finish(c);
    if (st == VMTP_OK) {
        c->exit_code = 0;
    }
    return st;
}

int
agent_client(const struct agent_opts *o)
{
    struct client *c = calloc(1, sizeof(*c));
    enum vmtp_status st;
    int rc;

    if (c == NULL) {
        (void)fprintf(stderr, "vmtp-agent: out of memory\n");
        return 1;
    }
    c->o = o;
    c->ctl = -1;
    c->len = o->len_bytes > 0 ? (size_t)o->len_bytes : default_len(o->mode);
    c->rate_bps =
            o->rate_set ? o->rate_bps : (o->mode == AGENT_UDP ? 1000000u : 0u);
    st = run(c);
    if (st != VMTP_OK) {
        VLOG(&o->log, VMTP_LOG_ERROR, "%s", c->err.msg);
    }
    output(c, st);
    rc = c->exit_code;
    if (c->ctl >= 0) {
        (void)close(c->ctl);
    }
    for (int i = 0; i < c->nstreams; i++) {
        (void)close(c->streams[i].fd);
    }
    if (c->probe != NULL && c->probe->fd > 0) {
        (void)close(c->probe->fd);
    }
    free(c->streams);
    free(c->rr);
    free(c->probe);
    free(c);
    return rc;
}
