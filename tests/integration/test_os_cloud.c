/* \summary: the OpenStack client against the real lab (suite "cloud") */
#include <sys/wait.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "ledger.h"
#include "os_api.h"
#include "os_auth.h"
#include "os_common.h"
#include "os_lab.h"
#include "vmtp_test.h"
#include "vx_str.h"
#include "vx_time.h"

struct fixture {
    struct vmtp_ctx *ctx;
    struct vmtp_os_creds creds;
    struct vmtp_os_session *s;
    char *tmp;
    char tag[64];   /* vmtp-vtos<pid>: every name in this test starts so */
    pid_t http_pid; /* the image server, stopped by teardown on failure */
    struct vmtp_ledger *ledger; /* what the tests create, for teardown */
};

static struct fixture *F;

/* The creds struct holds char *; tests point it at literals they never free. */
static char *
cs(const char *s)
{
    return (char *)(uintptr_t)s;
}

static int
group_setup(void **state)
{
    static struct fixture f;

    if (!os_lab_creds_from_env(&f.creds)) {
        (void)fprintf(stderr, "OS_AUTH_URL is not set: run this test "
                              "through tests/lab/openstack/"
                              "run-cloud-tests.sh\n");
        return -1; /* a failure, never a skip */
    }
    f.ctx = os_lab_ctx_new();
    f.tmp = os_lab_tmpdir();
    (void)snprintf(f.tag, sizeof(f.tag), "vmtp-vtos%ld", (long)getpid());
    if (f.ctx == NULL || f.tmp == NULL ||
        vmtp_os_session_new(f.ctx, &f.creds, NULL, &f.s) != VMTP_OK) {
        (void)fprintf(stderr, "cannot authenticate to the lab: %s\n",
                      f.ctx != NULL ? f.ctx->err.msg : "no memory");
        return -1;
    }
    /* every resource is recorded by name first: a failed test leaves
     * nothing behind, teardown's vmtp_ledger_cleanup() finds it */
    if (vmtp_ledger_open(f.ctx, f.tmp, f.tag, &f.ledger) != VMTP_OK) {
        return -1;
    }
    F = &f;
    *state = &f;
    return 0;
}

/* Record the intent to create `nm` (the test's safety net). */
static void
track(enum vmtp_res_type t, const char *nm)
{
    unsigned seq;

    assert_int_equal(vmtp_ledger_intent(F->ledger, t, nm, &seq), VMTP_OK);
}

static int
group_teardown(void **state)
{
    struct fixture *f = *state;
    int st;

    size_t left = 0;

    if (f->http_pid > 0) {
        (void)kill(f->http_pid, SIGTERM);
        (void)waitpid(f->http_pid, &st, 0);
    }
    vmtp_ledger_close(f->ledger);
    /* every call has returned: nothing is in flight to wait for */
    os_lab_age_ledger(f->tmp, f->tag);
    if (vmtp_ledger_cleanup(f->s, f->tmp, f->tag, &left) != VMTP_OK) {
        (void)fprintf(stderr, "teardown cleanup: %zu left: %s\n", left,
                      f->ctx->err.msg);
    }
    vmtp_os_session_free(f->s);
    vmtp_os_creds_release(&f->creds);
    vmtp_ctx_free(f->ctx);
    os_lab_rmrf(f->tmp);
    free(f->tmp);
    return 0;
}

static void
expect_ok(struct vmtp_ctx *ctx, enum vmtp_status st)
{
    if (st != VMTP_OK) {
        (void)fprintf(stderr, "error %d: %s\n", (int)st, ctx->err.msg);
    }
    assert_int_equal(st, VMTP_OK);
}

static char *
name(const char *what)
{
    char *n = NULL;

    assert_true(asprintf(&n, "%s-%s", F->tag, what) > 0);
    return n;
}

/* ---- Keystone --------------------------------------------------------- */

static void
test_auth_password_with_names(void **state)
{
    struct fixture *f = *state;

    assert_non_null(f->s->token);
    assert_non_null(f->s->cat.project_id);
    assert_non_null(f->s->cat.user_id);
    for (int i = 0; i < VMTP_OS_NSERVICES; i++) {
        assert_non_null(f->s->cat.endpoint[i]);
    }
    assert_string_equal(f->s->cat.endpoint[VMTP_OS_COMPUTE],
                        "http://127.0.0.1:8774/v2.1");
}

static void
test_auth_password_with_ids(void **state)
{
    struct fixture *f = *state;
    struct vmtp_os_creds c;
    struct vmtp_os_session *s = NULL;

    vmtp_os_creds_init(&c);
    c.auth_url = f->creds.auth_url;
    c.user_id = f->s->cat.user_id;
    c.password = f->creds.password;
    c.project_id = f->s->cat.project_id;
    expect_ok(f->ctx, vmtp_os_session_new(f->ctx, &c, NULL, &s));
    assert_string_equal(s->cat.project_id, f->s->cat.project_id);
    vmtp_os_session_free(s);
}

