/* \summary: Nova, Neutron and Glance clients: the resources vmtp uses */
#ifndef VMTP_LIB_OS_API_H
#define VMTP_LIB_OS_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmtp/vmtp.h>

#include "json.h"
#include "os_auth.h"

/*
 * Every struct below owns its strings (free with the matching _release()
 * or the list's _free()). Every function returns VMTP_OK or an error set
 * on the session's context that names the request (method and path, never
 * the token), the HTTP status and OpenStack's message. "Not found" is
 * VMTP_E_NOTFOUND. Lists are arrays: `items[0..n)`.
 *
 * The *_from_json() readers turn a parsed reply into structs; they are the
 * fuzz targets and report errors with the JSON path.
 */

#define VMTP_OS_LIST(type)  \
    struct type##_list {    \
        struct type *items; \
        size_t n;           \
    }

/* ---- Nova ------------------------------------------------------------- */

struct vmtp_os_hypervisor {
    char *hostname;
    char *state;  /* "up" */
    char *status; /* "enabled" */
};
VMTP_OS_LIST(vmtp_os_hypervisor);

struct vmtp_os_service {
    char *binary; /* "nova-compute" */
    char *host;
    char *zone;
    char *state;
    char *status;
};
VMTP_OS_LIST(vmtp_os_service);

struct vmtp_os_az {
    char *name;
    bool available;
    char **hosts;
    size_t nhosts;
};
VMTP_OS_LIST(vmtp_os_az);

struct vmtp_os_flavor {
    char *id;
    char *name;
    int64_t vcpus;
    int64_t ram_mb;
    int64_t disk_gb;
};
VMTP_OS_LIST(vmtp_os_flavor);

struct vmtp_os_keypair {
    char *name;
    char *fingerprint;
};
VMTP_OS_LIST(vmtp_os_keypair);

struct vmtp_os_address {
    char *network; /* network name (the key in "addresses") */
    char *addr;
    int version; /* 4 or 6 */
    char *type;  /* "fixed", "floating" or NULL */
};

struct vmtp_os_server {
    char *id;
    char *name;
    char *status; /* BUILD, ACTIVE, ERROR, ... */
    char *host;   /* OS-EXT-SRV-ATTR:host (admin) or NULL */
    char *az;     /* OS-EXT-AZ:availability_zone or NULL */
    char *fault;  /* fault.message or NULL */
    char *key_name;
    struct vmtp_os_address *addrs;
    size_t naddrs;
};
VMTP_OS_LIST(vmtp_os_server);

/* What to boot. Strings are borrowed. */
struct vmtp_os_server_spec {
    const char *name;
    const char *image_id;
    const char *flavor_id;
    const char *key_name;          /* or NULL */
    const char *network_id;        /* NIC on this network, or */
    const char *port_id;           /* on this pre-created port */
    const char *availability_zone; /* "az" or "az:host", or NULL */
    const char *user_data;         /* plain text (base64-encoded here) */
    bool config_drive;
    const char *security_group; /* name; ignored with port_id */
    const char *file_path;      /* one injected file ("personality"), or */
    const char *file_contents;  /* NULL (plain text, base64-encoded here) */
};

enum vmtp_status
vmtp_os_hypervisors_from_json(const struct vmtp_jv *root,
                              struct vmtp_os_hypervisor_list *out,
                              struct vmtp_error *err);
enum vmtp_status vmtp_os_services_from_json(const struct vmtp_jv *root,
                                            struct vmtp_os_service_list *out,
                                            struct vmtp_error *err);
enum vmtp_status vmtp_os_azs_from_json(const struct vmtp_jv *root,
                                       struct vmtp_os_az_list *out,
                                       struct vmtp_error *err);
enum vmtp_status vmtp_os_flavors_from_json(const struct vmtp_jv *root,
                                           struct vmtp_os_flavor_list *out,
                                           struct vmtp_error *err);
enum vmtp_status vmtp_os_keypairs_from_json(const struct vmtp_jv *root,
                                            struct vmtp_os_keypair_list *out,
                                            struct vmtp_error *err);
enum vmtp_status vmtp_os_server_from_json(const struct vmtp_jv *server,
                                          struct vmtp_os_server *sv,
                                          struct vmtp_error *err);
enum vmtp_status vmtp_os_servers_from_json(const struct vmtp_jv *root,
                                           struct vmtp_os_server_list *out,
                                           struct vmtp_error *err);

/* Frees every member of a struct vmtp_os_network (not the struct). */
void vmtp_os_network_release(void *p);
void vmtp_os_hypervisor_list_free(struct vmtp_os_hypervisor_list *l);
void vmtp_os_service_list_free(struct vmtp_os_service_list *l);
void vmtp_os_az_list_free(struct vmtp_os_az_list *l);
void vmtp_os_flavor_release(struct vmtp_os_flavor *f);
void vmtp_os_flavor_list_free(struct vmtp_os_flavor_list *l);
void vmtp_os_keypair_list_free(struct vmtp_os_keypair_list *l);
void vmtp_os_server_release(struct vmtp_os_server *sv);
void vmtp_os_server_list_free(struct vmtp_os_server_list *l);

