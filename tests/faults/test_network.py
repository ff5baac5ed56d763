"""Network and server faults in one crawl: 5xx bursts, 429, Retry-After, hangs, resets, truncated bodies,
decompression bombs, a 50 MB page, redirect loops and chains. Good articles on the same server still come
out, and every fault is named by a log line and a stat."""

from __future__ import annotations

import gzip
import itertools
import zlib
from typing import Any

import brotli
import pytest

from newsmon.monitors.checks import EXIT_MONITORS_FAILED
from tests.crawl_helpers import CrawlResult
from tests.faults.conftest import fault_crawl, warnings_about
from tests.faults.pages import PARAGRAPHS, article_html, rss
from tests.faults.server import FaultHandler, FaultServer

pytestmark = pytest.mark.crawl

D = "/2026/03/11"
GOOD = [f"{D}/good-one/", f"{D}/good-two/"]
RECOVERING = {
    "burst-503": f"{D}/burst-503/",  # 503 + Retry-After: 1, twice, then the page
    "burst-500": f"{D}/burst-500/",  # 500 twice (no Retry-After: backoff), then the page
    "rate-limited": f"{D}/rate-limited/",  # 429 + Retry-After: 3600 (capped), then the page
    "moved": f"{D}/moved/",  # an ordinary redirect to a good page
}
FAILING = {
    "always-503": f"{D}/always-503/",
    "hang": f"{D}/hang/",  # accepts, never answers
    "stall": f"{D}/stall/",  # headers and half the body, then silence
    "reset": f"{D}/reset/",  # connection reset mid-body
    "truncated": f"{D}/truncated/",  # Content-Length larger than what is sent
    "gzip-bomb": f"{D}/gzip-bomb/",
    "deflate-bomb": f"{D}/deflate-bomb/",
    "brotli-bomb": f"{D}/brotli-bomb/",
    "nested-bomb": f"{D}/nested-bomb/",  # Content-Encoding: gzip, gzip
    "huge": f"{D}/huge/",  # 50 MB with Content-Length
    "huge-streamed": f"{D}/huge-streamed/",  # 50 MB, no Content-Length
    "redirect-chain": f"{D}/redirect-chain/",  # 30 distinct hops
    "redirect-loop": f"{D}/redirect-loop/",  # A -> B -> A
}
BOMB_SIZE = 64 * 1024 * 1024  # decompressed; DOWNLOAD_MAXSIZE is 16 MiB
HUGE_SIZE = 50 * 1024 * 1024


def page(title: str) -> bytes:
    """A good article; the title is also its first paragraph, so no two pages share a body."""
    return article_html(
        title, paragraphs=(f"{title}: a report from the district council.", *PARAGRAPHS)
    ).encode()


