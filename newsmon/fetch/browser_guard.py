"""The browser tier under the PLAIN tier's rules, and within bounds.

Requests: one DevTools session on each browser intercepts (``Fetch`` domain) every request any page,
frame or worker of it makes, each redirect hop included (Playwright's own routes never see redirects), and
applies the SSRF rule of ``newsmon.fetch.ssrf`` to it: a refused request is failed before any connection
and counted. A main-frame navigation (redirect, script or meta refresh) to a refused address or off the
site's allowed domains fails the page: no record. The URL a page finally shows passes the same checks.
When the crawl origin itself is not a public address (a mirror on 127.0.0.1), Chromium is told that
origin is public, so its Local Network Access checks also refuse what the interception cannot see
(WebSockets, an address a name resolves to at connection time).

Bounds: Chromium's popup blocker stays on (``newsmon.fetch.browser``); popups a page still opens are
closed. Every ``NEWSMON_BROWSER_CHECK_EVERY`` seconds each page's DOM nodes and JavaScript heap are read
(DevTools ``Performance.getMetrics``) and each Chromium renderer's resident memory from ``/proc``; a page
over a limit is closed (a renderer over its limit is killed), counted, and its download fails: no record,
the crawl goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, CDPSession, Page
from playwright.async_api import Error as PlaywrightError
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector

from newsmon.context import CrawlContext
from newsmon.fetch.ssrf import OPTIONS as SSRF_OPTIONS
from newsmon.fetch.ssrf import Refusal, SsrfConfig, SsrfRefused, SsrfRule, ip_literal, is_public
from newsmon.options import Option, Options
from newsmon.stats import (
    BROWSER_OFFSITE_NAVIGATION,
    BROWSER_POPUP,
    BROWSER_POPUP_CLOSED,
    BROWSER_UNRESOLVED,
    SSRF_BROWSER_REFUSED,
    browser_killed,
    ssrf_browser_refused,
)

OPTIONS = Options(
    Option(
        "NEWSMON_BROWSER_MAX_DOM_NODES",
        200000,
        "a browser page with more DOM nodes than this is closed: its download fails, no record "
        "(`browser/killed/dom_nodes`; 0: no limit) ([Fetch tiers](../fetch-tiers.md))",
    ),
    Option(
        "NEWSMON_BROWSER_MAX_HEAP_MB",
        512,
        "a browser page whose JavaScript heap grows past this many MiB is closed, no record "
        "(`browser/killed/js_heap`; 0: no limit)",
    ),
    Option(
        "NEWSMON_BROWSER_MAX_RENDERER_MB",
        1024,
        "a Chromium renderer process resident above this many MiB is killed; its pages fail, no record "
        "(`browser/killed/renderer_memory`; Linux; 0: off)",
    ),
    Option(
        "NEWSMON_BROWSER_CHECK_EVERY",
        0.5,
        "seconds between two checks of the three limits above (renderer memory every second check)",
    ),
)

logger = logging.getLogger(__name__)

KILL_WINDOW = 5.0  # seconds after a renderer kill in which a crashed page counts as killed by it
CONFIRM_BELOW = 2.0  # a page less than this far over a limit is measured again after a garbage collection
METRICS_TIMEOUT = 2.0  # seconds a page may take to report its metrics (a busy page is looked at next time)
RENDERER_CHECK_EVERY = 2  # renderer memory is read every this many checks
MIB = 1024 * 1024


class BrowserPageKilled(IgnoreRequest):
    """A browser page went over a DOM, heap or memory limit and was closed (no record)."""


class OffsiteNavigation(IgnoreRequest):
    """A browser page navigated off the site's allowed domains (no record, as for a PLAIN redirect)."""


