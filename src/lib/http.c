/* \summary: HTTP client for the OpenStack APIs (the only owner of libcurl) */
#include "http.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "internal.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_str.h"
#include "vx_time.h"

#define TRACE_MAX_BYTES 4096

struct vmtp_http {
    struct vmtp_ctx *ctx;
    CURL *curl;
    struct vmtp_http_opts opts;
    char *cacert;
};

/* What one attempt writes into, passed to the callbacks. */
struct xfer {
    struct vmtp_http *h;
    struct vmtp_http_resp *resp;
    size_t header_bytes;
    bool too_big;
    int upload_fd; /* file or socket the request body is read from */
    bool upload_is_sock;
    atomic_int *source_failed; /* streaming from a URL: the source broke */
    bool finish_on_cancel;     /* a call that changes the cloud (below) */
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_OK;

static void
global_init(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
vmtp_http_resp_init(struct vmtp_http_resp *r)
{
    r->status = 0;
    vx_buf_init(&r->body, VMTP_HTTP_MAX_BODY);
    r->subject_token = NULL;
    r->content_type = NULL;
}

void
vmtp_http_resp_release(struct vmtp_http_resp *r)
{
    if (r == NULL) {
        return;
    }
    vx_buf_release(&r->body);
    vx_burn_free(r->subject_token);
    r->subject_token = NULL;
    VX_FREE(r->content_type);
    r->status = 0;
}

static void
resp_reset(struct vmtp_http_resp *r, size_t max_body)
{
    vmtp_http_resp_release(r);
    vx_buf_init(&r->body, max_body);
}

struct vmtp_http *
vmtp_http_new(struct vmtp_ctx *ctx, const struct vmtp_http_opts *opts)
{
    struct vmtp_http *h = NULL;

    (void)pthread_once(&global_once, global_init);
    if (global_rc != CURLE_OK) {
        vmtp_set_error(ctx, VMTP_E_INTERNAL, "cannot initialise libcurl: %s",
                       curl_easy_strerror(global_rc));
        return NULL;
    }
    h = vx_calloc(1, sizeof(*h));
    if (h == NULL) {
        goto nomem;
    }
    h->ctx = ctx;
    if (opts != NULL) {
        h->opts = *opts;
    }
    h->opts.cacert = NULL;
    if (opts != NULL && opts->cacert != NULL) {
        h->cacert = vx_strdup(opts->cacert);
        if (h->cacert == NULL) {
            goto nomem;
        }
        h->opts.cacert = h->cacert;
    }
    if (h->opts.connect_timeout_ms <= 0) {
        h->opts.connect_timeout_ms = 10000;
    }
    if (h->opts.timeout_ms <= 0) {
        h->opts.timeout_ms = 120000; /* Neutron router calls are slow */
    }
    if (h->opts.max_retries < 0) {
        h->opts.max_retries = 0; /* explicitly no retry */
    } else if (h->opts.max_retries == 0) {
        h->opts.max_retries = 3;
    }
    if (h->opts.backoff_ms <= 0) {
        h->opts.backoff_ms = 500;
    }
    if (h->opts.max_body == 0 || h->opts.max_body > VMTP_HTTP_MAX_BODY) {
        h->opts.max_body = VMTP_HTTP_MAX_BODY;
    }
    h->curl = curl_easy_init();
    if (h->curl == NULL) {
        goto nomem;
    }
    return h;
nomem:
    vmtp_http_free(h);
    vmtp_set_error(ctx, VMTP_E_NOMEM, "cannot create the HTTP client");
    return NULL;
}

void
vmtp_http_free(struct vmtp_http *h)
{
    if (h == NULL) {
        return;
    }
    if (h->curl != NULL) {
        curl_easy_cleanup(h->curl);
    }
    free(h->cacert);
    free(h);
}

bool
vmtp_http_status_retryable(const char *method, long status)
{
    bool idempotent = !vx_streq(method, "POST") && !vx_streq(method, "PATCH");

    if (status == 502 || status == 503 || status == 504) {
        return true; /* the request never reached a working backend */
    }
    if (status >= 500 && status <= 599) {
        return idempotent;
    }
    if (status == 409) {
        /* "in use" on delete, concurrent update on PUT */
        return vx_streq(method, "DELETE") || vx_streq(method, "PUT");
    }
    return false;
}

/* ---- callbacks ------------------------------------------------------ */

static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;

    if (vx_buf_add(&x->resp->body, ptr, n) != 0) {
        x->too_big = (errno == E2BIG);
        return 0; /* makes curl fail with CURLE_WRITE_ERROR */
    }
    return n;
}

/* Copy the value of header line `line` (len bytes) if its name is `name`. */
static int
header_value(const char *line, size_t len, const char *name, char **out)
{
    size_t nl = strlen(name);
    size_t b;
    size_t e;
    char *v = NULL;

    if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':') {
        return 0;
    }
    b = nl + 1;
    while (b < len && (line[b] == ' ' || line[b] == '\t')) {
        b++;
    }
    e = len;
    while (e > b &&
           (line[e - 1] == '\r' || line[e - 1] == '\n' || line[e - 1] == ' ')) {
        e--;
    }
    v = vx_strndup(line + b, e - b);
    if (v == NULL) {
        return -1;
    }
    vx_burn_free(*out);
    *out = v;
    return 0;
}

