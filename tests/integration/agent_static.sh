#!/usr/bin/env bash
# The static vmtp-agent (musl, tools/build-static-agent.sh) runs where there
# is no C library at all: an empty chroot holding only the binary. Server and
# client both run there for a TCP and a UDP round-trip test on loopback.
set -uo pipefail
top=${VMTP_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v musl-gcc >/dev/null || { echo "SKIP: no musl-gcc"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: chroot needs root"; exit 77; }
root=$(mktemp -d /tmp/vt-ag-static.XXXXXX)
srv=""
cleanup() { [ -n "$srv" ] && kill "$srv" 2>/dev/null; wait 2>/dev/null; rm -rf "$root"; }
trap cleanup EXIT
fail=0
"$top/tools/build-static-agent.sh" "$root/vmtp-agent" >/dev/null || { echo "not ok - musl build"; exit 1; }
file "$root/vmtp-agent" | grep -q 'statically linked' && echo "ok - statically linked" ||
  { echo "not ok - not static"; fail=1; }
[ -z "$(find "$root" -mindepth 1 ! -name vmtp-agent)" ] || { echo "chroot not empty"; exit 1; }
chroot "$root" /vmtp-agent -V | grep -q '^vmtp-agent ' && echo "ok - runs in an empty chroot" ||
  { echo "not ok - -V in chroot"; fail=1; }
chroot "$root" /vmtp-agent -s -p 0 -B 127.0.0.1 -I 30 >"$root.out" 2>/dev/null &
srv=$!
PORT=""
for _ in $(seq 50); do
  PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$root.out" 2>/dev/null); [ -n "$PORT" ] && break; sleep 0.1
done
for args in "-t 1" "-t 1 -m udp_rr" "-t 1 -u -b 10M"; do
  # shellcheck disable=SC2086
  out=$(chroot "$root" /vmtp-agent -c 127.0.0.1 -p "$PORT" $args 2>&1)
  if echo "$out" | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)["status"]!="ok")'; then
    echo "ok - static client/server: $args"
  else
    echo "not ok - static client/server: $args"; echo "#   $out"; fail=1
  fi
done
rm -f "$root.out"
exit $fail
