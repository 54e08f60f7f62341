/* \summary: unit tests for the results document: JSON render, reader, run_id
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmtp/result.h>

#include "result.h"
#include "test_data.h"
#include "vmtp_test.h"
#include "vx_alloc.h"
#include "vx_buf.h"

static struct vmtp_results *
load_text(const char *text)
{
    struct vmtp_results *doc = NULL;
    struct vmtp_error err = {0};

    if (vmtp_results_load_json(text, strlen(text), &doc, &err) != VMTP_OK) {
        fail_msg("load failed: %s", err.msg);
    }
    return doc;
}

static struct vmtp_results *
load_data(const char *rel)
{
    char *text = vt_slurp(rel);
    struct vmtp_results *doc = load_text(text);

    free(text);
    return doc;
}

static char *
render(const struct vmtp_results *doc)
{
    char *out = NULL;
    struct vmtp_error err = {0};

    assert_int_equal(vmtp_results_to_json(doc, &out, &err), VMTP_OK);
    assert_non_null(out);
    return out;
}

static void
test_result_md5_known_vectors(void **state)
{
    char hex[33];
    char *a = malloc(1000);

    (void)state;
    vmtp_md5_hex("", 0, hex);
    assert_string_equal(hex, "d41d8cd98f00b204e9800998ecf8427e");
    vmtp_md5_hex("abc", 3, hex);
    assert_string_equal(hex, "900150983cd24fb0d6963f7d28e17f72");
    assert_non_null(a);
    memset(a, 'a', 1000);
    vmtp_md5_hex(a, 1000, hex);
    assert_string_equal(hex, "cabe45dcc9ae5b66ba86600cca6b8ba8");
    free(a);
}

/* Expected value from Python: hashlib.md5(args + date + version). */
static void
test_result_run_id_is_md5_of_args_date_version(void **state)
{
    struct vmtp_results *doc = vmtp_results_new();

    (void)state;
    assert_non_null(doc);
    assert_int_equal(vmtp_results_set(doc, "args", "vmtp -t 10"), VMTP_OK);
    assert_int_equal(vmtp_results_set(doc, "date", "2015-03-04 22:33:40"),
                     VMTP_OK);
    assert_int_equal(vmtp_results_set(doc, "version", "2.5.0"), VMTP_OK);
    assert_int_equal(vmtp_results_update_run_id(doc), VMTP_OK);
    assert_string_equal(vmtp_results_get(doc, "run_id"), "8b90f95");
    assert_int_equal(vmtp_results_set(doc, "no_such_key", "x"), VMTP_E_INVAL);
    assert_null(vmtp_results_get(doc, "no_such_key"));
    vmtp_results_free(doc);
}

/* An original VMTP file (Python 2 separators, string ping values) is
 * rewritten as the golden document: numbers, no trailing spaces. */
static void
test_result_original_renders_as_golden(void **state)
{
    struct vmtp_results *doc = load_data("tests/data/results/original.json");
    char *out = render(doc);
    char *golden;

    (void)state;
    vt_update_golden("tests/data/golden/results.json", out);
    golden = vt_slurp("tests/data/golden/results.json");
    assert_string_equal(out, golden);
    assert_null(strstr(out, " \n"));
    assert_null(strstr(out, "\"0.657\""));
    assert_non_null(strstr(out, "\"rtt_avg_ms\": 0.657,"));
    assert_non_null(strstr(out, "\"loss_rate\": 0.0,"));
    assert_non_null(strstr(out, "\"throughput_kbps\": 450000.5,"));
    free(out);
    free(golden);
    vmtp_results_free(doc);
}

static void
test_result_golden_round_trips_unchanged(void **state)
{
    char *golden = vt_slurp("tests/data/golden/results.json");
    struct vmtp_results *doc = load_text(golden);
    char *out = render(doc);
    struct vmtp_results *doc2 = load_text(out);
    char *out2 = render(doc2);

    (void)state;
    assert_string_equal(out, golden);
    assert_string_equal(out2, golden);
    free(out);
    free(out2);
    free(golden);
    vmtp_results_free(doc);
    vmtp_results_free(doc2);
}

