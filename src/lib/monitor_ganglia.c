/* \summary: Ganglia gmond CPU-load poller: bounded fetch, expat parse */
#include "monitor_ganglia.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <expat.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_str.h"
#include "vx_time.h"

/* ---- XML: one pass over the dump with expat (SAX, no tree, no I/O) ---- */

struct parse_state {
    XML_Parser parser;
    struct vmtp_gmond_dump *dump;
    size_t cap_hosts;
    unsigned depth;
    unsigned host_depth; /* depth of the open HOST element, 0 when none */
    bool seen_user, seen_system, seen_num;
    enum vmtp_status status; /* set when a handler aborts the parse */
    char why[160];
};

static void
parse_abort(struct parse_state *st, enum vmtp_status code, const char *why)
{
    if (st->status == VMTP_OK) {
        st->status = code;
        vx_strlcpy(st->why, why, sizeof(st->why));
    }
    (void)XML_StopParser(st->parser, XML_FALSE);
}

static const char *
attr(const XML_Char **atts, const char *name)
{
    for (size_t i = 0; atts[i] != NULL && atts[i + 1] != NULL; i += 2) {
        if (strcmp(atts[i], name) == 0) {
            return atts[i + 1];
        }
    }
    return NULL;
}

/* A metric value as the original reads it; what is not a number counts 0. */
static double
metric_number(const char *val)
{
    double d = 0;

    if (val == NULL || vx_strtod(val, &d) != 0 || !isfinite(d)) {
        return 0;
    }
    return d;
}

static void
open_host(struct parse_state *st, const XML_Char **atts)
{
    struct vmtp_gmond_dump *dump = st->dump;
    struct vmtp_gmond_host *h;
    const char *s;

    if (dump->n_hosts == st->cap_hosts) {
        size_t ncap = st->cap_hosts == 0 ? 16 : st->cap_hosts * 2;
        struct vmtp_gmond_host *n;

        if (dump->n_hosts >= VMTP_GMOND_MAX_HOSTS) {
            parse_abort(st, VMTP_E_PARSE, "too many HOST elements");
            return;
        }
        n = vx_reallocarray(dump->hosts, ncap, sizeof(*n));
        if (n == NULL) {
            parse_abort(st, VMTP_E_NOMEM, "out of memory");
            return;
        }
        dump->hosts = n;
        st->cap_hosts = ncap;
    }
    h = &dump->hosts[dump->n_hosts++];
    memset(h, 0, sizeof(*h));
    s = attr(atts, "NAME");
    vx_strlcpy(h->name, s != NULL ? s : "", sizeof(h->name));
    s = attr(atts, "IP");
    vx_strlcpy(h->ip, s != NULL ? s : "", sizeof(h->ip));
    st->host_depth = st->depth;
    st->seen_user = st->seen_system = st->seen_num = false;
}

/* Within a HOST, the first METRIC of each name wins (as in the original). */
static void
add_metric(struct parse_state *st, const XML_Char **atts)
{
    struct vmtp_gmond_host *h = &st->dump->hosts[st->dump->n_hosts - 1];
    const char *name = attr(atts, "NAME");
    const char *val = attr(atts, "VAL");

    if (name == NULL) {
        return;
    }
    if (!st->seen_user && strcmp(name, "cpu_user") == 0) {
        h->cpu_user_pct = metric_number(val);
        st->seen_user = true;
    } else if (!st->seen_system && strcmp(name, "cpu_system") == 0) {
        h->cpu_system_pct = metric_number(val);
        st->seen_system = true;
    } else if (!st->seen_num && strcmp(name, "cpu_num") == 0) {
        double n = metric_number(val);

        h->cpu_num = n >= 0 && n <= 1e6 ? (long)n : 0;
        st->seen_num = true;
    }
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct parse_state *st = ud;

    if (++st->depth > VMTP_GMOND_MAX_DEPTH) {
        parse_abort(st, VMTP_E_PARSE, "elements nested too deep");
        return;
    }
    if (strcmp(name, "HOST") == 0) {
        open_host(st, atts);
    } else if (strcmp(name, "METRIC") == 0 && st->host_depth != 0) {
        add_metric(st, atts);
    }
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
    struct parse_state *st = ud;

    (void)name;
    if (st->depth == st->host_depth) {
        st->host_depth = 0;
    }
    if (st->depth > 0) {
        st->depth--;
    }
}

