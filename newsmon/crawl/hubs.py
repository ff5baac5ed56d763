"""Hub pages of a news spider: feeds, category listings, sitemaps and robots.txt `Sitemap:` lines, each
turned into article requests (through the frontier) and further hub requests, within the run's hub budget
(``newsmon/discovery/budget.py``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from lxml.html import HtmlElement
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsmon import stats
from newsmon.crawl.classify import is_html_type
from newsmon.crawl.frontier import ArticleVisit, Frontier, LinkPath
from newsmon.discovery.budget import HubBudget
from newsmon.discovery.feeds import parse_feed
from newsmon.discovery.listings import listing_article_links, next_page_url
from newsmon.discovery.sitemaps import (
    MAX_UNZIPPED,
    SitemapEntry,
    SitemapResult,
    newest_first,
    parse_sitemap,
    robots_sitemaps,
)
from newsmon.extract.html import http_charset, parse_html
from newsmon.fetch.challenge import challenge_reason
from newsmon.fetch.failures import failure_reason
from newsmon.meta import META_KIND, META_PAGE, META_SITEMAP_LEVEL, META_TIER, Tier

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector

    from newsmon.crawl.config import CrawlConfig

logger = logging.getLogger(__name__)

MAX_SITEMAP_LEVELS = 3  # sitemap index -> index -> urlset is as deep as real sites go


class HubReader:
    """Reads hub responses into article visits (through the frontier) and further hub requests.

    Composed into NewsSpider, whose ``parse_*`` methods delegate here (Scrapy needs spider methods as
    callbacks for requests to serialise: JOBDIR, scrapy-redis). ``callbacks`` maps a hub kind to that
    method; ``article_request`` turns a frontier visit into the spider's article request.
    """

    def __init__(
        self,
        config: CrawlConfig,
        frontier: Frontier,
        budget: HubBudget,
        stats: Callable[[], StatsCollector],
        callbacks: Mapping[str, Callable[[Response], Any]],
        errback: Callable[[Failure], None],
        article_request: Callable[[ArticleVisit], Request],
        learn: Callable[[HtmlElement, str], None] | None = None,
    ) -> None:
        self.config = config
        self.learn = learn  # the site template learns from listing pages too (newsmon/state/template.py)
        self.site = config.site
        self.frontier = frontier
        self.hub_budget = budget
        self._stats_of = stats
        self.callbacks = callbacks
        self.errback = errback
        self.article_request = article_request

    @property
    def _stats(self) -> StatsCollector:
        return self._stats_of()

    def _articles(
        self, url: str, via: str, referrer: str, hints: Mapping[str, str] | None = None
    ) -> Iterator[Request]:
        """Requests for an article link a hub listed (hops 0, depth 1)."""
        for visit in self.frontier.link(url, LinkPath(0, 1, via, referrer), hints):
            yield self.article_request(visit)

    def hub_request(
        self, url: str, kind: str, meta: dict[str, Any] | None = None, *, configured: bool = False
    ) -> Request | None:
        """The request for a hub page, or None when the run's hub budget is spent (counted, said once).
        Configured hubs are always requested; the priority keeps later hubs from starving articles."""
        priority = self.hub_budget.admit(configured=configured)
        if priority is None:
            self._hub_budget_cut(kind, 1)
            return None
        return Request(
            url,
            callback=self.callbacks[kind],
            errback=self.errback,
            priority=priority,
            meta={META_KIND: kind, **(meta or {})},
        )

    def _hub_budget_cut(self, kind: str, count: int) -> None:
        self._stats.inc_value(stats.HUB_BUDGET_CUT, count)
        self._stats.inc_value(stats.hub_budget_cut(kind), count)
        if self.hub_budget.refuse(kind, count):
            logger.warning(
                "Hub budget spent: %d hub requests this run (NEWSMON_MAX_HUB_REQUESTS); further listing "
                "pages and sitemaps are not requested (counted as newsmon/hub/budget_cut)",
                self.hub_budget.issued,
            )

    def start_hubs(self) -> Iterator[Request]:
        config = self.config
        configured: list[tuple[str, str, dict[str, Any]]] = [(url, "feed", {}) for url in config.feed_urls]
        configured += [(url, "listing", {META_PAGE: 1}) for url in config.category_urls]
        configured += [(url, "sitemap", {META_SITEMAP_LEVEL: 1}) for url in config.sitemap_urls]
        if self.site.robots_sitemaps:
            configured.append((config.scope.absolute("/robots.txt"), "robots", {}))
        for url, kind, meta in configured:
            request = self.hub_request(url, kind, meta, configured=True)
            if request is not None:
                yield request

    # --- hubs ------------------------------------------------------------------------------------
    def feed(self, response: Response) -> Iterable[Request]:
        counter = self._stats
        result = parse_feed(
            response.body,
            response.url,
            (response.headers.get("Content-Type") or b"").decode("latin-1"),
            max_entries=self.config.feed_max_entries,
        )
        if result.dropped:
            counter.inc_value(stats.FEED_TRUNCATED)
            logger.warning(
                "Feed %s has %d entries; reading the first %d (NEWSMON_FEED_MAX_ENTRIES)",
                response.url,
                len(result.entries) + result.dropped,
                self.config.feed_max_entries,
            )
        if result.bozo_reason:
            counter.inc_value(stats.FEED_BOZO)
            logger.warning(
                "Feed %s is ill-formed (%s); keeping its %d parseable entries",
                response.url,
                result.bozo_reason,
                len(result.entries),
            )
        if not result.entries:
            challenge = (
                None if result.kind else challenge_reason(response.status, response.headers, response.body)
            )
            if challenge is not None:
                counter.inc_value(stats.kind_challenge("feed", challenge))
                why = f"a bot challenge ({challenge}), not the feed"
            elif result.kind or result.empty_document:
                counter.inc_value(stats.FEED_EMPTY)
                why = "empty feed" if result.kind else "empty document"
            else:
                counter.inc_value(stats.FEED_NOT_A_FEED)
                why = "not a feed document"
            logger.warning(
                "Feed %s yielded no entries (%s); category pages are still crawled", response.url, why
            )
            return
        counter.inc_value(stats.FEED_ENTRIES, len(result.entries))
        for entry in result.entries:
            yield from self._articles(entry.url, result.discovered_via, response.url)

    def listing(self, response: Response) -> Iterable[Request]:
        if not isinstance(response, TextResponse) or not is_html_type(content_type(response)):
            self._stats.inc_value(stats.PAGE_NOT_HTML)
            logger.warning(
                "Skipping listing %s: not HTML (%s)", response.url, content_type(response) or "binary"
            )
            return
        tree = parse_html(response.body, encoding=page_charset(response))
        links = listing_article_links(tree, response.url, self.config.extract_options)
        self._stats.inc_value(stats.LISTING_PAGES)
        if self.learn is not None:
            self.learn(tree, response.url)
        if not links:
            self._stats.inc_value(stats.LISTING_EMPTY)
            logger.warning("Listing %s has no article links", response.url)
        for url in links:
            yield from self._articles(url, "category", response.url)
        page = response.meta.get(META_PAGE, 1)
        next_url = next_page_url(tree, response.url)
        if next_url and page < self.config.max_pages:
            local = self.frontier.local(next_url)
            if local is not None:
                request = self.hub_request(local, "listing", {META_PAGE: page + 1})
                if request is not None:
                    yield request
            else:
                logger.warning(
                    "Listing %s: its next page %s is on another site; not followed", response.url, next_url
                )
        elif next_url:
            self._stats.inc_value(stats.LISTING_PAGE_LIMIT)

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get(META_KIND, "hub")
        if failure.check(HttpError):
            response = failure.value.response
            status = response.status
            self._stats.inc_value(stats.kind_http_error(kind, status))
            challenge = challenge_reason(status, response.headers, response.body) if status >= 500 else None
            if challenge is not None:  # a 503 wall, not an outage (403/429 are refusals anyway): blocked
                self._stats.inc_value(stats.kind_challenge(kind, challenge))
            logger.warning(
                "%s %s answered HTTP %d; the other sources are still crawled",
                kind.capitalize(),
                request.url,
                status,
            )
        else:
            reason = failure_reason(failure)
            self._stats.inc_value(stats.kind_failed(kind))
            self._stats.inc_value(stats.kind_failed(kind, reason))
            logger.warning(
                "%s %s failed (%s): %s", kind.capitalize(), request.url, reason, failure.getErrorMessage()
            )

    def robots(self, response: Response) -> Iterable[Request]:
        text = (
            response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        )
        urls = robots_sitemaps(text, response.url)
        self._stats.inc_value(stats.ROBOTS_SITEMAPS, len(urls))
        if not urls:
            logger.warning("robots.txt %s names no sitemap", response.url)
        for url in urls:
            local = self.config.scope.localize(url)
            if local is None:
                self._stats.inc_value(stats.LINK_OFFSITE)
                continue
            request = self.hub_request(local, "sitemap", {META_SITEMAP_LEVEL: 1})
            if request is not None:
                yield request

    def sitemap(self, response: Response) -> Iterable[Request]:
        result = parse_sitemap(response.body, response.url)
        counter = self._stats
        kept = len(result.entries) + len(result.children)
        if result.too_large:
            counter.inc_value(stats.SITEMAP_TOO_LARGE)
            logger.warning(
                "Sitemap %s unpacks to more than %d MiB (a gzip bomb?); reading stopped there, keeping its "
                "%d entries", response.url, MAX_UNZIPPED // 2**20, kept,
            )  # fmt: skip
        elif result.error:
            challenge = (
                None if result.kind else challenge_reason(response.status, response.headers, response.body)
            )
            if challenge is not None:
                counter.inc_value(stats.kind_challenge("sitemap", challenge))
            else:
                counter.inc_value(stats.SITEMAP_BOZO if result.kind else stats.SITEMAP_NOT_A_SITEMAP)
            logger.warning(
                "Sitemap %s: %s; keeping its %d entries", response.url,
                f"a bot challenge ({challenge})" if challenge else result.error, kept,
            )  # fmt: skip
        if result.truncated:
            counter.inc_value(stats.SITEMAP_TRUNCATED)
            logger.warning("Sitemap %s has more entries than can be read; the rest is skipped", response.url)
        yield from self._child_sitemaps(result, response.url, response.meta.get(META_SITEMAP_LEVEL, 1))
        counter.inc_value(stats.SITEMAP_ENTRIES, len(result.entries))
        for entry in result.entries:
            yield from self._sitemap_article(entry, response.url)

    def _child_sitemaps(self, result: SitemapResult, index_url: str, level: int) -> Iterator[Request]:
        """Requests for an index's children: on this site, newest first, at most NEWSMON_MAX_CHILD_SITEMAPS
        of them, within the hub budget; what is left out is counted (and said once per index or run)."""
        if not result.children:
            return
        counter = self._stats
        if level >= MAX_SITEMAP_LEVELS:
            counter.inc_value(stats.SITEMAP_TOO_DEEP, len(result.children))
            return
        ordered = newest_first(result.children)
        keep = self.hub_budget.children_to_read(len(ordered))
        if keep < len(ordered):
            counter.inc_value(stats.SITEMAP_CHILDREN_CUT, len(ordered) - keep)
            logger.warning(
                "Sitemap index %s lists %d child sitemaps; reading the newest %d "
                "(NEWSMON_MAX_CHILD_SITEMAPS)", index_url, len(ordered), keep,
            )  # fmt: skip
        room = self.hub_budget.remaining
        wanted = keep if room is None else min(keep, room)
        chosen: dict[str, None] = {}
        looked_at = 0
        for child in ordered[:keep]:  # only as many as needed are looked at: an index may list 50,000
            if len(chosen) >= wanted:
                break
            looked_at += 1
            local = self.config.scope.localize(child.url)
            if local is None:
                counter.inc_value(stats.LINK_OFFSITE)
            else:
                chosen.setdefault(local, None)
        for url in chosen:
            request = self.hub_request(url, "sitemap", {META_SITEMAP_LEVEL: level + 1})
            if request is not None:
                yield request
        if looked_at < keep:  # the run's budget is spent: the older children are left out
            self._hub_budget_cut("sitemap", keep - looked_at)

    def _sitemap_article(self, entry: SitemapEntry, referrer: str) -> Iterator[Request]:
        """Sitemaps list every page of a site: with an article pattern only its articles are fetched."""
        local = self.config.scope.localize(entry.url)
        pattern_says_no = local is not None and not self.frontier.is_article_url(local)
        if self.site.article_pattern is not None and pattern_says_no:
            self._stats.inc_value(stats.SITEMAP_NOT_ARTICLE_URL)
            return
        hints = {"published_at": entry.news_published_at, "title": entry.news_title}
        yield from self._articles(entry.url, "sitemap", referrer, {k: v for k, v in hints.items() if v})


def content_type(response: Response) -> str:
    return (response.headers.get("Content-Type") or b"").decode("latin-1").lower()


def page_charset(response: TextResponse) -> str | None:
    """The charset ``decode_body`` is given for a page: what the server said (Content-Type), never Scrapy's
    own guess (``response.encoding`` falls back on <meta> and detection, which decode_body orders itself:
    valid UTF-8 before <meta>). A browser response's body was encoded by scrapy-playwright in a charset it
    chose: that one."""
    if response.request is not None and response.meta.get(META_TIER) == Tier.STEALTHY:
        return response.encoding
    return http_charset(response.headers.get("Content-Type"))
