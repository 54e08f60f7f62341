/* \summary: Ganglia gmond CPU-load poller used during full-length runs */
#ifndef VMTP_LIB_MONITOR_GANGLIA_H
#define VMTP_LIB_MONITOR_GANGLIA_H

#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>

#include "error.h"
#include "log.h"
#include "vx_buf.h"

#define VMTP_GMOND_DEFAULT_PORT  8649
#define VMTP_GMOND_MAX_XML_BYTES ((size_t)16 * 1024 * 1024)
#define VMTP_GMOND_MAX_HOSTS     10000u
#define VMTP_GMOND_MAX_DEPTH     64u
#define VMTP_GMOND_INTERVAL_MS   10000 /* the original polls every 10 s */
#define VMTP_GMOND_MAX_POLLS     20    /* ... at most 20 times */
#define VMTP_GMOND_TIMEOUT_MS    10000 /* ... with a 10 s socket timeout */

/* What one HOST element of a gmond XML dump says about CPU use. */
struct vmtp_gmond_host {
    char name[256];      /* NAME attribute ("" when absent) */
    char ip[64];         /* IP attribute ("" when absent) */
    double cpu_user_pct; /* METRIC cpu_user, 0 when absent or not a number */
    double cpu_system_pct;
    long cpu_num; /* METRIC cpu_num, 0 when absent or not a number */
};

/* All hosts of one dump, in document order. init/release. */
struct vmtp_gmond_dump {
    struct vmtp_gmond_host *hosts;
    size_t n_hosts;
};

void vmtp_gmond_dump_release(struct vmtp_gmond_dump *dump);

/*
 * Parse a gmond (or gmetad) XML dump of `len` bytes. Every HOST element,
 * wherever it sits (under CLUSTER, GRID or the root), becomes one entry.
 * The parser (expat) works on the bytes as given and never loads anything
 * from outside; a document that declares entities is refused (no entity
 * expansion at all), and so is one nested deeper than VMTP_GMOND_MAX_DEPTH
 * or with more than VMTP_GMOND_MAX_HOSTS hosts.
 * On success *dump (which must be zeroed or released) owns the host list;
 * on failure it is left empty and err says why (VMTP_E_PARSE, _NOMEM).
 * Thread-safe (no shared state).
 */
enum vmtp_status vmtp_gmond_parse(const char *xml,
                                  size_t len,
                                  struct vmtp_gmond_dump *dump,
                                  struct vmtp_error *err);

/*
 * CPU load of one host as the original computes it:
 * round((cpu_user + cpu_system) * cpu_num / 100, 2), i.e. how many CPUs'
 * worth of time is busy.
 */
double vmtp_gmond_cpu_load(const struct vmtp_gmond_host *host);

/*
 * Connect to gmond at host:port (a numeric IPv4 or IPv6 address) and read
 * its whole XML dump into `out` (which caps the size: a reply larger than
 * its max is an error). Gives up after `timeout_ms` without progress when
 * connecting or reading, and after 3 * timeout_ms in total. When stop_fd
 * is >= 0 and becomes readable, gives up at once with VMTP_E_CANCELLED.
 * Errors: VMTP_E_INVAL (bad address), VMTP_E_CONNECT, VMTP_E_TIMEOUT,
 * VMTP_E_SYS, VMTP_E_PARSE (reply too large), VMTP_E_CANCELLED.
 */
enum vmtp_status vmtp_gmond_fetch(const char *host,
                                  int port,
                                  int timeout_ms,
                                  int stop_fd,
                                  struct vx_buf *out,
                                  struct vmtp_error *err);

/*
 * Parse the argument of -m: "IP" or "IP:PORT" (IPv6 as "[IP]:PORT"; the
 * port defaults to 8649). Writes the address into host (hostlen bytes).
 * Errors: VMTP_E_INVAL with a message naming the value.
 */
enum vmtp_status vmtp_ganglia_parse_addr(const char *arg,
                                         char *host,
                                         size_t hostlen,
                                         int *port,
                                         struct vmtp_error *err);

/* Poller settings; zero fields take the defaults above. */
struct vmtp_ganglia_params {
    int interval_ms;      /* time between polls; the first is immediate */
    int max_polls;        /* stop polling after this many */
    int timeout_ms;       /* see vmtp_gmond_fetch() */
    size_t max_xml_bytes; /* cap on one dump */
};

/* What the poller did; filled by vmtp_ganglia_stop(). */
struct vmtp_ganglia_stats {
    int polls_ok;
    int polls_failed;
    struct vmtp_error last_error; /* the last failed poll, else VMTP_OK */
};

struct vmtp_ganglia;

/*
 * Start polling gmond at host:port in a background thread (pthread): one
 * poll at once, then one every interval_ms, at most max_polls. A poll that
 * fails (refused, silent server, malformed XML) is logged as a warning
 * through lg and skipped: the measurement goes on. `lg` (NULL allowed) is
 * borrowed and must outlive the handle; its hook is called from the
 * poller thread. params may be NULL for the defaults.
 * On success *out is a handle to pass to vmtp_ganglia_stop(). Errors:
 * VMTP_E_INVAL (bad address or port), VMTP_E_NOMEM, VMTP_E_SYS (thread).
 */
enum vmtp_status vmtp_ganglia_start(const char *host,
                                    int port,
                                    const struct vmtp_logger *lg,
                                    const struct vmtp_ganglia_params *params,
                                    struct vmtp_ganglia **out,
                                    struct vmtp_error *err);

/*
 * Stop the poller promptly (an in-flight poll is abandoned at once, not
 * after its timeout), join the thread and free the handle (NULL allowed).
 * Returns the `cpu_load` object for a result's `extra`:
 * { "<host IP>": [load_poll1, load_poll2, ...] }, first value the baseline,
 * or NULL when no poll succeeded (the key is then omitted, as in the
 * original). The caller owns the returned object (json_decref()).
 * If stats is not NULL it receives the poll counters.
 */
json_t *vmtp_ganglia_stop(struct vmtp_ganglia *mon,
                          struct vmtp_ganglia_stats *stats);

#endif
