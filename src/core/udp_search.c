/* \summary: UDP max-rate search: model-guided bisection with hard caps */
#include "udp_search.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "vx_banned.h"

/* A trial whose sender reached less than this share of the offered rate
 * was sender-limited. */
#define SENDER_LIMITED_RATIO 0.95
/* After a first trial where nothing arrived, the rate of the second. */
#define NO_TRAFFIC_RETRY_MAX_BPS 10e6

void
vmtp_udp_search_params_init(struct vmtp_udp_search_params *p)
{
    memset(p, 0, sizeof(*p));
    p->loss_lo_pct = 2.0;
    p->loss_hi_pct = 5.0;
    p->min_rate_bps = 100e3;
    p->max_rate_bps = 10e9;
    p->hint_bps = 0;
    p->trial_s = 1;
    p->confirm_s = 2;
    p->max_trials = 12;
    p->max_total_s = 30;
    p->resolution = 0.02;
    p->trial_cost_s = 0;
    p->max_cost_s = 0;
    p->zero_loss = false;
}

const char *
vmtp_udp_outcome_name(enum vmtp_udp_outcome o)
{
    switch (o) {
    case VMTP_UDP_FOUND:
        return "found";
    case VMTP_UDP_CONVERGED:
        return "converged";
    case VMTP_UDP_SENDER_LIMITED:
        return "sender-limited";
    case VMTP_UDP_CAPPED:
        return "capped";
    case VMTP_UDP_NO_TRAFFIC:
        return "no-traffic";
    }
    return "unknown";
}

struct search {
    const struct vmtp_udp_search_params *p;
    vmtp_udp_trial_fn *fn;
    void *ud;
    struct vmtp_udp_search_result *res;
    double under; /* highest effective rate with loss < lo; 0: none */
    int under_idx;
    double over;    /* lowest effective rate with loss > hi; INFINITY: none */
    double cap;     /* what the sender can do, as far as we know */
    double over_rx; /* highest goodput of a trial with loss > hi; 0: none */
    double bonus_cost_s; /* extra budget: the blind first trial */
    int best_idx;        /* highest effective rate with loss <= hi; -1: none */
};

/* The rate that really went out: the offered one, unless the sender fell
 * short of it. */
static double
effective(const struct vmtp_udp_sample *s)
{
    double e = s->offered_bps;

    if (s->tx_bps > 0 && s->tx_bps < e) {
        e = s->tx_bps;
    }
    return e;
}

static bool
sender_limited(const struct vmtp_udp_sample *s)
{
    return s->tx_bps > 0 && s->tx_bps < SENDER_LIMITED_RATIO * s->offered_bps;
}

/* Estimated wall cost of a trial of dur seconds. */
static double
trial_cost(const struct vmtp_udp_search_params *p, int dur)
{
    return dur + p->trial_cost_s;
}

/* The cost of the smallest search: one trial and the confirmation. */
static double
min_cost(const struct vmtp_udp_search_params *p)
{
    return trial_cost(p, p->trial_s) +
           (p->confirm_s > 0 ? trial_cost(p, p->confirm_s) : 0);
}

static bool
budget(const struct search *st, int trial_s, bool keep_confirm)
{
    const struct vmtp_udp_search_params *p = st->p;
    int reserve_n = keep_confirm && p->confirm_s > 0 ? 1 : 0;
    int reserve_s = keep_confirm ? p->confirm_s : 0;
    double cost = st->res->cost_s + trial_cost(p, trial_s) +
                  (reserve_n > 0 ? trial_cost(p, reserve_s) : 0);

    return st->res->trials + 1 + reserve_n <= p->max_trials &&
           st->res->total_s + trial_s + reserve_s <= p->max_total_s &&
           (p->max_cost_s <= 0 ||
            cost <= p->max_cost_s + st->bonus_cost_s + 1e-9);
}

static enum vmtp_status
run_trial(struct search *st,
          double rate,
          int dur,
          int *idx,
          struct vmtp_error *err)
{
    struct vmtp_udp_search_result *res = st->res;
    struct vmtp_udp_sample s = {
            .tx_bps = NAN,
            .rx_bps = NAN,
            .loss_pct = NAN,
            .rx_pps = NAN,
            .jitter_ms = NAN,
    };
    enum vmtp_status rc;

