/* \summary: fuzz target: the HTML escaper used for every file string */
/*
 * Whatever the input, the output must contain none of < > " ' and every
 * & must start one of the entities the escaper writes.
 */
#include <stdint.h>
#include <string.h>

#include "report_html.h"
#include "vx_buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;",
                                       "&#39;"};
    struct vx_buf b;
    const char *s;
    size_t len;

    vx_buf_init(&b, 6 * size + 16);
    if (vmtp_html_escape(&b, (const char *)data, size) != 0) {
        __builtin_trap(); /* 6x the input always fits */
    }
    s = vx_buf_str(&b);
    len = vx_buf_len(&b);
    for (size_t i = 0; i < len; i++) {
        int ok = 0;

        if (s[i] == '<' || s[i] == '>' || s[i] == '"' || s[i] == '\'' ||
            ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\n')) {
            __builtin_trap();
        }
        if (s[i] != '&') {
            continue;
        }
        for (size_t k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
            ok |= strncmp(s + i, ents[k], strlen(ents[k])) == 0;
        }
        if (!ok) {
            __builtin_trap();
        }
    }
    vx_buf_release(&b);
    return 0;
}
