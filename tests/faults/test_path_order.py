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
from tests.faults.pages import article_html, listing_html, rss
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


# --- issue 20, case 10: equally short paths follow a fixed rule ------------------------------------------
FEED = "/feed/"
SHARED = "/2026/03/12/bridge-repairs/"  # listed by the feed and the listing (hops 0)
FIRST = "/2026/03/12/first-story/"  # both link TARGET in their Read also block (hops 1)
SECOND = "/2026/03/12/second-story/"
TARGET = "/2026/03/12/tram-depot/"
BRIDGE = tuple(
    f"The old stone bridge gets new railings in week {n}, and the council asks cyclists to use the ferry "
    "while the crane barges sit under the middle arch for the rest of the month."
    for n in range(1, 5)
)
TRAM = tuple(
    f"The tram depot opens its doors on open day {n}, with the restored carriages parked along the yard and "
    "a volunteer driver explaining how the brakes worked before the line was electrified."
    for n in range(1, 5)
)


def story(title: str, n: int) -> bytes:
    paragraphs = tuple(f"{title} paragraph {i}: " + BRIDGE[i - 1] for i in range(1, 5))
    return article_html(title, paragraphs=paragraphs, read_also=((TARGET, "Tram depot"),)).encode()


def equal_paths_server(slow: str) -> FaultServer:
    def route(path: str, send: Any) -> Any:
        def serve(h: Any, n: int) -> None:
            if path == slow:
                time.sleep(SLOW)
            send(h)

        return serve

    server = FaultServer()
    bodies = {
        FEED: (lambda h: h.send_body(200, rss([SHARED, FIRST]), "application/rss+xml")),
        LISTING: (lambda h: h.send_body(200, listing_html([SHARED, SECOND]))),
        SHARED: (lambda h: h.send_body(200, article_html("Bridge repairs", paragraphs=BRIDGE).encode())),
        FIRST: (lambda h: h.send_body(200, story("First story", 1))),
        SECOND: (lambda h: h.send_body(200, story("Second story", 2))),
        TARGET: (lambda h: h.send_body(200, article_html("Tram depot", paragraphs=TRAM).encode())),
    }
    for path, send in bodies.items():
        server.routes[path] = route(path, send)
    return server


@pytest.mark.parametrize("slow", [FEED, LISTING, FIRST, SECOND], ids=["feed", "listing", "first", "second"])
def test_equally_short_paths_give_the_same_record_in_any_response_order(tmp_path: Path, slow: str) -> None:
    """The feed and the listing both list SHARED (hops 0); FIRST and SECOND both link TARGET (hops 1).
    Whichever of each pair answers first, the records show the path the rule puts first: a feed entry
    (rss) before a listing (category), and the Read also link of the referrer URL that sorts first."""
    with equal_paths_server(slow) as server:
        result = fault_crawl(server, tmp_path, feeds=FEED, categories=LISTING)
    assert result.returncode == 0, result.log[-3000:]
    by_path = result.by_path()
    assert sorted(by_path) == sorted([SHARED, FIRST, SECOND, TARGET])
    base = server.base_url
    (shared,) = by_path[SHARED]
    assert (shared["discovered_via"], shared["depth"], shared["referrer"]) == ("rss", 1, base + FEED)
    (target,) = by_path[TARGET]
    assert (target["discovered_via"], target["depth"], target["referrer"]) == ("read_also", 2, base + FIRST)
    assert server.count(SHARED) == 1 and server.count(TARGET) == 1