static void
test_auth_token_reuse(void **state)
{
    struct fixture *f = *state;
    struct vmtp_os_creds c;
    struct vmtp_os_session *s = NULL;
    struct vmtp_os_flavor_list fl = {0};

    vmtp_os_creds_init(&c);
    c.auth_url = f->creds.auth_url;
    c.token = f->s->token;
    expect_ok(f->ctx, vmtp_os_session_new(f->ctx, &c, NULL, &s));
    assert_true(s->token_given);
    expect_ok(f->ctx, vmtp_os_flavors(s, &fl));
    vmtp_os_flavor_list_free(&fl);
    vmtp_os_session_free(s);
}

static void
test_auth_application_credential(void **state)
{
    struct fixture *f = *state;
    struct vmtp_os_creds c;
    struct vmtp_os_session *s = NULL;
    struct vmtp_os_reply r = {0};
    struct vmtp_jv root;
    struct vmtp_jv ac;
    const char *id = NULL;
    char *path = NULL;
    char *acname = name("appcred");
    char *body = vmtp_json_pack(&f->ctx->err, "{s:{s:s, s:s}}",
                                "application_credential", "name", acname,
                                "secret", "vt-os-s3cret");

    assert_non_null(body);
    assert_true(asprintf(&path, "/users/%s/application_credentials",
                         f->s->cat.user_id) > 0);
    expect_ok(f->ctx, vmtp_os_call(f->s, VMTP_OS_IDENTITY, "POST", path, body,
                                   VMTP_OS_NO_RETRY, &r));
    vmtp_json_root(r.doc, &root);
    expect_ok(f->ctx, vmtp_jv_object(&root, "application_credential", &ac,
                                     &f->ctx->err));
    expect_ok(f->ctx, vmtp_jv_str(&ac, "id", &id, &f->ctx->err));

    vmtp_os_creds_init(&c);
    c.auth_url = f->creds.auth_url;
    c.app_cred_id = cs(id);
    c.app_cred_secret = cs("vt-os-s3cret");
    expect_ok(f->ctx, vmtp_os_session_new(f->ctx, &c, NULL, &s));
    assert_string_equal(s->cat.project_id, f->s->cat.project_id);
    vmtp_os_session_free(s);

    /* by name, with the user */
    vmtp_os_creds_init(&c);
    c.auth_url = f->creds.auth_url;
    c.app_cred_name = acname;
    c.username = f->creds.username;
    c.user_domain_name = f->creds.user_domain_name;
    c.app_cred_secret = cs("vt-os-s3cret");
    expect_ok(f->ctx, vmtp_os_session_new(f->ctx, &c, NULL, &s));
    vmtp_os_session_free(s);

    free(path);
    assert_true(asprintf(&path, "/users/%s/application_credentials/%s",
                         f->s->cat.user_id, id) > 0);
    expect_ok(f->ctx, vmtp_os_call(f->s, VMTP_OS_IDENTITY, "DELETE", path, NULL,
                                   0, NULL));
    vmtp_os_reply_release(&r);
    free(path);
    free(body);
    free(acname);
}

static void
test_region_and_interface_honoured(void **state)
{
    struct fixture *f = *state;
    struct vmtp_os_creds c = f->creds;
    struct vmtp_os_session *s = NULL;
    const char *url = NULL;

    c.interface = cs("internal");
    expect_ok(f->ctx, vmtp_os_session_new(f->ctx, &c, NULL, &s));
    expect_ok(f->ctx, vmtp_os_endpoint(s, VMTP_OS_NETWORK, &url));
    vmtp_os_session_free(s);

    c.region_name = cs("NoSuchRegion");
    expect_ok(f->ctx, vmtp_os_session_new(f->ctx, &c, NULL, &s));
    assert_int_equal(vmtp_os_endpoint(s, VMTP_OS_COMPUTE, &url),
                     VMTP_E_NOTFOUND);
    assert_non_null(strstr(f->ctx->err.msg, "no 'compute' service"));
    assert_non_null(strstr(f->ctx->err.msg, "NoSuchRegion"));
    vmtp_os_session_free(s);
}

static void
test_reauth_once_on_401(void **state)
{
    struct fixture *f = *state;
    struct vmtp_os_flavor_list fl = {0};
    unsigned before = f->s->reauth_count;

    /* an expired or revoked token looks like this to the client */
    for (char *p = f->s->token; *p != '\0'; p++) {
        *p = 'x';
    }
    expect_ok(f->ctx, vmtp_os_flavors(f->s, &fl));
    assert_int_equal(f->s->reauth_count, before + 1);
    vmtp_os_flavor_list_free(&fl);
}

static void
test_keystone_v2_refused(void **state)
{
    struct fixture *f = *state;
    struct vmtp_os_creds c = f->creds;
    struct vmtp_os_session *s = NULL;

    c.identity_api_version = 2;
    assert_int_equal(vmtp_os_session_new(f->ctx, &c, NULL, &s), VMTP_E_INVAL);
    assert_non_null(strstr(f->ctx->err.msg, "Keystone v2 is not supported"));
    c.identity_api_version = 3;
    c.auth_url = cs("http://127.0.0.1:5000/v2.0");
    assert_int_equal(vmtp_os_session_new(f->ctx, &c, NULL, &s), VMTP_E_INVAL);
    assert_null(s);
}

