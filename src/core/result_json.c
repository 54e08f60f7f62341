/* \summary: the results document as JSON: render, read back, save, run_id */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "result.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_buf.h"
#include "vx_str.h"

/* ------------------------------------------------------------------ */
/* Writer: jansson tree -> text in the results file's layout           */

struct jw {
    struct vx_buf *out;
    int failed;
};

static void
jw_add(struct jw *w, const char *s, size_t len)
{
    if (!w->failed && vx_buf_add(w->out, s, len) != 0) {
        w->failed = 1;
    }
}

static void
jw_adds(struct jw *w, const char *s)
{
    jw_add(w, s, strlen(s));
}

static void
jw_indent(struct jw *w, int depth)
{
    static const char spaces[] = "                                ";

    jw_add(w, "\n", 1);
    for (long n = (long)depth * 4; n > 0; n -= 32) {
        jw_add(w, spaces, n > 32 ? 32 : (size_t)n);
    }
}

/* Decode one UTF-8 sequence (jansson strings are valid UTF-8). */
static size_t
utf8_decode(const unsigned char *s, size_t len, unsigned long *cp)
{
    size_t n;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0) {
        n = 2;
        *cp = s[0] & 0x1f;
    } else if ((s[0] & 0xf0) == 0xe0) {
        n = 3;
        *cp = s[0] & 0x0f;
    } else if ((s[0] & 0xf8) == 0xf0) {
        n = 4;
        *cp = s[0] & 0x07;
    } else {
        *cp = 0xfffd;
        return 1;
    }
    if (n > len) {
        *cp = 0xfffd;
        return len;
    }
    for (size_t i = 1; i < n; i++) {
        *cp = (*cp << 6) | (s[i] & 0x3f);
    }
    return n;
}

static void
jw_string(struct jw *w, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    char esc[32];

    jw_add(w, "\"", 1);
    while (i < len) {
        unsigned long cp;
        size_t n = utf8_decode(s + i, len - i, &cp);

        switch (cp) {
        case '"':
            jw_adds(w, "\\\"");
            break;
        case '\\':
            jw_adds(w, "\\\\");
            break;
        case '\n':
            jw_adds(w, "\\n");
            break;
        case '\r':
            jw_adds(w, "\\r");
            break;
        case '\t':
            jw_adds(w, "\\t");
            break;
        case '\b':
            jw_adds(w, "\\b");
            break;
        case '\f':
            jw_adds(w, "\\f");
            break;
        default:
            if (cp < 0x20 || (cp > 0x7e && cp < 0x10000)) {
                (void)snprintf(esc, sizeof(esc), "\\u%04lx", cp);
                jw_adds(w, esc);
            } else if (cp >= 0x10000) {
                unsigned long v = cp - 0x10000;

                (void)snprintf(esc, sizeof(esc), "\\u%04lx\\u%04lx",
                               0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
                jw_adds(w, esc);
            } else {
                char c = (char)cp;

                jw_add(w, &c, 1);
            }
            break;
        }
        i += n;
    }
    jw_add(w, "\"", 1);
}

/* Shortest "%.*g" that reads back as the same double (Python's repr). */
static void
jw_real(struct jw *w, double v)
{
    char buf[40];

    for (int prec = 1; prec <= 17; prec++) {
        double back;

        (void)snprintf(buf, sizeof(buf), "%.*g", prec, v);
        if (vx_strtod(buf, &back) == 0 && back == v) {
            break;
        }
    }
    if (strpbrk(buf, ".eEn") == NULL) {
        size_t len = strlen(buf);

        (void)snprintf(buf + len, sizeof(buf) - len, ".0");
    }
    jw_adds(w, buf);
}

static int
key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
jw_value(struct jw *w, json_t *j, int depth)
{
    char num[32];

    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        size_t n = json_object_size(j);
        const char **keys;
        const char *key;
        size_t i = 0;
        json_t *v;

        if (n == 0) {
            jw_adds(w, "{}");
            return;
        }
        keys = vx_reallocarray(NULL, n, sizeof(*keys));
        if (keys == NULL) {
            w->failed = 1;
            return;
        }
        json_object_foreach(j, key, v)
        {
            keys[i++] = key;
        }
        qsort(keys, n, sizeof(*keys), key_cmp);
        jw_adds(w, "{");
        for (i = 0; i < n; i++) {
            jw_indent(w, depth + 1);
            jw_string(w, keys[i], strlen(keys[i]));
            jw_adds(w, ": ");
            jw_value(w, json_object_get(j, keys[i]), depth + 1);
            if (i + 1 < n) {
                jw_adds(w, ",");
            }
        }
        free(keys);
        jw_indent(w, depth);
        jw_adds(w, "}");
        return;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(j);

        if (n == 0) {
            jw_adds(w, "[]");
            return;
        }
        jw_adds(w, "[");
        for (size_t i = 0; i < n; i++) {
            jw_indent(w, depth + 1);
            jw_value(w, json_array_get(j, i), depth + 1);
            if (i + 1 < n) {
                jw_adds(w, ",");
            }
        }
        jw_indent(w, depth);
        jw_adds(w, "]");
        return;
    }
    case JSON_STRING:
        jw_string(w, json_string_value(j), json_string_length(j));
        return;
    case JSON_INTEGER:
        (void)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                       json_integer_value(j));
        jw_adds(w, num);
        return;
    case JSON_REAL:
        jw_real(w, json_real_value(j));
        return;
    case JSON_TRUE:
        jw_adds(w, "true");
        return;
    case JSON_FALSE:
        jw_adds(w, "false");
        return;
    case JSON_NULL:
        jw_adds(w, "null");
        return;
    }
}

