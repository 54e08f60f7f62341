/* \summary: the cleanup sweep by run tag and clouds.yaml against the lab */
/*
 * Suite "cloud" (needs tests/lab/openstack and the admin-openrc OS_*
 * variables):
 *
 * - sweep: resources of every type vmtp creates are made under the tag
 *   of a fake run with no ledger ids (only one intent line), next to
 *   look-alikes of other runs, a shared network with the tag and a
 *   foreign router holding one of the run's subnets; vmtp_cleanup() of
 *   the run must delete exactly the run's resources;
 * - clouds.yaml: a clouds.yaml and a secure.yaml in a temporary HOME
 *   written from the lab's openrc values authenticate and list the
 *   hypervisors; an application credential through clouds.yaml; a wrong
 *   password in clouds.yaml gives a clear error without the password.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmtp/cloud.h>

#include "internal.h"
#include "ledger.h"
#include "os_api.h"
#include "os_auth.h"
#include "os_lab.h"
#include "vmtp_test.h"
#include "vx_str.h"

/* Names live until the end of the test program (freed in teardown). */
static char *pool[64];
static size_t npool;

struct fixture {
    struct vmtp_ctx *ctx;
    struct vmtp_os_session *s;
    char tmp[64];
    char run[64];       /* the swept run: vt-cx<pid> */
    char other[64];     /* a look-alike run: vt-cx<pid>0 */
    char shared_id[64]; /* never swept: teardown deletes it */
};

static void
expect_ok(struct vmtp_ctx *ctx, enum vmtp_status st)
{
    if (st != VMTP_OK) {
        (void)fprintf(stderr, "error %d: %s\n", (int)st, ctx->err.msg);
    }
    assert_int_equal(st, VMTP_OK);
}

static void
rmrf(const char *dir)
{
    const char *argv[] = {"rm", "-rf", "--", dir, NULL};

    if (strncmp(dir, "/tmp/vt-cx-", 11) == 0) {
        (void)os_lab_run(argv, 30);
    }
}

static int
group_setup(void **state)
{
    static struct fixture f;

    f.ctx = os_lab_ctx_new();
    if (f.ctx == NULL || !os_lab_creds_from_env(&f.ctx->creds)) {
        (void)fprintf(stderr, "OS_AUTH_URL is not set: run this test "
                              "through tests/lab/openstack/"
                              "run-cloud-tests.sh\n");
        return -1; /* a failure, never a skip */
    }
    (void)snprintf(f.tmp, sizeof(f.tmp), "/tmp/vt-cx-XXXXXX");
    /* run ids without '-' (see ledger.h); names carry "vt-cx" */
    (void)snprintf(f.run, sizeof(f.run), "vtcx%ld", (long)getpid());
    (void)snprintf(f.other, sizeof(f.other), "vtcx%ld0", (long)getpid());
    if (mkdtemp(f.tmp) == NULL || vmtp_os_ctx_session(f.ctx, &f.s) != VMTP_OK) {
        (void)fprintf(stderr, "cannot authenticate to the lab: %s\n",
                      f.ctx->err.msg);
        return -1;
    }
    *state = &f;
    return 0;
}

static int
group_teardown(void **state)
{
    struct fixture *f = *state;
    char run2[80];

    /* whatever a failed test left: the sweeps of both runs, and of the
     * runs that own the look-alikes */
    (void)vmtp_cleanup(f->ctx, f->tmp, f->run);
    (void)vmtp_cleanup(f->ctx, f->tmp, f->other);
    (void)snprintf(run2, sizeof(run2), "net_%s", f->run);
    (void)vmtp_cleanup(f->ctx, f->tmp, run2);
    (void)snprintf(run2, sizeof(run2), "%s.keep", f->run);
    (void)vmtp_cleanup(f->ctx, f->tmp, run2);
    if (f->shared_id[0] != '\0') {
        (void)vmtp_os_network_delete(f->s, f->shared_id);
    }
    vmtp_ctx_free(f->ctx);
    rmrf(f->tmp);
    while (npool > 0) {
        free(pool[--npool]);
    }
    return 0;
}

/* ---- sweep ------------------------------------------------------------- */

static char *
keep(char *p)
{
    assert_non_null(p);
    assert_true(npool < sizeof(pool) / sizeof(pool[0]));
    pool[npool++] = p;
    return p;
}

