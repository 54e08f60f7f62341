/* \summary: unit tests for src/util/vx_parse: rates, lists, hosts, access */
#include <string.h>

#include "vmtp_test.h"
#include "vx_parse.h"

static void
test_parse_rate_accepts_suffixes(void **state)
{
    long long kbps = 0;
    const char *why = "x";

    (void)state;
    assert_int_equal(vx_parse_rate_kbps("128K", &kbps, &why), 0);
    assert_int_equal(kbps, 128);
    assert_null(why);
    assert_int_equal(vx_parse_rate_kbps("32M", &kbps, NULL), 0);
    assert_int_equal(kbps, 32000);
    assert_int_equal(vx_parse_rate_kbps("5g", &kbps, NULL), 0);
    assert_int_equal(kbps, 5000000);
    assert_int_equal(vx_parse_rate_kbps("10000G", &kbps, NULL), 0);
    assert_int_equal(kbps, 10000000000LL);
}

static void
test_parse_rate_rejects_bad_values(void **state)
{
    static const char *const bad[] = {"",    "12Q",    "-5M",  "0",   "0K",
                                      "12",  "K",      "1.5G", " 5M", "5M ",
                                      "+5M", "10001G", "5MB"};
    long long kbps = 7;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *why = NULL;

        assert_int_equal(vx_parse_rate_kbps(bad[i], &kbps, &why), -1);
        assert_non_null(why);
    }
    assert_int_equal(kbps, 7);
}

static void
test_parse_int_list_ranges(void **state)
{
    long long v[4];
    size_t n = 0;
    const char *why = NULL;

    (void)state;
    assert_int_equal(
            vx_parse_int_list("128,1024,65507", 1, 65507, v, 4, &n, &why), 0);
    assert_int_equal(n, 3);
    assert_int_equal(v[2], 65507);
    assert_int_equal(vx_parse_int_list("65508", 1, 65507, v, 4, &n, &why), -1);
    assert_string_equal(why, "item out of range");
    assert_int_equal(vx_parse_int_list("0", 1, 10, v, 4, &n, &why), -1);
    assert_int_equal(vx_parse_int_list("0", 0, 10, v, 4, &n, &why), 0);
    assert_int_equal(vx_parse_int_list("1,,2", 1, 10, v, 4, &n, &why), -1);
    assert_int_equal(vx_parse_int_list("1,2,", 1, 10, v, 4, &n, &why), -1);
    assert_int_equal(vx_parse_int_list("a", 1, 10, v, 4, &n, &why), -1);
    assert_int_equal(vx_parse_int_list("-1", 1, 10, v, 4, &n, &why), -1);
    assert_int_equal(vx_parse_int_list("1 ,2", 1, 10, v, 4, &n, &why), -1);
    assert_int_equal(vx_parse_int_list("", 1, 10, v, 4, &n, &why), -1);
    assert_int_equal(vx_parse_int_list("1,2,3,4,5", 1, 10, v, 4, &n, &why), -1);
    assert_int_equal(n, 0);
}

static void
test_parse_access_ipv4_password_ifname(void **state)
{
    struct vx_access a;

    (void)state;
    assert_int_equal(vx_parse_access("root@198.18.0.2", true, &a, NULL), 0);
    assert_string_equal(a.user, "root");
    assert_string_equal(a.host, "198.18.0.2");
    assert_int_equal(a.kind, VX_HOST_IPV4);
    assert_false(a.has_password);
    assert_int_equal(
            vx_parse_access("admin@198.18.0.2:se:cr:et:eth5", true, &a, NULL),
            0);
    assert_string_equal(a.password, "se:cr:et");
    assert_string_equal(a.ifname, "eth5");
    assert_int_equal(
            vx_parse_access("admin@198.18.0.2:se:cr:et", false, &a, NULL), 0);
    assert_string_equal(a.password, "se:cr:et");
    assert_string_equal(a.ifname, "");
    assert_int_equal(vx_parse_access("u@h.example.org::eth1", true, &a, NULL),
                     0);
    assert_int_equal(a.kind, VX_HOST_NAME);
    assert_true(a.has_password);
    assert_string_equal(a.password, "");
    assert_string_equal(a.ifname, "eth1");
    vx_access_clear(&a);
    assert_string_equal(a.password, "");
}

static void
test_parse_access_bracketed_ipv6(void **state)
{
    struct vx_access a;

    (void)state;
    assert_int_equal(vx_parse_access("root@[2001:db8::5]", true, &a, NULL), 0);
    assert_string_equal(a.host, "2001:db8::5");
    assert_int_equal(a.kind, VX_HOST_IPV6);
    assert_int_equal(
            vx_parse_access("root@[2001:db8::5]:pw:eth1", true, &a, NULL), 0);
    assert_string_equal(a.password, "pw");
    assert_string_equal(a.ifname, "eth1");
    vx_access_clear(&a);
}

