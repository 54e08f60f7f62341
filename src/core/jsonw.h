/* \summary: a small JSON writer into a bounded buffer (no JSON library) */
#ifndef VMTP_CORE_JSONW_H
#define VMTP_CORE_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "vx_buf.h"

#define VMTP_JW_MAX_DEPTH 8

/*
 * Writes compact JSON into a caller-owned vx_buf. Errors are sticky: after
 * the first failure (buffer limit, nesting deeper than VMTP_JW_MAX_DEPTH)
 * every call does nothing and vmtp_jw_finish() returns -1. `key` is NULL
 * for array elements and for the outermost object.
 */
struct vmtp_jw {
    struct vx_buf *b;
    int depth;
    bool need_comma[VMTP_JW_MAX_DEPTH + 1];
    bool failed;
};

void vmtp_jw_init(struct vmtp_jw *w, struct vx_buf *b);
void vmtp_jw_obj_begin(struct vmtp_jw *w, const char *key);
void vmtp_jw_obj_end(struct vmtp_jw *w);
void vmtp_jw_arr_begin(struct vmtp_jw *w, const char *key);
void vmtp_jw_arr_end(struct vmtp_jw *w);
void vmtp_jw_str(struct vmtp_jw *w, const char *key, const char *val);
void vmtp_jw_int(struct vmtp_jw *w, const char *key, int64_t val);
void vmtp_jw_uint(struct vmtp_jw *w, const char *key, uint64_t val);
/* Non-finite numbers are written as null. */
void vmtp_jw_num(struct vmtp_jw *w, const char *key, double val);
void vmtp_jw_bool(struct vmtp_jw *w, const char *key, bool val);

/* 0 when the document is complete and nothing failed, else -1. */
int vmtp_jw_finish(const struct vmtp_jw *w);

#endif
