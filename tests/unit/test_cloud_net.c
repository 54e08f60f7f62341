/* \summary: unit tests: the --no-dhcp static address file of a cloud VM */
#include <stdlib.h>
#include <string.h>

#include "run_int.h"
#include "vmtp_test.h"

static void
test_debian_interfaces(void **state)
{
    const char *dns[] = {"198.19.80.53", "198.19.81.53"};
    char *f;

    (void)state;
    f = vmtp_cloud_static_net_file("198.19.80.7", "198.19.80.0/24",
                                   "198.19.80.1", dns, 2, false);
    assert_non_null(f);
    assert_string_equal(f, "auto lo\n"
                           "iface lo inet loopback\n"
                           "\n"
                           "auto eth0\n"
                           "iface eth0 inet static\n"
                           "        address 198.19.80.7\n"
                           "        netmask 255.255.255.0\n"
                           "        network 198.19.80.0\n"
                           "        broadcast 198.19.80.255\n"
                           "        gateway 198.19.80.1\n"
                           "        dns-nameservers 198.19.80.53 "
                           "198.19.81.53\n");
    free(f);
    /* no gateway, no DNS, a /20 */
    f = vmtp_cloud_static_net_file("198.19.85.9", "198.19.80.0/20", NULL, NULL,
                                   0, false);
    assert_non_null(f);
    assert_non_null(strstr(f, "netmask 255.255.240.0\n"
                              "        network 198.19.80.0\n"
                              "        broadcast 198.19.95.255\n"));
    assert_null(strstr(f, "gateway"));
    assert_null(strstr(f, "dns-nameservers"));
    free(f);
}

static void
test_rhel_ifcfg(void **state)
{
    const char *dns[] = {"198.19.80.53"};
    char *f;

    (void)state;
    f = vmtp_cloud_static_net_file("198.19.80.7", "198.19.80.0/24",
                                   "198.19.80.1", dns, 1, true);
    assert_non_null(f);
    assert_string_equal(f, "DEVICE=eth0\nBOOTPROTO=static\nONBOOT=yes\n"
                           "DEFROUTE=yes\nNM_CONTROLLED=no\n"
                           "IPADDR=198.19.80.7\nNETMASK=255.255.255.0\n"
                           "GATEWAY=198.19.80.1\nDNS1=198.19.80.53\n");
    free(f);
}

static void
test_bad_input(void **state)
{
    (void)state;
    assert_null(vmtp_cloud_static_net_file("2001:db8::5", "2001:db8::/64", NULL,
                                           NULL, 0, false));
    assert_null(vmtp_cloud_static_net_file("198.19.80.7", "198.19.80.0", NULL,
                                           NULL, 0, false));
    assert_null(vmtp_cloud_static_net_file("198.19.80.7", "198.19.80.0/33",
                                           NULL, NULL, 0, false));
    assert_null(vmtp_cloud_static_net_file("198.19.80.7", "x/24", NULL, NULL, 0,
                                           false));
    assert_null(vmtp_cloud_static_net_file(NULL, "198.19.80.0/24", NULL, NULL,
                                           0, false));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_debian_interfaces),
            cmocka_unit_test(test_rhel_ifcfg),
            cmocka_unit_test(test_bad_input),
    };

    return cmocka_run_group_tests_name("cloud_net", tests, NULL, NULL);
}
