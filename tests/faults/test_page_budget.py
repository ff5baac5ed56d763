"""Per-page budget end to end: pages that used to cost trafilatura minutes (20,000 links in one paragraph,
4.2 MB and 14.7 MB of short paragraphs) next to good articles.

- default budget: the size cut and the fast path cap them, they come out as records, counted, and no page
  costs more than 5 s of CPU, in a worker or in the crawl process;
- the fast path off and a 2 s time limit: each of them has its worker killed and replaced, no record,
  counted ``too_slow``; the good articles come out;
- CLOSESPIDER_TIMEOUT while the worker is busy on the 14.7 MB page (fast path off, time limit 600 s): the
  run closes a few seconds after the timeout, leaves no process, and an immediate next run gets the lock.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from newsmon.state.lock import EXIT_LOCKED
from tests.crawl_helpers import ROOT, CrawlResult, collect_result, crawl_command
from tests.faults.budget_pages import links_in_one_paragraph, short_paragraphs
from tests.faults.conftest import FAULT_SETTINGS, fault_crawl, warnings_about
from tests.faults.freeze import WorkerFreezer, run_crawl_freezing_workers, warm_worker_rss
from tests.faults.pages import PARAGRAPHS, article_html, listing_html
from tests.faults.server import FaultServer
from tests.forkserver import start_python
from tests.test_process_faults import leftovers

pytestmark = pytest.mark.crawl

D = "/2026/03/11"
GOOD = [f"{D}/good-one/", f"{D}/good-two/"]
LINKS = f"{D}/links-20k/"
SHORT = f"{D}/short-4mb/"
HUGE = f"{D}/huge-15mb/"
BAD = [LINKS, SHORT, HUGE]
CPU_BUDGET_MS = 5000
NO_FAST_PATH = (
    "NEWSMON_EXTRACT_MAX_BYTES=0",
    "NEWSMON_EXTRACT_MAX_ELEMENTS=0",
    "NEWSMON_EXTRACT_MAX_INLINE=0",
)
CLOSE_AFTER = 6  # CLOSESPIDER_TIMEOUT of the busy-worker run


@pytest.fixture(scope="module")
def server() -> Any:
    pages = {
        LINKS: links_in_one_paragraph(20_000),
        SHORT: short_paragraphs(4_200_000, tag="four-"),
        HUGE: short_paragraphs(14_700_000, tag="fifteen-"),
    }
    for path in GOOD:
        pages[path] = article_html(f"Good {path}", paragraphs=(f"Story {path}.", *PARAGRAPHS)).encode()
    srv = FaultServer()
    srv.routes["/category/news/"] = lambda h, n: h.send_body(200, listing_html([*GOOD, *BAD]))
    for path, body in pages.items():
        srv.routes[path] = lambda h, n, body=body: h.send_body(200, body)
    with srv:
        yield srv


def crawl(server: FaultServer, workdir: Path, *settings: str) -> CrawlResult:
    # the pathological pages share their paragraphs on purpose: the site template would rightly learn shared
    # text as template; what is under test here is the budget, so the template is off
    settings = ("NEWSMON_TEMPLATE_ENABLED=False", *settings)
    result = fault_crawl(server, workdir, categories="/category/news/", settings=settings, timeout=300)
    assert result.returncode == 0, result.log[-3000:]
    return result


def crawl_freezing_workers(server: FaultServer, workdir: Path, *settings: str) -> CrawlResult:
    """crawl(), its extraction workers frozen once on a pathological page (tests/faults/freeze.py): the time
    limit is wall-clock, the worker is killed and replaced as a busy one is, without a core burnt until it
    fires."""
    args = ["-a", "feeds=", "-a", "categories=/category/news/"]
    for setting in (*FAULT_SETTINGS, "NEWSMON_TEMPLATE_ENABLED=False", *settings):  # (the template: crawl())
        args += ["-s", setting]
    result = run_crawl_freezing_workers(server.base_url, workdir, *args)
    assert result.returncode == 0, result.log[-3000:]
    return result


def records(result: CrawlResult, path: str) -> list[dict[str, Any]]:
    return result.by_path().get(path, [])


def assert_good_articles(result: CrawlResult) -> None:
    for path in GOOD:
        (record,) = records(result, path)
        assert record["body"].startswith(f"Story {path}.")


@pytest.mark.parametrize("workers", [1, 0])
def test_default_budget_caps_the_pages_and_keeps_them_cheap(
    server: FaultServer, tmp_path: Path, workers: int
) -> None:
    result = crawl(server, tmp_path, f"NEWSMON_EXTRACT_WORKERS={workers}")
    assert_good_articles(result)
    stats = result.stats
    for path in BAD:  # each is still an article, with its own text first; what follows it is capped
        (record,) = records(result, path)
        assert record["body"].startswith(PARAGRAPHS[0])
    assert len(records(result, LINKS)[0]["links"]) < 1_000  # 500 of the paragraph's 20,000, and the page's
    assert stats["newsmon/extract/capped"] == 3
    assert stats["newsmon/extract/capped/inline"] == 19_500
    assert stats["newsmon/extract/capped/elements"] > 100_000
    assert stats["newsmon/extract/truncated"] == 2  # 4.2 MB and 14.7 MB, past 4 MiB
    assert len(warnings_about(result.log, "Pathological page capped before extraction")) == 3
    assert len(warnings_about(result.log, "for extraction (NEWSMON_EXTRACT_MAX_BYTES)")) == 2
    assert 0 < stats["newsmon/extract/max_cpu_ms"] <= CPU_BUDGET_MS
    assert "newsmon/extract/too_slow" not in stats and "newsmon/schema/invalid" not in stats


def test_a_page_past_the_time_limit_is_given_up_and_the_crawl_goes_on(
    server: FaultServer, tmp_path: Path
) -> None:
    started = time.monotonic()
    result = crawl_freezing_workers(server, tmp_path, *NO_FAST_PATH, "NEWSMON_EXTRACT_TIMEOUT=2")
    assert time.monotonic() - started < 120  # (the three pages alone: several minutes of CPU)
    assert_good_articles(result)
    for path in BAD:
        assert records(result, path) == []
    assert result.stats["newsmon/extract/too_slow"] == 3
    assert len(warnings_about(result.log, "(NEWSMON_EXTRACT_TIMEOUT): worker killed, no record")) == 3
    assert "newsmon/extract/worker_restarts" not in result.stats  # killed on purpose: not a crash
    assert "newsmon/extract/capped" not in result.stats


def test_closespider_timeout_closes_a_run_whose_worker_is_busy_and_frees_the_lock(
    server: FaultServer, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    args = ["-a", "feeds=", "-a", "categories=", "-a", f"urls={server.base_url}{HUGE}"]
    for setting in (
        *FAULT_SETTINGS,
        *NO_FAST_PATH,
        "NEWSMON_EXTRACT_TIMEOUT=600",
        f"CLOSESPIDER_TIMEOUT={CLOSE_AFTER}",
    ):
        args += ["-s", setting]
    first = tmp_path / "first"
    command = crawl_command(server.base_url, first, *args, state_dir=state)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    warm_worker_rss()  # WorkerFreezer's measure, taken before the crawl starts
    started = time.monotonic()
    proc = start_python(command, cwd=ROOT, env=env, start_new_session=True)  # forked: tests/forkserver.py
    try:
        with WorkerFreezer(proc.pid):  # the worker busy on the page, without a core burning: freeze.py
            proc.wait(timeout=60)  # the page alone, without the fast path: minutes of CPU
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    took = time.monotonic() - started
    result = collect_result(first, proc.returncode)
    assert took < CLOSE_AFTER + 20, result.log[-3000:]
    assert leftovers(set(), proc.pid) == set()  # the busy worker was killed, not left running
    assert result.stats["finish_reason"] == "closespider_timeout"
    assert result.stats["newsmon/extract/cancelled"] == 1
    assert warnings_about(result.log, "The spider is closing: extraction of")
    assert proc.returncode == 0, result.log[-3000:]  # closespider_* warns, the run is not failed
    # the next cron run, at once: the lock is free; the default budget gets the page out
    second = fault_crawl(server, tmp_path / "second", urls=[HUGE], args=("-s", f"NEWSMON_STATE_DIR={state}"))
    assert second.returncode != EXIT_LOCKED
    assert second.returncode == 0, second.log[-3000:]
    assert len(records(second, HUGE)) == 1
