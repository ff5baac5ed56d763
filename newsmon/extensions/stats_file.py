"""Write the run's final stats as JSON, so cron wrappers, tests and reports read numbers instead of logs."""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsmon.options import Option, Options
from newsmon.state.backend import run_name
from newsmon.state.outputs import OutputsSettled, SettleOrder

OPTIONS = Options(
    Option(
        "NEWSMON_STATS_FILE",
        "",
        "write the run's final stats as JSON to this path (`%(site)s` = site, `%(name)s` = spider)",
        default_doc="empty (off)",
    ),
)

logger = logging.getLogger(__name__)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


class StatsFile:
    """Once the run is over and its feeds stored (their outcome and the monitors' verdicts are stats too),
    the stats as one JSON file, written to a temporary name and renamed (never half-written)."""

    def __init__(self, crawler: Crawler, path_template: str) -> None:
        assert crawler.stats is not None and crawler.spidercls is not None
        self.stats = crawler.stats
        self.path_template = path_template
        self.names = {"name": crawler.spidercls.name, "site": run_name(crawler)}
        self.settled = OutputsSettled(crawler, self.write, SettleOrder.REPORT)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        path = OPTIONS.get(crawler.settings, "NEWSMON_STATS_FILE")
        if not path:
            raise NotConfigured  # off by default: no message, so Scrapy does not log it as a warning
        return cls(crawler, path)

    def write(self, reason: str) -> None:
        path = Path(self.path_template % self.names)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {key: _jsonable(value) for key, value in self.stats.get_stats().items()}
        data["finish_reason"] = reason
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
        logger.info("Stats written to %s", path)
