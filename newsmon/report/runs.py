"""`newsmon report`: recent runs from the state store's `runs` table, as a table or as JSON.

Each run's record holds its key stats (newsmon/* and a few of Scrapy's) and the monitors' verdicts, so the
report needs nothing but the store: start, duration, requests by tier, new/updated/skipped/duplicate
records, errors, monitor verdicts and the exit status the run gave `scrapy crawl`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsmon.meta import Tier
from newsmon.monitors.checks import FAIL, HUB_CAUSES, PASS, WARN, hub_failures, total
from newsmon.monitors.checks import errors as count_errors
from newsmon.state.protocol import Store
from newsmon.state.store import StateStore, StoreCorrupt
from newsmon.stats import (
    DEDUPE_DUPLICATE_CONTENT,
    DEDUPE_DUPLICATE_URL,
    MONITOR_ERRORS,
    MONITOR_EXIT_STATUS,
    MONITOR_SUMMARY,
    STATE_DUPLICATE_CONTENT,
    STATE_FIRST_VERSION,
    STATE_REVISED,
    STATE_SKIPPED,
    STATE_UNCHANGED,
    monitor,
    request_by,
)

EXIT_UNREADABLE = 65  # sysexits EX_DATAERR: a state store that cannot be read (corrupt, not newsmon's)


class StoreUnreadable(Exception):
    """A state store, or a run record in it, the report cannot read; the message names the store."""


@dataclass(frozen=True)
class RunRow:
    site: str  # the state store's name: the site's (the `name` of its TOML)
    run: int
    started: str  # UTC ISO 8601
    duration_s: float | None
    finish_reason: str | None
    requests_plain: int
    requests_stealthy: int
    new: int
    updated: int
    skipped: int
    duplicate: int
    errors: int
    monitors: dict[str, str]  # monitor name -> pass | warn | fail
    summary: str | None  # "pass", "fail: ban_ratio; warn: freshness", or None (run without monitors)
    exit_status: int | None
    reason: str | None = None  # what went wrong, in plain words (plain_reason); None when nothing did


# What a failed monitor means, for people who never read its code (the hubs monitor is worded by its cause).
MONITOR_WORDS = {
    "finish_reason": "the run did not finish normally",
    "error_ratio": "too many errors",
    "ban_ratio": "blocked: most pages were refusals or bot challenges",
    "new_items": "no new records although the feeds and listings listed new articles",
    "schema": "records failed the schema check",
    "outputs": "an output could not be written",
    "freshness": "feeds or listings listed nothing new for many runs",
    "hubs": "every feed and listing failed",
}
FINISH_WORDS = {
    "crashed": "the run crashed or was killed before it ended",
    "shutdown": "the run was stopped (signal)",
    "newsmon_state_error": "the state store could not be opened",
    "newsmon_output_unusable": "an output could not be written",
}


def _monitor_names(summary: str | None, status: str) -> list[str]:
    """The monitors of one status in a summary ("fail: ban_ratio, hubs; warn: freshness")."""
    for part in (summary or "").split(";"):
        head, _, names = part.strip().partition(":")
        if head == status:
            return [n.strip() for n in names.split(",") if n.strip()]
    return []


def plain_reason(stats: Mapping[str, Any], finish_reason: str | None, summary: str | None) -> str | None:
    """Why a run failed or warned, in the words of its log: "unreachable: connection refused", "blocked:
    HTTP 403", "stopped: the run crashed or was killed ..."; None for a run with nothing wrong. The hubs'
    own failure stats name the cause when every hub failed, as the hubs monitor's message does."""
    failed, warned = _monitor_names(summary, FAIL), _monitor_names(summary, WARN)
    if finish_reason is None:
        return None
    if "hubs" in failed:
        causes, labels = hub_failures(stats)
        if causes:
            cause = next(c for c in HUB_CAUSES if causes[c] > 0)
            label = labels.most_common(1)[0][0].replace("_", " ")
            words = cause.replace("_", " ")
            return words if label == words else f"{words}: {label}"
    if finish_reason != "finished" and not finish_reason.startswith("closespider_"):
        return "stopped: " + FINISH_WORDS.get(finish_reason, finish_reason.replace("_", " "))
    names = failed or warned
    if not names:
        return None
    words = "; ".join(MONITOR_WORDS.get(n, n.replace("_", " ")) for n in names)
    return words if failed else f"warning: {words}"


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def run_row(site: str, run: Mapping[str, Any]) -> RunRow:
    stats: Mapping[str, Any] = run.get("stats") or {}
    started, ended = run.get("started"), run.get("ended")
    duration = stats.get("elapsed_time_seconds")
    if duration is None and started is not None and ended is not None:
        duration = ended - started
    stealthy = total(stats, request_by(Tier.STEALTHY, ""))
    plain = total(stats, request_by(Tier.PLAIN, ""))
    emitted = int(stats.get("item_scraped_count", 0))
    revised = int(stats.get(STATE_REVISED, 0))
    new = int(stats.get(STATE_FIRST_VERSION, emitted - revised))
    errors = stats.get(MONITOR_ERRORS)
    if errors is None:  # monitors were off: the same count they would have made
        errors = count_errors(stats)[0]
    monitors = {  # the verdicts, not the monitors' other figures
        k.removeprefix(monitor("")): str(v)
        for k, v in stats.items()
        if k.startswith(monitor("")) and v in (PASS, WARN, FAIL)
    }
    exit_status = stats.get(MONITOR_EXIT_STATUS)
    return RunRow(
        site=site,
        run=int(run["id"]),
        started=_iso(float(started)) if started is not None else "",
        duration_s=round(float(duration), 1) if duration is not None else None,
        finish_reason=run.get("finish_reason"),
        requests_plain=plain,
        requests_stealthy=stealthy,
        new=new,
        updated=revised,
        skipped=int(stats.get(STATE_SKIPPED, 0)) + int(stats.get(STATE_UNCHANGED, 0)),
        duplicate=int(stats.get(DEDUPE_DUPLICATE_URL, 0))
        + int(stats.get(DEDUPE_DUPLICATE_CONTENT, 0))
        + int(stats.get(STATE_DUPLICATE_CONTENT, 0)),
        errors=int(errors),
        monitors=monitors,
        summary=stats.get(MONITOR_SUMMARY),
        exit_status=int(exit_status) if exit_status is not None else None,
        reason=plain_reason(stats, run.get("finish_reason"), stats.get(MONITOR_SUMMARY)),
    )


