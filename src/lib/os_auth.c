/* \summary: Keystone v3 session: token, service catalog, authenticated calls */
#include "os_auth.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_str.h"
#include "vx_time.h"

static const char *const service_type[VMTP_OS_NSERVICES] = {
        "identity", "compute", "network", "image"};

/* Path suffixes some clouds put in the catalog; our paths carry them. */
static const char *const strip_suffix[VMTP_OS_NSERVICES] = {NULL, NULL, "/v2.0",
                                                            "/v2"};

void
vmtp_os_catalog_release(struct vmtp_os_catalog *cat)
{
    for (int i = 0; i < VMTP_OS_NSERVICES; i++) {
        VX_FREE(cat->endpoint[i]);
    }
    VX_FREE(cat->project_id);
    VX_FREE(cat->user_id);
    VX_FREE(cat->expires_at);
}

static char *
clean_url(const char *url, const char *suffix)
{
    char *u = vx_strdup(url);
    size_t n;

    if (u == NULL) {
        return NULL;
    }
    n = strlen(u);
    while (n > 0 && u[n - 1] == '/') {
        u[--n] = '\0';
    }
    if (suffix != NULL) {
        size_t sl = strlen(suffix);

        if (n > sl && strcmp(u + n - sl, suffix) == 0) {
            u[n - sl] = '\0';
        }
    }
    return u;
}

static enum vmtp_status
pick_endpoint(const struct vmtp_jv *svc,
              int which,
              const char *region,
              const char *interface,
              struct vmtp_os_catalog *cat,
              struct vmtp_error *err)
{
    struct vmtp_jv eps;
    size_t n;
    enum vmtp_status st = vmtp_jv_array(svc, "endpoints", &eps, &n, err);

    for (size_t i = 0; st == VMTP_OK && i < n; i++) {
        struct vmtp_jv ep;
        const char *iface = NULL;
        const char *url = NULL;
        const char *reg = NULL;
        const char *reg_id = NULL;

        if ((st = vmtp_jv_index(&eps, i, &ep, err)) != VMTP_OK ||
            (st = vmtp_jv_str(&ep, "interface", &iface, err)) != VMTP_OK ||
            (st = vmtp_jv_str(&ep, "url", &url, err)) != VMTP_OK ||
            (st = vmtp_jv_str_opt(&ep, "region", &reg, err)) != VMTP_OK ||
            (st = vmtp_jv_str_opt(&ep, "region_id", &reg_id, err)) != VMTP_OK) {
            break;
        }
        if (!vx_streq(iface, interface)) {
            continue;
        }
        if (region != NULL && !vx_streq(region, reg) &&
            !vx_streq(region, reg_id)) {
            continue;
        }
        if (cat->endpoint[which] == NULL) {
            cat->endpoint[which] = clean_url(url, strip_suffix[which]);
            if (cat->endpoint[which] == NULL) {
                st = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
            }
        }
        break;
    }
    return st;
}

enum vmtp_status
vmtp_os_parse_token(const char *body,
                    size_t len,
                    const char *region,
                    const char *interface,
                    struct vmtp_os_catalog *cat,
                    struct vmtp_error *err)
{
    struct vmtp_json_doc *doc = NULL;
    struct vmtp_jv root;
    struct vmtp_jv tok;
    struct vmtp_jv sub;
    struct vmtp_jv svcs;
    size_t n = 0;
    bool found = false;
    enum vmtp_status st = VMTP_OK;

    memset(cat, 0, sizeof(*cat));
    if (interface == NULL || interface[0] == '\0') {
        interface = "public";
    }
    if (region != NULL && region[0] == '\0') {
        region = NULL;
    }
    doc = vmtp_json_parse(body, len, "Keystone token reply", err);
    if (doc == NULL) {
        return err != NULL ? err->code : VMTP_E_PARSE;
    }
    vmtp_json_root(doc, &root);
    if ((st = vmtp_jv_object(&root, "token", &tok, err)) != VMTP_OK ||
        (st = vmtp_jv_dup(&tok, "expires_at", false, &cat->expires_at, err)) !=
                VMTP_OK ||
        (st = vmtp_jv_object(&tok, "user", &sub, err)) != VMTP_OK ||
        (st = vmtp_jv_dup(&sub, "id", true, &cat->user_id, err)) != VMTP_OK ||
        (st = vmtp_jv_object_opt(&tok, "project", &sub, &found, err)) !=
                VMTP_OK) {
        goto out;
    }
    if (found && (st = vmtp_jv_dup(&sub, "id", true, &cat->project_id, err)) !=
                         VMTP_OK) {
        goto out;
    }
    if ((st = vmtp_jv_array_opt(&tok, "catalog", &svcs, &n, err)) != VMTP_OK) {
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        struct vmtp_jv svc;
        const char *type = NULL;

        if ((st = vmtp_jv_index(&svcs, i, &svc, err)) != VMTP_OK ||
            (st = vmtp_jv_str(&svc, "type", &type, err)) != VMTP_OK) {
            goto out;
        }
        for (int k = 0; k < VMTP_OS_NSERVICES; k++) {
            if (vx_streq(type, service_type[k]) &&
                (st = pick_endpoint(&svc, k, region, interface, cat, err)) !=
                        VMTP_OK) {
                goto out;
            }
        }
    }
out:
    vmtp_json_doc_free(doc);
    if (st != VMTP_OK) {
        vmtp_os_catalog_release(cat);
    }
    return st;
}