static void
collect_keys(json_t *j, const char *prefix, json_t *set)
{
    const char *key;
    json_t *v;
    char path[512];

    if (json_is_array(j)) {
        size_t i;

        (void)snprintf(path, sizeof(path), "%s[]", prefix);
        json_array_foreach(j, i, v)
        {
            collect_keys(v, path, set);
        }
        return;
    }
    if (!json_is_object(j)) {
        return;
    }
    json_object_foreach(j, key, v)
    {
        (void)snprintf(path, sizeof(path), "%s%s%s", prefix,
                       prefix[0] != '\0' ? "." : "", key);
        assert_int_equal(json_object_set_new(set, path, json_true()), 0);
        if (strcmp(key, "cpu_load") != 0) {
            collect_keys(v, path, set);
        }
    }
}

/* The golden document's key set is exactly the original's (8.1-8.3). */
static void
test_result_golden_key_set_matches_original(void **state)
{
    char *golden = vt_slurp("tests/data/golden/results.json");
    char *list = vt_slurp("tests/data/golden/results-keys.txt");
    json_t *root = json_loads(golden, 0, NULL);
    json_t *have = json_object();
    json_t *want = json_object();
    char *save = NULL;
    const char *key;
    json_t *v;

    (void)state;
    assert_non_null(root);
    collect_keys(root, "", have);
    for (char *line = strtok_r(list, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] != '#' && line[0] != '\0') {
            assert_int_equal(json_object_set_new(want, line, json_true()), 0);
        }
    }
    json_object_foreach(have, key, v)
    {
        if (json_object_get(want, key) == NULL) {
            fail_msg("golden has a key the original never writes: %s", key);
        }
    }
    json_object_foreach(want, key, v)
    {
        if (json_object_get(have, key) == NULL) {
            fail_msg("golden lacks the original's key: %s", key);
        }
    }
    json_decref(root);
    json_decref(have);
    json_decref(want);
    free(golden);
    free(list);
}

static void
test_result_string_ping_values_become_numbers(void **state)
{
    struct vmtp_results *doc = load_data("tests/data/results/original.json");

    (void)state;
    assert_int_equal(vmtp_results_flow_count(doc), 3);
    assert_string_equal(vmtp_results_flow_get(doc, 0, "desc"),
                        "VM to VM same network fixed IP (inter-node)");
    assert_string_equal(vmtp_results_result_protocol(doc, 0, 6), "ICMP");
    assert_int_equal(vmtp_results_icmp_count(doc, 0, 6), 3);
    assert_float_equal(vmtp_results_icmp_number(doc, 0, 6, 0, "rtt_avg_ms"),
                       0.657, 1e-12);
    assert_float_equal(vmtp_results_icmp_number(doc, 0, 6, 2, "packet_size"),
                       1500, 0);
    assert_float_equal(vmtp_results_icmp_number(doc, 0, 6, 0, "tx_packets"), 10,
                       0);
    assert_true(isnan(vmtp_results_icmp_number(doc, 0, 6, 0, "rtt_p50_ms")));
    assert_float_equal(vmtp_results_result_throughput_kbps(doc, 0, 0), 2340466,
                       0);
    assert_float_equal(vmtp_results_result_loss_rate(doc, 0, 3), 2.66, 1e-12);
    assert_float_equal(vmtp_results_result_pkt_size(doc, 0, 3), 128, 0);
    assert_float_equal(vmtp_results_result_rtt_ms(doc, 0, 0), 0.34, 1e-12);
    assert_true(isnan(vmtp_results_result_loss_rate(doc, 0, 0)));
    assert_string_equal(vmtp_results_result_error(doc, 1, 1), "Timeout");
    assert_string_equal(vmtp_results_icmp_error(doc, 1, 3, 0), "ping failed");
    assert_true(vmtp_results_result_reverse(doc, 2, 1));
    assert_false(vmtp_results_result_reverse(doc, 2, 0));
    assert_string_equal(vmtp_results_result_tool(doc, 2, 0), "iperf-2.0.5");
    /* Out of range behaves as absent. */
    assert_null(vmtp_results_flow_get(doc, 99, "desc"));
    assert_null(vmtp_results_result_protocol(doc, 0, 99));
    assert_true(isnan(vmtp_results_result_throughput_kbps(doc, 9, 0)));
    assert_int_equal(vmtp_results_result_count(doc, 9), 0);
    vmtp_results_free(doc);
}

