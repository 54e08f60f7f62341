/* \summary: UDP throughput engine (iperf_udp style, with batching) */
#include "engine_udp.h"

#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "vx_banned.h"

uint64_t
vmtp_now_ns(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void
put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

static uint64_t
get64(const uint8_t *p)
{
    return ((uint64_t)get32(p) << 32) | get32(p + 4);
}

void
vmtp_udp_hdr_put(uint8_t *buf, const struct vmtp_udp_hdr *h)
{
    buf[0] = 'V';
    buf[1] = 'T';
    buf[2] = 'U';
    buf[3] = (uint8_t)h->kind;
    put32(buf + 4, h->session);
    put64(buf + 8, h->seq);
    put64(buf + 16, h->send_ns);
}

int
vmtp_udp_hdr_get(const uint8_t *buf, size_t len, struct vmtp_udp_hdr *h)
{
    if (len < VMTP_UDP_HDR_LEN || buf[0] != 'V' || buf[1] != 'T' ||
        buf[2] != 'U' ||
        (buf[3] != VMTP_UDP_KIND_DATA && buf[3] != VMTP_UDP_KIND_PING)) {
        return -1;
    }
    h->kind = (char)buf[3];
    h->session = get32(buf + 4);
    h->seq = get64(buf + 8);
    h->send_ns = get64(buf + 16);
    return 0;
}

int
vmtp_udp_rx_init(struct vmtp_udp_rx *rx)
{
    memset(rx, 0, sizeof(*rx));
    rx->seen = calloc(VMTP_UDP_WINDOW / 8, 1);
    return rx->seen != NULL ? 0 : -1;
}

void
vmtp_udp_rx_release(struct vmtp_udp_rx *rx)
{
    free(rx->seen);
    memset(rx, 0, sizeof(*rx));
}

static bool
bit_test_set(uint8_t *map, uint64_t seq)
{
    uint64_t i = seq & (VMTP_UDP_WINDOW - 1);
    uint8_t m = (uint8_t)(1u << (i & 7));
    bool was = (map[i >> 3] & m) != 0;

    map[i >> 3] |= m;
    return was;
}

static void
bit_clear(uint8_t *map, uint64_t seq)
{
    uint64_t i = seq & (VMTP_UDP_WINDOW - 1);

    map[i >> 3] &= (uint8_t) ~(1u << (i & 7));
}

void
vmtp_udp_rx_add(struct vmtp_udp_rx *rx,
                uint64_t seq,
                uint64_t send_ns,
                uint64_t arrival_ns,
                size_t bytes)
{
    int64_t transit = (int64_t)(arrival_ns - send_ns);

    if (!rx->any) {
        rx->any = true;
        rx->max_seq = seq;
        rx->first_ns = arrival_ns;
        (void)bit_test_set(rx->seen, seq);
    } else if (seq > rx->max_seq) {
        /* Forget the bits the window slides over. */
        if (seq - rx->max_seq >= VMTP_UDP_WINDOW) {
            memset(rx->seen, 0, VMTP_UDP_WINDOW / 8);
        } else {
            for (uint64_t s = rx->max_seq + 1; s < seq; s++) {
                bit_clear(rx->seen, s);
            }
            bit_clear(rx->seen, seq);
        }
        rx->max_seq = seq;
        (void)bit_test_set(rx->seen, seq);
    } else if (rx->max_seq - seq < VMTP_UDP_WINDOW &&
               bit_test_set(rx->seen, seq)) {
        rx->dup++;
        return;
    } else {
        /* Late; also when too old to tell a duplicate (out of the window). */
        rx->reordered++;
    }
    if (rx->packets > 0) {
        double d = (double)(transit - rx->prev_transit_ns);

        rx->jitter_ns += (fabs(d) - rx->jitter_ns) / 16.0;
    }
    rx->prev_transit_ns = transit;
    rx->packets++;
    rx->bytes += bytes;
    rx->last_ns = arrival_ns;
}

static bool
soft_errno(int e)
{
    return e == EAGAIN || e == EWOULDBLOCK || e == EINTR || e == ENOBUFS ||
           e == ECONNREFUSED;
}

static void
sleep_until_ns(uint64_t t_ns)
{
    struct timespec ts = {
            .tv_sec = (time_t)(t_ns / 1000000000u),
            .tv_nsec = (long)(t_ns % 1000000000u),
    };

    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
           EINTR) {
        continue;
    }
}

