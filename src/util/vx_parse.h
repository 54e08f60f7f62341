/* \summary: pure value parsers shared by the CLI and the library */
#ifndef VX_PARSE_H
#define VX_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Every parser here is pure: no allocation, no global state, thread-safe.
 * Each returns 0 on success, or -1 with *errstr (when errstr is not NULL)
 * pointing at a static English phrase that says what is wrong
 * ("not a valid IPv4 address"). The caller adds the option or key name
 * and the accepted form.
 */

#define VX_USER_MAX     64  /* SSH user name, with the NUL */
#define VX_HOST_MAX     256 /* host name or address text, with the NUL */
#define VX_PASSWORD_MAX 256 /* password, with the NUL */
#define VX_IFNAME_MAX   16  /* IFNAMSIZ */

/* Largest UDP payload over IPv4: 65535 - 20 (IP) - 8 (UDP). */
#define VX_UDP_PAYLOAD_MAX 65507

enum vx_host_kind {
    VX_HOST_NAME = 0, /* a DNS name such as compute-1.example.org */
    VX_HOST_IPV4 = 4,
    VX_HOST_IPV6 = 6,
};

/*
 * An SSH access description `user@host[:password[:ifname]]`. The host is
 * stored without brackets. The password is a secret: clear the struct
 * with vx_access_clear() when done.
 */
struct vx_access {
    char user[VX_USER_MAX];
    char host[VX_HOST_MAX];
    char password[VX_PASSWORD_MAX];
    char ifname[VX_IFNAME_MAX];
    enum vx_host_kind kind;
    bool has_password; /* a ':' followed the host (password may be "") */
};

/*
 * Parse a rate "<positive integer><K|M|G>" (suffix case-insensitive, SI
 * multiples as the original's --bandwidth) into kbit/s: 128K -> 128,
 * 32M -> 32000, 5G -> 5000000. Rejects "", "0K", "-5M", "12Q", "12",
 * anything above 10000G.
 */
int vx_parse_rate_kbps(const char *s, long long *kbps, const char **errstr);

/*
 * Parse "n1,n2,..." (decimal integers, no spaces, no empty items) with
 * every value in [minval, maxval] into out[0..cap). *n receives the count.
 * More than cap items fails.
 */
int vx_parse_int_list(const char *s,
                      long long minval,
                      long long maxval,
                      long long *out,
                      size_t cap,
                      size_t *n,
                      const char **errstr);

/*
 * Parse a host: an IPv4 dotted quad, a DNS name (RFC 1123 labels), or an
 * IPv6 literal, bracketed ("[2001:db8::5]") or, when allow_bare_v6 is
 * true, bare. Writes the host without brackets into host (hostsize bytes)
 * and its kind into *kind (NULL allowed).
 */
int vx_parse_host(const char *s,
                  bool allow_bare_v6,
                  char *host,
                  size_t hostsize,
                  enum vx_host_kind *kind,
                  const char **errstr);

/*
 * Parse "host[:port]" (IPv4, DNS name or [IPv6]; a bare IPv6 literal is
 * accepted without a port). *port is left unchanged when no port is
 * given; a given port must be 1..65535. *has_port tells (NULL allowed).
 */
int vx_parse_hostport(const char *s,
                      char *host,
                      size_t hostsize,
                      int *port,
                      bool *has_port,
                      const char **errstr);

/*
 * Parse `user@host[:password]`, or with with_ifname also
 * `user@host[:password[:ifname]]` where the text after the last ':' is
 * the interface name (the original's --host rule; it may be empty). The
 * user is [A-Za-z0-9_.-]+ not starting with '-'. On failure *a is
 * cleared.
 */
int vx_parse_access(const char *s,
                    bool with_ifname,
                    struct vx_access *a,
                    const char **errstr);

/* Wipe an access description (the password is a secret). */
void vx_access_clear(struct vx_access *a);

/* An interface name: 1..15 characters from [A-Za-z0-9_.:-]. */
int vx_check_ifname(const char *s, const char **errstr);

/* An IPv4 (224.0.0.0/4) or IPv6 (ff00::/8) multicast address. */
int vx_check_multicast(const char *s, const char **errstr);

/* An IPv4 or IPv6 address literal (no brackets). */
int vx_check_ip(const char *s, const char **errstr);

/* A CIDR "addr/len" of the given family (4 or 6). */
int vx_check_cidr(const char *s, int family, const char **errstr);

#endif
