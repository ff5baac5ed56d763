"""The state store, run lock, crash recovery and revisit rule on their own (no crawl)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsmon.resources import process_resources
from newsmon.state.lock import RunLock, RunLocked
from newsmon.state.recovery import output_glob, rebuild_from_outputs, recover_partials
from newsmon.state.skip import should_revisit
from newsmon.state.store import ArticleState, StateStore, StoreCorrupt

H1 = "sha256:" + "1" * 64
H2 = "sha256:" + "2" * 64


def record(url: str, digest: str, version: int = 1) -> dict[str, object]:
    return {"canonical_url": url, "content_hash": digest, "version": version, "published_at": None}


def test_store_roundtrip_versions_and_aliases(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "s.sqlite3") as store:
        assert store.get("u") is None
        store.mark_emitted("u", H1, 1, 1000.0, now=50.0)
        state = store.get("u")
        assert state == ArticleState("u", H1, 1, 50.0, 50.0, 50.0, 1000.0)
        store.mark_emitted("u", H2, 2, None, now=60.0)
        store.mark_emitted("u", H1, 1, None, now=70.0)  # an older version never wins
        state = store.get("u")
        assert state is not None
        assert (state.content_hash, state.version, state.first_seen, state.published_at) == (
            H2,
            2,
            50.0,
            1000.0,
        )
        assert store.url_for_hash(H2) == "u" and store.url_for_hash(H1) is None
        assert store.add_alias("short", "u") and not store.add_alias("short", "u")
        resolved = store.resolve("short")
        assert resolved is not None and resolved.canonical_url == "u"
        store.touch("u", fetched=True, now=99.0)
        state = store.get("u")
        assert state is not None and state.last_fetched == 99.0
    with StateStore.open(tmp_path / "s.sqlite3") as store:  # persisted
        assert store.count() == 1


def test_runs_table_marks_unfinished_runs_crashed(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "s.sqlite3") as store:
        store.start_run()
        second = store.start_run()
        store.end_run(second, "finished", {"item_scraped_count": 3})
        runs = store.runs()
    assert [r["finish_reason"] for r in runs] == ["crashed", "finished"]
    assert runs[1]["stats"] == {"item_scraped_count": 3}


@pytest.mark.parametrize("damage", ["garbage", "truncate"])
def test_corrupt_store_is_detected(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "s.sqlite3"
    with StateStore.open(path) as store:
        for i in range(5000):
            store.mark_emitted(f"https://x/{i}", "sha256:" + f"{i:064x}", 1, None, commit=False)
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a database at all" * 100)
    else:
        path.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreCorrupt):
        StateStore.open(path).close()


def test_revisit_window() -> None:
    hour = 3600.0
    now = 100 * hour
    young = ArticleState("u", H1, 1, now - 2 * hour, now, now - 4 * hour, now - 2 * hour)
    assert should_revisit(young, now, 24, 3)
    assert not should_revisit(young._replace(last_fetched=now - hour), now, 24, 3)
    assert not should_revisit(young._replace(published_at=now - 30 * hour), now, 24, 3)
    undated = young._replace(published_at=None, first_seen=now - 5 * hour)
    assert should_revisit(undated, now, 24, 3)


def test_output_glob() -> None:
    assert output_glob("output/%(name)s/%(time)s.jsonl", "euromaidan") == "output/euromaidan/*.jsonl"
    assert output_glob("file:///srv/%(name)s/%(batch_id)d.jsonl", "x") == "/srv/x/*.jsonl"
    assert output_glob("s3://bucket/%(name)s.jsonl", "x") is None
    assert output_glob("", "x") is None


def test_partial_output_recovered_torn_line_dropped(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    lines = [json.dumps(record(f"https://x/{i}", "sha256:" + f"{i:064x}")) for i in range(3)]
    partial = out / "2026-01-01T00-00-00+00-00.jsonl.partial"
    partial.write_text("\n".join(lines) + "\n" + lines[0][:25], encoding="utf-8")  # torn last line
    (out / "2026-01-01T00-00-00+00-00.jsonl").write_text("", encoding="utf-8")  # name taken: no overwrite
    with StateStore.open(tmp_path / "s.sqlite3") as store:
        recovered = recover_partials(store, str(out / "*.jsonl"))
        assert recovered == (1, 3, 1, 0)
        assert store.count() == 3
    assert not list(out.glob("*.partial"))
    final = out / "2026-01-01T00-00-00+00-00-1.jsonl"
    assert final.read_text(encoding="utf-8") == "\n".join(lines) + "\n"


def test_a_bad_middle_line_loses_none_of_the_records_after_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    lines = [json.dumps(record(f"https://x/{i}", "sha256:" + f"{i:064x}")) for i in range(4)]
    content = lines[0] + "\n" + lines[1][:20] + "\n" + "\n".join(lines[2:]) + "\n"  # a cut-short middle line
    partial = out / "2026-01-01T00-00-00+00-00.jsonl.partial"
    partial.write_text(content, encoding="utf-8")
    with StateStore.open(tmp_path / "s.sqlite3") as store:
        recovered = recover_partials(store, str(out / "*.jsonl"))
        assert recovered == (1, 3, 0, 1)  # records 0, 2 and 3 marked; nothing cut; one bad line
        assert store.count() == 3
    assert (out / "2026-01-01T00-00-00+00-00.jsonl").read_text(encoding="utf-8") == content
    with StateStore.open(tmp_path / "r.sqlite3") as store:  # a rebuild reads past the bad line too
        assert rebuild_from_outputs(store, str(out / "*.jsonl")) == 3


def test_rebuild_from_outputs_keeps_highest_version(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps(record("https://x/1", H1)) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps(record("https://x/1", H2, 2)) + "\n", encoding="utf-8")
    with StateStore.open(tmp_path / "s.sqlite3") as store:
        assert rebuild_from_outputs(store, str(tmp_path / "*.jsonl")) == 2
        state = store.get("https://x/1")
        assert state is not None and (state.version, state.content_hash) == (2, H2)


def test_run_lock_excludes_other_processes(tmp_path: Path) -> None:
    path = tmp_path / "euromaidan.lock"
    own = process_resources()
    lock = RunLock.acquire(path, own)
    assert RunLock.acquire(path, own) is lock  # reentrant in this process
    probe = (
        "import sys; from pathlib import Path; from newsmon.state.lock import RunLock, RunLocked\n"
        "from newsmon.resources import process_resources\n"
        "try:\n    RunLock.acquire(Path(sys.argv[1]), process_resources())\n"
        "except RunLocked as e:\n    print(e); sys.exit(75)\n"
    )
    other = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True)
    assert other.returncode == 75 and "another newsmon run holds" in other.stdout
    lock.release()
    other = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True)
    assert other.returncode == 0, other.stdout + other.stderr
    assert RunLocked(path, "pid 1").holder == "pid 1"


def test_free_name_keeps_a_compound_suffix_last(tmp_path: Path) -> None:
    from newsmon.state.storage import free_name

    (tmp_path / "run.warc.gz").write_bytes(b"")
    (tmp_path / "run-1.warc.gz").write_bytes(b"")
    assert (
        free_name(tmp_path / "run.warc.gz", partial_taken=False, suffix=".warc.gz")
        == tmp_path / "run-2.warc.gz"
    )
    assert free_name(tmp_path / "other.warc.gz", suffix=".warc.gz") == tmp_path / "other.warc.gz"


def test_one_state_directory_rule_for_crawls_commands_and_the_host_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--state-dir, else NEWSMON_STATE_DIR (the crawl's setting; a command reads the environment), else
    .newsmon; empty counts as unset. The store and the browser tier's host memory share it."""
    from scrapy.settings import Settings

    from newsmon.fetch.policy import TierPolicy
    from newsmon.state.config import StateConfig, state_directory

    monkeypatch.delenv("NEWSMON_STATE_DIR", raising=False)
    assert state_directory() == Path(".newsmon")
    assert state_directory("") == Path(".newsmon")
    monkeypatch.setenv("NEWSMON_STATE_DIR", "/srv/newsmon/state")
    assert state_directory() == Path("/srv/newsmon/state")
    assert state_directory("/tmp/other") == Path("/tmp/other")
    for value, expected in (("/var/lib/x", Path("/var/lib/x")), ("", Path(".newsmon"))):
        settings = Settings({"NEWSMON_STATE_DIR": value})
        assert state_directory(settings=settings) == expected
        assert StateConfig.from_settings(settings).state_dir == expected
        assert TierPolicy.from_settings(settings).state_dir == expected
