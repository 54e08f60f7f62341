/* \summary: ICMP latency with the system ping (iputils), per payload size */
#ifndef VMTP_LIB_PING_H
#define VMTP_LIB_PING_H

#include <stdbool.h>
#include <stddef.h>

#include "exec.h"
#include "log.h"
#include "result.h"

/* Most per-reply times kept per size (for percentiles). */
#define VMTP_PING_MAX_REPLIES 100000

struct vmtp_ping_opts {
    const char *bin;    /* "ping" when NULL */
    const char *target; /* IP literal */
    bool ipv6;          /* ping -6 */
    const long *sizes;  /* payload bytes (ping -s), icmp_pkt_sizes */
    size_t n_sizes;
    int count; /* ping_count, >= 1 */
    /*
     * Seconds between probes; 0 = automatic: 0.002 (allowed to every user
     * by iputils >= 20210202, and to root by any), falling back to 0.2
     * when ping refuses it.
     */
    double interval_s;
    int reply_wait_s; /* -W: wait for the last reply; default 2 */
    const struct vmtp_logger *log;
};

/*
 * Ping the target once per size from `ex` and fill the ICMP entry `res`
 * (tool "ping"): one struct vmtp_icmp_stat per size with tx/rx counts,
 * min/avg/max/mdev and p50/p90/p99 computed from the per-reply times. A
 * size with no reply gets stat->error "100% packet loss (0 of N replies)"
 * and the other sizes still run. Runs are bounded: count * interval +
 * reply wait + 10 s each. Returns VMTP_OK when every size ran (even with
 * loss); executor errors (VMTP_E_CANCELLED, VMTP_E_SSH) stop it.
 */
enum vmtp_status vmtp_ping_run(struct vmtp_executor *ex,
                               const struct vmtp_ping_opts *o,
                               struct vmtp_result *res,
                               struct vmtp_error *err);

/*
 * Parse iputils ping output into *st (its packet_size kept) and, when
 * times != NULL, up to max_times per-reply RTTs in ms into times (count in
 * *n_times). 100% loss is VMTP_E_MEASURE with st->error left NULL; no
 * statistics line is VMTP_E_PARSE.
 */
enum vmtp_status vmtp_parse_ping(const char *out,
                                 struct vmtp_icmp_stat *st,
                                 double *times,
                                 size_t max_times,
                                 size_t *n_times,
                                 struct vmtp_error *err);

/*
 * Nearest-rank percentile q (0 < q <= 1) of n values; sorts v in place.
 * NAN when n is 0.
 */
double vmtp_percentile(double *v, size_t n, double q);

/*
 * Set st's p50/p90/p99 from n per-reply RTTs (sorted in place), kept
 * inside the summary's exact [rtt_min_ms, rtt_max_ms]: ping rounds each
 * reply's time to three significant digits.
 */
void vmtp_ping_percentiles(struct vmtp_icmp_stat *st, double *times, size_t n);

#endif
