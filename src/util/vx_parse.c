/* \summary: pure value parsers shared by the CLI and the library */
#include "vx_parse.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <string.h>

#include "vx_banned.h"
#include "vx_str.h"

#define RATE_MAX_KBPS 10000000000LL /* 10000G */

static int
fail(const char **errstr, const char *why)
{
    if (errstr != NULL) {
        *errstr = why;
    }
    return -1;
}

static int
ok(const char **errstr)
{
    if (errstr != NULL) {
        *errstr = NULL;
    }
    return 0;
}

static bool
all_digits(const char *s, size_t len)
{
    if (len == 0) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

/* Parse s[0..len) as a decimal in [minval, maxval]. */
static int
parse_num(const char *s,
          size_t len,
          long long minval,
          long long maxval,
          long long *out,
          const char **errstr)
{
    char buf[24];
    const char *e = NULL;
    long long v;

    if (!all_digits(s, len)) {
        return fail(errstr, "not a positive integer");
    }
    if (len >= sizeof(buf)) {
        return fail(errstr, "value too large");
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    v = vx_strtonum(buf, minval, maxval, &e);
    if (e != NULL) {
        return fail(errstr, strcmp(e, "too small") == 0 ? "value too small"
                                                        : "value too large");
    }
    *out = v;
    return 0;
}

int
vx_parse_rate_kbps(const char *s, long long *kbps, const char **errstr)
{
    size_t len;
    long long n = 0;
    long long mult;

    if (s == NULL || *s == '\0') {
        return fail(errstr, "empty value");
    }
    len = strlen(s);
    switch (toupper((unsigned char)s[len - 1])) {
    case 'K':
        mult = 1;
        break;
    case 'M':
        mult = 1000;
        break;
    case 'G':
        mult = 1000000;
        break;
    default:
        return fail(errstr, "missing unit K, M or G");
    }
    if (parse_num(s, len - 1, 1, RATE_MAX_KBPS / mult, &n, errstr) != 0) {
        if (len > 1 && s[0] == '-') {
            return fail(errstr, "must be positive");
        }
        if (all_digits(s, len - 1)) {
            return fail(errstr, "must be positive and at most 10000G");
        }
        return fail(errstr, "not a positive integer followed by K, M or G");
    }
    *kbps = n * mult;
    return ok(errstr);
}

int
vx_parse_int_list(const char *s,
                  long long minval,
                  long long maxval,
                  long long *out,
                  size_t cap,
                  size_t *n,
                  const char **errstr)
{
    size_t count = 0;
    const char *p = s;

    *n = 0;
    if (s == NULL || *s == '\0') {
        return fail(errstr, "empty list");
    }
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        long long v = 0;

        if (len == 0) {
            return fail(errstr, "empty item in list");
        }
        if (count == cap) {
            return fail(errstr, "too many items in list");
        }
        if (!all_digits(p, len)) {
            return fail(errstr, "not a list of integers separated by commas");
        }
        if (parse_num(p, len, minval, maxval, &v, errstr) != 0) {
            return fail(errstr, "item out of range");
        }
        out[count++] = v;
        if (comma == NULL) {
            break;
        }
        p = comma + 1;
    }
    *n = count;
    return ok(errstr);
}

static bool
valid_hostname(const char *s, size_t len)
{
    size_t label = 0;

    if (len == 0 || len > 253) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '.') {
            if (label == 0 || s[i - 1] == '-') {
                return false;
            }
            label = 0;
            continue;
        }
        if (!isalnum(c) && c != '-') {
            return false;
        }
        if (c == '-' && label == 0) {
            return false;
        }
        if (++label > 63) {
            return false;
        }
    }
    return label > 0 && s[len - 1] != '-';
}

static bool
digits_and_dots(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]) && s[i] != '.') {
            return false;
        }
    }
    return len > 0;
}

