/* \summary: POSIX shell quoting of argv elements for remote commands */
#include "vx_shquote.h"

#include <string.h>

#include "vx_banned.h"

int
vx_shquote(struct vx_buf *b, const char *s)
{
    const char *p = s;

    if (vx_buf_add(b, "'", 1) != 0) {
        return -1;
    }
    for (;;) {
        const char *q = strchr(p, '\'');
        size_t n = q != NULL ? (size_t)(q - p) : strlen(p);

        if (n > 0 && vx_buf_add(b, p, n) != 0) {
            return -1;
        }
        if (q == NULL) {
            break;
        }
        if (vx_buf_add(b, "'\\''", 4) != 0) {
            return -1;
        }
        p = q + 1;
    }
    return vx_buf_add(b, "'", 1);
}

int
vx_shquote_argv(struct vx_buf *b, const char *const *argv)
{
    for (size_t i = 0; argv[i] != NULL; i++) {
        if (i > 0 && vx_buf_add(b, " ", 1) != 0) {
            return -1;
        }
        if (vx_shquote(b, argv[i]) != 0) {
            return -1;
        }
    }
    return 0;
}
