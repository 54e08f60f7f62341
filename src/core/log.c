/* \summary: level-gated logging through a hook, with secrets redacted */
#include "log.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "vx_banned.h"

void
vmtp_log_at(const struct vmtp_logger *lg,
            enum vmtp_log_level lvl,
            const char *func,
            const char *fmt,
            ...)
{
    char msg[2048];
    va_list ap;

    if (lg == NULL || lg->fn == NULL || lvl > lg->max_level) {
        return;
    }
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    vmtp_redact(msg, sizeof(msg));
    lg->fn(lg->userdata, lvl, func, msg);
}

static const char *const secret_keys[] = {
        "password", "passwd", "secret", "x-auth-token", "x-subject-token",
};

static bool
is_value_end(char c, char quote)
{
    if (quote != '\0') {
        return c == quote;
    }
    return c == '\0' || isspace((unsigned char)c) || c == ',' || c == '}' ||
           c == ';' || c == '&';
}

/* Replace msg[start, end) by "***"; returns the index just after it. */
static size_t
mask_span(char *msg, size_t size, size_t start, size_t end)
{
    size_t tail = strlen(msg + end) + 1; /* with the NUL */

    if (start + 3 + tail > size) {
        /* Not enough room to shift: blank the value in place instead. */
        memset(msg + start, '*', end - start);
        return end;
    }
    memmove(msg + start + 3, msg + end, tail);
    memset(msg + start, '*', 3);
    return start + 3;
}

static size_t
redact_one(char *msg, size_t size, size_t i, size_t keylen)
{
    size_t j = i + keylen;
    size_t start;
    char quote = '\0';

    /* Skip a closing quote of a JSON key: "password": ... */
    while (msg[j] == '"' || msg[j] == '\'' || msg[j] == '_' ||
           isalnum((unsigned char)msg[j])) {
        j++; /* also covers password_input, OS_PASSWORD_INPUT, ... */
    }
    while (msg[j] == ' ' || msg[j] == '\t') {
        j++;
    }
    if (msg[j] != ':' && msg[j] != '=') {
        return i + keylen;
    }
    j++;
    while (msg[j] == ' ' || msg[j] == '\t') {
        j++;
    }
    if (msg[j] == '"' || msg[j] == '\'') {
        quote = msg[j++];
    }
    start = j;
    while (msg[j] != '\0' && !is_value_end(msg[j], quote)) {
        j++;
    }
    if (j == start || (j - start == 3 && strncmp(msg + start, "***", 3) == 0)) {
        return j;
    }
    return mask_span(msg, size, start, j);
}

void
vmtp_redact(char *msg, size_t size)
{
    if (msg == NULL || size == 0) {
        return;
    }
    for (size_t k = 0; k < sizeof(secret_keys) / sizeof(secret_keys[0]); k++) {
        size_t keylen = strlen(secret_keys[k]);
        size_t i = 0;

        while (msg[i] != '\0') {
            if (strncasecmp(msg + i, secret_keys[k], keylen) == 0) {
                i = redact_one(msg, size, i, keylen);
            } else {
                i++;
            }
        }
    }
}
