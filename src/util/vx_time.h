/* \summary: monotonic and wall-clock time helpers */
#ifndef VX_TIME_H
#define VX_TIME_H

#include <stddef.h>
#include <stdint.h>

/* Microseconds on CLOCK_MONOTONIC: for every duration. */
uint64_t vx_now_us(void);

/* Sleep for us microseconds, resuming after signals; returns early never. */
void vx_sleep_us(uint64_t us);

/*
 * Format the local wall-clock time of `t` (seconds since the epoch) as
 * "%Y-%m-%d %H:%M:%S" into buf (at least 20 bytes). Wall-clock time only
 * labels results. Returns buf.
 */
char *vx_format_localtime(int64_t t, char *buf, size_t buflen);

#endif
