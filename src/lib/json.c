/* \summary: JSON for API replies: typed getters whose errors name the path */
#include "json.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_str.h"

#define MAX_DEPTH 64

struct vmtp_json_doc {
    json_t *root;
};

static json_t *
node(const struct vmtp_jv *v)
{
    return v->node;
}

static const char *
type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    case JSON_NULL:
    default:
        return "null";
    }
}

static int
depth_ok(json_t *j, int depth)
{
    const char *k;
    json_t *v;
    size_t i;

    if (depth > MAX_DEPTH) {
        return 0;
    }
    if (json_is_object(j)) {
        json_object_foreach(j, k, v)
        {
            if (!depth_ok(v, depth + 1)) {
                return 0;
            }
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v)
        {
            if (!depth_ok(v, depth + 1)) {
                return 0;
            }
        }
    }
    return 1;
}

struct vmtp_json_doc *
vmtp_json_parse(const char *buf,
                size_t len,
                const char *what,
                struct vmtp_error *err)
{
    struct vmtp_json_doc *doc = NULL;
    json_error_t je;
    json_t *root;

    if (what == NULL) {
        what = "reply";
    }
    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        (void)vmtp_error_set(err, VMTP_E_PARSE,
                             "%s: malformed JSON at line %d column %d: %s",
                             what, je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        (void)vmtp_error_set(err, VMTP_E_PARSE,
                             "%s: expected a JSON object, got %s", what,
                             type_name(root));
        json_decref(root);
        return NULL;
    }
    if (!depth_ok(root, 0)) {
        (void)vmtp_error_set(err, VMTP_E_PARSE,
                             "%s: JSON nested deeper than %d", what, MAX_DEPTH);
        json_decref(root);
        return NULL;
    }
    doc = vx_calloc(1, sizeof(*doc));
    if (doc == NULL) {
        json_decref(root);
        (void)vmtp_error_set(err, VMTP_E_NOMEM, "%s: out of memory", what);
        return NULL;
    }
    doc->root = root;
    return doc;
}

void
vmtp_json_doc_free(struct vmtp_json_doc *doc)
{
    if (doc == NULL) {
        return;
    }
    json_decref(doc->root);
    free(doc);
}

void
vmtp_json_root(const struct vmtp_json_doc *doc, struct vmtp_jv *out)
{
    out->node = doc->root;
    out->path[0] = '\0';
}

static void
child_path(const struct vmtp_jv *parent,
           const char *key,
           long idx,
           struct vmtp_jv *out)
{
    int n;

    if (key != NULL) {
        n = snprintf(out->path, sizeof(out->path), "%s%s%s", parent->path,
                     parent->path[0] != '\0' ? "." : "", key);
    } else {
        n = snprintf(out->path, sizeof(out->path), "%s[%ld]", parent->path,
                     idx);
    }
    if (n < 0 || (size_t)n >= sizeof(out->path)) {
        /* keep the tail readable: mark the truncation */
        memcpy(out->path + sizeof(out->path) - 4, "...", 4);
    }
}

static enum vmtp_status
type_error(const struct vmtp_jv *parent,
           const char *key,
           const char *want,
           const json_t *got,
           struct vmtp_error *err)
{
    struct vmtp_jv tmp;

    child_path(parent, key, 0, &tmp);
    return vmtp_error_set(err, VMTP_E_PARSE, "`%s`: expected %s%s%s", tmp.path,
                          want, got == NULL ? ", missing" : ", got ",
                          got == NULL ? "" : type_name(got));
}

static json_t *
get(const struct vmtp_jv *obj, const char *key)
{
    json_t *o = node(obj);

    if (!json_is_object(o)) {
        return NULL;
    }
    return json_object_get(o, key);
}

static enum vmtp_status
not_object(const struct vmtp_jv *obj, struct vmtp_error *err)
{
    return vmtp_error_set(err, VMTP_E_PARSE, "`%s`: expected object, got %s",
                          obj->path[0] != '\0' ? obj->path : "(root)",
                          type_name(node(obj)));
}

bool
vmtp_jv_has(const struct vmtp_jv *obj, const char *key)
{
    json_t *v = get(obj, key);

    return v != NULL && !json_is_null(v);
}

enum vmtp_status
vmtp_jv_member(const struct vmtp_jv *obj,
               const char *key,
               struct vmtp_jv *out,
               struct vmtp_error *err)
{
    json_t *v;

    if (!json_is_object(node(obj))) {
        return not_object(obj, err);
    }
    v = get(obj, key);
    if (v == NULL || json_is_null(v)) {
        return type_error(obj, key, "a value", NULL, err);
    }
    child_path(obj, key, 0, out);
    out->node = v;
    return VMTP_OK;
}

static enum vmtp_status
typed_member(const struct vmtp_jv *obj,
             const char *key,
             json_type type,
             const char *want,
             bool required,
             struct vmtp_jv *out,
             bool *found,
             struct vmtp_error *err)
{
    json_t *v;

