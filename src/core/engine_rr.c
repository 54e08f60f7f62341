/* \summary: request/response latency engine */
#include "engine_rr.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine_udp.h"
#include "error.h"
#include "net.h"
#include "vx_banned.h"

static void
pace(uint64_t start_ns, uint64_t i, uint64_t interval_us)
{
    uint64_t t = start_ns + i * interval_us * 1000u;
    struct timespec ts = {
            .tv_sec = (time_t)(t / 1000000000u),
            .tv_nsec = (long)(t % 1000000000u),
    };

    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
           EINTR) {
        continue;
    }
}

/* One TCP round trip on a blocking socket with SO_RCVTIMEO/SO_SNDTIMEO. */
static enum vmtp_status
transact(int fd, char *buf, size_t len, struct vmtp_error *err)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = send(fd, buf + done, len - done, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return vmtp_error_set_sys(
                    err, errno == EAGAIN ? VMTP_E_TIMEOUT : VMTP_E_SYS, errno,
                    "request send failed");
        }
        done += (size_t)n;
    }
    done = 0;
    while (done < len) {
        ssize_t n = recv(fd, buf + done, len - done, 0);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n == 0) {
            return vmtp_error_set(err, VMTP_E_PROTO,
                                  "connection closed by peer");
        }
        if (n < 0) {
            return vmtp_error_set_sys(
                    err, errno == EAGAIN ? VMTP_E_TIMEOUT : VMTP_E_SYS, errno,
                    "reply receive failed");
        }
        done += (size_t)n;
    }
    return VMTP_OK;
}

enum vmtp_status
vmtp_rr_tcp_run(int fd,
                const struct vmtp_rr_params *p,
                const atomic_int *cancel,
                struct vmtp_rr_result *res,
                struct vmtp_error *err)
{
    enum vmtp_status st = VMTP_OK;
    char *buf = NULL;
    int one = 1;
    struct timeval tmo = {.tv_sec = 5 * VMTP_RR_REPLY_TIMEOUT / 1000};
    uint64_t start;
    uint64_t end;

    vmtp_histo_init(&res->histo);
    res->lost = 0;
    res->elapsed_us = 0;
    if (p->len == 0 || p->len > VMTP_RR_MAX_LEN) {
        return vmtp_error_set(err, VMTP_E_INVAL, "bad request size %zu",
                              p->len);
    }
    buf = calloc(1, p->len);
    if (buf == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "no request buffer");
    }
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    /* Blocking calls with a time limit: one system call per direction. */
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
    start = vmtp_now_ns();
    end = start + p->duration_us * 1000u;
    for (uint64_t i = 0;; i++) {
        uint64_t t0;
        uint64_t now = vmtp_now_ns();

        if (now >= end || (cancel != NULL && atomic_load(cancel) != 0)) {
            break;
        }
        if (p->interval_us > 0) {
            pace(start, i, p->interval_us);
        }
        t0 = vmtp_now_ns();
        st = transact(fd, buf, p->len, err);
        if (st != VMTP_OK) {
            break;
        }
        vmtp_histo_add(&res->histo, vmtp_now_ns() - t0);
    }
    res->elapsed_us = (vmtp_now_ns() - start) / 1000u;
    free(buf);
    return st;
}

/* Wait for the echo of seq (blocking recv, SO_RCVTIMEO set by the caller);
 * 1 got it, 0 timed out, -1 error. */
static int
wait_reply(int fd, uint8_t *buf, size_t len, uint32_t session, uint64_t seq)
{
    uint64_t deadline = vmtp_now_ns() + VMTP_RR_REPLY_TIMEOUT * 1000000ull;

    while (vmtp_now_ns() < deadline) {
        struct vmtp_udp_hdr h;
        ssize_t n = recv(fd, buf, len, 0);

        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return 0; /* SO_RCVTIMEO expired */
            }
            if (errno == EINTR || errno == ECONNREFUSED) {
                continue;
            }
            return -1;
        }
        if (vmtp_udp_hdr_get(buf, (size_t)n, &h) == 0 &&
            h.kind == VMTP_UDP_KIND_PING && h.session == session &&
            h.seq == seq) {
            return 1;
        }
    }
    return 0;
}

