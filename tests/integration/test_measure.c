/* \summary: integration: measure.c through real tools between namespaces */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec_local.h"
#include "measure.h"
#include "result.h"
#include "tool.h"
#include "vmtp_test.h"
#include "vx_time.h"

/*
 * Run by measure_netns.sh / measure_shaped.sh, which create the namespaces
 * and pass them in the environment:
 *   VT_CLIENT_NS, VT_SERVER_NS     namespace names
 *   VT_SERVER4, VT_SERVER6         server addresses (v6 may be unset)
 *   VT_CLIENT4                     client address (reverse UDP)
 *   VT_RATE_BPS                    shaped rate (shaped mode)
 *   VT_TOOLS                       tools to test, e.g. "nuttcp iperf iperf3"
 *   VT_AGENT_BIN                   vmtp-agent binary for the "vmtp" tool
 * argv[1] selects the scenario: plain, shaped, dropudp.
 */

/* The shaped scenario measures UDP (shaped_udp) instead of TCP. */
static bool shaped_udp;

static const char *
env(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? v : NULL;
}

struct pair {
    struct vmtp_executor *c;
    struct vmtp_executor *s;
};

static void
pair_open(struct pair *p)
{
    struct vmtp_exec_local_opts oc = {.netns = env("VT_CLIENT_NS")};
    struct vmtp_exec_local_opts os = {.netns = env("VT_SERVER_NS")};

    assert_non_null(oc.netns);
    assert_non_null(os.netns);
    assert_int_equal(vmtp_exec_local_new(&oc, &p->c, NULL), VMTP_OK);
    assert_int_equal(vmtp_exec_local_new(&os, &p->s, NULL), VMTP_OK);
}

static void
pair_close(struct pair *p)
{
    p->c->ops->kill_all(p->c);
    p->s->ops->kill_all(p->s);
    p->c->ops->free(p->c);
    p->s->ops->free(p->s);
}

/* Release what vmtp_measure_flow() appended to a stack flow. */
static void
flow_free(struct vmtp_flow *f)
{
    for (size_t i = 0; i < f->n_results; i++) {
        vmtp_result_release(&f->results[i]);
    }
    free(f->results);
    free(f->error);
    memset(f, 0, sizeof(*f));
}

static bool
tool_wanted(const char *name)
{
    const char *tools = env("VT_TOOLS");
    char padded[256];
    char needle[64];

    if (tools == NULL) {
        tools = "nuttcp iperf iperf3";
    }
    (void)snprintf(padded, sizeof(padded), " %s ", tools);
    (void)snprintf(needle, sizeof(needle), " %s ", name);
    return strstr(padded, needle) != NULL;
}

static struct vmtp_tool *
make_tool(const char *name)
{
    struct vmtp_tool *t = NULL;
    struct vmtp_error e = {0};

    if (vmtp_tool_new(name, &t, &e) != VMTP_OK) {
        print_error("%s\n", e.msg);
        fail();
    }
    if (strcmp(name, "vmtp") == 0) {
        const char *bin = env("VT_AGENT_BIN");
        assert_non_null(bin);
        (void)snprintf(t->client_bin, sizeof(t->client_bin), "%s", bin);
        (void)snprintf(t->server_bin, sizeof(t->server_bin), "%s", bin);
    }
    return t;
}

static void
dump_flow(const char *label, const struct vmtp_flow *f)
{
    for (size_t i = 0; i < f->n_results; i++) {
        const struct vmtp_result *r = &f->results[i];
        print_message("%s: %s %s size=%ld%s kbps=%.0f loss=%.3f pps=%.0f "
                      "rtt=%.3f err=%s\n",
                      label, vmtp_proto_name(r->protocol),
                      r->tool != NULL ? r->tool : "-", r->pkt_size,
                      r->reverse ? " reverse" : "", r->throughput_kbps,
                      r->loss_rate, r->pkt_rate_pps, r->rtt_ms,
                      r->error != NULL ? r->error : "-");
        if (json_object_get(r->extra, "udp_search") != NULL) {
            char *j = json_dumps(json_object_get(r->extra, "udp_search"),
                                 JSON_COMPACT);
            print_message("  search: %s\n", j != NULL ? j : "?");
            free(j);
        }
        for (size_t k = 0; k < r->n_icmp; k++) {
            print_message("  icmp %ld: %ld/%ld avg=%.3f p99=%.3f err=%s\n",
                          r->icmp[k].packet_size, r->icmp[k].rx_packets,
                          r->icmp[k].tx_packets, r->icmp[k].rtt_avg_ms,
                          r->icmp[k].rtt_p99_ms,
                          r->icmp[k].error != NULL ? r->icmp[k].error : "-");
        }
    }
}

