/* \summary: vmtp-agent server: accept a control connection, run one test at
 * a time, exit after an idle timeout */
#include <sys/types.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
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
#include "vx_alloc.h"
#include "vx_buf.h"
#include "vx_str.h"
#include "vx_time.h"

#define MAX_DURATION_MS    (86400LL * 1000)
#define RECV_BUF_BYTES     ((size_t)256 * 1024)
#define UDP_RCVBUF         (4 << 20)
#define ACCEPT_WAIT_MS     2000
#define UDP_LINGER_NS      (100ull * 1000000ull) /* silence that ends a udp test */
#define UDP_LINGER_MAX     (1000ull * 1000000ull)
#define TCP_DRAIN_MAX      (30ull * 1000000000ull)
#define OVERRUN_NS         (60ull * 1000000000ull)
#define RR_SLICE_NS        (10ull * 1000000ull) /* rr: look at control this often */
#define RR_RECV_TIMEOUT_US 2000

struct session {
    const struct agent_opts *o;
    int lfd;
    int ctl;
    char peer[INET6_ADDRSTRLEN + 16];
    struct vmtp_sockaddr local; /* our end of the control connection */
    /* test parameters */
    enum agent_mode mode;
    size_t len;
    int64_t duration_ms;
    int parallel;
    int window;
    int tos;
    const char *mcast; /* points into req */
    bool latency;
    uint32_t id;
    /* data */
    int udp;
    struct vmtp_udp_receiver rcv;
    struct vmtp_udp_rx rx;
    int data[VMTP_TCP_MAX_STREAMS];
    bool eof[VMTP_TCP_MAX_STREAMS];
    int ndata;
    uint64_t bytes;
    uint64_t first_ns;
    uint64_t last_ns;
    char *buf;
    struct vmtp_proto_msg req; /* the test request */
    struct vmtp_proto_msg msg; /* scratch */
};

const char *
agent_mode_name(enum agent_mode m)
{
    switch (m) {
    case AGENT_TCP:
        return "tcp";
    case AGENT_UDP:
        return "udp";
    case AGENT_TCP_RR:
        return "tcp_rr";
    case AGENT_UDP_RR:
        return "udp_rr";
    }
    return "?";
}

int
agent_mode_parse(const char *s, enum agent_mode *m)
{
    static const enum agent_mode all[] = {AGENT_TCP, AGENT_UDP, AGENT_TCP_RR,
                                          AGENT_UDP_RR};

    for (size_t i = 0; s != NULL && i < sizeof(all) / sizeof(all[0]); i++) {
        if (strcmp(s, agent_mode_name(all[i])) == 0) {
            *m = all[i];
            return 0;
        }
    }
    return -1;
}

static uint32_t
new_session_id(void)
{
    uint32_t id = 0;

    if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != (ssize_t)sizeof(id)) {
        id = (uint32_t)vmtp_now_ns() ^ (uint32_t)getpid();
    }
    return id;
}

/* Refuse the client: error frame plus one log line. */
static void
refuse(struct session *s, const char *code, const char *msg)
{
    VLOG(&s->o->log, VMTP_LOG_WARN, "client %s: %s: %s", s->peer, code, msg);
    vmtp_proto_send_error(s->ctl, code, msg, s->o->ctl_timeout_ms);
}

static const char *
status_code(enum vmtp_status st)
{
    return st == VMTP_E_TIMEOUT ? "timeout" : "proto";
}

static int
check_hello(struct session *s)
{
    struct vmtp_error err = {0};
    enum vmtp_status st;
    int64_t ver = 0;
    struct vx_buf b;
    struct vmtp_jw w;
    char m[160];

    st = vmtp_proto_recv(s->ctl, s->o->ctl_timeout_ms, &s->msg, &err);
    if (st != VMTP_OK) {
        refuse(s, status_code(st), err.msg);
        return -1;
    }
    if (!vx_streq(vmtp_proto_get_str(&s->msg, "type"), "hello")) {
        refuse(s, "proto", "expected a hello frame");
        return -1;
    }
    if (vmtp_proto_get_int(&s->msg, "version", 0, 1000000, &ver) != 0 ||
        ver != VMTP_PROTO_VERSION) {
        (void)snprintf(m, sizeof(m),
                       "unsupported protocol version, this agent speaks %d",
                       VMTP_PROTO_VERSION);
        refuse(s, "version", m);
        return -1;
    }
    vx_buf_init(&b, 1024);
    vmtp_jw_init(&w, &b);
    vmtp_jw_obj_begin(&w, NULL);
    vmtp_jw_str(&w, "type", "hello");
    vmtp_jw_int(&w, "version", VMTP_PROTO_VERSION);
    vmtp_jw_str(&w, "agent_version", VMTP_VERSION);
    vmtp_jw_obj_end(&w);
    st = vmtp_jw_finish(&w) == 0
                 ? vmtp_proto_send(s->ctl, vx_buf_str(&b), vx_buf_len(&b),
                                   s->o->ctl_timeout_ms, &err)
                 : VMTP_E_INTERNAL;
    vx_buf_release(&b);
    return st == VMTP_OK ? 0 : -1;
}

