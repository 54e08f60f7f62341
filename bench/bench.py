#!/usr/bin/env python3
"""Side-by-side benchmark of vmtp-agent against iperf3, nuttcp, sockperf and
ping over a veth pair between two network namespaces (198.18.0.0/15).

Every round runs every comparison once, interleaved (the machine is shared
and noisy); the report gives the median over rounds and the ratios.
CPU is measured the same way for every tool: user+sys time of the client
and of a one-shot server process (wait4 rusage) over the test duration, in
percent of one core.

Usage (root): bench/bench.py [--agent PATH] [--rounds N] [--time S]
                             [--markdown FILE]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

# Namespace and veth names: PREFIX-ba / PREFIX-bb (--ns-prefix, default
# vt-ag), so that runs by different people on one machine do not collide.
NS_PREFIX = "vt-ag"
NS_A, NS_B = NS_PREFIX + "-ba", NS_PREFIX + "-bb"
IP_A, IP_B = "198.18.0.1", "198.18.0.2"


def sh(*cmd, check=True):
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


def setup():
    teardown()
    for n in (NS_A, NS_B):
        sh("ip", "netns", "add", n)
        sh("ip", "-n", n, "link", "set", "lo", "up")
    dev_a, dev_b = NS_A + "0", NS_B + "0"
    sh("ip", "link", "add", dev_a, "netns", NS_A, "type", "veth",
       "peer", "name", dev_b, "netns", NS_B)
    sh("ip", "-n", NS_A, "addr", "add", IP_A + "/24", "dev", dev_a)
    sh("ip", "-n", NS_B, "addr", "add", IP_B + "/24", "dev", dev_b)
    sh("ip", "-n", NS_A, "link", "set", dev_a, "up")
    sh("ip", "-n", NS_B, "link", "set", dev_b, "up")


def teardown():
    for n in (NS_A, NS_B):
        sh("ip", "netns", "del", n, check=False)


def spawn(ns, argv):
    return subprocess.Popen(["ip", "netns", "exec", ns] + argv,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def reap(p, timeout):
    """Wait for p; returns (stdout, cpu seconds user+sys)."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid == p.pid:
            break
        if time.monotonic() > deadline:
            p.kill()
            pid, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.02)
    p.returncode = os.waitstatus_to_exitcode(status)
    out = p.stdout.read()
    p.stdout.close()
    p.stderr.close()
    return out, ru.ru_utime + ru.ru_stime


def run_pair(server_argv, client_argv, dur, ready=None):
    """One-shot server in B, client in A. Returns (client out, server out,
    client cpu %, server cpu %)."""
    srv = spawn(NS_B, server_argv)
    if ready is not None:
        line = srv.stdout.readline()
        ready_port = ready(line)
        client_argv = [a.replace("{PORT}", ready_port) for a in client_argv]
    else:
        time.sleep(0.4)
    cli = spawn(NS_A, client_argv)
    cout, ccpu = reap(cli, dur + 60)
    sout, scpu = reap(srv, 15)
    return cout, sout, 100 * ccpu / dur, 100 * scpu / dur


def agent_ready(line):
    m = re.search(r":(\d+)$", line.strip())
    return m.group(1) if m else "0"


# ---- tests: each returns a dict of metrics ----

def t_agent_tcp(a, dur):
    out, _, cc, sc = run_pair([a.agent, "-s", "-1", "-p", "0", "-I", "60"],
                              [a.agent, "-c", IP_B, "-p", "{PORT}", "-t",
                               str(dur)], dur, agent_ready)
    d = json.loads(out)
    return {"gbps": d["throughput_bps"] / 1e9, "cpu_tx": cc, "cpu_rx": sc}


def t_iperf3_tcp(a, dur):
    out, _, cc, sc = run_pair(["iperf3", "-s", "-1", "-p", "5211"],
                              ["iperf3", "-c", IP_B, "-p", "5211", "-t",
                               str(dur), "-J"], dur)
    d = json.loads(out)
    return {"gbps": d["end"]["sum_received"]["bits_per_second"] / 1e9,
            "cpu_tx": cc, "cpu_rx": sc}


def t_nuttcp_tcp(a, dur):
    out, _, cc, sc = run_pair(["nuttcp", "-1", "--nofork", "-P5110",
                               "-p5111"],
                              ["nuttcp", "-T%d" % dur, "-P5110", "-p5111",
                               "-fparse", IP_B], dur)
    m = re.search(r"rate_Mbps=([\d.]+)", out)
    return {"gbps": float(m.group(1)) / 1e3, "cpu_tx": cc, "cpu_rx": sc}


