"""Skip before download: article requests whose canonical URL was already emitted never reach the scheduler.

A spider middleware (not a downloader middleware raising IgnoreRequest): IgnoreRequest from a downloader
middleware reaches the request's errback, which the spider counts as a failed article with a warning;
filtering the spider's output instead keeps skipped URLs out of the scheduler, the dupefilter and the
download slots, and nothing is logged per URL. Exception: the revisit window, young articles (published,
or first seen when undated, less than NEWSMON_REVISIT_YOUNGER_THAN hours ago) are fetched again once
NEWSMON_REVISIT_EVERY hours have passed since their last fetch. Hubs (feeds, listings) always pass.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from newsmon import stats
from newsmon.context import CrawlContext
from newsmon.meta import META_DEPTH, META_HOPS, META_KEY, META_KIND, META_SKIPPED_AS
from newsmon.state.backend import StateBackend, state_backend
from newsmon.state.config import OPTIONS as STATE_OPTIONS
from newsmon.state.store import ArticleState

logger = logging.getLogger(__name__)

HOUR = 3600.0


def should_revisit(state: ArticleState, now: float, younger_than_h: float, every_h: float) -> bool:
    born = state.published_at if state.published_at is not None else state.first_seen
    return now - born < younger_than_h * HOUR and now - state.last_fetched >= every_h * HOUR


class SkipEmittedArticles:
    def __init__(self, crawler: Crawler, state: StateBackend, context: CrawlContext) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.state = state  # its store is opened by the state extension when the spider opens
        self.context = context  # the spider's frontier, for the stored links of skipped articles
        self.younger_than_h = state.config.revisit_younger_than_h
        self.every_h = state.config.revisit_every_h

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipEmittedArticles:
        settings = crawler.settings
        if not STATE_OPTIONS.getbool(settings, "NEWSMON_STATE_ENABLED"):
            raise NotConfigured  # off on purpose: quiet
        if STATE_OPTIONS.getbool(settings, "NEWSMON_SNAPSHOT"):
            raise NotConfigured  # a snapshot fetches every article: quiet
        return cls(crawler, state_backend(crawler), CrawlContext.of(crawler))

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for o in start:
            for out in self._filter(o):
                yield out

    def process_spider_output(self, response: Response | None, result: Iterable[Any]) -> Iterable[Any]:
        for o in result:
            yield from self._filter(o)

    async def process_spider_output_async(
        self, response: Response | None, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for o in result:
            for out in self._filter(o):
                yield out

    def _filter(self, first: Any) -> Iterator[Any]:
        """first, unless it is an emitted article; then the requests for its stored related links, filtered
        the same way (a skipped article's links are followed from the store, within the follow depth, so
        an article that a crashed run reached only through it is still found)."""
        todo = [first]
        while todo:
            o = todo.pop()
            if not isinstance(o, Request) or self._wanted(o):
                yield o
            else:
                todo.extend(reversed(list(self._stored_links(o))))

    def _wanted(self, request: Request) -> bool:
        store = self.state.store
        if store is None or request.meta.get(META_KIND) != "article":
            return True
        key = request.meta.get(META_KEY) or request.url
        state = store.resolve(key)
        if state is None:
            self.stats.inc_value(stats.STATE_NEW)
            return True
        now = time.time()
        if should_revisit(state, now, self.younger_than_h, self.every_h):
            self.stats.inc_value(stats.STATE_REVISIT)
            return True
        store.touch(state.canonical_url, fetched=False, now=now)
        self.stats.inc_value(stats.STATE_SKIPPED)
        logger.debug("Skipping %s: emitted before (version %d)", key, state.version)
        request.meta[META_SKIPPED_AS] = state.canonical_url
        return False

    def _stored_links(self, request: Request) -> Iterator[Request]:
        """The frontier's related-link following, fed from the store as if the skipped article had been
        parsed: same depth limit, and when a shorter path to it turns up later its links are followed again
        from there, exactly as for a parsed article."""
        store, frontier = self.state.store, self.context.frontier
        if store is None or frontier is None:
            return
        url = request.meta[META_SKIPPED_AS]
        links = store.links(url)
        self.stats.inc_value(stats.STATE_STORED_LINKS, len(links))
        hops, depth = request.meta.get(META_HOPS, 0), request.meta.get(META_DEPTH, 0)
        visits = frontier.related(links, url, depth, hops, request.meta.get(META_KEY) or url)
        yield from self.context.article_requests(visits)
