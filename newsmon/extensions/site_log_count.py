"""Log counts of one site's crawl when several crawls share a process (a sweep).

Scrapy's LogCount installs a root handler per crawler that counts every record of the process, so in a
sweep one site's errors would show in every running site's `log_count/ERROR` and fail their monitors.
A sweep installs SiteLogCount instead: ONE root handler for the process, which counts each record for the
crawl it is tied to. Scrapy's own records carry the spider (`extra={"spider": ...}`: download errors,
spider errors, retries given up, item errors); a record tied to no spider counts only while one crawl is
running, as with LogCount. A crawl counts as running until its engine stopped, so the records of its own
closing (the monitors' verdicts) never land on another crawl left running alone.
"""

from __future__ import annotations

import logging

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from newsmon.resources import ProcessResources, resources_of


class _Dispatcher(logging.Handler):
    """The process's one counting handler: a record in, one crawl's counter up (or none)."""

    def __init__(self) -> None:
        super().__init__()
        self.levels: dict[Crawler, int] = {}  # running crawls and their LOG_LEVEL
        self.counting: set[Crawler] = set()  # those whose spider is open (counters live until it closes)

    def emit(self, record: logging.LogRecord) -> None:
        spider = getattr(record, "spider", None)
        crawler = getattr(record, "crawler", None) or getattr(spider, "crawler", None)
        if crawler is None and len(self.levels) == 1:
            crawler = next(iter(self.levels))
        if crawler in self.counting and record.levelno >= self.levels[crawler]:
            assert crawler.stats is not None
            crawler.stats.inc_value(f"log_count/{record.levelname}")


def dispatcher(resources: ProcessResources) -> _Dispatcher:
    """The process's one counting handler (newsmon/resources.py: the command's), made on first use."""
    if not isinstance(resources.log_counter, _Dispatcher):
        resources.log_counter = _Dispatcher()
    return resources.log_counter


class SiteLogCount:
    """Installed by a sweep in place of Scrapy's LogCount (newsmon/sweep/run.py)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.resources = resources_of(crawler.settings)  # the sweep command's, shared by its crawls

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteLogCount:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        level = logging.getLevelName(self.crawler.settings.get("LOG_LEVEL") or "DEBUG")
        handler = dispatcher(self.resources)
        handler.levels[self.crawler] = level if isinstance(level, int) else logging.DEBUG
        handler.counting.add(self.crawler)
        if handler not in logging.root.handlers:
            logging.root.addHandler(handler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        dispatcher(self.resources).counting.discard(self.crawler)

    def engine_stopped(self) -> None:
        handler = dispatcher(self.resources)
        handler.levels.pop(self.crawler, None)
        handler.counting.discard(self.crawler)
        if not handler.levels:
            logging.root.removeHandler(handler)
