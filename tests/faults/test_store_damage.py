"""Issue 20, case 4: a state store damaged between runs is rebuilt from the outputs, never read as empty.

A power cut can leave the SQLite store as a file of 0 bytes, a bad copy can put a valid SQLite database of
another program in its place, and Redis keys can hold another type than the store writes. Before: SQLite
took the first two for a new store (exit 0, every replica article emitted again as version 1). Now each is
set aside with a warning, and the store is rebuilt from the run outputs, as for a deleted one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest

from newsmon.state.store import StateStore, StoreCorrupt
from tests.crawl_helpers import (
    ROOT,
    CrawlResult,
    collect_result,
    crawl_command,
    in_process_extraction,
    read_jsonl,
)
from tests.forkserver import run_python
from tests.redis_helpers import RedisServer, needs_redis
from tests.replica.server import ReplicaServer

SPIDER = "euromaidan"


def zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def other_schema(path: Path) -> None:
    """A valid SQLite database of another program (no user_version, its own tables)."""
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('a shopping list')")
    conn.commit()
    conn.close()


def same_tables_other_columns(path: Path) -> None:
    """newsmon's user_version and table names, but an articles table of other columns."""
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()


DAMAGES = {"zero_bytes": zero_bytes, "other_schema": other_schema}


# --- units: StateStore.open ------------------------------------------------------------------------
@pytest.mark.parametrize("damage", [zero_bytes, other_schema, same_tables_other_columns])
def test_store_open_refuses_a_file_that_is_not_a_newsmon_store(tmp_path: Path, damage: object) -> None:
    path = tmp_path / "s.sqlite3"
    with StateStore.open(path) as store:
        store.mark_emitted("https://x.example/a", "sha256:" + "1" * 64, 1, None)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    assert callable(damage)
    damage(path)
    with pytest.raises(StoreCorrupt, match=r"empty|another schema"):
        StateStore.open(path).close()


def test_new_and_older_stores_still_open(tmp_path: Path) -> None:
    """A path with no file is a new store; a store without a table of a later release gets it."""
    path = tmp_path / "s.sqlite3"
    with StateStore.open(path) as store:
        store.mark_emitted("https://x.example/a", "sha256:" + "1" * 64, 1, None)
        store.conn.execute("DROP TABLE sources")
    with StateStore.open(path) as store:
        assert store.count() == 1
        assert store.conn.execute("SELECT count(*) FROM sources").fetchone() == (0,)


# --- crawls: SQLite ---------------------------------------------------------------------------------
def _crawl(
    replica: ReplicaServer, root: Path, name: str, *args: str, redis_url: str = ""
) -> tuple[CrawlResult, list[dict[str, Any]]]:
    """One run sharing root's state dir and per-run outputs; its result and the records it added."""
    out = root / "out" / SPIDER
    before = set(out.glob("*.jsonl")) if out.exists() else set()
    workdir = root / name
    command = crawl_command(
        replica.base_url,
        workdir,
        "-s",
        f"NEWSMON_OUTPUT_URI={root / 'out'}/%(name)s/%(time)s.jsonl",
        *in_process_extraction(args),
        *args,
        output=False,
        state_dir=root / "state",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), **({"NEWSMON_REDIS_URL": redis_url} if redis_url else {})}
    proc = run_python(command, cwd=ROOT, env=env, timeout=240)  # the fork server: tests/forkserver.py
    result = collect_result(workdir, proc.returncode, proc.stdout + proc.stderr)
    assert result.returncode == 0, result.log[-3000:]
    new = sorted(set(out.glob("*.jsonl")) - before)
    assert len(new) <= 1, new  # none for a quiet run: no empty per-run file (FEED_STORE_EMPTY)
    return result, read_jsonl(new[0]) if new else []


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """One undamaged run of the replica: its directory and the number of records it emitted."""
    root = tmp_path_factory.mktemp("first")
    with ReplicaServer() as replica:
        _, records = _crawl(replica, root, "run1")
    return root, len(records)


@pytest.mark.crawl
@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_damaged_store_is_rebuilt_from_outputs(
    first_run: tuple[Path, int], tmp_path: Path, damage: str
) -> None:
    source, emitted = first_run
    assert emitted == 28  # the replica's articles
    root = tmp_path / "copy"
    shutil.copytree(source, root)
    store = root / "state" / f"{SPIDER}.sqlite3"
    for suffix in ("-wal", "-shm"):  # the damaged file alone, as a power cut or a bad copy leaves it
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    DAMAGES[damage](store)
    with ReplicaServer() as replica:
        second, again = _crawl(replica, root, "run2")
    assert again == []  # nothing emitted again (was: 28 records, all version 1)
    assert second.stats["newsmon/state/corrupt_recovered"] == 1
    assert second.stats["newsmon/state/rebuilt_records"] == emitted
    assert any("is corrupt" in line and "WARNING" in line for line in second.log.splitlines())
    assert len(list((root / "state").glob(f"{SPIDER}.sqlite3.corrupt-*"))) == 1
    with StateStore.open(store) as rebuilt:
        assert rebuilt.count() == emitted


# --- crawls: Redis ---------------------------------------------------------------------------------
@needs_redis
@pytest.mark.crawl
def test_redis_keys_of_the_wrong_type_are_set_aside_and_rebuilt(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    args = ("-s", "NEWSMON_BACKEND=redis", "-s", f"NEWSMON_REDIS_PREFIX={prefix}")
    url = redis_server.url
    with ReplicaServer() as replica:
        _, records = _crawl(replica, tmp_path, "run1", *args, "-s", "NEWSMON_RUN_ID=r1", redis_url=url)
        conn = redis_server.client()
        base = f"{prefix}:{SPIDER}:"
        article = base + "a:" + records[0]["canonical_url"]
        conn.delete(article, base + "count")
        conn.set(article, "not a hash")  # another program's value under the store's key
        conn.rpush(base + "count", "x")
        second, again = _crawl(replica, tmp_path, "run2", *args, "-s", "NEWSMON_RUN_ID=r2", redis_url=url)
    assert again == []
    assert second.stats["newsmon/state/corrupt_recovered"] == 1
    assert second.stats["newsmon/state/rebuilt_records"] == len(records) == 28
    assert any("keys of the wrong type" in line for line in second.log.splitlines())
    assert conn.type(article) == b"hash" and conn.type(base + "count") == b"string"
    assert conn.get(base + "corrupt:" + article[len(base) :]) == b"not a hash"
    assert int(conn.get(base + "count") or 0) == len(records)  # recounted from the article keys
