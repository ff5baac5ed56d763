"""Browser bounds benchmark: peak memory of Chromium's process tree on hostile pages, guard on and off.

Two pages, each crawled alone by ``scrapy crawl euromaidan -s NEWSMON_TIER_MODE=stealthy`` (its own process
and Chromium): a **popup storm** (``window.open`` in a loop, half of the windows ``noopener`` so each gets
its own renderer, plus a scripted ``target=_blank`` click) and a **big DOM** (a script that appends
millions of elements in one go). While a crawl runs, the summed PSS (and RSS) of every Chromium process
below it is sampled every ``--sample`` seconds. Each page is crawled

- **guard on**: newsmon as shipped (``newsmon.fetch.browser_guard``: popup blocker kept on, DOM/heap/
  renderer limits at their defaults);
- **guard off**: newsmon as it was before the guard: scrapy-playwright's own download handler, Playwright's
  launch defaults (popup blocker off), no limits.

    python -m bench browser_bounds [--popups 60] [--dom-nodes 2000000] [--guard on,off] [--max-seconds 90]
                                   [--json out.json]

A crawl still running after ``--max-seconds`` is stopped (the unguarded big DOM page times out, is retried
and then takes minutes to extract: the peak comes in its first seconds).

The pages are served from memory by a threaded stdlib server on 127.0.0.1 (port 0).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import summary
from bench.machine import cpu_model
from bench.stealthy_crawl import _kib, chromium_version, process_tree
from newsmon.fetch.browser import find_chromium
from newsmon.fetch.policy import OPTIONS as TIER_OPTIONS
from tests.replica.app import HTML, Reply
from tests.site_server import SiteServer

ROOT = Path(__file__).resolve().parent.parent
POPUP_PATH = "/2026/03/12/popup-storm/"
DOM_PATH = "/2026/03/12/big-dom/"
PARAGRAPH = (
    "The district council met on Tuesday evening to review the repairs of the river embankment, which were "
    "delayed by two weeks of heavy rain and a shortage of gravel trucks."
)


def page(title: str, script: str) -> bytes:
    body = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(4))
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{body}</article><script>{script}</script></body></html>"
    ).encode()


def pages(base_url: str, popups: int, dom_nodes: int) -> dict[str, bytes]:
    storm = (
        f"for (let i = 0; i < {popups}; i++) "
        f"window.open('{base_url}/popup/' + i, '_blank', i % 2 ? 'noopener' : '');"
        f"const a = document.createElement('a'); a.href = '{base_url}/popup/link'; a.target = '_blank';"
        "document.body.appendChild(a); a.click();"
    )
    dom = (
        f"for (let i = 0; i < {dom_nodes}; i++) {{ const row = document.createElement('div');"
        "row.textContent = 'row ' + i + ' of a table nobody asked for'; document.body.appendChild(row); }"
    )
    popup = page("A popup", "setInterval(() => { window.x = (window.x || 0) + 1; }, 50);")
    return {
        POPUP_PATH: page("Popup storm", storm),
        DOM_PATH: page("Big DOM", dom),
        **{f"/popup/{i}": popup for i in range(popups)},
        "/popup/link": popup,
    }


class PageServer(SiteServer):
    """Serves ``pages`` on 127.0.0.1:0 (404 elsewhere); the request log counts the popups loaded."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: dict[str, bytes] = {}

    def respond(self, target: str, headers: Mapping[str, str]) -> Reply:
        body = self.pages.get(target.split("?", 1)[0])
        if body is None:
            return Reply(404, b"<h1>Not found</h1>", HTML)
        return Reply(200, body, HTML)

    def popups_loaded(self) -> int:
        return self.count("/popup/")


@dataclass
class Figures:
    page: str
    guard: str
    peak_pss_mib: float
    peak_rss_mib: float
    max_processes: int
    wall_s: float
    record: bool
    popups_loaded: int  # popup pages the server served
    stopped: bool  # still running after --max-seconds: stopped by the benchmark
    stats: dict[str, Any]  # the newsmon/browser/* stats of the run


