"""The output commit protocol with sinks, on real crawls of the replica into a real PostgreSQL server (and
redis-server, and a local webhook): a record is marked emitted only once every sink holds it; a sink that is
down at start refuses the run before any request (exit 2, one line); a server killed mid-run fails the run
with nothing marked that it does not hold; a crawl killed with SIGKILL mid-batch loses nothing; and after
each, the next run leaves every article exactly once in the table and in the files."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsmon.crawl.arguments import EXIT_BAD_ARGUMENT
from newsmon.record import record_id
from tests.crawl_helpers import ROOT, collect_result, in_process_extraction
from tests.forkserver import ForkedProcess, run_python, start_python
from tests.postgres_helpers import PostgresServer, needs_postgres, running_postgres
from tests.redis_helpers import RedisServer, needs_redis
from tests.replica.server import ReplicaServer
from tests.test_incremental import wait_until
from tests.test_output_faults import Site
from tests.test_sink_webhook import Hook

pytestmark = [pytest.mark.crawl, needs_postgres]

SECRET = "pw-not-logged"  # the password in PostgresServer.url


@pytest.fixture
def pg() -> Iterator[PostgresServer]:
    """A server of the test's own: these tests stop and kill it."""
    with running_postgres(template=True) as server:
        yield server


def rows(pg: PostgresServer, table: str = "articles") -> list[tuple[str, int, str]]:
    with pg.connect() as conn:
        return conn.execute(f"SELECT id, version, canonical_url FROM {table}").fetchall()  # type: ignore[no-any-return]


def assert_table_exactly_once(pg: PostgresServer, site: Site) -> None:
    found = rows(pg)
    urls = [url for _, _, url in found]
    assert sorted(urls) == sorted(site.expected), "every article exactly once"
    assert all(rid == record_id(url) for rid, _, url in found)


def start(site: Site, *args: str) -> tuple[ForkedProcess | subprocess.Popen[bytes], Path]:
    """The crawl in the background (forked and extracting in the crawl process, as Site.run's are); its
    stderr goes to workdir/stderr.txt."""
    command, workdir = site.command(*in_process_extraction(args), *args)  # as Site.run extracts
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return start_python(command, cwd=ROOT, env=env, stderr=workdir / "stderr.txt"), workdir


@needs_redis
def test_crawl_into_every_sink_marks_after_commit_and_a_rerun_adds_nothing(
    pg: PostgresServer, redis_server: RedisServer, tmp_path: Path
) -> None:
    hook = Hook()
    sinks = [
        f"{pg.url}?table=articles",
        redis_server.url.replace("redis://", "redis+stream://") + "?stream=news",
        hook.url,
    ]
    try:
        with ReplicaServer() as replica:
            site = Site(replica, tmp_path, tmp_path / "out")
            env = {"NEWSMON_SINK_AUTH": "Bearer hook-token-secret"}
            status, log, stats = site.run("-s", f"NEWSMON_SINKS={json.dumps(sinks)}", env=env)
            assert status == 0, log[-3000:]
            assert stats["newsmon/sink/records"] == len(site.expected)
            assert stats["newsmon/state/emitted"] == len(site.expected)
            assert SECRET not in log and "hook-token-secret" not in log and "pw-not-logged" not in log
            assert_table_exactly_once(pg, site)
            assert redis_server.client().xlen("news") == len(site.expected)
            posted = [r for headers, body in hook.posts for r in body["records"]]
            assert sorted(r["canonical_url"] for r in posted) == sorted(site.expected)
            assert all(h["Authorization"] == "Bearer hook-token-secret" for h, _ in hook.posts)
            # a second run: nothing new, nothing delivered twice
            status, log, stats = site.run("-s", f"NEWSMON_SINKS={json.dumps(sinks)}", env=env)
            assert status == 0, log[-3000:]
            assert stats.get("newsmon/sink/records", 0) == 0
        assert_table_exactly_once(pg, site)
        assert redis_server.client().xlen("news") == len(site.expected)
        site.assert_exactly_once()
    finally:
        hook.close()


