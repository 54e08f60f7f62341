#!/usr/bin/env bash
# Start a private two-host lab (host 2 without sftp), run the SSH executor
# integration tests inside the lab's client namespace, tear the lab down.
#   remote_lab.sh TEST_BINARY
# Skips (77) when not root or when sshd/unshare are missing.
set -uo pipefail
bin=${1:?usage: remote_lab.sh TEST_BINARY}
top=${VMTP_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
lab=$top/tests/lab/netns-lab.sh
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
for t in /usr/sbin/sshd unshare nsenter ip; do
    command -v "$t" >/dev/null || { echo "skip: $t missing"; exit 77; }
done
prefix=vt-ssh-it$$
cleanup() { "$lab" down --prefix "$prefix" || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
envfile=$("$lab" up 2 --prefix "$prefix" --no-sftp 2) || { echo "lab up failed"; exit 1; }
set -a
eval "$envfile"
set +a
export LAB_SCRIPT=$lab
"$lab" exec --prefix "$prefix" "$bin"
rc=$?
# Nothing may be left: each host runs only its sshd (PID 1) afterwards.
for i in 1 2; do
    left=$("$lab" host --prefix "$prefix" "$i" ps -e -o pid=,args= | awk '$1 != 1' | grep -v ' ps -e' || true)
    if [ -n "$left" ]; then
        echo "leftover processes on host $i:"; echo "$left"; rc=1
    fi
    files=$("$lab" host --prefix "$prefix" "$i" sh -c 'ls -d /tmp/vmtp.* 2>/dev/null' || true)
    if [ -n "$files" ]; then
        echo "leftover files on host $i: $files"; rc=1
    fi
done
exit $rc
