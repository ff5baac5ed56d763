"""Distributed mode on a real redis-server started here: the Redis state store and host memory on their own,
two crawler processes sharing one run on the replica, Redis unavailable at start and lost mid-run."""

from __future__ import annotations

import json
import logging
import os
import pprint
import signal
import subprocess
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsmon.distributed.config import DistributedConfig, default_run_id, mask_url
from newsmon.distributed.coordinator import join_run
from newsmon.distributed.host_memory import RedisHostTierMemory
from newsmon.distributed.redact import RedactRedisPasswords, redact
from newsmon.state.recovery import recover_partials
from newsmon.state.redis_store import RedisStateStore
from newsmon.state.store import ArticleState
from tests.crawl_helpers import ROOT, CrawlResult, collect_result, crawl_command
from tests.forkserver import Started, start_python
from tests.redis_helpers import PASSWORD, RedisServer, free_port, needs_redis, store_config
from tests.replica.server import ReplicaServer

H1 = "sha256:" + "1" * 64
H2 = "sha256:" + "2" * 64

pytestmark = needs_redis


# --- units -----------------------------------------------------------------------------------------
def test_store_roundtrip_versions_and_aliases(redis_server: RedisServer) -> None:
    with RedisStateStore(redis_server.client(), store_config(redis_server), "sp") as store:
        assert store.get("u") is None
        store.mark_emitted("u", H1, 1, 1000.0, now=50.0)
        assert store.get("u") == ArticleState("u", H1, 1, 50.0, 50.0, 50.0, 1000.0)
        store.mark_emitted("u", H2, 2, None, now=60.0, links=[("read_also", "https://x/r")])
        store.mark_emitted("u", H1, 1, None, now=70.0)  # an older version never wins
        state = store.get("u")
        assert state is not None
        assert (state.content_hash, state.version, state.first_seen, state.published_at) == (
            H2,
            2,
            50.0,
            1000.0,
        )
        assert state.last_seen == 70.0
        assert store.links("u") == [("read_also", "https://x/r")]
        assert store.url_for_hash(H2) == "u" and store.url_for_hash(H1) is None
        assert store.add_alias("short", "u") and not store.add_alias("short", "u")
        assert not store.add_alias("u", "u")
        resolved = store.resolve("short")
        assert resolved is not None and resolved.canonical_url == "u"
        store.touch("u", fetched=True, now=99.0)
        store.touch("missing", fetched=True, now=99.0)  # no partial record appears
        state = store.get("u")
        assert state is not None and state.last_fetched == 99.0
        assert store.get("missing") is None and store.count() == 1
        store.store_hub("https://x/feed", '"e1"', None, {"Content-Type": ["application/rss+xml"]}, b"<rss/>")
        hub = store.hub("https://x/feed")
        assert hub is not None and (hub.etag, hub.last_modified, hub.body) == ('"e1"', None, b"<rss/>")
        assert hub.headers == {"Content-Type": ["application/rss+xml"]}
        assert store.hub("https://x/other") is None
        assert PASSWORD not in store.location and "***" in store.location


def test_claims_are_exclusive_and_expire(redis_server: RedisServer) -> None:
    conf = store_config(redis_server, claim_ttl_s=0.3)
    one = RedisStateStore(redis_server.client(), conf, "sp")
    two = RedisStateStore(redis_server.client(), conf, "sp")
    assert one.claim("https://x/a", H1)
    assert not two.claim("https://x/a", H2)  # same URL (e.g. reached by a shortlink)
    assert not two.claim("https://x/b", H1)  # same body under another URL
    assert two.claim("https://x/b", H2)
    time.sleep(0.4)  # a crashed claimant's claim expires: a later run may emit it
    assert two.claim("https://x/a", H1)


