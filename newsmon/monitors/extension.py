"""The monitor extension: once the spider has closed and every feed has been stored, judge the run, log one
line per verdict, and put the verdicts in stats (`newsmon/monitor/<name>`, `newsmon/monitor/summary`,
`newsmon/monitor/exit_status`).

Judging waits for the feeds (FeedExporter stores them after the spider_closed handlers ran): a feed that
failed to store fails the run, by name. It runs before the state extension records the run (EXTENSIONS
order: its handlers are connected first), so the verdicts are in the run's record for `newsmon report`, and
it reads the site's history and updates the per-source counters through the state extension's open store.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsmon import stats
from newsmon.context import CrawlContext
from newsmon.distributed.config import mask_url
from newsmon.monitors.checks import FAIL, WARN, RunFacts, errors, evaluate, exit_status, summary
from newsmon.monitors.config import MonitorConfig
from newsmon.state.backend import StateBackend, state_backend
from newsmon.state.outputs import OutputsSettled, SettleOrder
from newsmon.state.protocol import Store

logger = logging.getLogger(__name__)

EXIT_STATUS_STAT = stats.MONITOR_EXIT_STATUS


def comparable_items(
    runs: list[dict[str, Any]], current_run: int, finish_reasons: tuple[str, ...] = ("finished",)
) -> list[int]:
    """Records emitted by earlier runs that finished normally (NEWSMON_MONITOR_FINISH_REASONS), oldest
    first."""
    return [
        int(run["stats"].get("item_scraped_count", 0))
        for run in runs
        if run["id"] != current_run
        and run.get("ended") is not None
        and run.get("finish_reason") in finish_reasons
    ]


class MonitorExtension:
    def __init__(
        self, crawler: Crawler, config: MonitorConfig, state: StateBackend, context: CrawlContext
    ) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config
        self.state = state  # the run's store and record (opened by the state extension), when state is on
        self.context = context  # the crawl's configuration, frontier and hub sources
        self.started = time.time()
        self.spider: Spider | None = None
        self.failed_feeds: list[str] = []  # feeds whose store failed, credentials masked
        self.settled = OutputsSettled(crawler, self.judge, SettleOrder.JUDGE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MonitorExtension:
        config = MonitorConfig.from_settings(crawler.settings)
        if not config.enabled:
            raise NotConfigured  # off on purpose: quiet
        ext = cls(crawler, config, state_backend(crawler), CrawlContext.of(crawler))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.feed_slot_closed, signal=signals.feed_slot_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.time()
        self.spider = spider

    def feed_slot_closed(self, slot: Any) -> None:
        """FeedExporter counts a failed store just before it sends this signal for that feed."""
        failed = sum(
            int(v) for k, v in self.stats.get_stats().items() if k.startswith("feedexport/failed_count/")
        )
        if failed > len(self.failed_feeds):
            self.failed_feeds.append(mask_url(str(getattr(slot, "uri", "?"))))

    def judge(self, reason: str) -> None:
        spider = self.spider
        crawl = self.context.config
        hubs = crawl.hubs_configured if crawl is not None else 0
        facts = RunFacts(
            self.stats.get_stats(), reason, hubs_configured=hubs, failed_feeds=tuple(self.failed_feeds)
        )
        store = self.state.store
        if store is not None and spider is not None:
            try:
                facts = self._with_history(facts, store, self.state.run_id)
            except Exception as exc:  # a broken store must not hide the other verdicts
                logger.error("Monitors could not read the run history or update source counters: %s", exc)
        verdicts = evaluate(facts, self.config)
        self.stats.set_value(stats.MONITOR_ERRORS, errors(facts.stats)[0])
        levels = {FAIL: logging.ERROR, WARN: logging.WARNING}
        for verdict in verdicts:
            self.stats.set_value(stats.monitor(verdict.name), verdict.status)
            logger.log(
                levels.get(verdict.status, logging.INFO),
                "Monitor %s: %s - %s",
                verdict.name,
                verdict.status.upper(),
                verdict.message,
            )
        status = exit_status(verdicts)
        self.stats.set_value(stats.MONITOR_SUMMARY, summary(verdicts))
        self.stats.set_value(EXIT_STATUS_STAT, status)
        if status:
            failed = "; ".join(f"{v.name}: {v.message}" for v in verdicts if v.status == FAIL)
            logger.error("Monitors failed (exit status %d): %s", status, failed)

    def _with_history(self, facts: RunFacts, store: Store, run_id: int) -> RunFacts:
        history = comparable_items(
            store.runs(limit=(self.config.history_runs + 1) * 3), run_id, self.config.finish_reasons
        )
        new_listed: int | None = int(self.stats.get_value(stats.STATE_NEW, 0))
        stale: dict[str, int] = {}
        sources, frontier = self.context.sources.peek(), self.context.frontier
        if sources is not None:
            listed = frontier.hub_listed if frontier is not None else {}
            counts = sources.counts(listed, store, self.started)
            stale = store.record_sources(counts)
            new_listed = sum(new for _, new in counts.values())
            self.stats.set_value(stats.MONITOR_SOURCES, len(counts))
            self.stats.set_value(stats.MONITOR_NEW_LISTED, new_listed)
        return RunFacts(
            facts.stats,
            facts.finish_reason,
            hubs_configured=facts.hubs_configured,
            failed_feeds=facts.failed_feeds,
            new_listed=new_listed,
            history=history,
            stale_sources=stale,
            sources_tracked=sources is not None,
        )
