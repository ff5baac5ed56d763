"""`newsmon report`: recent runs from the state store (SQLite, or Redis on a real redis-server started
here) as a table and as JSON."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from newsmon.cli import main
from newsmon.distributed.connection import EXIT_UNAVAILABLE
from newsmon.state.redis_store import RedisStateStore
from newsmon.state.store import StateStore
from tests.redis_helpers import PASSWORD, RedisServer, free_port, needs_redis

QUIET = {
    "elapsed_time_seconds": 12.5,
    "newsmon/request/plain/article": 3,
    "newsmon/request/plain/feed": 1,
    "newsmon/state/skipped": 30,
    "newsmon/state/unchanged": 2,
    "newsmon/monitor/summary": "warn: freshness",
    "newsmon/monitor/freshness": "warn",
    "newsmon/monitor/hubs": "pass",
    "newsmon/monitor/exit_status": 0,
    "newsmon/monitor/errors": 0,
}
BUSY = {
    "elapsed_time_seconds": 95.0,
    "item_scraped_count": 12,
    "newsmon/request/plain/article": 20,
    "newsmon/request/plain/listing": 3,
    "newsmon/request/stealthy/article": 4,
    "newsmon/state/first_version": 10,
    "newsmon/state/revised": 2,
    "newsmon/dedupe/duplicate_url": 3,
    "newsmon/dedupe/duplicate_content": 1,
    "newsmon/state/duplicate_content": 1,
    "newsmon/monitor/errors": 2,
    "newsmon/monitor/summary": "fail: ban_ratio",
    "newsmon/monitor/ban_ratio": "fail",
    "newsmon/monitor/exit_status": 4,
}


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    with StateStore.open(tmp_path / "euromaidan.sqlite3") as store:
        for stats in (BUSY, QUIET, BUSY):
            store.end_run(store.start_run(now=1_780_000_000.0), "finished", stats)
        store.start_run(now=1_780_000_500.0)  # still running (no end)
    with StateStore.open(tmp_path / "other.sqlite3") as store:
        store.end_run(store.start_run(now=1_700_000_000.0), "shutdown", {})
    return tmp_path


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["report", *args])
    return status, capsys.readouterr().out


def test_json_has_every_column(state_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = report(capsys, str(state_dir), "--site", "euromaidan", "--json", "--limit", "3")
    assert status == 0
    rows = json.loads(out)
    assert [r["run"] for r in rows] == [2, 3, 4]  # the last three, oldest first
    quiet, busy, running = rows
    assert busy == {
        "site": "euromaidan",
        "run": 3,
        "started": "2026-05-28T20:26:40+00:00",
        "duration_s": 95.0,
        "finish_reason": "finished",
        "requests_plain": 23,
        "requests_stealthy": 4,
        "new": 10,
        "updated": 2,
        "skipped": 0,
        "duplicate": 5,
        "errors": 2,
        "monitors": {"ban_ratio": "fail"},
        "summary": "fail: ban_ratio",
        "exit_status": 4,
        "reason": "blocked: most pages were refusals or bot challenges",
    }
    assert (quiet["new"], quiet["skipped"], quiet["requests_plain"]) == (0, 32, 4)
    assert quiet["monitors"] == {"freshness": "warn", "hubs": "pass"}
    assert running["finish_reason"] is None and running["summary"] is None and running["duration_s"] is None
    assert quiet["reason"] == "warning: feeds or listings listed nothing new for many runs"
    assert running["reason"] is None


def test_table_lists_every_site(state_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = report(capsys, str(state_dir))
    assert status == 0
    header, *lines = out.splitlines()
    assert header.split() == [
        "site", "run", "started", "(UTC)", "time", "finish", "PLAIN", "STEALTHY",
        "new", "upd", "skip", "dup", "err", "exit", "monitors",
    ]  # fmt: skip
    assert len(lines) == 5 and lines[0].startswith("other ")  # the older run of the other site first
    assert lines[2].split()[:15] == [
        "euromaidan", "2", "2026-05-28", "20:26:40", "12.5s", "finished", "4", "0",
        "0", "0", "32", "0", "0", "0", "warn:",
    ]  # fmt: skip


def test_spider_is_a_deprecated_alias_of_site(state_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(state_dir), "--spider", "other", "--json"]) == 0
    out, err = capsys.readouterr()
    assert [r["site"] for r in json.loads(out)] == ["other"] and "--spider is deprecated" in err


def test_missing_store_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path), "--site", "nope"]) == 2
    assert "no state store for site 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "nope.sqlite3").exists()  # a report never creates a store


# --- the Redis store of distributed runs ------------------------------------------------------------
@pytest.fixture
def redis_prefix(redis_server: RedisServer) -> str:
    """The same runs as state_dir, in the Redis store, under a prefix of this test's own."""
    prefix = f"t{uuid.uuid4().hex[:8]}"
    with RedisStateStore.open_for_reading(redis_server.url, "euromaidan", prefix) as store:
        for stats in (BUSY, QUIET, BUSY):  # written here only to have runs to read
            store.end_run(store.start_run(now=1_780_000_000.0), "finished", stats)
        store.start_run(now=1_780_000_500.0)
    with RedisStateStore.open_for_reading(redis_server.url, "other", prefix) as store:
        store.end_run(store.start_run(now=1_700_000_000.0), "shutdown", {})
    return prefix


