"""Emit each article once per run, whether it was reached by several URLs or republished under another."""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newsmon.stats import DEDUPE_DUPLICATE_CONTENT, DEDUPE_DUPLICATE_URL, DEDUPE_UNIQUE

logger = logging.getLogger(__name__)


class InRunDedupePipeline:
    """Keys: canonical_url and content_hash. Cross-run dedupe belongs to the state store."""

    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.seen_urls: set[str] = set()
        self.seen_hashes: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> InRunDedupePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url, digest = adapter["canonical_url"], adapter["content_hash"]
        if url in self.seen_urls:
            self.stats.inc_value(DEDUPE_DUPLICATE_URL)
            raise DropItem(f"duplicate of {url} (same canonical URL)", log_level="DEBUG")
        if digest in self.seen_hashes:
            self.stats.inc_value(DEDUPE_DUPLICATE_CONTENT)
            raise DropItem(f"{url} has the same body as {self.seen_hashes[digest]}", log_level="INFO")
        self.seen_urls.add(url)
        self.seen_hashes[digest] = url
        self.stats.inc_value(DEDUPE_UNIQUE)
        return item
