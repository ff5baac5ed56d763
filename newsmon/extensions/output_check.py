"""Refuse a run whose output cannot be used, before the first request (exit status 2).

Scrapy drops a feed whose storage is unknown or disabled (``s3://`` without boto3) with one ERROR line and
crawls on; a local directory that is read-only, full, or not permitted shows only when the first record is
written. Either way the records would go nowhere. This extension checks every feed when the spider opens
(newsmon/state/outputs.py) and closes the spider at once with ``newsmon_output_unusable`` and one line
naming the feed and the reason; `scrapy crawl` then exits with 2 (newsmon/commands/crawl.py).
"""

from __future__ import annotations

import logging

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured

from newsmon.sinks import SinkError
from newsmon.sinks.extension import SinkWriter, sink_writer
from newsmon.state.outputs import (
    OPTIONS,
    OUTPUT_UNUSABLE,
    FeedTarget,
    OutputUnusable,
    check_target,
    feed_targets,
)
from newsmon.stats import OUTPUT_FEEDS
from newsmon.stats import OUTPUT_UNUSABLE as UNUSABLE_STAT  # the reason, as a string

logger = logging.getLogger(__name__)


class OutputCheck:
    def __init__(self, crawler: Crawler, targets: list[FeedTarget]) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats = crawler.stats
        self.targets = targets
        self.sinks: SinkWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutputCheck:
        if not OPTIONS.getbool(crawler.settings, "NEWSMON_OUTPUT_CHECK"):
            raise NotConfigured  # off on purpose: quiet
        targets = feed_targets(crawler.settings)
        sinks = sink_writer(crawler)
        if not targets and sinks is None:
            raise NotConfigured  # no feed: nothing to check (the state extension says so)
        ext = cls(crawler, targets)
        ext.sinks = sinks
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        for target in self.targets:
            try:
                check_target(target, self.crawler, spider)
            except OutputUnusable as exc:
                self.stats.set_value(UNUSABLE_STAT, str(exc))
                logger.error("Output unusable, not crawling: %s", exc)
                raise CloseSpider(OUTPUT_UNUSABLE) from None
        if self.sinks is not None:  # connected, checked, tables migrated: before the first request
            try:
                self.sinks.open()
            except SinkError as exc:
                self.stats.set_value(UNUSABLE_STAT, str(exc))
                logger.error("Output unusable, not crawling: %s", exc)
                raise CloseSpider(OUTPUT_UNUSABLE) from None
        self.stats.set_value(OUTPUT_FEEDS, len(self.targets))
