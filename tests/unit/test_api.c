/* \summary: unit tests of the public API contract: only <vmtp/vmtp.h> */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <vmtp/vmtp.h>

#include "vmtp_test.h"

static int
setup_ctx(void **state)
{
    struct vmtp_ctx *ctx = vmtp_ctx_new();

    if (ctx == NULL) {
        return -1;
    }
    *state = ctx;
    return 0;
}

static int
teardown_ctx(void **state)
{
    vmtp_ctx_free(*state);
    *state = NULL;
    return 0;
}

static void
assert_key(struct vmtp_ctx *ctx, const char *key, const char *expect)
{
    char *v = vmtp_config_get(ctx, key);

    assert_non_null(v);
    assert_string_equal(v, expect);
    free(v);
}

/*
 * Every command-line option that is a configuration setting has a route
 * through vmtp_config_set(): the keys the vmtp CLI sets, in its spelling.
 */
static void
test_api_config_set_covers_cli_keys(void **state)
{
    struct vmtp_ctx *ctx = *state;
    static const char *const kv[][2] = {
            {"time", "3"},
            {"hosts+", "root@198.18.0.11"},
            {"ext_host", "root@198.18.0.12"},
            {"controller_node", "root@198.18.0.13"},
            {"json_file", "/tmp/vt-api-unit.json"},
            {"tp_tool", "iperf3"},
            {"availability_zone", "nova"},
            {"hypervisors+", "nova:node1"},
            {"inter_node_only", "true"},
            {"same_network_only", "true"},
            {"protocols", "TI"},
            {"vm_bandwidth", "32000"}, /* kbit/s: --bandwidth 32M */
            {"tcp_pkt_sizes", "65536,8192"},
            {"udp_pkt_sizes", "128,2048"},
            {"reuse_network_name", "net1"},
            {"os_dataplane_network", "dp"},
            {"delete_image_after_run", "true"},
            {"vnic_type", "direct"},
            {"debug", "true"},
            {"stop_on_error", "true"},
            {"vm_image_url", "file:///tmp/vt-api.qcow2"},
            {"test_description", "api test"},
            {"multicast_addr", "231.1.1.1"},
            {"icmp_pkt_sizes", "64,1500"},
            {"no_dhcp", "true"},
            {"no_floatingip", "true"},
            {"config_drive", "true"},
            {"keep_first_flow_and_exit", "true"},
            {"log_file", "/tmp/vt-api-unit.log"},
            {"insecure", "true"},
            {"accept_unknown_host_keys", "true"},
            {"gmond_svr_ip", "198.18.0.20"},
            {"gmond_svr_port", "8650"},
            {"vmtp_mongod_ip", "198.18.0.21"},
            {"vmtp_mongod_port", "27018"},
            {"private_key_file", "/tmp/vt-api-key"},
            {"known_hosts_file", "/tmp/vt-api-known"},
    };

    for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
        enum vmtp_status st = vmtp_config_set(ctx, kv[i][0], kv[i][1]);

        if (st != VMTP_OK) {
            fail_msg("%s=%s: %s", kv[i][0], kv[i][1], vmtp_ctx_error(ctx)->msg);
        }
    }
    assert_key(ctx, "time", "3");
    assert_key(ctx, "tcp_pkt_sizes", "[65536, 8192]");
    assert_key(ctx, "gmond_svr_port", "8650");
}

static void
test_api_config_set_rejects_unknown_key(void **state)
{
    struct vmtp_ctx *ctx = *state;

    assert_int_equal(vmtp_config_set(ctx, "no_such_key", "1"), VMTP_E_INVAL);
    assert_int_equal(vmtp_ctx_error(ctx)->code, VMTP_E_INVAL);
    assert_non_null(strstr(vmtp_ctx_error(ctx)->msg, "no_such_key"));
    assert_int_equal(vmtp_config_set(ctx, "time", "ten"), VMTP_E_INVAL);
    assert_key(ctx, "time", "10"); /* unchanged after a failed set */
}

static void
test_api_cleanup_accepts_run_ids(void **state)
{
    struct vmtp_ctx *ctx = *state;

    assert_int_equal(vmtp_run_set_cleanup(ctx, true, NULL), VMTP_OK);
    assert_int_equal(vmtp_run_set_cleanup(ctx, true, "a1b2c3d"), VMTP_OK);
    assert_int_equal(vmtp_run_set_cleanup(ctx, true, "run_ID-9"), VMTP_OK);
    assert_int_equal(vmtp_run_set_cleanup(ctx, false, NULL), VMTP_OK);
}

