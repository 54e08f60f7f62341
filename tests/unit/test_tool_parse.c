/* \summary: unit tests of the tool output parsers on real captured outputs */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "test_data.h"
#include "tool.h"
#include "vmtp_test.h"

/* Read tests/data/tools/NAME into a malloc'd string. */
/* A captured tool output from tests/data/tools/. */
static char *
load(const char *name)
{
    char rel[512];

    (void)snprintf(rel, sizeof(rel), "tests/data/tools/%s", name);
    return vt_slurp(rel);
}

static void
test_nuttcp_tcp_rate_is_si_not_1024(void **state)
{
    char *out = load("nuttcp-tcp.txt");
    struct vmtp_tool_report r;
    struct vmtp_result res;

    (void)state;
    assert_int_equal(vmtp_parse_nuttcp(out, false, 65536, &r, NULL), VMTP_OK);
    /* rate_Mbps=12570.0604 */
    assert_float_equal(r.rx_bps, 12570.0604e6, 1.0);
    assert_int_equal(r.retrans, 0);
    assert_float_equal(r.rtt_ms, 0.18, 1e-9);
    assert_float_equal(r.cpu_tx_pct, 55, 1e-9);
    vmtp_result_init(&res, VMTP_PROTO_TCP);
    assert_int_equal(vmtp_tool_report_to_result(&r, &res), VMTP_OK);
    assert_float_equal(res.throughput_kbps, 12570060.4, 0.01);
    vmtp_result_release(&res);
    free(out);
}

static void
test_nuttcp_udp_loss_and_rates(void **state)
{
    char *out = load("nuttcp-udp-loss.txt");
    struct vmtp_tool_report r;

    (void)state;
    assert_int_equal(vmtp_parse_nuttcp(out, true, 128, &r, NULL), VMTP_OK);
    /* drop=37220 pkt=151881 real_seconds=1.00 */
    assert_int_equal(r.tx_packets, 151881);
    assert_int_equal(r.lost_packets, 37220);
    assert_float_equal(r.loss_pct, 37220.0 * 100 / 151881, 1e-9);
    assert_float_equal(r.rx_pps, 151881 - 37220, 1e-6);
    assert_float_equal(r.tx_bps, 151881.0 * 128 * 8, 1e-3);
    assert_float_equal(r.rx_bps, 117.5741e6, 1.0);
    free(out);
}

static void
test_nuttcp_multicast_and_ipv6(void **state)
{
    struct vmtp_tool_report r;
    char *out = load("nuttcp-multicast.txt");

    (void)state;
    assert_int_equal(vmtp_parse_nuttcp(out, true, 1024, &r, NULL), VMTP_OK);
    assert_float_equal(r.loss_pct, 0, 1e-12);
    assert_true(isnan(r.jitter_ms)); /* nuttcp 6 has no -j */
    free(out);
    out = load("nuttcp-udp6.txt");
    assert_int_equal(vmtp_parse_nuttcp(out, true, 1024, &r, NULL), VMTP_OK);
    assert_int_equal(r.lost_packets, 60);
    free(out);
    /* nuttcp 7+ multicast line with jitter and one-way delay */
    assert_int_equal(
            vmtp_parse_nuttcp("megabytes=1.1924 real_seconds=10.01 "
                              "rate_Mbps=0.9997 tx_cpu=99 rx_cpu=0 drop=-3 "
                              "pkt=1221 data_loss=0.00000 msmaxjitter=0.25 "
                              "msavgOWD=-0.5\n",
                              true, 1024, &r, NULL),
            VMTP_OK);
    assert_int_equal(r.lost_packets, 0); /* negative drop clamped */
    assert_float_equal(r.jitter_ms, 0.25, 1e-12);
    assert_float_equal(r.owd_ms, -0.5, 1e-12);
}

static void
test_nuttcp_error_output_is_parse_error(void **state)
{
    char *out = load("nuttcp-noserver.txt");
    struct vmtp_tool_report r;
    struct vmtp_error e = {0};

    (void)state;
    assert_int_equal(vmtp_parse_nuttcp(out, false, 1024, &r, &e), VMTP_E_PARSE);
    assert_non_null(strstr(e.msg, "no rate_Mbps"));
    free(out);
    assert_int_equal(vmtp_parse_nuttcp("rate_Mbps=1 drop=1", true, 1, &r, &e),
                     VMTP_E_PARSE);
}

