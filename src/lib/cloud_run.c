/* \summary: the cloud run: topology, VMs, the six VM flows, teardown */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>

#include <errno.h>
#include <libssh/libssh.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmtp/result.h>

#include "internal.h"
#include "ledger.h"
#include "os_api.h"
#include "os_auth.h"
#include "remote.h"
#include "result.h"
#include "run_int.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_buf.h"
#include "vx_str.h"
#include "vx_time.h"

/*
 * Layout of a run (vmtp-behaviour.md §4, with the §14 fixes):
 *
 *   setup     placement check, SSH key, keypair, image, flavor, security
 *             group, networks + subnets, one port per VM, every VM booted
 *             at once, router + interfaces and floating IPs while they
 *             boot, then SSH and the tool on each VM;
 *   flows     for each client placement (server host first): same
 *             network fixed IP, different network fixed IP, different
 *             network floating IP; a client VM is deleted (without
 *             waiting) as soon as its flows are measured; External-VM;
 *   teardown  servers deleted together; on a thread per VM its floating
 *             IP while Nova deletes the server, its port once the server
 *             is gone; then the rest of the ledger in dependency order
 *             (vmtp_ledger_cleanup()).
 *
 * Everything created is named "<configured name>-<run id>" and written
 * to the ledger before the create call; what was found and reused
 * (image, flavor, security group, network, router) is never deleted.
 */

#define CLOUD_MAX_VMS          5
#define CLOUD_GONE_TIMEOUT_MS  180000
#define CLOUD_IMAGE_TIMEOUT_MS 120000

struct cloud_net {
    char *id;
    char *name;
    char *subnet_id;
    char *subnet6_id;
    char *network_type;
};

struct cloud_vm {
    char name[160];
    char az[256];          /* "az:host" or "az" */
    struct cloud_net *net; /* borrowed */
    char *port_id;
    char *server_id;
    char *fip_id;
    char *fip_addr;
    char ip4[64]; /* fixed addresses on net */
    char ip6[64];
    char known_hosts[600];
    unsigned server_seq;
    unsigned port_seq;
    unsigned fip_seq;
    bool deleting;   /* DELETE sent */
    bool ready;      /* ACTIVE, reachable, tool deployed */
    char error[512]; /* why not ready */
    struct run_host h;
};

struct cloud_worker;

struct cloud {
    struct vmtp_ctx *ctx;     /* this thread's context (a worker's, or main) */
    struct vmtp_ctx *main;    /* the run's context: cancel flag, log, results */
    pthread_mutex_t *lock;    /* the ledger, shared by the workers */
    atomic_int *router_state; /* 0 pending, 1 ready, 2 failed */
    struct cloud_worker *workers;
    const struct vmtp_config *cfg;
    struct vmtp_os_session *s;
    struct vmtp_ledger *l;
    const char *run_id;
    char *dir; /* <state_dir>/run-<run id>: SSH key, known_hosts */
    char *key_path;
    char *known_hosts;
    char *pubkey;
    char *keypair;
    char *image_id;
    unsigned image_seq;
    bool image_created;
    char *flavor_id;
    char *sg_id;
    char *ext_net_id;
    char *router_id;
    struct cloud_net nets[2];
    size_t nnets;
    char placement[2][256];
    size_t nplacement;
    struct cloud_vm vms[CLOUD_MAX_VMS];
    size_t nvms;
    bool ipv6;
    bool reuse;
    bool stopped; /* --stop-on-error fired: keep everything */
    bool kept;    /* --keep-first-flow-and-exit: keep everything, exit 0 */
    uint64_t t0_us;
};

/* Progress with the time since the run started (bench/cloud_time.sh). */
static void
phase(const struct cloud *c, const char *what)
{
    VLOG(&c->ctx->log, VMTP_LOG_INFO, "cloud run: %s at +%.1f s", what,
         (double)(vx_now_us() - c->t0_us) / 1e6);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *
fmt(const char *f, ...)
{
    va_list ap;
    char *out = NULL;
    int n;

    va_start(ap, f);
    n = vasprintf(&out, f, ap);
    va_end(ap);
    return n < 0 ? NULL : out;
}

static enum vmtp_status
nomem(struct cloud *c)
{
    return vmtp_set_error(c->ctx, VMTP_E_NOMEM, "out of memory");
}

/* "<base>-<run id>": every name this run creates carries the run id, in
 * the form the cleanup sweep recognises (vmtp_res_name() in ledger.c). */
static char *
res_name(const struct cloud *c, const char *base)
{
    return vmtp_res_name(c->run_id,
                         base != NULL && base[0] != '\0' ? base : "vmtp");
}

static enum vmtp_status
intent(struct cloud *c, enum vmtp_res_type t, const char *name, unsigned *seq)
{
    enum vmtp_status st;

    /* Cancelled: no create call follows. An intent written now would have
     * no id and no resource, and the teardown would wait for it to show
     * up (ledger.c, the in-flight wait) for nothing. */
    if (vmtp_ctx_cancelled(c->ctx) || vmtp_ctx_cancelled(c->main)) {
        (void)vmtp_set_error(c->ctx, VMTP_E_CANCELLED, "cancelled");
        return VMTP_E_CANCELLED; /* never OK: *seq is not set */
    }
    (void)pthread_mutex_lock(c->lock);
    st = vmtp_ledger_intent(c->l, t, name, seq);
    (void)pthread_mutex_unlock(c->lock);
    return st;
}

static enum vmtp_status
recorded(struct cloud *c, unsigned seq, const char *id)
{
    enum vmtp_status st;

    (void)pthread_mutex_lock(c->lock);
    st = vmtp_ledger_created(c->l, seq, id);
    (void)pthread_mutex_unlock(c->lock);
    return st;
}

static void
gone(struct cloud *c, unsigned seq)
{
    (void)pthread_mutex_lock(c->lock);
    (void)vmtp_ledger_gone(c->l, seq);
    (void)pthread_mutex_unlock(c->lock);
}

/*
 * After a create call that returned st: the new resource's id goes into
 * the ledger. A request the cloud refused (4xx: a quota, a bad value, a
 * conflict) made nothing, so its intent is closed and no cleanup waits
 * for it (ledger.c, the in-flight wait). A timeout, a 5xx or a cancel may
 * have made it: that intent stays open.
 */
static enum vmtp_status
created(struct cloud *c, unsigned seq, enum vmtp_status st, const char *id)
{
    long http = c->ctx->err.http_status;

    if (st == VMTP_OK) {
        return recorded(c, seq, id);
    }
    if (http >= 400 && http <= 499) {
        gone(c, seq);
    }
    return st;
}

/* ---- workers: one context and API session per thread ------------------ */

/*
 * API calls take seconds on a loaded cloud and do not depend on each
 * other within a phase, so each phase runs its tasks on threads. A task
 * gets a shallow copy of the run with its own context and session (the
 * session and the context's error are not thread-safe); it writes only
 * its own VM or the fields the caller copies back after the join.
 */
typedef enum vmtp_status cloud_task_fn(struct cloud *wc, void *arg);

struct cloud_worker {
    struct vmtp_ctx *ctx;
    struct vmtp_os_session *s;
    struct cloud wc;
    cloud_task_fn *fn;
    void *arg;
    pthread_t th;
    bool started;
    atomic_int done;
    enum vmtp_status st;
};

static void *
worker_main(void *p)
{
    struct cloud_worker *w = p;
    enum vmtp_status st = VMTP_OK;

    if (w->s == NULL) {
        st = vmtp_os_session_new(w->ctx, &w->wc.main->creds, NULL, &w->s);
    }
    if (st == VMTP_OK) {
        w->wc.ctx = w->ctx;
        w->wc.s = w->s;
        st = w->fn(&w->wc, w->arg);
    }
    w->st = st;
    atomic_store(&w->done, 1);
    return NULL;
}

/* Start fns[i](copy of c, args[i]) for i < n on threads. */
static enum vmtp_status
tasks_start(struct cloud *c,
            cloud_task_fn *const *fns,
            void *const *args,
            size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct cloud_worker *w = &c->workers[i];

        if (w->ctx == NULL) {
            w->ctx = vmtp_ctx_new();
            if (w->ctx == NULL ||
                vmtp_run_set_agent_path(w->ctx, c->main->agent_path) !=
                        VMTP_OK) {
                return nomem(c);
            }
            w->ctx->log = c->main->log;
        }
        w->wc = *c;
        w->fn = fns[i];
        w->arg = args[i];
        atomic_store(&w->done, 0);
        atomic_store(&w->ctx->cancelled, 0);
        vmtp_error_clear(&w->ctx->err);
        if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
            w->st = vmtp_set_error(w->ctx, VMTP_E_SYS, "cannot start a thread");
            atomic_store(&w->done, 1);
            continue;
        }
        w->started = true;
    }
    return VMTP_OK;
}

/* Wait for the n tasks (passing a cancel on); the first error wins. */
static enum vmtp_status
tasks_join(struct cloud *c, size_t n)
{
    enum vmtp_status st = VMTP_OK;
    bool all;

    do {
        all = true;
        for (size_t i = 0; i < n; i++) {
            if (vmtp_ctx_cancelled(c->main)) {
                vmtp_ctx_cancel(c->workers[i].ctx);
            }
            all = all && atomic_load(&c->workers[i].done) != 0;
        }
        if (!all) {
            vx_sleep_us(50000);
        }
    } while (!all);
    for (size_t i = 0; i < n; i++) {
        struct cloud_worker *w = &c->workers[i];

        if (w->started) {
            (void)pthread_join(w->th, NULL);
            w->started = false;
        }
        if (w->st != VMTP_OK && (st == VMTP_OK || st == VMTP_E_CANCELLED)) {
            st = w->st;
            c->ctx->err = w->ctx->err;
        }
    }
    return st;
}

static void
workers_free(struct cloud_worker *ws, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        vmtp_os_session_free(ws[i].s);
        vmtp_ctx_free(ws[i].ctx);
    }
}

/* ---- placement (§4.9, without §14.37) --------------------------------- */

static bool
compute_usable(const struct vmtp_os_service *sv)
{
    return vx_streq(sv->binary, "nova-compute") && vx_streq(sv->state, "up") &&
           vx_streq(sv->status, "enabled");
}

static enum vmtp_status
add_placement(struct cloud *c, const char *az, const char *host)
{
    char *p = c->placement[c->nplacement];
    int n;

    for (size_t i = 0; i < c->nplacement; i++) {
        if (host != NULL && strchr(c->placement[i], ':') != NULL &&
            strcmp(strchr(c->placement[i], ':') + 1, host) == 0) {
            return vmtp_set_error(c->ctx, VMTP_E_INVAL,
                                  "--hypervisor %s given twice", host);
        }
    }
    n = host != NULL ? snprintf(p, 256, "%s:%s", az, host)
                     : snprintf(p, 256, "%s", az);
    if (n < 0 || n >= 256) {
        return vmtp_set_error(c->ctx, VMTP_E_INVAL,
                              "placement '%s:%s' is too long", az,
                              host != NULL ? host : "");
    }
    c->nplacement++;
    return VMTP_OK;
}

