/* \summary: unit tests for vx_shquote: strict single-quote shell quoting */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmtp_test.h"
#include "vx_buf.h"
#include "vx_shquote.h"

static void
quote_expect(const char *in, const char *want)
{
    struct vx_buf b;

    vx_buf_init(&b, 4096);
    assert_int_equal(vx_shquote(&b, in), 0);
    assert_string_equal(vx_buf_str(&b), want);
    vx_buf_release(&b);
}

static void
test_shquote_plain_and_empty(void **state)
{
    (void)state;
    quote_expect("eth0", "'eth0'");
    quote_expect("", "''");
    quote_expect("a b", "'a b'");
}

static void
test_shquote_escapes_single_quotes(void **state)
{
    (void)state;
    quote_expect("it's", "'it'\\''s'");
    quote_expect("'", "''\\'''");
    quote_expect("''", "''\\'''\\'''");
}

static void
test_shquote_metacharacters_stay_inside_quotes(void **state)
{
    (void)state;
    quote_expect("eth0;touch /tmp/x", "'eth0;touch /tmp/x'");
    quote_expect("$(id) `id` $HOME *", "'$(id) `id` $HOME *'");
    quote_expect("a\nb", "'a\nb'");
}

static void
test_shquote_argv_joins_with_spaces(void **state)
{
    const char *argv[] = {"ip", "-j", "addr", "show", "dev", "x y", NULL};
    const char *none[] = {NULL};
    struct vx_buf b;

    (void)state;
    vx_buf_init(&b, 4096);
    assert_int_equal(vx_shquote_argv(&b, argv), 0);
    assert_string_equal(vx_buf_str(&b), "'ip' '-j' 'addr' 'show' 'dev' 'x y'");
    vx_buf_reset(&b);
    assert_int_equal(vx_shquote_argv(&b, none), 0);
    assert_string_equal(vx_buf_str(&b), "");
    vx_buf_release(&b);
}

static void
test_shquote_respects_buffer_limit(void **state)
{
    struct vx_buf b;

    (void)state;
    vx_buf_init(&b, 5);
    assert_int_equal(vx_shquote(&b, "abc"), 0); /* 'abc' is 5 bytes */
    vx_buf_reset(&b);
    assert_int_equal(vx_shquote(&b, "abcd"), -1);
    assert_int_equal(errno, E2BIG);
    assert_null(b.data);
}

/*
 * The real check: /bin/sh must see each hostile string as one literal
 * word. printf prints it back; the marker file must not appear.
 */
static void
test_shquote_real_sh_runs_nothing(void **state)
{
    char dir[] = "/tmp/vt-shquote.XXXXXX";
    char marker[64];
    char got[256];
    const char *hostile[] = {"eth0;touch MARK",    "$(touch MARK)",
                             "`touch MARK`",       "x'; touch MARK; echo '",
                             "a\ntouch MARK",      "x\" ; touch MARK #",
                             "' \\'' ;touch MARK", "&& touch MARK ||"};

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_true(snprintf(marker, sizeof(marker), "%s/m", dir) > 0);
    assert_int_equal(chdir(dir), 0);
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        struct vx_buf cmd;
        FILE *fp;
        size_t n;

        vx_buf_init(&cmd, 4096);
        assert_int_equal(vx_buf_adds(&cmd, "printf '%s' "), 0);
        assert_int_equal(vx_shquote(&cmd, hostile[i]), 0);
        fp = popen(vx_buf_str(&cmd), "r");
        assert_non_null(fp);
        n = fread(got, 1, sizeof(got) - 1, fp);
        got[n] = '\0';
        assert_int_equal(pclose(fp), 0);
        assert_string_equal(got, hostile[i]);
        assert_int_equal(access("MARK", F_OK), -1);
        assert_int_equal(access(marker, F_OK), -1);
        vx_buf_release(&cmd);
    }
    assert_int_equal(chdir("/"), 0);
    assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_shquote_plain_and_empty),
            cmocka_unit_test(test_shquote_escapes_single_quotes),
            cmocka_unit_test(test_shquote_metacharacters_stay_inside_quotes),
            cmocka_unit_test(test_shquote_argv_joins_with_spaces),
            cmocka_unit_test(test_shquote_respects_buffer_limit),
            cmocka_unit_test(test_shquote_real_sh_runs_nothing),
    };

    return cmocka_run_group_tests_name("shquote", tests, NULL, NULL);
}