def test_runs_of_dead_processes_marked_crashed(redis_server: RedisServer) -> None:
    conf = store_config(redis_server)
    store = RedisStateStore(redis_server.client(), conf, "sp")
    first = store.start_run()
    store.conn.delete(store.base + "worker:" + store.worker)  # its process died: liveness key expired
    second = store.start_run()
    store.end_run(second, "finished", {"item_scraped_count": 3})
    runs = store.runs()
    assert [r["id"] for r in runs] == [first, second]
    assert [r["finish_reason"] for r in runs] == ["crashed", "finished"]
    assert runs[1]["stats"] == {"item_scraped_count": 3} and runs[1]["run_id"] == "r1"
    third = store.start_run()  # a live process's open run is left alone
    assert store.start_run() and store.runs()[2]["id"] == third and store.runs()[2]["finish_reason"] is None


def test_partial_outputs_recovered_into_redis(redis_server: RedisServer, tmp_path: Path) -> None:
    partial = tmp_path / "2026-01-01T00-00-00+00-00.jsonl.partial"
    line = json.dumps({"canonical_url": "https://x/1", "content_hash": H1, "version": 1})
    partial.write_text(line + '\n{"canon', encoding="utf-8")  # a torn last line
    store = RedisStateStore(redis_server.client(), store_config(redis_server), "sp")
    assert recover_partials(store, str(tmp_path / "*.jsonl")) == (1, 1, 1, 0)
    assert store.get("https://x/1") is not None and not partial.exists()


def test_host_memory_shared_by_processes(redis_server: RedisServer) -> None:
    conf = store_config(redis_server)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    node_a = RedisHostTierMemory(redis_server.client(), conf, "sp", 2, timedelta(hours=6))
    node_b = RedisHostTierMemory(redis_server.client(), conf, "sp", 2, timedelta(hours=6))
    assert not node_a.record_escalation("news.example", "challenge_403", now)
    assert node_b.stealthy_reason("news.example", now) is None
    assert node_b.record_escalation("news.example", "challenge_403", now)  # the run's second, on node B
    assert node_a.stealthy_reason("news.example", now) == "host_memory"
    assert node_a.stealthy_reason("other.example", now) is None
    assert node_b.stealthy_reason("news.example", now + timedelta(hours=7)) is None  # expired, forgotten
    assert node_a.stealthy_reason("news.example", now) is None


def test_host_memory_asks_redis_once_per_host_for_a_no(redis_server: RedisServer) -> None:
    conf = store_config(redis_server)
    memory = RedisHostTierMemory(redis_server.client(), conf, "sp", 2, timedelta(hours=6))
    assert memory.stealthy_reason("quiet.example") is None
    calls: list[str] = []
    real_hget = memory.conn.hget
    memory.conn.hget = lambda *args: calls.append("hget") or real_hget(*args)  # type: ignore[method-assign]
    for _ in range(50):  # every page request asks; Redis is not asked again within CACHE_S
        assert memory.stealthy_reason("quiet.example") is None
    assert calls == []
    assert memory.stealthy_reason("other.example") is None and calls == ["hget"]


def test_one_run_at_a_time_same_run_id_joins(redis_server: RedisServer) -> None:
    conf = store_config(redis_server)
    conn = redis_server.client()
    assert join_run(conn, conf, "sp") is None
    assert join_run(conn, conf, "sp") is None  # a second process of the same run
    assert join_run(conn, store_config(redis_server, run_id="r2", prefix=conf.prefix), "sp") == "r1"


def test_config_and_masking() -> None:
    assert mask_url("redis://:pw@10.0.0.5:6379/0") == "redis://***@10.0.0.5:6379/0"
    assert mask_url("redis://user:pw@host/1") == "redis://***@host/1"
    assert mask_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    assert redact("{'REDIS_URL': 'redis://:pw@h:1/0'}") == "{'REDIS_URL': 'redis://***@h:1/0'}"
    assert default_run_id(datetime(2026, 3, 1, 7, 59, tzinfo=UTC)) == "20260301T07"
    from scrapy.settings import Settings

    with pytest.raises(ValueError, match="NEWSMON_RUN_ID"):
        DistributedConfig.from_settings(Settings({"NEWSMON_BACKEND": "redis", "NEWSMON_RUN_ID": "a b%"}))
    with pytest.raises(ValueError, match="NEWSMON_BACKEND"):
        DistributedConfig.from_settings(Settings({"NEWSMON_BACKEND": "mongo"}))