static const char *
expected_version_prefix(const char *tool)
{
    if (strcmp(tool, "nuttcp") == 0) {
        return "nuttcp-";
    }
    if (strcmp(tool, "iperf") == 0) {
        return "iperf-2.";
    }
    if (strcmp(tool, "iperf3") == 0) {
        return "iperf3-3.";
    }
    return "vmtp-agent-";
}

/* TCP, UDP and ICMP between the namespaces, IPv4 and IPv6, every tool. */
static void
one_tool_plain(const char *name, bool ipv6)
{
    struct pair p;
    struct vmtp_tool *t;
    struct vmtp_measure_settings s;
    struct vmtp_measure_peer peer;
    struct vmtp_flow flow;
    struct vmtp_error e = {0};
    const long tcp_sizes[] = {65536};
    const long udp_sizes[] = {1024};
    const long icmp_sizes[] = {64, 1500};
    size_t n_tcp = 0;
    size_t n_udp = 0;
    size_t n_icmp = 0;
    enum vmtp_status rc;

    if (!tool_wanted(name) || (ipv6 && env("VT_SERVER6") == NULL)) {
        return;
    }
    pair_open(&p);
    t = make_tool(name);
    vmtp_measure_settings_init(&s);
    s.tcp_sizes = tcp_sizes;
    s.n_tcp_sizes = 1;
    s.tcp_loop_count = 2;
    s.udp_sizes = udp_sizes;
    s.n_udp_sizes = 1;
    s.icmp_sizes = icmp_sizes;
    s.n_icmp_sizes = 2;
    s.ping_count = 5;
    s.time_s = 1;
    s.ipv6 = ipv6;
    /* IPv6: a fixed rate; IPv4: the search, with tight caps */
    s.bandwidth_bps = ipv6 ? 50e6 : 0;
    s.search.max_total_s = 8;
    s.search.max_trials = 8;
    s.search.confirm_s = 1;
    peer = (struct vmtp_measure_peer){
            .server_ex = p.s,
            .client_ex = p.c,
            .server_addr = env(ipv6 ? "VT_SERVER6" : "VT_SERVER4"),
    };
    memset(&flow, 0, sizeof(flow));
    rc = vmtp_measure_flow(&peer, t, &s, &flow, &e);
    dump_flow(name, &flow);
    if (rc != VMTP_OK) {
        print_error("%s: %s (flow error %s)\n", name, e.msg,
                    flow.error != NULL ? flow.error : "-");
    }
    assert_int_equal(rc, VMTP_OK);
    assert_null(flow.error);
    for (size_t i = 0; i < flow.n_results; i++) {
        const struct vmtp_result *r = &flow.results[i];
        assert_non_null(r->tool);
        assert_null(r->error);
        switch (r->protocol) {
        case VMTP_PROTO_TCP:
            n_tcp++;
            assert_true(strncmp(r->tool, expected_version_prefix(name),
                                strlen(expected_version_prefix(name))) == 0);
            assert_true(r->throughput_kbps > 1000);
            assert_int_equal(r->pkt_size, 65536);
            break;
        case VMTP_PROTO_UDP:
            n_udp++;
            assert_true(r->throughput_kbps > 100);
            assert_true(r->loss_rate >= 0 && r->loss_rate <= 100);
            assert_true(r->pkt_rate_pps > 0);
            if (ipv6) {
                /*
                 * 50 Mbit/s offered on a veth: never more. The receiver
                 * can lose a lot when other jobs starve it (iperf 2's
                 * server lost 42% here on a loaded machine), so only the
                 * upper bound is exact; accuracy is the shaped tests' job.
                 */
                assert_true(r->throughput_kbps <= 50000 * 1.05);
                assert_float_equal(r->bandwidth_limit_kbps, 50000, 1e-9);
            } else {
                assert_non_null(json_object_get(r->extra, "udp_search"));
            }
            break;
        case VMTP_PROTO_ICMP:
            n_icmp++;
            assert_string_equal(r->tool, "ping");
            assert_int_equal(r->n_icmp, 2);
            if (json_object_get(r->extra, "udp_search") != NULL) {
                char *j = json_dumps(json_object_get(r->extra, "udp_search"),
                                     JSON_COMPACT);
                print_message("  search: %s\n", j != NULL ? j : "?");
                free(j);
            }
            for (size_t k = 0; k < r->n_icmp; k++) {
                assert_null(r->icmp[k].error);
                assert_int_equal(r->icmp[k].tx_packets, 5);
                assert_int_equal(r->icmp[k].rx_packets, 5);
                assert_true(r->icmp[k].rtt_avg_ms > 0);
            }
            /* the original's order: ICMP entry last */
            assert_int_equal(i, flow.n_results - 1);
            break;
        case VMTP_PROTO_MULTICAST:
            fail();
        }
    }
    assert_int_equal(n_tcp, 2);
    assert_int_equal(n_udp, 1);
    assert_int_equal(n_icmp, 1);
    flow_free(&flow);
    vmtp_tool_free(t);
    pair_close(&p);
    /* no tool process may survive the flow */
}

