"""PostgreSQL sink: a row per (id, version) in a table newsmon creates and migrates; each batch one commit.

The record is kept whole as JSONB, with the columns an archive filters and joins on beside it (site,
canonical_url, published_at, version; indexed). ``INSERT ... ON CONFLICT (id, version) DO NOTHING``: a
version is immutable, so delivering it again (after a crash, from a recovered output) changes nothing. The
schema version of each table is kept in ``newsmon_schema``; migrations run under an advisory lock, so two
processes starting at once do not race. URI: ``postgresql://user:password@host:port/db?table=articles``
(``table``, default ``newsmon_records``, is newsmon's; every other parameter goes to libpq).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from newsmon.sinks import Sink, SinkConfig, SinkError, SinkUnusable, own_params

logger = logging.getLogger(__name__)

DEFAULT_TABLE = "newsmon_records"
_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
INSTALL_HINT = "pip install 'newsmon[postgres]'"

#: Migrations of a record table, in order: the table's schema version is the number applied.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE {t} (
        id text NOT NULL,
        version integer NOT NULL,
        site text NOT NULL,
        canonical_url text NOT NULL,
        published_at timestamptz,
        scraped_at timestamptz,
        content_hash text,
        record jsonb NOT NULL,
        delivered_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (id, version)
    );
    CREATE INDEX {t}_site ON {t} (site);
    CREATE INDEX {t}_canonical_url ON {t} (canonical_url);
    CREATE INDEX {t}_published_at ON {t} (published_at);
    CREATE INDEX {t}_version ON {t} (id, version DESC);
    """,
    # lz4 compresses the ~10 KB records at a third of pglz's CPU cost (PostgreSQL 14+ built with lz4;
    # elsewhere the column keeps the server's default)
    """
    DO $$ BEGIN
        ALTER TABLE {t} ALTER COLUMN record SET COMPRESSION lz4;
    EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR syntax_error THEN NULL;
    END $$;
    """,
)

SCHEMA_TABLE = """
CREATE TABLE IF NOT EXISTS newsmon_schema (
    name text PRIMARY KEY,
    version integer NOT NULL,
    migrated_at timestamptz NOT NULL DEFAULT now()
)
"""

COLUMNS = "id, version, site, canonical_url, published_at, scraped_at, content_hash, record"
# A batch is copied into a temporary table (COPY: one stream, no per-row round trip or statement; the record
# kept as uncompressed text there), then inserted from it in one statement, the JSON parsed once; rows whose
# (id, version) is there already are left as they are.
STAGE = (
    "CREATE TEMP TABLE IF NOT EXISTS newsmon_batch (id text, version integer, site text, canonical_url text, "
    "published_at timestamptz, scraped_at timestamptz, content_hash text, record text) ON COMMIT DELETE ROWS;"
    "ALTER TABLE newsmon_batch ALTER COLUMN record SET STORAGE EXTERNAL"
)
COPY = f"COPY newsmon_batch ({COLUMNS}) FROM STDIN"
INSERT = (
    f"INSERT INTO {{t}} ({COLUMNS}) SELECT id, version, site, canonical_url, published_at, scraped_at, "
    "content_hash, record::jsonb FROM newsmon_batch ON CONFLICT (id, version) DO NOTHING"
)


class PostgresSink(Sink):
    def __init__(self, uri: str, config: SinkConfig) -> None:
        super().__init__(uri, config)
        conninfo, own = own_params(uri, ("table",))
        self.conninfo = conninfo.replace("postgres://", "postgresql://", 1)
        self.table = own.get("table") or DEFAULT_TABLE
        if not _TABLE_NAME.match(self.table):
            raise ValueError(f"sink {self.label}: table {self.table!r} must be a lowercase SQL identifier")
        self.conn: Any = None
        self.staged = False  # the connection has its temporary batch table

    def open(self) -> None:
        try:
            import psycopg
        except ImportError:
            raise SinkUnusable(f"sink {self.label}: PostgreSQL needs psycopg ({INSTALL_HINT})") from None
        timeout_ms = int(self.config.timeout * 1000)
        try:
            self.conn = psycopg.connect(
                self.conninfo,
                connect_timeout=max(1, round(self.config.timeout)),
                options=f"-c statement_timeout={timeout_ms}",
                application_name="newsmon",
                autocommit=True,  # each batch is one explicit transaction (conn.transaction())
            )
            version = self.migrate()
        except psycopg.Error as exc:
            self.close()
            raise SinkUnusable(f"sink {self.label}: {_reason(exc)}") from None
        except SinkUnusable:
            self.close()
            raise
        logger.info("Sink %s: table %s (schema version %d)", self.label, self.table, version)

    def migrate(self) -> int:
        """Create or migrate the table to the newest schema; its schema version."""
        conn = self.conn
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('newsmon_schema'))")
            conn.execute(SCHEMA_TABLE)
            row = conn.execute("SELECT version FROM newsmon_schema WHERE name = %s", (self.table,)).fetchone()
            current = int(row[0]) if row else 0
            if current > len(MIGRATIONS):
                raise SinkUnusable(
                    f"sink {self.label}: table {self.table} has schema version {current}, newer than this "
                    f"newsmon knows ({len(MIGRATIONS)}): upgrade newsmon"
                )
            for step in MIGRATIONS[current:]:
                conn.execute(step.format(t=self.table))
            if current < len(MIGRATIONS):
                conn.execute(
                    "INSERT INTO newsmon_schema (name, version) VALUES (%s, %s) ON CONFLICT (name) "
                    "DO UPDATE SET version = EXCLUDED.version, migrated_at = now()",
                    (self.table, len(MIGRATIONS)),
                )
        return len(MIGRATIONS)

    def write(self, records: Sequence[dict[str, Any]]) -> None:
        import psycopg

        if self.conn is None:
            self.open()
        try:
            if not self.staged:
                self.conn.execute(STAGE)
                self.staged = True
            with self.conn.transaction(), self.conn.cursor() as cur:
                with cur.copy(COPY) as copy:
                    for r in records:
                        copy.write_row(
                            (
                                r["id"],
                                int(r.get("version") or 1),
                                r.get("site") or "",
                                r["canonical_url"],
                                r.get("published_at"),
                                r.get("scraped_at"),
                                r.get("content_hash"),
                                json.dumps(r, ensure_ascii=False),
                            )
                        )
                cur.execute(INSERT.format(t=self.table))
        except psycopg.Error as exc:
            self.close()  # a broken connection is opened again for the next batch (next run: at start)
            raise SinkError(f"sink {self.label}: {_reason(exc)}") from None

    def close(self) -> None:
        conn, self.conn = self.conn, None
        self.staged = False
        if conn is not None:
            try:
                conn.close()
            except Exception as exc:  # closing a dead connection: nothing is lost by it
                logger.debug("Sink %s: close failed (%s)", self.label, exc)


def _reason(exc: Exception) -> str:
    """psycopg's message on one line (its messages name host and port, never the password)."""
    return " ".join(str(exc).split()) or type(exc).__name__
