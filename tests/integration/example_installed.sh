#!/usr/bin/env bash
# Install libvmtp into a temporary DESTDIR, build examples/vmtp_example.c
# against the INSTALLED headers and library through pkg-config (shared and
# static), check the installed headers and man pages, then run the example
# in a one-host netns lab (tests/lab/netns-lab.sh): a TCP + ICMP
# measurement whose figures must be present and positive, a second run
# cancelled by SIGINT that must return 130 and leave nothing on the host,
# and a third cancelled from another thread (api_cancel_thread.c).
#   example_installed.sh IN_TREE_EXAMPLE
# Env: VMTP_SOURCE_ROOT, VMTP_BUILD_ROOT (set by meson test).
# Skips (77) when not root or when sshd, cc, pkg-config or unshare miss.
set -uo pipefail
top=${VMTP_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${VMTP_BUILD_ROOT:?VMTP_BUILD_ROOT not set}
lab=$top/tests/lab/netns-lab.sh
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
for t in /usr/sbin/sshd unshare nsenter ip cc pkg-config meson nuttcp; do
    command -v "$t" >/dev/null || { echo "skip: $t missing"; exit 77; }
done

prefix=vt-api$$
tmp=$(mktemp -d /tmp/vt-api-example.XXXXXX)
bgpid=
cleanup() {
    [ -n "$bgpid" ] && kill "$bgpid" 2>/dev/null
    "$lab" down --prefix "$prefix" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# --- install ---------------------------------------------------------
dest=$tmp/root
if ! meson install -C "$build" --destdir "$dest" --no-rebuild >"$tmp/install.log" 2>&1; then
    tail -n 20 "$tmp/install.log"; echo "FAIL: meson install"; exit 1
fi
pc=$(find "$dest" -name libvmtp.pc | head -n 1)
[ -n "$pc" ] || { echo "FAIL: no libvmtp.pc installed"; exit 1; }
export PKG_CONFIG_PATH=${pc%/*} PKG_CONFIG_SYSROOT_DIR=$dest
pkg-config --print-errors --exists libvmtp || { echo "FAIL: pkg-config libvmtp"; exit 1; }
# pkgconf puts the sysroot in front of the variables itself.
libdir=$(pkg-config --variable=libdir libvmtp)
incdir=$(pkg-config --variable=includedir libvmtp)
case $libdir in "$dest"/*) ;; *) libdir=$dest$libdir; incdir=$dest$incdir ;; esac
[ -f "$libdir/libvmtp.a" ] && ok "static library installed" || fail "no $libdir/libvmtp.a"
ls "$libdir"/libvmtp.so.* >/dev/null 2>&1 && ok "shared library installed" || fail "no libvmtp.so in $libdir"
for m in man1/vmtp.1 man1/vmtp_genchart.1 man1/vmtp-agent.1 man3/libvmtp.3 man5/vmtp.conf.5; do
    [ -n "$(find "$dest" -path "*/share/man/$m")" ] || fail "man page $m not installed"
done

# A sanitizer build installs an instrumented libvmtp: build the example
# with the same instrumentation, or it cannot link.
san=$(meson introspect "$build" --buildoptions | python3 -c '
import json, sys
print(next((o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"), "none"))')
sanflags=()
if [ "$san" != none ] && [ -n "$san" ]; then sanflags=(-fsanitize="$san"); fi

# --- installed headers: each stands alone, in C11 and C++ ------------
for h in "$incdir"/vmtp/*.h; do
    name=vmtp/${h##*/}
    printf '#include <%s>\nint main(void) { return 0; }\n' "$name" >"$tmp/h.c"
    cc -std=c11 -Wall -Wextra -Wpedantic -Werror -I"$incdir" -c "$tmp/h.c" -o "$tmp/h.o" ||
        fail "$name does not compile alone (C11)"
    if command -v c++ >/dev/null; then
        c++ -x c++ -Wall -Wextra -Werror -I"$incdir" -c "$tmp/h.c" -o "$tmp/h.o" ||
            fail "$name does not compile alone (C++)"
    fi
done
ok "installed headers compile alone"

# --- the example against the installed library -----------------------
src=$top/examples/vmtp_example.c
# shellcheck disable=SC2046
if cc -std=c11 -Wall -Wextra -Wpedantic -Werror "${sanflags[@]}" -o "$tmp/ex_shared" "$src" \
        $(pkg-config --cflags --libs libvmtp); then
    ok "example links against the installed shared library"
else
    fail "example does not build against the installed shared library"; exit 1
fi
# Static libvmtp: its Requires.private and Libs.private must name every
# dependency. (Debian ships no static libcurl dependencies, so those are
# linked shared: the private packages' --libs, not --static.)
requires=$(pkg-config --print-requires-private libvmtp | awk '{print $1}')
# shellcheck disable=SC2086
own_private=$(sed -n 's/^Libs.private: //p' "$pc")
# shellcheck disable=SC2086
static_libs="-L$libdir -l:libvmtp.a $(pkg-config --libs $requires) $own_private"
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Wextra -Wpedantic -Werror "${sanflags[@]}" -o "$tmp/ex_static" "$src" \
        $(pkg-config --cflags libvmtp) $static_libs; then
    ok "example links against the installed static library"
else
    fail "example does not build against the installed static library (pkg-config --static)"; exit 1
fi
# The thread-cancel program, also against the installed shared library.
# shellcheck disable=SC2046
if cc -std=c11 -Wall -Wextra -Wpedantic -Werror -pthread "${sanflags[@]}" -o "$tmp/cancel_thread" \
        "$top/tests/integration/api_cancel_thread.c" $(pkg-config --cflags --libs libvmtp); then
    ok "thread-cancel program links against the installed shared library"
else
    fail "api_cancel_thread.c does not build against the installed library"; exit 1
fi
export LD_LIBRARY_PATH=$libdir
# not "ldd | grep -q": with pipefail, ldd's SIGPIPE fails the pipeline
grep -qF -- "$libdir/libvmtp.so" <(ldd "$tmp/ex_shared") && ok "shared example loads the installed libvmtp" ||
    fail "shared example does not load $libdir/libvmtp.so: $(ldd "$tmp/ex_shared" | grep vmtp)"
if ldd "$tmp/ex_static" | grep -q libvmtp; then fail "static example needs libvmtp.so"; fi

# A bad key is a configuration error (2) naming the key, nothing printed on stdout.
"$tmp/ex_shared" no_such_key=1 >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
[ "$rc" = 2 ] && grep -q no_such_key "$tmp/bad.err" && [ ! -s "$tmp/bad.out" ] &&
    ok "unknown key rejected" || fail "unknown key: rc $rc, $(cat "$tmp/bad.err")"

# --- the lab ---------------------------------------------------------
envfile=$("$lab" up 1 --prefix "$prefix") || { echo "FAIL: lab up"; exit 1; }
set -a
eval "$envfile"
set +a
common=("hosts+=$LAB_USER@$LAB_HOST1_IP" "private_key_file=$LAB_KEY"
        "known_hosts_file=$LAB_KNOWN_HOSTS")

# Run 1: TCP + ICMP for 1 s, results through the accessors and a JSON file.
ip netns exec "$LAB_CLIENT_NS" "$tmp/ex_shared" "${common[@]}" protocols=TI time=1 \
    tcp_pkt_sizes=65536 "json_file=$tmp/run.json" >"$tmp/run.out" 2>"$tmp/run.err"
rc=$?
cat "$tmp/run.out"
if [ "$rc" != 0 ]; then
    tail -n 30 "$tmp/run.err"; fail "example run: exit $rc"
fi
grep -q '^status=success' "$tmp/run.out" || grep -q '^status=' "$tmp/run.out" || fail "no status line"
# Every figure printed must be a positive number; TCP and ICMP must be there.
python3 - "$tmp/run.out" "$tmp/run.json" <<'EOF' || fails=$((fails + 1))
import json, math, re, sys
out = open(sys.argv[1]).read().splitlines()
doc = json.load(open(sys.argv[2]))
lines = [l for l in out if l.startswith("flow=")]
tcp = [l for l in lines if " proto=TCP" in l]
icmp = [l for l in lines if " proto=ICMP" in l]
assert tcp and icmp, f"need TCP and ICMP lines, got {lines}"
def fig(line, name):
    m = re.search(r" %s=([-0-9.]+)" % name, line)
    assert m, f"{name} missing in {line!r}"
    return float(m.group(1))
kbps = fig(tcp[0], "throughput_kbps")
assert kbps > 0 and fig(tcp[0], "pkt_size") == 65536, tcp[0]
assert fig(icmp[0], "rtt_avg_ms") > 0, icmp[0]
# The accessors show what the JSON document holds.
res = [r for f in doc["flows"] for r in f["results"] if r.get("protocol") == "TCP"]
assert res and math.isclose(res[0]["throughput_kbps"], kbps, rel_tol=1e-3), (res, kbps)
m = re.search(r"json_bytes=(\d+)", "\n".join(out))
assert m and int(m.group(1)) > 100
print(f"ok: figures: TCP {kbps:.0f} kbit/s, ICMP rtt {fig(icmp[0], 'rtt_avg_ms')} ms; JSON matches")
EOF
grep -q "$LAB_HOST1_IP" "$tmp/run.json" && ok "results name the lab host" || fail "lab host address not in results"

# Run 2: cancel from the signal handler. The static build, a 30 s TCP run,
# SIGINT once the flow has started; it must stop with 130 and clean up.
ip netns exec "$LAB_CLIENT_NS" "$tmp/ex_static" "${common[@]}" protocols=T time=30 \
    >"$tmp/cancel.out" 2>"$tmp/cancel.err" &
bgpid=$!
for _ in $(seq 1 600); do
    grep -qE 'flow [0-9]+:' "$tmp/cancel.err" && break
    kill -0 "$bgpid" 2>/dev/null || break
    sleep 0.1
done
grep -qE 'flow [0-9]+:' "$tmp/cancel.err" || { cat "$tmp/cancel.err"; fail "the cancel run never started a flow"; }
kill -INT "$bgpid"
# Bounded wait: the run must return well before its 30 s would be over.
for _ in $(seq 1 600); do kill -0 "$bgpid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$bgpid" 2>/dev/null; then
    fail "example still running 60 s after SIGINT"; kill -KILL "$bgpid"
fi
wait "$bgpid"
rc=$?
bgpid=
[ "$rc" = 130 ] && grep -q '^status=' "$tmp/cancel.out" && ok "SIGINT cancelled the run (exit 130)" ||
    { tail -n 20 "$tmp/cancel.err"; fail "cancelled run: exit $rc"; }
left=$("$lab" host --prefix "$prefix" 1 ps -e -o pid=,args= | awk '$1 != 1' | grep -v ' ps -e' || true)
[ -z "$left" ] && ok "nothing left running on the host" || fail "leftover processes on host 1: $left"
files=$("$lab" host --prefix "$prefix" 1 sh -c 'ls -d /tmp/vmtp.* 2>/dev/null' || true)
[ -z "$files" ] && ok "no files left on the host" || fail "leftover files on host 1: $files"

# Run 3: cancel from another thread once a flow has started (a 30 s TCP
# run); vmtp_run() must return VMTP_E_CANCELLED and clean up the host.
ip netns exec "$LAB_CLIENT_NS" timeout 120 "$tmp/cancel_thread" "${common[@]}" protocols=T time=30 \
    >"$tmp/thread.out" 2>"$tmp/thread.err"
rc=$?
cat "$tmp/thread.out"
[ "$rc" = 0 ] && ok "another thread cancelled the live run (VMTP_E_CANCELLED)" ||
    { tail -n 20 "$tmp/thread.err"; fail "thread cancel: exit $rc"; }
left=$("$lab" host --prefix "$prefix" 1 ps -e -o pid=,args= | awk '$1 != 1' | grep -v ' ps -e' || true)
[ -z "$left" ] && ok "thread cancel: nothing left running on the host" || fail "thread cancel: leftover processes: $left"
files=$("$lab" host --prefix "$prefix" 1 sh -c 'ls -d /tmp/vmtp.* 2>/dev/null' || true)
[ -z "$files" ] && ok "thread cancel: no files left on the host" || fail "thread cancel: leftover files: $files"

echo "example_installed: $fails failure(s)"
[ "$fails" = 0 ]
