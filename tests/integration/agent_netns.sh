#!/usr/bin/env bash
# vmtp-agent between two network namespaces: TCP, UDP, latency, latency under
# load, multicast, IPv4 and IPv6 over a veth pair; then across a router
# namespace whose egress is shaped with tbf (TCP goodput within 5% of the
# header limit, UDP at 1.2x capacity loses the excess). Needs root.
# Usage: agent_netns.sh [path/to/vmtp-agent]
set -uo pipefail

AGENT=${1:-${VMTP_BUILD_ROOT:-.}/src/agent/vmtp-agent}
T=vt-ag$(($$ % 1000))
# Namespaces are named VT_NS_PREFIX-ag<n>-a/r/b when VT_NS_PREFIX is set
# (people sharing a machine name what they create with their own tag);
# veth names keep the short vt-ag<n> form (15-character limit).
NSP=${VT_NS_PREFIX:+$VT_NS_PREFIX-}$T
A=$NSP-a R=$NSP-r B=$NSP-b
TMP=$(mktemp -d /tmp/vt-ag-it.XXXXXX)
pass=0 fail=0
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  for n in $A $R $B; do ip netns del "$n" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -x "$AGENT" ] || { echo "no agent at $AGENT"; exit 1; }

ok() { pass=$((pass + 1)); echo "ok $pass - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && echo "#   $2"; }

# expect NAME JSONFILE PYEXPR: the client's JSON (d) must satisfy PYEXPR.
expect() {
  local name=$1 file=$2 expr=$3 why
  if why=$(python3 - "$file" "$expr" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
if not eval(sys.argv[2], {"d": d}):
    print(json.dumps(d))
    sys.exit(1)
PY
  ); then ok "$name"; else bad "$name" "$why"; fi
}

ns() { ip netns exec "$@"; }

# Topology: A --veth-- R --veth-- B, plus a direct A--B link for multicast.
setup() {
  for n in $A $R $B; do ip netns add "$n" || return 1; ns "$n" ip link set lo up; done
  ip link add "$T-a0" netns $A type veth peer name "$T-r0" netns $R || return 1
  ip link add "$T-r1" netns $R type veth peer name "$T-b0" netns $B || return 1
  ip link add "$T-am" netns $A type veth peer name "$T-bm" netns $B || return 1
  ns $A ip addr add 198.18.1.1/24 dev "$T-a0"
  ns $A ip -6 addr add 2001:db8:1::1/64 dev "$T-a0" nodad
  ns $R ip addr add 198.18.1.254/24 dev "$T-r0"
  ns $R ip -6 addr add 2001:db8:1::fe/64 dev "$T-r0" nodad
  ns $R ip addr add 198.18.2.254/24 dev "$T-r1"
  ns $R ip -6 addr add 2001:db8:2::fe/64 dev "$T-r1" nodad
  ns $B ip addr add 198.18.2.1/24 dev "$T-b0"
  ns $B ip -6 addr add 2001:db8:2::1/64 dev "$T-b0" nodad
  ns $A ip addr add 198.18.3.1/24 dev "$T-am"
  ns $A ip -6 addr add 2001:db8:3::1/64 dev "$T-am" nodad
  ns $B ip addr add 198.18.3.2/24 dev "$T-bm"
  ns $B ip -6 addr add 2001:db8:3::2/64 dev "$T-bm" nodad
  for d in "$A $T-a0" "$A $T-am" "$R $T-r0" "$R $T-r1" "$B $T-b0" "$B $T-bm"; do
    set -- $d; ns "$1" ip link set "$2" up
  done
  ns $R sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  ns $A ip route add 198.18.2.0/24 via 198.18.1.254
  ns $A ip -6 route add 2001:db8:2::/64 via 2001:db8:1::fe
  ns $B ip route add 198.18.1.0/24 via 198.18.2.254
  ns $B ip -6 route add 2001:db8:1::/64 via 2001:db8:2::fe
}

# start_server NS ARGS...: starts a server, sets PORT.
start_server() {
  local n=$1; shift
  local out=$TMP/srv.$RANDOM
  ns "$n" "$AGENT" -s -p 0 "$@" >"$out" 2>>"$TMP/server.log" &
  pids+=($!)
  SRV=$!
  PORT=""
  for _ in $(seq 50); do
    PORT=$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$out")
    [ -n "$PORT" ] && return 0
    sleep 0.1
  done
  echo "server did not start"; return 1
}

client() { # out ARGS... : runs the client in A
  local out=$1; shift
  timeout 120 ip netns exec $A "$AGENT" "$@" >"$out" 2>>"$TMP/client.log"
  echo $? >"$out.rc"
}

setup || { echo "cannot build the topology"; exit 1; }
# Wait for IPv6 routes to be usable.
for _ in $(seq 50); do ns $A ping -6 -c1 -W1 2001:db8:2::1 >/dev/null 2>&1 && break; sleep 0.2; done
ns $A ping -c1 -W2 198.18.2.1 >/dev/null 2>&1 || echo "# warning: v4 ping failed"

start_server $B -I 600 -T 2000 || exit 1
MAINPORT=$PORT

# --- functional, unshaped ---
for v in 4 6; do
  if [ $v = 4 ]; then H=198.18.2.1; else H=2001:db8:2::1; fi
  client "$TMP/tcp$v" -c $H -p "$PORT" -t 2
  expect "tcp v$v: all bytes sent are received, tcp_info filled" "$TMP/tcp$v" \
    "d['status']=='ok' and d['ip_version']==$v and d['bytes_sent']>0 and d['bytes_received']==d['bytes_sent'] and d['throughput_bps']>0 and d['tcp_info']['mss_bytes']>0 and d['tcp_info']['cwnd']>0 and 'server_sys_pct' in d['cpu']"
  client "$TMP/tcpP$v" -c $H -p "$PORT" -t 2 -P 3 -b 300M
  expect "tcp v$v: 3 rate-limited streams" "$TMP/tcpP$v" \
    "d['status']=='ok' and len(d['streams'])==3 and d['bytes_received']==d['bytes_sent'] and d['send_rate_bps'] < 300e6*1.05"
  client "$TMP/udp$v" -c $H -p "$PORT" -t 2 -u -b 20M -l 1024
  expect "udp v$v: paced at 20 Mbit/s, counted" "$TMP/udp$v" \
    "d['status']=='ok' and d['udp']['packets_sent']>0 and d['udp']['packets_received']+d['udp']['packets_lost']==d['udp']['packets_sent'] and d['udp']['packets_dup']==0 and 0.9*20e6 < d['send_rate_bps'] < 1.05*20e6 and d['udp']['loss_pct'] < 5 and d['udp']['jitter_us']>=0"
  client "$TMP/trr$v" -c $H -p "$PORT" -t 1 -m tcp_rr
  expect "tcp_rr v$v: ordered percentiles" "$TMP/trr$v" \
    "d['status']=='ok' and d['latency']['samples']>0 and 0 < d['latency']['min_us'] <= d['latency']['p50_us'] <= d['latency']['p90_us'] <= d['latency']['p99_us'] <= d['latency']['p999_us'] <= d['latency']['max_us']"
  client "$TMP/urr$v" -c $H -p "$PORT" -t 1 -m udp_rr -l 100
  expect "udp_rr v$v: ordered percentiles" "$TMP/urr$v" \
    "d['status']=='ok' and d['latency']['samples']>0 and d['latency']['min_us'] <= d['latency']['p50_us'] <= d['latency']['p99_us'] <= d['latency']['max_us']"
  client "$TMP/lul$v" -c $H -p "$PORT" -t 2 -L --latency-interval-ms 20
  expect "tcp v$v with latency under load" "$TMP/lul$v" \
    "d['status']=='ok' and d['bytes_received']==d['bytes_sent'] and d['latency']['samples']>=20"
done

# --- multicast on the direct link (server joins, client sends with TTL) ---
start_server $B -I 600 -B 198.18.3.2 || exit 1
client "$TMP/mc4" -c 198.18.3.2 -p "$PORT" -t 1 -u -b 10M -M 239.1.2.3 --ttl 2
expect "multicast v4: group traffic received" "$TMP/mc4" \
  "d['status']=='ok' and d['multicast_group']=='239.1.2.3' and d['udp']['packets_received']>0.9*d['udp']['packets_sent']"
start_server $B -I 600 -B 2001:db8:3::2 || exit 1
client "$TMP/mc6" -c 2001:db8:3::2 -p "$PORT" -t 1 -u -b 10M -M ff0e::1:2:3
expect "multicast v6: group traffic received" "$TMP/mc6" \
  "d['status']=='ok' and d['udp']['packets_received']>0.9*d['udp']['packets_sent']"

PORT=$MAINPORT
# --- shaped: tbf on the router's egress towards B, short queue ---
RATE=100
ns $R tc qdisc add dev "$T-r1" root tbf rate ${RATE}mbit burst 32kb latency 20ms
client "$TMP/stcp" -c 198.18.2.1 -p "$PORT" -t 5
# Truth: 95.5% of R (1448 payload bytes per 1514-byte frame).
expect "tbf ${RATE} Mbit/s: tcp goodput within 5% of 0.955 R" "$TMP/stcp" \
  "d['status']=='ok' and abs(d['throughput_bps'] - 0.955*${RATE}e6) <= 0.05*0.955*${RATE}e6"
# UDP 1024-byte payload: capacity 1024/1066 of R; offer 1.2x that.
CAP=$(python3 -c "print(int(${RATE}e6*1024/1066))")
OFF=$(python3 -c "print(int(1.2*$CAP))")
# A trial whose sender fell behind (this machine is shared: the sending
# thread is not always scheduled) is not a measurement of the link; the
# agent reports it (send_rate_bps < rate_bps) and we retry, as a rate search
# would. Up to 4 trials.
limited=1
for _ in 1 2 3 4; do
  client "$TMP/sudp" -c 198.18.2.1 -p "$PORT" -t 3 -u -l 1024 -b "$OFF"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d.get('send_rate_bps',0) < 0.97*$OFF)" "$TMP/sudp" &&
    { limited=0; break; }
  echo "# sender-limited trial: $(cat "$TMP/sudp")"
