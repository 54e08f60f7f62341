/* \summary: crash-safe ledger of the cloud resources a run creates */
#include "ledger.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vmtp/cloud.h>

#include "internal.h"
#include "os_api.h"
#include "vx_alloc.h"
#include "vx_banned.h"
#include "vx_buf.h"
#include "vx_str.h"
#include "vx_time.h"

#define LEDGER_MAX_BYTES       ((size_t)4 * 1024 * 1024)
#define LEDGER_MAX_ENTRIES     100000u
#define SERVER_GONE_TIMEOUT_MS 180000
/*
 * A create call that was in flight when its run died (SIGKILL, or a
 * request aborted by a signal) may still complete in the cloud after the
 * run is gone: Nova, under load, answers a server POST after tens of
 * seconds. An intent without an id therefore makes the cleanup wait until
 * this long after the ledger's last write (the HTTP layer's request
 * timeout plus a margin) before it deletes anything; then the resource
 * is found by its name (the sweep by tag).
 */
#define INFLIGHT_SETTLE_MS 150000
#define INFLIGHT_POLL_US   500000

static const char *const type_names[VMTP_RES_NTYPES] = {
        "server",  "fip",      "router_if", "port",   "router", "subnet",
        "network", "secgroup", "keypair",   "flavor", "image",
};

struct vmtp_ledger {
    struct vmtp_ctx *ctx;
    int fd;
    char *path;
    unsigned next_seq;
};

const char *
vmtp_res_type_name(enum vmtp_res_type t)
{
    if ((int)t < 0 || t >= VMTP_RES_NTYPES) {
        return NULL;
    }
    return type_names[t];
}

bool
vmtp_run_id_valid(const char *run_id)
{
    size_t n;

    if (run_id == NULL) {
        return false;
    }
    n = strlen(run_id);
    if (n == 0 || n > 64 || strcmp(run_id, ".") == 0 ||
        strcmp(run_id, "..") == 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)run_id[i];

        if (!isalnum(c) && c != '_' && c != '-' && c != '.') {
            return false;
        }
    }
    return true;
}

/* ---- the run's tag in names and descriptions --------------------------- */

#define RES_BASE_MAX 128

bool
vmtp_run_id_sweepable(const char *run_id)
{
    return vmtp_run_id_valid(run_id) && strchr(run_id, '-') == NULL &&
           strlen(run_id) >= VMTP_RUN_ID_SWEEP_MIN;
}

char *
vmtp_res_name(const char *run_id, const char *base)
{
    char *n = NULL;
    size_t bl = base != NULL ? strlen(base) : 0;

    if (!vmtp_run_id_valid(run_id) || bl == 0 || bl > RES_BASE_MAX) {
        return NULL;
    }
    for (size_t i = 0; i < bl; i++) {
        if (iscntrl((unsigned char)base[i])) {
            return NULL;
        }
    }
    if (asprintf(&n, "%s-%s", base, run_id) < 0) {
        return NULL;
    }
    return n;
}

char *
vmtp_res_desc(const char *run_id)
{
    char *d = NULL;

    if (!vmtp_run_id_valid(run_id) ||
        asprintf(&d, VMTP_RES_DESC_TAG "%s", run_id) < 0) {
        return NULL;
    }
    return d;
}

bool
vmtp_res_name_of_run(const char *name, const char *run_id)
{
    size_t nlen;
    size_t rlen;

    if (name == NULL || !vmtp_run_id_sweepable(run_id)) {
        return false;
    }
    nlen = strlen(name);
    rlen = strlen(run_id);
    /* "<base>-<run_id>": the run id is everything after the last '-' */
    return nlen > rlen + 1 && name[nlen - rlen - 1] == '-' &&
           strcmp(name + nlen - rlen, run_id) == 0;
}

static bool
run_id_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

bool
vmtp_res_desc_of_run(const char *desc, const char *run_id)
{
    size_t tlen = strlen(VMTP_RES_DESC_TAG);
    size_t rlen;

    if (desc == NULL || !vmtp_run_id_valid(run_id)) {
        return false;
    }
    if (vmtp_res_name_of_run(desc, run_id)) {
        return true;
    }
    rlen = strlen(run_id);
    for (const char *p = strstr(desc, VMTP_RES_DESC_TAG); p != NULL;
         p = strstr(p + 1, VMTP_RES_DESC_TAG)) {
        const char *r = p + tlen;

        if ((p == desc || isspace((unsigned char)p[-1])) &&
            strncmp(r, run_id, rlen) == 0 && !run_id_char(r[rlen])) {
            return true;
        }
    }
    return false;
}

/* ---- encoding --------------------------------------------------------- */

static int
add_enc(struct vx_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    if (s == NULL || s[0] == '\0') {
        return vx_buf_adds(b, "-"); /* a lone "-" is an empty field */
    }
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        char e[3];

        if (isalnum(*p) || strchr("._~:/+@=", *p) != NULL ||
            (*p == '-' && p != (const unsigned char *)s)) {
            if (vx_buf_add(b, p, 1) != 0) {
                return -1;
            }
            continue;
        }
        e[0] = '%';
        e[1] = hex[*p >> 4];
        e[2] = hex[*p & 15];
        if (vx_buf_add(b, e, 3) != 0) {
            return -1;
        }
    }
    return 0;
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* Decode field [s, s+n) into an owned string; NULL if malformed or ENOMEM. */
static char *
dec(const char *s, size_t n)
{
    char *o;
    size_t k = 0;

    if (n == 1 && s[0] == '-') {
        return vx_strdup("");
    }
    o = vx_malloc(n + 1);
    if (o == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;

            if (hi < 0 || lo < 0) {
                free(o);
                return NULL;
            }
            o[k++] = (char)(hi * 16 + lo);
            i += 2;
            continue;
        }
        o[k++] = s[i];
    }
    o[k] = '\0';
    if (strlen(o) != k) {
        free(o); /* an encoded NUL */
        return NULL;
    }
    return o;
}

/* ---- writing ---------------------------------------------------------- */

static enum vmtp_status
mkdir_p(struct vmtp_ctx *ctx, const char *dir)
{
    char *p = vx_strdup(dir);
    char eb[128];
    enum vmtp_status st = VMTP_OK;

    if (p == NULL) {
        return vmtp_set_error(ctx, VMTP_E_NOMEM, "out of memory");
    }
    for (char *q = p + 1;; q++) {
        char c = *q;

        if (c != '/' && c != '\0') {
            continue;
        }
        *q = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            int e = errno;

            st = vmtp_error_set_sys(&ctx->err, VMTP_E_SYS, e,
                                    "cannot create directory '%s': %s", p,
                                    vx_strerror(e, eb, sizeof(eb)));
            break;
        }
        *q = c;
        if (c == '\0') {
            break;
        }
    }
    free(p);
    return st;
}

