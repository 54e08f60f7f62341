/* \summary: vmtp_genchart: one offline HTML page of charts from results */
/*
 * The original's interface (vmtp-behaviour.md 10): -c/--chart FILE,
 * -b/--browser, -p/--protocol all|tcp|udp, -v/--version, files. Without
 * -c the page goes to standard output (the original crashes). Exit
 * status: 0 done, 1 an input file is missing or malformed, the page
 * cannot be written or the browser cannot be started, 2 usage error.
 * docs/vmtp_genchart.1 is the manual.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmtp/result.h>
#include <vmtp/vmtp.h>

#include "vx_buf.h"

extern char **environ;

static const char usage_text[] =
        "usage: vmtp_genchart [-h] [-c <file>] [-b] [-p <all|tcp|udp|icmp>] "
        "[-v]\n"
        "                     <file> [<file> ...]\n";

static const char help_text[] =
        "\n"
        "VMTP Chart Generator: one self-contained HTML page (no network, no\n"
        "scripts) with the charts of one or more vmtp JSON results files,\n"
        "side by side.\n"
        "\n"
        "positional arguments:\n"
        "  <file>                vmtp json result file\n"
        "\n"
        "options:\n"
        "  -h, --help            show this help message and exit\n"
        "  -c <file>, --chart <file>\n"
        "                        create and save chart in html file\n"
        "                        (default: write the page to standard output)\n"
        "  -b, --browser         display (-c) chart in the browser ($BROWSER,\n"
        "                        else xdg-open); needs -c\n"
        "  -p <all|tcp|udp|icmp>, --protocol <all|tcp|udp|icmp>\n"
        "                        select protocols: all (default), tcp, udp,\n"
        "                        icmp\n"
        "  -v, --version         print version of this script and exit\n";

static int
parse_protocol(const char *arg, unsigned *out)
{
    static const struct {
        const char *name;
        unsigned bits;
    } names[] = {{"all", VMTP_CHART_ALL},
                 {"tcp", VMTP_CHART_TCP},
                 {"udp", VMTP_CHART_UDP},
                 {"icmp", VMTP_CHART_ICMP}};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcasecmp(arg, names[i].name) == 0) {
            *out = names[i].bits;
            return 0;
        }
    }
    return -1;
}

static int
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    size_t len = strlen(text);
    int e;

    if (f == NULL) {
        e = errno;
        (void)fprintf(stderr, "vmtp_genchart: cannot create '%s': %s\n", path,
                      strerror(e));
        return -1;
    }
    if (fwrite(text, 1, len, f) != len) {
        e = errno;
        (void)fclose(f);
        (void)fprintf(stderr, "vmtp_genchart: cannot write '%s': %s\n", path,
                      strerror(e));
        return -1;
    }
    if (fclose(f) != 0) {
        e = errno;
        (void)fprintf(stderr, "vmtp_genchart: cannot write '%s': %s\n", path,
                      strerror(e));
        return -1;
    }
    return 0;
}

/* "file://" + the absolute path, percent-encoding what a URL cannot hold. */
static char *
file_url(const char *path)
{
    char abs[PATH_MAX];
    struct vx_buf b;

    if (realpath(path, abs) == NULL) {
        return NULL;
    }
    vx_buf_init(&b, (size_t)4 * PATH_MAX);
    if (vx_buf_adds(&b, "file://") != 0) {
        return NULL;
    }
    for (const unsigned char *p = (const unsigned char *)abs; *p != '\0'; p++) {
        int rc;

        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("/-._~", *p) != NULL) {
            rc = vx_buf_add(&b, p, 1);
        } else {
            rc = vx_buf_addf(&b, "%%%02X", *p);
        }
        if (rc != 0) {
            return NULL;
        }
    }
    return vx_buf_take(&b);
}

/* Run argv; wait for it when `wait_exit` (xdg-open returns at once). */
static int
spawn(char *const *argv, int wait_exit, const char **why)
{
    pid_t pid;
    int status;
    int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);

    if (rc != 0) {
        *why = strerror(rc);
        return -1;
    }
    if (!wait_exit) {
        return 0;
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            *why = strerror(errno);
            return -1;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        *why = "it exited with an error";
        return -1;
    }
    return 0;
}

/*
 * Open `url` as $BROWSER says (a colon-separated list of commands, "%s"
 * standing for the URL, else the URL appended), else with xdg-open.
 */
