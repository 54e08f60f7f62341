/* \summary: TCP throughput engine (iperf_tcp style, one thread per stream) */
#include "engine_tcp.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine_udp.h"
#include "error.h"
#include "vx_banned.h"

int
vmtp_tcp_info_read(int fd, struct vmtp_tcp_info *out)
{
    struct tcp_info ti;
    socklen_t len = sizeof(ti);

    memset(out, 0, sizeof(*out));
    memset(&ti, 0, sizeof(ti));
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0) {
        return -1;
    }
    out->rtt_us = ti.tcpi_rtt;
    out->rttvar_us = ti.tcpi_rttvar;
    out->retrans = ti.tcpi_total_retrans;
    out->cwnd = ti.tcpi_snd_cwnd;
    out->mss_bytes = ti.tcpi_snd_mss;
    return 0;
}

struct worker {
    struct vmtp_tcp_stream *s;
    const struct vmtp_tcp_send_params *p;
    uint64_t start_ns;
    pthread_t tid;
    int started;
};

static void
sleep_until(uint64_t t_ns)
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

static void *
send_stream(void *arg)
{
    struct worker *w = arg;
    struct vmtp_tcp_stream *s = w->s;
    const struct vmtp_tcp_send_params *p = w->p;
    uint64_t end = w->start_ns + p->duration_us * 1000u;
    char *buf = calloc(1, p->len);

    s->status = VMTP_OK;
    if (buf == NULL) {
        s->status = vmtp_error_set(&s->err, VMTP_E_NOMEM, "no send buffer");
        return NULL;
    }
    for (;;) {
        uint64_t now = vmtp_now_ns();
        struct pollfd pfd = {.fd = s->fd, .events = POLLOUT};
        int left_ms;
        ssize_t n;

        if (now >= end) {
            break;
        }
        if (p->rate_bps > 0) {
            /* Token bucket: no more than rate * elapsed bits so far. */
            double allowed = (double)(now - w->start_ns) / 1e9 *
                             (double)p->rate_bps / 8.0;

            if ((double)s->bytes_sent >= allowed) {
                double next = (double)w->start_ns +
                              ((double)s->bytes_sent + (double)p->len) * 8.0 /
                                      (double)p->rate_bps * 1e9;

                sleep_until(next < (double)end ? (uint64_t)next : end);
                continue;
            }
        }
        n = send(s->fd, buf, p->len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
                errno == ENOBUFS) {
                /* Buffer full: wait for room, at most until the end. */
                left_ms = (int)((end - now) / 1000000u) + 1;
                (void)poll(&pfd, 1, left_ms);
                continue;
            }
            s->status = vmtp_error_set_sys(&s->err, VMTP_E_SYS, errno,
                                           "send failed after %llu bytes",
                                           (unsigned long long)s->bytes_sent);
            break;
        }
        s->bytes_sent += (uint64_t)n;
    }
    (void)vmtp_tcp_info_read(s->fd, &s->info);
    (void)shutdown(s->fd, SHUT_WR);
    free(buf);
    return NULL;
}

enum vmtp_status
vmtp_tcp_send_streams(struct vmtp_tcp_stream *streams,
                      size_t n,
                      const struct vmtp_tcp_send_params *p,
                      uint64_t *elapsed_us,
                      struct vmtp_error *err)
{
    struct worker *w = NULL;
    enum vmtp_status st = VMTP_OK;
    uint64_t start;

    *elapsed_us = 0;
    if (n == 0 || n > VMTP_TCP_MAX_STREAMS || p->len == 0 ||
        p->len > VMTP_TCP_MAX_LEN) {
        return vmtp_error_set(err, VMTP_E_INVAL, "bad stream parameters");
    }
    w = calloc(n, sizeof(*w));
    if (w == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "no memory for streams");
    }
    start = vmtp_now_ns();
    for (size_t i = 0; i < n; i++) {
        w[i].s = &streams[i];
        w[i].p = p;
        w[i].start_ns = start;
        streams[i].bytes_sent = 0;
        vmtp_error_clear(&streams[i].err);
        if (n == 1) {
            break; /* a single stream runs in this thread */
        }
        if (pthread_create(&w[i].tid, NULL, send_stream, &w[i]) != 0) {
            streams[i].status = vmtp_error_set(&streams[i].err, VMTP_E_SYS,
                                               "cannot start a thread");
            continue;
        }
        w[i].started = 1;
    }
    if (n == 1) {
        (void)send_stream(&w[0]);
    }
    for (size_t i = 0; i < n; i++) {
        if (w[i].started) {
            (void)pthread_join(w[i].tid, NULL);
        }
    }
    *elapsed_us = (vmtp_now_ns() - start) / 1000u;
    for (size_t i = 0; i < n; i++) {
        if (streams[i].status != VMTP_OK && st == VMTP_OK) {
            st = streams[i].status;
            if (err != NULL) {
                *err = streams[i].err;
            }
        }
    }
    free(w);
    return st;
}

long
vmtp_tcp_recv_some(int fd, void *buf, size_t len)
{
    ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);

    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            return -2;
        }
        return -1;
    }
    return (long)n;
}