# --- crawls ----------------------------------------------------------------------------------------
pytest_crawl = pytest.mark.crawl


def distributed_command(
    base_url: str, workdir: Path, run_id: str, *args: str, prefix: str = "newsmon"
) -> list[str]:
    return crawl_command(
        base_url,
        workdir,
        "-s",
        "NEWSMON_BACKEND=redis",
        "-s",
        f"NEWSMON_RUN_ID={run_id}",
        "-s",
        f"NEWSMON_REDIS_PREFIX={prefix}",
        "-s",
        "NEWSMON_REDIS_HEARTBEAT=0.5",
        *args,
        state_dir=workdir / "state",
    )


@dataclass
class Crawler:
    """A crawl process of its own (its own session), its stdout and stderr in files beside its workdir."""

    proc: Started
    out: Path
    err: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def returncode(self) -> int:
        """Its exit status, once communicate returned."""
        code = self.proc.returncode
        assert code is not None, "still running"
        return int(code)

    def communicate(self, timeout: float) -> str:
        """Waits for its end (subprocess.TimeoutExpired after timeout s); what it wrote, stdout first."""
        self.proc.wait(timeout=timeout)
        return "".join(path.read_text(encoding="utf-8") for path in (self.out, self.err) if path.exists())


def start(command: list[str], redis_url: str, workdir: Path) -> Crawler:
    """The crawl forked from the fork server (start_python), as a process and session of its own, as
    cron starts one: the test is about processes sharing a run, not about the interpreter starting."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSMON_REDIS_URL": redis_url}
    out, err = workdir.with_name(workdir.name + ".out"), workdir.with_name(workdir.name + ".err")
    proc = start_python(command, cwd=ROOT, env=env, stdout=out, stderr=err, start_new_session=True)
    return Crawler(proc, out, err)


def run_pair(
    replica: ReplicaServer, root: Path, run_id: str, redis_url: str, prefix: str
) -> list[CrawlResult]:
    """Two processes of one run, started together, each to its end."""
    workdirs = [root / f"{run_id}-{node}" for node in ("a", "b")]
    # a few requests at a time each, so neither process takes the whole queue before the other starts
    args = ("-s", "CONCURRENT_REQUESTS=4")
    procs = [
        start(distributed_command(replica.base_url, w, run_id, *args, prefix=prefix), redis_url, w)
        for w in workdirs
    ]
    results = []
    for proc, workdir in zip(procs, workdirs, strict=True):
        try:
            out = proc.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            for p in procs:
                os.killpg(p.pid, signal.SIGKILL)
            raise
        results.append(collect_result(workdir, proc.returncode, out))
    return results


@pytest_crawl
def test_two_processes_share_one_run_exactly_once(redis_server: RedisServer, tmp_path: Path) -> None:
    prefix = f"acc{uuid.uuid4().hex[:6]}"
    with ReplicaServer(delay=0.2) as replica:  # a slow site: both processes are on it at once
        expected = replica.site.expected_by_path()
        first = run_pair(replica, tmp_path, "run-1", redis_server.url, prefix)
        for result in first:
            assert result.returncode == 0, result.log[-3000:]
            assert "Traceback" not in result.log, result.log[-3000:]
            assert PASSWORD not in result.log  # the URL came from the environment: masked everywhere
        emitted = Counter(r["canonical_url"].split("/", 3)[3] for res in first for r in res.records)
        assert sorted(emitted) == sorted(p.lstrip("/") for p in expected)
        assert set(emitted.values()) == {1}, [k for k, v in emitted.items() if v > 1]  # exactly once
        for result in first:  # both did some of the work
            assert result.stats.get("scheduler/dequeued/redis", 0) > 0  # requests of the shared queue
        assert sum(len(r.records) for r in first) == sum(r.stats["newsmon/state/emitted"] for r in first)
        assert sum(r.stats.get("newsmon/distributed/run_cleaned", 0) for r in first) == 1
        leftover = redis_server.client().keys(f"{prefix}:euromaidan:run:*")
        assert leftover == [], leftover  # the last process deleted the run's queue and dupefilter

        replica.clear_requests()
        second = run_pair(replica, tmp_path, "run-2", redis_server.url, prefix)
        for result in second:
            assert result.returncode == 0, result.log[-3000:]
            assert result.records == []
        fetched = [r.path for r in replica.requests]
        assert any(p.startswith("/feed") for p in fetched)  # hubs are fetched again by a new run
        assert sum(r.stats.get("newsmon/state/skipped", 0) for r in second) >= 10


@pytest_crawl
def test_password_in_settings_is_masked_in_the_log(redis_server: RedisServer, tmp_path: Path) -> None:
    with ReplicaServer() as replica:
        workdir = tmp_path / "masked"
        command = distributed_command(
            replica.base_url,
            workdir,
            "solo",
            "-s",
            f"REDIS_URL={redis_server.url}",
            "-a",
            "categories=",
            "-a",
            "feeds=",
            "-s",
            "LOG_LEVEL=DEBUG",
        )
        proc = start(command, "", workdir)
        out = proc.communicate(timeout=120)
        result = collect_result(workdir, proc.returncode, out)
    assert result.returncode == 0, result.log[-3000:]
    assert "redis://***@127.0.0.1" in result.log
    assert PASSWORD not in result.log and PASSWORD not in json.dumps(result.stats)


def test_log_filter_masks_settings_dumps() -> None:
    record = logging.LogRecord(
        "scrapy.crawler", logging.INFO, __file__, 1, "Overridden settings:\n%(settings)s", None, None
    )
    record.args = {"settings": pprint.pformat({"REDIS_URL": f"redis://:{PASSWORD}@10.0.0.5:6379/0"})}
    assert RedactRedisPasswords().filter(record)
    assert PASSWORD not in record.getMessage() and "redis://***@10.0.0.5:6379/0" in record.getMessage()


@pytest_crawl
def test_redis_unavailable_at_start_is_one_clear_line(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    url = f"redis://:{PASSWORD}@127.0.0.1:{port}/0"
    command = distributed_command("http://127.0.0.1:9/", tmp_path / "w", "x")
    proc = start(command, url, tmp_path / "w")
    out = proc.communicate(timeout=60)
    assert proc.returncode == 69, out
    assert f"Redis at redis://***@127.0.0.1:{port}/0 is unavailable" in out
    assert PASSWORD not in out and "Traceback" not in out
    assert not (tmp_path / "w" / "crawl.log").exists()  # nothing started


@pytest_crawl
def test_redis_lost_mid_run_fails_loudly(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        with ReplicaServer(delay=0.2) as replica:
            workdir = tmp_path / "lost"
            proc = start(distributed_command(replica.base_url, workdir, "lost"), server.url, workdir)
            deadline = time.monotonic() + 60
            while len(replica.requests) < 5 and time.monotonic() < deadline:
                time.sleep(0.05)
            server.stop()  # Redis goes away mid-run
            out = proc.communicate(timeout=120)
            result = collect_result(workdir, proc.returncode, out)
    finally:
        server.stop()
    assert result.returncode == 69, result.log[-3000:]
    assert result.stats.get("newsmon/distributed/redis_error") == 1
    assert result.stats.get("finish_reason") == "newsmon_redis_error"
    assert "failed mid-run" in result.log and PASSWORD not in result.log
    assert len(result.records) < 5  # it stopped; it did not go on crawling without its state
