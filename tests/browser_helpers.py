"""Watch the Chromium processes a crawl starts: find them under the crawl's process, kill them, check none
is left behind."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.crawl_helpers import ROOT, CrawlResult, collect_result, crawl_command
from tests.forkserver import start_python

BROWSER_NAMES = ("chrom", "headless_shell")


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def descendants(pid: int) -> set[int]:
    children = _children_map()
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def is_browser(pid: int) -> bool:
    """A running Chromium (the browser or one of its helpers), not a `chromium --version` probe."""
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip().lower()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    return any(name in comm for name in BROWSER_NAMES) and (b"--headless" in cmdline or b"--type=" in cmdline)


def is_alive(pid: int) -> bool:
    """Running (a zombie left unreaped counts as alive: it is exactly the leak we look for)."""
    return Path(f"/proc/{pid}").exists()


def is_playwright_driver(pid: int) -> bool:
    """Playwright's driver (node running the package's cli.js), which scrapy-playwright starts."""
    try:
        return b"playwright/driver" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def browser_pids(root: int) -> set[int]:
    return {pid for pid in descendants(root) if is_browser(pid)}


@dataclass
class WatchedCrawl:
    result: CrawlResult
    browsers_seen: set[int] = field(default_factory=set)
    killed: set[int] = field(default_factory=set)
    drivers_seen: set[int] = field(default_factory=set)  # Playwright driver processes

    def leftover_browsers(self, grace: float = 5.0) -> set[int]:
        deadline = time.monotonic() + grace
        while True:
            left = {pid for pid in self.browsers_seen if is_alive(pid)}
            if not left or time.monotonic() >= deadline:
                return left
            time.sleep(0.2)


def watch_crawl(
    base_url: str,
    workdir: Path,
    *args: str,
    on_tick: Callable[[set[int]], set[int]] | None = None,
    timeout: float = 240,
) -> WatchedCrawl:
    """Run `scrapy crawl` in a process of its own (forked as run_crawl's are; newsmon's default extraction
    worker), noting every Chromium below it; ``on_tick(browsers)`` may kill some and return their pids."""
    command = crawl_command(base_url, workdir, *args)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out, err = workdir / "watched.out", workdir / "watched.err"
    proc = start_python(command, cwd=ROOT, env=env, stdout=out, stderr=err)
    seen: set[int] = set()
    killed: set[int] = set()
    drivers: set[int] = set()
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"crawl did not finish within {timeout} s")
            below = descendants(proc.pid)
            browsers = {pid for pid in below if is_browser(pid)}
            drivers |= {pid for pid in below if is_playwright_driver(pid)}
            seen |= browsers
            if on_tick is not None:
                killed |= on_tick(browsers)
            time.sleep(0.1)
    finally:
        if proc.poll() is None:
            proc.kill()
        returncode = proc.wait()
    output = "".join(path.read_text(encoding="utf-8") if path.exists() else "" for path in (out, err))
    return WatchedCrawl(collect_result(workdir, returncode, output), seen, killed, drivers)


def kill_all(pids: set[int]) -> set[int]:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return set(pids)