struct pacer {
    double pps;
    double max_lag;   /* packets */
    double min_burst; /* packets: wake up at most every VMTP_UDP_TICK_NS */
    double skipped;   /* packets given up after stalls */
    uint64_t start_ns;
};

/*
 * How many packets may leave now (at most batch), given `sent` so far; 0
 * after sleeping until the next burst (min_burst packets) is due. After a stall
 * (the thread was not scheduled) at most max_lag late packets go in one go and
 * the rest is given up: a burst the sender made up would be lost in the
 * network's queue and counted as the link's loss. The shortfall shows as an
 * achieved rate below the offered one.
 */
static unsigned
pace(struct pacer *pc,
     uint64_t now,
     uint64_t sent,
     uint64_t end,
     unsigned batch)
{
    double due = (double)(now - pc->start_ns) * pc->pps / 1e9 - pc->skipped;
    double next_ns;

    if (due - (double)sent > pc->max_lag) {
        pc->skipped += due - (double)sent - pc->max_lag;
        due = (double)sent + pc->max_lag;
    }
    if (due < (double)sent + pc->min_burst) {
        next_ns = (double)pc->start_ns +
                  ((double)sent + pc->skipped + pc->min_burst) * 1e9 / pc->pps;
        sleep_until_ns(next_ns < (double)end ? (uint64_t)next_ns : end);
        return 0;
    }
    if (due - (double)sent < (double)batch) {
        return (unsigned)(due - (double)sent);
    }
    return batch;
}

enum vmtp_status
vmtp_udp_send_run(int fd,
                  const struct vmtp_udp_send_params *p,
                  const atomic_int *cancel,
                  struct vmtp_udp_send_result *res,
                  struct vmtp_error *err)
{
    struct mmsghdr msgs[VMTP_UDP_BATCH];
    struct iovec iov[VMTP_UDP_BATCH];
    uint8_t *bufs = NULL;
    enum vmtp_status st = VMTP_OK;
    struct pacer pc = {0};
    double pps = 0;
    uint64_t start;
    uint64_t end;
    uint64_t now;
    unsigned batch;

    memset(res, 0, sizeof(*res));
    if (p->len < VMTP_UDP_HDR_LEN || p->len > VMTP_UDP_MAX_LEN) {
        return vmtp_error_set(err, VMTP_E_INVAL,
                              "datagram size %zu not in "
                              "[%d, %d]",
                              p->len, VMTP_UDP_HDR_LEN, VMTP_UDP_MAX_LEN);
    }
    /* Keep a burst within about 1 MiB of buffers. */
    batch = (unsigned)((1u << 20) / p->len);
    batch = batch < 1 ? 1 : (batch > VMTP_UDP_BATCH ? VMTP_UDP_BATCH : batch);
    bufs = calloc(batch, p->len);
    if (bufs == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "no memory for send buffers");
    }
    memset(msgs, 0, sizeof(msgs));
    for (unsigned i = 0; i < batch; i++) {
        iov[i].iov_base = bufs + (size_t)i * p->len;
        iov[i].iov_len = p->len;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    if (p->rate_bps > 0) {
        pps = (double)p->rate_bps / (8.0 * (double)p->len);
        pc.pps = pps;
        pc.max_lag = pps * (double)VMTP_UDP_MAX_LAG_NS / 1e9;
        if (pc.max_lag < (double)batch) {
            pc.max_lag = (double)batch;
        }
        /* Sleeping for every datagram costs a wake-up each, and every
         * wake-up may come late on a busy host: send bursts of one tick. */
        pc.min_burst = pps * (double)VMTP_UDP_TICK_NS / 1e9;
        pc.min_burst = pc.min_burst < 1.0 ? 1.0 : pc.min_burst;
        pc.min_burst =
                pc.min_burst > (double)batch ? (double)batch : pc.min_burst;
    }
    start = vmtp_now_ns();
    pc.start_ns = start;
    end = start + p->duration_us * 1000u;
    for (;;) {
        struct vmtp_udp_hdr h = {.kind = VMTP_UDP_KIND_DATA,
                                 .session = p->session};
        unsigned n = batch;
        int r;

        now = vmtp_now_ns();
        if (now >= end || (cancel != NULL && atomic_load(cancel) != 0)) {
            break;
        }
        if (pps > 0) {
            n = pace(&pc, now, res->packets, end, batch);
            if (n == 0) {
                continue;
            }
        }
        for (unsigned i = 0; i < n; i++) {
            h.seq = res->packets + i;
            h.send_ns = now;
            vmtp_udp_hdr_put(bufs + (size_t)i * p->len, &h);
        }
        r = sendmmsg(fd, msgs, n, 0);
        if (r < 0) {
            if (soft_errno(errno)) {
                if (errno == ENOBUFS || errno == EAGAIN) {
                    sleep_until_ns(vmtp_now_ns() + 20000u);
                }
                continue;
            }
            st = vmtp_error_set_sys(err, VMTP_E_SYS, errno, "sendmmsg failed");
            break;
        }
        res->packets += (uint64_t)r;
        res->bytes += (uint64_t)r * p->len;
    }
    res->elapsed_us = (vmtp_now_ns() - start) / 1000u;
    free(bufs);
    return st;
}

