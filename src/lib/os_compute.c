/* \summary: Nova client: hosts, zones, flavors, keypairs, servers */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "os_api.h"
#include "os_common.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_str.h"
#include "vx_time.h"

#define PARSE_STR(jv, key, req, dst) \
    (st == VMTP_OK ? (st = vmtp_jv_dup((jv), (key), (req), (dst), err)) : st)

/* ---- readers ---------------------------------------------------------- */

static void
hypervisor_release(void *p)
{
    struct vmtp_os_hypervisor *h = p;

    VX_FREE(h->hostname);
    VX_FREE(h->state);
    VX_FREE(h->status);
}

static enum vmtp_status
hypervisor_one(const struct vmtp_jv *el, void *p, struct vmtp_error *err)
{
    struct vmtp_os_hypervisor *h = p;
    enum vmtp_status st = VMTP_OK;

    PARSE_STR(el, "hypervisor_hostname", true, &h->hostname);
    PARSE_STR(el, "state", false, &h->state);
    PARSE_STR(el, "status", false, &h->status);
    return st;
}

enum vmtp_status
vmtp_os_hypervisors_from_json(const struct vmtp_jv *root,
                              struct vmtp_os_hypervisor_list *out,
                              struct vmtp_error *err)
{
    return vmtp_os_parse_array(root, "hypervisors", sizeof(*out->items),
                               hypervisor_one, hypervisor_release,
                               (void **)&out->items, &out->n, err);
}

void
vmtp_os_hypervisor_list_free(struct vmtp_os_hypervisor_list *l)
{
    vmtp_os_free_array(l->items, l->n, sizeof(*l->items), hypervisor_release);
    l->items = NULL;
    l->n = 0;
}

static void
service_release(void *p)
{
    struct vmtp_os_service *v = p;

    VX_FREE(v->binary);
    VX_FREE(v->host);
    VX_FREE(v->zone);
    VX_FREE(v->state);
    VX_FREE(v->status);
}

static enum vmtp_status
service_one(const struct vmtp_jv *el, void *p, struct vmtp_error *err)
{
    struct vmtp_os_service *v = p;
    enum vmtp_status st = VMTP_OK;

    PARSE_STR(el, "binary", true, &v->binary);
    PARSE_STR(el, "host", true, &v->host);
    PARSE_STR(el, "zone", false, &v->zone);
    PARSE_STR(el, "state", false, &v->state);
    PARSE_STR(el, "status", false, &v->status);
    return st;
}

enum vmtp_status
vmtp_os_services_from_json(const struct vmtp_jv *root,
                           struct vmtp_os_service_list *out,
                           struct vmtp_error *err)
{
    return vmtp_os_parse_array(root, "services", sizeof(*out->items),
                               service_one, service_release,
                               (void **)&out->items, &out->n, err);
}

void
vmtp_os_service_list_free(struct vmtp_os_service_list *l)
{
    vmtp_os_free_array(l->items, l->n, sizeof(*l->items), service_release);
    l->items = NULL;
    l->n = 0;
}

static void
az_release(void *p)
{
    struct vmtp_os_az *z = p;

    VX_FREE(z->name);
    vmtp_os_strv_free(z->hosts, z->nhosts);
    z->hosts = NULL;
    z->nhosts = 0;
}

static enum vmtp_status
az_one(const struct vmtp_jv *el, void *p, struct vmtp_error *err)
{
    struct vmtp_os_az *z = p;
    struct vmtp_jv state;
    struct vmtp_jv hosts;
    bool found = false;
    enum vmtp_status st = VMTP_OK;

    PARSE_STR(el, "zoneName", true, &z->name);
    if (st == VMTP_OK) {
        st = vmtp_jv_object_opt(el, "zoneState", &state, &found, err);
    }
    if (st == VMTP_OK && found) {
        st = vmtp_jv_bool_opt(&state, "available", false, &z->available, err);
    }
    if (st == VMTP_OK) {
        st = vmtp_jv_object_opt(el, "hosts", &hosts, &found, err);
    }
    if (st == VMTP_OK && found && vmtp_jv_size(&hosts) > 0) {
        size_t n = vmtp_jv_size(&hosts);
        const char *key;
        struct vmtp_jv v;

        z->hosts = vx_calloc(n, sizeof(*z->hosts));
        if (z->hosts == NULL) {
            return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        }
        for (size_t i = 0; i < n && vmtp_jv_iter(&hosts, i, &key, &v); i++) {
            z->hosts[i] = vx_strdup(key);
            if (z->hosts[i] == NULL) {
                return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
            }
            z->nhosts = i + 1;
        }
    }
    return st;
}

