"""The crawl policy without Scrapy: the frontier, what a fetched page is, and the precedence of options."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest
from scrapy.settings import Settings

from newsmon.crawl.arguments import SpiderArguments
from newsmon.crawl.classify import (
    Drop,
    Emit,
    Escalate,
    FetchCanonical,
    FetchedPage,
    PagePolicy,
    classify,
    precheck,
)
from newsmon.crawl.config import PER_SITE, CrawlConfig, apply_to_settings
from newsmon.crawl.frontier import Frontier, LinkPath, article_hops
from newsmon.crawl.precedence import ARGUMENT_PRIORITY, SITE_PRIORITY, resolve
from newsmon.extract.types import PageData
from newsmon.meta import META_HOPS, META_KIND, Tier
from newsmon.sites import SiteConfig, parse_site_config
from newsmon.urls import SiteScope

SITE = parse_site_config(
    {
        "name": "harbour",
        "origin": "https://harbour.example",
        "hosts": ["harbour.example", "www.harbour.example"],
        "article_pattern": r"^/news/\d+/[a-z-]+/?$",
        "hub_patterns": [r"^/(topic|tag)/"],
    }
)
MIRROR = "http://127.0.0.1:8111"


def frontier(follow_depth: int = 2) -> tuple[Frontier, Counter[str]]:
    counts: Counter[str] = Counter()
    scope = SiteScope.build(SITE.origin, SITE.hosts, mirror=MIRROR)
    return Frontier(SITE, scope, ("utm_*",), follow_depth, lambda name: counts.update((name,))), counts


def _count(counts: Counter[str]) -> dict[str, int]:
    return {k.removeprefix("newsmon/"): v for k, v in counts.items()}


# --- frontier --------------------------------------------------------------------------------------------
def test_a_link_is_requested_once_by_its_canonical_url() -> None:
    f, counts = frontier()
    (visit,) = f.link("https://www.harbour.example/news/1/tide/?utm_source=x", LinkPath(0, 1, "rss", "feed"))
    assert visit.url == f"{MIRROR}/news/1/tide/"
    assert list(f.link(f"{MIRROR}/news/1/tide/", LinkPath(1, 2, "read_also", "a"))) == []
    assert _count(counts) == {"link/seen": 1}
    assert f.hub_listed == {"feed": {f"{MIRROR}/news/1/tide/"}}


def test_equally_short_paths_follow_a_fixed_rule_in_any_order() -> None:
    """The record's path among equally short ones does not depend on which was found first."""
    url = f"{MIRROR}/news/1/tide/"
    paths = [
        LinkPath(0, 1, "category", f"{MIRROR}/topic/a/"),
        LinkPath(0, 1, "rss", f"{MIRROR}/feed/b"),
        LinkPath(0, 1, "rss", f"{MIRROR}/feed/a"),
        LinkPath(0, 1, "sitemap", f"{MIRROR}/sitemap.xml"),
    ]
    taken = set()
    for order in (paths, paths[::-1], paths[1:] + paths[:1]):
        f, _ = frontier()
        (visit,) = f.link(url, order[0])
        for path in order[1:]:
            assert list(f.link(url, path)) == []
        taken.add(f.path_taken(visit.url, visit.path))
    assert taken == {LinkPath(0, 1, "rss", f"{MIRROR}/feed/a")}  # a feed before a listing, then the URL


@pytest.mark.parametrize(
    ("url", "stat"),
    [
        ("https://elsewhere.example/news/1/x/", "link/offsite"),
        ("https://harbour.example/topic/boats/", "link/hub_skipped"),
        ("mailto:desk@harbour.example", "link/offsite"),
    ],
)
def test_offsite_and_hub_links_are_not_visited(url: str, stat: str) -> None:
    f, counts = frontier()
    assert list(f.link(url, LinkPath(1, 2, "read_also", "a"))) == []
    assert _count(counts) == {stat: 1}


