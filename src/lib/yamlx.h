/* \summary: small helpers over the libyaml document API (config, clouds) */
#ifndef VMTP_LIB_YAMLX_H
#define VMTP_LIB_YAMLX_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include <vmtp/vmtp.h>

/* Hard cap on any YAML text we read (configuration, clouds.yaml). */
#define VMTP_YAML_MAX ((size_t)1 << 20)

/*
 * Parse the first and only document of `text` into *doc. Fails with
 * VMTP_E_PARSE ("<origin>:<line>:<col>: malformed YAML: ...") for bad
 * syntax, more than one document, or no content at all; *doc is then
 * not initialised. On success release with yaml_document_delete().
 */
enum vmtp_status vmtp_yaml_load(yaml_document_t *doc,
                                const char *text,
                                size_t len,
                                const char *origin,
                                struct vmtp_error *err);

/* 1-based line of a node. */
int vmtp_yaml_line(const yaml_node_t *n);

/* A plain scalar that YAML reads as null: "", "~", "null", "Null", "NULL". */
bool vmtp_yaml_is_null(const yaml_node_t *n);

/* A plain (unquoted) scalar. */
bool vmtp_yaml_is_plain(const yaml_node_t *n);

/*
 * The text of a scalar node, or NULL for another node kind or a scalar
 * holding a NUL byte. Borrowed from the document.
 */
const char *vmtp_yaml_text(const yaml_node_t *n);

/* The value for key `key` of mapping `map`, or NULL. Borrowed. */
yaml_node_t *
vmtp_yaml_get(yaml_document_t *doc, const yaml_node_t *map, const char *key);

/*
 * Read the whole file at path into a NUL-terminated heap buffer of at
 * most VMTP_YAML_MAX bytes (*len without the NUL). Fails with VMTP_E_SYS
 * or VMTP_E_INVAL (too big) naming the file. Free with free().
 */
enum vmtp_status vmtp_read_file(const char *path,
                                size_t max,
                                char **out,
                                size_t *len,
                                struct vmtp_error *err);

#endif
