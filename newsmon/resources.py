"""What the crawls of one process share, in one object: run locks, browser slots, extraction pools, the
sweep's log-counting handler, the shutdown watchdog, and an extraction worker's template cache.

Scrapy builds a crawl's components each on its own, and a sweep runs many crawls in one process: whatever
they must share per process lives here instead of in module globals scattered over newsmon (which
``tests/test_architecture.py`` forbids). Components reach it through ``process_resources()``, which makes
it on first use: the crawl command's run lock is the first in a ``scrapy crawl``, and a project that embeds
newsmon without its command gets one the same way. ``ProcessResources.install()`` gives the process a fresh
one (a test; never while a crawl holds a lock: flock is per open file, a second table would lock itself
out). Nothing here imports the rest of newsmon: each user keeps its own logic and types.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar


@dataclass
class ProcessResources:
    # flock is per process: the run locks this process holds, by lock file (newsmon/state/lock.py)
    run_locks: dict[Path, Any] = field(default_factory=dict)
    # NEWSMON_BROWSERS_PER_PROCESS, per event loop (newsmon/fetch/browser_handler.py)
    browser_slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = field(default_factory=dict)
    # extraction process pools by (workers, timeout), with the crawls leasing each (newsmon/extract/worker.py)
    extract_pools: dict[tuple[int, float], tuple[Any, list[Any]]] = field(default_factory=dict)
    # a sweep's one root handler counting log records per crawl (newsmon/extensions/site_log_count.py)
    log_counter: logging.Handler | None = None
    # the watchdog that kills the process SHUTDOWN_DEADLINE after a signal (newsmon/shutdown.py)
    shutdown_watchdog: subprocess.Popen[bytes] | None = None
    # in an extraction worker: the template views it was sent, by digest (newsmon/extract/template.py)
    template_views: dict[bytes, Any] = field(default_factory=dict)

    current: ClassVar[ProcessResources | None] = None

    @classmethod
    def install(cls) -> ProcessResources:
        """A fresh object for this process, from now on the one ``process_resources()`` returns."""
        cls.current = cls()
        return cls.current


def process_resources() -> ProcessResources:
    """This process's resources (made on first use when no command installed them)."""
    return ProcessResources.current or ProcessResources.install()
