"""The HTML report's layout measured in real Chromium, on 1 site and on 200: every chart at least 240 px wide,
no two labels of a chart overlapping (nor a label over a bar), a run with 0 records drawn unlike a missing
run, the last records shown after quiet runs, and failures in plain words. Saves docs/img/report.png, the
screenshot docs/operations.md shows."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from newsmon.report.html import render_html
from newsmon.report.runs import RunRow, run_row
from newsmon.report.sites import SiteReport
from tests.test_report_html import browser, needs_chromium

__all__ = ["browser"]  # the module fixture, shared

ROOT = Path(__file__).resolve().parent.parent
NOW = 1_780_000_000.0  # 2026-05-28 20:26:40 UTC
HOUR = 3600.0

GOOD = {
    "item_scraped_count": 6,
    "newsmon/state/first_version": 6,
    "newsmon/request/plain/article": 9,
    "newsmon/monitor/summary": "pass",
    "newsmon/monitor/exit_status": 0,
    "newsmon/monitor/hubs": "pass",
}
QUIET = {**GOOD, "item_scraped_count": 0, "newsmon/state/first_version": 0}
DOWN = {
    "item_scraped_count": 0,
    "newsmon/feed/failed": 2,
    "newsmon/feed/failed/connection_refused": 2,
    "newsmon/monitor/summary": "fail: error_ratio, hubs",
    "newsmon/monitor/exit_status": 6,
    "newsmon/monitor/hubs": "fail",
}
BLOCKED = {**QUIET, "newsmon/monitor/summary": "fail: ban_ratio", "newsmon/monitor/exit_status": 4,
           "newsmon/monitor/ban_ratio": "fail"}  # fmt: skip


def runs(site: str, plan: list[tuple[float, dict[str, Any]]]) -> tuple[RunRow, ...]:
    """(hours before NOW, stats) -> the rows a store would give (run_row: reasons included)."""
    out = []
    for n, (hours, stats) in enumerate(plan, 1):
        started = NOW - hours * HOUR
        record = {"id": n, "started": started, "ended": started + 60, "finish_reason": "finished"}
        out.append(run_row(site, {**record, "stats": stats}))
    return tuple(out)


def site(name: str, plan: list[tuple[float, dict[str, Any]]], every_h: float = 1) -> SiteReport:
    return SiteReport(name, timedelta(hours=every_h), runs(name, plan))


def showcase() -> list[SiteReport]:
    """A desk's morning: one site down, one blocked, one quiet for days, one with a gap, two healthy."""
    hourly = [20 - i for i in range(20)]
    return [
        site("harbour", [(h, GOOD) for h in hourly[:16]] + [(h, DOWN) for h in hourly[16:]]),
        site("bastion", [(h, GOOD) for h in hourly[:12]] + [(h, BLOCKED) for h in hourly[12:]]),
        site("quiet", [(80 - 4 * i, GOOD if i < 2 else QUIET) for i in range(20)], every_h=4),
        site("ferry", [(h, GOOD if h % 3 else QUIET) for h in hourly if not 8 <= h <= 13]),
        site("meridian", [(h, GOOD) for h in hourly]),
        site("estuary", [(h, GOOD if h % 2 else QUIET) for h in hourly]),
    ]


def many(n: int) -> list[SiteReport]:
    """n sites of every shape: 1 to 20 runs, quiet runs, gaps, failures."""
    shapes = [GOOD, QUIET, DOWN, BLOCKED]
    out = []
    for k in range(n):
        count = 1 + k % 20
        gap = 6 if k % 7 == 0 else 0  # every seventh site: its older half six hours further back
        plan = [(count - i + (gap if i < count // 2 else 0), shapes[(k + i) % 4]) for i in range(count)]
        out.append(site(f"site-{k:03d}", plan))
    return out


OVERLAPS = """svgs => svgs.flatMap((svg, n) => {
  const box = el => el.getBoundingClientRect();
  const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const texts = [...svg.querySelectorAll('text')].map(box);
  const bars = [...svg.querySelectorAll('rect.bar')].map(box);
  const found = [];
  texts.forEach((a, i) => texts.slice(i + 1).forEach(b => { if (hit(a, b)) found.push(['text', n]); }));
  texts.forEach(a => bars.forEach(b => { if (hit(a, b)) found.push(['bar', n]); }));
  return found;
})"""


def open_page(browser: Any, reports: list[SiteReport], tmp_path: Path, width: int = 1280) -> Any:
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(reports, NOW, runs_shown=20), encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=True)
    page = context.new_page()
    page.goto(page_file.as_uri(), wait_until="load")
    page.eval_on_selector_all("details", "ds => ds.forEach(d => { d.open = true; })")  # lay every chart out
    return page


def check_layout(page: Any, sites: int) -> None:
    widths = page.eval_on_selector_all("svg.chart", "s => s.map(x => x.getBoundingClientRect().width)")
    assert len(widths) == sites and min(widths) >= 240
    assert page.eval_on_selector_all("svg.chart", OVERLAPS) == []


@needs_chromium
@pytest.mark.parametrize("width", [1280, 360])
def test_one_site(browser: Any, tmp_path: Path, width: int) -> None:
    site = showcase()[:1]
    page = open_page(browser, site, tmp_path, width)
    check_layout(page, 1)
    row = page.inner_text('#summary tr[data-site="harbour"]')
    assert "unreachable: connection refused" in row
    failures = page.inner_text("ul.failures")
    assert "unreachable: connection refused 4 runs" in failures
    page.context.close()


@needs_chromium
def test_two_hundred_sites(browser: Any, tmp_path: Path) -> None:
    page = open_page(browser, many(200), tmp_path)
    check_layout(page, 200)
    page.context.close()


@needs_chromium
def test_zero_runs_quiet_records_and_screenshot(browser: Any, tmp_path: Path) -> None:
    page = open_page(browser, showcase(), tmp_path, 1100)
    check_layout(page, 6)
    style = "rs => rs.map(r => [getComputedStyle(r).fill, getComputedStyle(r).stroke])"
    bars = page.eval_on_selector_all("section.site svg rect.bar.pass:not(.zero)", style)
    zeros = page.eval_on_selector_all("section.site svg rect.zero.pass", style)
    gap_fill = page.eval_on_selector_all("section.site svg rect.gap", style)
    assert bars and zeros and gap_fill  # ferry has quiet runs and a 6-hour gap
    assert {tuple(z) for z in zeros}.isdisjoint({tuple(b) for b in bars} | {tuple(g) for g in gap_fill})
    quiet = page.inner_text('#summary tr[data-site="quiet"]')
    assert "last: 6 in run 2" in quiet  # after 18 quiet runs, when it last brought records
    bastion = page.inner_text('#summary tr[data-site="bastion"]')
    assert "blocked: most pages were refusals or bot challenges" in bastion
    page.eval_on_selector_all("details", "ds => ds.forEach((d, i) => { d.open = i < 3; })")
    page.set_viewport_size({"width": 1100, "height": 1500})
    shot = ROOT / "docs" / "img" / "report.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    page.context.close()
