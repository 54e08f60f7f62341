#!/bin/sh
# Install the Node.js test helpers in tests/helpers/ (the MongoDB
# wire-protocol test server, docs/mongodb.md) exactly as package-lock.json
# pins them, from the npm registry. Idempotent: does nothing when
# node_modules already matches the lock file. Install scripts are not run
# (--ignore-scripts): nothing is downloaded at install or run time beyond
# the registry's packages.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/tests/helpers

if ! command -v npm >/dev/null 2>&1; then
  echo "install-node-deps: npm not found; the MongoDB integration test will be skipped"
  exit 0
fi
stamp=$dir/node_modules/.vmtp-lock
if [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then
  exit 0
fi
echo "install-node-deps: npm ci in tests/helpers"
(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
cp "$dir/package-lock.json" "$stamp"
