"""Helpers of the component tests (tests/test_components_*.py): crawlers built as another Scrapy project
would build them (``get_crawler``, no newsmon settings unless a test gives some), a spider attached and its
stats opened, signals delivered to newsmon's handlers, and a working directory of the test's
own (the state dir and output defaults are relative paths)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydispatch.dispatcher import getAllReceivers, liveReceivers
from pydispatch.robustapply import robustApply
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from newsmon import registry
from newsmon.distributed.config import URL_ENV
from newsmon.extract.types import PageData
from newsmon.record import FetchInfo, build_record
from newsmon.resources import process_resources
from newsmon.state.lock import RunLock
from newsmon.urls import SiteScope

SCOPE = SiteScope.build("https://news.example")


def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run a test in tmp_path with no deployment environment variables (they replace declared defaults);
    release the run locks it took (a lock is per process, kept until released)."""
    for name in {o.env for o in registry.SETTINGS if o.env} | {URL_ENV}:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    for lock_file in tmp_path.rglob("*.lock"):
        RunLock.acquire(lock_file, process_resources()).release()  # reentrant: the held lock, released


def crawler_with(settings: dict[str, Any] | None = None, spidercls: type[Spider] | None = None) -> Crawler:
    """A crawler as another project builds it: only the given settings (project priority), no add-on."""
    return get_crawler(spidercls, settings_dict=settings or {})


def open_spider(crawler: Crawler) -> Spider:
    """The crawl's spider, as the engine would have it: built from the crawler, stats opened."""
    assert crawler.spidercls is not None and crawler.stats is not None
    spider = crawler.spidercls.from_crawler(crawler)
    crawler.spider = spider
    crawler.stats.open_spider()
    return spider


def send(crawler: Crawler, signal: object, **kwargs: Any) -> None:
    """Deliver a signal to newsmon's handlers as the engine does (``robustApply``: each gets the arguments it
    names); one that raises fails the test (Scrapy would only log it). Scrapy's own extensions, which
    ``get_crawler`` builds too (CoreStats, LogStats), are left out: they need the engine, which a unit test
    does not run."""
    sender = crawler.signals.sender
    for receiver in liveReceivers(getAllReceivers(sender, signal)):
        if getattr(receiver, "__module__", "").startswith("newsmon."):
            robustApply(receiver, signal=signal, sender=sender, **kwargs)


def stat(crawler: Crawler, name: str) -> Any:
    assert crawler.stats is not None
    return crawler.stats.get_value(name)


def record(
    url: str = "https://news.example/2026/03/01/ferry/", body: str = "First paragraph.\n\nSecond one."
) -> dict[str, Any]:
    """A schema-valid record (as the spider builds it) for the pipelines and the state extension."""
    page = PageData(
        title="Ferry service resumes on the northern route",
        language="en",
        published_at="2026-03-01T10:00:00+02:00",
        canonical_href=url,
        body=body,
        content=["Ferry", body],
    )
    fetch = FetchInfo(url=url, discovered_via="rss", depth=1, spider="news")
    return dataclasses.asdict(build_record(page, fetch, SCOPE))