enum vmtp_status
vmtp_os_azs_from_json(const struct vmtp_jv *root,
                      struct vmtp_os_az_list *out,
                      struct vmtp_error *err)
{
    return vmtp_os_parse_array(root, "availabilityZoneInfo",
                               sizeof(*out->items), az_one, az_release,
                               (void **)&out->items, &out->n, err);
}

void
vmtp_os_az_list_free(struct vmtp_os_az_list *l)
{
    vmtp_os_free_array(l->items, l->n, sizeof(*l->items), az_release);
    l->items = NULL;
    l->n = 0;
}

void
vmtp_os_flavor_release(struct vmtp_os_flavor *f)
{
    VX_FREE(f->id);
    VX_FREE(f->name);
}

static void
flavor_release(void *p)
{
    vmtp_os_flavor_release(p);
}

static enum vmtp_status
flavor_one(const struct vmtp_jv *el, void *p, struct vmtp_error *err)
{
    struct vmtp_os_flavor *f = p;
    enum vmtp_status st = VMTP_OK;

    PARSE_STR(el, "id", true, &f->id);
    PARSE_STR(el, "name", true, &f->name);
    if (st == VMTP_OK) {
        st = vmtp_jv_int_opt(el, "vcpus", 0, &f->vcpus, err);
    }
    if (st == VMTP_OK) {
        st = vmtp_jv_int_opt(el, "ram", 0, &f->ram_mb, err);
    }
    if (st == VMTP_OK) {
        st = vmtp_jv_int_opt(el, "disk", 0, &f->disk_gb, err);
    }
    return st;
}

enum vmtp_status
vmtp_os_flavors_from_json(const struct vmtp_jv *root,
                          struct vmtp_os_flavor_list *out,
                          struct vmtp_error *err)
{
    return vmtp_os_parse_array(root, "flavors", sizeof(*out->items), flavor_one,
                               flavor_release, (void **)&out->items, &out->n,
                               err);
}

void
vmtp_os_flavor_list_free(struct vmtp_os_flavor_list *l)
{
    vmtp_os_free_array(l->items, l->n, sizeof(*l->items), flavor_release);
    l->items = NULL;
    l->n = 0;
}

static void
keypair_release(void *p)
{
    struct vmtp_os_keypair *k = p;

    VX_FREE(k->name);
    VX_FREE(k->fingerprint);
}

static enum vmtp_status
keypair_one(const struct vmtp_jv *el, void *p, struct vmtp_error *err)
{
    struct vmtp_os_keypair *k = p;
    struct vmtp_jv kp;
    enum vmtp_status st = vmtp_jv_object(el, "keypair", &kp, err);

    PARSE_STR(&kp, "name", true, &k->name);
    PARSE_STR(&kp, "fingerprint", false, &k->fingerprint);
    return st;
}

enum vmtp_status
vmtp_os_keypairs_from_json(const struct vmtp_jv *root,
                           struct vmtp_os_keypair_list *out,
                           struct vmtp_error *err)
{
    return vmtp_os_parse_array(root, "keypairs", sizeof(*out->items),
                               keypair_one, keypair_release,
                               (void **)&out->items, &out->n, err);
}

void
vmtp_os_keypair_list_free(struct vmtp_os_keypair_list *l)
{
    vmtp_os_free_array(l->items, l->n, sizeof(*l->items), keypair_release);
    l->items = NULL;
    l->n = 0;
}