    *found = false;
    if (!json_is_object(node(obj))) {
        return not_object(obj, err);
    }
    v = get(obj, key);
    if (v == NULL || json_is_null(v)) {
        return required ? type_error(obj, key, want, NULL, err) : VMTP_OK;
    }
    if (json_typeof(v) != type) {
        return type_error(obj, key, want, v, err);
    }
    child_path(obj, key, 0, out);
    out->node = v;
    *found = true;
    return VMTP_OK;
}

enum vmtp_status
vmtp_jv_object(const struct vmtp_jv *obj,
               const char *key,
               struct vmtp_jv *out,
               struct vmtp_error *err)
{
    bool found;

    return typed_member(obj, key, JSON_OBJECT, "object", true, out, &found,
                        err);
}

enum vmtp_status
vmtp_jv_object_opt(const struct vmtp_jv *obj,
                   const char *key,
                   struct vmtp_jv *out,
                   bool *found,
                   struct vmtp_error *err)
{
    return typed_member(obj, key, JSON_OBJECT, "object", false, out, found,
                        err);
}

static enum vmtp_status
array_member(const struct vmtp_jv *obj,
             const char *key,
             bool required,
             struct vmtp_jv *out,
             size_t *n,
             struct vmtp_error *err)
{
    bool found;
    enum vmtp_status st = typed_member(obj, key, JSON_ARRAY, "array", required,
                                       out, &found, err);

    *n = 0;
    if (st != VMTP_OK) {
        return st;
    }
    if (!found) {
        child_path(obj, key, 0, out);
        out->node = NULL;
        return VMTP_OK;
    }
    *n = json_array_size(node(out));
    return VMTP_OK;
}

enum vmtp_status
vmtp_jv_array(const struct vmtp_jv *obj,
              const char *key,
              struct vmtp_jv *out,
              size_t *n,
              struct vmtp_error *err)
{
    return array_member(obj, key, true, out, n, err);
}

enum vmtp_status
vmtp_jv_array_opt(const struct vmtp_jv *obj,
                  const char *key,
                  struct vmtp_jv *out,
                  size_t *n,
                  struct vmtp_error *err)
{
    return array_member(obj, key, false, out, n, err);
}

enum vmtp_status
vmtp_jv_index(const struct vmtp_jv *arr,
              size_t i,
              struct vmtp_jv *out,
              struct vmtp_error *err)
{
    json_t *v = json_array_get(node(arr), i);

    if (v == NULL) {
        return vmtp_error_set(err, VMTP_E_PARSE, "`%s[%zu]`: missing",
                              arr->path, i);
    }
    child_path(arr, NULL, (long)i, out);
    out->node = v;
    return VMTP_OK;
}

size_t
vmtp_jv_size(const struct vmtp_jv *v)
{
    if (json_is_object(node(v))) {
        return json_object_size(node(v));
    }
    if (json_is_array(node(v))) {
        return json_array_size(node(v));
    }
    return 0;
}

bool
vmtp_jv_iter(const struct vmtp_jv *obj,
             size_t i,
             const char **key,
             struct vmtp_jv *out)
{
    void *it;

    if (!json_is_object(node(obj))) {
        return false;
    }
    it = json_object_iter(node(obj));
    for (size_t k = 0; it != NULL && k < i; k++) {
        it = json_object_iter_next(node(obj), it);
    }
    if (it == NULL) {
        return false;
    }
    *key = json_object_iter_key(it);
    child_path(obj, *key, 0, out);
    out->node = json_object_iter_value(it);
    return true;
}

static enum vmtp_status
str_member(const struct vmtp_jv *obj,
           const char *key,
           bool required,
           const char **out,
           struct vmtp_error *err)
{
    struct vmtp_jv v;
    bool found;
    enum vmtp_status st = typed_member(obj, key, JSON_STRING, "string",
                                       required, &v, &found, err);

    *out = NULL;
    if (st == VMTP_OK && found) {
        *out = json_string_value(node(&v));
    }
    return st;
}

enum vmtp_status
vmtp_jv_str(const struct vmtp_jv *obj,
            const char *key,
            const char **out,
            struct vmtp_error *err)
{
    return str_member(obj, key, true, out, err);
}

enum vmtp_status
vmtp_jv_str_opt(const struct vmtp_jv *obj,
                const char *key,
                const char **out,
                struct vmtp_error *err)
{
    return str_member(obj, key, false, out, err);
}

enum vmtp_status
vmtp_jv_as_str(const struct vmtp_jv *v,
               const char **out,
               struct vmtp_error *err)
{
    if (!json_is_string(node(v))) {
        *out = NULL;
        return vmtp_error_set(err, VMTP_E_PARSE,
                              "`%s`: expected string, got %s", v->path,
                              type_name(node(v)));
    }
    *out = json_string_value(node(v));
    return VMTP_OK;
}

static enum vmtp_status
int_member(const struct vmtp_jv *obj,
           const char *key,
           bool required,
           int64_t dflt,
           int64_t *out,
           struct vmtp_error *err)
{
    json_t *v;

    *out = dflt;
    if (!json_is_object(node(obj))) {
        return not_object(obj, err);
    }
    v = get(obj, key);
    if (v == NULL || json_is_null(v)) {
        return required ? type_error(obj, key, "integer", NULL, err) : VMTP_OK;
    }
    if (!json_is_integer(v)) {
        return type_error(obj, key, "integer", v, err);
    }
    *out = (int64_t)json_integer_value(v);
    return VMTP_OK;
}

