"""Tiered fetching with real Chromium against the replica's guarded section: escalation, host memory,
stealth, browser crashes and no leftover browser processes."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsmon.fetch.browser import find_chromium
from tests.browser_helpers import WatchedCrawl, kill_all, watch_crawl
from tests.crawl_helpers import ROOT, CrawlResult, only_urls, run_crawl
from tests.replica.content import protected_site
from tests.replica.server import ReplicaServer, RequestRecord

pytestmark = [
    pytest.mark.crawl,
    # in CI (NEWSMON_CI=1, set by .ci/run) a missing Chromium fails these tests instead of skipping them
    pytest.mark.skipif(
        find_chromium() is None and not os.environ.get("NEWSMON_CI"),
        reason="no Chromium: apt-get install chromium (make install does it when it can)",
    ),
]
CATEGORIES = ("-a", "categories=/category/news-ukraine/,/category/investigations/")
NO_MEMORY = ("-s", "NEWSMON_TIER_REMEMBER_AFTER=0")
# the listings' first pages and their articles, no related links: a crawl with hubs and articles in
# Chromium at half the pages (each page in Chromium is CPU), for tests not about the whole site
SMALL_CRAWL = ("-a", "follow_depth=0", "-a", "max_pages=1")
# extraction in the crawl process (run_crawl's default; watch_crawl keeps newsmon's worker) for the PLAIN-only
# crawls, whose process trees are looked at for a browser, not for the worker (one spawn less each)
NO_WORKER = ("-s", "NEWSMON_EXTRACT_WORKERS=0")


def from_browser(request: RequestRecord) -> bool:
    """Chromium sends fetch metadata headers on navigations; Scrapy's client does not."""
    return any(k.lower() == "sec-fetch-mode" for k in request.headers)


def page_requests(replica: ReplicaServer, browser: bool) -> list[str]:
    """Article and listing paths requested by one tier (robots.txt, feeds and images left out)."""
    return [
        r.path
        for r in replica.requests
        if from_browser(r) == browser and (r.path.startswith("/category/") or r.path[1:5].isdigit())
    ]


@pytest.fixture(scope="module")
def guarded() -> Any:
    with ReplicaServer(site=protected_site()) as server:
        yield server


@pytest.fixture(scope="module")
def tier_crawl(guarded: ReplicaServer, tmp_path_factory: pytest.TempPathFactory) -> WatchedCrawl:
    watched = watch_crawl(guarded.base_url, tmp_path_factory.mktemp("tiers"), *CATEGORIES, *NO_MEMORY)
    assert watched.result.returncode == 0, watched.result.log[-3000:]
    return watched


def by_slug(result: CrawlResult) -> dict[str, dict[str, Any]]:
    return {urlsplit(r["canonical_url"]).path.split("/")[4]: r for r in result.records}


def test_guarded_articles_come_back_complete_from_the_browser(
    tier_crawl: WatchedCrawl, guarded: ReplicaServer
) -> None:
    site = guarded.site
    records = by_slug(tier_crawl.result)
    assert sorted(a.slug for a in site.expected_articles()) == sorted(records)
    expected_reason = {
        **dict.fromkeys(site.roles["cookie_challenge"], "challenge_403"),
        **dict.fromkeys(site.roles["challenge_200"], "challenge_200"),
        **dict.fromkeys(site.roles["js_body"], "js_shell"),
    }
    for slug, record in records.items():
        expected = site.expected(slug)
        if slug in expected_reason:
            assert (record["fetcher_tier"], record["fetch_reason"]) == ("STEALTHY", expected_reason[slug]), (
                slug
            )
        else:
            assert (record["fetcher_tier"], record["fetch_reason"]) == ("PLAIN", None), slug
        assert record["http_status"] == 200
        assert record["title"] == expected.title
        assert tuple(record["authors"]) == expected.authors
        assert record["published_at"] == expected.published_at
        for phrase in (*expected.body_phrases, *expected.tail_phrases):
            assert phrase in record["body"], (slug, phrase)
        assert "Checking your browser" not in "\n".join(record["content"])


