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
that now names a URL already requested, or that a page fetched meanwhile named as its canonical URL, is not
sent (``alias_merged``). A request that may be an alias of a URL already known (same path, its query a
superset, names compared without case: ``?ID=5&cat=2`` beside ``?id=5``) waits until the rest of its level
was answered, then goes in rounds of 1, 2, 4... requests, each round written again by what the previous
ones taught: the site's canonical answers decide whether it is fetched at all.

It sits last before the engine (after the skip-emitted middleware and the hub-source tags), so what it
releases has already been filtered; released requests go to the engine's scheduler (``engine.crawl``),
where the dupefilter drops those a shorter path already fetched. Hubs and escalations are never held.
"""

from __future__ import annotations

import itertools
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

MAX_PAIRS = 8  # a query with more parameters is never taken for a possible alias (2^n subsets looked up)


class LevelGate:
    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats = crawler.stats
        self.level = -1  # the deepest level released so far (0 once the start hubs are parsed)
        self.held: dict[int, list[Request]] = {}
        self.start_hubs: set[str] = set()  # URLs of the start hubs not parsed yet
        self.deferred: list[Request] = []  # requests of the level that may be aliases of known URLs
        self.probes = 1  # how many of them the next round sends
        self.probed: set[tuple[str, str]] = set()  # what the requests sent early to teach were to teach
        self.context = CrawlContext.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LevelGate:
        gate = cls(crawler)
        if not gate.context.levels.is_set:  # one gate per crawl (a second one only in unit tests)
            gate.context.levels.set(gate)
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

    def admit(self, request: Request) -> bool:
        """A request a signal handler gives the engine directly (articles held for the site template's
        warm-up, released at idle): True when it may go now, False when it waits for its level here."""
        return self._passes(request)

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
        frontier = self.context.frontier
        if frontier is not None and requests:
            requests, self.deferred = possible_aliases(requests, frontier.keys())
            self.probes = 1
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
        if self._probe(o):
            return True
        self.held.setdefault(hops, []).append(o)
        return False

    def probe_wanted(self, key: str) -> bool:
        """True when a request for ``key`` would be sent before its level to teach the URL rules."""
        frontier = self.context.frontier
        new = frontier.probe(key) if frontier is not None else ()
        return bool(new) and not all(item in self.probed for item in new)

    def _probe(self, request: Request) -> bool:
        """True for a deeper request sent at once to teach the URL rules: it looks like an alias, by a
        parameter value or a name's case not learned yet, of a story already parsed (one per thing to
        learn). Its page is that story again (its record a duplicate, dropped) or, when the parameter
        identifies pages, a story of its own found by its own path: either way no record changes, and
        the records written meanwhile (the site template's warm-up holds the first ones) and the rest of
        its level are written by what it taught."""
        frontier = self.context.frontier
        key = request.meta.get(META_KEY)
        if frontier is None or not isinstance(key, str):
            return False
        new = frontier.probe(key)
        if not new or all(item in self.probed for item in new):
            return False
        self.probed.update(new)
        self.stats.inc_value(stats.LINK_ALIAS_PROBE)
        logger.debug("Request %s sent before its level: it may teach the site's URL rules %s", key, new)
        return True

    def spider_idle(self, spider: Spider) -> None:
        """Everything of the released levels is answered: release the next level that holds requests."""
        self.start_hubs.clear()  # those not parsed failed: they list nothing
        if self.deferred:  # in rounds of 1, 2, 4... so that what each round teaches spares the next ones
            deferred = self._by_rules(self.deferred)
            now, self.deferred = deferred[: self.probes], deferred[self.probes :]
            self.probes *= 2
            if now:
                for request in now:
                    self.crawler.engine.crawl(request)
                raise DontCloseSpider
        if not self.held:
            self.level = max(self.level, 0)
            return
        for request in self._release(min(self.held)):
            self.crawler.engine.crawl(request)
        raise DontCloseSpider


def possible_aliases(requests: list[Request], known: Iterable[str]) -> tuple[list[Request], list[Request]]:
    """(the requests to send now, those that may be aliases of a URL already known): same path, and the
    known URL's query parameters (names without case) all among theirs, ``?ID=5&cat=2`` beside ``?id=5``.
    Of those sent now, the ones with more parameters than other URLs of their path go one priority step
    first within their level: their canonical answers teach the site's URL rules soonest. Cheap: the known
    queries kept as sets per path, and each request's smaller sets of parameters looked up (at most
    MAX_PAIRS parameters: 2^n lookups)."""
    queries: dict[tuple[str, str], set[frozenset[tuple[str, str]]]] = {}
    for url in known:
        where, pairs = _query_pairs(url)
        if pairs:
            queries.setdefault(where, set()).add(pairs)
    fewest = {where: min(len(pairs) for pairs in found) for where, found in queries.items()}
    now: list[Request] = []
    later: list[Request] = []
    for request in requests:
        where, pairs = _query_pairs(request.meta.get(META_KEY) or request.url)
        found = queries.get(where)
        if not pairs or found is None or len(pairs) > MAX_PAIRS:
            now.append(request)
            continue
        ordered = sorted(pairs)
        smaller = (frozenset(c) for n in range(1, len(ordered)) for c in itertools.combinations(ordered, n))
        if any(subset in found for subset in smaller):
            later.append(request)
            continue
        if len(pairs) > fewest[where]:
            request.priority += 1
        now.append(request)
    return now, later


def _query_pairs(url: str) -> tuple[tuple[str, str], frozenset[tuple[str, str]]]:
    parts = urlsplit(url)
    if not parts.query:
        return (parts.netloc, parts.path), frozenset()
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    return (parts.netloc, parts.path), frozenset((n.casefold(), v) for n, v in pairs)