void
vmtp_os_server_release(struct vmtp_os_server *sv)
{
    VX_FREE(sv->id);
    VX_FREE(sv->name);
    VX_FREE(sv->status);
    VX_FREE(sv->host);
    VX_FREE(sv->az);
    VX_FREE(sv->fault);
    VX_FREE(sv->key_name);
    for (size_t i = 0; i < sv->naddrs; i++) {
        free(sv->addrs[i].network);
        free(sv->addrs[i].addr);
        free(sv->addrs[i].type);
    }
    VX_FREE(sv->addrs);
    sv->naddrs = 0;
}

static enum vmtp_status
server_addresses(const struct vmtp_jv *addrs,
                 struct vmtp_os_server *sv,
                 struct vmtp_error *err)
{
    size_t total = 0;
    const char *net;
    struct vmtp_jv list;
    enum vmtp_status st = VMTP_OK;

    for (size_t i = 0; vmtp_jv_iter(addrs, i, &net, &list); i++) {
        total += vmtp_jv_size(&list);
    }
    if (total == 0) {
        return VMTP_OK;
    }
    sv->addrs = vx_calloc(total, sizeof(*sv->addrs));
    if (sv->addrs == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; st == VMTP_OK && vmtp_jv_iter(addrs, i, &net, &list);
         i++) {
        size_t n = vmtp_jv_size(&list);

        if (vmtp_jv_size(&list) > 0 && vmtp_jv_has(&list, "addr")) {
            n = 0; /* an object, not an array: malformed */
        }
        for (size_t k = 0; st == VMTP_OK && k < n && sv->naddrs < total; k++) {
            struct vmtp_os_address *a = &sv->addrs[sv->naddrs];
            struct vmtp_jv el;
            int64_t ver = 4;

            st = vmtp_jv_index(&list, k, &el, err);
            if (st != VMTP_OK) {
                break;
            }
            sv->naddrs++;
            a->network = vx_strdup(net);
            if (a->network == NULL) {
                return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
            }
            PARSE_STR(&el, "addr", true, &a->addr);
            PARSE_STR(&el, "OS-EXT-IPS:type", false, &a->type);
            if (st == VMTP_OK) {
                st = vmtp_jv_int_opt(&el, "version", 4, &ver, err);
            }
            a->version = ver == 6 ? 6 : 4;
        }
    }
    return st;
}

enum vmtp_status
vmtp_os_server_from_json(const struct vmtp_jv *server,
                         struct vmtp_os_server *sv,
                         struct vmtp_error *err)
{
    struct vmtp_jv sub;
    bool found = false;
    enum vmtp_status st = VMTP_OK;

    memset(sv, 0, sizeof(*sv));
    PARSE_STR(server, "id", true, &sv->id);
    PARSE_STR(server, "name", false, &sv->name);
    PARSE_STR(server, "status", false, &sv->status);
    PARSE_STR(server, "OS-EXT-SRV-ATTR:host", false, &sv->host);
    PARSE_STR(server, "OS-EXT-AZ:availability_zone", false, &sv->az);
    PARSE_STR(server, "key_name", false, &sv->key_name);
    if (st == VMTP_OK) {
        st = vmtp_jv_object_opt(server, "fault", &sub, &found, err);
    }
    if (st == VMTP_OK && found) {
        PARSE_STR(&sub, "message", false, &sv->fault);
    }
    if (st == VMTP_OK) {
        st = vmtp_jv_object_opt(server, "addresses", &sub, &found, err);
    }
    if (st == VMTP_OK && found) {
        st = server_addresses(&sub, sv, err);
    }
    return st;
}

static void
server_release(void *p)
{
    vmtp_os_server_release(p);
}

static enum vmtp_status
server_one(const struct vmtp_jv *el, void *p, struct vmtp_error *err)
{
    return vmtp_os_server_from_json(el, p, err);
}

