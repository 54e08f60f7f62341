/* \summary: unit tests of the UDP max-rate search against simulated links */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "udp_search.h"
#include "vmtp_test.h"

/*
 * A simulated path: the sender reaches at most sender_cap_bps; the link
 * delivers at most capacity_bps; on top, a fraction base_loss of datagrams
 * is lost at random at every rate, and extra_loss more above capacity.
 * noise makes each trial's delivered rate wobble by +-noise (relative).
 * drop_all loses everything. The "knee" (what the search must report) is
 * the goodput at capacity: min(capacity, sender cap) * (1 - base_loss).
 */
struct sim {
    double capacity_bps;
    double sender_cap_bps;
    double base_loss;
    double extra_loss;
    double noise;
    bool drop_all;
    uint64_t rng;
    int calls;
    int fail_at;      /* return an error on this call (1-based); 0 never */
    double long_loss; /* extra loss of trials of 2 s or more */
};

static double
uniform(struct sim *s)
{
    /* xorshift64*: deterministic, good enough for noise */
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    return (double)((s->rng * 2685821657736338717ULL) >> 11) /
           (double)(1ULL << 53);
}

static enum vmtp_status
sim_trial(void *ud,
          double rate_bps,
          int duration_s,
          struct vmtp_udp_sample *out,
          struct vmtp_error *err)
{
    struct sim *s = ud;
    double tx;
    double link;
    double rx;

    s->calls++;
    if (s->fail_at != 0 && s->calls == s->fail_at) {
        err->code = VMTP_E_MEASURE;
        return VMTP_E_MEASURE;
    }
    assert_true(rate_bps >= 1); /* never a zero or negative rate */
    tx = rate_bps < s->sender_cap_bps ? rate_bps : s->sender_cap_bps;
    link = s->capacity_bps * (1 + s->noise * (2 * uniform(s) - 1));
    rx = tx < link ? tx : link;
    if (tx > link) {
        rx *= 1 - s->extra_loss;
    }
    rx *= 1 - s->base_loss;
    if (duration_s >= 2) {
        rx *= 1 - s->long_loss;
    }
    if (s->drop_all) {
        rx = 0;
    }
    out->tx_bps = tx;
    out->rx_bps = rx;
    out->loss_pct = (1 - rx / tx) * 100;
    out->rx_pps = rx / 8 / 1024;
    return VMTP_OK;
}

static double
knee(const struct sim *s)
{
    double c = s->capacity_bps < s->sender_cap_bps ? s->capacity_bps
                                                   : s->sender_cap_bps;
    return c * (1 - s->base_loss);
}

static void
check_case(struct sim *s, double hint_bps)
{
    struct vmtp_udp_search_params p;
    struct vmtp_udp_search_result r;
    struct vmtp_error e = {0};
    double k = knee(s);

    vmtp_udp_search_params_init(&p);
    p.hint_bps = hint_bps;
    assert_int_equal(vmtp_udp_search(&p, sim_trial, s, &r, &e), VMTP_OK);
    assert_true(r.trials <= p.max_trials);
    assert_int_equal(r.trials, s->calls);
    assert_true(r.total_s <= p.max_total_s);
    if (fabs(r.final.rx_bps - k) > 0.03 * k) {
        print_error("knee %.0f, got %.0f: %s\n", k, r.final.rx_bps, r.message);
    }
    assert_true(fabs(r.final.rx_bps - k) <= 0.03 * k);
    assert_true(r.message[0] != '\0');
}

static void
test_udp_search_finds_link_capacity(void **state)
{
    const double caps[] = {1e6, 50e6, 200e6, 940e6, 3e9, 9.5e9};

    (void)state;
    for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
        struct sim s = {
                .capacity_bps = caps[i], .sender_cap_bps = 1e12, .rng = 42 + i};
        check_case(&s, 0);
        s.calls = 0;
        check_case(&s, caps[i] * 0.955); /* a TCP figure as first guess */
        s.calls = 0;
        check_case(&s, caps[i] * 0.2); /* a poor guess */
    }
}

static void
test_udp_search_sender_limited(void **state)
{
    struct sim s = {.capacity_bps = 10e9, .sender_cap_bps = 300e6, .rng = 7};
    struct vmtp_udp_search_params p;
    struct vmtp_udp_search_result r;

    (void)state;
    vmtp_udp_search_params_init(&p);
    assert_int_equal(vmtp_udp_search(&p, sim_trial, &s, &r, NULL), VMTP_OK);
    assert_int_equal(r.outcome, VMTP_UDP_SENDER_LIMITED);
    assert_true(fabs(r.final.rx_bps - 300e6) <= 0.03 * 300e6);
    assert_true(r.trials <= 3);
    assert_non_null(strstr(r.message, "sender-limited"));
}