static void
test_api_cleanup_rejects_bad_run_ids(void **state)
{
    struct vmtp_ctx *ctx = *state;
    char longid[VMTP_RUN_ID_MAX + 2];

    memset(longid, 'a', sizeof(longid) - 1);
    longid[sizeof(longid) - 1] = '\0';
    assert_int_equal(vmtp_run_set_cleanup(ctx, true, ""), VMTP_E_INVAL);
    assert_int_equal(vmtp_run_set_cleanup(ctx, true, "a;rm -rf"), VMTP_E_INVAL);
    assert_int_equal(vmtp_run_set_cleanup(ctx, true, longid), VMTP_E_INVAL);
    assert_int_equal(vmtp_run_set_cleanup(ctx, false, "abc"), VMTP_E_INVAL);
    longid[VMTP_RUN_ID_MAX] = '\0'; /* exactly the maximum */
    assert_int_equal(vmtp_run_set_cleanup(ctx, true, longid), VMTP_OK);
}

static struct vmtp_ctx *volatile signal_ctx;

static void
on_usr1(int sig)
{
    (void)sig;
    vmtp_ctx_cancel(signal_ctx);
}

static void
test_api_cancel_from_signal_handler(void **state)
{
    struct vmtp_ctx *ctx = *state;
    struct sigaction sa;
    struct sigaction old;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    assert_int_equal(sigemptyset(&sa.sa_mask), 0);
    assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
    signal_ctx = ctx;
    assert_false(vmtp_ctx_cancelled(ctx));
    assert_int_equal(raise(SIGUSR1), 0);
    assert_true(vmtp_ctx_cancelled(ctx));
    signal_ctx = NULL;
    assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
}

static void *
cancel_thread(void *arg)
{
    vmtp_ctx_cancel(arg);
    return NULL;
}

static void
test_api_cancel_from_thread(void **state)
{
    struct vmtp_ctx *ctx = *state;
    pthread_t t;

    assert_false(vmtp_ctx_cancelled(ctx));
    assert_int_equal(pthread_create(&t, NULL, cancel_thread, ctx), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_true(vmtp_ctx_cancelled(ctx));
}

/* No run yet: no results; the run is refused without hosts or cloud. */
static void
test_api_run_without_targets_is_inval(void **state)
{
    struct vmtp_ctx *ctx = *state;

    assert_int_equal(vmtp_run(ctx), VMTP_E_INVAL);
    assert_int_equal(vmtp_ctx_error(ctx)->code, VMTP_E_INVAL);
    assert_true(vmtp_ctx_error(ctx)->msg[0] != '\0');
}

static void
test_api_results_json_round_trip(void **state)
{
    struct vmtp_results *doc = vmtp_results_new();
    struct vmtp_results *back = NULL;
    struct vmtp_error err;
    char *json = NULL;

    (void)state;
    assert_non_null(doc);
    assert_int_equal(vmtp_results_set(doc, "test_description", "<api>"),
                     VMTP_OK);
    assert_int_equal(vmtp_results_to_json(doc, &json, &err), VMTP_OK);
    assert_int_equal(vmtp_results_load_json(json, strlen(json), &back, &err),
                     VMTP_OK);
    assert_string_equal(vmtp_results_get(back, "test_description"), "<api>");
    assert_int_equal(vmtp_results_flow_count(back), 0);
    assert_null(vmtp_results_flow_get(back, 3, "desc"));
    assert_true(vmtp_results_result_throughput_kbps(back, 3, 0) !=
                vmtp_results_result_throughput_kbps(back, 3, 0)); /* NAN */
    vmtp_results_free(back);
    back = NULL;
    assert_int_equal(vmtp_results_load_json("{", 1, &back, &err), VMTP_E_PARSE);
    assert_null(back);
    free(json);
    vmtp_results_free(doc);
}

static void
test_api_strerror_is_total(void **state)
{
    (void)state;
    for (int c = VMTP_OK; c <= VMTP_E_MEASURE + 5; c++) {
        assert_non_null(vmtp_strerror((enum vmtp_status)c));
    }
    assert_non_null(vmtp_version());
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_api_config_set_covers_cli_keys,
                                            setup_ctx, teardown_ctx),
            cmocka_unit_test_setup_teardown(
                    test_api_config_set_rejects_unknown_key, setup_ctx,
                    teardown_ctx),
            cmocka_unit_test_setup_teardown(test_api_cleanup_accepts_run_ids,
                                            setup_ctx, teardown_ctx),
            cmocka_unit_test_setup_teardown(
                    test_api_cleanup_rejects_bad_run_ids, setup_ctx,
                    teardown_ctx),
            cmocka_unit_test_setup_teardown(test_api_cancel_from_signal_handler,
                                            setup_ctx, teardown_ctx),
            cmocka_unit_test_setup_teardown(test_api_cancel_from_thread,
                                            setup_ctx, teardown_ctx),
            cmocka_unit_test_setup_teardown(
                    test_api_run_without_targets_is_inval, setup_ctx,
                    teardown_ctx),
            cmocka_unit_test(test_api_results_json_round_trip),
            cmocka_unit_test(test_api_strerror_is_total),
    };

    return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
