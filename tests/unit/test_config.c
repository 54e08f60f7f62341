/* \summary: unit tests for the configuration: defaults, merge, set, dump */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmtp/config.h>

#include "internal.h"
#include "vmtp_test.h"

static int
setup_cfg(void **state)
{
    struct vmtp_config *cfg = calloc(1, sizeof(*cfg));

    if (cfg == NULL || vmtp_config_init(cfg, NULL) != VMTP_OK) {
        free(cfg);
        return -1;
    }
    *state = cfg;
    return 0;
}

static int
teardown_cfg(void **state)
{
    vmtp_config_release(*state);
    free(*state);
    return 0;
}

static enum vmtp_status
merge(struct vmtp_config *cfg, const char *yaml, struct vmtp_error *err)
{
    return vmtp_config_merge_yaml(cfg, yaml, strlen(yaml), "test.yaml", err);
}

static void
test_config_defaults_match_original(void **state)
{
    const struct vmtp_config *c = *state;

    assert_string_equal(c->image_name, "Ubuntu Server 14.04");
    assert_string_equal(c->ssh_vm_username, "ubuntu");
    assert_string_equal(c->flavor_type, "vmtp");
    assert_int_equal(c->flavor.vcpus, 1);
    assert_int_equal(c->flavor.ram_mb, 2048);
    assert_int_equal(c->flavor.disk_gb, 0);
    assert_null(c->availability_zone);
    assert_int_equal(c->dns_nameservers.n, 1);
    assert_string_equal(c->dns_nameservers.v[0], "8.8.8.8");
    assert_string_equal(c->vm_image_url, "");
    assert_string_equal(c->router_name, "pns-router");
    assert_int_equal(c->internal_network_name.n, 2);
    assert_string_equal(c->internal_cidr.v[1], "192.168.2.0/24");
    assert_string_equal(c->internal_cidr_v6.v[0], "2001:45::/64");
    assert_string_equal(c->public_key_name, "pns_public_key");
    assert_string_equal(c->security_group_name, "pns-security");
    assert_int_equal(c->ping_count, 2);
    assert_int_equal(c->ping_pass_threshold, 80);
    assert_int_equal(c->ssh_retry_count, 50);
    assert_int_equal(c->generic_retry_count, 50);
    assert_int_equal(c->tcp_tp_loop_count, 3);
    assert_int_equal(c->tcp_pkt_sizes.n, 1);
    assert_int_equal(c->tcp_pkt_sizes.v[0], 65536);
    assert_int_equal(c->udp_pkt_sizes.n, 3);
    assert_int_equal(c->udp_pkt_sizes.v[2], 8192);
    assert_int_equal(c->icmp_pkt_sizes.v[1], 391);
    assert_int_equal(c->udp_loss_rate_range.v[0], 2);
    assert_int_equal(c->udp_loss_rate_range.v[1], 5);
    assert_int_equal(c->vm_bandwidth_kbps, 0);
    assert_string_equal(c->os_dataplane_network, "physnet1");
    assert_int_equal(c->vmtp_mongod_port, 27017);
    assert_string_equal(c->vmtp_db, "client_db");
    assert_string_equal(c->vmtp_collection, "pns_web_entry");
    assert_null(c->fluentd.logging_tag);
    assert_string_equal(c->fluentd.ip, "127.0.0.1");
    assert_int_equal(c->fluentd.port, 24224);
    assert_string_equal(c->protocols, "TUI");
    assert_string_equal(c->tp_tool, "nuttcp");
    assert_int_equal(c->time_s, 10);
    assert_int_equal(c->hosts.n, 0);
    assert_false(c->debug);
}

