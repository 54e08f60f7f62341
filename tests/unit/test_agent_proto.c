/* \summary: unit tests for the agent control protocol and the JSON writer */
#include <string.h>

#include "jsonw.h"
#include "proto.h"
#include "vmtp_test.h"
#include "vx_buf.h"

static struct vmtp_proto_msg msg;

static enum vmtp_status
parse(const char *s)
{
    return vmtp_proto_parse_payload(s, strlen(s), &msg, NULL);
}

static void
test_proto_parses_flat_object(void **state)
{
    int64_t v = 0;
    double d = 0;

    (void)state;
    assert_int_equal(parse(" {\"type\":\"test\", \"len_bytes\": 1024,"
                           "\"rate\":1.5e6,\"latency\":true,\"x\":null,"
                           "\"s\":\"a\\\"b\\u00e9\\n\"} "),
                     VMTP_OK);
    assert_int_equal(msg.n, 6);
    assert_string_equal(vmtp_proto_get_str(&msg, "type"), "test");
    assert_int_equal(vmtp_proto_get_int(&msg, "len_bytes", 1, 2048, &v), 0);
    assert_int_equal(v, 1024);
    assert_int_equal(vmtp_proto_get_num(&msg, "rate", &d), 0);
    assert_true(d == 1.5e6);
    assert_true(vmtp_proto_get_bool(&msg, "latency", false));
    assert_string_equal(vmtp_proto_get_str(&msg, "s"), "a\"b\xc3\xa9\n");
    assert_null(vmtp_proto_get_str(&msg, "x"));
    assert_null(vmtp_proto_get_str(&msg, "missing"));
}

static void
test_proto_int_getter_checks_range_and_type(void **state)
{
    int64_t v = 7;

    (void)state;
    assert_int_equal(parse("{\"a\":5000,\"b\":\"12\",\"c\":1.5,\"d\":-1}"),
                     VMTP_OK);
    assert_int_equal(vmtp_proto_get_int(&msg, "a", 0, 4096, &v), -1);
    assert_int_equal(vmtp_proto_get_int(&msg, "b", 0, 4096, &v), -1);
    assert_int_equal(vmtp_proto_get_int(&msg, "c", 0, 4096, &v), -1);
    assert_int_equal(vmtp_proto_get_int(&msg, "d", 0, 4096, &v), -1);
    assert_int_equal(v, 7);
}

static void
test_proto_rejects_bad_payloads(void **state)
{
    static const char *const bad[] = {
            "",
            "[]",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{\"a\":{\"b\":1}}",
            "{\"a\":[1]}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":-}",
            "{\"a\":tru}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\\u00\"}",
            "{\"a\":\"\\u0000\"}",
            "{\"a\":\"raw\ncontrol\"}",
            "{\"a\":1,\"a\":2}",
            "{\"a\":1} x",
            "{\"a\":1}{}",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct vmtp_error err = {0};

        assert_int_equal(
                vmtp_proto_parse_payload(bad[i], strlen(bad[i]), &msg, &err),
                VMTP_E_PROTO);
        assert_int_equal(err.code, VMTP_E_PROTO);
        assert_true(err.msg[0] != '\0');
    }
}

static void
test_proto_rejects_too_many_keys_and_long_strings(void **state)
{
    struct vx_buf b;
    char big[VMTP_PROTO_MAX_STR + 16];

    (void)state;
    vx_buf_init(&b, 1 << 16);
    assert_int_equal(vx_buf_adds(&b, "{"), 0);
    for (int i = 0; i <= VMTP_PROTO_MAX_FIELDS; i++) {
        assert_int_equal(vx_buf_addf(&b, "%s\"k%d\":1", i ? "," : "", i), 0);
    }
    assert_int_equal(vx_buf_adds(&b, "}"), 0);
    assert_int_equal(parse(vx_buf_str(&b)), VMTP_E_PROTO);
    vx_buf_release(&b);

    memset(big, 'x', sizeof(big));
    big[sizeof(big) - 1] = '\0';
    vx_buf_init(&b, 1 << 16);
    assert_int_equal(vx_buf_addf(&b, "{\"a\":\"%s\"}", big), 0);
    assert_int_equal(parse(vx_buf_str(&b)), VMTP_E_PROTO);
    vx_buf_release(&b);
}

