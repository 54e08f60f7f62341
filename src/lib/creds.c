/* \summary: OpenStack credentials: openrc (no shell), environment, clouds.yaml
 */
#include "creds.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <vmtp/cloud.h>

#include "error.h"
#include "internal.h"
#include "log.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_str.h"
#include "yamlx.h"

#define VALUE_MAX 4096 /* bytes of one credential value */
#define LINE_MAX_ 8192 /* bytes of one openrc line */

void
vmtp_os_creds_init(struct vmtp_os_creds *c)
{
    memset(c, 0, sizeof(*c));
    c->identity_api_version = 3;
}

void
vmtp_os_creds_release(struct vmtp_os_creds *c)
{
    char **plain[] = {
            &c->auth_url,          &c->username,
            &c->user_id,           &c->user_domain_name,
            &c->user_domain_id,    &c->project_name,
            &c->project_id,        &c->project_domain_name,
            &c->project_domain_id, &c->region_name,
            &c->interface,         &c->cacert,
            &c->app_cred_id,       &c->app_cred_name,
            &c->auth_type,
    };

    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        VX_FREE(*plain[i]);
    }
    vx_burn_free(c->password);
    vx_burn_free(c->app_cred_secret);
    vx_burn_free(c->token);
    vmtp_os_creds_init(c);
}

/* ---------------------------------------------------------- variables -- */

enum var_kind {
    VAR_STR,
    VAR_SECRET,
    VAR_TENANT,   /* OS_TENANT_*: a v3 project, remembered as a v2 hint */
    VAR_VERSION,  /* OS_IDENTITY_API_VERSION */
    VAR_INSECURE, /* OS_INSECURE */
    VAR_ENDPOINT, /* OS_ENDPOINT_TYPE: publicURL -> public */
};

struct var {
    const char *name; /* without OS_ */
    enum var_kind kind;
    size_t off;
};

#define V(n, k, f)                              \
    {                                           \
        n, k, offsetof(struct vmtp_os_creds, f) \
    }

static const struct var vars[] = {
        V("AUTH_URL", VAR_STR, auth_url),
        V("IDENTITY_API_VERSION", VAR_VERSION, identity_api_version),
        V("USERNAME", VAR_STR, username),
        V("USER_ID", VAR_STR, user_id),
        V("USER_DOMAIN_NAME", VAR_STR, user_domain_name),
        V("USER_DOMAIN_ID", VAR_STR, user_domain_id),
        V("PASSWORD", VAR_SECRET, password),
        V("PROJECT_NAME", VAR_STR, project_name),
        V("PROJECT_ID", VAR_STR, project_id),
        V("TENANT_NAME", VAR_TENANT, project_name),
        V("TENANT_ID", VAR_TENANT, project_id),
        V("PROJECT_DOMAIN_NAME", VAR_STR, project_domain_name),
        V("PROJECT_DOMAIN_ID", VAR_STR, project_domain_id),
        V("REGION_NAME", VAR_STR, region_name),
        V("INTERFACE", VAR_STR, interface),
        V("ENDPOINT_TYPE", VAR_ENDPOINT, interface),
        V("CACERT", VAR_STR, cacert),
        V("INSECURE", VAR_INSECURE, insecure),
        V("APPLICATION_CREDENTIAL_ID", VAR_STR, app_cred_id),
        V("APPLICATION_CREDENTIAL_NAME", VAR_STR, app_cred_name),
        V("APPLICATION_CREDENTIAL_SECRET", VAR_SECRET, app_cred_secret),
        V("AUTH_TYPE", VAR_STR, auth_type),
        V("TOKEN", VAR_SECRET, token),
};

static char **
field(struct vmtp_os_creds *c, const struct var *v)
{
    return (char **)(void *)((char *)c + v->off);
}

static const struct var *
find_var(const char *name)
{
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        if (strcmp(vars[i].name, name) == 0) {
            return &vars[i];
        }
    }
    return NULL;
}

static bool
truthy(const char *s)
{
    return strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 ||
           strcmp(s, "1") == 0;
}