enum vmtp_status vmtp_os_hypervisors(struct vmtp_os_session *s,
                                     struct vmtp_os_hypervisor_list *out);
/* GET /os-services; 403 gives VMTP_E_AUTH (callers may degrade). */
enum vmtp_status vmtp_os_services(struct vmtp_os_session *s,
                                  struct vmtp_os_service_list *out);
enum vmtp_status vmtp_os_azs(struct vmtp_os_session *s,
                             struct vmtp_os_az_list *out);

enum vmtp_status vmtp_os_flavors(struct vmtp_os_session *s,
                                 struct vmtp_os_flavor_list *out);
enum vmtp_status vmtp_os_flavor_find(struct vmtp_os_session *s,
                                     const char *name,
                                     struct vmtp_os_flavor *out);
/* Create a private flavor; extra_specs: NULL or NULL-terminated k,v,... */
enum vmtp_status vmtp_os_flavor_create(struct vmtp_os_session *s,
                                       const char *name,
                                       int64_t vcpus,
                                       int64_t ram_mb,
                                       int64_t disk_gb,
                                       const char *const *extra_specs,
                                       struct vmtp_os_flavor *out);
enum vmtp_status vmtp_os_flavor_delete(struct vmtp_os_session *s,
                                       const char *id);

enum vmtp_status vmtp_os_keypairs(struct vmtp_os_session *s,
                                  struct vmtp_os_keypair_list *out);
enum vmtp_status vmtp_os_keypair_create(struct vmtp_os_session *s,
                                        const char *name,
                                        const char *public_key);
enum vmtp_status vmtp_os_keypair_delete(struct vmtp_os_session *s,
                                        const char *name);

/* Boot; *id owned by the caller (free()). */
enum vmtp_status vmtp_os_server_create(struct vmtp_os_session *s,
                                       const struct vmtp_os_server_spec *sp,
                                       char **id);
enum vmtp_status vmtp_os_server_get(struct vmtp_os_session *s,
                                    const char *id,
                                    struct vmtp_os_server *out);
/* All servers of the project whose name matches the regex `name` (NULL:
 * all). */
enum vmtp_status vmtp_os_servers(struct vmtp_os_session *s,
                                 const char *name,
                                 struct vmtp_os_server_list *out);
/*
 * Poll until ACTIVE (backoff 1 s doubling to 5 s) for at most timeout_ms.
 * ERROR: VMTP_E_HTTP "server 'x' failed: <fault message>"; time out:
 * VMTP_E_TIMEOUT. out (may be NULL) receives the last state.
 */
enum vmtp_status vmtp_os_server_wait_active(struct vmtp_os_session *s,
                                            const char *id,
                                            int timeout_ms,
                                            struct vmtp_os_server *out);
enum vmtp_status vmtp_os_server_delete(struct vmtp_os_session *s,
                                       const char *id);
/* Poll until GET gives 404 (deleted), at most timeout_ms. */
enum vmtp_status vmtp_os_server_wait_gone(struct vmtp_os_session *s,
                                          const char *id,
                                          int timeout_ms);

/* ---- Neutron ---------------------------------------------------------- */

struct vmtp_os_network {
    char *id;
    char *name;
    char *status;
    char *network_type; /* provider:network_type (admin) or NULL */
    char *physnet;
    char *description; /* NULL when absent */
    bool external;     /* router:external */
    bool shared;
    char **subnets;
    size_t nsubnets;
};
VMTP_OS_LIST(vmtp_os_network);

struct vmtp_os_subnet {
    char *id;
    char *name;
    char *network_id;
    char *cidr;
    char *gateway_ip;
    char *ipv6_ra_mode;
    char *ipv6_address_mode;
    int ip_version;
    bool enable_dhcp;
};
VMTP_OS_LIST(vmtp_os_subnet);

/* A subnet to create. Strings borrowed. */
struct vmtp_os_subnet_spec {
    const char *name;
    const char *network_id;
    const char *cidr;
    int ip_version; /* 4 or 6 */
    bool enable_dhcp;
    bool no_gateway;
    const char *ipv6_ra_mode; /* slaac, dhcpv6-stateful, ... or NULL */
    const char *ipv6_address_mode;
    const char *const *dns_nameservers; /* NULL-terminated or NULL */
};

struct vmtp_os_router {
    char *id;
    char *name;
    char *ext_network_id; /* external_gateway_info.network_id or NULL */
};
VMTP_OS_LIST(vmtp_os_router);

