"""Hub budgets: a sitemap index of 50,000 children (each a cheap urlset of two real articles) no longer
starves the articles. Children are read newest first by <lastmod> (their names carry no date or number, and
the index lists the oldest first), at most NEWSMON_MAX_CHILD_SITEMAPS per index and NEWSMON_MAX_HUB_REQUESTS
per run; article requests start after a few sitemaps and interleave with the rest; what is cut is counted
and said once. A gzipped sitemap that unpacks past 64 MiB is cut there, counted, one WARNING, no traceback."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.core.engine import ExecutionEngine
from scrapy.http import XmlResponse
from scrapy.settings import Settings
from scrapy.utils.misc import load_object

from newsmon import settings as project_settings
from newsmon.discovery.budget import HUB_PRIORITY, HubBudget, HubBudgetConfig
from newsmon.meta import META_SITEMAP_LEVEL
from tests.crawl_helpers import CrawlResult
from tests.faults.conftest import fault_crawl, warnings_about
from tests.faults.pages import PARAGRAPHS, article_html
from tests.faults.server import FaultHandler, FaultServer, Route
from tests.test_spider import MIRROR, make_spider

CHILDREN = 50_000
INDEX = "/sitemap_index.xml"
BOMB = "/bomb-sitemap.xml.gz"
OLDEST = datetime(2020, 1, 1, tzinfo=UTC)
_CHILD = re.compile(r"^/sitemaps/(?P<code>[a-j]{5})\.xml$")
_ARTICLE = re.compile(r"^/2026/03/11/(?P<code>[a-j]{5})-(?:one|two)/$")


def code(i: int) -> str:
    """A child's name without digits (00042 -> aaaec): only its <lastmod> tells how new it is."""
    return "".join(chr(ord("a") + int(d)) for d in f"{i:05d}")


def number(name: str) -> int:
    return int("".join(str(ord(c) - ord("a")) for c in name))


def child_of(path: str) -> int | None:
    match = _CHILD.match(path)
    return number(match["code"]) if match else None


def newest(n: int) -> set[int]:
    return set(range(CHILDREN - n, CHILDREN))


class PatternRoutes(dict[str, Route]):
    """Exact routes, then child sitemaps and articles by pattern (100,000 pages, no 100,000 routes)."""

    def get(self, path: str, default: Any = None) -> Any:  # type: ignore[override]
        if path in self:
            return self[path]
        if (child := _CHILD.match(path)) is not None:
            return lambda h, n: child_sitemap(h, child["code"])
        if _ARTICLE.match(path):
            return lambda h, n: h.send_body(200, article(path))
        return default


def child_sitemap(handler: FaultHandler, name: str) -> None:
    base = f"http://{handler.headers.get('Host')}"
    rows = "".join(f"<url><loc>{base}/2026/03/11/{name}-{s}/</loc></url>" for s in ("one", "two"))
    body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'
    handler.send_body(200, body.encode(), "application/xml")


def article(path: str) -> bytes:
    return article_html(f"Story {path}", paragraphs=(f"Story {path}.", *PARAGRAPHS)).encode()


def index_body(base: str, children: int = CHILDREN) -> bytes:
    """50,000 children, oldest first (as WordPress and Yoast list them), one hour apart."""
    rows = "".join(
        f"<sitemap><loc>{base}/sitemaps/{code(i)}.xml</loc>"
        f"<lastmod>{(OLDEST + timedelta(hours=i)).isoformat()}</lastmod></sitemap>"
        for i in range(children)
    )
    head = '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    return f"{head}{rows}</sitemapindex>".encode()


def bomb_body(base: str) -> bytes:
    """A real sitemap padded with 70 MB of comments, gzipped to about 100 KB (served as a file, without
    Content-Encoding: Scrapy's own decompression limits never see it)."""
    head = f'<?xml version="1.0"?><urlset><url><loc>{base}/2026/03/11/before-the-bomb/</loc></url>'
    return gzip.compress(head.encode() + b"<!---->" * 10_000_000 + b"</urlset>", 6)


def build_server() -> FaultServer:
    server = FaultServer()
    server.routes = PatternRoutes(server.routes)
    index = index_body(server.base_url)
    bomb = bomb_body(server.base_url)
    server.routes[INDEX] = lambda h, n: h.send_body(200, index, "application/xml")
    server.routes[BOMB] = lambda h, n: h.send_body(200, bomb, "application/x-gzip")
    before = "/2026/03/11/before-the-bomb/"
    server.routes[before] = lambda h, n: h.send_body(200, article(before))
    return server


def hits(server: FaultServer) -> list[str]:
    with server._lock:
        return [urlsplit(hit.path).path for hit in server.hits]


def sitemap_hits(paths: list[str]) -> list[str]:
    return [p for p in paths if p == INDEX or child_of(p) is not None]


def article_hits(paths: list[str]) -> list[str]:
    return [p for p in paths if _ARTICLE.match(p)]


