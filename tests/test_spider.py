"""The spider's follow policy on hand-made responses: no network, no reactor."""

from __future__ import annotations

import tempfile
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newsmon import settings as project_settings
from newsmon.crawl.frontier import LinkPath
from newsmon.items import ArticleRecord
from newsmon.meta import META_DEPTH, META_HOPS, META_KEY, META_PAGE, META_REFERRER, META_VIA
from newsmon.spiders.euromaidan import EuromaidanSpider

MIRROR = "http://127.0.0.1:8999"


PROJECT_SETTINGS = {k: v for k, v in vars(project_settings).items() if k.isupper()}


def make_spider(**kwargs: Any) -> EuromaidanSpider:
    # the add-on's components are built too: their state (and run lock) in a directory of the test's own
    state = tempfile.mkdtemp(prefix="newsmon-spider-test-")
    crawler = get_crawler(EuromaidanSpider, settings_dict={**PROJECT_SETTINGS, "NEWSMON_STATE_DIR": state})
    spider = EuromaidanSpider.from_crawler(crawler, base_url=MIRROR, **kwargs)
    assert isinstance(spider, EuromaidanSpider)
    crawler.spider = spider
    assert crawler.stats is not None
    crawler.stats.open_spider()
    return spider


def article_requests(
    spider: EuromaidanSpider, url: str, *, via: str, referrer: str | None, depth: int, hops: int
) -> list[Request]:
    """The requests the frontier gives for an article link found by this path."""
    visits = spider.frontier.link(url, LinkPath(hops, depth, via, referrer))
    return [spider.article_request(visit) for visit in visits]


def article_html(title: str, related: list[str]) -> bytes:
    items = "".join(f'<h3><a href="{href}">Story {i}</a></h3>' for i, href in enumerate(related))
    words = " ".join(["Invented reporting about a river ferry and its crew."] * 8)
    return (
        f'<html lang="en"><head><title>{title}</title><meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2026-03-01T10:00:00+02:00"></head>'
        f"<body><article><h1>{title}</h1><p>{words}</p><p>{words}</p></article>"
        f'<div class="rel"><h2>Read also</h2>{items}</div></body></html>'
    ).encode()


def respond(request: Request, body: bytes) -> HtmlResponse:
    return HtmlResponse(
        request.url, body=body, request=request, headers={"Content-Type": "text/html; charset=utf-8"}
    )


def test_shorter_path_found_later_follows_related_links_again() -> None:
    spider = make_spider(follow_depth="1")
    # B is first reached through one related hop, so its own links are beyond follow_depth=1 ...
    (request_b,) = article_requests(
        spider, "https://euromaidanpress.com/2026/03/01/b/", via="read_also", referrer="x", depth=2, hops=1
    )
    body = article_html("B", ["https://euromaidanpress.com/2026/03/01/c/"])
    output = list(spider.parse_article(respond(request_b, body)))
    assert [type(o) for o in output] == [ArticleRecord]
    # ... then a category page lists B: its links are now one hop away and are followed, B is not refetched
    again = list(
        article_requests(
            spider,
            "https://www.euromaidanpress.com/2026/03/01/b/?utm_source=x",
            via="category",
            referrer="l",
            depth=1,
            hops=0,
        )
    )
    assert [r.url for r in again] == [f"{MIRROR}/2026/03/01/c/"]
    assert again[0].meta[META_HOPS] == 1 and again[0].meta[META_VIA] == "read_also"
    assert again[0].meta[META_REFERRER] == request_b.url
    stats = spider.crawler.stats
    assert stats is not None
    assert stats.get_value("newsmon/link/shorter_path") == 1


def test_record_reports_the_shortest_known_path() -> None:
    spider = make_spider()
    url = "https://euromaidanpress.com/2026/03/01/b/"
    (request,) = article_requests(spider, url, via="news_feed", referrer="x", depth=3, hops=2)
    assert list(article_requests(spider, url, via="rss", referrer="feed", depth=1, hops=0)) == []
    record = next(iter(spider.parse_article(respond(request, article_html("B", [])))))
    assert isinstance(record, ArticleRecord)
    assert (record.discovered_via, record.depth, record.referrer) == ("rss", 1, "feed")
    assert request.meta[META_KEY] == f"{MIRROR}/2026/03/01/b/"


