/* \summary: the results document model shared by every measurement and report
 */
#ifndef VMTP_CORE_RESULT_H
#define VMTP_CORE_RESULT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include <vmtp/result.h>

/*
 * One results document, as the original VMTP writes it (field names and
 * units kept; docs/results-schema.md lists every difference). Numbers that
 * may be absent use NAN (doubles) or -1 (counts); strings use NULL.
 * All strings are owned by the struct that holds them.
 *
 *   vmtp_results
 *     flows[]          vmtp_flow        one per measured path, in run order
 *       results[]      vmtp_result      TCP / UDP / Multicast / ICMP entries
 *         icmp[]       vmtp_icmp_stat   one per ping size (ICMP entry only)
 */

enum vmtp_proto {
    VMTP_PROTO_TCP = 0,
    VMTP_PROTO_UDP = 1,
    VMTP_PROTO_ICMP = 2,
    VMTP_PROTO_MULTICAST = 3,
};

/* One ping size of an ICMP entry ("results" inside the ICMP dict). */
struct vmtp_icmp_stat {
    long packet_size; /* payload bytes (ping -s) */
    char *error;      /* NULL, or why this size has no figures */
    long tx_packets;
    long rx_packets;
    double rtt_min_ms;
    double rtt_avg_ms;
    double rtt_max_ms;
    double rtt_stddev_ms; /* JSON key "rtt_stddev" as in the original */
    double rtt_p50_ms;    /* NAN when not measured */
    double rtt_p90_ms;
    double rtt_p99_ms;
};

/* One entry of a flow's "results" array. */
struct vmtp_result {
    enum vmtp_proto protocol;
    char *tool;             /* "nuttcp-6.1.2", "iperf-2.1.8", "ping", ... */
    char *error;            /* NULL on success */
    bool reverse;           /* "direction": "reverse" (download) */
    long pkt_size;          /* bytes; -1 when absent */
    double throughput_kbps; /* SI kbit/s (x1000, never x1024); NAN absent */
    double bandwidth_limit_kbps; /* NAN when no limit */
    double loss_rate;            /* percent, UDP and multicast; NAN absent */
    double rtt_ms;               /* TCP smoothed RTT; NAN absent */
    long retrans;                /* TCP retransmits; -1 absent */
    double jitter_ms;            /* JSON key "jitter"; NAN absent */
    double pkt_rate_pps;         /* UDP packets per second; NAN absent */
    json_t *extra;               /* further keys written as they are (cpu_load,
                                    latency histogram, search trials); may be NULL */
    struct vmtp_icmp_stat *icmp; /* ICMP entry only */
    size_t n_icmp;
};

/* One flow: a client measuring toward a target. */
struct vmtp_flow {
    char *desc; /* "VM to VM same network fixed IP (inter-node)", ... */
    char *ip_from;
    char *ip_to;
    char *az_from;
    char *az_to;
    char *distro_id;
    char *distro_version;
    char *multicast_address;
    char *error; /* flow-level failure, e.g. "error: VM cannot be spawned." */
    struct vmtp_result *results;
    size_t n_results;
};

struct vmtp_results {
    char *date; /* local time, "%Y-%m-%d %H:%M:%S" */
    char *args; /* argv joined by spaces, secrets masked */
    char *version;
    char *run_id;
    char *test_description;
    char *auth_url;
    char *l2agent_type;
    char *encapsulation;
    char *distro;
    char *openstack_version;
    char *cpu_info;
    json_t *extra; /* further top-level keys; may be NULL */
    struct vmtp_flow *flows;
    size_t n_flows;
};

/* Initialise *r with every number absent and every pointer NULL. */
void vmtp_result_init(struct vmtp_result *r, enum vmtp_proto protocol);
void vmtp_result_release(struct vmtp_result *r);
void vmtp_icmp_stat_init(struct vmtp_icmp_stat *s, long packet_size);

/*
 * Append a zeroed flow / result / ICMP stat and return it (borrowed: valid
 * until the next append on the same parent), or NULL when out of memory.
 */
struct vmtp_flow *vmtp_results_add_flow(struct vmtp_results *doc);
struct vmtp_result *vmtp_flow_add_result(struct vmtp_flow *flow,
                                         enum vmtp_proto protocol);
struct vmtp_icmp_stat *vmtp_result_add_icmp(struct vmtp_result *r,
                                            long packet_size);

/* Protocol name as in the JSON ("TCP", "UDP", "ICMP", "Multicast"). */
const char *vmtp_proto_name(enum vmtp_proto p);

#endif