static void
test_wrong_password(void **state)
{
    struct fixture *f = *state;
    struct vmtp_os_creds c = f->creds;
    struct vmtp_os_session *s = NULL;

    c.password = cs("not-the-password");
    assert_int_equal(vmtp_os_session_new(f->ctx, &c, NULL, &s), VMTP_E_AUTH);
    assert_null(s);
    assert_int_equal(f->ctx->err.http_status, 401);
    assert_non_null(strstr(f->ctx->err.msg, "authentication failed"));
    assert_null(strstr(f->ctx->err.msg, "not-the-password"));
}

static void
test_unreachable_auth_url(void **state)
{
    struct fixture *f = *state;
    struct vmtp_os_creds c = f->creds;
    struct vmtp_os_session *s = NULL;
    struct vmtp_os_session_opts o = {
            .http = {.max_retries = 1, .backoff_ms = 10}};

    c.auth_url = cs("http://127.0.0.1:1/v3");
    assert_int_equal(vmtp_os_session_new(f->ctx, &c, &o, &s), VMTP_E_CONNECT);
    assert_non_null(strstr(f->ctx->err.msg, "127.0.0.1:1"));
    c.auth_url = cs("http://vt-os-no-such-host.invalid:5000/v3");
    assert_int_equal(vmtp_os_session_new(f->ctx, &c, &o, &s), VMTP_E_RESOLVE);
    assert_null(s);
}

/* ---- Nova and Neutron discovery ------------------------------------- */

static void
test_hosts_zones_agents(void **state)
{
    struct fixture *f = *state;
    struct vmtp_os_hypervisor_list h = {0};
    struct vmtp_os_service_list sv = {0};
    struct vmtp_os_az_list az = {0};
    struct vmtp_os_agent_list ag = {0};
    size_t up = 0;
    bool zone_nova = false;

    expect_ok(f->ctx, vmtp_os_hypervisors(f->s, &h));
    assert_true(h.n >= 2);
    expect_ok(f->ctx, vmtp_os_services(f->s, &sv));
    for (size_t i = 0; i < sv.n; i++) {
        if (vx_streq(sv.items[i].binary, "nova-compute") &&
            vx_streq(sv.items[i].state, "up") &&
            vx_streq(sv.items[i].status, "enabled")) {
            up++;
        }
    }
    assert_true(up >= 2);
    expect_ok(f->ctx, vmtp_os_azs(f->s, &az));
    for (size_t i = 0; i < az.n; i++) {
        if (vx_streq(az.items[i].name, "nova") && az.items[i].nhosts >= 2) {
            zone_nova = true;
        }
    }
    assert_true(zone_nova);
    expect_ok(f->ctx, vmtp_os_agents(f->s, &ag));
    assert_true(ag.n >= 5);
    assert_string_equal(vmtp_os_l2_agent_type(&ag), "Linux bridge agent");
    for (size_t i = 0; i < ag.n; i++) {
        if (strstr(ag.items[i].agent_type, "Linux bridge") != NULL) {
            assert_non_null(ag.items[i].mappings);
            assert_non_null(strstr(ag.items[i].mappings, "public:br-ex"));
        }
    }
    vmtp_os_hypervisor_list_free(&h);
    vmtp_os_service_list_free(&sv);
    vmtp_os_az_list_free(&az);
    vmtp_os_agent_list_free(&ag);
}

/* ---- flavors, keypairs, images ---------------------------------------- */

static void
test_flavor_create_find_delete(void **state)
{
    struct fixture *f = *state;
    char *n = name("flavor");
    const char *specs[] = {"hw:cpu_policy", "shared", "vt:os", "1", NULL};
    struct vmtp_os_flavor fl = {0};
    struct vmtp_os_flavor got = {0};
    struct vmtp_os_reply r = {0};
    struct vmtp_jv root;
    struct vmtp_jv es;
    const char *v = NULL;
    char *path = NULL;

    assert_int_equal(vmtp_os_flavor_find(f->s, n, &got), VMTP_E_NOTFOUND);
    expect_ok(f->ctx, vmtp_os_flavor_create(f->s, n, 1, 512, 1, specs, &fl));
    expect_ok(f->ctx, vmtp_os_flavor_find(f->s, n, &got));
    assert_string_equal(got.id, fl.id);
    assert_int_equal(got.ram_mb, 512);
    assert_true(asprintf(&path, "/flavors/%s/os-extra_specs", fl.id) > 0);
    expect_ok(f->ctx,
              vmtp_os_call(f->s, VMTP_OS_COMPUTE, "GET", path, NULL, 0, &r));
    vmtp_json_root(r.doc, &root);
    expect_ok(f->ctx, vmtp_jv_object(&root, "extra_specs", &es, &f->ctx->err));
    expect_ok(f->ctx, vmtp_jv_str(&es, "hw:cpu_policy", &v, &f->ctx->err));
    assert_string_equal(v, "shared");
    vmtp_os_reply_release(&r);
    expect_ok(f->ctx, vmtp_os_flavor_delete(f->s, fl.id));
    {
        struct vmtp_os_flavor none = {0};

        assert_int_equal(vmtp_os_flavor_find(f->s, n, &none), VMTP_E_NOTFOUND);
    }
    assert_int_equal(vmtp_os_flavor_delete(f->s, got.id), VMTP_E_NOTFOUND);
    assert_int_equal(f->ctx->err.http_status, 404);
    assert_non_null(strstr(f->ctx->err.msg, "DELETE /flavors/"));
    vmtp_os_flavor_release(&got);
    vmtp_os_flavor_release(&fl);
    free(path);
    free(n);
}

