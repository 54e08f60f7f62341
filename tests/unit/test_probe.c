/* \summary: unit tests for the remote-probe parsers, on captured fixtures */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_local.h"
#include "probe.h"
#include "test_data.h"
#include "vmtp_test.h"

/* Read tests/data/probe/<name> into a new string (free()). */
static char *
fixture(const char *name)
{
    char rel[256];

    (void)snprintf(rel, sizeof(rel), "tests/data/probe/%s", name);
    return vt_slurp(rel);
}

static void
expect_str(char *got, const char *want)
{
    if (want == NULL) {
        assert_null(got);
    } else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
    free(got);
}

static void
test_probe_ip_json_global_addresses(void **state)
{
    char *json = fixture("ip-addr-eth0.json");
    struct vmtp_host_addr a;
    struct vmtp_error err;

    (void)state;
    assert_int_equal(vmtp_probe_parse_ip_json(json, "eth0", &a, &err), VMTP_OK);
    assert_string_equal(a.ipv4, "198.18.0.11");
    assert_string_equal(a.ipv6, "2001:db8::b"); /* not the fe80:: one */
    free(json);
}

static void
test_probe_ip_json_host_scope_only_is_notfound(void **state)
{
    char *json = fixture("ip-addr-lo.json");
    struct vmtp_host_addr a;
    struct vmtp_error err;

    (void)state;
    assert_int_equal(vmtp_probe_parse_ip_json(json, "lo", &a, &err),
                     VMTP_E_NOTFOUND);
    assert_non_null(strstr(err.msg, "'lo'"));
    free(json);
}

static void
test_probe_ip_json_rejects_garbage(void **state)
{
    struct vmtp_host_addr a;
    struct vmtp_error err;

    (void)state;
    assert_int_equal(vmtp_probe_parse_ip_json("", "x", &a, &err), VMTP_E_PARSE);
    assert_int_equal(vmtp_probe_parse_ip_json("{}", "x", &a, &err),
                     VMTP_E_PARSE);
    assert_int_equal(
            vmtp_probe_parse_ip_json("[{\"addr_info\":3}]", "x", &a, &err),
            VMTP_E_PARSE);
    assert_int_equal(
            vmtp_probe_parse_ip_json("[{\"addr_info\":[{\"family\":\"inet\","
                                     "\"local\":\"999.1.1.1\",\"scope\":"
                                     "\"global\"}]}]",
                                     "x", &a, &err),
            VMTP_E_NOTFOUND);
}

static void
test_probe_ifname_validation(void **state)
{
    (void)state;
    assert_true(vmtp_probe_ifname_valid("eth0"));
    assert_true(vmtp_probe_ifname_valid("br-ex.100"));
    assert_true(vmtp_probe_ifname_valid("enp0s3"));
    assert_false(vmtp_probe_ifname_valid(""));
    assert_false(vmtp_probe_ifname_valid(NULL));
    assert_false(vmtp_probe_ifname_valid("eth0;touch /tmp/x"));
    assert_false(vmtp_probe_ifname_valid("$(id)"));
    assert_false(vmtp_probe_ifname_valid("a b"));
    assert_false(vmtp_probe_ifname_valid("sixteen-chars-xx"));
    assert_false(vmtp_probe_ifname_valid(".."));
}

static void
test_probe_os_release_by_key(void **state)
{
    char *t;

    (void)state;
    t = fixture("os-release-debian12");
    expect_str(vmtp_probe_parse_os_release(t), "Debian GNU/Linux 12");
    free(t);
    t = fixture("os-release-centos7");
    expect_str(vmtp_probe_parse_os_release(t), "CentOS Linux 7");
    free(t);
    /* PRETTY_NAME comes first there: it must not be taken for NAME. */
    t = fixture("os-release-ubuntu2204");
    expect_str(vmtp_probe_parse_os_release(t), "Ubuntu 22.04");
    free(t);
    t = fixture("os-release-noname");
    expect_str(vmtp_probe_parse_os_release(t), NULL);
    free(t);
    expect_str(vmtp_probe_parse_os_release("NAME=Alpine\n"), "Alpine");
    expect_str(vmtp_probe_parse_os_release(""), NULL);
}

