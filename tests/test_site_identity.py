"""Site identity: a site's name keys its state, lock, output and records, whatever spider crawls it.

Two sites crawled by the one generic spider keep apart and may run at once; one site is one run at a time,
even when two different spiders would crawl it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from newsmon.state.lock import EXIT_LOCKED
from tests.crawl_helpers import ROOT, collect_result, crawl_command, read_jsonl, run_crawl
from tests.forkserver import run_python, start_python
from tests.othersites import atom_site
from tests.replica.server import ReplicaServer

pytestmark = pytest.mark.crawl

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def site_copy(tmp: Path, name: str) -> Path:
    """The Atom test site's TOML under another name: another site as far as newsmon is concerned."""
    text = atom_site.CONFIG.read_text(encoding="utf-8").replace('name = "harbourtimes"', f'name = "{name}"')
    path = tmp / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_two_sites_of_one_spider_run_at_once_with_their_own_state_and_output(tmp_path: Path) -> None:
    state = tmp_path / "state"  # one state directory, as on a real machine
    with atom_site.serve() as north, atom_site.serve() as south:
        north.delay = south.delay = 0.05  # long enough for the two runs to overlap
        procs = {}
        for name, server in (("north", north), ("south", south)):
            workdir = tmp_path / name
            command = crawl_command(
                server.base_url, workdir, "-a", f"site={site_copy(tmp_path, name)}", "-s",
                "NEWSMON_TIER_MODE=plain", spider="news", output=False, state_dir=state,
            )  # fmt: skip
            procs[name] = start_python(command, cwd=ROOT, env=ENV)
        overlapped = False
        while any(p.poll() is None for p in procs.values()):
            overlapped |= all(p.poll() is None for p in procs.values()) and len(north.requests) > 2 < len(
                south.requests
            )
            time.sleep(0.05)
        for name, proc in procs.items():
            assert proc.returncode == 0, (tmp_path / name / "crawl.log").read_text()[-3000:]
        assert overlapped, "the two runs never ran at the same time"
        expected = set(atom_site.build_site().expected_by_path())
    assert {p.name for p in state.glob("*.sqlite3")} == {"north.sqlite3", "south.sqlite3"}
    assert {p.name for p in state.glob("*.lock")} == {"north.lock", "south.lock"}
    for name in ("north", "south"):
        files = list((tmp_path / name / "output" / name).glob("*.jsonl"))
        assert len(files) == 1, files
        records = read_jsonl(files[0])
        assert {r["site"] for r in records} == {name} and {r["spider"] for r in records} == {"news"}
        from urllib.parse import urlsplit

        assert {urlsplit(r["canonical_url"]).path for r in records} == expected
        assert not list((tmp_path / name / "output").glob("news"))  # nothing under the spider's name


def test_one_site_by_two_spiders_is_still_one_run_at_a_time(tmp_path: Path) -> None:
    """`scrapy crawl news -a site=euromaidan` while `scrapy crawl euromaidan` runs: the same site, so 75."""
    state = tmp_path / "state"
    with ReplicaServer(delay=0.5) as replica:
        first = start_python(
            crawl_command(replica.base_url, tmp_path / "first", output=False, state_dir=state),
            cwd=ROOT,
            env=ENV,
        )
        try:
            deadline = time.monotonic() + 60
            while replica.count("/feed/") < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            command = crawl_command(
                replica.base_url, tmp_path / "second", "-a", "site=euromaidan", spider="news", output=False,
                state_dir=state,
            )  # fmt: skip
            second = run_python(command, cwd=ROOT, env=ENV, timeout=60)
            assert second.returncode == EXIT_LOCKED, second.stderr[-2000:]
            assert f"{state.resolve() / 'euromaidan.lock'}" in second.stderr
            assert first.poll() is None
        finally:
            replica.delay = 0.0
            assert first.wait(timeout=180) == 0


def test_site_name_from_the_sites_directory(tmp_path: Path) -> None:
    """`-a site=NAME` finds NAME.toml in NEWSMON_SITES_DIR; the record says which site it came from."""
    sites = tmp_path / "sites"
    sites.mkdir()
    site_copy(sites, "harbour")
    with atom_site.serve() as server:
        workdir = tmp_path / "run"
        result = run_crawl(
            server.base_url, workdir, "-a", "site=harbour", "-s", f"NEWSMON_SITES_DIR={sites}", "-s",
            "NEWSMON_TIER_MODE=plain", "-s", "NEWSMON_STATE_ENABLED=False", spider="news",
        )  # fmt: skip
    assert result.returncode == 0, result.log[-3000:]
    assert result.records and {r["site"] for r in result.records} == {"harbour"}
    missing = run_crawl(
        "http://127.0.0.1:9", tmp_path / "missing", "-a", "site=nowhere", "-s", f"NEWSMON_SITES_DIR={sites}",
        spider="news",
    )  # fmt: skip
    assert missing.returncode == 2 and f"no site named 'nowhere' in {sites}" in missing.log
    assert collect_result(tmp_path / "missing", 2).records == []