int
vmtp_json_write(struct vx_buf *out, json_t *j)
{
    struct jw w = {out, 0};

    jw_value(&w, j, 0);
    if (w.failed) {
        vx_buf_release(out);
        if (errno != E2BIG) {
            errno = ENOMEM;
        }
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Model -> jansson tree                                               */

struct tb {
    int failed;
};

/* Set obj[key] = v (stealing v); a NULL v marks the build as failed. */
static void
put(struct tb *t, json_t *obj, const char *key, json_t *v)
{
    if (v == NULL || json_object_set_new(obj, key, v) != 0) {
        t->failed = 1;
    }
}

static void
put_str(struct tb *t, json_t *obj, const char *key, const char *s)
{
    if (s != NULL) {
        put(t, obj, key, json_string(s));
    }
}

/* A count or a rate that is a whole number is written as a JSON integer. */
static json_t *
number(double v)
{
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        return json_integer((json_int_t)v);
    }
    return json_real(v);
}

static void
put_extra(struct tb *t, json_t *obj, json_t *extra)
{
    if (extra != NULL && json_is_object(extra) &&
        json_object_update_missing(obj, extra) != 0) {
        t->failed = 1;
    }
}

static json_t *
icmp_stat_json(struct tb *t, const struct vmtp_icmp_stat *s)
{
    json_t *o = json_object();

    if (o == NULL) {
        t->failed = 1;
        return NULL;
    }
    if (s->packet_size >= 0) {
        put(t, o, "packet_size", json_integer(s->packet_size));
    }
    if (s->error != NULL) {
        put_str(t, o, "error", s->error);
        return o;
    }
    if (s->tx_packets >= 0) {
        put(t, o, "tx_packets", json_integer(s->tx_packets));
    }
    if (s->rx_packets >= 0) {
        put(t, o, "rx_packets", json_integer(s->rx_packets));
    }
    if (!isnan(s->rtt_min_ms)) {
        put(t, o, "rtt_min_ms", json_real(s->rtt_min_ms));
    }
    if (!isnan(s->rtt_avg_ms)) {
        put(t, o, "rtt_avg_ms", json_real(s->rtt_avg_ms));
    }
    if (!isnan(s->rtt_max_ms)) {
        put(t, o, "rtt_max_ms", json_real(s->rtt_max_ms));
    }
    if (!isnan(s->rtt_stddev_ms)) {
        put(t, o, "rtt_stddev", json_real(s->rtt_stddev_ms));
    }
    if (!isnan(s->rtt_p50_ms)) {
        put(t, o, "rtt_p50_ms", json_real(s->rtt_p50_ms));
    }
    if (!isnan(s->rtt_p90_ms)) {
        put(t, o, "rtt_p90_ms", json_real(s->rtt_p90_ms));
    }
    if (!isnan(s->rtt_p99_ms)) {
        put(t, o, "rtt_p99_ms", json_real(s->rtt_p99_ms));
    }
    return o;
}

static json_t *
result_json(struct tb *t, const struct vmtp_result *r)
{
    json_t *o = json_object();

    if (o == NULL) {
        t->failed = 1;
        return NULL;
    }
    put_str(t, o, "protocol", vmtp_proto_name(r->protocol));
    put_str(t, o, "tool", r->tool);
    if (r->reverse) {
        put_str(t, o, "direction", "reverse");
    }
    if (r->error != NULL) {
        /* The original's error dict is {protocol, tool, error}; we keep
         * the datagram size and direction so a reader knows which run. */
        put_str(t, o, "error", r->error);
        if (r->pkt_size > 0) {
            put(t, o, "pkt_size", json_integer(r->pkt_size));
        }
    } else if (r->protocol == VMTP_PROTO_ICMP) {
        json_t *arr = json_array();

        put(t, o, "results", arr);
        for (size_t i = 0; arr != NULL && i < r->n_icmp; i++) {
            json_t *s = icmp_stat_json(t, &r->icmp[i]);

            if (s == NULL || json_array_append_new(arr, s) != 0) {
                t->failed = 1;
            }
        }
    } else {
        if (!isnan(r->throughput_kbps)) {
            put(t, o, "throughput_kbps", number(r->throughput_kbps));
        }
        if (!isnan(r->bandwidth_limit_kbps)) {
            put(t, o, "bandwidth_limit_kbps", number(r->bandwidth_limit_kbps));
        }
        if (!isnan(r->loss_rate)) {
            put(t, o, "loss_rate", json_real(r->loss_rate));
        }
        if (r->retrans > 0) {
            put(t, o, "retrans", json_integer(r->retrans));
        }
        if (!isnan(r->rtt_ms) && r->rtt_ms != 0) {
            put(t, o, "rtt_ms", json_real(r->rtt_ms));
        }
        if (r->pkt_size > 0) {
            put(t, o, "pkt_size", json_integer(r->pkt_size));
        }
        if (!isnan(r->jitter_ms) && r->jitter_ms != 0) {
            put(t, o, "jitter", json_real(r->jitter_ms));
        }
        if (!isnan(r->pkt_rate_pps)) {
            put(t, o, "pkt_rate_pps", number(r->pkt_rate_pps));
        }
    }
    put_extra(t, o, r->extra);
    return o;
}

static json_t *
flow_json(struct tb *t, const struct vmtp_flow *f)
{
    json_t *o = json_object();
    json_t *arr;

    if (o == NULL) {
        t->failed = 1;
        return NULL;
    }
    put_str(t, o, "desc", f->desc);
    put_str(t, o, "ip_from", f->ip_from);
    put_str(t, o, "ip_to", f->ip_to);
    put_str(t, o, "az_from", f->az_from);
    put_str(t, o, "az_to", f->az_to);
    put_str(t, o, "distro_id", f->distro_id);
    put_str(t, o, "distro_version", f->distro_version);
    put_str(t, o, "multicast_address", f->multicast_address);
    put_str(t, o, "error", f->error);
    arr = json_array();
    put(t, o, "results", arr);
    for (size_t i = 0; arr != NULL && i < f->n_results; i++) {
        json_t *r = result_json(t, &f->results[i]);

        if (r == NULL || json_array_append_new(arr, r) != 0) {
            t->failed = 1;
        }
    }
    put_extra(t, o, f->extra);
    return o;
}

json_t *
vmtp_results_to_jansson(const struct vmtp_results *doc)
{
    struct tb t = {0};
    json_t *o = json_object();
    json_t *arr = json_array();

    if (o == NULL || arr == NULL) {
        json_decref(o);
        json_decref(arr);
        return NULL;
    }
    put(&t, o, "flows", arr);
    for (size_t i = 0; i < doc->n_flows; i++) {
        json_t *f = flow_json(&t, &doc->flows[i]);

        if (f == NULL || json_array_append_new(arr, f) != 0) {
            t.failed = 1;
        }
    }
    put_str(&t, o, "date", doc->date);
    put_str(&t, o, "args", doc->args);
    put_str(&t, o, "version", doc->version);
    put_str(&t, o, "run_id", doc->run_id);
    put_str(&t, o, "test_description", doc->test_description);
    put_str(&t, o, "auth_url", doc->auth_url);
    put_str(&t, o, "l2agent_type", doc->l2agent_type);
    put_str(&t, o, "encapsulation", doc->encapsulation);
    put_str(&t, o, "distro", doc->distro);
    put_str(&t, o, "openstack_version", doc->openstack_version);
    put_str(&t, o, "cpu_info", doc->cpu_info);
    put_extra(&t, o, doc->extra);
    if (t.failed) {
        json_decref(o);
        return NULL;
    }
    return o;
}

enum vmtp_status
vmtp_results_to_json(const struct vmtp_results *doc,
                     char **out,
                     struct vmtp_error *err)
{
    struct vx_buf b;
    json_t *j;

    *out = NULL;
    j = vmtp_results_to_jansson(doc);
    if (j == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM,
                              "cannot build the results JSON: out of memory");
    }
    vx_buf_init(&b, 4 * VMTP_RESULTS_MAX_JSON_BYTES);
    if (vmtp_json_write(&b, j) != 0 || vx_buf_add(&b, "\n", 1) != 0) {
        int e = errno;

        json_decref(j);
        return vmtp_error_set_sys(err, VMTP_E_NOMEM, e,
                                  "cannot render the results JSON");
    }
    json_decref(j);
    *out = vx_buf_take(&b);
    return *out != NULL ? VMTP_OK
                        : vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
}

