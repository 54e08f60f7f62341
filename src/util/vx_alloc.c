/* \summary: allocation wrappers with a failure-injection hook for tests */
#include "vx_alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Per thread: a test hook, never shared state between library users. */
static _Thread_local unsigned long fail_countdown; /* 0: never fail */

void
vx_alloc_fail_after(unsigned long n)
{
    fail_countdown = n;
}

static int
should_fail(void)
{
    if (fail_countdown == 0) {
        return 0;
    }
    if (fail_countdown == 1) {
        return 1; /* stays at 1: every later allocation fails too */
    }
    fail_countdown--;
    return 0;
}

void *
vx_malloc(size_t size)
{
    if (should_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return malloc(size == 0 ? 1 : size);
}

void *
vx_calloc(size_t nmemb, size_t size)
{
    if (should_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    if (nmemb == 0 || size == 0) {
        nmemb = 1;
        size = 1;
    }
    return calloc(nmemb, size);
}

void *
vx_realloc(void *ptr, size_t size)
{
    if (should_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(ptr, size == 0 ? 1 : size);
}

void *
vx_reallocarray(void *ptr, size_t nmemb, size_t size)
{
    if (size != 0 && nmemb > (size_t)-1 / size) {
        errno = ENOMEM;
        return NULL;
    }
    return vx_realloc(ptr, nmemb * size);
}

char *
vx_strdup(const char *s)
{
    return vx_strndup(s, strlen(s));
}

char *
vx_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = vx_malloc(len + 1);

    if (p == NULL) {
        return NULL;
    }
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void
vx_burn_free(char *secret)
{
    if (secret == NULL) {
        return;
    }
    explicit_bzero(secret, strlen(secret));
    free(secret);
}
