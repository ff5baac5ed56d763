"""Log counts of one site's crawl when several crawls share a process (a sweep).

Scrapy's LogCount installs a root handler per crawler that counts every record of the process, so in a
sweep one site's errors would show in every running site's `log_count/ERROR` and fail their monitors.
SiteLogCount counts a record for its crawler only when the record is tied to it: Scrapy's own records carry
the spider (`extra={"spider": ...}`: download errors, spider errors, retries given up, item errors); a
record tied to no spider counts only while this crawl is the process's only one, as with LogCount. A
crawl counts as running until its engine stopped, so the records of its own closing (the monitors'
verdicts) never land on another crawl left running alone.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

_running: set[Crawler] = set()  # the crawls of this process whose spider is open


class SiteLogCounter(logging.Handler):
    def __init__(self, crawler: Crawler, level: Any) -> None:
        super().__init__(level=level)
        self.crawler = crawler

    def emit(self, record: logging.LogRecord) -> None:
        spider = getattr(record, "spider", None)
        crawler = getattr(record, "crawler", None) or getattr(spider, "crawler", None)
        if crawler is self.crawler or (crawler is None and _running == {self.crawler}):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(f"log_count/{record.levelname}")


class SiteLogCount:
    """Installed by a sweep in place of Scrapy's LogCount (newsmon/commands/sweep.py)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.handler: SiteLogCounter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteLogCount:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        _running.add(self.crawler)
        self.handler = SiteLogCounter(self.crawler, self.crawler.settings.get("LOG_LEVEL"))
        logging.root.addHandler(self.handler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.handler is not None:
            logging.root.removeHandler(self.handler)
            self.handler = None

    def engine_stopped(self) -> None:
        _running.discard(self.crawler)
