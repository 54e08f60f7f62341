/* \summary: one self-contained HTML page of SVG charts from results docs */
/*
 * Replaces the original vmtp_genchart's page (vmtp-behaviour.md 10), which
 * loaded Google's chart library from the internet. This page has no
 * script at all: the bar charts are SVG drawn here, the styles are
 * inline, and a Content-Security-Policy forbids anything else, so it
 * works offline and a hostile string in a results file stays text.
 * Every string from a document goes through vmtp_html_escape().
 * Throughput is SI (1 Gbit/s = 10^6 kbit/s, not the original's 1024^2).
 */
#include "report_html.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "result.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_buf.h"

#define HTML_LIMIT ((size_t)256 * 1024 * 1024)

/* Chart geometry (px). */
#define CHART_W   720
#define LABEL_W   230
#define BAR_MAX_W 240
#define ROW_H     22
#define TOP_H     30

int
vmtp_html_escape(struct vx_buf *out, const char *s, size_t len)
{
    size_t start = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *ent = NULL;

        switch (c) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
                ent = "\xef\xbf\xbd"; /* U+FFFD */
            }
            break;
        }
        if (ent == NULL) {
            continue;
        }
        if (vx_buf_add(out, s + start, i - start) != 0 ||
            vx_buf_adds(out, ent) != 0) {
            return -1;
        }
        start = i + 1;
    }
    return vx_buf_add(out, s + start, len - start);
}

/* A vx_buf whose failure sticks (vx_buf releases itself on failure). */
struct hb {
    struct vx_buf b;
    int failed;
};

static void
h_adds(struct hb *h, const char *s)
{
    if (!h->failed && vx_buf_adds(&h->b, s) != 0) {
        h->failed = 1;
    }
}

static void h_addf(struct hb *h, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void
h_addf(struct hb *h, const char *fmt, ...)
{
    va_list ap;

    if (h->failed) {
        return;
    }
    va_start(ap, fmt);
    if (vx_buf_vaddf(&h->b, fmt, ap) != 0) {
        h->failed = 1;
    }
    va_end(ap);
}

/* Escaped text from a document; NULL becomes `dflt` (trusted literal). */
static void
h_text(struct hb *h, const char *s, const char *dflt)
{
    if (h->failed) {
        return;
    }
    if (s == NULL) {
        h_adds(h, dflt);
        return;
    }
    if (vmtp_html_escape(&h->b, s, strlen(s)) != 0) {
        h->failed = 1;
    }
}

/* ------------------------------------------------------------------ */
/* Units                                                               */

struct unit {
    const char *name;
    double div; /* value / div is in this unit */
};

/* SI rate unit for a maximum in kbit/s. */
static struct unit
rate_unit(double max_kbps)
{
    if (max_kbps >= 1e6) {
        return (struct unit){"Gbit/s", 1e6};
    }
    if (max_kbps >= 1e3) {
        return (struct unit){"Mbit/s", 1e3};
    }
    return (struct unit){"kbit/s", 1};
}

/* ------------------------------------------------------------------ */
/* Bar charts                                                          */

struct bar {
    char *label;       /* already escaped, owned */
    double value;      /* in the chart's base unit (kbit/s or ms) */
    double lo, hi;     /* whisker (ICMP min/max), NAN for none */
    char note[96];     /* trusted text after the value, e.g. "2.66 % loss" */
    const char *color; /* CSS colour (literal) */
};

struct chart {
    bool label_above;  /* long labels (flow names) on their own line */
    const char *kind;  /* tcp, udp, icmp, overview: data-kind */
    const char *title; /* trusted literal */
    struct unit unit;  /* display unit */
    double max;        /* base unit; the scale's right end */
    struct bar *bars;
    size_t n;
    size_t cap;
};

static struct bar *
chart_add(struct chart *c)
{
    struct bar *p;

    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;

        p = vx_reallocarray(c->bars, cap, sizeof(*p));
        if (p == NULL) {
            return NULL;
        }
        c->bars = p;
        c->cap = cap;
    }
    p = &c->bars[c->n++];
    memset(p, 0, sizeof(*p));
    p->lo = NAN;
    p->hi = NAN;
    return p;
}

