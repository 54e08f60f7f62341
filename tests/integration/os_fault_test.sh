#!/bin/bash
# Fault test against the OpenStack lab: run the create-everything sequence
# (os_sequence) and SIGKILL it at each checkpoint, then run vmtp_cleanup()
# for that run and check that the cloud's resource lists equal the lists
# taken before. Prints one table row per checkpoint; exits 1 on any leak.
#
#   os_fault_test.sh OS_SEQUENCE_BINARY [CHECKPOINT...]
# Env: VMTP_OS_FAULT_STEPS="2 4 ..." or "all"; a step "<n>L" also deletes
# the run's ledger before the cleanup (the sweep by tag must find all). The default kills at every
# "created in the cloud, id not yet recorded" checkpoint (cleanup must find
# the resource by its name), at the first intent, at the server's intent
# and after the last step; "all" adds every "intent only" checkpoint.
# VMTP_TEST_TAG (default vt-os) prefixes the run ids and the temporary
# directory. VMTP_OS_FAULT_SHARED=1, for a lab that other tests use at the
# same time: compare only the resources that carry this test's tag (every
# resource of the sequence has it in its name or description) instead of
# the whole project's lists.
# Needs the lab's OS_* variables (run-cloud-tests.sh sources admin-openrc).
set -uo pipefail
seq_bin=$1; shift
[[ -n ${OS_AUTH_URL:-} ]] || { echo "OS_AUTH_URL not set: run through tests/lab/openstack/run-cloud-tests.sh"; exit 1; }
tag=${VMTP_TEST_TAG:-vt-os}
state=$(mktemp -d "/tmp/$tag-fault-XXXXXX")
# run ids have no '-': names "<what>-<run id>" are then the run's alone
run_prefix="${tag//-/}$$s"
trap 'rm -rf "$state"' EXIT
# run a private copy: a rebuild during the (long) test must not swap it
cp "$seq_bin" "$state/os_sequence" || exit 1
seq_bin=$state/os_sequence
steps=${*:-${VMTP_OS_FAULT_STEPS:-default}}
case $steps in
all) steps=$("$seq_bin" checkpoints | awk '{print $1}') ;;
default) steps=$("$seq_bin" checkpoints | awk '$1 == 1 || $2 != "intent-only" || $3 == "server" {print $1}') ;;
esac
declare -A what
while read -r n kind res; do what[$n]="$kind $res"; done < <("$seq_bin" checkpoints)

snapshot() {
  if [[ ${VMTP_OS_FAULT_SHARED:-0} == 1 ]]; then
    "$seq_bin" snapshot | { grep -F -- "-$run_prefix" || true; }
  else
    "$seq_bin" snapshot
  fi
}
snapshot >"$state/before" || { echo "cannot list the cloud"; exit 1; }
echo "resources before: $(wc -l <"$state/before")"
printf '%-4s %-34s %-8s %-8s %-6s %-6s %s\n' step checkpoint run cleanup again left seconds
fails=0
for step in $steps; do
  t0=$(date +%s)
  k=${step%L}
  run_id="$run_prefix$step"
  ("$seq_bin" run "$state" "$run_id" "$k" >"$state/run-$step.log" 2>&1; exit $?) 2>/dev/null
  rc=$?
  # "<n>L": the ledger is lost too; only the sweep by the run's tag
  # (*-<run_id>) can find what the run made
  [[ $step == "$k" ]] || rm -f "$state/ledger/$run_id.log"
  # os_sequence kills itself between calls, never inside one: no create
  # call can be in flight. Age the ledger past the cleanup's in-flight
  # wait (150 s after its last write, ledger.c), which is for a process
  # killed inside a call (cloud_fault_matrix.sh tests that wait).
  [[ -e $state/ledger/$run_id.log ]] && touch -d '-200 seconds' "$state/ledger/$run_id.log"
  "$seq_bin" cleanup "$state" "$run_id" >"$state/cleanup-$step.log" 2>&1
  crc=$?
  # idempotent: a second cleanup has nothing to do and succeeds (without a
  # ledger it says that nothing carries the tag)
  "$seq_bin" cleanup "$state" "$run_id" >>"$state/cleanup-$step.log" 2>&1
  crc2=$?
  if [[ $step != "$k" && $crc2 == 1 ]] && grep -qF "nothing named *-$run_id " "$state/cleanup-$step.log"; then
    crc2=0
  fi
  snapshot >"$state/after-$step" 2>>"$state/cleanup-$step.log"
  left=$(diff "$state/before" "$state/after-$step" | grep -c '^[<>]')
  want_rc=137; [[ $k == 0 ]] && want_rc=0
  verdict=ok
  if [[ $rc != "$want_rc" || $crc != 0 || $crc2 != 0 || $left != 0 ]]; then
    verdict=FAIL; fails=$((fails + 1))
  fi
  printf '%-4s %-34s %-8s %-8s %-6s %-6s %-4s %s\n' "$step" "${what[$k]:-none}" "$rc" "$crc" "$crc2" "$left" \
    "$(($(date +%s) - t0))" "$verdict"
  if [[ $verdict == FAIL ]]; then
    echo "--- run log"; tail -n 20 "$state/run-$step.log"
    echo "--- cleanup log"; tail -n 20 "$state/cleanup-$step.log"
    echo "--- resources that differ"; diff "$state/before" "$state/after-$step"
  fi
done
# the "all unfinished runs" form has nothing left to do either
"$seq_bin" cleanup "$state" all >"$state/cleanup-all.log" 2>&1 ||
  { echo "cleanup of all runs failed"; cat "$state/cleanup-all.log"; fails=$((fails + 1)); }
echo "$fails failed"
[[ $fails == 0 ]]