static char *
ledger_dir(const char *state_dir)
{
    char *d = NULL;

    if (asprintf(&d, "%s/ledger", state_dir) < 0) {
        return NULL;
    }
    return d;
}

static enum vmtp_status
append(struct vmtp_ledger *l, struct vx_buf *b)
{
    const char *p = vx_buf_str(b);
    size_t n = vx_buf_len(b);
    char eb[128];

    if (n == 0) {
        return vmtp_set_error(l->ctx, VMTP_E_NOMEM, "out of memory");
    }
    while (n > 0) {
        ssize_t w = write(l->fd, p, n);

        if (w < 0) {
            int e = errno;

            if (e == EINTR) {
                continue;
            }
            return vmtp_error_set_sys(&l->ctx->err, VMTP_E_SYS, e,
                                      "cannot write '%s': %s", l->path,
                                      vx_strerror(e, eb, sizeof(eb)));
        }
        p += w;
        n -= (size_t)w;
    }
    if (fsync(l->fd) != 0) {
        int e = errno;

        return vmtp_error_set_sys(&l->ctx->err, VMTP_E_SYS, e,
                                  "cannot fsync '%s': %s", l->path,
                                  vx_strerror(e, eb, sizeof(eb)));
    }
    return VMTP_OK;
}

static enum vmtp_status
ledger_open(struct vmtp_ctx *ctx,
            const char *state_dir,
            const char *run_id,
            bool exclusive,
            struct vmtp_ledger **out)
{
    struct vmtp_ledger *l = NULL;
    struct vmtp_ledger_run run = {0};
    char *dir = NULL;
    char eb[128];
    struct stat st_before;
    enum vmtp_status st;

    *out = NULL;
    if (!vmtp_run_id_valid(run_id)) {
        return vmtp_set_error(ctx, VMTP_E_INVAL, "invalid run id '%s'",
                              run_id != NULL ? run_id : "(null)");
    }
    if (state_dir == NULL || state_dir[0] == '\0') {
        return vmtp_set_error(ctx, VMTP_E_INVAL, "no state directory");
    }
    dir = ledger_dir(state_dir);
    l = vx_calloc(1, sizeof(*l));
    if (dir == NULL || l == NULL) {
        st = vmtp_set_error(ctx, VMTP_E_NOMEM, "out of memory");
        goto fail;
    }
    l->ctx = ctx;
    l->fd = -1;
    st = mkdir_p(ctx, dir);
    if (st != VMTP_OK) {
        goto fail;
    }
    if (asprintf(&l->path, "%s/%s.log", dir, run_id) < 0) {
        l->path = NULL;
        st = vmtp_set_error(ctx, VMTP_E_NOMEM, "out of memory");
        goto fail;
    }
    /* continue the numbering of an existing ledger (cleanup appends) */
    if (stat(l->path, &st_before) == 0) {
        FILE *f = fopen(l->path, "re");
        struct vx_buf b;
        char chunk[4096];
        size_t got;

        vx_buf_init(&b, LEDGER_MAX_BYTES);
        while (f != NULL && (got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
            if (vx_buf_add(&b, chunk, got) != 0) {
                break;
            }
        }
        if (f != NULL) {
            (void)fclose(f);
        }
        if (vmtp_ledger_parse(vx_buf_str(&b), vx_buf_len(&b), &run, NULL) ==
            VMTP_OK) {
            for (size_t i = 0; i < run.n; i++) {
                if (run.items[i].seq >= l->next_seq) {
                    l->next_seq = run.items[i].seq + 1;
                }
            }
        }
        vmtp_ledger_run_release(&run);
        vx_buf_release(&b);
    }
    l->fd = open(l->path,
                 O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
                         (exclusive ? O_EXCL : 0),
                 0600);
    if (l->fd < 0) {
        int e = errno;

        st = e == EEXIST ? vmtp_error_set_sys(&ctx->err, VMTP_E_SYS, e,
                                              "run id %s is taken: ledger "
                                              "'%s' exists",
                                              run_id, l->path)
                         : vmtp_error_set_sys(&ctx->err, VMTP_E_SYS, e,
                                              "cannot open ledger '%s': %s",
                                              l->path,
                                              vx_strerror(e, eb, sizeof(eb)));
        goto fail;
    }
    {
        /* make the new file's name durable too */
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (dfd >= 0) {
            (void)fsync(dfd);
            (void)close(dfd);
        }
    }
    free(dir);
    *out = l;
    return VMTP_OK;
fail:
    free(dir);
    vmtp_ledger_close(l);
    return st;
}

enum vmtp_status
vmtp_ledger_open(struct vmtp_ctx *ctx,
                 const char *state_dir,
                 const char *run_id,
                 struct vmtp_ledger **out)
{
    return ledger_open(ctx, state_dir, run_id, false, out);
}

enum vmtp_status
vmtp_ledger_create(struct vmtp_ctx *ctx,
                   const char *state_dir,
                   const char *run_id,
                   struct vmtp_ledger **out)
{
    return ledger_open(ctx, state_dir, run_id, true, out);
}

void
vmtp_ledger_close(struct vmtp_ledger *l)
{
    if (l == NULL) {
        return;
    }
    if (l->fd >= 0) {
        (void)close(l->fd);
    }
    free(l->path);
    free(l);
}

enum vmtp_status
vmtp_ledger_intent(struct vmtp_ledger *l,
                   enum vmtp_res_type t,
                   const char *name,
                   unsigned *seq)
{
    struct vx_buf b;
    enum vmtp_status st;

    if (vmtp_res_type_name(t) == NULL) {
        return vmtp_set_error(l->ctx, VMTP_E_INTERNAL, "bad resource type");
    }
    vx_buf_init(&b, 8192);
    *seq = l->next_seq;
    if (vx_buf_addf(&b, "intent %u %s ", *seq, type_names[t]) != 0 ||
        add_enc(&b, name) != 0 || vx_buf_adds(&b, "\n") != 0) {
        vx_buf_release(&b);
        return vmtp_set_error(l->ctx, VMTP_E_INVAL,
                              "resource name too long for the ledger");
    }
    st = append(l, &b);
    vx_buf_release(&b);
    if (st == VMTP_OK) {
        l->next_seq++;
    }
    return st;
}

enum vmtp_status
vmtp_ledger_created(struct vmtp_ledger *l, unsigned seq, const char *id)
{
    struct vx_buf b;
    enum vmtp_status st;

    vx_buf_init(&b, 8192);
    if (vx_buf_addf(&b, "created %u ", seq) != 0 || add_enc(&b, id) != 0 ||
        vx_buf_adds(&b, "\n") != 0) {
        vx_buf_release(&b);
        return vmtp_set_error(l->ctx, VMTP_E_INVAL,
                              "resource id too long for the ledger");
    }
    st = append(l, &b);
    vx_buf_release(&b);
    return st;
}

enum vmtp_status
vmtp_ledger_gone(struct vmtp_ledger *l, unsigned seq)
{
    struct vx_buf b;
    enum vmtp_status st;

    vx_buf_init(&b, 64);
    (void)vx_buf_addf(&b, "gone %u\n", seq);
    st = append(l, &b);
    vx_buf_release(&b);
    return st;
}

enum vmtp_status
vmtp_ledger_done(struct vmtp_ledger *l)
{
    struct vx_buf b;
    enum vmtp_status st;

    vx_buf_init(&b, 64);
    (void)vx_buf_adds(&b, "done\n");
    st = append(l, &b);
    vx_buf_release(&b);
    return st;
}

/* ---- reading ---------------------------------------------------------- */

void
vmtp_ledger_run_release(struct vmtp_ledger_run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->items[i].name);
        free(r->items[i].id);
    }
    VX_FREE(r->items);
    r->n = 0;
    r->done = false;
}