static size_t
on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;

    x->header_bytes += n;
    if (x->header_bytes > VMTP_HTTP_MAX_HEADERS) {
        x->too_big = true;
        return 0;
    }
    if (n > 5 && strncmp(ptr, "HTTP/", 5) == 0) {
        /* a new response (after a 100 Continue or a redirect) */
        vx_burn_free(x->resp->subject_token);
        x->resp->subject_token = NULL;
        VX_FREE(x->resp->content_type);
        return n;
    }
    if (header_value(ptr, n, "X-Subject-Token", &x->resp->subject_token) != 0 ||
        header_value(ptr, n, "Content-Type", &x->resp->content_type) != 0) {
        return 0;
    }
    return n;
}

static size_t
on_read(char *buf, size_t size, size_t nitems, void *ud)
{
    struct xfer *x = ud;
    size_t want = size * nitems;
    ssize_t n;

    for (;;) {
        if (x->upload_is_sock) {
            n = recv(x->upload_fd, buf, want, 0);
        } else {
            n = read(x->upload_fd, buf, want);
        }
        if (n >= 0 || errno != EINTR) {
            break;
        }
    }
    if (n < 0) {
        return CURL_READFUNC_ABORT;
    }
    if (n == 0 && x->source_failed != NULL &&
        atomic_load(x->source_failed) != 0) {
        return CURL_READFUNC_ABORT; /* never store a truncated image */
    }
    return (size_t)n;
}

static int
on_progress(void *ud,
            curl_off_t dltotal,
            curl_off_t dlnow,
            curl_off_t ultotal,
            curl_off_t ulnow)
{
    const struct xfer *x = ud;

    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return vmtp_ctx_cancelled(x->h->ctx) && !x->finish_on_cancel ? 1 : 0;
}

/* Log one chunk of curl's trace, line by line, redacted. */
static void
trace_lines(struct vmtp_ctx *ctx,
            enum vmtp_log_level lvl,
            const char *prefix,
            const char *data,
            size_t size)
{
    char line[TRACE_MAX_BYTES + 8];
    size_t i = 0;

    if (size > TRACE_MAX_BYTES) {
        size = TRACE_MAX_BYTES;
    }
    while (i < size) {
        size_t j = i;
        size_t len;

        while (j < size && data[j] != '\n') {
            j++;
        }
        len = j - i;
        while (len > 0 && data[i + len - 1] == '\r') {
            len--;
        }
        if (len > 0) {
            memcpy(line, data + i, len);
            line[len] = '\0';
            for (size_t k = 0; k < len; k++) {
                if ((unsigned char)line[k] < 0x20 && line[k] != '\t') {
                    line[k] = '.';
                }
            }
            vmtp_redact(line, sizeof(line));
            VLOG(&ctx->log, lvl, "%s %s", prefix, line);
        }
        i = j + 1;
    }
}

static int
on_debug(CURL *c, curl_infotype type, char *data, size_t size, void *ud)
{
    struct vmtp_http *h = ud;

    (void)c;
    switch (type) {
    case CURLINFO_TEXT:
        trace_lines(h->ctx, VMTP_LOG_TRACE, "*", data, size);
        break;
    case CURLINFO_HEADER_OUT:
        trace_lines(h->ctx, VMTP_LOG_DEBUG, ">", data, size);
        break;
    case CURLINFO_HEADER_IN:
        trace_lines(h->ctx, VMTP_LOG_DEBUG, "<", data, size);
        break;
    case CURLINFO_DATA_OUT:
        trace_lines(h->ctx, VMTP_LOG_TRACE, ">>", data, size);
        break;
    case CURLINFO_DATA_IN:
        trace_lines(h->ctx, VMTP_LOG_TRACE, "<<", data, size);
        break;
    default:
        break;
    }
    return 0;
}

