#!/bin/bash
# up.sh - bring up a REAL single-machine OpenStack Zed from Debian 12 packages:
#   keystone (uwsgi, fernet), glance (file store), placement (uwsgi),
#   nova (api/conductor/scheduler + one nova-compute per fake hypervisor,
#   compute-1 and compute-2, driver osl_netns_driver.NetnsDriver), neutron
#   (ML2 + linuxbridge agent per host, l3-agent, dhcp-agent), MariaDB,
#   RabbitMQ. APIs listen on 127.0.0.1 only; the agents build real bridges,
#   namespaces and iptables rules; "instances" are network namespaces with
#   an sshd inside (see osl_netns_driver.py).
#
# Usage:  ./up.sh      (as root; idempotent: a re-run starts what is missing)
# Env:    OSL_STATE=/var/lib/vmtp-oslab        state dir (configs/logs/pids)
#         OSL_COMPUTE_HOSTS="compute-1 compute-2"
#         OSL_SKIP_APT=1      skip the apt-get step
#         OSL_FIREWALL=noop   do not enforce security groups (default iptables)
#         OSL_DATAPLANE=0     plain fake.FakeDriver (API level only, no guests)
#         OSL_GUEST_USER=ubuntu   also create this local user (passwordless
#                             sudo) so that guests accept ssh logins for it
#         OSL_LEVEL=A         stop after keystone
# Prints the path of the admin openrc at the end ($B/admin-openrc).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $(id -u) -eq 0 ]] || die "run as root"
T_START=$(date +%s)
mkdir -p "$ETC" "$LOG" "$RUN" "$BIN" "$B/images" "$B/nova" "$B/neutron" "$B/glance"

timing() { echo "$1 $(( $(date +%s) - T_START ))" >>"$B/timings"; log "== $1 done at +$(( $(date +%s) - T_START ))s"; }
: >"$B/timings"

###############################################################################
# 1. Packages. Only the python3-* libraries + infra are installed, NOT the
#    keystone/nova-api/... service packages: those pull dbconfig-common,
#    debconf questions and init scripts that fight with a hand-made config.
#    A temporary policy-rc.d stops postinst scripts from starting daemons
#    (mariadb, rabbitmq, haproxy, dnsmasq, ssh would otherwise be started,
#    or fail to start, under whatever init the machine has).
###############################################################################
PKGS="mariadb-server python3-pymysql rabbitmq-server uwsgi-core uwsgi-plugin-python3
 python3-keystone python3-glance python3-placement python3-nova python3-neutron
 python3-openstackclient python3-novaclient python3-glanceclient python3-neutronclient
 sudo iptables ebtables bridge-utils dnsmasq-base dnsmasq-utils conntrack iputils-arping
 haproxy radvd openssh-server openssh-client curl iperf3 iperf nuttcp netcat-openbsd net-tools"
if [[ ${OSL_SKIP_APT:-0} != 1 ]]; then
  missing=$(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null | awk '$4!="installed"{print $1}' || true)
  # dpkg-query prints nothing for never-seen packages: compare counts too
  n_ok=$(dpkg-query -W -f='${Status}\n' $PKGS 2>/dev/null | grep -c 'install ok installed' || true)
  if [[ -n $missing || $n_ok -lt $(echo $PKGS | wc -w) ]]; then
    log "installing packages (apt-get; ~3 min on a fresh machine)"
    created_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; created_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $PKGS >"$LOG/apt.log" 2>&1 || { tail -30 "$LOG/apt.log"; die "apt-get failed"; }
    [[ $created_policy == 1 ]] && rm -f /usr/sbin/policy-rc.d
  fi
fi
timing packages

# Optional extra login user for the guests (VMTP's default ssh_vm_username
# is "ubuntu"): a local user with passwordless sudo. The guests' sshd lets
# any existing local user log in with the instance's keypair.
if [[ -n ${OSL_GUEST_USER:-} ]] && ! id "$OSL_GUEST_USER" >/dev/null 2>&1; then
  # "*": no password, but not a locked account (sshd refuses locked ones)
  useradd -m -s /bin/bash -p "*" "$OSL_GUEST_USER"
  echo "$OSL_GUEST_USER ALL=(ALL) NOPASSWD:ALL" >/etc/sudoers.d/ostack-local-guest-user
  chmod 440 /etc/sudoers.d/ostack-local-guest-user
  echo "$OSL_GUEST_USER" >"$B/guest-user-created"
  log "created local user $OSL_GUEST_USER for guest logins"
