# Hostile openrc: if any of this ran, the file named by $VMTP_MARKER (or
# /tmp/vt-cli-pwned) would exist. vmtp must read it without running it.
export OS_AUTH_URL=https://198.18.0.10:5000/v3
export OS_USERNAME="demo"
export OS_USERNAME=$(touch "${VMTP_MARKER:-/tmp/vt-cli-pwned}")
export OS_PROJECT_NAME="demo"
export OS_PROJECT_NAME=`touch "${VMTP_MARKER:-/tmp/vt-cli-pwned}"`
export OS_REGION_NAME="Region$(touch "${VMTP_MARKER:-/tmp/vt-cli-pwned}")"
export OS_INTERFACE=public; touch "${VMTP_MARKER:-/tmp/vt-cli-pwned}"
export OS_CACERT=/etc/ssl/ca.pem && touch "${VMTP_MARKER:-/tmp/vt-cli-pwned}"
touch "${VMTP_MARKER:-/tmp/vt-cli-pwned}"
eval "touch ${VMTP_MARKER:-/tmp/vt-cli-pwned}"
export OS_USER_DOMAIN_NAME='$(touch /tmp/vt-cli-pwned)'
export OS_PROJECT_DOMAIN_NAME=Default # a trailing comment
export OS_PASSWORD="pa\$\$ \"word\" \`x\`"
