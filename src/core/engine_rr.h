/* \summary: request/response latency engine (TCP and UDP ping-pong) and the
 * latency-under-load probe thread */
#ifndef VMTP_CORE_ENGINE_RR_H
#define VMTP_CORE_ENGINE_RR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <vmtp/vmtp.h>

#include "histo.h"

/* A UDP request without a reply within VMTP_RR_REPLY_TIMEOUT ms is lost. */
#define VMTP_RR_MAX_LEN       65507
#define VMTP_RR_REPLY_TIMEOUT 1000

struct vmtp_rr_params {
    size_t len;           /* request = reply size */
    uint64_t duration_us; /* run until then, or until *cancel */
    uint64_t interval_us; /* 0: back to back */
    uint32_t session;     /* udp */
};

struct vmtp_rr_result {
    struct vmtp_histo histo; /* RTTs in ns */
    uint64_t lost;
    uint64_t elapsed_us;
};

/* TCP: write len bytes, read len bytes back, repeat (socket: connected,
 * TCP_NODELAY is set here). */
enum vmtp_status vmtp_rr_tcp_run(int fd,
                                 const struct vmtp_rr_params *p,
                                 const atomic_int *cancel,
                                 struct vmtp_rr_result *res,
                                 struct vmtp_error *err);

/* UDP: send a kind 'P' datagram, wait up to VMTP_RR_REPLY_TIMEOUT for its
 * echo (connected socket), repeat. Stale replies are skipped. */
enum vmtp_status vmtp_rr_udp_run(int fd,
                                 const struct vmtp_rr_params *p,
                                 const atomic_int *cancel,
                                 struct vmtp_rr_result *res,
                                 struct vmtp_error *err);

/* Server side of TCP rr: echo what is queued on a non-blocking socket.
 * Returns 1 data echoed (more may be queued), 0 EOF, -2 nothing (more)
 * queued, -1 error. */
int vmtp_rr_tcp_echo(int fd, void *buf, size_t len);

/* A UDP probe thread (latency under load). */
struct vmtp_rr_probe {
    int fd;
    struct vmtp_rr_params params;
    atomic_int stop;
    struct vmtp_rr_result res;
    enum vmtp_status status;
    struct vmtp_error err;
    pthread_t tid;
    int running;
};

/* Start probing on fd (connected UDP socket); 0 or -1. */
int vmtp_rr_probe_start(struct vmtp_rr_probe *pr);
/* Stop and join; the results are in pr->res. */
void vmtp_rr_probe_stop(struct vmtp_rr_probe *pr);

#endif
