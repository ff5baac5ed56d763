"""When to alert: a site's health from its runs (the report's own rules, newsmon/report/sites.py), and the
one message a change of health is worth. Pure: no store, no network, a clock passed in.

A site is in trouble when its last ended run failed (`newsmon report`'s status), or when it is stale (the
report's STALE_RULE). The alert state remembers the trouble that was announced: one message when trouble
starts, none while it lasts (whatever its reason becomes), one when the site recovers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newsmon.report.runs import RunRow
from newsmon.report.sites import FAIL, SiteReport, records, run_started, run_status

NOTE = "alert"  # the store's note holding the announced trouble (None: nothing announced)
PROBLEM, RECOVERED = "problem", "recovered"


@dataclass(frozen=True)
class Health:
    trouble: str | None  # "failing: unreachable: connection refused", "stale: no new records ...", None
    since: float | None  # when the trouble started (epoch seconds)
    last_good: RunRow | None  # the last successful run (newsmon.report.sites.is_success)


@dataclass(frozen=True)
class Alert:
    kind: str  # PROBLEM | RECOVERED
    site: str
    title: str
    body: str


def stamp(ts: float | None) -> str:
    return "unknown" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def run_text(run: RunRow | None) -> str:
    if run is None:
        return "none recorded"
    return f"run {run.run}, started {stamp(run_started(run))}, {records(run)} records"


def health(report: SiteReport, now: float) -> Health:
    """Failing (the last ended run failed) before stale (STALE_RULE); healthy otherwise."""
    last_good = report.last_success
    ended = [r for r in report.runs if r.finish_reason is not None]
    if report.error is not None:
        return Health(f"failing: {report.error}", now, last_good)
    if ended and run_status(ended[-1]) == FAIL:
        streak = []  # the failed runs since the last one that did not fail
        for run in reversed(ended):
            if run_status(run) != FAIL:
                break
            streak.append(run)
        reason = ended[-1].reason or ended[-1].summary or ended[-1].finish_reason
        return Health(f"failing: {reason}", run_started(streak[-1]), last_good)
    reasons = report.stale(now)
    if reasons:
        limit = report.threshold.total_seconds()
        refs = [run_started(r) for r in (report.last_with_records, last_good) if r is not None]
        known = [t for t in refs if t is not None]
        oldest = run_started(report.runs[0]) if report.runs else None
        base = min(known) if len(known) == 2 else (oldest if oldest is not None else now - limit)
        return Health("stale: " + "; ".join(reasons), base + limit, last_good)
    return Health(None, None, last_good)


def decide(site: str, now_health: Health, announced: dict[str, Any] | None) -> tuple[Alert | None, Any]:
    """The alert this health is worth given what was announced, and the note to keep afterwards."""
    if now_health.trouble is not None:
        if announced is not None:
            return None, announced  # still in trouble: announced already
        note = {"trouble": now_health.trouble, "since": now_health.since}
        body = (
            f"Site {site}: {now_health.trouble}.\n"
            f"Since: {stamp(now_health.since)}.\n"
            f"Last good run: {run_text(now_health.last_good)}."
        )
        kind = "is failing" if now_health.trouble.startswith("failing") else "is stale"
        return Alert(PROBLEM, site, f"newsmon: {site} {kind}", body), note
    if announced is None:
        return None, None
    body = (
        f"Site {site} works again.\n"
        f"It was {announced.get('trouble', 'in trouble')} since {stamp(announced.get('since'))}.\n"
        f"Last good run: {run_text(now_health.last_good)}."
    )
    return Alert(RECOVERED, site, f"newsmon: {site} recovered", body), None
