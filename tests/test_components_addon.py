"""The add-on (``newsmon.Addon``) on a fresh ``Settings()``, as Scrapy's add-on manager calls it, and the
spider (``NewsSpider``, through ``EuromaidanSpider``) built from a crawler with no newsmon settings, as a
subclass in another Scrapy project is built, driven with hand-built responses."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.extensions.periodic_log import PeriodicLog
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.settings import SETTINGS_PRIORITIES, Settings
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object

from newsmon import Addon, registry
from newsmon.addon import COMPONENTS, FEED_STORAGES, SCRAPY_SETTINGS
from newsmon.archive.warc import WarcArchiver
from newsmon.context import CrawlContext
from newsmon.extensions.output_check import OutputCheck
from newsmon.fetch.browser import HANDLER, find_chromium
from newsmon.fetch.retry import RetryAfterMiddleware
from newsmon.items import ArticleRecord
from newsmon.meta import META_HOPS, META_KIND, META_VIA
from newsmon.monitors.extension import MonitorExtension
from newsmon.spiders.euromaidan import EuromaidanSpider
from newsmon.state.extension import StateExtension
from tests.component_helpers import crawler_with, isolated

ADDON = SETTINGS_PRIORITIES["addon"]
SITE = "http://127.0.0.1:8080"


@pytest.fixture(autouse=True)
def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from isolated(tmp_path, monkeypatch)


def enabled(settings: Settings, name: str) -> dict[Any, int]:
    """Enabled components of a component setting, by class, as Scrapy's managers compute them."""
    components = build_component_list(settings.get_component_priority_dict_with_base(name))
    merged = settings.get_component_priority_dict_with_base(name)
    by_class = {load_object(k): v for k, v in merged.items()}
    return {load_object(c): by_class[load_object(c)] for c in components}


# --- Addon -------------------------------------------------------------------------------------------
def test_addon_sets_every_default_at_addon_priority_and_inserts_every_component() -> None:
    settings = Settings()
    Addon().update_settings(settings)
    for option in registry.SETTINGS:
        assert settings.getpriority(option.name) == ADDON, option.name
        assert settings[option.name] == option.resolved_default(), option.name
    for name, value in SCRAPY_SETTINGS.items():
        assert settings[name] == value and settings.getpriority(name) == ADDON, name
    for name, components in COMPONENTS.items():
        active = enabled(settings, name)
        for path, priority in components.items():
            if priority is None:
                assert load_object(path) not in active, path
            else:
                assert active[load_object(path)] == priority, path
    middlewares = enabled(settings, "DOWNLOADER_MIDDLEWARES")
    assert RetryMiddleware not in middlewares and middlewares[RetryAfterMiddleware] == 550
    storages = settings.getdict("FEED_STORAGES")
    assert storages[""] == storages["file"] == FEED_STORAGES["file"]
    # the default per-run output (DefaultOutput), written atomically
    ((uri, options),) = settings.getdict("FEEDS").items()
    assert uri == "output/%(site)s/%(time)s.jsonl" and options["newsmon_atomic"] is True
    if find_chromium() is not None:  # BrowserAddon: the STEALTHY tier wired in
        assert settings["_NEWSMON_BROWSER_PATH"] and settings.getdict("DOWNLOAD_HANDLERS")["http"] == HANDLER


def test_addon_keeps_what_the_project_and_the_command_line_set() -> None:
    settings = Settings()
    settings.set("NEWSMON_RETRY_BACKOFF", 3.0, priority="project")
    settings.set("NEWSMON_SSRF_GUARD", False, priority="cmdline")
    settings.set("NEWSMON_TIERS_ENABLED", False, priority="cmdline")  # no Chromium lookup needed here
    settings.set("EXTENSIONS", {"scrapy.extensions.periodic_log.PeriodicLog": 0}, priority="cmdline")
    settings.set("DOWNLOADER_MIDDLEWARES", {"newsmon.archive.warc.WarcArchiver": None}, priority="project")
    settings.set("FEED_STORAGES", {"s3": "myproject.storages.S3"}, priority="project")
    settings.set("FEEDS", {"mine.jsonl": {"format": "jsonlines"}}, priority="cmdline")
    Addon().update_settings(settings)
    assert settings.getfloat("NEWSMON_RETRY_BACKOFF") == 3.0
    assert settings.getbool("NEWSMON_SSRF_GUARD") is False
    assert settings.getpriority("NEWSMON_SSRF_GUARD") == SETTINGS_PRIORITIES["cmdline"]
    # -s EXTENSIONS adds to newsmon's extensions instead of dropping them
    extensions = enabled(settings, "EXTENSIONS")
    assert extensions[PeriodicLog] == 0
    assert extensions[StateExtension] == 500 and extensions[MonitorExtension] == 450
    assert settings.getpriority("EXTENSIONS") == SETTINGS_PRIORITIES["cmdline"]
    assert WarcArchiver not in enabled(settings, "DOWNLOADER_MIDDLEWARES")  # switched off by the project
    assert settings.getdict("FEED_STORAGES")["s3"] == "myproject.storages.S3"
    assert settings.getdict("FEED_STORAGES")["file"] == FEED_STORAGES["file"]
    assert list(settings.getdict("FEEDS")) == ["mine.jsonl"]  # -o/-O/FEEDS replace the default output


