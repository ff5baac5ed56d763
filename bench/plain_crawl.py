"""Plain crawl benchmark: pages/s of ``scrapy crawl euromaidan`` (full extraction, records validated and
written) against a bare Scrapy CrawlSpider, on a static replica of >= 2,000 articles served by a private
nginx (bench/static_replica.py), in the same run.

    python -m bench plain_crawl [--articles 2010] [--rounds 2] [--workers N ...]

newsmon starts from the site's feed and every category listing (all their pages) and follows Read also /
News Feed links (follow_depth 2). The bare spider starts from the same hubs, follows every same-site link
of a page (a CrawlSpider Rule with a LinkExtractor), but only to URLs newsmon fetched in the first round
(read from nginx's access log), so both fetch the same set of pages; the table shows both counts. Both
run unthrottled (AutoThrottle off, CONCURRENT_REQUESTS = CONCURRENT_REQUESTS_PER_DOMAIN = 16), obey
robots.txt and log at WARNING; newsmon runs with its browser tier off and a fresh state directory.
pages/s = responses / Scrapy's elapsed_time_seconds. Rounds alternate the order of the crawls.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import summary
from bench.machine import describe
from bench.record_build import print_table
from bench.static_replica import Nginx, served_site

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.75  # newsmon pages/s / bare pages/s
CONCURRENCY = 16
COMMON_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": str(CONCURRENCY),
    "CONCURRENT_REQUESTS_PER_DOMAIN": str(CONCURRENCY),
    "ROBOTSTXT_OBEY": "True",
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": "False",
}

BARE_SPIDER = '''
import json, os
from datetime import datetime, timezone
from urllib.parse import urlsplit
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule
from newsmon.urls import canonicalize


def _uri(url):
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


class BareSpider(CrawlSpider):
    """Follows every same-site link of every HTML page (limited to the URLs newsmon fetched)."""

    name = "bare"
    allowed_domains = ["127.0.0.1"]
    rules = (Rule(LinkExtractor(), callback="parse_page", follow=True, process_links="known"),)

    def __init__(self, *args, base_url="", start_paths="", allowed="", stats_file="", **kwargs):
        super().__init__(*args, **kwargs)
        self.start_urls = [base_url + p for p in start_paths.split(",") if p]
        with open(allowed, encoding="utf-8") as f:
            self.allowed = set(f.read().split())
        self.stats_file = stats_file

    def known(self, links):
        kept = []
        for link in links:
            if _uri(link.url) not in self.allowed and "?" in link.url:
                link.url = canonicalize(link.url)  # the form newsmon requests (tracking parameters dropped)
            if _uri(link.url) in self.allowed:
                kept.append(link)
        return kept

    def parse_start_url(self, response):
        return self.parse_page(response)

    def parse_page(self, response):
        yield {"url": response.url}

    def closed(self, reason):
        raw = self.crawler.stats.get_stats()
        if "elapsed_time_seconds" not in raw:  # CoreStats sets it after this callback: same formula
            now = datetime.now(tz=timezone.utc)
            raw = {**raw, "elapsed_time_seconds": (now - raw["start_time"]).total_seconds()}
        stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in raw.items()}
        with open(self.stats_file, "w", encoding="utf-8") as f:
            json.dump(stats, f)
'''


def _settings(values: dict[str, str]) -> list[str]:
    return [arg for name, value in values.items() for arg in ("-s", f"{name}={value}")]


def newsmon_command(
    base_url: str, categories: list[str], max_pages: int, work: Path, workers: int | None
) -> list[str]:
    settings = {
        **COMMON_SETTINGS,
        "NEWSMON_TIERS_ENABLED": "False",
        "NEWSMON_STATE_DIR": str(work / "state"),
        "NEWSMON_STATS_FILE": str(work / "stats.json"),
    }
    if workers is not None:
        settings["NEWSMON_EXTRACT_WORKERS"] = str(workers)
    return [
        sys.executable, "-m", "scrapy", "crawl", "euromaidan",
        "-a", f"base_url={base_url}",
        "-a", f"categories={','.join(categories)}",
        "-a", f"max_pages={max_pages}",
        "-a", "follow_depth=2",
        "-O", str(work / "records.jsonl"),
        *_settings(settings),
    ]  # fmt: skip


def bare_command(base_url: str, start_paths: list[str], allowed: Path, work: Path) -> list[str]:
    work.mkdir(parents=True, exist_ok=True)
    spider = work / "bare_spider.py"
    spider.write_text(BARE_SPIDER, "utf-8")
    return [
        sys.executable, "-m", "scrapy", "runspider", str(spider),
        "-a", f"base_url={base_url}",
        "-a", f"start_paths={','.join(start_paths)}",
        "-a", f"allowed={allowed}",
        "-a", f"stats_file={work / 'stats.json'}",
        *_settings(COMMON_SETTINGS),
    ]  # fmt: skip


def crawl_stats(command: list[str], cwd: Path, work: Path) -> dict[str, Any]:
    """Run one benchmark crawl (a `scrapy` command writing its stats to work/stats.json, outside any
    Scrapy project's settings module) and return those stats; RuntimeError when it failed."""
    work.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command[:5]} exited {done.returncode}:\n{done.stderr[-3000:]}")
    stats: dict[str, Any] = json.loads((work / "stats.json").read_text("utf-8"))
    return stats


