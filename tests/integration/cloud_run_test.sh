#!/bin/bash
# End-to-end cloud runs of the vmtp CLI on the OpenStack lab
# (tests/lab/openstack): the JSON is checked flow by flow and the
# project's resource lists after the run must equal those before.
#
#   cloud_run_test.sh VMTP OS_SEQUENCE CLOUD_CHECK CASE
# CASE: default      six flows, image uploaded from file:// and deleted
#       placement    --hypervisor twice (reversed), --inter-node-only,
#                    --same-network-only, --test-description; bad
#                    --hypervisor values refused before anything exists
#       reuse        --reuse_network_name provider (L2 flows only, the
#                    network is kept), image from http:// and deleted
#       ipv6         ipv6_mode slaac: fixed-IP flows over IPv6 (also
#                    across the router), floating IP flow over IPv4
#       sigterm      SIGTERM while the VMs boot: exit 143, nothing left
#       external     --external-host and --host with -r (native, then
#                    cloud flows in one run): an sshd of this test in the root
#                    namespace on 198.19.200.1 (the lab's br-ex, outside
#                    the cloud, reaching the floating IPs); the VM and
#                    the external host use a configured key pair; the
#                    same sshd is the --controller-node
#       stoponerror  --stop-on-error with a security group (found, not
#                    made) without ICMP: the ping flow fails, the run stops
#                    and keeps everything, exit 1; then vmtp --cleanup
#                    (this and bootfail on the provider network: no router
#                    or floating IP, the fewest Neutron calls)
#       bootfail     a flavor forbidding a custom trait that compute-2's
#                    resource provider gets: the inter-node VM goes to
#                    ERROR (No valid host), its flow has the error, the
#                    intra-node flow is measured, exit 1
#       vnic         --vnic-type direct on Linux-bridge Neutron: every VM
#                    fails to bind, flows say so, exit 1, nothing left
#       keepfirst    --keep-first-flow-and-exit --no-dhcp --vnic-type
#                    normal --os-dataplane-network provider: one flow,
#                    subnets without DHCP, the static address file and
#                    network_data.json on the config drive, the agents'
#                    provider bridge logged, everything kept; then
#                    vmtp --cleanup
#       nofip        --no-floatingip with ipv6_mode dhcpv6-stateful: SSH to
#                    the fixed IPs through a router of this test (routes
#                    in the root namespace), floating IP flows skipped,
#                    ICMPv6 within a network and across the router
#       nofip_stateless  the same with ipv6_mode dhcpv6-stateless
#       exitcodes    wrong password, unreachable API, unknown zone: the
#                    documented exit codes, nothing created
# Env (only for a lab shared with other tests running at the same time):
# VMTP_CLOUD_TEST_SHARED and VMTP_CLOUD_TEST_IGNORE (cloud_lib.sh).
# VMTP_TEST_TAG (default vt-cl) prefixes every name and the temporary
# directory (on a shared lab, only resources carrying it count);
# VMTP_CLOUD_TEST_CIDR4 and VMTP_CLOUD_TEST_CIDR6 give the two tenant
# subnets ("a/24,b/24"; defaults 198.19.64-65.0/24, 2001:db8:64-65::/64).
set -uo pipefail
vmtp=$1 seqb=$2 check=$3 case=$4
# shellcheck source=cloud_lib.sh
. "$(dirname "$0")/cloud_lib.sh"
cl_need_lab
tag=${VMTP_TEST_TAG:-vt-cl}
cidr4=${VMTP_CLOUD_TEST_CIDR4:-198.19.64.0/24,198.19.65.0/24}
cidr6=${VMTP_CLOUD_TEST_CIDR6:-2001:db8:64::/64,2001:db8:65::/64}
fixture=$(dirname "$check")/cloud_fixture.py
dir=$(mktemp -d "/tmp/$tag-run-XXXXXX")
httpd=""
undo=()   # commands the trap runs (fixtures of a case)
cleanup() {
  [[ -n $httpd ]] && kill "$httpd" 2>/dev/null
  local u
  for u in "${undo[@]}"; do eval "$u" >/dev/null 2>&1; done
  # whatever a failed case left behind
  [[ -d $dir/state/vmtp/ledger ]] && XDG_STATE_HOME=$dir/state "$vmtp" --cleanup >/dev/null 2>&1
  rm -rf "$dir"
}
trap cleanup EXIT
snap() { cl_snap "$seqb"; }
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

