"""`python -m bench sites [shape ...] [--mode first|hand] [--plain] [--keep DIR]`: the corpus of invented site
shapes (tests/shapes/corpus.py) crawled as a new user would, scored against each site's own truth.

For every shape and each of two configurations, on a fresh instance of the site served on 127.0.0.1:
  first  `newsmon discover` writes the site TOML, crawled as written (first contact);
  hand   the TOML written by hand from the README (the shape's HAND_TOML).
Three `scrapy crawl news` runs share one state directory: the first crawl; then, after the site publishes
one story, a crawl that revisits every emitted article (NEWSMON_REVISIT_YOUNGER_THAN huge, _EVERY 0), so a
template block that changed with the publication shows up as a false version 2; then, after one article's
body is edited, the same revisit crawl, which must give exactly that article as version 2.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import summary
from bench.machine import describe
from tests.crawl_helpers import read_jsonl, run_crawl
from tests.shapes.corpus import SHAPES
from tests.shapes.kit import Shape, serve
from tests.shapes.scoring import ChangeScore, RunScore, score_change, score_run

REVISIT = ("-s", "NEWSMON_REVISIT_YOUNGER_THAN=1000000", "-s", "NEWSMON_REVISIT_EVERY=0")


@dataclass
class ShapeResult:
    shape: str
    mode: str
    first: RunScore
    published: ChangeScore
    edited: ChangeScore
    seconds: float
    note: str = ""


def discover(url: str, toml: Path) -> str:
    """`newsmon discover URL -o toml`, in this process; '' when it wrote the file, else its complaint."""
    from newsmon.cli import main as cli_main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = cli_main(["discover", url, "--delay", "0", "-o", str(toml)])
    return "" if status == 0 and toml.exists() else f"discover exit {status}: {out.getvalue()[-300:]}"


def crawl(base: str, toml: Path, workdir: Path, state: Path, *extra: str) -> list[dict[str, Any]]:
    result = run_crawl(
        base, workdir, "-a", f"site={toml}", *extra, spider="news", state_dir=state, timeout=600
    )
    if result.returncode not in (0, 1):  # 1: a monitor complained; the records still count
        print(f"    crawl exit {result.returncode}: {result.log[-400:]}")
    return result.records


def rescore(shape: type[Shape], mode: str, workdir: Path) -> ShapeResult:
    """Score the records a kept run left in workdir again (the truth and the mutations are deterministic)."""
    site = shape()
    first = score_run(site.truth(), read_jsonl(workdir / "run1" / "out.jsonl"))
    story = site.publish()
    published = score_change(read_jsonl(workdir / "run2" / "out.jsonl"), site.path_of(story), edit=False)
    story = site.edit()
    edited = score_change(read_jsonl(workdir / "run3" / "out.jsonl"), site.path_of(story), edit=True)
    return ShapeResult(shape.NAME, mode, first, published, edited, 0.0)


def run_shape(shape: type[Shape], mode: str, workdir: Path, extra: tuple[str, ...]) -> ShapeResult:
    started = time.monotonic()
    workdir.mkdir(parents=True, exist_ok=True)
    state = workdir / "state"
    with serve(shape) as server:
        site: Shape = server.site
        toml = workdir / "site.toml"
        note = ""
        if mode == "first":
            note = discover(server.base_url + "/", toml)
        else:
            toml.write_text(
                site.hand_toml("https://" + shape.__module__.rsplit(".", 1)[-1] + ".example"), "utf-8"
            )
        if note:
            empty = ChangeScore()
            return ShapeResult(shape.__name__, mode, score_run(site.truth(), []), empty, empty, 0.0, note)
        first = score_run(site.truth(), crawl(server.base_url, toml, workdir / "run1", state, *extra))
        story = site.publish()
        records = crawl(server.base_url, toml, workdir / "run2", state, *REVISIT, *extra)
        published = score_change(records, site.path_of(story), edit=False)
        story = site.edit()
        records = crawl(server.base_url, toml, workdir / "run3", state, *REVISIT, *extra)
        edited = score_change(records, site.path_of(story), edit=True)
    return ShapeResult(shape.NAME, mode, first, published, edited, time.monotonic() - started, note)


HEAD = (
    "shape", "mode", "recall", "extra", "body F1", "RA P", "RA R", "pub: new/false v2/late", "edit: v2",
    "script full", "AMP url", "paywall flag", "title", "published", "authors", "subtitle", "tags",
)  # fmt: skip


def row(r: ShapeResult) -> list[str]:
    f = r.first
    pct = f.share
    return [
        r.shape,
        r.mode,
        f"{f.found}/{f.expected}",
        str(len(f.extra)),
        f"{f.body_f1:.3f}",
        f"{f.ra_precision:.2f}",
        f"{f.ra_recall:.2f}",
        f"{r.published.new}/{r.published.versions}/{r.published.late}",
        f"{r.edited.versions}{'' if r.edited.right_version else ' (wrong)'}",
        f"{f.script_full}/{f.script_total}" if f.script_total else "-",
        str(f.amp_urls),
        f"{f.paywall_flag}/{f.paywall_total}" if f.paywall_total else "-",
        f"{pct(f.title):.0%}",
        f"{pct(f.published):.0%}",
        f"{pct(f.authors):.0%}",
        f"{pct(f.subtitle):.0%}",
        f"{pct(f.tags):.0%}",
    ]


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [list(HEAD), *rows]) for i in range(len(HEAD))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in [list(HEAD), *rows]
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def totals(results: list[ShapeResult], mode: str) -> list[str]:
    chosen = [r for r in results if r.mode == mode]
    found = sum(r.first.found for r in chosen)
    expected = sum(r.first.expected for r in chosen)
    f1s = [v for r in chosen for v in r.first.f1.values()]
    tp = sum(r.first.ra_tp for r in chosen)
    fp = sum(r.first.ra_fp for r in chosen)
    fn = sum(r.first.ra_fn for r in chosen)

    def share(name: str) -> str:
        return f"{sum(getattr(r.first, name) for r in chosen) / found:.0%}" if found else "-"

    return [
        f"TOTAL ({len(chosen)} shapes)",
        mode,
        f"{found}/{expected}",
        str(sum(len(r.first.extra) for r in chosen)),
        f"{sum(f1s) / len(f1s):.3f}" if f1s else "-",
        f"{tp / (tp + fp):.2f}" if tp + fp else "-",
        f"{tp / (tp + fn):.2f}" if tp + fn else "-",
        f"{sum(r.published.new for r in chosen)}/{sum(r.published.versions for r in chosen)}"
        f"/{sum(r.published.late for r in chosen)}",
        f"{sum(r.edited.versions for r in chosen)} ({sum(r.edited.right_version for r in chosen)} right)",
        f"{sum(r.first.script_full for r in chosen)}/{sum(r.first.script_total for r in chosen)}",
        str(sum(r.first.amp_urls for r in chosen)),
        f"{sum(r.first.paywall_flag for r in chosen)}/{sum(r.first.paywall_total for r in chosen)}",
        share("title"),
        share("published"),
        share("authors"),
        share("subtitle"),
        share("tags"),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench sites")
    parser.add_argument("shapes", nargs="*", help=f"shape modules (default: all of {', '.join(SHAPES)})")
    parser.add_argument("--mode", choices=("first", "hand"), action="append", help="default: both")
    parser.add_argument("--plain", action="store_true", help="NEWSMON_TIER_MODE=plain (no browser tier)")
    parser.add_argument("--keep", type=Path, help="keep TOMLs, logs and records under this directory")
    parser.add_argument(
        "--rescore", action="store_true", help="score the runs kept in --keep again, no crawl"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses, extras and other records")
    args = parser.parse_args([a for a in argv if a != "sites"])
    names = args.shapes or list(SHAPES)
    unknown = [n for n in names if n not in SHAPES]
    if unknown:
        parser.error(f"unknown shapes: {', '.join(unknown)}")
    extra = ("-s", "NEWSMON_TIER_MODE=plain") if args.plain else ()
    if args.rescore and args.keep is None:
        parser.error("--rescore needs --keep DIR")
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-sites-"))
    print(describe())
    results: list[ShapeResult] = []
    try:
        for name in names:
            for mode in args.mode or ["first", "hand"]:
                if args.rescore:
                    result = rescore(SHAPES[name], mode, root / name / mode)
                else:
                    result = run_shape(SHAPES[name], mode, root / name / mode, extra)
                results.append(result)
                print(f"  {name} {mode}: {result.seconds:.0f} s {result.note}", flush=True)
                if args.verbose:
                    f = result.first
                    print(f"    missing {f.missing}\n    extra {f.extra}")
                    low = sorted((v, p) for p, v in f.f1.items() if v < 0.97)
                    print(f"    body F1 < 0.97: {[(p, round(v, 3)) for v, p in low]}")
                    print(f"    after publication: {result.published.other}")
                    print(f"    after edit: {result.edited.other}")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    rows = [row(r) for r in results]
    for mode in args.mode or ["first", "hand"]:
        if any(r.mode == mode for r in results):
            rows.append(totals(results, mode))
    print(table(rows))
    for mode in args.mode or ["first", "hand"]:
        if any(r.mode == mode for r in results):
            t = totals(results, mode)
            summary.add("sites", f"{mode}: recall", t[2], "100%")
            summary.add("sites", f"{mode}: body F1", t[4], ">= 0.97")
            summary.add("sites", f"{mode}: read_also P/R", f"{t[5]}/{t[6]}", ">= 0.95")
            summary.add("sites", f"{mode}: false versions after a publication", t[7].split("/")[1], "0")
    return 0
