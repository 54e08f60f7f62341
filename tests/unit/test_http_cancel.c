/* \summary: unit tests of the HTTP client's cancel: reads abort, creates finish
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <vmtp/vmtp.h>

#include "http.h"
#include "internal.h"
#include "vmtp_test.h"
#include "vx_str.h"

/*
 * A one-connection HTTP server on loopback: it reads the request head,
 * cancels the client's context (as SIGINT would, while the request is in
 * flight), then either answers 201 (reply) or says nothing until the
 * client goes away. No timing is involved: the cancel happens strictly
 * after the request was sent and before any reply.
 */
struct srv {
    int lfd;
    int port;
    bool reply;
    struct vmtp_ctx *ctx;
    pthread_t th;
    atomic_int saw_request;
};

static void *
srv_main(void *p)
{
    struct srv *s = p;
    char buf[4096];
    size_t got = 0;
    int fd = accept(s->lfd, NULL, NULL);

    if (fd < 0) {
        return NULL;
    }
    while (got < sizeof(buf) - 1) {
        ssize_t n = read(fd, buf + got, sizeof(buf) - 1 - got);

        if (n <= 0) {
            break;
        }
        got += (size_t)n;
        buf[got] = '\0';
        if (strstr(buf, "\r\n\r\n") != NULL) {
            break;
        }
    }
    atomic_store(&s->saw_request, 1);
    vmtp_ctx_cancel(s->ctx);
    if (s->reply) {
        static const char r[] = "HTTP/1.1 201 Created\r\n"
                                "Content-Type: application/json\r\n"
                                "Content-Length: 11\r\n\r\n"
                                "{\"id\": \"x\"}";

        (void)write(fd, r, sizeof(r) - 1);
    }
    /* until the client closes (an abort, or after reading the reply) */
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
    (void)close(fd);
    return NULL;
}

static int
srv_start(struct srv *s, struct vmtp_ctx *ctx, bool reply)
{
    struct sockaddr_in a;
    socklen_t al = sizeof(a);

    memset(s, 0, sizeof(*s));
    s->ctx = ctx;
    s->reply = reply;
    s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(s->lfd, 1) != 0 ||
        getsockname(s->lfd, (struct sockaddr *)&a, &al) != 0) {
        return -1;
    }
    s->port = ntohs(a.sin_port);
    return pthread_create(&s->th, NULL, srv_main, s) == 0 ? 0 : -1;
}

static enum vmtp_status
one_request(const char *method, bool finish, bool reply, long *status)
{
    struct vmtp_ctx *ctx = vmtp_ctx_new();
    struct vmtp_http_opts o = {.timeout_ms = 60000, .max_retries = -1};
    struct vmtp_http *h;
    struct vmtp_http_resp resp;
    struct srv s;
    char url[64];
    struct vmtp_http_req req = {.method = method, .url = url};
    enum vmtp_status st;

    assert_non_null(ctx);
    assert_int_equal(srv_start(&s, ctx, reply), 0);
    (void)snprintf(url, sizeof(url), "http://127.0.0.1:%d/v2.0/ports", s.port);
    if (vx_streq(method, "POST")) {
        req.body = "{\"port\": {}}";
        req.body_len = strlen(req.body);
        req.no_retry = true;
    }
    req.finish_on_cancel = finish;
    h = vmtp_http_new(ctx, &o);
    assert_non_null(h);
    vmtp_http_resp_init(&resp);
    st = vmtp_http_do(h, &req, &resp);
    *status = resp.status;
    assert_int_equal(atomic_load(&s.saw_request), 1);
    vmtp_http_resp_release(&resp);
    vmtp_http_free(h);
    (void)pthread_join(s.th, NULL);
    (void)close(s.lfd);
    vmtp_ctx_free(ctx);
    return st;
}

/* A create already sent when the cancel comes runs to its end: its reply
 * (the new resource's id) is not lost. */
static void
test_post_finishes(void **state)
{
    long status = 0;

    (void)state;
    assert_int_equal(one_request("POST", true, true, &status), VMTP_OK);
    assert_int_equal(status, 201);
}

/* A POST that changes nothing (a token request) is aborted like a read:
 * a silent Keystone must not hold a SIGTERM up for the request timeout. */
static void
test_plain_post_aborts(void **state)
{
    long status = 0;

    (void)state;
    assert_int_equal(one_request("POST", false, false, &status),
                     VMTP_E_CANCELLED);
}

/* A read (list, poll, wait) is aborted at once, with no reply coming. */
static void
test_get_aborts(void **state)
{
    long status = 0;

    (void)state;
    assert_int_equal(one_request("GET", false, false, &status),
                     VMTP_E_CANCELLED);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_post_finishes),
            cmocka_unit_test(test_plain_post_aborts),
            cmocka_unit_test(test_get_aborts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