/* Both spawn-failure shapes of the original, the old flat ICMP entry,
 * IPv6 addresses and unknown keys. */
static void
test_result_reads_original_error_shapes(void **state)
{
    struct vmtp_results *doc =
            load_data("tests/data/results/spawn-errors.json");
    char *out;

    (void)state;
    assert_int_equal(vmtp_results_flow_count(doc), 4);
    assert_string_equal(vmtp_results_flow_get(doc, 0, "error"),
                        "error: VM cannot be spawned.");
    assert_int_equal(vmtp_results_result_count(doc, 0), 0);
    assert_string_equal(vmtp_results_flow_get(doc, 1, "error"),
                        "error: VM cannot be spawned.");
    assert_string_equal(vmtp_results_flow_get(doc, 2, "ip_to"), "2001:db8::2");
    assert_int_equal(vmtp_results_icmp_count(doc, 2, 2), 1);
    assert_float_equal(vmtp_results_icmp_number(doc, 2, 2, 0, "rtt_avg_ms"),
                       0.05, 1e-12);
    assert_true(isnan(vmtp_results_icmp_number(doc, 2, 2, 0, "packet_size")));
    out = render(doc);
    /* One shape on output: an "error" field and an empty results list. */
    assert_non_null(strstr(out, "\"error\": \"error: VM cannot be spawned.\","
                                "\n            \"results\": []"));
    /* Unknown top-level keys are kept. */
    assert_non_null(strstr(out, "\"nic_name\": \"eth0\""));
    free(out);
    vmtp_results_free(doc);
}

static void
expect_parse_error(const char *text, const char *needle)
{
    struct vmtp_results *doc = (struct vmtp_results *)&doc;
    struct vmtp_error err = {0};

    assert_int_equal(vmtp_results_load_json(text, strlen(text), &doc, &err),
                     VMTP_E_PARSE);
    assert_null(doc);
    if (strstr(err.msg, needle) == NULL) {
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
    }
}

static void
test_result_errors_name_the_json_path(void **state)
{
    (void)state;
    expect_parse_error("[]", "top level: expected an object");
    expect_parse_error("{\"flows\": 3}", "flows: expected an array");
    expect_parse_error("{\"date\": 5}", "date: expected a string");
    expect_parse_error("{\"flows\": [1]}", "flows[0]: expected an object");
    expect_parse_error("{\"flows\": [{\"results\": [{\"protocol\": \"TCP\", "
                       "\"pkt_size\": \"big\"}]}]}",
                       "flows[0].results[0].pkt_size: expected a number");
    expect_parse_error("{\"flows\": [{}, {\"results\": [{\"protocol\": "
                       "\"SCTP\"}]}]}",
                       "flows[1].results[0].protocol: expected TCP, UDP");
    expect_parse_error("{\"flows\": [{\"results\": [{\"protocol\": \"ICMP\", "
                       "\"results\": [{\"rtt_avg_ms\": \"fast\"}]}]}]}",
                       "flows[0].results[0].results[0].rtt_avg_ms: expected "
                       "a number in the string");
    expect_parse_error("{\"flows\": [{\"results\": [{\"tool\": \"x\"}]}]}",
                       "flows[0].results[0].protocol: missing");
    expect_parse_error("{\"flows\": [{\"results\": [{\"protocol\": \"UDP\", "
                       "\"retrans\": 1.5}]}]}",
                       "flows[0].results[0].retrans: expected an integer");
    expect_parse_error("{\"flows\": ", "not valid JSON: line 1");
}

static void
test_result_missing_fields_are_absent(void **state)
{
    struct vmtp_results *doc =
            load_text("{\"flows\": [{\"results\": [{\"protocol\": \"UDP\"}]}]"
                      ", \"distro\": null}");
    char *out;

    (void)state;
    assert_null(vmtp_results_get(doc, "date"));
    assert_null(vmtp_results_get(doc, "distro"));
    assert_null(vmtp_results_flow_get(doc, 0, "desc"));
    assert_true(isnan(vmtp_results_result_throughput_kbps(doc, 0, 0)));
    out = render(doc);
    assert_string_equal(out, "{\n"
                             "    \"flows\": [\n"
                             "        {\n"
                             "            \"results\": [\n"
                             "                {\n"
                             "                    \"protocol\": \"UDP\"\n"
                             "                }\n"
                             "            ]\n"
                             "        }\n"
                             "    ]\n"
                             "}\n");
    free(out);
    vmtp_results_free(doc);
    doc = load_text("{}");
    assert_int_equal(vmtp_results_flow_count(doc), 0);
    out = render(doc);
    assert_string_equal(out, "{\n    \"flows\": []\n}\n");
    free(out);
    vmtp_results_free(doc);
}