static void
test_iperf2_tcp_with_retrans_and_rtt(void **state)
{
    char *out = load("iperf-tcp.txt");
    struct vmtp_tool_report r;

    (void)state;
    assert_int_equal(vmtp_parse_iperf2(out, false, 65536, &r, NULL), VMTP_OK);
    assert_float_equal(r.rx_bps, 5643063e3, 1.0);
    assert_int_equal(r.retrans, 100);
    assert_float_equal(r.rtt_ms, 0.215, 1e-9);
    assert_float_equal(r.seconds, 2.0259, 1e-9);
    free(out);
    out = load("iperf-tcp-reverse.txt");
    assert_int_equal(vmtp_parse_iperf2(out, false, 65536, &r, NULL), VMTP_OK);
    assert_float_equal(r.rx_bps, 6210478e3, 1.0);
    free(out);
    out = load("iperf-tcp6.txt");
    assert_int_equal(vmtp_parse_iperf2(out, false, 65536, &r, NULL), VMTP_OK);
    assert_float_equal(r.rx_bps, 5052628e3, 1.0);
    free(out);
}

static void
test_iperf2_udp_server_report(void **state)
{
    char *out = load("iperf-udp-loss.txt");
    struct vmtp_tool_report r;

    (void)state;
    assert_int_equal(vmtp_parse_iperf2(out, true, 128, &r, NULL), VMTP_OK);
    /* 74809 Kbits/sec   0.880 ms 44320/118354 (37%) over 1.0134 s */
    assert_float_equal(r.rx_bps, 74809e3, 1.0);
    assert_float_equal(r.tx_bps, 121191e3, 1.0);
    assert_float_equal(r.jitter_ms, 0.880, 1e-9);
    assert_int_equal(r.lost_packets, 44320);
    assert_int_equal(r.tx_packets, 118354);
    assert_float_equal(r.loss_pct, 44320.0 * 100 / 118354, 1e-9);
    assert_float_equal(r.rx_pps, (118354.0 - 44320) / 1.0134, 1e-6);
    free(out);
    out = load("iperf-udp6.txt");
    assert_int_equal(vmtp_parse_iperf2(out, true, 1024, &r, NULL), VMTP_OK);
    assert_int_equal(r.lost_packets, 0);
    free(out);
}

static void
test_iperf2_failures(void **state)
{
    char *out = load("iperf-noserver.txt");
    struct vmtp_tool_report r;
    struct vmtp_error e = {0};

    (void)state;
    assert_int_equal(vmtp_parse_iperf2(out, false, 1024, &r, &e),
                     VMTP_E_MEASURE);
    assert_non_null(strstr(e.msg, "No route to host"));
    free(out);
    /* a UDP run whose server never answered: the client line only */
    assert_int_equal(vmtp_parse_iperf2("[  1] 0.0000-1.0000 sec  12501 KBytes"
                                       "  102406 Kbits/sec  12500/0\n"
                                       "[  1] Sent 12502 datagrams\n",
                                       true, 1024, &r, &e),
                     VMTP_E_MEASURE);
    assert_non_null(strstr(e.msg, "no server report"));
    /* captured: iperf 2.1.8 UDP client, every datagram dropped (nftables)
     * at the server: the sender's figures, then no report */
    out = load("iperf-udp-dropped.txt");
    assert_int_equal(vmtp_parse_iperf2(out, true, 1024, &r, &e),
                     VMTP_E_MEASURE);
    assert_non_null(strstr(e.msg, "no server report"));
    assert_float_equal(r.tx_bps, 10015e3, 1);
    free(out);
}