static void
test_udp_search_random_loss_below_and_above_capacity(void **state)
{
    (void)state;
    for (int i = 0; i < 20; i++) {
        struct sim s = {.capacity_bps = 100e6 + 40e6 * i,
                        .sender_cap_bps = 1e12,
                        .base_loss = 0.01,
                        .extra_loss = 0.02,
                        .rng = 1000 + (uint64_t)i};
        check_case(&s, 0);
    }
}

static void
test_udp_search_noisy_trials(void **state)
{
    (void)state;
    for (int i = 0; i < 50; i++) {
        struct sim s = {.capacity_bps = 200e6,
                        .sender_cap_bps = 1e12,
                        .noise = 0.01,
                        .rng = 99 + (uint64_t)i * 7919};
        check_case(&s, (i % 2) != 0 ? 191e6 : 0);
    }
}

static void
test_udp_search_link_dropping_everything_ends_with_zero(void **state)
{
    struct sim s = {.capacity_bps = 1e9,
                    .sender_cap_bps = 2e9,
                    .drop_all = true,
                    .rng = 3};
    struct vmtp_udp_search_params p;
    struct vmtp_udp_search_result r;

    (void)state;
    vmtp_udp_search_params_init(&p);
    assert_int_equal(vmtp_udp_search(&p, sim_trial, &s, &r, NULL), VMTP_OK);
    assert_int_equal(r.outcome, VMTP_UDP_NO_TRAFFIC);
    assert_int_equal(r.trials, 2);
    assert_float_equal(r.rate_bps, 0, 0);
    assert_non_null(strstr(r.message, "drops UDP"));
}

static void
test_udp_search_heavy_random_loss_stays_within_caps(void **state)
{
    /* 10% loss everywhere: no rate is within [2, 5] %. */
    struct sim s = {.capacity_bps = 500e6,
                    .sender_cap_bps = 1e12,
                    .base_loss = 0.10,
                    .rng = 5};
    struct vmtp_udp_search_params p;
    struct vmtp_udp_search_result r;

    (void)state;
    vmtp_udp_search_params_init(&p);
    p.max_trials = 8;
    p.max_total_s = 10;
    assert_int_equal(vmtp_udp_search(&p, sim_trial, &s, &r, NULL), VMTP_OK);
    assert_true(r.trials <= 8);
    assert_true(r.total_s <= 10);
    assert_int_equal(r.outcome, VMTP_UDP_CAPPED);
    assert_non_null(strstr(r.message, "cap"));
}

static void
test_udp_search_tiny_rates_never_loop(void **state)
{
    /* The original looped forever or divided by zero at a few kbit/s. */
    struct sim s = {.capacity_bps = 3e3, .sender_cap_bps = 1e12, .rng = 11};
    struct vmtp_udp_search_params p;
    struct vmtp_udp_search_result r;

    (void)state;
    vmtp_udp_search_params_init(&p);
    p.min_rate_bps = 1;
    assert_int_equal(vmtp_udp_search(&p, sim_trial, &s, &r, NULL), VMTP_OK);
    assert_true(r.trials <= p.max_trials);
    assert_true(r.final.rx_bps > 0);
}

static void
test_udp_search_zero_loss_rate(void **state)
{
    struct sim s = {.capacity_bps = 400e6, .sender_cap_bps = 1e12, .rng = 8};
    struct vmtp_udp_search_params p;
    struct vmtp_udp_search_result r;

    (void)state;
    vmtp_udp_search_params_init(&p);
    p.zero_loss = true;
    p.max_trials = 20;
    p.max_total_s = 40;
    assert_int_equal(vmtp_udp_search(&p, sim_trial, &s, &r, NULL), VMTP_OK);
    assert_true(r.trials <= 20);
    assert_false(isnan(r.zero_loss_rate_bps));
    assert_true(r.zero_loss_rate_bps <= 400e6);
    assert_true(r.zero_loss_rate_bps >= 400e6 * 0.95);
}

static void
test_udp_search_flags_an_unstable_confirmation(void **state)
{
    /* 1-second trials look fine, the 2-second confirmations lose 10% */
    struct sim s = {.capacity_bps = 300e6,
                    .sender_cap_bps = 1e12,
                    .long_loss = 0.10,
                    .rng = 21};
    struct vmtp_udp_search_params p;
    struct vmtp_udp_search_result r;

    (void)state;
    vmtp_udp_search_params_init(&p);
    assert_int_equal(vmtp_udp_search(&p, sim_trial, &s, &r, NULL), VMTP_OK);
    assert_true(r.unstable);
    assert_true(r.final.loss_pct > p.loss_hi_pct);
    assert_non_null(strstr(r.message, "unstable"));
    assert_true(r.trials <= p.max_trials);
    /* the same link without the flaw is stable */
    s.long_loss = 0;
    s.calls = 0;
    assert_int_equal(vmtp_udp_search(&p, sim_trial, &s, &r, NULL), VMTP_OK);
    assert_false(r.unstable);
}

