/* \summary: parsers for nuttcp, iperf 2 and iperf3 outputs (fuzzed) */
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "tool.h"
#include "vx_banned.h"
#include "vx_str.h"

/* Longest number token we read; longer ones are rejected. */
#define NUM_MAX 40

void
vmtp_tool_report_init(struct vmtp_tool_report *rep)
{
    rep->rx_bps = NAN;
    rep->tx_bps = NAN;
    rep->loss_pct = NAN;
    rep->tx_packets = -1;
    rep->lost_packets = -1;
    rep->rx_pps = NAN;
    rep->seconds = NAN;
    rep->jitter_ms = NAN;
    rep->owd_ms = NAN;
    rep->rtt_ms = NAN;
    rep->retrans = -1;
    rep->cpu_tx_pct = NAN;
    rep->cpu_rx_pct = NAN;
}

static bool
is_num_char(char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' ||
           c == 'e' || c == 'E';
}

/*
 * Parse the number that starts at s (stops at the first character that
 * cannot be part of one). Returns the number of characters used, 0 when
 * there is no valid number.
 */
static size_t
scan_num(const char *s, double *v)
{
    char tok[NUM_MAX + 1];
    size_t n = 0;

    while (s[n] != '\0' && is_num_char(s[n])) {
        if (n >= NUM_MAX) {
            return 0;
        }
        tok[n] = s[n];
        n++;
    }
    tok[n] = '\0';
    /* "5.45 Gbits" is fine; a trailing 'e' or sign is not part of it. */
    while (n > 0 && (tok[n - 1] == 'e' || tok[n - 1] == 'E' ||
                     tok[n - 1] == '+' || tok[n - 1] == '-')) {
        tok[--n] = '\0';
    }
    if (n == 0 || vx_strtod(tok, v) != 0) {
        return 0;
    }
    return n;
}

/* Start of the last line of `out` that contains `needle`, or NULL. */
static const char *
last_line_with(const char *out, const char *needle)
{
    const char *found = NULL;
    const char *p = out;

    for (;;) {
        const char *hit = strstr(p, needle);
        if (hit == NULL) {
            break;
        }
        found = hit;
        p = hit + 1;
    }
    if (found == NULL) {
        return NULL;
    }
    while (found > out && found[-1] != '\n') {
        found--;
    }
    return found;
}

/* Length of the line starting at s, without its newline. */
static size_t
line_len(const char *s)
{
    const char *nl = strchr(s, '\n');
    return nl != NULL ? (size_t)(nl - s) : strlen(s);
}

/*
 * Value of "key=NUMBER" inside line[0..len) where key starts the line or
 * follows a space. Returns true and sets *v when present and numeric.
 */
static bool
kv(const char *line, size_t len, const char *key, double *v)
{
    size_t klen = strlen(key);

    for (size_t i = 0; i + klen + 1 <= len; i++) {
        if ((i == 0 || line[i - 1] == ' ') &&
            strncmp(line + i, key, klen) == 0 && line[i + klen] == '=') {
            size_t used = scan_num(line + i + klen + 1, v);
            return used > 0 && i + klen + 1 + used <= len;
        }
    }
    return false;
}

/* A bounded, single-line excerpt of a tool's output for error messages. */
static void
excerpt(const char *out, char *buf, size_t buflen)
{
    size_t j = 0;

    for (size_t i = 0; out[i] != '\0' && j + 1 < buflen; i++) {
        char c = out[i];
        if (c == '\n' || c == '\r' || c == '\t') {
            buf[j++] = ' ';
        } else {
            buf[j++] = c;
        }
    }
    buf[j] = '\0';
}

enum vmtp_status
vmtp_parse_nuttcp(const char *out,
                  bool udp,
                  long pkt_size,
                  struct vmtp_tool_report *rep,
                  struct vmtp_error *err)
{
    const char *line = last_line_with(out, "rate_Mbps=");
    size_t len;
    double mbps;
    double secs;
    double v;
    char ex[120];

