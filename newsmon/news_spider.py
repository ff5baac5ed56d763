"""Crawl policy shared by site spiders: hubs in, articles out, related links followed to a bounded depth."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Request, Response, TextResponse
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.reactor import is_asyncio_reactor_installed, is_reactor_installed
from twisted.python.failure import Failure

from newsmon.arguments import SpiderArguments
from newsmon.discovery.budget import HubBudget, HubBudgetConfig
from newsmon.extract.budget import PageBudget, cut_html
from newsmon.extract.types import PageData
from newsmon.extract.worker import (
    ExtractCancelled,
    ExtractFailed,
    ExtractPool,
    ExtractTimeout,
    extract_page_data,
)
from newsmon.fetch.challenge import challenge_reason, has_scripts
from newsmon.fetch.failures import failure_reason
from newsmon.fetch.policy import TierPolicy
from newsmon.fetch.soft404 import is_soft_404
from newsmon.fetch.tiers import escalate
from newsmon.hubs import HubsMixin
from newsmon.meta import (
    META_DEPTH,
    META_ESCALATE,
    META_FETCH_REASON,
    META_HINTS,
    META_HOPS,
    META_KEY,
    META_KIND,
    META_REFERRER,
    META_TIER,
    META_VIA,
    WARC_META,
)
from newsmon.record import FetchInfo, build_record
from newsmon.sites import SiteConfig, load_site_config
from newsmon.urls import SiteScope, canonicalize

logger = logging.getLogger(__name__)


class LinkPath(NamedTuple):
    """How an article link was reached: related hops, depth from a hub, discovered_via, referrer."""

    hops: int
    depth: int
    via: str
    referrer: str | None


class NewsSpider(HubsMixin, scrapy.Spider):
    """Arguments: site, base_url, follow_depth, max_pages, feeds, categories, sitemaps, urls (see README)."""

    site_name = ""  # bundled site config a subclass crawls by default

    def __init__(
        self,
        *args: Any,
        site: str | None = None,
        base_url: str | None = None,
        follow_depth: str | int | None = None,
        max_pages: str | int | None = None,
        feeds: str | None = None,
        categories: str | None = None,
        sitemaps: str | None = None,
        urls: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._args: dict[str, Any] = {
            "site": site,
            "base_url": base_url,
            "follow_depth": follow_depth,
            "max_pages": max_pages,
            "feeds": feeds,
            "categories": categories,
            "sitemaps": sitemaps,
            "urls": urls,
        }

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._configure(crawler.settings)
        return spider

    def _configure(self, settings: BaseSettings) -> None:
        # checked values (newsmon/arguments.py: the crawl command has refused bad ones before the start)
        args = SpiderArguments.parse(self._args)
        self.site: SiteConfig = load_site_config(args.site or self.site_name or settings.get("NEWSMON_SITE"))
        self.scope = SiteScope.build(self.site.origin, self.site.hosts, mirror=args.base_url)
        self.allowed_domains = sorted(self.scope.hosts)
        # spider argument, then a -s/command-line setting, then the site's config, then the default
        if args.follow_depth is not None:
            self.follow_depth = args.follow_depth
        elif self.site.follow_depth is not None and (
            (settings.getpriority("NEWSMON_FOLLOW_DEPTH") or 0) <= SETTINGS_PRIORITIES["project"]
        ):
            self.follow_depth = self.site.follow_depth
        else:
            self.follow_depth = settings.getint("NEWSMON_FOLLOW_DEPTH")
        self.max_pages = (
            args.max_pages if args.max_pages is not None else settings.getint("NEWSMON_MAX_LISTING_PAGES")
        )
        self.tracking = tuple(settings.getlist("NEWSMON_TRACKING_PARAMS"))
        # an argument given empty (`-a feeds=`) means none; not given means the site's own
        feeds = self.site.feeds if args.feeds is None else args.feeds
        categories = self.site.categories if args.categories is None else args.categories
        self.feed_urls = [self.scope.absolute(f) for f in feeds]
        self.category_urls = [self.scope.absolute(c) for c in categories]
        sitemaps = self.site.sitemaps if args.sitemaps is None else args.sitemaps
        self.sitemap_urls = [self.scope.absolute(m) for m in sitemaps]
        self.start_article_urls = [self.scope.absolute(u) for u in args.urls]
        # per-page budget (newsmon/extract/budget.py): HTML bytes, seconds in a worker, the fast path's caps
        self.page_budget = PageBudget.from_settings(settings)
        self.extract_options = replace(
            self.site.extract_options(),
            max_elements=self.page_budget.max_elements,
            max_inline=self.page_budget.max_inline,
        )
        self.thin_body_words = settings.getint("NEWSMON_THIN_BODY_WORDS")
        workers = settings.getint("NEWSMON_EXTRACT_WORKERS")
        if workers > 0 and is_reactor_installed() and not is_asyncio_reactor_installed():
            logger.warning("NEWSMON_EXTRACT_WORKERS needs the asyncio reactor; extracting in this process")
            workers = 0
        self.extract_pool = (
            ExtractPool(workers, timeout=self.page_budget.timeout, closing=self._engine_closing)
            if workers > 0
            else None
        )
        self._restarts_counted = 0  # the pool's worker restarts already in stats
        # the tier middleware, from the same settings, is active unless off or in plain mode: then it
        # checks PLAIN responses for challenges and takes escalations (counted and dropped if no browser)
        policy = TierPolicy.from_settings(settings, self.site.tier_mode)
        self.tier_middleware_active = settings.getbool("NEWSMON_TIERS_ENABLED") and policy.mode != "plain"
        self.feed_max_entries = settings.getint("NEWSMON_FEED_MAX_ENTRIES")
        # hub requests per run and children per sitemap index, hub priorities (newsmon/discovery/budget.py)
        self.hub_budget = HubBudget(HubBudgetConfig.from_settings(settings))
        # canonical article URL -> the shortest path it was found by, this run
        self._best_path: dict[str, LinkPath] = {}
        # what a hub said about an article (news sitemap date), kept when the link was already requested
        # by another path: the record gets it whichever request came first
        self._hints: dict[str, dict[str, str]] = {}
        # article parsed at hops > 0 -> (its URL, its related links), to re-follow from a shorter path
        self._related: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        # hub page URL -> canonical article URLs it listed, this run (read by the monitors when closing)
        self.hub_listed: dict[str, set[str]] = {}
        if self.follow_depth < 0 or self.max_pages < 1:
            raise ValueError("follow_depth must be >= 0 and max_pages >= 1")

    async def start(self) -> AsyncIterator[Request]:
        for request in self.start_hubs():
            yield request
        for url in self.start_article_urls:
            for request in self.article_requests(url, via="start_url", referrer=None, depth=0, hops=0):
                yield request

    # --- articles --------------------------------------------------------------------------------
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
        """The request for an article link, unless it is offsite, a hub, or already requested. ``hints``:
        what the hub said about this article (a news sitemap's date), carried by its own request only.

        Related links are followed by fewest hops whatever order responses arrive in: when an article
        turns up again by a shorter path, its related links are followed again from the shorter path.
        """
        local = self.scope.localize(url)
        if local is None:
            self._stats.inc_value("newsmon/link/offsite")
            return
        target = canonicalize(local, self.tracking)
        if self.site.is_hub_path(urlsplit(target).path):
            self._stats.inc_value("newsmon/link/hub_skipped")
            return
        if hints:
            self._hints[target] = hints
        if hops == 0 and referrer is not None:  # listed by a hub: per-source freshness (newsmon/monitors)
            self.hub_listed.setdefault(referrer, set()).add(target)
        known = self._best_path.get(target)
        if known is not None and known.hops <= hops:
            self._stats.inc_value("newsmon/link/seen")
            return
        self._best_path[target] = LinkPath(hops, depth, via, referrer)
        if known is not None:
            self._stats.inc_value("newsmon/link/shorter_path")
            parsed = self._related.pop(target, None)
            if parsed is not None:
                response_url, links = parsed
                yield from self.follow_related(links, response_url, depth, hops, target)
            return
        yield Request(
            target,
            callback=self.parse_article if self.extract_pool is None else self.parse_article_offloaded,
            errback=self.article_failed,
            priority=-hops,  # breadth-first: articles nearer a hub are fetched first
            meta={
                META_KIND: "article",
                META_KEY: target,
                META_VIA: via,
                META_REFERRER: referrer,
                META_DEPTH: depth,
                META_HOPS: hops,
                **({META_HINTS: hints} if hints else {}),
            },
        )

    def follow_related(
        self, links: list[tuple[str, str]], referrer: str, depth: int, hops: int, key: str
    ) -> Iterator[Request]:
        """Requests for an article's related links ``(via, url)`` one hop further, within follow_depth.
        The state store calls it too, for articles it skips, with their stored links."""
        if hops > 0 and links:  # a shorter path may still turn up: keep the links to follow from it
            self._related[key] = (referrer, links)
        if hops >= self.follow_depth:
            if links:
                self._stats.inc_value("newsmon/link/depth_limit")
            return
        for via, url in links:
            yield from self.article_requests(url, via=via, referrer=referrer, depth=depth + 1, hops=hops + 1)

    async def parse_article_offloaded(self, response: Response) -> AsyncIterator[Any]:
        """parse_article with the page extracted in a worker process (NEWSMON_EXTRACT_WORKERS > 0)."""
        if self.extract_pool is None:  # a request queued by a run with other settings (JOBDIR, Redis)
            for result in self.parse_article(response):
                yield result
            return
        if self._rejected_before_extraction(response):
            return
        assert isinstance(response, TextResponse)
        pool = self.extract_pool
        try:
            page = await pool.extract(
                self._extraction_input(response), response.encoding, response.url, self.extract_options
            )
        except ExtractTimeout:
            self._stats.inc_value("newsmon/extract/too_slow")
            logger.warning(
                "Extraction of %s took more than %g s (NEWSMON_EXTRACT_TIMEOUT): worker killed, no record",
                response.url,
                pool.timeout,
            )
            return
        except ExtractCancelled:
            self._stats.inc_value("newsmon/extract/cancelled")
            logger.warning("The spider is closing: extraction of %s given up, no record", response.url)
            return
        except ExtractFailed:
            self._stats.inc_value("newsmon/extract/failed")
            logger.warning("Two extraction workers died on %s: no record", response.url)
            return
        finally:
            if pool.restarts != self._restarts_counted:  # workers died (logged by the pool): count them
                self._stats.inc_value(
                    "newsmon/extract/worker_restarts", pool.restarts - self._restarts_counted
                )
                self._restarts_counted = pool.restarts
        self._stats.max_value("newsmon/extract/max_cpu_ms", round(pool.cpu_max * 1000))
        self._count_capped(response, page)
        for result in self._article_outputs(response, page):
            yield result

    def _engine_closing(self) -> bool:
        """Whether the engine is closing the spider (CLOSESPIDER_*, SIGTERM, a failed store). Scrapy waits
        for running callbacks before it closes: the pool then gives pages in extraction a few seconds, not
        their whole budget. Engine internals (its slot's ``closing``); without them the budget still holds."""
        slot = getattr(getattr(self.crawler, "engine", None), "_slot", None)
        return getattr(slot, "closing", None) is not None

    def _extraction_input(self, response: TextResponse) -> bytes:
        """The body handed to extraction: cut at NEWSMON_EXTRACT_MAX_BYTES (just before a tag), counted."""
        body = cut_html(response.body, self.page_budget.max_bytes)
        if len(body) < len(response.body):
            self._stats.inc_value("newsmon/extract/truncated")
            logger.warning(
                "Page of %d bytes cut to %d for extraction (NEWSMON_EXTRACT_MAX_BYTES): %s",
                len(response.body),
                len(body),
                response.url,
            )
        return body

    def _count_capped(self, response: Response, page: PageData) -> None:
        """Count what the fast path cut off a pathological page (``page.capped``), one WARNING per page."""
        if not page.capped:
            return
        self._stats.inc_value("newsmon/extract/capped")
        for rule, count in page.capped.items():
            self._stats.inc_value(f"newsmon/extract/capped/{rule}", count)
        cuts = ", ".join(f"{count} {rule}" for rule, count in page.capped.items())
        logger.warning("Pathological page capped before extraction (elements: %s): %s", cuts, response.url)

    def closed(self, reason: str) -> None:
        if self.extract_pool is not None:
            self.extract_pool.close()

    def parse_article(self, response: Response) -> Iterable[Any]:
        if self._rejected_before_extraction(response):
            return
        assert isinstance(response, TextResponse)
        started = time.thread_time()  # no time limit in this process: the size cap and fast path bound it
        body = self._extraction_input(response)
        page = extract_page_data(body, response.encoding, response.url, self.extract_options)
        self._stats.max_value("newsmon/extract/max_cpu_ms", round((time.thread_time() - started) * 1000))
        self._count_capped(response, page)
        yield from self._article_outputs(response, page)

    def _rejected_before_extraction(self, response: Response) -> bool:
        """What the URL and the bytes alone rule out, before the costly extraction: not HTML, a redirect
        onto a hub, a bot challenge nothing upstream took care of."""
        if not self._is_html(response):
            return True
        if self.site.is_hub_path(urlsplit(response.url).path):
            self._stats.inc_value("newsmon/page/hub_redirect")
            logger.debug("Article link ended on a hub page, no record: %s", response.url)
            return True
        plain = response.meta.get(META_TIER, "PLAIN") == "PLAIN"
        if plain and not self.tier_middleware_active:  # nothing upstream checked it
            challenge = challenge_reason(response.status, response.headers, response.body)
            if challenge is not None:
                self._stats.inc_value(f"newsmon/page/challenge/{challenge}")
                logger.warning(
                    "Bot challenge (%s) and no browser tier, no record: %s", challenge, response.url
                )
                return True
        return False

    def _article_outputs(self, response: TextResponse, page: PageData) -> Iterator[Any]:
        """The record of an extracted page and its related-link requests, or a browser re-fetch of a page
        whose text needs JavaScript."""
        meta = response.meta
        path = urlsplit(response.url).path
        plain = meta.get(META_TIER, "PLAIN") == "PLAIN"
        if not page.is_article and is_soft_404(response.body):
            self._stats.inc_value("newsmon/page/not_found")
            logger.warning("Page says it was not found (soft 404), no record: %s", response.url)
            return
        article_signals = page.is_article or (self.site.is_article_path(path) and not page.is_hub)
        words = len(page.body.split())
        if article_signals and words < self.thin_body_words:
            request = response.request
            # escalate once, and only when the tier middleware is there to take it (else: a refetch loop)
            escalable = self.tier_middleware_active and plain and META_ESCALATE not in meta
            if request is not None and escalable and has_scripts(response.body):
                yield escalate(request, "js_shell")  # the text may come with JavaScript: ask the browser
                return
        if article_signals and not words:
            self._stats.inc_value("newsmon/article/no_body")
            logger.warning("Article page without article text, no record: %s", response.url)
            return
        if not article_signals:
            self._stats.inc_value("newsmon/page/not_article")
            logger.debug("Not an article, no record: %s", response.url)
            return
        requested = LinkPath(
            meta.get(META_HOPS, 0),
            meta.get(META_DEPTH, 0),
            meta.get(META_VIA, "start_url"),
            meta.get(META_REFERRER),
        )
        key = meta.get(META_KEY, response.url)
        path_taken = min(requested, self._best_path.get(key, requested), key=lambda p: p.hops)
        hops, depth = path_taken.hops, path_taken.depth
        fetch = FetchInfo(
            url=response.url,
            http_status=response.status,
            fetcher_tier=meta.get(META_TIER, "PLAIN"),
            fetch_reason=meta.get(META_FETCH_REASON),
            discovered_via=path_taken.via,
            referrer=path_taken.referrer,
            depth=depth,
            spider=self.name,
            scraped_at=datetime.now(UTC).isoformat(),
            published_hint=(meta.get(META_HINTS) or self._hints.get(key) or {}).get("published_at"),
            warc=meta.get(WARC_META),
        )
        self._stats.inc_value("newsmon/article/extracted")
        yield build_record(page, fetch, self.scope, self.tracking)
        links = [("read_also", item["url"]) for item in page.read_also]
        links += [("news_feed", item["url"]) for item in page.news_feed]
        yield from self.follow_related(links, response.url, depth, hops, key)

    def article_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError):
            status = failure.value.response.status
            self._stats.inc_value(f"newsmon/article/http_error/{status}")
            logger.warning("Article %s answered HTTP %d", request.url, status)
        else:
            reason = failure_reason(failure)
            self._stats.inc_value("newsmon/article/failed")
            self._stats.inc_value(f"newsmon/article/failed/{reason}")
            logger.warning("Article %s failed (%s): %s", request.url, reason, failure.getErrorMessage())

    # --- helpers ---------------------------------------------------------------------------------
    @property
    def _stats(self) -> Any:
        return self.crawler.stats

    def _is_html(self, response: Response) -> bool:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        if isinstance(response, TextResponse) and ("html" in content_type or not content_type):
            return True
        self._stats.inc_value("newsmon/page/not_html")
        logger.warning("Skipping %s: not HTML (%s)", response.url, content_type or type(response).__name__)
        return False
