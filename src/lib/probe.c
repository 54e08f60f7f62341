/* \summary: remote probes: interface address, distro, CPU, OpenStack info */
#include "probe.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "vx_alloc.h"
#include "vx_buf.h"
#include "vx_str.h"

/* clang-format off: vx_banned.h must stay the last include */
#include "vx_banned.h"
/* clang-format on */

#define PROBE_TIMEOUT_MS 20000

bool
vmtp_probe_ifname_valid(const char *name)
{
    size_t n = 0;

    if (name == NULL) {
        return false;
    }
    for (const char *p = name; *p != '\0'; p++, n++) {
        if (!isalnum((unsigned char)*p) && strchr("_.:@-", *p) == NULL) {
            return false;
        }
    }
    return n >= 1 && n <= 15 && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0;
}

enum vmtp_status
vmtp_probe_parse_ip_json(const char *json,
                         const char *ifname,
                         struct vmtp_host_addr *addr,
                         struct vmtp_error *err)
{
    json_error_t jerr;
    json_t *root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    json_t *link;
    json_t *infos;
    json_t *ai;
    size_t i;
    enum vmtp_status st = VMTP_OK;

    memset(addr, 0, sizeof(*addr));
    if (root == NULL) {
        return vmtp_error_set(err, VMTP_E_PARSE,
                              "ip -j addr: bad JSON at line %d: %s", jerr.line,
                              jerr.text);
    }
    link = json_array_get(root, 0);
    infos = json_object_get(link, "addr_info");
    if (!json_is_array(root) || !json_is_object(link) ||
        !json_is_array(infos)) {
        st = vmtp_error_set(err, VMTP_E_PARSE,
                            "ip -j addr: expected [{\"addr_info\": [...]}]");
        goto out;
    }
    json_array_foreach(infos, i, ai)
    {
        const char *fam = json_string_value(json_object_get(ai, "family"));
        const char *local = json_string_value(json_object_get(ai, "local"));
        const char *scope = json_string_value(json_object_get(ai, "scope"));
        unsigned char bin[sizeof(struct in6_addr)];

        if (fam == NULL || local == NULL || !vx_streq(scope, "global")) {
            continue;
        }
        if (strcmp(fam, "inet") == 0 && addr->ipv4[0] == '\0' &&
            inet_pton(AF_INET, local, bin) == 1) {
            (void)vx_strlcpy(addr->ipv4, local, sizeof(addr->ipv4));
        } else if (strcmp(fam, "inet6") == 0 && addr->ipv6[0] == '\0' &&
                   inet_pton(AF_INET6, local, bin) == 1) {
            (void)vx_strlcpy(addr->ipv6, local, sizeof(addr->ipv6));
        }
    }
    if (addr->ipv4[0] == '\0' && addr->ipv6[0] == '\0') {
        st = vmtp_error_set(err, VMTP_E_NOTFOUND,
                            "interface '%s' has no global address",
                            ifname != NULL ? ifname : "?");
    }
out:
    json_decref(root);
    return st;
}

static void
res_release(struct vmtp_exec_result *r)
{
    VX_FREE(r->out);
    VX_FREE(r->err);
}

enum vmtp_status
vmtp_probe_ifaddr(struct vmtp_executor *ex,
                  const char *ifname,
                  struct vmtp_host_addr *addr,
                  struct vmtp_error *err)
{
    const char *argv[] = {"ip", "-j", "addr", "show", "dev", ifname, NULL};
    struct vmtp_exec_result res;
    enum vmtp_status st;

