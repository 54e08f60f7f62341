/* \summary: socket helpers for the agent: resolve, listen, connect with a
 * timeout, reads and writes with a timeout, address text */
#ifndef VMTP_CORE_NET_H
#define VMTP_CORE_NET_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmtp/vmtp.h>

/* A socket address with its length (what getaddrinfo gives). */
struct vmtp_sockaddr {
    struct sockaddr_storage ss;
    socklen_t len;
};

/*
 * Resolve host (NULL: the wildcard address) and port into *out. family is
 * AF_UNSPEC, AF_INET or AF_INET6. passive selects a listening address.
 */
enum vmtp_status vmtp_net_resolve(const char *host,
                                  int port,
                                  int family,
                                  bool passive,
                                  struct vmtp_sockaddr *out,
                                  struct vmtp_error *err);

/* Turn an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into AF_INET in place. */
void vmtp_net_unmap(struct vmtp_sockaddr *sa);

/* Port of sa (host order), or 0. */
int vmtp_net_port(const struct vmtp_sockaddr *sa);
void vmtp_net_set_port(struct vmtp_sockaddr *sa, int port);

/* Numeric address text without port ("198.18.0.1", "2001:db8::1"). */
const char *
vmtp_net_ntop(const struct vmtp_sockaddr *sa, char *buf, size_t len);

/* "198.18.0.1:5301" or "[2001:db8::1]:5301". */
const char *
vmtp_net_ntop_port(const struct vmtp_sockaddr *sa, char *buf, size_t len);

/*
 * A listening TCP socket (SO_REUSEADDR; dual stack for the IPv6 wildcard).
 * Returns the fd, or -1 with err set.
 */
int vmtp_net_listen(const struct vmtp_sockaddr *sa, struct vmtp_error *err);

/*
 * A socket of `type` (SOCK_STREAM or SOCK_DGRAM) connected to `to`,
 * optionally bound to `from` (port may be 0). A TCP connect gives up after
 * timeout_ms. The returned fd is blocking. Returns -1 with err set.
 */
int vmtp_net_connect(const struct vmtp_sockaddr *to,
                     const struct vmtp_sockaddr *from,
                     int type,
                     int timeout_ms,
                     struct vmtp_error *err);

/*
 * Read exactly len bytes (or write all of them) within timeout_ms in total.
 * VMTP_E_TIMEOUT when time runs out, VMTP_E_PROTO on EOF in the middle,
 * VMTP_E_SYS on a socket error.
 */
enum vmtp_status vmtp_net_read_full(
        int fd, void *buf, size_t len, int timeout_ms, struct vmtp_error *err);
enum vmtp_status vmtp_net_write_full(int fd,
                                     const void *buf,
                                     size_t len,
                                     int timeout_ms,
                                     struct vmtp_error *err);

/* Wait until fd is readable; 1 readable, 0 timeout, -1 error. */
int vmtp_net_wait_readable(int fd, int timeout_ms);

/* Socket options on data sockets; 0 or -1 with errno. bytes/tos 0: skip. */
int vmtp_net_set_bufsize(int fd, int bytes);
int vmtp_net_set_tos(int fd, int family, int tos);
int vmtp_net_set_nonblock(int fd, bool on);

/* Interface index that holds the local address sa, or 0. */
unsigned vmtp_net_ifindex_of(const struct vmtp_sockaddr *sa);

#endif
