/* \summary: bad replies from a misbehaving OpenStack (fake_os.py on loopback)
 */
#include <sys/wait.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "os_api.h"
#include "os_auth.h"
#include "os_lab.h"
#include "vmtp_test.h"
#include "vx_time.h"

struct fake {
    pid_t pid;
    int port;
    char url[64];
    struct vmtp_ctx *ctx;
    struct vmtp_os_creds creds;
    struct vmtp_os_session *s;
};

static char *
cs(const char *s)
{
    return (char *)(uintptr_t)s;
}

static int
start_fake(struct fake *f, const char *cert, const char *key)
{
    char script[512];
    char line[128];
    size_t n = 0;
    int fd = -1;
    const char *root = getenv("VMTP_SOURCE_ROOT"); /* NOLINT */
    const char *argv[] = {"python3", "-u", script, cert, key, NULL};
    uint64_t end = vx_now_us() + 60000000u; /* slow python start */

    (void)snprintf(script, sizeof(script), "%s/tests/integration/fake_os.py",
                   root != NULL ? root : ".");
    f->port = 0;
    f->pid = os_lab_spawn_pipe(argv, &fd);
    if (f->pid < 0) {
        return -1;
    }
    while (f->port == 0 && vx_now_us() < end && n + 1 < sizeof(line)) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        ssize_t r;

        if (poll(&p, 1, 200) <= 0) {
            continue;
        }
        r = read(fd, line + n, sizeof(line) - 1 - n);
        if (r <= 0) {
            break;
        }
        n += (size_t)r;
        line[n] = '\0';
        if (strchr(line, '\n') != NULL &&
            sscanf(line, "listening on %d", &f->port) != 1) { /* NOLINT */
            break;
        }
    }
    (void)close(fd);
    if (f->port <= 0) {
        return -1;
    }
    (void)snprintf(f->url, sizeof(f->url), "%s://127.0.0.1:%d/v3",
                   cert != NULL ? "https" : "http", f->port);
    return 0;
}

static int
setup(void **state)
{
    static struct fake f;

    if (start_fake(&f, NULL, NULL) != 0) {
        return -1;
    }
    f.ctx = os_lab_ctx_new();
    vmtp_os_creds_init(&f.creds);
    f.creds.auth_url = cs(f.url);
    f.creds.username = cs("demo");
    f.creds.password = cs("right");
    f.creds.project_name = cs("demo");
    *state = &f;
    return 0;
}

static int
teardown(void **state)
{
    struct fake *f = *state;
    int st;

    vmtp_os_session_free(f->s);
    vmtp_ctx_free(f->ctx);
    (void)kill(f->pid, SIGTERM);
    (void)waitpid(f->pid, &st, 0);
    return 0;
}

static struct vmtp_os_session *
session(struct fake *f, size_t max_body)
{
    struct vmtp_os_session_opts o = {
            .http = {.backoff_ms = 10, .max_body = max_body}};

    vmtp_os_session_free(f->s);
    f->s = NULL;
    assert_int_equal(vmtp_os_session_new(f->ctx, &f->creds, &o, &f->s),
                     VMTP_OK);
    return f->s;
}

static void
test_fake_wrong_password(void **state)
{
    struct fake *f = *state;
    struct vmtp_os_creds c = f->creds;
    struct vmtp_os_session *s = NULL;

    c.password = cs("wrong");
    assert_int_equal(vmtp_os_session_new(f->ctx, &c, NULL, &s), VMTP_E_AUTH);
    assert_int_equal(f->ctx->err.http_status, 401);
    assert_non_null(strstr(f->ctx->err.msg, "requires authentication"));
}

static void
test_fake_missing_service_in_catalog(void **state)
{
    struct fake *f = *state;
    struct vmtp_os_session *s = session(f, 0);
    struct vmtp_os_image_list l = {0};

    assert_int_equal(vmtp_os_images(s, NULL, &l), VMTP_E_NOTFOUND);
    assert_string_equal(f->ctx->err.msg,
                        "no 'image' service in the catalog for region "
                        "'(any)', interface 'public'");
}

