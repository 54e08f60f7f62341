/* \summary: the summary table printed at the end of a run (30 scenarios) */
/*
 * The original VMTP's report (vmtp-behaviour.md 8.8) with its row layout
 * and labels, but: all 30 rows are counted (the original skips row 1.1),
 * the Data column has a stable text format instead of a Python repr, UDP
 * lists every datagram size, and flows that map to the same row are
 * summarised together instead of overwriting each other.
 * docs/results-schema.md ("Summary table") is the contract.
 */
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

#define NROWS       30
#define COL_MAX     80
#define DATA_LIMIT  ((size_t)1024 * 1024)
#define TABLE_LIMIT ((size_t)64 * 1024 * 1024)

/* A vx_buf whose failure sticks (vx_buf releases itself on failure). */
struct sb {
    struct vx_buf b;
    int failed;
};

static void
sb_add(struct sb *s, const char *p, size_t n)
{
    if (!s->failed && vx_buf_add(&s->b, p, n) != 0) {
        s->failed = 1;
    }
}

static void
sb_adds(struct sb *s, const char *p)
{
    sb_add(s, p, strlen(p));
}

static void sb_addf(struct sb *s, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void
sb_addf(struct sb *s, const char *fmt, ...)
{
    va_list ap;

    if (s->failed) {
        return;
    }
    va_start(ap, fmt);
    if (vx_buf_vaddf(&s->b, fmt, ap) != 0) {
        s->failed = 1;
    }
    va_end(ap);
}

enum status {
    ST_SKIPPED = 0,
    ST_PASSED = 1,
    ST_FAILED = 2,
};

/* A borrowed pointer to an entry of the document. */
struct ref {
    const struct vmtp_result *r;
};

struct cell {
    enum status status;
    const char *error; /* first error seen (borrowed from the document) */
    struct ref *res;   /* the entries that passed */
    size_t n_res;
    int oom;
};

/* [network: same, different, external, native][fixed, floating]
 * [intra, inter][TCP, UDP, ICMP, Multicast], as the original. */
struct grid {
    struct cell c[4][2][2][4];
};

static void
cell_add(struct cell *c, const struct vmtp_result *r)
{
    struct ref *p = vx_reallocarray(c->res, c->n_res + 1, sizeof(*p));

    if (p == NULL) {
        c->oom = 1;
        return;
    }
    c->res = p;
    p[c->n_res++].r = r;
}

static void
cell_fail(struct cell *c, const char *why)
{
    if (c->status != ST_FAILED || c->error == NULL) {
        c->error = why;
    }
    c->status = ST_FAILED;
}

static void
classify_result(struct cell *c, const struct vmtp_result *r)
{
    const char *why = vmtp_result_failure(r);

    if (why != NULL) {
        cell_fail(c, why);
        return;
    }
    if (c->status == ST_SKIPPED) {
        c->status = ST_PASSED;
    }
    cell_add(c, r);
}

static void
classify_external(struct grid *g, const struct vmtp_flow *f)
{
    struct cell *up = &g->c[2][0][0][0];
    struct cell *down = &g->c[2][0][0][1];

    if (f->error != NULL) {
        cell_fail(up, f->error);
        cell_fail(down, f->error);
    }
    for (size_t i = 0; i < f->n_results; i++) {
        const struct vmtp_result *r = &f->results[i];

        if (r->protocol == VMTP_PROTO_ICMP) {
            continue;
        }
        classify_result(r->reverse ? down : up, r);
    }
}

static void
classify(struct grid *g, const struct vmtp_flow *f)
{
    const char *d = f->desc != NULL ? f->desc : "";
    int net;
    int ip;
    int node;

    if (strstr(d, "External-VM") != NULL) {
        classify_external(g, f);
        return;
    }
    if (strstr(d, "Native") != NULL) {
        net = 3;
        ip = 0;
        node = 0;
    } else {
        net = strstr(d, "same network") != NULL ? 0 : 1;
        ip = strstr(d, "fixed IP") != NULL ? 0 : 1;
        node = strstr(d, "intra-node") != NULL ? 0 : 1;
    }
    if (f->error != NULL) {
        for (int p = 0; p < 4; p++) {
            if (p != VMTP_PROTO_MULTICAST || f->multicast_address != NULL) {
                cell_fail(&g->c[net][ip][node][p], f->error);
            }
        }
    }
    for (size_t i = 0; i < f->n_results; i++) {
        const struct vmtp_result *r = &f->results[i];

        classify_result(&g->c[net][ip][node][r->protocol], r);
    }
}

/* ------------------------------------------------------------------ */
/* Data column                                                         */

static void
data_tcp(struct sb *b, const struct cell *c)
{
    double tp = 0;
    double rtt = 0;
    size_t ntp = 0;
    size_t nrtt = 0;

    for (size_t i = 0; i < c->n_res; i++) {
        const struct vmtp_result *r = c->res[i].r;

        if (r->protocol != VMTP_PROTO_TCP) {
            continue;
        }
        if (!isnan(r->throughput_kbps)) {
            tp += r->throughput_kbps;
            ntp++;
        }
        if (!isnan(r->rtt_ms) && r->rtt_ms > 0) {
            rtt += r->rtt_ms;
            nrtt++;
        }
    }
    if (ntp > 0) {
        sb_addf(b, "tp_kbps=%.0f", tp / (double)ntp);
    }
    if (nrtt > 0) {
        sb_addf(b, "%srtt_ms=%.3f", ntp > 0 ? " " : "", rtt / (double)nrtt);
    }
}

static int
udp_cmp(const void *pa, const void *pb)
{
    const struct vmtp_result *a = ((const struct ref *)pa)->r;
    const struct vmtp_result *b = ((const struct ref *)pb)->r;

    if (a->pkt_size != b->pkt_size) {
        return a->pkt_size < b->pkt_size ? -1 : 1;
    }
    return (int)a->reverse - (int)b->reverse;
}

/*
 * Per datagram size (ascending, forward before reverse): the means. The
 * entries are sorted on a copy, so this is O(n log n) for any document.
 */
static void
data_udp(struct sb *b, const struct cell *c)
{
    struct ref *v;
    size_t i = 0;

    if (c->n_res == 0) {
        return;
    }
    v = vx_reallocarray(NULL, c->n_res, sizeof(*v));
    if (v == NULL) {
        b->failed = 1;
        return;
    }
    memcpy(v, c->res, c->n_res * sizeof(*v));
    qsort(v, c->n_res, sizeof(*v), udp_cmp);
    while (i < c->n_res) {
        struct ref key = v[i];
        bool first = i == 0;
        double tp = 0, loss = 0, jit = 0;
        size_t ntp = 0, nloss = 0, njit = 0;

        for (; i < c->n_res && udp_cmp(&v[i], &key) == 0; i++) {
            const struct vmtp_result *r = v[i].r;

            if (!isnan(r->throughput_kbps)) {
                tp += r->throughput_kbps;
                ntp++;
            }
            if (!isnan(r->loss_rate)) {
                loss += r->loss_rate;
                nloss++;
            }
            if (!isnan(r->jitter_ms) && r->jitter_ms > 0) {
                jit += r->jitter_ms;
                njit++;
            }
        }
        if (!first) {
            sb_adds(b, "; ");
        }
        if (key.r->pkt_size >= 0) {
            sb_addf(b, "%ld", key.r->pkt_size);
        } else {
            sb_adds(b, "?");
        }
        sb_adds(b, key.r->reverse ? " rev:" : ":");
        if (ntp > 0) {
            sb_addf(b, " tp_kbps=%.0f", tp / (double)ntp);
        }
        if (nloss > 0) {
            sb_addf(b, " loss_rate=%.2f", loss / (double)nloss);
        }
        if (njit > 0) {
            sb_addf(b, " jitter_ms=%.3f", jit / (double)njit);
        }
    }
    free(v);
}

static void
data_icmp(struct sb *b, const struct cell *c)
{
    bool first = true;

    for (size_t i = 0; i < c->n_res; i++) {
        const struct vmtp_result *r = c->res[i].r;

        for (size_t k = 0; k < r->n_icmp; k++) {
            const struct vmtp_icmp_stat *s = &r->icmp[k];

            if (!first) {
                sb_adds(b, "; ");
            }
            first = false;
            if (s->packet_size >= 0) {
                sb_addf(b, "%ld: ", s->packet_size);
            }
            if (s->error != NULL) {
                sb_addf(b, "error: %s", s->error);
            } else {
                sb_addf(b, "%.3f/%.3f/%.3f/%.3f ms", s->rtt_avg_ms,
                        s->rtt_min_ms, s->rtt_max_ms, s->rtt_stddev_ms);
            }
        }
    }
}

static void
cell_data(struct sb *b, const struct cell *c, int proto)
{
    if (c->status == ST_SKIPPED) {
        return;
    }
    if (c->status == ST_FAILED) {
        const char *why = c->error != NULL ? c->error : "unknown";

        /* The original's spawn failure already reads "error: ...". */
        sb_addf(b, "%s%s", strncmp(why, "error", 5) == 0 ? "" : "error: ", why);
        if (c->n_res == 0) {
            return;
        }
        sb_adds(b, "; ");
    }
    switch (proto) {
    case VMTP_PROTO_TCP:
        data_tcp(b, c);
        break;
    case VMTP_PROTO_UDP:
    case VMTP_PROTO_MULTICAST:
        data_udp(b, c);
        break;
    default:
        data_icmp(b, c);
        break;
    }
}

/* ------------------------------------------------------------------ */
/* The table                                                           */

struct row {
    char id[8];
    char name[64];
    const struct cell *cell;
    int proto; /* which Data format */
    char *data;
};

static const char *const row_names[7] = {
        "Same Network, Fixed IP, Intra-node, ",
        "Same Network, Fixed IP, Inter-node, ",
        "Different Network, Fixed IP, Intra-node, ",
        "Different Network, Fixed IP, Inter-node, ",
        "Different Network, Floating IP, Intra-node, ",
        "Different Network, Floating IP, Inter-node, ",
        "Native Throughput, ",
};
static const int row_cell[7][3] = {{0, 0, 0}, {0, 0, 1}, {1, 0, 0}, {1, 0, 1},
                                   {1, 1, 0}, {1, 1, 1}, {3, 0, 0}};
static const char *const proto_names[4] = {"TCP", "UDP", "ICMP", "Multicast"};

/* Visible width: UTF-8 continuation bytes do not count. */
static size_t
vis_len(const char *s, size_t n)
{
    size_t w = 0;

    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80) {
            w++;
        }
    }
    return w;
}