/* Read and validate the test request into s. */
static int
read_request(struct session *s)
{
    struct vmtp_error err = {0};
    enum vmtp_status st;
    int64_t v = 0;

    st = vmtp_proto_recv(s->ctl, s->o->ctl_timeout_ms, &s->req, &err);
    if (st != VMTP_OK) {
        refuse(s, status_code(st), err.msg);
        return -1;
    }
    if (!vx_streq(vmtp_proto_get_str(&s->req, "type"), "test")) {
        refuse(s, "proto", "expected a test frame");
        return -1;
    }
    if (agent_mode_parse(vmtp_proto_get_str(&s->req, "mode"), &s->mode) != 0) {
        refuse(s, "param", "mode must be tcp, udp, tcp_rr or udp_rr");
        return -1;
    }
    if (vmtp_proto_get_int(&s->req, "len_bytes", 1, VMTP_TCP_MAX_LEN, &v) !=
        0) {
        refuse(s, "param", "len_bytes missing or out of range");
        return -1;
    }
    s->len = (size_t)v;
    if ((s->mode == AGENT_UDP || s->mode == AGENT_UDP_RR) &&
        (s->len > VMTP_UDP_MAX_LEN ||
         (s->mode == AGENT_UDP && s->len < VMTP_UDP_HDR_LEN))) {
        refuse(s, "param", "len_bytes out of range for udp");
        return -1;
    }
    if (vmtp_proto_get_int(&s->req, "duration_ms", 1, MAX_DURATION_MS,
                           &s->duration_ms) != 0) {
        refuse(s, "param", "duration_ms missing or out of range");
        return -1;
    }
    s->parallel = 1;
    if (vmtp_proto_get_int(&s->req, "parallel", 1, VMTP_TCP_MAX_STREAMS, &v) ==
        0) {
        s->parallel = (int)v;
    }
    if (s->mode != AGENT_TCP) {
        s->parallel = 1;
    }
    s->window = 0;
    if (vmtp_proto_get_int(&s->req, "window_bytes", 0, 1 << 30, &v) == 0) {
        s->window = (int)v;
    }
    s->tos = 0;
    if (vmtp_proto_get_int(&s->req, "tos", 0, 255, &v) == 0) {
        s->tos = (int)v;
    }
    s->mcast = vmtp_proto_get_str(&s->req, "mcast_group");
    if (s->mcast != NULL && s->mcast[0] == '\0') {
        s->mcast = NULL;
    }
    s->latency = vmtp_proto_get_bool(&s->req, "latency", false);
    return 0;
}

static int
join_group(struct session *s, int fd)
{
    unsigned ifindex = vmtp_net_ifindex_of(&s->local);

    if (s->local.ss.ss_family == AF_INET) {
        struct ip_mreqn mr;

        memset(&mr, 0, sizeof(mr));
        if (inet_pton(AF_INET, s->mcast, &mr.imr_multiaddr) != 1 ||
            !IN_MULTICAST(ntohl(mr.imr_multiaddr.s_addr))) {
            errno = EINVAL;
            return -1;
        }
        mr.imr_address = ((const struct sockaddr_in *)&s->local.ss)->sin_addr;
        mr.imr_ifindex = (int)ifindex;
        return setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr));
    }
    {
        struct ipv6_mreq mr;

        memset(&mr, 0, sizeof(mr));
        if (inet_pton(AF_INET6, s->mcast, &mr.ipv6mr_multiaddr) != 1 ||
            !IN6_IS_ADDR_MULTICAST(&mr.ipv6mr_multiaddr)) {
            errno = EINVAL;
            return -1;
        }
        mr.ipv6mr_interface = ifindex;
        return setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr,
                          sizeof(mr));
    }
}