enum vmtp_status
vmtp_os_servers_from_json(const struct vmtp_jv *root,
                          struct vmtp_os_server_list *out,
                          struct vmtp_error *err)
{
    return vmtp_os_parse_array(root, "servers", sizeof(*out->items), server_one,
                               server_release, (void **)&out->items, &out->n,
                               err);
}

void
vmtp_os_server_list_free(struct vmtp_os_server_list *l)
{
    vmtp_os_free_array(l->items, l->n, sizeof(*l->items), server_release);
    l->items = NULL;
    l->n = 0;
}

/* ---- requests ------------------------------------------------------- */

enum vmtp_status
vmtp_os_hypervisors(struct vmtp_os_session *s,
                    struct vmtp_os_hypervisor_list *out)
{
    return vmtp_os_get_list(s, VMTP_OS_COMPUTE, "/os-hypervisors/detail",
                            "hypervisors", sizeof(*out->items), hypervisor_one,
                            hypervisor_release, (void **)&out->items, &out->n);
}

enum vmtp_status
vmtp_os_services(struct vmtp_os_session *s, struct vmtp_os_service_list *out)
{
    return vmtp_os_get_list(s, VMTP_OS_COMPUTE, "/os-services", "services",
                            sizeof(*out->items), service_one, service_release,
                            (void **)&out->items, &out->n);
}

enum vmtp_status
vmtp_os_azs(struct vmtp_os_session *s, struct vmtp_os_az_list *out)
{
    return vmtp_os_get_list(s, VMTP_OS_COMPUTE, "/os-availability-zone/detail",
                            "availabilityZoneInfo", sizeof(*out->items), az_one,
                            az_release, (void **)&out->items, &out->n);
}

enum vmtp_status
vmtp_os_flavors(struct vmtp_os_session *s, struct vmtp_os_flavor_list *out)
{
    return vmtp_os_get_list(s, VMTP_OS_COMPUTE,
                            "/flavors/detail?is_public=None", "flavors",
                            sizeof(*out->items), flavor_one, flavor_release,
                            (void **)&out->items, &out->n);
}

enum vmtp_status
vmtp_os_flavor_find(struct vmtp_os_session *s,
                    const char *name,
                    struct vmtp_os_flavor *out)
{
    struct vmtp_os_flavor_list l = {0};
    enum vmtp_status st = vmtp_os_flavors(s, &l);

    memset(out, 0, sizeof(*out));
    if (st != VMTP_OK) {
        return st;
    }
    st = vmtp_set_error(s->ctx, VMTP_E_NOTFOUND, "cannot find flavor '%s'",
                        name);
    for (size_t i = 0; i < l.n; i++) {
        if (vx_streq(l.items[i].name, name)) {
            *out = l.items[i];
            memset(&l.items[i], 0, sizeof(l.items[i]));
            st = VMTP_OK;
            vmtp_error_clear(&s->ctx->err);
            break;
        }
    }
    vmtp_os_flavor_list_free(&l);
    return st;
}

enum vmtp_status
vmtp_os_flavor_create(struct vmtp_os_session *s,
                      const char *name,
                      int64_t vcpus,
                      int64_t ram_mb,
                      int64_t disk_gb,
                      const char *const *extra_specs,
                      struct vmtp_os_flavor *out)
{
    char *body = vmtp_json_pack(
            &s->ctx->err, "{s:{s:s, s:I, s:I, s:I, s:b}}", "flavor", "name",
            name, "vcpus", (long long)vcpus, "ram", (long long)ram_mb, "disk",
            (long long)disk_gb, "os-flavor-access:is_public", 0);
    char *path = NULL;
    enum vmtp_status st;

