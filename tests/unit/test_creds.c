/* \summary: unit tests for the credentials readers: openrc, env, clouds.yaml */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmtp/cloud.h>

#include "creds.h"
#include "internal.h"
#include "vmtp_test.h"

#define MARKER "/tmp/vt-cli-pwned"

struct logbuf {
    char text[8192];
    size_t len;
    int warnings;
};

static void
collect(void *ud, enum vmtp_log_level lvl, const char *func, const char *msg)
{
    struct logbuf *lb = ud;
    int n;

    (void)func;
    if (lvl == VMTP_LOG_WARN) {
        lb->warnings++;
    }
    n = snprintf(lb->text + lb->len, sizeof(lb->text) - lb->len, "%s\n", msg);
    if (n > 0 && (size_t)n < sizeof(lb->text) - lb->len) {
        lb->len += (size_t)n;
    }
}

static void
data_path(char *buf, size_t size, const char *rel)
{
    const char *root = getenv("VMTP_SOURCE_ROOT");

    assert_non_null(root);
    assert_true(snprintf(buf, size, "%s/tests/data/%s", root, rel) < (int)size);
}

static void
test_creds_dashboard_v3_openrc(void **state)
{
    struct vmtp_ctx *ctx = vmtp_ctx_new();
    char path[4096];
    const struct vmtp_os_creds *c;

    (void)state;
    assert_non_null(ctx);
    data_path(path, sizeof(path), "openrc/dashboard-v3-openrc.sh");
    assert_int_equal(vmtp_creds_load_openrc(ctx, path), VMTP_OK);
    c = &ctx->creds;
    assert_string_equal(c->auth_url, "https://198.18.0.10:5000/v3");
    assert_string_equal(c->project_id, "5e4bb4c4a1b94f1d8b7c1d3a2f0e9c87");
    assert_string_equal(c->project_name, "vmtp-demo");
    assert_string_equal(c->user_domain_name, "Default");
    assert_string_equal(c->project_domain_id, "default");
    assert_string_equal(c->username, "vmtp-user");
    assert_string_equal(c->region_name, "RegionOne");
    assert_string_equal(c->interface, "public");
    assert_int_equal(c->identity_api_version, 3);
    assert_false(c->tenant_given);
    /* The prompt lines are ignored: no password, so one is needed. */
    assert_null(c->password);
    assert_true(vmtp_creds_have_cloud(ctx));
    assert_true(vmtp_creds_need_password(ctx));
    assert_int_equal(vmtp_creds_check(ctx), VMTP_OK);
    assert_int_equal(vmtp_creds_set_password(ctx, "pw"), VMTP_OK);
    assert_false(vmtp_creds_need_password(ctx));
    vmtp_ctx_free(ctx);
}

static void
test_creds_hostile_openrc_runs_nothing(void **state)
{
    struct vmtp_ctx *ctx = vmtp_ctx_new();
    struct logbuf lb;
    char path[4096];
    const struct vmtp_os_creds *c;

    (void)state;
    memset(&lb, 0, sizeof(lb));
    assert_non_null(ctx);
    (void)unlink(MARKER);
    vmtp_ctx_set_log(ctx, collect, &lb, VMTP_LOG_DEBUG);
    data_path(path, sizeof(path), "openrc/hostile-openrc.sh");
    assert_int_equal(vmtp_creds_load_openrc(ctx, path), VMTP_OK);
    assert_int_equal(access(MARKER, F_OK), -1);
    c = &ctx->creds;
    assert_string_equal(c->username, "demo");
    assert_string_equal(c->project_name, "demo");
    assert_null(c->region_name);
    assert_null(c->interface);
    assert_null(c->cacert);
    assert_string_equal(c->user_domain_name, "$(touch /tmp/vt-cli-pwned)");
    assert_string_equal(c->project_domain_name, "Default");
    assert_string_equal(c->password, "pa$$ \"word\" `x`");
    /* Skipped lines are reported by name, never by value. */
    assert_true(lb.warnings >= 4);
    assert_non_null(strstr(lb.text, "OS_REGION_NAME uses command"));
    assert_null(strstr(lb.text, "word"));
    vmtp_ctx_free(ctx);
}

static void
test_creds_v2_is_refused(void **state)
{
    struct vmtp_ctx *ctx = vmtp_ctx_new();
    struct vmtp_os_creds c;
    struct vmtp_error err;
    char path[4096];
    static const char explicit_v2[] = "export OS_AUTH_URL=http://k:5000/\n"
                                      "export OS_IDENTITY_API_VERSION=2\n";

    (void)state;
    assert_non_null(ctx);
    data_path(path, sizeof(path), "openrc/dashboard-v2-openrc.sh");
    assert_int_equal(vmtp_creds_load_openrc(ctx, path), VMTP_E_INVAL);
    assert_non_null(strstr(vmtp_ctx_error(ctx)->msg, "Keystone v2"));
    assert_non_null(strstr(vmtp_ctx_error(ctx)->msg, path));
    vmtp_ctx_free(ctx);

    vmtp_os_creds_init(&c);
    memset(&err, 0, sizeof(err));
    assert_int_equal(vmtp_os_creds_parse_openrc(&c, explicit_v2,
                                                strlen(explicit_v2), "rc", NULL,
                                                &err),
                     VMTP_E_INVAL);
    assert_non_null(strstr(err.msg, "Identity v2.0 API was removed"));
    vmtp_os_creds_release(&c);
}