def measured(paths: list[str]) -> str:
    return f"{len(sitemap_hits(paths))} sitemap requests, {len(article_hits(paths))} article requests"


# --- the budget on its own ----------------------------------------------------------------------------
def test_budget_admits_configured_hubs_cuts_discovered_ones_and_decays_priority() -> None:
    budget = HubBudget(HubBudgetConfig(max_requests=4, max_child_sitemaps=2))
    assert [budget.admit(configured=True) for _ in range(2)] == [HUB_PRIORITY, HUB_PRIORITY]
    assert [budget.admit(), budget.admit()] == [HUB_PRIORITY - 1, HUB_PRIORITY - 2]  # decays
    assert budget.admit() is None and budget.remaining == 0  # spent: 2 configured + 2 discovered
    assert budget.admit(configured=True) == HUB_PRIORITY  # named by the operator: always requested
    assert budget.refuse("sitemap", 3) is True and budget.refuse("listing") is False  # said once
    assert budget.cut == {"sitemap": 3, "listing": 1}
    assert budget.children_to_read(50_000) == 2 and budget.children_to_read(1) == 1
    unlimited = HubBudget(HubBudgetConfig(max_requests=0, max_child_sitemaps=0))
    priorities = [unlimited.admit() for _ in range(2000)]
    assert None not in priorities and unlimited.children_to_read(50_000) == 50_000
    assert priorities[10] == -1 and min(priorities) == -1000  # below hub-listed articles (0), floored


def test_budget_settings_are_validated() -> None:
    config = HubBudgetConfig.from_settings(Settings({}))
    assert (config.max_requests, config.max_child_sitemaps) == (500, 50)
    with pytest.raises(ValueError, match="NEWSMON_MAX_HUB_REQUESTS"):
        HubBudgetConfig.from_settings(Settings({"NEWSMON_MAX_HUB_REQUESTS": -1}))


