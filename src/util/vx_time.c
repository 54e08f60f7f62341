/* \summary: monotonic and wall-clock time helpers */
#include "vx_time.h"

#include <errno.h>
#include <time.h>

uint64_t
vx_now_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void
vx_sleep_us(uint64_t us)
{
    struct timespec req = {
            .tv_sec = (time_t)(us / 1000000u),
            .tv_nsec = (long)(us % 1000000u) * 1000,
    };

    while (nanosleep(&req, &req) == -1 && errno == EINTR) {
        continue;
    }
}

char *
vx_format_localtime(int64_t t, char *buf, size_t buflen)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (localtime_r(&tt, &tm) == NULL ||
        strftime(buf, buflen, "%Y-%m-%d %H:%M:%S", &tm) == 0) {
        if (buflen > 0) {
            buf[0] = '\0';
        }
    }
    return buf;
}
