"""urllib with a total deadline per request: connect, headers and body together, not per socket read.

A socket timeout bounds one read; a server that sends one byte every few seconds never trips it, so a
request given "5 s" can last for hours. Here the connection's socket is wrapped so that every read and
write waits at most what is left of the request's deadline (and of the command's, when one is given),
then raises TimeoutError. Used by every HTTP client newsmon runs itself (discover's fetcher, the scrapyd
API client); the crawl's own requests go through Scrapy (DOWNLOAD_TIMEOUT is a total there already).
"""

from __future__ import annotations

import functools
import http.client
import io
import math
import socket
import time
import urllib.request
from typing import Any

from newsmon.compat import socket_io_ref


class Deadline:
    """A point in time (monotonic clock) after which an operation is over; ``None`` seconds: never."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.at = math.inf if seconds is None else time.monotonic() + seconds

    def left(self) -> float:
        return self.at - time.monotonic()

    @property
    def passed(self) -> bool:
        return self.left() <= 0

    def within(self, seconds: float) -> Deadline:
        """A deadline ``seconds`` from now, or this one if it comes first (a request in a command)."""
        inner = Deadline(seconds)
        return inner if inner.at <= self.at else self


class DeadlineExceeded(TimeoutError):
    """The request's total time was spent (a slow-dripping server)."""


class _DeadlineSocket:
    """A socket whose every blocking call waits no longer than the deadline leaves (then TimeoutError)."""

    def __init__(self, sock: socket.socket, deadline: Deadline, per_call: float | None) -> None:
        self._sock = sock
        self._deadline = deadline
        self._per_call = per_call

    def _exceeded(self) -> DeadlineExceeded:
        return DeadlineExceeded(f"no complete answer within {self._deadline.seconds:g} s")

    def _call(self, method: Any, *args: Any) -> Any:
        left = self._deadline.left()
        if left <= 0:
            raise self._exceeded()
        wait = left if self._per_call is None else min(left, self._per_call)
        self._sock.settimeout(None if math.isinf(wait) else wait)
        try:
            return method(*args)
        except TimeoutError:
            if self._deadline.passed:
                raise self._exceeded() from None
            raise

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        return int(self._call(self._sock.recv_into, buffer, nbytes, flags))

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        return bytes(self._call(self._sock.recv, bufsize, flags))

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._call(self._sock.sendall, data, flags)

    def makefile(self, mode: str = "r", buffering: int | None = None, **_: Any) -> io.BufferedReader:
        """What http.client reads the response from: every read goes through recv_into above."""
        if mode != "rb":
            raise ValueError(f"unsupported mode {mode!r}")
        raw = socket.SocketIO(self, "rb")  # type: ignore[arg-type]
        socket_io_ref(self._sock)  # as socket.makefile: close() waits for it
        return io.BufferedReader(raw, buffering or io.DEFAULT_BUFFER_SIZE)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _Connection(http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        self.timeout = _capped(self.timeout, self._deadline)
        super().connect()
        self.sock = _DeadlineSocket(self.sock, self._deadline, _per_call(self.timeout))


class _SecureConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        self.timeout = _capped(self.timeout, self._deadline)
        super().connect()  # TCP and TLS handshake, each step within the capped timeout
        self.sock = _DeadlineSocket(self.sock, self._deadline, _per_call(self.timeout))


def _capped(timeout: Any, deadline: Deadline) -> Any:
    """The connection's timeout within what the deadline leaves (unchanged without a deadline)."""
    left = deadline.left()
    if left <= 0:
        raise DeadlineExceeded(f"no complete answer within {deadline.seconds:g} s")
    if math.isinf(left):
        return timeout
    return left if not isinstance(timeout, (int, float)) else min(float(timeout), left)


def _per_call(timeout: Any) -> float | None:
    return float(timeout) if isinstance(timeout, (int, float)) else None


class _Handler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_Connection, deadline=self._deadline), req)


class _SecureHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_SecureConnection, deadline=self._deadline), req)


def open_url(
    request: urllib.request.Request,
    deadline: Deadline,
    *handlers: urllib.request.BaseHandler,
) -> http.client.HTTPResponse:
    """``opener.open(request)`` where every socket call of the request, its redirects and the reading of
    the body keep to ``deadline`` (DeadlineExceeded, a TimeoutError, once it passes). ``request.timeout``
    style per-read limits are the deadline's own: the socket timeout is what is left of it."""
    opener = urllib.request.build_opener(_Handler(deadline), _SecureHandler(deadline), *handlers)
    timeout = max(deadline.left(), 0.001) if deadline.seconds is not None else socket.getdefaulttimeout()
    return opener.open(request, timeout=timeout)