static int
parse_version(const char *s)
{
    /* "3", "3.0", "3.x" -> 3; "2", "2.0" -> 2; else 0. */
    if ((s[0] == '2' || s[0] == '3') && (s[1] == '\0' || s[1] == '.')) {
        return s[0] - '0';
    }
    return 0;
}

static enum vmtp_status
set_string(struct vmtp_os_creds *c,
           const struct var *v,
           const char *value,
           struct vmtp_error *err)
{
    char **f = field(c, v);
    char *dup = NULL;

    if (value != NULL) {
        dup = vx_strdup(value);
        if (dup == NULL) {
            return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        }
    }
    if (v->kind == VAR_SECRET) {
        vx_burn_free(*f);
    } else {
        free(*f);
    }
    *f = dup;
    return VMTP_OK;
}

enum vmtp_status
vmtp_os_creds_set(struct vmtp_os_creds *c,
                  const char *name,
                  const char *value,
                  struct vmtp_error *err)
{
    const struct var *v = find_var(name);
    char ep[32];
    size_t len;

    if (v == NULL) {
        return VMTP_OK;
    }
    if (value != NULL && strlen(value) > VALUE_MAX) {
        return vmtp_error_set(err, VMTP_E_INVAL, "OS_%s: value too long", name);
    }
    switch (v->kind) {
    case VAR_VERSION:
        if (value == NULL) {
            c->identity_api_version = 3;
            return VMTP_OK;
        }
        c->identity_api_version = parse_version(value);
        if (c->identity_api_version == 0) {
            return vmtp_error_set(err, VMTP_E_INVAL,
                                  "OS_IDENTITY_API_VERSION: '%.16s' is not "
                                  "a Keystone API version; expected 3",
                                  value);
        }
        return VMTP_OK;
    case VAR_INSECURE:
        c->insecure = value != NULL && truthy(value);
        return VMTP_OK;
    case VAR_TENANT:
        if (value == NULL) {
            /* "unset OS_TENANT_ID" must not drop OS_PROJECT_ID. */
            c->tenant_given = false;
            return VMTP_OK;
        }
        c->tenant_given = true;
        return set_string(c, v, value, err);
    case VAR_ENDPOINT:
        if (value == NULL) {
            return set_string(c, v, NULL, err);
        }
        (void)vx_strlcpy(ep, value, sizeof(ep));
        len = strlen(ep);
        if (len > 3 && strcmp(ep + len - 3, "URL") == 0) {
            ep[len - 3] = '\0';
        }
        return set_string(c, v, ep, err);
    case VAR_STR:
    case VAR_SECRET:
        break;
    }
    return set_string(c, v, value, err);
}

static bool
ends_with_v2(const char *url)
{
    size_t len = url != NULL ? strlen(url) : 0;

    while (len > 0 && url[len - 1] == '/') {
        len--;
    }
    return len >= 5 && strncmp(url + len - 5, "/v2.0", 5) == 0;
}

enum vmtp_status
vmtp_os_creds_check_v3(const struct vmtp_os_creds *c,
                       const char *origin,
                       struct vmtp_error *err)
{
    bool v3_fields = c->user_domain_name != NULL || c->user_domain_id != NULL ||
                     c->project_domain_name != NULL ||
                     c->project_domain_id != NULL;

    if (c->identity_api_version == 2 ||
        (c->tenant_given && !v3_fields && ends_with_v2(c->auth_url))) {
        return vmtp_error_set(err, VMTP_E_INVAL,
                              "%s: Keystone v2 credentials are not supported "
                              "(the Identity v2.0 API was removed from "
                              "OpenStack): download a v3 openrc from the "
                              "Dashboard (API Access) or use clouds.yaml",
                              origin);
    }
    return VMTP_OK;
}

/* ------------------------------------------------------------- openrc -- */

/* What one openrc line turned out to be. */
enum line_kind {
    LINE_IGNORED,
    LINE_ASSIGN,
    LINE_UNSET,
    LINE_EXPANSION, /* $VAR: skipped quietly (the Dashboard prompt) */
    LINE_COMMAND,   /* $(...) or backticks: skipped with a warning */
    LINE_COMPLEX,   /* more shell after the value: skipped */
};

