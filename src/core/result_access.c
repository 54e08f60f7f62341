/* \summary: read-only accessors of the results document (public API) */
#include <math.h>
#include <string.h>

#include "result.h"
#include "vx_banned.h"

static const struct vmtp_flow *
flow_at(const struct vmtp_results *doc, size_t flow)
{
    if (doc == NULL || flow >= doc->n_flows) {
        return NULL;
    }
    return &doc->flows[flow];
}

static const struct vmtp_result *
result_at(const struct vmtp_results *doc, size_t flow, size_t res)
{
    const struct vmtp_flow *f = flow_at(doc, flow);

    if (f == NULL || res >= f->n_results) {
        return NULL;
    }
    return &f->results[res];
}

static const struct vmtp_icmp_stat *
icmp_at(const struct vmtp_results *doc, size_t flow, size_t res, size_t k)
{
    const struct vmtp_result *r = result_at(doc, flow, res);

    if (r == NULL || k >= r->n_icmp) {
        return NULL;
    }
    return &r->icmp[k];
}

size_t
vmtp_results_flow_count(const struct vmtp_results *doc)
{
    return doc != NULL ? doc->n_flows : 0;
}

const char *
vmtp_results_flow_get(const struct vmtp_results *doc,
                      size_t flow,
                      const char *key)
{
    const struct vmtp_flow *f = flow_at(doc, flow);

    if (f == NULL || key == NULL) {
        return NULL;
    }
    if (strcmp(key, "desc") == 0) {
        return f->desc;
    }
    if (strcmp(key, "ip_from") == 0) {
        return f->ip_from;
    }
    if (strcmp(key, "ip_to") == 0) {
        return f->ip_to;
    }
    if (strcmp(key, "az_from") == 0) {
        return f->az_from;
    }
    if (strcmp(key, "az_to") == 0) {
        return f->az_to;
    }
    if (strcmp(key, "distro_id") == 0) {
        return f->distro_id;
    }
    if (strcmp(key, "distro_version") == 0) {
        return f->distro_version;
    }
    if (strcmp(key, "multicast_address") == 0) {
        return f->multicast_address;
    }
    if (strcmp(key, "error") == 0) {
        return f->error;
    }
    return NULL;
}

size_t
vmtp_results_result_count(const struct vmtp_results *doc, size_t flow)
{
    const struct vmtp_flow *f = flow_at(doc, flow);

    return f != NULL ? f->n_results : 0;
}

const char *
vmtp_results_result_protocol(const struct vmtp_results *doc,
                             size_t flow,
                             size_t res)
{
    const struct vmtp_result *r = result_at(doc, flow, res);

    return r != NULL ? vmtp_proto_name(r->protocol) : NULL;
}

const char *
vmtp_results_result_tool(const struct vmtp_results *doc,
                         size_t flow,
                         size_t res)
{
    const struct vmtp_result *r = result_at(doc, flow, res);

    return r != NULL ? r->tool : NULL;
}

const char *
vmtp_results_result_error(const struct vmtp_results *doc,
                          size_t flow,
                          size_t res)
{
    const struct vmtp_result *r = result_at(doc, flow, res);

    return r != NULL ? r->error : NULL;
}

bool
vmtp_results_result_reverse(const struct vmtp_results *doc,
                            size_t flow,
                            size_t res)
{
    const struct vmtp_result *r = result_at(doc, flow, res);

    return r != NULL && r->reverse;
}

static double
count_or_nan(long v)
{
    return v < 0 ? NAN : (double)v;
}

double
vmtp_results_result_number(const struct vmtp_results *doc,
                           size_t flow,
                           size_t res,
                           const char *key)
{
    const struct vmtp_result *r = result_at(doc, flow, res);

    if (r == NULL || key == NULL) {
        return NAN;
    }
    if (strcmp(key, "throughput_kbps") == 0) {
        return r->throughput_kbps;
    }
    if (strcmp(key, "loss_rate") == 0) {
        return r->loss_rate;
    }
    if (strcmp(key, "pkt_size") == 0) {
        return count_or_nan(r->pkt_size);
    }
    if (strcmp(key, "rtt_ms") == 0) {
        return r->rtt_ms;
    }
    if (strcmp(key, "retrans") == 0) {
        return count_or_nan(r->retrans);
    }
    if (strcmp(key, "jitter") == 0) {
        return r->jitter_ms;
    }
    if (strcmp(key, "bandwidth_limit_kbps") == 0) {
        return r->bandwidth_limit_kbps;
    }
    if (strcmp(key, "pkt_rate_pps") == 0) {
        return r->pkt_rate_pps;
    }
    return NAN;
}

double
vmtp_results_result_throughput_kbps(const struct vmtp_results *doc,
                                    size_t flow,
                                    size_t res)
{
    return vmtp_results_result_number(doc, flow, res, "throughput_kbps");
}

double
vmtp_results_result_loss_rate(const struct vmtp_results *doc,
                              size_t flow,
                              size_t res)
{
    return vmtp_results_result_number(doc, flow, res, "loss_rate");
}

double
vmtp_results_result_pkt_size(const struct vmtp_results *doc,
                             size_t flow,
                             size_t res)
{
    return vmtp_results_result_number(doc, flow, res, "pkt_size");
}

double
vmtp_results_result_rtt_ms(const struct vmtp_results *doc,
                           size_t flow,
                           size_t res)
{
    return vmtp_results_result_number(doc, flow, res, "rtt_ms");
}

size_t
vmtp_results_icmp_count(const struct vmtp_results *doc, size_t flow, size_t res)
{
    const struct vmtp_result *r = result_at(doc, flow, res);

    return r != NULL ? r->n_icmp : 0;
}

double
vmtp_results_icmp_number(const struct vmtp_results *doc,
                         size_t flow,
                         size_t res,
                         size_t k,
                         const char *key)
{
    const struct vmtp_icmp_stat *s = icmp_at(doc, flow, res, k);

    if (s == NULL || key == NULL) {
        return NAN;
    }
    if (strcmp(key, "packet_size") == 0) {
        return count_or_nan(s->packet_size);
    }
    if (strcmp(key, "tx_packets") == 0) {
        return count_or_nan(s->tx_packets);
    }
    if (strcmp(key, "rx_packets") == 0) {
        return count_or_nan(s->rx_packets);
    }
    if (strcmp(key, "rtt_min_ms") == 0) {
        return s->rtt_min_ms;
    }
    if (strcmp(key, "rtt_avg_ms") == 0) {
        return s->rtt_avg_ms;
    }
    if (strcmp(key, "rtt_max_ms") == 0) {
        return s->rtt_max_ms;
    }
    if (strcmp(key, "rtt_stddev") == 0) {
        return s->rtt_stddev_ms;
    }
    if (strcmp(key, "rtt_p50_ms") == 0) {
        return s->rtt_p50_ms;
    }
    if (strcmp(key, "rtt_p90_ms") == 0) {
        return s->rtt_p90_ms;
    }
    if (strcmp(key, "rtt_p99_ms") == 0) {
        return s->rtt_p99_ms;
    }
    return NAN;
}

const char *
vmtp_results_icmp_error(const struct vmtp_results *doc,
                        size_t flow,
                        size_t res,
                        size_t k)
{
    const struct vmtp_icmp_stat *s = icmp_at(doc, flow, res, k);

    return s != NULL ? s->error : NULL;
}
