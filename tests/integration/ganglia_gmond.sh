#!/bin/sh
# Integration test: the Ganglia poller against a real gmond (Debian's
# ganglia-monitor) started here on loopback with its own configuration:
# TCP XML port and UDP metric channel on 127.0.0.1 only (no multicast), in
# the foreground, stopped by its PID at the end.
# Usage: ganglia_gmond.sh TEST_BINARY
set -u
test_bin=$1
gmond=$(command -v gmond || echo /usr/sbin/gmond)
if [ ! -x "$gmond" ]; then
  echo "FAIL: gmond not found: apt-get install ganglia-monitor (tools/install-deps.sh)"
  exit 1
fi
modcpu=$(ls /usr/lib/*/ganglia/modcpu.so 2>/dev/null | head -n 1)
if [ -z "$modcpu" ]; then
  echo "FAIL: gmond's modcpu.so not found"
  exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/vt-mg-gmond.XXXXXX") || exit 1
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Two free loopback ports (TCP for the XML, UDP for gmond's own metrics).
ports=$(python3 -c '
import socket
t = socket.socket(); t.bind(("127.0.0.1", 0))
u = socket.socket(type=socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
print(t.getsockname()[1], u.getsockname()[1])')
tcp_port=${ports% *}
udp_port=${ports#* }

cat >"$dir/gmond.conf" <<CONF
globals {
  daemonize = no
  setuid = no
  user = nobody
  debug_level = 0
  max_udp_msg_len = 1472
  mute = no
  deaf = no
  host_dmax = 0
  cleanup_threshold = 300
  gexec = no
  send_metadata_interval = 5
}
cluster {
  name = "vmtp-test"
  owner = "vmtp"
  latlong = "unspecified"
  url = "unspecified"
}
host {
  location = "loopback"
}
udp_send_channel {
  host = 127.0.0.1
  port = $udp_port
  ttl = 1
}
udp_recv_channel {
  bind = 127.0.0.1
  port = $udp_port
}
tcp_accept_channel {
  bind = 127.0.0.1
  port = $tcp_port
}
modules {
  module {
    name = "core_metrics"
  }
  module {
    name = "cpu_module"
    path = "$modcpu"
  }
}
collection_group {
  collect_once = yes
  time_threshold = 20
  metric {
    name = "heartbeat"
  }
}
collection_group {
  collect_once = yes
  time_threshold = 20
  metric {
    name = "cpu_num"
    title = "CPU Count"
  }
}
collection_group {
  collect_every = 1
  time_threshold = 1
  metric {
    name = "cpu_user"
    value_threshold = 0.0
    title = "CPU User"
  }
  metric {
    name = "cpu_system"
    value_threshold = 0.0
    title = "CPU System"
  }
}
CONF

"$gmond" -c "$dir/gmond.conf" -f >"$dir/gmond.log" 2>&1 &
pid=$!
echo "gmond (pid $pid) on 127.0.0.1:$tcp_port, metrics on udp $udp_port"

VMTP_GMOND_PORT=$tcp_port "$test_bin"
rc=$?
if [ $rc -ne 0 ]; then
  echo "--- gmond log"
  cat "$dir/gmond.log"
fi
exit $rc
