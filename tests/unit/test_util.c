/* \summary: unit tests for src/util: bounded buffer, number parsing, strings */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmtp_test.h"
#include "vx_alloc.h"
#include "vx_buf.h"
#include "vx_str.h"

static void
test_buf_appends_and_terminates(void **state)
{
    struct vx_buf b;

    (void)state;
    vx_buf_init(&b, 64);
    assert_string_equal(vx_buf_str(&b), "");
    assert_int_equal(vx_buf_adds(&b, "abc"), 0);
    assert_int_equal(vx_buf_addf(&b, "-%d", 42), 0);
    assert_string_equal(vx_buf_str(&b), "abc-42");
    assert_int_equal(vx_buf_len(&b), 6);
    vx_buf_release(&b);
    assert_null(b.data);
}

static void
test_buf_rejects_over_limit_and_releases(void **state)
{
    struct vx_buf b;
    char big[100];

    (void)state;
    memset(big, 'x', sizeof(big));
    vx_buf_init(&b, 10);
    assert_int_equal(vx_buf_add(&b, "12345", 5), 0);
    assert_int_equal(vx_buf_add(&b, big, 6), -1);
    assert_int_equal(errno, E2BIG);
    assert_null(b.data);
    assert_int_equal(vx_buf_len(&b), 0);
}

static void
test_buf_exact_limit_fits(void **state)
{
    struct vx_buf b;

    (void)state;
    vx_buf_init(&b, 4);
    assert_int_equal(vx_buf_adds(&b, "abcd"), 0);
    assert_string_equal(vx_buf_str(&b), "abcd");
    assert_int_equal(vx_buf_adds(&b, "e"), -1);
}

static void
test_buf_large_format(void **state)
{
    struct vx_buf b;
    char *s;

    (void)state;
    vx_buf_init(&b, 4096);
    assert_int_equal(vx_buf_addf(&b, "%1000d|", 7), 0);
    assert_int_equal(vx_buf_len(&b), 1001);
    s = vx_buf_take(&b);
    assert_int_equal(strlen(s), 1001);
    assert_int_equal(s[999], '7');
    free(s);
    assert_null(b.data);
}

static void
test_buf_alloc_failure_releases(void **state)
{
    struct vx_buf b;

    (void)state;
    vx_buf_init(&b, 1024);
    vx_alloc_fail_after(1);
    assert_int_equal(vx_buf_adds(&b, "abc"), -1);
    vx_alloc_fail_after(0);
    assert_int_equal(errno, ENOMEM);
    assert_null(b.data);
}

static void
test_strtonum_accepts_range(void **state)
{
    const char *err = NULL;

    (void)state;
    assert_int_equal(vx_strtonum("42", 1, 100, &err), 42);
    assert_null(err);
    assert_int_equal(vx_strtonum("-5", -10, 10, &err), -5);
    assert_null(err);
}

static void
test_strtonum_rejects_bad_input(void **state)
{
    const char *err = NULL;

    (void)state;
    (void)vx_strtonum("", 0, 10, &err);
    assert_string_equal(err, "invalid");
    (void)vx_strtonum("12Q", 0, 100, &err);
    assert_string_equal(err, "invalid");
    (void)vx_strtonum("0", 1, 100, &err);
    assert_string_equal(err, "too small");
    (void)vx_strtonum("101", 1, 100, &err);
    assert_string_equal(err, "too large");
    (void)vx_strtonum("99999999999999999999999", 0, 100, &err);
    assert_string_equal(err, "too large");
}

static void
test_strtod_whole_string(void **state)
{
    double v = 0;

    (void)state;
    assert_int_equal(vx_strtod("2.5", &v), 0);
    assert_true(v == 2.5);
    assert_int_equal(vx_strtod("2.5x", &v), -1);
    assert_int_equal(vx_strtod("", &v), -1);
    assert_int_equal(vx_strtod("inf", &v), -1);
}

static void
test_strlcpy_truncates(void **state)
{
    char dst[4];

    (void)state;
    assert_int_equal(vx_strlcpy(dst, "abcdef", sizeof(dst)), 6);
    assert_string_equal(dst, "abc");
}

static void
test_strndup_and_burn(void **state)
{
    char *s = vx_strndup("secret-value", 6);

    (void)state;
    assert_string_equal(s, "secret");
    vx_burn_free(s);
    vx_burn_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_buf_appends_and_terminates),
            cmocka_unit_test(test_buf_rejects_over_limit_and_releases),
            cmocka_unit_test(test_buf_exact_limit_fits),
            cmocka_unit_test(test_buf_large_format),
            cmocka_unit_test(test_buf_alloc_failure_releases),
            cmocka_unit_test(test_strtonum_accepts_range),
            cmocka_unit_test(test_strtonum_rejects_bad_input),
            cmocka_unit_test(test_strtod_whole_string),
            cmocka_unit_test(test_strlcpy_truncates),
            cmocka_unit_test(test_strndup_and_burn),
    };

    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