@dataclass(frozen=True)
class BrowserLimits:
    """What one browser page may cost; 0 switches a limit off. See docs/reference/settings.md."""

    max_dom_nodes: int
    max_heap_mb: int
    max_renderer_mb: int
    check_every: float

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> BrowserLimits:
        limits = cls(
            max_dom_nodes=OPTIONS.getint(settings, "NEWSMON_BROWSER_MAX_DOM_NODES"),
            max_heap_mb=OPTIONS.getint(settings, "NEWSMON_BROWSER_MAX_HEAP_MB"),
            max_renderer_mb=OPTIONS.getint(settings, "NEWSMON_BROWSER_MAX_RENDERER_MB"),
            check_every=OPTIONS.getfloat(settings, "NEWSMON_BROWSER_CHECK_EVERY"),
        )
        if min(limits.max_dom_nodes, limits.max_heap_mb, limits.max_renderer_mb) < 0:
            raise ValueError(
                "NEWSMON_BROWSER_MAX_DOM_NODES, NEWSMON_BROWSER_MAX_HEAP_MB and "
                "NEWSMON_BROWSER_MAX_RENDERER_MB must not be negative (0: no limit)"
            )
        if limits.check_every <= 0:
            raise ValueError("NEWSMON_BROWSER_CHECK_EVERY must be a positive number of seconds")
        return limits

    @property
    def page_limits(self) -> bool:
        return bool(self.max_dom_nodes or self.max_heap_mb)


@dataclass(frozen=True)
class Breach:
    """A page over one of its limits."""

    reason: str  # the stat's last part: dom_nodes, js_heap
    value: int
    limit: int
    unit: str
    setting: str

    @property
    def ratio(self) -> float:
        return self.value / self.limit

    def __str__(self) -> str:
        return f"{self.value} {self.unit}, over {self.setting}={self.limit}"


@dataclass
class Visit:
    """One browser download, and why the guard failed it (the first reason wins)."""

    url: str
    failure: IgnoreRequest | None = None
    page: GuardedPage | None = None

    def fail(self, failure: IgnoreRequest) -> None:
        if self.failure is None:
            self.failure = failure


@dataclass(eq=False)
class GuardedPage:
    page: Page
    session: CDPSession
    main_frame: str
    visit: Visit | None = None


@dataclass(eq=False)
class _Browser:
    browser: Browser
    session: CDPSession


