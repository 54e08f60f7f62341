/* \summary: unit tests of the ping driver: captured outputs and loopback */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_local.h"
#include "ping.h"
#include "test_data.h"
#include "vmtp_test.h"

/* A captured tool output from tests/data/tools/. */
static char *
load(const char *name)
{
    char rel[512];

    (void)snprintf(rel, sizeof(rel), "tests/data/tools/%s", name);
    return vt_slurp(rel);
}

static void
test_ping_parses_iputils_summary_and_replies(void **state)
{
    char *out = load("ping-64.txt");
    struct vmtp_icmp_stat st;
    double t[16];
    size_t n = 0;

    (void)state;
    vmtp_icmp_stat_init(&st, 64);
    assert_int_equal(vmtp_parse_ping(out, &st, t, 16, &n, NULL), VMTP_OK);
    assert_int_equal(st.tx_packets, 5);
    assert_int_equal(st.rx_packets, 5);
    assert_int_equal(n, 5);
    assert_true(st.rtt_min_ms <= st.rtt_avg_ms);
    assert_true(st.rtt_avg_ms <= st.rtt_max_ms);
    for (size_t i = 0; i < n; i++) {
        assert_true(t[i] >= st.rtt_min_ms - 1e-9);
        assert_true(t[i] <= st.rtt_max_ms + 1e-9);
    }
    free(out);
}

static void
test_ping_partial_loss_counts_replies(void **state)
{
    char *out = load("ping-loss.txt");
    struct vmtp_icmp_stat st;
    double t[32];
    size_t n = 0;

    (void)state;
    vmtp_icmp_stat_init(&st, 64);
    assert_int_equal(vmtp_parse_ping(out, &st, t, 32, &n, NULL), VMTP_OK);
    assert_int_equal(st.tx_packets, 20);
    assert_int_equal(st.rx_packets, 12);
    assert_int_equal(n, 12);
    assert_float_equal(st.rtt_min_ms, 0.042, 1e-12);
    assert_float_equal(st.rtt_stddev_ms, 0.020, 1e-12);
    free(out);
}

static void
test_ping_full_loss_is_a_clear_error(void **state)
{
    const char *files[] = {"ping-allloss.txt", "ping-unreachable.txt"};

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        char *out = load(files[i]);
        struct vmtp_icmp_stat st;
        struct vmtp_error e = {0};

        vmtp_icmp_stat_init(&st, 64);
        assert_int_equal(vmtp_parse_ping(out, &st, NULL, 0, NULL, &e),
                         VMTP_E_MEASURE);
        assert_string_equal(e.msg, "100% packet loss (0 of 3 replies)");
        assert_int_equal(st.rx_packets, 0);
        free(out);
    }
}

static void
test_ping_ipv6_and_garbage(void **state)
{
    char *out = load("ping6-391.txt");
    struct vmtp_icmp_stat st;
    struct vmtp_error e = {0};
    double t[8];
    size_t n = 0;

    (void)state;
    vmtp_icmp_stat_init(&st, 391);
    assert_int_equal(vmtp_parse_ping(out, &st, t, 8, &n, NULL), VMTP_OK);
    assert_int_equal(n, 5);
    assert_float_equal(st.rtt_max_ms, 0.040, 1e-12);
    free(out);
    out = load("ping-interval-refused.txt");
    assert_int_equal(vmtp_parse_ping(out, &st, t, 8, &n, &e), VMTP_E_PARSE);
    free(out);
    /* more replies than room: bounded */
    out = load("ping-loss.txt");
    assert_int_equal(vmtp_parse_ping(out, &st, t, 3, &n, NULL), VMTP_OK);
    assert_int_equal(n, 3);
    free(out);
}

/* One sample per reply line; "time=" outside a reply line, duplicates and
 * a long line without newline (quadratic before: every "time=" searched the
 * rest of the output) give none. */
static void
test_ping_samples_only_reply_lines(void **state)
{
    static const char head[] =
            "PING 198.18.0.1 (198.18.0.1) 56(84) bytes of data.\n"
            "64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time=0.5 ms time=9\n"
            "time=7 ms 64 bytes from 198.18.0.1: icmp_seq=2 ttl=64\n"
            "64 bytes from 198.18.0.1: icmp_seq=2 ttl=64 time=0.7 ms (DUP!)\n"
            "From 198.18.0.9 icmp_seq=3 Destination Host Unreachable\n"
            "64 bytes from 198.18.0.1: icmp_seq=4 ttl=64 time=0.25 ms";
    static const char tail[] =
            "\n--- 198.18.0.1 ping statistics ---\n"
            "4 packets transmitted, 2 received, 50% packet loss, time 3004ms\n"
            "rtt min/avg/max/mdev = 0.250/0.375/0.500/0.125 ms\n";
    size_t reps = 100000;
    size_t cap = sizeof(head) + reps * 7 + sizeof(tail);
    char *out = malloc(cap);
    struct vmtp_icmp_stat st;
    double t[8];
    size_t n = 0;
    size_t off;

    (void)state;
    assert_non_null(out);
    memcpy(out, head, sizeof(head) - 1);
    off = sizeof(head) - 1;
    for (size_t i = 0; i < reps; i++) {
        memcpy(out + off, " time=1", 7);
        off += 7;
    }
    memcpy(out + off, tail, sizeof(tail));
    vmtp_icmp_stat_init(&st, 64);
    assert_int_equal(vmtp_parse_ping(out, &st, t, 8, &n, NULL), VMTP_OK);
    assert_int_equal(n, 2);
    assert_float_equal(t[0], 0.5, 1e-12);
    assert_float_equal(t[1], 0.25, 1e-12);
    assert_int_equal(st.tx_packets, 4);
    assert_int_equal(st.rx_packets, 2);
    free(out);
}

