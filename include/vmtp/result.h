/* \summary: libvmtp results document: create, render and load JSON, read */
#ifndef VMTP_RESULT_H
#define VMTP_RESULT_H

#include <vmtp/vmtp.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A results document: the top-level object of the original VMTP JSON
 * (flows, date, args, version, run_id, ...). See docs/results-schema.md.
 *
 * Ownership: a document comes from vmtp_results_new() or one of the
 * loaders and goes back through vmtp_results_free(). Every `const char *`
 * returned by an accessor is borrowed from the document: it stays valid
 * until the document is changed or freed. Every `char *` returned through
 * an out parameter is owned by the caller: free it with free().
 *
 * Numbers that a document does not hold are returned as NAN (test with
 * isnan()); strings it does not hold as NULL. Indexes out of range behave
 * like absent fields (NULL, NAN, 0), never undefined behaviour.
 */
struct vmtp_results;

/* A new, empty document (no flows). Free with vmtp_results_free(). */
VMTP_API struct vmtp_results *vmtp_results_new(void);

/* Free a document and everything in it. Accepts NULL. */
VMTP_API void vmtp_results_free(struct vmtp_results *doc);

/* Largest results file the loaders accept: 16 MiB. */
#define VMTP_RESULTS_MAX_BYTES ((size_t)16 * 1024 * 1024)

/*
 * Parse `len` bytes of JSON text into a new document. Tolerates the
 * original VMTP's documents (string ping values, missing fields, a flow
 * whose "results" is a bare error string). On success returns VMTP_OK and
 * *out owns the document (free with vmtp_results_free()); on failure
 * returns VMTP_E_PARSE (or VMTP_E_NOMEM), sets *out to NULL and puts a
 * message naming the JSON path into *err (NULL allowed).
 */
VMTP_API enum vmtp_status vmtp_results_load_json(const char *text,
                                                 size_t len,
                                                 struct vmtp_results **out,
                                                 struct vmtp_error *err);

/*
 * The same from a file; the message names the file. Files larger than
 * VMTP_RESULTS_MAX_BYTES are refused (VMTP_E_PARSE); a file that cannot
 * be opened or read is VMTP_E_SYS.
 */
VMTP_API enum vmtp_status vmtp_results_load_file(const char *path,
                                                 struct vmtp_results **out,
                                                 struct vmtp_error *err);

/*
 * Render the document as the results file's JSON (sorted keys, 4-space
 * indent, ending with a newline). On success *out is owned by the caller
 * (free with free()).
 */
VMTP_API enum vmtp_status vmtp_results_to_json(const struct vmtp_results *doc,
                                               char **out,
                                               struct vmtp_error *err);

/*
 * Write the JSON to `path` safely: a temporary file in the same
 * directory, fsync, then rename over `path`, so a reader never sees half
 * a document and an old file is kept if writing fails (VMTP_E_SYS).
 */
VMTP_API enum vmtp_status vmtp_results_save_file(const struct vmtp_results *doc,
                                                 const char *path,
                                                 struct vmtp_error *err);

/*
 * Set a top-level string field by its JSON key: "date", "args",
 * "version", "run_id", "test_description", "auth_url", "l2agent_type",
 * "encapsulation", "distro", "openstack_version", "cpu_info". `value` is
 * copied; NULL removes the field. VMTP_E_INVAL for another key.
 */
VMTP_API enum vmtp_status
vmtp_results_set(struct vmtp_results *doc, const char *key, const char *value);

/*
 * Compute "run_id" from the current "args", "date" and "version" (in that
 * order, absent ones as empty): the first 7 hex digits of their MD5, as
 * the original VMTP does. Call it after masking "args".
 */
VMTP_API enum vmtp_status vmtp_results_update_run_id(struct vmtp_results *doc);

/* A top-level string field by JSON key (see vmtp_results_set()), or NULL. */
VMTP_API const char *vmtp_results_get(const struct vmtp_results *doc,
                                      const char *key);

/* Number of flows. */
VMTP_API size_t vmtp_results_flow_count(const struct vmtp_results *doc);

/*
 * A string field of flow `flow` by JSON key: "desc", "ip_from", "ip_to",
 * "az_from", "az_to", "distro_id", "distro_version", "multicast_address",
 * "error" (the flow could not be measured), or NULL.
 */
VMTP_API const char *vmtp_results_flow_get(const struct vmtp_results *doc,
                                           size_t flow,
                                           const char *key);

/* Number of entries in the flow's "results" (the ICMP entry included). */
VMTP_API size_t vmtp_results_result_count(const struct vmtp_results *doc,
                                          size_t flow);

