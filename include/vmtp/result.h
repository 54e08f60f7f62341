/* \summary: libvmtp results document: create, render and load JSON, read */
#ifndef VMTP_RESULT_H
#define VMTP_RESULT_H

#include <vmtp/vmtp.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A results document: the top-level object of the original VMTP JSON
 * (flows, date, args, version, run_id, ...). See docs/results-schema.md.
 */
struct vmtp_results;

/* A new, empty document (no flows). Free with vmtp_results_free(). */
VMTP_API struct vmtp_results *vmtp_results_new(void);

/* Free a document and everything in it. Accepts NULL. */
VMTP_API void vmtp_results_free(struct vmtp_results *doc);

#ifdef __cplusplus
}
#endif

#endif