def test_a_challenge_page_is_never_a_record(tier_crawl: WatchedCrawl) -> None:
    for record in tier_crawl.result.records:
        assert not (record["title"] or "").lower().startswith("just a moment")
        assert "Enable JavaScript and cookies" not in "\n".join(record["content"])
    stats = tier_crawl.result.stats
    assert stats["newsmon/tier/escalated/challenge_403"] == 3  # the listing and its two articles
    assert stats["newsmon/tier/escalated/challenge_200"] == 1
    assert stats["newsmon/tier/escalated/js_shell"] == 1
    assert stats["newsmon/tier/stealthy_ok"] == 5
    assert not any(k.startswith("newsmon/tier/blocked") for k in stats)


def test_ordinary_pages_are_fetched_once_on_plain(tier_crawl: WatchedCrawl, guarded: ReplicaServer) -> None:
    browser_paths = set(page_requests(guarded, browser=True))
    guarded_paths = {guarded.site.article(s).path for s in guarded.site.roles["cookie_challenge"]}
    assert browser_paths <= guarded_paths | {
        guarded.site.article(s).path
        for role in ("challenge_200", "js_body")
        for s in guarded.site.roles[role]
    } | {"/category/investigations/"}
    plain = page_requests(guarded, browser=False)
    assert len(plain) == len(set(plain))  # nothing fetched twice on PLAIN


def test_no_browser_process_outlives_the_crawl(tier_crawl: WatchedCrawl) -> None:
    assert tier_crawl.browsers_seen, "the crawl should have started Chromium"
    assert tier_crawl.drivers_seen, "and Playwright's driver before it"
    assert tier_crawl.leftover_browsers() == set()


@pytest.fixture(scope="module")
def plain_replica() -> Any:
    with ReplicaServer() as server:
        yield server


@pytest.fixture(scope="module")
def auto_plain_crawl(plain_replica: ReplicaServer, tmp_path_factory: pytest.TempPathFactory) -> WatchedCrawl:
    """An auto-mode crawl of the replica, whose pages all come on PLAIN (the two tests below read it)."""
    return watch_crawl(
        plain_replica.base_url, tmp_path_factory.mktemp("auto"), "-a", "follow_depth=0", *NO_WORKER
    )


def test_plain_only_crawl_starts_no_browser(auto_plain_crawl: WatchedCrawl) -> None:
    """In auto mode the browser tier is wired in, but no page needs it: neither Chromium nor Playwright's
    driver starts (the driver starts at the first browser page, newsmon/fetch/browser_handler.py)."""
    watched = auto_plain_crawl
    assert watched.result.returncode == 0
    assert watched.result.records
    assert watched.browsers_seen == set()
    assert watched.drivers_seen == set()
    assert all(r["fetcher_tier"] == "PLAIN" for r in watched.result.records)


def test_a_site_whose_toml_says_plain_never_starts_playwright(
    plain_replica: ReplicaServer, auto_plain_crawl: WatchedCrawl, tmp_path: Path
) -> None:
    """The site's tier_mode reaches the browser add-on (newsmon/crawl/config.py), not only the middleware."""
    bundled = (ROOT / "newsmon" / "sites" / "euromaidan.toml").read_text(encoding="utf-8")
    site = tmp_path / "plain-site.toml"
    site.write_text(bundled.replace("[related]", 'tier_mode = "plain"\n\n[related]', 1), encoding="utf-8")
    plain = watch_crawl(
        plain_replica.base_url, tmp_path / "plain", "-a", f"site={site}", "-a", "follow_depth=0", *NO_WORKER
    )
    auto = auto_plain_crawl  # the same crawl in auto mode
    assert plain.result.returncode == 0, plain.result.log[-3000:]
    assert plain.result.records and plain.browsers_seen == set()
    assert "scrapy-playwright" not in plain.result.log  # no Playwright download handler, no driver
    assert "scrapy-playwright" in auto.result.log  # the same crawl in auto mode has one (the check sees it)


