/* \summary: MongoDB store round trip against a real wire-protocol server */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_mongo.h"
#include "vmtp_test.h"
#include "vt_sock.h"

static int port;
static char run_id[64];

/* A results document shaped like the real one, with the awkward parts:
 * nested flows, reals, big integers, Unicode, markup, and cpu_load keyed
 * by dotted addresses. */
static json_t *
results_doc(const char *id)
{
    json_error_t jerr;
    json_t *doc = json_loads(
            "{\"args\": \"vmtp --host root@198.18.0.2 -m 198.18.0.2\","
            " \"version\": \"0.1.0\", \"date\": \"2026-11-27 13:00:00\","
            " \"test_description\": \"<script>alert(1)</script> d\\u00e9j\\u00e0\","
            " \"distro\": \"Debian GNU/Linux 12\", \"cpu_info\": \"2 * x86_64\","
            " \"flows\": [{\"desc\": \"Native Host to Host\", \"distro_id\": "
            "\"Debian\", \"results\": [{\"protocol\": \"TCP\", \"tool\": "
            "\"nuttcp-8.1.4\", \"throughput_kbps\": 9412345, \"rtt_ms\": 0.04,"
            " \"pkt_size\": 65536, \"retrans\": 0, \"bytes\": 5000000000,"
            " \"cpu_load\": {\"198.18.0.1\": [0.03, 1.23, 1.2],"
            " \"198.18.0.2\": [0.1, 1.98]}}, {\"protocol\": \"UDP\","
            " \"loss_rate\": 0.0125, \"pkt_size\": 1024, \"error\": null,"
            " \"ok\": true}]}]}",
            0, &jerr);

    if (doc == NULL) {
        fail_msg("test document: %s", jerr.text);
    }
    (void)json_object_set_new(doc, "run_id", json_string(id));
    return doc;
}

/*
 * json_equal(), except that an integer and a real of the same value are
 * equal: the test server (JavaScript) keeps every number as a double, so
 * an int64 such as 5000000000 comes back as 5000000000.0. A real MongoDB
 * keeps the int64; both are the same number (docs/mongodb.md).
 */
static bool
same_json(json_t *a, json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) {
        return json_number_value(a) == json_number_value(b);
    }
    if (json_typeof(a) != json_typeof(b)) {
        return false;
    }
    if (json_is_object(a)) {
        const char *k;
        json_t *v;

        if (json_object_size(a) != json_object_size(b)) {
            return false;
        }
        json_object_foreach(a, k, v)
        {
            json_t *w = json_object_get(b, k);

            if (w == NULL || !same_json(v, w)) {
                return false;
            }
        }
        return true;
    }
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b)) {
            return false;
        }
        for (size_t i = 0; i < json_array_size(a); i++) {
            if (!same_json(json_array_get(a, i), json_array_get(b, i))) {
                return false;
            }
        }
        return true;
    }
    return json_equal(a, b);
}

static json_t *
find_docs(const char *db, const char *coll, const char *id)
{
    char filter[128];
    char *text = NULL;
    struct vmtp_error err;
    json_error_t jerr;
    json_t *arr;

    (void)snprintf(filter, sizeof(filter), "{\"run_id\": \"%s\"}", id);
    if (vmtp_mongo_find_json(NULL, "127.0.0.1", port, db, coll, filter, 100,
                             5000, &text, &err) != VMTP_OK) {
        fail_msg("find: %s", err.msg);
    }
    arr = json_loads(text, 0, &jerr);
    if (arr == NULL) {
        fail_msg("find returned bad JSON (%s): %s", jerr.text, text);
    }
    free(text);
    assert_true(json_is_array(arr));
    return arr;
}

static void
test_mongo_round_trip(void **state)
{
    json_t *doc = results_doc(run_id);
    char *text = json_dumps(doc, JSON_COMPACT);
    struct vmtp_error err;
    json_t *found;
    json_t *got;
    json_t *oid;

    (void)state;
    assert_non_null(text);
    if (vmtp_store_mongo(NULL, "127.0.0.1", port, NULL, NULL, text, 5000,
                         &err) != VMTP_OK) {
        fail_msg("store: %s", err.msg);
    }
    /* Default database and collection: client_db.pns_web_entry. */
    found = find_docs("client_db", "pns_web_entry", run_id);
    assert_int_equal(json_array_size(found), 1);
    got = json_array_get(found, 0);
    oid = json_object_get(json_object_get(got, "_id"), "$oid");
    assert_true(json_is_string(oid));
    assert_int_equal(strlen(json_string_value(oid)), 24);
    (void)json_object_del(got, "_id");
    if (!same_json(got, doc)) {
        char *a = json_dumps(got, JSON_SORT_KEYS);
        char *b = json_dumps(doc, JSON_SORT_KEYS);

        fail_msg("read back differs:\n got  %s\n want %s", a, b);
    }
    json_decref(found);
    free(text);
    json_decref(doc);
}