struct vmtp_os_port {
    char *id;
    char *name;
    char *network_id;
    char *device_id;
    char *device_owner;
    char *status;
    char *mac;
    char *vnic_type; /* binding:vnic_type */
    char *ip;        /* first fixed IP */
    char *subnet_id; /* its subnet */
};
VMTP_OS_LIST(vmtp_os_port);

struct vmtp_os_secgroup {
    char *id;
    char *name;
    char *description;
};
VMTP_OS_LIST(vmtp_os_secgroup);

struct vmtp_os_fip {
    char *id;
    char *address;
    char *port_id;
    char *network_id;
    char *description;
    char *status;
};
VMTP_OS_LIST(vmtp_os_fip);

struct vmtp_os_agent {
    char *id;
    char *agent_type; /* "Linux bridge agent", "Open vSwitch agent" */
    char *host;
    bool alive;
    char *mappings; /* "physnet:dev,..." from interface/bridge_mappings */
    char *tunneling_ip;
    char *tunnel_types; /* "vxlan,gre" or NULL */
};
VMTP_OS_LIST(vmtp_os_agent);

enum vmtp_status vmtp_os_networks_from_json(const struct vmtp_jv *root,
                                            struct vmtp_os_network_list *out,
                                            struct vmtp_error *err);
enum vmtp_status vmtp_os_subnets_from_json(const struct vmtp_jv *root,
                                           struct vmtp_os_subnet_list *out,
                                           struct vmtp_error *err);
enum vmtp_status vmtp_os_routers_from_json(const struct vmtp_jv *root,
                                           struct vmtp_os_router_list *out,
                                           struct vmtp_error *err);
enum vmtp_status vmtp_os_ports_from_json(const struct vmtp_jv *root,
                                         struct vmtp_os_port_list *out,
                                         struct vmtp_error *err);
enum vmtp_status vmtp_os_secgroups_from_json(const struct vmtp_jv *root,
                                             struct vmtp_os_secgroup_list *out,
                                             struct vmtp_error *err);
enum vmtp_status vmtp_os_fips_from_json(const struct vmtp_jv *root,
                                        struct vmtp_os_fip_list *out,
                                        struct vmtp_error *err);
enum vmtp_status vmtp_os_agents_from_json(const struct vmtp_jv *root,
                                          struct vmtp_os_agent_list *out,
                                          struct vmtp_error *err);

void vmtp_os_network_list_free(struct vmtp_os_network_list *l);
void vmtp_os_subnet_list_free(struct vmtp_os_subnet_list *l);
void vmtp_os_router_list_free(struct vmtp_os_router_list *l);
void vmtp_os_port_list_free(struct vmtp_os_port_list *l);
void vmtp_os_secgroup_list_free(struct vmtp_os_secgroup_list *l);
void vmtp_os_fip_list_free(struct vmtp_os_fip_list *l);
void vmtp_os_agent_list_free(struct vmtp_os_agent_list *l);

/*
 * Lists take an optional query ("name=x&device_id=y", already escaped
 * with vmtp_os_escape() where needed) or NULL.
 */
enum vmtp_status vmtp_os_networks(struct vmtp_os_session *s,
                                  const char *query,
                                  struct vmtp_os_network_list *out);
enum vmtp_status vmtp_os_subnets(struct vmtp_os_session *s,
                                 const char *query,
                                 struct vmtp_os_subnet_list *out);
enum vmtp_status vmtp_os_routers(struct vmtp_os_session *s,
                                 const char *query,
                                 struct vmtp_os_router_list *out);
enum vmtp_status vmtp_os_ports(struct vmtp_os_session *s,
                               const char *query,
                               struct vmtp_os_port_list *out);
enum vmtp_status vmtp_os_secgroups(struct vmtp_os_session *s,
                                   const char *query,
                                   struct vmtp_os_secgroup_list *out);
enum vmtp_status vmtp_os_fips(struct vmtp_os_session *s,
                              const char *query,
                              struct vmtp_os_fip_list *out);
enum vmtp_status vmtp_os_agents(struct vmtp_os_session *s,
                                struct vmtp_os_agent_list *out);

/* Creations return the new id in *id (owned, free()). */
enum vmtp_status vmtp_os_network_create(struct vmtp_os_session *s,
                                        const char *name,
                                        const char *description,
                                        char **id);
enum vmtp_status vmtp_os_subnet_create(struct vmtp_os_session *s,
                                       const struct vmtp_os_subnet_spec *sp,
                                       char **id);
/* ext_network_id NULL: no gateway. */
enum vmtp_status vmtp_os_router_create(struct vmtp_os_session *s,
                                       const char *name,
                                       const char *ext_network_id,
                                       char **id);