static void
test_udp_search_trial_error_and_bad_params(void **state)
{
    struct sim s = {.capacity_bps = 400e6,
                    .sender_cap_bps = 1e12,
                    .rng = 8,
                    .fail_at = 2};
    struct vmtp_udp_search_params p;
    struct vmtp_udp_search_result r;
    struct vmtp_error e = {0};

    (void)state;
    vmtp_udp_search_params_init(&p);
    assert_int_equal(vmtp_udp_search(&p, sim_trial, &s, &r, &e),
                     VMTP_E_MEASURE);
    assert_int_equal(r.trials, 1);
    p.loss_lo_pct = 6;
    assert_int_equal(vmtp_udp_search(&p, sim_trial, &s, &r, &e), VMTP_E_INVAL);
    vmtp_udp_search_params_init(&p);
    p.loss_hi_pct = 100;
    assert_int_equal(vmtp_udp_search(&p, sim_trial, &s, &r, &e), VMTP_E_INVAL);
    vmtp_udp_search_params_init(&p);
    p.max_trials = 1;
    assert_int_equal(vmtp_udp_search(&p, sim_trial, &s, &r, &e), VMTP_E_INVAL);
}

/*
 * A tool with a fixed per-trial cost (nuttcp: 2.4 s): the estimated cost
 * of the trials never passes max_cost_s, a budget that cannot hold one
 * trial and the confirmation is refused, and with a TCP hint the search
 * still lands on the knee within two trials.
 */
static void
test_udp_search_cost_budget(void **state)
{
    const double caps[] = {20e6, 200e6, 940e6, 3e9};
    struct vmtp_udp_search_params p;
    struct vmtp_udp_search_result r;
    struct vmtp_error e = {0};

    (void)state;
    for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
        struct sim s = {
                .capacity_bps = caps[i], .sender_cap_bps = 1e12, .rng = 3 + i};

        vmtp_udp_search_params_init(&p);
        p.trial_cost_s = 2.4;
        p.max_cost_s = 7;
        p.confirm_s = 0;
        p.hint_bps = caps[i] * 0.955;
        assert_int_equal(vmtp_udp_search(&p, sim_trial, &s, &r, &e), VMTP_OK);
        assert_true(r.trials <= 2);
        assert_int_equal(r.trials, s.calls);
        assert_true(r.cost_s <= p.max_cost_s);
        assert_true(fabs(r.final.rx_bps - knee(&s)) <= 0.03 * knee(&s));
        /* the same with a confirmation: it is reserved in the budget */
        s.calls = 0;
        p.confirm_s = 2;
        p.max_cost_s = 9;
        assert_int_equal(vmtp_udp_search(&p, sim_trial, &s, &r, &e), VMTP_OK);
        assert_true(r.cost_s <= p.max_cost_s);
        assert_true(r.trials <= 2);
        /* no first guess: the blind first trial comes on top */
        s.calls = 0;
        p.hint_bps = 0;
        p.confirm_s = 0;
        p.max_cost_s = 7;
        assert_int_equal(vmtp_udp_search(&p, sim_trial, &s, &r, &e), VMTP_OK);
        assert_true(r.trials <= 3);
        assert_true(r.cost_s <= p.max_cost_s + 1 + p.trial_cost_s);
        assert_true(fabs(r.final.rx_bps - knee(&s)) <= 0.03 * knee(&s));
    }
    vmtp_udp_search_params_init(&p);
    p.trial_cost_s = 2.4;
    p.max_cost_s = 5; /* 3.4 s trial + 4.4 s confirmation do not fit */
    assert_int_equal(vmtp_udp_search(&p, sim_trial, NULL, &r, &e),
                     VMTP_E_INVAL);
    p.trial_cost_s = -1;
    p.max_cost_s = 0;
    assert_int_equal(vmtp_udp_search(&p, sim_trial, NULL, &r, &e),
                     VMTP_E_INVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_udp_search_finds_link_capacity),
            cmocka_unit_test(test_udp_search_sender_limited),
            cmocka_unit_test(
                    test_udp_search_random_loss_below_and_above_capacity),
            cmocka_unit_test(test_udp_search_noisy_trials),
            cmocka_unit_test(
                    test_udp_search_link_dropping_everything_ends_with_zero),
            cmocka_unit_test(
                    test_udp_search_heavy_random_loss_stays_within_caps),
            cmocka_unit_test(test_udp_search_tiny_rates_never_loop),
            cmocka_unit_test(test_udp_search_zero_loss_rate),
            cmocka_unit_test(test_udp_search_flags_an_unstable_confirmation),
            cmocka_unit_test(test_udp_search_trial_error_and_bad_params),
            cmocka_unit_test(test_udp_search_cost_budget),
    };
    return cmocka_run_group_tests_name("udp_search", tests, NULL, NULL);
}