static void
test_measure_plain_nuttcp(void **state)
{
    (void)state;
    one_tool_plain("nuttcp", false);
    one_tool_plain("nuttcp", true);
}

static void
test_measure_plain_iperf(void **state)
{
    (void)state;
    one_tool_plain("iperf", false);
    one_tool_plain("iperf", true);
}

static void
test_measure_plain_iperf3(void **state)
{
    (void)state;
    one_tool_plain("iperf3", false);
    one_tool_plain("iperf3", true);
}

static void
test_measure_plain_vmtp_agent(void **state)
{
    (void)state;
    if (env("VT_AGENT_BIN") == NULL) {
        skip();
    }
    one_tool_plain("vmtp", false);
    one_tool_plain("vmtp", true);
}

/*
 * Multicast (protocol letter M) at a fixed rate, and reverse UDP, with a
 * tool that has multicast: nuttcp (-m) and the built-in agent (-M).
 */
static void
multicast_and_reverse(const char *name)
{
    struct pair p;
    struct vmtp_tool *t;
    struct vmtp_measure_settings s;
    struct vmtp_measure_peer peer;
    struct vmtp_flow flow;
    struct vmtp_error e = {0};
    const long udp_sizes[] = {1024};
    size_t n_m = 0;
    size_t n_rev = 0;

    pair_open(&p);
    t = make_tool(name);
    vmtp_measure_settings_init(&s);
    s.tcp = false;
    s.icmp = false;
    s.udp = true;
    s.multicast = true;
    s.multicast_addr = "231.1.1.1";
    s.bidirectional = true;
    s.udp_sizes = udp_sizes;
    s.n_udp_sizes = 1;
    s.time_s = 1;
    s.bandwidth_bps = 20e6;
    peer = (struct vmtp_measure_peer){
            .server_ex = p.s,
            .client_ex = p.c,
            .server_addr = env("VT_SERVER4"),
            .client_addr = env("VT_CLIENT4"),
    };
    memset(&flow, 0, sizeof(flow));
    assert_int_equal(vmtp_measure_flow(&peer, t, &s, &flow, &e), VMTP_OK);
    print_message("%s multicast:\n", name);
    dump_flow(name, &flow);
    for (size_t i = 0; i < flow.n_results; i++) {
        const struct vmtp_result *r = &flow.results[i];
        assert_null(r->error);
        /* on an idle veth this is ~100%; other jobs on a 2-core machine
         * can starve the receiver, so only half is required */
        assert_true(r->throughput_kbps > 20000 * 0.5);
        assert_true(r->throughput_kbps < 20000 * 1.05);
        assert_float_equal(r->bandwidth_limit_kbps, 20000, 1e-9);
        n_m += r->protocol == VMTP_PROTO_MULTICAST;
        n_rev += r->reverse;
    }
    assert_int_equal(flow.n_results, 4); /* UDP, M, reverse UDP, reverse M */
    assert_int_equal(n_m, 2);
    assert_int_equal(n_rev, 2);
    flow_free(&flow);
    vmtp_tool_free(t);
    pair_close(&p);
}

