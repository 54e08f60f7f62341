/* \summary: recording errors in a struct vmtp_error, with the caller's name */
#ifndef VMTP_CORE_ERROR_H
#define VMTP_CORE_ERROR_H

#include <vmtp/vmtp.h>

/*
 * Record `code` and a formatted message in *err (NULL allowed: then it does
 * nothing). Returns `code`, so a caller can write
 *     return vmtp_error_set(err, VMTP_E_PARSE, "bad line %d", n);
 * Set the error once, at the deepest point that knows the cause.
 */
#define vmtp_error_set(err, code, ...) \
    vmtp_error_set_at((err), (code), 0, 0, __func__, __VA_ARGS__)

/* The same, also keeping errno (sys) and an HTTP status (http). */
#define vmtp_error_set_sys(err, code, sys, ...) \
    vmtp_error_set_at((err), (code), (sys), 0, __func__, __VA_ARGS__)
#define vmtp_error_set_http(err, code, http, ...) \
    vmtp_error_set_at((err), (code), 0, (http), __func__, __VA_ARGS__)

enum vmtp_status vmtp_error_set_at(struct vmtp_error *err,
                                   enum vmtp_status code,
                                   int sys_errno,
                                   long http_status,
                                   const char *func,
                                   const char *fmt,
                                   ...) __attribute__((format(printf, 6, 7)));

/* Reset *err to VMTP_OK with an empty message. */
void vmtp_error_clear(struct vmtp_error *err);

#endif