/* Entities are how XML bombs work; gmond never declares any. */
static void XMLCALL
on_entity_decl(void *ud,
               const XML_Char *name,
               int is_param,
               const XML_Char *value,
               int value_len,
               const XML_Char *base,
               const XML_Char *system_id,
               const XML_Char *public_id,
               const XML_Char *notation)
{
    (void)name;
    (void)is_param;
    (void)value;
    (void)value_len;
    (void)base;
    (void)system_id;
    (void)public_id;
    (void)notation;
    parse_abort(ud, VMTP_E_PARSE, "entity declarations are not accepted");
}

void
vmtp_gmond_dump_release(struct vmtp_gmond_dump *dump)
{
    if (dump == NULL) {
        return;
    }
    VX_FREE(dump->hosts);
    dump->n_hosts = 0;
}

enum vmtp_status
vmtp_gmond_parse(const char *xml,
                 size_t len,
                 struct vmtp_gmond_dump *dump,
                 struct vmtp_error *err)
{
    struct parse_state st;
    enum vmtp_status rc = VMTP_OK;

    memset(&st, 0, sizeof(st));
    dump->hosts = NULL;
    dump->n_hosts = 0;
    if (len > VMTP_GMOND_MAX_XML_BYTES || len > INT_MAX) {
        return vmtp_error_set(err, VMTP_E_PARSE,
                              "gmond XML of %zu bytes is over the %zu limit",
                              len, VMTP_GMOND_MAX_XML_BYTES);
    }
    st.parser = XML_ParserCreate(NULL);
    if (st.parser == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "cannot create XML parser");
    }
    st.dump = dump;
    XML_SetUserData(st.parser, &st);
    XML_SetElementHandler(st.parser, on_start, on_end);
    XML_SetEntityDeclHandler(st.parser, on_entity_decl);
    (void)XML_SetParamEntityParsing(st.parser, XML_PARAM_ENTITY_PARSING_NEVER);
    if (XML_Parse(st.parser, xml, (int)len, XML_TRUE) != XML_STATUS_OK) {
        if (st.status != VMTP_OK) {
            rc = vmtp_error_set(err, st.status, "gmond XML: %s", st.why);
        } else {
            rc = vmtp_error_set(
                    err, VMTP_E_PARSE, "gmond XML line %lu: %s",
                    (unsigned long)XML_GetCurrentLineNumber(st.parser),
                    XML_ErrorString(XML_GetErrorCode(st.parser)));
        }
        vmtp_gmond_dump_release(dump);
    }
    XML_ParserFree(st.parser);
    return rc;
}

double
vmtp_gmond_cpu_load(const struct vmtp_gmond_host *host)
{
    double load = (host->cpu_user_pct + host->cpu_system_pct) *
                  (double)host->cpu_num / 100.0;

    return round(load * 100.0) / 100.0;
}

/* ---- fetching the dump: non-blocking connect and read with deadlines ---- */

static int
remaining_ms(uint64_t deadline_us, int idle_ms)
{
    uint64_t now = vx_now_us();
    uint64_t left;

    if (now >= deadline_us) {
        return 0;
    }
    left = (deadline_us - now + 999) / 1000;
    return left < (uint64_t)idle_ms ? (int)left : idle_ms;
}

/*
 * Wait until fd is ready for `events` or stop_fd is readable. Returns 1
 * when fd is ready, 0 on timeout, -2 when stopped, -1 with errno.
 */
static int
wait_fd(int fd, short events, int stop_fd, int timeout_ms)
{
    struct pollfd p[2];
    nfds_t n = 1;
    int r;

    p[0].fd = fd;
    p[0].events = events;
    p[0].revents = 0;
    if (stop_fd >= 0) {
        p[1].fd = stop_fd;
        p[1].events = POLLIN;
        p[1].revents = 0;
        n = 2;
    }
    do {
        r = poll(p, n, timeout_ms);
    } while (r < 0 && errno == EINTR);
    if (r <= 0) {
        return r;
    }
    if (n == 2 && p[1].revents != 0) {
        return -2;
    }
    return 1;
}

