/* \summary: fuzz target: the Neutron reply readers (networks, ports, ...) */
#include <stddef.h>
#include <stdint.h>

#include "os_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vmtp_error err = {0};
    struct vmtp_json_doc *doc =
            vmtp_json_parse((const char *)data, size, "fuzz", &err);
    struct vmtp_jv root;
    struct vmtp_os_network_list n = {0};
    struct vmtp_os_subnet_list s = {0};
    struct vmtp_os_router_list r = {0};
    struct vmtp_os_port_list p = {0};
    struct vmtp_os_secgroup_list g = {0};
    struct vmtp_os_fip_list f = {0};
    struct vmtp_os_agent_list a = {0};

    if (doc == NULL) {
        return 0;
    }
    vmtp_json_root(doc, &root);
    if (vmtp_os_networks_from_json(&root, &n, &err) == VMTP_OK) {
        vmtp_os_network_list_free(&n);
    }
    if (vmtp_os_subnets_from_json(&root, &s, &err) == VMTP_OK) {
        vmtp_os_subnet_list_free(&s);
    }
    if (vmtp_os_routers_from_json(&root, &r, &err) == VMTP_OK) {
        vmtp_os_router_list_free(&r);
    }
    if (vmtp_os_ports_from_json(&root, &p, &err) == VMTP_OK) {
        vmtp_os_port_list_free(&p);
    }
    if (vmtp_os_secgroups_from_json(&root, &g, &err) == VMTP_OK) {
        vmtp_os_secgroup_list_free(&g);
    }
    if (vmtp_os_fips_from_json(&root, &f, &err) == VMTP_OK) {
        vmtp_os_fip_list_free(&f);
    }
    if (vmtp_os_agents_from_json(&root, &a, &err) == VMTP_OK) {
        (void)vmtp_os_l2_agent_type(&a);
        vmtp_os_agent_list_free(&a);
    }
    vmtp_json_doc_free(doc);
    return 0;
}
