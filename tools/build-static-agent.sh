#!/bin/sh
# Build a fully static vmtp-agent with musl (Debian musl-tools), for copying
# onto any x86-64 Linux guest. Usage: tools/build-static-agent.sh [OUT]
# (default OUT: build-musl/vmtp-agent). With glibc instead:
#   meson setup build-static -Dstatic_agent=true && ninja -C build-static src/agent/vmtp-agent
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build-musl/vmtp-agent}
CC=${CC:-musl-gcc}
command -v "$CC" >/dev/null || { echo "$CC not found (apt-get install musl-tools)"; exit 1; }
gen=$(mktemp -d /tmp/vmtp-musl.XXXXXX)
trap 'rm -rf "$gen"' EXIT
version=$(sed -n "s/^  version: '\(.*\)',/\1/p" "$top/meson.build")
printf '#define VMTP_VERSION "%s"\n#define VMTP_DATADIR "/usr/share/vmtp"\n' \
  "$version" >"$gen/build_config.h"
mkdir -p "$(dirname "$out")"
# The kernel headers musl-gcc lacks are not needed: the agent uses only
# libc headers (netinet/tcp.h has struct tcp_info in musl).
"$CC" -std=c11 -O2 -D_GNU_SOURCE -DVX_BAN_PROCESS_CONTROL -static -pthread \
  -I"$gen" -I"$top/include" -I"$top/src/util" -I"$top/src/core" \
  -o "$out" \
  "$top"/src/agent/client.c "$top"/src/agent/main.c "$top"/src/agent/serve.c \
  "$top"/src/core/cpu.c "$top"/src/core/engine_rr.c "$top"/src/core/engine_tcp.c \
  "$top"/src/core/engine_udp.c "$top"/src/core/histo.c "$top"/src/core/jsonw.c \
  "$top"/src/core/net.c "$top"/src/core/proto.c "$top"/src/core/error.c \
  "$top"/src/core/log.c "$top"/src/util/vx_alloc.c "$top"/src/util/vx_buf.c \
  "$top"/src/util/vx_str.c "$top"/src/util/vx_time.c -lm
strip "$out"
echo "built $out"