static void
test_config_dump_round_trips(void **state)
{
    struct vmtp_config *c = *state;
    struct vmtp_config back;
    char *text;

    assert_int_equal(merge(c,
                           "image_name: \"q\\\"uo\\\\te\\n\\ttab \xc3\xa9\"\n"
                           "flavor: {extra_specs: {'hw:cpu_policy': "
                           "dedicated, 'k': ''}}\n"
                           "availability_zone: 'nova'\n"
                           "hypervisors: ['nova:h1', 'h2']\n"
                           "vnic_type: direct\n"
                           "time: 33\n",
                           NULL),
                     VMTP_OK);
    text = vmtp_config_render(c);
    assert_non_null(text);
    assert_int_equal(vmtp_config_init(&back, NULL), VMTP_OK);
    assert_false(vmtp_config_equal(c, &back));
    assert_int_equal(
            vmtp_config_merge_yaml(&back, text, strlen(text), "dump", NULL),
            VMTP_OK);
    assert_true(vmtp_config_equal(c, &back));
    assert_string_equal(back.image_name, "q\"uo\\te\n\ttab \xc3\xa9");
    assert_int_equal(back.flavor.extra_specs.n, 2);
    assert_string_equal(back.flavor.extra_specs.vals[0], "dedicated");
    vmtp_config_release(&back);
    free(text);
}

static void
test_config_mappings_merge_lists_replace(void **state)
{
    struct vmtp_config *c = *state;

    assert_int_equal(merge(c,
                           "flavor:\n  ram: 1024\n"
                           "udp_pkt_sizes: [512]\n"
                           "fluentd: {port: 5000}\n",
                           NULL),
                     VMTP_OK);
    assert_int_equal(c->flavor.ram_mb, 1024);
    assert_int_equal(c->flavor.vcpus, 1);
    assert_int_equal(c->udp_pkt_sizes.n, 1);
    assert_int_equal(c->udp_pkt_sizes.v[0], 512);
    assert_int_equal(c->fluentd.port, 5000);
    assert_string_equal(c->fluentd.ip, "127.0.0.1");
    assert_int_equal(merge(c, "flavor: {extra_specs: {a: '1'}}\n", NULL),
                     VMTP_OK);
    assert_int_equal(merge(c, "flavor: {extra_specs: {b: '2'}}\n", NULL),
                     VMTP_OK);
    assert_int_equal(c->flavor.extra_specs.n, 2);
    assert_int_equal(merge(c, "availability_zone:\nvm_image_url: ~\n", NULL),
                     VMTP_OK);
    assert_null(c->vm_image_url);
}

static void
test_config_yaml_time_is_kept(void **state)
{
    struct vmtp_config *c = *state;

    /* The original always replaced time, debug, config_drive (§14.12). */
    assert_int_equal(
            merge(c, "time: 30\ndebug: true\nconfig_drive: yes\n", NULL),
            VMTP_OK);
    assert_int_equal(c->time_s, 30);
    assert_true(c->debug);
    assert_true(c->config_drive);
}

struct bad_case {
    const char *yaml;
    const char *expect; /* substring of the message */
};

