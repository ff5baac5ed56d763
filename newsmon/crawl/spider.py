"""NewsSpider: hubs in, articles out, related links followed to a bounded depth.

From feed entry to written record, in one place: ``start`` asks the hub reader (newsmon/crawl/hubs.py)
for the configured hubs; hub responses become article visits through the frontier (frontier.py: canonical
URL, hub or article, shortest path, depth); an article response is checked (classify.py: ``precheck``),
extracted (newsmon/extract, in a worker process by default), judged (``classify``: emit, escalate to the
browser, drop), and an emitted page becomes a record (newsmon/record.py) and visits for its related links.

The spider class is a chain split by responsibility (newsmon/crawl/pages.py says why it stays one class):
this module holds its arguments, configuration, start and hub callbacks; articles.py the article callbacks
and AMP pages; article_parts.py articles split over pages; pages.py the checks, extraction helpers and the
site template they share.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.reactor import is_asyncio_reactor_installed, is_reactor_installed
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from newsmon.compat import wake_engine
from newsmon.context import CrawlContext, NewsCrawl
from newsmon.crawl.arguments import SPIDER_ARGUMENTS, SpiderArguments
from newsmon.crawl.articles import ArticleCallbacks
from newsmon.crawl.classify import PagePolicy
from newsmon.crawl.config import CrawlConfig, apply_to_settings, resolve_site
from newsmon.crawl.frontier import Frontier, LinkPath
from newsmon.crawl.hubs import HubReader
from newsmon.crawl.pages import HeldArticle
from newsmon.crawl.parts import SplitArticles
from newsmon.crawl.stock import exit_bad_value, stock_command
from newsmon.crawl.url_rules import load_rules, save_rules
from newsmon.discovery.budget import HubBudget
from newsmon.extract.worker import PoolLease
from newsmon.resources import resources_of
from newsmon.state.template import SiteTemplate

logger = logging.getLogger(__name__)


class NewsSpider(ArticleCallbacks):
    """Arguments: site, base_url, follow_depth, max_pages, feeds, categories, sitemaps, urls (see README)."""

    site_name = ""  # bundled site config a subclass crawls by default

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._args = {name: kwargs.pop(name, None) for name in SPIDER_ARGUMENTS}
        super().__init__(*args, **kwargs)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        try:
            spider._configure(crawler)
        except ValueError as exc:  # a bad -s/-a value (newsmon's command refused it before the crawl)
            if stock_command() is not None:  # Scrapy's own command: one line and 2 all the same
                exit_bad_value(exc)
            raise
        crawler.signals.connect(spider._spider_idle, signal=signals.spider_idle)
        return spider

    def _configure(self, crawler: Crawler) -> None:
        settings = crawler.settings
        # checked values (newsmon/crawl/arguments.py: the crawl command refused bad ones before the start)
        args = SpiderArguments.parse(self._args)
        site = resolve_site(args, self.site_name, settings)
        apply_to_settings(settings, site, args)  # the one precedence rule (newsmon/crawl/config.py)
        self.config = config = CrawlConfig.build(settings, site, args)
        self.site_config = site
        self.site = site.name  # the site identity: `%(site)s` in NEWSMON_OUTPUT_URI, the record's `site`
        self.allowed_domains = sorted(config.scope.hosts)
        sources = frozenset(urlsplit(u).path for u in (*config.category_urls, *config.feed_urls))
        self.frontier = Frontier(
            site, config.scope, config.tracking, config.follow_depth, self._count, sources
        )
        self.hubs = HubReader(
            config,
            self.frontier,
            HubBudget(config.hub_budget),
            lambda: self.crawler.stats,
            {
                "feed": self.parse_feed,
                "listing": self.parse_listing,
                "sitemap": self.parse_sitemap,
                "robots": self.parse_robots,
            },
            self.hub_failed,
            self.article_request,
            self._learn_listing,
        )
        # the site's template (newsmon/state/template.py), opened with the state store on first use
        self.template = SiteTemplate.from_settings(settings)
        self._template_open = False
        self._held: list[HeldArticle] = []  # articles held during the template's warm-up
        self._released: list[HeldArticle] = []  # released by the warm-up's end, to extract again and emit
        self._releasing: Deferred[None] | None = None  # released at idle, extracted in the workers
        self.split_articles = SplitArticles()  # articles whose later pages are being read
        self.page_policy = PagePolicy(site, config.browser_tier, config.thin_body_words)
        workers = config.extract_workers
        if workers > 0 and is_reactor_installed() and not is_asyncio_reactor_installed():
            logger.warning("NEWSMON_EXTRACT_WORKERS needs the asyncio reactor; extracting in this process")
            workers = 0
        budget = config.page_budget
        # the process's pool, shared with the other crawls of a sweep; this crawl's closing and counts
        self.extract_pool = (
            PoolLease(
                workers,
                timeout=budget.timeout,
                closing=self._engine_closing,
                resources=resources_of(crawler.settings),
            )
            if workers > 0
            else None
        )
        self._restarts_counted = 0  # the pool's worker restarts already in stats
        self._context = CrawlContext.of(crawler)
        self._context.attach_news(NewsCrawl(config, self.frontier, self.article_request))

    def _count(self, stat: str) -> None:
        self.crawler.stats.inc_value(stat)

    async def start(self) -> AsyncIterator[Request]:
        self._url_rules_store(load=True)
        for request in self.hubs.start_hubs():
            yield request
        for url in self.config.start_urls:
            for visit in self.frontier.link(url, LinkPath(0, 0, "start_url", None)):
                yield self.article_request(visit)

    # --- hubs (callbacks must be spider methods: requests serialise for JOBDIR and scrapy-redis) ---------
    def parse_feed(self, response: Response) -> Iterable[Request]:
        return self.hubs.feed(response)

    def parse_listing(self, response: Response) -> Iterable[Request]:
        return self.hubs.listing(response)

    def parse_sitemap(self, response: Response) -> Iterable[Request]:
        return self.hubs.sitemap(response)

    def parse_robots(self, response: Response) -> Iterable[Request]:
        return self.hubs.robots(response)

    def hub_failed(self, failure: Failure) -> None:
        self.hubs.failed(failure)

    def _spider_idle(self) -> None:
        """Nothing else to do while articles are held (a site smaller than the warm-up): emit them with the
        template learned so far. Items and requests from a signal handler go straight to the engine; the
        spider stays open while the extraction workers read them again."""
        if self._releasing is not None:
            raise DontCloseSpider
        if not self._held:
            return
        if self.template is not None:  # what the other processes of a distributed run taught it too
            self.template.refresh()
        self._released.extend(self._held)
        logger.info("Site template warm-up not reached; emitting the %d held articles", len(self._held))
        self._held = []
        releasing = deferred_from_coro(self._release_at_idle())
        if not releasing.called:  # (with nothing to wait for it ends at once off the asyncio reactor)
            self._releasing = releasing
        raise DontCloseSpider

    async def _release_at_idle(self) -> None:
        """The held articles through the item pipelines, in held order (read again here or in the workers),
        then the engine woken: it would otherwise see that it is idle only at its next heartbeat, 5 s on
        (Scrapy wakes it for a request it is given, not for an item that went through the pipelines)."""
        try:
            if self.extract_pool is None:
                for response, out in self._release_here():
                    await self._to_engine(response, out)
            else:
                async for response, out in self._release_offloaded():
                    await self._to_engine(response, out)
        except Exception:  # a bug, not a page's fault: said here, not lost in an unwatched Deferred
            logger.exception("Emitting the held articles failed")
        finally:
            self._releasing = None
            wake_engine(self.crawler)

    async def _to_engine(self, response: TextResponse, out: Any) -> None:
        engine = self.crawler.engine
        assert engine is not None
        if isinstance(out, Request):
            gate = self._context.levels.peek()  # its level first, as for a callback's requests
            if gate is None or gate.admit(out):
                engine.crawl(out)
        else:
            await engine.scraper.start_itemproc_async(out, response=response)

    def _url_rules_store(self, *, load: bool = False) -> None:
        """The site's URL rules (crawl/url_rules.py) read from the state store (at the start: every link
        of the run is then requested by its canonical URL) or their evidence added to it."""
        state = self._context.state.peek()
        if state is None or state.store is None:
            return
        try:
            if load:
                load_rules(self.frontier.url_rules, state.store)
            elif not save_rules(self.frontier.url_rules, state.store):
                logger.warning("The site's URL rules could not be kept: the store kept changing")
        except Exception as exc:  # the store failed (it says so itself): the rules are an optimisation
            logger.warning("The site's URL rules could not be %s: %s", "read" if load else "kept", exc)

    def closed(self, reason: str) -> None:
        self._url_rules_store()
        for article in self.split_articles.pending.values():  # the crawl stopped while its pages were read
            logger.warning("Split article %s not recorded: the crawl closed before its pages were read",
                           article.response.url)  # fmt: skip
        if self.extract_pool is not None:
            self.extract_pool.close()
