/* \summary: HTML report internals shared with the tests and fuzz targets */
#ifndef VMTP_LIB_REPORT_HTML_H
#define VMTP_LIB_REPORT_HTML_H

#include <stddef.h>

#include "vx_buf.h"

/*
 * Append `len` bytes of `s` to `out` escaped for HTML text and for
 * attribute values in double or single quotes: & < > " ' become
 * entities, control characters other than tab and newline become U+FFFD,
 * other bytes are copied. Returns 0, or -1 (errno E2BIG/ENOMEM) with
 * `out` released (the vx_buf contract).
 */
int vmtp_html_escape(struct vx_buf *out, const char *s, size_t len);

#endif
