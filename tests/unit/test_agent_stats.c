/* \summary: unit tests for the latency histogram, the UDP receiver
 * accounting (loss, duplicates, reordering, RFC 3550 jitter) and the UDP
 * datagram header */
#include <math.h>
#include <string.h>

#include "engine_udp.h"
#include "histo.h"
#include "vmtp_test.h"

static struct vmtp_histo h;

static void
test_histo_percentiles_of_uniform_samples(void **state)
{
    (void)state;
    vmtp_histo_init(&h);
    for (uint64_t v = 1; v <= 10000; v++) {
        vmtp_histo_add(&h, v * 1000); /* 1 us .. 10 ms */
    }
    assert_int_equal(h.count, 10000);
    assert_int_equal(h.min_ns, 1000);
    assert_int_equal(h.max_ns, 10000000);
    /* Within the documented 1.6% bucket error. */
    assert_true(fabs(vmtp_histo_percentile_ns(&h, 50) - 5e6) <= 0.016 * 5e6);
    assert_true(fabs(vmtp_histo_percentile_ns(&h, 90) - 9e6) <= 0.016 * 9e6);
    assert_true(fabs(vmtp_histo_percentile_ns(&h, 99) - 9.9e6) <=
                0.016 * 9.9e6);
    assert_true(vmtp_histo_percentile_ns(&h, 99.9) <= 1e7);
    assert_true(vmtp_histo_percentile_ns(&h, 100) == 1e7);
    assert_true(fabs(h.mean_ns - 5000500.0) < 1.0);
    assert_true(fabs(vmtp_histo_stddev_ns(&h) - 2886895.7) < 10.0);
}

static void
test_histo_small_values_exact_and_clamped(void **state)
{
    (void)state;
    vmtp_histo_init(&h);
    assert_true(vmtp_histo_percentile_ns(&h, 50) == 0);
    vmtp_histo_add(&h, 7);
    assert_true(vmtp_histo_percentile_ns(&h, 50) == 7);
    assert_true(vmtp_histo_percentile_ns(&h, 0.001) == 7);
    vmtp_histo_init(&h);
    vmtp_histo_add(&h, 123456789);
    /* One sample: every percentile is that sample, not the bucket middle. */
    assert_true(vmtp_histo_percentile_ns(&h, 50) == 123456789);
    assert_true(vmtp_histo_stddev_ns(&h) == 0);
}

static void
test_histo_index_is_monotonic_and_bounded(void **state)
{
    unsigned prev = 0;

    (void)state;
    for (uint64_t v = 0; v < (1ull << 20); v += 37) {
        unsigned i = vmtp_histo_index(v);

        assert_true(i >= prev);
        assert_true(i < VMTP_HISTO_BUCKETS);
        prev = i;
    }
    assert_true(vmtp_histo_index(UINT64_MAX) < VMTP_HISTO_BUCKETS);
}

static void
test_histo_merge_matches_single(void **state)
{
    struct vmtp_histo a;
    struct vmtp_histo b;

    (void)state;
    vmtp_histo_init(&h);
    vmtp_histo_init(&a);
    vmtp_histo_init(&b);
    for (uint64_t v = 1; v <= 1000; v++) {
        vmtp_histo_add(&h, v * 333);
        vmtp_histo_add(v % 2 ? &a : &b, v * 333);
    }
    vmtp_histo_merge(&a, &b);
    assert_int_equal(a.count, h.count);
    assert_int_equal(a.min_ns, h.min_ns);
    assert_int_equal(a.max_ns, h.max_ns);
    assert_true(fabs(a.mean_ns - h.mean_ns) < 1e-6);
    assert_true(fabs(a.m2 - h.m2) / h.m2 < 1e-9);
    assert_true(vmtp_histo_percentile_ns(&a, 99) ==
                vmtp_histo_percentile_ns(&h, 99));
}

static struct vmtp_udp_rx rx;

static int
rx_setup(void **state)
{
    (void)state;
    return vmtp_udp_rx_init(&rx);
}

static int
rx_teardown(void **state)
{
    (void)state;
    vmtp_udp_rx_release(&rx);
    return 0;
}