/* ---- request bodies -------------------------------------------------- */

static struct vmtp_json_value *
domain_value(const char *name, const char *id, struct vmtp_error *err)
{
    if (id != NULL) {
        return vmtp_json_pack_value(err, "{s:s}", "id", id);
    }
    if (name != NULL) {
        return vmtp_json_pack_value(err, "{s:s}", "name", name);
    }
    return vmtp_json_pack_value(err, "{s:s}", "id", "default");
}

static struct vmtp_json_value *
user_value(const struct vmtp_os_creds *c, struct vmtp_error *err)
{
    if (c->user_id != NULL) {
        return vmtp_json_pack_value(err, "{s:s}", "id", c->user_id);
    }
    return vmtp_json_pack_value(
            err, "{s:s, s:o}", "name", c->username, "domain",
            domain_value(c->user_domain_name, c->user_domain_id, err));
}

static struct vmtp_json_value *
user_password_value(const struct vmtp_os_creds *c, struct vmtp_error *err)
{
    const char *pw = c->password != NULL ? c->password : "";

    if (c->user_id != NULL) {
        return vmtp_json_pack_value(err, "{s:s, s:s}", "id", c->user_id,
                                    "password", pw);
    }
    return vmtp_json_pack_value(
            err, "{s:s, s:o, s:s}", "name", c->username, "domain",
            domain_value(c->user_domain_name, c->user_domain_id, err),
            "password", pw);
}

static struct vmtp_json_value *
scope_value(const struct vmtp_os_creds *c, struct vmtp_error *err)
{
    if (c->project_id != NULL) {
        return vmtp_json_pack_value(err, "{s:{s:s}}", "project", "id",
                                    c->project_id);
    }
    if (c->project_name != NULL) {
        return vmtp_json_pack_value(err, "{s:{s:s, s:o}}", "project", "name",
                                    c->project_name, "domain",
                                    domain_value(c->project_domain_name,
                                                 c->project_domain_id, err));
    }
    return NULL; /* unscoped: the user's default project */
}

static bool
use_app_cred(const struct vmtp_os_creds *c)
{
    return c->app_cred_secret != NULL &&
           (c->app_cred_id != NULL || c->app_cred_name != NULL) &&
           (c->auth_type == NULL ||
            vx_streq(c->auth_type, "v3applicationcredential"));
}

/* The body of POST /v3/auth/tokens; owned (burn it after use). */
static char *
auth_body(const struct vmtp_os_creds *c, struct vmtp_error *err)
{
    if (use_app_cred(c)) {
        struct vmtp_json_value *ac;

        if (c->app_cred_id != NULL) {
            ac = vmtp_json_pack_value(err, "{s:s, s:s}", "id", c->app_cred_id,
                                      "secret", c->app_cred_secret);
        } else {
            ac = vmtp_json_pack_value(
                    err, "{s:s, s:s, s:o}", "name", c->app_cred_name, "secret",
                    c->app_cred_secret, "user", user_value(c, err));
        }
        return vmtp_json_pack(err, "{s:{s:{s:[s], s:o}}}", "auth", "identity",
                              "methods", "application_credential",
                              "application_credential", ac);
    }
    return vmtp_json_pack(err, "{s:{s:{s:[s], s:{s:o}}, s:o*}}", "auth",
                          "identity", "methods", "password", "password", "user",
                          user_password_value(c, err), "scope",
                          scope_value(c, err));
}

/* ---- session ---------------------------------------------------------- */