/* ------------------------------------------------------------------ */
/* jansson tree -> model (the reader)                                  */

struct rd {
    struct vmtp_error *err;
    enum vmtp_status rc;
    char path[160];
};

static enum vmtp_status
rd_fail(struct rd *r, const char *key, const char *what)
{
    if (r->rc == VMTP_OK) {
        r->rc = vmtp_error_set(r->err, VMTP_E_PARSE, "%s%s%s: %s", r->path,
                               (key != NULL && r->path[0] != '\0') ? "." : "",
                               key != NULL ? key : "", what);
    }
    return r->rc;
}

static enum vmtp_status
rd_nomem(struct rd *r)
{
    if (r->rc == VMTP_OK) {
        r->rc = vmtp_error_set(r->err, VMTP_E_NOMEM,
                               "cannot load results: out of memory");
    }
    return r->rc;
}

/* A string field: string, or null / absent (left NULL). */
static void
rd_str(struct rd *r, json_t *o, const char *key, char **dst)
{
    json_t *v = json_object_get(o, key);

    if (v == NULL || json_is_null(v) || r->rc != VMTP_OK) {
        return;
    }
    if (!json_is_string(v)) {
        rd_fail(r, key, "expected a string");
        return;
    }
    free(*dst);
    *dst = vx_strndup(json_string_value(v), json_string_length(v));
    if (*dst == NULL) {
        rd_nomem(r);
    }
}

