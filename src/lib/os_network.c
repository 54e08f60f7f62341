/* \summary: Neutron client: networks, subnets, routers, ports, groups, FIPs */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "os_api.h"
#include "os_common.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_buf.h"
#include "vx_str.h"

#define PARSE_STR(jv, key, req, dst) \
    (st == VMTP_OK ? (st = vmtp_jv_dup((jv), (key), (req), (dst), err)) : st)

#define LIST_FUNCS(type, path, key, one, release)                              \
    enum vmtp_status vmtp_os_##type##s_from_json(                              \
            const struct vmtp_jv *root, struct vmtp_os_##type##_list *out,     \
            struct vmtp_error *err)                                            \
    {                                                                          \
        return vmtp_os_parse_array(root, key, sizeof(*out->items), one,        \
                                   release, (void **)&out->items, &out->n,     \
                                   err);                                       \
    }                                                                          \
    void vmtp_os_##type##_list_free(struct vmtp_os_##type##_list *l)           \
    {                                                                          \
        vmtp_os_free_array(l->items, l->n, sizeof(*l->items), release);        \
        l->items = NULL;                                                       \
        l->n = 0;                                                              \
    }                                                                          \
    enum vmtp_status vmtp_os_##type##s(struct vmtp_os_session *s,              \
                                       const char *query,                      \
                                       struct vmtp_os_##type##_list *out)      \
    {                                                                          \
        char *p = vmtp_os_path(s, "/v2.0/%s%s%s", path,                        \
                               query != NULL ? "?" : "",                       \
                               query != NULL ? query : "");                    \
        enum vmtp_status st;                                                   \
        if (p == NULL) {                                                       \
            return VMTP_E_NOMEM;                                               \
        }                                                                      \
        st = vmtp_os_get_list(s, VMTP_OS_NETWORK, p, key, sizeof(*out->items), \
                              one, release, (void **)&out->items, &out->n);    \
        free(p);                                                               \
        return st;                                                             \
    }

/* ---- readers ---------------------------------------------------------- */

void
vmtp_os_network_release(void *p)
{
    struct vmtp_os_network *n = p;

    VX_FREE(n->id);
    VX_FREE(n->name);
    VX_FREE(n->status);
    VX_FREE(n->network_type);
    VX_FREE(n->physnet);
    VX_FREE(n->description);
    vmtp_os_strv_free(n->subnets, n->nsubnets);
    n->subnets = NULL;
    n->nsubnets = 0;
}

static enum vmtp_status
network_one(const struct vmtp_jv *el, void *p, struct vmtp_error *err)
{
    struct vmtp_os_network *n = p;
    struct vmtp_jv subs;
    size_t ns = 0;
    enum vmtp_status st = VMTP_OK;

    PARSE_STR(el, "id", true, &n->id);
    PARSE_STR(el, "name", false, &n->name);
    PARSE_STR(el, "status", false, &n->status);
    PARSE_STR(el, "provider:network_type", false, &n->network_type);
    PARSE_STR(el, "provider:physical_network", false, &n->physnet);
    PARSE_STR(el, "description", false, &n->description);
    if (st == VMTP_OK) {
        st = vmtp_jv_bool_opt(el, "router:external", false, &n->external, err);
    }
    if (st == VMTP_OK) {
        st = vmtp_jv_bool_opt(el, "shared", false, &n->shared, err);
    }
    if (st == VMTP_OK) {
        st = vmtp_jv_array_opt(el, "subnets", &subs, &ns, err);
    }
    if (st == VMTP_OK && ns > 0) {
        n->subnets = vx_calloc(ns, sizeof(*n->subnets));
        if (n->subnets == NULL) {
            return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        }
        for (size_t i = 0; st == VMTP_OK && i < ns; i++) {
            struct vmtp_jv v;
            const char *sid = NULL;

            st = vmtp_jv_index(&subs, i, &v, err);
            if (st == VMTP_OK) {
                st = vmtp_jv_as_str(&v, &sid, err);
            }
            if (st == VMTP_OK) {
                n->subnets[i] = vx_strdup(sid);
                if (n->subnets[i] == NULL) {
                    return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
                }
                n->nsubnets = i + 1;
            }
        }
    }
    return st;
}

LIST_FUNCS(
        network, "networks", "networks", network_one, vmtp_os_network_release)