static enum vmtp_status
check_creds(struct vmtp_ctx *ctx, const struct vmtp_os_creds *c)
{
    const char *u = c->auth_url;
    size_t n;

    if (u == NULL || u[0] == '\0') {
        return vmtp_set_error(ctx, VMTP_E_INVAL,
                              "no OpenStack auth URL (OS_AUTH_URL)");
    }
    n = strlen(u);
    while (n > 0 && u[n - 1] == '/') {
        n--;
    }
    if (c->identity_api_version == 2 ||
        (n >= 5 && strncmp(u + n - 5, "/v2.0", 5) == 0)) {
        return vmtp_set_error(
                ctx, VMTP_E_INVAL,
                "Keystone v2 is not supported (auth URL '%s'): use an "
                "OpenStack v3 openrc (OS_IDENTITY_API_VERSION=3 and a /v3 "
                "auth URL)",
                u);
    }
    if (c->token != NULL && c->token[0] != '\0') {
        return VMTP_OK;
    }
    if (use_app_cred(c)) {
        if (c->app_cred_id == NULL && c->username == NULL &&
            c->user_id == NULL) {
            return vmtp_set_error(ctx, VMTP_E_INVAL,
                                  "an application credential name needs a "
                                  "user (OS_USERNAME or OS_USER_ID)");
        }
        return VMTP_OK;
    }
    if (c->username == NULL && c->user_id == NULL) {
        return vmtp_set_error(ctx, VMTP_E_INVAL,
                              "no OpenStack user (OS_USERNAME or OS_USER_ID)");
    }
    return VMTP_OK;
}

static char *
normalise_auth_url(const char *u)
{
    char *s = clean_url(u, NULL);
    char *v = NULL;
    size_t n;

    if (s == NULL) {
        return NULL;
    }
    n = strlen(s);
    if (n >= 3 && strcmp(s + n - 3, "/v3") == 0) {
        return s;
    }
    if (asprintf(&v, "%s/v3", s) < 0) {
        v = NULL;
    }
    free(s);
    return v;
}

static enum vmtp_status
token_error(struct vmtp_os_session *s,
            const char *method,
            const struct vmtp_http_resp *resp)
{
    char msg[256];
    const struct vmtp_os_creds *c = s->creds;
    const char *who = c->username != NULL  ? c->username
                      : c->user_id != NULL ? c->user_id
                                           : "(application credential)";

    vmtp_json_error_message(vx_buf_str(&resp->body), vx_buf_len(&resp->body),
                            msg, sizeof(msg));
    /* Keystone answers 404 to an application credential that does not
     * exist (any more): as much an authentication failure as a 401 */
    if (resp->status == 401 ||
        (resp->status == 404 && strcmp(method, "POST") == 0)) {
        return vmtp_error_set_at(&s->ctx->err, VMTP_E_AUTH, 0, resp->status,
                                 __func__,
                                 "authentication failed for '%s' at %s "
                                 "(%s /auth/tokens: HTTP %ld: %s)",
                                 who, s->auth_url, method, resp->status, msg);
    }
    return vmtp_error_set_at(
            &s->ctx->err, resp->status == 403 ? VMTP_E_AUTH : VMTP_E_HTTP, 0,
            resp->status, __func__, "%s %s/auth/tokens: HTTP %ld: %s", method,
            s->auth_url, resp->status, msg);
}

enum vmtp_status
vmtp_os_token_left_s(const char *expires_at, int64_t now_s, int64_t *left_s)
{
    struct tm tm = {0};
    const char *rest;
    time_t t;

    /* the fraction and zone that follow are ignored: Keystone writes UTC */
    rest = expires_at != NULL ? strptime(expires_at, "%Y-%m-%dT%H:%M:%S", &tm)
                              : NULL;
    if (rest == NULL || (*rest != '\0' && *rest != '.' && *rest != 'Z')) {
        return VMTP_E_PARSE;
    }
    t = timegm(&tm);
    if (t == (time_t)-1) {
        return VMTP_E_PARSE;
    }
    *left_s = (int64_t)t - now_s;
    return VMTP_OK;
}

/* When to renew ahead of expiry: a tenth of what is left, 30 s to 5 min. */
static void
plan_renewal(struct vmtp_os_session *s)
{
    int64_t left_s = 0;
    int64_t margin_s;

    s->renew_at_us = 0;
    if (s->token_given ||
        vmtp_os_token_left_s(s->cat.expires_at, (int64_t)time(NULL), &left_s) !=
                VMTP_OK) {
        return;
    }
    margin_s = left_s / 10;
    margin_s = margin_s < 30 ? 30 : margin_s > 300 ? 300 : margin_s;
    s->renew_at_us = (int64_t)vx_now_us() + (left_s - margin_s) * 1000000;
    if (s->renew_at_us == 0) {
        s->renew_at_us = 1;
    }
}