/* The UDP socket on our control address (or the wildcard for multicast),
 * same port. */
static int
open_udp(struct session *s)
{
    struct vmtp_sockaddr sa = s->local;
    int rcvbuf = s->window > 0 ? s->window : UDP_RCVBUF;
    char a[INET6_ADDRSTRLEN + 16];
    char m[256];
    char e[128];

    s->udp = socket(sa.ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    0);
    if (s->udp < 0) {
        refuse(s, "sys", "cannot create a UDP socket");
        return -1;
    }
    (void)setsockopt(s->udp, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    (void)vmtp_net_set_tos(s->udp, sa.ss.ss_family, s->tos);
    if (s->mcast != NULL) {
        int port = vmtp_net_port(&sa);
        int one = 1;

        memset(&sa.ss, 0, sizeof(sa.ss));
        sa.ss.ss_family = s->local.ss.ss_family;
        sa.len = sa.ss.ss_family == AF_INET ? sizeof(struct sockaddr_in)
                                            : sizeof(struct sockaddr_in6);
        vmtp_net_set_port(&sa, port);
        (void)setsockopt(s->udp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    }
    if (bind(s->udp, (const struct sockaddr *)&sa.ss, sa.len) != 0) {
        (void)snprintf(m, sizeof(m), "cannot bind UDP %s: %s",
                       vmtp_net_ntop_port(&sa, a, sizeof(a)),
                       vx_strerror(errno, e, sizeof(e)));
        refuse(s, "sys", m);
        return -1;
    }
    if (s->mcast != NULL && join_group(s, s->udp) != 0) {
        (void)snprintf(m, sizeof(m), "cannot join group %s: %s", s->mcast,
                       vx_strerror(errno, e, sizeof(e)));
        refuse(s, "param", m);
        return -1;
    }
    if (vmtp_udp_rx_init(&s->rx) != 0 ||
        vmtp_udp_receiver_init(&s->rcv, s->udp, s->id, s->len) != 0) {
        refuse(s, "sys", "out of memory");
        return -1;
    }
    return 0;
}

static int
send_simple(struct session *s, const char *type)
{
    struct vx_buf b;
    struct vmtp_jw w;
    enum vmtp_status st = VMTP_E_INTERNAL;

    vx_buf_init(&b, 1024);
    vmtp_jw_init(&w, &b);
    vmtp_jw_obj_begin(&w, NULL);
    vmtp_jw_str(&w, "type", type);
    vmtp_jw_uint(&w, "session_id", s->id);
    vmtp_jw_obj_end(&w);
    if (vmtp_jw_finish(&w) == 0) {
        st = vmtp_proto_send(s->ctl, vx_buf_str(&b), vx_buf_len(&b),
                             s->o->ctl_timeout_ms, NULL);
    }
    vx_buf_release(&b);
    return st == VMTP_OK ? 0 : -1;
}

/* A connection arrived during a test: a data stream, or a refused client. */
static void
accept_during_test(struct session *s)
{
    uint8_t hello[8];
    int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
    bool want = (s->mode == AGENT_TCP || s->mode == AGENT_TCP_RR) &&
                s->ndata < s->parallel;

    if (fd < 0) {
        return;
    }
    if (vmtp_net_read_full(fd, hello, sizeof(hello), ACCEPT_WAIT_MS, NULL) !=
        VMTP_OK) {
        (void)close(fd);
        return;
    }
    if (want && memcmp(hello, "VTD1", 4) == 0 &&
        (((uint32_t)hello[4] << 24) | ((uint32_t)hello[5] << 16) |
         ((uint32_t)hello[6] << 8) | hello[7]) == s->id) {
        (void)vmtp_net_set_bufsize(fd, s->window);
        (void)vmtp_net_set_tos(fd, s->local.ss.ss_family, s->tos);
        (void)vmtp_net_set_nonblock(fd, true);
        s->eof[s->ndata] = false;
        s->data[s->ndata++] = fd;
        return;
    }
    if (memcmp(hello, "VMTF", 4) == 0) {
        VLOG(&s->o->log, VMTP_LOG_WARN,
             "refused a second client: a test is running");
        vmtp_proto_send_error(fd, "busy", "server busy: a test is running",
                              ACCEPT_WAIT_MS);
    }
    (void)close(fd);
}

static void
read_data(struct session *s, int i)
{
    for (int round = 0; round < 16; round++) {
        long n;

        if (s->mode == AGENT_TCP_RR) {
            int rc = vmtp_rr_tcp_echo(s->data[i], s->buf, RECV_BUF_BYTES);

            if (rc == 0 || rc == -1) {
                s->eof[i] = true;
            }
            if (rc != 1) {
                return;
            }
            continue;
        }
        n = vmtp_tcp_recv_some(s->data[i], s->buf, RECV_BUF_BYTES);
        if (n == -2) {
            return;
        }
        if (n <= 0) {
            s->eof[i] = true;
            return;
        }
        s->last_ns = vmtp_now_ns();
        if (s->bytes == 0) {
            s->first_ns = s->last_ns;
        }
        s->bytes += (uint64_t)n;
    }
}

static bool
all_eof(const struct session *s)
{
    for (int i = 0; i < s->ndata; i++) {
        if (!s->eof[i]) {
            return false;
        }
    }
    return true;
}

static int
send_result(struct session *s,
            const struct vmtp_cpu_snap *c0,
            const struct vmtp_cpu_snap *c1)
{
    struct vx_buf b;
    struct vmtp_jw w;
    double user = 0;
    double sys = 0;
    bool udp = s->mode == AGENT_UDP;
    uint64_t bytes = udp ? s->rx.bytes : s->bytes;
    uint64_t first = udp ? s->rx.first_ns : s->first_ns;
    uint64_t last = udp ? s->rx.last_ns : s->last_ns;
    enum vmtp_status st = VMTP_E_INTERNAL;

    vmtp_cpu_pct(c0, c1, &user, &sys);
    vx_buf_init(&b, 4096);
    vmtp_jw_init(&w, &b);
    vmtp_jw_obj_begin(&w, NULL);
    vmtp_jw_str(&w, "type", "result");
    vmtp_jw_uint(&w, "bytes_received", bytes);
    vmtp_jw_uint(&w, "elapsed_us", last > first ? (last - first) / 1000u : 0);
    if (udp) {
        vmtp_jw_uint(&w, "packets_received", s->rx.packets);
        vmtp_jw_uint(&w, "packets_dup", s->rx.dup);
        vmtp_jw_uint(&w, "packets_reordered", s->rx.reordered);
        vmtp_jw_num(&w, "jitter_us", s->rx.jitter_ns / 1000.0);
    }
    vmtp_jw_num(&w, "cpu_user_pct", user);
    vmtp_jw_num(&w, "cpu_sys_pct", sys);
    vmtp_jw_obj_end(&w);
    if (vmtp_jw_finish(&w) == 0) {
        st = vmtp_proto_send(s->ctl, vx_buf_str(&b), vx_buf_len(&b),
                             s->o->ctl_timeout_ms, NULL);
    }
    vx_buf_release(&b);
    VLOG(&s->o->log, VMTP_LOG_INFO,
         "test %s from %s: %llu bytes received in %.3f s",
         agent_mode_name(s->mode), s->peer, (unsigned long long)bytes,
         last > first ? (double)(last - first) / 1e9 : 0.0);
    return st == VMTP_OK ? 0 : -1;
}

/* After the client's done frame: is the data phase over? */
static bool
test_over(const struct session *s, uint64_t now, uint64_t done_ns)
{
    uint64_t quiet_since;

    if (done_ns == 0) {
        return false;
    }
    if (s->mode == AGENT_TCP || s->mode == AGENT_TCP_RR) {
        return all_eof(s) || now - done_ns > TCP_DRAIN_MAX;
    }
    /* UDP: linger until the datagrams in flight have arrived. */
    quiet_since = s->rx.last_ns > done_ns ? s->rx.last_ns : done_ns;
    return now - done_ns > UDP_LINGER_MAX ||
           (now > quiet_since && now - quiet_since > UDP_LINGER_NS);
}

/* The control connection is readable during a test: expect done. */
static int
read_done(struct session *s, uint64_t *done_ns)
{
    struct vmtp_error err = {0};

    if (vmtp_proto_recv(s->ctl, s->o->ctl_timeout_ms, &s->msg, &err) !=
        VMTP_OK) {
        refuse(s, "proto", err.msg);
        return -1;
    }
    if (!vx_streq(vmtp_proto_get_str(&s->msg, "type"), "done")) {
        refuse(s, "proto", "expected a done frame");
        return -1;
    }
    *done_ns = vmtp_now_ns();
    return 0;
}

/* Request/response fast path: is the data socket ready for it? */
static bool
rr_ready(const struct session *s, uint64_t done_ns)
{
    if (done_ns != 0) {
        return false;
    }
    if (s->mode == AGENT_UDP_RR) {
        return true;
    }
    return s->mode == AGENT_TCP_RR && s->ndata == 1 && !s->eof[0];
}

/*
 * Serve round trips for RR_SLICE_NS, blocking in the receive call itself
 * (one wake-up and no poll per request, as a ping-pong server should), then
 * return so the caller can look at the control connection.
 */
static int
rr_slice(struct session *s)
{
    uint64_t until = vmtp_now_ns() + RR_SLICE_NS;
    struct timeval tmo = {.tv_usec = RR_RECV_TIMEOUT_US};
    int fd = s->mode == AGENT_UDP_RR ? s->udp : s->data[0];

    if (vmtp_net_set_nonblock(fd, false) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)) != 0) {
        return -1;
    }
    while (vmtp_now_ns() < until) {
        if (s->mode == AGENT_UDP_RR) {
            if (vmtp_udp_receiver_wait(&s->rcv, NULL) < 0) {
                return -1;
            }
            continue;
        }
        {
            ssize_t n = recv(fd, s->buf, RECV_BUF_BYTES, 0);

            if (n == 0) {
                s->eof[0] = true;
                break;
            }
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                    continue;
                }
                s->eof[0] = true;
                break;
            }
            if (vmtp_net_write_full(fd, s->buf, (size_t)n, 5000, NULL) !=
                VMTP_OK) {
                s->eof[0] = true;
                break;
            }
        }
    }
    return vmtp_net_set_nonblock(fd, true);
}

