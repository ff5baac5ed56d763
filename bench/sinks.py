"""Sink benchmark: PostgreSQL sink throughput (records/s, batched) and the crawl slowdown a PostgreSQL sink
costs against JSON Lines alone, on the static replica served by nginx (bench/static_replica.py).

    python -m bench sinks [--records 20000] [--batch 500] [--articles 2010] [--rounds 3]

The server is a throwaway PostgreSQL (Debian's binaries, tests/postgres_helpers.py) with fsync on, as in
production. Throughput: records taken from a crawl of the replica (real sizes: links, content, body), given
fresh canonical URLs and ids until there are ``--records``, written through PostgresSink.write in batches
of ``--batch`` (one transaction each), timed from the first batch to the last commit; the CPU newsmon and
the server used is measured too (records per CPU-second): on a shared machine the wall rate is mostly the
other processes' load. Slowdown: the same crawl (`scrapy crawl euromaidan -O records.jsonl`, browser tier
off, 16 concurrent requests) without and with ``-s NEWSMON_SINKS=postgresql://...``; wall time of the whole
process (start-up, the sink's connect and migration, and its last batch at close included), rounds
alternating the order, medians compared; and the CPU each crawl cost (the crawl process with its extraction
workers, plus the server's for the sink), which the load of a shared machine moves far less than wall time.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import summary
from bench.machine import describe
from bench.plain_crawl import crawl_stats, newsmon_command
from bench.record_build import print_table
from bench.static_replica import served_site

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATE = 2000.0  # records/s
TARGET_SLOWDOWN = 0.05  # crawl wall time with the sink / without, minus 1


def records_like(templates: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """count records shaped like the templates, each with its own canonical URL and id."""
    from newsmon.record import record_id

    out = []
    for n in range(count):
        base = templates[n % len(templates)]
        url = f"{base['canonical_url'].rstrip('/')}-bench-{n}/"
        out.append({**base, "canonical_url": url, "id": record_id(url)})
    return out


def throughput(server: Any, templates: list[dict[str, Any]], count: int, batch: int) -> dict[str, float]:
    from newsmon.sinks import SinkConfig, build_sink

    config = SinkConfig(uris=(), batch_size=batch, max_delay=5, timeout=60, retries=0, auth_env="")
    sink = build_sink(f"{server.url}?table=bench_records", config)
    sink.open()
    records = records_like(templates, count)
    size = sum(len(json.dumps(r, ensure_ascii=False)) for r in records[:200]) / min(200, len(records))
    started, cpu, server_cpu = time.perf_counter(), time.process_time(), server.cpu_seconds()
    for start in range(0, len(records), batch):
        sink.write(records[start : start + batch])
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu + server.cpu_seconds() - server_cpu  # before the backend exits
    sink.close()
    return {
        "records": count,
        "seconds": elapsed,
        "rate": count / elapsed,
        "per_cpu_s": count / cpu,
        "record_kb": size / 1024,
    }


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crawl(command: list[str], work: Path, server: Any = None) -> dict[str, Any]:
    """One crawl: its wall time, and the CPU it cost (the crawl process and its extraction workers, plus
    the PostgreSQL server's when it feeds one): CPU time barely moves with the machine's load."""
    started, cpu = time.perf_counter(), children_cpu()
    server_cpu = server.cpu_seconds() if server is not None else 0.0
    stats = crawl_stats(command, ROOT, work)
    wall = time.perf_counter() - started
    cpu = children_cpu() - cpu + (server.cpu_seconds() - server_cpu if server is not None else 0.0)
    return {
        "wall": wall,
        "cpu": cpu,
        "items": int(stats.get("item_scraped_count", 0)),
        "sink_records": int(stats.get("newsmon/sink/records", 0)),
    }


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from tests.postgres_helpers import running_postgres

    with running_postgres(durable=True) as server:  # fsync on, as in production
        runs: dict[str, list[dict[str, Any]]] = {"JSON Lines": [], "JSON Lines + PostgreSQL": []}
        with served_site(args.articles, work) as (nginx, counts, site):
            categories = [f"/category/{c.slug}/" for c in site.categories]
            max_pages = max(site.page_count(site.category_articles(c.slug)) for c in site.categories)
            for round_no in range(args.rounds):
                order = list(runs)
                if round_no % 2:
                    order.reverse()
                for name in order:
                    run_dir = work / f"{'sink' if 'Postgre' in name else 'jsonl'}-{round_no}"
                    command = newsmon_command(nginx.base_url, categories, max_pages, run_dir, None)
                    if "Postgre" in name:
                        table = f"crawl_{round_no}"
                        command += ["-s", f"NEWSMON_SINKS={server.url}?table={table}"]
                    result = crawl(command, run_dir, server if "Postgre" in name else None)
                    runs[name].append(result)
                    print(
                        f"  round {round_no + 1} {name}: {result['items']} records in "
                        f"{result['wall']:.1f} s, {result['cpu']:.1f} CPU s"
                        + (f", {result['sink_records']} to PostgreSQL" if "Postgre" in name else ""),
                        flush=True,
                    )
            templates = [
                json.loads(line)
                for line in (work / "jsonl-0" / "records.jsonl").read_text("utf-8").splitlines()
                if line.strip()
            ]
        rate = throughput(server, templates, args.records, args.batch)
        print(f"  PostgreSQL sink: {rate['records']} records in {rate['seconds']:.2f} s", flush=True)
    return {"runs": runs, "rate": rate, "counts": counts, "batch": args.batch}


def summarize(measured: dict[str, Any]) -> list[tuple[str, str, str]]:
    rate, runs = measured["rate"], measured["runs"]
    plain = statistics.median(r["wall"] for r in runs["JSON Lines"])
    sink = statistics.median(r["wall"] for r in runs["JSON Lines + PostgreSQL"])
    slowdown = sink / plain - 1
    plain_cpu = statistics.median(r["cpu"] for r in runs["JSON Lines"])
    sink_cpu = statistics.median(r["cpu"] for r in runs["JSON Lines + PostgreSQL"])
    pairs = ", ".join(
        f"{s['wall'] / p['wall'] - 1:+.1%}"
        for p, s in zip(runs["JSON Lines"], runs["JSON Lines + PostgreSQL"], strict=True)
    )
    rounds = len(runs["JSON Lines"])
    items = runs["JSON Lines"][0]["items"]
    return [
        (
            "PostgreSQL sink (records/s)",
            f"{rate['rate']:,.0f}",
            f"target >= {TARGET_RATE:,.0f}; {rate['records']:,} records of "
            f"{rate['record_kb']:.1f} KB, batches of {measured['batch']}, fsync on",
        ),
        (
            "  per CPU-second (newsmon + server)",
            f"{rate['per_cpu_s']:,.0f}",
            "records per second of CPU used; the machine's load shows in the wall rate",
        ),
        ("crawl, JSON Lines (s)", f"{plain:.1f}", f"median of {rounds}, {items} records"),
        ("crawl, JSON Lines + PostgreSQL (s)", f"{sink:.1f}", f"median of {rounds}"),
        ("crawl slowdown with the sink (wall)", f"{slowdown:+.1%}", f"rounds: {pairs}"),
        ("crawl CPU, JSON Lines (s)", f"{plain_cpu:.1f}", "the crawl process and its extraction workers"),
        ("crawl CPU, JSON Lines + PostgreSQL (s)", f"{sink_cpu:.1f}", "the same, plus the server's"),
        (
            "crawl slowdown with the sink (CPU)",
            f"{sink_cpu / plain_cpu - 1:+.1%}",
            f"target <= {TARGET_SLOWDOWN:.0%}",
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench sinks")
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--articles", type=int, default=2010)
    parser.add_argument("--rounds", type=int, default=3)
    args, _ = parser.parse_known_args(argv)
    from tests.postgres_helpers import INITDB

    if INITDB is None:
        print("PostgreSQL is not installed (scripts/system-deps.sh installs it): skipped", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp:
        measured = measure(args, Path(tmp))
    print(describe())
    table = summarize(measured)
    print_table(table)
    summary.add_targets("sinks", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
