/* \summary: unit tests: the cleanup ledger file (write, read back, torn) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "ledger.h"
#include "vmtp_test.h"

struct fx {
    struct vmtp_ctx *ctx;
    char dir[64];
};

static int
setup(void **state)
{
    static struct fx f;

    (void)snprintf(f.dir, sizeof(f.dir), "/tmp/vt-os-ledger-XXXXXX");
    if (mkdtemp(f.dir) == NULL) {
        return -1;
    }
    f.ctx = vmtp_ctx_new();
    *state = &f;
    return f.ctx == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    char path[160];

    (void)snprintf(path, sizeof(path), "%s/ledger/run-1.log", f->dir);
    (void)unlink(path);
    (void)snprintf(path, sizeof(path), "%s/ledger", f->dir);
    (void)rmdir(path);
    (void)rmdir(f->dir);
    vmtp_ctx_free(f->ctx);
    return 0;
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = calloc(1, 65536);

    assert_non_null(fp);
    assert_non_null(buf);
    *len = fread(buf, 1, 65535, fp);
    (void)fclose(fp);
    return buf;
}

/* A new run never takes over an existing ledger (same run id twice). */
static void
test_ledger_create_refuses_taken_id(void **state)
{
    struct fx *f = *state;
    struct vmtp_ledger *l = NULL;
    struct vmtp_ledger *l2 = NULL;
    unsigned a;
    char path[160];

    assert_int_equal(vmtp_ledger_create(f->ctx, f->dir, "run-2", &l), VMTP_OK);
    assert_int_equal(vmtp_ledger_intent(l, VMTP_RES_NETWORK, "n-run-2", &a),
                     VMTP_OK);
    assert_int_equal(vmtp_ledger_create(f->ctx, f->dir, "run-2", &l2),
                     VMTP_E_SYS);
    assert_null(l2);
    assert_int_equal(f->ctx->err.sys_errno, EEXIST);
    assert_non_null(strstr(f->ctx->err.msg, "run id run-2 is taken"));
    /* cleanup still appends to it */
    assert_int_equal(vmtp_ledger_open(f->ctx, f->dir, "run-2", &l2), VMTP_OK);
    vmtp_ledger_close(l2);
    vmtp_ledger_close(l);
    (void)snprintf(path, sizeof(path), "%s/ledger/run-2.log", f->dir);
    assert_int_equal(unlink(path), 0);
}

static void
test_ledger_round_trip(void **state)
{
    struct fx *f = *state;
    struct vmtp_ledger *l = NULL;
    struct vmtp_ledger_run run;
    struct vmtp_error err = {0};
    unsigned a;
    unsigned b;
    unsigned c;
    char path[160];
    size_t len;
    char *text;

    assert_int_equal(vmtp_ledger_open(f->ctx, f->dir, "run-1", &l), VMTP_OK);
    assert_int_equal(
            vmtp_ledger_intent(l, VMTP_RES_NETWORK, "vmtp-run-1 net\n", &a),
            VMTP_OK);
    assert_int_equal(vmtp_ledger_created(l, a, "id-a"), VMTP_OK);
    assert_int_equal(vmtp_ledger_intent(l, VMTP_RES_ROUTER_IF, "r/s", &b),
                     VMTP_OK);
    assert_int_equal(vmtp_ledger_intent(l, VMTP_RES_SERVER, "-srv", &c),
                     VMTP_OK);
    assert_int_equal(vmtp_ledger_gone(l, b), VMTP_OK);
    vmtp_ledger_close(l);
    /* reopening continues the numbering */
    assert_int_equal(vmtp_ledger_open(f->ctx, f->dir, "run-1", &l), VMTP_OK);
    assert_int_equal(vmtp_ledger_intent(l, VMTP_RES_IMAGE, "img", &a), VMTP_OK);
    assert_int_equal(a, 3);
    vmtp_ledger_close(l);

    (void)snprintf(path, sizeof(path), "%s/ledger/run-1.log", f->dir);
    text = slurp(path, &len);
    assert_int_equal(vmtp_ledger_parse(text, len, &run, &err), VMTP_OK);
    assert_int_equal(run.n, 4);
    assert_false(run.done);
    assert_string_equal(run.items[0].name, "vmtp-run-1 net\n");
    assert_string_equal(run.items[0].id, "id-a");
    assert_int_equal(run.items[0].type, VMTP_RES_NETWORK);
    assert_true(run.items[1].gone);
    assert_string_equal(run.items[2].name, "-srv");
    assert_null(run.items[2].id);
    vmtp_ledger_run_release(&run);

    /* a crash in the middle of an append leaves a torn last line */
    assert_int_equal(vmtp_ledger_parse(text, len - 3, &run, &err), VMTP_OK);
    assert_int_equal(run.n, 3);
    vmtp_ledger_run_release(&run);
    free(text);
}

