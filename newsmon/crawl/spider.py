"""NewsSpider: hubs in, articles out, related links followed to a bounded depth.

From feed entry to written record, in one place: ``start`` asks the hub reader (newsmon/crawl/hubs.py)
for the configured hubs; hub responses become article visits through the frontier (frontier.py: canonical
URL, hub or article, shortest path, depth); an article response is checked (classify.py: ``precheck``),
extracted (newsmon/extract, in a worker process by default), judged (``classify``: emit, escalate to the
browser, drop), and an emitted page becomes a record (newsmon/record.py) and visits for its related links.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import scrapy
from lxml.html import HtmlElement
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.reactor import is_asyncio_reactor_installed, is_reactor_installed
from twisted.python.failure import Failure

from newsmon import stats
from newsmon.compat import engine_closing
from newsmon.context import CrawlContext, NewsCrawl
from newsmon.crawl.arguments import SPIDER_ARGUMENTS, SpiderArguments
from newsmon.crawl.classify import Drop, Escalate, FetchCanonical, FetchedPage, PagePolicy, classify, precheck
from newsmon.crawl.config import CrawlConfig, apply_to_settings, resolve_site
from newsmon.crawl.frontier import ArticleVisit, Frontier, LinkPath
from newsmon.crawl.hubs import HubReader, content_type, page_charset
from newsmon.crawl.parts import SplitArticles
from newsmon.crawl.stock import exit_bad_value, stock_command
from newsmon.discovery.budget import HubBudget
from newsmon.extract.budget import cut_html
from newsmon.extract.template import TemplateView, learnable, page_key, page_units, teaser_titles
from newsmon.extract.types import ExtractOptions, PageData
from newsmon.extract.worker import (
    ExtractCancelled,
    ExtractFailed,
    ExtractTimeout,
    PoolLease,
    extract_page_data,
)
from newsmon.fetch.failures import failure_reason
from newsmon.fetch.tiers import escalate, same_tier
from newsmon.meta import (
    META_AMP_FALLBACK,
    META_AMP_OF,
    META_DEPTH,
    META_ESCALATE,
    META_FETCH_REASON,
    META_HINTS,
    META_HOPS,
    META_KEY,
    META_KIND,
    META_PART_OF,
    META_REFERRER,
    META_TIER,
    META_VIA,
    WARC_META,
    Tier,
)
from newsmon.record import FetchInfo, build_record
from newsmon.state.template import SiteTemplate

logger = logging.getLogger(__name__)


class NewsSpider(scrapy.Spider):
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
        self.frontier = Frontier(site, config.scope, config.tracking, config.follow_depth, self._count)
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
        self._held: list[TextResponse] = []  # articles held during the template's warm-up
        self.split_articles = SplitArticles()  # articles whose later pages are being read
        self.page_policy = PagePolicy(site, config.browser_tier, config.thin_body_words)
        workers = config.extract_workers
        if workers > 0 and is_reactor_installed() and not is_asyncio_reactor_installed():
            logger.warning("NEWSMON_EXTRACT_WORKERS needs the asyncio reactor; extracting in this process")
            workers = 0
        budget = config.page_budget
        # the process's pool, shared with the other crawls of a sweep; this crawl's closing and counts
        self.extract_pool = (
            PoolLease(workers, timeout=budget.timeout, closing=self._engine_closing) if workers > 0 else None
        )
        self._restarts_counted = 0  # the pool's worker restarts already in stats
        self._context = CrawlContext.of(crawler)
        self._context.attach_news(NewsCrawl(config, self.frontier, self.article_request))

    def _count(self, stat: str) -> None:
        self.crawler.stats.inc_value(stat)

    async def start(self) -> AsyncIterator[Request]:
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

    # --- articles --------------------------------------------------------------------------------
    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        """A request with no callback of its own (`scrapy parse URL`): the page read as an article, its
        record given at once (not held for the site template's warm-up: one page is all there is)."""
        if self._rejected(response):
            yield from self._amp_fallback(response.request)
            return
        assert isinstance(response, TextResponse)
        body = self._extraction_input(response)
        page = extract_page_data(body, page_charset(response), response.url, self._extract_options())
        yield from self._outputs(response, page, hold=False)

    def article_request(self, visit: ArticleVisit) -> Request:
        path = visit.path
        return Request(
            visit.url,
            callback=self.parse_article if self.extract_pool is None else self.parse_article_offloaded,
            errback=self.article_failed,
            priority=-path.hops,  # breadth-first: articles nearer a hub are fetched first
            meta={
                META_KIND: "article",
                META_KEY: visit.url,
                META_VIA: path.via,
                META_REFERRER: path.referrer,
                META_DEPTH: path.depth,
                META_HOPS: path.hops,
                **({META_HINTS: dict(visit.hints)} if visit.hints else {}),
            },
        )

    def parse_article(self, response: Response) -> Iterable[Any]:
        if self._rejected(response):
            yield from self._amp_fallback(response.request)
            return
        assert isinstance(response, TextResponse)
        started = time.thread_time()  # no time limit in this process: the size cap and fast path bound it
        body = self._extraction_input(response)
        options = self._extract_options()
        page = extract_page_data(body, page_charset(response), response.url, options)
        self.crawler.stats.max_value(stats.EXTRACT_MAX_CPU_MS, round((time.thread_time() - started) * 1000))
        self._count_capped(response, page)
        yield from self._outputs(response, page, view=options.template)

    async def parse_article_offloaded(self, response: Response) -> AsyncIterator[Any]:
        """parse_article with the page extracted in a worker process (NEWSMON_EXTRACT_WORKERS > 0)."""
        if self.extract_pool is None:  # a request queued by a run with other settings (JOBDIR, Redis)
            for result in self.parse_article(response):
                yield result
            return
        if self._rejected(response):
            for request in self._amp_fallback(response.request):
                yield request
            return
        assert isinstance(response, TextResponse)
        pool, counter = self.extract_pool, self.crawler.stats
        options = self._extract_options()
        try:
            page = await pool.extract(
                self._extraction_input(response), page_charset(response), response.url, options
            )
        except ExtractTimeout:
            counter.inc_value(stats.EXTRACT_TOO_SLOW)
            logger.warning(
                "Extraction of %s took more than %g s (NEWSMON_EXTRACT_TIMEOUT): worker killed, no record",
                response.url,
                pool.timeout,
            )
            return
        except ExtractCancelled:
            counter.inc_value(stats.EXTRACT_CANCELLED)
            logger.warning("The spider is closing: extraction of %s given up, no record", response.url)
            return
        except ExtractFailed:
            counter.inc_value(stats.EXTRACT_FAILED)
            logger.warning("Two extraction workers died on %s: no record", response.url)
            return
        finally:
            if pool.restarts != self._restarts_counted:  # workers died (logged by the pool): count them
                counter.inc_value(stats.EXTRACT_WORKER_RESTARTS, pool.restarts - self._restarts_counted)
                self._restarts_counted = pool.restarts
        counter.max_value(stats.EXTRACT_MAX_CPU_MS, round(pool.cpu_max * 1000))
        self._count_capped(response, page)
        for result in self._outputs(response, page, view=options.template):
            yield result

    def _fetched(self, response: Response) -> FetchedPage:
        return FetchedPage(
            url=response.url,
            status=response.status,
            headers=response.headers,
            body=response.body,
            content_type=content_type(response),
            is_text=isinstance(response, TextResponse),
            tier=response.meta.get(META_TIER, Tier.PLAIN),
            escalated=META_ESCALATE in response.meta,
            amp_final=META_AMP_OF in response.meta or META_AMP_FALLBACK in response.meta,
        )

    def _rejected(self, response: Response) -> bool:
        """precheck's verdict, counted and logged: what rules a page out before the costly extraction."""
        drop = precheck(self._fetched(response), self.page_policy)
        if drop is not None:
            self._dropped(drop, response.url)
        return drop is not None

    def _dropped(self, drop: Drop, url: str) -> None:
        self.crawler.stats.inc_value(drop.stat)
        logger.log(logging.WARNING if drop.warn else logging.DEBUG, "%s, no record: %s", drop.message, url)

    def _outputs(
        self,
        response: TextResponse,
        page: PageData,
        *,
        released: bool = False,
        hold: bool = True,
        view: TemplateView | None = None,
    ) -> Iterator[Any]:
        """What classify decides for an extracted page: the record and its related-link requests, a
        browser re-fetch, or nothing; during the site template's warm-up an article is held instead, and
        the held ones are released once it is over (``released``: one of them, extracted again); so is a
        page extracted with a template from before the warm-up was over (``view``: the one it had)."""
        meta = response.meta
        key = meta.get(META_KEY, response.url)
        fetched = self._fetched(response)
        if released:  # held after its first verdict: an AMP page among them had no canonical page to fetch
            fetched = dataclasses.replace(fetched, amp_final=True)
        verdict = classify(fetched, page, self.page_policy)
        if isinstance(verdict, FetchCanonical):
            requests = self._amp_canonical(key, verdict.url, self._path(meta), meta.get(META_HINTS))
            if requests is not None:
                yield from requests
                return
            # no canonical page to record: the AMP page is judged as any page
            verdict = classify(dataclasses.replace(fetched, amp_final=True), page, self.page_policy)
        if isinstance(verdict, Drop):
            self._dropped(verdict, response.url)
            yield from self._amp_fallback(response.request)
            return
        if isinstance(verdict, Escalate):
            if response.request is not None:
                yield escalate(response.request, verdict.reason)
            return
        held: list[TextResponse] = []
        template = self._site_template()
        if template is not None and not released and hold:
            if template.learn(page.template_page, page.template_units):
                self.crawler.stats.inc_value(stats.TEMPLATE_LEARNED)
            if not template.warm and not self._engine_closing():  # a graceful stop emits what it has
                self._held.append(response)
                self.crawler.stats.inc_value(stats.TEMPLATE_HELD)
                return
            held, self._held = self._held, []
            if template.cold(view):  # extracted before the warm-up was over: again, with what it learned
                self.crawler.stats.inc_value(stats.TEMPLATE_AGAIN)
                held.insert(0, response)
                for other in held:
                    yield from self._outputs(other, self._extract_again(other), released=True)
                return
        if page.template_dropped:
            self.crawler.stats.inc_value(stats.TEMPLATE_BODIES)
            self.crawler.stats.inc_value(stats.TEMPLATE_LINES, page.template_dropped)
        yield from self._record_and_links(response, page)
        for other in held:
            yield from self._outputs(other, self._extract_again(other), released=True)

    def _record_and_links(
        self, response: TextResponse, page: PageData, *, joined: bool = False
    ) -> Iterator[Any]:
        meta = response.meta
        key = meta.get(META_KEY, response.url)
        if page.parts and not joined and not self._engine_closing():  # later pages first (crawl/parts.py)
            url = self.split_articles.begin(key, response, page)
            if url is not None:
                yield self._part_request(key, url, meta)
                return
        path = self.frontier.path_taken(key, self._path(meta))
        self.frontier.arrived(key, response.url, path)
        fetch = FetchInfo(
            url=response.url,
            http_status=response.status,
            fetcher_tier=meta.get(META_TIER, Tier.PLAIN),
            fetch_reason=meta.get(META_FETCH_REASON),
            discovered_via=path.via,
            referrer=path.referrer,
            depth=path.depth,
            spider=self.name,
            site=self.site,
            scraped_at=datetime.now(UTC).isoformat(),
            published_hint=self.frontier.hints(key, meta.get(META_HINTS)).get("published_at"),
            warc=meta.get(WARC_META),
        )
        if meta.get(META_AMP_FALLBACK):  # its rel=canonical names a page that does not exist: not the key
            page.canonical_href = None
        self.crawler.stats.inc_value(stats.ARTICLE_EXTRACTED)
        template = self._site_template()
        yield build_record(
            page,
            fetch,
            self.config.scope,
            self.config.tracking,
            self._known_target,
            template=template.view if template is not None else None,
        )
        links = [("read_also", item["url"]) for item in page.read_also]
        links += [("news_feed", item["url"]) for item in page.news_feed]
        for visit in self.frontier.related(links, response.url, path.depth, path.hops, key):
            yield self.article_request(visit)

    # --- articles split over pages (newsmon/crawl/parts.py) ------------------------------------------
    def _part_request(self, key: str, url: str, first: Mapping[str, Any]) -> Request:
        """A later page of the article ``key``, in the tier its first page (request ``first``) was read."""
        return Request(
            url,
            callback=self.parse_part,
            errback=self.part_failed,
            dont_filter=True,  # the article's own page: not a visit of the frontier
            priority=1,  # finished before new articles are started
            meta={META_KIND: "article_part", META_PART_OF: key, **same_tier(dict(first))},
        )

    def parse_part(self, response: Response) -> Iterator[Any]:
        page = None
        if isinstance(response, TextResponse) and not self._rejected(response):
            body = self._extraction_input(response)
            page = extract_page_data(body, page_charset(response), response.url, self._extract_options())
        yield from self._part_done(response.meta.get(META_PART_OF, ""), page, response.url)

    def part_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        logger.warning("Page %s of a split article failed: %s", request.url, failure.getErrorMessage())
        yield from self._part_done(request.meta.get(META_PART_OF, ""), None, request.url)

    def _part_done(self, key: str, page: PageData | None, url: str) -> Iterator[Any]:
        counter = self.crawler.stats
        added, following, article = self.split_articles.next(key, page)
        if added:
            counter.inc_value(stats.ARTICLE_PARTS_JOINED)
        else:
            counter.inc_value(stats.ARTICLE_PARTS_FAILED)
            logger.warning(
                "Page %s of a split article gave no new text: its record holds the pages read", url
            )
        if following is not None:
            yield self._part_request(key, following, self.split_articles.pending[key].response.meta)
        elif article is not None:
            yield from self._record_and_links(article.response, article.joined(), joined=True)

    @staticmethod
    def _path(meta: Mapping[str, Any]) -> LinkPath:
        """The path an article request (its ``meta``) was made by."""
        hops, depth = meta.get(META_HOPS, 0), meta.get(META_DEPTH, 0)
        return LinkPath(hops, depth, meta.get(META_VIA, "start_url"), meta.get(META_REFERRER))

    def _amp_canonical(
        self, key: str, url: str, path: LinkPath, hints: dict[str, str] | None
    ) -> list[Request] | None:
        """An AMP page (requested as ``key``) gives no record: its canonical page ``url`` is requested by
        the same path instead, unless it was already requested this run (one record, from that request).
        None: no usable canonical page (offsite, a hub, the AMP page itself), record the AMP page."""
        counter = self.crawler.stats
        local = self.frontier.local(url)
        if local is None or local == key or self.frontier.is_hub(local):
            counter.inc_value(stats.AMP_NO_CANONICAL)
            return None
        state = self._context.state
        if state is not None and state.store is not None and state.store.add_alias(key, local):
            counter.inc_value(stats.STATE_ALIASES)  # the next run skips the AMP URL once local is emitted
        requests = []
        for visit in self.frontier.link(local, path, hints):
            request = self.article_request(visit)
            if visit.url == local:  # else a related link re-followed from the shorter path just found
                request.meta[META_AMP_OF] = key
                counter.inc_value(stats.AMP_CANONICAL_REQUESTED)
                logger.debug("AMP page %s: its canonical page %s is recorded instead", key, local)
            requests.append(request)
        if not any(META_AMP_OF in request.meta for request in requests):
            counter.inc_value(stats.AMP_CANONICAL_SEEN)
        return requests

    def _amp_fallback(self, request: Request | None) -> list[Request]:
        """The AMP page again when its canonical page failed or gave no record: recorded as it is."""
        amp = request.meta.get(META_AMP_OF) if request is not None else None
        if request is None or not amp:
            return []
        self.crawler.stats.inc_value(stats.AMP_FALLBACK)
        logger.info(
            "Canonical page %s of AMP page %s gave no record: recording the AMP page", request.url, amp
        )
        meta = request.meta
        again = self.article_request(ArticleVisit(amp, self._path(meta), meta.get(META_HINTS) or {}))
        again.meta[META_AMP_FALLBACK] = True
        return [again.replace(dont_filter=True)]

    def _known_target(self, url: str) -> str | None:
        """The canonical URL a related link is known to lead to: the state store's redirects and aliases
        (earlier runs), so read_also / news_feed join on canonical_url. An alias this run recorded is not
        used: whether its page was marked before this record was built is a matter of response order."""
        state = self._context.state
        if state is None or state.store is None or url in state.run_aliases:
            return None
        known = state.store.resolve(url)
        return known.canonical_url if known is not None else None

    def article_failed(self, failure: Failure) -> list[Request]:
        request = failure.request  # type: ignore[attr-defined]
        counter = self.crawler.stats
        if failure.check(HttpError):
            status = failure.value.response.status
            counter.inc_value(stats.kind_http_error("article", status))
            logger.warning("Article %s answered HTTP %d", request.url, status)
        else:
            reason = failure_reason(failure)
            counter.inc_value(stats.kind_failed("article"))
            counter.inc_value(stats.kind_failed("article", reason))
            logger.warning("Article %s failed (%s): %s", request.url, reason, failure.getErrorMessage())
        return self._amp_fallback(request)

    # --- the site template ------------------------------------------------------------------------
    def _site_template(self) -> SiteTemplate | None:
        """The site's template, loaded from the state store (opened when the spider opened) on first use."""
        template = self.template
        if template is not None and not self._template_open:
            self._template_open = True
            state = self._context.state
            template.open(state.store if state is not None else None)
        return template

    def _extract_options(self) -> ExtractOptions:
        template = self._site_template()
        base = self.config.extract_options
        return base if template is None else template.options(base)

    def _learn_listing(self, tree: HtmlElement, url: str) -> None:
        template = self._site_template()
        if template is None:
            return
        units = page_units(tree)
        if template.learn(page_key(url), learnable(units), teaser_titles(units)):
            self.crawler.stats.inc_value(stats.TEMPLATE_LEARNED)

    def _extract_again(self, response: TextResponse) -> PageData:
        """A held article extracted again (in this process: once a site, at most the warm-up's pages)."""
        body = self._extraction_input(response)
        return extract_page_data(body, page_charset(response), response.url, self._extract_options())

    def _spider_idle(self) -> None:
        """Nothing else to do while articles are held (a site smaller than the warm-up): emit them with the
        template learned so far. Items and requests from a signal handler go straight to the engine."""
        if not self._held:
            return
        held, self._held = self._held, []
        logger.info("Site template warm-up not reached; emitting the %d held articles", len(held))
        engine = self.crawler.engine
        assert engine is not None
        for response in held:
            for out in self._outputs(response, self._extract_again(response), released=True):
                if isinstance(out, Request):
                    engine.crawl(out)
                else:
                    deferred_from_coro(engine.scraper.start_itemproc_async(out, response=response))
        raise DontCloseSpider

    # --- extraction helpers ----------------------------------------------------------------------
    def _engine_closing(self) -> bool:
        """Whether the engine is closing the spider (CLOSESPIDER_*, SIGTERM, a failed store). Scrapy waits
        for running callbacks before it closes: the pool then gives pages in extraction a few seconds, not
        their whole budget (newsmon.compat: engine internals; without them the budget still holds)."""
        return engine_closing(self.crawler)

    def _extraction_input(self, response: TextResponse) -> bytes:
        """The body handed to extraction: cut at NEWSMON_EXTRACT_MAX_BYTES (just before a tag), counted."""
        body = cut_html(response.body, self.config.page_budget.max_bytes)
        if len(body) < len(response.body):
            self.crawler.stats.inc_value(stats.EXTRACT_TRUNCATED)
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
        counter = self.crawler.stats
        counter.inc_value(stats.EXTRACT_CAPPED)
        for rule, count in page.capped.items():
            counter.inc_value(stats.extract_capped(rule), count)
        cuts = ", ".join(f"{count} {rule}" for rule, count in page.capped.items())
        logger.warning("Pathological page capped before extraction (elements: %s): %s", cuts, response.url)

    def closed(self, reason: str) -> None:
        for article in self.split_articles.pending.values():  # the crawl stopped while its pages were read
            logger.warning("Split article %s not recorded: the crawl closed before its pages were read",
                           article.response.url)  # fmt: skip
        if self.extract_pool is not None:
            self.extract_pool.close()
