"""The browser tier under the PLAIN tier's SSRF rule and within bounds, with real Chromium.

The site (the fault server on 127.0.0.1, crawled with ``NEWSMON_TIER_MODE=stealthy`` so every article is
loaded in Chromium) serves good articles and pages that try to reach internal services: an
``InternalServer`` on 127.0.0.5 (another loopback address: Linux routes all of 127/8 to lo) and another
one on the site's own address but another port, reached by the name ``localhost``. Challenges that
"clear" by navigating there, a 302 there, every kind of subresource and a fetch-then-exfiltrate, a
window.open storm, a script-built DOM of millions of nodes, a JavaScript heap hog and a typed-array
memory hog. The internal services log every connection and request they get: they must get none.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newsmon import registry
from newsmon.fetch.browser import find_chromium
from newsmon.fetch.browser_guard import BrowserGuard, BrowserLimits, renderer_memory
from newsmon.fetch.policy import OPTIONS as TIER_OPTIONS
from newsmon.fetch.ssrf import SsrfGuard, SsrfRefused
from newsmon.monitors.checks import EXIT_MONITORS_FAILED
from newsmon.urls import SiteScope
from tests.browser_helpers import WatchedCrawl, watch_crawl
from tests.faults.browser_pages import (
    SECRET,
    InternalServer,
    article,
    challenge_page,
    heap_hog,
    huge_dom,
    memory_hog,
    popup_storm,
    subresources,
)
from tests.faults.conftest import FAULT_SETTINGS, warnings_about
from tests.faults.server import FaultServer

pytestmark = [
    pytest.mark.crawl,
    # in CI (NEWSMON_CI=1, set by .ci/run) a missing Chromium fails these tests instead of skipping them
    pytest.mark.skipif(
        find_chromium() is None and not os.environ.get("NEWSMON_CI"),
        reason="no Chromium: apt-get install chromium (make install does it when it can)",
    ),
]

D = "/2026/03/12"
GOOD = [f"{D}/good-one/", f"{D}/good-two/", f"{D}/good-three/"]
# pages that must fail as refused navigations (no record)
NAVIGATIONS = {
    "challenge-to-internal": f"{D}/challenge-to-internal/",
    "challenge-to-localhost": f"{D}/challenge-to-localhost/",
    "meta-refresh-to-internal": f"{D}/meta-refresh-to-internal/",
    "redirect-to-internal": f"{D}/redirect-to-internal/",
}
OFFSITE = f"{D}/challenge-to-offsite/"
SUBRESOURCES = f"{D}/subresources/"
POPUPS = f"{D}/popup-storm/"
POPUP_COUNT = 300
# pages that must be killed (no record, loaded once)
KILLED = {
    "dom_nodes": f"{D}/huge-dom/",
    "js_heap": f"{D}/heap-hog/",
    "renderer_memory": f"{D}/memory-hog/",
}
PUBLIC_ADDRESS = "93.184.215.14"  # a public address off the site: refused as offsite before any connection
BROWSER_SETTINGS = (
    "NEWSMON_TIERS_ENABLED=True",
    "NEWSMON_TIER_MODE=stealthy",
    "NEWSMON_CHALLENGE_WAIT=3",
    "DOWNLOAD_TIMEOUT=60",
    "CLOSESPIDER_TIMEOUT=240",
    # far apart, so that each hog meets its own limit first: the heap hog stays well under the renderer's
    "NEWSMON_BROWSER_MAX_HEAP_MB=128",
    "NEWSMON_BROWSER_MAX_RENDERER_MB=1024",
)


@pytest.fixture(scope="module")
def internal() -> Any:
    with InternalServer("127.0.0.5") as srv:
        yield srv


@pytest.fixture(scope="module")
def other_service() -> Any:
    """Another service on the site's own address (127.0.0.1, another port), reached as ``localhost``."""
    with InternalServer("127.0.0.1") as srv:
        yield srv


