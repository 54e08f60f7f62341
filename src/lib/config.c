/* \summary: configuration: embedded defaults, YAML merge, key set, dump */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "internal.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_buf.h"
#include "vx_parse.h"
#include "vx_str.h"
#include "yamlx.h"

/* Generated at build time from default_config.yaml (embed_text.py). */
extern const char vmtp_default_config_yaml_text[];
extern const size_t vmtp_default_config_yaml_len;

#define LIST_MAX 64        /* items in any list or mapping */
#define DUMP_MAX (1 << 20) /* bytes of rendered YAML */
#define ITEM_MAX 4096      /* bytes of one value */

enum ktype {
    KT_STR,
    KT_INT,
    KT_BOOL,
    KT_STRLIST,
    KT_INTLIST,
    KT_STRMAP,
};

#define KF_ACCESS 1u /* holds user@host:password: wipe, and dump without */

/* Validate (and normalise in place) one string value. */
typedef int key_check_fn(char *value, const char **why);

struct key {
    const char *name; /* "flavor.vcpus": a '.' means a sub-key */
    enum ktype type;
    size_t off;
    long long min; /* KT_INT value, KT_INTLIST item */
    long long max;
    size_t min_items;
    size_t max_items; /* 0: LIST_MAX */
    unsigned flags;
    key_check_fn *check;
    const char *form; /* accepted form, for messages */
};

static int
check_choice(char *v, const char *const *choices, bool fold, const char **w)
{
    if (fold) {
        for (char *p = v; *p != '\0'; p++) {
            *p = (char)tolower((unsigned char)*p);
        }
    }
    for (size_t i = 0; choices[i] != NULL; i++) {
        if (strcmp(v, choices[i]) == 0) {
            return 0;
        }
    }
    *w = "not one of the accepted values";
    return -1;
}

static int
check_ipv6_mode(char *v, const char **why)
{
    static const char *const c[] = {"", "slaac", "dhcpv6-stateful",
                                    "dhcpv6-stateless", NULL};

    return check_choice(v, c, false, why);
}

static int
check_tp_tool(char *v, const char **why)
{
    static const char *const c[] = {"nuttcp", "iperf", "iperf3", "vmtp", NULL};

    return check_choice(v, c, true, why);
}

static int
check_vnic(char *v, const char **why)
{
    static const char *const c[] = {"direct", "macvtap", "normal", NULL};

    return check_choice(v, c, false, why);
}

static int
check_protocols(char *v, const char **why)
{
    char out[5] = "";
    size_t n = 0;

    for (const char *p = v; *p != '\0'; p++) {
        char c = (char)toupper((unsigned char)*p);

        if (strchr("TUIM", c) == NULL) {
            *why = "has a letter other than T, U, I, M";
            return -1;
        }
        if (strchr(out, c) == NULL) {
            out[n++] = c;
            out[n] = '\0';
        }
    }
    if (n == 0) {
        *why = "empty";
        return -1;
    }
    memcpy(v, out, n + 1);
    return 0;
}

static int
check_access_if(char *v, const char **why)
{
    struct vx_access a;
    int rc = vx_parse_access(v, true, &a, why);

    vx_access_clear(&a);
    return rc;
}

static int
check_access(char *v, const char **why)
{
    struct vx_access a;
    int rc = vx_parse_access(v, false, &a, why);

    vx_access_clear(&a);
    return rc;
}

static int
check_host(char *v, const char **why)
{
    char host[VX_HOST_MAX];

    return vx_parse_host(v, true, host, sizeof(host), NULL, why);
}

static int
check_mcast(char *v, const char **why)
{
    return vx_check_multicast(v, why);
}

static int
check_ip(char *v, const char **why)
{
    return vx_check_ip(v, why);
}

static int
check_cidr4(char *v, const char **why)
{
    return vx_check_cidr(v, 4, why);
}

static int
check_cidr6(char *v, const char **why)
{
    return vx_check_cidr(v, 6, why);
}

static int
check_hypervisor(char *v, const char **why)
{
    const char *colon = strchr(v, ':');
    const char *host = colon != NULL ? colon + 1 : v;

    if (colon == v) {
        *why = "empty availability zone";
        return -1;
    }
    if (*host == '\0' || strchr(host, ':') != NULL) {
        *why = "empty host name or more than one ':'";
        return -1;
    }
    for (const char *p = v; *p != '\0'; p++) {
        if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p)) {
            *why = "contains white space";
            return -1;
        }
    }
    return 0;
}

#define OFF(f) offsetof(struct vmtp_config, f)
#define STR(n, f, chk, form)                        \
    {                                               \
        n, KT_STR, OFF(f), 0, 0, 0, 0, 0, chk, form \
    }
#define INT(n, f, lo, hi, form)                        \
    {                                                  \
        n, KT_INT, OFF(f), lo, hi, 0, 0, 0, NULL, form \
    }
#define BOOL(n, f)                                               \
    {                                                            \
        n, KT_BOOL, OFF(f), 0, 0, 0, 0, 0, NULL, "true or false" \
    }
#define SLIST(n, f, mn, mx, chk, form)                    \
    {                                                     \
        n, KT_STRLIST, OFF(f), 0, 0, mn, mx, 0, chk, form \
    }
#define ILIST(n, f, lo, hi, mn, mx, form)                    \
    {                                                        \
        n, KT_INTLIST, OFF(f), lo, hi, mn, mx, 0, NULL, form \
    }

#define ANY_STR "a string"