static char *
tagged(const char *run, const char *what)
{
    return keep(vmtp_res_name(run, what));
}

static char *
pubkey(const char *dir)
{
    char key[128];
    char pub[160];
    char buf[1024];
    const char *argv[] = {"ssh-keygen", "-q", "-t", "ed25519", "-N",
                          "",           "-f", key,  NULL};
    FILE *fp;
    size_t n;

    (void)snprintf(key, sizeof(key), "%s/id_ed25519", dir);
    (void)snprintf(pub, sizeof(pub), "%s.pub", key);
    assert_int_equal(os_lab_run(argv, 30), 0);
    fp = fopen(pub, "re");
    assert_non_null(fp);
    n = fread(buf, 1, sizeof(buf) - 1, fp);
    (void)fclose(fp);
    buf[n] = '\0';
    while (n > 0 && buf[n - 1] == '\n') {
        buf[--n] = '\0';
    }
    return strdup(buf);
}

static char *
ext_network(struct vmtp_os_session *s)
{
    struct vmtp_os_network_list l = {0};
    char *id = NULL;

    expect_ok(s->ctx, vmtp_os_networks(s, "router:external=true", &l));
    for (size_t i = 0; i < l.n && id == NULL; i++) {
        if (vx_streq(l.items[i].name, "public")) {
            id = strdup(l.items[i].id);
        }
    }
    vmtp_os_network_list_free(&l);
    assert_non_null(id);
    return id;
}

/* Names of the run's resources of every type still in the cloud. */
static size_t
count_tagged(struct vmtp_os_session *s, const char *run, bool verbose)
{
    struct vmtp_os_server_list sv = {0};
    struct vmtp_os_fip_list fi = {0};
    struct vmtp_os_port_list po = {0};
    struct vmtp_os_router_list ro = {0};
    struct vmtp_os_subnet_list sb = {0};
    struct vmtp_os_network_list ne = {0};
    struct vmtp_os_secgroup_list sg = {0};
    struct vmtp_os_keypair_list kp = {0};
    struct vmtp_os_flavor_list fl = {0};
    struct vmtp_os_image_list im = {0};
    size_t n = 0;

    expect_ok(s->ctx, vmtp_os_servers(s, NULL, &sv));
    expect_ok(s->ctx, vmtp_os_fips(s, NULL, &fi));
    expect_ok(s->ctx, vmtp_os_ports(s, NULL, &po));
    expect_ok(s->ctx, vmtp_os_routers(s, NULL, &ro));
    expect_ok(s->ctx, vmtp_os_subnets(s, NULL, &sb));
    expect_ok(s->ctx, vmtp_os_networks(s, NULL, &ne));
    expect_ok(s->ctx, vmtp_os_secgroups(s, NULL, &sg));
    expect_ok(s->ctx, vmtp_os_keypairs(s, &kp));
    expect_ok(s->ctx, vmtp_os_flavors(s, &fl));
    expect_ok(s->ctx, vmtp_os_images(s, NULL, &im));
#define COUNT(l, field)                                                  \
    for (size_t i = 0; i < (l).n; i++) {                                 \
        if (vmtp_res_name_of_run((l).items[i].field, run)) {             \
            if (verbose) {                                               \
                (void)fprintf(stderr, "left: %s\n", (l).items[i].field); \
            }                                                            \
            n++;                                                         \
        }                                                                \
    }
    COUNT(sv, name)
    COUNT(fi, description)
    COUNT(po, name)
    COUNT(ro, name)
    COUNT(sb, name)
    COUNT(kp, name)
    COUNT(fl, name)
    COUNT(im, name)
#undef COUNT
    for (size_t i = 0; i < sg.n; i++) {
        n += vmtp_res_name_of_run(sg.items[i].name, run) ||
             vmtp_res_desc_of_run(sg.items[i].description, run);
    }
    /* a shared network is never the run's, whatever its name */
    for (size_t i = 0; i < ne.n; i++) {
        n += !ne.items[i].shared &&
             (vmtp_res_name_of_run(ne.items[i].name, run) ||
              vmtp_res_desc_of_run(ne.items[i].description, run));
    }
    vmtp_os_server_list_free(&sv);
    vmtp_os_fip_list_free(&fi);
    vmtp_os_port_list_free(&po);
    vmtp_os_router_list_free(&ro);
    vmtp_os_subnet_list_free(&sb);
    vmtp_os_network_list_free(&ne);
    vmtp_os_secgroup_list_free(&sg);
    vmtp_os_keypair_list_free(&kp);
    vmtp_os_flavor_list_free(&fl);
    vmtp_os_image_list_free(&im);
    return n;
}

