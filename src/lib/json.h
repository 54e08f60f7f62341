/* \summary: JSON for API replies: typed getters whose errors name the path */
#ifndef VMTP_LIB_JSON_H
#define VMTP_LIB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmtp/vmtp.h>

/*
 * The only wrapper around the JSON library for OpenStack replies and
 * request bodies. A parsed document (struct vmtp_json_doc) owns every
 * value; a struct vmtp_jv is a borrowed view of one value plus its path
 * from the root ("servers[0].addresses"), so that every error names the
 * exact place: "`servers[0].status`: expected string".
 *
 * Getters come in two kinds:
 *   vmtp_jv_str()  required: absent, null or a wrong type is VMTP_E_PARSE;
 *   vmtp_jv_str_opt() optional: absent or null gives NULL / the default,
 *                  a wrong type is still VMTP_E_PARSE.
 * Strings returned are borrowed from the document.
 */

#define VMTP_JSON_PATH_MAX 160

struct vmtp_json_doc;

struct vmtp_jv {
    void *node; /* the library's value, opaque (owned by the document) */
    char path[VMTP_JSON_PATH_MAX];
};

/*
 * Parse `len` bytes. Nesting deeper than 64 or a top level that is not an
 * object is refused. Returns NULL with err set (VMTP_E_PARSE, or
 * VMTP_E_NOMEM). `what` names the reply in the message ("GET /servers").
 * Free with vmtp_json_doc_free().
 */
struct vmtp_json_doc *vmtp_json_parse(const char *buf,
                                      size_t len,
                                      const char *what,
                                      struct vmtp_error *err);
void vmtp_json_doc_free(struct vmtp_json_doc *doc);

/* The root object of doc. */
void vmtp_json_root(const struct vmtp_json_doc *doc, struct vmtp_jv *out);

/* True if obj is an object holding key with a non-null value. */
bool vmtp_jv_has(const struct vmtp_jv *obj, const char *key);

/* Member `key` of object obj, of any non-null type (required). */
enum vmtp_status vmtp_jv_member(const struct vmtp_jv *obj,
                                const char *key,
                                struct vmtp_jv *out,
                                struct vmtp_error *err);

/* Object member `key` (required / optional: *found false when absent). */
enum vmtp_status vmtp_jv_object(const struct vmtp_jv *obj,
                                const char *key,
                                struct vmtp_jv *out,
                                struct vmtp_error *err);
enum vmtp_status vmtp_jv_object_opt(const struct vmtp_jv *obj,
                                    const char *key,
                                    struct vmtp_jv *out,
                                    bool *found,
                                    struct vmtp_error *err);

/* Array member `key`: its view and length (optional: absent = empty). */
enum vmtp_status vmtp_jv_array(const struct vmtp_jv *obj,
                               const char *key,
                               struct vmtp_jv *out,
                               size_t *n,
                               struct vmtp_error *err);
enum vmtp_status vmtp_jv_array_opt(const struct vmtp_jv *obj,
                                   const char *key,
                                   struct vmtp_jv *out,
                                   size_t *n,
                                   struct vmtp_error *err);

/* Element i of an array view (i < its length). */
enum vmtp_status vmtp_jv_index(const struct vmtp_jv *arr,
                               size_t i,
                               struct vmtp_jv *out,
                               struct vmtp_error *err);

/* Iterate an object's members: *key borrowed; returns false at the end. */
bool vmtp_jv_iter(const struct vmtp_jv *obj,
                  size_t i,
                  const char **key,
                  struct vmtp_jv *out);
size_t vmtp_jv_size(const struct vmtp_jv *v); /* members or elements */

/* Scalars of member `key`. */
enum vmtp_status vmtp_jv_str(const struct vmtp_jv *obj,
                             const char *key,
                             const char **out,
                             struct vmtp_error *err);
enum vmtp_status vmtp_jv_str_opt(const struct vmtp_jv *obj,
                                 const char *key,
                                 const char **out,
                                 struct vmtp_error *err);
enum vmtp_status vmtp_jv_int(const struct vmtp_jv *obj,
                             const char *key,
                             int64_t *out,
                             struct vmtp_error *err);
enum vmtp_status vmtp_jv_int_opt(const struct vmtp_jv *obj,
                                 const char *key,
                                 int64_t dflt,
                                 int64_t *out,
                                 struct vmtp_error *err);
enum vmtp_status vmtp_jv_bool_opt(const struct vmtp_jv *obj,
                                  const char *key,
                                  bool dflt,
                                  bool *out,
                                  struct vmtp_error *err);

/* The value itself as a string (array elements, object iteration). */
enum vmtp_status vmtp_jv_as_str(const struct vmtp_jv *v,
                                const char **out,
                                struct vmtp_error *err);

/*
 * Copy a string member into *dst (owned, free()), NULL when optional and
 * absent. Shorthand used by every resource parser.
 */
enum vmtp_status vmtp_jv_dup(const struct vmtp_jv *obj,
                             const char *key,
                             bool required,
                             char **dst,
                             struct vmtp_error *err);

/*
 * Build a request body: `fmt` is the library's pack format
 * ("{s:{s:s, s:b}}"; "s*" skips a NULL string, "o" takes a value made by
 * vmtp_json_pack_value()). Returns the compact JSON text (owned, free()),
 * or NULL with err set.
 */
char *vmtp_json_pack(struct vmtp_error *err, const char *fmt, ...);

/* A value to nest with "o" in a later vmtp_json_pack(); consumed there. */
struct vmtp_json_value;
struct vmtp_json_value *
vmtp_json_pack_value(struct vmtp_error *err, const char *fmt, ...);
/* An empty array to fill with vmtp_json_array_append() (consumes v). */
struct vmtp_json_value *vmtp_json_array_new(void);
int vmtp_json_array_append(struct vmtp_json_value *arr,
                           struct vmtp_json_value *v);
void vmtp_json_value_free(struct vmtp_json_value *v);
/* Set a string member of an object value; 0 or -1 (no memory). */
int vmtp_json_object_set_str(struct vmtp_json_value *obj,
                             const char *key,
                             const char *val);

/*
 * Best-effort text of an OpenStack error reply for messages: the
 * "message" of Nova ({"badRequest": {"message": ...}}), Neutron
 * ({"NeutronError": {"message": ...}}), Keystone ({"error": {"message"}})
 * or Glance (plain text / HTML, tags removed). Writes at most size bytes.
 */
void
vmtp_json_error_message(const char *body, size_t len, char *out, size_t size);

#endif
