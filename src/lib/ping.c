/* \summary: ICMP latency through iputils ping: argv, bounded runs, parsing */
#include "ping.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_str.h"

#define FAST_INTERVAL_S 0.002
#define SLOW_INTERVAL_S 0.2
#define RUN_MARGIN_S    10

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}

double
vmtp_percentile(double *v, size_t n, double q)
{
    size_t rank;

    if (n == 0 || !(q > 0) || q > 1) {
        return NAN;
    }
    qsort(v, n, sizeof(*v), cmp_double);
    rank = (size_t)ceil(q * (double)n);
    if (rank < 1) {
        rank = 1;
    }
    if (rank > n) {
        rank = n;
    }
    return v[rank - 1];
}

/* Parse the number at s (digits, '.'), up to 31 characters. */
static bool
num_at(const char *s, double *v, const char **end)
{
    char tok[32];
    size_t n = 0;

    while (((s[n] >= '0' && s[n] <= '9') || s[n] == '.') && n < 31) {
        tok[n] = s[n];
        n++;
    }
    tok[n] = '\0';
    if (n == 0 || vx_strtod(tok, v) != 0) {
        return false;
    }
    if (end != NULL) {
        *end = s + n;
    }
    return true;
}

enum vmtp_status
vmtp_parse_ping(const char *out,
                struct vmtp_icmp_stat *st,
                double *times,
                size_t max_times,
                size_t *n_times,
                struct vmtp_error *err)
{
    const char *p;
    const char *e;
    double tx;
    double rx;
    size_t n = 0;

    if (n_times != NULL) {
        *n_times = 0;
    }
    /* per-reply lines: "64 bytes from ...: icmp_seq=3 ttl=64 time=0.047 ms"
     * (one sample per line). Every search stays inside its line: searching
     * the rest of the output from each "time=" was quadratic in its size. */
    for (p = out; times != NULL && *p != '\0';) {
        const char *eol = strchr(p, '\n');
        size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
        const char *from = memmem(p, len, "bytes from", 10);
        const char *tm = NULL;
        double t;

        if (from != NULL) {
            tm = memmem(from, len - (size_t)(from - p), "time=", 5);
        }
        if (tm != NULL &&
            memmem(tm, len - (size_t)(tm - p), "DUP!", 4) == NULL &&
            num_at(tm + 5, &t, NULL) && n < max_times) {
            times[n++] = t; /* a duplicate reply is not a new sample */
        }
        p += eol != NULL ? len + 1 : len;
    }
    if (n_times != NULL) {
        *n_times = n;
    }
    p = strstr(out, " packets transmitted, ");
    if (p == NULL) {
        return vmtp_error_set(err, VMTP_E_PARSE,
                              "ping: no statistics in output");
    }
    e = p;
    while (e > out && e[-1] >= '0' && e[-1] <= '9') {
        e--;
    }
    if (!num_at(e, &tx, NULL) ||
        !num_at(p + strlen(" packets transmitted, "), &rx, NULL) || tx > 1e12 ||
        rx > 1e12) {
        return vmtp_error_set(err, VMTP_E_PARSE,
                              "ping: bad packet counts in output");
    }
    st->tx_packets = (long)tx;
    st->rx_packets = (long)rx;
    if (rx <= 0) {
        return vmtp_error_set(err, VMTP_E_MEASURE,
                              "100%% packet loss (0 of %ld replies)",
                              st->tx_packets);
    }
    /* "rtt min/avg/max/mdev = 0.037/0.061/0.103/0.015 ms" (iputils) or
     * "round-trip min/avg/max/stddev = ..." (BSD, busybox) */
    p = strstr(out, "min/avg/max");
    if (p == NULL || (p = strstr(p, "= ")) == NULL) {
        return vmtp_error_set(err, VMTP_E_PARSE,
                              "ping: no rtt summary in output");
    }
    p += 2;
    {
        double v[4];
        for (int i = 0; i < 4; i++) {
            if (!num_at(p, &v[i], &p) || (i < 3 && *p++ != '/')) {
                return vmtp_error_set(err, VMTP_E_PARSE,
                                      "ping: bad rtt summary");
            }
        }
        st->rtt_min_ms = v[0];
        st->rtt_avg_ms = v[1];
        st->rtt_max_ms = v[2];
        st->rtt_stddev_ms = v[3];
    }
    return VMTP_OK;
}

static bool
interval_refused(const struct vmtp_exec_result *r)
{
    return r->exit_status == 2 && (strstr(r->err, "interval") != NULL ||
                                   strstr(r->out, "interval") != NULL);
}

static enum vmtp_status
ping_one(struct vmtp_executor *ex,
         const struct vmtp_ping_opts *o,
         long size,
         double interval_s,
         struct vmtp_exec_result *r,
         struct vmtp_error *err)
{
    char count[24];
    char sz[24];
    char iv[24];
    char wait[24];
    const char *argv[16];
    size_t n = 0;
    int wait_s = o->reply_wait_s > 0 ? o->reply_wait_s : 2;
    double run_s = o->count * interval_s + wait_s + RUN_MARGIN_S;

    (void)snprintf(count, sizeof(count), "%d", o->count);
    (void)snprintf(sz, sizeof(sz), "%ld", size);
    (void)snprintf(iv, sizeof(iv), "%.3f", interval_s);
    (void)snprintf(wait, sizeof(wait), "%d", wait_s);
    argv[n++] = o->bin != NULL ? o->bin : "ping";
    if (o->ipv6) {
        argv[n++] = "-6";
    }
    argv[n++] = "-n";
    argv[n++] = "-c";
    argv[n++] = count;
    argv[n++] = "-s";
    argv[n++] = sz;
    argv[n++] = "-i";
    argv[n++] = iv;
    argv[n++] = "-W";
    argv[n++] = wait;
    argv[n++] = o->target;
    argv[n] = NULL;
    return ex->ops->run(ex, argv, (int)(run_s * 1000), r, err);
}

