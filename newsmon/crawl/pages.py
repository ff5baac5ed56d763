"""What NewsSpider's callbacks share about one fetched page: the checks before extraction, the extraction
input and its counts, and the site template (newsmon/state/template.py) extraction and listings learn from.

The spider is split by responsibility into a chain of classes, each in its module: ``PageHandling`` (here),
``SplitArticleCallbacks`` (article_parts.py: articles split over pages), ``ArticleCallbacks`` (articles.py:
an article response to its record, AMP pages) and ``NewsSpider`` (spider.py: arguments, configuration,
start, hubs). Callbacks stay methods of the one spider class: requests serialise for JOBDIR and scrapy-redis
by the callback's name on the spider.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any, NamedTuple

import scrapy
from lxml.html import HtmlElement
from scrapy.http import Request, Response, TextResponse

from newsmon import stats
from newsmon.compat import engine_closing
from newsmon.context import CrawlContext
from newsmon.crawl.classify import Drop, FetchedPage, PagePolicy, precheck
from newsmon.crawl.config import CrawlConfig
from newsmon.crawl.frontier import ArticleVisit, Frontier, request_path
from newsmon.crawl.hubs import HubReader, content_type, page_charset
from newsmon.crawl.parts import SplitArticles
from newsmon.extract.budget import cut_html
from newsmon.extract.template import learnable, page_key, page_units, teaser_titles
from newsmon.extract.types import ExtractOptions, PageData
from newsmon.extract.worker import (
    ExtractCancelled,
    ExtractFailed,
    ExtractTimeout,
    PoolLease,
    extract_page_data,
)
from newsmon.meta import (
    META_AMP_FALLBACK,
    META_AMP_OF,
    META_ESCALATE,
    META_TIER,
    Tier,
)
from newsmon.sites import SiteConfig
from newsmon.state.template import SiteTemplate

logger = logging.getLogger(__name__)


class HeldArticle(NamedTuple):
    """An article held during the site template's warm-up, with its first extraction: what is recorded
    when extracting it again with the learned template is given up (too slow, the spider closing)."""

    response: TextResponse
    page: PageData


class PageHandling(scrapy.Spider):
    """Checks, extraction helpers and the site template; the attributes are set by NewsSpider._configure."""

    config: CrawlConfig
    site_config: SiteConfig
    site: str
    frontier: Frontier
    hubs: HubReader
    template: SiteTemplate | None
    _template_open: bool
    _held: list[HeldArticle]  # articles held during the template's warm-up
    _released: list[HeldArticle]  # held articles the warm-up's end released, to extract again and emit
    split_articles: SplitArticles
    page_policy: PagePolicy
    extract_pool: PoolLease | None
    _restarts_counted: int
    _context: CrawlContext

    # defined by ArticleCallbacks (articles.py), used by the classes before it in the chain
    def article_request(self, visit: ArticleVisit) -> Request:
        raise NotImplementedError

    def _outputs(self, response: TextResponse, page: PageData, *, released: bool = False) -> Iterator[Any]:
        raise NotImplementedError

    def _record_and_links(
        self, response: TextResponse, page: PageData, *, joined: bool = False
    ) -> Iterator[Any]:
        raise NotImplementedError

    # --- checks before extraction ------------------------------------------------------------------
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

    _path = staticmethod(request_path)  # the path an article request (its ``meta``) was made by

    # --- the site template ------------------------------------------------------------------------
    def _site_template(self) -> SiteTemplate | None:
        """The site's template, loaded from the state store (opened when the spider opened) on first use."""
        template = self.template
        if template is not None and not self._template_open:
            self._template_open = True
            state = self._context.state.peek()
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

    def _release_here(self) -> Iterator[tuple[TextResponse, Any]]:
        """The released articles extracted again in this process (NEWSMON_EXTRACT_WORKERS=0) and emitted:
        each output with the response it belongs to."""
        while self._released:
            releasing, self._released = self._released, []
            for held in releasing:
                page = self._extract_here(held.response, self._extract_options(), again=True)
                for out in self._outputs(held.response, page, released=True):
                    yield held.response, out

    async def _release_offloaded(self) -> AsyncIterator[tuple[TextResponse, Any]]:
        """The released articles extracted again in the worker processes, together, each under
        NEWSMON_EXTRACT_TIMEOUT like any page, and emitted in the order they were held: one given up is
        recorded from its first extraction, never lost, and none blocks the reactor (the warm-up holds up
        to NEWSMON_TEMPLATE_WARMUP pages)."""
        while self._released:
            releasing, self._released = self._released, []
            options = self._extract_options()
            pages = await asyncio.gather(
                *(
                    self._extract_offloaded(
                        held.response, options, outcome="recorded from its first extraction", again=True
                    )
                    for held in releasing
                )
            )
            for held, page in zip(releasing, pages, strict=True):
                for out in self._outputs(held.response, page or held.page, released=True):
                    yield held.response, out

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

    def _extract_here(
        self, response: TextResponse, options: ExtractOptions, *, again: bool = False
    ) -> PageData:
        """A fetched page extracted in this process (NEWSMON_EXTRACT_WORKERS=0), its CPU and caps counted
        (a held page extracted ``again``: its caps were counted the first time)."""
        started = time.thread_time()  # no time limit in this process: the size cap and fast path bound it
        body = self._extraction_input(response)
        page = extract_page_data(body, page_charset(response), response.url, options)
        self.crawler.stats.max_value(stats.EXTRACT_MAX_CPU_MS, round((time.thread_time() - started) * 1000))
        if not again:
            self._count_capped(response, page)
        return page

    async def _extract_offloaded(
        self,
        response: TextResponse,
        options: ExtractOptions,
        *,
        outcome: str = "no record",
        again: bool = False,
    ) -> PageData | None:
        """A fetched page extracted in a worker process (``extract_pool``) within NEWSMON_EXTRACT_TIMEOUT,
        its CPU and caps counted (not again for a held page extracted ``again``); None when it was given up
        (too slow, the spider closing, two workers died on it: counted, and logged here with ``outcome``,
        what giving it up means)."""
        pool, counter = self.extract_pool, self.crawler.stats
        assert pool is not None
        try:
            page = await pool.extract(
                self._extraction_input(response), page_charset(response), response.url, options
            )
        except ExtractTimeout:
            counter.inc_value(stats.EXTRACT_TOO_SLOW)
            logger.warning(
                "Extraction of %s took more than %g s (NEWSMON_EXTRACT_TIMEOUT): worker killed, %s",
                response.url,
                pool.timeout,
                outcome,
            )
            return None
        except ExtractCancelled:
            counter.inc_value(stats.EXTRACT_CANCELLED)
            logger.warning("The spider is closing: extraction of %s given up, %s", response.url, outcome)
            return None
        except ExtractFailed:
            counter.inc_value(stats.EXTRACT_FAILED)
            logger.warning("Two extraction workers died on %s: %s", response.url, outcome)
            return None
        finally:
            if pool.restarts != self._restarts_counted:  # workers died (logged by the pool): count them
                counter.inc_value(stats.EXTRACT_WORKER_RESTARTS, pool.restarts - self._restarts_counted)
                self._restarts_counted = pool.restarts
        counter.max_value(stats.EXTRACT_MAX_CPU_MS, round(pool.cpu_max * 1000))
        if not again:
            self._count_capped(response, page)
        return page

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