enum vmtp_status
vmtp_os_reauth(struct vmtp_os_session *s)
{
    struct vmtp_http_resp resp;
    struct vmtp_http_req req = {0};
    char *url = NULL;
    char *body = NULL;
    char *tok_hdr = NULL;
    char *sub_hdr = NULL;
    const char *hdrs[5] = {"Content-Type: application/json",
                           "Accept: application/json", NULL, NULL, NULL};
    enum vmtp_status st = VMTP_OK;

    vmtp_http_resp_init(&resp);
    if (asprintf(&url, "%s/auth/tokens", s->auth_url) < 0) {
        url = NULL;
        st = vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
        goto out;
    }
    req.url = url;
    req.headers = hdrs;
    if (s->token_given) {
        if (asprintf(&tok_hdr, "X-Auth-Token: %s", s->creds->token) < 0 ||
            asprintf(&sub_hdr, "X-Subject-Token: %s", s->creds->token) < 0) {
            st = vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
            goto out;
        }
        hdrs[2] = tok_hdr;
        hdrs[3] = sub_hdr;
        req.method = "GET";
    } else {
        body = auth_body(s->creds, &s->ctx->err);
        if (body == NULL) {
            st = s->ctx->err.code;
            goto out;
        }
        req.method = "POST";
        req.body = body;
        req.body_len = strlen(body);
    }
    VLOG(&s->ctx->log, VMTP_LOG_DEBUG, "authenticating at %s", s->auth_url);
    st = vmtp_http_do(s->http, &req, &resp);
    if (st != VMTP_OK) {
        goto out;
    }
    if (resp.status != 200 && resp.status != 201) {
        st = token_error(s, req.method, &resp);
        goto out;
    }
    vmtp_os_catalog_release(&s->cat);
    st = vmtp_os_parse_token(vx_buf_str(&resp.body), vx_buf_len(&resp.body),
                             s->creds->region_name, s->creds->interface,
                             &s->cat, &s->ctx->err);
    if (st != VMTP_OK) {
        goto out;
    }
    vx_burn_free(s->token);
    if (s->token_given) {
        s->token = vx_strdup(s->creds->token);
    } else {
        s->token = resp.subject_token;
        resp.subject_token = NULL;
    }
    if (s->token == NULL) {
        st = vmtp_set_error(s->ctx, VMTP_E_AUTH,
                            "Keystone at %s returned no X-Subject-Token",
                            s->auth_url);
        goto out;
    }
    s->reauth_count++;
    plan_renewal(s);
    VLOG(&s->ctx->log, VMTP_LOG_DEBUG,
         "authenticated: project %s, token expires %s",
         s->cat.project_id != NULL ? s->cat.project_id : "(none)",
         s->cat.expires_at != NULL ? s->cat.expires_at : "?");
out:
    vmtp_http_resp_release(&resp);
    vx_burn_free(body);
    vx_burn_free(tok_hdr);
    vx_burn_free(sub_hdr);
    free(url);
    return st;
}

enum vmtp_status
vmtp_os_session_new(struct vmtp_ctx *ctx,
                    const struct vmtp_os_creds *creds,
                    const struct vmtp_os_session_opts *opts,
                    struct vmtp_os_session **out)
{
    struct vmtp_os_session *s = NULL;
    struct vmtp_http_opts hopts = {0};
    enum vmtp_status st;

    *out = NULL;
    st = check_creds(ctx, creds);
    if (st != VMTP_OK) {
        return st;
    }
    s = vx_calloc(1, sizeof(*s));
    if (s == NULL) {
        return vmtp_set_error(ctx, VMTP_E_NOMEM, "out of memory");
    }
    s->ctx = ctx;
    s->creds = creds;
    s->token_given = creds->token != NULL && creds->token[0] != '\0';
    if (opts != NULL) {
        hopts = opts->http;
        for (int i = 0; i < VMTP_OS_NSERVICES; i++) {
            s->override[i] = opts->endpoint_override[i];
        }
    }
    if (hopts.cacert == NULL) {
        hopts.cacert = creds->cacert;
    }
    hopts.insecure = hopts.insecure || creds->insecure;
    s->auth_url = normalise_auth_url(creds->auth_url);
    if (s->auth_url == NULL) {
        st = vmtp_set_error(ctx, VMTP_E_NOMEM, "out of memory");
        goto fail;
    }
    s->http = vmtp_http_new(ctx, &hopts);
    if (s->http == NULL) {
        st = ctx->err.code;
        goto fail;
    }
    st = vmtp_os_reauth(s);
    if (st != VMTP_OK) {
        goto fail;
    }
    *out = s;
    return VMTP_OK;
fail:
    vmtp_os_session_free(s);
    return st;
}

