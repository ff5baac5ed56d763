"""Refuse a run whose settings broke the component order newsmon's guarantees rest on (exit status 2).

A project or ``-s`` value can move any component (``DOWNLOADER_MIDDLEWARES``, ``EXTENSIONS``, ...): the
priorities and the rules they must keep are named in newsmon/order.py. This extension checks the resolved
order once, when the crawl opens, logs one ERROR line per broken rule, and closes the spider before any
request with ``newsmon_component_order``; ``scrapy crawl`` then exits with 2.
"""

from __future__ import annotations

import logging

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider

from newsmon.order import order_problems

logger = logging.getLogger(__name__)

COMPONENT_ORDER = "newsmon_component_order"  # the close reason


class OrderCheck:
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OrderCheck:
        check = cls(order_problems(crawler.settings))
        crawler.signals.connect(check.spider_opened, signal=signals.spider_opened)
        return check

    def spider_opened(self, spider: Spider) -> None:
        if not self.problems:
            return
        for problem in self.problems:
            logger.error("Component order broken by the settings, not crawling: %s", problem)
        raise CloseSpider(COMPONENT_ORDER)
