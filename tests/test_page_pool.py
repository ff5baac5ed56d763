"""The STEALTHY tier's tab pool on its own (fake tabs, no browser): reuse, limits, errors, waiting.
Real Chromium goes through it in every test of tests/test_tiers_crawl.py."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newsmon.fetch.page_pool import GC_EVERY, PagePoolMiddleware
from newsmon.meta import META_TIER


class FakePage:
    def __init__(self, name: str) -> None:
        self.name, self.url = name, f"http://127.0.0.1/{name}"
        self.closed = False
        self.gc_requests = 0

    def is_closed(self) -> bool:
        return self.closed

    async def close(self) -> None:
        self.closed = True

    async def request_gc(self) -> None:
        self.gc_requests += 1


def pool(reuse: int = 3, max_pages: int = 2) -> PagePoolMiddleware:
    crawler = get_crawler(
        settings_dict={
            "NEWSMON_TIERS_ENABLED": True,
            "NEWSMON_BROWSER_PAGE_REUSE": reuse,
            "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": max_pages,
        }
    )
    return PagePoolMiddleware.from_crawler(crawler)


def browser_request(n: int = 0) -> Request:
    return Request(f"http://127.0.0.1/{n}", meta={META_TIER: "STEALTHY", "playwright": True})


def downloaded(request: Request, page: Any) -> HtmlResponse:
    """What scrapy-playwright does with playwright_include_page: the tab is in meta after the download."""
    assert request.meta["playwright_include_page"] is True
    request.meta.setdefault("playwright_page", page)
    return HtmlResponse(request.url, body=b"<html></html>", request=request)


def test_off_unless_reuse_above_one() -> None:
    with pytest.raises(NotConfigured):
        pool(reuse=1)
    with pytest.raises(NotConfigured):
        PagePoolMiddleware.from_crawler(
            get_crawler(settings_dict={"NEWSMON_TIERS_ENABLED": False, "NEWSMON_BROWSER_PAGE_REUSE": 5})
        )


def test_plain_requests_are_left_alone() -> None:
    async def run() -> None:
        mw = pool()
        request = Request("http://127.0.0.1/", meta={META_TIER: "PLAIN"})
        await mw.process_request(request)
        assert "playwright_include_page" not in request.meta
        mw.process_response(request, HtmlResponse(request.url, body=b"", request=request))

    asyncio.run(run())


def test_a_tab_serves_pages_until_the_reuse_limit_then_closes() -> None:
    async def run() -> None:
        mw = pool(reuse=3, max_pages=2)
        tab = FakePage("a")
        first = browser_request(1)
        await mw.process_request(first)
        assert "playwright_page" not in first.meta  # scrapy-playwright opens the first tab
        mw.process_response(first, downloaded(first, tab))
        assert not {"playwright_page", "playwright_include_page"} & set(first.meta)  # retries get no tab
        for n in (2, 3):
            request = browser_request(n)
            await mw.process_request(request)
            assert request.meta["playwright_page"] is tab
            mw.process_response(request, downloaded(request, tab))
        await asyncio.sleep(0)  # the close runs as a task
        assert tab.closed and mw.open["default"] == 0 and mw.idle["default"] == []
        assert mw.stats.get_value("newsmon/browser/page_reused") == 2
        assert mw.stats.get_value("newsmon/browser/page_closed/reuse_limit") == 1
        fourth = browser_request(4)
        await mw.process_request(fourth)
        assert "playwright_page" not in fourth.meta  # a fresh tab

    asyncio.run(run())


def test_a_failed_download_closes_its_tab_and_frees_the_slot() -> None:
    async def run() -> None:
        mw = pool(reuse=10, max_pages=1)
        tab = FakePage("a")
        request = browser_request()
        await mw.process_request(request)
        request.meta["playwright_page"] = tab  # set by scrapy-playwright before navigating
        mw.process_exception(request, TimeoutError("navigation"))
        await asyncio.sleep(0)
        assert tab.closed and mw.open["default"] == 0
        assert "playwright_page" not in request.meta
        # the browser never opened a tab (it failed to start): the slot comes back too
        again = browser_request()
        await mw.process_request(again)
        mw.process_exception(again, RuntimeError("no browser"))
        assert mw.open["default"] == 0

    asyncio.run(run())


def test_a_closed_tab_is_not_handed_out() -> None:
    async def run() -> None:
        mw = pool(reuse=10, max_pages=1)
        tab = FakePage("a")
        request = browser_request()
        await mw.process_request(request)
        mw.process_response(request, downloaded(request, tab))
        tab.closed = True  # the browser was killed
        after = browser_request()
        await mw.process_request(after)
        assert "playwright_page" not in after.meta and mw.open["default"] == 1

    asyncio.run(run())


def test_requests_wait_for_a_tab_when_all_are_busy() -> None:
    async def run() -> None:
        mw = pool(reuse=10, max_pages=1)
        tab = FakePage("a")
        first = browser_request(1)
        await mw.process_request(first)
        second = browser_request(2)
        waiting = asyncio.ensure_future(mw.process_request(second))
        await asyncio.sleep(0)
        assert not waiting.done()
        mw.process_response(first, downloaded(first, tab))
        await waiting
        assert second.meta["playwright_page"] is tab
        # a tab lost while one waits: the waiter gets the slot and opens a new tab
        third = browser_request(3)
        waiting = asyncio.ensure_future(mw.process_request(third))
        await asyncio.sleep(0)
        mw.process_exception(second, TimeoutError())
        await waiting
        assert "playwright_page" not in third.meta and mw.open["default"] == 1

    asyncio.run(run())


def test_reused_tabs_are_garbage_collected() -> None:
    async def run() -> None:
        mw = pool(reuse=100, max_pages=1)
        tab = FakePage("a")
        for n in range(2 * GC_EVERY + 1):
            request = browser_request(n)
            await mw.process_request(request)
            mw.process_response(request, downloaded(request, tab))
        assert tab.gc_requests == 2

    asyncio.run(run())


def test_a_request_given_up_while_waiting_loses_no_tab() -> None:
    async def run() -> None:
        mw = pool(reuse=10, max_pages=1)
        tab = FakePage("a")
        first = browser_request(1)
        await mw.process_request(first)
        gone = asyncio.ensure_future(mw.process_request(browser_request(2)))
        await asyncio.sleep(0)
        mw.process_response(first, downloaded(first, tab))  # handed to the waiter ...
        gone.cancel()  # ... which is cancelled before it runs again
        with pytest.raises(asyncio.CancelledError):
            await gone
        assert mw.idle["default"] == [tab] and mw.open["default"] == 1
        later = browser_request(3)
        await mw.process_request(later)
        assert later.meta["playwright_page"] is tab

    asyncio.run(run())
