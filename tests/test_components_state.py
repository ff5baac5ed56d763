"""The incremental-state components, built as Scrapy builds them and sharing one state backend, as in a
crawl: the state extension (store lifecycle, marking records once durable), the skip filter, hub
conditional GET, the cross-run dedupe pipeline and the durable feed storage. Each is built once from a
crawler with no newsmon settings (its defaults: state on, in ``.newsmon`` of the working directory, here
the test's tmp_path)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from itemadapter import ItemAdapter
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.http import HtmlResponse, Response, XmlResponse
from scrapy.utils.misc import build_from_crawler

from newsmon.addon import FEED_STORAGES  # what the add-on registers for local files
from newsmon.crawl.frontier import LinkPath
from newsmon.extract.types import PageData
from newsmon.meta import META_HOPS, META_KEY, META_KIND
from newsmon.pipelines.cross_run import CrossRunDedupePipeline
from newsmon.record import FetchInfo, build_record
from newsmon.resources import process_resources
from newsmon.spiders.euromaidan import EuromaidanSpider
from newsmon.state.backend import state_backend
from newsmon.state.conditional import HubConditionalGet
from newsmon.state.extension import StateExtension
from newsmon.state.lock import RunLock
from newsmon.state.outputs import OUTPUT_ERROR
from newsmon.state.skip import SkipEmittedArticles
from newsmon.state.storage import DurableFileFeedStorage, feed_file_opened
from newsmon.state.store import StateStore
from newsmon.stats import (
    HUB_CONDITIONAL_GET,
    HUB_NOT_MODIFIED,
    HUB_STORED,
    OUTPUT_FAILED,
    STATE_DUPLICATE_CONTENT,
    STATE_EMITTED,
    STATE_FIRST_VERSION,
    STATE_NEW,
    STATE_NOT_MARKED,
    STATE_REVISED,
    STATE_REVISIT,
    STATE_SKIPPED,
    STATE_UNCHANGED,
)
from tests.component_helpers import SCOPE, crawler_with, isolated, open_spider, record, send, stat

SITE = "http://127.0.0.1:8080"
DAY = 86400.0
H1 = "sha256:" + "1" * 64


@pytest.fixture(autouse=True)
def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from isolated(tmp_path, monkeypatch)


def opened_state(
    settings: dict[str, Any] | None = None, spidercls: type[Spider] | None = None, **spider_args: Any
) -> tuple[Crawler, Spider, StateExtension]:
    """A crawler whose state extension has opened the store, as at spider_opened."""
    crawler = crawler_with(settings, spidercls)
    assert crawler.spidercls is not None and crawler.stats is not None
    spider = crawler.spidercls.from_crawler(crawler, **spider_args)
    crawler.spider = spider
    crawler.stats.open_spider()
    ext = build_from_crawler(StateExtension, crawler)
    send(crawler, signals.spider_opened, spider=spider)
    assert ext.store is not None
    return crawler, spider, ext


def close(crawler: Crawler, spider: Spider, reason: str = "finished") -> None:
    send(crawler, signals.spider_closed, spider=spider, reason=reason)
    send(crawler, signals.feed_exporter_closed)


# --- StateExtension ----------------------------------------------------------------------------------
def test_state_extension_defaults_store_in_dot_newsmon_and_run_recorded(tmp_path: Path) -> None:
    crawler, spider, ext = opened_state()
    store_path = tmp_path / ".newsmon" / "default.sqlite3"
    assert ext.store is not None and Path(ext.store.location).resolve() == store_path
    assert ext.targets == [] and not ext.direct  # no FEEDS: nothing can be marked
    ext.item_scraped(record(), None)
    close(crawler, spider)
    assert stat(crawler, STATE_NOT_MARKED) == 1  # written nowhere: the next run emits it again
    assert not RunLock.held(
        tmp_path / ".newsmon" / "default.lock", process_resources()
    )  # released at the end
    with StateStore.open(store_path) as store:
        (run,) = store.runs()
        assert run["finish_reason"] == "finished" and store.count() == 0


def test_state_extension_off() -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(StateExtension, crawler_with({"NEWSMON_STATE_ENABLED": False}))


class EngineStub:
    """The one thing the state extension asks of the engine: close the spider with a reason."""

    def __init__(self, spider: Spider) -> None:
        self.spider = spider
        self.closed_with: list[str] = []

    async def close_spider_async(self, reason: str) -> None:
        self.closed_with.append(reason)


def test_a_record_is_marked_emitted_only_once_fsynced_in_every_feed(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    settings = {"FEEDS": {str(out): {"format": "jsonlines"}}, "FEED_STORAGES": FEED_STORAGES}
    crawler, spider, ext = opened_state(settings)
    assert ext.direct  # a local file of the durable storage: marked record by record
    storage = build_from_crawler(
        DurableFileFeedStorage, crawler, str(out), feed_options={"format": "jsonlines"}
    )
    file = storage.open(spider)  # announced to the extension (feed_file_opened)
    written = record()
    file.write(json.dumps(written).encode() + b"\n")
    ext.item_scraped(written, None)
    assert ext.store is not None and ext.store.get(written["canonical_url"]) is not None
    assert stat(crawler, STATE_EMITTED) == 1
    engine = crawler.engine = EngineStub(spider)  # type: ignore[assignment]
    lost = record("https://news.example/2026/03/02/lost/", body="Never written.")

    async def scraped_but_not_written() -> None:
        ext.item_scraped(lost, None)  # the exporter did not write it: never marked, the run is closed
        await asyncio.sleep(0)

    asyncio.run(scraped_but_not_written())
    assert engine.closed_with == [OUTPUT_ERROR]
    assert ext.store.get(lost["canonical_url"]) is None
    assert stat(crawler, OUTPUT_FAILED) == 1 and stat(crawler, STATE_NOT_MARKED) == 1
    storage.store(file)
    close(crawler, spider)
    with StateStore.open(tmp_path / ".newsmon" / "default.sqlite3") as store:
        assert store.count() == 1
        assert store.runs()[0]["stats"][STATE_EMITTED] == 1


# --- DurableFileFeedStorage --------------------------------------------------------------------------
def test_durable_storage_announces_its_file_and_renames_the_per_run_file(tmp_path: Path) -> None:
    crawler = crawler_with()
    spider = open_spider(crawler)
    opened: list[Path] = []
    crawler.signals.connect(
        lambda storage, file: opened.append(storage.current_path), feed_file_opened, weak=False
    )
    final = tmp_path / "runs" / "run.jsonl"
    for _ in range(2):  # two runs in the same second: the second file gets a free name
        storage = build_from_crawler(
            DurableFileFeedStorage, crawler, str(final), feed_options={"newsmon_atomic": True}
        )
        file = storage.open(spider)
        file.write(b'{"a": 1}\n')
        assert storage.partial_path is not None and storage.partial_path.exists()  # until stored
        storage.store(file)
    assert sorted(p.name for p in final.parent.iterdir()) == ["run-1.jsonl", "run.jsonl"]
    assert [p.name for p in opened] == ["run.jsonl.partial", "run-1.jsonl.partial"]
    assert final.read_bytes() == b'{"a": 1}\n'


def test_durable_storage_without_the_atomic_option_writes_in_place(tmp_path: Path) -> None:
    crawler = crawler_with()
    spider = open_spider(crawler)
    path = tmp_path / "latest.jsonl"
    storage = build_from_crawler(DurableFileFeedStorage, crawler, str(path), feed_options={"overwrite": True})
    file = storage.open(spider)
    assert storage.current_path == path and path.exists()
    file.write(b"{}\n")
    storage.store(file)
    assert path.read_bytes() == b"{}\n" and not list(tmp_path.glob("*.partial"))


# --- SkipEmittedArticles -----------------------------------------------------------------------------
def emitted(
    ext: StateExtension, url: str, *, age_days: float, links: list[tuple[str, str]] | None = None
) -> None:
    assert ext.store is not None
    when = time.time() - age_days * DAY
    ext.store.mark_emitted(url, H1, 1, when, links=links, now=when)


def test_skip_defaults_and_off() -> None:
    skip = build_from_crawler(SkipEmittedArticles, crawler_with())
    assert (skip.younger_than_h, skip.every_h) == (24.0, 3.0)  # NEWSMON_REVISIT_* defaults
    for off in ({"NEWSMON_STATE_ENABLED": False}, {"NEWSMON_SNAPSHOT": True}):
        with pytest.raises(NotConfigured):
            build_from_crawler(SkipEmittedArticles, crawler_with(off))


def test_skip_drops_an_emitted_article_and_lets_hubs_and_new_ones_pass() -> None:
    crawler, spider, ext = opened_state()
    skip = build_from_crawler(SkipEmittedArticles, crawler)
    old, young, new = (f"{SITE}/2026/03/0{n}/story/" for n in (1, 2, 3))
    emitted(ext, old, age_days=10)
    emitted(ext, young, age_days=0.2)  # published 5 h ago, fetched then: inside the revisit window
    requests = [
        Request(old, meta={META_KIND: "article", META_KEY: old}),
        Request(young, meta={META_KIND: "article"}),
        Request(new, meta={META_KIND: "article"}),
        Request(f"{SITE}/feed/", meta={META_KIND: "feed"}),
    ]
    out = list(skip.process_spider_output(None, [*requests, {"an": "item"}]))
    assert [o.url if isinstance(o, Request) else o for o in out] == [
        young,
        new,
        f"{SITE}/feed/",
        {"an": "item"},
    ]
    assert (stat(crawler, STATE_SKIPPED), stat(crawler, STATE_REVISIT), stat(crawler, STATE_NEW)) == (1, 1, 1)
    close(crawler, spider)


def test_skip_follows_a_skipped_articles_stored_links_through_the_frontier() -> None:
    crawler, spider, ext = opened_state({"NEWSMON_EXTRACT_WORKERS": 0}, EuromaidanSpider, base_url=SITE)
    assert isinstance(spider, EuromaidanSpider)
    skip = build_from_crawler(SkipEmittedArticles, crawler)
    a, b = f"{SITE}/2026/03/01/a/", f"{SITE}/2026/03/01/b/"
    emitted(ext, a, age_days=10, links=[("read_also", b)])
    (visit,) = spider.frontier.link(a, LinkPath(0, 1, "rss", f"{SITE}/feed/"))
    (request,) = skip.process_spider_output(None, [spider.article_request(visit)])
    assert request.url == b and request.meta[META_HOPS] == 1  # a's link, as if a had been parsed
    close(crawler, spider)


# --- HubConditionalGet -------------------------------------------------------------------------------
def test_conditional_get_off() -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(HubConditionalGet, crawler_with({"NEWSMON_STATE_ENABLED": False}))


def test_conditional_get_sends_validators_and_replays_a_304() -> None:
    crawler, spider, _ = opened_state()
    conditional = build_from_crawler(HubConditionalGet, crawler)  # the extension's store, shared
    feed = f"{SITE}/feed/"
    first = Request(feed, meta={META_KIND: "feed"})
    conditional.process_request(first)
    assert b"If-None-Match" not in first.headers
    body = b"<?xml version='1.0'?><rss><channel><item><link>x</link></item></channel></rss>"
    headers = {
        "ETag": '"v1"',
        "Last-Modified": "Sun, 01 Mar 2026 10:00:00 GMT",
        "Content-Type": "application/rss+xml",
    }
    conditional.process_response(first, XmlResponse(feed, body=body, headers=headers, request=first))
    again = Request(feed, meta={META_KIND: "feed"})
    conditional.process_request(again)
    assert again.headers[b"If-None-Match"] == b'"v1"'
    assert again.headers[b"If-Modified-Since"] == b"Sun, 01 Mar 2026 10:00:00 GMT"
    replayed = conditional.process_response(again, Response(feed, status=304, request=again))
    assert replayed.status == 200 and replayed.body == body and "not_modified" in replayed.flags
    article = Request(f"{SITE}/2026/03/01/a/", meta={META_KIND: "article"})  # articles: no validators
    conditional.process_request(article)
    page = HtmlResponse(article.url, body=b"<html></html>", headers={"ETag": '"a"'}, request=article)
    conditional.process_response(article, page)
    assert b"If-None-Match" not in article.headers
    assert (
        stat(crawler, HUB_STORED),
        stat(crawler, HUB_CONDITIONAL_GET),
        stat(crawler, HUB_NOT_MODIFIED),
    ) == (
        1,
        1,
        1,
    )
    close(crawler, spider)


# --- CrossRunDedupePipeline --------------------------------------------------------------------------
def test_cross_run_dedupe_off_and_without_an_open_store() -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(CrossRunDedupePipeline, crawler_with({"NEWSMON_STATE_ENABLED": False}))
    pipeline = build_from_crawler(CrossRunDedupePipeline, crawler_with())
    item = record()
    assert pipeline.process_item(item) is item  # no store opened (no state extension): passes


def test_cross_run_dedupe_drops_unchanged_and_versions_revised_articles() -> None:
    crawler, spider, ext = opened_state()
    pipeline = build_from_crawler(CrossRunDedupePipeline, crawler)
    assert ext.store is not None and not pipeline.snapshot
    same = record()
    ext.store.mark_emitted(same["canonical_url"], same["content_hash"], 1, None)
    with pytest.raises(DropItem, match="unchanged"):
        pipeline.process_item(record())
    revised = pipeline.process_item(record(body="A corrected paragraph."))
    assert revised["version"] == 2 and revised["previous_hash"] == same["content_hash"]
    with pytest.raises(DropItem, match="same body"):  # republished under another URL
        pipeline.process_item(record("https://news.example/2026/03/09/copy/"))
    fresh = pipeline.process_item(record("https://news.example/2026/03/09/new/", body="Something new."))
    assert fresh["version"] == 1
    counts = [
        stat(crawler, s)
        for s in (STATE_UNCHANGED, STATE_REVISED, STATE_DUPLICATE_CONTENT, STATE_FIRST_VERSION)
    ]
    assert counts == [1, 1, 1, 1]
    close(crawler, spider)


def test_lines_the_template_learned_since_an_emission_make_no_version() -> None:
    """An article emitted while a promo line was still body, revisited once the site template knows that
    line: the body differs, but only by lines that were body when it was emitted. No version; a real edit on
    top of that is one."""
    crawler, spider, ext = opened_state()
    pipeline = build_from_crawler(CrossRunDedupePipeline, crawler)
    assert ext.store is not None
    url = "https://news.example/2026/03/01/ferry/"
    promo = "Subscribe to the Gazette: the first month for one coin."
    fetch = FetchInfo(url=url, discovered_via="rss", depth=1, spider="news")
    first = build_record(PageData(canonical_href=url, body=f"Ferry news.\n\n{promo}"), fetch, SCOPE)
    ext.store.mark_emitted(url, first.content_hash, 1, None)

    def revisit(story: str) -> PageData:
        return PageData(
            canonical_href=url, body=story, template_dropped=1, body_with_template=f"{story}\n\n{promo}"
        )

    with pytest.raises(DropItem, match="unchanged"):
        pipeline.process_item(build_record(revisit("Ferry news."), fetch, SCOPE))
    edited = pipeline.process_item(build_record(revisit("Ferry news, corrected."), fetch, SCOPE))
    assert edited.version == 2
    assert "_newsmon_template_equivalent" not in ItemAdapter(edited).asdict()  # never exported
    close(crawler, spider)


def test_state_backend_is_one_per_crawler() -> None:
    crawler = crawler_with()
    skip = build_from_crawler(SkipEmittedArticles, crawler)
    ext = build_from_crawler(StateExtension, crawler)
    assert skip.state is ext.backend is state_backend(crawler)
    assert state_backend(crawler_with()) is not ext.backend
