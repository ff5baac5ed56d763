"""A fault-injecting HTTP server on 127.0.0.1 (port 0): a small good site plus hostile routes.

Each route is a function of the request handler and how many times the path was hit (1 for the first
request), so a route can fail a few times and then recover. Every request is logged (host header and
path) so tests can assert what was, and was not, fetched. Routes may misbehave at the TCP level through
``handler.connection`` (hang, reset, cut the body short).
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Route = Callable[["FaultHandler", int], None]


@dataclass(frozen=True)
class Hit:
    host: str  # Host header as sent
    path: str  # path and query
    at: float  # time.monotonic()


class FaultHandler(BaseHTTPRequestHandler):
    server: FaultHTTPServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        path = self.path
        if path.startswith("http://") or path.startswith("https://"):
            path = urlsplit(path)._replace(scheme="", netloc="").geturl()
        hit = self.server.fault.record(self.headers.get("Host", ""), path)
        route = self.server.fault.routes.get(urlsplit(path).path)
        try:
            if route is None:
                self.send_body(404, b"<html><body><h1>Not found</h1></body></html>")
            else:
                route(self, hit)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def send_body(
        self,
        status: int,
        body: bytes,
        content_type: str | None = "text/html; charset=utf-8",
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send_body(status, b"", headers=[("Location", location)])

    def reset(self) -> None:
        """Close the connection with a TCP RST (SO_LINGER 0) instead of a FIN."""
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def hang(self, seconds: float) -> None:
        """Keep the connection open and silent (the server stops waiting when it shuts down)."""
        self.server.fault.stopping.wait(seconds)
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FaultHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    fault: FaultServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hang up on purpose in these tests


class FaultServer:
    """``with FaultServer(routes) as server:`` serves routes on http://127.0.0.1:<port>."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.hits: list[Hit] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self.httpd = FaultHTTPServer(("127.0.0.1", 0), FaultHandler)
        self.httpd.fault = self
        self.port: int = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(self, path: str) -> Callable[[Route], Route]:
        def register(func: Route) -> Route:
            self.routes[path] = func
            return func

        return register

    def record(self, host: str, path: str) -> int:
        with self._lock:
            self.hits.append(Hit(host, path, time.monotonic()))
            self._counts[urlsplit(path).path] += 1
            return self._counts[urlsplit(path).path]

    def count(self, path: str) -> int:
        with self._lock:
            return self._counts[path]

    def times(self, path: str) -> list[float]:
        with self._lock:
            return [hit.at for hit in self.hits if urlsplit(hit.path).path == path]

    def paths(self) -> set[str]:
        with self._lock:
            return {urlsplit(hit.path).path for hit in self.hits}

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