def build_server() -> FaultServer:
    server = FaultServer()
    zeros = b"\0" * BOMB_SIZE
    bombs = {
        "gzip-bomb": (gzip.compress(zeros, compresslevel=9), "gzip"),
        "deflate-bomb": (zlib.compress(zeros, 9), "deflate"),
        "brotli-bomb": (brotli.compress(zeros, quality=5), "br"),
        "nested-bomb": (gzip.compress(gzip.compress(zeros, compresslevel=9)), "gzip, gzip"),
    }
    del zeros
    half = page("A page that is cut short")
    server.routes["/feed/"] = lambda h, n: h.send_body(
        200, rss([server.base_url + p for p in GOOD]), "application/rss+xml"
    )
    for path in [*GOOD, f"{D}/moved-here/"]:
        server.routes[path] = lambda h, n, path=path: h.send_body(200, page(f"Good story {path}"))

    def burst(status: int, retry_after: str | None, failures: int) -> Any:
        def route(h: FaultHandler, n: int) -> None:
            if n <= failures:
                headers = [("Retry-After", retry_after)] if retry_after else []
                h.send_body(status, b"<html><body>Busy</body></html>", headers=headers)
            else:
                h.send_body(200, page(f"Recovered after {status}"))

        return route

    server.routes[RECOVERING["burst-503"]] = burst(503, "1", 2)
    server.routes[RECOVERING["burst-500"]] = burst(500, None, 2)
    server.routes[RECOVERING["rate-limited"]] = burst(429, "3600", 1)
    server.routes[RECOVERING["moved"]] = lambda h, n: h.redirect(f"{D}/moved-here/", 301)
    server.routes[FAILING["always-503"]] = burst(503, "1", 99)
    server.routes[FAILING["hang"]] = lambda h, n: h.hang(30)

    def stall(h: FaultHandler, n: int) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(len(half)))
        h.end_headers()
        h.wfile.write(half[: len(half) // 2])
        h.wfile.flush()
        h.hang(30)

    def cut(h: FaultHandler, n: int, *, rst: bool) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(half) + 5000))
        h.end_headers()
        h.wfile.write(half)
        if rst:
            h.reset()
        else:
            h.close_connection = True

    server.routes[FAILING["stall"]] = stall
    server.routes[FAILING["reset"]] = lambda h, n: cut(h, n, rst=True)
    server.routes[FAILING["truncated"]] = lambda h, n: cut(h, n, rst=False)
    for name, (body, encoding) in bombs.items():
        server.routes[FAILING[name]] = lambda h, n, body=body, encoding=encoding: h.send_body(
            200, body, headers=[("Content-Encoding", encoding)]
        )

    def huge(h: FaultHandler, n: int, *, length: bool) -> None:
        chunk = b"<p>" + b"filler text " * 87_000 + b"</p>\n"  # about 1 MB
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        if length:
            h.send_header("Content-Length", str(HUGE_SIZE))
        else:
            h.send_header("Connection", "close")
            h.close_connection = True
        h.end_headers()
        h.wfile.write(b"<html><body>")
        sent = 0
        while sent < HUGE_SIZE:
            h.wfile.write(chunk)
            sent += len(chunk)

    server.routes[FAILING["huge"]] = lambda h, n: huge(h, n, length=True)
    server.routes[FAILING["huge-streamed"]] = lambda h, n: huge(h, n, length=False)
    server.routes[FAILING["redirect-chain"]] = lambda h, n: h.redirect(f"{D}/redirect-chain/?hop={n}")
    server.routes[FAILING["redirect-loop"]] = lambda h, n: h.redirect(f"{D}/redirect-loop-b/")
    server.routes[f"{D}/redirect-loop-b/"] = lambda h, n: h.redirect(FAILING["redirect-loop"])
    return server


@pytest.fixture(scope="module")
def server() -> Any:
    with build_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def crawl(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    result = fault_crawl(
        server,
        tmp_path_factory.mktemp("network"),
        feeds="/feed/",
        urls=[*RECOVERING.values(), *FAILING.values()],
    )
    # most of these requests fail on purpose: the error-ratio monitor says so (exit status 3), and only it
    assert result.returncode == EXIT_MONITORS_FAILED, result.log[-3000:]
    assert result.stats["newsmon/monitor/summary"] == "fail: error_ratio"
    return result


def paths(crawl: CrawlResult) -> set[str]:
    return set(crawl.by_path())


def test_good_and_recovered_pages_all_come_out_once(crawl: CrawlResult) -> None:
    by_path = crawl.by_path()
    expected = {*GOOD, *(p for k, p in RECOVERING.items() if k != "moved"), f"{D}/moved-here/"}
    assert set(by_path) == expected
    assert all(len(records) == 1 for records in by_path.values())
    assert not paths(crawl) & set(FAILING.values())


def test_no_half_page_becomes_a_record(crawl: CrawlResult) -> None:
    assert not any("cut short" in (r["title"] or "") for r in crawl.records)


def test_5xx_burst_honours_retry_after_then_recovers(crawl: CrawlResult, server: FaultServer) -> None:
    times = server.times(RECOVERING["burst-503"])
    assert len(times) == 3  # two 503s, then the page
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(0.9 <= gap < 5 for gap in gaps), gaps  # Retry-After: 1 waited, not hammered
    assert crawl.stats["newsmon/retry/retry_after"] >= 2


def test_5xx_without_retry_after_backs_off(crawl: CrawlResult, server: FaultServer) -> None:
    times = server.times(RECOVERING["burst-500"])
    assert len(times) == 3
    first, second = times[1] - times[0], times[2] - times[1]
    assert first >= 0.18 and second >= 0.38, (first, second)  # 0.2 s, then doubled
    assert crawl.stats["newsmon/retry/backoff"] >= 2


def test_429_retry_after_is_capped(crawl: CrawlResult, server: FaultServer) -> None:
    times = server.times(RECOVERING["rate-limited"])
    assert len(times) == 2
    assert 1.4 <= times[1] - times[0] < 10  # Retry-After: 3600 capped at NEWSMON_RETRY_AFTER_MAX=1.5
    assert crawl.stats["newsmon/retry/retry_after_capped"] >= 1


def test_persistent_503_gives_up_after_retries(crawl: CrawlResult, server: FaultServer) -> None:
    assert server.count(FAILING["always-503"]) == 3  # RETRY_TIMES=2
    assert crawl.stats["newsmon/article/http_error/503"] == 1
    assert warnings_about(crawl.log, "always-503")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("hang", "timeout"),
        ("stall", "timeout"),
        ("reset", "data_loss"),  # an RST before Content-Length bytes arrived
        ("truncated", "data_loss"),
    ],
)
def test_network_faults_are_retried_then_counted(
    crawl: CrawlResult, server: FaultServer, name: str, reason: str
) -> None:
    path = FAILING[name]
    assert server.count(path) == 3  # first try + RETRY_TIMES
    lines = warnings_about(crawl.log, path)
    assert any("failed" in line for line in lines), lines
    assert crawl.stats.get(f"newsmon/article/failed/{reason}", 0) >= 1, {
        k: v for k, v in crawl.stats.items() if "failed" in k
    }


