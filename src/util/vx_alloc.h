/* \summary: allocation wrappers with a failure-injection hook for tests */
#ifndef VX_ALLOC_H
#define VX_ALLOC_H

#include <stddef.h>
#include <stdlib.h>

/*
 * vx_malloc(), vx_calloc(), vx_realloc(), vx_reallocarray() and vx_strdup()
 * behave like their libc namesakes but go through one hook so that a test
 * can make the Nth allocation fail (curl's torture mode on a small scale).
 * They set errno to ENOMEM on failure.
 */
void *vx_malloc(size_t size);
void *vx_calloc(size_t nmemb, size_t size);
void *vx_realloc(void *ptr, size_t size);
void *vx_reallocarray(void *ptr, size_t nmemb, size_t size);
char *vx_strdup(const char *s);
char *vx_strndup(const char *s, size_t n);

/*
 * Make allocation number n (counted from this call, 1-based) and every
 * later one fail; 0 turns failure injection off. Test-only: not thread-safe.
 */
void vx_alloc_fail_after(unsigned long n);

/* Free *pp and set it to NULL. */
#define VX_FREE(p)  \
    do {            \
        free(p);    \
        (p) = NULL; \
    } while (0)

/* Wipe a NUL-terminated secret, then free it (libssh BURN_FREE). */
void vx_burn_free(char *secret);

#endif