static void
test_measure_multicast_and_reverse_nuttcp(void **state)
{
    (void)state;
    if (!tool_wanted("nuttcp")) {
        skip();
    }
    multicast_and_reverse("nuttcp");
}

static void
test_measure_multicast_and_reverse_vmtp_agent(void **state)
{
    (void)state;
    if (!tool_wanted("vmtp") || env("VT_AGENT_BIN") == NULL) {
        skip();
    }
    multicast_and_reverse("vmtp");
}

/* External-host style: TCP and UDP both ways, with every tool. */
static void
test_measure_bidirectional_every_tool(void **state)
{
    const char *tools[] = {"nuttcp", "iperf", "iperf3", "vmtp"};

    (void)state;
    for (size_t i = 0; i < 4; i++) {
        struct pair p;
        struct vmtp_tool *t;
        struct vmtp_measure_settings s;
        struct vmtp_measure_peer peer;
        struct vmtp_flow flow;
        struct vmtp_error e = {0};
        const long tcp_sizes[] = {65536};
        const long udp_sizes[] = {1024};
        size_t n_rev = 0;

        if (!tool_wanted(tools[i]) ||
            (strcmp(tools[i], "vmtp") == 0 && env("VT_AGENT_BIN") == NULL)) {
            continue;
        }
        pair_open(&p);
        t = make_tool(tools[i]);
        vmtp_measure_settings_init(&s);
        s.icmp = false;
        s.bidirectional = true;
        s.tcp_sizes = tcp_sizes;
        s.n_tcp_sizes = 1;
        s.tcp_loop_count = 1;
        s.udp_sizes = udp_sizes;
        s.n_udp_sizes = 1;
        s.time_s = 1;
        s.bandwidth_bps = 20e6;
        peer = (struct vmtp_measure_peer){
                .server_ex = p.s,
                .client_ex = p.c,
                .server_addr = env("VT_SERVER4"),
                .client_addr = env("VT_CLIENT4"),
        };
        memset(&flow, 0, sizeof(flow));
        assert_int_equal(vmtp_measure_flow(&peer, t, &s, &flow, &e), VMTP_OK);
        dump_flow(tools[i], &flow);
        assert_int_equal(flow.n_results, 4);
        for (size_t k = 0; k < flow.n_results; k++) {
            const struct vmtp_result *r = &flow.results[k];
            assert_null(r->error);
            /* 1-s runs: a pacer may start with a burst (iperf 2.1.8's
             * reverse TCP measured 115 % of -b on a loaded machine);
             * accuracy is measure_shaped's job, this test checks that
             * both directions work */
            assert_true(r->throughput_kbps > 20000 * 0.5);
            assert_true(r->throughput_kbps < 20000 * 1.3);
            n_rev += r->reverse;
        }
        assert_int_equal(n_rev, 2);
        flow_free(&flow);
        vmtp_tool_free(t);
        pair_close(&p);
    }
}

/* iperf3 cannot do multicast: a clear per-entry error, not a failure. */
static void
test_measure_multicast_unsupported_tool(void **state)
{
    struct pair p;
    struct vmtp_tool *t;
    struct vmtp_measure_settings s;
    struct vmtp_measure_peer peer;
    struct vmtp_flow flow;

    (void)state;
    if (!tool_wanted("iperf3")) {
        skip();
    }
    pair_open(&p);
    t = make_tool("iperf3");
    vmtp_measure_settings_init(&s);
    s.tcp = s.udp = s.icmp = false;
    s.multicast = true;
    s.multicast_addr = "231.1.1.1";
    peer = (struct vmtp_measure_peer){.server_ex = p.s,
                                      .client_ex = p.c,
                                      .server_addr = env("VT_SERVER4")};
    memset(&flow, 0, sizeof(flow));
    assert_int_equal(vmtp_measure_flow(&peer, t, &s, &flow, NULL), VMTP_OK);
    assert_int_equal(flow.n_results, 1);
    assert_int_equal(flow.results[0].protocol, VMTP_PROTO_MULTICAST);
    assert_non_null(strstr(flow.results[0].error, "multicast"));
    flow_free(&flow);
    vmtp_tool_free(t);
    pair_close(&p);
}