/* ---- streaming a URL into an upload --------------------------------- */

struct source {
    struct vmtp_http *h;
    char *url;
    int fd; /* write end of the socket pair */
    atomic_int failed;
    CURLcode rc;
    long status;
    char errbuf[CURL_ERROR_SIZE];
};

static size_t
source_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct source *s = ud;
    size_t n = size * nmemb;
    size_t off = 0;

    while (off < n) {
        ssize_t w = send(s->fd, ptr + off, n - off, MSG_NOSIGNAL);

        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return 0; /* the upload side went away */
        }
        off += (size_t)w;
    }
    return n;
}

static void *
source_main(void *arg)
{
    struct source *s = arg;
    CURL *c = curl_easy_init();

    if (c == NULL) {
        s->rc = CURLE_OUT_OF_MEMORY;
        atomic_store(&s->failed, 1);
        goto out;
    }
    (void)curl_easy_setopt(c, CURLOPT_URL, s->url);
    (void)curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    (void)curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    (void)curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    (void)curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    (void)curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    (void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    (void)curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                           s->h->opts.connect_timeout_ms);
    /* no overall timeout: images are large; stall detection instead */
    (void)curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    (void)curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    (void)curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, source_write);
    (void)curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
    (void)curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf);
    if (s->h->opts.cacert != NULL) {
        (void)curl_easy_setopt(c, CURLOPT_CAINFO, s->h->opts.cacert);
    }
    if (s->h->opts.insecure) {
        (void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        (void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    s->rc = curl_easy_perform(c);
    (void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &s->status);
    if (s->rc != CURLE_OK) {
        atomic_store(&s->failed, 1);
    }
    curl_easy_cleanup(c);
out:
    (void)shutdown(s->fd, SHUT_WR);
    return NULL;
}

/* ---- one request ---------------------------------------------------- */

static enum vmtp_status
map_curl_error(struct vmtp_http *h,
               CURLcode rc,
               const struct vmtp_http_req *req,
               const struct xfer *x,
               const char *errbuf)
{
    const char *what = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    enum vmtp_status code = VMTP_E_CONNECT;

    if (vmtp_ctx_cancelled(h->ctx)) {
        return vmtp_set_error(h->ctx, VMTP_E_CANCELLED, "%s %s: cancelled",
                              req->method, req->url);
    }
    if (x->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        return vmtp_set_error(h->ctx, VMTP_E_PARSE,
                              "%s %s: response larger than %zu bytes",
                              req->method, req->url, h->opts.max_body);
    }
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        code = VMTP_E_RESOLVE;
        break;
    case CURLE_OPERATION_TIMEDOUT:
        code = VMTP_E_TIMEOUT;
        break;
    case CURLE_OUT_OF_MEMORY:
        code = VMTP_E_NOMEM;
        break;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        code = VMTP_E_INVAL;
        break;
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_READ_ERROR:
        code = VMTP_E_SYS;
        break;
    default:
        code = VMTP_E_CONNECT;
        break;
    }
    return vmtp_set_error(h->ctx, code, "%s %s: %s", req->method, req->url,
                          what);
}

static bool
curl_error_retryable(CURLcode rc, const char *method)
{
    bool idempotent = !vx_streq(method, "POST") && !vx_streq(method, "PATCH");

    switch (rc) {
    case CURLE_COULDNT_CONNECT:
        return true; /* nothing was sent */
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
        return idempotent;
    default:
        return false;
    }
}

static enum vmtp_status
set_common(struct vmtp_http *h,
           const struct vmtp_http_req *req,
           struct xfer *x,
           char *errbuf)
{
    CURL *c = h->curl;

    curl_easy_reset(c);
    errbuf[0] = '\0';
    (void)curl_easy_setopt(c, CURLOPT_URL, req->url);
    (void)curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    (void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    (void)curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    (void)curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                           h->opts.connect_timeout_ms);
    if (req->upload_path == NULL && req->upload_url == NULL) {
        (void)curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->opts.timeout_ms);
    } else {
        (void)curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
        (void)curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 120L);
    }
    (void)curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    (void)curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    (void)curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    (void)curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    (void)curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    (void)curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    (void)curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
    (void)curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    (void)curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                           (curl_off_t)h->opts.max_body);
    if (h->opts.cacert != NULL) {
        (void)curl_easy_setopt(c, CURLOPT_CAINFO, h->opts.cacert);
    }
    if (h->opts.insecure) {
        (void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        (void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (h->ctx->log.fn != NULL && h->ctx->log.max_level >= VMTP_LOG_DEBUG) {
        (void)curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
        (void)curl_easy_setopt(c, CURLOPT_DEBUGDATA, h);
        (void)curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
    }
    if (req->upload_path != NULL || req->upload_url != NULL) {
        (void)curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        (void)curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
        (void)curl_easy_setopt(c, CURLOPT_READDATA, x);
        if (!vx_streq(req->method, "PUT")) {
            (void)curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
        }
    } else if (vx_streq(req->method, "GET")) {
        (void)curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (vx_streq(req->method, "HEAD")) {
        (void)curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else {
        (void)curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
        if (req->body != NULL) {
            (void)curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
            (void)curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                                   (curl_off_t)req->body_len);
        }
    }
    return VMTP_OK;
}

static enum vmtp_status
open_upload_file(struct vmtp_http *h,
                 const struct vmtp_http_req *req,
                 struct xfer *x)
{
    struct stat st;
    char eb[128];

    x->upload_fd = open(req->upload_path, O_RDONLY | O_CLOEXEC);
    if (x->upload_fd < 0 || fstat(x->upload_fd, &st) != 0) {
        int e = errno;

        return vmtp_error_set_sys(&h->ctx->err, VMTP_E_SYS, e,
                                  "cannot open '%s': %s", req->upload_path,
                                  vx_strerror(e, eb, sizeof(eb)));
    }
    (void)curl_easy_setopt(h->curl, CURLOPT_INFILESIZE_LARGE,
                           (curl_off_t)st.st_size);
    return VMTP_OK;
}

/* The request headers as a curl list (*out; free with curl_slist_free_all). */
static enum vmtp_status
build_headers(struct vmtp_http *h,
              const struct vmtp_http_req *req,
              struct curl_slist **out)
{
    struct curl_slist *hdrs = NULL;
    bool no_body = req->body == NULL && req->upload_path == NULL &&
                   req->upload_url == NULL;

    for (size_t i = 0; req->headers != NULL && req->headers[i] != NULL; i++) {
        struct curl_slist *n = curl_slist_append(hdrs, req->headers[i]);

        if (n == NULL) {
            curl_slist_free_all(hdrs);
            return vmtp_set_error(h->ctx, VMTP_E_NOMEM, "out of memory");
        }
        hdrs = n;
    }
    if (no_body) {
        struct curl_slist *n = curl_slist_append(hdrs, "Expect:");

        if (n == NULL) {
            curl_slist_free_all(hdrs);
            return vmtp_set_error(h->ctx, VMTP_E_NOMEM, "out of memory");
        }
        hdrs = n;
    }
    *out = hdrs;
    return VMTP_OK;
}

/* A download thread feeding the upload through a socket pair. */
struct streamer {
    struct source src;
    int sv[2];
    pthread_t thr;
    bool started;
};

static enum vmtp_status
streamer_start(struct vmtp_http *h,
               const char *url,
               struct streamer *sm,
               struct xfer *x)
{
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sm->sv) != 0) {
        return vmtp_error_set_sys(&h->ctx->err, VMTP_E_SYS, errno,
                                  "socketpair failed");
    }
    sm->src.h = h;
    sm->src.url = vx_strdup(url);
    sm->src.fd = sm->sv[1];
    atomic_init(&sm->src.failed, 0);
    if (sm->src.url == NULL) {
        return vmtp_set_error(h->ctx, VMTP_E_NOMEM, "out of memory");
    }
    if (pthread_create(&sm->thr, NULL, source_main, &sm->src) != 0) {
        return vmtp_set_error(h->ctx, VMTP_E_SYS,
                              "cannot start the download thread");
    }
    sm->started = true;
    x->upload_fd = sm->sv[0];
    x->upload_is_sock = true;
    x->source_failed = &sm->src.failed;
    return VMTP_OK;
}

/* Stop the downloader (unblocking it if the upload ended early). */
static enum vmtp_status
streamer_stop(struct vmtp_http *h, struct streamer *sm, const char *url)
{
    enum vmtp_status st = VMTP_OK;

    if (sm->started) {
        (void)shutdown(sm->sv[0], SHUT_RDWR);
        (void)pthread_join(sm->thr, NULL);
        sm->started = false;
        if (atomic_load(&sm->src.failed) != 0) {
            st = vmtp_set_error(
                    h->ctx, VMTP_E_CONNECT, "cannot download '%s': %s", url,
                    sm->src.errbuf[0] != '\0' ? sm->src.errbuf
                                              : curl_easy_strerror(sm->src.rc));
        }
    }
    for (int i = 0; i < 2; i++) {
        if (sm->sv[i] >= 0) {
            (void)close(sm->sv[i]);
            sm->sv[i] = -1;
        }
    }
    VX_FREE(sm->src.url);
    return st;
}

static enum vmtp_status
attempt(struct vmtp_http *h,
        const struct vmtp_http_req *req,
        struct vmtp_http_resp *resp,
        CURLcode *rc_out)
{
    /*
     * A cancel (SIGINT, SIGTERM) aborts reads, waits and authentication at
     * once, but lets a call that changes the cloud (req->finish_on_cancel:
     * a create or a delete, not an upload) run to its end, bounded by the
     * request timeout: aborted, it may still take effect in the cloud with
     * its id never known, and the teardown would have to wait for it to
     * show up by name.
     */
    struct xfer x = {
            .h = h,
            .resp = resp,
            .upload_fd = -1,
            .finish_on_cancel = req->finish_on_cancel &&
                                req->upload_path == NULL &&
                                req->upload_url == NULL,
    };
    struct curl_slist *hdrs = NULL;
    struct streamer sm = {.src = {.fd = -1}, .sv = {-1, -1}};
    char errbuf[CURL_ERROR_SIZE];
    enum vmtp_status st;
    CURLcode rc;

    resp_reset(resp, h->opts.max_body);
    *rc_out = CURLE_OK;
    (void)set_common(h, req, &x, errbuf);
    st = build_headers(h, req, &hdrs);
    if (st != VMTP_OK) {
        return st;
    }
    (void)curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
    if (req->upload_path != NULL) {
        st = open_upload_file(h, req, &x);
    } else if (req->upload_url != NULL) {
        st = streamer_start(h, req->upload_url, &sm, &x);
    }
    if (st != VMTP_OK) {
        goto out;
    }
    VLOG(&h->ctx->log, VMTP_LOG_DEBUG, "%s %s", req->method, req->url);
    rc = curl_easy_perform(h->curl);
    st = streamer_stop(h, &sm, req->upload_url);
    if (st == VMTP_OK && rc != CURLE_OK) {
        *rc_out = rc;
        st = map_curl_error(h, rc, req, &x, errbuf);
    }
    if (st != VMTP_OK) {
        goto out;
    }
    (void)curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &resp->status);
    VLOG(&h->ctx->log, VMTP_LOG_DEBUG, "%s %s -> %ld (%zu bytes)", req->method,
         req->url, resp->status, vx_buf_len(&resp->body));
out:
    (void)streamer_stop(h, &sm, req->upload_url);
    curl_slist_free_all(hdrs);
    if (x.upload_fd >= 0 && !x.upload_is_sock) {
        (void)close(x.upload_fd);
    }
    return st;
}

