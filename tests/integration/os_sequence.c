/* \summary: create-everything sequence with the ledger, killable at any step */
/*
 * Used by os_fault_test.sh against the OpenStack lab:
 *
 *   os_sequence run STATE_DIR RUN_ID KILL_AT
 *       create a keypair, flavor, image, security group, network, subnet,
 *       router with gateway, router interface, port, server (pinned with
 *       az:host) and floating IP, each recorded in the ledger first. At
 *       checkpoint KILL_AT the process sends itself SIGKILL (0: never; the
 *       run then ends without deleting anything, like a crash after the
 *       last step). Checkpoint 2i-1 is "intent written, not created",
 *       checkpoint 2i is "created in the cloud, id not yet recorded".
 *   os_sequence cleanup STATE_DIR RUN_ID|all
 *       vmtp_cleanup() for that run (or every unfinished run).
 *   os_sequence snapshot
 *       print every resource of the project, one "type id name" a line,
 *       sorted by type then id, for comparison before and after.
 *   os_sequence checkpoints
 *       print the checkpoint numbers and names.
 *
 * Credentials come from the OS_* environment (the lab's admin-openrc).
 */
#include <signal.h>
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
#include "vx_str.h"

static const char *const steps[] = {
        "keypair", "flavor",    "image", "secgroup", "network", "subnet",
        "router",  "router_if", "port",  "server",   "fip",
};
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

static long kill_at;
static int checkpoint_no;

static void
checkpoint(const char *what, bool created)
{
    checkpoint_no++;
    (void)fprintf(stderr, "checkpoint %d: %s %s\n", checkpoint_no,
                  created ? "created, id not recorded:" : "intent only:", what);
    if (checkpoint_no == kill_at) {
        (void)fflush(stderr);
        (void)kill(getpid(), SIGKILL);
    }
}

static int
fail(struct vmtp_ctx *ctx, const char *what)
{
    (void)fprintf(stderr, "os_sequence: %s: %s\n", what, ctx->err.msg);
    return 1;
}

struct run {
    struct vmtp_ctx *ctx;
    struct vmtp_os_session *s;
    struct vmtp_ledger *l;
    const char *run_id;
    char *tmp;
};

/* intent -> checkpoint -> create -> checkpoint -> created */
#define TRACKED(r, type, nm, create_call, idvar)                          \
    do {                                                                  \
        unsigned seq_;                                                    \
        if (vmtp_ledger_intent((r)->l, (type), (nm), &seq_) != VMTP_OK) { \
            return fail((r)->ctx, "ledger");                              \
        }                                                                 \
        checkpoint(vmtp_res_type_name(type), false);                      \
        if ((create_call) != VMTP_OK) {                                   \
            return fail((r)->ctx, vmtp_res_type_name(type));              \
        }                                                                 \
        checkpoint(vmtp_res_type_name(type), true);                       \
        if (vmtp_ledger_created((r)->l, seq_, (idvar)) != VMTP_OK) {      \
            return fail((r)->ctx, "ledger");                              \
        }                                                                 \
    } while (0)

static char *
nm(const struct run *r, const char *what)
{
    char *n = NULL;

    if (asprintf(&n, "vmtp-%s-%s", r->run_id, what) < 0) {
        return NULL;
    }
    return n;
}

static char *
write_file(const char *dir, const char *base, const char *content)
{
    char *p = NULL;
    FILE *f;

    if (asprintf(&p, "%s/%s", dir, base) < 0) {
        return NULL;
    }
    f = fopen(p, "we");
    if (f == NULL) {
        free(p);
        return NULL;
    }
    (void)fputs(content, f);
    (void)fclose(f);
    return p;
}

static char *
make_pubkey(const char *dir)
{
    char *key = NULL;
    char *pub = NULL;
    char buf[1024];
    size_t n;
    FILE *f;
    const char *argv[] = {"ssh-keygen", "-q", "-t", "ed25519", "-N",
                          "",           "-f", NULL, NULL};

    if (asprintf(&key, "%s/id_ed25519", dir) < 0) {
        return NULL;
    }
    argv[7] = key;
    if (os_lab_run(argv, 30) != 0 || asprintf(&pub, "%s.pub", key) < 0) {
        free(key);
        return NULL;
    }
    f = fopen(pub, "re");
    free(pub);
    free(key);
    if (f == NULL) {
        return NULL;
    }
    n = fread(buf, 1, sizeof(buf) - 1, f);
    (void)fclose(f);
    buf[n] = '\0';
    while (n > 0 && buf[n - 1] == '\n') {
        buf[--n] = '\0';
    }
    return strdup(buf);
}