/* Set (ext_network_id) or clear (NULL) the router's external gateway. */
enum vmtp_status vmtp_os_router_set_gateway(struct vmtp_os_session *s,
                                            const char *router_id,
                                            const char *ext_network_id);
enum vmtp_status vmtp_os_router_add_interface(struct vmtp_os_session *s,
                                              const char *router_id,
                                              const char *subnet_id);
enum vmtp_status vmtp_os_router_remove_interface(struct vmtp_os_session *s,
                                                 const char *router_id,
                                                 const char *subnet_id,
                                                 const char *port_id);
/* vnic_type: NULL, "normal", "direct", "macvtap"; sg_id may be NULL. */
enum vmtp_status vmtp_os_port_create(struct vmtp_os_session *s,
                                     const char *name,
                                     const char *network_id,
                                     const char *sg_id,
                                     const char *vnic_type,
                                     char **id);
enum vmtp_status vmtp_os_secgroup_create(struct vmtp_os_session *s,
                                         const char *name,
                                         const char *description,
                                         char **id);
/*
 * Ingress rule. protocol "icmp", "tcp", "udp", "ipv6-icmp"; ports 0 = any;
 * ethertype "IPv4"/"IPv6"; prefix NULL = any.
 */
enum vmtp_status vmtp_os_secgroup_rule_create(struct vmtp_os_session *s,
                                              const char *sg_id,
                                              const char *ethertype,
                                              const char *protocol,
                                              int port_min,
                                              int port_max,
                                              const char *prefix);
enum vmtp_status vmtp_os_fip_create(struct vmtp_os_session *s,
                                    const char *ext_network_id,
                                    const char *port_id,
                                    const char *description,
                                    struct vmtp_os_fip *out);
void vmtp_os_fip_release(struct vmtp_os_fip *f);

/*
 * Deletes: VMTP_E_NOTFOUND when already gone (callers doing cleanup treat
 * it as success); 409 "in use" is retried by the HTTP layer.
 */
enum vmtp_status vmtp_os_network_delete(struct vmtp_os_session *s,
                                        const char *id);
enum vmtp_status vmtp_os_subnet_delete(struct vmtp_os_session *s,
                                       const char *id);
enum vmtp_status vmtp_os_router_delete(struct vmtp_os_session *s,
                                       const char *id);
enum vmtp_status vmtp_os_port_delete(struct vmtp_os_session *s, const char *id);
enum vmtp_status vmtp_os_secgroup_delete(struct vmtp_os_session *s,
                                         const char *id);
enum vmtp_status vmtp_os_fip_delete(struct vmtp_os_session *s, const char *id);

/*
 * L2 agent type of the cloud (the original's l2agent_type): the first
 * agent type containing "Linux bridge" or "Open vSwitch", else "Unknown
 * agent". Static string.
 */
const char *vmtp_os_l2_agent_type(const struct vmtp_os_agent_list *agents);

/* ---- Glance ----------------------------------------------------------- */

struct vmtp_os_image {
    char *id;
    char *name;
    char *status; /* queued, saving, active, killed, ... */
    char *visibility;
};
VMTP_OS_LIST(vmtp_os_image);

enum vmtp_status vmtp_os_images_from_json(const struct vmtp_jv *root,
                                          struct vmtp_os_image_list *out,
                                          struct vmtp_error *err);
void vmtp_os_image_release(struct vmtp_os_image *im);
void vmtp_os_image_list_free(struct vmtp_os_image_list *l);

/* Images with this exact name (NULL: all visible). */
enum vmtp_status vmtp_os_images(struct vmtp_os_session *s,
                                const char *name,
                                struct vmtp_os_image_list *out);
enum vmtp_status vmtp_os_image_find(struct vmtp_os_session *s,
                                    const char *name,
                                    struct vmtp_os_image *out);
enum vmtp_status vmtp_os_image_get(struct vmtp_os_session *s,
                                   const char *id,
                                   struct vmtp_os_image *out);
/* Create the record (disk_format qcow2, container bare unless given). */
enum vmtp_status vmtp_os_image_create(struct vmtp_os_session *s,
                                      const char *name,
                                      const char *disk_format,
                                      const char *container_format,
                                      char **id);
/*
 * Upload the data from a file:// or http(s):// URL, streaming (the data
 * never sits in memory whole). Other schemes: VMTP_E_INVAL. 403:
 * VMTP_E_AUTH with a message about admin access.
 */
enum vmtp_status vmtp_os_image_upload(struct vmtp_os_session *s,
                                      const char *id,
                                      const char *url);
/* Poll until active (2 s apart) for at most timeout_ms. */
enum vmtp_status vmtp_os_image_wait_active(struct vmtp_os_session *s,
                                           const char *id,
                                           int timeout_ms);
enum vmtp_status vmtp_os_image_delete(struct vmtp_os_session *s,
                                      const char *id);

#endif