struct word {
    char buf[VALUE_MAX + 1];
    size_t len;
    bool var_ref; /* $NAME or ${NAME} */
    bool command; /* $( or ` */
};

static int
word_add(struct word *w, char ch)
{
    if (w->len >= VALUE_MAX) {
        return -1;
    }
    w->buf[w->len++] = ch;
    w->buf[w->len] = '\0';
    return 0;
}

static void
note_dollar(struct word *w, const char *p)
{
    if (p[1] == '(') {
        w->command = true;
    } else {
        w->var_ref = true;
    }
}

/* '...': everything literal up to the closing quote. */
static int
single_quoted(const char **pp, struct word *w)
{
    const char *p = *pp + 1;
    const char *end = strchr(p, '\'');

    if (end == NULL) {
        return -1;
    }
    for (; p < end; p++) {
        if (word_add(w, *p) != 0) {
            return -1;
        }
    }
    *pp = end; /* on the closing quote */
    return 0;
}

/* "...": \" \\ \$ \` are escapes; $ and ` would expand. */
static int
double_quoted(const char **pp, struct word *w)
{
    const char *p = *pp + 1;

    for (; *p != '"'; p++) {
        if (*p == '\0') {
            return -1;
        }
        if (*p == '\\' && p[1] != '\0' && strchr("\"\\$`", p[1]) != NULL) {
            p++;
        } else if (*p == '$') {
            note_dollar(w, p);
        } else if (*p == '`') {
            w->command = true;
        }
        if (word_add(w, *p) != 0) {
            return -1;
        }
    }
    *pp = p; /* on the closing quote */
    return 0;
}

/* One unquoted character; a backslash quotes the next one. */
static int
plain_char(const char **pp, struct word *w)
{
    const char *p = *pp;

    if (*p == '\\' && p[1] != '\0') {
        p++;
    } else if (*p == '$') {
        note_dollar(w, p);
    } else if (*p == '`') {
        w->command = true;
    }
    *pp = p;
    return word_add(w, *p);
}

/*
 * Read one shell word at *pp into w, with POSIX quoting, without any
 * expansion. Returns 0, or -1 for an unterminated quote or an overlong
 * value; *pp ends after the word.
 */
static int
read_word(const char **pp, struct word *w)
{
    const char *p = *pp;
    int rc = 0;

    for (; rc == 0 && *p != '\0' && !isspace((unsigned char)*p) &&
           strchr(";&|<>()", *p) == NULL;
         p++) {
        if (*p == '\'') {
            rc = single_quoted(&p, w);
        } else if (*p == '"') {
            rc = double_quoted(&p, w);
        } else {
            rc = plain_char(&p, w);
        }
    }
    *pp = p;
    return rc;
}

static const char *
skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

static bool
keyword(const char **pp, const char *kw)
{
    size_t n = strlen(kw);

    if (strncmp(*pp, kw, n) == 0 && ((*pp)[n] == ' ' || (*pp)[n] == '\t')) {
        *pp = skip_ws(*pp + n);
        return true;
    }
    return false;
}

/* Copy an OS_ variable name at *pp into name (without OS_). */
static bool
read_os_name(const char **pp, char *name, size_t size)
{
    const char *p = *pp;
    size_t n = 0;

    if (strncmp(p, "OS_", 3) != 0) {
        return false;
    }
    for (p += 3; isalnum((unsigned char)*p) || *p == '_'; p++) {
        if (n + 1 >= size) {
            return false;
        }
        name[n++] = *p;
    }
    name[n] = '\0';
    *pp = p;
    return n > 0;
}