static char *
find_ext_net(struct run *r)
{
    struct vmtp_os_network_list l = {0};
    char *id = NULL;

    if (vmtp_os_networks(r->s, "router:external=true", &l) != VMTP_OK) {
        return NULL;
    }
    for (size_t i = 0; i < l.n && id == NULL; i++) {
        if (vx_streq(l.items[i].name, "public")) {
            id = strdup(l.items[i].id);
        }
    }
    vmtp_os_network_list_free(&l);
    return id;
}

/* Leaks on purpose on the error paths: the process exits right after. */
static int
do_run(struct run *r)
{
    char *kp = nm(r, "kp");
    char *fln = nm(r, "flavor");
    char *imn = nm(r, "image");
    char *sgn = nm(r, "sg");
    char *netn = nm(r, "net");
    char *subn = nm(r, "sub");
    char *rtn = nm(r, "router");
    char *portn = nm(r, "port");
    char *srvn = nm(r, "srv");
    char *fipn = nm(r, "fip");
    char *ifname = NULL;
    char *ext = find_ext_net(r);
    char *imgfile = write_file(r->tmp, "image.qcow2", "vt-os image\n");
    char *url = NULL;
    char *img = NULL, *sg = NULL, *net = NULL, *sub = NULL, *rt = NULL;
    char *port = NULL, *srv = NULL;
    struct vmtp_os_flavor fl = {0};
    struct vmtp_os_fip fip = {0};
    struct vmtp_os_subnet_spec ss = {
            .cidr = "198.19.80.0/24", .ip_version = 4, .enable_dhcp = true};
    struct vmtp_os_server_spec sp = {0};
    char *pub = make_pubkey(r->tmp);

    if (ext == NULL || imgfile == NULL || pub == NULL ||
        asprintf(&url, "file://%s", imgfile) < 0) {
        return fail(r->ctx, "setup");
    }
    TRACKED(r, VMTP_RES_KEYPAIR, kp, vmtp_os_keypair_create(r->s, kp, pub), kp);
    TRACKED(r, VMTP_RES_FLAVOR, fln,
            vmtp_os_flavor_create(r->s, fln, 1, 128, 1, NULL, &fl), fl.id);
    TRACKED(r, VMTP_RES_IMAGE, imn,
            vmtp_os_image_create(r->s, imn, NULL, NULL, &img), img);
    if (vmtp_os_image_upload(r->s, img, url) != VMTP_OK ||
        vmtp_os_image_wait_active(r->s, img, 120000) != VMTP_OK) {
        return fail(r->ctx, "image upload");
    }
    TRACKED(r, VMTP_RES_SECGROUP, sgn,
            vmtp_os_secgroup_create(r->s, sgn, r->run_id, &sg), sg);
    if (vmtp_os_secgroup_rule_create(r->s, sg, "IPv4", "tcp", 22, 22,
                                     "0.0.0.0/0") != VMTP_OK) {
        return fail(r->ctx, "rule");
    }
    TRACKED(r, VMTP_RES_NETWORK, netn,
            vmtp_os_network_create(r->s, netn, r->run_id, &net), net);
    ss.name = subn;
    ss.network_id = net;
    TRACKED(r, VMTP_RES_SUBNET, subn, vmtp_os_subnet_create(r->s, &ss, &sub),
            sub);
    TRACKED(r, VMTP_RES_ROUTER, rtn, vmtp_os_router_create(r->s, rtn, ext, &rt),
            rt);
    if (asprintf(&ifname, "%s/%s", rt, sub) < 0) {
        return 1;
    }
    TRACKED(r, VMTP_RES_ROUTER_IF, ifname,
            vmtp_os_router_add_interface(r->s, rt, sub), ifname);
    TRACKED(r, VMTP_RES_PORT, portn,
            vmtp_os_port_create(r->s, portn, net, sg, NULL, &port), port);
    sp.name = srvn;
    sp.image_id = img;
    sp.flavor_id = fl.id;
    sp.key_name = kp;
    sp.port_id = port;
    sp.availability_zone = "nova:compute-1";
    TRACKED(r, VMTP_RES_SERVER, srvn, vmtp_os_server_create(r->s, &sp, &srv),
            srv);
    if (vmtp_os_server_wait_active(r->s, srv, 240000, NULL) != VMTP_OK) {
        return fail(r->ctx, "server");
    }
    TRACKED(r, VMTP_RES_FIP, fipn,
            vmtp_os_fip_create(r->s, ext, port, fipn, &fip), fip.id);
    (void)fprintf(stderr, "os_sequence: everything created\n");
    return 0;
}

