/* \summary: bounded growable byte buffer (the curl dynbuf contract) */
#include "vx_buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vx_alloc.h"

void
vx_buf_init(struct vx_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void
vx_buf_release(struct vx_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void
vx_buf_reset(struct vx_buf *b)
{
    b->len = 0;
    if (b->data != NULL) {
        b->data[0] = '\0';
    }
}

int
vx_buf_add(struct vx_buf *b, const void *mem, size_t len)
{
    size_t need;

    if (len > b->max || b->len > b->max - len) {
        vx_buf_release(b);
        errno = E2BIG;
        return -1;
    }
    need = b->len + len + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *p;

        while (cap < need) {
            cap *= 2;
        }
        if (cap > b->max + 1) {
            cap = b->max + 1;
        }
        p = vx_realloc(b->data, cap);
        if (p == NULL) {
            vx_buf_release(b);
            errno = ENOMEM;
            return -1;
        }
        b->data = p;
        b->cap = cap;
    }
    if (len > 0) {
        memcpy(b->data + b->len, mem, len);
    }
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int
vx_buf_adds(struct vx_buf *b, const char *s)
{
    return vx_buf_add(b, s, strlen(s));
}

int
vx_buf_vaddf(struct vx_buf *b, const char *fmt, va_list ap)
{
    char small[256];
    va_list ap2;
    int n;
    char *big;
    int rc;

    va_copy(ap2, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        vx_buf_release(b);
        errno = EINVAL;
        return -1;
    }
    if ((size_t)n < sizeof(small)) {
        return vx_buf_add(b, small, (size_t)n);
    }
    big = vx_malloc((size_t)n + 1);
    if (big == NULL) {
        vx_buf_release(b);
        return -1;
    }
    (void)vsnprintf(big, (size_t)n + 1, fmt, ap);
    rc = vx_buf_add(b, big, (size_t)n);
    free(big);
    return rc;
}

int
vx_buf_addf(struct vx_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vx_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *
vx_buf_str(const struct vx_buf *b)
{
    return b->data != NULL ? b->data : "";
}

size_t
vx_buf_len(const struct vx_buf *b)
{
    return b->len;
}

char *
vx_buf_take(struct vx_buf *b)
{
    char *p = b->data;

    if (p == NULL) {
        p = vx_strdup("");
    }
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
