"""The fetch-side components, built as Scrapy builds them (``get_crawler``, ``build_from_crawler``) and driven
with hand-built requests and responses: the SSRF guard, Retry-After, the tier middleware and its tab pool,
fetch counts, the WARC archiver and the browser download handler (construction only: Chromium itself runs
in tests/test_tiers_crawl.py and tests/faults/test_browser_guard.py).

Each component is built once from a crawler with no newsmon settings at all (listed by hand in another
Scrapy project, without the add-on) and must then work with its declared defaults."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.misc import build_from_crawler
from warcio.archiveiterator import ArchiveIterator

from newsmon.archive.warc import WarcArchiver
from newsmon.fetch import retry
from newsmon.fetch.counts import FetchCounts
from newsmon.fetch.page_pool import PagePoolMiddleware
from newsmon.fetch.retry import RetryAfterMiddleware
from newsmon.fetch.ssrf import SsrfGuard, SsrfRefused
from newsmon.fetch.tiers import NeedsBrowser, StillChallenged, TierMiddleware, same_tier
from newsmon.meta import META_ESCALATE, META_FETCH_REASON, META_KIND, META_TIER, WARC_META, Tier
from newsmon.spiders.euromaidan import EuromaidanSpider
from newsmon.stats import (
    BROWSER_PAGE_REUSED,
    RETRY_BACKOFF,
    RETRY_RETRY_AFTER,
    RETRY_RETRY_AFTER_CAPPED,
    SSRF_REFUSED,
    TIER_HOST_REMEMBERED,
    TIER_STEALTHY_OK,
    WARC_RENDERED,
    WARC_RESPONSES,
    request_by,
    response_by,
    tier_blocked,
    tier_escalated,
    tier_stealthy,
    tier_unavailable,
)
from tests.component_helpers import crawler_with, isolated, open_spider, stat

CHROMIUM = Path("/usr/bin/chromium")
SITE = "http://127.0.0.1:8080"
ARTICLE = (
    b"<html><head><title>Ferry crews return</title></head><body><article><h1>Ferry crews return</h1><p>"
    + b"An invented paragraph about a ferry and its crew. " * 40
    + b"</p></article></body></html>"
)
# a Cloudflare "Just a moment..." wall as served with 503
CHALLENGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b"<noscript>Enable JavaScript and cookies to continue</noscript>"
    b"<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script></body></html>"
)


@pytest.fixture(autouse=True)
def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from isolated(tmp_path, monkeypatch)


def html(request: Request, body: bytes = ARTICLE, status: int = 200, **kwargs: Any) -> HtmlResponse:
    return HtmlResponse(request.url, status=status, body=body, request=request, **kwargs)


def article(url: str = f"{SITE}/2026/03/01/ferry/", **meta: Any) -> Request:
    return Request(url, meta={META_KIND: "article", **meta})


# --- SsrfGuard ---------------------------------------------------------------------------------------
def refused(guard: SsrfGuard, url: str) -> bool:
    """Whether the guard refuses url (IP literals only: no resolver, no reactor needed)."""
    try:
        asyncio.run(guard.process_request(Request(url)))
    except SsrfRefused:
        return True
    return False


def test_ssrf_guard_is_on_by_default_and_refuses_private_addresses() -> None:
    crawler = crawler_with()
    guard = build_from_crawler(SsrfGuard, crawler)  # not NotConfigured: the guard never fails open
    for url in ("http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "file:///x"):
        assert refused(guard, url), url
    assert not refused(guard, "http://93.184.215.14/")  # a public address
    assert stat(crawler, SSRF_REFUSED) == 4


def test_ssrf_guard_off() -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(SsrfGuard, crawler_with({"NEWSMON_SSRF_GUARD": False}))


def test_ssrf_guard_exempts_the_crawl_origin_only_and_the_allow_list() -> None:
    crawler = crawler_with({"NEWSMON_SSRF_ALLOWED_HOSTS": ["10.0.0.0/8"]}, EuromaidanSpider)
    spider = EuromaidanSpider.from_crawler(crawler, base_url=SITE)  # sets the crawl's origin
    guard = build_from_crawler(SsrfGuard, crawler)
    guard.spider_opened(spider)  # the origin the spider's configuration names
    assert not refused(guard, f"{SITE}/2026/03/01/ferry/")
    assert refused(guard, "http://127.0.0.1:6379/")  # the origin's address, another port
    assert not refused(guard, "http://10.1.2.3/")  # NEWSMON_SSRF_ALLOWED_HOSTS
    assert refused(guard, "http://192.168.1.1/")
    spider.closed("finished")


def test_ssrf_guard_checks_the_url_a_browser_page_ended_on() -> None:
    guard = build_from_crawler(SsrfGuard, crawler_with())
    request = Request("http://93.184.215.14/a")
    shown = Response("http://192.168.0.1/admin", request=request, flags=["playwright"])
    with pytest.raises(SsrfRefused):
        asyncio.run(guard.process_response(request, shown))
    plain = Response("http://93.184.215.14/b", request=request)  # a PLAIN redirect hop was checked already
    assert asyncio.run(guard.process_response(request, plain)) is plain


# --- RetryAfterMiddleware ----------------------------------------------------------------------------
@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The middleware's waits, recorded instead of slept."""
    recorded: list[float] = []

    async def sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(retry, "sleep", sleep)
    return recorded