static bool
network_exists(struct vmtp_os_session *s, const char *id)
{
    struct vmtp_os_network_list l = {0};
    char q[96];
    bool found;

    (void)snprintf(q, sizeof(q), "id=%s", id);
    expect_ok(s->ctx, vmtp_os_networks(s, q, &l));
    found = l.n == 1;
    vmtp_os_network_list_free(&l);
    return found;
}

static void
test_sweep_by_tag(void **state)
{
    struct fixture *f = *state;
    struct vmtp_os_session *s = f->s;
    const char *r = f->run;
    char *pub = pubkey(f->tmp);
    char *ext = ext_network(s);
    char *kp = tagged(r, "vt-cx-kp");
    char *kp_other = tagged(f->other, "vt-cx-kp");
    char *desc = vmtp_res_desc(r);
    char *desc_other = vmtp_res_desc(f->other);
    char *n_net = tagged(r, "vt-cx-net");
    char *n_srv = tagged(r, "vt-cx-srv");
    char *n_fip = tagged(r, "vt-cx-fip");
    char keep_net_name[96];
    char keep_rt_name[96];
    char *img = NULL, *sg = NULL, *sg_desc = NULL, *sg_other = NULL;
    char *net = NULL, *net_desc = NULL, *net_shared = NULL;
    char *net_other = NULL, *net_keep = NULL, *net2 = NULL;
    char *sub = NULL, *sub2 = NULL, *rt = NULL, *rt_keep = NULL;
    char *port = NULL, *srv = NULL;
    struct vmtp_os_flavor fl = {0};
    struct vmtp_os_fip fip = {0};
    struct vmtp_os_subnet_spec ss = {
            .cidr = "198.19.81.0/24", .ip_version = 4, .enable_dhcp = true};
    struct vmtp_os_server_spec sp = {0};
    struct vmtp_ledger *l = NULL;
    struct vmtp_os_port_list pl = {0};
    char q[160];
    char *body = NULL;
    unsigned seq;

    assert_non_null(pub);
    assert_non_null(desc);
    /* look-alikes: "vt-cx-net_<run>" is run "net_<run>"'s, and
     * "vt-cx-router-<run>.keep" run "<run>.keep"'s */
    (void)snprintf(keep_net_name, sizeof(keep_net_name), "vt-cx-net_%s", r);
    (void)snprintf(keep_rt_name, sizeof(keep_rt_name), "vt-cx-router-%s.keep",
                   r);

    /* the run's resources, created without a ledger id */
    expect_ok(s->ctx, vmtp_os_keypair_create(s, kp, pub));
    expect_ok(s->ctx, vmtp_os_flavor_create(s, tagged(r, "vt-cx-flavor"), 1,
                                            128, 1, NULL, &fl));
    expect_ok(s->ctx, vmtp_os_image_create(s, tagged(r, "vt-cx-image"), NULL,
                                           NULL, &img));
    expect_ok(s->ctx,
              vmtp_os_secgroup_create(s, tagged(r, "vt-cx-sg"), "", &sg));
    /* a configured name, tagged in the description */
    expect_ok(s->ctx,
              vmtp_os_secgroup_create(s, "vt-cx-pns-security", desc, &sg_desc));
    expect_ok(s->ctx, vmtp_os_network_create(s, n_net, NULL, &net));
    expect_ok(s->ctx, vmtp_os_network_create(s, "vt-cx-pns-internal-net", desc,
                                             &net_desc));
    ss.name = tagged(r, "vt-cx-sub");
    ss.network_id = net;
    expect_ok(s->ctx, vmtp_os_subnet_create(s, &ss, &sub));
    /* the second subnet on a network of its own: the port's address
     * must come from the routed subnet */
    expect_ok(s->ctx,
              vmtp_os_network_create(s, tagged(r, "vt-cx-net2"), NULL, &net2));
    ss.name = tagged(r, "vt-cx-sub2");
    ss.network_id = net2;
    ss.cidr = "198.19.82.0/24";
    expect_ok(s->ctx, vmtp_os_subnet_create(s, &ss, &sub2));
    expect_ok(s->ctx,
              vmtp_os_router_create(s, tagged(r, "vt-cx-router"), ext, &rt));
    expect_ok(s->ctx, vmtp_os_router_add_interface(s, rt, sub));
    expect_ok(s->ctx, vmtp_os_port_create(s, tagged(r, "vt-cx-port"), net, sg,
                                          NULL, &port));
    expect_ok(s->ctx, vmtp_os_fip_create(s, ext, port, n_fip, &fip));
    sp.name = n_srv;
    sp.network_id = net; /* nova makes the port: it has no name */
    sp.availability_zone = "nova:compute-1";
    {
        char path[128];
        char url[160];
        FILE *fp;

        (void)snprintf(path, sizeof(path), "%s/img", f->tmp);
        fp = fopen(path, "we");
        assert_non_null(fp);
        (void)fputs("vt-cx image\n", fp);
        (void)fclose(fp);
        (void)snprintf(url, sizeof(url), "file://%s", path);
        expect_ok(s->ctx, vmtp_os_image_upload(s, img, url));
        expect_ok(s->ctx, vmtp_os_image_wait_active(s, img, 120000));
        sp.image_id = img;
    }
    sp.flavor_id = fl.id;
    sp.key_name = kp;
    expect_ok(s->ctx, vmtp_os_server_create(s, &sp, &srv));
    expect_ok(s->ctx, vmtp_os_server_wait_active(s, srv, 240000, NULL));

    /* what must survive */
    expect_ok(s->ctx, vmtp_os_keypair_create(s, kp_other, pub));
    expect_ok(s->ctx, vmtp_os_secgroup_create(s, tagged(f->other, "vt-cx-sg"),
                                              desc_other, &sg_other));
    expect_ok(s->ctx, vmtp_os_network_create(s, tagged(f->other, "vt-cx-net"),
                                             desc_other, &net_other));
    expect_ok(s->ctx,
              vmtp_os_network_create(s, keep_net_name, NULL, &net_keep));
    /* a shared network with the run's name is never the run's to delete */
    expect_ok(s->ctx, vmtp_os_network_create(s, tagged(r, "vt-cx-shared"), NULL,
                                             &net_shared));
    (void)vx_strlcpy(f->shared_id, net_shared, sizeof(f->shared_id));
    body = vmtp_json_pack(&s->ctx->err, "{s:{s:b}}", "network", "shared", 1);
    assert_non_null(body);
    {
        char path[96];

        (void)snprintf(path, sizeof(path), "/v2.0/networks/%s", net_shared);
        expect_ok(s->ctx,
                  vmtp_os_call(s, VMTP_OS_NETWORK, "PUT", path, body, 0, NULL));
    }
    /* a router of another run holds one of the run's subnets */
    expect_ok(s->ctx, vmtp_os_router_create(s, keep_rt_name, NULL, &rt_keep));
    expect_ok(s->ctx, vmtp_os_router_add_interface(s, rt_keep, sub2));

    /* the ledger knows only the keypair's intent (SIGKILL mid-create) */
    expect_ok(f->ctx, vmtp_ledger_open(f->ctx, f->tmp, r, &l));
    expect_ok(f->ctx, vmtp_ledger_intent(l, VMTP_RES_KEYPAIR, kp, &seq));
    vmtp_ledger_close(l);
    os_lab_age_ledger(f->tmp, r); /* the keypair's call has returned */

    assert_true(count_tagged(s, r, false) >= 13);
    expect_ok(f->ctx, vmtp_cleanup(f->ctx, f->tmp, r));
    assert_int_equal(count_tagged(s, r, true), 0);
    assert_false(network_exists(s, net_desc));
    /* idempotent: the run is marked done */
    expect_ok(f->ctx, vmtp_cleanup(f->ctx, f->tmp, r));

    /* the others are all there, the foreign router without our subnet */
    assert_true(network_exists(s, net_other));
    assert_true(network_exists(s, net_keep));
    assert_true(network_exists(s, net_shared));
    assert_int_equal(count_tagged(s, f->other, false), 3);
    (void)snprintf(q, sizeof(q), "device_id=%s", rt_keep);
    expect_ok(s->ctx, vmtp_os_ports(s, q, &pl));
    assert_int_equal(pl.n, 0);
    vmtp_os_port_list_free(&pl);
    {
        struct vmtp_os_router_list one = {0};

        (void)snprintf(q, sizeof(q), "id=%s", rt_keep);
        expect_ok(s->ctx, vmtp_os_routers(s, q, &one));
        assert_int_equal(one.n, 1);
        vmtp_os_router_list_free(&one);
    }

    /* now clean the look-alikes through their own runs' sweeps: no ledger
     * for them, found by tag only; a run with nothing is NOTFOUND */
    expect_ok(f->ctx, vmtp_cleanup(f->ctx, f->tmp, f->other));
    assert_int_equal(count_tagged(s, f->other, true), 0);
    (void)snprintf(q, sizeof(q), "net_%s", r);
    expect_ok(f->ctx, vmtp_cleanup(f->ctx, f->tmp, q));
    assert_false(network_exists(s, net_keep));
    (void)snprintf(q, sizeof(q), "%s.keep", r);
    expect_ok(f->ctx, vmtp_cleanup(f->ctx, f->tmp, q));
    assert_int_equal(vmtp_cleanup(f->ctx, f->tmp, q), VMTP_E_NOTFOUND);
    assert_non_null(strstr(f->ctx->err.msg, "nothing named *-"));
    /* the shared one was never touched: delete it ourselves */
    assert_true(network_exists(s, net_shared));
    expect_ok(s->ctx, vmtp_os_network_delete(s, net_shared));
    f->shared_id[0] = '\0';

    {
        char *ids[] = {img,        sg,        sg_desc,  sg_other, net, net_desc,
                       net_shared, net_other, net_keep, net2,     sub, sub2,
                       rt,         rt_keep,   port,     srv};

        for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
            free(ids[i]);
        }
    }
    free(body);
    vmtp_os_flavor_release(&fl);
    vmtp_os_fip_release(&fip);
    free(pub);
    free(ext);
    free(desc);
    free(desc_other);
}