static struct vmtp_ledger_entry *
find_seq(struct vmtp_ledger_run *r, unsigned seq)
{
    for (size_t i = 0; i < r->n; i++) {
        if (r->items[i].seq == seq) {
            return &r->items[i];
        }
    }
    return NULL;
}

/* Split line into at most 4 blank-separated fields. */
static size_t
split(const char *line, size_t len, const char **f, size_t *fl)
{
    size_t nf = 0;
    size_t i = 0;

    while (i < len && nf < 5) {
        size_t b;

        while (i < len && line[i] == ' ') {
            i++;
        }
        if (i >= len) {
            break;
        }
        b = i;
        while (i < len && line[i] != ' ') {
            i++;
        }
        f[nf] = line + b;
        fl[nf] = i - b;
        nf++;
    }
    return nf;
}

static bool
parse_seq(const char *s, size_t n, unsigned *out)
{
    char tmp[16];
    const char *e = NULL;
    long long v;

    if (n == 0 || n >= sizeof(tmp)) {
        return false;
    }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    v = vx_strtonum(tmp, 0, 1000000000LL, &e);
    if (e != NULL) {
        return false;
    }
    *out = (unsigned)v;
    return true;
}

static bool
field_is(const char *f, size_t n, const char *word)
{
    return strlen(word) == n && strncmp(f, word, n) == 0;
}

static enum vmtp_status
parse_line(struct vmtp_ledger_run *r,
           const char *line,
           size_t len,
           size_t lineno,
           struct vmtp_error *err)
{
    const char *f[5];
    size_t fl[5];
    size_t nf = split(line, len, f, fl);
    struct vmtp_ledger_entry *e;
    unsigned seq = 0;

    if (nf == 0) {
        return VMTP_OK;
    }
    if (nf == 1 && field_is(f[0], fl[0], "done")) {
        r->done = true;
        return VMTP_OK;
    }
    if (nf == 2 && field_is(f[0], fl[0], "run")) {
        return VMTP_OK;
    }
    if (nf < 2 || !parse_seq(f[1], fl[1], &seq)) {
        goto bad;
    }
    if (nf == 4 && field_is(f[0], fl[0], "intent")) {
        struct vmtp_ledger_entry *ni;
        int t = -1;

        for (int k = 0; k < VMTP_RES_NTYPES; k++) {
            if (field_is(f[2], fl[2], type_names[k])) {
                t = k;
            }
        }
        if (t < 0 || find_seq(r, seq) != NULL || r->n >= LEDGER_MAX_ENTRIES) {
            goto bad;
        }
        ni = vx_reallocarray(r->items, r->n + 1, sizeof(*r->items));
        if (ni == NULL) {
            return vmtp_error_set(err, VMTP_E_NOMEM, "out of memory");
        }
        r->items = ni;
        e = &r->items[r->n];
        memset(e, 0, sizeof(*e));
        e->seq = seq;
        e->type = (enum vmtp_res_type)t;
        e->name = dec(f[3], fl[3]);
        if (e->name == NULL) {
            goto bad;
        }
        r->n++;
        return VMTP_OK;
    }
    e = find_seq(r, seq);
    if (e == NULL) {
        goto bad;
    }
    if (nf == 3 && field_is(f[0], fl[0], "created")) {
        free(e->id);
        e->id = dec(f[2], fl[2]);
        if (e->id == NULL) {
            goto bad;
        }
        return VMTP_OK;
    }
    if (nf == 2 && field_is(f[0], fl[0], "gone")) {
        e->gone = true;
        return VMTP_OK;
    }
bad:
    return vmtp_error_set(err, VMTP_E_PARSE, "ledger line %zu is malformed",
                          lineno);
}

enum vmtp_status
vmtp_ledger_parse(const char *text,
                  size_t len,
                  struct vmtp_ledger_run *out,
                  struct vmtp_error *err)
{
    size_t i = 0;
    size_t lineno = 0;
    enum vmtp_status st = VMTP_OK;

    memset(out, 0, sizeof(*out));
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t ll;

        if (nl == NULL) {
            break; /* torn last line: the crash happened mid-append */
        }
        ll = (size_t)(nl - (text + i));
        lineno++;
        if (memchr(text + i, '\0', ll) != NULL) {
            st = vmtp_error_set(err, VMTP_E_PARSE,
                                "ledger line %zu is malformed", lineno);
        } else {
            st = parse_line(out, text + i, ll, lineno, err);
        }
        if (st != VMTP_OK) {
            vmtp_ledger_run_release(out);
            return st;
        }
        i += ll + 1;
    }
    return VMTP_OK;
}