enum vmtp_status
vmtp_rr_udp_run(int fd,
                const struct vmtp_rr_params *p,
                const atomic_int *cancel,
                struct vmtp_rr_result *res,
                struct vmtp_error *err)
{
    enum vmtp_status st = VMTP_OK;
    uint8_t *buf = NULL;
    size_t len = p->len < VMTP_UDP_HDR_LEN ? VMTP_UDP_HDR_LEN : p->len;
    struct timeval tmo = {
            .tv_sec = VMTP_RR_REPLY_TIMEOUT / 1000,
            .tv_usec = (suseconds_t)(VMTP_RR_REPLY_TIMEOUT % 1000) * 1000};
    uint64_t start;
    uint64_t end;

    vmtp_histo_init(&res->histo);
    res->lost = 0;
    res->elapsed_us = 0;
    if (len > VMTP_RR_MAX_LEN) {
        return vmtp_error_set(err, VMTP_E_INVAL, "bad request size %zu",
                              p->len);
    }
    buf = calloc(1, len);
    if (buf == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "no request buffer");
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
    start = vmtp_now_ns();
    end = start + p->duration_us * 1000u;
    for (uint64_t i = 0;; i++) {
        struct vmtp_udp_hdr h = {
                .kind = VMTP_UDP_KIND_PING, .session = p->session, .seq = i};
        uint64_t t0;
        int rc;

        if (vmtp_now_ns() >= end ||
            (cancel != NULL && atomic_load(cancel) != 0)) {
            break;
        }
        if (p->interval_us > 0) {
            pace(start, i, p->interval_us);
        }
        t0 = vmtp_now_ns();
        h.send_ns = t0;
        vmtp_udp_hdr_put(buf, &h);
        if (send(fd, buf, len, 0) < 0 && errno != ECONNREFUSED &&
            errno != ENOBUFS && errno != EINTR && errno != EAGAIN) {
            st = vmtp_error_set_sys(err, VMTP_E_SYS, errno, "send failed");
            break;
        }
        rc = wait_reply(fd, buf, len, p->session, i);
        if (rc < 0) {
            st = vmtp_error_set_sys(err, VMTP_E_SYS, errno, "recv failed");
            break;
        }
        if (rc == 0) {
            res->lost++;
            continue;
        }
        vmtp_histo_add(&res->histo, vmtp_now_ns() - t0);
    }
    res->elapsed_us = (vmtp_now_ns() - start) / 1000u;
    free(buf);
    return st;
}

int
vmtp_rr_tcp_echo(int fd, void *buf, size_t len)
{
    ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);

    if (n < 0) {
        return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? -2
                                                                           : -1;
    }
    if (n == 0) {
        return 0;
    }
    if (vmtp_net_write_full(fd, buf, (size_t)n, 5000, NULL) != VMTP_OK) {
        return -1;
    }
    /* A short read means the queue is empty: no need to ask again. */
    return (size_t)n < len ? -2 : 1;
}

static void *
probe_main(void *arg)
{
    struct vmtp_rr_probe *pr = arg;

    pr->status =
            vmtp_rr_udp_run(pr->fd, &pr->params, &pr->stop, &pr->res, &pr->err);
    return NULL;
}

int
vmtp_rr_probe_start(struct vmtp_rr_probe *pr)
{
    atomic_store(&pr->stop, 0);
    pr->running = 0;
    pr->status = VMTP_OK;
    vmtp_error_clear(&pr->err);
    vmtp_histo_init(&pr->res.histo);
    if (pthread_create(&pr->tid, NULL, probe_main, pr) != 0) {
        return -1;
    }
    pr->running = 1;
    return 0;
}

void
vmtp_rr_probe_stop(struct vmtp_rr_probe *pr)
{
    if (!pr->running) {
        return;
    }
    atomic_store(&pr->stop, 1);
    (void)pthread_join(pr->tid, NULL);
    pr->running = 0;
}
