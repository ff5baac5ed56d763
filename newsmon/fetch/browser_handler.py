"""The STEALTHY tier's download handler: scrapy-playwright's, with newsmon's browser guard
(``newsmon.fetch.browser_guard``) attached to every browser, context and page it creates, and a download
failed (no record, no retry) when the guard refused the page's navigation or killed the page.

The crawls of one process (a sweep's sites) hold at most NEWSMON_BROWSERS_PER_PROCESS browsers at once. They
do not share one browser: the guard intercepts requests at the browser level against its own crawl's
origin, so a shared browser would have one site's rule judge another site's requests.

Playwright's driver (a node process per handler, so two per crawl: http and https) starts at the crawl's
first browser context, not when the engine starts as scrapy-playwright would: a crawl whose pages all come
on PLAIN (most of them) never starts it. PLAYWRIGHT_CONTEXTS startup contexts keep the start at engine
start, since they are wanted then.

The hooks are scrapy-playwright's own steps (driver start, launch, context, page, download, close),
reached under public names through ``newsmon.compat.PlaywrightHandlerBase`` (the one module that touches
their private names; ``tests/test_compat.py`` checks them on the installed version,
``tests/faults/test_browser_guard.py`` fails if a new version stops calling them).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from playwright.async_api import Page
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy_playwright.handler import BrowserContextWrapper

from newsmon.compat import PlaywrightHandlerBase
from newsmon.fetch.browser_guard import BrowserGuard, Visit
from newsmon.options import Option, Options
from newsmon.resources import ProcessResources, resources_of

logger = logging.getLogger(__name__)

OPTIONS = Options(
    Option(
        "NEWSMON_BROWSERS_PER_PROCESS",
        2,
        "Chromium instances the crawls of one process may run at once (a sweep's sites each launch their "
        "own, lazily, on their first STEALTHY page); a site needing one waits for a crawl holding one to "
        "close",
    ),
)


def browser_slots(size: int, resources: ProcessResources) -> asyncio.Semaphore:
    """Per process and event loop (newsmon/resources.py: the command's, handed down): the crawls of a
    sweep share the process, so they share this bound."""
    loop = asyncio.get_running_loop()
    slots = resources.browser_slots
    if loop not in slots:
        for stale in [known for known in slots if known.is_closed()]:
            del slots[stale]
        slots[loop] = asyncio.Semaphore(max(1, size))
    return slots[loop]


class GuardedPlaywrightHandler(PlaywrightHandlerBase):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.guard = BrowserGuard.from_crawler(crawler)
        self.visits: dict[Request, Visit] = {}  # browser downloads in progress
        self.slot_size = OPTIONS.getint(crawler.settings, "NEWSMON_BROWSERS_PER_PROCESS")
        self.resources = resources_of(crawler.settings)
        self.slot: asyncio.Semaphore | None = None  # held from this crawl's browser launch to its close
        self.slot_lock = asyncio.Lock()  # one slot per crawl, however many pages ask at once
        self.driver_lock = asyncio.Lock()
        self.driver_started = False  # by the first browser context (or at engine start: startup contexts)

    async def start_driver(self) -> None:
        """At engine start: only for PLAYWRIGHT_CONTEXTS startup contexts, which are wanted then."""
        if self.config.startup_context_kwargs:
            self.driver_started = True  # the startup contexts are created within this start
            await super().start_driver()

    async def ensure_driver(self) -> None:
        """Start Playwright's driver unless it runs: a crawl's browser steps start with this."""
        async with self.driver_lock:
            if not self.driver_started:
                await super().start_driver()
                self.driver_started = True

    async def launch_browser(self) -> None:
        await self.ensure_driver()
        async with self.slot_lock:
            if self.slot is None:
                slots = browser_slots(self.slot_size, self.resources)
                if slots.locked():
                    logger.info("Waiting for one of the process's %d browsers to close", self.slot_size)
                await slots.acquire()
                self.slot = slots
        await super().launch_browser()

    async def create_context(
        self, name: str, context_kwargs: dict[str, Any] | None, spider: Spider | None = None
    ) -> BrowserContextWrapper:
        await self.ensure_driver()  # a persistent context is launched without launch_browser
        await self.guard.prepare_launch(self.launch_options)
        wrapper = await super().create_context(name, context_kwargs, spider)
        try:
            browser = self.context_browser(wrapper)
            await self.guard.attach_browser(browser, wrapper.context)
        except Exception:
            await wrapper.context.close()  # an unguarded context never gets a page
            raise
        return wrapper

    async def create_page(self, request: Request, spider: Spider) -> Page:
        visit = self.visits.get(request)
        if visit is not None and visit.failure is not None:
            # the guard closed this request's page (scrapy-playwright takes that for a crash and asks for
            # a new one): the download fails instead of loading the page again
            raise visit.failure
        page = await super().create_page(request, spider)
        await self.guard.attach_page(page, visit)
        return page

    async def download_page(self, request: Request, spider: Spider | None = None) -> Response:
        visit = self.visits[request] = Visit(request.url)
        page = request.meta.get("playwright_page")
        if isinstance(page, Page):  # a pooled tab (newsmon.fetch.page_pool)
            self.guard.assign(page, visit)
        try:
            response = await super().download_page(request, spider)
        except Exception as exc:
            if visit.failure is not None and visit.failure is not exc:
                raise visit.failure from exc
            raise
        finally:
            del self.visits[request]
            self.guard.release(visit)
        failure = visit.failure or await self.guard.check_final_url(visit, response.url)
        if failure is not None:
            raise failure
        return response

    async def close_browser(self) -> None:
        try:
            await self.guard.close()
            await super().close_browser()
        finally:
            if self.slot is not None:
                self.slot.release()
                self.slot = None