/* The builders other modules use, and the original's omission rules. */
static void
test_result_builders_follow_omission_rules(void **state)
{
    struct vmtp_results *doc = vmtp_results_new();
    struct vmtp_flow *f;
    struct vmtp_result *r;
    struct vmtp_icmp_stat *s;
    char *out;

    (void)state;
    assert_non_null(doc);
    f = vmtp_results_add_flow(doc);
    assert_non_null(f);
    f->desc = vx_strdup("Native intra-host");
    r = vmtp_flow_add_result(f, VMTP_PROTO_TCP);
    assert_non_null(r);
    r->tool = vx_strdup("iperf-2.1.8");
    r->throughput_kbps = 1000;
    r->retrans = 0;   /* zero: omitted */
    r->rtt_ms = 0;    /* zero: omitted */
    r->pkt_size = 0;  /* zero: omitted */
    r->jitter_ms = 0; /* zero: omitted */
    r = vmtp_flow_add_result(f, VMTP_PROTO_UDP);
    assert_non_null(r);
    r->tool = vx_strdup("nuttcp-8.1.4");
    r->throughput_kbps = 2.5;
    r->loss_rate = 0; /* UDP: kept even when 0 */
    r->reverse = true;
    r->pkt_size = 1024;
    r->bandwidth_limit_kbps = 5000;
    r->extra = json_pack("{s:{s:[f]}}", "cpu_load", "198.18.0.1", 0.5);
    assert_non_null(r->extra);
    r = vmtp_flow_add_result(f, VMTP_PROTO_TCP);
    assert_non_null(r);
    r->tool = vx_strdup("nuttcp-8.1.4");
    r->error = vx_strdup("Timeout");
    r->throughput_kbps = 7; /* not written in an error entry */
    r = vmtp_flow_add_result(f, VMTP_PROTO_ICMP);
    assert_non_null(r);
    r->tool = vx_strdup("ping");
    s = vmtp_result_add_icmp(r, 64);
    assert_non_null(s);
    s->tx_packets = 10;
    s->rx_packets = 9;
    s->rtt_min_ms = 0.1;
    s->rtt_avg_ms = 0.2;
    s->rtt_max_ms = 0.3;
    s->rtt_stddev_ms = 0.05;
    s = vmtp_result_add_icmp(r, 1500);
    assert_non_null(s);
    s->error = vx_strdup("ping failed");
    out = render(doc);
    assert_string_equal(out, "{\n"
                             "    \"flows\": [\n"
                             "        {\n"
                             "            \"desc\": \"Native intra-host\",\n"
                             "            \"results\": [\n"
                             "                {\n"
                             "                    \"protocol\": \"TCP\",\n"
                             "                    \"throughput_kbps\": 1000,\n"
                             "                    \"tool\": \"iperf-2.1.8\"\n"
                             "                },\n"
                             "                {\n"
                             "                    \"bandwidth_limit_kbps\": "
                             "5000,\n"
                             "                    \"cpu_load\": {\n"
                             "                        \"198.18.0.1\": [\n"
                             "                            0.5\n"
                             "                        ]\n"
                             "                    },\n"
                             "                    \"direction\": \"reverse\",\n"
                             "                    \"loss_rate\": 0.0,\n"
                             "                    \"pkt_size\": 1024,\n"
                             "                    \"protocol\": \"UDP\",\n"
                             "                    \"throughput_kbps\": 2.5,\n"
                             "                    \"tool\": \"nuttcp-8.1.4\"\n"
                             "                },\n"
                             "                {\n"
                             "                    \"error\": \"Timeout\",\n"
                             "                    \"protocol\": \"TCP\",\n"
                             "                    \"tool\": \"nuttcp-8.1.4\"\n"
                             "                },\n"
                             "                {\n"
                             "                    \"protocol\": \"ICMP\",\n"
                             "                    \"results\": [\n"
                             "                        {\n"
                             "                            \"packet_size\": "
                             "64,\n"
                             "                            \"rtt_avg_ms\": "
                             "0.2,\n"
                             "                            \"rtt_max_ms\": "
                             "0.3,\n"
                             "                            \"rtt_min_ms\": "
                             "0.1,\n"
                             "                            \"rtt_stddev\": "
                             "0.05,\n"
                             "                            \"rx_packets\": 9,\n"
                             "                            \"tx_packets\": 10\n"
                             "                        },\n"
                             "                        {\n"
                             "                            \"error\": \"ping "
                             "failed\",\n"
                             "                            \"packet_size\": "
                             "1500\n"
                             "                        }\n"
                             "                    ],\n"
                             "                    \"tool\": \"ping\"\n"
                             "                }\n"
                             "            ]\n"
                             "        }\n"
                             "    ]\n"
                             "}\n");
    free(out);
    vmtp_results_free(doc);
}

