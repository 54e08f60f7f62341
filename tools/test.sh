#!/usr/bin/env bash
# The one command that installs every build and test dependency, builds vmtp
# in each CI configuration and runs every test suite (README "Test").
# It ends with a line "N passed, N failed" and exits non-zero on any failure.
#
#   tools/test.sh            everything (what .ci/run runs)
#   tools/test.sh JOB...     only these jobs: format gcc asan valgrind
#                            cppcheck tidy fuzz docs cloud
#
# The cloud job starts a real OpenStack (tests/lab/openstack), runs the
# cloud suite against it and stops it; VMTP_OS_FAULT_STEPS picks the kill
# points of the SIGKILL fault test (default here: "2 20 22L 23"; "all": 23;
# 22L: killed after the floating IP, ledger lost, only the tag sweep cleans);
# VMTP_FAULT_CELLS those of the vmtp CLI's fault matrix (CONTRIBUTING.md).
#
# Environment: VMTP_SKIP_APT=1 (no apt), VMTP_BUILD_DIR (default ./build-ci).
# The fuzz job is reproducible: every target runs a fixed number of inputs
# (VMTP_FUZZ_RUNS, default per target) from a fixed seed (VMTP_FUZZ_SEED,
# default 1), so it fails only on a change. Exploratory fuzzing is opt-in:
# VMTP_FUZZ_SEED=random and/or VMTP_FUZZ_SECONDS=N (time-bound, no run
# bound), or tools/fuzz-long.sh before a release.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=${VMTP_BUILD_DIR:-$top/build-ci}
mkdir -p "$out"
jobs_all="format gcc asan valgrind cppcheck tidy fuzz docs cloud"
jobs=${*:-$jobs_all}
passed=0
failed=0
skipped=0
failures=()
t0=$(date +%s)

say() { printf '\n=== %s\n' "$*"; }

# Add the per-test outcome of a meson test run to the totals.
tally_meson() { # builddir label [setup]
  local log=$1/meson-logs/testlog${3:+-$3}.json
  [ -f "$log" ] || { failed=$((failed + 1)); failures+=("$2: no test log"); return; }
  local counts
  counts=$(python3 - "$log" "$2" <<'PY'
import json, sys
p = f = s = 0
bad = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["result"] in ("OK", "EXPECTEDFAIL"):
        p += 1
    elif r["result"] == "SKIP":
        s += 1
    else:
        f += 1
        bad.append(sys.argv[2] + ":" + r["name"].replace(" ", ""))
print(p, f, s, " ".join(bad))
PY
)
  read -r p f s bad <<<"$counts"
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  [ -n "${bad:-}" ] && failures+=($bad)
  if [ "$((p + f))" -eq 0 ]; then
    failed=$((failed + 1)); failures+=("$2: ran no test")
  fi
}

# A job that is a single check: counts as one test.
check() { # label command...
  local label=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$label"); fi
}

setup() { # builddir meson-args...
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >"$out/setup-$(basename "$dir").log" 2>&1 ||
      { cat "$out/setup-$(basename "$dir").log"; return 1; }
  fi
  ninja -C "$dir" >"$out/ninja-$(basename "$dir").log" 2>&1 ||
    { tail -n 60 "$out/ninja-$(basename "$dir").log"; return 1; }
}

run_meson_tests() { # builddir label meson-test-args...
  local dir=$1 label=$2 setup="" a; shift 2
  for a in "$@"; do case $a in --setup=*) setup=${a#--setup=} ;; esac; done
  meson test -C "$dir" --print-errorlogs -v "$@" 2>&1 | tee "$out/test-$label.log" |
    grep -E '^\[ *(PASSED|FAILED|  OK|RUN) |^Ok:|^Fail:|^Skipped:|^Timeout:|FAIL|ERROR' | grep -v '^\[ RUN' || true
  tally_meson "$dir" "$label" "$setup"
}

job_format() {
  local files
  files=$(git ls-files -co --exclude-standard '*.c' '*.h' 2>/dev/null)
  # shellcheck disable=SC2086
  clang-format --dry-run --Werror $files
}

