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
#                    the external host use a configured key pair
# Env (only for a lab shared with other tests running at the same time):
# VMTP_CLOUD_TEST_SHARED and VMTP_CLOUD_TEST_IGNORE (cloud_lib.sh).
set -uo pipefail
vmtp=$1 seqb=$2 check=$3 case=$4
# shellcheck source=cloud_lib.sh
. "$(dirname "$0")/cloud_lib.sh"
cl_need_lab
dir=$(mktemp -d /tmp/vt-cl-run-XXXXXX)
httpd=""
cleanup() {
  [[ -n $httpd ]] && kill "$httpd" 2>/dev/null
  # whatever a failed case left behind
  [[ -d $dir/state/vmtp/ledger ]] && XDG_STATE_HOME=$dir/state "$vmtp" --cleanup >/dev/null 2>&1
  rm -rf "$dir"
}
trap cleanup EXIT
snap() { cl_snap "$seqb"; }
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

printf 'vt-cl image %s\n' "$$" >"$dir/img.qcow2"
cl_write_cfg "$dir/cfg.yaml" vt-cl 64 64
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
same_cloud() {
  snap >"$dir/after"
  if [[ $(cl_diff "$dir/before" "$dir/after" "$dir/diff") != 0 ]]; then
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
    --external-host ubuntu@198.19.200.1 --host ubuntu@198.19.200.1 -r "$dir/openrc"
  [[ $rc == 0 ]] || { fail "external: exit $rc"; show external; tail -5 "$dir/sshd.log"; }
  python3 "$check" "$dir/external.json" \
    --flows "Native intra-host;VM to VM same network fixed IP (intra-node);External-VM" || fail "external: JSON"
  python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["flows"][-1]; sys.exit(not (f["ip_from"] == "198.19.200.1" and any(r.get("direction") == "reverse" for r in f["results"])))' \
    "$dir/external.json" || fail "external: External-VM is not from 198.19.200.1 in both directions"
  same_cloud external
  ;;
*) echo "unknown case $case"; exit 2 ;;
esac
echo "$fails failed"
[[ $fails == 0 ]]