def retry_middleware(settings: dict[str, Any] | None = None) -> RetryAfterMiddleware:
    crawler = crawler_with(settings)
    open_spider(crawler)  # Scrapy's retry logic takes the spider from the crawler
    return build_from_crawler(RetryAfterMiddleware, crawler)


def test_retry_backs_off_by_default_doubling_per_retry(waits: list[float]) -> None:
    middleware = retry_middleware()
    assert (middleware.backoff, middleware.max_wait) == (1.0, 60.0)  # declared defaults, not 0
    first = Request("http://93.184.215.14/a")
    again = asyncio.run(middleware.process_response(first, Response(first.url, status=503, request=first)))
    assert isinstance(again, Request) and again.meta["retry_times"] == 1 and again.dont_filter
    asyncio.run(middleware.process_response(again, Response(again.url, status=500, request=again)))
    assert waits == [1.0, 2.0]
    assert middleware.crawler.stats.get_value(RETRY_BACKOFF) == 2


def test_retry_off_and_backoff_off(waits: list[float]) -> None:
    with pytest.raises(NotConfigured):
        retry_middleware({"RETRY_ENABLED": False})
    middleware = retry_middleware({"NEWSMON_RETRY_BACKOFF": 0})  # Scrapy's immediate retry
    request = Request("http://93.184.215.14/a")
    again = asyncio.run(middleware.process_response(request, Response(request.url, status=503)))
    assert isinstance(again, Request) and waits == []
    with pytest.raises(ValueError, match="must not be negative"):
        retry_middleware({"NEWSMON_RETRY_BACKOFF": -1})


def test_retry_after_is_obeyed_up_to_the_cap() -> None:
    middleware = retry_middleware({"NEWSMON_RETRY_AFTER_MAX": 0.05})
    request = Request("http://93.184.215.14/a")
    limited = Response(request.url, status=429, headers={"Retry-After": "5"}, request=request)
    started = time.monotonic()
    again = asyncio.run(middleware.process_response(request, limited))
    waited = time.monotonic() - started
    assert isinstance(again, Request) and again.url == request.url
    assert 0.05 <= waited < 2.0  # capped at NEWSMON_RETRY_AFTER_MAX, not the 5 s asked
    stats = middleware.crawler.stats
    assert stats is not None
    assert stats.get_value(RETRY_RETRY_AFTER) == 1 and stats.get_value(RETRY_RETRY_AFTER_CAPPED) == 1
    ok = Response(request.url, status=200, request=request)
    assert asyncio.run(middleware.process_response(request, ok)) is ok
    gave_up = Request(request.url, meta={"retry_times": 2})  # RETRY_TIMES (2) reached: the 429 stays
    last = Response(request.url, status=429, headers={"Retry-After": "1"}, request=gave_up)
    assert asyncio.run(middleware.process_response(gave_up, last)) is last