#define LABEL_MAX 90 /* bytes of raw text; longer labels end in "..." */

/* Set the bar's label: `s` (from a file) then `suffix`, escaped. */
static int
label_set(struct bar *bar, const char *s, const char *suffix)
{
    struct vx_buf tmp;
    char raw[LABEL_MAX + 8];
    int n;

    n = snprintf(raw, sizeof(raw), "%s%s", s != NULL ? s : "", suffix);
    if (n < 0) {
        return -1;
    }
    if ((size_t)n > LABEL_MAX) {
        size_t cut = LABEL_MAX;

        /* Do not cut inside a UTF-8 sequence. */
        while (cut > 0 && ((unsigned char)raw[cut] & 0xc0) == 0x80) {
            cut--;
        }
        memcpy(raw + cut, "...", 4);
    }
    vx_buf_init(&tmp, 1024);
    if (vmtp_html_escape(&tmp, raw, strlen(raw)) != 0) {
        return -1;
    }
    bar->label = vx_buf_take(&tmp);
    return bar->label != NULL ? 0 : -1;
}

static void
chart_free(struct chart *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->bars[i].label);
    }
    VX_FREE(c->bars);
    c->n = 0;
}

/* A value with its unit: rates pick Gbit/s, Mbit/s or kbit/s per value. */
static void
value_text(char *buf, size_t len, double v, const struct unit *u)
{
    if (strcmp(u->name, "ms") == 0) {
        (void)snprintf(buf, len, "%.3f ms", v);
        return;
    }
    {
        struct unit own = rate_unit(v);

        (void)snprintf(buf, len, "%.2f %s", v / own.div, own.name);
    }
}

static void
chart_render(struct hb *h, const struct chart *c, const char *id)
{
    int row_h = c->label_above ? ROW_H + 14 : ROW_H;
    int x0 = c->label_above ? 8 : LABEL_W;
    int height = TOP_H + (int)c->n * row_h + 8;
    double max = c->max > 0 ? c->max : 1;

    h_addf(h,
           "<svg class=\"vmtp-chart\" id=\"%s\" data-kind=\"%s\" "
           "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
           "aria-label=\"%s\" xmlns=\"http://www.w3.org/2000/svg\">\n"
           "<text class=\"chart-title\" x=\"4\" y=\"18\">%s</text>\n",
           id, c->kind, CHART_W, height, CHART_W, height, c->title, c->title);
    h_addf(h,
           "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
           "stroke=\"#888\"/>\n",
           x0, TOP_H - 4, x0, height - 4);
    for (size_t i = 0; i < c->n; i++) {
        const struct bar *b = &c->bars[i];
        int y = TOP_H + (int)i * row_h;
        int ybar = c->label_above ? y + 14 : y;
        double w = b->value / max * BAR_MAX_W;
        double end;
        char val[48];

        if (!(w >= 0)) {
            w = 0;
        }
        if (w > BAR_MAX_W) {
            w = BAR_MAX_W;
        }
        end = x0 + w;
        value_text(val, sizeof(val), b->value, &c->unit);
        h_addf(h, "<g class=\"bar\" data-value=\"%.6g\">", b->value);
        if (c->label_above) {
            h_addf(h, "<text class=\"label\" x=\"%d\" y=\"%d\">%s</text>", x0,
                   y + 10, b->label);
        } else {
            h_addf(h,
                   "<text class=\"label\" x=\"%d\" y=\"%d\" "
                   "text-anchor=\"end\">%s</text>",
                   x0 - 6, y + 15, b->label);
        }
        h_addf(h,
               "<rect class=\"bar-rect\" x=\"%d\" y=\"%d\" width=\"%.1f\" "
               "height=\"%d\" fill=\"%s\"><title>%s: %s</title></rect>",
               x0, ybar + 3, w, ROW_H - 6, b->color, b->label, val);
        if (!isnan(b->lo) && !isnan(b->hi)) {
            double x1 = x0 + fmin(fmax(b->lo / max, 0), 1) * BAR_MAX_W;
            double x2 = x0 + fmin(fmax(b->hi / max, 0), 1) * BAR_MAX_W;

            h_addf(h,
                   "<line class=\"whisker\" x1=\"%.1f\" y1=\"%d\" "
                   "x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>",
                   x1, ybar + ROW_H / 2, x2, ybar + ROW_H / 2);
            end = fmax(end, x2);
        }
        h_addf(h,
               "<text class=\"value\" x=\"%.1f\" y=\"%d\">%s%s%s</text>"
               "</g>\n",
               end + 6, ybar + 15, val, b->note[0] != '\0' ? ", " : "",
               b->note);
    }
    h_adds(h, "</svg>\n");
}