@pytest.fixture(scope="module")
def server(internal: InternalServer, other_service: InternalServer) -> Any:
    srv = FaultServer()
    site, inside = srv.base_url, internal.base_url
    by_name = f"http://localhost:{other_service.port}"
    pages = {
        NAVIGATIONS["challenge-to-internal"]: challenge_page(f"{inside}/admin/"),
        NAVIGATIONS["challenge-to-localhost"]: challenge_page(f"{by_name}/admin/"),
        NAVIGATIONS["meta-refresh-to-internal"]: challenge_page(f"{inside}/refresh/", how="meta"),
        OFFSITE: challenge_page(f"http://{PUBLIC_ADDRESS}/elsewhere/"),
        SUBRESOURCES: article("Subresources", subresources(site, inside, internal.port, by_name)),
        POPUPS: article("Popup storm", popup_storm(site, inside, POPUP_COUNT)),
        KILLED["dom_nodes"]: article("Huge DOM", huge_dom(3_000_000)),
        KILLED["js_heap"]: article("Heap hog", heap_hog(2048)),
        KILLED["renderer_memory"]: article("Memory hog", memory_hog(2048)),
    }
    for path in GOOD:
        pages[path] = article(f"Good story {path.split('/')[-2]}")
    for path, body in pages.items():
        srv.routes[path] = lambda h, n, body=body: h.send_body(200, body)
    srv.routes[NAVIGATIONS["redirect-to-internal"]] = lambda h, n: h.redirect(f"{inside}/redirected/")
    srv.routes["/bounce-to-internal"] = lambda h, n: h.redirect(f"{inside}/bounced/")
    srv.routes["/exfil"] = lambda h, n: h.send_body(204, b"")
    with srv:
        yield srv


def all_paths() -> list[str]:
    return [*GOOD, *NAVIGATIONS.values(), OFFSITE, SUBRESOURCES, POPUPS, *KILLED.values()]


