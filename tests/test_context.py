"""The crawl context (newsmon/context.py): built once per crawler from what the crawler holds, each later
part in a slot its one owner sets once (read early: a clear error), the news spider's part attached once,
the run name fixed once for the whole crawl, and the run lock no side effect of asking for the state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider

from newsmon.context import CrawlContext, NewsCrawl, Slot, SlotError
from newsmon.spiders.euromaidan import EuromaidanSpider
from newsmon.state.backend import state_backend
from tests.component_helpers import crawler_with, isolated


@pytest.fixture(autouse=True)
def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from isolated(tmp_path, monkeypatch)


def news_part(crawler: Any) -> NewsCrawl:
    spider = EuromaidanSpider.from_crawler(crawler, base_url="http://127.0.0.1:8080")
    news = CrawlContext.of(crawler).news.get()
    assert news.config is spider.config
    return news


def test_one_context_per_crawler_built_from_what_the_crawler_holds() -> None:
    crawler = crawler_with(spidercls=EuromaidanSpider)
    context = CrawlContext.of(crawler)
    assert CrawlContext.of(crawler) is context
    assert context.spidercls is EuromaidanSpider
    assert not any(slot.is_set for slot in context.slots())


def test_the_spider_part_once_and_the_run_name_its_site() -> None:
    crawler = crawler_with(spidercls=EuromaidanSpider)
    context = CrawlContext.of(crawler)
    with pytest.raises(SlotError, match=r"read before newsmon\.crawl\.spider set it"):
        context.news.get()
    news = news_part(crawler)
    assert context.run_name == news.config.site.name and context.frontier is news.frontier
    with pytest.raises(RuntimeError, match="attached already"):
        context.attach_news(news)


def test_a_crawl_of_another_spider_is_named_after_it() -> None:
    class Theirs(Spider):
        name = "theirs"

    context = CrawlContext.of(crawler_with(spidercls=Theirs))
    assert context.run_name == "theirs" and context.config is None and context.crawl_origin is None
    assert list(context.article_requests([])) == []


def test_the_run_name_is_fixed_by_its_first_reader() -> None:
    """Read before the spider attached (components built by hand first): the spider's name, for the whole
    crawl; a spider naming another site afterwards is refused, not a silent split of store and lock."""
    crawler = crawler_with(spidercls=EuromaidanSpider)
    news = news_part(crawler)

    class Another(EuromaidanSpider):  # named otherwise than its site
        name = "another"

    other = crawler_with(spidercls=Another)
    assert CrawlContext.of(other).run_name == "another"
    with pytest.raises(RuntimeError, match="run named as 'another' before the spider named its site"):
        CrawlContext.of(other).attach_news(news)
    assert not CrawlContext.of(other).news.is_set


def test_state_opened_under_another_name_before_the_spider_is_refused() -> None:
    crawler = crawler_with(spidercls=EuromaidanSpider)
    news = news_part(crawler)
    other = crawler_with(spidercls=type("Another", (EuromaidanSpider,), {"name": "another"}))
    assert state_backend(other).name == "another"
    with pytest.raises(RuntimeError, match="state opened as 'another'"):
        CrawlContext.of(other).attach_news(news)


def test_the_state_backend_takes_no_run_lock_by_being_asked_for() -> None:
    crawler = crawler_with(spidercls=EuromaidanSpider)
    news_part(crawler)
    backend = state_backend(crawler)
    assert backend.config.enabled and backend.lock is None  # the state extension takes it, by name
    assert state_backend(crawler) is backend


def test_a_slot_is_set_once_and_read_after() -> None:
    slot: Slot[int | None] = Slot("sample", "newsmon.sample")
    assert slot.peek() is None and not slot.is_set
    with pytest.raises(SlotError, match=r"sample read before newsmon\.sample set it"):
        slot.get()
    assert slot.set(None) is None and slot.is_set and slot.get() is None  # None is a value once set
    with pytest.raises(SlotError, match="sample is set already"):
        slot.set(1)
