"""Feed options that never destroy data (issue 21, item 3): a quiet run (nothing new) leaves `-O`'s file as
it was and creates no empty file (per-run, `-o`) unless FEED_STORE_EMPTY asks for one; `-O -` and
`-o stdout:` deliver every record with the state store on. Real `scrapy crawl` runs against the replica."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.crawl_helpers import ROOT, collect_result, in_process_extraction, read_jsonl
from tests.forkserver import run_python
from tests.replica.server import ReplicaServer
from tests.test_output_faults import Site

pytestmark = pytest.mark.crawl


def test_a_quiet_run_destroys_nothing_and_leaves_no_empty_file(tmp_path: Path) -> None:
    with ReplicaServer() as replica:
        site = Site(replica, tmp_path, tmp_path / "out")
        status, log, _ = site.run()
        assert status == 0, log[-3000:]
        [first] = site.outputs()
        latest = tmp_path / "latest.jsonl"
        latest.write_bytes(first.read_bytes())  # what an earlier `-O latest.jsonl` run delivered

        status, log, stats = site.run()  # quiet: no new article, so no new (empty) per-run file
        assert status == 0, log[-3000:]
        assert stats.get("item_scraped_count", 0) == 0
        assert site.outputs() == [first] and site.outputs(partial=True) == []

        feeds = {  # `-O latest.jsonl` and `-o appended.jsonl` at once
            str(latest): {"format": "jsonlines", "overwrite": True},
            str(tmp_path / "appended.jsonl"): {"format": "jsonlines"},
        }
        status, log, _ = site.run("-s", f"FEEDS={json.dumps(feeds)}")
        assert status == 0, log[-3000:]
        assert latest.read_bytes() == first.read_bytes()  # was: truncated to 0 bytes
        assert not (tmp_path / "appended.jsonl").exists()  # was: an empty file

        status, log, _ = site.run("-s", "FEED_STORE_EMPTY=True")  # asked for: the quiet run's empty file
        assert status == 0, log[-3000:]
        outputs = site.outputs()
        assert len(outputs) == 2 and outputs[1].stat().st_size == 0
    assert {r["canonical_url"] for r in read_jsonl(latest)} == site.expected
    site.assert_exactly_once()


def run_to_stdout(site: Site, *args: str) -> tuple[int, str, list[dict[str, object]]]:
    command, workdir = site.command(*in_process_extraction(args), *args)
    proc = run_python(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=180)
    log = collect_result(workdir, proc.returncode, proc.stderr).log
    return proc.returncode, log, [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize("feed", [("-O", "-:jsonlines"), ("-o", "stdout::jsonl")], ids=["dash", "stdout"])
def test_stdout_feeds_work_with_the_state_store(feed: tuple[str, str], tmp_path: Path) -> None:
    """Was: 10-17 records, then "Output error: a feed file could not be opened", exit 3 (stdout: was taken
    for a local file, durable per record, and no file was ever announced)."""
    with ReplicaServer() as replica:
        site = Site(replica, tmp_path, tmp_path / "out")
        status, log, records = run_to_stdout(site, *feed)
        assert status == 0, log[-3000:]
        assert "Output error" not in log
        assert sorted(r["canonical_url"] for r in records) == sorted(site.expected)  # each exactly once
        assert site.marked() >= site.expected
        status, log, records = run_to_stdout(site, *feed)
        assert status == 0, log[-3000:]
        assert records == []


def test_article_preset_in_a_crawl_and_a_store_rebuilt_from_its_files(tmp_path: Path) -> None:
    """NEWSMON_RECORD_FIELDS=article: every feed writes the article fields only, and the per-run files
    still rebuild a lost state store (canonical_url, content_hash, version and read_also are kept)."""
    from newsmon.record import record_fields

    with ReplicaServer() as replica:
        site = Site(replica, tmp_path, tmp_path / "out")
        status, log, _ = site.run("-s", "NEWSMON_RECORD_FIELDS=article")
        assert status == 0, log[-3000:]
        records = [r for p in site.outputs() for r in read_jsonl(p)]
        assert {r["canonical_url"] for r in records} == site.expected
        assert all(list(r) == record_fields("article") for r in records)
        (site.state / "euromaidan.sqlite3").unlink()
        status, log, stats = site.run("-s", "NEWSMON_RECORD_FIELDS=article")
        assert status == 0, log[-3000:]
        assert stats["newsmon/state/rebuilt_records"] == len(site.expected)
        assert stats.get("item_scraped_count", 0) == 0
    site.assert_exactly_once()