static enum line_kind
classify(const char *line, char *name, size_t size, struct word *w, int *bad)
{
    const char *p = skip_ws(line);

    *bad = 0;
    if (keyword(&p, "unset")) {
        return read_os_name(&p, name, size) ? LINE_UNSET : LINE_IGNORED;
    }
    (void)keyword(&p, "export");
    if (!read_os_name(&p, name, size) || *p != '=') {
        return LINE_IGNORED;
    }
    p++;
    if (read_word(&p, w) != 0) {
        *bad = 1;
        return LINE_IGNORED;
    }
    p = skip_ws(p);
    if (*p != '\0' && *p != '#') {
        return w->command ? LINE_COMMAND : LINE_COMPLEX;
    }
    if (w->command) {
        return LINE_COMMAND;
    }
    return w->var_ref ? LINE_EXPANSION : LINE_ASSIGN;
}

static enum vmtp_status
openrc_line(struct vmtp_os_creds *c,
            const char *line,
            int lineno,
            const char *origin,
            const struct vmtp_logger *lg,
            struct vmtp_error *err)
{
    char name[64];
    struct word *w = vx_calloc(1, sizeof(*w));
    int bad = 0;
    enum vmtp_status st = VMTP_OK;

    if (w == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    switch (classify(line, name, sizeof(name), w, &bad)) {
    case LINE_IGNORED:
        if (bad) {
            st = vmtp_error_set(err, VMTP_E_PARSE,
                                "%s:%d: unterminated quote or value longer "
                                "than %d bytes",
                                origin, lineno, VALUE_MAX);
        }
        break;
    case LINE_UNSET:
        st = vmtp_os_creds_set(c, name, NULL, err);
        break;
    case LINE_ASSIGN:
        st = vmtp_os_creds_set(c, name, w->buf, err);
        break;
    case LINE_EXPANSION:
        VLOG(lg, VMTP_LOG_DEBUG,
             "%s:%d: OS_%s refers to a shell variable: skipped", origin, lineno,
             name);
        break;
    case LINE_COMMAND:
        VLOG(lg, VMTP_LOG_WARN,
             "%s:%d: OS_%s uses command substitution, which vmtp never "
             "runs: skipped",
             origin, lineno, name);
        break;
    case LINE_COMPLEX:
        VLOG(lg, VMTP_LOG_WARN,
             "%s:%d: OS_%s is followed by more shell code: skipped", origin,
             lineno, name);
        break;
    }
    explicit_bzero(w, sizeof(*w));
    free(w);
    return st;
}

enum vmtp_status
vmtp_os_creds_parse_openrc(struct vmtp_os_creds *c,
                           const char *text,
                           size_t len,
                           const char *origin,
                           const struct vmtp_logger *lg,
                           struct vmtp_error *err)
{
    char line[LINE_MAX_ + 1] = {0};
    size_t pos = 0;
    int lineno = 0;
    enum vmtp_status st = VMTP_OK;