void
vmtp_os_session_free(struct vmtp_os_session *s)
{
    if (s == NULL) {
        return;
    }
    vmtp_http_free(s->http);
    vx_burn_free(s->token);
    vmtp_os_catalog_release(&s->cat);
    free(s->auth_url);
    free(s);
}

enum vmtp_status
vmtp_os_endpoint(struct vmtp_os_session *s,
                 enum vmtp_os_svc svc,
                 const char **url)
{
    const struct vmtp_os_creds *c = s->creds;

    *url = s->override[svc] != NULL ? s->override[svc] : s->cat.endpoint[svc];
    if (*url == NULL) {
        return vmtp_set_error(s->ctx, VMTP_E_NOTFOUND,
                              "no '%s' service in the catalog for region '%s', "
                              "interface '%s'",
                              service_type[svc],
                              c->region_name != NULL ? c->region_name : "(any)",
                              c->interface != NULL ? c->interface : "public");
    }
    return VMTP_OK;
}

void
vmtp_os_reply_release(struct vmtp_os_reply *r)
{
    if (r == NULL) {
        return;
    }
    vmtp_json_doc_free(r->doc);
    r->doc = NULL;
    r->status = 0;
}

char *
vmtp_os_escape(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *o = vx_reallocarray(NULL, n + 1, 3);
    size_t k = 0;

    if (o == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            o[k++] = (char)c;
        } else {
            o[k++] = '%';
            o[k++] = hex[c >> 4];
            o[k++] = hex[c & 15];
        }
    }
    o[k] = '\0';
    return o;
}

static bool
is_quota_message(const char *m)
{
    return strcasestr(m, "quota") != NULL ||
           strcasestr(m, "OverQuota") != NULL ||
           strcasestr(m, "exceeded") != NULL;
}

static enum vmtp_status
http_error(struct vmtp_os_session *s,
           const char *method,
           const char *path,
           const struct vmtp_http_resp *resp)
{
    char msg[300];
    enum vmtp_status code = VMTP_E_HTTP;

    vmtp_json_error_message(vx_buf_str(&resp->body), vx_buf_len(&resp->body),
                            msg, sizeof(msg));
    if (resp->status == 404) {
        code = VMTP_E_NOTFOUND;
    } else if (resp->status == 401) {
        code = VMTP_E_AUTH;
    } else if (resp->status == 413 ||
               ((resp->status == 403 || resp->status == 409 ||
                 resp->status == 400) &&
                is_quota_message(msg))) {
        code = VMTP_E_QUOTA;
    }
    return vmtp_error_set_at(&s->ctx->err, code, 0, resp->status, __func__,
                             "%s %s: HTTP %ld: %s", method, path, resp->status,
                             msg[0] != '\0' ? msg : "(no message)");
}

static enum vmtp_status
call_once(struct vmtp_os_session *s,
          enum vmtp_os_svc svc,
          const char *method,
          const char *path,
          const char *body,
          const char *file_path,
          const char *src_url,
          unsigned flags,
          struct vmtp_http_resp *resp)
{
    struct vmtp_http_req req = {0};
    const char *base = NULL;
    char *url = NULL;
    char *tok = NULL;
    const char *hdrs[6] = {0};
    size_t nh = 0;
    enum vmtp_status st;