def test_a_configured_category_or_feed_is_a_hub_whatever_the_patterns_say() -> None:
    """Its path matches no hub pattern (and the article pattern's shape): configured as a source, it is a
    hub for every link to it (related links, AMP canonical pages, aliases), not an article."""
    counts: Counter[str] = Counter()
    scope = SiteScope.build(SITE.origin, SITE.hosts, mirror=MIRROR)
    sources = frozenset({"/news/0/latest/", "/feed"})
    f = Frontier(SITE, scope, (), 2, lambda name: counts.update((name,)), source_paths=sources)
    assert f.is_hub("https://harbour.example/news/0/latest/") and f.is_hub(f"{MIRROR}/feed")
    assert list(f.link("https://harbour.example/news/0/latest/", LinkPath(1, 2, "read_also", "a"))) == []
    assert _count(counts) == {"link/hub_skipped": 1}
    assert not frontier()[0].is_hub("https://harbour.example/news/0/latest/")  # an article without it


def test_related_links_stop_at_follow_depth() -> None:
    f, counts = frontier(follow_depth=1)
    links = [("read_also", "https://harbour.example/news/2/b/")]
    assert [v.path for v in f.related(links, f"{MIRROR}/news/1/a/", 1, 0, "k")] == [
        LinkPath(1, 2, "read_also", f"{MIRROR}/news/1/a/")
    ]
    assert list(f.related(links, f"{MIRROR}/news/2/b/", 2, 1, "k2")) == []
    assert _count(counts) == {"link/depth_limit": 1}


def test_a_shorter_path_re_follows_the_links_of_an_article_already_parsed() -> None:
    f, counts = frontier(follow_depth=1)
    b = f"{MIRROR}/news/2/b/"
    (first,) = f.link(b, LinkPath(1, 2, "read_also", "a"))
    # parsed at hops 1: its links are past follow_depth, kept for a shorter path
    assert list(f.related([("news_feed", "https://harbour.example/news/3/c/")], b, 2, 1, b)) == []
    again = list(f.link(b, LinkPath(0, 1, "category", "listing")))
    assert [(v.url, v.path.hops, v.path.via, v.path.referrer) for v in again] == [
        (f"{MIRROR}/news/3/c/", 1, "news_feed", b)
    ]
    assert f.path_taken(b, first.path) == LinkPath(0, 1, "category", "listing")
    assert counts["newsmon/link/shorter_path"] == 1


def test_hints_reach_the_record_whichever_request_came_first() -> None:
    f, _ = frontier()
    (visit,) = f.link("https://harbour.example/news/4/d/", LinkPath(0, 1, "rss", "feed"))
    assert list(f.link(visit.url, LinkPath(0, 1, "sitemap", "map"), {"published_at": "2026-01-02"})) == []
    assert f.hints(visit.url, None) == {"published_at": "2026-01-02"}
    assert f.hints(visit.url, {"published_at": "x"}) == {"published_at": "x"}


def test_article_hops_only_for_article_requests() -> None:
    assert article_hops({META_KIND: "article", META_HOPS: 2}) == 2
    assert article_hops({META_KIND: "feed", META_HOPS: 0}) is None
    assert article_hops({META_KIND: "article"}) is None


# --- classify ----------------------------------------------------------------------------------------------
SCRIPT = b"<script src='/app.js'></script>"


def fetched(url: str = f"{MIRROR}/news/1/a/", body: bytes = b"<html></html>", **kw: object) -> FetchedPage:
    defaults: dict[str, object] = {
        "status": 200,
        "headers": {},
        "content_type": "text/html; charset=utf-8",
        "is_text": True,
    }
    defaults.update(kw)
    return FetchedPage(url=url, body=body, **defaults)  # type: ignore[arg-type]


POLICY = PagePolicy(SITE, browser_tier=True, thin_body_words=40)
ARTICLE = PageData(is_article=True, body="word " * 80, article_words=80)


def test_an_article_with_text_is_emitted() -> None:
    assert classify(fetched(), ARTICLE, POLICY) == Emit()


def test_a_thin_container_on_a_page_with_scripts_goes_to_the_browser_once() -> None:
    shell = PageData(is_article=True, body="cookie notice newsletter " * 20, article_words=3)
    assert classify(fetched(body=SCRIPT), shell, POLICY) == Escalate("js_shell")
    # already a browser re-fetch, no browser tier, or no scripts: no second escalation
    assert isinstance(classify(fetched(body=SCRIPT, escalated=True), shell, POLICY), Emit)
    no_browser = PagePolicy(SITE, browser_tier=False, thin_body_words=40)
    assert isinstance(classify(fetched(body=SCRIPT), shell, no_browser), Emit)
    assert isinstance(classify(fetched(body=SCRIPT, tier=Tier.STEALTHY), shell, POLICY), Emit)
    assert isinstance(classify(fetched(), shell, POLICY), Emit)