static void
subnet_release(void *p)
{
    struct vmtp_os_subnet *n = p;

    VX_FREE(n->id);
    VX_FREE(n->name);
    VX_FREE(n->network_id);
    VX_FREE(n->cidr);
    VX_FREE(n->gateway_ip);
    VX_FREE(n->ipv6_ra_mode);
    VX_FREE(n->ipv6_address_mode);
}

static enum vmtp_status
subnet_one(const struct vmtp_jv *el, void *p, struct vmtp_error *err)
{
    struct vmtp_os_subnet *n = p;
    int64_t ver = 4;
    enum vmtp_status st = VMTP_OK;

    PARSE_STR(el, "id", true, &n->id);
    PARSE_STR(el, "name", false, &n->name);
    PARSE_STR(el, "network_id", true, &n->network_id);
    PARSE_STR(el, "cidr", true, &n->cidr);
    PARSE_STR(el, "gateway_ip", false, &n->gateway_ip);
    PARSE_STR(el, "ipv6_ra_mode", false, &n->ipv6_ra_mode);
    PARSE_STR(el, "ipv6_address_mode", false, &n->ipv6_address_mode);
    if (st == VMTP_OK) {
        st = vmtp_jv_int_opt(el, "ip_version", 4, &ver, err);
    }
    if (st == VMTP_OK) {
        st = vmtp_jv_bool_opt(el, "enable_dhcp", false, &n->enable_dhcp, err);
    }
    n->ip_version = ver == 6 ? 6 : 4;
    return st;
}

LIST_FUNCS(subnet, "subnets", "subnets", subnet_one, subnet_release)

static void
router_release(void *p)
{
    struct vmtp_os_router *r = p;

    VX_FREE(r->id);
    VX_FREE(r->name);
    VX_FREE(r->ext_network_id);
}

static enum vmtp_status
router_one(const struct vmtp_jv *el, void *p, struct vmtp_error *err)
{
    struct vmtp_os_router *r = p;
    struct vmtp_jv gw;
    bool found = false;
    enum vmtp_status st = VMTP_OK;

    PARSE_STR(el, "id", true, &r->id);
    PARSE_STR(el, "name", false, &r->name);
    if (st == VMTP_OK) {
        st = vmtp_jv_object_opt(el, "external_gateway_info", &gw, &found, err);
    }
    if (st == VMTP_OK && found) {
        PARSE_STR(&gw, "network_id", false, &r->ext_network_id);
    }
    return st;
}

LIST_FUNCS(router, "routers", "routers", router_one, router_release)

static void
port_release(void *p)
{
    struct vmtp_os_port *o = p;

    VX_FREE(o->id);
    VX_FREE(o->name);
    VX_FREE(o->network_id);
    VX_FREE(o->device_id);
    VX_FREE(o->device_owner);
    VX_FREE(o->status);
    VX_FREE(o->mac);
    VX_FREE(o->vnic_type);
    VX_FREE(o->ip);
    VX_FREE(o->subnet_id);
}

static enum vmtp_status
port_one(const struct vmtp_jv *el, void *p, struct vmtp_error *err)
{
    struct vmtp_os_port *o = p;
    struct vmtp_jv ips;
    size_t n = 0;
    enum vmtp_status st = VMTP_OK;

    PARSE_STR(el, "id", true, &o->id);
    PARSE_STR(el, "name", false, &o->name);
    PARSE_STR(el, "network_id", true, &o->network_id);
    PARSE_STR(el, "device_id", false, &o->device_id);
    PARSE_STR(el, "device_owner", false, &o->device_owner);
    PARSE_STR(el, "status", false, &o->status);
    PARSE_STR(el, "mac_address", false, &o->mac);
    PARSE_STR(el, "binding:vnic_type", false, &o->vnic_type);
    if (st == VMTP_OK) {
        st = vmtp_jv_array_opt(el, "fixed_ips", &ips, &n, err);
    }
    if (st == VMTP_OK && n > 0) {
        struct vmtp_jv ip;

        st = vmtp_jv_index(&ips, 0, &ip, err);
        PARSE_STR(&ip, "ip_address", false, &o->ip);
        PARSE_STR(&ip, "subnet_id", false, &o->subnet_id);
    }
    return st;
}

LIST_FUNCS(port, "ports", "ports", port_one, port_release)

static void
secgroup_release(void *p)
{
    struct vmtp_os_secgroup *g = p;

    VX_FREE(g->id);
    VX_FREE(g->name);
    VX_FREE(g->description);
}

