#!/usr/bin/env python3
"""A tiny misbehaving OpenStack for the bad-input tests (test_os_fake.c).

Listens on 127.0.0.1 (kernel-chosen port; HTTPS when given CERT KEY
arguments), prints "listening on PORT",
and serves a Keystone v3 token whose catalog has compute and network but
NO image service, plus replies that are broken on purpose:
  GET  /compute/flavors/detail...   200 with malformed JSON
  GET  /network/v2.0/networks       200 with a wrong type (id: 5)
  GET  /network/v2.0/ports          503, 503, then a valid empty list
  GET  /compute/os-services         401 always (token "expired")
  GET  /compute/servers/detail      200 with an 8 KiB body (size cap)
  GET  /stats                       counters as JSON
A user named "short-lived" gets a token that expires 5 s from now.
Everything else: 404 with a Nova-style error.
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

hits = {}


def catalog(port):
    base = "%s://127.0.0.1:%d" % ("https" if len(sys.argv) == 3 else "http", port)
    return [
        {"type": "identity", "name": "keystone", "endpoints": [
            {"interface": "public", "region": "RegionOne", "region_id": "RegionOne",
             "url": base + "/v3"}]},
        {"type": "compute", "name": "nova", "endpoints": [
            {"interface": "public", "region": "RegionOne", "region_id": "RegionOne",
             "url": base + "/compute"}]},
        {"type": "network", "name": "neutron", "endpoints": [
            {"interface": "public", "region": "RegionOne", "region_id": "RegionOne",
             "url": base + "/network"}]},
    ]


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, code, body, headers=None, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def count(self):
        key = self.command + " " + self.path.split("?")[0]
        hits[key] = hits.get(key, 0) + 1
        return hits[key]

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        self.count()
        if self.path == "/v3/auth/tokens":
            req = json.loads(body)
            pw = req["auth"]["identity"]["password"]["user"]["password"]
            if pw != "right":
                self.reply(401, json.dumps({"error": {
                    "code": 401, "title": "Unauthorized",
                    "message": "The request you have made requires authentication."}}))
                return
            expires = "2099-01-01T00:00:00Z"
            if req["auth"]["identity"]["password"]["user"].get("name") == "short-lived":
                expires = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(time.time() + 5))
            tok = {"token": {"expires_at": expires,
                             "user": {"id": "u1", "name": "demo"},
                             "project": {"id": "p1", "name": "demo"},
                             "catalog": catalog(self.server.server_port)}}
            self.reply(201, json.dumps(tok), {"X-Subject-Token": "fake-token-%d" % hits["POST /v3/auth/tokens"]})
            return
        self.reply(404, '{"itemNotFound": {"code": 404, "message": "nope"}}')

    def do_GET(self):
        n = self.count()
        p = self.path.split("?")[0]
        if p == "/stats":
            self.reply(200, json.dumps(hits))
        elif p == "/compute/flavors/detail":
            self.reply(200, '{"flavors": [{"id": "1", "name": "m1"')
        elif p == "/network/v2.0/networks":
            self.reply(200, '{"networks": [{"id": "a", "name": "x"}, {"id": 5}]}')
        elif p == "/network/v2.0/ports":
            if n <= 2:
                self.reply(503, "<html><body><h1>503 Service Unavailable</h1>busy</body></html>",
                           ctype="text/html")
            else:
                self.reply(200, '{"ports": []}')
        elif p == "/compute/os-services":
            self.reply(401, '{"error": {"code": 401, "message": "token expired"}}')
        elif p == "/compute/servers/detail":
            self.reply(200, '{"servers": [], "pad": "%s"}' % ("x" * 8192))
        else:
            self.reply(404, '{"itemNotFound": {"code": 404, "message": "no such thing"}}')


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    if len(sys.argv) == 3:  # fake_os.py CERT KEY: serve HTTPS
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[1], sys.argv[2])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("listening on %d" % srv.server_port, flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
