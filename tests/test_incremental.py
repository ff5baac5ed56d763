"""Cron-like runs on the replica sharing one state dir: only new or changed articles are emitted, hubs are
fetched conditionally, kill -9 loses and duplicates nothing, one run at a time, a corrupt store rebuilt."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from newsmon.state.lock import EXIT_LOCKED
from newsmon.state.store import StateStore
from tests.crawl_helpers import (
    ROOT,
    CrawlResult,
    crawl_command,
    in_process_extraction,
    read_jsonl,
    run_crawl,
)
from tests.forkserver import Started, run_python, start_python
from tests.replica.model import Paragraph
from tests.replica.server import ReplicaServer

pytestmark = pytest.mark.crawl

SPIDER = "euromaidan"


class Runs:
    """Successive runs sharing a state dir and an output directory (the default per-run feed)."""

    def __init__(self, replica: ReplicaServer, root: Path) -> None:
        self.replica = replica
        self.root = root
        self.state = root / "state"
        self.out = root / "out"
        self.n = 0

    @property
    def output_args(self) -> tuple[str, ...]:
        return ("-s", f"NEWSMON_OUTPUT_URI={self.out}/%(name)s/%(time)s.jsonl")

    def workdir(self) -> Path:
        self.n += 1
        return self.root / f"run{self.n}"

    def run(self, *args: str) -> tuple[CrawlResult, list[dict[str, Any]]]:
        """One run to completion: its result and the records of the output file it added."""
        before = {*self.outputs(), *(p.with_suffix("") for p in self.partials())}
        self.replica.clear_requests()
        result = run_crawl(
            self.replica.base_url,
            self.workdir(),
            *self.output_args,
            *args,
            output=False,
            state_dir=self.state,
        )
        assert result.returncode == 0, result.log[-3000:]
        new = [p for p in self.outputs() if p not in before]
        assert len(new) <= 1, new  # none for a quiet run: no empty per-run file (FEED_STORE_EMPTY)
        return result, read_jsonl(new[0]) if new else []

    def outputs(self) -> list[Path]:
        return sorted((self.out / SPIDER).glob("*.jsonl")) if (self.out / SPIDER).exists() else []

    def partials(self) -> list[Path]:
        return sorted((self.out / SPIDER).glob("*.partial")) if (self.out / SPIDER).exists() else []

    def union(self) -> Counter[str]:
        return Counter(r["canonical_url"] for p in self.outputs() for r in read_jsonl(p))


def paths(records: list[dict[str, Any]]) -> list[str]:
    return sorted(r["canonical_url"].split("/", 3)[3] for r in records)


def hub_or_robots(path: str) -> bool:
    return path.startswith(("/feed", "/category/", "/robots.txt"))


def test_runs_emit_only_new_and_changed_articles(tmp_path: Path) -> None:
    with ReplicaServer() as replica:
        runs = Runs(replica, tmp_path)
        site = replica.site
        expected = site.expected_by_path()

        first, records = runs.run()
        assert sorted(r["canonical_url"].split("/", 3)[3] for r in records) == sorted(
            p.lstrip("/") for p in expected
        )
        assert first.stats["newsmon/state/emitted"] == len(expected)
        assert all(r["version"] == 1 and r["previous_hash"] is None for r in records)

        second, records = runs.run()
        assert records == []
        fetched = [r.path for r in replica.requests]
        assert fetched and all(hub_or_robots(p) for p in fetched), fetched
        assert second.stats["newsmon/hub/not_modified"] == second.stats["newsmon/hub/conditional_get"] >= 2
        assert second.stats["newsmon/state/skipped"] >= 10
        assert "ERROR" not in second.log and "Traceback" not in second.log

        template = site.article("teachers-underground-school")
        newest = site.newest()[0]
        fresh = site.publish(
            dataclasses.replace(
                template,
                id=site.next_id(),
                slug="night-trains-resume-to-kharkiv",
                title="Night trains resume to Kharkiv after the bridge repair",
                published_at=newest.published_at + timedelta(hours=1),
                modified_at=None,
                paragraphs=[
                    Paragraph("Engineers finished the bridge repair two weeks ahead of the published plan."),
                    Paragraph("The first night train left Kyiv at ten and reached Kharkiv before dawn."),
                    Paragraph("Conductors said most passengers were families returning for the school year."),
                    Paragraph("The railway will add a second nightly service once the signals are tested."),
                ],
                subheadings=[],
                inline_read_also=[],
            )
        )
        third, records = runs.run()
        assert paths(records) == [fresh.path.lstrip("/")]
        assert third.stats["newsmon/state/emitted"] == 1
        fetched_articles = [r.path for r in replica.requests if not hub_or_robots(r.path)]
        assert fetched_articles == [fresh.path], fetched_articles

        # An old article changes: outside the revisit window it is not fetched again ...
        changed = site.edit_body(
            template.slug,
            [*template.paragraphs[:-1], "The school now also opens on Saturdays for exam practice."],
        )
        _, records = runs.run()
        assert records == []
        # ... inside it (every article revisited on every run) it comes back as version 2.
        revisit = ("-s", "NEWSMON_REVISIT_YOUNGER_THAN=1000000", "-s", "NEWSMON_REVISIT_EVERY=0")
        fifth, records = runs.run(*revisit)
        (record,) = records
        assert record["canonical_url"].endswith(changed.path)
        assert record["version"] == 2
        assert "Saturdays" in record["body"]
        (original,) = [
            r for p in runs.outputs()[:1] for r in read_jsonl(p) if r["url"].endswith(changed.path)
        ]
        assert record["previous_hash"] == original["content_hash"] != record["content_hash"]
        assert fifth.stats["newsmon/state/revised"] == 1
        assert fifth.stats["newsmon/state/unchanged"] >= len(expected) - 1
        _, records = runs.run(*revisit)
        assert records == []

        with StateStore.open(runs.state / f"{SPIDER}.sqlite3") as store:
            history = store.runs()
    assert [r["finish_reason"] for r in history] == ["finished"] * 6
    assert history[0]["stats"]["newsmon/state/emitted"] == len(expected)


def test_dash_o_output_is_incremental_too(tmp_path: Path) -> None:
    with ReplicaServer() as replica:
        first = run_crawl(replica.base_url, tmp_path / "a", state_dir=tmp_path / "state")
        second = run_crawl(replica.base_url, tmp_path / "b", state_dir=tmp_path / "state")
    assert first.returncode == second.returncode == 0
    assert len(first.records) == first.stats["newsmon/state/emitted"] > 10
    assert second.records == [] and not second.output.exists()  # a quiet run writes no (empty) file


def wait_until(condition: Any, timeout: float = 120.0) -> None:
    """Poll until condition(); the timeout is a safety net only (a fresh crawl process under load 30 took
    over 30 s to write its first records)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        time.sleep(0.005)