/* The key table: drives load, set, copy, compare and dump, in this order. */
static const struct key keys[] = {
        STR("image_name", image_name, NULL, ANY_STR),
        STR("ssh_vm_username", ssh_vm_username, NULL, ANY_STR),
        STR("flavor_type", flavor_type, NULL, ANY_STR),
        INT("flavor.vcpus", flavor.vcpus, 1, 1024, "an integer in 1..1024"),
        INT("flavor.ram",
            flavor.ram_mb,
            1,
            16777216,
            "an integer in 1..16777216 (MB)"),
        INT("flavor.disk",
            flavor.disk_gb,
            0,
            1048576,
            "an integer in 0..1048576 (GB)"),
        INT("flavor.ephemeral",
            flavor.ephemeral_gb,
            0,
            1048576,
            "an integer in 0..1048576 (GB)"),
        {"flavor.extra_specs", KT_STRMAP, OFF(flavor.extra_specs), 0, 0, 0, 0,
         0, NULL, "a mapping of strings"},
        STR("availability_zone", availability_zone, NULL, ANY_STR),
        SLIST("dns_nameservers",
              dns_nameservers,
              0,
              0,
              check_ip,
              "a list of IP addresses"),
        STR("vm_image_url", vm_image_url, NULL, ANY_STR),
        STR("reuse_network_name", reuse_network_name, NULL, ANY_STR),
        BOOL("floating_ip", floating_ip),
        BOOL("reuse_existing_vm", reuse_existing_vm),
        BOOL("config_drive", config_drive),
        STR("user_data_file", user_data_file, NULL, ANY_STR),
        STR("ipv6_mode",
            ipv6_mode,
            check_ipv6_mode,
            "slaac, dhcpv6-stateful, dhcpv6-stateless or null"),
        STR("router_name", router_name, NULL, ANY_STR),
        SLIST("internal_network_name",
              internal_network_name,
              1,
              2,
              NULL,
              "a list of 1 or 2 names"),
        SLIST("internal_subnet_name",
              internal_subnet_name,
              1,
              2,
              NULL,
              "a list of 1 or 2 names"),
        SLIST("internal_subnet_name_v6",
              internal_subnet_name_v6,
              1,
              2,
              NULL,
              "a list of 1 or 2 names"),
        SLIST("internal_cidr",
              internal_cidr,
              1,
              2,
              check_cidr4,
              "a list of 1 or 2 IPv4 CIDRs"),
        SLIST("internal_cidr_v6",
              internal_cidr_v6,
              1,
              2,
              check_cidr6,
              "a list of 1 or 2 IPv6 CIDRs"),
        STR("public_key_file", public_key_file, NULL, ANY_STR),
        STR("private_key_file", private_key_file, NULL, ANY_STR),
        STR("known_hosts_file", known_hosts_file, NULL, ANY_STR),
        STR("public_key_name", public_key_name, NULL, ANY_STR),
        STR("vm_name_server", vm_name_server, NULL, ANY_STR),
        STR("vm_name_client", vm_name_client, NULL, ANY_STR),
        STR("security_group_name", security_group_name, NULL, ANY_STR),
        INT("ping_count", ping_count, 1, 10000, "an integer in 1..10000"),
        INT("ping_pass_threshold",
            ping_pass_threshold,
            0,
            100,
            "an integer in 0..100 (percent)"),
        INT("ssh_retry_count",
            ssh_retry_count,
            1,
            1000,
            "an integer in 1..1000"),
        INT("generic_retry_count",
            generic_retry_count,
            1,
            10000,
            "an integer in 1..10000"),
        INT("tcp_tp_loop_count",
            tcp_tp_loop_count,
            1,
            100,
            "an integer in 1..100"),
        ILIST("tcp_pkt_sizes",
              tcp_pkt_sizes,
              1,
              16777216,
              1,
              16,
              "a list of 1 to 16 integers in 1..16777216 (bytes)"),
        ILIST("udp_pkt_sizes",
              udp_pkt_sizes,
              1,
              VX_UDP_PAYLOAD_MAX,
              1,
              16,
              "a list of 1 to 16 integers in 1..65507 (bytes)"),
        ILIST("icmp_pkt_sizes",
              icmp_pkt_sizes,
              0,
              VX_UDP_PAYLOAD_MAX,
              1,
              16,
              "a list of 1 to 16 integers in 0..65507 (bytes)"),
        ILIST("udp_loss_rate_range",
              udp_loss_rate_range,
              0,
              100,
              2,
              2,
              "a list of 2 integers in 0..100 (percent)"),
        INT("vm_bandwidth",
            vm_bandwidth_kbps,
            0,
            10000000000LL,
            "an integer in 0..10000000000 (kbit/s)"),
        STR("os_dataplane_network", os_dataplane_network, NULL, ANY_STR),
        STR("ext_net_name", ext_net_name, NULL, ANY_STR),
        INT("vmtp_mongod_port",
            vmtp_mongod_port,
            1,
            65535,
            "a port in 1..65535"),
        STR("vmtp_db", vmtp_db, NULL, ANY_STR),
        STR("vmtp_collection", vmtp_collection, NULL, ANY_STR),
        STR("fluentd.logging_tag", fluentd.logging_tag, NULL, ANY_STR),
        STR("fluentd.ip",
            fluentd.ip,
            check_host,
            "an IPv4 address, host name or IPv6 address"),
        INT("fluentd.port", fluentd.port, 1, 65535, "a port in 1..65535"),
        STR("protocols",
            protocols,
            check_protocols,
            "letters from T (TCP), U (UDP), I (ICMP), M (multicast)"),
        STR("tp_tool", tp_tool, check_tp_tool, "nuttcp, iperf, iperf3 or vmtp"),
        INT("time", time_s, 1, 3600, "an integer in 1..3600 (seconds)"),
        {"hosts", KT_STRLIST, OFF(hosts), 0, 0, 0, 2, KF_ACCESS,
         check_access_if, "a list of at most 2 user@host[:password[:ifname]]"},
        {"ext_host", KT_STR, OFF(ext_host), 0, 0, 0, 0, KF_ACCESS, check_access,
         "user@host[:password]"},
        {"controller_node", KT_STR, OFF(controller_node), 0, 0, 0, 0, KF_ACCESS,
         check_access, "user@host[:password]"},
        STR("json_file", json_file, NULL, ANY_STR),
        STR("vmtp_mongod_ip",
            vmtp_mongod_ip,
            check_host,
            "an IPv4 address, host name or IPv6 address"),
        STR("gmond_svr_ip",
            gmond_svr_ip,
            check_host,
            "an IPv4 address, host name or IPv6 address"),
        INT("gmond_svr_port", gmond_svr_port, 1, 65535, "a port in 1..65535"),
        SLIST("hypervisors",
              hypervisors,
              0,
              2,
              check_hypervisor,
              "a list of at most 2 [az:]host"),
        BOOL("inter_node_only", inter_node_only),
        BOOL("same_network_only", same_network_only),
        STR("vnic_type", vnic_type, check_vnic, "direct, macvtap or normal"),
        BOOL("stop_on_error", stop_on_error),
        BOOL("keep_first_flow_and_exit", keep_first_flow_and_exit),
        BOOL("no_dhcp", no_dhcp),
        BOOL("no_floatingip", no_floatingip),
        BOOL("delete_image_after_run", delete_image_after_run),
        STR("multicast_addr",
            multicast_addr,
            check_mcast,
            "an IPv4 or IPv6 multicast address"),
        STR("test_description", test_description, NULL, ANY_STR),
        STR("log_file", log_file, NULL, ANY_STR),
        BOOL("debug", debug),
        BOOL("insecure", insecure),
        BOOL("accept_unknown_host_keys", accept_unknown_host_keys),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* ------------------------------------------------------------ access -- */

/* The configuration member that key k describes, as a pointer to its type
 * (FIELD) or to its const type (CFIELD). One cast for every key kind. */
#define FIELD(type, c, k) ((type *)(void *)((char *)(c) + (k)->off))
#define CFIELD(type, c, k) \
    ((type const *)(const void *)((const char *)(c) + (k)->off))

static const struct key *
find_key(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(keys[i].name, name) == 0) {
            return &keys[i];
        }
    }
    return NULL;
}

