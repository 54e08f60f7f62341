/* \summary: POSIX shell quoting of argv elements for remote commands */
#ifndef VX_SHQUOTE_H
#define VX_SHQUOTE_H

#include "vx_buf.h"

/*
 * Append `s` to `b` as one POSIX sh word: the whole string in single
 * quotes, every embedded single quote written as '\'' (close, escaped
 * quote, reopen). Inside single quotes sh gives no character a special
 * meaning, so "eth0;touch /tmp/x", "$(id)", backquotes, newlines and
 * globs all stay literal. The empty string becomes ''. Returns 0, or -1
 * with errno set (E2BIG, ENOMEM) and `b` released (vx_buf contract).
 */
int vx_shquote(struct vx_buf *b, const char *s);

/*
 * Append every element of the NULL-terminated `argv` quoted with
 * vx_shquote(), separated by single spaces. An empty argv appends nothing.
 * Returns 0, or -1 as vx_shquote().
 */
int vx_shquote_argv(struct vx_buf *b, const char *const *argv);

#endif