@pytest.mark.parametrize(
    ("url", "stat"),
    [
        ("https://elsewhere.example/2026/03/01/b/", "newsmon/link/offsite"),
        ("https://euromaidanpress.com/tag/ferries/", "newsmon/link/hub_skipped"),
        ("https://euromaidanpress.com/author/someone/", "newsmon/link/hub_skipped"),
        ("https://euromaidanpress.com/category/news-ukraine/page/2/", "newsmon/link/hub_skipped"),
        ("javascript:alert(1)", "newsmon/link/offsite"),
        ("file:///etc/passwd", "newsmon/link/offsite"),
    ],
)
def test_links_that_are_never_requested(url: str, stat: str) -> None:
    spider = make_spider()
    assert list(article_requests(spider, url, via="read_also", referrer=None, depth=2, hops=1)) == []
    stats = spider.crawler.stats
    assert stats is not None
    assert stats.get_value(stat) == 1


def test_listing_pagination_stops_at_the_page_limit() -> None:
    spider = make_spider(max_pages="2")
    teasers = "".join(f'<h3><a href="/2026/03/0{i}/story-{i}/">Story {i}</a></h3>' for i in range(1, 4))
    page = (
        f'<html><head><link rel="next" href="{MIRROR}/category/news-ukraine/page/{{n}}/"></head>'
        f'<body><nav><a href="/2026/01/01/menu-story/">Menu</a></nav><main>{teasers}</main></body></html>'
    )
    first = Request(f"{MIRROR}/category/news-ukraine/", meta={META_PAGE: 1})
    out = list(spider.parse_listing(respond(first, page.format(n=2).encode())))
    articles = [r for r in out if r.meta.get(META_DEPTH) == 1]
    listings = [r for r in out if r.meta.get(META_PAGE) == 2]
    assert [r.url for r in articles] == [f"{MIRROR}/2026/03/0{i}/story-{i}/" for i in range(1, 4)]
    assert [r.url for r in listings] == [f"{MIRROR}/category/news-ukraine/page/2/"]
    second = Request(listings[0].url, meta={META_PAGE: 2})
    out = list(spider.parse_listing(respond(second, page.format(n=3).encode())))
    assert not [r for r in out if r.meta.get(META_PAGE)]
    stats = spider.crawler.stats
    assert stats is not None
    assert stats.get_value("newsmon/listing/page_limit") == 1


def test_hub_page_served_under_an_article_link_is_not_a_record() -> None:
    spider = make_spider()
    (request,) = article_requests(
        spider, "https://euromaidanpress.com/2026/03/01/b/", via="rss", referrer=None, depth=1, hops=0
    )
    listing = (
        b'<html><head><meta property="og:type" content="website"></head><body><main>'
        b'<h1>Latest</h1><h3><a href="/2026/03/01/x/">X</a></h3></main></body></html>'
    )
    assert list(spider.parse_article(respond(request, listing))) == []
    stats = spider.crawler.stats
    assert stats is not None
    assert stats.get_value("newsmon/page/not_article") == 1


def test_sitemap_hints_stay_on_their_own_article() -> None:
    from newsmon.discovery.sitemaps import SitemapEntry
    from newsmon.meta import META_HINTS

    spider = make_spider(follow_depth="1")
    (request_b,) = article_requests(
        spider, "https://euromaidanpress.com/2026/03/01/b/", via="read_also", referrer="x", depth=2, hops=1
    )
    list(
        spider.parse_article(
            respond(request_b, article_html("B", ["https://euromaidanpress.com/2026/03/01/c/"]))
        )
    )
    entry = SitemapEntry(
        "https://euromaidanpress.com/2026/03/01/b/", news_published_at="2026-03-01T08:00:00+00:00"
    )
    # B turns up again in a news sitemap, one hop nearer: its related link C is followed, without B's date
    (request_c,) = spider.hubs._sitemap_article(entry, "https://euromaidanpress.com/news-sitemap.xml")
    assert request_c.url == f"{MIRROR}/2026/03/01/c/"
    assert META_HINTS not in request_c.meta
    fresh = SitemapEntry(
        "https://euromaidanpress.com/2026/03/02/d/", news_published_at="2026-03-02T08:00:00+00:00"
    )
    (request_d,) = spider.hubs._sitemap_article(fresh, "https://euromaidanpress.com/news-sitemap.xml")
    assert request_d.meta[META_HINTS] == {"published_at": "2026-03-02T08:00:00+00:00"}