/* ------------------------------------------------------------------ */
/* Page                                                                */

static const char page_head[] =
        "<!DOCTYPE html>\n"
        "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
        "'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        "<title>VMTP results</title>\n<style>\n"
        "body{font-family:sans-serif;margin:16px;color:#222;background:#fff}\n"
        "h1{font-size:22px}h2{font-size:18px;margin:8px 0}"
        "h3{font-size:15px;margin:14px 0 4px}\n"
        ".runs{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}\n"
        ".run{flex:1 1 600px;min-width:0;border:1px solid #ccc;border-radius:6px;"
        "padding:12px;background:#fafafa}\n"
        "table.props{border-collapse:collapse;font-size:13px;margin:6px 0}\n"
        "table.props th,table.props td{border:1px solid #ccc;padding:3px "
        "6px;text-align:left;vertical-align:top}\n"
        "table.props th{background:#eee}\n"
        ".flow{border-top:1px solid #ddd;margin-top:10px}\n"
        ".where{font-size:13px;color:#444;margin:2px 0 6px}\n"
        ".errors{color:#b00;font-size:13px}.error{color:#b00}\n"
        ".note{font-size:12px;color:#555}\n"
        "svg.vmtp-chart{display:block;margin:4px 0;font-size:12px;"
        "max-width:100%;height:auto;overflow:visible}\n"
        "svg .chart-title{font-weight:bold;font-size:13px}\n"
        "</style>\n</head>\n<body>\n"
        "<h1>OpenStack Data Plane Performance</h1>\n"
        "<p class=\"note\">Rates are SI: 1 Gbit/s = 1000 Mbit/s = 10<sup>9"
        "</sup> bit/s. ICMP bars show the average round-trip time, the line "
        "the minimum to maximum.</p>\n"
        "<div class=\"runs\">\n";

static const char *const tcp_color = "#1f77b4";
static const char *const tcp_rev_color = "#6baed6";
static const char *const udp_color = "#ff7f0e";
static const char *const udp_rev_color = "#fdae6b";
static const char *const mcast_color = "#9467bd";
static const char *const icmp_color = "#2ca02c";

struct scale {
    double tcp_kbps;
    double udp_kbps;
    double icmp_ms;
};

static void
scale_update(struct scale *s, const struct vmtp_results *doc)
{
    for (size_t f = 0; f < doc->n_flows; f++) {
        const struct vmtp_flow *fl = &doc->flows[f];

        for (size_t i = 0; i < fl->n_results; i++) {
            const struct vmtp_result *r = &fl->results[i];

            if (r->error != NULL) {
                continue;
            }
            if (r->protocol == VMTP_PROTO_TCP &&
                r->throughput_kbps > s->tcp_kbps) {
                s->tcp_kbps = r->throughput_kbps;
            }
            if ((r->protocol == VMTP_PROTO_UDP ||
                 r->protocol == VMTP_PROTO_MULTICAST) &&
                r->throughput_kbps > s->udp_kbps) {
                s->udp_kbps = r->throughput_kbps;
            }
            for (size_t k = 0; k < r->n_icmp; k++) {
                const struct vmtp_icmp_stat *st = &r->icmp[k];

                if (st->error == NULL && st->rtt_max_ms > s->icmp_ms) {
                    s->icmp_ms = st->rtt_max_ms;
                }
                if (st->error == NULL && st->rtt_avg_ms > s->icmp_ms) {
                    s->icmp_ms = st->rtt_avg_ms;
                }
            }
        }
    }
}