job_cppcheck() {
  # -DBSON_ATOMIC_H: cppcheck 2.10 cannot expand libbson's atomics macros
  # (preprocessorErrorDirective), which would skip store_mongo.c entirely.
  cppcheck --project="$out/gcc/compile_commands.json" --quiet \
    --enable=warning,performance,portability --inline-suppr -DBSON_ATOMIC_H \
    --suppress=missingIncludeSystem -i"$out" --error-exitcode=1 \
    --file-filter="$top/src/*"
}

job_tidy() {
  local files
  files=$(git ls-files -co --exclude-standard 'src/*.c')
  # shellcheck disable=SC2086
  clang-tidy -p "$out/gcc" --quiet $files 2>&1 | grep -v '^[0-9]* warnings generated' 
  return "${PIPESTATUS[0]}"
}

# Inputs per fuzz target in the reproducible CI mode: 1-5 s each on an idle
# 2-core CI machine under ASan+UBSan (60 s in all), 4-18 s when it is busy.
fuzz_runs() { # target-name
  [ -n "${VMTP_FUZZ_RUNS:-}" ] && { echo "$VMTP_FUZZ_RUNS"; return; }
  case $1 in
  config) echo 3600 ;;
  result_json | os_token) echo 20000 ;;
  tool_output) echo 30000 ;;
  os_network) echo 36000 ;;
  gmond_xml | openrc | os_image) echo 60000 ;;
  os_compute | probe) echo 80000 ;;
  os_ledger) echo 120000 ;;
  agent_frame | html_escape) echo 240000 ;;
  shquote) echo 400000 ;;
  *) echo 20000 ;;
  esac
}

# One target. Reproducible mode: -seed and -runs fixed, -max_total_time only
# a safety cap (60 s). Exploratory mode (VMTP_FUZZ_SECONDS set): time-bound.
# The seed and the command that reproduces the run are printed either way.
# A seed alone is not enough: libFuzzer re-reads its corpus directory every
# second (-reload=0 stops that) and records compared values, pointers too,
# as mutation hints, so address randomisation changes the inputs it tries
# (setarch -R turns it off where the kernel or container allows it).
fuzz_one() { # binary corpus log
  local name seed bound rc done_runs norand=()
  name=$(basename "$1"); name=${name#fuzz_}
  seed=${VMTP_FUZZ_SEED:-1}
  if [ "$seed" = random ]; then seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); fi
  if [ -n "${VMTP_FUZZ_SECONDS:-}" ]; then
    bound=(-max_total_time="$VMTP_FUZZ_SECONDS")
  else
    bound=(-runs="$(fuzz_runs "$name")" -max_total_time=60)
    if setarch "$(uname -m)" -R true 2>/dev/null; then
      norand=(setarch "$(uname -m)" -R)
    else
      echo "fuzz $name: note: cannot disable ASLR here (setarch -R), the run may differ slightly"
    fi
  fi
  echo "fuzz $name: ${norand[*]:+${norand[*]} }-seed=$seed ${bound[*]} -reload=0"
  "${norand[@]}" "$1" -seed="$seed" "${bound[@]}" -reload=0 -rss_limit_mb=1024 \
    -print_final_stats=1 -artifact_prefix="$out/fuzz-$name-" "$2" >"$3" 2>&1
  rc=$?
  done_runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$3")
  grep -E '^Done [0-9]+ runs' "$3" | sed "s/^/fuzz $name: /"
  if [ -z "${VMTP_FUZZ_SECONDS:-}" ] && [ -n "$done_runs" ] &&
    [ "$done_runs" -lt "$(fuzz_runs "$name")" ]; then
    echo "fuzz $name: WARNING: stopped at the 60 s safety cap, not the reproducible run"
  fi
  [ "$rc" -eq 0 ] && return 0
  tail -n 40 "$3"
  echo "fuzz $name: reproduce: ${norand[*]:+${norand[*]} }$1 -seed=$seed ${bound[*]} -reload=0 DIR (DIR: a copy of tests/fuzz/corpus/$name)"
  return 1
}

