/* \summary: throughput tool drivers (nuttcp, iperf, iperf3, vmtp-agent) */
#ifndef VMTP_LIB_TOOL_H
#define VMTP_LIB_TOOL_H

#include <stdbool.h>
#include <stdint.h>

#include "exec.h"
#include "log.h"
#include "result.h"

/*
 * One interface for every throughput tool. A driver builds argv arrays
 * (never shell strings), runs them through an executor (struct
 * vmtp_executor: local, namespace or SSH), parses the tool's output into a
 * struct vmtp_tool_report and reports its name and version.
 *
 * Every rate is in SI bits per second (1 kbit = 1000 bit). The tools are
 * given rates in forms they read exactly: nuttcp -R in kbit/s, iperf 2
 * and iperf3 -b in bit/s.
 *
 * Typical use (measure.c does this):
 *
 *     struct vmtp_tool *t;
 *     vmtp_tool_new("nuttcp", &t, err);
 *     t->ops->probe(t, client_ex, err);           -> t->version
 *     vmtp_tool_server_start(t, server_ex, &opts, &srv, err);
 *     vmtp_tool_run(t, client_ex, &trial, &rep, err);   (any number)
 *     vmtp_tool_server_stop(t, server_ex, &srv);
 *     vmtp_tool_free(t);
 */

/* Default ports: data 5001 (TCP and UDP), nuttcp control 5002, iperf3 5201. */
#define VMTP_TOOL_DATA_PORT    5001
#define VMTP_TOOL_CONTROL_PORT 5002
#define VMTP_TOOL_IPERF3_PORT  5201
#define VMTP_TOOL_AGENT_PORT   5301

/* What one trial asks for. */
struct vmtp_trial {
    enum vmtp_proto protocol; /* TCP, UDP or MULTICAST */
    const char *target;       /* server address, an IP literal */
    bool ipv6;
    bool reverse;    /* TCP only: the server sends (download) */
    long pkt_size;   /* TCP buffer length / UDP datagram payload, bytes */
    int duration_s;  /* >= 1 */
    double rate_bps; /* offered rate; 0 = unlimited (TCP only) */
    const char *mcast_addr; /* MULTICAST: group address, else NULL */
};

/*
 * What one trial measured. Numbers not reported by a tool are NAN (or -1
 * for counts). For UDP, tx_* describe what the sender put on the wire and
 * rx_* what the receiver got; loss_pct = lost / sent * 100.
 */
struct vmtp_tool_report {
    double rx_bps;   /* goodput at the receiver */
    double tx_bps;   /* sender's rate */
    double loss_pct; /* UDP and multicast */
    long tx_packets;
    long lost_packets;
    double rx_pps;    /* datagrams received per second */
    double seconds;   /* measured duration */
    double jitter_ms; /* UDP: RFC 3550 jitter or nuttcp msmaxjitter */
    double owd_ms;    /* multicast: mean one-way delay (nuttcp -o) */
    double rtt_ms;    /* TCP smoothed RTT */
    long retrans;     /* TCP retransmissions */
    double cpu_tx_pct;
    double cpu_rx_pct;
};

/* Set every number of *rep to "absent". */
void vmtp_tool_report_init(struct vmtp_tool_report *rep);

/*
 * Copy a report into a result entry: throughput_kbps = rx_bps / 1000,
 * loss_rate, jitter, rtt, retrans, pkt_rate_pps; cpu figures go to extra
 * "tool_cpu_pct" (not "cpu_load": that key is Ganglia's, see -m).
 * Returns VMTP_E_NOMEM or VMTP_OK.
 */
enum vmtp_status vmtp_tool_report_to_result(const struct vmtp_tool_report *rep,
                                            struct vmtp_result *res);

/* Options for a tool server. */
struct vmtp_tool_server_opts {
    bool ipv6;
    bool udp; /* iperf 2 needs a separate UDP server */
};

/* A running tool server: the pids its executor started (at most 2). */
struct vmtp_tool_server {
    long pids[2];
    int n_pids;
    uint64_t started_us; /* vx_now_us() when launched */
};

struct vmtp_tool;

struct vmtp_tool_ops {
    const char *name; /* "nuttcp", "iperf", "iperf3", "vmtp" */
    bool multicast;   /* can measure multicast */
    bool reverse_tcp; /* has a reverse (download) option for TCP */
    /*
     * Wall time a UDP trial takes beyond its duration, measured on the
     * Debian 12 tools (without the executor's own latency): nuttcp 6.1.2
     * sleeps 0.25 s before and 4 x 0.5 s after every UDP transfer. The
     * UDP search plans its trials with it (docs/udp-search.md).
     */
    double udp_trial_cost_s;
    /*
     * Run the binary's version option on `ex` and store "name-x.y.z" in
     * t->version. Errors: executor errors, VMTP_E_PARSE.
     */
    enum vmtp_status (*probe)(struct vmtp_tool *t,
                              struct vmtp_executor *ex,
                              struct vmtp_error *err);
    /*
     * Start the server(s) in the background on `ex` and record their pids
     * in *srv (vmtp_tool_server_start() waits for them to be ready).
     */
    enum vmtp_status (*server_start)(struct vmtp_tool *t,
                                     struct vmtp_executor *ex,
                                     const struct vmtp_tool_server_opts *o,
                                     struct vmtp_tool_server *srv,
                                     struct vmtp_error *err);
    /*
     * Run one trial from `ex` (the client host) and parse its output into
     * *rep. A tool that fails, or output that cannot be parsed, is
     * VMTP_E_MEASURE with the reason (and a bounded excerpt of the output)
     * in err; executor errors (VMTP_E_TIMEOUT, VMTP_E_CANCELLED,
     * VMTP_E_SYS, VMTP_E_SSH) pass through.
     */
    enum vmtp_status (*run)(struct vmtp_tool *t,
                            struct vmtp_executor *ex,
                            const struct vmtp_trial *trial,
                            struct vmtp_tool_report *rep,
                            struct vmtp_error *err);
};

