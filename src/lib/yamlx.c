/* \summary: small helpers over the libyaml document API (config, clouds) */
#include "yamlx.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_str.h"

enum vmtp_status
vmtp_yaml_load(yaml_document_t *doc,
               const char *text,
               size_t len,
               const char *origin,
               struct vmtp_error *err)
{
    yaml_parser_t parser;
    yaml_document_t extra;
    enum vmtp_status st = VMTP_OK;
    bool have_doc = false;

    if (len > VMTP_YAML_MAX) {
        return vmtp_error_set(err, VMTP_E_PARSE, "%s: larger than %zu bytes",
                              origin, VMTP_YAML_MAX);
    }
    if (!yaml_parser_initialize(&parser)) {
        return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, doc)) {
        st = vmtp_error_set(err, VMTP_E_PARSE, "%s:%zu:%zu: malformed YAML: %s",
                            origin, parser.problem_mark.line + 1,
                            parser.problem_mark.column + 1,
                            parser.problem != NULL ? parser.problem : "error");
        goto out;
    }
    have_doc = true;
    if (yaml_document_get_root_node(doc) == NULL) {
        st = vmtp_error_set(err, VMTP_E_PARSE, "%s:1: empty YAML document",
                            origin);
        goto out;
    }
    if (!yaml_parser_load(&parser, &extra)) {
        st = vmtp_error_set(err, VMTP_E_PARSE, "%s:%zu:%zu: malformed YAML: %s",
                            origin, parser.problem_mark.line + 1,
                            parser.problem_mark.column + 1,
                            parser.problem != NULL ? parser.problem : "error");
        goto out;
    }
    if (yaml_document_get_root_node(&extra) != NULL) {
        st = vmtp_error_set(err, VMTP_E_PARSE,
                            "%s:%zu: more than one YAML document", origin,
                            extra.start_mark.line + 1);
    }
    yaml_document_delete(&extra);
out:
    if (st != VMTP_OK && have_doc) {
        yaml_document_delete(doc);
    }
    yaml_parser_delete(&parser);
    return st;
}

int
vmtp_yaml_line(const yaml_node_t *n)
{
    return (int)n->start_mark.line + 1;
}

bool
vmtp_yaml_is_plain(const yaml_node_t *n)
{
    return n != NULL && n->type == YAML_SCALAR_NODE &&
           n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

bool
vmtp_yaml_is_null(const yaml_node_t *n)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    const char *v;

    if (!vmtp_yaml_is_plain(n)) {
        return false;
    }
    v = (const char *)n->data.scalar.value;
    for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
        if (strcmp(v, nulls[i]) == 0) {
            return true;
        }
    }
    return false;
}

const char *
vmtp_yaml_text(const yaml_node_t *n)
{
    if (n == NULL || n->type != YAML_SCALAR_NODE) {
        return NULL;
    }
    if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
        return NULL;
    }
    return (const char *)n->data.scalar.value;
}

yaml_node_t *
vmtp_yaml_get(yaml_document_t *doc, const yaml_node_t *map, const char *key)
{
    if (map == NULL || map->type != YAML_MAPPING_NODE) {
        return NULL;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        const char *k = vmtp_yaml_text(yaml_document_get_node(doc, p->key));

        if (k != NULL && strcmp(k, key) == 0) {
            return yaml_document_get_node(doc, p->value);
        }
    }
    return NULL;
}

enum vmtp_status
vmtp_read_file(const char *path,
               size_t max,
               char **out,
               size_t *len,
               struct vmtp_error *err)
{
    char ebuf[128];
    FILE *f = NULL;
    char *buf = NULL;
    size_t n = 0;
    enum vmtp_status st = VMTP_OK;

    *out = NULL;
    *len = 0;
    f = fopen(path, "rb");
    if (f == NULL) {
        int e = errno;

        return vmtp_error_set_sys(err, VMTP_E_SYS, e, "cannot open '%s': %s",
                                  path, vx_strerror(e, ebuf, sizeof(ebuf)));
    }
    buf = vx_malloc(max + 2);
    if (buf == NULL) {
        st = vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        goto out;
    }
    n = fread(buf, 1, max + 1, f);
    if (ferror(f)) {
        int e = errno;

        st = vmtp_error_set_sys(err, VMTP_E_SYS, e, "cannot read '%s': %s",
                                path, vx_strerror(e, ebuf, sizeof(ebuf)));
        goto out;
    }
    if (n > max) {
        st = vmtp_error_set(err, VMTP_E_INVAL, "'%s' is larger than %zu bytes",
                            path, max);
        goto out;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
out:
    free(buf);
    (void)fclose(f);
    return st;
}