def test_sink_down_at_start_refuses_the_run_before_any_request(pg: PostgresServer, tmp_path: Path) -> None:
    pg.stop()
    sink = f"NEWSMON_SINKS={pg.url}?table=articles"
    with ReplicaServer() as replica:
        site = Site(replica, tmp_path, tmp_path / "out")
        command, workdir = site.command("-s", sink)
        proc = run_python(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.returncode == EXIT_BAD_ARGUMENT, proc.stderr[-3000:]
        lines = [line for line in proc.stderr.splitlines() if line.startswith("newsmon: ")]
        assert len(lines) == 1 and lines[0].startswith("newsmon: sink postgresql://***@127.0.0.1"), lines
        assert SECRET not in proc.stderr + collect_result(workdir, 2).log
        assert replica.requests == []  # not even robots.txt
        assert site.marked() == set()
        assert site.outputs() == [] and site.outputs(partial=True) == []
        pg.start()
        status, log, _ = site.run("-s", sink)
        assert status == 0, log[-3000:]
    assert_table_exactly_once(pg, site)
    site.assert_exactly_once()


@pytest.mark.parametrize("batch", [3, 500], ids=["mid-batch", "last-batch-at-close"])
def test_server_killed_mid_run_marks_nothing_uncommitted_and_the_next_run_delivers_the_rest(
    pg: PostgresServer, tmp_path: Path, batch: int
) -> None:
    """batch 3: a batch fails during the crawl; 500: the only batch, delivered as the spider closes, fails."""
    args = ("-s", f"NEWSMON_SINKS={pg.url}?table=articles", "-s", f"NEWSMON_SINK_BATCH_SIZE={batch}")
    args += ("-s", "NEWSMON_SINK_TIMEOUT=3", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
    # slow pages: the server is killed well before the crawl could reach its end (and the batch at close)
    with ReplicaServer(delay=0.05 if batch == 3 else 0.2) as replica:
        site = Site(replica, tmp_path, tmp_path / "out")
        proc, workdir = start(site, *args)
        try:
            rows_now = RowCount(pg)
            try:
                if batch == 3:
                    wait_until(lambda: rows_now.count() >= 3 or proc.poll() is not None, timeout=120)
                else:
                    wait_until(lambda: partial_lines(site) >= 5 or proc.poll() is not None, timeout=120)
            finally:
                rows_now.close()
            assert proc.poll() is None, "the crawl ended before the server could be killed"
            committed = {url for _, _, url in rows(pg)}
            pg.stop(signal.SIGKILL)
            proc.wait(timeout=180)
        finally:
            if proc.poll() is None:
                proc.kill()
        stderr = (workdir / "stderr.txt").read_text(encoding="utf-8")
        result = collect_result(workdir, proc.returncode, stderr)
        assert proc.returncode != 0, result.log[-3000:]
        assert "Output error: sink postgresql://***@" in result.log
        assert result.stats["newsmon/sink/failed"] == 1
        assert result.stats["newsmon/monitor/outputs"] == "fail"
        assert SECRET not in result.log
        marked = site.marked()
        assert bool(committed) == bool(marked) == (batch == 3)
        assert site.outputs(partial=True), "the per-run file stays .partial for the next start"
        # the server back: the next start hands the failed run's records to it, the crawl the rest
        pg.start()
        held = {url for _, _, url in rows(pg)}
        assert marked <= held and len(held) < len(site.expected)
        replica.delay = 0.0
        status, log, _stats = site.run(*args)
        assert status == 0, log[-3000:]
    assert_table_exactly_once(pg, site)
    site.assert_exactly_once()


class RowCount:
    """``count()``: the rows of the articles table (0 while it does not exist or the server does not answer),
    over one connection kept for the polls of a wait: a connection per poll (every 5 ms) was a backend
    forked and authenticated each time, most of these tests' CPU while they wait. ``close()`` before the
    server is stopped."""

    def __init__(self, pg: PostgresServer) -> None:
        self.pg = pg
        self.conn: Any = None

    def count(self) -> int:
        try:
            if self.conn is None:
                self.conn = self.pg.connect()
            row: Any = self.conn.execute(
                "SELECT count(*) FROM pg_tables WHERE tablename = 'articles'"
            ).fetchone()
            if not row[0]:
                return 0
            counted: Any = self.conn.execute("SELECT count(*) FROM articles").fetchone()
            return int(counted[0])
        except Exception:
            self.close()
            return 0

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()


def partial_lines(site: Site) -> int:
    return sum(p.read_bytes().count(b"\n") for p in site.outputs(partial=True))


def test_sigkill_of_the_crawl_mid_batch_then_every_record_exactly_once(
    pg: PostgresServer, tmp_path: Path
) -> None:
    args = ("-s", f"NEWSMON_SINKS={pg.url}?table=articles", "-s", "NEWSMON_SINK_BATCH_SIZE=4")
    args += ("-s", "NEWSMON_SINK_MAX_DELAY=600", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    # one page at a time, each 0.3 s: between seeing a half-full batch and the kill no batch completes
    with ReplicaServer(delay=0.3) as replica:
        site = Site(replica, tmp_path, tmp_path / "out")
        proc, _workdir = start(site, *args)
        try:
            # a batch committed, and records written to the file that wait in the next batch
            rows_now = RowCount(pg)
            try:
                wait_until(
                    lambda: (
                        proc.poll() is not None or (rows_now.count() >= 4 and partial_lines(site) % 4 != 0)
                    ),
                    timeout=120,
                )
            finally:
                rows_now.close()
            assert proc.poll() is None, "the crawl ended before it could be killed"
            proc.kill()
            proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
        held = {url for _, _, url in rows(pg)}
        assert site.marked() <= held  # nothing marked that the table does not hold
        on_disk = {r["canonical_url"] for p in site.outputs(partial=True) for r in read_lines(p)}
        assert on_disk - held, "some written records were still waiting for their batch"
        replica.delay = 0.0
        status, log, stats = site.run(*args)
        assert status == 0, log[-3000:]
        assert stats["newsmon/state/recovered_files"] == 1
    assert_table_exactly_once(pg, site)
    site.assert_exactly_once()


def read_lines(path: Path) -> list[dict[str, Any]]:
    """The complete lines of a file a killed process was writing (a torn last line is skipped)."""
    out = []
    for line in path.read_bytes().split(b"\n")[:-1]:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def test_without_the_state_store_the_sinks_still_get_every_record(pg: PostgresServer, tmp_path: Path) -> None:
    with ReplicaServer() as replica:
        site = Site(replica, tmp_path, tmp_path / "out")
        args = ("-s", f"NEWSMON_SINKS={pg.url}?table=articles", "-s", "NEWSMON_STATE_ENABLED=False")
        status, log, stats = site.run(*args)
        assert status == 0, log[-3000:]
        assert stats["newsmon/sink/records"] == len(site.expected)
        status, log, _ = site.run(*args)  # everything again: the upserts keep one row per version
        assert status == 0, log[-3000:]
    assert_table_exactly_once(pg, site)


def test_feeds_marked_at_the_end_wait_for_the_sinks_too(tmp_path: Path) -> None:
    """A batched feed is durable only once stored, so records are marked at the end: only when the sinks
    also committed everything. A webhook refusing the batch leaves all of them unmarked."""
    hook = Hook()
    try:
        with ReplicaServer() as replica:
            site = Site(replica, tmp_path, tmp_path / "out")
            feeds = {str(tmp_path / "batches" / "b-%(batch_id)d.jsonl"): {"format": "jsonlines"}}
            args = ("-s", f"FEEDS={json.dumps(feeds)}", "-s", "FEED_EXPORT_BATCH_ITEM_COUNT=10")
            args += ("-s", f"NEWSMON_SINKS={hook.url}")
            hook.script = ["ok", "400"]  # the check at start passes, the records' batch is refused
            status, log, stats = site.run(*args)
            assert status != 0, log[-3000:]
            assert stats["newsmon/sink/failed"] == 1
            assert site.marked() == set()
            status, log, stats = site.run(*args)
            assert status == 0, log[-3000:]
            assert site.marked() >= site.expected
        delivered = [r["canonical_url"] for _, body in hook.posts for r in body["records"]]
        assert set(delivered) == site.expected
    finally:
        hook.close()