    memset(addr, 0, sizeof(*addr));
    memset(&res, 0, sizeof(res));
    if (!vmtp_probe_ifname_valid(ifname)) {
        return vmtp_error_set(err, VMTP_E_INVAL, "invalid interface name '%s'",
                              ifname != NULL ? ifname : "");
    }
    st = ex->ops->run(ex, argv, PROBE_TIMEOUT_MS, &res, err);
    if (st != VMTP_OK) {
        goto out;
    }
    if (res.exit_status != 0) {
        st = vmtp_error_set(err, VMTP_E_NOTFOUND,
                            "%s: cannot get IP address for interface '%s'%s%s",
                            ex->name, ifname, res.err[0] != '\0' ? ": " : "",
                            res.err);
        goto out;
    }
    st = vmtp_probe_parse_ip_json(res.out, ifname, addr, err);
out:
    res_release(&res);
    return st;
}

void
vmtp_host_info_init(struct vmtp_host_info *info)
{
    memset(info, 0, sizeof(*info));
}

void
vmtp_host_info_release(struct vmtp_host_info *info)
{
    VX_FREE(info->distro);
    VX_FREE(info->openstack_version);
    VX_FREE(info->l2agent_type);
    VX_FREE(info->encapsulation);
    VX_FREE(info->cpu_info);
}

/*
 * Walk `text` line by line: calls fn(line, len, ud) for each line (without
 * the newline). Stops early when fn returns non-zero.
 */
static void
for_lines(const char *text, int (*fn)(const char *, size_t, void *), void *ud)
{
    const char *p = text;

    while (p != NULL && *p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

        if (fn(p, len, ud) != 0) {
            return;
        }
        p = nl != NULL ? nl + 1 : NULL;
    }
}

/* Copy [s, s+len) trimmed of blanks (and \r) into a new string. */
static char *
dup_trim(const char *s, size_t len)
{
    while (len > 0 && isspace((unsigned char)s[0])) {
        s++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)s[len - 1])) {
        len--;
    }
    return vx_strndup(s, len);
}

/* The /etc/os-release keys we read (first occurrence of each). */
struct osrel {
    char *name;
    char *id;
    char *version_id;
};

static void
osrel_release(struct osrel *o)
{
    free(o->name);
    free(o->id);
    free(o->version_id);
}

/* A value of os-release: optional double or single quotes, trimmed. */
static char *
osrel_value(const char *v, size_t len)
{
    while (len > 0 && isspace((unsigned char)v[len - 1])) {
        len--;
    }
    if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
        v++;
        len -= 2;
    }
    return vx_strndup(v, len);
}

static int
osrel_line(const char *line, size_t len, void *ud)
{
    struct osrel *o = ud;

    if (len > 5 && strncmp(line, "NAME=", 5) == 0 && o->name == NULL) {
        o->name = osrel_value(line + 5, len - 5);
    } else if (len > 3 && strncmp(line, "ID=", 3) == 0 && o->id == NULL) {
        o->id = osrel_value(line + 3, len - 3);
    } else if (len > 11 && strncmp(line, "VERSION_ID=", 11) == 0 &&
               o->version_id == NULL) {
        o->version_id = osrel_value(line + 11, len - 11);
    }
    return 0;
}

char *
vmtp_probe_parse_os_release(const char *text)
{
    struct osrel o = {NULL, NULL, NULL};
    struct vx_buf b;
    char *s = NULL;

    for_lines(text, osrel_line, &o);
    if (o.name == NULL || o.name[0] == '\0') {
        goto out;
    }
    vx_buf_init(&b, 512);
    if (o.version_id != NULL && o.version_id[0] != '\0') {
        (void)vx_buf_addf(&b, "%s %s", o.name, o.version_id);
    } else {
        (void)vx_buf_adds(&b, o.name);
    }
    s = vx_buf_take(&b);
    vx_buf_release(&b);
out:
    osrel_release(&o);
    return s;
}

void
vmtp_probe_parse_distro(const char *text,
                        char *id,
                        size_t id_len,
                        char *version,
                        size_t version_len)
{
    struct osrel o = {NULL, NULL, NULL};

    for_lines(text, osrel_line, &o);
    (void)vx_strlcpy(id, o.id != NULL && o.id[0] != '\0' ? o.id : "Unknown",
                     id_len);
    (void)vx_strlcpy(version,
                     o.version_id != NULL && o.version_id[0] != '\0'
                             ? o.version_id
                             : "Unknown",
                     version_len);
    osrel_release(&o);
}