    if (res->trials >= st->p->max_trials ||
        res->trials >= VMTP_UDP_SEARCH_MAX_TRIALS) {
        return vmtp_error_set(err, VMTP_E_INTERNAL, "trial cap passed");
    }
    rc = st->fn(st->ud, rate, dur, &s, err);
    if (rc != VMTP_OK) {
        return rc;
    }
    s.offered_bps = rate;
    s.duration_s = dur;
    if (isnan(s.loss_pct)) {
        return vmtp_error_set(err, VMTP_E_MEASURE,
                              "UDP trial at %.0f bit/s gave no loss figure",
                              rate);
    }
    if (s.loss_pct < 0) {
        s.loss_pct = 0;
    }
    if (s.loss_pct > 100) {
        s.loss_pct = 100;
    }
    if (!(s.rx_bps >= 0)) {
        s.rx_bps = 0;
    }
    res->log[res->trials] = s;
    *idx = res->trials;
    res->trials++;
    res->total_s += dur;
    res->cost_s += trial_cost(st->p, dur);
    return VMTP_OK;
}

/* The next rate: the capacity model if it falls well inside the bracket,
 * else the middle of the bracket. */
static double
next_rate(const struct search *st, const struct vmtp_udp_sample *s)
{
    const struct vmtp_udp_search_params *p = st->p;
    double lo_b = st->under > 0 ? st->under : p->min_rate_bps;
    double up_b = st->over < st->cap ? st->over : st->cap;
    double mid_loss = (p->loss_lo_pct + p->loss_hi_pct) / 200.0;
    double model;
    double margin = p->resolution / 2;
    double rate;

    if (s->loss_pct > 0 && s->rx_bps > 0) {
        /* Loss from a full link: rx is its capacity; aim at mid band. */
        model = s->rx_bps / (1.0 - mid_loss);
    } else {
        model = effective(s) * (isinf(st->over) ? 4.0 : 2.0);
        if (!isinf(st->over) && st->over_rx > 0) {
            /*
             * Loss-free below a rate that lost: the capacity is at least
             * this rate and was measured near over_rx (an overloaded
             * trial can under-report it when the hosts are short of
             * CPU): aim mid band above the better of the two.
             */
            double c = effective(s) > st->over_rx ? effective(s) : st->over_rx;
            model = c / (1.0 - mid_loss);
        }
    }
    if (model > lo_b * (1 + margin) && model < up_b * (1 - margin)) {
        rate = model;
    } else if (up_b / lo_b > 4.0) {
        rate = sqrt(lo_b * up_b);
    } else {
        rate = (lo_b + up_b) / 2.0;
    }
    if (rate < p->min_rate_bps) {
        rate = p->min_rate_bps;
    }
    if (rate > p->max_rate_bps) {
        rate = p->max_rate_bps;
    }
    return rate;
}

static enum vmtp_status
validate(const struct vmtp_udp_search_params *p, struct vmtp_error *err)
{
    if (!(p->loss_lo_pct >= 0) || !(p->loss_hi_pct >= p->loss_lo_pct) ||
        !(p->loss_hi_pct < 100)) {
        return vmtp_error_set(err, VMTP_E_INVAL,
                              "udp_loss_rate_range must be 0 <= lo <= hi < "
                              "100, not [%g, %g]",
                              p->loss_lo_pct, p->loss_hi_pct);
    }
    if (!(p->min_rate_bps >= 1) || !(p->max_rate_bps >= p->min_rate_bps) ||
        !(p->max_rate_bps < 1e13)) {
        return vmtp_error_set(err, VMTP_E_INVAL, "bad UDP search rate range");
    }
    if (p->trial_s < 1 || p->confirm_s < 0 || p->max_trials < 2 ||
        p->max_trials > VMTP_UDP_SEARCH_MAX_TRIALS ||
        p->max_total_s < p->trial_s + p->confirm_s ||
        !(p->resolution >= 0.001) || !(p->resolution <= 0.5) ||
        !(p->hint_bps >= 0) || !(p->trial_cost_s >= 0) ||
        !(p->trial_cost_s < 3600) || !(p->max_cost_s >= 0) ||
        (p->max_cost_s > 0 && p->max_cost_s + 1e-9 < min_cost(p))) {
        return vmtp_error_set(err, VMTP_E_INVAL,
                              "bad UDP search limits (trials %d, %d s)",
                              p->max_trials, p->max_total_s);
    }
    return VMTP_OK;
}

