/* \summary: socket helpers for the agent (connect with timeout: nc style) */
#include "net.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "vx_banned.h"
#include "vx_str.h"
#include "vx_time.h"

enum vmtp_status
vmtp_net_resolve(const char *host,
                 int port,
                 int family,
                 bool passive,
                 struct vmtp_sockaddr *out,
                 struct vmtp_error *err)
{
    struct addrinfo hints;
    struct addrinfo *res = NULL;
    char portstr[16];
    int rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    (void)snprintf(portstr, sizeof(portstr), "%d", port);
    if (host == NULL && family == AF_UNSPEC) {
        /* Wildcard: prefer the dual-stack IPv6 socket. */
        hints.ai_family = AF_INET6;
    }
    /* Numeric first: no resolver (and no NSS in a static binary). */
    hints.ai_flags |= AI_NUMERICHOST;
    rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc == EAI_NONAME && host != NULL) {
        hints.ai_flags &= ~AI_NUMERICHOST;
        rc = getaddrinfo(host, portstr, &hints, &res);
    }
    if (rc != 0 || res == NULL) {
        return vmtp_error_set(err, VMTP_E_RESOLVE, "cannot resolve '%s': %s",
                              host != NULL ? host : "*", gai_strerror(rc));
    }
    memset(out, 0, sizeof(*out));
    memcpy(&out->ss, res->ai_addr, res->ai_addrlen);
    out->len = res->ai_addrlen;
    freeaddrinfo(res);
    return VMTP_OK;
}

void
vmtp_net_unmap(struct vmtp_sockaddr *sa)
{
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&sa->ss;
    struct sockaddr_in s4;

    if (sa->ss.ss_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
        return;
    }
    memset(&s4, 0, sizeof(s4));
    s4.sin_family = AF_INET;
    s4.sin_port = s6->sin6_port;
    memcpy(&s4.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
    memset(&sa->ss, 0, sizeof(sa->ss));
    memcpy(&sa->ss, &s4, sizeof(s4));
    sa->len = sizeof(s4);
}

int
vmtp_net_port(const struct vmtp_sockaddr *sa)
{
    if (sa->ss.ss_family == AF_INET) {
        return ntohs(((const struct sockaddr_in *)&sa->ss)->sin_port);
    }
    if (sa->ss.ss_family == AF_INET6) {
        return ntohs(((const struct sockaddr_in6 *)&sa->ss)->sin6_port);
    }
    return 0;
}

void
vmtp_net_set_port(struct vmtp_sockaddr *sa, int port)
{
    if (sa->ss.ss_family == AF_INET) {
        ((struct sockaddr_in *)&sa->ss)->sin_port = htons((uint16_t)port);
    } else if (sa->ss.ss_family == AF_INET6) {
        ((struct sockaddr_in6 *)&sa->ss)->sin6_port = htons((uint16_t)port);
    }
}

const char *
vmtp_net_ntop(const struct vmtp_sockaddr *sa, char *buf, size_t len)
{
    const void *a = NULL;

    if (sa->ss.ss_family == AF_INET) {
        a = &((const struct sockaddr_in *)&sa->ss)->sin_addr;
    } else if (sa->ss.ss_family == AF_INET6) {
        a = &((const struct sockaddr_in6 *)&sa->ss)->sin6_addr;
    }
    if (a == NULL ||
        inet_ntop(sa->ss.ss_family, a, buf, (socklen_t)len) == NULL) {
        (void)vx_strlcpy(buf, "?", len);
    }
    return buf;
}

const char *
vmtp_net_ntop_port(const struct vmtp_sockaddr *sa, char *buf, size_t len)
{
    char host[INET6_ADDRSTRLEN];

    (void)vmtp_net_ntop(sa, host, sizeof(host));
    if (sa->ss.ss_family == AF_INET6) {
        (void)snprintf(buf, len, "[%s]:%d", host, vmtp_net_port(sa));
    } else {
        (void)snprintf(buf, len, "%s:%d", host, vmtp_net_port(sa));
    }
    return buf;
}

int
vmtp_net_listen(const struct vmtp_sockaddr *sa, struct vmtp_error *err)
{
    int fd;
    int one = 1;
    int zero = 0;
    int saved;

    fd = socket(sa->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        (void)vmtp_error_set_sys(err, VMTP_E_SYS, errno,
                                 "cannot create socket");
        return -1;
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (sa->ss.ss_family == AF_INET6) {
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    }
    if (bind(fd, (const struct sockaddr *)&sa->ss, sa->len) != 0 ||
        listen(fd, 16) != 0) {
        char a[INET6_ADDRSTRLEN + 16];

        saved = errno;
        (void)close(fd);
        (void)vmtp_error_set_sys(err, VMTP_E_SYS, saved, "cannot listen on %s",
                                 vmtp_net_ntop_port(sa, a, sizeof(a)));
        return -1;
    }
    return fd;
}

/* Non-blocking connect, poll for POLLOUT, then SO_ERROR (nc's
 * timeout_connect). */
static int
timeout_connect(int fd, const struct vmtp_sockaddr *to, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLOUT};
    int soerr = 0;
    socklen_t slen = sizeof(soerr);
    int rc;

    if (vmtp_net_set_nonblock(fd, true) != 0) {
        return -1;
    }
    rc = connect(fd, (const struct sockaddr *)&to->ss, to->len);
    if (rc != 0 && errno == EINPROGRESS) {
        do {
            rc = poll(&pfd, 1, timeout_ms);
        } while (rc < 0 && errno == EINTR);
        if (rc == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (rc < 0) {
            return -1;
        }
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) != 0) {
            return -1;
        }
        if (soerr != 0) {
            errno = soerr;
            return -1;
        }
        rc = 0;
    }
    if (rc != 0) {
        return -1;
    }
    return vmtp_net_set_nonblock(fd, false);
}

