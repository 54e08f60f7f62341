#!/usr/bin/env bash
# Keep the manual pages from drifting away from the programs and the code:
#  - vmtp(1), vmtp_genchart(1): the options of `--help` and the options of
#    the man page's option list are the same set;
#  - vmtp-agent(1): the options of its `--help` list, the options of the
#    man page's option list and the long options of its getopt table in
#    src/agent/main.c are the same set (section 1, not 8: it is an
#    unprivileged client and server like iperf3(1), and issue 7 asks for
#    vmtp-agent(1));
#  - vmtp.conf(5): every key of src/lib/default_config.yaml (nested ones
#    as flavor.ram) has an item, and every item is a real key;
#  - libvmtp(3): its SYNOPSIS declares exactly the functions listed in
#    docs/libvmtp.symbols (which tools/check-symbols.sh ties to the .so).
#   tools/check-docs.sh BUILD_DIR
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: check-docs.sh BUILD_DIR}
tmp=$(mktemp -d /tmp/vmtp-check-docs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rc=0

"$build/src/cli/vmtp" -h >"$tmp/vmtp.help"
"$build/src/genchart/vmtp_genchart" --help >"$tmp/genchart.help"
"$build/src/agent/vmtp-agent" --help >"$tmp/agent.help" 2>&1 || true

python3 - "$top" "$tmp" <<'PY' || rc=1
import re, sys
top, tmp = sys.argv[1], sys.argv[2]
OPT = r"-{1,2}[A-Za-z0-9][A-Za-z0-9_-]*"
bad = 0

def help_option_lines(path):
    """Options of an argparse-style help: lines that start with '  -'."""
    opts = set()
    for line in open(path):
        if re.match(r"^  -", line):
            for m in re.finditer(r"(?:^  |, )(" + OPT + ")", line):
                opts.add(m.group(1))
    return opts

def man_items(path):
    """Each '.It Fl ...' item as the list of its option spellings."""
    items = []
    for line in open(path):
        if not line.startswith(".It Fl "):
            continue
        spell = []
        for m in re.finditer(r"Fl ((?:Fl )?-?[A-Za-z0-9][A-Za-z0-9_-]*)", line):
            tok = m.group(1)
            if tok.startswith("Fl "):  # "Fl Fl browser" is --browser
                tok = "-" + tok[3:]
            spell.append("-" + tok)
        items.append((line.strip(), spell))
    return items

def same_set(name, help_opts, items):
    global bad
    man = {s for _, sp in items for s in sp}
    for o in sorted(help_opts - man):
        print(f"check-docs: {name}: option {o} is in --help but not in the man page")
        bad += 1
    for o in sorted(man - help_opts):
        print(f"check-docs: {name}: option {o} is in the man page but not in --help")
        bad += 1
    print(f"check-docs: {name}: {len(help_opts)} options documented in both")

vmtp = help_option_lines(f"{tmp}/vmtp.help")
if len(vmtp) < 40:
    print(f"check-docs: vmtp: only {len(vmtp)} options found in vmtp -h"); bad += 1
same_set("vmtp(1)", vmtp, man_items(f"{top}/docs/vmtp.1"))
gc = help_option_lines(f"{tmp}/genchart.help")
if len(gc) < 8:
    print(f"check-docs: vmtp_genchart: only {len(gc)} options in --help"); bad += 1
same_set("vmtp_genchart(1)", gc, man_items(f"{top}/docs/vmtp_genchart.1"))

agent = help_option_lines(f"{tmp}/agent.help")
if len(agent) < 20:
    print(f"check-docs: vmtp-agent: only {len(agent)} options in --help"); bad += 1
same_set("vmtp-agent(1)", agent, man_items(f"{top}/docs/vmtp-agent.1"))
src = open(f"{top}/src/agent/main.c").read()
longs = {"--" + n for n in re.findall(r'\{"([a-z][a-z0-9-]*)", (?:no|required)_argument', src)}
for o in sorted(longs - agent):
    print(f"check-docs: vmtp-agent: getopt option {o} is not in --help"); bad += 1
for o in sorted({o for o in agent if o.startswith("--")} - longs):
    print(f"check-docs: vmtp-agent: --help names {o}, which getopt lacks"); bad += 1

# vmtp.conf(5) against the default configuration.
keys, parent = set(), None
for line in open(f"{top}/src/lib/default_config.yaml"):
    m = re.match(r"^([a-z_][a-z0-9_]*):", line)
    if m:
        parent = m.group(1); keys.add(parent); continue
    m = re.match(r"^  ([a-z_][a-z0-9_]*):", line)
    if m and parent:
        keys.add(parent + "." + m.group(1))
conf = set(re.findall(r"^\.It Cm ([a-z_][a-z0-9_.]*)", open(f"{top}/docs/vmtp.conf.5").read(), re.M))
for k in sorted(keys - conf):
    print(f"check-docs: vmtp.conf(5): key {k} of default_config.yaml is not documented"); bad += 1
for k in sorted(conf - keys):
    print(f"check-docs: vmtp.conf(5): documents {k}, which default_config.yaml lacks"); bad += 1
if len(keys) < 60:
    print(f"check-docs: only {len(keys)} keys found in default_config.yaml"); bad += 1
print(f"check-docs: vmtp.conf(5): {len(keys)} configuration keys documented")

# libvmtp(3) against the exported symbol list.
syms = {l.strip() for l in open(f"{top}/docs/libvmtp.symbols") if l.strip()}
text = open(f"{top}/docs/libvmtp.3").read()
syn = text.split(".Sh DESCRIPTION")[0]
fns = set(re.findall(r"^\.F[no] (vmtp_[a-z0-9_]+)", syn, re.M))
for f in sorted(syms - fns):
    print(f"check-docs: libvmtp(3): exported {f} is not in the SYNOPSIS"); bad += 1
for f in sorted(fns - syms):
    print(f"check-docs: libvmtp(3): SYNOPSIS declares {f}, which libvmtp.so does not export"); bad += 1
print(f"check-docs: libvmtp(3): {len(fns)} functions in the SYNOPSIS")
sys.exit(1 if bad else 0)
PY
exit "$rc"
