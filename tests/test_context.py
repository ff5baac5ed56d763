"""The crawl context (newsmon/context.py): built once per crawler, the news spider's part attached once,
and a state opened under another name than the spider's site is an error, not a silent split."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsmon.context import CrawlContext, NewsCrawl
from newsmon.spiders.euromaidan import EuromaidanSpider
from newsmon.state.backend import state_backend
from tests.component_helpers import crawler_with, isolated


@pytest.fixture(autouse=True)
def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from isolated(tmp_path, monkeypatch)


def news_part(crawler: Any) -> NewsCrawl:
    spider = EuromaidanSpider.from_crawler(crawler, base_url="http://127.0.0.1:8080")
    news = CrawlContext.of(crawler).news
    assert news is not None and news.config is spider.config
    return news


def test_one_context_per_crawler_and_the_spider_part_once() -> None:
    crawler = crawler_with(spidercls=EuromaidanSpider)
    context = CrawlContext.of(crawler)
    assert CrawlContext.of(crawler) is context and context.news is None
    assert context.run_name == "euromaidan"  # no news spider yet: the spider's name
    news = news_part(crawler)
    assert context.run_name == news.config.site.name and context.frontier is news.frontier
    with pytest.raises(RuntimeError, match="attached already"):
        context.attach_news(news)


def test_state_opened_under_another_name_before_the_spider_is_refused() -> None:
    crawler = crawler_with(spidercls=EuromaidanSpider)
    news = news_part(crawler)
    other = crawler_with(spidercls=EuromaidanSpider)
    context = CrawlContext.of(other)
    context.spidercls = type(
        "Another", (EuromaidanSpider,), {"name": "another"}
    )  # named otherwise than its site
    assert state_backend(other).name == "another"
    with pytest.raises(RuntimeError, match="state opened as 'another'"):
        context.attach_news(news)
