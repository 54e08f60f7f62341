#!/bin/bash
# Fault matrix of the vmtp CLI's cloud run on the OpenStack lab: SIGINT,
# SIGTERM and SIGKILL injected at orchestration steps of a real run (the
# step is the N-th intent line of the run's cleanup ledger, written just
# before the create call), then `vmtp --cleanup`; in every cell the
# project's resource lists must equal those taken before the cell.
#
#   cloud_fault_matrix.sh VMTP OS_SEQUENCE
#
# A cell is TRIGGER:SIGNAL.
#   TRIGGER  N        the N-th intent of the ledger (any resource type)
#            TYPE#K   the K-th intent of a type (server, fip, router_if,
#                     port, router, subnet, network, secgroup, keypair,
#                     flavor, image); TYPE alone is TYPE#1
#            gone#K   the K-th "gone" line: a client VM deleted after its
#                     flows (measurement) or the teardown
#   SIGNAL   INT, TERM  vmtp must tear down by itself: exit 128+signal,
#                     nothing left and its ledger "done" before any
#                     cleanup; then `vmtp --cleanup` finds nothing
#            KILL     SIGKILL, then `vmtp --cleanup RUN_ID`, then plain
#                     `vmtp --cleanup` (nothing left to do)
#            KILLALL  SIGKILL, then plain `vmtp --cleanup` (every
#                     unfinished run), then `vmtp --cleanup RUN_ID`
# Every cell also checks that no unfinished run is left in its state
# directory (each ledger ends "done", no run-<id> directory with the
# run's SSH key).
#
# Env:
# VMTP_FAULT_CELLS   "default" (CI: 3 cells, one per signal: a subnet
#                    being created, the second server booting, the first
#                    floating IP), "all" (one undisturbed pass counts the
#                    ledger's intents N, then steps 1..N and gone#1, each
#                    with INT, TERM and KILL/KILLALL alternating), or a
#                    list of cells, e.g. "3:INT server#2:TERM fip:KILL".
# VMTP_FAULT_ARGS    vmtp options of the run (default: --hypervisor
#                    compute-1, i.e. three VMs on one host, -t 1, an
#                    image uploaded from a file and deleted after the run)
# VMTP_FAULT_WAIT    seconds to wait for a trigger, and again for vmtp to
#                    exit after a signal (default 900; then SIGKILL, FAIL)
# VMTP_FAULT_TOTAL=N with "all": the run's number of intents, known from
#                    an earlier pass (skips the undisturbed pass)
# VMTP_FAULT_KEEP=1  keep the temporary directory (logs, ledgers)
# VMTP_TEST_TAG      prefix of every name and of the temporary directory
#                    (default vt-fm)
# VMTP_CLOUD_TEST_SHARED=1, VMTP_CLOUD_TEST_IGNORE: a lab shared with
#                    other tests (cloud_lib.sh); then only resources that
#                    appeared and carry the cell's run id count as leaks.
# Prints one table row per cell and "N passed, N failed"; exits 1 if any
# cell leaks, exits wrongly or leaves an unfinished run.
set -uo pipefail
vmtp=$1 seqb=$2
# shellcheck source=cloud_lib.sh
. "$(dirname "$0")/cloud_lib.sh"
cl_need_lab
tag=${VMTP_TEST_TAG:-vt-fm}
wait_s=${VMTP_FAULT_WAIT:-900}
read -r -a run_args <<<"${VMTP_FAULT_ARGS:---hypervisor compute-1}"
dir=$(mktemp -d "/tmp/$tag-matrix-XXXXXX")
pid=""
cleanup() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  # whatever a failed cell left behind
  for s in "$dir"/*/state; do
    [[ -d $s/vmtp/ledger ]] && XDG_STATE_HOME=$s timeout -s KILL 1200 "$vmtp" --cleanup >/dev/null 2>&1
  done
  if [[ ${VMTP_FAULT_KEEP:-0} == 1 ]]; then echo "logs kept in $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# private copies: a rebuild during the (long) test must not swap them
cp "$vmtp" "$dir/vmtp" && vmtp=$dir/vmtp || exit 1
cp "$seqb" "$dir/os_sequence" && seqb=$dir/os_sequence || exit 1
printf '%s image %s\n' "$tag" "$$" >"$dir/img.qcow2"
cl_write_cfg "$dir/cfg.yaml" "$tag" 198.19.70.0/24,198.19.71.0/24 \
  2001:db8:70::/64,2001:db8:71::/64
vmtp_args=(-c "$dir/cfg.yaml" -t 1 --vm-image-url "file://$dir/img.qcow2"
           --delete-image-after-run "${run_args[@]}")

ledger_of() { local f; for f in "$1"/vmtp/ledger/*.log; do [[ -e $f ]] && echo "$f"; done; }
# lines of the ledger file $1 that a trigger $2 counts, and how many
trigger_lines() {
  local trig=$2 what
  case $trig in
  [0-9]*) grep '^intent ' "$1" 2>/dev/null ;;
  *) what=${trig%%#*}
     if [[ $what == gone ]]; then grep '^gone ' "$1" 2>/dev/null
     else grep "^intent [0-9]* $what " "$1" 2>/dev/null; fi ;;
  esac
}
trigger_count() {
  case $1 in [0-9]*) echo "$1" ;; *\#*) echo "${1#*#}" ;; *) echo 1 ;; esac
}
# the resource type a trigger fired on (from the ledger line it matched)
trigger_type() {
  local line
  line=$(trigger_lines "$1" "$2" | sed -n "$(trigger_count "$2")p")
  case $line in
  intent*) awk '{print $3}' <<<"$line" ;;
  gone*) echo "gone:$(awk -v s="$(awk '{print $2}' <<<"$line")" '$1 == "intent" && $2 == s {print $3}' "$1")" ;;
  *) echo "-" ;;
  esac
}

# ledger_state STATE: "done" when every ledger ends done and no run
# directory (the run's SSH key) is left, else what is not
ledger_state() {
  local s=$1 f out=""
  for f in $(ledger_of "$s"); do
    grep -qx "done" "$f" || out+="open:$(basename "$f" .log) "
  done
  for f in "$s"/vmtp/run-*; do
    [[ -e $f ]] && out+="dir:$(basename "$f") "
  done
  echo "${out:-done}"
}

fails=0 passed=0 missed=0
rows=()
# run_cell CELL
run_cell() {
  local cell=$1 trig=${1%%:*} sig=${1##*:}
  local c="$dir/c${#rows[@]}" t0=$SECONDS t_sig="-" rc="-" pre="-" crc="-" left ledger verdict typ="-" run_id
  local want_rc n k lf mine
  mkdir -p "$c/state"
  cl_snap "$seqb" >"$c/before" || { echo "cannot list the cloud"; exit 1; }
  XDG_STATE_HOME=$c/state "$vmtp" "${vmtp_args[@]}" --json "$c/run.json" >"$c/run.out" 2>"$c/run.err" &
  pid=$!
  k=$(trigger_count "$trig")
  n=0
  while ((SECONDS - t0 < wait_s)); do
    lf=$(ledger_of "$c/state" | head -n 1)
    [[ -n $lf ]] && n=$(trigger_lines "$lf" "$trig" | wc -l)
    ((n >= k)) && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if ((n >= k)) && kill -0 "$pid" 2>/dev/null; then
    case $sig in INT) kill -INT "$pid" ;; TERM) kill -TERM "$pid" ;; *) kill -KILL "$pid" ;; esac
    t_sig=$((SECONDS - t0))
    typ=$(trigger_type "$lf" "$trig")
  fi
  local t1=$SECONDS
  while kill -0 "$pid" 2>/dev/null && ((SECONDS - t1 < wait_s)); do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "cell $cell: vmtp still running $wait_s s after the signal: SIGKILL"
    kill -KILL "$pid"
    rc=hang
    wait "$pid" 2>/dev/null
  else
    wait "$pid" 2>/dev/null; rc=$?
  fi
  pid=""
  lf=$(ledger_of "$c/state" | head -n 1)
  run_id=$(basename "${lf:-none}" .log)
  # the run's resources carry its id; the image is named as configured
  mine="$run_id| $tag-image-"
  [[ $t_sig == - ]] && { echo "cell $cell: trigger not reached (exit $rc, $n of $k lines)"; missed=$((missed + 1)); }
  case $sig in INT) want_rc=130 ;; TERM) want_rc=143 ;; *) want_rc=137 ;; esac
  verdict=ok
  if [[ $sig == INT || $sig == TERM ]]; then
    # vmtp tore down by itself: nothing is left before any cleanup
    cl_snap "$seqb" >"$c/mid"
    pre=$(cl_diff "$c/before" "$c/mid" "$c/diff-pre" "$mine")
    ledger=$(ledger_state "$c/state")
    [[ $pre == 0 && $ledger == "done" ]] || verdict=FAIL
    XDG_STATE_HOME=$c/state timeout -s KILL 1200 "$vmtp" --cleanup >"$c/cleanup.out" 2>&1
    crc=$?
    # nothing to delete: the run was done
    grep -q 'deleted' "$c/cleanup.out" && { verdict=FAIL; echo "cell $cell: --cleanup deleted something after the run's own teardown"; }
  else
    local first=("$run_id") second=()
    [[ $sig == KILLALL ]] && first=() second=("$run_id")
    XDG_STATE_HOME=$c/state timeout -s KILL 1200 "$vmtp" --cleanup "${first[@]}" >"$c/cleanup.out" 2>&1
    crc=$?
    XDG_STATE_HOME=$c/state timeout -s KILL 1200 "$vmtp" --cleanup "${second[@]}" >"$c/cleanup2.out" 2>&1 ||
      { crc="$crc/$?"; verdict=FAIL; }
    ledger=$(ledger_state "$c/state")
  fi
  [[ $t_sig == - ]] && want_rc=$rc # not reached: the run's own result
  cl_snap "$seqb" >"$c/after"
  left=$(cl_diff "$c/before" "$c/after" "$c/diff" "$mine")
  ledger=$(ledger_state "$c/state")
  if [[ $rc != "$want_rc" || $crc != 0 || $left != 0 || $ledger != "done" ]]; then
    verdict=FAIL
  fi
  [[ $t_sig == - && $verdict == ok ]] && verdict=missed
  case $verdict in ok) passed=$((passed + 1)) ;; FAIL) fails=$((fails + 1)) ;; esac
  local row
  row=$(printf '%-10s %-10s %-8s %-5s %-6s %-6s %-6s %-5s %-6s %-5s %s' "$trig" "$typ" "$sig" "$rc" \
    "$t_sig" "$pre" "$crc" "$left" "${ledger%% *}" "$((SECONDS - t0))" "$verdict")
  rows+=("$row")
  echo "$row"
  if [[ $verdict == FAIL ]]; then
    echo "--- run $run_id (tail)"; tail -n 15 "$c/run.err"
    echo "--- cleanup"; tail -n 15 "$c/cleanup.out"
    echo "--- left in the cloud"; cat "$c/diff" "$c/diff-pre" 2>/dev/null
    echo "--- state: $ledger"
  fi
}

# one undisturbed pass: its exit, leaks and the number of intents (total)
dry_pass() {
  c0="$dir/dry" t0=$SECONDS
  mkdir -p "$c0/state"
  cl_snap "$seqb" >"$c0/before" || { echo "cannot list the cloud"; exit 1; }
  XDG_STATE_HOME=$c0/state timeout -s KILL 1800 "$vmtp" "${vmtp_args[@]}" >"$c0/run.out" 2>"$c0/run.err"
  rc=$?
  lf=$(ledger_of "$c0/state" | head -n 1)
  total=$(grep -c '^intent ' "${lf:-/dev/null}")
  cl_snap "$seqb" >"$c0/after"
  left=$(cl_diff "$c0/before" "$c0/after" "$c0/diff" "$(basename "${lf:-none}" .log)| $tag-image-")
  echo "undisturbed run: exit $rc, $total intents ($(grep '^intent ' "${lf:-/dev/null}" | awk '{print $3}' | tr '\n' ' ')), $left left, $((SECONDS - t0)) s"
  [[ $rc == 0 && $left == 0 && $total -gt 0 ]] || { echo "FAIL: the undisturbed run"; tail -n 20 "$c0/run.err"; cat "$c0/diff"; exit 1; }
}

header=$(printf '%-10s %-10s %-8s %-5s %-6s %-6s %-6s %-5s %-6s %-5s %s' trigger type signal exit t_sig \
  pre cln left ledger secs verdict)
cells=${VMTP_FAULT_CELLS:-default}
case $cells in
default) cells="subnet:INT server#2:TERM fip:KILL" ;;
all)
  total=${VMTP_FAULT_TOTAL:-}
  [[ -n $total ]] || dry_pass
  # steps 1, 6, 11, ..., then 2, 7, 12, ...: early, middle and late
  # steps are covered first (a partial run of the matrix means something)
  cells=""
  for ((off = 1; off <= 5; off++)); do
    for ((i = off; i <= total; i += 5)); do
      kill=KILL; ((i % 2 == 0)) && kill=KILLALL
      cells+="$i:INT $i:TERM $i:$kill "
    done
    ((off == 1)) && cells+="gone#1:INT gone#1:TERM gone#1:KILLALL "
  done
  ;;
esac
echo "cells: $cells"
cl_snap "$seqb" >"$dir/first" || { echo "cannot list the cloud"; exit 1; }
echo "$header"
for cell in $cells; do
  run_cell "$cell"
done
# a resource created late (after its cell's last snapshot) shows now
cl_snap "$seqb" >"$dir/last"
late=$(cl_diff "$dir/first" "$dir/last" "$dir/late" " $tag-")
if [[ $late != 0 ]]; then
  echo "FAIL: $late resources of this test appeared after their cell:"; cat "$dir/late"
  fails=$((fails + 1))
fi
echo
echo "=== fault matrix (vmtp ${vmtp_args[*]})"
echo "$header"
printf '%s\n' "${rows[@]}"
echo "$passed passed, $fails failed, $missed not reached"
[[ $fails == 0 ]]
