"""Issue 20, case 5: a server that drips one byte every 2 s holds no newsmon command past its deadline.

A socket timeout bounds one read, and each byte comes well within it: before, `newsmon schedule --timeout 5`
was still running at 60 s and `newsmon discover` stuck on its first request at 90 s. Now every request
newsmon makes itself (newsmon/deadline.py) ends at its total time: the schedule at one --timeout, discover
at one --timeout per request (robots.txt, then the home page).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from newsmon.deadline import Deadline, DeadlineExceeded, open_url
from tests.crawl_helpers import ROOT
from tests.faults.server import FaultServer
from tests.forkserver import run_python

DRIP_EVERY = 2.0  # seconds between two bytes, below every per-read timeout used here
PREAMBLE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: "


def drip(h: Any, n: int) -> None:
    """A status line and then a header that never ends, one byte every DRIP_EVERY seconds."""
    h.close_connection = True
    for i in range(100_000):
        byte = PREAMBLE[i : i + 1] or b"x"
        h.wfile.write(byte)
        h.wfile.flush()
        if h.server.fault.stopping.wait(DRIP_EVERY):
            return


def dripping_server() -> FaultServer:
    server = FaultServer()
    for path in ("/", "/robots.txt", "/daemonstatus.json", "/listjobs.json", "/schedule.json"):
        server.routes[path] = drip
    return server


def run_cli(*args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": "/nonexistent"}
    started = time.monotonic()
    proc = run_python([sys.executable, "-m", "newsmon.cli", *args], env=env, timeout=timeout)
    return proc, time.monotonic() - started


def test_schedule_against_a_dripping_node_ends_at_its_timeout(tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    text = 'name = "alpha"\norigin = "https://example.org"\nfeeds = ["/feed/"]\ninterval = "1h"\n'
    (sites / "alpha.toml").write_text(text, encoding="utf-8")
    with dripping_server() as server:
        proc, seconds = run_cli(
            "schedule", "--scrapyd", server.base_url + "/", "--sites-dir", str(sites), "--timeout", "5"
        )
    assert seconds < 30, seconds  # one --timeout for the node's state, not forever (was: running at 60 s)
    assert proc.returncode == 69, proc.stderr  # EX_UNAVAILABLE: the node did not answer
    assert "daemonstatus.json: no answer within 5 s" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_discover_against_a_dripping_site_ends_at_its_timeouts(tmp_path: Path) -> None:
    with dripping_server() as server:
        proc, seconds = run_cli(
            "discover",
            server.base_url + "/",
            "--delay",
            "0",
            "--timeout",
            "5",
            "-o",
            str(tmp_path / "x.toml"),
        )
        asked = server.paths()
    assert seconds < 40, seconds  # robots.txt and the home page, 5 s each (was: stuck at 90 s)
    assert proc.returncode != 0
    assert asked >= {"/robots.txt", "/"}
    assert "no complete answer within 5 s" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x.toml").exists()


@pytest.mark.parametrize("command_seconds", [None, 1.5])
def test_a_request_ends_at_its_own_or_the_commands_deadline(command_seconds: float | None) -> None:
    """In process: the deadline holds across reads that each come in time, the command's when shorter."""
    with dripping_server() as server:
        command = Deadline(command_seconds)
        request = urllib.request.Request(server.base_url + "/robots.txt")
        started = time.monotonic()
        # DeadlineExceeded, or URLError wrapping it
        with pytest.raises(OSError) as caught, open_url(request, command.within(3.0)) as response:
            response.read()
        seconds = time.monotonic() - started
    reason = getattr(caught.value, "reason", caught.value)
    assert isinstance(reason, DeadlineExceeded | TimeoutError)
    assert seconds < (command_seconds or 3.0) + 10  # a safety margin: the deadline ends it, not a byte
    assert seconds >= (command_seconds or 3.0) - 0.5


def test_an_answer_in_time_is_read_whole() -> None:
    body = b'{"status": "ok"}' * 1000
    server = FaultServer()
    server.routes["/x"] = lambda h, n: h.send_body(200, body, "application/json")
    with server:
        request = urllib.request.Request(server.base_url + "/x")
        with open_url(request, Deadline(10)) as response:
            assert response.read() == body
