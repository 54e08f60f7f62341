#!/bin/sh
# Install every Debian 12 package that building, testing and running vmtp
# needs. Idempotent; run as root. VMTP_SKIP_APT=1 skips it.
set -eu
# Node.js test helpers (npm registry, not apt): also when apt is skipped.
"$(dirname "$0")/install-node-deps.sh"
[ "${VMTP_SKIP_APT:-0}" = 1 ] && exit 0

PKGS="build-essential meson ninja-build pkg-config
  libcurl4-openssl-dev libjansson-dev libyaml-dev libssh-dev libmongoc-dev
  libcmocka-dev
  clang clang-format clang-tidy cppcheck valgrind mandoc
  libclang-rt-14-dev libfuzzer-14-dev musl-tools
  iproute2 nftables iputils-ping openssh-server openssh-client procps
  nuttcp iperf iperf3 sockperf
  python3
  chromium ganglia-monitor libexpat1-dev"
[ -n "${VMTP_EXTRA_PKGS:-}" ] && PKGS="$PKGS $VMTP_EXTRA_PKGS"

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
