/* \summary: bounded search of the highest UDP rate within a loss range */
#ifndef VMTP_CORE_UDP_SEARCH_H
#define VMTP_CORE_UDP_SEARCH_H

#include <stdbool.h>

#include <vmtp/vmtp.h>

/*
 * The UDP max-rate search (docs/udp-search.md). It is a pure function over
 * a trial callback, so it runs the same against a real tool or a simulated
 * link in a unit test.
 */

#define VMTP_UDP_SEARCH_MAX_TRIALS 64

/* What one trial at an offered rate measured. */
struct vmtp_udp_sample {
    double offered_bps; /* the rate asked for (filled by the search) */
    double tx_bps;      /* what the sender achieved; NAN when unknown */
    double rx_bps;      /* goodput at the receiver */
    double loss_pct;    /* datagrams lost / sent * 100 */
    double rx_pps;      /* datagrams received per second; NAN unknown */
    double jitter_ms;   /* NAN unknown */
    int duration_s;     /* filled by the search */
};

/*
 * Run one trial at rate_bps for duration_s seconds and fill *out (all
 * fields but offered_bps and duration_s). Return VMTP_OK, or an error
 * (set in err) that ends the search: a failed tool, VMTP_E_CANCELLED.
 */
typedef enum vmtp_status vmtp_udp_trial_fn(void *ud,
                                           double rate_bps,
                                           int duration_s,
                                           struct vmtp_udp_sample *out,
                                           struct vmtp_error *err);

struct vmtp_udp_search_params {
    double loss_lo_pct;  /* udp_loss_rate_range[0], default 2 */
    double loss_hi_pct;  /* udp_loss_rate_range[1], default 5 */
    double min_rate_bps; /* lowest rate tried, default 100 kbit/s */
    double max_rate_bps; /* highest rate tried, default 10 Gbit/s */
    double hint_bps;     /* first guess (e.g. TCP goodput); 0: none */
    int trial_s;         /* search trial length, default 1 */
    int confirm_s;       /* confirmation trial length, default 2; 0: none */
    int max_trials;      /* all trials, confirmation included; default 12 */
    int max_total_s;     /* sum of trial lengths; default 30 */
    /*
     * Wall-time budget: a trial of d seconds is taken to cost
     * d + trial_cost_s (the tool's fixed per-trial cost: start-up and
     * end-of-run handshake), and the search never plans trials whose
     * costs add up to more than max_cost_s. 0: no such budget (default).
     */
    double trial_cost_s;
    double max_cost_s;
    double resolution; /* stop when the bracket is this narrow: 0.02 */
    bool zero_loss;    /* also find the highest rate without loss */
};

enum vmtp_udp_outcome {
    VMTP_UDP_FOUND = 0,          /* loss within [lo, hi] at the rate */
    VMTP_UDP_CONVERGED = 1,      /* bracket narrowed to the resolution */
    VMTP_UDP_SENDER_LIMITED = 2, /* the sender's top rate loses < lo */
    VMTP_UDP_CAPPED = 3,         /* trial or time cap reached: best so far */
    VMTP_UDP_NO_TRAFFIC = 4,     /* everything was lost: rate 0 */
};

struct vmtp_udp_search_result {
    enum vmtp_udp_outcome outcome;
    double rate_bps;              /* offered rate of the reported trial */
    struct vmtp_udp_sample final; /* the reported (confirmation) trial */
    double zero_loss_rate_bps;    /* highest rate with no loss; NAN if none */
    bool unstable;                /* the confirmation lost more than hi */
    int trials;                   /* trials run */
    int total_s;                  /* sum of their lengths */
    double cost_s;                /* their estimated cost (see max_cost_s) */
    char message[256];            /* one line saying how it ended */
    struct vmtp_udp_sample log[VMTP_UDP_SEARCH_MAX_TRIALS];
};

/* Fill *p with the defaults above. */
void vmtp_udp_search_params_init(struct vmtp_udp_search_params *p);

/*
 * Search the highest offered rate whose loss is within [lo, hi] %.
 * Returns VMTP_OK with *res filled (also for NO_TRAFFIC, which reports a
 * rate of 0 and says so in res->message); VMTP_E_INVAL for bad params; or
 * the first error a trial returned (res then holds the trials so far).
 * Never runs more than p->max_trials trials, more than p->max_total_s
 * seconds of trials, nor (when p->max_cost_s > 0) trials whose estimated
 * cost adds up to more than p->max_cost_s.
 */
enum vmtp_status vmtp_udp_search(const struct vmtp_udp_search_params *p,
                                 vmtp_udp_trial_fn *fn,
                                 void *ud,
                                 struct vmtp_udp_search_result *res,
                                 struct vmtp_error *err);

/* Outcome as a word for results and logs ("found", "sender-limited", ...). */
const char *vmtp_udp_outcome_name(enum vmtp_udp_outcome o);

#endif