@needs_redis
def test_redis_store_reports_like_sqlite(
    redis_server: RedisServer, redis_prefix: str, state_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--site", "euromaidan", "--json", "--limit", "3")
    status, out = report(capsys, "--redis-url", redis_server.url, "--redis-prefix", redis_prefix, *args)
    assert status == 0
    _, sqlite = report(capsys, str(state_dir), *args)
    assert json.loads(out) == json.loads(sqlite)
    assert PASSWORD not in out


@needs_redis
def test_redis_url_from_the_environment_lists_every_site(
    redis_server: RedisServer,
    redis_prefix: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSMON_REDIS_URL", redis_server.url)
    status = main(["report", "--redis-prefix", redis_prefix])
    out, err = capsys.readouterr()
    assert status == 0 and PASSWORD not in out + err
    lines = out.splitlines()[1:]
    assert len(lines) == 5 and lines[0].startswith("other ") and lines[1].startswith("euromaidan ")
    status = main(["report", "--redis-prefix", redis_prefix, "--site", "nope"])
    out, err = capsys.readouterr()
    assert status == 2 and "no runs of site 'nope' in Redis at redis://***@127.0.0.1:" in err
    assert PASSWORD not in out + err


@needs_redis
def test_redis_unavailable_is_one_masked_line(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"redis://:{PASSWORD}@127.0.0.1:{free_port()}/0"  # nothing listens there
    assert main(["report", "--redis-url", url, "--site", "euromaidan"]) == EXIT_UNAVAILABLE
    out, err = capsys.readouterr()
    assert not out and err.count("\n") == 1 and "redis://***@127.0.0.1:" in err and PASSWORD not in err


@pytest.mark.parametrize(
    ("stats", "finish", "summary", "reason"),
    [
        (
            {"newsmon/feed/failed": 2, "newsmon/feed/failed/connection_refused": 2},
            "finished",
            "fail: error_ratio, hubs",
            "unreachable: connection refused",
        ),
        ({"newsmon/listing/http_error/403": 3}, "finished", "fail: hubs", "blocked: HTTP 403"),
        ({"newsmon/feed/not_a_feed": 1}, "finished", "fail: hubs", "not a feed"),
        ({}, "crashed", None, "stopped: the run crashed or was killed before it ended"),
        (
            {},
            "finished",
            "fail: new_items",
            "no new records although the feeds and listings listed new articles",
        ),
        ({}, "finished", "warn: freshness", "warning: feeds or listings listed nothing new for many runs"),
        ({"newsmon/feed/failed/dns": 1}, "finished", "pass", None),  # a failed hub among good ones
        ({}, None, None, None),  # still running
    ],
)
def test_plain_reason(
    stats: dict[str, object], finish: str | None, summary: str | None, reason: str | None
) -> None:
    """What `newsmon report --html` and the alerts say went wrong, from the run's own stats."""
    from newsmon.report.runs import plain_reason

    assert plain_reason(stats, finish, summary) == reason