static void
test_result_strings_are_escaped_ascii(void **state)
{
    struct vmtp_results *doc = vmtp_results_new();
    char *out;
    struct vmtp_results *back;

    (void)state;
    assert_non_null(doc);
    assert_int_equal(
            vmtp_results_set(doc, "test_description",
                             "a\"b\\c\n\x01 caf\xc3\xa9 \xf0\x9f\x98\x80"),
            VMTP_OK);
    out = render(doc);
    assert_non_null(strstr(out, "\"test_description\": \"a\\\"b\\\\c\\n\\u0001 "
                                "caf\\u00e9 \\ud83d\\ude00\""));
    for (const char *p = out; *p != '\0'; p++) {
        assert_true((unsigned char)*p < 0x80);
    }
    back = load_text(out);
    assert_string_equal(vmtp_results_get(back, "test_description"),
                        "a\"b\\c\n\x01 caf\xc3\xa9 \xf0\x9f\x98\x80");
    vmtp_results_free(back);
    free(out);
    vmtp_results_free(doc);
}

static void
test_result_reals_use_shortest_form(void **state)
{
    struct vx_buf b;
    json_t *arr = json_pack("[f,f,f,f,f,I]", 0.28, 2.5, 1e16, 0.1 + 0.2, -0.0,
                            (json_int_t)123);

    (void)state;
    assert_non_null(arr);
    vx_buf_init(&b, 4096);
    assert_int_equal(vmtp_json_write(&b, arr), 0);
    assert_string_equal(vx_buf_str(&b), "[\n    0.28,\n    2.5,\n    1e+16,\n"
                                        "    0.30000000000000004,\n    -0.0,\n"
                                        "    123\n]");
    vx_buf_release(&b);
    json_decref(arr);
}

static void
test_result_size_cap_is_enforced(void **state)
{
    struct vmtp_results *doc = NULL;
    struct vmtp_error err = {0};
    char dir[] = "/tmp/vt-res-unit.XXXXXX";
    char path[64];
    int fd;

    (void)state;
    /* The length is checked before a byte is read. */
    assert_int_equal(vmtp_results_load_json("{}", VMTP_RESULTS_MAX_BYTES + 1,
                                            &doc, &err),
                     VMTP_E_PARSE);
    assert_non_null(strstr(err.msg, "limit"));
    assert_non_null(mkdtemp(dir));
    (void)snprintf(path, sizeof(path), "%s/big.json", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)VMTP_RESULTS_MAX_BYTES + 1), 0);
    assert_int_equal(close(fd), 0);
    assert_int_equal(vmtp_results_load_file(path, &doc, &err), VMTP_E_PARSE);
    assert_null(doc);
    assert_non_null(strstr(err.msg, "big.json"));
    assert_non_null(strstr(err.msg, "limit"));
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void
test_result_save_and_load_file(void **state)
{
    struct vmtp_results *doc = load_data("tests/data/results/original.json");
    struct vmtp_results *back = NULL;
    struct vmtp_error err = {0};
    char dir[] = "/tmp/vt-res-unit.XXXXXX";
    char path[64];
    char *a;
    char *b;

    (void)state;
    assert_non_null(mkdtemp(dir));
    (void)snprintf(path, sizeof(path), "%s/r.json", dir);
    assert_int_equal(vmtp_results_save_file(doc, path, &err), VMTP_OK);
    assert_int_equal(vmtp_results_load_file(path, &back, &err), VMTP_OK);
    a = render(doc);
    b = render(back);
    assert_string_equal(a, b);
    free(a);
    free(b);
    vmtp_results_free(back);
    assert_int_equal(unlink(path), 0);
    /* A missing file and an unwritable place name the path. */
    assert_int_equal(vmtp_results_load_file(path, &back, &err), VMTP_E_SYS);
    assert_int_equal(err.sys_errno, ENOENT);
    assert_non_null(strstr(err.msg, "r.json"));
    (void)snprintf(path, sizeof(path), "%s/no/such/dir.json", dir);
    assert_int_equal(vmtp_results_save_file(doc, path, &err), VMTP_E_SYS);
    assert_non_null(strstr(err.msg, "dir.json"));
    assert_int_equal(rmdir(dir), 0);
    vmtp_results_free(doc);
}

