#!/usr/bin/env bash
# bench/native_time.sh: time a default native two-host run (the run of
# issue 4 item 8: intra-host and inter-host flows, each 3 x 10 s TCP, three
# UDP searches and 3 x 2 pings) in a netns lab, and print where the time
# goes, from vmtp's own time-stamped debug log:
#   connect+deploy  start -> first flow
#   ICMP            per flow: flow start -> tool server started (pings)
#   TCP             first TCP trial -> first UDP entry
#   UDP searches    first UDP entry -> end of the flow
#   teardown        end of the last flow -> "run finished", and exit
# compared with the 114 s target (the original VMTP: about 343 s).
#
#   bench/native_time.sh [-n ROUNDS] [-- VMTP_ARGS...]
# Environment: VMTP_BUILD_DIR (default build), VMTP_BENCH_PREFIX (lab name,
# default vmtp-bench), VMTP_BENCH_KEEP (a directory: keep each round's
# debug log and JSON there). Root; the lab is created and removed here.
# Each round also prints the number of UDP trials, the load average
# before and after, and the ratio to the target.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${VMTP_BUILD_DIR:-$top/build}
prefix=${VMTP_BENCH_PREFIX:-vmtp-bench}
lab=$top/tests/lab/netns-lab.sh
rounds=1
if [ "${1:-}" = -n ]; then
    rounds=$2
    shift 2
fi
[ "${1:-}" = -- ] && shift
[ "$(id -u)" = 0 ] || { echo "native_time.sh: run as root" >&2; exit 1; }
work=$(mktemp -d "/tmp/$prefix.XXXXXX")
cleanup() {
    "$lab" down --prefix "$prefix" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
envfile=$("$lab" up 2 --prefix "$prefix")
eval "$envfile"
printf 'private_key_file: %s\nknown_hosts_file: %s\n' "$LAB_KEY" \
    "$LAB_KNOWN_HOSTS" >"$work/cfg.yaml"

for ((r = 1; r <= rounds; r++)); do
    load0=$(cut -d' ' -f1-3 /proc/loadavg)
    t0=$(date +%s.%N)
    rc=0
    ip netns exec "$LAB_CLIENT_NS" "$build/src/cli/vmtp" -d -c "$work/cfg.yaml" \
        --host "$LAB_USER@$LAB_HOST1_IP" --host "$LAB_USER@$LAB_HOST2_IP" \
        --json "$work/r$r.json" "$@" >/dev/null 2>"$work/r$r.log" || rc=$?
    t1=$(date +%s.%N)
    load1=$(cut -d' ' -f1-3 /proc/loadavg)
    if [ -n "${VMTP_BENCH_KEEP:-}" ]; then
        mkdir -p "$VMTP_BENCH_KEEP"
        cp "$work/r$r.log" "$work/r$r.json" "$VMTP_BENCH_KEEP/" 2>/dev/null || true
    fi
    python3 - "$work/r$r.log" "$t0" "$t1" "$rc" "$r" "$load0" "$load1" <<'EOF'
import datetime, re, sys
log, t0, t1, rc, rnd = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
load0, load1 = sys.argv[6], sys.argv[7]
ev = []
for line in open(log, errors="replace"):
    m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \w+ (.*)", line)
    if m:
        t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
        ev.append((t, m.group(2)))
if not ev:
    print("round %s: no log (exit %s)" % (rnd, rc))
    sys.exit(0)
start = ev[0][0]
split = {"connect+deploy": 0.0, "ICMP": 0.0, "TCP": 0.0, "UDP searches": 0.0, "teardown": 0.0}
phase, since = "connect+deploy", start
def to(p, t):
    global phase, since
    split[phase] += t - since
    phase, since = p, t
udp_trials = 0
searches = []
for t, msg in ev:
    if re.match(r"pkt-size=\d+ offered=", msg):
        udp_trials += 1
    m = re.search(r"UDP search (\S+):.* (\d+) trials", msg)
    if m:
        searches.append("%s/%s" % (m.group(1), m.group(2)))
    if re.match(r"flow \d+: ", msg):
        to("ICMP", t)
    elif "server started" in msg and phase == "ICMP":
        to("TCP", t)  # server start counted with the pings before it
    elif "Measuring TCP" in msg and phase not in ("TCP",):
        to("TCP", t)
    elif "Measuring UDP" in msg and phase != "UDP searches":
        to("UDP searches", t)
    elif re.match(r"run \S+ finished", msg):
        to("teardown", t)
to("teardown", ev[-1][0])
split["teardown"] += max(0.0, t1 - ev[-1][0]) + max(0.0, start - t0)
total = t1 - t0
print("round %s: total %.1f s = %.2f x the 114 s target (exit %s; original about 343 s)"
      % (rnd, total, total / 114.0, rc))
for k, v in split.items():
    print("  %-15s %6.1f s" % (k, v))
print("  UDP trials      %6d   (searches: %s)" % (udp_trials, " ".join(searches)))
print("  load average    %s before, %s after" % (load0, load1))
EOF
done
