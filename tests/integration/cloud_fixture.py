#!/usr/bin/python3
"""Fixtures for cloud_run_test.sh on the lab (openstacksdk, OS_* variables).

cloud_fixture.py sg-noicmp NAME        security group allowing only SSH (v4)
cloud_fixture.py sg-delete NAME
cloud_fixture.py trait-set HOST TRAIT  add a custom trait to HOST's resource
cloud_fixture.py trait-unset HOST TRAIT          provider (and remove it)
cloud_fixture.py router-create NAME    router with its gateway on "public";
                                       prints the gateway's IPv4 address
cloud_fixture.py router-delete NAME
cloud_fixture.py subnets REGEX         "name enable_dhcp" of matching subnets

Each command is idempotent (deleting what is absent succeeds) so that the
test's trap can call it whatever happened.
"""
import re
import sys

import openstack

PLACEMENT_TRAITS = "1.6"


def conn():
    return openstack.connect()


def sg_noicmp(c, name):
    sg = c.network.find_security_group(name)
    if sg is None:
        sg = c.network.create_security_group(
            name=name, description="cloud_run_test: SSH only, no ICMP")
        for r in c.network.security_group_rules(security_group_id=sg.id):
            if r.direction == "ingress":  # none by default, but be sure
                c.network.delete_security_group_rule(r)
        c.network.create_security_group_rule(
            security_group_id=sg.id, direction="ingress", ethertype="IPv4",
            protocol="tcp", port_range_min=22, port_range_max=22,
            remote_ip_prefix="0.0.0.0/0")
    print(sg.id)


def sg_delete(c, name):
    sg = c.network.find_security_group(name)
    if sg is not None:
        c.network.delete_security_group(sg)


def _rp(c, host):
    r = c.placement.get("/resource_providers?name=%s" % host,
                        microversion=PLACEMENT_TRAITS)
    r.raise_for_status()
    rps = r.json()["resource_providers"]
    if not rps:
        sys.exit("no resource provider named %s" % host)
    return rps[0]["uuid"]


def trait(c, host, name, add):
    if add:
        r = c.placement.put("/traits/%s" % name, microversion=PLACEMENT_TRAITS)
        r.raise_for_status()
    uuid = _rp(c, host)
    for _ in range(10):  # nova-compute may bump the generation meanwhile
        r = c.placement.get("/resource_providers/%s/traits" % uuid,
                            microversion=PLACEMENT_TRAITS)
        r.raise_for_status()
        cur = r.json()
        traits = set(cur["traits"])
        if (name in traits) == add:
            return
        traits = traits | {name} if add else traits - {name}
        r = c.placement.put(
            "/resource_providers/%s/traits" % uuid,
            json={"resource_provider_generation":
                  cur["resource_provider_generation"],
                  "traits": sorted(traits)},
            microversion=PLACEMENT_TRAITS, raise_exc=False)
        if r.status_code == 200:
            return
    sys.exit("cannot update the traits of %s" % host)


def router_create(c, name):
    rt = c.network.find_router(name)
    if rt is None:
        ext = c.network.find_network("public")
        rt = c.network.create_router(
            name=name, external_gateway_info={"network_id": ext.id})
    for ip in rt.external_gateway_info["external_fixed_ips"]:
        if ":" not in ip["ip_address"]:
            print(ip["ip_address"])
            return
    sys.exit("router %s has no IPv4 gateway" % name)


def router_delete(c, name):
    rt = c.network.find_router(name)
    if rt is not None:
        c.network.delete_router(rt)


def subnets(c, regex):
    for s in c.network.subnets():
        if re.search(regex, s.name or ""):
            print(s.name, s.is_dhcp_enabled)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    c = conn()
    if cmd == "sg-noicmp":
        sg_noicmp(c, args[0])
    elif cmd == "sg-delete":
        sg_delete(c, args[0])
    elif cmd in ("trait-set", "trait-unset"):
        trait(c, args[0], args[1], cmd == "trait-set")
    elif cmd == "router-create":
        router_create(c, args[0])
    elif cmd == "router-delete":
        router_delete(c, args[0])
    elif cmd == "subnets":
        subnets(c, args[0])
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
