"""The hubs verdict says what happened: a run with no network (a closed port, a host that does not resolve)
is "unreachable" (exit 6), not "blocked" (4); an empty feed document only warns (exit 0); a page that is not
a feed is "not a feed" (exit 3); a JSON Feed is read like RSS (records with discovered_via json_feed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsmon.monitors.checks import EXIT_MONITORS_FAILED, EXIT_UNREACHABLE
from newsmon.schema import record_errors
from tests.crawl_helpers import CrawlResult, run_crawl
from tests.faults.conftest import FAULT_SETTINGS, fault_crawl, warnings_about
from tests.faults.pages import PARAGRAPHS, article_html
from tests.faults.server import FaultServer
from tests.ports import refused_port

pytestmark = pytest.mark.crawl

D = "/2026/03/11"


def monitor_lines(log: str) -> list[str]:
    return [line.split("] ", 1)[1] for line in log.splitlines() if "[newsmon.monitors.extension]" in line]


def crawl_nowhere(base_url: str, workdir: Path) -> CrawlResult:
    """The site's own hubs (a feed and a category listing) at an origin nothing answers on."""
    settings = [arg for setting in FAULT_SETTINGS for arg in ("-s", setting)]
    return run_crawl(base_url, workdir, *settings, timeout=120)


@pytest.mark.parametrize(
    ("origin", "reason"),
    [(f"http://127.0.0.1:{refused_port()}", "connection_refused"), ("http://newsmon-test.invalid", "dns")],
    ids=["closed-port", "no-dns"],
)
def test_no_network_is_unreachable_not_blocked(tmp_path: Path, origin: str, reason: str) -> None:
    result = crawl_nowhere(origin, tmp_path)
    assert result.returncode == EXIT_UNREACHABLE, result.log[-3000:]
    assert result.stats["newsmon/feed/failed/" + reason] == 1
    assert result.stats["newsmon/listing/failed/" + reason] == 1
    lines = monitor_lines(result.log)
    hubs = next(line for line in lines if "Monitor hubs" in line)
    assert hubs == (
        f"ERROR: Monitor hubs: FAIL - unreachable: every hub failed ({reason}: 2), none listed an article: "
        "no network, or the site is down"
    )
    assert not any("blocked" in line for line in lines), lines
    assert any(line.startswith("ERROR: Monitors failed (exit status 6)") for line in lines), lines


def feed_server() -> FaultServer:
    server = FaultServer()
    base = server.base_url
    stories = [f"{D}/json-one/", f"{D}/json-two/"]
    for path in stories:
        page = article_html(f"Story {path}", paragraphs=(f"Story {path}.", *PARAGRAPHS)).encode()
        server.routes[path] = lambda h, n, page=page: h.send_body(200, page)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Fault feed",
        "items": [
            {"id": "1", "url": base + stories[0], "title": "One", "date_published": "2026-03-11T10:00:00Z"},
            {"id": "2", "url": stories[1], "title": "Two"},  # relative
        ],
    }
    json_feed = json.dumps(feed).encode()
    server.routes["/feed.json"] = lambda h, n: h.send_body(200, json_feed, "application/feed+json")
    server.routes["/empty.xml"] = lambda h, n: h.send_body(200, b"", "application/rss+xml")
    server.routes["/declaration.xml"] = lambda h, n: h.send_body(200, b'<?xml version="1.0"?>\n', "text/xml")
    server.routes["/html.xml"] = lambda h, n: h.send_body(200, b"<html><body><p>Not a feed</p></body></html>")
    return server


@pytest.fixture(scope="module")
def server() -> object:
    with feed_server() as srv:
        yield srv


def test_json_feed_is_read_like_rss(server: FaultServer, tmp_path: Path) -> None:
    result = fault_crawl(server, tmp_path, feeds="/feed.json")
    assert result.returncode == 0, result.log[-3000:]
    assert sorted(result.by_path()) == [f"{D}/json-one/", f"{D}/json-two/"]
    assert {r["discovered_via"] for r in result.records} == {"json_feed"}
    assert all(record_errors(r) == [] for r in result.records)
    assert result.stats["newsmon/feed/entries"] == 2 and "newsmon/feed/not_a_feed" not in result.stats
    assert result.stats["newsmon/monitor/hubs"] == "pass"


def test_empty_feed_documents_only_warn(server: FaultServer, tmp_path: Path) -> None:
    result = fault_crawl(server, tmp_path, feeds="/empty.xml,/declaration.xml")
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["newsmon/feed/empty"] == 2 and "newsmon/feed/not_a_feed" not in result.stats
    for path in ("/empty.xml", "/declaration.xml"):
        (line,) = warnings_about(result.log, path)
        assert "yielded no entries (empty document)" in line
    hubs = next(line for line in monitor_lines(result.log) if "Monitor hubs" in line)
    assert hubs.startswith("WARNING: Monitor hubs: WARN - the hubs answered but listed no article"), hubs


def test_html_instead_of_a_feed_is_not_a_feed(server: FaultServer, tmp_path: Path) -> None:
    result = fault_crawl(server, tmp_path, feeds="/html.xml")
    assert result.returncode == EXIT_MONITORS_FAILED, result.log[-3000:]
    hubs = next(line for line in monitor_lines(result.log) if "Monitor hubs" in line)
    assert hubs.startswith("ERROR: Monitor hubs: FAIL - not a feed: every hub failed (not a feed: 1)"), hubs