static void
format_addr(char *buf, size_t len, const char *host, int port)
{
    bool v6 = strchr(host, ':') != NULL;

    (void)snprintf(buf, len, "%s%s%s:%d", v6 ? "[" : "", host, v6 ? "]" : "",
                   port);
}

static enum vmtp_status
open_socket(const char *host,
            int port,
            const char *where,
            int *fdp,
            struct vmtp_error *err)
{
    struct addrinfo hints;
    struct addrinfo *ai = NULL;
    char portstr[16];
    int fd = -1;
    int gai;
    enum vmtp_status rc = VMTP_OK;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    (void)snprintf(portstr, sizeof(portstr), "%d", port);
    gai = getaddrinfo(host, portstr, &hints, &ai);
    if (gai != 0 || ai == NULL) {
        rc = vmtp_error_set(err, VMTP_E_INVAL,
                            "gmond address '%s' is not a numeric IP address",
                            host);
        goto out;
    }
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        int e = errno;
        char eb[128];

        rc = vmtp_error_set_sys(err, VMTP_E_SYS, e,
                                "cannot create socket for gmond %s: %s", where,
                                vx_strerror(e, eb, sizeof(eb)));
        goto out;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
        int e = errno;
        char eb[128];

        rc = vmtp_error_set_sys(err, VMTP_E_CONNECT, e,
                                "cannot connect to gmond %s: %s", where,
                                vx_strerror(e, eb, sizeof(eb)));
        goto out;
    }
    *fdp = fd;
    fd = -1;
out:
    if (fd >= 0) {
        (void)close(fd);
    }
    if (ai != NULL) {
        freeaddrinfo(ai);
    }
    return rc;
}

static enum vmtp_status
finish_connect(int fd,
               int stop_fd,
               int timeout_ms,
               const char *where,
               struct vmtp_error *err)
{
    int r = wait_fd(fd, POLLOUT, stop_fd, timeout_ms);
    int soerr = 0;
    socklen_t sl = sizeof(soerr);
    char eb[128];

    if (r == -2) {
        return vmtp_error_set(err, VMTP_E_CANCELLED, "gmond poll of %s stopped",
                              where);
    }
    if (r == 0) {
        return vmtp_error_set(err, VMTP_E_TIMEOUT,
                              "cannot connect to gmond %s: no answer in %d ms",
                              where, timeout_ms);
    }
    if (r < 0) {
        int e = errno;

        return vmtp_error_set_sys(err, VMTP_E_SYS, e, "poll: %s",
                                  vx_strerror(e, eb, sizeof(eb)));
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0) {
        soerr = errno;
    }
    if (soerr != 0) {
        return vmtp_error_set_sys(err, VMTP_E_CONNECT, soerr,
                                  "cannot connect to gmond %s: %s", where,
                                  vx_strerror(soerr, eb, sizeof(eb)));
    }
    return VMTP_OK;
}

static enum vmtp_status
read_all(int fd,
         int stop_fd,
         int timeout_ms,
         uint64_t deadline_us,
         const char *where,
         struct vx_buf *out,
         struct vmtp_error *err)
{
    char chunk[16384];
    char eb[128];