static void
props_row(struct hb *h, const char *name, const char *value)
{
    if (value == NULL) {
        return;
    }
    h_addf(h, "<tr><th>%s</th><td>", name);
    h_text(h, value, "");
    h_adds(h, "</td></tr>\n");
}

static void
props_table(struct hb *h, const struct vmtp_results *doc, size_t idx)
{
    const char *key;
    json_t *v;

    h_addf(h,
           "<table class=\"props\" id=\"vmtp-table%zu\">\n"
           "<tr><th>Property</th><th>Value</th></tr>\n",
           idx);
    props_row(h, "Description", doc->test_description);
    props_row(h, "Date", doc->date);
    props_row(h, "VMTP version", doc->version);
    props_row(h, "Run ID", doc->run_id);
    props_row(h, "OpenStack release", doc->openstack_version);
    props_row(h, "Host Linux distribution", doc->distro);
    props_row(h, "CPU Info", doc->cpu_info);
    props_row(h, "Encapsulation", doc->encapsulation);
    props_row(h, "L2 agent type", doc->l2agent_type);
    props_row(h, "Auth URL", doc->auth_url);
    props_row(h, "Command line", doc->args);
    /* Other string keys of the file (nic_name, l2agent_version, ...). */
    if (doc->extra != NULL) {
        json_object_foreach(doc->extra, key, v)
        {
            if (json_is_string(v)) {
                h_adds(h, "<tr><th>");
                h_text(h, key, "");
                h_adds(h, "</th><td>");
                h_text(h, json_string_value(v), "");
                h_adds(h, "</td></tr>\n");
            }
        }
    }
    h_adds(h, "</table>\n");
}

static void
error_item(struct hb *h, const char *what, const char *tool, const char *msg)
{
    h_addf(h, "<li>%s", what);
    if (tool != NULL) {
        h_adds(h, " (");
        h_text(h, tool, "");
        h_adds(h, ")");
    }
    h_adds(h, ": ");
    h_text(h, msg, "no figures");
    h_adds(h, "</li>\n");
}

static int
tcp_chart(struct chart *c, const struct vmtp_flow *fl)
{
    size_t n = 0;

    for (size_t i = 0; i < fl->n_results; i++) {
        const struct vmtp_result *r = &fl->results[i];
        struct bar *b;
        char lab[64];

        if (r->protocol != VMTP_PROTO_TCP || r->error != NULL ||
            isnan(r->throughput_kbps)) {
            continue;
        }
        b = chart_add(c);
        if (b == NULL) {
            return -1;
        }
        n++;
        (void)snprintf(lab, sizeof(lab), "#%zu%s", n,
                       r->reverse ? " reverse" : "");
        if (r->pkt_size > 0) {
            size_t len = strlen(lab);

            (void)snprintf(lab + len, sizeof(lab) - len, ", %ld B",
                           r->pkt_size);
        }
        if (label_set(b, lab, "") != 0) {
            return -1;
        }
        b->value = r->throughput_kbps;
        b->color = r->reverse ? tcp_rev_color : tcp_color;
        if (!isnan(r->rtt_ms) && r->rtt_ms > 0) {
            (void)snprintf(b->note, sizeof(b->note), "rtt %.3f ms", r->rtt_ms);
        }
    }
    return 0;
}