static enum vmtp_status
placement_from_option(struct cloud *c, const struct vmtp_os_service_list *sl)
{
    const struct vmtp_config *cfg = c->cfg;
    enum vmtp_status st = VMTP_OK;

    for (size_t i = 0; i < cfg->hypervisors.n && c->nplacement < 2; i++) {
        const char *hv = cfg->hypervisors.v[i];
        const char *colon = strchr(hv, ':');
        char az[256];
        const char *host = colon != NULL ? colon + 1 : hv;
        bool found = false;

        if (colon != NULL) {
            (void)vx_strlcpy(az, hv,
                             (size_t)(colon - hv) + 1 < sizeof(az)
                                     ? (size_t)(colon - hv) + 1
                                     : sizeof(az));
        } else if (sl->n == 0 && cfg->availability_zone != NULL) {
            (void)vx_strlcpy(az, cfg->availability_zone, sizeof(az));
        } else if (sl->n == 0) {
            return vmtp_set_error(c->ctx, VMTP_E_INVAL,
                                  "--hypervisor passed without an az and no "
                                  "az configured");
        }
        for (size_t k = 0; k < sl->n && !found; k++) {
            const struct vmtp_os_service *sv = &sl->items[k];

            if (!vx_streq(sv->binary, "nova-compute") ||
                !vx_streq(sv->host, host)) {
                continue;
            }
            if (colon == NULL) {
                (void)vx_strlcpy(az, sv->zone != NULL ? sv->zone : "nova",
                                 sizeof(az));
                found = true;
            } else {
                found = vx_streq(sv->zone, az);
            }
        }
        if (sl->n > 0 && !found) {
            return colon != NULL
                           ? vmtp_set_error(c->ctx, VMTP_E_INVAL,
                                            "No match for availability zone "
                                            "and host %s",
                                            hv)
                           : vmtp_set_error(c->ctx, VMTP_E_INVAL,
                                            "Passed host name does not "
                                            "exist: %s",
                                            hv);
        }
        st = add_placement(c, az, host);
        if (st != VMTP_OK) {
            return st;
        }
    }
    return st;
}

static enum vmtp_status
placement_auto(struct cloud *c, const struct vmtp_os_service_list *sl)
{
    const char *want = c->cfg->availability_zone;
    enum vmtp_status st = VMTP_OK;

    for (size_t k = 0; k < sl->n && c->nplacement < 2 && st == VMTP_OK; k++) {
        const struct vmtp_os_service *sv = &sl->items[k];

        if (!compute_usable(sv) || sv->host == NULL ||
            (want != NULL && !vx_streq(sv->zone, want))) {
            continue;
        }
        st = add_placement(c,
                           want != NULL       ? want
                           : sv->zone != NULL ? sv->zone
                                              : "nova",
                           sv->host);
    }
    if (st != VMTP_OK || c->nplacement > 0) {
        return st;
    }
    if (want == NULL) {
        return vmtp_set_error(c->ctx, VMTP_E_NOTFOUND,
                              "Availability_zone must be configured (no "
                              "enabled nova-compute host is visible)");
    }
    if (sl->n > 0) {
        /* a zone the cloud does not have: a bad value, like a bad
         * --hypervisor (exit 2) */
        return vmtp_set_error(c->ctx, VMTP_E_INVAL,
                              "No host matching the selection for "
                              "availability zone: %s",
                              want);
    }
    return add_placement(c, want, NULL);
}

static enum vmtp_status
choose_placement(struct cloud *c)
{
    struct vmtp_os_service_list sl = {0};
    enum vmtp_status st = vmtp_os_services(c->s, &sl);

    if (st == VMTP_E_AUTH) {
        VLOG(&c->ctx->log, VMTP_LOG_WARN,
             "Operation Forbidden: could not retrieve list of hosts (likely "
             "no permission)");
        vmtp_error_clear(&c->ctx->err);
        st = VMTP_OK;
    }
    if (st == VMTP_OK) {
        st = c->cfg->hypervisors.n > 0 ? placement_from_option(c, &sl)
                                       : placement_auto(c, &sl);
    }
    vmtp_os_service_list_free(&sl);
    if (st == VMTP_OK) {
        VLOG(&c->ctx->log, VMTP_LOG_INFO, "Using hypervisors %s%s%s",
             c->placement[0], c->nplacement > 1 ? ", " : "",
             c->nplacement > 1 ? c->placement[1] : "");
    }
    return st;
}

/* ---- SSH key and keypair ---------------------------------------------- */

static enum vmtp_status
read_small_file(struct cloud *c, const char *path, char **out)
{
    char buf[16384];
    char eb[128];
    FILE *f = fopen(path, "re");
    size_t n;

    if (f == NULL) {
        return vmtp_set_error(c->ctx, VMTP_E_INVAL, "cannot read %s: %s", path,
                              vx_strerror(errno, eb, sizeof(eb)));
    }
    n = fread(buf, 1, sizeof(buf) - 1, f);
    (void)fclose(f);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
        buf[--n] = '\0';
    }
    *out = vx_strdup(buf);
    return *out != NULL ? VMTP_OK : nomem(c);
}

static enum vmtp_status
make_key(struct cloud *c)
{
    const struct vmtp_config *cfg = c->cfg;
    ssh_key key = NULL;
    char *b64 = NULL;
    enum vmtp_status st = VMTP_OK;

    if (cfg->public_key_file != NULL && cfg->private_key_file != NULL) {
        c->key_path = vx_strdup(cfg->private_key_file);
        if (c->key_path == NULL) {
            return nomem(c);
        }
        return read_small_file(c, cfg->public_key_file, &c->pubkey);
    }
    c->key_path = fmt("%s/id_ed25519", c->dir);
    if (c->key_path == NULL) {
        return nomem(c);
    }
    if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK ||
        ssh_pki_export_privkey_file(key, NULL, NULL, NULL, c->key_path) !=
                SSH_OK ||
        chmod(c->key_path, 0600) != 0 ||
        ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK) {
        st = vmtp_set_error(c->ctx, VMTP_E_SYS,
                            "cannot generate the run's SSH key in %s",
                            c->key_path);
    } else if ((c->pubkey = fmt("ssh-ed25519 %s vmtp-%s", b64, c->run_id)) ==
               NULL) {
        st = nomem(c);
    }
    ssh_string_free_char(b64);
    ssh_key_free(key);
    return st;
}

static enum vmtp_status
create_keypair(struct cloud *c)
{
    unsigned seq;
    enum vmtp_status st;

    c->keypair = res_name(c, c->cfg->public_key_name);
    if (c->keypair == NULL) {
        return nomem(c);
    }
    st = intent(c, VMTP_RES_KEYPAIR, c->keypair, &seq);
    if (st == VMTP_OK) {
        st = vmtp_os_keypair_create(c->s, c->keypair, c->pubkey);
        st = created(c, seq, st, c->keypair);
    }
    return st;
}

/* ---- image and flavor (§4.7, §4.8) ------------------------------------ */

static enum vmtp_status
find_image(struct cloud *c)
{
    const struct vmtp_config *cfg = c->cfg;
    const char *name = cfg->image_name != NULL ? cfg->image_name : "vmtp";
    struct vmtp_os_image im = {0};
    enum vmtp_status st = vmtp_os_image_find(c->s, name, &im);

    if (st == VMTP_OK) {
        VLOG(&c->ctx->log, VMTP_LOG_INFO,
             "Found image %s to launch VM, will continue", name);
        c->image_id = im.id;
        im.id = NULL;
        vmtp_os_image_release(&im);
        return VMTP_OK;
    }
    if (st != VMTP_E_NOTFOUND) {
        return st;
    }
    vmtp_error_clear(&c->ctx->err);
    if (cfg->vm_image_url == NULL || cfg->vm_image_url[0] == '\0') {
        return vmtp_set_error(c->ctx, VMTP_E_NOTFOUND,
                              "%s: image to launch VM not found (give "
                              "--vm-image-url to upload one)",
                              name);
    }
    VLOG(&c->ctx->log, VMTP_LOG_INFO,
         "%s: image for VM not found, uploading %s", name, cfg->vm_image_url);
    /* Named as configured so that a later run finds it (unless
     * --delete-image-after-run); the ledger covers a crash meanwhile. */
    st = intent(c, VMTP_RES_IMAGE, name, &c->image_seq);
    if (st == VMTP_OK) {
        st = vmtp_os_image_create(c->s, name, NULL, NULL, &c->image_id);
        c->image_created = st == VMTP_OK;
        st = created(c, c->image_seq, st, c->image_id);
    }
    if (st == VMTP_OK) {
        st = vmtp_os_image_upload(c->s, c->image_id, cfg->vm_image_url);
    }
    if (st == VMTP_OK) {
        st = vmtp_os_image_wait_active(c->s, c->image_id,
                                       CLOUD_IMAGE_TIMEOUT_MS);
    }
    if (st != VMTP_OK && st != VMTP_E_CANCELLED) {
        return vmtp_set_error(c->ctx, st,
                              "Cannot upload image %s to the cloud: %s", name,
                              c->ctx->err.msg);
    }
    return st;
}

static enum vmtp_status
find_flavor(struct cloud *c)
{
    const struct vmtp_config *cfg = c->cfg;
    const char *name = cfg->flavor_type != NULL ? cfg->flavor_type : "vmtp";
    struct vmtp_os_flavor fl = {0};
    const char **specs = NULL;
    char *cname = NULL;
    unsigned seq;
    enum vmtp_status st = vmtp_os_flavor_find(c->s, name, &fl);

    if (st != VMTP_E_NOTFOUND) { /* found, or a real error */
        c->flavor_id = fl.id;
        fl.id = NULL;
        vmtp_os_flavor_release(&fl);
        return st;
    }
    vmtp_error_clear(&c->ctx->err);
    VLOG(&c->ctx->log, VMTP_LOG_INFO,
         "Flavor %s not found. Creating custom flavor...", name);
    cname = res_name(c, name);
    specs = calloc(2 * cfg->flavor.extra_specs.n + 1, sizeof(*specs));
    if (cname == NULL || specs == NULL) {
        st = nomem(c);
        goto out;
    }
    for (size_t i = 0; i < cfg->flavor.extra_specs.n; i++) {
        specs[2 * i] = cfg->flavor.extra_specs.keys[i];
        specs[2 * i + 1] = cfg->flavor.extra_specs.vals[i];
    }
    st = intent(c, VMTP_RES_FLAVOR, cname, &seq);
    if (st == VMTP_OK) {
        st = vmtp_os_flavor_create(
                c->s, cname, cfg->flavor.vcpus > 0 ? cfg->flavor.vcpus : 1,
                cfg->flavor.ram_mb > 0 ? cfg->flavor.ram_mb : 2048,
                cfg->flavor.disk_gb, specs, &fl);
        if (st == VMTP_OK) {
            c->flavor_id = fl.id;
            fl.id = NULL;
        }
        st = created(c, seq, st, c->flavor_id);
    }
    if (st == VMTP_OK) {
        VLOG(&c->ctx->log, VMTP_LOG_INFO, "Flavor %s created.", cname);
    }
out:
    vmtp_os_flavor_release(&fl);
    free(specs);
    free(cname);
    return st;
}