printf 'vt-cl image %s\n' "$$" >"$dir/img.qcow2"
cl_write_cfg "$dir/cfg.yaml" "$tag" "$cidr4" "$cidr6"
# run_vmtp NAME ARGS...: rc in $rc, log in $dir/NAME.err, JSON $dir/NAME.json
run_vmtp() {
  local name=$1; shift
  local t0=$SECONDS
  XDG_STATE_HOME=$dir/state timeout 1500 "$vmtp" -c "$dir/cfg.yaml" -t 1 \
    --json "$dir/$name.json" "$@" >"$dir/$name.out" 2>"$dir/$name.err"
  rc=$?
  echo "$name: exit $rc in $((SECONDS - t0)) s; $(grep -o 'setup .*teardown [0-9.]* s' "$dir/$name.err")"
}
show() { echo "--- $1 log (tail)"; tail -n 25 "$dir/$1.err"; }
# cfg KEY VALUE: replace a key of the test configuration
cfg() { sed -i "/^$1:/d" "$dir/cfg.yaml"; printf '%s: %s\n' "$1" "$2" >>"$dir/cfg.yaml"; }
run_id() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' "$dir/$1.json"; }
# kept NAME: the run stopped with its resources kept and said how to
# remove them; then `vmtp --cleanup RUN_ID` removes them (ledger done)
kept_then_cleanup() {
  local id n
  id=$(run_id "$1") || { fail "$1: no run_id"; return; }
  grep -q "vmtp --cleanup $id" "$dir/$1.err" || fail "$1: no 'vmtp --cleanup $id' hint"
  grep -q '^done' "$dir/state/vmtp/ledger/$id.log" && fail "$1: ledger marked done"
  n=$(snap | grep -c "^server .*-$id\$")
  [[ $n -ge 1 ]] || fail "$1: no server of run $id kept"
  echo "$1: run $id stopped, $n servers kept"
  XDG_STATE_HOME=$dir/state timeout 900 "$vmtp" --cleanup "$id" >"$dir/$1-cleanup.out" 2>&1
  local r=$?
  [[ $r == 0 ]] || { fail "$1: --cleanup $id exit $r"; tail -5 "$dir/$1-cleanup.out"; }
  grep -q '^done' "$dir/state/vmtp/ledger/$id.log" || fail "$1: ledger not done after --cleanup"
  [[ -e $dir/state/vmtp/run-$id ]] && fail "$1: run directory (SSH key) left after --cleanup"
  echo "$1: --cleanup $id exit $r"
}
same_cloud() {
  snap >"$dir/after"
  if [[ $(cl_diff "$dir/before" "$dir/after" "$dir/diff" "${VMTP_TEST_TAG:+$tag}") != 0 ]]; then
    fail "$1: the cloud's resources differ after the run"; cat "$dir/diff"
  else
    echo "$1: resource lists equal before/after ($(wc -l <"$dir/before") resources)"
  fi
}
flows6="VM to VM same network fixed IP (intra-node);VM to VM different network fixed IP (intra-node);VM to VM different network floating IP (intra-node);VM to VM same network fixed IP (inter-node);VM to VM different network fixed IP (inter-node);VM to VM different network floating IP (inter-node)"

snap >"$dir/before" || { echo "cannot list the cloud"; exit 1; }
case $case in
default)
  run_vmtp default --vm-image-url "file://$dir/img.qcow2" --delete-image-after-run
  [[ $rc == 0 ]] || { fail "default: exit $rc"; show default; }
  python3 "$check" "$dir/default.json" --flows "$flows6" --az-to nova:compute-1 \
    --az-from nova:compute-1,nova:compute-1,nova:compute-1,nova:compute-2 || fail "default: JSON"
  grep -q 'Same Network, Fixed IP, Inter-node, TCP *| PASSED' "$dir/default.out" || fail "default: table"
  same_cloud default
  ;;