/* Bytes of s that fit in `width` columns, broken at a space if possible. */
static size_t
wrap_at(const char *s, size_t width, size_t *skip)
{
    size_t n = 0;
    size_t w = 0;
    size_t last_space = 0;

    *skip = 0;
    while (s[n] != '\0') {
        if (((unsigned char)s[n] & 0xc0) != 0x80) {
            if (w == width) {
                break;
            }
            w++;
        }
        if (s[n] == ' ') {
            last_space = n;
        }
        n++;
    }
    if (s[n] == '\0') {
        return n;
    }
    if (last_space > 0) {
        *skip = 1;
        return last_space;
    }
    return n;
}

/* Replace control characters (terminal escapes from a file) by '?'. */
static void
sanitize(char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            *s = '?';
        }
    }
}

static void
add_padded(struct sb *b, const char *s, size_t n, size_t width)
{
    size_t w = vis_len(s, n);

    sb_add(b, s, n);
    for (; w < width; w++) {
        sb_add(b, " ", 1);
    }
}

static void
add_border(struct sb *b, const size_t *width)
{
    for (int c = 0; c < 4; c++) {
        sb_add(b, "+", 1);
        for (size_t i = 0; i < width[c] + 2; i++) {
            sb_add(b, "-", 1);
        }
    }
    sb_adds(b, "+\n");
}

