/* \summary: fuzz the remote-probe parsers (ip -j, os-release, cpuinfo, ini)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vmtp_host_addr addr;
    struct vmtp_error err;
    char *in = malloc(size + 1);
    char *l2 = NULL;
    char *encap = NULL;

    if (in == NULL) {
        return 0;
    }
    memcpy(in, data, size);
    in[size] = '\0';
    (void)vmtp_probe_parse_ip_json(in, "eth0", &addr, &err);
    free(vmtp_probe_parse_os_release(in));
    free(vmtp_probe_parse_cpuinfo(in));
    free(vmtp_probe_openstack_release(in));
    free(vmtp_probe_ini_get(in, "ml2", "tenant_network_types"));
    (void)vmtp_probe_parse_neutron(in, in, in, &l2, &encap);
    free(l2);
    free(encap);
    (void)vmtp_probe_ifname_valid(in);
    free(in);
    return 0;
}