/*
 * A number field; strings holding a number are accepted when
 * `allow_string` (the original writes ping values as strings).
 */
static int
rd_num(struct rd *r, json_t *o, const char *key, bool allow_string, double *dst)
{
    json_t *v = json_object_get(o, key);

    if (v == NULL || json_is_null(v) || r->rc != VMTP_OK) {
        return 0;
    }
    if (json_is_number(v)) {
        *dst = json_number_value(v);
        return 1;
    }
    if (allow_string && json_is_string(v)) {
        double d;

        if (vx_strtod(json_string_value(v), &d) == 0) {
            *dst = d;
            return 1;
        }
        rd_fail(r, key, "expected a number in the string");
        return 0;
    }
    rd_fail(r, key, "expected a number");
    return 0;
}

static void
rd_long(struct rd *r, json_t *o, const char *key, bool allow_string, long *dst)
{
    double d = 0;

    if (rd_num(r, o, key, allow_string, &d) != 1) {
        return;
    }
    if (d != floor(d) || d < -2147483648.0 || d > 2147483647.0) {
        rd_fail(r, key, "expected an integer");
        return;
    }
    *dst = (long)d;
}

/* Keep keys the model has no field for, so a round trip loses nothing. */
static void
rd_extra(struct rd *r, json_t *o, const char *const *known, json_t **extra)
{
    const char *key;
    json_t *v;

    json_object_foreach(o, key, v)
    {
        size_t i;

        for (i = 0; known[i] != NULL; i++) {
            if (strcmp(known[i], key) == 0) {
                break;
            }
        }
        if (known[i] != NULL) {
            continue;
        }
        if (*extra == NULL && (*extra = json_object()) == NULL) {
            rd_nomem(r);
            return;
        }
        if (json_object_set(*extra, key, v) != 0) {
            rd_nomem(r);
            return;
        }
    }
}

