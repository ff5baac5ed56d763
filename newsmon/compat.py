"""Every use of a dependency's private internals, in this one module (docs/compat.md).

newsmon needs a few things no public API gives: scrapy-playwright's steps of a browser download (to guard
every browser, context and page it creates), whether Scrapy's engine is closing the spider, a way to wake
an idle engine now, and the crawler Scrapy's ``crawl`` command creates. Each is reached here, under a
public name the rest of newsmon calls, and listed in ``PRIVATE_USES``; ``tests/test_compat.py`` checks every
entry against the installed versions and names the one that moved, and ``tests/test_architecture.py``
keeps private names of dependencies out of every other module. An upgrade of Scrapy or scrapy-playwright
that breaks one of them fails that test, not a production crawl.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy_playwright.handler import BrowserContextWrapper, ScrapyPlaywrightDownloadHandler

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

# The versions these uses were checked against (pyproject.toml pins the same ranges).
SUPPORTED = {
    "scrapy": ">=2.18,<2.20",
    "scrapy-playwright": ">=0.0.47,<0.1",
    "twisted": "as Scrapy requires (public API only)",
}


@dataclass(frozen=True)
class PrivateUse:
    """One private name of a dependency newsmon relies on: where it lives, its shape, and why."""

    owner: str  # "module:Class" (or "module" for a module attribute)
    name: str
    params: tuple[str, ...] | None  # a method's parameters after self; None: an attribute
    why: str
    # a hook newsmon overrides must still be called by the dependency: a module whose source calls it
    called_in: str | None = None


PRIVATE_USES = (
    PrivateUse(
        "scrapy_playwright.handler:ScrapyPlaywrightDownloadHandler",
        "_launch",
        (),
        "Playwright's driver starts at a crawl's first browser page, not at engine start (a crawl that "
        "never needs the browser starts no driver)",
        called_in="scrapy_playwright.handler",
    ),
    PrivateUse(
        "scrapy_playwright.handler:ScrapyPlaywrightDownloadHandler",
        "_maybe_launch_browser",
        (),
        "a crawl takes one of the process's browser slots before its browser launches",
        called_in="scrapy_playwright.handler",
    ),
    PrivateUse(
        "scrapy_playwright.handler:ScrapyPlaywrightDownloadHandler",
        "_create_browser_context",
        ("name", "context_kwargs", "spider"),
        "the browser guard is attached to every context before it gets a page",
        called_in="scrapy_playwright.handler",
    ),
    PrivateUse(
        "scrapy_playwright.handler:ScrapyPlaywrightDownloadHandler",
        "_create_page",
        ("request", "spider"),
        "the browser guard watches every page; a page the guard killed is not created again",
        called_in="scrapy_playwright.handler",
    ),
    PrivateUse(
        "scrapy_playwright.handler:ScrapyPlaywrightDownloadHandler",
        "_download_request",
        ("request", "spider"),
        "a download the guard refused fails (no record, no retry)",
        called_in="scrapy_playwright.handler",
    ),
    PrivateUse(
        "scrapy_playwright.handler:ScrapyPlaywrightDownloadHandler",
        "_close",
        (),
        "the guard closes first, and the crawl's browser slot is freed",
        called_in="scrapy_playwright.handler",
    ),
    PrivateUse(
        "scrapy_playwright.handler:ScrapyPlaywrightDownloadHandler",
        "browser",
        None,
        "the shared (non-persistent) browser the guard attaches to",
    ),
    PrivateUse(
        "scrapy_playwright.handler:Config",
        "launch_options",
        None,
        "the guard adds its Chromium arguments before the launch",
    ),
    PrivateUse(
        "scrapy_playwright.handler:BrowserContextWrapper",
        "persistent",
        None,
        "a persistent context has no separate browser object",
    ),
    PrivateUse(
        "scrapy.core.engine:ExecutionEngine", "_slot", None, "the engine's slot: its closing and nextcall"
    ),
    PrivateUse(
        "scrapy.core.engine:_Slot",
        "closing",
        None,
        "the pool gives pages in extraction seconds, not their budget, while the engine closes",
    ),
    PrivateUse(
        "scrapy.core.engine:_Slot",
        "nextcall",
        None,
        "a distributed worker wakes its idle engine when other processes queued requests",
    ),
    PrivateUse(
        "socket:socket",
        "_io_refs",
        None,
        "a deadline socket's makefile() counts its reader as socket.makefile does (close() waits for it)",
    ),
    PrivateUse(
        "sys",
        "_getframe",
        None,
        "an add-on in a project without newsmon's command finds Scrapy's crawl command on the call stack "
        "(Scrapy has no API for an add-on to set the exit status): newsmon/crawl/stock.py",
    ),
    PrivateUse(
        "scrapy.commands.crawl:Command",
        "_create_crawler",
        ("spidercls",),
        "the crawl command keeps its crawler (exit status) and arms the shutdown deadline",
        called_in="scrapy.commands.crawl",
    ),
)


def _resolve(owner: str) -> Any:
    module, _, qualname = owner.partition(":")
    found: Any = importlib.import_module(module)
    for part in filter(None, qualname.split(".")):
        found = getattr(found, part)
    return found


def check(use: PrivateUse) -> str | None:
    """Why ``use`` no longer holds on the installed versions (None: it holds)."""
    try:
        owner = _resolve(use.owner)
    except (ImportError, AttributeError) as exc:
        return f"{use.owner} is gone ({exc}); newsmon needs it: {use.why}"
    where = f"{use.owner}.{use.name}"
    if use.params is not None:
        method = getattr(owner, use.name, None)
        if not callable(method):
            return f"{where} is gone; newsmon needs it: {use.why}"
        params = tuple(inspect.signature(method).parameters)[1:]
        if params != use.params:
            return f"{where} now takes {params}, newsmon calls it with {use.params}: {use.why}"
        if use.called_in is not None:
            source = inspect.getsource(importlib.import_module(use.called_in))
            if f"self.{use.name}(" not in source:
                return f"{use.called_in} no longer calls {use.name}, which newsmon overrides: {use.why}"
        return None
    if dataclasses.is_dataclass(owner) and use.name in {f.name for f in dataclasses.fields(owner)}:
        return None
    if hasattr(owner, use.name):
        return None
    if inspect.isclass(owner):
        source = "".join(inspect.getsource(c) for c in owner.__mro__ if c.__module__ == owner.__module__)
        if f"self.{use.name} =" in source or f"self.{use.name}: " in source:
            return None
    return f"{where} is gone; newsmon needs it: {use.why}"


def problems() -> list[str]:
    """Every private use that no longer holds (tests/test_compat.py)."""
    return [p for p in map(check, PRIVATE_USES) if p is not None]


# --- Scrapy's engine ------------------------------------------------------------------------------


def engine_closing(crawler: Crawler) -> bool:
    """Whether the engine is closing the spider (CLOSESPIDER_*, SIGTERM, a failed store): its slot's
    ``closing``. Without it (no engine yet, or the internals moved) False: callers' budgets still hold."""
    slot = getattr(_engine(crawler), "_slot", None)
    return getattr(slot, "closing", None) is not None


