"""STEALTHY tier benchmark: newsmon in the browser tier against a bare scrapy-playwright spider.

Both crawl the same >= 500 replica article pages in the same run, one after the other (rounds alternate
which goes first). Each crawl is its own process; while it runs, the summed PSS (and RSS) of every
Chromium process below it is sampled every ``--sample`` seconds against the number of article pages the
replica has served so far. Reported per crawl: pages/s over Scrapy's ``elapsed_time_seconds`` (crawl
phase, no interpreter start-up), pages/s between the first and the last page served (steady state, no
browser launch), peak browser PSS/RSS, and the memory trend after warm-up (least-squares slope over the
second half of the pages, PSS at 20% and 100% of the pages).

    python -m bench stealthy_crawl [--pages 510] [--rounds 2] [--json out.json]
    python -m bench.stealthy_crawl ...

The replica's pages are rendered once up front and served from memory by a threaded stdlib server, so the
server costs well under a millisecond a page (reported as ``server ms/page``) and is not what is measured.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import scrapy

from bench import summary
from bench.machine import cpu_model
from bench.static_replica import build_site
from newsmon.fetch.browser import chromium_major_version, find_chromium

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_PATH = re.compile(r"^/\d{4}/\d\d/\d\d/[^/]+/$")
BROWSER_NAMES = ("chrom", "headless_shell")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- the pages -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str]


def prerender(site: Any) -> dict[str, Page]:
    """Every article page plus robots.txt and the image path, rendered by the replica once."""
    from tests.replica.app import handle

    targets = [a.path for a in site.articles] + ["/robots.txt", "/wp-content/uploads/logo.png"]
    pages = {}
    for target in targets:
        reply = handle(site, target)
        pages[target] = Page(reply.status, reply.content_type, reply.body, dict(reply.headers))
    return pages


class PageServer:
    """Serves pre-rendered pages on 127.0.0.1:0 and notes when each article page was served."""

    def __init__(self, pages: dict[str, Page]) -> None:
        self.pages = pages
        self.lock = threading.Lock()
        self.article_times: list[float] = []
        self.busy_seconds = 0.0
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "nginx"
            sys_version = ""

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                started = time.perf_counter()
                path = self.path.split("?", 1)[0]
                page = server.pages.get(path) or Page(404, "text/html", b"<h1>Not found</h1>", {})
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                for name, value in page.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(page.body)
                with server.lock:
                    server.requests += 1
                    server.busy_seconds += time.perf_counter() - started
                    if page.status == 200 and ARTICLE_PATH.match(path):
                        server.article_times.append(time.monotonic())

        class Quiet(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass

        self.httpd = Quiet(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1})

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def reset(self) -> None:
        with self.lock:
            self.article_times.clear()
            self.busy_seconds = 0.0
            self.requests = 0

    def served(self) -> int:
        with self.lock:
            return len(self.article_times)

    def __enter__(self) -> PageServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


# --- browser memory ------------------------------------------------------------------------------------
def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    return children


def process_tree(root: int) -> dict[int, str]:
    """Every process below ``root`` (and root itself) by kind: scrapy, driver, browser, renderer, helper."""
    children, found, stack = _children(), {root: "scrapy"}, [root]
    while stack:
        for pid in children.get(stack.pop(), []):
            stack.append(pid)
            with contextlib.suppress(OSError):
                comm = Path(f"/proc/{pid}/comm").read_text().strip().lower()
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                if not any(n in comm for n in BROWSER_NAMES):
                    found[pid] = "driver" if comm.startswith("node") else "other"
                elif b"--type=renderer" in cmdline:
                    found[pid] = "renderer"
                else:
                    found[pid] = "helper" if b"--type=" in cmdline else "browser"
    return found


def _kib(path: Path, field_name: str) -> int:
    with contextlib.suppress(OSError):
        for line in path.read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    return 0


def _cpu_seconds(pid: int) -> float:
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return 0.0


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy since boot (all cores, every process)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / CLOCK_TICKS


@dataclass(frozen=True)
class Sample:
    t: float
    pages: int  # article pages served so far
    processes: int  # browser processes
    pss_mib: float
    rss_mib: float


class TreeSampler:
    """Every ``interval``: summed PSS (smaps_rollup) and RSS of the browser processes below a pid, and the
    CPU time of each process in the tree (kept per pid; a process living less than an interval is missed,
    so browser CPU is a lower bound)."""

    def __init__(self, root: int, server: PageServer, interval: float) -> None:
        self.root, self.server, self.interval = root, server, interval
        self.samples: list[Sample] = []
        self.cpu: dict[int, tuple[str, float]] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            tree = process_tree(self.root)
            for pid, kind in tree.items():
                self.cpu[pid] = (kind, max(_cpu_seconds(pid), self.cpu.get(pid, ("", 0.0))[1]))
            browsers = [pid for pid, kind in tree.items() if kind in ("browser", "renderer", "helper")]
            if browsers:
                pss = sum(_kib(Path(f"/proc/{p}/smaps_rollup"), "Pss") for p in browsers)
                rss = sum(_kib(Path(f"/proc/{p}/status"), "VmRSS") for p in browsers)
                sample = Sample(time.monotonic(), self.server.served(), len(browsers), pss / 1024, rss / 1024)
                self.samples.append(sample)
            self.stop.wait(self.interval)

    def cpu_by_kind(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for kind, seconds in self.cpu.values():
            totals[kind] = totals.get(kind, 0.0) + seconds
        return totals

    def __enter__(self) -> TreeSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


# --- the bare spider ---------------------------------------------------------------------------------
class BarePlaywrightSpider(scrapy.Spider):
    """scrapy-playwright as its README shows it: every request ``meta={"playwright": True}``, nothing else.

    Run by ``scrapy runspider`` on this file outside the project (so none of newsmon's settings apply);
    ``-a urls_file=`` lists the URLs, ``-a stats_file=`` receives the final stats as JSON.
    """

    name = "bare_playwright"

    def __init__(self, urls_file: str = "", stats_file: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls_file, self.stats_file = urls_file, stats_file

    async def start(self) -> Any:
        for url in Path(self.urls_file).read_text().split():
            yield scrapy.Request(url, meta={"playwright": True})

    def parse(self, response: scrapy.http.Response) -> Any:
        yield {"url": response.url}

    def closed(self, reason: str) -> None:
        if self.stats_file:
            stats = dict(self.crawler.stats.get_stats()) if self.crawler.stats else {}
            # CoreStats adds this on the same signal, possibly after us
            stats.setdefault(
                "elapsed_time_seconds", (datetime.now(UTC) - stats["start_time"]).total_seconds()
            )
            Path(self.stats_file).write_text(json.dumps(stats, default=str))


# --- running the crawls --------------------------------------------------------------------------------
@dataclass
class CrawlFigures:
    name: str
    pages: int  # items written
    served: int  # article pages the replica served
    elapsed_s: float  # Scrapy's elapsed_time_seconds: engine start to close
    pages_per_s: float
    steady_pages_per_s: float  # between the first and the last article page served
    peak_pss_mib: float
    peak_rss_mib: float
    pss_at_20_mib: float  # median PSS while pages 15-25% were served
    pss_at_end_mib: float  # median PSS while the last 10% were served
    slope_mib_per_100_pages: float  # least squares over samples in the second half of the pages
    max_processes: int
    server_ms_per_request: float
    wall_s: float  # whole subprocess, interpreter start included
    machine_busy_pct: float  # all cores, every process on the machine (others' load shows up here)
    cpu_ms_per_page: dict[str, float]  # CPU time per page by process kind (browser kinds: lower bounds)
    samples: list[Sample] = field(default_factory=list, repr=False)


def _slope(points: Sequence[tuple[float, float]]) -> float:
    if len(points) < 3:
        return 0.0
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def memory_trend(points: Sequence[tuple[int, float]], total: int) -> tuple[float, float, float]:
    """From (pages served, PSS) samples taken while pages were being served: median PSS around 20% of
    the pages, median PSS over the last 10%, and the least-squares slope (MiB per 100 pages) over the
    second half. Start-up and shut-down samples are left out."""
    crawling = [(p, m) for p, m in points if 0 < p < total]

    def median_between(lo: float, hi: float) -> float:
        values = [m for p, m in crawling if lo * total <= p < hi * total]
        return statistics.median(values) if values else 0.0

    second_half = [(float(p), m) for p, m in crawling if p >= total / 2]
    return median_between(0.15, 0.25), median_between(0.9, 1.0), 100 * _slope(second_half)


def measure(
    name: str,
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    server: PageServer,
    stats_path: Path,
    items_path: Path,
    expected: int,
    interval: float,
    timeout: float,
) -> CrawlFigures:
    server.reset()
    busy_before, started = machine_busy_seconds(), time.monotonic()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        with TreeSampler(proc.pid, server, interval) as sampler:
            out, _ = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    wall = time.monotonic() - started
    busy = machine_busy_seconds() - busy_before
    log = out.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{name} crawl exited {proc.returncode}:\n{log[-4000:]}")
    stats = json.loads(stats_path.read_text())
    items = [json.loads(line) for line in items_path.read_text().splitlines() if line.strip()]
    if len(items) < expected:
        raise RuntimeError(f"{name}: {len(items)} of {expected} pages came back:\n{log[-4000:]}")
    times = sorted(server.article_times)
    samples = sampler.samples
    at_20, at_end, slope = memory_trend([(s.pages, s.pss_mib) for s in samples], len(times))
    elapsed = float(stats["elapsed_time_seconds"])
    return CrawlFigures(
        name=name,
        pages=len(items),
        served=len(times),
        elapsed_s=elapsed,
        pages_per_s=len(items) / elapsed,
        steady_pages_per_s=(len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0,
        peak_pss_mib=max((s.pss_mib for s in samples), default=0.0),
        peak_rss_mib=max((s.rss_mib for s in samples), default=0.0),
        pss_at_20_mib=at_20,
        pss_at_end_mib=at_end,
        slope_mib_per_100_pages=slope,
        max_processes=max((s.processes for s in samples), default=0),
        server_ms_per_request=1000 * server.busy_seconds / max(server.requests, 1),
        wall_s=wall,
        machine_busy_pct=100 * busy / (wall * (os.cpu_count() or 1)),
        cpu_ms_per_page={
            k: round(1000 * v / len(items), 1) for k, v in sorted(sampler.cpu_by_kind().items())
        },
        samples=samples,
    )


# crawl name -> extra newsmon arguments ("bare" is the plain scrapy-playwright spider)
CRAWLS: dict[str, list[str]] = {
    "bare": [],
    "newsmon": [],
    "newsmon_tab_per_page": ["-s", "NEWSMON_BROWSER_PAGE_REUSE=1"],  # before the tab pool
}


def newsmon_command(base_url: str, paths: list[str], work: Path, extra: Sequence[str]) -> list[str]:
    return [
        sys.executable, "-m", "scrapy", "crawl", "euromaidan",
        "-a", f"base_url={base_url}",
        "-a", "urls=" + ",".join(paths),
        "-a", "feeds=", "-a", "categories=", "-a", "follow_depth=0",
        "-s", "NEWSMON_TIER_MODE=stealthy",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", f"NEWSMON_STATE_DIR={work / 'state'}",
        "-s", "NEWSMON_STATE_ENABLED=False",
        "-s", f"NEWSMON_STATS_FILE={work / 'stats.json'}",
        "-s", "LOG_LEVEL=WARNING",
        "-O", str(work / "out.jsonl"),
        *extra,
    ]  # fmt: skip


def bare_command(urls_file: Path, work: Path, extra: Sequence[str]) -> list[str]:
    """Same Chromium, same launch args, same concurrency as newsmon; everything else scrapy-playwright's."""
    from newsmon import settings as ns
    from newsmon.fetch.policy import OPTIONS as TIER_OPTIONS

    launch = {
        "executable_path": find_chromium(),
        "headless": True,
        "args": TIER_OPTIONS.default("NEWSMON_CHROMIUM_ARGS"),
    }
    handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    return [
        sys.executable, "-m", "scrapy", "runspider", str(Path(__file__).resolve()),
        "-a", f"urls_file={urls_file}", "-a", f"stats_file={work / 'stats.json'}",
        "-s", "DOWNLOAD_HANDLERS=" + json.dumps({"http": handler, "https": handler}),
        "-s", "TWISTED_REACTOR=twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "-s", "PLAYWRIGHT_LAUNCH_OPTIONS=" + json.dumps(launch),
        "-s", f"CONCURRENT_REQUESTS={ns.CONCURRENT_REQUESTS}",
        "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={ns.CONCURRENT_REQUESTS_PER_DOMAIN}",
        "-s", "LOG_LEVEL=WARNING",
        "-O", str(work / "out.jsonl"),
        *extra,
    ]  # fmt: skip


def chromium_version() -> str:
    """The same Chromium newsmon finds (newsmon.fetch.browser), by its version line."""
    path = find_chromium()
    major = chromium_major_version(path) if path else None
    return f"{path} (Chromium {major})" if path else "none"


def machine() -> dict[str, Any]:
    cpu = cpu_model()
    mem = _kib(Path("/proc/meminfo"), "MemTotal") / 1024**2
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem, 1),
        "chromium": chromium_version(),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


