/* \summary: CPU time used by this process over an interval (getrusage) */
#ifndef VMTP_CORE_CPU_H
#define VMTP_CORE_CPU_H

#include <stdint.h>

struct vmtp_cpu_snap {
    uint64_t user_us;
    uint64_t sys_us;
    uint64_t wall_us; /* CLOCK_MONOTONIC */
};

/* Take a snapshot of this process (all threads). */
void vmtp_cpu_snap(struct vmtp_cpu_snap *s);

/* CPU use between a and b in percent of one core (0 when no time passed). */
void vmtp_cpu_pct(const struct vmtp_cpu_snap *a,
                  const struct vmtp_cpu_snap *b,
                  double *user_pct,
                  double *sys_pct);

#endif