static void
test_fake_malformed_json(void **state)
{
    struct fake *f = *state;
    struct vmtp_os_session *s = session(f, 0);
    struct vmtp_os_flavor_list l = {0};

    assert_int_equal(vmtp_os_flavors(s, &l), VMTP_E_PARSE);
    assert_null(l.items);
    assert_non_null(strstr(f->ctx->err.msg, "GET /flavors/detail"));
    assert_non_null(strstr(f->ctx->err.msg, "malformed JSON"));
}

static void
test_fake_wrong_type_names_the_path(void **state)
{
    struct fake *f = *state;
    struct vmtp_os_session *s = session(f, 0);
    struct vmtp_os_network_list l = {0};

    assert_int_equal(vmtp_os_networks(s, NULL, &l), VMTP_E_PARSE);
    assert_null(l.items);
    assert_string_equal(f->ctx->err.msg, "GET /v2.0/networks: "
                                         "`networks[1].id`: expected string, "
                                         "got integer");
}

static void
test_fake_retries_503_then_succeeds(void **state)
{
    struct fake *f = *state;
    struct vmtp_os_session *s = session(f, 0);
    struct vmtp_os_port_list l = {0};

    assert_int_equal(vmtp_os_ports(s, NULL, &l), VMTP_OK);
    assert_int_equal(l.n, 0);
}

static void
test_fake_401_reauth_once_then_fails(void **state)
{
    struct fake *f = *state;
    struct vmtp_os_session *s = session(f, 0);
    struct vmtp_os_service_list l = {0};
    unsigned before = s->reauth_count;

    assert_int_equal(vmtp_os_services(s, &l), VMTP_E_AUTH);
    assert_int_equal(s->reauth_count, before + 1);
    assert_non_null(strstr(f->ctx->err.msg, "GET /os-services: HTTP 401"));
    assert_null(strstr(f->ctx->err.msg, "fake-token"));
}

static void
test_fake_token_renewed_ahead_of_expiry(void **state)
{
    struct fake *f = *state;
    struct vmtp_os_creds c = f->creds;
    struct vmtp_os_session *s = NULL;
    struct vmtp_os_port_list l = {0};

    /* 5 s left is inside the 30 s margin: every call renews first */
    c.username = cs("short-lived");
    assert_int_equal(vmtp_os_session_new(f->ctx, &c, NULL, &s), VMTP_OK);
    assert_int_equal(s->reauth_count, 1);
    assert_true(s->renew_at_us != 0);
    assert_int_equal(vmtp_os_ports(s, NULL, &l), VMTP_OK);
    assert_int_equal(s->reauth_count, 2);
    vmtp_os_port_list_free(&l);
    vmtp_os_session_free(s);

    /* a token good until 2099: no renewal */
    s = session(f, 0);
    assert_int_equal(vmtp_os_ports(s, NULL, &l), VMTP_OK);
    assert_int_equal(s->reauth_count, 1);
    vmtp_os_port_list_free(&l);
}

static void
test_fake_body_over_cap(void **state)
{
    struct fake *f = *state;
    struct vmtp_os_session *s = session(f, 4096);
    struct vmtp_os_server_list l = {0};

    assert_int_equal(vmtp_os_servers(s, NULL, &l), VMTP_E_PARSE);
    assert_non_null(strstr(f->ctx->err.msg, "larger than 4096 bytes"));
}

static void
test_fake_not_found_carries_message(void **state)
{
    struct fake *f = *state;
    struct vmtp_os_session *s = session(f, 0);
    struct vmtp_os_server sv;

    assert_int_equal(vmtp_os_server_get(s, "abc", &sv), VMTP_E_NOTFOUND);
    assert_string_equal(f->ctx->err.msg,
                        "GET /servers/abc: HTTP 404: no such thing");
    assert_int_equal(f->ctx->err.http_status, 404);
}

