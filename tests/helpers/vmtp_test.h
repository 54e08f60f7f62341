/* \summary: test prelude: cmocka with the headers it needs, in its order */
#ifndef VMTP_TEST_H
#define VMTP_TEST_H

/* cmocka.h needs these before it, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#endif
