"""The replica on a real socket: a quiet threaded HTTP server on 127.0.0.1 that records every request."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple

from .app import HTML, Reply, handle
from .challenge import CHALLENGE_PAGE
from .model import FEED_MODES, Site, build_default_site


class RequestRecord(NamedTuple):
    method: str
    path: str  # the request target as sent: path and query
    headers: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 30  # idle keep-alive connections give up their thread
    replica: ReplicaServer  # set on the per-server subclass

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self, with_body: bool) -> None:
        headers = {k: v for k, v in self.headers.items()}
        self.replica._record(RequestRecord(self.command, self.path, headers))
        if self.replica.delay > 0:  # a slow site: crash tests kill a crawl in the middle
            time.sleep(self.replica.delay)
        reply: Reply = handle(self.replica.site, self.path, headers, feed_mode=self.replica.feed_mode)
        if self.replica.wall and not self.path.startswith("/robots.txt"):  # a site behind a bot wall
            reply = Reply(403, CHALLENGE_PAGE.encode("utf-8"), HTML, {"cf-mitigated": "challenge"})
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body and reply.body:
            self.wfile.write(reply.body)

    def do_GET(self) -> None:
        self._serve(with_body=True)

    def do_HEAD(self) -> None:
        self._serve(with_body=False)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for idle keep-alive connections

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up mid-response is not the replica's problem; no traceback on stderr


class ReplicaServer:
    """`with ReplicaServer() as replica:` serves the default site at replica.base_url until the block ends."""

    def __init__(
        self,
        site: Site | None = None,
        *,
        feed_mode: str = "ok",
        host: str = "127.0.0.1",
        port: int = 0,
        delay: float = 0.0,
        wall: bool = False,
    ) -> None:
        self.site = site if site is not None else build_default_site()
        self.feed_mode = feed_mode
        self.delay = delay  # seconds each request waits before its reply (settable while serving)
        self.wall = wall  # every page but robots.txt is a 403 JavaScript challenge (settable while serving)
        self._address = (host, port)
        self._requests: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self._httpd: _QuietServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def feed_mode(self) -> str:
        return self._feed_mode

    @feed_mode.setter
    def feed_mode(self, mode: str) -> None:
        if mode not in FEED_MODES:
            raise ValueError(f"unknown feed_mode {mode!r}; one of {', '.join(FEED_MODES)}")
        self._feed_mode = mode

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> ReplicaServer:
        if self._httpd is not None:
            return self
        handler = type("ReplicaHandler", (_Handler,), {"replica": self})
        self._httpd = _QuietServer(self._address, handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"replica-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("replica server is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self._address[0]}:{self.port}"

    # --- request log ---------------------------------------------------------------------------
    def _record(self, record: RequestRecord) -> None:
        with self._log_lock:
            self._requests.append(record)

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request so far, in arrival order (a copy)."""
        with self._log_lock:
            return list(self._requests)

    def count(self, path_prefix: str = "/", method: str | None = None) -> int:
        """Requests whose target (path and query) starts with path_prefix."""
        return sum(1 for r in self.requests if r.path.startswith(path_prefix) and method in (None, r.method))

    def clear_requests(self) -> None:
        with self._log_lock:
            self._requests.clear()
