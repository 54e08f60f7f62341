/* \summary: test helper: tiny loopback TCP servers (serve, silent, flood) */
#ifndef VT_SOCK_H
#define VT_SOCK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

/*
 * A loopback TCP server on 127.0.0.1 with an OS-chosen port, run by a
 * thread. Modes:
 *  - VT_SERVE: accept, write `data` (len bytes), close; `max_conns` times.
 *  - VT_SILENT: listen but never accept or write (the kernel still
 *    completes the TCP handshake, so clients connect and then hear nothing).
 *  - VT_FLOOD: accept and write `data` over and over until the peer goes.
 */
enum vt_mode {
    VT_SERVE,
    VT_SILENT,
    VT_FLOOD,
};

struct vt_server {
    int fd;
    int port;
    enum vt_mode mode;
    const char *data;
    size_t len;
    int max_conns;
    atomic_int served; /* connections fully served */
    atomic_int stop;
    pthread_t thread;
    int has_thread;
};

/* Returns 0, or -1 (the test should fail). */
int vt_server_start(struct vt_server *s,
                    enum vt_mode mode,
                    const char *data,
                    size_t len,
                    int max_conns);
void vt_server_stop(struct vt_server *s);

/* A port on 127.0.0.1 where nothing listens (bound, then closed). */
int vt_dead_port(void);

/* Wait (bounded: up to limit_ms) until *counter >= want. 0 when reached. */
int vt_wait_count(atomic_int *counter, int want, int limit_ms);

/* Read a whole file (at most 16 MiB) into a malloc'd NUL-terminated buffer.
 */
char *vt_read_file(const char *path, size_t *len);

#endif
