/* \summary: controller<->agent protocol: length-prefixed frames holding one
 * flat JSON object, with a hard size cap and a version handshake */
#ifndef VMTP_CORE_PROTO_H
#define VMTP_CORE_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmtp/vmtp.h>

/*
 * Frame (docs/agent.md): 'V' 'M' 'T' 'F', payload length (u32 big endian,
 * at most VMTP_PROTO_MAX_FRAME), payload = one flat JSON object whose
 * values are strings, numbers, true, false or null.
 */
#define VMTP_PROTO_VERSION    1
#define VMTP_PROTO_HDR_LEN    8
#define VMTP_PROTO_MAX_FRAME  65536u
#define VMTP_PROTO_MAX_FIELDS 64
#define VMTP_PROTO_MAX_KEY    48
#define VMTP_PROTO_MAX_STR    512

enum vmtp_proto_type {
    VMTP_PROTO_STR,
    VMTP_PROTO_NUM, /* raw text kept in str, checked as a JSON number */
    VMTP_PROTO_BOOL,
    VMTP_PROTO_NULL,
};

struct vmtp_proto_field {
    char key[VMTP_PROTO_MAX_KEY];
    enum vmtp_proto_type type;
    bool b;
    char str[VMTP_PROTO_MAX_STR];
};

/* A decoded message: fixed size, no allocation (about 36 KiB). */
struct vmtp_proto_msg {
    size_t n;
    struct vmtp_proto_field f[VMTP_PROTO_MAX_FIELDS];
};

/* Check a frame header; on success *len is the payload length. */
enum vmtp_status vmtp_proto_parse_header(const uint8_t *hdr,
                                         size_t hdr_len,
                                         uint32_t *len,
                                         struct vmtp_error *err);

/*
 * Parse a payload (not NUL-terminated, len bytes) into *msg. Duplicate
 * keys, nesting, keys or strings over the limits, more than
 * VMTP_PROTO_MAX_FIELDS keys, NUL bytes and trailing garbage are refused
 * with VMTP_E_PROTO.
 */
enum vmtp_status vmtp_proto_parse_payload(const char *payload,
                                          size_t len,
                                          struct vmtp_proto_msg *msg,
                                          struct vmtp_error *err);

/* Header + payload from one buffer (the fuzz entry point). */
enum vmtp_status vmtp_proto_decode(const uint8_t *data,
                                   size_t len,
                                   struct vmtp_proto_msg *msg,
                                   struct vmtp_error *err);

/* Getters: borrowed string or NULL; numbers with range checks. */
const char *vmtp_proto_get_str(const struct vmtp_proto_msg *msg,
                               const char *key);
/* 0 and *out set when key is a number that fits in [min, max], else -1. */
int vmtp_proto_get_int(const struct vmtp_proto_msg *msg,
                       const char *key,
                       int64_t min,
                       int64_t max,
                       int64_t *out);
int vmtp_proto_get_num(const struct vmtp_proto_msg *msg,
                       const char *key,
                       double *out);
bool vmtp_proto_get_bool(const struct vmtp_proto_msg *msg,
                         const char *key,
                         bool dflt);

/*
 * Read one frame within timeout_ms (whole frame) and parse it. An
 * oversized or malformed frame gives VMTP_E_PROTO: the caller should
 * answer with vmtp_proto_send_error() and close the connection.
 */
enum vmtp_status vmtp_proto_recv(int fd,
                                 int timeout_ms,
                                 struct vmtp_proto_msg *msg,
                                 struct vmtp_error *err);

/* Send json (a complete JSON object, len bytes) as one frame. */
enum vmtp_status vmtp_proto_send(int fd,
                                 const char *json,
                                 size_t len,
                                 int timeout_ms,
                                 struct vmtp_error *err);

/* Best effort {"type":"error","code":code,"message":message}. */
void vmtp_proto_send_error(int fd,
                           const char *code,
                           const char *message,
                           int timeout_ms);

#endif
