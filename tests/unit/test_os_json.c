/* \summary: unit tests: JSON getters and the OpenStack reply readers */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "json.h"
#include "os_api.h"
#include "os_auth.h"
#include "vmtp_test.h"
#include "vx_str.h"

/* Read tests/data/os/lab/<name>.json (replies captured from the lab). */
static char *
load(const char *name, size_t *len)
{
    const char *root = getenv("VMTP_SOURCE_ROOT"); /* NOLINT */
    char path[1024];
    FILE *f;
    char *buf;
    long n;

    (void)snprintf(path, sizeof(path), "%s/tests/data/os/lab/%s",
                   root != NULL ? root : ".", name);
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    (void)fclose(f);
    *len = (size_t)n;
    return buf;
}

static struct vmtp_json_doc *
load_doc(const char *name, struct vmtp_jv *root)
{
    size_t len;
    char *buf = load(name, &len);
    struct vmtp_error err = {0};
    struct vmtp_json_doc *doc = vmtp_json_parse(buf, len, name, &err);

    free(buf);
    assert_non_null(doc);
    vmtp_json_root(doc, root);
    return doc;
}

static void
test_json_errors_name_the_path(void **state)
{
    const char *txt = "{\"servers\": [{\"status\": 3, \"id\": \"a\"}],"
                      " \"n\": \"x\", \"b\": 1}";
    struct vmtp_error err = {0};
    struct vmtp_json_doc *doc = vmtp_json_parse(txt, strlen(txt), "t", &err);
    struct vmtp_jv root;
    struct vmtp_jv arr;
    struct vmtp_jv el;
    size_t n = 0;
    const char *s = NULL;
    int64_t i = 0;
    bool b = false;

    (void)state;
    assert_non_null(doc);
    vmtp_json_root(doc, &root);
    assert_int_equal(vmtp_jv_array(&root, "servers", &arr, &n, &err), VMTP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(vmtp_jv_index(&arr, 0, &el, &err), VMTP_OK);
    assert_int_equal(vmtp_jv_str(&el, "status", &s, &err), VMTP_E_PARSE);
    assert_string_equal(err.msg,
                        "`servers[0].status`: expected string, got integer");
    assert_int_equal(vmtp_jv_str(&el, "name", &s, &err), VMTP_E_PARSE);
    assert_string_equal(err.msg, "`servers[0].name`: expected string, "
                                 "missing");
    assert_int_equal(vmtp_jv_str_opt(&el, "name", &s, &err), VMTP_OK);
    assert_null(s);
    assert_int_equal(vmtp_jv_int(&root, "n", &i, &err), VMTP_E_PARSE);
    assert_int_equal(vmtp_jv_bool_opt(&root, "b", false, &b, &err),
                     VMTP_E_PARSE);
    assert_string_equal(err.msg, "`b`: expected boolean, got integer");
    assert_int_equal(vmtp_jv_index(&arr, 1, &el, &err), VMTP_E_PARSE);
    vmtp_json_doc_free(doc);
}

static void
test_json_rejects_malformed_and_deep(void **state)
{
    struct vmtp_error err = {0};
    char deep[400];

    (void)state;
    assert_null(vmtp_json_parse("{\"a\": ", 6, "GET /x", &err));
    assert_int_equal(err.code, VMTP_E_PARSE);
    assert_non_null(strstr(err.msg, "GET /x: malformed JSON"));
    assert_null(vmtp_json_parse("[1]", 3, "GET /y", &err));
    assert_non_null(strstr(err.msg, "expected a JSON object"));
    memset(deep, '[', sizeof(deep));
    deep[0] = '{';
    memcpy(deep + 1, "\"a\":", 4);
    assert_null(vmtp_json_parse(deep, sizeof(deep), "deep", &err));
}

static void
test_error_message_extraction(void **state)
{
    char m[128];
    const char *nova = "{\"forbidden\": {\"code\": 403, \"message\": "
                       "\"Quota exceeded for instances\"}}";
    const char *html = "<html><body><h1>403 Forbidden</h1>\n  You are not "
                       "allowed</body></html>";

    (void)state;
    vmtp_json_error_message(nova, strlen(nova), m, sizeof(m));
    assert_string_equal(m, "Quota exceeded for instances");
    vmtp_json_error_message(html, strlen(html), m, sizeof(m));
    assert_string_equal(m, "403 Forbidden You are not allowed");
    vmtp_json_error_message(html, strlen(html), m, 8);
    assert_int_equal(strlen(m), 7);
}

static void
test_token_catalog_region_interface(void **state)
{
    size_t len;
    char *buf = load("token.json", &len);
    struct vmtp_os_catalog cat;
    struct vmtp_error err = {0};

    (void)state;
    assert_int_equal(
            vmtp_os_parse_token(buf, len, "RegionOne", NULL, &cat, &err),
            VMTP_OK);
    assert_string_equal(cat.endpoint[VMTP_OS_COMPUTE],
                        "http://127.0.0.1:8774/v2.1");
    assert_string_equal(cat.endpoint[VMTP_OS_NETWORK], "http://127.0.0.1:9696");
    assert_string_equal(cat.endpoint[VMTP_OS_IDENTITY],
                        "http://127.0.0.1:5000/v3");
    assert_non_null(cat.project_id);
    vmtp_os_catalog_release(&cat);
    assert_int_equal(
            vmtp_os_parse_token(buf, len, "Elsewhere", "admin", &cat, &err),
            VMTP_OK);
    assert_null(cat.endpoint[VMTP_OS_COMPUTE]);
    vmtp_os_catalog_release(&cat);
    free(buf);
}

static void
test_token_expiry_parsed(void **state)
{
    int64_t left_s = 0;

    (void)state;
    /* 2026-11-27T22:00:00Z is 1795816800 */
    assert_int_equal(vmtp_os_token_left_s("2026-11-27T22:01:00.000000Z",
                                          1795816800, &left_s),
                     VMTP_OK);
    assert_int_equal(left_s, 60);
    assert_int_equal(
            vmtp_os_token_left_s("2026-11-27T21:59:00Z", 1795816800, &left_s),
            VMTP_OK);
    assert_int_equal(left_s, -60);
    assert_int_equal(vmtp_os_token_left_s("2026-13-27T21:59:00Z", 0, &left_s),
                     VMTP_E_PARSE);
    assert_int_equal(vmtp_os_token_left_s("2026-11-27", 0, &left_s),
                     VMTP_E_PARSE);
    assert_int_equal(vmtp_os_token_left_s("", 0, &left_s), VMTP_E_PARSE);
    assert_int_equal(vmtp_os_token_left_s(NULL, 0, &left_s), VMTP_E_PARSE);
}

static void
test_compute_readers_on_lab_replies(void **state)
{
    struct vmtp_error err = {0};
    struct vmtp_jv root;
    struct vmtp_json_doc *doc;
    struct vmtp_os_hypervisor_list h = {0};
    struct vmtp_os_az_list a = {0};
    struct vmtp_os_server_list s = {0};
    struct vmtp_os_service_list sv = {0};

    (void)state;
    doc = load_doc("hypervisors.json", &root);
    assert_int_equal(vmtp_os_hypervisors_from_json(&root, &h, &err), VMTP_OK);
    assert_int_equal(h.n, 2);
    assert_true(vx_startswith(h.items[0].hostname, "compute-"));
    vmtp_os_hypervisor_list_free(&h);
    vmtp_json_doc_free(doc);

    doc = load_doc("azs.json", &root);
    assert_int_equal(vmtp_os_azs_from_json(&root, &a, &err), VMTP_OK);
    assert_true(a.n >= 1);
    vmtp_os_az_list_free(&a);
    vmtp_json_doc_free(doc);

    doc = load_doc("services.json", &root);
    assert_int_equal(vmtp_os_services_from_json(&root, &sv, &err), VMTP_OK);
    assert_true(sv.n >= 4);
    vmtp_os_service_list_free(&sv);
    vmtp_json_doc_free(doc);

    doc = load_doc("servers.json", &root);
    assert_int_equal(vmtp_os_servers_from_json(&root, &s, &err), VMTP_OK);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.items[0].status, "ACTIVE");
    assert_string_equal(s.items[0].host, "compute-1");
    assert_true(s.items[0].naddrs >= 2); /* fixed + floating */
    vmtp_os_server_list_free(&s);
    vmtp_json_doc_free(doc);
}