/* The data phase: poll everything until the test is over. */
static int
run_test(struct session *s)
{
    struct pollfd pfd[VMTP_TCP_MAX_STREAMS + 3];
    struct vmtp_cpu_snap c0;
    struct vmtp_cpu_snap c1;
    uint64_t start = vmtp_now_ns();
    uint64_t limit = (uint64_t)s->duration_ms * 1000000ull + OVERRUN_NS;
    uint64_t done_ns = 0;
    bool rr = false;

    vmtp_cpu_snap(&c0);
    for (;;) {
        uint64_t now = vmtp_now_ns();
        int n = 0;
        int rc;

        if (now - start > limit) {
            refuse(s, "timeout", "test overran its duration");
            return -1;
        }
        if (test_over(s, now, done_ns)) {
            break;
        }
        rr = rr_ready(s, done_ns);
        if (rr && rr_slice(s) != 0) {
            refuse(s, "sys", "request/response socket failed");
            return -1;
        }
        pfd[n++] = (struct pollfd){.fd = s->lfd, .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = done_ns == 0 ? s->ctl : -1,
                                   .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = s->udp, .events = POLLIN};
        for (int i = 0; i < s->ndata; i++) {
            pfd[n++] = (struct pollfd){.fd = s->eof[i] ? -1 : s->data[i],
                                       .events = POLLIN};
        }
        rc = poll(pfd, (nfds_t)n, rr ? 0 : 50);
        if (rc < 0 && errno != EINTR) {
            refuse(s, "sys", "poll failed");
            return -1;
        }
        if (rc <= 0) {
            continue;
        }
        if (pfd[2].revents != 0 &&
            vmtp_udp_receiver_drain(&s->rcv, &s->rx) < 0) {
            refuse(s, "sys", "UDP receive failed");
            return -1;
        }
        for (int i = 0; i < s->ndata; i++) {
            if (pfd[3 + i].revents != 0) {
                read_data(s, i);
            }
        }
        if (pfd[0].revents != 0) {
            accept_during_test(s);
        }
        if (pfd[1].revents != 0 && read_done(s, &done_ns) != 0) {
            return -1;
        }
    }
    vmtp_cpu_snap(&c1);
    return send_result(s, &c0, &c1);
}