/* ---- security group (§4.6) -------------------------------------------- */

static enum vmtp_status
make_secgroup(struct cloud *c)
{
    static const struct {
        const char *eth;
        const char *proto;
        int lo, hi;
        bool v6;
    } rules[] = {
            {"IPv4", "icmp", 0, 0, false},
            {"IPv4", "tcp", 22, 22, false},
            {"IPv4", "tcp", 5001, 5002, false},
            {"IPv4", "udp", 5001, 5002, false},
            {"IPv6", "ipv6-icmp", 0, 0, true},
            {"IPv6", "tcp", 22, 22, true},
            {"IPv6", "tcp", 5001, 5002, true},
            {"IPv6", "udp", 5001, 5002, true},
    };
    const char *base = c->cfg->security_group_name != NULL
                               ? c->cfg->security_group_name
                               : "pns-security";
    struct vmtp_os_secgroup_list gl = {0};
    char *q = NULL;
    char *esc = vmtp_os_escape(base);
    char *name = NULL;
    unsigned seq;
    enum vmtp_status st;

    if (esc == NULL || (q = fmt("name=%s", esc)) == NULL) {
        free(esc);
        return nomem(c);
    }
    free(esc);
    st = vmtp_os_secgroups(c->s, q, &gl);
    free(q);
    if (st != VMTP_OK) {
        return st;
    }
    for (size_t i = 0; i < gl.n; i++) {
        if (vx_streq(gl.items[i].name, base)) {
            VLOG(&c->ctx->log, VMTP_LOG_INFO,
                 "Using existing security group %s", base);
            c->sg_id = gl.items[i].id;
            gl.items[i].id = NULL;
            break;
        }
    }
    vmtp_os_secgroup_list_free(&gl);
    if (c->sg_id != NULL) {
        return VMTP_OK;
    }
    name = res_name(c, base);
    if (name == NULL) {
        return nomem(c);
    }
    st = intent(c, VMTP_RES_SECGROUP, name, &seq);
    if (st == VMTP_OK) {
        st = vmtp_os_secgroup_create(c->s, name, "PNS Security groups",
                                     &c->sg_id);
        st = created(c, seq, st, c->sg_id);
    }
    free(name);
    for (size_t i = 0; st == VMTP_OK && i < sizeof(rules) / sizeof(rules[0]);
         i++) {
        if (rules[i].v6 && !c->ipv6) {
            continue;
        }
        st = vmtp_os_secgroup_rule_create(c->s, c->sg_id, rules[i].eth,
                                          rules[i].proto, rules[i].lo,
                                          rules[i].hi, NULL);
    }
    return st;
}

/* ---- networks (§4.2-4.5, §4.12) --------------------------------------- */

static enum vmtp_status
find_network(struct cloud *c, const char *name, struct vmtp_os_network *out)
{
    struct vmtp_os_network_list nl = {0};
    char *esc = vmtp_os_escape(name);
    char *q = esc != NULL ? fmt("name=%s", esc) : NULL;
    enum vmtp_status st;

    free(esc);
    memset(out, 0, sizeof(*out));
    if (q == NULL) {
        return nomem(c);
    }
    st = vmtp_os_networks(c->s, q, &nl);
    free(q);
    if (st != VMTP_OK) {
        return st;
    }
    st = VMTP_E_NOTFOUND;
    for (size_t i = 0; i < nl.n && st != VMTP_OK; i++) {
        if (vx_streq(nl.items[i].name, name)) {
            *out = nl.items[i];
            memset(&nl.items[i], 0, sizeof(nl.items[i]));
            st = VMTP_OK;
        }
    }
    vmtp_os_network_list_free(&nl);
    return st;
}

static enum vmtp_status
take_network(struct cloud *c, struct cloud_net *n, struct vmtp_os_network *nw)
{
    struct vmtp_os_subnet_list sl = {0};
    char *q = fmt("network_id=%s", nw->id);
    enum vmtp_status st;

    if (q == NULL) {
        return nomem(c);
    }
    n->id = nw->id;
    n->name = nw->name;
    n->network_type = nw->network_type;
    nw->id = nw->name = nw->network_type = NULL;
    st = vmtp_os_subnets(c->s, q, &sl);
    free(q);
    for (size_t i = 0; st == VMTP_OK && i < sl.n; i++) {
        char **slot =
                sl.items[i].ip_version == 6 ? &n->subnet6_id : &n->subnet_id;

        if (*slot == NULL) {
            *slot = sl.items[i].id;
            sl.items[i].id = NULL;
        }
    }
    vmtp_os_subnet_list_free(&sl);
    return st;
}

static enum vmtp_status
create_subnet(struct cloud *c,
              struct cloud_net *n,
              const char *base,
              const char *cidr,
              int version,
              char **id)
{
    const struct vmtp_config *cfg = c->cfg;
    const char **dns = calloc(cfg->dns_nameservers.n + 1, sizeof(*dns));
    char *name = res_name(c, base);
    struct vmtp_os_subnet_spec sp = {
            .name = name,
            .network_id = n->id,
            .cidr = cidr,
            .ip_version = version,
            .enable_dhcp = !cfg->no_dhcp,
            .ipv6_ra_mode = version == 6 ? cfg->ipv6_mode : NULL,
            .ipv6_address_mode = version == 6 ? cfg->ipv6_mode : NULL,
    };
    unsigned seq;
    enum vmtp_status st;

    if (dns == NULL || name == NULL) {
        free(dns);
        free(name);
        return nomem(c);
    }
    for (size_t i = 0; version == 4 && i < cfg->dns_nameservers.n; i++) {
        dns[i] = cfg->dns_nameservers.v[i];
    }
    sp.dns_nameservers = dns;
    st = intent(c, VMTP_RES_SUBNET, name, &seq);
    if (st == VMTP_OK) {
        st = vmtp_os_subnet_create(c->s, &sp, id);
        st = created(c, seq, st, *id);
    }
    free(dns);
    free(name);
    return st;
}

static enum vmtp_status
make_network(struct cloud *c, size_t i)
{
    const struct vmtp_config *cfg = c->cfg;
    struct cloud_net *n = &c->nets[i];
    const char *base = cfg->internal_network_name.v[i];
    struct vmtp_os_network nw = {0};
    unsigned seq;
    enum vmtp_status st = find_network(c, base, &nw);

    if (st == VMTP_OK) {
        VLOG(&c->ctx->log, VMTP_LOG_INFO, "Found existing internal network: %s",
             base);
        st = take_network(c, n, &nw);
        goto out;
    }
    if (st != VMTP_E_NOTFOUND) {
        goto out;
    }
    vmtp_error_clear(&c->ctx->err);
    n->name = res_name(c, base);
    if (n->name == NULL) {
        st = nomem(c);
        goto out;
    }
    st = intent(c, VMTP_RES_NETWORK, n->name, &seq);
    if (st == VMTP_OK) {
        st = vmtp_os_network_create(c->s, n->name, "vmtp", &n->id);
        st = created(c, seq, st, n->id);
    }
    if (st == VMTP_OK) {
        st = create_subnet(c, n, cfg->internal_subnet_name.v[i],
                           cfg->internal_cidr.v[i], 4, &n->subnet_id);
    }
    if (st == VMTP_OK && c->ipv6) {
        st = create_subnet(c, n, cfg->internal_subnet_name_v6.v[i],
                           cfg->internal_cidr_v6.v[i], 6, &n->subnet6_id);
    }
    if (st == VMTP_OK) {
        VLOG(&c->ctx->log, VMTP_LOG_INFO, "Created internal network: %s.",
             n->name);
        /* provider:network_type (admin only) for "encapsulation" */
        if (find_network(c, n->name, &nw) == VMTP_OK) {
            n->network_type = nw.network_type;
            nw.network_type = NULL;
        }
        vmtp_error_clear(&c->ctx->err);
    }
out:
    vmtp_os_network_release(&nw);
    return st;
}

static enum vmtp_status
find_ext_net(struct cloud *c)
{
    struct vmtp_os_network_list nl = {0};
    const char *want = c->cfg->ext_net_name;
    enum vmtp_status st = vmtp_os_networks(c->s, "router:external=true", &nl);

    for (size_t i = 0; st == VMTP_OK && i < nl.n; i++) {
        if (!nl.items[i].external) {
            continue;
        }
        if (c->ext_net_id == NULL || vx_streq(nl.items[i].name, want)) {
            free(c->ext_net_id);
            c->ext_net_id = vx_strdup(nl.items[i].id);
            if (c->ext_net_id == NULL) {
                st = nomem(c);
            }
            if (vx_streq(nl.items[i].name, want)) {
                break;
            }
        }
    }
    if (st == VMTP_OK && c->ext_net_id == NULL) {
        VLOG(&c->ctx->log, VMTP_LOG_WARN, "No external network found.");
    }
    vmtp_os_network_list_free(&nl);
    return st;
}

/* The router named router_name with a gateway, else one of our own. */
static enum vmtp_status
make_router(struct cloud *c)
{
    const char *base =
            c->cfg->router_name != NULL ? c->cfg->router_name : "pns-router";
    struct vmtp_os_router_list rl = {0};
    char *esc = vmtp_os_escape(base);
    char *q = esc != NULL ? fmt("name=%s", esc) : NULL;
    char *name = NULL;
    unsigned seq;
    enum vmtp_status st;

    free(esc);
    if (q == NULL) {
        return nomem(c);
    }
    st = vmtp_os_routers(c->s, q, &rl);
    free(q);
    for (size_t i = 0; st == VMTP_OK && i < rl.n; i++) {
        if (vx_streq(rl.items[i].name, base) &&
            rl.items[i].ext_network_id != NULL) {
            VLOG(&c->ctx->log, VMTP_LOG_INFO, "Using external router: %s",
                 base);
            c->router_id = rl.items[i].id;
            rl.items[i].id = NULL;
            break;
        }
    }
    vmtp_os_router_list_free(&rl);
    if (st != VMTP_OK || c->router_id != NULL) {
        return st;
    }
    name = res_name(c, base);
    if (name == NULL) {
        return nomem(c);
    }
    st = intent(c, VMTP_RES_ROUTER, name, &seq);
    if (st == VMTP_OK) {
        st = vmtp_os_router_create(c->s, name, c->ext_net_id, &c->router_id);
        st = created(c, seq, st, c->router_id);
    }
    if (st == VMTP_OK) {
        VLOG(&c->ctx->log, VMTP_LOG_INFO, "Created ext router %s.", name);
    }
    free(name);
    return st;
}