static void
test_udp_rx_counts_loss_dup_reorder(void **state)
{
    /* 0 1 3 2 2 5 1 : 4 missing, 2 late, a dup of 2, a dup of 1 */
    static const uint64_t seqs[] = {0, 1, 3, 2, 2, 5, 1};

    (void)state;
    for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
        vmtp_udp_rx_add(&rx, seqs[i], 0, 1000 * i, 100);
    }
    assert_int_equal(rx.packets, 5);
    assert_int_equal(rx.bytes, 500);
    assert_int_equal(rx.dup, 2);
    assert_int_equal(rx.reordered, 1);
    assert_int_equal(rx.max_seq, 5);
}

static void
test_udp_rx_jitter_follows_rfc3550(void **state)
{
    (void)state;
    /* Constant transit: zero jitter. */
    for (uint64_t i = 0; i < 100; i++) {
        vmtp_udp_rx_add(&rx, i, i * 1000, i * 1000 + 500, 64);
    }
    assert_true(rx.jitter_ns == 0);
    /* Transit alternating 500/1500 ns: |D| = 1000, J -> 1000. */
    for (uint64_t i = 100; i < 1100; i++) {
        vmtp_udp_rx_add(&rx, i, i * 1000, i * 1000 + (i % 2 ? 1500 : 500), 64);
    }
    assert_true(fabs(rx.jitter_ns - 1000.0) < 1.0);
}

static void
test_udp_rx_window_slides(void **state)
{
    (void)state;
    vmtp_udp_rx_add(&rx, 0, 0, 0, 1);
    vmtp_udp_rx_add(&rx, 3ull * VMTP_UDP_WINDOW, 0, 1, 1);
    vmtp_udp_rx_add(&rx, 3ull * VMTP_UDP_WINDOW, 0, 2, 1); /* dup */
    vmtp_udp_rx_add(&rx, 1, 0, 3, 1); /* too old to tell: late */
    vmtp_udp_rx_add(&rx, 3ull * VMTP_UDP_WINDOW - 5, 0, 4, 1);
    vmtp_udp_rx_add(&rx, 3ull * VMTP_UDP_WINDOW - 5, 0, 5, 1); /* dup */
    assert_int_equal(rx.packets, 4);
    assert_int_equal(rx.dup, 2);
    assert_int_equal(rx.reordered, 2);
}

static void
test_udp_header_round_trip_and_rejects(void **state)
{
    uint8_t buf[VMTP_UDP_HDR_LEN];
    struct vmtp_udp_hdr in = {.kind = VMTP_UDP_KIND_PING,
                              .session = 0xdeadbeef,
                              .seq = 0x0102030405060708ull,
                              .send_ns = 42};
    struct vmtp_udp_hdr out;

    (void)state;
    vmtp_udp_hdr_put(buf, &in);
    assert_int_equal(vmtp_udp_hdr_get(buf, sizeof(buf), &out), 0);
    assert_int_equal(out.kind, in.kind);
    assert_int_equal(out.session, in.session);
    assert_true(out.seq == in.seq);
    assert_true(out.send_ns == in.send_ns);
    assert_int_equal(vmtp_udp_hdr_get(buf, sizeof(buf) - 1, &out), -1);
    buf[3] = 'X';
    assert_int_equal(vmtp_udp_hdr_get(buf, sizeof(buf), &out), -1);
    buf[3] = 'D';
    buf[0] = 'x';
    assert_int_equal(vmtp_udp_hdr_get(buf, sizeof(buf), &out), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_histo_percentiles_of_uniform_samples),
            cmocka_unit_test(test_histo_small_values_exact_and_clamped),
            cmocka_unit_test(test_histo_index_is_monotonic_and_bounded),
            cmocka_unit_test(test_histo_merge_matches_single),
            cmocka_unit_test_setup_teardown(test_udp_rx_counts_loss_dup_reorder,
                                            rx_setup, rx_teardown),
            cmocka_unit_test_setup_teardown(test_udp_rx_jitter_follows_rfc3550,
                                            rx_setup, rx_teardown),
            cmocka_unit_test_setup_teardown(test_udp_rx_window_slides, rx_setup,
                                            rx_teardown),
            cmocka_unit_test(test_udp_header_round_trip_and_rejects),
    };

    return cmocka_run_group_tests_name("agent_stats", tests, NULL, NULL);
}