int
vmtp_udp_receiver_init(struct vmtp_udp_receiver *r,
                       int fd,
                       uint32_t session,
                       size_t maxlen)
{
    r->fd = fd;
    r->session = session;
    r->buflen = maxlen < 2048 ? 2048 : maxlen;
    r->bufs = calloc(VMTP_UDP_BATCH, r->buflen);
    return r->bufs != NULL ? 0 : -1;
}

void
vmtp_udp_receiver_release(struct vmtp_udp_receiver *r)
{
    free(r->bufs);
    r->bufs = NULL;
}

/* One recvmmsg; flags MSG_DONTWAIT (drain) or MSG_WAITFORONE (block for
 * the first datagram, up to the socket's SO_RCVTIMEO). Returns datagrams
 * read, 0 when none, -1 on a hard error. */
static int
receive_batch(struct vmtp_udp_receiver *r, struct vmtp_udp_rx *rx, int flags)
{
    struct mmsghdr msgs[VMTP_UDP_BATCH];
    struct iovec iov[VMTP_UDP_BATCH];
    struct sockaddr_storage from[VMTP_UDP_BATCH];
    uint64_t now;
    int n;

    memset(msgs, 0, sizeof(msgs));
    for (unsigned i = 0; i < VMTP_UDP_BATCH; i++) {
        iov[i].iov_base = r->bufs + (size_t)i * r->buflen;
        iov[i].iov_len = r->buflen;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &from[i];
        msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
    }
    n = recvmmsg(r->fd, msgs, VMTP_UDP_BATCH, flags, NULL);
    if (n < 0) {
        return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
                errno == ECONNREFUSED)
                       ? 0
                       : -1;
    }
    now = vmtp_now_ns();
    for (int i = 0; i < n; i++) {
        struct vmtp_udp_hdr h;
        const uint8_t *b = iov[i].iov_base;
        size_t len = msgs[i].msg_len;

        if (vmtp_udp_hdr_get(b, len, &h) != 0 || h.session != r->session) {
            continue;
        }
        if (h.kind == VMTP_UDP_KIND_PING) {
            (void)sendto(r->fd, b, len, MSG_DONTWAIT,
                         (const struct sockaddr *)&from[i],
                         msgs[i].msg_hdr.msg_namelen);
        } else if (rx != NULL) {
            vmtp_udp_rx_add(rx, h.seq, h.send_ns, now, len);
        }
    }
    return n;
}

int
vmtp_udp_receiver_drain(struct vmtp_udp_receiver *r, struct vmtp_udp_rx *rx)
{
    int total = 0;

    for (int round = 0; round < 64; round++) {
        int n = receive_batch(r, rx, MSG_DONTWAIT);

        if (n < 0) {
            return -1;
        }
        total += n;
        if (n < (int)VMTP_UDP_BATCH) {
            break;
        }
    }
    return total;
}

int
vmtp_udp_receiver_wait(struct vmtp_udp_receiver *r, struct vmtp_udp_rx *rx)
{
    return receive_batch(r, rx, MSG_WAITFORONE);
}
