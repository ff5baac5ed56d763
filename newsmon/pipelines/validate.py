"""Drop records that break the JSON Schema: a malformed record must never reach the archive."""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from newsmon.schema import record_errors

logger = logging.getLogger(__name__)


class SchemaValidationPipeline:
    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("NEWSMON_VALIDATE_RECORDS"):
            raise NotConfigured("NEWSMON_VALIDATE_RECORDS is off")
        assert crawler.stats is not None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SchemaValidationPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        errors = record_errors(ItemAdapter(item).asdict())
        if errors:
            self.stats.inc_value("newsmon/schema/invalid")
            url = ItemAdapter(item).get("url")
            raise DropItem(f"record for {url} breaks the schema: {'; '.join(errors[:5])}", log_level="ERROR")
        self.stats.inc_value("newsmon/schema/valid")
        return item
