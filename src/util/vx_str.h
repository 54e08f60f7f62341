/* \summary: string helpers: bounded copy, checked number parsing, errno text */
#ifndef VX_STR_H
#define VX_STR_H

#include <stdbool.h>
#include <stddef.h>

/* Copy src into dst (size dstsize), always NUL-terminated; returns strlen(src).
 */
size_t vx_strlcpy(char *dst, const char *src, size_t dstsize);

/*
 * Parse a whole decimal integer in [minval, maxval] (OpenBSD strtonum).
 * On failure returns 0 and sets *errstr to "invalid", "too small" or
 * "too large" (static strings); on success *errstr is NULL.
 */
long long vx_strtonum(const char *s,
                      long long minval,
                      long long maxval,
                      const char **errstr);

/*
 * Parse a whole finite decimal floating-point number. Returns 0 and stores
 * it in *out, or -1 (errno EINVAL or ERANGE) when s is empty, has trailing
 * garbage, or is not finite.
 */
int vx_strtod(const char *s, double *out);

/* strerror_r wrapper: thread-safe text for errnum, written into buf. */
const char *vx_strerror(int errnum, char *buf, size_t buflen);

bool vx_streq(const char *a, const char *b); /* NULL-safe */
bool vx_startswith(const char *s, const char *prefix);

#endif
