/* \summary: SSH executor against real sshd hosts of tests/lab/netns-lab.sh */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "probe.h"
#include "remote.h"
#include "vmtp_test.h"
#include "vx_str.h"
#include "vx_time.h"

/*
 * Run by remote_lab.sh inside the lab's client namespace, with the lab's
 * env file in the environment (LAB_*). Every check that a remote process
 * or file is gone looks from inside the host's own PID and mount namespace
 * (netns-lab.sh host), so it sees exactly that host's processes and /tmp.
 */

/* Generous upper bound for "bounded time" checks; not a performance test. */
#define BOUND_US (90ull * 1000 * 1000)
/* Per-command timeout: generous, CI machines can be heavily loaded. */
#define RUN_MS 120000

static const char *
env(const char *name)
{
    const char *v = getenv(name);

    if (v == NULL) {
        fail_msg("missing %s (run through remote_lab.sh)", name);
    }
    return v;
}

static void
release_res(struct vmtp_exec_result *r)
{
    free(r->out);
    free(r->err);
    r->out = NULL;
    r->err = NULL;
}

static void
key_opts(struct vmtp_remote_opts *o, const char *user, const char *host)
{
    vmtp_remote_opts_init(o);
    o->user = user;
    o->host = host;
    o->key_file = env("LAB_KEY");
    o->known_hosts = env("LAB_KNOWN_HOSTS");
    o->use_agent = false;
    o->use_default_keys = false;
    o->connect_timeout_ms = 30000;
}

static struct vmtp_executor *
connect_root(int host)
{
    struct vmtp_remote_opts o;
    struct vmtp_executor *ex = NULL;
    struct vmtp_error err;
    char name[32];

    (void)snprintf(name, sizeof(name), "LAB_HOST%d_IP", host);
    key_opts(&o, "root", env(name));
    memset(&err, 0, sizeof(err));
    if (vmtp_remote_new(&o, &ex, &err) != VMTP_OK) {
        fail_msg("connect: %s", err.msg);
    }
    return ex;
}

/* One root session to host 1, shared by the tests that need no fresh one. */
static struct vmtp_executor *h1;

static int
group_setup(void **state)
{
    (void)state;
    h1 = connect_root(1);
    return h1 != NULL ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    if (h1 != NULL) {
        h1->ops->kill_all(h1);
        h1->ops->free(h1);
    }
    return 0;
}

/*
 * Run a shell command inside lab host `host` (its PID and mount
 * namespace) and return its stdout in buf.
 */
static int
on_host(int host, const char *cmd, char *buf, size_t bufsize)
{
    char line[1024];
    FILE *fp;
    size_t n;

    (void)snprintf(line, sizeof(line),
                   "'%s' host --prefix '%s' %d sh -c \"%s\"", env("LAB_SCRIPT"),
                   env("LAB_PREFIX"), host, cmd);
    fp = popen(line, "r");
    assert_non_null(fp);
    n = fread(buf, 1, bufsize - 1, fp);
    buf[n] = '\0';
    return pclose(fp);
}

/* True when a process whose command line contains `needle` runs on host. */
static bool
host_has_process(int host, const char *needle)
{
    char buf[8192];

    assert_int_equal(on_host(host, "ps -e -o args=", buf, sizeof(buf)), 0);
    return strstr(buf, needle) != NULL;
}

static bool
host_has_path(int host, const char *path)
{
    char cmd[512];
    char buf[64];

    (void)snprintf(cmd, sizeof(cmd), "test -e '%s' && echo yes || echo no",
                   path);
    assert_int_equal(on_host(host, cmd, buf, sizeof(buf)), 0);
    return strncmp(buf, "yes", 3) == 0;
}