/* ---- clouds.yaml --------------------------------------------------------- */

static void
write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "we");

    assert_non_null(fp);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(chmod(path, 0600), 0);
}

/* One cloud entry from the lab's OS_* values (auth keys, then extra). */
static char *
cloud_entry(const char *name, const char *auth_extra, const char *extra)
{
    const struct vmtp_os_creds *c = NULL;
    struct vmtp_ctx *tmp = vmtp_ctx_new();
    char *e = NULL;

    assert_non_null(tmp);
    assert_true(os_lab_creds_from_env(&tmp->creds));
    c = &tmp->creds;
    assert_true(asprintf(&e,
                         "  %s:\n"
                         "    auth:\n"
                         "      auth_url: %s\n"
                         "%s"
                         "    region_name: %s\n"
                         "    interface: public\n"
                         "    identity_api_version: 3\n"
                         "%s",
                         name, c->auth_url, auth_extra,
                         c->region_name != NULL ? c->region_name : "RegionOne",
                         extra) > 0);
    vmtp_ctx_free(tmp);
    return e;
}

static char *
user_keys(const char *password)
{
    struct vmtp_os_creds c;
    char *e = NULL;

    assert_true(os_lab_creds_from_env(&c));
    assert_true(asprintf(&e,
                         "      username: %s\n"
                         "      project_name: %s\n"
                         "      user_domain_name: %s\n"
                         "      project_domain_name: %s\n"
                         "%s%s%s",
                         c.username, c.project_name, c.user_domain_name,
                         c.project_domain_name,
                         password != NULL ? "      password: \"" : "",
                         password != NULL ? password : "",
                         password != NULL ? "\"\n" : "") > 0);
    vmtp_os_creds_release(&c);
    return e;
}