static enum vmtp_status
secgroup_one(const struct vmtp_jv *el, void *p, struct vmtp_error *err)
{
    struct vmtp_os_secgroup *g = p;
    enum vmtp_status st = VMTP_OK;

    PARSE_STR(el, "id", true, &g->id);
    PARSE_STR(el, "name", false, &g->name);
    PARSE_STR(el, "description", false, &g->description);
    return st;
}

LIST_FUNCS(secgroup,
           "security-groups",
           "security_groups",
           secgroup_one,
           secgroup_release)

void
vmtp_os_fip_release(struct vmtp_os_fip *f)
{
    VX_FREE(f->id);
    VX_FREE(f->address);
    VX_FREE(f->port_id);
    VX_FREE(f->network_id);
    VX_FREE(f->description);
    VX_FREE(f->status);
}

static void
fip_release(void *p)
{
    vmtp_os_fip_release(p);
}

static enum vmtp_status
fip_one(const struct vmtp_jv *el, void *p, struct vmtp_error *err)
{
    struct vmtp_os_fip *f = p;
    enum vmtp_status st = VMTP_OK;

    PARSE_STR(el, "id", true, &f->id);
    PARSE_STR(el, "floating_ip_address", true, &f->address);
    PARSE_STR(el, "port_id", false, &f->port_id);
    PARSE_STR(el, "floating_network_id", false, &f->network_id);
    PARSE_STR(el, "description", false, &f->description);
    PARSE_STR(el, "status", false, &f->status);
    return st;
}

LIST_FUNCS(fip, "floatingips", "floatingips", fip_one, fip_release)

static void
agent_release(void *p)
{
    struct vmtp_os_agent *a = p;

    VX_FREE(a->id);
    VX_FREE(a->agent_type);
    VX_FREE(a->host);
    VX_FREE(a->mappings);
    VX_FREE(a->tunneling_ip);
    VX_FREE(a->tunnel_types);
}

/* "k:v,k:v" from a JSON object of strings; NULL when empty. */
static enum vmtp_status
join_mappings(const struct vmtp_jv *obj, char **out, struct vmtp_error *err)
{
    struct vx_buf b;
    const char *k;
    struct vmtp_jv v;
    enum vmtp_status st = VMTP_OK;

    vx_buf_init(&b, (size_t)64 * 1024);
    for (size_t i = 0; vmtp_jv_iter(obj, i, &k, &v); i++) {
        const char *val = NULL;

        st = vmtp_jv_as_str(&v, &val, err);
        if (st != VMTP_OK) {
            break;
        }
        if (vx_buf_addf(&b, "%s%s:%s", i > 0 ? "," : "", k, val) != 0) {
            st = vmtp_error_set(err, VMTP_E_PARSE, "`%s`: mappings too long",
                                obj->path);
            break;
        }
    }
    if (st == VMTP_OK && vx_buf_len(&b) > 0) {
        *out = vx_buf_take(&b);
    }
    vx_buf_release(&b);
    return st;
}

static enum vmtp_status
agent_one(const struct vmtp_jv *el, void *p, struct vmtp_error *err)
{
    struct vmtp_os_agent *a = p;
    struct vmtp_jv cfg;
    struct vmtp_jv m;
    bool found = false;
    enum vmtp_status st = VMTP_OK;

    PARSE_STR(el, "id", true, &a->id);
    PARSE_STR(el, "agent_type", true, &a->agent_type);
    PARSE_STR(el, "host", false, &a->host);
    if (st == VMTP_OK) {
        st = vmtp_jv_bool_opt(el, "alive", false, &a->alive, err);
    }
    if (st == VMTP_OK) {
        st = vmtp_jv_object_opt(el, "configurations", &cfg, &found, err);
    }
    if (st != VMTP_OK || !found) {
        return st;
    }
    PARSE_STR(&cfg, "tunneling_ip", false, &a->tunneling_ip);
    if (st == VMTP_OK) {
        st = vmtp_jv_object_opt(&cfg, "interface_mappings", &m, &found, err);
        if (st == VMTP_OK && (!found || vmtp_jv_size(&m) == 0)) {
            st = vmtp_jv_object_opt(&cfg, "bridge_mappings", &m, &found, err);
        }
        if (st == VMTP_OK && found) {
            st = join_mappings(&m, &a->mappings, err);
        }
    }
    if (st == VMTP_OK) {
        struct vmtp_jv tt;
        size_t n = 0;
        struct vx_buf b;

        st = vmtp_jv_array_opt(&cfg, "tunnel_types", &tt, &n, err);
        vx_buf_init(&b, 4096);
        for (size_t i = 0; st == VMTP_OK && i < n; i++) {
            struct vmtp_jv v;
            const char *t = NULL;

            st = vmtp_jv_index(&tt, i, &v, err);
            if (st == VMTP_OK) {
                st = vmtp_jv_as_str(&v, &t, err);
            }
            if (st == VMTP_OK &&
                vx_buf_addf(&b, "%s%s", i > 0 ? "," : "", t) != 0) {
                st = vmtp_error_set(err, VMTP_E_PARSE, "`%s`: too long",
                                    tt.path);
            }
        }
        if (st == VMTP_OK && vx_buf_len(&b) > 0) {
            a->tunnel_types = vx_buf_take(&b);
        }
        vx_buf_release(&b);
    }
    return st;
}

