/* \summary: fuzz target: the openrc reader (which never runs a shell) */
#include <stdint.h>
#include <string.h>

#include "creds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vmtp_os_creds c;
    struct vmtp_error err;

    vmtp_os_creds_init(&c);
    memset(&err, 0, sizeof(err));
    (void)vmtp_os_creds_parse_openrc(&c, (const char *)data, size, "fuzz", NULL,
                                     &err);
    if (err.msg[sizeof(err.msg) - 1] != '\0') {
        __builtin_trap(); /* messages stay terminated */
    }
    vmtp_os_creds_release(&c);
    return 0;
}