static void
test_iperf3_json(void **state)
{
    char *out = load("iperf3-udp-loss.json");
    struct vmtp_tool_report r;
    struct vmtp_error e = {0};

    (void)state;
    assert_int_equal(vmtp_parse_iperf3(out, true, false, &r, NULL), VMTP_OK);
    assert_true(r.loss_pct > 20 && r.loss_pct < 30);
    assert_true(r.rx_bps > 0 && r.rx_bps < r.tx_bps);
    assert_true(r.jitter_ms >= 0);
    free(out);
    out = load("iperf3-tcp.json");
    assert_int_equal(vmtp_parse_iperf3(out, false, false, &r, NULL), VMTP_OK);
    assert_float_equal(r.rx_bps, 6689742718.158125, 1e-3);
    assert_int_equal(r.retrans, 1127);
    assert_float_equal(r.rtt_ms, 0.477, 1e-9);
    free(out);
    out = load("iperf3-noserver.json");
    assert_int_equal(vmtp_parse_iperf3(out, false, false, &r, &e),
                     VMTP_E_MEASURE);
    assert_non_null(strstr(e.msg, "unable to connect"));
    free(out);
    assert_int_equal(vmtp_parse_iperf3("not json", true, false, &r, &e),
                     VMTP_E_PARSE);
}

static void
test_versions(void **state)
{
    char v[64];

    (void)state;
    assert_int_equal(vmtp_parse_tool_version("nuttcp", "nuttcp-6.1.2\n", v,
                                             sizeof(v), NULL),
                     VMTP_OK);
    assert_string_equal(v, "nuttcp-6.1.2");
    assert_int_equal(vmtp_parse_tool_version(
                             "iperf",
                             "iperf version 2.1.8 (12 August 2022) pthreads", v,
                             sizeof(v), NULL),
                     VMTP_OK);
    assert_string_equal(v, "iperf-2.1.8");
    assert_int_equal(vmtp_parse_tool_version("iperf3",
                                             "iperf 3.12 (cJSON 1.7.15)\n", v,
                                             sizeof(v), NULL),
                     VMTP_OK);
    assert_string_equal(v, "iperf3-3.12");
    assert_int_equal(
            vmtp_parse_tool_version("iperf3", "garbage", v, sizeof(v), NULL),
            VMTP_E_PARSE);
}

static void
test_agent_json(void **state)
{
    char *out = load("agent-tcp.json");
    struct vmtp_tool_report r;
    struct vmtp_error e = {0};
    char v[64];

    (void)state;
    assert_int_equal(vmtp_parse_agent(out, false, &r, NULL), VMTP_OK);
    assert_float_equal(r.rx_bps, 2738374019.0, 1e-3);
    assert_float_equal(r.tx_bps, 2751403799.0, 1e-3);
    assert_float_equal(r.rtt_ms, 1.115, 1e-9);
    assert_int_equal(r.retrans, 1);
    free(out);
    out = load("agent-udp-loss.json");
    assert_int_equal(vmtp_parse_agent(out, true, &r, NULL), VMTP_OK);
    assert_int_equal(r.tx_packets, 77760);
    assert_float_equal(r.loss_pct, 0, 0);
    assert_float_equal(r.jitter_ms, 0.07339, 1e-9);
    assert_float_equal(r.rx_pps, 77439.6, 1e-9);
    /* payload received over the sending time */
    assert_float_equal(r.rx_bps, 9953280.0 * 8 / 1.004138, 1e-3);
    free(out);
    out = load("agent-noserver.json");
    assert_int_equal(vmtp_parse_agent(out, false, &r, &e), VMTP_E_MEASURE);
    assert_non_null(strstr(e.msg, "cannot connect"));
    free(out);
    assert_int_equal(vmtp_parse_tool_version("vmtp",
                                             "vmtp-agent 0.1.0 (protocol 1)\n",
                                             v, sizeof(v), NULL),
                     VMTP_OK);
    assert_string_equal(v, "vmtp-agent-0.1.0");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_nuttcp_tcp_rate_is_si_not_1024),
            cmocka_unit_test(test_nuttcp_udp_loss_and_rates),
            cmocka_unit_test(test_nuttcp_multicast_and_ipv6),
            cmocka_unit_test(test_nuttcp_error_output_is_parse_error),
            cmocka_unit_test(test_iperf2_tcp_with_retrans_and_rtt),
            cmocka_unit_test(test_iperf2_udp_server_report),
            cmocka_unit_test(test_iperf2_failures),
            cmocka_unit_test(test_iperf3_json),
            cmocka_unit_test(test_versions),
            cmocka_unit_test(test_agent_json),
    };
    return cmocka_run_group_tests_name("tool_parse", tests, NULL, NULL);
}
