/* \summary: unit tests for the gmond XML parser, fetcher and poller */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor_ganglia.h"
#include "vmtp_test.h"
#include "vt_sock.h"

static char *
load_named(const char *name, size_t *len)
{
    const char *root = getenv("VMTP_SOURCE_ROOT");
    char path[4096];

    (void)snprintf(path, sizeof(path), "%s/tests/data/gmond/%s",
                   root != NULL ? root : ".", name);
    return vt_read_file(path, len);
}

static char *
load_capture(size_t *len)
{
    return load_named("gmond-3.7.2-loopback.xml", len);
}

/* gmond with Debian's default modules and metadata (EXTRA_DATA). */
static void
test_gmond_parses_default_module_capture(void **state)
{
    size_t len = 0;
    char *xml = load_named("gmond-3.7.2-default-modules.xml", &len);
    struct vmtp_gmond_dump dump = {NULL, 0};
    struct vmtp_error err;

    (void)state;
    assert_non_null(xml);
    assert_int_equal(vmtp_gmond_parse(xml, len, &dump, &err), VMTP_OK);
    assert_int_equal(dump.n_hosts, 1);
    assert_string_equal(dump.hosts[0].ip, "127.0.0.1");
    assert_int_equal(dump.hosts[0].cpu_num, 2);
    /* (68.3 + 31.7) * 2 / 100 = 2.00 */
    assert_true(vmtp_gmond_cpu_load(&dump.hosts[0]) == 2.0);
    vmtp_gmond_dump_release(&dump);
    free(xml);
}

static void
test_gmond_parses_real_capture(void **state)
{
    size_t len = 0;
    char *xml = load_capture(&len);
    struct vmtp_gmond_dump dump = {NULL, 0};
    struct vmtp_error err;

    (void)state;
    assert_non_null(xml);
    assert_int_equal(vmtp_gmond_parse(xml, len, &dump, &err), VMTP_OK);
    assert_int_equal(dump.n_hosts, 1);
    assert_string_equal(dump.hosts[0].ip, "127.0.0.1");
    assert_string_equal(dump.hosts[0].name, "localhost");
    assert_true(dump.hosts[0].cpu_user_pct > 17.89 &&
                dump.hosts[0].cpu_user_pct < 17.91);
    assert_true(dump.hosts[0].cpu_system_pct > 56.29 &&
                dump.hosts[0].cpu_system_pct < 56.31);
    assert_int_equal(dump.hosts[0].cpu_num, 2);
    /* (17.9 + 56.3) * 2 / 100 = 1.484 -> 1.48 */
    assert_true(vmtp_gmond_cpu_load(&dump.hosts[0]) == 1.48);
    vmtp_gmond_dump_release(&dump);
    free(xml);
}

static const char multi_xml[] =
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
        "<GANGLIA_XML VERSION=\"3.7.2\" SOURCE=\"gmond\">\n"
        "<CLUSTER NAME=\"a\" LOCALTIME=\"1\">\n"
        " <HOST NAME=\"h1\" IP=\"198.18.0.1\" REPORTED=\"1\">\n"
        "  <METRIC NAME=\"cpu_user\" VAL=\"50\" TYPE=\"float\"/>\n"
        "  <METRIC NAME=\"cpu_user\" VAL=\"99\" TYPE=\"float\"/>\n"
        "  <METRIC NAME=\"cpu_system\" VAL=\"25\" TYPE=\"float\">\n"
        "   <EXTRA_DATA><EXTRA_ELEMENT NAME=\"GROUP\" VAL=\"cpu\"/>"
        "</EXTRA_DATA>\n"
        "  </METRIC>\n"
        "  <METRIC NAME=\"cpu_num\" VAL=\"4\" TYPE=\"uint16\"/>\n"
        " </HOST>\n"
        " <HOST NAME=\"h2\" IP=\"198.18.0.2\" REPORTED=\"1\">\n"
        "  <METRIC NAME=\"cpu_user\" VAL=\"not-a-number\" TYPE=\"float\"/>\n"
        "  <METRIC NAME=\"cpu_system\" VAL=\"10\" TYPE=\"float\"/>\n"
        " </HOST>\n"
        "</CLUSTER>\n"
        "<CLUSTER NAME=\"b\" LOCALTIME=\"1\">\n"
        " <HOST NAME=\"h\xe9\" REPORTED=\"1\">\n"
        "  <METRIC NAME=\"cpu_user\" VAL=\"10\" TYPE=\"float\"/>\n"
        "  <METRIC NAME=\"cpu_system\" VAL=\"10\" TYPE=\"float\"/>\n"
        "  <METRIC NAME=\"cpu_num\" VAL=\"1\" TYPE=\"uint16\"/>\n"
        " </HOST>\n"
        "</CLUSTER>\n"
        "</GANGLIA_XML>\n";