static void
test_ledger_rejects_garbage(void **state)
{
    struct vmtp_ledger_run run;
    struct vmtp_error err = {0};
    const char *bad[] = {
            "intent x server a\n",    "intent 1 boat a\n",
            "created 9 id\n",         "intent 1 server a%zz\n",
            "intent 1 server a%00\n", "intent 1 server a\nintent 1 port b\n",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(vmtp_ledger_parse(bad[i], strlen(bad[i]), &run, &err),
                         VMTP_E_PARSE);
        assert_non_null(strstr(err.msg, "ledger line"));
    }
    {
        const char *ok = "intent 0 port p\ngone 0\ndone\n";

        assert_int_equal(vmtp_ledger_parse(ok, strlen(ok), &run, &err),
                         VMTP_OK);
    }
    assert_true(run.done);
    vmtp_ledger_run_release(&run);
}

static void
test_run_id_validation(void **state)
{
    struct fx *f = *state;
    struct vmtp_ledger *l = NULL;

    assert_true(vmtp_run_id_valid("a1b2c3d"));
    assert_false(vmtp_run_id_valid(".."));
    assert_false(vmtp_run_id_valid("a/b"));
    assert_false(vmtp_run_id_valid(""));
    assert_int_equal(vmtp_ledger_open(f->ctx, f->dir, "../x", &l),
                     VMTP_E_INVAL);
    assert_null(l);
}

static void
test_tag_names(void **state)
{
    char *n = vmtp_res_name("a1b2c3d", "pns-internal-net");
    char *d = vmtp_res_desc("a1b2c3d");

    (void)state;
    assert_string_equal(n, "pns-internal-net-a1b2c3d");
    assert_string_equal(d, "vmtp-run:a1b2c3d");
    free(n);
    free(d);
    assert_null(vmtp_res_name("a1b2c3d", ""));
    assert_null(vmtp_res_name("a1b2c3d", NULL));
    assert_null(vmtp_res_name("a1b2c3d", "tab\there"));
    assert_null(vmtp_res_name("a/b", "net"));
    assert_null(vmtp_res_desc(".."));
    /* only run ids without '-', 6 characters or more, match by name */
    assert_true(vmtp_run_id_sweepable("a1b2c3d"));
    assert_true(vmtp_run_id_sweepable("vtcx12_3.4"));
    assert_false(vmtp_run_id_sweepable("vt-cx123"));
    assert_false(vmtp_run_id_sweepable("a1b2c"));
    assert_false(vmtp_run_id_sweepable("../x"));
}

