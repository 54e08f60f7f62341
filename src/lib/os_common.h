/* \summary: helpers shared by the Nova, Neutron and Glance clients */
#ifndef VMTP_LIB_OS_COMMON_H
#define VMTP_LIB_OS_COMMON_H

#include <stddef.h>

#include <vmtp/vmtp.h>

#include "json.h"
#include "os_auth.h"

/*
 * Parse each element of the array `key` of root with `one` into a new
 * array of `elem_size` items (zeroed first). On failure the items parsed
 * so far are released with `release` and freed.
 */
typedef enum vmtp_status
os_parse_one_fn(const struct vmtp_jv *elem, void *item, struct vmtp_error *err);
typedef void os_release_fn(void *item);

enum vmtp_status vmtp_os_parse_array(const struct vmtp_jv *root,
                                     const char *key,
                                     size_t elem_size,
                                     os_parse_one_fn *one,
                                     os_release_fn *release,
                                     void **items,
                                     size_t *n,
                                     struct vmtp_error *err);

void vmtp_os_free_array(void *items,
                        size_t n,
                        size_t elem_size,
                        os_release_fn *release);

/* Free a string vector of n entries. */
void vmtp_os_strv_free(char **v, size_t n);

/*
 * GET path on svc and parse the array `key` of the reply. Errors name the
 * request.
 */
enum vmtp_status vmtp_os_get_list(struct vmtp_os_session *s,
                                  enum vmtp_os_svc svc,
                                  const char *path,
                                  const char *key,
                                  size_t elem_size,
                                  os_parse_one_fn *one,
                                  os_release_fn *release,
                                  void **items,
                                  size_t *n);

/*
 * POST body to path and copy `<obj>.<field>` of the reply into *out
 * (owned). Used by every "create" that returns an id.
 */
enum vmtp_status vmtp_os_post_id(struct vmtp_os_session *s,
                                 enum vmtp_os_svc svc,
                                 const char *path,
                                 char *body_take,
                                 const char *obj,
                                 const char *field,
                                 char **out);

/* DELETE path (404 gives VMTP_E_NOTFOUND). */
enum vmtp_status vmtp_os_delete(struct vmtp_os_session *s,
                                enum vmtp_os_svc svc,
                                const char *path);

/* "path" formatted, owned; NULL on ENOMEM (error set on s->ctx). */
char *vmtp_os_path(struct vmtp_os_session *s, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#endif