static int
open_browser(char *url)
{
    const char *env = getenv("BROWSER");
    const char *why = "not tried";

    if (env != NULL && env[0] != '\0') {
        char *list = strdup(env);
        char *save = NULL;

        if (list == NULL) {
            return -1;
        }
        for (char *cmd = strtok_r(list, ":", &save); cmd != NULL;
             cmd = strtok_r(NULL, ":", &save)) {
            char *argv[34];
            char *save2 = NULL;
            int argc = 0;
            int used_url = 0;

            for (char *w = strtok_r(cmd, " \t", &save2); w != NULL && argc < 32;
                 w = strtok_r(NULL, " \t", &save2)) {
                if (strcmp(w, "%s") == 0) {
                    argv[argc++] = url;
                    used_url = 1;
                } else {
                    argv[argc++] = w;
                }
            }
            if (argc == 0) {
                continue;
            }
            if (!used_url) {
                argv[argc++] = url;
            }
            argv[argc] = NULL;
            if (spawn(argv, 0, &why) == 0) {
                free(list);
                return 0;
            }
            (void)fprintf(stderr,
                          "vmtp_genchart: cannot run '%s' from $BROWSER: %s\n",
                          argv[0], why);
        }
        free(list);
        return -1;
    }
    {
        char opener[] = "xdg-open";
        char *argv[] = {opener, url, NULL};

        if (getenv("DISPLAY") == NULL && getenv("WAYLAND_DISPLAY") == NULL) {
            (void)fprintf(stderr,
                          "vmtp_genchart: cannot open a browser: $BROWSER is "
                          "not set and there is no graphical session "
                          "($DISPLAY and $WAYLAND_DISPLAY are unset); open "
                          "%s yourself\n",
                          url);
            return -1;
        }
        if (spawn(argv, 1, &why) != 0) {
            (void)fprintf(stderr,
                          "vmtp_genchart: cannot open a browser with "
                          "xdg-open (%s) and $BROWSER is not set; open %s "
                          "yourself\n",
                          why, url);
            return -1;
        }
    }
    return 0;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
            {"chart", required_argument, NULL, 'c'},
            {"browser", no_argument, NULL, 'b'},
            {"protocol", required_argument, NULL, 'p'},
            {"version", no_argument, NULL, 'v'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
    };
    const char *chart = NULL;
    int browser = 0;
    unsigned protocols = VMTP_CHART_ALL;
    struct vmtp_results **docs = NULL;
    char *html = NULL;
    int nfiles;
    int rc = 1;
    int opt;

    while ((opt = getopt_long(argc, argv, "c:bp:vh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            chart = optarg;
            break;
        case 'b':
            browser = 1;
            break;
        case 'p':
            if (parse_protocol(optarg, &protocols) != 0) {
                (void)fprintf(stderr,
                              "vmtp_genchart: -p '%s': expected all, tcp, "
                              "udp or icmp\n%s",
                              optarg, usage_text);
                return 2;
            }
            break;
        case 'v':
            (void)printf("vmtp_genchart version %s\n", vmtp_version());
            return 0;
        case 'h':
            (void)printf("%s%s", usage_text, help_text);
            return 0;
        default:
            (void)fputs(usage_text, stderr);
            return 2;
        }
    }
    nfiles = argc - optind;
    if (nfiles < 1) {
        (void)fprintf(stderr,
                      "vmtp_genchart: at least one results file is "
                      "required\n%s",
                      usage_text);
        return 2;
    }
    if (browser && chart == NULL) {
        (void)fprintf(stderr, "vmtp_genchart: -b needs -c <file>\n%s",
                      usage_text);
        return 2;
    }
    /* An array of pointers. NOLINTNEXTLINE(bugprone-sizeof-expression) */
    docs = calloc((size_t)nfiles, sizeof(*docs));
    if (docs == NULL) {
        (void)fprintf(stderr, "vmtp_genchart: out of memory\n");
        return 1;
    }
    for (int i = 0; i < nfiles; i++) {
        struct vmtp_error err = {0};

        if (vmtp_results_load_file(argv[optind + i], &docs[i], &err) !=
            VMTP_OK) {
            (void)fprintf(stderr, "vmtp_genchart: %s\n", err.msg);
            goto out;
        }
    }
    {
        struct vmtp_error err = {0};

        if (vmtp_results_chart_html((const struct vmtp_results *const *)docs,
                                    (const char *const *)(argv + optind),
                                    (size_t)nfiles, protocols, &html,
                                    &err) != VMTP_OK) {
            (void)fprintf(stderr, "vmtp_genchart: %s\n", err.msg);
            goto out;
        }
    }
    if (chart == NULL) {
        if (fputs(html, stdout) == EOF || fflush(stdout) != 0) {
            (void)fprintf(stderr, "vmtp_genchart: cannot write the page: %s\n",
                          strerror(errno));
            goto out;
        }
        rc = 0;
        goto out;
    }
    (void)fprintf(stderr, "Generating chart drawing code to %s...\n", chart);
    if (write_file(chart, html) != 0) {
        goto out;
    }
    rc = 0;
    if (browser) {
        char *url = file_url(chart);

        if (url == NULL || open_browser(url) != 0) {
            rc = 1;
        }
        free(url);
    }
out:
    for (int i = 0; i < nfiles; i++) {
        vmtp_results_free(docs[i]);
    }
    free(docs);
    free(html);
    return rc;
}