static void
test_parse_access_rejects(void **state)
{
    static const char *const bad[] = {
            "",
            "root",
            "@198.18.0.1",
            "root@",
            "root@300.1.1.1",
            "root@1.2.3",
            "root@2001:db8::5",
            "root@[2001:db8::5",
            "root@[2001:db8::zz]",
            "root@[198.18.0.1]",
            "ro ot@198.18.0.1",
            "-oProxy@198.18.0.1",
            "root@bad_host",
            "root@-host",
            "root@[2001:db8::5]x",
            "root@198.18.0.1:pw:eth0;reboot",
            "root@198.18.0.1:pw:$(id)",
            "root@198.18.0.1:pw:averyveryverylongifname",
    };
    struct vx_access a;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *why = NULL;

        if (vx_parse_access(bad[i], true, &a, &why) != -1) {
            fail_msg("accepted '%s'", bad[i]);
        }
        assert_non_null(why);
        assert_string_equal(a.password, "");
    }
}

static void
test_parse_hostport(void **state)
{
    char host[VX_HOST_MAX];
    int port = 8649;
    bool has = true;

    (void)state;
    assert_int_equal(vx_parse_hostport("198.18.0.9", host, sizeof(host), &port,
                                       &has, NULL),
                     0);
    assert_string_equal(host, "198.18.0.9");
    assert_int_equal(port, 8649);
    assert_false(has);
    assert_int_equal(vx_parse_hostport("gmond.example:9000", host, sizeof(host),
                                       &port, &has, NULL),
                     0);
    assert_int_equal(port, 9000);
    assert_true(has);
    assert_int_equal(vx_parse_hostport("[2001:db8::1]:27017", host,
                                       sizeof(host), &port, &has, NULL),
                     0);
    assert_string_equal(host, "2001:db8::1");
    assert_int_equal(vx_parse_hostport("2001:db8::1", host, sizeof(host), &port,
                                       &has, NULL),
                     0);
    assert_int_equal(vx_parse_hostport("198.18.0.9:0", host, sizeof(host),
                                       &port, &has, NULL),
                     -1);
    assert_int_equal(vx_parse_hostport("198.18.0.9:65536", host, sizeof(host),
                                       &port, &has, NULL),
                     -1);
    assert_int_equal(vx_parse_hostport("198.18.0.9:", host, sizeof(host), &port,
                                       &has, NULL),
                     -1);
    assert_int_equal(
            vx_parse_hostport("", host, sizeof(host), &port, &has, NULL), -1);
}

static void
test_parse_checks(void **state)
{
    (void)state;
    assert_int_equal(vx_check_ifname("eth0.100", NULL), 0);
    assert_int_equal(vx_check_ifname("br-ex:1", NULL), 0);
    assert_int_equal(vx_check_ifname("eth0 ", NULL), -1);
    assert_int_equal(vx_check_ifname("a`b", NULL), -1);
    assert_int_equal(vx_check_ifname("", NULL), -1);
    assert_int_equal(vx_check_multicast("231.1.1.1", NULL), 0);
    assert_int_equal(vx_check_multicast("ff02::1", NULL), 0);
    assert_int_equal(vx_check_multicast("198.18.0.1", NULL), -1);
    assert_int_equal(vx_check_multicast("2001:db8::1", NULL), -1);
    assert_int_equal(vx_check_multicast("host", NULL), -1);
    assert_int_equal(vx_check_cidr("198.18.0.0/15", 4, NULL), 0);
    assert_int_equal(vx_check_cidr("198.18.0.0/33", 4, NULL), -1);
    assert_int_equal(vx_check_cidr("2001:db8::/64", 6, NULL), 0);
    assert_int_equal(vx_check_cidr("2001:db8::/64", 4, NULL), -1);
    assert_int_equal(vx_check_cidr("198.18.0.0", 4, NULL), -1);
    assert_int_equal(vx_check_ip("2001:db8::1", NULL), 0);
    assert_int_equal(vx_check_ip("8.8.8.8", NULL), 0);
    assert_int_equal(vx_check_ip("dns.google", NULL), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_parse_rate_accepts_suffixes),
            cmocka_unit_test(test_parse_rate_rejects_bad_values),
            cmocka_unit_test(test_parse_int_list_ranges),
            cmocka_unit_test(test_parse_access_ipv4_password_ifname),
            cmocka_unit_test(test_parse_access_bracketed_ipv6),
            cmocka_unit_test(test_parse_access_rejects),
            cmocka_unit_test(test_parse_hostport),
            cmocka_unit_test(test_parse_checks),
    };

    return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