static char *
make_key(const char *dir)
{
    char *key = NULL;
    const char *argv[] = {"ssh-keygen", "-q", "-t", "ed25519", "-N",
                          "",           "-f", NULL, NULL};

    assert_true(asprintf(&key, "%s/id_ed25519", dir) > 0);
    if (access(key, F_OK) != 0) {
        argv[7] = key;
        assert_int_equal(os_lab_run(argv, 30), 0);
    }
    return key;
}

static char *
read_small(const char *path)
{
    FILE *fp = fopen(path, "re");
    char buf[4096];
    size_t n;

    assert_non_null(fp);
    n = fread(buf, 1, sizeof(buf) - 1, fp);
    (void)fclose(fp);
    buf[n] = '\0';
    while (n > 0 && buf[n - 1] == '\n') {
        buf[--n] = '\0';
    }
    return strdup(buf);
}

static void
test_keypair_create_list_delete(void **state)
{
    struct fixture *f = *state;
    char *n = name("key");
    char *key = make_key(f->tmp);
    char *pubpath = NULL;
    char *pub;
    struct vmtp_os_keypair_list kl = {0};
    bool seen = false;

    assert_true(asprintf(&pubpath, "%s.pub", key) > 0);
    pub = read_small(pubpath);
    expect_ok(f->ctx, vmtp_os_keypair_create(f->s, n, pub));
    expect_ok(f->ctx, vmtp_os_keypairs(f->s, &kl));
    for (size_t i = 0; i < kl.n; i++) {
        seen = seen || vx_streq(kl.items[i].name, n);
    }
    assert_true(seen);
    expect_ok(f->ctx, vmtp_os_keypair_delete(f->s, n));
    assert_int_equal(vmtp_os_keypair_delete(f->s, n), VMTP_E_NOTFOUND);
    vmtp_os_keypair_list_free(&kl);
    free(pub);
    free(pubpath);
    free(key);
    free(n);
}

static char *
write_image_file(const char *dir)
{
    char *p = NULL;
    FILE *fp;

    assert_true(asprintf(&p, "%s/image.qcow2", dir) > 0);
    fp = fopen(p, "we");
    assert_non_null(fp);
    for (int i = 0; i < 3 * 1024; i++) { /* 3 MiB, more than one chunk */
        char blk[1024];

        memset(blk, 'a' + i % 26, sizeof(blk));
        assert_int_equal(fwrite(blk, 1, sizeof(blk), fp), sizeof(blk));
    }
    assert_int_equal(fclose(fp), 0);
    return p;
}

/* python3 -m http.server on 127.0.0.1, port chosen by the kernel. */
static pid_t
start_http_server(const char *dir, int *port, int *out_fd)
{
    const char *argv[] = {"python3", "-u",     "-m",        "http.server",
                          "0",       "--bind", "127.0.0.1", "--directory",
                          dir,       NULL};
    char line[256];
    size_t n = 0;
    int fd = -1;
    pid_t pid = os_lab_spawn_pipe(argv, &fd);
    /* python starts slowly on a loaded machine: wait up to 60 s */
    uint64_t end = vx_now_us() + 60000000u;

    assert_true(pid > 0);
    F->http_pid = pid;
    *port = 0;
    while (vx_now_us() < end && n + 1 < sizeof(line)) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        ssize_t r;
        const char *at;

        if (poll(&p, 1, 200) <= 0) {
            continue;
        }
        r = read(fd, line + n, sizeof(line) - 1 - n);
        if (r <= 0) {
            break;
        }
        n += (size_t)r;
        line[n] = '\0';
        at = strstr(line, " port ");
        if (at != NULL && strchr(at, '\n') != NULL) {
            *port = (int)strtol(at + 6, NULL, 10);
            break;
        }
    }
    /* keep the pipe open: the server must never write into a closed one */
    *out_fd = fd;
    assert_true(*port > 0);
    return pid;
}

static void
upload_and_check(struct fixture *f, const char *what, const char *url)
{
    char *n = name(what);
    char *id = NULL;
    struct vmtp_os_image im = {0};

    expect_ok(f->ctx, vmtp_os_image_create(f->s, n, NULL, NULL, &id));
    expect_ok(f->ctx, vmtp_os_image_upload(f->s, id, url));
    expect_ok(f->ctx, vmtp_os_image_wait_active(f->s, id, 120000));
    expect_ok(f->ctx, vmtp_os_image_find(f->s, n, &im));
    assert_string_equal(im.id, id);
    assert_string_equal(im.status, "active");
    vmtp_os_image_release(&im);
    expect_ok(f->ctx, vmtp_os_image_delete(f->s, id));
    assert_int_equal(vmtp_os_image_find(f->s, n, &im), VMTP_E_NOTFOUND);
    free(id);
    free(n);
}

