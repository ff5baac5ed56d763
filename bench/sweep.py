"""Sweep benchmark: one `scrapy sweep all` process over 1,000 generated sites
(bench/site_farm.py, served by a child process), first with everything new, then again with nothing changed.

    python -m bench sweep [--sites 1000] [--site-articles 5] [--sweep-concurrency 64] [--log-level INFO]
                          [--latency 0.02] [--profile prof.out] [--keep DIR]

Each site has robots.txt, a feed (RSS or Atom), one category listing and ``--site-articles`` articles linking
each other ("Related"); its TOML has ``interval = "1m"``, so every site is due again right after the first
sweep (a sweep allows a minute of slack) and the second sweep is `scrapy sweep all` again. Both run with
the project's politeness (AutoThrottle, CONCURRENT_REQUESTS_PER_DOMAIN), the PLAIN tier only
(``NEWSMON_TIER_MODE=plain``), fresh NEWSMON_STATE_DIR and NEWSMON_OUTPUT_URI in a temporary directory; the
farm answers each request after ``--latency`` seconds (a near site), so requests in flight can overlap.

Measured per sweep: wall time of the process (start to exit), and within it the span from the first to the
last request the farm saw; requests by kind and status from the farm's log; records (the per-run JSON Lines
files) against the farm's truth; articles fetched again in the second sweep; per host the most requests in
flight at once and the shortest gap between two request starts; peak RSS of the crawl's process tree (the
crawl and its extraction workers, summed, polled every 0.1 s) and its CPU time. ``--profile`` runs a third,
unmeasured no-change sweep under cProfile and prints its top cumulative costs.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import summary
from bench.machine import describe
from bench.record_build import print_table
from bench.site_farm import FarmProcess, FarmRequest, by_host, max_concurrency, min_gap

ROOT = Path(__file__).resolve().parent.parent
TARGET_NO_CHANGE_S = 60.0
PER_DOMAIN = 4  # newsmon/settings.py CONCURRENT_REQUESTS_PER_DOMAIN
_SWEEP_DONE = re.compile(r"Sweep: (\d+) of (\d+) sites crawled, exit status (\d+)")


@dataclass
class SweepRun:
    wall: float
    status: int
    cpu: float  # user + system seconds of the crawl and its waited-for children
    peak_rss: int  # bytes, the process tree summed
    peak_rss_main: int  # bytes, the crawl process alone (ru_maxrss)
    sites_crawled: int
    log_lines: int
    requests: list[FarmRequest] = field(default_factory=list)
    records: dict[str, list[str]] = field(default_factory=dict)  # site -> canonical URLs written
    farm_cpu: float = 0.0


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """pid and its descendants (Linux /proc/<pid>/task/*/children)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return pids


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class TreeMemory(threading.Thread):
    """Polls the summed RSS of a process tree until stopped; ``peak`` in bytes."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak = pid, every, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, sum(_rss(p) for p in _tree(self.pid)))
            self.done.wait(self.every)


def crawl_command(args: argparse.Namespace, profile: Path | None = None) -> list[str]:
    head = [sys.executable, "-m", "cProfile", "-o", str(profile)] if profile else [sys.executable]
    return [
        *head, "-m", "scrapy", "sweep", "all",
        "-s", "NEWSMON_TIER_MODE=plain",
        "-s", f"NEWSMON_SWEEP_CONCURRENCY={args.sweep_concurrency}",
        "-s", f"LOG_LEVEL={args.log_level}",
    ]  # fmt: skip


def run_sweep(
    args: argparse.Namespace, farm: FarmProcess, work: Path, label: str, profile: Path | None = None
) -> SweepRun:
    """One sweep in a fresh process; the farm's log is cleared first and read after."""
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env.update(
        NEWSMON_SITES_DIR=str(farm.sites_dir),
        NEWSMON_STATE_DIR=str(work / "state"),
        NEWSMON_OUTPUT_URI=str(work / "out" / "%(site)s" / "%(time)s.jsonl"),
    )
    outputs_before = set((work / "out").glob("*/*.jsonl"))
    farm.clear_requests()
    farm_cpu = _cpu_seconds(farm.pid)
    log_path = work / f"{label}.log"
    with log_path.open("w", encoding="utf-8") as log:
        start = time.perf_counter()
        process = subprocess.Popen(
            crawl_command(args, profile), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        memory = TreeMemory(process.pid)
        memory.start()
        _, wait_status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        memory.done.set()
        memory.join()
    text = log_path.read_text("utf-8", errors="replace")
    done = _SWEEP_DONE.findall(text)
    records: dict[str, list[str]] = {}
    for path in sorted(set((work / "out").glob("*/*.jsonl")) - outputs_before):
        with path.open(encoding="utf-8") as f:
            urls = [json.loads(line)["canonical_url"] for line in f if line.strip()]
        records.setdefault(path.parent.name, []).extend(urls)
    if process.returncode != 0 and profile is None:
        tail = "\n".join([line for line in text.splitlines() if "ERROR" in line or "Sweep:" in line][-20:])
        print(f"  {label}: exit status {process.returncode}\n{tail}", flush=True)
    requests = farm.requests()
    with (work / f"{label}.requests.jsonl").open("w", encoding="utf-8") as out:  # for a closer look
        out.writelines(json.dumps(r._asdict()) + "\n" for r in requests)
    return SweepRun(
        wall=wall,
        status=process.returncode,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss=memory.peak,
        peak_rss_main=usage.ru_maxrss * 1024,
        sites_crawled=int(done[-1][0]) if done else 0,
        log_lines=text.count("\n"),
        requests=requests,
        records=records,
        farm_cpu=_cpu_seconds(farm.pid) - farm_cpu,
    )


def politeness(requests: list[FarmRequest]) -> tuple[int, float | None, str]:
    """(most in flight on one host, shortest gap between two request starts on one host, that host)."""
    hosts = by_host(requests)
    most = max((max_concurrency(r) for r in hosts.values()), default=0)
    gaps = {host: gap for host, r in hosts.items() if (gap := min_gap(r)) is not None}
    closest = min(gaps, key=gaps.__getitem__, default="")
    return most, gaps.get(closest), closest


def span(requests: list[FarmRequest]) -> float:
    return max(r.end for r in requests) - min(r.start for r in requests) if requests else 0.0


def kinds(requests: list[FarmRequest]) -> str:
    counts = Counter(f"{r.kind} {r.status}" for r in requests)
    return ", ".join(f"{k}: {n}" for k, n in sorted(counts.items()))


def compare(records: dict[str, list[str]], truth: dict[str, list[str]]) -> tuple[int, int, int, int]:
    """(sites whose records are exactly their truth, missing URLs, unexpected URLs, duplicates)."""
    exact = missing = extra = duplicates = 0
    for site, expected in truth.items():
        got = records.get(site, [])
        duplicates += len(got) - len(set(got))
        missing += len(set(expected) - set(got))
        extra += len(set(got) - set(expected))
        exact += set(got) == set(expected) and len(got) == len(expected)
    return exact, missing, extra, duplicates


def top_costs(profile: Path, limit: int = 40) -> None:
    """The profile's top functions by cumulative time."""
    stats = pstats.Stats(str(profile))
    stats.sort_stats("cumulative").print_stats(limit)


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    with FarmProcess(
        args.sites, work / "farm", articles=args.site_articles, interval="1m", delay=args.latency
    ) as farm:
        print(f"  farm: {len(farm.sites)} sites on {farm.sites[0].host} .. {farm.sites[-1].host}", flush=True)
        first = run_sweep(args, farm, work, "sweep1")
        print(f"  first sweep: {first.wall:.1f} s, exit status {first.status}", flush=True)
        second = run_sweep(args, farm, work, "sweep2")
        print(f"  no-change sweep: {second.wall:.1f} s, exit status {second.status}", flush=True)
        if args.profile:
            run_sweep(args, farm, work, "sweep3-profiled", Path(args.profile).resolve())
            print(f"  profiled no-change sweep written to {args.profile}", flush=True)
        truth = farm.truth
    return {"first": first, "second": second, "truth": truth}


def sweep_rows(label: str, run: SweepRun, n_sites: int, target: str = "") -> list[tuple[str, str, str]]:
    """One sweep's rows of the table."""
    most, gap, host = politeness(run.requests)
    articles = [r for r in run.requests if r.kind == "article"]
    refetched = (
        f"{sum(r.conditional for r in articles)} conditional, {sum(r.status == 304 for r in articles)} 304"
    )
    return [
        (f"{label}: wall time (s)", f"{run.wall:.1f}", target or "process start to exit"),
        (
            "  first to last request (s)",
            f"{span(run.requests):.1f}",
            f"exit status {run.status}, {run.sites_crawled} sites crawled",
        ),
        ("  requests", f"{len(run.requests):,}", kinds(run.requests)),
        ("  article GETs", str(len(articles)), refetched),
        ("  records written", f"{sum(len(v) for v in run.records.values()):,}", ""),
        (
            "  max requests in flight on one host",
            str(most),
            f"target <= {PER_DOMAIN} (CONCURRENT_REQUESTS_PER_DOMAIN)",
        ),
        (
            "  min gap between request starts on one host (s)",
            f"{gap:.3f}" if gap is not None else "-",
            f"{host} (AutoThrottle: from 1 s down to latency / 2)",
        ),
        (
            "  peak RSS of the crawl's process tree (MiB)",
            f"{run.peak_rss / 2**20:.0f}",
            f"crawl process alone {run.peak_rss_main / 2**20:.0f} MiB",
        ),
        (
            "  CPU time of the crawl (s)",
            f"{run.cpu:.1f}",
            f"{run.cpu / n_sites * 1000:.0f} ms per site; farm server {run.farm_cpu:.1f} s; "
            f"{run.log_lines:,} log lines",
        ),
    ]


def summarize(args: argparse.Namespace, measured: dict[str, Any]) -> list[tuple[str, str, str]]:
    first: SweepRun = measured["first"]
    second: SweepRun = measured["second"]
    truth: dict[str, list[str]] = measured["truth"]
    n_sites = len(truth)
    expected = sum(len(v) for v in truth.values())
    exact, missing, extra, duplicates = compare(first.records, truth)
    table: list[tuple[str, str, str]] = [
        ("sites", f"{n_sites:,}", f"{args.site_articles} articles each, own 127.0.x.y, served by a child"),
        ("sweep concurrency", str(args.sweep_concurrency), f"NEWSMON_SWEEP_CONCURRENCY; {args.log_level}"),
        *sweep_rows("first sweep", first, n_sites),
        (
            "  sites whose records = truth",
            f"{exact}/{n_sites}",
            f"{expected:,} expected: {missing} missing, {extra} unexpected, {duplicates} duplicates",
        ),
        *sweep_rows("no-change sweep", second, n_sites, f"target < {TARGET_NO_CHANGE_S:.0f} s"),
    ]  # fmt: skip
    most = max(politeness(first.requests)[0], politeness(second.requests)[0])
    summary.add(
        "sweep", "no-change sweep wall time (s)", f"{second.wall:.1f}", f"< {TARGET_NO_CHANGE_S:.0f} s"
    )
    summary.add(
        "sweep", "no-change sweep article GETs", str(sum(r.kind == "article" for r in second.requests)), "0"
    )
    summary.add(
        "sweep", "first sweep sites with records = truth", f"{exact}/{n_sites}", f"{n_sites}/{n_sites}"
    )
    summary.add("sweep", "max requests in flight on one host", str(most), f"<= {PER_DOMAIN}")
    return table


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench sweep")
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--site-articles", type=int, default=5)
    parser.add_argument("--sweep-concurrency", type=int, default=64)
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds the farm waits before a reply")
    parser.add_argument("--profile", default="", help="also profile a third, no-change sweep into this file")
    parser.add_argument("--keep", default="", help="work in this directory and keep it (logs, outputs)")
    args, _ = parser.parse_known_args(argv)
    if args.keep:
        work = Path(args.keep)
        work.mkdir(parents=True, exist_ok=True)
        measured = measure(args, work)
    else:
        with tempfile.TemporaryDirectory(prefix="newsmon-bench-sweep-") as tmp:
            measured = measure(args, Path(tmp))
    print(describe())
    table = summarize(args, measured)
    print_table(table)
    if args.profile:
        top_costs(Path(args.profile))
    second: SweepRun = measured["second"]
    first: SweepRun = measured["first"]
    return 0 if first.status == 0 and second.status == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
