export OS_PASSWORD="a\"b'c'$x`y`"
OS_USERNAME=a\ b;c
unset OS_TENANT_ID OS_X