static void
test_image_upload_from_file_and_http(void **state)
{
    struct fixture *f = *state;
    char *file = write_image_file(f->tmp);
    char *url = NULL;
    int port = 0;
    int srv_fd = -1;
    pid_t srv;
    int status;
    char *id = NULL;
    char *n = name("img-bad");

    assert_true(asprintf(&url, "file://%s", file) > 0);
    upload_and_check(f, "img-file", url);
    free(url);

    srv = start_http_server(f->tmp, &port, &srv_fd);
    assert_true(asprintf(&url, "http://127.0.0.1:%d/image.qcow2", port) > 0);
    upload_and_check(f, "img-http", url);
    free(url);

    /* a missing source must not leave an active (truncated) image */
    assert_true(asprintf(&url, "http://127.0.0.1:%d/missing.qcow2", port) > 0);
    expect_ok(f->ctx, vmtp_os_image_create(f->s, n, NULL, NULL, &id));
    assert_int_not_equal(vmtp_os_image_upload(f->s, id, url), VMTP_OK);
    assert_non_null(strstr(f->ctx->err.msg, "missing.qcow2"));
    expect_ok(f->ctx, vmtp_os_image_delete(f->s, id));
    assert_int_equal(vmtp_os_image_upload(f->s, id, "ftp://x/y"), VMTP_E_INVAL);
    (void)kill(srv, SIGTERM);
    (void)waitpid(srv, &status, 0);
    f->http_pid = 0;
    (void)close(srv_fd);
    free(url);
    free(id);
    free(n);
    free(file);
}

/* ---- the network stack and a server reached over SSH ----------------- */

static bool
ssh_reachable(const char *key, const char *ip, int timeout_s)
{
    uint64_t end = vx_now_us() + (uint64_t)timeout_s * 1000000u;
    char *dest = NULL;
    bool ok = false;

    assert_true(asprintf(&dest, "root@%s", ip) > 0);
    while (!ok && vx_now_us() < end) {
        const char *argv[] = {"ssh",
                              "-i",
                              key,
                              "-o",
                              "StrictHostKeyChecking=no",
                              "-o",
                              "UserKnownHostsFile=/dev/null",
                              "-o",
                              "BatchMode=yes",
                              "-o",
                              "ConnectTimeout=5",
                              "-o",
                              "LogLevel=ERROR",
                              dest,
                              "test -f /tmp/vt-os-user-data && "
                              "ls /mnt/config/openstack/latest/",
                              NULL};

        ok = os_lab_run(argv, 30) == 0;
        if (!ok) {
            vx_sleep_us(2000000);
        }
    }
    free(dest);
    return ok;
}

struct snapshot {
    size_t networks, subnets, routers, ports, secgroups, fips, servers;
};

static void
take_snapshot(struct fixture *f, struct snapshot *sn)
{
    struct vmtp_os_network_list n = {0};
    struct vmtp_os_subnet_list s = {0};
    struct vmtp_os_router_list r = {0};
    struct vmtp_os_port_list p = {0};
    struct vmtp_os_secgroup_list g = {0};
    struct vmtp_os_fip_list fi = {0};
    struct vmtp_os_server_list sv = {0};

    char *q = NULL;

    /* only our project: the lab's services create their own defaults */
    assert_true(asprintf(&q, "project_id=%s", f->s->cat.project_id) > 0);
    expect_ok(f->ctx, vmtp_os_networks(f->s, q, &n));
    expect_ok(f->ctx, vmtp_os_subnets(f->s, q, &s));
    expect_ok(f->ctx, vmtp_os_routers(f->s, q, &r));
    expect_ok(f->ctx, vmtp_os_ports(f->s, q, &p));
    expect_ok(f->ctx, vmtp_os_secgroups(f->s, q, &g));
    expect_ok(f->ctx, vmtp_os_fips(f->s, q, &fi));
    free(q);
    expect_ok(f->ctx, vmtp_os_servers(f->s, NULL, &sv));
    *sn = (struct snapshot){n.n, s.n, r.n, p.n, g.n, fi.n, sv.n};
    vmtp_os_network_list_free(&n);
    vmtp_os_subnet_list_free(&s);
    vmtp_os_router_list_free(&r);
    vmtp_os_port_list_free(&p);
    vmtp_os_secgroup_list_free(&g);
    vmtp_os_fip_list_free(&fi);
    vmtp_os_server_list_free(&sv);
}