static void
test_key_auth_runs_and_captures(void **state)
{
    const char *id[] = {"id", "-u", NULL};
    const char *both[] = {"sh", "-c", "echo out; echo err >&2; exit 3", NULL};
    struct vmtp_executor *ex = h1;
    struct vmtp_exec_result res;
    struct vmtp_error err;

    (void)state;
    assert_string_equal(ex->name, "root@198.18.0.11");
    assert_int_equal(ex->ops->run(ex, id, RUN_MS, &res, &err), VMTP_OK);
    assert_int_equal(res.exit_status, 0);
    assert_string_equal(res.out, "0\n");
    assert_string_equal(res.err, "");
    release_res(&res);
    assert_int_equal(ex->ops->run(ex, both, RUN_MS, &res, &err), VMTP_OK);
    assert_int_equal(res.exit_status, 3);
    assert_string_equal(res.out, "out\n");
    assert_string_equal(res.err, "err\n");
    assert_false(res.truncated);
    release_res(&res);
    ex->ops->kill_all(ex);
}

static void
test_output_is_capped(void **state)
{
    const char *big[] = {"sh", "-c", "yes | head -c 3000000", NULL};
    struct vmtp_executor *ex = h1;
    struct vmtp_exec_result res;
    struct vmtp_error err;

    (void)state;
    assert_int_equal(ex->ops->run(ex, big, RUN_MS, &res, &err), VMTP_OK);
    assert_true(res.truncated);
    assert_int_equal(strlen(res.out), VMTP_EXEC_MAX_OUTPUT);
    release_res(&res);
}

static void
test_password_auth(void **state)
{
    const char *who[] = {"id", "-un", NULL};
    struct vmtp_remote_opts o;
    struct vmtp_executor *ex = NULL;
    struct vmtp_exec_result res;
    struct vmtp_error err;

    (void)state;
    vmtp_remote_opts_init(&o);
    o.user = env("LAB_USER");
    o.host = env("LAB_HOST1_IP");
    o.password = env("LAB_PASSWORD");
    o.known_hosts = env("LAB_KNOWN_HOSTS");
    o.use_agent = false;
    o.use_default_keys = false;
    assert_int_equal(vmtp_remote_new(&o, &ex, &err), VMTP_OK);
    assert_int_equal(ex->ops->run(ex, who, RUN_MS, &res, &err), VMTP_OK);
    assert_string_equal(res.out, "vmtplab\n");
    release_res(&res);
    ex->ops->free(ex);
}

static void
test_default_keys_from_home_dir(void **state)
{
    const char *echo[] = {"echo", "default", NULL};
    char home[] = "/tmp/vt-ssh-home.XXXXXX";
    char cmd[1024];
    struct vmtp_remote_opts o;
    struct vmtp_executor *ex = NULL;
    struct vmtp_exec_result res;
    struct vmtp_error err;

    (void)state;
    assert_non_null(mkdtemp(home));
    (void)snprintf(cmd, sizeof(cmd),
                   "mkdir -m 700 '%s/.ssh' && cp '%s' '%s/.ssh/id_ed25519'",
                   home, env("LAB_KEY"), home);
    assert_int_equal(system(cmd), 0);
    key_opts(&o, "root", env("LAB_HOST1_IP"));
    o.key_file = NULL;
    o.use_default_keys = true;
    o.home_dir = home;
    assert_int_equal(vmtp_remote_new(&o, &ex, &err), VMTP_OK);
    assert_int_equal(ex->ops->run(ex, echo, RUN_MS, &res, &err), VMTP_OK);
    assert_string_equal(res.out, "default\n");
    release_res(&res);
    ex->ops->free(ex);
    ex = NULL;

    /* No key anywhere: a clear authentication error naming the methods. */
    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(vmtp_remote_new(&o, &ex, &err), VMTP_E_AUTH);
    assert_non_null(strstr(err.msg, "default keys"));
}

