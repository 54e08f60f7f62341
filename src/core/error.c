/* \summary: status strings and error recording */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "vx_banned.h"

static const char *const status_text[] = {
        [VMTP_OK] = "success",
        [VMTP_E_NOMEM] = "out of memory",
        [VMTP_E_INVAL] = "invalid argument or configuration",
        [VMTP_E_SYS] = "system call failed",
        [VMTP_E_TIMEOUT] = "timed out",
        [VMTP_E_AGAIN] = "try again",
        [VMTP_E_RESOLVE] = "cannot resolve name",
        [VMTP_E_CONNECT] = "cannot connect",
        [VMTP_E_HTTP] = "HTTP request failed",
        [VMTP_E_AUTH] = "authentication failed",
        [VMTP_E_NOTFOUND] = "not found",
        [VMTP_E_QUOTA] = "quota exceeded",
        [VMTP_E_SSH] = "SSH failure",
        [VMTP_E_PARSE] = "malformed input",
        [VMTP_E_PROTO] = "agent protocol error",
        [VMTP_E_STORE] = "cannot store results",
        [VMTP_E_CANCELLED] = "cancelled",
        [VMTP_E_INTERNAL] = "internal error",
        [VMTP_E_MEASURE] = "a measurement failed",
};

const char *
vmtp_strerror(enum vmtp_status code)
{
    if ((unsigned)code >= sizeof(status_text) / sizeof(status_text[0]) ||
        status_text[code] == NULL) {
        return "unknown status";
    }
    return status_text[code];
}

enum vmtp_status
vmtp_error_set_at(struct vmtp_error *err,
                  enum vmtp_status code,
                  int sys_errno,
                  long http_status,
                  const char *func,
                  const char *fmt,
                  ...)
{
    va_list ap;

    if (err == NULL) {
        return code;
    }
    err->code = code;
    err->sys_errno = sys_errno;
    err->http_status = http_status;
    err->func = func;
    va_start(ap, fmt);
    (void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    vmtp_redact(err->msg, sizeof(err->msg));
    return code;
}

void
vmtp_error_clear(struct vmtp_error *err)
{
    if (err != NULL) {
        memset(err, 0, sizeof(*err));
    }
}