static enum vmtp_status
add_interface(struct cloud *c, const char *subnet_id)
{
    char *ref = fmt("%s/%s", c->router_id, subnet_id);
    unsigned seq;
    enum vmtp_status st;

    if (ref == NULL) {
        return nomem(c);
    }
    st = intent(c, VMTP_RES_ROUTER_IF, ref, &seq);
    if (st == VMTP_OK) {
        st = vmtp_os_router_add_interface(c->s, c->router_id, subnet_id);
        st = created(c, seq, st, ref);
    }
    free(ref);
    return st;
}

/* ---- VMs (§4.10) ------------------------------------------------------ */

static struct cloud_vm *
add_vm(struct cloud *c, const char *prefix, unsigned n, size_t net, size_t pl)
{
    struct cloud_vm *vm = &c->vms[c->nvms++];

    (void)snprintf(vm->name, sizeof(vm->name), "%s%u-%s", prefix, n, c->run_id);
    (void)snprintf(vm->known_hosts, sizeof(vm->known_hosts),
                   "%s/known_hosts-%zu", c->dir, c->nvms);
    (void)vx_strlcpy(vm->az, c->placement[pl], sizeof(vm->az));
    vm->net = &c->nets[net];
    return vm;
}

static void
vm_fail(struct cloud_vm *vm, const char *why)
{
    if (vm->error[0] == '\0') {
        (void)vx_strlcpy(vm->error, why, sizeof(vm->error));
    }
    vm->ready = false;
}

char *
vmtp_cloud_static_net_file(const char *ip,
                           const char *cidr,
                           const char *gw,
                           const char *const *dns,
                           size_t ndns,
                           bool rhel)
{
    struct in_addr a;
    struct in_addr m;
    struct in_addr net;
    struct in_addr bc;
    char base[INET_ADDRSTRLEN];
    char s_mask[INET_ADDRSTRLEN];
    char s_net[INET_ADDRSTRLEN];
    char s_bc[INET_ADDRSTRLEN];
    const char *slash = cidr != NULL ? strchr(cidr, '/') : NULL;
    const char *errstr = NULL;
    long long plen;
    struct vx_buf b;
    int bad = 0;
    char *out = NULL;

    if (ip == NULL || slash == NULL || (size_t)(slash - cidr) >= sizeof(base) ||
        inet_pton(AF_INET, ip, &a) != 1) {
        return NULL;
    }
    plen = vx_strtonum(slash + 1, 0, 32, &errstr);
    if (errstr != NULL) {
        return NULL;
    }
    (void)memcpy(base, cidr, (size_t)(slash - cidr));
    base[slash - cidr] = '\0';
    if (inet_pton(AF_INET, base, &net) != 1) {
        return NULL;
    }
    m.s_addr = htonl(plen == 0 ? 0U : 0xffffffffU << (32 - plen));
    net.s_addr = a.s_addr & m.s_addr;
    bc.s_addr = net.s_addr | ~m.s_addr;
    if (inet_ntop(AF_INET, &m, s_mask, sizeof(s_mask)) == NULL ||
        inet_ntop(AF_INET, &net, s_net, sizeof(s_net)) == NULL ||
        inet_ntop(AF_INET, &bc, s_bc, sizeof(s_bc)) == NULL) {
        return NULL;
    }
    vx_buf_init(&b, 4096);
    if (rhel) {
        bad |= vx_buf_addf(&b,
                           "DEVICE=eth0\nBOOTPROTO=static\nONBOOT=yes\n"
                           "DEFROUTE=yes\nNM_CONTROLLED=no\nIPADDR=%s\n"
                           "NETMASK=%s\n",
                           ip, s_mask);
        if (gw != NULL && gw[0] != '\0') {
            bad |= vx_buf_addf(&b, "GATEWAY=%s\n", gw);
        }
        for (size_t i = 0; i < ndns && i < 3; i++) {
            bad |= vx_buf_addf(&b, "DNS%zu=%s\n", i + 1, dns[i]);
        }
    } else {
        bad |= vx_buf_addf(&b,
                           "auto lo\niface lo inet loopback\n\n"
                           "auto eth0\niface eth0 inet static\n"
                           "        address %s\n        netmask %s\n"
                           "        network %s\n        broadcast %s\n",
                           ip, s_mask, s_net, s_bc);
        if (gw != NULL && gw[0] != '\0') {
            bad |= vx_buf_addf(&b, "        gateway %s\n", gw);
        }
        for (size_t i = 0; i < ndns; i++) {
            /* space-separated, as Debian expects (the original used ',') */
            bad |= vx_buf_addf(&b, "%s%s",
                               i == 0 ? "        dns-nameservers " : " ",
                               dns[i]);
        }
        if (ndns > 0) {
            bad |= vx_buf_adds(&b, "\n");
        }
    }
    if (bad == 0) {
        out = vx_strdup(vx_buf_str(&b));
    }
    vx_buf_release(&b);
    return out;
}

/*
 * --no-dhcp: the VM's address is in the file injected for it (the
 * original's /etc/network/interfaces) and, for cloud-init, in the config
 * drive's network_data.json (static when the subnet has no DHCP); so the
 * VM boots with a config drive.
 */
static enum vmtp_status
static_net_file(struct cloud *c, struct cloud_vm *vm, char **out)
{
    const struct vmtp_config *cfg = c->cfg;
    struct vmtp_os_port_list pl = {0};
    struct vmtp_os_subnet_list sl = {0};
    const struct vmtp_os_port *port = NULL;
    const struct vmtp_os_subnet *sub = NULL;
    const char **dns = NULL;
    char *q = fmt("id=%s", vm->port_id);
    enum vmtp_status st;

    *out = NULL;
    if (q == NULL) {
        return nomem(c);
    }
    st = vmtp_os_ports(c->s, q, &pl);
    free(q);
    if (st == VMTP_OK && pl.n > 0 && pl.items != NULL) {
        port = &pl.items[0];
    }
    if (st == VMTP_OK &&
        (port == NULL || port->ip == NULL || port->subnet_id == NULL)) {
        st = vmtp_set_error(c->ctx, VMTP_E_NOTFOUND,
                            "--no-dhcp: port %s has no fixed IP", vm->port_id);
    }
    if (st == VMTP_OK && port != NULL) {
        q = fmt("id=%s", port->subnet_id);
        st = q != NULL ? vmtp_os_subnets(c->s, q, &sl) : nomem(c);
        free(q);
        if (st == VMTP_OK && sl.n > 0 && sl.items != NULL) {
            sub = &sl.items[0];
        } else if (st == VMTP_OK) {
            st = vmtp_set_error(c->ctx, VMTP_E_NOTFOUND,
                                "--no-dhcp: subnet %s not found",
                                port->subnet_id);
        }
    }
    if (st == VMTP_OK && port != NULL && sub != NULL) {
        dns = calloc(cfg->dns_nameservers.n + 1, sizeof(*dns));
        for (size_t i = 0; dns != NULL && i < cfg->dns_nameservers.n; i++) {
            dns[i] = cfg->dns_nameservers.v[i];
        }
        *out = dns != NULL ? vmtp_cloud_static_net_file(
                                     port->ip, sub->cidr, sub->gateway_ip, dns,
                                     cfg->dns_nameservers.n,
                                     cfg->vm_image_url != NULL &&
                                             strcasestr(cfg->vm_image_url,
                                                        "rhel") != NULL)
                           : NULL;
        if (*out == NULL) {
            st = vmtp_set_error(c->ctx, VMTP_E_INVAL,
                                "--no-dhcp: cannot write the address file "
                                "for %s on %s",
                                port->ip, sub->cidr != NULL ? sub->cidr : "?");
        }
    }
    free(dns);
    vmtp_os_port_list_free(&pl);
    vmtp_os_subnet_list_free(&sl);
    return st;
}

/* The name of a VM's port or floating IP: "<vm base>-<what>-<run id>", so
 * that the run id stays last where the cleanup sweep looks for it. */
static char *
vm_res_name(const struct cloud *c, const struct cloud_vm *vm, const char *what)
{
    size_t base_len = strlen(vm->name) - strlen(c->run_id) - 1;
    char *base = fmt("%.*s-%s", (int)base_len, vm->name, what);
    char *name = base != NULL ? res_name(c, base) : NULL;

    free(base);
    return name;
}

static enum vmtp_status
boot_vm(struct cloud *c, struct cloud_vm *vm)
{
    const struct vmtp_config *cfg = c->cfg;
    struct vmtp_os_server_spec sp;
    char *pname = vm_res_name(c, vm, "port");
    char *ud = NULL;
    char *netfile = NULL;
    enum vmtp_status st;

    if (pname == NULL) {
        return nomem(c);
    }
    st = intent(c, VMTP_RES_PORT, pname, &vm->port_seq);
    if (st == VMTP_OK) {
        st = vmtp_os_port_create(c->s, pname, vm->net->id, c->sg_id,
                                 cfg->vnic_type, &vm->port_id);
        st = created(c, vm->port_seq, st, vm->port_id);
    }
    free(pname);
    if (st == VMTP_OK && cfg->user_data_file != NULL &&
        access(cfg->user_data_file, R_OK) == 0) {
        st = read_small_file(c, cfg->user_data_file, &ud);
    }
    if (st == VMTP_OK && cfg->no_dhcp) {
        st = static_net_file(c, vm, &netfile);
    }
    memset(&sp, 0, sizeof(sp));
    sp.name = vm->name;
    sp.image_id = c->image_id;
    sp.flavor_id = c->flavor_id;
    sp.key_name = c->keypair;
    sp.port_id = vm->port_id;
    sp.availability_zone = vm->az;
    sp.user_data = ud;
    sp.config_drive = cfg->config_drive || cfg->no_dhcp;
    if (netfile != NULL) {
        sp.file_path =
                strcasestr(cfg->vm_image_url != NULL ? cfg->vm_image_url : "",
                           "rhel") != NULL
                        ? "/etc/sysconfig/network-scripts/ifcfg-eth0"
                        : "/etc/network/interfaces";
        sp.file_contents = netfile;
    }
    if (st == VMTP_OK) {
        VLOG(&c->ctx->log, VMTP_LOG_INFO, "[%s] Starting on zone %s", vm->name,
             vm->az);
        st = intent(c, VMTP_RES_SERVER, vm->name, &vm->server_seq);
    }
    if (st == VMTP_OK) {
        st = vmtp_os_server_create(c->s, &sp, &vm->server_id);
        st = created(c, vm->server_seq, st, vm->server_id);
    }
    free(ud);
    free(netfile);
    if (st != VMTP_OK && st != VMTP_E_CANCELLED && st != VMTP_E_NOMEM &&
        st != VMTP_E_SYS) {
        /* a VM that cannot be created fails its flows, not the run */
        char why[512];

        (void)snprintf(why, sizeof(why), "%s", c->ctx->err.msg);
        vm_fail(vm, why);
        vmtp_error_clear(&c->ctx->err);
        return VMTP_OK;
    }
    return st;
}

