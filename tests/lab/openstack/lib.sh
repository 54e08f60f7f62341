# shellcheck shell=bash
# Shared settings and shell functions for up.sh / down.sh.
# Everything binds to 127.0.0.1 or lives in bridges/network namespaces that
# these scripts create themselves. Nothing targets any other address.

OSL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# All runtime state (configs, DBs' files excluded, logs, pids, images).
B="${OSL_STATE:-/var/lib/vmtp-oslab}"
ETC="$B/etc"
LOG="$B/log"
RUN="$B/run"
BIN="$B/bin"
PY=/usr/bin/python3            # Debian's python, NOT a pyenv shim on PATH

# Test-only credentials (this cloud is bound to loopback and is thrown away).
ADMIN_PASS="${OSL_ADMIN_PASS:-adminpass}"
SVC_PASS="servicepass"
DB_USER=os
DB_PASS=ospass
RABBIT_USER=openstack
RABBIT_PASS=rabbitpass
REGION=RegionOne
HOST_IP=127.0.0.1
KS_URL="http://$HOST_IP:5000/v3"
TRANSPORT_URL="rabbit://$RABBIT_USER:$RABBIT_PASS@$HOST_IP:5672/"

# Fake hypervisors: one nova-compute (FakeDriver) + one linuxbridge agent each.
COMPUTE_HOSTS="${OSL_COMPUTE_HOSTS:-compute-1 compute-2}"
# Host name used by the l3 + dhcp agents (gets its own linuxbridge agent).
NET_HOST="network-1"

# "Provider"/external network: a Linux bridge in the root namespace that the
# linuxbridge agents use for physnet "public". Floating IPs come from here.
# Every address of this lab is in the benchmarking ranges 198.18.0.0/15 and
# 2001:db8::/32 (documentation); nothing else is ever configured.
EXT_BRIDGE=br-ex
EXT_CIDR=198.19.200.0/24
EXT_GW_IP=198.19.200.1
EXT_POOL_START=198.19.200.10
EXT_POOL_END=198.19.200.250
# Second flat network "provider" (shared, NOT external, DHCP on): VMs booted
# on it are reachable from the machine directly (like a provider network
# that VMTP reuses with --reuse_network_name).
PROV_BRIDGE=br-prov
PROV_CIDR=198.19.216.0/24
PROV_GW_IP=198.19.216.1
PROV_POOL_START=198.19.216.10
PROV_POOL_END=198.19.216.250
# physnet -> bridge, for the linuxbridge agents and the compute driver
BRIDGE_MAPPINGS="public:$EXT_BRIDGE,provider:$PROV_BRIDGE"
# Tenant subnets are expected inside these ranges; a low-priority
# "unreachable" route guarantees that packets to them can never leave
# through the default route even when no router/namespace exists for them.
TENANT_GUARD_CIDR=198.18.0.0/15
TENANT_GUARD_CIDR6=2001:db8::/32

export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_NODENAME=rabbit@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_DIST_PORT=25672
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# is_running NAME -> pid file exists and the process is alive
is_running() {
  local f="$RUN/$1.pid"
  [[ -f $f ]] && kill -0 "$(cat "$f")" 2>/dev/null
}

# start_svc NAME CMD... : start a daemon via setsid (own process group), remember its PID.
start_svc() {
  local name=$1; shift
  if is_running "$name"; then log "$name already running (pid $(cat "$RUN/$name.pid"))"; return 0; fi
  mkdir -p "$LOG" "$RUN"
  setsid "$@" >>"$LOG/$name.out" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
  log "started $name (pid $!)"
}

# stop_svc NAME : SIGTERM the recorded PID (its whole process group, since
# start_svc made it a process group leader), wait, then SIGKILL.
stop_svc() {
  local name=$1 f="$RUN/$1.pid" pid
  [[ -f $f ]] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    log "stopped $name (pid $pid)"
  fi
  rm -f "$f"
}

# wait_http URL SECONDS NAME : poll until URL answers (any HTTP status < 500)
wait_http() {
  local url=$1 secs=$2 name=$3 code
  for _ in $(seq 1 $((secs * 2))); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    if [[ $code =~ ^[1-4][0-9][0-9]$ ]]; then return 0; fi
    sleep 0.5
  done
  die "$name did not answer on $url within ${secs}s (see $LOG/)"
}

osc() { "$PY" /usr/bin/openstack "$@"; }