# --- crawls -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server() -> Any:
    with build_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def capped(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[CrawlResult, list[str]]:
    """Default budgets, the 50,000-child index and the bomb as configured sitemaps, 20 s at most."""
    start = len(server.hits)
    result = fault_crawl(
        server,
        tmp_path_factory.mktemp("capped"),
        settings=("CLOSESPIDER_TIMEOUT=20",),
        args=("-a", f"sitemaps={INDEX},{BOMB}"),
    )
    assert result.returncode == 0, result.log[-3000:]
    return result, hits(server)[start:]


@pytest.fixture(scope="module")
def budgeted(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[CrawlResult, list[str]]:
    """No cap per index; a run budget of 40 hub requests. Paced like a polite crawl (one connection, a short
    delay): Scrapy hands up to CONCURRENT_REQUESTS queued requests to the downloader at once, so with 16 and
    an unthrottled local server the first ~16-30 children leave the queue before the first child is parsed
    and its articles queued; priorities order what is still queued. The run ends on its own (78 articles);
    CLOSESPIDER_TIMEOUT is a safety net only (20 s cut it at 36 sitemaps once, at load average 15-17)."""
    start = len(server.hits)
    settings = ("NEWSMON_MAX_CHILD_SITEMAPS=0", "NEWSMON_MAX_HUB_REQUESTS=40")
    result = fault_crawl(
        server,
        tmp_path_factory.mktemp("budgeted"),
        settings=("CLOSESPIDER_TIMEOUT=90", "CONCURRENT_REQUESTS=1", "DOWNLOAD_DELAY=0.02", *settings),
        args=("-a", f"sitemaps={INDEX}"),
    )
    assert result.returncode == 0, result.log[-3000:]
    return result, hits(server)[start:]


@pytest.mark.crawl
def test_big_index_no_longer_starves_articles(capped: tuple[CrawlResult, list[str]]) -> None:
    crawl, paths = capped
    print(measured(paths))
    assert crawl.stats["finish_reason"] == "finished", crawl.stats["finish_reason"]  # not the 20 s limit
    children = [child_of(p) for p in sitemap_hits(paths) if p != INDEX]
    assert sitemap_hits(paths).count(INDEX) == 1 and len(children) == 50  # NEWSMON_MAX_CHILD_SITEMAPS
    assert set(children) == newest(50)  # by <lastmod>: the index lists them oldest first
    # the newest are fetched first: the scheduler hands them to the downloader newest first (proved in
    # process by test_index_children_leave_the_scheduler_newest_first), but up to CONCURRENT_REQUESTS are in
    # flight at once (Scrapy's downloader starts a whole queued burst before any transfer counts against
    # CONCURRENT_REQUESTS_PER_DOMAIN), so the server may receive those in any order (49999, 49998, 49991...
    # under load). What holds in any timing: the child sent k-th newest is fetched only once fewer than
    # CONCURRENT_REQUESTS requests are in flight, so at least k - CONCURRENT_REQUESTS newer ones had been
    # answered (received) before it. Oldest first, or an order not by <lastmod>, breaks this at once.
    window = project_settings.CONCURRENT_REQUESTS
    late = [(i, c) for i, c in enumerate(children) if CHILDREN - 1 - c >= i + window]
    assert not late, (late[:4], children[:8])
    # every article of those 50 children, then records: 100 + the one the bomb listed before its padding
    assert len(set(article_hits(paths))) == 100
    assert crawl.stats["item_scraped_count"] == 101
    assert crawl.stats["newsmon/request/plain/article"] == 101
    # articles did not wait for the last sitemap: they interleave
    first_article = next(i for i, p in enumerate(paths) if _ARTICLE.match(p))
    last_sitemap = max(i for i, p in enumerate(paths) if child_of(p) is not None)
    assert first_article < last_sitemap, measured(paths[: last_sitemap + 1])


def test_index_children_leave_the_scheduler_newest_first() -> None:
    """The order the crawl sends an index's children in, without the network: the spider's requests for an
    index listing them oldest first, through Scrapy's own scheduler (its priority queue, LIFO within one
    priority), come out newest first by <lastmod> (strictly decreasing priorities from HubBudget.admit)."""
    spider = make_spider()
    url = f"{MIRROR}{INDEX}"
    request = Request(url, meta={META_SITEMAP_LEVEL: 1})
    body = index_body(MIRROR, 60)  # more than NEWSMON_MAX_CHILD_SITEMAPS: the 50 newest are kept
    requests = list(spider.parse_sitemap(XmlResponse(url, body=body, request=request)))
    crawler = spider.crawler
    crawler.engine = ExecutionEngine(crawler, lambda _: None)  # its downloader: no requests in flight
    scheduler = load_object(crawler.settings["SCHEDULER"]).from_crawler(crawler)
    scheduler.open(spider)
    for child in requests:
        assert scheduler.enqueue_request(child)
    sent = [child_of(urlsplit(r.url).path) for r in iter(scheduler.next_request, None)]
    assert sent == list(range(59, 9, -1))


@pytest.mark.crawl
def test_cut_children_are_counted_and_said_once(capped: tuple[CrawlResult, list[str]]) -> None:
    crawl, _ = capped
    assert crawl.stats["newsmon/sitemap/children_cut"] == CHILDREN - 50
    (line,) = warnings_about(crawl.log, "NEWSMON_MAX_CHILD_SITEMAPS")
    assert f"lists {CHILDREN} child sitemaps; reading the newest 50" in line
    assert "newsmon/hub/budget_cut" not in crawl.stats  # 53 hub requests: well within 500


@pytest.mark.crawl
def test_gzip_bomb_sitemap_is_cut_counted_and_said_once(capped: tuple[CrawlResult, list[str]]) -> None:
    crawl, paths = capped
    assert crawl.stats["newsmon/sitemap/too_large"] == 1
    (line,) = warnings_about(crawl.log, BOMB)
    assert "unpacks to more than 64 MiB" in line and "keeping its 1 entries" in line
    assert "Traceback" not in crawl.log and "_DecompressionMaxSizeExceeded" not in crawl.log
    assert "spider_exceptions" not in " ".join(crawl.stats)
    assert "/2026/03/11/before-the-bomb/" in paths  # what it listed before the padding is kept


@pytest.mark.crawl
def test_run_budget_bounds_sitemap_requests_newest_first(budgeted: tuple[CrawlResult, list[str]]) -> None:
    crawl, paths = budgeted
    print(measured(paths))
    sitemaps = sitemap_hits(paths)
    children = [child_of(p) for p in sitemaps if p != INDEX]
    assert len(sitemaps) == 40  # the index (configured) + 39 children: NEWSMON_MAX_HUB_REQUESTS
    assert set(children) == newest(39)
    assert crawl.stats["newsmon/hub/budget_cut"] == crawl.stats["newsmon/hub/budget_cut/sitemap"]
    assert crawl.stats["newsmon/hub/budget_cut"] == CHILDREN - 39
    (line,) = warnings_about(crawl.log, "NEWSMON_MAX_HUB_REQUESTS")
    assert line.endswith(
        "Hub budget spent: 40 hub requests this run (NEWSMON_MAX_HUB_REQUESTS); further listing pages and "
        "sitemaps are not requested (counted as newsmon/hub/budget_cut)"
    )
    assert crawl.stats["item_scraped_count"] == 78 == len(set(article_hits(paths)))
    # the first 9 children queue above articles, later ones below the articles already found: after the
    # first few sitemaps, articles and sitemaps alternate (S = sitemap, a = article, in request order)
    order = "".join("S" if p in sitemaps else "a" for p in paths if p in sitemaps or _ARTICLE.match(p))
    assert order.index("a") <= 12, order
    assert max(len(run) for run in order[order.index("a") :].split("a")) <= 3, order
