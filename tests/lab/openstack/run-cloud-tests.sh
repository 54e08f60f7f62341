#!/bin/bash
# Start the OpenStack lab, run vmtp's cloud test suite against it, print
# the lab's logs when anything fails, and stop the lab. Prints timings.
#
#   tests/lab/openstack/run-cloud-tests.sh BUILD_DIR [meson test args...]
#
# Env: VMTP_LAB_KEEP=1        leave the lab running afterwards
#      VMTP_OS_FAULT_STEPS    checkpoints for the fault test (see
#                             tests/integration/os_fault_test.sh)
# A lab that does not come up is a FAILURE (exit 1), never a skip.
# Ends with a line "N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
build=${1:?usage: run-cloud-tests.sh BUILD_DIR [meson test args...]}
shift
[[ $(id -u) -eq 0 ]] || { echo "run-cloud-tests.sh: needs root"; echo "0 passed, 1 failed"; exit 1; }

lab_logs() {
  echo "=== lab logs ($LOG): errors and last lines"
  for f in "$LOG"/*.log "$LOG"/*.out; do
    [[ -s $f ]] || continue
    echo "--- $f"
    grep -E 'ERROR|CRITICAL|Traceback' "$f" | tail -n 15
    tail -n 10 "$f"
  done
}

# The cloud run logs into the instances as vmtp's default ssh_vm_username
# (root's login shell may be slow on the host the guests share).
export OSL_GUEST_USER=${OSL_GUEST_USER:-ubuntu}
t0=$(date +%s)
if ! "$here/up.sh" >"/tmp/vt-os-lab-up.log" 2>&1; then
  cat /tmp/vt-os-lab-up.log
  lab_logs
  echo "lab: up.sh FAILED after $(($(date +%s) - t0)) s"
  echo "0 passed, 1 failed"
  exit 1
fi
t_up=$(($(date +%s) - t0))
echo "lab: up in ${t_up} s ($(tr '\n' ' ' <"$B/timings"))"

# shellcheck disable=SC1091
. "$B/admin-openrc"
t1=$(date +%s)
meson test -C "$build" --setup=cloud --suite cloud --print-errorlogs -v "$@"
rc=$?
t_tests=$(($(date +%s) - t1))
[[ $rc == 0 ]] || lab_logs

t2=$(date +%s)
if [[ ${VMTP_LAB_KEEP:-0} != 1 ]]; then
  "$here/down.sh" >"/tmp/vt-os-lab-down.log" 2>&1 || { cat /tmp/vt-os-lab-down.log; rc=1; }
fi
t_down=$(($(date +%s) - t2))
echo "lab timings: up ${t_up} s, tests ${t_tests} s, down ${t_down} s"
python3 - "$build/meson-logs/testlog-cloud.json" <<'PY'
import json, sys
p = f = 0
try:
    for line in open(sys.argv[1]):
        r = json.loads(line)
        if r["result"] in ("OK", "EXPECTEDFAIL"):
            p += 1
        else:
            f += 1
except OSError:
    f += 1
print("%d passed, %d failed" % (p, f))
PY
exit $rc
