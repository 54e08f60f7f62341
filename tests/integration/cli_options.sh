#!/usr/bin/env bash
# Table-driven test of the vmtp command line: runs the real binary with
# valid and invalid values for every option and checks the exit code and
# a message substring (and, for secrets, that the secret is NOT printed).
#   cli_options.sh /path/to/vmtp SOURCE_ROOT
set -u
vmtp=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
tmp=$(mktemp -d /tmp/vt-cli-opts.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rc3="$src/tests/data/openrc/dashboard-v3-openrc.sh"
rc2="$src/tests/data/openrc/dashboard-v2-openrc.sh"
printf 'image_name: x\ntimee: 3\n' >"$tmp/bad.yaml"
mkdir -p "$tmp/cloudsdir"
cp "$src/tests/data/clouds/clouds.yaml" "$tmp/cloudsdir/clouds.yaml"

pass=0
fail=0
extra_env=()
cwd=$tmp

# t EXPECTED_RC MUST_CONTAIN [--not MUST_NOT_CONTAIN] -- ARGS...
t() {
  local want=$1 must=$2 mustnot="" out rc
  shift 2
  if [ "$1" = --not ]; then mustnot=$2; shift 2; fi
  [ "$1" = -- ] && shift
  out=$(cd "$cwd" && env -i HOME="$tmp" PATH=/usr/bin:/bin "${extra_env[@]}" \
        "$vmtp" "$@" </dev/null 2>&1)
  rc=$?
  if [ "$rc" -ne "$want" ] || [[ "$out" != *"$must"* ]] ||
     { [ -n "$mustnot" ] && [[ "$out" == *"$mustnot"* ]]; }; then
    fail=$((fail + 1))
    printf 'FAIL: vmtp %s\n  want rc=%s and "%s"%s\n  got rc=%s: %s\n' \
      "$*" "$want" "$must" "${mustnot:+ without \"$mustnot\"}" "$rc" \
      "$(printf '%s' "$out" | head -n 3)"
  else
    pass=$((pass + 1))
    printf 'ok %d: vmtp %s\n' "$((pass + fail))" "$*"
  fi
}

engine="dry run: options, configuration and credentials are valid"
nothing="nothing to run"

# help, version, show-config
t 0 "usage: vmtp"                       -- -h
t 0 "--accept-unknown-host-keys"        -- --help
t 0 "exit status:"                      -- --time 5 -h
t 0 "128+N  stopped by signal N"        -- -h
t 0 "0."                                -- -v
t 0 "0."                                -- --version
t 0 "image_name: "                      -- -sc
t 0 "udp_pkt_sizes: [128, 1024, 8192]"  -- --show-config
# -c
t 2 "cannot open '/nonexistent.yaml'"   -- -c /nonexistent.yaml -sc
t 2 "bad.yaml:2: unknown key 'timee'"   -- -c "$tmp/bad.yaml" -sc
t 2 "option '-c' needs a value"         -- -c
t 2 "option '--config': invalid value '': empty file name" -- --config=
# -t
t 0 "time: 20"                          -- -t 20 -sc
t 0 "time: 5"                           -- --time=5 -sc
t 0 "time: 7"                           -- -t7 -sc
t 2 "option '-t/--time': invalid value '0'" -- -t 0
t 2 "in 1..3600"                        -- -t 3601
t 2 "invalid value 'abc'"               -- --time abc
t 2 "invalid value '-5'"                -- -t -5
# --bandwidth
t 0 "vm_bandwidth: 32000"               -- --bandwidth 32M -sc
t 0 "vm_bandwidth: 5000000"             -- --bandwidth=5g -sc
t 2 "option '--bandwidth': invalid value '12Q'" -- --bandwidth 12Q
t 2 "must be positive"                  -- --bandwidth -5M
t 2 "K, M or G suffix"                  -- --bandwidth 0
t 2 "option '--bandwidth'"              -- --bandwidth 100
# buffer and size lists
t 0 "tcp_pkt_sizes: [8192, 65536]"      -- --tcpbuf 8192,65536 -sc
t 2 "option '--tcpbuf': invalid value '0'" -- --tcpbuf 0
t 2 "option '--tcpbuf'"                 -- --tcpbuf 1,,2
t 0 "udp_pkt_sizes: [128, 65507]"       -- --udpbuf 128,65507 -sc
t 2 "option '--udpbuf': invalid value '65508'" -- --udpbuf 65508
t 2 "comma-separated integers"          -- --udpbuf 128,abc
t 0 "icmp_pkt_sizes: [0, 1500]"         -- --icmp_pkt_sizes 0,1500 -sc
t 2 "option '--icmp_pkt_sizes'"         -- --icmp_pkt_sizes 70000
# --protocols, --tp-tool, --vnic-type
t 0 'protocols: "TUI"'                  -- --protocols tui -sc
t 0 'protocols: "M"'                    -- --protocols M -sc
t 2 "option '--protocols': invalid value 'TX'" -- --protocols TX
t 2 "letters from T"                    -- --protocols ''
t 0 'tp_tool: "iperf"'                  -- --tp-tool IPERF -sc
t 0 'tp_tool: "iperf3"'                 -- --tp-tool=iperf3 -sc
t 2 "nuttcp, iperf, iperf3 or vmtp"     -- --tp-tool netperf
t 0 'vnic_type: "direct"'               -- --vnic-type direct -sc
t 2 "option '--vnic-type': invalid value 'sriov'" -- --vnic-type sriov
# --host
t 0 "$engine"                           -- --dry-run --host root@198.18.0.2
t 0 "$engine"                           -- --dry-run --host 'root@[2001:db8::5]:pw:eth1'
t 0 "$engine"                           -- --dry-run --host root@node1.example.org:pw
t 0 'hosts: ["root@198.18.0.1", "u@[2001:db8::2]::eth1"]' --not S3cret -- \
    --host root@198.18.0.1:S3cret --host 'u@[2001:db8::2]:S3cret:eth1' -sc
t 2 "not a valid IPv4 address"          -- --host root@300.1.1.1
t 2 "option '--host'"                   -- --host root@2001:db8::5
t 2 "given more than twice"             -- --host a@198.18.0.1 --host b@198.18.0.2 --host c@198.18.0.3
t 2 "interface name"                    -- --host 'root@198.18.0.1:pw:eth0;reboot'
t 2 "missing '@'"                       -- --host 198.18.0.1
t 2 "option '--host'" --not S3cret      -- --host 'root@bad_host:S3cret'
# --external-host, --controller-node
t 0 'ext_host: "root@198.18.0.3"' --not pw99 -- --external-host root@198.18.0.3:pw99 -sc
t 2 "option '--external-host'"          -- --external-host nobody
t 0 'controller_node: "root@[2001:db8::1]"' -- --controller-node 'root@[2001:db8::1]' -sc
t 2 "option '--controller-node'"        -- --controller-node @198.18.0.1
# -m, --mongod-server, --json
t 0 'gmond_svr_ip: "198.18.0.9"'        -- -m 198.18.0.9 -sc
t 0 "gmond_svr_port: 9000"              -- --monitor 198.18.0.9:9000 -sc
t 2 "option '-m': invalid value '198.18.0.9:0'" -- -m 198.18.0.9:0
t 2 "option '--monitor'"                -- --monitor bad_host
t 0 "vmtp_mongod_port: 27018"           -- --mongod-server '[2001:db8::7]:27018' -sc
t 2 "option '--mongod-server'"          -- --mongod-server 1.2.3.4.5
t 0 'json_file: "out.json"'             -- --json out.json -sc
t 2 "option '--json' needs a value"     -- --json
t 2 "option '--json' needs a value"     -- --json -d
# placement and networks
t 0 'availability_zone: "nova"'         -- --availability_zone nova -sc
t 2 "option '--availability_zone': invalid value '': empty value" -- --availability_zone ''
t 0 'hypervisors: ["nova:h1", "h2"]'    -- --hypervisor nova:h1 --hypervisor h2 -sc
t 2 "given more than twice"             -- --hypervisor a --hypervisor b --hypervisor c
t 2 "option '--hypervisor'"             -- --hypervisor :h1
t 0 'reuse_network_name: "provider-net"' -- --reuse_network_name provider-net -sc
t 2 "contains white space"              -- --reuse_network_name 'a b'
t 0 'os_dataplane_network: "physnet2"'  -- --os-dataplane-network physnet2 -sc
t 0 'vm_image_url: "file:///tmp/x.qcow2"' -- --vm-image-url file:///tmp/x.qcow2 -sc
t 2 "option '--vm-image-url'"           -- --vm-image-url ftp://example/x
t 0 'test_description: "Testbed 172"'   -- --test-description 'Testbed 172' -sc
t 0 'multicast_addr: "231.1.1.1"'       -- --multicast_addr 231.1.1.1 -sc
t 2 "multicast address"                 -- --multicast_addr 198.18.0.1
# flags
t 0 "inter_node_only: true"             -- --inter-node-only -sc
t 0 "same_network_only: true"           -- --same-network-only -sc
t 0 "delete_image_after_run: true"      -- --delete-image-after-run -sc
t 0 "stop_on_error: true"               -- --stop-on-error -sc
t 0 "no_dhcp: true"                     -- --no-dhcp -sc
t 0 "no_floatingip: true"               -- --no-floatingip -sc
t 0 "config_drive: true"                -- --use-config-drive -sc
t 0 "keep_first_flow_and_exit: true"    -- --keep-first-flow-and-exit -sc
t 0 "insecure: true"                    -- --insecure -sc
t 0 "accept_unknown_host_keys: true"    -- --accept-unknown-host-keys -sc
t 0 "debug: true"                       -- -d -sc
t 0 "debug: true"                       -- --debug -sc
t 2 "option '--debug' takes no value"   -- --debug=yes
t 2 "option '--inter-node-only' takes no value" -- --inter-node-only=yes
t 2 "options '-d' and '-q' conflict"    -- -d -q
t 0 "$engine"                           -- --dry-run -q --host root@198.18.0.1
t 0 "$engine"                           -- --dry-run --quiet --host root@198.18.0.1
t 2 "options '-d' and '-q' conflict"    -- --debug --quiet
t 0 "<MASKED>" --not S3cret             -- --dry-run -d --host root@198.18.0.1:S3cret -pS3cret
t 0 "--password=<MASKED> --external-host=root@198.18.0.4:<MASKED>" --not S3cret -- --dry-run \
    -d --password=S3cret --external-host=root@198.18.0.4:S3cret \
    --controller-node 'root@[2001:db8::5]:S3:cr3t' --host root@198.18.0.1:S3cret:eth0
t 0 "--host root@198.18.0.1:<MASKED>:eth0" --not S3cret -- --dry-run \
    -d -p S3cret --host root@198.18.0.1:S3cret:eth0
# log file
t 0 'log_file: "'                       -- --log-file "$tmp/log.txt" -sc
t 0 'log_file: "'                       -- --logfile "$tmp/log.txt" -sc
t 2 "cannot open log file"              -- --log-file /nonexistent/dir/log --host root@198.18.0.1
# credentials
t 0 "$engine"                           -- --dry-run -r "$rc3" -p pw
t 0 "$engine"                           -- --dry-run --rc="$rc3" --password=pw
t 2 "no OpenStack password"             -- -r "$rc3"
t 2 "Keystone v2 credentials are not supported" -- -r "$rc2" -p x
t 2 "cannot open '/nonexistent/openrc'" -- -r /nonexistent/openrc
t 2 "option '-p': invalid value: empty value" -- -p ''
t 2 "no clouds.yaml"                    -- --os-cloud lab
cwd=$tmp/cloudsdir
t 0 "$engine"                           -- --dry-run --os-cloud lab
t 2 "no cloud named 'nope'"             -- --os-cloud nope
cwd=$tmp
extra_env=(OS_AUTH_URL=https://198.18.0.10:5000/v3 OS_USERNAME=u
           OS_PASSWORD=envpw OS_PROJECT_NAME=p OS_USER_DOMAIN_NAME=Default
           OS_PROJECT_DOMAIN_NAME=Default)
t 0 "$engine"                           -- --dry-run
t 2 "$nothing"                          -- --no-env
t 0 "$engine"                           -- --dry-run --cleanup
extra_env=()
t 2 "--cleanup needs OpenStack credentials" -- --cleanup
t 0 "$engine"                           -- --dry-run --cleanup abc123 -r "$rc3" -p x
t 2 "option '--cleanup': invalid value 'bad/id'" -- --cleanup=bad/id
# unknown options and operands
t 2 "$nothing"                          --
t 2 "unknown option '--protocol'; did you mean '--protocols'?" -- --protocol T
t 2 "unknown option '--bogus'"          -- --bogus
t 2 "unknown option '-x'"               -- -x
t 2 "did you mean '--config'?"          -- -config a.yaml
t 2 "did you mean '--vnic-type'?"       -- --vnic_type direct
t 2 "did you mean '--availability_zone'?" -- --availability-zone nova
t 2 "unexpected argument 'extra'"       -- extra
t 2 "Try 'vmtp -h'"                     -- --

echo "cli_options: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -ge 40 ]
