/* \summary: string helpers: bounded copy, checked number parsing, errno text */
#include "vx_str.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t
vx_strlcpy(char *dst, const char *src, size_t dstsize)
{
    size_t len = strlen(src);

    if (dstsize > 0) {
        size_t n = len < dstsize - 1 ? len : dstsize - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

long long
vx_strtonum(const char *s,
            long long minval,
            long long maxval,
            const char **errstr)
{
    char *end = NULL;
    long long v;
    int saved = errno;

    *errstr = NULL;
    if (s == NULL || *s == '\0' || minval > maxval) {
        *errstr = "invalid";
        return 0;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (end == s || *end != '\0') {
        *errstr = "invalid";
        v = 0;
    } else if ((v == LLONG_MIN && errno == ERANGE) || v < minval) {
        *errstr = "too small";
        v = 0;
    } else if ((v == LLONG_MAX && errno == ERANGE) || v > maxval) {
        *errstr = "too large";
        v = 0;
    }
    errno = saved;
    return v;
}

int
vx_strtod(const char *s, double *out)
{
    char *end = NULL;
    double v;

    if (s == NULL || *s == '\0') {
        errno = EINVAL;
        return -1;
    }
    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end != '\0') {
        errno = EINVAL;
        return -1;
    }
    if (errno == ERANGE || !isfinite(v)) {
        errno = ERANGE;
        return -1;
    }
    *out = v;
    return 0;
}

const char *
vx_strerror(int errnum, char *buf, size_t buflen)
{
#ifdef __GLIBC__
    /* _GNU_SOURCE gives the GNU strerror_r, which may return a static string.
     */
    return strerror_r(errnum, buf, buflen);
#else
    /* musl (the static agent) has only the XSI strerror_r. */
    if (strerror_r(errnum, buf, buflen) != 0 && buflen > 0) {
        (void)snprintf(buf, buflen, "error %d", errnum);
    }
    return buf;
#endif
}

bool
vx_streq(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return strcmp(a, b) == 0;
}

bool
vx_startswith(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}