def t_agent_udp(a, dur, size):
    out, _, cc, sc = run_pair([a.agent, "-s", "-1", "-p", "0", "-I", "60"],
                              [a.agent, "-c", IP_B, "-p", "{PORT}", "-t",
                               str(dur), "-u", "-b", "0", "-l", str(size)],
                              dur, agent_ready)
    d = json.loads(out)["udp"]
    return {"tx_kpps": d["packets_sent"] / dur / 1e3,
            "rx_kpps": d["packets_received"] / dur / 1e3,
            "cpu_tx": cc, "cpu_rx": sc}


def t_iperf3_udp(a, dur, size):
    out, _, cc, sc = run_pair(["iperf3", "-s", "-1", "-p", "5212"],
                              ["iperf3", "-c", IP_B, "-p", "5212", "-t",
                               str(dur), "-u", "-b", "0", "-l", str(size),
                               "-J"], dur)
    s = json.loads(out)["end"]["sum"]
    return {"tx_kpps": s["packets"] / dur / 1e3,
            "rx_kpps": (s["packets"] - s["lost_packets"]) / dur / 1e3,
            "cpu_tx": cc, "cpu_rx": sc}


def t_agent_rr(a, dur, mode):
    out, _, _, _ = run_pair([a.agent, "-s", "-1", "-p", "0", "-I", "60"],
                            [a.agent, "-c", IP_B, "-p", "{PORT}", "-t",
                             str(dur), "-m", mode, "-l", "64"], dur,
                            agent_ready)
    lat = json.loads(out)["latency"]
    return {"p50_us": lat["p50_us"], "p99_us": lat["p99_us"]}


def t_sockperf(a, dur, tcp):
    extra = ["--tcp"] if tcp else []
    srv = spawn(NS_B, ["sockperf", "sr", "-i", IP_B, "-p", "11311"] + extra)
    time.sleep(0.5)
    cli = spawn(NS_A, ["sockperf", "pp", "-i", IP_B, "-p", "11311", "-t",
                       str(dur), "-m", "64", "--full-rtt"] + extra)
    out, _ = reap(cli, dur + 60)
    srv.terminate()
    reap(srv, 10)
    pct = dict(re.findall(r"percentile (\d+\.\d+) =\s+([\d.]+)", out))
    return {"p50_us": float(pct["50.000"]), "p99_us": float(pct["99.000"])}


