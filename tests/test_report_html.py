"""`newsmon report --html`: the per-site summary (last runs, last success, records, tier mix, failures,
source freshness), the stale rule, and the page itself opened offline in real Chromium: one row and one
chart per site, failing and stale sites highlighted, hostile strings shown as text and never run."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from newsmon.cli import main
from newsmon.fetch.browser import find_chromium
from newsmon.report.html import render_html
from newsmon.report.runs import RunRow
from newsmon.report.sites import (
    FAIL,
    PASS,
    WARN,
    SiteReport,
    load_site_reports,
    run_status,
    site_interval,
)
from newsmon.state.store import StateStore

NOW = 1_780_000_000.0  # 2026-05-28 20:26:40 UTC
HOUR = 3600.0
HOSTILE_URL = (
    'https://evil.example/feed?a=1&b="><script>window.__pwned=1</script><img src=x onerror=alert(1)>'
)
HOSTILE_REASON = "<script>window.__pwned=2</script>\"'&"
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "strong", "em", "table",
    "caption", "thead", "tbody", "tr", "th", "td", "a", "span", "section", "details", "summary", "svg",
    "text", "line", "rect", "code", "ul", "li",
}  # fmt: skip
HOSTILE_SUMMARY = 'fail: <img src="http://127.0.0.1:9/x.png" onerror="window.__pwned=3">'


def stats(records: int = 5, *, verdict: str = PASS, exit_status: int = 0, **extra: Any) -> dict[str, Any]:
    """A run's stats as the monitors leave them (README "Stats")."""
    return {
        "elapsed_time_seconds": 60.0,
        "item_scraped_count": records,
        "newsmon/state/first_version": records,
        "newsmon/request/plain/article": records + 1,
        "newsmon/request/plain/feed": 1,
        "newsmon/monitor/summary": verdict if verdict == PASS else f"{verdict}: ban_ratio",
        "newsmon/monitor/ban_ratio": verdict,
        "newsmon/monitor/exit_status": exit_status,
        "newsmon/monitor/errors": 0,
        **extra,
    }


def add_runs(path: Path, runs: list[tuple[float, str, dict[str, Any]]]) -> None:
    """Runs (start, finish reason, stats) written through the store's own API, as a crawl writes them."""
    with StateStore.open(path) as store:
        store.conn.execute("PRAGMA synchronous=OFF")  # test speed: these stores are never crashed
        for started, reason, run_stats in runs:
            store.end_run(store.start_run(now=started), reason, run_stats)


def build_state(state_dir: Path) -> None:
    """Five sites: healthy, failing, stale, stealthy, hostile."""
    hourly = [NOW - (20 - i) * HOUR for i in range(20)]
    add_runs(state_dir / "harbour.sqlite3", [(t, "finished", stats(3 + i % 4)) for i, t in enumerate(hourly)])
    with StateStore.open(state_dir / "harbour.sqlite3") as store:
        store.record_sources({"https://harbour.example/feed/": (12, 3)}, now=NOW - HOUR)
        store.record_sources({"https://harbour.example/category/port/": (20, 0)}, now=NOW - HOUR)
    blocked = [(t, "finished", stats(4)) for t in hourly[:15]]
    blocked += [(t, "finished", stats(0, verdict=FAIL, exit_status=4)) for t in hourly[15:19]]
    blocked.append((hourly[19], "shutdown", stats(0, verdict=FAIL, exit_status=3)))
    add_runs(state_dir / "blocked.sqlite3", blocked)
    every_4h = [NOW - (20 - i) * 4 * HOUR for i in range(20)]  # 80 hours back
    add_runs(
        state_dir / "quiet.sqlite3",
        [(t, "finished", stats(2 if i < 2 else 0)) for i, t in enumerate(every_4h)],
    )
    with StateStore.open(state_dir / "quiet.sqlite3") as store:
        store.record_sources({"https://quiet.example/feed/": (10, 1)}, now=NOW - 76 * HOUR)
        for n in range(18):
            store.record_sources({"https://quiet.example/feed/": (10, 0)}, now=NOW - (72 - 4 * n) * HOUR)
    stealthy: dict[str, Any] = {"newsmon/request/stealthy/article": 9, "newsmon/request/stealthy/listing": 1}
    add_runs(state_dir / "guarded.sqlite3", [(t, "finished", stats(4, **stealthy)) for t in hourly])
    hostile = [(t, "finished", stats(1)) for t in hourly[:18]]
    hostile.append((hourly[18], HOSTILE_REASON, {"elapsed_time_seconds": 5.0}))
    failed = {**stats(0, verdict=FAIL, exit_status=3), "newsmon/monitor/summary": HOSTILE_SUMMARY}
    hostile.append((hourly[19], "finished", failed))
    add_runs(state_dir / "evil.sqlite3", hostile)
    with StateStore.open(state_dir / "evil.sqlite3") as store:
        store.record_sources({HOSTILE_URL: (1, 1)}, now=NOW - HOUR)


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("state")
    build_state(path)
    return path


