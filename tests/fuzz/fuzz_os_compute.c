/* \summary: fuzz target: the Nova reply readers (hosts, zones, flavors, ...) */
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
    struct vmtp_jv sv;
    struct vmtp_os_hypervisor_list h = {0};
    struct vmtp_os_service_list s = {0};
    struct vmtp_os_az_list a = {0};
    struct vmtp_os_flavor_list f = {0};
    struct vmtp_os_keypair_list k = {0};
    struct vmtp_os_server_list l = {0};
    struct vmtp_os_server one;

    if (doc == NULL) {
        return 0;
    }
    vmtp_json_root(doc, &root);
    if (vmtp_os_hypervisors_from_json(&root, &h, &err) == VMTP_OK) {
        vmtp_os_hypervisor_list_free(&h);
    }
    if (vmtp_os_services_from_json(&root, &s, &err) == VMTP_OK) {
        vmtp_os_service_list_free(&s);
    }
    if (vmtp_os_azs_from_json(&root, &a, &err) == VMTP_OK) {
        vmtp_os_az_list_free(&a);
    }
    if (vmtp_os_flavors_from_json(&root, &f, &err) == VMTP_OK) {
        vmtp_os_flavor_list_free(&f);
    }
    if (vmtp_os_keypairs_from_json(&root, &k, &err) == VMTP_OK) {
        vmtp_os_keypair_list_free(&k);
    }
    if (vmtp_os_servers_from_json(&root, &l, &err) == VMTP_OK) {
        vmtp_os_server_list_free(&l);
    }
    if (vmtp_jv_object(&root, "server", &sv, &err) == VMTP_OK) {
        (void)vmtp_os_server_from_json(&sv, &one, &err);
        vmtp_os_server_release(&one);
    }
    vmtp_json_doc_free(doc);
    return 0;
}