static void
test_agent_auth(void **state)
{
    const char *echo[] = {"echo", "agent", NULL};
    char sock[] = "/tmp/vt-ssh-agent.XXXXXX";
    char cmd[1024];
    char out[512];
    struct vmtp_remote_opts o;
    struct vmtp_executor *ex = NULL;
    struct vmtp_exec_result res;
    struct vmtp_error err;
    const char *errstr = NULL;
    char *p;
    long agent_pid;
    FILE *fp;
    size_t n;

    (void)state;
    assert_non_null(mkdtemp(sock));
    (void)snprintf(cmd, sizeof(cmd), "ssh-agent -s -a '%s/s'", sock);
    fp = popen(cmd, "r");
    assert_non_null(fp);
    n = fread(out, 1, sizeof(out) - 1, fp);
    out[n] = '\0';
    assert_int_equal(pclose(fp), 0);
    p = strstr(out, "SSH_AGENT_PID=");
    assert_non_null(p);
    p += strlen("SSH_AGENT_PID=");
    p[strcspn(p, ";")] = '\0';
    agent_pid = (long)vx_strtonum(p, 2, 1L << 22, &errstr);
    assert_null(errstr);
    (void)snprintf(cmd, sizeof(cmd), "%s/s", sock);
    assert_int_equal(setenv("SSH_AUTH_SOCK", cmd, 1), 0);
    (void)snprintf(cmd, sizeof(cmd), "ssh-add -q '%s' 2>/dev/null",
                   env("LAB_KEY"));
    assert_int_equal(system(cmd), 0);

    key_opts(&o, "root", env("LAB_HOST1_IP"));
    o.key_file = NULL;
    o.use_agent = true;
    assert_int_equal(vmtp_remote_new(&o, &ex, &err), VMTP_OK);
    assert_int_equal(ex->ops->run(ex, echo, RUN_MS, &res, &err), VMTP_OK);
    assert_string_equal(res.out, "agent\n");
    release_res(&res);
    ex->ops->free(ex);

    assert_int_equal(unsetenv("SSH_AUTH_SOCK"), 0);
    assert_int_equal(kill((pid_t)agent_pid, SIGTERM), 0);
    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sock);
    assert_int_equal(system(cmd), 0);
}

static void
test_wrong_password_is_clear_and_bounded(void **state)
{
    struct vmtp_remote_opts o;
    struct vmtp_executor *ex = NULL;
    struct vmtp_error err;
    uint64_t t0 = vx_now_us();

    (void)state;
    vmtp_remote_opts_init(&o);
    o.user = env("LAB_USER");
    o.host = env("LAB_HOST1_IP");
    o.password = "not-the-password";
    o.known_hosts = env("LAB_KNOWN_HOSTS");
    o.use_agent = false;
    o.use_default_keys = false;
    o.connect_attempts = 3; /* auth failures are not retried */
    assert_int_equal(vmtp_remote_new(&o, &ex, &err), VMTP_E_AUTH);
    assert_null(ex);
    assert_non_null(strstr(err.msg, "vmtplab@198.18.0.11"));
    assert_non_null(strstr(err.msg, "authentication failed"));
    assert_null(strstr(err.msg, "not-the-password"));
    assert_true(vx_now_us() - t0 < BOUND_US);
}

static void
test_unknown_host_key_refused_unless_accepted(void **state)
{
    char kh[] = "/tmp/vt-ssh-kh.XXXXXX";
    char buf[4096];
    struct vmtp_remote_opts o;
    struct vmtp_executor *ex = NULL;
    struct vmtp_error err;
    FILE *f;
    size_t n;
    int fd = mkstemp(kh);

    (void)state;
    assert_true(fd >= 0);
    (void)close(fd);
    key_opts(&o, "root", env("LAB_HOST2_IP"));
    o.known_hosts = kh;
    assert_int_equal(vmtp_remote_new(&o, &ex, &err), VMTP_E_SSH);
    assert_non_null(strstr(err.msg, "root@198.18.0.12"));
    assert_non_null(strstr(err.msg, "host key unknown"));
    assert_null(ex);

    o.accept_unknown_host_key = true;
    assert_int_equal(vmtp_remote_new(&o, &ex, &err), VMTP_OK);
    ex->ops->free(ex);
    ex = NULL;
    f = fopen(kh, "r");
    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    (void)fclose(f);
    assert_non_null(strstr(buf, "198.18.0.12 ssh-ed25519 "));

    /* Now known: accepted without the option. */
    o.accept_unknown_host_key = false;
    assert_int_equal(vmtp_remote_new(&o, &ex, &err), VMTP_OK);
    ex->ops->free(ex);
    (void)unlink(kh);
}