@pytest.fixture(scope="module")
def crawl(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> WatchedCrawl:
    args = ["-a", "feeds=", "-a", "categories=", "-a", "urls=" + ",".join(all_paths())]
    for setting in (*FAULT_SETTINGS, *BROWSER_SETTINGS):
        args += ["-s", setting]
    watched = watch_crawl(server.base_url, tmp_path_factory.mktemp("browser-guard"), *args, timeout=300)
    result = watched.result
    # refused and killed pages are failed requests on purpose: the error-ratio monitor says so, and only it
    assert result.returncode in (0, EXIT_MONITORS_FAILED), result.log[-4000:]
    if result.returncode:
        assert result.stats["newsmon/monitor/summary"] == "fail: error_ratio", result.log[-4000:]
    return watched


def test_internal_services_received_nothing(
    crawl: WatchedCrawl, internal: InternalServer, other_service: InternalServer
) -> None:
    assert internal.hits == [] and other_service.hits == []
    # (Chromium may open a TCP connection to a navigation's target while the guard holds the request,
    # and Local Network Access refuses a WebSocket only once connected: connections, never a request)


def test_no_record_holds_an_internal_url_or_content(crawl: WatchedCrawl, server: FaultServer) -> None:
    site = urlsplit(server.base_url).netloc
    for record in crawl.result.records:
        assert urlsplit(record["url"]).netloc == site, record["url"]
        assert urlsplit(record["canonical_url"]).netloc == site, record["canonical_url"]
        text = "\n".join([record["title"] or "", record["body"] or "", *record["content"]])
        assert SECRET not in text and "127.0.0.5" not in text, record["url"]


def test_state_store_holds_no_internal_url(crawl: WatchedCrawl) -> None:
    state = crawl.result.output.parent / "state"
    for path in state.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"127.0.0.5" not in data and SECRET.encode() not in data, path


def test_good_articles_still_come_out_of_the_browser(crawl: WatchedCrawl) -> None:
    records = crawl.result.by_path()
    # the hostile pages whose main frame stayed on the site are records of their own text, nothing more
    assert set(records) == {*GOOD, SUBRESOURCES, POPUPS}
    for path, (record,) in records.items():
        assert (record["fetcher_tier"], record["fetch_reason"]) == ("STEALTHY", "site_policy"), path
        assert "the council met again" in record["body"], path


def test_navigations_off_the_allowed_hosts_fail_the_page(crawl: WatchedCrawl, server: FaultServer) -> None:
    stats, log = crawl.result.stats, crawl.result.log
    assert stats["newsmon/ssrf/browser_refused/navigation"] >= len(NAVIGATIONS)
    assert stats["newsmon/article/failed/ssrf_refused"] == len(NAVIGATIONS)
    assert stats["newsmon/browser/offsite_navigation"] == 1
    assert stats["newsmon/article/failed/offsite_navigation"] == 1  # named, not "ignored"
    for path in (*NAVIGATIONS.values(), OFFSITE):
        assert server.count(path) == 1, path  # failed for good: no browser retry, no second load
        lines = [line for line in warnings_about(log, "tried to navigate to") if path in line]
        assert len(lines) == 1, (path, lines)


def test_subresources_are_refused_and_counted(
    crawl: WatchedCrawl, internal: InternalServer, other_service: InternalServer
) -> None:
    stats = crawl.result.stats
    refused = {
        k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("newsmon/ssrf/browser_refused/")
    }
    # the iframe, the script, the stylesheet, fetch/XHR (a redirect hop among them), the worker's fetch,
    # the beacon, the event source, the prefetch; images are not even asked for (newsmon never loads them)
    for kind in ("iframe", "script", "stylesheet"):
        assert refused.get(kind), (kind, refused)
    assert refused.get("xhr", 0) + refused.get("fetch", 0) >= 5, refused
    assert sum(refused.values()) == stats["newsmon/ssrf/browser_refused"]
    # one WARNING per refused host (the internal service, and the other one reached by name), not per request
    lines = warnings_about(crawl.result.log, "SSRF guard refused a browser request")
    assert len(lines) == 2, lines
    assert [line for line in lines if f"127.0.0.5:{internal.port} is 127.0.0.5," in line]
    assert [line for line in lines if f"localhost:{other_service.port} is 127.0.0.1," in line]


def test_exfiltration_never_carries_internal_data(crawl: WatchedCrawl, server: FaultServer) -> None:
    sent = [unquote(hit.path) for hit in server.hits if hit.path.startswith("/exfil")]
    assert sent, "the page's scripts should have tried"
    assert any("failed" in s for s in sent)  # what they got: failures
    assert not [s for s in sent if SECRET in s or "127.0.0.5" in s]


def test_popups_are_blocked_and_counted(crawl: WatchedCrawl, server: FaultServer) -> None:
    stats = crawl.result.stats
    assert stats["newsmon/browser/popup"] >= POPUP_COUNT + 2
    assert not [p for p in server.paths() if p.startswith("/popup/")]  # none opened, nothing loaded
    assert stats.get("playwright/page_count/max_concurrent", 0) <= 4


def test_pages_over_their_limits_are_killed_and_the_crawl_goes_on(
    crawl: WatchedCrawl, server: FaultServer
) -> None:
    stats = crawl.result.stats
    for reason, path in KILLED.items():
        assert stats.get(f"newsmon/browser/killed/{reason}", 0) >= 1, (reason, stats)
        assert server.count(path) == 1, path  # killed for good: not loaded again
        assert path not in crawl.result.by_path()
    assert stats["newsmon/article/failed"] >= len(KILLED) + len(NAVIGATIONS) + 1
    assert stats.get("newsmon/article/failed/browser_killed", 0) >= len(KILLED)
    assert "newsmon/article/failed/ignored" not in stats
    assert len(warnings_about(crawl.result.log, "killed:")) >= len(KILLED)


def test_no_browser_process_outlives_the_crawl(crawl: WatchedCrawl) -> None:
    assert crawl.browsers_seen, "the crawl should have started Chromium"
    assert crawl.leftover_browsers() == set()


def test_a_popup_that_opens_anyway_is_closed(server: FaultServer) -> None:
    """Chromium's popup blocker is what stops popups in a crawl; with it off (Playwright's default), the
    guard closes every window newsmon did not open."""
    from playwright.async_api import async_playwright

    guard = BrowserGuard(MemoryStatsCollector(get_crawler(Spider)), None, BrowserLimits(0, 0, 0, 0.5))
    storm = article(
        "Storm", f"<script>for (let i = 0; i < 5; i++) window.open('{server.base_url}/x/' + i);</script>"
    )
    server.routes["/storm/"] = lambda h, n: h.send_body(200, storm)

    async def storm_pages() -> tuple[int, int]:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=find_chromium(), args=TIER_OPTIONS.default("NEWSMON_CHROMIUM_ARGS")
            )
            context = await browser.new_context()
            await guard.attach_browser(browser, context)
            page = await context.new_page()
            await guard.attach_page(page, None)
            await page.goto(server.base_url + "/storm/")
            for _ in range(50):
                if guard.stats.get_value("newsmon/browser/popup_closed") == 5:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.3)
            left = len(context.pages)
            await guard.close()
            await browser.close()
            return left, guard.stats.get_value("newsmon/browser/popup", 0)

    left, attempts = asyncio.run(storm_pages())
    assert guard.stats.get_value("newsmon/browser/popup_closed") == 5
    assert left == 1  # only newsmon's own page
    assert attempts == 5


