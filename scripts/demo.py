"""`make demo`: serve the bundled offline replica, crawl it like cron would, show where records went."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsmon.render import render_markdown  # noqa: E402
from tests.replica.server import ReplicaServer  # noqa: E402


def main() -> int:
    out_dir = ROOT / "output" / "euromaidan"
    stats_path = ROOT / "output" / "demo-stats.json"
    before = set(out_dir.glob("*.jsonl")) if out_dir.exists() else set()
    # a fresh state dir: every demo crawls the whole replica (a cron run would emit only what is new)
    with ReplicaServer() as replica, tempfile.TemporaryDirectory(prefix="newsmon-demo-") as state_dir:
        print(f"Replica of euromaidanpress.com serving at {replica.base_url}", flush=True)
        command = [
            str(Path(sys.executable).with_name("scrapy")),
            "crawl",
            "euromaidan",
            "-a",
            f"base_url={replica.base_url}",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "LOG_LEVEL=WARNING",
            "-s",
            f"NEWSMON_STATS_FILE={stats_path}",
            "-s",
            f"NEWSMON_STATE_DIR={state_dir}",
        ]
        print("Running:", " ".join(command), flush=True)
        code = subprocess.call(command, cwd=ROOT)
    if code != 0:
        print(f"crawl failed with exit code {code}", file=sys.stderr)
        return code
    new_files = sorted(set(out_dir.glob("*.jsonl")) - before)
    if not new_files:
        print("crawl wrote no output file", file=sys.stderr)
        return 1
    output = new_files[-1]
    lines = [line for line in output.read_text(encoding="utf-8").splitlines() if line.strip()]
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    print(
        f"\nCrawled {stats.get('downloader/response_count', 0)} pages in "
        f"{stats.get('elapsed_time_seconds', 0):.1f} s; stats in {stats_path.relative_to(ROOT)}"
    )
    print(f"{len(lines)} records written to {output.relative_to(ROOT)}")
    print(f"Render them all with: {VENV_HINT} render {output.relative_to(ROOT)}\n")
    if lines:
        print(render_markdown(json.loads(lines[0])))
    return 0


VENV_HINT = ".venv/bin/newsmon"

if __name__ == "__main__":
    sys.exit(main())
