"""Per-site health for `newsmon report --html`: each site's last runs, last success, records, tier mix,
failures and the freshness of each feed/listing, read from its state store, and the rule that calls a site
stale. Pure data: the page is drawn by newsmon/report/html.py, so every rule here is tested without HTML.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from newsmon.monitors.checks import FAIL, PASS, WARN
from newsmon.report.runs import RunRow, StoreUnreadable, store_paths, store_rows, unreadable
from newsmon.sites import SITE_NAME, SiteConfig, SiteConfigError, load_site_config
from newsmon.state.store import StateStore, StoreCorrupt

RUNNING = "running"  # no end yet: still going, or killed with no run after it
NO_RUNS = "none"
DEFAULT_INTERVAL: timedelta = SiteConfig.interval
STALE_FLOOR = timedelta(hours=24)  # hourly sites have quiet nights: never stale sooner than this
STALE_INTERVALS = 3  # ... nor before three of the site's own intervals have passed
STALE_RULE = (
    "A site is stale when its newest run with records, or its last successful run (finished, no monitor "
    "failed), started more than max(24 h, 3 × the site's interval) before this report; when neither is "
    "among the runs shown, when the oldest of them started that long ago. Times are run starts, in UTC."
)


@dataclass(frozen=True)
class SourceFreshness:
    """One configured feed/listing (the store's `sources` row): when it last listed a new article URL."""

    url: str
    runs_without_new: int
    listed: int  # article URLs it listed in its last run
    last_new: float | None  # epoch seconds; None: never listed a new one
    last_run: float


def run_started(row: RunRow) -> float | None:
    return datetime.fromisoformat(row.started).timestamp() if row.started else None


def records(row: RunRow) -> int:
    """What the run emitted: first versions and new versions."""
    return row.new + row.updated


def run_status(row: RunRow) -> str:
    """pass | warn | fail | running: the monitors' verdicts and exit status; the finish reason when the run
    had no monitors (a crashed run has neither)."""
    if row.finish_reason is None:
        return RUNNING
    verdicts = set(row.monitors.values())
    summary = row.summary or ""
    if row.monitors or row.summary is not None:
        if FAIL in verdicts or summary.startswith(FAIL) or row.exit_status not in (None, 0):
            return FAIL
        return WARN if WARN in verdicts or f"{WARN}:" in summary else PASS
    if row.finish_reason == "finished":
        return PASS
    return WARN if row.finish_reason.startswith("closespider_") else FAIL


def is_success(row: RunRow) -> bool:
    """Finished, and no monitor failed."""
    summary = row.summary or ""
    return (
        row.finish_reason == "finished" and FAIL not in row.monitors.values() and not summary.startswith(FAIL)
    )


@dataclass(frozen=True)
class Failure:
    """Runs of the window that failed or warned the same way, grouped: one line per distinct reason."""

    status: str
    finish_reason: str | None
    exit_status: int | None
    summary: str | None
    runs: int
    latest: RunRow


@dataclass(frozen=True)
class SiteReport:
    site: str
    interval: timedelta
    runs: tuple[RunRow, ...]  # the last N runs, oldest first
    sources: tuple[SourceFreshness, ...] = ()
    error: str | None = None  # the store could not be read

    @property
    def last_run(self) -> RunRow | None:
        return self.runs[-1] if self.runs else None

    @property
    def last_completed(self) -> RunRow | None:
        return next((r for r in reversed(self.runs) if r.finish_reason is not None), None)

    @property
    def last_success(self) -> RunRow | None:
        return next((r for r in reversed(self.runs) if is_success(r)), None)

    @property
    def last_with_records(self) -> RunRow | None:
        return next((r for r in reversed(self.runs) if records(r)), None)

    @property
    def status(self) -> str:
        """The last completed run's status (a run still going has no verdict yet)."""
        if self.error is not None:
            return FAIL
        run = self.last_completed or self.last_run
        return NO_RUNS if run is None else run_status(run)

    @property
    def records_last(self) -> int:
        run = self.last_completed
        return records(run) if run is not None else 0

    @property
    def records_window(self) -> int:
        return sum(records(r) for r in self.runs)

    @property
    def requests(self) -> tuple[int, int]:
        """(PLAIN, STEALTHY) requests over the window."""
        return sum(r.requests_plain for r in self.runs), sum(r.requests_stealthy for r in self.runs)

    @property
    def threshold(self) -> timedelta:
        return max(STALE_FLOOR, STALE_INTERVALS * self.interval)

    def stale(self, now: float) -> list[str]:
        """Why the site is stale (STALE_RULE); empty when it is not, or when its store cannot be read."""
        if self.error is not None:
            return []
        if not self.runs:
            return ["no run recorded"]
        limit = self.threshold.total_seconds()
        oldest = run_started(self.runs[0]) or now
        reasons = []
        for what, run in (("new records", self.last_with_records), ("successful run", self.last_success)):
            started = run_started(run) if run is not None else None
            if run is not None and started is not None and now - started > limit:
                reasons.append(f"no {what} since run {run.run} ({age(now - started)} ago)")
            elif started is None and now - oldest > limit:
                reasons.append(f"no {what} in the last {len(self.runs)} runs ({age(now - oldest)})")
        return reasons

    def failures(self) -> list[Failure]:
        """Failed and warned runs of the window grouped by reason, the most recent reason first."""
        groups: dict[tuple[str, str | None, int | None, str | None], list[RunRow]] = {}
        for run in self.runs:
            status = run_status(run)
            if status in (FAIL, WARN):
                groups.setdefault((status, run.finish_reason, run.exit_status, run.summary), []).append(run)
        found = [Failure(*key, runs=len(runs), latest=runs[-1]) for key, runs in groups.items()]
        return sorted(found, key=lambda f: -f.latest.run)


def age(seconds: float) -> str:
    """A short duration: 45 min, 5 h, 3 d."""
    if seconds < 3600:
        return f"{max(0, int(seconds // 60))} min"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


def site_interval(site: str, sites_dir: Path | None = None) -> timedelta:
    """The site's `interval` from its TOML (sites_dir, else bundled); the default when there is none."""
    if not SITE_NAME.match(site):  # not a site's name: never read as a path
        return DEFAULT_INTERVAL
    try:
        return load_site_config(site, sites_dir).interval
    except (SiteConfigError, OSError):
        return DEFAULT_INTERVAL


def read_sources(store: StateStore) -> tuple[SourceFreshness, ...]:
    rows = store.conn.execute(
        "SELECT url, runs_without_new, listed, last_new, last_run FROM sources ORDER BY url"
    )
    return tuple(
        SourceFreshness(str(u), int(n), int(listed), None if new is None else float(new), float(last))
        for u, n, listed, new, last in rows
    )


def load_site_reports(
    state_dir: Path, limit: int = 20, site: str | None = None, sites_dir: Path | None = None
) -> list[SiteReport]:
    """One report per store in state_dir (or for one site), by name. A store that cannot be read is a
    report with `error` set, not an exception: one bad file must not hide a thousand good ones."""
    reports = []
    for path in store_paths(state_dir, site):
        name, interval = path.stem, site_interval(path.stem, sites_dir)
        try:
            with StateStore.open(path, check=False) as store:
                rows, sources = store_rows(store, name, limit), read_sources(store)
        except (StoreCorrupt, sqlite3.DatabaseError, ValueError, TypeError) as exc:
            reports.append(SiteReport(name, interval, (), error=str(unreadable(path, exc))))
        except StoreUnreadable as exc:
            reports.append(SiteReport(name, interval, (), error=str(exc)))
        else:
            reports.append(SiteReport(name, interval, tuple(rows), sources))
    return reports


def severity(report: SiteReport, now: float) -> int:
    """Sort key: failing sites first, then stale, warned, and the rest."""
    status = report.status
    if status == FAIL:
        return 0
    if report.stale(now) or status == NO_RUNS:
        return 1
    return 2 if status == WARN else 3


def ordered(reports: Sequence[SiteReport], now: float) -> list[SiteReport]:
    return sorted(reports, key=lambda r: (severity(r, now), r.site))
