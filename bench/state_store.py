"""State store benchmark: 1M emitted URLs, lookups/s, peak RSS and open time (measured in a fresh process),
and the wall time of a no-change rerun of the replica.

    python -m bench state_store [--urls 1000000] [--lookups 200000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import summary
from bench.machine import cpu_model

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"lookups/s": ">= 100000", "peak RSS MB": "<= 64", "open s": "< 1", "no-change rerun s": "< 5"}

PROBE = r"""
import json, random, resource, sys, time
from pathlib import Path
from newsmon.state.store import StateStore
path, n, lookups, check = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
t0 = time.perf_counter()
store = StateStore.open(path, check=check)
opened = time.perf_counter() - t0
rng = random.Random(7)
hit_ids = [rng.randrange(n) for _ in range(lookups)]  # ints, so the probe itself stays small
t0, c0 = time.perf_counter(), time.process_time()
hits = sum(
    store.resolve(f"https://euromaidanpress.com/{i:08d}/article-slug-{i}/") is not None for i in hit_ids
)
misses = sum(
    store.resolve(f"https://euromaidanpress.com/{i:08d}/other-slug/") is None
    for i in (rng.randrange(2 * n) for _ in range(lookups))
)
elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
store.close()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
result = {"open_s": opened, "lookups_per_s": 2 * lookups / elapsed, "per_cpu_s": 2 * lookups / cpu}
print(json.dumps({**result, "hits": hits, "misses": misses, "peak_rss_mb": rss}))
"""


def build_store(path: Path, n: int) -> float:
    from newsmon.state.store import StateStore

    t0 = time.perf_counter()
    with StateStore.open(path) as store:
        now = time.time()
        rows = (
            (
                f"https://euromaidanpress.com/{i:08d}/article-slug-{i}/",
                i.to_bytes(32, "big"),
                1,
                now,
                now,
                now,
                now - i,
                None,
            )
            for i in range(n)
        )
        store.conn.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        store.conn.commit()
    return time.perf_counter() - t0


def probe(path: Path, n: int, lookups: int, check: bool) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), str(n), str(lookups), "1" if check else "0"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout))


def no_change_rerun(work: Path) -> tuple[float, float, int, int]:
    """(wall s, Scrapy elapsed s, records, requests) of the second of two runs on the replica."""
    sys.path.insert(0, str(ROOT))
    from tests.crawl_helpers import run_crawl
    from tests.replica.server import ReplicaServer

    with ReplicaServer() as replica:
        first = run_crawl(replica.base_url, work / "first", state_dir=work / "state")
        assert first.returncode == 0, first.log[-2000:]
        replica.clear_requests()
        t0 = time.perf_counter()
        second = run_crawl(replica.base_url, work / "second", state_dir=work / "state")
        wall = time.perf_counter() - t0
        assert second.returncode == 0, second.log[-2000:]
        return wall, float(second.stats["elapsed_time_seconds"]), len(second.records), replica.count()


def machine() -> str:
    cpu = cpu_model()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} CPUs, {mem:.0f} GiB RAM, {platform.system()} {platform.release()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench state_store")
    parser.add_argument("--urls", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=100_000, help="hits and as many misses")
    args, _ = parser.parse_known_args(argv)  # python -m bench passes every option to every benchmark
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp:
        work = Path(tmp)
        path = work / "bench.sqlite3"
        build_s = build_store(path, args.urls)
        size_mb = path.stat().st_size / 2**20
        random.seed(1)
        plain = probe(path, args.urls, args.lookups, check=False)
        checked = probe(path, args.urls, args.lookups, check=True)
        rerun_s, crawl_s, records, requests = no_change_rerun(work)
    rows = [
        ("URLs in store", f"{args.urls:,}", ""),
        ("store file MB", f"{size_mb:.0f}", f"built in {build_s:.1f} s"),
        ("lookups/s", f"{plain['lookups_per_s']:,.0f}", TARGETS["lookups/s"] + " (wall clock)"),
        ("lookups per CPU second", f"{plain['per_cpu_s']:,.0f}", "(load-independent)"),
        ("peak RSS MB", f"{plain['peak_rss_mb']:.1f}", TARGETS["peak RSS MB"]),
        ("open s (no check)", f"{plain['open_s']:.3f}", TARGETS["open s"]),
        ("open s (quick_check)", f"{checked['open_s']:.3f}", "NEWSMON_STATE_CHECK=True"),
        ("peak RSS MB (quick_check)", f"{checked['peak_rss_mb']:.1f}", ""),
        ("no-change rerun s", f"{rerun_s:.2f}", TARGETS["no-change rerun s"] + " (process wall time)"),
        ("  of which crawling s", f"{crawl_s:.2f}", "Scrapy elapsed_time_seconds"),
        ("  records / requests", f"{records} / {requests}", "0 / hubs only"),
    ]
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>12}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>12}  {target}")
    summary.add_targets("state_store", [(n, v, t) for n, v, t in rows if t])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