enum vmtp_status
vmtp_os_agents_from_json(const struct vmtp_jv *root,
                         struct vmtp_os_agent_list *out,
                         struct vmtp_error *err)
{
    return vmtp_os_parse_array(root, "agents", sizeof(*out->items), agent_one,
                               agent_release, (void **)&out->items, &out->n,
                               err);
}

void
vmtp_os_agent_list_free(struct vmtp_os_agent_list *l)
{
    vmtp_os_free_array(l->items, l->n, sizeof(*l->items), agent_release);
    l->items = NULL;
    l->n = 0;
}

enum vmtp_status
vmtp_os_agents(struct vmtp_os_session *s, struct vmtp_os_agent_list *out)
{
    return vmtp_os_get_list(s, VMTP_OS_NETWORK, "/v2.0/agents", "agents",
                            sizeof(*out->items), agent_one, agent_release,
                            (void **)&out->items, &out->n);
}

const char *
vmtp_os_l2_agent_type(const struct vmtp_os_agent_list *agents)
{
    for (size_t i = 0; i < agents->n; i++) {
        const char *t = agents->items[i].agent_type;

        if (t == NULL) {
            continue;
        }
        if (strstr(t, "Linux bridge") != NULL) {
            return "Linux bridge agent";
        }
        if (strstr(t, "Open vSwitch") != NULL) {
            return "Open vSwitch agent";
        }
    }
    return "Unknown agent";
}

/* ---- creations -------------------------------------------------------- */

enum vmtp_status
vmtp_os_network_create(struct vmtp_os_session *s,
                       const char *name,
                       const char *description,
                       char **id)
{
    char *body = vmtp_json_pack(&s->ctx->err, "{s:{s:s, s:b, s:s*}}", "network",
                                "name", name, "admin_state_up", 1,
                                "description", description);

    return vmtp_os_post_id(s, VMTP_OS_NETWORK, "/v2.0/networks", body,
                           "network", "id", id);
}

enum vmtp_status
vmtp_os_subnet_create(struct vmtp_os_session *s,
                      const struct vmtp_os_subnet_spec *sp,
                      char **id)
{
    struct vmtp_error *err = &s->ctx->err;
    struct vmtp_json_value *dns = vmtp_json_array_new();
    struct vmtp_json_value *gw = NULL;
    char *body;

    if (dns == NULL) {
        return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
    }
    for (size_t i = 0;
         sp->dns_nameservers != NULL && sp->dns_nameservers[i] != NULL; i++) {
        if (vmtp_json_array_append(
                    dns, vmtp_json_pack_value(err, "s",
                                              sp->dns_nameservers[i])) != 0) {
            vmtp_json_value_free(dns);
            return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
        }
    }
    if (sp->no_gateway) {
        gw = vmtp_json_pack_value(err, "n");
    }
    body = vmtp_json_pack(err,
                          "{s:{s:s, s:s, s:s, s:i, s:b, s:o, s:s*, s:s*, "
                          "s:o*}}",
                          "subnet", "name", sp->name, "network_id",
                          sp->network_id, "cidr", sp->cidr, "ip_version",
                          sp->ip_version == 6 ? 6 : 4, "enable_dhcp",
                          sp->enable_dhcp ? 1 : 0, "dns_nameservers", dns,
                          "ipv6_ra_mode", sp->ipv6_ra_mode, "ipv6_address_mode",
                          sp->ipv6_address_mode, "gateway_ip", gw);
    return vmtp_os_post_id(s, VMTP_OS_NETWORK, "/v2.0/subnets", body, "subnet",
                           "id", id);
}