static bool
is_section(const char *name)
{
    size_t len = strlen(name);

    for (size_t i = 0; i < NKEYS; i++) {
        if (strncmp(keys[i].name, name, len) == 0 && keys[i].name[len] == '.') {
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------- free / copy -- */

static void
free_str(char **p, bool secret)
{
    if (secret) {
        vx_burn_free(*p);
        *p = NULL;
    } else {
        VX_FREE(*p);
    }
}

static void
slist_clear(struct vmtp_strlist *l, bool secret)
{
    for (size_t i = 0; i < l->n; i++) {
        free_str(&l->v[i], secret);
    }
    VX_FREE(l->v);
    l->n = 0;
}

static void
smap_clear(struct vmtp_strmap *m)
{
    for (size_t i = 0; i < m->n; i++) {
        VX_FREE(m->keys[i]);
        VX_FREE(m->vals[i]);
    }
    VX_FREE(m->keys);
    VX_FREE(m->vals);
    m->n = 0;
}

static void
clear_value(struct vmtp_config *c, const struct key *k)
{
    bool secret = (k->flags & KF_ACCESS) != 0;

    switch (k->type) {
    case KT_STR:
        free_str(FIELD(char *, c, k), secret);
        break;
    case KT_STRLIST:
        slist_clear(FIELD(struct vmtp_strlist, c, k), secret);
        break;
    case KT_INTLIST:
        VX_FREE(FIELD(struct vmtp_intlist, c, k)->v);
        FIELD(struct vmtp_intlist, c, k)->n = 0;
        break;
    case KT_STRMAP:
        smap_clear(FIELD(struct vmtp_strmap, c, k));
        break;
    case KT_INT:
    case KT_BOOL:
        break;
    }
}

void
vmtp_config_release(struct vmtp_config *cfg)
{
    if (cfg == NULL) {
        return;
    }
    for (size_t i = 0; i < NKEYS; i++) {
        clear_value(cfg, &keys[i]);
    }
    memset(cfg, 0, sizeof(*cfg));
}

static int
dup_or_null(char **dst, const char *src)
{
    *dst = NULL;
    if (src == NULL) {
        return 0;
    }
    *dst = vx_strdup(src);
    return *dst == NULL ? -1 : 0;
}

static int
slist_push(struct vmtp_strlist *l, const char *s)
{
    char **v = vx_reallocarray(l->v, l->n + 1, sizeof(*v));

    if (v == NULL) {
        return -1;
    }
    l->v = v;
    v[l->n] = vx_strdup(s);
    if (v[l->n] == NULL) {
        return -1;
    }
    l->n++;
    return 0;
}

static int
ilist_push(struct vmtp_intlist *l, long long x)
{
    long long *v = vx_reallocarray(l->v, l->n + 1, sizeof(*v));

    if (v == NULL) {
        return -1;
    }
    l->v = v;
    v[l->n++] = x;
    return 0;
}

/* Set key -> val in m (replace or append). */
static int
smap_put(struct vmtp_strmap *m, const char *key, const char *val)
{
    char **keys_ = NULL;
    char **vals = NULL;
    char *v = vx_strdup(val);

    if (v == NULL) {
        return -1;
    }
    for (size_t i = 0; i < m->n; i++) {
        if (strcmp(m->keys[i], key) == 0) {
            free(m->vals[i]);
            m->vals[i] = v;
            return 0;
        }
    }
    keys_ = vx_reallocarray(m->keys, m->n + 1, sizeof(*keys_));
    if (keys_ != NULL) {
        m->keys = keys_;
        vals = vx_reallocarray(m->vals, m->n + 1, sizeof(*vals));
    }
    if (vals == NULL) {
        free(v);
        return -1;
    }
    m->vals = vals;
    m->keys[m->n] = vx_strdup(key);
    if (m->keys[m->n] == NULL) {
        free(v);
        return -1;
    }
    m->vals[m->n++] = v;
    return 0;
}

static int
copy_value(struct vmtp_config *dst,
           const struct vmtp_config *src,
           const struct key *k)
{
    switch (k->type) {
    case KT_STR:
        return dup_or_null(FIELD(char *, dst, k), *CFIELD(char *, src, k));
    case KT_INT:
        *FIELD(long long, dst, k) = *CFIELD(long long, src, k);
        return 0;
    case KT_BOOL:
        *FIELD(bool, dst, k) = *CFIELD(bool, src, k);
        return 0;
    case KT_STRLIST:
        for (size_t i = 0; i < CFIELD(struct vmtp_strlist, src, k)->n; i++) {
            if (slist_push(FIELD(struct vmtp_strlist, dst, k),
                           CFIELD(struct vmtp_strlist, src, k)->v[i]) != 0) {
                return -1;
            }
        }
        return 0;
    case KT_INTLIST:
        for (size_t i = 0; i < CFIELD(struct vmtp_intlist, src, k)->n; i++) {
            if (ilist_push(FIELD(struct vmtp_intlist, dst, k),
                           CFIELD(struct vmtp_intlist, src, k)->v[i]) != 0) {
                return -1;
            }
        }
        return 0;
    case KT_STRMAP:
        for (size_t i = 0; i < CFIELD(struct vmtp_strmap, src, k)->n; i++) {
            if (smap_put(FIELD(struct vmtp_strmap, dst, k),
                         CFIELD(struct vmtp_strmap, src, k)->keys[i],
                         CFIELD(struct vmtp_strmap, src, k)->vals[i]) != 0) {
                return -1;
            }
        }
        return 0;
    }
    return -1;
}

/* Deep copy src into the zeroed *dst. */
static int
config_copy(struct vmtp_config *dst, const struct vmtp_config *src)
{
    memset(dst, 0, sizeof(*dst));
    for (size_t i = 0; i < NKEYS; i++) {
        if (copy_value(dst, src, &keys[i]) != 0) {
            vmtp_config_release(dst);
            return -1;
        }
    }
    return 0;
}

static bool
value_equal(const struct vmtp_config *a,
            const struct vmtp_config *b,
            const struct key *k)
{
    switch (k->type) {
    case KT_STR:
        return vx_streq(*CFIELD(char *, a, k), *CFIELD(char *, b, k));
    case KT_INT:
        return *CFIELD(long long, a, k) == *CFIELD(long long, b, k);
    case KT_BOOL:
        return *CFIELD(bool, a, k) == *CFIELD(bool, b, k);
    case KT_STRLIST:
        if (CFIELD(struct vmtp_strlist, a, k)->n !=
            CFIELD(struct vmtp_strlist, b, k)->n) {
            return false;
        }
        for (size_t i = 0; i < CFIELD(struct vmtp_strlist, a, k)->n; i++) {
            if (!vx_streq(CFIELD(struct vmtp_strlist, a, k)->v[i],
                          CFIELD(struct vmtp_strlist, b, k)->v[i])) {
                return false;
            }
        }
        return true;
    case KT_INTLIST:
        return CFIELD(struct vmtp_intlist, a, k)->n ==
                       CFIELD(struct vmtp_intlist, b, k)->n &&
               (CFIELD(struct vmtp_intlist, a, k)->n == 0 ||
                memcmp(CFIELD(struct vmtp_intlist, a, k)->v,
                       CFIELD(struct vmtp_intlist, b, k)->v,
                       CFIELD(struct vmtp_intlist, a, k)->n *
                               sizeof(long long)) == 0);
    case KT_STRMAP:
        if (CFIELD(struct vmtp_strmap, a, k)->n !=
            CFIELD(struct vmtp_strmap, b, k)->n) {
            return false;
        }
        for (size_t i = 0; i < CFIELD(struct vmtp_strmap, a, k)->n; i++) {
            if (!vx_streq(CFIELD(struct vmtp_strmap, a, k)->keys[i],
                          CFIELD(struct vmtp_strmap, b, k)->keys[i]) ||
                !vx_streq(CFIELD(struct vmtp_strmap, a, k)->vals[i],
                          CFIELD(struct vmtp_strmap, b, k)->vals[i])) {
                return false;
            }
        }
        return true;
    }
    return false;
}

bool
vmtp_config_equal(const struct vmtp_config *a, const struct vmtp_config *b)
{
    for (size_t i = 0; i < NKEYS; i++) {
        if (!value_equal(a, b, &keys[i])) {
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------ scalar values -- */

static bool valid_utf8(const char *s);

/* Where a value comes from, for messages: "FILE:LINE" or "-". */
struct origin {
    const char *name; /* file name or "command line" */
    int line;         /* 0: none */
};

static enum vmtp_status
bad_value(struct vmtp_error *err,
          const struct origin *o,
          const struct key *k,
          const char *why)
{
    if (o->line > 0) {
        return vmtp_error_set(err, VMTP_E_INVAL,
                              "%s:%d: key '%s': %s; expected %s", o->name,
                              o->line, k->name, why, k->form);
    }
    return vmtp_error_set(err, VMTP_E_INVAL, "key '%s': %s; expected %s",
                          k->name, why, k->form);
}

static enum vmtp_status
nomem(struct vmtp_error *err)
{
    return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
}

static int
parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};

    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* Check one string item with the key's check; *out is an owned copy. */
static enum vmtp_status
checked_string(const char *s,
               const struct key *k,
               const struct origin *o,
               char **out,
               struct vmtp_error *err)
{
    const char *why = NULL;
    char *v = NULL;

    if (strlen(s) > ITEM_MAX) {
        return bad_value(err, o, k, "value too long");
    }
    if (!valid_utf8(s)) {
        return bad_value(err, o, k, "not valid UTF-8");
    }
    v = vx_strdup(s);
    if (v == NULL) {
        return nomem(err);
    }
    if (k->check != NULL && k->check(v, &why) != 0) {
        if ((k->flags & KF_ACCESS) != 0) {
            vx_burn_free(v);
        } else {
            free(v);
        }
        return bad_value(err, o, k, why != NULL ? why : "invalid value");
    }
    *out = v;
    return VMTP_OK;
}

static enum vmtp_status
set_int_text(struct vmtp_config *c,
             const struct key *k,
             const char *s,
             const struct origin *o,
             struct vmtp_error *err)
{
    const char *e = NULL;
    long long v;

    if (*s == '\0' || !(isdigit((unsigned char)*s) || *s == '-')) {
        return bad_value(err, o, k, "not an integer");
    }
    v = vx_strtonum(s, k->min, k->max, &e);
    if (e != NULL) {
        return bad_value(err, o, k,
                         strcmp(e, "invalid") == 0 ? "not an integer"
                                                   : "out of range");
    }
    *FIELD(long long, c, k) = v;
    return VMTP_OK;
}

static enum vmtp_status
add_int_item(struct vmtp_config *c,
             const struct key *k,
             const char *s,
             const struct origin *o,
             struct vmtp_error *err)
{
    const char *e = NULL;
    long long v;

    if (!isdigit((unsigned char)*s)) {
        return bad_value(err, o, k, "item is not a non-negative integer");
    }
    v = vx_strtonum(s, k->min, k->max, &e);
    if (e != NULL) {
        return bad_value(err, o, k,
                         strcmp(e, "invalid") == 0 ? "item is not an integer"
                                                   : "item out of range");
    }
    if (ilist_push(FIELD(struct vmtp_intlist, c, k), v) != 0) {
        return nomem(err);
    }
    return VMTP_OK;
}

static enum vmtp_status
add_str_item(struct vmtp_config *c,
             const struct key *k,
             const char *s,
             const struct origin *o,
             struct vmtp_error *err)
{
    struct vmtp_strlist *l = FIELD(struct vmtp_strlist, c, k);
    char *v = NULL;
    char **nv = NULL;
    enum vmtp_status st = checked_string(s, k, o, &v, err);

    if (st != VMTP_OK) {
        return st;
    }
    nv = vx_reallocarray(l->v, l->n + 1, sizeof(*nv));
    if (nv == NULL) {
        free_str(&v, (k->flags & KF_ACCESS) != 0);
        return nomem(err);
    }
    l->v = nv;
    l->v[l->n++] = v;
    return VMTP_OK;
}

static size_t
max_items(const struct key *k)
{
    return k->max_items != 0 ? k->max_items : LIST_MAX;
}

static enum vmtp_status
check_count(const struct vmtp_config *c,
            const struct key *k,
            const struct origin *o,
            struct vmtp_error *err)
{
    size_t n = k->type == KT_STRLIST ? CFIELD(struct vmtp_strlist, c, k)->n
                                     : CFIELD(struct vmtp_intlist, c, k)->n;

    if (n < k->min_items) {
        return bad_value(err, o, k, "too few items");
    }
    if (n > max_items(k)) {
        return bad_value(err, o, k, "too many items");
    }
    return VMTP_OK;
}

/* ------------------------------------------------------------ YAML in -- */

static enum vmtp_status apply_node(struct vmtp_config *c,
                                   const struct key *k,
                                   yaml_document_t *doc,
                                   yaml_node_t *n,
                                   const char *origin,
                                   struct vmtp_error *err);

static enum vmtp_status
apply_scalar(struct vmtp_config *c,
             const struct key *k,
             yaml_node_t *n,
             const struct origin *o,
             struct vmtp_error *err)
{
    const char *s = vmtp_yaml_text(n);
    bool b = false;
    char *v = NULL;
    enum vmtp_status st;

    if (s == NULL) {
        return bad_value(err, o, k, "not a scalar");
    }
    switch (k->type) {
    case KT_STR:
        if (!vmtp_yaml_is_null(n)) {
            st = checked_string(s, k, o, &v, err);
            if (st != VMTP_OK) {
                return st;
            }
        }
        clear_value(c, k);
        *FIELD(char *, c, k) = v;
        return VMTP_OK;
    case KT_INT:
        if (!vmtp_yaml_is_plain(n)) {
            return bad_value(err, o, k, "quoted value");
        }
        return set_int_text(c, k, s, o, err);
    case KT_BOOL:
        if (vmtp_yaml_is_null(n)) {
            *FIELD(bool, c, k) = false;
            return VMTP_OK;
        }
        if (!vmtp_yaml_is_plain(n) || parse_bool(s, &b) != 0) {
            return bad_value(err, o, k, "not a boolean");
        }
        *FIELD(bool, c, k) = b;
        return VMTP_OK;
    default:
        if (vmtp_yaml_is_null(n)) {
            clear_value(c, k); /* null: an empty list or mapping */
            return k->type == KT_STRMAP ? VMTP_OK : check_count(c, k, o, err);
        }
        return bad_value(err, o, k, "not a list");
    }
}

static enum vmtp_status
apply_sequence(struct vmtp_config *c,
               const struct key *k,
               yaml_document_t *doc,
               yaml_node_t *n,
               const struct origin *o,
               struct vmtp_error *err)
{
    enum vmtp_status st = VMTP_OK;

    if (k->type != KT_STRLIST && k->type != KT_INTLIST) {
        return bad_value(err, o, k, "unexpected list");
    }
    if (n->data.sequence.items.top - n->data.sequence.items.start >
        (ptrdiff_t)max_items(k)) {
        return bad_value(err, o, k, "too many items");
    }
    clear_value(c, k);
    for (yaml_node_item_t *it = n->data.sequence.items.start;
         it < n->data.sequence.items.top && st == VMTP_OK; it++) {
        yaml_node_t *item = yaml_document_get_node(doc, *it);
        const char *s = vmtp_yaml_text(item);
        struct origin io = {o->name, item != NULL ? vmtp_yaml_line(item) : 0};

        if (s == NULL || vmtp_yaml_is_null(item)) {
            return bad_value(err, &io, k, "item is not a scalar");
        }
        if (k->type == KT_INTLIST) {
            if (!vmtp_yaml_is_plain(item)) {
                return bad_value(err, &io, k, "quoted item");
            }
            st = add_int_item(c, k, s, &io, err);
        } else {
            st = add_str_item(c, k, s, &io, err);
        }
    }
    return st != VMTP_OK ? st : check_count(c, k, o, err);
}

static enum vmtp_status
apply_strmap(struct vmtp_config *c,
             const struct key *k,
             yaml_document_t *doc,
             yaml_node_t *n,
             const struct origin *o,
             struct vmtp_error *err)
{
    struct vmtp_strmap *m = FIELD(struct vmtp_strmap, c, k);

    for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(doc, p->key);
        yaml_node_t *vn = yaml_document_get_node(doc, p->value);
        const char *ks = vmtp_yaml_text(kn);
        const char *vs = vmtp_yaml_text(vn);
        struct origin io = {o->name, kn != NULL ? vmtp_yaml_line(kn) : 0};

        if (ks == NULL || vs == NULL || *ks == '\0' || strlen(ks) > ITEM_MAX ||
            strlen(vs) > ITEM_MAX) {
            return bad_value(err, &io, k, "entry is not a string pair");
        }
        if (m->n >= LIST_MAX) {
            return bad_value(err, &io, k, "too many entries");
        }
        if (smap_put(m, ks, vs) != 0) {
            return nomem(err);
        }
    }
    return VMTP_OK;
}

/*
 * The line of an earlier key of mapping n equal to the key of pair p, or
 * 0. YAML requires unique keys; PyYAML lets the last one win, which hides
 * a typo as well as an unknown key would.
 */
static int
earlier_key_line(yaml_document_t *doc,
                 const yaml_node_t *n,
                 const yaml_node_pair_t *p,
                 const char *ks)
{
    for (const yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
        yaml_node_t *qn = yaml_document_get_node(doc, q->key);
        const char *qs = vmtp_yaml_text(qn);

        if (qs != NULL && strcmp(qs, ks) == 0) {
            return vmtp_yaml_line(qn);
        }
    }
    return 0;
}

/* Merge the mapping n whose keys are "<prefix>.<key>" (or top level). */
static enum vmtp_status
apply_mapping(struct vmtp_config *c,
              const char *prefix,
              yaml_document_t *doc,
              yaml_node_t *n,
              const char *origin,
              struct vmtp_error *err)
{
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(doc, p->key);
        yaml_node_t *vn = yaml_document_get_node(doc, p->value);
        const char *ks = vmtp_yaml_text(kn);
        char name[128];
        const struct key *k;
        enum vmtp_status st;
        int line = kn != NULL ? vmtp_yaml_line(kn) : 0;
        int first;

        if (ks == NULL || vn == NULL) {
            return vmtp_error_set(err, VMTP_E_INVAL,
                                  "%s:%d: a key must be a plain string", origin,
                                  line);
        }
        if (snprintf(name, sizeof(name), "%s%s%s", prefix,
                     *prefix != '\0' ? "." : "", ks) >= (int)sizeof(name)) {
            return vmtp_error_set(err, VMTP_E_INVAL,
                                  "%s:%d: unknown key '%.60s...'", origin, line,
                                  ks);
        }
        first = earlier_key_line(doc, n, p, ks);
        if (first != 0) {
            return vmtp_error_set(
                    err, VMTP_E_INVAL,
                    "%s:%d: duplicate key '%s' (first on line %d)", origin,
                    line, name, first);
        }
        k = find_key(name);
        if (k == NULL && *prefix == '\0' && is_section(name)) {
            if (vn->type != YAML_MAPPING_NODE) {
                return vmtp_error_set(err, VMTP_E_INVAL,
                                      "%s:%d: key '%s': expected a mapping",
                                      origin, line, name);
            }
            st = apply_mapping(c, name, doc, vn, origin, err);
        } else if (k == NULL) {
            return vmtp_error_set(err, VMTP_E_INVAL, "%s:%d: unknown key '%s'",
                                  origin, line, name);
        } else {
            st = apply_node(c, k, doc, vn, origin, err);
        }
        if (st != VMTP_OK) {
            return st;
        }
    }
    return VMTP_OK;
}

static enum vmtp_status
apply_node(struct vmtp_config *c,
           const struct key *k,
           yaml_document_t *doc,
           yaml_node_t *n,
           const char *origin,
           struct vmtp_error *err)
{
    struct origin o = {origin, vmtp_yaml_line(n)};

    switch (n->type) {
    case YAML_SCALAR_NODE:
        return apply_scalar(c, k, n, &o, err);
    case YAML_SEQUENCE_NODE:
        return apply_sequence(c, k, doc, n, &o, err);
    case YAML_MAPPING_NODE:
        if (k->type == KT_STRMAP) {
            return apply_strmap(c, k, doc, n, &o, err);
        }
        return bad_value(err, &o, k, "unexpected mapping");
    case YAML_NO_NODE:
        break;
    }
    return bad_value(err, &o, k, "no value");
}

enum vmtp_status
vmtp_config_merge_yaml(struct vmtp_config *cfg,
                       const char *text,
                       size_t len,
                       const char *origin,
                       struct vmtp_error *err)
{
    yaml_document_t doc;
    yaml_node_t *root;
    struct vmtp_config tmp;
    enum vmtp_status st;

    st = vmtp_yaml_load(&doc, text, len, origin, err);
    if (st != VMTP_OK) {
        return st;
    }
    root = yaml_document_get_root_node(&doc);
    if (root->type != YAML_MAPPING_NODE) {
        st = vmtp_error_set(err, VMTP_E_INVAL,
                            "%s:%d: expected a mapping of keys to values",
                            origin, vmtp_yaml_line(root));
        goto out;
    }
    if (config_copy(&tmp, cfg) != 0) {
        st = nomem(err);
        goto out;
    }
    st = apply_mapping(&tmp, "", &doc, root, origin, err);
    if (st == VMTP_OK) {
        vmtp_config_release(cfg);
        *cfg = tmp;
    } else {
        vmtp_config_release(&tmp);
    }
out:
    yaml_document_delete(&doc);
    return st;
}

enum vmtp_status
vmtp_config_init(struct vmtp_config *cfg, struct vmtp_error *err)
{
    memset(cfg, 0, sizeof(*cfg));
    return vmtp_config_merge_yaml(cfg, vmtp_default_config_yaml_text,
                                  vmtp_default_config_yaml_len,
                                  "default configuration", err);
}

/* ----------------------------------------------------------- set text -- */

static enum vmtp_status
set_list_text(struct vmtp_config *c,
              const struct key *k,
              const char *value,
              bool append,
              const struct origin *o,
              struct vmtp_error *err)
{
    char item[ITEM_MAX + 1];
    const char *p = value;
    enum vmtp_status st = VMTP_OK;

    if (!append) {
        clear_value(c, k);
    }
    if (value == NULL) {
        return check_count(c, k, o, err);
    }
    if (append) {
        /* "key+" appends one item verbatim (it may hold a ','). */
        st = k->type == KT_INTLIST ? add_int_item(c, k, value, o, err)
                                   : add_str_item(c, k, value, o, err);
        return st != VMTP_OK ? st : check_count(c, k, o, err);
    }
    for (;;) {
        size_t len = strcspn(p, ",");

        if (len == 0 || len > ITEM_MAX) {
            return bad_value(err, o, k, "empty or overlong item");
        }
        memcpy(item, p, len);
        item[len] = '\0';
        st = k->type == KT_INTLIST ? add_int_item(c, k, item, o, err)
                                   : add_str_item(c, k, item, o, err);
        if (st != VMTP_OK) {
            return st;
        }
        if (p[len] == '\0') {
            break;
        }
        p += len + 1;
    }
    return check_count(c, k, o, err);
}

static enum vmtp_status
set_map_text(struct vmtp_config *c,
             const struct key *k,
             const char *value,
             const struct origin *o,
             struct vmtp_error *err)
{
    char item[ITEM_MAX + 1];
    const char *p = value;

    if (value == NULL) {
        clear_value(c, k);
        return VMTP_OK;
    }
    for (;;) {
        size_t len = strcspn(p, ",");
        char *eq;

        if (len == 0 || len > ITEM_MAX) {
            return bad_value(err, o, k, "empty or overlong entry");
        }
        memcpy(item, p, len);
        item[len] = '\0';
        eq = strchr(item, '=');
        if (eq == NULL || eq == item) {
            return bad_value(err, o, k, "entry is not key=value");
        }
        *eq = '\0';
        if (!valid_utf8(item) || !valid_utf8(eq + 1)) {
            return bad_value(err, o, k, "not valid UTF-8");
        }
        if (FIELD(struct vmtp_strmap, c, k)->n >= LIST_MAX) {
            return bad_value(err, o, k, "too many entries");
        }
        if (smap_put(FIELD(struct vmtp_strmap, c, k), item, eq + 1) != 0) {
            return nomem(err);
        }
        if (p[len] == '\0') {
            return VMTP_OK;
        }
        p += len + 1;
    }
}

static enum vmtp_status
set_text(struct vmtp_config *c,
         const struct key *k,
         const char *value,
         bool append,
         struct vmtp_error *err)
{
    struct origin o = {"command line", 0};
    char *v = NULL;
    bool b = false;
    enum vmtp_status st;

    if (append && k->type != KT_STRLIST && k->type != KT_INTLIST) {
        return vmtp_error_set(err, VMTP_E_INVAL,
                              "key '%s' is not a list: cannot append", k->name);
    }
    switch (k->type) {
    case KT_STR:
        if (value != NULL) {
            st = checked_string(value, k, &o, &v, err);
            if (st != VMTP_OK) {
                return st;
            }
        }
        clear_value(c, k);
        *FIELD(char *, c, k) = v;
        return VMTP_OK;
    case KT_INT:
        if (value == NULL) {
            return bad_value(err, &o, k, "null");
        }
        return set_int_text(c, k, value, &o, err);
    case KT_BOOL:
        if (value == NULL || parse_bool(value, &b) != 0) {
            return bad_value(err, &o, k, "not a boolean");
        }
        *FIELD(bool, c, k) = b;
        return VMTP_OK;
    case KT_STRLIST:
    case KT_INTLIST:
        return set_list_text(c, k, value, append, &o, err);
    case KT_STRMAP:
        return set_map_text(c, k, value, &o, err);
    }
    return vmtp_error_set(err, VMTP_E_INTERNAL, "bad key type");
}

enum vmtp_status
vmtp_config_set_key(struct vmtp_config *cfg,
                    const char *key,
                    const char *value,
                    struct vmtp_error *err)
{
    char name[128];
    size_t len = key != NULL ? strlen(key) : 0;
    bool append = len > 0 && key[len - 1] == '+';
    const struct key *k;
    struct vmtp_config tmp;
    enum vmtp_status st;

    if (len == 0 || len >= sizeof(name)) {
        return vmtp_error_set(err, VMTP_E_INVAL, "unknown key");
    }
    memcpy(name, key, len + 1);
    if (append) {
        name[len - 1] = '\0';
    }
    k = find_key(name);
    if (k == NULL) {
        return vmtp_error_set(err, VMTP_E_INVAL, "unknown key '%s'", name);
    }
    if (config_copy(&tmp, cfg) != 0) {
        return nomem(err);
    }
    st = set_text(&tmp, k, value, append, err);
    if (st == VMTP_OK) {
        vmtp_config_release(cfg);
        *cfg = tmp;
    } else {
        vmtp_config_release(&tmp);
    }
    return st;
}

/* ----------------------------------------------------------- YAML out -- */

/*
 * Decode one UTF-8 sequence at s; returns its length (1..4) and the code
 * point in *cp, or 0 when the bytes are not valid UTF-8.
 */
static size_t
utf8_next(const unsigned char *s, unsigned long *cp)
{
    size_t n;
    unsigned long min;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0) {
        n = 2;
        min = 0x80;
        *cp = s[0] & 0x1fu;
    } else if ((s[0] & 0xf0) == 0xe0) {
        n = 3;
        min = 0x800;
        *cp = s[0] & 0x0fu;
    } else if ((s[0] & 0xf8) == 0xf0) {
        n = 4;
        min = 0x10000;
        *cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        *cp = (*cp << 6) | (s[i] & 0x3fu);
    }
    if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff)) {
        return 0;
    }
    return n;
}