/* A missing tool is a flow error, with ping results kept. */
static void
test_measure_missing_tool_is_flow_error(void **state)
{
    struct pair p;
    struct vmtp_tool *t;
    struct vmtp_measure_settings s;
    struct vmtp_measure_peer peer;
    struct vmtp_flow flow;
    struct vmtp_error e = {0};
    const long icmp_sizes[] = {64};

    (void)state;
    pair_open(&p);
    t = make_tool("nuttcp");
    (void)snprintf(t->client_bin, sizeof(t->client_bin),
                   "/nonexistent/vt-drv-nuttcp");
    vmtp_measure_settings_init(&s);
    s.icmp_sizes = icmp_sizes;
    s.n_icmp_sizes = 1;
    s.ping_count = 2;
    peer = (struct vmtp_measure_peer){.server_ex = p.s,
                                      .client_ex = p.c,
                                      .server_addr = env("VT_SERVER4")};
    memset(&flow, 0, sizeof(flow));
    assert_int_equal(vmtp_measure_flow(&peer, t, &s, &flow, &e),
                     VMTP_E_MEASURE);
    assert_non_null(flow.error);
    assert_non_null(strstr(flow.error, "vt-drv-nuttcp"));
    assert_int_equal(flow.n_results, 1);
    assert_int_equal(flow.results[0].protocol, VMTP_PROTO_ICMP);
    flow_free(&flow);
    vmtp_tool_free(t);
    pair_close(&p);
}

/*
 * A cancel flag raised while a flow runs: the executors stop the running
 * trial, the flow returns VMTP_E_CANCELLED, and nothing is left running.
 */
struct canceller {
    atomic_int *flag;
    unsigned delay_ms;
};

static void *
cancel_later(void *arg)
{
    struct canceller *c = arg;

    (void)usleep(c->delay_ms * 1000u);
    atomic_store(c->flag, 1);
    return NULL;
}

static void
test_measure_cancel_stops_the_flow(void **state)
{
    atomic_int cancel = 0;
    struct vmtp_exec_local_opts oc = {.netns = env("VT_CLIENT_NS"),
                                      .cancel = &cancel};
    struct vmtp_exec_local_opts os = {.netns = env("VT_SERVER_NS"),
                                      .cancel = &cancel};
    struct pair p;
    struct vmtp_tool *t;
    struct vmtp_measure_settings s;
    struct vmtp_measure_peer peer;
    struct vmtp_flow flow;
    struct vmtp_error e = {0};
    struct canceller c = {.flag = &cancel, .delay_ms = 1500};
    pthread_t th;
    char cmd[256];
    FILE *f;
    int left = -1;

    (void)state;
    if (!tool_wanted("nuttcp")) {
        skip();
    }
    assert_int_equal(vmtp_exec_local_new(&oc, &p.c, NULL), VMTP_OK);
    assert_int_equal(vmtp_exec_local_new(&os, &p.s, NULL), VMTP_OK);
    t = make_tool("nuttcp");
    vmtp_measure_settings_init(&s);
    s.icmp = false;
    s.udp = false;
    s.time_s = 30; /* would take 90 s without the cancel */
    s.cancel = &cancel;
    peer = (struct vmtp_measure_peer){.server_ex = p.s,
                                      .client_ex = p.c,
                                      .server_addr = env("VT_SERVER4")};
    memset(&flow, 0, sizeof(flow));
    assert_int_equal(pthread_create(&th, NULL, cancel_later, &c), 0);
    assert_int_equal(vmtp_measure_flow(&peer, t, &s, &flow, &e),
                     VMTP_E_CANCELLED);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(flow.n_results, 1);
    assert_non_null(flow.results[0].error);
    /* no nuttcp left in either namespace */
    (void)snprintf(cmd, sizeof(cmd),
                   "{ ip netns pids %s; ip netns pids %s; } | wc -l",
                   env("VT_CLIENT_NS"), env("VT_SERVER_NS"));
    f = popen(cmd, "r");
    assert_non_null(f);
    assert_int_equal(fscanf(f, "%d", &left), 1);
    assert_int_not_equal(pclose(f), -1);
    assert_int_equal(left, 0);
    /* a flow started after the cancel does nothing */
    assert_int_equal(vmtp_measure_flow(&peer, t, &s, &flow, &e),
                     VMTP_E_CANCELLED);
    assert_int_equal(flow.n_results, 1);
    flow_free(&flow);
    vmtp_tool_free(t);
    pair_close(&p);
}