def test_host_memory_skips_plain_then_expires(tmp_path: Path) -> None:
    state = tmp_path / "state"
    common = ("-s", "NEWSMON_TIER_REMEMBER_AFTER=1", "-s", "NEWSMON_STATE_ENABLED=False")
    with ReplicaServer(site=protected_site()) as replica:
        first = run_crawl(
            replica.base_url, tmp_path / "run1", *CATEGORIES, *SMALL_CRAWL, *common, state_dir=state
        )
        assert first.returncode == 0, first.log[-2000:]
        assert first.stats["newsmon/tier/host_remembered"] == 1
        assert first.stats.get("newsmon/tier/stealthy/host_memory", 0) > 0
        # after the first escalation, pages of that host skip PLAIN: fewer PLAIN page requests than pages
        expected = {a.path for a in replica.site.expected_articles(0, max_pages=1)}
        assert {urlsplit(r["canonical_url"]).path for r in first.records} == expected
        assert len(set(page_requests(replica, browser=False))) < len(expected)

        # the later runs read the memory from their first page on: a few ordinary articles of the host tell
        # it as well as the whole site (each page in Chromium costs CPU)
        ordinary = sorted(a.path for a in replica.site.expected_articles() if not a.protection)[:3]
        replica.clear_requests()
        second = run_crawl(
            replica.base_url, tmp_path / "run2", *only_urls(*ordinary), *common, state_dir=state
        )
        assert second.returncode == 0
        assert page_requests(replica, browser=False) == []  # a later run starts in STEALTHY
        assert {r["fetch_reason"] for r in second.records} == {"host_memory"}
        assert sorted(urlsplit(r["canonical_url"]).path for r in second.records) == ordinary

        memory_file = state / "euromaidan.hosts.json"
        memory = json.loads(memory_file.read_text())
        for entry in memory.values():  # time passes: the memory expires
            entry["stealthy_until"] = "2000-01-01T00:00:00+00:00"
        memory_file.write_text(json.dumps(memory))
        replica.clear_requests()
        third = run_crawl(replica.base_url, tmp_path / "run3", *only_urls(*ordinary), *common,
                          "-s", "NEWSMON_TIER_REMEMBER_AFTER=0", state_dir=state)  # fmt: skip
        assert third.returncode == 0
        assert page_requests(replica, browser=False)  # PLAIN is tried again
        plain_records = [r for r in third.records if r["fetcher_tier"] == "PLAIN"]
        assert sorted(urlsplit(r["canonical_url"]).path for r in plain_records) == ordinary


def test_stealth_is_consistent_and_not_headless(tmp_path: Path) -> None:
    with ReplicaServer(site=protected_site()) as replica:
        probe = replica.site.article(replica.site.roles["js_probe"][0])
        result = run_crawl(replica.base_url, tmp_path, *only_urls(probe.path))
        requests = [r for r in replica.requests if r.path == probe.path]
    assert result.returncode == 0, result.log[-2000:]
    (record,) = result.records
    assert (record["fetcher_tier"], record["fetch_reason"]) == ("STEALTHY", "js_shell")
    line = next(line for line in record["content"] if line.startswith("BROWSER-REPORT "))
    report = json.loads(line.removeprefix("BROWSER-REPORT "))
    plain_request = next(r for r in requests if not from_browser(r))
    browser_request = next(r for r in requests if from_browser(r))
    headers = {k.lower(): v for k, v in browser_request.headers.items()}
    plain_ua = next(v for k, v in plain_request.headers.items() if k.lower() == "user-agent")
    assert report["webdriver"] is False
    assert report["userAgent"] == headers["user-agent"] == plain_ua
    for text in (report["userAgent"], headers.get("sec-ch-ua", ""), " ".join(report["brands"] or [])):
        assert "Headless" not in text and "Scrapy" not in text
    assert "X11; Linux x86_64" in report["userAgent"] and report["platform"] == "Linux x86_64"
    major = re.search(r"Chrome/(\d+)", report["userAgent"])
    assert major and any(major.group(1) in brand for brand in report["brands"] or [])
    assert report["vendor"] == "Google Inc."
    assert report["webgl"] in (None, "Google Inc. (Intel)")


