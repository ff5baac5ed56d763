"""Ports for tests that need nothing to answer.

A port that was free a moment ago is a race under pytest-xdist: another worker's server on port 0 may be
given it before the crawl connects, and the "down" site answers. A socket bound but not listening keeps
the port taken for the whole test process and still refuses connections (the kernel answers RST).
"""

from __future__ import annotations

import socket

_held: list[socket.socket] = []  # open until the test process ends


def refused_port() -> int:
    """A 127.0.0.1 port that refuses every connection for as long as this process lives."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    _held.append(sock)
    return int(sock.getsockname()[1])