# --- TierMiddleware ----------------------------------------------------------------------------------
def tier_middleware(settings: dict[str, Any] | None = None) -> TierMiddleware:
    crawler = crawler_with(settings)
    spider = open_spider(crawler)
    middleware = build_from_crawler(TierMiddleware, crawler)
    middleware.spider_opened(spider)  # opens the host tier memory (state dir)
    return middleware


def test_tiers_on_by_default_a_challenge_needs_the_browser_none_is_set() -> None:
    middleware = tier_middleware()
    assert middleware.policy.mode == "auto" and not middleware.policy.browser_ready
    request = article()
    middleware.process_request(request)
    assert request.meta[META_TIER] == Tier.PLAIN
    page = html(request)
    assert middleware.process_response(request, page) is page  # a page: kept
    again = middleware.process_response(request, html(request, CHALLENGE, status=503))
    assert isinstance(again, Request) and again.meta[META_ESCALATE] == "challenge_503"
    with pytest.raises(NeedsBrowser):
        middleware.process_request(again)
    assert middleware.stats.get_value(tier_unavailable("challenge_503")) == 1


def test_tiers_off_and_plain_mode() -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(TierMiddleware, crawler_with({"NEWSMON_TIERS_ENABLED": False}))
    middleware = tier_middleware({"NEWSMON_TIER_MODE": "plain", "_NEWSMON_BROWSER_PATH": str(CHROMIUM)})
    request = article()
    challenge = html(request, CHALLENGE, status=503)
    assert middleware.process_response(request, challenge) is challenge  # left to Scrapy's retry


def test_a_503_challenge_goes_to_stealthy_and_the_host_is_remembered(tmp_path: Path) -> None:
    middleware = tier_middleware({"_NEWSMON_BROWSER_PATH": str(CHROMIUM)})
    for n in (1, 2):
        request = article(f"{SITE}/2026/03/01/story-{n}/")
        middleware.process_request(request)
        escalated = middleware.process_response(request, html(request, CHALLENGE, status=503))
        assert isinstance(escalated, Request)
        middleware.process_request(escalated)
        meta = escalated.meta
        assert meta["playwright"] is True and meta[META_TIER] == Tier.STEALTHY
        assert meta[META_FETCH_REASON] == "challenge_503" and META_ESCALATE not in meta
    stats = middleware.stats
    assert stats.get_value(tier_escalated("challenge_503")) == 2
    assert stats.get_value(tier_stealthy("challenge_503")) == 2
    assert stats.get_value(TIER_HOST_REMEMBERED) == 1  # NEWSMON_TIER_REMEMBER_AFTER = 2
    later = article(f"{SITE}/2026/03/02/next/")
    middleware.process_request(later)
    assert later.meta[META_TIER] == Tier.STEALTHY and later.meta[META_FETCH_REASON] == "host_memory"
    hub = Request(f"{SITE}/feed/", meta={META_KIND: "feed"})  # hubs are never sent to the browser
    middleware.process_request(hub)
    assert hub.meta[META_TIER] == Tier.PLAIN
    # what the browser showed: the page, or still the wall
    shown = html(later)
    assert middleware.process_response(later, shown) is shown
    assert stats.get_value(TIER_STEALTHY_OK) == 1
    with pytest.raises(StillChallenged):
        middleware.process_response(later, html(later, CHALLENGE))
    assert stats.get_value(tier_blocked("challenge_200")) == 1
    spider = middleware.crawler.spider
    assert spider is not None
    middleware.spider_closed(spider)
    assert (tmp_path / ".newsmon" / "default.hosts.json").is_file()  # the default state dir


