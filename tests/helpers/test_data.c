/* \summary: test helpers: read fixtures, rewrite golden files on request */
#include "test_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmtp_test.h"

char *
vt_slurp(const char *rel)
{
    const char *root = getenv("VMTP_SOURCE_ROOT");
    char path[4096];
    FILE *f;
    char *buf;
    long len;

    assert_non_null(root);
    (void)snprintf(path, sizeof(path), "%s/%s", root, rel);
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    assert_true(len >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    (void)fclose(f);
    return buf;
}

int
vt_update_golden(const char *rel, const char *text)
{
    const char *root = getenv("VMTP_SOURCE_ROOT");
    const char *upd = getenv("VMTP_UPDATE_GOLDEN");
    char path[4096];
    FILE *f;

    if (upd == NULL || strcmp(upd, "1") != 0 || root == NULL) {
        return 0;
    }
    (void)snprintf(path, sizeof(path), "%s/%s", root, rel);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    return 1;
}
