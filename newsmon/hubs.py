"""Hub pages of a news spider: feeds, category listings, sitemaps and robots.txt `Sitemap:` lines, each
turned into article requests (the spider's ``article_requests``) and further hub requests, within the run's
hub budget (``newsmon/discovery/budget.py``)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

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
from newsmon.extract.html import parse_html
from newsmon.fetch.challenge import challenge_reason
from newsmon.fetch.failures import failure_reason
from newsmon.meta import META_KIND, META_PAGE, META_SITEMAP_LEVEL
from newsmon.urls import canonicalize

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector

    from newsmon.extract.types import ExtractOptions
    from newsmon.sites import SiteConfig
    from newsmon.urls import SiteScope

logger = logging.getLogger(__name__)

MAX_SITEMAP_LEVELS = 3  # sitemap index -> index -> urlset is as deep as real sites go


class HubsMixin:
    """Callbacks of hub responses; mixed into NewsSpider, which sets these attributes and provides
    ``article_requests`` and ``_is_html``."""

    site: SiteConfig
    scope: SiteScope
    tracking: tuple[str, ...]
    feed_urls: list[str]
    category_urls: list[str]
    sitemap_urls: list[str]
    max_pages: int
    feed_max_entries: int
    extract_options: ExtractOptions
    hub_budget: HubBudget

    @property
    def _stats(self) -> StatsCollector:
        raise NotImplementedError

    def article_requests(
        self,
        url: str,
        *,
        via: str,
        referrer: str | None,
        depth: int,
        hops: int,
        hints: dict[str, str] | None = None,
    ) -> Iterator[Request]:
        raise NotImplementedError

    def _is_html(self, response: Response) -> bool:
        raise NotImplementedError

    def hub_request(
        self, url: str, kind: str, meta: dict[str, Any] | None = None, *, configured: bool = False
    ) -> Request | None:
        """The request for a hub page, or None when the run's hub budget is spent (counted, said once).
        Configured hubs are always requested; the priority keeps later hubs from starving articles."""
        priority = self.hub_budget.admit(configured=configured)
        if priority is None:
            self._hub_budget_cut(kind, 1)
            return None
        callbacks = {
            "feed": self.parse_feed,
            "listing": self.parse_listing,
            "sitemap": self.parse_sitemap,
            "robots": self.parse_robots,
        }
        return Request(
            url,
            callback=callbacks[kind],
            errback=self.hub_failed,
            priority=priority,
            meta={META_KIND: kind, **(meta or {})},
        )

    def _hub_budget_cut(self, kind: str, count: int) -> None:
        self._stats.inc_value("newsmon/hub/budget_cut", count)
        self._stats.inc_value(f"newsmon/hub/budget_cut/{kind}", count)
        if self.hub_budget.refuse(kind, count):
            logger.warning(
                "Hub budget spent: %d hub requests this run (NEWSMON_MAX_HUB_REQUESTS); further listing "
                "pages and sitemaps are not requested (counted as newsmon/hub/budget_cut)",
                self.hub_budget.issued,
            )

    def start_hubs(self) -> Iterator[Request]:
        configured: list[tuple[str, str, dict[str, Any]]] = [(url, "feed", {}) for url in self.feed_urls]
        configured += [(url, "listing", {META_PAGE: 1}) for url in self.category_urls]
        configured += [(url, "sitemap", {META_SITEMAP_LEVEL: 1}) for url in self.sitemap_urls]
        if self.site.robots_sitemaps:
            configured.append((self.scope.absolute("/robots.txt"), "robots", {}))
        for url, kind, meta in configured:
            request = self.hub_request(url, kind, meta, configured=True)
            if request is not None:
                yield request

    # --- hubs ------------------------------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterable[Request]:
        stats = self._stats
        result = parse_feed(
            response.body,
            response.url,
            (response.headers.get("Content-Type") or b"").decode("latin-1"),
            max_entries=self.feed_max_entries,
        )
        if result.dropped:
            stats.inc_value("newsmon/feed/truncated")
            logger.warning(
                "Feed %s has %d entries; reading the first %d (NEWSMON_FEED_MAX_ENTRIES)",
                response.url,
                len(result.entries) + result.dropped,
                self.feed_max_entries,
            )
        if result.bozo_reason:
            stats.inc_value("newsmon/feed/bozo")
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
                stats.inc_value(f"newsmon/feed/challenge/{challenge}")
                why = f"a bot challenge ({challenge}), not the feed"
            elif result.kind or result.empty_document:
                stats.inc_value("newsmon/feed/empty")
                why = "empty feed" if result.kind else "empty document"
            else:
                stats.inc_value("newsmon/feed/not_a_feed")
                why = "not a feed document"
            logger.warning(
                "Feed %s yielded no entries (%s); category pages are still crawled", response.url, why
            )
            return
        stats.inc_value("newsmon/feed/entries", len(result.entries))
        for entry in result.entries:
            yield from self.article_requests(
                entry.url, via=result.discovered_via, referrer=response.url, depth=1, hops=0
            )

    def parse_listing(self, response: Response) -> Iterable[Request]:
        if not self._is_html(response):
            return
        assert isinstance(response, TextResponse)
        tree = parse_html(response.body, encoding=response.encoding)
        links = listing_article_links(tree, response.url, self.extract_options)
        self._stats.inc_value("newsmon/listing/pages")
        if not links:
            self._stats.inc_value("newsmon/listing/empty")
            logger.warning("Listing %s has no article links", response.url)
        for url in links:
            yield from self.article_requests(url, via="category", referrer=response.url, depth=1, hops=0)
        page = response.meta.get(META_PAGE, 1)
        next_url = next_page_url(tree, response.url)
        if next_url and page < self.max_pages:
            local = self.scope.localize(next_url)
            if local is not None:
                request = self.hub_request(
                    canonicalize(local, self.tracking), "listing", {META_PAGE: page + 1}
                )
                if request is not None:
                    yield request
            else:
                self._stats.inc_value("newsmon/link/offsite")
                logger.warning(
                    "Listing %s: its next page %s is on another site; not followed", response.url, next_url
                )
        elif next_url:
            self._stats.inc_value("newsmon/listing/page_limit")

    def hub_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get(META_KIND, "hub")
        if failure.check(HttpError):
            response = failure.value.response
            status = response.status
            self._stats.inc_value(f"newsmon/{kind}/http_error/{status}")
            challenge = challenge_reason(status, response.headers, response.body) if status >= 500 else None
            if challenge is not None:  # a 503 wall, not an outage (403/429 are refusals anyway): blocked
                self._stats.inc_value(f"newsmon/{kind}/challenge/{challenge}")
            logger.warning(
                "%s %s answered HTTP %d; the other sources are still crawled",
                kind.capitalize(),
                request.url,
                status,
            )
        else:
            reason = failure_reason(failure)
            self._stats.inc_value(f"newsmon/{kind}/failed")
            self._stats.inc_value(f"newsmon/{kind}/failed/{reason}")
            logger.warning(
                "%s %s failed (%s): %s", kind.capitalize(), request.url, reason, failure.getErrorMessage()
            )

    def parse_robots(self, response: Response) -> Iterable[Request]:
        text = (
            response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        )
        urls = robots_sitemaps(text, response.url)
        self._stats.inc_value("newsmon/robots/sitemaps", len(urls))
        if not urls:
            logger.warning("robots.txt %s names no sitemap", response.url)
        for url in urls:
            local = self.scope.localize(url)
            if local is None:
                self._stats.inc_value("newsmon/link/offsite")
                continue
            request = self.hub_request(local, "sitemap", {META_SITEMAP_LEVEL: 1})
            if request is not None:
                yield request

    def parse_sitemap(self, response: Response) -> Iterable[Request]:
        result = parse_sitemap(response.body, response.url)
        stats = self._stats
        kept = len(result.entries) + len(result.children)
        if result.too_large:
            stats.inc_value("newsmon/sitemap/too_large")
            logger.warning(
                "Sitemap %s unpacks to more than %d MiB (a gzip bomb?); reading stopped there, keeping its "
                "%d entries", response.url, MAX_UNZIPPED // 2**20, kept,
            )  # fmt: skip
        elif result.error:
            challenge = (
                None if result.kind else challenge_reason(response.status, response.headers, response.body)
            )
            if challenge is not None:
                stats.inc_value(f"newsmon/sitemap/challenge/{challenge}")
            else:
                stats.inc_value("newsmon/sitemap/bozo" if result.kind else "newsmon/sitemap/not_a_sitemap")
            logger.warning(
                "Sitemap %s: %s; keeping its %d entries", response.url,
                f"a bot challenge ({challenge})" if challenge else result.error, kept,
            )  # fmt: skip
        if result.truncated:
            stats.inc_value("newsmon/sitemap/truncated")
            logger.warning("Sitemap %s has more entries than can be read; the rest is skipped", response.url)
        yield from self._child_sitemaps(result, response.url, response.meta.get(META_SITEMAP_LEVEL, 1))
        stats.inc_value("newsmon/sitemap/entries", len(result.entries))
        for entry in result.entries:
            yield from self._sitemap_article(entry, response.url)

    def _child_sitemaps(self, result: SitemapResult, index_url: str, level: int) -> Iterator[Request]:
        """Requests for an index's children: on this site, newest first, at most NEWSMON_MAX_CHILD_SITEMAPS
        of them, within the hub budget; what is left out is counted (and said once per index or run)."""
        if not result.children:
            return
        stats = self._stats
        if level >= MAX_SITEMAP_LEVELS:
            stats.inc_value("newsmon/sitemap/too_deep", len(result.children))
            return
        ordered = newest_first(result.children)
        keep = self.hub_budget.children_to_read(len(ordered))
        if keep < len(ordered):
            stats.inc_value("newsmon/sitemap/children_cut", len(ordered) - keep)
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
            local = self.scope.localize(child.url)
            if local is None:
                stats.inc_value("newsmon/link/offsite")
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
        local = self.scope.localize(entry.url)
        pattern_says_no = local is not None and not self.site.is_article_path(urlsplit(local).path)
        if self.site.article_pattern is not None and pattern_says_no:
            self._stats.inc_value("newsmon/sitemap/not_article_url")
            return
        hints = {"published_at": entry.news_published_at, "title": entry.news_title}
        yield from self.article_requests(
            entry.url,
            via="sitemap",
            referrer=referrer,
            depth=1,
            hops=0,
            hints={k: v for k, v in hints.items() if v},
        )