static void
test_creds_openrc_quoting_and_errors(void **state)
{
    static const char text[] =
            "  # indented comment\n"
            "export OS_AUTH_URL='https://k.example:5000/v3'   # comment\r\n"
            "OS_USERNAME=ad\\ min\n"
            "export\tOS_PROJECT_NAME=\"a b\"'c'd\n"
            "export OS_USER_DOMAIN_ID=default\n"
            "export OS_PROJECT_DOMAIN_ID=default\n"
            "export OS_IDENTITY_API_VERSION=3.0\n"
            "export OS_ENDPOINT_TYPE=internalURL\n"
            "export OS_INSECURE=true\n"
            "export NOT_OS=1\n"
            "export OS_=1\n"
            "export OS_UNKNOWN_THING=1\n";
    struct vmtp_os_creds c;
    struct vmtp_error err;
    char path[4096];
    struct vmtp_ctx *ctx = vmtp_ctx_new();

    (void)state;
    vmtp_os_creds_init(&c);
    memset(&err, 0, sizeof(err));
    assert_int_equal(vmtp_os_creds_parse_openrc(&c, text, strlen(text), "rc",
                                                NULL, &err),
                     VMTP_OK);
    assert_string_equal(c.auth_url, "https://k.example:5000/v3");
    assert_string_equal(c.username, "ad min");
    assert_string_equal(c.project_name, "a bcd");
    assert_string_equal(c.interface, "internal");
    assert_true(c.insecure);
    assert_int_equal(c.identity_api_version, 3);
    vmtp_os_creds_release(&c);

    assert_non_null(ctx);
    data_path(path, sizeof(path), "openrc/unterminated-openrc.sh");
    assert_int_equal(vmtp_creds_load_openrc(ctx, path), VMTP_E_PARSE);
    assert_non_null(strstr(vmtp_ctx_error(ctx)->msg, ":2: unterminated"));
    assert_int_equal(vmtp_creds_load_openrc(ctx, "/nonexistent/openrc"),
                     VMTP_E_SYS);
    assert_non_null(strstr(vmtp_ctx_error(ctx)->msg, "/nonexistent/openrc"));
    vmtp_os_creds_init(&c);
    assert_int_equal(
            vmtp_os_creds_parse_openrc(&c, "export OS_IDENTITY_API_VERSION=x\n",
                                       34, "rc", NULL, &err),
            VMTP_E_INVAL);
    vmtp_os_creds_release(&c);
    vmtp_ctx_free(ctx);
}

static void
test_creds_environment(void **state)
{
    const char *const env[] = {
            "PATH=/usr/bin",
            "OS_AUTH_URL=https://198.18.0.10:5000/v3",
            "OS_USERNAME=$literal",
            "OS_PASSWORD=env-secret",
            "OS_PROJECT_NAME=p",
            "OS_USER_DOMAIN_NAME=Default",
            "OS_PROJECT_DOMAIN_NAME=Default",
            "OS_NOEQUALS",
            NULL,
    };
    const char *const pw_only[] = {"OS_PASSWORD=second", "OS_USERNAME=ignored",
                                   NULL};
    struct vmtp_ctx *ctx = vmtp_ctx_new();

    (void)state;
    assert_non_null(ctx);
    assert_int_equal(vmtp_creds_load_env(ctx, env, 0), VMTP_OK);
    assert_string_equal(ctx->creds.username, "$literal");
    assert_string_equal(ctx->creds.password, "env-secret");
    assert_int_equal(vmtp_creds_check(ctx), VMTP_OK);
    /* Password only, and only when none is set yet. */
    assert_int_equal(
            vmtp_creds_load_env(ctx, pw_only, VMTP_CREDS_ENV_PASSWORD_ONLY),
            VMTP_OK);
    assert_string_equal(ctx->creds.password, "env-secret");
    assert_string_equal(ctx->creds.username, "$literal");
    assert_int_equal(vmtp_creds_set_password(ctx, NULL), VMTP_OK);
    assert_int_equal(
            vmtp_creds_load_env(ctx, pw_only, VMTP_CREDS_ENV_PASSWORD_ONLY),
            VMTP_OK);
    assert_string_equal(ctx->creds.password, "second");
    vmtp_ctx_free(ctx);
}

static void
test_creds_check_names_missing_variable(void **state)
{
    const char *const env[] = {"OS_AUTH_URL=https://198.18.0.10:5000/v3",
                               "OS_USERNAME=u", NULL};
    struct vmtp_ctx *ctx = vmtp_ctx_new();

    (void)state;
    assert_non_null(ctx);
    assert_int_equal(vmtp_creds_check(ctx), VMTP_OK); /* nothing set */
    assert_false(vmtp_creds_have_cloud(ctx));
    assert_int_equal(vmtp_creds_load_env(ctx, env, 0), VMTP_OK);
    assert_int_equal(vmtp_creds_check(ctx), VMTP_E_INVAL);
    assert_non_null(strstr(vmtp_ctx_error(ctx)->msg, "OS_USER_DOMAIN_NAME"));
    vmtp_ctx_free(ctx);
}

