/* \summary: fuzz target: the Glance reply reader and error-message extractor */
#include <stddef.h>
#include <stdint.h>

#include "os_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vmtp_error err = {0};
    struct vmtp_json_doc *doc;
    struct vmtp_jv root;
    struct vmtp_os_image_list l = {0};
    char msg[128];

    /* every non-2xx reply goes through this, JSON or HTML */
    vmtp_json_error_message((const char *)data, size, msg, sizeof(msg));
    doc = vmtp_json_parse((const char *)data, size, "fuzz", &err);
    if (doc == NULL) {
        return 0;
    }
    vmtp_json_root(doc, &root);
    if (vmtp_os_images_from_json(&root, &l, &err) == VMTP_OK) {
        vmtp_os_image_list_free(&l);
    }
    vmtp_json_doc_free(doc);
    return 0;
}
