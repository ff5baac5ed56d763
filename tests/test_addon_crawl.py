"""newsmon enabled as a Scrapy add-on keeps its components whatever the user's component settings say."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.crawl_helpers import read_jsonl, run_crawl
from tests.replica.server import ReplicaServer

pytestmark = pytest.mark.crawl

# The user's own EXTENSIONS, given on the command line (priority cmdline): Scrapy replaces the whole dict.
USER_EXTENSIONS = json.dumps({"scrapy.extensions.periodic_log.PeriodicLog": 0})


def test_user_extensions_add_to_newsmon_and_runs_stay_incremental_and_monitored(tmp_path: Path) -> None:
    state, out = tmp_path / "state", tmp_path / "out"
    args = (
        "-s",
        f"EXTENSIONS={USER_EXTENSIONS}",
        "-s",
        f"NEWSMON_OUTPUT_URI={out}/%(name)s/%(time)s.jsonl",
        "-s",
        "LOGSTATS_INTERVAL=0.5",  # PeriodicLog's interval: several progress lines in a short run
        "-s",
        "DOWNLOAD_DELAY=0.05",
    )
    with ReplicaServer() as replica:
        first = run_crawl(replica.base_url, tmp_path / "run1", *args, output=False, state_dir=state)
        second = run_crawl(replica.base_url, tmp_path / "run2", *args, output=False, state_dir=state)
    assert first.returncode == 0, first.log[-3000:]
    assert second.returncode == 0, second.log[-3000:]
    files = sorted(out.glob("euromaidan/*.jsonl"))
    # incremental: the second run emits nothing new, so it writes no (empty) file (FEED_STORE_EMPTY)
    assert len(files) == 1 and second.stats.get("item_scraped_count", 0) == 0
    assert len(read_jsonl(files[0])) == 28
    assert second.stats["newsmon/state/skipped"] > 0
    for result in (first, second):
        # the state extension, the monitors and the stats file (all newsmon's) ran beside PeriodicLog
        assert result.stats["newsmon/monitor/summary"] == "pass"
        assert result.stats["newsmon/monitor/exit_status"] == 0
        assert "newsmon.state.extension.StateExtension" in result.log
        assert "scrapy.extensions.periodic_log.PeriodicLog" in result.log
    # progress during the run: PeriodicLog prints newsmon's own counters before the spider closes
    before_close = first.log.split("Closing spider")[0]
    progress = re.findall(r'"stats": \{[^}]*"newsmon/', before_close)
    assert progress, "no periodic progress line with newsmon's counters before the spider closed"
