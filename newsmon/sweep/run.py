"""A sweep: `scrapy sweep` (newsmon/commands/sweep.py) crawls every due site in one Scrapy process.

Each site is its own crawler (Scrapy's CrawlerProcess runs several side by side on one reactor): its own
frontier, settings (the site's TOML at site priority), state store and run lock, output file, stats,
monitors and exit status, exactly as `scrapy crawl news -a site=NAME` would give, without a process start
per site. What the sites share is the process (newsmon/resources.py): the reactor, the imported code, the
extraction worker pools and at most NEWSMON_BROWSERS_PER_PROCESS Chromium instances at once (each site
launches its own: newsmon/fetch/browser_handler.py).

- Which sites: `all` takes the due ones (newsmon/sweep/due.py: `interval` passed since the last finished
  run); named sites (`scrapy sweep a,b`) are crawled now.
- Politeness per host: each crawler keeps Scrapy's per-host download slots and AutoThrottle, and two sites
  that share a host are never crawled at the same time, so no host sees more than one site's crawl.
- At most NEWSMON_SWEEP_CONCURRENCY sites at once; a site whose lock another run holds is skipped (not a
  failure); a first SIGTERM/SIGINT starts no further site and lets the running ones close.
- Log counts: Scrapy's LogCount counts every record of the process in every running crawler; a sweep
  counts in a site's `log_count/*` only the records Scrapy ties to its spider (SiteLogCount).
- The sweep's exit status is the highest of its sites' (0 when every site passed); one summary line per
  site is logged at the end.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy import Spider, signals
from scrapy.crawler import Crawler, CrawlerProcessBase
from scrapy.settings import Settings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from newsmon import stats as stat_names
from newsmon.resources import resources_of
from newsmon.sites import SiteConfig
from newsmon.state.backend import take_run_lock
from newsmon.state.config import StateConfig
from newsmon.state.lock import RunLease, RunLocked
from newsmon.sweep.config import OPTIONS

logger = logging.getLogger(__name__)


#: What a sweep forwards to each site's crawl; the others name one site's own hubs or mirror.
SWEEP_SHARED_ARGUMENTS = ("follow_depth", "max_pages")


@dataclass
class SiteOutcome:
    site: str
    status: int | None = None  # exit status the site's own `scrapy crawl -a site=` would have given
    skipped: str | None = None  # why the site was not crawled (locked by another run, shutting down)
    records: int = 0
    finish_reason: str | None = None
    summary: str | None = None  # the monitors' verdict line
    broken: str | None = None  # its site file cannot be used (not crawled; the sweep's status is 2)

    def line(self) -> str:
        if self.broken:
            return f"{self.site}: exit status {self.status}, not crawled: {self.broken}"
        if self.skipped:
            return f"{self.site}: skipped ({self.skipped})"
        verdict = f", monitors {self.summary}" if self.summary else ""
        return (
            f"{self.site}: exit status {self.status}, {self.records} records, "
            f"finished {self.finish_reason!r}{verdict}"
        )


def sweep_settings(settings: Settings) -> Settings:
    """The process's settings for one site's crawler: log counts tied to its own spider."""
    site_settings = settings.copy()
    extensions = site_settings.getdict("EXTENSIONS")
    extensions.update(
        {"scrapy.extensions.logcount.LogCount": None, "newsmon.extensions.site_log_count.SiteLogCount": 0}
    )
    # one above the process's own value: Scrapy merges the process's settings into each crawler's, and an
    # equal priority would put Scrapy's LogCount back
    site_settings.set("EXTENSIONS", extensions, priority=(settings.getpriority("EXTENSIONS") or 0) + 1)
    return site_settings


class Sweep:
    """Crawls the given sites on the running reactor, a bounded number at a time."""

    def __init__(
        self,
        process: CrawlerProcessBase,
        spidercls: type[Spider],
        sites: Iterable[SiteConfig],
        spargs: dict[str, Any],
        exit_status: Callable[[Crawler], int],
    ) -> None:
        self.process = process
        self.spidercls = spidercls
        self.sites = list(sites)
        self.spargs = {k: v for k, v in spargs.items() if k in SWEEP_SHARED_ARGUMENTS or k.startswith("_")}
        self.exit_status = exit_status
        self.settings = sweep_settings(process.settings)
        self.state = StateConfig.from_settings(process.settings)
        self.resources = resources_of(process.settings)  # the command's: its crawls lease the same locks
        self.concurrency = max(1, OPTIONS.getint(process.settings, "NEWSMON_SWEEP_CONCURRENCY"))
        self.outcomes: dict[str, SiteOutcome] = {site.name: SiteOutcome(site.name) for site in self.sites}
        self.stopping = False
        self.crawlers: dict[str, Crawler] = {}  # the sites whose crawl began and is not settled yet

    async def run(self) -> list[SiteOutcome]:
        waiting = list(self.sites)
        running: dict[asyncio.Task[None], SiteConfig] = {}
        busy_hosts: set[str] = set()
        while waiting or running:
            if not self.stopping:
                for site in list(waiting):
                    if len(running) >= self.concurrency:
                        break
                    hosts = self._hosts(site)
                    if hosts & busy_hosts:
                        continue  # another site on one of its hosts is being crawled: later
                    waiting.remove(site)
                    busy_hosts |= hosts
                    running[asyncio.ensure_future(self._crawl(site))] = site
            else:
                for site in waiting:
                    self.outcomes[site.name].skipped = "the sweep was asked to stop"
                waiting.clear()
            if not running:
                break
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                site = running.pop(task)
                busy_hosts -= self._hosts(site)
                if task.exception() is not None:
                    outcome = self.outcomes[site.name]
                    outcome.status = outcome.status or 1
                    logger.error("Site %s: its crawl failed: %r", site.name, task.exception())
        return [self.outcomes[site.name] for site in self.sites]

    @staticmethod
    def _hosts(site: SiteConfig) -> set[str]:
        """The hosts a site's crawl talks to (its origin's and its other hosts)."""
        return {(urlsplit(site.origin).hostname or "").lower(), *(h.lower() for h in site.hosts)}

    def _lock(self, site: SiteConfig) -> RunLease | None:
        """A lease on the site's run lock for its crawl (None when state is off); RunLocked when held."""
        if not self.state.enabled:
            return None
        return take_run_lock(self.state, site.name, self.resources)

    async def _crawl(self, site: SiteConfig) -> None:
        outcome = self.outcomes[site.name]
        try:
            lock = self._lock(site)
        except RunLocked as exc:
            outcome.skipped = f"another run holds {exc.path}"
            logger.warning("Site %s skipped: %s", site.name, exc)
            return
        try:
            crawler = self.crawlers[site.name] = Crawler(self.spidercls, self.settings)
            crawler.signals.connect(self._spider_closed, signal=signals.spider_closed)
            result = self.process.crawl(crawler, site=site.reference, **self.spargs)
            if isinstance(result, Deferred):
                await maybe_deferred_to_future(result)
            else:
                await result
            self.settle(outcome, crawler)
            del self.crawlers[site.name]  # a thousand finished crawlers need not stay in memory
        finally:
            if lock is not None:
                lock.release()

    def settle(self, outcome: SiteOutcome, crawler: Crawler) -> None:
        """A closed crawl's outcome: its exit status, records, finish reason and verdict."""
        stats = crawler.stats
        assert stats is not None
        outcome.status = self.exit_status(crawler)
        outcome.records = int(stats.get_value("item_scraped_count") or 0)
        outcome.finish_reason = stats.get_value("finish_reason")
        outcome.summary = stats.get_value(stat_names.MONITOR_SUMMARY)

    def _spider_closed(self, spider: Spider, reason: str) -> None:
        if reason == "shutdown":  # a SIGTERM/SIGINT stopped the crawls: start no further site
            self.stopping = True


def sweep_status(outcomes: Iterable[SiteOutcome]) -> int:
    """The highest exit status among the sites crawled (skipped sites do not count)."""
    return max((o.status or 0 for o in outcomes if not o.skipped), default=0)