static void
test_config_errors_name_file_line_key(void **state)
{
    static const struct bad_case cases[] = {
            {"image_name: x\ntimee: 3\n", "test.yaml:2: unknown key 'timee'"},
            {"flavor:\n  rams: 3\n", "test.yaml:2: unknown key 'flavor.rams'"},
            {"time: abc\n", "test.yaml:1: key 'time': not an integer"},
            {"time: 0\n", "key 'time': out of range"},
            {"time: 3601\n", "key 'time': out of range"},
            {"time: '5'\n", "key 'time': quoted value"},
            {"time: [1]\n", "key 'time'"},
            {"debug: maybe\n", "key 'debug': not a boolean"},
            {"udp_pkt_sizes: [128, 65508]\n", "key 'udp_pkt_sizes': item out"},
            {"tcp_pkt_sizes: []\n", "key 'tcp_pkt_sizes': too few items"},
            {"tcp_pkt_sizes: 5\n", "key 'tcp_pkt_sizes': not a list"},
            {"udp_loss_rate_range: [1, 2, 3]\n", "too many items"},
            {"flavor: 3\n", "key 'flavor': expected a mapping"},
            {"image_name: {a: b}\n", "key 'image_name': unexpected mapping"},
            {"tp_tool: netperf\n", "key 'tp_tool'"},
            {"protocols: TX\n", "key 'protocols'"},
            {"hosts: ['root@300.1.1.1']\n", "key 'hosts'"},
            {"hosts: [a@h1, b@h2, c@h3]\n", "key 'hosts': too many items"},
            {"multicast_addr: 198.18.0.1\n", "key 'multicast_addr'"},
            {"internal_cidr: ['198.18.0.0/99']\n", "key 'internal_cidr'"},
            {"dns_nameservers: [dns.example]\n", "key 'dns_nameservers'"},
            {"image_name: [unclosed\n", "test.yaml:2"},
            {"a: b: c\n", "malformed YAML"},
            {"", "empty YAML document"},
            {"# only a comment\n", "empty YAML document"},
            {"- a\n- b\n", "expected a mapping of keys"},
            {"time: 5\n---\ntime: 6\n", "more than one YAML document"},
            {"? [a, b]\n: c\n", "a key must be a plain string"},
            {"time: 5\nping_count: 3\ntime: 6\n",
             "test.yaml:3: duplicate key 'time' (first on line 1)"},
            {"flavor:\n  ram: 1\n  ram: 2\n",
             "test.yaml:3: duplicate key 'flavor.ram' (first on line 2)"},
    };
    struct vmtp_config *c = *state;
    struct vmtp_config before;

    assert_int_equal(vmtp_config_init(&before, NULL), VMTP_OK);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vmtp_error err;

        memset(&err, 0, sizeof(err));
        if (merge(c, cases[i].yaml, &err) == VMTP_OK) {
            fail_msg("accepted: %s", cases[i].yaml);
        }
        if (strstr(err.msg, cases[i].expect) == NULL) {
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].expect);
        }
        /* All or nothing: a failed merge changes nothing. */
        assert_true(vmtp_config_equal(c, &before));
    }
    vmtp_config_release(&before);
}

static void
test_config_failed_merge_is_atomic(void **state)
{
    struct vmtp_config *c = *state;

    assert_int_not_equal(
            merge(c, "time: 20\nflavor: {ram: 1}\nbogus: 1\n", NULL), VMTP_OK);
    assert_int_equal(c->time_s, 10);
    assert_int_equal(c->flavor.ram_mb, 2048);
}

static void
test_config_set_text_forms(void **state)
{
    struct vmtp_config *c = *state;
    struct vmtp_error err;

    memset(&err, 0, sizeof(err));
    assert_int_equal(vmtp_config_set_key(c, "time", "20", &err), VMTP_OK);
    assert_int_equal(c->time_s, 20);
    assert_int_equal(
            vmtp_config_set_key(c, "tcp_pkt_sizes", "8192,65536", &err),
            VMTP_OK);
    assert_int_equal(c->tcp_pkt_sizes.n, 2);
    assert_int_equal(vmtp_config_set_key(c, "tp_tool", "IPerf3", &err),
                     VMTP_OK);
    assert_string_equal(c->tp_tool, "iperf3");
    assert_int_equal(vmtp_config_set_key(c, "protocols", "iutt", &err),
                     VMTP_OK);
    assert_string_equal(c->protocols, "IUT");
    assert_int_equal(
            vmtp_config_set_key(c, "hosts+", "root@198.18.0.1:a,b", &err),
            VMTP_OK);
    assert_int_equal(
            vmtp_config_set_key(c, "hosts+", "root@[2001:db8::2]", &err),
            VMTP_OK);
    assert_int_equal(c->hosts.n, 2);
    assert_string_equal(c->hosts.v[0], "root@198.18.0.1:a,b");
    assert_int_equal(vmtp_config_set_key(c, "hosts+", "root@198.18.0.3", &err),
                     VMTP_E_INVAL);
    assert_int_equal(c->hosts.n, 2);
    assert_int_equal(vmtp_config_set_key(c, "hosts", NULL, &err), VMTP_OK);
    assert_int_equal(c->hosts.n, 0);
    assert_int_equal(vmtp_config_set_key(c, "flavor.extra_specs",
                                         "hw:cpu_policy=dedicated", &err),
                     VMTP_OK);
    assert_string_equal(c->flavor.extra_specs.keys[0], "hw:cpu_policy");
    assert_int_equal(vmtp_config_set_key(c, "flavor.ram", "512", &err),
                     VMTP_OK);
    assert_int_equal(c->flavor.ram_mb, 512);
    assert_int_equal(vmtp_config_set_key(c, "debug", "true", &err), VMTP_OK);
    assert_int_equal(vmtp_config_set_key(c, "vnic_type", NULL, &err), VMTP_OK);
    assert_null(c->vnic_type);
    assert_int_equal(vmtp_config_set_key(c, "nope", "1", &err), VMTP_E_INVAL);
    assert_non_null(strstr(err.msg, "unknown key 'nope'"));
    assert_int_equal(vmtp_config_set_key(c, "time+", "1", &err), VMTP_E_INVAL);
    assert_int_equal(vmtp_config_set_key(c, "time", "-3", &err), VMTP_E_INVAL);
    assert_int_equal(vmtp_config_set_key(c, "udp_pkt_sizes", "65508", &err),
                     VMTP_E_INVAL);
    assert_int_equal(c->udp_pkt_sizes.n, 3);
}