placement)
  for hv in "nova:compute-9" "nohost" "other:compute-1"; do
    XDG_STATE_HOME=$dir/state "$vmtp" -c "$dir/cfg.yaml" --hypervisor "$hv" >"$dir/hv.out" 2>&1
    r=$?
    if [[ $r != 2 ]] || ! grep -Eq 'No match for availability zone and host|Passed host name does not exist' "$dir/hv.out"; then
      fail "--hypervisor $hv: exit $r"; cat "$dir/hv.out"
    fi
  done
  echo "placement: bad --hypervisor values refused"
  run_vmtp placement --vm-image-url "file://$dir/img.qcow2" --delete-image-after-run \
    --hypervisor nova:compute-2 --hypervisor compute-1 --inter-node-only \
    --same-network-only --test-description "vt-cl placement"
  [[ $rc == 0 ]] || { fail "placement: exit $rc"; show placement; }
  python3 "$check" "$dir/placement.json" --flows "VM to VM same network fixed IP (inter-node)" \
    --az-to nova:compute-2 --az-from nova:compute-1 || fail "placement: JSON"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d.get("test_description") != "vt-cl placement")' \
    "$dir/placement.json" || fail "placement: test_description"
  same_cloud placement
  ;;
reuse)
  mkdir -p "$dir/www" && cp "$dir/img.qcow2" "$dir/www/img.qcow2"
  port=$((20000 + $$ % 20000))
  (cd "$dir/www" && exec python3 -m http.server --bind 127.0.0.1 "$port") >/dev/null 2>&1 &
  httpd=$!
  sleep 1
  run_vmtp reuse --vm-image-url "http://127.0.0.1:$port/img.qcow2" --delete-image-after-run \
    --reuse_network_name provider
  [[ $rc == 0 ]] || { fail "reuse: exit $rc"; show reuse; }
  python3 "$check" "$dir/reuse.json" \
    --flows "VM to VM same network fixed IP (intra-node);VM to VM same network fixed IP (inter-node)" \
    --az-to nova:compute-1 || fail "reuse: JSON"
  grep -q ' provider$' "$dir/before" || fail "reuse: no provider network in the lab"
  same_cloud reuse
  ;;
ipv6)
  printf 'ipv6_mode: slaac\n' >>"$dir/cfg.yaml"
  run_vmtp ipv6 --vm-image-url "file://$dir/img.qcow2" --delete-image-after-run
  [[ $rc == 0 ]] || { fail "ipv6: exit $rc"; show ipv6; }
  python3 "$check" "$dir/ipv6.json" --flows "$flows6" --v6 --az-to nova:compute-1 || fail "ipv6: JSON"
  same_cloud ipv6
  ;;