static void
test_gmond_every_cluster_and_missing_metrics(void **state)
{
    struct vmtp_gmond_dump dump = {NULL, 0};
    struct vmtp_error err;

    (void)state;
    assert_int_equal(
            vmtp_gmond_parse(multi_xml, strlen(multi_xml), &dump, &err),
            VMTP_OK);
    assert_int_equal(dump.n_hosts, 3);
    /* The first metric of a name wins; (50 + 25) * 4 / 100 = 3. */
    assert_true(vmtp_gmond_cpu_load(&dump.hosts[0]) == 3.0);
    /* Missing cpu_num counts 0, as in the original: load 0. */
    assert_string_equal(dump.hosts[1].ip, "198.18.0.2");
    assert_true(dump.hosts[1].cpu_user_pct == 0);
    assert_int_equal(dump.hosts[1].cpu_num, 0);
    assert_true(vmtp_gmond_cpu_load(&dump.hosts[1]) == 0);
    /* Hosts of the second cluster are kept (the original dropped them);
     * ISO-8859-1 names come out as UTF-8. */
    assert_string_equal(dump.hosts[2].ip, "");
    assert_string_equal(dump.hosts[2].name, "h\xc3\xa9");
    assert_true(vmtp_gmond_cpu_load(&dump.hosts[2]) == 0.2);
    vmtp_gmond_dump_release(&dump);
}

static void
expect_parse_error(const char *xml, const char *needle)
{
    struct vmtp_gmond_dump dump = {NULL, 0};
    struct vmtp_error err;

    vmtp_error_clear(&err);
    assert_int_equal(vmtp_gmond_parse(xml, strlen(xml), &dump, &err),
                     VMTP_E_PARSE);
    assert_null(dump.hosts);
    assert_int_equal(dump.n_hosts, 0);
    if (strstr(err.msg, needle) == NULL) {
        fail_msg("error '%s' does not mention '%s'", err.msg, needle);
    }
}

static void
test_gmond_rejects_bad_xml(void **state)
{
    char deep[4096];
    size_t off = 0;

    (void)state;
    expect_parse_error("<?xml version=\"1.0\"?>\n<!DOCTYPE G [\n"
                       "<!ENTITY a \"aaaaaaaaaa\">\n"
                       "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
                       "]>\n<G>&b;</G>\n",
                       "entity");
    expect_parse_error("<!DOCTYPE G [<!ENTITY x SYSTEM \"file:///etc/passwd\">"
                       "]><G>&x;</G>",
                       "entity");
    expect_parse_error("<GANGLIA_XML><CLUSTER><HOST NAME=\"a\" IP=\"1\">",
                       "line");
    expect_parse_error("this is not XML", "line");
    expect_parse_error("", "line");
    for (int i = 0; i < 100; i++) {
        off += (size_t)snprintf(deep + off, sizeof(deep) - off, "<E>");
    }
    expect_parse_error(deep, "nested too deep");
}

static void
test_gmond_cpu_load_rounds_to_two_places(void **state)
{
    struct vmtp_gmond_host h;

    (void)state;
    memset(&h, 0, sizeof(h));
    h.cpu_user_pct = 33.3;
    h.cpu_system_pct = 0.04;
    h.cpu_num = 3;
    assert_true(vmtp_gmond_cpu_load(&h) == 1.0); /* 1.0002 */
    h.cpu_num = 0;
    assert_true(vmtp_gmond_cpu_load(&h) == 0);
}

static void
test_ganglia_parse_addr(void **state)
{
    char host[64];
    int port = 0;
    struct vmtp_error err;

    (void)state;
    assert_int_equal(vmtp_ganglia_parse_addr("198.18.0.1", host, sizeof(host),
                                             &port, &err),
                     VMTP_OK);
    assert_string_equal(host, "198.18.0.1");
    assert_int_equal(port, 8649);
    assert_int_equal(vmtp_ganglia_parse_addr("127.0.0.1:9000", host,
                                             sizeof(host), &port, &err),
                     VMTP_OK);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 9000);
    assert_int_equal(vmtp_ganglia_parse_addr("[2001:db8::1]:7", host,
                                             sizeof(host), &port, &err),
                     VMTP_OK);
    assert_string_equal(host, "2001:db8::1");
    assert_int_equal(port, 7);
    assert_int_equal(
            vmtp_ganglia_parse_addr("::1", host, sizeof(host), &port, &err),
            VMTP_OK);
    assert_int_equal(port, 8649);
    const char *bad[] = {"",           "gmond.example", "1.2.3.4:0",
                         "1.2.3.4:x",  "1.2.3.4:70000", "1.2.3:1",
                         "[::1]x",     "[::1",          "1.2.3.4:",
                         "[1.2.3.4]:1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(vmtp_ganglia_parse_addr(bad[i], host, sizeof(host),
                                                 &port, &err),
                         VMTP_E_INVAL);
        assert_non_null(strstr(err.msg, "--monitor"));
    }
}