static void
test_config_dump_hides_passwords(void **state)
{
    struct vmtp_config *c = *state;
    char *text;

    assert_int_equal(vmtp_config_set_key(c, "hosts+",
                                         "root@198.18.0.1:S3cr3t:eth1", NULL),
                     VMTP_OK);
    assert_int_equal(vmtp_config_set_key(c, "ext_host",
                                         "root@[2001:db8::9]:S3cr3t", NULL),
                     VMTP_OK);
    text = vmtp_config_render(c);
    assert_non_null(text);
    assert_null(strstr(text, "S3cr3t"));
    assert_non_null(strstr(text, "\"root@198.18.0.1::eth1\""));
    assert_non_null(strstr(text, "\"root@[2001:db8::9]\""));
    free(text);
}

static void
test_config_ctx_api(void **state)
{
    struct vmtp_ctx *ctx = vmtp_ctx_new();
    char path[] = "/tmp/vt-cli-cfgXXXXXX";
    int fd = mkstemp(path);
    FILE *f;
    char *v;

    (void)state;
    assert_non_null(ctx);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    assert_true(fputs("time: 42\nflavor:\n  vcpus: 2\n", f) >= 0);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(vmtp_config_load_file(ctx, path), VMTP_OK);
    assert_int_equal(vmtp_ctx_config(ctx)->time_s, 42);
    v = vmtp_config_get(ctx, "flavor.vcpus");
    assert_string_equal(v, "2");
    free(v);
    v = vmtp_config_get(ctx, "hosts");
    assert_string_equal(v, "[]");
    free(v);
    assert_null(vmtp_config_get(ctx, "nokey"));
    assert_int_equal(unlink(path), 0);
    assert_int_not_equal(vmtp_config_load_file(ctx, path), VMTP_OK);
    assert_non_null(strstr(vmtp_ctx_error(ctx)->msg, path));
    assert_non_null(strstr(vmtp_config_default_yaml(), "image_name:"));
    assert_int_equal(vmtp_config_load_yaml(ctx, "bad: 1", 6, "inline"),
                     VMTP_E_INVAL);
    assert_non_null(strstr(vmtp_ctx_error(ctx)->msg, "inline:1"));
    vmtp_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_config_defaults_match_original,
                                            setup_cfg, teardown_cfg),
            cmocka_unit_test_setup_teardown(test_config_dump_round_trips,
                                            setup_cfg, teardown_cfg),
            cmocka_unit_test_setup_teardown(
                    test_config_mappings_merge_lists_replace, setup_cfg,
                    teardown_cfg),
            cmocka_unit_test_setup_teardown(test_config_yaml_time_is_kept,
                                            setup_cfg, teardown_cfg),
            cmocka_unit_test_setup_teardown(
                    test_config_errors_name_file_line_key, setup_cfg,
                    teardown_cfg),
            cmocka_unit_test_setup_teardown(test_config_failed_merge_is_atomic,
                                            setup_cfg, teardown_cfg),
            cmocka_unit_test_setup_teardown(test_config_set_text_forms,
                                            setup_cfg, teardown_cfg),
            cmocka_unit_test_setup_teardown(test_config_dump_hides_passwords,
                                            setup_cfg, teardown_cfg),
            cmocka_unit_test(test_config_ctx_api),
    };

    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
