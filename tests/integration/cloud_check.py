#!/usr/bin/env python3
"""Check a vmtp results file of a cloud run flow by flow.

cloud_check.py FILE --flows DESC;DESC... [--az-to AZ] [--az-from AZ,...]
               [--v6] [--protocols TUI] [--encapsulation X]
               [--fail-flows I,J --error-like REGEX]
Every flow must carry desc (in this order), ip_from/ip_to, az_from/az_to
(VM flows only: none on External-VM and Native flows), no error, TCP and
UDP throughput > 0 and an ICMP entry with an RTT. The flows numbered in
--fail-flows (from 0) must instead have failed: a flow error, or a result
error, or ICMP without any reply, whose text matches --error-like. Exits 1
with one line per problem.
"""
import argparse
import ipaddress
import json
import re
import sys

p = argparse.ArgumentParser()
p.add_argument("file")
p.add_argument("--flows", required=True)
p.add_argument("--az-to")
p.add_argument("--az-from")
p.add_argument("--v6", action="store_true",
               help="fixed-IP flows go over IPv6")
p.add_argument("--protocols", default="TUI")
p.add_argument("--fail-flows", default="")
p.add_argument("--error-like", default=".")
a = p.parse_args()
fail_flows = {int(x) for x in a.fail_flows.split(",") if x != ""}
bad = []


def need(cond, msg):
    if not cond:
        bad.append(msg)


def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


d = json.load(open(a.file))
want = a.flows.split(";")
got = [f.get("desc") for f in d.get("flows", [])]
need(got == want, "flows %r, want %r" % (got, want))
for k in ("date", "args", "version", "run_id", "auth_url", "l2agent_type"):
    need(isinstance(d.get(k), str) and d[k], "top-level %s missing" % k)
az_from = a.az_from.split(",") if a.az_from else None
def failure(f):
    """The flow's failure text, or None."""
    if f.get("error"):
        return str(f["error"])
    res = f.get("results", [])
    if isinstance(res, str):  # the original's bare-string shape
        return res
    for r in res:
        if r.get("error"):
            return str(r["error"])
        if r.get("protocol") == "ICMP":
            st = r.get("results") or []
            if st and all(s.get("error") or int(s.get("rx_packets") or 0) <= 0
                          for s in st):
                return str(st[0].get("error") or "no ping reply")
    return None


for i, f in enumerate(d.get("flows", [])):
    w = "flow %d (%s)" % (i + 1, f.get("desc"))
    if i in fail_flows:
        why = failure(f)
        need(why is not None, w + ": did not fail")
        need(why is None or re.search(a.error_like, why),
             "%s: error %r does not match %r" % (w, why, a.error_like))
        continue
    need("error" not in f, "%s: error %r" % (w, f.get("error")))
    for k in ("ip_from", "ip_to"):
        try:
            ipaddress.ip_address(f.get(k, ""))
        except ValueError:
            bad.append("%s: %s %r is not an address" % (w, k, f.get(k)))
    if f.get("desc") == "External-VM" or f.get("desc", "").startswith("Native"):
        need("az_from" not in f and "az_to" not in f, w + ": az_* on a host flow")
    else:
        need(isinstance(f.get("az_from"), str), w + ": az_from missing")
        need(isinstance(f.get("az_to"), str), w + ": az_to missing")
        if a.az_to:
            need(f.get("az_to") == a.az_to,
                 "%s: az_to %r, want %r" % (w, f.get("az_to"), a.az_to))
        if az_from:
            need(f.get("az_from") == az_from[min(i, len(az_from) - 1)],
                 "%s: az_from %r" % (w, f.get("az_from")))
        ip_to = f.get("ip_to", "")
        if "fixed IP" in f.get("desc", ""):
            need((":" in ip_to) == a.v6,
                 "%s: ip_to %s, want IPv%d" % (w, ip_to, 6 if a.v6 else 4))
            need((":" in f.get("ip_from", "")) == a.v6,
                 "%s: ip_from %s" % (w, f.get("ip_from")))
    res = f.get("results", [])
    protos = [r.get("protocol") for r in res]
    for letter, name in (("T", "TCP"), ("U", "UDP"), ("I", "ICMP")):
        if letter in a.protocols:
            need(name in protos, "%s: no %s entry" % (w, name))
    for r in res:
        need("error" not in r, "%s: %s error %r" % (w, r.get("protocol"),
                                                   r.get("error")))
        if r.get("protocol") in ("TCP", "UDP"):
            need(num(r.get("throughput_kbps")) and r["throughput_kbps"] > 0,
                 "%s: %s throughput %r" % (w, r["protocol"],
                                           r.get("throughput_kbps")))
        if r.get("protocol") == "ICMP":
            st = r.get("results") or []
            need(len(st) > 0, w + ": ICMP without sizes")
            for s in st:
                need(float(s.get("rtt_avg_ms", 0) or 0) > 0,
                     "%s: ICMP %s rtt %r" % (w, s.get("packet_size"),
                                             s.get("rtt_avg_ms")))
for b in bad:
    print(b)
print("%d flows checked, %d problems" % (len(got), len(bad)))
sys.exit(1 if bad else 0)
