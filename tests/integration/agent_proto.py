#!/usr/bin/env python3
"""vmtp-agent control-protocol robustness: oversized frame, wrong version,
garbage, a silent client, a second client during a test. After each, the
server must answer with an error frame (or close on time) and still serve a
normal test. Runs on loopback. Usage: agent_proto.py path/to/vmtp-agent"""
import json
import os
import socket
import struct
import subprocess
import sys
import time

AGENT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get("VMTP_BUILD_ROOT", "."), "src/agent/vmtp-agent")
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok {passed} - {name}")
    else:
        failed += 1
        print(f"not ok - {name}\n#   {detail}")


def frame(obj_or_bytes):
    body = obj_or_bytes if isinstance(obj_or_bytes, bytes) else \
        json.dumps(obj_or_bytes).encode()
    return b"VMTF" + struct.pack(">I", len(body)) + body


def read_frame(s, timeout=5.0):
    """Returns (dict or None, closed_after)."""
    s.settimeout(timeout)
    buf = b""
    try:
        while len(buf) < 8:
            chunk = s.recv(8 - len(buf))
            if not chunk:
                return None
            buf += chunk
        magic, n = buf[:4], struct.unpack(">I", buf[4:8])[0]
        if magic != b"VMTF" or n > 65536:
            return None
        body = b""
        while len(body) < n:
            chunk = s.recv(n - len(body))
            if not chunk:
                return None
            body += chunk
        return json.loads(body)
    except (socket.timeout, ConnectionError):
        return None


def closed(s, timeout=5.0):
    s.settimeout(timeout)
    try:
        return s.recv(1) == b""
    except ConnectionError:
        return True
    except socket.timeout:
        return False


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def normal_test(port, extra=()):
    r = subprocess.run([AGENT, "-c", "127.0.0.1", "-p", str(port), "-t", "0.5",
                        *extra], capture_output=True, timeout=60, text=True)
    try:
        d = json.loads(r.stdout)
    except ValueError:
        d = {"status": "unparsable", "out": r.stdout, "err": r.stderr}
    return r.returncode, d


def main():
    srv = subprocess.Popen([AGENT, "-s", "-p", "0", "-B", "127.0.0.1",
                            "-T", "1000", "-I", "120", "-v"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    try:
        line = srv.stdout.readline()
        check("server prints 'listening on ADDR:PORT'",
              line.startswith("listening on 127.0.0.1:"), line)
        port = int(line.strip().rsplit(":", 1)[1])

        # Oversized frame: header announces 4 GiB.
        s = connect(port)
        s.sendall(b"VMTF\xff\xff\xff\xff")
        r = read_frame(s)
        check("oversized frame: error reply", r is not None and
              r.get("type") == "error" and "limit" in r.get("message", ""),
              r)
        check("oversized frame: connection closed", closed(s))
        s.close()

        # Just over the cap.
        s = connect(port)
        s.sendall(b"VMTF" + struct.pack(">I", 65537) + b"{" * 100)
        r = read_frame(s)
        check("frame of 65537 bytes refused",
              r is not None and r.get("type") == "error", r)
        s.close()

        # Wrong version.
        s = connect(port)
        s.sendall(frame({"type": "hello", "version": 99}))
        r = read_frame(s)
        check("wrong version: error code 'version' naming ours",
              r is not None and r.get("code") == "version" and
              r.get("version") == 1, r)
        check("wrong version: connection closed", closed(s))
        s.close()

        # Garbage (an HTTP request).
        s = connect(port)
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        r = read_frame(s)
        check("garbage: error reply", r is not None and
              r.get("type") == "error" and "magic" in r.get("message", ""), r)
        s.close()

        # A frame whose payload is not a flat JSON object.
        for body in [b'{"type":"hello","version":{"x":1}}', b'[1,2]',
                     b'{"type":"hello"', b'{"a":1,"a":2}',
                     b'{"type":"hello","version":1} trailing']:
            s = connect(port)
            s.sendall(frame(body))
            r = read_frame(s)
            check(f"bad payload {body[:24]!r}: error reply",
                  r is not None and r.get("type") == "error", r)
            s.close()

        # Valid hello, then a bad test request.
        s = connect(port)
        s.sendall(frame({"type": "hello", "version": 1}))
        r = read_frame(s)
        check("hello answered", r is not None and r.get("type") == "hello", r)
        s.sendall(frame({"type": "test", "mode": "warp", "len_bytes": 1,
                         "duration_ms": 100}))
        r = read_frame(s)
        check("unknown mode: error code 'param'",
              r is not None and r.get("code") == "param", r)
        s.close()

        # A client that connects and goes silent: timeout error, then close.
        s = connect(port)
        t0 = time.monotonic()
        r = read_frame(s, timeout=10)
        dt = time.monotonic() - t0
        check("silent client: timeout error", r is not None and
              r.get("code") == "timeout", r)
        check("silent client: dropped after the control timeout",
              closed(s) and dt < 9, dt)
        s.close()

        # A partial frame, then silence.
        s = connect(port)
        s.sendall(b"VMTF\x00\x00\x01\x00{\"type\"")
        r = read_frame(s, timeout=10)
        check("partial frame: timeout error",
              r is not None and r.get("code") == "timeout", r)
        s.close()

        rc, d = normal_test(port)
        check("after all that, a normal test still works",
              rc == 0 and d.get("status") == "ok", d)

        # A second client while a test runs gets 'busy'.
        busy = subprocess.Popen([AGENT, "-c", "127.0.0.1", "-p", str(port),
                                 "-t", "2", "-b", "10M"],
                                stdout=subprocess.PIPE, text=True)
        time.sleep(0.7)
        rc2, d2 = normal_test(port)
        out, _ = busy.communicate(timeout=60)
        d1 = json.loads(out)
        check("second client during a test: 'busy' error, exit 4",
              rc2 == 4 and "busy" in d2.get("error", ""), d2)
        check("the running test is not disturbed", d1.get("status") == "ok" and
              d1["bytes_received"] == d1["bytes_sent"], d1)

        check("server still alive", srv.poll() is None)
    finally:
        srv.terminate()
        try:
            _, err = srv.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            srv.kill()
            _, err = srv.communicate()
    warn_lines = [l for l in err.splitlines() if "warning" in l]
    check("every refusal logged", len(warn_lines) >= 10, err)
    check("server exited cleanly on SIGTERM (no crash)",
          srv.returncode in (0, -15), srv.returncode)
    print(f"# {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