@contextlib.contextmanager
def _workdir(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
    else:
        with tempfile.TemporaryDirectory(prefix="bench-stealthy-") as tmp:
            yield Path(tmp)


def run(args: argparse.Namespace) -> dict[str, Any]:
    site = build_site(args.pages)
    pages = prerender(site)
    paths = sorted(p for p in pages if ARTICLE_PATH.match(p))[: args.pages]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    results: list[CrawlFigures] = []
    with _workdir(args.workdir) as root, PageServer(pages) as server:
        urls_file = root / "urls.txt"
        urls_file.write_text("\n".join(server.base_url + p for p in paths) + "\n")
        (root / "bare-cwd").mkdir(exist_ok=True)  # no scrapy.cfg here: the project's settings stay out
        for round_no in range(args.rounds):
            crawls = list(args.crawls)
            if round_no % 2:  # alternate who goes first
                crawls.reverse()
            for name in crawls:
                work = root / f"{name}-{round_no}"
                work.mkdir(exist_ok=True)
                if name == "bare":
                    command, cwd = bare_command(urls_file, work, args.bare_set), root / "bare-cwd"
                else:
                    extra = [*args.newsmon_set, *CRAWLS[name]]
                    command, cwd = newsmon_command(server.base_url, paths, work, extra), ROOT
                figures = measure(
                    name, command, cwd, env, server, work / "stats.json", work / "out.jsonl",
                    len(paths), args.sample, args.timeout,
                )  # fmt: skip
                if name != "bare":
                    _check_newsmon(work / "out.jsonl")
                results.append(replace(figures, name=f"{name} #{round_no + 1}"))
                print(_row(results[-1]), file=sys.stderr, flush=True)
    return {"machine": machine(), "pages": len(paths), "crawls": [_public(f) for f in results]}


def _check_newsmon(out: Path) -> None:
    """Stealth did not cost correctness: every record came from the browser with a real body."""
    for line in out.read_text().splitlines():
        record = json.loads(line)
        if record["fetcher_tier"] != "STEALTHY" or len(record["body"].split()) < 40:
            raise RuntimeError(f"bad newsmon record for {record['url']}: {record['fetcher_tier']}")


def _public(f: CrawlFigures) -> dict[str, Any]:
    data = asdict(f)
    data["samples"] = [
        [round(s.t - f.samples[0].t, 2), s.pages, s.processes, round(s.pss_mib, 1)] for s in f.samples
    ]
    return data


HEADER = (
    "| crawl | pages | elapsed s | pages/s | steady pages/s | peak PSS MiB | peak RSS MiB | PSS @20% | "
    "PSS @90-100% | slope MiB/100 pages (2nd half) | browser procs | machine busy | CPU ms/page scrapy / "
    "driver / browser+helpers / renderers | server ms/req |\n" + "|---" * 14 + "|"
)


def _row(f: CrawlFigures) -> str:
    cpu = f.cpu_ms_per_page
    return (
        f"| {f.name} | {f.pages} | {f.elapsed_s:.1f} | {f.pages_per_s:.1f} | {f.steady_pages_per_s:.1f} | "
        f"{f.peak_pss_mib:.0f} | {f.peak_rss_mib:.0f} | {f.pss_at_20_mib:.0f} | {f.pss_at_end_mib:.0f} | "
        f"{f.slope_mib_per_100_pages:+.1f} | {f.max_processes} | {f.machine_busy_pct:.0f}% | "
        f"{cpu.get('scrapy', 0):.0f} / {cpu.get('driver', 0):.0f} / "
        f"{cpu.get('browser', 0) + cpu.get('helper', 0):.0f} / {cpu.get('renderer', 0):.0f} | "
        f"{f.server_ms_per_request:.2f} |"
    )


def add_summary(result: dict[str, Any]) -> None:
    crawls = result["crawls"]

    def median(kind: str, key: str) -> float:
        return statistics.median(c[key] for c in crawls if c["name"].split(" #")[0] == kind)

    ratio = median("newsmon", "pages_per_s") / median("bare", "pages_per_s")
    summary.add(
        "stealthy_crawl", "newsmon STEALTHY / bare scrapy-playwright (pages/s)", f"{ratio:.2f}x", ">= 1.0x"
    )
    slope = median("newsmon", "slope_mib_per_100_pages")
    summary.add("stealthy_crawl", "browser memory trend after warm-up", f"{slope:+.1f} MiB/100 pages", "flat")


def report(result: dict[str, Any]) -> str:
    m = result["machine"]
    crawls = result["crawls"]
    rows = [_row(CrawlFigures(**{**c, "samples": []})) for c in crawls]

    def median(kind: str, key: str) -> float:
        return statistics.median(c[key] for c in crawls if c["name"].split(" #")[0] == kind)

    kinds = list(dict.fromkeys(c["name"].split(" #")[0] for c in crawls))
    summary = [
        f"- {kind}: {median(kind, 'pages_per_s'):.2f} pages/s = "
        f"{median(kind, 'pages_per_s') / median('bare', 'pages_per_s'):.2f}x bare "
        f"(steady state {median(kind, 'steady_pages_per_s') / median('bare', 'steady_pages_per_s'):.2f}x); "
        f"peak browser PSS {median(kind, 'peak_pss_mib'):.0f} MiB; "
        f"trend after half-way {median(kind, 'slope_mib_per_100_pages'):+.1f} MiB/100 pages"
        for kind in kinds
    ]
    return "\n".join(
        [
            f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM; {m['chromium']}; "
            f"Python {m['python']}; {result['pages']} replica article pages per crawl.",
            "",
            HEADER,
            *rows,
            "",
            "Medians over the rounds:",
            *summary,
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench stealthy_crawl", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--pages", type=int, default=510, help="article pages per crawl (>= 500 for the issue)"
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="bare+newsmon pairs, alternating who goes first"
    )
    parser.add_argument(
        "--crawls",
        type=lambda v: [c for c in v.split(",") if c],
        default=["bare", "newsmon"],
        help=f"comma-separated crawls per round, from {', '.join(CRAWLS)} (default: bare,newsmon)",
    )
    parser.add_argument("--sample", type=float, default=0.5, help="seconds between browser memory samples")
    parser.add_argument("--timeout", type=float, default=900, help="seconds one crawl may take")
    parser.add_argument("--json", type=Path, help="write all figures and memory samples here")
    parser.add_argument("--workdir", type=Path, help="keep outputs here (default: a temporary directory)")
    parser.add_argument(
        "--newsmon-set",
        action="append",
        default=[],
        type=lambda s: s,
        metavar="ARG",
        help="extra argument for the newsmon crawl (repeat: --newsmon-set=-s --newsmon-set=X=1)",
    )
    parser.add_argument("--bare-set", action="append", default=[], metavar="ARG",
                        help="extra argument for the bare crawl")  # fmt: skip
    args, _ = parser.parse_known_args(argv)  # python -m bench passes every option to every benchmark
    result = run(args)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(report(result))
    add_summary(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