struct cpuinfo {
    long count;
    char *model;
};

static int
cpuinfo_line(const char *line, size_t len, void *ud)
{
    struct cpuinfo *c = ud;
    const char *colon = memchr(line, ':', len);
    size_t klen;

    if (colon == NULL) {
        return 0;
    }
    klen = (size_t)(colon - line);
    while (klen > 0 && isspace((unsigned char)line[klen - 1])) {
        klen--;
    }
    if (klen == 10 && strncmp(line, "model name", 10) == 0) {
        c->count++;
        if (c->model == NULL) {
            c->model = dup_trim(colon + 1, len - (size_t)(colon + 1 - line));
        }
    }
    return 0;
}

char *
vmtp_probe_parse_cpuinfo(const char *text)
{
    struct cpuinfo c = {0, NULL};
    struct vx_buf b;
    char *s = NULL;

    for_lines(text, cpuinfo_line, &c);
    if (c.count > 0 && c.model != NULL && c.model[0] != '\0') {
        vx_buf_init(&b, 512);
        (void)vx_buf_addf(&b, "%ld * %s", c.count, c.model);
        s = vx_buf_take(&b);
        vx_buf_release(&b);
    }
    free(c.model);
    return s;
}

/* Find the first "N.N[.N...]" in text; copies it into ver. */
static bool
find_version(const char *text, char *ver, size_t versize)
{
    for (const char *p = text; *p != '\0'; p++) {
        size_t n = 0;
        bool dot = false;

        if (!isdigit((unsigned char)*p) ||
            (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '.'))) {
            continue;
        }
        while (isdigit((unsigned char)p[n]) ||
               (p[n] == '.' && isdigit((unsigned char)p[n + 1]))) {
            dot = dot || p[n] == '.';
            n++;
        }
        if (dot && n < versize) {
            memcpy(ver, p, n);
            ver[n] = '\0';
            return true;
        }
        p += n > 0 ? n - 1 : 0;
    }
    return false;
}

static const char *
release_name(const char *ver)
{
    static const struct {
        const char *prefix;
        const char *name;
    } years[] = {{"2015.1", "Kilo"},
                 {"2014.2", "Juno"},
                 {"2014.1", "Icehouse"},
                 {"2013.2", "Havana"},
                 {"2013.1", "Grizzly"},
                 {"2012.2", "Folsom"},
                 {"2012.1", "Essex"},
                 {"2011.3", "Diablo"},
                 {"2011.2", "Cactus"},
                 {"2011.1", "Bexar"},
                 {"2010.1", "Austin"},
                 {"2023.1", "2023.1 Antelope"},
                 {"2023.2", "2023.2 Bobcat"},
                 {"2024.1", "2024.1 Caracal"},
                 {"2024.2", "2024.2 Dalmatian"},
                 {"2025.1", "2025.1 Epoxy"},
                 {"2025.2", "2025.2 Flamingo"}};
    /* nova major version 12 .. 32 */
    static const char *const nova[] = {"Liberty",
                                       "Mitaka",
                                       "Newton",
                                       "Ocata",
                                       "Pike",
                                       "Queens",
                                       "Rocky",
                                       "Stein",
                                       "Train",
                                       "Ussuri",
                                       "Victoria",
                                       "Wallaby",
                                       "Xena",
                                       "Yoga",
                                       "Zed",
                                       "2023.1 Antelope",
                                       "2023.2 Bobcat",
                                       "2024.1 Caracal",
                                       "2024.2 Dalmatian",
                                       "2025.1 Epoxy",
                                       "2025.2 Flamingo"};
    char major[8];
    const char *dot = strchr(ver, '.');
    const char *errstr = NULL;
    long long m;

    for (size_t i = 0; i < sizeof(years) / sizeof(years[0]); i++) {
        size_t n = strlen(years[i].prefix);

        if (strncmp(ver, years[i].prefix, n) == 0 &&
            (ver[n] == '\0' || ver[n] == '.')) {
            return years[i].name;
        }
    }
    if (dot == NULL || (size_t)(dot - ver) >= sizeof(major)) {
        return NULL;
    }
    memcpy(major, ver, (size_t)(dot - ver));
    major[dot - ver] = '\0';
    m = vx_strtonum(major, 12,
                    12 + (long long)(sizeof(nova) / sizeof(nova[0])) - 1,
                    &errstr);
    return errstr == NULL ? nova[m - 12] : NULL;
}