int
vmtp_net_connect(const struct vmtp_sockaddr *to,
                 const struct vmtp_sockaddr *from,
                 int type,
                 int timeout_ms,
                 struct vmtp_error *err)
{
    char a[INET6_ADDRSTRLEN + 16];
    int fd;
    int saved;

    fd = socket(to->ss.ss_family, type | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        (void)vmtp_error_set_sys(err, VMTP_E_SYS, errno,
                                 "cannot create socket");
        return -1;
    }
    if (from != NULL &&
        bind(fd, (const struct sockaddr *)&from->ss, from->len) != 0) {
        saved = errno;
        (void)close(fd);
        (void)vmtp_error_set_sys(err, VMTP_E_SYS, saved, "cannot bind to %s",
                                 vmtp_net_ntop_port(from, a, sizeof(a)));
        return -1;
    }
    if (type == SOCK_STREAM) {
        if (timeout_connect(fd, to, timeout_ms) != 0) {
            saved = errno;
            (void)close(fd);
            (void)vmtp_error_set_sys(
                    err, saved == ETIMEDOUT ? VMTP_E_TIMEOUT : VMTP_E_CONNECT,
                    saved, "cannot connect to %s",
                    vmtp_net_ntop_port(to, a, sizeof(a)));
            return -1;
        }
    } else if (connect(fd, (const struct sockaddr *)&to->ss, to->len) != 0) {
        saved = errno;
        (void)close(fd);
        (void)vmtp_error_set_sys(err, VMTP_E_CONNECT, saved,
                                 "cannot connect to %s",
                                 vmtp_net_ntop_port(to, a, sizeof(a)));
        return -1;
    }
    return fd;
}

