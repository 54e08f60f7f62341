/* \summary: Glance v2 client: find, create, upload (streaming), delete */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "os_api.h"
#include "os_common.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_str.h"
#include "vx_time.h"

void
vmtp_os_image_release(struct vmtp_os_image *im)
{
    VX_FREE(im->id);
    VX_FREE(im->name);
    VX_FREE(im->status);
    VX_FREE(im->visibility);
}

static void
image_release(void *p)
{
    vmtp_os_image_release(p);
}

static enum vmtp_status
image_one(const struct vmtp_jv *el, void *p, struct vmtp_error *err)
{
    struct vmtp_os_image *im = p;
    enum vmtp_status st = vmtp_jv_dup(el, "id", true, &im->id, err);

    if (st == VMTP_OK) {
        st = vmtp_jv_dup(el, "name", false, &im->name, err);
    }
    if (st == VMTP_OK) {
        st = vmtp_jv_dup(el, "status", false, &im->status, err);
    }
    if (st == VMTP_OK) {
        st = vmtp_jv_dup(el, "visibility", false, &im->visibility, err);
    }
    return st;
}

enum vmtp_status
vmtp_os_images_from_json(const struct vmtp_jv *root,
                         struct vmtp_os_image_list *out,
                         struct vmtp_error *err)
{
    return vmtp_os_parse_array(root, "images", sizeof(*out->items), image_one,
                               image_release, (void **)&out->items, &out->n,
                               err);
}

void
vmtp_os_image_list_free(struct vmtp_os_image_list *l)
{
    vmtp_os_free_array(l->items, l->n, sizeof(*l->items), image_release);
    l->items = NULL;
    l->n = 0;
}

enum vmtp_status
vmtp_os_images(struct vmtp_os_session *s,
               const char *name,
               struct vmtp_os_image_list *out)
{
    char *esc = NULL;
    char *p;
    enum vmtp_status st;

    if (name != NULL) {
        esc = vmtp_os_escape(name);
        if (esc == NULL) {
            return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
        }
    }
    p = vmtp_os_path(s, "/v2/images?limit=1000%s%s",
                     esc != NULL ? "&name=" : "", esc != NULL ? esc : "");
    free(esc);
    if (p == NULL) {
        return VMTP_E_NOMEM;
    }
    st = vmtp_os_get_list(s, VMTP_OS_IMAGE, p, "images", sizeof(*out->items),
                          image_one, image_release, (void **)&out->items,
                          &out->n);
    free(p);
    return st;
}

enum vmtp_status
vmtp_os_image_find(struct vmtp_os_session *s,
                   const char *name,
                   struct vmtp_os_image *out)
{
    struct vmtp_os_image_list l = {0};
    enum vmtp_status st = vmtp_os_images(s, name, &l);

    memset(out, 0, sizeof(*out));
    if (st != VMTP_OK) {
        return st;
    }
    if (l.n == 0) {
        st = vmtp_set_error(s->ctx, VMTP_E_NOTFOUND, "cannot find image '%s'",
                            name);
    } else {
        *out = l.items[0];
        memset(&l.items[0], 0, sizeof(l.items[0]));
    }
    vmtp_os_image_list_free(&l);
    return st;
}

enum vmtp_status
vmtp_os_image_get(struct vmtp_os_session *s,
                  const char *id,
                  struct vmtp_os_image *out)
{
    struct vmtp_os_reply r = {0};
    struct vmtp_jv root;
    char *p = vmtp_os_path(s, "/v2/images/%s", id);
    enum vmtp_status st;

    memset(out, 0, sizeof(*out));
    if (p == NULL) {
        return VMTP_E_NOMEM;
    }
    st = vmtp_os_call(s, VMTP_OS_IMAGE, "GET", p, NULL, 0, &r);
    if (st == VMTP_OK && r.doc == NULL) {
        st = vmtp_set_error(s->ctx, VMTP_E_PARSE, "GET %s: empty reply", p);
    }
    if (st == VMTP_OK) {
        vmtp_json_root(r.doc, &root);
        st = image_one(&root, out, &s->ctx->err);
        if (st != VMTP_OK) {
            vmtp_os_image_release(out);
        }
    }
    vmtp_os_reply_release(&r);
    free(p);
    return st;
}

