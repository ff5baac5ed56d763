"""NEWSMON_EXTRACT_WORKERS: pages extracted in worker processes give the records of in-process extraction."""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request

from newsmon.extract.html import parse_html
from newsmon.extract.page import extract_page
from newsmon.extract.types import ExtractOptions
from newsmon.extract.worker import ExtractPool, extract_page_data
from tests.crawl_helpers import ROOT, run_crawl
from tests.extract_pages import TAGDIV, URLS, options_for, read_page
from tests.faults.freeze import freeze_when_busy
from tests.replica.server import ReplicaServer


def test_worker_function_is_extract_page() -> None:
    body, url, options = read_page(TAGDIV), URLS[TAGDIV], options_for(TAGDIV)
    assert extract_page_data(body, None, url, options) == extract_page(parse_html(body), url, options)


def test_a_worker_starts_without_scrapy_or_twisted() -> None:
    """A worker is a fresh interpreter per crawl (spawn): what it imports is start-up paid on every crawl.
    Extraction is pure (no Scrapy inside newsmon/extract), so neither Scrapy nor Twisted is loaded."""
    probe = (
        "import sys\nfrom newsmon.extract import worker\nworker._warm_up()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'scrapy', 'twisted', 'playwright'}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_pool_extracts_in_another_process_and_closes() -> None:
    pool = ExtractPool(1)
    body, url, options = read_page(TAGDIV), URLS[TAGDIV], options_for(TAGDIV)
    try:
        page = asyncio.run(pool.extract(body, "utf-8", url, options))
    finally:
        pool.close()
    assert page == extract_page(parse_html(body, encoding="utf-8"), url, options)
    with pytest.raises(ValueError):
        ExtractPool(0)
    assert ExtractOptions() == ExtractOptions()  # options cross the process boundary by value


def test_a_killed_worker_loses_no_page(caplog: pytest.LogCaptureFixture) -> None:
    import os
    import signal

    pool = ExtractPool(1)
    body, url, options = read_page(TAGDIV), URLS[TAGDIV], options_for(TAGDIV)
    expected = extract_page(parse_html(body, encoding="utf-8"), url, options)

    async def run() -> tuple[Any, Any]:
        first = await pool.extract(body, "utf-8", url, options)
        for pid in pool.worker_pids():  # the worker dies, as under the OOM killer
            os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(0.5)
        return first, await pool.extract(body, "utf-8", url, options)

    try:
        first, after_kill = asyncio.run(run())
    finally:
        pool.close()
    assert first == after_kill == expected  # extracted by a new worker
    assert pool.restarts == 1
    assert "Extraction worker died" in caplog.text


# scraped_at is the clock. The path (discovered_via, depth, referrer) is the same: among equally short
# paths the frontier's fixed rule decides, not which response was parsed first (issue 20, case 10).
VARYING = frozenset({"scraped_at"})


def _records(result: Any) -> dict[str, dict[str, Any]]:
    return {r["canonical_url"]: {k: v for k, v in r.items() if k not in VARYING} for r in result.records}


@pytest.mark.crawl
def test_crawl_records_identical_with_and_without_workers(tmp_path: Path) -> None:
    with ReplicaServer() as replica:
        here = run_crawl(replica.base_url, tmp_path / "in_process", "-s", "NEWSMON_EXTRACT_WORKERS=0")
        workers = run_crawl(replica.base_url, tmp_path / "workers", "-s", "NEWSMON_EXTRACT_WORKERS=2")
    assert here.returncode == 0, here.log[-3000:]
    assert workers.returncode == 0, workers.log[-3000:]
    assert here.records, "the replica crawl gave no records"
    assert _records(workers) == _records(here)
    assert workers.stats.get("newsmon/article/extracted") == here.stats.get("newsmon/article/extracted")


def test_crawls_of_one_process_share_one_pool_with_their_own_counts() -> None:
    """A sweep's sites lease the process's pool: one set of workers, stopped with the last lease; each
    crawl's closing signal and counts stay its own."""
    from newsmon.extract.worker import PoolLease
    from newsmon.resources import process_resources

    first_closing = [False]
    own = process_resources()  # this process's own (no newsmon command in a test)
    first = PoolLease(1, timeout=30, closing=lambda: first_closing[0], resources=own)
    second = PoolLease(1, timeout=30, resources=own)
    other = PoolLease(2, timeout=30, resources=own)
    assert first.pool is second.pool and other.pool is not first.pool
    other.close()
    html = b"<html><body><article><h1>Title</h1><p>" + b"word " * 50 + b"</p></article></body></html>"

    async def both() -> None:
        await first.extract(html, "utf-8", "https://a.example/x", ExtractOptions())
        await second.extract(html, "utf-8", "https://b.example/y", ExtractOptions())

    asyncio.run(both())
    pids = first.pool.worker_pids()
    assert len(pids) == 1 and first.cpu_max > 0 and second.cpu_max > 0 and first.restarts == 0
    first_closing[0] = True
    first.close()  # the other crawl still uses the worker
    assert first.pool.worker_pids() == pids
    second.close()
    assert first.pool.worker_pids() == []
    later = PoolLease(1, timeout=30, resources=own)
    assert later.pool is not first.pool  # a new pool for the next crawls
    later.close()


def test_a_held_article_given_up_when_read_again_is_recorded_from_its_first_extraction(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The site template's warm-up holds articles, then reads them again with what it learned: in the
    workers, under NEWSMON_EXTRACT_TIMEOUT like any page (in the reactor they had no limit). One given up
    there is recorded as first extracted: never lost."""
    from scrapy.http import HtmlResponse

    from newsmon.crawl.frontier import ArticleVisit, LinkPath
    from newsmon.crawl.pages import HeldArticle
    from newsmon.spiders.euromaidan import EuromaidanSpider
    from tests.component_helpers import crawler_with
    from tests.faults.budget_pages import links_in_one_paragraph

    settings = {
        "NEWSMON_EXTRACT_WORKERS": 1,
        "NEWSMON_EXTRACT_TIMEOUT": 5,  # a normal page keeps it, loaded; the slow one needs minutes
        "NEWSMON_EXTRACT_MAX_ELEMENTS": 0,  # no fast path: the slow page stays slow
        "NEWSMON_EXTRACT_MAX_INLINE": 0,
    }
    crawler = crawler_with(settings, EuromaidanSpider)
    spider = EuromaidanSpider.from_crawler(crawler, base_url="http://127.0.0.1:8080")
    crawler.spider = spider
    assert crawler.stats is not None
    crawler.stats.open_spider()
    url = "http://127.0.0.1:8080/2026/03/11/slow-story/"
    request = spider.article_request(ArticleVisit(url, LinkPath(0, 0, "start_url", None), {}))
    response = HtmlResponse(url, body=links_in_one_paragraph(20_000), request=request)
    first = extract_page(parse_html(read_page(TAGDIV)), url, options_for(TAGDIV))
    spider._released.append(HeldArticle(response, first))
    # a normal page held after it: read again beside it, emitted after it, in the order they were held
    normal_url = "http://127.0.0.1:8080/2026/03/11/normal-story/"
    normal_request = spider.article_request(ArticleVisit(normal_url, LinkPath(0, 0, "start_url", None), {}))
    normal = HtmlResponse(normal_url, body=read_page(TAGDIV), request=normal_request)
    again = extract_page(parse_html(read_page(TAGDIV)), normal_url, options_for(TAGDIV))
    spider._released.append(HeldArticle(normal, dataclasses.replace(again, title="first extraction")))

    async def release() -> list[Any]:
        assert spider.extract_pool is not None
        freeze = asyncio.ensure_future(freeze_when_busy(spider.extract_pool.pool))  # the slow page, no core
        outputs = [out async for _, out in spider._release_offloaded()]
        assert await freeze
        return outputs

    try:
        outputs = asyncio.run(release())
    finally:
        assert spider.extract_pool is not None
        spider.extract_pool.close()
    records = [out for out in outputs if not isinstance(out, Request)]
    assert [record.title for record in records] == [first.title, again.title]  # the second read again
    assert crawler.stats.get_value("newsmon/extract/too_slow") == 1
    assert "recorded from its first extraction" in caplog.text
    assert spider._released == []
