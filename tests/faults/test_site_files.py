"""Hostile site files (issue 20, cases 1-3): a slow regex, a FIFO, an overflowing number. Each stops at most
its own site, with one line naming the file and key; and SIGTERM ends a run within 10 s whatever it does.

Real `scrapy crawl` and `newsmon sites` subprocesses against the fault server, plus unit tests of the loader.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from newsmon.cli import main
from newsmon.sites import MAX_SITE_FILE, SiteConfigError, parse_site_config, read_site_file
from newsmon.sites.catalog import catalog, select_all
from tests.crawl_helpers import ROOT, crawl_command, run_crawl
from tests.faults.conftest import FAULT_SETTINGS
from tests.faults.pages import article_html, listing_html
from tests.faults.server import FaultServer
from tests.forkserver import run_python, start_python
from tests.test_schedule import FakeScrapyd, stub, write_sites  # noqa: F401 (stub: a fixture)

pytestmark = pytest.mark.crawl

GOOD = ("/2026/03/11/first-good/", "/2026/03/11/second-good/")
# a "Read also" link of 1,500 characters, almost matching the hub pattern below (no "-x" at the end)
LONG = "/2026/03/11/" + "read-also-" * 148 + "end/"
SLOW_HUB_PATTERN = "^/.*.*.*.*.*.*.*.*.*.*-x$"  # Python's re: O(n**10) backtracking on LONG


def page(title: str, **kwargs: Any) -> bytes:
    """An article whose body is its own (the same body twice is one story, dropped as a duplicate)."""
    paragraphs = tuple(f"{title}: paragraph {i} of a story the fault suite made up for this page." * 4
                       for i in range(3))  # fmt: skip
    return article_html(title, paragraphs=paragraphs, **kwargs).encode()


@pytest.fixture(scope="module")
def server() -> Any:
    fault = FaultServer()
    fault.routes["/category/news/"] = lambda h, n: h.send_body(200, listing_html(list(GOOD)))
    fault.routes[GOOD[0]] = lambda h, n: h.send_body(
        200, page("First good", read_also=((LONG, "A long related link"),))
    )
    fault.routes[GOOD[1]] = lambda h, n: h.send_body(200, page("Second good"))
    fault.routes[LONG] = lambda h, n: h.send_body(200, page("The long one"))
    with fault:
        yield fault


def site_file(path: Path, server: FaultServer, name: str = "hostile", extra: str = "") -> Path:
    path.write_text(
        f'name = "{name}"\norigin = "{server.base_url}"\nfeeds = []\ncategories = ["/category/news/"]\n'
        f'article_pattern = "^/2026/"\n{extra}',
        encoding="utf-8",
    )
    return path


def settings_args(*more: str) -> list[str]:
    args: list[str] = []
    for setting in (*FAULT_SETTINGS, *more):
        args += ["-s", setting]
    return args


def newsmon(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "newsmon.cli", *args]
    return run_python(command, cwd=ROOT, env=env, timeout=timeout)  # the fork server: tests/forkserver.py


# --- case 1: a slow regex, and SIGTERM -------------------------------------------------------------------


def test_a_catastrophic_hub_pattern_and_a_long_read_also_link_do_not_freeze_the_crawl(
    server: FaultServer, tmp_path: Path
) -> None:
    """Was: the link blocked the reactor for good (SIGTERM ignored at 658 s). RE2 answers at once: the crawl
    ends (the 120 s timeout is only a safety net) with every article, the long one included."""
    site = site_file(tmp_path / "hostile.toml", server, extra=f"hub_patterns = ['{SLOW_HUB_PATTERN}']\n")
    check = newsmon("sites", "check", "--sites-dir", str(tmp_path))
    assert check.returncode == 0, check.stderr
    result = run_crawl(
        server.base_url, tmp_path / "run", "-a", f"site={site}", *settings_args(), spider="news", timeout=120
    )
    assert result.returncode == 0, result.log[-3000:]
    urls = sorted(r["url"] for r in result.records)
    assert urls == sorted(server.base_url + p for p in (*GOOD, LONG)), urls


def test_sigterm_ends_a_run_stuck_in_c_code_within_ten_seconds(server: FaultServer, tmp_path: Path) -> None:
    """The main thread stuck in a C call holding the GIL (tests/faults/stuck.py) never runs Scrapy's graceful
    stop; the watchdog kills the run 10 s after SIGTERM and says where it was. Was: only SIGKILL ended it."""
    marker = tmp_path / "stuck"
    command = crawl_command(
        server.base_url,
        tmp_path / "run",
        "-a", "feeds=", "-a", "categories=/category/news/",
        *settings_args('EXTENSIONS={"tests.faults.stuck.StuckInC": 900}', f"STUCK_MARKER={marker}"),
    )  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    errors = tmp_path / "stderr.txt"
    proc = start_python(command, cwd=ROOT, env=env, stderr=errors, start_new_session=True)  # forked
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the crawl never reached its first response"
        proc.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        proc.wait(timeout=60)  # the safety net; the watchdog acts at 10 s
        took = time.monotonic() - signalled
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    stderr = errors.read_text(encoding="utf-8")
    print(f"SIGTERM to exit: {took:.1f} s, status {proc.returncode}")  # shown with pytest -s
    assert proc.returncode == -signal.SIGKILL, stderr[-3000:]
    assert "newsmon: still running 10 s after SIGTERM/SIGINT: killed (SIGKILL)" in stderr
    assert "stuck.py" in stderr  # where it was: the faulthandler trace of the main thread
    assert 9 < took < 30, took
    wait_gone(proc.pid)  # the watchdog too: nothing left in the run's session


def wait_gone(pgid: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError(f"processes left in session {pgid}")


def test_a_run_that_ends_in_time_is_not_killed(server: FaultServer, tmp_path: Path) -> None:
    """The watchdog leaves a graceful close alone: SIGTERM during an ordinary crawl ends it with Scrapy's own
    verdict, not SIGKILL, and no watchdog line."""
    slow = "/2026/03/11/slow-one/"
    server.routes["/category/slow/"] = lambda h, n: h.send_body(200, listing_html([slow]))
    server.routes[slow] = lambda h, n: h.hang(2)
    command = crawl_command(
        server.base_url,
        tmp_path / "run",
        "-a",
        "feeds=",
        "-a",
        "categories=/category/slow/",
        *settings_args(),
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    errors = tmp_path / "stderr.txt"
    proc = start_python(command, cwd=ROOT, env=env, stderr=errors)  # forked from the fork server
    try:
        deadline = time.monotonic() + 60
        while not server.count(slow) and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = errors.read_text(encoding="utf-8")
    assert proc.returncode >= 0, stderr[-3000:]
    assert "still running" not in stderr
    log = (tmp_path / "run" / "crawl.log").read_text(encoding="utf-8")
    assert "Received SIGTERM, shutting down gracefully" in log  # chained: Scrapy's own handler still runs


# --- case 2: a FIFO (or anything but a regular file) named x.toml ----------------------------------------


def test_a_fifo_named_toml_is_broken_not_a_hang(server: FaultServer, tmp_path: Path) -> None:
    """Was: `sites check`, `sites list` and the sweep waited forever on open(). Now each names it broken."""
    sites = tmp_path / "sites"
    sites.mkdir()
    site_file(sites / "good.toml", server, name="good")
    os.mkfifo(sites / "x.toml")
    (sites / "dir.toml").mkdir()
    (sites / "huge.toml").write_bytes(b"# padding\n" * (MAX_SITE_FILE // 10 + 1))
    check = newsmon("sites", "check", "--sites-dir", str(sites))
    assert check.returncode == 2, check.stderr
    lines = check.stderr.splitlines()
    assert f"{sites / 'x.toml'}: not a regular file (a FIFO), so not a site config" in lines
    assert f"{sites / 'dir.toml'}: not a regular file (a directory), so not a site config" in lines
    assert f"{sites / 'huge.toml'}: larger than {MAX_SITE_FILE // 1024} KiB, so not a site config" in lines
    assert "1 of 4 sites usable, 3 broken" in check.stdout  # what a sweep takes: the sites dir alone
    listing = newsmon("sites", "list", "--sites-dir", str(sites), "--state-dir", str(tmp_path / "state"))
    assert listing.returncode == 0, listing.stderr
    rows = {line.split()[0]: line for line in listing.stdout.splitlines()[1:]}
    assert "broken" in rows["x"] and "never run" in rows["good"]


def test_read_site_file_refuses_a_fifo_without_opening_it_for_a_blocking_read(tmp_path: Path) -> None:
    fifo = tmp_path / "x.toml"
    os.mkfifo(fifo)
    with pytest.raises(SiteConfigError, match="not a regular file"):
        read_site_file(fifo)
    link = tmp_path / "link.toml"
    link.symlink_to(fifo)
    with pytest.raises(SiteConfigError, match="a FIFO"):
        read_site_file(link)


# --- case 3: numbers out of range ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ('interval = "99999999999999d"', "'interval' '99999999999999d' is longer than 366 days"),
        ('interval = "9999999h"', "'interval' '9999999h' is longer than 366 days"),
        ('interval = "' + "9" * 5000 + 'm"', "'interval' must be a duration"),
        ("follow_depth = 9223372036854775807", "'follow_depth' must be an integer from 0 to 20"),
    ],
)
def test_a_number_out_of_range_is_one_line_naming_the_file_and_key(
    server: FaultServer, tmp_path: Path, extra: str, needle: str
) -> None:
    """Was: an OverflowError traceback from `sites check`, `sites list`, `schedule` and the sweep, exit 1,
    no site crawled. Now the file alone is broken; the others load (select_all: what schedule and the sweep
    take)."""
    sites = tmp_path / "sites"
    sites.mkdir()
    site_file(sites / "good.toml", server, name="good")
    bad = site_file(sites / "bad.toml", server, name="bad", extra=extra + "\n")
    check = newsmon("sites", "check", "--sites-dir", str(sites))
    assert check.returncode == 2 and "Traceback" not in check.stderr, check.stderr
    (line,) = check.stderr.splitlines()
    assert line.startswith(f"{bad}: {needle}"), line
    listing = newsmon("sites", "list", "--sites-dir", str(sites), "--state-dir", str(tmp_path / "state"))
    assert listing.returncode == 0 and "Traceback" not in listing.stderr, listing.stderr
    usable, broken = select_all(sites)
    assert [c.name for c in usable] == ["good"] and [e.name for e in broken] == ["bad"]


def test_interval_and_follow_depth_bounds() -> None:
    base = {"name": "x", "origin": "https://x.example"}
    assert parse_site_config({**base, "interval": "366d"}).interval.days == 366
    assert parse_site_config({**base, "follow_depth": 20}).follow_depth == 20
    for interval in ("367d", "8785h", "527041m", "99999999999999999999999999d"):
        with pytest.raises(SiteConfigError, match="longer than 366 days"):
            parse_site_config({**base, "interval": interval})
    for depth in (21, -1, 10**30):
        with pytest.raises(SiteConfigError, match="'follow_depth'"):
            parse_site_config({**base, "follow_depth": depth})


def test_any_unforeseen_value_error_names_the_file(tmp_path: Path) -> None:
    """Defence in depth: a ValueError/OverflowError no check foresaw still stops only its own file."""
    deep = tmp_path / "deep.toml"
    deep.write_text('name = "deep"\norigin = "https://x.example"\nhosts = ' + "[" * 5000 + "]" * 5000 + "\n")
    (entry,) = catalog(tmp_path, bundled=False)
    assert entry.config is None and entry.error is not None and str(deep) in entry.error


def test_schedule_sends_the_good_sites_and_names_the_overflowing_one(
    tmp_path: Path,
    stub: tuple[str, Any],  # noqa: F811 (the fixture imported above)
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`newsmon schedule` (against a stub scrapyd): was an OverflowError traceback, exit 1, nothing sent."""
    url, handler = stub
    fake = FakeScrapyd(url, handler)
    sites = write_sites(tmp_path / "sites", ["alpha"])
    (sites / "bad.toml").write_text(
        'name = "bad"\norigin = "https://x.example"\ninterval = "99999999999999d"\n'
    )
    assert main(["schedule", "--scrapyd", url, "--sites-dir", str(sites)]) == 2
    out, err = capsys.readouterr()
    assert out.startswith("alpha: scheduled on ") and "bad.toml: 'interval' '99999999999999d'" in err
    assert [form["site"] for form in fake.posted()] == [["alpha"]]
