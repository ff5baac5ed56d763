"""Sweeps for real: `scrapy sweep ...` crawls several generated sites in one process.

The sites (bench/site_farm.py) each listen on their own loopback address: one needs the browser tier (its
article text is written by JavaScript), one is down. Every site gets its own records, output file, run
record and monitors; the down site fails only its own; a site another run holds is skipped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from bench.site_farm import SiteFarm, by_host, max_concurrency
from newsmon.meta import Tier
from newsmon.state.store import StateStore
from tests.crawl_helpers import ROOT, in_process_extraction, read_jsonl
from tests.forkserver import run_python, start_python

pytestmark = pytest.mark.crawl

PER_HOST = 4  # the project's CONCURRENT_REQUESTS_PER_DOMAIN


def sweep(farm: SiteFarm, tmp: Path, selection: str, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "scrapy", "sweep", selection,
        "-s", f"NEWSMON_SITES_DIR={farm.sites_dir}",
        "-s", f"NEWSMON_STATE_DIR={tmp / 'state'}",
        "-s", f"NEWSMON_OUTPUT_URI={tmp / 'out'}/%(site)s/%(time)s.jsonl",
        "-s", f"NEWSMON_STATS_FILE={tmp / 'stats'}/%(site)s.json",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_TIMEOUT=10",
        *in_process_extraction(extra),  # as run_crawl: no extraction worker spawned per site
        *extra,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return run_python(command, cwd=ROOT, env=env, timeout=300)


def records_of(tmp: Path, site: str) -> list[dict[str, Any]]:
    return [r for path in sorted((tmp / "out" / site).glob("*.jsonl")) for r in read_jsonl(path)]


def stats_of(tmp: Path, site: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((tmp / "stats" / f"{site}.json").read_text(encoding="utf-8"))
    return data


def test_sweep_of_several_sites_one_needing_the_browser_one_down(tmp_path: Path) -> None:
    with SiteFarm(4, tmp_path / "farm", articles=4, js_sites={1}, down_sites={3}) as farm:
        result = sweep(farm, tmp_path, "all")
        log = result.stderr
        healthy, js_site, down = farm.names[0], farm.names[1], farm.names[3]
        # the worst site decides the exit status: the down one (6, site unreachable)
        assert result.returncode == 6, log[-4000:]
        assert f"Sweep: {down}: exit status 6" in log
        for name in farm.names:
            if name == down:
                continue
            assert f"Sweep: {name}: exit status 0" in log, log[-4000:]
            records = records_of(tmp_path, name)
            assert sorted(r["canonical_url"] for r in records) == sorted(farm.truth[name]), name
            assert {r["site"] for r in records} == {name} and {r["spider"] for r in records} == {"news"}
            assert stats_of(tmp_path, name)["newsmon/monitor/exit_status"] == 0
        assert {r["fetcher_tier"] for r in records_of(tmp_path, js_site)} == {Tier.STEALTHY}
        assert {r["fetcher_tier"] for r in records_of(tmp_path, healthy)} == {Tier.PLAIN}
        # the down site fails its own monitors, nobody else's
        assert (
            records_of(tmp_path, down) == [] and stats_of(tmp_path, down)["newsmon/monitor/exit_status"] == 6
        )
        assert all(stats_of(tmp_path, n).get("log_count/ERROR", 0) == 0 for n in (healthy, farm.names[2]))
        # a run record per site, in the site's own store
        for name in farm.names:
            with StateStore.open(tmp_path / "state" / f"{name}.sqlite3") as store:
                runs = store.runs()
            assert len(runs) == 1 and runs[0]["finish_reason"] == "finished", name
        # politeness per host: never more than the per-domain limit in flight at one site
        for host, requests in by_host(farm.requests()).items():
            assert max_concurrency(requests) <= PER_HOST, host
        # right after, nothing is due: the sweep starts no crawl
        again = sweep(farm, tmp_path, "all")
        assert again.returncode == 0 and "Sweep: no site is due" in again.stderr


def test_no_change_sweep_refetches_no_article_and_skips_a_locked_site(tmp_path: Path) -> None:
    with SiteFarm(3, tmp_path / "farm", articles=3) as farm:
        names = ",".join(farm.names)
        first = sweep(farm, tmp_path, names, "-s", "NEWSMON_TIER_MODE=plain")
        assert first.returncode == 0, first.stderr[-4000:]
        assert all(len(records_of(tmp_path, n)) == 3 for n in farm.names)
        farm.clear_requests()
        holder = subprocess.Popen(
            [sys.executable, "-c", (
                "import sys, time\nfrom pathlib import Path\nfrom newsmon.state.lock import RunLock\n"
                "from newsmon.resources import process_resources\n"
                "RunLock.acquire(Path(sys.argv[1]), process_resources())\nprint('held', flush=True)\n"
                "time.sleep(120)\n"
            ), str(tmp_path / "state" / f"{farm.names[0]}.lock")],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            started = time.monotonic()
            second = sweep(farm, tmp_path, names, "-s", "NEWSMON_TIER_MODE=plain")
            elapsed = time.monotonic() - started
        finally:
            holder.kill()
            holder.wait()
            if holder.stdout is not None:
                holder.stdout.close()
        assert second.returncode == 0, second.stderr[-4000:]  # a skipped site is not a failure
        assert f"Sweep: {farm.names[0]}: skipped (another run holds" in second.stderr
        crawled = [r for r in farm.requests() if r.site != farm.names[0]]
        assert crawled and not [r for r in farm.requests() if r.site == farm.names[0]]
        refetched = [r for r in crawled if r.kind == "article" and not (r.conditional and r.status == 304)]
        assert refetched == [], refetched
        assert all(len(records_of(tmp_path, n)) == 3 for n in farm.names)  # no new record anywhere
        assert elapsed < 60
        paths = {urlsplit(r["canonical_url"]).netloc for n in farm.names for r in records_of(tmp_path, n)}
        assert len(paths) == 3  # three hosts


def test_sigterm_lets_the_running_site_close_and_starts_no_other(tmp_path: Path) -> None:
    with SiteFarm(3, tmp_path / "farm", articles=3, delay=0.3) as farm:
        command = [
            sys.executable, "-m", "scrapy", "sweep", ",".join(farm.names),
            "-s", f"NEWSMON_SITES_DIR={farm.sites_dir}", "-s", f"NEWSMON_STATE_DIR={tmp_path / 'state'}",
            "-s", f"NEWSMON_OUTPUT_URI={tmp_path / 'out'}/%(site)s/%(time)s.jsonl",
            "-s", "NEWSMON_SWEEP_CONCURRENCY=1", "-s", "NEWSMON_TIER_MODE=plain",
            "-s", f"LOG_FILE={tmp_path / 'sweep.log'}",
            # the stop may come before any record: store the (then empty) file, to see it completed
            "-s", "FEED_STORE_EMPTY=True",
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = start_python(command, cwd=ROOT, env=env)  # forked: the sweep's signal handling is its own
        deadline = time.monotonic() + 60
        while not farm.requests(farm.names[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        status = proc.wait(timeout=120)
        log = (tmp_path / "sweep.log").read_text(encoding="utf-8")
        assert status == 3, log[-3000:]  # the interrupted site: finished 'shutdown', its monitors fail
        assert f"Sweep: {farm.names[0]}: exit status 3" in log and "finished 'shutdown'" in log
        for name in farm.names[1:]:
            assert f"Sweep: {name}: skipped" in log
            assert not farm.requests(name)
        assert list((tmp_path / "out" / farm.names[0]).glob("*.jsonl"))  # its output completed, not .partial


def test_a_broken_site_file_fails_the_sweep_but_not_the_other_sites(tmp_path: Path) -> None:
    with SiteFarm(2, tmp_path / "farm", articles=2) as farm:
        (farm.sites_dir / "broken.toml").write_text(
            'name = "broken"\norigin = "https://x.example"\ntimezone = "Mars/Base"\n'
        )
        result = sweep(farm, tmp_path, "all", "-s", "NEWSMON_TIER_MODE=plain")
        assert result.returncode == 2, result.stderr[-3000:]
        assert "Sweep: broken: exit status 2, not crawled:" in result.stderr and "'timezone'" in result.stderr
        for name in farm.names:
            assert f"Sweep: {name}: exit status 0" in result.stderr
            assert sorted(r["canonical_url"] for r in records_of(tmp_path, name)) == sorted(farm.truth[name])
        # nothing due now, and the file still broken: still exit 2, said again
        again = sweep(farm, tmp_path, "all", "-s", "NEWSMON_TIER_MODE=plain")
        assert again.returncode == 2 and "Sweep: broken: exit status 2, not crawled:" in again.stderr
