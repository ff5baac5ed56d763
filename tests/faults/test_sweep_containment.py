"""Issue 20 acceptance: one sweep (`scrapy sweep all`) with a hostile site of each kind beside
two good sites: a catastrophic hub pattern with a 1,500-character "Read also" link (1), a FIFO named
`x.toml` (2), `interval = "99999999999999d"` (3), a server that drips one byte every 2.5 s (5). The good
sites come out whole, the sweep exits non-zero and names each bad site on one line; SIGTERM ends it
within 10 s. Generated sites (bench/site_farm.py) and fault servers, all on loopback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.site_farm import SiteFarm
from tests.crawl_helpers import ROOT, read_jsonl
from tests.faults.pages import listing_html
from tests.faults.server import FaultHandler, FaultServer, Hit
from tests.faults.test_site_files import GOOD, LONG, SLOW_HUB_PATTERN, page
from tests.forkserver import run_python

pytestmark = pytest.mark.crawl

DRIP_EVERY = 2.5  # seconds between two bytes
SETTINGS = (
    "AUTOTHROTTLE_ENABLED=False", "RETRY_TIMES=1", "DOWNLOAD_TIMEOUT=5", "NEWSMON_TIER_MODE=plain",
    "NEWSMON_TIERS_ENABLED=False",
)  # fmt: skip


def drip(handler: FaultHandler, _: Hit) -> None:
    """The whole reply, status line included, one byte every DRIP_EVERY seconds: no read ever times out."""
    body = b"<html><body><p>slow</p></body></html>"
    reply = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    for byte in reply:
        if handler.server.fault.stopping.wait(DRIP_EVERY):
            break
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
    handler.close_connection = True


@pytest.fixture(scope="module")
def hostile() -> Iterator[tuple[FaultServer, FaultServer]]:
    regex = FaultServer()
    regex.routes["/category/news/"] = lambda h, n: h.send_body(200, listing_html(list(GOOD)))
    regex.routes[GOOD[0]] = lambda h, n: h.send_body(
        200, page("First good", read_also=((LONG, "A long related link"),))
    )
    regex.routes[GOOD[1]] = lambda h, n: h.send_body(200, page("Second good"))
    regex.routes[LONG] = lambda h, n: h.send_body(200, page("The long one"))
    dripping = FaultServer()
    for path in ("/", "/robots.txt", "/category/news/", "/feed/"):
        dripping.routes[path] = drip
    with regex, dripping:
        yield regex, dripping


def write_hostile_sites(sites: Path, regex: FaultServer, dripping: FaultServer) -> None:
    (sites / "slowregex.toml").write_text(
        f'name = "slowregex"\norigin = "{regex.base_url}"\ncategories = ["/category/news/"]\n'
        f"article_pattern = '^/2026/'\nhub_patterns = ['{SLOW_HUB_PATTERN}']\n",
        encoding="utf-8",
    )
    os.mkfifo(sites / "x.toml")
    (sites / "overflow.toml").write_text(
        'name = "overflow"\norigin = "https://overflow.example"\ninterval = "99999999999999d"\n',
        encoding="utf-8",
    )
    (sites / "drip.toml").write_text(
        f'name = "drip"\norigin = "{dripping.base_url}"\nfeeds = ["/feed/"]\n'
        'categories = ["/category/news/"]\n',
        encoding="utf-8",
    )


def sweep_command(farm: SiteFarm, tmp: Path) -> list[str]:
    command = [
        sys.executable, "-m", "scrapy", "sweep", "all",
        "-s", f"NEWSMON_SITES_DIR={farm.sites_dir}",
        "-s", f"NEWSMON_STATE_DIR={tmp / 'state'}",
        "-s", f"NEWSMON_OUTPUT_URI={tmp / 'out'}/%(site)s/%(time)s.jsonl",
    ]  # fmt: skip
    for setting in SETTINGS:
        command += ["-s", setting]
    return command


def records_of(tmp: Path, site: str) -> list[dict[str, Any]]:
    return [r for path in sorted((tmp / "out" / site).glob("*.jsonl")) for r in read_jsonl(path)]


def test_a_sweep_with_hostile_sites_finishes_the_good_ones_and_names_the_bad(
    hostile: tuple[FaultServer, FaultServer], tmp_path: Path
) -> None:
    regex, dripping = hostile
    with SiteFarm(2, tmp_path / "farm", articles=3) as farm:
        write_hostile_sites(farm.sites_dir, regex, dripping)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        result = run_python(sweep_command(farm, tmp_path), cwd=ROOT, env=env, timeout=300)
        log = result.stderr
        (tmp_path / "sweep.log").write_text(log, encoding="utf-8")
        assert result.returncode != 0, log[-3000:]
        for name in farm.names:  # the good sites: exit 0, every article
            assert f"Sweep: {name}: exit status 0" in log, log[-3000:]
            assert sorted(r["canonical_url"] for r in records_of(tmp_path, name)) == sorted(farm.truth[name])
        # (1) crawled in full: RE2 answers the long link at once, it froze the whole sweep before
        assert "Sweep: slowregex: exit status 0" in log
        expected = sorted(regex.base_url + p for p in (*GOOD, LONG))
        assert sorted(r["url"] for r in records_of(tmp_path, "slowregex")) == expected
        # (2), (3): one line each, naming the file and what is wrong, at once and in the summary
        summary = [line for line in log.splitlines() if "Sweep: " in line]
        fifo = [line for line in summary if "Sweep: x: exit status 2, not crawled:" in line]
        assert fifo and all("x.toml: not a regular file (a FIFO)" in line for line in fifo), summary
        overflow = [line for line in summary if "Sweep: overflow: exit status 2, not crawled:" in line]
        assert overflow and all("'interval' '99999999999999d' is longer than" in line for line in overflow)
        # (5) bounded by DOWNLOAD_TIMEOUT, a total deadline per request in Scrapy: the site fails, alone
        drip_lines = [line for line in summary if line.split("Sweep: ", 1)[1].startswith("drip: exit status")]
        assert drip_lines and "drip: exit status 0" not in drip_lines[-1], summary
        assert dripping.hits and not records_of(tmp_path, "drip")
        assert (
            "OverflowError" not in log
        )  # (Scrapy's robots.txt middleware logs its timeout with a traceback)


def test_sigterm_ends_the_hostile_sweep_within_ten_seconds(
    hostile: tuple[FaultServer, FaultServer], tmp_path: Path
) -> None:
    regex, dripping = hostile
    with SiteFarm(2, tmp_path / "farm", articles=3, delay=0.5) as farm:
        write_hostile_sites(farm.sites_dir, regex, dripping)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen(
            sweep_command(farm, tmp_path), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, start_new_session=True,
        )  # fmt: skip
        try:
            hits = len(dripping.hits)
            deadline = time.monotonic() + 60
            while (len(dripping.hits) == hits or not farm.requests()) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(dripping.hits) > hits and farm.requests(), "the sweep never reached the sites"
            proc.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            _, stderr = proc.communicate(timeout=60)  # the safety net
            took = time.monotonic() - signalled
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        print(f"SIGTERM to exit: {took:.1f} s, status {proc.returncode}")  # shown with pytest -s
        # 10 s deadline (graceful close, else the watchdog's SIGKILL); the margin is for a loaded machine
        assert took < 15, (took, stderr[-3000:])
        assert proc.returncode != 0