fi

###############################################################################
# 2. Local networking scaffolding (root namespace).
###############################################################################
for br in "$EXT_BRIDGE:$EXT_GW_IP/${EXT_CIDR#*/}" "$PROV_BRIDGE:$PROV_GW_IP/${PROV_CIDR#*/}"; do
  dev=${br%%:*} addr=${br#*:}
  ip link show "$dev" >/dev/null 2>&1 || ip link add "$dev" type bridge
  ip addr replace "$addr" dev "$dev"
  ip link set "$dev" up
  # Never forward cloud traffic out of the machine.
  iptables -C FORWARD -i "$dev" ! -o "$dev" -j DROP 2>/dev/null ||
    iptables -I FORWARD -i "$dev" ! -o "$dev" -j DROP
done
# Safety nets: these ranges can never fall through to the default route.
ip route replace unreachable "$TENANT_GUARD_CIDR" metric 4000
ip -6 route replace unreachable "$TENANT_GUARD_CIDR6" metric 4000
if [[ $(cat /proc/sys/net/ipv4/ip_forward) != 0 ]]; then
  log "WARNING: net.ipv4.ip_forward=1 in the root namespace (FORWARD drop rules added for $EXT_BRIDGE/$PROV_BRIDGE)"
fi

###############################################################################
# 3. MariaDB + RabbitMQ (loopback only)
###############################################################################
cat >/etc/mysql/mariadb.conf.d/99-ostack-local.cnf <<'EOF'
[mysqld]
bind-address = 127.0.0.1
skip-name-resolve
max_connections = 1000
innodb_flush_log_at_trx_commit = 0
innodb_doublewrite = 0
sync_binlog = 0
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
EOF
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
if ! mysqladmin ping >/dev/null 2>&1; then
  start_svc mariadb /usr/sbin/mariadbd --user=mysql --pid-file=/run/mysqld/mysqld.pid
  for _ in $(seq 1 60); do mysqladmin ping >/dev/null 2>&1 && break; sleep 0.5; done
  mysqladmin ping >/dev/null 2>&1 || die "mariadb did not start"
fi
mysql -e "CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
          CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';"
for db in keystone glance placement nova_api nova nova_cell0 neutron; do
  mysql -e "CREATE DATABASE IF NOT EXISTS $db; GRANT ALL ON $db.* TO '$DB_USER'@'127.0.0.1'; GRANT ALL ON $db.* TO '$DB_USER'@'localhost';"
done
dburl() { echo "mysql+pymysql://$DB_USER:$DB_PASS@127.0.0.1/$1?charset=utf8"; }

if ! rabbitmqctl -q status >/dev/null 2>&1; then
  start_svc rabbitmq /usr/sbin/rabbitmq-server
  for _ in $(seq 1 90); do rabbitmqctl -q await_startup >/dev/null 2>&1 && break; sleep 1; done
fi
rabbitmqctl -q list_users | grep -q "^$RABBIT_USER" || rabbitmqctl -q add_user "$RABBIT_USER" "$RABBIT_PASS"
rabbitmqctl -q set_permissions "$RABBIT_USER" ".*" ".*" ".*"
timing infra

###############################################################################
# 4. Small python launchers: the python3-* packages ship the code but the
#    /usr/bin entry points live in the service packages we do not install.
###############################################################################
mk_launcher() { # name module
  cat >"$BIN/$1" <<EOF
#!/usr/bin/python3
import sys
from $2 import main
sys.exit(main())
EOF
  chmod +x "$BIN/$1"
}
mk_launcher nova-api nova.cmd.api
# nova-compute: nova only loads drivers from inside the nova.virt package
# (compute_driver = X.Y means nova.virt.X.Y), so the launcher registers our
# driver module under that name after nova.cmd has monkey-patched eventlet.
cat >"$BIN/nova-compute" <<EOF
#!/usr/bin/python3
import sys
from nova.cmd.compute import main
sys.path.insert(0, "$OSL_DIR")
import osl_netns_driver
sys.modules["nova.virt.osl_netns_driver"] = osl_netns_driver
sys.exit(main())
EOF
chmod +x "$BIN/nova-compute"
mk_launcher nova-conductor nova.cmd.conductor
mk_launcher nova-scheduler nova.cmd.scheduler
mk_launcher nova-manage nova.cmd.manage
mk_launcher glance-api glance.cmd.api
mk_launcher glance-manage glance.cmd.manage
mk_launcher neutron-server neutron.cmd.eventlet.server
mk_launcher neutron-db-manage neutron.db.migration.cli
# One linuxbridge-agent launcher per fake host: neutron's iptables manager
# prefixes its chains with the first 16 chars of the program name, so each
# agent needs a distinct name or the agents would rewrite each other's
# security-group chains in the (shared) root namespace.
for h in $NET_HOST $COMPUTE_HOSTS; do
  mk_launcher "lb-$h" neutron.cmd.eventlet.plugins.linuxbridge_neutron_agent
done
mk_launcher neutron-l3-agent neutron.cmd.eventlet.agents.l3
mk_launcher neutron-dhcp-agent neutron.cmd.eventlet.agents.dhcp

###############################################################################
# 5. Keystone (uwsgi, fernet tokens)
###############################################################################
mkdir -p "$ETC/keystone" "$B/keystone/fernet-keys" "$B/keystone/credential-keys"
cat >"$ETC/keystone/keystone.conf" <<EOF
[DEFAULT]
log_file = $LOG/keystone.log
[database]
connection = $(dburl keystone)
[token]
provider = fernet
[fernet_tokens]
key_repository = $B/keystone/fernet-keys
[fernet_receipts]
key_repository = $B/keystone/fernet-keys
[credential]
key_repository = $B/keystone/credential-keys
EOF
KM="keystone-manage --config-file $ETC/keystone/keystone.conf"
if [[ ! -f $B/keystone/.bootstrapped ]]; then
  $KM db_sync 2>>"$LOG/keystone-manage.err"
  $KM fernet_setup --keystone-user root --keystone-group root 2>>"$LOG/keystone-manage.err"
  $KM credential_setup --keystone-user root --keystone-group root 2>>"$LOG/keystone-manage.err"
  $KM bootstrap --bootstrap-password "$ADMIN_PASS" \
     --bootstrap-admin-url "$KS_URL/" --bootstrap-internal-url "$KS_URL/" \
     --bootstrap-public-url "$KS_URL/" --bootstrap-region-id "$REGION" 2>>"$LOG/keystone-manage.err"
  touch "$B/keystone/.bootstrapped"
fi
start_svc keystone uwsgi --plugin python3 --http-socket "$HOST_IP:5000" \
  --wsgi-file /usr/bin/keystone-wsgi-public --master --die-on-term --lazy-apps \
  --processes 1 --threads 4 --buffer-size 65535 --add-header 'Connection: close' \
  --env "OS_KEYSTONE_CONFIG_FILES=$ETC/keystone/keystone.conf"
wait_http "$KS_URL" 60 keystone
timing keystone

cat >"$B/admin-openrc" <<EOF
# Admin credentials for the local OpenStack lab (up.sh)
export OS_AUTH_URL=$KS_URL
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=admin
export OS_PASSWORD=$ADMIN_PASS
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=$REGION
export OS_INTERFACE=public
EOF
# shellcheck disable=SC1091
. "$B/admin-openrc"

if [[ ${OSL_LEVEL:-B} == A ]]; then log "level A requested: stopping after keystone"; echo "$B/admin-openrc"; exit 0; fi

# Service users / catalog in ONE python process (the CLI costs ~2 s a call).
if [[ ! -f $B/.catalog_done ]]; then
  "$PY" "$OSL_DIR/osl.py" catalog "$SVC_PASS" "$REGION" "$HOST_IP" >"$LOG/catalog.out" 2>&1 ||
    { cat "$LOG/catalog.out"; die "catalog setup failed"; }
  touch "$B/.catalog_done"
fi
timing catalog

authtoken() { # section-name user
  cat <<EOF
[$1]
auth_url = $KS_URL
www_authenticate_uri = $KS_URL
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $2
password = $SVC_PASS
region_name = $REGION
EOF
}

###############################################################################
# 6. Glance (eventlet glance-api, file store)
###############################################################################
mkdir -p "$ETC/glance" "$B/glance/images"
cp "$OSL_DIR/etc/glance-api-paste.ini" "$ETC/glance/glance-api-paste.ini"
{ cat <<EOF
[DEFAULT]
bind_host = $HOST_IP
bind_port = 9292
workers = 1
log_file = $LOG/glance-api.log
enabled_backends = fs:file
[database]
connection = $(dburl glance)
[paste_deploy]
flavor = keystone
config_file = $ETC/glance/glance-api-paste.ini
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = $B/glance/images
[oslo_concurrency]
lock_path = $B/glance/lock
[os_glance_staging_store]
filesystem_store_datadir = $B/glance/staging
[os_glance_tasks_store]
filesystem_store_datadir = $B/glance/tasks
EOF
authtoken keystone_authtoken glance; } >"$ETC/glance/glance-api.conf"
mkdir -p "$B/glance/staging" "$B/glance/tasks"
if [[ ! -f $B/glance/.dbsynced ]]; then
  "$BIN/glance-manage" --config-file "$ETC/glance/glance-api.conf" db_sync >"$LOG/glance-manage.out" 2>&1
  touch "$B/glance/.dbsynced"
fi
start_svc glance-api "$BIN/glance-api" --config-file "$ETC/glance/glance-api.conf"

###############################################################################
# 7. Placement (uwsgi)
###############################################################################
mkdir -p "$ETC/placement"
{ cat <<EOF
[DEFAULT]
log_file = $LOG/placement.log
[placement_database]
connection = $(dburl placement)
[api]
auth_strategy = keystone
EOF
authtoken keystone_authtoken placement; } >"$ETC/placement/placement.conf"
if [[ ! -f $B/.placement_synced ]]; then
  placement-manage --config-file "$ETC/placement/placement.conf" db sync >"$LOG/placement-manage.out" 2>&1
  touch "$B/.placement_synced"
fi
start_svc placement uwsgi --plugin python3 --http-socket "$HOST_IP:8778" \
  --wsgi-file /usr/bin/placement-api --master --die-on-term --lazy-apps \
  --processes 1 --threads 4 --buffer-size 65535 --add-header 'Connection: close' \
  --env "OS_PLACEMENT_CONFIG_DIR=$ETC/placement"

###############################################################################
# 8. Neutron: ML2 with type drivers local (tenant) + flat (external),
#    linuxbridge mechanism driver, one linuxbridge agent per fake host.
#    All "hosts" share this kernel, so a "local" tenant network is one
#    Linux bridge (brqXXXX) that every agent plugs its taps into: real L2
#    between compute-1 and compute-2 without VXLAN/multicast.
###############################################################################
mkdir -p "$ETC/neutron/plugins/ml2" "$B/neutron/lock"
cp "$OSL_DIR/etc/neutron-api-paste.ini" "$ETC/neutron/api-paste.ini"
{ cat <<EOF
[DEFAULT]
bind_host = $HOST_IP
bind_port = 9696
core_plugin = ml2
service_plugins = router
allow_overlapping_ips = true
auth_strategy = keystone
transport_url = $TRANSPORT_URL
api_paste_config = $ETC/neutron/api-paste.ini
state_path = $B/neutron
api_workers = 1
rpc_workers = 1
rpc_state_report_workers = 1
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true
dhcp_agents_per_network = 1
[database]
connection = $(dburl neutron)
[agent]
root_helper = sudo
report_interval = 10
[oslo_concurrency]
lock_path = $B/neutron/lock
[experimental]
# Debian's neutron 21 (Zed) refuses to load linuxbridge without this
linuxbridge = true
EOF
authtoken keystone_authtoken neutron
authtoken nova neutron
} >"$ETC/neutron/neutron.conf"
cat >"$ETC/neutron/plugins/ml2/ml2_conf.ini" <<EOF
[ml2]
type_drivers = local,flat
tenant_network_types = local
mechanism_drivers = linuxbridge
extension_drivers = port_security
[ml2_type_flat]
flat_networks = public,provider
[securitygroup]
enable_security_group = true
firewall_driver = noop
EOF
if [[ ! -f $B/neutron/.dbsynced ]]; then
  "$BIN/neutron-db-manage" --config-file "$ETC/neutron/neutron.conf" \
     --config-file "$ETC/neutron/plugins/ml2/ml2_conf.ini" upgrade head >"$LOG/neutron-db-manage.out" 2>&1
  touch "$B/neutron/.dbsynced"
fi
start_svc neutron-server "$BIN/neutron-server" --config-file "$ETC/neutron/neutron.conf" \
  --config-file "$ETC/neutron/plugins/ml2/ml2_conf.ini" --log-file "$LOG/neutron-server.log"

# Security groups: "iptables" really filters (each agent has its own chain
# prefix, see the launchers above); OSL_FIREWALL=noop disables it.
FIREWALL=${OSL_FIREWALL:-iptables}
for h in $NET_HOST $COMPUTE_HOSTS; do
  cat >"$ETC/neutron/linuxbridge-$h.ini" <<EOF
[DEFAULT]
host = $h
[linux_bridge]
bridge_mappings = $BRIDGE_MAPPINGS
[vxlan]
enable_vxlan = false
[securitygroup]
enable_security_group = true
firewall_driver = $FIREWALL
# ipsets are named after the security group and would be shared (and
# destroyed under each other) by the agents of the different fake hosts
enable_ipset = false
[agent]
polling_interval = 2
EOF
done
cat >"$ETC/neutron/l3_agent.ini" <<EOF
[DEFAULT]
host = $NET_HOST
interface_driver = linuxbridge
# no nova metadata service here: do not spawn a haproxy per router
enable_metadata_proxy = false
[agent]
report_interval = 10
EOF
cat >"$ETC/neutron/dhcp_agent.ini" <<EOF
[DEFAULT]
host = $NET_HOST
interface_driver = linuxbridge
dhcp_driver = neutron.agent.linux.dhcp.Dnsmasq
enable_isolated_metadata = false
dnsmasq_local_resolv = false
EOF

###############################################################################
# 9. Nova: api (eventlet), conductor, scheduler, N x nova-compute FakeDriver
###############################################################################
mkdir -p "$ETC/nova" "$B/nova/lock"
if [[ ${OSL_DATAPLANE:-1} == 1 ]]; then
  COMPUTE_DRIVER=osl_netns_driver.NetnsDriver
  # host key shared by every per-instance sshd; /run/sshd = sshd privsep dir
  mkdir -p "$B/ssh" "$B/vms" /run/sshd
  [[ -f $B/ssh/ssh_host_ed25519_key ]] || ssh-keygen -q -t ed25519 -N '' -f "$B/ssh/ssh_host_ed25519_key"
  [[ -f $B/ssh/ssh_host_rsa_key ]] || ssh-keygen -q -t rsa -b 2048 -N '' -f "$B/ssh/ssh_host_rsa_key"
else
  COMPUTE_DRIVER=fake.FakeDriver
fi
cp "$OSL_DIR/etc/nova-api-paste.ini" "$ETC/nova/api-paste.ini"
sed -i "s#/etc/nova/healthcheck_disable#$B/nova/healthcheck_disable#" "$ETC/nova/api-paste.ini"
{ cat <<EOF
[DEFAULT]
my_ip = $HOST_IP
transport_url = $TRANSPORT_URL
state_path = $B/nova
log_dir = $LOG
enabled_apis = osapi_compute
osapi_compute_listen = $HOST_IP
osapi_compute_listen_port = 8774
osapi_compute_workers = 1
compute_driver = $COMPUTE_DRIVER
vif_plugging_is_fatal = true
vif_plugging_timeout = 120
# FakeDriver "hypervisors" are nearly unlimited; keep the allocation ratios 1
initial_cpu_allocation_ratio = 1.0
initial_ram_allocation_ratio = 1.0
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = $ETC/nova/api-paste.ini
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 5
[filter_scheduler]
track_instance_changes = false
[oslo_concurrency]
lock_path = $B/nova/lock
[vnc]
enabled = false
[glance]
region_name = $REGION
[os_vif_linux_bridge]
use_ipv6 = false
EOF
authtoken keystone_authtoken nova
authtoken placement nova
authtoken neutron nova
echo "service_metadata_proxy = false"
authtoken service_user nova
echo "send_service_user_token = true"
} >"$ETC/nova/nova.conf"
# DB settings only for the controller services: nova-compute must not have
# them (it logs "No DB access allowed in nova-compute" tracebacks otherwise).
cat >"$ETC/nova/nova-db.conf" <<EOF
[api_database]
connection = $(dburl nova_api)
[database]
connection = $(dburl nova)
EOF
NOVA_CTL="--config-file $ETC/nova/nova.conf --config-file $ETC/nova/nova-db.conf"
NM="$BIN/nova-manage $NOVA_CTL"
if [[ ! -f $B/nova/.dbsynced ]]; then
  {
    $NM api_db sync
    $NM cell_v2 map_cell0 --database_connection "$(dburl nova_cell0)"
    $NM cell_v2 list_cells | grep -q ' cell1 ' || $NM cell_v2 create_cell --name cell1 --verbose
    $NM db sync
  } >"$LOG/nova-manage.out" 2>&1
  touch "$B/nova/.dbsynced"
fi
start_svc nova-api "$BIN/nova-api" $NOVA_CTL --log-file "$LOG/nova-api.log"
start_svc nova-conductor "$BIN/nova-conductor" $NOVA_CTL --log-file "$LOG/nova-conductor.log"
start_svc nova-scheduler "$BIN/nova-scheduler" $NOVA_CTL --log-file "$LOG/nova-scheduler.log"
for h in $COMPUTE_HOSTS; do
  printf '[DEFAULT]\nhost = %s\n' "$h" >"$ETC/nova/nova-$h.conf"
  start_svc "nova-compute-$h" env OSL_STATE="$B" OSL_BRIDGE_MAPPINGS="$BRIDGE_MAPPINGS" "$BIN/nova-compute" --config-file "$ETC/nova/nova.conf" \
     --config-file "$ETC/nova/nova-$h.conf" --log-file "$LOG/nova-compute-$h.log"
done

# neutron agents (after the server so their first report lands quickly)
wait_http "http://$HOST_IP:9696/" 120 neutron-server
for h in $NET_HOST $COMPUTE_HOSTS; do
  start_svc "neutron-lb-agent-$h" "$BIN/lb-$h" --config-file "$ETC/neutron/neutron.conf" \
    --config-file "$ETC/neutron/linuxbridge-$h.ini" --log-file "$LOG/neutron-lb-agent-$h.log"
done
start_svc neutron-l3-agent "$BIN/neutron-l3-agent" --config-file "$ETC/neutron/neutron.conf" \
  --config-file "$ETC/neutron/l3_agent.ini" --log-file "$LOG/neutron-l3-agent.log"
start_svc neutron-dhcp-agent "$BIN/neutron-dhcp-agent" --config-file "$ETC/neutron/neutron.conf" \
  --config-file "$ETC/neutron/dhcp_agent.ini" --log-file "$LOG/neutron-dhcp-agent.log"

wait_http "http://$HOST_IP:9292/" 120 glance-api
wait_http "http://$HOST_IP:8778/" 120 placement
wait_http "http://$HOST_IP:8774/" 120 nova-api
timing services_started

###############################################################################
# 10. Wait until every fake hypervisor and every agent is registered + alive
###############################################################################
n_hosts=$(echo $COMPUTE_HOSTS | wc -w)
# cell_v2 discover_hosts is also run by the scheduler every 5 s
# (discover_hosts_in_cells_interval), so new computes get mapped on their own.
"$PY" "$OSL_DIR/osl.py" wait "$n_hosts" $((n_hosts + 3)) 240 >"$LOG/wait.out" 2>&1 ||
  { cat "$LOG/wait.out"; die "hypervisors/agents did not all come up (see $LOG/)"; }
cat "$LOG/wait.out" >&2
# a service that died after registering still shows up for a while: check PIDs
for f in "$RUN"/*.pid; do
  kill -0 "$(cat "$f")" 2>/dev/null || die "$(basename "$f" .pid) died; see $LOG/$(basename "$f" .pid)*"
done
timing hypervisors_and_agents_ready

###############################################################################
# 11. Shared external network (flat on br-ex) for routers / floating IPs
###############################################################################
"$PY" "$OSL_DIR/osl.py" extnet "$EXT_CIDR" "$EXT_GW_IP" "$EXT_POOL_START" "$EXT_POOL_END" >&2
"$PY" "$OSL_DIR/osl.py" provnet "$PROV_CIDR" "$PROV_GW_IP" "$PROV_POOL_START" "$PROV_POOL_END" >&2
timing done
log "OpenStack is up in $(( $(date +%s) - T_START ))s. Admin credentials: $B/admin-openrc"
echo "$B/admin-openrc"