@pytest.fixture(scope="module")
def reports(state_dir: Path) -> dict[str, SiteReport]:
    return {r.site: r for r in load_site_reports(state_dir, limit=20)}


# --- the summary loader --------------------------------------------------------------------------------
def test_summary_of_a_healthy_site(reports: dict[str, SiteReport]) -> None:
    site = reports["harbour"]
    assert len(site.runs) == 20 and site.status == PASS and site.stale(NOW) == []
    assert site.last_success is site.runs[-1] and site.records_last == 3 + 19 % 4
    assert site.records_window == sum(3 + i % 4 for i in range(20))
    assert site.requests == (sum(3 + i % 4 + 2 for i in range(20)), 0)
    assert site.interval == timedelta(hours=1) and site.threshold == timedelta(hours=24)
    feed, category = sorted(site.sources, key=lambda s: s.url, reverse=True)
    assert (feed.url, feed.runs_without_new, feed.last_new) == (
        "https://harbour.example/feed/",
        0,
        NOW - HOUR,
    )
    assert (category.runs_without_new, category.last_new, category.listed) == (1, None, 20)
    assert site.failures() == []


def test_summary_of_a_failing_site(reports: dict[str, SiteReport]) -> None:
    site = reports["blocked"]
    assert site.status == FAIL and site.last_success is site.runs[14]
    failures = site.failures()
    assert [(f.status, f.finish_reason, f.exit_status, f.runs) for f in failures] == [
        (FAIL, "shutdown", 3, 1),  # the most recent reason first
        (FAIL, "finished", 4, 4),
    ]
    assert failures[1].summary == "fail: ban_ratio" and failures[1].latest.run == 19
    assert site.stale(NOW) == []  # the last success and records were 6 hours ago


def test_tier_mix_and_hostile_strings_are_loaded_as_they_are(reports: dict[str, SiteReport]) -> None:
    plain, stealthy = reports["guarded"].requests
    assert stealthy == 200 and plain == 20 * 6
    evil = reports["evil"]
    assert [s.url for s in evil.sources] == [HOSTILE_URL]
    assert {f.finish_reason for f in evil.failures()} == {HOSTILE_REASON, "finished"}
    assert run_status(evil.runs[18]) == FAIL  # no monitors, not finished


def row(**changes: Any) -> RunRow:
    base: dict[str, Any] = {
        "site": "s", "run": 1, "started": "2026-05-28T20:00:00+00:00", "duration_s": 60.0,
        "finish_reason": "finished", "requests_plain": 3, "requests_stealthy": 0, "new": 2, "updated": 0,
        "skipped": 0, "duplicate": 0, "errors": 0, "monitors": {}, "summary": None, "exit_status": None,
    }  # fmt: skip
    return RunRow(**{**base, **changes})


def test_run_status() -> None:
    assert run_status(row()) == PASS
    assert run_status(row(finish_reason=None)) == "running"
    assert run_status(row(finish_reason="crashed")) == FAIL  # no monitors: judged by the finish
    assert run_status(row(finish_reason="closespider_timeout")) == WARN
    assert run_status(row(monitors={"freshness": WARN}, summary="warn: freshness")) == WARN
    assert run_status(row(monitors={"hubs": FAIL}, summary="fail: hubs", exit_status=6)) == FAIL
    assert run_status(row(monitors={"hubs": PASS}, summary="pass", exit_status=75)) == FAIL


