/* \summary: the configuration as plain data, and its key table */
#ifndef VMTP_LIB_CONFIG_H
#define VMTP_LIB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <vmtp/config.h>

/* Owned arrays. An empty list has v == NULL and n == 0. */
struct vmtp_strlist {
    char **v;
    size_t n;
};

struct vmtp_intlist {
    long long *v;
    size_t n;
};

/* An owned string -> string mapping in insertion order. */
struct vmtp_strmap {
    char **keys;
    char **vals;
    size_t n;
};

struct vmtp_flavor_config {
    long long vcpus;
    long long ram_mb;       /* flavor.ram */
    long long disk_gb;      /* flavor.disk */
    long long ephemeral_gb; /* flavor.ephemeral */
    struct vmtp_strmap extra_specs;
};

struct vmtp_fluentd_config {
    char *logging_tag; /* NULL: fluentd off */
    char *ip;
    long long port;
};

/*
 * The effective configuration (vmtp-behaviour.md §2): YAML key names in
 * the comments where the field name differs. Strings may be NULL (YAML
 * null). Filled by vmtp_config_init() from the embedded defaults, then
 * merged from files and set key by key. Access strings (hosts, ext_host,
 * controller_node) hold passwords and are wiped on release.
 */
struct vmtp_config {
    /* cloud */
    char *image_name;
    char *ssh_vm_username;
    char *flavor_type;
    struct vmtp_flavor_config flavor;
    char *availability_zone;
    struct vmtp_strlist dns_nameservers;
    char *vm_image_url;
    char *reuse_network_name;
    bool floating_ip;
    bool reuse_existing_vm;
    bool config_drive; /* also --use-config-drive */
    char *user_data_file;
    char *ipv6_mode; /* NULL, slaac, dhcpv6-stateful, dhcpv6-stateless */
    char *router_name;
    struct vmtp_strlist internal_network_name;
    struct vmtp_strlist internal_subnet_name;
    struct vmtp_strlist internal_subnet_name_v6;
    struct vmtp_strlist internal_cidr;
    struct vmtp_strlist internal_cidr_v6;
    char *public_key_file;
    char *private_key_file;
    char *known_hosts_file; /* NULL: ~/.ssh/known_hosts */
    char *public_key_name;
    char *vm_name_server;
    char *vm_name_client;
    char *security_group_name;
    long long ping_count;
    long long ping_pass_threshold; /* percent */
    long long ssh_retry_count;
    long long generic_retry_count;
    long long tcp_tp_loop_count;
    struct vmtp_intlist tcp_pkt_sizes;       /* bytes */
    struct vmtp_intlist udp_pkt_sizes;       /* bytes, <= 65507 */
    struct vmtp_intlist icmp_pkt_sizes;      /* bytes */
    struct vmtp_intlist udp_loss_rate_range; /* percent, [low, high] */
    long long vm_bandwidth_kbps;             /* vm_bandwidth; 0: none */
    char *os_dataplane_network;
    char *ext_net_name;
    long long vmtp_mongod_port;
    char *vmtp_db;
    char *vmtp_collection;
    struct vmtp_fluentd_config fluentd;
    /* run (command line) */
    char *protocols;           /* upper case letters from TUIM */
    char *tp_tool;             /* lower case: nuttcp, iperf, iperf3, vmtp */
    long long time_s;          /* time */
    struct vmtp_strlist hosts; /* user@host[:password[:ifname]], <= 2 */
    char *ext_host;
    char *controller_node;
    char *json_file;
    char *vmtp_mongod_ip;
    char *gmond_svr_ip;
    long long gmond_svr_port;
    struct vmtp_strlist hypervisors; /* [az:]host, <= 2 */
    bool inter_node_only;
    bool same_network_only;
    char *vnic_type; /* NULL, direct, macvtap, normal */
    bool stop_on_error;
    bool keep_first_flow_and_exit;
    bool no_dhcp;
    bool no_floatingip;
    bool delete_image_after_run;
    char *multicast_addr;
    char *test_description;
    char *log_file;
    bool debug;
    bool insecure;
    bool accept_unknown_host_keys;
};

/*
 * Fill *cfg with the embedded defaults. Returns VMTP_OK, or VMTP_E_NOMEM
 * (then *cfg owns nothing). Release with vmtp_config_release().
 */
enum vmtp_status vmtp_config_init(struct vmtp_config *cfg,
                                  struct vmtp_error *err);

/* Free everything *cfg owns, wiping access strings; *cfg is then zero. */
void vmtp_config_release(struct vmtp_config *cfg);

/*
 * Merge YAML text over *cfg. All or nothing: on failure *cfg is unchanged
 * and err names origin, line and key.
 */
enum vmtp_status vmtp_config_merge_yaml(struct vmtp_config *cfg,
                                        const char *text,
                                        size_t len,
                                        const char *origin,
                                        struct vmtp_error *err);

/* vmtp_config_set() on a bare configuration. */
enum vmtp_status vmtp_config_set_key(struct vmtp_config *cfg,
                                     const char *key,
                                     const char *value,
                                     struct vmtp_error *err);

/* vmtp_config_dump_yaml() on a bare configuration. Free with free(). */
char *vmtp_config_render(const struct vmtp_config *cfg);

/* True when the two configurations hold the same values. */
bool vmtp_config_equal(const struct vmtp_config *a,
                       const struct vmtp_config *b);

struct vmtp_ctx;

/* The context's configuration: borrowed, valid while ctx lives. */
const struct vmtp_config *vmtp_ctx_config(const struct vmtp_ctx *ctx);

#endif