    while (pos < len && st == VMTP_OK) {
        size_t n = 0;

        lineno++;
        while (pos < len && text[pos] != '\n') {
            if (n >= LINE_MAX_) {
                st = vmtp_error_set(err, VMTP_E_PARSE,
                                    "%s:%d: line longer than %d bytes", origin,
                                    lineno, LINE_MAX_);
                break;
            }
            line[n++] = text[pos++];
        }
        pos++; /* the '\n' */
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        line[n] = '\0';
        if (st == VMTP_OK) {
            st = openrc_line(c, line, lineno, origin, lg, err);
        }
    }
    explicit_bzero(line, sizeof(line));
    return st != VMTP_OK ? st : vmtp_os_creds_check_v3(c, origin, err);
}

enum vmtp_status
vmtp_creds_load_openrc(struct vmtp_ctx *ctx, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    enum vmtp_status st;

    if (ctx == NULL) {
        return VMTP_E_INVAL;
    }
    st = vmtp_read_file(path, VMTP_YAML_MAX, &text, &len, &ctx->err);
    if (st != VMTP_OK) {
        return st;
    }
    st = vmtp_os_creds_parse_openrc(&ctx->creds, text, len, path, &ctx->log,
                                    &ctx->err);
    explicit_bzero(text, len);
    free(text);
    return st;
}

/* -------------------------------------------------------- environment -- */

enum vmtp_status
vmtp_creds_load_env(struct vmtp_ctx *ctx,
                    const char *const *envp,
                    unsigned flags)
{
    enum vmtp_status st = VMTP_OK;

    for (size_t i = 0; envp != NULL && envp[i] != NULL && st == VMTP_OK; i++) {
        const char *e = envp[i];
        const char *eq = strchr(e, '=');
        char name[64];
        size_t n;

        if (strncmp(e, "OS_", 3) != 0 || eq == NULL) {
            continue;
        }
        n = (size_t)(eq - e) - 3;
        if (n == 0 || n >= sizeof(name)) {
            continue;
        }
        memcpy(name, e + 3, n);
        name[n] = '\0';
        if ((flags & VMTP_CREDS_ENV_PASSWORD_ONLY) != 0 &&
            (strcmp(name, "PASSWORD") != 0 || ctx->creds.password != NULL)) {
            continue;
        }
        st = vmtp_os_creds_set(&ctx->creds, name, eq + 1, &ctx->err);
    }
    if (st == VMTP_OK && (flags & VMTP_CREDS_ENV_PASSWORD_ONLY) == 0) {
        st = vmtp_os_creds_check_v3(&ctx->creds, "OS_* environment", &ctx->err);
    }
    return st;
}

enum vmtp_status
vmtp_creds_set_password(struct vmtp_ctx *ctx, const char *password)
{
    return vmtp_os_creds_set(&ctx->creds, "PASSWORD", password, &ctx->err);
}

/* -------------------------------------------------------- clouds.yaml -- */

static const struct {
    const char *yaml; /* key under auth: or at the cloud level */
    const char *var;
    bool in_auth;
} cloud_keys[] = {
        {"auth_url", "AUTH_URL", true},
        {"username", "USERNAME", true},
        {"user_id", "USER_ID", true},
        {"password", "PASSWORD", true},
        {"project_name", "PROJECT_NAME", true},
        {"project_id", "PROJECT_ID", true},
        {"tenant_name", "TENANT_NAME", true},
        {"tenant_id", "TENANT_ID", true},
        {"user_domain_name", "USER_DOMAIN_NAME", true},
        {"user_domain_id", "USER_DOMAIN_ID", true},
        {"project_domain_name", "PROJECT_DOMAIN_NAME", true},
        {"project_domain_id", "PROJECT_DOMAIN_ID", true},
        {"application_credential_id", "APPLICATION_CREDENTIAL_ID", true},
        {"application_credential_name", "APPLICATION_CREDENTIAL_NAME", true},
        {"application_credential_secret", "APPLICATION_CREDENTIAL_SECRET",
         true},
        {"token", "TOKEN", true},
        {"region_name", "REGION_NAME", false},
        {"interface", "INTERFACE", false},
        {"identity_api_version", "IDENTITY_API_VERSION", false},
        {"auth_type", "AUTH_TYPE", false},
        {"cacert", "CACERT", false},
};

static enum vmtp_status
take_cloud(struct vmtp_os_creds *c,
           yaml_document_t *doc,
           yaml_node_t *cl,
           const char *origin,
           struct vmtp_error *err)
{
    yaml_node_t *auth = vmtp_yaml_get(doc, cl, "auth");
    yaml_node_t *verify = vmtp_yaml_get(doc, cl, "verify");
    enum vmtp_status st = VMTP_OK;

