#!/bin/sh
# Check that libvmtp.so exports exactly the symbols listed in
# docs/libvmtp.symbols: nothing internal leaks out, nothing public vanishes.
#   tools/check-symbols.sh BUILD_DIR            check
#   tools/check-symbols.sh BUILD_DIR --update   rewrite the list
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: check-symbols.sh BUILD_DIR [--update]}
so=$(find "$build/src/lib" -maxdepth 1 -name 'libvmtp.so.*.*.*' | head -n 1)
[ -n "$so" ] || { echo "check-symbols: no libvmtp.so in $build/src/lib" >&2; exit 1; }
list="$top/docs/libvmtp.symbols"
actual=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBR]$/ {print $3}' | LC_ALL=C sort)
if [ "${2:-}" = --update ]; then
  printf '%s\n' "$actual" >"$list"
  echo "check-symbols: wrote $(printf '%s\n' "$actual" | wc -l) symbols to docs/libvmtp.symbols"
  exit 0
fi
bad=$(printf '%s\n' "$actual" | grep -v '^vmtp_' || true)
if [ -n "$bad" ]; then
  echo "check-symbols: exported symbols outside the vmtp_ namespace:" >&2
  printf '  %s\n' $bad >&2
  exit 1
fi
if ! printf '%s\n' "$actual" | diff -u "$list" - >&2; then
  echo "check-symbols: libvmtp.so exports differ from docs/libvmtp.symbols" >&2
  echo "  (if intended: tools/check-symbols.sh $build --update)" >&2
  exit 1
fi
echo "check-symbols: $(printf '%s\n' "$actual" | wc -l) exported symbols match"