# --- without a browser ------------------------------------------------------------------------------
def test_final_url_of_a_browser_page_passes_the_ssrf_rule() -> None:
    crawler = get_crawler(Spider, settings_dict={"NEWSMON_SSRF_GUARD": True})
    guard = SsrfGuard.from_crawler(crawler)
    # the crawl origin, as the spider's site scope gives it (newsmon.context.CrawlContext.crawl_origin)
    guard.rule.bind(SiteScope.build("https://euromaidanpress.com", mirror="http://127.0.0.1:8080").origin)
    request = Request("http://127.0.0.1:8080/2026/03/12/x/", meta={"playwright": True})

    def shown(url: str) -> HtmlResponse:
        return HtmlResponse(url, body=b"<html></html>", request=request, flags=["playwright"])

    on_site = shown("http://127.0.0.1:8080/2026/03/12/y/")
    assert asyncio.run(guard.process_response(request, on_site)) is on_site
    for url in ("http://127.0.0.5:18898/admin/", "http://127.0.0.1:6379/", "about:blank"):
        with pytest.raises(SsrfRefused):
            asyncio.run(guard.process_response(request, shown(url)))
    assert guard.stats.get_value("newsmon/ssrf/refused") == 3


def test_browser_limits_are_checked_once() -> None:
    defaults = {k: v for k, v in registry.defaults().items() if k.startswith("NEWSMON_BROWSER_")}
    limits = BrowserLimits.from_settings(get_crawler(Spider, settings_dict=defaults).settings)
    assert limits == BrowserLimits(
        max_dom_nodes=200_000, max_heap_mb=512, max_renderer_mb=1024, check_every=0.5
    )
    for bad in ({"NEWSMON_BROWSER_MAX_DOM_NODES": -1}, {"NEWSMON_BROWSER_CHECK_EVERY": 0}):
        with pytest.raises(ValueError, match="NEWSMON_BROWSER_"):
            BrowserLimits.from_settings(get_crawler(Spider, settings_dict=bad).settings)


def test_renderer_memory_sees_only_renderers_below_a_process() -> None:
    assert renderer_memory(os.getpid()) == {}  # pytest starts no Chromium
    assert renderer_memory(1 << 30) == {}
    assert Path("/proc").is_dir()