    for (size_t i = 0;
         i < sizeof(cloud_keys) / sizeof(cloud_keys[0]) && st == VMTP_OK; i++) {
        yaml_node_t *n = vmtp_yaml_get(doc, cloud_keys[i].in_auth ? auth : cl,
                                       cloud_keys[i].yaml);
        const char *v = vmtp_yaml_text(n);

        if (n == NULL || vmtp_yaml_is_null(n)) {
            continue;
        }
        if (v == NULL) {
            return vmtp_error_set(err, VMTP_E_INVAL,
                                  "%s:%d: '%s' must be a string", origin,
                                  vmtp_yaml_line(n), cloud_keys[i].yaml);
        }
        st = vmtp_os_creds_set(c, cloud_keys[i].var, v, err);
    }
    if (st == VMTP_OK && vmtp_yaml_text(verify) != NULL &&
        vmtp_yaml_is_plain(verify)) {
        c->insecure = strcasecmp(vmtp_yaml_text(verify), "false") == 0;
    }
    return st;
}

/*
 * Take cloud `cloud` of a clouds.yaml (or, when `overlay`, of a
 * secure.yaml: a file without that cloud is then fine) into *c.
 */
static enum vmtp_status
parse_clouds(struct vmtp_os_creds *c,
             const char *text,
             size_t len,
             const char *cloud,
             const char *origin,
             bool overlay,
             struct vmtp_error *err)
{
    yaml_document_t doc;
    yaml_node_t *cl;
    enum vmtp_status st;