static void
rd_icmp_stat(struct rd *r, json_t *o, struct vmtp_icmp_stat *s)
{
    rd_long(r, o, "packet_size", true, &s->packet_size);
    rd_str(r, o, "error", &s->error);
    rd_long(r, o, "tx_packets", true, &s->tx_packets);
    rd_long(r, o, "rx_packets", true, &s->rx_packets);
    (void)rd_num(r, o, "rtt_min_ms", true, &s->rtt_min_ms);
    (void)rd_num(r, o, "rtt_avg_ms", true, &s->rtt_avg_ms);
    (void)rd_num(r, o, "rtt_max_ms", true, &s->rtt_max_ms);
    (void)rd_num(r, o, "rtt_stddev", true, &s->rtt_stddev_ms);
    (void)rd_num(r, o, "rtt_p50_ms", true, &s->rtt_p50_ms);
    (void)rd_num(r, o, "rtt_p90_ms", true, &s->rtt_p90_ms);
    (void)rd_num(r, o, "rtt_p99_ms", true, &s->rtt_p99_ms);
}

static void
rd_icmp(struct rd *r, json_t *o, struct vmtp_result *res)
{
    json_t *arr = json_object_get(o, "results");
    size_t plen = strlen(r->path);

    if (arr == NULL || json_is_null(arr)) {
        /* Old documents (doc/source/_static/example.json): flat ping
         * figures on the ICMP entry itself, no packet size. */
        if (json_object_get(o, "rtt_avg_ms") != NULL ||
            json_object_get(o, "tx_packets") != NULL) {
            struct vmtp_icmp_stat *s = vmtp_result_add_icmp(res, -1);

            if (s == NULL) {
                rd_nomem(r);
                return;
            }
            rd_icmp_stat(r, o, s);
        }
        return;
    }
    if (!json_is_array(arr)) {
        rd_fail(r, "results", "expected an array");
        return;
    }
    for (size_t i = 0; i < json_array_size(arr) && r->rc == VMTP_OK; i++) {
        json_t *so = json_array_get(arr, i);
        struct vmtp_icmp_stat *s;

        (void)snprintf(r->path + plen, sizeof(r->path) - plen, ".results[%zu]",
                       i);
        if (!json_is_object(so)) {
            rd_fail(r, NULL, "expected an object");
            break;
        }
        s = vmtp_result_add_icmp(res, -1);
        if (s == NULL) {
            rd_nomem(r);
            break;
        }
        rd_icmp_stat(r, so, s);
    }
    if (r->rc == VMTP_OK) {
        r->path[plen] = '\0';
    }
}

static void
rd_result(struct rd *r, json_t *o, struct vmtp_flow *f)
{
    static const char *const known[] = {"protocol",
                                        "tool",
                                        "error",
                                        "direction",
                                        "pkt_size",
                                        "results",
                                        "throughput_kbps",
                                        "bandwidth_limit_kbps",
                                        "loss_rate",
                                        "retrans",
                                        "rtt_ms",
                                        "jitter",
                                        "pkt_rate_pps",
                                        "rtt_min_ms",
                                        "rtt_avg_ms",
                                        "rtt_max_ms",
                                        "rtt_stddev",
                                        "tx_packets",
                                        "rx_packets",
                                        "packet_size",
                                        NULL};
    json_t *pv = json_object_get(o, "protocol");
    json_t *dir = json_object_get(o, "direction");
    enum vmtp_proto proto;
    struct vmtp_result *res;

    if (!json_is_string(pv)) {
        rd_fail(r, "protocol", pv == NULL ? "missing" : "expected a string");
        return;
    }
    if (vmtp_proto_parse(json_string_value(pv), &proto) != 0) {
        rd_fail(r, "protocol", "expected TCP, UDP, ICMP or Multicast");
        return;
    }
    res = vmtp_flow_add_result(f, proto);
    if (res == NULL) {
        rd_nomem(r);
        return;
    }
    rd_str(r, o, "tool", &res->tool);
    rd_str(r, o, "error", &res->error);
    if (dir != NULL && !json_is_null(dir)) {
        if (!json_is_string(dir)) {
            rd_fail(r, "direction", "expected a string");
            return;
        }
        res->reverse = strcmp(json_string_value(dir), "reverse") == 0;
    }
    rd_long(r, o, "pkt_size", false, &res->pkt_size);
    (void)rd_num(r, o, "throughput_kbps", false, &res->throughput_kbps);
    (void)rd_num(r, o, "bandwidth_limit_kbps", false,
                 &res->bandwidth_limit_kbps);
    (void)rd_num(r, o, "loss_rate", false, &res->loss_rate);
    rd_long(r, o, "retrans", false, &res->retrans);
    (void)rd_num(r, o, "rtt_ms", false, &res->rtt_ms);
    (void)rd_num(r, o, "jitter", false, &res->jitter_ms);
    (void)rd_num(r, o, "pkt_rate_pps", false, &res->pkt_rate_pps);
    if (proto == VMTP_PROTO_ICMP && r->rc == VMTP_OK) {
        rd_icmp(r, o, res);
    }
    if (r->rc == VMTP_OK) {
        rd_extra(r, o, known, &res->extra);
    }
}

