"""The record shows the shortest path to an article in any order of responses, redirects included.

A listing names an old slug (301 to the new one) and another article; that article's Read also block links
the new slug directly. The shortest path to the new slug is the listing's (hops 0, through the redirect);
the longer one is the Read also link (hops 1). Each order is forced by delaying one response.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import fault_crawl
from tests.faults.pages import article_html, listing_html
from tests.faults.server import FaultServer

pytestmark = pytest.mark.crawl

LISTING = "/category/news/"
OLD = "/2026/03/10/ferry-schedule-old-slug/"
NEW = "/2026/03/10/ferry-schedule/"
OTHER = "/2026/03/11/harbour-crane/"
SLOW = 1.5  # seconds: long enough for the other path's responses to be parsed first
FERRY = tuple(
    f"The river ferry timetable changes on day {n} of the spring season, with an extra crossing at dusk for "
    "the market traders who bring their stalls across before the bridge closes to lorries."
    for n in range(1, 5)
)
CRANE = tuple(
    f"Harbour crane number {n} was lifted back onto its rails after the winter storm, and the dock workers "
    "say the repaired cabin now has heating for the first time since it was installed."
    for n in range(1, 5)
)


def build_server(slow: str) -> FaultServer:
    def delayed(path: str, send: Any) -> Any:
        def route(h: Any, n: int) -> None:
            if path == slow:
                time.sleep(SLOW)
            send(h)

        return route

    server = FaultServer()
    server.routes[LISTING] = lambda h, n: h.send_body(200, listing_html([OLD, OTHER]))
    server.routes[OLD] = delayed(OLD, lambda h: h.redirect(NEW, 301))
    server.routes[NEW] = delayed(
        NEW, lambda h: h.send_body(200, article_html("Ferry schedule", paragraphs=FERRY).encode())
    )
    other = article_html("Harbour crane", paragraphs=CRANE, read_also=((NEW, "Ferry schedule"),)).encode()
    server.routes[OTHER] = delayed(OTHER, lambda h: h.send_body(200, other))
    return server


@pytest.mark.parametrize("slow", [OLD, OTHER, NEW], ids=["redirect_slow", "other_slow", "target_slow"])
def test_the_shortest_path_wins_in_any_response_order(tmp_path: Path, slow: str) -> None:
    with build_server(slow) as server:
        result = fault_crawl(server, tmp_path, categories=LISTING)
    assert result.returncode == 0, result.log[-3000:]
    by_path = result.by_path()
    assert sorted(by_path) == sorted([NEW, OTHER])
    (record,) = by_path[NEW]
    listing = server.base_url + LISTING
    assert (record["discovered_via"], record["depth"], record["referrer"]) == ("category", 1, listing)
    assert server.count(NEW) == 1  # fetched once: the Read also link's request was a duplicate
    if slow == OLD:  # the Read also link was found first: it waited for the listing's level to be answered
        assert result.stats["newsmon/link/level_released"] >= 1
