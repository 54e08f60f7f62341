#!/bin/sh
# Install every Debian 12 package that building, testing and running vmtp
# needs. Idempotent; run as root. VMTP_SKIP_APT=1 skips the apt part.
set -eu
# Node.js test helpers (npm registry, not apt): after the apt part, which
# brings npm on a fresh machine, and also when apt is skipped.
node_deps() { "$(dirname "$0")/install-node-deps.sh"; }
[ "${VMTP_SKIP_APT:-0}" = 1 ] && { node_deps; exit 0; }

PKGS="build-essential meson ninja-build pkg-config
  libcurl4-openssl-dev libjansson-dev libyaml-dev libssh-dev libmongoc-dev
  libcmocka-dev
  clang clang-format clang-tidy cppcheck valgrind mandoc
  libclang-rt-14-dev libfuzzer-14-dev musl-tools
  iproute2 nftables iputils-ping openssh-server openssh-client procps
  nuttcp iperf iperf3 sockperf
  python3
  chromium ganglia-monitor libexpat1-dev"
# The MongoDB wire-server test runs on Node.js (docs/mongodb.md). Debian's
# nodejs (18) and npm only when no npm is there: a NodeSource nodejs ships
# its own npm and conflicts with Debian's.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
[ -n "${VMTP_EXTRA_PKGS:-}" ] && PKGS="$PKGS $VMTP_EXTRA_PKGS"

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "install-deps: installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  # shellcheck disable=SC2086
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
fi
node_deps