/*
 * iputils rounds each reply's "time=" to three significant digits (1.0459
 * ms prints as 1.05) while the summary's min/max are exact to the
 * microsecond, so a percentile of the replies can land a rounding step
 * outside [min, max]. The summary is the truer figure: keep the
 * percentile inside it.
 */
static double
within_summary(const struct vmtp_icmp_stat *st, double v)
{
    if (isnan(v)) {
        return v;
    }
    if (!isnan(st->rtt_max_ms) && v > st->rtt_max_ms) {
        return st->rtt_max_ms;
    }
    if (!isnan(st->rtt_min_ms) && v < st->rtt_min_ms) {
        return st->rtt_min_ms;
    }
    return v;
}

void
vmtp_ping_percentiles(struct vmtp_icmp_stat *st, double *times, size_t n)
{
    st->rtt_p50_ms = within_summary(st, vmtp_percentile(times, n, 0.50));
    st->rtt_p90_ms = within_summary(st, vmtp_percentile(times, n, 0.90));
    st->rtt_p99_ms = within_summary(st, vmtp_percentile(times, n, 0.99));
}

static enum vmtp_status
fill_size(const char *out,
          struct vmtp_icmp_stat *st,
          double *times,
          size_t max_times)
{
    struct vmtp_error perr = {0};
    size_t nt = 0;
    enum vmtp_status rc;

    rc = vmtp_parse_ping(out, st, times, max_times, &nt, &perr);
    if (rc != VMTP_OK) {
        st->error = vx_strdup(perr.msg);
        return st->error == NULL ? VMTP_E_NOMEM : VMTP_OK;
    }
    vmtp_ping_percentiles(st, times, nt);
    return VMTP_OK;
}

/* A one-line copy of what ping said, for a failed size. */
static char *
ping_failure(const struct vmtp_exec_result *r)
{
    char msg[200];
    size_t j = 0;
    const char *src = r->err[0] != '\0' ? r->err : r->out;

    for (; src[j] != '\0' && j + 1 < sizeof(msg); j++) {
        msg[j] = src[j];
        if (msg[j] == '\n') {
            msg[j] = ' ';
        }
    }
    msg[j] = '\0';
    return vx_strdup(msg[0] != '\0' ? msg : "ping failed");
}

/*
 * Ping one size into st. *interval may fall back to the slow one (and
 * stays there for the next sizes). A timeout is a per-size error.
 */
static enum vmtp_status
ping_size(struct vmtp_executor *ex,
          const struct vmtp_ping_opts *o,
          struct vmtp_icmp_stat *st,
          double *interval,
          double *times,
          size_t max_times,
          struct vmtp_error *err)
{
    struct vmtp_exec_result r = {0};
    enum vmtp_status rc;

    rc = ping_one(ex, o, st->packet_size, *interval, &r, err);
    if (rc == VMTP_OK && interval_refused(&r) && o->interval_s <= 0 &&
        *interval < SLOW_INTERVAL_S) {
        VLOG(o->log, VMTP_LOG_DEBUG, "ping refused -i %.3f, using %.1f s",
             *interval, SLOW_INTERVAL_S);
        *interval = SLOW_INTERVAL_S;
        vmtp_exec_result_release(&r);
        rc = ping_one(ex, o, st->packet_size, *interval, &r, err);
    }
    if (rc == VMTP_E_TIMEOUT) {
        st->error = vx_strdup(err != NULL ? err->msg : "ping timed out");
        rc = st->error == NULL ? VMTP_E_NOMEM : VMTP_OK;
    } else if (rc != VMTP_OK) {
        goto out;
    } else if (r.exit_status == 2 ||
               strstr(r.out, "packets transmitted") == NULL) {
        st->error = ping_failure(&r);
        rc = st->error == NULL ? VMTP_E_NOMEM : VMTP_OK;
    } else {
        rc = fill_size(r.out, st, times, max_times);
    }
    if (rc == VMTP_E_NOMEM) {
        rc = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
out:
    vmtp_exec_result_release(&r);
    return rc;
}

enum vmtp_status
vmtp_ping_run(struct vmtp_executor *ex,
              const struct vmtp_ping_opts *o,
              struct vmtp_result *res,
              struct vmtp_error *err)
{
    double interval = o->interval_s > 0 ? o->interval_s : FAST_INTERVAL_S;
    double *times = NULL;
    size_t max_times;
    enum vmtp_status rc = VMTP_OK;

    if (o->target == NULL || o->count < 1 || o->count > 1000000 ||
        o->n_sizes == 0) {
        return vmtp_error_set(err, VMTP_E_INVAL, "bad ping options");
    }
    if (res->tool == NULL) {
        res->tool = vx_strdup("ping");
        if (res->tool == NULL) {
            return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        }
    }
    max_times = (size_t)o->count < VMTP_PING_MAX_REPLIES
                        ? (size_t)o->count
                        : VMTP_PING_MAX_REPLIES;
    times = vx_calloc(max_times, sizeof(*times));
    if (times == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < o->n_sizes && rc == VMTP_OK; i++) {
        struct vmtp_icmp_stat *st;

        if (o->sizes[i] < 0 || o->sizes[i] > 65507) {
            rc = vmtp_error_set(err, VMTP_E_INVAL, "bad ICMP size %ld",
                                o->sizes[i]);
            break;
        }
        st = vmtp_result_add_icmp(res, o->sizes[i]);
        if (st == NULL) {
            rc = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
            break;
        }
        rc = ping_size(ex, o, st, &interval, times, max_times, err);
    }
    free(times);
    return rc;
}
