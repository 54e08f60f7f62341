/* \summary: TCP throughput engine: one sender thread per stream, optional
 * rate limit, TCP_INFO at the end */
#ifndef VMTP_CORE_ENGINE_TCP_H
#define VMTP_CORE_ENGINE_TCP_H

#include <stddef.h>
#include <stdint.h>

#include <vmtp/vmtp.h>

#define VMTP_TCP_MAX_STREAMS 128
#define VMTP_TCP_MAX_LEN     (16u << 20)

/* TCP_INFO fields we report (units in the names). */
struct vmtp_tcp_info {
    uint32_t rtt_us;
    uint32_t rttvar_us;
    uint32_t retrans; /* tcpi_total_retrans */
    uint32_t cwnd;    /* segments */
    uint32_t mss_bytes;
};

/* 0 or -1 with errno. */
int vmtp_tcp_info_read(int fd, struct vmtp_tcp_info *out);

/* One stream: the caller fills fd (connected, blocking); the engine fills
 * the rest. */
struct vmtp_tcp_stream {
    int fd;
    uint64_t bytes_sent;
    struct vmtp_tcp_info info;
    enum vmtp_status status;
    struct vmtp_error err;
};

struct vmtp_tcp_send_params {
    size_t len;        /* bytes per send() */
    uint64_t rate_bps; /* per stream; 0 = unlimited */
    uint64_t duration_us;
};

/*
 * Run n sender streams in parallel (one thread each) for duration_us, then
 * read TCP_INFO and shutdown(SHUT_WR) each socket. Returns VMTP_OK when
 * every stream ran; a failing stream has its own status and err, and the
 * first failure is copied into *err. *elapsed_us is the sending time.
 */
enum vmtp_status vmtp_tcp_send_streams(struct vmtp_tcp_stream *streams,
                                       size_t n,
                                       const struct vmtp_tcp_send_params *p,
                                       uint64_t *elapsed_us,
                                       struct vmtp_error *err);

/*
 * Receiver: read what is queued on a non-blocking socket into buf.
 * Returns bytes read (>0), 0 on EOF, -2 when nothing is queued, -1 on error.
 */
long vmtp_tcp_recv_some(int fd, void *buf, size_t len);

#endif