/* ICMP with no reply for any size is a failure (the report and the exit
 * code agree); one size with replies is enough to pass. */
static void
test_result_failure(void **state)
{
    struct vmtp_result r;
    struct vmtp_icmp_stat *s;

    (void)state;
    vmtp_result_init(&r, VMTP_PROTO_TCP);
    assert_null(vmtp_result_failure(&r));
    r.error = vx_strdup("connection refused");
    assert_string_equal(vmtp_result_failure(&r), "connection refused");
    vmtp_result_release(&r);

    vmtp_result_init(&r, VMTP_PROTO_ICMP);
    assert_string_equal(vmtp_result_failure(&r), "no ping results");
    s = vmtp_result_add_icmp(&r, 64);
    assert_non_null(s);
    s->error = vx_strdup("100% packet loss");
    s = vmtp_result_add_icmp(&r, 1500);
    assert_non_null(s);
    s->tx_packets = 2;
    s->rx_packets = 0;
    assert_string_equal(vmtp_result_failure(&r), "100% packet loss");
    r.icmp[1].rx_packets = 1;
    assert_null(vmtp_result_failure(&r));
    vmtp_result_release(&r);
}

static void
test_result_survives_allocation_failures(void **state)
{
    char *text = vt_slurp("tests/data/golden/results.json");

    (void)state;
    /* Every allocation point in turn: an error, never a crash or leak. */
    for (unsigned long n = 1; n < 4000; n++) {
        struct vmtp_results *doc = NULL;
        struct vmtp_error err = {0};
        char *out = NULL;
        enum vmtp_status rc;

        vx_alloc_fail_after(n);
        rc = vmtp_results_load_json(text, strlen(text), &doc, &err);
        if (rc == VMTP_OK) {
            rc = vmtp_results_to_json(doc, &out, &err);
        }
        vx_alloc_fail_after(0);
        free(out);
        vmtp_results_free(doc);
        if (rc == VMTP_OK) {
            break;
        }
        assert_true(rc == VMTP_E_NOMEM || rc == VMTP_E_PARSE);
    }
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_result_md5_known_vectors),
            cmocka_unit_test(test_result_run_id_is_md5_of_args_date_version),
            cmocka_unit_test(test_result_original_renders_as_golden),
            cmocka_unit_test(test_result_golden_round_trips_unchanged),
            cmocka_unit_test(test_result_golden_key_set_matches_original),
            cmocka_unit_test(test_result_string_ping_values_become_numbers),
            cmocka_unit_test(test_result_reads_original_error_shapes),
            cmocka_unit_test(test_result_errors_name_the_json_path),
            cmocka_unit_test(test_result_missing_fields_are_absent),
            cmocka_unit_test(test_result_builders_follow_omission_rules),
            cmocka_unit_test(test_result_strings_are_escaped_ascii),
            cmocka_unit_test(test_result_reals_use_shortest_form),
            cmocka_unit_test(test_result_size_cap_is_enforced),
            cmocka_unit_test(test_result_save_and_load_file),
            cmocka_unit_test(test_result_failure),
            cmocka_unit_test(test_result_survives_allocation_failures),
    };

    return cmocka_run_group_tests_name("result", tests, NULL, NULL);
}
