/* \summary: vmtp-agent internals shared by main.c, client.c and serve.c */
#ifndef VMTP_AGENT_H
#define VMTP_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"

#define AGENT_DEFAULT_PORT 5301

enum agent_mode {
    AGENT_TCP,
    AGENT_UDP,
    AGENT_TCP_RR,
    AGENT_UDP_RR,
};

struct agent_opts {
    bool server;
    const char *host; /* client: server address */
    const char *bind; /* -B */
    int family;       /* AF_UNSPEC, AF_INET, AF_INET6 */
    int port;
    /* server */
    int idle_timeout_s;
    bool one_off;
    int ctl_timeout_ms;
    /* client */
    enum agent_mode mode;
    double duration_s;
    long len_bytes; /* 0: mode default */
    uint64_t rate_bps;
    bool rate_set;
    int parallel;
    int window_bytes;
    int tos;
    const char *mcast_group;
    int ttl;
    bool latency;
    int latency_interval_ms;
    struct vmtp_logger log;
};

const char *agent_mode_name(enum agent_mode m);
int agent_mode_parse(const char *s, enum agent_mode *m);

/* Server: returns the process exit status. */
int agent_serve(const struct agent_opts *o);
/* Client: prints one JSON object; returns the process exit status. */
int agent_client(const struct agent_opts *o);

#endif