    memset(out, 0, sizeof(*out));
    st = vmtp_os_post_id(s, VMTP_OS_COMPUTE, "/flavors", body, "flavor", "id",
                         &out->id);
    if (st != VMTP_OK) {
        return st;
    }
    out->name = vx_strdup(name);
    out->vcpus = vcpus;
    out->ram_mb = ram_mb;
    out->disk_gb = disk_gb;
    if (out->name == NULL) {
        st = vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
        goto out;
    }
    if (extra_specs == NULL || extra_specs[0] == NULL) {
        goto out;
    }
    {
        struct vmtp_json_value *specs =
                vmtp_json_pack_value(&s->ctx->err, "{}");
        char *sbody;

        for (size_t i = 0; specs != NULL && extra_specs[i] != NULL &&
                           extra_specs[i + 1] != NULL;
             i += 2) {
            if (vmtp_json_object_set_str(specs, extra_specs[i],
                                         extra_specs[i + 1]) != 0) {
                vmtp_json_value_free(specs);
                specs = NULL;
            }
        }
        sbody = specs != NULL ? vmtp_json_pack(&s->ctx->err, "{s:o}",
                                               "extra_specs", specs)
                              : NULL;
        path = vmtp_os_path(s, "/flavors/%s/os-extra_specs", out->id);
        if (sbody == NULL || path == NULL) {
            st = vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
        } else {
            st = vmtp_os_call(s, VMTP_OS_COMPUTE, "POST", path, sbody, 0, NULL);
        }
        free(sbody);
    }
out:
    free(path);
    if (st != VMTP_OK) {
        /* do not leave a half-made flavor behind */
        char *p = vmtp_os_path(s, "/flavors/%s", out->id);
        struct vmtp_error keep = s->ctx->err;

        if (p != NULL) {
            (void)vmtp_os_delete(s, VMTP_OS_COMPUTE, p);
        }
        s->ctx->err = keep;
        free(p);
        vmtp_os_flavor_release(out);
    }
    return st;
}

enum vmtp_status
vmtp_os_flavor_delete(struct vmtp_os_session *s, const char *id)
{
    char *p = vmtp_os_path(s, "/flavors/%s", id);
    enum vmtp_status st;

    if (p == NULL) {
        return VMTP_E_NOMEM;
    }
    st = vmtp_os_delete(s, VMTP_OS_COMPUTE, p);
    free(p);
    return st;
}

enum vmtp_status
vmtp_os_keypairs(struct vmtp_os_session *s, struct vmtp_os_keypair_list *out)
{
    return vmtp_os_get_list(s, VMTP_OS_COMPUTE, "/os-keypairs", "keypairs",
                            sizeof(*out->items), keypair_one, keypair_release,
                            (void **)&out->items, &out->n);
}

enum vmtp_status
vmtp_os_keypair_create(struct vmtp_os_session *s,
                       const char *name,
                       const char *public_key)
{
    char *body = vmtp_json_pack(&s->ctx->err, "{s:{s:s, s:s}}", "keypair",
                                "name", name, "public_key", public_key);
    char *got = NULL;
    enum vmtp_status st = vmtp_os_post_id(s, VMTP_OS_COMPUTE, "/os-keypairs",
                                          body, "keypair", "name", &got);

    free(got);
    return st;
}

enum vmtp_status
vmtp_os_keypair_delete(struct vmtp_os_session *s, const char *name)
{
    char *esc = vmtp_os_escape(name);
    char *p = esc != NULL ? vmtp_os_path(s, "/os-keypairs/%s", esc) : NULL;
    enum vmtp_status st;

    if (p == NULL) {
        free(esc);
        return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
    }
    st = vmtp_os_delete(s, VMTP_OS_COMPUTE, p);
    free(p);
    free(esc);
    return st;
}

static char *
base64(const char *in)
{
    static const char tbl[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(in);
    char *o = vx_malloc(((n + 2) / 3) * 4 + 1);
    size_t k = 0;
    const char pad = '=';

    if (o == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)(unsigned char)in[i] << 16;

        if (i + 1 < n) {
            v |= (unsigned)(unsigned char)in[i + 1] << 8;
        }
        if (i + 2 < n) {
            v |= (unsigned char)in[i + 2];
        }
        o[k++] = tbl[(v >> 18) & 63];
        o[k++] = tbl[(v >> 12) & 63];
        o[k] = pad;
        o[k + 1] = pad;
        if (i + 1 < n) {
            o[k] = tbl[(v >> 6) & 63];
        }
        if (i + 2 < n) {
            o[k + 1] = tbl[v & 63];
        }
        k += 2;
    }
    o[k] = '\0';
    return o;
}