char *
vmtp_probe_openstack_release(const char *text)
{
    char ver[64];
    const char *p = text;
    const char *colon;
    const char *name;
    struct vx_buf b;
    char *s;

    if (text == NULL) {
        return NULL;
    }
    /* A Debian epoch ("2:26.2.0-0ubuntu1") is not part of the version. */
    colon = strchr(p, ':');
    if (colon != NULL && colon > p &&
        strspn(p, "0123456789") == (size_t)(colon - p)) {
        p = colon + 1;
    }
    if (!find_version(p, ver, sizeof(ver))) {
        return NULL;
    }
    name = release_name(ver);
    vx_buf_init(&b, 128);
    (void)vx_buf_addf(&b, "%s (%s)", name != NULL ? name : "Unknown", ver);
    s = vx_buf_take(&b);
    vx_buf_release(&b);
    return s;
}

struct ini {
    const char *section;
    const char *key;
    bool in_section;
    char *value;
};

static int
ini_line(const char *line, size_t len, void *ud)
{
    struct ini *st = ud;
    const char *eq;
    size_t klen;
    size_t off = 0;

    while (off < len && isspace((unsigned char)line[off])) {
        off++;
    }
    line += off;
    len -= off;
    if (len == 0 || line[0] == '#' || line[0] == ';') {
        return 0;
    }
    if (line[0] == '[') {
        const char *close = memchr(line, ']', len);
        size_t slen = strlen(st->section);

        st->in_section = close != NULL && (size_t)(close - line - 1) == slen &&
                         strncmp(line + 1, st->section, slen) == 0;
        return 0;
    }
    if (!st->in_section) {
        return 0;
    }
    eq = memchr(line, '=', len);
    if (eq == NULL) {
        return 0;
    }
    klen = (size_t)(eq - line);
    while (klen > 0 && isspace((unsigned char)line[klen - 1])) {
        klen--;
    }
    if (klen == strlen(st->key) && strncmp(line, st->key, klen) == 0) {
        free(st->value);
        st->value = dup_trim(eq + 1, len - (size_t)(eq + 1 - line));
    }
    return 0;
}

char *
vmtp_probe_ini_get(const char *text, const char *section, const char *key)
{
    struct ini st = {section, key, false, NULL};

    if (text == NULL) {
        return NULL;
    }
    for_lines(text, ini_line, &st);
    return st.value;
}

/* The first element of a comma list, trimmed; NULL when empty. */
static char *
first_item(const char *list)
{
    size_t n;

    if (list == NULL) {
        return NULL;
    }
    n = strcspn(list, ",");
    if (n == 0) {
        return NULL;
    }
    return dup_trim(list, n);
}

/* True when comma list `list` has the item `item`. */
static bool
has_item(const char *list, const char *item)
{
    size_t ilen = strlen(item);

    for (const char *p = list; p != NULL && *p != '\0';) {
        size_t n = strcspn(p, ",");
        const char *q = p;
        size_t m = n;

        while (m > 0 && isspace((unsigned char)*q)) {
            q++;
            m--;
        }
        while (m > 0 && isspace((unsigned char)q[m - 1])) {
            m--;
        }
        if (m == ilen && strncmp(q, item, m) == 0) {
            return true;
        }
        p = p[n] == ',' ? p + n + 1 : p + n;
    }
    return false;
}