static enum vmtp_status
load_file(struct vmtp_ctx *ctx, const char *path, struct vmtp_ledger_run *r)
{
    struct vx_buf b;
    char chunk[4096];
    char eb[128];
    size_t got;
    FILE *f = fopen(path, "re");
    enum vmtp_status st = VMTP_OK;

    memset(r, 0, sizeof(*r));
    if (f == NULL) {
        int e = errno;

        return vmtp_error_set_sys(&ctx->err,
                                  e == ENOENT ? VMTP_E_NOTFOUND : VMTP_E_SYS, e,
                                  "cannot read ledger '%s': %s", path,
                                  vx_strerror(e, eb, sizeof(eb)));
    }
    vx_buf_init(&b, LEDGER_MAX_BYTES);
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (vx_buf_add(&b, chunk, got) != 0) {
            st = vmtp_set_error(ctx, VMTP_E_PARSE,
                                "ledger '%s' is larger than %zu bytes", path,
                                LEDGER_MAX_BYTES);
            break;
        }
    }
    (void)fclose(f);
    if (st == VMTP_OK) {
        st = vmtp_ledger_parse(vx_buf_str(&b), vx_buf_len(&b), r, &ctx->err);
    }
    vx_buf_release(&b);
    return st;
}

/* ---- cleanup ---------------------------------------------------------- */

/* OK and NOTFOUND both mean "it is gone now". */
static bool
gone_ok(struct vmtp_os_session *s, enum vmtp_status st)
{
    if (st == VMTP_E_NOTFOUND) {
        vmtp_error_clear(&s->ctx->err);
        return true;
    }
    return st == VMTP_OK;
}

static char *
name_query(const char *name)
{
    char *esc = vmtp_os_escape(name);
    char *q = NULL;

    if (esc != NULL && asprintf(&q, "name=%s", esc) < 0) {
        q = NULL;
    }
    free(esc);
    return q;
}

static enum vmtp_status
delete_router(struct vmtp_os_session *s, const char *rid)
{
    struct vmtp_os_port_list ports = {0};
    char *q = NULL;
    enum vmtp_status st;

    if (asprintf(&q, "device_id=%s&device_owner=network%%3Arouter_interface",
                 rid) < 0) {
        return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
    }
    st = vmtp_os_ports(s, q, &ports);
    free(q);
    for (size_t i = 0; st == VMTP_OK && i < ports.n; i++) {
        st = vmtp_os_router_remove_interface(s, rid, NULL, ports.items[i].id);
        if (st == VMTP_E_NOTFOUND) {
            vmtp_error_clear(&s->ctx->err);
            st = VMTP_OK;
        }
    }
    vmtp_os_port_list_free(&ports);
    if (st != VMTP_OK) {
        return st;
    }
    return vmtp_os_router_delete(s, rid);
}

/* ---- ids of the resources that carry a name ---------------------------- */

struct idv {
    char **v;
    size_t n;
};

static void
idv_release(struct idv *ids)
{
    for (size_t i = 0; i < ids->n; i++) {
        free(ids->v[i]);
    }
    VX_FREE(ids->v);
    ids->n = 0;
}

static enum vmtp_status
idv_add(struct vmtp_os_session *s, struct idv *ids, const char *id)
{
    char **nv = vx_reallocarray(ids->v, ids->n + 1, sizeof(*ids->v));

    if (nv == NULL) {
        return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
    }
    ids->v = nv;
    nv[ids->n] = vx_strdup(id);
    if (nv[ids->n] == NULL) {
        return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
    }
    ids->n++;
    return VMTP_OK;
}

typedef enum vmtp_status find_fn(struct vmtp_os_session *s,
                                 const char *name,
                                 const char *query,
                                 struct idv *ids);

static enum vmtp_status
find_servers(struct vmtp_os_session *s,
             const char *name,
             const char *query,
             struct idv *ids)
{
    struct vmtp_os_server_list l = {0};
    char *re = NULL;
    enum vmtp_status st;

    (void)query;
    /* Nova's name filter is a regex: anchor it, then compare exactly */
    if (asprintf(&re, "^%s$", name) < 0) {
        return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
    }
    st = vmtp_os_servers(s, re, &l);
    free(re);
    for (size_t i = 0; st == VMTP_OK && i < l.n; i++) {
        if (vx_streq(l.items[i].name, name)) {
            st = idv_add(s, ids, l.items[i].id);
        }
    }
    vmtp_os_server_list_free(&l);
    return st;
}

static enum vmtp_status
find_fips(struct vmtp_os_session *s,
          const char *name,
          const char *query,
          struct idv *ids)
{
    struct vmtp_os_fip_list l = {0};
    enum vmtp_status st = vmtp_os_fips(s, NULL, &l);

    (void)query;
    for (size_t i = 0; st == VMTP_OK && i < l.n; i++) {
        if (vx_streq(l.items[i].description, name)) {
            st = idv_add(s, ids, l.items[i].id);
        }
    }
    vmtp_os_fip_list_free(&l);
    return st;
}

static enum vmtp_status
find_as_is(struct vmtp_os_session *s,
           const char *name,
           const char *query,
           struct idv *ids)
{
    (void)query;
    return idv_add(s, ids, name); /* keypairs and router interfaces */
}

static enum vmtp_status
find_ports(struct vmtp_os_session *s,
           const char *name,
           const char *query,
           struct idv *ids)
{
    struct vmtp_os_port_list l = {0};
    enum vmtp_status st = vmtp_os_ports(s, query, &l);

    for (size_t i = 0; st == VMTP_OK && i < l.n; i++) {
        if (vx_streq(l.items[i].name, name)) {
            st = idv_add(s, ids, l.items[i].id);
        }
    }
    vmtp_os_port_list_free(&l);
    return st;
}

static enum vmtp_status
find_routers(struct vmtp_os_session *s,
             const char *name,
             const char *query,
             struct idv *ids)
{
    struct vmtp_os_router_list l = {0};
    enum vmtp_status st = vmtp_os_routers(s, query, &l);

    for (size_t i = 0; st == VMTP_OK && i < l.n; i++) {
        if (vx_streq(l.items[i].name, name)) {
            st = idv_add(s, ids, l.items[i].id);
        }
    }
    vmtp_os_router_list_free(&l);
    return st;
}

static enum vmtp_status
find_subnets(struct vmtp_os_session *s,
             const char *name,
             const char *query,
             struct idv *ids)
{
    struct vmtp_os_subnet_list l = {0};
    enum vmtp_status st = vmtp_os_subnets(s, query, &l);

    for (size_t i = 0; st == VMTP_OK && i < l.n; i++) {
        if (vx_streq(l.items[i].name, name)) {
            st = idv_add(s, ids, l.items[i].id);
        }
    }
    vmtp_os_subnet_list_free(&l);
    return st;
}

