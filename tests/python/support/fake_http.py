"""Base for the fake CRM / Slack servers used by the reverse-ETL tests.

A real HTTP(S) server on 127.0.0.1 (standard library only), one thread per connection,
with scripted faults: error statuses, a dropped connection before or after the request is
applied, and a "hold" that applies a request, signals the test, and never answers.
"""
from __future__ import annotations

import json
import ssl
from collections import Counter
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Fault:
    kind: str          # e.g. "503", "429", "drop", "drop_after", "hold_after", or server-specific kinds
    match: str         # request type it applies to, or "any"
    after: int = 0     # applies from matching request number after + 1 on (counted per request type)
    times: int = 1     # then apply to this many


@dataclass
class Reply:
    status: int
    body: Any = None                 # dict/list -> JSON; str/bytes sent as they are
    headers: dict[str, str] | None = None
    content_type: str = "application/json"
    action: str | None = None        # None | "drop" (close without answering) | "hold" (signal, wait, drop)


class FakeServer:
    """Subclasses implement route(method, path, headers, body) -> Reply."""

    def __init__(self, certfile: str | None = None, keyfile: str | None = None) -> None:
        self.lock = threading.RLock()
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []
        self.seen: Counter[str] = Counter()
        self.held = threading.Event()
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with fake.lock:
                    fake.requests.append((self.command, self.path))
                reply = fake.route(self.command, self.path, dict(self.headers), body)
                if reply.action == "hold":
                    fake.held.set()
                    fake.release.wait(60)
                    reply.action = "drop"
                if reply.action == "drop":
                    self.close_connection = True
                    return
                if isinstance(reply.body, (dict, list)):
                    payload = json.dumps(reply.body).encode()
                elif isinstance(reply.body, str):
                    payload = reply.body.encode()
                else:
                    payload = reply.body or b""
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in (reply.headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.scheme = "http"
        if certfile:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile, keyfile)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self.port = self.httpd.server_address[1]
        self.url = f"{self.scheme}://127.0.0.1:{self.port}"
        self._thread: threading.Thread | None = None

    def start(self) -> "FakeServer":
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def add_fault(self, kind: str, match: str = "any", after: int = 0, times: int = 1) -> None:
        with self.lock:
            self.faults.append(Fault(kind, match, after, times))

    def take_fault(self, request_type: str) -> str | None:
        """The fault (if any) that applies to this request; consumes it."""
        with self.lock:
            self.seen[request_type] += 1
            self.seen["any"] += 1
            for fault in self.faults:
                if fault.match not in (request_type, "any") or fault.times <= 0:
                    continue
                if self.seen[fault.match] <= fault.after:
                    continue
                fault.times -= 1
                return fault.kind
        return None

    def route(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        raise NotImplementedError
