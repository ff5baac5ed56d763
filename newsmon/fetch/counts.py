"""Downloader middleware: every request and response counted by tier and kind, for the monitors' ban
ratio and the run report: `newsmon/request/<plain|stealthy>/<kind>`, `newsmon/response/<tier>/<kind>`
(kind: article, listing, feed, sitemap, robots, other). Placed on the downloader side of the tier
middleware, so it sees the tier chosen for a request and every response before the tier judges it."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from newsmon.meta import META_KIND, META_TIER, Tier
from newsmon.stats import request_by, response_by


def tier_and_kind(request: Request) -> tuple[str, str]:
    meta = request.meta
    tier = meta.get(META_TIER) or (Tier.STEALTHY if meta.get("playwright") else Tier.PLAIN)
    return str(tier), meta.get(META_KIND) or "other"


class FetchCounts:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchCounts:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_request(self, request: Request) -> None:
        self.stats.inc_value(request_by(*tier_and_kind(request)))

    def process_response(self, request: Request, response: Response) -> Response:
        self.stats.inc_value(response_by(*tier_and_kind(request)))
        return response