static enum vmtp_status
add_fip(struct cloud *c, struct cloud_vm *vm)
{
    struct vmtp_os_fip fip = {0};
    char *name = vm_res_name(c, vm, "fip");
    enum vmtp_status st;

    if (name == NULL) {
        return nomem(c);
    }
    st = intent(c, VMTP_RES_FIP, name, &vm->fip_seq);
    if (st == VMTP_OK) {
        st = vmtp_os_fip_create(c->s, c->ext_net_id, vm->port_id, name, &fip);
        if (st == VMTP_OK) {
            vm->fip_id = fip.id;
            vm->fip_addr = fip.address;
            fip.id = fip.address = NULL;
        }
        st = created(c, vm->fip_seq, st, vm->fip_id);
    }
    vmtp_os_fip_release(&fip);
    free(name);
    return st;
}

static void
read_addresses(struct cloud_vm *vm, const struct vmtp_os_server *sv)
{
    for (size_t i = 0; i < sv->naddrs; i++) {
        const struct vmtp_os_address *a = &sv->addrs[i];
        char *slot = a->version == 6 ? vm->ip6 : vm->ip4;

        if (!vx_streq(a->network, vm->net->name) ||
            vx_streq(a->type, "floating") || slot[0] != '\0') {
            continue;
        }
        (void)vx_strlcpy(slot, a->addr, sizeof(vm->ip4));
    }
}

static enum vmtp_status
wait_vm(struct cloud *c, struct cloud_vm *vm)
{
    const struct vmtp_config *cfg = c->cfg;
    struct vmtp_os_server sv = {0};
    long long polls =
            cfg->generic_retry_count > 0 ? cfg->generic_retry_count : 50;
    enum vmtp_status st;

    if (vm->server_id == NULL) {
        return VMTP_OK;
    }
    /* the original's polls each add an API round trip to the 2 s sleep
     * (seconds on a loaded cloud): allow 6 s a poll */
    st = vmtp_os_server_wait_active(c->s, vm->server_id, (int)(polls * 6000),
                                    &sv);
    if (st == VMTP_OK) {
        read_addresses(vm, &sv);
        VLOG(&c->ctx->log, VMTP_LOG_INFO, "[%s] Internal network IP: %s%s%s",
             vm->name, vm->ip4, vm->ip6[0] != '\0' ? " " : "", vm->ip6);
        if (vm->ip4[0] == '\0' && vm->ip6[0] == '\0') {
            vm_fail(vm, "the VM has no address on its network");
        }
    } else if (st != VMTP_E_CANCELLED && st != VMTP_E_NOMEM) {
        char why[sizeof(vm->error)];
        const char *vnic = cfg->vnic_type;

        /* The original only says that an exception is thrown; name the
         * likely cause when a special vnic type was asked for. */
        if (vnic != NULL && !vx_streq(vnic, "normal")) {
            struct vx_buf b;

            vx_buf_init(&b, 4 * sizeof(why));
            (void)vx_buf_addf(&b,
                              "%s (--vnic-type %s: the cloud could not bind "
                              "a port of that type on %s: no SR-IOV capable "
                              "NIC or mechanism driver there?)",
                              c->ctx->err.msg, vnic, vm->az);
            (void)vx_strlcpy(why, vx_buf_str(&b), sizeof(why));
            vx_buf_release(&b);
        } else {
            (void)vx_strlcpy(why, c->ctx->err.msg, sizeof(why));
        }
        VLOG(&c->ctx->log, VMTP_LOG_WARN, "[%s] Server creation failed: %s",
             vm->name, why);
        vm_fail(vm, why);
        vmtp_error_clear(&c->ctx->err);
        st = VMTP_OK;
    }
    vmtp_os_server_release(&sv);
    return st;
}

/* SSH to the VM (floating IP, or fixed IP on a reused network). */
static enum vmtp_status
connect_vm(struct cloud *c, struct cloud_vm *vm)
{
    const struct vmtp_config *cfg = c->cfg;
    struct vmtp_remote_opts o;
    const char *host = vm->fip_addr != NULL ? vm->fip_addr
                       : vm->ip4[0] != '\0' ? vm->ip4
                                            : vm->ip6;
    enum vmtp_status st;

    if (vm->error[0] != '\0') {
        return VMTP_OK;
    }
    (void)vx_strlcpy(vm->h.acc.user,
                     cfg->ssh_vm_username != NULL ? cfg->ssh_vm_username
                                                  : "ubuntu",
                     sizeof(vm->h.acc.user));
    (void)vx_strlcpy(vm->h.acc.host, host, sizeof(vm->h.acc.host));
    VLOG(&c->ctx->log, VMTP_LOG_INFO, "[%s] SSH IP: %s", vm->name, host);
    vmtp_remote_opts_init(&o);
    o.user = vm->h.acc.user;
    o.host = host;
    o.key_file = c->key_path;
    o.use_agent = false;
    o.use_default_keys = false;
    o.known_hosts = vm->known_hosts;
    o.accept_unknown_host_key = true; /* a fresh VM, a per-VM file */
    o.connect_attempts =
            cfg->ssh_retry_count > 0 ? (int)cfg->ssh_retry_count : 50;
    /* the executor outlives the worker: the run's flag and logger */
    o.cancel = &c->main->cancelled;
    o.log = &c->main->log;
    st = vmtp_remote_new(&o, &vm->h.ex, &c->ctx->err);
    if (st == VMTP_OK) {
        st = vmtp_run_deploy_tool(c->ctx, &vm->h,
                                  c->cfg->tp_tool != NULL ? c->cfg->tp_tool
                                                          : "nuttcp");
    }
    if (st == VMTP_OK) {
        vm->ready = true;
    } else if (st != VMTP_E_CANCELLED && st != VMTP_E_NOMEM) {
        VLOG(&c->ctx->log, VMTP_LOG_WARN, "[%s] not usable: %s", vm->name,
             c->ctx->err.msg);
        vm_fail(vm, c->ctx->err.msg);
        vmtp_error_clear(&c->ctx->err);
        st = VMTP_OK;
    }
    return st;
}

/*
 * Neutron adds a router interface at once, but its L3 agent wires it
 * later (seconds to tens of seconds on a loaded cloud): it plugs the qr-
 * port and gives it the gateway address first, and applies the router's
 * iptables at the end of its update. Until then the address-scope rules
 * (neutron-l3-agent-scope: packets in on an unmarked port are dropped on
 * the way out of the others) drop what the router should forward, though
 * the gateway already answers. The original made the interfaces before
 * booting the VMs, which hid the delay; here they are made while the VMs
 * boot, so a VM can be ready before the router forwards for it. SSH (to
 * the floating or fixed IPv4 address) proves the IPv4 path through the
 * router only. So, with IPv6 on two networks, each VM pings a VM of the
 * other network over IPv6 until it answers (bounded) before any flow.
 * A path that never answers is a warning: the flows across the router
 * then fail and say so.
 */
static const char path6_wait_script[] =
        "t0=$(date +%s); i=0; while [ $i -lt \"$2\" ]; do "
        "ping -6 -n -c 1 -W 1 \"$1\" >/dev/null 2>&1 && "
        "{ echo $(($(date +%s) - t0)); exit 0; }; "
        "i=$((i + 1)); sleep 1; done; exit 1";

static const struct cloud_vm *
peer6(const struct cloud *c, const struct cloud_vm *vm)
{
    for (size_t i = 0; i < c->nvms; i++) {
        const struct cloud_vm *p = &c->vms[i];

        if (p->net != vm->net && p->ready && p->ip6[0] != '\0') {
            return p;
        }
    }
    return NULL;
}

static enum vmtp_status
wait_router_paths6(struct cloud *c)
{
    long long tries =
            c->cfg->generic_retry_count > 0 ? c->cfg->generic_retry_count : 50;
    char ntries[32];
    enum vmtp_status st = VMTP_OK;

    (void)snprintf(ntries, sizeof(ntries), "%lld", tries);
    for (size_t i = 0; st == VMTP_OK && i < c->nvms; i++) {
        struct cloud_vm *vm = &c->vms[i];
        const struct cloud_vm *p = peer6(c, vm);
        struct vmtp_exec_result res = {0};

        if (p == NULL || !vm->ready || vm->ip6[0] == '\0' || vm->h.ex == NULL) {
            continue;
        }
        {
            const char *argv[] = {"sh",   "-c", path6_wait_script, "sh", p->ip6,
                                  ntries, NULL};

            st = vm->h.ex->ops->run(vm->h.ex, argv, (int)(tries * 3000 + 10000),
                                    &res, &c->ctx->err);
        }
        if (st == VMTP_OK && res.exit_status == 0) {
            if (res.out != NULL) {
                res.out[strcspn(res.out, "\n")] = '\0';
            }
            VLOG(&c->ctx->log, VMTP_LOG_INFO,
                 "[%s] %s answers across the router (after %s s)", vm->name,
                 p->ip6, res.out != NULL ? res.out : "?");
        } else if (st == VMTP_OK || st == VMTP_E_TIMEOUT || st == VMTP_E_SSH) {
            VLOG(&c->ctx->log, VMTP_LOG_WARN,
                 "[%s] %s does not answer across the router after %lld "
                 "pings: the IPv6 flows across it may fail",
                 vm->name, p->ip6, tries);
            vmtp_error_clear(&c->ctx->err);
            st = VMTP_OK;
        }
        vmtp_exec_result_release(&res);
    }
    return st;
}

/* ---- setup ------------------------------------------------------------ */

static enum vmtp_status
check_config(struct cloud *c)
{
    const struct vmtp_config *cfg = c->cfg;
    size_t want = c->reuse || cfg->same_network_only ? 1 : 2;

    if (!c->reuse &&
        (cfg->internal_network_name.n < want ||
         cfg->internal_subnet_name.n < want || cfg->internal_cidr.n < want)) {
        return vmtp_set_error(c->ctx, VMTP_E_INVAL,
                              "internal_network_name, internal_subnet_name "
                              "and internal_cidr need %zu entries each",
                              want);
    }
    if (!c->reuse && c->ipv6 &&
        (cfg->internal_subnet_name_v6.n < want ||
         cfg->internal_cidr_v6.n < want)) {
        return vmtp_set_error(c->ctx, VMTP_E_INVAL,
                              "ipv6_mode needs %zu entries in "
                              "internal_subnet_name_v6 and internal_cidr_v6",
                              want);
    }
    if (c->ctx->state_dir == NULL) {
        return vmtp_set_error(c->ctx, VMTP_E_INVAL,
                              "a cloud run needs a state directory for its "
                              "cleanup ledger");
    }
    return VMTP_OK;
}

