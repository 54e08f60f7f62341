/* \summary: fuzz target: every tool output parser (nuttcp, iperf, iperf3,
 * vmtp-agent, ping, version banners) on arbitrary bytes */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ping.h"
#include "result.h"
#include "tool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vmtp_tool_report rep;
    struct vmtp_icmp_stat st;
    struct vmtp_error err;
    double times[64];
    size_t n_times = 0;
    char version[64];
    char *s;

    if (size > 1024 * 1024) {
        return 0;
    }
    /* the executor hands parsers NUL-terminated text */
    s = malloc(size + 1);
    if (s == NULL) {
        return 0;
    }
    memcpy(s, data, size);
    s[size] = '\0';
    for (int udp = 0; udp < 2; udp++) {
        memset(&err, 0, sizeof(err));
        (void)vmtp_parse_nuttcp(s, udp != 0, 1024, &rep, &err);
        (void)vmtp_parse_iperf2(s, udp != 0, 1024, &rep, &err);
        (void)vmtp_parse_iperf3(s, udp != 0, udp == 0, &rep, &err);
        (void)vmtp_parse_agent(s, udp != 0, &rep, &err);
    }
    vmtp_icmp_stat_init(&st, 64);
    (void)vmtp_parse_ping(s, &st, times, 64, &n_times, &err);
    (void)vmtp_percentile(times, n_times, 0.99);
    (void)vmtp_parse_tool_version("nuttcp", s, version, sizeof(version), &err);
    (void)vmtp_parse_tool_version("iperf", s, version, sizeof(version), &err);
    (void)vmtp_parse_tool_version("iperf3", s, version, sizeof(version), &err);
    (void)vmtp_parse_tool_version("vmtp", s, version, sizeof(version), &err);
    free(s);
    return 0;
}