enum vmtp_status
vmtp_os_router_create(struct vmtp_os_session *s,
                      const char *name,
                      const char *ext_network_id,
                      char **id)
{
    struct vmtp_json_value *gw = NULL;
    char *body;

    if (ext_network_id != NULL) {
        gw = vmtp_json_pack_value(&s->ctx->err, "{s:s}", "network_id",
                                  ext_network_id);
    }
    body = vmtp_json_pack(&s->ctx->err, "{s:{s:s, s:b, s:o*}}", "router",
                          "name", name, "admin_state_up", 1,
                          "external_gateway_info", gw);
    return vmtp_os_post_id(s, VMTP_OS_NETWORK, "/v2.0/routers", body, "router",
                           "id", id);
}

static enum vmtp_status
put_json(struct vmtp_os_session *s, char *path, char *body, unsigned flags)
{
    enum vmtp_status st;

    if (path == NULL || body == NULL) {
        free(path);
        free(body);
        return s->ctx->err.code != VMTP_OK ? s->ctx->err.code : VMTP_E_NOMEM;
    }
    st = vmtp_os_call(s, VMTP_OS_NETWORK, "PUT", path, body, flags, NULL);
    free(path);
    free(body);
    return st;
}

enum vmtp_status
vmtp_os_router_set_gateway(struct vmtp_os_session *s,
                           const char *router_id,
                           const char *ext_network_id)
{
    char *body;

    if (ext_network_id != NULL) {
        body = vmtp_json_pack(&s->ctx->err, "{s:{s:{s:s}}}", "router",
                              "external_gateway_info", "network_id",
                              ext_network_id);
    } else {
        body = vmtp_json_pack(&s->ctx->err, "{s:{s:{}}}", "router",
                              "external_gateway_info");
    }
    return put_json(s, vmtp_os_path(s, "/v2.0/routers/%s", router_id), body, 0);
}

enum vmtp_status
vmtp_os_router_add_interface(struct vmtp_os_session *s,
                             const char *router_id,
                             const char *subnet_id)
{
    return put_json(
            s,
            vmtp_os_path(s, "/v2.0/routers/%s/add_router_interface", router_id),
            vmtp_json_pack(&s->ctx->err, "{s:s}", "subnet_id", subnet_id),
            VMTP_OS_NO_RETRY); /* not idempotent: a replay fails */
}

enum vmtp_status
vmtp_os_router_remove_interface(struct vmtp_os_session *s,
                                const char *router_id,
                                const char *subnet_id,
                                const char *port_id)
{
    char *body;

    if (port_id != NULL) {
        body = vmtp_json_pack(&s->ctx->err, "{s:s}", "port_id", port_id);
    } else {
        body = vmtp_json_pack(&s->ctx->err, "{s:s}", "subnet_id", subnet_id);
    }
    return put_json(s,
                    vmtp_os_path(s, "/v2.0/routers/%s/remove_router_interface",
                                 router_id),
                    body, VMTP_OS_NO_RETRY);
}

enum vmtp_status
vmtp_os_port_create(struct vmtp_os_session *s,
                    const char *name,
                    const char *network_id,
                    const char *sg_id,
                    const char *vnic_type,
                    char **id)
{
    struct vmtp_json_value *sgs = NULL;
    char *body;

    if (sg_id != NULL) {
        sgs = vmtp_json_pack_value(&s->ctx->err, "[s]", sg_id);
    }
    body = vmtp_json_pack(&s->ctx->err, "{s:{s:s, s:s, s:o*, s:s*}}", "port",
                          "name", name, "network_id", network_id,
                          "security_groups", sgs, "binding:vnic_type",
                          vnic_type);
    return vmtp_os_post_id(s, VMTP_OS_NETWORK, "/v2.0/ports", body, "port",
                           "id", id);
}

enum vmtp_status
vmtp_os_secgroup_create(struct vmtp_os_session *s,
                        const char *name,
                        const char *description,
                        char **id)
{
    char *body =
            vmtp_json_pack(&s->ctx->err, "{s:{s:s, s:s*}}", "security_group",
                           "name", name, "description", description);

    return vmtp_os_post_id(s, VMTP_OS_NETWORK, "/v2.0/security-groups", body,
                           "security_group", "id", id);
}