def test_a_story_read_whole_from_the_page_data_stays_plain() -> None:
    # an empty static container, the story from the embedded state (or JSON-LD articleBody): no browser
    for source in ("embedded", "jsonld"):
        whole = PageData(
            is_article=True, body="word " * 300, article_words=0, body_source=source, story_words=300
        )
        assert classify(fetched(body=SCRIPT), whole, POLICY) == Emit()
    # the data's text is itself a small share of its declared wordCount: the browser
    teaser = PageData(
        is_article=True, body="word " * 60, article_words=0, body_source="jsonld", story_words=900
    )
    assert classify(fetched(body=SCRIPT), teaser, POLICY) == Escalate("js_shell")


def test_a_body_short_of_what_the_structured_data_says_goes_to_the_browser() -> None:
    # 120 words of article text where JSON-LD wordCount says 800: the rest comes with a script
    short = PageData(is_article=True, body="word " * 120, article_words=120, story_words=800)
    assert classify(fetched(body=SCRIPT), short, POLICY) == Escalate("short_body")
    assert classify(fetched(body=SCRIPT), replace(short, story_words=200), POLICY) == Emit()
    # a paywalled page's body is what it serves: no escalation for the rest of the story
    paywalled = replace(short, is_accessible_for_free=False)
    assert classify(fetched(body=SCRIPT), paywalled, POLICY) == Emit()
    assert classify(fetched(body=SCRIPT, escalated=True), short, POLICY) == Emit()


def test_a_rejected_boilerplate_body_is_never_a_record() -> None:
    shell = PageData(is_article=True, body="", article_words=0, body_rejected="boilerplate")
    verdict = classify(fetched(), shell, POLICY)
    assert isinstance(verdict, Drop) and verdict.stat == "newsmon/article/no_body"
    assert "boilerplate" in verdict.message


def test_not_articles_and_soft_404s_are_dropped() -> None:
    listing = PageData(is_hub=True, body="x " * 100, article_words=100)
    assert classify(fetched(), listing, POLICY) == Drop(
        "newsmon/page/not_article", "not an article", warn=False
    )
    missing = fetched(url=f"{MIRROR}/somewhere/", body=b"<html><title>Page not found</title></html>")
    verdict = classify(missing, PageData(body="x"), POLICY)
    assert isinstance(verdict, Drop) and verdict.stat == "newsmon/page/not_found"
    # an article URL (site pattern) without page signals still counts as an article
    assert classify(fetched(), PageData(body="word " * 50, article_words=50), POLICY) == Emit()


def test_an_amp_page_sends_the_crawl_to_its_canonical_page() -> None:
    amp = fetched(url=f"{MIRROR}/news/1/a/amp/")
    page = PageData(is_article=True, body="word " * 80, article_words=80, amp=True, canonical_href="../")
    assert classify(amp, page, POLICY) == FetchCanonical(f"{MIRROR}/news/1/a/")
    # already the canonical page's request or the fallback, no rel=canonical, one to itself: recorded
    assert classify(fetched(url=f"{MIRROR}/news/1/a/amp/", amp_final=True), page, POLICY) == Emit()
    assert (
        classify(amp, PageData(is_article=True, body="w " * 80, article_words=80, amp=True), POLICY) == Emit()
    )
    itself = PageData(is_article=True, body="w " * 80, article_words=80, amp=True, canonical_href="#top")
    assert classify(amp, itself, POLICY) == Emit()
    # a page that is not AMP and names another canonical page is recorded (its canonical_url says which)
    assert classify(amp, PageData(is_article=True, body="w " * 80, article_words=80, canonical_href="../"),
                    POLICY) == Emit()  # fmt: skip


def test_precheck() -> None:
    assert precheck(fetched(), POLICY) is None
    pdf = precheck(fetched(content_type="application/pdf", is_text=False), POLICY)
    assert pdf is not None and pdf.stat == "newsmon/page/not_html"
    hub = precheck(fetched(url=f"{MIRROR}/topic/boats/"), POLICY)
    assert hub is not None and hub.stat == "newsmon/page/hub_redirect" and not hub.warn
    wall = fetched(
        status=503,
        headers={b"Server": b"cloudflare", b"cf-mitigated": b"challenge"},
        body=b"<html><title>Just a moment...</title></html>",
    )
    assert precheck(wall, POLICY) is None  # the tier middleware takes challenges when there is a browser tier
    alone = precheck(wall, PagePolicy(SITE, browser_tier=False, thin_body_words=40))
    assert alone is not None and alone.stat.startswith("newsmon/page/challenge/")