static bool
valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned long cp;

    while (*p != '\0') {
        size_t n = utf8_next(p, &cp);

        if (n == 0) {
            return false;
        }
        p += n;
    }
    return true;
}

/* Code points YAML would fold, refuse or misread when written raw. */
static bool
needs_escape(unsigned long cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0xfeff || cp == 0xfffe || cp == 0xffff;
}

/* A YAML double-quoted scalar that reads back to exactly s. */
static int
put_quoted(struct vx_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int rc = vx_buf_adds(b, "\"");

    while (rc == 0 && *p != '\0') {
        unsigned long cp = 0;
        size_t n = utf8_next(p, &cp);

        if (n == 0) {
            n = 1;
            cp = 0xfffd; /* not reached: strings are checked on entry */
            rc = vx_buf_adds(b, "\\uFFFD");
        } else if (cp == '"' || cp == '\\') {
            rc = vx_buf_addf(b, "\\%c", (int)cp);
        } else if (needs_escape(cp)) {
            rc = vx_buf_addf(b, "\\u%04lX", cp);
        } else {
            rc = vx_buf_add(b, p, n);
        }
        p += n;
    }
    return rc == 0 ? vx_buf_adds(b, "\"") : rc;
}

/* An access string without its password: user@host or user@host::if. */
static int
put_access(struct vx_buf *b, const char *s)
{
    struct vx_access a;
    char text[VX_USER_MAX + VX_HOST_MAX + VX_IFNAME_MAX + 8];
    int rc;

    if (vx_parse_access(s, true, &a, NULL) != 0) {
        return put_quoted(b, "<invalid>");
    }
    (void)snprintf(text, sizeof(text), "%s@%s%s%s%s%s", a.user,
                   a.kind == VX_HOST_IPV6 ? "[" : "", a.host,
                   a.kind == VX_HOST_IPV6 ? "]" : "",
                   a.ifname[0] != '\0' ? "::" : "", a.ifname);
    vx_access_clear(&a);
    rc = put_quoted(b, text);
    explicit_bzero(text, sizeof(text));
    return rc;
}

