"""A site's learned template in its state store (newsmon/state/template.py decides what to do with it).

Per block fingerprint (newsmon/extract/template.py): the keys of up to ``keep`` distinct pages it was seen
on, how many that is, a text sample, when it was last seen. A fingerprint seen on one page only (article
text, most of them) is forgotten after SINGLE_TTL; any other after the TTL the caller gives (a redesign's
old blocks fade out). SQLite: two tables created on first use (``TemplateTables``, mixed into StateStore);
Redis: one key per fingerprint with a Redis TTL, a set of the fingerprints seen on two pages or more, and a
counter of pages learned (``RedisTemplateKeys``, mixed into RedisStateStore), updated by one Lua script per
page so that the processes of a distributed crawl learn one template (newsmon/state/redis_template.py).
"""

from __future__ import annotations

import sqlite3
import struct
import time
from collections.abc import Sequence
from typing import Any

DAY = 86400.0
SINGLE_TTL = 3 * DAY  # a fingerprint seen on one page only, not seen again within this: forgotten
PAGES_LEARNED = "pages"

TEMPLATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS template (
    sig INTEGER PRIMARY KEY,
    pages BLOB NOT NULL,
    n INTEGER NOT NULL,
    sample TEXT,
    last_seen REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS template_n ON template (n);
CREATE TABLE IF NOT EXISTS template_meta (
    key TEXT PRIMARY KEY,
    value REAL NOT NULL
) WITHOUT ROWID;
"""

Learned = dict[int, tuple[int, ...]]  # fingerprint -> keys of the distinct pages it was seen on


def _pack(pages: Sequence[int]) -> bytes:
    return struct.pack(f">{len(pages)}I", *pages)


def _unpack(blob: bytes) -> tuple[int, ...]:
    return struct.unpack(f">{len(blob) // 4}I", blob)


class TemplateTables:
    """The template methods of the SQLite StateStore (``conn``: its connection)."""

    conn: sqlite3.Connection
    _template_ready = False

    def _template(self) -> sqlite3.Connection:
        if not self._template_ready:
            self.conn.executescript(TEMPLATE_SCHEMA)
            self._template_ready = True
        return self.conn

    def template_learn(
        self, page: int, units: Sequence[tuple[int, str]], keep: int, now: float | None = None
    ) -> Learned:
        """Add ``page`` to the pages of each fingerprint of ``units`` ((fingerprint, sample) pairs; up to
        ``keep`` page keys each); returns the fingerprints now seen on two pages or more, with their pages.
        Not committed here: with the store's next commit (a record's mark, the end of the run)."""
        conn = self._template()
        now = time.time() if now is None else now
        sigs = [sig for sig, _ in units]
        known: dict[int, tuple[int, ...]] = {}
        for start in range(0, len(sigs), 500):
            chunk = sigs[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for sig, blob in conn.execute(f"SELECT sig, pages FROM template WHERE sig IN ({marks})", chunk):
                known[sig] = _unpack(blob)
        rows = []
        out: Learned = {}
        for sig, sample in units:
            pages = known.get(sig, ())
            if page not in pages and len(pages) < keep:
                pages = (*pages, page)
            rows.append((sig, _pack(pages), len(pages), sample if len(pages) > 1 else None, now))
            if len(pages) > 1:
                out[sig] = pages
        conn.executemany(
            "INSERT INTO template VALUES (?, ?, ?, ?, ?) ON CONFLICT (sig) DO UPDATE SET "
            "pages = excluded.pages, n = excluded.n, sample = coalesce(excluded.sample, sample), "
            "last_seen = excluded.last_seen",
            rows,
        )
        conn.execute(
            "INSERT INTO template_meta VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET value = value + 1",
            (PAGES_LEARNED,),
        )
        return out

    def template_load(self, least: int, ttl: float, now: float | None = None) -> Learned:
        """Forget what was not seen for ``ttl`` seconds (SINGLE_TTL when seen on one page), then return the
        fingerprints seen on ``least`` pages or more."""
        conn = self._template()
        now = time.time() if now is None else now
        conn.execute(
            "DELETE FROM template WHERE last_seen < ? OR (n < 2 AND last_seen < ?)",
            (now - ttl, now - SINGLE_TTL),
        )
        conn.commit()
        rows = conn.execute("SELECT sig, pages FROM template WHERE n >= ?", (least,))
        return {sig: _unpack(blob) for sig, blob in rows}

    def template_pages(self) -> int:
        """Pages learned from so far (a revisited page counts again)."""
        row = (
            self._template()
            .execute("SELECT value FROM template_meta WHERE key = ?", (PAGES_LEARNED,))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def template_summary(self, least: int, limit: int = 50) -> dict[str, Any]:
        """For `newsmon sites template`: pages learned, fingerprints known, template ones and samples."""
        conn = self._template()
        total = conn.execute("SELECT count(*) FROM template").fetchone()[0]
        template = conn.execute("SELECT count(*) FROM template WHERE n >= ?", (least,)).fetchone()[0]
        rows = conn.execute(
            "SELECT n, sample, last_seen FROM template WHERE n >= ? AND sample IS NOT NULL "
            "ORDER BY n DESC, last_seen DESC LIMIT ?",
            (least, limit),
        ).fetchall()
        return {
            "pages_learned": self.template_pages(),
            "fingerprints": total,
            "template": template,
            "samples": [{"pages": n, "text": sample, "last_seen": seen} for n, sample, seen in rows],
        }

    def template_reset(self) -> int:
        """Forget the site's template (learned again, warm-up included); returns fingerprints dropped."""
        conn = self._template()
        dropped = conn.execute("DELETE FROM template").rowcount
        conn.execute("DELETE FROM template_meta")
        conn.commit()
        return int(dropped)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