/*
 * One table row; cells longer than their column wrap onto more lines. The
 * status cell (column 2) may carry ANSI colour: it is written as it is
 * and padded by its visible width `status_vis`.
 */
static void
add_row(struct sb *b,
        const char *const *text,
        const char *status,
        size_t status_vis,
        const size_t *width)
{
    const char *rest[4] = {text[0], text[1], text[2], text[3]};
    bool more = true;

    while (more) {
        more = false;
        for (int c = 0; c < 4; c++) {
            size_t skip;
            size_t n;

            sb_adds(b, c == 0 ? "| " : " | ");
            if (c == 2 && status != NULL) {
                sb_adds(b, status);
                add_padded(b, "", 0, width[c] - status_vis);
                status = NULL;
                continue;
            }
            n = wrap_at(rest[c], width[c], &skip);
            add_padded(b, rest[c], n, width[c]);
            rest[c] += n + skip;
            if (*rest[c] != '\0') {
                more = true;
            }
        }
        sb_adds(b, " |\n");
        if (status != NULL) {
            status = "";
            status_vis = 0;
        }
    }
}

static const char *
status_text(enum status s, bool color)
{
    switch (s) {
    case ST_PASSED:
        return color ? "\033[92mPASSED\033[0m" : "PASSED";
    case ST_FAILED:
        return color ? "\033[91mFAILED\033[0m" : "FAILED";
    default:
        return "SKIPPED";
    }
}