job_docs() {
  local rc=0
  for m in docs/*.[1-8]; do
    [ -f "$m" ] || continue
    mandoc -Tlint -Wwarning "$m" || rc=1
  done
  if [ -x tools/check-docs.sh ]; then tools/check-docs.sh "$out/gcc" || rc=1; fi
  if [ -x tools/check-symbols.sh ]; then tools/check-symbols.sh "$out/gcc" || rc=1; fi
  return $rc
}

say "dependencies"
"$top/tools/install-deps.sh" || { echo "cannot install dependencies"; echo "0 passed, 1 failed"; exit 1; }

for job in $jobs; do
  say "job: $job ($(($(date +%s) - t0)) s so far)"
  case $job in
  format) check format job_format ;;
  gcc)
    if setup "$out/gcc" -Dwerror=true -Dtests=enabled; then
      run_meson_tests "$out/gcc" gcc
    else failed=$((failed + 1)); failures+=("gcc build"); fi ;;
  asan)
    if setup "$out/asan" -Dwerror=true -Dtests=enabled -Db_sanitize=address,undefined -Db_lundef=false; then
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        run_meson_tests "$out/asan" asan
    else failed=$((failed + 1)); failures+=("asan build"); fi ;;
  valgrind)
    if setup "$out/gcc" -Dwerror=true -Dtests=enabled; then
      run_meson_tests "$out/gcc" valgrind --setup=valgrind --suite unit
    else failed=$((failed + 1)); failures+=("valgrind build"); fi ;;
  cppcheck)
    [ -f "$out/gcc/compile_commands.json" ] || setup "$out/gcc" -Dwerror=true -Dtests=enabled
    check cppcheck job_cppcheck ;;
  tidy)
    [ -f "$out/gcc/compile_commands.json" ] || setup "$out/gcc" -Dwerror=true -Dtests=enabled
    check clang-tidy job_tidy ;;
  fuzz)
    if CC=clang setup "$out/fuzz" -Dfuzzing=true -Dtests=enabled -Db_sanitize=address,undefined -Db_lundef=false; then
      for f in "$out"/fuzz/tests/fuzz/fuzz_*; do
        [ -f "$f" ] && [ -x "$f" ] || continue  # not the fuzz_*.p object dirs
        name=$(basename "$f"); name=${name#fuzz_}
        corpus=$(mktemp -d)
        # files in sorted order: libFuzzer's order of equal-sized seeds is
        # the directory order, part of what makes a seeded run reproducible
        cp -r "$top/tests/fuzz/corpus/$name"/* "$corpus/" 2>/dev/null
        check "fuzz $name" fuzz_one "$f" "$corpus" "$out/fuzz-$name.log"
        rm -rf "$corpus"
        echo "fuzz $name: done"
      done
    else failed=$((failed + 1)); failures+=("fuzz build"); fi ;;
  # both read the gcc job's binaries: bring them up to date (incremental
  # after the gcc job; a full build when the job runs alone)
  docs)
    if setup "$out/gcc" -Dwerror=true -Dtests=enabled; then check docs job_docs
    else failed=$((failed + 1)); failures+=("docs build"); fi ;;
  cloud)
    setup "$out/gcc" -Dwerror=true -Dtests=enabled ||
      { failed=$((failed + 1)); failures+=("cloud build"); continue; }
    VMTP_OS_FAULT_STEPS=${VMTP_OS_FAULT_STEPS:-2 20 22L 23} \
      "$top/tests/lab/openstack/run-cloud-tests.sh" "$out/gcc" 2>&1 |
      tee "$out/test-cloud.log" |
      grep -E '^lab|^\[ *(PASSED|FAILED) |^Ok:|^Fail:|FAIL|passed, .* failed' || true
    tally_meson "$out/gcc" cloud cloud ;;
  *) echo "unknown job '$job' (jobs: $jobs_all)"; exit 2 ;;
  esac
done

say "summary ($(($(date +%s) - t0)) s)"
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "skipped: $skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
