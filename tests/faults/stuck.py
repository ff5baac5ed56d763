"""Test-only extension: once the first response is in, the crawl's main thread is stuck in C code holding
the GIL (Python's backtracking regex on a hostile string, the engine of issue 20 case 1): a stand-in for
any C call that does not return. It touches STUCK_MARKER first, so a test knows when to send its signal."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

_EXPONENTIAL = re.compile(r"^(a+)+$")


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
        _EXPONENTIAL.match("a" * 64 + "!")  # 2**64 steps: never returns