    for (;;) {
        int wait_ms = remaining_ms(deadline_us, timeout_ms);
        int r = wait_ms > 0 ? wait_fd(fd, POLLIN, stop_fd, wait_ms) : 0;
        ssize_t n;

        if (r == -2) {
            return vmtp_error_set(err, VMTP_E_CANCELLED,
                                  "gmond poll of %s stopped", where);
        }
        if (r == 0) {
            return vmtp_error_set(
                    err, VMTP_E_TIMEOUT,
                    "gmond %s sent no complete XML dump in time (%zu bytes "
                    "read)",
                    where, vx_buf_len(out));
        }
        if (r < 0) {
            int e = errno;

            return vmtp_error_set_sys(err, VMTP_E_SYS, e, "poll: %s",
                                      vx_strerror(e, eb, sizeof(eb)));
        }
        n = read(fd, chunk, sizeof(chunk));
        if (n == 0) {
            return VMTP_OK;
        }
        if (n < 0) {
            int e = errno;

            if (e == EINTR || e == EAGAIN) {
                continue;
            }
            return vmtp_error_set_sys(err, VMTP_E_CONNECT, e,
                                      "cannot read from gmond %s: %s", where,
                                      vx_strerror(e, eb, sizeof(eb)));
        }
        if (vx_buf_add(out, chunk, (size_t)n) != 0) {
            int e = errno;

            if (e == E2BIG) {
                return vmtp_error_set(err, VMTP_E_PARSE,
                                      "gmond %s sent more than %zu bytes",
                                      where, out->max);
            }
            return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        }
    }
}

enum vmtp_status
vmtp_gmond_fetch(const char *host,
                 int port,
                 int timeout_ms,
                 int stop_fd,
                 struct vx_buf *out,
                 struct vmtp_error *err)
{
    char where[96];
    int fd = -1;
    uint64_t deadline_us;
    enum vmtp_status rc;

    if (host == NULL || port < 1 || port > 65535 || timeout_ms <= 0) {
        return vmtp_error_set(err, VMTP_E_INVAL, "bad gmond address or port");
    }
    format_addr(where, sizeof(where), host, port);
    deadline_us = vx_now_us() + 3 * (uint64_t)timeout_ms * 1000;
    vx_buf_reset(out);
    rc = open_socket(host, port, where, &fd, err);
    if (rc != VMTP_OK) {
        goto out;
    }
    rc = finish_connect(fd, stop_fd, timeout_ms, where, err);
    if (rc != VMTP_OK) {
        goto out;
    }
    rc = read_all(fd, stop_fd, timeout_ms, deadline_us, where, out, err);
out:
    if (fd >= 0) {
        (void)close(fd);
    }
    return rc;
}

enum vmtp_status
vmtp_ganglia_parse_addr(const char *arg,
                        char *host,
                        size_t hostlen,
                        int *port,
                        struct vmtp_error *err)
{
    char addr[INET6_ADDRSTRLEN + 8];
    const char *portstr = NULL;
    unsigned char bin[sizeof(struct in6_addr)];
    const char *errstr = NULL;
    char *colon;

    if (arg == NULL || *arg == '\0' || strlen(arg) >= sizeof(addr)) {
        goto bad;
    }
    vx_strlcpy(addr, arg, sizeof(addr));
    if (addr[0] == '[') {
        char *close_br = strchr(addr, ']');

        if (close_br == NULL) {
            goto bad;
        }
        *close_br = '\0';
        if (close_br[1] == ':') {
            portstr = close_br + 2;
        } else if (close_br[1] != '\0') {
            goto bad;
        }
        memmove(addr, addr + 1, strlen(addr + 1) + 1);
        if (inet_pton(AF_INET6, addr, bin) != 1) {
            goto bad;
        }
    } else if (inet_pton(AF_INET6, addr, bin) == 1) {
        /* A bare IPv6 address: no port possible. */
    } else {
        colon = strchr(addr, ':');
        if (colon != NULL) {
            *colon = '\0';
            portstr = colon + 1;
        }
        if (inet_pton(AF_INET, addr, bin) != 1) {
            goto bad;
        }
    }
    *port = VMTP_GMOND_DEFAULT_PORT;
    if (portstr != NULL) {
        *port = (int)vx_strtonum(portstr, 1, 65535, &errstr);
        if (errstr != NULL) {
            goto bad;
        }
    }
    if (strlen(addr) >= hostlen) {
        goto bad;
    }
    vx_strlcpy(host, addr, hostlen);
    return VMTP_OK;
bad:
    return vmtp_error_set(err, VMTP_E_INVAL,
                          "invalid --monitor value '%s': expected IP[:PORT]",
                          arg != NULL ? arg : "");
}

