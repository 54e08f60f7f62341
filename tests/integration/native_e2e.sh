#!/usr/bin/env bash
# End-to-end tests of native host mode (vmtp --host) on a private netns lab
# (tests/lab/netns-lab.sh): vmtp runs in the lab's client namespace and
# measures between the lab's hosts over SSH. Each case group starts and
# stops its own lab; after every run each host's process list and private
# /tmp must be back to their state before the run. vmtp logs in as the
# lab's unprivileged user (key or password), which also keeps the hosts'
# shell start-up files (root's ~/.bashrc of the machine) out of the timing.
#   native_e2e.sh CASE VMTP_BINARY
# CASE: flows | tools | errors | signals | monitor
# Skips (77) when not root or when sshd/unshare are missing.
set -uo pipefail
case_name=${1:?usage: native_e2e.sh CASE VMTP_BINARY}
vmtp=$(realpath "${2:?usage: native_e2e.sh CASE VMTP_BINARY}")
top=${VMTP_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
lab=$top/tests/lab/netns-lab.sh
check=$top/tests/integration/native_check.py
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
for t in /usr/sbin/sshd unshare nsenter ip python3 nuttcp; do
    command -v "$t" >/dev/null || { echo "skip: $t missing"; exit 77; }
done

prefix=vt-nat-$case_name$$
prefix=${prefix:0:20}
work=$(mktemp -d /tmp/vt-nat-e2e.XXXXXX) || exit 1
fails=0
bg_pids=()
cleanup() {
    local p
    for p in "${bg_pids[@]}"; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    "$lab" down --prefix "$prefix" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
ok() { echo "ok: $*"; }

lab_up() { # N
    local envfile
    envfile=$("$lab" up "$1" --prefix "$prefix") || { echo "lab up failed"; exit 1; }
    set -a
    eval "$envfile"
    set +a
    cat >"$work/cfg.yaml" <<EOF
private_key_file: $LAB_KEY
known_hosts_file: $LAB_KNOWN_HOSTS
tcp_tp_loop_count: 1
EOF
    printf 'known_hosts_file: %s\ntcp_tp_loop_count: 1\n' "$LAB_KNOWN_HOSTS" \
        >"$work/cfg_pw.yaml"
}

# Run vmtp in the client namespace: out/err/rc/secs in $work/NAME.*
run_vmtp() { # NAME ARGS...
    local name=$1 t0 t1
    shift
    t0=$(date +%s)
    timeout -s KILL 500 ip netns exec "$LAB_CLIENT_NS" "$vmtp" "$@" \
        >"$work/$name.out" 2>"$work/$name.err"
    echo $? >"$work/$name.rc"
    t1=$(date +%s)
    echo $((t1 - t0)) >"$work/$name.secs"
    echo "[$name] exit $(cat "$work/$name.rc") in $(cat "$work/$name.secs") s"
}
rc_of() { cat "$work/$1.rc"; }
secs_of() { cat "$work/$1.secs"; }
show_err() { sed 's/^/    | /' "$work/$1.err" | tail -n "${2:-8}"; }

# Every host runs only its sshd (PID 1) and has an empty /tmp.
check_clean() { # NAME
    local i left files
    for ((i = 1; i <= LAB_N; i++)); do
        left=$("$lab" host --prefix "$prefix" "$i" ps -e -o pid=,args= |
            awk '$1 != 1 && $2 != "ps"' || true)
        if [ -n "$left" ]; then
            fail "$1: leftover processes on host $i: $left"
        fi
        files=$("$lab" host --prefix "$prefix" "$i" sh -c 'ls -A /tmp' || true)
        if [ -n "$files" ]; then
            fail "$1: leftover files in host $i's /tmp: $files"
        fi
    done
}

expect_ok() { # NAME CHECK_ARGS...
    local name=$1
    shift
    if [ "$(rc_of "$name")" != 0 ]; then
        fail "$name: exit $(rc_of "$name")"
        show_err "$name" 15
        return
    fi
    if python3 "$check" "$work/$name.json" "$@"; then
        ok "$name: JSON checked"
    else
        fail "$name: JSON check"
    fi
    grep -q '^Summary of results' "$work/$name.out" || fail "$name: no summary table"
}

# Non-zero exit (exactly $2 unless "any"), a message matching $3, bounded.
expect_err() { # NAME RC REGEX MAX_SECS
    local name=$1 want=$2 re=$3 max=$4 rc
    rc=$(rc_of "$name")
    if [ "$rc" = 0 ] || { [ "$want" != any ] && [ "$rc" != "$want" ]; }; then
        fail "$name: exit $rc, want $want"
        show_err "$name"
    elif ! grep -Eqi -- "^vmtp: .*($re)" "$work/$name.err"; then
        fail "$name: no message matching '$re'"
        show_err "$name"
    elif [ "$(secs_of "$name")" -gt "$max" ]; then
        fail "$name: took $(secs_of "$name") s (bound $max s)"
    else
        ok "$name: exit $rc in $(secs_of "$name") s: $(grep -Ei -- "^vmtp: .*($re)" "$work/$name.err" | head -n 1)"
    fi
}

h1() { echo "$LAB_HOST1_IP"; }

case_flows() {
    lab_up 2
    # Two hosts: key authentication, the
    # server's listen address from its ifname, TCP+UDP+ICMP, controller.
    run_vmtp two --json "$work/two.json" -c "$work/cfg.yaml" -t 1 \
        --host "$LAB_USER@$LAB_HOST1_IP::eth0" \
        --host "$LAB_USER@$LAB_HOST2_IP" \
        --protocols TI --icmp_pkt_sizes 64,1500 \
        --controller-node "$LAB_USER@$LAB_HOST2_IP"
    expect_ok two --ip-to "$LAB_HOST1_IP" \
        --ip-from "$LAB_HOST1_IP,$LAB_HOST2_IP" --protocols TI \
        --icmp-sizes 64,1500 --controller
    check_clean two
    # One IPv6 host, password authentication (no key configured): the
    # intra-host flow only.
    run_vmtp v6 --json "$work/v6.json" -c "$work/cfg_pw.yaml" -t 1 \
        --host "$LAB_USER@[$LAB_HOST1_IP6]:$LAB_PASSWORD" --protocols TI \
        --icmp_pkt_sizes 64
    if grep -q -- "$LAB_PASSWORD" "$work/v6.json" "$work/v6.err" "$work/v6.out"; then
        fail "v6: the password appears in the output"
    fi
    expect_ok v6 --flows "Native intra-host" --ip-to "$LAB_HOST1_IP6" \
        --ip-from "$LAB_HOST1_IP6" --protocols TI --icmp-sizes 64
    check_clean v6
    # External host: upload and download (reverse) flows toward host 1.
    run_vmtp ext --json "$work/ext.json" -c "$work/cfg.yaml" -t 1 \
        --host "$LAB_USER@$LAB_HOST1_IP" --external-host "$LAB_USER@$LAB_HOST2_IP" \
        --protocols T
    expect_ok ext --flows "Native intra-host,External-VM" \
        --ip-to "$LAB_HOST1_IP" --protocols T --reverse
    python3 - "$work/ext.json" <<'EOF' || fail "ext: no download (reverse) entry"
import json, sys
f = json.load(open(sys.argv[1]))["flows"][-1]
sys.exit(0 if any(r.get("direction") == "reverse" for r in f["results"]) else 1)
EOF
    check_clean ext
}

case_tools() {
    lab_up 2
    local t
    for t in iperf iperf3 vmtp; do
        run_vmtp "$t" --json "$work/$t.json" -c "$work/cfg.yaml" -t 1 \
            --host "$LAB_USER@$LAB_HOST1_IP" --host "$LAB_USER@$LAB_HOST2_IP" \
            --inter-node-only --tp-tool "$t" --protocols TU --udpbuf 1024
        expect_ok "$t" --flows "Native inter-host" --protocols TU \
            --udp-sizes 1024 --tool "$([ "$t" = vmtp ] && echo vmtp || echo "$t-")"
        check_clean "$t"
    done
}

case_errors() {
    lab_up 1
    # Nothing listens on the client namespace's own address.
    run_vmtp refused -c "$work/cfg.yaml" --host "$LAB_USER@$LAB_CLIENT_IP" -t 1
    expect_err refused 4 "$LAB_CLIENT_IP.*(refused|connect)" 60
    # On-link but no neighbour: a connect timeout, one attempt.
    printf 'ssh_retry_count: 1\n' >>"$work/cfg1.yaml"
    cat "$work/cfg.yaml" >>"$work/cfg1.yaml"
    run_vmtp unreach -c "$work/cfg1.yaml" --host "$LAB_USER@$LAB_UNREACHABLE_IP" -t 1
    expect_err unreach 4 "$LAB_UNREACHABLE_IP.*(time|unreach)" 90
    run_vmtp badpw -c "$work/cfg_pw.yaml" -t 1 \
        --host "$LAB_USER@$LAB_HOST1_IP:not-the-password"
    expect_err badpw 4 "auth|password|denied" 60
    grep -q not-the-password "$work/badpw.err" && fail "badpw: password in the log"
    check_clean badpw
    # No known_hosts entry and no --accept-unknown-host-keys.
    : >"$work/empty_known_hosts"
    printf 'private_key_file: %s\nknown_hosts_file: %s\n' "$LAB_KEY" \
        "$work/empty_known_hosts" >"$work/cfg_nokh.yaml"
    run_vmtp hostkey -c "$work/cfg_nokh.yaml" -t 1 --host "$LAB_USER@$LAB_HOST1_IP"
    expect_err hostkey 4 "host key" 60
    check_clean hostkey
    run_vmtp ifname -c "$work/cfg.yaml" -t 1 --protocols T \
        --host "$LAB_USER@$LAB_HOST1_IP::nosuch0"
    expect_err ifname 2 "nosuch0" 120
    check_clean ifname
    # iperf3 missing on the host and no local copy to upload: /dev/null
    # (not executable) is bound over it in the host's private mount
    # namespace and in a private mount namespace around vmtp.
    "$lab" host --prefix "$prefix" 1 mount --bind /dev/null /usr/bin/iperf3 ||
        fail "notool: cannot hide iperf3 on host 1"
    t0=$(date +%s)
    timeout -s KILL 300 unshare --mount --propagation private sh -c '
        mount --bind /dev/null /usr/bin/iperf3 &&
        exec ip netns exec "$1" "$2" -c "$3" -t 1 --protocols T \
            --tp-tool iperf3 --host "$LAB_USER@$4"' sh "$LAB_CLIENT_NS" "$vmtp" \
        "$work/cfg.yaml" "$LAB_HOST1_IP" >"$work/notool.out" 2>"$work/notool.err"
    echo $? >"$work/notool.rc"
    echo $(($(date +%s) - t0)) >"$work/notool.secs"
    "$lab" host --prefix "$prefix" 1 umount /usr/bin/iperf3 || true
    expect_err notool any "iperf3" 120
    check_clean notool
    # A host whose nuttcp answers only after 12 s: the probe times out
    # (10 s) and is killed, nuttcp is uploaded, the run completes and
    # nothing is left (the timed-out command's late exit-signal once
    # corrupted memory: remote.c unhooks the channel callbacks now).
    slow=$(mktemp -d /var/tmp/vt-nat-slow.XXXXXX)
    cp /usr/bin/nuttcp "$slow/nuttcp-real"
    printf '#!/bin/sh\nsleep 12\nexec %s "$@"\n' "$slow/nuttcp-real" >"$slow/nuttcp"
    chmod 755 "$slow" "$slow/nuttcp"
    "$lab" host --prefix "$prefix" 1 mount --bind "$slow/nuttcp" /usr/bin/nuttcp ||
        fail "slow: cannot slow nuttcp down on host 1"
    run_vmtp slow --json "$work/slow.json" -c "$work/cfg.yaml" -t 1 \
        --protocols T --host "$LAB_USER@$LAB_HOST1_IP"
    "$lab" host --prefix "$prefix" 1 umount /usr/bin/nuttcp || true
    rm -rf "$slow"
    expect_ok slow --flows "Native intra-host" --protocols T
    check_clean slow
}

case_signals() {
    lab_up 2
    local sig pid i seen rc
    for sig in INT TERM; do
        ip netns exec "$LAB_CLIENT_NS" "$vmtp" -c "$work/cfg.yaml" -t 30 \
            --protocols T --host "$LAB_USER@$LAB_HOST1_IP" \
            --host "$LAB_USER@$LAB_HOST2_IP" --json "$work/sig$sig.json" \
            >"$work/sig$sig.out" 2>"$work/sig$sig.err" &
        pid=$!
        bg_pids+=("$pid")
        # Wait for a measurement in progress (a nuttcp client on host 1).
        seen=""
        for ((i = 0; i < 240; i++)); do
            if "$lab" host --prefix "$prefix" 1 ps -e -o args= |
                grep -q '^nuttcp -a'; then
                seen=1
                break
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        [ -n "$seen" ] || fail "sig$sig: no measurement seen"
        kill -"$sig" "$pid"
        # Bounded: the run stops within 60 s (else KILL and fail).
        for ((i = 0; i < 120; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        if kill -0 "$pid" 2>/dev/null; then
            fail "sig$sig: still running 60 s after SIG$sig"
            kill -KILL "$pid"
        fi
        wait "$pid"
        rc=$?
        bg_pids=()
        want=$((128 + $(kill -l "$sig")))
        if [ "$rc" != "$want" ]; then
            fail "sig$sig: exit $rc, want $want"
            show_err "sig$sig"
        elif ! grep -q "interrupted by SIG$sig" "$work/sig$sig.err"; then
            fail "sig$sig: no message"
            show_err "sig$sig"
        else
            ok "sig$sig: exit $rc: $(grep "interrupted by" "$work/sig$sig.err")"
        fi
        [ -s "$work/sig$sig.json" ] || fail "sig$sig: partial results not written"
        check_clean "sig$sig"
    done
}

# Poll a log file for "listening on 127.0.0.1:PORT"-like lines.
wait_port() { # FILE SED_EXPR
    local i port
    for ((i = 0; i < 200; i++)); do
        port=$(sed -n "$2" "$1")
        [ -n "$port" ] && { echo "$port"; return 0; }
        sleep 0.1
    done
    return 1
}

start_gmond() { # -> gmond_port
    local gmond modcpu ports udp_port
    gmond=$(command -v gmond || echo /usr/sbin/gmond)
    modcpu=$(ls /usr/lib/*/ganglia/modcpu.so 2>/dev/null | head -n 1)
    [ -x "$gmond" ] && [ -n "$modcpu" ] || { fail "gmond not installed"; return 1; }
    ports=$(ip netns exec "$LAB_CLIENT_NS" python3 -c '
import socket
t = socket.socket(); t.bind(("127.0.0.1", 0))
u = socket.socket(type=socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
print(t.getsockname()[1], u.getsockname()[1])')
    gmond_port=${ports% *}
    udp_port=${ports#* }
    cat >"$work/gmond.conf" <<CONF
globals {
  daemonize = no
  setuid = no
  user = nobody
  debug_level = 0
  max_udp_msg_len = 1472
  mute = no
  deaf = no
  host_dmax = 0
  cleanup_threshold = 300
  gexec = no
  send_metadata_interval = 5
}
cluster { name = "vt-nat" }
udp_send_channel { host = 127.0.0.1
  port = $udp_port
  ttl = 1 }
udp_recv_channel { bind = 127.0.0.1
  port = $udp_port }
tcp_accept_channel { bind = 127.0.0.1
  port = $gmond_port }
modules {
  module { name = "core_metrics" }
  module { name = "cpu_module"
    path = "$modcpu" }
}
collection_group { collect_once = yes
  time_threshold = 20
  metric { name = "cpu_num" } }
collection_group { collect_every = 1
  time_threshold = 1
  metric { name = "cpu_user"
    value_threshold = 0.0 }
  metric { name = "cpu_system"
    value_threshold = 0.0 } }
CONF
    ip netns exec "$LAB_CLIENT_NS" "$gmond" -c "$work/gmond.conf" -f \
        >"$work/gmond.log" 2>&1 &
    bg_pids+=($!)
    # gmond answers once its metrics arrived over its UDP channel.
    local i
    for ((i = 0; i < 100; i++)); do
        if ip netns exec "$LAB_CLIENT_NS" python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2)
d = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    d += b
sys.exit(0 if b"cpu_user" in d else 1)' "$gmond_port" 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    fail "gmond did not answer"
    return 1
}

start_mongo() { # -> mongo_port
    local helpers=$top/tests/helpers
    if [ ! -d "$helpers/node_modules/@push.rocks/smartmongo" ]; then
        fail "MongoDB test server not installed: run tools/install-node-deps.sh"
        return 1
    fi
    mkfifo "$work/mongo.stdin"
    (cd "$helpers" && exec ip netns exec "$LAB_CLIENT_NS" node mongo_wire_server.mjs) \
        <"$work/mongo.stdin" >"$work/mongo.log" 2>&1 &
    bg_pids+=($!)
    exec 3>"$work/mongo.stdin"
    mongo_port=$(wait_port "$work/mongo.log" \
        's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p') ||
        { fail "MongoDB test server did not start"; cat "$work/mongo.log"; return 1; }
}

# Read every document of client_db.pns_web_entry over the wire protocol
# (OP_MSG find) and check one holds the run_id and the flows.
mongo_read_back() { # PORT JSON
    ip netns exec "$LAB_CLIENT_NS" python3 - "$1" "$2" <<'EOF'
import json, socket, struct, sys
port, path = int(sys.argv[1]), sys.argv[2]
doc = json.load(open(path))

def cstr(s):
    return s.encode() + b"\0"

def bson(pairs):
    body = b""
    for k, v in pairs:
        if isinstance(v, str):
            e = v.encode() + b"\0"
            body += b"\x02" + cstr(k) + struct.pack("<i", len(e)) + e
        else:
            body += b"\x03" + cstr(k) + bson(v)
    return struct.pack("<i", len(body) + 5) + body + b"\0"

q = bson([("find", "pns_web_entry"), ("filter", []), ("$db", "client_db")])
msg = struct.pack("<I", 0) + b"\0" + q
s = socket.create_connection(("127.0.0.1", port), 10)
s.sendall(struct.pack("<iiii", 16 + len(msg), 1, 0, 2013) + msg)
hdr = b""
while len(hdr) < 16:
    hdr += s.recv(16 - len(hdr))
n = struct.unpack("<i", hdr[:4])[0] - 16
data = b""
while len(data) < n:
    data += s.recv(n - len(data))
for want in (doc["run_id"], "Native intra-host", "throughput_kbps", "cpu_load"):
    if want.encode() not in data:
        print("mongo_read_back: %r not in the stored document" % want)
        sys.exit(1)
print("mongo_read_back: run %s stored (%d bytes)" % (doc["run_id"], n))
EOF
}

case_monitor() {
    lab_up 1
    local gmond_port="" mongo_port=""
    start_gmond || return
    start_mongo || return
    run_vmtp mon --json "$work/mon.json" -c "$work/cfg.yaml" -t 2 \
        --host "$LAB_USER@$LAB_HOST1_IP" --protocols TU --udpbuf 1024 \
        -m "127.0.0.1:$gmond_port" --mongod-server "127.0.0.1:$mongo_port"
    expect_ok mon --flows "Native intra-host" --protocols TU \
        --udp-sizes 1024 --cpu-load
    grep -q 'Ganglia monitoring enabled' "$work/mon.err" ||
        fail "mon: no 'Ganglia monitoring enabled' line"
    if mongo_read_back "$mongo_port" "$work/mon.json"; then
        ok "mon: stored in MongoDB and read back"
    else
        fail "mon: MongoDB read-back"
    fi
    check_clean mon
    # A dead gmond only warns; nothing listens on MongoDB's port 1: a clear
    # error, non-zero exit, and the JSON file is still written.
    run_vmtp deadmon --json "$work/deadmon.json" -c "$work/cfg.yaml" -t 1 \
        --host "$LAB_USER@$LAB_HOST1_IP" --protocols T -m 127.0.0.1:9 \
        --mongod-server 127.0.0.1:1
    expect_err deadmon any "mongo|127\.0\.0\.1:1" 120
    grep -qi 'ganglia\|gmond' "$work/deadmon.err" ||
        fail "deadmon: no warning about the dead gmond"
    if python3 "$check" "$work/deadmon.json" --flows "Native intra-host" \
        --protocols T; then
        ok "deadmon: JSON file written, no cpu_load"
    else
        fail "deadmon: JSON file"
    fi
    check_clean deadmon
}

case "$case_name" in
flows | tools | errors | signals | monitor) "case_$case_name" ;;
*) echo "unknown case $case_name"; exit 2 ;;
esac
echo "native_e2e $case_name: $fails failure(s)"
[ "$fails" = 0 ]