/* A fresh context with cloud `cloud` from HOME=home; status of auth. */
static enum vmtp_status
auth_cloud(const char *home,
           const char *cloud,
           struct vmtp_ctx **ctxp,
           struct vmtp_os_session **sp)
{
    struct vmtp_ctx *ctx = os_lab_ctx_new();
    enum vmtp_status st;

    assert_non_null(ctx);
    *ctxp = ctx;
    *sp = NULL;
    st = vmtp_creds_load_clouds_yaml(ctx, cloud, NULL, home);
    if (st == VMTP_OK) {
        st = vmtp_creds_check(ctx);
    }
    if (st == VMTP_OK) {
        st = vmtp_os_ctx_session(ctx, sp);
    }
    return st;
}

static void
expect_hypervisors(struct vmtp_ctx *ctx, struct vmtp_os_session *s)
{
    struct vmtp_os_hypervisor_list hv = {0};
    bool c1 = false;

    expect_ok(ctx, vmtp_os_hypervisors(s, &hv));
    for (size_t i = 0; i < hv.n; i++) {
        c1 = c1 || vx_streq(hv.items[i].hostname, "compute-1");
    }
    assert_true(hv.n >= 2);
    assert_true(c1);
    vmtp_os_hypervisor_list_free(&hv);
}

