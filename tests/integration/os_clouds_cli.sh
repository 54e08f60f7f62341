#!/bin/bash
# clouds.yaml through the vmtp binary against the OpenStack lab: --os-cloud,
# OS_CLOUD, OS_CLIENT_CONFIG_FILE, the password in secure.yaml, a wrong
# password; each run authenticates and sweeps the cloud (--cleanup), with
# -d and --log-file. Then no password and no Keystone token (Fernet tokens
# start with gAAAAA) may appear in any stdout, stderr or log file.
#
#   os_clouds_cli.sh VMTP_BINARY
# Needs the lab's OS_* variables (run-cloud-tests.sh sources admin-openrc).
set -uo pipefail
vmtp=$(realpath "$1")
[[ -n ${OS_AUTH_URL:-} && -n ${OS_PASSWORD:-} ]] ||
  { echo "OS_AUTH_URL/OS_PASSWORD not set: run through tests/lab/openstack/run-cloud-tests.sh"; exit 1; }
d=$(mktemp -d /tmp/vt-cx-clouds-XXXXXX)
trap 'rm -rf "$d"' EXIT
wrong="vt-cx-Wr0ng-$$"
cloud() { # name [password]
  printf '  %s:\n    auth:\n      auth_url: %s\n      username: %s\n' "$1" "$OS_AUTH_URL" "$OS_USERNAME"
  printf '      project_name: %s\n      user_domain_name: %s\n      project_domain_name: %s\n' \
    "$OS_PROJECT_NAME" "$OS_USER_DOMAIN_NAME" "$OS_PROJECT_DOMAIN_NAME"
  [[ -n ${2:-} ]] && printf '      password: "%s"\n' "$2"
  printf '    region_name: %s\n    interface: public\n    identity_api_version: 3\n' "${OS_REGION_NAME:-RegionOne}"
}
mkdir -p "$d/home/.config/openstack" "$d/other" "$d/work"
{ echo "clouds:"; cloud vt-cx-lab; cloud vt-cx-bad "$wrong"; } >"$d/home/.config/openstack/clouds.yaml"
printf 'clouds:\n  vt-cx-lab:\n    auth:\n      password: "%s"\n' "$OS_PASSWORD" >"$d/home/.config/openstack/secure.yaml"
{ echo "clouds:"; cloud vt-cx-lab2 "$OS_PASSWORD"; } >"$d/other/clouds.yaml"
chmod 600 "$d"/home/.config/openstack/*.yaml "$d/other/clouds.yaml"

fails=0 n=0
# t WANT_RC WANT_TEXT [VAR=value...] -- vmtp args...
t() {
  local want_rc=$1 want=$2; shift 2
  local envs=() rc
  while [[ $1 != -- ]]; do envs+=("$1"); shift; done; shift
  n=$((n + 1))
  (cd "$d/work" && env -i PATH="$PATH" HOME="$d/home" XDG_STATE_HOME="$d/state" "${envs[@]}" \
    "$vmtp" -d --log-file "$d/log$n" "$@" >"$d/out$n" 2>"$d/err$n")
  rc=$?
  if [[ $rc != "$want_rc" ]] || ! grep -qF -- "$want" "$d/out$n" "$d/err$n"; then
    echo "FAIL $n: vmtp $* (${envs[*]}): rc $rc (want $want_rc), want '$want'"
    tail -n 5 "$d/err$n"
    fails=$((fails + 1))
  else
    echo "ok   $n: vmtp $* (${envs[*]}) -> $rc"
  fi
}
# no ledger yet: authenticates, nothing to clean, success
t 0 "cleaning up every unfinished run" -- --os-cloud vt-cx-lab --cleanup
# a run id with no ledger: the sweep lists every resource type, finds nothing
t 3 "nothing named *-vtcx$$ in the cloud" OS_CLOUD=vt-cx-lab -- --cleanup "vtcx$$"
# a clouds.yaml named by OS_CLIENT_CONFIG_FILE
t 0 "cleaning up every unfinished run" OS_CLIENT_CONFIG_FILE="$d/other/clouds.yaml" -- --os-cloud vt-cx-lab2 --cleanup
# a wrong password in clouds.yaml: a clear error, exit 3
t 3 "authentication failed" -- --os-cloud vt-cx-bad --cleanup
# no such cloud: a usage/config error naming it
t 2 "no cloud named 'vt-cx-none'" -- --os-cloud vt-cx-none --cleanup
# the secrets never show
for f in "$d"/out* "$d"/err* "$d"/log*; do
  [[ -f $f ]] || continue
  if grep -qF -e "$OS_PASSWORD" -e "$wrong" "$f" || grep -q 'gAAAAA' "$f"; then
    echo "FAIL: a secret in $f:"; grep -nF -e "$OS_PASSWORD" -e "$wrong" "$f" | head -3
    grep -no 'gAAAAA.\{0,10\}' "$f" | head -3
    fails=$((fails + 1))
  fi
done
# the password came from secure.yaml (none in clouds.yaml, no terminal)
grep -q "authenticated: project" "$d/log1" || { echo "FAIL: run 1 did not authenticate"; fails=$((fails + 1)); }
grep -q "X-Auth-Token: \*\*\*" "$d/log2" || { echo "FAIL: no redacted token in the -d log"; fails=$((fails + 1)); }
echo "$n runs, $fails failed"
[[ $fails == 0 ]]