static enum vmtp_status
find_networks(struct vmtp_os_session *s,
              const char *name,
              const char *query,
              struct idv *ids)
{
    struct vmtp_os_network_list l = {0};
    enum vmtp_status st = vmtp_os_networks(s, query, &l);

    for (size_t i = 0; st == VMTP_OK && i < l.n; i++) {
        if (vx_streq(l.items[i].name, name)) {
            st = idv_add(s, ids, l.items[i].id);
        }
    }
    vmtp_os_network_list_free(&l);
    return st;
}

static enum vmtp_status
find_secgroups(struct vmtp_os_session *s,
               const char *name,
               const char *query,
               struct idv *ids)
{
    struct vmtp_os_secgroup_list l = {0};
    enum vmtp_status st = vmtp_os_secgroups(s, query, &l);

    for (size_t i = 0; st == VMTP_OK && i < l.n; i++) {
        if (vx_streq(l.items[i].name, name)) {
            st = idv_add(s, ids, l.items[i].id);
        }
    }
    vmtp_os_secgroup_list_free(&l);
    return st;
}

static enum vmtp_status
find_flavors(struct vmtp_os_session *s,
             const char *name,
             const char *query,
             struct idv *ids)
{
    struct vmtp_os_flavor_list l = {0};
    enum vmtp_status st = vmtp_os_flavors(s, &l);

    (void)query;
    for (size_t i = 0; st == VMTP_OK && i < l.n; i++) {
        if (vx_streq(l.items[i].name, name)) {
            st = idv_add(s, ids, l.items[i].id);
        }
    }
    vmtp_os_flavor_list_free(&l);
    return st;
}

static enum vmtp_status
find_images(struct vmtp_os_session *s,
            const char *name,
            const char *query,
            struct idv *ids)
{
    struct vmtp_os_image_list l = {0};
    enum vmtp_status st = vmtp_os_images(s, name, &l);

    (void)query;
    for (size_t i = 0; st == VMTP_OK && i < l.n; i++) {
        if (vx_streq(l.items[i].name, name)) {
            st = idv_add(s, ids, l.items[i].id);
        }
    }
    vmtp_os_image_list_free(&l);
    return st;
}

/* ---- deletion by id ------------------------------------------------------ */

static enum vmtp_status
del_server(struct vmtp_os_session *s, const char *id)
{
    enum vmtp_status st = vmtp_os_server_delete(s, id);

    if (st == VMTP_OK) {
        /* its ports, and so the networks, are free only once it is gone */
        st = vmtp_os_server_wait_gone(s, id, SERVER_GONE_TIMEOUT_MS);
    }
    return st;
}

static enum vmtp_status
del_router_if(struct vmtp_os_session *s, const char *ref)
{
    const char *slash = strchr(ref, '/');
    char *rid;
    enum vmtp_status st;

    if (slash == NULL) {
        return vmtp_set_error(s->ctx, VMTP_E_PARSE,
                              "bad router interface '%s' in the ledger", ref);
    }
    rid = vx_strndup(ref, (size_t)(slash - ref));
    if (rid == NULL) {
        return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
    }
    st = vmtp_os_router_remove_interface(s, rid, slash + 1, NULL);
    free(rid);
    return st;
}

typedef enum vmtp_status del_fn(struct vmtp_os_session *s, const char *id);

static const struct {
    find_fn *find;
    del_fn *del;
} ops[VMTP_RES_NTYPES] = {
        [VMTP_RES_SERVER] = {find_servers, del_server},
        [VMTP_RES_FIP] = {find_fips, vmtp_os_fip_delete},
        [VMTP_RES_ROUTER_IF] = {find_as_is, del_router_if},
        [VMTP_RES_PORT] = {find_ports, vmtp_os_port_delete},
        [VMTP_RES_ROUTER] = {find_routers, delete_router},
        [VMTP_RES_SUBNET] = {find_subnets, vmtp_os_subnet_delete},
        [VMTP_RES_NETWORK] = {find_networks, vmtp_os_network_delete},
        [VMTP_RES_SECGROUP] = {find_secgroups, vmtp_os_secgroup_delete},
        [VMTP_RES_KEYPAIR] = {find_as_is, vmtp_os_keypair_delete},
        [VMTP_RES_FLAVOR] = {find_flavors, vmtp_os_flavor_delete},
        [VMTP_RES_IMAGE] = {find_images, vmtp_os_image_delete},
};

/* Delete by id (when known) or every resource with exactly this name. */
static enum vmtp_status
delete_entry(struct vmtp_os_session *s, const struct vmtp_ledger_entry *e)
{
    struct idv ids = {0};
    char *q = NULL;
    enum vmtp_status st;

    if (e->id != NULL) {
        return ops[e->type].del(s, e->id);
    }
    q = name_query(e->name);
    if (q == NULL) {
        return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
    }
    st = ops[e->type].find(s, e->name, q, &ids);
    for (size_t i = 0; st == VMTP_OK && i < ids.n; i++) {
        st = ops[e->type].del(s, ids.v[i]);
        st = gone_ok(s, st) ? VMTP_OK : st;
    }
    idv_release(&ids);
    free(q);
    return st;
}

/* ---- sweep: everything that carries the run's tag ------------------------ */

struct sweep {
    struct vmtp_os_session *s;
    const char *run_id;
    char *proj_q;  /* "project_id=<id>": only the session's project */
    char *name_re; /* Nova's name filter: "-<run_id>$" */
    size_t found;  /* tagged resources seen */
    size_t left;   /* of which could not be deleted */
    struct vmtp_error first;
};

/*
 * One lister per type: the ids of the session project's resources of
 * that type that carry the run's tag (l: the list, r: the run id).
 */
#define SWEEP_FN(fname, ltype, call, cond, idf)                     \
    static enum vmtp_status fname(struct sweep *w, struct idv *ids) \
    {                                                               \
        struct vmtp_os_session *s = w->s;                           \
        const char *r = w->run_id;                                  \
        struct ltype l = {0};                                       \
        enum vmtp_status st = (call);                               \
                                                                    \
        for (size_t i = 0; st == VMTP_OK && i < l.n; i++) {         \
            if (cond) {                                             \
                st = idv_add(s, ids, l.items[i].idf);               \
            }                                                       \
        }                                                           \
        ltype##_free(&l);                                           \
        return st;                                                  \
    }

SWEEP_FN(sweep_servers,
         vmtp_os_server_list,
         vmtp_os_servers(s, w->name_re, &l),
         vmtp_res_name_of_run(l.items[i].name, r),
         id)