def test_hangs_are_bounded_by_download_timeout(crawl: CrawlResult) -> None:
    elapsed = crawl.stats["elapsed_time_seconds"]
    assert elapsed < 40, elapsed  # 3 tries x DOWNLOAD_TIMEOUT=3 run in parallel with the rest


@pytest.mark.parametrize("name", ["gzip-bomb", "deflate-bomb", "brotli-bomb", "nested-bomb"])
def test_decompression_bombs_are_refused(crawl: CrawlResult, server: FaultServer, name: str) -> None:
    path = FAILING[name]
    assert server.count(path) == 1  # refused, not retried
    assert any("DOWNLOAD_MAXSIZE" in line for line in warnings_about(crawl.log, path))
    assert crawl.stats["newsmon/article/failed/decompression_limit"] == 4


@pytest.mark.parametrize("name", ["huge", "huge-streamed"])
def test_50mb_page_is_refused_by_the_size_limit(crawl: CrawlResult, server: FaultServer, name: str) -> None:
    path = FAILING[name]
    assert server.count(path) == 1
    assert any("failed (too_large)" in line for line in warnings_about(crawl.log, path))
    assert crawl.stats["newsmon/article/failed/too_large"] == 2


def test_memory_stays_bounded(crawl: CrawlResult) -> None:
    grown = crawl.stats["memusage/max"] - crawl.stats["memusage/startup"]
    assert grown < 300 * 1024 * 1024, grown  # 50 MB pages and 64 MiB bombs never held whole


def test_redirect_chain_stops_at_redirect_max_times(crawl: CrawlResult, server: FaultServer) -> None:
    assert server.count(FAILING["redirect-chain"]) == 11  # the request + REDIRECT_MAX_TIMES (10) hops
    assert crawl.stats["newsmon/article/failed/redirect_limit"] == 1
    assert warnings_about(crawl.log, "max redirections")


def test_redirect_loop_ends(crawl: CrawlResult, server: FaultServer) -> None:
    # A -> B -> A: the second visit of A is a duplicate request, dropped by Scrapy's dupefilter
    assert server.count(FAILING["redirect-loop"]) == 1
    assert server.count(f"{D}/redirect-loop-b/") == 1
    assert crawl.stats["dupefilter/filtered"] >= 1


def test_only_expected_paths_were_requested(server: FaultServer, crawl: CrawlResult) -> None:
    allowed = {"/robots.txt", "/feed/", *GOOD, *RECOVERING.values(), *FAILING.values()}
    allowed |= {f"{D}/moved-here/", f"{D}/redirect-loop-b/"}
    assert server.paths() <= allowed
