/* \summary: agent control frames: bounded header and flat-JSON decoding */
#include "proto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "jsonw.h"
#include "net.h"
#include "vx_banned.h"
#include "vx_buf.h"
#include "vx_str.h"

static const uint8_t frame_magic[4] = {'V', 'M', 'T', 'F'};

enum vmtp_status
vmtp_proto_parse_header(const uint8_t *hdr,
                        size_t hdr_len,
                        uint32_t *len,
                        struct vmtp_error *err)
{
    uint32_t n;

    if (hdr_len < VMTP_PROTO_HDR_LEN) {
        return vmtp_error_set(err, VMTP_E_PROTO, "short frame header");
    }
    if (memcmp(hdr, frame_magic, sizeof(frame_magic)) != 0) {
        return vmtp_error_set(err, VMTP_E_PROTO, "bad frame magic");
    }
    n = ((uint32_t)hdr[4] << 24) | ((uint32_t)hdr[5] << 16) |
        ((uint32_t)hdr[6] << 8) | (uint32_t)hdr[7];
    if (n > VMTP_PROTO_MAX_FRAME) {
        return vmtp_error_set(err, VMTP_E_PROTO,
                              "frame of %u bytes is over the %u-byte limit", n,
                              VMTP_PROTO_MAX_FRAME);
    }
    if (n < 2) {
        return vmtp_error_set(err, VMTP_E_PROTO, "empty frame");
    }
    *len = n;
    return VMTP_OK;
}

/* A cursor over the payload: every access checks the end. */
struct cur {
    const char *p;
    const char *end;
};

