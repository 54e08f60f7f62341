/* \summary: fuzz target: the gmond XML parser and the CPU-load computation */
#include <stddef.h>
#include <stdint.h>

#include "monitor_ganglia.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vmtp_gmond_dump dump = {NULL, 0};
    struct vmtp_error err;
    volatile double sum = 0;

    if (vmtp_gmond_parse((const char *)data, size, &dump, &err) == VMTP_OK) {
        for (size_t i = 0; i < dump.n_hosts; i++) {
            sum += vmtp_gmond_cpu_load(&dump.hosts[i]);
        }
    }
    (void)sum;
    vmtp_gmond_dump_release(&dump);
    return 0;
}
