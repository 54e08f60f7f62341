/* \summary: HTTP client for the OpenStack APIs (the only owner of libcurl) */
#ifndef VMTP_LIB_HTTP_H
#define VMTP_LIB_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <vmtp/vmtp.h>

#include "vx_buf.h"

struct vmtp_ctx;

/* Hard cap on an API response body (STYLE 2.6: 16 MiB). */
#define VMTP_HTTP_MAX_BODY ((size_t)16 * 1024 * 1024)
/* Hard cap on all response headers of one response. */
#define VMTP_HTTP_MAX_HEADERS ((size_t)64 * 1024)

/*
 * Client options. Zero values mean the defaults given in brackets.
 */
struct vmtp_http_opts {
    long connect_timeout_ms; /* [10000] TCP + TLS handshake */
    long timeout_ms;         /* [120000] whole request, upload excluded */
    int max_retries;         /* [3] extra attempts on transient failures;
                                negative: none */
    long backoff_ms;         /* [500] first back-off, doubled each retry */
    size_t max_body;         /* [VMTP_HTTP_MAX_BODY] */
    const char *cacert;      /* CA bundle (OS_CACERT), NULL: system CAs */
    bool insecure;           /* skip TLS verification (explicit opt-in) */
};

/* One request. Strings are borrowed for the duration of the call. */
struct vmtp_http_req {
    const char *method;         /* "GET", "POST", ... */
    const char *url;            /* absolute URL */
    const char *const *headers; /* NULL-terminated "Name: value", or NULL */
    const char *body;           /* request body or NULL */
    size_t body_len;
    const char *upload_path; /* stream this file as the body (PUT) */
    const char *upload_url;  /* stream this URL's body as the body */
    bool no_retry;           /* never retry (non-idempotent POST) */
    /* a call that changes the cloud: once sent, a cancel lets it finish
     * (bounded by the request timeout) so that its result is known */
    bool finish_on_cancel;
};

/* A response. Initialise with vmtp_http_resp_init(), release after use. */
struct vmtp_http_resp {
    long status;         /* HTTP status, 0 if no response */
    struct vx_buf body;  /* bounded; NUL-terminated */
    char *subject_token; /* X-Subject-Token header (secret), or NULL */
    char *content_type;  /* Content-Type header, or NULL */
};

struct vmtp_http;

/*
 * Create a client bound to ctx (its logger: trace of requests with tokens
 * and passwords redacted; its error slot). Returns NULL when out of
 * memory (error set on ctx). Free with vmtp_http_free().
 */
struct vmtp_http *vmtp_http_new(struct vmtp_ctx *ctx,
                                const struct vmtp_http_opts *opts);
void vmtp_http_free(struct vmtp_http *h);

void vmtp_http_resp_init(struct vmtp_http_resp *r);
void vmtp_http_resp_release(struct vmtp_http_resp *r);

/*
 * Perform req. Any HTTP status is a success of this call (the caller maps
 * statuses to errors); failures are transport errors: VMTP_E_RESOLVE,
 * VMTP_E_CONNECT, VMTP_E_TIMEOUT, VMTP_E_PARSE (body over the cap),
 * VMTP_E_SYS, VMTP_E_NOMEM, VMTP_E_CANCELLED. Connection errors, 5xx and
 * (for PUT/DELETE) 409 are retried up to max_retries times with
 * exponential back-off; POST is retried only when the connection could
 * not be made. resp must be initialised; it is reset first.
 * Not thread-safe for one client: one request at a time.
 */
enum vmtp_status vmtp_http_do(struct vmtp_http *h,
                              const struct vmtp_http_req *req,
                              struct vmtp_http_resp *resp);

/* True if `status` would be retried for `method` (exposed for tests). */
bool vmtp_http_status_retryable(const char *method, long status);

#endif