static int
put_str(struct vx_buf *b, const struct key *k, const char *s)
{
    if (s == NULL) {
        return vx_buf_adds(b, "null");
    }
    if ((k->flags & KF_ACCESS) != 0) {
        return put_access(b, s);
    }
    return put_quoted(b, s);
}

static int
put_value(struct vx_buf *b,
          const struct vmtp_config *c,
          const struct key *k,
          const char *indent)
{
    int rc = 0;

    switch (k->type) {
    case KT_STR:
        return put_str(b, k, *CFIELD(char *, c, k));
    case KT_INT:
        return vx_buf_addf(b, "%lld", *CFIELD(long long, c, k));
    case KT_BOOL:
        return vx_buf_adds(b, *CFIELD(bool, c, k) ? "true" : "false");
    case KT_STRLIST:
        rc = vx_buf_adds(b, "[");
        for (size_t i = 0; rc == 0 && i < CFIELD(struct vmtp_strlist, c, k)->n;
             i++) {
            rc = i > 0 ? vx_buf_adds(b, ", ") : 0;
            rc = rc == 0 ? put_str(b, k,
                                   CFIELD(struct vmtp_strlist, c, k)->v[i])
                         : rc;
        }
        return rc == 0 ? vx_buf_adds(b, "]") : rc;
    case KT_INTLIST:
        rc = vx_buf_adds(b, "[");
        for (size_t i = 0; rc == 0 && i < CFIELD(struct vmtp_intlist, c, k)->n;
             i++) {
            rc = vx_buf_addf(b, "%s%lld", i > 0 ? ", " : "",
                             CFIELD(struct vmtp_intlist, c, k)->v[i]);
        }
        return rc == 0 ? vx_buf_adds(b, "]") : rc;
    case KT_STRMAP:
        if (CFIELD(struct vmtp_strmap, c, k)->n == 0) {
            return vx_buf_adds(b, "{}");
        }
        for (size_t i = 0; rc == 0 && i < CFIELD(struct vmtp_strmap, c, k)->n;
             i++) {
            rc = vx_buf_addf(b, "\n%s  ", indent);
            rc = rc == 0 ? put_quoted(b,
                                      CFIELD(struct vmtp_strmap, c, k)->keys[i])
                         : rc;
            rc = rc == 0 ? vx_buf_adds(b, ": ") : rc;
            rc = rc == 0 ? put_quoted(b,
                                      CFIELD(struct vmtp_strmap, c, k)->vals[i])
                         : rc;
        }
        return rc;
    }
    return -1;
}