struct line {
    char *text;
};

static int
cmp_lines(const void *a, const void *b)
{
    return strcmp(((const struct line *)a)->text,
                  ((const struct line *)b)->text);
}

static int
add(struct line **v,
    size_t *n,
    const char *type,
    const char *id,
    const char *name)
{
    struct line *nv = realloc(*v, (*n + 1) * sizeof(**v));

    if (nv == NULL) {
        return -1;
    }
    *v = nv;
    if (asprintf(&nv[*n].text, "%-9s %s %s", type, id,
                 name != NULL && name[0] != '\0' ? name : "-") < 0) {
        return -1;
    }
    (*n)++;
    return 0;
}

static int
do_snapshot(struct vmtp_os_session *s)
{
    struct vmtp_os_network_list n = {0};
    struct vmtp_os_subnet_list sb = {0};
    struct vmtp_os_router_list r = {0};
    struct vmtp_os_port_list p = {0};
    struct vmtp_os_secgroup_list g = {0};
    struct vmtp_os_fip_list fi = {0};
    struct vmtp_os_server_list sv = {0};
    struct vmtp_os_keypair_list kp = {0};
    struct vmtp_os_flavor_list fl = {0};
    struct vmtp_os_image_list im = {0};
    struct line *v = NULL;
    size_t nv = 0;
    char *q = NULL;
    int rc = 0;

    if (asprintf(&q, "project_id=%s", s->cat.project_id) < 0 ||
        vmtp_os_networks(s, q, &n) != VMTP_OK ||
        vmtp_os_subnets(s, q, &sb) != VMTP_OK ||
        vmtp_os_routers(s, q, &r) != VMTP_OK ||
        vmtp_os_ports(s, q, &p) != VMTP_OK ||
        vmtp_os_secgroups(s, q, &g) != VMTP_OK ||
        vmtp_os_fips(s, q, &fi) != VMTP_OK ||
        vmtp_os_servers(s, NULL, &sv) != VMTP_OK ||
        vmtp_os_keypairs(s, &kp) != VMTP_OK ||
        vmtp_os_flavors(s, &fl) != VMTP_OK ||
        vmtp_os_images(s, NULL, &im) != VMTP_OK) {
        free(q);
        return fail(s->ctx, "snapshot");
    }
    free(q);
    for (size_t i = 0; rc == 0 && i < n.n; i++) {
        rc = add(&v, &nv, "network", n.items[i].id, n.items[i].name);
    }
    for (size_t i = 0; rc == 0 && i < sb.n; i++) {
        rc = add(&v, &nv, "subnet", sb.items[i].id, sb.items[i].name);
    }
    for (size_t i = 0; rc == 0 && i < r.n; i++) {
        rc = add(&v, &nv, "router", r.items[i].id, r.items[i].name);
    }
    for (size_t i = 0; rc == 0 && i < p.n; i++) {
        rc = add(&v, &nv, "port", p.items[i].id,
                 p.items[i].device_owner != NULL &&
                                 p.items[i].device_owner[0] != '\0'
                         ? p.items[i].device_owner
                         : p.items[i].name);
    }
    for (size_t i = 0; rc == 0 && i < g.n; i++) {
        rc = add(&v, &nv, "secgroup", g.items[i].id, g.items[i].name);
    }
    for (size_t i = 0; rc == 0 && i < fi.n; i++) {
        rc = add(&v, &nv, "fip", fi.items[i].id, fi.items[i].address);
    }
    for (size_t i = 0; rc == 0 && i < sv.n; i++) {
        rc = add(&v, &nv, "server", sv.items[i].id, sv.items[i].name);
    }
    for (size_t i = 0; rc == 0 && i < kp.n; i++) {
        rc = add(&v, &nv, "keypair", kp.items[i].name, NULL);
    }
    for (size_t i = 0; rc == 0 && i < fl.n; i++) {
        rc = add(&v, &nv, "flavor", fl.items[i].id, fl.items[i].name);
    }
    for (size_t i = 0; rc == 0 && i < im.n; i++) {
        rc = add(&v, &nv, "image", im.items[i].id, im.items[i].name);
    }
    qsort(v, nv, sizeof(*v), cmp_lines);
    for (size_t i = 0; i < nv; i++) {
        (void)printf("%s\n", v[i].text);
        free(v[i].text);
    }
    free(v);
    vmtp_os_network_list_free(&n);
    vmtp_os_subnet_list_free(&sb);
    vmtp_os_router_list_free(&r);
    vmtp_os_port_list_free(&p);
    vmtp_os_secgroup_list_free(&g);
    vmtp_os_fip_list_free(&fi);
    vmtp_os_server_list_free(&sv);
    vmtp_os_keypair_list_free(&kp);
    vmtp_os_flavor_list_free(&fl);
    vmtp_os_image_list_free(&im);
    return rc == 0 ? 0 : 1;
}

