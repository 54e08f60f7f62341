/* \summary: fuzz vx_shquote: quoting then sh-style unquoting is the identity
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vx_buf.h"
#include "vx_shquote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Read one POSIX sh word made only of '...' runs and \' escapes (what
 * vx_shquote emits). Anything else outside quotes, such as a blank, ';',
 * '$' or an unterminated quote, is a quoting bug and fails.
 */
static int
unquote(const char *q, char *out, size_t outsize)
{
    size_t o = 0;

    while (*q != '\0') {
        if (q[0] == '\\' && q[1] == '\'') {
            if (o + 1 >= outsize) {
                return -1;
            }
            out[o++] = '\'';
            q += 2;
        } else if (*q == '\'') {
            q++;
            while (*q != '\'') {
                if (*q == '\0' || o + 1 >= outsize) {
                    return -1;
                }
                out[o++] = *q++;
            }
            q++;
        } else {
            return -1;
        }
    }
    out[o] = '\0';
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vx_buf b;
    char *in = malloc(size + 1);
    char *back = malloc(size + 1);

    if (in == NULL || back == NULL) {
        goto out;
    }
    memcpy(in, data, size);
    in[size] = '\0'; /* C strings end at the first NUL, as argv does */
    vx_buf_init(&b, 4 * size + 16);
    if (vx_shquote(&b, in) != 0) {
        __builtin_trap(); /* 4x + 2 always fits */
    }
    if (unquote(vx_buf_str(&b), back, size + 1) != 0 || strcmp(back, in) != 0) {
        __builtin_trap();
    }
    vx_buf_release(&b);
out:
    free(in);
    free(back);
    return 0;
}
