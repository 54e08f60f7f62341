/* \summary: test helper: tiny loopback TCP servers (serve, silent, flood) */
#include "vt_sock.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int
listen_loopback(int *port)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        return -1;
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        (void)close(fd);
        return -1;
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

static void
write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;
        }
        p += n;
        len -= (size_t)n;
    }
}

static void *
server_main(void *arg)
{
    struct vt_server *s = arg;

    while (!atomic_load(&s->stop) && atomic_load(&s->served) < s->max_conns) {
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        int c;

        if (poll(&p, 1, 100) <= 0) {
            continue;
        }
        c = accept(s->fd, NULL, NULL);
        if (c < 0) {
            continue;
        }
        if (s->mode == VT_SERVE) {
            write_all(c, s->data, s->len);
        } else {
            while (!atomic_load(&s->stop)) {
                ssize_t n = send(c, s->data, s->len, MSG_NOSIGNAL);

                if (n < 0 && errno != EINTR) {
                    break;
                }
            }
        }
        (void)close(c);
        atomic_fetch_add(&s->served, 1);
    }
    return NULL;
}

int
vt_server_start(struct vt_server *s,
                enum vt_mode mode,
                const char *data,
                size_t len,
                int max_conns)
{
    memset(s, 0, sizeof(*s));
    s->mode = mode;
    s->data = data;
    s->len = len;
    s->max_conns = max_conns;
    atomic_init(&s->served, 0);
    atomic_init(&s->stop, 0);
    s->fd = listen_loopback(&s->port);
    if (s->fd < 0) {
        return -1;
    }
    if (mode == VT_SILENT) {
        return 0;
    }
    if (pthread_create(&s->thread, NULL, server_main, s) != 0) {
        (void)close(s->fd);
        s->fd = -1;
        return -1;
    }
    s->has_thread = 1;
    return 0;
}

void
vt_server_stop(struct vt_server *s)
{
    atomic_store(&s->stop, 1);
    if (s->has_thread) {
        (void)pthread_join(s->thread, NULL);
        s->has_thread = 0;
    }
    if (s->fd >= 0) {
        (void)close(s->fd);
        s->fd = -1;
    }
}

int
vt_dead_port(void)
{
    int port = 0;
    int fd = listen_loopback(&port);

    if (fd < 0) {
        return -1;
    }
    (void)close(fd);
    return port;
}

int
vt_wait_count(atomic_int *counter, int want, int limit_ms)
{
    for (int waited = 0; waited < limit_ms; waited += 10) {
        struct timespec ts = {0, 10 * 1000 * 1000};

        if (atomic_load(counter) >= want) {
            return 0;
        }
        (void)nanosleep(&ts, NULL);
    }
    return atomic_load(counter) >= want ? 0 : -1;
}

char *
vt_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        n > 16L * 1024 * 1024 || fseek(f, 0, SEEK_SET) != 0) {
        goto out;
    }
    buf = malloc((size_t)n + 1);
    if (buf == NULL) {
        goto out;
    }
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[n] = '\0';
    if (len != NULL) {
        *len = (size_t)n;
    }
out:
    (void)fclose(f);
    return buf;
}
