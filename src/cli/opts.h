/* \summary: vmtp command line: option table, parser, masking, usage */
#ifndef VMTP_CLI_OPTS_H
#define VMTP_CLI_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct vmtp_ctx;

/* Exit codes (vmtp.1 EXIT STATUS). */
enum cli_exit {
    CLI_EXIT_OK = 0,       /* every flow measured */
    CLI_EXIT_MEASURE = 1,  /* a flow or step failed */
    CLI_EXIT_USAGE = 2,    /* usage or configuration error */
    CLI_EXIT_CLOUD = 3,    /* cloud / API error */
    CLI_EXIT_SSH = 4,      /* SSH / agent error */
    CLI_EXIT_INTERNAL = 5, /* internal error */
};

#define CLI_MAX_SETS 96

/* One configuration assignment taken from the command line. */
struct cli_set {
    const char *option;       /* long spelling, e.g. "--time" (static) */
    const char *short_option; /* "-t" or NULL (static) */
    const char *form;         /* accepted form, for messages (static) */
    const char *key;          /* configuration key, "hosts+" appends (static) */
    char *value;              /* owned; NULL sets null; wiped when secret */
    bool secret;
};

/* Everything the command line asked for. */
struct cli_opts {
    bool help;
    bool version;
    bool show_config;
    bool no_env;
    bool dry_run; /* --dry-run: validate, print the plan, start nothing */
    bool debug;
    bool quiet;
    bool cleanup;
    const char *config_file; /* -c: borrowed from argv */
    const char *rc_file;     /* -r */
    char *password;          /* -p: owned copy, wiped on release */
    const char *os_cloud;    /* --os-cloud */
    const char *cleanup_run_id;
    const char *log_file;
    size_t nhosts;
    size_t nhypervisors;
    struct cli_set sets[CLI_MAX_SETS]; /* in command-line order */
    size_t nsets;
};

/*
 * Parse argv. Returns 0, or CLI_EXIT_USAGE after printing a message that
 * names the option and the accepted form to `errf`. Stops at -h (help is
 * then set). Release *o with cli_opts_release() in both cases.
 */
int cli_parse(int argc, char *const *argv, struct cli_opts *o, FILE *errf);

/* Free what *o owns (wiping secrets). */
void cli_opts_release(struct cli_opts *o);

/*
 * Apply the command line's configuration assignments to ctx, in order.
 * Returns 0, or CLI_EXIT_USAGE after printing which option and value
 * (secrets left out) was refused and the accepted form.
 */
int cli_apply(struct vmtp_ctx *ctx, const struct cli_opts *o, FILE *errf);

/*
 * argv joined with spaces, with every password replaced by <MASKED>,
 * found by parsing the options (-p x, -px, --password=x, the password
 * part of --host/--external-host/--controller-node values, ...), for the
 * results' "args" field. Returns NULL when out of memory. Free with
 * free().
 */
char *cli_masked_args(int argc, char *const *argv);

/*
 * Overwrite the passwords inside argv's strings with '*' so they do not
 * stay visible in the process list. Call after cli_parse() copied them.
 */
void cli_scrub_argv(int argc, char **argv);

/* Print the help text (vmtp -h). */
void cli_usage(FILE *f);

#endif