SWEEP_FN(sweep_fips,
         vmtp_os_fip_list,
         vmtp_os_fips(s, w->proj_q, &l),
         vmtp_res_desc_of_run(l.items[i].description, r),
         id)
SWEEP_FN(sweep_ports,
         vmtp_os_port_list,
         vmtp_os_ports(s, w->proj_q, &l),
         vmtp_res_name_of_run(l.items[i].name, r),
         id)
SWEEP_FN(sweep_routers,
         vmtp_os_router_list,
         vmtp_os_routers(s, w->proj_q, &l),
         vmtp_res_name_of_run(l.items[i].name, r),
         id)
SWEEP_FN(sweep_subnets,
         vmtp_os_subnet_list,
         vmtp_os_subnets(s, w->proj_q, &l),
         vmtp_res_name_of_run(l.items[i].name, r),
         id)
/* never a shared or external network, whatever its name */
SWEEP_FN(sweep_networks,
         vmtp_os_network_list,
         vmtp_os_networks(s, w->proj_q, &l),
         !l.items[i].shared && !l.items[i].external &&
                 (vmtp_res_name_of_run(l.items[i].name, r) ||
                  vmtp_res_desc_of_run(l.items[i].description, r)),
         id)
SWEEP_FN(sweep_secgroups,
         vmtp_os_secgroup_list,
         vmtp_os_secgroups(s, w->proj_q, &l),
         vmtp_res_name_of_run(l.items[i].name, r) ||
                 vmtp_res_desc_of_run(l.items[i].description, r),
         id)
SWEEP_FN(sweep_keypairs,
         vmtp_os_keypair_list,
         vmtp_os_keypairs(s, &l),
         vmtp_res_name_of_run(l.items[i].name, r),
         name)
SWEEP_FN(sweep_flavors,
         vmtp_os_flavor_list,
         vmtp_os_flavors(s, &l),
         vmtp_res_name_of_run(l.items[i].name, r),
         id)
SWEEP_FN(sweep_images,
         vmtp_os_image_list,
         vmtp_os_images(s, NULL, &l),
         vmtp_res_name_of_run(l.items[i].name, r),
         id)
#undef SWEEP_FN

typedef enum vmtp_status sweep_fn(struct sweep *w, struct idv *ids);

/* Router interfaces have no name: they go with the subnets (below) and
 * with the routers (delete_router). */
static sweep_fn *const sweepers[VMTP_RES_NTYPES] = {
        [VMTP_RES_SERVER] = sweep_servers,
        [VMTP_RES_FIP] = sweep_fips,
        [VMTP_RES_ROUTER_IF] = NULL,
        [VMTP_RES_PORT] = sweep_ports,
        [VMTP_RES_ROUTER] = sweep_routers,
        [VMTP_RES_SUBNET] = sweep_subnets,
        [VMTP_RES_NETWORK] = sweep_networks,
        [VMTP_RES_SECGROUP] = sweep_secgroups,
        [VMTP_RES_KEYPAIR] = sweep_keypairs,
        [VMTP_RES_FLAVOR] = sweep_flavors,
        [VMTP_RES_IMAGE] = sweep_images,
};

/*
 * A tagged subnet may still be attached to a router that is not the
 * run's (a found, reused one): detach it, by subnet, from every router.
 */
static enum vmtp_status
detach_subnet(struct vmtp_os_session *s, const char *subnet_id)
{
    struct vmtp_os_port_list ports = {0};
    char *esc = vmtp_os_escape(subnet_id);
    char *q = NULL;
    enum vmtp_status st;

    if (esc == NULL || asprintf(&q,
                                "device_owner=network%%3Arouter_interface"
                                "&fixed_ips=subnet_id%%3D%s",
                                esc) < 0) {
        free(esc);
        return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
    }
    free(esc);
    st = vmtp_os_ports(s, q, &ports);
    free(q);
    for (size_t i = 0; st == VMTP_OK && i < ports.n; i++) {
        st = vmtp_os_router_remove_interface(s, ports.items[i].device_id,
                                             subnet_id, NULL);
        st = gone_ok(s, st) ? VMTP_OK : st;
        if (st == VMTP_OK) {
            VLOG(&s->ctx->log, VMTP_LOG_INFO,
                 "removed subnet %s from router %s", subnet_id,
                 ports.items[i].device_id);
        }
    }
    vmtp_os_port_list_free(&ports);
    return st;
}

static void
sweep_failed(struct sweep *w, enum vmtp_res_type t, const char *id)
{
    VLOG(&w->s->ctx->log, VMTP_LOG_WARN, "cannot delete tagged %s %s: %s",
         type_names[t], id, w->s->ctx->err.msg);
    if (w->first.code == VMTP_OK) {
        w->first = w->s->ctx->err;
    }
    w->left++;
}

/*
 * Delete every resource of type t tagged for the run. Listing errors
 * are returned; a resource that cannot be deleted is counted in w->left.
 */
static enum vmtp_status
sweep_type(struct sweep *w, enum vmtp_res_type t)
{
    struct vmtp_os_session *s = w->s;
    struct idv ids = {0};
    enum vmtp_status st = sweepers[t] != NULL ? sweepers[t](w, &ids) : VMTP_OK;

    for (size_t i = 0; st == VMTP_OK && i < ids.n; i++) {
        enum vmtp_status ds = VMTP_OK;

        w->found++;
        if (t == VMTP_RES_SUBNET) {
            ds = detach_subnet(s, ids.v[i]);
        }
        if (ds == VMTP_OK) {
            ds = ops[t].del(s, ids.v[i]);
        }
        if (gone_ok(s, ds)) {
            VLOG(&s->ctx->log, VMTP_LOG_INFO, "deleted tagged %s %s",
                 type_names[t], ids.v[i]);
        } else {
            sweep_failed(w, t, ids.v[i]);
        }
    }
    idv_release(&ids);
    return st;
}