static void
test_creds_clouds_yaml(void **state)
{
    struct vmtp_ctx *ctx = vmtp_ctx_new();
    char path[4096];

    (void)state;
    assert_non_null(ctx);
    data_path(path, sizeof(path), "clouds/clouds.yaml");
    assert_int_equal(vmtp_creds_load_clouds_yaml(ctx, "lab", path, NULL),
                     VMTP_OK);
    assert_string_equal(ctx->creds.auth_url, "https://198.18.0.10:5000/v3");
    assert_string_equal(ctx->creds.password, "cl0uds-s3cret");
    assert_string_equal(ctx->creds.region_name, "RegionOne");
    assert_true(ctx->creds.insecure);
    assert_int_equal(vmtp_creds_check(ctx), VMTP_OK);
    assert_int_equal(vmtp_creds_load_clouds_yaml(ctx, "nope", path, NULL),
                     VMTP_E_NOTFOUND);
    assert_non_null(strstr(vmtp_ctx_error(ctx)->msg, "no cloud named 'nope'"));
    vmtp_ctx_free(ctx);

    ctx = vmtp_ctx_new();
    assert_non_null(ctx);
    assert_int_equal(vmtp_creds_load_clouds_yaml(ctx, "old", path, NULL),
                     VMTP_E_INVAL);
    assert_non_null(strstr(vmtp_ctx_error(ctx)->msg, "Keystone v2"));
    vmtp_ctx_free(ctx);

    ctx = vmtp_ctx_new();
    assert_non_null(ctx);
    assert_int_equal(vmtp_creds_load_clouds_yaml(ctx, "appcred", path, NULL),
                     VMTP_OK);
    assert_false(vmtp_creds_need_password(ctx));
    assert_int_equal(vmtp_creds_check(ctx), VMTP_OK);
    /* Searching: HOME without a clouds.yaml, no ./clouds.yaml here. */
    assert_int_equal(
            vmtp_creds_load_clouds_yaml(ctx, "lab", NULL, "/nonexistent-home"),
            access("clouds.yaml", R_OK) == 0 ||
                            access("/etc/openstack/clouds.yaml", R_OK) == 0
                    ? vmtp_ctx_error(ctx)->code
                    : VMTP_E_NOTFOUND);
    vmtp_ctx_free(ctx);
}

static void
test_creds_secure_yaml(void **state)
{
    struct vmtp_ctx *ctx = vmtp_ctx_new();
    struct vmtp_os_creds c;
    char path[4096];
    static const char bad[] = "clouds: [1, 2]\n";

    (void)state;
    assert_non_null(ctx);
    /* secure.yaml next to clouds.yaml lays its keys over the cloud's */
    data_path(path, sizeof(path), "clouds/secure/clouds.yaml");
    assert_int_equal(vmtp_creds_load_clouds_yaml(ctx, "lab", path, NULL),
                     VMTP_OK);
    assert_string_equal(ctx->creds.password, "s3cure-only");
    assert_string_equal(ctx->creds.region_name, "RegionTwo");
    assert_string_equal(ctx->creds.username, "vmtp-user");
    assert_false(vmtp_creds_need_password(ctx));
    vmtp_ctx_free(ctx);

    /* a cloud that secure.yaml does not name keeps clouds.yaml's keys */
    ctx = vmtp_ctx_new();
    assert_non_null(ctx);
    assert_int_equal(vmtp_creds_load_clouds_yaml(ctx, "plain", path, NULL),
                     VMTP_OK);
    assert_null(ctx->creds.password);
    assert_true(vmtp_creds_need_password(ctx));
    vmtp_ctx_free(ctx);

    /* a malformed secure.yaml is an error naming it */
    vmtp_os_creds_init(&c);
    assert_int_equal(vmtp_os_creds_parse_secure(&c, bad, sizeof(bad) - 1, "lab",
                                                "secure.yaml", NULL),
                     VMTP_E_INVAL);
    assert_int_equal(vmtp_os_creds_parse_secure(&c, "clouds: {}\n", 11, "lab",
                                                "secure.yaml", NULL),
                     VMTP_OK);
    vmtp_os_creds_release(&c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_creds_dashboard_v3_openrc),
            cmocka_unit_test(test_creds_hostile_openrc_runs_nothing),
            cmocka_unit_test(test_creds_v2_is_refused),
            cmocka_unit_test(test_creds_openrc_quoting_and_errors),
            cmocka_unit_test(test_creds_environment),
            cmocka_unit_test(test_creds_check_names_missing_variable),
            cmocka_unit_test(test_creds_clouds_yaml),
            cmocka_unit_test(test_creds_secure_yaml),
    };

    return cmocka_run_group_tests_name("creds", tests, NULL, NULL);
}
