"""Downloader middleware: PLAIN first, STEALTHY (headless Chromium) when the page needs it.

A response is fetched again in the browser when it is a bot challenge, when the spider found a
JavaScript-only shell (it re-yields the request with ``newsmon_escalate``), when the host is known to need
it, or when the site's policy says so. The record says which tier fetched it and why.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from playwright.async_api import Error as PlaywrightError
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.httpobj import urlparse_cached
from scrapy_playwright.page import PageMethod

from newsmon.fetch.browser import INSTALL_HINT, find_chromium
from newsmon.fetch.challenge import challenge_reason
from newsmon.fetch.policy import OPTIONS, TierPolicy
from newsmon.fetch.stealth import PAGE_INIT_CALLBACK, settle_challenge
from newsmon.meta import (
    META_BROWSER_RETRIES,
    META_ESCALATE,
    META_FETCH_REASON,
    META_KIND,
    META_STEALTH,
    META_TIER,
    PAGE_KINDS,
    Tier,
)
from newsmon.state.backend import state_backend
from newsmon.state.host_memory import HostMemory
from newsmon.stats import (
    TIER_BROWSER_FAILED,
    TIER_BROWSER_RETRY,
    TIER_CHECK_PASSED,
    TIER_HOST_REMEMBERED,
    TIER_STEALTHY_OK,
    tier_blocked,
    tier_escalated,
    tier_stealthy,
    tier_unavailable,
)

logger = logging.getLogger(__name__)

BROWSER_CONTEXT = "newsmon"
# Scrapy meta keys a re-fetch keeps (the rest are per-download: latency, slot, retry and redirect state).
KEPT_META = frozenset({"cookiejar", "proxy", "depth", "dont_merge_cookies"})
# The host-memory reason of a host whose pages pass a browser check that navigates (cookie + reload, form)
BROWSER_CHECK = "browser_check"


class NeedsBrowser(IgnoreRequest):
    """The page needs the browser tier, which is off or has no Chromium (no record)."""


class StillChallenged(IgnoreRequest):
    """The page is still a bot challenge in the browser (no record)."""


class TierMiddleware:
    def __init__(self, crawler: Crawler, policy: TierPolicy) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats: StatsCollector = crawler.stats
        self.policy = policy
        self.memory: HostMemory | None = None
        self.logged_hosts: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TierMiddleware:
        if not OPTIONS.getbool(crawler.settings, "NEWSMON_TIERS_ENABLED"):
            raise NotConfigured
        middleware = cls(crawler, TierPolicy.from_settings(crawler.settings))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        # the policy came from settings the spider already completed with its site's tier_mode
        policy = self.policy
        self.memory = state_backend(self.crawler).host_memory(  # JSON file or Redis
            policy.state_dir, policy.remember_after, policy.memory_ttl
        )
        if self.policy.mode != "plain" and not self.policy.browser_ready:
            configured = OPTIONS.get(self.crawler.settings, "NEWSMON_CHROMIUM_PATH") or ""
            found = find_chromium(configured)
            if found:  # a browser exists: only the add-on, which wires scrapy-playwright in, is missing
                where, hint = f"{found} is not wired in", 'enable the add-on: ADDONS = {"newsmon.Addon": 0}'
            else:
                where, hint = configured or "no system Chromium, no Playwright browser", INSTALL_HINT
            logger.error(
                "STEALTHY tier unavailable (%s): pages that need a browser are skipped and counted; %s",
                where,
                hint,
            )

    def spider_closed(self, spider: Spider) -> None:
        if self.memory is not None:
            self.memory.save()

    # --- requests ------------------------------------------------------------------------------
    def process_request(self, request: Request) -> None:
        meta = request.meta
        if meta.get("playwright"):
            return None
        host = urlparse_cached(request).hostname or ""
        escalated = meta.pop(META_ESCALATE, None)
        if escalated is None and meta.get(META_TIER) == Tier.STEALTHY:  # asked for by same_tier
            self._to_stealthy(request, meta.get(META_FETCH_REASON) or "", counted=False)
            return None
        reason = escalated or (self._standing_reason(host) if meta.get(META_KIND) in PAGE_KINDS else None)
        if reason is None:
            meta[META_TIER] = Tier.PLAIN
            return None
        if not self.policy.browser_ready or self.policy.mode == "plain":
            # counted here, not as an escalation: a host is never remembered for a browser it cannot have
            self.stats.inc_value(tier_unavailable(reason))
            raise NeedsBrowser(f"{request.url} needs a browser ({reason}) but the STEALTHY tier is off")
        if escalated is not None:
            self._count_escalation(request.url, host, escalated)
        self._to_stealthy(request, reason)
        return None

    def _standing_reason(self, host: str) -> str | None:
        if self.policy.mode == "stealthy":
            return "site_policy"
        if self.policy.mode == "auto" and self.memory is not None:
            return self.memory.stealthy_reason(host)
        return None

    def _to_stealthy(self, request: Request, reason: str, *, counted: bool = True) -> None:
        """The request fetched in the browser for ``reason``: everything a browser request carries for
        scrapy-playwright and newsmon's stealth, defined here only. ``counted``: a fetch decided here (not
        the later page of an article whose first page was, same_tier)."""
        meta = request.meta
        meta.update(
            {
                "playwright": True,
                "playwright_context": BROWSER_CONTEXT,
                "playwright_context_kwargs": self.policy.context_kwargs,
                "playwright_page_init_callback": PAGE_INIT_CALLBACK,
                "playwright_page_methods": [PageMethod(settle_challenge, self.policy.challenge_wait)],
                META_STEALTH: {"user_agent": self.policy.user_agent},
                META_TIER: Tier.STEALTHY,
                META_FETCH_REASON: reason,
            }
        )
        if counted:
            self.stats.inc_value(tier_stealthy(reason))

    # --- responses -----------------------------------------------------------------------------
    def process_response(self, request: Request, response: Response) -> Request | Response:
        meta = request.meta
        if meta.get(META_TIER) == Tier.STEALTHY:
            return self._browser_response(request, response)
        if meta.get(META_KIND) not in PAGE_KINDS or self.policy.mode == "plain":
            return response
        reason = challenge_reason(response.status, response.headers, response.body)
        if reason is None:
            return response
        return escalate(request, reason)

    def _count_escalation(self, url: str, host: str, reason: str) -> None:
        self.stats.inc_value(tier_escalated(reason))
        if (host, reason) not in self.logged_hosts:
            self.logged_hosts.add((host, reason))
            logger.info(
                "Escalating %s to STEALTHY (%s); further ones on %s are only counted", url, reason, host
            )
        if self.memory is not None and self.memory.record_escalation(host, reason):
            self.stats.inc_value(TIER_HOST_REMEMBERED)
            logger.info("Host %s now goes straight to STEALTHY for %s", host, self.policy.memory_ttl)

    def _browser_response(self, request: Request, response: Response) -> Response:
        methods = request.meta.get("playwright_page_methods") or []
        settled = next((m.result for m in methods if isinstance(m, PageMethod) and m.result), None) or {}
        shown = int(settled.get("status") or 0)
        if shown and shown != response.status:  # the challenge let the browser through to the page
            response = response.replace(status=shown)
        # headers are those of the first navigation (the challenge's): judge the document shown by its body
        reason = challenge_reason(response.status, {}, response.body)
        if reason is not None:
            self.stats.inc_value(tier_blocked(reason))
            logger.warning("Still blocked in the browser (%s): %s; no record", reason, request.url)
            raise StillChallenged(f"{request.url} is still a challenge in the browser ({reason})")
        self.stats.inc_value(TIER_STEALTHY_OK)
        if settled.get("navigations"):  # a check of some vendor sent the browser on to the page
            self.stats.inc_value(TIER_CHECK_PASSED)
            host = urlparse_cached(request).hostname or ""
            if self.memory is not None and self.memory.record_escalation(host, BROWSER_CHECK):
                self.stats.inc_value(TIER_HOST_REMEMBERED)
                logger.info("Host %s puts a browser check before its pages: now straight to STEALTHY", host)
        return response

    # --- browser failures ----------------------------------------------------------------------
    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if request.meta.get(META_TIER) != Tier.STEALTHY or not isinstance(exception, PlaywrightError):
            return None
        retries = request.meta.get(META_BROWSER_RETRIES, 0)
        if retries >= self.policy.browser_retries:
            self.stats.inc_value(TIER_BROWSER_FAILED)
            logger.warning("Browser failed %d times on %s: %s", retries + 1, request.url, exception)
            return None
        self.stats.inc_value(TIER_BROWSER_RETRY)
        logger.info("Browser error on %s (%s); retrying", request.url, str(exception).splitlines()[0])
        retry = request.replace(dont_filter=True, meta={**request.meta, META_BROWSER_RETRIES: retries + 1})
        retry.meta["playwright_page_methods"] = [PageMethod(settle_challenge, self.policy.challenge_wait)]
        return retry


def escalate(request: Request, reason: str) -> Request:
    """The same request again, to be fetched in the browser for ``reason``; spiders use it for pages
    that turn out to be JavaScript-only shells. The middleware counts it and decides if it can."""
    meta: dict[str, Any] = {
        k: v for k, v in request.meta.items() if k.startswith("newsmon_") or k in KEPT_META
    }
    meta[META_ESCALATE] = reason
    return request.replace(dont_filter=True, meta=meta)


def same_tier(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Meta that has another request fetched in the tier the request of ``meta`` was (the later pages of an
    article read in the browser): for a STEALTHY one, the tier and its reason, which TierMiddleware turns
    into a browser request as it made the first (not counted again); nothing for PLAIN (the middleware
    decides as for any page)."""
    if meta.get(META_TIER) != Tier.STEALTHY:
        return {}
    return {META_TIER: Tier.STEALTHY, META_FETCH_REASON: meta.get(META_FETCH_REASON)}
