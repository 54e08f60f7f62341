/* \summary: latency histogram with bounded memory */
#include "histo.h"

#include <math.h>
#include <string.h>

#include "vx_banned.h"

void
vmtp_histo_init(struct vmtp_histo *h)
{
    memset(h, 0, sizeof(*h));
}

unsigned
vmtp_histo_index(uint64_t ns)
{
    unsigned e;

    if (ns < VMTP_HISTO_SUB) {
        return (unsigned)ns;
    }
    e = 63u - (unsigned)__builtin_clzll(ns); /* ns >= 64, so e >= 6 */
    return VMTP_HISTO_SUB + (e - 6u) * VMTP_HISTO_SUB +
           (unsigned)((ns >> (e - 6u)) & (VMTP_HISTO_SUB - 1));
}

double
vmtp_histo_value(unsigned idx)
{
    unsigned e;
    unsigned sub;
    double lo;
    double width;

    if (idx < VMTP_HISTO_SUB) {
        return (double)idx;
    }
    e = (idx - VMTP_HISTO_SUB) / VMTP_HISTO_SUB + 6u;
    sub = (idx - VMTP_HISTO_SUB) % VMTP_HISTO_SUB;
    width = ldexp(1.0, (int)e - 6);
    lo = ldexp(1.0, (int)e) + (double)sub * width;
    return lo + width / 2.0;
}

void
vmtp_histo_add(struct vmtp_histo *h, uint64_t ns)
{
    double delta;

    if (h->count == 0 || ns < h->min_ns) {
        h->min_ns = ns;
    }
    if (ns > h->max_ns) {
        h->max_ns = ns;
    }
    h->count++;
    delta = (double)ns - h->mean_ns;
    h->mean_ns += delta / (double)h->count;
    h->m2 += delta * ((double)ns - h->mean_ns);
    h->bucket[vmtp_histo_index(ns)]++;
}

void
vmtp_histo_merge(struct vmtp_histo *dst, const struct vmtp_histo *src)
{
    double n;
    double delta;

    if (src->count == 0) {
        return;
    }
    if (dst->count == 0) {
        memcpy(dst, src, sizeof(*dst));
        return;
    }
    n = (double)dst->count + (double)src->count;
    delta = src->mean_ns - dst->mean_ns;
    dst->m2 += src->m2 +
               delta * delta * (double)dst->count * (double)src->count / n;
    dst->mean_ns += delta * (double)src->count / n;
    dst->count += src->count;
    if (src->min_ns < dst->min_ns) {
        dst->min_ns = src->min_ns;
    }
    if (src->max_ns > dst->max_ns) {
        dst->max_ns = src->max_ns;
    }
    for (unsigned i = 0; i < VMTP_HISTO_BUCKETS; i++) {
        dst->bucket[i] += src->bucket[i];
    }
}

double
vmtp_histo_percentile_ns(const struct vmtp_histo *h, double pct)
{
    uint64_t rank;
    uint64_t seen = 0;
    double v = 0;

    if (h->count == 0) {
        return 0;
    }
    if (pct >= 100.0) {
        return (double)h->max_ns;
    }
    rank = (uint64_t)ceil(pct / 100.0 * (double)h->count);
    if (rank == 0) {
        rank = 1;
    }
    for (unsigned i = 0; i < VMTP_HISTO_BUCKETS; i++) {
        seen += h->bucket[i];
        if (seen >= rank) {
            v = vmtp_histo_value(i);
            break;
        }
    }
    if (v < (double)h->min_ns) {
        v = (double)h->min_ns;
    }
    if (v > (double)h->max_ns) {
        v = (double)h->max_ns;
    }
    return v;
}

double
vmtp_histo_stddev_ns(const struct vmtp_histo *h)
{
    if (h->count < 2) {
        return 0;
    }
    return sqrt(h->m2 / (double)(h->count - 1));
}