/* With the router shaping to R: TCP and the UDP search against goodput. */
static void
shaped_tool(const char *name, bool udp)
{
    struct pair p;
    struct vmtp_tool *t;
    struct vmtp_measure_settings s;
    struct vmtp_measure_peer peer;
    struct vmtp_flow flow;
    struct vmtp_error e = {0};
    const long tcp_sizes[] = {65536};
    const long udp_sizes[] = {1024};
    const char *rate_s = env("VT_RATE_BPS");
    double rate = rate_s != NULL ? strtod(rate_s, NULL) : 0;
    double tcp_truth = rate * 1448.0 / 1514.0; /* lab-facts.md */
    double udp_truth = rate * 1024.0 / 1066.0;
    enum vmtp_status rc;

    if (!tool_wanted(name)) {
        return;
    }
    assert_true(rate > 0);
    pair_open(&p);
    t = make_tool(name);
    vmtp_measure_settings_init(&s);
    s.icmp = false;
    s.tcp = !udp;
    s.udp = udp;
    s.tcp_sizes = tcp_sizes;
    s.n_tcp_sizes = 1;
    /*
     * The best of 3 TCP runs: other jobs on the machine can only make a
     * run slower than the link, never faster.
     */
    s.tcp_loop_count = 3;
    s.udp_sizes = udp_sizes;
    s.n_udp_sizes = 1;
    s.time_s = 3;
    s.search.max_total_s = 20;
    s.search.max_trials = 12;
    peer = (struct vmtp_measure_peer){.server_ex = p.s,
                                      .client_ex = p.c,
                                      .server_addr = env("VT_SERVER4")};
    memset(&flow, 0, sizeof(flow));
    rc = vmtp_measure_flow(&peer, t, &s, &flow, &e);
    dump_flow(name, &flow);
    assert_int_equal(rc, VMTP_OK);
    assert_int_equal(flow.n_results, udp ? 1 : 3);
    if (!udp) {
        double best = 0;
        for (size_t i = 0; i < flow.n_results; i++) {
            assert_null(flow.results[i].error);
            if (flow.results[i].throughput_kbps * 1000 > best) {
                best = flow.results[i].throughput_kbps * 1000;
            }
        }
        print_message("%s: TCP %.1f%% of the TCP goodput\n", name,
                      best / tcp_truth * 100);
        assert_true(fabs(best - tcp_truth) <= 0.05 * tcp_truth);
    } else {
        json_t *sr = json_object_get(flow.results[0].extra, "udp_search");
        assert_null(flow.results[0].error);
        print_message("%s: UDP %.1f%% of the UDP goodput\n", name,
                      flow.results[0].throughput_kbps * 1000 / udp_truth * 100);
        /*
         * iperf 2.1.8 paces UDP in bursts when it is short of CPU (it
         * catches up after each scheduling delay), and a shaper with a
         * 20 ms queue drops the bursts: on a loaded 2-core machine it
         * loses 5-10% well below the link rate, and its knee was measured
         * anywhere from 68% to 100% of the goodput (the trials in the log
         * show it). The search reports that truth; for iperf 2 the test
         * checks that it ran within its caps and never exceeds the link.
         * The others must be within 5%.
         */
        if (strcmp(name, "iperf") == 0) {
            assert_true(flow.results[0].throughput_kbps > 0);
            assert_true(flow.results[0].throughput_kbps * 1000 <=
                        1.05 * udp_truth);
        } else {
            assert_true(fabs(flow.results[0].throughput_kbps * 1000 -
                             udp_truth) <= 0.05 * udp_truth);
        }
        assert_non_null(sr);
        assert_true(json_integer_value(json_object_get(sr, "total_s")) <=
                    s.search.max_total_s);
    }
    flow_free(&flow);
    vmtp_tool_free(t);
    pair_close(&p);
}

static void
test_measure_shaped_nuttcp(void **state)
{
    (void)state;
    shaped_tool("nuttcp", shaped_udp);
}

static void
test_measure_shaped_iperf(void **state)
{
    (void)state;
    shaped_tool("iperf", shaped_udp);
}