static void
test_clouds_yaml_against_lab(void **state)
{
    struct fixture *f = *state;
    char home[96];
    char dir[160];
    char path[192];
    char *lab = cloud_entry("vt-cx-lab", keep(user_keys(NULL)), "");
    char *bad = cloud_entry("vt-cx-bad", keep(user_keys("vt-cx-Wr0ng")), "");
    char *app = NULL;
    char *text = NULL;
    char *secure = NULL;
    char *acbody = NULL;
    char *acpath = NULL;
    char *acdel = NULL;
    const char *acid = NULL;
    struct vmtp_ctx *ctx = NULL;
    struct vmtp_os_session *s = NULL;
    struct vmtp_os_reply rep = {0};
    struct vmtp_jv root;
    struct vmtp_jv ac;

    /* an application credential for the admin user, secret only in
     * secure.yaml */
    acbody = vmtp_json_pack(
            &f->ctx->err, "{s:{s:s, s:s}}", "application_credential", "name",
            tagged(f->run, "vt-cx-appcred"), "secret", "vt-cx-app-s3cret");
    assert_non_null(acbody);
    assert_true(asprintf(&acpath, "/users/%s/application_credentials",
                         f->s->cat.user_id) > 0);
    expect_ok(f->ctx, vmtp_os_call(f->s, VMTP_OS_IDENTITY, "POST", acpath,
                                   acbody, VMTP_OS_NO_RETRY, &rep));
    vmtp_json_root(rep.doc, &root);
    expect_ok(f->ctx, vmtp_jv_object(&root, "application_credential", &ac,
                                     &f->ctx->err));
    expect_ok(f->ctx, vmtp_jv_str(&ac, "id", &acid, &f->ctx->err));
    assert_true(asprintf(&acdel, "%s/%s", acpath, acid) > 0);
    {
        char *keys = NULL;

        assert_true(asprintf(&keys, "      application_credential_id: %s\n",
                             acid) > 0);
        app = cloud_entry("vt-cx-app", keys,
                          "    auth_type: v3applicationcredential\n");
        free(keys);
    }

    (void)snprintf(home, sizeof(home), "%s/home", f->tmp);
    (void)snprintf(dir, sizeof(dir), "%s/.config/openstack", home);
    {
        const char *argv[] = {"mkdir", "-p", dir, NULL};

        assert_int_equal(os_lab_run(argv, 10), 0);
    }
    assert_true(asprintf(&text, "clouds:\n%s%s%s", lab, bad, app) > 0);
    (void)snprintf(path, sizeof(path), "%s/clouds.yaml", dir);
    write_text(path, text);
    {
        struct vmtp_os_creds c;

        assert_true(os_lab_creds_from_env(&c));
        assert_true(asprintf(&secure,
                             "clouds:\n"
                             "  vt-cx-lab:\n"
                             "    auth:\n"
                             "      password: \"%s\"\n"
                             "  vt-cx-app:\n"
                             "    auth:\n"
                             "      application_credential_secret: "
                             "vt-cx-app-s3cret\n",
                             c.password) > 0);
        vmtp_os_creds_release(&c);
    }
    (void)snprintf(path, sizeof(path), "%s/secure.yaml", dir);
    write_text(path, secure);

    /* password from secure.yaml */
    if (auth_cloud(home, "vt-cx-lab", &ctx, &s) != VMTP_OK) {
        (void)fprintf(stderr, "%s\n", ctx->err.msg);
        fail();
    }
    expect_hypervisors(ctx, s);
    assert_string_equal(s->cat.project_id, f->s->cat.project_id);
    vmtp_ctx_free(ctx);

    /* application credential, its secret from secure.yaml */
    if (auth_cloud(home, "vt-cx-app", &ctx, &s) != VMTP_OK) {
        (void)fprintf(stderr, "%s\n", ctx->err.msg);
        fail();
    }
    expect_hypervisors(ctx, s);
    vmtp_ctx_free(ctx);

    /* a wrong password: Keystone's 401, a clear message, no password */
    assert_int_equal(auth_cloud(home, "vt-cx-bad", &ctx, &s), VMTP_E_AUTH);
    assert_null(s);
    assert_int_equal(ctx->err.http_status, 401);
    assert_non_null(strstr(ctx->err.msg, "authentication failed"));
    assert_null(strstr(ctx->err.msg, "vt-cx-Wr0ng"));
    vmtp_ctx_free(ctx);

    expect_ok(f->ctx, vmtp_os_call(f->s, VMTP_OS_IDENTITY, "DELETE", acdel,
                                   NULL, 0, NULL));
    /* the deleted credential no longer authenticates (Keystone: 404) */
    assert_int_equal(auth_cloud(home, "vt-cx-app", &ctx, &s), VMTP_E_AUTH);
    assert_non_null(strstr(ctx->err.msg, "authentication failed"));
    vmtp_ctx_free(ctx);

    vmtp_os_reply_release(&rep);
    free(acbody);
    free(acpath);
    free(acdel);
    free(text);
    explicit_bzero(secure, strlen(secure));
    free(secure);
    free(lab);
    free(bad);
    free(app);
}