static void
build_rows(const struct grid *g, struct row *rows)
{
    size_t n = 0;

    for (int r = 0; r < 7; r++) {
        const int *ix = row_cell[r];

        for (int p = 0; p < 4; p++, n++) {
            (void)snprintf(rows[n].id, sizeof(rows[n].id), "%d.%d", r + 1,
                           p + 1);
            (void)snprintf(rows[n].name, sizeof(rows[n].name), "%s%s",
                           row_names[r], proto_names[p]);
            rows[n].cell = &g->c[ix[0]][ix[1]][ix[2]][p];
            rows[n].proto = p;
        }
    }
    (void)snprintf(rows[28].id, sizeof(rows[28].id), "8.1");
    (void)snprintf(rows[28].name, sizeof(rows[28].name),
                   "VM to Host Uploading");
    rows[28].cell = &g->c[2][0][0][0];
    rows[28].proto = VMTP_PROTO_TCP;
    (void)snprintf(rows[29].id, sizeof(rows[29].id), "8.2");
    (void)snprintf(rows[29].name, sizeof(rows[29].name),
                   "VM to Host Downloading");
    rows[29].cell = &g->c[2][0][0][1];
    rows[29].proto = VMTP_PROTO_TCP;
}

static void
grid_build(struct grid *g, const struct vmtp_results *doc)
{
    memset(g, 0, sizeof(*g));
    for (size_t i = 0; doc != NULL && i < doc->n_flows; i++) {
        classify(g, &doc->flows[i]);
    }
}

static int
grid_release(struct grid *g)
{
    int oom = 0;

    for (size_t i = 0; i < sizeof(g->c) / sizeof(g->c[0][0][0][0]); i++) {
        struct cell *c = &(&g->c[0][0][0][0])[i];

        oom |= c->oom;
        VX_FREE(c->res);
    }
    return oom;
}

static void
count_rows(const struct row *rows, size_t *counts)
{
    counts[0] = counts[1] = counts[2] = 0;
    for (size_t i = 0; i < NROWS; i++) {
        counts[rows[i].cell->status]++;
    }
}

void
vmtp_results_report_counts(const struct vmtp_results *doc,
                           size_t *passed,
                           size_t *failed,
                           size_t *skipped)
{
    struct grid *g = vx_calloc(1, sizeof(*g));
    struct row rows[NROWS];
    size_t counts[3] = {0, 0, NROWS};

    if (g != NULL) {
        grid_build(g, doc);
        build_rows(g, rows);
        count_rows(rows, counts);
        (void)grid_release(g);
        free(g);
    }
    if (passed != NULL) {
        *passed = counts[ST_PASSED];
    }
    if (failed != NULL) {
        *failed = counts[ST_FAILED];
    }
    if (skipped != NULL) {
        *skipped = counts[ST_SKIPPED];
    }
}