static void
skip_ws(struct cur *c)
{
    while (c->p < c->end &&
           (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) {
        c->p++;
    }
}

static int
peek(const struct cur *c)
{
    return c->p < c->end ? (unsigned char)*c->p : -1;
}

static int
hexval(int ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

/* Append one byte to out (size cap); -1 when full. */
static int
put(char *out, size_t cap, size_t *n, char ch)
{
    if (*n + 1 >= cap) {
        return -1;
    }
    out[(*n)++] = ch;
    out[*n] = '\0';
    return 0;
}

/* Encode code point cp (< 0x10000) as UTF-8. */
static int
put_utf8(char *out, size_t cap, size_t *n, unsigned cp)
{
    if (cp == 0) {
        return -1; /* no NUL inside our strings */
    }
    if (cp < 0x80) {
        return put(out, cap, n, (char)cp);
    }
    if (cp < 0x800) {
        return (put(out, cap, n, (char)(0xc0 | (cp >> 6))) != 0 ||
                put(out, cap, n, (char)(0x80 | (cp & 0x3f))) != 0)
                       ? -1
                       : 0;
    }
    return (put(out, cap, n, (char)(0xe0 | (cp >> 12))) != 0 ||
            put(out, cap, n, (char)(0x80 | ((cp >> 6) & 0x3f))) != 0 ||
            put(out, cap, n, (char)(0x80 | (cp & 0x3f))) != 0)
                   ? -1
                   : 0;
}

/* A JSON string at c->p (starting quote) into out (cap bytes incl. NUL). */
static int
parse_string(struct cur *c, char *out, size_t cap)
{
    size_t n = 0;

    out[0] = '\0';
    if (peek(c) != '"') {
        return -1;
    }
    c->p++;
    for (;;) {
        int ch = peek(c);

        if (ch < 0x20) {
            return -1; /* end of input or raw control character */
        }
        c->p++;
        if (ch == '"') {
            return 0;
        }
        if (ch != '\\') {
            if (put(out, cap, &n, (char)ch) != 0) {
                return -1;
            }
            continue;
        }
        ch = peek(c);
        if (ch < 0) {
            return -1;
        }
        c->p++;
        switch (ch) {
        case '"':
        case '\\':
        case '/':
            break;
        case 'b':
            ch = '\b';
            break;
        case 'f':
            ch = '\f';
            break;
        case 'n':
            ch = '\n';
            break;
        case 'r':
            ch = '\r';
            break;
        case 't':
            ch = '\t';
            break;
        case 'u': {
            unsigned cp = 0;

            if (c->end - c->p < 4) {
                return -1;
            }
            for (int i = 0; i < 4; i++) {
                int h = hexval((unsigned char)c->p[i]);

                if (h < 0) {
                    return -1;
                }
                cp = cp * 16u + (unsigned)h;
            }
            c->p += 4;
            if (cp >= 0xd800 && cp <= 0xdfff) {
                cp = 0xfffd; /* surrogates: not needed in our messages */
            }
            if (put_utf8(out, cap, &n, cp) != 0) {
                return -1;
            }
            continue;
        }
        default:
            return -1;
        }
        if (put(out, cap, &n, (char)ch) != 0) {
            return -1;
        }
    }
}

/* A JSON number: kept as text after a strict syntax check. */
static int
parse_number(struct cur *c, char *out, size_t cap)
{
    const char *start = c->p;
    size_t n;

    if (peek(c) == '-') {
        c->p++;
    }
    if (peek(c) == '0') {
        c->p++;
    } else if (peek(c) >= '1' && peek(c) <= '9') {
        while (peek(c) >= '0' && peek(c) <= '9') {
            c->p++;
        }
    } else {
        return -1;
    }
    if (peek(c) == '.') {
        c->p++;
        if (!(peek(c) >= '0' && peek(c) <= '9')) {
            return -1;
        }
        while (peek(c) >= '0' && peek(c) <= '9') {
            c->p++;
        }
    }
    if (peek(c) == 'e' || peek(c) == 'E') {
        c->p++;
        if (peek(c) == '+' || peek(c) == '-') {
            c->p++;
        }
        if (!(peek(c) >= '0' && peek(c) <= '9')) {
            return -1;
        }
        while (peek(c) >= '0' && peek(c) <= '9') {
            c->p++;
        }
    }
    n = (size_t)(c->p - start);
    if (n + 1 > cap || n > 64) {
        return -1;
    }
    memcpy(out, start, n);
    out[n] = '\0';
    return 0;
}

static int
parse_word(struct cur *c, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0) {
        return -1;
    }
    c->p += n;
    return 0;
}

static int
parse_value(struct cur *c, struct vmtp_proto_field *f)
{
    int ch = peek(c);

    f->str[0] = '\0';
    f->b = false;
    if (ch == '"') {
        f->type = VMTP_PROTO_STR;
        return parse_string(c, f->str, sizeof(f->str));
    }
    if (ch == 't' || ch == 'f') {
        f->type = VMTP_PROTO_BOOL;
        f->b = ch == 't';
        return parse_word(c, f->b ? "true" : "false");
    }
    if (ch == 'n') {
        f->type = VMTP_PROTO_NULL;
        return parse_word(c, "null");
    }
    f->type = VMTP_PROTO_NUM;
    return parse_number(c, f->str, sizeof(f->str));
}

static const struct vmtp_proto_field *
find(const struct vmtp_proto_msg *msg, const char *key)
{
    for (size_t i = 0; i < msg->n; i++) {
        if (strcmp(msg->f[i].key, key) == 0) {
            return &msg->f[i];
        }
    }
    return NULL;
}

enum vmtp_status
vmtp_proto_parse_payload(const char *payload,
                         size_t len,
                         struct vmtp_proto_msg *msg,
                         struct vmtp_error *err)
{
    struct cur c = {.p = payload, .end = payload + len};

    msg->n = 0;
    skip_ws(&c);
    if (peek(&c) != '{') {
        return vmtp_error_set(err, VMTP_E_PROTO,
                              "payload is not a JSON object");
    }
    c.p++;
    skip_ws(&c);
    if (peek(&c) == '}') {
        c.p++;
        goto tail;
    }
    for (;;) {
        struct vmtp_proto_field *f;

        if (msg->n >= VMTP_PROTO_MAX_FIELDS) {
            return vmtp_error_set(err, VMTP_E_PROTO, "more than %d keys",
                                  VMTP_PROTO_MAX_FIELDS);
        }
        f = &msg->f[msg->n];
        skip_ws(&c);
        if (parse_string(&c, f->key, sizeof(f->key)) != 0) {
            return vmtp_error_set(err, VMTP_E_PROTO,
                                  "bad or too long key at offset %zu",
                                  (size_t)(c.p - payload));
        }
        if (find(msg, f->key) != NULL) {
            return vmtp_error_set(err, VMTP_E_PROTO, "duplicate key '%s'",
                                  f->key);
        }
        skip_ws(&c);
        if (peek(&c) != ':') {
            return vmtp_error_set(err, VMTP_E_PROTO,
                                  "expected ':' at offset %zu",
                                  (size_t)(c.p - payload));
        }
        c.p++;
        skip_ws(&c);
        if (parse_value(&c, f) != 0) {
            return vmtp_error_set(err, VMTP_E_PROTO, "bad value for key '%s'",
                                  f->key);
        }
        msg->n++;
        skip_ws(&c);
        if (peek(&c) == ',') {
            c.p++;
            continue;
        }
        if (peek(&c) == '}') {
            c.p++;
            break;
        }
        return vmtp_error_set(err, VMTP_E_PROTO,
                              "expected ',' or '}' at offset %zu",
                              (size_t)(c.p - payload));
    }
tail:
    skip_ws(&c);
    if (c.p != c.end) {
        msg->n = 0;
        return vmtp_error_set(err, VMTP_E_PROTO,
                              "trailing bytes after the JSON object");
    }
    return VMTP_OK;
}

enum vmtp_status
vmtp_proto_decode(const uint8_t *data,
                  size_t len,
                  struct vmtp_proto_msg *msg,
                  struct vmtp_error *err)
{
    uint32_t n = 0;
    enum vmtp_status st;

    msg->n = 0;
    st = vmtp_proto_parse_header(data, len, &n, err);
    if (st != VMTP_OK) {
        return st;
    }
    if (len - VMTP_PROTO_HDR_LEN < n) {
        return vmtp_error_set(err, VMTP_E_PROTO, "truncated frame");
    }
    return vmtp_proto_parse_payload((const char *)data + VMTP_PROTO_HDR_LEN, n,
                                    msg, err);
}

const char *
vmtp_proto_get_str(const struct vmtp_proto_msg *msg, const char *key)
{
    const struct vmtp_proto_field *f = find(msg, key);

    return (f != NULL && f->type == VMTP_PROTO_STR) ? f->str : NULL;
}

int
vmtp_proto_get_num(const struct vmtp_proto_msg *msg,
                   const char *key,
                   double *out)
{
    const struct vmtp_proto_field *f = find(msg, key);

    if (f == NULL || f->type != VMTP_PROTO_NUM) {
        return -1;
    }
    return vx_strtod(f->str, out);
}

int
vmtp_proto_get_int(const struct vmtp_proto_msg *msg,
                   const char *key,
                   int64_t min,
                   int64_t max,
                   int64_t *out)
{
    const struct vmtp_proto_field *f = find(msg, key);
    const char *errstr = NULL;
    long long v;

    if (f == NULL || f->type != VMTP_PROTO_NUM) {
        return -1;
    }
    v = vx_strtonum(f->str, min, max, &errstr);
    if (errstr != NULL) {
        return -1;
    }
    *out = v;
    return 0;
}

bool
vmtp_proto_get_bool(const struct vmtp_proto_msg *msg,
                    const char *key,
                    bool dflt)
{
    const struct vmtp_proto_field *f = find(msg, key);

    return (f != NULL && f->type == VMTP_PROTO_BOOL) ? f->b : dflt;
}

enum vmtp_status
vmtp_proto_recv(int fd,
                int timeout_ms,
                struct vmtp_proto_msg *msg,
                struct vmtp_error *err)
{
    uint8_t hdr[VMTP_PROTO_HDR_LEN];
    char *payload = NULL;
    uint32_t n = 0;
    enum vmtp_status st;

    msg->n = 0;
    st = vmtp_net_read_full(fd, hdr, sizeof(hdr), timeout_ms, err);
    if (st != VMTP_OK) {
        goto out;
    }
    st = vmtp_proto_parse_header(hdr, sizeof(hdr), &n, err);
    if (st != VMTP_OK) {
        goto out;
    }
    payload = malloc((size_t)n + 1);
    if (payload == NULL) {
        st = vmtp_error_set(err, VMTP_E_NOMEM, "no memory for a frame");
        goto out;
    }
    st = vmtp_net_read_full(fd, payload, n, timeout_ms, err);
    if (st != VMTP_OK) {
        goto out;
    }
    st = vmtp_proto_parse_payload(payload, n, msg, err);
out:
    free(payload);
    return st;
}

enum vmtp_status
vmtp_proto_send(int fd,
                const char *json,
                size_t len,
                int timeout_ms,
                struct vmtp_error *err)
{
    uint8_t hdr[VMTP_PROTO_HDR_LEN];
    enum vmtp_status st;

    if (len > VMTP_PROTO_MAX_FRAME) {
        return vmtp_error_set(err, VMTP_E_INTERNAL,
                              "frame of %zu bytes is too large", len);
    }
    memcpy(hdr, frame_magic, sizeof(frame_magic));
    hdr[4] = (uint8_t)(len >> 24);
    hdr[5] = (uint8_t)(len >> 16);
    hdr[6] = (uint8_t)(len >> 8);
    hdr[7] = (uint8_t)len;
    st = vmtp_net_write_full(fd, hdr, sizeof(hdr), timeout_ms, err);
    if (st == VMTP_OK) {
        st = vmtp_net_write_full(fd, json, len, timeout_ms, err);
    }
    return st;
}

void
vmtp_proto_send_error(int fd,
                      const char *code,
                      const char *message,
                      int timeout_ms)
{
    struct vx_buf b;
    struct vmtp_jw w;

    vx_buf_init(&b, 4096);
    vmtp_jw_init(&w, &b);
    vmtp_jw_obj_begin(&w, NULL);
    vmtp_jw_str(&w, "type", "error");
    vmtp_jw_int(&w, "version", VMTP_PROTO_VERSION);
    vmtp_jw_str(&w, "code", code);
    vmtp_jw_str(&w, "message", message);
    vmtp_jw_obj_end(&w);
    if (vmtp_jw_finish(&w) == 0) {
        (void)vmtp_proto_send(fd, vx_buf_str(&b), vx_buf_len(&b), timeout_ms,
                              NULL);
    }
    vx_buf_release(&b);
}
