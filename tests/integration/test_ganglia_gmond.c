/* \summary: Ganglia poller against a real gmond during a CPU-busy period */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor_ganglia.h"
#include "vmtp_test.h"
#include "vt_sock.h"
#include "vx_time.h"

static int port;
static atomic_int busy_stop;
static atomic_int warnings;

static void
count_warnings(void *ud,
               enum vmtp_log_level lvl,
               const char *func,
               const char *msg)
{
    (void)ud;
    (void)func;
    if (lvl == VMTP_LOG_WARN) {
        atomic_fetch_add(&warnings, 1);
        (void)fprintf(stderr, "warning: %s\n", msg);
    }
}

/* Wait (bounded) until gmond's dump has our host's CPU metrics. */
static void
wait_for_cpu_metrics(void)
{
    for (int i = 0; i < 120; i++) {
        struct vx_buf b;
        struct vmtp_gmond_dump d = {NULL, 0};
        struct vmtp_error err;
        struct timespec ts = {0, 250 * 1000 * 1000};
        bool ready = false;

        vx_buf_init(&b, VMTP_GMOND_MAX_XML_BYTES);
        if (vmtp_gmond_fetch("127.0.0.1", port, 2000, -1, &b, &err) ==
                    VMTP_OK &&
            vmtp_gmond_parse(vx_buf_str(&b), vx_buf_len(&b), &d, &err) ==
                    VMTP_OK) {
            ready = d.n_hosts > 0 && d.hosts[0].cpu_num > 0 &&
                    strstr(vx_buf_str(&b), "\"cpu_user\"") != NULL &&
                    strstr(vx_buf_str(&b), "\"cpu_system\"") != NULL;
        }
        vmtp_gmond_dump_release(&d);
        vx_buf_release(&b);
        if (ready) {
            return;
        }
        (void)nanosleep(&ts, NULL);
    }
    fail_msg("gmond on port %d never reported cpu_user/cpu_system/cpu_num",
             port);
}

static void *
burn(void *arg)
{
    volatile unsigned long x = 0;

    (void)arg;
    while (!atomic_load(&busy_stop)) {
        for (int i = 0; i < 100000; i++) {
            x += (unsigned long)i;
        }
    }
    return NULL;
}

static void
test_gmond_cpu_load_during_busy_period(void **state)
{
    struct vmtp_logger lg = {count_warnings, NULL, VMTP_LOG_DEBUG};
    struct vmtp_ganglia_params p = {
            .interval_ms = 500, .max_polls = 20, .timeout_ms = 5000};
    struct vmtp_ganglia *mon = NULL;
    struct vmtp_ganglia_stats st;
    struct vmtp_error err;
    pthread_t th[2];
    json_t *load;
    json_t *list;
    double max = 0;
    uint64_t t0;

    (void)state;
    wait_for_cpu_metrics();
    atomic_store(&busy_stop, 0);
    atomic_store(&warnings, 0);
    assert_int_equal(vmtp_ganglia_start("127.0.0.1", port, &lg, &p, &mon, &err),
                     VMTP_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pthread_create(&th[i], NULL, burn, NULL), 0);
    }
    /* A busy period of about 4 s: what gmond sees, not a threshold. */
    t0 = vx_now_us();
    while (vx_now_us() - t0 < 4000000) {
        struct timespec ts = {0, 100 * 1000 * 1000};

        (void)nanosleep(&ts, NULL);
    }
    load = vmtp_ganglia_stop(mon, &st);
    atomic_store(&busy_stop, 1);
    for (int i = 0; i < 2; i++) {
        (void)pthread_join(th[i], NULL);
    }
    assert_int_equal(st.polls_failed, 0);
    assert_int_equal(atomic_load(&warnings), 0);
    assert_non_null(load);
    {
        char *s = json_dumps(load, JSON_COMPACT);

        (void)printf("cpu_load: %s (%d polls)\n", s, st.polls_ok);
        free(s);
    }
    list = json_object_get(load, "127.0.0.1");
    assert_true(json_is_array(list));
    assert_true(json_array_size(list) >= 2);
    assert_int_equal((int)json_array_size(list), st.polls_ok);
    for (size_t i = 0; i < json_array_size(list); i++) {
        double v = json_real_value(json_array_get(list, i));

        assert_true(json_is_real(json_array_get(list, i)));
        assert_true(v >= 0 && v <= 1024);
        max = v > max ? v : max;
    }
    /* Two threads spun on this host: gmond saw some CPU in use. */
    assert_true(max > 0);
    json_decref(load);
}

int
main(void)
{
    const char *p = getenv("VMTP_GMOND_PORT");
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_gmond_cpu_load_during_busy_period),
    };

    if (p == NULL || (port = (int)strtol(p, NULL, 10)) <= 0) {
        (void)fprintf(stderr, "VMTP_GMOND_PORT is not set: run through "
                              "tests/integration/ganglia_gmond.sh\n");
        return 1;
    }
    return cmocka_run_group_tests_name("ganglia_gmond", tests, NULL, NULL);
}
