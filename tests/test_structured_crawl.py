"""Escalation by evidence in a real crawl (`scrapy crawl news` with real Chromium): invented script-built
articles whose static container is empty (or short) among 70+ words of standfirst, caption, byline, tags and
teasers.

- the story is in the page's embedded state (``__NEXT_DATA__``, rendered by an inline script): the record is
  PLAIN, its body the full story read from the data (``body_source`` "embedded"), no browser started for it;
- the story comes only from an external script (no usable data in the page): the page is escalated
  (``js_shell``) and the record is the page Chromium rendered, with the full story;
- two paragraphs are served and a script adds the rest, the story's length declared in JSON-LD
  ``wordCount``: escalated (``short_body``) and rendered whole.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from newsmon.fetch.browser import find_chromium
from newsmon.schema import record_errors
from tests.crawl_helpers import CrawlResult, run_crawl
from tests.othersites import script_site
from tests.site_server import SiteServer

pytestmark = [
    pytest.mark.crawl,
    pytest.mark.skipif(
        find_chromium() is None and not os.environ.get("NEWSMON_CI"),
        reason="no Chromium: apt-get install chromium (make install does it when it can)",
    ),
]
STORY = [*script_site.PARAGRAPHS[:3], script_site.SUBHEAD, *script_site.PARAGRAPHS[3:]]
NOT_STORY = [
    script_site.SUMMARY,
    script_site.CAPTION,
    *(t["description"] for t in script_site.TEASERS),
    *(t["headline"] for t in script_site.TEASERS),
    "All rights reserved",
]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[CrawlResult, list[str]]:
    workdir = tmp_path_factory.mktemp("structured")
    config = workdir / "orrinvale.toml"
    config.write_text(script_site.CONFIG, encoding="utf-8")
    with SiteServer(script_site.handle) as server:
        result = run_crawl(
            server.base_url,
            workdir,
            "-a",
            f"site={config}",
            "-a",
            f"urls={script_site.FROM_DATA},{script_site.FROM_SCRIPT},{script_site.FROM_PARTIAL}",
            "-s",
            "NEWSMON_TIER_REMEMBER_AFTER=0",
            spider="news",
        )
        paths = server.paths()
    assert result.returncode == 0, result.log[-3000:]
    return result, paths


def record(result: CrawlResult, path: str) -> dict[str, Any]:
    found = result.by_path().get(path, [])
    assert len(found) == 1, (path, sorted(result.by_path()))
    return found[0]


def test_story_in_the_embedded_state_is_read_on_plain(crawl: tuple[CrawlResult, list[str]]) -> None:
    result, paths = crawl
    item = record(result, script_site.FROM_DATA)
    assert (item["fetcher_tier"], item["fetch_reason"], item["body_source"]) == ("PLAIN", None, "embedded")
    assert item["body"].split("\n\n") == STORY
    assert record_errors(item) == []
    assert paths.count(script_site.FROM_DATA) == 1  # never fetched again by the browser


def test_story_only_a_script_writes_is_rendered_in_the_browser(crawl: tuple[CrawlResult, list[str]]) -> None:
    result, paths = crawl
    item = record(result, script_site.FROM_SCRIPT)
    assert (item["fetcher_tier"], item["fetch_reason"], item["body_source"]) == (
        "STEALTHY",
        "js_shell",
        "html",
    )
    assert item["body"].split("\n\n") == [*STORY, script_site.UPDATE]
    assert record_errors(item) == []
    assert script_site.STORY_SCRIPT in paths  # Chromium ran the page's script
    assert result.stats["newsmon/tier/escalated/js_shell"] == 1


def test_a_body_short_of_its_declared_length_is_rendered_in_the_browser(
    crawl: tuple[CrawlResult, list[str]],
) -> None:
    # two paragraphs (over the thin threshold) of a story whose JSON-LD wordCount is three times that
    result, paths = crawl
    item = record(result, script_site.FROM_PARTIAL)
    assert (item["fetcher_tier"], item["fetch_reason"], item["body_source"]) == (
        "STEALTHY",
        "short_body",
        "html",
    )
    assert item["body"].split("\n\n") == script_site.partial_story()
    assert script_site.PARTIAL_SCRIPT in paths
    assert result.stats["newsmon/tier/escalated/short_body"] == 1


def test_the_page_furniture_is_never_the_body(crawl: tuple[CrawlResult, list[str]]) -> None:
    result, _ = crawl
    assert len(result.records) == 3
    for item in result.records:
        for text in NOT_STORY:
            assert text not in item["body"], (item["url"], text)