static int
udp_chart(struct chart *c, const struct vmtp_flow *fl)
{
    for (size_t i = 0; i < fl->n_results; i++) {
        const struct vmtp_result *r = &fl->results[i];
        bool mc = r->protocol == VMTP_PROTO_MULTICAST;
        struct bar *b;
        char lab[64];

        if ((r->protocol != VMTP_PROTO_UDP && !mc) || r->error != NULL ||
            isnan(r->throughput_kbps)) {
            continue;
        }
        b = chart_add(c);
        if (b == NULL) {
            return -1;
        }
        if (r->pkt_size > 0) {
            (void)snprintf(lab, sizeof(lab), "%s%ld B%s",
                           mc ? "multicast " : "", r->pkt_size,
                           r->reverse ? " reverse" : "");
        } else {
            (void)snprintf(lab, sizeof(lab), "%s%s", mc ? "multicast" : "UDP",
                           r->reverse ? " reverse" : "");
        }
        if (label_set(b, lab, "") != 0) {
            return -1;
        }
        b->value = r->throughput_kbps;
        b->color = mc ? mcast_color : r->reverse ? udp_rev_color : udp_color;
        if (!isnan(r->loss_rate)) {
            (void)snprintf(b->note, sizeof(b->note), "%.2f %% loss",
                           r->loss_rate);
        }
    }
    return 0;
}

static int
icmp_chart(struct chart *c, const struct vmtp_flow *fl)
{
    for (size_t i = 0; i < fl->n_results; i++) {
        const struct vmtp_result *r = &fl->results[i];

        if (r->protocol != VMTP_PROTO_ICMP || r->error != NULL) {
            continue;
        }
        for (size_t k = 0; k < r->n_icmp; k++) {
            const struct vmtp_icmp_stat *s = &r->icmp[k];
            struct bar *b;
            char lab[64];

            if (s->error != NULL || isnan(s->rtt_avg_ms)) {
                continue;
            }
            b = chart_add(c);
            if (b == NULL) {
                return -1;
            }
            if (s->packet_size >= 0) {
                (void)snprintf(lab, sizeof(lab), "%ld B", s->packet_size);
            } else {
                (void)snprintf(lab, sizeof(lab), "ping");
            }
            if (label_set(b, lab, "") != 0) {
                return -1;
            }
            b->value = s->rtt_avg_ms;
            b->lo = s->rtt_min_ms;
            b->hi = s->rtt_max_ms;
            b->color = icmp_color;
            if (s->tx_packets >= 0 && s->rx_packets >= 0) {
                (void)snprintf(b->note, sizeof(b->note), "%ld/%ld replies",
                               s->rx_packets, s->tx_packets);
            }
        }
    }
    return 0;
}

/* Errors and figure-less entries of a flow, as a list. */
static void
flow_errors(struct hb *h, const struct vmtp_flow *fl, unsigned protocols)
{
    bool open = false;

    for (size_t i = 0; i < fl->n_results; i++) {
        const struct vmtp_result *r = &fl->results[i];
        const char *pname = vmtp_proto_name(r->protocol);
        unsigned bit = r->protocol == VMTP_PROTO_TCP    ? VMTP_CHART_TCP
                       : r->protocol == VMTP_PROTO_ICMP ? VMTP_CHART_ICMP
                                                        : VMTP_CHART_UDP;
        /* An ICMP entry without a single per-size object has no figures
         * either: list it rather than drop it silently. */
        bool bad = r->error != NULL ||
                   (r->protocol == VMTP_PROTO_ICMP ? r->n_icmp == 0
                                                   : isnan(r->throughput_kbps));

        if ((protocols & bit) == 0) {
            continue;
        }
        if (bad) {
            if (!open) {
                h_adds(h, "<ul class=\"errors\">\n");
                open = true;
            }
            error_item(h, pname, r->tool, r->error);
            continue;
        }
        for (size_t k = 0; k < r->n_icmp; k++) {
            const struct vmtp_icmp_stat *s = &r->icmp[k];
            char what[48];

            if (s->error == NULL && !isnan(s->rtt_avg_ms)) {
                continue;
            }
            if (!open) {
                h_adds(h, "<ul class=\"errors\">\n");
                open = true;
            }
            if (s->packet_size >= 0) {
                (void)snprintf(what, sizeof(what), "ICMP %ld B",
                               s->packet_size);
            } else { /* the old flat entry has no packet size */
                (void)snprintf(what, sizeof(what), "ICMP");
            }
            error_item(h, what, r->tool, s->error);
        }
    }
    if (open) {
        h_adds(h, "</ul>\n");
    }
}