static void
test_ping_percentiles_nearest_rank(void **state)
{
    double v[] = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};

    (void)state;
    assert_float_equal(vmtp_percentile(v, 10, 0.5), 5, 0);
    assert_float_equal(vmtp_percentile(v, 10, 0.9), 9, 0);
    assert_float_equal(vmtp_percentile(v, 10, 0.99), 10, 0);
    assert_float_equal(vmtp_percentile(v, 1, 0.5), 1, 0);
    assert_true(isnan(vmtp_percentile(v, 0, 0.5)));
}

/* iputils prints a 1045 us reply as "time=1.05 ms" and the summary's max
 * as 1.045: the percentiles stay inside the summary. */
static void
test_ping_percentiles_stay_inside_summary(void **state)
{
    static const char out[] =
            "PING 198.18.0.2 (198.18.0.2) 56(84) bytes of data.\n"
            "64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=0.981 ms\n"
            "64 bytes from 198.18.0.2: icmp_seq=2 ttl=64 time=1.05 ms\n"
            "\n--- 198.18.0.2 ping statistics ---\n"
            "2 packets transmitted, 2 received, 0% packet loss, time 1001ms\n"
            "rtt min/avg/max/mdev = 0.981/1.013/1.045/0.032 ms\n";
    struct vmtp_icmp_stat st;
    struct vmtp_error err = {0};
    double times[8];
    size_t n = 0;

    (void)state;
    vmtp_icmp_stat_init(&st, 64);
    assert_int_equal(vmtp_parse_ping(out, &st, times, 8, &n, &err), VMTP_OK);
    assert_int_equal(n, 2);
    assert_float_equal(times[1], 1.05, 1e-9);
    vmtp_ping_percentiles(&st, times, n);
    assert_float_equal(st.rtt_p50_ms, 0.981, 1e-9);
    assert_float_equal(st.rtt_p99_ms, 1.045, 1e-9);
    assert_true(st.rtt_p90_ms <= st.rtt_max_ms);
}

static void
test_ping_run_on_loopback_honours_count_and_sizes(void **state)
{
    struct vmtp_executor *ex = NULL;
    const long sizes[] = {64, 391, 1500};
    struct vmtp_ping_opts o = {
            .target = "127.0.0.1", .sizes = sizes, .n_sizes = 3, .count = 7};
    struct vmtp_result res;

    (void)state;
    assert_int_equal(vmtp_exec_local_new(NULL, &ex, NULL), VMTP_OK);
    vmtp_result_init(&res, VMTP_PROTO_ICMP);
    assert_int_equal(vmtp_ping_run(ex, &o, &res, NULL), VMTP_OK);
    assert_string_equal(res.tool, "ping");
    assert_int_equal(res.n_icmp, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(res.icmp[i].packet_size, sizes[i]);
        assert_null(res.icmp[i].error);
        assert_int_equal(res.icmp[i].tx_packets, 7);
        assert_int_equal(res.icmp[i].rx_packets, 7);
        assert_false(isnan(res.icmp[i].rtt_p50_ms));
        assert_true(res.icmp[i].rtt_p50_ms <= res.icmp[i].rtt_p99_ms);
        assert_true(res.icmp[i].rtt_p99_ms <= res.icmp[i].rtt_max_ms);
    }
    vmtp_result_release(&res);
    ex->ops->free(ex);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_ping_parses_iputils_summary_and_replies),
            cmocka_unit_test(test_ping_partial_loss_counts_replies),
            cmocka_unit_test(test_ping_full_loss_is_a_clear_error),
            cmocka_unit_test(test_ping_ipv6_and_garbage),
            cmocka_unit_test(test_ping_samples_only_reply_lines),
            cmocka_unit_test(test_ping_percentiles_nearest_rank),
            cmocka_unit_test(test_ping_percentiles_stay_inside_summary),
            cmocka_unit_test(test_ping_run_on_loopback_honours_count_and_sizes),
    };
    return cmocka_run_group_tests_name("ping", tests, NULL, NULL);
}