static enum vmtp_status
sweep_init(struct sweep *w, struct vmtp_os_session *s, const char *run_id)
{
    memset(w, 0, sizeof(*w));
    w->s = s;
    w->run_id = run_id;
    if (s->cat.project_id == NULL) {
        return vmtp_set_error(s->ctx, VMTP_E_AUTH,
                              "the token names no project: cannot sweep");
    }
    if (asprintf(&w->proj_q, "project_id=%s", s->cat.project_id) < 0) {
        w->proj_q = NULL;
        return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
    }
    {
        /* a regex: the run id's '.' must be literal */
        struct vx_buf re;

        vx_buf_init(&re, 256);
        (void)vx_buf_adds(&re, "-");
        for (const char *p = run_id; *p != '\0'; p++) {
            if (*p == '.') {
                (void)vx_buf_adds(&re, "\\.");
            } else {
                (void)vx_buf_add(&re, p, 1);
            }
        }
        (void)vx_buf_adds(&re, "$");
        w->name_re = vx_strdup(vx_buf_str(&re));
        vx_buf_release(&re);
        if (w->name_re == NULL) {
            return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
        }
    }
    return VMTP_OK;
}

/* Delete one ledger entry; true when it is gone (recorded in the ledger). */
static bool
cleanup_entry(struct vmtp_os_session *s,
              struct vmtp_ledger *l,
              struct vmtp_ledger_entry *e,
              enum vmtp_status *st)
{
    enum vmtp_status ds = delete_entry(s, e);

    if (!gone_ok(s, ds)) {
        VLOG(&s->ctx->log, VMTP_LOG_WARN, "cannot delete %s '%s': %s",
             type_names[e->type], e->name, s->ctx->err.msg);
        return false;
    }
    VLOG(&s->ctx->log, VMTP_LOG_INFO, "deleted %s %s", type_names[e->type],
         e->id != NULL ? e->id : e->name);
    e->gone = true;
    *st = vmtp_ledger_gone(l, e->seq);
    return true;
}

/* The ledger's entries of type t, newest first; counts what is left. */
static enum vmtp_status
cleanup_type(struct vmtp_os_session *s,
             struct vmtp_ledger *l,
             struct vmtp_ledger_run *run,
             enum vmtp_res_type t,
             struct vmtp_error *first,
             size_t *nleft)
{
    enum vmtp_status st = VMTP_OK;

    for (size_t i = run->n; i-- > 0 && st == VMTP_OK;) {
        struct vmtp_ledger_entry *e = &run->items[i];

        if (e->gone || e->type != t) {
            continue;
        }
        if (!cleanup_entry(s, l, e, &st)) {
            if (first->code == VMTP_OK) {
                *first = s->ctx->err;
            }
            (*nleft)++;
        }
    }
    return st;
}

/*
 * Wait until the create calls of intents without an id can no longer be
 * in flight: INFLIGHT_SETTLE_MS after the ledger's last write (the HTTP
 * request timeout plus a margin). A resource showing up is not enough:
 * the cloud may still be inside that call (Neutron makes a router, then
 * its gateway), and deleting it then can make the cloud retry the create
 * under a new id that no one deletes. Returns at once for an old ledger,
 * early on a cancel.
 */
static enum vmtp_status
settle_inflight(struct vmtp_os_session *s,
                const char *path,
                const struct vmtp_ledger_run *run)
{
    struct stat sb;
    struct timespec now;
    int64_t age_ms;
    uint64_t until_us;
    size_t npending = 0;

    if (stat(path, &sb) != 0 || clock_gettime(CLOCK_REALTIME, &now) != 0) {
        return VMTP_OK;
    }
    age_ms = ((int64_t)now.tv_sec - (int64_t)sb.st_mtim.tv_sec) * 1000 +
             ((int64_t)now.tv_nsec - (int64_t)sb.st_mtim.tv_nsec) / 1000000;
    if (age_ms >= INFLIGHT_SETTLE_MS) {
        return VMTP_OK;
    }
    if (age_ms < 0) {
        age_ms = 0; /* a clock step: wait the whole time */
    }
    for (size_t i = 0; i < run->n; i++) {
        if (run->items[i].id == NULL && !run->items[i].gone) {
            npending++;
        }
    }
    if (npending == 0) {
        return VMTP_OK;
    }
    VLOG(&s->ctx->log, VMTP_LOG_INFO,
         "the run stopped %.0f s ago with %zu create calls maybe in "
         "flight: waiting %.0f s for them to finish",
         (double)age_ms / 1e3, npending,
         (double)(INFLIGHT_SETTLE_MS - age_ms) / 1e3);
    until_us = vx_now_us() + (uint64_t)(INFLIGHT_SETTLE_MS - age_ms) * 1000;
    while (vx_now_us() < until_us) {
        if (vmtp_ctx_cancelled(s->ctx)) {
            return vmtp_set_error(s->ctx, VMTP_E_CANCELLED, "cancelled");
        }
        vx_sleep_us(INFLIGHT_POLL_US);
    }
    return VMTP_OK;
}

/*
 * The run's private directory (<state_dir>/run-<run id>: the generated SSH
 * key and known_hosts files of its VMs), once nothing of the run is left:
 * a run kept by --stop-on-error or --keep-first-flow-and-exit leaves it
 * for inspection until its --cleanup.
 */
static void
remove_run_dir(const char *state_dir, const char *run_id)
{
    char *dir = NULL;
    struct dirent **names = NULL;
    int n;
    int dfd;

    if (asprintf(&dir, "%s/run-%s", state_dir, run_id) < 0) {
        return;
    }
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    n = dfd >= 0 ? scandir(dir, &names, NULL, alphasort) : -1;
    for (int k = 0; k < n; k++) {
        if (names[k]->d_name[0] != '.') {
            (void)unlinkat(dfd, names[k]->d_name, 0);
        }
        free(names[k]);
    }
    free(names);
    if (dfd >= 0) {
        (void)close(dfd);
    }
    (void)rmdir(dir);
    free(dir);
}

static size_t
open_entries(const struct vmtp_ledger_run *run)
{
    size_t n = 0;

    for (size_t i = 0; i < run->n; i++) {
        n += run->items[i].gone ? 0 : 1;
    }
    return n;
}

