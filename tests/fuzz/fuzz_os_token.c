/* \summary: fuzz target: the Keystone v3 token and catalog reader */
#include <stddef.h>
#include <stdint.h>

#include "os_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vmtp_os_catalog cat;
    struct vmtp_error err = {0};

    if (vmtp_os_parse_token((const char *)data, size, "RegionOne", NULL, &cat,
                            &err) == VMTP_OK) {
        vmtp_os_catalog_release(&cat);
    }
    if (vmtp_os_parse_token((const char *)data, size, NULL, "internal", &cat,
                            &err) == VMTP_OK) {
        vmtp_os_catalog_release(&cat);
    }
    return 0;
}
