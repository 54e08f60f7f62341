# Shell helpers shared by the cloud tests that run the vmtp CLI on the
# OpenStack lab (cloud_run_test.sh, cloud_fault_matrix.sh). Source it.
#
# Env read here (for a lab shared with tests running at the same time):
# VMTP_CLOUD_TEST_SHARED=1 counts only resources that appeared (others
# may delete theirs meanwhile) and VMTP_CLOUD_TEST_IGNORE is an ERE of
# snapshot lines to ignore (their resources, e.g. 'vt-cx|network:').
# shellcheck shell=bash

cl_need_lab() {
  [[ -n ${OS_AUTH_URL:-} ]] && return 0
  echo "OS_AUTH_URL not set: run through tests/lab/openstack/run-cloud-tests.sh"
  exit 1
}

# cl_write_cfg FILE PREFIX CIDR4S CIDR6S: a vmtp configuration for the
# lab; every name starts with PREFIX, the two tenant subnets are given as
# "a/24,b/24" and "c/64,d/64".
cl_write_cfg() {
  local f=$1 p=$2 c4=$3 c6=$4
  cat >"$f" <<EOC
image_name: '$p-image-$$'
flavor_type: '$p-flavor'
flavor: {vcpus: 1, ram: 128, disk: 0}
dns_nameservers: []
router_name: '$p-router'
internal_network_name: ['$p-net1', '$p-net2']
internal_subnet_name: ['$p-sub1', '$p-sub2']
internal_subnet_name_v6: ['$p-sub6-1', '$p-sub6-2']
internal_cidr: ['${c4%,*}', '${c4#*,}']
internal_cidr_v6: ['${c6%,*}', '${c6#*,}']
public_key_name: '$p-kp'
vm_name_server: '$p-srv'
vm_name_client: '$p-cli'
security_group_name: '$p-sg'
ext_net_name: 'public'
ssh_vm_username: 'ubuntu'
ping_count: 2
tcp_tp_loop_count: 1
icmp_pkt_sizes: [64]
udp_pkt_sizes: [1024]
EOC
}

# cl_snap OS_SEQUENCE: the project's resources, one "type id ..." a line
cl_snap() {
  "$1" snapshot | grep -Ev "${VMTP_CLOUD_TEST_IGNORE:-^$}"
}

# cl_diff BEFORE AFTER OUT [MINE]: the differences between two snapshots
# into OUT; prints their number. Shared lab: only lines that appeared,
# and when the ERE MINE is given only those matching it (every resource
# vmtp creates carries the run id in its name or description; unnamed
# ports belong to a network, router or floating IP that carries it).
cl_diff() {
  local before=$1 after=$2 out=$3 mine=${4:-}
  diff "$before" "$after" | grep '^[<>]' >"$out"
  if [[ ${VMTP_CLOUD_TEST_SHARED:-0} == 1 ]]; then
    sed -i '/^</d' "$out"
    [[ -n $mine ]] && { grep -E -- "$mine" "$out" >"$out.mine"; mv "$out.mine" "$out"; }
  fi
  wc -l <"$out"
}
