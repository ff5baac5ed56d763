"""Spider middleware: article requests leave level by level, so the shortest path wins in any response order.

Related-link hops are levels: level 0 is what the hubs list (and start URLs), level 1 their Read also / News
Feed links, and so on. A request of a deeper level waits here until the crawl is idle (every hub, every
request of the levels above and every redirect they took has been answered), then its level is released.
Level 0 itself waits for the start hubs (the configured feeds, listings and sitemaps) to be parsed, or for
the crawl to be idle when one of them failed: an article two of them list then has both paths known before
its page is parsed, and the record shows the one the frontier's rule puts first, not the faster hub's. A
301 from an old slug therefore reaches the new slug with its own (shorter) path before any longer path can
fetch it, whichever response is slow, and the record shows the shortest path (frontier.py). Priority alone
(``-hops``) orders the queue, not the responses.

A level's requests are written again by the site's URL rules learned since they were made (url_rules.py): one
that now names a URL already requested is not sent (``alias_merged``). And before any rule is known (a first
run), a level-0 request that may be an alias of another one of the batch (same path, its query a superset,
names compared without case: ``?ID=5&cat=2`` beside ``?id=5``) waits until the rest of the level was
answered, so that the canonical answers of the others decide whether it is fetched at all.

It sits last before the engine (after the skip-emitted middleware and the hub-source tags), so what it
releases has already been filtered; released requests go to the engine's scheduler (``engine.crawl``),
where the dupefilter drops those a shorter path already fetched. Hubs and escalations are never held.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response

from newsmon import stats
from newsmon.context import CrawlContext
from newsmon.crawl.frontier import article_hops, request_path
from newsmon.meta import META_HINTS, META_KEY

logger = logging.getLogger(__name__)


class LevelGate:
    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats = crawler.stats
        self.level = -1  # the deepest level released so far (0 once the start hubs are parsed)
        self.held: dict[int, list[Request]] = {}
        self.start_hubs: set[str] = set()  # URLs of the start hubs not parsed yet
        self.deferred: list[Request] = []  # level-0 requests that may be aliases of others: sent last
        self.context = CrawlContext.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LevelGate:
        gate = cls(crawler)
        crawler.signals.connect(gate.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(gate.spider_closed, signal=signals.spider_closed)
        return gate

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """What a limit or a signal left waiting is said once (the next run reaches it again)."""
        waiting = sum(len(requests) for requests in self.held.values())
        if waiting:
            self.stats.inc_value(stats.LINK_LEVEL_UNRELEASED, waiting)
            logger.info("Spider closed (%s) with %d related-link requests not yet released", reason, waiting)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for o in start:
            if isinstance(o, Request) and article_hops(o.meta) is None:
                self.start_hubs.add(o.url)
            if self._passes(o):
                yield o
        if not self.start_hubs:  # start URLs only, or a process joining a distributed run
            for request in self._release(0):
                yield request

    def process_spider_output(self, response: Response | None, result: Iterable[Any]) -> Iterable[Any]:
        yield from (o for o in result if self._passes(o))
        yield from self._hub_parsed(response)

    async def process_spider_output_async(
        self, response: Response | None, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for o in result:
            if self._passes(o):
                yield o
        for request in self._hub_parsed(response):
            yield request

    def _hub_parsed(self, response: Response | None) -> list[Request]:
        """Level 0 when the last start hub has been parsed or its errback run (the requests to send), else
        nothing. A hub that failed to download reaches no spider middleware: level 0 then waits for idle."""
        if response is None or not self.start_hubs or self.level >= 0:
            return []
        request = response.request
        first_url = (request.meta.get("redirect_urls") or [request.url])[0] if request else response.url
        self.start_hubs.discard(first_url)
        return [] if self.start_hubs else self._release(0)

    def _release(self, level: int) -> list[Request]:
        self.level = max(self.level, level)
        requests = self._by_rules(self.held.pop(level, []))
        if requests:
            self.stats.inc_value(stats.LINK_LEVEL_RELEASED, len(requests))
            logger.debug("Requests of level %d released: %d", level, len(requests))
        if level == 0 and len(requests) > 1:
            requests, self.deferred = possible_aliases(requests)
            if self.deferred:
                self.stats.inc_value(stats.LINK_ALIAS_DEFERRED, len(self.deferred))
        return requests

    def _by_rules(self, requests: list[Request]) -> list[Request]:
        """requests, each by the URL the site's URL rules learned meanwhile give its key: one whose key
        they change is made again through the frontier (nothing when that URL was requested already); one
        that a page fetched meanwhile under another URL named as its canonical URL is not sent."""
        frontier = self.context.frontier
        if frontier is None:
            return requests
        out: list[Request] = []
        for request in requests:
            key = request.meta.get(META_KEY)
            if isinstance(key, str) and frontier.superseded(key):  # a page fetched meanwhile named it
                self.stats.inc_value(stats.LINK_ALIAS_MERGED)
                logger.debug("Request %s not sent: a page fetched under another URL named it", key)
                continue
            target = frontier.url_rules.rewrite(key) if isinstance(key, str) else None
            if target is None or target == key:
                out.append(request)
                continue
            visits = list(frontier.link(target, request_path(request.meta), request.meta.get(META_HINTS)))
            if not any(visit.url == target for visit in visits):
                self.stats.inc_value(stats.LINK_ALIAS_MERGED)
                logger.debug("Request %s not sent: the site names it %s, requested already", key, target)
            out.extend(self.context.article_requests(visits))
        return out

    def _passes(self, o: Any) -> bool:
        if not isinstance(o, Request):
            return True
        hops = article_hops(o.meta)
        if hops is None or hops <= self.level:
            return True
        self.held.setdefault(hops, []).append(o)
        return False

    def spider_idle(self, spider: Spider) -> None:
        """Everything of the released levels is answered: release the next level that holds requests."""
        self.start_hubs.clear()  # those not parsed failed: they list nothing
        if self.deferred:
            deferred, self.deferred = self._by_rules(self.deferred), []
            if deferred:
                for request in deferred:
                    self.crawler.engine.crawl(request)
                raise DontCloseSpider
        if not self.held:
            self.level = max(self.level, 0)
            return
        for request in self._release(min(self.held)):
            self.crawler.engine.crawl(request)
        raise DontCloseSpider


def possible_aliases(requests: list[Request]) -> tuple[list[Request], list[Request]]:
    """(the requests to send now, those that may be aliases of another of them): same path, and the other's
    query parameters (names without case) all among theirs. Of those sent now, the ones with more
    parameters than others of their path go first (a priority step within the level): their canonical
    answers teach the site's URL rules before the first records are written. Cheap: grouped by path,
    compared through their rarest parameter."""
    groups: dict[tuple[str, str], list[tuple[frozenset[tuple[str, str]], Request]]] = {}
    for request in requests:
        parts = urlsplit(request.meta.get(META_KEY) or request.url)
        if parts.query:
            pairs = frozenset((n.casefold(), v) for n, v in parse_qsl(parts.query, keep_blank_values=True))
            groups.setdefault((parts.netloc, parts.path), []).append((pairs, request))
    later: set[int] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        by_pair: dict[tuple[str, str], list[frozenset[tuple[str, str]]]] = {}
        for pairs, _ in members:
            for pair in pairs:
                by_pair.setdefault(pair, []).append(pairs)
        fewest = min(len(pairs) for pairs, _ in members)
        for pairs, request in members:
            rarest = min(pairs, key=lambda pair: len(by_pair[pair]))
            if any(other < pairs for other in by_pair[rarest]):
                later.add(id(request))
            elif len(pairs) > fewest:
                request.priority += 1
    if not later:
        return requests, []
    return [r for r in requests if id(r) not in later], [r for r in requests if id(r) in later]