def sample_peak(
    proc: subprocess.Popen[bytes], interval: float, seconds: float
) -> tuple[float, float, int, bool]:
    """Peak summed PSS and RSS (MiB) and process count of the Chromium processes below ``proc`` until it
    exits or ``seconds`` have passed (then it is stopped, with everything it started: True)."""
    peak_pss = peak_rss = 0.0
    most = 0
    deadline = time.monotonic() + seconds
    while proc.poll() is None:
        if time.monotonic() > deadline:
            stop(proc)
            return peak_pss, peak_rss, most, True
        browsers = [
            p for p, kind in process_tree(proc.pid).items() if kind in ("browser", "renderer", "helper")
        ]
        pss = sum(_kib(Path(f"/proc/{p}/smaps_rollup"), "Pss") for p in browsers) / 1024
        rss = sum(_kib(Path(f"/proc/{p}/status"), "VmRSS") for p in browsers) / 1024
        peak_pss, peak_rss, most = max(peak_pss, pss), max(peak_rss, rss), max(most, len(browsers))
        time.sleep(interval)
    return peak_pss, peak_rss, most, False


def stop(proc: subprocess.Popen[bytes]) -> None:
    """The crawl's process group (the crawl, its extraction worker, Playwright's driver, which takes its
    Chromium down with it): SIGTERM twice (Scrapy's forced shutdown), then SIGKILL."""
    for sig in (signal.SIGTERM, signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
            return


def guard_off_settings() -> list[str]:
    """newsmon before the guard: scrapy-playwright's handler, Playwright's launch defaults, no limits."""
    handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    launch = {
        "executable_path": find_chromium(),
        "headless": True,
        "args": list(TIER_OPTIONS.default("NEWSMON_CHROMIUM_ARGS")),
    }
    return [
        "-s", "DOWNLOAD_HANDLERS=" + json.dumps({"http": handler, "https": handler}),
        "-s", "PLAYWRIGHT_LAUNCH_OPTIONS=" + json.dumps(launch),
        "-s", "NEWSMON_BROWSER_MAX_DOM_NODES=0",
        "-s", "NEWSMON_BROWSER_MAX_HEAP_MB=0",
        "-s", "NEWSMON_BROWSER_MAX_RENDERER_MB=0",
    ]  # fmt: skip


def crawl(server: PageServer, path: str, guard: str, work: Path, args: argparse.Namespace) -> Figures:
    work.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "scrapy", "crawl", "euromaidan",
        "-a", f"base_url={server.base_url}", "-a", f"urls={path}",
        "-a", "feeds=", "-a", "categories=", "-a", "follow_depth=0",
        "-s", "NEWSMON_TIER_MODE=stealthy",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "NEWSMON_STATE_ENABLED=False",
        "-s", f"NEWSMON_STATE_DIR={work / 'state'}",
        "-s", f"NEWSMON_STATS_FILE={work / 'stats.json'}",
        "-s", f"LOG_FILE={work / 'crawl.log'}",
        "-s", "DOWNLOAD_TIMEOUT=120",
        "-O", str(work / "out.jsonl"),
        *(guard_off_settings() if guard == "off" else []),
    ]  # fmt: skip
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    before = server.popups_loaded()
    started = time.monotonic()
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        pss, rss, most, stopped = sample_peak(proc, args.sample, args.max_seconds)
    finally:
        if proc.poll() is None:
            stop(proc)
    wall = time.monotonic() - started
    stats = json.loads((work / "stats.json").read_text()) if (work / "stats.json").exists() else {}
    out = work / "out.jsonl"
    record = out.exists() and bool(out.read_text().strip())
    return Figures(
        page="popup storm" if path == POPUP_PATH else "big DOM",
        guard=guard,
        peak_pss_mib=pss,
        peak_rss_mib=rss,
        max_processes=most,
        wall_s=wall,
        record=record,
        popups_loaded=server.popups_loaded() - before,
        stopped=stopped,
        stats={k: v for k, v in stats.items() if k.startswith("newsmon/browser/")},
    )


