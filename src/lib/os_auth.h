/* \summary: Keystone v3 session: token, service catalog, authenticated calls */
#ifndef VMTP_LIB_OS_AUTH_H
#define VMTP_LIB_OS_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmtp/vmtp.h>

#include "creds.h"
#include "http.h"
#include "json.h"

struct vmtp_ctx;

enum vmtp_os_svc {
    VMTP_OS_IDENTITY = 0,
    VMTP_OS_COMPUTE = 1,
    VMTP_OS_NETWORK = 2,
    VMTP_OS_IMAGE = 3,
    VMTP_OS_NSERVICES = 4,
};

/* Nova microversion sent with every compute call unless overridden. */
#define VMTP_OS_COMPUTE_MICROVERSION "2.1"

/*
 * What a token reply tells us (POST or GET /v3/auth/tokens). Owned
 * strings; release with vmtp_os_catalog_release().
 */
struct vmtp_os_catalog {
    char *endpoint[VMTP_OS_NSERVICES]; /* base URLs, no trailing slash */
    char *project_id;
    char *user_id;
    char *expires_at; /* ISO 8601 as Keystone wrote it */
};

void vmtp_os_catalog_release(struct vmtp_os_catalog *cat);

/*
 * Parse a Keystone v3 token body and pick, for every service type we use
 * (identity, compute, network, image), the endpoint with the wanted
 * interface ("public" when NULL) in `region` (any region when NULL: the
 * first match). A service that is missing is left NULL here; the session
 * reports it when it is first needed. Errors: VMTP_E_PARSE naming the
 * JSON path, VMTP_E_NOMEM.
 */
enum vmtp_status vmtp_os_parse_token(const char *body,
                                     size_t len,
                                     const char *region,
                                     const char *interface,
                                     struct vmtp_os_catalog *cat,
                                     struct vmtp_error *err);

/* Session options (zero = defaults). */
struct vmtp_os_session_opts {
    struct vmtp_http_opts http;
    /* Override the catalog (tests, or clouds with a broken catalog). */
    const char *endpoint_override[VMTP_OS_NSERVICES];
};

struct vmtp_os_session {
    struct vmtp_ctx *ctx;
    struct vmtp_http *http;
    const struct vmtp_os_creds *creds; /* borrowed; must outlive the session */
    char *auth_url;                    /* normalised: ends in /v3 */
    char *token;                       /* secret */
    bool token_given;                  /* OS_TOKEN: cannot re-authenticate */
    struct vmtp_os_catalog cat;
    const char *override[VMTP_OS_NSERVICES];
    unsigned reauth_count; /* for tests and logs */
    int64_t renew_at_us;   /* monotonic: renew the token ahead; 0 = never */
};

/*
 * Authenticate with creds (password, application credential or token) and
 * read the catalog. Keystone v2 (identity_api_version 2 or an auth URL
 * ending in /v2.0) is refused with VMTP_E_INVAL and a clear message.
 * Errors: VMTP_E_INVAL, VMTP_E_AUTH (401), VMTP_E_CONNECT, VMTP_E_RESOLVE,
 * VMTP_E_TIMEOUT, VMTP_E_HTTP, VMTP_E_PARSE. creds is borrowed for the
 * session's lifetime. Free with vmtp_os_session_free().
 */
enum vmtp_status vmtp_os_session_new(struct vmtp_ctx *ctx,
                                     const struct vmtp_os_creds *creds,
                                     const struct vmtp_os_session_opts *opts,
                                     struct vmtp_os_session **out);
void vmtp_os_session_free(struct vmtp_os_session *s);

/*
 * Seconds from now_s (Unix time) until a Keystone `expires_at`
 * ("2026-11-27T22:01:00.000000Z", UTC). Errors: VMTP_E_PARSE.
 */
enum vmtp_status
vmtp_os_token_left_s(const char *expires_at, int64_t now_s, int64_t *left_s);

/*
 * Get a fresh token now. Also done automatically: before a call once the
 * token is within a tenth of its remaining lifetime of expiring (at least
 * 30 s, at most 5 min), so that no long upload meets an expired token, and
 * once after a 401.
 */
enum vmtp_status vmtp_os_reauth(struct vmtp_os_session *s);

/*
 * Base URL of a service, or VMTP_E_NOTFOUND ("no 'network' service in
 * the catalog for region 'X', interface 'public'"). Borrowed.
 */
enum vmtp_status vmtp_os_endpoint(struct vmtp_os_session *s,
                                  enum vmtp_os_svc svc,
                                  const char **url);

/* A JSON reply: status and parsed document (NULL for an empty body). */
struct vmtp_os_reply {
    long status;
    struct vmtp_json_doc *doc;
};
void vmtp_os_reply_release(struct vmtp_os_reply *r);

/* Flags for vmtp_os_call(). */
#define VMTP_OS_NO_RETRY 0x1u /* non-idempotent: no retry on 5xx */

/*
 * Call `method path` on a service with the session's token; `body` is a
 * JSON text or NULL. 2xx: the reply is parsed into *reply (reply may be
 * NULL to ignore it). Non-2xx: an error naming the request (method and
 * path, never the token), the HTTP status and OpenStack's message, with
 * code VMTP_E_AUTH (401/403 on auth), VMTP_E_NOTFOUND (404),
 * VMTP_E_QUOTA (quota messages, 413), or VMTP_E_HTTP. A 401 triggers one
 * re-authentication and one replay.
 */
enum vmtp_status vmtp_os_call(struct vmtp_os_session *s,
                              enum vmtp_os_svc svc,
                              const char *method,
                              const char *path,
                              const char *body,
                              unsigned flags,
                              struct vmtp_os_reply *reply);

/* Like vmtp_os_call() but streams a file or a URL as the body (PUT). */
enum vmtp_status vmtp_os_upload(struct vmtp_os_session *s,
                                enum vmtp_os_svc svc,
                                const char *path,
                                const char *file_path,
                                const char *src_url);

/*
 * The context's session, created on first use from ctx->creds with
 * default options. Borrowed (freed by vmtp_ctx_free()). Errors: as
 * vmtp_os_session_new(), VMTP_E_INVAL when ctx has no credentials.
 */
enum vmtp_status vmtp_os_ctx_session(struct vmtp_ctx *ctx,
                                     struct vmtp_os_session **out);

/* Percent-encode s for a query value; owned result (free()) or NULL. */
char *vmtp_os_escape(const char *s);

#endif