static void
test_changed_host_key_always_refused(void **state)
{
    char kh[] = "/tmp/vt-ssh-kh.XXXXXX";
    char path[512];
    char key[1024];
    struct vmtp_remote_opts o;
    struct vmtp_executor *ex = NULL;
    struct vmtp_error err;
    FILE *f;
    int fd = mkstemp(kh);

    (void)state;
    assert_true(fd >= 0);
    /* Record host 2's key under host 1's address. */
    (void)snprintf(path, sizeof(path), "%s/h2/ssh_host_ed25519_key.pub",
                   env("LAB_DIR"));
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(key, sizeof(key), f));
    (void)fclose(f);
    assert_true(dprintf(fd, "%s %s", env("LAB_HOST1_IP"), key) > 0);
    (void)close(fd);

    key_opts(&o, "root", env("LAB_HOST1_IP"));
    o.known_hosts = kh;
    o.accept_unknown_host_key = true; /* must not matter */
    assert_int_equal(vmtp_remote_new(&o, &ex, &err), VMTP_E_SSH);
    assert_null(ex);
    assert_non_null(strstr(err.msg, "root@198.18.0.11"));
    assert_non_null(strstr(err.msg, "CHANGED"));
    (void)unlink(kh);
}

static void
test_nothing_listening_is_refused(void **state)
{
    struct vmtp_remote_opts o;
    struct vmtp_executor *ex = NULL;
    struct vmtp_error err;
    uint64_t t0 = vx_now_us();

    (void)state;
    key_opts(&o, "root", env("LAB_HOST1_IP"));
    o.port = 2222;
    o.connect_attempts = 2;
    o.retry_delay_ms = 200;
    assert_int_equal(vmtp_remote_new(&o, &ex, &err), VMTP_E_CONNECT);
    assert_null(ex);
    assert_non_null(strstr(err.msg, "root@[198.18.0.11]:2222"));
    assert_non_null(strstr(err.msg, "refused"));
    assert_true(vx_now_us() - t0 < BOUND_US);
}

static void
test_unreachable_host_is_bounded(void **state)
{
    struct vmtp_remote_opts o;
    struct vmtp_executor *ex = NULL;
    struct vmtp_error err;
    uint64_t t0 = vx_now_us();
    enum vmtp_status st;

    (void)state;
    key_opts(&o, "root", env("LAB_UNREACHABLE_IP"));
    o.connect_timeout_ms = 2000;
    o.connect_attempts = 2;
    o.retry_delay_ms = 100;
    st = vmtp_remote_new(&o, &ex, &err);
    assert_true(st == VMTP_E_TIMEOUT || st == VMTP_E_CONNECT);
    assert_null(ex);
    assert_non_null(strstr(err.msg, "root@198.18.0.250"));
    assert_true(strstr(err.msg, "timed out") != NULL ||
                strstr(err.msg, "unreachable") != NULL);
    assert_true(vx_now_us() - t0 < BOUND_US);
}

static void
test_timeout_kills_remote_process(void **state)
{
    const char *slow[] = {"sleep", "301", NULL};
    struct vmtp_executor *ex = h1;
    struct vmtp_exec_result res;
    struct vmtp_error err;

    (void)state;
    assert_int_equal(ex->ops->run(ex, slow, 1000, &res, &err), VMTP_E_TIMEOUT);
    assert_non_null(strstr(err.msg, "root@198.18.0.11"));
    assert_non_null(strstr(err.msg, "timed out"));
    release_res(&res);
    assert_false(host_has_process(1, "sleep 301"));
}

static void
test_cancel_stops_run_and_remote_process(void **state)
{
    const char *slow[] = {"sleep", "303", NULL};
    struct vmtp_remote_opts o;
    struct vmtp_executor *ex = NULL;
    struct vmtp_exec_result res;
    struct vmtp_error err;
    atomic_int flag;

    (void)state;
    atomic_init(&flag, 0);
    key_opts(&o, "root", env("LAB_HOST1_IP"));
    o.cancel = &flag;
    assert_int_equal(vmtp_remote_new(&o, &ex, &err), VMTP_OK);
    atomic_store(&flag, 1); /* what a SIGINT handler would do */
    assert_int_equal(ex->ops->run(ex, slow, 60000, &res, &err),
                     VMTP_E_CANCELLED);
    release_res(&res);
    ex->ops->kill_all(ex); /* ignores the flag */
    ex->ops->free(ex);
    assert_false(host_has_process(1, "sleep 303"));
}