static void
session_release(struct session *s)
{
    for (int i = 0; i < s->ndata; i++) {
        (void)close(s->data[i]);
    }
    s->ndata = 0;
    if (s->udp >= 0) {
        (void)close(s->udp);
        s->udp = -1;
    }
    vmtp_udp_receiver_release(&s->rcv);
    vmtp_udp_rx_release(&s->rx);
    VX_FREE(s->buf);
}

static void
handle_client(const struct agent_opts *o, int lfd, int ctl)
{
    struct session *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        return;
    }
    s->o = o;
    s->lfd = lfd;
    s->ctl = ctl;
    s->udp = -1;
    s->local.len = sizeof(s->local.ss);
    if (getsockname(ctl, (struct sockaddr *)&s->local.ss, &s->local.len) != 0) {
        goto out;
    }
    {
        struct vmtp_sockaddr peer;

        peer.len = sizeof(peer.ss);
        if (getpeername(ctl, (struct sockaddr *)&peer.ss, &peer.len) != 0) {
            goto out;
        }
        vmtp_net_unmap(&peer);
        (void)vmtp_net_ntop_port(&peer, s->peer, sizeof(s->peer));
    }
    vmtp_net_unmap(&s->local);
    if (check_hello(s) != 0 || read_request(s) != 0) {
        goto out;
    }
    s->id = new_session_id();
    s->buf = malloc(RECV_BUF_BYTES);
    if (s->buf == NULL) {
        refuse(s, "sys", "out of memory");
        goto out;
    }
    if ((s->mode == AGENT_UDP || s->mode == AGENT_UDP_RR || s->latency) &&
        open_udp(s) != 0) {
        goto out;
    }
    VLOG(&o->log, VMTP_LOG_INFO, "test %s from %s: %lld ms, %zu bytes",
         agent_mode_name(s->mode), s->peer, (long long)s->duration_ms, s->len);
    if (send_simple(s, "ready") != 0) {
        goto out;
    }
    (void)run_test(s);
