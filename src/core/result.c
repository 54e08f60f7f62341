/* \summary: the results document model: construction and destruction */
#include "result.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vx_alloc.h"
#include "vx_banned.h"

const char *
vmtp_proto_name(enum vmtp_proto p)
{
    switch (p) {
    case VMTP_PROTO_TCP:
        return "TCP";
    case VMTP_PROTO_UDP:
        return "UDP";
    case VMTP_PROTO_ICMP:
        return "ICMP";
    case VMTP_PROTO_MULTICAST:
        return "Multicast";
    }
    return "unknown";
}

int
vmtp_proto_parse(const char *name, enum vmtp_proto *out)
{
    static const enum vmtp_proto all[] = {VMTP_PROTO_TCP, VMTP_PROTO_UDP,
                                          VMTP_PROTO_ICMP,
                                          VMTP_PROTO_MULTICAST};

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (strcmp(name, vmtp_proto_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}

void
vmtp_icmp_stat_init(struct vmtp_icmp_stat *s, long packet_size)
{
    memset(s, 0, sizeof(*s));
    s->packet_size = packet_size;
    s->tx_packets = -1;
    s->rx_packets = -1;
    s->rtt_min_ms = NAN;
    s->rtt_avg_ms = NAN;
    s->rtt_max_ms = NAN;
    s->rtt_stddev_ms = NAN;
    s->rtt_p50_ms = NAN;
    s->rtt_p90_ms = NAN;
    s->rtt_p99_ms = NAN;
}

void
vmtp_result_init(struct vmtp_result *r, enum vmtp_proto protocol)
{
    memset(r, 0, sizeof(*r));
    r->protocol = protocol;
    r->pkt_size = -1;
    r->throughput_kbps = NAN;
    r->bandwidth_limit_kbps = NAN;
    r->loss_rate = NAN;
    r->rtt_ms = NAN;
    r->retrans = -1;
    r->jitter_ms = NAN;
    r->pkt_rate_pps = NAN;
}

void
vmtp_result_release(struct vmtp_result *r)
{
    VX_FREE(r->tool);
    VX_FREE(r->error);
    json_decref(r->extra);
    r->extra = NULL;
    for (size_t i = 0; i < r->n_icmp; i++) {
        VX_FREE(r->icmp[i].error);
    }
    VX_FREE(r->icmp);
    r->n_icmp = 0;
}

static void
flow_release(struct vmtp_flow *f)
{
    VX_FREE(f->desc);
    VX_FREE(f->ip_from);
    VX_FREE(f->ip_to);
    VX_FREE(f->az_from);
    VX_FREE(f->az_to);
    VX_FREE(f->distro_id);
    VX_FREE(f->distro_version);
    VX_FREE(f->multicast_address);
    VX_FREE(f->error);
    json_decref(f->extra);
    f->extra = NULL;
    for (size_t i = 0; i < f->n_results; i++) {
        vmtp_result_release(&f->results[i]);
    }
    VX_FREE(f->results);
    f->n_results = 0;
}

struct vmtp_results *
vmtp_results_new(void)
{
    return vx_calloc(1, sizeof(struct vmtp_results));
}

void
vmtp_results_free(struct vmtp_results *doc)
{
    if (doc == NULL) {
        return;
    }
    free(doc->date);
    free(doc->args);
    free(doc->version);
    free(doc->run_id);
    free(doc->test_description);
    free(doc->auth_url);
    free(doc->l2agent_type);
    free(doc->encapsulation);
    free(doc->distro);
    free(doc->openstack_version);
    free(doc->cpu_info);
    json_decref(doc->extra);
    for (size_t i = 0; i < doc->n_flows; i++) {
        flow_release(&doc->flows[i]);
    }
    free(doc->flows);
    free(doc);
}

struct vmtp_flow *
vmtp_results_add_flow(struct vmtp_results *doc)
{
    struct vmtp_flow *p =
            vx_reallocarray(doc->flows, doc->n_flows + 1, sizeof(*p));

    if (p == NULL) {
        return NULL;
    }
    doc->flows = p;
    memset(&p[doc->n_flows], 0, sizeof(*p));
    return &p[doc->n_flows++];
}

struct vmtp_result *
vmtp_flow_add_result(struct vmtp_flow *flow, enum vmtp_proto protocol)
{
    struct vmtp_result *p =
            vx_reallocarray(flow->results, flow->n_results + 1, sizeof(*p));

    if (p == NULL) {
        return NULL;
    }
    flow->results = p;
    vmtp_result_init(&p[flow->n_results], protocol);
    return &p[flow->n_results++];
}

struct vmtp_icmp_stat *
vmtp_result_add_icmp(struct vmtp_result *r, long packet_size)
{
    struct vmtp_icmp_stat *p =
            vx_reallocarray(r->icmp, r->n_icmp + 1, sizeof(*p));

    if (p == NULL) {
        return NULL;
    }
    r->icmp = p;
    vmtp_icmp_stat_init(&p[r->n_icmp], packet_size);
    return &p[r->n_icmp++];
}

const char *
vmtp_result_failure(const struct vmtp_result *r)
{
    if (r->error != NULL || r->protocol != VMTP_PROTO_ICMP) {
        return r->error;
    }
    if (r->n_icmp == 0) {
        return "no ping results";
    }
    for (size_t i = 0; i < r->n_icmp; i++) {
        if (r->icmp[i].error == NULL && r->icmp[i].rx_packets != 0) {
            return NULL;
        }
    }
    return r->icmp[0].error != NULL ? r->icmp[0].error : "no ping reply";
}