HEADER = (
    "| page | guard | peak browser PSS MiB | peak RSS MiB | browser processes | popups loaded | record | "
    "guard stats | wall s |\n" + "|---" * 9 + "|"
)


def _row(f: Figures) -> str:
    shown = ", ".join(f"{k.removeprefix('newsmon/browser/')}={v}" for k, v in sorted(f.stats.items()))
    return (
        f"| {f.page} | {f.guard} | {f.peak_pss_mib:.0f} | {f.peak_rss_mib:.0f} | {f.max_processes} | "
        f"{f.popups_loaded} | {'yes' if f.record else 'no'} | {shown or '-'} | {f.wall_s:.1f}"
        f"{' (stopped)' if f.stopped else ''} |"
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    if find_chromium() is None:
        raise RuntimeError("no Chromium: apt-get install chromium")
    results: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="bench-browser-bounds-") as tmp, PageServer() as server:
        server.pages = pages(server.base_url, args.popups, args.dom_nodes)
        for path in (POPUP_PATH, DOM_PATH):
            for guard in args.guard:
                figures = crawl(
                    server, path, guard, Path(tmp) / f"{path.strip('/').replace('/', '-')}-{guard}", args
                )
                results.append(figures)
                print(_row(figures), file=sys.stderr, flush=True)
    machine = {"cpu": cpu_model(), "cores": os.cpu_count(), "chromium": chromium_version()}
    return {
        "machine": machine,
        "popups": args.popups,
        "dom_nodes": args.dom_nodes,
        "max_seconds": args.max_seconds,
        "crawls": [asdict(f) for f in results],
    }


def report(result: dict[str, Any]) -> str:
    m = result["machine"]
    return "\n".join(
        [
            f"Machine: {m['cpu']}, {m['cores']} cores; {m['chromium']}. Popup storm: {result['popups']} "
            f"window.open calls (half noopener) and a target=_blank click; big DOM: {result['dom_nodes']:,} "
            "elements appended by one script. Memory: all Chromium processes of the crawl, peak of samples; "
            f"a crawl still running after {result['max_seconds']:.0f} s is stopped.",
            "",
            HEADER,
            *(_row(Figures(**c)) for c in result["crawls"]),
        ]
    )


def add_summary(result: dict[str, Any]) -> None:
    peaks = {(c["page"], c["guard"]): c["peak_pss_mib"] for c in result["crawls"]}
    for page_name in ("popup storm", "big DOM"):
        on, off = peaks.get((page_name, "on")), peaks.get((page_name, "off"))
        if on is None:
            continue
        value = f"{on:.0f} MiB" + (f" (guard off: {off:.0f} MiB)" if off is not None else "")
        summary.add("browser_bounds", f"peak browser PSS, {page_name}, guard on", value, "bounded")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench browser_bounds", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--popups", type=int, default=60, help="window.open calls on the popup storm page")
    parser.add_argument("--dom-nodes", type=int, default=2_000_000, help="elements the big DOM page appends")
    parser.add_argument(
        "--guard",
        type=lambda v: [g for g in v.split(",") if g in ("on", "off")],
        default=["on", "off"],
        help="on, off or on,off (default: both)",
    )
    parser.add_argument("--sample", type=float, default=0.2, help="seconds between memory samples")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=90,
        help="seconds one crawl may run before it is stopped (an unguarded big DOM can take hours)",
    )
    parser.add_argument("--json", type=Path, help="write all figures here")
    args, _ = parser.parse_known_args(argv)  # python -m bench passes every option to every benchmark
    result = run(args)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(report(result))
    add_summary(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
