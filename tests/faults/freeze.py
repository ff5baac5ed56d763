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
import os
import signal
import threading
from pathlib import Path

from newsmon.extract.worker import ExtractPool

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid: int) -> int:
    """utime + stime of a process in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in "ZX"


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


class WorkerFreezer:
    """In a crawl process's tree: SIGSTOP each extraction worker (a ``multiprocessing.spawn`` child of
    ``crawl_pid``) once it has used ``cpu`` seconds of CPU, more than its start and warm-up take (about half
    a second) and less than the one pathological page it is on costs (minutes without the fast path). Only
    for a crawl whose workers see no page but that one after their warm-up. ``with WorkerFreezer(pid):``."""

    def __init__(self, crawl_pid: int, cpu: float = 1.5) -> None:
        self.crawl_pid = crawl_pid
        self.ticks = int(cpu * TICKS)
        self.frozen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="worker-freezer", daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            for pid in _children(self.crawl_pid) - self.frozen:
                if _is_worker(pid) and cpu_ticks(pid) >= self.ticks:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGSTOP)
                    self.frozen.add(pid)

    def __enter__(self) -> WorkerFreezer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