/* Check s[0..len) as host text; copies it to host on success. */
static int
host_span(const char *s,
          size_t len,
          bool bracketed,
          char *host,
          size_t hostsize,
          enum vx_host_kind *kind,
          const char **errstr)
{
    char buf[VX_HOST_MAX];
    unsigned char addr[sizeof(struct in6_addr)];
    enum vx_host_kind k;

    if (len == 0) {
        return fail(errstr, "empty host");
    }
    if (len >= sizeof(buf) || len >= hostsize) {
        return fail(errstr, "host too long");
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (bracketed || strchr(buf, ':') != NULL) {
        if (inet_pton(AF_INET6, buf, addr) != 1) {
            return fail(errstr, "not a valid IPv6 address");
        }
        k = VX_HOST_IPV6;
    } else if (digits_and_dots(buf, len)) {
        if (inet_pton(AF_INET, buf, addr) != 1) {
            return fail(errstr, "not a valid IPv4 address");
        }
        k = VX_HOST_IPV4;
    } else if (valid_hostname(buf, len)) {
        k = VX_HOST_NAME;
    } else {
        return fail(errstr, "not a valid host name or IP address");
    }
    memcpy(host, buf, len + 1);
    if (kind != NULL) {
        *kind = k;
    }
    return 0;
}

/*
 * Split off the host at the start of s: "[v6]..." or "name-or-v4...".
 * *rest points after the host on success.
 */
static int
take_host(const char *s,
          char *host,
          size_t hostsize,
          enum vx_host_kind *kind,
          const char **rest,
          const char **errstr)
{
    if (s[0] == '[') {
        const char *close = strchr(s, ']');

        if (close == NULL) {
            return fail(errstr, "missing ']' after IPv6 address");
        }
        if (host_span(s + 1, (size_t)(close - s - 1), true, host, hostsize,
                      kind, errstr) != 0) {
            return -1;
        }
        *rest = close + 1;
        return 0;
    }
    *rest = s + strcspn(s, ":");
    return host_span(s, (size_t)(*rest - s), false, host, hostsize, kind,
                     errstr);
}

int
vx_parse_host(const char *s,
              bool allow_bare_v6,
              char *host,
              size_t hostsize,
              enum vx_host_kind *kind,
              const char **errstr)
{
    const char *rest = NULL;

    if (s == NULL || *s == '\0') {
        return fail(errstr, "empty host");
    }
    if (s[0] != '[' && strchr(s, ':') != NULL) {
        if (!allow_bare_v6) {
            return fail(errstr, "IPv6 addresses must be in brackets");
        }
        if (host_span(s, strlen(s), true, host, hostsize, kind, errstr) != 0) {
            return -1;
        }
        return ok(errstr);
    }
    if (take_host(s, host, hostsize, kind, &rest, errstr) != 0) {
        return -1;
    }
    if (*rest != '\0') {
        return fail(errstr, "unexpected text after the host");
    }
    return ok(errstr);
}

int
vx_parse_hostport(const char *s,
                  char *host,
                  size_t hostsize,
                  int *port,
                  bool *has_port,
                  const char **errstr)
{
    const char *rest = NULL;
    long long p = 0;

    if (has_port != NULL) {
        *has_port = false;
    }
    if (s == NULL || *s == '\0') {
        return fail(errstr, "empty host");
    }
    if (s[0] != '[' && strchr(s, ':') != strrchr(s, ':')) {
        /* Two or more colons without brackets: a bare IPv6 literal. */
        return vx_parse_host(s, true, host, hostsize, NULL, errstr);
    }
    if (take_host(s, host, hostsize, NULL, &rest, errstr) != 0) {
        return -1;
    }
    if (*rest == '\0') {
        return ok(errstr);
    }
    if (*rest != ':' ||
        parse_num(rest + 1, strlen(rest + 1), 1, 65535, &p, errstr) != 0) {
        return fail(errstr, "port must be a number in 1..65535");
    }
    *port = (int)p;
    if (has_port != NULL) {
        *has_port = true;
    }
    return ok(errstr);
}

int
vx_check_ifname(const char *s, const char **errstr)
{
    size_t len = s != NULL ? strlen(s) : 0;

    if (len == 0) {
        return fail(errstr, "empty interface name");
    }
    if (len >= VX_IFNAME_MAX) {
        return fail(errstr, "interface name longer than 15 characters");
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (!isalnum(c) && c != '_' && c != '.' && c != ':' && c != '-') {
            return fail(errstr, "interface name has a character outside "
                                "[A-Za-z0-9_.:-]");
        }
    }
    return ok(errstr);
}

static int
take_user(const char *s, struct vx_access *a, const char **errstr)
{
    const char *at = strchr(s, '@');
    size_t len;

    if (at == NULL) {
        return fail(errstr, "missing '@' between user and host");
    }
    len = (size_t)(at - s);
    if (len == 0) {
        return fail(errstr, "empty user name");
    }
    if (len >= sizeof(a->user)) {
        return fail(errstr, "user name too long");
    }
    if (s[0] == '-') {
        return fail(errstr, "user name must not start with '-'");
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (!isalnum(c) && c != '_' && c != '.' && c != '-') {
            return fail(errstr,
                        "user name has a character outside [A-Za-z0-9_.-]");
        }
    }
    memcpy(a->user, s, len);
    a->user[len] = '\0';
    return 0;
}

/* Password and interface name after the host: ":pw", ":pw:if". */
static int
take_secret(const char *rest,
            bool with_ifname,
            struct vx_access *a,
            const char **errstr)
{
    const char *pw;
    size_t pwlen;

    if (*rest == '\0') {
        return 0;
    }
    if (*rest != ':') {
        return fail(errstr, "unexpected text after the host");
    }
    pw = rest + 1;
    pwlen = strlen(pw);
    a->has_password = true;
    if (with_ifname) {
        const char *last = strrchr(pw, ':');

        if (last != NULL) {
            pwlen = (size_t)(last - pw);
            if (last[1] != '\0') {
                if (vx_check_ifname(last + 1, errstr) != 0) {
                    return -1;
                }
                (void)vx_strlcpy(a->ifname, last + 1, sizeof(a->ifname));
            }
        }
    }
    if (pwlen >= sizeof(a->password)) {
        return fail(errstr, "password too long");
    }
    memcpy(a->password, pw, pwlen);
    a->password[pwlen] = '\0';
    return 0;
}

int
vx_parse_access(const char *s,
                bool with_ifname,
                struct vx_access *a,
                const char **errstr)
{
    const char *rest = NULL;

    memset(a, 0, sizeof(*a));
    if (s == NULL || *s == '\0') {
        return fail(errstr, "empty value");
    }
    if (take_user(s, a, errstr) != 0 ||
        take_host(strchr(s, '@') + 1, a->host, sizeof(a->host), &a->kind, &rest,
                  errstr) != 0 ||
        take_secret(rest, with_ifname, a, errstr) != 0) {
        vx_access_clear(a);
        return -1;
    }
    return ok(errstr);
}

void
vx_access_clear(struct vx_access *a)
{
    explicit_bzero(a, sizeof(*a));
}

int
vx_check_ip(const char *s, const char **errstr)
{
    unsigned char addr[sizeof(struct in6_addr)];

    if (s != NULL && (inet_pton(AF_INET, s, addr) == 1 ||
                      inet_pton(AF_INET6, s, addr) == 1)) {
        return ok(errstr);
    }
    return fail(errstr, "not a valid IPv4 or IPv6 address");
}

int
vx_check_multicast(const char *s, const char **errstr)
{
    unsigned char addr[sizeof(struct in6_addr)];

    if (s == NULL) {
        return fail(errstr, "empty address");
    }
    if (inet_pton(AF_INET, s, addr) == 1) {
        if ((addr[0] & 0xf0) != 0xe0) {
            return fail(errstr, "not an IPv4 multicast address "
                                "(224.0.0.0/4)");
        }
        return ok(errstr);
    }
    if (inet_pton(AF_INET6, s, addr) == 1) {
        if (addr[0] != 0xff) {
            return fail(errstr, "not an IPv6 multicast address (ff00::/8)");
        }
        return ok(errstr);
    }
    return fail(errstr, "not an IP address");
}

int
vx_check_cidr(const char *s, int family, const char **errstr)
{
    char buf[64];
    unsigned char addr[sizeof(struct in6_addr)];
    const char *slash = s != NULL ? strchr(s, '/') : NULL;
    long long len = 0;
    size_t alen;

    if (slash == NULL) {
        return fail(errstr, "not a CIDR address/prefix-length");
    }
    alen = (size_t)(slash - s);
    if (alen == 0 || alen >= sizeof(buf)) {
        return fail(errstr, "not a CIDR address/prefix-length");
    }
    memcpy(buf, s, alen);
    buf[alen] = '\0';
    if (inet_pton(family == 6 ? AF_INET6 : AF_INET, buf, addr) != 1) {
        return fail(errstr,
                    family == 6 ? "not an IPv6 CIDR" : "not an IPv4 CIDR");
    }
    if (parse_num(slash + 1, strlen(slash + 1), 0, family == 6 ? 128 : 32, &len,
                  errstr) != 0) {
        return fail(errstr, "bad prefix length");
    }
    return ok(errstr);
}
