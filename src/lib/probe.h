/* \summary: remote probes: interface address, distro, CPU, OpenStack info */
#ifndef VMTP_LIB_PROBE_H
#define VMTP_LIB_PROBE_H

#include <netinet/in.h>

#include <stddef.h>

#include <vmtp/vmtp.h>

#include "exec.h"

/*
 * The probes run over any executor (local or SSH) with argv commands only,
 * and each has a pure parser below that takes the command's output, so
 * the parsers are unit-tested on captured fixtures.
 */

/* Global addresses of one interface; "" when it has none of a family. */
struct vmtp_host_addr {
    char ipv4[INET_ADDRSTRLEN];
    char ipv6[INET6_ADDRSTRLEN];
};

/*
 * Find the addresses of interface `ifname` on the executor's host with
 * `ip -j addr show dev IFNAME` (the server's listen address in native
 * mode). The name must be a valid Linux interface name (1-15 characters
 * from [A-Za-z0-9_.:@-]), so nothing else ever reaches the command.
 * Errors: VMTP_E_INVAL (bad name), VMTP_E_NOTFOUND (no such interface, or
 * no global address), VMTP_E_PARSE, and the executor's errors.
 */
enum vmtp_status vmtp_probe_ifaddr(struct vmtp_executor *ex,
                                   const char *ifname,
                                   struct vmtp_host_addr *addr,
                                   struct vmtp_error *err);

/* True when `name` is acceptable as an interface name (see above). */
bool vmtp_probe_ifname_valid(const char *name);

/*
 * Parse the JSON printed by `ip -j addr show dev IFNAME`: the first
 * global-scope inet and inet6 addresses. Errors: VMTP_E_PARSE,
 * VMTP_E_NOTFOUND (no global address).
 */
enum vmtp_status vmtp_probe_parse_ip_json(const char *json,
                                          const char *ifname,
                                          struct vmtp_host_addr *addr,
                                          struct vmtp_error *err);

/*
 * What --controller-node reports, under the original's JSON keys. Every
 * string is owned (free with vmtp_host_info_release()). distro is NULL
 * when the host has neither /etc/os-release nor /etc/system-release (the
 * original's null); the others are never NULL after a successful probe:
 * "Unknown" ("Unknown agent" for l2agent_type) when not found.
 */
struct vmtp_host_info {
    char *distro;            /* "Debian GNU/Linux 12" */
    char *openstack_version; /* "Zed (26.2.0)", "2024.1 Caracal (29.0.1)" */
    char *l2agent_type;      /* "Open vSwitch agent", "Linux bridge agent" */
    char *encapsulation;     /* "vxlan", "vlan", "geneve", "gre", "flat" */
    char *cpu_info;          /* "40 * Intel(R) Xeon(R) CPU E5-2660 v2" */
};

void vmtp_host_info_init(struct vmtp_host_info *info);
void vmtp_host_info_release(struct vmtp_host_info *info);

/*
 * Fill *info from the executor's host: /etc/os-release, /proc/cpuinfo,
 * `nova-manage --version` or the nova package version (dpkg, rpm), and
 * Neutron's ml2_conf.ini, openvswitch_agent.ini and linuxbridge_agent.ini.
 * A probe that finds nothing gives "Unknown"; only executor failures
 * (session lost, timeout, cancel) and VMTP_E_NOMEM are errors.
 */
enum vmtp_status vmtp_probe_controller(struct vmtp_executor *ex,
                                       struct vmtp_host_info *info,
                                       struct vmtp_error *err);

/*
 * Parsers. Each returns a string owned by the caller (free()), or NULL
 * when the input does not have what it looks for (or on ENOMEM).
 */

/* "NAME VERSION_ID" from os-release text, keys matched exactly. */
char *vmtp_probe_parse_os_release(const char *text);

/*
 * A flow's distro_id and distro_version: ID= and VERSION_ID= of an
 * os-release text (keys matched exactly, quotes removed), each "Unknown"
 * when absent, copied into the caller's buffers (truncated to fit).
 */
void vmtp_probe_parse_distro(const char *text,
                             char *id,
                             size_t id_len,
                             char *version,
                             size_t version_len);

/*
 * The same from `cat /etc/os-release` on the executor's host. A host
 * without the file gives "Unknown"; the executor's errors (session lost,
 * timeout, cancel) are returned, the buffers then hold "Unknown".
 */
enum vmtp_status vmtp_probe_distro(struct vmtp_executor *ex,
                                   char *id,
                                   size_t id_len,
                                   char *version,
                                   size_t version_len,
                                   struct vmtp_error *err);

/* "<count> * <model>" from /proc/cpuinfo text. */
char *vmtp_probe_parse_cpuinfo(const char *text);

/*
 * Map a nova version found in `text` (nova-manage output, or a package
 * version like "2:26.2.0-0ubuntu1") to "<Release> (<version>)". Knows
 * 2010.1 Austin to 2015.1 Kilo and nova 12 (Liberty) to 32 (2025.2
 * Flamingo); any other version gives "Unknown (<version>)". NULL when the
 * text holds no version number.
 */
char *vmtp_probe_openstack_release(const char *text);

/*
 * The value of `key` in `[section]` of INI text (last one wins, as in
 * oslo.config), trimmed; NULL when absent.
 */
char *
vmtp_probe_ini_get(const char *text, const char *section, const char *key);

/*
 * L2 agent type and encapsulation from Neutron's config files (each text
 * may be NULL when the file is absent). Both results are always set
 * (owned), "Unknown agent" / "Unknown" when nothing tells. Returns 0, or
 * -1 when out of memory (both NULL then).
 */
int vmtp_probe_parse_neutron(const char *ml2_conf,
                             const char *ovs_agent,
                             const char *lb_agent,
                             char **l2agent_type,
                             char **encapsulation);

#endif
