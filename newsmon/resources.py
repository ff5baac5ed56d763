"""What the crawls of one process share, in one object: run locks, browser slots, extraction pools, the
sweep's log-counting handler, the shutdown watchdog, and an extraction worker's template cache.

Scrapy builds a crawl's components each on its own, and a sweep runs many crawls in one process: whatever
they must share per process lives here instead of in module globals scattered over newsmon (which
``tests/test_architecture.py`` forbids). The command owns it: newsmon's `scrapy crawl` and `scrapy sweep`
(newsmon/commands/) make one before anything starts and hand it down in the settings
(NEWSMON_PROCESS_RESOURCES), which every crawler's settings copy shares (copying the object gives the
object itself); components read it with ``resources_of(crawler.settings)``. Without newsmon's command (a
project that only enables the add-on, a script, a test) and in an extraction worker process,
``process_resources()`` gives the process's own, made on first use. ``ProcessResources.install()`` gives
the process a fresh one (a test; never while a crawl holds a lock: flock is per open file, a second table
would lock itself out). Only newsmon.options is imported: each user keeps its own logic and types.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # annotations only: the extraction worker imports this module without Scrapy
    from scrapy.settings import BaseSettings

from newsmon.options import Option, Options

RESOURCES_SETTING = "NEWSMON_PROCESS_RESOURCES"

OPTIONS = Options(
    Option(
        RESOURCES_SETTING,
        None,
        "set by newsmon's `scrapy crawl` and `scrapy sweep`, never by hand: the process's shared resources "
        "(run locks, browser slots, extraction pools, log counter, shutdown watchdog) the command owns and "
        "hands to every crawler; unset (no newsmon command), the process's own",
    ),
)


@dataclass(eq=False)
class ProcessResources:
    # flock is per process: the run locks this process holds, by lock file (newsmon/state/lock.py)
    run_locks: dict[Path, Any] = field(default_factory=dict)
    # NEWSMON_BROWSERS_PER_PROCESS, per event loop (newsmon/fetch/browser_handler.py)
    browser_slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = field(default_factory=dict)
    # extraction process pools by (workers, timeout), with the crawls leasing each (newsmon/extract/worker.py)
    extract_pools: dict[tuple[int, float], tuple[Any, list[Any]]] = field(default_factory=dict)
    # a sweep's one root handler counting log records per crawl (newsmon/extensions/site_log_count.py)
    log_counter: logging.Handler | None = None
    # the watchdog that kills the process SHUTDOWN_DEADLINE after a signal (newsmon/commands/shutdown.py)
    shutdown_watchdog: subprocess.Popen[bytes] | None = None
    # in an extraction worker: the template views it was sent, by digest (newsmon/extract/template.py)
    template_views: dict[bytes, Any] = field(default_factory=dict)

    current: ClassVar[ProcessResources | None] = None

    # Scrapy copies the settings for every crawler (deepcopy): the copies must share this one object.
    def __copy__(self) -> ProcessResources:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> ProcessResources:
        return self

    @classmethod
    def install(cls) -> ProcessResources:
        """A fresh object for this process, from now on the one ``process_resources()`` returns."""
        cls.current = cls()
        return cls.current

    def hand_down(self, settings: BaseSettings) -> ProcessResources:
        """Put this object in the command's settings (before the crawler process copies them): every crawl
        built from them shares it."""
        settings.set(RESOURCES_SETTING, self, priority="cmdline")
        return self


def process_resources(given: ProcessResources | None = None) -> ProcessResources:
    """``given`` (what a caller was handed), else this process's own (made on first use): for code that
    runs without newsmon's command, or in an extraction worker."""
    return given or ProcessResources.current or ProcessResources.install()


def resources_of(settings: BaseSettings) -> ProcessResources:
    """The resources the command handed down in a crawl's settings, else the process's own."""
    handed = settings.get(RESOURCES_SETTING)
    return process_resources(handed if isinstance(handed, ProcessResources) else None)