def run(command: list[str], cwd: Path, work: Path, nginx: Nginx) -> dict[str, Any]:
    nginx.clear_log()
    stats = crawl_stats(command, cwd, work)
    served = nginx.served()
    responses = int(stats.get("downloader/response_count", 0))
    elapsed = float(stats["elapsed_time_seconds"])
    return {
        "responses": responses,
        "elapsed": elapsed,
        "pages_per_s": responses / elapsed,
        "items": int(stats.get("item_scraped_count", 0)),
        "uris": sorted({uri for _, uri in served}),
    }


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    with served_site(args.articles, work) as (nginx, counts, site):
        categories = [f"/category/{c.slug}/" for c in site.categories]
        max_pages = max(site.page_count(site.category_articles(c.slug)) for c in site.categories)
        variants: list[tuple[str, int | None]] = [(f"newsmon workers={w}", w) for w in args.workers] or [
            ("newsmon", None)
        ]
        results: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in variants}
        results["bare"] = []
        allowed = work / "allowed.txt"
        for round_no in range(args.rounds):
            order = [*variants, ("bare", None)]
            if round_no % 2:
                order.reverse()
            if round_no == 0:  # newsmon first: its fetched URLs limit the bare crawl
                order = [*variants, ("bare", None)]
            for name, workers in order:
                run_dir = work / f"{name.replace(' ', '_').replace('=', '')}-{round_no}"
                if name == "bare":
                    command = bare_command(nginx.base_url, ["/feed/", *categories], allowed, run_dir)
                else:
                    command = newsmon_command(nginx.base_url, categories, max_pages, run_dir, workers)
                result = run(command, ROOT if name != "bare" else run_dir, run_dir, nginx)
                if not allowed.exists():
                    allowed.write_text("\n".join(result["uris"]) + "\n", "utf-8")
                results[name].append(result)
                print(
                    f"  round {round_no + 1} {name}: {result['responses']} responses in "
                    f"{result['elapsed']:.1f} s = {result['pages_per_s']:.1f} pages/s, "
                    f"{result['items']} items",
                    flush=True,
                )
    return {"counts": counts, "results": results, "max_pages": max_pages}


def summarize(measured: dict[str, Any]) -> list[tuple[str, str, str]]:
    results = measured["results"]
    bare = statistics.median(r["pages_per_s"] for r in results["bare"])
    first_newsmon = next(name for name in results if name != "bare")
    newsmon_uris = set(results[first_newsmon][0]["uris"])
    bare_uris = set(results["bare"][0]["uris"])
    counts = measured["counts"]
    table = [
        (
            "site",
            f"{counts['articles']:,}",
            f"articles, {counts['listing pages']} listing pages (nginx, static)",
        ),
        ("bare CrawlSpider (pages/s)", f"{bare:.1f}", f"median of {len(results['bare'])} runs"),
    ]
    for name, runs in results.items():
        if name == "bare":
            continue
        speed = statistics.median(r["pages_per_s"] for r in runs)
        table.append(
            (f"{name} (pages/s)", f"{speed:.1f}", f"median of {len(runs)} runs, {runs[0]['items']} records")
        )
        table.append((f"  {name} / bare", f"{speed / bare:.2f}x", f"target >= {TARGET:.2f}x"))
    table.append(
        (
            "pages fetched newsmon / bare",
            f"{len(newsmon_uris)} / {len(bare_uris)}",
            f"{len(newsmon_uris & bare_uris)} in common",
        )
    )
    return table


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench plain_crawl")
    parser.add_argument("--articles", type=int, default=2010)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--workers",
        type=int,
        nargs="*",
        default=[],
        help="NEWSMON_EXTRACT_WORKERS values to compare (default: the project's setting)",
    )
    args, _ = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp:
        measured = measure(args, Path(tmp))
    print(describe())
    table = summarize(measured)
    print_table(table)
    summary.add_targets("plain_crawl", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
