/* \summary: bounded growable byte buffer (the curl dynbuf contract) */
#ifndef VX_BUF_H
#define VX_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A vx_buf holds at most `max` bytes plus a terminating NUL that is always
 * kept, so vx_buf_str() is a valid C string. Every append that would pass
 * `max` fails with errno E2BIG, and every failed append releases the buffer
 * (so a caller can never go on with half a message). Embed it, then
 * vx_buf_init() / vx_buf_release().
 */
struct vx_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
};

void vx_buf_init(struct vx_buf *b, size_t max);
void vx_buf_release(struct vx_buf *b);
void vx_buf_reset(struct vx_buf *b); /* len = 0, keeps the memory */

/* Returns 0, or -1 with errno set (E2BIG, ENOMEM) and the buffer released. */
int vx_buf_add(struct vx_buf *b, const void *mem, size_t len);
int vx_buf_adds(struct vx_buf *b, const char *s);
int vx_buf_addf(struct vx_buf *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
int vx_buf_vaddf(struct vx_buf *b, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));

/* Borrowed view; "" for an empty buffer. */
const char *vx_buf_str(const struct vx_buf *b);
size_t vx_buf_len(const struct vx_buf *b);

/* Hand the contents to the caller (free with free()); the buffer is reset. */
char *vx_buf_take(struct vx_buf *b);

#endif