static void
test_network_stack_server_ssh_fip(void **state)
{
    struct fixture *f = *state;
    struct snapshot before;
    struct snapshot after;
    struct vmtp_os_network_list ext = {0};
    struct vmtp_os_network_list mine = {0};
    struct vmtp_os_port_list ports = {0};
    struct vmtp_os_server sv = {0};
    struct vmtp_os_fip fip = {0};
    struct vmtp_os_flavor fl = {0};
    char *key = make_key(f->tmp);
    char *pubpath = NULL;
    char *pub;
    char *netn = name("net");
    char *subn = name("sub4");
    char *sub6n = name("sub6");
    char *rtn = name("router");
    char *sgn = name("sg");
    char *kpn = name("kp");
    char *srvn = name("srv");
    char *portn = name("port");
    char *imgn = name("img");
    char *fln = name("fl");
    char *imgfile = write_image_file(f->tmp);
    char *imgurl = NULL;
    char *net = NULL, *sub4 = NULL, *sub6 = NULL, *rt = NULL, *sg = NULL;
    char *srv = NULL, *port = NULL, *img = NULL, *q = NULL;
    const char *ext_id = NULL;
    struct vmtp_os_subnet_spec s4 = {
            .cidr = "198.19.64.0/24", .ip_version = 4, .enable_dhcp = true};
    struct vmtp_os_subnet_spec s6 = {.cidr = "2001:db8:64::/64",
                                     .ip_version = 6,
                                     .enable_dhcp = true,
                                     .ipv6_ra_mode = "slaac",
                                     .ipv6_address_mode = "slaac"};
    struct vmtp_os_server_spec sp = {0};

    take_snapshot(f, &before);
    assert_true(asprintf(&pubpath, "%s.pub", key) > 0);
    pub = read_small(pubpath);
    expect_ok(f->ctx, vmtp_os_networks(f->s, "router:external=true", &ext));
    for (size_t i = 0; i < ext.n; i++) {
        if (vx_streq(ext.items[i].name, "public")) {
            ext_id = ext.items[i].id;
        }
    }
    assert_non_null(ext_id);

    track(VMTP_RES_KEYPAIR, kpn);
    expect_ok(f->ctx, vmtp_os_keypair_create(f->s, kpn, pub));
    track(VMTP_RES_FLAVOR, fln);
    expect_ok(f->ctx, vmtp_os_flavor_create(f->s, fln, 1, 256, 1, NULL, &fl));
    assert_true(asprintf(&imgurl, "file://%s", imgfile) > 0);
    track(VMTP_RES_IMAGE, imgn);
    expect_ok(f->ctx, vmtp_os_image_create(f->s, imgn, NULL, NULL, &img));
    expect_ok(f->ctx, vmtp_os_image_upload(f->s, img, imgurl));
    expect_ok(f->ctx, vmtp_os_image_wait_active(f->s, img, 120000));

    track(VMTP_RES_NETWORK, netn);
    expect_ok(f->ctx, vmtp_os_network_create(f->s, netn, f->tag, &net));
    s4.name = subn;
    s4.network_id = net;
    expect_ok(f->ctx, vmtp_os_subnet_create(f->s, &s4, &sub4));
    s6.name = sub6n;
    s6.network_id = net;
    expect_ok(f->ctx, vmtp_os_subnet_create(f->s, &s6, &sub6));
    assert_true(asprintf(&q, "name=%s", netn) > 0);
    expect_ok(f->ctx, vmtp_os_networks(f->s, q, &mine));
    assert_int_equal(mine.n, 1);
    assert_int_equal(mine.items[0].nsubnets, 2);
    assert_non_null(mine.items[0].network_type); /* admin: encapsulation */
    assert_string_equal(mine.items[0].network_type, "local");
    free(q);

    track(VMTP_RES_ROUTER, rtn);
    expect_ok(f->ctx, vmtp_os_router_create(f->s, rtn, NULL, &rt));
    expect_ok(f->ctx, vmtp_os_router_set_gateway(f->s, rt, ext_id));
    expect_ok(f->ctx, vmtp_os_router_add_interface(f->s, rt, sub4));
    expect_ok(f->ctx, vmtp_os_router_add_interface(f->s, rt, sub6));

    track(VMTP_RES_SECGROUP, sgn);
    expect_ok(f->ctx,
              vmtp_os_secgroup_create(f->s, sgn, "PNS Security groups", &sg));
    expect_ok(f->ctx, vmtp_os_secgroup_rule_create(f->s, sg, "IPv4", "icmp", 0,
                                                   0, "0.0.0.0/0"));
    expect_ok(f->ctx, vmtp_os_secgroup_rule_create(f->s, sg, "IPv4", "tcp", 22,
                                                   22, "0.0.0.0/0"));
    expect_ok(f->ctx, vmtp_os_secgroup_rule_create(f->s, sg, "IPv4", "udp",
                                                   5001, 5002, "0.0.0.0/0"));
    expect_ok(f->ctx, vmtp_os_secgroup_rule_create(f->s, sg, "IPv6",
                                                   "ipv6-icmp", 0, 0, "::/0"));
    track(VMTP_RES_PORT, portn);
    expect_ok(f->ctx,
              vmtp_os_port_create(f->s, portn, net, sg, "normal", &port));

    sp.name = srvn;
    sp.image_id = img;
    sp.flavor_id = fl.id;
    sp.key_name = kpn;
    sp.port_id = port;
    sp.availability_zone = "nova:compute-2";
    sp.user_data = "#!/bin/sh\ntouch /tmp/vt-os-user-data\n";
    sp.config_drive = true;
    track(VMTP_RES_SERVER, srvn);
    expect_ok(f->ctx, vmtp_os_server_create(f->s, &sp, &srv));
    expect_ok(f->ctx, vmtp_os_server_wait_active(f->s, srv, 240000, &sv));
    assert_string_equal(sv.host, "compute-2");
    assert_string_equal(sv.az, "nova");
    assert_true(sv.naddrs >= 2); /* v4 + v6 (slaac) */
    track(VMTP_RES_FIP, srvn);
    expect_ok(f->ctx, vmtp_os_fip_create(f->s, ext_id, port, srvn, &fip));
    assert_true(vx_startswith(fip.address, "198.19.200."));
    assert_true(ssh_reachable(key, fip.address, 120));

    /* the port has the vnic type and the server's device id */
    assert_true(asprintf(&q, "device_id=%s", srv) > 0);
    expect_ok(f->ctx, vmtp_os_ports(f->s, q, &ports));
    assert_int_equal(ports.n, 1);
    assert_string_equal(ports.items[0].vnic_type, "normal");
    assert_string_equal(ports.items[0].id, port);
    free(q);

    /* teardown in dependency order, as the ledger cleanup does */
    expect_ok(f->ctx, vmtp_os_fip_delete(f->s, fip.id));
    expect_ok(f->ctx, vmtp_os_server_delete(f->s, srv));
    expect_ok(f->ctx, vmtp_os_server_wait_gone(f->s, srv, 180000));
    expect_ok(f->ctx, vmtp_os_router_remove_interface(f->s, rt, sub6, NULL));
    expect_ok(f->ctx, vmtp_os_router_remove_interface(f->s, rt, sub4, NULL));
    expect_ok(f->ctx, vmtp_os_router_set_gateway(f->s, rt, NULL));
    expect_ok(f->ctx, vmtp_os_port_delete(f->s, port));
    expect_ok(f->ctx, vmtp_os_router_delete(f->s, rt));
    expect_ok(f->ctx, vmtp_os_subnet_delete(f->s, sub6));
    expect_ok(f->ctx, vmtp_os_network_delete(f->s, net));
    expect_ok(f->ctx, vmtp_os_secgroup_delete(f->s, sg));
    expect_ok(f->ctx, vmtp_os_keypair_delete(f->s, kpn));
    expect_ok(f->ctx, vmtp_os_flavor_delete(f->s, fl.id));
    expect_ok(f->ctx, vmtp_os_image_delete(f->s, img));
    take_snapshot(f, &after);
    assert_memory_equal(&before, &after, sizeof(before));

    vmtp_os_network_list_free(&ext);
    vmtp_os_network_list_free(&mine);
    vmtp_os_port_list_free(&ports);
    vmtp_os_server_release(&sv);
    vmtp_os_fip_release(&fip);
    vmtp_os_flavor_release(&fl);
    free(key);
    free(pubpath);
    free(pub);
    free(netn);
    free(subn);
    free(sub6n);
    free(rtn);
    free(sgn);
    free(kpn);
    free(srvn);
    free(portn);
    free(imgn);
    free(fln);
    free(imgfile);
    free(imgurl);
    free(net);
    free(sub4);
    free(sub6);
    free(rt);
    free(sg);
    free(srv);
    free(port);
    free(img);
}