static enum vmtp_status
make_run_dir(struct cloud *c)
{
    char eb[128];

    c->dir = fmt("%s/run-%s", c->ctx->state_dir, c->run_id);
    c->known_hosts = c->dir != NULL ? fmt("%s/known_hosts", c->dir) : NULL;
    if (c->known_hosts == NULL) {
        return nomem(c);
    }
    (void)mkdir(c->ctx->state_dir, 0700);
    if (mkdir(c->dir, 0700) != 0 && errno != EEXIST) {
        return vmtp_set_error(c->ctx, VMTP_E_SYS, "cannot create %s: %s",
                              c->dir, vx_strerror(errno, eb, sizeof(eb)));
    }
    return VMTP_OK;
}

static void
plan_vms(struct cloud *c)
{
    const struct vmtp_config *cfg = c->cfg;
    const char *sname =
            cfg->vm_name_server != NULL ? cfg->vm_name_server : "TestServer";
    const char *cname =
            cfg->vm_name_client != NULL ? cfg->vm_name_client : "TestClient";
    size_t first = 0;
    unsigned n = 1;

    (void)add_vm(c, sname, 1, 0, 0);
    if (c->nplacement > 1 && cfg->inter_node_only) {
        first = 1;
    } else if (cfg->inter_node_only) {
        VLOG(&c->ctx->log, VMTP_LOG_WARN,
             "--inter-node-only: only one host, measuring intra-node");
    }
    for (size_t p = first; p < c->nplacement; p++) {
        (void)add_vm(c, cname, n++, 0, p);
        if (c->nnets > 1) {
            (void)add_vm(c, cname, n++, 1, p);
        }
    }
}

/*
 * --os-dataplane-network (os_dataplane_network): the physical network
 * label whose interface the L2 agents map (§4.15). The original fed it to
 * a NIC probe that never ran; here each L2 agent on a compute host of the
 * run logs the device it maps for that label (else its tunnel IP, if
 * it has tunnels), and says so when no agent maps the label.
 */
/* The device that "physnet:dev,physnet:dev" maps to want, into dev. */
static bool
map_lookup(const char *m, const char *want, char *dev, size_t size)
{
    size_t wl = strlen(want);

    for (const char *p = m; p != NULL && *p != '\0';) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);

        if (len > wl && strncmp(p, want, wl) == 0 && p[wl] == ':') {
            (void)snprintf(dev, size, "%.*s", (int)(len - wl - 1), p + wl + 1);
            return true;
        }
        p = comma != NULL ? comma + 1 : NULL;
    }
    return false;
}

/* An L2 agent on one of the run's compute hosts? */
static bool
run_l2_agent(const struct cloud *c, const struct vmtp_os_agent *a)
{
    if (a->agent_type == NULL ||
        (strstr(a->agent_type, "Linux bridge") == NULL &&
         strstr(a->agent_type, "Open vSwitch") == NULL)) {
        return false;
    }
    for (size_t k = 0; k < c->nplacement; k++) {
        const char *h = strchr(c->placement[k], ':');

        if (h == NULL || vx_streq(h + 1, a->host)) {
            return true;
        }
    }
    return false;
}

static void
log_dataplane(const struct cloud *c, const struct vmtp_os_agent_list *al)
{
    const char *want = c->cfg->os_dataplane_network;
    bool any = false;

    if (want == NULL || want[0] == '\0') {
        return;
    }
    for (size_t i = 0; i < al->n; i++) {
        const struct vmtp_os_agent *a = &al->items[i];
        char dev[128] = "";

        if (!run_l2_agent(c, a)) {
            continue;
        }
        if (!map_lookup(a->mappings, want, dev, sizeof(dev)) &&
            a->tunneling_ip != NULL && a->tunnel_types != NULL) {
            (void)snprintf(dev, sizeof(dev), "tunnel %s (%s)", a->tunneling_ip,
                           a->tunnel_types);
        }
        if (dev[0] != '\0') {
            any = true;
            VLOG(&c->ctx->log, VMTP_LOG_INFO,
                 "data plane network %s on %s: %s (%s)", want,
                 a->host != NULL ? a->host : "?", dev, a->agent_type);
        }
    }
    if (!any) {
        /* informative only (the default physnet1 is often absent) */
        VLOG(&c->ctx->log, VMTP_LOG_INFO,
             "--os-dataplane-network %s: no L2 agent of the run's hosts "
             "maps it (interface or bridge mappings)",
             want);
    }
}

/* Phase 1 tasks: each fills fields that setup() copies back. */
static enum vmtp_status
task_base(struct cloud *wc, void *arg)
{
    struct vmtp_os_agent_list al = {0};
    enum vmtp_status st = create_keypair(wc);

    (void)arg;
    if (st == VMTP_OK) {
        st = find_image(wc);
    }
    if (st == VMTP_OK) {
        st = find_flavor(wc);
    }
    if (st == VMTP_OK) {
        if (vmtp_os_agents(wc->s, &al) == VMTP_OK) {
            const char *t = vmtp_os_l2_agent_type(&al);

            VLOG(&wc->ctx->log, VMTP_LOG_INFO, "OpenStack agent: %s", t);
            st = vmtp_results_set(wc->main->results, "l2agent_type", t);
            log_dataplane(wc, &al);
        } else {
            vmtp_error_clear(&wc->ctx->err); /* admin only: optional */
        }
        vmtp_os_agent_list_free(&al);
    }
    return st;
}

static enum vmtp_status
task_secgroup(struct cloud *wc, void *arg)
{
    (void)arg;
    return make_secgroup(wc);
}

static enum vmtp_status
task_router(struct cloud *wc, void *arg)
{
    enum vmtp_status st = find_ext_net(wc);

    (void)arg;
    if (st == VMTP_OK && wc->ext_net_id == NULL && !wc->cfg->no_floatingip) {
        st = vmtp_set_error(wc->ctx, VMTP_E_NOTFOUND,
                            "No external network found: floating IPs are "
                            "impossible (use --no-floatingip if the VMs' "
                            "fixed IPs are reachable)");
    }
    if (st == VMTP_OK) {
        st = make_router(wc);
    }
    return st;
}

static enum vmtp_status
task_network(struct cloud *wc, void *arg)
{
    const size_t *i = arg;
    struct vmtp_os_network nw = {0};
    enum vmtp_status st;

    if (!wc->reuse) {
        return make_network(wc, *i);
    }
    st = find_network(wc, wc->cfg->reuse_network_name, &nw);
    if (st == VMTP_E_NOTFOUND) {
        st = vmtp_set_error(wc->ctx, VMTP_E_NOTFOUND,
                            "Unable to find the network to be reused: %s",
                            wc->cfg->reuse_network_name);
    } else if (st == VMTP_OK) {
        st = take_network(wc, &wc->nets[0], &nw);
    }
    vmtp_os_network_release(&nw);
    return st;
}

/* One VM: port, boot, floating IP (once the router is up), SSH, tool. */
static enum vmtp_status
task_vm(struct cloud *wc, void *arg)
{
    struct cloud_vm *vm = arg;
    bool want_fip = !wc->reuse && !wc->cfg->no_floatingip;
    char fip_err[sizeof(vm->error)] = "";
    enum vmtp_status st = boot_vm(wc, vm);

    while (st == VMTP_OK && want_fip && vm->error[0] == '\0' &&
           atomic_load(wc->router_state) == 0) {
        if (vmtp_ctx_cancelled(wc->ctx)) {
            st = vmtp_set_error(wc->ctx, VMTP_E_CANCELLED, "cancelled");
        }
        vx_sleep_us(100000);
    }
    if (st == VMTP_OK && want_fip && vm->error[0] == '\0') {
        if (atomic_load(wc->router_state) != 1) {
            (void)vx_strlcpy(fip_err, "the router could not be set up",
                             sizeof(fip_err));
        } else {
            st = add_fip(wc, vm);
            if (st != VMTP_OK && st != VMTP_E_CANCELLED && st != VMTP_E_NOMEM &&
                st != VMTP_E_SYS) {
                /* its flows fail, the others go on; the ledger has it */
                (void)vx_strlcpy(fip_err, wc->ctx->err.msg, sizeof(fip_err));
                vmtp_error_clear(&wc->ctx->err);
                st = VMTP_OK;
            }
        }
    }
    if (st == VMTP_OK) {
        /* a VM that did not boot says so, whatever its floating IP did */
        st = wait_vm(wc, vm);
    }
    if (st == VMTP_OK && fip_err[0] != '\0' && vm->error[0] == '\0') {
        VLOG(&wc->ctx->log, VMTP_LOG_WARN, "[%s] no floating IP: %s", vm->name,
             fip_err);
        vm_fail(vm, fip_err);
    }
    if (st == VMTP_OK) {
        st = connect_vm(wc, vm);
    }
    return st;
}

static enum vmtp_status
setup(struct cloud *c)
{
    const struct vmtp_config *cfg = c->cfg;
    size_t idx[2] = {0, 1};
    cloud_task_fn *fns[CLOUD_MAX_VMS] = {task_base, task_secgroup, task_network,
                                         task_network};
    void *args[CLOUD_MAX_VMS] = {NULL, NULL, &idx[0], &idx[1]};
    size_t nnet = c->reuse || cfg->same_network_only ? 1 : 2;
    size_t n = 2 + nnet;
    enum vmtp_status st = make_run_dir(c);
    enum vmtp_status jst;

    if (st == VMTP_OK) {
        st = make_key(c);
    }
    if (st != VMTP_OK) {
        return st;
    }
    /* phase 1: keypair/image/flavor, security group, networks, router */
    if (!c->reuse) {
        fns[n] = task_router;
        args[n++] = NULL;
    }
    st = tasks_start(c, fns, args, n);
    jst = tasks_join(c, n);
    st = st != VMTP_OK ? st : jst;
    /* copy back what each task made (also on failure: it is freed later) */
    c->keypair = c->workers[0].wc.keypair;
    c->image_id = c->workers[0].wc.image_id;
    c->image_seq = c->workers[0].wc.image_seq;
    c->image_created = c->workers[0].wc.image_created;
    c->flavor_id = c->workers[0].wc.flavor_id;
    c->sg_id = c->workers[1].wc.sg_id;
    for (size_t i = 0; i < nnet; i++) {
        c->nets[i] = c->workers[2 + i].wc.nets[i];
    }
    c->nnets = nnet;
    if (!c->reuse) {
        c->ext_net_id = c->workers[n - 1].wc.ext_net_id;
        c->router_id = c->workers[n - 1].wc.router_id;
    }
    if (st == VMTP_OK && c->nets[0].network_type != NULL) {
        VLOG(&c->ctx->log, VMTP_LOG_INFO, "OpenStack network type: %s",
             c->nets[0].network_type);
        st = vmtp_results_set(c->ctx->results, "encapsulation",
                              c->nets[0].network_type);
    }
    if (st != VMTP_OK) {
        return st;
    }
    phase(c, "keypair, image, flavor, security group, networks, router "
             "ready");
    /* phase 2: every VM at once; the router interfaces meanwhile */
    plan_vms(c);
    for (size_t i = 0; i < c->nvms; i++) {
        fns[i] = task_vm;
        args[i] = &c->vms[i];
    }
    atomic_store(c->router_state, c->reuse ? 1 : 0);
    st = tasks_start(c, fns, args, c->nvms);
    if (!c->reuse) {
        enum vmtp_status rst = VMTP_OK;

        for (size_t i = 0; i < c->nnets && rst == VMTP_OK; i++) {
            rst = add_interface(c, c->nets[i].subnet_id);
            if (rst == VMTP_OK && c->ipv6 && c->nets[i].subnet6_id != NULL) {
                rst = add_interface(c, c->nets[i].subnet6_id);
            }
        }
        atomic_store(c->router_state, rst == VMTP_OK ? 1 : 2);
        phase(c, "router interfaces ready");
        st = st != VMTP_OK ? st : rst;
    }
    jst = tasks_join(c, c->nvms);
    phase(c, "VMs reachable, tool deployed");
    st = st != VMTP_OK ? st : jst;
    if (st == VMTP_OK && c->ipv6 && c->router_id != NULL && c->nnets > 1) {
        st = wait_router_paths6(c);
        phase(c, "IPv6 paths across the router answer");
    }
    return st;
}

