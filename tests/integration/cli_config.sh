#!/usr/bin/env bash
# Configuration round trip and precedence through the real vmtp binary,
# with HOME pointed at a temporary directory, and the openrc reader proven
# not to run the hostile lines of a fixture; no secret in the process list.
#   cli_config.sh /path/to/vmtp SOURCE_ROOT
set -u
vmtp=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
tmp=$(mktemp -d /tmp/vt-cli-cfg.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home"
pass=0
fail=0

run() { (cd "$tmp" && env -i HOME="$tmp/home" PATH=/usr/bin:/bin "$@" </dev/null); }
check() { # description command...
  local what=$1; shift
  if "$@"; then pass=$((pass + 1)); echo "ok: $what"
  else fail=$((fail + 1)); echo "FAIL: $what"; fi
}
has() { grep -qxF -- "$2" "$1"; }

# 1. vmtp -sc > a.yaml && vmtp -c a.yaml -sc reproduces it.
run "$vmtp" -sc >"$tmp/a.yaml"
run "$vmtp" -c "$tmp/a.yaml" -sc >"$tmp/a2.yaml"
check "default -sc round trip" cmp -s "$tmp/a.yaml" "$tmp/a2.yaml"
check "-sc output is non-trivial" has "$tmp/a.yaml" 'time: 10'

# 2. The same with many non-default values.
run "$vmtp" -t 7 --protocols IT --hypervisor nova:h1 --udpbuf 64,65507 \
    --vnic-type macvtap --test-description 'quote " and \ back' \
    --host root@198.18.0.1::eth1 --bandwidth 2G -sc >"$tmp/b.yaml"
run "$vmtp" -c "$tmp/b.yaml" -sc >"$tmp/b2.yaml"
check "non-default -sc round trip" cmp -s "$tmp/b.yaml" "$tmp/b2.yaml"
check "round trip keeps the values" has "$tmp/b2.yaml" 'vm_bandwidth: 2000000'

# 3. Precedence: default < $HOME/.vmtp.yaml < -c FILE < command line.
run "$vmtp" -sc >"$tmp/p0.yaml"
check "default time" has "$tmp/p0.yaml" 'time: 10'
printf 'time: 20\nping_count: 5\nflavor:\n  ram: 1024\n' >"$tmp/home/.vmtp.yaml"
printf 'time: 30\nflavor: {vcpus: 4}\n' >"$tmp/c.yaml"
run "$vmtp" -sc >"$tmp/p1.yaml"
check "HOME file over default" has "$tmp/p1.yaml" 'time: 20'
check "HOME file key" has "$tmp/p1.yaml" 'ping_count: 5'
run "$vmtp" -c "$tmp/c.yaml" -sc >"$tmp/p2.yaml"
check "-c over HOME file" has "$tmp/p2.yaml" 'time: 30'
check "HOME key kept under -c" has "$tmp/p2.yaml" 'ping_count: 5'
check "mapping merged: ram from HOME" has "$tmp/p2.yaml" '  ram: 1024'
check "mapping merged: vcpus from -c" has "$tmp/p2.yaml" '  vcpus: 4'
run "$vmtp" -c "$tmp/c.yaml" -t 40 -sc >"$tmp/p3.yaml"
check "command line over -c" has "$tmp/p3.yaml" 'time: 40'
check "YAML time kept without -t (not the original's bug)" \
  has "$tmp/p2.yaml" 'time: 30'

# 4. Bad HOME file and empty -c file: exit 2 naming file and line.
printf 'time: 5\nbogus_key: 1\n' >"$tmp/home/.vmtp.yaml"
out=$(run "$vmtp" -sc 2>&1); rc=$?
check "bad HOME file rejected" test "$rc" -eq 2
check "error names file, line and key" \
  grep -qF "$tmp/home/.vmtp.yaml:2: unknown key 'bogus_key'" <<<"$out"
rm -f "$tmp/home/.vmtp.yaml"
: >"$tmp/empty.yaml"
out=$(run "$vmtp" -c "$tmp/empty.yaml" -sc 2>&1); rc=$?
check "empty -c file rejected" test "$rc" -eq 2
check "empty file message" grep -qF "empty.yaml:1: empty YAML document" <<<"$out"

# 5. The hostile openrc runs nothing through vmtp ...
marker="$tmp/marker"
out=$(run env VMTP_MARKER="$marker" "$vmtp" --dry-run -r "$src/tests/data/openrc/hostile-openrc.sh" -p x 2>&1); rc=$?
check "hostile openrc accepted (dry run: 0)" test "$rc" -eq 0
check "hostile openrc ran nothing" test ! -e "$marker"
check "hostile lines reported" grep -qF "command substitution" <<<"$out"
# ... while a shell sourcing the same file does create the marker, which
# shows the fixture really is hostile.
run env VMTP_MARKER="$marker" bash -c ". '$src/tests/data/openrc/hostile-openrc.sh'" >/dev/null 2>&1
check "control: a shell would have run it" test -e "$marker"

# 6. With --host, OS_* variables alone start no cloud run; -r does.
out=$(run env OS_AUTH_URL=http://127.0.0.1:9/v3 OS_USERNAME=u OS_PASSWORD=p \
    OS_PROJECT_NAME=p "$vmtp" --dry-run --host root@198.18.0.1 2>&1); rc=$?
check "--host with OS_* only: dry run 0" test "$rc" -eq 0
check "--host with OS_* only: no cloud" grep -qF "OpenStack: no credentials" <<<"$out"
check "--host with OS_* only: says so" grep -qF "OS_* variables ignored" <<<"$out"
out=$(run env OS_AUTH_URL=http://127.0.0.1:9/v3 OS_USERNAME=u OS_PASSWORD=p \
    OS_PROJECT_NAME=p OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
    "$vmtp" --dry-run 2>&1); rc=$?
check "OS_* without --host: cloud" grep -qF "OpenStack: credentials found" <<<"$out"
out=$(run "$vmtp" --dry-run --host root@198.18.0.1 \
    -r "$src/tests/data/openrc/dashboard-v3-openrc.sh" -p x 2>&1); rc=$?
check "--host with -r: cloud too" grep -qF "OpenStack: credentials found" <<<"$out"
# 7. Secrets leave the process list: once vmtp talks to the (silent) cloud,
# /proc/PID/cmdline shows no password, and the debug log masks them too.
# A TERM then ends the run with 128+15.
cat >"$tmp/silent.py" <<'PY'
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(4)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
__import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    c, _ = s.accept()
    held.append(c)
    open(sys.argv[2], "w").close()
PY
python3 "$tmp/silent.py" "$tmp/port" "$tmp/accepted" &
lpid=$!
trap 'kill "$lpid" 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
printf 'export OS_AUTH_URL=http://127.0.0.1:%s/v3\nexport OS_USERNAME=u\nexport OS_PROJECT_NAME=p\nexport OS_USER_DOMAIN_NAME=Default\nexport OS_PROJECT_DOMAIN_NAME=Default\n' \
  "$(cat "$tmp/port")" >"$tmp/silent-openrc"
(cd "$tmp" && exec env -i HOME="$tmp/home" PATH=/usr/bin:/bin "$vmtp" -d \
   -r "$tmp/silent-openrc" -p Pw-S3cret --controller-node root@127.0.0.1:Ctl-S3cret \
   --external-host=root@127.0.0.1:Ext-S3cret:x </dev/null >"$tmp/ps.out" 2>&1) &
vpid=$!
for _ in $(seq 300); do [ -e "$tmp/accepted" ] && break; sleep 0.1; done
cmdline=$(tr '\0' ' ' <"/proc/$vpid/cmdline" 2>/dev/null)
check "vmtp reached the cloud" test -e "$tmp/accepted"
check "process list shows the options" grep -qF -- "--controller-node root@127.0.0.1:" <<<"$cmdline"
check "no secret in the process list" test -n "$cmdline" -a "${cmdline//S3cret/}" = "$cmdline"
kill -TERM "$vpid"
wait "$vpid"
rc=$?
check "TERM: exit status 128+15 (got $rc)" test "$rc" -eq 143
check "debug log masks every secret" grep -qF -- "-p <MASKED> --controller-node root@127.0.0.1:<MASKED>" "$tmp/ps.out"
check "no secret in the log" test "$(grep -c S3cret "$tmp/ps.out")" -eq 0
kill "$lpid"

echo "cli_config: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