    st = vmtp_yaml_load(&doc, text, len, origin, err);
    if (st != VMTP_OK) {
        return st;
    }
    cl = vmtp_yaml_get(&doc, yaml_document_get_root_node(&doc), "clouds");
    if (cl == NULL || cl->type != YAML_MAPPING_NODE) {
        st = vmtp_error_set(err, VMTP_E_INVAL,
                            "%s: no 'clouds' mapping at the top level", origin);
        goto out;
    }
    cl = vmtp_yaml_get(&doc, cl, cloud);
    if (overlay && cl == NULL) {
        goto out;
    }
    if (cl == NULL || cl->type != YAML_MAPPING_NODE) {
        st = vmtp_error_set(err, VMTP_E_NOTFOUND, "%s: no cloud named '%s'",
                            origin, cloud);
        goto out;
    }
    st = take_cloud(c, &doc, cl, origin, err);
    if (st == VMTP_OK) {
        st = vmtp_os_creds_check_v3(c, origin, err);
    }
out:
    yaml_document_delete(&doc);
    return st;
}

enum vmtp_status
vmtp_os_creds_parse_clouds(struct vmtp_os_creds *c,
                           const char *text,
                           size_t len,
                           const char *cloud,
                           const char *origin,
                           struct vmtp_error *err)
{
    return parse_clouds(c, text, len, cloud, origin, false, err);
}

enum vmtp_status
vmtp_os_creds_parse_secure(struct vmtp_os_creds *c,
                           const char *text,
                           size_t len,
                           const char *cloud,
                           const char *origin,
                           struct vmtp_error *err)
{
    return parse_clouds(c, text, len, cloud, origin, true, err);
}

/* Read and parse one clouds.yaml or secure.yaml; the text is wiped. */
static enum vmtp_status
load_clouds_file(struct vmtp_ctx *ctx,
                 const char *cloud,
                 const char *path,
                 bool overlay)
{
    char *text = NULL;
    size_t len = 0;
    enum vmtp_status st;

    st = vmtp_read_file(path, VMTP_YAML_MAX, &text, &len, &ctx->err);
    if (st == VMTP_OK) {
        st = parse_clouds(&ctx->creds, text, len, cloud, path, overlay,
                          &ctx->err);
        explicit_bzero(text, len);
    }
    free(text);
    return st;
}

/*
 * secure.yaml (openstacksdk's file for the secrets): the first that
 * exists of the clouds.yaml's own directory, ./, HOME/.config/openstack/
 * and /etc/openstack/. Its entry for the cloud overrides clouds.yaml's.
 */
static enum vmtp_status
load_secure_yaml(struct vmtp_ctx *ctx,
                 const char *cloud,
                 const char *clouds_path,
                 const char *home)
{
    char cand[4][4096];
    const char *slash = strrchr(clouds_path, '/');
    size_t n = 0;

    if (slash != NULL && snprintf(cand[n], sizeof(cand[n]), "%.*s/secure.yaml",
                                  (int)(slash - clouds_path),
                                  clouds_path) < (int)sizeof(cand[n])) {
        n++;
    }
    (void)vx_strlcpy(cand[n++], "secure.yaml", sizeof(cand[0]));
    if (home != NULL && *home != '\0' &&
        snprintf(cand[n], sizeof(cand[n]), "%s/.config/openstack/secure.yaml",
                 home) < (int)sizeof(cand[n])) {
        n++;
    }
    (void)vx_strlcpy(cand[n++], "/etc/openstack/secure.yaml", sizeof(cand[0]));
    for (size_t i = 0; i < n; i++) {
        if (access(cand[i], R_OK) == 0) {
            return load_clouds_file(ctx, cloud, cand[i], true);
        }
    }
    return VMTP_OK;
}

enum vmtp_status
vmtp_creds_load_clouds_yaml(struct vmtp_ctx *ctx,
                            const char *cloud,
                            const char *path,
                            const char *home)
{
    char homefile[4096] = "";
    const char *candidates[3] = {"clouds.yaml", NULL,
                                 "/etc/openstack/clouds.yaml"};
    const char *found = path;
    enum vmtp_status st;

    if (cloud == NULL || *cloud == '\0') {
        return vmtp_set_error(ctx, VMTP_E_INVAL, "empty cloud name");
    }
    if (home != NULL && *home != '\0' &&
        snprintf(homefile, sizeof(homefile), "%s/.config/openstack/clouds.yaml",
                 home) < (int)sizeof(homefile)) {
        candidates[1] = homefile;
    }
    for (size_t i = 0; found == NULL && i < 3; i++) {
        if (candidates[i] != NULL && access(candidates[i], R_OK) == 0) {
            found = candidates[i];
        }
    }
    if (found == NULL) {
        return vmtp_set_error(ctx, VMTP_E_NOTFOUND,
                              "cloud '%s': no clouds.yaml in ./, "
                              "$HOME/.config/openstack/ or /etc/openstack/",
                              cloud);
    }
    st = load_clouds_file(ctx, cloud, found, false);
    if (st == VMTP_OK) {
        st = load_secure_yaml(ctx, cloud, found, home);
    }
    return st;
}

/* ------------------------------------------------------------ queries -- */

bool
vmtp_creds_have_cloud(const struct vmtp_ctx *ctx)
{
    return ctx->creds.auth_url != NULL && ctx->creds.auth_url[0] != '\0';
}

static bool
password_auth(const struct vmtp_os_creds *c)
{
    return c->auth_type == NULL || strcmp(c->auth_type, "password") == 0 ||
           strcmp(c->auth_type, "v3password") == 0;
}

bool
vmtp_creds_need_password(const struct vmtp_ctx *ctx)
{
    return vmtp_creds_have_cloud(ctx) && password_auth(&ctx->creds) &&
           ctx->creds.app_cred_id == NULL && ctx->creds.token == NULL &&
           ctx->creds.password == NULL;
}

enum vmtp_status
vmtp_creds_check(struct vmtp_ctx *ctx)
{
    const struct vmtp_os_creds *c = &ctx->creds;
    const char *missing = NULL;

    if (!vmtp_creds_have_cloud(ctx)) {
        return VMTP_OK;
    }
    if (vmtp_os_creds_check_v3(c, "credentials", &ctx->err) != VMTP_OK) {
        return VMTP_E_INVAL;
    }
    if (c->app_cred_id != NULL || c->app_cred_name != NULL ||
        c->token != NULL || !password_auth(c)) {
        return VMTP_OK;
    }
    if (c->username == NULL && c->user_id == NULL) {
        missing = "OS_USERNAME";
    } else if (c->username != NULL && c->user_domain_name == NULL &&
               c->user_domain_id == NULL) {
        missing = "OS_USER_DOMAIN_NAME";
    } else if (c->project_name == NULL && c->project_id == NULL) {
        missing = "OS_PROJECT_NAME";
    } else if (c->project_name != NULL && c->project_domain_name == NULL &&
               c->project_domain_id == NULL) {
        missing = "OS_PROJECT_DOMAIN_NAME";
    }
    if (missing != NULL) {
        return vmtp_set_error(ctx, VMTP_E_INVAL,
                              "OpenStack credentials are incomplete: %s (or "
                              "its _ID form) is missing",
                              missing);
    }
    return VMTP_OK;
}
