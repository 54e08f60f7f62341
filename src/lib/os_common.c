/* \summary: helpers shared by the Nova, Neutron and Glance clients */
#include "os_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_str.h"

void
vmtp_os_free_array(void *items,
                   size_t n,
                   size_t elem_size,
                   os_release_fn *release)
{
    char *p = items;

    if (p == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        release(p + i * elem_size);
    }
    free(p);
}

void
vmtp_os_strv_free(char **v, size_t n)
{
    if (v == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

enum vmtp_status
vmtp_os_parse_array(const struct vmtp_jv *root,
                    const char *key,
                    size_t elem_size,
                    os_parse_one_fn *one,
                    os_release_fn *release,
                    void **items,
                    size_t *n,
                    struct vmtp_error *err)
{
    struct vmtp_jv arr;
    size_t len = 0;
    char *buf = NULL;
    size_t done = 0;
    enum vmtp_status st;

    *items = NULL;
    *n = 0;
    st = vmtp_jv_array(root, key, &arr, &len, err);
    if (st != VMTP_OK) {
        return st;
    }
    if (len == 0) {
        return VMTP_OK;
    }
    buf = vx_calloc(len, elem_size);
    if (buf == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    for (; done < len; done++) {
        struct vmtp_jv el;

        st = vmtp_jv_index(&arr, done, &el, err);
        if (st == VMTP_OK) {
            st = one(&el, buf + done * elem_size, err);
        }
        if (st != VMTP_OK) {
            /* the failed item may be half filled: release it too */
            vmtp_os_free_array(buf, done + 1, elem_size, release);
            return st;
        }
    }
    *items = buf;
    *n = len;
    return VMTP_OK;
}

enum vmtp_status
vmtp_os_get_list(struct vmtp_os_session *s,
                 enum vmtp_os_svc svc,
                 const char *path,
                 const char *key,
                 size_t elem_size,
                 os_parse_one_fn *one,
                 os_release_fn *release,
                 void **items,
                 size_t *n)
{
    struct vmtp_os_reply r = {0};
    struct vmtp_jv root;
    enum vmtp_status st;

    *items = NULL;
    *n = 0;
    st = vmtp_os_call(s, svc, "GET", path, NULL, 0, &r);
    if (st != VMTP_OK) {
        goto out;
    }
    if (r.doc == NULL) {
        st = vmtp_set_error(s->ctx, VMTP_E_PARSE, "GET %s: empty reply", path);
        goto out;
    }
    vmtp_json_root(r.doc, &root);
    st = vmtp_os_parse_array(&root, key, elem_size, one, release, items, n,
                             &s->ctx->err);
    if (st != VMTP_OK) {
        /* prefix the request to the path error */
        char msg[sizeof(s->ctx->err.msg) + 256];
        int k = snprintf(msg, sizeof(msg), "GET %s: %s", path, s->ctx->err.msg);

        if (k > 0) {
            (void)vx_strlcpy(s->ctx->err.msg, msg, sizeof(s->ctx->err.msg));
        }
    }
out:
    vmtp_os_reply_release(&r);
    return st;
}

enum vmtp_status
vmtp_os_post_id(struct vmtp_os_session *s,
                enum vmtp_os_svc svc,
                const char *path,
                char *body_take,
                const char *obj,
                const char *field,
                char **out)
{
    struct vmtp_os_reply r = {0};
    struct vmtp_jv root;
    struct vmtp_jv o;
    enum vmtp_status st;

    *out = NULL;
    if (body_take == NULL) {
        return s->ctx->err.code != VMTP_OK ? s->ctx->err.code : VMTP_E_INTERNAL;
    }
    st = vmtp_os_call(s, svc, "POST", path, body_take, VMTP_OS_NO_RETRY, &r);
    if (st != VMTP_OK) {
        goto out;
    }
    if (r.doc == NULL) {
        st = vmtp_set_error(s->ctx, VMTP_E_PARSE, "POST %s: empty reply", path);
        goto out;
    }
    vmtp_json_root(r.doc, &root);
    if (obj != NULL) {
        st = vmtp_jv_object(&root, obj, &o, &s->ctx->err);
    } else {
        o = root;
    }
    if (st == VMTP_OK) {
        st = vmtp_jv_dup(&o, field, true, out, &s->ctx->err);
    }
out:
    vmtp_os_reply_release(&r);
    free(body_take);
    return st;
}

enum vmtp_status
vmtp_os_delete(struct vmtp_os_session *s,
               enum vmtp_os_svc svc,
               const char *path)
{
    return vmtp_os_call(s, svc, "DELETE", path, NULL, 0, NULL);
}

char *
vmtp_os_path(struct vmtp_os_session *s, const char *fmt, ...)
{
    char *p = NULL;
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (rc < 0) {
        (void)vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
        return NULL;
    }
    return p;
}