/* ---- the poller thread ---- */

struct vmtp_ganglia {
    char host[INET6_ADDRSTRLEN];
    int port;
    struct vmtp_ganglia_params params;
    const struct vmtp_logger *lg;
    int stop_pipe[2];
    pthread_t thread;
    json_t *cpu_load; /* touched only by the thread until it is joined */
    struct vmtp_ganglia_stats stats;
};

static enum vmtp_status
record_poll(struct vmtp_ganglia *mon,
            const struct vmtp_gmond_dump *dump,
            struct vmtp_error *err)
{
    for (size_t i = 0; i < dump->n_hosts; i++) {
        const struct vmtp_gmond_host *h = &dump->hosts[i];
        const char *key = h->ip[0] != '\0' ? h->ip : h->name;
        json_t *list;

        if (key[0] == '\0') {
            continue;
        }
        list = json_object_get(mon->cpu_load, key);
        if (list == NULL) {
            list = json_array();
            if (list == NULL ||
                json_object_set_new(mon->cpu_load, key, list) != 0) {
                return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
            }
        }
        if (json_array_append_new(list, json_real(vmtp_gmond_cpu_load(h))) !=
            0) {
            return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        }
    }
    return VMTP_OK;
}

static enum vmtp_status
poll_once(struct vmtp_ganglia *mon, struct vx_buf *xml, struct vmtp_error *err)
{
    struct vmtp_gmond_dump dump = {NULL, 0};
    enum vmtp_status rc;

    vx_buf_init(xml, mon->params.max_xml_bytes);
    rc = vmtp_gmond_fetch(mon->host, mon->port, mon->params.timeout_ms,
                          mon->stop_pipe[0], xml, err);
    if (rc == VMTP_OK) {
        rc = vmtp_gmond_parse(vx_buf_str(xml), vx_buf_len(xml), &dump, err);
    }
    if (rc == VMTP_OK) {
        rc = record_poll(mon, &dump, err);
        VLOG(mon->lg, VMTP_LOG_DEBUG, "gmond poll: %zu bytes, %zu hosts",
             vx_buf_len(xml), dump.n_hosts);
    }
    vmtp_gmond_dump_release(&dump);
    vx_buf_release(xml);
    return rc;
}

/* Sleep up to ms, waking at once when stopped. Returns true when stopped. */
static bool
sleep_or_stop(struct vmtp_ganglia *mon, int ms)
{
    uint64_t deadline_us = vx_now_us() + (uint64_t)ms * 1000;
    int left;

    while ((left = remaining_ms(deadline_us, ms)) > 0) {
        struct pollfd p = {.fd = mon->stop_pipe[0], .events = POLLIN};
        int r = poll(&p, 1, left);

        if (r > 0) {
            return true;
        }
        if (r < 0 && errno != EINTR) {
            return true; /* cannot wait: stop rather than spin */
        }
    }
    return false;
}

static void *
poller_main(void *arg)
{
    struct vmtp_ganglia *mon = arg;
    char where[96];

    format_addr(where, sizeof(where), mon->host, mon->port);
    for (int i = 0; i < mon->params.max_polls; i++) {
        struct vmtp_error err;
        struct vx_buf xml;
        enum vmtp_status rc;

        if (i > 0 && sleep_or_stop(mon, mon->params.interval_ms)) {
            break;
        }
        vmtp_error_clear(&err);
        rc = poll_once(mon, &xml, &err);
        if (rc == VMTP_E_CANCELLED) {
            break;
        }
        if (rc != VMTP_OK) {
            mon->stats.polls_failed++;
            mon->stats.last_error = err;
            VLOG(mon->lg, VMTP_LOG_WARN,
                 "ganglia: poll %d of gmond %s failed, skipped: %s", i + 1,
                 where, err.msg);
            continue;
        }
        mon->stats.polls_ok++;
    }
    return NULL;
}