    vmtp_tool_report_init(rep);
    if (line == NULL) {
        excerpt(out, ex, sizeof(ex));
        return vmtp_error_set(err, VMTP_E_PARSE,
                              "nuttcp: no rate_Mbps in output '%s'", ex);
    }
    len = line_len(line);
    if (!kv(line, len, "rate_Mbps", &mbps) || !(mbps >= 0)) {
        return vmtp_error_set(err, VMTP_E_PARSE, "nuttcp: bad rate_Mbps");
    }
    rep->rx_bps = mbps * 1e6;
    if (kv(line, len, "real_seconds", &secs) && secs > 0) {
        rep->seconds = secs;
    }
    if (kv(line, len, "tx_cpu", &v)) {
        rep->cpu_tx_pct = v;
    }
    if (kv(line, len, "rx_cpu", &v)) {
        rep->cpu_rx_pct = v;
    }
    if (!udp) {
        rep->tx_bps = rep->rx_bps;
        if (kv(line, len, "retrans", &v) && v >= 0 && v < 1e15) {
            rep->retrans = (long)v;
        }
        if (kv(line, len, "rtt_ms", &v) && v >= 0) {
            rep->rtt_ms = v;
        }
        return VMTP_OK;
    }
    {
        double drop;
        double pkt;
        if (!kv(line, len, "drop", &drop) || !kv(line, len, "pkt", &pkt) ||
            !(pkt >= 0) || pkt > 1e15 || !(drop > -1e15) || drop > 1e15) {
            return vmtp_error_set(err, VMTP_E_PARSE,
                                  "nuttcp: no drop=/pkt= in UDP output");
        }
        if (drop < 0) {
            drop = 0; /* nuttcp can report negative drops */
        }
        if (drop > pkt) {
            drop = pkt;
        }
        rep->tx_packets = (long)pkt;
        rep->lost_packets = (long)drop;
        rep->loss_pct = pkt > 0 ? drop * 100.0 / pkt : 100.0;
        if (rep->seconds > 0) {
            rep->rx_pps = (pkt - drop) / rep->seconds;
            if (pkt_size > 0) {
                rep->tx_bps = pkt * (double)pkt_size * 8.0 / rep->seconds;
            }
        }
    }
    if (kv(line, len, "msmaxjitter", &v) && v >= 0) {
        rep->jitter_ms = v;
    }
    if (kv(line, len, "msavgOWD", &v)) {
        rep->owd_ms = v;
    }
    return VMTP_OK;
}

/*
 * In an iperf 2 report line, find "<num> <prefix>bits/sec" and return the
 * rate in bit/s; *after points past "bits/sec". False when absent.
 */
static bool
iperf_rate(const char *line, size_t len, double *bps, const char **after)
{
    const char *u = strstr(line, "bits/sec");
    double mult = 1.0;
    const char *numstart;
    double v;

    if (u == NULL || u >= line + len || u == line) {
        return false;
    }
    numstart = u;
    switch (u[-1]) {
    case 'K':
        mult = 1e3;
        numstart--;
        break;
    case 'M':
        mult = 1e6;
        numstart--;
        break;
    case 'G':
        mult = 1e9;
        numstart--;
        break;
    default:
        break;
    }
    while (numstart > line && numstart[-1] == ' ') {
        numstart--;
    }
    while (numstart > line && is_num_char(numstart[-1])) {
        numstart--;
    }
    if (scan_num(numstart, &v) == 0 || !(v >= 0)) {
        return false;
    }
    *bps = v * mult;
    *after = u + strlen("bits/sec");
    return true;
}

/* Seconds of the interval "[ ID] a-b sec" at the start of a report line. */
static bool
iperf_interval(const char *line, size_t len, double *secs)
{
    const char *sec = strstr(line, " sec");
    const char *p;
    const char *dash;
    char tok[NUM_MAX + 1];
    double a;
    double b;
    size_t k;

    if (sec == NULL || sec >= line + len) {
        return false;
    }
    p = memchr(line, ']', (size_t)(sec - line));
    if (p == NULL) {
        return false;
    }
    p++;
    while (p < sec && *p == ' ') {
        p++;
    }
    dash = memchr(p, '-', (size_t)(sec - p));
    if (dash == NULL) {
        return false;
    }
    k = (size_t)(dash - p);
    if (k == 0 || k > NUM_MAX) {
        return false;
    }
    memcpy(tok, p, k);
    tok[k] = '\0';
    if (vx_strtod(tok, &a) != 0 || scan_num(dash + 1, &b) == 0) {
        return false;
    }
    if (!(b > a)) {
        return false;
    }
    *secs = b - a;
    return true;
}