    st = vmtp_os_endpoint(s, svc, &base);
    if (st != VMTP_OK) {
        return st;
    }
    if (asprintf(&url, "%s%s", base, path) < 0) {
        return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
    }
    if (asprintf(&tok, "X-Auth-Token: %s", s->token) < 0) {
        free(url);
        return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
    }
    hdrs[nh++] = tok;
    hdrs[nh++] = "Accept: application/json";
    if (file_path != NULL || src_url != NULL) {
        hdrs[nh++] = "Content-Type: application/octet-stream";
    } else if (vx_streq(method, "PATCH") && svc == VMTP_OS_IMAGE) {
        hdrs[nh++] = "Content-Type: application/openstack-images-v2.1-json-"
                     "patch";
    } else if (body != NULL) {
        hdrs[nh++] = "Content-Type: application/json";
    }
    if (svc == VMTP_OS_COMPUTE) {
        hdrs[nh++] =
                "OpenStack-API-Version: compute " VMTP_OS_COMPUTE_MICROVERSION;
        hdrs[nh++] =
                "X-OpenStack-Nova-API-Version: " VMTP_OS_COMPUTE_MICROVERSION;
    }
    req.method = method;
    req.url = url;
    req.headers = hdrs;
    req.body = body;
    req.body_len = body != NULL ? strlen(body) : 0;
    req.upload_path = file_path;
    req.upload_url = src_url;
    req.no_retry = (flags & VMTP_OS_NO_RETRY) != 0;
    req.finish_on_cancel =
            !vx_streq(method, "GET") && !vx_streq(method, "HEAD");
    st = vmtp_http_do(s->http, &req, resp);
    vx_burn_free(tok);
    free(url);
    return st;
}

static enum vmtp_status
call(struct vmtp_os_session *s,
     enum vmtp_os_svc svc,
     const char *method,
     const char *path,
     const char *body,
     const char *file_path,
     const char *src_url,
     unsigned flags,
     struct vmtp_os_reply *reply)
{
    struct vmtp_http_resp resp;
    enum vmtp_status st;

    vmtp_http_resp_init(&resp);
    if (reply != NULL) {
        reply->status = 0;
        reply->doc = NULL;
    }
    if (s->renew_at_us != 0 && (int64_t)vx_now_us() >= s->renew_at_us) {
        VLOG(&s->ctx->log, VMTP_LOG_INFO,
             "token expires at %s: authenticating again ahead of it",
             s->cat.expires_at);
        st = vmtp_os_reauth(s);
        if (st != VMTP_OK) {
            goto out;
        }
    }
    st = call_once(s, svc, method, path, body, file_path, src_url, flags,
                   &resp);
    if (st == VMTP_OK && resp.status == 401 && !s->token_given) {
        VLOG(&s->ctx->log, VMTP_LOG_INFO,
             "%s %s: token rejected (expired?), authenticating again", method,
             path);
        st = vmtp_os_reauth(s);
        if (st == VMTP_OK) {
            if (src_url != NULL) {
                /* a stream was consumed: report instead of replaying */
                st = http_error(s, method, path, &resp);
                goto out;
            }
            st = call_once(s, svc, method, path, body, file_path, src_url,
                           flags, &resp);
        }
    }
    if (st != VMTP_OK) {
        goto out;
    }
    if (reply != NULL) {
        reply->status = resp.status;
    }
    if (resp.status < 200 || resp.status > 299) {
        st = http_error(s, method, path, &resp);
        goto out;
    }
    if (reply != NULL && vx_buf_len(&resp.body) > 0) {
        char what[200];

        (void)snprintf(what, sizeof(what), "%s %s", method, path);
        reply->doc =
                vmtp_json_parse(vx_buf_str(&resp.body), vx_buf_len(&resp.body),
                                what, &s->ctx->err);
        if (reply->doc == NULL) {
            st = s->ctx->err.code;
        }
    }
out:
    vmtp_http_resp_release(&resp);
    return st;
}

enum vmtp_status
vmtp_os_call(struct vmtp_os_session *s,
             enum vmtp_os_svc svc,
             const char *method,
             const char *path,
             const char *body,
             unsigned flags,
             struct vmtp_os_reply *reply)
{
    return call(s, svc, method, path, body, NULL, NULL, flags, reply);
}

enum vmtp_status
vmtp_os_upload(struct vmtp_os_session *s,
               enum vmtp_os_svc svc,
               const char *path,
               const char *file_path,
               const char *src_url)
{
    return call(s, svc, "PUT", path, NULL, file_path, src_url, 0, NULL);
}

enum vmtp_status
vmtp_os_ctx_session(struct vmtp_ctx *ctx, struct vmtp_os_session **out)
{
    enum vmtp_status st;

    *out = NULL;
    if (ctx->os_session == NULL) {
        if (ctx->creds.auth_url == NULL) {
            return vmtp_set_error(ctx, VMTP_E_INVAL,
                                  "no OpenStack credentials: give an openrc "
                                  "file, OS_* variables or a clouds.yaml "
                                  "entry");
        }
        st = vmtp_os_session_new(ctx, &ctx->creds, NULL, &ctx->os_session);
        if (st != VMTP_OK) {
            return st;
        }
    }
    *out = ctx->os_session;
    return VMTP_OK;
}