def _engine(crawler: Crawler) -> Any:
    """The crawler's engine, None before the crawl starts (Scrapy 2.19's ``Crawler.engine`` raises
    RuntimeError then, where earlier versions gave None)."""
    try:
        return crawler.engine
    except (AttributeError, RuntimeError):
        return None


def wake_engine(crawler: Crawler) -> None:
    """Let an idle engine look at its scheduler now, not at its next 5 s heartbeat (the slot's
    ``nextcall``). Without it the heartbeat still comes."""
    slot = getattr(_engine(crawler), "_slot", None)
    nextcall = getattr(slot, "nextcall", None)
    if nextcall is not None:
        nextcall.schedule()


# --- the standard library -------------------------------------------------------------------------


def socket_io_ref(sock: socket.socket) -> None:
    """Count one more reader of ``sock``, as ``socket.makefile`` does: ``close()`` then waits for it."""
    sock._io_refs += 1  # type: ignore[attr-defined]


# --- Scrapy's crawl command -----------------------------------------------------------------------


def calling_frames() -> Iterator[FrameType]:
    """The frames of the call stack, innermost first, from the caller of this generator's consumer on."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        yield frame
        frame = frame.f_back


class CrawlCommandBase(ScrapyCrawlCommand):
    """Scrapy's ``crawl`` command, telling its subclass the crawler it created (``crawler_created``)."""

    def _create_crawler(self, spidercls: type[Spider] | str) -> Crawler:
        crawler = super()._create_crawler(spidercls)
        self.crawler_created(crawler)
        return crawler

    def crawler_created(self, crawler: Crawler) -> None:
        """The crawler Scrapy's ``run`` is about to crawl (the reactor is installed now)."""


# --- scrapy-playwright's download handler ---------------------------------------------------------


class PlaywrightHandlerBase(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's download handler with its private steps under public names: a subclass
    overrides ``start_driver``, ``launch_browser``, ``create_context``, ``create_page``,
    ``download_page`` and ``close_browser`` and calls ``super()`` for the step itself."""

    async def _launch(self) -> None:
        await self.start_driver()

    async def _maybe_launch_browser(self) -> None:
        await self.launch_browser()

    async def _create_browser_context(
        self, name: str, context_kwargs: dict[str, Any] | None, spider: Spider | None = None
    ) -> BrowserContextWrapper:
        return await self.create_context(name, context_kwargs, spider)

    async def _create_page(self, request: Request, spider: Spider) -> Page:
        return await self.create_page(request, spider)

    async def _download_request(self, request: Request, spider: Spider | None = None) -> Response:
        return await self.download_page(request, spider)

    async def _close(self) -> None:
        await self.close_browser()

    async def start_driver(self) -> None:
        """Start Playwright (its driver process) and any PLAYWRIGHT_CONTEXTS startup contexts: what
        scrapy-playwright does when the engine starts."""
        await super()._launch()

    async def launch_browser(self) -> None:
        """Launch the browser unless it runs (called before each context)."""
        await super()._maybe_launch_browser()

    async def create_context(
        self, name: str, context_kwargs: dict[str, Any] | None, spider: Spider | None = None
    ) -> BrowserContextWrapper:
        return await super()._create_browser_context(name, context_kwargs, spider)

    async def create_page(self, request: Request, spider: Spider) -> Page:
        return await super()._create_page(request, spider)

    async def download_page(self, request: Request, spider: Spider | None = None) -> Response:
        return await super()._download_request(request, spider)

    async def close_browser(self) -> None:
        await super()._close()

    @property
    def launch_options(self) -> dict[str, Any]:
        """PLAYWRIGHT_LAUNCH_OPTIONS as the handler will launch with them (changes here count)."""
        options: dict[str, Any] = self.config.launch_options
        return options

    def context_browser(self, wrapper: BrowserContextWrapper) -> Browser | None:
        """The browser a context runs in; None for a persistent context (it is its own browser)."""
        return None if wrapper.persistent else getattr(self, "browser", None)