static void
iperf2_tcp_extras(const char *after, size_t left, struct vmtp_tool_report *rep)
{
    /* "  21805/0        100      636K/215(151) us ..." (with -e):
     * write/err, retries, cwnd/rtt(var) */
    char tail[160];
    const char *tok[3];
    size_t ntok = 0;
    size_t n = left < sizeof(tail) - 1 ? left : sizeof(tail) - 1;
    double rtry;
    double rtt_us;
    const char *slash;

    memcpy(tail, after, n);
    tail[n] = '\0';
    for (char *p = tail; *p != '\0' && ntok < 3;) {
        while (*p == ' ') {
            *p++ = '\0';
        }
        if (*p == '\0') {
            break;
        }
        tok[ntok++] = p;
        while (*p != ' ' && *p != '\0') {
            p++;
        }
    }
    if (ntok < 3 || strchr(tok[0], '/') == NULL ||
        scan_num(tok[1], &rtry) != strlen(tok[1]) || !(rtry >= 0) ||
        rtry > 1e15) {
        return;
    }
    rep->retrans = (long)rtry;
    slash = strchr(tok[2], '/');
    if (slash != NULL && scan_num(slash + 1, &rtt_us) > 0 && rtt_us >= 0) {
        rep->rtt_ms = rtt_us / 1000.0;
    }
}

enum vmtp_status
vmtp_parse_iperf2(const char *out,
                  bool udp,
                  long pkt_size,
                  struct vmtp_tool_report *rep,
                  struct vmtp_error *err)
{
    const char *line;
    const char *after = NULL;
    size_t len;
    double bps;
    char ex[120];

    (void)pkt_size;
    vmtp_tool_report_init(rep);
    if (strstr(out, "connect failed") != NULL) {
        line = strstr(out, "connect failed");
        excerpt(line, ex,
                sizeof(ex) < line_len(line) + 1 ? sizeof(ex)
                                                : line_len(line) + 1);
        return vmtp_error_set(err, VMTP_E_MEASURE, "iperf: %s", ex);
    }
    if (!udp) {
        line = last_line_with(out, "bits/sec");
        if (line == NULL ||
            !iperf_rate(line, len = line_len(line), &bps, &after)) {
            excerpt(out, ex, sizeof(ex));
            return vmtp_error_set(err, VMTP_E_PARSE,
                                  "iperf: no TCP rate in output '%s'", ex);
        }
        rep->rx_bps = bps;
        rep->tx_bps = bps;
        {
            double s;
            if (iperf_interval(line, len, &s)) {
                rep->seconds = s;
            }
        }
        iperf2_tcp_extras(after, len - (size_t)(after - line), rep);
        return VMTP_OK;
    }
    /* UDP: the sender's line, then the receiver's "Server Report". */
    {
        const char *srv = strstr(out, "Server Report:");
        const char *slash;
        double lost;
        double total;
        double secs;
        double jit;
        const char *p;

        line = strstr(out, "bits/sec");
        if (line != NULL && (srv == NULL || line < srv)) {
            while (line > out && line[-1] != '\n') {
                line--;
            }
            if (iperf_rate(line, line_len(line), &bps, &after)) {
                rep->tx_bps = bps;
            }
        }
        if (srv == NULL) {
            return vmtp_error_set(err, VMTP_E_MEASURE,
                                  "iperf: no server report (the UDP server "
                                  "did not answer)");
        }
        line = last_line_with(srv, "bits/sec");
        if (line == NULL) {
            return vmtp_error_set(err, VMTP_E_PARSE,
                                  "iperf: empty server report");
        }
        len = line_len(line);
        if (!iperf_rate(line, len, &bps, &after)) {
            return vmtp_error_set(err, VMTP_E_PARSE,
                                  "iperf: no rate in server report");
        }
        rep->rx_bps = bps;
        if (iperf_interval(line, len, &secs)) {
            rep->seconds = secs;
        }
        p = after;
        if (scan_num(p + strspn(p, " "), &jit) > 0 && jit >= 0) {
            rep->jitter_ms = jit;
        }
        slash = memchr(after, '/', len - (size_t)(after - line));
        if (slash == NULL) {
            return vmtp_error_set(err, VMTP_E_PARSE,
                                  "iperf: no lost/total in server report");
        }
        p = slash;
        while (p > after && p[-1] >= '0' && p[-1] <= '9') {
            p--;
        }
        if (scan_num(p, &lost) == 0 ||
            scan_num(slash + 1 + strspn(slash + 1, " "), &total) == 0 ||
            !(lost >= 0) || !(total >= 0) || lost > 1e15 || total > 1e15) {
            return vmtp_error_set(err, VMTP_E_PARSE,
                                  "iperf: bad lost/total in server report");
        }
        if (lost > total) {
            lost = total;
        }
        rep->tx_packets = (long)total;
        rep->lost_packets = (long)lost;
        rep->loss_pct = total > 0 ? lost * 100.0 / total : 100.0;
        if (rep->seconds > 0) {
            rep->rx_pps = (total - lost) / rep->seconds;
        }
    }
    return VMTP_OK;
}