def test_browser_crash_mid_crawl_loses_no_article(tmp_path: Path) -> None:
    with ReplicaServer(site=protected_site(), delay=0.15) as replica:
        kills: list[int] = []

        def kill_once_busy(browsers: set[int]) -> set[int]:
            if kills or len(page_requests(replica, browser=True)) < 4 or not browsers:
                return set()
            kills.append(len(browsers))
            return kill_all(browsers)

        watched = watch_crawl(
            replica.base_url,
            tmp_path,
            *CATEGORIES,
            *SMALL_CRAWL,
            "-s",
            "NEWSMON_TIER_MODE=stealthy",
            on_tick=kill_once_busy,
        )
        expected = {a.path for a in replica.site.expected_articles(0, max_pages=1)}
    result = watched.result
    assert kills, "the test should have killed Chromium mid-crawl"
    assert result.returncode == 0, result.log[-3000:]
    assert {urlsplit(r["canonical_url"]).path for r in result.records} == expected
    assert all(r["fetcher_tier"] == "STEALTHY" for r in result.records)
    assert result.stats["playwright/browser_count"] >= 2  # relaunched after the kill
    assert watched.leftover_browsers() == set()


def test_without_chromium_the_log_names_the_fix_and_nothing_bad_is_emitted(tmp_path: Path) -> None:
    with ReplicaServer(site=protected_site()) as replica:
        result = run_crawl(
            replica.base_url,
            tmp_path,
            *CATEGORIES,
            *NO_MEMORY,
            "-s",
            f"NEWSMON_CHROMIUM_PATH={tmp_path}/nope",
        )
        guarded = {a.path for a in replica.site.articles if a.protection}
    assert result.returncode == 0, result.log[-2000:]
    assert "STEALTHY tier unavailable" in result.log and "apt-get install chromium" in result.log
    assert result.stats["newsmon/tier/unavailable/challenge_403"] >= 1
    assert result.stats["newsmon/listing/failed/needs_browser"] == 1  # the guarded section's listing
    paths = {urlsplit(r["canonical_url"]).path for r in result.records}
    assert not paths & guarded  # challenge pages and empty shells never become records
    assert len(paths) == 28  # the ordinary articles all came through on PLAIN


def test_settle_does_not_wait_on_an_ordinary_page_with_a_challenge_script() -> None:
    """Cloudflare also serves its challenge-platform script on ordinary pages: no waiting there."""
    import asyncio
    import time

    from playwright.async_api import async_playwright

    from newsmon.fetch.policy import OPTIONS as TIER_OPTIONS
    from newsmon.fetch.stealth import settle_challenge

    words = " ".join(["An invented paragraph about a river ferry and its crew."] * 30)
    ordinary = (
        f"<html><head><title>Ferry news</title></head><body><p>{words}</p>"
        "<script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'></script></body></html>"
    )
    challenge = (
        "<html><head><title>Just a moment...</title></head><body><p>Checking your browser</p></body></html>"
    )

    async def settle_times() -> tuple[float, float]:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=find_chromium(), args=TIER_OPTIONS.default("NEWSMON_CHROMIUM_ARGS")
            )
            page = await browser.new_page()
            await page.set_content(ordinary)
            started = time.monotonic()
            await settle_challenge(page, timeout=5)
            ordinary_s = time.monotonic() - started
            await page.set_content(challenge)
            started = time.monotonic()
            await settle_challenge(page, timeout=1)
            challenge_s = time.monotonic() - started
            await browser.close()
            return ordinary_s, challenge_s

    ordinary_s, challenge_s = asyncio.run(settle_times())
    assert ordinary_s < 1  # through at once
    assert challenge_s >= 1  # a real challenge is waited for, up to the timeout


def test_a_js_shell_is_never_a_record_of_its_boilerplate_without_a_browser(tmp_path: Path) -> None:
    """Its empty article container sits among a correction box, share and forum links: with no browser tier
    to take the escalation, the page gives no record rather than a body of that boilerplate."""
    site = protected_site()
    shells = [site.article(slug).path for slug in site.roles["js_body"]]
    plain = site.article(next(a.slug for a in site.articles if not a.protection)).path
    with ReplicaServer(site=site) as replica:
        args = (*only_urls(*shells, plain), "-s", "NEWSMON_TIERS_ENABLED=False")
        result = run_crawl(replica.base_url, tmp_path, *args)
    records = by_slug(result)
    assert list(records) == [plain.split("/")[4]], result.log[-3000:]  # the ordinary article is emitted
    dropped = {k: v for k, v in result.stats.items() if "no_body" in k or "page/" in k}
    assert result.stats.get("newsmon/article/no_body", 0) >= len(site.roles["js_body"]), dropped
