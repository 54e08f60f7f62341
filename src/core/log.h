/* \summary: level-gated logging through a hook, with secrets redacted */
#ifndef VMTP_CORE_LOG_H
#define VMTP_CORE_LOG_H

#include <stddef.h>

#include <vmtp/vmtp.h>

/* Where log messages go. Embedded in the context (or the agent's state). */
struct vmtp_logger {
    vmtp_log_fn *fn;
    void *userdata;
    enum vmtp_log_level max_level;
};

/*
 * Log through `lg` (NULL allowed). The level is checked before anything is
 * formatted, so debug logging costs nothing when it is off.
 */
#define VLOG(lg, lvl, ...)                                       \
    do {                                                         \
        const struct vmtp_logger *vlog_lg_ = (lg);               \
        if (vlog_lg_ != NULL && vlog_lg_->fn != NULL &&          \
            (lvl) <= vlog_lg_->max_level) {                      \
            vmtp_log_at(vlog_lg_, (lvl), __func__, __VA_ARGS__); \
        }                                                        \
    } while (0)

void vmtp_log_at(const struct vmtp_logger *lg,
                 enum vmtp_log_level lvl,
                 const char *func,
                 const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));

/*
 * Mask secrets in a NUL-terminated message in place: the values of
 * password-like JSON fields ("password": "x"), of X-Auth-Token and
 * X-Subject-Token headers, of OS_PASSWORD=x, and of --password / -p options
 * become "***". `size` is the size of the buffer holding msg.
 */
void vmtp_redact(char *msg, size_t size);

#endif