static int
usage(void)
{
    (void)fprintf(stderr, "usage: os_sequence run STATE_DIR RUN_ID KILL_AT\n"
                          "       os_sequence cleanup STATE_DIR RUN_ID|all\n"
                          "       os_sequence snapshot | checkpoints\n");
    return 2;
}

int
main(int argc, char **argv)
{
    struct run r = {0};
    const char *e = NULL;
    int rc;

    if (argc < 2) {
        return usage();
    }
    if (strcmp(argv[1], "checkpoints") == 0) {
        for (size_t i = 0; i < NSTEPS; i++) {
            (void)printf("%zu intent-only %s\n%zu created-unrecorded %s\n",
                         2 * i + 1, steps[i], 2 * i + 2, steps[i]);
        }
        (void)printf("%zu completed-not-deleted all\n", 2 * NSTEPS + 1);
        return 0;
    }
    r.ctx = os_lab_ctx_new();
    if (r.ctx == NULL) {
        return 1;
    }
    if (!os_lab_creds_from_env(&r.ctx->creds)) {
        (void)fprintf(stderr, "os_sequence: OS_AUTH_URL is not set\n");
        return 1;
    }
    if (strcmp(argv[1], "cleanup") == 0 && argc == 4) {
        rc = vmtp_cleanup(r.ctx, argv[2],
                          strcmp(argv[3], "all") == 0 ? NULL : argv[3]) ==
                             VMTP_OK
                     ? 0
                     : fail(r.ctx, "cleanup");
        vmtp_ctx_free(r.ctx);
        return rc;
    }
    if (vmtp_os_ctx_session(r.ctx, &r.s) != VMTP_OK) {
        return fail(r.ctx, "authentication");
    }
    if (strcmp(argv[1], "snapshot") == 0) {
        rc = do_snapshot(r.s);
        vmtp_ctx_free(r.ctx);
        return rc;
    }
    if (strcmp(argv[1], "run") != 0 || argc != 5) {
        return usage();
    }
    kill_at = vx_strtonum(argv[4], 0, 1000, &e);
    if (e != NULL) {
        return usage();
    }
    r.run_id = argv[3];
    r.tmp = os_lab_tmpdir();
    if (r.tmp == NULL ||
        vmtp_ledger_open(r.ctx, argv[2], r.run_id, &r.l) != VMTP_OK) {
        return fail(r.ctx, "ledger");
    }
    rc = do_run(&r);
    if (rc == 0) {
        checkpoint("all", true); /* the last checkpoint: all created */
    }
    vmtp_ledger_close(r.l);
    os_lab_rmrf(r.tmp);
    free(r.tmp);
    vmtp_ctx_free(r.ctx);
    return rc;
}
