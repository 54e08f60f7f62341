/* \summary: CPU time used by this process over an interval */
#include "cpu.h"

#include <sys/resource.h>

#include <string.h>

#include "vx_banned.h"
#include "vx_time.h"

static uint64_t
tv_us(const struct timeval *tv)
{
    return (uint64_t)tv->tv_sec * 1000000u + (uint64_t)tv->tv_usec;
}

void
vmtp_cpu_snap(struct vmtp_cpu_snap *s)
{
    struct rusage ru;

    memset(&ru, 0, sizeof(ru));
    (void)getrusage(RUSAGE_SELF, &ru);
    s->user_us = tv_us(&ru.ru_utime);
    s->sys_us = tv_us(&ru.ru_stime);
    s->wall_us = vx_now_us();
}

void
vmtp_cpu_pct(const struct vmtp_cpu_snap *a,
             const struct vmtp_cpu_snap *b,
             double *user_pct,
             double *sys_pct)
{
    double wall = (double)(b->wall_us - a->wall_us);

    *user_pct = 0;
    *sys_pct = 0;
    if (b->wall_us <= a->wall_us) {
        return;
    }
    if (b->user_us >= a->user_us) {
        *user_pct = 100.0 * (double)(b->user_us - a->user_us) / wall;
    }
    if (b->sys_us >= a->sys_us) {
        *sys_pct = 100.0 * (double)(b->sys_us - a->sys_us) / wall;
    }
}
