"""Hostile and broken feeds: entity expansion, an external entity on the fault server, 100k entries,
invalid XML, an empty feed, HTML instead of a feed, a 404 feed. The category listing still yields its
articles, and nothing a feed merely mentions in a DOCTYPE is fetched."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.crawl_helpers import CrawlResult
from tests.faults.conftest import fault_crawl, warnings_about
from tests.faults.pages import PARAGRAPHS, article_html, listing_html
from tests.faults.server import FaultServer

pytestmark = pytest.mark.crawl

D = "/2026/03/11"
LISTED = [f"{D}/listed-one/", f"{D}/listed-two/"]
FEED_ARTICLE = f"{D}/from-feed/"  # linked from the invalid and the huge feed
XXE_PROBE = "/xxe-probe"  # an external entity's URL: must never be requested
FEEDS = ["/laughs.xml", "/xxe.xml", "/huge.xml", "/invalid.xml", "/empty.xml", "/html.xml", "/missing.xml"]
LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))


def build_server() -> FaultServer:
    server = FaultServer()
    base = server.base_url
    rss = "application/rss+xml"
    server.routes["/category/news/"] = lambda h, n: h.send_body(200, listing_html(LISTED))
    for path in [*LISTED, FEED_ARTICLE]:
        body = article_html(f"Story {path}", paragraphs=(f"Story {path}.", *PARAGRAPHS)).encode()
        server.routes[path] = lambda h, n, body=body: h.send_body(200, body)
    laughs = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{LAUGHS}]>'
        f'<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
        f"<link>{base}{FEED_ARTICLE}</link></item></channel></rss>"
    ).encode()
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "{base}{XXE_PROBE}">'
        f'<!ENTITY local SYSTEM "file:///etc/hostname">]>'
        f'<rss version="2.0"><channel><title>x</title><item><title>&xxe;&local;</title>'
        f"<link>{base}{FEED_ARTICLE}</link></item></channel></rss>"
    ).encode()
    items = "".join(
        f"<item><title>{i}</title><link>https://elsewhere.example/{i}/</link></item>" for i in range(100_000)
    )
    huge = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>'
        f"<item><title>first</title><link>{base}{FEED_ARTICLE}</link></item>{items}</channel></rss>"
    ).encode()
    invalid = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>broken & bad</title>'
        f"<item><title>ok</title><link>{base}{FEED_ARTICLE}</link></item><item><title>cut"
    ).encode()
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>nothing</title></channel></rss>'
    bodies = {
        "/laughs.xml": laughs,
        "/xxe.xml": xxe,
        "/huge.xml": huge,
        "/invalid.xml": invalid,
        "/empty.xml": empty,
    }
    for path, body in bodies.items():
        server.routes[path] = lambda h, n, body=body: h.send_body(200, body, rss)
    server.routes["/html.xml"] = lambda h, n: h.send_body(200, b"<html><body><p>Not a feed</p></body></html>")
    server.routes[XXE_PROBE] = lambda h, n: h.send_body(200, b"secret")
    return server


@pytest.fixture(scope="module")
def server() -> Any:
    with build_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def crawl(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    started = time.monotonic()
    result = fault_crawl(
        server, tmp_path_factory.mktemp("feeds"), feeds=",".join(FEEDS), categories="/category/news/"
    )
    assert result.returncode == 0, result.log[-3000:]
    result.stats["_wall_seconds"] = time.monotonic() - started
    return result


def test_listing_and_feed_articles_still_come_out(crawl: CrawlResult) -> None:
    assert set(crawl.by_path()) == {*LISTED, FEED_ARTICLE}


def test_external_entity_is_never_fetched(crawl: CrawlResult, server: FaultServer) -> None:
    assert server.count(XXE_PROBE) == 0
    assert all("secret" not in (r["title"] or "") for r in crawl.records)


def test_entity_expansion_is_not_expanded(crawl: CrawlResult) -> None:
    assert all("lollol" not in line for line in crawl.log.splitlines())
    assert crawl.stats["newsmon/feed/bozo"] == 2  # laughs and invalid (the XXE feed parses, unexpanded)
    # expat refuses the expansion itself ("limit on input amplification factor ... breached")
    assert warnings_about(crawl.log, "/laughs.xml is ill-formed")


def test_huge_feed_is_bounded(crawl: CrawlResult) -> None:
    assert crawl.stats["newsmon/feed/truncated"] == 1
    assert warnings_about(crawl.log, "NEWSMON_FEED_MAX_ENTRIES")
    assert crawl.stats["newsmon/link/offsite"] == 999  # the first 1000 entries read, one on the site
    assert crawl.stats["_wall_seconds"] < 40
    grown = crawl.stats["memusage/max"] - crawl.stats["memusage/startup"]
    assert grown < 200 * 1024 * 1024, grown


def test_invalid_xml_keeps_its_parseable_entries(crawl: CrawlResult) -> None:
    assert warnings_about(crawl.log, "/invalid.xml is ill-formed")


def test_empty_html_and_missing_feeds_are_named(crawl: CrawlResult) -> None:
    assert crawl.stats["newsmon/feed/empty"] == 1
    assert crawl.stats["newsmon/feed/not_a_feed"] == 1
    assert crawl.stats["newsmon/feed/http_error/404"] == 1
    for path in ("/empty.xml", "/html.xml", "/missing.xml"):
        assert warnings_about(crawl.log, path), path