/* "TCP", "UDP", "ICMP" or "Multicast" (static string), or NULL. */
VMTP_API const char *vmtp_results_result_protocol(
        const struct vmtp_results *doc, size_t flow, size_t res);

/* The tool ("nuttcp-8.1.4", "iperf-2.1.8", "ping", ...), or NULL. */
VMTP_API const char *vmtp_results_result_tool(const struct vmtp_results *doc,
                                              size_t flow,
                                              size_t res);

/* Why this entry has no figures, or NULL when it has. */
VMTP_API const char *vmtp_results_result_error(const struct vmtp_results *doc,
                                               size_t flow,
                                               size_t res);

/* True for a reverse (download) entry: "direction": "reverse". */
VMTP_API bool vmtp_results_result_reverse(const struct vmtp_results *doc,
                                          size_t flow,
                                          size_t res);

/*
 * A number of a result entry by JSON key: "throughput_kbps" (kbit/s, SI),
 * "loss_rate" (percent), "pkt_size" (bytes), "rtt_ms", "retrans",
 * "jitter" (ms), "bandwidth_limit_kbps", "pkt_rate_pps"; NAN when absent.
 */
VMTP_API double vmtp_results_result_number(const struct vmtp_results *doc,
                                           size_t flow,
                                           size_t res,
                                           const char *key);

/* Shorthands for vmtp_results_result_number(). */
VMTP_API double vmtp_results_result_throughput_kbps(
        const struct vmtp_results *doc, size_t flow, size_t res);
VMTP_API double vmtp_results_result_loss_rate(const struct vmtp_results *doc,
                                              size_t flow,
                                              size_t res);
VMTP_API double vmtp_results_result_pkt_size(const struct vmtp_results *doc,
                                             size_t flow,
                                             size_t res);
VMTP_API double vmtp_results_result_rtt_ms(const struct vmtp_results *doc,
                                           size_t flow,
                                           size_t res);

/* Number of ping sizes in an ICMP entry (0 for other protocols). */
VMTP_API size_t vmtp_results_icmp_count(const struct vmtp_results *doc,
                                        size_t flow,
                                        size_t res);

/*
 * A number of ping size `k` by JSON key: "packet_size", "tx_packets",
 * "rx_packets", "rtt_min_ms", "rtt_avg_ms", "rtt_max_ms", "rtt_stddev",
 * "rtt_p50_ms", "rtt_p90_ms", "rtt_p99_ms"; NAN when absent.
 */
VMTP_API double vmtp_results_icmp_number(const struct vmtp_results *doc,
                                         size_t flow,
                                         size_t res,
                                         size_t k,
                                         const char *key);

/* Why ping size `k` has no figures ("ping failed"), or NULL. */
VMTP_API const char *vmtp_results_icmp_error(const struct vmtp_results *doc,
                                             size_t flow,
                                             size_t res,
                                             size_t k);

/* Flags of vmtp_results_report_table(). */
#define VMTP_REPORT_COLOR 0x1u /* ANSI colours on PASSED / FAILED */

/*
 * The summary table printed at the end of a run (the original's 30
 * scenario rows, all of them counted; docs/results-schema.md describes
 * the Data format). On success *out is owned by the caller (free with
 * free()); it ends with a newline.
 */
VMTP_API enum vmtp_status
vmtp_results_report_table(const struct vmtp_results *doc,
                          unsigned flags,
                          char **out,
                          struct vmtp_error *err);

/*
 * The counts of that table (any pointer may be NULL). A run whose
 * `failed` is not 0 should exit with status 1.
 */
VMTP_API void vmtp_results_report_counts(const struct vmtp_results *doc,
                                         size_t *passed,
                                         size_t *failed,
                                         size_t *skipped);

/* Protocol selection of vmtp_results_chart_html() (genchart -p). */
#define VMTP_CHART_TCP  0x1u
#define VMTP_CHART_UDP  0x2u
#define VMTP_CHART_ICMP 0x4u
#define VMTP_CHART_ALL  0x7u

/*
 * One self-contained HTML page (no scripts, no network) with SVG bar
 * charts and the properties of `n` documents side by side. `labels[i]`
 * names document i (a file name; NULL allowed). Every string from a
 * document is HTML-escaped. On success *out is owned by the caller (free
 * with free()).
 */
VMTP_API enum vmtp_status
vmtp_results_chart_html(const struct vmtp_results *const *docs,
                        const char *const *labels,
                        size_t n,
                        unsigned protocols,
                        char **out,
                        struct vmtp_error *err);

#ifdef __cplusplus
}
#endif

#endif