/*
 * A tool instance. client_bin / server_bin are the paths of the binary on
 * the client and server hosts (default: the tool's name, found in PATH);
 * set them after uploading a binary. version is filled by probe.
 */
struct vmtp_tool {
    const struct vmtp_tool_ops *ops;
    char client_bin[512];
    char server_bin[512];
    char version[64]; /* "nuttcp-6.1.2"; the name alone until probed */
    const struct vmtp_logger *log;
    int data_port;
    int control_port;
};

/*
 * Create the driver for `name` ("nuttcp", "iperf", "iperf3", "vmtp").
 * Errors: VMTP_E_INVAL (unknown name), VMTP_E_NOMEM. Free with
 * vmtp_tool_free().
 */
enum vmtp_status
vmtp_tool_new(const char *name, struct vmtp_tool **out, struct vmtp_error *err);
void vmtp_tool_free(struct vmtp_tool *t);

/*
 * Start the tool's server(s) on `ex` and wait until they can take a
 * client (bounded: 2 s). On failure nothing is left running.
 */
enum vmtp_status vmtp_tool_server_start(struct vmtp_tool *t,
                                        struct vmtp_executor *ex,
                                        const struct vmtp_tool_server_opts *o,
                                        struct vmtp_tool_server *srv,
                                        struct vmtp_error *err);
/*
 * The two halves of vmtp_tool_server_start(), so that a caller can do
 * something useful (the pings) while the server gets ready: launch starts
 * the server(s) (on failure nothing is left running); settle waits what
 * is left of the 0.5 s the server gets before its first client.
 */
enum vmtp_status vmtp_tool_server_launch(struct vmtp_tool *t,
                                         struct vmtp_executor *ex,
                                         const struct vmtp_tool_server_opts *o,
                                         struct vmtp_tool_server *srv,
                                         struct vmtp_error *err);
void vmtp_tool_server_settle(struct vmtp_tool *t,
                             struct vmtp_executor *ex,
                             const struct vmtp_tool_server *srv);
/* Stop what vmtp_tool_server_start() started. NULL-safe, idempotent. */
void vmtp_tool_server_stop(struct vmtp_tool *t,
                           struct vmtp_executor *ex,
                           struct vmtp_tool_server *srv);

/* Run one trial (t->ops->run with argument checks). */
enum vmtp_status vmtp_tool_run(struct vmtp_tool *t,
                               struct vmtp_executor *ex,
                               const struct vmtp_trial *trial,
                               struct vmtp_tool_report *rep,
                               struct vmtp_error *err);

/*
 * Output parsers, exposed for unit tests and fuzzing. Each reads a
 * NUL-terminated output, never past its end, and fills *rep; a missing
 * figure is VMTP_E_PARSE. `udp` selects the UDP form; multicast is UDP.
 */
enum vmtp_status vmtp_parse_nuttcp(const char *out,
                                   bool udp,
                                   long pkt_size,
                                   struct vmtp_tool_report *rep,
                                   struct vmtp_error *err);
enum vmtp_status vmtp_parse_iperf2(const char *out,
                                   bool udp,
                                   long pkt_size,
                                   struct vmtp_tool_report *rep,
                                   struct vmtp_error *err);
enum vmtp_status vmtp_parse_iperf3(const char *out,
                                   bool udp,
                                   bool reverse,
                                   struct vmtp_tool_report *rep,
                                   struct vmtp_error *err);
/* vmtp-agent's client JSON (docs/agent.md in the agent's tree). */
enum vmtp_status vmtp_parse_agent(const char *out,
                                  bool udp,
                                  struct vmtp_tool_report *rep,
                                  struct vmtp_error *err);
/*
 * Parse a version banner into "name-x.y[.z]" in buf. Accepts the output
 * of `nuttcp -V`, `iperf -v`, `iperf3 -v` and `vmtp-agent --version`
 * (name "vmtp", giving "vmtp-agent-x.y.z").
 */
enum vmtp_status vmtp_parse_tool_version(const char *name,
                                         const char *out,
                                         char *buf,
                                         size_t buflen,
                                         struct vmtp_error *err);

/* Drivers (tool_*.c). */
extern const struct vmtp_tool_ops vmtp_tool_nuttcp_ops;
extern const struct vmtp_tool_ops vmtp_tool_iperf2_ops;
extern const struct vmtp_tool_ops vmtp_tool_iperf3_ops;
extern const struct vmtp_tool_ops vmtp_tool_agent_ops;

#endif