static void
test_gmond_fetch_refused_and_silent(void **state)
{
    struct vx_buf b;
    struct vmtp_error err;
    struct vt_server s;
    int dead = vt_dead_port();

    (void)state;
    assert_true(dead > 0);
    vx_buf_init(&b, 4096);
    assert_int_equal(vmtp_gmond_fetch("127.0.0.1", dead, 2000, -1, &b, &err),
                     VMTP_E_CONNECT);
    assert_non_null(strstr(err.msg, "cannot connect to gmond"));

    /* Accepts (in the kernel) and never writes: a timeout, not a hang. */
    assert_int_equal(vt_server_start(&s, VT_SILENT, NULL, 0, 0), 0);
    assert_int_equal(vmtp_gmond_fetch("127.0.0.1", s.port, 200, -1, &b, &err),
                     VMTP_E_TIMEOUT);
    assert_non_null(strstr(err.msg, "no complete XML"));
    vt_server_stop(&s);
    assert_int_equal(vmtp_gmond_fetch("gmond.example", 8649, 200, -1, &b, &err),
                     VMTP_E_INVAL);
    vx_buf_release(&b);
}

static void
test_gmond_fetch_caps_size(void **state)
{
    static const char chunk[] = "<GANGLIA_XML>xxxxxxxxxxxxxxxxxxxxxxxxxxx";
    struct vx_buf b;
    struct vmtp_error err;
    struct vt_server s;

    (void)state;
    assert_int_equal(vt_server_start(&s, VT_FLOOD, chunk, sizeof(chunk) - 1, 1),
                     0);
    vx_buf_init(&b, 4096);
    assert_int_equal(vmtp_gmond_fetch("127.0.0.1", s.port, 5000, -1, &b, &err),
                     VMTP_E_PARSE);
    assert_non_null(strstr(err.msg, "more than 4096 bytes"));
    vx_buf_release(&b);
    vt_server_stop(&s);
}

static atomic_int warnings;

static void
count_warnings(void *ud,
               enum vmtp_log_level lvl,
               const char *func,
               const char *msg)
{
    (void)ud;
    (void)func;
    (void)msg;
    if (lvl == VMTP_LOG_WARN) {
        atomic_fetch_add(&warnings, 1);
    }
}

static void
test_ganglia_poller_collects_each_poll(void **state)
{
    size_t len = 0;
    char *xml = load_capture(&len);
    struct vt_server s;
    struct vmtp_ganglia *mon = NULL;
    struct vmtp_ganglia_params p = {
            .interval_ms = 20, .max_polls = 3, .timeout_ms = 5000};
    struct vmtp_ganglia_stats st;
    struct vmtp_error err;
    json_t *load;
    json_t *list;

    (void)state;
    assert_non_null(xml);
    assert_int_equal(vt_server_start(&s, VT_SERVE, xml, len, 3), 0);
    assert_int_equal(
            vmtp_ganglia_start("127.0.0.1", s.port, NULL, &p, &mon, &err),
            VMTP_OK);
    /* Wait (bounded) until the three polls were served, then stop. */
    assert_int_equal(vt_wait_count(&s.served, 3, 30000), 0);
    vt_server_stop(&s);
    load = vmtp_ganglia_stop(mon, &st);
    assert_int_equal(st.polls_failed, 0);
    assert_non_null(load);
    list = json_object_get(load, "127.0.0.1");
    assert_true(json_is_array(list));
    /* A poll connects only after the one before it was recorded, so the
     * first two are certain; stop may abandon the third in flight. */
    assert_true(json_array_size(list) >= 2 && json_array_size(list) <= 3);
    assert_int_equal((int)json_array_size(list), st.polls_ok);
    for (size_t i = 0; i < json_array_size(list); i++) {
        assert_true(json_real_value(json_array_get(list, i)) == 1.48);
    }
    json_decref(load);
    free(xml);
}