static void
test_proto_header_checks_magic_and_cap(void **state)
{
    uint32_t n = 0;
    const uint8_t ok[8] = {'V', 'M', 'T', 'F', 0, 0, 1, 0};
    const uint8_t big[8] = {'V', 'M', 'T', 'F', 0, 1, 0, 1};
    const uint8_t cap[8] = {'V', 'M', 'T', 'F', 0, 1, 0, 0};
    const uint8_t magic[8] = {'G', 'E', 'T', ' ', 0, 0, 1, 0};

    (void)state;
    assert_int_equal(vmtp_proto_parse_header(ok, 8, &n, NULL), VMTP_OK);
    assert_int_equal(n, 256);
    assert_int_equal(vmtp_proto_parse_header(cap, 8, &n, NULL), VMTP_OK);
    assert_int_equal(n, VMTP_PROTO_MAX_FRAME);
    assert_int_equal(vmtp_proto_parse_header(big, 8, &n, NULL), VMTP_E_PROTO);
    assert_int_equal(vmtp_proto_parse_header(magic, 8, &n, NULL), VMTP_E_PROTO);
    assert_int_equal(vmtp_proto_parse_header(ok, 7, &n, NULL), VMTP_E_PROTO);
}

static void
test_proto_decode_whole_frame(void **state)
{
    const uint8_t f[] = "VMTF\0\0\0\x0f{\"type\":\"done\"}";

    (void)state;
    assert_int_equal(vmtp_proto_decode(f, sizeof(f) - 1, &msg, NULL), VMTP_OK);
    assert_string_equal(vmtp_proto_get_str(&msg, "type"), "done");
    /* One byte short: truncated. */
    assert_int_equal(vmtp_proto_decode(f, sizeof(f) - 2, &msg, NULL),
                     VMTP_E_PROTO);
}

static void
test_jsonw_writes_and_round_trips(void **state)
{
    struct vx_buf b;
    struct vmtp_jw w;

    (void)state;
    vx_buf_init(&b, 4096);
    vmtp_jw_init(&w, &b);
    vmtp_jw_obj_begin(&w, NULL);
    vmtp_jw_str(&w, "type", "re\"sult\x01");
    vmtp_jw_uint(&w, "bytes", 18446744073709551615ull);
    vmtp_jw_int(&w, "neg", -3);
    vmtp_jw_num(&w, "pct", 12.5);
    vmtp_jw_num(&w, "whole", 1e9);
    vmtp_jw_num(&w, "nan", 0.0 / 0.0);
    vmtp_jw_bool(&w, "yes", true);
    vmtp_jw_obj_end(&w);
    assert_int_equal(vmtp_jw_finish(&w), 0);
    assert_string_equal(vx_buf_str(&b),
                        "{\"type\":\"re\\\"sult\\u0001\","
                        "\"bytes\":18446744073709551615,\"neg\":-3,"
                        "\"pct\":12.5,\"whole\":1000000000,\"nan\":null,"
                        "\"yes\":true}");
    assert_int_equal(parse(vx_buf_str(&b)), VMTP_OK);
    assert_string_equal(vmtp_proto_get_str(&msg, "type"), "re\"sult\x01");
    vx_buf_release(&b);
}

static void
test_jsonw_nests_and_fails_on_limit(void **state)
{
    struct vx_buf b;
    struct vmtp_jw w;

    (void)state;
    vx_buf_init(&b, 4096);
    vmtp_jw_init(&w, &b);
    vmtp_jw_obj_begin(&w, NULL);
    vmtp_jw_arr_begin(&w, "a");
    vmtp_jw_obj_begin(&w, NULL);
    vmtp_jw_int(&w, "x", 1);
    vmtp_jw_obj_end(&w);
    vmtp_jw_obj_begin(&w, NULL);
    vmtp_jw_obj_end(&w);
    vmtp_jw_arr_end(&w);
    vmtp_jw_obj_end(&w);
    assert_int_equal(vmtp_jw_finish(&w), 0);
    assert_string_equal(vx_buf_str(&b), "{\"a\":[{\"x\":1},{}]}");
    vx_buf_release(&b);

    vx_buf_init(&b, 8);
    vmtp_jw_init(&w, &b);
    vmtp_jw_obj_begin(&w, NULL);
    vmtp_jw_str(&w, "key", "a value longer than eight bytes");
    vmtp_jw_obj_end(&w);
    assert_int_equal(vmtp_jw_finish(&w), -1);
    vx_buf_release(&b);

    vx_buf_init(&b, 4096);
    vmtp_jw_init(&w, &b);
    vmtp_jw_obj_end(&w); /* unbalanced */
    assert_int_equal(vmtp_jw_finish(&w), -1);
    vx_buf_release(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_proto_parses_flat_object),
            cmocka_unit_test(test_proto_int_getter_checks_range_and_type),
            cmocka_unit_test(test_proto_rejects_bad_payloads),
            cmocka_unit_test(test_proto_rejects_too_many_keys_and_long_strings),
            cmocka_unit_test(test_proto_header_checks_magic_and_cap),
            cmocka_unit_test(test_proto_decode_whole_frame),
            cmocka_unit_test(test_jsonw_writes_and_round_trips),
            cmocka_unit_test(test_jsonw_nests_and_fails_on_limit),
    };

    return cmocka_run_group_tests_name("agent_proto", tests, NULL, NULL);
}