def test_the_later_page_of_an_article_read_in_the_browser_is_fetched_there_too() -> None:
    """same_tier: the later page carries only the tier and its reason; the middleware makes it a browser
    request as it made the first (own page methods), without counting a new browser decision."""
    middleware = tier_middleware({"_NEWSMON_BROWSER_PATH": str(CHROMIUM)})
    first = article()
    middleware.process_request(first)
    escalated = middleware.process_response(first, html(first, CHALLENGE, status=503))
    assert isinstance(escalated, Request)
    middleware.process_request(escalated)
    later = Request(
        f"{SITE}/2026/03/01/ferry/?page=2", meta={META_KIND: "article_part", **same_tier(escalated.meta)}
    )
    middleware.process_request(later)
    methods = "playwright_page_methods"
    assert {k: v for k, v in later.meta.items() if k not in (META_KIND, methods)} == {
        k: v for k, v in escalated.meta.items() if k not in (META_KIND, methods)
    }
    assert later.meta[methods] and later.meta[methods][0] is not escalated.meta[methods][0]
    assert middleware.stats.get_value(tier_stealthy("challenge_503")) == 1  # the first page's decision
    plain = article()
    middleware.process_request(plain)
    assert same_tier(plain.meta) == {}  # a page read on PLAIN: the middleware decides for the next one


# --- PagePoolMiddleware ------------------------------------------------------------------------------
class FakeTab:
    def __init__(self) -> None:
        self.url = "about:blank"
        self.closed = False

    def is_closed(self) -> bool:
        return self.closed

    async def close(self) -> None:
        self.closed = True

    async def request_gc(self) -> None:
        pass


def browser_request(n: int) -> Request:
    return Request(f"{SITE}/{n}", meta={META_TIER: Tier.STEALTHY, "playwright": True})


def test_page_pool_defaults_and_a_tab_reused() -> None:
    pool = build_from_crawler(PagePoolMiddleware, crawler_with())
    assert (pool.reuse, pool.max_pages) == (100, 16)  # NEWSMON_BROWSER_PAGE_REUSE; CONCURRENT_REQUESTS
    tab = FakeTab()

    async def two_pages() -> None:
        first = browser_request(1)
        await pool.process_request(first)
        assert first.meta["playwright_include_page"] is True and "playwright_page" not in first.meta
        first.meta["playwright_page"] = tab  # scrapy-playwright opened one and kept it for us
        pool.process_response(first, html(first))
        second = browser_request(2)
        await pool.process_request(second)
        assert second.meta["playwright_page"] is tab
        plain = Request(f"{SITE}/3", meta={META_TIER: Tier.PLAIN})
        await pool.process_request(plain)
        assert "playwright_include_page" not in plain.meta

    asyncio.run(two_pages())
    assert pool.stats.get_value(BROWSER_PAGE_REUSED) == 1


@pytest.mark.parametrize(
    "settings",
    [{"NEWSMON_BROWSER_PAGE_REUSE": 1}, {"NEWSMON_TIERS_ENABLED": False}],
    ids=["reuse-1", "no-tiers"],
)
def test_page_pool_off(settings: dict[str, Any]) -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(PagePoolMiddleware, crawler_with(settings))


# --- FetchCounts (no switch: counting is always on) --------------------------------------------------
def test_fetch_counts_by_tier_and_kind() -> None:
    crawler = crawler_with()
    counts = build_from_crawler(FetchCounts, crawler)
    plain = article(**{META_TIER: Tier.PLAIN})
    browser = Request(f"{SITE}/x", meta={"playwright": True})  # no tier set: the browser's, kind other
    feed = Request(f"{SITE}/feed/", meta={META_KIND: "feed"})
    for request in (plain, plain, browser, feed):
        counts.process_request(request)
    counts.process_response(plain, html(plain))
    assert stat(crawler, request_by("PLAIN", "article")) == 2
    assert stat(crawler, request_by("STEALTHY", "other")) == 1
    assert stat(crawler, request_by("PLAIN", "feed")) == 1
    assert stat(crawler, response_by("PLAIN", "article")) == 1