int
vmtp_net_wait_readable(int fd, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int rc;

    do {
        rc = poll(&pfd, 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    return rc < 0 ? -1 : (rc > 0 ? 1 : 0);
}

static int
remaining_ms(uint64_t deadline_us)
{
    uint64_t now = vx_now_us();

    if (now >= deadline_us) {
        return 0;
    }
    return (int)((deadline_us - now + 999) / 1000);
}

enum vmtp_status
vmtp_net_read_full(
        int fd, void *buf, size_t len, int timeout_ms, struct vmtp_error *err)
{
    uint64_t deadline = vx_now_us() + (uint64_t)timeout_ms * 1000u;
    unsigned char *p = buf;
    size_t got = 0;

    while (got < len) {
        int rc = vmtp_net_wait_readable(fd, remaining_ms(deadline));
        ssize_t n;

        if (rc == 0) {
            return vmtp_error_set(err, VMTP_E_TIMEOUT, "no data within %d ms",
                                  timeout_ms);
        }
        if (rc < 0) {
            return vmtp_error_set_sys(err, VMTP_E_SYS, errno, "poll failed");
        }
        n = recv(fd, p + got, len - got, MSG_DONTWAIT);
        if (n == 0) {
            return vmtp_error_set(err, VMTP_E_PROTO,
                                  "connection closed by peer");
        }
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
                continue;
            }
            return vmtp_error_set_sys(err, VMTP_E_SYS, errno, "recv failed");
        }
        got += (size_t)n;
    }
    return VMTP_OK;
}

enum vmtp_status
vmtp_net_write_full(int fd,
                    const void *buf,
                    size_t len,
                    int timeout_ms,
                    struct vmtp_error *err)
{
    uint64_t deadline = vx_now_us() + (uint64_t)timeout_ms * 1000u;
    const unsigned char *p = buf;
    size_t done = 0;

    /* Send first: there is usually room, and poll costs a system call. */
    while (done < len) {
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        ssize_t n = send(fd, p + done, len - done, MSG_DONTWAIT | MSG_NOSIGNAL);
        int rc;

        if (n >= 0) {
            done += (size_t)n;
            continue;
        }
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
            return vmtp_error_set_sys(err, VMTP_E_SYS, errno, "send failed");
        }
        rc = poll(&pfd, 1, remaining_ms(deadline));
        if (rc == 0) {
            return vmtp_error_set(err, VMTP_E_TIMEOUT,
                                  "cannot send within %d ms", timeout_ms);
        }
        if (rc < 0 && errno != EINTR) {
            return vmtp_error_set_sys(err, VMTP_E_SYS, errno, "poll failed");
        }
    }
    return VMTP_OK;
}

int
vmtp_net_set_bufsize(int fd, int bytes)
{
    if (bytes <= 0) {
        return 0;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) != 0) {
        return -1;
    }
    return 0;
}

int
vmtp_net_set_tos(int fd, int family, int tos)
{
    if (tos <= 0) {
        return 0;
    }
    if (family == AF_INET6) {
        return setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
    }
    return setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
}

int
vmtp_net_set_nonblock(int fd, bool on)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0) {
        return -1;
    }
    fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
    return fcntl(fd, F_SETFL, fl);
}

unsigned
vmtp_net_ifindex_of(const struct vmtp_sockaddr *sa)
{
    struct ifaddrs *ifs = NULL;
    unsigned idx = 0;

    if (getifaddrs(&ifs) != 0) {
        return 0;
    }
    for (const struct ifaddrs *i = ifs; i != NULL && idx == 0;
         i = i->ifa_next) {
        if (i->ifa_addr == NULL || i->ifa_addr->sa_family != sa->ss.ss_family) {
            continue;
        }
        if (sa->ss.ss_family == AF_INET) {
            const struct sockaddr_in *a = (const void *)i->ifa_addr;
            const struct sockaddr_in *b = (const void *)&sa->ss;

            if (a->sin_addr.s_addr == b->sin_addr.s_addr) {
                idx = if_nametoindex(i->ifa_name);
            }
        } else if (sa->ss.ss_family == AF_INET6) {
            const struct sockaddr_in6 *a = (const void *)i->ifa_addr;
            const struct sockaddr_in6 *b = (const void *)&sa->ss;

            if (memcmp(&a->sin6_addr, &b->sin6_addr, 16) == 0) {
                idx = if_nametoindex(i->ifa_name);
            }
        }
    }
    freeifaddrs(ifs);
    return idx;
}
