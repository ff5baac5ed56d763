"""Downloader middleware: the STEALTHY tier reuses browser tabs for several pages instead of opening and
closing one per request (opening a tab costs Chromium and Playwright more than loading a page in it).

Runs right after ``TierMiddleware``: a browser request takes an idle tab of its context
(``playwright_page``), or lets scrapy-playwright open one while fewer than
``PLAYWRIGHT_MAX_PAGES_PER_CONTEXT`` are open, or waits for one to come back. With
``playwright_include_page`` the tab survives the download and the response gives it back. Every
``GC_EVERY`` pages a reused tab's JavaScript heap is collected; a tab is closed after
``NEWSMON_BROWSER_PAGE_REUSE`` pages, after any download error, and when it was closed or crashed
meanwhile. The context, and with it the challenge clearance cookies, is left alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from newsmon.fetch.policy import OPTIONS as TIER_OPTIONS
from newsmon.meta import META_PAGE_SLOT, META_TIER, Tier
from newsmon.options import Option, Options
from newsmon.stats import BROWSER_PAGE_REUSED, browser_page_closed

OPTIONS = Options(
    Option(
        "NEWSMON_BROWSER_PAGE_REUSE",
        100,
        "pages one browser tab loads before it is closed and a fresh one opened (`1`: a new tab for every "
        "page, no tab pool)",
    ),
)

logger = logging.getLogger(__name__)

GC_EVERY = 10  # pages between garbage collections in a reused tab


class PagePoolMiddleware:
    def __init__(self, stats: StatsCollector, reuse: int, max_pages: int) -> None:
        self.stats = stats
        self.reuse = reuse  # pages one tab serves before it is closed
        self.max_pages = max_pages  # tabs open at once per context, idle ones included
        self.idle: dict[str, list[Page]] = {}
        self.open: dict[str, int] = {}  # tabs per context: idle, in use, or being opened for a request
        self.waiting: dict[str, list[asyncio.Future[Page | None]]] = {}
        self.uses: dict[Page, int] = {}
        self.closing: set[asyncio.Task[None]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PagePoolMiddleware:
        settings = crawler.settings
        reuse = OPTIONS.getint(settings, "NEWSMON_BROWSER_PAGE_REUSE")
        if not TIER_OPTIONS.getbool(settings, "NEWSMON_TIERS_ENABLED"):
            raise NotConfigured("NEWSMON_TIERS_ENABLED is off: no browser tier, no tabs to reuse")
        if reuse <= 1:
            raise NotConfigured("NEWSMON_BROWSER_PAGE_REUSE <= 1: a new browser tab for every page")
        max_pages = settings.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT") or settings.getint(
            "CONCURRENT_REQUESTS"
        )
        if max_pages < 1:
            raise NotConfigured("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT must be at least 1")
        assert crawler.stats is not None
        return cls(crawler.stats, reuse, max_pages)

    # --- requests ------------------------------------------------------------------------------
    async def process_request(self, request: Request) -> None:
        meta = request.meta
        if meta.get(META_TIER) != Tier.STEALTHY or not meta.get("playwright") or "playwright_page" in meta:
            return
        context = meta.setdefault("playwright_context", "default")
        page = await self._acquire(context)
        meta[META_PAGE_SLOT] = context
        meta["playwright_include_page"] = True  # the tab outlives the download; the response returns it
        if page is not None:
            if self.uses.get(page, 0) % GC_EVERY == 0:
                # a tab's renderer keeps ~2.5 MB of each page it showed until V8 collects; Playwright's
                # requestGC (a DevTools call, invisible to the page) keeps it flat
                with contextlib.suppress(PlaywrightError):
                    await page.request_gc()
            meta["playwright_page"] = page
            self.stats.inc_value(BROWSER_PAGE_REUSED)

    async def _acquire(self, context: str) -> Page | None:
        """An idle tab, or None when the caller may have a new one opened (its slot is counted)."""
        idle = self.idle.setdefault(context, [])
        while idle:
            page = idle.pop()
            if not page.is_closed():
                return page
            self._forget(context, page, wake=False)
        if self.open.get(context, 0) < self.max_pages:
            self.open[context] = self.open.get(context, 0) + 1
            return None
        waiter: asyncio.Future[Page | None] = asyncio.get_running_loop().create_future()
        self.waiting.setdefault(context, []).append(waiter)
        try:
            handed = await waiter
        except asyncio.CancelledError:  # the request was given up while waiting (e.g. download timeout)
            if waiter.done() and not waiter.cancelled():  # ... just after a tab or slot was handed over
                self._pass_on(context, waiter.result())
            raise
        if handed is not None and handed.is_closed():  # closed while handed over: open a new one instead
            self.uses.pop(handed, None)
            return None
        return handed

    # --- responses and failures ----------------------------------------------------------------
    def process_response(self, request: Request, response: Response) -> Response:
        self._give_back(request, healthy=True)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._give_back(request, healthy=False)  # the tab may be mid-navigation or crashed: close it

    def _give_back(self, request: Request, healthy: bool) -> None:
        meta = request.meta
        context = meta.pop(META_PAGE_SLOT, None)
        if context is None:
            return
        meta.pop("playwright_include_page", None)
        page: Page | None = meta.pop("playwright_page", None)  # retries and re-requests must not share it
        if page is None:  # no tab was opened after all (e.g. the browser failed to start)
            self._forget(context, None)
            return
        uses = self.uses[page] = self.uses.get(page, 0) + 1
        if page.is_closed():
            self._forget(context, page)
        elif not healthy or uses >= self.reuse:
            self.stats.inc_value(browser_page_closed("error" if not healthy else "reuse_limit"))
            self._close(page)
            self._forget(context, page)
        else:
            self._pass_on(context, page)

    def _pass_on(self, context: str, page: Page | None) -> None:
        """A tab (or, with None, a slot to open one) nobody took: the next waiter's, else idle or freed."""
        if page is None or page.is_closed():
            self._forget(context, page)
        elif (waiter := self._next_waiter(context)) is not None:
            waiter.set_result(page)
        else:
            self.idle.setdefault(context, []).append(page)

    def _forget(self, context: str, page: Page | None, wake: bool = True) -> None:
        """A tab is gone: its slot goes to a waiting request (which opens a new tab) or is freed."""
        if page is not None:
            self.uses.pop(page, None)
        if wake and (waiter := self._next_waiter(context)) is not None:
            waiter.set_result(None)  # the slot passes on
        else:
            self.open[context] = max(self.open.get(context, 0) - 1, 0)

    def _next_waiter(self, context: str) -> asyncio.Future[Page | None] | None:
        waiting = self.waiting.get(context, [])
        while waiting:
            waiter = waiting.pop(0)
            if not waiter.done():  # a cancelled request no longer waits
                return waiter
        return None

    def _close(self, page: Page) -> None:
        logger.debug("Closing browser tab %s", page.url)
        task = asyncio.ensure_future(_close_page(page))
        self.closing.add(task)
        task.add_done_callback(self.closing.discard)


async def _close_page(page: Page) -> Any:
    with contextlib.suppress(PlaywrightError):
        await page.close()