static double
pct(size_t n, size_t denom)
{
    return denom == 0 ? 0.0 : (double)n * 100.0 / (double)denom;
}

static void
render(struct sb *b, struct row *rows, unsigned flags)
{
    static const char *const head[4] = {"Scenario", "Scenario Name",
                                        "Functional Status", "Data"};
    size_t width[4];
    size_t counts[3];
    size_t ran;

    count_rows(rows, counts);
    ran = NROWS - counts[ST_SKIPPED];
    sb_addf(b,
            "Summary of results\n"
            "==================\n"
            "Total Scenarios:   %d\n"
            "Passed Scenarios:  %zu [%.2f%%]\n"
            "Failed Scenarios:  %zu [%.2f%%]\n"
            "Skipped Scenarios: %zu\n",
            NROWS, counts[ST_PASSED], pct(counts[ST_PASSED], ran),
            counts[ST_FAILED], pct(counts[ST_FAILED], ran), counts[ST_SKIPPED]);
    for (int c = 0; c < 4; c++) {
        width[c] = strlen(head[c]);
    }
    for (size_t i = 0; i < NROWS; i++) {
        size_t w[4] = {strlen(rows[i].id), strlen(rows[i].name),
                       strlen("SKIPPED"),
                       vis_len(rows[i].data, strlen(rows[i].data))};

        for (int c = 0; c < 4; c++) {
            if (w[c] > width[c]) {
                width[c] = w[c] > COL_MAX ? COL_MAX : w[c];
            }
        }
    }
    add_border(b, width);
    add_row(b, head, NULL, 0, width);
    add_border(b, width);
    for (size_t i = 0; i < NROWS; i++) {
        const char *text[4] = {rows[i].id, rows[i].name, "", rows[i].data};
        enum status st = rows[i].cell->status;

        add_row(b, text, status_text(st, (flags & VMTP_REPORT_COLOR) != 0),
                strlen(status_text(st, false)), width);
    }
    add_border(b, width);
}

enum vmtp_status
vmtp_results_report_table(const struct vmtp_results *doc,
                          unsigned flags,
                          char **out,
                          struct vmtp_error *err)
{
    struct grid *g = vx_calloc(1, sizeof(*g));
    struct row rows[NROWS];
    struct sb b;
    int oom = 0;

    *out = NULL;
    if (g == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    memset(rows, 0, sizeof(rows));
    grid_build(g, doc);
    build_rows(g, rows);
    for (size_t i = 0; i < NROWS; i++) {
        vx_buf_init(&b.b, DATA_LIMIT);
        b.failed = 0;
        cell_data(&b, rows[i].cell, rows[i].proto);
        if (b.failed) {
            /* Only a document with absurdly many results gets here. */
            vx_buf_release(&b.b);
            rows[i].data = vx_strdup("(too long: see the JSON results)");
        } else {
            rows[i].data = vx_buf_take(&b.b);
        }
        if (rows[i].data == NULL) {
            oom = 1;
            break;
        }
        sanitize(rows[i].data);
    }
    if (!oom) {
        vx_buf_init(&b.b, TABLE_LIMIT);
        b.failed = 0;
        render(&b, rows, flags);
        if (b.failed) {
            vx_buf_release(&b.b);
            oom = 1;
        } else {
            *out = vx_buf_take(&b.b);
        }
    }
    for (size_t i = 0; i < NROWS; i++) {
        free(rows[i].data);
    }
    oom |= grid_release(g);
    free(g);
    if (oom || *out == NULL) {
        free(*out);
        *out = NULL;
        return vmtp_error_set(err, VMTP_E_NOMEM,
                              "cannot render the summary table");
    }
    return VMTP_OK;
}