static void
check_upload_spawn_kill_all(int host)
{
    const char *argv[3] = {NULL, "304", NULL};
    struct vmtp_executor *ex = host == 1 ? h1 : connect_root(host);
    struct vmtp_error err;
    char *rpath = NULL;
    char *dir;
    long pid = 0;
    size_t npids;
    size_t ndirs;

    assert_int_equal(ex->ops->upload(ex, "/bin/sleep", &rpath, &err), VMTP_OK);
    assert_true(vx_startswith(rpath, "/tmp/vmtp."));
    assert_true(host_has_path(host, rpath));
    argv[0] = rpath;
    assert_int_equal(ex->ops->spawn(ex, argv, &pid, &err), VMTP_OK);
    assert_true(pid > 1);
    assert_true(host_has_process(host, "/sleep 304"));
    vmtp_remote_owned(ex, &npids, &ndirs);
    assert_int_equal(npids, 1);
    assert_int_equal(ndirs, 1);

    ex->ops->kill_all(ex);
    vmtp_remote_owned(ex, &npids, &ndirs);
    assert_int_equal(npids, 0);
    assert_int_equal(ndirs, 0);
    assert_false(host_has_process(host, "/sleep 304"));
    dir = strrchr(rpath, '/');
    *dir = '\0';
    assert_false(host_has_path(host, rpath));
    free(rpath);
    if (ex != h1) {
        ex->ops->free(ex);
    }
}

static void
test_upload_sftp_then_kill_all_leaves_nothing(void **state)
{
    (void)state;
    check_upload_spawn_kill_all(1);
}

static void
test_upload_scp_fallback_then_kill_all_leaves_nothing(void **state)
{
    (void)state;
    assert_string_equal(env("LAB_HOST2_SFTP"), "no");
    check_upload_spawn_kill_all(2);
}

static void
test_spawn_then_kill_one(void **state)
{
    const char *argv[] = {"sleep", "305", NULL};
    struct vmtp_executor *ex = h1;
    struct vmtp_error err;
    long pid = 0;

    (void)state;
    assert_int_equal(ex->ops->spawn(ex, argv, &pid, &err), VMTP_OK);
    assert_true(host_has_process(1, "sleep 305"));
    assert_int_equal(ex->ops->kill(ex, pid, &err), VMTP_OK);
    assert_false(host_has_process(1, "sleep 305"));
    assert_int_equal(ex->ops->kill(ex, 1, &err), VMTP_E_INVAL);
}

static void
test_quoting_injection_runs_nothing(void **state)
{
    const char *ls[] = {"ls", "eth0;touch /tmp/vt-ssh-mark1", NULL};
    const char *ip[] = {
            "ip", "addr", "show", "dev", "eth0$(touch /tmp/vt-ssh-mark2)",
            NULL};
    const char *echo[] = {"echo", "a'b;touch /tmp/vt-ssh-mark3;'", "`id`",
                          NULL};
    const char *sp[] = {"sleep", "1;touch /tmp/vt-ssh-mark4", NULL};
    struct vmtp_executor *ex = h1;
    struct vmtp_exec_result res;
    struct vmtp_error err;
    struct vmtp_host_addr addr;
    long pid = 0;

    (void)state;
    assert_int_equal(ex->ops->run(ex, ls, RUN_MS, &res, &err), VMTP_OK);
    assert_int_not_equal(res.exit_status, 0);
    release_res(&res);
    assert_int_equal(ex->ops->run(ex, ip, RUN_MS, &res, &err), VMTP_OK);
    assert_int_not_equal(res.exit_status, 0);
    release_res(&res);
    assert_int_equal(ex->ops->run(ex, echo, RUN_MS, &res, &err), VMTP_OK);
    assert_string_equal(res.out, "a'b;touch /tmp/vt-ssh-mark3;' `id`\n");
    release_res(&res);
    (void)ex->ops->spawn(ex, sp, &pid, &err);
    assert_int_not_equal(
            vmtp_probe_ifaddr(ex, "eth0;touch /tmp/vt-ssh-mark5", &addr, &err),
            VMTP_OK);
    ex->ops->kill_all(ex);
    assert_false(host_has_path(1, "/tmp/vt-ssh-mark1"));
    assert_false(host_has_path(1, "/tmp/vt-ssh-mark2"));
    assert_false(host_has_path(1, "/tmp/vt-ssh-mark3"));
    assert_false(host_has_path(1, "/tmp/vt-ssh-mark4"));
    assert_false(host_has_path(1, "/tmp/vt-ssh-mark5"));
    assert_false(host_has_path(1, "/tmp/x"));
}

