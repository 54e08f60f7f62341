/* \summary: unit tests for the summary table and the HTML chart page */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmtp/result.h>

#include "report_html.h"
#include "result.h"
#include "test_data.h"
#include "vmtp_test.h"
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

static char *
table(const struct vmtp_results *doc, unsigned flags)
{
    char *out = NULL;
    struct vmtp_error err = {0};

    assert_int_equal(vmtp_results_report_table(doc, flags, &out, &err),
                     VMTP_OK);
    assert_non_null(out);
    return out;
}

static void
check_golden_table(const char *input, const char *golden)
{
    char *text = vt_slurp(input);
    char *want = vt_slurp(golden);
    struct vmtp_results *doc = load_text(text);
    char *got = table(doc, 0);

    if (vt_update_golden(golden, got)) {
        free(want);
        want = vt_slurp(golden);
    }
    assert_string_equal(got, want);
    free(got);
    free(want);
    free(text);
    vmtp_results_free(doc);
}

static void
test_report_table_matches_golden(void **state)
{
    (void)state;
    check_golden_table("tests/data/results/original.json",
                       "tests/data/golden/report-original.txt");
    check_golden_table("tests/data/results/spawn-errors.json",
                       "tests/data/golden/report-spawn-errors.txt");
}

/* The original counts 29 rows and skips row 1.1; all 30 count here. */
static void
test_report_counts_all_thirty_rows(void **state)
{
    struct vmtp_results *doc = load_text(
            "{\"flows\": [{\"desc\": \"VM to VM same network fixed IP "
            "(intra-node)\", \"results\": [{\"protocol\": \"TCP\", "
            "\"tool\": \"nuttcp\", \"throughput_kbps\": 1000}]}]}");
    size_t p = 9, f = 9, s = 9;
    char *out = table(doc, 0);

    (void)state;
    vmtp_results_report_counts(doc, &p, &f, &s);
    assert_int_equal(p, 1);
    assert_int_equal(f, 0);
    assert_int_equal(s, 29);
    assert_non_null(strstr(out, "Total Scenarios:   30\n"
                                "Passed Scenarios:  1 [100.00%]\n"
                                "Failed Scenarios:  0 [0.00%]\n"
                                "Skipped Scenarios: 29\n"));
    assert_non_null(strstr(out, "| 1.1      | Same Network, Fixed IP, "
                                "Intra-node, TCP"));
    assert_non_null(strstr(out, "| PASSED            | tp_kbps=1000 |"));
    free(out);
    vmtp_results_free(doc);

    doc = load_text("{}");
    out = table(doc, 0);
    assert_non_null(strstr(out, "Passed Scenarios:  0 [0.00%]\n"
                                "Failed Scenarios:  0 [0.00%]\n"
                                "Skipped Scenarios: 30\n"));
    vmtp_results_report_counts(doc, NULL, &f, NULL);
    assert_int_equal(f, 0);
    free(out);
    vmtp_results_free(doc);
}

/* Rows are 30 plus header and borders; every line has the same width. */
static void
test_report_lines_are_aligned_and_wrapped(void **state)
{
    char *text = vt_slurp("tests/data/results/original.json");
    struct vmtp_results *doc = load_text(text);
    char *out = table(doc, 0);
    char *save = NULL;
    size_t width = 0;
    int rows = 0;

    (void)state;
    for (char *line = strtok_r(out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] != '+' && line[0] != '|') {
            continue;
        }
        if (width == 0) {
            width = strlen(line);
        }
        assert_int_equal(strlen(line), width);
        if (line[0] == '|' && line[2] >= '1' && line[2] <= '8') {
            rows++;
        }
    }
    assert_int_equal(rows, 30);
    /* The Data column is at most 80 wide: "| " + 80 + " |". */
    assert_true(width <= 2 + 8 + 3 + 80 + 3 + 17 + 3 + 80 + 2);
    free(out);
    free(text);
    vmtp_results_free(doc);
}

/* Colour only when asked; it changes no visible width. */
static void
test_report_colour_only_when_asked(void **state)
{
    char *text = vt_slurp("tests/data/results/original.json");
    struct vmtp_results *doc = load_text(text);
    char *plain = table(doc, 0);
    char *color = table(doc, VMTP_REPORT_COLOR);
    char *stripped = malloc(strlen(color) + 1);
    const char *src = color;
    char *dst = stripped;

    (void)state;
    assert_null(strchr(plain, '\033'));
    assert_non_null(strstr(color, "\033[92mPASSED\033[0m"));
    assert_non_null(strstr(color, "\033[91mFAILED\033[0m"));
    assert_non_null(stripped);
    while (*src != '\0') {
        if (*src == '\033') {
            src = strchr(src, 'm') + 1;
            continue;
        }
        *dst++ = *src++;
    }
    *dst = '\0';
    assert_string_equal(stripped, plain);
    free(stripped);
    free(plain);
    free(color);
    free(text);
    vmtp_results_free(doc);
}