static const char *
l2_from_config(const char *mech, const char *ovs_agent, const char *lb_agent)
{
    if (has_item(mech, "openvswitch")) {
        return "Open vSwitch agent";
    }
    if (has_item(mech, "linuxbridge")) {
        return "Linux bridge agent";
    }
    if (has_item(mech, "ovn")) {
        return "OVN Controller agent";
    }
    if (ovs_agent != NULL) {
        return "Open vSwitch agent";
    }
    if (lb_agent != NULL) {
        return "Linux bridge agent";
    }
    return "Unknown agent";
}

int
vmtp_probe_parse_neutron(const char *ml2_conf,
                         const char *ovs_agent,
                         const char *lb_agent,
                         char **l2agent_type,
                         char **encapsulation)
{
    char *mech = vmtp_probe_ini_get(ml2_conf, "ml2", "mechanism_drivers");
    char *types = vmtp_probe_ini_get(ml2_conf, "ml2", "tenant_network_types");
    char *encap = first_item(types);
    int rc = 0;

    if (encap == NULL) {
        char *tun = vmtp_probe_ini_get(ovs_agent, "agent", "tunnel_types");

        encap = first_item(tun);
        free(tun);
    }
    if (encap == NULL) {
        char *vx = vmtp_probe_ini_get(lb_agent, "vxlan", "enable_vxlan");

        if (vx != NULL &&
            (strcasecmp(vx, "true") == 0 || strcasecmp(vx, "yes") == 0)) {
            encap = vx_strdup("vxlan");
        }
        free(vx);
    }
    *l2agent_type = vx_strdup(l2_from_config(mech, ovs_agent, lb_agent));
    *encapsulation = encap != NULL ? encap : vx_strdup("Unknown");
    if (*l2agent_type == NULL || *encapsulation == NULL) {
        VX_FREE(*l2agent_type);
        VX_FREE(*encapsulation);
        rc = -1;
    }
    free(mech);
    free(types);
    return rc;
}

/*
 * Run argv; on exit status 0 return its stdout (and stderr appended when
 * `with_stderr`) in *text, else NULL. Only executor failures are errors.
 */
static enum vmtp_status
fetch(struct vmtp_executor *ex,
      const char *const *argv,
      bool with_stderr,
      char **text,
      struct vmtp_error *err)
{
    struct vmtp_exec_result res;
    enum vmtp_status st;

    *text = NULL;
    memset(&res, 0, sizeof(res));
    st = ex->ops->run(ex, argv, PROBE_TIMEOUT_MS, &res, err);
    if (st == VMTP_OK && res.exit_status == 0) {
        if (with_stderr) {
            struct vx_buf b;

            vx_buf_init(&b, (size_t)2 * (size_t)VMTP_EXEC_MAX_OUTPUT);
            (void)vx_buf_addf(&b, "%s\n%s", res.out, res.err);
            *text = vx_buf_take(&b);
            vx_buf_release(&b);
        } else {
            *text = res.out;
            res.out = NULL;
        }
        if (*text == NULL) {
            st = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        }
    }
    res_release(&res);
    return st;
}

enum vmtp_status
vmtp_probe_distro(struct vmtp_executor *ex,
                  char *id,
                  size_t id_len,
                  char *version,
                  size_t version_len,
                  struct vmtp_error *err)
{
    static const char *const osrel[] = {"cat", "/etc/os-release", NULL};
    char *text = NULL;
    enum vmtp_status st = fetch(ex, osrel, false, &text, err);

    vmtp_probe_parse_distro(st == VMTP_OK && text != NULL ? text : "", id,
                            id_len, version, version_len);
    free(text);
    return st;
}