def start_crawl(runs: Runs, *args: str, fork: bool = True) -> Started:
    """A run in the background, in a session of its own: forked as run_crawl's are, or (fork=False) a fresh
    interpreter, for tests whose kill moments are timed from the start of the process."""
    command = crawl_command(
        runs.replica.base_url,
        runs.workdir(),
        *runs.output_args,
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        *args,
        output=False,
        state_dir=runs.state,
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if not fork:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    return start_python(command, cwd=ROOT, env=env, start_new_session=True)


def partial_lines(runs: Runs) -> int:
    return sum(p.read_bytes().count(b"\n") for p in runs.partials())


# Kill points: before any record (hubs being fetched), a few records in, most records in.
KILL_POINTS = {
    "early": lambda runs: runs.replica.count("/feed/") >= 1,
    "middle": lambda runs: partial_lines(runs) >= 5,
    "late": lambda runs: partial_lines(runs) >= 20,
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_kill_9_loses_and_duplicates_nothing(tmp_path: Path, point: str) -> None:
    with ReplicaServer(delay=0.04) as replica:
        expected = {replica.base_url + p for p in replica.site.expected_by_path()}
        runs = Runs(replica, tmp_path)
        proc = start_crawl(runs, *in_process_extraction(()))  # as runs.run extracts
        try:
            wait_until(lambda: KILL_POINTS[point](runs) or proc.poll() is not None)
            assert proc.poll() is None, "the crawl ended before the kill point"
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        assert proc.returncode == -signal.SIGKILL
        killed_with, left = partial_lines(runs), len(runs.partials())
        # a torn last line, as a kill in the middle of a write leaves it
        (tmp_path / "out" / SPIDER).mkdir(parents=True, exist_ok=True)
        with (tmp_path / "out" / SPIDER / "2000-01-01T00-00-00+00-00.jsonl.partial").open("wb") as fh:
            fh.write(b'{"canonical_url": "' + replica.base_url.encode() + b"/2026/03/")
        replica.delay = 0.0
        final, records = runs.run()
    assert final.stats["newsmon/state/recovered_files"] == left + 1
    assert final.stats["newsmon/state/torn_lines"] >= 1
    assert final.stats["newsmon/state/recovered_records"] == killed_with
    assert len(records) == len(expected) - killed_with
    assert runs.partials() == []
    union = runs.union()
    assert set(union) == expected
    assert all(count == 1 for count in union.values()), union.most_common(3)


def test_second_concurrent_run_exits_at_once_touching_nothing(tmp_path: Path) -> None:
    # the site holds every answer while the second run is tried, so the first run is on (and holds the
    # lock) for as long as the check takes, however loaded the machine: it cannot finish in the window
    with ReplicaServer() as replica:
        runs = Runs(replica, tmp_path)
        replica.answering.clear()
        first = start_crawl(runs, *in_process_extraction(()))
        try:
            wait_until(lambda: replica.count() >= 1, timeout=120)  # its first request: it holds the lock
            state_before = sorted((p.name, p.stat().st_size) for p in runs.state.iterdir())
            workdir = runs.workdir()
            command = crawl_command(
                replica.base_url, workdir, *runs.output_args, output=False, state_dir=runs.state
            )
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            # the first run holds the lock until the site answers again: a second run that waited for it
            # would never end (no clock bound here: a loaded machine starts Python slowly, not wrongly)
            second = run_python(command, cwd=ROOT, env=env, timeout=120)
            assert second.returncode == EXIT_LOCKED, second.stderr[-2000:]
            assert "another newsmon run holds" in second.stderr
            assert list(workdir.iterdir()) == []  # no log, no stats
            assert first.poll() is None  # the first run goes on
            names_after = {p.name for p in runs.state.iterdir()}
            assert {name for name, _ in state_before} >= names_after - {f"{SPIDER}.sqlite3-journal"}
        finally:
            replica.answering.set()
            assert first.wait(timeout=120) == 0


def test_corrupt_store_moved_aside_and_rebuilt_from_outputs(tmp_path: Path) -> None:
    with ReplicaServer() as replica:
        runs = Runs(replica, tmp_path)
        _, records = runs.run()
        store = runs.state / f"{SPIDER}.sqlite3"
        data = store.read_bytes()
        store.write_bytes(data[: len(data) // 2])  # truncated, as a full disk or a bad copy leaves it
        second, again = runs.run()
    assert again == []
    assert second.stats["newsmon/state/corrupt_recovered"] == 1
    assert second.stats["newsmon/state/rebuilt_records"] == len(records)
    assert any("is corrupt" in line and "WARNING" in line for line in second.log.splitlines())
    assert len(list(runs.state.glob(f"{SPIDER}.sqlite3.corrupt-*"))) == 1
