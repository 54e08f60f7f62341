"""nova compute driver: FakeDriver + a REAL data plane made of namespaces.

compute_driver = osl_netns_driver.NetnsDriver   (registered by the
nova-compute launcher that up.sh writes, see there)

Each "instance" becomes a network namespace  osl-vm-<uuid[:8]>  holding, per
neutron port, one end of a veth pair (eth0, eth1, ...) with the port's MAC,
fixed IPs (v4 and v6), MTU and (on eth0) default routes to the subnets'
gateways. The other end lives in the root namespace and is named exactly
like a libvirt tap device, "tap" + port_id[:11]; it is put into the
network's bridge (brq<net-id[:11]>, as os-vif would) and the neutron
linuxbridge agent of this compute host finds it, applies the security
group (iptables) and reports the port ACTIVE; like the libvirt driver,
spawn() waits for neutron's network-vif-plugged event before the instance
goes ACTIVE.

Inside the namespace a tiny "guest" runs with its own PID, mount and UTS
namespaces: hostname = server hostname, a private tmpfs on /tmp, and sshd
(PID 1 of the guest) that lets the keypair's public key log in as root or
as any existing local user (AuthorizedKeysFile is per instance).
  * user-data: written to <vm dir>/user-data; when it starts with "#!" it
    is run once inside the guest at boot (like cloud-init), output in
    <vm dir>/user-data.log.
  * config drive (config_drive=True or [DEFAULT]force_config_drive): the
    files nova's own InstanceMetadata builds for a config drive are
    written to <vm dir>/config-drive and mounted read-only on /mnt/config
    inside the guest.
  * /etc/hosts is private (guest hostname -> 127.0.1.1) and resolv.conf
    is empty inside the guest: no DNS traffic ever leaves a guest.
  * no metadata service (169.254.169.254) is provided.
The guest shares the machine's filesystem and binaries (except /tmp and
/mnt): it is a network + process identity, not an isolated VM.
"""
import base64
import os
import shutil
import signal
import time

from oslo_concurrency import processutils
from oslo_log import log as logging

import nova.conf
from nova import exception
from nova.virt import fake

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)
STATE = os.environ.get("OSL_STATE", "/var/lib/vmtp-oslab")
# same value as the linuxbridge agents' [linux_bridge]bridge_mappings
BRIDGE_MAPPINGS = dict(m.split(":", 1) for m in
                       os.environ.get("OSL_BRIDGE_MAPPINGS", "").split(",") if ":" in m)
SSHD_CONFIG = """\
Port 22
ListenAddress 0.0.0.0
ListenAddress ::
HostKey {state}/ssh/ssh_host_ed25519_key
HostKey {state}/ssh/ssh_host_rsa_key
PidFile none
AuthorizedKeysFile {d}/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
UseDNS no
MaxStartups 100
Subsystem sftp internal-sftp
"""
# Runs as PID 1 of the guest's PID namespace (then becomes sshd).
GUEST_INIT = """\
#!/bin/sh
# guest "init": own PID/mount/UTS namespaces inside network namespace {ns}
d={d}
h=$(cat $d/hostname)
hostname "$h"
# private /etc/hosts (own name resolvable, e.g. for sudo) and an empty
# resolv.conf: a guest never sends DNS queries anywhere
printf '127.0.0.1 localhost\n127.0.1.1 %s\n::1 localhost ip6-localhost\n' "$h" >$d/hosts
: >$d/resolv.conf
mount --bind $d/hosts /etc/hosts
mount --bind $d/resolv.conf /etc/resolv.conf
mount -t tmpfs -o mode=1777,size=512m osl-tmp /tmp
mount -t tmpfs -o mode=755,size=1m osl-mnt /mnt
if [ -d $d/config-drive ]; then
  mkdir -p /mnt/config && mount --bind -o ro $d/config-drive /mnt/config
fi
if [ -f $d/user-data ] && [ "$(head -c2 $d/user-data)" = "#!" ] && [ ! -e $d/user-data.done ]; then
  touch $d/user-data.done
  chmod +x $d/user-data
  (cd / && timeout 3600 $d/user-data >$d/user-data.log 2>&1 </dev/null &)
fi
exec /usr/sbin/sshd -D -f $d/sshd_config -E $d/sshd.log
"""