def store_paths(state_dir: Path, site: str | None = None) -> list[Path]:
    """The store of one site, or every store in state_dir (by name); FileNotFoundError when there is none."""
    if site:
        path = state_dir / f"{site}.sqlite3"
        if not path.exists():
            raise FileNotFoundError(f"no state store for site {site!r} in {state_dir}")
        return [path]
    paths = sorted(state_dir.glob("*.sqlite3"))
    if not paths:
        raise FileNotFoundError(f"no state store (*.sqlite3) in {state_dir}")
    return paths


def unreadable(path: Path, exc: Exception) -> StoreUnreadable:
    return StoreUnreadable(
        f"state store {path} cannot be read ({exc}): corrupt, or not a newsmon state store"
    )


def load_rows(state_dir: Path, site: str | None = None, limit: int = 20) -> list[RunRow]:
    """The last `limit` runs of one site (or of every site with a store in state_dir), oldest first."""
    rows: list[RunRow] = []
    for path in store_paths(state_dir, site):
        try:
            with StateStore.open(path, check=False) as store:
                rows += store_rows(store, path.stem, limit)
        except (StoreCorrupt, sqlite3.DatabaseError) as exc:
            raise unreadable(path, exc) from None
    return last(rows, limit)


def load_redis_rows(
    url: str, site: str | None = None, limit: int = 20, prefix: str = "newsmon"
) -> list[RunRow]:
    """As load_rows, from the Redis store of a distributed run (every site with runs under prefix when
    site is None). Errors name the URL with its password masked."""
    from newsmon.distributed.config import mask_url
    from newsmon.state.redis_store import RedisStateStore, stored_spiders

    sites = [site] if site else None
    rows: list[RunRow] = []
    with RedisStateStore.open_for_reading(url, site or "", prefix) as probe:
        if sites is None:
            sites = stored_spiders(probe.conn, prefix)
            if not sites:
                raise FileNotFoundError(f"no runs under {prefix}:* in Redis at {mask_url(url)}")
        for name in sites:
            store = RedisStateStore(probe.conn, probe.config, name)  # the same connection, read only
            found = store_rows(store, name, limit)
            if site and not found:
                raise FileNotFoundError(f"no runs of site {name!r} in Redis at {store.location}")
            rows += found
    return last(rows, limit)


def store_rows(store: Store, site: str, limit: int) -> list[RunRow]:
    """The last `limit` runs (0 = all) of one site's store, SQLite or Redis (the Store Protocol)."""
    try:
        return [run_row(site, run) for run in store.runs(limit=limit or None)]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # a damaged run record
        raise StoreUnreadable(
            f"state store {store.location}: a run record cannot be read ({type(exc).__name__}: {exc})"
        ) from None


def last(rows: list[RunRow], limit: int) -> list[RunRow]:
    return sorted(rows, key=lambda r: r.started)[-limit:] if limit else rows


COLUMNS = (
    ("site", "site"),
    ("run", "run"),
    ("started (UTC)", "started"),
    ("time", "duration"),
    ("finish", "finish_reason"),
    (Tier.PLAIN, "requests_plain"),
    (Tier.STEALTHY, "requests_stealthy"),
    ("new", "new"),
    ("upd", "updated"),
    ("skip", "skipped"),
    ("dup", "duplicate"),
    ("err", "errors"),
    ("exit", "exit_status"),
    ("monitors", "summary"),
)


def _cell(row: RunRow, field: str) -> str:
    if field == "duration":
        return "" if row.duration_s is None else f"{row.duration_s:g}s"
    if field == "started":
        return row.started.replace("T", " ").removesuffix("+00:00")
    value = getattr(row, field)
    return "-" if value is None else str(value)


def format_table(rows: list[RunRow]) -> str:
    cells = [[title for title, _ in COLUMNS]] + [[_cell(r, f) for _, f in COLUMNS] for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    return "\n".join(lines) + "\n"


def as_json(rows: list[RunRow]) -> list[dict[str, Any]]:
    return [asdict(r) for r in rows]