class BrowserGuard:
    """Attached by ``newsmon.fetch.browser_handler`` to every browser, context and page it creates."""

    def __init__(self, stats: StatsCollector, rule: SsrfRule | None, limits: BrowserLimits) -> None:
        self.stats = stats
        self.rule = rule  # None: NEWSMON_SSRF_GUARD is off
        self.limits = limits
        self.allowed_domains: list[str] = []
        self.pages: dict[Page, GuardedPage] = {}
        self.main_frames: dict[str, GuardedPage] = {}
        self.browsers: list[_Browser] = []
        self.watchdog: asyncio.Task[None] | None = None
        self.tasks: set[asyncio.Future[None]] = set()
        self.renderer_killed_at = -KILL_WINDOW
        self.launch_prepared = False
        self.logged: set[tuple[str, str]] = set()
        self.logged_popups = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserGuard:
        settings = crawler.settings
        rule = None
        if SSRF_OPTIONS.getbool(settings, "NEWSMON_SSRF_GUARD"):
            rule = SsrfRule(SsrfConfig.from_settings(settings))
        assert crawler.stats is not None
        guard = cls(crawler.stats, rule, BrowserLimits.from_settings(settings))
        context = CrawlContext.of(crawler)
        if crawler.spider is not None:  # the handler is usually built on the first request
            guard.bind(crawler.spider, context.crawl_origin)
        crawler.signals.connect(
            lambda spider: guard.bind(spider, context.crawl_origin), signal=signals.spider_opened, weak=False
        )
        return guard

    def bind(self, spider: Spider, origin: str | None) -> None:
        """The crawl origin (exempt from the SSRF rule) and the domains a page may navigate to (Scrapy's
        ``allowed_domains``, as OffsiteMiddleware reads them)."""
        if self.rule is not None:
            self.rule.bind(origin)
        self.allowed_domains = [d.lower() for d in getattr(spider, "allowed_domains", None) or [] if d]

    # --- launch, browser, context, page ---------------------------------------------------------
    async def prepare_launch(self, launch_options: dict[str, Any]) -> None:
        """Before the first browser launch: a non-public crawl origin is declared public to Chromium, so its
        Local Network Access checks refuse loopback and private targets from the site's pages too (not when
        NEWSMON_SSRF_ALLOWED_HOSTS opens private hosts: Chromium would refuse those)."""
        if self.launch_prepared or self.rule is None or self.rule.origin is None:
            return
        self.launch_prepared = True
        config = self.rule.config
        if config.allowed_hosts or config.allowed_networks:
            return
        host, port = self.rule.origin
        endpoints = []
        for address in await _addresses(host, port):
            if not is_public(address):
                shown = f"[{address}]" if address.version == 6 else str(address)
                endpoints.append(f"{shown}:{port}=public")
        if endpoints:
            args = list(launch_options.get("args") or [])
            args.append("--ip-address-space-overrides=" + ",".join(endpoints))
            launch_options["args"] = args
            logger.info(
                "Crawl origin %s:%d is not a public address: Chromium treats it as public, so its Local "
                "Network Access checks refuse the site's pages any loopback or private address",
                host,
                port,
            )

    async def attach_browser(self, browser: Browser | None, context: BrowserContext) -> None:
        """Intercept every request of ``browser`` (once per browser; a relaunched one is a new browser),
        and close popups of ``context``."""
        context.on("page", self._on_context_page)
        if self.rule is None:
            return
        if browser is None:
            raise RuntimeError(
                "newsmon's browser guard needs a launched or connected browser, not a persistent context "
                "(or set NEWSMON_SSRF_GUARD=False)"
            )
        self.browsers = [b for b in self.browsers if b.browser.is_connected()]
        if any(b.browser is browser for b in self.browsers):
            return
        session = await browser.new_browser_cdp_session()
        guarded = _Browser(browser, session)
        session.on("Fetch.requestPaused", lambda event: self._spawn(self._on_paused(guarded, event)))
        await session.send("Fetch.enable", {"patterns": [{"urlPattern": "*", "requestStage": "Request"}]})
        self.browsers.append(guarded)

    async def attach_page(self, page: Page, visit: Visit | None) -> None:
        """A page newsmon opened: its main frame is known, its popups and metrics are watched."""
        try:
            session = await page.context.new_cdp_session(page)
            tree = await session.send("Page.getFrameTree")
            guarded = GuardedPage(page, session, tree["frameTree"]["frame"]["id"])
            session.on("Page.windowOpen", lambda event: self._on_window_open(guarded, event))
            await session.send("Page.enable")
            if self.limits.page_limits:
                await session.send("Performance.enable")
        except PlaywrightError:
            await _close(page)  # never an unwatched page
            raise
        self.pages[page] = guarded
        self.main_frames[guarded.main_frame] = guarded
        page.on("crash", lambda _: self._on_crash(guarded))
        page.on("close", lambda _: self._forget(guarded))
        if visit is not None:
            self.assign(page, visit)
        if self.watchdog is None and (self.limits.page_limits or self.limits.max_renderer_mb):
            self.watchdog = asyncio.ensure_future(self._watch())

    def assign(self, page: Page, visit: Visit) -> None:
        guarded = self.pages.get(page)
        if guarded is not None:
            guarded.visit, visit.page = visit, guarded

    def release(self, visit: Visit) -> None:
        if visit.page is not None and visit.page.visit is visit:
            visit.page.visit = None

    def _forget(self, guarded: GuardedPage) -> None:
        self.pages.pop(guarded.page, None)
        self.main_frames.pop(guarded.main_frame, None)

    async def close(self) -> None:
        """Before the handler closes its browser: the watchdog stops."""
        if self.watchdog is not None:
            self.watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.watchdog

    # --- requests ---------------------------------------------------------------------------------
    async def _on_paused(self, browser: _Browser, event: dict[str, Any]) -> None:
        request_id = event["requestId"]
        try:
            refused = await self._refuses(event)
        except Exception:  # never leave a request paused; in doubt, it does not go out
            logger.exception("Browser guard failed on %s; refused", event.get("request", {}).get("url"))
            refused = True
        if refused:
            method, params = "Fetch.failRequest", {"requestId": request_id, "errorReason": "BlockedByClient"}
        else:
            method, params = "Fetch.continueRequest", {"requestId": request_id}
        with contextlib.suppress(PlaywrightError):  # the browser or its page went away meanwhile
            await browser.session.send(method, params)

    async def _refuses(self, event: dict[str, Any]) -> bool:
        assert self.rule is not None
        url: str = event["request"]["url"]
        kind = str(event.get("resourceType") or "other").lower()
        page = self.main_frames.get(event.get("frameId") or "") if kind == "document" else None
        kind = "navigation" if page is not None else "iframe" if kind == "document" else kind
        refusal = await self.rule.refusal(url, strict=True)
        if refusal is not None:
            self._count_refusal(url, kind, refusal)
            if page is not None:
                self._fail_page(page, url, _ssrf_refused(refusal))
            return True
        if page is not None and not self._on_site(url):
            self.stats.inc_value(BROWSER_OFFSITE_NAVIGATION)
            self._fail_page(page, url, OffsiteNavigation(f"the page navigated off the site to {url}"))
            return True
        return False

    def _on_site(self, url: str) -> bool:
        """Scrapy's Offsite rule for redirects: the spider's allowed domains and their subdomains."""
        host = (urlsplit(url).hostname or "").lower()
        domains = self.allowed_domains
        return not domains or any(host == d or host.endswith(f".{d}") for d in domains)

    def _count_refusal(self, url: str, kind: str, refusal: Refusal) -> None:
        if refusal.address == "unresolved":
            self.stats.inc_value(BROWSER_UNRESOLVED)
            logger.debug("Browser request to %s refused: %s does not resolve", url, refusal.host)
            return
        self.stats.inc_value(SSRF_BROWSER_REFUSED)
        self.stats.inc_value(ssrf_browser_refused(kind))
        if kind != "navigation" and (refusal.host, refusal.address) not in self.logged:
            self.logged.add((refusal.host, refusal.address))
            logger.warning(
                "SSRF guard refused a browser request (%s) for %s: %s is %s, not the site's own origin and "
                "not in NEWSMON_SSRF_ALLOWED_HOSTS (further ones to it are only counted)",
                kind,
                url,
                refusal.host,
                refusal.address,
            )

    def _fail_page(self, page: GuardedPage, url: str, failure: IgnoreRequest) -> None:
        visit = page.visit
        if visit is None or visit.failure is not None:
            return
        visit.fail(failure)
        logger.warning(
            "Browser page %s tried to navigate to %s: refused (%s); no record", visit.url, url, failure
        )

    async def check_final_url(self, visit: Visit, url: str) -> IgnoreRequest | None:
        """The URL a page finally shows, under the same rules as a navigation."""
        failure: IgnoreRequest | None = None
        refusal = await self.rule.refusal(url, strict=True) if self.rule is not None else None
        if refusal is not None:
            self._count_refusal(url, "navigation", refusal)
            failure = _ssrf_refused(refusal)
        elif not self._on_site(url):
            self.stats.inc_value(BROWSER_OFFSITE_NAVIGATION)
            failure = OffsiteNavigation(f"the page ended off the site, on {url}")
        if failure is not None:
            logger.warning("Browser page %s ended on %s: refused (%s); no record", visit.url, url, failure)
        return failure

    # --- popups -----------------------------------------------------------------------------------
    def _on_window_open(self, guarded: GuardedPage, event: dict[str, Any]) -> None:
        """window.open, a target=_blank click or form: Chromium's popup blocker refuses it (no user gesture
        in a crawl); counted here, where it is seen."""
        self.stats.inc_value(BROWSER_POPUP)
        if not self.logged_popups:
            self.logged_popups = True
            logger.info(
                "Page %s tried to open a popup (%s); popups are blocked or closed, further ones only counted",
                guarded.page.url,
                event.get("url"),
            )

    async def _on_context_page(self, page: Page) -> None:
        """A page opened in a browser context. Ours have no opener; a popup that got through is closed."""
        with contextlib.suppress(PlaywrightError):
            if page in self.pages or await page.opener() is None:
                return
            self.stats.inc_value(BROWSER_POPUP_CLOSED)
            logger.debug("Closing popup %s", page.url)
            await page.close()

    # --- limits -----------------------------------------------------------------------------------
    async def _watch(self) -> None:
        ticks = 0
        try:
            while self.pages:
                await asyncio.sleep(self.limits.check_every)
                ticks += 1
                try:
                    if self.limits.page_limits:
                        await asyncio.gather(*(self._check_page(p) for p in list(self.pages.values())))
                    if self.limits.max_renderer_mb and ticks % RENDERER_CHECK_EVERY == 0:
                        await self._check_renderers()
                except Exception:  # the limits stay watched
                    logger.exception("Browser limit check failed")
        finally:
            self.watchdog = None

    async def _check_page(self, guarded: GuardedPage) -> None:
        breach = self._breach(await _metrics(guarded.session))
        if breach is not None and breach.ratio < CONFIRM_BELOW:
            # a reused tab still counts what the pages it showed before left behind, until V8 collects it
            with contextlib.suppress(TimeoutError, PlaywrightError):
                await asyncio.wait_for(guarded.page.request_gc(), METRICS_TIMEOUT)
            again = await _metrics(guarded.session)
            if again is not None:
                breach = self._breach(again)
        if breach is not None and guarded.page in self.pages:
            await self._kill_page(guarded, breach)

    def _breach(self, metrics: dict[str, float] | None) -> Breach | None:
        if metrics is None:
            return None
        limits = self.limits
        nodes = int(metrics.get("Nodes", 0))
        if limits.max_dom_nodes and nodes > limits.max_dom_nodes:
            return Breach(
                "dom_nodes", nodes, limits.max_dom_nodes, "DOM nodes", "NEWSMON_BROWSER_MAX_DOM_NODES"
            )
        heap = int(metrics.get("JSHeapUsedSize", 0) // MIB)
        if limits.max_heap_mb and heap > limits.max_heap_mb:
            return Breach(
                "js_heap", heap, limits.max_heap_mb, "MiB of JS heap", "NEWSMON_BROWSER_MAX_HEAP_MB"
            )
        return None

    async def _kill_page(self, guarded: GuardedPage, breach: Breach) -> None:
        self.stats.inc_value(browser_killed(breach.reason))
        url = guarded.visit.url if guarded.visit is not None else guarded.page.url
        logger.warning("Browser page %s killed: %s; no record", url, breach)
        if guarded.visit is not None:
            guarded.visit.fail(BrowserPageKilled(f"browser page killed: {breach}"))
        self._forget(guarded)
        with contextlib.suppress(PlaywrightError):
            await guarded.page.close()

    async def _check_renderers(self) -> None:
        limit = self.limits.max_renderer_mb
        for pid, mib in (await asyncio.to_thread(renderer_memory, os.getpid())).items():
            if mib <= limit:
                continue
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
                self.renderer_killed_at = time.monotonic()
                self.stats.inc_value(browser_killed("renderer_memory"))
                logger.warning(
                    "Chromium renderer %d killed: %d MiB resident, over NEWSMON_BROWSER_MAX_RENDERER_MB=%d; "
                    "its pages fail without a record",
                    pid,
                    mib,
                    limit,
                )

    def _on_crash(self, guarded: GuardedPage) -> None:
        """A crashed tab is closed (a pooled one would fail every later page); right after a renderer kill
        its download fails as killed, not retried."""
        if guarded.visit is not None and time.monotonic() - self.renderer_killed_at < KILL_WINDOW:
            guarded.visit.fail(BrowserPageKilled("browser page killed with its renderer (memory)"))
        self._forget(guarded)
        self._spawn(_close(guarded.page))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


def _ssrf_refused(refusal: Refusal) -> SsrfRefused:
    return SsrfRefused(f"browser SSRF guard: {refusal.host} is {refusal.address}")


async def _close(page: Page) -> None:
    with contextlib.suppress(PlaywrightError):
        await page.close()


async def _metrics(session: CDPSession) -> dict[str, float] | None:
    """DevTools performance metrics of a page (Nodes, JSHeapUsedSize, ...); None when it does not answer."""
    try:
        reply = await asyncio.wait_for(session.send("Performance.getMetrics"), METRICS_TIMEOUT)
    except (TimeoutError, PlaywrightError):
        return None
    return {m["name"]: m["value"] for m in reply.get("metrics", [])}


async def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    literal = ip_literal(host)
    if literal is not None:
        return [literal]
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port)
    except OSError:
        return []
    found = [ip_literal(str(info[4][0])) for info in infos]
    return list(dict.fromkeys(a for a in found if a is not None))


def renderer_memory(root: int) -> dict[int, int]:
    """Resident MiB of every Chromium renderer process below ``root`` (Linux /proc; {} elsewhere)."""
    children: dict[int, list[int]] = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    found: dict[int, int] = {}
    stack = [root]
    page_size = os.sysconf("SC_PAGE_SIZE")
    while stack:
        for pid in children.get(stack.pop(), []):
            stack.append(pid)
            with contextlib.suppress(OSError, IndexError, ValueError):
                if b"--type=renderer" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
                    found[pid] = resident * page_size // MIB
    return found
