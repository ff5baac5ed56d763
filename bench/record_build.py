"""Record build benchmark: the whole record (parse once, outline, visible text, links, article fields, related
blocks, body, build_record) against ``trafilatura.extract`` alone, per page, on the 181 real pages of
``../shared/benchmarks/article-extraction``, in the same process.

    python -m bench record_build [--rounds 5] [--data DIR]

Both get the same input (the page decoded to str, as ``score_extraction.py`` does) and the page URL. Rounds
alternate newsmon and trafilatura page by page, so a busy neighbour slows both alike; a page's time is the
CPU time of its fastest round (``time.process_time``: on a shared machine a neighbour delays a page but adds
no CPU time to it), and ms/page is the mean over pages. The median of the per-round totals is printed too.

The target is the one issues 19 and 24 set: "record build cost per page <= 1.1x today's", today being
commit 2c47ca3 (where they were filed). What a page costs depends on the machine and its load, the ratio to
trafilatura measured in the same process much less: the target is LIMIT times that commit's ratio
(BASELINE_RATIO), and the bench says whether it is met.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import summary
from bench.machine import describe

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "benchmarks" / "article-extraction"
# newsmon / trafilatura.extract per page at commit 2c47ca3 (issues 19 and 24 were filed against it), this
# benchmark run there (its tree checked out, same venv, same 181 pages, CPU time, best of 3): 1.01x-1.03x in
# the sessions that filed and worked the issues, 1.004x and 1.013x on 2026-12-07 (load average 9-18)
BASELINE_RATIO = 1.02
LIMIT = 1.1  # the issues' acceptance: record build cost per page <= 1.1x the 2c47ca3 one
TARGET = round(BASELINE_RATIO * LIMIT, 2)  # 1.12x trafilatura

Page = tuple[str, str]  # (html, url)


def decode_html(raw: bytes) -> str:
    """The page as the scoring tool decodes it: UTF-8, else its meta charset, else cp1252."""
    import re

    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        match = re.search(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", raw[:4096], re.IGNORECASE)
        if match:
            try:
                return raw.decode(match.group(1).decode("ascii"), errors="replace")
            except LookupError:
                pass
        return raw.decode("cp1252", errors="replace")


def load_pages(data: Path) -> list[Page]:
    truth = json.loads((data / "ground-truth.json").read_text("utf-8"))
    pages = []
    for item_id, entry in sorted(truth.items()):
        path = data / "html" / f"{item_id}.html.gz"
        raw = (
            gzip.decompress(path.read_bytes())
            if path.exists()
            else (data / "html" / f"{item_id}.html").read_bytes()
        )
        pages.append((decode_html(raw), entry.get("url") or ""))
    return pages


def newsmon_record() -> Callable[[str, str], object]:
    from newsmon.extract.html import parse_html
    from newsmon.extract.page import extract_page
    from newsmon.extract.types import ExtractOptions
    from newsmon.record import FetchInfo, build_record
    from newsmon.urls import SiteScope

    options = ExtractOptions()

    def build(html: str, url: str) -> object:
        page = extract_page(parse_html(html), url, options)
        return build_record(page, FetchInfo(url=url, spider="bench"), SiteScope.build(url))

    return build


def trafilatura_alone() -> Callable[[str, str], object]:
    import trafilatura

    def extract(html: str, url: str) -> object:
        return trafilatura.extract(html, url=url)

    return extract


def measure(pages: Sequence[Page], rounds: int) -> dict[str, float]:
    contenders = {"newsmon": newsmon_record(), "trafilatura": trafilatura_alone()}
    for fn in contenders.values():  # warm-up: imports, lazily built tables, caches of compiled XPaths
        for html, url in pages[:3]:
            fn(html, url)
    best = {name: [float("inf")] * len(pages) for name in contenders}
    totals: dict[str, list[float]] = {name: [] for name in contenders}
    clock = time.process_time
    for _ in range(rounds):
        spent = dict.fromkeys(contenders, 0.0)
        for i, (html, url) in enumerate(pages):
            for name, fn in contenders.items():
                start = clock()
                fn(html, url)
                elapsed = clock() - start
                spent[name] += elapsed
                best[name][i] = min(best[name][i], elapsed)
        for name in contenders:
            totals[name].append(spent[name] / len(pages) * 1000)
    result = {f"{name}_ms": sum(times) / len(times) * 1000 for name, times in best.items()}
    result.update({f"{name}_median_round_ms": statistics.median(t) for name, t in totals.items()})
    result["ratio"] = result["newsmon_ms"] / result["trafilatura_ms"]
    result["median_round_ratio"] = result["newsmon_median_round_ms"] / result["trafilatura_median_round_ms"]
    return result


def verdict(result: dict[str, float]) -> str:
    """ "met" when the ratio is within TARGET (LIMIT x the 2c47ca3 ratio), else "not met"."""
    return "met" if result["ratio"] <= TARGET else "not met"


def rows(result: dict[str, float], pages: int, rounds: int) -> list[tuple[str, str, str]]:
    return [
        (
            "record build, newsmon (ms/page)",
            f"{result['newsmon_ms']:.2f}",
            f"{pages} pages, best of {rounds}",
        ),
        (
            "trafilatura.extract alone (ms/page)",
            f"{result['trafilatura_ms']:.2f}",
            "same pages, same process",
        ),
        (
            "record build / trafilatura",
            f"{result['ratio']:.2f}x",
            f"target <= {TARGET:.2f}x: {verdict(result)}",
        ),
        ("  median round: newsmon / trafilatura", f"{result['median_round_ratio']:.2f}x", ""),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench record_build")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--data", type=Path, default=DATA)
    args, _ = parser.parse_known_args(argv)
    if not (args.data / "ground-truth.json").is_file():
        print(f"record_build: skipped, benchmark pages not found at {args.data} (they live in ../shared)")
        return 0
    pages = load_pages(args.data)
    result = measure(pages, args.rounds)
    print(describe())
    table = rows(result, len(pages), args.rounds)
    print_table(table)
    summary.add_targets("record_build", table)
    return 0


def print_table(table: Sequence[tuple[str, str, str]]) -> None:
    width = max(len(r[0]) for r in table)
    print(f"{'measure':<{width}}  {'value':>10}  note")
    for name, value, note in table:
        print(f"{name:<{width}}  {value:>10}  {note}")


if __name__ == "__main__":
    raise SystemExit(main())