static void
expect_distro(const char *text, const char *id, const char *version)
{
    char got_id[64];
    char got_version[64];

    vmtp_probe_parse_distro(text, got_id, sizeof(got_id), got_version,
                            sizeof(got_version));
    assert_string_equal(got_id, id);
    assert_string_equal(got_version, version);
}

/* A flow's distro_id and distro_version: ID= and VERSION_ID= exactly. */
static void
test_probe_distro_by_key(void **state)
{
    static const struct {
        const char *file;
        const char *id;
        const char *version;
    } cases[] = {
            /* VERSION_ID comes before ID: it must not be taken for ID */
            {"os-release-debian12", "debian", "12"},
            {"os-release-centos7", "centos", "7"},
            {"os-release-ubuntu2204", "ubuntu", "22.04"},
            {"os-release-noname", "linux", "Unknown"},
    };
    char small[4];
    char version[64];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *t = fixture(cases[i].file);

        expect_distro(t, cases[i].id, cases[i].version);
        free(t);
    }
    expect_distro("", "Unknown", "Unknown");
    expect_distro("ID=\nVERSION_ID=''\n", "Unknown", "Unknown");
    expect_distro("DISTRIB_ID=Ubuntu\nID=alpine\nID=other\n", "alpine",
                  "Unknown");
    /* truncated to the caller's buffer, still a C string */
    vmtp_probe_parse_distro("ID=opensuse-leap\n", small, sizeof(small), version,
                            sizeof(version));
    assert_string_equal(small, "ope");
}

/* The probe itself, through a real local executor on this machine. */
static void
test_probe_distro_here(void **state)
{
    struct vmtp_executor *ex = NULL;
    struct vmtp_error err = {0};
    char id[64];
    char version[64];
    char want_id[64];
    char want_version[64];
    FILE *f = fopen("/etc/os-release", "r");
    char text[8192];
    size_t n = 0;

    (void)state;
    if (f != NULL) {
        n = fread(text, 1, sizeof(text) - 1, f);
        (void)fclose(f);
    }
    text[n] = '\0';
    vmtp_probe_parse_distro(text, want_id, sizeof(want_id), want_version,
                            sizeof(want_version));
    assert_int_equal(vmtp_exec_local_new(NULL, &ex, NULL), VMTP_OK);
    assert_int_equal(vmtp_probe_distro(ex, id, sizeof(id), version,
                                       sizeof(version), &err),
                     VMTP_OK);
    assert_string_equal(id, want_id);
    assert_string_equal(version, want_version);
    ex->ops->kill_all(ex);
    ex->ops->free(ex);
}

static void
test_probe_cpuinfo(void **state)
{
    char *t;

    (void)state;
    t = fixture("cpuinfo-x86");
    expect_str(vmtp_probe_parse_cpuinfo(t), "2 * AMD EPYC");
    free(t);
    t = fixture("cpuinfo-arm64");
    expect_str(vmtp_probe_parse_cpuinfo(t), NULL);
    free(t);
    expect_str(vmtp_probe_parse_cpuinfo("model name\t: X\nmodel name\t: X\n"
                                        "model name\t: X\n"),
               "3 * X");
}

