#!/usr/bin/env bash
# Check that every option `vmtp -h` documents is in docs/vmtp.1 and that
# every option the man page documents is in `vmtp -h`.
#   tools/check-docs.sh BUILD_DIR
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
vmtp=${1:?usage: check-docs.sh BUILD_DIR}/src/cli/vmtp
man=$top/docs/vmtp.1
tmp=$(mktemp -d /tmp/vmtp-check-docs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Option lines of the help text start with two spaces and a dash.
"$vmtp" -h | grep -E '^  -' |
  grep -oE -- '(^  |, )-{1,2}[A-Za-z][A-Za-z0-9_-]*' |
  sed -E 's/^(  |, )//' | sort -u >"$tmp/help"
# Option items of the man page: ".It Fl -config Ar ..., Fl -x".
grep -E '^\.It Fl ' "$man" |
  grep -oE 'Fl -?[A-Za-z][A-Za-z0-9_-]*' | sed -E 's/^Fl /-/' |
  sort -u >"$tmp/man"

rc=0
if ! diff -u "$tmp/help" "$tmp/man" >"$tmp/diff"; then
  echo "check-docs: options differ between 'vmtp -h' (-) and docs/vmtp.1 (+):"
  grep -E '^[-+]-' "$tmp/diff" | grep -vE '^(---|\+\+\+) ' || true
  rc=1
fi
n=$(wc -l <"$tmp/help")
[ "$n" -ge 40 ] || { echo "check-docs: only $n options found in vmtp -h"; rc=1; }
[ "$rc" -eq 0 ] && echo "check-docs: $n options documented in both"
exit "$rc"
