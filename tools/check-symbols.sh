#!/bin/sh
# Check that libvmtp.so exports exactly the symbols listed in
# docs/libvmtp.symbols: nothing internal leaks out, nothing public vanishes;
# and that vmtp, vmtp_genchart and examples/ call only those functions.
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

# The programs use only the public API: they link the static libvmtp.a,
# which holds every internal function too, so check what their own
# objects call. vmtp and vmtp_genchart may also use the vx_ helpers of
# src/util (linked on their own, not through libvmtp); the example may
# use nothing but the exported vmtp_ symbols and the C library.
rc=0
for prog in src/cli/vmtp src/genchart/vmtp_genchart tests/integration/vmtp_example; do
  objs=$(find "$build/$prog.p" -name '*.o' 2>/dev/null)
  [ -n "$objs" ] || { echo "check-symbols: no objects for $prog in $build" >&2; rc=1; continue; }
  # shellcheck disable=SC2086
  used=$(nm -u $objs | awk 'NF == 2 {print $2}' | LC_ALL=C sort -u)
  internal=$(printf '%s\n' "$used" | grep '^vmtp_' | grep -v -x -F -f "$list" || true)
  if [ -n "$internal" ]; then
    echo "check-symbols: $prog calls libvmtp functions that are not public:" >&2
    printf '  %s\n' "$internal" >&2
    rc=1
    continue
  fi
  if [ "${prog##*/}" = vmtp_example ] && printf '%s\n' "$used" | grep -q '^vx_'; then
    echo "check-symbols: the example uses vx_ helpers, which are not public" >&2
    rc=1
  fi
  echo "check-symbols: $prog uses $(printf '%s\n' "$used" | grep -c '^vmtp_') libvmtp functions, all public"
done
exit "$rc"