static double
jnum(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

enum vmtp_status
vmtp_parse_iperf3(const char *out,
                  bool udp,
                  bool reverse,
                  struct vmtp_tool_report *rep,
                  struct vmtp_error *err)
{
    json_error_t jerr;
    json_t *root = NULL;
    json_t *end;
    json_t *sent;
    json_t *recv;
    json_t *cpu;
    const char *msg;
    enum vmtp_status rc = VMTP_OK;
    double v;

    (void)reverse;
    vmtp_tool_report_init(rep);
    root = json_loads(out, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(root)) {
        rc = vmtp_error_set(err, VMTP_E_PARSE,
                            "iperf3: output is not JSON: %s (line %d)",
                            jerr.text, jerr.line);
        goto out;
    }
    msg = json_string_value(json_object_get(root, "error"));
    if (msg != NULL) {
        rc = vmtp_error_set(err, VMTP_E_MEASURE, "iperf3: %.200s", msg);
        goto out;
    }
    end = json_object_get(root, "end");
    sent = json_object_get(end, "sum_sent");
    recv = json_object_get(end, "sum_received");
    if (!json_is_object(recv) || !json_is_object(sent)) {
        rc = vmtp_error_set(err, VMTP_E_PARSE,
                            "iperf3: no end.sum_sent/sum_received");
        goto out;
    }
    rep->rx_bps = jnum(recv, "bits_per_second");
    rep->tx_bps = jnum(sent, "bits_per_second");
    rep->seconds = jnum(recv, "seconds");
    if (!(rep->rx_bps >= 0) || !(rep->rx_bps < 1e15)) {
        rc = vmtp_error_set(err, VMTP_E_PARSE,
                            "iperf3: bad sum_received.bits_per_second");
        goto out;
    }
    cpu = json_object_get(end, "cpu_utilization_percent");
    rep->cpu_tx_pct = jnum(cpu, reverse ? "remote_total" : "host_total");
    rep->cpu_rx_pct = jnum(cpu, reverse ? "host_total" : "remote_total");
    if (!udp) {
        v = jnum(sent, "retransmits");
        if (v >= 0 && v < 1e15) {
            rep->retrans = (long)v;
        }
        {
            json_t *streams = json_object_get(end, "streams");
            json_t *snd = json_object_get(json_array_get(streams, 0), "sender");
            v = jnum(snd, "mean_rtt");
            if (v >= 0 && v < 1e12) {
                rep->rtt_ms = v / 1000.0;
            }
        }
        goto out;
    }
    {
        double pk = jnum(recv, "packets");
        double lost = jnum(recv, "lost_packets");
        if (!(pk >= 0) || !(lost >= 0) || pk > 1e15 || lost > 1e15) {
            rc = vmtp_error_set(err, VMTP_E_PARSE,
                                "iperf3: no UDP packet counts");
            goto out;
        }
        if (lost > pk) {
            lost = pk;
        }
        rep->tx_packets = (long)pk;
        rep->lost_packets = (long)lost;
        rep->loss_pct = pk > 0 ? lost * 100.0 / pk : 100.0;
        v = jnum(recv, "jitter_ms");
        if (v >= 0) {
            rep->jitter_ms = v;
        }
        if (rep->seconds > 0) {
            rep->rx_pps = (pk - lost) / rep->seconds;
        }
    }
out:
    json_decref(root);
    return rc;
}

enum vmtp_status
vmtp_parse_tool_version(const char *name,
                        const char *out,
                        char *buf,
                        size_t buflen,
                        struct vmtp_error *err)
{
    const char *marker;
    const char *p;
    size_t n = 0;
    int w;

    if (strcmp(name, "nuttcp") == 0) {
        marker = "nuttcp-";
        p = strstr(out, marker);
        if (p == NULL) {
            marker = "nuttcp-t: v";
            p = strstr(out, marker);
        }
    } else if (strcmp(name, "iperf") == 0) {
        marker = "iperf version ";
        p = strstr(out, marker);
    } else if (strcmp(name, "iperf3") == 0) {
        marker = "iperf ";
        p = strstr(out, marker);
        /* iperf3 prints "iperf 3.12"; skip an iperf 2 banner */
        if (p != NULL && strncmp(p, "iperf version", 13) == 0) {
            p = NULL;
        }
    } else if (strcmp(name, "vmtp") == 0) {
        marker = "vmtp-agent ";
        p = strstr(out, marker);
        name = "vmtp-agent";
    } else {
        return vmtp_error_set(err, VMTP_E_INVAL, "unknown tool '%s'", name);
    }
    if (p == NULL) {
        return vmtp_error_set(err, VMTP_E_PARSE, "%s: no version in output",
                              name);
    }
    p += strlen(marker);
    while ((p[n] >= '0' && p[n] <= '9') || (p[n] == '.' && n > 0)) {
        n++;
        if (n > 20) {
            return vmtp_error_set(err, VMTP_E_PARSE, "%s: version too long",
                                  name);
        }
    }
    while (n > 0 && p[n - 1] == '.') {
        n--;
    }
    if (n == 0) {
        return vmtp_error_set(err, VMTP_E_PARSE, "%s: no version number", name);
    }
    w = snprintf(buf, buflen, "%s-%.*s", name, (int)n, p);
    if (w < 0 || (size_t)w >= buflen) {
        return vmtp_error_set(err, VMTP_E_INVAL, "version buffer too small");
    }
    return VMTP_OK;
}

enum vmtp_status
vmtp_parse_agent(const char *out,
                 bool udp,
                 struct vmtp_tool_report *rep,
                 struct vmtp_error *err)
{
    json_error_t jerr;
    json_t *root = NULL;
    json_t *o;
    const char *status;
    enum vmtp_status rc = VMTP_OK;
    double v;
    double w;

    vmtp_tool_report_init(rep);
    /* one JSON object on one line; log lines go to stderr */
    root = json_loads(out, JSON_DISABLE_EOF_CHECK, &jerr);
    if (!json_is_object(root)) {
        rc = vmtp_error_set(err, VMTP_E_PARSE,
                            "vmtp-agent: output is not JSON: %s", jerr.text);
        goto out;
    }
    status = json_string_value(json_object_get(root, "status"));
    if (status == NULL || strcmp(status, "ok") != 0) {
        const char *msg = json_string_value(json_object_get(root, "error"));
        rc = vmtp_error_set(err, VMTP_E_MEASURE, "vmtp-agent: %.200s",
                            msg != NULL ? msg : "test failed");
        goto out;
    }
    rep->rx_bps = jnum(root, "throughput_bps");
    rep->tx_bps = jnum(root, "send_rate_bps");
    rep->seconds = jnum(root, "elapsed_s");
    if (!(rep->rx_bps >= 0) || !(rep->rx_bps < 1e15)) {
        rc = vmtp_error_set(err, VMTP_E_PARSE, "vmtp-agent: no throughput_bps");
        goto out;
    }
    o = json_object_get(root, "cpu");
    v = jnum(o, "client_user_pct");
    w = jnum(o, "client_sys_pct");
    rep->cpu_tx_pct = v + w;
    v = jnum(o, "server_user_pct");
    w = jnum(o, "server_sys_pct");
    rep->cpu_rx_pct = v + w;
    if (!udp) {
        o = json_object_get(root, "tcp_info");
        v = jnum(o, "rtt_us");
        if (v >= 0 && v < 1e12) {
            rep->rtt_ms = v / 1000.0;
        }
        v = jnum(o, "retrans");
        if (v >= 0 && v < 1e15) {
            rep->retrans = (long)v;
        }
        goto out;
    }
    /*
     * UDP goodput: payload received over the test's sending time. The
     * agent's throughput_bps divides by the receiver's first-to-last read
     * time, which a CPU-starved receiver stretches (reads late from its
     * socket buffer): 10% low at a 20 Mbit/s shaper on a loaded machine.
     */
    v = jnum(root, "bytes_received");
    if (v >= 0 && rep->seconds > 0) {
        rep->rx_bps = v * 8.0 / rep->seconds;
    }
    o = json_object_get(root, "udp");
    {
        double sent = jnum(o, "packets_sent");
        double lost = jnum(o, "packets_lost");
        if (!(sent >= 0) || !(lost >= 0) || sent > 1e15 || lost > 1e15) {
            rc = vmtp_error_set(err, VMTP_E_PARSE,
                                "vmtp-agent: no UDP packet counts");
            goto out;
        }
        if (lost > sent) {
            lost = sent;
        }
        rep->tx_packets = (long)sent;
        rep->lost_packets = (long)lost;
        rep->loss_pct = sent > 0 ? lost * 100.0 / sent : 100.0;
        v = jnum(o, "jitter_us");
        if (v >= 0) {
            rep->jitter_ms = v / 1000.0;
        }
        v = jnum(o, "recv_pps");
        if (v >= 0) {
            rep->rx_pps = v;
        }
    }
out:
    json_decref(root);
    return rc;
}