enum vmtp_status
vmtp_os_server_create(struct vmtp_os_session *s,
                      const struct vmtp_os_server_spec *sp,
                      char **id)
{
    struct vmtp_error *err = &s->ctx->err;
    char *ud = NULL;
    char *body = NULL;
    struct vmtp_json_value *nics;
    struct vmtp_json_value *sgs = NULL;
    struct vmtp_json_value *files = NULL;
    char *fc = NULL;

    *id = NULL;
    if (sp->user_data != NULL) {
        ud = base64(sp->user_data);
        if (ud == NULL) {
            return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
        }
    }
    if (sp->file_path != NULL && sp->file_contents != NULL) {
        /* compute API 2.1: "personality" (written to the config drive) */
        fc = base64(sp->file_contents);
        files = fc != NULL ? vmtp_json_pack_value(err, "[{s:s, s:s}]", "path",
                                                  sp->file_path, "contents", fc)
                           : NULL;
        free(fc);
        if (files == NULL) {
            free(ud);
            return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
        }
    }
    if (sp->port_id != NULL) {
        nics = vmtp_json_pack_value(err, "[{s:s}]", "port", sp->port_id);
    } else {
        nics = vmtp_json_pack_value(err, "[{s:s}]", "uuid", sp->network_id);
        if (sp->security_group != NULL) {
            sgs = vmtp_json_pack_value(err, "[{s:s}]", "name",
                                       sp->security_group);
        }
    }
    body = vmtp_json_pack(err,
                          "{s:{s:s, s:s, s:s, s:s*, s:o, s:s*, s:s*, s:b, "
                          "s:o*, s:o*}}",
                          "server", "name", sp->name, "imageRef", sp->image_id,
                          "flavorRef", sp->flavor_id, "key_name", sp->key_name,
                          "networks", nics, "availability_zone",
                          sp->availability_zone, "user_data", ud,
                          "config_drive", sp->config_drive ? 1 : 0,
                          "security_groups", sgs, "personality", files);
    free(ud);
    return vmtp_os_post_id(s, VMTP_OS_COMPUTE, "/servers", body, "server", "id",
                           id);
}

enum vmtp_status
vmtp_os_server_get(struct vmtp_os_session *s,
                   const char *id,
                   struct vmtp_os_server *out)
{
    struct vmtp_os_reply r = {0};
    struct vmtp_jv root;
    struct vmtp_jv sv;
    char *p = vmtp_os_path(s, "/servers/%s", id);
    enum vmtp_status st;

    memset(out, 0, sizeof(*out));
    if (p == NULL) {
        return VMTP_E_NOMEM;
    }
    st = vmtp_os_call(s, VMTP_OS_COMPUTE, "GET", p, NULL, 0, &r);
    if (st == VMTP_OK && r.doc == NULL) {
        st = vmtp_set_error(s->ctx, VMTP_E_PARSE, "GET %s: empty reply", p);
    }
    if (st == VMTP_OK) {
        vmtp_json_root(r.doc, &root);
        st = vmtp_jv_object(&root, "server", &sv, &s->ctx->err);
    }
    if (st == VMTP_OK) {
        st = vmtp_os_server_from_json(&sv, out, &s->ctx->err);
        if (st != VMTP_OK) {
            vmtp_os_server_release(out);
        }
    }
    vmtp_os_reply_release(&r);
    free(p);
    return st;
}

enum vmtp_status
vmtp_os_servers(struct vmtp_os_session *s,
                const char *name,
                struct vmtp_os_server_list *out)
{
    char *esc = NULL;
    char *p;
    enum vmtp_status st;