static void
test_mongo_db_and_collection_from_config(void **state)
{
    char id[80];
    json_t *doc;
    char *text;
    struct vmtp_error err;
    json_t *found;

    (void)state;
    (void)snprintf(id, sizeof(id), "%s-cfg", run_id);
    doc = results_doc(id);
    text = json_dumps(doc, JSON_COMPACT);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(vmtp_store_mongo(NULL, "127.0.0.1", port, "vmtp_db",
                                          "vmtp_collection", text, 5000, &err),
                         VMTP_OK);
    }
    found = find_docs("vmtp_db", "vmtp_collection", id);
    assert_int_equal(json_array_size(found), 2); /* each insert is new */
    json_decref(found);
    found = find_docs(NULL, NULL, id);
    assert_int_equal(json_array_size(found), 0);
    json_decref(found);
    free(text);
    json_decref(doc);
}

static void
test_mongo_refused_write_is_store_error(void **state)
{
    const char *doc = "{\"_id\": {\"$oid\": \"0123456789abcdef01234567\"},"
                      " \"run_id\": \"dup\"}";
    struct vmtp_error err;

    (void)state;
    assert_int_equal(vmtp_store_mongo(NULL, "127.0.0.1", port, "dupdb", NULL,
                                      doc, 5000, &err),
                     VMTP_OK);
    vmtp_error_clear(&err);
    assert_int_equal(vmtp_store_mongo(NULL, "127.0.0.1", port, "dupdb", NULL,
                                      doc, 5000, &err),
                     VMTP_E_STORE);
    (void)printf("refused: %s\n", err.msg);
    if (strstr(err.msg, "refused the insert") == NULL ||
        strstr(err.msg, "uplicate") == NULL) {
        fail_msg("unexpected message: %s", err.msg);
    }
}

/* The caller's contract: the JSON file is written first and survives. */
static void
test_mongo_unreachable_keeps_json_file(void **state)
{
    const char *tmp = getenv("VMTP_TEST_TMPDIR");
    char path[4096];
    const char *text = "{\"run_id\": \"kept\", \"flows\": []}";
    FILE *f;
    char *back;
    struct vmtp_error err;
    int dead = vt_dead_port();

    (void)state;
    (void)snprintf(path, sizeof(path), "%s/results.json",
                   tmp != NULL ? tmp : "/tmp");
    f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
    assert_true(dead > 0);
    assert_int_equal(vmtp_store_mongo(NULL, "127.0.0.1", dead, NULL, NULL, text,
                                      1000, &err),
                     VMTP_E_CONNECT);
    (void)printf("unreachable: %s\n", err.msg);
    if (strstr(err.msg, "cannot reach MongoDB at 127.0.0.1:") == NULL) {
        fail_msg("unexpected message: %s", err.msg);
    }
    back = vt_read_file(path, NULL);
    assert_non_null(back);
    assert_string_equal(back, text);
    free(back);
    (void)unlink(path);
}

static void
test_mongo_silent_server_fails_in_bounded_time(void **state)
{
    struct vt_server s;
    struct vmtp_error err;
    enum vmtp_status rc;

    (void)state;
    assert_int_equal(vt_server_start(&s, VT_SILENT, NULL, 0, 0), 0);
    rc = vmtp_store_mongo(NULL, "127.0.0.1", s.port, NULL, NULL, "{\"a\": 1}",
                          500, &err);
    vt_server_stop(&s);
    (void)printf("silent: %s (%s)\n", err.msg, vmtp_strerror(rc));
    assert_true(rc == VMTP_E_CONNECT || rc == VMTP_E_TIMEOUT);
    assert_non_null(strstr(err.msg, "MongoDB at 127.0.0.1:"));
}

int
main(void)
{
    const char *p = getenv("VMTP_MONGO_PORT");
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_mongo_round_trip),
            cmocka_unit_test(test_mongo_db_and_collection_from_config),
            cmocka_unit_test(test_mongo_refused_write_is_store_error),
            cmocka_unit_test(test_mongo_unreachable_keeps_json_file),
            cmocka_unit_test(test_mongo_silent_server_fails_in_bounded_time),
    };

    if (p == NULL || (port = (int)strtol(p, NULL, 10)) <= 0) {
        (void)fprintf(stderr, "VMTP_MONGO_PORT is not set: run through "
                              "tests/integration/mongo_wire.sh\n");
        return 1;
    }
    (void)snprintf(run_id, sizeof(run_id), "vmtp-test-%ld-%ld", (long)getpid(),
                   (long)time(NULL));
    return cmocka_run_group_tests_name("mongo_wire", tests, NULL, NULL);
}