char *
vmtp_config_render(const struct vmtp_config *cfg)
{
    struct vx_buf b;
    char section[64] = "";
    int rc;

    vx_buf_init(&b, DUMP_MAX);
    rc = vx_buf_adds(&b, "# vmtp effective configuration (vmtp -sc): "
                         "defaults < $HOME/.vmtp.yaml < -c FILE < "
                         "options\n");
    for (size_t i = 0; rc == 0 && i < NKEYS; i++) {
        const struct key *k = &keys[i];
        const char *dot = strchr(k->name, '.');
        const char *leaf = k->name;
        const char *indent = "";

        if (dot != NULL) {
            size_t plen = (size_t)(dot - k->name);

            if (strncmp(section, k->name, plen) != 0 || section[plen] != '\0') {
                (void)vx_strlcpy(section, k->name, plen + 1);
                rc = vx_buf_addf(&b, "%s:\n", section);
            }
            leaf = dot + 1;
            indent = "  ";
        }
        rc = rc == 0 ? vx_buf_addf(&b, "%s%s: ", indent, leaf) : rc;
        rc = rc == 0 ? put_value(&b, cfg, k, indent) : rc;
        rc = rc == 0 ? vx_buf_adds(&b, "\n") : rc;
    }
    if (rc != 0) {
        return NULL; /* the buffer was released by the failed append */
    }
    return vx_buf_take(&b);
}

