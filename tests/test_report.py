"""`newsmon report`: recent runs from the state store as a table and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsmon.cli import main
from newsmon.state.store import StateStore

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
    status, out = report(capsys, str(state_dir), "--spider", "euromaidan", "--json", "--limit", "3")
    assert status == 0
    rows = json.loads(out)
    assert [r["run"] for r in rows] == [2, 3, 4]  # the last three, oldest first
    quiet, busy, running = rows
    assert busy == {
        "spider": "euromaidan",
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
    }
    assert (quiet["new"], quiet["skipped"], quiet["requests_plain"]) == (0, 32, 4)
    assert quiet["monitors"] == {"freshness": "warn", "hubs": "pass"}
    assert running["finish_reason"] is None and running["summary"] is None and running["duration_s"] is None


def test_table_lists_every_spider(state_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = report(capsys, str(state_dir))
    assert status == 0
    header, *lines = out.splitlines()
    assert header.split() == [
        "spider", "run", "started", "(UTC)", "time", "finish", "PLAIN", "STEALTHY",
        "new", "upd", "skip", "dup", "err", "exit", "monitors",
    ]  # fmt: skip
    assert len(lines) == 5 and lines[0].startswith("other ")  # the older run of the other spider first
    assert lines[2].split()[:15] == [
        "euromaidan", "2", "2026-05-28", "20:26:40", "12.5s", "finished", "4", "0",
        "0", "0", "32", "0", "0", "0", "warn:",
    ]  # fmt: skip


def test_missing_store_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path), "--spider", "nope"]) == 2
    assert "no state store for spider 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "nope.sqlite3").exists()  # a report never creates a store