static int
flow_section(struct hb *h,
             const struct vmtp_flow *fl,
             size_t idx,
             size_t f,
             unsigned protocols,
             const struct scale *sc)
{
    struct chart c;
    char id[64];
    int rc = 0;

    h_addf(h, "<div class=\"flow\" id=\"vmtp-run%zu-flow%zu\">\n<h3>", idx, f);
    h_text(h, fl->desc, "(flow without a description)");
    h_adds(h, "</h3>\n<p class=\"where\">from ");
    h_text(h, fl->ip_from, "(unknown)");
    if (fl->az_from != NULL) {
        h_adds(h, " (");
        h_text(h, fl->az_from, "");
        h_adds(h, ")");
    }
    h_adds(h, " to ");
    h_text(h, fl->ip_to, "(unknown)");
    if (fl->az_to != NULL) {
        h_adds(h, " (");
        h_text(h, fl->az_to, "");
        h_adds(h, ")");
    }
    if (fl->distro_id != NULL) {
        h_adds(h, "; client ");
        h_text(h, fl->distro_id, "");
        h_adds(h, " ");
        h_text(h, fl->distro_version, "");
    }
    if (fl->multicast_address != NULL) {
        h_adds(h, "; multicast ");
        h_text(h, fl->multicast_address, "");
    }
    h_adds(h, "</p>\n");
    if (fl->error != NULL) {
        h_adds(h, "<p class=\"error flow-error\">");
        h_text(h, fl->error, "");
        h_adds(h, "</p>\n");
    } else if (fl->n_results == 0) {
        h_adds(h, "<p class=\"error flow-error\">no results</p>\n");
    }
    for (int k = 0; k < 3 && rc == 0; k++) {
        static const unsigned bits[3] = {VMTP_CHART_TCP, VMTP_CHART_UDP,
                                         VMTP_CHART_ICMP};
        static const char *const kinds[3] = {"tcp", "udp", "icmp"};

        if ((protocols & bits[k]) == 0) {
            continue;
        }
        memset(&c, 0, sizeof(c));
        c.kind = kinds[k];
        if (k == 0) {
            c.title = "TCP throughput";
            c.max = sc->tcp_kbps;
            c.unit = rate_unit(c.max);
            rc = tcp_chart(&c, fl);
        } else if (k == 1) {
            c.title = "UDP throughput per datagram size";
            c.max = sc->udp_kbps;
            c.unit = rate_unit(c.max);
            rc = udp_chart(&c, fl);
        } else {
            c.title = "ICMP round-trip time per packet size";
            c.max = sc->icmp_ms;
            c.unit = (struct unit){"ms", 1};
            rc = icmp_chart(&c, fl);
        }
        if (rc == 0 && c.n > 0) {
            (void)snprintf(id, sizeof(id), "vmtp-run%zu-flow%zu-%s", idx, f,
                           c.kind);
            chart_render(h, &c, id);
        }
        chart_free(&c);
    }
    flow_errors(h, fl, protocols);
    h_adds(h, "</div>\n");
    return rc;
}