static void
test_probe_openstack_release_names(void **state)
{
    char *t;

    (void)state;
    t = fixture("nova-manage-zed.txt");
    expect_str(vmtp_probe_openstack_release(t), "Zed (26.2.0)");
    free(t);
    expect_str(vmtp_probe_openstack_release("2014.2.1\n"), "Juno (2014.2.1)");
    expect_str(vmtp_probe_openstack_release("2015.1.0"), "Kilo (2015.1.0)");
    expect_str(vmtp_probe_openstack_release("12.0.0"), "Liberty (12.0.0)");
    expect_str(vmtp_probe_openstack_release("2:27.1.0-0ubuntu1"),
               "2023.1 Antelope (27.1.0)");
    expect_str(vmtp_probe_openstack_release("29.0.1"),
               "2024.1 Caracal (29.0.1)");
    expect_str(vmtp_probe_openstack_release("30.0.0"),
               "2024.2 Dalmatian (30.0.0)");
    expect_str(vmtp_probe_openstack_release("32.1.0"),
               "2025.2 Flamingo (32.1.0)");
    /* Unknown versions never crash. */
    expect_str(vmtp_probe_openstack_release("33.0.0"), "Unknown (33.0.0)");
    expect_str(vmtp_probe_openstack_release("11.0.0"), "Unknown (11.0.0)");
    expect_str(vmtp_probe_openstack_release("2099.1"), "Unknown (2099.1)");
    expect_str(vmtp_probe_openstack_release("99999999999999999999.1"),
               "Unknown (99999999999999999999.1)");
    expect_str(vmtp_probe_openstack_release(""), NULL);
    expect_str(vmtp_probe_openstack_release("sh: nova-manage: not found"),
               NULL);
    expect_str(vmtp_probe_openstack_release(NULL), NULL);
}

static void
test_probe_ini_get(void **state)
{
    char *t = fixture("ml2_conf-ovs-vxlan.ini");

    (void)state;
    expect_str(vmtp_probe_ini_get(t, "ml2", "tenant_network_types"), "vxlan");
    expect_str(vmtp_probe_ini_get(t, "ml2_type_vxlan", "vni_ranges"), "1:1000");
    expect_str(vmtp_probe_ini_get(t, "ml2", "vni_ranges"), NULL);
    expect_str(vmtp_probe_ini_get(t, "nosection", "type_drivers"), NULL);
    expect_str(vmtp_probe_ini_get("[a]\nk=1\nk = 2 \n", "a", "k"), "2");
    expect_str(vmtp_probe_ini_get(NULL, "a", "k"), NULL);
    free(t);
}

static void
check_neutron(const char *ml2,
              const char *ovs,
              const char *lb,
              const char *want_l2,
              const char *want_encap)
{
    char *m = ml2 != NULL ? fixture(ml2) : NULL;
    char *o = ovs != NULL ? fixture(ovs) : NULL;
    char *l = lb != NULL ? fixture(lb) : NULL;
    char *l2 = NULL;
    char *encap = NULL;

    assert_int_equal(vmtp_probe_parse_neutron(m, o, l, &l2, &encap), 0);
    expect_str(l2, want_l2);
    expect_str(encap, want_encap);
    free(m);
    free(o);
    free(l);
}

static void
test_probe_neutron_agent_and_encapsulation(void **state)
{
    (void)state;
    check_neutron("ml2_conf-ovs-vxlan.ini", NULL, NULL, "Open vSwitch agent",
                  "vxlan");
    check_neutron("ml2_conf-lb-vlan.ini", NULL, NULL, "Linux bridge agent",
                  "vlan");
    check_neutron("ml2_conf-ovn-geneve.ini", NULL, NULL, "OVN Controller agent",
                  "geneve");
    check_neutron("ml2_conf-empty-types.ini", "openvswitch_agent-gre.ini", NULL,
                  "Open vSwitch agent", "gre");
    check_neutron(NULL, NULL, "linuxbridge_agent-vxlan.ini",
                  "Linux bridge agent", "vxlan");
    check_neutron(NULL, NULL, NULL, "Unknown agent", "Unknown");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_probe_ip_json_global_addresses),
            cmocka_unit_test(test_probe_ip_json_host_scope_only_is_notfound),
            cmocka_unit_test(test_probe_ip_json_rejects_garbage),
            cmocka_unit_test(test_probe_ifname_validation),
            cmocka_unit_test(test_probe_os_release_by_key),
            cmocka_unit_test(test_probe_distro_by_key),
            cmocka_unit_test(test_probe_distro_here),
            cmocka_unit_test(test_probe_cpuinfo),
            cmocka_unit_test(test_probe_openstack_release_names),
            cmocka_unit_test(test_probe_ini_get),
            cmocka_unit_test(test_probe_neutron_agent_and_encapsulation),
    };

    return cmocka_run_group_tests_name("probe", tests, NULL, NULL);
}