enum vmtp_status
vmtp_http_do(struct vmtp_http *h,
             const struct vmtp_http_req *req,
             struct vmtp_http_resp *resp)
{
    long backoff_ms = h->opts.backoff_ms;
    int tries = h->opts.max_retries;
    enum vmtp_status st;
    CURLcode rc;

    if (req->upload_url != NULL) {
        tries = 0; /* a stream cannot be replayed */
    }
    for (int i = 0;; i++) {
        bool again = false;

        if (vmtp_ctx_cancelled(h->ctx)) {
            return vmtp_set_error(h->ctx, VMTP_E_CANCELLED, "%s %s: cancelled",
                                  req->method, req->url);
        }
        st = attempt(h, req, resp, &rc);
        if (st == VMTP_OK) {
            again = !req->no_retry &&
                    vmtp_http_status_retryable(req->method, resp->status);
        } else if (rc != CURLE_OK) {
            again = curl_error_retryable(rc, req->method) &&
                    (!req->no_retry || rc == CURLE_COULDNT_CONNECT);
        }
        if (!again || i >= tries) {
            return st;
        }
        VLOG(&h->ctx->log, VMTP_LOG_INFO,
             "%s %s: %s%ld, retrying in %ld ms (%d/%d)", req->method, req->url,
             st == VMTP_OK ? "HTTP " : "transport error ",
             st == VMTP_OK ? resp->status : (long)rc, backoff_ms, i + 1, tries);
        vx_sleep_us((uint64_t)backoff_ms * 1000u);
        if (backoff_ms < 8000) {
            backoff_ms *= 2;
        }
    }
}