static enum vmtp_status
cleanup_one(struct vmtp_os_session *s,
            const char *state_dir,
            const char *run_id,
            bool sweep,
            size_t *left)
{
    struct vmtp_ledger_run run = {0};
    struct vmtp_ledger *l = NULL;
    struct vmtp_error first = {0};
    struct sweep w = {0};
    size_t nleft = 0;
    enum vmtp_status st;

    st = vmtp_ledger_open(s->ctx, state_dir, run_id, &l);
    if (st != VMTP_OK || l == NULL) {
        goto out;
    }
    st = load_file(s->ctx, l->path, &run);
    if (st != VMTP_OK || run.done) {
        goto out;
    }
    VLOG(&s->ctx->log, VMTP_LOG_INFO, "cleaning up run %s (%zu resources)",
         run_id, run.n);
    st = settle_inflight(s, l->path, &run);
    if (st == VMTP_OK) {
        st = sweep_init(&w, s, run_id);
    }
    for (int t = 0; t < VMTP_RES_NTYPES && st == VMTP_OK; t++) {
        st = cleanup_type(s, l, &run, (enum vmtp_res_type)t, &first, &nleft);
        /* then whatever else carries the tag (never recorded, or a
         * resource the cloud made for us under our name) */
        if (st == VMTP_OK && sweep) {
            st = sweep_type(&w, (enum vmtp_res_type)t);
        }
    }
    if (st != VMTP_OK) {
        goto out;
    }
    if (w.found > 0) {
        VLOG(&s->ctx->log, VMTP_LOG_INFO,
             "run %s: %zu more resources found by the tag *-%s", run_id,
             w.found, run_id);
    }
    nleft += w.left;
    if (first.code == VMTP_OK) {
        first = w.first;
    }
    if (nleft == 0) {
        st = vmtp_ledger_done(l);
        remove_run_dir(state_dir, run_id);
    } else {
        s->ctx->err = first;
        st = first.code;
    }
out:
    if (left != NULL && !run.done) {
        /* every entry not gone, also those a stop (a cancel, a listing
         * error) kept from being tried, and the tagged extras */
        *left += open_entries(&run) + w.left;
    }
    free(w.proj_q);
    free(w.name_re);
    vmtp_ledger_run_release(&run);
    vmtp_ledger_close(l);
    return st;
}

/* No ledger for run_id: sweep by its tag alone. */
static enum vmtp_status
sweep_only(struct vmtp_os_session *s,
           const char *state_dir,
           const char *run_id,
           size_t *left)
{
    struct sweep w;
    enum vmtp_status st = sweep_init(&w, s, run_id);

    VLOG(&s->ctx->log, VMTP_LOG_INFO,
         "no ledger for run %s in %s/ledger: sweeping by its tag", run_id,
         state_dir);
    for (int t = 0; t < VMTP_RES_NTYPES && st == VMTP_OK; t++) {
        st = sweep_type(&w, (enum vmtp_res_type)t);
    }
    free(w.proj_q);
    free(w.name_re);
    if (left != NULL) {
        *left += w.left;
    }
    if (st != VMTP_OK) {
        return st;
    }
    if (w.left > 0) {
        s->ctx->err = w.first;
        return w.first.code;
    }
    if (w.found == 0) {
        return vmtp_set_error(s->ctx, VMTP_E_NOTFOUND,
                              "no ledger for run '%s' in %s/ledger and "
                              "nothing named *-%s in the cloud%s",
                              run_id, state_dir, run_id,
                              vmtp_run_id_sweepable(run_id)
                                      ? ""
                                      : " (a run id with '-' or shorter "
                                        "than 6 characters is never "
                                        "matched by name)");
    }
    VLOG(&s->ctx->log, VMTP_LOG_INFO,
         "run %s: %zu resources found by the tag and deleted", run_id, w.found);
    return VMTP_OK;
}

enum vmtp_status
vmtp_ledger_cleanup(struct vmtp_os_session *s,
                    const char *state_dir,
                    const char *run_id,
                    size_t *left)
{
    char *dir = NULL;
    struct dirent **names = NULL;
    int n;
    enum vmtp_status st = VMTP_OK;
    enum vmtp_status first = VMTP_OK;
    struct vmtp_error first_err = {0};

    if (left != NULL) {
        *left = 0;
    }
    if (run_id != NULL) {
        char *path = NULL;
        struct stat sb;

        if (!vmtp_run_id_valid(run_id)) {
            return vmtp_set_error(s->ctx, VMTP_E_INVAL, "invalid run id '%s'",
                                  run_id);
        }
        if (asprintf(&path, "%s/ledger/%s.log", state_dir, run_id) < 0) {
            return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
        }
        if (stat(path, &sb) != 0) {
            free(path);
            return sweep_only(s, state_dir, run_id, left);
        }
        free(path);
        return cleanup_one(s, state_dir, run_id, true, left);
    }
    dir = ledger_dir(state_dir);
    if (dir == NULL) {
        return vmtp_set_error(s->ctx, VMTP_E_NOMEM, "out of memory");
    }
    n = scandir(dir, &names, NULL, alphasort);
    free(dir);
    if (n < 0) {
        return VMTP_OK; /* no ledger at all: nothing was ever created */
    }
    for (int k = 0; k < n; k++) {
        const char *fn = names[k]->d_name;
        size_t len = strlen(fn);
        char id[80];

        if (len <= 4 || len - 4 >= sizeof(id) ||
            strcmp(fn + len - 4, ".log") != 0) {
            continue;
        }
        memcpy(id, fn, len - 4);
        id[len - 4] = '\0';
        if (!vmtp_run_id_valid(id)) {
            continue;
        }
        st = cleanup_one(s, state_dir, id, true, left);
        if (st != VMTP_OK && first == VMTP_OK) {
            first = st;
            first_err = s->ctx->err;
        }
    }
    for (int k = 0; k < n; k++) {
        free(names[k]);
    }
    free(names);
    if (first != VMTP_OK) {
        s->ctx->err = first_err;
    }
    return first;
}

enum vmtp_status
vmtp_ledger_teardown(struct vmtp_os_session *s,
                     const char *state_dir,
                     const char *run_id,
                     size_t *left)
{
    if (left != NULL) {
        *left = 0;
    }
    if (!vmtp_run_id_valid(run_id)) {
        return vmtp_set_error(s->ctx, VMTP_E_INVAL, "invalid run id '%s'",
                              run_id != NULL ? run_id : "(null)");
    }
    return cleanup_one(s, state_dir, run_id, false, left);
}

enum vmtp_status
vmtp_cleanup(struct vmtp_ctx *ctx, const char *state_dir, const char *run_id)
{
    struct vmtp_os_session *s = NULL;
    size_t left = 0;
    enum vmtp_status st;

    if (state_dir == NULL || state_dir[0] == '\0') {
        return vmtp_set_error(ctx, VMTP_E_INVAL, "no state directory");
    }
    if (run_id != NULL && !vmtp_run_id_valid(run_id)) {
        return vmtp_set_error(ctx, VMTP_E_INVAL, "invalid run id '%s'", run_id);
    }
    st = vmtp_os_ctx_session(ctx, &s);
    if (st != VMTP_OK) {
        return st;
    }
    return vmtp_ledger_cleanup(s, state_dir, run_id, &left);
}
