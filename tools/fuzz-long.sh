#!/usr/bin/env bash
# Exploratory fuzzing, for a developer before a release (CONTRIBUTING.md
# "Fuzzing"). Unlike the CI fuzz job (tools/test.sh fuzz: fixed seed, fixed
# number of inputs, so CI fails only on a change), this runs every libFuzzer
# target for N seconds from a random seed, to look for latent bugs.
#
#   tools/fuzz-long.sh [SECONDS [TARGET...]]    default: 300 s, every target
#
# Environment: VMTP_FUZZ_SEED (default: random, printed), VMTP_BUILD_DIR
# (default ./build-ci; the build goes to $VMTP_BUILD_DIR/fuzz, as in CI).
# The growing corpus and any crash, leak or timeout reproducer go to a
# temporary directory (printed), never into the repository: minimise a
# reproducer with `fuzz_NAME -minimize_crash=1 -runs=10000 FILE`, fix the
# bug, and add the reproducer to tests/fuzz/corpus/NAME/.
set -uo pipefail
shopt -s nullglob

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
secs=${1:-300}
shift $(($# > 0 ? 1 : 0))
out=${VMTP_BUILD_DIR:-$top/build-ci}
bld=$out/fuzz
mkdir -p "$out"
if [ ! -f "$bld/build.ninja" ]; then
  CC=clang meson setup "$bld" -Dfuzzing=true -Dtests=enabled \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null || exit 1
fi
ninja -C "$bld" >/dev/null || { ninja -C "$bld" | tail -n 40; exit 1; }

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$bld"/tests/fuzz/fuzz_*; do
    if [ -f "$f" ] && [ -x "$f" ]; then
      n=$(basename "$f")
      targets+=("${n#fuzz_}")
    fi
  done
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/vmtp-fuzz-long.XXXXXX")
echo "work directory: $work"
bad=()
for name in "${targets[@]}"; do
  name=${name#fuzz_}
  bin=$bld/tests/fuzz/fuzz_$name
  [ -x "$bin" ] || { echo "no target $name"; bad+=("$name"); continue; }
  seed=${VMTP_FUZZ_SEED:-random}
  if [ "$seed" = random ]; then seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); fi
  mkdir -p "$work/$name/corpus"
  cp -r "$top/tests/fuzz/corpus/$name"/* "$work/$name/corpus/" 2>/dev/null
  echo "fuzz $name: -seed=$seed -max_total_time=$secs"
  if ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    "$bin" -seed="$seed" -max_total_time="$secs" -rss_limit_mb=1024 \
      -timeout=10 -print_final_stats=1 -artifact_prefix="$work/$name/" \
      "$work/$name/corpus" >"$work/$name/log" 2>&1; then
    grep -E '^Done [0-9]+ runs' "$work/$name/log" | sed "s/^/fuzz $name: /"
  else
    tail -n 30 "$work/$name/log"
    echo "fuzz $name: FAILED (seed $seed); reproducer(s):" "$work/$name"/crash-* \
      "$work/$name"/leak-* "$work/$name"/timeout-* "$work/$name"/oom-* 2>/dev/null
    bad+=("$name")
  fi
done
echo "${#targets[@]} targets, ${#bad[@]} failed${bad:+: ${bad[*]}}"
[ ${#bad[@]} -eq 0 ]