static void
test_network_readers_on_lab_replies(void **state)
{
    struct vmtp_error err = {0};
    struct vmtp_jv root;
    struct vmtp_json_doc *doc;
    struct vmtp_os_network_list n = {0};
    struct vmtp_os_agent_list a = {0};
    struct vmtp_os_port_list p = {0};
    struct vmtp_os_secgroup_list g = {0};
    struct vmtp_os_fip_list f = {0};
    bool ext = false;

    (void)state;
    doc = load_doc("networks.json", &root);
    assert_int_equal(vmtp_os_networks_from_json(&root, &n, &err), VMTP_OK);
    for (size_t i = 0; i < n.n; i++) {
        ext = ext ||
              (n.items[i].external && vx_streq(n.items[i].name, "public") &&
               vx_streq(n.items[i].network_type, "flat"));
    }
    assert_true(ext);
    vmtp_os_network_list_free(&n);
    vmtp_json_doc_free(doc);

    doc = load_doc("agents.json", &root);
    assert_int_equal(vmtp_os_agents_from_json(&root, &a, &err), VMTP_OK);
    assert_string_equal(vmtp_os_l2_agent_type(&a), "Linux bridge agent");
    vmtp_os_agent_list_free(&a);
    vmtp_json_doc_free(doc);

    doc = load_doc("ports.json", &root);
    assert_int_equal(vmtp_os_ports_from_json(&root, &p, &err), VMTP_OK);
    assert_true(p.n >= 3);
    vmtp_os_port_list_free(&p);
    vmtp_json_doc_free(doc);

    doc = load_doc("security_groups.json", &root);
    assert_int_equal(vmtp_os_secgroups_from_json(&root, &g, &err), VMTP_OK);
    assert_true(g.n >= 1);
    vmtp_os_secgroup_list_free(&g);
    vmtp_json_doc_free(doc);

    doc = load_doc("floatingips.json", &root);
    assert_int_equal(vmtp_os_fips_from_json(&root, &f, &err), VMTP_OK);
    assert_int_equal(f.n, 1);
    assert_true(vx_startswith(f.items[0].address, "198.19.200."));
    vmtp_os_fip_list_free(&f);
    vmtp_json_doc_free(doc);
}

