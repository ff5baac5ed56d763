"""The SQLite state store: emitted articles, URL aliases, hub validators, a log of runs; one file per spider.

One connection, WAL journal, every lookup by primary key or index: nothing is loaded into memory, so the
store scales to millions of URLs. Content hashes are stored as 32-byte blobs (``sha256:`` + hex in records).
"""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
import time
import zlib
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

from newsmon.state.template_store import TemplateTables

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
HASH_PREFIX = "sha256:"

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    canonical_url TEXT PRIMARY KEY,
    content_hash BLOB NOT NULL,
    version INTEGER NOT NULL,
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL,
    last_fetched REAL NOT NULL,
    published_at REAL,
    links BLOB
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS articles_content_hash ON articles (content_hash);
CREATE TABLE IF NOT EXISTS body_units (
    canonical_url TEXT PRIMARY KEY,
    units BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aliases (
    url TEXT PRIMARY KEY,
    canonical_url TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hubs (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    stored_at REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started REAL NOT NULL,
    ended REAL,
    finish_reason TEXT,
    stats TEXT
);
CREATE TABLE IF NOT EXISTS sources (
    url TEXT PRIMARY KEY,
    runs_without_new INTEGER NOT NULL,
    listed INTEGER NOT NULL,
    last_new REAL,
    last_run REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS notes (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"""


class StoreCorrupt(Exception):
    """The file is not a usable newsmon state database."""


def empty_file(path: Path) -> None:
    """StoreCorrupt for a store file of 0 bytes: SQLite would take it for a new database, but only a power
    cut or a bad copy leaves one (a new store is never left empty: its schema is committed on open)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreCorrupt(str(exc)) from exc
    if size == 0:
        raise StoreCorrupt("the file is empty (0 bytes)")


@functools.cache
def expected_tables() -> dict[str, tuple[str, ...]]:
    """Table name -> its column names, as SCHEMA creates them (read from a scratch in-memory database)."""
    scratch = sqlite3.connect(":memory:")
    try:
        scratch.executescript(SCHEMA)
        return _tables(scratch)
    finally:
        scratch.close()


def _tables(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        name: tuple(row[0] for row in conn.execute("SELECT name FROM pragma_table_info(?)", (name,)))
        for name in names
        if not name.startswith("sqlite_")
    }


def check_schema(conn: sqlite3.Connection, version: int) -> None:
    """StoreCorrupt for a valid SQLite file that is not a newsmon store: a new store (user_version 0)
    holds no table yet; a newsmon store holds the articles table, and every newsmon table it holds has
    newsmon's columns. Tables of a later newsmon release missing from an older store are created."""
    found = _tables(conn)
    expected = expected_tables()
    if version == 0:
        if found:
            raise StoreCorrupt(f"another schema: tables {', '.join(sorted(found)[:5])}")
        return
    if "articles" not in found:
        raise StoreCorrupt("another schema: no articles table")
    for name, columns in found.items():
        wanted = expected.get(name)
        if wanted is not None and not set(wanted) <= set(columns):
            missing = ", ".join(c for c in wanted if c not in columns)
            raise StoreCorrupt(f"another schema: table {name} lacks {missing}")


class ArticleState(NamedTuple):
    canonical_url: str
    content_hash: str  # "sha256:<hex>"
    version: int
    first_seen: float  # epoch seconds
    last_seen: float
    last_fetched: float
    published_at: float | None


class HubState(NamedTuple):
    etag: str | None
    last_modified: str | None
    headers: dict[str, list[str]]
    body: bytes


def pack_links(links: list[tuple[str, str]]) -> bytes:
    """[(via, url)] (via: read_also | news_feed) as a small zlib blob."""
    return zlib.compress("\n".join(f"{via} {url}" for via, url in links).encode())


def unpack_links(blob: bytes | None) -> list[tuple[str, str]]:
    if not blob:
        return []
    pairs = (line.split(" ", 1) for line in zlib.decompress(blob).decode().splitlines())
    return [(p[0], p[1]) for p in pairs if len(p) == 2]


def hash_to_blob(content_hash: str) -> bytes:
    return bytes.fromhex(content_hash.removeprefix(HASH_PREFIX))


def blob_to_hash(blob: bytes) -> str:
    return HASH_PREFIX + blob.hex()


class StateStore(TemplateTables):
    """Open with `StateStore.open(path)`; raises StoreCorrupt when the file is damaged."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path, *, check: bool = True) -> StateStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        empty_file(path)
        try:
            conn = sqlite3.connect(path, isolation_level="DEFERRED", check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreCorrupt(str(exc)) from exc
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit is on disk before "emitted" is acted on, power loss included. NORMAL would
            # only survive a process kill, and a finished run's output (renamed, no longer `.partial`)
            # could not restore marks a power cut undid. One fsync a record: an hourly run has hundreds.
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA cache_size=-8192")  # 8 MiB page cache: memory stays flat at any size
            conn.execute("PRAGMA temp_store=MEMORY")
            if check:
                problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
                if problems != ["ok"]:
                    raise StoreCorrupt("; ".join(problems[:3]))
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise StoreCorrupt(f"unknown schema version {version}")
            check_schema(conn, version)
            conn.executescript(SCHEMA)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.commit()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreCorrupt(str(exc)) from exc
        except StoreCorrupt:
            conn.close()
            raise
        return cls(conn, path)

    @property
    def location(self) -> str:
        return str(self.path)

    def close(self) -> None:
        self.conn.commit()
        self.conn.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def commit(self) -> None:
        self.conn.commit()

    # --- articles ------------------------------------------------------------------------------
    def get(self, canonical_url: str) -> ArticleState | None:
        row = self.conn.execute(
            "SELECT canonical_url, content_hash, version, first_seen, last_seen, last_fetched, published_at "
            "FROM articles WHERE canonical_url = ?",
            (canonical_url,),
        ).fetchone()
        if row is None:
            return None
        return ArticleState(row[0], blob_to_hash(row[1]), *row[2:])

    def resolve(self, url: str) -> ArticleState | None:
        """The article stored under url, or under the canonical URL that url is an alias of."""
        state = self.get(url)
        if state is not None:
            return state
        row = self.conn.execute("SELECT canonical_url FROM aliases WHERE url = ?", (url,)).fetchone()
        return self.get(row[0]) if row is not None else None

    def links(self, canonical_url: str) -> list[tuple[str, str]]:
        query = "SELECT links FROM articles WHERE canonical_url = ?"
        row = self.conn.execute(query, (canonical_url,)).fetchone()
        return unpack_links(row[0]) if row is not None else []

    def url_for_hash(self, content_hash: str) -> str | None:
        row = self.conn.execute(
            "SELECT canonical_url FROM articles WHERE content_hash = ? LIMIT 1", (hash_to_blob(content_hash),)
        ).fetchone()
        return None if row is None else str(row[0])

    def body_units(self, canonical_url: str) -> bytes | None:
        query = "SELECT units FROM body_units WHERE canonical_url = ?"
        row = self.conn.execute(query, (canonical_url,)).fetchone()
        return bytes(row[0]) if row is not None else None

    def mark_emitted(
        self,
        canonical_url: str,
        content_hash: str,
        version: int,
        published_at: float | None,
        *,
        links: list[tuple[str, str]] | None = None,
        units: bytes | None = None,
        now: float | None = None,
        commit: bool = True,
    ) -> None:
        """Record an emitted record (upsert). A lower version than the stored one never wins.

        links: the record's related links [(via, url)], followed from the store when the article is skipped.
        units: its body lines and their page blocks (extract/template.line_units), kept with the version
        that wins (none: an earlier version's are dropped).
        """
        now = time.time() if now is None else now
        self.conn.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (canonical_url) DO UPDATE SET "
            "content_hash = CASE WHEN excluded.version >= version THEN excluded.content_hash "
            "ELSE content_hash END, version = max(version, excluded.version), "
            "last_seen = max(last_seen, excluded.last_seen), "
            "last_fetched = max(last_fetched, excluded.last_fetched), "
            "published_at = coalesce(excluded.published_at, published_at), "
            "links = CASE WHEN excluded.version >= version "
            "THEN coalesce(excluded.links, links) ELSE links END",
            (
                canonical_url,
                hash_to_blob(content_hash),
                version,
                now,
                now,
                now,
                published_at,
                pack_links(links) if links else None,
            ),
        )
        won = "(SELECT version FROM articles WHERE canonical_url = ?) = ?"
        if units:
            self.conn.execute(
                f"INSERT INTO body_units SELECT ?, ? WHERE {won} "
                "ON CONFLICT (canonical_url) DO UPDATE SET units = excluded.units",
                (canonical_url, units, canonical_url, version),
            )
        else:
            self.conn.execute(
                f"DELETE FROM body_units WHERE canonical_url = ? AND {won}",
                (canonical_url, canonical_url, version),
            )
        if commit:
            self.conn.commit()

    def touch(self, canonical_url: str, *, fetched: bool, now: float | None = None) -> None:
        """last_seen (and last_fetched when fetched) := now; committed with the next commit."""
        now = time.time() if now is None else now
        if fetched:
            self.conn.execute(
                "UPDATE articles SET last_seen = ?, last_fetched = ? WHERE canonical_url = ?",
                (now, now, canonical_url),
            )
        else:
            self.conn.execute(
                "UPDATE articles SET last_seen = ? WHERE canonical_url = ?", (now, canonical_url)
            )

    def add_alias(self, url: str, canonical_url: str) -> bool:
        """url (a request key: shortlink, redirecting or duplicate URL) leads to canonical_url's article."""
        if url == canonical_url:
            return False
        cur = self.conn.execute(
            "INSERT INTO aliases VALUES (?, ?) ON CONFLICT (url) DO UPDATE SET "
            "canonical_url = excluded.canonical_url WHERE canonical_url != excluded.canonical_url",
            (url, canonical_url),
        )
        return cur.rowcount > 0

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def claim(self, canonical_url: str, content_hash: str) -> bool:
        """Always granted: one process at a time (the run lock), whose in-run dedupe already decided."""
        return True

    # --- hubs ----------------------------------------------------------------------------------
    def hub(self, url: str) -> HubState | None:
        row = self.conn.execute(
            "SELECT etag, last_modified, headers, body FROM hubs WHERE url = ?", (url,)
        ).fetchone()
        return None if row is None else HubState(row[0], row[1], json.loads(row[2]), bytes(row[3]))

    def store_hub(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        headers: Mapping[str, list[str]],
        body: bytes,
    ) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO hubs VALUES (?, ?, ?, ?, ?, ?)",
            (url, etag, last_modified, json.dumps(dict(headers)), body, time.time()),
        )
        self.conn.commit()

    # --- runs ----------------------------------------------------------------------------------
    def start_run(self, now: float | None = None) -> int:
        """A new row in runs; earlier rows that never ended are marked crashed."""
        self.conn.execute(
            "UPDATE runs SET finish_reason = 'crashed' WHERE ended IS NULL AND finish_reason IS NULL"
        )
        cur = self.conn.execute(
            "INSERT INTO runs (started) VALUES (?)", (time.time() if now is None else now,)
        )
        self.conn.commit()
        return int(cur.lastrowid or 0)

    def end_run(self, run_id: int, reason: str, stats: Mapping[str, Any]) -> None:
        self.conn.execute(
            "UPDATE runs SET ended = ?, finish_reason = ?, stats = ? WHERE id = ?",
            (time.time(), reason, json.dumps(dict(stats), sort_keys=True, default=str), run_id),
        )
        self.conn.commit()

    def runs(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Every run, oldest first; with limit, only the last ``limit`` runs."""
        query = "SELECT id, started, ended, finish_reason, stats FROM runs"
        if limit is None:
            rows = self.conn.execute(query + " ORDER BY id")
        else:
            rows = self.conn.execute(
                f"SELECT * FROM ({query} ORDER BY id DESC LIMIT ?) ORDER BY id", (limit,)
            )
        return [
            {
                "id": r[0],
                "started": r[1],
                "ended": r[2],
                "finish_reason": r[3],
                "stats": json.loads(r[4] or "{}"),
            }
            for r in rows
        ]

    # --- sources (per-hub freshness, newsmon/monitors) -----------------------------------------
    def record_sources(
        self, counts: Mapping[str, tuple[int, int]], now: float | None = None
    ) -> dict[str, int]:
        """counts: {configured hub URL: (article URLs listed this run, of which new)}. Returns, for each,
        the consecutive runs (this one included) in which it listed no new article URL."""
        now = time.time() if now is None else now
        out: dict[str, int] = {}
        for url, (listed, new) in counts.items():
            row = self.conn.execute("SELECT runs_without_new FROM sources WHERE url = ?", (url,)).fetchone()
            stale = 0 if new else (row[0] if row else 0) + 1
            self.conn.execute(
                "INSERT INTO sources VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
                "runs_without_new = excluded.runs_without_new, listed = excluded.listed, "
                "last_new = coalesce(excluded.last_new, last_new), last_run = excluded.last_run",
                (url, stale, listed, now if new else None, now),
            )
            out[url] = stale
        self.conn.commit()
        return out

    # --- notes: small JSON values kept between runs (the alert state, newsmon/alerts) -----------------
    def note(self, key: str) -> Any:
        row = self.conn.execute("SELECT value FROM notes WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def swap_note(self, key: str, old: Any, new: Any) -> bool:
        """Set the note to new (None deletes it) when it still holds old; False when another writer changed
        it first. One process holds a SQLite store (the run lock), so this only guards against a misuse."""
        if self.note(key) != old:
            return False
        if new is None:
            self.conn.execute("DELETE FROM notes WHERE key = ?", (key,))
        else:
            self.conn.execute(
                "INSERT INTO notes VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(new, sort_keys=True)),
            )
        self.conn.commit()
        return True
