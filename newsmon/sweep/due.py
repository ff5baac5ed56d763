"""Which sites are due: a site is crawled again once its `interval` has passed since its last finished run.

Read from the site's own state store (`<state dir>/<site>.sqlite3`, the `runs` table), opened read-only so
that asking never creates, locks or migrates a store a running crawl holds. A site never crawled is due.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsmon.sites import SiteConfig


@dataclass(frozen=True)
class SiteDue:
    site: SiteConfig
    last_finished: datetime | None  # end of the site's last run that ended (however it ended)

    @property
    def due_at(self) -> datetime | None:
        """When the site is next due (None: now, it never ran)."""
        return self.last_finished + self.site.interval if self.last_finished is not None else None

    def is_due(self, now: datetime) -> bool:
        # a minute of slack: a sweep every N minutes must not skip a site whose last run ended a few
        # seconds short of its interval, which would double its effective interval
        due_at = self.due_at
        return due_at is None or due_at - timedelta(minutes=1) <= now


def last_finished(state_dir: Path, site: str) -> datetime | None:
    """The end of the site's last finished run, from its store (None: no store, or no run ended)."""
    path = state_dir / f"{site}.sqlite3"
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            row = conn.execute("SELECT MAX(ended) FROM runs WHERE ended IS NOT NULL").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:  # a store being rebuilt, or not newsmon's: the crawl itself will say so
        return None
    return datetime.fromtimestamp(float(row[0]), UTC) if row and row[0] is not None else None


def due_sites(sites: list[SiteConfig], state_dir: Path, now: datetime | None = None) -> list[SiteDue]:
    """The sites due at `now`, longest overdue first (never-crawled sites first of all)."""
    now = now or datetime.now(UTC)
    due = [SiteDue(site, last_finished(state_dir, site.name)) for site in sites]
    due = [entry for entry in due if entry.is_due(now)]
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(due, key=lambda entry: (entry.due_at or oldest, entry.site.name))