def at(hours_ago: float, **changes: Any) -> RunRow:
    started = datetime.fromtimestamp(NOW - hours_ago * HOUR, UTC).isoformat(timespec="seconds")
    return row(**{"started": started, "run": int(1000 - hours_ago), **changes})


@pytest.mark.parametrize(
    ("runs", "interval_h", "stale"),
    [
        ([at(30), at(1, new=0)], 1, ["no new records since run 970 (30 h ago)"]),
        ([at(23), at(1, new=0)], 1, []),  # inside the 24 h floor
        ([at(30), at(1, new=0)], 12, []),  # 3 x 12 h = 36 h
        ([at(40), at(1, new=0)], 12, ["no new records since run 960 (40 h ago)"]),
        ([at(5, new=0), at(1, new=0)], 1, []),  # nothing yet, but the runs shown only go back 5 h
        ([at(30, new=0), at(1, new=0)], 1, ["no new records in the last 2 runs (30 h)"]),
        (
            [at(30), at(1, finish_reason="crashed", new=0)],
            1,
            ["no new records since run 970 (30 h ago)", "no successful run since run 970 (30 h ago)"],
        ),
        ([at(30, monitors={"hubs": FAIL}, summary="fail: hubs"), at(1)], 1, []),  # records at 1 h, success
        ([], 1, ["no run recorded"]),
    ],
)
def test_stale_rule(runs: list[RunRow], interval_h: float, stale: list[str]) -> None:
    report = SiteReport("s", timedelta(hours=interval_h), tuple(runs))
    assert report.stale(NOW) == stale


def test_stale_sites_of_the_stores(reports: dict[str, SiteReport]) -> None:
    assert [name for name, r in sorted(reports.items()) if r.stale(NOW)] == ["quiet"]
    assert reports["quiet"].stale(NOW) == ["no new records since run 2 (3 d ago)"]


def test_interval_comes_from_the_site_toml(tmp_path: Path) -> None:
    (tmp_path / "weekly.toml").write_text(
        'name = "weekly"\norigin = "https://weekly.example"\nhosts = ["weekly.example"]\ninterval = "1d"\n'
    )
    assert site_interval("weekly", tmp_path) == timedelta(days=1)
    assert site_interval("unknown", tmp_path) == timedelta(hours=1)
    assert site_interval("../weekly", tmp_path) == timedelta(hours=1)  # a store name is never a path
    runs = (at(50), at(1, new=0))
    assert SiteReport("weekly", site_interval("weekly", tmp_path), runs).stale(NOW) == []  # limit 72 h


def test_an_unreadable_store_is_a_failing_site_not_an_abort(tmp_path: Path) -> None:
    add_runs(tmp_path / "good.sqlite3", [(NOW - HOUR, "finished", stats())])
    (tmp_path / "broken.sqlite3").write_bytes(b"not a database at all" * 100)
    found = {r.site: r for r in load_site_reports(tmp_path)}
    assert found["good"].status == PASS and found["broken"].status == FAIL
    assert "broken.sqlite3 cannot be read" in (found["broken"].error or "")
    page = render_html(list(found.values()), NOW, runs_shown=20)
    assert page.count('class="error"') == 1 and page.index("broken") < page.index("good")


# --- the page ------------------------------------------------------------------------------------------
def test_page_is_deterministic_and_self_contained(reports: dict[str, SiteReport]) -> None:
    page = render_html(list(reports.values()), NOW, runs_shown=20)
    assert page == render_html(list(reversed(reports.values())), NOW, runs_shown=20)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    tags = re.findall(r"<[a-zA-Z][^>]*>", page)
    assert {t.split()[0].strip("<>") for t in tags} <= ALLOWED_TAGS  # no script, img, link, iframe...
    assert not [t for t in tags if re.search(r"\s(src|on\w+)=", t)]
    assert all(h.startswith("#s") for h in re.findall(r'href="([^"]*)"', page))  # links stay on the page
    assert "url(" not in page and "@import" not in page


