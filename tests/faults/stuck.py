"""Test-only extension: once the first response is in, the crawl's main thread is stuck in C code holding
the GIL, for good: a stand-in for any C call that does not return (a backtracking regular expression on a
hostile string, the engine of issue 20 case 1; a parser; a library deadlocked on its own lock). It touches
STUCK_MARKER first, so a test knows when to send its signal.

The call is libc's ``pthread_mutex_lock`` on a mutex the thread already holds, through ``ctypes.PyDLL`` (a
PyDLL call keeps the GIL): the thread waits in the kernel, never returns to Python (glibc retries the wait
after a signal handler), and, unlike a regex, burns no CPU while the shutdown watchdog counts its 10 s.
"""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

_LIBC = ctypes.PyDLL(None)  # this process's libc, its calls made with the GIL held
_MUTEX_SIZE = 64  # bytes, over glibc's 40 for pthread_mutex_t on 64-bit; all zeros: a default mutex


class StuckInC:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StuckInC:
        ext = cls(Path(crawler.settings["STUCK_MARKER"]))
        crawler.signals.connect(ext.stick, signal=signals.response_received)
        return ext

    def stick(self, **_: Any) -> None:
        self.marker.touch()
        mutex = ctypes.create_string_buffer(_MUTEX_SIZE)
        _LIBC.pthread_mutex_lock(mutex)
        _LIBC.pthread_mutex_lock(mutex)  # a default mutex locked again by its holder: never returns