/* An item of "results" that is a string: the original's spawn failure. */
static void
rd_flow_error(struct rd *r, struct vmtp_flow *f, json_t *s)
{
    if (f->error != NULL) {
        return;
    }
    f->error = vx_strndup(json_string_value(s), json_string_length(s));
    if (f->error == NULL) {
        rd_nomem(r);
    }
}

static void
rd_flow(struct rd *r, json_t *o, struct vmtp_flow *f)
{
    static const char *const known[] = {"desc",
                                        "ip_from",
                                        "ip_to",
                                        "az_from",
                                        "az_to",
                                        "distro_id",
                                        "distro_version",
                                        "multicast_address",
                                        "error",
                                        "results",
                                        NULL};
    json_t *arr = json_object_get(o, "results");
    size_t plen = strlen(r->path);

    rd_str(r, o, "desc", &f->desc);
    rd_str(r, o, "ip_from", &f->ip_from);
    rd_str(r, o, "ip_to", &f->ip_to);
    rd_str(r, o, "az_from", &f->az_from);
    rd_str(r, o, "az_to", &f->az_to);
    rd_str(r, o, "distro_id", &f->distro_id);
    rd_str(r, o, "distro_version", &f->distro_version);
    rd_str(r, o, "multicast_address", &f->multicast_address);
    rd_str(r, o, "error", &f->error);
    if (r->rc != VMTP_OK) {
        return;
    }
    if (json_is_string(arr)) {
        rd_flow_error(r, f, arr);
    } else if (json_is_array(arr)) {
        for (size_t i = 0; i < json_array_size(arr) && r->rc == VMTP_OK; i++) {
            json_t *item = json_array_get(arr, i);

            (void)snprintf(r->path + plen, sizeof(r->path) - plen,
                           ".results[%zu]", i);
            if (json_is_string(item)) {
                rd_flow_error(r, f, item);
            } else if (json_is_object(item)) {
                rd_result(r, item, f);
            } else {
                rd_fail(r, NULL, "expected an object or an error string");
            }
        }
        if (r->rc == VMTP_OK) {
            r->path[plen] = '\0';
        }
    } else if (arr != NULL && !json_is_null(arr)) {
        rd_fail(r, "results", "expected an array or an error string");
    }
    if (r->rc == VMTP_OK) {
        rd_extra(r, o, known, &f->extra);
    }
}

enum vmtp_status
vmtp_results_from_jansson(json_t *root,
                          struct vmtp_results **out,
                          struct vmtp_error *err)
{
    static const char *const known[] = {"flows",
                                        "date",
                                        "args",
                                        "version",
                                        "run_id",
                                        "test_description",
                                        "auth_url",
                                        "l2agent_type",
                                        "encapsulation",
                                        "distro",
                                        "openstack_version",
                                        "cpu_info",
                                        NULL};
    struct rd r = {err, VMTP_OK, ""};
    struct vmtp_results *doc = NULL;
    json_t *flows;

