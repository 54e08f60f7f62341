#!/bin/bash
# Time split of a cloud run on the OpenStack lab (tests/lab/openstack):
# setup (until every VM is reachable with its tool), measurement (the six
# flows) and teardown, from the phase lines vmtp logs, plus the wall time.
#
#   bench/cloud_time.sh BUILD_DIR [VMTP OPTIONS...]
# Default measurement settings (TUI, 10 s, 3 TCP loops, 3 UDP and 3 ICMP
# sizes) unless options are given, e.g. `-t 2 --protocols TI`. The lab's
# addresses come from a generated configuration (198.19.66-67.x, image
# uploaded from a small file and deleted after the run).
# VMTP_BENCH_KEEP=FILE keeps vmtp's log (stderr) there, e.g. of a -d run.
set -uo pipefail
build=${1:?usage: cloud_time.sh BUILD_DIR [VMTP OPTIONS...]}; shift
[[ -n ${OS_AUTH_URL:-} ]] || . /var/lib/vmtp-oslab/admin-openrc
dir=$(mktemp -d /tmp/vt-cl-bench-XXXXXX)
trap '[[ -n ${VMTP_BENCH_KEEP:-} ]] && cp "$dir/err" "$VMTP_BENCH_KEEP"; rm -rf "$dir"' EXIT
printf 'vt-cl bench image\n' >"$dir/img.qcow2"
cat >"$dir/cfg.yaml" <<EOC
image_name: 'vt-cl-bench-image-$$'
flavor_type: 'vt-cl-flavor'
flavor: {vcpus: 1, ram: 128, disk: 0}
dns_nameservers: []
router_name: 'vt-cl-router'
internal_network_name: ['vt-cl-net1', 'vt-cl-net2']
internal_subnet_name: ['vt-cl-sub1', 'vt-cl-sub2']
internal_cidr: ['198.19.66.0/24', '198.19.67.0/24']
public_key_name: 'vt-cl-kp'
vm_name_server: 'vt-cl-srv'
vm_name_client: 'vt-cl-cli'
security_group_name: 'vt-cl-sg'
ext_net_name: 'public'
EOC
t0=$(date +%s.%N)
XDG_STATE_HOME=$dir/state "$build/src/cli/vmtp" -c "$dir/cfg.yaml" \
  --vm-image-url "file://$dir/img.qcow2" --delete-image-after-run \
  --json "$dir/res.json" "$@" >"$dir/out" 2>"$dir/err"
rc=$?
t1=$(date +%s.%N)
echo "vmtp exit $rc, wall $(echo "$t1 - $t0" | bc) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E 'cloud run: .* at \+|setup [0-9.]+ s, measurement' "$dir/err" | sed 's/^[^ ]* *INFO //'
grep -E '^\| [0-9]\.[0-9]' "$dir/out" | grep -c PASSED | sed 's/^/scenarios passed: /'
[[ $rc == 0 ]] || tail -n 20 "$dir/err"
exit $rc
