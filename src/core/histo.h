/* \summary: latency histogram (log-linear, bounded memory) with exact
 * min/max and Welford mean/stddev */
#ifndef VMTP_CORE_HISTO_H
#define VMTP_CORE_HISTO_H

#include <stdint.h>

/*
 * Values are nanoseconds. Below 64 ns each value has its own bucket; above,
 * each power of two is split in 64 buckets, so a percentile is within 1.6%
 * of the true sample. Memory is fixed (about 30 KiB): embed the struct,
 * vmtp_histo_init() it; nothing to release.
 */
#define VMTP_HISTO_SUB     64
#define VMTP_HISTO_BUCKETS (VMTP_HISTO_SUB + 58 * VMTP_HISTO_SUB)

struct vmtp_histo {
    uint64_t count;
    uint64_t min_ns;
    uint64_t max_ns;
    double mean_ns;
    double m2; /* Welford sum of squared differences */
    uint64_t bucket[VMTP_HISTO_BUCKETS];
};

void vmtp_histo_init(struct vmtp_histo *h);
void vmtp_histo_add(struct vmtp_histo *h, uint64_t ns);
/* Add every sample of src to dst. */
void vmtp_histo_merge(struct vmtp_histo *dst, const struct vmtp_histo *src);

/* The pct-th percentile (0 < pct <= 100) in ns, clamped to [min, max]; 0
 * when empty. */
double vmtp_histo_percentile_ns(const struct vmtp_histo *h, double pct);
double vmtp_histo_stddev_ns(const struct vmtp_histo *h);

/* Bucket index of a value, and the value a bucket stands for (its middle). */
unsigned vmtp_histo_index(uint64_t ns);
double vmtp_histo_value(unsigned idx);

#endif
