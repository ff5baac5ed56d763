"""Slow pages that hold a time limit without burning a core: the extraction worker on them is frozen
(SIGSTOP).

The time limits of extraction (``NEWSMON_EXTRACT_TIMEOUT``, the closing grace after CLOSESPIDER_TIMEOUT or
SIGTERM) are wall-clock seconds from the page's send to its worker (newsmon/extract/worker.py): a worker
frozen in the middle of a pathological page is past them exactly when a busy one is, and is killed (SIGKILL
ends a stopped process) and replaced the same way. What it no longer does is burn a core until the limit
fires, which was the whole CPU cost of these tests. The pages stay the pathological ones: were a freeze
missed, a test would pass as before, at its old cost.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import threading
from pathlib import Path

from newsmon.extract.types import ExtractOptions
from newsmon.extract.worker import ExtractPool
from tests.crawl_helpers import ROOT, CrawlResult, collect_result, crawl_command, in_process_extraction
from tests.forkserver import start_python
from tests.procs import alive, cpu_ticks

PAGE = os.sysconf("SC_PAGE_SIZE")


async def freeze_when_busy(pool: ExtractPool, after_ticks: int = 5) -> int:
    """SIGSTOP the first worker of ``pool`` to start on a page, once it has spent ``after_ticks`` clock ticks
    of CPU on it (it is extracting, past the pipe); its pid."""
    while True:
        busy = [w for w in pool._busy if w.task_started is not None and w.process.pid]
        if busy:
            break
        await asyncio.sleep(0.01)
    pid = busy[0].pid
    start = cpu_ticks(pid)
    while alive(pid) and cpu_ticks(pid) - start < after_ticks:
        await asyncio.sleep(0.01)
    if alive(pid):  # (the pool kills it only seconds later: the pid is still the worker's)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGSTOP)
    return pid


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def _is_worker(pid: int) -> bool:
    try:
        return b"multiprocessing.spawn" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (0 once it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


@functools.cache
def warm_worker_rss() -> int:
    """The resident memory of a warmed-up extraction worker that extracted one small page, measured once per
    process on a worker of its own (about 83 MB here: lxml, trafilatura, newsmon's extractors)."""
    pool = ExtractPool(1, timeout=0)
    page = b"<html><body><article><h1>Warm</h1><p>" + b"A small page. " * 50 + b"</p></article></body></html>"
    try:
        asyncio.run(pool.extract(page, None, "http://x.test/2026/03/11/warm/", ExtractOptions()))
        return max(rss_bytes(pid) for pid in pool.worker_pids())
    finally:
        pool.close()


class WorkerFreezer:
    """In a crawl process's tree: SIGSTOP each extraction worker (a ``multiprocessing.spawn`` child of
    ``crawl_pid``) once its resident memory is ``margin`` bytes past a warm worker's (``warm_worker_rss``).
    A worker's start and warm-up, and the small pages of these tests, stay below (a page of a few kB adds
    next to nothing); each pathological page takes its worker 40 MB and more past it within a quarter of a
    second of CPU (the parse of a megabyte and more of HTML), whatever the machine's load. Only for crawls
    whose large pages are the slow ones under test. ``with WorkerFreezer(pid):``."""

    def __init__(self, crawl_pid: int, margin: int = 30 << 20) -> None:
        self.crawl_pid = crawl_pid
        self.limit = warm_worker_rss() + margin
        self.frozen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="worker-freezer", daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            for pid in _children(self.crawl_pid) - self.frozen:
                if _is_worker(pid) and rss_bytes(pid) >= self.limit:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGSTOP)
                    self.frozen.add(pid)

    def __enter__(self) -> WorkerFreezer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_crawl_freezing_workers(base_url: str, workdir: Path, *args: str, timeout: float = 300) -> CrawlResult:
    """``run_crawl(base_url, workdir, *args)``, started in the background (forked, in a session of its own)
    so that its extraction workers are frozen once on a pathological page (``WorkerFreezer``)."""
    warm_worker_rss()  # (measured before the crawl starts, not while its first worker works)
    command = crawl_command(base_url, workdir, *in_process_extraction(args), *args)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    errors = workdir / "stderr.txt"
    proc = start_python(command, cwd=ROOT, env=env, stderr=errors, start_new_session=True)
    try:
        with WorkerFreezer(proc.pid):
            proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return collect_result(workdir, proc.returncode, errors.read_text(encoding="utf-8"))