/* The trial with the least loss (for a search that found nothing good). */
static int
least_loss(const struct vmtp_udp_search_result *res)
{
    int best = -1;

    for (int i = 0; i < res->trials; i++) {
        if (best < 0 || res->log[i].loss_pct < res->log[best].loss_pct) {
            best = i;
        }
    }
    return best;
}

static void
zero_loss_search(struct search *st, struct vmtp_error *err)
{
    struct vmtp_udp_search_result *res = st->res;
    const struct vmtp_udp_search_params *p = st->p;
    double z_lo = 0;
    double z_hi = INFINITY;

    for (int i = 0; i < res->trials; i++) {
        double e = effective(&res->log[i]);
        if (res->log[i].loss_pct <= 0 && res->log[i].rx_bps > 0) {
            z_lo = e > z_lo ? e : z_lo;
        } else if (e < z_hi) {
            z_hi = e;
        }
    }
    while (budget(st, p->trial_s, false)) {
        double rate;
        int idx = 0;

        if (z_lo > 0 && (isinf(z_hi) || z_hi / z_lo <= 1 + p->resolution)) {
            break;
        }
        if (z_lo > 0) {
            rate = (z_lo + z_hi) / 2;
        } else if (!isinf(z_hi) && z_hi / 2 >= p->min_rate_bps) {
            rate = z_hi / 2;
        } else {
            break;
        }
        if (run_trial(st, rate, p->trial_s, &idx, err) != VMTP_OK) {
            break; /* the main figure stands; NDR stays unknown */
        }
        if (res->log[idx].loss_pct <= 0 && res->log[idx].rx_bps > 0) {
            z_lo = effective(&res->log[idx]);
        } else {
            z_hi = effective(&res->log[idx]);
        }
    }
    res->zero_loss_rate_bps = z_lo > 0 ? z_lo : NAN;
}

static void
describe(struct vmtp_udp_search_result *res,
         const struct vmtp_udp_search_params *p)
{
    const struct vmtp_udp_sample *f = &res->final;
    const char *how = "";
    int n;

    switch (res->outcome) {
    case VMTP_UDP_FOUND:
    case VMTP_UDP_CONVERGED:
        how = "";
        break;
    case VMTP_UDP_SENDER_LIMITED:
        how = "; the sender could not go faster (sender-limited)";
        break;
    case VMTP_UDP_CAPPED:
        how = f->loss_pct > p->loss_hi_pct
                      ? "; trial/time cap reached and no rate kept the loss "
                        "in range"
                      : "; trial/time cap reached";
        break;
    case VMTP_UDP_NO_TRAFFIC:
        break;
    }
    if (res->unstable) {
        how = "; the confirmation lost more than the range: the path or "
              "the hosts are unstable (loaded?)";
    }
    if (res->outcome == VMTP_UDP_NO_TRAFFIC) {
        n = snprintf(res->message, sizeof(res->message),
                     "no UDP datagram arrived at %.6g or %.6g Mbit/s: the "
                     "path drops UDP (firewall?); rate 0 after %d trials",
                     res->log[0].offered_bps / 1e6,
                     res->log[res->trials - 1].offered_bps / 1e6, res->trials);
    } else {
        n = snprintf(res->message, sizeof(res->message),
                     "%s: %.4g Mbit/s received at %.4g Mbit/s offered, loss "
                     "%.2f%% (range %g-%g%%), %d trials, %d s%s",
                     vmtp_udp_outcome_name(res->outcome), f->rx_bps / 1e6,
                     f->offered_bps / 1e6, f->loss_pct, p->loss_lo_pct,
                     p->loss_hi_pct, res->trials, res->total_s, how);
    }
    (void)n;
}