done
if [ $limited = 0 ]; then
  expect "tbf ${RATE} Mbit/s: udp at 1.2x capacity loses about 1/6, goodput = capacity" "$TMP/sudp" \
    "d['status']=='ok' and 12 < d['udp']['loss_pct'] < 22 and abs(d['throughput_bps']-$CAP) <= 0.05*$CAP"
else
  expect "tbf ${RATE} Mbit/s: sender-limited trials are reported as such" "$TMP/sudp" \
    "d['status']=='ok' and d['send_rate_bps'] < d['rate_bps']"
  echo "# SKIP overload loss check: every trial was sender-limited on this loaded machine"
fi
client "$TMP/sudp6" -c 2001:db8:2::1 -p "$PORT" -t 2 -u -l 1024 -b "$(python3 -c "print(int(0.5*$CAP))")"
expect "tbf ${RATE} Mbit/s: udp v6 at half capacity loses nothing much" "$TMP/sudp6" \
  "d['status']=='ok' and d['udp']['loss_pct'] < 1"
for f in stcp sudp sudp6; do
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('# %s: throughput %.2f Mbit/s, sent %.2f Mbit/s, loss %s%%' % (sys.argv[2], d.get('throughput_bps',0)/1e6, d.get('send_rate_bps',0)/1e6, d.get('udp',{}).get('loss_pct','-')))" "$TMP/$f" $f
done
ns $R tc qdisc del dev "$T-r1" root

# --- client errors are JSON too ---
timeout 30 ip netns exec $A "$AGENT" -c 198.18.2.1 -p 1 -t 1 -T 1000 >"$TMP/refused"
rc=$?
[ $rc = 4 ] && ok "connection refused: exit 4" || bad "connection refused: exit 4 (got $rc)"
expect "connection refused: JSON error" "$TMP/refused" "d['status']=='error' and 'connect' in d['error']"

# --- idle timeout ---
ns $B "$AGENT" -s -p 0 -I 1 >/dev/null 2>&1 &
ipid=$!
sleep 4
if kill -0 $ipid 2>/dev/null; then kill $ipid; bad "idle timeout: server exits"
else wait $ipid; rc=$?; [ $rc = 0 ] && ok "idle timeout: server exits 0" || bad "idle timeout exit $rc"; fi

echo "# $pass passed, $fail failed"
[ -s "$TMP/server.log" ] && sed 's/^/# server: /' "$TMP/server.log" | tail -n 20
[ $fail = 0 ]
