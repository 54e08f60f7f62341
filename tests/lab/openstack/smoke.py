#!/usr/bin/python3
"""End-to-end check of the local OpenStack lab, doing what VMTP does.

Run as root with the admin credentials in the environment:
    . /var/lib/vmtp-oslab/admin-openrc && /usr/bin/python3 smoke.py

Phases (all by default; --phases a,b to choose):
  api       Keystone v3 token + catalog (raw REST), os-hypervisors,
            os-availability-zone, os-services, neutron agents
  v4        keypair (imported public key), security group with VMTP's rules,
            flavor, Glance image, two tenant networks (+ IPv6 subnets:
            slaac on net1, dhcpv6-stateful on net2), router with gateway
            on "public", 4 servers pinned with "nova:<host>" (server and
            client on net1/compute-1, client on net1/compute-2, client on
            net2/compute-2), floating IPs, ssh via floating IP with the
            keypair, ping/iperf3/nuttcp same network intra/inter node,
            across the router, to the floating IP (NAT), security group
            enforcement (blocked port), IPv6 addresses + ping6/iperf3 -6,
            user-data + config drive
  provider  two servers on the existing shared "provider" network (VMTP's
            --reuse_network_name), reached directly on their fixed IPs
Then everything is deleted and the script checks that nothing is left
(servers, ports, floating IPs, namespaces, guest processes, tap devices).
--keep leaves the resources in place; --cleanup only deletes them.
Prints "N passed, N failed" at the end; exit status 1 if anything failed.
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import openstack

P = "osl-smoke"
NET_CIDRS = ["198.19.64.0/24", "198.19.65.0/24"]
NET_CIDRS6 = ["2001:db8:64::/64", "2001:db8:65::/64"]
V6_MODES = ["slaac", "dhcpv6-stateful"]
passed = failed = 0
results = []


def check(name, fn):
    global passed, failed
    t = time.time()
    try:
        r = fn()
        passed += 1
        print("PASS %-52s %5.1fs %s" % (name, time.time() - t, ("" if r is None else str(r))[:200]),
              flush=True)
        return r
    except Exception as e:  # noqa
        failed += 1
        print("FAIL %-52s %5.1fs %r" % (name, time.time() - t, e), flush=True)
        return None


# ---------------------------------------------------------------- raw REST
def rest(method, url, token=None, body=None, headers=None):
    h = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        h["X-Auth-Token"] = token
    h.update(headers or {})
    req = urllib.request.Request(url, method=method, headers=h,
                                 data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(req, timeout=30) as r:
        data = r.read()
        return r.status, dict(r.headers), (json.loads(data) if data else None)


def keystone_token():
    e = os.environ
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": e["OS_USERNAME"], "password": e["OS_PASSWORD"],
            "domain": {"name": e.get("OS_USER_DOMAIN_NAME", "Default")}}}},
        "scope": {"project": {"name": e["OS_PROJECT_NAME"],
                              "domain": {"name": e.get("OS_PROJECT_DOMAIN_NAME", "Default")}}}}}
    st, hdr, js = rest("POST", e["OS_AUTH_URL"].rstrip("/") + "/auth/tokens", body=body)
    assert st == 201, st
    tok = hdr.get("X-Subject-Token") or hdr.get("x-subject-token")
    assert tok, "no X-Subject-Token"
    cat = {}
    for svc in js["token"]["catalog"]:
        for ep in svc["endpoints"]:
            if ep["interface"] == "public":
                cat[svc["type"]] = ep["url"]
    return tok, cat


# ---------------------------------------------------------------- ssh
SSH_OPTS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR"]


class Ssh:
    def __init__(self, key):
        self.key = key

    def run(self, ip, cmd, timeout=60, check_rc=True):
        r = subprocess.run(["ssh"] + SSH_OPTS + ["-i", self.key, "root@" + ip, cmd],
                           capture_output=True, text=True, timeout=timeout)
        if check_rc and r.returncode:
            raise RuntimeError("ssh %s %r rc=%d %s %s" % (ip, cmd, r.returncode,
                                                         r.stdout.strip()[-300:], r.stderr.strip()[-300:]))
        return r.stdout.strip() if check_rc else r

    def wait(self, ip, secs=90):
        deadline, err = time.time() + secs, None
        while time.time() < deadline:
            try:
                return self.run(ip, "hostname", 15)
            except Exception as e:  # router/NAT/sg may still be converging
                err = e
                time.sleep(2)
        raise err


def mbps(js):
    return "%.0f Mbit/s" % (js["end"]["sum_received"]["bits_per_second"] / 1e6)


def iperf3(ssh, srv_ssh_ip, cli_ssh_ip, target, v6=False):
    """iperf3 server in the server guest, client in the client guest (or on
    the machine itself when cli_ssh_ip is None)."""
    ssh.run(srv_ssh_ip, "iperf3 -s -1 -D -p 5001")
    time.sleep(0.5)
    cmd = "iperf3 -J -t 2 -c %s -p 5001%s" % (target, " -6" if v6 else "")
    if cli_ssh_ip is None:
        out = subprocess.run(cmd.split(), capture_output=True, text=True, timeout=30).stdout
    else:
        out = ssh.run(cli_ssh_ip, cmd, 30)
    return mbps(json.loads(out))


def nuttcp(ssh, srv_ssh_ip, cli_ssh_ip, target, udp=False):
    """As VMTP: server 'nuttcp -P5002 -S --single-threaded', data port 5001."""
    ssh.run(srv_ssh_ip, "pidof nuttcp >/dev/null || (nuttcp -P5002 -S --single-threaded &) ; true")
    time.sleep(0.5)
    opts = "-u -R 100M -l1400" if udp else ""
    out = ssh.run(cli_ssh_ip, "nuttcp -T2 -P5002 -p5001 -fparse %s %s" % (opts, target), 30)
    kv = dict(x.split("=", 1) for x in out.split() if "=" in x)
    return "%s Mbit/s%s" % (kv.get("rate_Mbps"), (" loss=%s%%" % kv.get("data_loss")) if udp else "")


def port_open(ssh, srv_ssh_ip, cli_ssh_ip, target, port):
    """True if a TCP connect from the client (or the machine) reaches a
    listener started in the server guest on PORT."""
    ssh.run(srv_ssh_ip, "(timeout 15 nc -l -p %d >/dev/null 2>&1 &) ; true" % port)
    time.sleep(0.5)
    if cli_ssh_ip is None:
        r = subprocess.run(["nc", "-z", "-w", "3", target, str(port)], capture_output=True)
        return r.returncode == 0
    return ssh.run(cli_ssh_ip, "nc -z -w 3 %s %d" % (target, port), 20, check_rc=False).returncode == 0


# ---------------------------------------------------------------- phases
def phase_api(c):
    tok, cat = check("keystone v3 token (raw POST /v3/auth/tokens)", keystone_token) or (None, {})

    def catalog():
        need = {"identity", "compute", "network", "image", "placement"}
        assert need <= set(cat), cat
        return cat
    check("catalog has identity/compute/network/image/placement", catalog)
    if not tok:
        return
    nova = cat.get("compute", "").rstrip("/")

    def hyps():
        _, _, js = rest("GET", nova + "/os-hypervisors/detail", tok)
        h = [(x["hypervisor_hostname"], x["state"], x["status"], x["vcpus"], x["memory_mb"])
             for x in js["hypervisors"]]
        assert len(h) >= 2, h
        return h
    check("GET os-hypervisors/detail", hyps)

    def azs():
        _, _, js = rest("GET", nova + "/os-availability-zone/detail", tok)
        z = {x["zoneName"]: sorted((x.get("hosts") or {}).keys())
             for x in js["availabilityZoneInfo"]}
        assert "nova" in z and {"compute-1", "compute-2"} <= set(z["nova"]), z
        return z
    check("GET os-availability-zone/detail", azs)

    def services():
        _, _, js = rest("GET", nova + "/os-services", tok)
        s = [(x["binary"], x["host"], x["zone"], x["state"], x["status"]) for x in js["services"]]
        comp = [x for x in s if x[0] == "nova-compute" and x[3] == "up" and x[4] == "enabled"]
        assert len(comp) >= 2, s
        return comp
    check("GET os-services (nova-compute up/enabled, zone)", services)

    def agents():
        _, _, js = rest("GET", cat["network"].rstrip("/") + "/v2.0/agents", tok)
        a = sorted((x["agent_type"], x["host"], x["alive"]) for x in js["agents"])
        assert all(x[2] for x in a), a
        return a
    check("GET neutron /v2.0/agents (all alive)", agents)


def make_key(d):
    key = os.path.join(d, "id_rsa")
    subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "", "-f", key],
                   check=True)
    return key


def sg_rules(c, sg):
    # VMTP's rules (spec 4.6), v4 and v6
    rules = [("IPv4", "icmp", None), ("IPv4", "tcp", (22, 22)), ("IPv4", "tcp", (5001, 5002)),
             ("IPv4", "udp", (5001, 5002)), ("IPv6", "ipv6-icmp", None), ("IPv6", "tcp", (22, 22)),
             ("IPv6", "tcp", (5001, 5002)), ("IPv6", "udp", (5001, 5002))]
    for eth, proto, rng in rules:
        kw = dict(security_group_id=sg.id, direction="ingress", ethertype=eth, protocol=proto,
                  remote_ip_prefix="0.0.0.0/0" if eth == "IPv4" else "::/0")
        if rng:
            kw.update(port_range_min=rng[0], port_range_max=rng[1])
        c.network.create_security_group_rule(**kw)
    return len(rules)


def boot(c, res, name, net_id, host, user_data=None, config_drive=False):
    kw = dict(name=name, flavor_id=res["flavor"].id, image_id=res["image"].id,
              networks=[{"uuid": net_id}], key_name=P + "-key",
              security_groups=[{"name": P + "-sg"}], availability_zone="nova:" + host)
    if user_data:
        kw["user_data"] = base64.b64encode(user_data.encode()).decode()
    if config_drive:
        kw["config_drive"] = True
    return c.compute.create_server(**kw)


def wait_active(c, s, host):
    s = c.compute.wait_for_server(s, status="ACTIVE", wait=240, interval=2)
    assert s.compute_host == host, (s.compute_host, host)
    return s


def addr_of(s, net_name, version):
    return [a["addr"] for a in s.addresses.get(net_name, []) if a["version"] == version]


def fip_for(c, res, ext, s):
    port = next(c.network.ports(device_id=s.id))
    ip = c.network.create_ip(floating_network_id=ext.id, port_id=port.id, description=P)
    res["fips"].append(ip)
    return ip.floating_ip_address


def phase_v4(c, a, res, tmp):
    ssh = Ssh(res["key"])
    ext = c.network.find_network("public")
    assert ext is not None, "no external network 'public' (up.sh creates it)"
    hosts = ["compute-1", "compute-2"]
    nets = []
    for i in range(2):
        n = check("create network %s-net%d" % (P, i + 1),
                  lambda i=i: c.network.create_network(name="%s-net%d" % (P, i + 1)))
        nets.append(n)
        check("create subnet %s (v4)" % NET_CIDRS[i], lambda i=i, n=n: c.network.create_subnet(
            name="%s-subnet%d" % (P, i + 1), network_id=n.id, ip_version=4, cidr=NET_CIDRS[i],
            dns_nameservers=[]))
        if not a.no_v6:
            check("create subnet %s (v6 %s)" % (NET_CIDRS6[i], V6_MODES[i]),
                  lambda i=i, n=n: c.network.create_subnet(
                      name="%s-subnet%d-v6" % (P, i + 1), network_id=n.id, ip_version=6,
                      cidr=NET_CIDRS6[i], ipv6_ra_mode=V6_MODES[i], ipv6_address_mode=V6_MODES[i]))
    res["nets"] = nets
    res["router"] = check("create router (gateway on 'public')", lambda: c.network.create_router(
        name=P + "-router", external_gateway_info={"network_id": ext.id}))
    for n in nets:
        for sub in c.network.subnets(network_id=n.id):
            check("router interface on %s" % sub.cidr,
                  lambda sub=sub: c.network.add_interface_to_router(res["router"], subnet_id=sub.id))

    ud = "#!/bin/sh\necho user-data-ran > /tmp/osl-user-data-ok\n"
    plan = [("server", 0, "compute-1", True), ("cli-intra", 0, "compute-1", False),
            ("cli-inter", 0, "compute-2", False), ("cli-router", 1, "compute-2", False)]
    servers = {}
    for name, ni, host, special in plan:
        s = check("boot %s on net%d az nova:%s" % (name, ni + 1, host),
                  lambda name=name, ni=ni, host=host, special=special: boot(
                      c, res, "%s-%s" % (P, name), nets[ni].id, host,
                      user_data=ud if special else None, config_drive=special))
        if s:
            res["servers"].append(s)
            servers[name] = (s, ni, host)
    for name, (s, ni, host) in list(servers.items()):
        s2 = check("%s ACTIVE on %s" % (name, host), lambda s=s, host=host: wait_active(c, s, host))
        if s2 is None:
            del servers[name]
        else:
            servers[name] = (s2, ni, host)
    info = {}
    for name, (s, ni, host) in servers.items():
        netname = "%s-net%d" % (P, ni + 1)
        fip = check("floating ip for %s" % name, lambda s=s: fip_for(c, res, ext, s))
        info[name] = dict(fixed=addr_of(s, netname, 4)[0], v6=addr_of(s, netname, 6), fip=fip, id=s.id)
    print("servers:", json.dumps(info), flush=True)
    if "server" not in info:
        return
    S = info["server"]

    def ports_active():
        st = {n: next(c.network.ports(device_id=i["id"])).status for n, i in info.items()}
        assert all(x == "ACTIVE" for x in st.values()), st
        return st
    check("ports ACTIVE (linuxbridge agents wired them)", ports_active)
    for name, i in info.items():
        check("ssh root@fip of %s with the keypair" % name, lambda i=i: ssh.wait(i["fip"]))

    def probe():
        out = ssh.run(S["fip"], "grep ID /etc/*-release | head -3; cat /proc/1/comm; "
                                "ip -o addr show eth0 | awk '{print $4}' | tr '\\n' ' '")
        return out.replace("\n", " | ")
    check("guest probe (VMTP distro probe, pid1, addrs)", probe)
    guest_user_check(res, S["fip"])

    # --- the 3 VMTP flow kinds, intra/inter node
    flows = [("same network intra-node", "cli-intra", S["fixed"]),
             ("same network inter-node", "cli-inter", S["fixed"]),
             ("different network via router (inter-node)", "cli-router", S["fixed"]),
             ("floating ip via NAT (inter-node)", "cli-router", S["fip"]),
             ("floating ip via NAT (intra-node)", "cli-intra", S["fip"])]
    for label, cli, target in flows:
        if cli not in info:
            continue
        C = info[cli]["fip"]
        check("ping  %s" % label, lambda C=C, target=target:
              ssh.run(C, "ping -c 3 -i 0.2 -W 2 %s | tail -1" % target))
        check("iperf3 %s" % label, lambda C=C, target=target: iperf3(ssh, S["fip"], C, target))
        check("nuttcp tcp %s" % label, lambda C=C, target=target: nuttcp(ssh, S["fip"], C, target))
        check("nuttcp udp %s" % label, lambda C=C, target=target: nuttcp(ssh, S["fip"], C, target, True))
    check("iperf3 machine -> server fip (NAT)", lambda: iperf3(ssh, S["fip"], None, S["fip"]))

    # --- security groups
    def enforced(cli, target, port):
        if "cli-intra" in info:
            allowed = port_open(ssh, S["fip"], info[cli]["fip"] if cli else None, target, 5002)
            assert allowed, "control: tcp/5002 (allowed) did not connect"
        blocked = not port_open(ssh, S["fip"], info[cli]["fip"] if cli else None, target, port)
        assert blocked, "tcp/%d reached the server: security group NOT enforced" % port
        return "tcp/5002 open, tcp/%d blocked" % port
    check("sg enforced: vm -> vm fixed ip (same net)", lambda: enforced("cli-intra", S["fixed"], 5003))
    check("sg enforced: vm -> vm fixed ip (inter-node)", lambda: enforced("cli-inter", S["fixed"], 5004))
    check("sg enforced: machine -> fip", lambda: enforced(None, S["fip"], 5005))

    # --- IPv6
    if not a.no_v6:
        def v6addrs():
            out = {}
            for n, i in info.items():
                assert i["v6"], "%s has no v6 address in nova" % n
                got = ssh.run(i["fip"], "ip -6 -o addr show eth0 scope global | awk '{print $4}'")
                assert i["v6"][0] in got, (n, i["v6"], got)
                out[n] = got
            return out
        check("v6 addresses (slaac net1, dhcpv6-stateful net2) in guests", v6addrs)

        def radvd():
            rid = res["router"].id
            out = subprocess.run(["ip", "netns", "pids", "qrouter-" + rid], capture_output=True,
                                 text=True).stdout.split()
            names = [open("/proc/%s/comm" % p).read().strip() for p in out if os.path.exists("/proc/" + p)]
            assert "radvd" in names, names
            return names
        check("radvd running in the qrouter namespace", radvd)
        for cli in ("cli-intra", "cli-inter"):
            if cli in info:
                check("ping6 %s -> server v6" % cli, lambda cli=cli: ssh.run(
                    info[cli]["fip"], "ping -6 -c 3 -i 0.2 -W 2 %s | tail -1" % S["v6"][0]))
                check("iperf3 -6 %s -> server v6" % cli,
                      lambda cli=cli: iperf3(ssh, S["fip"], info[cli]["fip"], S["v6"][0], v6=True))
        if "cli-router" in info:
            check("ping6 across the router (net2 -> net1)", lambda: ssh.run(
                info["cli-router"]["fip"], "ping -6 -c 3 -i 0.2 -W 2 %s | tail -1" % S["v6"][0]))

    # --- user-data / config drive (server only)
    def userdata():
        return ssh.run(S["fip"], "cat /tmp/osl-user-data-ok")
    check("user-data script ran in the guest", userdata)

    def configdrive():
        out = ssh.run(S["fip"], "ls /mnt/config/openstack/latest/ && "
                                "cat /mnt/config/openstack/latest/meta_data.json")
        assert S["id"] in out, out[:300]
        assert "user_data" in out
        return out.split("\n")[:4]
    check("config drive mounted on /mnt/config", configdrive)


def guest_user_check(res, ip):
    user = os.environ.get("OSL_GUEST_USER")
    if user:  # up.sh created this local user for guest logins
        def as_user():
            r = subprocess.run(["ssh"] + SSH_OPTS + ["-i", res["key"], "%s@%s" % (user, ip),
                                "id -un; sudo -n ip -o link show eth0 | cut -c1-30"],
                               capture_output=True, text=True, timeout=30)
            assert r.returncode == 0, r.stderr
            return r.stdout.replace("\n", " | ")
        check("ssh %s@%s + sudo in the guest" % (user, ip), as_user)


def phase_provider(c, a, res):
    ssh = Ssh(res["key"])
    net = c.network.find_network("provider")
    assert net is not None, "no 'provider' network (up.sh creates it)"
    ps = []
    for i, host in enumerate(["compute-1", "compute-2"]):
        s = check("boot prov-%d on 'provider' az nova:%s" % (i + 1, host),
                  lambda i=i, host=host: boot(c, res, "%s-prov-%d" % (P, i + 1), net.id, host))
        if s:
            res["servers"].append(s)
            ps.append((s, host))
    ips = []
    for s, host in ps:
        s2 = check("prov server ACTIVE on %s" % host, lambda s=s, host=host: wait_active(c, s, host))
        if s2:
            ips.append(addr_of(s2, "provider", 4)[0])
    for ip in ips:
        check("ssh root@%s (provider fixed ip, no fip)" % ip, lambda ip=ip: ssh.wait(ip))
    if ips:
        guest_user_check(res, ips[0])
    if len(ips) == 2:
        check("ping prov-2 -> prov-1", lambda: ssh.run(ips[1], "ping -c 3 -i 0.2 %s | tail -1" % ips[0]))
        check("iperf3 prov-2 -> prov-1 (inter-node)", lambda: iperf3(ssh, ips[0], ips[1], ips[0]))
        check("nuttcp prov-2 -> prov-1", lambda: nuttcp(ssh, ips[0], ips[1], ips[0]))


# ---------------------------------------------------------------- cleanup
def cleanup(c, res=None):
    """Delete everything named osl-smoke-* (idempotent)."""
    for s in list(c.compute.servers(all_projects=True)):
        if s.name.startswith(P):
            c.compute.delete_server(s)
    deadline = time.time() + 180
    while time.time() < deadline and any(s.name.startswith(P) for s in c.compute.servers(all_projects=True)):
        time.sleep(2)
    for ip in list(c.network.ips()):
        if ip.description == P:
            c.network.delete_ip(ip)
    for r in list(c.network.routers()):
        if r.name.startswith(P):
            for p in list(c.network.ports(device_id=r.id, device_owner="network:router_interface")):
                c.network.remove_interface_from_router(r, port_id=p.id)
            c.network.delete_router(r)
    for n in list(c.network.networks()):
        if n.name.startswith(P):
            for _ in range(10):
                try:
                    c.network.delete_network(n)
                    break
                except openstack.exceptions.ConflictException:  # ports still going
                    time.sleep(2)
    for sg in list(c.network.security_groups()):
        if sg.name.startswith(P):
            c.network.delete_security_group(sg)
    for name, find, delete in ((P + "-key", c.compute.find_keypair, c.compute.delete_keypair),
                               (P + "-flavor", c.compute.find_flavor, c.compute.delete_flavor),
                               (P + "-image", c.image.find_image, c.image.delete_image)):
        o = find(name)
        if o:
            delete(o)


def leftovers(c, res):
    left = []
    if any(s.name.startswith(P) for s in c.compute.servers(all_projects=True)):
        left.append("servers")
    if [ip for ip in c.network.ips() if ip.description == P]:
        left.append("floating ips")
    ids = [n.id for n in res.get("nets") or []]
    for p in c.network.ports():
        if p.network_id in ids or p.device_id in [s.id for s in res["servers"]]:
            left.append("port " + p.id)
    if any(n.name.startswith(P) for n in c.network.networks()):
        left.append("networks")
    if any(r.name.startswith(P) for r in c.network.routers()):
        left.append("routers")
    ns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    want_gone = ["osl-vm-" + s.id[:8] for s in res["servers"]]
    if res.get("router"):
        want_gone.append("qrouter-" + res["router"].id)
    want_gone += ["qdhcp-" + i for i in ids]
    for n in want_gone:
        if n in ns:
            left.append("netns " + n)
    links = os.listdir("/sys/class/net")
    for i in ids:
        if "brq" + i[:11] in links:
            left.append("bridge brq" + i[:11])
    vmdir = os.path.join(os.environ.get("OSL_STATE", "/var/lib/vmtp-oslab"), "vms")
    for s in res["servers"]:
        if os.path.exists(os.path.join(vmdir, s.id)):
            left.append("vm dir " + s.id)
    # guest processes: anything whose cmdline references a deleted guest
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open("/proc/%s/cmdline" % pid, "rb").read().decode(errors="replace")
        except OSError:
            continue
        if any(s.id in cmd for s in res["servers"]):
            left.append("process %s %s" % (pid, cmd.replace("\0", " ")[:80]))
    return left


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--cleanup", action="store_true")
    ap.add_argument("--no-v6", action="store_true")
    ap.add_argument("--phases", default="api,v4,provider")
    a = ap.parse_args()
    c = openstack.connect(load_yaml_config=False, load_envvars=True)
    if a.cleanup:
        cleanup(c)
        return 0
    phases = a.phases.split(",")
    t0 = time.time()
    if "api" in phases:
        phase_api(c)
    tmp = tempfile.mkdtemp(prefix=P)
    res = {"servers": [], "fips": [], "nets": [], "router": None}
    try:
        if "v4" in phases or "provider" in phases:
            res["key"] = make_key(tmp)
            pub = open(res["key"] + ".pub").read().strip()
            check("import keypair (public key)", lambda: c.compute.create_keypair(
                name=P + "-key", public_key=pub))
            res["sg"] = check("security group with VMTP rules", lambda: c.network.create_security_group(
                name=P + "-sg", description="PNS Security groups"))
            if res["sg"]:
                check("security group rules (v4+v6)", lambda: sg_rules(c, res["sg"]))
            res["flavor"] = check("create flavor", lambda: c.compute.create_flavor(
                name=P + "-flavor", ram=512, vcpus=1, disk=1))

            def mkimage():
                img = c.image.create_image(name=P + "-image", data=b"\0" * 1024 * 1024,
                                           disk_format="qcow2", container_format="bare",
                                           visibility="public")
                img = c.image.get_image(img.id)
                assert img.status == "active", img.status
                return img
            res["image"] = check("create + upload Glance image (1 MiB)", mkimage)
        if "v4" in phases:
            phase_v4(c, a, res, tmp)
        if "provider" in phases:
            phase_provider(c, a, res)
    finally:
        if not a.keep:
            t = time.time()
            check("delete everything", lambda: cleanup(c, res))

            def nothing_left():
                deadline = time.time() + 60
                while True:
                    left = leftovers(c, res)
                    if not left or time.time() > deadline:
                        break
                    time.sleep(3)
                assert not left, left
                return "clean after %.0fs" % (time.time() - t)
            check("nothing left (servers/ports/fips/netns/bridges/processes)", nothing_left)
            import shutil
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept; ssh key: %s" % res.get("key"))
    print("total %.1fs" % (time.time() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