# --- WarcArchiver ------------------------------------------------------------------------------------
def test_warc_archiver_is_off_by_default_and_refuses_a_negative_size(tmp_path: Path) -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(WarcArchiver, crawler_with())
    with pytest.raises(NotConfigured):
        build_from_crawler(
            WarcArchiver, crawler_with({"NEWSMON_WARC_DIR": str(tmp_path), "NEWSMON_WARC_MAX_BYTES": -1})
        )


def test_warc_archiver_writes_request_and_response_records(tmp_path: Path) -> None:
    crawler = crawler_with({"NEWSMON_WARC_DIR": str(tmp_path / "warc")})
    spider = open_spider(crawler)
    archiver = build_from_crawler(WarcArchiver, crawler)
    assert archiver.max_bytes == 1 << 30  # NEWSMON_WARC_MAX_BYTES default
    archiver.spider_opened(spider)
    request = article()
    response = html(request, headers={"Content-Type": "text/html; charset=utf-8"})
    assert archiver.process_response(request, response) is response
    name, record_id = request.meta[WARC_META]
    rendered = article(f"{SITE}/2026/03/01/rendered/", **{META_TIER: Tier.STEALTHY})
    archiver.process_response(rendered, html(rendered, flags=["playwright"]))
    archiver.spider_closed(spider)

    (path,) = (tmp_path / "warc").glob("*.warc.gz")
    assert path.name == name
    with path.open("rb") as fh:
        records = [(r.rec_type, r.rec_headers, r.content_stream().read()) for r in ArchiveIterator(fh)]
    assert [kind for kind, _, _ in records] == ["warcinfo", "request", "response", "request", "resource"]
    _, request_headers, _ = records[1]
    _, response_headers, payload = records[2]
    assert response_headers.get_header("WARC-Record-ID") == record_id
    assert response_headers.get_header("WARC-Concurrent-To") == request_headers.get_header("WARC-Record-ID")
    assert response_headers.get_header("WARC-Target-URI") == request.url and payload == ARTICLE
    assert "browser-rendered" in (records[4][1].get_header("WARC-Newsmon-Note") or "")
    assert stat(crawler, WARC_RESPONSES) == 1 and stat(crawler, WARC_RENDERED) == 1


# --- GuardedPlaywrightHandler (construction only) ----------------------------------------------------
BUILD_HANDLER = """
import json, sys
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from newsmon.fetch.browser_handler import GuardedPlaywrightHandler
out = {}
for label, settings in (("defaults", {}), ("ssrf_off", {"NEWSMON_SSRF_GUARD": False})):
    handler = build_from_crawler(GuardedPlaywrightHandler, get_crawler(settings_dict=settings))
    limits = handler.guard.limits
    out[label] = {
        "rule": handler.guard.rule is not None,
        "limits": [limits.max_dom_nodes, limits.max_heap_mb, limits.max_renderer_mb, limits.check_every],
        "visits": len(handler.visits),
    }
json.dump(out, sys.stdout)
"""


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium: the browser tier cannot run here")
def test_browser_handler_is_built_with_the_guard_and_its_default_limits() -> None:
    """scrapy-playwright's handler needs the asyncio reactor installed: built in a fresh interpreter, so
    this test process keeps no reactor (the other tests build crawlers without one). Nothing is launched."""
    done = subprocess.run(
        [sys.executable, "-c", BUILD_HANDLER], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    built = json.loads(done.stdout)
    assert built["defaults"] == {"rule": True, "limits": [200000, 512, 1024, 0.5], "visits": 0}
    assert built["ssrf_off"]["rule"] is False
