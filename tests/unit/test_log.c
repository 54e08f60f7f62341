/* \summary: unit tests for logging and secret redaction */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "vmtp_test.h"

static void
check_redact(const char *in, const char *want)
{
    char buf[256];

    (void)snprintf(buf, sizeof(buf), "%s", in);
    vmtp_redact(buf, sizeof(buf));
    assert_string_equal(buf, want);
}

static void
test_redact_json_password(void **state)
{
    (void)state;
    check_redact("{\"password\": \"hunter2\", \"name\": \"admin\"}",
                 "{\"password\": \"***\", \"name\": \"admin\"}");
    check_redact("{\"secret\":\"abc\"}", "{\"secret\":\"***\"}");
}

static void
test_redact_headers(void **state)
{
    (void)state;
    check_redact("X-Auth-Token: gAAAAABk123", "X-Auth-Token: ***");
    check_redact("x-subject-token: abc def", "x-subject-token: *** def");
}

static void
test_redact_env_assignment(void **state)
{
    (void)state;
    check_redact("export OS_PASSWORD=s3cr3t # x", "export OS_PASSWORD=*** # x");
    check_redact("OS_PASSWORD='a b'", "OS_PASSWORD='***'");
}

static void
test_redact_leaves_plain_text(void **state)
{
    (void)state;
    check_redact("password authentication failed",
                 "password authentication failed");
    check_redact("nothing to hide", "nothing to hide");
    check_redact("password:", "password:");
}

static int log_calls;
static char last_msg[256];

static void
capture(void *ud, enum vmtp_log_level lvl, const char *func, const char *msg)
{
    (void)ud;
    (void)lvl;
    (void)func;
    log_calls++;
    (void)snprintf(last_msg, sizeof(last_msg), "%s", msg);
}

static void
test_log_level_gate_and_redaction(void **state)
{
    struct vmtp_logger lg = {capture, NULL, VMTP_LOG_INFO};

    (void)state;
    log_calls = 0;
    VLOG(&lg, VMTP_LOG_DEBUG, "hidden %d", 1);
    assert_int_equal(log_calls, 0);
    VLOG(&lg, VMTP_LOG_INFO, "login with password=%s", "topsecret");
    assert_int_equal(log_calls, 1);
    assert_string_equal(last_msg, "login with password=***");
    VLOG(NULL, VMTP_LOG_ERROR, "no logger %d", 2);
}

static void
test_error_set_records_and_redacts(void **state)
{
    struct vmtp_error e;

    (void)state;
    vmtp_error_clear(&e);
    assert_int_equal(
            vmtp_error_set(&e, VMTP_E_AUTH, "bad \"password\": \"%s\"", "x1"),
            VMTP_E_AUTH);
    assert_int_equal(e.code, VMTP_E_AUTH);
    assert_string_equal(e.func, "test_error_set_records_and_redacts");
    assert_string_equal(e.msg, "bad \"password\": \"***\"");
    assert_int_equal(vmtp_error_set(NULL, VMTP_E_INVAL, "x"), VMTP_E_INVAL);
    assert_string_equal(vmtp_strerror(VMTP_E_TIMEOUT), "timed out");
    assert_string_equal(vmtp_strerror((enum vmtp_status)999), "unknown status");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_redact_json_password),
            cmocka_unit_test(test_redact_headers),
            cmocka_unit_test(test_redact_env_assignment),
            cmocka_unit_test(test_redact_leaves_plain_text),
            cmocka_unit_test(test_log_level_gate_and_redaction),
            cmocka_unit_test(test_error_set_records_and_redacts),
    };

    return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