    if (name != NULL) {
        esc = vmtp_os_escape(name);
        if (esc == NULL) {
            return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
        }
    }
    p = vmtp_os_path(s, "/servers/detail%s%s", esc != NULL ? "?name=" : "",
                     esc != NULL ? esc : "");
    free(esc);
    if (p == NULL) {
        return VMTP_E_NOMEM;
    }
    st = vmtp_os_get_list(s, VMTP_OS_COMPUTE, p, "servers", sizeof(*out->items),
                          server_one, server_release, (void **)&out->items,
                          &out->n);
    free(p);
    return st;
}

enum vmtp_status
vmtp_os_server_wait_active(struct vmtp_os_session *s,
                           const char *id,
                           int timeout_ms,
                           struct vmtp_os_server *out)
{
    uint64_t deadline = vx_now_us() + (uint64_t)timeout_ms * 1000u;
    uint64_t delay_us = 1000000;
    struct vmtp_os_server sv = {0};
    enum vmtp_status st;

    for (;;) {
        vmtp_os_server_release(&sv);
        st = vmtp_os_server_get(s, id, &sv);
        if (st != VMTP_OK) {
            break;
        }
        if (vx_streq(sv.status, "ACTIVE")) {
            break;
        }
        if (vx_streq(sv.status, "ERROR")) {
            st = vmtp_set_error(
                    s->ctx, VMTP_E_HTTP, "server '%s' (%s) failed: %s",
                    sv.name != NULL ? sv.name : "", id,
                    sv.fault != NULL ? sv.fault : "no fault message");
            break;
        }
        if (vx_now_us() + delay_us > deadline) {
            st = vmtp_set_error(s->ctx, VMTP_E_TIMEOUT,
                                "server '%s' (%s) not ACTIVE after %d ms "
                                "(status %s)",
                                sv.name != NULL ? sv.name : "", id, timeout_ms,
                                sv.status != NULL ? sv.status : "?");
            break;
        }
        if (vmtp_ctx_cancelled(s->ctx)) {
            st = vmtp_set_error(s->ctx, VMTP_E_CANCELLED, "cancelled");
            break;
        }
        vx_sleep_us(delay_us);
        if (delay_us < 5000000) {
            delay_us *= 2;
        }
    }
    if (out != NULL) {
        *out = sv;
    } else {
        vmtp_os_server_release(&sv);
    }
    return st;
}

enum vmtp_status
vmtp_os_server_delete(struct vmtp_os_session *s, const char *id)
{
    char *p = vmtp_os_path(s, "/servers/%s", id);
    enum vmtp_status st;

    if (p == NULL) {
        return VMTP_E_NOMEM;
    }
    st = vmtp_os_delete(s, VMTP_OS_COMPUTE, p);
    free(p);
    return st;
}

enum vmtp_status
vmtp_os_server_wait_gone(struct vmtp_os_session *s,
                         const char *id,
                         int timeout_ms)
{
    uint64_t deadline = vx_now_us() + (uint64_t)timeout_ms * 1000u;
    uint64_t delay_us = 500000;
    struct vmtp_os_server sv;
    enum vmtp_status st;

    for (;;) {
        st = vmtp_os_server_get(s, id, &sv);
        if (st == VMTP_E_NOTFOUND) {
            vmtp_error_clear(&s->ctx->err);
            return VMTP_OK;
        }
        if (st == VMTP_OK && vx_streq(sv.status, "DELETED")) {
            vmtp_os_server_release(&sv);
            return VMTP_OK;
        }
        if (st == VMTP_OK && vx_streq(sv.status, "ERROR") &&
            vx_now_us() + delay_us > deadline) {
            st = vmtp_set_error(s->ctx, VMTP_E_HTTP,
                                "server %s went to ERROR while deleting: %s",
                                id, sv.fault != NULL ? sv.fault : "?");
        }
        vmtp_os_server_release(&sv);
        if (st != VMTP_OK) {
            return st;
        }
        if (vx_now_us() + delay_us > deadline) {
            return vmtp_set_error(s->ctx, VMTP_E_TIMEOUT,
                                  "server %s still exists after %d ms", id,
                                  timeout_ms);
        }
        vx_sleep_us(delay_us);
        if (delay_us < 4000000) {
            delay_us *= 2;
        }
    }
}