out:
    session_release(s);
    free(s);
}

/* Listen and print "listening on ADDR:PORT"; the fd, or -1. */
static int
open_listener(const struct agent_opts *o, int *rc)
{
    struct vmtp_error err = {0};
    struct vmtp_sockaddr sa;
    char a[INET6_ADDRSTRLEN + 16];
    int lfd;

    if (vmtp_net_resolve(o->bind, o->port, o->family, true, &sa, &err) !=
        VMTP_OK) {
        VLOG(&o->log, VMTP_LOG_ERROR, "%s", err.msg);
        *rc = 2;
        return -1;
    }
    *rc = 4;
    lfd = vmtp_net_listen(&sa, &err);
    if (lfd < 0) {
        VLOG(&o->log, VMTP_LOG_ERROR, "%s", err.msg);
        return -1;
    }
    sa.len = sizeof(sa.ss);
    if (getsockname(lfd, (struct sockaddr *)&sa.ss, &sa.len) != 0) {
        (void)close(lfd);
        return -1;
    }
    (void)printf("listening on %s\n", vmtp_net_ntop_port(&sa, a, sizeof(a)));
    (void)fflush(stdout);
    VLOG(&o->log, VMTP_LOG_INFO, "listening on %s", a);
    return lfd;
}

int
agent_serve(const struct agent_opts *o)
{
    int rc = 4;
    int lfd = open_listener(o, &rc);

    if (lfd < 0) {
        return rc;
    }
    for (;;) {
        int ready = vmtp_net_wait_readable(
                lfd, o->idle_timeout_s > 0 ? o->idle_timeout_s * 1000 : -1);
        int ctl;

        if (ready == 0) {
            VLOG(&o->log, VMTP_LOG_INFO, "idle for %d s, exiting",
                 o->idle_timeout_s);
            rc = 0;
            break;
        }
        if (ready < 0) {
            VLOG(&o->log, VMTP_LOG_ERROR, "poll failed");
            rc = 4;
            break;
        }
        ctl = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (ctl < 0) {
            continue;
        }
        handle_client(o, lfd, ctl);
        (void)close(ctl);
        if (o->one_off) {
            rc = 0;
            break;
        }
    }
    (void)close(lfd);
    return rc;
}