static void
test_measure_shaped_iperf3(void **state)
{
    (void)state;
    shaped_tool("iperf3", shaped_udp);
}

static void
test_measure_shaped_vmtp_agent(void **state)
{
    (void)state;
    if (env("VT_AGENT_BIN") == NULL) {
        skip();
    }
    shaped_tool("vmtp", shaped_udp);
}

/*
 * Every UDP datagram dropped: the search ends at once with 0 and says so,
 * with every driver. The wall time is printed (no timing assertion: the
 * machine is shared); "at once" is asserted as two trials.
 */
static void
test_measure_udp_dropped_ends_with_zero(void **state)
{
    const char *tools[] = {"nuttcp", "iperf", "iperf3", "vmtp"};

    (void)state;
    for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
        struct pair p;
        struct vmtp_tool *t;
        struct vmtp_measure_settings s;
        struct vmtp_measure_peer peer;
        struct vmtp_flow flow;
        const long udp_sizes[] = {1024};
        json_t *sr;
        uint64_t t0_us;

        if (!tool_wanted(tools[i]) ||
            (strcmp(tools[i], "vmtp") == 0 && env("VT_AGENT_BIN") == NULL)) {
            continue;
        }
        pair_open(&p);
        t = make_tool(tools[i]);
        vmtp_measure_settings_init(&s);
        s.tcp = s.icmp = false;
        s.udp_sizes = udp_sizes;
        s.n_udp_sizes = 1;
        peer = (struct vmtp_measure_peer){.server_ex = p.s,
                                          .client_ex = p.c,
                                          .server_addr = env("VT_SERVER4")};
        memset(&flow, 0, sizeof(flow));
        t0_us = vx_now_us();
        assert_int_equal(vmtp_measure_flow(&peer, t, &s, &flow, NULL), VMTP_OK);
        print_message("%s: all UDP dropped: flow took %.1f s\n", tools[i],
                      (double)(vx_now_us() - t0_us) / 1e6);
        dump_flow(tools[i], &flow);
        assert_int_equal(flow.n_results, 1);
        assert_float_equal(flow.results[0].throughput_kbps, 0, 0);
        assert_non_null(flow.results[0].error);
        assert_non_null(strstr(flow.results[0].error, "drops UDP"));
        sr = json_object_get(flow.results[0].extra, "udp_search");
        assert_non_null(sr);
        assert_int_equal(json_array_size(json_object_get(sr, "trials")), 2);
        flow_free(&flow);
        vmtp_tool_free(t);
        pair_close(&p);
    }
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest plain[] = {
            cmocka_unit_test(test_measure_plain_nuttcp),
            cmocka_unit_test(test_measure_plain_iperf),
            cmocka_unit_test(test_measure_plain_iperf3),
            cmocka_unit_test(test_measure_plain_vmtp_agent),
            cmocka_unit_test(test_measure_multicast_and_reverse_nuttcp),
            cmocka_unit_test(test_measure_multicast_and_reverse_vmtp_agent),
            cmocka_unit_test(test_measure_multicast_unsupported_tool),
            cmocka_unit_test(test_measure_bidirectional_every_tool),
            cmocka_unit_test(test_measure_missing_tool_is_flow_error),
            cmocka_unit_test(test_measure_cancel_stops_the_flow),
    };
    const struct CMUnitTest shaped[] = {
            cmocka_unit_test(test_measure_shaped_nuttcp),
            cmocka_unit_test(test_measure_shaped_iperf),
            cmocka_unit_test(test_measure_shaped_iperf3),
            cmocka_unit_test(test_measure_shaped_vmtp_agent),
    };
    const struct CMUnitTest dropudp[] = {
            cmocka_unit_test(test_measure_udp_dropped_ends_with_zero),
    };
    const char *mode = argc > 1 ? argv[1] : "plain";

    shaped_udp = strcmp(mode, "shaped_udp") == 0;
    if (strcmp(mode, "shaped") == 0 || shaped_udp) {
        return cmocka_run_group_tests_name("measure_shaped", shaped, NULL,
                                           NULL);
    }
    if (strcmp(mode, "dropudp") == 0) {
        return cmocka_run_group_tests_name("measure_dropudp", dropudp, NULL,
                                           NULL);
    }
    return cmocka_run_group_tests_name("measure_plain", plain, NULL, NULL);
}