sigterm)
  XDG_STATE_HOME=$dir/state "$vmtp" -c "$dir/cfg.yaml" -t 1 \
    --vm-image-url "file://$dir/img.qcow2" --delete-image-after-run >"$dir/sig.out" 2>"$dir/sig.err" &
  pid=$!
  # wait until the second server is being created (the ledger says so)
  for _ in $(seq 600); do
    n=$(cat "$dir"/state/vmtp/ledger/*.log 2>/dev/null | grep -c '^intent [0-9]* server')
    [[ $n -ge 2 ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -TERM "$pid"
  t0=$SECONDS
  wait "$pid"; rc=$?
  echo "sigterm: sent after $n server intents; exit $rc, teardown $((SECONDS - t0)) s"
  [[ $rc == 143 ]] || { fail "sigterm: exit $rc, want 143"; tail -n 20 "$dir/sig.err"; }
  grep -q '^done' "$dir"/state/vmtp/ledger/*.log || fail "sigterm: the ledger is not marked done"
  same_cloud sigterm
  ;;
external)
  ssh-keygen -q -t ed25519 -N '' -f "$dir/key" || exit 1
  ssh-keygen -q -t ed25519 -N '' -f "$dir/hostkey" || exit 1
  cp "$dir/key.pub" "$dir/authorized_keys"
  # sshd reads it as the user: let ubuntu through the 0700 test directory
  chmod 711 "$dir" && chmod 644 "$dir/authorized_keys"
  cat >"$dir/sshd_config" <<EOS
ListenAddress 198.19.200.1
Port 22
HostKey $dir/hostkey
AuthorizedKeysFile $dir/authorized_keys
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PidFile none
EOS
  /usr/sbin/sshd -D -e -f "$dir/sshd_config" 2>"$dir/sshd.log" &
  httpd=$!   # stopped by the trap like the HTTP server
  printf "public_key_file: '%s'\nprivate_key_file: '%s'\nknown_hosts_file: '%s'\n" \
    "$dir/key.pub" "$dir/key" "$dir/known_hosts" >>"$dir/cfg.yaml"
  # the same sshd is also a native --host: its flow comes first, then the
  # cloud's (credentials by -r: OS_* alone would not add the cloud run)
  for v in "${!OS_@}"; do printf "export %s='%s'\n" "$v" "${!v}"; done >"$dir/openrc"
  run_vmtp external --vm-image-url "file://$dir/img.qcow2" --delete-image-after-run \
    --same-network-only --hypervisor compute-1 --accept-unknown-host-keys \
    --external-host ubuntu@198.19.200.1 --host ubuntu@198.19.200.1 -r "$dir/openrc" \
    --controller-node ubuntu@198.19.200.1
  [[ $rc == 0 ]] || { fail "external: exit $rc"; show external; tail -5 "$dir/sshd.log"; }
  python3 "$check" "$dir/external.json" \
    --flows "Native intra-host;VM to VM same network fixed IP (intra-node);External-VM" || fail "external: JSON"
  python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["flows"][-1]; sys.exit(not (f["ip_from"] == "198.19.200.1" and any(r.get("direction") == "reverse" for r in f["results"])))' \
    "$dir/external.json" || fail "external: External-VM is not from 198.19.200.1 in both directions"
  # the same host as --controller-node (the lab's own Debian and OpenStack)
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d.get("distro") and d.get("openstack_version")))' \
    "$dir/external.json" || fail "external: no distro/openstack_version from --controller-node"
  same_cloud external
  ;;
stoponerror)
  sg="$tag-noicmp-sg"
  undo+=("/usr/bin/python3 '$fixture' sg-delete '$sg'")
  /usr/bin/python3 "$fixture" sg-noicmp "$sg" >/dev/null || fail "stoponerror: fixture"
  cfg security_group_name "'$sg'"
  run_vmtp stoponerror --vm-image-url "file://$dir/img.qcow2" --delete-image-after-run \
    --protocols I --reuse_network_name provider --hypervisor compute-1 --stop-on-error
  [[ $rc == 1 ]] || { fail "stoponerror: exit $rc, want 1"; show stoponerror; }
  python3 "$check" "$dir/stoponerror.json" --protocols I \
    --flows "VM to VM same network fixed IP (intra-node)" --fail-flows 0 || fail "stoponerror: JSON"
  kept_then_cleanup stoponerror
  /usr/bin/python3 "$fixture" sg-delete "$sg" || fail "stoponerror: security group"
  same_cloud stoponerror
  ;;
bootfail)
  trait=CUSTOM_$(tr 'a-z-' 'A-Z_' <<<"$tag")_NOBOOT
  undo+=("/usr/bin/python3 '$fixture' trait-unset compute-2 $trait")
  /usr/bin/python3 "$fixture" trait-set compute-2 "$trait" || fail "bootfail: fixture"
  cfg flavor_type "'$tag-noboot'"
  cfg flavor "{vcpus: 1, ram: 128, disk: 0, extra_specs: {'trait:$trait': 'forbidden'}}"
  run_vmtp bootfail --vm-image-url "file://$dir/img.qcow2" --delete-image-after-run \
    --protocols I --reuse_network_name provider
  [[ $rc == 1 ]] || { fail "bootfail: exit $rc, want 1"; show bootfail; }
  python3 "$check" "$dir/bootfail.json" --protocols I \
    --flows "VM to VM same network fixed IP (intra-node);VM to VM same network fixed IP (inter-node)" \
    --fail-flows 1 --error-like 'VM cannot be spawned.*(No valid host|ERROR)' || fail "bootfail: JSON"
  /usr/bin/python3 "$fixture" trait-unset compute-2 "$trait" || fail "bootfail: trait"
  same_cloud bootfail
  ;;
vnic)
  run_vmtp vnic --vm-image-url "file://$dir/img.qcow2" --delete-image-after-run \
    --protocols I --same-network-only --hypervisor compute-1 --vnic-type direct
  [[ $rc == 1 ]] || { fail "vnic: exit $rc, want 1"; show vnic; }
  python3 "$check" "$dir/vnic.json" --protocols I \
    --flows "VM to VM same network fixed IP (intra-node)" --fail-flows 0 \
    --error-like 'vnic-type direct' || fail "vnic: JSON"
  same_cloud vnic
  ;;
keepfirst)
  run_vmtp keepfirst --vm-image-url "file://$dir/img.qcow2" --delete-image-after-run \
    --protocols I --hypervisor compute-1 --keep-first-flow-and-exit --no-dhcp --vnic-type normal \
    --os-dataplane-network provider
  [[ $rc == 0 ]] || { fail "keepfirst: exit $rc, want 0"; show keepfirst; }
  grep -q 'data plane network provider on compute-1: br-prov' "$dir/keepfirst.err" ||
    fail "keepfirst: no data plane interface logged for --os-dataplane-network provider"
  python3 "$check" "$dir/keepfirst.json" --protocols I \
    --flows "VM to VM same network fixed IP (intra-node)" || fail "keepfirst: JSON"
  id=$(run_id keepfirst)
  /usr/bin/python3 "$fixture" subnets "^$tag-sub.*-$id\$" >"$dir/subnets"
  [[ $(grep -c ' False$' "$dir/subnets") == 2 && $(grep -c ' True$' "$dir/subnets") == 0 ]] ||
    { fail "keepfirst: subnets with DHCP"; cat "$dir/subnets"; }
  # the server's config drive: the original's interfaces file, network_data.json
  srv=$(awk '$1 == "intent" && $3 == "server" {s[$2] = 1} $1 == "created" && s[$2] {print $3; exit}' \
    "$dir/state/vmtp/ledger/$id.log")
  cd_dir=${OSL_STATE:-/var/lib/vmtp-oslab}/vms/$srv/config-drive/openstack
  grep -rqs 'iface eth0 inet static' "$cd_dir/content" || fail "keepfirst: no interfaces file on the config drive"
  grep -qs '"type": *"ipv4"' "$cd_dir/latest/network_data.json" || fail "keepfirst: network_data.json not static"
  kept_then_cleanup keepfirst
  same_cloud keepfirst
  ;;
nofip | nofip_stateless)
  # the fixed-IP flows over IPv6 within a network and across the router
  mode=dhcpv6-stateful
  [[ $case == nofip_stateless ]] && mode=dhcpv6-stateless
  rt="$tag-nofip-rt"
  undo+=("/usr/bin/python3 '$fixture' router-delete '$rt'")
  gw=$(/usr/bin/python3 "$fixture" router-create "$rt") || fail "$case: router"
  for c in ${cidr4//,/ }; do
    undo+=("ip route del $c via $gw")
    ip route replace "$c" via "$gw" || fail "$case: route $c"
  done
  cfg router_name "'$rt'"
  cfg ipv6_mode "$mode"
  run_vmtp "$case" --vm-image-url "file://$dir/img.qcow2" --delete-image-after-run \
    --protocols I --hypervisor compute-1 --no-floatingip
  [[ $rc == 0 ]] || { fail "$case: exit $rc"; show "$case"; }
  python3 "$check" "$dir/$case.json" --protocols I --v6 \
    --flows "VM to VM same network fixed IP (intra-node);VM to VM different network fixed IP (intra-node)" ||
    fail "$case: JSON"
  grep -q '^intent [0-9]* fip' "$dir"/state/vmtp/ledger/*.log && fail "$case: a floating IP was made"
  for c in ${cidr4//,/ }; do ip route del "$c" via "$gw"; done
  /usr/bin/python3 "$fixture" router-delete "$rt" || fail "$case: router delete"
  same_cloud "$case"
  ;;
exitcodes)
  # expect WANT NAME ENV...: vmtp with these variables, exit WANT, no run
  expect() {
    local want=$1 name=$2 r; shift 2
    env "$@" XDG_STATE_HOME="$dir/state" timeout 300 "$vmtp" -c "$dir/cfg.yaml" \
      -t 1 --protocols I >"$dir/$name.out" 2>&1
    r=$?
    if [[ $r == "$want" ]]; then echo "exitcodes: $name exit $r"; else
      fail "exitcodes: $name exit $r, want $want"; tail -3 "$dir/$name.out"; fi
  }
  expect 3 wrong-password OS_PASSWORD="wrong-$$"
  expect 3 unreachable-api OS_AUTH_URL=http://127.0.0.1:9/v3
  cfg availability_zone "'$tag-nozone'"
  expect 2 unknown-zone
  grep -q 'No host matching the selection for availability zone' "$dir/unknown-zone.out" ||
    fail "exitcodes: unknown zone message"
  same_cloud exitcodes
  ;;
*) echo "unknown case $case"; exit 2 ;;
esac
echo "$fails failed"
[[ $fails == 0 ]]
