"""Run a real `scrapy crawl` in a process of its own, as cron would, and read back its records and stats.

run_crawl's process is a fork of the worker's fork server (tests/forkserver.py: Scrapy and newsmon
imported once), running the same command line; tests that start, signal or kill a crawl themselves use
crawl_command with subprocess.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.forkserver import run_python

ROOT = Path(__file__).resolve().parent.parent
IN_PROCESS_EXTRACTION = 0  # run_crawl's NEWSMON_EXTRACT_WORKERS unless the test sets an extraction option
EXTRACT_OPTIONS = "NEWSMON_EXTRACT_"


@dataclass
class CrawlResult:
    returncode: int
    records: list[dict[str, Any]]
    stats: dict[str, Any]
    log: str
    output: Path
    files: list[Path] = field(default_factory=list)

    def by_path(self) -> dict[str, list[dict[str, Any]]]:
        from urllib.parse import urlsplit

        out: dict[str, list[dict[str, Any]]] = {}
        for record in self.records:
            out.setdefault(urlsplit(record["canonical_url"]).path, []).append(record)
        return out


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def crawl_command(
    base_url: str,
    workdir: Path,
    *args: str,
    spider: str = "euromaidan",
    output: bool = True,
    state_dir: Path | None = None,
    log_path: Path | None = None,
) -> list[str]:
    """The `scrapy crawl` command line run_crawl runs (for tests that start and kill it themselves)."""
    workdir.mkdir(parents=True, exist_ok=True)
    return [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        spider,
        "-a",
        f"base_url={base_url}",
        "-s",
        f"NEWSMON_STATS_FILE={workdir / 'stats.json'}",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        f"LOG_FILE={log_path or workdir / 'crawl.log'}",
        "-s",
        f"NEWSMON_STATE_DIR={state_dir or workdir / 'state'}",
        "-s",
        f"NEWSMON_OUTPUT_URI={workdir / 'output'}/%(site)s/%(time)s.jsonl",
        *(["-O", str(workdir / "out.jsonl")] if output else []),
        *args,
    ]


def only_urls(*paths: str) -> tuple[str, ...]:
    """Spider arguments for a crawl of these article paths alone: no hubs, no related links."""
    return ("-a", f"urls={','.join(paths)}", "-a", "feeds=", "-a", "categories=", "-a", "follow_depth=0")


def in_process_extraction(args: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The `-s` that extracts in the crawl process, unless args set any extraction option (a budget, a
    timeout, the workers: they mean what they say with newsmon's default worker). A spawned worker is a
    fresh interpreter importing lxml and trafilatura, seconds per crawl on a loaded machine; the records
    are the same (tests/test_extract_workers.py), and the worker path has tests of its own."""
    if any(EXTRACT_OPTIONS in arg for arg in args):
        return ()
    return ("-s", f"NEWSMON_EXTRACT_WORKERS={IN_PROCESS_EXTRACTION}")


def run_crawl(
    base_url: str,
    workdir: Path,
    *args: str,
    spider: str = "euromaidan",
    output: bool = True,
    timeout: float = 180,
    state_dir: Path | None = None,
) -> CrawlResult:
    """`scrapy crawl` against base_url; -O workdir/out.jsonl unless output=False (then the default feed).

    State lives in state_dir (default: workdir/state, fresh for each workdir); the default per-run feed
    goes under workdir/output/ unless args set NEWSMON_OUTPUT_URI (later -s values win).
    """
    log_path = workdir / "crawl.log"
    command = crawl_command(
        base_url,
        workdir,
        *in_process_extraction(args),
        *args,
        spider=spider,
        output=output,
        state_dir=state_dir,
        log_path=log_path,
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = run_python(command, cwd=ROOT, env=env, timeout=timeout)
    return collect_result(workdir, proc.returncode, proc.stdout + proc.stderr)


def collect_result(workdir: Path, returncode: int, output: str = "") -> CrawlResult:
    """Records, stats and log a finished crawl_command run left in workdir."""
    out, stats_path, log_path = workdir / "out.jsonl", workdir / "stats.json", workdir / "crawl.log"
    log = log_path.read_text(encoding="utf-8") if log_path.exists() else ""
    stats = json.loads(stats_path.read_text(encoding="utf-8")) if stats_path.exists() else {}
    return CrawlResult(
        returncode=returncode, records=read_jsonl(out), stats=stats, log=log + output, output=out
    )
