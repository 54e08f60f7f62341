#!/bin/sh
# Integration test: vmtp's MongoDB store against a real MongoDB wire-protocol
# server (CongoDB from @push.rocks/smartmongo 2.2.0, see docs/mongodb.md),
# started here on 127.0.0.1 with an OS-chosen port and stopped at the end.
# Usage: mongo_wire.sh TEST_BINARY
set -u
test_bin=$1
top=${VMTP_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
helpers=$top/tests/helpers

if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed"
  exit 77
fi
if [ ! -d "$helpers/node_modules/@push.rocks/smartmongo" ]; then
  echo "FAIL: test server not installed: run tools/install-node-deps.sh"
  exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/vt-mg-mongo.XXXXXX") || exit 1
pid=""
cleanup() {
  exec 3>&-
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The server also exits when its stdin (this fifo) closes, so it cannot
# outlive this script even if the trap does not run.
mkfifo "$dir/stdin"
(cd "$helpers" && exec node mongo_wire_server.mjs) <"$dir/stdin" \
  >"$dir/server.log" 2>&1 &
pid=$!
exec 3>"$dir/stdin"

port=""
i=0
while [ $i -lt 200 ]; do
  port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$dir/server.log")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
  i=$((i + 1))
done
if [ -z "$port" ]; then
  echo "FAIL: the MongoDB test server did not start:"
  cat "$dir/server.log"
  exit 1
fi
echo "MongoDB wire server (pid $pid) on 127.0.0.1:$port"

VMTP_MONGO_PORT=$port VMTP_TEST_TMPDIR=$dir "$test_bin"
rc=$?
exit $rc
