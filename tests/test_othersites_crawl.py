"""New sites by configuration only: `scrapy crawl news -a site=FILE.toml` on an Atom-only site and on a
sitemap-only, JavaScript-rendered site, compared with their truth."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsmon.fetch.browser import find_chromium
from newsmon.schema import record_errors
from tests.crawl_helpers import CrawlResult, run_crawl
from tests.othersites import atom_site, sitemap_site

pytestmark = pytest.mark.crawl
needs_browser = pytest.mark.skipif(
    find_chromium() is None and not os.environ.get("NEWSMON_CI"),
    reason="no Chromium: apt-get install chromium (the sitemap site renders its articles with JavaScript)",
)


def crawl_site(module: ModuleType, workdir: Path) -> tuple[CrawlResult, Any, list[str]]:
    site = module.build_site()
    with module.serve(site) as server:
        result = run_crawl(server.base_url, workdir, "-a", f"site={module.CONFIG}", spider="news")
        requested = server.paths()
    assert result.returncode == 0, result.log[-3000:]
    return result, site, requested


def same_instant(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return datetime.fromisoformat(a) == datetime.fromisoformat(b)


def check_against_truth(result: CrawlResult, site: Any) -> None:
    expected = site.expected_by_path()
    by_path = {urlsplit(r["canonical_url"]).path: r for r in result.records}
    assert sorted(by_path) == sorted(expected)
    assert len(result.records) == len(expected)  # each article once
    problems: dict[str, list[str]] = {}
    for path, truth in expected.items():
        record = by_path[path]
        found = []
        assert record_errors(record) == [], path
        for name in ("title", "subtitle", "discovered_via", "fetcher_tier", "depth"):
            if record[name] != getattr(truth, name):
                found.append(f"{name}: {record[name]!r} != {getattr(truth, name)!r}")
        if tuple(record["authors"]) != truth.authors:
            found.append(f"authors: {record['authors']} != {truth.authors}")
        if not same_instant(record["published_at"], truth.published_at):
            found.append(
                f"published_at ({truth.published_from}): {record['published_at']} != {truth.published_at}"
            )
        related = tuple((urlsplit(i["url"]).path, i["title"]) for i in record["read_also"])
        if related != truth.read_also:
            found.append(f"read_also: {related} != {truth.read_also}")
        missing = [p for p in (*truth.body_phrases, *truth.tail_phrases) if p not in record["body"]]
        leaked = [p for p in truth.boilerplate_phrases if p in record["body"]]
        if missing or leaked:
            found.append(f"body: missing {missing}, boilerplate {leaked}")
        if found:
            problems[path] = found
    assert problems == {}
    never = set(site.never_record_paths())
    assert not never & set(by_path)
    assert not set(site.unreachable_paths()) & set(by_path)


def test_atom_only_site_by_config(tmp_path: Path) -> None:
    result, site, requested = crawl_site(atom_site, tmp_path)
    check_against_truth(result, site)
    assert {r["discovered_via"] for r in result.records} == {"atom", "read_also"}
    assert result.stats["newsmon/link/hub_skipped"] >= 1  # the feed lists a topic hub
    assert not any(p.startswith(("/topics/", "/people/")) for p in requested)


@needs_browser
def test_sitemap_only_js_site_by_config(tmp_path: Path) -> None:
    result, site, requested = crawl_site(sitemap_site, tmp_path)
    check_against_truth(result, site)
    stats = result.stats
    assert stats["newsmon/robots/sitemaps"] == 1
    assert stats["newsmon/sitemap/not_article_url"] >= 3  # about, contact, a section: never fetched
    # every article needed the browser: first as JS shells, then (host remembered) straight away
    reasons = ("js_shell", "host_memory")
    assert sum(stats.get(f"newsmon/tier/stealthy/{r}", 0) for r in reasons) == len(site.expected_by_path())
    assert sitemap_site.NEWS_SITEMAP_PATH in requested and sitemap_site.PAGES_SITEMAP_PATH in requested
    assert not any(p.startswith(("/about", "/contact", "/sections/")) for p in requested)
    from_sitemap = [e for e in site.expected_by_path().values() if e.published_from == "sitemap"]
    assert from_sitemap, "the site should have articles dated only by the news sitemap"