enum vmtp_status
vmtp_os_image_create(struct vmtp_os_session *s,
                     const char *name,
                     const char *disk_format,
                     const char *container_format,
                     char **id)
{
    char *body = vmtp_json_pack(
            &s->ctx->err, "{s:s, s:s, s:s}", "name", name, "disk_format",
            disk_format != NULL ? disk_format : "qcow2", "container_format",
            container_format != NULL ? container_format : "bare");

    return vmtp_os_post_id(s, VMTP_OS_IMAGE, "/v2/images", body, NULL, "id",
                           id);
}

enum vmtp_status
vmtp_os_image_upload(struct vmtp_os_session *s, const char *id, const char *url)
{
    char *p = NULL;
    enum vmtp_status st;

    if (!vx_startswith(url, "file://") && !vx_startswith(url, "http://") &&
        !vx_startswith(url, "https://")) {
        return vmtp_set_error(s->ctx, VMTP_E_INVAL,
                              "image URL '%s' is not supported: it must start "
                              "with file://, http:// or https://",
                              url);
    }
    p = vmtp_os_path(s, "/v2/images/%s/file", id);
    if (p == NULL) {
        return VMTP_E_NOMEM;
    }
    if (vx_startswith(url, "file://")) {
        st = vmtp_os_upload(s, VMTP_OS_IMAGE, p, url + strlen("file://"), NULL);
    } else {
        st = vmtp_os_upload(s, VMTP_OS_IMAGE, p, NULL, url);
    }
    if (st == VMTP_E_AUTH && s->ctx->err.http_status == 403) {
        (void)vmtp_error_set_at(&s->ctx->err, VMTP_E_AUTH, 0, 403, __func__,
                                "cannot upload image without admin access: "
                                "make sure the image is uploaded and is "
                                "either public or owned by you (PUT %s: "
                                "HTTP 403)",
                                p);
    }
    free(p);
    return st;
}

enum vmtp_status
vmtp_os_image_wait_active(struct vmtp_os_session *s,
                          const char *id,
                          int timeout_ms)
{
    uint64_t deadline = vx_now_us() + (uint64_t)timeout_ms * 1000u;
    struct vmtp_os_image im = {0};
    enum vmtp_status st;

    for (;;) {
        st = vmtp_os_image_get(s, id, &im);
        if (st != VMTP_OK) {
            return st;
        }
        if (vx_streq(im.status, "active")) {
            break;
        }
        if (!vx_streq(im.status, "queued") && !vx_streq(im.status, "saving") &&
            !vx_streq(im.status, "importing") &&
            !vx_streq(im.status, "uploading")) {
            st = vmtp_set_error(s->ctx, VMTP_E_HTTP,
                                "image '%s' (%s) is '%s', not active",
                                im.name != NULL ? im.name : "", id,
                                im.status != NULL ? im.status : "?");
            break;
        }
        if (vx_now_us() + 2000000u > deadline) {
            st = vmtp_set_error(s->ctx, VMTP_E_TIMEOUT,
                                "image %s not active after %d ms (status %s)",
                                id, timeout_ms, im.status);
            break;
        }
        vmtp_os_image_release(&im);
        vx_sleep_us(2000000u);
    }
    vmtp_os_image_release(&im);
    return st;
}

enum vmtp_status
vmtp_os_image_delete(struct vmtp_os_session *s, const char *id)
{
    char *p = vmtp_os_path(s, "/v2/images/%s", id);
    enum vmtp_status st;

    if (p == NULL) {
        return VMTP_E_NOMEM;
    }
    st = vmtp_os_delete(s, VMTP_OS_IMAGE, p);
    free(p);
    return st;
}