/* A results file cannot put terminal escapes into the table. */
static void
test_report_sanitizes_control_characters(void **state)
{
    struct vmtp_results *doc = load_text(
            "{\"flows\": [{\"desc\": \"Native\", \"results\": [{\"protocol\": "
            "\"TCP\", \"error\": \"bad\\u001b[2Jthing\"}]}]}");
    char *out = table(doc, VMTP_REPORT_COLOR);

    (void)state;
    assert_non_null(strstr(out, "error: bad?[2Jthing"));
    assert_null(strstr(out, "\033[2J"));
    free(out);
    vmtp_results_free(doc);
}

/* The Data cell of row `id`, its wrapped lines joined by spaces. */
static char *
data_of(const char *out, const char *id)
{
    char key[16];
    const char *p;
    struct vx_buf b;
    int first = 1;

    (void)snprintf(key, sizeof(key), "| %-8s |", id);
    p = strstr(out, key);
    assert_non_null(p);
    vx_buf_init(&b, 65536);
    while (p != NULL && *p == '|') {
        const char *eol = strchr(p, '\n');
        const char *cell = eol;
        const char *end = eol - 2;
        int bars = 0;

        if (!first && strncmp(p, "|          |", 12) != 0) {
            break;
        }
        for (cell = p; cell < eol && bars < 4; cell++) {
            bars += *cell == '|';
        }
        cell++;
        while (end > cell && *end == ' ') {
            end--;
        }
        assert_int_equal(vx_buf_addf(&b, "%s%.*s", first ? "" : " ",
                                     (int)(end - cell + 1), cell),
                         0);
        first = 0;
        p = eol + 1;
    }
    return vx_buf_take(&b);
}

static void
test_report_udp_lists_every_size(void **state)
{
    struct vmtp_results *doc = load_text(
            "{\"flows\": [{\"desc\": \"VM to VM different network floating IP "
            "(inter-node)\", \"results\": ["
            "{\"protocol\": \"UDP\", \"pkt_size\": 8192, \"throughput_kbps\": "
            "300, \"loss_rate\": 1.0},"
            "{\"protocol\": \"UDP\", \"pkt_size\": 64, \"throughput_kbps\": 100, "
            "\"loss_rate\": 0.5},"
            "{\"protocol\": \"UDP\", \"pkt_size\": 1024, \"throughput_kbps\": "
            "200, \"loss_rate\": 0.25, \"jitter\": 0.5},"
            "{\"protocol\": \"UDP\", \"pkt_size\": 9000, \"throughput_kbps\": "
            "400, \"loss_rate\": 2},"
            "{\"protocol\": \"UDP\", \"pkt_size\": 64, \"throughput_kbps\": 50, "
            "\"loss_rate\": 0, \"direction\": \"reverse\"}]}]}");
    char *out = table(doc, 0);
    char *data = data_of(out, "6.2");

    (void)state;
    assert_string_equal(data, "64: tp_kbps=100 loss_rate=0.50; 64 rev: "
                              "tp_kbps=50 loss_rate=0.00; 1024: tp_kbps=200 "
                              "loss_rate=0.25 jitter_ms=0.500; 8192: "
                              "tp_kbps=300 loss_rate=1.00; 9000: tp_kbps=400 "
                              "loss_rate=2.00");
    free(data);
    free(out);
    vmtp_results_free(doc);
}

static char *
escape(const char *s)
{
    struct vx_buf b;

    vx_buf_init(&b, 1024);
    assert_int_equal(vmtp_html_escape(&b, s, strlen(s)), 0);
    return vx_buf_take(&b);
}

static void
test_report_html_escape(void **state)
{
    char *e;
    struct vx_buf b;

    (void)state;
    e = escape("<script>alert(1)</script>");
    assert_string_equal(e, "&lt;script&gt;alert(1)&lt;/script&gt;");
    free(e);
    e = escape("a&b\"c'd\x01"
               "e\tf caf\xc3\xa9");
    assert_string_equal(e, "a&amp;b&quot;c&#39;d\xef\xbf\xbd"
                           "e\tf caf\xc3\xa9");
    free(e);
    e = escape("");
    assert_string_equal(e, "");
    free(e);
    /* Over the buffer's limit: an error, and the buffer released. */
    vx_buf_init(&b, 8);
    assert_int_equal(vmtp_html_escape(&b, "<<<", 3), -1);
    assert_null(b.data);
}

static char *
chart(const char *json, const char *label, unsigned protocols)
{
    struct vmtp_results *doc = load_text(json);
    const struct vmtp_results *docs[1] = {doc};
    const char *labels[1] = {label};
    struct vmtp_error err = {0};
    char *out = NULL;

    assert_int_equal(
            vmtp_results_chart_html(docs, labels, 1, protocols, &out, &err),
            VMTP_OK);
    vmtp_results_free(doc);
    assert_non_null(out);
    return out;
}