def t_ping(a, dur):
    n = int(dur * 100)
    cli = spawn(NS_A, ["ping", "-n", "-i", "0.01", "-c", str(n), "-s", "56",
                       IP_B])
    out, _ = reap(cli, dur + 60)
    rtts = sorted(float(x) * 1000 for x in re.findall(r"time=([\d.]+) ms",
                                                       out))
    return {"p50_us": rtts[len(rtts) // 2],
            "p99_us": rtts[min(len(rtts) - 1, int(len(rtts) * 0.99))]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agent", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "build", "src",
        "agent", "vmtp-agent"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--time", type=int, default=5)
    ap.add_argument("--markdown")
    ap.add_argument("--only", help="comma-separated groups: tcp, udp128, "
                    "udp1024, udp8192, udp_rr, tcp_rr")
    ap.add_argument("--ns-prefix", default=NS_PREFIX,
                    help="namespace/veth name prefix (at most 11 chars)")
    a = ap.parse_args()
    global NS_A, NS_B
    if len(a.ns_prefix) > 11:
        sys.exit("--ns-prefix: at most 11 characters (veth name limit)")
    NS_A, NS_B = a.ns_prefix + "-ba", a.ns_prefix + "-bb"
    a.agent = os.path.abspath(a.agent)
    dur = a.time
    tests = [
        ("tcp", "vmtp-agent", lambda: t_agent_tcp(a, dur)),
        ("tcp", "iperf3", lambda: t_iperf3_tcp(a, dur)),
        ("tcp", "nuttcp", lambda: t_nuttcp_tcp(a, dur)),
    ]
    for size in (128, 1024, 8192):
        tests += [
            ("udp%d" % size, "vmtp-agent",
             lambda s=size: t_agent_udp(a, dur, s)),
            ("udp%d" % size, "iperf3", lambda s=size: t_iperf3_udp(a, dur, s)),
        ]
    tests += [
        ("udp_rr", "vmtp-agent", lambda: t_agent_rr(a, dur, "udp_rr")),
        ("udp_rr", "sockperf", lambda: t_sockperf(a, dur, False)),
        ("tcp_rr", "vmtp-agent", lambda: t_agent_rr(a, dur, "tcp_rr")),
        ("tcp_rr", "sockperf", lambda: t_sockperf(a, dur, True)),
        ("udp_rr", "ping (ICMP)", lambda: t_ping(a, dur)),
    ]
    if a.only:
        keep = set(a.only.split(","))
        tests = [t for t in tests if t[0] in keep]
    results = {}
    a.load_before = os.getloadavg()
    setup()
    try:
        for r in range(a.rounds):
            # Rotate the order inside each group every round.
            for i, (group, tool, fn) in enumerate(tests):
                try:
                    m = fn()
                except Exception as e:  # one failed trial is reported
                    print(f"round {r + 1}: {group} {tool}: FAILED {e!r}",
                          file=sys.stderr)
                    continue
                results.setdefault((group, tool), []).append(m)
                print(f"round {r + 1}: {group:8} {tool:12} " +
                      " ".join(f"{k}={v:.3f}" for k, v in m.items()),
                      file=sys.stderr, flush=True)
    finally:
        teardown()
    a.load_after = os.getloadavg()
    report(results, a)


def paired(results, ka, kb, metric):
    """Median over rounds of the ratio of two tools measured back to back in
    the same round: less sensitive to the machine's load drifting between
    rounds than the ratio of the medians."""
    ra = [m[metric] for m in results.get(ka, [])]
    rb = [m[metric] for m in results.get(kb, [])]
    rs = [a / b for a, b in zip(ra, rb) if b > 0]
    return statistics.median(rs) if rs else float("nan")


def med(results, key, metric):
    vals = [m[metric] for m in results.get(key, [])]
    return statistics.median(vals) if vals else float("nan")


def report(res, a):
    lines = []
    w = lines.append
    w(f"rounds={a.rounds}, {a.time} s per trial, medians over rounds; "
      f"CPU = % of one core (client / server); load average (1/5/15 min) "
      f"before {'/'.join('%.1f' % x for x in a.load_before)}, after "
      f"{'/'.join('%.1f' % x for x in a.load_after)}, {os.cpu_count()} "
      f"CPUs\n")
    w("| test | vmtp-agent | iperf3 | nuttcp | ratio agent/iperf3 "
      "(median of per-round ratios) |")
    w("| --- | --- | --- | --- | --- |")
    ag, ip, nu = (("tcp", t) for t in ("vmtp-agent", "iperf3", "nuttcp"))
    for k in (ag, ip, nu):
        for m in res.get(k, []):
            m["cpu_per_gbps"] = (m["cpu_tx"] + m["cpu_rx"]) / max(m["gbps"],
                                                                  1e-9)
    def tcp_cell(k):
        return (f"{med(res, k, 'gbps'):.2f} Gbit/s, CPU "
                f"{med(res, k, 'cpu_tx'):.0f}% / {med(res, k, 'cpu_rx'):.0f}%"
                f" ({med(res, k, 'cpu_per_gbps'):.1f} %/Gbit/s)")
    if ag not in res:  # --only without tcp
        lines[-2:] = []
    else:
        w(f"| TCP 1 stream | {tcp_cell(ag)} | {tcp_cell(ip)} | "
          f"{tcp_cell(nu)} | {paired(res, ag, ip, 'gbps'):.2f}x Gbit/s, "
          f"{paired(res, ag, ip, 'cpu_per_gbps'):.2f}x CPU per Gbit/s; "
          f"vs nuttcp {paired(res, ag, nu, 'gbps'):.2f}x |")
    for size in (128, 1024, 8192):
        g = "udp%d" % size
        ka, ki = (g, "vmtp-agent"), (g, "iperf3")
        if ka not in res:
            continue
        def udp_cell(k):
            return (f"rx {med(res, k, 'rx_kpps'):.0f} kpps (tx "
                    f"{med(res, k, 'tx_kpps'):.0f}), CPU "
                    f"{med(res, k, 'cpu_tx'):.0f}% / "
                    f"{med(res, k, 'cpu_rx'):.0f}%")
        w(f"| UDP {size} B, -b 0 | {udp_cell(ka)} | {udp_cell(ki)} | | "
          f"rx {paired(res, ka, ki, 'rx_kpps'):.2f}x, "
          f"tx {paired(res, ka, ki, 'tx_kpps'):.2f}x |")
    w("")
    w("| latency (RTT, 64 B) | vmtp-agent p50 / p99 | reference p50 / p99 "
      "| p50 ratio (median of per-round ratios) |")
    w("| --- | --- | --- | --- |")
    for g, ref in (("udp_rr", "sockperf"), ("tcp_rr", "sockperf"),
                   ("udp_rr", "ping (ICMP)")):
        ka, kr = (g, "vmtp-agent"), (g, ref)
        w(f"| {g} vs {ref} | {med(res, ka, 'p50_us'):.1f} / "
          f"{med(res, ka, 'p99_us'):.1f} us | {med(res, kr, 'p50_us'):.1f} / "
          f"{med(res, kr, 'p99_us'):.1f} us | "
          f"{paired(res, ka, kr, 'p50_us'):.2f} |")
    w("")
    w("Per-round raw values: run with 2>&1 to see the 'round N:' lines.")
    text = "\n".join(lines)
    print(text)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    if os.geteuid() != 0:
        sys.exit("bench.py needs root (network namespaces)")
    main()