static enum vmtp_status
probe_distro(struct vmtp_executor *ex,
             struct vmtp_host_info *info,
             struct vmtp_error *err)
{
    static const char *const osrel[] = {"cat", "/etc/os-release", NULL};
    static const char *const sysrel[] = {"cat", "/etc/system-release", NULL};
    char *text = NULL;
    enum vmtp_status st = fetch(ex, osrel, false, &text, err);

    if (st != VMTP_OK) {
        return st;
    }
    if (text != NULL) {
        info->distro = vmtp_probe_parse_os_release(text);
        free(text);
        return VMTP_OK;
    }
    st = fetch(ex, sysrel, false, &text, err);
    if (st == VMTP_OK && text != NULL) {
        size_t n = strcspn(text, "\n");

        info->distro = n > 0 ? dup_trim(text, n) : NULL;
    }
    free(text);
    return st;
}

static enum vmtp_status
probe_openstack(struct vmtp_executor *ex,
                struct vmtp_host_info *info,
                struct vmtp_error *err)
{
    static const char *const nova_manage[] = {"nova-manage", "--version", NULL};
    static const char *const dpkg[] = {"dpkg-query", "-W", "-f=${Version}",
                                       "nova-common", NULL};
    static const char *const rpm[] = {
            "rpm", "-q", "--qf", "%{VERSION}", "openstack-nova-common", NULL};
    const char *const *cmds[] = {nova_manage, dpkg, rpm};
    enum vmtp_status st = VMTP_OK;

    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        char *text = NULL;

        st = fetch(ex, cmds[i], i == 0, &text, err);
        if (st != VMTP_OK) {
            return st;
        }
        info->openstack_version = vmtp_probe_openstack_release(text);
        free(text);
        if (info->openstack_version != NULL) {
            return VMTP_OK;
        }
    }
    info->openstack_version = vx_strdup("Unknown");
    return VMTP_OK;
}

static enum vmtp_status
probe_neutron(struct vmtp_executor *ex,
              struct vmtp_host_info *info,
              struct vmtp_error *err)
{
    static const char *const files[] = {
            "/etc/neutron/plugins/ml2/ml2_conf.ini",
            "/etc/neutron/plugins/ml2/openvswitch_agent.ini",
            "/etc/neutron/plugins/ml2/linuxbridge_agent.ini"};
    char *text[3] = {NULL, NULL, NULL};
    enum vmtp_status st = VMTP_OK;

    for (size_t i = 0; i < 3 && st == VMTP_OK; i++) {
        const char *argv[] = {"cat", files[i], NULL};

        st = fetch(ex, argv, false, &text[i], err);
    }
    if (st == VMTP_OK &&
        vmtp_probe_parse_neutron(text[0], text[1], text[2], &info->l2agent_type,
                                 &info->encapsulation) != 0) {
        st = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < 3; i++) {
        free(text[i]);
    }
    return st;
}

enum vmtp_status
vmtp_probe_controller(struct vmtp_executor *ex,
                      struct vmtp_host_info *info,
                      struct vmtp_error *err)
{
    static const char *const cpuinfo[] = {"cat", "/proc/cpuinfo", NULL};
    char *text = NULL;
    enum vmtp_status st;

    vmtp_host_info_release(info);
    st = probe_distro(ex, info, err);
    if (st == VMTP_OK) {
        st = probe_openstack(ex, info, err);
    }
    if (st == VMTP_OK) {
        st = probe_neutron(ex, info, err);
    }
    if (st == VMTP_OK) {
        st = fetch(ex, cpuinfo, false, &text, err);
    }
    if (st == VMTP_OK) {
        info->cpu_info = text != NULL ? vmtp_probe_parse_cpuinfo(text) : NULL;
        if (info->cpu_info == NULL) {
            info->cpu_info = vx_strdup("Unknown");
        }
        if (info->cpu_info == NULL || info->openstack_version == NULL) {
            st = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        }
    }
    free(text);
    if (st != VMTP_OK) {
        vmtp_host_info_release(info);
    }
    return st;
}