/* ---- flows (§4.13) ---------------------------------------------------- */

static enum vmtp_status
set_flow_str(struct cloud *c, char **field, const char *value)
{
    char *copy = value != NULL ? vx_strdup(value) : NULL;

    if (value != NULL && copy == NULL) {
        return nomem(c);
    }
    free(*field);
    *field = copy;
    return VMTP_OK;
}

static void
label(const struct cloud *c,
      const struct cloud_vm *cli,
      const char *base,
      char *out,
      size_t size)
{
    const char *where = "";

    if (strchr(cli->az, ':') != NULL) {
        where = strcmp(cli->az, c->vms[0].az) == 0 ? " (intra-node)"
                                                   : " (inter-node)";
    }
    (void)snprintf(out, size, "%s%s", base, where);
}

/* A flow that could not run because a VM is missing. */
static enum vmtp_status
failed_flow(struct cloud *c, const char *desc, const char *why, bool *failed)
{
    struct vmtp_flow *f = vmtp_results_add_flow(c->ctx->results);
    char msg[700];

    if (f == NULL) {
        return nomem(c);
    }
    (void)snprintf(msg, sizeof(msg), "error: VM cannot be spawned. %s", why);
    *failed = true;
    if (c->cfg->stop_on_error) {
        c->stopped = true; /* the VM that failed is kept for inspection */
    }
    VLOG(&c->ctx->log, VMTP_LOG_WARN, "%s: %s", desc, msg);
    if (set_flow_str(c, &f->desc, desc) != VMTP_OK ||
        set_flow_str(c, &f->error, msg) != VMTP_OK) {
        return nomem(c);
    }
    return VMTP_OK;
}

static enum vmtp_status
vm_flow(struct cloud *c,
        const struct run_plan *p,
        struct cloud_vm *cli,
        const char *base,
        const char *target,
        bool *failed)
{
    struct cloud_vm *srv = &c->vms[0];
    struct vmtp_flow *f;
    char desc[160];
    bool this_failed = false;
    enum vmtp_status st;

    label(c, cli, base, desc, sizeof(desc));
    if (!srv->ready || !cli->ready) {
        return failed_flow(c, desc, !srv->ready ? srv->error : cli->error,
                           failed);
    }
    st = vmtp_run_flow(c->ctx, p, &srv->h, target, &cli->h, desc, false,
                       &this_failed);
    if (c->ctx->results->n_flows > 0) {
        f = &c->ctx->results->flows[c->ctx->results->n_flows - 1];
        if (set_flow_str(c, &f->az_from, cli->az) != VMTP_OK ||
            set_flow_str(c, &f->az_to, srv->az) != VMTP_OK ||
            set_flow_str(c, &f->ip_from,
                         strchr(target, ':') != NULL ? cli->ip6 : cli->ip4) !=
                    VMTP_OK) {
            return nomem(c);
        }
    }
    if (c->cfg->keep_first_flow_and_exit && st == VMTP_OK) {
        c->stopped = c->kept = true;
    }
    if (this_failed) {
        *failed = true;
        if (c->cfg->stop_on_error && st == VMTP_OK) {
            c->stopped = true;
        }
    }
    return st;
}

/* Stop the client's processes and let Nova delete it while we go on. */
static void
release_client(struct cloud *c, struct cloud_vm *vm)
{
    vmtp_run_disconnect(&vm->h);
    if (vm->server_id != NULL && !vm->deleting && !c->stopped) {
        vm->deleting = vmtp_os_server_delete(c->s, vm->server_id) == VMTP_OK;
        vmtp_error_clear(&c->ctx->err);
    }
}

static enum vmtp_status
external_flow(struct cloud *c, const struct run_plan *p, bool *failed)
{
    struct cloud_vm *srv = &c->vms[0];
    struct run_host h;
    const char *errstr = NULL;
    struct vmtp_remote_opts o;
    const char *target = srv->fip_addr != NULL ? srv->fip_addr : srv->ip4;
    struct vmtp_flow *f;
    enum vmtp_status st;

    if (!srv->ready) {
        return failed_flow(c, "External-VM", srv->error, failed);
    }
    memset(&h, 0, sizeof(h));
    if (vx_parse_access(c->cfg->ext_host, false, &h.acc, &errstr) != 0) {
        return vmtp_set_error(c->ctx, VMTP_E_INVAL, "--external-host: %s",
                              errstr);
    }
    vmtp_remote_opts_init(&o);
    o.user = h.acc.user;
    o.host = h.acc.host;
    o.password = h.acc.has_password && h.acc.password[0] != '\0'
                         ? h.acc.password
                         : NULL;
    o.key_file = c->cfg->private_key_file;
    o.known_hosts = c->cfg->known_hosts_file;
    o.accept_unknown_host_key = c->cfg->accept_unknown_host_keys;
    o.connect_attempts = 3;
    o.cancel = &c->ctx->cancelled;
    o.log = &c->ctx->log;
    st = vmtp_remote_new(&o, &h.ex, &c->ctx->err);
    if (st == VMTP_OK) {
        st = vmtp_run_deploy_tool(c->ctx, &h, p->tool_name);
    }
    if (st == VMTP_OK) {
        st = vmtp_run_flow(c->ctx, p, &srv->h, target, &h, "External-VM", true,
                           failed);
    } else if (st != VMTP_E_CANCELLED && st != VMTP_E_NOMEM) {
        /* an external host out of reach fails its flow, not the run (the
         * VMs are still torn down, the other flows reported) */
        char why[sizeof(c->ctx->err.msg)];

        (void)vx_strlcpy(why, c->ctx->err.msg, sizeof(why));
        vmtp_error_clear(&c->ctx->err);
        st = VMTP_OK;
        f = vmtp_results_add_flow(c->ctx->results);
        if (f == NULL || set_flow_str(c, &f->desc, "External-VM") != VMTP_OK ||
            set_flow_str(c, &f->error, why) != VMTP_OK) {
            st = nomem(c);
        }
        *failed = true;
        VLOG(&c->ctx->log, VMTP_LOG_WARN, "External-VM: %s", why);
    }
    vmtp_run_disconnect(&h);
    return st;
}

static enum vmtp_status
measure(struct cloud *c, const struct run_plan *p, bool *failed)
{
    const struct vmtp_config *cfg = c->cfg;
    struct cloud_vm *srv = &c->vms[0];
    const char *srv_ip = c->ipv6 && srv->ip6[0] != '\0' ? srv->ip6 : srv->ip4;
    enum vmtp_status st = VMTP_OK;

    for (size_t i = 1; i < c->nvms && st == VMTP_OK && !c->stopped; i++) {
        struct cloud_vm *cli = &c->vms[i];

        if (cli->net == &c->nets[0]) {
            st = vm_flow(c, p, cli, "VM to VM same network fixed IP", srv_ip,
                         failed);
        } else {
            st = vm_flow(c, p, cli, "VM to VM different network fixed IP",
                         srv_ip, failed);
            if (st == VMTP_OK && !c->stopped && !cfg->no_floatingip) {
                st = vm_flow(
                        c, p, cli, "VM to VM different network floating IP",
                        srv->fip_addr != NULL ? srv->fip_addr : srv_ip, failed);
            }
        }
        release_client(c, cli);
    }
    if (st == VMTP_OK && !c->stopped && cfg->ext_host != NULL) {
        st = external_flow(c, p, failed);
    }
    return st;
}

/* ---- teardown (§4.17, §14.39) ----------------------------------------- */

/*
 * One VM whose server DELETE was sent: its floating IP at once (that does
 * not need the server gone, and Nova takes seconds to delete it), then the
 * wait for the server, then its port (the ledger does the rest).
 */
static enum vmtp_status
task_vm_delete(struct cloud *wc, void *arg)
{
    struct cloud_vm *vm = arg;
    enum vmtp_status st;

    if (vm->fip_id != NULL) {
        st = vmtp_os_fip_delete(wc->s, vm->fip_id);
        if (st == VMTP_OK || st == VMTP_E_NOTFOUND) {
            gone(wc, vm->fip_seq);
        }
    }
    if (vm->deleting) {
        st = vmtp_os_server_wait_gone(wc->s, vm->server_id,
                                      CLOUD_GONE_TIMEOUT_MS);
        if (st == VMTP_OK || st == VMTP_E_NOTFOUND) {
            gone(wc, vm->server_seq);
        }
    }
    if (vm->port_id != NULL) {
        st = vmtp_os_port_delete(wc->s, vm->port_id);
        if (st == VMTP_OK || st == VMTP_E_NOTFOUND) {
            gone(wc, vm->port_seq);
        }
    }
    return VMTP_OK; /* what is left stays in the ledger */
}

static enum vmtp_status
teardown(struct cloud *c, size_t *left)
{
    cloud_task_fn *fns[CLOUD_MAX_VMS] = {task_vm_delete, task_vm_delete,
                                         task_vm_delete, task_vm_delete,
                                         task_vm_delete};
    void *args[CLOUD_MAX_VMS] = {NULL};
    enum vmtp_status st;

    VLOG(&c->ctx->log, VMTP_LOG_INFO, "Cleaning up...");
    for (size_t i = 0; i < c->nvms; i++) {
        vmtp_run_disconnect(&c->vms[i].h);
    }
    /* every server at once; then each VM's floating IP, wait and port */
    for (size_t i = 0; i < c->nvms; i++) {
        struct cloud_vm *vm = &c->vms[i];

        if (vm->server_id != NULL && !vm->deleting) {
            st = vmtp_os_server_delete(c->s, vm->server_id);
            vm->deleting = st == VMTP_OK || st == VMTP_E_NOTFOUND;
        }
        args[i] = vm;
    }
    (void)tasks_start(c, fns, args, c->nvms);
    (void)tasks_join(c, c->nvms);
    if (!vmtp_ctx_cancelled(c->ctx)) {
        phase(c, "servers, floating IPs and ports deleted");
    }
    vmtp_error_clear(&c->ctx->err);
    if (c->image_created && !c->cfg->delete_image_after_run) {
        /* kept on purpose: hand it over to the user */
        (void)vmtp_ledger_gone(c->l, c->image_seq);
    }
    vmtp_ledger_close(c->l);
    c->l = NULL;
    /* the rest (and anything recorded by name only) in dependency order */
    return vmtp_ledger_cleanup(c->s, c->ctx->state_dir, c->run_id, left);
}

