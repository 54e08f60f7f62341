#!/usr/bin/env bash
# vmtp_genchart in a real browser: generate pages from fixture results
# files, load each in headless Chromium (Debian's chromium), check the
# rendered DOM for the charts, the values and the absence of injected
# elements, and check that a screenshot is not blank. Also the command
# line's error paths and -b.
#
#   test_genchart.sh PATH/TO/vmtp_genchart
#
# Needs VMTP_SOURCE_ROOT. VMTP_KEEP_ARTIFACTS=DIR keeps pages and PNGs.
# Exit 77 (skip) only when chromium is not installed.
set -uo pipefail

genchart=${1:?usage: test_genchart.sh VMTP_GENCHART}
data=${VMTP_SOURCE_ROOT:?}/tests/data/results
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "SKIP: chromium is not installed (tools/install-deps.sh installs it)"
  exit 77
fi

tmp=$(mktemp -d /tmp/vt-res-genchart.XXXXXX)
cleanup() {
  if [ -n "${VMTP_KEEP_ARTIFACTS:-}" ]; then
    mkdir -p "$VMTP_KEEP_ARTIFACTS" && cp "$tmp"/*.html "$tmp"/*.png "$VMTP_KEEP_ARTIFACTS"/ 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "not ok - $*"; }
check() { # description command...
  local d=$1; shift
  if "$@"; then ok "$d"; else bad "$d"; fi
}

# Headless Chromium with everything that could reach the network off.
browser() { # mode(dom|shot) page out
  local profile
  profile=$(mktemp -d "$tmp/profile.XXXXXX")
  local args=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --user-data-dir="$profile" --window-size=1400,1000)
  if [ "$1" = dom ]; then
    timeout 90 "$chromium" "${args[@]}" --dump-dom "file://$2" >"$3" 2>"$tmp/chromium.log"
  else
    timeout 90 "$chromium" "${args[@]}" --screenshot="$3" "file://$2" >/dev/null 2>"$tmp/chromium.log"
  fi
  local rc=$?
  rm -rf "$profile"
  [ $rc -eq 0 ] || { echo "chromium failed ($rc):"; tail -5 "$tmp/chromium.log"; }
  return $rc
}

# A PNG that is not blank: many distinct colours, some non-white area.
not_blank() { # png
  python3 - "$1" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype, _, _, inter = struct.unpack(">IIBBBBB", body)
        assert depth == 8 and ctype in (2, 6) and inter == 0, "unexpected PNG format"
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours, nonwhite, i = set(), 0, 0
for y in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    if y % 2 == 0:
        for x in range(0, stride, bpp * 2):
            px = bytes(line[x:x + 3]); colours.add(px)
            if px != b"\xff\xff\xff": nonwhite += 1
total = (h // 2) * (w // 2)
print(f"{len(colours)} colours, {100.0 * nonwhite / total:.1f}% not white")
sys.exit(0 if len(colours) > 50 and nonwhite > total * 0.02 else 1)
PY
}

dom_has() { grep -qF -- "$2" "$1"; }
dom_lacks() { ! grep -qiF -- "$2" "$1"; }
count_at_least() { # file needle n
  local c
  c=$(grep -oF -- "$2" "$1" | wc -l)
  [ "$c" -ge "$3" ] || { echo "  only $c of '$2'"; return 1; }
}

# --- 1. a normal run ------------------------------------------------
"$genchart" -c "$tmp/normal.html" "$data/original.json" 2>"$tmp/err" ||
  bad "genchart normal.html"
browser dom "$tmp/normal.html" "$tmp/normal.dom" || bad "chromium loads normal.html"
check "normal: TCP, UDP and ICMP charts of flow 0" \
  dom_has "$tmp/normal.dom" 'id="vmtp-run0-flow0-tcp"'
check "normal: UDP chart" dom_has "$tmp/normal.dom" 'id="vmtp-run0-flow0-udp"'
check "normal: ICMP chart" dom_has "$tmp/normal.dom" 'id="vmtp-run0-flow0-icmp"'
check "normal: overview chart" dom_has "$tmp/normal.dom" 'id="vmtp-chart0"'
check "normal: properties table" dom_has "$tmp/normal.dom" '<th>OpenStack release</th><td>Kilo</td>'
check "normal: SI TCP value" dom_has "$tmp/normal.dom" '2.34 Gbit/s, rtt 0.340 ms'
check "normal: UDP value in Mbit/s" dom_has "$tmp/normal.dom" '148.53 Mbit/s, 2.66 % loss'
check "normal: ICMP value" dom_has "$tmp/normal.dom" '0.657 ms, 10/10 replies'
check "normal: error results listed" dom_has "$tmp/normal.dom" 'UDP (nuttcp-8.1.4): Timeout'
check "normal: at least 17 bars" count_at_least "$tmp/normal.dom" 'class="bar-rect"' 17
check "normal: no script element" dom_lacks "$tmp/normal.dom" '<script'
# Self-contained: nothing to fetch, and the page forbids fetching anyway.
check "normal: no src= attribute" dom_lacks "$tmp/normal.dom" 'src='
check "normal: no href= attribute" dom_lacks "$tmp/normal.dom" 'href='
check "normal: no CSS url()" dom_lacks "$tmp/normal.dom" 'url('
check "normal: CSP forbids every fetch" \
  dom_has "$tmp/normal.dom" "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""
check "normal: intra-node flow charted" dom_has "$tmp/normal.dom" 'id="vmtp-run0-flow1-tcp"'
check "normal: External-VM flow charted" dom_has "$tmp/normal.dom" 'id="vmtp-run0-flow2-tcp"'
browser shot "$tmp/normal.html" "$tmp/normal.png" || bad "chromium screenshot normal"
check "normal: screenshot is not blank" not_blank "$tmp/normal.png"

# --- 2. hostile strings ---------------------------------------------
"$genchart" -c "$tmp/xss.html" "$data/xss.json" 2>"$tmp/err" || bad "genchart xss.html"
browser dom "$tmp/xss.html" "$tmp/xss.dom" || bad "chromium loads xss.html"
check "xss: no <script element" dom_lacks "$tmp/xss.dom" '<script'
check "xss: no <img element" dom_lacks "$tmp/xss.dom" '<img'
check "xss: no <iframe element" dom_lacks "$tmp/xss.dom" '<iframe'
check "xss: no injected svg onload" dom_lacks "$tmp/xss.dom" '<svg onload'
check "xss: description shown as text" \
  dom_has "$tmp/xss.dom" '&lt;script&gt;alert(1)&lt;/script&gt;'
check "xss: table cell shown as text" \
  dom_has "$tmp/xss.dom" '&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;alert(6)'
check "xss: charts still drawn" dom_has "$tmp/xss.dom" 'id="vmtp-run0-flow0-tcp"'

# --- 3. two files side by side --------------------------------------
"$genchart" --chart "$tmp/compare.html" "$data/original.json" "$data/second-run.json" \
  2>"$tmp/err" || bad "genchart compare.html"
browser dom "$tmp/compare.html" "$tmp/compare.dom" || bad "chromium loads compare.html"
check "compare: run 0 section" dom_has "$tmp/compare.dom" 'id="vmtp-run0"'
check "compare: run 1 section" dom_has "$tmp/compare.dom" 'id="vmtp-run1"'
check "compare: run 1 table" dom_has "$tmp/compare.dom" 'id="vmtp-table1"'
check "compare: run 1 description" dom_has "$tmp/compare.dom" 'Second run, jumbo frames'
check "compare: run 1 values" dom_has "$tmp/compare.dom" '3.74 Gbit/s'
browser shot "$tmp/compare.html" "$tmp/compare.png" || bad "chromium screenshot compare"
check "compare: screenshot is not blank" not_blank "$tmp/compare.png"

# --- 4. errors, IPv6, native flows, old shapes ----------------------
"$genchart" -p all -c "$tmp/errors.html" "$data/spawn-errors.json" 2>"$tmp/err" ||
  bad "genchart errors.html"
browser dom "$tmp/errors.html" "$tmp/errors.dom" || bad "chromium loads errors.html"
check "errors: spawn failure listed" dom_has "$tmp/errors.dom" 'error: VM cannot be spawned.'
check "errors: IPv6 address" dom_has "$tmp/errors.dom" 'from 2001:db8::1 to 2001:db8::2'
check "errors: native flow charted" dom_has "$tmp/errors.dom" 'id="vmtp-run0-flow2-tcp"'
check "errors: old flat ICMP charted" dom_has "$tmp/errors.dom" 'id="vmtp-run0-flow2-icmp"'
check "errors: failed result listed" dom_has "$tmp/errors.dom" 'TCP (iperf-2.1.8): connection refused'
browser shot "$tmp/errors.html" "$tmp/errors.png" || bad "chromium screenshot errors"
check "errors: screenshot is not blank" not_blank "$tmp/errors.png"

# --- 4b. fields missing at every level -------------------------------
"$genchart" -c "$tmp/missing.html" "$data/missing-fields.json" 2>"$tmp/err" ||
  bad "genchart missing.html"
browser dom "$tmp/missing.html" "$tmp/missing.dom" || bad "chromium loads missing.html"
check "missing: flow without desc" dom_has "$tmp/missing.dom" '(flow without a description)'
check "missing: UDP without size charted" dom_has "$tmp/missing.dom" 'id="vmtp-run0-flow0-udp"'
check "missing: TCP without figures listed" dom_has "$tmp/missing.dom" '<li>TCP: no figures</li>'
check "missing: ICMP without figures listed" dom_has "$tmp/missing.dom" '<li>ICMP: no figures</li>'
check "missing: flow without results listed" dom_has "$tmp/missing.dom" 'no results</p>'

# --- 5. the command line --------------------------------------------
rc_is() { # expected command...
  local want=$1; shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  [ "$rc" -eq "$want" ] || { echo "  exit $rc, wanted $want"; cat "$tmp/err"; return 1; }
}
check "missing file: exit 1" rc_is 1 "$genchart" -c "$tmp/x.html" "$tmp/nope.json"
check "missing file: message" grep -q "cannot open '$tmp/nope.json': No such file" "$tmp/err"
printf '{"flows": [' >"$tmp/broken.json"
check "malformed file: exit 1" rc_is 1 "$genchart" -c "$tmp/x.html" "$tmp/broken.json"
check "malformed file: message" grep -q "broken.json': not valid JSON" "$tmp/err"
printf '{"flows": [{"results": [{"protocol": "TCP", "throughput_kbps": "fast"}]}]}' >"$tmp/wrong.json"
check "wrong type: exit 1 naming the path" rc_is 1 "$genchart" "$tmp/wrong.json"
check "wrong type: path in message" grep -q 'flows\[0\].results\[0\].throughput_kbps' "$tmp/err"
check "no -c: page on stdout" rc_is 0 "$genchart" "$data/original.json"
check "no -c: stdout is the page" grep -q '<!DOCTYPE html>' "$tmp/out"
check "-p tcp: no UDP chart" rc_is 0 "$genchart" -p TCP "$data/original.json"
check "-p tcp: no UDP chart (content)" bash -c "! grep -q 'flow0-udp' '$tmp/out'"
check "-p bogus: exit 2" rc_is 2 "$genchart" -p sctp "$data/original.json"
check "no file: exit 2" rc_is 2 "$genchart" -c "$tmp/x.html"
check "unknown option: exit 2" rc_is 2 "$genchart" --frobnicate "$data/original.json"
check "-v: exit 0" rc_is 0 "$genchart" -v
check "-v: version text" grep -q '^vmtp_genchart version ' "$tmp/out"
check "-h: usage" rc_is 0 "$genchart" --help
check "-h: documents --protocol" grep -q -- '--protocol' "$tmp/out"
check "-b without -c: exit 2" rc_is 2 "$genchart" -b "$data/original.json"
cat >"$tmp/fake-browser" <<EOF
#!/bin/sh
printf '%s\n' "\$@" > "$tmp/browser-args"
EOF
chmod +x "$tmp/fake-browser"
mkdir -p "$tmp/with space"
check "-b with \$BROWSER: exit 0" \
  rc_is 0 env BROWSER="$tmp/fake-browser" "$genchart" -b -c "$tmp/with space/b.html" "$data/original.json"
for _ in $(seq 50); do [ -s "$tmp/browser-args" ] && break; sleep 0.1; done
check "-b passes a file:// URL" grep -qx "file://$tmp/with%20space/b.html" "$tmp/browser-args"
check "-b without a browser: exit 1" \
  rc_is 1 env -u BROWSER -u DISPLAY -u WAYLAND_DISPLAY "$genchart" -b -c "$tmp/b2.html" "$data/original.json"
check "-b without a browser: says why" grep -q 'cannot open a browser' "$tmp/err"
check "-b without a browser: page still written" test -s "$tmp/b2.html"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