static void
test_ipv6_host(void **state)
{
    const char *echo[] = {"echo", "v6", NULL};
    struct vmtp_remote_opts o;
    struct vmtp_executor *ex = NULL;
    struct vmtp_exec_result res;
    struct vmtp_error err;

    (void)state;
    key_opts(&o, "root", env("LAB_HOST1_IP6"));
    assert_int_equal(vmtp_remote_new(&o, &ex, &err), VMTP_OK);
    assert_string_equal(ex->name, "root@2001:db8::b");
    assert_int_equal(ex->ops->run(ex, echo, RUN_MS, &res, &err), VMTP_OK);
    assert_string_equal(res.out, "v6\n");
    release_res(&res);
    ex->ops->free(ex);
}

static void
test_probes_on_lab_host(void **state)
{
    struct vmtp_executor *ex = h1;
    struct vmtp_host_addr addr;
    struct vmtp_host_info info;
    struct vmtp_error err;

    (void)state;
    assert_int_equal(vmtp_probe_ifaddr(ex, "eth0", &addr, &err), VMTP_OK);
    assert_string_equal(addr.ipv4, "198.18.0.11");
    assert_string_equal(addr.ipv6, "2001:db8::b");
    assert_int_equal(vmtp_probe_ifaddr(ex, "nosuch0", &addr, &err),
                     VMTP_E_NOTFOUND);
    assert_non_null(strstr(err.msg, "nosuch0"));

    vmtp_host_info_init(&info);
    assert_int_equal(vmtp_probe_controller(ex, &info, &err), VMTP_OK);
    assert_true(vx_startswith(info.distro, "Debian GNU/Linux"));
    assert_non_null(strstr(info.cpu_info, " * "));
    /* No OpenStack in the lab: unknown, not a crash. */
    assert_string_equal(info.openstack_version, "Unknown");
    assert_string_equal(info.l2agent_type, "Unknown agent");
    assert_string_equal(info.encapsulation, "Unknown");
    vmtp_host_info_release(&info);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_key_auth_runs_and_captures),
            cmocka_unit_test(test_output_is_capped),
            cmocka_unit_test(test_password_auth),
            cmocka_unit_test(test_default_keys_from_home_dir),
            cmocka_unit_test(test_agent_auth),
            cmocka_unit_test(test_wrong_password_is_clear_and_bounded),
            cmocka_unit_test(test_unknown_host_key_refused_unless_accepted),
            cmocka_unit_test(test_changed_host_key_always_refused),
            cmocka_unit_test(test_nothing_listening_is_refused),
            cmocka_unit_test(test_unreachable_host_is_bounded),
            cmocka_unit_test(test_timeout_kills_remote_process),
            cmocka_unit_test(test_cancel_stops_run_and_remote_process),
            cmocka_unit_test(test_upload_sftp_then_kill_all_leaves_nothing),
            cmocka_unit_test(
                    test_upload_scp_fallback_then_kill_all_leaves_nothing),
            cmocka_unit_test(test_spawn_then_kill_one),
            cmocka_unit_test(test_quoting_injection_runs_nothing),
            cmocka_unit_test(test_ipv6_host),
            cmocka_unit_test(test_probes_on_lab_host),
    };

    if (getenv("LAB_PREFIX") == NULL) {
        (void)fprintf(stderr, "run through tests/integration/remote_lab.sh\n");
        return 77;
    }
    if (getenv("LAB_TEST_FILTER") != NULL) {
        cmocka_set_test_filter(getenv("LAB_TEST_FILTER"));
    }
    return cmocka_run_group_tests_name("remote_lab", tests, group_setup,
                                       group_teardown);
}