enum vmtp_status
vmtp_jv_int(const struct vmtp_jv *obj,
            const char *key,
            int64_t *out,
            struct vmtp_error *err)
{
    return int_member(obj, key, true, 0, out, err);
}

enum vmtp_status
vmtp_jv_int_opt(const struct vmtp_jv *obj,
                const char *key,
                int64_t dflt,
                int64_t *out,
                struct vmtp_error *err)
{
    return int_member(obj, key, false, dflt, out, err);
}

enum vmtp_status
vmtp_jv_bool_opt(const struct vmtp_jv *obj,
                 const char *key,
                 bool dflt,
                 bool *out,
                 struct vmtp_error *err)
{
    json_t *v;

    *out = dflt;
    if (!json_is_object(node(obj))) {
        return not_object(obj, err);
    }
    v = get(obj, key);
    if (v == NULL || json_is_null(v)) {
        return VMTP_OK;
    }
    if (!json_is_boolean(v)) {
        return type_error(obj, key, "boolean", v, err);
    }
    *out = json_is_true(v);
    return VMTP_OK;
}

enum vmtp_status
vmtp_jv_dup(const struct vmtp_jv *obj,
            const char *key,
            bool required,
            char **dst,
            struct vmtp_error *err)
{
    const char *s = NULL;
    enum vmtp_status st = str_member(obj, key, required, &s, err);

    *dst = NULL;
    if (st != VMTP_OK || s == NULL) {
        return st;
    }
    *dst = vx_strdup(s);
    if (*dst == NULL) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    return VMTP_OK;
}

/* ---- building ------------------------------------------------------- */

char *
vmtp_json_pack(struct vmtp_error *err, const char *fmt, ...)
{
    json_error_t je;
    json_t *j;
    char *s;
    va_list ap;

    va_start(ap, fmt);
    j = json_vpack_ex(&je, 0, fmt, ap);
    va_end(ap);
    if (j == NULL) {
        (void)vmtp_error_set(err, VMTP_E_INTERNAL,
                             "cannot build a request body: %s", je.text);
        return NULL;
    }
    s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (s == NULL) {
        (void)vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    return s;
}

struct vmtp_json_value *
vmtp_json_pack_value(struct vmtp_error *err, const char *fmt, ...)
{
    json_error_t je;
    json_t *j;
    va_list ap;

    va_start(ap, fmt);
    j = json_vpack_ex(&je, 0, fmt, ap);
    va_end(ap);
    if (j == NULL) {
        (void)vmtp_error_set(err, VMTP_E_INTERNAL,
                             "cannot build a request body: %s", je.text);
    }
    return (struct vmtp_json_value *)j;
}

struct vmtp_json_value *
vmtp_json_array_new(void)
{
    return (struct vmtp_json_value *)json_array();
}

int
vmtp_json_array_append(struct vmtp_json_value *arr, struct vmtp_json_value *v)
{
    return json_array_append_new((json_t *)arr, (json_t *)v);
}

void
vmtp_json_value_free(struct vmtp_json_value *v)
{
    json_decref((json_t *)v);
}

int
vmtp_json_object_set_str(struct vmtp_json_value *obj,
                         const char *key,
                         const char *val)
{
    return json_object_set_new((json_t *)obj, key, json_string(val));
}

/* ---- error replies -------------------------------------------------- */

static bool
copy_message(const json_t *o, char *out, size_t size)
{
    const json_t *m = json_object_get(o, "message");

    if (json_is_string(m)) {
        (void)vx_strlcpy(out, json_string_value(m), size);
        return true;
    }
    return false;
}

void
vmtp_json_error_message(const char *body, size_t len, char *out, size_t size)
{
    json_t *root;
    size_t o = 0;
    bool in_tag = false;
    bool space = false;

    if (size == 0) {
        return;
    }
    out[0] = '\0';
    if (body == NULL || len == 0) {
        return;
    }
    root = json_loadb(body, len, 0, NULL);
    if (json_is_object(root)) {
        const char *k;
        json_t *v;
        bool done = copy_message(root, out, size);

        json_object_foreach(root, k, v)
        {
            if (done) {
                break;
            }
            if (json_is_object(v)) {
                done = copy_message(v, out, size);
            }
        }
        json_decref(root);
        if (done) {
            return;
        }
    } else {
        json_decref(root);
    }
    /* plain text or HTML: strip tags, squeeze blanks */
    for (size_t i = 0; i < len && o + 1 < size; i++) {
        unsigned char c = (unsigned char)body[i];

        if (c == '<') {
            in_tag = true;
            continue;
        }
        if (c == '>') {
            in_tag = false;
            space = true;
            continue;
        }
        if (in_tag) {
            continue;
        }
        if (isspace(c) || c < 0x20) {
            space = true;
            continue;
        }
        if (space && o > 0 && o + 2 < size) {
            out[o++] = ' ';
        }
        space = false;
        out[o++] = (char)c;
    }
    out[o] = '\0';
}
