/* \summary: fuzz the vmtp-agent control frame decoder (header + flat JSON) */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vmtp_proto_msg msg;
    struct vmtp_error err;
    int64_t v = 0;
    double d = 0;
    uint8_t *copy;

    /* Through the frame header, as the server reads it. */
    (void)vmtp_proto_decode(data, size, &msg, &err);
    /* The payload parser alone, on an exact-size heap copy so ASan sees any
     * read past the end. */
    copy = malloc(size > 0 ? size : 1);
    if (copy == NULL) {
        return 0;
    }
    if (size > 0) {
        memcpy(copy, data, size);
    }
    if (vmtp_proto_parse_payload((const char *)copy, size, &msg, &err) ==
        VMTP_OK) {
        (void)vmtp_proto_get_str(&msg, "type");
        (void)vmtp_proto_get_int(&msg, "len_bytes", 1, 1 << 24, &v);
        (void)vmtp_proto_get_num(&msg, "jitter_us", &d);
        (void)vmtp_proto_get_bool(&msg, "latency", false);
    }
    free(copy);
    return 0;
}
