/* \summary: fuzz target: the cleanup ledger reader (a file a crash may tear) */
#include <stddef.h>
#include <stdint.h>

#include "ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vmtp_ledger_run run;
    struct vmtp_error err = {0};

    if (vmtp_ledger_parse((const char *)data, size, &run, &err) == VMTP_OK) {
        vmtp_ledger_run_release(&run);
    }
    return 0;
}