def test_cli_writes_the_page(state_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(state_dir), "--html", str(out)]) == 0
    assert "5 sites" in capsys.readouterr().err
    page = out.read_text(encoding="utf-8")
    assert page.count('<tr class="site') == 5 and not list(tmp_path.glob(".*.tmp"))
    assert main(["report", str(state_dir), "--spider", "quiet", "--html", str(out)]) == 0
    assert "--spider is deprecated" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8").count('<tr class="site') == 1


def test_page_size_for_a_thousand_sites() -> None:
    """1,000 sites x 20 runs, two sources and a failure each: one page of a few MB, built in well under a
    second or two."""
    runs = tuple(at(20 - i, run=i + 1, new=i % 7, monitors={"hubs": PASS}, summary="pass") for i in range(19))
    runs += (at(0, run=20, monitors={"ban_ratio": FAIL}, summary="fail: ban_ratio", exit_status=4),)
    reports = [SiteReport(f"site-{n:04d}", timedelta(hours=1), runs) for n in range(1000)]
    started = time.monotonic()
    page = render_html(reports, NOW, runs_shown=20)
    elapsed = time.monotonic() - started
    assert page.count('<tr class="site') == 1000 and page.count("<svg") == 1000
    assert len(page.encode()) < 8_000_000 and elapsed < 10


# --- in Chromium -----------------------------------------------------------------------------------------
def chromium_path() -> str | None:
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else find_chromium()


needs_chromium = pytest.mark.skipif(
    chromium_path() is None and not os.environ.get("NEWSMON_CI"),
    reason="no Chromium: apt-get install chromium (make install does it when it can)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        yield launched
        launched.close()


@needs_chromium
def test_page_in_chromium(browser: Any, reports: dict[str, SiteReport], tmp_path: Path) -> None:
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(list(reports.values()), NOW, runs_shown=20), encoding="utf-8")
    context = browser.new_context(java_script_enabled=True)  # scripts allowed: an injected one would run
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: requests.append(request.url))

    def only_the_file(route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            requests.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_file)
    page.goto(page_file.as_uri(), wait_until="load")
    page.wait_for_timeout(200)  # an onerror handler or a late load would have fired by now

    assert errors == []
    assert requests == [page_file.as_uri()]
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 0
    rows = page.locator("#summary tbody tr")
    assert rows.count() == 5
    per_row = page.eval_on_selector_all("#summary tbody tr", "rows => rows.map(r => r.dataset.site)")
    assert sorted(per_row) == sorted(reports)
    charts = page.eval_on_selector_all(
        "section.site",
        "sections => sections.map(s => [s.querySelectorAll('svg').length, "
        "s.querySelector('svg').getAttribute('role'), s.querySelector('svg > title').textContent])",
    )
    assert len(charts) == 5 and all(
        n == 1 and role == "img" and "Records per run" in t for n, role, t in charts
    )
    assert page.locator("section.site svg rect.bar").count() == 100  # 20 runs x 5 sites
    classes = {
        site: page.get_attribute(f'#summary tr[data-site="{site}"]', "class") or "" for site in reports
    }
    assert "stale" in classes["quiet"].split() and "fail" not in classes["quiet"].split()
    assert "fail" in classes["blocked"].split() and "fail" in classes["evil"].split()
    assert classes["harbour"].split() == ["site", "pass"] and classes["guarded"].split() == ["site", "pass"]
    assert per_row[:3] == ["blocked", "evil", "quiet"]  # failing, then stale, first
    text = page.inner_text("body")
    assert HOSTILE_URL in text and "<script>window.__pwned=2</script>" in text
    assert 'onerror="window.__pwned=3"' in text
    # failing and stale sections open, healthy ones closed
    opened = page.eval_on_selector_all("section.site", "s => s.map(x => x.querySelector('details').open)")
    assert opened == [True, True, True, False, False]
    context.close()
