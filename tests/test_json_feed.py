"""JSON Feed 1.0 / 1.1 (https://www.jsonfeed.org/version/1.1/) read into the same entries as RSS and Atom,
told apart by the body (whatever the Content-Type); empty documents are empty feeds, not "not a feed"."""

from __future__ import annotations

import json
from typing import Any

import pytest

from newsmon.discovery.feeds import parse_feed
from newsmon.schema import record_errors

FEED_1_1: dict[str, Any] = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Invented Daily",
    "home_page_url": "https://news.example/",
    "feed_url": "https://news.example/feed.json",
    "items": [
        {
            "id": "1",
            "url": "https://news.example/2026/03/01/dam-report/",
            "title": "Dam inspectors file their report",
            "content_html": "<p>Report.</p>",
            "date_published": "2026-03-01T10:15:00+02:00",
        },
        {"id": "2", "url": "/2026/03/02/relative/", "date_modified": "2026-03-02T08:00:00Z"},
        {"id": "3", "external_url": "https://elsewhere.example/linked/", "title": "A link post"},
        {"id": "4", "url": "https://news.example/2026/03/01/dam-report/", "title": "Duplicate"},
        {"id": "5", "content_text": "no URL at all"},
        {"id": "6", "url": 42},
        "not an object",
    ],
}


def body(feed: dict[str, Any]) -> bytes:
    return json.dumps(feed).encode()


def test_json_feed_1_1_items_become_entries() -> None:
    result = parse_feed(body(FEED_1_1), "https://news.example/feed.json", "application/feed+json")
    assert result.kind == "json" and result.discovered_via == "json_feed"
    assert result.bozo_reason is None and result.dropped == 0
    assert [(e.url, e.title, e.published_at) for e in result.entries] == [
        ("https://news.example/2026/03/01/dam-report/", "Dam inspectors file their report",
         "2026-03-01T08:15:00+00:00"),
        ("https://news.example/2026/03/02/relative/", None, "2026-03-02T08:00:00+00:00"),
        ("https://elsewhere.example/linked/", "A link post", None),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "content_type", ["application/feed+json", "application/json; charset=utf-8", "text/plain", None]
)
def test_json_feed_1_0_is_told_by_its_body(content_type: str | None) -> None:
    feed = {**FEED_1_1, "version": "https://jsonfeed.org/version/1"}
    raw = b"\xef\xbb\xbf  \n" + json.dumps(feed, indent=2).replace("/", "\\/").encode()  # BOM, escaped /
    result = parse_feed(raw, "https://news.example/feed.json", content_type)
    assert result.kind == "json" and len(result.entries) == 3


def test_other_json_is_not_a_feed() -> None:
    api = body({"posts": [{"link": "https://news.example/a/"}]})
    assert parse_feed(api, "https://news.example/wp-json/", "application/json").kind == ""
    # application/feed+json says it is one even without the version member
    unversioned = {k: v for k, v in FEED_1_1.items() if k != "version"}
    assert parse_feed(body(unversioned), "https://news.example/f", "application/feed+json").kind == "json"


def test_broken_json_feed_is_reported_not_raised() -> None:
    cut = body(FEED_1_1)[:200]
    result = parse_feed(cut, "https://news.example/feed.json", "application/feed+json")
    assert result.kind == "json" and result.bozo_reason and "JSONDecodeError" in result.bozo_reason
    deep = (
        b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    )
    result = parse_feed(deep, "https://news.example/feed.json")
    assert result.bozo_reason and not result.entries
    no_items = parse_feed(body({"version": "https://jsonfeed.org/version/1.1", "items": {}}), "https://x/f")
    assert no_items.kind == "json" and no_items.bozo_reason == "JSON Feed without an items list"


def test_json_feed_entries_are_capped() -> None:
    many = {**FEED_1_1, "items": [{"id": str(i), "url": f"/a/{i}/"} for i in range(5000)]}
    result = parse_feed(body(many), "https://news.example/feed.json", max_entries=1000)
    assert len(result.entries) == 1000 and result.dropped == 4000


@pytest.mark.parametrize(
    "raw", [b"", b"   \r\n", b"\xef\xbb\xbf", b'<?xml version="1.0" encoding="utf-8"?>\n']
)
def test_an_empty_document_is_an_empty_feed(raw: bytes) -> None:
    result = parse_feed(raw, "https://news.example/feed/", "application/rss+xml")
    assert result.empty_document and result.kind == "" and not result.entries and result.bozo_reason is None


def test_json_feed_is_a_valid_discovered_via() -> None:
    from tests.test_record_and_render import make_record

    assert record_errors({**make_record(), "discovered_via": "json_feed"}) == []
    assert record_errors({**make_record(), "discovered_via": "jsonfeed"}) != []