def ns_name(instance):
    return "osl-vm-" + instance.uuid[:8]


def _x(*cmd, check=True):
    return processutils.execute(*cmd, check_exit_code=check)


def ns_pids(ns):
    try:
        out, _ = _x("ip", "netns", "pids", ns, check=False)
    except Exception:  # noqa
        return []
    return [int(p) for p in out.split() if p.strip().isdigit()]


class NetnsDriver(fake.FakeDriver):

    def _vm_dir(self, instance):
        return os.path.join(STATE, "vms", instance.uuid)

    def _write_guest_files(self, context, instance, network_info, injected_files):
        d = self._vm_dir(instance)
        # "cloud-init": the keypair's public key lets root log in over ssh
        with open(os.path.join(d, "authorized_keys"), "w") as f:
            f.write((instance.key_data or "") + "\n")
        with open(os.path.join(d, "sshd_config"), "w") as f:
            f.write(SSHD_CONFIG.format(state=STATE, d=d))
        with open(os.path.join(d, "hostname"), "w") as f:
            f.write((instance.hostname or instance.uuid[:8])[:63] + "\n")
        with open(os.path.join(d, "init.sh"), "w") as f:
            f.write(GUEST_INIT.format(ns=ns_name(instance), d=d))
        if instance.user_data:
            with open(os.path.join(d, "user-data"), "wb") as f:
                f.write(base64.b64decode(instance.user_data))
        from nova.virt import configdrive
        if configdrive.required_by(instance):
            self._config_drive(context, instance, network_info, injected_files, d)

    def _config_drive(self, context, instance, network_info, injected_files, d):
        cd = os.path.join(d, "config-drive")
        shutil.rmtree(cd, ignore_errors=True)
        try:
            from nova.api.metadata import base as instance_metadata
            md = instance_metadata.InstanceMetadata(
                instance, content=injected_files, network_info=network_info)
            for path, data in md.metadata_for_config_drive():
                p = os.path.join(cd, path)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "wb") as f:
                    f.write(data if isinstance(data, bytes) else data.encode())
            LOG.info("config drive for %s written to %s", instance.uuid, cd)
        except Exception as e:  # noqa - keep booting without it
            LOG.exception("config drive for %s failed: %s", instance.uuid, e)

    def _plug_all(self, instance, network_info):
        ns = ns_name(instance)
        if not os.path.exists("/run/netns/" + ns):
            _x("ip", "netns", "add", ns)
        _x("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
        for idx, vif in enumerate(network_info or []):
            dev = (vif.get("devname") or "tap" + vif["id"])[:14]
            tmp = "osl" + vif["id"][:11]
            ifname = "eth%d" % idx
            mtu = str(vif["network"].get("meta", {}).get("mtu") or 1500)
            if not os.path.exists("/sys/class/net/" + dev):
                _x("ip", "link", "add", dev, "type", "veth", "peer", "name", tmp)
                _x("ip", "link", "set", tmp, "netns", ns)
                _x("ip", "netns", "exec", ns, "ip", "link", "set", tmp, "name", ifname)
            # Like os-vif's linux_bridge plugin + libvirt: the compute side,
            # not the L2 agent, puts compute ports into the network's bridge
            # (the agent skips device_owner compute:*).
            # Flat/VLAN networks on a physnet that the linuxbridge agents map
            # to an existing bridge (bridge_mappings, e.g. provider:br-prov)
            # go into that bridge; the agent does the same for its own ports.
            physnet = vif["network"].get("meta", {}).get("physical_network")
            bridge = (BRIDGE_MAPPINGS.get(physnet) or vif["network"].get("bridge")
                      or "brq" + vif["network"]["id"][:11])
            if not os.path.exists("/sys/class/net/" + bridge):
                _x("ip", "link", "add", bridge, "type", "bridge", check=False)
            _x("ip", "link", "set", bridge, "up")
            # the host side of a guest NIC must not autoconfigure IPv6
            _x("sysctl", "-q", "-w", "net.ipv6.conf.%s.disable_ipv6=1" % dev, check=False)
            _x("ip", "link", "set", dev, "mtu", mtu, "master", bridge, "up")
            _x("ip", "netns", "exec", ns, "ip", "link", "set", ifname,
               "address", vif["address"], "mtu", mtu, "up")
            for subnet in vif["network"]["subnets"]:
                prefix = subnet["cidr"].split("/")[1]
                v6 = subnet["version"] == 6
                for ip in subnet["ips"]:
                    # v6: SLAAC/DHCPv6 addresses are the ones neutron
                    # allocated; configured statically ("nodad": no wait)
                    _x("ip", "netns", "exec", ns, "ip", "-6" if v6 else "-4", "addr",
                       "replace", "%s/%s" % (ip["address"], prefix), "dev", ifname,
                       *(["nodad"] if v6 else []))
                gw = (subnet.get("gateway") or {}).get("address")
                if gw and idx == 0:
                    _x("ip", "netns", "exec", ns, "ip", "-6" if v6 else "-4", "route",
                       "replace", "default", "via", gw, "dev", ifname, check=False)

    def _start_guest(self, instance):
        ns = ns_name(instance)
        d = self._vm_dir(instance)
        self._stop_guest(instance, delete_ns=False)
        # setsid -f: the guest is re-parented to init, nova-compute does not
        # wait for it; redirections so that execute() does not wait either.
        _x("sh", "-c", 'exec setsid -f ip netns exec "$1" unshare --pid --fork '
           '--mount-proc --mount --uts --propagation private sh "$2" '
           '>>"$3" 2>&1 </dev/null', "sh", ns, os.path.join(d, "init.sh"),
           os.path.join(d, "console.log"))
        LOG.info("guest %s started (netns %s)", instance.uuid, ns)

    def _stop_guest(self, instance, delete_ns=True):
        """Every process in the guest's netns belongs to the guest."""
        ns = ns_name(instance)
        if os.path.exists("/run/netns/" + ns):
            for sig in (signal.SIGTERM, signal.SIGKILL):
                pids = ns_pids(ns)
                for p in pids:
                    try:
                        os.kill(p, sig)
                    except OSError:
                        pass
                for _ in range(20):
                    if not ns_pids(ns):
                        break
                    time.sleep(0.1)
            if delete_ns:
                # deleting the namespace destroys the veth pairs (and tap ends)
                _x("ip", "netns", "del", ns, check=False)
                LOG.info("netns %s removed", ns)

    def _neutron_failed_callback(self, event_name, instance):
        LOG.error("Neutron reported failure on event %s for instance %s",
                  event_name, instance.uuid)
        if CONF.vif_plugging_is_fatal:
            raise exception.VirtualInterfaceCreateException()

    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None, power_on=True, accel_info=None):
        events = [("network-vif-plugged", vif["id"])
                  for vif in network_info or [] if not vif.get("active", True)]
        t0 = time.time()
        os.makedirs(self._vm_dir(instance), exist_ok=True)
        try:
            with self.virtapi.wait_for_instance_event(
                    instance, events, deadline=CONF.vif_plugging_timeout,
                    error_callback=self._neutron_failed_callback):
                self._plug_all(instance, network_info)
                self._write_guest_files(context, instance, network_info, injected_files)
                self._start_guest(instance)
        except Exception as e:  # eventlet Timeout is not an Exception subclass
            LOG.error("plugging %s failed: %s", instance.uuid, e)
            self._stop_guest(instance)
            raise
        except BaseException as e:
            if type(e).__name__ == "Timeout":
                LOG.warning("timeout waiting for vif plugged events for %s", instance.uuid)
                if CONF.vif_plugging_is_fatal:
                    self._stop_guest(instance)
                    raise exception.VirtualInterfaceCreateException()
            else:
                raise
        LOG.info("vifs of %s plugged in %.1fs", instance.uuid, time.time() - t0)
        super().spawn(context, instance, image_meta, injected_files,
                      admin_password, allocations, network_info,
                      block_device_info, power_on, accel_info)

    def destroy(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True, destroy_secrets=True):
        self._stop_guest(instance)
        if destroy_disks:
            shutil.rmtree(self._vm_dir(instance), ignore_errors=True)
        super().destroy(context, instance, network_info, block_device_info,
                        destroy_disks, destroy_secrets)