/* ---- a server that cannot be placed: its fault message ----------------- */

static void
test_server_fault_message(void **state)
{
    struct fixture *f = *state;
    char *fln = name("fault-fl");
    char *imn = name("fault-img");
    char *srvn = name("fault-srv");
    char *imgfile = write_image_file(f->tmp);
    char *url = NULL;
    char *img = NULL;
    char *srv = NULL;
    struct vmtp_os_flavor fl = {0};
    struct vmtp_os_network_list prov = {0};
    struct vmtp_os_server_spec sp = {0};

    assert_true(asprintf(&url, "file://%s", imgfile) > 0);
    expect_ok(f->ctx, vmtp_os_networks(f->s, "name=provider", &prov));
    assert_int_equal(prov.n, 1);
    track(VMTP_RES_FLAVOR, fln);
    expect_ok(f->ctx, vmtp_os_flavor_create(f->s, fln, 1, 128, 1, NULL, &fl));
    track(VMTP_RES_IMAGE, imn);
    expect_ok(f->ctx, vmtp_os_image_create(f->s, imn, NULL, NULL, &img));
    expect_ok(f->ctx, vmtp_os_image_upload(f->s, img, url));
    expect_ok(f->ctx, vmtp_os_image_wait_active(f->s, img, 120000));
    sp.name = srvn;
    sp.image_id = img;
    sp.flavor_id = fl.id;
    sp.network_id = prov.items[0].id;
    sp.availability_zone = "nova:vt-os-no-such-host";
    track(VMTP_RES_SERVER, srvn);
    expect_ok(f->ctx, vmtp_os_server_create(f->s, &sp, &srv));
    assert_int_equal(vmtp_os_server_wait_active(f->s, srv, 240000, NULL),
                     VMTP_E_HTTP);
    (void)fprintf(stderr, "fault: %s\n", f->ctx->err.msg);
    assert_non_null(strstr(f->ctx->err.msg, "failed: "));
    assert_non_null(strstr(f->ctx->err.msg, "No valid host"));
    expect_ok(f->ctx, vmtp_os_server_delete(f->s, srv));
    expect_ok(f->ctx, vmtp_os_server_wait_gone(f->s, srv, 180000));
    expect_ok(f->ctx, vmtp_os_flavor_delete(f->s, fl.id));
    expect_ok(f->ctx, vmtp_os_image_delete(f->s, img));
    vmtp_os_network_list_free(&prov);
    vmtp_os_flavor_release(&fl);
    free(fln);
    free(imn);
    free(srvn);
    free(imgfile);
    free(url);
    free(img);
    free(srv);
}

/* ---- a quota error on a project of our own ---------------------------- */

static char *
identity_post(struct fixture *f, const char *path, char *body, const char *obj)
{
    char *id = NULL;
    struct vmtp_os_reply r = {0};
    struct vmtp_jv root;
    struct vmtp_jv o;

    assert_non_null(body);
    expect_ok(f->ctx, vmtp_os_call(f->s, VMTP_OS_IDENTITY, "POST", path, body,
                                   VMTP_OS_NO_RETRY, &r));
    vmtp_json_root(r.doc, &root);
    expect_ok(f->ctx, vmtp_jv_object(&root, obj, &o, &f->ctx->err));
    expect_ok(f->ctx, vmtp_jv_dup(&o, "id", true, &id, &f->ctx->err));
    vmtp_os_reply_release(&r);
    free(body);
    return id;
}

