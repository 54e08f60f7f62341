#!/usr/bin/env python3
"""Check a vmtp results file of a native run field by field.

native_check.py FILE [--flows DESC,...] [--ip-to IP] [--ip-from IP,...]
                [--protocols TUI] [--tool PREFIX] [--tcp-sizes N,...]
                [--udp-sizes N,...] [--icmp-sizes N,...] [--controller]
                [--reverse] [--cpu-load] [--loops N]
Exits 1 with one line per problem.
"""
import argparse
import json
import re
import sys

p = argparse.ArgumentParser()
p.add_argument("file")
p.add_argument("--flows", default="Native intra-host,Native inter-host")
p.add_argument("--ip-to")
p.add_argument("--ip-from")
p.add_argument("--protocols", default="TUI")
p.add_argument("--tool", default="nuttcp-")
p.add_argument("--tcp-sizes", default="65536")
p.add_argument("--udp-sizes", default="128,1024,8192")
p.add_argument("--icmp-sizes", default="64,391,1500")
p.add_argument("--loops", type=int, default=1)
p.add_argument("--controller", action="store_true")
p.add_argument("--reverse", action="store_true")
p.add_argument("--cpu-load", action="store_true")
a = p.parse_args()
bad = []


def need(cond, msg):
    if not cond:
        bad.append(msg)


def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


doc = json.load(open(a.file))
for k in ("date", "args", "version", "run_id"):
    need(isinstance(doc.get(k), str) and doc[k], f"top: {k} missing")
need(re.fullmatch(r"[0-9a-f]{7}", doc.get("run_id", "")) is not None,
     "top: run_id is not 7 hex digits")
if a.controller:
    for k in ("distro", "cpu_info"):
        need(isinstance(doc.get(k), str) and doc[k], f"top: {k} missing")
flows = doc.get("flows", [])
want = a.flows.split(",")
need([f.get("desc") for f in flows] == want,
     f"flows: {[f.get('desc') for f in flows]} != {want}")
froms = a.ip_from.split(",") if a.ip_from else [None] * len(flows)
tcp = [int(x) for x in a.tcp_sizes.split(",")] if "T" in a.protocols else []
udp = [int(x) for x in a.udp_sizes.split(",")] if "U" in a.protocols else []
icmp = [int(x) for x in a.icmp_sizes.split(",")] if "I" in a.protocols else []
for i, f in enumerate(flows):
    w = f"flows[{i}] ({f.get('desc')})"
    need("error" not in f, f"{w}: error {f.get('error')}")
    for k in ("distro_id", "distro_version"):
        need(isinstance(f.get(k), str) and f[k], f"{w}: {k} missing")
    if a.ip_to:
        need(f.get("ip_to") == a.ip_to, f"{w}: ip_to {f.get('ip_to')}")
    if i < len(froms) and froms[i]:
        need(f.get("ip_from") == froms[i], f"{w}: ip_from {f.get('ip_from')}")
    res = f.get("results", [])
    dirs = 2 if a.reverse and f.get("desc") == "External-VM" else 1
    exp = ([("TCP", s) for s in tcp for _ in range(a.loops * dirs)]
           + [("UDP", s) for _ in range(dirs) for s in udp]
           + ([("ICMP", None)] if icmp else []))
    got = [(r.get("protocol"), r.get("pkt_size")) for r in res]
    need(got == exp, f"{w}: entries {got} != {exp}")
    for j, r in enumerate(res):
        e = f"{w}.results[{j}]"
        need("error" not in r, f"{e}: error {r.get('error')}")
        if r.get("protocol") == "ICMP":
            need(r.get("tool") == "ping", f"{e}: tool {r.get('tool')}")
            sizes = [x.get("packet_size") for x in r.get("results", [])]
            need(sizes == icmp, f"{e}: sizes {sizes} != {icmp}")
            for x in r.get("results", []):
                need(x.get("tx_packets", 0) >= 1, f"{e}: tx_packets")
                need(x.get("rx_packets", 0) >= 1, f"{e}: rx_packets")
                for k in ("rtt_min_ms", "rtt_avg_ms", "rtt_max_ms"):
                    need(num(x.get(k)) and x[k] > 0, f"{e}: {k} {x.get(k)}")
                need(x.get("rtt_min_ms", 0) <= x.get("rtt_avg_ms", 0)
                     <= x.get("rtt_max_ms", 0), f"{e}: min<=avg<=max")
            continue
        need(str(r.get("tool", "")).startswith(a.tool),
             f"{e}: tool {r.get('tool')} not {a.tool}*")
        need(num(r.get("throughput_kbps")) and r["throughput_kbps"] > 0,
             f"{e}: throughput_kbps {r.get('throughput_kbps')}")
        if r.get("protocol") == "UDP":
            need(num(r.get("loss_rate")) and 0 <= r["loss_rate"] <= 100,
                 f"{e}: loss_rate {r.get('loss_rate')}")
        if r.get("protocol") == "TCP":
            need("loss_rate" not in r, f"{e}: TCP with loss_rate")
        if "retrans" in r:
            need(isinstance(r["retrans"], int) and r["retrans"] > 0,
                 f"{e}: retrans {r['retrans']}")
        cl = r.get("cpu_load")
        if a.cpu_load:
            ok = isinstance(cl, dict) and cl and all(
                isinstance(v, list) and v and all(num(x) and x >= 0 for x in v)
                for v in cl.values())
            need(ok, f"{e}: cpu_load {cl}")
        else:
            need(cl is None, f"{e}: unexpected cpu_load")
        if "tool_cpu_pct" in r:
            need(isinstance(r["tool_cpu_pct"], dict), f"{e}: tool_cpu_pct")
for b in bad:
    print("native_check:", b)
sys.exit(1 if bad else 0)
