/* \summary: the results document model shared by every measurement and report
 */
#ifndef VMTP_CORE_RESULT_H
#define VMTP_CORE_RESULT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include <vmtp/result.h>

#include "vx_buf.h"

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
    char *error;   /* flow-level failure, e.g. "error: VM cannot be spawned." */
    json_t *extra; /* further flow keys written as they are; may be NULL */
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

/*
 * Why this result counts as failed (borrowed), or NULL: its error, or for
 * ICMP when no size got a reply (the original reports ICMP PASSED even
 * then; here it is a failed step for the report and the exit code alike).
 */
const char *vmtp_result_failure(const struct vmtp_result *r);

/* Protocol name as in the JSON ("TCP", "UDP", "ICMP", "Multicast"). */
const char *vmtp_proto_name(enum vmtp_proto p);

/* Parse a protocol name as the JSON spells it; -1 when unknown. */
int vmtp_proto_parse(const char *name, enum vmtp_proto *out);

/* Hard cap on a results document read back from JSON (text bytes). */
#define VMTP_RESULTS_MAX_JSON_BYTES VMTP_RESULTS_MAX_BYTES

/*
 * The document as a jansson tree with the original's keys and omission
 * rules (docs/results-schema.md). New reference, or NULL when out of
 * memory. Release with json_decref().
 */
json_t *vmtp_results_to_jansson(const struct vmtp_results *doc);

/*
 * Build a document from a parsed JSON tree (tolerant of the original
 * VMTP's shapes). On success *out owns a new document (free with
 * vmtp_results_free()); on failure *out is NULL and err names the JSON
 * path, e.g. "flows[1].results[0].pkt_size: expected an integer".
 */
enum vmtp_status vmtp_results_from_jansson(json_t *root,
                                           struct vmtp_results **out,
                                           struct vmtp_error *err);

/*
 * Append `j` to `out` as the results file writes JSON: keys sorted at
 * every level, 4-space indent, ": " and "," separators without trailing
 * spaces, non-ASCII as \uXXXX, reals in the shortest form that reads
 * back to the same double (always with a '.' or an exponent). No final
 * newline. Returns 0, or -1 (errno E2BIG/ENOMEM) with `out` released.
 */
int vmtp_json_write(struct vx_buf *out, json_t *j);

/* MD5 (RFC 1321) of `len` bytes, as 32 lowercase hex digits plus NUL. */
void vmtp_md5_hex(const void *data, size_t len, char hex[33]);

#endif