struct capture {
    size_t lines;
    bool saw_token_header;
    bool leaked;
};

static void
capture_log(void *ud,
            enum vmtp_log_level lvl,
            const char *func,
            const char *msg)
{
    struct capture *c = ud;

    (void)lvl;
    (void)func;
    c->lines++;
    if (strstr(msg, "X-Auth-Token: ***") != NULL) {
        c->saw_token_header = true;
    }
    if (strstr(msg, "fake-token") != NULL || strstr(msg, "right") != NULL) {
        c->leaked = true;
        (void)fprintf(stderr, "LEAK: %s\n", msg);
    }
}

static void
test_fake_trace_redacts_secrets(void **state)
{
    struct fake *f = *state;
    struct capture c = {0};
    struct vmtp_os_port_list l = {0};

    vmtp_ctx_set_log(f->ctx, capture_log, &c, VMTP_LOG_TRACE);
    (void)session(f, 0); /* the password goes out in the auth body */
    assert_int_equal(vmtp_os_ports(f->s, NULL, &l), VMTP_OK);
    vmtp_ctx_set_log(f->ctx, NULL, NULL, VMTP_LOG_ERROR);
    assert_true(c.lines > 10);
    assert_true(c.saw_token_header);
    assert_false(c.leaked);
}

static void
test_fake_tls_cacert_and_insecure(void **state)
{
    struct fake *f = *state;
    struct fake tls = {0};
    char *dir = os_lab_tmpdir();
    char cert[128];
    char key[128];
    const char *gen[] = {"openssl",  "req",
                         "-x509",    "-newkey",
                         "rsa:2048", "-nodes",
                         "-days",    "1",
                         "-subj",    "/CN=127.0.0.1",
                         "-addext",  "subjectAltName=IP:127.0.0.1",
                         "-keyout",  key,
                         "-out",     cert,
                         NULL};
    struct vmtp_os_creds c = f->creds;
    struct vmtp_os_session *s = NULL;
    struct vmtp_os_session_opts o = {.http = {.max_retries = -1}};
    int st;

    assert_non_null(dir);
    (void)snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
    (void)snprintf(key, sizeof(key), "%s/key.pem", dir);
    assert_int_equal(os_lab_run(gen, 60), 0);
    assert_int_equal(start_fake(&tls, cert, key), 0);
    c.auth_url = tls.url;
    /* unknown CA: refused */
    assert_int_equal(vmtp_os_session_new(f->ctx, &c, &o, &s), VMTP_E_CONNECT);
    assert_null(s);
    /* the CA file (OS_CACERT) */
    c.cacert = cert;
    assert_int_equal(vmtp_os_session_new(f->ctx, &c, &o, &s), VMTP_OK);
    vmtp_os_session_free(s);
    s = NULL;
    /* explicit insecure */
    c.cacert = NULL;
    c.insecure = true;
    assert_int_equal(vmtp_os_session_new(f->ctx, &c, &o, &s), VMTP_OK);
    vmtp_os_session_free(s);
    (void)kill(tls.pid, SIGTERM);
    (void)waitpid(tls.pid, &st, 0);
    os_lab_rmrf(dir);
    free(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_fake_wrong_password),
            cmocka_unit_test(test_fake_missing_service_in_catalog),
            cmocka_unit_test(test_fake_malformed_json),
            cmocka_unit_test(test_fake_wrong_type_names_the_path),
            cmocka_unit_test(test_fake_retries_503_then_succeeds),
            cmocka_unit_test(test_fake_401_reauth_once_then_fails),
            cmocka_unit_test(test_fake_token_renewed_ahead_of_expiry),
            cmocka_unit_test(test_fake_body_over_cap),
            cmocka_unit_test(test_fake_not_found_carries_message),
            cmocka_unit_test(test_fake_trace_redacts_secrets),
            cmocka_unit_test(test_fake_tls_cacert_and_insecure),
    };

    return cmocka_run_group_tests_name("os_fake", tests, setup, teardown);
}