    *out = NULL;
    if (!json_is_object(root)) {
        return vmtp_error_set(err, VMTP_E_PARSE,
                              "top level: expected an object");
    }
    doc = vmtp_results_new();
    if (doc == NULL) {
        return rd_nomem(&r);
    }
    rd_str(&r, root, "date", &doc->date);
    rd_str(&r, root, "args", &doc->args);
    rd_str(&r, root, "version", &doc->version);
    rd_str(&r, root, "run_id", &doc->run_id);
    rd_str(&r, root, "test_description", &doc->test_description);
    rd_str(&r, root, "auth_url", &doc->auth_url);
    rd_str(&r, root, "l2agent_type", &doc->l2agent_type);
    rd_str(&r, root, "encapsulation", &doc->encapsulation);
    rd_str(&r, root, "distro", &doc->distro);
    rd_str(&r, root, "openstack_version", &doc->openstack_version);
    rd_str(&r, root, "cpu_info", &doc->cpu_info);
    flows = json_object_get(root, "flows");
    if (r.rc == VMTP_OK && flows != NULL && !json_is_null(flows) &&
        !json_is_array(flows)) {
        rd_fail(&r, "flows", "expected an array");
    }
    for (size_t i = 0; r.rc == VMTP_OK && i < json_array_size(flows); i++) {
        json_t *fo = json_array_get(flows, i);
        struct vmtp_flow *f;

        (void)snprintf(r.path, sizeof(r.path), "flows[%zu]", i);
        if (!json_is_object(fo)) {
            rd_fail(&r, NULL, "expected an object");
            break;
        }
        f = vmtp_results_add_flow(doc);
        if (f == NULL) {
            rd_nomem(&r);
            break;
        }
        rd_flow(&r, fo, f);
    }
    r.path[0] = '\0';
    if (r.rc == VMTP_OK) {
        rd_extra(&r, root, known, &doc->extra);
    }
    if (r.rc != VMTP_OK) {
        vmtp_results_free(doc);
        return r.rc;
    }
    *out = doc;
    return VMTP_OK;
}

enum vmtp_status
vmtp_results_load_json(const char *text,
                       size_t len,
                       struct vmtp_results **out,
                       struct vmtp_error *err)
{
    json_error_t jerr;
    json_t *root;
    enum vmtp_status rc;

    *out = NULL;
    if (len > VMTP_RESULTS_MAX_JSON_BYTES) {
        return vmtp_error_set(err, VMTP_E_PARSE,
                              "results JSON is %zu bytes, more than the "
                              "limit of %zu",
                              len, VMTP_RESULTS_MAX_JSON_BYTES);
    }
    root = json_loadb(text, len, JSON_ALLOW_NUL, &jerr);
    if (root == NULL) {
        return vmtp_error_set(err, VMTP_E_PARSE,
                              "not valid JSON: line %d column %d: %s",
                              jerr.line, jerr.column, jerr.text);
    }
    rc = vmtp_results_from_jansson(root, out, err);
    json_decref(root);
    return rc;
}

enum vmtp_status
vmtp_results_load_file(const char *path,
                       struct vmtp_results **out,
                       struct vmtp_error *err)
{
    struct vx_buf b;
    struct vmtp_error inner = {0};
    char chunk[8192];
    char ebuf[128];
    enum vmtp_status rc;
    int fd;

    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;

        return vmtp_error_set_sys(err, VMTP_E_SYS, e, "cannot open '%s': %s",
                                  path, vx_strerror(e, ebuf, sizeof(ebuf)));
    }
    vx_buf_init(&b, VMTP_RESULTS_MAX_JSON_BYTES);
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int e = errno;

            (void)close(fd);
            vx_buf_release(&b);
            return vmtp_error_set_sys(err, VMTP_E_SYS, e,
                                      "cannot read '%s': %s", path,
                                      vx_strerror(e, ebuf, sizeof(ebuf)));
        }
        if (n == 0) {
            break;
        }
        if (vx_buf_add(&b, chunk, (size_t)n) != 0) {
            int e = errno;

            (void)close(fd);
            if (e == E2BIG) {
                return vmtp_error_set(err, VMTP_E_PARSE,
                                      "'%s': larger than the limit of %zu "
                                      "bytes for a results file",
                                      path, VMTP_RESULTS_MAX_JSON_BYTES);
            }
            return vmtp_error_set(err, VMTP_E_NOMEM,
                                  "cannot read '%s': out of memory", path);
        }
    }
    (void)close(fd);
    rc = vmtp_results_load_json(vx_buf_str(&b), vx_buf_len(&b), out, &inner);
    vx_buf_release(&b);
    if (rc != VMTP_OK) {
        return vmtp_error_set(err, rc, "'%s': %s", path, inner.msg);
    }
    return VMTP_OK;
}