enum vmtp_status
vmtp_os_secgroup_rule_create(struct vmtp_os_session *s,
                             const char *sg_id,
                             const char *ethertype,
                             const char *protocol,
                             int port_min,
                             int port_max,
                             const char *prefix)
{
    struct vmtp_json_value *pmin = NULL;
    struct vmtp_json_value *pmax = NULL;
    char *body;
    char *id = NULL;
    enum vmtp_status st;

    if (port_min > 0) {
        pmin = vmtp_json_pack_value(&s->ctx->err, "i", port_min);
        pmax = vmtp_json_pack_value(&s->ctx->err, "i",
                                    port_max > 0 ? port_max : port_min);
    }
    body = vmtp_json_pack(&s->ctx->err,
                          "{s:{s:s, s:s, s:s, s:s*, s:o*, s:o*, s:s*}}",
                          "security_group_rule", "security_group_id", sg_id,
                          "direction", "ingress", "ethertype", ethertype,
                          "protocol", protocol, "port_range_min", pmin,
                          "port_range_max", pmax, "remote_ip_prefix", prefix);
    st = vmtp_os_post_id(s, VMTP_OS_NETWORK, "/v2.0/security-group-rules", body,
                         "security_group_rule", "id", &id);
    free(id);
    return st;
}

enum vmtp_status
vmtp_os_fip_create(struct vmtp_os_session *s,
                   const char *ext_network_id,
                   const char *port_id,
                   const char *description,
                   struct vmtp_os_fip *out)
{
    struct vmtp_os_reply r = {0};
    struct vmtp_jv root;
    struct vmtp_jv f;
    char *body =
            vmtp_json_pack(&s->ctx->err, "{s:{s:s, s:s*, s:s*}}", "floatingip",
                           "floating_network_id", ext_network_id, "port_id",
                           port_id, "description", description);
    enum vmtp_status st;

    memset(out, 0, sizeof(*out));
    if (body == NULL) {
        return s->ctx->err.code;
    }
    st = vmtp_os_call(s, VMTP_OS_NETWORK, "POST", "/v2.0/floatingips", body,
                      VMTP_OS_NO_RETRY, &r);
    free(body);
    if (st == VMTP_OK && r.doc == NULL) {
        st = vmtp_set_error(s->ctx, VMTP_E_PARSE,
                            "POST /v2.0/floatingips: empty reply");
    }
    if (st == VMTP_OK) {
        vmtp_json_root(r.doc, &root);
        st = vmtp_jv_object(&root, "floatingip", &f, &s->ctx->err);
    }
    if (st == VMTP_OK) {
        st = fip_one(&f, out, &s->ctx->err);
        if (st != VMTP_OK) {
            vmtp_os_fip_release(out);
        }
    }
    vmtp_os_reply_release(&r);
    return st;
}

/* ---- deletions -------------------------------------------------------- */

static enum vmtp_status
delete_one(struct vmtp_os_session *s, const char *kind, const char *id)
{
    char *p = vmtp_os_path(s, "/v2.0/%s/%s", kind, id);
    enum vmtp_status st;

    if (p == NULL) {
        return VMTP_E_NOMEM;
    }
    st = vmtp_os_delete(s, VMTP_OS_NETWORK, p);
    free(p);
    return st;
}

enum vmtp_status
vmtp_os_network_delete(struct vmtp_os_session *s, const char *id)
{
    return delete_one(s, "networks", id);
}

enum vmtp_status
vmtp_os_subnet_delete(struct vmtp_os_session *s, const char *id)
{
    return delete_one(s, "subnets", id);
}

enum vmtp_status
vmtp_os_router_delete(struct vmtp_os_session *s, const char *id)
{
    return delete_one(s, "routers", id);
}

enum vmtp_status
vmtp_os_port_delete(struct vmtp_os_session *s, const char *id)
{
    return delete_one(s, "ports", id);
}

enum vmtp_status
vmtp_os_secgroup_delete(struct vmtp_os_session *s, const char *id)
{
    return delete_one(s, "security-groups", id);
}

enum vmtp_status
vmtp_os_fip_delete(struct vmtp_os_session *s, const char *id)
{
    return delete_one(s, "floatingips", id);
}