static void
test_ganglia_poller_dead_port_warns(void **state)
{
    struct vmtp_logger lg = {count_warnings, NULL, VMTP_LOG_DEBUG};
    struct vmtp_ganglia *mon = NULL;
    struct vmtp_ganglia_params p = {
            .interval_ms = 10, .max_polls = 2, .timeout_ms = 2000};
    struct vmtp_ganglia_stats st;
    struct vmtp_error err;
    int dead = vt_dead_port();

    (void)state;
    atomic_store(&warnings, 0);
    assert_int_equal(vmtp_ganglia_start("127.0.0.1", dead, &lg, &p, &mon, &err),
                     VMTP_OK);
    assert_int_equal(vt_wait_count(&warnings, 2, 30000), 0);
    assert_null(vmtp_ganglia_stop(mon, &st));
    assert_int_equal(st.polls_ok, 0);
    assert_int_equal(st.polls_failed, 2);
    assert_int_equal(st.last_error.code, VMTP_E_CONNECT);
}

/* A gmond that accepts and never answers: each poll times out with a
 * warning, and the poller keeps going (the run is not stopped). */
static void
test_ganglia_poller_silent_server_warns(void **state)
{
    struct vmtp_logger lg = {count_warnings, NULL, VMTP_LOG_DEBUG};
    struct vt_server s;
    struct vmtp_ganglia *mon = NULL;
    struct vmtp_ganglia_params p = {
            .interval_ms = 10, .max_polls = 2, .timeout_ms = 200};
    struct vmtp_ganglia_stats st;
    struct vmtp_error err;

    (void)state;
    atomic_store(&warnings, 0);
    assert_int_equal(vt_server_start(&s, VT_SILENT, NULL, 0, 0), 0);
    assert_int_equal(
            vmtp_ganglia_start("127.0.0.1", s.port, &lg, &p, &mon, &err),
            VMTP_OK);
    assert_int_equal(vt_wait_count(&warnings, 2, 30000), 0);
    assert_null(vmtp_ganglia_stop(mon, &st));
    assert_int_equal(st.polls_ok, 0);
    assert_int_equal(st.polls_failed, 2);
    assert_int_equal(st.last_error.code, VMTP_E_TIMEOUT);
    vt_server_stop(&s);
}

static void
test_ganglia_stop_is_prompt_on_silent_server(void **state)
{
    struct vt_server s;
    struct vmtp_ganglia *mon = NULL;
    /* A poll on this server would take 3 minutes to time out, longer than
     * the test's own timeout: stop must abandon it at once. */
    struct vmtp_ganglia_params p = {
            .interval_ms = 10, .max_polls = 1, .timeout_ms = 60000};
    struct vmtp_ganglia_stats st;
    struct vmtp_error err;
    struct timespec ts = {0, 200 * 1000 * 1000};

    (void)state;
    assert_int_equal(vt_server_start(&s, VT_SILENT, NULL, 0, 0), 0);
    assert_int_equal(
            vmtp_ganglia_start("127.0.0.1", s.port, NULL, &p, &mon, &err),
            VMTP_OK);
    (void)nanosleep(&ts, NULL);
    assert_null(vmtp_ganglia_stop(mon, &st));
    assert_int_equal(st.polls_ok, 0);
    vt_server_stop(&s);
}

static void
test_ganglia_start_rejects_bad_args(void **state)
{
    struct vmtp_ganglia *mon = NULL;
    struct vmtp_error err;

    (void)state;
    assert_int_equal(
            vmtp_ganglia_start("gmond.example", 8649, NULL, NULL, &mon, &err),
            VMTP_E_INVAL);
    assert_null(mon);
    assert_int_equal(vmtp_ganglia_start("127.0.0.1", 0, NULL, NULL, &mon, &err),
                     VMTP_E_INVAL);
    assert_null(vmtp_ganglia_stop(NULL, NULL));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_gmond_parses_real_capture),
            cmocka_unit_test(test_gmond_parses_default_module_capture),
            cmocka_unit_test(test_gmond_every_cluster_and_missing_metrics),
            cmocka_unit_test(test_gmond_rejects_bad_xml),
            cmocka_unit_test(test_gmond_cpu_load_rounds_to_two_places),
            cmocka_unit_test(test_ganglia_parse_addr),
            cmocka_unit_test(test_gmond_fetch_refused_and_silent),
            cmocka_unit_test(test_gmond_fetch_caps_size),
            cmocka_unit_test(test_ganglia_poller_collects_each_poll),
            cmocka_unit_test(test_ganglia_poller_dead_port_warns),
            cmocka_unit_test(test_ganglia_poller_silent_server_warns),
            cmocka_unit_test(test_ganglia_stop_is_prompt_on_silent_server),
            cmocka_unit_test(test_ganglia_start_rejects_bad_args),
    };

    return cmocka_run_group_tests_name("monitor_ganglia", tests, NULL, NULL);
}
