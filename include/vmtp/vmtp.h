/* \summary: libvmtp public API: context, errors, logging; umbrella header */
#ifndef VMTP_VMTP_H
#define VMTP_VMTP_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VMTP_API __attribute__((visibility("default")))

/*
 * Contracts that hold for the whole API (see libvmtp(3)):
 *
 * - The library never exits, never prints, never reads the environment
 *   and keeps no global mutable state: everything hangs off a context.
 *   Output reaches the caller only through return values, the results
 *   document and the log hook.
 * - A function that can fail returns enum vmtp_status; the details are
 *   in vmtp_ctx_error() (functions that take a context) or in the
 *   struct vmtp_error * argument (NULL allowed) of those that do not.
 * - Ownership: `const char *` / `const struct ... *` results are
 *   borrowed from their owner; non-const pointers are the caller's and
 *   the comment names the function that frees them. String arguments
 *   are copied unless a comment says otherwise.
 * - Threads: a context is used by one thread at a time. Different
 *   contexts may be used from different threads concurrently. The only
 *   functions that may be called on a context while another thread runs
 *   library code on it are vmtp_ctx_cancel() and vmtp_ctx_cancelled();
 *   vmtp_ctx_cancel() is also async-signal-safe. vmtp_version() and
 *   vmtp_strerror() are always safe.
 */

/*
 * Status codes. The numbers are ABI: never renumber, only append.
 */
enum vmtp_status {
    VMTP_OK = 0,
    VMTP_E_NOMEM = 1,      /* allocation failed */
    VMTP_E_INVAL = 2,      /* bad argument or configuration value */
    VMTP_E_SYS = 3,        /* system call failed, see sys_errno */
    VMTP_E_TIMEOUT = 4,    /* an operation ran out of time */
    VMTP_E_AGAIN = 5,      /* would block: retry (engine only) */
    VMTP_E_RESOLVE = 6,    /* name resolution failed */
    VMTP_E_CONNECT = 7,    /* connection refused or unreachable */
    VMTP_E_HTTP = 8,       /* non-2xx from OpenStack, see http_status */
    VMTP_E_AUTH = 9,       /* authentication failed */
    VMTP_E_NOTFOUND = 10,  /* a named resource does not exist */
    VMTP_E_QUOTA = 11,     /* a cloud quota was exceeded */
    VMTP_E_SSH = 12,       /* SSH session or remote command failed */
    VMTP_E_PARSE = 13,     /* malformed input (file, reply, tool output) */
    VMTP_E_PROTO = 14,     /* agent protocol violation */
    VMTP_E_STORE = 15,     /* storing results failed */
    VMTP_E_CANCELLED = 16, /* vmtp_ctx_cancel() was called */
    VMTP_E_INTERNAL = 17,  /* broken invariant: a bug, reported not crashed */
    VMTP_E_MEASURE = 18,   /* the run finished but a flow or step failed */
};

/*
 * Details of the last failure on a context. The message names the subject
 * in git style: "cannot find flavor 'm1.small'".
 */
struct vmtp_error {
    enum vmtp_status code;
    int sys_errno;    /* errno captured at the failure, else 0 */
    long http_status; /* HTTP status, else 0 */
    const char *func; /* __func__ of the code that set it */
    char msg[512];
};

enum vmtp_log_level {
    VMTP_LOG_ERROR = 0,
    VMTP_LOG_WARN = 1,
    VMTP_LOG_INFO = 2,
    VMTP_LOG_DEBUG = 3,
    VMTP_LOG_TRACE = 4,
};

/*
 * Log hook. `msg` is already redacted (no passwords, no tokens) and is
 * valid only during the call. May be called from any thread that runs
 * library code for this context, and concurrently from the cloud run's
 * worker threads (one per VM while they boot): make it thread-safe.
 */
typedef void vmtp_log_fn(void *userdata,
                         enum vmtp_log_level level,
                         const char *func,
                         const char *msg);

struct vmtp_ctx;

/* The library version, e.g. "0.1.0". Static string. */
VMTP_API const char *vmtp_version(void);

/* Static English text for a status code. Thread-safe. */
VMTP_API const char *vmtp_strerror(enum vmtp_status code);

/*
 * Create a context holding the default configuration. Returns NULL when
 * out of memory. Free with vmtp_ctx_free().
 */
VMTP_API struct vmtp_ctx *vmtp_ctx_new(void);

/* Free a context and everything it owns. Accepts NULL. */
VMTP_API void vmtp_ctx_free(struct vmtp_ctx *ctx);

/*
 * Route log messages at or below `max_level` to `fn`. With fn NULL the
 * library logs nothing (the default); the level of a new context is
 * VMTP_LOG_INFO. `userdata` is passed to `fn` unchanged and must outlive
 * the context or the next call. Call it while no run is in progress.
 */
VMTP_API void vmtp_ctx_set_log(struct vmtp_ctx *ctx,
                               vmtp_log_fn *fn,
                               void *userdata,
                               enum vmtp_log_level max_level);

/* The last error recorded on ctx; borrowed, valid until the next call. */
VMTP_API const struct vmtp_error *vmtp_ctx_error(const struct vmtp_ctx *ctx);

/*
 * Ask a running vmtp_run() to stop as soon as it can; it then tears down
 * what it created and returns VMTP_E_CANCELLED. Async-signal-safe: it only
 * sets a lock-free atomic flag, so it may be called from a signal handler
 * or another thread (the context must stay alive until that call
 * returns). The flag stays set: a vmtp_run() started afterwards returns
 * VMTP_E_CANCELLED at once. Use a new context for a new run.
 */
VMTP_API void vmtp_ctx_cancel(struct vmtp_ctx *ctx);

/* True once vmtp_ctx_cancel() was called. */
VMTP_API bool vmtp_ctx_cancelled(const struct vmtp_ctx *ctx);

#ifdef __cplusplus
}
#endif

/*
 * Umbrella: <vmtp/vmtp.h> alone declares the whole API. Each header below
 * also works on its own (it includes this one first).
 */
#include <vmtp/cloud.h>
#include <vmtp/config.h>
#include <vmtp/result.h>
#include <vmtp/run.h>

#endif