# --- one precedence rule --------------------------------------------------------------------------------
def site(**extra: object) -> SiteConfig:
    return parse_site_config({"name": "s", "origin": "https://s.example", **extra})


@pytest.mark.parametrize(
    ("argument", "setting_priority", "site_value", "expected"),
    [
        (None, None, None, 2),  # the default
        (None, None, 5, 5),  # the site's TOML beats the default
        (None, "project", 5, 3),  # a project setting beats the site
        (None, "cmdline", 5, 3),  # so does -s
        (7, "cmdline", 5, 7),  # a spider argument beats everything
    ],
)
def test_follow_depth_precedence(
    argument: int | None, setting_priority: str | None, site_value: int | None, expected: int
) -> None:
    settings = Settings()
    settings.set("NEWSMON_FOLLOW_DEPTH", 2, priority="addon")
    if setting_priority:
        settings.set("NEWSMON_FOLLOW_DEPTH", 3, priority=setting_priority)
    args = SpiderArguments(follow_depth=argument)
    the_site = site(**({"follow_depth": site_value} if site_value is not None else {}))
    assert resolve(settings, the_site, args, PER_SITE)["NEWSMON_FOLLOW_DEPTH"] == expected  # frozen path
    apply_to_settings(settings, the_site, args)  # the crawl's path: written into the settings
    assert settings.getint("NEWSMON_FOLLOW_DEPTH") == expected
    assert CrawlConfig.build(settings, the_site, args).follow_depth == expected


def test_tier_mode_precedence_and_the_browser_tier() -> None:
    plain_site = site(tier_mode="plain")
    settings = Settings()
    settings.set("NEWSMON_TIER_MODE", "auto", priority="addon")
    assert resolve(settings, plain_site, SpiderArguments(), PER_SITE)["NEWSMON_TIER_MODE"] == "plain"
    apply_to_settings(settings, plain_site, SpiderArguments())
    assert settings.get("NEWSMON_TIER_MODE") == "plain"
    assert settings.getpriority("NEWSMON_TIER_MODE") == SITE_PRIORITY
    assert not CrawlConfig.build(settings, plain_site, SpiderArguments()).browser_tier
    settings.set("NEWSMON_TIER_MODE", "stealthy", priority="cmdline")
    assert resolve(settings, plain_site, SpiderArguments(), PER_SITE)["NEWSMON_TIER_MODE"] == "stealthy"
    assert CrawlConfig.build(settings, plain_site, SpiderArguments()).browser_tier


def test_spider_arguments_are_written_above_the_command_line() -> None:
    settings = Settings()
    settings.set("NEWSMON_MAX_LISTING_PAGES", 9, priority="cmdline")
    apply_to_settings(settings, site(), SpiderArguments(max_pages=2))
    assert settings.getint("NEWSMON_MAX_LISTING_PAGES") == 2
    assert settings.getpriority("NEWSMON_MAX_LISTING_PAGES") == ARGUMENT_PRIORITY


def test_bad_values_are_refused() -> None:
    settings = Settings({"NEWSMON_MAX_LISTING_PAGES": 0})
    with pytest.raises(ValueError, match="NEWSMON_MAX_LISTING_PAGES"):
        CrawlConfig.build(settings, site(), SpiderArguments())


def test_one_tracking_parameter_list_for_a_crawl_and_newsmon_extract() -> None:
    from newsmon.crawl.config import OPTIONS
    from newsmon.urls import DEFAULT_TRACKING_PARAMS

    assert tuple(OPTIONS.default("NEWSMON_TRACKING_PARAMS")) == DEFAULT_TRACKING_PARAMS
    config = CrawlConfig.build(Settings(), site(), SpiderArguments())
    assert config.tracking == DEFAULT_TRACKING_PARAMS  # a crawl with no settings canonicalises as the CLI


# --- the level gate (crawl/levels.py) -------------------------------------------------------------------
class Engine:
    """Stands in for Scrapy's engine: the gate hands released requests to engine.crawl."""

    def __init__(self) -> None:
        self.crawled: list[Any] = []

    def crawl(self, request: Any) -> None:
        self.crawled.append(request)


