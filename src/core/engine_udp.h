/* \summary: UDP throughput engine: datagram header, paced sendmmsg sender,
 * recvmmsg receiver with loss / duplicate / reorder / RFC 3550 jitter */
#ifndef VMTP_CORE_ENGINE_UDP_H
#define VMTP_CORE_ENGINE_UDP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmtp/vmtp.h>

/* 'V' 'T' 'U' kind | session u32 | seq u64 | send time ns u64 (BE). */
#define VMTP_UDP_HDR_LEN   24
#define VMTP_UDP_KIND_DATA 'D'
#define VMTP_UDP_KIND_PING 'P'
#define VMTP_UDP_MAX_LEN   65507
#define VMTP_UDP_BATCH     64
/* At most this much sending (ns) is caught up after a stall: about the
 * queue of a shaped link (lab-facts: 20 ms), so it absorbs the burst. */
/* Pacing tick: a paced sender wakes up at most once per tick (1 ms). */
#define VMTP_UDP_TICK_NS    1000000
#define VMTP_UDP_MAX_LAG_NS 10000000

struct vmtp_udp_hdr {
    char kind;
    uint32_t session;
    uint64_t seq;
    uint64_t send_ns;
};

void vmtp_udp_hdr_put(uint8_t *buf, const struct vmtp_udp_hdr *h);
/* 0 when buf (len bytes) starts with a valid header, else -1. */
int vmtp_udp_hdr_get(const uint8_t *buf, size_t len, struct vmtp_udp_hdr *h);

/* Nanoseconds on CLOCK_MONOTONIC. */
uint64_t vmtp_now_ns(void);

/*
 * Receiver accounting. Duplicates are found in a sliding window of
 * VMTP_UDP_WINDOW sequence numbers; older late packets count as reordered.
 */
#define VMTP_UDP_WINDOW (1u << 20)

struct vmtp_udp_rx {
    uint64_t packets; /* distinct data packets */
    uint64_t bytes;   /* their payload bytes */
    uint64_t dup;
    uint64_t reordered;
    uint64_t max_seq;
    bool any;
    double jitter_ns; /* RFC 3550 estimate */
    int64_t prev_transit_ns;
    uint64_t first_ns; /* arrival of the first and last packet */
    uint64_t last_ns;
    uint8_t *seen; /* VMTP_UDP_WINDOW bits */
};

/* 0, or -1 (ENOMEM). Release with vmtp_udp_rx_release(). */
int vmtp_udp_rx_init(struct vmtp_udp_rx *rx);
void vmtp_udp_rx_release(struct vmtp_udp_rx *rx);
void vmtp_udp_rx_add(struct vmtp_udp_rx *rx,
                     uint64_t seq,
                     uint64_t send_ns,
                     uint64_t arrival_ns,
                     size_t bytes);

struct vmtp_udp_send_params {
    size_t len;        /* datagram payload, >= VMTP_UDP_HDR_LEN */
    uint64_t rate_bps; /* payload bits per second; 0 = no pacing */
    uint64_t duration_us;
    uint32_t session;
};

struct vmtp_udp_send_result {
    uint64_t packets;
    uint64_t bytes;
    uint64_t elapsed_us;
};

/*
 * Send data datagrams on a connected UDP socket for duration_us, paced on
 * CLOCK_MONOTONIC in bursts of up to VMTP_UDP_BATCH (sendmmsg). ENOBUFS,
 * EAGAIN and ECONNREFUSED are soft (retried); other errors end the run.
 */
enum vmtp_status vmtp_udp_send_run(int fd,
                                   const struct vmtp_udp_send_params *p,
                                   const atomic_int *cancel,
                                   struct vmtp_udp_send_result *res,
                                   struct vmtp_error *err);

/*
 * Receiver side of an unconnected UDP socket (non-blocking): read every
 * queued datagram with recvmmsg; count kind 'D' of `session` in rx, echo
 * kind 'P' of `session` back to its sender, drop the rest. Returns the
 * number of datagrams read, or -1 on a hard socket error.
 */
struct vmtp_udp_receiver {
    int fd;
    uint32_t session;
    size_t buflen;
    uint8_t *bufs; /* VMTP_UDP_BATCH * buflen */
};

int vmtp_udp_receiver_init(struct vmtp_udp_receiver *r,
                           int fd,
                           uint32_t session,
                           size_t maxlen);
void vmtp_udp_receiver_release(struct vmtp_udp_receiver *r);
int vmtp_udp_receiver_drain(struct vmtp_udp_receiver *r,
                            struct vmtp_udp_rx *rx);
/* The same, but wait for the first datagram (the fd must be blocking with
 * SO_RCVTIMEO set): one system call per request in request/response
 * tests. Returns datagrams read, 0 on timeout, -1 on error. */
int vmtp_udp_receiver_wait(struct vmtp_udp_receiver *r, struct vmtp_udp_rx *rx);

#endif