static void
remove_run_dir(struct cloud *c)
{
    if (c->dir == NULL) {
        return;
    }
    if (c->key_path != NULL && c->cfg->private_key_file == NULL) {
        (void)unlink(c->key_path);
    }
    (void)unlink(c->known_hosts);
    for (size_t i = 0; i < c->nvms; i++) {
        (void)unlink(c->vms[i].known_hosts);
    }
    (void)rmdir(c->dir);
}

static void
cloud_release(struct cloud *c)
{
    for (size_t i = 0; i < c->nvms; i++) {
        struct cloud_vm *vm = &c->vms[i];

        vmtp_run_disconnect(&vm->h);
        free(vm->port_id);
        free(vm->server_id);
        free(vm->fip_id);
        free(vm->fip_addr);
    }
    for (size_t i = 0; i < 2; i++) {
        free(c->nets[i].id);
        free(c->nets[i].name);
        free(c->nets[i].subnet_id);
        free(c->nets[i].subnet6_id);
        free(c->nets[i].network_type);
    }
    vmtp_ledger_close(c->l);
    c->l = NULL;
    workers_free(c->workers, CLOUD_MAX_VMS);
    free(c->dir);
    free(c->key_path);
    free(c->known_hosts);
    free(c->pubkey);
    free(c->keypair);
    free(c->image_id);
    free(c->flavor_id);
    free(c->sg_id);
    free(c->ext_net_id);
    free(c->router_id);
}

/*
 * The run's own ledger. The run id is the original's md5(args, date,
 * version): the same command started twice in one second gets the same
 * id. A taken id is salted (md5 of "<id>#<n>") until one is free, so two
 * runs never share a ledger or a resource tag.
 */
static enum vmtp_status
open_new_ledger(struct cloud *c)
{
    struct vmtp_ctx *ctx = c->ctx;
    char base[16];
    char salted[40];
    char hex[33];
    enum vmtp_status st;

    (void)vx_strlcpy(base, c->run_id, sizeof(base));
    for (unsigned n = 1;; n++) {
        st = vmtp_ledger_create(ctx, ctx->state_dir, c->run_id, &c->l);
        if (st != VMTP_E_SYS || ctx->err.sys_errno != EEXIST || n > 16) {
            return st;
        }
        VLOG(&ctx->log, VMTP_LOG_INFO, "%s", ctx->err.msg);
        vmtp_error_clear(&ctx->err);
        (void)snprintf(salted, sizeof(salted), "%s#%u", base, n);
        vmtp_md5_hex(salted, strlen(salted), hex);
        hex[7] = '\0';
        st = vmtp_results_set(ctx->results, "run_id", hex);
        if (st != VMTP_OK) {
            return nomem(c);
        }
        c->run_id = ctx->results->run_id;
        VLOG(&ctx->log, VMTP_LOG_INFO, "run id is now %s", c->run_id);
    }
}

/* Everything before the first create call: config, session, placement,
 * the ledger. */
static enum vmtp_status
cloud_begin(struct cloud *c)
{
    struct vmtp_ctx *ctx = c->ctx;
    enum vmtp_status st = check_config(c);

    if (st == VMTP_OK) {
        st = vmtp_os_ctx_session(ctx, &c->s);
    }
    if (st == VMTP_OK) {
        st = vmtp_results_set(ctx->results, "auth_url", ctx->creds.auth_url);
    }
    if (st == VMTP_OK) {
        st = choose_placement(c); /* before anything is created */
    }
    if (st == VMTP_OK) {
        st = open_new_ledger(c);
    }
    return st;
}

/* --stop-on-error or --keep-first-flow-and-exit: keep every resource, leave
 * the ledger open-ended (not done) and say how to remove them. */
static enum vmtp_status
stop_and_keep(struct cloud *c, enum vmtp_status st)
{
    struct vmtp_ctx *ctx = c->ctx;

    VLOG(&ctx->log, VMTP_LOG_WARN,
         "Stopping execution %s, cleanup all VMs/networks with: "
         "vmtp --cleanup %s",
         c->kept ? "after the first flow" : "on error", c->run_id);
    for (size_t i = 0; i < c->nvms; i++) {
        vmtp_run_disconnect(&c->vms[i].h);
    }
    if (c->image_created && !c->cfg->delete_image_after_run && c->l != NULL) {
        /* as in teardown(): the uploaded image is the user's; the later
         * --cleanup must not delete it */
        (void)vmtp_ledger_gone(c->l, c->image_seq);
    }
    cloud_release(c);
    if (st == VMTP_OK && !c->kept) {
        st = vmtp_set_error(ctx, VMTP_E_MEASURE,
                            "stopped on error (--stop-on-error): the "
                            "cloud resources are kept; remove them with "
                            "'vmtp --cleanup %s'",
                            c->run_id);
    }
    return st;
}

/*
 * The teardown runs even after a signal: lift the cancel flag meanwhile
 * (the HTTP layer refuses calls while it is set) and set it again after.
 * The first signal always means "tear down": when it arrives during a
 * teardown that no signal started (the run had ended), the teardown is
 * finished from the ledger; a second signal stops it (vmtp(1)).
 */
static enum vmtp_status
teardown_despite_cancel(struct cloud *c, size_t *left)
{
    struct vmtp_ctx *ctx = c->ctx;
    int was_cancelled = atomic_exchange(&ctx->cancelled, 0);
    enum vmtp_status tst = teardown(c, left);

    if (was_cancelled == 0 && atomic_exchange(&ctx->cancelled, 0) != 0) {
        VLOG(&ctx->log, VMTP_LOG_INFO,
             "signal during the teardown: finishing it (a second signal "
             "stops it)");
        vmtp_error_clear(&ctx->err);
        was_cancelled = 1;
        tst = vmtp_ledger_cleanup(c->s, ctx->state_dir, c->run_id, left);
    }
    if (atomic_load(&ctx->cancelled) != 0) {
        was_cancelled = 1;
    }
    if (was_cancelled != 0) {
        atomic_store(&ctx->cancelled, 1);
    }
    return tst;
}

/* The run's status: the first error of the run, else the teardown's. */
static enum vmtp_status
run_status(struct cloud *c,
           enum vmtp_status st,
           const struct vmtp_error *first,
           enum vmtp_status tst,
           size_t left)
{
    struct vmtp_ctx *ctx = c->ctx;

    if (st != VMTP_OK) {
        ctx->err = *first;
        if (st == VMTP_E_CANCELLED && ctx->err.code != VMTP_E_CANCELLED) {
            st = vmtp_set_error(ctx, VMTP_E_CANCELLED, "run cancelled");
        }
    }
    if (tst != VMTP_OK || left > 0) {
        VLOG(&ctx->log, VMTP_LOG_ERROR,
             "teardown left %zu resources (%s): run 'vmtp --cleanup %s'", left,
             ctx->err.msg, c->run_id);
        if (st == VMTP_OK) {
            st = vmtp_set_error(ctx, tst != VMTP_OK ? tst : VMTP_E_HTTP,
                                "teardown left %zu resources: run 'vmtp "
                                "--cleanup %s'",
                                left, c->run_id);
        }
    }
    return st;
}

static enum vmtp_status
cloud_run(struct vmtp_ctx *ctx, const struct run_plan *p, bool *failed);

/*
 * Every error that ends a cloud run comes from the cloud's API (SSH
 * failures of VMs and of the external host are flow errors): an API that
 * cannot be reached or does not answer in time is a cloud error too
 * (vmtp(1): exit 3), not an SSH one.
 */
enum vmtp_status
vmtp_cloud_run(struct vmtp_ctx *ctx, const struct run_plan *p, bool *failed)
{
    enum vmtp_status st = cloud_run(ctx, p, failed);

    if (st == VMTP_E_CONNECT || st == VMTP_E_RESOLVE || st == VMTP_E_TIMEOUT) {
        ctx->err.code = VMTP_E_HTTP;
        st = VMTP_E_HTTP;
    }
    return st;
}

static enum vmtp_status
cloud_run(struct vmtp_ctx *ctx, const struct run_plan *p, bool *failed)
{
    struct cloud c;
    struct cloud_worker workers[CLOUD_MAX_VMS];
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    atomic_int router_state = 0;
    struct vmtp_error first;
    uint64_t t0 = vx_now_us();
    uint64_t t_setup = 0;
    uint64_t t_measure = 0;
    size_t left = 0;
    enum vmtp_status st;
    enum vmtp_status tst;

    memset(&c, 0, sizeof(c));
    memset(workers, 0, sizeof(workers));
    c.ctx = ctx;
    c.main = ctx;
    c.lock = &lock;
    c.router_state = &router_state;
    c.workers = workers;
    c.cfg = &ctx->cfg;
    c.t0_us = t0;
    c.run_id = ctx->results->run_id;
    c.reuse = ctx->cfg.reuse_network_name != NULL &&
              ctx->cfg.reuse_network_name[0] != '\0';
    c.ipv6 = ctx->cfg.ipv6_mode != NULL && !c.reuse;
    st = cloud_begin(&c);
    if (st != VMTP_OK) {
        cloud_release(&c);
        return st;
    }
    VLOG(&ctx->log, VMTP_LOG_INFO,
         "cloud run %s: ledger in %s/ledger (vmtp --cleanup %s removes what "
         "a killed run leaves)",
         c.run_id, ctx->state_dir, c.run_id);
    st = setup(&c);
    t_setup = vx_now_us();
    if (st == VMTP_OK) {
        st = measure(&c, p, failed);
    }
    t_measure = vx_now_us();
    first = ctx->err;
    if (c.stopped ||
        (st != VMTP_OK && st != VMTP_E_CANCELLED && ctx->cfg.stop_on_error)) {
        return stop_and_keep(&c, st);
    }
    tst = teardown_despite_cancel(&c, &left);
    remove_run_dir(&c);
    VLOG(&ctx->log, VMTP_LOG_INFO,
         "cloud run %s: setup %.1f s, measurement %.1f s, teardown %.1f s",
         c.run_id, (double)(t_setup - t0) / 1e6,
         (double)(t_measure - t_setup) / 1e6,
         (double)(vx_now_us() - t_measure) / 1e6);
    cloud_release(&c);
    return run_status(&c, st, &first, tst, left);
}
