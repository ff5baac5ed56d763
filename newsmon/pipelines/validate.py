"""Drop records that break the JSON Schema: a malformed record must never reach the archive."""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from newsmon.options import Option, Options
from newsmon.schema import record_errors
from newsmon.stats import SCHEMA_INVALID, SCHEMA_VALID

OPTIONS = Options(
    Option(
        "NEWSMON_VALIDATE_RECORDS",
        True,
        "validate records against the JSON Schema, drop invalid ones",
    ),
)

logger = logging.getLogger(__name__)


class SchemaValidationPipeline:
    def __init__(self, crawler: Crawler) -> None:
        if not OPTIONS.getbool(crawler.settings, "NEWSMON_VALIDATE_RECORDS"):
            raise NotConfigured("NEWSMON_VALIDATE_RECORDS is off")
        assert crawler.stats is not None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SchemaValidationPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        errors = record_errors(ItemAdapter(item).asdict())
        if errors:
            self.stats.inc_value(SCHEMA_INVALID)
            url = ItemAdapter(item).get("url")
            raise DropItem(f"record for {url} breaks the schema: {'; '.join(errors[:5])}", log_level="ERROR")
        self.stats.inc_value(SCHEMA_VALID)
        return item