static void
test_tag_name_matching(void **state)
{
    (void)state;
    assert_true(vmtp_res_name_of_run("pns-internal-net-a1b2c3d", "a1b2c3d"));
    assert_true(vmtp_res_name_of_run("TestServer1-a1b2c3d", "a1b2c3d"));
    assert_true(vmtp_res_name_of_run("x-a1b2c3d", "a1b2c3d"));
    /* another run's, even when one id ends the other */
    assert_false(vmtp_res_name_of_run("net-a1b2c3d", "1b2c3d"));
    assert_false(vmtp_res_name_of_run("net-a1b2c3d", "b2c3d"));
    assert_false(vmtp_res_name_of_run("net-a1b2c3dx", "a1b2c3d"));
    assert_false(vmtp_res_name_of_run("net-a1b2c3d-2", "a1b2c3d"));
    assert_false(vmtp_res_name_of_run("net_a1b2c3d", "a1b2c3d"));
    assert_false(vmtp_res_name_of_run("neta1b2c3d", "a1b2c3d"));
    /* the shape: a non-empty base */
    assert_false(vmtp_res_name_of_run("-a1b2c3d", "a1b2c3d"));
    assert_false(vmtp_res_name_of_run("a1b2c3d", "a1b2c3d"));
    assert_false(vmtp_res_name_of_run("", "a1b2c3d"));
    assert_false(vmtp_res_name_of_run(NULL, "a1b2c3d"));
    /* run ids that could be a part of another: never by name */
    assert_false(vmtp_res_name_of_run("net-x-abcdef", "x-abcdef"));
    assert_false(vmtp_res_name_of_run("net-abc", "abc"));
    assert_false(vmtp_res_name_of_run("net-..", ".."));
    /* exact: a '.' in the run id is not a pattern */
    assert_false(vmtp_res_name_of_run("net-a1b2c3d", "a1b2c.d"));
    assert_true(vmtp_res_name_of_run("net-a1b2c.d", "a1b2c.d"));
}

static void
test_tag_description_matching(void **state)
{
    (void)state;
    assert_true(vmtp_res_desc_of_run("vmtp-run:a1b2c3d", "a1b2c3d"));
    assert_true(vmtp_res_desc_of_run("PNS net vmtp-run:a1b2c3d", "a1b2c3d"));
    assert_true(
            vmtp_res_desc_of_run("vmtp-run:a1b2c3d, made by vmtp", "a1b2c3d"));
    /* a floating IP's description is its name */
    assert_true(vmtp_res_desc_of_run("fip-a1b2c3d", "a1b2c3d"));
    /* the token works for any valid run id */
    assert_true(vmtp_res_desc_of_run("vmtp-run:vt-cx1", "vt-cx1"));
    assert_false(vmtp_res_desc_of_run("vmtp-run:vt-cx12", "vt-cx1"));
    assert_false(vmtp_res_desc_of_run("vmtp-run:a1b2c3d", "a1b2c3"));
    assert_false(vmtp_res_desc_of_run("vmtp-run:a1b2c3d-2", "a1b2c3d"));
    assert_false(vmtp_res_desc_of_run("vmtp-run:a1b2c3d.x", "a1b2c3d"));
    assert_false(vmtp_res_desc_of_run("xvmtp-run:a1b2c3d", "a1b2c3d"));
    assert_false(vmtp_res_desc_of_run("vmtp-run: a1b2c3d", "a1b2c3d"));
    assert_false(vmtp_res_desc_of_run("run a1b2c3d", "a1b2c3d"));
    assert_false(vmtp_res_desc_of_run("", "a1b2c3d"));
    assert_false(vmtp_res_desc_of_run(NULL, "a1b2c3d"));
    /* a later token can match after a foreign one */
    assert_true(
            vmtp_res_desc_of_run("vmtp-run:zz vmtp-run:a1b2c3d", "a1b2c3d"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_ledger_round_trip),
            cmocka_unit_test(test_ledger_rejects_garbage),
            cmocka_unit_test(test_run_id_validation),
            cmocka_unit_test(test_tag_names),
            cmocka_unit_test(test_tag_name_matching),
            cmocka_unit_test(test_tag_description_matching),
            cmocka_unit_test(test_ledger_create_refuses_taken_id),
    };

    return cmocka_run_group_tests_name("ledger", tests, setup, teardown);
}
