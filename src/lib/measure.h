/* \summary: one flow's measurement sequence: ping, TCP, UDP, multicast */
#ifndef VMTP_LIB_MEASURE_H
#define VMTP_LIB_MEASURE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "exec.h"
#include "log.h"
#include "result.h"
#include "tool.h"
#include "udp_search.h"

/* What to measure on a flow (the caller maps config and options here). */
struct vmtp_measure_settings {
    bool tcp;              /* protocols contain T */
    bool udp;              /* U */
    bool icmp;             /* I */
    bool multicast;        /* M (needs multicast_addr and a tool that can) */
    const long *tcp_sizes; /* tcp_pkt_sizes */
    size_t n_tcp_sizes;
    int tcp_loop_count;    /* tcp_tp_loop_count, >= 1 */
    const long *udp_sizes; /* udp_pkt_sizes (UDP and multicast) */
    size_t n_udp_sizes;
    const long *icmp_sizes; /* icmp_pkt_sizes */
    size_t n_icmp_sizes;
    int ping_count;         /* ping_count, >= 1 */
    double ping_interval_s; /* 0: automatic (see ping.h) */
    int time_s;             /* TCP and fixed-rate UDP trial length */
    /*
     * Rate limit in bit/s (--bandwidth / vm_bandwidth); 0 = none. With a
     * limit, UDP runs once at that rate for time_s and TCP is limited;
     * without one, UDP runs the search.
     */
    double bandwidth_bps;
    bool ipv6;
    /*
     * External-host flows: also measure the reverse direction (TCP with
     * the tool's reverse option; UDP, multicast, and TCP with a tool that
     * has no reverse option, with a server started on the client host,
     * measured from the server host toward client_addr).
     */
    bool bidirectional;
    const char *multicast_addr; /* e.g. "231.1.1.1" */
    /* Loss range, caps and confirmation length of the UDP search. The
     * search hint is taken from the flow's TCP result when use_tcp_hint. */
    struct vmtp_udp_search_params search;
    bool use_tcp_hint;
    /*
     * Wall-time budget of one UDP search, in seconds (default 7): each
     * trial is costed at its length plus the tool's fixed per-trial cost
     * (vmtp_tool_ops.udp_trial_cost_s), and the search has no separate
     * confirmation when two search trials and a confirmation do not fit
     * (nuttcp: the trial found in range is reported). Ignored when
     * search.max_cost_s is set; 0: no budget.
     */
    double udp_search_budget_s;
    /*
     * Checked before the flow and between trials; may be NULL. Give the
     * executors the same flag (struct vmtp_exec_local_opts.cancel) so a
     * running trial is stopped too.
     */
    const atomic_int *cancel;
    const struct vmtp_logger *log;
    /*
     * Optional hooks (NULL: none) around each full-length TCP trial and
     * each UDP/multicast entry (its fixed-rate run or its whole search):
     * run_begin before it starts, run_end after it with its entry, which
     * the hook may extend (e.g. cpu_load in res->extra). Called on the
     * measuring thread; run_end also when the trial failed.
     */
    void (*run_begin)(void *arg);
    enum vmtp_status (*run_end)(void *arg, struct vmtp_result *res);
    void *run_arg;
};

/* The two ends of a flow. */
struct vmtp_measure_peer {
    struct vmtp_executor *server_ex; /* runs the tool server */
    struct vmtp_executor *client_ex; /* runs ping and the tool client */
    const char *server_addr;         /* what the client measures toward */
    const char *client_addr;         /* reverse UDP target; NULL: none */
};

/*
 * Defaults: T, U and I; sizes 65536 / 128,1024,8192 / 64,391,1500 (static
 * arrays); 3 TCP loops; 10 pings; 10 s; no limit; search defaults.
 */
void vmtp_measure_settings_init(struct vmtp_measure_settings *s);

/*
 * Measure one flow and append its results to `flow`, in the original's
 * order: TCP entries, UDP entries, multicast entries, then the ICMP entry
 * (ping runs first). The tool's server starts once on peer->server_ex and
 * serves every trial, then is stopped. A failed trial becomes an entry
 * with `error` set and the sequence goes on.
 *
 * Returns VMTP_OK when the sequence ran (entries may carry errors);
 * VMTP_E_MEASURE when the tool cannot run at all (flow->error says why:
 * not installed, server cannot start); VMTP_E_CANCELLED when the cancel
 * flag was set (entries measured so far are kept; nothing is left
 * running); VMTP_E_NOMEM; VMTP_E_INVAL for bad settings.
 * Not thread-safe for one tool/executor pair.
 */
enum vmtp_status vmtp_measure_flow(const struct vmtp_measure_peer *peer,
                                   struct vmtp_tool *tool,
                                   const struct vmtp_measure_settings *s,
                                   struct vmtp_flow *flow,
                                   struct vmtp_error *err);

#endif
