/* \summary: a small JSON writer into a bounded buffer */
#include "jsonw.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "vx_banned.h"

void
vmtp_jw_init(struct vmtp_jw *w, struct vx_buf *b)
{
    w->b = b;
    w->depth = 0;
    w->failed = false;
    for (int i = 0; i <= VMTP_JW_MAX_DEPTH; i++) {
        w->need_comma[i] = false;
    }
}

static void
add(struct vmtp_jw *w, const char *s)
{
    if (!w->failed && vx_buf_adds(w->b, s) != 0) {
        w->failed = true;
    }
}

static void
add_escaped(struct vmtp_jw *w, const char *s)
{
    char esc[8];

    add(w, "\"");
    for (const unsigned char *p = (const unsigned char *)s;
         *p != '\0' && !w->failed; p++) {
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            esc[2] = '\0';
            add(w, esc);
        } else if (*p < 0x20 || *p == 0x7f) {
            (void)snprintf(esc, sizeof(esc), "\\u%04x", *p);
            add(w, esc);
        } else if (vx_buf_add(w->b, p, 1) != 0) {
            w->failed = true;
        }
    }
    add(w, "\"");
}

/* Comma and key before a value. */
static void
prefix(struct vmtp_jw *w, const char *key)
{
    if (w->need_comma[w->depth]) {
        add(w, ",");
    }
    w->need_comma[w->depth] = true;
    if (key != NULL) {
        add_escaped(w, key);
        add(w, ":");
    }
}

static void
open_(struct vmtp_jw *w, const char *key, const char *tok)
{
    if (w->depth >= VMTP_JW_MAX_DEPTH) {
        w->failed = true;
        return;
    }
    prefix(w, key);
    add(w, tok);
    w->depth++;
    w->need_comma[w->depth] = false;
}

static void
close_(struct vmtp_jw *w, const char *tok)
{
    if (w->depth <= 0) {
        w->failed = true;
        return;
    }
    w->depth--;
    add(w, tok);
}

void
vmtp_jw_obj_begin(struct vmtp_jw *w, const char *key)
{
    open_(w, key, "{");
}

void
vmtp_jw_obj_end(struct vmtp_jw *w)
{
    close_(w, "}");
}

void
vmtp_jw_arr_begin(struct vmtp_jw *w, const char *key)
{
    open_(w, key, "[");
}

void
vmtp_jw_arr_end(struct vmtp_jw *w)
{
    close_(w, "]");
}

void
vmtp_jw_str(struct vmtp_jw *w, const char *key, const char *val)
{
    prefix(w, key);
    add_escaped(w, val != NULL ? val : "");
}

void
vmtp_jw_int(struct vmtp_jw *w, const char *key, int64_t val)
{
    char num[32];

    prefix(w, key);
    (void)snprintf(num, sizeof(num), "%" PRId64, val);
    add(w, num);
}

void
vmtp_jw_uint(struct vmtp_jw *w, const char *key, uint64_t val)
{
    char num[32];

    prefix(w, key);
    (void)snprintf(num, sizeof(num), "%" PRIu64, val);
    add(w, num);
}

void
vmtp_jw_num(struct vmtp_jw *w, const char *key, double val)
{
    char num[40];

    prefix(w, key);
    if (!isfinite(val)) {
        add(w, "null");
        return;
    }
    if (val == floor(val) && fabs(val) < 9e15) {
        (void)snprintf(num, sizeof(num), "%.0f", val);
    } else {
        (void)snprintf(num, sizeof(num), "%.15g", val);
    }
    add(w, num);
}

void
vmtp_jw_bool(struct vmtp_jw *w, const char *key, bool val)
{
    prefix(w, key);
    add(w, val ? "true" : "false");
}

int
vmtp_jw_finish(const struct vmtp_jw *w)
{
    return (w->failed || w->depth != 0) ? -1 : 0;
}
