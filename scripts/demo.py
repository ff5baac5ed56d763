"""`make demo`: serve the bundled offline replica, crawl it as cron would, show one article and say what
happened: records written and where, how long it took, which fetch tiers did the work.

State is kept between demos in output/demo-state, as a deployment keeps it: a second `make demo` finds
nothing new (every article was written once already) and says so; `make demo FRESH=1` (`--fresh`) starts
afresh, the earlier records and state removed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsmon.meta import Tier  # noqa: E402
from newsmon.monitors.checks import total  # noqa: E402
from newsmon.report.markdown import render_article  # noqa: E402
from newsmon.stats import STATE_SKIPPED, STATE_UNCHANGED, request_by  # noqa: E402
from tests.replica.server import ReplicaServer  # noqa: E402

SITE = "euromaidan"
OUTPUT = ROOT / "output"
OUT_DIR = OUTPUT / SITE
STATE_DIR = OUTPUT / "demo-state"
STATS = OUTPUT / "demo-stats.json"
LOG = OUTPUT / "demo.log"
ARTICLE_PARAGRAPHS = 8
# the replica's port, the same for every demo: its article URLs stay the same, as a real site's do, so a
# second demo recognises them (another free port when this one is taken)
DEMO_PORT = 8641
BIN = ".venv/bin"


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def records_in(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def crawl(base_url: str) -> int:
    command = [
        str(Path(sys.executable).with_name("scrapy")), "crawl", SITE,
        "-a", f"base_url={base_url}",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "LOG_LEVEL=WARNING",  # what needs attention on the terminal; everything in the log file
        "-s", f"NEWSMON_STATS_FILE={rel(STATS)}",
        "-s", f"NEWSMON_STATE_DIR={rel(STATE_DIR)}",
    ]  # fmt: skip
    print("Running:", " ".join(Path(c).name if n == 0 else c for n, c in enumerate(command)), flush=True)
    return subprocess.call(command, cwd=ROOT)


def replica_server() -> ReplicaServer:
    try:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", DEMO_PORT))
        return ReplicaServer(port=DEMO_PORT)
    except OSError:
        return ReplicaServer()


def pick_article(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The article with the most text among those with a title: what a reader would open first."""
    titled = [r for r in records if r.get("title") and r.get("body")]
    return max(titled, key=lambda r: len(r["body"]), default=None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fresh", action="store_true", help="remove earlier demo records and state first")
    fresh = parser.parse_args(argv).fresh
    if fresh:
        for path in (OUT_DIR, STATE_DIR):
            shutil.rmtree(path, ignore_errors=True)
    earlier = set(OUT_DIR.glob("*.jsonl")) if OUT_DIR.exists() else set()
    started = time.monotonic()
    with replica_server() as replica:
        print(f"Replica of euromaidanpress.com (offline, invented articles) serving at {replica.base_url}")
        code = crawl(replica.base_url)
    took = time.monotonic() - started
    if code not in (0,):
        print(f"\nThe crawl failed (exit status {code}); its stats are in {rel(STATS)}", file=sys.stderr)
        return code
    stats = json.loads(STATS.read_text(encoding="utf-8"))
    new_files = sorted(set(OUT_DIR.glob("*.jsonl")) - earlier)
    output = new_files[-1] if new_files else None
    records = records_in(output) if output is not None else []
    article = pick_article(records)
    if article is not None:
        print("\n" + "-" * 72 + "\nOne of the articles, as `newsmon render --article` shows it:\n" + "-" * 72)
        print(render_article(article, max_lines=ARTICLE_PARAGRAPHS))
    summary(stats, records, output, took)
    return 0


def summary(stats: dict[str, Any], records: list[dict[str, Any]], output: Path | None, took: float) -> None:
    plain = total(stats, request_by(Tier.PLAIN, ""))
    stealthy = total(stats, request_by(Tier.STEALTHY, ""))
    known = int(stats.get(STATE_SKIPPED, 0)) + int(stats.get(STATE_UNCHANGED, 0))
    print("=" * 72)
    crawl_s = float(stats.get("elapsed_time_seconds", 0))
    print(f"newsmon demo finished in {took:.1f} s (the crawl itself {crawl_s:.1f} s).")
    print(f"Requests: {plain + stealthy}: {plain} by the PLAIN tier (plain HTTP), {stealthy} by the STEALTHY")
    print("tier (headless Chromium, only for pages plain HTTP cannot get).")
    if records and output is not None:
        print(f"Records written: {len(records)} articles, one JSON object a line, in")
        print(f"  {rel(output)}")
        print(f"  all of them as Markdown: {BIN}/newsmon render {rel(output)}")
    else:
        print("Records written: 0. Nothing is new: the replica has not changed since the last demo, and")
        print("newsmon writes an article once (again only when its text changes): the articles it knew")
        print(f"were not fetched again ({known} skipped). Earlier records: {rel(OUT_DIR)}/")
        print("To start afresh: make demo FRESH=1 (removes output/euromaidan and output/demo-state).")
    print(f"State (what was written, for the next run): {rel(STATE_DIR)}/{SITE}.sqlite3")
    print(f"Run stats: {rel(STATS)}; the runs so far: {BIN}/newsmon report {rel(STATE_DIR)}")
    print("=" * 72)


if __name__ == "__main__":
    sys.exit(main())