/* ------------------------------------------------------- public API --- */

const char *
vmtp_config_default_yaml(void)
{
    return vmtp_default_config_yaml_text;
}

enum vmtp_status
vmtp_config_load_yaml(struct vmtp_ctx *ctx,
                      const char *text,
                      size_t len,
                      const char *origin)
{
    return vmtp_config_merge_yaml(&ctx->cfg, text, len,
                                  origin != NULL ? origin : "(yaml)",
                                  &ctx->err);
}

enum vmtp_status
vmtp_config_load_file(struct vmtp_ctx *ctx, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    enum vmtp_status st;

    st = vmtp_read_file(path, VMTP_YAML_MAX, &text, &len, &ctx->err);
    if (st != VMTP_OK) {
        return st;
    }
    st = vmtp_config_merge_yaml(&ctx->cfg, text, len, path, &ctx->err);
    free(text);
    return st;
}

enum vmtp_status
vmtp_config_set(struct vmtp_ctx *ctx, const char *key, const char *value)
{
    return vmtp_config_set_key(&ctx->cfg, key, value, &ctx->err);
}

char *
vmtp_config_dump_yaml(const struct vmtp_ctx *ctx)
{
    return vmtp_config_render(&ctx->cfg);
}

char *
vmtp_config_get(struct vmtp_ctx *ctx, const char *key)
{
    const struct key *k = key != NULL ? find_key(key) : NULL;
    struct vx_buf b;

    if (k == NULL) {
        (void)vmtp_set_error(ctx, VMTP_E_INVAL, "unknown key '%s'",
                             key != NULL ? key : "(null)");
        return NULL;
    }
    vx_buf_init(&b, DUMP_MAX);
    if (put_value(&b, &ctx->cfg, k, "") != 0) {
        (void)vmtp_set_error(ctx, VMTP_E_NOMEM, "out of memory");
        return NULL;
    }
    return vx_buf_take(&b);
}

const struct vmtp_config *
vmtp_ctx_config(const struct vmtp_ctx *ctx)
{
    return &ctx->cfg;
}