/* One bar per flow: the mean TCP throughput, forward and reverse. */
static int
overview(struct hb *h,
         const struct vmtp_results *doc,
         size_t idx,
         const struct scale *sc)
{
    struct chart c;
    char id[48];

    memset(&c, 0, sizeof(c));
    c.kind = "overview";
    c.label_above = true;
    c.title = "Mean TCP throughput per flow";
    c.max = sc->tcp_kbps;
    c.unit = rate_unit(c.max);
    for (size_t f = 0; f < doc->n_flows; f++) {
        const struct vmtp_flow *fl = &doc->flows[f];

        for (int rev = 0; rev < 2; rev++) {
            double sum = 0;
            size_t n = 0;
            struct bar *b;

            for (size_t i = 0; i < fl->n_results; i++) {
                const struct vmtp_result *r = &fl->results[i];

                if (r->protocol == VMTP_PROTO_TCP && r->error == NULL &&
                    !isnan(r->throughput_kbps) && (int)r->reverse == rev) {
                    sum += r->throughput_kbps;
                    n++;
                }
            }
            if (n == 0) {
                continue;
            }
            b = chart_add(&c);
            if (b == NULL) {
                chart_free(&c);
                return -1;
            }
            if (label_set(b, fl->desc != NULL ? fl->desc : "(no description)",
                          rev ? " (reverse)" : "") != 0) {
                chart_free(&c);
                return -1;
            }
            b->value = sum / (double)n;
            b->color = rev ? tcp_rev_color : tcp_color;
            (void)snprintf(b->note, sizeof(b->note), "%zu run%s", n,
                           n == 1 ? "" : "s");
        }
    }
    if (c.n > 0) {
        (void)snprintf(id, sizeof(id), "vmtp-chart%zu", idx);
        chart_render(h, &c, id);
    }
    chart_free(&c);
    return 0;
}

enum vmtp_status
vmtp_results_chart_html(const struct vmtp_results *const *docs,
                        const char *const *labels,
                        size_t n,
                        unsigned protocols,
                        char **out,
                        struct vmtp_error *err)
{
    struct hb h = {{0}, 0};
    struct scale sc = {0, 0, 0};
    int rc = 0;

    *out = NULL;
    if (protocols == 0) {
        protocols = VMTP_CHART_ALL;
    }
    for (size_t i = 0; i < n; i++) {
        if (docs[i] == NULL) {
            return vmtp_error_set(err, VMTP_E_INVAL, "document %zu is NULL", i);
        }
        scale_update(&sc, docs[i]);
    }
    vx_buf_init(&h.b, HTML_LIMIT);
    h_adds(&h, page_head);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct vmtp_results *doc = docs[i];

        h_addf(&h, "<section class=\"run\" id=\"vmtp-run%zu\">\n<h2>", i);
        h_addf(&h, "%zu: ", i);
        h_text(&h, labels != NULL ? labels[i] : NULL, "results");
        h_adds(&h, "</h2>\n<p class=\"subtitle\">");
        h_text(&h, doc->test_description, "");
        h_adds(&h, "</p>\n");
        props_table(&h, doc, i);
        if ((protocols & VMTP_CHART_TCP) != 0) {
            rc = overview(&h, doc, i, &sc);
        }
        if (doc->n_flows == 0) {
            h_adds(&h, "<p class=\"error\">This document has no flows.</p>\n");
        }
        for (size_t f = 0; f < doc->n_flows && rc == 0; f++) {
            rc = flow_section(&h, &doc->flows[f], i, f, protocols, &sc);
        }
        h_adds(&h, "</section>\n");
    }
    h_adds(&h, "</div>\n</body>\n</html>\n");
    if (rc != 0 || h.failed) {
        int e = h.failed ? errno : ENOMEM;

        vx_buf_release(&h.b);
        return vmtp_error_set(err, e == E2BIG ? VMTP_E_INVAL : VMTP_E_NOMEM,
                              "cannot build the HTML page: %s",
                              e == E2BIG ? "larger than 256 MiB"
                                         : "out of memory");
    }
    *out = vx_buf_take(&h.b);
    if (*out == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    return VMTP_OK;
}