/*
 * A trial where nothing arrived before anything ever did: the first time,
 * set *rate to a low rate for one more try and return false; the second
 * time (or when no budget is left) end the search with NO_TRAFFIC.
 */
static bool
nothing_arrived(struct search *st, int idx, double *rate, int *zero_trials)
{
    const struct vmtp_udp_search_params *p = st->p;
    struct vmtp_udp_search_result *res = st->res;
    double e = effective(&res->log[idx]);

    (*zero_trials)++;
    if (*zero_trials >= 2 || *rate <= p->min_rate_bps ||
        !budget(st, p->trial_s, true)) {
        res->outcome = VMTP_UDP_NO_TRAFFIC;
        res->final = res->log[idx];
        res->rate_bps = 0;
        return true;
    }
    st->over = e < st->over ? e : st->over;
    *rate = e / 100 < NO_TRAFFIC_RETRY_MAX_BPS ? e / 100
                                               : NO_TRAFFIC_RETRY_MAX_BPS;
    *rate = *rate < p->min_rate_bps ? p->min_rate_bps : *rate;
    return false;
}

/*
 * Fold trial idx into the bracket. Returns true when the search is over
 * (res->outcome and *cand set).
 */
static bool
classify(struct search *st, int idx, int *cand)
{
    const struct vmtp_udp_search_params *p = st->p;
    struct vmtp_udp_search_result *res = st->res;
    const struct vmtp_udp_sample *s = &res->log[idx];
    double e = effective(s);
    double up_b;

    if (s->loss_pct <= p->loss_hi_pct &&
        (st->best_idx < 0 || e > effective(&res->log[st->best_idx]))) {
        st->best_idx = idx;
    }
    if (s->loss_pct > p->loss_hi_pct) {
        st->over = e < st->over ? e : st->over;
        st->over_rx = s->rx_bps > st->over_rx ? s->rx_bps : st->over_rx;
    } else if (s->loss_pct < p->loss_lo_pct) {
        if (e > st->under) {
            st->under = e;
            st->under_idx = idx;
        }
    } else {
        res->outcome = VMTP_UDP_FOUND;
        *cand = idx;
        return true;
    }
    up_b = st->over < st->cap ? st->over : st->cap;
    if (st->under > 0 && st->under >= up_b * (1 - p->resolution) &&
        st->under >= st->cap * (1 - p->resolution)) {
        res->outcome = VMTP_UDP_SENDER_LIMITED;
        *cand = st->under_idx;
        return true;
    }
    if (st->under > 0 && up_b / st->under <= 1 + p->resolution) {
        res->outcome = VMTP_UDP_CONVERGED;
        *cand = st->under_idx;
        return true;
    }
    return false;
}

/* The trial to report: the last confirmation if its loss is acceptable,
 * else the best acceptable confirmation, else the last one. */
static int
pick_final(const struct search *st, int last_conf, int best_conf, int cand)
{
    const struct vmtp_udp_search_result *res = st->res;

    if (last_conf >= 0 && res->log[last_conf].loss_pct <= st->p->loss_hi_pct) {
        return last_conf;
    }
    if (best_conf >= 0) {
        return best_conf;
    }
    return last_conf >= 0 ? last_conf : cand;
}

/*
 * The search proper: trials until a candidate (or a cap); returns the
 * candidate's index (-1: none) and leaves *rate at the next rate to try.
 */
static enum vmtp_status
search_candidate(struct search *st,
                 double *rate,
                 int *zero_trials,
                 int *cand,
                 bool *no_traffic,
                 struct vmtp_error *err)
{
    const struct vmtp_udp_search_params *p = st->p;
    struct vmtp_udp_search_result *res = st->res;
    enum vmtp_status rc;
    int idx = 0;

    *cand = -1;
    res->outcome = VMTP_UDP_CAPPED;
    while (budget(st, p->trial_s, true)) {
        const struct vmtp_udp_sample *s;

        rc = run_trial(st, *rate, p->trial_s, &idx, err);
        if (rc != VMTP_OK) {
            return rc;
        }
        s = &res->log[idx];
        if (sender_limited(s) && s->tx_bps < st->cap) {
            st->cap = s->tx_bps;
        }
        if ((s->rx_bps <= 0 || s->loss_pct >= 100) && st->best_idx < 0 &&
            st->under <= 0) {
            if (nothing_arrived(st, idx, rate, zero_trials)) {
                *no_traffic = true;
                return VMTP_OK;
            }
            continue;
        }
        if (classify(st, idx, cand)) {
            return VMTP_OK;
        }
        *rate = next_rate(st, s);
    }
    return VMTP_OK;
}