def test_addon_through_scrapys_addon_manager_builds_newsmons_extensions() -> None:
    crawler = crawler_with({"ADDONS": {"newsmon.Addon": 0}, "NEWSMON_TIERS_ENABLED": False})
    assert crawler.settings.getpriority("NEWSMON_STATE_ENABLED") == ADDON
    built = {type(ext) for ext in crawler.extensions.middlewares}
    assert {OutputCheck, MonitorExtension, StateExtension} <= built


# --- NewsSpider (EuromaidanSpider) -------------------------------------------------------------------
def spider_for(settings: dict[str, Any] | None = None, **arguments: Any) -> EuromaidanSpider:
    crawler = crawler_with(settings, EuromaidanSpider)
    spider = EuromaidanSpider.from_crawler(crawler, base_url=SITE, **arguments)
    assert isinstance(spider, EuromaidanSpider) and crawler.stats is not None
    crawler.spider = spider
    crawler.stats.open_spider()
    return spider


def test_spider_built_without_newsmon_settings_shares_its_config_and_frontier() -> None:
    spider = spider_for()
    assert (spider.config.follow_depth, spider.config.max_pages) == (2, 5)  # declared defaults
    context = CrawlContext.of(spider.crawler)
    assert context.config is spider.config and context.frontier is spider.frontier
    assert context.request_for == spider.article_request
    assert context.crawl_origin == SITE and "127.0.0.1" in spider.allowed_domains

    async def start() -> list[Request]:
        return [request async for request in spider.start()]

    hubs = asyncio.run(start())
    assert [(r.url, r.meta[META_KIND]) for r in hubs] == [
        (f"{SITE}/feed/", "feed"),
        (f"{SITE}/category/news-ukraine/", "listing"),
    ]
    assert spider.extract_pool is not None  # NEWSMON_EXTRACT_WORKERS = 1: extraction off the reactor
    spider.closed("finished")


def test_spider_arguments_win_over_settings_which_win_over_the_site() -> None:
    by_setting = spider_for({"NEWSMON_FOLLOW_DEPTH": 4})  # the site sets none: the setting, not 2
    by_argument = spider_for({"NEWSMON_FOLLOW_DEPTH": 4}, follow_depth="1")
    assert (by_setting.config.follow_depth, by_argument.config.follow_depth) == (4, 1)
    in_process = spider_for({"NEWSMON_EXTRACT_WORKERS": 0})  # the switch: extract in the crawl process
    assert in_process.extract_pool is None and by_setting.extract_pool is not None
    for spider in (by_setting, by_argument, in_process):
        spider.closed("finished")
    with pytest.raises(ValueError):
        spider_for(follow_depth="-1")


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>
<item><title>Ferry</title><link>https://euromaidanpress.com/2026/03/01/ferry/?utm_source=rss</link></item>
<item><title>Tag page</title><link>https://euromaidanpress.com/tag/ferries/</link></item>
</channel></rss>"""


def article_html(related: str) -> bytes:
    words = " ".join(["Invented reporting about a river ferry and its crew."] * 12)
    return (
        '<html lang="en"><head><title>Ferry crews return</title><meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2026-03-01T10:00:00+02:00"></head>'
        f"<body><article><h1>Ferry crews return</h1><p>{words}</p><p>{words}</p></article>"
        f'<div><h2>Read also</h2><h3><a href="{related}">Next story</a></h3></div></body></html>'
    ).encode()


def test_spider_turns_a_feed_into_article_requests_and_an_article_into_a_record() -> None:
    spider = spider_for({"NEWSMON_EXTRACT_WORKERS": 0})
    feed = Request(f"{SITE}/feed/", meta={META_KIND: "feed"})
    response = XmlResponse(feed.url, body=RSS, request=feed, headers={"Content-Type": "application/rss+xml"})
    (request,) = spider.parse_feed(response)  # the tag page is a hub: not an article
    assert request.url == f"{SITE}/2026/03/01/ferry/" and request.meta[META_KIND] == "article"
    page = HtmlResponse(
        request.url,
        body=article_html(f"{SITE}/2026/02/28/earlier/"),
        request=request,
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    record, related = spider.parse_article(page)
    assert isinstance(record, ArticleRecord) and record.title == "Ferry crews return"
    assert record.canonical_url == request.url and record.discovered_via == request.meta[META_VIA]
    assert isinstance(related, Request) and related.url == f"{SITE}/2026/02/28/earlier/"
    assert related.meta[META_HOPS] == 1 and related.meta[META_VIA] == "read_also"