static char *
role_id(struct fixture *f, const char *role)
{
    struct vmtp_os_reply r = {0};
    struct vmtp_jv root;
    struct vmtp_jv arr;
    struct vmtp_jv el;
    size_t n = 0;
    char *id = NULL;
    char *path = NULL;

    assert_true(asprintf(&path, "/roles?name=%s", role) > 0);
    expect_ok(f->ctx,
              vmtp_os_call(f->s, VMTP_OS_IDENTITY, "GET", path, NULL, 0, &r));
    vmtp_json_root(r.doc, &root);
    expect_ok(f->ctx, vmtp_jv_array(&root, "roles", &arr, &n, &f->ctx->err));
    assert_int_equal(n, 1);
    expect_ok(f->ctx, vmtp_jv_index(&arr, 0, &el, &f->ctx->err));
    expect_ok(f->ctx, vmtp_jv_dup(&el, "id", true, &id, &f->ctx->err));
    vmtp_os_reply_release(&r);
    free(path);
    return id;
}

static void
test_quota_exceeded_is_clear(void **state)
{
    struct fixture *f = *state;
    char *pn = name("quota-project");
    char *proj = identity_post(f, "/projects",
                               vmtp_json_pack(&f->ctx->err, "{s:{s:s, s:s}}",
                                              "project", "name", pn,
                                              "domain_id", "default"),
                               "project");
    char *admin_role = role_id(f, "admin");
    char *path = NULL;
    char *body =
            vmtp_json_pack(&f->ctx->err, "{s:{s:i}}", "quota", "network", 0);
    struct vmtp_os_creds c = f->creds;
    struct vmtp_os_session *s = NULL;
    struct vmtp_os_network_list nl = {0};
    char *net = NULL;
    char *netn = name("over-quota");

    assert_true(asprintf(&path, "/projects/%s/users/%s/roles/%s", proj,
                         f->s->cat.user_id, admin_role) > 0);
    expect_ok(f->ctx,
              vmtp_os_call(f->s, VMTP_OS_IDENTITY, "PUT", path, NULL, 0, NULL));
    free(path);
    assert_true(asprintf(&path, "/v2.0/quotas/%s", proj) > 0);
    expect_ok(f->ctx,
              vmtp_os_call(f->s, VMTP_OS_NETWORK, "PUT", path, body, 0, NULL));

    c.project_name = pn;
    expect_ok(f->ctx, vmtp_os_session_new(f->ctx, &c, NULL, &s));
    assert_int_equal(vmtp_os_network_create(s, netn, NULL, &net), VMTP_E_QUOTA);
    assert_null(net);
    (void)fprintf(stderr, "quota error: %s\n", f->ctx->err.msg);
    assert_non_null(strstr(f->ctx->err.msg, "POST /v2.0/networks"));
    assert_non_null(strstr(f->ctx->err.msg, "409"));
    vmtp_os_session_free(s);
    /* nothing was created */
    free(path);
    assert_true(asprintf(&path, "name=%s", netn) > 0);
    expect_ok(f->ctx, vmtp_os_networks(f->s, path, &nl));
    assert_int_equal(nl.n, 0);
    free(path);
    assert_true(asprintf(&path, "/v2.0/quotas/%s", proj) > 0);
    expect_ok(f->ctx, vmtp_os_delete(f->s, VMTP_OS_NETWORK, path));
    free(path);
    assert_true(asprintf(&path, "/projects/%s", proj) > 0);
    expect_ok(f->ctx, vmtp_os_delete(f->s, VMTP_OS_IDENTITY, path));
    free(path);
    free(body);
    free(pn);
    free(netn);
    free(proj);
    free(admin_role);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_auth_password_with_names),
            cmocka_unit_test(test_auth_password_with_ids),
            cmocka_unit_test(test_auth_token_reuse),
            cmocka_unit_test(test_auth_application_credential),
            cmocka_unit_test(test_region_and_interface_honoured),
            cmocka_unit_test(test_reauth_once_on_401),
            cmocka_unit_test(test_keystone_v2_refused),
            cmocka_unit_test(test_wrong_password),
            cmocka_unit_test(test_unreachable_auth_url),
            cmocka_unit_test(test_hosts_zones_agents),
            cmocka_unit_test(test_flavor_create_find_delete),
            cmocka_unit_test(test_keypair_create_list_delete),
            cmocka_unit_test(test_image_upload_from_file_and_http),
            cmocka_unit_test(test_network_stack_server_ssh_fip),
            cmocka_unit_test(test_server_fault_message),
            cmocka_unit_test(test_quota_exceeded_is_clear),
    };

    if (getenv("VMTP_TEST_FILTER") != NULL) {               /* NOLINT */
        cmocka_set_test_filter(getenv("VMTP_TEST_FILTER")); /* NOLINT */
    }
    return cmocka_run_group_tests_name("os_cloud", tests, group_setup,
                                       group_teardown);
}
