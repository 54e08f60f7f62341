/* \summary: parsing --mongod-server HOST[:PORT] (no libmongoc needed) */
#include <string.h>

#include "store_mongo.h"
#include "vx_banned.h"
#include "vx_str.h"

static bool
host_chars_ok(const char *s, bool v6)
{
    if (*s == '\0') {
        return false;
    }
    for (; *s != '\0'; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
                  (v6 && (c == ':' || c == '%'));

        if (!ok) {
            return false;
        }
    }
    return true;
}

enum vmtp_status
vmtp_mongo_parse_server(const char *arg,
                        int default_port,
                        char *host,
                        size_t hostlen,
                        int *port,
                        struct vmtp_error *err)
{
    char buf[256];
    const char *portstr = NULL;
    const char *errstr = NULL;
    char *h = buf;
    bool v6 = false;

    if (arg == NULL || strlen(arg) >= sizeof(buf) || default_port < 1 ||
        default_port > 65535) {
        goto bad;
    }
    vx_strlcpy(buf, arg, sizeof(buf));
    if (buf[0] == '[') {
        char *rb = strchr(buf, ']');

        if (rb == NULL || (rb[1] != '\0' && rb[1] != ':')) {
            goto bad;
        }
        *rb = '\0';
        portstr = rb[1] == ':' ? rb + 2 : NULL;
        h = buf + 1;
        v6 = true;
    } else {
        char *colon = strchr(buf, ':');

        if (colon != NULL && strchr(colon + 1, ':') != NULL) {
            v6 = true; /* a bare IPv6 address: no port */
        } else if (colon != NULL) {
            *colon = '\0';
            portstr = colon + 1;
        }
    }
    if (!host_chars_ok(h, v6) || strlen(h) >= hostlen) {
        goto bad;
    }
    *port = default_port;
    if (portstr != NULL) {
        *port = (int)vx_strtonum(portstr, 1, 65535, &errstr);
        if (errstr != NULL) {
            goto bad;
        }
    }
    vx_strlcpy(host, h, hostlen);
    return VMTP_OK;
bad:
    return vmtp_error_set(err, VMTP_E_INVAL,
                          "invalid --mongod-server value '%s': expected "
                          "HOST[:PORT]",
                          arg != NULL ? arg : "");
}
