"""A quiet threaded HTTP server on 127.0.0.1 (port 0 by default) for a test site, logging every request.

The replica and the other test sites are handlers on it: request target and headers in, a reply out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple, Protocol


class Reply(Protocol):
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str]


Handler = Callable[[str, Mapping[str, str]], Reply]  # (request target, request headers) -> reply


class RequestRecord(NamedTuple):
    method: str
    path: str  # the request target as sent: path and query
    headers: dict[str, str]


HOLD_SAFETY = 120.0  # seconds a held request waits at most (a test that forgot to let it go)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 30  # idle keep-alive connections give up their thread
    owner: SiteServer  # set on the per-server subclass

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: no stderr line per request

    def _serve(self, with_body: bool) -> None:
        headers = dict(self.headers.items())
        self.owner._record(RequestRecord(self.command, self.path, headers))
        if not self.owner.answering.is_set():  # held: the crawl stays mid-run until the test lets it go
            self.owner.answering.wait(HOLD_SAFETY)
        if self.owner.delay > 0:  # a slow site: crash tests kill a crawl in the middle
            time.sleep(self.owner.delay)
        reply = self.owner.respond(self.path, headers)
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
        pass  # a client hanging up mid-response is not the site's problem; no traceback on stderr


class SiteServer:
    """`with SiteServer(handler) as server:` serves at server.base_url until the block ends."""

    def __init__(
        self, handler: Handler | None = None, *, host: str = "127.0.0.1", port: int = 0, delay: float = 0.0
    ) -> None:
        self.handler = handler
        self.delay = delay  # seconds each request waits before its reply (settable while serving)
        # cleared: each request waits (its arrival already recorded) until it is set again
        self.answering = threading.Event()
        self.answering.set()
        self._address = (host, port)
        self._requests: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._httpd: _QuietServer | None = None
        self._thread: threading.Thread | None = None

    def respond(self, target: str, headers: Mapping[str, str]) -> Reply:
        assert self.handler is not None, "a SiteServer needs a handler (or a subclass overriding respond)"
        return self.handler(target, headers)

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> SiteServer:
        if self._httpd is None:
            handler = type("SiteHandler", (_RequestHandler,), {"owner": self})
            self._httpd = _QuietServer(self._address, handler)
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
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

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self._address[0]}:{self.port}"

    # --- request log ---------------------------------------------------------------------------
    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self._requests.append(record)

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request so far, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    def paths(self) -> list[str]:
        """The path (query dropped) of every GET so far, in arrival order."""
        return [r.path.split("?", 1)[0] for r in self.requests if r.method == "GET"]

    def count(self, path_prefix: str = "/", method: str | None = None) -> int:
        """Requests whose target (path and query) starts with path_prefix."""
        return sum(1 for r in self.requests if r.path.startswith(path_prefix) and method in (None, r.method))

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[ThreadingHTTPServer]:
    """A test's own request handler class (POST, custom replies) served on a free 127.0.0.1 port, in a
    thread, until the block ends: for what SiteServer's GET/HEAD reply functions cannot express."""
    server = _QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
