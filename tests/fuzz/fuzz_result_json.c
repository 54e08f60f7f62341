/* \summary: fuzz target: the results JSON reader, and what consumes it */
/*
 * Loads arbitrary bytes as a results document. A document that loads must
 * render to JSON that loads again and renders identically (the reader and
 * the writer agree), and the summary table and the HTML page must build.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vmtp/result.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vmtp_results *doc = NULL;
    struct vmtp_results *back = NULL;
    char *json = NULL;
    char *json2 = NULL;
    char *table = NULL;
    char *html = NULL;

    if (vmtp_results_load_json((const char *)data, size, &doc, NULL) !=
        VMTP_OK) {
        return 0;
    }
    if (vmtp_results_to_json(doc, &json, NULL) == VMTP_OK) {
        if (vmtp_results_load_json(json, strlen(json), &back, NULL) !=
                    VMTP_OK ||
            vmtp_results_to_json(back, &json2, NULL) != VMTP_OK ||
            strcmp(json, json2) != 0) {
            __builtin_trap();
        }
    }
    (void)vmtp_results_report_table(doc, VMTP_REPORT_COLOR, &table, NULL);
    {
        const struct vmtp_results *docs[2] = {doc, back};

        (void)vmtp_results_chart_html(docs, NULL, back != NULL ? 2 : 1,
                                      VMTP_CHART_ALL, &html, NULL);
    }
    free(json);
    free(json2);
    free(table);
    free(html);
    vmtp_results_free(back);
    vmtp_results_free(doc);
    return 0;
}