def test_deeper_levels_wait_for_the_crawl_to_be_idle() -> None:
    from scrapy import Request
    from scrapy.exceptions import DontCloseSpider
    from scrapy.utils.test import get_crawler

    from newsmon.crawl.levels import LevelGate

    crawler = get_crawler()
    crawler.stats.open_spider()  # type: ignore[union-attr]
    crawler.engine = Engine()  # type: ignore[assignment]
    gate = LevelGate.from_crawler(crawler)

    def article(path: str, hops: int) -> Request:
        return Request(f"{MIRROR}{path}", meta={META_KIND: "article", META_HOPS: hops})

    async def nothing() -> Any:
        for o in ():
            yield o

    async def started() -> list[Any]:
        return [o async for o in gate.process_start(nothing())]

    assert asyncio.run(started()) == []  # no start hub: level 0 is open at once
    hub = Request(f"{MIRROR}/feed/", meta={META_KIND: "feed"})
    out = [hub, article("/news/1/a/", 0), article("/news/2/b/", 1), article("/news/3/c/", 2), "item"]
    passed = list(gate.process_spider_output(None, out))
    assert passed == [hub, out[1], "item"]
    with pytest.raises(DontCloseSpider):
        gate.spider_idle(None)  # type: ignore[arg-type]
    assert [r.url for r in crawler.engine.crawled] == [f"{MIRROR}/news/2/b/"]  # type: ignore[attr-defined]
    assert list(gate.process_spider_output(None, [article("/news/4/d/", 1)]))  # level 1 is open now
    with pytest.raises(DontCloseSpider):
        gate.spider_idle(None)  # type: ignore[arg-type]
    gate.spider_idle(None)  # type: ignore[arg-type]  # nothing held: the spider may close
    assert [r.url for r in crawler.engine.crawled][-1] == f"{MIRROR}/news/3/c/"  # type: ignore[attr-defined]


def test_level_0_waits_for_the_start_hubs_to_be_parsed() -> None:
    """Two start hubs list the same article: it is requested once both are parsed, so the record's path is
    chosen among both (frontier.path_order), whichever hub answered first."""
    from scrapy import Request
    from scrapy.exceptions import DontCloseSpider
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from newsmon.crawl.levels import LevelGate

    crawler = get_crawler()
    crawler.stats.open_spider()  # type: ignore[union-attr]
    crawler.engine = Engine()  # type: ignore[assignment]
    gate = LevelGate.from_crawler(crawler)
    feed = Request(f"{MIRROR}/feed", meta={META_KIND: "feed"})
    listing = Request(f"{MIRROR}/category/news/", meta={META_KIND: "listing"})
    given = Request(f"{MIRROR}/news/0/given/", meta={META_KIND: "article", META_HOPS: 0})

    async def start() -> Any:
        for o in (feed, listing, given):
            yield o

    async def started() -> list[Any]:
        return [o async for o in gate.process_start(start())]

    assert asyncio.run(started()) == [feed, listing]  # the start URL waits with the rest of level 0
    # the feed answered through a redirect (its first URL is the start hub's)
    moved = feed.replace(url=f"{MIRROR}/feed/", meta={**feed.meta, "redirect_urls": [feed.url]})
    listed = Request(f"{MIRROR}/news/1/a/", meta={META_KIND: "article", META_HOPS: 0})
    response = HtmlResponse(moved.url, request=moved, body=b"")
    assert list(gate.process_spider_output(response, [listed])) == []
    second = HtmlResponse(listing.url, request=listing, body=b"")
    assert list(gate.process_spider_output(second, ["item"])) == ["item", given, listed]  # both parsed
    later = Request(f"{MIRROR}/news/2/b/", meta={META_KIND: "article", META_HOPS: 0})
    assert list(gate.process_spider_output(second, [later])) == [later]

    # a start hub that never answers (a download error reaches no middleware): level 0 opens when idle
    gate = LevelGate.from_crawler(crawler)
    asyncio.run(started())
    assert list(gate.process_spider_output(HtmlResponse(listing.url, request=listing, body=b""), [])) == []
    with pytest.raises(DontCloseSpider):
        gate.spider_idle(None)  # type: ignore[arg-type]
    assert crawler.engine.crawled == [given]  # type: ignore[attr-defined]