enum vmtp_status
vmtp_results_save_file(const struct vmtp_results *doc,
                       const char *path,
                       struct vmtp_error *err)
{
    char *text = NULL;
    char *tmp = NULL;
    char ebuf[128];
    size_t len;
    size_t off = 0;
    int fd = -1;
    int e = 0;
    enum vmtp_status rc;

    rc = vmtp_results_to_json(doc, &text, err);
    if (rc != VMTP_OK) {
        return rc;
    }
    len = strlen(path) + sizeof(".tmp.XXXXXX");
    tmp = vx_malloc(len);
    if (tmp == NULL) {
        rc = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        goto out;
    }
    (void)snprintf(tmp, len, "%s.tmp.XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        e = errno;
        VX_FREE(tmp);
        goto fail;
    }
    (void)fchmod(fd, 0644);
    len = strlen(text);
    while (off < len) {
        ssize_t n = write(fd, text + off, len - off);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            e = n < 0 ? errno : EIO;
            goto fail;
        }
        off += (size_t)n;
    }
    if (fsync(fd) != 0) {
        e = errno;
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        e = errno;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        e = errno;
        goto fail;
    }
    VX_FREE(tmp);
    rc = VMTP_OK;
    goto out;
fail:
    rc = vmtp_error_set_sys(err, VMTP_E_SYS, e, "cannot write '%s': %s", path,
                            vx_strerror(e, ebuf, sizeof(ebuf)));
out:
    if (fd >= 0) {
        (void)close(fd);
    }
    if (tmp != NULL) {
        (void)unlink(tmp);
        free(tmp);
    }
    free(text);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Top-level fields and run_id                                         */

/* Offset of the top-level string field named `key`, or -1. */
static long
top_field(const char *key)
{
    static const struct {
        const char *key;
        size_t off;
    } map[] = {
            {"date", offsetof(struct vmtp_results, date)},
            {"args", offsetof(struct vmtp_results, args)},
            {"version", offsetof(struct vmtp_results, version)},
            {"run_id", offsetof(struct vmtp_results, run_id)},
            {"test_description",
             offsetof(struct vmtp_results, test_description)},
            {"auth_url", offsetof(struct vmtp_results, auth_url)},
            {"l2agent_type", offsetof(struct vmtp_results, l2agent_type)},
            {"encapsulation", offsetof(struct vmtp_results, encapsulation)},
            {"distro", offsetof(struct vmtp_results, distro)},
            {"openstack_version",
             offsetof(struct vmtp_results, openstack_version)},
            {"cpu_info", offsetof(struct vmtp_results, cpu_info)},
    };

    for (size_t i = 0; key != NULL && i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i].key, key) == 0) {
            return (long)map[i].off;
        }
    }
    return -1;
}

enum vmtp_status
vmtp_results_set(struct vmtp_results *doc, const char *key, const char *value)
{
    long off = top_field(key);
    char **field;
    char *copy = NULL;

    if (doc == NULL || off < 0) {
        return VMTP_E_INVAL;
    }
    field = (char **)((char *)doc + off);
    if (value != NULL && (copy = vx_strdup(value)) == NULL) {
        return VMTP_E_NOMEM;
    }
    free(*field);
    *field = copy;
    return VMTP_OK;
}

const char *
vmtp_results_get(const struct vmtp_results *doc, const char *key)
{
    long off = top_field(key);

    if (doc == NULL || off < 0) {
        return NULL;
    }
    return *(char *const *)((const char *)doc + off);
}

enum vmtp_status
vmtp_results_update_run_id(struct vmtp_results *doc)
{
    struct vx_buf b;
    char hex[33];
    enum vmtp_status rc;

    vx_buf_init(&b, 3 * VMTP_RESULTS_MAX_JSON_BYTES);
    if (vx_buf_adds(&b, doc->args != NULL ? doc->args : "") != 0 ||
        vx_buf_adds(&b, doc->date != NULL ? doc->date : "") != 0 ||
        vx_buf_adds(&b, doc->version != NULL ? doc->version : "") != 0) {
        return VMTP_E_NOMEM;
    }
    vmtp_md5_hex(vx_buf_str(&b), vx_buf_len(&b), hex);
    vx_buf_release(&b);
    hex[7] = '\0';
    rc = vmtp_results_set(doc, "run_id", hex);
    return rc;
}