/* ---- token expiry ------------------------------------------------------ */

/*
 * Keystone revokes the session's token (DELETE /v3/auth/tokens, what an
 * expired token looks like to the client: 401 on the next call); the
 * next call re-authenticates once and succeeds.
 */
static void
test_revoked_token_renewed(void **state)
{
    struct fixture *f = *state;
    struct vmtp_ctx *ctx = os_lab_ctx_new();
    struct vmtp_os_session *s = NULL;
    struct vmtp_os_hypervisor_list hv = {0};
    char hdr[160];
    char url[256];
    char *old = NULL;
    FILE *fp;
    unsigned before;
    const char *argv[] = {"curl", "-sS",          "-o", "/dev/null",
                          "-w",   "%{http_code}", "-X", "DELETE",
                          "-H",   NULL,           url,  NULL};
    int fd = -1;
    pid_t pid;
    char code[8] = "";
    ssize_t got;

    assert_non_null(ctx);
    assert_true(os_lab_creds_from_env(&ctx->creds));
    expect_ok(ctx, vmtp_os_ctx_session(ctx, &s));
    before = s->reauth_count;
    old = strdup(s->token);
    assert_non_null(old);
    /* the token goes to curl in a 0600 file, never on a command line */
    (void)snprintf(hdr, sizeof(hdr), "%s/revoke.hdr", f->tmp);
    fp = fopen(hdr, "we");
    assert_non_null(fp);
    assert_int_equal(chmod(hdr, 0600), 0);
    (void)fprintf(fp, "X-Auth-Token: %s\nX-Subject-Token: %s\n", old, old);
    assert_int_equal(fclose(fp), 0);
    (void)snprintf(url, sizeof(url), "%s/auth/tokens", s->auth_url);
    {
        char at[170];

        (void)snprintf(at, sizeof(at), "@%s", hdr);
        argv[9] = at;
        pid = os_lab_spawn_pipe(argv, &fd);
        assert_true(pid > 0);
        got = read(fd, code, sizeof(code) - 1);
        (void)close(fd);
        (void)waitpid(pid, NULL, 0);
    }
    (void)unlink(hdr);
    assert_true(got > 0);
    assert_string_equal(code, "204");

    /* the next call gets 401, re-authenticates once, and succeeds */
    expect_ok(ctx, vmtp_os_hypervisors(s, &hv));
    assert_true(hv.n >= 2);
    assert_int_equal(s->reauth_count, before + 1);
    assert_string_not_equal(s->token, old);
    vmtp_os_hypervisor_list_free(&hv);
    explicit_bzero(old, strlen(old));
    free(old);
    vmtp_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_clouds_yaml_against_lab),
            cmocka_unit_test(test_revoked_token_renewed),
            cmocka_unit_test(test_sweep_by_tag),
    };

    return cmocka_run_group_tests_name("os_sweep", tests, group_setup,
                                       group_teardown);
}