static void
test_retry_policy(void **state)
{
    (void)state;
    assert_true(vmtp_http_status_retryable("GET", 500));
    assert_true(vmtp_http_status_retryable("POST", 503));
    assert_false(vmtp_http_status_retryable("POST", 500));
    assert_true(vmtp_http_status_retryable("DELETE", 409));
    assert_false(vmtp_http_status_retryable("POST", 409));
    assert_false(vmtp_http_status_retryable("GET", 404));
}

static void
test_escape(void **state)
{
    char *e = vmtp_os_escape("a b/c&d=é");

    (void)state;
    assert_string_equal(e, "a%20b%2Fc%26d%3D%C3%A9");
    free(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_json_errors_name_the_path),
            cmocka_unit_test(test_json_rejects_malformed_and_deep),
            cmocka_unit_test(test_error_message_extraction),
            cmocka_unit_test(test_token_catalog_region_interface),
            cmocka_unit_test(test_token_expiry_parsed),
            cmocka_unit_test(test_compute_readers_on_lab_replies),
            cmocka_unit_test(test_network_readers_on_lab_replies),
            cmocka_unit_test(test_retry_policy),
            cmocka_unit_test(test_escape),
    };

    return cmocka_run_group_tests_name("os_json", tests, NULL, NULL);
}
