"""The run-level components, built as Scrapy builds them: the item pipelines (schema check, in-run dedupe),
the output check, the monitors with the hub-source tracker, and the stats file. Each is built once from a
crawler with no newsmon settings and must then work with its declared defaults; signals reach them as
the engine sends them (``send``: spider_opened, spider_closed, feed_exporter_closed)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, signals
from scrapy.exceptions import CloseSpider, DropItem, NotConfigured
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.misc import build_from_crawler

from newsmon.context import CrawlContext
from newsmon.crawl.frontier import LinkPath
from newsmon.extensions.output_check import OutputCheck
from newsmon.extensions.stats_file import StatsFile
from newsmon.meta import META_KIND, META_PAGE, META_SOURCE
from newsmon.monitors.checks import EXIT_MONITORS_FAILED
from newsmon.monitors.extension import MonitorExtension
from newsmon.monitors.sources import HubSources
from newsmon.pipelines.dedupe import InRunDedupePipeline
from newsmon.pipelines.validate import SchemaValidationPipeline
from newsmon.spiders.euromaidan import EuromaidanSpider
from newsmon.state.extension import StateExtension
from newsmon.state.outputs import OUTPUT_UNUSABLE
from newsmon.state.store import StateStore
from newsmon.stats import (
    DEDUPE_DUPLICATE_CONTENT,
    DEDUPE_DUPLICATE_URL,
    DEDUPE_UNIQUE,
    MONITOR_EXIT_STATUS,
    MONITOR_NEW_LISTED,
    MONITOR_SOURCES,
    MONITOR_SUMMARY,
    OUTPUT_FEEDS,
    SCHEMA_INVALID,
    SCHEMA_VALID,
    monitor,
)
from newsmon.stats import OUTPUT_UNUSABLE as UNUSABLE_STAT
from tests.component_helpers import crawler_with, isolated, open_spider, record, send, stat

SITE = "http://127.0.0.1:8080"


@pytest.fixture(autouse=True)
def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from isolated(tmp_path, monkeypatch)


# --- SchemaValidationPipeline ------------------------------------------------------------------------
def test_validation_is_on_by_default_and_drops_an_invalid_record() -> None:
    crawler = crawler_with()
    pipeline = build_from_crawler(SchemaValidationPipeline, crawler)
    good = record()
    assert pipeline.process_item(good) is good
    bad = {**record(), "fetcher_tier": "FAST"}
    with pytest.raises(DropItem, match="breaks the schema"):
        pipeline.process_item(bad)
    with pytest.raises(DropItem):
        pipeline.process_item({"url": "https://news.example/x"})  # most fields missing
    assert (stat(crawler, SCHEMA_VALID), stat(crawler, SCHEMA_INVALID)) == (1, 2)


def test_validation_off() -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(SchemaValidationPipeline, crawler_with({"NEWSMON_VALIDATE_RECORDS": False}))


# --- InRunDedupePipeline (no switch: always on) ------------------------------------------------------
def test_in_run_dedupe_drops_a_repeated_canonical_url_and_a_repeated_body() -> None:
    crawler = crawler_with()
    pipeline = build_from_crawler(InRunDedupePipeline, crawler)
    first = record()
    assert pipeline.process_item(first) is first
    with pytest.raises(DropItem, match="same canonical URL"):
        pipeline.process_item(record())
    with pytest.raises(DropItem, match="same body"):
        pipeline.process_item(record("https://news.example/2026/03/01/ferry-copy/"))
    other = record("https://news.example/2026/03/02/other/", body="Another story entirely.")
    assert pipeline.process_item(other) is other
    counts = [stat(crawler, s) for s in (DEDUPE_UNIQUE, DEDUPE_DUPLICATE_URL, DEDUPE_DUPLICATE_CONTENT)]
    assert counts == [2, 1, 1]


# --- OutputCheck -------------------------------------------------------------------------------------
def test_output_check_needs_a_feed_and_can_be_switched_off(tmp_path: Path) -> None:
    with pytest.raises(NotConfigured):  # no FEEDS (no add-on, no -o): nothing to check
        build_from_crawler(OutputCheck, crawler_with())
    feeds = {"FEEDS": {str(tmp_path / "out.jsonl"): {"format": "jsonlines"}}}
    with pytest.raises(NotConfigured):
        build_from_crawler(OutputCheck, crawler_with({**feeds, "NEWSMON_OUTPUT_CHECK": False}))


def test_output_check_passes_a_writable_feed_and_refuses_an_unusable_one(tmp_path: Path) -> None:
    crawler = crawler_with({"FEEDS": {str(tmp_path / "out" / "run.jsonl"): {"format": "jsonlines"}}})
    spider = open_spider(crawler)
    check = build_from_crawler(OutputCheck, crawler)  # on by default (kept: signals hold it weakly)
    send(crawler, signals.spider_opened, spider=spider)
    assert stat(crawler, OUTPUT_FEEDS) == 1
    assert list((tmp_path / "out").iterdir()) == []  # the probe file is gone
    (tmp_path / "a-file").write_text("a file where the feed's directory must be")
    crawler = crawler_with({"FEEDS": {str(tmp_path / "a-file" / "run.jsonl"): {"format": "jsonlines"}}})
    spider = open_spider(crawler)
    check = build_from_crawler(OutputCheck, crawler)
    with pytest.raises(CloseSpider) as refused:
        send(crawler, signals.spider_opened, spider=spider)
    assert check.targets[0].local
    assert refused.value.reason == OUTPUT_UNUSABLE
    assert "cannot write in" in stat(crawler, UNUSABLE_STAT)


# --- HubSources --------------------------------------------------------------------------------------
def test_hub_sources_on_by_default_registered_for_the_monitors_and_off() -> None:
    crawler = crawler_with()
    sources = build_from_crawler(HubSources, crawler)
    assert CrawlContext.of(crawler).sources.get() is sources
    with pytest.raises(NotConfigured):
        build_from_crawler(HubSources, crawler_with({"NEWSMON_MONITORS_ENABLED": False}))


def test_hub_sources_tags_hub_requests_with_their_configured_hub() -> None:
    sources = build_from_crawler(HubSources, crawler_with())
    feed, listing = f"{SITE}/feed/", f"{SITE}/category/news/"
    page_2 = f"{SITE}/category/news/page/2/"

    async def start() -> AsyncIterator[Any]:
        yield Request(feed, meta={META_KIND: "feed"})
        yield Request(listing, meta={META_KIND: "listing", META_PAGE: 1})

    async def collect() -> list[Any]:
        return [o async for o in sources.process_start(start())]

    started = asyncio.run(collect())
    assert [r.meta[META_SOURCE] for r in started] == [feed, listing]  # a configured hub is its own source
    first = HtmlResponse(listing, body=b"<html></html>", request=started[1])
    article = Request(f"{SITE}/2026/03/01/a/", meta={META_KIND: "article"})
    next_page = Request(page_2, meta={META_KIND: "listing", META_PAGE: 2})
    out = list(sources.process_spider_output(first, [article, next_page, {"an": "item"}]))
    assert out[1].meta[META_SOURCE] == listing and META_SOURCE not in article.meta
    second = HtmlResponse(page_2, body=b"<html></html>", request=next_page)
    list(sources.process_spider_output(second, []))
    assert sources.source_of == {listing: listing, page_2: listing}  # page 2 counts for the category


# --- MonitorExtension --------------------------------------------------------------------------------
def judged(stats: dict[str, int], reason: str = "finished") -> dict[str, Any]:
    """The monitor verdict stats of a run with these stats, judged with the default thresholds."""
    crawler = crawler_with()
    spider = open_spider(crawler)
    monitors = build_from_crawler(MonitorExtension, crawler)
    send(crawler, signals.spider_opened, spider=spider)
    assert monitors.spider is spider
    for name, value in stats.items():
        crawler.stats.set_value(name, value)
    send(crawler, signals.spider_closed, spider=spider, reason=reason)  # no FEEDS: judged at close
    return {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("newsmon/monitor/")}


def test_monitors_judge_with_the_declared_thresholds() -> None:
    ok = {"downloader/request_count": 100, "item_scraped_count": 40, "log_count/ERROR": 25}
    verdicts = judged(ok)  # 25 % errors: at NEWSMON_MONITOR_MAX_ERROR_RATIO (0.25), not above
    assert verdicts[MONITOR_SUMMARY] == "pass" and verdicts[MONITOR_EXIT_STATUS] == 0
    verdicts = judged({**ok, "log_count/ERROR": 26})
    assert (
        verdicts[monitor("error_ratio")] == "fail" and verdicts[MONITOR_EXIT_STATUS] == EXIT_MONITORS_FAILED
    )
    verdicts = judged(ok, reason="shutdown")  # NEWSMON_MONITOR_FINISH_REASONS: finished only
    assert verdicts[monitor("finish_reason")] == "fail"
    assert judged(ok, reason="closespider_timeout")[monitor("finish_reason")] == "warn"


def test_monitors_off() -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(MonitorExtension, crawler_with({"NEWSMON_MONITORS_ENABLED": False}))


def test_monitors_count_new_urls_per_source_from_the_shared_store_and_frontier(tmp_path: Path) -> None:
    """The monitor, the hub-source tracker, the state extension and the spider's frontier, wired through
    the crawl's context as in a crawl: verdicts are judged first, then recorded in the run's record."""
    crawler = crawler_with({"NEWSMON_EXTRACT_WORKERS": 0}, EuromaidanSpider)
    spider = EuromaidanSpider.from_crawler(crawler, base_url=SITE)
    crawler.spider = spider
    crawler.stats.open_spider()
    state = build_from_crawler(StateExtension, crawler)
    monitors = build_from_crawler(MonitorExtension, crawler)
    sources = build_from_crawler(HubSources, crawler)
    send(crawler, signals.spider_opened, spider=spider)
    assert monitors.state is state.backend  # one state backend per crawler
    listing, page_2 = f"{SITE}/category/news-ukraine/", f"{SITE}/category/news-ukraine/page/2/"
    old, new = f"{SITE}/2026/03/01/old/", f"{SITE}/2026/03/02/new/"
    assert state.store is not None
    state.store.mark_emitted(old, "sha256:" + "1" * 64, 1, None, now=1.0)  # emitted by an earlier run
    request_2 = Request(page_2, meta={META_KIND: "listing", META_SOURCE: listing})
    list(sources.process_spider_output(XmlResponse(page_2, body=b"<x/>", request=request_2), []))
    list(spider.frontier.link(old, LinkPath(0, 1, "category", listing)))
    list(spider.frontier.link(new, LinkPath(0, 1, "category", page_2)))
    crawler.stats.set_value("downloader/request_count", 3)
    send(crawler, signals.spider_closed, spider=spider, reason="finished")
    assert stat(crawler, MONITOR_SOURCES) == 1 and stat(crawler, MONITOR_NEW_LISTED) == 1
    with StateStore.open(tmp_path / ".newsmon" / "euromaidan.sqlite3") as store:
        (run,) = store.runs()
        assert run["stats"][MONITOR_SUMMARY] == stat(crawler, MONITOR_SUMMARY)
    spider.closed("finished")


# --- StatsFile ---------------------------------------------------------------------------------------
def test_stats_file_is_off_by_default() -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(StatsFile, crawler_with())


def test_stats_file_written_after_the_verdicts(tmp_path: Path) -> None:
    crawler = crawler_with({"NEWSMON_STATS_FILE": str(tmp_path / "stats" / "%(name)s.json")})
    spider = open_spider(crawler)
    stats_file = build_from_crawler(StatsFile, crawler)  # built before the monitors, written after them
    monitors = build_from_crawler(MonitorExtension, crawler)
    send(crawler, signals.spider_opened, spider=spider)
    send(crawler, signals.spider_closed, spider=spider, reason="finished")
    written = json.loads((tmp_path / "stats" / "default.json").read_text())
    assert written["finish_reason"] == "finished" and written[MONITOR_EXIT_STATUS] == 0
    assert not list((tmp_path / "stats").glob("*.tmp"))
    assert stats_file.names == {"name": "default", "site": "default"} and monitors.spider is spider