enum vmtp_status
vmtp_ganglia_start(const char *host,
                   int port,
                   const struct vmtp_logger *lg,
                   const struct vmtp_ganglia_params *params,
                   struct vmtp_ganglia **out,
                   struct vmtp_error *err)
{
    struct vmtp_ganglia *mon = NULL;
    unsigned char bin[sizeof(struct in6_addr)];
    enum vmtp_status rc = VMTP_OK;
    int e;

    *out = NULL;
    if (host == NULL || strlen(host) >= INET6_ADDRSTRLEN ||
        (inet_pton(AF_INET, host, bin) != 1 &&
         inet_pton(AF_INET6, host, bin) != 1)) {
        return vmtp_error_set(err, VMTP_E_INVAL,
                              "gmond address '%s' is not a numeric IP address",
                              host != NULL ? host : "");
    }
    if (port < 1 || port > 65535) {
        return vmtp_error_set(err, VMTP_E_INVAL, "gmond port %d out of range",
                              port);
    }
    mon = vx_calloc(1, sizeof(*mon));
    if (mon == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    mon->stop_pipe[0] = mon->stop_pipe[1] = -1;
    vx_strlcpy(mon->host, host, sizeof(mon->host));
    mon->port = port;
    mon->lg = lg;
    if (params != NULL) {
        mon->params = *params;
    }
    if (mon->params.interval_ms <= 0) {
        mon->params.interval_ms = VMTP_GMOND_INTERVAL_MS;
    }
    if (mon->params.max_polls <= 0) {
        mon->params.max_polls = VMTP_GMOND_MAX_POLLS;
    }
    if (mon->params.timeout_ms <= 0) {
        mon->params.timeout_ms = VMTP_GMOND_TIMEOUT_MS;
    }
    if (mon->params.max_xml_bytes == 0 ||
        mon->params.max_xml_bytes > VMTP_GMOND_MAX_XML_BYTES) {
        mon->params.max_xml_bytes = VMTP_GMOND_MAX_XML_BYTES;
    }
    vmtp_error_clear(&mon->stats.last_error);
    mon->cpu_load = json_object();
    if (mon->cpu_load == NULL) {
        rc = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        goto out;
    }
    if (pipe2(mon->stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        char eb[128];

        e = errno;
        rc = vmtp_error_set_sys(err, VMTP_E_SYS, e, "pipe: %s",
                                vx_strerror(e, eb, sizeof(eb)));
        goto out;
    }
    e = pthread_create(&mon->thread, NULL, poller_main, mon);
    if (e != 0) {
        char eb[128];

        rc = vmtp_error_set_sys(err, VMTP_E_SYS, e,
                                "cannot start the ganglia poller: %s",
                                vx_strerror(e, eb, sizeof(eb)));
        goto out;
    }
    VLOG(lg, VMTP_LOG_INFO, "ganglia monitoring of %s:%d started", host, port);
    *out = mon;
    mon = NULL;
out:
    if (mon != NULL) {
        if (mon->stop_pipe[0] >= 0) {
            (void)close(mon->stop_pipe[0]);
            (void)close(mon->stop_pipe[1]);
        }
        json_decref(mon->cpu_load);
        free(mon);
    }
    return rc;
}

json_t *
vmtp_ganglia_stop(struct vmtp_ganglia *mon, struct vmtp_ganglia_stats *stats)
{
    json_t *res;
    ssize_t w;

    if (mon == NULL) {
        if (stats != NULL) {
            memset(stats, 0, sizeof(*stats));
        }
        return NULL;
    }
    do {
        w = write(mon->stop_pipe[1], "x", 1);
    } while (w < 0 && errno == EINTR);
    (void)pthread_join(mon->thread, NULL);
    (void)close(mon->stop_pipe[0]);
    (void)close(mon->stop_pipe[1]);
    res = mon->cpu_load;
    if (json_object_size(res) == 0) {
        json_decref(res);
        res = NULL;
    }
    if (stats != NULL) {
        *stats = mon->stats;
    }
    VLOG(mon->lg, VMTP_LOG_INFO,
         "ganglia monitoring stopped: %d polls ok, %d failed",
         mon->stats.polls_ok, mon->stats.polls_failed);
    free(mon);
    return res;
}
