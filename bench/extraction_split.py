"""Body F1 on a fixed split of the article benchmark: rules are chosen on the "tune" half, reported on both.

    python -m bench.extraction_split [-e SPEC ...] [--data DIR] [--tool PATH] [--json OUT]

The 181 pages of ``../shared/benchmarks/article-extraction`` are split by the sha1 of their file name
(``<id>.html.gz``): an even first byte puts a page in the "tune" half, an odd one in "held-out". Each half is
written as a dataset directory of its own (a ``ground-truth.json`` subset and symlinks to the pages) and
scored by ``../shared/tools/score_extraction.py --data`` (the tool takes page sets as directories), so every
figure comes from the scoring tool itself. Default contenders, all in the same run:

- ``newsmon.extract.body:score_entry`` (the body extractor alone, the eval gate's function);
- ``bench.extraction_split:record_body`` with ``--bytes`` (the record's ``body`` as ``newsmon extract FILE
  --url URL`` builds it: bytes decoded by newsmon, the whole page extracted, the record built);
- ``builtin:trafilatura-nocomments`` (the reference).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "benchmarks" / "article-extraction"
TOOL = ROOT.parent / "shared" / "tools" / "score_extraction.py"
HALVES = ("tune", "held-out")
CONTENDERS = (
    ("newsmon score_entry", "newsmon.extract.body:score_entry", False),
    ("newsmon record body", "bench.extraction_split:record_body", True),
    ("trafilatura nocomments", "builtin:trafilatura-nocomments", False),
)


def half_of(item_id: str) -> str:
    """The half a page belongs to: sha1 of its file name, even first byte "tune", odd "held-out"."""
    return HALVES[hashlib.sha1(f"{item_id}.html.gz".encode()).digest()[0] % 2]


def split(data: Path) -> dict[str, list[str]]:
    truth = json.loads((data / "ground-truth.json").read_text("utf-8"))
    halves: dict[str, list[str]] = {half: [] for half in HALVES}
    for item_id in sorted(truth):
        halves[half_of(item_id)].append(item_id)
    return halves


def write_half(data: Path, ids: Sequence[str], target: Path) -> None:
    """A dataset directory holding only ``ids``: ground truth subset, pages symlinked."""
    truth = json.loads((data / "ground-truth.json").read_text("utf-8"))
    (target / "html").mkdir(parents=True)
    (target / "ground-truth.json").write_text(json.dumps({i: truth[i] for i in ids}), "utf-8")
    for item_id in ids:
        for name in (f"{item_id}.html.gz", f"{item_id}.html"):
            if (data / "html" / name).exists():
                (target / "html" / name).symlink_to(data / "html" / name)
                break


def record_body(html: bytes | str, url: str | None = None) -> str:
    """The record's ``body`` as ``newsmon extract FILE --url URL`` builds it (site config, decoding)."""
    from newsmon.api import extract

    return str(extract(html, url or "http://example.com/").get("body") or "")


def score(tool: Path, half_dir: Path, spec: str, as_bytes: bool, out: Path) -> dict[str, float]:
    argv = [sys.executable, str(tool), "-e", spec, "--data", str(half_dir), "--json", str(out)]
    argv += ["--bootstrap", "200", *(["--bytes"] if as_bytes else [])]
    subprocess.run(argv, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    result = json.loads(out.read_text("utf-8"))
    return {key: float(result[key]) for key in ("f1", "precision", "recall", "f1_std")}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction_split")
    parser.add_argument("-e", "--extractor", action="append", help="MODULE:FUNC or builtin:NAME (repeatable)")
    parser.add_argument("--bytes", action="store_true", help="hand the -e extractors raw bytes")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--tool", type=Path, default=TOOL)
    parser.add_argument("--json", type=Path, help="write every figure as JSON")
    args, _ = parser.parse_known_args(argv)
    if not (args.data / "ground-truth.json").is_file() or not args.tool.is_file():
        print(f"extraction_split: skipped, benchmark or tool not found under {args.data.parent.parent}")
        return 0
    contenders = [(spec, spec, args.bytes) for spec in args.extractor] if args.extractor else list(CONTENDERS)
    halves = split(args.data)
    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="newsmon-split-") as tmp:
        for half, ids in halves.items():
            write_half(args.data, ids, Path(tmp) / half)
        for label, spec, as_bytes in contenders:
            results[label] = {
                half: score(args.tool, Path(tmp) / half, spec, as_bytes, Path(tmp) / f"{half}.json")
                for half in HALVES
            }
    sizes = {half: len(ids) for half, ids in halves.items()}
    width = max(len(label) for label, _, _ in contenders)
    print(f"{'extractor':<{width}}  " + "  ".join(f"{h} (n={sizes[h]}) F1  P     R    " for h in HALVES))
    for label, by_half in results.items():
        cells = [
            f"{m['f1']:.4f} ± {m['f1_std']:.3f} {m['precision']:.3f} {m['recall']:.3f}"
            for m in (by_half[h] for h in HALVES)
        ]
        print(f"{label:<{width}}  " + "  ".join(f"{c:<28}" for c in cells))
    if args.json:
        args.json.write_text(json.dumps({"sizes": sizes, "results": results}, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
