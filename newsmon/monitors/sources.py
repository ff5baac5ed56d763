"""Spider middleware: tags every hub request with the configured hub it came from (a feed, a category's
first page, a sitemap or robots.txt), so freshness is judged per source, not per listing page or child
sitemap. The frontier keeps, per hub page, the article URLs it listed (``Frontier.hub_listed``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from newsmon.context import CrawlContext
from newsmon.meta import HUB_KINDS, META_KIND, META_SOURCE
from newsmon.monitors.config import OPTIONS as MONITOR_OPTIONS
from newsmon.state.protocol import Store


class HubSources:
    def __init__(self) -> None:
        self.source_of: dict[str, str] = {}  # hub page URL (as parsed) -> configured hub URL

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HubSources:
        if not MONITOR_OPTIONS.getbool(crawler.settings, "NEWSMON_MONITORS_ENABLED"):
            raise NotConfigured  # monitors off: nothing to feed
        middleware = cls()
        CrawlContext.of(crawler).sources.set(middleware)  # read by the monitor extension when judging
        return middleware

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for o in start:
            yield _tagged(o, o.url if isinstance(o, Request) else None)

    def process_spider_output(self, response: Response | None, result: Iterable[Any]) -> Iterable[Any]:
        source = self._hub_source(response)
        for o in result:
            yield _tagged(o, source)

    async def process_spider_output_async(
        self, response: Response | None, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        source = self._hub_source(response)
        async for o in result:
            yield _tagged(o, source)

    def _hub_source(self, response: Response | None) -> str | None:
        if response is None or response.meta.get(META_KIND) not in HUB_KINDS:
            return None
        source = str(response.meta.get(META_SOURCE) or response.url)
        self.source_of[response.url] = source
        return source

    def counts(
        self, listed: Mapping[str, Iterable[str]], store: Store, since: float
    ) -> dict[str, tuple[int, int]]:
        """{configured hub: (article URLs listed, of which new)}; new: not emitted before this run."""
        by_source: dict[str, set[str]] = {}
        for page, urls in listed.items():
            by_source.setdefault(self.source_of.get(page, page), set()).update(urls)
        out: dict[str, tuple[int, int]] = {}
        for source, urls in by_source.items():
            new = 0
            for url in urls:
                state = store.resolve(url)
                new += state is None or state.first_seen >= since
            out[source] = (len(urls), new)
        return out


def _tagged(o: Any, source: str | None) -> Any:
    """A hub request knows the configured hub it comes from (a feed, a listing's first page, a sitemap)."""
    if source and isinstance(o, Request) and o.meta.get(META_KIND) in HUB_KINDS:
        o.meta.setdefault(META_SOURCE, source)
    return o
