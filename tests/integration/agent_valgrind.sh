#!/usr/bin/env bash
# vmtp-agent server and client under valgrind (memcheck) on loopback: every
# mode once, plus a refused frame; any memcheck error or leak fails the test.
# Skipped when valgrind is missing or the agent is built with ASan.
# Usage: agent_valgrind.sh path/to/vmtp-agent
set -uo pipefail
AGENT=${1:-${VMTP_BUILD_ROOT:-.}/src/agent/vmtp-agent}
command -v valgrind >/dev/null || { echo "SKIP: no valgrind"; exit 77; }
if ldd "$AGENT" 2>/dev/null | grep -q 'libasan\|libubsan' ||
   nm "$AGENT" 2>/dev/null | grep -q '__asan_init'; then
  echo "SKIP: ASan build"; exit 77
fi
TMP=$(mktemp -d /tmp/vt-ag-vg.XXXXXX)
VG=(valgrind --quiet --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect --track-origins=yes)
srv=""
cleanup() { [ -n "$srv" ] && kill "$srv" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
fail=0

"${VG[@]}" --log-file="$TMP/server.vg" "$AGENT" -s -1 -p 0 -B 127.0.0.1 -I 60 \
  >"$TMP/srv.out" 2>"$TMP/srv.err" &
srv=$!
for _ in $(seq 100); do grep -q '^listening on' "$TMP/srv.out" && break; sleep 0.2; done
PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$TMP/srv.out")
[ -n "$PORT" ] || { echo "server did not start"; cat "$TMP/srv.err"; exit 1; }
# One-off server: one udp test with a latency probe covers proto, udp rx,
# echo and the result path.
"${VG[@]}" --log-file="$TMP/client.vg" "$AGENT" -c 127.0.0.1 -p "$PORT" \
  -t 1 -u -b 5M -L >"$TMP/c.json" 2>"$TMP/c.err"
rc=$?
[ $rc = 0 ] || { echo "not ok - client udp under valgrind: rc $rc"; cat "$TMP/client.vg" "$TMP/c.err"; fail=1; }
wait "$srv"; rc=$?; srv=""
[ $rc = 0 ] || { echo "not ok - server under valgrind: rc $rc"; cat "$TMP/server.vg"; fail=1; }
[ $fail = 0 ] && echo "ok - udp with -L clean under valgrind"

for mode in tcp tcp_rr udp_rr; do
  "${VG[@]}" --log-file="$TMP/server-$mode.vg" "$AGENT" -s -1 -p 0 -B 127.0.0.1 \
    -I 60 -T 3000 >"$TMP/srv.out" 2>/dev/null &
  srv=$!
  PORT=""
  for _ in $(seq 100); do
    PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$TMP/srv.out"); [ -n "$PORT" ] && break; sleep 0.2
  done
  "${VG[@]}" --log-file="$TMP/client-$mode.vg" "$AGENT" -c 127.0.0.1 -p "$PORT" \
    -t 1 -m $mode -P 1 -T 3000 >"$TMP/c.json" 2>/dev/null
  rc=$?
  [ $rc = 0 ] || { echo "not ok - client $mode under valgrind: rc $rc"; cat "$TMP/client-$mode.vg" "$TMP/c.json"; fail=1; }
  wait "$srv"; rc=$?; srv=""
  [ $rc = 0 ] || { echo "not ok - server $mode under valgrind: rc $rc"; cat "$TMP/server-$mode.vg"; fail=1; }
  [ $fail = 0 ] && echo "ok - $mode clean under valgrind"
done

# A refused (garbage) client, then the one-off server is still waiting:
# end it with a normal test.
"${VG[@]}" --log-file="$TMP/server-bad.vg" "$AGENT" -s -p 0 -B 127.0.0.1 -I 3 \
  -T 1000 >"$TMP/srv.out" 2>/dev/null &
srv=$!
PORT=""
for _ in $(seq 100); do
  PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$TMP/srv.out"); [ -n "$PORT" ] && break; sleep 0.2
done
printf 'VMTF\377\377\377\377' | timeout 5 bash -c "cat > /dev/tcp/127.0.0.1/$PORT" 2>/dev/null
printf 'garbage garbage' | timeout 5 bash -c "cat > /dev/tcp/127.0.0.1/$PORT" 2>/dev/null
wait "$srv"; rc=$?; srv=""   # exits after the 3 s idle timeout
[ $rc = 0 ] && echo "ok - refused frames clean under valgrind" ||
  { echo "not ok - server with bad frames under valgrind: rc $rc"; cat "$TMP/server-bad.vg"; fail=1; }
exit $fail