enum vmtp_status
vmtp_udp_search(const struct vmtp_udp_search_params *p,
                vmtp_udp_trial_fn *fn,
                void *ud,
                struct vmtp_udp_search_result *res,
                struct vmtp_error *err)
{
    struct search st = {
            .p = p,
            .fn = fn,
            .ud = ud,
            .res = res,
            .under = 0,
            .under_idx = -1,
            .over = INFINITY,
            .best_idx = -1,
    };
    enum vmtp_status rc;
    double rate;
    int cand = -1;
    int zero_trials = 0;
    int last_conf = -1;
    int best_conf = -1;
    bool no_traffic = false;

    memset(res, 0, sizeof(*res));
    res->zero_loss_rate_bps = NAN;
    rc = validate(p, err);
    if (rc != VMTP_OK) {
        return rc;
    }
    st.cap = p->max_rate_bps;
    /*
     * Without a first guess the first trial only finds how fast the
     * sender goes and what arrives: it comes on top of the cost budget.
     */
    st.bonus_cost_s = p->hint_bps > 0 ? 0 : trial_cost(p, p->trial_s);
    rate = p->hint_bps > 0 ? p->hint_bps * 1.04 : p->max_rate_bps;
    rate = rate < p->min_rate_bps ? p->min_rate_bps : rate;
    rate = rate > p->max_rate_bps ? p->max_rate_bps : rate;

    /*
     * Search a candidate, confirm it with a longer trial; a confirmation
     * outside the range goes into the bracket and the search goes on.
     * Every round runs at least one trial, so the caps end it.
     */
    for (;;) {
        bool capped;
        const struct vmtp_udp_sample *c;
        int idx = 0;
        int ignored = -1;

        rc = search_candidate(&st, &rate, &zero_trials, &cand, &no_traffic,
                              err);
        if (rc != VMTP_OK) {
            return rc;
        }
        if (no_traffic) {
            describe(res, p);
            return VMTP_OK;
        }
        capped = cand < 0;
        if (capped) {
            cand = st.best_idx >= 0 ? st.best_idx : least_loss(res);
        }
        if (cand < 0) {
            return vmtp_error_set(err, VMTP_E_INTERNAL,
                                  "UDP search ran no trial");
        }
        if (p->confirm_s <= 0 || !budget(&st, p->confirm_s, false)) {
            break;
        }
        rc = run_trial(&st, res->log[cand].offered_bps, p->confirm_s, &idx,
                       err);
        if (rc != VMTP_OK) {
            return rc;
        }
        last_conf = idx;
        c = &res->log[idx];
        if (c->loss_pct <= p->loss_hi_pct &&
            (best_conf < 0 || effective(c) > effective(&res->log[best_conf]))) {
            best_conf = idx;
        }
        if (capped ||
            (c->loss_pct >= p->loss_lo_pct && c->loss_pct <= p->loss_hi_pct)) {
            break;
        }
        if (res->outcome == VMTP_UDP_SENDER_LIMITED &&
            c->loss_pct <= p->loss_hi_pct) {
            break;
        }
        /* Not confirmed: the longer trial joins the bracket. */
        if (classify(&st, idx, &ignored)) {
            break;
        }
        rate = next_rate(&st, c);
    }
    res->final = res->log[pick_final(&st, last_conf, best_conf, cand)];
    res->rate_bps = res->final.offered_bps;
    /* only a confirmation can say the path is unstable */
    res->unstable = last_conf >= 0 && res->final.loss_pct > p->loss_hi_pct &&
                    res->outcome != VMTP_UDP_SENDER_LIMITED;
    if (p->zero_loss) {
        zero_loss_search(&st, NULL);
    }
    describe(res, p);
    return VMTP_OK;
}