/* Every string from a file is escaped; nothing can add markup. */
static void
test_report_html_escapes_every_file_string(void **state)
{
    char *out = chart(
            "{\"test_description\": \"<script>alert(1)</script>\", "
            "\"distro\": \"<b>x</b>\", \"nic_name\": \"<i>n</i>\", "
            "\"flows\": [{\"desc\": \"<img src=x onerror=alert(2)>\", "
            "\"ip_from\": \"\\\"><svg onload=alert(3)>\", "
            "\"results\": [{\"protocol\": \"TCP\", \"tool\": \"<u>t</u>\", "
            "\"error\": \"<script>e</script>\"}, {\"protocol\": \"TCP\", "
            "\"throughput_kbps\": 5}]}]}",
            "<label>.json", VMTP_CHART_ALL);

    (void)state;
    assert_null(strstr(out, "<script"));
    assert_null(strstr(out, "<img"));
    assert_null(strstr(out, "<b>"));
    assert_null(strstr(out, "<i>"));
    assert_null(strstr(out, "<u>"));
    assert_null(strstr(out, "<label>"));
    assert_null(strstr(out, "<svg onload"));
    assert_non_null(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(out, "&lt;img src=x onerror=alert(2)&gt;"));
    assert_non_null(strstr(out, "&quot;&gt;&lt;svg onload=alert(3)&gt;"));
    assert_non_null(strstr(out, "Content-Security-Policy"));
    free(out);
}

static void
test_report_html_charts_and_units(void **state)
{
    char *text = vt_slurp("tests/data/results/original.json");
    char *out = chart(text, "original.json", VMTP_CHART_ALL);
    char *tcp_only;

    (void)state;
    assert_non_null(strstr(out, "<!DOCTYPE html>"));
    assert_null(strstr(out, "http://www.google"));
    assert_null(strstr(out, "<script"));
    assert_non_null(strstr(out, "id=\"vmtp-table0\""));
    assert_non_null(strstr(out, "id=\"vmtp-chart0\""));
    assert_non_null(strstr(out, "id=\"vmtp-run0-flow0-tcp\""));
    assert_non_null(strstr(out, "id=\"vmtp-run0-flow0-udp\""));
    assert_non_null(strstr(out, "id=\"vmtp-run0-flow0-icmp\""));
    /* SI: 2340466 kbit/s is 2.34 Gbit/s (the original said 2.23 Gbps). */
    assert_non_null(strstr(out, "2.34 Gbit/s"));
    assert_non_null(strstr(out, "148.53 Mbit/s, 2.66 % loss"));
    assert_non_null(strstr(out, "0.657 ms"));
    assert_non_null(strstr(out, "UDP (nuttcp-8.1.4): Timeout"));
    assert_non_null(strstr(out, "ICMP 64 B (ping): ping failed"));
    tcp_only = chart(text, "original.json", VMTP_CHART_TCP);
    assert_non_null(strstr(tcp_only, "-tcp\""));
    assert_null(strstr(tcp_only, "-udp\""));
    assert_null(strstr(tcp_only, "-icmp\""));
    free(tcp_only);
    free(out);
    free(text);
}

static void
test_report_html_odd_documents(void **state)
{
    char *text = vt_slurp("tests/data/results/spawn-errors.json");
    char *out = chart(text, NULL, VMTP_CHART_ALL);

    (void)state;
    assert_non_null(strstr(out, "error: VM cannot be spawned."));
    assert_non_null(strstr(out, "2001:db8::2"));
    assert_non_null(strstr(out, "Native intra-host"));
    assert_non_null(strstr(out, "TCP (iperf-2.1.8): connection refused"));
    free(out);
    free(text);
    out = chart("{}", "empty.json", VMTP_CHART_ALL);
    assert_non_null(strstr(out, "This document has no flows."));
    free(out);
}

/* Fields missing at every level: charted where there are figures, listed
 * ("no figures", "no results") where there are none, never dropped. */
static void
test_report_html_missing_fields(void **state)
{
    char *text = vt_slurp("tests/data/results/missing-fields.json");
    char *out = chart(text, "missing-fields.json", VMTP_CHART_ALL);

    (void)state;
    assert_non_null(strstr(out, "(flow without a description)"));
    assert_non_null(strstr(out, "<li>TCP: no figures</li>"));
    assert_non_null(strstr(out, "<li>ICMP: no figures</li>"));
    assert_non_null(strstr(out, "id=\"vmtp-run0-flow0-udp\""));
    assert_non_null(strstr(out, "from 198.18.0.5 to (unknown)"));
    assert_non_null(strstr(out, "id=\"vmtp-run0-flow1-tcp\"")); /* intra */
    assert_non_null(strstr(out, "no results</p>"));
    assert_non_null(strstr(out, "<li>UDP: no figures</li>"));
    free(out);
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_report_table_matches_golden),
            cmocka_unit_test(test_report_counts_all_thirty_rows),
            cmocka_unit_test(test_report_lines_are_aligned_and_wrapped),
            cmocka_unit_test(test_report_colour_only_when_asked),
            cmocka_unit_test(test_report_sanitizes_control_characters),
            cmocka_unit_test(test_report_udp_lists_every_size),
            cmocka_unit_test(test_report_html_escape),
            cmocka_unit_test(test_report_html_escapes_every_file_string),
            cmocka_unit_test(test_report_html_charts_and_units),
            cmocka_unit_test(test_report_html_odd_documents),
            cmocka_unit_test(test_report_html_missing_fields),
    };

    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
