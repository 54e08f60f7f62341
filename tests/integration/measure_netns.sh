#!/bin/sh
# Integration harness for tests/integration/test_measure.c: builds a lab of
# network namespaces (198.18.0.0/15 and 2001:db8::/32 only), runs one
# scenario of the test binary in it, and always tears the lab down.
#
#   measure_netns.sh plain   TEST_BIN   client <-> server on one veth pair
#   measure_netns.sh shaped  TEST_BIN   client <-> router <-> server; the
#                                       router shapes its egress toward the
#                                       server with tbf (200 Mbit/s, 20 ms)
#   measure_netns.sh shaped_udp TEST_BIN  the same at 20 Mbit/s for the UDP
#                                       search (lab-facts.md: this machine
#                                       cannot source much more UDP, less
#                                       so under load; VT_UDP_RATE_MBIT)
#   measure_netns.sh dropudp TEST_BIN   veth pair; the server drops all UDP
#
# Needs root, ip, tc, nft and the tools; exits 77 (skip) otherwise. The
# vmtp-agent driver is tested too when VT_AGENT_BIN names a working agent
# or $VMTP_BUILD_ROOT/src/agent/vmtp-agent is one.
set -eu
mode=$1
bin=$2
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
for c in ip tc nft ping nuttcp iperf iperf3; do
  command -v "$c" >/dev/null 2>&1 || { echo "SKIP: no $c"; exit 77; }
done

id=$$
# VT_NS_PREFIX: namespace name prefix (default vt-drv), for people sharing
# a machine who each name what they create with their own tag.
nsp=${VT_NS_PREFIX:-vt-drv}
C=$nsp-c$id
S=$nsp-s$id
R=$nsp-r$id
created=""

cleanup() {
  for ns in $created; do
    # stop what the test left in its namespaces (our processes only)
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

mkns() {
  ip netns add "$1"
  created="$created $1"
  ip -n "$1" link set lo up
}

mkns "$C"
mkns "$S"
if [ "$mode" = shaped ] || [ "$mode" = shaped_udp ]; then
  mkns "$R"
  ip link add "vtd${id}c" netns "$C" type veth peer name "vtd${id}rc" netns "$R"
  ip link add "vtd${id}s" netns "$S" type veth peer name "vtd${id}rs" netns "$R"
  ip -n "$C" addr add 198.18.71.1/24 dev "vtd${id}c"
  ip -n "$R" addr add 198.18.71.2/24 dev "vtd${id}rc"
  ip -n "$R" addr add 198.18.72.1/24 dev "vtd${id}rs"
  ip -n "$S" addr add 198.18.72.2/24 dev "vtd${id}s"
  for l in "$C vtd${id}c" "$S vtd${id}s" "$R vtd${id}rc" "$R vtd${id}rs"; do
    set -- $l
    ip -n "$1" link set "$2" up
  done
  ip -n "$C" route add default via 198.18.71.2
  ip -n "$S" route add default via 198.18.72.1
  ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
  # lab-facts.md: shape in the router, with a short queue (20 ms)
  rate_mbit=200
  [ "$mode" = shaped_udp ] && rate_mbit=${VT_UDP_RATE_MBIT:-20}
  tc -n "$R" qdisc add dev "vtd${id}rs" root tbf rate ${rate_mbit}mbit \
    burst 32kb latency 20ms
  VT_SERVER4=198.18.72.2
  VT_CLIENT4=198.18.71.1
  VT_RATE_BPS=$((rate_mbit * 1000000))
  export VT_RATE_BPS
else
  ip link add "vtd${id}c" netns "$C" type veth peer name "vtd${id}s" netns "$S"
  ip -n "$C" addr add 198.18.70.1/24 dev "vtd${id}c"
  ip -n "$S" addr add 198.18.70.2/24 dev "vtd${id}s"
  ip -n "$C" addr add 2001:db8:70::1/64 dev "vtd${id}c" nodad
  ip -n "$S" addr add 2001:db8:70::2/64 dev "vtd${id}s" nodad
  ip -n "$C" link set "vtd${id}c" up
  ip -n "$S" link set "vtd${id}s" up
  # multicast (nuttcp -m) leaves through the veth
  ip -n "$C" route add 224.0.0.0/4 dev "vtd${id}c"
  ip -n "$S" route add 224.0.0.0/4 dev "vtd${id}s"
  VT_SERVER4=198.18.70.2
  VT_CLIENT4=198.18.70.1
  VT_SERVER6=2001:db8:70::2
  export VT_SERVER6
  if [ "$mode" = dropudp ]; then
    ip netns exec "$S" nft -f - <<NFT
table inet vt_drv_drop {
  chain input { type filter hook input priority 0; meta l4proto udp drop; }
}
NFT
  fi
fi
VT_CLIENT_NS=$C
VT_SERVER_NS=$S
export VT_CLIENT_NS VT_SERVER_NS VT_SERVER4 VT_CLIENT4

if [ -z "${VT_AGENT_BIN:-}" ] && [ -n "${VMTP_BUILD_ROOT:-}" ]; then
  a=$VMTP_BUILD_ROOT/src/agent/vmtp-agent
  # the skeleton's placeholder agent refuses --help; the real one has it
  if [ -x "$a" ] && "$a" --help >/dev/null 2>&1; then VT_AGENT_BIN=$a; fi
fi
if [ -n "${VT_AGENT_BIN:-}" ]; then
  export VT_AGENT_BIN
  VT_TOOLS="${VT_TOOLS:-nuttcp iperf iperf3 vmtp}"
fi
export VT_TOOLS="${VT_TOOLS:-nuttcp iperf iperf3}"
# wait for the links (IPv6 without DAD is immediate; give ARP a moment)
ip netns exec "$C" ping -c 1 -W 2 "$VT_SERVER4" >/dev/null 2>&1 || true
"$bin" "$mode"
