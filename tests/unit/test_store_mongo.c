/* \summary: unit tests for MongoDB argument handling (no server needed) */
#include <string.h>

#include "store_mongo.h"
#include "vmtp_test.h"

static void
test_mongo_parse_server(void **state)
{
    char host[256];
    int port = 0;
    struct vmtp_error err;

    (void)state;
    assert_int_equal(vmtp_mongo_parse_server("198.18.0.5", 27017, host,
                                             sizeof(host), &port, &err),
                     VMTP_OK);
    assert_string_equal(host, "198.18.0.5");
    assert_int_equal(port, 27017);
    assert_int_equal(vmtp_mongo_parse_server("db-1.example:27018", 27017, host,
                                             sizeof(host), &port, &err),
                     VMTP_OK);
    assert_string_equal(host, "db-1.example");
    assert_int_equal(port, 27018);
    assert_int_equal(vmtp_mongo_parse_server("[2001:db8::5]:1234", 27017, host,
                                             sizeof(host), &port, &err),
                     VMTP_OK);
    assert_string_equal(host, "2001:db8::5");
    assert_int_equal(port, 1234);
    assert_int_equal(vmtp_mongo_parse_server("2001:db8::5", 27999, host,
                                             sizeof(host), &port, &err),
                     VMTP_OK);
    assert_int_equal(port, 27999); /* vmtp_mongod_port */
    assert_int_equal(
            vmtp_mongo_parse_server("h", 0, host, sizeof(host), &port, &err),
            VMTP_E_INVAL);
    const char *bad[] = {
            "",      "h:0",  "h:65536", "h:",          "h:x",   "a/b",
            "a@b:1", "[::1", "[::1]x",  "mongodb://h", "h?x=1", "a b"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(vmtp_mongo_parse_server(bad[i], 27017, host,
                                                 sizeof(host), &port, &err),
                         VMTP_E_INVAL);
        assert_non_null(strstr(err.msg, "--mongod-server"));
    }
}

/* These fail before any connection is tried, so no server is needed. */
static void
test_mongo_store_rejects_bad_arguments(void **state)
{
    struct vmtp_error err;
    enum vmtp_status want_bad = VMTP_E_INVAL;

    (void)state;
    if (!vmtp_store_mongo_available()) {
        assert_int_equal(vmtp_store_mongo(NULL, "127.0.0.1", 1, NULL, NULL,
                                          "{}", 100, &err),
                         VMTP_E_INVAL);
        assert_non_null(strstr(err.msg, "without MongoDB"));
        return;
    }
    assert_int_equal(vmtp_store_mongo(NULL, "127.0.0.1", 1, "bad.db", NULL,
                                      "{}", 100, &err),
                     want_bad);
    assert_non_null(strstr(err.msg, "vmtp_db"));
    assert_int_equal(vmtp_store_mongo(NULL, "127.0.0.1", 1, NULL, "a$b", "{}",
                                      100, &err),
                     want_bad);
    assert_non_null(strstr(err.msg, "vmtp_collection"));
    assert_int_equal(
            vmtp_store_mongo(NULL, "127.0.0.1", 0, NULL, NULL, "{}", 100, &err),
            want_bad);
    assert_int_equal(vmtp_store_mongo(NULL, "127.0.0.1", 1, NULL, NULL,
                                      "{\"a\": ", 100, &err),
                     VMTP_E_PARSE);
    assert_int_equal(vmtp_store_mongo(NULL, "127.0.0.1", 1, NULL, NULL,
                                      "[1, 2]", 100, &err),
                     VMTP_E_PARSE);
    assert_int_equal(
            vmtp_store_mongo(NULL, "127.0.0.1", 1, NULL, NULL, NULL, 100, &err),
            want_bad);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_mongo_parse_server),
            cmocka_unit_test(test_mongo_store_rejects_bad_arguments),
    };

    return cmocka_run_group_tests_name("store_mongo", tests, NULL, NULL);
}
