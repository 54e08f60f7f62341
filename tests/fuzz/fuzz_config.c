/* \summary: fuzz target: the YAML configuration loader and its dump */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Merge arbitrary text over the defaults. When it is accepted, the dump
 * must load back and dump to the same text (the -sc round trip), and a
 * refused merge must leave the configuration as it was.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vmtp_config cfg;
    struct vmtp_config fresh;
    struct vmtp_config back;
    char *dump = NULL;
    char *again = NULL;

    if (vmtp_config_init(&cfg, NULL) != VMTP_OK) {
        return 0;
    }
    if (vmtp_config_merge_yaml(&cfg, (const char *)data, size, "fuzz", NULL) !=
        VMTP_OK) {
        if (vmtp_config_init(&fresh, NULL) == VMTP_OK) {
            if (!vmtp_config_equal(&cfg, &fresh)) {
                __builtin_trap(); /* a failed merge changed something */
            }
            vmtp_config_release(&fresh);
        }
        goto out;
    }
    dump = vmtp_config_render(&cfg);
    if (dump == NULL || vmtp_config_init(&back, NULL) != VMTP_OK) {
        goto out;
    }
    if (vmtp_config_merge_yaml(&back, dump, strlen(dump), "dump", NULL) !=
        VMTP_OK) {
        __builtin_trap(); /* the dump must always load */
    }
    again = vmtp_config_render(&back);
    if (again != NULL && strcmp(dump, again) != 0) {
        __builtin_trap(); /* the round trip changed a value */
    }
    vmtp_config_release(&back);
out:
    free(again);
    free(dump);
    vmtp_config_release(&cfg);
    return 0;
}
