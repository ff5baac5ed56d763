"""Run a real `scrapy crawl` in a subprocess, as cron would, and read back its records and stats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


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


def run_crawl(
    base_url: str,
    workdir: Path,
    *args: str,
    spider: str = "euromaidan",
    output: bool = True,
    timeout: float = 180,
) -> CrawlResult:
    """`scrapy crawl` against base_url; -O workdir/out.jsonl unless output=False (then the default feed)."""
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / "out.jsonl"
    stats_path = workdir / "stats.json"
    log_path = workdir / "crawl.log"
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        spider,
        "-a",
        f"base_url={base_url}",
        "-s",
        f"NEWSMON_STATS_FILE={stats_path}",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        f"LOG_FILE={log_path}",
        *(["-O", str(out)] if output else []),
        *args,
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(command, cwd=ROOT, env=env, timeout=timeout, capture_output=True, text=True)
    log = log_path.read_text(encoding="utf-8") if log_path.exists() else ""
    stats = json.loads(stats_path.read_text(encoding="utf-8")) if stats_path.exists() else {}
    return CrawlResult(
        returncode=proc.returncode,
        records=read_jsonl(out),
        stats=stats,
        log=log + proc.stdout + proc.stderr,
        output=out,
    )
