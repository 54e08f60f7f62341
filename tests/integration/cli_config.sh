#!/usr/bin/env bash
# Configuration round trip and precedence through the real vmtp binary,
# with HOME pointed at a temporary directory, and the openrc reader proven
# not to run the hostile lines of a fixture.
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

echo "cli_config: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
